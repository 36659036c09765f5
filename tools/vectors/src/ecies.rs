//! `ecies-channel` and `ecies-message-codec` (`test-vectors/ecies/`): the MSC4108 channel,
//! replayed with fixed randomness through `salamander::ecies`, and its message encodings.

use salamander::{
    ecies::{
        DigitMode, Ecies, EstablishedEcies, InboundCreationResult, InitialMessage, Message,
        OutboundCreationResult,
    },
    Curve25519PublicKey,
};
use serde_json::Value;

use crate::{
    channel::{
        check_delivery, expect_error, expect_valid, kind, replay, same_bytes, same_text, text,
        to_hex,
    },
    hex,
};

/// An `Ecies` from the hex randomness field `name`, which it must use up.
fn ecies(case: &Value, name: &str) -> Result<Ecies, String> {
    let mut rng = replay(case, name)?;
    let ecies = Ecies::with_info_and_rng(text(case, "info")?, &mut rng);
    rng.finish(name)?;
    Ok(ecies)
}

fn key(case: &Value, name: &str) -> Result<Curve25519PublicKey, String> {
    Curve25519PublicKey::from_base64(text(case, name)?).map_err(|e| format!("{name}: {e}"))
}

/// Both ends after the conversation's messages.
struct Pair {
    s: EstablishedEcies,
    g: EstablishedEcies,
}

impl Pair {
    fn get(&mut self, side: &str) -> Result<&mut EstablishedEcies, String> {
        match side {
            "s" => Ok(&mut self.s),
            "g" => Ok(&mut self.g),
            other => Err(format!("unknown side {other:?}")),
        }
    }
}

/// Replay a conversation: keys, initial message, check code and every message, byte for byte.
fn conversation(case: &Value) -> Result<Pair, String> {
    let g = ecies(case, "gRandom")?;
    same_text("G's public key", &g.public_key().to_base64(), text(case, "gPublicKey")?)?;
    let s = ecies(case, "sRandom")?;
    same_text("S's public key", &s.public_key().to_base64(), text(case, "sPublicKey")?)?;

    let initial_plaintext = hex::field(case, "initialPlaintext")?;
    let OutboundCreationResult { ecies: s, message } = s
        .establish_outbound_channel(g.public_key(), &initial_plaintext)
        .map_err(|e| format!("establish_outbound_channel: {e:?}"))?;
    let expected = text(case, "initialMessage")?;
    same_text("initial message", &message.encode(), expected)?;
    let decoded = InitialMessage::decode(expected).map_err(|e| format!("{e:?}"))?;
    if decoded != message {
        return Err("the decoded initial message differs from the one sent".to_owned());
    }
    let InboundCreationResult { ecies: g, message: plaintext } = g
        .establish_inbound_channel(&decoded)
        .map_err(|e| format!("establish_inbound_channel: {e:?}"))?;
    same_bytes("initial plaintext", &plaintext, &initial_plaintext)?;

    let code = hex::field(case, "checkCode")?;
    same_bytes("S's check code", s.check_code().as_bytes(), &code)?;
    same_bytes("G's check code", g.check_code().as_bytes(), &code)?;
    for (mode, name) in [
        (DigitMode::AllowLeadingZero, "digitAllowLeadingZero"),
        (DigitMode::NoLeadingZero, "digitNoLeadingZero"),
    ] {
        let digit = u64::from(s.check_code().to_digit(mode));
        if Some(digit) != case[name].as_u64() {
            return Err(format!("{name}: got {digit}"));
        }
    }
    if s.public_key() != key(case, "sPublicKey")? || g.public_key() != key(case, "gPublicKey")? {
        return Err("an established channel has the wrong public key".to_owned());
    }

    let mut pair = Pair { s, g };
    let messages = case["messages"].as_array().ok_or("no messages")?;
    for (n, step) in messages.iter().enumerate() {
        let plaintext = hex::field(step, "plaintext")?;
        let expected = text(step, "message")?;
        let sender = text(step, "sender")?;
        let receiver = if sender == "s" { "g" } else { "s" };
        let sent = pair.get(sender)?.encrypt(&plaintext).encode();
        same_text(&format!("message {n}"), &sent, expected)?;
        let message = Message::decode(expected).map_err(|e| format!("message {n}: {e:?}"))?;
        let decrypted =
            pair.get(receiver)?.decrypt(&message).map_err(|e| format!("message {n}: {e:?}"))?;
        same_bytes(&format!("message {n}"), &decrypted, &plaintext)?;
    }
    Ok(pair)
}

