//! Known-answer vectors for the primitives salamander is built from: HKDF-SHA-256 (RFC 5869),
//! HMAC-SHA-256 (RFC 4231), AES-256-CBC with PKCS#7 (NIST SP 800-38A), X25519 (RFC 7748),
//! Ed25519 (RFC 8032) and unpadded base64 (the Matrix specification's appendix).
//!
//! Published vectors are written here as constants and each is recomputed with the RustCrypto
//! and dalek crates before it is written, so a typo cannot reach a file. The other cases
//! (Olm-style KDF and MAC inputs, padding errors, low-order points, malleated signatures, base64
//! edge cases) are built with the same crates and checked with them: a low-order point must give
//! an all-zero X25519 result, every invalid signature must be refused by ed25519-dalek's
//! `verify_strict`, and every base64 case must be decoded (or refused) by vodozemac 0.11.1 as the
//! case says. salamander itself is never used here.

use aes::Aes256;
use cbc::cipher::{
    block_padding::{NoPadding, Pkcs7},
    BlockModeDecrypt, BlockModeEncrypt, KeyIvInit,
};
use curve25519_dalek::{
    edwards::CompressedEdwardsY, montgomery::MontgomeryPoint, scalar::Scalar, traits::IsIdentity,
    EdwardsPoint,
};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256, Sha512};

use crate::{
    random::{hex, Stream},
    VectorFile,
};

const GENERATOR: &str = "cargo run -p salamander-vector-gen -- primitives";

fn unhex(text: &str) -> Vec<u8> {
    assert!(text.len().is_multiple_of(2), "odd-length hex {text}");
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap_or_else(|e| panic!("{e}: {text}")))
        .collect()
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    bytes.try_into().unwrap_or_else(|_| panic!("expected {N} bytes, got {}", bytes.len()))
}

/// The cases of one file, numbered in order.
#[derive(Default)]
struct Cases(Vec<Value>);

impl Cases {
    fn push(
        &mut self,
        comment: &str,
        fields: Value,
        result: &str,
        error: Option<&str>,
        flags: &[&str],
    ) {
        let mut case = Map::new();
        case.insert("tcId".into(), json!(self.0.len() + 1));
        case.insert("comment".into(), json!(comment));
        for (name, value) in fields.as_object().cloned().unwrap_or_default() {
            case.insert(name, value);
        }
        case.insert("result".into(), json!(result));
        if let Some(error) = error {
            case.insert("error".into(), json!(error));
        }
        case.insert("flags".into(), json!(flags));
        self.0.push(Value::Object(case));
    }

    fn valid(&mut self, comment: &str, fields: Value, flags: &[&str]) {
        self.push(comment, fields, "valid", None, flags);
    }

    fn acceptable(&mut self, comment: &str, fields: Value, flags: &[&str]) {
        self.push(comment, fields, "acceptable", None, flags);
    }

    fn invalid(&mut self, comment: &str, fields: Value, error: &str, flags: &[&str]) {
        self.push(comment, fields, "invalid", Some(error), flags);
    }
}

fn file(
    path: &'static str,
    algorithm: &str,
    source: &str,
    notes: &[&str],
    cases: Cases,
) -> VectorFile {
    VectorFile {
        path,
        content: json!({
            "algorithm": algorithm,
            "source": source,
            "generator": GENERATOR,
            "notes": notes,
            "numberOfTests": cases.0.len(),
            "tests": cases.0,
        }),
    }
}

// --- HKDF-SHA-256 ------------------------------------------------------------------------------

fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|e| panic!("HMAC: {e}"));
    mac.update(message);
    array(&mac.finalize().into_bytes())
}

/// `(PRK, OKM)`; an empty salt is passed as "no salt" (RFC 5869: HashLen zero bytes).
fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], size: usize) -> (Vec<u8>, Vec<u8>) {
    let salt = if salt.is_empty() { None } else { Some(salt) };
    let (prk, hkdf) = Hkdf::<Sha256>::extract(salt, ikm);
    let mut okm = vec![0u8; size];
    hkdf.expand(info, &mut okm).unwrap_or_else(|e| panic!("HKDF: {e}"));
    (prk.to_vec(), okm)
}

fn hkdf_fields(salt: &[u8], ikm: &[u8], info: &[u8], size: usize) -> Value {
    let (prk, okm) = hkdf_sha256(salt, ikm, info, size);
    assert_eq!(prk, hmac_sha256(salt, ikm), "PRK = HMAC(salt, IKM)");
    json!({
        "ikm": hex(ikm),
        "salt": hex(salt),
        "info": hex(info),
        "size": size,
        "prk": hex(&prk),
        "okm": hex(&okm),
    })
}

/// RFC 5869 appendix A.1–A.3: `(title, IKM, salt, info, L, PRK, OKM)`.
const RFC5869: [(&str, &str, &str, &str, usize, &str, &str); 3] = [
    (
        "RFC 5869 A.1: basic test case with SHA-256",
        "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
        "000102030405060708090a0b0c",
        "f0f1f2f3f4f5f6f7f8f9",
        42,
        "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5",
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    ),
    (
        "RFC 5869 A.2: SHA-256 with longer inputs and outputs",
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f",
        "606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeaf",
        "b0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
        82,
        "06a6b88c5853361a06104c9ceb35b45cef760014904671014a193f40c15fc244",
        "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87",
    ),
    (
        "RFC 5869 A.3: SHA-256 with zero-length salt and info",
        "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
        "",
        "",
        42,
        "19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04",
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
    ),
];

