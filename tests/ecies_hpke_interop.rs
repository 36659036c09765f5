//! Live interoperability of the QR-login channels between salamander and vodozemac 0.11.1:
//! ECIES (MSC4108) always, HPKE (MSC4388) with the `hpke` feature.
//!
//! Each scenario runs in both directions: salamander as the initiator (ECIES device S / HPKE
//! sender) with vodozemac as the other side, and the reverse. Keys cross between the libraries
//! only as base64 and messages only in their encoded string form, exactly as they would travel
//! through the rendezvous channel, so every message is also decoded by the other library's
//! decoder.

#![cfg(test)]

use salamander::ecies as sal_ecies;
use vodozemac::ecies as vz_ecies;

/// The plaintexts of a conversation: empty, short, binary and long.
fn plaintexts() -> Vec<Vec<u8>> {
    vec![
        b"{\"type\":\"m.login.protocols\",\"protocols\":[\"device_authorization_grant\"]}".to_vec(),
        Vec::new(),
        vec![0xff; 1],
        (0..=255u8).collect(),
        vec![0x5a; 10_000],
        "h\u{e9}llo w\u{f6}rld \u{1f600}".as_bytes().to_vec(),
    ]
}

// ---------------------------------------------------------------------------------------------
// ECIES
// ---------------------------------------------------------------------------------------------

/// One end of an established ECIES channel, whichever library it is.
trait EciesEnd {
    fn encrypt(&mut self, plaintext: &[u8]) -> String;
    fn decrypt(&mut self, message: &str) -> Result<Vec<u8>, String>;
    fn check_code(&self) -> [u8; 2];
    fn digits(&self) -> (u8, u8);
    fn public_key(&self) -> String;
}

impl EciesEnd for sal_ecies::EstablishedEcies {
    fn encrypt(&mut self, plaintext: &[u8]) -> String {
        sal_ecies::EstablishedEcies::encrypt(self, plaintext).encode()
    }
    fn decrypt(&mut self, message: &str) -> Result<Vec<u8>, String> {
        let message = sal_ecies::Message::decode(message).map_err(|e| e.to_string())?;
        sal_ecies::EstablishedEcies::decrypt(self, &message).map_err(|e| e.to_string())
    }
    fn check_code(&self) -> [u8; 2] {
        *sal_ecies::EstablishedEcies::check_code(self).as_bytes()
    }
    fn digits(&self) -> (u8, u8) {
        let code = sal_ecies::EstablishedEcies::check_code(self);
        (
            code.to_digit(sal_ecies::DigitMode::AllowLeadingZero),
            code.to_digit(sal_ecies::DigitMode::NoLeadingZero),
        )
    }
    fn public_key(&self) -> String {
        sal_ecies::EstablishedEcies::public_key(self).to_base64()
    }
}

impl EciesEnd for vz_ecies::EstablishedEcies {
    fn encrypt(&mut self, plaintext: &[u8]) -> String {
        vz_ecies::EstablishedEcies::encrypt(self, plaintext).encode()
    }
    fn decrypt(&mut self, message: &str) -> Result<Vec<u8>, String> {
        let message = vz_ecies::Message::decode(message).map_err(|e| e.to_string())?;
        vz_ecies::EstablishedEcies::decrypt(self, &message).map_err(|e| e.to_string())
    }
    fn check_code(&self) -> [u8; 2] {
        *vz_ecies::EstablishedEcies::check_code(self).as_bytes()
    }
    fn digits(&self) -> (u8, u8) {
        let code = vz_ecies::EstablishedEcies::check_code(self);
        (
            code.to_digit(vz_ecies::DigitMode::AllowLeadingZero),
            code.to_digit(vz_ecies::DigitMode::NoLeadingZero),
        )
    }
    fn public_key(&self) -> String {
        vz_ecies::EstablishedEcies::public_key(self).to_base64()
    }
}

