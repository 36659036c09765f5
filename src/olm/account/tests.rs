//! Account behaviour: key stores, limits, inbound session creation.

use super::*;
use crate::olm::{OlmMessage, SessionCreationError};

fn pre_key_to(bob: &mut Account, alice: &Account, use_fallback: bool) -> PreKeyMessage {
    let key = if use_fallback {
        bob.generate_fallback_key();
        *bob.fallback_key().values().next().unwrap()
    } else {
        bob.generate_one_time_keys(1);
        *bob.one_time_keys().values().next().unwrap()
    };
    bob.mark_keys_as_published();
    let mut session = alice
        .create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), key)
        .unwrap();
    let OlmMessage::PreKey(message) = session.encrypt("hello").unwrap() else { panic!() };
    message
}

#[test]
fn fifty_keys_to_publish() {
    // vodozemac's and libolm's advice to the caller: half of libolm's 100.
    assert_eq!(Account::new().max_number_of_one_time_keys(), 50);
}

#[test]
fn one_time_key_is_removed_only_after_a_successful_decryption() {
    let alice = Account::new();
    let mut bob = Account::new();
    let message = pre_key_to(&mut bob, &alice, false);
    assert_eq!(bob.stored_one_time_key_count(), 1);

    // The same keys with a tampered inner message: decryption fails, the key stays.
    let mut bytes = message.to_bytes();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    let tampered = PreKeyMessage::from_bytes(&bytes).unwrap();
    let err =
        bob.create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &tampered);
    assert!(matches!(err, Err(SessionCreationError::Decryption(DecryptionError::InvalidMAC(_)))));
    assert_eq!(bob.stored_one_time_key_count(), 1);

    let result = bob
        .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &message)
        .unwrap();
    assert_eq!(result.plaintext, b"hello");
    assert_eq!(bob.stored_one_time_key_count(), 0);
    // The key is gone: the same message cannot create a second session.
    let again =
        bob.create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &message);
    assert!(
        matches!(again, Err(SessionCreationError::MissingOneTimeKey(k)) if k == message.one_time_key())
    );
}

#[test]
fn fallback_keys_are_kept_after_use() {
    let alice = Account::new();
    let mut bob = Account::new();
    let first = pre_key_to(&mut bob, &alice, true);
    bob.create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &first).unwrap();
    let mut second_session = alice
        .create_outbound_session(
            SessionConfig::version_1(),
            bob.curve25519_key(),
            first.one_time_key(),
        )
        .unwrap();
    let OlmMessage::PreKey(second) = second_session.encrypt("again").unwrap() else { panic!() };
    let result = bob
        .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &second)
        .unwrap();
    assert_eq!(result.plaintext, b"again");

    // After rotation the previous key still works, until it is forgotten.
    assert!(bob.generate_fallback_key().is_none());
    let mut third_session = alice
        .create_outbound_session(
            SessionConfig::version_1(),
            bob.curve25519_key(),
            first.one_time_key(),
        )
        .unwrap();
    let OlmMessage::PreKey(third) = third_session.encrypt("previous").unwrap() else { panic!() };
    bob.create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &third).unwrap();
    assert!(bob.forget_fallback_key());
    assert!(!bob.forget_fallback_key());
    let err =
        bob.create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &third);
    assert!(matches!(err, Err(SessionCreationError::MissingOneTimeKey(_))));
}

#[test]
fn fallback_rotation_returns_the_dropped_key() {
    let mut account = Account::new();
    assert!(account.generate_fallback_key().is_none());
    let first = *account.fallback_key().values().next().unwrap();
    assert!(account.generate_fallback_key().is_none());
    assert_eq!(account.generate_fallback_key(), Some(first));
    assert_eq!(account.fallback_key().len(), 1);
    account.mark_keys_as_published();
    assert!(account.fallback_key().is_empty());
}

#[test]
fn mismatched_identity_key_and_config() {
    let alice = Account::new();
    let eve = Account::new();
    let mut bob = Account::new();
    let message = pre_key_to(&mut bob, &alice, false);
    let err =
        bob.create_inbound_session(SessionConfig::version_1(), eve.curve25519_key(), &message);
    assert!(matches!(
        err,
        Err(SessionCreationError::MismatchedIdentityKey(expected, got))
            if expected == eve.curve25519_key() && got == alice.curve25519_key()
    ));
    assert_eq!(bob.stored_one_time_key_count(), 1);
}

