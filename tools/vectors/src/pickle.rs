//! Pickle vectors: libolm pickles (`libolm-pickle`) and vodozemac's native ones (`native-pickle`).
//!
//! A valid case is imported, then every expected value is checked against the imported state:
//! identity keys, one-time and fallback keys (each stored key must still open a session), the
//! signature of a fixed message and the id of the next key for an account; the session id and
//! the decryption of messages the other side sent after the pickle was taken for an Olm session;
//! the session key and the next message, byte for byte, for an outbound Megolm session; the first
//! known index, the verified flag and the decryption of messages for an inbound one. Cases
//! flagged `RoundTripExact` must also be written back to the very same pickle string (libolm
//! export under the same key, or native pickle under the same key). An invalid case must fail to
//! import with the error kind it names.

use std::collections::BTreeMap;

use salamander::{
    base64_decode,
    megolm::{
        GroupSession, GroupSessionPickle, InboundGroupSession, InboundGroupSessionPickle,
        MegolmMessage,
    },
    olm::{Account, AccountPickle, OlmMessage, Session, SessionConfig, SessionPickle},
    Curve25519PublicKey, KeyId, LibolmPickleError, PickleError,
};
use serde_json::Value;

use crate::hex;

fn text<'a>(value: &'a Value, name: &str) -> Result<&'a str, String> {
    value[name].as_str().ok_or_else(|| format!("missing string field {name}"))
}

fn expect(what: &str, got: impl Into<Value>, expected: &Value) -> Result<(), String> {
    let got = got.into();
    if &got == expected {
        Ok(())
    } else {
        Err(format!("{what}: got {got}, expected {expected}"))
    }
}

fn has_flag(case: &Value, flag: &str) -> bool {
    case["flags"].as_array().is_some_and(|flags| flags.iter().any(|f| f == flag))
}

/// Keys by numeric id, as the vectors write them: `{"5": "base64", …}`.
fn key_map(keys: impl IntoIterator<Item = (KeyId, Curve25519PublicKey)>) -> Value {
    let sorted: BTreeMap<u64, String> =
        keys.into_iter().map(|(id, key)| (u64::from(id), key.to_base64())).collect();
    Value::Object(sorted.into_iter().map(|(id, key)| (id.to_string(), key.into())).collect())
}

// --- Accounts ----------------------------------------------------------------------------------

/// A fresh device opens a session to `key` and `account` accepts its first message.
fn opens_a_session(account: &Account, key: &str, what: &str) -> Result<(), String> {
    let key = Curve25519PublicKey::from_base64(key).map_err(|e| format!("{what}: {e}"))?;
    let other = Account::new();
    let mut session = other
        .create_outbound_session(SessionConfig::version_1(), account.curve25519_key(), key)
        .map_err(|e| format!("{what}: {e}"))?;
    let message = session.encrypt(b"probe").map_err(|e| format!("{what}: {e}"))?;
    let OlmMessage::PreKey(pre_key) = message else {
        return Err(format!("{what}: the first message is not a pre-key message"));
    };
    let result = account
        .clone()
        .create_inbound_session(SessionConfig::version_1(), other.curve25519_key(), &pre_key)
        .map_err(|e| format!("{what} does not open a session: {e}"))?;
    if result.plaintext != b"probe" {
        return Err(format!("{what}: the probe decrypted wrongly"));
    }
    Ok(())
}

fn check_account(account: &Account, expected: &Value) -> Result<(), String> {
    let keys = account.identity_keys();
    expect(
        "Curve25519 identity key",
        keys.curve25519.to_base64(),
        &expected["identityKeys"]["curve25519"],
    )?;
    expect("Ed25519 identity key", keys.ed25519.to_base64(), &expected["identityKeys"]["ed25519"])?;
    expect(
        "unpublished one-time keys",
        key_map(account.one_time_keys()),
        &expected["unpublishedOneTimeKeys"],
    )?;
    let signature = &expected["signature"];
    expect(
        "signature",
        account.sign(text(signature, "message")?).to_base64(),
        &signature["signature"],
    )?;

    let fallback = &expected["fallbackKeys"];
    let current = &fallback["current"];
    let mut unpublished = serde_json::Map::new();
    if current["published"] == Value::Bool(false) {
        let id = current["keyId"].as_u64().ok_or("fallback key without keyId")?;
        unpublished.insert(id.to_string(), current["publicKey"].clone());
    }
    expect("unpublished fallback key", key_map(account.fallback_key()), &unpublished.into())?;

    let mut copy = account.clone();
    let created = copy.generate_one_time_keys(1).created;
    let new_id = copy
        .one_time_keys()
        .into_iter()
        .find(|(_, key)| created.first() == Some(key))
        .map(|(id, _)| u64::from(id))
        .ok_or("the new one-time key is not listed")?;
    expect("id of the next one-time key", new_id, &expected["nextKeyId"])?;

    for (id, key) in expected["oneTimeKeys"].as_object().ok_or("no oneTimeKeys")? {
        opens_a_session(account, key.as_str().unwrap_or_default(), &format!("one-time key {id}"))?;
    }
    for slot in ["current", "previous"] {
        let key = &fallback[slot];
        if !key.is_null() {
            opens_a_session(account, text(key, "publicKey")?, &format!("{slot} fallback key"))?;
        }
    }
    Ok(())
}