fn hkdf_file() -> VectorFile {
    let mut cases = Cases::default();
    for (title, ikm, salt, info, size, prk, okm) in RFC5869 {
        let fields = hkdf_fields(&unhex(salt), &unhex(ikm), &unhex(info), size);
        assert_eq!(fields["prk"], prk, "{title}: PRK");
        assert_eq!(fields["okm"], okm, "{title}: OKM");
        let mut flags = vec!["Rfc5869"];
        if salt.is_empty() {
            flags.push("EmptySalt");
        }
        if title.contains("A.1") {
            flags.push("LibolmTestSuite");
        }
        cases.valid(title, fields, &flags);
    }

    let mut stream = Stream::new("salamander primitives hkdf");
    let shared_secret = stream.take(96);
    let root = hkdf_fields(b"", &shared_secret, b"OLM_ROOT", 64);
    cases.valid(
        "Olm's root key and first chain key: HKDF(salt empty, IKM = 96-byte triple-DH secret, \"OLM_ROOT\", 64)",
        root.clone(),
        &["OlmStyle", "EmptySalt"],
    );
    let zero_salt = hkdf_fields(&[0u8; 32], &shared_secret, b"OLM_ROOT", 64);
    assert_eq!(zero_salt["okm"], root["okm"], "an empty salt is 32 zero bytes");
    cases.valid(
        "the previous case with the salt written out as 32 zero bytes: RFC 5869 section 2.2 makes an empty salt HashLen zeros, so the output is the same",
        zero_salt,
        &["OlmStyle", "ZeroSalt"],
    );
    let root_key = stream.take(32);
    let ratchet_dh = stream.take(32);
    cases.valid(
        "Olm's root-key advance: HKDF(salt = root key, IKM = 32-byte DH of the ratchet keys, \"OLM_RATCHET\", 64)",
        hkdf_fields(&root_key, &ratchet_dh, b"OLM_RATCHET", 64),
        &["OlmStyle"],
    );
    let message_key = stream.take(32);
    cases.valid(
        "Olm's message keys: HKDF(salt empty, IKM = 32-byte message key, \"OLM_KEYS\", 80) = AES key || MAC key || IV",
        hkdf_fields(b"", &message_key, b"OLM_KEYS", 80),
        &["OlmStyle", "EmptySalt"],
    );
    let ratchet = stream.take(128);
    cases.valid(
        "Megolm's message keys: HKDF(salt empty, IKM = 128-byte ratchet, \"MEGOLM_KEYS\", 80)",
        hkdf_fields(b"", &ratchet, b"MEGOLM_KEYS", 80),
        &["OlmStyle", "EmptySalt"],
    );
    cases.valid(
        "the pickle envelope under an empty pickle key: HKDF(salt empty, IKM empty, \"Pickle\", 80)",
        hkdf_fields(b"", b"", b"Pickle", 80),
        &["OlmStyle", "EmptySalt", "EmptyIkm"],
    );
    let pickle_key = stream.take(32);
    cases.valid(
        "the pickle envelope under a 32-byte pickle key: HKDF(salt empty, IKM = key, \"Pickle\", 80)",
        hkdf_fields(b"", &pickle_key, b"Pickle", 80),
        &["OlmStyle", "EmptySalt"],
    );
    let ikm = stream.take(32);
    cases.valid(
        "the longest output HKDF-SHA-256 allows, 255 x 32 = 8160 bytes (the block counter reaches 0xff)",
        hkdf_fields(b"", &ikm, b"salamander: longest HKDF output", 255 * 32),
        &["MaximumLength", "EmptySalt"],
    );

    file(
        "primitives/hkdf_sha256.json",
        "hkdf-sha256",
        "RFC 5869",
        &[
            "HKDF-SHA-256 (RFC 5869): 'okm' = HKDF-Expand(HKDF-Extract('salt', 'ikm'), 'info', 'size'); all fields hex, 'size' in bytes. 'prk' = HMAC-SHA-256(key = 'salt', 'ikm') is the intermediate pseudorandom key; an empty salt means HashLen (32) zero bytes, which as an HMAC key is the same as the empty key.",
            "Cases flagged Rfc5869 are appendix A.1-A.3 verbatim (the SHA-256 cases). A.1 is also libolm's own HKDF test (tests/test_crypto.cpp, \"HDKF Test Case 1\"), flagged LibolmTestSuite.",
            "Cases flagged OlmStyle use the info strings and input sizes of Olm, Megolm and the pickle envelope, with inputs from a fixed stream (SHA-256 of a label and a counter); their outputs are computed with the RustCrypto hkdf crate.",
        ],
        cases,
    )
}

// --- HMAC-SHA-256 ------------------------------------------------------------------------------

