use zeroize::Zeroize;

use super::*;

/// X25519 public keys of small order (the curve's and its twist's low-order points, and their
/// non-canonical encodings).
pub(crate) const SMALL_ORDER_KEYS: [&str; 7] = [
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
];

pub(crate) fn key_from_hex(hex: &str) -> Curve25519PublicKey {
    let mut bytes = [0u8; 32];
    for (i, byte) in bytes.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    Curve25519PublicKey::from_bytes(bytes)
}

fn pair() -> (EstablishedEcies, EstablishedEcies) {
    let (alice, bob) = (Ecies::new(), Ecies::new());
    let OutboundCreationResult { ecies: alice, message } =
        alice.establish_outbound_channel(bob.public_key(), b"initial").unwrap();
    let InboundCreationResult { ecies: bob, message } =
        bob.establish_inbound_channel(&message).unwrap();
    assert_eq!(message, b"initial");
    (alice, bob)
}

#[test]
fn channel_creation() {
    let (alice, bob) = (Ecies::new(), Ecies::new());
    let bob_key = bob.public_key();
    let OutboundCreationResult { ecies: mut alice, message } =
        alice.establish_outbound_channel(bob_key, b"It's a secret to everybody").unwrap();
    assert_eq!(message.public_key, alice.public_key());
    assert_ne!(message.public_key, bob_key);

    let InboundCreationResult { ecies: mut bob, message } =
        bob.establish_inbound_channel(&message).unwrap();
    assert_eq!(message, b"It's a secret to everybody");
    assert_eq!(bob.public_key(), bob_key);
    assert_eq!(alice.check_code(), bob.check_code());
    assert_eq!(
        alice.check_code().to_digit(DigitMode::AllowLeadingZero),
        bob.check_code().to_digit(DigitMode::AllowLeadingZero)
    );
    assert_eq!(
        alice.check_code().to_digit(DigitMode::NoLeadingZero),
        bob.check_code().to_digit(DigitMode::NoLeadingZero)
    );

    // Each side's encryption key is the other's decryption key, and the two differ.
    let (alice_enc, alice_dec) = alice.keys_for_test();
    let (bob_enc, bob_dec) = bob.keys_for_test();
    assert_eq!(alice_enc, bob_dec);
    assert_eq!(alice_dec, bob_enc);
    assert_ne!(alice_enc, alice_dec);

    let message = bob.encrypt(b"Another plaintext");
    assert_eq!(alice.decrypt(&message).unwrap(), b"Another plaintext");
}

#[test]
fn several_round_trips_in_order() {
    let (mut alice, mut bob) = pair();
    for round in 0..10u8 {
        let text = vec![round; usize::from(round) * 7];
        let message = alice.encrypt(&text);
        assert_eq!(message.ciphertext.len(), text.len() + 16);
        assert_eq!(bob.decrypt(&Message::decode(&message.encode()).unwrap()).unwrap(), text);
        for _ in 0..round % 3 {
            let message = bob.encrypt(b"reply");
            assert_eq!(alice.decrypt(&message).unwrap(), b"reply");
        }
    }
}

#[test]
fn same_plaintext_gives_different_ciphertexts() {
    let (mut alice, _) = pair();
    assert_ne!(alice.encrypt(b"x").ciphertext, alice.encrypt(b"x").ciphertext);
}

#[test]
fn replay_is_refused() {
    let (mut alice, mut bob) = pair();
    let message = alice.encrypt(b"once");
    assert_eq!(bob.decrypt(&message).unwrap(), b"once");
    assert!(matches!(bob.decrypt(&message), Err(Error::Decryption)));
}

#[test]
fn initial_message_replayed_into_the_channel_is_refused() {
    let (alice, bob) = (Ecies::new(), Ecies::new());
    let OutboundCreationResult { message: initial, .. } =
        alice.establish_outbound_channel(bob.public_key(), b"initial").unwrap();
    let InboundCreationResult { ecies: mut bob, .. } =
        bob.establish_inbound_channel(&initial).unwrap();
    let replay = Message { ciphertext: initial.ciphertext.clone() };
    assert!(matches!(bob.decrypt(&replay), Err(Error::Decryption)));
}

#[test]
fn reordering_is_refused_and_a_failure_is_final() {
    let (mut alice, mut bob) = pair();
    let first = alice.encrypt(b"first");
    let second = alice.encrypt(b"second");
    // The second message arrives first: refused, and the counter has moved on (as in
    // vodozemac), so the first one no longer decrypts either.
    assert!(matches!(bob.decrypt(&second), Err(Error::Decryption)));
    assert!(matches!(bob.decrypt(&first), Err(Error::Decryption)));
    assert!(matches!(bob.decrypt(&second), Err(Error::Decryption)));
}

#[test]
fn reflected_message_is_refused() {
    // Each direction has its own key: a message sent back to its sender does not decrypt.
    let (mut alice, _) = pair();
    let message = alice.encrypt(b"mine");
    assert!(matches!(alice.decrypt(&message), Err(Error::Decryption)));
}

fn fixed_pair() -> (EstablishedEcies, EstablishedEcies) {
    let alice = Ecies::new_with_rng(&mut Counting(1));
    let bob = Ecies::new_with_rng(&mut Counting(2));
    let OutboundCreationResult { ecies: alice, message } =
        alice.establish_outbound_channel(bob.public_key(), b"initial").unwrap();
    let InboundCreationResult { ecies: bob, .. } = bob.establish_inbound_channel(&message).unwrap();
    (alice, bob)
}

