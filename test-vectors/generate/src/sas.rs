//! SAS (`m.sas.v1`) vectors made by libolm 3.2.13: fixed private keys given to
//! `olm_create_sas` as its random input, then SAS bytes (`olm_sas_generate_bytes`) and both MAC
//! encodings (`olm_sas_calculate_mac_fixed_base64`, and `olm_sas_calculate_mac` with libolm's
//! in-place base64 bug). The emoji indices and decimals are computed here from libolm's bytes
//! with the specification's formulas, which are first checked against vodozemac 0.11.1's
//! `SasBytes` on live vodozemac–libolm exchanges (vodozemac cannot be given a fixed key).

use salamander_libolm::Sas;
use serde_json::{json, Value};

use crate::{
    cases::{
        array, file, low_order_points, one_mod_four, unhex, Cases, ALICE_PRIVATE, BOB_PRIVATE,
    },
    random::{hex, Stream},
    VectorFile,
};

/// The libolm python test's expected MAC (`python/tests/sas_test.py`, `test_cross_language_mac`).
const LIBOLM_TEST_MAC: &str = "2nSMTXM+TStTU3RUVTNSVVZUTlNWVlpVVGxOV1ZscFY";
const LIBOLM_TEST_BOB_PUBLIC: &str = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";

const INFOS: [&str; 4] = [
    "",
    "MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICEDEVICE|hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo|@bob:example.org|BOBDEVICE|3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08|$txn",
    "MATRIX_KEY_VERIFICATION_SAS@alice:example.orgALICEDEVICE@bob:example.orgBOBDEVICE$txn",
    "ünïcødé info ✓",
];

const MAC_INPUTS: [(&str, &str); 4] = [
    ("Hello world!", "MAC"),
    (
        "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo",
        "MATRIX_KEY_VERIFICATION_MAC@alice:example.orgALICEDEVICE@bob:example.orgBOBDEVICE$txned25519:ALICEDEVICE",
    ),
    (
        "ed25519:ALICEDEVICE,ed25519:masterkey",
        "MATRIX_KEY_VERIFICATION_MAC@alice:example.orgALICEDEVICE@bob:example.orgBOBDEVICE$txnKEY_IDS",
    ),
    ("", ""),
];

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("libolm failed: {e}"))
}

/// The specification's emoji indices: the first 42 bits as seven 6-bit numbers.
fn emoji(bytes: &[u8]) -> Vec<u8> {
    let number = bytes.iter().take(6).fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    (0..7).map(|i| ((number >> (42 - 6 * i)) & 0x3F) as u8).collect()
}

/// The specification's decimals: `(B0<<5 | B1>>3) + 1000`, `((B1&7)<<10 | B2<<2 | B3>>6) + 1000`,
/// `((B3&0x3F)<<7 | B4>>1) + 1000`.
fn decimals(b: &[u8]) -> [u16; 3] {
    let b: Vec<u16> = b.iter().map(|&x| u16::from(x)).collect();
    [
        ((b[0] << 5) | (b[1] >> 3)) + 1000,
        (((b[1] & 0x7) << 10) | (b[2] << 2) | (b[3] >> 6)) + 1000,
        (((b[3] & 0x3F) << 7) | (b[4] >> 1)) + 1000,
    ]
}

/// The formulas above agree with vodozemac's `SasBytes` (live, random keys, not written).
fn check_formulas_against_vodozemac() {
    for _ in 0..16 {
        let ours = vodozemac::sas::Sas::new();
        let mut theirs = Sas::new();
        ok(theirs.set_their_key(&ours.public_key().to_base64()));
        let established = ok(ours.diffie_hellman_with_raw(&theirs.public_key()));
        for info in INFOS {
            let bytes = theirs.generate_bytes(info, 6);
            let sas = established.bytes(info);
            assert_eq!(sas.as_bytes().as_slice(), bytes);
            assert_eq!(sas.emoji_indices().to_vec(), emoji(&bytes));
            let (a, b, c) = sas.decimals();
            assert_eq!([a, b, c], decimals(&bytes));
            for (input, mac_info) in MAC_INPUTS {
                assert_eq!(
                    established.calculate_mac_invalid_base64(input, mac_info),
                    theirs.calculate_mac(input.as_bytes(), mac_info)
                );
            }
        }
    }
}

/// libolm with `private` as its key, talking to `their_public`.
fn libolm_side(private: &[u8; 32], their_public: &str) -> Sas {
    let mut sas = ok(Sas::new_with_random(private));
    ok(sas.set_their_key(their_public));
    sas
}

