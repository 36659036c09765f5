//! Megolm behaviour: ordering, limits, key sharing, merging, transactional decryption.

use proptest::prelude::*;

use super::*;

fn pair() -> (GroupSession, InboundGroupSession) {
    let outbound = GroupSession::new(SessionConfig::version_1());
    let inbound = InboundGroupSession::new(&outbound.session_key(), SessionConfig::version_1());
    (outbound, inbound)
}

/// Everything observable about an inbound session, including the cached ratchet.
fn snapshot(session: &InboundGroupSession) -> (serde_json::Value, Vec<u8>, u32) {
    (
        serde_json::to_value(session.pickle()).unwrap(),
        session.latest_ratchet().as_bytes().to_vec(),
        session.latest_ratchet().index(),
    )
}

#[test]
fn in_order_reversed_and_shuffled() {
    let (mut outbound, mut inbound) = pair();
    let messages: Vec<_> = (0..30).map(|i| outbound.encrypt(format!("m{i}"))).collect();
    for (i, message) in messages.iter().enumerate() {
        let decrypted = inbound.decrypt(message).unwrap();
        assert_eq!(decrypted.message_index, i as u32);
        assert_eq!(decrypted.plaintext, format!("m{i}").as_bytes());
    }
    // Megolm allows decrypting again, in any order.
    for (i, message) in messages.iter().enumerate().rev() {
        assert_eq!(inbound.decrypt(message).unwrap().message_index, i as u32);
    }
    let order = [17, 3, 29, 0, 8, 8, 21, 1];
    for i in order {
        assert_eq!(inbound.decrypt(&messages[i]).unwrap().message_index, i as u32);
    }
}

#[test]
fn session_key_shared_later_cannot_read_earlier_messages() {
    let mut outbound = GroupSession::new(SessionConfig::version_1());
    let early: Vec<_> = (0..5).map(|i| outbound.encrypt(format!("early {i}"))).collect();
    let mut inbound = InboundGroupSession::new(&outbound.session_key(), SessionConfig::version_1());
    assert_eq!(inbound.first_known_index(), 5);
    let late = outbound.encrypt("late");
    assert_eq!(inbound.decrypt(&late).unwrap().message_index, 5);
    for message in &early {
        let before = snapshot(&inbound);
        assert!(matches!(
            inbound.decrypt(message),
            Err(DecryptionError::UnknownMessageIndex(5, i)) if i == message.message_index()
        ));
        assert_eq!(snapshot(&inbound), before);
    }
}

#[test]
fn export_and_import() {
    let (mut outbound, mut inbound) = pair();
    let messages: Vec<_> = (0..10).map(|i| outbound.encrypt(format!("{i}"))).collect();
    let exported = inbound.export_at(4).unwrap();
    let mut imported = InboundGroupSession::import(&exported, SessionConfig::version_1());
    assert!(!imported.is_verified());
    assert_eq!(imported.first_known_index(), 4);
    assert!(imported.decrypt(&messages[3]).is_err());
    assert!(!imported.is_verified(), "a failed decryption does not verify the key");

    // The unverified flag survives pickling.
    let key = [3u8; 32];
    let mut imported = InboundGroupSession::from_pickle(
        InboundGroupSessionPickle::from_encrypted(&imported.pickle().encrypt(&key), &key).unwrap(),
    );
    assert!(!imported.is_verified());
    assert_eq!(imported.decrypt(&messages[9]).unwrap().plaintext, b"9");
    assert!(imported.is_verified());
    assert_eq!(imported.export_at_first_known_index().to_bytes(), exported.to_bytes());
}

#[test]
fn export_before_first_known_index_fails() {
    let mut outbound = GroupSession::new(SessionConfig::version_1());
    outbound.encrypt("x");
    let mut inbound = InboundGroupSession::new(&outbound.session_key(), SessionConfig::version_1());
    assert!(inbound.export_at(0).is_none());
    assert!(inbound.export_at(1).is_some());
}

