//! `olm-message-codec`: decoding Olm messages, valid and invalid.
//!
//! Valid cases are libolm's own messages, and hand-built encodings that libolm accepts (asserted
//! here: each one is sealed with the generator's derived keys and libolm must decrypt it).
//! Invalid cases name the salamander `DecodeError` kind expected; each records what libolm does
//! with the same bytes (re-MACed, so that libolm's verdict is about the encoding and not the MAC)
//! and what vodozemac 0.11.1's decoder says.

use salamander_libolm::Session;
use serde_json::{json, Value};

use super::{
    keys::{b64, bytes_field, varint_field, CipherKeys, Key, Sent, Who},
    Conversation,
};
use crate::{
    random::{hex, Stream},
    VectorFile,
};

/// The libolm conversation the cases are cut from, and its oracles.
struct Fixture {
    conversation: Conversation,
    /// Alice's session before she received anything from Bob: it can decrypt any of Bob's
    /// listed messages, once per unpickled copy.
    alice_before: String,
    pre_key: Vec<usize>,
    bob: Vec<usize>,
    alice_normal: Vec<usize>,
}

fn bob_plaintext(index: u32) -> Vec<u8> {
    match index {
        0 => b"reply".to_vec(),
        1 => vec![0x0f; 15],
        2 => vec![0x10; 16],
        3 => vec![0x11; 17],
        4 => Vec::new(),
        5 => vec![0x6f; 111],
        6 => vec![0x70; 112],
        _ => format!("message {index}").into_bytes(),
    }
}

const BOB_LISTED: [u32; 12] = [0, 1, 2, 3, 4, 5, 6, 127, 128, 129, 200, 300];

impl Fixture {
    fn new() -> Self {
        let mut stream = Stream::new("salamander olm message codec");
        let mut conversation = Conversation::new(&mut stream, false);
        let pre_key_plaintexts: [Vec<u8>; 5] = [
            b"codec".to_vec(),
            Vec::new(),
            vec![0x17; 17],
            (0..4096u32).map(|i| (i % 253) as u8).collect(),
            vec![0x70; 112],
        ];
        let pre_key: Vec<usize> = pre_key_plaintexts
            .iter()
            .map(|plaintext| conversation.send(Who::Alice, plaintext, &mut stream))
            .collect();
        for &n in &pre_key {
            conversation.deliver(n);
        }
        let alice_before = conversation.alice_session.pickle(b"");
        let mut bob = Vec::new();
        for index in 0..=300 {
            let n = conversation.send(Who::Bob, &bob_plaintext(index), &mut stream);
            if BOB_LISTED.contains(&index) {
                bob.push(n);
            }
        }
        for &n in &bob {
            conversation.deliver(n);
        }
        let alice_plaintexts: [Vec<u8>; 3] = [vec![0xa5; 255], b"x".to_vec(), vec![0x20; 32]];
        let alice_normal: Vec<usize> = alice_plaintexts
            .iter()
            .map(|plaintext| {
                let n = conversation.send(Who::Alice, plaintext, &mut stream);
                conversation.deliver(n);
                n
            })
            .collect();
        Self { conversation, alice_before, pre_key, bob, alice_normal }
    }

    fn sent(&self, n: usize) -> &Sent {
        &self.conversation.steps[n].sent
    }

    /// Bob's message with chain index `index`.
    fn bob_message(&self, index: u32) -> &Sent {
        let n = BOB_LISTED.iter().position(|&i| i == index).unwrap_or_else(|| unreachable!());
        self.sent(self.bob[n])
    }

    /// libolm's verdict on a message for Alice (normal messages of Bob's first chain).
    fn libolm_alice(&self, message_type: usize, body: &str) -> Result<Vec<u8>, String> {
        let mut session =
            Session::unpickle(&self.alice_before, b"").unwrap_or_else(|e| panic!("{e}"));
        session.decrypt(message_type, body).map_err(|e| e.0)
    }

    /// libolm's verdict on a pre-key message for a fresh copy of Bob's account:
    /// `olm_create_inbound_session`, then `olm_decrypt`.
    fn libolm_bob(&self, message_type: usize, body: &str) -> Result<Vec<u8>, String> {
        let mut bob = self.conversation.fresh_bob();
        let mut session = Session::create_inbound(&mut bob, body).map_err(|e| e.0)?;
        session.decrypt(message_type, body).map_err(|e| e.0)
    }
}

#[derive(Clone, Copy)]
enum Oracle {
    /// Alice's session, before she received anything.
    Alice,
    /// A fresh copy of Bob's account, which makes an inbound session.
    Bob,
}

fn vodozemac_verdict(message_type: usize, body: &str) -> String {
    match vodozemac::base64_decode(body) {
        Err(_) => "Base64".to_owned(),
        Ok(bytes) => match vodozemac::olm::OlmMessage::from_parts(message_type, &bytes) {
            Ok(_) => "accepts".to_owned(),
            Err(e) => {
                let debug = format!("{e:?}");
                debug.split('(').next().unwrap_or_default().to_owned()
            }
        },
    }
}

/// The decoded fields of a normal message.
fn normal_fields(
    version: u8,
    ratchet_key: &[u8],
    index: u64,
    ciphertext: &[u8],
    mac: &[u8],
) -> Value {
    json!({
        "version": version,
        "ratchetKey": b64(ratchet_key),
        "chainIndex": index,
        "ciphertext": hex(ciphertext),
        "mac": hex(mac),
    })
}

