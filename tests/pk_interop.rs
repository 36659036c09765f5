//! Live `PkEncryption` / `PkDecryption` / `PkSigning` interoperability: salamander against
//! libolm 3.2.13 and vodozemac 0.11.1 (feature `insecure-pk-encryption` on both sides).
//!
//! Messages cross only as the three base64 strings of a backup's `session_data`
//! (`ciphertext`, `mac`, `ephemeral`), pickles as libolm pickle strings, keys and signatures as
//! base64.

#![cfg(test)]
#![cfg(feature = "insecure-pk-encryption")]

use salamander::{
    base64_decode, base64_encode,
    pk_encryption::{Error, Message, MessageDecodeError, PkDecryption, PkEncryption, PkSigning},
    Curve25519PublicKey, Curve25519SecretKey, Ed25519Signature, KeyError, LibolmPickleError,
};
use salamander_libolm as libolm;
use vodozemac::pk_encryption as vz;

/// `(ciphertext, mac, ephemeral)`, unpadded base64.
type Wire = (String, String, String);

const PLAINTEXTS: [&[u8]; 5] = [
    b"",
    b"It's a secret to everybody",
    b"0123456789abcdef",
    b"{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"session_key\":\"AQAAAA...\"}",
    &[0xFF; 1000],
];

fn wire(message: &Message) -> Wire {
    (
        base64_encode(&message.ciphertext),
        base64_encode(&message.mac),
        message.ephemeral_key.to_base64(),
    )
}

fn vz_wire(message: &vz::Message) -> Wire {
    (
        base64_encode(&message.ciphertext),
        base64_encode(&message.mac),
        message.ephemeral_key.to_base64(),
    )
}

fn ours(w: &Wire) -> Message {
    Message::from_base64(&w.0, &w.1, &w.2).unwrap()
}

fn theirs(w: &Wire) -> vz::Message {
    vz::Message::from_base64(&w.0, &w.1, &w.2).unwrap()
}

fn seed(n: u8) -> [u8; 32] {
    std::array::from_fn(|i| (i as u8).wrapping_mul(73).wrapping_add(n))
}

/// Replays fixed bytes (the ephemeral key).
struct Fixed(Vec<u8>);

