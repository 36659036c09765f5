use super::*;
use crate::sas::tests::{FixedRng, ALICE_PRIVATE, BOB_PUBLIC};

/// libolm tests/test_pk.cpp (V8): a message to RFC 7748 Alice's key.
const V8_CIPHERTEXT: &str = "ntk49j/KozVFtSqJXhCejg";
const V8_MAC: &str = "zpzU6BkZcNI";
const V8_EPHEMERAL: &str = BOB_PUBLIC;
const V8_PLAINTEXT: &[u8] = b"This is a test";
const V8_PICKLE: &str = "qx37WTQrjZLz5tId/uBX9B3/okqAbV1ofl9UnHKno1eipByCpXleAAlAZoJgYnCDOQZDQWzo3luTSfkF9pU1mOILCbbouubs6TVeDyPfgGD9i86J8irHjA";

fn alice() -> PkDecryption {
    PkDecryption::from_key(Curve25519SecretKey::from_slice(&ALICE_PRIVATE))
}

fn v8_message() -> Message {
    Message::from_base64(V8_CIPHERTEXT, V8_MAC, V8_EPHEMERAL).unwrap()
}

#[test]
fn libolm_test_pk_vector() {
    let alice = alice();
    assert_eq!(alice.public_key().to_base64(), "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo");
    assert_eq!(alice.decrypt(&v8_message()).unwrap(), V8_PLAINTEXT);
    assert_eq!(alice.to_libolm_pickle(b"secret_key").unwrap(), V8_PICKLE);
    let restored = PkDecryption::from_libolm_pickle(V8_PICKLE, b"secret_key").unwrap();
    assert_eq!(restored.secret_key().to_bytes().as_slice(), ALICE_PRIVATE);
}

/// The V8 message again, encrypted here: RFC 7748 Bob's private key as the ephemeral key
/// gives libolm's exact message (the ephemeral public key is Bob's).
#[test]
fn encrypt_reproduces_libolm_vector() {
    let bob_private: [u8; 32] = [
        0x5d, 0xab, 0x08, 0x7e, 0x62, 0x4a, 0x8a, 0x4b, 0x79, 0xe1, 0x7f, 0x8b, 0x83, 0x80, 0x0e,
        0xe6, 0x6f, 0x3b, 0xb1, 0x29, 0x26, 0x18, 0xb6, 0xfd, 0x1c, 0x2f, 0x8b, 0x27, 0xff, 0x88,
        0xe0, 0xeb,
    ];
    let encryption = PkEncryption::from(&alice());
    let message =
        encryption.encrypt_with_rng(V8_PLAINTEXT, &mut FixedRng(bob_private.to_vec())).unwrap();
    assert_eq!(message.ephemeral_key.to_base64(), V8_EPHEMERAL);
    assert_eq!(crate::base64_encode(&message.ciphertext), V8_CIPHERTEXT);
    assert_eq!(crate::base64_encode(&message.mac), V8_MAC);
}

#[test]
fn round_trip_and_lengths() {
    let decryption = PkDecryption::default();
    let encryption = PkEncryption::from(decryption.public_key());
    for length in [0, 1, 15, 16, 17, 1000] {
        let plaintext = vec![0x5A; length];
        let message = encryption.encrypt(&plaintext).unwrap();
        assert_eq!(message.ciphertext.len(), (length / 16 + 1) * 16);
        assert_eq!(message.mac.len(), 8);
        assert_eq!(decryption.decrypt(&message).unwrap(), plaintext);
    }
    // Fresh ephemeral keys: the same plaintext encrypts differently.
    let a = encryption.encrypt(b"x").unwrap();
    let b = encryption.encrypt(b"x").unwrap();
    assert_ne!(a.ephemeral_key, b.ephemeral_key);
}