struct Cases {
    fixture: Fixture,
    tests: Vec<Value>,
}

impl Cases {
    fn push(&mut self, mut case: Value) {
        let mut value = json!({ "tcId": self.tests.len() + 1 });
        if let (Some(target), Some(source)) = (value.as_object_mut(), case.as_object_mut()) {
            target.append(source);
        }
        self.tests.push(value);
    }

    fn oracle(&self, oracle: Oracle, message_type: usize, body: &str) -> Result<Vec<u8>, String> {
        match oracle {
            Oracle::Alice => self.fixture.libolm_alice(message_type, body),
            Oracle::Bob => self.fixture.libolm_bob(message_type, body),
        }
    }

    /// A valid message, with its decoded `fields` (for a pre-key message, its keys and the inner
    /// message's fields under "message"). Hand-built ones (`unusual`) must be accepted by libolm.
    #[allow(clippy::too_many_arguments)]
    fn valid(
        &mut self,
        comment: &str,
        message_type: usize,
        bytes: &[u8],
        fields: Value,
        keys: &CipherKeys,
        plaintext: &[u8],
        oracle: Option<Oracle>,
        flags: &[&str],
    ) {
        let body = b64(bytes);
        if let Some(oracle) = oracle {
            assert_eq!(
                self.oracle(oracle, message_type, &body).as_deref(),
                Ok(plaintext),
                "{comment}: libolm must accept it"
            );
        }
        assert_eq!(vodozemac_verdict(message_type, &body), "accepts", "{comment}: vodozemac");
        let mut case = json!({
            "comment": comment,
            "type": message_type,
            "body": body,
        });
        if let (Some(target), Some(source)) = (case.as_object_mut(), fields.as_object()) {
            for (k, v) in source {
                target.insert(k.clone(), v.clone());
            }
        }
        case["cipherKeys"] = keys.json();
        case["plaintext"] = json!(hex(plaintext));
        case["result"] = json!("valid");
        case["flags"] = json!(flags);
        self.push(case);
    }

    /// An invalid message: `error` is the salamander `DecodeError` kind, `detail` its Debug form
    /// where the kind carries a value that matters. `libolm_accepts` is what libolm does with it,
    /// asserted: if it accepts, it must decrypt it to `plaintext`.
    #[allow(clippy::too_many_arguments)]
    fn invalid(
        &mut self,
        comment: &str,
        message_type: usize,
        body: &str,
        error: &str,
        detail: Option<&str>,
        oracle: Oracle,
        plaintext: &[u8],
        libolm_accepts: bool,
        flags: &[&str],
    ) {
        let verdict = self.oracle(oracle, message_type, body);
        let libolm = match &verdict {
            Ok(decrypted) => {
                assert_eq!(decrypted, plaintext, "{comment}: libolm decrypted something else");
                "accepts".to_owned()
            }
            // libolm 3.2.13 compares a version it never read when a normal message is shorter
            // than its MAC: either error may come out.
            Err(e) if message_type == 1
                && vodozemac::base64_decode(body).is_ok_and(|b| b.len() < 8)
                && (e == "BAD_MESSAGE_FORMAT" || e == "BAD_MESSAGE_VERSION") =>
            {
                "BAD_MESSAGE_FORMAT or BAD_MESSAGE_VERSION (libolm 3.2.13 leaves the version unread in a message shorter than its MAC)".to_owned()
            }
            Err(e) => e.clone(),
        };
        assert_eq!(verdict.is_ok(), libolm_accepts, "{comment}: libolm says {libolm}");
        let mut flags: Vec<&str> = flags.to_vec();
        if libolm_accepts {
            flags.push("LibolmAccepts");
        }
        self.push_invalid(comment, message_type, body, error, detail, &libolm, flags);
    }

    /// An invalid message that is not given to libolm, for the reason `libolm` says.
    #[allow(clippy::too_many_arguments)]
    fn invalid_not_run(
        &mut self,
        comment: &str,
        message_type: usize,
        body: &str,
        error: &str,
        detail: Option<&str>,
        libolm: &str,
        flags: &[&str],
    ) {
        self.push_invalid(comment, message_type, body, error, detail, libolm, flags.to_vec());
    }

    #[allow(clippy::too_many_arguments)]
    fn push_invalid(
        &mut self,
        comment: &str,
        message_type: usize,
        body: &str,
        error: &str,
        detail: Option<&str>,
        libolm: &str,
        mut flags: Vec<&str>,
    ) {
        let vodozemac = vodozemac_verdict(message_type, body);
        if vodozemac == "accepts" {
            flags.push("VodozemacAccepts");
        }
        let mut case = json!({
            "comment": comment,
            "type": message_type,
            "body": body,
            "result": "invalid",
            "error": error,
        });
        if let Some(detail) = detail {
            case["detail"] = json!(detail);
        }
        case["libolm"] = json!(libolm);
        case["vodozemac"] = json!(vodozemac);
        case["flags"] = json!(flags);
        self.push(case);
    }
}

