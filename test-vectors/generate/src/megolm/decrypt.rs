//! `megolm-decrypt`: an inbound session made from a key decrypts libolm's messages, or refuses a
//! damaged one.

use serde_json::{json, Map, Value};

use super::kit::{
    b64, disagreement_flags, libolm_decrypts, payload, record, unb64, vodozemac_decrypts,
    CipherKeys, Key, Sender, Verdict,
};
use crate::{random::hex, VectorFile};

/// A message of a case: its body, the index it is encrypted at, and the plaintext it must
/// decrypt to (`None` for the message an invalid case must refuse).
struct Step {
    body: String,
    index: u32,
    plaintext: Option<Vec<u8>>,
}

fn ok_step(body: String, index: u32, plaintext: &[u8]) -> Step {
    Step { body, index, plaintext: Some(plaintext.to_vec()) }
}

fn bad_step(body: Vec<u8>, index: u32) -> Step {
    Step { body: b64(&body), index, plaintext: None }
}

fn text(index: u32) -> Vec<u8> {
    format!("Megolm message at index {index:#x}").into_bytes()
}

/// One implementation's overall verdict on a case's steps: `Ok` when every message decrypted
/// (valid ones to the expected values), else the first error (prefixed by the message number
/// unless it is the last message).
fn overall(steps: &[Step], verdicts: &[Verdict]) -> (Result<(), String>, Option<Vec<u8>>) {
    for (n, (step, verdict)) in steps.iter().zip(verdicts).enumerate() {
        let last = n + 1 == steps.len();
        match (verdict, &step.plaintext) {
            (Err(e), _) if last => return (Err(e.clone()), None),
            (Err(e), _) => return (Err(format!("message {n}: {e}")), None),
            (Ok((plaintext, index)), Some(expected)) => {
                if plaintext != expected || *index != step.index {
                    return (Err(format!("message {n}: decrypted to other values")), None);
                }
            }
            (Ok((plaintext, _)), None) => return (Ok(()), Some(plaintext.clone())),
        }
    }
    (Ok(()), None)
}

struct Cases {
    cases: Vec<Value>,
}

impl Cases {
    fn push(
        &mut self,
        comment: &str,
        key: Key,
        steps: Vec<Step>,
        error: Option<&str>,
        flags: &[&str],
    ) {
        self.push_with(comment, key, steps, error, flags, true);
    }

    /// `run_libolm` is false for messages libolm would read or write out of bounds.
    fn push_with(
        &mut self,
        comment: &str,
        key: Key,
        steps: Vec<Step>,
        error: Option<&str>,
        flags: &[&str],
        run_libolm: bool,
    ) {
        assert_eq!(error.is_some(), steps.last().is_some_and(|s| s.plaintext.is_none()));
        let bodies: Vec<String> = steps.iter().map(|s| s.body.clone()).collect();
        let valid_prefix = if error.is_some() { &bodies[..bodies.len() - 1] } else { &bodies[..] };

        let mut case = Map::new();
        case.insert("tcId".into(), (self.cases.len() + 1).into());
        case.insert("comment".into(), comment.into());
        key.json(&mut case);
        let messages: Vec<Value> = steps
            .iter()
            .map(|s| match &s.plaintext {
                Some(p) => json!({"index": s.index, "body": s.body, "plaintext": hex(p)}),
                None => json!({"index": s.index, "body": s.body}),
            })
            .collect();
        case.insert("messages".into(), messages.into());
        case.insert("result".into(), if error.is_some() { "invalid" } else { "valid" }.into());
        if let Some(error) = error {
            case.insert("error".into(), error.into());
        }

        if run_libolm {
            // Every valid message must decrypt in libolm exactly as listed.
            let (prefix, verified) = libolm_decrypts(&key, valid_prefix);
            let prefix_steps = &steps[..valid_prefix.len()];
            if let (Err(e), _) = overall(prefix_steps, &prefix) {
                panic!("{comment}: libolm: {e}");
            }
            case.insert("verified".into(), verified.into());
            let (verdicts, _) = libolm_decrypts(&key, &bodies);
            let (verdict, accepted) = overall(&steps, &verdicts);
            if error.is_none() {
                assert!(verdict.is_ok(), "{comment}: libolm: {verdict:?}");
            }
            record(&mut case, "libolm", verdict);
            if let Some(plaintext) = accepted {
                case.insert("libolmPlaintext".into(), hex(&plaintext).into());
            }
        } else {
            case.insert("verified".into(), matches!(key, Key::Session(_)).into());
            case.insert("libolmResult".into(), "not run".into());
        }
        let verdicts = vodozemac_decrypts(&key, &bodies, false);
        let (verdict, _) = overall(&steps, &verdicts);
        let differs = matches!((error, &verdict), (Some(expected), Err(got)) if expected != got);
        record(&mut case, "vodozemac", verdict);

        let mut all_flags: Vec<Value> = flags.iter().map(|&f| f.into()).collect();
        if !run_libolm {
            all_flags.push("LibolmNotRun".into());
        }
        all_flags.extend(disagreement_flags(&case));
        if differs {
            all_flags.push("VodozemacErrorDiffers".into());
        }
        case.insert("flags".into(), all_flags.into());
        self.cases.push(Value::Object(case));
    }
}