fn agreement_fields(private: &[u8; 32], their_public: &str, peer: Option<&Sas>) -> Value {
    let sas = libolm_side(private, their_public);
    let shared = x25519_dalek::x25519(
        *private,
        array(&vodozemac::base64_decode(their_public).unwrap_or_default()),
    );
    let entries: Vec<Value> = INFOS
        .iter()
        .map(|info| {
            let bytes = sas.generate_bytes(info, 6);
            let raw = sas.generate_bytes(info, 64);
            assert_eq!(&raw[..6], bytes.as_slice());
            if let Some(peer) = peer {
                assert_eq!(peer.generate_bytes(info, 64), raw, "the two libolm sides agree");
            }
            json!({
                "info": info,
                "bytes": hex(&bytes),
                "emoji": emoji(&bytes),
                "decimals": decimals(&bytes),
                "raw": hex(&raw),
            })
        })
        .collect();
    let macs: Vec<Value> = MAC_INPUTS
        .iter()
        .map(|(input, info)| {
            let mac = sas.calculate_mac_fixed_base64(input.as_bytes(), info);
            if let Some(peer) = peer {
                assert_eq!(peer.calculate_mac_fixed_base64(input.as_bytes(), info), mac);
            }
            json!({
                "input": input,
                "info": info,
                "mac": mac,
                "macInvalidBase64": sas.calculate_mac(input.as_bytes(), info),
            })
        })
        .collect();
    json!({
        "operation": "agree",
        "privateKey": hex(private),
        "publicKey": sas.public_key(),
        "theirPublicKey": their_public,
        "sharedSecret": hex(&shared),
        "sas": entries,
        "macs": macs,
    })
}

