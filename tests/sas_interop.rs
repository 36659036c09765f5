//! Live SAS interoperability: salamander against vodozemac 0.11.1 and libolm 3.2.13.
//!
//! Each pairing runs both ways (salamander as the side that starts, and as the side that
//! accepts); keys cross only as unpadded base64, as in `m.key.verification.key` events. Every
//! pair must derive the same SAS bytes, emoji and decimals for several info strings, and the
//! same MACs in both encodings (`hkdf-hmac-sha256.v2` and libolm's buggy `hkdf-hmac-sha256`),
//! and each side must accept the other's MAC and refuse a modified one.
//!
//! A three-way check fixes the shared secret for all three libraries at once: salamander and
//! libolm are given the same private key (salamander's `new_with_rng`, libolm's
//! `olm_create_sas` with that key as its random input) and both talk to one vodozemac peer.

#![cfg(test)]
// `calculate_mac_invalid_base64` is part of libolm compatibility, as in vodozemac.
#![cfg(feature = "libolm-compat")]

use salamander::{base64_decode, base64_encode, sas, Curve25519PublicKey, KeyError};
use salamander_libolm as libolm;

/// Info strings of the real protocol and edge cases.
const INFOS: [&str; 5] = [
    "",
    "MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICEDEVICE|aliceKey|@bob:example.org|BOBDEVICE|bobKey|$transaction",
    "MATRIX_KEY_VERIFICATION_SAS@alice:example.orgALICEDEVICE@bob:example.orgBOBDEVICE$transaction",
    "MATRIX_KEY_VERIFICATION_MAC@alice:example.orgALICEDEVICE@bob:example.orgBOBDEVICE$transactioned25519:ALICEDEVICE",
    "ünïcødé ✓",
];

/// MAC inputs: a key, the key-id list, empty, long.
fn mac_inputs() -> Vec<String> {
    vec![
        "jQmP+NdvY+ZbfgnH2RKaUCcnrZpFDwBQFwrzWM0YHKo".to_owned(),
        "ed25519:ALICEDEVICE,ed25519:masterkey".to_owned(),
        String::new(),
        "x".repeat(1000),
    ]
}

/// A fixed secret key stream for `new_with_rng`.
struct Fixed([u8; 32], usize);

impl rand_core::TryRng for Fixed {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        panic!("SAS draws bytes")
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        panic!("SAS draws bytes")
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for byte in dst {
            *byte = self.0[self.1];
            self.1 += 1;
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for Fixed {}

// ---------------------------------------------------------------------------------------------
// One established side, from any library.

trait Side {
    fn name(&self) -> &'static str;
    fn bytes(&self, info: &str, count: usize) -> Vec<u8>;
    /// The `.v2` MAC, base64.
    fn mac(&self, input: &str, info: &str) -> String;
    /// libolm's buggy encoding of the MAC.
    fn mac_invalid_base64(&self, input: &str, info: &str) -> String;
    /// Verify a `.v2` MAC given as base64.
    fn verify(&self, input: &str, info: &str, mac: &str) -> bool;
    /// Emoji indices and decimals, where the library computes them.
    fn sas(&self, info: &str) -> Option<([u8; 7], (u16, u16, u16))>;
}

impl Side for sas::EstablishedSas {
    fn name(&self) -> &'static str {
        "salamander"
    }
    fn bytes(&self, info: &str, count: usize) -> Vec<u8> {
        self.bytes_raw(info, count).unwrap()
    }
    fn mac(&self, input: &str, info: &str) -> String {
        self.calculate_mac(input, info).to_base64()
    }
    fn mac_invalid_base64(&self, input: &str, info: &str) -> String {
        self.calculate_mac_invalid_base64(input, info)
    }
    fn verify(&self, input: &str, info: &str, mac: &str) -> bool {
        sas::Mac::from_base64(mac).is_ok_and(|mac| self.verify_mac(input, info, &mac).is_ok())
    }
    fn sas(&self, info: &str) -> Option<([u8; 7], (u16, u16, u16))> {
        let bytes = sas::EstablishedSas::bytes(self, info);
        assert_eq!(bytes.as_bytes().as_slice(), self.bytes_raw(info, 6).unwrap());
        Some((bytes.emoji_indices(), bytes.decimals()))
    }
}

impl Side for vodozemac::sas::EstablishedSas {
    fn name(&self) -> &'static str {
        "vodozemac"
    }
    fn bytes(&self, info: &str, count: usize) -> Vec<u8> {
        self.bytes_raw(info, count).unwrap()
    }
    fn mac(&self, input: &str, info: &str) -> String {
        self.calculate_mac(input, info).to_base64()
    }
    fn mac_invalid_base64(&self, input: &str, info: &str) -> String {
        self.calculate_mac_invalid_base64(input, info)
    }
    fn verify(&self, input: &str, info: &str, mac: &str) -> bool {
        vodozemac::sas::Mac::from_base64(mac)
            .is_ok_and(|mac| self.verify_mac(input, info, &mac).is_ok())
    }
    fn sas(&self, info: &str) -> Option<([u8; 7], (u16, u16, u16))> {
        let bytes = vodozemac::sas::EstablishedSas::bytes(self, info);
        Some((bytes.emoji_indices(), bytes.decimals()))
    }
}

