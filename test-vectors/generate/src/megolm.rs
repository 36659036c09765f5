//! Megolm vectors made by libolm 3.2.13: ratchet values, sessions' messages, decryption of
//! single messages (valid and damaged), session key and message encodings, and the cipher keys
//! derived from ratchets.

mod cipher_keys;
mod codec;
mod decrypt;
mod kit;
mod session_keys;

use salamander_libolm::{InboundGroupSession, OutboundGroupSession};
use serde_json::{json, Value};

use crate::{
    random::{hex, Stream},
    VectorFile,
};

/// Standard base64 decoding (libolm's output is unpadded, valid base64).
fn b64(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for c in text.bytes() {
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => continue,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    out
}

fn ok<T, E: std::fmt::Display>(result: Result<T, E>) -> T {
    result.unwrap_or_else(|e| panic!("libolm failed: {e}"))
}

/// The ratchet of an exported key: bytes 5..133 of `0x01 ‖ index ‖ R ‖ K_pub`.
fn ratchet_of(exported: &str) -> (u32, Vec<u8>) {
    let bytes = b64(exported);
    let index = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
    (index, bytes[5..133].to_vec())
}

/// Export `session` at `target`, hopping through imports: libolm only exports within 2^31 of
/// a session's first index.
fn export_far(session: &InboundGroupSession, target: u32) -> String {
    let first = session.first_known_index();
    if target.wrapping_sub(first) < (1 << 30) {
        return ok(session.export_at(target));
    }
    let hop = ok(InboundGroupSession::import(&ok(session.export_at(first.wrapping_add(1 << 30)))));
    export_far(&hop, target)
}

fn ratchet_case(
    tc_id: usize,
    comment: &str,
    initial: &[u8],
    seed: &[u8],
    start: u32,
    target: u32,
    flags: &[&str],
) -> Value {
    let mut random = initial.to_vec();
    random.extend_from_slice(seed);
    let outbound = ok(OutboundGroupSession::new_with_random(&random));
    let session = ok(InboundGroupSession::new(&outbound.session_key()));
    let exported = export_far(&session, start);
    let (start_index, start_ratchet) = ratchet_of(&exported);
    let public_key = b64(&exported)[133..].to_vec();
    let started = ok(InboundGroupSession::import(&exported));
    let (index, ratchet) = ratchet_of(&export_far(&started, target));
    assert_eq!((start_index, index), (start, target));
    json!({
        "tcId": tc_id,
        "comment": comment,
        "publicKey": hex(&public_key),
        "startIndex": start_index,
        "startRatchet": hex(&start_ratchet),
        "targetIndex": target,
        "targetRatchet": hex(&ratchet),
        "result": "valid",
        "flags": flags,
    })
}

fn ratchets() -> VectorFile {
    let libolm_test: Vec<u8> = b"0123456789ABCDEF".iter().cycle().take(128).copied().collect();
    let mut stream = Stream::new("salamander megolm ratchet");
    let seed = stream.take(32);
    let random_initial = stream.take(128);
    let mut cases = Vec::new();
    let mut add = |comment: &str, initial: &[u8], start: u32, target: u32, flags: &[&str]| {
        let id = cases.len() + 1;
        cases.push(ratchet_case(id, comment, initial, &seed, start, target, flags));
    };
    let single = |t: u32| {
        format!("libolm's test ratchet (\"0123456789ABCDEF\" x 8) advanced from 0 to {t:#x}")
    };
    for target in [0u32, 1, 255, 256, 65535, 65536, 1 << 24, 0x0104_1506, u32::MAX] {
        add(&single(target), &libolm_test, 0, target, &["LibolmTestRatchet"]);
    }
    for target in [
        1u32,
        2,
        0xff,
        0x100,
        0x101,
        0xffff,
        0x1_0000,
        0xff_ffff,
        1 << 24,
        0x0102_0304,
        u32::MAX - 1,
    ] {
        add(
            &format!("a random ratchet advanced from 0 to {target:#x}"),
            &random_initial,
            0,
            target,
            &[],
        );
    }
    add(
        "from 0xffffff00 to 0xffffffff: 255 steps of R3 at the top of the range",
        &libolm_test,
        0xffff_ff00,
        u32::MAX,
        &["HighCounter"],
    );
    add(
        "from 0xffffffff to 0: one step wraps around 2^32",
        &libolm_test,
        u32::MAX,
        0,
        &["WrapAround"],
    );
    add("from 0xffffffff to 5: across the wrap", &libolm_test, u32::MAX, 5, &["WrapAround"]);
    add(
        "from 0xfffffff0 to 0x10: across the wrap",
        &random_initial,
        0xffff_fff0,
        0x10,
        &["WrapAround"],
    );
    add(
        "from 0x00ffffff to 0x01000000: all four parts reseeded from R0",
        &random_initial,
        0x00ff_ffff,
        0x0100_0000,
        &[],
    );
    add(
        "from 1 to 0x00ffffff: the most expensive jump below 2^24 (255 hashes of R1, R2 and R3)",
        &random_initial,
        1,
        0x00ff_ffff,
        &["WorstCase"],
    );

    let count = cases.len();
    VectorFile {
        path: "megolm/ratchet_libolm.json",
        content: json!({
            "algorithm": "megolm-ratchet",
            "source": "libolm 3.2.13",
            "generator": "cargo run -p salamander-vector-gen -- megolm",
            "notes": [
                "The Megolm ratchet (4 x 32 bytes) at 'startIndex', and its value after advancing to 'targetIndex' (libolm's megolm_advance_to, reached through olm_export_inbound_group_session). Indices wrap at 2^32: a target below the start is reached by going forward through 0.",
                "'publicKey' is the session's Ed25519 key, which an implementation may need to build an exported session key (0x01 || index || ratchet || key) around the ratchet.",
                "libolm's own unit test (tests/test_megolm.cpp) starts from the ratchet \"0123456789ABCDEF\" x 8; those cases are flagged LibolmTestRatchet."
            ],
            "numberOfTests": count,
            "tests": cases,
        }),
    }
}

fn messages() -> VectorFile {
    let mut stream = Stream::new("salamander megolm messages");
    let mut cases = Vec::new();
    let sessions: [(&str, Vec<Vec<u8>>); 2] = [
        (
            "a session's first ten messages",
            (0..10).map(|i| format!("Megolm message number {i}").into_bytes()).collect(),
        ),
        (
            "plaintexts of 0, 1, 15, 16, 17 and 4096 bytes",
            vec![
                vec![],
                vec![1],
                vec![15; 15],
                vec![16; 16],
                vec![17; 17],
                (0..4096u32).map(|i| (i % 253) as u8).collect(),
            ],
        ),
    ];
    for (comment, plaintexts) in sessions {
        let random = stream.take(160);
        let mut outbound = ok(OutboundGroupSession::new_with_random(&random));
        let session_key = outbound.session_key();
        let session_id = outbound.session_id();
        let mut inbound = ok(InboundGroupSession::new(&session_key));
        let mut messages = Vec::new();
        for plaintext in &plaintexts {
            let index = outbound.message_index();
            let body = ok(outbound.encrypt(plaintext));
            let (decrypted, decrypted_index) = ok(inbound.decrypt(&body));
            assert_eq!((&decrypted, decrypted_index), (plaintext, index));
            messages.push(json!({"index": index, "plaintext": hex(plaintext), "body": body}));
        }
        cases.push(json!({
            "tcId": cases.len() + 1,
            "comment": comment,
            "random": hex(&random),
            "sessionId": session_id,
            "sessionKey": session_key,
            "exportedKey": ok(inbound.export_at(0)),
            "messages": messages,
            "result": "valid",
            "flags": ["Deterministic"],
        }));
    }
    let count = cases.len();
    VectorFile {
        path: "megolm/session_libolm.json",
        content: json!({
            "algorithm": "megolm-session",
            "source": "libolm 3.2.13",
            "generator": "cargo run -p salamander-vector-gen -- megolm",
            "notes": [
                "An outbound Megolm session made from 'random' (160 bytes: the 128-byte ratchet, then the Ed25519 seed, as libolm consumes them). Megolm encryption draws no randomness, so the session key and every message are fixed: an implementation must produce 'sessionKey' (version 2, signed), 'exportedKey' (version 1, at index 0) and each 'body' byte for byte, and an inbound session made from the session key must decrypt each body to 'plaintext' (hex) at 'index'."
            ],
            "numberOfTests": count,
            "tests": cases,
        }),
    }
}

pub(crate) fn vectors() -> Vec<VectorFile> {
    vec![
        ratchets(),
        messages(),
        decrypt::vectors(),
        session_keys::vectors(),
        codec::vectors(),
        cipher_keys::vectors(),
    ]
}
