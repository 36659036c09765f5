//! An Olm conversation between Alice and Bob, printed step by step.
//!
//! `cargo run --release --example conversation`

use salamander::olm::{Account, OlmMessage, SessionConfig};

fn short(text: &str) -> String {
    if text.len() > 24 {
        format!("{}…", &text[..24])
    } else {
        text.to_owned()
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let alice = Account::new();
    let mut bob = Account::new();
    println!("Alice's identity keys: {:?}", alice.identity_keys());
    println!("Bob's identity keys:   {:?}", bob.identity_keys());

    bob.generate_one_time_keys(1);
    let (key_id, one_time_key) = bob.one_time_keys().into_iter().next().ok_or("no key")?;
    let signature = bob.sign(one_time_key.to_base64());
    bob.mark_keys_as_published();
    println!(
        "Bob publishes one-time key {} = {one_time_key} (signed {})",
        key_id.to_base64(),
        short(&signature.to_base64())
    );
    bob.ed25519_key().verify(one_time_key.to_base64().as_bytes(), &signature)?;
    println!("Alice checks the signature on Bob's one-time key: valid");

    let mut alice_session = alice.create_outbound_session(
        SessionConfig::version_1(),
        bob.curve25519_key(),
        one_time_key,
    )?;
    println!("Alice creates session {}", alice_session.session_id());

    let first = alice_session.encrypt("Hi Bob, this is Alice.")?;
    let OlmMessage::PreKey(pre_key) = &first else {
        return Err("expected a pre-key message".into());
    };
    let (message_type, body) = first.to_parts();
    println!(
        "Alice → Bob: type {message_type}, {} bytes: {}",
        body.len(),
        short(&salamander::base64_encode(&body))
    );

    let result =
        bob.create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), pre_key)?;
    let mut bob_session = result.session;
    println!(
        "Bob creates session {} and reads: {:?}",
        bob_session.session_id(),
        String::from_utf8_lossy(&result.plaintext)
    );
    println!("Bob's one-time key is used up: {} left", bob.stored_one_time_key_count());

    let lines = [
        (false, "Hello Alice! Got your message."),
        (true, "Great, the ratchet turned."),
        (true, "Two in a row on the same chain."),
        (false, "And back again: a new ratchet key."),
    ];
    for (from_alice, text) in lines {
        let (sender, receiver, arrow) = if from_alice {
            (&mut alice_session, &mut bob_session, "Alice → Bob")
        } else {
            (&mut bob_session, &mut alice_session, "Bob → Alice")
        };
        let message = sender.encrypt(text)?;
        let kind = match &message {
            OlmMessage::Normal(m) => format!(
                "normal, ratchet key {}, chain index {}",
                short(&m.ratchet_key().to_base64()),
                m.chain_index()
            ),
            OlmMessage::PreKey(_) => "pre-key".to_owned(),
        };
        let plaintext = receiver.decrypt(&message)?;
        println!("{arrow}: {kind}: {:?}", String::from_utf8_lossy(&plaintext));
    }

    // A tampered message is refused and changes nothing.
    let message = bob_session.encrypt("original")?;
    let (message_type, mut bytes) = message.to_parts();
    if let Some(last) = bytes.last_mut() {
        *last ^= 1;
    }
    let tampered = OlmMessage::from_parts(message_type, &bytes)?;
    println!(
        "Alice gets a tampered message: {}",
        alice_session.decrypt(&tampered).err().map(|e| e.to_string()).unwrap_or_default()
    );
    println!(
        "...and still reads the genuine one: {:?}",
        String::from_utf8_lossy(&alice_session.decrypt(&message)?)
    );

    let key = [42u8; 32];
    let pickle = alice_session.pickle().encrypt(&key);
    println!("Alice pickles her session: {} characters", pickle.len());
    Ok(())
}
