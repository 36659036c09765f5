//! `megolm-session-key-codec`: SessionKey (version 2, signed) and ExportedSessionKey (version 1)
//! encodings made by libolm and vodozemac, and damaged ones.

use salamander_libolm::InboundGroupSession;
use serde_json::{json, Map, Value};
use vodozemac::megolm as vz;

use super::kit::{b64, disagreement_flags, is_point, kind, not_a_point, record, unb64, Sender};
use crate::{random::hex, VectorFile};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Type {
    Session,
    Exported,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::Session => "SessionKey",
            Type::Exported => "ExportedSessionKey",
        }
    }

    fn libolm(self, key: &str) -> Result<(), String> {
        let session = match self {
            Type::Session => InboundGroupSession::new(key),
            Type::Exported => InboundGroupSession::import(key),
        };
        session.map(|_| ()).map_err(|e| e.0)
    }

    fn vodozemac(self, key: &str) -> Result<(), String> {
        match self {
            Type::Session => vz::SessionKey::from_base64(key).map(|_| ()).map_err(|e| kind(&e)),
            Type::Exported => {
                vz::ExportedSessionKey::from_base64(key).map(|_| ()).map_err(|e| kind(&e))
            }
        }
    }
}

struct Cases {
    cases: Vec<Value>,
}

impl Cases {
    fn case(&mut self, comment: &str, kind: Type, key: &str) -> Map<String, Value> {
        let mut case = Map::new();
        case.insert("tcId".into(), (self.cases.len() + 1).into());
        case.insert("comment".into(), comment.into());
        case.insert("type".into(), kind.name().into());
        case.insert("key".into(), key.into());
        case
    }