/// The initiator (device S) of an ECIES channel: its key pair is made when it establishes.
fn sal_outbound(
    info: Option<&str>,
    their_key: &str,
    plaintext: &[u8],
) -> (sal_ecies::EstablishedEcies, String) {
    let ecies = info.map_or_else(sal_ecies::Ecies::new, sal_ecies::Ecies::with_info);
    let key = salamander::Curve25519PublicKey::from_base64(their_key).unwrap();
    let sal_ecies::OutboundCreationResult { ecies, message } =
        ecies.establish_outbound_channel(key, plaintext).unwrap();
    (ecies, message.encode())
}

fn vz_outbound(
    info: Option<&str>,
    their_key: &str,
    plaintext: &[u8],
) -> (vz_ecies::EstablishedEcies, String) {
    let ecies = info.map_or_else(vz_ecies::Ecies::new, vz_ecies::Ecies::with_info);
    let key = vodozemac::Curve25519PublicKey::from_base64(their_key).unwrap();
    let vz_ecies::OutboundCreationResult { ecies, message } =
        ecies.establish_outbound_channel(key, plaintext).unwrap();
    (ecies, message.encode())
}

/// Check codes agree, then the two ends talk in both directions, several round trips, and a
/// replayed message is refused by the receiving library.
fn ecies_conversation(s: &mut dyn EciesEnd, g: &mut dyn EciesEnd) {
    assert_eq!(s.check_code(), g.check_code(), "check codes differ");
    assert_eq!(s.digits(), g.digits());
    let (with_zero, without_zero) = s.digits();
    assert!(with_zero <= 99 && (10..=99).contains(&without_zero));

    for (round, plaintext) in plaintexts().iter().enumerate() {
        let message = g.encrypt(plaintext);
        assert_eq!(s.decrypt(&message).unwrap(), *plaintext, "G→S round {round}");
        let message = s.encrypt(plaintext);
        assert_eq!(g.decrypt(&message).unwrap(), *plaintext, "S→G round {round}");
        let second = s.encrypt(b"and another");
        assert_eq!(g.decrypt(&second).unwrap(), b"and another");
    }

    // A replay is refused (and, as in both libraries, ends the channel's receiving direction).
    let message = s.encrypt(b"once");
    assert_eq!(g.decrypt(&message).unwrap(), b"once");
    assert!(g.decrypt(&message).is_err(), "a replayed message was accepted");
}

#[test]
fn ecies_salamander_outbound_vodozemac_inbound() {
    for info in [None, Some("ORG_EXAMPLE_PAIRING")] {
        let g = info.map_or_else(vz_ecies::Ecies::new, vz_ecies::Ecies::with_info);
        let g_key = g.public_key().to_base64();
        let (mut s, initial) = sal_outbound(info, &g_key, b"initial from salamander");

        let message = vz_ecies::InitialMessage::decode(&initial).unwrap();
        assert_eq!(message.encode(), initial, "vodozemac re-encodes salamander's message");
        assert_eq!(message.public_key.to_base64(), EciesEnd::public_key(&s));
        let vz_ecies::InboundCreationResult { ecies: mut g, message } =
            g.establish_inbound_channel(&message).unwrap();
        assert_eq!(message, b"initial from salamander");
        assert_eq!(EciesEnd::public_key(&g), g_key);

        ecies_conversation(&mut s, &mut g);
    }
}

#[test]
fn ecies_vodozemac_outbound_salamander_inbound() {
    for info in [None, Some("ORG_EXAMPLE_PAIRING")] {
        let g = info.map_or_else(sal_ecies::Ecies::new, sal_ecies::Ecies::with_info);
        let g_key = g.public_key().to_base64();
        let (mut s, initial) = vz_outbound(info, &g_key, b"initial from vodozemac");

        let message = sal_ecies::InitialMessage::decode(&initial).unwrap();
        assert_eq!(message.encode(), initial, "salamander re-encodes vodozemac's message");
        let sal_ecies::InboundCreationResult { ecies: mut g, message } =
            g.establish_inbound_channel(&message).unwrap();
        assert_eq!(message, b"initial from vodozemac");
        assert_eq!(EciesEnd::public_key(&g), g_key);

        ecies_conversation(&mut s, &mut g);
    }
}

