//! `megolm-message-codec`: the Megolm message encoding — libolm's messages, unusual encodings
//! libolm accepts, and malformed ones.

use salamander_libolm::InboundGroupSession;
use serde_json::{json, Map, Value};
use vodozemac::megolm as vz;

use super::kit::{
    b64, disagreement_flags, kind, payload, record, unb64, varint, CipherKeys, Sender,
};
use crate::{random::hex, VectorFile};

const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// A plaintext and its message index.
type Decrypted = (Vec<u8>, u32);

struct Cases<'a> {
    sender: &'a Sender,
    cases: Vec<Value>,
}

/// What a valid message decodes to.
struct Decoded {
    version: u8,
    index: u32,
    ciphertext: Vec<u8>,
    plaintext: Vec<u8>,
}

impl Cases<'_> {
    fn base(&self, comment: &str, message: &str) -> Map<String, Value> {
        let mut case = Map::new();
        case.insert("tcId".into(), (self.cases.len() + 1).into());
        case.insert("comment".into(), comment.into());
        case.insert("message".into(), message.into());
        case
    }

    /// libolm's verdict: a fresh session from the session key decrypts the message.
    fn libolm(&self, key: &str, message: &str) -> (Result<(), String>, Option<Decrypted>) {
        let mut session =
            InboundGroupSession::new(key).unwrap_or_else(|e| panic!("libolm session: {e}"));
        match session.decrypt(message) {
            Ok(decrypted) => (Ok(()), Some(decrypted)),
            Err(e) => (Err(e.0), None),
        }
    }

    fn finish(&mut self, mut case: Map<String, Value>, flags: &[&str], version_2: bool) {
        let message = case["message"].as_str().unwrap_or_default().to_owned();
        let key = match case.get("sessionKey").and_then(Value::as_str) {
            Some(key) => key.to_owned(),
            None => self.sender.session_key.clone(),
        };
        let (libolm, decrypted) = self.libolm(&key, &message);
        record(&mut case, "libolm", libolm);
        if case["result"] == "invalid" {
            if let Some((plaintext, index)) = decrypted {
                case.insert("libolmPlaintext".into(), hex(&plaintext).into());
                case.insert("libolmIndex".into(), index.into());
            }
        } else if let Some((plaintext, index)) = decrypted {
            assert_eq!(Value::from(hex(&plaintext)), case["plaintext"], "{}", case["comment"]);
            assert_eq!(Value::from(index), case["index"], "{}", case["comment"]);
        }
        let decoded = vz::MegolmMessage::from_base64(&message);
        record(&mut case, "vodozemac", decoded.as_ref().map(|_| ()).map_err(kind));
        if case["result"] == "valid" {
            let config = if version_2 {
                vz::SessionConfig::version_2()
            } else {
                vz::SessionConfig::version_1()
            };
            let key = vz::SessionKey::from_base64(&key)
                .unwrap_or_else(|e| panic!("vodozemac session key: {e}"));
            let mut session = vz::InboundGroupSession::new(&key, config);
            let verdict = decoded
                .map_err(|e| kind(&e))
                .and_then(|m| session.decrypt(&m).map_err(|e| kind(&e)))
                .map(|_| ());
            record(&mut case, "vodozemacDecrypt", verdict);
        }
        let mut all: Vec<Value> = flags.iter().map(|&f| f.into()).collect();
        all.extend(disagreement_flags(&case));
        if case["result"] == "invalid"
            && case.get("vodozemacError").is_some_and(|e| e != &case["error"])
        {
            all.push("VodozemacErrorDiffers".into());
        }
        case.insert("flags".into(), all.into());
        self.cases.push(Value::Object(case));
    }

    fn valid(&mut self, comment: &str, message: &str, d: Decoded, flags: &[&str]) {
        let key = self.sender.session_key.clone();
        self.valid_with(comment, message, d, &key, flags);
    }

    fn valid_with(&mut self, comment: &str, message: &str, d: Decoded, key: &str, flags: &[&str]) {
        let bytes = unb64(message);
        let mac_length = if d.version == 4 { 32 } else { 8 };
        let mut case = self.base(comment, message);
        case.insert("version".into(), d.version.into());
        case.insert("index".into(), d.index.into());
        case.insert("ciphertext".into(), hex(&d.ciphertext).into());
        case.insert(
            "mac".into(),
            hex(&bytes[bytes.len() - 64 - mac_length..bytes.len() - 64]).into(),
        );
        case.insert("signature".into(), hex(&bytes[bytes.len() - 64..]).into());
        case.insert("sessionKey".into(), key.into());
        case.insert("config".into(), if d.version == 4 { "version2" } else { "version1" }.into());
        case.insert("plaintext".into(), hex(&d.plaintext).into());
        case.insert("result".into(), "valid".into());
        // The generator's own decryption agrees.
        let keys = CipherKeys::megolm(&self.sender.ratchet_at(d.index));
        assert_eq!(keys.decrypt(&d.ciphertext), Some(d.plaintext.clone()), "{comment}");
        assert_eq!(
            keys.mac(&bytes[..bytes.len() - 64 - mac_length])[..mac_length],
            bytes[bytes.len() - 64 - mac_length..bytes.len() - 64]
        );
        self.finish(case, flags, d.version == 4);
    }

    fn invalid(&mut self, comment: &str, bytes: &[u8], error: &str, flags: &[&str]) {
        self.invalid_text(comment, &b64(bytes), error, flags);
    }

    fn invalid_text(&mut self, comment: &str, message: &str, error: &str, flags: &[&str]) {
        let mut case = self.base(comment, message);
        case.insert("sessionKey".into(), self.sender.session_key.clone().into());
        case.insert("result".into(), "invalid".into());
        case.insert("error".into(), error.into());
        self.finish(case, flags, false);
    }

    /// A hand-built version-3 message: `payload` MAC'd with the ratchet at `mac_index` and signed.
    fn build(&self, payload: &[u8], mac_index: u32) -> Vec<u8> {
        let keys = CipherKeys::megolm(&self.sender.ratchet_at(mac_index));
        self.sender.seal(3, payload, &keys, 8)
    }

    fn ciphertext(&self, index: u32, plaintext: &[u8]) -> Vec<u8> {
        CipherKeys::megolm(&self.sender.ratchet_at(index)).encrypt(plaintext)
    }
}