#[test]
fn tampering_is_refused() {
    let (mut alice, mut bob) = fixed_pair();
    let message = alice.encrypt(b"do not touch");
    assert_eq!(bob.decrypt(&message).unwrap(), b"do not touch");

    for i in 0..message.ciphertext.len() {
        for bit in [0x01, 0x80] {
            let (_, mut bob) = fixed_pair();
            let mut tampered = message.ciphertext.clone();
            tampered[i] ^= bit;
            assert!(matches!(
                bob.decrypt(&Message { ciphertext: tampered }),
                Err(Error::Decryption)
            ));
        }
    }

    for length in [0, 1, 15, 16, message.ciphertext.len() - 1] {
        let (_, mut bob) = fixed_pair();
        let truncated = message.ciphertext[..length].to_vec();
        assert!(matches!(bob.decrypt(&Message { ciphertext: truncated }), Err(Error::Decryption)));
    }
}

#[test]
fn tampered_initial_message_is_refused() {
    let (alice, bob) = (Ecies::new(), Ecies::new());
    let OutboundCreationResult { mut message, .. } =
        alice.establish_outbound_channel(bob.public_key(), b"initial").unwrap();
    message.ciphertext[0] ^= 1;
    assert!(matches!(bob.establish_inbound_channel(&message), Err(Error::Decryption)));
}

#[test]
fn replaced_public_key_is_refused() {
    let (alice, bob, mallory) = (Ecies::new(), Ecies::new(), Ecies::new());
    let OutboundCreationResult { mut message, .. } =
        alice.establish_outbound_channel(bob.public_key(), b"initial").unwrap();
    message.public_key = mallory.public_key();
    assert!(matches!(bob.establish_inbound_channel(&message), Err(Error::Decryption)));
}

#[test]
fn small_order_keys_are_refused() {
    for hex in SMALL_ORDER_KEYS {
        let key = key_from_hex(hex);
        assert!(matches!(
            Ecies::new().establish_outbound_channel(key, b"x"),
            Err(Error::NonContributoryKey)
        ));
        let message = InitialMessage { public_key: key, ciphertext: vec![0; 32] };
        assert!(matches!(
            Ecies::new().establish_inbound_channel(&message),
            Err(Error::NonContributoryKey)
        ));
    }
}

#[test]
fn application_info_separates_channels() {
    let alice = Ecies::with_info("ONE");
    let bob = Ecies::with_info("TWO");
    let OutboundCreationResult { message, .. } =
        alice.establish_outbound_channel(bob.public_key(), b"initial").unwrap();
    assert!(matches!(bob.establish_inbound_channel(&message), Err(Error::Decryption)));

    let alice = Ecies::with_info("ONE");
    let bob = Ecies::with_info("ONE");
    let OutboundCreationResult { message, .. } =
        alice.establish_outbound_channel(bob.public_key(), b"initial").unwrap();
    assert!(bob.establish_inbound_channel(&message).is_ok());
}

/// A fixed "random" stream for deterministic tests.
struct Counting(u8);

impl rand_core::TryRng for Counting {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for byte in dst {
            *byte = self.0;
            self.0 = self.0.wrapping_add(1);
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for Counting {}

#[test]
fn deterministic_with_rng() {
    let run = || {
        let alice = Ecies::new_with_rng(&mut Counting(0));
        let bob = Ecies::new_with_rng(&mut Counting(100));
        let OutboundCreationResult { ecies, message } =
            alice.establish_outbound_channel(bob.public_key(), b"initial").unwrap();
        (message.encode(), ecies.check_code().clone())
    };
    assert_eq!(run(), run());

    let secret = Curve25519SecretKey::new_with_rng(&mut Counting(100));
    assert_eq!(
        Ecies::with_info_and_rng("x", &mut Counting(100)).public_key(),
        Curve25519PublicKey::from(&secret)
    );
}

#[test]
fn debug_is_redacted() {
    let (mut alice, _) = pair();
    let (encryption_key, decryption_key) = alice.keys_for_test();
    let zero = Curve25519PublicKey::from_bytes([0; 32]);
    alice.set_public_keys_for_test(zero, zero, CheckCode { bytes: [0, 1] });
    let debug = format!("{alice:?}");
    assert_eq!(
        debug,
        "EstablishedEcies { our_public_key: curve25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, \
         their_public_key: curve25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, \
         check_code: CheckCode { bytes: [0, 1] }, role: Initiator }"
    );
    for key in [encryption_key, decryption_key] {
        assert!(!debug.contains(&crate::base64_encode(key)));
        assert!(!debug.contains(&format!("{key:?}")));
    }

    let (_, bob) = pair();
    assert!(format!("{bob:?}").contains("role: Recipient"));
    let result = InboundCreationResult { ecies: bob, message: vec![] };
    assert!(format!("{result:?}").starts_with("InboundCreationResult { ecies: EstablishedEcies {"));
}

#[test]
fn zeroize_clears_the_keys() {
    let (mut alice, _) = pair();
    alice.zeroize();
    assert_eq!(alice.keys_for_test(), ([0; 32], [0; 32]));
}