#[test]
fn ecies_mismatched_info_is_refused_both_ways() {
    let g = vz_ecies::Ecies::with_info("ONE");
    let (_, initial) = sal_outbound(Some("TWO"), &g.public_key().to_base64(), b"x");
    let message = vz_ecies::InitialMessage::decode(&initial).unwrap();
    assert!(matches!(g.establish_inbound_channel(&message), Err(vz_ecies::Error::Decryption)));

    let g = sal_ecies::Ecies::with_info("ONE");
    let (_, initial) = vz_outbound(Some("TWO"), &g.public_key().to_base64(), b"x");
    let message = sal_ecies::InitialMessage::decode(&initial).unwrap();
    assert!(matches!(g.establish_inbound_channel(&message), Err(sal_ecies::Error::Decryption)));
}

#[test]
fn ecies_tampering_is_refused_both_ways() {
    // salamander's messages, tampered, refused by vodozemac.
    let g = vz_ecies::Ecies::new();
    let (mut s, initial) = sal_outbound(None, &g.public_key().to_base64(), b"initial");
    let vz_ecies::InboundCreationResult { ecies: mut g, .. } =
        g.establish_inbound_channel(&vz_ecies::InitialMessage::decode(&initial).unwrap()).unwrap();
    let mut message = sal_ecies::EstablishedEcies::encrypt(&mut s, b"payload");
    message.ciphertext[0] ^= 1;
    assert!(g.decrypt(&vz_ecies::Message::decode(&message.encode()).unwrap()).is_err());

    // vodozemac's messages, tampered, refused by salamander.
    let g = sal_ecies::Ecies::new();
    let (mut s, initial) = vz_outbound(None, &g.public_key().to_base64(), b"initial");
    let sal_ecies::InboundCreationResult { ecies: mut g, .. } =
        g.establish_inbound_channel(&sal_ecies::InitialMessage::decode(&initial).unwrap()).unwrap();
    let mut message = vz_ecies::EstablishedEcies::encrypt(&mut s, b"payload");
    let last = message.ciphertext.len() - 1;
    message.ciphertext[last] ^= 0x80;
    assert!(matches!(
        g.decrypt(&sal_ecies::Message::decode(&message.encode()).unwrap()),
        Err(sal_ecies::Error::Decryption)
    ));
}

/// X25519 public keys of small order, as unpadded base64: 0, 1, a point of order 8, and
/// p − 1, p, p + 1.
const SMALL_ORDER_KEYS: [&str; 6] = [
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "4Ot6fDtBuK4WVuP68Z/EatoJjeucMrH9hmIFFl9JuAA",
    "7P///////////////////////////////////////38",
    "7f///////////////////////////////////////38",
    "7v///////////////////////////////////////38",
];

/// Both libraries refuse the same small-order keys with the same error.
#[test]
fn ecies_small_order_keys_refused_by_both() {
    for key in SMALL_ORDER_KEYS {
        let sal_key = salamander::Curve25519PublicKey::from_base64(key).unwrap();
        let vz_key = vodozemac::Curve25519PublicKey::from_base64(key).unwrap();
        let sal = sal_ecies::Ecies::new().establish_outbound_channel(sal_key, b"x");
        let vz = vz_ecies::Ecies::new().establish_outbound_channel(vz_key, b"x");
        assert!(matches!(sal, Err(sal_ecies::Error::NonContributoryKey)), "{key}");
        assert!(matches!(vz, Err(vz_ecies::Error::NonContributoryKey)), "{key}");

        let text = format!("AAAAAAAAAAAAAAAAAAAAAA|{key}");
        let sal = sal_ecies::Ecies::new()
            .establish_inbound_channel(&sal_ecies::InitialMessage::decode(&text).unwrap());
        let vz = vz_ecies::Ecies::new()
            .establish_inbound_channel(&vz_ecies::InitialMessage::decode(&text).unwrap());
        assert!(matches!(sal, Err(sal_ecies::Error::NonContributoryKey)), "{key}");
        assert!(matches!(vz, Err(vz_ecies::Error::NonContributoryKey)), "{key}");
    }
}