/// RFC 4231 section 4, HMAC-SHA-256 only: `(test case, key, data, tag)`; "aa x 131" is 131
/// bytes of 0xaa.
const RFC4231: [(u32, &str, &str, &str); 7] = [
    (1, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (2, "4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
    (3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (4, "0102030405060708090a0b0c0d0e0f10111213141516171819", "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
    (5, "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e", "a3b6167473100ee06e0c796c2955552b"),
    (6, "aa x 131", "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    (7, "aa x 131", "5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
];

fn mac_fields(key: &[u8], message: &[u8], tag_length: usize) -> Value {
    let tag = hmac_sha256(key, message);
    json!({"key": hex(key), "msg": hex(message), "tag": hex(&tag[..tag_length])})
}

fn hmac_file() -> VectorFile {
    let mut cases = Cases::default();
    for (number, key, data, tag) in RFC4231 {
        // Test cases 6 and 7 use a key of 131 bytes of 0xaa.
        let key = if key == "aa x 131" { vec![0xaa; 131] } else { unhex(key) };
        let data = unhex(data);
        let fields = mac_fields(&key, &data, tag.len() / 2);
        assert_eq!(fields["tag"], tag, "RFC 4231 test case {number}");
        let comment = match number {
            5 => "RFC 4231 test case 5: output truncated to 128 bits (the tag is the first 16 bytes of the MAC)".to_owned(),
            6 => "RFC 4231 test case 6: a 131-byte key, longer than the block, is hashed first".to_owned(),
            7 => "RFC 4231 test case 7: a 131-byte key and a message longer than the block".to_owned(),
            n => format!("RFC 4231 test case {n}"),
        };
        let mut flags = vec!["Rfc4231"];
        if number == 5 {
            flags.push("Truncated");
        }
        if number >= 6 {
            flags.push("LongKey");
        }
        cases.valid(&comment, fields, &flags);
    }

    let fields = mac_fields(b"", b"", 32);
    assert_eq!(fields["tag"], "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
    cases.valid(
        "libolm's tests/test_crypto.cpp \"HMAC Test Case 1\": empty key, empty message",
        fields,
        &["LibolmTestSuite", "EmptyKey"],
    );

    let mut stream = Stream::new("salamander primitives hmac");
    let mac_key = stream.take(32);
    let mut olm_message = vec![0x03, 0x0a, 0x20];
    olm_message.extend(stream.take(32));
    olm_message.extend([0x10, 0x05, 0x22, 0x20]);
    olm_message.extend(stream.take(32));
    cases.valid(
        "an Olm v1 message MAC: HMAC-SHA-256(MAC key, version || payload), truncated to its first 8 bytes",
        mac_fields(&mac_key, &olm_message, 8),
        &["OlmStyle", "Truncated"],
    );
    let megolm_key = stream.take(32);
    let mut megolm_message = vec![0x03, 0x08, 0x2a, 0x12, 0x20];
    megolm_message.extend(stream.take(32));
    cases.valid(
        "a Megolm v1 message MAC: HMAC-SHA-256(MAC key, version || payload), truncated to its first 8 bytes",
        mac_fields(&megolm_key, &megolm_message, 8),
        &["OlmStyle", "Truncated"],
    );
    let pickle_mac_key = stream.take(32);
    let pickle_ciphertext = stream.take(80);
    cases.valid(
        "a pickle envelope MAC: HMAC-SHA-256(MAC key, ciphertext), truncated to its first 8 bytes",
        mac_fields(&pickle_mac_key, &pickle_ciphertext, 8),
        &["OlmStyle", "Truncated"],
    );
    let chain_key = stream.take(32);
    cases.valid(
        "Olm's chain-key advance: C' = HMAC-SHA-256(C, 0x02)",
        mac_fields(&chain_key, &[0x02], 32),
        &["OlmStyle"],
    );
    cases.valid(
        "Olm's message key: M = HMAC-SHA-256(C, 0x01), same chain key as the previous case",
        mac_fields(&chain_key, &[0x01], 32),
        &["OlmStyle"],
    );
    let megolm_part = stream.take(32);
    cases.valid(
        "a Megolm ratchet step: R_i,3 = HMAC-SHA-256(R_i-1,3, 0x03)",
        mac_fields(&megolm_part, &[0x03], 32),
        &["OlmStyle"],
    );

    let (key, data, tag) = (unhex(RFC4231[1].1), unhex(RFC4231[1].2), unhex(RFC4231[1].3));
    let mut modified = tag.clone();
    modified[31] ^= 0x01;
    cases.invalid(
        "RFC 4231 test case 2 with the last bit of the tag flipped",
        json!({"key": hex(&key), "msg": hex(&data), "tag": hex(&modified)}),
        "Mac",
        &["ModifiedTag"],
    );
    let full = hmac_sha256(&mac_key, &olm_message);
    let mut modified = full[..8].to_vec();
    modified[0] ^= 0x80;
    cases.invalid(
        "the Olm message MAC case with the first bit of its 8-byte tag flipped",
        json!({"key": hex(&mac_key), "msg": hex(&olm_message), "tag": hex(&modified)}),
        "Mac",
        &["ModifiedTag", "Truncated"],
    );
    cases.invalid(
        "the Olm message MAC case with the LAST 8 bytes of the MAC as its tag: Olm truncates to the first 8",
        json!({"key": hex(&mac_key), "msg": hex(&olm_message), "tag": hex(&full[24..])}),
        "Mac",
        &["WrongTruncation", "Truncated"],
    );
    let mut longer = olm_message.clone();
    longer.push(0);
    cases.invalid(
        "the Olm message MAC case's tag over the message with a zero byte appended",
        json!({"key": hex(&mac_key), "msg": hex(&longer), "tag": hex(&full[..8])}),
        "Mac",
        &["ModifiedMessage", "Truncated"],
    );

    file(
        "primitives/hmac_sha256.json",
        "hmac-sha256",
        "RFC 4231",
        &[
            "HMAC-SHA-256 (RFC 2104) of 'msg' under 'key' (hex, any length). 'tag' is the MAC or, when shorter than 32 bytes (flag Truncated), its leading bytes: the runner compares the tag with the same number of leading bytes of the MAC it computes.",
            "Cases flagged Rfc4231 are RFC 4231 section 4, test cases 1-7 (HMAC-SHA-256 only; case 5 is truncated to 128 bits, as in the RFC). LibolmTestSuite is libolm's tests/test_crypto.cpp.",
            "Cases flagged OlmStyle use Olm's shapes: 8-byte truncated tags (Olm and Megolm v1 message MACs, the pickle envelope) and the one-byte chain and ratchet steps; inputs come from a fixed stream and the MACs from the RustCrypto hmac crate.",
            "Invalid cases carry a tag that is not the MAC (or its prefix): they must be refused, error Mac.",
        ],
        cases,
    )
}

// --- AES-256-CBC -------------------------------------------------------------------------------

const NIST_KEY: &str = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";
const NIST_IV: &str = "000102030405060708090a0b0c0d0e0f";
const NIST_PLAINTEXT: &str = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
const NIST_CIPHERTEXT: &str = "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b";

fn cbc_encrypt(key: &[u8], iv: &[u8], plaintext: &[u8]) -> Vec<u8> {
    cbc::Encryptor::<Aes256>::new_from_slices(key, iv)
        .unwrap_or_else(|e| panic!("AES-CBC: {e}"))
        .encrypt_padded_vec::<Pkcs7>(plaintext)
}

/// CBC over whole blocks, no padding added.
fn cbc_encrypt_raw(key: &[u8], iv: &[u8], blocks: &[u8]) -> Vec<u8> {
    assert!(blocks.len().is_multiple_of(16));
    cbc::Encryptor::<Aes256>::new_from_slices(key, iv)
        .unwrap_or_else(|e| panic!("AES-CBC: {e}"))
        .encrypt_padded_vec::<NoPadding>(blocks)
}

fn cbc_decrypt(key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Option<Vec<u8>> {
    cbc::Decryptor::<Aes256>::new_from_slices(key, iv)
        .unwrap_or_else(|e| panic!("AES-CBC: {e}"))
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .ok()
}

fn aes_valid(
    cases: &mut Cases,
    comment: &str,
    key: &[u8],
    iv: &[u8],
    plaintext: &[u8],
    flags: &[&str],
) -> Vec<u8> {
    let ciphertext = cbc_encrypt(key, iv, plaintext);
    assert_eq!(cbc_decrypt(key, iv, &ciphertext).as_deref(), Some(plaintext));
    cases.valid(
        comment,
        json!({"key": hex(key), "iv": hex(iv), "msg": hex(plaintext), "ct": hex(&ciphertext)}),
        flags,
    );
    ciphertext
}

fn aes_invalid(
    cases: &mut Cases,
    comment: &str,
    key: &[u8],
    iv: &[u8],
    ciphertext: &[u8],
    flags: &[&str],
) {
    assert_eq!(cbc_decrypt(key, iv, ciphertext), None, "{comment}: the cbc crate accepts it");
    let mut fields = json!({"key": hex(key), "iv": hex(iv), "ct": hex(ciphertext)});
    if !ciphertext.is_empty() && ciphertext.len().is_multiple_of(16) {
        let raw = cbc::Decryptor::<Aes256>::new_from_slices(key, iv)
            .unwrap_or_else(|e| panic!("AES-CBC: {e}"))
            .decrypt_padded_vec::<NoPadding>(ciphertext)
            .unwrap_or_else(|e| panic!("AES-CBC: {e}"));
        fields["rawPlaintext"] = json!(hex(&raw));
    }
    cases.invalid(comment, fields, "InvalidPadding", flags);
}

fn aes_file() -> VectorFile {
    let mut cases = Cases::default();
    let (key, iv) = (unhex(NIST_KEY), unhex(NIST_IV));
    let nist = aes_valid(
        &mut cases,
        "NIST SP 800-38A F.2.5 (CBC-AES256.Encrypt) and F.2.6 (CBC-AES256.Decrypt): the first 64 bytes of 'ct' are NIST's ciphertext, the last block is the encrypted PKCS#7 padding block (16 x 0x10) that a 64-byte plaintext gets",
        &key,
        &iv,
        &unhex(NIST_PLAINTEXT),
        &["Nist", "FullPaddingBlock"],
    );
    assert_eq!(hex(&nist[..64]), NIST_CIPHERTEXT, "NIST SP 800-38A F.2.5");

    let ciphertext = aes_valid(
        &mut cases,
        "libolm's tests/test_crypto.cpp \"AES Test Case 1\": zero key, zero IV, one zero block",
        &[0u8; 32],
        &[0u8; 16],
        &[0u8; 16],
        &["LibolmTestSuite", "FullPaddingBlock"],
    );
    assert_eq!(
        hex(&ciphertext),
        "dc95c078a2408989ad48a21492842087f3c003ddc4a7b8a94baedffc3d214c38"
    );

    let mut stream = Stream::new("salamander primitives aes-256-cbc");
    let (key, iv) = (stream.take(32), stream.take(16));
    aes_valid(
        &mut cases,
        "empty plaintext: one padding block",
        &key,
        &iv,
        b"",
        &["EmptyPlaintext", "FullPaddingBlock"],
    );
    for (length, flags) in
        [(1, vec![]), (15, vec![]), (17, vec![]), (32, vec!["FullPaddingBlock"]), (47, vec![])]
    {
        let plaintext = stream.take(length);
        aes_valid(&mut cases, &format!("{length}-byte plaintext"), &key, &iv, &plaintext, &flags);
    }

    aes_invalid(
        &mut cases,
        "NIST's 64-byte ciphertext on its own (F.2.6 without a padding block): the plaintext ends in 0x10 but the rest of its last block is not 0x10",
        &unhex(NIST_KEY),
        &unhex(NIST_IV),
        &unhex(NIST_CIPHERTEXT),
        &["Nist", "InconsistentPadding"],
    );
    let mut block = stream.take(16);
    block[15] = 0;
    aes_invalid(
        &mut cases,
        "the last plaintext byte is 0",
        &key,
        &iv,
        &cbc_encrypt_raw(&key, &iv, &block),
        &["ZeroPaddingByte"],
    );
    let mut block = stream.take(16);
    block[15] = 17;
    aes_invalid(
        &mut cases,
        "the last plaintext byte is 17, more than a block",
        &key,
        &iv,
        &cbc_encrypt_raw(&key, &iv, &block),
        &["PaddingTooLong"],
    );
    let mut blocks = stream.take(32);
    blocks[16..].fill(17);
    aes_invalid(
        &mut cases,
        "two blocks, the second all 17s: a padding length of 17 is refused even though 17 bytes of 17 precede the end",
        &key,
        &iv,
        &cbc_encrypt_raw(&key, &iv, &blocks),
        &["PaddingTooLong"],
    );
    let mut block = stream.take(16);
    block[15] = 0xff;
    aes_invalid(
        &mut cases,
        "the last plaintext byte is 0xff",
        &key,
        &iv,
        &cbc_encrypt_raw(&key, &iv, &block),
        &["PaddingTooLong"],
    );
    let mut block = stream.take(16);
    block[13..].copy_from_slice(&[0x01, 0x03, 0x03]);
    aes_invalid(
        &mut cases,
        "inconsistent padding: the plaintext ends 01 03 03 (three bytes of padding announced, two present)",
        &key,
        &iv,
        &cbc_encrypt_raw(&key, &iv, &block),
        &["InconsistentPadding"],
    );
    let mut block = stream.take(16);
    block[8..].copy_from_slice(&[0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x07]);
    aes_invalid(
        &mut cases,
        "inconsistent padding: seven bytes of 0x08 followed by 0x07",
        &key,
        &iv,
        &cbc_encrypt_raw(&key, &iv, &block),
        &["InconsistentPadding"],
    );
    let valid = cbc_encrypt(&key, &iv, &stream.take(20));
    aes_invalid(
        &mut cases,
        "a valid 32-byte ciphertext with its last byte removed (31 bytes, not a multiple of 16)",
        &key,
        &iv,
        &valid[..31],
        &["InvalidLength"],
    );
    let mut longer = valid.clone();
    longer.push(0);
    aes_invalid(
        &mut cases,
        "the same ciphertext with a zero byte appended (33 bytes)",
        &key,
        &iv,
        &longer,
        &["InvalidLength"],
    );
    aes_invalid(
        &mut cases,
        "empty ciphertext",
        &key,
        &iv,
        b"",
        &["InvalidLength", "EmptyCiphertext"],
    );

    file(
        "primitives/aes_256_cbc.json",
        "aes-256-cbc",
        "NIST SP 800-38A",
        &[
            "AES-256 in CBC mode with PKCS#7 padding, as Olm, Megolm and the pickle envelope use it: 'ct' = AES-256-CBC('key', 'iv', PKCS#7('msg')). A valid case is checked both ways: encrypting 'msg' gives 'ct' and decrypting 'ct' gives 'msg'. A plaintext whose length is a multiple of 16 gets a whole block of padding (flag FullPaddingBlock).",
            "The case flagged Nist is NIST SP 800-38A appendix F.2.5/F.2.6: NIST encrypts four whole blocks without padding, so its ciphertext is the first 64 bytes of 'ct'; the decryption of all 80 bytes is NIST's plaintext. LibolmTestSuite is libolm's tests/test_crypto.cpp.",
            "Invalid cases must be refused on decryption, error InvalidPadding: strict PKCS#7 (the last byte n must be 1..16 and the last n bytes must all be n) and a length that is a positive multiple of 16. They were made by encrypting chosen blocks without padding; 'rawPlaintext' is what CBC decryption gives before unpadding.",
        ],
        cases,
    )
}

// --- X25519 ------------------------------------------------------------------------------------

/// p = 2^255 - 19, little-endian.
const P: [u8; 32] = {
    let mut p = [0xff; 32];
    p[0] = 0xed;
    p[31] = 0x7f;
    p
};

/// The value X25519 actually uses: bit 255 cleared, then reduced modulo p.
fn canonical_u(u: &[u8; 32]) -> [u8; 32] {
    let mut v = *u;
    v[31] &= 0x7f;
    let at_least_p =
        v.iter().rev().zip(P.iter().rev()).find(|(a, b)| a != b).is_none_or(|(a, b)| a > b);
    if at_least_p {
        let mut borrow = 0i16;
        for (digit, p) in v.iter_mut().zip(P) {
            let d = i16::from(*digit) - i16::from(p) - borrow;
            borrow = i16::from(d < 0);
            *digit = (d + 256 * borrow) as u8;
        }
    }
    v
}

fn with_high_bit(u: &[u8; 32]) -> [u8; 32] {
    let mut v = *u;
    v[31] |= 0x80;
    v
}

fn x25519(private: &[u8; 32], public: &[u8; 32]) -> [u8; 32] {
    x25519_dalek::x25519(*private, *public)
}

fn x25519_fields(private: &[u8; 32], public: &[u8; 32]) -> Value {
    json!({"private": hex(private), "public": hex(public), "shared": hex(&x25519(private, public))})
}

const BASE_POINT: [u8; 32] = {
    let mut u = [0; 32];
    u[0] = 9;
    u
};

fn x25519_file() -> VectorFile {
    let mut cases = Cases::default();

    // RFC 7748 section 5.2.
    for (scalar, u, expected) in [
        (
            "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
            "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
            "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
        ),
        (
            "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
            "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
            "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
        ),
    ] {
        let (scalar, u) = (array(&unhex(scalar)), array::<32>(&unhex(u)));
        let fields = x25519_fields(&scalar, &u);
        assert_eq!(fields["shared"], expected, "RFC 7748 5.2");
        let (comment, flags) = if u[31] & 0x80 == 0 {
            ("RFC 7748 section 5.2, first test vector", vec!["Rfc7748"])
        } else {
            (
                "RFC 7748 section 5.2, second test vector: the u-coordinate has bit 255 set, which X25519 masks",
                vec!["Rfc7748", "PublicKeyHighBit"],
            )
        };
        cases.valid(comment, fields, &flags);
    }
    let fields = x25519_fields(&BASE_POINT, &BASE_POINT);
    assert_eq!(
        fields["shared"],
        "422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"
    );
    cases.valid("RFC 7748 section 5.2, iterated: k = u = 9, one iteration", fields, &["Rfc7748"]);
    let (mut k, mut u) = (BASE_POINT, BASE_POINT);
    for _ in 0..1000 {
        (k, u) = (x25519(&k, &u), k);
    }
    assert_eq!(hex(&k), "684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
    cases.valid(
        "RFC 7748 section 5.2, iterated: k = u = 9, 1000 iterations of (k, u) <- (X25519(k, u), k); 'shared' is the final k",
        json!({"private": hex(&BASE_POINT), "public": hex(&BASE_POINT), "iterations": 1000, "shared": hex(&k)}),
        &["Rfc7748", "Iterated"],
    );

    // RFC 7748 section 6.1.
    let alice =
        array::<32>(&unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    let alice_public = "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";
    let bob =
        array::<32>(&unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    let bob_public = "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f";
    let shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    for (name, private, own_public, their_public) in
        [("Alice", alice, alice_public, bob_public), ("Bob", bob, bob_public, alice_public)]
    {
        assert_eq!(hex(&x25519(&private, &BASE_POINT)), own_public);
        let mut fields = x25519_fields(&private, &array(&unhex(their_public)));
        assert_eq!(fields["shared"], shared);
        fields["ownPublic"] = json!(own_public);
        cases.valid(
            &format!("RFC 7748 section 6.1, {name}'s side: 'ownPublic' is {name}'s public key, 'public' the other's (also libolm's tests/test_crypto.cpp \"Curve25519 Test Case 1\")"),
            fields,
            &["Rfc7748", "LibolmTestSuite"],
        );
    }

    for (private, comment) in [
        ([0u8; 32], "private key of 32 zero bytes: clamping makes the scalar 2^254"),
        (
            [0xffu8; 32],
            "private key of 32 0xff bytes: clamping clears the low three bits and bit 255",
        ),
    ] {
        let mut fields = x25519_fields(&private, &BASE_POINT);
        fields["ownPublic"] = fields["shared"].clone();
        cases.valid(comment, fields, &["Clamping"]);
    }

    // Low-order points.
    let mut stream = Stream::new("salamander primitives x25519");
    let mut low_order = Vec::new();
    for (u, name) in [
        ("0000000000000000000000000000000000000000000000000000000000000000", "u = 0 (order 4)"),
        ("0100000000000000000000000000000000000000000000000000000000000000", "u = 1 (order 1)"),
        ("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800", "a point of order 8"),
        (
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "the other point of order 8",
        ),
        ("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f", "u = p - 1 (order 2)"),
        (
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "u = p, a non-canonical 0",
        ),
        (
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "u = p + 1, a non-canonical 1",
        ),
    ] {
        let u = array::<32>(&unhex(u));
        for (u, name, high) in [
            (u, name.to_owned(), false),
            (with_high_bit(&u), format!("{name} with bit 255 set"), true),
        ] {
            let private = array::<32>(&stream.take(32));
            let fields = x25519_fields(&private, &u);
            assert_eq!(x25519(&private, &u), [0u8; 32], "{name}: not low order for x25519-dalek");
            let mut flags = vec!["LowOrderPublic", "ZeroSharedSecret"];
            let mut masked = u;
            masked[31] &= 0x7f;
            if canonical_u(&u) != masked {
                flags.push("NonCanonicalPublic");
            }
            if high {
                flags.push("PublicKeyHighBit");
            }
            low_order.push((
                format!("low-order public key: {name}; the shared secret is all zeroes"),
                fields,
                flags,
            ));
        }
    }
    for (comment, fields, flags) in low_order {
        cases.invalid(&comment, fields, "NonContributory", &flags);
    }

    // The rest of the 12 encodings of cr.yp.to/ecdh.html (for implementations that keep bit 255).
    for (u, name) in [
        (
            "cdeb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b880",
            "the first order-8 point plus p",
        ),
        (
            "4c9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f11d7",
            "the second order-8 point plus p",
        ),
        ("d9ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "2p - 1"),
        ("daffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "2p"),
        ("dbffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "2p + 1"),
    ] {
        let u = array::<32>(&unhex(u));
        let private = array::<32>(&stream.take(32));
        let shared = x25519(&private, &u);
        assert_ne!(shared, [0u8; 32], "{name}: low order after masking");
        assert_eq!(shared, x25519(&private, &canonical_u(&u)));
        cases.valid(
            &format!(
                "{name}: listed among the low-order encodings of cr.yp.to/ecdh.html, but that list is for implementations that keep bit 255; RFC 7748 masks it, leaving u = {}, which is not of low order, so the exchange is contributory",
                hex(&canonical_u(&u))
            ),
            x25519_fields(&private, &u),
            &["PublicKeyHighBit", "NotLowOrderAfterMasking"],
        );
    }

    // Non-canonical u >= p that are not of low order.
    for k in [2u8, 9, 18] {
        let mut u = P;
        let (sum, carry) = u[0].overflowing_add(k);
        u[0] = sum;
        assert!(!carry);
        assert_eq!(canonical_u(&u)[0], k);
        for (u, high) in [(u, false), (with_high_bit(&u), true)] {
            let private = array::<32>(&stream.take(32));
            let shared = x25519(&private, &u);
            assert_eq!(shared, x25519(&private, &canonical_u(&u)), "u = p + {k}");
            assert_ne!(shared, [0u8; 32]);
            let mut flags = vec!["NonCanonicalPublic"];
            let comment = if high {
                flags.push("PublicKeyHighBit");
                format!("u = p + {k} with bit 255 set: masked, then reduced modulo p, it is {k}; the result must equal X25519 with u = {k}")
            } else {
                format!("u = p + {k}, a non-canonical encoding of {k}: the result must equal X25519 with u = {k}")
            };
            cases.acceptable(&comment, x25519_fields(&private, &u), &flags);
        }
    }
    let private = array::<32>(&stream.take(32));
    cases.valid(
        "the base point u = 9 with bit 255 set: the bit is masked, the result is the public key of the private key",
        {
            let mut fields = x25519_fields(&private, &with_high_bit(&BASE_POINT));
            fields["ownPublic"] = json!(hex(&x25519(&private, &BASE_POINT)));
            assert_eq!(fields["ownPublic"], fields["shared"]);
            fields
        },
        &["PublicKeyHighBit"],
    );

    file(
        "primitives/x25519.json",
        "x25519",
        "RFC 7748, Wycheproof-style",
        &[
            "X25519 (RFC 7748): 'shared' = X25519('private', 'public'), all 32-byte hex. The private key is used as given (clamped inside the scalar multiplication, as libolm stores keys unclamped); bit 255 of the u-coordinate is masked and u is reduced modulo p, as RFC 7748 section 5 requires. When 'ownPublic' is present, the public key of 'private' (X25519 with the base point 9) must equal it. 'iterations' (RFC 7748's iterated test) repeats (k, u) <- (X25519(k, u), k) starting from k = 'private', u = 'public', and 'shared' is the final k.",
            "Invalid cases (error NonContributory): the public key is of low order, so the shared secret is all zeroes whatever the private key; salamander refuses such an exchange (Curve25519SecretKey::diffie_hellman returns None, KeyError::NonContributoryKey) so that no Olm session is built on a predictable secret. The generator checks with x25519-dalek that each gives an all-zero result. The set is the seven low-order encodings below 2^255 (0, 1, the two points of order 8, p - 1, p, p + 1) and each with bit 255 set.",
            "Five further encodings of the well-known 12-entry list at cr.yp.to/ecdh.html (order-8 point + p, 2p - 1, 2p, 2p + 1) are only of low order to an implementation that keeps bit 255; with RFC 7748's masking they are ordinary points and the exchange must succeed (flag NotLowOrderAfterMasking).",
            "Acceptable cases have a non-canonical u (p <= u < 2^255, or with bit 255 set): RFC 7748 requires accepting them as u mod p; some libraries refuse non-canonical keys instead. salamander accepts them, and the runner requires 'shared'.",
        ],
        cases,
    )
}

// --- Ed25519 -----------------------------------------------------------------------------------

/// RFC 8032 section 7.1: `(test, seed, public key, message, signature)`.
const RFC8032: [(&str, &str, &str, &str, &str); 4] = [
    (
        "TEST 1",
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "TEST 2",
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "TEST 3",
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
    (
        "TEST 1024",
        "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
        "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
        concat!(
            "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98",
            "fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8",
            "79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d",
            "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc",
            "1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe",
            "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e",
            "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef",
            "efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7",
            "aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1",
            "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2",
            "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24",
            "554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270",
            "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc",
            "2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07",
            "07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba",
            "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a",
            "ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e",
            "c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7",
            "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c",
            "42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8",
            "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df",
            "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08",
            "d78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649",
            "de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4",
            "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3",
            "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e",
            "6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f",
            "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5",
            "0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1",
            "369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d",
            "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c",
            "0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
        ),
        "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
    ),
];

/// The group order L = 2^252 + 27742317777372353535851937790883648493, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];

/// `a + b` on 256-bit little-endian integers (no overflow expected).
fn add_256(a: &[u8], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut carry = 0u16;
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        let sum = u16::from(*x) + u16::from(*y) + carry;
        *o = sum as u8;
        carry = sum >> 8;
    }
    assert_eq!(carry, 0);
    out
}

fn challenge(r: &[u8], public_key: &[u8; 32], message: &[u8]) -> Scalar {
    let mut hash = Sha512::new();
    hash.update(r);
    hash.update(public_key);
    hash.update(message);
    Scalar::from_bytes_mod_order_wide(&array(&hash.finalize()))
}

/// `[S]B - R - [k]A`, with S taken as an integer and A and R decoded permissively; `None` if A or
/// R is not a point.
fn residue(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> Option<EdwardsPoint> {
    let a = CompressedEdwardsY(*public_key).decompress()?;
    let r = CompressedEdwardsY(array(&signature[..32])).decompress()?;
    let s = Scalar::from_bytes_mod_order(array(&signature[32..]));
    let k = challenge(&signature[..32], public_key, message);
    Some(EdwardsPoint::mul_base(&s) - r - a * k)
}

fn strictly_refused(public_key: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    VerifyingKey::from_bytes(public_key)
        .map(|key| key.verify_strict(message, &Signature::from_bytes(signature)).is_err())
        .unwrap_or(true)
}

fn ed25519_invalid(
    cases: &mut Cases,
    comment: &str,
    public_key: &[u8; 32],
    message: &[u8],
    signature: &[u8; 64],
    flags: &[&str],
) {
    assert!(
        strictly_refused(public_key, message, signature),
        "{comment}: verify_strict accepts it"
    );
    let mut flags = flags.to_vec();
    match residue(public_key, message, signature) {
        Some(point) if point.is_identity() => flags.push("CofactorlessEquationHolds"),
        Some(point) if point.mul_by_cofactor().is_identity() => {
            flags.push("CofactoredEquationHolds")
        }
        _ => {}
    }
    cases.invalid(
        comment,
        json!({"publicKey": hex(public_key), "msg": hex(message), "sig": hex(signature)}),
        "Signature",
        &flags,
    );
}

/// The secret scalar of a seed (RFC 8032 section 5.1.5).
fn secret_scalar(seed: &[u8; 32]) -> Scalar {
    let hash = Sha512::digest(seed);
    let mut scalar = array::<32>(&hash[..32]);
    scalar[0] &= 248;
    scalar[31] &= 63;
    scalar[31] |= 64;
    Scalar::from_bytes_mod_order(scalar)
}

fn signature_of(r: &[u8; 32], s: &[u8; 32]) -> [u8; 64] {
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(r);
    signature[32..].copy_from_slice(s);
    signature
}

fn ed25519_file() -> VectorFile {
    let mut cases = Cases::default();
    for (test, seed, public_key, message, signature) in RFC8032 {
        let key = SigningKey::from_bytes(&array(&unhex(seed)));
        let message = unhex(message);
        assert_eq!(hex(key.verifying_key().as_bytes()), public_key, "RFC 8032 {test}");
        assert_eq!(hex(&key.sign(&message).to_bytes()), signature, "RFC 8032 {test}");
        assert!(key.verifying_key().verify_strict(&message, &key.sign(&message)).is_ok());
        cases.valid(
            &format!(
                "RFC 8032 section 7.1, {test} ({})",
                match message.len() {
                    0 => "empty message".to_owned(),
                    n => format!("{n}-byte message"),
                }
            ),
            json!({"seed": seed, "publicKey": public_key, "msg": hex(&message), "sig": signature}),
            &["Rfc8032"],
        );
    }

    let (_, seed, public_key, message, signature) = RFC8032[1];
    let (seed, public_key, message) =
        (array::<32>(&unhex(seed)), array::<32>(&unhex(public_key)), unhex(message));
    let signature = array::<64>(&unhex(signature));
    let (r, s) = (array::<32>(&signature[..32]), array::<32>(&signature[32..]));

    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2's signature over another message (0x73 instead of 0x72)",
        &public_key,
        b"\x73",
        &signature,
        &["ModifiedMessage"],
    );
    let other_key = array::<32>(&unhex(RFC8032[2].2));
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2's signature checked against TEST 3's public key",
        &other_key,
        &message,
        &signature,
        &["WrongPublicKey"],
    );
    let mut flipped = signature;
    flipped[0] ^= 0x01;
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2 with the lowest bit of R flipped",
        &public_key,
        &message,
        &flipped,
        &["ModifiedSignature"],
    );
    let mut flipped = signature;
    flipped[40] ^= 0x10;
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2 with a bit of S flipped",
        &public_key,
        &message,
        &flipped,
        &["ModifiedSignature"],
    );
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2 malleated: S + L in place of S (the same point equation, a non-canonical scalar; S + L < 2^253, so the old high-bits check alone does not catch it)",
        &public_key,
        &message,
        &signature_of(&r, &add_256(&s, &L)),
        &["MalleatedS", "NonCanonicalS"],
    );
    let s_plus_2l = add_256(&add_256(&s, &L), &L);
    assert!(s_plus_2l[31] & 0xe0 != 0, "S + 2L >= 2^253");
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2 malleated: S + 2L in place of S (>= 2^253: one of the top three bits of the last byte is set)",
        &public_key,
        &message,
        &signature_of(&r, &s_plus_2l),
        &["MalleatedS", "NonCanonicalS", "HighBitsS"],
    );
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2's R with S = L, the smallest non-canonical scalar",
        &public_key,
        &message,
        &signature_of(&r, &L),
        &["NonCanonicalS"],
    );
    let mut high = s;
    high[31] |= 0xe0;
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2 with the top three bits of S set",
        &public_key,
        &message,
        &signature_of(&r, &high),
        &["NonCanonicalS", "HighBitsS"],
    );

    let mut stream = Stream::new("salamander primitives ed25519");
    let mut nonce = || Scalar::from_bytes_mod_order_wide(&array(&stream.take(64)));
    let constructed = b"salamander: a signature that only strict verification refuses";

    // A small-order public key: the identity. R = rB, S = r satisfies [S]B = R + [k]A for any message.
    let identity = {
        let mut y = [0u8; 32];
        y[0] = 1;
        y
    };
    assert!(CompressedEdwardsY(identity).decompress().is_some_and(|p| p.is_identity()));
    let r = nonce();
    let sig = signature_of(EdwardsPoint::mul_base(&r).compress().as_bytes(), r.as_bytes());
    ed25519_invalid(
        &mut cases,
        "public key = the identity point (small order): R = rB, S = r verifies for every message under the cofactorless equation",
        &identity,
        constructed,
        &sig,
        &["SmallOrderPublicKey"],
    );

    // An order-8 public key, with r chosen so that [k]T is the identity (k a multiple of 8).
    let torsion = MontgomeryPoint(array(&unhex(
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    )))
    .to_edwards(0)
    .unwrap_or_else(|| panic!("the order-8 Montgomery point has an Edwards image"));
    assert!(
        !(torsion * Scalar::from(4u8)).is_identity() && torsion.mul_by_cofactor().is_identity(),
        "order 8"
    );
    let t = torsion.compress().to_bytes();
    let sig = loop {
        let r = nonce();
        let big_r = EdwardsPoint::mul_base(&r).compress();
        if (torsion * challenge(big_r.as_bytes(), &t, constructed)).is_identity() {
            break signature_of(big_r.as_bytes(), r.as_bytes());
        }
    };
    ed25519_invalid(
        &mut cases,
        "public key = a point of order 8: R = rB, S = r, with r chosen so that the challenge is a multiple of 8",
        &t,
        constructed,
        &sig,
        &["SmallOrderPublicKey"],
    );

    // Small-order R under a real key: S = k * a.
    let a = secret_scalar(&seed);
    assert_eq!(EdwardsPoint::mul_base(&a).compress().to_bytes(), public_key);
    let k = challenge(&identity, &public_key, constructed);
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2's key, R = the identity point (small order), S = k * a: [S]B = R + [k]A holds",
        &public_key,
        constructed,
        &signature_of(&identity, (k * a).as_bytes()),
        &["SmallOrderR"],
    );
    let k = challenge(&t, &public_key, constructed);
    ed25519_invalid(
        &mut cases,
        "RFC 8032 TEST 2's key, R = a point of order 8, S = k * a: only the cofactored equation holds",
        &public_key,
        constructed,
        &signature_of(&t, (k * a).as_bytes()),
        &["SmallOrderR"],
    );

    // Non-canonical encodings of the identity as the public key.
    let mut y_p_plus_1 = P;
    y_p_plus_1[0] += 1;
    let mut negative_zero = identity;
    negative_zero[31] |= 0x80;
    for (encoding, what) in [
        (y_p_plus_1, "y = p + 1 (a non-canonical y = 1)"),
        (negative_zero, "y = 1 with the sign bit of x set (x = -0)"),
    ] {
        assert!(
            CompressedEdwardsY(encoding).decompress().is_some_and(|p| p.is_identity()),
            "{what}"
        );
        let r = nonce();
        let sig = signature_of(EdwardsPoint::mul_base(&r).compress().as_bytes(), r.as_bytes());
        ed25519_invalid(
            &mut cases,
            &format!("public key = the identity encoded as {what}: R = rB, S = r"),
            &encoding,
            constructed,
            &sig,
            &["NonCanonicalPublicKey", "SmallOrderPublicKey"],
        );
    }

    // A non-canonical encoding of a point that is not of small order: y = p + 2 .. p + 18.
    let (encoding, y) = (2u8..19)
        .find_map(|y| {
            let mut encoding = P;
            encoding[0] += y;
            let point = CompressedEdwardsY(encoding).decompress()?;
            (!point.is_small_order()).then_some((encoding, y))
        })
        .unwrap_or_else(|| panic!("no non-canonical encoding of a large-order point"));
    let r = nonce();
    let sig = signature_of(EdwardsPoint::mul_base(&r).compress().as_bytes(), r.as_bytes());
    ed25519_invalid(
        &mut cases,
        &format!("public key y = p + {y}, a non-canonical encoding of y = {y} (a point of large order whose discrete log nobody knows), with an unrelated signature"),
        &encoding,
        constructed,
        &sig,
        &["NonCanonicalPublicKey"],
    );

    file(
        "primitives/ed25519.json",
        "ed25519",
        "RFC 8032, Wycheproof-style",
        &[
            "Ed25519 (RFC 8032, pure EdDSA): 'sig' is a signature of 'msg' under 'publicKey', all hex. When 'seed' is present, the key made from it must have 'publicKey' and must sign 'msg' to exactly 'sig' (Ed25519 is deterministic).",
            "Verification is strict (ed25519-dalek's verify_strict): S must be canonical (< L), neither the public key nor R may be of small order, and R is compared by its encoding. Invalid cases must be refused with error Signature, whether at decoding the key or the signature or at verification; the generator checks that verify_strict refuses each.",
            "Flag CofactorlessEquationHolds marks invalid cases for which [S]B = R + [k]A holds (S as an integer, A and R decoded permissively, k = SHA-512(R || A || M) mod L): a verifier without the strict checks accepts them. CofactoredEquationHolds: only [8][S]B = [8]R + [8][k]A holds.",
            "The small-order and non-canonical cases were constructed with curve25519-dalek from a fixed stream: R = rB, S = r under the identity public key (or under an order-8 key, with r drawn until the challenge is a multiple of 8); R = identity or an order-8 point, S = k * a, under RFC 8032 TEST 2's key.",
        ],
        cases,
    )
}

// --- Base64 ------------------------------------------------------------------------------------

fn base64_file() -> VectorFile {
    let mut cases = Cases::default();
    let decodes = |input: &str, expected: Option<&[u8]>| {
        let got = vodozemac::base64_decode(input).ok();
        assert_eq!(got.as_deref(), expected, "vodozemac decoding {input:?}");
    };

    for (raw, encoded) in [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ] {
        decodes(encoded, Some(raw.as_bytes()));
        assert_eq!(vodozemac::base64_encode(raw), encoded);
        cases.valid(
            &format!("the Matrix specification's example {raw:?}"),
            json!({"input": encoded, "decoded": hex(raw.as_bytes()), "encoded": encoded}),
            &["MatrixSpec"],
        );
    }
    let all: Vec<u8> = (0..=255).collect();
    let encoded = vodozemac::base64_encode(&all);
    decodes(&encoded, Some(&all));
    cases.valid(
        "every byte value 0x00..0xff: the whole alphabet, '+' and '/' included",
        json!({"input": encoded, "decoded": hex(&all), "encoded": encoded}),
        &["FullAlphabet"],
    );
    let key = "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08";
    let bytes = vodozemac::base64_decode(key).unwrap_or_default();
    cases.valid(
        "a Curve25519 key as Matrix sends it (43 characters, 32 bytes)",
        json!({"input": key, "decoded": hex(&bytes), "encoded": key}),
        &[],
    );

    for (raw, padded) in
        [("f", "Zg=="), ("fo", "Zm8="), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")]
    {
        decodes(padded, Some(raw.as_bytes()));
        cases.valid(
            &format!("padded input {padded:?} is accepted (the specification says decoders SHOULD); the encoder writes it unpadded"),
            json!({"input": padded, "decoded": hex(raw.as_bytes()), "encoded": vodozemac::base64_encode(raw)}),
            &["Padded"],
        );
    }
    for (raw, partial) in [("f", "Zg="), ("foob", "Zm9vYg=")] {
        decodes(partial, Some(raw.as_bytes()));
        cases.acceptable(
            &format!("{partial:?}: fewer padding characters than canonical; salamander (like vodozemac) accepts it"),
            json!({"input": partial, "decoded": hex(raw.as_bytes()), "encoded": vodozemac::base64_encode(raw)}),
            &["Padded", "PartialPadding"],
        );
    }

    for (input, comment, flag) in [
        ("Zm9v!", "'!' is not in the alphabet", "InvalidCharacter"),
        ("Zm9vYg.", "'.' is not in the alphabet", "InvalidCharacter"),
        ("Zm9v\u{0}", "a NUL character", "InvalidCharacter"),
        ("Zm9vYmFy\u{e9}", "a non-ASCII character", "InvalidCharacter"),
        ("Z", "one character: a length of 1 mod 4 cannot encode whole bytes", "InvalidLength"),
        ("Zm9vY", "five characters: 1 mod 4", "InvalidLength"),
        ("Zm9vYmFyZ", "nine characters: 1 mod 4", "InvalidLength"),
        ("Zh", "the unused low four bits of 'h' are not zero (\"Zg\" is the canonical encoding of \"f\")", "NonCanonicalTrailingBits"),
        ("Zm9", "the unused low two bits of '9' are not zero (\"Zm8\" is \"fo\")", "NonCanonicalTrailingBits"),
        ("Zm9=", "padded, with non-zero unused bits", "NonCanonicalTrailingBits"),
        ("Zm9vYh==", "padded, with non-zero unused bits", "NonCanonicalTrailingBits"),
        ("Zm9v Yg", "a space inside", "Whitespace"),
        (" Zm9v", "a leading space", "Whitespace"),
        ("Zm9vYg\n", "a trailing newline", "Whitespace"),
        ("Zm9v\r\nYmFy", "a CRLF line break (MIME style)", "Whitespace"),
        ("Zm9v\tYg", "a tab", "Whitespace"),
        ("-_8", "the URL-safe alphabet: \"-_8\" is \"+/8\" (0xfb 0xff) in the standard alphabet", "UrlSafeAlphabet"),
        ("Zm9v-w", "'-' from the URL-safe alphabet", "UrlSafeAlphabet"),
        ("Zm9v_w", "'_' from the URL-safe alphabet", "UrlSafeAlphabet"),
        ("Zm9v=", "padding where none is needed", "BadPadding"),
        ("Zg===", "three padding characters", "BadPadding"),
        ("=Zg", "padding first", "BadPadding"),
        ("Zg==Zg==", "padding in the middle (two padded groups concatenated)", "BadPadding"),
        ("====", "padding only", "BadPadding"),
    ] {
        decodes(input, None);
        cases.invalid(&format!("{input:?}: {comment}"), json!({"input": input}), "Base64", &[flag]);
    }
    assert_eq!(vodozemac::base64_decode("+/8").ok(), Some(vec![0xfb, 0xff]));

    file(
        "primitives/base64.json",
        "base64",
        "Matrix specification appendix, salamander",
        &[
            "Unpadded standard base64 as the Matrix specification's appendix defines it (RFC 4648 section 4 alphabet, '=' padding omitted). A valid case: decoding 'input' gives 'decoded' (hex), and encoding 'decoded' gives 'encoded' (always unpadded).",
            "Cases flagged MatrixSpec are the specification's examples. Padded input is accepted (the specification says decoders SHOULD accept it); input with fewer padding characters than canonical is 'acceptable': salamander and vodozemac accept it, a stricter decoder may not.",
            "Invalid cases must be refused, error Base64: characters outside the standard alphabet (URL-safe '-' and '_', whitespace of any kind, NUL, non-ASCII), a length of 1 mod 4, non-zero unused bits in the last character, misplaced padding. The flag says which.",
            "Every case was decoded with vodozemac 0.11.1's base64_decode, which must agree with it.",
        ],
        cases,
    )
}

pub(crate) fn vectors() -> Vec<VectorFile> {
    vec![hkdf_file(), hmac_file(), aes_file(), x25519_file(), ed25519_file(), base64_file()]
}
