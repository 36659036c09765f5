//! `PkEncryption` and `PkSigning` vectors (`test-vectors/pk_encryption/`): `pk-encryption` and
//! `pk-signing`, run against `salamander::pk_encryption`.
//!
//! Invalid cases name a kind of `salamander::pk_encryption::Error` (`Mac`, `InvalidPadding`,
//! `NonContributoryKey`), of `MessageDecodeError` (`Base64`, `Key`) or of
//! `salamander::LibolmPickleError` (`Decryption`, `Version`, `Decode`, `MissingVersion`,
//! `Base64`).

use salamander::{
    base64_encode,
    pk_encryption::{Error, Message, MessageDecodeError, PkDecryption, PkEncryption, PkSigning},
    Curve25519PublicKey, Curve25519SecretKey, Ed25519Signature, LibolmPickleError,
};
use serde_json::Value;

use crate::{hex, rng::Replay};

fn text<'a>(case: &'a Value, name: &str) -> Result<&'a str, String> {
    case[name].as_str().ok_or_else(|| format!("missing string field {name}"))
}

fn key32(case: &Value, name: &str) -> Result<[u8; 32], String> {
    let bytes = hex::field(case, name)?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| format!("{name} is not 32 bytes"))
}

fn error_kind(error: &Error) -> &'static str {
    match error {
        Error::NonContributoryKey => "NonContributoryKey",
        Error::InvalidPadding(_) => "InvalidPadding",
        Error::Mac(_) => "Mac",
    }
}

fn decode_kind(error: &MessageDecodeError) -> &'static str {
    match error {
        MessageDecodeError::Base64(_) => "Base64",
        MessageDecodeError::Key(_) => "Key",
    }
}

fn pickle_kind(error: &LibolmPickleError) -> &'static str {
    match error {
        LibolmPickleError::MissingVersion => "MissingVersion",
        LibolmPickleError::Version(..) => "Version",
        LibolmPickleError::Base64(_) => "Base64",
        LibolmPickleError::Decryption(_) => "Decryption",
        LibolmPickleError::PublicKey(_) => "PublicKey",
        LibolmPickleError::InvalidSession => "InvalidSession",
        LibolmPickleError::Decode(_) => "Decode",
        LibolmPickleError::Encode(_) => "Encode",
    }
}

/// Compare an outcome with the case: invalid cases must fail with the named kind.
fn judge<T>(
    case: &Value,
    outcome: Result<T, &'static str>,
    check: impl FnOnce(T) -> Result<(), String>,
) -> Result<(), String> {
    match (outcome, text(case, "result")?) {
        (Ok(_), "invalid") => Err(format!("accepted, expected {}", text(case, "error")?)),
        (Ok(value), _) => check(value),
        (Err(kind), "invalid") => {
            let expected = text(case, "error")?;
            if kind == expected {
                Ok(())
            } else {
                Err(format!("refused with {kind}, expected {expected}"))
            }
        }
        (Err(kind), _) => Err(format!("refused with {kind}")),
    }
}

fn decrypt(case: &Value) -> Result<Result<Vec<u8>, &'static str>, String> {
    let recipient = PkDecryption::from_key(Curve25519SecretKey::from_slice(&key32(
        case,
        "recipientPrivateKey",
    )?));
    let message = match Message::from_base64(
        text(case, "ciphertext")?,
        text(case, "mac")?,
        text(case, "ephemeralKey")?,
    ) {
        Ok(message) => message,
        Err(error) => return Ok(Err(decode_kind(&error))),
    };
    Ok(recipient.decrypt(&message).map_err(|e| error_kind(&e)))
}

pub(crate) fn encryption(case: &Value) -> Result<(), String> {
    match text(case, "operation")? {
        "encrypt" => {
            let recipient = Curve25519PublicKey::from_base64(text(case, "recipientPublicKey")?)
                .map_err(|e| e.to_string())?;
            let plaintext = hex::field(case, "plaintext")?;
            let mut rng = Replay::new(hex::field(case, "ephemeralRandom")?);
            let message = PkEncryption::from_key(recipient)
                .encrypt_with_rng(&plaintext, &mut rng)
                .map_err(|e| e.to_string())?;
            rng.finish("encrypt_with_rng")?;
            let got = (
                base64_encode(&message.ciphertext),
                base64_encode(&message.mac),
                message.ephemeral_key.to_base64(),
            );
            let expected = (
                text(case, "ciphertext")?.to_owned(),
                text(case, "mac")?.to_owned(),
                text(case, "ephemeralKey")?.to_owned(),
            );
            if got != expected {
                return Err(format!("encrypted to {got:?}"));
            }
            judge(case, decrypt(case)?, |decrypted| {
                (decrypted == plaintext).then_some(()).ok_or("decrypted to other bytes".to_owned())
            })
        }
        "decrypt" => {
            let outcome = decrypt(case)?;
            judge(case, outcome, |decrypted| {
                (decrypted == hex::field(case, "plaintext")?)
                    .then_some(())
                    .ok_or("decrypted to other bytes".to_owned())
            })
        }
        "pickle" => {
            let key = hex::field(case, "pickleKey")?;
            let pickle = text(case, "pickle")?;
            let outcome =
                PkDecryption::from_libolm_pickle(pickle, &key).map_err(|e| pickle_kind(&e));
            judge(case, outcome, |decryption| {
                if decryption.public_key().to_base64() != text(case, "publicKey")? {
                    return Err("public key".to_owned());
                }
                if decryption.secret_key().to_bytes().as_slice() != key32(case, "privateKey")? {
                    return Err("private key".to_owned());
                }
                let flags = case["flags"].as_array().cloned().unwrap_or_default();
                if flags.iter().any(|f| f == "RoundTripExact")
                    && decryption.to_libolm_pickle(&key).map_err(|e| e.to_string())? != pickle
                {
                    return Err("exported to another pickle".to_owned());
                }
                Ok(())
            })
        }
        other => Err(format!("unknown operation {other:?}")),
    }
}

pub(crate) fn signing(case: &Value) -> Result<(), String> {
    let signing = PkSigning::from_seed(&key32(case, "seed")?);
    if signing.public_key().to_base64() != text(case, "publicKey")? {
        return Err(format!("public key {}", signing.public_key()));
    }
    let message = hex::field(case, "message")?;
    let signature = signing.sign(&message);
    if signature.to_base64() != text(case, "signature")? {
        return Err(format!("signature {}", signature.to_base64()));
    }
    let given =
        Ed25519Signature::from_base64(text(case, "signature")?).map_err(|e| e.to_string())?;
    signing.public_key().verify(&message, &given).map_err(|e| e.to_string())
}
