//! DMLS vectors: the derivations and codecs salamander's decentralised-MLS layer adds to MLS
//! (`salamander::dmls`, documented in its module docs and in `src/dmls/pprf.rs`,
//! `envelope.rs`, `welcome.rs` and `fork.rs`).
//!
//! Everything here is written from that documentation with RustCrypto's `hmac` and `sha2`;
//! the generator does not link salamander. No other DMLS implementation exists to take values
//! from, so these files pin salamander's construction down byte for byte for other
//! implementers and catch any change to it. (Values that depend on MLS group state, such as a
//! fork id, are MLS exporter outputs and are covered by openmls's own vectors.)

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{
    cases::{array, file, Cases},
    random::{hex, Stream},
    VectorFile,
};

const PPRF_LABEL: &[u8] = b"salamander dmls pprf";
const PSK_ID_PREFIX: &[u8] = b"salamander dmls psk v1";
const VERSION: u8 = 1;
/// `MAX_ENVELOPE_LEN`: 4 MiB.
const MAX_LEN: u32 = 4 * 1024 * 1024;

pub(crate) fn vectors() -> Vec<VectorFile> {
    vec![pprf(), psk(), envelope(), welcome(), preferred()]
}

// --- the puncturable PRF ----------------------------------------------------------------------

fn node_child(key: &[u8; 32], tag: u8) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| panic!("key"));
    mac.update(PPRF_LABEL);
    mac.update(&[tag]);
    array(&mac.finalize().into_bytes())
}

/// The GGM tree walked from the root: 64 steps, most significant bit first, then the output.
fn pprf_value(root: &[u8; 32], x: u64) -> [u8; 32] {
    let node = (0..64).rev().fold(*root, |node, bit| node_child(&node, ((x >> bit) & 1) as u8));
    node_child(&node, 2)
}

fn x_hex(x: u64) -> String {
    format!("{x:016x}")
}

/// A sequence of evaluations on one tree: each input gives its value the first time and is
/// punctured afterwards.
fn pprf_steps(root: &[u8; 32], inputs: &[u64]) -> Value {
    let mut seen = std::collections::BTreeSet::new();
    let steps: Vec<Value> = inputs
        .iter()
        .map(|&x| {
            if seen.insert(x) {
                json!({"x": x_hex(x), "value": hex(&pprf_value(root, x))})
            } else {
                json!({"x": x_hex(x), "error": "Punctured"})
            }
        })
        .collect();
    json!(steps)
}

fn pprf() -> VectorFile {
    let mut random = Stream::new("dmls pprf");
    let mut cases = Cases::default();
    let root = |random: &mut Stream| -> [u8; 32] { array(&random.take(32)) };
    let singles: [(&str, u64); 6] = [
        ("x = 0: the leftmost leaf", 0),
        ("x = 1", 1),
        ("x = 2^64 - 1: the rightmost leaf", u64::MAX),
        ("x = 2^63: the first bit alone set", 1 << 63),
        ("leaf 1, counter 0", 1 << 32),
        ("leaf 7, counter 3", (7 << 32) | 3),
    ];
    for (comment, x) in singles {
        let root = root(&mut random);
        cases.valid(
            comment,
            json!({"root": hex(&root), "steps": pprf_steps(&root, &[x])}),
            &["Evaluate"],
        );
    }
    let root_a = root(&mut random);
    cases.valid(
        "evaluating twice: the second is refused, the sibling leaf and far leaves still evaluate",
        json!({"root": hex(&root_a), "steps": pprf_steps(&root_a, &[10, 10, 11, 9, 0, u64::MAX, 10 ^ (1 << 40), 11])}),
        &["Puncture"],
    );
    let root_b = root(&mut random);
    let mut inputs: Vec<u64> = (0..3u32)
        .flat_map(|leaf| (0..3u32).map(move |c| (u64::from(leaf) << 32) | u64::from(c)))
        .collect();
    inputs.extend([1 << 32, 2 << 32]);
    cases.valid(
        "three senders with three counters each, then two repeats (an epoch with rival commits)",
        json!({"root": hex(&root_b), "steps": pprf_steps(&root_b, &inputs)}),
        &["Puncture"],
    );
    for i in 0..4 {
        let root = root(&mut random);
        let mut inputs: Vec<u64> =
            (0..12).map(|_| u64::from_be_bytes(array(&random.take(8)))).collect();
        // Repeat a few of them, in a different order.
        let repeats: Vec<u64> = inputs.iter().step_by(3).rev().copied().collect();
        inputs.extend(repeats);
        cases.valid(
            &format!("random inputs with repeats ({})", i + 1),
            json!({"root": hex(&root), "steps": pprf_steps(&root, &inputs)}),
            &["Puncture"],
        );
    }
    file(
        "dmls/pprf.json",
        "dmls-pprf",
        "salamander DMLS construction (src/dmls/pprf.rs), computed with RustCrypto hmac/sha2",
        "dmls",
        &[
            "A GGM tree of depth 64 keyed by `root` (32 bytes; at epoch entry openmls's safe_export_secret for component 0xD515). A node k has children HMAC-SHA-256(k, \"salamander dmls pprf\" || 0x00) (bit 0) and || 0x01 (bit 1), input bits read from the most significant; the value at x is HMAC-SHA-256(leaf, \"salamander dmls pprf\" || 0x02).",
            "`steps` run in order on one tree: `x` is the 64-bit input as 16 hex digits; a step with `value` must give it; a step with `error` (Punctured) must be refused because x was evaluated before on this tree. Every evaluation punctures the tree at x.",
        ],
        cases,
    )
}

