use super::*;

/// A fixed "random" stream for deterministic tests: 0, 1, 2, … from the seed.
pub(super) struct Counting(pub(super) u8);

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

/// X25519 public keys of small order.
const SMALL_ORDER_KEYS: [[u8; 32]; 4] = [
    [0; 32],
    {
        let mut one = [0; 32];
        one[0] = 1;
        one
    },
    [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ],
    {
        let mut p = [0xff; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        p
    },
];

/// Both ends of an established channel, with the given application info and aad for the two
/// initial messages.
fn established(info: &str, aad: &[u8]) -> (EstablishedHpkeChannel, EstablishedHpkeChannel) {
    let alice = HpkeSenderChannel::with_info(info);
    let bob = HpkeRecipientChannel::with_info(info);
    let SenderCreationResult { channel: alice, message } =
        alice.establish_channel(bob.public_key(), b"initial", aad).unwrap();
    let RecipientCreationResult { channel: bob, message } =
        bob.establish_channel(&message, aad).unwrap();
    assert_eq!(message, b"initial");
    let BidirectionalCreationResult { channel: bob, message } =
        bob.establish_bidirectional_channel(b"response", aad);
    let BidirectionalCreationResult { channel: alice, message } =
        alice.establish_bidirectional_channel(&message, aad).unwrap();
    assert_eq!(message, b"response");
    (alice, bob)
}

#[test]
fn channel_creation() {
    let alice = HpkeSenderChannel::new();
    let bob = HpkeRecipientChannel::new();
    let bob_key = bob.public_key();

    let SenderCreationResult { channel: alice, message } =
        alice.establish_channel(bob_key, b"It's a secret to everybody", b"aad").unwrap();
    assert_eq!(message.ciphertext.len(), 26 + 16);
    assert_ne!(message.encapsulated_key, bob_key);

    let RecipientCreationResult { channel: bob, message: plaintext } =
        bob.establish_channel(&message, b"aad").unwrap();
    assert_eq!(plaintext, b"It's a secret to everybody");

    let BidirectionalCreationResult { channel: mut bob, message: response } =
        bob.establish_bidirectional_channel(b"Not a secret to me!", b"aad2");
    let BidirectionalCreationResult { channel: mut alice, message: plaintext } =
        alice.establish_bidirectional_channel(&response, b"aad2").unwrap();
    assert_eq!(plaintext, b"Not a secret to me!");

    assert_eq!(alice.check_code(), bob.check_code());
    assert_eq!(
        alice.check_code().to_digit(DigitMode::NoLeadingZero),
        bob.check_code().to_digit(DigitMode::NoLeadingZero)
    );
    assert_eq!(bob.public_key(), bob_key);
    assert_eq!(alice.their_public_key(), bob_key);
    assert_eq!(alice.public_key(), message.encapsulated_key);
    assert_eq!(bob.their_public_key(), alice.public_key());

    let sealed = bob.seal(b"Another plaintext", &[]);
    assert_eq!(alice.open(&sealed, &[]).unwrap(), b"Another plaintext");
}

#[test]
fn several_round_trips() {
    let (mut alice, mut bob) = established("MATRIX_QR_CODE_LOGIN", b"");
    for round in 0..10u8 {
        let text = vec![round; usize::from(round) * 5];
        let aad = [round];
        let message = alice.seal(&text, &aad);
        let message = Message::decode(&message.encode()).unwrap();
        assert_eq!(bob.open(&message, &aad).unwrap(), text);
        for _ in 0..round % 3 {
            let message = bob.seal(b"reply", b"");
            assert_eq!(alice.open(&message, b"").unwrap(), b"reply");
        }
    }
}

#[test]
fn wrong_aad_is_refused() {
    let (mut alice, mut bob) = established("MATRIX_QR_CODE_LOGIN", b"");
    let message = alice.seal(b"text", b"some additional data");
    assert!(matches!(bob.open(&message, &[]), Err(Error::Decryption)));
    assert!(matches!(bob.open(&message, b"other data"), Err(Error::Decryption)));
    // A refusal does not move the sequence on: with the right aad it still opens.
    assert_eq!(bob.open(&message, b"some additional data").unwrap(), b"text");

    let alice = HpkeSenderChannel::new();
    let bob = HpkeRecipientChannel::new();
    let SenderCreationResult { channel: alice, message } =
        alice.establish_channel(bob.public_key(), b"initial", b"one").unwrap();
    assert!(matches!(
        HpkeRecipientChannel::new().establish_channel(&message, b"one"),
        Err(Error::Decryption)
    ));
    let RecipientCreationResult { channel: bob, .. } =
        bob.establish_channel(&message, b"one").unwrap();
    let BidirectionalCreationResult { message: response, .. } =
        bob.establish_bidirectional_channel(b"response", b"two");
    assert!(matches!(
        alice.establish_bidirectional_channel(&response, b"one"),
        Err(Error::Decryption)
    ));
}

#[test]
fn wrong_initial_aad_is_refused() {
    let alice = HpkeSenderChannel::new();
    let bob = HpkeRecipientChannel::new();
    let SenderCreationResult { message, .. } =
        alice.establish_channel(bob.public_key(), b"initial", b"one").unwrap();
    assert!(matches!(bob.establish_channel(&message, b"two"), Err(Error::Decryption)));
}

#[test]
fn replay_and_reordering_are_refused() {
    let (mut alice, mut bob) = established("MATRIX_QR_CODE_LOGIN", b"");
    let first = alice.seal(b"first", b"");
    let second = alice.seal(b"second", b"");
    assert!(matches!(bob.open(&second, b""), Err(Error::Decryption)));
    assert_eq!(bob.open(&first, b"").unwrap(), b"first");
    assert!(matches!(bob.open(&first, b""), Err(Error::Decryption)));
    assert_eq!(bob.open(&second, b"").unwrap(), b"second");
    assert!(matches!(bob.open(&second, b""), Err(Error::Decryption)));

    let reply = bob.seal(b"reply", b"");
    assert_eq!(alice.open(&reply, b"").unwrap(), b"reply");
    assert!(matches!(alice.open(&reply, b""), Err(Error::Decryption)));
}

#[test]
fn reflected_messages_are_refused() {
    let (mut alice, mut bob) = established("MATRIX_QR_CODE_LOGIN", b"");
    let from_alice = alice.seal(b"mine", b"");
    assert!(matches!(alice.open(&from_alice, b""), Err(Error::Decryption)));
    let from_bob = bob.seal(b"mine", b"");
    assert!(matches!(bob.open(&from_bob, b""), Err(Error::Decryption)));
}

#[test]
fn initial_messages_replayed_into_the_channel_are_refused() {
    let alice = HpkeSenderChannel::new();
    let bob = HpkeRecipientChannel::new();
    let SenderCreationResult { channel: alice, message: initial } =
        alice.establish_channel(bob.public_key(), b"initial", b"").unwrap();
    let RecipientCreationResult { channel: bob, .. } =
        bob.establish_channel(&initial, b"").unwrap();
    let BidirectionalCreationResult { channel: mut bob, message: response } =
        bob.establish_bidirectional_channel(b"response", b"");
    let BidirectionalCreationResult { channel: mut alice, .. } =
        alice.establish_bidirectional_channel(&response, b"").unwrap();
    assert!(matches!(
        bob.open(&Message { ciphertext: initial.ciphertext.clone() }, b""),
        Err(Error::Decryption)
    ));
    assert!(matches!(
        alice.open(&Message { ciphertext: response.ciphertext.clone() }, b""),
        Err(Error::Decryption)
    ));
}

#[test]
fn tampering_is_refused() {
    let (mut alice, mut bob) = established("MATRIX_QR_CODE_LOGIN", b"");
    let message = alice.seal(b"do not touch", b"");
    for i in 0..message.ciphertext.len() {
        let mut tampered = message.ciphertext.clone();
        tampered[i] ^= 0x01;
        assert!(matches!(bob.open(&Message { ciphertext: tampered }, b""), Err(Error::Decryption)));
    }
    for length in [0, 1, 15, 16, message.ciphertext.len() - 1] {
        let truncated = message.ciphertext[..length].to_vec();
        assert!(matches!(
            bob.open(&Message { ciphertext: truncated }, b""),
            Err(Error::Decryption)
        ));
    }
    // None of the refusals moved the sequence on.
    assert_eq!(bob.open(&message, b"").unwrap(), b"do not touch");
}

#[test]
fn tampered_initial_messages_are_refused() {
    let alice = HpkeSenderChannel::new();
    let bob = HpkeRecipientChannel::new();
    let SenderCreationResult { channel: alice, message } =
        alice.establish_channel(bob.public_key(), b"initial", b"").unwrap();

    // Mallory swaps in her own encapsulated key: the ciphertext no longer opens.
    let mallory = HpkeRecipientChannel::new();
    let replaced = InitialMessage {
        encapsulated_key: mallory.public_key(),
        ciphertext: message.ciphertext.clone(),
    };
    assert!(matches!(bob.establish_channel(&replaced, b""), Err(Error::Decryption)));
    // And a recipient with another key cannot open the genuine one.
    assert!(matches!(
        HpkeRecipientChannel::new().establish_channel(&message, b""),
        Err(Error::Decryption)
    ));
    drop(alice);

    // Deterministic pair: the genuine message opens, every tampered byte is refused.
    let make = || {
        let bob = HpkeRecipientChannel::new_with_rng(&mut Counting(9));
        let SenderCreationResult { message, .. } = HpkeSenderChannel::new()
            .establish_channel_with_rng(bob.public_key(), b"initial", b"", &mut Counting(3))
            .unwrap();
        (bob, message)
    };
    let (_, message) = make();
    for i in 0..message.to_bytes().len() {
        let (bob, _) = make();
        let mut bytes = message.to_bytes();
        bytes[i] ^= 0x02;
        let tampered = InitialMessage::from_bytes(&bytes).unwrap();
        assert!(matches!(bob.establish_channel(&tampered, b""), Err(Error::Decryption)), "{i}");
    }
    let (bob, message) = make();
    assert!(bob.establish_channel(&message, b"").is_ok());
}

#[test]
fn tampered_initial_response_is_refused() {
    let make = || {
        let bob = HpkeRecipientChannel::new_with_rng(&mut Counting(9));
        let SenderCreationResult { channel: alice, message } = HpkeSenderChannel::new()
            .establish_channel_with_rng(bob.public_key(), b"initial", b"", &mut Counting(3))
            .unwrap();
        let RecipientCreationResult { channel: bob, .. } =
            bob.establish_channel(&message, b"").unwrap();
        let BidirectionalCreationResult { message: response, .. } =
            bob.establish_bidirectional_channel_with_rng(b"response", b"", &mut Counting(77));
        (alice, response)
    };
    let (_, response) = make();
    for i in 0..response.to_bytes().len() {
        let (alice, _) = make();
        let mut bytes = response.to_bytes();
        bytes[i] ^= 0x40;
        let tampered = InitialResponse::from_bytes(&bytes).unwrap();
        assert!(
            matches!(alice.establish_bidirectional_channel(&tampered, b""), Err(Error::Decryption)),
            "{i}"
        );
    }
    let (alice, response) = make();
    assert!(alice.establish_bidirectional_channel(&response, b"").is_ok());
}

#[test]
fn small_order_keys_are_refused() {
    for key in SMALL_ORDER_KEYS {
        let key = Curve25519PublicKey::from_bytes(key);
        assert!(matches!(
            HpkeSenderChannel::new().establish_channel(key, b"x", b""),
            Err(Error::Encapsulation(hpke::HpkeError::EncapError))
        ));
        let message = InitialMessage { encapsulated_key: key, ciphertext: vec![0; 32] };
        assert!(matches!(
            HpkeRecipientChannel::new().establish_channel(&message, b""),
            Err(Error::Decryption)
        ));
    }
}

#[test]
fn application_info_separates_channels() {
    let alice = HpkeSenderChannel::with_info("ONE");
    let bob = HpkeRecipientChannel::with_info("TWO");
    let SenderCreationResult { message, .. } =
        alice.establish_channel(bob.public_key(), b"initial", b"").unwrap();
    assert!(matches!(bob.establish_channel(&message, b""), Err(Error::Decryption)));

    let (alice, bob) = established("ONE", b"");
    assert_eq!(alice.check_code(), bob.check_code());
}

#[test]
fn deterministic_with_rng() {
    let run = || {
        let bob = HpkeRecipientChannel::new_with_rng(&mut Counting(1));
        let SenderCreationResult { channel: alice, message } = HpkeSenderChannel::new()
            .establish_channel_with_rng(bob.public_key(), b"initial", b"aad", &mut Counting(2))
            .unwrap();
        let RecipientCreationResult { channel: bob, .. } =
            bob.establish_channel(&message, b"aad").unwrap();
        let BidirectionalCreationResult { channel: mut bob, message: response } =
            bob.establish_bidirectional_channel_with_rng(b"response", b"aad", &mut Counting(3));
        let BidirectionalCreationResult { channel: alice, .. } =
            alice.establish_bidirectional_channel(&response, b"aad").unwrap();
        assert_eq!(alice.check_code(), bob.check_code());
        assert_eq!(response.base_response_nonce, core::array::from_fn(|i| 3 + i as u8));
        (
            message.encode(),
            response.encode(),
            bob.seal(b"x", b"").encode(),
            *bob.check_code().as_bytes(),
        )
    };
    assert_eq!(run(), run());
}

#[test]
fn seal_is_not_deterministic_across_messages() {
    let (mut alice, _) = established("MATRIX_QR_CODE_LOGIN", b"");
    assert_ne!(alice.seal(b"x", b"").ciphertext, alice.seal(b"x", b"").ciphertext);
}

#[test]
fn debug_is_redacted() {
    let (mut alice, bob) = established("MATRIX_QR_CODE_LOGIN", b"");
    let zero = Curve25519PublicKey::from_bytes([0; 32]);
    alice.our_public_key = zero;
    alice.their_public_key = zero;
    alice.check_code = CheckCode { bytes: [0, 1] };
    assert_eq!(
        format!("{alice:?}"),
        "EstablishedHpkeChannel { our_public_key: curve25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, \
         their_public_key: curve25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, \
         check_code: CheckCode { bytes: [0, 1] }, role: Sender }"
    );
    assert!(format!("{bob:?}").ends_with("role: Recipient }"));
}
