//! Megolm vectors: ratchets, sessions, decryption, key and message codecs, cipher keys.

use salamander::{
    base64_decode, base64_encode, hazmat,
    megolm::{
        DecryptionError, ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage,
        SessionConfig, SessionKey, SessionKeyDecodeError,
    },
    DecodeError,
};
use serde_json::Value;

use crate::{hex, rng::Replay};

/// Export `session` at `target`, hopping through imports when it is 2^30 or more ahead (an
/// inbound session only reaches 2^31 past its first index, as in libolm).
fn export_far(
    session: &mut InboundGroupSession,
    target: u32,
) -> Result<ExportedSessionKey, String> {
    let first = session.first_known_index();
    if target.wrapping_sub(first) < (1 << 30) {
        return session.export_at(target).ok_or_else(|| format!("cannot export at {target:#x}"));
    }
    let hop = session.export_at(first.wrapping_add(1 << 30)).ok_or("cannot export a hop")?;
    export_far(&mut InboundGroupSession::import(&hop, SessionConfig::version_1()), target)
}

/// `megolm-ratchet`: advance a ratchet from one index to another.
pub(crate) fn ratchet(case: &Value) -> Result<(), String> {
    let start = u32::try_from(case["startIndex"].as_u64().ok_or("no startIndex")?)
        .map_err(|e| e.to_string())?;
    let target = u32::try_from(case["targetIndex"].as_u64().ok_or("no targetIndex")?)
        .map_err(|e| e.to_string())?;
    let mut key = vec![1u8];
    key.extend_from_slice(&start.to_be_bytes());
    key.extend_from_slice(&hex::field(case, "startRatchet")?);
    key.extend_from_slice(&hex::field(case, "publicKey")?);
    let exported = ExportedSessionKey::from_bytes(&key).map_err(|e| e.to_string())?;
    let mut session = InboundGroupSession::import(&exported, SessionConfig::version_1());
    let advanced = export_far(&mut session, target)?.to_bytes();
    let expected = hex::field(case, "targetRatchet")?;
    if advanced.get(1..5) != Some(&target.to_be_bytes()[..])
        || advanced.get(5..133) != Some(&expected[..])
    {
        return Err(format!("ratchet at {target:#x} differs"));
    }
    Ok(())
}

/// `megolm-session`: a deterministic outbound session, its keys and messages, byte for byte.
pub(crate) fn session(case: &Value) -> Result<(), String> {
    let mut rng = Replay::new(hex::field(case, "random")?);
    let mut outbound = GroupSession::new_with_rng(SessionConfig::version_1(), &mut rng);
    rng.finish("group session")?;
    let expect = |name: &str, got: &str| -> Result<(), String> {
        match case[name].as_str() {
            Some(expected) if expected == got => Ok(()),
            _ => Err(format!("{name}: got {got}")),
        }
    };
    expect("sessionId", &outbound.session_id())?;
    expect("sessionKey", &outbound.session_key().to_base64())?;
    let session_key = SessionKey::from_base64(case["sessionKey"].as_str().unwrap_or_default())
        .map_err(|e| e.to_string())?;
    let mut inbound = InboundGroupSession::new(&session_key, SessionConfig::version_1());
    expect("exportedKey", &inbound.export_at(0).ok_or("export")?.to_base64())?;

    for (n, step) in case["messages"].as_array().ok_or("no messages")?.iter().enumerate() {
        let plaintext = hex::field(step, "plaintext")?;
        let message = outbound.encrypt(&plaintext);
        let body = step["body"].as_str().unwrap_or_default();
        if message.to_base64() != body {
            return Err(format!("message {n}: got {}", base64_encode(message.to_bytes())));
        }
        let decoded = MegolmMessage::from_base64(body).map_err(|e| e.to_string())?;
        let decrypted = inbound.decrypt(&decoded).map_err(|e| e.to_string())?;
        if decrypted.plaintext != plaintext
            || Some(u64::from(decrypted.message_index)) != step["index"].as_u64()
        {
            return Err(format!("message {n}: decrypted wrongly"));
        }
    }
    Ok(())
}