fn libolm_cases(cases: &mut Cases) {
    let fixture = &cases.fixture;
    let model = &fixture.conversation.model;
    let (one_time, base, identity) = (
        model.public(|s| &s.bob_one_time),
        model.public(|s| &s.alice_base),
        model.public(|s| &s.alice_identity),
    );
    let session_id = model.session_id();
    let mut made = Vec::new();
    for (i, &n) in fixture.pre_key.iter().enumerate() {
        let sent = fixture.sent(n).clone();
        let comment = format!(
            "libolm pre-key message {i} of Alice's first chain ({} bytes of plaintext)",
            sent.plaintext.len()
        );
        let mut fields = json!({
            "oneTimeKey": b64(&one_time),
            "baseKey": b64(&base),
            "identityKey": b64(&identity),
            "sessionId": session_id,
        });
        fields["message"] = normal_fields(
            3,
            &sent.ratchet_key,
            u64::from(sent.index),
            sent.ciphertext(),
            sent.mac(),
        );
        made.push((comment, sent, fields));
    }
    for &n in fixture.bob.iter().chain(&fixture.alice_normal) {
        let sent = fixture.sent(n).clone();
        let comment = format!(
            "libolm normal message from {}, chain index {} ({} bytes of plaintext)",
            sent.sender.name(),
            sent.index,
            sent.plaintext.len()
        );
        let fields = normal_fields(
            3,
            &sent.ratchet_key,
            u64::from(sent.index),
            sent.ciphertext(),
            sent.mac(),
        );
        made.push((comment, sent, fields));
    }
    for (comment, sent, fields) in made {
        let mut flags = vec!["Libolm"];
        if sent.index >= 128 {
            flags.push("VarintIndex");
        }
        if sent.ciphertext().len() >= 128 {
            flags.push("VarintLength");
        }
        cases.valid(
            &comment,
            sent.message_type,
            &sent.bytes,
            fields,
            &sent.keys,
            &sent.plaintext,
            None,
            &flags,
        );
    }
}

fn key_field(key: &[u8]) -> Vec<u8> {
    bytes_field(1, key)
}

fn index_field(index: u64) -> Vec<u8> {
    varint_field(2, index)
}

fn ciphertext_field(ciphertext: &[u8]) -> Vec<u8> {
    bytes_field(4, ciphertext)
}

/// A varint of `length` bytes holding `value` in its low bits and zeroes above (non-minimal).
fn long_varint(value: u8, length: usize, last: u8) -> Vec<u8> {
    let mut out = vec![value | 0x80];
    out.extend(std::iter::repeat_n(0x80, length - 2));
    out.push(last);
    out
}

fn hand_built_valid(cases: &mut Cases) {
    let b0 = cases.fixture.bob_message(0).clone();
    let b1 = cases.fixture.bob_message(1).clone();
    let p0 = cases.fixture.sent(cases.fixture.pre_key[0]).clone();
    let model = &cases.fixture.conversation.model;
    let (one_time, base, identity): (Key, Key, Key) = (
        model.public(|s| &s.bob_one_time),
        model.public(|s| &s.alice_base),
        model.public(|s| &s.alice_identity),
    );
    let session_id = model.session_id();
    let (rk, ct) = (b0.ratchet_key, b0.ciphertext().to_vec());
    let unusual = ["Unusual"];

    let normal = |cases: &mut Cases, comment: &str, sent: &Sent, payload: Vec<u8>| {
        let bytes = sent.keys.seal(3, &payload);
        let fields = normal_fields(
            3,
            &sent.ratchet_key,
            u64::from(sent.index),
            sent.ciphertext(),
            &bytes[bytes.len() - 8..],
        );
        cases.valid(
            comment,
            1,
            &bytes,
            fields,
            &sent.keys,
            &sent.plaintext,
            Some(Oracle::Alice),
            &unusual,
        );
    };
    normal(
        cases,
        "fields in reverse order: ciphertext, chain index, ratchet key",
        &b0,
        [ciphertext_field(&ct), index_field(0), key_field(&rk)].concat(),
    );
    normal(
        cases,
        "the chain index first",
        &b0,
        [index_field(0), key_field(&rk), ciphertext_field(&ct)].concat(),
    );
    normal(
        cases,
        "an unknown field of wire type 0 (field 5) before the ratchet key",
        &b0,
        [varint_field(5, 1234), b0.payload().to_vec()].concat(),
    );
    normal(
        cases,
        "an unknown field of wire type 2 (field 6) after the ciphertext",
        &b0,
        [b0.payload().to_vec(), bytes_field(6, b"unknown field")].concat(),
    );
    normal(
        cases,
        "an unknown field with a two-byte key (field 16, wire type 0) between the known ones",
        &b0,
        [key_field(&rk), vec![0x80, 0x01, 0x07], index_field(0), ciphertext_field(&ct)].concat(),
    );
    normal(
        cases,
        "an unknown field of wire type 5 (field 7, 4 bytes) after the ciphertext (libolm stops reading there)",
        &b0,
        [b0.payload().to_vec(), vec![7 << 3 | 5, 1, 2, 3, 4]].concat(),
    );
    normal(
        cases,
        "chain index 1 as a five-byte varint (non-minimal: 81 80 80 80 00)",
        &b1,
        [
            key_field(&b1.ratchet_key),
            vec![0x10],
            long_varint(1, 5, 0),
            ciphertext_field(b1.ciphertext()),
        ]
        .concat(),
    );
    normal(
        cases,
        "the ratchet key's length as a two-byte varint (a0 00)",
        &b0,
        [vec![0x0a, 0xa0, 0x00], rk.to_vec(), index_field(0), ciphertext_field(&ct)].concat(),
    );
    normal(
        cases,
        "the chain index twice: 7, then the real 1 (the last one counts)",
        &b1,
        [
            index_field(7),
            key_field(&b1.ratchet_key),
            index_field(1),
            ciphertext_field(b1.ciphertext()),
        ]
        .concat(),
    );

    let pre_key = |cases: &mut Cases, comment: &str, bytes: Vec<u8>, inner: &[u8]| {
        let mut fields = json!({
            "oneTimeKey": b64(&one_time),
            "baseKey": b64(&base),
            "identityKey": b64(&identity),
            "sessionId": session_id,
        });
        fields["message"] = normal_fields(
            3,
            &p0.ratchet_key,
            u64::from(p0.index),
            p0.ciphertext(),
            &inner[inner.len() - 8..],
        );
        cases.valid(
            comment,
            0,
            &bytes,
            fields,
            &p0.keys,
            &p0.plaintext,
            Some(Oracle::Bob),
            &unusual,
        );
    };
    let with_version = |parts: &[Vec<u8>]| [vec![3], parts.concat()].concat();
    pre_key(
        cases,
        "pre-key message with its fields in reverse order: message, identity key, base key, one-time key",
        with_version(&[
            bytes_field(4, &p0.inner),
            bytes_field(3, &identity),
            bytes_field(2, &base),
            bytes_field(1, &one_time),
        ]),
        &p0.inner,
    );
    pre_key(
        cases,
        "pre-key message with unknown fields of wire types 0 and 2 around the keys",
        with_version(&[
            varint_field(9, 300),
            bytes_field(1, &one_time),
            bytes_field(2, &base),
            bytes_field(10, b"extension"),
            bytes_field(3, &identity),
            bytes_field(4, &p0.inner),
        ]),
        &p0.inner,
    );
    let reordered = p0.keys.seal(
        3,
        &[ciphertext_field(p0.ciphertext()), key_field(&p0.ratchet_key), index_field(0)].concat(),
    );
    pre_key(
        cases,
        "pre-key message whose inner message has its fields reordered (ciphertext, ratchet key, chain index)",
        with_version(&[
            bytes_field(1, &one_time),
            bytes_field(2, &base),
            bytes_field(3, &identity),
            bytes_field(4, &reordered),
        ]),
        &reordered,
    );
    pre_key(
        cases,
        "pre-key message with the one-time key's length as a two-byte varint (a0 00)",
        with_version(&[
            vec![0x0a, 0xa0, 0x00],
            one_time.to_vec(),
            bytes_field(2, &base),
            bytes_field(3, &identity),
            bytes_field(4, &p0.inner),
        ]),
        &p0.inner,
    );
}

