//! Session behaviour: conversations, limits, transactional decryption.

use proptest::prelude::*;

use super::*;
use crate::olm::{Account, SessionConfig};

fn snapshot(session: &Session) -> serde_json::Value {
    serde_json::to_value(session.pickle()).unwrap()
}

/// Alice, Bob, and Alice's outbound session (with `config`) to one of Bob's one-time keys.
pub(crate) fn outbound_session(config: SessionConfig) -> (Account, Account, Session) {
    let alice = Account::new();
    let mut bob = Account::new();
    bob.generate_one_time_keys(1);
    let otk = *bob.one_time_keys().values().next().unwrap();
    let session = alice.create_outbound_session(config, bob.curve25519_key(), otk).unwrap();
    (alice, bob, session)
}

/// Alice's outbound session and Bob's inbound session after one pre-key message.
pub(crate) fn session_pair() -> (Session, Session) {
    let (alice, mut bob, mut alice_session) = outbound_session(SessionConfig::version_1());
    let OlmMessage::PreKey(first) = alice_session.encrypt("first").unwrap() else { panic!() };
    let result = bob
        .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &first)
        .unwrap();
    assert_eq!(result.plaintext, b"first");
    (alice_session, result.session)
}

#[test]
fn conversation_with_ratchet_turns() {
    let (mut alice, mut bob) = session_pair();
    assert!(!alice.has_received_message());
    assert!(bob.has_received_message());
    for turn in 0..6 {
        let (sender, receiver) =
            if turn % 2 == 0 { (&mut bob, &mut alice) } else { (&mut alice, &mut bob) };
        for i in 0..3 {
            let text = format!("turn {turn} message {i}");
            let message = sender.encrypt(&text).unwrap();
            assert!(matches!(message, OlmMessage::Normal(_)));
            assert_eq!(receiver.decrypt(&message).unwrap(), text.as_bytes());
        }
    }
    assert_eq!(alice.session_id(), bob.session_id());
    assert!(alice.receiving_chains.len() <= MAX_RECEIVING_CHAINS);
}

#[test]
fn pre_key_messages_until_a_reply_arrives() {
    let (mut alice, mut bob) = session_pair();
    let second = alice.encrypt("second").unwrap();
    assert!(matches!(second, OlmMessage::PreKey(_)));
    assert_eq!(bob.decrypt(&second).unwrap(), b"second");
    let reply = bob.encrypt("reply").unwrap();
    alice.decrypt(&reply).unwrap();
    assert!(matches!(alice.encrypt("third").unwrap(), OlmMessage::Normal(_)));
}

#[test]
fn out_of_order_and_reversed_delivery() {
    let (mut alice, mut bob) = session_pair();
    let messages: Vec<_> =
        (0..MAX_SKIPPED_MESSAGE_KEYS).map(|i| (i, bob.encrypt(i.to_string()).unwrap())).collect();
    for (i, message) in messages.iter().rev() {
        assert_eq!(alice.decrypt(message).unwrap(), i.to_string().as_bytes());
    }
    // Each key is used once: a replay fails, and leaves the session unchanged.
    let before = snapshot(&alice);
    assert!(matches!(alice.decrypt(&messages[3].1), Err(DecryptionError::MissingMessageKey(3))));
    assert_eq!(snapshot(&alice), before);
}

/// The MAC covers the ciphertext: flipping a bit of the first ciphertext block leaves the CBC
/// padding valid (only block 0 is garbled and one plaintext byte flipped), so only the MAC can
/// notice. Flipping a bit of the MAC itself is refused too.
#[test]
fn mac_covers_ciphertext_and_is_checked() {
    let (mut alice, mut bob) = session_pair();
    alice.decrypt(&bob.encrypt("open").unwrap()).unwrap();
    let genuine = bob.encrypt("genuine plaintext").unwrap();
    let (message_type, bytes) = genuine.to_parts();
    // 17 bytes of plaintext: 32 bytes of ciphertext, then the 8-byte MAC.
    for position in [bytes.len() - 8 - 32, bytes.len() - 1] {
        let mut corrupted = bytes.clone();
        corrupted[position] ^= 0x01;
        let message = OlmMessage::from_parts(message_type, &corrupted).unwrap();
        let before = snapshot(&alice);
        assert!(matches!(alice.decrypt(&message), Err(DecryptionError::InvalidMAC(_))));
        assert_eq!(snapshot(&alice), before);
    }
    assert_eq!(alice.decrypt(&genuine).unwrap(), b"genuine plaintext");
}