fn sas_file() -> VectorFile {
    check_formulas_against_vodozemac();
    let mut cases = Cases::default();

    // libolm's own test: RFC 7748 Alice's key, Bob's public key.
    let alice: [u8; 32] = array(&unhex(ALICE_PRIVATE));
    let bob: [u8; 32] = array(&unhex(BOB_PRIVATE));
    let bob_side = ok(Sas::new_with_random(&bob));
    assert_eq!(bob_side.public_key(), LIBOLM_TEST_BOB_PUBLIC);
    let fields = agreement_fields(&alice, LIBOLM_TEST_BOB_PUBLIC, None);
    assert_eq!(fields["macs"][0]["macInvalidBase64"], LIBOLM_TEST_MAC);
    cases.valid(
        "libolm python/tests/sas_test.py test_cross_language_mac: RFC 7748 Alice's key with Bob's \
         public key; MAC of \"Hello world!\" under \"MAC\" in both encodings",
        fields,
        &["LibolmTestSuite", "Rfc7748"],
    );

    // Both sides of the same exchange.
    let mut bob_peer = bob_side;
    let alice_public = ok(Sas::new_with_random(&alice)).public_key();
    ok(bob_peer.set_their_key(&alice_public));
    cases.valid(
        "RFC 7748 Bob's side of the same exchange: the same bytes and MACs",
        agreement_fields(&bob, &alice_public, None),
        &["Rfc7748"],
    );

    // Random key pairs, each from both sides.
    let mut stream = Stream::new("sas/keys");
    for pair in 0..3 {
        let a: [u8; 32] = array(&stream.take(32));
        let b: [u8; 32] = array(&stream.take(32));
        let a_public = ok(Sas::new_with_random(&a)).public_key();
        let b_public = ok(Sas::new_with_random(&b)).public_key();
        let b_side = libolm_side(&b, &a_public);
        cases.valid(
            &format!("random key pair {pair}, first side"),
            agreement_fields(&a, &b_public, Some(&b_side)),
            &["Random"],
        );
        let a_side = libolm_side(&a, &b_public);
        cases.valid(
            &format!("random key pair {pair}, second side"),
            agreement_fields(&b, &a_public, Some(&a_side)),
            &["Random"],
        );
    }

    // Small-order keys: libolm accepts them and derives from an all-zero secret.
    for (name, point) in low_order_points() {
        assert_eq!(x25519_dalek::x25519(alice, point), [0u8; 32], "{name}");
        let key = vodozemac::base64_encode(point);
        let mut libolm = ok(Sas::new_with_random(&alice));
        let libolm_accepts = libolm.set_their_key(&key).is_ok();
        assert!(vodozemac::sas::Sas::new().diffie_hellman_with_raw(&key).is_err());
        let mut flags = vec!["LowOrderPublic", "VodozemacRefuses"];
        if libolm_accepts {
            flags.push("LibolmAccepts");
        }
        cases.invalid(
            &format!("their key is {name}: the shared secret would be all zeroes"),
            json!({"operation": "agree", "privateKey": ALICE_PRIVATE, "theirPublicKey": key}),
            "NonContributoryKey",
            &flags,
        );
    }

    // Malformed keys.
    for (comment, key, error) in [
        ("their key is 31 bytes", vodozemac::base64_encode([9u8; 31]), "InvalidKeyLength"),
        ("their key is 33 bytes", vodozemac::base64_encode([9u8; 33]), "InvalidKeyLength"),
        ("their key is empty", String::new(), "InvalidKeyLength"),
        (
            "their key has a character outside base64",
            "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK0!".to_owned(),
            "Base64Error",
        ),
        (
            "their key is base64 of a length = 1 (mod 4)",
            one_mod_four(LIBOLM_TEST_BOB_PUBLIC.to_owned()),
            "Base64Error",
        ),
    ] {
        cases.invalid(
            comment,
            json!({"operation": "agree", "privateKey": ALICE_PRIVATE, "theirPublicKey": key}),
            error,
            &["MalformedKey"],
        );
    }

    // MACs that must not verify.
    let sas = libolm_side(&alice, LIBOLM_TEST_BOB_PUBLIC);
    let good = sas.calculate_mac_fixed_base64(b"Hello world!", "MAC");
    let mut modified = vodozemac::base64_decode(&good).unwrap_or_default();
    modified[31] ^= 0x01;
    let truncated = vodozemac::base64_encode(&modified[..8]);
    let modified = vodozemac::base64_encode(&modified);
    for (comment, input, info, mac) in [
        ("a MAC with its last bit flipped", "Hello world!", "MAC", modified),
        ("a MAC truncated to 8 bytes", "Hello world!", "MAC", truncated),
        ("the right MAC for another input", "Hello world?", "MAC", good.clone()),
        ("the right MAC under another info string", "Hello world!", "MAC2", good.clone()),
        ("libolm's buggy encoding is not a v2 MAC", "Hello world!", "MAC", {
            // It decodes (it is 43 base64 characters) but is not the MAC.
            sas.calculate_mac(b"Hello world!", "MAC")
        }),
    ] {
        cases.invalid(
            comment,
            json!({
                "operation": "verify-mac",
                "privateKey": ALICE_PRIVATE,
                "theirPublicKey": LIBOLM_TEST_BOB_PUBLIC,
                "input": input,
                "info": info,
                "mac": mac,
            }),
            "Mac",
            &["ModifiedMac"],
        );
    }

    // HKDF's limit.
    let mut most = libolm_side(&alice, LIBOLM_TEST_BOB_PUBLIC).generate_bytes("limit", 8160);
    let last = most.split_off(8128);
    cases.valid(
        "the most bytes HKDF-SHA-256 can give: 8160 (the last 32 are listed)",
        json!({
            "operation": "bytes-raw",
            "privateKey": ALICE_PRIVATE,
            "theirPublicKey": LIBOLM_TEST_BOB_PUBLIC,
            "info": "limit",
            "count": 8160,
            "last": hex(&last),
        }),
        &["Limit"],
    );
    cases.invalid(
        "8161 bytes: more than HKDF-SHA-256 can give",
        json!({
            "operation": "bytes-raw",
            "privateKey": ALICE_PRIVATE,
            "theirPublicKey": LIBOLM_TEST_BOB_PUBLIC,
            "info": "limit",
            "count": 8161,
        }),
        "InvalidCount",
        &["Limit"],
    );

    file(
        "sas/sas_libolm.json",
        "sas",
        "libolm 3.2.13",
        "sas",
        &[
            "Short authentication strings (m.sas.v1) computed by libolm 3.2.13. Each case gives \
             our 32-byte private key (privateKey, hex), which is used as it is: libolm's \
             olm_create_sas takes it as its random input, salamander's Sas::new_with_rng draws it \
             from the generator. publicKey is our public key and theirPublicKey the other side's \
             (unpadded base64). sharedSecret (hex) is the X25519 result, informative (no API \
             exposes it).",
            "operation agree: establish with theirPublicKey. For each entry of sas: bytes are the \
             6 SAS bytes for info (olm_sas_generate_bytes), emoji the 7 emoji indices and \
             decimals the 3 numbers computed from them with the specification's formulas \
             (checked against vodozemac 0.11.1's SasBytes on live exchanges), raw the first 64 \
             bytes HKDF gives for info. For each entry of macs: mac is the HMAC-SHA-256 of input \
             under the key derived for info, in unpadded base64 (hkdf-hmac-sha256.v2, \
             olm_sas_calculate_mac_fixed_base64), and macInvalidBase64 the same MAC as libolm's \
             olm_sas_calculate_mac writes it (hkdf-hmac-sha256, base64 encoded over its own \
             input). The runner also verifies mac.",
            "Invalid agree cases must be refused by the key exchange: NonContributoryKey \
             (salamander::KeyError::NonContributoryKey, a small-order key; LibolmAccepts marks \
             the keys libolm 3.2.13 takes, deriving from an all-zero secret), InvalidKeyLength \
             and Base64Error (KeyError variants).",
            "operation verify-mac: establish, then EstablishedSas::verify_mac(input, info, mac) \
             must fail with Mac (salamander::sas::SasError::Mac). operation bytes-raw: \
             bytes_raw(info, count) must give bytes ending with last, or fail with InvalidCount.",
            "The first case is libolm's python/tests/sas_test.py test_cross_language_mac \
             (Apache-2.0): RFC 7748 §6.1 Alice's private key, Bob's public key, input \"Hello \
             world!\", info \"MAC\", buggy MAC 2nSMTXM+TStTU3RUVTNSVVZUTlNWVlpVVGxOV1ZscFY.",
        ],
        cases,
    )
}

pub(crate) fn vectors() -> Vec<VectorFile> {
    vec![sas_file()]
}
