//! Olm vectors.

use salamander::{
    base64_decode, base64_encode,
    olm::{Account, OlmMessage, Session, SessionConfig},
    Curve25519PublicKey,
};
use serde_json::Value;

use crate::{hex, rng::Replay};

mod codec;
mod kdf;

pub(crate) use codec::message_codec;
pub(crate) use kdf::kdf;

fn check_identity(account: &Account, expected: &Value, who: &str) -> Result<(), String> {
    let keys = account.identity_keys();
    let (curve, ed) = (keys.curve25519.to_base64(), keys.ed25519.to_base64());
    if Some(curve.as_str()) != expected["curve25519"].as_str()
        || Some(ed.as_str()) != expected["ed25519"].as_str()
    {
        return Err(format!("{who}'s identity keys: got {curve} / {ed}, expected {expected}"));
    }
    Ok(())
}

/// `olm-conversation`: replay a conversation, byte for byte.
pub(crate) fn conversation(case: &Value) -> Result<(), String> {
    let (a, b) = (&case["alice"], &case["bob"]);
    let mut rng = Replay::new(hex::field(a, "accountRandom")?);
    let alice = Account::new_with_rng(&mut rng);
    rng.finish("Alice's account")?;
    check_identity(&alice, &a["identityKeys"], "Alice")?;

    let mut rng = Replay::new(hex::field(b, "accountRandom")?);
    let mut bob = Account::new_with_rng(&mut rng);
    rng.finish("Bob's account")?;
    check_identity(&bob, &b["identityKeys"], "Bob")?;

    let mut rng = Replay::new(hex::field(b, "keyRandom")?);
    let bob_key = if b["fallbackKey"].as_bool() == Some(true) {
        bob.generate_fallback_key_with_rng(&mut rng);
        bob.fallback_key().values().next().copied()
    } else {
        bob.generate_one_time_keys_with_rng(1, &mut rng);
        bob.one_time_keys().values().next().copied()
    }
    .ok_or("Bob has no key")?;
    rng.finish("Bob's one-time key")?;
    if Some(bob_key.to_base64().as_str()) != b["oneTimeKey"].as_str() {
        return Err(format!("Bob's one-time key: got {}", bob_key.to_base64()));
    }
    bob.mark_keys_as_published();

    let mut rng = Replay::new(hex::field(a, "outboundRandom")?);
    let alice_session = alice
        .create_outbound_session_with_rng(
            SessionConfig::version_1(),
            bob.curve25519_key(),
            bob_key,
            &mut rng,
        )
        .map_err(|e| e.to_string())?;
    rng.finish("Alice's outbound session")?;
    if Some(alice_session.session_id().as_str()) != case["sessionId"].as_str() {
        return Err(format!("session id: got {}", alice_session.session_id()));
    }

    let messages = case["messages"].as_array().ok_or("no messages")?;
    let schedule = delivery_schedule(case, messages)?;
    let alice_identity = Curve25519PublicKey::from_base64(
        a["identityKeys"]["curve25519"].as_str().unwrap_or_default(),
    )
    .map_err(|e| e.to_string())?;
    let mut parties = Parties { alice_session, bob, bob_session: None, alice_identity };
    for (n, step) in messages.iter().enumerate() {
        parties.send(n, step)?;
        for &m in &schedule[n] {
            parties.deliver(m, &messages[m])?;
        }
    }
    Ok(())
}

/// For each message, the messages delivered right after it is sent, in order: each message
/// right after itself without "deliveries", else the order "deliveries" gives, each message
/// after message "deliverAfter" (a message missing from "deliveries" is lost).
fn delivery_schedule(case: &Value, messages: &[Value]) -> Result<Vec<Vec<usize>>, String> {
    let mut schedule = vec![Vec::new(); messages.len()];
    let Some(deliveries) = case.get("deliveries") else {
        for (n, slot) in schedule.iter_mut().enumerate() {
            slot.push(n);
        }
        return Ok(schedule);
    };
    let deliveries = deliveries.as_array().ok_or("'deliveries' is not a list")?;
    let mut delivered = vec![false; messages.len()];
    let mut last = 0;
    for entry in deliveries {
        let m = entry.as_u64().and_then(|m| usize::try_from(m).ok()).ok_or("bad delivery")?;
        let after = messages
            .get(m)
            .and_then(|step| step["deliverAfter"].as_u64())
            .and_then(|a| usize::try_from(a).ok())
            .ok_or_else(|| {
                format!("delivery of message {m}: no such message or no deliverAfter")
            })?;
        if after < m || after < last || after >= messages.len() || delivered[m] {
            return Err(format!("delivery of message {m} after {after}: out of order"));
        }
        delivered[m] = true;
        last = after;
        schedule[after].push(m);
    }
    Ok(schedule)
}

/// Both ends of a conversation.
struct Parties {
    alice_session: Session,
    bob: Account,
    bob_session: Option<Session>,
    alice_identity: Curve25519PublicKey,
}

impl Parties {
    /// Encrypt message `n` with the random bytes given: it must be the reference's, byte for byte.
    fn send(&mut self, n: usize, step: &Value) -> Result<(), String> {
        let plaintext = hex::field(step, "plaintext")?;
        let from_alice = step["sender"].as_str() == Some("alice");
        let mut rng = Replay::new(hex::field(step, "random")?);
        let sender =
            if from_alice { Some(&mut self.alice_session) } else { self.bob_session.as_mut() };
        let sender = sender.ok_or_else(|| format!("message {n}: Bob has no session yet"))?;
        let message = sender.encrypt_with_rng(&plaintext, &mut rng).map_err(|e| e.to_string())?;
        rng.finish(&format!("message {n}"))?;
        let (message_type, bytes) = message.to_parts();
        let body = base64_encode(&bytes);
        if Some(message_type as u64) != step["type"].as_u64()
            || Some(body.as_str()) != step["body"].as_str()
        {
            return Err(format!("message {n}: got type {message_type} body {body}"));
        }
        Ok(())
    }

    /// Deliver the reference's message `n` to its receiver, who must decrypt it.
    fn deliver(&mut self, n: usize, step: &Value) -> Result<(), String> {
        let plaintext = hex::field(step, "plaintext")?;
        let message_type = step["type"].as_u64().and_then(|t| usize::try_from(t).ok());
        let bytes =
            base64_decode(step["body"].as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
        let message = OlmMessage::from_parts(message_type.unwrap_or(usize::MAX), &bytes)
            .map_err(|e| format!("message {n}: {e}"))?;
        let decrypted = if step["sender"].as_str() == Some("alice") {
            match (&mut self.bob_session, &message) {
                (Some(session), _) => session.decrypt(&message).map_err(|e| e.to_string()),
                (None, OlmMessage::PreKey(pre_key)) => match self.bob.create_inbound_session(
                    SessionConfig::version_1(),
                    self.alice_identity,
                    pre_key,
                ) {
                    Ok(result) => {
                        self.bob_session = Some(result.session);
                        Ok(result.plaintext)
                    }
                    Err(e) => Err(format!("inbound session: {e}")),
                },
                (None, OlmMessage::Normal(_)) => {
                    Err("Bob's first message is not a pre-key message".to_owned())
                }
            }
        } else {
            self.alice_session.decrypt(&message).map_err(|e| e.to_string())
        };
        let decrypted = decrypted.map_err(|e| format!("message {n}: {e}"))?;
        if decrypted != plaintext {
            return Err(format!("message {n}: decrypted to {}", base64_encode(&decrypted)));
        }
        Ok(())
    }
}