#[test]
fn big_jumps() {
    let (mut outbound, mut inbound) = pair();
    let first = outbound.encrypt("first");
    let mut far = GroupSession::from_parts(
        {
            let mut ratchet = outbound.ratchet().clone();
            ratchet.advance_to(1 << 20);
            ratchet
        },
        outbound.signing_key().clone(),
        outbound.session_config(),
    );
    let message = far.encrypt("far away");
    assert_eq!(inbound.decrypt(&message).unwrap().message_index, 1 << 20);
    assert_eq!(inbound.decrypt(&first).unwrap().plaintext, b"first");
}

#[test]
fn indices_wrap_around_at_2_pow_32_as_in_libolm() {
    let outbound = GroupSession::new(SessionConfig::version_1());
    let mut ratchet = outbound.ratchet().clone();
    ratchet.advance_to(u32::MAX - 2);
    let mut outbound = GroupSession::from_parts(
        ratchet,
        outbound.signing_key().clone(),
        outbound.session_config(),
    );
    let mut inbound = InboundGroupSession::new(&outbound.session_key(), SessionConfig::version_1());
    let messages: Vec<_> = (0..6).map(|i| outbound.encrypt(format!("{i}"))).collect();
    assert_eq!(messages[3].message_index(), 0);
    for (i, message) in messages.iter().enumerate().rev() {
        assert_eq!(inbound.decrypt(message).unwrap().plaintext, format!("{i}").as_bytes());
    }
}

#[test]
fn compare_merge_connected() {
    let (mut outbound, mut inbound) = pair();
    outbound.encrypt("a");
    let mut later = InboundGroupSession::new(&outbound.session_key(), SessionConfig::version_1());
    assert_eq!(inbound.compare(&mut later), SessionOrdering::Better);
    assert_eq!(later.compare(&mut inbound), SessionOrdering::Worse);
    let mut copy = InboundGroupSession::import(
        &inbound.export_at_first_known_index(),
        SessionConfig::version_1(),
    );
    assert_eq!(inbound.compare(&mut copy), SessionOrdering::Equal);
    assert!(inbound.connected(&mut later));

    let mut merged = later.merge(&mut copy).unwrap();
    assert_eq!(merged.first_known_index(), 0);
    assert!(merged.is_verified(), "verified if either side was");
    let mut merged_unverified = copy
        .merge(&mut InboundGroupSession::import(
            &later.export_at_first_known_index(),
            SessionConfig::version_1(),
        ))
        .unwrap();
    assert!(!merged_unverified.is_verified());
    assert_eq!(merged.compare(&mut merged_unverified), SessionOrdering::Equal);

    let (_, mut other) = pair();
    assert_eq!(inbound.compare(&mut other), SessionOrdering::Unconnected);
    assert!(inbound.merge(&mut other).is_none());

    // Same key and index, different ratchet: a forged session is not connected.
    let exported = inbound.export_at_first_known_index();
    let mut forged_bytes = exported.to_bytes();
    forged_bytes[10] ^= 1;
    let mut forged = InboundGroupSession::import(
        &ExportedSessionKey::from_bytes(&forged_bytes).unwrap(),
        SessionConfig::version_1(),
    );
    assert_eq!(inbound.compare(&mut forged), SessionOrdering::Unconnected);
}

#[test]
fn advance_to_forgets_history() {
    let (mut outbound, mut inbound) = pair();
    let messages: Vec<_> = (0..5).map(|i| outbound.encrypt(format!("{i}"))).collect();
    assert!(!inbound.advance_to(0));
    assert!(inbound.advance_to(3));
    assert_eq!(inbound.first_known_index(), 3);
    assert!(matches!(
        inbound.decrypt(&messages[2]),
        Err(DecryptionError::UnknownMessageIndex(3, 2))
    ));
    assert!(inbound.export_at(2).is_none());
    assert_eq!(inbound.decrypt(&messages[4]).unwrap().plaintext, b"4");
    let pickle = serde_json::to_value(inbound.pickle()).unwrap();
    assert_eq!(pickle["initial_ratchet"]["counter"], 3);
}