/// Malformed encodings: both decoders accept and refuse the same strings, with the same error
/// variant.
#[test]
fn ecies_decoders_agree() {
    let key = "9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Us";
    let cases = [
        String::new(),
        "no separator".to_owned(),
        format!("AAAA|{key}"),
        format!("|{key}"),
        format!("AAAA|{key}="),
        "AAAA|AAAA".to_owned(),
        format!("!!|{key}"),
        format!("AAAA|{key}|"),
        format!("A|{key}"),
        "!!|!!".to_owned(),
        format!("{key}|{key}|{key}"),
    ];
    for text in &cases {
        let sal = sal_ecies::InitialMessage::decode(text);
        let vz = vz_ecies::InitialMessage::decode(text);
        match (&sal, &vz) {
            (Ok(s), Ok(v)) => {
                assert_eq!(s.encode(), v.encode(), "{text:?}");
                assert_eq!(s.ciphertext, v.ciphertext);
            }
            (Err(s), Err(v)) => assert_eq!(variant(s), variant(v), "{text:?}"),
            _ => panic!("{text:?}: salamander {sal:?}, vodozemac {vz:?}"),
        }
        let sal = sal_ecies::Message::decode(text);
        let vz = vz_ecies::Message::decode(text);
        assert_eq!(sal.is_ok(), vz.is_ok(), "{text:?}");
        if let (Ok(s), Ok(v)) = (sal, vz) {
            assert_eq!(s.ciphertext, v.ciphertext);
        }
    }
}

/// The variant name of an error's `Debug` form.
fn variant(error: &dyn std::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    debug.split(['(', ' ', '{']).next().unwrap_or_default().to_owned()
}

// ---------------------------------------------------------------------------------------------
// HPKE
// ---------------------------------------------------------------------------------------------

#[cfg(feature = "hpke")]
mod hpke {
    use salamander::hpke as sal;
    use vodozemac::hpke as vz;

    use super::{plaintexts, variant, SMALL_ORDER_KEYS};

    /// One end of an established HPKE channel, whichever library it is.
    trait HpkeEnd {
        fn seal(&mut self, plaintext: &[u8], aad: &[u8]) -> String;
        fn open(&mut self, message: &str, aad: &[u8]) -> Result<Vec<u8>, String>;
        fn check_code(&self) -> [u8; 2];
        fn digits(&self) -> (u8, u8);
        fn keys(&self) -> (String, String);
    }

    impl HpkeEnd for sal::EstablishedHpkeChannel {
        fn seal(&mut self, plaintext: &[u8], aad: &[u8]) -> String {
            sal::EstablishedHpkeChannel::seal(self, plaintext, aad).encode()
        }
        fn open(&mut self, message: &str, aad: &[u8]) -> Result<Vec<u8>, String> {
            let message = sal::Message::decode(message).map_err(|e| e.to_string())?;
            sal::EstablishedHpkeChannel::open(self, &message, aad).map_err(|e| e.to_string())
        }
        fn check_code(&self) -> [u8; 2] {
            *sal::EstablishedHpkeChannel::check_code(self).as_bytes()
        }
        fn digits(&self) -> (u8, u8) {
            let code = sal::EstablishedHpkeChannel::check_code(self);
            (
                code.to_digit(sal::DigitMode::AllowLeadingZero),
                code.to_digit(sal::DigitMode::NoLeadingZero),
            )
        }
        fn keys(&self) -> (String, String) {
            (self.public_key().to_base64(), self.their_public_key().to_base64())
        }
    }

