//! Primitive vectors (`test-vectors/primitives/`): HKDF-SHA-256, HMAC-SHA-256, AES-256-CBC,
//! X25519, Ed25519 and base64, run against salamander's public API and its `hazmat` primitives.
//!
//! A valid or acceptable case must give the stated output; an invalid case must be refused with
//! the error kind it names: `Mac` (the tag is not the MAC), `InvalidPadding` (AES-CBC
//! decryption refused), `NonContributory` (X25519 with a low-order key), `Signature` (an Ed25519
//! key, signature or verification refused), `Base64` (base64 decoding refused).

use salamander::{
    base64_decode, base64_encode,
    hazmat::primitives::{aes_256_cbc_decrypt, aes_256_cbc_encrypt, hkdf_sha256, hmac_sha256},
    Curve25519PublicKey, Curve25519SecretKey, Ed25519PublicKey, Ed25519SecretKey, Ed25519Signature,
    KeyError, SignatureError,
};
use serde_json::Value;

use crate::hex;

fn text<'a>(case: &'a Value, name: &str) -> Result<&'a str, String> {
    case[name].as_str().ok_or_else(|| format!("missing string field {name}"))
}

fn array<const N: usize>(case: &Value, name: &str) -> Result<[u8; N], String> {
    let bytes = hex::field(case, name)?;
    <[u8; N]>::try_from(bytes.as_slice())
        .map_err(|_| format!("{name} is {} bytes, expected {N}", bytes.len()))
}

fn result(case: &Value) -> Result<&str, String> {
    match text(case, "result")? {
        kind @ ("valid" | "acceptable" | "invalid") => Ok(kind),
        other => Err(format!("unknown result {other:?}")),
    }
}

fn same(what: &str, got: &[u8], expected: &[u8]) -> Result<(), String> {
    if got == expected {
        Ok(())
    } else {
        Err(format!("{what}: got {}, expected {}", to_hex(got), to_hex(expected)))
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// An invalid case was refused with `kind`: `Ok` if that is the kind it names.
fn refused_with(case: &Value, kind: &str) -> Result<(), String> {
    let expected = text(case, "error")?;
    if kind == expected {
        Ok(())
    } else {
        Err(format!("refused with {kind}, expected {expected}"))
    }
}

/// An invalid case was accepted.
fn accepted(case: &Value, what: String) -> Result<(), String> {
    Err(format!("{what}, expected a {} error", text(case, "error").unwrap_or("?")))
}

/// `hkdf-sha256`: `okm` = HKDF(`salt`, `ikm`, `info`, `size`); `prk` = HMAC(`salt`, `ikm`).
pub(crate) fn hkdf(case: &Value) -> Result<(), String> {
    if result(case)? == "invalid" {
        return Err("the hkdf-sha256 runner has no invalid cases".to_owned());
    }
    let salt = hex::field(case, "salt")?;
    let ikm = hex::field(case, "ikm")?;
    let info = hex::field(case, "info")?;
    let size = case["size"].as_u64().ok_or("missing size")?;
    let size = usize::try_from(size).map_err(|e| e.to_string())?;
    if !case["prk"].is_null() {
        same("PRK = HMAC(salt, IKM)", &hmac_sha256(&salt, &ikm), &hex::field(case, "prk")?)?;
    }
    same("OKM", &hkdf_sha256(&salt, &ikm, &info, size), &hex::field(case, "okm")?)
}

/// `hmac-sha256`: `tag` is the MAC of `msg` under `key`, or its leading bytes.
pub(crate) fn hmac(case: &Value) -> Result<(), String> {
    let key = hex::field(case, "key")?;
    let message = hex::field(case, "msg")?;
    let tag = hex::field(case, "tag")?;
    if tag.is_empty() || tag.len() > 32 {
        return Err(format!("a tag of {} bytes", tag.len()));
    }
    let mac = hmac_sha256(&key, &message);
    let prefix = mac.get(..tag.len()).unwrap_or_default();
    match result(case)? {
        "invalid" if prefix == tag.as_slice() => accepted(case, "the tag matches".to_owned()),
        "invalid" => refused_with(case, "Mac"),
        _ => same("MAC", prefix, &tag),
    }
}

/// `aes-256-cbc`: encrypting `msg` gives `ct` and decrypting `ct` gives `msg`; invalid
/// ciphertexts do not decrypt.
pub(crate) fn aes_cbc(case: &Value) -> Result<(), String> {
    let key = array::<32>(case, "key")?;
    let iv = array::<16>(case, "iv")?;
    let ciphertext = hex::field(case, "ct")?;
    let decrypted = aes_256_cbc_decrypt(&key, &iv, &ciphertext);
    if result(case)? == "invalid" {
        return match decrypted {
            None => refused_with(case, "InvalidPadding"),
            Some(plaintext) => accepted(case, format!("decrypted to {}", to_hex(&plaintext))),
        };
    }
    let plaintext = hex::field(case, "msg")?;
    same("ciphertext", &aes_256_cbc_encrypt(&key, &iv, &plaintext), &ciphertext)?;
    match decrypted {
        Some(decrypted) => same("plaintext", &decrypted, &plaintext),
        None => Err("the ciphertext did not decrypt (invalid padding)".to_owned()),
    }
}

/// `x25519`: `shared` = X25519(`private`, `public`), refused (`None`) for low-order keys.
pub(crate) fn x25519(case: &Value) -> Result<(), String> {
    let private = array::<32>(case, "private")?;
    let public = array::<32>(case, "public")?;
    let secret = Curve25519SecretKey::from_slice(&private);
    if !case["ownPublic"].is_null() {
        same(
            "public key of the private key",
            Curve25519PublicKey::from(&secret).as_bytes(),
            &array::<32>(case, "ownPublic")?,
        )?;
    }
    if let Some(iterations) = case["iterations"].as_u64() {
        let (mut k, mut u) = (private, public);
        for i in 0..iterations {
            let shared = Curve25519SecretKey::from_slice(&k)
                .diffie_hellman(&Curve25519PublicKey::from(u))
                .ok_or_else(|| format!("iteration {i} refused as non-contributory"))?;
            (k, u) = (shared.to_bytes(), k);
        }
        return same("k after the iterations", &k, &array::<32>(case, "shared")?);
    }
    let shared = secret.diffie_hellman(&Curve25519PublicKey::from(public));
    match (result(case)?, shared) {
        ("invalid", None) => refused_with(case, "NonContributory"),
        ("invalid", Some(shared)) => {
            accepted(case, format!("the exchange gave {}", to_hex(shared.as_bytes())))
        }
        (_, None) => Err("refused as non-contributory".to_owned()),
        (_, Some(shared)) => {
            same("shared secret", shared.as_bytes(), &array::<32>(case, "shared")?)
        }
    }
}

fn signature_error_kind(error: &SignatureError) -> &'static str {
    match error {
        SignatureError::Base64(_) => "Base64",
        SignatureError::Signature(_) => "Signature",
    }
}

fn key_error_kind(error: &KeyError) -> &'static str {
    match error {
        KeyError::Signature(error) => signature_error_kind(error),
        KeyError::Base64Error(_) | KeyError::Base64PrivateKey(_) => "Base64",
        KeyError::InvalidKeyLength { .. } => "InvalidKeyLength",
        KeyError::NonContributoryKey => "NonContributory",
    }
}