fn invalid_normal(cases: &mut Cases) {
    let b0 = cases.fixture.bob_message(0).clone();
    let b300 = cases.fixture.bob_message(300).clone();
    let (rk, ct, pt) = (b0.ratchet_key, b0.ciphertext().to_vec(), b0.plaintext.clone());
    let payload = b0.payload().to_vec();
    let body = b64(&b0.bytes);

    // A payload sealed with B0's keys, so that libolm's verdict is about the encoding.
    let sealed = |payload: &[u8]| b64(&b0.keys.seal(3, payload));
    type Spec<'a> = (&'a str, String, &'a str, Option<&'a str>, bool, &'a [&'a str]);
    let pb = "ProtoBufError";
    let truncated = Some("ProtoBufError(Truncated)");
    let specs: Vec<Spec> = vec![
        ("empty message", String::new(), "MissingVersion", Some("MissingVersion"), false, &[]),
        (
            "version 2",
            b64(&b0.keys.seal(2, &payload)),
            "InvalidVersion",
            None,
            false,
            &["Version"],
        ),
        (
            "version 5",
            b64(&b0.keys.seal(5, &payload)),
            "InvalidVersion",
            None,
            false,
            &["Version"],
        ),
        (
            "version 4 (vodozemac's 32-byte-MAC format) on a message with an 8-byte MAC: the last 32 bytes are taken as the MAC, and the payload ends inside the ratchet key",
            b64(&[&[4u8][..], &b0.bytes[1..]].concat()),
            pb,
            truncated,
            false,
            &["Version"],
        ),
        ("only the version byte", b64(&[3]), "MessageTooShort", Some("MessageTooShort(1)"), false, &["Truncated"]),
        (
            "the version byte and a MAC, nothing between (9 bytes)",
            sealed(&[]),
            "MessageTooShort",
            Some("MessageTooShort(9)"),
            false,
            &["Truncated"],
        ),
        (
            "payload cut after the ratchet key's tag: its length is missing",
            sealed(&payload[..1]),
            pb,
            truncated,
            false,
            &["Truncated"],
        ),
        (
            "payload cut inside the ratchet key (20 of its 32 bytes)",
            sealed(&payload[..22]),
            pb,
            truncated,
            false,
            &["Truncated"],
        ),
        (
            "payload cut after the ratchet key: no chain index, no ciphertext",
            sealed(&payload[..34]),
            pb,
            Some("ProtoBufError(MissingField(\"chain index\"))"),
            false,
            &["Truncated", "MissingField"],
        ),
        (
            "payload cut after the chain index's tag: a varint with no byte",
            sealed(&payload[..35]),
            pb,
            truncated,
            false,
            &["Truncated", "Varint"],
        ),
        (
            "payload cut inside the two-byte varint of chain index 300 (ac, then the end)",
            b64(&b300.keys.seal(3, &b300.payload()[..36])),
            pb,
            truncated,
            false,
            &["Truncated", "Varint"],
        ),
        (
            "payload cut after the chain index: no ciphertext",
            sealed(&payload[..36]),
            pb,
            Some("ProtoBufError(MissingField(\"ciphertext\"))"),
            false,
            &["Truncated", "MissingField"],
        ),
        (
            "payload cut inside the ciphertext (8 of its 16 bytes)",
            sealed(&payload[..46]),
            pb,
            truncated,
            false,
            &["Truncated"],
        ),
        (
            "libolm's message with its MAC removed: the last 8 ciphertext bytes are taken as the MAC, so the ciphertext runs past the end",
            b64(&b0.bytes[..b0.bytes.len() - 8]),
            pb,
            truncated,
            false,
            &["Truncated"],
        ),
        (
            "libolm's message with the last 3 bytes of its MAC removed",
            b64(&b0.bytes[..b0.bytes.len() - 3]),
            pb,
            truncated,
            false,
            &["Truncated"],
        ),
        (
            "ratchet key of 31 bytes",
            sealed(&[key_field(&rk[..31]), index_field(0), ciphertext_field(&ct)].concat()),
            "InvalidKey",
            None,
            false,
            &["InvalidKey"],
        ),
        (
            "ratchet key of 33 bytes",
            sealed(&[key_field(&[&rk[..], &[0u8][..]].concat()), index_field(0), ciphertext_field(&ct)].concat()),
            "InvalidKey",
            None,
            false,
            &["InvalidKey"],
        ),
        (
            "ratchet key of 0 bytes",
            sealed(&[key_field(&[]), index_field(0), ciphertext_field(&ct)].concat()),
            "InvalidKey",
            None,
            false,
            &["InvalidKey"],
        ),
        (
            "no chain index",
            sealed(&[key_field(&rk), ciphertext_field(&ct)].concat()),
            pb,
            Some("ProtoBufError(MissingField(\"chain index\"))"),
            false,
            &["MissingField"],
        ),
        (
            "no ciphertext",
            sealed(&[key_field(&rk), index_field(0)].concat()),
            pb,
            Some("ProtoBufError(MissingField(\"ciphertext\"))"),
            false,
            &["MissingField"],
        ),
        (
            "no ratchet key",
            sealed(&[index_field(0), ciphertext_field(&ct)].concat()),
            pb,
            Some("ProtoBufError(MissingField(\"ratchet key\"))"),
            false,
            &["MissingField"],
        ),
        (
            "chain index as an 11-byte varint (80 x10, 00); libolm skips to the end of any varint and keeps the low 32 bits (0 here)",
            sealed(&[key_field(&rk), vec![0x10], long_varint(0, 11, 0), ciphertext_field(&ct)].concat()),
            pb,
            Some("ProtoBufError(VarintOverflow)"),
            true,
            &["Varint"],
        ),
        (
            "chain index as a 10-byte varint whose last byte is 02, more than 64 bits; libolm keeps the low 32 bits (0 here)",
            sealed(&[key_field(&rk), vec![0x10], long_varint(0, 10, 2), ciphertext_field(&ct)].concat()),
            pb,
            Some("ProtoBufError(VarintOverflow)"),
            true,
            &["Varint"],
        ),
        (
            "ciphertext length as an 11-byte varint (90 80 x9 00 = 16 in its low bits); libolm accepts it",
            sealed(&[key_field(&rk), index_field(0), vec![0x22], long_varint(16, 11, 0), ct.clone()].concat()),
            pb,
            Some("ProtoBufError(VarintOverflow)"),
            true,
            &["Varint"],
        ),
        (
            "a field key of 11 bytes (80 x10, 00) before the fields; libolm skips it as an unknown varint field",
            sealed(&[long_varint(0, 11, 0), vec![0x00], payload.clone()].concat()),
            pb,
            Some("ProtoBufError(VarintOverflow)"),
            true,
            &["Varint"],
        ),
        (
            "a field of wire type 3 (field 5, start group) before the fields; libolm stops reading at it and finds no field",
            sealed(&[vec![5 << 3 | 3], payload.clone()].concat()),
            pb,
            Some("ProtoBufError(InvalidWireType(3))"),
            false,
            &["WireType"],
        ),
        (
            "a field of wire type 4 (field 5, end group) after the fields; libolm stops reading at it, having found all three",
            sealed(&[payload.clone(), vec![5 << 3 | 4]].concat()),
            pb,
            Some("ProtoBufError(InvalidWireType(4))"),
            true,
            &["WireType"],
        ),
        (
            "a field of wire type 6 (field 5) after the fields; libolm stops reading at it, having found all three",
            sealed(&[payload.clone(), vec![5 << 3 | 6, 0]].concat()),
            pb,
            Some("ProtoBufError(InvalidWireType(6))"),
            true,
            &["WireType"],
        ),
        (
            "a field of wire type 7 (field 5) before the fields; libolm stops reading at it and finds no field",
            sealed(&[vec![5 << 3 | 7, 0], payload.clone()].concat()),
            pb,
            Some("ProtoBufError(InvalidWireType(7))"),
            false,
            &["WireType"],
        ),
        (
            "a varint field with number 0 (key 00) before the fields; libolm skips it as unknown",
            sealed(&[vec![0x00, 0x05], payload.clone()].concat()),
            pb,
            Some("ProtoBufError(InvalidFieldNumber)"),
            true,
            &["FieldNumber"],
        ),
        (
            "a length-delimited field with number 0 (key 02) after the fields; libolm skips it as unknown",
            sealed(&[payload.clone(), vec![0x02, 0x01, 0xff]].concat()),
            pb,
            Some("ProtoBufError(InvalidFieldNumber)"),
            true,
            &["FieldNumber"],
        ),
        (
            "the ciphertext's length is 17 but only 16 bytes precede the MAC",
            sealed(&[key_field(&rk), index_field(0), vec![0x22, 17], ct.clone()].concat()),
            pb,
            truncated,
            false,
            &["Length"],
        ),
        (
            "an unknown length-delimited field (field 6) after the fields whose length (100) runs past the end; libolm stops reading there",
            sealed(&[payload.clone(), vec![6 << 3 | 2, 100, 1, 2, 3]].concat()),
            pb,
            truncated,
            true,
            &["Length"],
        ),
        (
            "an unknown fixed64 field (wire type 1) after the fields with only 3 of its 8 bytes; libolm stops reading at any wire type 1",
            sealed(&[payload.clone(), vec![6 << 3 | 1, 1, 2, 3]].concat()),
            pb,
            truncated,
            true,
            &["Length"],
        ),
        (
            "the ratchet key as a varint (key 08): wrong wire type for field 1; libolm skips it as unknown and misses the ratchet key",
            sealed(&[vec![0x08, 0x01], index_field(0), ciphertext_field(&ct)].concat()),
            pb,
            Some("ProtoBufError(WrongWireType(\"ratchet key\"))"),
            false,
            &["WireType"],
        ),
        (
            "the chain index as a length-delimited field (key 12): wrong wire type for field 2",
            sealed(&[key_field(&rk), vec![0x12, 0x01, 0x00], ciphertext_field(&ct)].concat()),
            pb,
            Some("ProtoBufError(WrongWireType(\"chain index\"))"),
            false,
            &["WireType"],
        ),
        (
            "the ciphertext as a varint (key 20): wrong wire type for field 4",
            sealed(&[key_field(&rk), index_field(0), vec![0x20, 0x10]].concat()),
            pb,
            Some("ProtoBufError(WrongWireType(\"ciphertext\"))"),
            false,
            &["WireType"],
        ),
        (
            "a character outside the base64 alphabet",
            format!("{}!{}", &body[..10], &body[10..]),
            "Base64",
            None,
            false,
            &["Base64"],
        ),
        (
            "base64 whose length is 1 modulo 4",
            body[..body.len() - 3].to_owned(),
            "Base64",
            None,
            false,
            &["Base64"],
        ),
    ];
    for (comment, body, error, detail, libolm_accepts, flags) in specs {
        cases.invalid(comment, 1, &body, error, detail, Oracle::Alice, &pt, libolm_accepts, flags);
    }
    cases.invalid_not_run(
        "payload cut after the ciphertext's tag: its length is missing",
        1,
        &sealed(&payload[..37]),
        pb,
        truncated,
        "not run: libolm 3.2.13 takes the missing length as 0, and with a valid MAC goes on to decrypt an empty ciphertext, reading the byte before its output buffer (a crash when that buffer is empty)",
        &["Truncated", "LibolmOutOfBounds"],
    );

    // Non-canonical base64 needs a message whose length is not a multiple of 3.
    let odd = cases
        .fixture
        .bob
        .iter()
        .map(|&n| cases.fixture.sent(n).clone())
        .find(|s| s.bytes.len() % 3 != 0)
        .unwrap_or_else(|| panic!("no message of a length that is not a multiple of 3"));
    let mut text = b64(&odd.bytes).into_bytes();
    let last = text.len() - 1;
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let value = alphabet.iter().position(|&c| c == text[last]).unwrap_or_default();
    text[last] = alphabet[value | 1];
    let body = String::from_utf8(text).unwrap_or_default();
    cases.invalid(
        "non-canonical base64: the unused low bits of the last character are set; libolm ignores them",
        1,
        &body,
        "Base64",
        None,
        Oracle::Alice,
        &odd.plaintext,
        true,
        &["Base64"],
    );
}