/// The MAC covers the empty string: it depends on the key and the ephemeral key only. This
/// pins libolm's bug (and the specification's): a changed ciphertext is *not* detected by the
/// MAC, only (sometimes) by the padding.
#[test]
fn mac_does_not_cover_the_ciphertext() {
    let alice = alice();
    let mut message = v8_message();
    message.ciphertext[0] ^= 0x01; // one block: the change garbles the block, padding breaks
    assert!(matches!(alice.decrypt(&message), Err(Error::InvalidPadding(_))));

    // Two blocks: flipping a bit of the first block flips the same bit of the second
    // plaintext block, and the MAC still verifies.
    let encryption = PkEncryption::from(&alice);
    let plaintext = b"0123456789abcdef0123456789";
    let mut message = encryption.encrypt(plaintext).unwrap();
    message.ciphertext[0] ^= 0x01;
    let decrypted = alice.decrypt(&message).unwrap();
    assert_eq!(decrypted.len(), plaintext.len());
    assert_eq!(decrypted[16], plaintext[16] ^ 0x01);

    // Nor does anything authenticate the sender: anyone who knows only the public key makes a
    // message that decrypts, MAC and all.
    let forged = PkEncryption::from_key(alice.public_key()).encrypt(b"forged").unwrap();
    assert_eq!(alice.decrypt(&forged).unwrap(), b"forged");
}

#[test]
fn tampered_mac_and_ephemeral_key_are_refused() {
    let alice = alice();
    for i in 0..8 {
        let mut message = v8_message();
        message.mac[i] ^= 0x80;
        assert!(matches!(alice.decrypt(&message), Err(Error::Mac(_))), "byte {i}");
    }
    let mut message = v8_message();
    let mut key = message.ephemeral_key.to_bytes();
    key[5] ^= 0x01;
    message.ephemeral_key = Curve25519PublicKey::from_bytes(key);
    assert!(matches!(alice.decrypt(&message), Err(Error::Mac(_))));
}

#[test]
fn mac_length_must_be_8_or_32() {
    let alice = alice();
    for length in [0, 1, 4, 7, 9, 16, 31, 33] {
        let mut message = v8_message();
        message.mac.resize(length, 0);
        let v8 = v8_message();
        message.mac.iter_mut().zip(v8.mac.iter()).for_each(|(a, b)| *a = *b);
        assert!(matches!(alice.decrypt(&message), Err(Error::Mac(_))), "length {length}");
    }
}

#[test]
fn small_order_keys_are_refused() {
    let zero = Curve25519PublicKey::from_bytes([0; 32]);
    let mut message = v8_message();
    message.ephemeral_key = zero;
    assert!(matches!(alice().decrypt(&message), Err(Error::NonContributoryKey)));
    assert!(matches!(PkEncryption::from_key(zero).encrypt(b"x"), Err(Error::NonContributoryKey)));
}

#[test]
fn decoding_errors_are_typed() {
    // CVE-2021-34813 inputs: base64 of length 1 (mod 4), and a short ephemeral key.
    assert!(matches!(
        Message::from_base64("ntk49j/KozVFtSqJXhCejgAAA", V8_MAC, V8_EPHEMERAL),
        Err(MessageDecodeError::Base64(_))
    ));
    assert!(matches!(
        Message::from_base64(V8_CIPHERTEXT, "zpzU6BkZcNIAA", V8_EPHEMERAL),
        Err(MessageDecodeError::Base64(_))
    ));
    assert!(matches!(
        Message::from_base64(V8_CIPHERTEXT, V8_MAC, "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+I"),
        Err(MessageDecodeError::Key(KeyError::InvalidKeyLength { length: 30, .. }))
    ));
    assert!(matches!(
        Message::from_base64(V8_CIPHERTEXT, V8_MAC, "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK"),
        Err(MessageDecodeError::Key(KeyError::Base64Error(_)))
    ));
    assert!(matches!(
        Message::from_base64(V8_CIPHERTEXT, V8_MAC, &crate::base64_encode([1u8; 33])),
        Err(MessageDecodeError::Key(KeyError::InvalidKeyLength { .. }))
    ));
    // Padded base64 is accepted.
    assert!(Message::from_base64("ntk49j/KozVFtSqJXhCejg==", "zpzU6BkZcNI=", V8_EPHEMERAL).is_ok());
    // A ciphertext that is not a multiple of the block size.
    let mut message = v8_message();
    message.ciphertext.pop();
    assert!(matches!(alice().decrypt(&message), Err(Error::InvalidPadding(_))));
}

#[test]
fn debug_shows_no_secret() {
    let alice = alice();
    let printed = format!("{alice:?}");
    assert!(printed.contains("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo"));
    assert!(!printed.contains(&crate::base64_encode(ALICE_PRIVATE)));
}