impl rand_core::TryRng for Fixed {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        panic!("PkEncryption draws bytes")
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        panic!("PkEncryption draws bytes")
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for byte in dst {
            *byte = self.0.remove(0);
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for Fixed {}

// --- encryption both ways ---------------------------------------------------------------------

#[test]
fn salamander_encrypts_libolm_decrypts() {
    let mut recipient = libolm::PkDecryption::new();
    let key = Curve25519PublicKey::from_base64(&recipient.public_key()).unwrap();
    for plaintext in PLAINTEXTS {
        let (ciphertext, mac, ephemeral) =
            wire(&PkEncryption::from_key(key).encrypt(plaintext).unwrap());
        assert_eq!(recipient.decrypt(&ephemeral, &mac, &ciphertext).unwrap(), plaintext);
    }
}

#[test]
fn libolm_encrypts_salamander_decrypts() {
    let recipient = PkDecryption::new();
    let mut sender = libolm::PkEncryption::new(&recipient.public_key().to_base64()).unwrap();
    for plaintext in PLAINTEXTS {
        let w = sender.encrypt(plaintext);
        assert_eq!(recipient.decrypt(&ours(&w)).unwrap(), plaintext);
    }
}

#[test]
fn salamander_encrypts_vodozemac_decrypts() {
    let recipient = vz::PkDecryption::new();
    let key = Curve25519PublicKey::from_bytes(recipient.public_key().to_bytes());
    for plaintext in PLAINTEXTS {
        let w = wire(&PkEncryption::from(key).encrypt(plaintext).unwrap());
        assert_eq!(recipient.decrypt(&theirs(&w)).unwrap(), plaintext);
    }
}

#[test]
fn vodozemac_encrypts_salamander_decrypts() {
    let recipient = PkDecryption::new();
    let key = vodozemac::Curve25519PublicKey::from_bytes(recipient.public_key().to_bytes());
    for plaintext in PLAINTEXTS {
        let w = vz_wire(&vz::PkEncryption::from_key(key).encrypt(plaintext).unwrap());
        assert_eq!(recipient.decrypt(&ours(&w)).unwrap(), plaintext);
    }
}

/// With the same ephemeral key, salamander writes libolm's message byte for byte.
#[test]
fn same_ephemeral_key_same_message_as_libolm() {
    let recipient = PkDecryption::from_key(Curve25519SecretKey::from_slice(&seed(1)));
    let mut sender = libolm::PkEncryption::new(&recipient.public_key().to_base64()).unwrap();
    for (n, plaintext) in PLAINTEXTS.iter().enumerate() {
        let ephemeral = seed(100 + n as u8);
        let expected = sender.encrypt_with_random(plaintext, &ephemeral).unwrap();
        let message = PkEncryption::from(&recipient)
            .encrypt_with_rng(plaintext, &mut Fixed(ephemeral.to_vec()))
            .unwrap();
        assert_eq!(wire(&message), expected);
    }
}

// --- libolm pickles -----------------------------------------------------------------------------

#[test]
fn libolm_pickles_in_and_out() {
    for (n, pickle_key) in [&b""[..], b"secret_key", &[0x42; 32], &[7; 100]].into_iter().enumerate()
    {
        // libolm → salamander
        let theirs = libolm::PkDecryption::from_private_key(&seed(n as u8));
        let pickle = theirs.pickle(pickle_key);
        let restored = PkDecryption::from_libolm_pickle(&pickle, pickle_key).unwrap();
        assert_eq!(restored.public_key().to_base64(), theirs.public_key());
        assert_eq!(restored.secret_key().to_bytes().to_vec(), theirs.private_key());
        // The export is libolm's pickle string exactly (the envelope is deterministic).
        assert_eq!(restored.to_libolm_pickle(pickle_key).unwrap(), pickle);

        // salamander → libolm
        let ours = PkDecryption::from_key(Curve25519SecretKey::from_slice(&seed(50 + n as u8)));
        let pickle = ours.to_libolm_pickle(pickle_key).unwrap();
        let mut back = libolm::PkDecryption::unpickle(&pickle, pickle_key).unwrap();
        assert_eq!(back.public_key(), ours.public_key().to_base64());
        let (c, m, e) = wire(&PkEncryption::from(&ours).encrypt(b"after the pickle").unwrap());
        assert_eq!(back.decrypt(&e, &m, &c).unwrap(), b"after the pickle");
        assert!(libolm::PkDecryption::unpickle(&pickle, b"wrong").is_err());
        assert!(matches!(
            PkDecryption::from_libolm_pickle(&pickle, b"wrong"),
            Err(LibolmPickleError::Decryption(_))
        ));

        // vodozemac's export is the same string, and each reads the other's.
        let vz_key = vodozemac::Curve25519SecretKey::from_slice(&seed(50 + n as u8));
        let vz_ours = vz::PkDecryption::from_key(vz_key);
        assert_eq!(vz_ours.to_libolm_pickle(pickle_key).unwrap(), pickle);
        assert!(vz::PkDecryption::from_libolm_pickle(&pickle, pickle_key).is_ok());
    }
}

// --- refusals -------------------------------------------------------------------------------------

/// A changed MAC or ephemeral key is refused by all three libraries. A changed ciphertext is
/// refused only when the padding breaks: the MAC covers the empty string (libolm's bug, the
/// specification's algorithm), and the three libraries agree on that too.
#[test]
fn tampering() {
    let recipient_key = seed(9);
    let ours_side = PkDecryption::from_key(Curve25519SecretKey::from_slice(&recipient_key));
    let mut libolm_side = libolm::PkDecryption::from_private_key(&recipient_key);
    let vz_side =
        vz::PkDecryption::from_key(vodozemac::Curve25519SecretKey::from_slice(&recipient_key));
    let plaintext = b"0123456789abcdef0123456789abcdef!";
    let good = wire(&PkEncryption::from(&ours_side).encrypt(plaintext).unwrap());

    let flip = |text: &str, index: usize| {
        let mut bytes = base64_decode(text).unwrap();
        bytes[index] ^= 0x04;
        base64_encode(bytes)
    };

    for index in 0..8 {
        let bad = (good.0.clone(), flip(&good.1, index), good.2.clone());
        assert!(matches!(ours_side.decrypt(&ours(&bad)), Err(Error::Mac(_))));
        assert!(libolm_side.decrypt(&bad.2, &bad.1, &bad.0).is_err());
        assert!(vz_side.decrypt(&theirs(&bad)).is_err());
    }
    for index in [0, 13, 31] {
        let bad = (good.0.clone(), good.1.clone(), flip(&good.2, index));
        let result = ours_side.decrypt(&ours(&bad));
        assert!(matches!(result, Err(Error::Mac(_)) | Err(Error::NonContributoryKey)));
        assert!(libolm_side.decrypt(&bad.2, &bad.1, &bad.0).is_err());
        assert!(vz_side.decrypt(&theirs(&bad)).is_err());
    }
    // The padding byte: flipping ciphertext byte 31 flips plaintext byte 47, the last padding
    // byte, deterministically (CBC). 0x0f ^ 0xf0 = 0xff is longer than the message: all refuse.
    let flip_with = |text: &str, index: usize, mask: u8| {
        let mut bytes = base64_decode(text).unwrap();
        bytes[index] ^= mask;
        base64_encode(bytes)
    };
    let bad = (flip_with(&good.0, 31, 0xf0), good.1.clone(), good.2.clone());
    assert!(matches!(ours_side.decrypt(&ours(&bad)), Err(Error::InvalidPadding(_))));
    assert!(libolm_side.decrypt(&bad.2, &bad.1, &bad.0).is_err());
    assert!(vz_side.decrypt(&theirs(&bad)).is_err());
    // 0x0f ^ 0x04 = 0x0b is malformed PKCS#7 (the other padding bytes are still 0x0f): salamander
    // and vodozemac refuse; libolm only checks the last byte against the length and returns a
    // shortened plaintext. A documented difference: the MAC covers nothing, so this is the
    // specification's weakness, and being strict here only refuses forgeries.
    let bad = (flip_with(&good.0, 31, 0x04), good.1.clone(), good.2.clone());
    assert!(matches!(ours_side.decrypt(&ours(&bad)), Err(Error::InvalidPadding(_))));
    assert!(vz_side.decrypt(&theirs(&bad)).is_err());
    let lax = libolm_side.decrypt(&bad.2, &bad.1, &bad.0).unwrap();
    assert_eq!(lax.len(), 48 - 0x0b);
    // The first block: the MAC does not notice; all three decrypt the same altered text.
    let bad = (flip(&good.0, 16), good.1.clone(), good.2.clone());
    let altered = ours_side.decrypt(&ours(&bad)).unwrap();
    assert_ne!(altered, plaintext);
    assert_eq!(altered[32], plaintext[32] ^ 0x04);
    assert_eq!(libolm_side.decrypt(&bad.2, &bad.1, &bad.0).unwrap(), altered);
    assert_eq!(vz_side.decrypt(&theirs(&bad)).unwrap(), altered);
}

/// CVE-2021-34813 inputs (libolm before 3.2.3 read out of bounds): base64 of a length ≡ 1
/// (mod 4) and ephemeral keys that are not 32 bytes are refused when decoding, with typed
/// errors.
#[test]
fn malformed_messages_are_typed_errors() {
    let recipient = PkDecryption::new();
    let (c, m, e) = wire(&PkEncryption::from(&recipient).encrypt(b"x").unwrap());
    assert_eq!((c.len() % 4, m.len() % 4), (2, 3));
    for bad_ciphertext in
        [format!("{c}AAA"), format!("{c}AAAAAAA"), "A".to_owned(), format!("{c}!")]
    {
        assert!(
            matches!(
                Message::from_base64(&bad_ciphertext, &m, &e),
                Err(MessageDecodeError::Base64(_))
            ),
            "{bad_ciphertext}"
        );
        assert!(vz::Message::from_base64(&bad_ciphertext, &m, &e).is_err());
    }
    assert!(matches!(
        Message::from_base64(&c, &format!("{m}AA"), &e),
        Err(MessageDecodeError::Base64(_))
    ));
    for bad_key in [base64_encode([5u8; 31]), base64_encode([5u8; 33]), String::new()] {
        assert!(matches!(
            Message::from_base64(&c, &m, &bad_key),
            Err(MessageDecodeError::Key(KeyError::InvalidKeyLength { .. }))
        ));
        assert!(vz::Message::from_base64(&c, &m, &bad_key).is_err());
        let mut libolm_side = libolm::PkDecryption::new();
        assert!(libolm_side.decrypt(&bad_key, &m, &c).is_err());
    }
    // MACs of other lengths than 8 (or 32) are refused.
    let mut message = ours(&(c, m, e));
    message.mac.truncate(4);
    assert!(matches!(recipient.decrypt(&message), Err(Error::Mac(_))));
}

/// A small-order ephemeral key makes the shared secret all zeroes, which anyone can compute:
/// such a message is forged here without any secret. libolm 3.2.13 decrypts it; salamander
/// and vodozemac refuse it.
#[test]
fn small_order_ephemeral_key_is_refused() {
    use aes::cipher::{block_padding::Pkcs7, BlockModeEncrypt, KeyIvInit};
    use hmac::{KeyInit, Mac};

    let mut okm = [0u8; 80];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&[0u8; 32]), &[0u8; 32]).expand(b"", &mut okm).unwrap();
    let ciphertext = cbc::Encryptor::<aes::Aes256>::new(
        (&okm[..32]).try_into().unwrap(),
        (&okm[64..]).try_into().unwrap(),
    )
    .encrypt_padded_vec::<Pkcs7>(b"forged");
    let mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&okm[32..64])
        .unwrap()
        .finalize()
        .into_bytes();
    let forged = (base64_encode(&ciphertext), base64_encode(&mac[..8]), base64_encode([0u8; 32]));

    let mut libolm_side = libolm::PkDecryption::new();
    assert_eq!(libolm_side.decrypt(&forged.2, &forged.1, &forged.0).unwrap(), b"forged");
    assert!(matches!(PkDecryption::new().decrypt(&ours(&forged)), Err(Error::NonContributoryKey)));
    assert!(vz::PkDecryption::new().decrypt(&theirs(&forged)).is_err());

    // Encrypting to a small-order key is refused too.
    let zero = Curve25519PublicKey::from_bytes([0; 32]);
    assert!(matches!(PkEncryption::from_key(zero).encrypt(b"x"), Err(Error::NonContributoryKey)));
}