impl Side for libolm::Sas {
    fn name(&self) -> &'static str {
        "libolm"
    }
    fn bytes(&self, info: &str, count: usize) -> Vec<u8> {
        self.generate_bytes(info, count)
    }
    fn mac(&self, input: &str, info: &str) -> String {
        self.calculate_mac_fixed_base64(input.as_bytes(), info)
    }
    fn mac_invalid_base64(&self, input: &str, info: &str) -> String {
        self.calculate_mac(input.as_bytes(), info)
    }
    fn verify(&self, input: &str, info: &str, mac: &str) -> bool {
        // libolm has no verify: compute and compare, as its users did.
        self.calculate_mac_fixed_base64(input.as_bytes(), info) == mac
    }
    fn sas(&self, _info: &str) -> Option<([u8; 7], (u16, u16, u16))> {
        None
    }
}

/// Everything two (or more) sides with one shared secret must agree on.
fn assert_agree(sides: &[&dyn Side]) {
    let (first, rest) = sides.split_first().unwrap();
    for info in INFOS {
        for other in rest {
            let pair = format!("{} / {} with info {info:?}", first.name(), other.name());
            assert_eq!(first.bytes(info, 6), other.bytes(info, 6), "SAS bytes, {pair}");
            assert_eq!(first.bytes(info, 200), other.bytes(info, 200), "200 bytes, {pair}");
            if let (Some(a), Some(b)) = (first.sas(info), other.sas(info)) {
                assert_eq!(a, b, "emoji and decimals, {pair}");
            }
            for input in mac_inputs() {
                let mac = first.mac(&input, info);
                assert_eq!(mac, other.mac(&input, info), "v2 MAC, {pair}");
                assert_eq!(
                    first.mac_invalid_base64(&input, info),
                    other.mac_invalid_base64(&input, info),
                    "libolm-encoded MAC, {pair}"
                );
                // Each accepts the other's MAC and refuses a modified one.
                assert!(other.verify(&input, info, &mac), "{pair}: peer MAC refused");
                assert!(first.verify(&input, info, &other.mac(&input, info)), "{pair}");
                let mut bytes = base64_decode(&mac).unwrap();
                bytes[7] ^= 0x20;
                let modified = base64_encode(&bytes);
                assert!(!other.verify(&input, info, &modified), "{pair}: modified MAC accepted");
                assert!(!first.verify(&input, info, &modified), "{pair}: modified MAC accepted");
                assert!(!other.verify(&format!("{input}!"), info, &mac), "{pair}: other input");
            }
        }
    }
    // The emoji and decimals computed here from the bytes of the library that has none.
    for info in INFOS {
        let ours = sides.iter().find_map(|side| side.sas(info)).unwrap();
        for side in sides {
            let bytes = side.bytes(info, 6);
            let number = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
            let emoji: Vec<u8> = (0..7).map(|i| ((number >> (42 - 6 * i)) & 63) as u8).collect();
            assert_eq!(emoji, ours.0, "emoji from {}'s bytes", side.name());
            let decimals = (
                ((number >> 35) & 0x1FFF) as u16 + 1000,
                ((number >> 22) & 0x1FFF) as u16 + 1000,
                ((number >> 9) & 0x1FFF) as u16 + 1000,
            );
            assert_eq!(decimals, ours.1, "decimals from {}'s bytes", side.name());
        }
    }
}

#[test]
fn salamander_starts_with_vodozemac() {
    let ours = sas::Sas::new();
    let theirs = vodozemac::sas::Sas::new();
    let our_key = ours.public_key().to_base64();
    // We send our key first (the starting side), they answer.
    let theirs = theirs.diffie_hellman_with_raw(&our_key).unwrap();
    let ours = ours.diffie_hellman_with_raw(&theirs.our_public_key().to_base64()).unwrap();
    assert_eq!(ours.their_public_key().to_base64(), theirs.our_public_key().to_base64());
    assert_agree(&[&ours, &theirs]);
}