#[test]
fn skipped_key_limit_at_and_past_the_limit() {
    // The value itself is part of the contract: libolm and vodozemac keep 40 keys per chain.
    assert_eq!(MAX_SKIPPED_MESSAGE_KEYS, 40);
    let (mut alice, mut bob) = session_pair();
    let reply = bob.encrypt("open").unwrap();
    alice.decrypt(&reply).unwrap();
    // Bob's chain is now at index 1. He sends 1 + MAX + 1 more messages; Alice receives the
    // last first, which skips MAX + 1 messages: only the newest MAX keys are kept.
    let messages: Vec<_> =
        (0..MAX_SKIPPED_MESSAGE_KEYS + 2).map(|i| bob.encrypt(i.to_string()).unwrap()).collect();
    let last = messages.last().unwrap();
    alice.decrypt(last).unwrap();
    let chain = &alice.receiving_chains[0];
    assert_eq!(chain.skipped_keys.len(), MAX_SKIPPED_MESSAGE_KEYS);
    let oldest = &messages[0];
    let OlmMessage::Normal(m) = oldest else { panic!() };
    assert!(
        matches!(alice.decrypt(oldest), Err(DecryptionError::MissingMessageKey(i)) if i == m.chain_index())
    );
    for message in &messages[1..messages.len() - 1] {
        alice.decrypt(message).unwrap();
    }
}

#[test]
fn message_gap_limit_on_an_existing_chain() {
    // vodozemac's limit; libolm has none (it would ratchet forever).
    assert_eq!(MAX_MESSAGE_GAP, 2000);
    let (mut alice, mut bob) = session_pair();
    alice.decrypt(&bob.encrypt("open").unwrap()).unwrap();
    // Bob's next index is 1; a message at 1 + MAX is exactly at the limit.
    for _ in 0..MAX_MESSAGE_GAP {
        bob.encrypt("skipped").unwrap();
    }
    let at_limit = bob.encrypt("at the limit").unwrap();
    let mut alice_copy = alice.clone();
    assert_eq!(alice_copy.decrypt(&at_limit).unwrap(), b"at the limit");

    let past = bob.encrypt("past the limit").unwrap();
    let before = snapshot(&alice);
    assert!(matches!(
        alice.decrypt(&past),
        Err(DecryptionError::TooBigMessageGap(gap, MAX_MESSAGE_GAP)) if gap == MAX_MESSAGE_GAP + 1
    ));
    assert_eq!(snapshot(&alice), before);
}

#[test]
fn message_gap_limit_on_a_new_chain() {
    let (mut alice, mut bob) = session_pair();
    for _ in 0..MAX_MESSAGE_GAP {
        bob.encrypt("skipped").unwrap();
    }
    let at_limit = bob.encrypt("at the limit").unwrap();
    let past = bob.encrypt("past").unwrap();
    let before = snapshot(&alice);
    assert!(matches!(alice.decrypt(&past), Err(DecryptionError::TooBigMessageGap(2001, 2000))));
    assert_eq!(snapshot(&alice), before);
    assert_eq!(alice.decrypt(&at_limit).unwrap(), b"at the limit");
}

#[test]
fn receiving_chain_limit_at_and_past_the_limit() {
    // libolm and vodozemac keep 5 receiving chains.
    assert_eq!(MAX_RECEIVING_CHAINS, 5);
    let (mut alice, mut bob) = session_pair();
    // Bob's chains at Alice: each of Bob's turns opens one. Keep one message from the first.
    let kept = bob.encrypt("from chain 1").unwrap();
    alice.decrypt(&bob.encrypt("open chain 1").unwrap()).unwrap();
    for _ in 1..MAX_RECEIVING_CHAINS {
        bob.decrypt(&alice.encrypt("turn").unwrap()).unwrap();
        alice.decrypt(&bob.encrypt("new chain").unwrap()).unwrap();
    }
    assert_eq!(alice.receiving_chains.len(), MAX_RECEIVING_CHAINS);
    let mut at_limit = alice.clone();
    assert_eq!(at_limit.decrypt(&kept).unwrap(), b"from chain 1");

    bob.decrypt(&alice.encrypt("turn").unwrap()).unwrap();
    alice.decrypt(&bob.encrypt("one chain too many").unwrap()).unwrap();
    assert_eq!(alice.receiving_chains.len(), MAX_RECEIVING_CHAINS);
    let before = snapshot(&alice);
    assert!(alice.decrypt(&kept).is_err());
    assert_eq!(snapshot(&alice), before);
}