    impl HpkeEnd for vz::EstablishedHpkeChannel {
        fn seal(&mut self, plaintext: &[u8], aad: &[u8]) -> String {
            vz::EstablishedHpkeChannel::seal(self, plaintext, aad).encode()
        }
        fn open(&mut self, message: &str, aad: &[u8]) -> Result<Vec<u8>, String> {
            let message = vz::Message::decode(message).map_err(|e| e.to_string())?;
            vz::EstablishedHpkeChannel::open(self, &message, aad).map_err(|e| e.to_string())
        }
        fn check_code(&self) -> [u8; 2] {
            *vz::EstablishedHpkeChannel::check_code(self).as_bytes()
        }
        fn digits(&self) -> (u8, u8) {
            let code = vz::EstablishedHpkeChannel::check_code(self);
            (
                code.to_digit(vz::DigitMode::AllowLeadingZero),
                code.to_digit(vz::DigitMode::NoLeadingZero),
            )
        }
        fn keys(&self) -> (String, String) {
            (self.public_key().to_base64(), self.their_public_key().to_base64())
        }
    }

    /// Check codes and keys agree, then several round trips with associated data in both
    /// directions; wrong aad, replays and reordering are refused by the receiving library,
    /// and a refused message does not break the channel.
    fn conversation(s: &mut dyn HpkeEnd, g: &mut dyn HpkeEnd) {
        assert_eq!(s.check_code(), g.check_code(), "check codes differ");
        assert_eq!(s.digits(), g.digits());
        let (s_ours, s_theirs) = s.keys();
        let (g_ours, g_theirs) = g.keys();
        assert_eq!((s_ours, s_theirs), (g_theirs, g_ours));

        for (round, plaintext) in plaintexts().iter().enumerate() {
            let aad = format!("round {round}");
            let message = g.seal(plaintext, aad.as_bytes());
            assert!(s.open(&message, b"wrong aad").is_err(), "wrong aad accepted, round {round}");
            assert_eq!(s.open(&message, aad.as_bytes()).unwrap(), *plaintext, "G→S {round}");
            assert!(s.open(&message, aad.as_bytes()).is_err(), "replay accepted, round {round}");

            let first = s.seal(plaintext, &[]);
            let second = s.seal(b"second", b"x");
            assert!(g.open(&second, b"x").is_err(), "reordered message accepted");
            assert_eq!(g.open(&first, &[]).unwrap(), *plaintext, "S→G {round}");
            assert_eq!(g.open(&second, b"x").unwrap(), b"second");
        }
    }

    const DEFAULT_INFO: &str = "MATRIX_QR_CODE_LOGIN";

    #[test]
    fn salamander_sender_vodozemac_recipient() {
        for info in [DEFAULT_INFO, "ORG_EXAMPLE_PAIRING"] {
            for aad in [&b""[..], b"rendezvous aad"] {
                let g = if info == DEFAULT_INFO {
                    vz::HpkeRecipientChannel::new()
                } else {
                    vz::HpkeRecipientChannel::with_info(info)
                };
                let g_key =
                    salamander::Curve25519PublicKey::from_base64(&g.public_key().to_base64())
                        .unwrap();
                let s = if info == DEFAULT_INFO {
                    sal::HpkeSenderChannel::new()
                } else {
                    sal::HpkeSenderChannel::with_info(info)
                };
                let sal::SenderCreationResult { channel: s, message } =
                    s.establish_channel(g_key, b"initial from salamander", aad).unwrap();
                let text = message.encode();

                let message = vz::InitialMessage::decode(&text).unwrap();
                assert_eq!(message.encode(), text);
                let vz::RecipientCreationResult { channel: g, message: plaintext } =
                    g.establish_channel(&message, aad).unwrap();
                assert_eq!(plaintext, b"initial from salamander");

                let vz::BidirectionalCreationResult { channel: mut g, message: response } =
                    g.establish_bidirectional_channel(b"response from vodozemac", aad);
                let text = response.encode();
                let response = sal::InitialResponse::decode(&text).unwrap();
                assert_eq!(response.encode(), text);
                assert_eq!(
                    sal::InitialResponse::from_bytes(&response.to_bytes()).unwrap().encode(),
                    text
                );
                let sal::BidirectionalCreationResult { channel: mut s, message: plaintext } =
                    s.establish_bidirectional_channel(&response, aad).unwrap();
                assert_eq!(plaintext, b"response from vodozemac");

                conversation(&mut s, &mut g);
            }
        }
    }

