//! The bodies of salamander's fuzz targets.
//!
//! Each `fuzz_targets/<name>.rs` is three lines that call the function of the same name here, so
//! the harness logic stays in one place, compiles with the normal toolchain, and can replay a
//! corpus as an ordinary program (`src/bin/seed_corpus.rs`).
//!
//! The rule every target checks: salamander never panics on any input. Decoders that accept an
//! input must re-encode it to exactly the same bytes; a decryption that fails must leave the
//! state exactly as it was; a decryption that succeeds must be of a genuine message.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

pub mod differential;
mod dmls;
mod envelope;
mod fixtures;

use salamander::{
    megolm::{
        ExportedSessionKey, GroupSessionPickle, InboundGroupSession, InboundGroupSessionPickle,
        MegolmMessage, SessionConfig as MegolmConfig, SessionKey,
    },
    olm::{Account, AccountPickle, Message, OlmMessage, PreKeyMessage, Session, SessionPickle},
    Curve25519PublicKey, Curve25519SecretKey, Ed25519PublicKey, Ed25519SecretKey, Ed25519Signature,
};

pub use dmls::{dmls_envelope_decode, dmls_fixture, dmls_pickle_decode, dmls_process};
pub use envelope::{open_dehydrated, open_libolm, seal_dehydrated, seal_libolm, LIBOLM_PICKLE_KEY};
pub use fixtures::{megolm_fixture, olm_fixture};

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `OlmMessage::from_parts` for both types, `Message` and `PreKeyMessage` from bytes and base64.
pub fn olm_message_decode(data: &[u8]) {
    for message_type in [0, 1, 2] {
        if let Ok(message) = OlmMessage::from_parts(message_type, data) {
            let (t, bytes) = message.to_parts();
            assert_eq!((t, bytes.as_slice()), (message_type, data));
            let _ = message.message();
        }
    }
    if let Ok(message) = Message::from_bytes(data) {
        assert_eq!(message.to_bytes(), data);
        let _ =
            (message.ratchet_key(), message.chain_index(), message.ciphertext(), message.version());
        assert_eq!(Message::from_base64(&message.to_base64()).unwrap(), message);
    }
    if let Ok(message) = PreKeyMessage::from_bytes(data) {
        assert_eq!(message.to_bytes(), data);
        let _ = (message.session_id(), message.session_keys());
    }
    let _ = Message::from_base64(&text(data));
    let _ = PreKeyMessage::from_base64(&text(data));
}

/// `MegolmMessage` from bytes and base64.
pub fn megolm_message_decode(data: &[u8]) {
    if let Ok(message) = MegolmMessage::from_bytes(data) {
        assert_eq!(message.to_bytes(), data);
        let _ = (message.message_index(), message.ciphertext(), message.mac(), message.signature());
        assert_eq!(MegolmMessage::from_base64(&message.to_base64()).unwrap(), message);
    }
    let _ = MegolmMessage::from_base64(&text(data));
}

/// `SessionKey` from bytes and base64; a decoded key re-encodes identically.
pub fn session_key_decode(data: &[u8]) {
    if let Ok(key) = SessionKey::from_bytes(data) {
        assert_eq!(key.to_bytes(), data);
        let _ = InboundGroupSession::new(&key, MegolmConfig::version_1());
    }
    if let Ok(key) = SessionKey::from_base64(&text(data)) {
        assert_eq!(SessionKey::from_bytes(&key.to_bytes()).unwrap().to_bytes(), key.to_bytes());
    }
}

/// `ExportedSessionKey` from bytes and base64.
pub fn exported_session_key_decode(data: &[u8]) {
    if let Ok(key) = ExportedSessionKey::from_bytes(data) {
        assert_eq!(key.to_bytes(), data);
        let session = InboundGroupSession::import(&key, MegolmConfig::version_1());
        assert!(!session.is_verified());
    }
    let _ = ExportedSessionKey::from_base64(&text(data));
}

/// Every key type from bytes and from base64 (the vodozemac 0.11.1 panic on 31/33 bytes).
pub fn key_decode(data: &[u8]) {
    let encoded = text(data);
    if let Ok(key) = Curve25519PublicKey::from_slice(data) {
        assert_eq!(key.as_bytes(), data);
    }
    if let Ok(key) = Curve25519PublicKey::from_base64(&encoded) {
        assert_eq!(Curve25519PublicKey::from_base64(&key.to_base64()).unwrap(), key);
    }
    if let Ok(bytes) = <[u8; 32]>::try_from(data) {
        let secret = Curve25519SecretKey::from_slice(&bytes);
        let public = Curve25519PublicKey::from(&secret);
        let _ = secret.diffie_hellman(&Curve25519PublicKey::from_bytes(bytes));
        let _ = secret.diffie_hellman(&public);
        if let Ok(key) = Ed25519PublicKey::from_slice(&bytes) {
            assert_eq!(key.as_bytes(), &bytes);
        }
        let seed = Ed25519SecretKey::from_slice(&bytes);
        let _ = seed.public_key().verify(b"", &seed.sign(b""));
    }
    let _ = Ed25519PublicKey::from_base64(&encoded);
    let _ = Ed25519SecretKey::from_base64(&encoded);
    let _ = Ed25519Signature::from_slice(data);
    let _ = Ed25519Signature::from_base64(&encoded);
    let _ = salamander::base64_decode(data);
}