#[test]
fn a_new_chain_before_we_sent_is_refused() {
    let (mut alice, mut bob) = session_pair();
    // Bob has not replied, so his ratchet is inactive; a message on a chain he does not know
    // (here: from another conversation of Alice's) cannot be his.
    let (mut other_alice, _) = session_pair();
    let mut other = other_alice.encrypt("x").unwrap();
    if let OlmMessage::PreKey(p) = other {
        other = OlmMessage::Normal(p.message().clone());
    }
    let before = snapshot(&bob);
    assert!(matches!(bob.decrypt(&other), Err(DecryptionError::InvalidMAC(_))));
    assert_eq!(snapshot(&bob), before);
    assert!(alice.encrypt("still works").is_ok());
}

#[test]
fn small_order_ratchet_key_is_refused_without_state_change() {
    let (mut alice, mut bob) = session_pair();
    let OlmMessage::Normal(reply) = bob.encrypt("x").unwrap() else { panic!() };
    // Re-encode the reply with an all-zero ratchet key (a new chain for Alice).
    let keys = CipherKeys::olm(&[0; 32]);
    let forged = Message::encrypt(
        3,
        Curve25519PublicKey::from_bytes([0; 32]),
        reply.chain_index(),
        &keys,
        b"x",
    );
    let before = snapshot(&alice);
    assert!(matches!(alice.decrypt(&forged.into()), Err(DecryptionError::NonContributoryKey)));
    assert_eq!(snapshot(&alice), before);
    assert_eq!(alice.decrypt(&reply.into()).unwrap(), b"x");
}

#[cfg(feature = "experimental-session-config")]
#[test]
fn versions_are_pinned_per_session() {
    let (alice, mut bob, mut v2) = outbound_session(SessionConfig::version_2());
    let OlmMessage::PreKey(first) = v2.encrypt("x").unwrap() else { panic!() };
    assert_eq!(first.message().version(), 4);
    let err = bob
        .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &first)
        .unwrap_err();
    assert!(matches!(
        err,
        crate::olm::SessionCreationError::MismatchedSessionConfig { got: Some(got), .. } if got == SessionConfig::version_2()
    ));
    let mut bob_v2 = bob
        .create_inbound_session(SessionConfig::version_2(), alice.curve25519_key(), &first)
        .unwrap()
        .session;
    // A version-1 message to a version-2 session is refused: no downgrade.
    let (_, mut bob_v1) = session_pair();
    let v1_message = bob_v1.encrypt("v1").unwrap();
    let before = snapshot(&v2);
    assert!(matches!(v2.decrypt(&v1_message), Err(DecryptionError::InvalidMACLength(32, 8))));
    assert_eq!(snapshot(&v2), before);
    let reply = bob_v2.encrypt("v2 reply").unwrap();
    assert_eq!(v2.decrypt(&reply).unwrap(), b"v2 reply");
}

#[test]
fn pickles_round_trip_mid_conversation() {
    let (mut alice, mut bob) = session_pair();
    alice.decrypt(&bob.encrypt("a").unwrap()).unwrap();
    let held_back = alice.encrypt("held back").unwrap();
    bob.decrypt(&alice.encrypt("b").unwrap()).unwrap();
    let key = [9u8; 32];
    let mut alice = Session::from_pickle(
        SessionPickle::from_encrypted(&alice.pickle().encrypt(&key), &key).unwrap(),
    );
    let mut bob =
        Session::from(SessionPickle::from_encrypted(&bob.pickle().encrypt(&key), &key).unwrap());
    assert_eq!(bob.decrypt(&held_back).unwrap(), b"held back");
    alice.decrypt(&bob.encrypt("c").unwrap()).unwrap();
    bob.decrypt(&alice.encrypt("d").unwrap()).unwrap();
    assert_eq!(snapshot(&alice), snapshot(&Session::from_pickle(alice.pickle())));
}