fn text(index: u32) -> Vec<u8> {
    format!("Megolm codec message at {index:#x}").into_bytes()
}

fn valid_cases(g: &mut Cases<'_>) {
    let s = g.sender;
    for (index, plaintext, note) in [
        (0u32, text(0), "index 0: a one-byte index varint"),
        (
            200,
            text(200),
            "index 200: a two-byte index varint (libolm's test_message.cpp header 03 08 C8 01 12)",
        ),
        (0x0100_0000, text(0x0100_0000), "index 2^24: a four-byte index varint"),
        (u32::MAX, text(u32::MAX), "index 2^32 - 1: a five-byte index varint"),
        (1, vec![], "an empty plaintext: one block of ciphertext"),
        (2, vec![0x5a; 1000], "a 1000-byte plaintext: a two-byte length varint (1008)"),
    ] {
        let body = s.encrypt_at(index, &plaintext);
        let ciphertext = g.ciphertext(index, &plaintext);
        // A session key at 0 cannot reach 2^32 - 1: use libolm's session key at 2^32 - 16 (2^32 - 1 - 15).
        let key = if index > 0x8000_0000 {
            s.outbound_at(index - 15).session_key()
        } else {
            s.session_key.clone()
        };
        g.valid_with(
            &format!("libolm's message at {note}"),
            &body,
            Decoded { version: 3, index, ciphertext, plaintext },
            &key,
            &[],
        );
    }
    let mut v2 = s.vodozemac_at(3, true);
    let plaintext = text(3);
    let message = v2.encrypt(&plaintext).to_base64();
    let ciphertext = g.ciphertext(3, &plaintext);
    g.valid(
        "vodozemac's version 2 message (version byte 4, 32-byte MAC) at 3, for a SessionConfig::version_2 session",
        &message,
        Decoded { version: 4, index: 3, ciphertext, plaintext },
        &["Version2Message"],
    );

    // Unusual encodings, MAC'd and signed over the bytes as they are.
    let p = text(9);
    let ct = g.ciphertext(9, &p);
    let field = |key: &[u8], value: &[u8]| [key, value].concat();
    let index_field = field(&[0x08], &varint(9));
    let ct_field = field(&[0x12], &[varint(ct.len() as u64), ct.clone()].concat());
    let hand = |g: &mut Cases<'_>, comment: &str, payload: Vec<u8>, flags: &[&str]| {
        let message = b64(&g.build(&payload, 9));
        let d = Decoded { version: 3, index: 9, ciphertext: ct.clone(), plaintext: p.clone() };
        g.valid(comment, &message, d, flags);
    };
    hand(
        g,
        "fields in reverse order: ciphertext, then index",
        [ct_field.clone(), index_field.clone()].concat(),
        &["Reordered"],
    );
    hand(
        g,
        "an unknown varint field (3) before the index",
        [field(&[0x18], &varint(300)), index_field.clone(), ct_field.clone()].concat(),
        &["UnknownField"],
    );
    hand(
        g,
        "an unknown length-delimited field (4, 3 bytes) after the ciphertext",
        [index_field.clone(), ct_field.clone(), field(&[0x22, 3], b"xyz")].concat(),
        &["UnknownField"],
    );
    hand(
        g,
        "an unknown length-delimited field (4) between the index and the ciphertext",
        [index_field.clone(), field(&[0x22, 5], b"hello"), ct_field.clone()].concat(),
        &["UnknownField"],
    );
    hand(
        g,
        "an unknown field with a two-byte key (field 100, varint)",
        [index_field.clone(), ct_field.clone(), field(&[0xa0, 0x06], &varint(1))].concat(),
        &["UnknownField"],
    );
    hand(
        g,
        "an unknown 32-bit field (5, wire type 5) after the ciphertext",
        [index_field.clone(), ct_field.clone(), field(&[0x2d], &[1, 2, 3, 4])].concat(),
        &["UnknownField"],
    );
    hand(
        g,
        "an unknown 64-bit field (6, wire type 1) after the ciphertext",
        [index_field.clone(), ct_field.clone(), field(&[0x31], &[1, 2, 3, 4, 5, 6, 7, 8])].concat(),
        &["UnknownField"],
    );
    hand(
        g,
        "the index field twice (5, then 9): the last one counts",
        [field(&[0x08], &varint(5)), ct_field.clone(), index_field.clone()].concat(),
        &["DuplicateField"],
    );
    hand(
        g,
        "the index 9 as a three-byte varint (89 80 00)",
        [field(&[0x08], &[0x89, 0x80, 0x00]), ct_field.clone()].concat(),
        &["NonMinimalVarint"],
    );
    hand(
        g,
        "the ciphertext length as a two-byte varint",
        [index_field.clone(), field(&[0x12], &[0x80 | ct.len() as u8, 0x00]), ct.clone()].concat(),
        &["NonMinimalVarint"],
    );

    // A padded base64 message.
    let plaintext = b"padded".to_vec();
    let body = s.encrypt_at(300, &plaintext);
    let padded = match unb64(&body).len() % 3 {
        1 => format!("{body}=="),
        2 => format!("{body}="),
        _ => panic!("choose a plaintext whose message length is not a multiple of 3"),
    };
    let ciphertext = g.ciphertext(300, &plaintext);
    g.valid(
        "libolm's message at 300 in padded base64",
        &padded,
        Decoded { version: 3, index: 300, ciphertext, plaintext },
        &["PaddedBase64"],
    );
}