/// Flip bit 0 of byte `at` (negative: from the end).
fn flip(bytes: &[u8], at: isize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let i = if at < 0 { out.len() - at.unsigned_abs() } else { at.unsigned_abs() };
    out[i] ^= 1;
    out
}

/// A message at `index` whose decrypted final block is `blocks` (no padding is added): valid
/// MAC and signature, chosen padding.
fn raw_blocks(sender: &Sender, index: u32, blocks: &[u8]) -> Vec<u8> {
    let keys = CipherKeys::megolm(&sender.ratchet_at(index));
    sender.seal(3, &payload(u64::from(index), &keys.encrypt_blocks(blocks)), &keys, 8)
}

/// A message at `index` with the given ciphertext bytes (any length), MAC'd and signed.
fn raw_ciphertext(sender: &Sender, index: u32, ciphertext: &[u8]) -> Vec<u8> {
    let keys = CipherKeys::megolm(&sender.ratchet_at(index));
    sender.seal(3, &payload(u64::from(index), ciphertext), &keys, 8)
}

fn valid_cases(g: &mut Cases, a: &Sender) {
    let session = || Key::Session(a.session_key.clone());
    for (index, note) in [
        (0u32, "the first message"),
        (1, "the second message"),
        (2, "the third message"),
        (255, "the last index before R3 wraps"),
        (256, "R2 advances, R3 is reseeded from it"),
        (257, "one step past a reseeding of R3"),
        (65535, "the last index before R2 wraps"),
        (65536, "R1 advances, R2 and R3 are reseeded"),
        (0x00ff_ffff, "the last index before R1 wraps"),
        (0x0100_0000, "R0 advances, every part is reseeded"),
        (0x0100_0001, "one step past the reseeding of every part"),
        (0x7fff_fffe, "near 2^31"),
        (0x7fff_ffff, "2^31 - 1: the farthest message a session key at index 0 reaches"),
    ] {
        let plaintext = text(index);
        g.push(
            &format!("session key at 0, message at {index:#x}: {note}"),
            session(),
            vec![ok_step(a.encrypt_at(index, &plaintext), index, &plaintext)],
            None,
            &[],
        );
    }
    for (index, plaintext, note) in [
        (3u32, vec![], "an empty plaintext (one block of padding)"),
        (4, vec![0x10; 15], "a 15-byte plaintext (one padding byte)"),
        (5, vec![0x20; 16], "a 16-byte plaintext (a whole block of padding)"),
        (300, (0..1000u32).map(|i| (i * 7) as u8).collect(), "a 1000-byte plaintext"),
    ] {
        g.push(
            &format!("session key at 0, message at {index}: {note}"),
            session(),
            vec![ok_step(a.encrypt_at(index, &plaintext), index, &plaintext)],
            None,
            &[],
        );
    }

    // Exported (unverified) keys: decrypting a message verifies the session.
    let exported = |index: u32| Key::Exported(a.exported_at(index));
    for (start, index, note, flags) in [
        (0u32, 0u32, "libolm's export at 0, the first message", &[][..]),
        (1, 1, "an export at 1, the message at 1", &[]),
        (
            0x8000_0000,
            0x8000_0001,
            "an export at 2^31 (reached through imports), a message just after it",
            &["HighIndex"][..],
        ),
        (
            0x7fff_ffff,
            0xffff_fffe,
            "an export at 2^31 - 1, the farthest message it reaches (2^31 - 1 ahead)",
            &["HighIndex"],
        ),
        (
            0xffff_ffff,
            0xffff_ffff,
            "an export at 2^32 - 1, the message at 2^32 - 1",
            &["HighIndex"],
        ),
    ] {
        let plaintext = text(index);
        g.push(
            &format!("{note} (the session becomes verified)"),
            exported(start),
            vec![ok_step(a.encrypt_at(index, &plaintext), index, &plaintext)],
            None,
            flags,
        );
    }

    // Across 2^32: libolm's outbound session at 2^32 - 1 sends index 0 with the wrapped ratchet.
    let mut outbound = a.outbound_at(u32::MAX);
    let last = text(u32::MAX);
    let at_max = super::ok(outbound.encrypt(&last));
    assert_eq!(at_max, a.encrypt_at(u32::MAX, &last));
    let wrapped = |i: u32| format!("after the wrap, index {i}").into_bytes();
    let at_zero = super::ok(outbound.encrypt(&wrapped(0)));
    assert_eq!(at_zero, a.encrypt_via(u32::MAX, 0, &wrapped(0)));
    let at_one = super::ok(outbound.encrypt(&wrapped(1)));
    g.push(
        "export at 2^32 - 1; messages at 0 (after the wrap), 2^32 - 1, then 1: indices wrap at 2^32",
        exported(u32::MAX),
        vec![
            ok_step(at_zero, 0, &wrapped(0)),
            ok_step(at_max, u32::MAX, &last),
            ok_step(at_one, 1, &wrapped(1)),
        ],
        None,
        &["WrapAround", "OutOfOrder"],
    );
    let high = a.outbound_at(0xffff_fff0);
    let p1 = text(0xffff_fff0);
    let p2 = wrapped(0x10);
    g.push(
        "libolm's signed session key at 0xfffffff0; messages at 0xfffffff0 and at 0x10 after the wrap",
        Key::Session(high.session_key()),
        vec![
            ok_step(a.encrypt_at(0xffff_fff0, &p1), 0xffff_fff0, &p1),
            ok_step(a.encrypt_via(0xffff_fff0, 0x10, &p2), 0x10, &p2),
        ],
        None,
        &["WrapAround", "HighIndex"],
    );
    let p = text(0x0100_0002);
    g.push(
        "libolm's signed session key at 2^24 (a session that already sent 2^24 messages), message at 2^24 + 2",
        Key::Session(a.outbound_at(0x0100_0000).session_key()),
        vec![ok_step(a.encrypt_at(0x0100_0002, &p), 0x0100_0002, &p)],
        None,
        &["HighIndex"],
    );

    // Messages older than the latest one decrypted.
    for (indices, comment, flags) in [
        (&[5u32, 2, 0, 3][..], "session key at 0; messages at 5, 2, 0, 3: older messages after newer ones", &["OutOfOrder"][..]),
        (&[65536, 255, 65535, 0], "session key at 0; messages at 65536, 255, 65535, 0", &["OutOfOrder"]),
        (&[0x0100_0001, 1, 0x0100_0000], "session key at 0; messages at 2^24 + 1, 1, 2^24", &["OutOfOrder"]),
        (
            &[0x4000_0000, 0x8000_0005, 7],
            "session key at 0; messages at 2^30, 2^31 + 5, 7: 2^31 + 5 is out of the first index's 2^31 window but within the latest ratchet's, which libolm starts from",
            &["OutOfOrder", "BeyondWindowViaLatest"],
        ),
    ] {
        let steps = indices
            .iter()
            .map(|&i| ok_step(a.encrypt_at(i, &text(i)), i, &text(i)))
            .collect();
        g.push(comment, session(), steps, None, flags);
    }
    let steps = [0x0100_012c_u32, 0x0100_0000, 0x0100_012b]
        .iter()
        .map(|&i| ok_step(a.encrypt_at(i, &text(i)), i, &text(i)))
        .collect();
    g.push(
        "export at 2^24; messages at 2^24 + 300, 2^24, 2^24 + 299",
        exported(0x0100_0000),
        steps,
        None,
        &["OutOfOrder"],
    );
}