#[test]
fn small_order_keys_are_refused_and_the_one_time_key_kept() {
    let alice = Account::new();
    let mut bob = Account::new();
    bob.generate_one_time_keys(1);
    let otk = *bob.one_time_keys().values().next().unwrap();
    let zero = Curve25519PublicKey::from_bytes([0; 32]);
    for (identity, one_time) in [(zero, otk), (bob.curve25519_key(), zero)] {
        let err = alice.create_outbound_session(SessionConfig::version_1(), identity, one_time);
        assert!(matches!(err, Err(SessionCreationError::NonContributoryKey)));
    }

    // A pre-key message whose base key is of small order.
    let message = pre_key_to(&mut bob, &alice, false);
    let keys = SessionKeys {
        identity_key: message.identity_key(),
        base_key: zero,
        one_time_key: message.one_time_key(),
    };
    let forged = PreKeyMessage::wrap(keys, message.message().clone());
    let before = bob.stored_one_time_key_count();
    let err =
        bob.create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &forged);
    assert!(matches!(err, Err(SessionCreationError::NonContributoryKey)));
    assert_eq!(bob.stored_one_time_key_count(), before);
}

#[test]
fn one_time_key_store_limit_at_and_past_the_limit() {
    // vodozemac keeps 100 × 50 one-time keys; a different cap changes which keys survive.
    assert_eq!(MAX_ONE_TIME_KEYS, 5000);
    let mut account = Account::new();
    let first = account.generate_one_time_keys(MAX_ONE_TIME_KEYS);
    assert!(first.removed.is_empty());
    assert_eq!(account.stored_one_time_key_count(), MAX_ONE_TIME_KEYS);
    account.mark_keys_as_published();

    let more = account.generate_one_time_keys(2);
    assert_eq!(more.removed, first.created[..2]);
    assert_eq!(account.stored_one_time_key_count(), MAX_ONE_TIME_KEYS);
    let ids: Vec<u64> = account.one_time_keys().keys().map(|id| id.0).collect();
    assert!(
        ids.contains(&(MAX_ONE_TIME_KEYS as u64)) && ids.contains(&(MAX_ONE_TIME_KEYS as u64 + 1))
    );
}

#[test]
fn key_ids_count_up_in_vodozemac_encoding() {
    let mut account = Account::new();
    account.generate_one_time_keys(3);
    let mut ids: Vec<String> = account.one_time_keys().keys().map(|id| id.to_base64()).collect();
    ids.sort();
    assert_eq!(ids, ["AAAAAAAAAAA", "AAAAAAAAAAE", "AAAAAAAAAAI"]);
}

#[test]
fn pickle_round_trip_keeps_every_key_usable() {
    let alice = Account::new();
    let mut bob = Account::new();
    bob.generate_fallback_key();
    let unpublished_fallback = bob.fallback_key();
    let message = pre_key_to(&mut bob, &alice, false);
    bob.generate_one_time_keys(3);
    let unpublished = bob.one_time_keys();

    let key = [1u8; 32];
    let mut restored =
        Account::from(AccountPickle::from_encrypted(&bob.pickle().encrypt(&key), &key).unwrap());
    assert_eq!(restored.identity_keys(), bob.identity_keys());
    assert_eq!(restored.one_time_keys(), unpublished);
    assert_eq!(restored.stored_one_time_key_count(), 4);
    assert!(restored.fallback_key().is_empty() && !unpublished_fallback.is_empty());
    // The published key, whose public half is not in the pickle, is still found.
    restored
        .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &message)
        .unwrap();
    assert_eq!(restored.sign("x"), bob.sign("x"));
}