#[test]
fn vodozemac_starts_with_salamander() {
    let theirs = vodozemac::sas::Sas::new();
    let ours = sas::Sas::new();
    let their_key = theirs.public_key().to_base64();
    let ours = ours.diffie_hellman_with_raw(&their_key).unwrap();
    let theirs = theirs.diffie_hellman_with_raw(&ours.our_public_key().to_base64()).unwrap();
    assert_agree(&[&theirs, &ours]);
}

#[test]
fn salamander_starts_with_libolm() {
    let ours = sas::Sas::new();
    let mut theirs = libolm::Sas::new();
    theirs.set_their_key(&ours.public_key().to_base64()).unwrap();
    let ours = ours.diffie_hellman_with_raw(&theirs.public_key()).unwrap();
    assert_agree(&[&ours, &theirs]);
}

#[test]
fn libolm_starts_with_salamander() {
    let mut theirs = libolm::Sas::new();
    let ours = sas::Sas::new().diffie_hellman_with_raw(&theirs.public_key()).unwrap();
    theirs.set_their_key(&ours.our_public_key().to_base64()).unwrap();
    assert_agree(&[&theirs, &ours]);
}

/// One shared secret for all three libraries: salamander and libolm hold the same private key.
#[test]
fn three_libraries_one_secret() {
    for seed in 0u8..4 {
        let private: [u8; 32] = std::array::from_fn(|i| (i as u8).wrapping_mul(31) ^ seed);
        let ours = sas::Sas::new_with_rng(&mut Fixed(private, 0));
        let mut libolm_side = libolm::Sas::new_with_random(&private).unwrap();
        assert_eq!(ours.public_key().to_base64(), libolm_side.public_key());

        let peer = vodozemac::sas::Sas::new();
        let peer_key = peer.public_key().to_base64();
        let peer = peer.diffie_hellman_with_raw(&libolm_side.public_key()).unwrap();
        let ours = ours.diffie_hellman_with_raw(&peer_key).unwrap();
        libolm_side.set_their_key(&peer_key).unwrap();
        assert_agree(&[&ours, &peer, &libolm_side]);
        assert_agree(&[&libolm_side, &ours]);
    }
}

/// Small-order keys: the identity (0), 1, the two order-8 points, and p - 1 (order 2),
/// canonical and with bit 255 set. salamander and vodozemac refuse every one; libolm 3.2.13
/// accepts them and derives bytes from the all-zero shared secret (recorded, not required).
#[test]
fn low_order_keys_are_refused() {
    let mut points: Vec<[u8; 32]> = Vec::new();
    let mut zero = [0u8; 32];
    points.push(zero);
    zero[0] = 1;
    points.push(zero);
    points.push(hex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"));
    points.push(hex("5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157"));
    points.push(hex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
    points.push(hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
    let with_top_bit: Vec<[u8; 32]> = points
        .iter()
        .map(|p| {
            let mut p = *p;
            p[31] |= 0x80;
            p
        })
        .collect();
    points.extend(with_top_bit);

    // libolm takes the identity as a peer key.
    assert!(libolm::Sas::new().set_their_key(&base64_encode([0u8; 32])).is_ok());

    for point in points {
        let key = Curve25519PublicKey::from_bytes(point);
        let b64 = key.to_base64();
        assert!(matches!(sas::Sas::new().diffie_hellman(key), Err(KeyError::NonContributoryKey)));
        assert!(matches!(
            sas::Sas::new().diffie_hellman_with_raw(&b64),
            Err(KeyError::NonContributoryKey)
        ));
        assert!(vodozemac::sas::Sas::new().diffie_hellman_with_raw(&b64).is_err(), "{b64}");

        let mut libolm_side = libolm::Sas::new();
        if libolm_side.set_their_key(&b64).is_ok() {
            // libolm derives from an all-zero secret: every libolm user with this peer key
            // gets the same bytes, whatever its own key.
            let mut other = libolm::Sas::new();
            other.set_their_key(&b64).unwrap();
            assert_eq!(libolm_side.generate_bytes("INFO", 6), other.generate_bytes("INFO", 6));
        }
    }
}

#[test]
fn malformed_keys_are_typed_errors() {
    for (key, short) in [
        ("", true),
        ("AAAA", true),
        ("3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+I", true),
        ("3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08AAAA", true),
        ("3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK0!", false),
        ("3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK", false),
    ] {
        let result = sas::Sas::new().diffie_hellman_with_raw(key);
        if short {
            assert!(matches!(result, Err(KeyError::InvalidKeyLength { .. })), "{key}");
        } else {
            assert!(matches!(result, Err(KeyError::Base64Error(_))), "{key}");
        }
        assert!(vodozemac::sas::Sas::new().diffie_hellman_with_raw(key).is_err());
    }
}

fn hex(s: &str) -> [u8; 32] {
    std::array::from_fn(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap())
}