// --- Decryption, key and message codecs, cipher keys -------------------------------------------

fn text<'a>(value: &'a Value, name: &str) -> Result<&'a str, String> {
    value[name].as_str().ok_or_else(|| format!("missing string field {name}"))
}

fn is_valid(case: &Value) -> bool {
    case["result"] == "valid"
}

fn has_flag(case: &Value, flag: &str) -> bool {
    case["flags"].as_array().is_some_and(|flags| flags.iter().any(|f| f == flag))
}

fn decryption_error_kind(error: &DecryptionError) -> &'static str {
    match error {
        DecryptionError::Signature(_) => "Signature",
        DecryptionError::InvalidMAC(_) => "InvalidMAC",
        DecryptionError::InvalidMACLength(..) => "InvalidMACLength",
        DecryptionError::InvalidPadding(_) => "InvalidPadding",
        DecryptionError::UnknownMessageIndex(..) => "UnknownMessageIndex",
    }
}

fn key_error_kind(error: &SessionKeyDecodeError) -> &'static str {
    match error {
        SessionKeyDecodeError::Version(..) => "Version",
        SessionKeyDecodeError::Read(_) => "Read",
        SessionKeyDecodeError::Base64(_) => "Base64",
        SessionKeyDecodeError::Signature(_) => "Signature",
        SessionKeyDecodeError::PublicKey(_) => "PublicKey",
    }
}

fn decode_error_kind(error: &DecodeError) -> &'static str {
    match error {
        DecodeError::MessageType(_) => "MessageType",
        DecodeError::MissingVersion => "MissingVersion",
        DecodeError::MessageTooShort(_) => "MessageTooShort",
        DecodeError::InvalidVersion(..) => "InvalidVersion",
        DecodeError::InvalidKey(_) => "InvalidKey",
        DecodeError::InvalidMacLength(..) => "InvalidMacLength",
        DecodeError::Signature(_) => "Signature",
        DecodeError::ProtoBufError(_) => "ProtoBufError",
        DecodeError::Base64(_) => "Base64",
    }
}

/// `Ok` if `result` failed with the kind the case names.
fn refused<T, E: std::fmt::Display>(
    case: &Value,
    result: Result<T, E>,
    kind: fn(&E) -> &'static str,
) -> Result<(), String> {
    let expected = text(case, "error")?;
    match result {
        Ok(_) => Err(format!("accepted, expected a {expected} error")),
        Err(e) if kind(&e) == expected => Ok(()),
        Err(e) => Err(format!("failed with {} ({e}), expected {expected}", kind(&e))),
    }
}

fn config_of(case: &Value) -> SessionConfig {
    if case["config"] == "version2" {
        SessionConfig::version_2()
    } else {
        SessionConfig::version_1()
    }
}

/// An inbound session from the case's `sessionKey` or `exportedKey`.
fn inbound_of(case: &Value, config: SessionConfig) -> Result<InboundGroupSession, String> {
    if let Some(key) = case["sessionKey"].as_str() {
        let key = SessionKey::from_base64(key).map_err(|e| format!("session key: {e}"))?;
        Ok(InboundGroupSession::new(&key, config))
    } else {
        let key = ExportedSessionKey::from_base64(text(case, "exportedKey")?)
            .map_err(|e| format!("exported key: {e}"))?;
        Ok(InboundGroupSession::import(&key, config))
    }
}