    #[test]
    fn vodozemac_sender_salamander_recipient() {
        for info in [DEFAULT_INFO, "ORG_EXAMPLE_PAIRING"] {
            for aad in [&b""[..], b"rendezvous aad"] {
                let g = sal::HpkeRecipientChannel::with_info(info);
                let g_key =
                    vodozemac::Curve25519PublicKey::from_base64(&g.public_key().to_base64())
                        .unwrap();
                let s = vz::HpkeSenderChannel::with_info(info);
                let vz::SenderCreationResult { channel: s, message } =
                    s.establish_channel(g_key, b"initial from vodozemac", aad).unwrap();
                let text = message.encode();

                let message = sal::InitialMessage::decode(&text).unwrap();
                assert_eq!(message.encode(), text);
                assert_eq!(sal::InitialMessage::from_bytes(&message.to_bytes()).unwrap(), message);
                let sal::RecipientCreationResult { channel: g, message: plaintext } =
                    g.establish_channel(&message, aad).unwrap();
                assert_eq!(plaintext, b"initial from vodozemac");

                let sal::BidirectionalCreationResult { channel: mut g, message: response } =
                    g.establish_bidirectional_channel(b"response from salamander", aad);
                let text = response.encode();
                let response = vz::InitialResponse::decode(&text).unwrap();
                assert_eq!(response.encode(), text);
                let vz::BidirectionalCreationResult { channel: mut s, message: plaintext } =
                    s.establish_bidirectional_channel(&response, aad).unwrap();
                assert_eq!(plaintext, b"response from salamander");

                conversation(&mut s, &mut g);
            }
        }
    }

    #[test]
    fn wrong_aad_on_the_initial_messages_is_refused_both_ways() {
        // salamander → vodozemac, initial message.
        let g = vz::HpkeRecipientChannel::new();
        let key =
            salamander::Curve25519PublicKey::from_base64(&g.public_key().to_base64()).unwrap();
        let sal::SenderCreationResult { message, .. } =
            sal::HpkeSenderChannel::new().establish_channel(key, b"x", b"one").unwrap();
        let message = vz::InitialMessage::decode(&message.encode()).unwrap();
        assert!(matches!(g.establish_channel(&message, b"two"), Err(vz::Error::Decryption)));

        // vodozemac → salamander, initial message.
        let g = sal::HpkeRecipientChannel::new();
        let key = vodozemac::Curve25519PublicKey::from_base64(&g.public_key().to_base64()).unwrap();
        let vz::SenderCreationResult { channel: s, message } =
            vz::HpkeSenderChannel::new().establish_channel(key, b"x", b"one").unwrap();
        let message = sal::InitialMessage::decode(&message.encode()).unwrap();
        assert!(matches!(g.establish_channel(&message, b"two"), Err(sal::Error::Decryption)));

        // Initial response from salamander with the wrong aad, refused by vodozemac.
        let g = sal::HpkeRecipientChannel::new();
        let key = vodozemac::Curve25519PublicKey::from_base64(&g.public_key().to_base64()).unwrap();
        let vz::SenderCreationResult { channel: s2, message } =
            vz::HpkeSenderChannel::new().establish_channel(key, b"x", b"").unwrap();
        let sal::RecipientCreationResult { channel: g, .. } = g
            .establish_channel(&sal::InitialMessage::decode(&message.encode()).unwrap(), b"")
            .unwrap();
        let sal::BidirectionalCreationResult { message: response, .. } =
            g.establish_bidirectional_channel(b"reply", b"one");
        let response = vz::InitialResponse::decode(&response.encode()).unwrap();
        assert!(matches!(
            s2.establish_bidirectional_channel(&response, b"two"),
            Err(vz::Error::Decryption)
        ));
        drop(s);
    }