// --- PkSigning ------------------------------------------------------------------------------------

#[test]
fn pk_signing_equals_libolm() {
    let utility = libolm::Utility::new();
    let messages: [&[u8]; 4] = [
        b"",
        b"{\"keys\":{\"ed25519:base64+master+public+key\":\"base64+master+public+key\"},\"usage\":[\"master\"],\"user_id\":\"@alice:example.com\"}",
        b"We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable Rights, that among these are Life, Liberty and the pursuit of Happiness.",
        &[0u8; 300],
    ];
    for n in 0..8u8 {
        let seed = seed(n);
        let ours_side = PkSigning::from_seed(&seed);
        let theirs_side = libolm::PkSigning::from_seed(&seed);
        assert_eq!(ours_side.public_key().to_base64(), theirs_side.public_key());
        for message in messages {
            let signature = ours_side.sign(message);
            assert_eq!(signature.to_base64(), theirs_side.sign(message));
            utility
                .ed25519_verify(&theirs_side.public_key(), message, &signature.to_base64())
                .unwrap();
            let theirs_signature =
                Ed25519Signature::from_base64(&theirs_side.sign(message)).unwrap();
            ours_side.public_key().verify(message, &theirs_signature).unwrap();
        }
    }
}

/// libolm tests/test_pk.cpp "Public Key Signing": the seed is RFC 7748 Alice's private key.
#[test]
fn pk_signing_libolm_test_seed() {
    let seed: [u8; 32] = [
        0x77, 0x07, 0x6D, 0x0A, 0x73, 0x18, 0xA5, 0x7D, 0x3C, 0x16, 0xC1, 0x72, 0x51, 0xB2, 0x66,
        0x45, 0xDF, 0x4C, 0x2F, 0x87, 0xEB, 0xC0, 0x99, 0x2A, 0xB1, 0x77, 0xFB, 0xA5, 0x1D, 0xB9,
        0x2C, 0x2A,
    ];
    let message = b"We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable Rights, that among these are Life, Liberty and the pursuit of Happiness.";
    let ours_side = PkSigning::from_seed(&seed);
    let theirs_side = libolm::PkSigning::from_seed(&seed);
    assert_eq!(ours_side.public_key().to_base64(), theirs_side.public_key());
    let signature = ours_side.sign(message);
    assert_eq!(signature.to_base64(), theirs_side.sign(message));
    // libolm's test then changes one base64 character of the signature: refused.
    let mut changed = signature.to_base64().into_bytes();
    changed[5] = b'm';
    let changed = String::from_utf8(changed).unwrap();
    assert!(libolm::Utility::new()
        .ed25519_verify(&theirs_side.public_key(), message, &changed)
        .is_err());
    if let Ok(changed) = Ed25519Signature::from_base64(&changed) {
        assert!(ours_side.public_key().verify(message, &changed).is_err());
    }
}