#[test]
fn forged_and_altered_messages_change_nothing() {
    let (mut outbound, mut inbound) = pair();
    let genuine = outbound.encrypt("genuine");
    let (mut other_outbound, _) = pair();
    let forged = other_outbound.encrypt("forged");
    let before = snapshot(&inbound);
    assert!(matches!(inbound.decrypt(&forged), Err(DecryptionError::Signature(_))));
    assert_eq!(snapshot(&inbound), before);
    assert_eq!(inbound.decrypt(&genuine).unwrap().plaintext, b"genuine");
}

#[cfg(feature = "experimental-session-config")]
#[test]
fn versions_are_pinned() {
    let mut v2 = GroupSession::new(SessionConfig::version_2());
    let mut inbound_v1 = InboundGroupSession::new(&v2.session_key(), SessionConfig::version_1());
    let mut inbound_v2 = InboundGroupSession::new(&v2.session_key(), SessionConfig::version_2());
    let message = v2.encrypt("v2");
    assert_eq!(message.mac().len(), 32);
    assert!(matches!(inbound_v1.decrypt(&message), Err(DecryptionError::InvalidMACLength(8, 32))));
    assert_eq!(inbound_v2.decrypt(&message).unwrap().plaintext, b"v2");
}

#[test]
fn pickles_round_trip() {
    let (mut outbound, inbound) = pair();
    let first = outbound.encrypt("1");
    let key = [5u8; 32];
    let mut outbound = GroupSession::from(
        GroupSessionPickle::from_encrypted(&outbound.pickle().encrypt(&key), &key).unwrap(),
    );
    let second = outbound.encrypt("2");
    assert_eq!(second.message_index(), 1);
    let mut inbound = InboundGroupSession::from(
        InboundGroupSessionPickle::from_encrypted(&inbound.pickle().encrypt(&key), &key).unwrap(),
    );
    assert_eq!(inbound.decrypt(&second).unwrap().plaintext, b"2");
    assert_eq!(inbound.decrypt(&first).unwrap().plaintext, b"1");
    let json = serde_json::to_value(outbound.pickle()).unwrap();
    assert_eq!(json["ratchet"]["counter"], 2);
    assert_eq!(json["ratchet"]["inner"].as_array().unwrap().len(), 128);
    assert!(json["signing_key"]["Normal"].is_array());
    assert_eq!(json["config"]["version"], "V1");
}

#[test]
fn debug_prints_no_secrets() {
    let (outbound, inbound) = pair();
    let printed = format!("{outbound:?} {inbound:?}");
    assert!(printed.contains(&outbound.session_id()));
    let ratchet_start = format!("{:?}", &outbound.ratchet().as_bytes()[..4]);
    assert!(!printed.contains(&ratchet_start[1..ratchet_start.len() - 1]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any change to a valid message is rejected without changing the inbound session.
    #[test]
    fn corrupted_messages_never_change_state(position in 0usize..200, value in 1u8..=255, truncate in any::<bool>()) {
        let (mut outbound, mut inbound) = pair();
        let genuine = outbound.encrypt("genuine plaintext");
        let mut bytes = genuine.to_bytes();
        let position = position % bytes.len();
        if truncate {
            bytes.truncate(position);
        } else {
            bytes[position] ^= value;
        }
        let before = snapshot(&inbound);
        if let Ok(message) = MegolmMessage::from_bytes(&bytes) {
            prop_assert!(inbound.decrypt(&message).is_err());
        }
        prop_assert_eq!(snapshot(&inbound), before);
        prop_assert_eq!(inbound.decrypt(&genuine).unwrap().plaintext, b"genuine plaintext".to_vec());
    }
}