/// `ed25519`: `sig` verifies (strictly) over `msg` under `publicKey`; with `seed`, the key pair
/// made from it has that public key and signs `msg` to exactly `sig`.
pub(crate) fn ed25519(case: &Value) -> Result<(), String> {
    let public_key = array::<32>(case, "publicKey")?;
    let message = hex::field(case, "msg")?;
    let signature = hex::field(case, "sig")?;
    let verified = Ed25519PublicKey::from_slice(&public_key)
        .map_err(|e| (key_error_kind(&e), format!("the public key was refused: {e}")))
        .and_then(|key| {
            let signature = Ed25519Signature::from_slice(&signature).map_err(|e| {
                (signature_error_kind(&e), format!("the signature was refused: {e}"))
            })?;
            key.verify(&message, &signature)
                .map_err(|e| (signature_error_kind(&e), format!("verification failed: {e}")))
        });
    if result(case)? == "invalid" {
        return match verified {
            Ok(()) => accepted(case, "the signature verified".to_owned()),
            Err((kind, _)) => refused_with(case, kind),
        };
    }
    verified.map_err(|(_, reason)| reason)?;
    if !case["seed"].is_null() {
        let secret = Ed25519SecretKey::from_slice(&array::<32>(case, "seed")?);
        same("public key of the seed", secret.public_key().as_bytes(), &public_key)?;
        same("signature", &secret.sign(&message).to_bytes(), &signature)?;
    }
    Ok(())
}

/// `base64`: `input` decodes to `decoded`, which encodes to `encoded`; invalid input is refused.
pub(crate) fn base64(case: &Value) -> Result<(), String> {
    let input = text(case, "input")?;
    let decoded = base64_decode(input);
    if result(case)? == "invalid" {
        return match decoded {
            Err(_) => refused_with(case, "Base64"),
            Ok(bytes) => accepted(case, format!("decoded to {}", to_hex(&bytes))),
        };
    }
    let expected = hex::field(case, "decoded")?;
    let decoded = decoded.map_err(|e| format!("decoding failed: {e}"))?;
    same("decoded bytes", &decoded, &expected)?;
    let encoded = base64_encode(&expected);
    let wanted = text(case, "encoded")?;
    if encoded == wanted {
        Ok(())
    } else {
        Err(format!("encoding gave {encoded:?}, expected {wanted:?}"))
    }
}