// --- commit inputs and PSK ids ------------------------------------------------------------------

fn psk() -> VectorFile {
    let mut random = Stream::new("dmls psk");
    let mut cases = Cases::default();
    let inputs: [(&str, u32, u32); 5] = [
        ("the creator's first commit of an epoch", 0, 0),
        ("leaf 1, first commit", 1, 0),
        ("leaf 1, second commit on the same fork (counter 1)", 1, 1),
        ("a high leaf and counter", 999, 0x0102_0304),
        ("the largest leaf and counter", u32::MAX, u32::MAX),
    ];
    for (comment, leaf, counter) in inputs {
        let root: [u8; 32] = array(&random.take(32));
        let parent = random.take(32);
        let x = (u64::from(leaf) << 32) | u64::from(counter);
        let mut psk_id = PSK_ID_PREFIX.to_vec();
        psk_id.extend_from_slice(&parent);
        psk_id.extend_from_slice(&x.to_be_bytes());
        cases.valid(
            comment,
            json!({
                "root": hex(&root),
                "parentForkId": hex(&parent),
                "senderLeaf": leaf,
                "counter": counter,
                "x": x_hex(x),
                "aad": hex(&x.to_be_bytes()),
                "pskId": hex(&psk_id),
                "psk": hex(&pprf_value(&root, x)),
            }),
            &["CommitInput"],
        );
    }
    for (comment, aad) in [
        ("empty authenticated data: a commit without a DMLS input", Vec::new()),
        ("7 bytes", vec![0u8; 7]),
        ("9 bytes", vec![1u8; 9]),
    ] {
        cases.invalid(comment, json!({"aad": hex(&aad)}), "MissingPsk", &["AadLength"]);
    }
    file(
        "dmls/psk.json",
        "dmls-psk",
        "salamander DMLS construction (src/dmls/commit.rs, process.rs, group.rs), computed with RustCrypto hmac/sha2",
        "dmls",
        &[
            "A DMLS commit on fork `parentForkId` by the member at leaf `senderLeaf`, its `counter`-th input of that epoch: x = senderLeaf (u32) || counter (u32), big-endian, as 16 hex digits.",
            "The commit's MLS authenticated data `aad` is x as 8 big-endian bytes; `pskId` = \"salamander dmls psk v1\" || parentForkId || x (8 bytes), the external PSK id of the commit's PreSharedKey proposal; `psk` is the PSK value, the PPRF (see dmls/pprf.json) keyed by `root` evaluated at x on a fresh tree.",
            "Invalid cases: authenticated data that is not exactly 8 bytes carries no input; the commit is refused as MissingPsk.",
        ],
        cases,
    )
}

// --- envelope codec ------------------------------------------------------------------------------

fn envelope_bytes(version: u8, fork_id: &[u8], length: u32, message: &[u8]) -> Vec<u8> {
    let mut out = vec![version];
    out.extend_from_slice(fork_id);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(message);
    out
}