// --- Sessions ----------------------------------------------------------------------------------

fn check_session(session: &mut Session, expected: &Value) -> Result<(), String> {
    expect("session id", session.session_id(), &expected["sessionId"])?;
    expect(
        "has received a message",
        session.has_received_message(),
        &expected["hasReceivedMessage"],
    )?;
    for (n, message) in expected["messages"].as_array().ok_or("no messages")?.iter().enumerate() {
        let message_type = usize::try_from(message["type"].as_u64().ok_or("no message type")?)
            .map_err(|e| e.to_string())?;
        let bytes = base64_decode(text(message, "body")?).map_err(|e| e.to_string())?;
        let decoded = OlmMessage::from_parts(message_type, &bytes)
            .map_err(|e| format!("message {n}: {e}"))?;
        let plaintext = session.decrypt(&decoded).map_err(|e| format!("message {n}: {e}"))?;
        if plaintext != hex::field(message, "plaintext")? {
            return Err(format!("message {n} decrypted wrongly"));
        }
    }
    Ok(())
}

fn check_group_session(session: &mut GroupSession, expected: &Value) -> Result<(), String> {
    expect("session id", session.session_id(), &expected["sessionId"])?;
    expect("message index", session.message_index(), &expected["messageIndex"])?;
    expect("session key", session.session_key().to_base64(), &expected["sessionKey"])?;
    let next = &expected["nextMessage"];
    expect("index of the next message", session.message_index(), &next["index"])?;
    let message = session.encrypt(hex::field(next, "plaintext")?);
    expect("next message", message.to_base64(), &next["body"])
}

fn check_inbound(session: &mut InboundGroupSession, expected: &Value) -> Result<(), String> {
    expect("session id", session.session_id(), &expected["sessionId"])?;
    expect("first known index", session.first_known_index(), &expected["firstKnownIndex"])?;
    expect("verified", session.is_verified(), &expected["verified"])?;
    for (n, message) in expected["messages"].as_array().ok_or("no messages")?.iter().enumerate() {
        let decoded = MegolmMessage::from_base64(text(message, "body")?)
            .map_err(|e| format!("message {n}: {e}"))?;
        let decrypted = session.decrypt(&decoded).map_err(|e| format!("message {n}: {e}"))?;
        if decrypted.plaintext != hex::field(message, "plaintext")? {
            return Err(format!("message {n} decrypted wrongly"));
        }
        expect(&format!("message {n}'s index"), decrypted.message_index, &message["index"])?;
    }
    Ok(())
}

// --- Files -------------------------------------------------------------------------------------

fn libolm_error_kind(error: &LibolmPickleError) -> &'static str {
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

fn native_error_kind(error: &PickleError) -> &'static str {
    match error {
        PickleError::Base64(_) => "Base64",
        PickleError::Decryption(_) => "Decryption",
        PickleError::Serialization(_) => "Serialization",
    }
}

/// `Ok` if the import failed with the kind the case names.
fn refused<T, E: std::fmt::Display>(
    case: &Value,
    result: Result<T, E>,
    kind: fn(&E) -> &'static str,
) -> Result<(), String> {
    let expected = text(case, "error")?;
    match result {
        Ok(_) => Err(format!("imported, expected a {expected} error")),
        Err(e) if kind(&e) == expected => Ok(()),
        Err(e) => Err(format!("failed with {} ({e}), expected {expected}", kind(&e))),
    }
}

/// The exported pickle must be the original string.
fn round_trip(case: &Value, exported: Result<String, LibolmPickleError>) -> Result<(), String> {
    if !has_flag(case, "RoundTripExact") {
        return Ok(());
    }
    let exported = exported.map_err(|e| format!("cannot export: {e}"))?;
    let original = text(case, "pickle")?;
    if exported == original {
        return Ok(());
    }
    let first = exported.bytes().zip(original.bytes()).take_while(|(a, b)| a == b).count();
    Err(format!(
        "the re-exported libolm pickle differs from the original ({} vs {} base64 characters, \
         first difference at character {first}; the envelope's IV is fixed, so the plaintexts \
         differ from their 16-byte block at byte {} on)",
        exported.len(),
        original.len(),
        (first * 6 + 5) / 8 / 16 * 16,
    ))
}