    fn finish(&mut self, mut case: Map<String, Value>, kind: Type, flags: &[&str]) {
        let key = case["key"].as_str().unwrap_or_default().to_owned();
        record(&mut case, "libolm", kind.libolm(&key));
        record(&mut case, "vodozemac", kind.vodozemac(&key));
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

    fn valid(&mut self, comment: &str, kind: Type, key: &str, flags: &[&str]) {
        let bytes = unb64(key);
        let mut case = self.case(comment, kind, key);
        let index = u32::from_be_bytes([bytes[1], bytes[2], bytes[3], bytes[4]]);
        case.insert("index".into(), index.into());
        case.insert("ratchet".into(), hex(&bytes[5..133]).into());
        case.insert("publicKey".into(), hex(&bytes[133..165]).into());
        if kind == Type::Session {
            case.insert("signature".into(), hex(&bytes[165..]).into());
        }
        case.insert("sessionId".into(), b64(&bytes[133..165]).into());
        case.insert("result".into(), "valid".into());
        // libolm reads it back to the same session.
        let session = match kind {
            Type::Session => InboundGroupSession::new(key),
            Type::Exported => InboundGroupSession::import(key),
        };
        let session = session.unwrap_or_else(|e| panic!("{comment}: libolm: {e}"));
        assert_eq!(session.first_known_index(), index);
        assert_eq!(session.session_id(), b64(&bytes[133..165]));
        assert_eq!(session.is_verified(), kind == Type::Session);
        self.finish(case, kind, flags);
    }

    fn invalid(&mut self, comment: &str, kind: Type, bytes: &[u8], error: &str, flags: &[&str]) {
        self.invalid_text(comment, kind, &b64(bytes), error, flags);
    }

    fn invalid_text(&mut self, comment: &str, kind: Type, key: &str, error: &str, flags: &[&str]) {
        let mut case = self.case(comment, kind, key);
        case.insert("result".into(), "invalid".into());
        case.insert("error".into(), error.into());
        self.finish(case, kind, flags);
    }
}

fn with(bytes: &[u8], f: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
    let mut out = bytes.to_vec();
    f(&mut out);
    out
}

pub(crate) fn vectors() -> VectorFile {
    let s = Sender::new("salamander megolm session keys");
    let mut g = Cases { cases: Vec::new() };
    use Type::{Exported, Session};

    for index in [0u32, 1, 0x0100_0000, 0x8000_0000, u32::MAX] {
        g.valid(
            &format!("libolm's session key at {index:#x} (olm_outbound_group_session_key)"),
            Session,
            &s.outbound_at(index).session_key(),
            &[],
        );
    }
    for index in [0u32, 255, 0x1_0000, 0x8000_0000, u32::MAX] {
        g.valid(
            &format!("libolm's exported key at {index:#x} (olm_export_inbound_group_session)"),
            Exported,
            &s.exported_at(index),
            &[],
        );
    }
    let v = Sender::new("salamander megolm session keys, vodozemac");
    for (index, version_2) in [(0u32, false), (7, true), (0x0010_0000, false)] {
        let session = v.vodozemac_at(index, version_2);
        let key = session.session_key().to_base64();
        assert_eq!(key, v.outbound_at(index).session_key());
        let config =
            if version_2 { "SessionConfig::version_2" } else { "SessionConfig::version_1" };
        g.valid(
            &format!(
                "vodozemac's session key at {index:#x} ({config}; the same bytes as libolm's)"
            ),
            Session,
            &key,
            &["Vodozemac"],
        );
    }
    let session = v.vodozemac_at(0x0020_0000, false);
    let mut inbound = vz::InboundGroupSession::new(&session.session_key(), Default::default());
    let exported = inbound.export_at(0x0020_0005).map(|k| k.to_base64()).unwrap_or_default();
    assert_eq!(exported, v.exported_at(0x0020_0005));
    g.valid(
        "vodozemac's exported key at 0x200005 (InboundGroupSession::export_at; the same bytes as libolm's)",
        Exported,
        &exported,
        &["Vodozemac"],
    );

    let session_key = unb64(&s.outbound_at(0x0102_0304).session_key());
    let exported_key = unb64(&s.exported_at(0x0102_0304));
    assert_eq!((session_key.len(), exported_key.len()), (229, 165));

    // Versions.
    g.invalid(
        "a session key with version byte 1",
        Session,
        &with(&session_key, |b| b[0] = 1),
        "Version",
        &[],
    );
    g.invalid(
        "a session key with version byte 3",
        Session,
        &with(&session_key, |b| b[0] = 3),
        "Version",
        &[],
    );
    g.invalid(
        "an exported key with version byte 2",
        Exported,
        &with(&exported_key, |b| b[0] = 2),
        "Version",
        &[],
    );
    g.invalid(
        "an exported key with version byte 0",
        Exported,
        &with(&exported_key, |b| b[0] = 0),
        "Version",
        &[],
    );
    g.invalid(
        "a valid exported key (165 bytes, version 1) read as a session key",
        Session,
        &exported_key,
        "Version",
        &[],
    );
    g.invalid(
        "a valid session key (229 bytes, version 2) read as an exported key",
        Exported,
        &session_key,
        "Version",
        &[],
    );

    // Lengths.
    for (kind, bytes) in [(Session, &session_key), (Exported, &exported_key)] {
        for length in [0usize, 1, 164, 166, 228, 230] {
            let what = if kind == Session { "a session key" } else { "an exported key" };
            let key: Vec<u8> = if length <= bytes.len() {
                bytes[..length].to_vec()
            } else {
                let mut key = bytes.clone();
                key.resize(length, 0);
                key
            };
            let comment = match length {
                0 => format!("{what}: empty"),
                1 => format!("{what}: only its version byte"),
                _ if length < bytes.len() => format!("{what} truncated to {length} bytes"),
                _ => format!("{what} extended with zero bytes to {length} bytes"),
            };
            g.invalid(&comment, kind, &key, "Read", &[]);
        }
    }

    // Signatures.
    g.invalid(
        "a session key with a ratchet byte changed",
        Session,
        &with(&session_key, |b| b[20] ^= 1),
        "Signature",
        &[],
    );
    g.invalid(
        "a session key with its index changed (0x01020304 to 0x01020305)",
        Session,
        &with(&session_key, |b| b[4] ^= 1),
        "Signature",
        &[],
    );
    g.invalid(
        "a session key with the first byte of the signature (R) changed",
        Session,
        &with(&session_key, |b| b[165] ^= 1),
        "Signature",
        &[],
    );
    g.invalid(
        "a session key with the first byte of S changed",
        Session,
        &with(&session_key, |b| b[197] ^= 1),
        "Signature",
        &[],
    );
    let other = unb64(
        &Sender::new("salamander megolm session keys, other")
            .outbound_at(0x0102_0304)
            .session_key(),
    );
    g.invalid(
        "a session key signed by another session (its signature replaced by the other's)",
        Session,
        &with(&session_key, |b| b[165..].copy_from_slice(&other[165..])),
        "Signature",
        &[],
    );

    // Public keys that are not points.
    let bad_point = not_a_point();
    assert!(!is_point(&bad_point));
    g.invalid(
        &format!("a session key whose Ed25519 key ({}) does not decompress", hex(&bad_point)),
        Session,
        &with(&session_key, |b| b[133..165].copy_from_slice(&bad_point)),
        "PublicKey",
        &[],
    );
    g.invalid(
        &format!("an exported key whose Ed25519 key ({}) does not decompress", hex(&bad_point)),
        Exported,
        &with(&exported_key, |b| b[133..165].copy_from_slice(&bad_point)),
        "PublicKey",
        &[],
    );

    // Base64.
    let text = b64(&session_key);
    let exported_text = b64(&exported_key);
    assert_eq!((text.len(), exported_text.len()), (306, 220));
    let replace = |t: &str, at: usize, c: char| {
        let mut chars: Vec<char> = t.chars().collect();
        chars[at] = c;
        chars.into_iter().collect::<String>()
    };
    g.invalid_text(
        "a session key with '!' in it",
        Session,
        &replace(&text, 100, '!'),
        "Base64",
        &[],
    );
    g.invalid_text(
        "an exported key with the URL-safe '-' in it",
        Exported,
        &replace(&exported_text, 50, '-'),
        "Base64",
        &[],
    );
    g.invalid_text(
        "a session key missing its last character (305 characters: a length of 1 modulo 4)",
        Session,
        &text[..305],
        "Base64",
        &[],
    );
    g.invalid_text(
        "an exported key with an extra 'A' (221 characters: a length of 1 modulo 4)",
        Exported,
        &format!("{exported_text}A"),
        "Base64",
        &[],
    );
    let last = text.chars().last().unwrap_or('A');
    let bits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let value = bits.find(last).unwrap_or(0);
    assert_eq!(value & 0xf, 0, "229 bytes leave 4 unused bits in the last character");
    let noncanonical = bits.chars().nth(value | 1).unwrap_or('B');
    g.invalid_text(
        "a session key whose last character has a non-zero unused bit (non-canonical base64)",
        Session,
        &replace(&text, 305, noncanonical),
        "Base64",
        &["NonCanonicalBase64"],
    );

    let count = g.cases.len();
    VectorFile {
        path: "megolm/session_keys.json",
        content: json!({
            "algorithm": "megolm-session-key-codec",
            "source": "libolm 3.2.13 + vodozemac 0.11.1",
            "generator": "cargo run -p salamander-vector-gen -- megolm",
            "notes": [
                "'key' (unpadded base64) is decoded as 'type': SessionKey (0x02 || index u32 BE || ratchet (128) || Ed25519 key (32) || signature (64) over the preceding 165 bytes; 229 bytes) or ExportedSessionKey (0x01 || index || ratchet || key; 165 bytes). A valid key decodes to 'index', 'ratchet', 'publicKey' (and 'signature'), encodes back to the same string, and an inbound session made from it has session id 'sessionId' and first known index 'index'. An invalid key must be refused with 'error', a SessionKeyDecodeError kind.",
                "Valid keys are libolm's (olm_outbound_group_session_key of a session moved to the index through its pickle, olm_export_inbound_group_session) or vodozemac's (flagged Vodozemac; byte for byte the same as libolm's for the same state).",
                "'libolmResult'/'libolmError' record olm_init_inbound_group_session (SessionKey) or olm_import_inbound_group_session (ExportedSessionKey) on the same string; 'vodozemacResult'/'vodozemacError' record vodozemac's SessionKey/ExportedSessionKey::from_base64. Flags LibolmAccepts/VodozemacAccepts mark invalid keys they accept; VodozemacErrorDiffers marks a refusal of another kind."
            ],
            "numberOfTests": count,
            "tests": g.cases,
        }),
    }
}