#[test]
fn pickle_layout_is_vodozemacs() {
    let mut account = Account::new();
    account.generate_one_time_keys(1);
    account.generate_fallback_key();
    let json = serde_json::to_value(account.pickle()).unwrap();
    assert!(json["signing_key"]["Normal"].is_array());
    assert_eq!(json["diffie_hellman_key"].as_array().unwrap().len(), 32);
    assert_eq!(json["one_time_keys"]["next_key_id"], 1);
    assert!(json["one_time_keys"]["public_keys"]["0"].is_array());
    assert!(json["one_time_keys"]["private_keys"]["0"].is_array());
    assert_eq!(json["fallback_keys"]["key_id"], 1);
    assert_eq!(json["fallback_keys"]["fallback_key"]["key_id"], 0);
    assert_eq!(json["fallback_keys"]["fallback_key"]["published"], false);
    assert!(json["fallback_keys"]["previous_fallback_key"].is_null());
}

#[test]
fn deterministic_with_an_injected_rng() {
    struct Counter(u8);
    impl rand_core::TryRng for Counter {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            Ok(0)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            Ok(0)
        }
        fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
            for byte in dst {
                self.0 = self.0.wrapping_add(1);
                *byte = self.0;
            }
            Ok(())
        }
    }
    impl rand_core::TryCryptoRng for Counter {}
    let a = Account::new_with_rng(&mut Counter(0));
    let b = Account::new_with_rng(&mut Counter(0));
    assert_eq!(a.identity_keys(), b.identity_keys());
    // The Ed25519 seed comes first: bytes 1..=32.
    let seed: [u8; 32] = core::array::from_fn(|i| i as u8 + 1);
    assert_eq!(a.ed25519_key(), crate::Ed25519SecretKey::from_slice(&seed).public_key());
}

/// Public keys are derived in batches (generation, the lookup of keys restored without their
/// public half, the libolm export): every batch boundary must give the right key under the right
/// id.
#[test]
fn batched_key_derivation_keeps_ids_and_keys_together() {
    let alice = Account::new();
    let mut bob = Account::new();
    // 150 keys: ten derivation batches.
    let created = bob.generate_one_time_keys(150).created;
    let published = bob.one_time_keys();
    assert_eq!(published.len(), 150);
    for (id, secret, _) in bob.one_time_keys.secret_keys() {
        assert_eq!(published[&id], Curve25519PublicKey::from(secret), "key {}", id.0);
    }
    assert_eq!(created.len(), 150);
    bob.mark_keys_as_published();

    // Restored from a native pickle, the published keys have no public half: a pre-key message
    // to the last key (last batch), the first one and one in between must each find their key.
    let key = [3u8; 32];
    let mut restored =
        Account::from(AccountPickle::from_encrypted(&bob.pickle().encrypt(&key), &key).unwrap());
    for id in [149u64, 0, 64] {
        let their_key = published[&KeyId(id)];
        let mut session = alice
            .create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), their_key)
            .unwrap();
        let OlmMessage::PreKey(message) = session.encrypt("hi").unwrap() else { panic!() };
        let inbound = restored
            .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &message)
            .unwrap();
        assert_eq!(inbound.plaintext, b"hi");
    }
    assert_eq!(restored.stored_one_time_key_count(), 147);
}

/// The libolm export writes each key's true public key, whether it was indexed (generated here)
/// or not (restored without it), and keeps libolm's newest 100.
#[cfg(feature = "libolm-compat")]
#[test]
fn libolm_export_writes_the_right_public_keys() {
    let mut bob = Account::new();
    bob.generate_one_time_keys(130);
    let all = bob.one_time_keys();
    bob.mark_keys_as_published();
    let key = [5u8; 32];
    let restored =
        Account::from(AccountPickle::from_encrypted(&bob.pickle().encrypt(&key), &key).unwrap());
    for account in [&bob, &restored] {
        let pickle = account.to_libolm_pickle(&key).unwrap();
        let back = Account::from_libolm_pickle(&pickle, &key).unwrap();
        let mut ids: Vec<u64> = Vec::new();
        for (id, secret, _) in back.one_time_keys.secret_keys() {
            assert_eq!(Curve25519PublicKey::from(secret), all[&id], "key {}", id.0);
            ids.push(id.0);
        }
        assert_eq!(ids, (30..130).collect::<Vec<u64>>());
        // ... and the public keys the pickle carries are those.
        let entries = back.one_time_keys.newest_entries(usize::MAX, |_| true);
        assert!(entries.iter().all(|(id, public, _, published)| all[id] == *public && *published));
    }
}