/// `libolm-pickle`: import a libolm pickle.
pub(crate) fn libolm(case: &Value) -> Result<(), String> {
    let key = hex::field(case, "pickleKey")?;
    let pickle = text(case, "pickle")?;
    let expected = &case["expected"];
    let kind = text(case, "type")?;
    if case["result"] == "invalid" {
        return match kind {
            "account" => {
                refused(case, Account::from_libolm_pickle(pickle, &key), libolm_error_kind)
            }
            "session" => {
                refused(case, Session::from_libolm_pickle(pickle, &key), libolm_error_kind)
            }
            "group-session" => {
                refused(case, GroupSession::from_libolm_pickle(pickle, &key), libolm_error_kind)
            }
            "inbound-group-session" => refused(
                case,
                InboundGroupSession::from_libolm_pickle(pickle, &key),
                libolm_error_kind,
            ),
            other => Err(format!("unknown type {other}")),
        };
    }
    let import = |e: LibolmPickleError| format!("import failed: {e}");
    match kind {
        "account" => {
            let account = Account::from_libolm_pickle(pickle, &key).map_err(import)?;
            round_trip(case, account.to_libolm_pickle(&key))?;
            check_account(&account, expected)
        }
        "session" => {
            let mut session = Session::from_libolm_pickle(pickle, &key).map_err(import)?;
            round_trip(case, session.to_libolm_pickle(&key))?;
            check_session(&mut session, expected)
        }
        "group-session" => {
            let mut session = GroupSession::from_libolm_pickle(pickle, &key).map_err(import)?;
            round_trip(case, session.to_libolm_pickle(&key))?;
            check_group_session(&mut session, expected)
        }
        "inbound-group-session" => {
            let mut session =
                InboundGroupSession::from_libolm_pickle(pickle, &key).map_err(import)?;
            round_trip(case, session.to_libolm_pickle(&key))?;
            check_inbound(&mut session, expected)
        }
        other => Err(format!("unknown type {other}")),
    }
}

/// The native pickle written again must be the original string.
fn native_round_trip(case: &Value, encrypted: String) -> Result<(), String> {
    if !has_flag(case, "RoundTripExact") || encrypted == text(case, "pickle")? {
        Ok(())
    } else {
        Err(format!("the re-encrypted pickle differs: {encrypted}"))
    }
}

/// `native-pickle`: load a vodozemac (native) pickle.
pub(crate) fn native(case: &Value) -> Result<(), String> {
    let key: [u8; 32] = hex::field(case, "pickleKey")?
        .try_into()
        .map_err(|_| "the pickle key is not 32 bytes".to_owned())?;
    let pickle = text(case, "pickle")?;
    let expected = &case["expected"];
    let kind = text(case, "type")?;
    if case["result"] == "invalid" {
        return match kind {
            "account" => {
                refused(case, AccountPickle::from_encrypted(pickle, &key), native_error_kind)
            }
            "session" => {
                refused(case, SessionPickle::from_encrypted(pickle, &key), native_error_kind)
            }
            "group-session" => {
                refused(case, GroupSessionPickle::from_encrypted(pickle, &key), native_error_kind)
            }
            "inbound-group-session" => refused(
                case,
                InboundGroupSessionPickle::from_encrypted(pickle, &key),
                native_error_kind,
            ),
            other => Err(format!("unknown type {other}")),
        };
    }
    let load = |e: PickleError| format!("cannot load: {e}");
    match kind {
        "account" => {
            let account =
                Account::from_pickle(AccountPickle::from_encrypted(pickle, &key).map_err(load)?);
            native_round_trip(case, account.pickle().encrypt(&key))?;
            check_account(&account, expected)
        }
        "session" => {
            let mut session =
                Session::from_pickle(SessionPickle::from_encrypted(pickle, &key).map_err(load)?);
            native_round_trip(case, session.pickle().encrypt(&key))?;
            check_session(&mut session, expected)
        }
        "group-session" => {
            let mut session = GroupSession::from_pickle(
                GroupSessionPickle::from_encrypted(pickle, &key).map_err(load)?,
            );
            native_round_trip(case, session.pickle().encrypt(&key))?;
            check_group_session(&mut session, expected)
        }
        "inbound-group-session" => {
            let mut session = InboundGroupSession::from_pickle(
                InboundGroupSessionPickle::from_encrypted(pickle, &key).map_err(load)?,
            );
            native_round_trip(case, session.pickle().encrypt(&key))?;
            check_inbound(&mut session, expected)
        }
        other => Err(format!("unknown type {other}")),
    }
}
