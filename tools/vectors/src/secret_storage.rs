//! Secret storage vectors (`test-vectors/secret_storage/`): `secret-storage` and
//! `recovery-key`, run against `salamander::secret_storage`.
//!
//! Invalid cases name a `salamander::secret_storage::Error` variant.

use salamander::secret_storage::{
    decode_recovery_key, encode_recovery_key, EncryptedSecret, Error, KeyCheck, PassphraseInfo,
    SecretStorageKey,
};
use serde_json::Value;

use crate::{hex, rng::Replay};

fn text<'a>(case: &'a Value, name: &str) -> Result<&'a str, String> {
    case[name].as_str().ok_or_else(|| format!("missing string field {name}"))
}

fn number(case: &Value, name: &str) -> Result<u32, String> {
    let value = case[name].as_u64().ok_or_else(|| format!("missing number {name}"))?;
    u32::try_from(value).map_err(|e| e.to_string())
}

fn kind(error: &Error) -> &'static str {
    match error {
        Error::Base64(_) => "Base64",
        Error::InvalidLength { .. } => "InvalidLength",
        Error::Mac(_) => "Mac",
        Error::InvalidBase58 => "InvalidBase58",
        Error::RecoveryKeyLength { .. } => "RecoveryKeyLength",
        Error::RecoveryKeyPrefix => "RecoveryKeyPrefix",
        Error::RecoveryKeyParity => "RecoveryKeyParity",
        Error::PassphraseBits(_) => "PassphraseBits",
        Error::PassphraseIterations => "PassphraseIterations",
    }
}

/// Compare an outcome with the case: invalid cases must fail with the named kind.
fn judge<T>(
    case: &Value,
    outcome: Result<T, Error>,
    check: impl FnOnce(T) -> Result<(), String>,
) -> Result<(), String> {
    match (outcome, text(case, "result")?) {
        (Ok(_), "invalid") => Err(format!("accepted, expected {}", text(case, "error")?)),
        (Ok(value), _) => check(value),
        (Err(error), "invalid") => {
            let expected = text(case, "error")?;
            if kind(&error) == expected {
                Ok(())
            } else {
                Err(format!("refused with {error:?}, expected {expected}"))
            }
        }
        (Err(error), _) => Err(format!("refused with {error:?}")),
    }
}

fn passphrase_info(case: &Value) -> Result<PassphraseInfo, String> {
    let mut info = PassphraseInfo::new(text(case, "salt")?, number(case, "iterations")?);
    info.bits = number(case, "bits")?;
    Ok(info)
}

/// The case's key: `key` (hex), or the decoded `recoveryKey`, or PBKDF2 of `passphrase`.
fn key_of(case: &Value) -> Result<Result<SecretStorageKey, Error>, String> {
    if let Some(recovery_key) = case["recoveryKey"].as_str() {
        return Ok(SecretStorageKey::from_base58(recovery_key));
    }
    if let Some(passphrase) = case["passphrase"].as_str() {
        return Ok(SecretStorageKey::from_passphrase(passphrase, &passphrase_info(case)?));
    }
    let key = hex::field(case, "key")?;
    let key = <[u8; 32]>::try_from(key.as_slice()).map_err(|_| "key is not 32 bytes")?;
    Ok(Ok(SecretStorageKey::from_bytes(&key)))
}

fn same_key(case: &Value, key: &SecretStorageKey) -> Result<(), String> {
    if case["key"].is_string() && key.as_bytes().as_slice() != hex::field(case, "key")? {
        return Err("derived another key".to_owned());
    }
    Ok(())
}

pub(crate) fn aes_hmac_sha2(case: &Value) -> Result<(), String> {
    match text(case, "operation")? {
        "key-check" => {
            let key = key_of(case)?.map_err(|e| format!("no key: {e}"))?;
            same_key(case, &key)?;
            let outcome = KeyCheck::from_base64(text(case, "iv")?, text(case, "mac")?)
                .and_then(|check| key.verify_key_check(&check).map(|()| check));
            judge(case, outcome, |check| {
                if case["ivRandom"].is_string() {
                    let mut rng = Replay::new(hex::field(case, "ivRandom")?);
                    let made = key.key_check_with_rng(&mut rng);
                    rng.finish("key_check_with_rng")?;
                    if made != check {
                        return Err(format!("made the check {made:?}"));
                    }
                }
                Ok(())
            })
        }
        "encrypt" => {
            let key = key_of(case)?.map_err(|e| e.to_string())?;
            let name = text(case, "name")?;
            let secret = hex::field(case, "secret")?;
            let mut rng = Replay::new(hex::field(case, "ivRandom")?);
            let encrypted = key.encrypt_with_rng(name, &secret, &mut rng);
            rng.finish("encrypt_with_rng")?;
            let got =
                (encrypted.iv_base64(), encrypted.ciphertext_base64(), encrypted.mac_base64());
            if (got.0.as_str(), got.1.as_str(), got.2.as_str())
                != (text(case, "iv")?, text(case, "ciphertext")?, text(case, "mac")?)
            {
                return Err(format!("encrypted to {got:?}"));
            }
            let decrypted = key.decrypt(name, &encrypted).map_err(|e| e.to_string())?;
            (decrypted.as_slice() == secret)
                .then_some(())
                .ok_or("decrypted to other bytes".to_owned())
        }
        "decrypt" => {
            let key = key_of(case)?.map_err(|e| e.to_string())?;
            let name = text(case, "name")?;
            let outcome = EncryptedSecret::from_base64(
                text(case, "iv")?,
                text(case, "ciphertext")?,
                text(case, "mac")?,
            )
            .and_then(|encrypted| key.decrypt(name, &encrypted));
            judge(case, outcome, |decrypted| {
                (decrypted.as_slice() == hex::field(case, "secret")?)
                    .then_some(())
                    .ok_or("decrypted to other bytes".to_owned())
            })
        }
        "passphrase" => {
            let outcome = SecretStorageKey::from_passphrase(
                text(case, "passphrase")?,
                &passphrase_info(case)?,
            );
            judge(case, outcome, |key| same_key(case, &key))
        }
        other => Err(format!("unknown operation {other:?}")),
    }
}

pub(crate) fn recovery_key(case: &Value) -> Result<(), String> {
    let input = match case["input"].as_str() {
        Some(input) => input,
        None => text(case, "encoded")?,
    };
    judge(case, decode_recovery_key(input), |key| {
        let expected = hex::field(case, "key")?;
        if key.as_slice() != expected {
            return Err("decoded to another key".to_owned());
        }
        let encoded = encode_recovery_key(&key);
        if encoded.as_str() != text(case, "encoded")? {
            return Err(format!("encoded as {}", encoded.as_str()));
        }
        let again = decode_recovery_key(text(case, "encoded")?).map_err(|e| e.to_string())?;
        (again.as_slice() == expected)
            .then_some(())
            .ok_or("encoded form decodes to another key".to_owned())
    })
}