fn invalid_cases(g: &mut Cases, a: &Sender, b: &Sender) {
    let session = || Key::Session(a.session_key.clone());
    let exported = |index: u32| Key::Exported(a.exported_at(index));
    let message = |index: u32| unb64(&a.encrypt_at(index, &text(index)));
    let valid = |index: u32| ok_step(a.encrypt_at(index, &text(index)), index, &text(index));
    let unknown = "UnknownMessageIndex";

    // Before the first known index.
    g.push(
        "libolm's session key at 1 (after one message was sent); the message at 0",
        Key::Session(a.outbound_at(1).session_key()),
        vec![bad_step(message(0), 0)],
        Some(unknown),
        &[],
    );
    g.push(
        "export at 65536; message at 65535",
        exported(65536),
        vec![bad_step(message(65535), 65535)],
        Some(unknown),
        &[],
    );
    g.push(
        "export at 2^24; after the message at 2^24 + 5, the one at 2^24 - 1: still before the first known index",
        exported(0x0100_0000),
        vec![valid(0x0100_0005), bad_step(message(0x00ff_ffff), 0x00ff_ffff)],
        Some(unknown),
        &["OutOfOrder"],
    );
    g.push(
        "export at 2^32 - 1; message at 2^32 - 2",
        exported(u32::MAX),
        vec![bad_step(message(0xffff_fffe), 0xffff_fffe)],
        Some(unknown),
        &["HighIndex"],
    );
    g.push(
        "session key at 0; message at 2^31: exactly 2^31 ahead, out of libolm's window (libolm reads indices modulo 2^32; vodozemac compares them as integers)",
        session(),
        vec![bad_step(message(0x8000_0000), 0x8000_0000)],
        Some(unknown),
        &["HighIndex"],
    );
    g.push(
        "session key at 0; message at 2^32 - 1, which is 'before' 0 modulo 2^32",
        session(),
        vec![bad_step(message(u32::MAX), u32::MAX)],
        Some(unknown),
        &["HighIndex", "WrapAround"],
    );

    // A wrong MAC under a valid signature (re-signed with the session's key).
    let m = message(7);
    let ct_at = m.len() - 64 - 8 - 1; // the last ciphertext byte
    g.push(
        "message at 7 with its last ciphertext byte changed, re-signed",
        session(),
        vec![bad_step(a.resign(&flip(&m, ct_at as isize)), 7)],
        Some("InvalidMAC"),
        &["Resigned"],
    );
    g.push(
        "message at 7 with a MAC byte changed, re-signed",
        session(),
        vec![bad_step(a.resign(&flip(&m, -(64 + 1))), 7)],
        Some("InvalidMAC"),
        &["Resigned"],
    );
    let mut relabelled = m.clone();
    assert_eq!(relabelled[1..3], [0x08, 7]);
    relabelled[2] = 8;
    g.push(
        "message at 7 relabelled as index 8 (the MAC is then checked with the ratchet at 8), re-signed",
        session(),
        vec![bad_step(a.resign(&relabelled), 8)],
        Some("InvalidMAC"),
        &["Resigned"],
    );
    let long = unb64(&a.encrypt_at(9, &[0x41; 40]));
    // 0x03 0x08 0x09 0x12 0x30 ‖ 48 bytes ‖ MAC ‖ signature: drop the last block.
    assert_eq!(long[..5], [0x03, 0x08, 0x09, 0x12, 0x30]);
    let mut shortened = long[..5 + 32].to_vec();
    shortened[4] = 0x20;
    shortened.extend_from_slice(&long[long.len() - 72..]);
    g.push(
        "message at 9 with its last ciphertext block removed (the length field updated), re-signed",
        session(),
        vec![bad_step(a.resign(&shortened), 9)],
        Some("InvalidMAC"),
        &["Resigned"],
    );
    g.push(
        "export at 0; message at 7 with its last ciphertext byte changed, re-signed: the session stays unverified",
        exported(0),
        vec![bad_step(a.resign(&flip(&m, ct_at as isize)), 7)],
        Some("InvalidMAC"),
        &["Resigned"],
    );
    let other = unb64(&b.encrypt_at(7, &text(7)));
    g.push(
        "another session's message at 7, re-signed with this session's key (its MAC is under the other ratchet)",
        session(),
        vec![bad_step(a.resign(&other), 7)],
        Some("InvalidMAC"),
        &["Resigned"],
    );

    // Anything changed without re-signing.
    g.push(
        "message at 7 with its last ciphertext byte changed, not re-signed",
        session(),
        vec![bad_step(flip(&m, ct_at as isize), 7)],
        Some("Signature"),
        &[],
    );
    g.push(
        "message at 7 with a MAC byte changed, not re-signed",
        session(),
        vec![bad_step(flip(&m, -(64 + 1)), 7)],
        Some("Signature"),
        &[],
    );
    g.push(
        "message at 7 with the first byte of the signature (R) changed",
        session(),
        vec![bad_step(flip(&m, -64), 7)],
        Some("Signature"),
        &[],
    );
    g.push(
        "message at 7 with the first byte of S changed",
        session(),
        vec![bad_step(flip(&m, -32), 7)],
        Some("Signature"),
        &[],
    );
    g.push(
        "message at 7 relabelled as index 8, not re-signed",
        session(),
        vec![bad_step(relabelled.clone(), 8)],
        Some("Signature"),
        &[],
    );
    g.push(
        "another session's message at 7, with its own valid signature",
        session(),
        vec![bad_step(other.clone(), 7)],
        Some("Signature"),
        &[],
    );
    g.push(
        "export at 0; another session's message at 0: the session stays unverified",
        exported(0),
        vec![bad_step(unb64(&b.encrypt_at(0, &text(0))), 0)],
        Some("Signature"),
        &[],
    );

    // A version 2 message (version byte 4, 32-byte MAC) from the same key and ratchet.
    let mut v2 = a.vodozemac_at(11, true);
    let v2_message = v2.encrypt(text(11)).to_bytes();
    assert_eq!((v2_message[0], v2_message.len()), (4, 1 + 4 + 32 + 32 + 64));
    g.push(
        "a version 2 message (version byte 4, 32-byte MAC; vodozemac's SessionConfig::version_2 from the same pickle) to a version 1 session",
        session(),
        vec![bad_step(v2_message, 11)],
        Some("InvalidMACLength"),
        &["Version2Message"],
    );

    // Bad padding under a valid MAC and signature.
    let mut zero = [0x61u8; 16];
    zero[15] = 0;
    g.push(
        "padding byte 0x00 (valid MAC and signature)",
        session(),
        vec![bad_step(raw_blocks(a, 12, &zero), 12)],
        Some("InvalidPadding"),
        &["BadPadding"],
    );
    let mut seventeen = [0x62u8; 32];
    seventeen[31] = 17;
    g.push(
        "padding byte 0x11 (17, more than a block) in a 32-byte ciphertext",
        session(),
        vec![bad_step(raw_blocks(a, 12, &seventeen), 12)],
        Some("InvalidPadding"),
        &["BadPadding"],
    );
    let mut mixed = [0x63u8; 16];
    mixed[13..].copy_from_slice(&[0x02, 0x02, 0x03]);
    g.push(
        "padding ...02 02 03: the last byte says 3 but the bytes before it are not all 3",
        session(),
        vec![bad_step(raw_blocks(a, 12, &mixed), 12)],
        Some("InvalidPadding"),
        &["BadPadding"],
    );
    let mut huge = [0x64u8; 16];
    huge[15] = 0x20;
    g.push(
        "padding byte 0x20 (32) in a 16-byte ciphertext",
        session(),
        vec![bad_step(raw_blocks(a, 12, &huge), 12)],
        Some("InvalidPadding"),
        &["BadPadding"],
    );
    let keys = CipherKeys::megolm(&a.ratchet_at(12));
    let whole = keys.encrypt(b"fifteen bytes!!");
    g.push_with(
        "a 15-byte ciphertext (not a whole number of blocks), valid MAC and signature",
        session(),
        vec![bad_step(raw_ciphertext(a, 12, &whole[..15]), 12)],
        Some("InvalidPadding"),
        &["BadPadding"],
        false,
    );
    g.push_with(
        "an empty ciphertext, valid MAC and signature",
        session(),
        vec![bad_step(raw_ciphertext(a, 12, &[]), 12)],
        Some("InvalidPadding"),
        &["BadPadding"],
        false,
    );
}