fn invalid_pre_key(cases: &mut Cases) {
    let p0 = cases.fixture.sent(cases.fixture.pre_key[0]).clone();
    let model = &cases.fixture.conversation.model;
    let (otk, base, identity): (Key, Key, Key) = (
        model.public(|s| &s.bob_one_time),
        model.public(|s| &s.alice_base),
        model.public(|s| &s.alice_identity),
    );
    let inner = p0.inner.clone();
    let pt = p0.plaintext.clone();
    let pre_key = |parts: &[Vec<u8>]| b64(&[vec![3], parts.concat()].concat());
    let fields = |inner: &[u8]| {
        vec![
            bytes_field(1, &otk),
            bytes_field(2, &base),
            bytes_field(3, &identity),
            bytes_field(4, inner),
        ]
    };
    let with_inner = |inner: &[u8]| pre_key(&fields(inner));
    let without = |skip: usize| {
        let parts: Vec<Vec<u8>> = fields(&inner)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, f)| f)
            .collect();
        pre_key(&parts)
    };
    let whole = [vec![3u8], fields(&inner).concat()].concat();
    assert_eq!(whole, p0.bytes, "the pre-key encoder is libolm's");
    let pb = "ProtoBufError";
    let truncated = Some("ProtoBufError(Truncated)");
    type Spec<'a> = (&'a str, String, &'a str, Option<&'a str>, bool, &'a [&'a str]);
    let specs: Vec<Spec> = vec![
        ("empty pre-key message", String::new(), "MissingVersion", Some("MissingVersion"), false, &["PreKey"]),
        (
            "pre-key message of version 2; libolm does not check a pre-key message's own version",
            b64(&[&[2u8][..], &p0.bytes[1..]].concat()),
            "InvalidVersion",
            None,
            true,
            &["PreKey", "Version"],
        ),
        (
            "pre-key message of version 4 (there is no version-4 pre-key message); libolm does not check it",
            b64(&[&[4u8][..], &p0.bytes[1..]].concat()),
            "InvalidVersion",
            None,
            true,
            &["PreKey", "Version"],
        ),
        (
            "pre-key message of only its version byte",
            b64(&[3]),
            pb,
            Some("ProtoBufError(MissingField(\"one-time key\"))"),
            false,
            &["PreKey", "MissingField"],
        ),
        (
            "pre-key message without its one-time key",
            without(0),
            pb,
            Some("ProtoBufError(MissingField(\"one-time key\"))"),
            false,
            &["PreKey", "MissingField"],
        ),
        (
            "pre-key message without its base key",
            without(1),
            pb,
            Some("ProtoBufError(MissingField(\"base key\"))"),
            false,
            &["PreKey", "MissingField"],
        ),
        (
            "pre-key message without its identity key (libolm's olm_create_inbound_session refuses it; olm_create_inbound_session_from, given the sender's key, would read the missing key through a null pointer)",
            without(2),
            pb,
            Some("ProtoBufError(MissingField(\"identity key\"))"),
            false,
            &["PreKey", "MissingField"],
        ),
        (
            "pre-key message without its inner message",
            without(3),
            pb,
            Some("ProtoBufError(MissingField(\"message\"))"),
            false,
            &["PreKey", "MissingField"],
        ),
        (
            "pre-key message with a one-time key of 31 bytes",
            pre_key(&[bytes_field(1, &otk[..31]), bytes_field(2, &base), bytes_field(3, &identity), bytes_field(4, &inner)]),
            "InvalidKey",
            None,
            false,
            &["PreKey", "InvalidKey"],
        ),
        (
            "pre-key message with a base key of 33 bytes",
            pre_key(&[bytes_field(1, &otk), bytes_field(2, &[&base[..], &[0u8][..]].concat()), bytes_field(3, &identity), bytes_field(4, &inner)]),
            "InvalidKey",
            None,
            false,
            &["PreKey", "InvalidKey"],
        ),
        (
            "pre-key message with an identity key of 31 bytes",
            pre_key(&[bytes_field(1, &otk), bytes_field(2, &base), bytes_field(3, &identity[..31]), bytes_field(4, &inner)]),
            "InvalidKey",
            None,
            false,
            &["PreKey", "InvalidKey"],
        ),
        (
            "pre-key message whose inner message is empty",
            with_inner(&[]),
            "MissingVersion",
            Some("MissingVersion"),
            false,
            &["PreKey", "InnerMessage"],
        ),
        (
            "pre-key message whose inner message has version 2",
            with_inner(&p0.keys.seal(2, p0.payload())),
            "InvalidVersion",
            None,
            false,
            &["PreKey", "InnerMessage", "Version"],
        ),
        (
            "pre-key message whose inner message is 3 bytes long",
            with_inner(&inner[..3]),
            "MessageTooShort",
            Some("MessageTooShort(3)"),
            false,
            &["PreKey", "InnerMessage", "Truncated"],
        ),
        (
            "pre-key message whose inner message lost its MAC",
            with_inner(&inner[..inner.len() - 8]),
            pb,
            truncated,
            false,
            &["PreKey", "InnerMessage", "Truncated"],
        ),
        (
            "pre-key message whose inner message has a ratchet key of 31 bytes",
            with_inner(&p0.keys.seal(3, &[key_field(&p0.ratchet_key[..31]), index_field(0), ciphertext_field(p0.ciphertext())].concat())),
            "InvalidKey",
            None,
            false,
            &["PreKey", "InnerMessage", "InvalidKey"],
        ),
        (
            "pre-key message whose inner message has no chain index",
            with_inner(&p0.keys.seal(3, &[key_field(&p0.ratchet_key), ciphertext_field(p0.ciphertext())].concat())),
            pb,
            Some("ProtoBufError(MissingField(\"chain index\"))"),
            false,
            &["PreKey", "InnerMessage", "MissingField"],
        ),
        (
            "pre-key message cut inside the base key",
            b64(&p0.bytes[..50]),
            pb,
            truncated,
            false,
            &["PreKey", "Truncated"],
        ),
        (
            "pre-key message cut inside its inner message (the last 10 bytes removed)",
            b64(&p0.bytes[..p0.bytes.len() - 10]),
            pb,
            truncated,
            false,
            &["PreKey", "Truncated"],
        ),
        (
            "pre-key message with a field of wire type 6 (field 5) before the others; libolm stops reading at it",
            pre_key(&[vec![5 << 3 | 6, 0], fields(&inner).concat()]),
            pb,
            Some("ProtoBufError(InvalidWireType(6))"),
            false,
            &["PreKey", "WireType"],
        ),
        (
            "pre-key message with a field of wire type 7 (field 5) after the others; libolm stops reading at it, having found all four",
            pre_key(&[fields(&inner).concat(), vec![5 << 3 | 7, 0]]),
            pb,
            Some("ProtoBufError(InvalidWireType(7))"),
            true,
            &["PreKey", "WireType"],
        ),
        (
            "pre-key message with a varint field numbered 0 (key 00); libolm skips it as unknown",
            pre_key(&[vec![0x00, 0x01], fields(&inner).concat()]),
            pb,
            Some("ProtoBufError(InvalidFieldNumber)"),
            true,
            &["PreKey", "FieldNumber"],
        ),
        (
            "pre-key message with the one-time key as a varint (key 08): wrong wire type for field 1",
            pre_key(&[vec![0x08, 0x01], fields(&inner)[1..].concat()]),
            pb,
            Some("ProtoBufError(WrongWireType(\"one-time key\"))"),
            false,
            &["PreKey", "WireType"],
        ),
    ];
    for (comment, body, error, detail, libolm_accepts, flags) in specs {
        cases.invalid(comment, 0, &body, error, detail, Oracle::Bob, &pt, libolm_accepts, flags);
    }

    // Message types other than 0 and 1.
    let body = b64(&p0.bytes);
    cases.invalid(
        "message type 2 with a valid pre-key message; libolm's olm_decrypt takes any type but 1 as a pre-key message",
        2,
        &body,
        "MessageType",
        Some("MessageType(2)"),
        Oracle::Bob,
        &pt,
        true,
        &["MessageType"],
    );
    let b0 = cases.fixture.bob_message(0).clone();
    cases.invalid(
        "message type 3 with a valid normal message; libolm reads it as a pre-key message and finds no inner message it can use",
        3,
        &b64(&b0.bytes),
        "MessageType",
        Some("MessageType(3)"),
        Oracle::Alice,
        &b0.plaintext,
        false,
        &["MessageType"],
    );
}

