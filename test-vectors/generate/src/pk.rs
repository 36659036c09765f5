//! `PkEncryption` (`m.megolm_backup.v1.curve25519-aes-sha2`) and `PkSigning` vectors.
//!
//! Encryption cases are made by libolm 3.2.13's `olm_pk_encrypt` with the ephemeral key given
//! as its random input, and each is decrypted by vodozemac 0.11.1 too. Decryption cases add
//! libolm's own test vector (`tests/test_pk.cpp`) and matrix-rust-sdk's backup decryption test.
//! Pickles are libolm's `olm_pickle_pk_decryption`; broken ones are built here by re-sealing
//! changed plaintexts (libolm's pickle envelope, recomputed with RustCrypto) and given to libolm,
//! whose verdict is recorded. Signing cases are libolm's `olm_pk_sign`.

use aes::Aes256;
use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use salamander_libolm::{PkDecryption, PkEncryption, PkSigning, Utility};
use serde_json::{json, Value};
use sha2::Sha256;
use vodozemac::{base64_decode, base64_encode, pk_encryption as vz};

use crate::{
    cases::{
        array, file, low_order_points, one_mod_four, unhex, Cases, ALICE_PRIVATE, BOB_PRIVATE,
    },
    random::{hex, Stream},
    VectorFile,
};

/// libolm tests/test_pk.cpp: the message to RFC 7748 Alice's key and her pickle.
const V8_CIPHERTEXT: &str = "ntk49j/KozVFtSqJXhCejg";
const V8_MAC: &str = "zpzU6BkZcNI";
const V8_EPHEMERAL: &str = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";
const V8_PLAINTEXT: &str = "This is a test";
const V8_PICKLE: &str = "qx37WTQrjZLz5tId/uBX9B3/okqAbV1ofl9UnHKno1eipByCpXleAAlAZoJgYnCDOQZDQWzo3luTSfkF9pU1mOILCbbouubs6TVeDyPfgGD9i86J8irHjA";
/// libolm tests/test_pk.cpp "Public Key Signing": the message (the seed is Alice's key).
const V8_SIGNED_MESSAGE: &str = "We hold these truths to be self-evident, that all men are created equal, that they are endowed by their Creator with certain unalienable Rights, that among these are Life, Liberty and the pursuit of Happiness.";

/// matrix-rust-sdk crates/matrix-sdk-crypto/src/backups/keys/decryption.rs `test_decrypt_key`.
const SDK_BACKUP_KEY: &str = "Ha9cklU/9NqFo9WKdVfGzmqUL/9wlkdxfEitbSIPVXw";
const SDK_EPHEMERAL: &str = "HlLi76oV6wxHz3PCqE/bxJi6yF1HnYz5Dq3T+d/KpRw";
const SDK_MAC: &str = "GtMrurhDTwo";
const SDK_CIPHERTEXT: &str = concat!(
    "MuM8E3Yc6TSAvhVGb77rQ++jE6p9dRepx63/3YPD2wACKAppkZHeFrnTH6wJ/HSyrmzo",
    "7HfwqVl6tKNpfooSTHqUf6x1LHz+h4B/Id5ITO1WYt16AaI40LOnZqTkJZCfSPuE2oxa",
    "lwEHnCS3biWybutcnrBFPR3LMtaeHvvkb+k3ny9l5ZpsU9G7vCm3XoeYkWfLekWXvDhb",
    "qWrylXD0+CNUuaQJ/S527TzLd4XKctqVjjO/cCH7q+9utt9WJAfK8LGaWT/mZ3AeWjf5",
    "kiqOpKKf5Cn4n5SSil5p/pvGYmjnURvZSEeQIzHgvunIBEPtzK/MYEPOXe/P5achNGlC",
    "x+5N19Ftyp9TFaTFlTWCTi0mpD7ePfCNISrwpozAz9HZc0OhA8+1aSc7rhYFIeAYXFU3",
    "26NuFIFHI5pvpSxjzPQlOA+mavIKmiRAtjlLw11IVKTxgrdT4N8lXeMr4ndCSmvIkAzF",
    "Mo1uZA4fzjiAdQJE4/2WeXFNNpvdfoYmX8Zl9CAYjpSO5HvpwkAbk4/iLEH3hDfCVUwD",
    "fMh05PdGLnxeRpiEFWSMSsJNp+OWAA+5JsF41BoRGrxoXXT+VKqlUDONd+O296Psu8Q+",
    "d8/S618",
);