pub(crate) fn vectors() -> VectorFile {
    let a = Sender::new("salamander megolm decrypt A");
    let b = Sender::new("salamander megolm decrypt B");
    let mut g = Cases { cases: Vec::new() };
    valid_cases(&mut g, &a);
    invalid_cases(&mut g, &a, &b);
    let count = g.cases.len();
    VectorFile {
        path: "megolm/decrypt_libolm.json",
        content: json!({
            "algorithm": "megolm-decrypt",
            "source": "libolm 3.2.13",
            "generator": "cargo run -p salamander-vector-gen -- megolm",
            "notes": [
                "An inbound session (SessionConfig::version_1) is made from 'sessionKey' (signed, verified) or 'exportedKey' (unverified) and decrypts each of 'messages' in order, one session for the whole list. A message with a 'plaintext' (hex) must decrypt to it at 'index'. In an invalid case the last message has no plaintext and must be refused with 'error' (a megolm::DecryptionError kind); 'index' is then the index written in it. 'verified' is the session's is_verified after the messages that decrypt.",
                "Messages at high indices are libolm's own: its OutboundGroupSession pickle is opened, its ratchet and counter replaced by the ratchet libolm exports at that index (olm_export_inbound_group_session, hopping through imports past 2^31), and the re-sealed pickle is loaded back into libolm, which encrypts. Every such message is checked against an independent encryption in the generator.",
                "Damaged messages flagged Resigned carry a fresh Ed25519 signature by the session's key (made from the last 32 of the 160 random bytes libolm was given); BadPadding messages are encrypted without PKCS#7 padding by the generator and carry a valid MAC and signature.",
                "'libolmResult'/'libolmError' and 'vodozemacResult'/'vodozemacError' record what libolm 3.2.13 and vodozemac 0.11.1 do with the same key and messages; 'libolmPlaintext' is what libolm returned when it accepted an invalid message. Flags LibolmAccepts/VodozemacAccepts mark invalid cases they accept (libolm only checks that the last padding byte is at most the ciphertext length), VodozemacRefuses valid ones vodozemac refuses (it compares indices as plain integers, so it does not wrap at 2^32), VodozemacErrorDiffers a refusal of another kind (vodozemac checks the signature over its re-encoding of the message, which drops an empty ciphertext field).",
                "LibolmNotRun: libolm is not given ciphertexts that are empty or not a whole number of AES blocks; its AES-CBC decryption assumes whole blocks and reads the last output byte as the padding length, so it would read or write out of bounds. The expected error there is the generator's (PKCS#7 needs at least one whole block), confirmed by vodozemac for the 15-byte ciphertext."
            ],
            "numberOfTests": count,
            "tests": g.cases,
        }),
    }
}
