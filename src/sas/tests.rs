use super::*;

/// Hands out fixed bytes, then zeroes; for known-answer tests of `*_with_rng` constructors.
pub(crate) struct FixedRng(pub(crate) Vec<u8>);

impl rand_core::TryRng for FixedRng {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for byte in dst {
            *byte = if self.0.is_empty() { 0 } else { self.0.remove(0) };
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for FixedRng {}

/// RFC 7748 §6.1: Alice's private key (libolm's tests use it everywhere).
pub(crate) const ALICE_PRIVATE: [u8; 32] = [
    0x77, 0x07, 0x6D, 0x0A, 0x73, 0x18, 0xA5, 0x7D, 0x3C, 0x16, 0xC1, 0x72, 0x51, 0xB2, 0x66, 0x45,
    0xDF, 0x4C, 0x2F, 0x87, 0xEB, 0xC0, 0x99, 0x2A, 0xB1, 0x77, 0xFB, 0xA5, 0x1D, 0xB9, 0x2C, 0x2A,
];
/// RFC 7748 §6.1: Bob's public key, base64.
pub(crate) const BOB_PUBLIC: &str = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";

fn alice_with_bob() -> EstablishedSas {
    Sas::new_with_rng(&mut FixedRng(ALICE_PRIVATE.to_vec()))
        .diffie_hellman_with_raw(BOB_PUBLIC)
        .unwrap()
}

/// libolm `python/tests/sas_test.py` `test_cross_language_mac` (V9): the buggy encoding, and
/// the correct encoding of the same MAC.
#[test]
#[cfg(feature = "libolm-compat")]
fn libolm_cross_language_mac() {
    let sas = alice_with_bob();
    assert_eq!(
        sas.our_public_key().to_base64(),
        "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo",
        "RFC 7748 Alice public key"
    );
    assert_eq!(
        sas.calculate_mac_invalid_base64("Hello world!", "MAC"),
        "2nSMTXM+TStTU3RUVTNSVVZUTlNWVlpVVGxOV1ZscFY"
    );
    let mac = sas.calculate_mac("Hello world!", "MAC");
    assert_eq!(mac.to_base64(), "2nSMU3M+FMBTCWQg5IoIUoEErFZOjniAZTdqNhf+Dmo");
    sas.verify_mac("Hello world!", "MAC", &mac).unwrap();
}

#[test]
fn both_sides_agree() {
    let alice = Sas::new();
    let bob = Sas::default();
    let (alice_key, bob_key) = (alice.public_key(), bob.public_key());
    let alice = alice.diffie_hellman(bob_key).unwrap();
    let bob = bob.diffie_hellman_with_raw(&alice_key.to_base64()).unwrap();
    assert_eq!(alice.our_public_key(), bob.their_public_key());
    assert_eq!(alice.their_public_key(), bob.our_public_key());
    for info in ["", "TEST", "MATRIX_KEY_VERIFICATION_SAS|a|b|c|d|e|f|g"] {
        assert_eq!(alice.bytes(info), bob.bytes(info));
        assert_eq!(alice.bytes_raw(info, 100).unwrap(), bob.bytes_raw(info, 100).unwrap());
        let mac = alice.calculate_mac("input", info);
        bob.verify_mac("input", info, &mac).unwrap();
        assert!(bob.verify_mac("input!", info, &mac).is_err());
        assert!(bob.verify_mac("input", "other info", &mac).is_err());
        #[cfg(feature = "libolm-compat")]
        assert_eq!(
            alice.calculate_mac_invalid_base64("input", info),
            bob.calculate_mac_invalid_base64("input", info)
        );
    }
    assert_ne!(alice.bytes("A"), alice.bytes("B"));
}

#[test]
fn verify_mac_refuses_modified_and_truncated_tags() {
    let sas = alice_with_bob();
    let mac = sas.calculate_mac("key", "info");
    for i in 0..32 {
        let mut bytes = mac.as_bytes().to_vec();
        bytes[i] ^= 0x01;
        assert!(matches!(
            sas.verify_mac("key", "info", &Mac::from_slice(&bytes)),
            Err(SasError::Mac(_))
        ));
    }
    for length in [0, 8, 16, 31, 33] {
        let mut bytes = mac.as_bytes().to_vec();
        bytes.resize(length, 0);
        assert!(sas.verify_mac("key", "info", &Mac::from_slice(&bytes)).is_err(), "{length}");
    }
}

/// Every low-order point: RFC 7748's list of small-order u-coordinates (and their
/// non-canonical encodings, with bit 255 set).
#[test]
fn low_order_keys_are_refused() {
    let mut points: Vec<[u8; 32]> = vec![[0; 32], {
        let mut one = [0; 32];
        one[0] = 1;
        one
    }];
    // The order-8 points and p - 1, p, p + 1.
    let order_8_a: [u8; 32] = [
        0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4,
        0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49,
        0xb8, 0x00,
    ];
    let order_8_b: [u8; 32] = [
        0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef,
        0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f,
        0x11, 0x57,
    ];
    let mut p_minus_1 = [0xff; 32];
    p_minus_1[0] = 0xec;
    p_minus_1[31] = 0x7f;
    let mut p = p_minus_1;
    p[0] = 0xed;
    let mut p_plus_1 = p_minus_1;
    p_plus_1[0] = 0xee;
    points.extend([order_8_a, order_8_b, p_minus_1, p, p_plus_1]);
    let with_top_bit: Vec<[u8; 32]> = points
        .iter()
        .map(|point| {
            let mut high = *point;
            high[31] |= 0x80;
            high
        })
        .collect();
    points.extend(with_top_bit);
    for point in points {
        let key = Curve25519PublicKey::from_bytes(point);
        assert!(
            matches!(Sas::new().diffie_hellman(key), Err(KeyError::NonContributoryKey)),
            "{point:02x?}"
        );
    }
}

#[test]
fn bad_keys_are_typed_errors() {
    assert!(matches!(
        Sas::new().diffie_hellman_with_raw("3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+I"),
        Err(KeyError::InvalidKeyLength { .. })
    ));
    assert!(matches!(Sas::new().diffie_hellman_with_raw("!!!!"), Err(KeyError::Base64Error(_))));
}

#[test]
fn bytes_raw_limit() {
    let sas = alice_with_bob();
    assert_eq!(sas.bytes_raw("x", 0).unwrap(), Vec::<u8>::new());
    let all = sas.bytes_raw("x", 8160).unwrap();
    assert_eq!(&all[..6], sas.bytes("x").as_bytes());
    assert!(all.iter().rev().take(32).any(|&b| b != 0));
    assert!(sas.bytes_raw("x", 8161).is_err());
    assert!(sas.bytes_raw("x", usize::MAX).is_err());
}

#[test]
fn debug_shows_public_keys_only() {
    let sas = Sas::new_with_rng(&mut FixedRng(ALICE_PRIVATE.to_vec()));
    let printed = format!("{sas:?}");
    assert!(printed.contains("hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo"), "{printed}");
    let established = alice_with_bob();
    let printed = format!("{established:?}");
    assert_eq!(
        printed,
        "EstablishedSas { our_public_key: \"hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo\", \
         their_public_key: \"3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08\", .. }"
    );
    // The shared secret (RFC 7748 §6.1 K) does not appear in any form.
    let secret = crate::base64_encode(established.shared_secret.as_bytes());
    assert!(!printed.contains(&secret));
}