const PLAINTEXTS: [&str; 4] = [
    "",
    "It's a secret to everybody",
    "0123456789abcdef",
    "{\"algorithm\":\"m.megolm.v1.aes-sha2\",\"forwarding_curve25519_key_chain\":[],\"sender_claimed_keys\":{\"ed25519\":\"aj40p+aw64yPIdsxoog8Jhd/2z3S9OyGzUJl4HDGhHo\"},\"sender_key\":\"DeHIg4gwhClxzFYcmNntPNF9YtsdZbmMy8+3kzCMXHA\",\"session_key\":\"AQAAAABvWMNZjKFtebYIePKieQguozuoLgzeY6wKcyJjLJcJtQgy1dPqTBD12U\"}",
];

/// A message as it travels: `(ciphertext, mac, ephemeral key)`, base64.
type Wire = (String, String, String);

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("failed: {e}"))
}

/// vodozemac 0.11.1's verdict on a message to `private`.
fn vodozemac_decrypt(private: &[u8; 32], (c, m, e): (&str, &str, &str)) -> Result<Vec<u8>, String> {
    let key = vz::PkDecryption::from_key(vodozemac::Curve25519SecretKey::from_slice(private));
    let message = vz::Message::from_base64(c, m, e).map_err(|e| e.to_string())?;
    key.decrypt(&message).map_err(|e| e.to_string())
}

/// libolm 3.2.13's verdict.
fn libolm_decrypt(private: &[u8; 32], (c, m, e): (&str, &str, &str)) -> Result<Vec<u8>, String> {
    PkDecryption::from_private_key(private).decrypt(e, m, c).map_err(|e| e.0)
}

fn message_fields(private: &[u8; 32], (c, m, e): (&str, &str, &str)) -> Value {
    json!({
        "recipientPrivateKey": hex(private),
        "ciphertext": c,
        "mac": m,
        "ephemeralKey": e,
    })
}

fn with(mut fields: Value, extra: Value) -> Value {
    if let (Some(fields), Some(extra)) = (fields.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            fields.insert(k.clone(), v.clone());
        }
    }
    fields
}

/// The libolm pickle envelope: HKDF-SHA-256(zero salt, key, "Pickle") → AES ‖ MAC ‖ IV;
/// AES-256-CBC-PKCS7 then 8 bytes of HMAC-SHA-256.
fn envelope(key: &[u8]) -> ([u8; 32], [u8; 32], [u8; 16]) {
    let mut okm = [0u8; 80];
    ok(Hkdf::<Sha256>::new(Some(&[0u8; 32]), key).expand(b"Pickle", &mut okm));
    (array(&okm[..32]), array(&okm[32..64]), array(&okm[64..]))
}

