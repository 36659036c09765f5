use crate::*;

/// The string value of `"name":"…"` in libolm's flat JSON output.
fn json_field(json: &str, name: &str) -> String {
    let pattern = format!("\"{name}\":\"");
    let start = json.find(&pattern).expect("field present") + pattern.len();
    let len = json[start..].find('"').expect("closing quote");
    json[start..start + len].to_owned()
}

/// The last string value in a one-time/fallback key JSON object.
fn last_key(json: &str) -> String {
    let parts: Vec<&str> = json.split('"').collect();
    parts[parts.len() - 2].to_owned()
}

fn counting_bytes(len: usize, start: u8) -> Vec<u8> {
    (0..len).map(|i| start.wrapping_add(i as u8)).collect()
}

fn assert_send<T: Send>() {}

#[test]
fn types_are_send() {
    assert_send::<Account>();
    assert_send::<Session>();
    assert_send::<Utility>();
    assert_send::<OutboundGroupSession>();
    assert_send::<InboundGroupSession>();
    assert_send::<Sas>();
    assert_send::<PkEncryption>();
    assert_send::<PkDecryption>();
    assert_send::<PkSigning>();
}

#[test]
fn links_libolm_3_2_13() {
    assert_eq!(library_version(), (3, 2, 13));
}

#[test]
fn random_lengths() {
    assert_eq!(Account::new_random_length(), 64);
    assert_eq!(Session::create_outbound_random_length(), 64);
    assert_eq!(OutboundGroupSession::new_random_length(), 160);
    assert_eq!(Sas::new_random_length(), 32);
    let account = Account::new();
    assert_eq!(account.generate_one_time_keys_random_length(3), 96);
    assert_eq!(account.generate_fallback_key_random_length(), 32);
    let err = Account::new_with_random(&[0u8; 63]).unwrap_err();
    assert!(err.0.starts_with("WRONG_RANDOM_LENGTH"), "{err}");
}

