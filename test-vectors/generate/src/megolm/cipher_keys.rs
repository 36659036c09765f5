//! `megolm-cipher-keys`: the AES key, HMAC key and IV derived from a Megolm ratchet, checked
//! against libolm's message at that index.

use serde_json::{json, Value};

use super::kit::{unb64, CipherKeys, Sender};
use crate::{
    random::{hex, Stream},
    VectorFile,
};

fn case(tc_id: usize, comment: &str, sender: &Sender, index: u32, plaintext: &[u8]) -> Value {
    let ratchet = sender.ratchet_at(index);
    // Computed here (HKDF-SHA-256, zero salt, "MEGOLM_KEYS"), then checked against libolm.
    let keys = CipherKeys::megolm(&ratchet);
    let body = sender.encrypt_at(index, plaintext);
    let bytes = unb64(&body);
    let ciphertext_length = (plaintext.len() / 16 + 1) * 16;
    let mac_input = &bytes[..bytes.len() - 72];
    let ciphertext = &mac_input[mac_input.len() - ciphertext_length..];
    let mac = &bytes[bytes.len() - 72..bytes.len() - 64];
    assert_eq!(&keys.mac(mac_input)[..8], mac, "{comment}: libolm's MAC");
    assert_eq!(
        keys.decrypt(ciphertext).as_deref(),
        Some(plaintext),
        "{comment}: libolm's ciphertext"
    );
    json!({
        "tcId": tc_id,
        "comment": comment,
        "index": index,
        "ratchet": hex(&ratchet),
        "aesKey": hex(&keys.aes_key),
        "macKey": hex(&keys.mac_key),
        "iv": hex(&keys.iv),
        "body": body,
        "macInput": hex(mac_input),
        "ciphertext": hex(ciphertext),
        "mac": hex(mac),
        "plaintext": hex(plaintext),
        "result": "valid",
        "flags": [],
    })
}

pub(crate) fn vectors() -> VectorFile {
    let mut cases = Vec::new();
    let libolm_test: Vec<u8> = b"0123456789ABCDEF".iter().cycle().take(128).copied().collect();
    let mut random = libolm_test.clone();
    random.extend(Stream::new("salamander megolm cipher keys, libolm test ratchet").take(32));
    let test = Sender::with_random(random);
    for index in [0u32, 1] {
        let comment = format!("libolm's test ratchet (\"0123456789ABCDEF\" x 8) at {index}");
        cases.push(case(cases.len() + 1, &comment, &test, index, b"Message"));
    }
    let sender = Sender::new("salamander megolm cipher keys");
    for index in [0u32, 1, 2, 255, 256, 0x1_0000, 0x00ff_ffff, 0x0100_0000, 0x8000_0000, u32::MAX] {
        let plaintext = format!("cipher keys at {index:#x}").into_bytes();
        let comment = format!("a random ratchet at {index:#x}");
        cases.push(case(cases.len() + 1, &comment, &sender, index, &plaintext));
    }
    let other = Sender::new("salamander megolm cipher keys, another session");
    cases.push(case(
        cases.len() + 1,
        "another session's ratchet at 0, empty plaintext",
        &other,
        0,
        b"",
    ));
    cases.push(case(
        cases.len() + 1,
        "another session's ratchet at 0x01020304, 32-byte plaintext",
        &other,
        0x0102_0304,
        &[0x42; 32],
    ));

    let count = cases.len();
    VectorFile {
        path: "megolm/cipher_keys.json",
        content: json!({
            "algorithm": "megolm-cipher-keys",
            "source": "libolm 3.2.13",
            "generator": "cargo run -p salamander-vector-gen -- megolm",
            "notes": [
                "'ratchet' is the Megolm ratchet (4 x 32 bytes) at 'index', as libolm exports it. AES_KEY || MAC_KEY || IV = HKDF-SHA-256(salt = 32 zero bytes, IKM = ratchet, info = \"MEGOLM_KEYS\", 80 bytes) gives 'aesKey', 'macKey' and 'iv'. 'body' is libolm's message at that index: HMAC-SHA-256(macKey, 'macInput') truncated to 8 bytes is 'mac', and AES-256-CBC(aesKey, iv) decrypts 'ciphertext' to 'plaintext' with PKCS#7 padding.",
                "The keys are computed in the generator with the RustCrypto hkdf crate and checked by verifying the MAC of libolm's message and decrypting it with them."
            ],
            "numberOfTests": count,
            "tests": cases,
        }),
    }
}