    /// Both libraries refuse small-order keys with the same error variant.
    #[test]
    fn small_order_keys_refused_by_both() {
        for key in SMALL_ORDER_KEYS {
            let sal_key = salamander::Curve25519PublicKey::from_base64(key).unwrap();
            let vz_key = vodozemac::Curve25519PublicKey::from_base64(key).unwrap();
            let sal = sal::HpkeSenderChannel::new().establish_channel(sal_key, b"x", b"");
            let vz = vz::HpkeSenderChannel::new().establish_channel(vz_key, b"x", b"");
            assert!(matches!(sal, Err(sal::Error::Encapsulation(::hpke::HpkeError::EncapError))));
            assert!(matches!(vz, Err(vz::Error::Encapsulation(::hpke::HpkeError::EncapError))));

            let mut bytes = vodozemac::base64_decode(key).unwrap();
            bytes.extend([0u8; 17]);
            let text = vodozemac::base64_encode(bytes);
            let sal = sal::HpkeRecipientChannel::new()
                .establish_channel(&sal::InitialMessage::decode(&text).unwrap(), b"");
            let vz = vz::HpkeRecipientChannel::new()
                .establish_channel(&vz::InitialMessage::decode(&text).unwrap(), b"");
            assert!(matches!(sal, Err(sal::Error::Decryption)));
            assert!(matches!(vz, Err(vz::Error::Decryption)));
        }
    }

    /// Both decoders accept and refuse the same strings, with the same error variant.
    #[test]
    fn decoders_agree() {
        let key = "9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Us";
        let cases = [
            String::new(),
            "AAAA".to_owned(),
            key.to_owned(),
            format!("{key}A"),
            format!("{key}AAAA"),
            format!("{key}AAAAAA=="),
            "!!!!".to_owned(),
            "A".to_owned(),
            format!("{key}|AAAA"),
            "AA==".to_owned(),
        ];
        for text in &cases {
            macro_rules! agree {
                ($sal:expr, $vz:expr, $bytes:expr) => {
                    match (&$sal, &$vz) {
                        (Ok(s), Ok(v)) => assert_eq!($bytes(s), $bytes(v), "{text:?}"),
                        (Err(s), Err(v)) => assert_eq!(variant(s), variant(v), "{text:?}"),
                        _ => panic!("{text:?}: salamander {:?}, vodozemac {:?}", $sal, $vz),
                    }
                };
            }
            agree!(
                sal::InitialMessage::decode(text),
                vz::InitialMessage::decode(text),
                |m: &dyn ToBytes| m.bytes()
            );
            agree!(
                sal::InitialResponse::decode(text),
                vz::InitialResponse::decode(text),
                |m: &dyn ToBytes| m.bytes()
            );
            agree!(sal::Message::decode(text), vz::Message::decode(text), |m: &dyn ToBytes| m
                .bytes());
        }
    }

    trait ToBytes {
        fn bytes(&self) -> Vec<u8>;
    }
    impl ToBytes for sal::InitialMessage {
        fn bytes(&self) -> Vec<u8> {
            self.to_bytes()
        }
    }
    impl ToBytes for vz::InitialMessage {
        fn bytes(&self) -> Vec<u8> {
            self.to_bytes()
        }
    }
    impl ToBytes for sal::InitialResponse {
        fn bytes(&self) -> Vec<u8> {
            self.to_bytes()
        }
    }
    impl ToBytes for vz::InitialResponse {
        fn bytes(&self) -> Vec<u8> {
            self.to_bytes()
        }
    }
    impl ToBytes for sal::Message {
        fn bytes(&self) -> Vec<u8> {
            self.ciphertext.clone()
        }
    }
    impl ToBytes for vz::Message {
        fn bytes(&self) -> Vec<u8> {
            self.ciphertext.clone()
        }
    }
}