fn seal(plaintext: &[u8], key: &[u8]) -> String {
    let (aes, mac_key, iv) = envelope(key);
    let mut sealed = cbc::Encryptor::<Aes256>::new((&aes).into(), (&iv).into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let mut mac = ok(<Hmac<Sha256> as KeyInit>::new_from_slice(&mac_key));
    mac.update(&sealed);
    sealed.extend_from_slice(&mac.finalize().into_bytes()[..8]);
    base64_encode(sealed)
}

fn open(pickle: &str, key: &[u8]) -> Vec<u8> {
    let (aes, _, iv) = envelope(key);
    let sealed = ok(base64_decode(pickle));
    ok(cbc::Decryptor::<Aes256>::new((&aes).into(), (&iv).into())
        .decrypt_padded_vec::<Pkcs7>(&sealed[..sealed.len() - 8]))
}

fn encryption_file() -> VectorFile {
    let mut cases = Cases::default();
    let alice: [u8; 32] = array(&unhex(ALICE_PRIVATE));
    let bob: [u8; 32] = array(&unhex(BOB_PRIVATE));

    // --- encrypt (libolm, fixed ephemeral keys) ---
    let mut stream = Stream::new("pk/keys");
    let mut recipients = vec![alice];
    recipients.push(array(&stream.take(32)));
    recipients.push(array(&stream.take(32)));
    for (r, recipient) in recipients.iter().enumerate() {
        let public = PkDecryption::from_private_key(recipient).public_key();
        let mut sender = ok(PkEncryption::new(&public));
        for (p, plaintext) in PLAINTEXTS.iter().enumerate() {
            let ephemeral: [u8; 32] = if r == 0 && p == 0 { bob } else { array(&stream.take(32)) };
            let (c, m, e) = ok(sender.encrypt_with_random(plaintext.as_bytes(), &ephemeral));
            assert_eq!(ok(vodozemac_decrypt(recipient, (&c, &m, &e))), plaintext.as_bytes());
            cases.valid(
                &format!("recipient {r}: libolm encrypts a {}-byte plaintext", plaintext.len()),
                with(
                    message_fields(recipient, (&c, &m, &e)),
                    json!({
                        "operation": "encrypt",
                        "recipientPublicKey": public,
                        "ephemeralRandom": hex(&ephemeral),
                        "plaintext": hex(plaintext.as_bytes()),
                    }),
                ),
                &["Libolm", "VodozemacDecrypts"],
            );
        }
    }

    // --- decrypt: published vectors ---
    let v8 = (V8_CIPHERTEXT, V8_MAC, V8_EPHEMERAL);
    assert_eq!(ok(libolm_decrypt(&alice, v8)), V8_PLAINTEXT.as_bytes());
    assert_eq!(ok(vodozemac_decrypt(&alice, v8)), V8_PLAINTEXT.as_bytes());
    cases.valid(
        "libolm tests/test_pk.cpp: a message to RFC 7748 Alice's key (the ephemeral key is \
         Bob's), \"This is a test\"",
        with(
            message_fields(&alice, v8),
            json!({"operation": "decrypt", "plaintext": hex(V8_PLAINTEXT.as_bytes())}),
        ),
        &["LibolmTestSuite", "Rfc7748"],
    );
    let sdk_key: [u8; 32] = array(&ok(base64_decode(SDK_BACKUP_KEY)));
    let sdk = (SDK_CIPHERTEXT, SDK_MAC, SDK_EPHEMERAL);
    let sdk_plaintext = ok(libolm_decrypt(&sdk_key, sdk));
    assert_eq!(ok(vodozemac_decrypt(&sdk_key, sdk)), sdk_plaintext);
    assert!(sdk_plaintext.starts_with(b"{"), "the backed-up room key is JSON");
    cases.valid(
        "matrix-rust-sdk backups/keys/decryption.rs test_decrypt_key: a backed-up room key \
         (session_data) decrypted with the backup key Ha9cklU/...; the plaintext is JSON",
        with(
            message_fields(&sdk_key, sdk),
            json!({"operation": "decrypt", "plaintext": hex(&sdk_plaintext)}),
        ),
        &["MatrixRustSdk", "LibolmDecrypts", "VodozemacDecrypts"],
    );

    // --- decrypt: refusals ---
    let flip = |text: &str, index: usize, bit: u8| {
        let mut bytes = ok(base64_decode(text));
        bytes[index] ^= bit;
        base64_encode(bytes)
    };
    let long_plaintext = "0123456789abcdef0123456789abcdef!";
    let mut sender = ok(PkEncryption::new(&PkDecryption::from_private_key(&alice).public_key()));
    let (c, m, e) = ok(sender.encrypt_with_random(long_plaintext.as_bytes(), &stream.take(32)));
    let bad_cases: Vec<(String, Wire, &str, Vec<&str>)> = vec![
        (
            "the MAC's first byte changed".into(),
            (c.clone(), flip(&m, 0, 1), e.clone()),
            "Mac",
            vec![],
        ),
        (
            "the MAC's last byte changed".into(),
            (c.clone(), flip(&m, 7, 0x80), e.clone()),
            "Mac",
            vec![],
        ),
        ("the ephemeral key changed".into(), (c.clone(), m.clone(), flip(&e, 9, 2)), "Mac", vec![]),
        (
            "the ciphertext's last byte changed: the padding breaks".into(),
            (flip(&c, 47, 1), m.clone(), e.clone()),
            "InvalidPadding",
            vec!["MacDoesNotCoverCiphertext"],
        ),
        (
            "the ciphertext is 15 bytes".into(),
            (base64_encode(&ok(base64_decode(&c))[..15]), m.clone(), e.clone()),
            "InvalidPadding",
            vec![],
        ),
        (
            "the ciphertext is empty".into(),
            (String::new(), m.clone(), e.clone()),
            "InvalidPadding",
            vec![],
        ),
        (
            "the MAC is 4 bytes (its first 4)".into(),
            (c.clone(), base64_encode(&ok(base64_decode(&m))[..4]), e.clone()),
            "Mac",
            vec!["ShortMac"],
        ),
    ];
    for (comment, (c2, m2, e2), error, flags) in bad_cases {
        let theirs = (c2.as_str(), m2.as_str(), e2.as_str());
        let mut flags = flags;
        // libolm 3.2.13's olm_pk_decrypt reads out of bounds on a ciphertext that is not a
        // positive multiple of 16 bytes (an empty one crashed this generator): not asked.
        let block_aligned = ok(base64_decode(&c2)).len() % 16 == 0 && !c2.is_empty();
        if !block_aligned {
            flags.push("LibolmNotAsked");
        } else if libolm_decrypt(&alice, theirs).is_ok() {
            flags.push("LibolmAccepts");
        }
        if vodozemac_decrypt(&alice, theirs).is_ok() {
            flags.push("VodozemacAccepts");
        }
        cases.invalid(
            &comment,
            with(message_fields(&alice, theirs), json!({"operation": "decrypt"})),
            error,
            &flags,
        );
    }
    // A changed first block is *not* detected: the MAC covers the empty string.
    let altered = (flip(&c, 16, 4), m.clone(), e.clone());
    let altered_ref = (altered.0.as_str(), altered.1.as_str(), altered.2.as_str());
    let altered_plaintext = ok(libolm_decrypt(&alice, altered_ref));
    assert_eq!(ok(vodozemac_decrypt(&alice, altered_ref)), altered_plaintext);
    assert_ne!(altered_plaintext, long_plaintext.as_bytes());
    cases.valid(
        "the ciphertext's second block changed: the MAC (over the empty string) does not \
         notice, the third plaintext block has the same bit flipped; libolm and vodozemac \
         decrypt it the same way",
        with(
            message_fields(&alice, altered_ref),
            json!({"operation": "decrypt", "plaintext": hex(&altered_plaintext)}),
        ),
        &["MacDoesNotCoverCiphertext", "LibolmAccepts", "VodozemacAccepts"],
    );

    // Small-order ephemeral keys: the shared secret is all zeroes; a message forged with it
    // (no secret needed) is decrypted by libolm.
    let mut zero_keys = [0u8; 80];
    ok(Hkdf::<Sha256>::new(Some(&[0u8; 32]), &[0u8; 32]).expand(b"", &mut zero_keys));
    let aes: [u8; 32] = array(&zero_keys[..32]);
    let iv: [u8; 16] = array(&zero_keys[64..]);
    let forged = cbc::Encryptor::<Aes256>::new((&aes).into(), (&iv).into())
        .encrypt_padded_vec::<Pkcs7>(b"forged without any secret");
    let mut mac = ok(<Hmac<Sha256> as KeyInit>::new_from_slice(&zero_keys[32..64]));
    mac.update(b"");
    let forged_mac = base64_encode(&mac.finalize().into_bytes()[..8]);
    for (name, point) in low_order_points() {
        assert_eq!(x25519_dalek::x25519(alice, point), [0u8; 32]);
        let key = base64_encode(point);
        let message = (base64_encode(&forged), forged_mac.clone(), key);
        let theirs = (message.0.as_str(), message.1.as_str(), message.2.as_str());
        let mut flags = vec!["LowOrderPublic"];
        if libolm_decrypt(&alice, theirs).is_ok() {
            flags.push("LibolmAccepts");
        }
        assert!(vodozemac_decrypt(&alice, theirs).is_err());
        cases.invalid(
            &format!("the ephemeral key is {name}: forged with the all-zero shared secret"),
            with(message_fields(&alice, theirs), json!({"operation": "decrypt"})),
            "NonContributoryKey",
            &flags,
        );
    }

    // Decoding errors (MessageDecodeError), among them CVE-2021-34813's inputs.
    for (comment, message, error) in [
        ("the ephemeral key is 31 bytes", (c.clone(), m.clone(), base64_encode([7u8; 31])), "Key"),
        ("the ephemeral key is 33 bytes", (c.clone(), m.clone(), base64_encode([7u8; 33])), "Key"),
        (
            "the ciphertext is base64 of a length = 1 (mod 4) (CVE-2021-34813)",
            (one_mod_four(c.clone()), m.clone(), e.clone()),
            "Base64",
        ),
        (
            "the MAC is base64 of a length = 1 (mod 4)",
            (c.clone(), one_mod_four(m.clone()), e.clone()),
            "Base64",
        ),
        (
            "the ciphertext has a character outside base64",
            (format!("{c}!"), m.clone(), e.clone()),
            "Base64",
        ),
    ] {
        if error == "Base64" && !message.0.ends_with('!') {
            assert!(message.0.len() % 4 == 1 || message.1.len() % 4 == 1);
        }
        cases.invalid(
            comment,
            with(
                message_fields(&alice, (&message.0, &message.1, &message.2)),
                json!({"operation": "decrypt"}),
            ),
            error,
            &["MalformedMessage"],
        );
    }

    // --- libolm pickles ---
    let v8_pickle = PkDecryption::from_private_key(&alice).pickle(b"secret_key");
    assert_eq!(v8_pickle, V8_PICKLE, "libolm's own test pickle");
    let mut pickles = vec![(alice, b"secret_key".to_vec(), true)];
    pickles.push((array(&stream.take(32)), Vec::new(), false));
    pickles.push((array(&stream.take(32)), b"DEFAULT_PICKLE_KEY".to_vec(), false));
    pickles.push((array(&stream.take(32)), stream.take(32), false));
    for (private, key, published) in pickles {
        let libolm = PkDecryption::from_private_key(&private);
        let pickle = libolm.pickle(&key);
        let restored = ok(vz::PkDecryption::from_libolm_pickle(&pickle, &key));
        assert_eq!(restored.public_key().to_base64(), libolm.public_key());
        assert_eq!(ok(restored.to_libolm_pickle(&key)), pickle);
        let comment = if published {
            "libolm tests/test_pk.cpp: RFC 7748 Alice's key pickled under \"secret_key\"".to_owned()
        } else {
            format!("a libolm pickle under a {}-byte key", key.len())
        };
        let mut flags = vec!["RoundTripExact", "VodozemacAccepts"];
        if published {
            flags.push("LibolmTestSuite");
        }
        cases.valid(
            &comment,
            json!({
                "operation": "pickle",
                "pickle": pickle,
                "pickleKey": hex(&key),
                "publicKey": libolm.public_key(),
                "privateKey": hex(&private),
            }),
            &flags,
        );
    }
    let plain = open(V8_PICKLE, b"secret_key");
    assert_eq!(plain.len(), 68);
    let mut version_2 = plain.clone();
    version_2[3] = 2;
    let mut mismatched = plain.clone();
    mismatched[4] ^= 1;
    let mut extra = plain.clone();
    extra.push(0);
    for (comment, pickle, error) in [
        ("the pickle key is wrong", V8_PICKLE.to_owned(), "Decryption"),
        ("version 2", seal(&version_2, b"secret_key"), "Version"),
        ("the secret key is cut short", seal(&plain[..60], b"secret_key"), "Decode"),
        ("one byte after the end", seal(&extra, b"secret_key"), "Decode"),
        ("only 2 bytes: no version", seal(&plain[..2], b"secret_key"), "MissingVersion"),
        (
            "the stored public key is not the secret key's",
            seal(&mismatched, b"secret_key"),
            "Decode",
        ),
        ("not base64", format!("{V8_PICKLE}!"), "Base64"),
    ] {
        let key: &[u8] = if error == "Decryption" { b"wrong" } else { b"secret_key" };
        let mut flags = vec![];
        if PkDecryption::unpickle(&pickle, key).is_ok() {
            flags.push("LibolmAccepts");
            flags.push("StricterThanLibolm");
        }
        if vz::PkDecryption::from_libolm_pickle(&pickle, key).is_ok() {
            flags.push("VodozemacAccepts");
        }
        cases.invalid(
            comment,
            json!({"operation": "pickle", "pickle": pickle, "pickleKey": hex(key)}),
            error,
            &flags,
        );
    }

    file(
        "pk_encryption/pk_encryption_libolm.json",
        "pk-encryption",
        "libolm 3.2.13 + vodozemac 0.11.1 + matrix-rust-sdk",
        "pk-encryption",
        &[
            "libolm's PkEncryption, the key backup algorithm m.megolm_backup.v1.curve25519-aes-sha2: \
             HKDF-SHA-256(zero salt, X25519(ephemeral, recipient), info \"\") gives AES key, MAC \
             key and IV; the ciphertext is AES-256-CBC-PKCS7; the MAC is the first 8 bytes of \
             HMAC-SHA-256 of the EMPTY STRING (libolm's bug, kept by the specification), so it \
             does not cover the ciphertext. Keys are hex (recipientPrivateKey, privateKey, \
             ephemeralRandom); ciphertext, mac, ephemeralKey, publicKey and pickles are unpadded \
             base64, as in a backup's session_data.",
            "operation encrypt: PkEncryption::from_key(recipientPublicKey).encrypt_with_rng(\
             plaintext) with ephemeralRandom as the 32 random bytes (used as the ephemeral \
             secret key, as libolm's olm_pk_encrypt uses them) must give ciphertext, mac and \
             ephemeralKey exactly (made by libolm, decrypted by vodozemac); the runner also \
             decrypts. operation decrypt: PkDecryption::from_key(recipientPrivateKey).decrypt(\
             Message::from_base64(ciphertext, mac, ephemeralKey)) must give plaintext, or fail \
             with error: Mac, InvalidPadding, NonContributoryKey (salamander::pk_encryption::\
             Error) or Base64, Key (salamander::pk_encryption::MessageDecodeError).",
            "operation pickle: PkDecryption::from_libolm_pickle(pickle, pickleKey) must give \
             publicKey and privateKey, and (RoundTripExact) to_libolm_pickle(pickleKey) must give \
             pickle again; or fail with a salamander::LibolmPickleError kind: Decryption, \
             Version, Decode, MissingVersion, Base64. Broken pickles were sealed by the \
             generator with libolm's envelope and given to libolm; LibolmAccepts and \
             StricterThanLibolm mark what libolm 3.2.13 reads.",
            "LibolmNotAsked: libolm 3.2.13 was not given the input, because its olm_pk_decrypt \
             reads out of bounds on a ciphertext that is not a positive multiple of 16 bytes \
             (an empty ciphertext crashed the generator with a segmentation fault in \
             _olm_crypto_aes_decrypt_cbc).",
            "Sources: libolm tests/test_pk.cpp (decryption vector and pickle, flag \
             LibolmTestSuite, Apache-2.0); matrix-rust-sdk crates/matrix-sdk-crypto/src/backups/\
             keys/decryption.rs test_decrypt_key (flag MatrixRustSdk, Apache-2.0); the rest made \
             by libolm 3.2.13 with fixed randomness and checked with vodozemac 0.11.1. \
             LibolmAccepts and VodozemacAccepts on invalid cases record what those libraries do \
             with the input (informative).",
        ],
        cases,
    )
}

fn signing_file() -> VectorFile {
    let mut cases = Cases::default();
    let utility = Utility::new();
    let mut seeds: Vec<([u8; 32], &str, &[&str])> = vec![
        (
            array(&unhex(ALICE_PRIVATE)),
            "libolm tests/test_pk.cpp Public Key Signing seed (RFC 7748 Alice's key)",
            &["LibolmTestSuite"],
        ),
        (
            array(&unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")),
            "RFC 8032 §7.1 TEST 1 seed",
            &["Rfc8032"],
        ),
    ];
    let mut stream = Stream::new("pk/signing");
    let random: Vec<[u8; 32]> = (0..2).map(|_| array(&stream.take(32))).collect();
    for seed in &random {
        seeds.push((*seed, "a random seed", &["Random"]));
    }
    let messages: [&str; 3] = [
        V8_SIGNED_MESSAGE,
        "",
        "{\"keys\":{\"ed25519:aKey\":\"aKey\"},\"usage\":[\"self_signing\"],\"user_id\":\"@alice:example.org\"}",
    ];
    for (seed, what, flags) in seeds {
        let signing = PkSigning::from_seed(&seed);
        for message in messages {
            let signature = signing.sign(message.as_bytes());
            ok(utility.ed25519_verify(&signing.public_key(), message.as_bytes(), &signature));
            let key = ok(vodozemac::Ed25519PublicKey::from_base64(&signing.public_key()));
            ok(key.verify(
                message.as_bytes(),
                &ok(vodozemac::Ed25519Signature::from_base64(&signature)),
            ));
            cases.valid(
                &format!("{what}, a {}-byte message", message.len()),
                json!({
                    "seed": hex(&seed),
                    "publicKey": signing.public_key(),
                    "message": hex(message.as_bytes()),
                    "signature": signature,
                }),
                flags,
            );
        }
    }
    file(
        "pk_encryption/pk_signing_libolm.json",
        "pk-signing",
        "libolm 3.2.13",
        "pk-encryption",
        &[
            "libolm's PkSigning: an Ed25519 key from a 32-byte seed (olm_pk_signing_key_from_seed), \
             signing bytes (olm_pk_sign). seed and message are hex, publicKey and signature \
             unpadded base64. PkSigning::from_seed(seed) must have publicKey and sign message \
             to exactly signature (Ed25519 is deterministic); the runner also verifies it. Each \
             signature was verified by libolm's olm_ed25519_verify and by vodozemac 0.11.1.",
        ],
        cases,
    )
}

pub(crate) fn vectors() -> Vec<VectorFile> {
    vec![encryption_file(), signing_file()]
}
