//! `olm-message-codec`: decode Olm messages with `OlmMessage::from_parts`, `Message` and
//! `PreKeyMessage`; compare the fields of valid ones and the error kind of invalid ones.

use salamander::{
    base64_decode, base64_encode,
    hazmat::primitives,
    olm::{Message, OlmMessage, PreKeyMessage},
    DecodeError,
};
use serde_json::Value;

use crate::hex;

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `DecodeError` variant's name.
fn kind(error: &DecodeError) -> String {
    let debug = format!("{error:?}");
    debug.split('(').next().unwrap_or_default().to_owned()
}

/// Decode with `from_parts`, and check that the typed decoders (`Message`, `PreKeyMessage`, from
/// bytes and from base64) say the same. The outer error is a disagreement between them.
fn decode(message_type: usize, body: &str) -> Result<Result<OlmMessage, DecodeError>, String> {
    let typed_base64 = match message_type {
        0 => Some(PreKeyMessage::from_base64(body).map(OlmMessage::PreKey)),
        1 => Some(Message::from_base64(body).map(OlmMessage::Normal)),
        _ => None,
    };
    let whole = match base64_decode(body) {
        Err(e) => Err(DecodeError::Base64(e)),
        Ok(bytes) => {
            let whole = OlmMessage::from_parts(message_type, &bytes);
            let typed = match message_type {
                0 => Some(PreKeyMessage::from_bytes(&bytes).map(OlmMessage::PreKey)),
                1 => Some(Message::from_bytes(&bytes).map(OlmMessage::Normal)),
                _ => None,
            };
            if let Some(typed) = typed {
                if format!("{typed:?}") != format!("{whole:?}") {
                    return Err(format!("from_parts says {whole:?}, from_bytes {typed:?}"));
                }
            }
            whole
        }
    };
    if let Some(typed) = typed_base64 {
        if format!("{typed:?}") != format!("{whole:?}") {
            return Err(format!("decoding the bytes says {whole:?}, from_base64 {typed:?}"));
        }
    }
    Ok(whole)
}

fn field_str<'a>(case: &'a Value, name: &str) -> Result<&'a str, String> {
    case[name].as_str().ok_or_else(|| format!("missing field {name}"))
}

/// A normal message's fields; `raw` is the message as received.
fn check_normal(message: &Message, raw: &[u8], expected: &Value, what: &str) -> Result<(), String> {
    let mac = raw.get(raw.len().saturating_sub(8)..).unwrap_or_default();
    let got = (
        u64::from(message.version()),
        message.ratchet_key().to_base64(),
        message.chain_index(),
        to_hex(message.ciphertext()),
        to_hex(mac),
    );
    let wanted = (
        expected["version"].as_u64().unwrap_or(u64::MAX),
        field_str(expected, "ratchetKey")?.to_owned(),
        expected["chainIndex"].as_u64().unwrap_or(u64::MAX),
        field_str(expected, "ciphertext")?.to_owned(),
        field_str(expected, "mac")?.to_owned(),
    );
    if got != wanted {
        return Err(format!("{what}: decoded {got:?}, expected {wanted:?}"));
    }
    Ok(())
}

/// The message's MAC verifies over the bytes before it, and its ciphertext decrypts.
fn check_keys(message: &Message, raw: &[u8], case: &Value) -> Result<(), String> {
    let keys = &case["cipherKeys"];
    let key = |name: &str| -> Result<[u8; 32], String> {
        <[u8; 32]>::try_from(hex::field(keys, name)?.as_slice()).map_err(|_| name.to_owned())
    };
    let iv = <[u8; 16]>::try_from(hex::field(keys, "iv")?.as_slice()).map_err(|_| "iv")?;
    let (authenticated, mac) = raw.split_at(raw.len().saturating_sub(8));
    if primitives::hmac_sha256(&key("macKey")?, authenticated).get(..8) != Some(mac) {
        return Err("the MAC does not verify over the bytes as received".into());
    }
    let plaintext = primitives::aes_256_cbc_decrypt(&key("aesKey")?, &iv, message.ciphertext())
        .ok_or("the ciphertext does not decrypt")?;
    if plaintext != hex::field(case, "plaintext")? {
        return Err("the ciphertext decrypts to something else".into());
    }
    Ok(())
}

fn check_valid(case: &Value, message: &OlmMessage, body: &str) -> Result<(), String> {
    let raw = base64_decode(body).map_err(|e| e.to_string())?;
    let canonical = !case["flags"]
        .as_array()
        .is_some_and(|flags| flags.iter().any(|f| f.as_str() == Some("Unusual")));
    if canonical && message.to_parts().1 != raw {
        return Err(format!("re-encoded as {}", base64_encode(message.to_parts().1)));
    }
    match message {
        OlmMessage::Normal(m) => {
            if m.to_bytes() != raw {
                return Err("the message does not keep its bytes as received".into());
            }
            check_normal(m, &raw, case, "message")?;
            check_keys(m, &raw, case)
        }
        OlmMessage::PreKey(p) => {
            let got = (
                p.one_time_key().to_base64(),
                p.base_key().to_base64(),
                p.identity_key().to_base64(),
                p.session_id(),
            );
            let wanted = (
                field_str(case, "oneTimeKey")?.to_owned(),
                field_str(case, "baseKey")?.to_owned(),
                field_str(case, "identityKey")?.to_owned(),
                field_str(case, "sessionId")?.to_owned(),
            );
            if got != wanted {
                return Err(format!("pre-key message: decoded {got:?}, expected {wanted:?}"));
            }
            let inner = p.message();
            let inner_raw = inner.to_bytes();
            check_normal(inner, &inner_raw, &case["message"], "inner message")?;
            check_keys(inner, &inner_raw, case)
        }
    }
}

pub(crate) fn message_codec(case: &Value) -> Result<(), String> {
    let body = field_str(case, "body")?;
    let message_type =
        case["type"].as_u64().and_then(|t| usize::try_from(t).ok()).ok_or("missing field type")?;
    let decoded = decode(message_type, body)?;
    match (case["result"].as_str(), decoded) {
        (Some("valid"), Ok(message)) => {
            if usize::from(message.message_type()) != message_type {
                return Err(format!("decoded as a message of type {:?}", message.message_type()));
            }
            check_valid(case, &message, body)
        }
        (Some("valid"), Err(e)) => Err(format!("refused: {e:?}")),
        (Some("invalid"), Ok(message)) => Err(format!("accepted: {message:?}")),
        (Some("invalid"), Err(e)) => {
            let expected = field_str(case, "error")?;
            if kind(&e) != expected {
                return Err(format!("refused with {e:?}, expected {expected}"));
            }
            match case["detail"].as_str() {
                Some(detail) if format!("{e:?}") != detail => {
                    Err(format!("refused with {e:?}, expected {detail}"))
                }
                _ => Ok(()),
            }
        }
        (other, _) => Err(format!("unknown result {other:?}")),
    }
}