fn invalid_cases(g: &mut Cases<'_>) {
    let s = g.sender;
    let p = text(9);
    let ct = g.ciphertext(9, &p);
    let field = |key: &[u8], value: &[u8]| [key, value].concat();
    let index_field = field(&[0x08], &varint(9));
    let ct_field = field(&[0x12], &[varint(ct.len() as u64), ct.clone()].concat());
    let keys9 = CipherKeys::megolm(&s.ratchet_at(9));

    g.invalid("empty", &[], "MissingVersion", &[]);
    for version in [2u8, 5, 1] {
        g.invalid(
            &format!("a well-formed message with version byte {version}, MAC'd and signed"),
            &s.seal(version, &payload(9, &ct), &keys9, 8),
            "InvalidVersion",
            &[],
        );
    }
    g.invalid("only a version byte", &[3], "MessageTooShort", &[]);
    g.invalid(
        "72 bytes: one short of version, MAC and signature",
        &[3; 72],
        "MessageTooShort",
        &[],
    );
    let mut v4 = vec![4u8];
    v4.extend_from_slice(&[0; 95]);
    g.invalid(
        "version 4 with 95 bytes after it: one short of a 32-byte MAC and signature",
        &v4,
        "MessageTooShort",
        &[],
    );
    let libolm = unb64(&s.encrypt_at(9, &p));
    let mut v4_relabel = libolm.clone();
    v4_relabel[0] = 4;
    g.invalid(
        "libolm's message at 9 with its version byte changed to 4: the 32-byte MAC eats the end of the ciphertext",
        &s.resign(&v4_relabel),
        "ProtoBufError",
        &[],
    );

    // The index.
    for (index, note) in [(0x1_0000_0009u64, "2^32 + 9"), (0x8_0000_0009, "2^35 + 9")] {
        g.invalid(
            &format!("index {note}: above 2^32 - 1 (MAC'd with the ratchet at 9, signed)"),
            &g.build(&payload(index, &ct), 9),
            "ProtoBufError",
            &["IndexOverflow"],
        );
    }
    g.invalid("no index field", &g.build(&ct_field, 0), "ProtoBufError", &["MissingField"]);
    g.invalid("no ciphertext field", &g.build(&index_field, 9), "ProtoBufError", &["MissingField"]);
    g.invalid(
        "neither field: an empty payload",
        &g.build(&[], 0),
        "ProtoBufError",
        &["MissingField"],
    );
    g.invalid(
        "a ciphertext length past the end of the payload (into the MAC)",
        &g.build(
            &[index_field.clone(), field(&[0x12], &varint(ct.len() as u64 + 8)), ct.clone()]
                .concat(),
            9,
        ),
        "ProtoBufError",
        &["Truncated"],
    );
    g.invalid(
        "the index as a length-delimited field (key 0x0A)",
        &g.build(&[field(&[0x0a, 1], &[9]), ct_field.clone()].concat(), 9),
        "ProtoBufError",
        &["WrongWireType"],
    );
    g.invalid(
        "the ciphertext as a varint field (key 0x10)",
        &g.build(&[index_field.clone(), field(&[0x10], &varint(5))].concat(), 9),
        "ProtoBufError",
        &["WrongWireType"],
    );
    g.invalid(
        "a field of wire type 3 (start group) before the index",
        &g.build(&[vec![0x1b], index_field.clone(), ct_field.clone()].concat(), 9),
        "ProtoBufError",
        &["InvalidWireType"],
    );
    g.invalid(
        "a field of wire type 7 after the ciphertext",
        &g.build(&[index_field.clone(), ct_field.clone(), vec![0x1f, 0x00]].concat(), 9),
        "ProtoBufError",
        &["InvalidWireType"],
    );
    g.invalid(
        "a field numbered 0 (key 0x00) before the index",
        &g.build(&[vec![0x00, 0x01], index_field.clone(), ct_field.clone()].concat(), 9),
        "ProtoBufError",
        &["InvalidFieldNumber"],
    );
    g.invalid(
        "the payload ends inside the index varint",
        &g.build(&[ct_field.clone(), vec![0x08, 0x89]].concat(), 9),
        "ProtoBufError",
        &["Truncated"],
    );
    g.invalid(
        "an index varint of 11 bytes",
        &g.build(
            &[vec![0x08], vec![0x89], vec![0x80; 9], vec![0x00], ct_field.clone()].concat(),
            9,
        ),
        "ProtoBufError",
        &["VarintOverflow"],
    );

    // Base64.
    let body = s.encrypt_at(300, b"padded");
    let replace = |at: usize, c: char| {
        let mut chars: Vec<char> = body.chars().collect();
        chars[at] = c;
        chars.into_iter().collect::<String>()
    };
    g.invalid_text(
        "libolm's message at 300 with a character replaced by '!'",
        &replace(40, '!'),
        "Base64",
        &[],
    );
    g.invalid_text(
        "libolm's message at 300 with a character replaced by the URL-safe '_'",
        &replace(20, '_'),
        "Base64",
        &[],
    );
    let trimmed = match body.len() % 4 {
        2 => body[..body.len() - 1].to_owned(),
        3 => body[..body.len() - 2].to_owned(),
        _ => format!("{body}A"),
    };
    assert_eq!(trimmed.len() % 4, 1);
    g.invalid_text("a message cut to a length of 1 modulo 4", &trimmed, "Base64", &[]);
    let last = body.chars().last().unwrap_or('A');
    let value = ALPHABET.find(last).unwrap_or(0);
    let unused = if body.len() % 4 == 2 { 0xf } else { 0x3 };
    assert_eq!(value & unused, 0);
    let noncanonical = ALPHABET.chars().nth(value | 1).unwrap_or('B');
    g.invalid_text(
        "libolm's message at 300 with a non-zero unused bit in its last character",
        &replace(body.len() - 1, noncanonical),
        "Base64",
        &["NonCanonicalBase64"],
    );
}