/// Strict Ed25519 verification of an arbitrary key, message and signature.
pub fn ed25519_verify(data: &[u8]) {
    if data.len() < 96 {
        return;
    }
    let (key, rest) = data.split_at(32);
    let (signature, message) = rest.split_at(64);
    let Ok(key) = Ed25519PublicKey::from_slice(key.try_into().unwrap()) else { return };
    let Ok(signature) = Ed25519Signature::from_slice(signature) else { return };
    let _ = key.verify(message, &signature);
}

/// Native pickles: the first byte picks the type, the rest is the decrypted JSON; also the
/// whole input as an encrypted pickle string.
pub fn native_pickle_decode(data: &[u8]) {
    let Some((&kind, json)) = data.split_first() else { return };
    match kind % 4 {
        0 => {
            if let Ok(pickle) = serde_json::from_slice::<AccountPickle>(json) {
                let account = Account::from_pickle(pickle);
                let _ = account.identity_keys();
                let _ = Account::from_pickle(account.pickle());
            }
        }
        1 => {
            if let Ok(pickle) = serde_json::from_slice::<SessionPickle>(json) {
                let session = Session::from_pickle(pickle);
                let _ = session.session_id();
                let _ = Session::from_pickle(session.pickle());
            }
        }
        2 => {
            if let Ok(pickle) = serde_json::from_slice::<GroupSessionPickle>(json) {
                let session = salamander::megolm::GroupSession::from_pickle(pickle);
                let _ = session.session_key();
            }
        }
        _ => {
            if let Ok(pickle) = serde_json::from_slice::<InboundGroupSessionPickle>(json) {
                let session = InboundGroupSession::from_pickle(pickle);
                let _ = session.export_at_first_known_index();
            }
        }
    }
    let _ = AccountPickle::from_encrypted(&text(data), &[0; 32]);
}

/// A libolm Account pickle: the input is the decrypted pickle, sealed with libolm's envelope by
/// the harness so the fuzzer reaches the parser. An account that loads re-exports and reloads.
pub fn libolm_pickle_account(data: &[u8]) {
    if let Ok(account) = Account::from_libolm_pickle(&seal_libolm(data), LIBOLM_PICKLE_KEY) {
        let again = account.to_libolm_pickle(LIBOLM_PICKLE_KEY).unwrap();
        let reimported = Account::from_libolm_pickle(&again, LIBOLM_PICKLE_KEY).unwrap();
        assert_eq!(reimported.identity_keys(), account.identity_keys());
    }
    let _ = Account::from_libolm_pickle(&text(data), b"");
}

/// A libolm Session pickle (decrypted; sealed by the harness).
pub fn libolm_pickle_session(data: &[u8]) {
    if let Ok(session) = Session::from_libolm_pickle(&seal_libolm(data), LIBOLM_PICKLE_KEY) {
        if let Ok(again) = session.to_libolm_pickle(LIBOLM_PICKLE_KEY) {
            let reimported = Session::from_libolm_pickle(&again, LIBOLM_PICKLE_KEY).unwrap();
            assert_eq!(reimported.session_id(), session.session_id());
        }
        let _ = Session::from_pickle(session.pickle());
    }
}

/// A libolm OutboundGroupSession pickle (decrypted; sealed by the harness). One that loads
/// re-exports byte for byte.
pub fn libolm_pickle_group_session(data: &[u8]) {
    let sealed = seal_libolm(data);
    if let Ok(session) =
        salamander::megolm::GroupSession::from_libolm_pickle(&sealed, LIBOLM_PICKLE_KEY)
    {
        assert_eq!(session.to_libolm_pickle(LIBOLM_PICKLE_KEY).unwrap(), sealed);
    }
}

/// A libolm InboundGroupSession pickle (decrypted; sealed by the harness).
pub fn libolm_pickle_inbound_group_session(data: &[u8]) {
    let sealed = seal_libolm(data);
    if let Ok(session) = InboundGroupSession::from_libolm_pickle(&sealed, LIBOLM_PICKLE_KEY) {
        let again = session.to_libolm_pickle(LIBOLM_PICKLE_KEY).unwrap();
        // Version 1 pickles are re-exported as version 2, and any non-zero flag byte as 1.
        if data.first_chunk::<4>() == Some(&[0, 0, 0, 2]) && matches!(data.last(), Some(0 | 1)) {
            assert_eq!(again, sealed);
        }
    }
}

/// Dehydrated devices: the input is the decrypted device, sealed by the harness.
pub fn dehydrated_device_decode(data: &[u8]) {
    let (ciphertext, nonce, key) = seal_dehydrated(data);
    if let Ok(account) = Account::from_dehydrated_device(&ciphertext, &nonce, &key) {
        let device = account.to_dehydrated_device(&key).unwrap();
        let again =
            Account::from_dehydrated_device(&device.ciphertext, &device.nonce, &key).unwrap();
        assert_eq!(again.identity_keys(), account.identity_keys());
    }
    let _ = Account::from_dehydrated_device(&text(data), &nonce, &key);
}

/// A live Olm session decrypts arbitrary bytes: a failure changes nothing; a success is only
/// possible for one of the genuine messages.
pub fn olm_decrypt(data: &[u8]) {
    fixtures::olm_decrypt(data)
}

/// A live inbound Megolm session decrypts arbitrary messages. The harness re-signs the input
/// with the session's key (and, for the second half of inputs, re-MACs it) so the fuzzer gets
/// past the signature and MAC checks to the ratchet and the padding.
pub fn megolm_decrypt(data: &[u8]) {
    fixtures::megolm_decrypt(data)
}