pub(crate) fn vectors() -> Vec<VectorFile> {
    let mut cases = Cases { fixture: Fixture::new(), tests: Vec::new() };
    libolm_cases(&mut cases);
    hand_built_valid(&mut cases);
    invalid_normal(&mut cases);
    invalid_pre_key(&mut cases);
    let tests = cases.tests;
    vec![VectorFile {
        path: "olm/message_codec.json",
        content: json!({
            "algorithm": "olm-message-codec",
            "source": "libolm 3.2.13 + hand-built",
            "generator": "cargo run -p salamander-vector-gen -- olm-message-codec",
            "notes": [
                "Decoding Olm messages: 'type' (0 pre-key, 1 normal, anything else invalid) and 'body' (unpadded base64), as in an m.room.encrypted event.",
                "Valid cases flagged 'Libolm' are messages libolm 3.2.13 made in one conversation (fixed randomness); 'Unusual' ones are hand-built encodings (another field order, unknown fields, non-minimal varints, a repeated field whose last value counts) sealed with the message key of a libolm message, and the generator asserts that libolm decrypts each of them to 'plaintext'.",
                "A valid normal message lists 'version', 'ratchetKey' (base64), 'chainIndex', 'ciphertext' and 'mac' (hex, the last 8 bytes). A valid pre-key message lists 'oneTimeKey', 'baseKey', 'identityKey', 'sessionId' (SHA-256 of identity, base and one-time key, base64) and its inner normal message's fields under 'message'. 'cipherKeys' (aesKey, macKey, iv; the generator's, checked against libolm) verify the MAC (HMAC-SHA-256 over the bytes before it, truncated to 8) and decrypt the ciphertext to 'plaintext' (hex).",
                "Invalid cases name the expected salamander DecodeError kind in 'error' (MissingVersion, InvalidVersion, MessageTooShort, InvalidKey, ProtoBufError, MessageType, Base64) and, where it carries a value that matters, its Debug form in 'detail'. Decoders must check every length, reject varints over 10 bytes or 64 bits, wire types 3, 4, 6 and 7, field number 0, and a missing required field.",
                "'libolm' is what libolm 3.2.13 did with the same body: 'accepts' (flag LibolmAccepts; it decrypted it to the original plaintext) or its error. Normal messages were given to a copy of Alice's session that had received nothing yet, pre-key messages to olm_create_inbound_session then olm_decrypt on a fresh copy of Bob's account; hand-built payloads are sealed with the right MAC key so that the verdict is about the encoding. libolm's decoder is lax: it keeps the low bits of long varints, skips field number 0 as an unknown field, stops reading at wire types 1, 3, 4, 5, 6 and 7 or a length past the end, ignores a pre-key message's own version and takes any message type but 1 as a pre-key message.",
                "'vodozemac' is the verdict of vodozemac 0.11.1's OlmMessage::from_parts (its DecodeError kind, or 'accepts', flag VodozemacAccepts): it uses prost, which treats missing fields as empty and so reports a missing key as InvalidKey, a missing inner message as MissingVersion, and accepts a message without a ciphertext or a chain index."
            ],
            "numberOfTests": tests.len(),
            "tests": tests,
        }),
    }]
}