/// `megolm-decrypt`: one inbound session decrypts the listed messages in order; in an invalid
/// case the last one is refused with the named error and leaves the session as it was.
pub(crate) fn decrypt(case: &Value) -> Result<(), String> {
    let mut session = inbound_of(case, SessionConfig::version_1())?;
    let messages = case["messages"].as_array().ok_or("no messages")?;
    let refuse_last = !is_valid(case);
    for (n, step) in messages.iter().enumerate() {
        let message = MegolmMessage::from_base64(text(step, "body")?)
            .map_err(|e| format!("message {n} does not decode: {e}"))?;
        if Some(u64::from(message.message_index())) != step["index"].as_u64() {
            return Err(format!("message {n}: index {}", message.message_index()));
        }
        if refuse_last && n + 1 == messages.len() {
            let first = session.first_known_index();
            let verified = session.is_verified();
            refused(case, session.decrypt(&message), decryption_error_kind)?;
            if session.first_known_index() != first || session.is_verified() != verified {
                return Err("the refused message changed the session".to_owned());
            }
            // The session still decrypts what it decrypted before.
            for (m, earlier) in messages.iter().take(n).enumerate() {
                let earlier = MegolmMessage::from_base64(text(earlier, "body")?)
                    .map_err(|e| e.to_string())?;
                session
                    .decrypt(&earlier)
                    .map_err(|e| format!("after the refusal, message {m}: {e}"))?;
            }
            break;
        }
        let decrypted = session.decrypt(&message).map_err(|e| format!("message {n}: {e}"))?;
        if decrypted.plaintext != hex::field(step, "plaintext")?
            || Some(u64::from(decrypted.message_index)) != step["index"].as_u64()
        {
            return Err(format!("message {n} decrypted to other values"));
        }
    }
    if Some(session.is_verified()) != case["verified"].as_bool() {
        return Err(format!("is_verified is {}", session.is_verified()));
    }
    Ok(())
}

/// `megolm-session-key-codec`: decode a SessionKey or ExportedSessionKey.
pub(crate) fn session_key(case: &Value) -> Result<(), String> {
    let key = text(case, "key")?;
    let session_key = match text(case, "type")? {
        "SessionKey" => true,
        "ExportedSessionKey" => false,
        other => return Err(format!("unknown type {other}")),
    };
    if !is_valid(case) {
        return if session_key {
            refused(case, SessionKey::from_base64(key), key_error_kind)
        } else {
            refused(case, ExportedSessionKey::from_base64(key), key_error_kind)
        };
    }
    let (bytes, encoded, mut session) = if session_key {
        let decoded = SessionKey::from_base64(key).map_err(|e| e.to_string())?;
        let session = InboundGroupSession::new(&decoded, SessionConfig::version_1());
        (decoded.to_bytes(), decoded.to_base64(), session)
    } else {
        let decoded = ExportedSessionKey::from_base64(key).map_err(|e| e.to_string())?;
        let session = InboundGroupSession::import(&decoded, SessionConfig::version_1());
        (decoded.to_bytes(), decoded.to_base64(), session)
    };
    if encoded != key {
        return Err(format!("encodes back to {encoded}"));
    }
    let index = case["index"].as_u64().ok_or("no index")?;
    let field = |range: std::ops::Range<usize>| bytes.get(range).unwrap_or_default().to_vec();
    let mut index_bytes = [0u8; 4];
    index_bytes.copy_from_slice(&field(1..5));
    if u64::from(u32::from_be_bytes(index_bytes)) != index {
        return Err("index differs".to_owned());
    }
    if field(5..133) != hex::field(case, "ratchet")? {
        return Err("ratchet differs".to_owned());
    }
    if field(133..165) != hex::field(case, "publicKey")? {
        return Err("public key differs".to_owned());
    }
    if session_key && field(165..229) != hex::field(case, "signature")? {
        return Err("signature differs".to_owned());
    }
    if session.session_id() != text(case, "sessionId")? {
        return Err(format!("session id {}", session.session_id()));
    }
    if u64::from(session.first_known_index()) != index {
        return Err(format!("first known index {}", session.first_known_index()));
    }
    if session.is_verified() != session_key {
        return Err("wrong verified flag".to_owned());
    }
    // The session exports the same ratchet at its first index.
    let exported = session.export_at(session.first_known_index()).ok_or("cannot export")?;
    if exported.to_bytes().get(5..133) != Some(&field(5..133)[..]) {
        return Err("the session exports another ratchet".to_owned());
    }
    Ok(())
}

