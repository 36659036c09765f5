//! `olm-kdf`: the Olm key schedule step by step, checked with `salamander::hazmat::olm`, and the
//! libolm messages the derived keys decrypt, checked with `salamander::hazmat::primitives`.

use salamander::{
    base64_decode,
    hazmat::{olm as schedule, primitives, CipherKeys},
    olm::{Message, OlmMessage},
    Curve25519PublicKey, Curve25519SecretKey,
};
use serde_json::Value;

use crate::hex;

fn array<const N: usize>(value: &Value, name: &str) -> Result<[u8; N], String> {
    let bytes = hex::field(value, name)?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| format!("{name}: {} bytes, expected {N}", bytes.len()))
}

fn public(value: &Value, name: &str) -> Result<Curve25519PublicKey, String> {
    Curve25519PublicKey::from_base64(value[name].as_str().unwrap_or_default())
        .map_err(|e| format!("{name}: {e}"))
}

/// The secret `secret_name` of `value`, checked against its public key `public_name`.
fn key_pair(
    value: &Value,
    secret_name: &str,
    public_name: &str,
) -> Result<(Curve25519SecretKey, Curve25519PublicKey), String> {
    let secret = Curve25519SecretKey::from_slice(&array::<32>(value, secret_name)?);
    let expected = public(value, public_name)?;
    let derived = Curve25519PublicKey::from(&secret);
    if derived != expected {
        return Err(format!("{public_name}: the secret gives {derived}, expected {expected}"));
    }
    Ok((secret, expected))
}

fn same<T: PartialEq>(got: &T, expected: &T, what: &str) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what} differs"))
    }
}

fn check_cipher_keys(keys: &CipherKeys, expected: &Value, what: &str) -> Result<(), String> {
    same(&keys.aes_key, &array(expected, "aesKey")?, &format!("{what}: AES key"))?;
    same(&keys.mac_key, &array(expected, "macKey")?, &format!("{what}: MAC key"))?;
    same(&keys.iv, &array(expected, "iv")?, &format!("{what}: IV"))
}

/// The listed message must be the one made with `keys`: its inner message carries the chain's
/// ratchet key and the index, its MAC verifies and its ciphertext decrypts to the plaintext.
fn check_message(
    message: &Value,
    keys: &CipherKeys,
    ratchet_key: Curve25519PublicKey,
    index: u64,
    what: &str,
) -> Result<(), String> {
    let message_type = message["type"].as_u64().and_then(|t| usize::try_from(t).ok());
    let bytes = base64_decode(message["body"].as_str().unwrap_or_default())
        .map_err(|e| format!("{what}: {e}"))?;
    let inner: Message = match OlmMessage::from_parts(message_type.unwrap_or(usize::MAX), &bytes)
        .map_err(|e| format!("{what}: {e}"))?
    {
        OlmMessage::Normal(m) => m,
        OlmMessage::PreKey(m) => m.message().clone(),
    };
    if inner.ratchet_key() != ratchet_key || inner.chain_index() != index {
        return Err(format!(
            "{what}: the message has ratchet key {} and index {}",
            inner.ratchet_key(),
            inner.chain_index()
        ));
    }
    let raw = inner.to_bytes();
    let (authenticated, mac) = raw.split_at(raw.len().saturating_sub(8));
    if primitives::hmac_sha256(&keys.mac_key, authenticated).get(..8) != Some(mac) {
        return Err(format!("{what}: the MAC does not verify with the derived MAC key"));
    }
    let plaintext = primitives::aes_256_cbc_decrypt(&keys.aes_key, &keys.iv, inner.ciphertext())
        .ok_or_else(|| format!("{what}: the ciphertext does not decrypt (padding)"))?;
    same(&plaintext, &hex::field(message, "plaintext")?, &format!("{what}: plaintext"))
}

/// Walk a chain from its first key, checking every listed step.
fn check_chain(chain: &Value, n: usize, ratchet_key: Curve25519PublicKey) -> Result<(), String> {
    let mut key: [u8; 32] = array(chain, "chainKey")?;
    let mut index = 0u64;
    for step in chain["steps"].as_array().ok_or("no steps")? {
        let target = step["index"].as_u64().ok_or("step without index")?;
        if target < index {
            return Err(format!("chain {n}: steps out of order"));
        }
        while index < target {
            key = schedule::advance_chain(&key);
            index += 1;
        }
        let what = format!("chain {n} index {index}");
        same(&key, &array(step, "chainKey")?, &format!("{what}: chain key"))?;
        let message_key = schedule::message_key(&key);
        same(&message_key, &array(step, "messageKey")?, &format!("{what}: message key"))?;
        let keys = schedule::message_cipher_keys(&message_key);
        check_cipher_keys(&keys, &step["cipherKeys"], &what)?;
        check_message(&step["message"], &keys, ratchet_key, index, &what)?;
    }
    Ok(())
}

pub(crate) fn kdf(case: &Value) -> Result<(), String> {
    let (a, b) = (&case["alice"], &case["bob"]);
    let (alice_identity, alice_identity_public) = key_pair(a, "identitySecret", "identityKey")?;
    let (alice_base, alice_base_public) = key_pair(a, "baseSecret", "baseKey")?;
    let (bob_identity, bob_identity_public) = key_pair(b, "identitySecret", "identityKey")?;
    let (bob_one_time, bob_one_time_public) = key_pair(b, "oneTimeSecret", "oneTimeKey")?;

    let expected: [u8; 96] = array(case, "sharedSecret")?;
    let outbound = schedule::shared_secret_outbound(
        &alice_identity,
        &alice_base,
        &bob_identity_public,
        &bob_one_time_public,
    );
    same(&outbound, &Some(expected), "Alice's triple DH")?;
    let inbound = schedule::shared_secret_inbound(
        &bob_identity,
        &bob_one_time,
        &alice_identity_public,
        &alice_base_public,
    );
    same(&inbound, &Some(expected), "Bob's triple DH")?;

    let chains = case["chains"].as_array().ok_or("no chains")?;
    let mut previous: Option<(Curve25519SecretKey, Curve25519PublicKey, [u8; 32])> = None;
    for (n, chain) in chains.iter().enumerate() {
        let (secret, ratchet_key) = key_pair(chain, "ratchetSecret", "ratchetKey")?;
        let root: [u8; 32] = array(chain, "rootKey")?;
        let chain_key: [u8; 32] = array(chain, "chainKey")?;
        match &previous {
            None => {
                let derived = schedule::initial_root_and_chain(&expected);
                same(&derived, &(root, chain_key), "R0 / C0")?;
            }
            Some((their_secret, their_key, previous_root)) => {
                same(&public(chain, "theirRatchetKey")?, their_key, "theirRatchetKey")?;
                same(&array(chain, "previousRootKey")?, previous_root, "previousRootKey")?;
                let sender = schedule::advance_root(previous_root, &secret, their_key);
                same(&sender, &Some((root, chain_key)), &format!("chain {n}: sender's ratchet"))?;
                let receiver = schedule::advance_root(previous_root, their_secret, &ratchet_key);
                same(&receiver, &sender, &format!("chain {n}: receiver's ratchet"))?;
            }
        }
        check_chain(chain, n, ratchet_key)?;
        previous = Some((secret, ratchet_key, root));
    }
    Ok(())
}