/// One side restored from its pickle, the other never pickled: the two still agree across
/// ratchet turns, so every root and chain key was written to the pickle as it is (restoring
/// both sides from equally wrong pickles would agree anyway).
#[test]
fn one_side_restored_keeps_talking_across_ratchet_turns() {
    let (mut alice, mut bob) = session_pair();
    alice.decrypt(&bob.encrypt("a").unwrap()).unwrap();
    let mut alice = Session::from_pickle(alice.pickle());
    for turn in 0..3 {
        let to_bob = format!("to bob {turn}");
        assert_eq!(bob.decrypt(&alice.encrypt(&to_bob).unwrap()).unwrap(), to_bob.as_bytes());
        let to_alice = format!("to alice {turn}");
        assert_eq!(alice.decrypt(&bob.encrypt(&to_alice).unwrap()).unwrap(), to_alice.as_bytes());
    }
    let mut bob = Session::from_pickle(bob.pickle());
    for turn in 0..3 {
        let to_alice = format!("again {turn}");
        assert_eq!(alice.decrypt(&bob.encrypt(&to_alice).unwrap()).unwrap(), to_alice.as_bytes());
        let to_bob = format!("back {turn}");
        assert_eq!(bob.decrypt(&alice.encrypt(&to_bob).unwrap()).unwrap(), to_bob.as_bytes());
    }
}

#[test]
fn pickles_refuse_oversized_lists() {
    let (alice, _) = session_pair();
    let mut json = snapshot(&alice);
    let (ones, twos) = (vec![1u8; 32], vec![2u8; 32]);
    let chain = serde_json::json!({
        "ratchet_key": ones, "hkdf_ratchet": {"key": twos, "index": 0},
        "skipped_message_keys": {"inner": []}
    });
    json["receiving_chains"]["inner"] =
        serde_json::Value::Array(vec![chain.clone(); MAX_RECEIVING_CHAINS]);
    assert!(serde_json::from_value::<SessionPickle>(json.clone()).is_ok());
    json["receiving_chains"]["inner"] =
        serde_json::Value::Array(vec![chain; MAX_RECEIVING_CHAINS + 1]);
    assert!(serde_json::from_value::<SessionPickle>(json).is_err());
}

#[test]
fn debug_prints_no_secrets() {
    let (alice, bob) = session_pair();
    for session in [alice, bob] {
        let printed = format!("{session:?}");
        let pickle = snapshot(&session);
        let secret_chain_key = pickle["receiving_chains"]["inner"]
            .get(0)
            .map(|chain| chain["hkdf_ratchet"]["key"].to_string());
        assert!(printed.contains(&session.session_id()));
        assert!(!printed.contains("root_key: ["));
        if let Some(secret) = secret_chain_key {
            assert!(!printed.contains(&secret));
        }
    }
}

/// Build a corrupted copy of a message's bytes.
fn corrupt(bytes: &[u8], kind: u8, position: usize, value: u8) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let position = position % (bytes.len() + 1);
    match kind % 4 {
        0 if !out.is_empty() => {
            let p = position.min(out.len() - 1);
            out[p] ^= value.max(1);
        }
        1 => out.truncate(position),
        2 => out.insert(position, value),
        _ => {
            if position < out.len() {
                out.remove(position);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any corruption of a valid message is rejected and leaves the session as it was; the
    /// genuine message still decrypts afterwards.
    #[test]
    fn corrupted_messages_never_change_state(kind in 0u8..4, position in 0usize..400, value in 0u8..=255, pre_key in any::<bool>()) {
        let (mut alice, mut bob) = session_pair();
        let (sender, receiver) = if pre_key { (&mut alice, &mut bob) } else { (&mut bob, &mut alice) };
        let genuine = sender.encrypt("genuine plaintext").unwrap();
        let (message_type, bytes) = genuine.to_parts();
        let corrupted = corrupt(&bytes, kind, position, value);
        prop_assume!(corrupted != bytes);
        let before = snapshot(receiver);
        if let Ok(message) = OlmMessage::from_parts(message_type, &corrupted) {
            prop_assert!(receiver.decrypt(&message).is_err());
            prop_assert_eq!(snapshot(receiver), before);
        }
        prop_assert_eq!(receiver.decrypt(&genuine).unwrap(), b"genuine plaintext");
    }
}