/// `megolm-message-codec`: decode a Megolm message.
pub(crate) fn message_codec(case: &Value) -> Result<(), String> {
    let body = text(case, "message")?;
    if !is_valid(case) {
        return refused(case, MegolmMessage::from_base64(body), decode_error_kind);
    }
    let message = MegolmMessage::from_base64(body).map_err(|e| e.to_string())?;
    let bytes = message.to_bytes();
    if Some(u64::from(bytes.first().copied().unwrap_or_default())) != case["version"].as_u64() {
        return Err(format!("version {:?}", bytes.first()));
    }
    if Some(u64::from(message.message_index())) != case["index"].as_u64() {
        return Err(format!("index {}", message.message_index()));
    }
    if message.ciphertext() != hex::field(case, "ciphertext")? {
        return Err("ciphertext differs".to_owned());
    }
    if message.mac() != hex::field(case, "mac")? {
        return Err("MAC differs".to_owned());
    }
    if message.signature().to_bytes()[..] != hex::field(case, "signature")? {
        return Err("signature differs".to_owned());
    }
    if !has_flag(case, "PaddedBase64") && message.to_base64() != body {
        return Err(format!("encodes back to {}", message.to_base64()));
    }
    let mut session = inbound_of(case, config_of(case))?;
    let decrypted = session.decrypt(&message).map_err(|e| format!("decrypt: {e}"))?;
    if decrypted.plaintext != hex::field(case, "plaintext")? {
        return Err("decrypted to another plaintext".to_owned());
    }
    Ok(())
}

/// `megolm-cipher-keys`: the keys derived from a ratchet decrypt libolm's message.
pub(crate) fn cipher_keys(case: &Value) -> Result<(), String> {
    let ratchet: [u8; 128] =
        hex::field(case, "ratchet")?.try_into().map_err(|_| "ratchet is not 128 bytes")?;
    let keys = hazmat::megolm::cipher_keys(&ratchet);
    if keys.aes_key[..] != hex::field(case, "aesKey")? {
        return Err("AES key differs".to_owned());
    }
    if keys.mac_key[..] != hex::field(case, "macKey")? {
        return Err("MAC key differs".to_owned());
    }
    if keys.iv[..] != hex::field(case, "iv")? {
        return Err("IV differs".to_owned());
    }
    // libolm's message: its MAC and ciphertext under these keys.
    let body = base64_decode(text(case, "body")?).map_err(|e| e.to_string())?;
    let mac_input = hex::field(case, "macInput")?;
    let ciphertext = hex::field(case, "ciphertext")?;
    let mac = hex::field(case, "mac")?;
    if !body.starts_with(&mac_input) || body.get(mac_input.len()..mac_input.len() + 8) != Some(&mac)
    {
        return Err("macInput and mac are not the start of body".to_owned());
    }
    if hazmat::primitives::hmac_sha256(&keys.mac_key, &mac_input).get(..8) != Some(&mac[..]) {
        return Err("the MAC does not verify".to_owned());
    }
    let plaintext = hazmat::primitives::aes_256_cbc_decrypt(&keys.aes_key, &keys.iv, &ciphertext)
        .ok_or("the ciphertext does not decrypt")?;
    if plaintext != hex::field(case, "plaintext")? {
        return Err("decrypted to another plaintext".to_owned());
    }
    let message = MegolmMessage::from_bytes(&body).map_err(|e| e.to_string())?;
    if message.ciphertext() != ciphertext
        || Some(u64::from(message.message_index())) != case["index"].as_u64()
    {
        return Err("the message decodes to another ciphertext or index".to_owned());
    }
    Ok(())
}