fn envelope() -> VectorFile {
    let mut random = Stream::new("dmls envelope");
    let mut cases = Cases::default();
    let valid = |cases: &mut Cases, comment: &str, message: Vec<u8>, random: &mut Stream| {
        let fork_id = random.take(32);
        let bytes = envelope_bytes(VERSION, &fork_id, message.len() as u32, &message);
        cases.valid(
            comment,
            json!({"forkId": hex(&fork_id), "message": hex(&message), "envelope": hex(&bytes)}),
            &["RoundTripExact"],
        );
        bytes
    };
    valid(&mut cases, "an empty message", Vec::new(), &mut random);
    let short = random.take(5);
    let sample = valid(&mut cases, "a 5-byte message", short, &mut random);
    let long = random.take(1000);
    valid(&mut cases, "a 1000-byte message", long, &mut random);

    let mut invalid = |comment: &str, bytes: Vec<u8>, error: &str, flag: &str| {
        cases.invalid(comment, json!({"envelope": hex(&bytes)}), error, &[flag]);
    };
    invalid("empty input", Vec::new(), "Truncated", "Truncated");
    invalid("the version byte alone", sample[..1].to_vec(), "Truncated", "Truncated");
    invalid("cut inside the fork id", sample[..20].to_vec(), "Truncated", "Truncated");
    invalid("cut inside the length", sample[..35].to_vec(), "Truncated", "Truncated");
    invalid(
        "one message byte missing",
        sample[..sample.len() - 1].to_vec(),
        "Truncated",
        "Truncated",
    );
    let mut trailing = sample.clone();
    trailing.push(0);
    invalid("one byte after the message", trailing, "TrailingBytes", "TrailingBytes");
    for version in [0u8, 2, 0xff] {
        let mut other = sample.clone();
        other[0] = version;
        invalid(&format!("version {version}"), other, "Version", "Version");
    }
    let fork_id = random.take(32);
    invalid(
        "a declared length of 2^32 - 1",
        envelope_bytes(VERSION, &fork_id, u32::MAX, &[]),
        "TooLong",
        "TooLong",
    );
    invalid(
        "a declared length of MAX_ENVELOPE_LEN + 1",
        envelope_bytes(VERSION, &fork_id, MAX_LEN + 1, &[]),
        "TooLong",
        "TooLong",
    );
    file(
        "dmls/envelope_codec.json",
        "dmls-envelope-codec",
        "salamander DMLS envelope format (src/dmls/envelope.rs), encoded here from its documentation",
        "dmls",
        &[
            "envelope = version (0x01) || fork id (32 bytes) || length (u32, big-endian) || MLS message (length bytes). The codec does not parse the MLS message.",
            "Valid cases: `forkId` and `message` encode to exactly `envelope`, and `envelope` decodes to them. Invalid cases: decoding `envelope` is refused with the named EnvelopeError kind (Truncated, TrailingBytes, Version, TooLong: a declared length above MAX_ENVELOPE_LEN = 4 MiB).",
        ],
        cases,
    )
}

// --- DMLS Welcome codec ----------------------------------------------------------------------------