#[test]
fn olm_conversation_both_ways() {
    let alice = Account::new();
    let mut bob = Account::new();
    bob.generate_one_time_keys(1);
    let bob_identity = json_field(&bob.identity_keys(), "curve25519");
    let bob_otk = last_key(&bob.one_time_keys());
    bob.mark_keys_as_published();
    assert_eq!(bob.one_time_keys(), r#"{"curve25519":{}}"#);
    let alice_identity = json_field(&alice.identity_keys(), "curve25519");

    let mut alice_session = Session::create_outbound(&alice, &bob_identity, &bob_otk).unwrap();
    assert!(!alice_session.has_received_message());
    let (t, first) = alice_session.encrypt(b"Hello, Bob").unwrap();
    assert_eq!(t, 0);
    let (t2, second) = alice_session.encrypt(b"still pre-key").unwrap();
    assert_eq!(t2, 0);

    let mut bob_session = Session::create_inbound_from(&mut bob, &alice_identity, &first).unwrap();
    assert!(bob_session.matches_inbound(&first).unwrap());
    assert!(bob_session.matches_inbound_from(&alice_identity, &second).unwrap());
    assert!(!bob_session.matches_inbound_from(&bob_identity, &first).unwrap());
    bob.remove_one_time_keys(&bob_session).unwrap();
    assert_eq!(bob.remove_one_time_keys(&bob_session).unwrap_err().0, "BAD_MESSAGE_KEY_ID");
    assert_eq!(bob_session.session_id(), alice_session.session_id());

    assert_eq!(bob_session.decrypt(0, &first).unwrap(), b"Hello, Bob");
    assert_eq!(bob_session.decrypt(0, &second).unwrap(), b"still pre-key");
    assert!(bob_session.has_received_message());

    for round in 0..3 {
        let text = format!("Bob → Alice #{round}");
        let (t, body) = bob_session.encrypt(text.as_bytes()).unwrap();
        assert_eq!(t, 1);
        assert_eq!(alice_session.decrypt(t, &body).unwrap(), text.as_bytes());
        let text = format!("Alice → Bob #{round}");
        let (t, body) = alice_session.encrypt(text.as_bytes()).unwrap();
        assert_eq!(t, 1);
        assert_eq!(bob_session.decrypt(t, &body).unwrap(), text.as_bytes());
    }
    assert!(alice_session.has_received_message());
    assert!(
        alice_session.describe().starts_with("sender chain index:"),
        "{}",
        alice_session.describe()
    );

    // A tampered message fails with libolm's error string.
    let (t, body) = alice_session.encrypt(b"tamper").unwrap();
    let mut bytes = body.into_bytes();
    let last = bytes.len() - 1;
    bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
    let err = bob_session.decrypt(t, &String::from_utf8(bytes).unwrap()).unwrap_err();
    assert_eq!(err.0, "BAD_MESSAGE_MAC");
    assert_eq!(err.to_string(), "BAD_MESSAGE_MAC");

    // Creating a second inbound session from the same message no longer works.
    assert_eq!(Session::create_inbound(&mut bob, &first).unwrap_err().0, "BAD_MESSAGE_KEY_ID");
}

#[test]
fn megolm_encrypt_decrypt() {
    let mut outbound = OutboundGroupSession::new();
    assert_eq!(outbound.message_index(), 0);
    let mut inbound = InboundGroupSession::new(&outbound.session_key()).unwrap();
    assert!(inbound.is_verified());
    assert_eq!(inbound.session_id(), outbound.session_id());

    let messages: Vec<String> =
        (0..3).map(|i| outbound.encrypt(format!("message {i}").as_bytes()).unwrap()).collect();
    assert_eq!(outbound.message_index(), 3);
    for (i, message) in messages.iter().enumerate() {
        let (plaintext, index) = inbound.decrypt(message).unwrap();
        assert_eq!(plaintext, format!("message {i}").as_bytes());
        assert_eq!(index, i as u32);
    }
    // Decrypting twice is allowed by libolm.
    assert_eq!(inbound.decrypt(&messages[0]).unwrap().1, 0);

    let exported = inbound.export_at(1).unwrap();
    let mut imported = InboundGroupSession::import(&exported).unwrap();
    assert!(!imported.is_verified());
    assert_eq!(imported.first_known_index(), 1);
    assert_eq!(imported.decrypt(&messages[0]).unwrap_err().0, "UNKNOWN_MESSAGE_INDEX");
    assert_eq!(imported.decrypt(&messages[2]).unwrap(), (b"message 2".to_vec(), 2));
    assert!(imported.is_verified());

    let late = InboundGroupSession::new(&outbound.session_key()).unwrap();
    assert_eq!(late.first_known_index(), 3);
    assert_eq!(late.export_at(0).unwrap_err().0, "UNKNOWN_MESSAGE_INDEX");

    let mut corrupted = messages[1].clone().into_bytes();
    corrupted[10] = if corrupted[10] == b'A' { b'B' } else { b'A' };
    let err = inbound.decrypt(&String::from_utf8(corrupted).unwrap()).unwrap_err();
    assert!(
        ["BAD_MESSAGE_MAC", "BAD_SIGNATURE", "BAD_MESSAGE_FORMAT"].contains(&err.0.as_str()),
        "{err}"
    );
}

fn pickle_round_trips(key: &[u8]) {
    let mut alice = Account::new();
    alice.generate_one_time_keys(2);
    alice.generate_fallback_key();
    let pickle = alice.pickle(key);
    let restored = Account::unpickle(&pickle, key).unwrap();
    assert_eq!(restored.identity_keys(), alice.identity_keys());
    assert_eq!(restored.one_time_keys(), alice.one_time_keys());
    assert_eq!(restored.unpublished_fallback_key(), alice.unpublished_fallback_key());
    assert_eq!(Account::unpickle(&pickle, b"wrong key").unwrap_err().0, "BAD_ACCOUNT_KEY");
    assert_eq!(Account::unpickle("AAAAA", key).unwrap_err().0, "INVALID_BASE64");

    let mut bob = Account::new();
    bob.generate_one_time_keys(1);
    let mut outbound = Session::create_outbound(
        &alice,
        &json_field(&bob.identity_keys(), "curve25519"),
        &last_key(&bob.one_time_keys()),
    )
    .unwrap();
    let (_, first) = outbound.encrypt(b"one").unwrap();
    let mut inbound = Session::create_inbound(&mut bob, &first).unwrap();
    let mut outbound = Session::unpickle(&outbound.pickle(key), key).unwrap();
    assert_eq!(inbound.decrypt(0, &first).unwrap(), b"one");
    let mut inbound = Session::unpickle(&inbound.pickle(key), key).unwrap();
    let (t, reply) = inbound.encrypt(b"two").unwrap();
    assert_eq!(outbound.decrypt(t, &reply).unwrap(), b"two");
    assert_eq!(outbound.session_id(), inbound.session_id());
    assert_eq!(
        Session::unpickle(&inbound.pickle(key), b"wrong key").unwrap_err().0,
        "BAD_ACCOUNT_KEY"
    );

    let mut group = OutboundGroupSession::new();
    group.encrypt(b"advance").unwrap();
    let mut group = OutboundGroupSession::unpickle(&group.pickle(key), key).unwrap();
    assert_eq!(group.message_index(), 1);
    let inbound_group = InboundGroupSession::new(&group.session_key()).unwrap();
    let mut inbound_group = InboundGroupSession::unpickle(&inbound_group.pickle(key), key).unwrap();
    let message = group.encrypt(b"after pickling").unwrap();
    assert_eq!(inbound_group.decrypt(&message).unwrap(), (b"after pickling".to_vec(), 1));

    let decryption = PkDecryption::new();
    let restored = PkDecryption::unpickle(&decryption.pickle(key), key).unwrap();
    assert_eq!(restored.public_key(), decryption.public_key());
    assert_eq!(restored.private_key(), decryption.private_key());
}

#[test]
fn pickle_round_trip_empty_key() {
    pickle_round_trips(b"");
}

#[test]
fn pickle_round_trip_non_empty_key() {
    pickle_round_trips(b"It's a secret to everybody");
}

#[test]
fn deterministic_account_and_session() {
    let random = counting_bytes(64, 0);
    let a = Account::new_with_random(&random).unwrap();
    let b = Account::new_with_random(&random).unwrap();
    assert_eq!(a.identity_keys(), b.identity_keys());
    assert_ne!(
        a.identity_keys(),
        Account::new_with_random(&counting_bytes(64, 1)).unwrap().identity_keys()
    );
    // The same account pickles identically (the pickle IV is derived from the key).
    assert_eq!(a.pickle(b"k"), b.pickle(b"k"));
    assert_eq!(a.sign(b"message"), b.sign(b"message"));

    let mut a = a;
    let mut b = b;
    let otk_random = counting_bytes(64, 100);
    a.generate_one_time_keys_with_random(2, &otk_random).unwrap();
    b.generate_one_time_keys_with_random(2, &otk_random).unwrap();
    assert_eq!(a.one_time_keys(), b.one_time_keys());
    assert!(a.generate_one_time_keys_with_random(1, &otk_random).is_err());
    let fallback_random = counting_bytes(32, 200);
    a.generate_fallback_key_with_random(&fallback_random).unwrap();
    b.generate_fallback_key_with_random(&fallback_random).unwrap();
    assert_eq!(a.fallback_key(), b.fallback_key());
    assert_eq!(a.unpublished_fallback_key(), a.fallback_key());
    let identity = json_field(&a.identity_keys(), "curve25519");
    let otk = last_key(&a.one_time_keys());
    a.mark_keys_as_published();
    assert_eq!(a.unpublished_fallback_key(), r#"{"curve25519":{}}"#);
    assert_eq!(a.fallback_key(), b.fallback_key());
    a.forget_old_fallback_key();
    assert_eq!(a.max_number_of_one_time_keys(), 100);

    // Deterministic outbound sessions and messages.
    let session_random = counting_bytes(64, 7);
    let mut s1 =
        Session::create_outbound_with_random(&b, &identity, &otk, &session_random).unwrap();
    let mut s2 =
        Session::create_outbound_with_random(&b, &identity, &otk, &session_random).unwrap();
    assert_eq!(s1.session_id(), s2.session_id());
    assert_eq!(s1.encrypt_random_length(), 0);
    assert_eq!(
        s1.encrypt_with_random(b"hi", &[]).unwrap(),
        s2.encrypt_with_random(b"hi", &[]).unwrap()
    );
    assert!(s1
        .encrypt_with_random(b"hi", &[0; 32])
        .unwrap_err()
        .0
        .starts_with("WRONG_RANDOM_LENGTH"));
    // The caller's random buffer is not zeroed.
    assert_eq!(session_random, counting_bytes(64, 7));

    let group_random = counting_bytes(160, 3);
    let g1 = OutboundGroupSession::new_with_random(&group_random).unwrap();
    let g2 = OutboundGroupSession::new_with_random(&group_random).unwrap();
    assert_eq!(g1.session_key(), g2.session_key());
    assert_eq!(g1.session_id(), g2.session_id());
}

#[test]
fn sas_both_sides_agree() {
    let mut alice = Sas::new();
    let mut bob = Sas::new_with_random(&[9u8; 32]).unwrap();
    assert_eq!(bob.public_key(), Sas::new_with_random(&[9u8; 32]).unwrap().public_key());
    assert!(!alice.is_their_key_set());
    alice.set_their_key(&bob.public_key()).unwrap();
    bob.set_their_key(&alice.public_key()).unwrap();
    assert!(alice.is_their_key_set());
    assert_eq!(alice.generate_bytes("info", 6), bob.generate_bytes("info", 6));
    assert_eq!(alice.generate_bytes("info", 6).len(), 6);
    for (a, b) in [
        (alice.calculate_mac(b"input", "info"), bob.calculate_mac(b"input", "info")),
        (
            alice.calculate_mac_fixed_base64(b"input", "info"),
            bob.calculate_mac_fixed_base64(b"input", "info"),
        ),
        (
            alice.calculate_mac_long_kdf(b"input", "info"),
            bob.calculate_mac_long_kdf(b"input", "info"),
        ),
    ] {
        assert_eq!(a, b);
        assert_eq!(a.len(), 43);
    }
    assert_ne!(
        alice.calculate_mac(b"input", "info"),
        alice.calculate_mac_fixed_base64(b"input", "info")
    );
    assert!(alice.set_their_key("short").is_err());
}

#[test]
fn pk_encryption_and_signing() {
    let mut decryption = PkDecryption::from_private_key(&[42u8; 32]);
    assert_eq!(decryption.private_key(), vec![42u8; 32]);
    assert_eq!(decryption.public_key(), PkDecryption::from_private_key(&[42u8; 32]).public_key());
    let mut encryption = PkEncryption::new(&decryption.public_key()).unwrap();
    assert_eq!(encryption.encrypt_random_length(), 32);
    let (ciphertext, mac, ephemeral) = encryption.encrypt(b"backup key");
    assert_eq!(decryption.decrypt(&ephemeral, &mac, &ciphertext).unwrap(), b"backup key");
    let first = encryption.encrypt_with_random(b"same", &[1u8; 32]).unwrap();
    let second = encryption.encrypt_with_random(b"same", &[1u8; 32]).unwrap();
    assert_eq!(first, second);
    assert_eq!(decryption.decrypt(&first.2, &first.1, &first.0).unwrap(), b"same");
    assert_eq!(decryption.decrypt(&first.2, &mac, &first.0).unwrap_err().0, "BAD_MESSAGE_MAC");

    let utility = Utility::new();
    let signing = PkSigning::from_seed(&[5u8; 32]);
    assert_eq!(signing.public_key(), PkSigning::from_seed(&[5u8; 32]).public_key());
    let signature = signing.sign(b"cross-signing");
    utility.ed25519_verify(&signing.public_key(), b"cross-signing", &signature).unwrap();
    assert_eq!(
        utility.ed25519_verify(&signing.public_key(), b"something else", &signature).unwrap_err().0,
        "BAD_MESSAGE_MAC"
    );

    let account = Account::new();
    let signature = account.sign(b"device keys");
    utility
        .ed25519_verify(
            &json_field(&account.identity_keys(), "ed25519"),
            b"device keys",
            &signature,
        )
        .unwrap();

    assert_eq!(utility.sha256(b""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU");
}