/// `ecies-channel`.
pub(crate) fn channel(case: &Value) -> Result<(), String> {
    match text(case, "operation")? {
        "conversation" => {
            conversation(case)?;
            expect_valid(case)
        }
        "establish-outbound" => {
            let s = ecies(case, "sRandom")?;
            let got = s.establish_outbound_channel(
                key(case, "theirPublicKey")?,
                &hex::field(case, "initialPlaintext")?,
            );
            expect_error(case, got)
        }
        "establish-inbound" => {
            let g = ecies(case, "gRandom")?;
            same_text("G's public key", &g.public_key().to_base64(), text(case, "gPublicKey")?)?;
            let message = InitialMessage::decode(text(case, "initialMessage")?)
                .map_err(|e| format!("{e:?}"))?;
            expect_error(case, g.establish_inbound_channel(&message))
        }
        "decrypt" => {
            let mut pair = conversation(case)?;
            let bad = &case["badMessage"];
            let receiver = pair.get(text(bad, "receiver")?)?;
            let message = Message::decode(text(bad, "message")?).map_err(|e| format!("{e:?}"))?;
            expect_error(case, receiver.decrypt(&message))?;
            let afterwards = case["afterwards"].as_array().ok_or("no afterwards")?;
            for (n, delivery) in afterwards.iter().enumerate() {
                let receiver = pair.get(text(delivery, "receiver")?)?;
                let message =
                    Message::decode(text(delivery, "message")?).map_err(|e| format!("{e:?}"))?;
                check_delivery(&format!("afterwards {n}"), delivery, receiver.decrypt(&message))?;
            }
            Ok(())
        }
        other => Err(format!("unknown operation {other:?}")),
    }
}

/// `ecies-message-codec`.
pub(crate) fn message_codec(case: &Value) -> Result<(), String> {
    let encoded = text(case, "encoded")?;
    let decoded = match text(case, "type")? {
        "initial" => InitialMessage::decode(encoded).map(|m| {
            let reencoded = m.encode();
            (Some(m.public_key.to_base64()), m.ciphertext, reencoded)
        }),
        "message" => Message::decode(encoded).map(|m| {
            let reencoded = m.encode();
            (None, m.ciphertext, reencoded)
        }),
        other => return Err(format!("unknown type {other:?}")),
    };
    match (text(case, "result")?, decoded) {
        ("valid", Ok((key, ciphertext, reencoded))) => {
            if let Some(key) = key {
                same_text("public key", &key, text(case, "publicKey")?)?;
            }
            same_text("ciphertext", &to_hex(&ciphertext), text(case, "ciphertext")?)?;
            same_text("re-encoded", &reencoded, text(case, "reencoded")?)
        }
        ("valid", Err(e)) => Err(format!("refused with {e:?}")),
        ("invalid", Ok(_)) => Err(format!("accepted; expected {}", text(case, "error")?)),
        ("invalid", Err(e)) => {
            same_text("error", &kind(&e), text(case, "error")?)?;
            match case.get("detail") {
                Some(detail) => same_text(
                    "error detail",
                    &format!("{e:?}"),
                    detail.as_str().ok_or("detail is not a string")?,
                ),
                None => Ok(()),
            }
        }
        (other, _) => Err(format!("unexpected result {other:?}")),
    }
}
