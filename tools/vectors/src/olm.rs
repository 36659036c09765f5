//! Olm vectors.

use salamander::{
    base64_decode, base64_encode,
    olm::{Account, OlmMessage, Session, SessionConfig},
    Curve25519PublicKey,
};
use serde_json::Value;

use crate::{hex, rng::Replay};

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
    let mut alice_session = alice
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

    let mut bob_session: Option<Session> = None;
    let messages = case["messages"].as_array().ok_or("no messages")?;
    for (n, step) in messages.iter().enumerate() {
        let plaintext = hex::field(step, "plaintext")?;
        let from_alice = step["sender"].as_str() == Some("alice");
        let mut rng = Replay::new(hex::field(step, "random")?);
        let sender = if from_alice { Some(&mut alice_session) } else { bob_session.as_mut() };
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

        // Decrypt what the reference produced (the same bytes, as checked above).
        let expected_bytes =
            base64_decode(step["body"].as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
        let expected =
            OlmMessage::from_parts(message_type, &expected_bytes).map_err(|e| e.to_string())?;
        let decrypted = if from_alice {
            match (&mut bob_session, &expected) {
                (Some(session), _) => session.decrypt(&expected).map_err(|e| e.to_string())?,
                (None, OlmMessage::PreKey(pre_key)) => {
                    let identity = Curve25519PublicKey::from_base64(
                        a["identityKeys"]["curve25519"].as_str().unwrap_or_default(),
                    )
                    .map_err(|e| e.to_string())?;
                    let result = bob
                        .create_inbound_session(SessionConfig::version_1(), identity, pre_key)
                        .map_err(|e| e.to_string())?;
                    bob_session = Some(result.session);
                    result.plaintext
                }
                (None, OlmMessage::Normal(_)) => {
                    return Err("first message is not a pre-key message".into())
                }
            }
        } else {
            alice_session.decrypt(&expected).map_err(|e| e.to_string())?
        };
        if decrypted != plaintext {
            return Err(format!("message {n}: decrypted to {}", base64_encode(&decrypted)));
        }
    }
    Ok(())
}