fn put16(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put32(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn welcome_bytes(welcome: &[u8], psk_id: &[u8], sealed: &[(Vec<u8>, Vec<u8>)]) -> Vec<u8> {
    let mut out = vec![VERSION];
    put32(&mut out, welcome);
    put16(&mut out, psk_id);
    out.extend_from_slice(&(sealed.len() as u16).to_be_bytes());
    for (reference, value) in sealed {
        put16(&mut out, reference);
        put32(&mut out, value);
    }
    out
}

fn welcome() -> VectorFile {
    let mut random = Stream::new("dmls welcome");
    let mut cases = Cases::default();
    let mut sample = Vec::new();
    for (comment, joiners) in [("no joiner", 0usize), ("one joiner", 1), ("three joiners", 3)] {
        let welcome = random.take(40 + joiners * 8);
        let mut psk_id = PSK_ID_PREFIX.to_vec();
        psk_id.extend(random.take(40));
        let sealed: Vec<(Vec<u8>, Vec<u8>)> =
            (0..joiners).map(|_| (random.take(32), random.take(66))).collect();
        let bytes = welcome_bytes(&welcome, &psk_id, &sealed);
        let joiners_json: Vec<Value> = sealed
            .iter()
            .map(|(r, v)| json!({"keyPackageRef": hex(r), "sealedPsk": hex(v)}))
            .collect();
        cases.valid(
            comment,
            json!({"welcome": hex(&welcome), "pskId": hex(&psk_id), "joiners": joiners_json, "dmlsWelcome": hex(&bytes)}),
            &["RoundTripExact"],
        );
        sample = bytes;
    }
    let mut invalid = |comment: &str, bytes: Vec<u8>, error: &str| {
        cases.invalid(comment, json!({"dmlsWelcome": hex(&bytes)}), error, &[error]);
    };
    invalid("empty input", Vec::new(), "Truncated");
    invalid("the welcome cut short", sample[..30].to_vec(), "Truncated");
    invalid("the last sealed PSK one byte short", sample[..sample.len() - 1].to_vec(), "Truncated");
    let mut trailing = sample.clone();
    trailing.extend_from_slice(&[0, 0]);
    invalid("two bytes after the last joiner", trailing, "TrailingBytes");
    let mut version = sample.clone();
    version[0] = 2;
    invalid("version 2", version, "Version");
    let mut huge = vec![VERSION];
    huge.extend_from_slice(&(MAX_LEN + 1).to_be_bytes());
    invalid("a welcome length of MAX_ENVELOPE_LEN + 1", huge, "TooLong");
    file(
        "dmls/welcome_codec.json",
        "dmls-welcome-codec",
        "salamander DMLS Welcome format (src/dmls/welcome.rs), encoded here from its documentation",
        "dmls",
        &[
            "dmls_welcome = version (0x01) || welcome (u32 length || MLS Welcome message) || psk_id (u16 length || bytes) || count (u16) || count x (key_package_ref (u16 length || bytes) || sealed_psk (u32 length || HPKECiphertext)). All integers big-endian; the codec does not parse the MLS or HPKE contents.",
            "Valid cases: the fields encode to exactly `dmlsWelcome` and decode back. Invalid cases: decoding is refused with the named EnvelopeError kind.",
        ],
        cases,
    )
}

// --- preferred fork ------------------------------------------------------------------------------------

fn preferred() -> VectorFile {
    let mut random = Stream::new("dmls preferred");
    let mut cases = Cases::default();
    let case = |cases: &mut Cases, comment: &str, forks: Vec<(u64, Vec<u8>)>| {
        let best = forks.iter().max().map(|(_, id)| hex(id));
        let listed: Vec<Value> =
            forks.iter().map(|(epoch, id)| json!({"epoch": epoch, "forkId": hex(id)})).collect();
        cases.valid(comment, json!({"forks": listed, "preferred": best}), &["PreferredFork"]);
    };
    let a = random.take(32);
    case(&mut cases, "one fork", vec![(3, a.clone())]);
    case(&mut cases, "no fork: none is preferred", Vec::new());
    let (mut low, mut high) = (random.take(32), random.take(32));
    low[0] = 0x10;
    high[0] = 0xf0;
    case(&mut cases, "same epoch: the higher id wins", vec![(2, low.clone()), (2, high.clone())]);
    case(
        &mut cases,
        "same epoch, listed the other way round",
        vec![(2, high.clone()), (2, low.clone())],
    );
    case(
        &mut cases,
        "a higher epoch wins over a higher id",
        vec![(2, high.clone()), (3, low.clone())],
    );
    let mut near = high.clone();
    near[31] ^= 1;
    case(&mut cases, "ids differing only in the last byte", vec![(5, high.clone()), (5, near)]);
    let many: Vec<(u64, Vec<u8>)> = (0..8u64).map(|i| (4 + i % 3, random.take(32))).collect();
    case(&mut cases, "eight forks over three epochs", many);
    file(
        "dmls/preferred_fork.json",
        "dmls-preferred-fork",
        "salamander DMLS fork choice (src/dmls/fork.rs)",
        "dmls",
        &[
            "Members that hold the same forks send on the same one without talking: the preferred fork is the one with the highest epoch, ties broken by the highest fork id compared bytewise (unsigned, first byte most significant). `preferred` is null when there is no fork.",
        ],
        cases,
    )
}
