//! `hpke-channel` and `hpke-message-codec` (`test-vectors/hpke/`): the MSC4388 channel, replayed
//! with fixed randomness through `salamander::hpke`, and its message encodings.

use salamander::{
    hpke::{
        BidirectionalCreationResult, DigitMode, EstablishedHpkeChannel, HpkeRecipientChannel,
        HpkeSenderChannel, InitialMessage, InitialResponse, Message, RecipientCreationResult,
        SenderCreationResult, UnidirectionalSenderChannel,
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

fn key(case: &Value, name: &str) -> Result<Curve25519PublicKey, String> {
    Curve25519PublicKey::from_base64(text(case, name)?).map_err(|e| format!("{name}: {e}"))
}

/// G's key pair from `gRandom`, which it must use up.
fn recipient(case: &Value) -> Result<HpkeRecipientChannel, String> {
    let mut rng = replay(case, "gRandom")?;
    let g = HpkeRecipientChannel::with_info_and_rng(text(case, "info")?, &mut rng);
    rng.finish("gRandom")?;
    same_text("G's public key", &g.public_key().to_base64(), text(case, "gPublicKey")?)?;
    Ok(g)
}

/// S's initial message towards `gPublicKey`, which must be `initialMessage` exactly.
fn sender(case: &Value) -> Result<UnidirectionalSenderChannel, String> {
    let mut rng = replay(case, "sRandom")?;
    let SenderCreationResult { channel, message } =
        HpkeSenderChannel::with_info(text(case, "info")?)
            .establish_channel_with_rng(
                key(case, "gPublicKey")?,
                &hex::field(case, "initialPlaintext")?,
                &hex::field(case, "initialAad")?,
                &mut rng,
            )
            .map_err(|e| format!("establish_channel: {e:?}"))?;
    rng.finish("sRandom")?;
    same_text(
        "encapsulated key",
        &message.encapsulated_key.to_base64(),
        text(case, "sPublicKey")?,
    )?;
    same_text("initial message", &message.encode(), text(case, "initialMessage")?)?;
    Ok(channel)
}

fn initial_message(case: &Value) -> Result<InitialMessage, String> {
    InitialMessage::decode(text(case, "initialMessage")?).map_err(|e| format!("{e:?}"))
}

fn initial_response(case: &Value) -> Result<InitialResponse, String> {
    InitialResponse::decode(text(case, "initialResponse")?).map_err(|e| format!("{e:?}"))
}

struct Pair {
    s: EstablishedHpkeChannel,
    g: EstablishedHpkeChannel,
}

impl Pair {
    fn get(&mut self, side: &str) -> Result<&mut EstablishedHpkeChannel, String> {
        match side {
            "s" => Ok(&mut self.s),
            "g" => Ok(&mut self.g),
            other => Err(format!("unknown side {other:?}")),
        }
    }
}

/// Replay a conversation: keys, both initial messages, check code and every message, byte for
/// byte.
fn conversation(case: &Value) -> Result<Pair, String> {
    let g = recipient(case)?;
    let s = sender(case)?;
    let RecipientCreationResult { channel: g, message: plaintext } = g
        .establish_channel(&initial_message(case)?, &hex::field(case, "initialAad")?)
        .map_err(|e| format!("G's establish_channel: {e:?}"))?;
    same_bytes("initial plaintext", &plaintext, &hex::field(case, "initialPlaintext")?)?;

    let mut rng = replay(case, "responseRandom")?;
    let response_plaintext = hex::field(case, "responsePlaintext")?;
    let response_aad = hex::field(case, "responseAad")?;
    let BidirectionalCreationResult { channel: g, message: response } =
        g.establish_bidirectional_channel_with_rng(&response_plaintext, &response_aad, &mut rng);
    rng.finish("responseRandom")?;
    same_text("initial response", &response.encode(), text(case, "initialResponse")?)?;
    let BidirectionalCreationResult { channel: s, message: plaintext } = s
        .establish_bidirectional_channel(&initial_response(case)?, &response_aad)
        .map_err(|e| format!("S's establish_bidirectional_channel: {e:?}"))?;
    same_bytes("response plaintext", &plaintext, &response_plaintext)?;

    let code = hex::field(case, "checkCode")?;
    same_bytes("S's check code", s.check_code().as_bytes(), &code)?;
    same_bytes("G's check code", g.check_code().as_bytes(), &code)?;
    for (mode, name) in [
        (DigitMode::AllowLeadingZero, "digitAllowLeadingZero"),
        (DigitMode::NoLeadingZero, "digitNoLeadingZero"),
    ] {
        let digit = u64::from(g.check_code().to_digit(mode));
        if Some(digit) != case[name].as_u64() {
            return Err(format!("{name}: got {digit}"));
        }
    }
    let (s_key, g_key) = (key(case, "sPublicKey")?, key(case, "gPublicKey")?);
    if (s.public_key(), s.their_public_key(), g.public_key(), g.their_public_key())
        != (s_key, g_key, g_key, s_key)
    {
        return Err("an established channel has the wrong public keys".to_owned());
    }

    let mut pair = Pair { s, g };
    let messages = case["messages"].as_array().ok_or("no messages")?;
    for (n, step) in messages.iter().enumerate() {
        let plaintext = hex::field(step, "plaintext")?;
        let aad = hex::field(step, "aad")?;
        let expected = text(step, "message")?;
        let sender = text(step, "sender")?;
        let receiver = if sender == "s" { "g" } else { "s" };
        let sealed = pair.get(sender)?.seal(&plaintext, &aad).encode();
        same_text(&format!("message {n}"), &sealed, expected)?;
        let message = Message::decode(expected).map_err(|e| format!("message {n}: {e:?}"))?;
        let opened =
            pair.get(receiver)?.open(&message, &aad).map_err(|e| format!("message {n}: {e:?}"))?;
        same_bytes(&format!("message {n}"), &opened, &plaintext)?;
    }
    Ok(pair)
}

/// `hpke-channel`.
pub(crate) fn channel(case: &Value) -> Result<(), String> {
    match text(case, "operation")? {
        "conversation" => {
            conversation(case)?;
            expect_valid(case)
        }
        "establish-sender" => {
            let mut rng = replay(case, "sRandom")?;
            let got = HpkeSenderChannel::with_info(text(case, "info")?).establish_channel_with_rng(
                key(case, "theirPublicKey")?,
                &hex::field(case, "initialPlaintext")?,
                &hex::field(case, "initialAad")?,
                &mut rng,
            );
            expect_error(case, got.map(|_| ()))
        }
        "establish-recipient" => {
            let g = recipient(case)?;
            let got =
                g.establish_channel(&initial_message(case)?, &hex::field(case, "initialAad")?);
            expect_error(case, got)
        }
        "establish-bidirectional" => {
            let s = sender(case)?;
            let got = s.establish_bidirectional_channel(
                &initial_response(case)?,
                &hex::field(case, "responseAad")?,
            );
            expect_error(case, got.map(|_| ()))
        }
        "decrypt" => {
            let mut pair = conversation(case)?;
            let bad = &case["badMessage"];
            let receiver = pair.get(text(bad, "receiver")?)?;
            let message = Message::decode(text(bad, "message")?).map_err(|e| format!("{e:?}"))?;
            expect_error(case, receiver.open(&message, &hex::field(bad, "aad")?))?;
            let afterwards = case["afterwards"].as_array().ok_or("no afterwards")?;
            for (n, delivery) in afterwards.iter().enumerate() {
                let receiver = pair.get(text(delivery, "receiver")?)?;
                let message =
                    Message::decode(text(delivery, "message")?).map_err(|e| format!("{e:?}"))?;
                let got = receiver.open(&message, &hex::field(delivery, "aad")?);
                check_delivery(&format!("afterwards {n}"), delivery, got)?;
            }
            Ok(())
        }
        other => Err(format!("unknown operation {other:?}")),
    }
}

/// A decoded message: its prefix (key or nonce) as the vector writes it, its ciphertext, its
/// re-encoding, and whether `from_bytes(to_bytes())` gives it back.
type Decoded = (Option<String>, Vec<u8>, String, bool);

/// `hpke-message-codec`.
pub(crate) fn message_codec(case: &Value) -> Result<(), String> {
    let encoded = text(case, "encoded")?;
    let decoded: Result<Decoded, _> = match text(case, "type")? {
        "initial" => InitialMessage::decode(encoded).map(|m| {
            let round_trip = InitialMessage::from_bytes(&m.to_bytes()).ok().as_ref() == Some(&m);
            (Some(m.encapsulated_key.to_base64()), m.ciphertext.clone(), m.encode(), round_trip)
        }),
        "response" => InitialResponse::decode(encoded).map(|m| {
            let again = InitialResponse::from_bytes(&m.to_bytes()).map(|r| r.encode()).ok();
            let reencoded = m.encode();
            let round_trip = again.as_deref() == Some(reencoded.as_str());
            (Some(to_hex(&m.base_response_nonce)), m.ciphertext, reencoded, round_trip)
        }),
        "message" => Message::decode(encoded).map(|m| {
            let reencoded = m.encode();
            (None, m.ciphertext, reencoded, true)
        }),
        other => return Err(format!("unknown type {other:?}")),
    };
    match (text(case, "result")?, decoded) {
        ("valid", Ok((prefix, ciphertext, reencoded, round_trip))) => {
            match (text(case, "type")?, prefix) {
                ("initial", Some(key)) => same_text("key", &key, text(case, "encapsulatedKey")?)?,
                ("response", Some(nonce)) => {
                    same_text("nonce", &nonce, text(case, "baseResponseNonce")?)?
                }
                _ => {}
            }
            same_text("ciphertext", &to_hex(&ciphertext), text(case, "ciphertext")?)?;
            same_text("re-encoded", &reencoded, text(case, "reencoded")?)?;
            if round_trip {
                Ok(())
            } else {
                Err("from_bytes(to_bytes()) differs".to_owned())
            }
        }
        ("valid", Err(e)) => Err(format!("refused with {e:?}")),
        ("invalid", Ok(_)) => Err(format!("accepted; expected {}", text(case, "error")?)),
        ("invalid", Err(e)) => {
            same_text("error", &kind(&e), text(case, "error")?)?;
            same_text("error detail", &format!("{e:?}"), text(case, "detail")?)
        }
        (other, _) => Err(format!("unexpected result {other:?}")),
    }
}