pub(crate) fn vectors() -> VectorFile {
    let sender = Sender::new("salamander megolm message codec");
    let mut g = Cases { sender: &sender, cases: Vec::new() };
    valid_cases(&mut g);
    invalid_cases(&mut g);
    let count = g.cases.len();
    VectorFile {
        path: "megolm/message_codec.json",
        content: json!({
            "algorithm": "megolm-message-codec",
            "source": "libolm 3.2.13 + vodozemac 0.11.1",
            "generator": "cargo run -p salamander-vector-gen -- megolm",
            "notes": [
                "'message' (base64) is decoded as a Megolm message: version || payload (0x08 varint index, 0x12 varint length ciphertext) || MAC (8 bytes; 32 for version 4) || Ed25519 signature (64). A valid message decodes to 'version', 'index', 'ciphertext', 'mac' and 'signature' (hex), encodes back to the same string (unless flagged PaddedBase64), and an inbound session made from 'sessionKey' with 'config' decrypts it to 'plaintext'. An invalid one must be refused by the decoder with 'error', a DecodeError kind.",
                "Hand-built messages (unusual encodings and most invalid ones) carry a MAC under the ratchet of the index they hold (or 9, or 0) and a signature by the session's key over the bytes as they are, so that libolm's verdict is about the encoding alone: 'libolmResult'/'libolmError' record olm_group_decrypt with an inbound session made from 'sessionKey' (for invalid cases, the sender's session key at index 0), and 'libolmPlaintext'/'libolmIndex' what libolm returned when it accepted an invalid message (libolm keeps the low 32 bits of a longer index varint).",
                "'vodozemacResult'/'vodozemacError' record vodozemac's MegolmMessage::from_base64; for valid cases 'vodozemacDecryptResult'/'vodozemacDecryptError' record its decryption (vodozemac checks the MAC and signature over its re-encoding of the fields, so unusual encodings fail its signature check). Flags LibolmAccepts/VodozemacAccepts and LibolmRefuses/VodozemacRefuses mark disagreements with the expected result."
            ],
            "numberOfTests": count,
            "tests": g.cases,
        }),
    }
}
