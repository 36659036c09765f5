//! Megolm vectors.

use salamander::{
    base64_encode,
    megolm::{
        ExportedSessionKey, GroupSession, InboundGroupSession, MegolmMessage, SessionConfig,
        SessionKey,
    },
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
