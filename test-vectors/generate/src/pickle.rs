//! Pickles: libolm 3.2.13's (of every version libolm still reads), broken ones, and vodozemac
//! 0.11.1's native pickles of the same states.
//!
//! libolm only writes its current versions (Account 4, Session 1, outbound 1, inbound 2). The
//! older layouts it still reads (Account 3 and 2, Session `0x80000001`, inbound 1) are made
//! here by opening a current pickle, rewriting its layout and sealing it again; every such
//! pickle is loaded back into libolm before it is written out, so a file never holds a pickle
//! libolm itself would not read.

use aes::Aes256;
use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use salamander_libolm::{Account, InboundGroupSession, OlmError, OutboundGroupSession, Session};
use serde_json::{json, Map, Value};
use sha2::Sha256;
use vodozemac::{base64_decode, base64_encode};

use crate::{
    random::{hex, Stream},
    VectorFile,
};

const GENERATOR: &str = "cargo run -p salamander-vector-gen -- pickle";

/// The message every account case signs.
const SIGNED_MESSAGE: &str = "salamander pickle vectors: a fixed message to sign";

/// libolm's own Account pickle of version 1 (tests/test_olm.cpp, empty key).
const LIBOLM_ACCOUNT_V1: &str = "x3h9er86ygvq56pM1yesdAxZou4ResPQC9Rszk/fhEL9JY/umtZ2N/foL/SUgVXSv0IxHHZTafYjDdzJU9xr8dQeBoOTGfV9E/lCqDGBnIlu7SZndqjEKXtzGyQr4sP4K/A/8TOu9iK2hDFszy6xETiousHnHgh2ZGbRUh4pQx+YMm8ZdNZeRnwFGLnrWyf9O5TmXua1FcU";

/// libolm's own Account pickle of version 3 (tests/test_olm.cpp, empty key).
const LIBOLM_ACCOUNT_V3: &str = "0mSqVn3duHffbhaTbFgW+4JPlcRoqT7z0x4mQ72N+g+eSAk5sgcWSoDzKpMazgcB46ItEpChthVHTGRA6PD3dly0dUs4ji7VtWTa+1tUv1UbxP92uYf1Ae3fomX0yAoHOjSrz1+RmuXr+At8jsmsf260sKvhB6LnI3qYsrw6AAtpgk5d5xZd66sLxvvYUuai+SmmcmT0bHosLTuDiiB9amBvPKkUKtKZmaEAl5ULrgnJygp1/FnwzVfSrw6PBSX6ZaUEZHZGX1iI6/WjbHqlTQeOQjtaSsPaL5XXpteS9dFsuaANAj+8ks7Ut2Hwg/JPIh/ERYBwiMh9Mt3zSAG0NkvgUkcdipKxoSNZ6t+TkqZrN6jG6VCbx+4YpJO24iJbShZy8n79aePIgIsxX94ycsTq1ic38sCRSkWGVbCSRkPloHW7ZssLHA";

fn ok<T>(result: Result<T, OlmError>) -> T {
    result.unwrap_or_else(|e| panic!("libolm failed: {e}"))
}

fn b64(bytes: &[u8]) -> String {
    base64_encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    base64_decode(text).unwrap_or_else(|e| panic!("not base64 ({e}): {text}"))
}

// --- The pickle envelope (libolm src/pickle_encoding.c) ----------------------------------------

struct Envelope {
    aes_key: [u8; 32],
    mac_key: [u8; 32],
    iv: [u8; 16],
}

impl Envelope {
    /// `AES key ‖ MAC key ‖ IV = HKDF-SHA-256(salt = 32 zero bytes, IKM = key, "Pickle", 80)`.
    fn new(key: &[u8]) -> Self {
        let mut okm = [0u8; 80];
        Hkdf::<Sha256>::new(Some(&[0u8; 32]), key)
            .expand(b"Pickle", &mut okm)
            .unwrap_or_else(|e| panic!("HKDF: {e}"));
        let mut envelope = Self { aes_key: [0; 32], mac_key: [0; 32], iv: [0; 16] };
        envelope.aes_key.copy_from_slice(&okm[..32]);
        envelope.mac_key.copy_from_slice(&okm[32..64]);
        envelope.iv.copy_from_slice(&okm[64..]);
        envelope
    }

    fn mac(&self, ciphertext: &[u8]) -> Vec<u8> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.mac_key)
            .unwrap_or_else(|e| panic!("HMAC: {e}"));
        mac.update(ciphertext);
        mac.finalize().into_bytes()[..8].to_vec()
    }
}

/// Seal a plaintext pickle: AES-256-CBC-PKCS7, then 8 bytes of HMAC-SHA-256, unpadded base64.
fn seal(plaintext: &[u8], key: &[u8]) -> String {
    let envelope = Envelope::new(key);
    let mut sealed =
        cbc::Encryptor::<Aes256>::new((&envelope.aes_key).into(), (&envelope.iv).into())
            .encrypt_padded_vec::<Pkcs7>(plaintext);
    let tag = envelope.mac(&sealed);
    sealed.extend_from_slice(&tag);
    b64(&sealed)
}

/// Open a pickle sealed by libolm (or [`seal`]).
fn open(pickle: &str, key: &[u8]) -> Vec<u8> {
    let envelope = Envelope::new(key);
    let sealed = unb64(pickle);
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 8);
    assert_eq!(tag, envelope.mac(ciphertext), "the pickle's MAC does not match its key");
    cbc::Decryptor::<Aes256>::new((&envelope.aes_key).into(), (&envelope.iv).into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .unwrap_or_else(|e| panic!("pickle padding: {e}"))
}

// --- libolm's Account layout ---------------------------------------------------------------------

struct Cursor<'a> {
    bytes: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        head
    }

    fn u32(&mut self) -> u32 {
        u32::from_be_bytes(self.take(4).try_into().unwrap_or_default())
    }

    fn u8(&mut self) -> u8 {
        self.take(1)[0]
    }
}

/// A one-time or fallback key record: `u32 id ‖ bool published ‖ public (32) ‖ secret (32)`.
#[derive(Clone)]
struct KeyRecord {
    id: u32,
    published: bool,
    public: Vec<u8>,
    secret: Vec<u8>,
}

impl KeyRecord {
    fn read(cursor: &mut Cursor<'_>) -> Self {
        Self {
            id: cursor.u32(),
            published: cursor.u8() != 0,
            public: cursor.take(32).to_vec(),
            secret: cursor.take(32).to_vec(),
        }
    }

    fn zero() -> Self {
        Self { id: 0, published: false, public: vec![0; 32], secret: vec![0; 32] }
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.id.to_be_bytes());
        out.push(u8::from(self.published));
        out.extend_from_slice(&self.public);
        out.extend_from_slice(&self.secret);
    }

    fn json(&self) -> Value {
        json!({"keyId": self.id, "publicKey": b64(&self.public), "published": self.published})
    }
}

/// A decrypted libolm Account pickle.
#[derive(Clone)]
struct AccountState {
    /// Ed25519 public (32) ‖ expanded Ed25519 secret (64) ‖ Curve25519 public (32) ‖ secret (32).
    identity: Vec<u8>,
    one_time_keys: Vec<KeyRecord>,
    /// The current fallback key, then the previous one, as libolm holds them.
    fallback_keys: Vec<KeyRecord>,
    last_key_id: u32,
}

impl AccountState {
    fn parse(plaintext: &[u8]) -> (u32, Self) {
        let mut cursor = Cursor { bytes: plaintext };
        let version = cursor.u32();
        let identity = cursor.take(160).to_vec();
        let count = cursor.u32();
        let one_time_keys = (0..count).map(|_| KeyRecord::read(&mut cursor)).collect();
        let fallback_keys = match version {
            4 => {
                let present = cursor.u8();
                (0..present).map(|_| KeyRecord::read(&mut cursor)).collect()
            }
            3 => {
                // Version 3 always has two records; the published flag says which are in use.
                let current = KeyRecord::read(&mut cursor);
                let previous = KeyRecord::read(&mut cursor);
                match (current.published, previous.published) {
                    (true, true) => vec![current, previous],
                    (true, false) => vec![current],
                    _ => vec![],
                }
            }
            2 => vec![],
            other => panic!("not an account pickle version libolm writes: {other}"),
        };
        let last_key_id = cursor.u32();
        assert!(cursor.bytes.is_empty(), "bytes after the account");
        (version, Self { identity, one_time_keys, fallback_keys, last_key_id })
    }

    fn encode(&self, version: u32) -> Vec<u8> {
        let mut out = version.to_be_bytes().to_vec();
        out.extend_from_slice(&self.identity);
        let count = u32::try_from(self.one_time_keys.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&count.to_be_bytes());
        for key in &self.one_time_keys {
            key.write(&mut out);
        }
        match version {
            4 => {
                out.push(u8::try_from(self.fallback_keys.len()).unwrap_or(u8::MAX));
                for key in &self.fallback_keys {
                    key.write(&mut out);
                }
            }
            3 => {
                for slot in 0..2 {
                    match self.fallback_keys.get(slot) {
                        Some(key) => KeyRecord { published: true, ..key.clone() }.write(&mut out),
                        None => KeyRecord::zero().write(&mut out),
                    }
                }
            }
            2 => {}
            other => panic!("cannot write account version {other}"),
        }
        out.extend_from_slice(&self.last_key_id.to_be_bytes());
        out
    }
}

/// The keys of libolm's key JSON (`{"curve25519":{"AAAAAQ":"…"}}`), by numeric id.
fn libolm_keys(json: &str) -> Vec<(u32, String)> {
    let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    let mut keys: Vec<(u32, String)> = value["curve25519"]
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(id, key)| {
                    let id = u32::from_be_bytes(unb64(id).try_into().unwrap_or_default());
                    (id, key.as_str().unwrap_or_default().to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    keys.sort();
    keys
}

fn key_map(keys: &[(u32, String)]) -> Value {
    let mut sorted = keys.to_vec();
    sorted.sort();
    Value::Object(
        sorted.into_iter().map(|(id, key)| (id.to_string(), Value::String(key))).collect(),
    )
}

/// What an importer must find in an account pickle, read from libolm (and cross-checked against
/// the decrypted layout).
fn account_expected(pickle: &str, key: &[u8], next_key_random: &[u8]) -> Value {
    let account = ok(Account::unpickle(pickle, key));
    let (_, state) = AccountState::parse(&open(pickle, key));

    let unpublished = libolm_keys(&account.one_time_keys());
    let from_layout: Vec<(u32, String)> = state
        .one_time_keys
        .iter()
        .filter(|k| !k.published)
        .map(|k| (k.id, b64(&k.public)))
        .collect();
    assert_eq!(key_map(&unpublished), key_map(&from_layout), "unpublished one-time keys");
    let all: Vec<(u32, String)> =
        state.one_time_keys.iter().map(|k| (k.id, b64(&k.public))).collect();

    let current = libolm_keys(&account.fallback_key());
    let current_in_layout: Vec<(u32, String)> =
        state.fallback_keys.first().map(|k| (k.id, b64(&k.public))).into_iter().collect();
    assert_eq!(current, current_in_layout, "libolm's current fallback key");
    let unpublished_fallback = libolm_keys(&account.unpublished_fallback_key());
    let unpublished_in_layout: Vec<(u32, String)> = state
        .fallback_keys
        .first()
        .filter(|k| !k.published)
        .map(|k| (k.id, b64(&k.public)))
        .into_iter()
        .collect();
    assert_eq!(unpublished_fallback, unpublished_in_layout, "libolm's unpublished fallback key");

    // The id libolm gives the next one-time key.
    let mut copy = ok(Account::unpickle(pickle, key));
    ok(copy.generate_one_time_keys_with_random(1, next_key_random));
    let new: Vec<u32> = libolm_keys(&copy.one_time_keys())
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| !unpublished.iter().any(|(old, _)| old == id))
        .collect();
    assert_eq!(new.len(), 1, "one new key");

    json!({
        "identityKeys": serde_json::from_str::<Value>(&account.identity_keys()).unwrap_or(Value::Null),
        "unpublishedOneTimeKeys": key_map(&unpublished),
        "oneTimeKeys": key_map(&all),
        "fallbackKeys": {
            "current": state.fallback_keys.first().map_or(Value::Null, KeyRecord::json),
            "previous": state.fallback_keys.get(1).map_or(Value::Null, KeyRecord::json),
        },
        "signature": {"message": SIGNED_MESSAGE, "signature": account.sign(SIGNED_MESSAGE.as_bytes())},
        "nextKeyId": new[0],
    })
}

// --- Files -------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Account,
    Session,
    GroupSession,
    InboundGroupSession,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Account => "account",
            Kind::Session => "session",
            Kind::GroupSession => "group-session",
            Kind::InboundGroupSession => "inbound-group-session",
        }
    }

    /// Load with libolm; `Ok` with nothing if it loads.
    fn libolm_load(self, pickle: &str, key: &[u8]) -> Result<(), OlmError> {
        match self {
            Kind::Account => Account::unpickle(pickle, key).map(drop),
            Kind::Session => Session::unpickle(pickle, key).map(drop),
            Kind::GroupSession => OutboundGroupSession::unpickle(pickle, key).map(drop),
            Kind::InboundGroupSession => InboundGroupSession::unpickle(pickle, key).map(drop),
        }
    }
}

/// A valid libolm case, kept for the native and invalid files.
#[derive(Clone)]
struct Made {
    tc_id: usize,
    kind: Kind,
    key: Vec<u8>,
    pickle: String,
    expected: Value,
}

#[derive(Default)]
struct Cases {
    tests: Vec<Value>,
}

impl Cases {
    fn push(&mut self, mut case: Value) -> usize {
        let id = self.tests.len() + 1;
        if let Value::Object(map) = &mut case {
            let mut ordered = Map::new();
            ordered.insert("tcId".to_owned(), json!(id));
            ordered.extend(std::mem::take(map));
            *map = ordered;
        }
        self.tests.push(case);
        id
    }
}

struct Generator {
    stream: Stream,
    /// The 32-byte libolm pickle key.
    key32: Vec<u8>,
    valid: Cases,
    invalid: Cases,
    native: Cases,
}

#[allow(clippy::too_many_arguments)]
impl Generator {
    fn valid(
        &mut self,
        kind: Kind,
        comment: &str,
        version: u32,
        key: &[u8],
        pickle: String,
        expected: Value,
        flags: &[&str],
    ) -> Made {
        assert!(kind.libolm_load(&pickle, key).is_ok(), "libolm must load {comment}");
        let tc_id = self.valid.push(json!({
            "comment": comment,
            "type": kind.name(),
            "version": version,
            "pickleKey": hex(key),
            "pickle": pickle,
            "expected": expected,
            "result": "valid",
            "flags": flags,
        }));
        Made { tc_id, kind, key: key.to_vec(), pickle, expected }
    }

    /// An invalid case. libolm must refuse it too, unless `libolm_accepts` says why it doesn't.
    fn invalid(
        &mut self,
        kind: Kind,
        comment: &str,
        key: &[u8],
        pickle: String,
        error: &str,
        libolm_accepts: Option<&str>,
        flags: &[&str],
    ) {
        let libolm = kind.libolm_load(&pickle, key);
        let (comment, libolm_result, flags) = match (libolm_accepts, &libolm) {
            (None, Err(e)) => (comment.to_owned(), json!(e.0), flags.to_vec()),
            (Some(why), Ok(())) => {
                let mut flags = flags.to_vec();
                flags.push("StricterThanLibolm");
                (format!("{comment} (libolm accepts it: {why})"), json!("accepted"), flags)
            }
            (None, Ok(())) => panic!("libolm accepts the invalid case {comment:?}"),
            (Some(_), Err(e)) => panic!("libolm refuses {comment:?} ({e}), expected it to accept"),
        };
        self.invalid.push(json!({
            "comment": comment,
            "type": kind.name(),
            "pickleKey": hex(key),
            "pickle": pickle,
            "libolm": libolm_result,
            "result": "invalid",
            "error": error,
            "flags": flags,
        }));
    }

    fn native(
        &mut self,
        kind: Kind,
        comment: &str,
        key: &[u8; 32],
        pickle: String,
        from: Option<usize>,
        expected: Value,
        flags: &[&str],
    ) {
        let decrypted: Value =
            serde_json::from_slice(&open(&pickle, key)).unwrap_or_else(|e| panic!("JSON: {e}"));
        let mut case = json!({
            "comment": comment,
            "type": kind.name(),
            "pickleKey": hex(key),
            "pickle": pickle,
            "decrypted": decrypted,
            "expected": expected,
            "result": "valid",
            "flags": flags,
        });
        if let Some(from) = from {
            case["importedFrom"] = json!({"file": "libolm_pickles.json", "tcId": from});
        }
        self.native.push(case);
    }
}

// --- Accounts ----------------------------------------------------------------------------------

/// Returns the Account v4 case.
fn accounts(g: &mut Generator) -> Made {
    let key32 = g.key32.clone();
    let mut account = ok(Account::new_with_random(&g.stream.take(64)));
    ok(account.generate_one_time_keys_with_random(3, &g.stream.take(96)));
    ok(account.generate_fallback_key_with_random(&g.stream.take(32)));
    account.mark_keys_as_published();
    ok(account.generate_one_time_keys_with_random(2, &g.stream.take(64)));
    ok(account.generate_fallback_key_with_random(&g.stream.take(32)));
    let next_key_random = g.stream.take(32);

    let v4 = account.pickle(&key32);
    let expected = account_expected(&v4, &key32, &next_key_random);
    let v4_case = g.valid(
        Kind::Account,
        "Account v4: five one-time keys (ids 1-3 published, 5-6 not), a published previous fallback key (id 4) and an unpublished current one (id 7)",
        4,
        &key32,
        v4,
        expected,
        &["RoundTripExact", "FallbackKeys", "PublishedKeys"],
    );

    let (version, state) = AccountState::parse(&open(&v4_case.pickle, &key32));
    assert_eq!(version, 4);
    assert_eq!(state.fallback_keys.len(), 2);
    assert_eq!(state.one_time_keys.len(), 5);

    // Version 3: both fallback slots in use, so both records are there, published.
    let v3 = seal(&state.encode(3), b"secret_key");
    let expected = account_expected(&v3, b"secret_key", &next_key_random);
    g.valid(
        Kind::Account,
        "Account v3, synthesized from the v4 case: both fallback records present (so both published, as version 3 only kept published fallback keys)",
        3,
        b"secret_key",
        v3,
        expected,
        &["SynthesizedAcceptedByLibolm", "FallbackKeys", "OldVersion"],
    );

    // Version 3 with one fallback key: the previous slot is a zero record.
    let one_fallback =
        AccountState { fallback_keys: state.fallback_keys[..1].to_vec(), ..state.clone() };
    let v3_one = seal(&one_fallback.encode(3), &key32);
    let expected = account_expected(&v3_one, &key32, &next_key_random);
    g.valid(
        Kind::Account,
        "Account v3, synthesized: only the current fallback key (id 7); the previous slot is an all-zero record with published = 0",
        3,
        &key32,
        v3_one,
        expected,
        &["SynthesizedAcceptedByLibolm", "FallbackKeys", "OldVersion"],
    );

    // Version 2: no fallback keys at all.
    let v2 = seal(&state.encode(2), b"");
    let expected = account_expected(&v2, b"", &next_key_random);
    g.valid(
        Kind::Account,
        "Account v2, synthesized from the v4 case: no fallback key section",
        2,
        b"",
        v2,
        expected,
        &["SynthesizedAcceptedByLibolm", "OldVersion", "EmptyKey"],
    );

    // libolm's own version 3 pickle.
    let (version, published) = AccountState::parse(&open(LIBOLM_ACCOUNT_V3, b""));
    assert_eq!(version, 3);
    let fallback = published.fallback_keys.first().map(|k| (k.id, b64(&k.public)));
    assert_eq!(
        fallback,
        Some((1, "dr98y6VOWt6lJaQgFVZeWY2ky76mga9MEMbdItJTdng".to_owned())),
        "libolm's test pickle's fallback key"
    );
    let expected = account_expected(LIBOLM_ACCOUNT_V3, b"", &next_key_random);
    g.valid(
        Kind::Account,
        "libolm's own Account v3 pickle (tests/test_olm.cpp, empty key): fallback key 1 published",
        3,
        b"",
        LIBOLM_ACCOUNT_V3.to_owned(),
        expected,
        &["LibolmTestSuite", "FallbackKeys", "OldVersion", "EmptyKey"],
    );
    v4_case
}

// --- Sessions ----------------------------------------------------------------------------------

fn encrypt(session: &mut Session, stream: &mut Stream, plaintext: &str) -> (usize, String) {
    let random = stream.take(session.encrypt_random_length());
    ok(session.encrypt_with_random(plaintext.as_bytes(), &random))
}

fn decrypt(session: &mut Session, message: &(usize, String), plaintext: &str) {
    assert_eq!(ok(session.decrypt(message.0, &message.1)), plaintext.as_bytes());
}

fn message_json(comment: &str, message: &(usize, String), plaintext: &str) -> Value {
    json!({
        "comment": comment,
        "type": message.0,
        "body": message.1,
        "plaintext": hex(plaintext.as_bytes()),
    })
}

fn identity_curve(account: &Account) -> String {
    let keys: Value = serde_json::from_str(&account.identity_keys()).unwrap_or(Value::Null);
    keys["curve25519"].as_str().unwrap_or_default().to_owned()
}

/// Two accounts and Alice's outbound session to Bob's one-time key.
fn pair(stream: &mut Stream) -> (Session, Account, String) {
    let alice = ok(Account::new_with_random(&stream.take(64)));
    let mut bob = ok(Account::new_with_random(&stream.take(64)));
    ok(bob.generate_one_time_keys_with_random(1, &stream.take(32)));
    let one_time_key = libolm_keys(&bob.one_time_keys())[0].1.clone();
    bob.mark_keys_as_published();
    let random = stream.take(Session::create_outbound_random_length());
    let session = ok(Session::create_outbound_with_random(
        &alice,
        &identity_curve(&bob),
        &one_time_key,
        &random,
    ));
    (session, bob, identity_curve(&alice))
}

/// What an importer must find in a session pickle; checks that libolm itself decrypts the
/// messages after loading it.
fn session_expected(
    pickle: &str,
    key: &[u8],
    messages: &[(&str, &(usize, String), &str)],
) -> Value {
    let loaded = ok(Session::unpickle(pickle, key));
    let mut check = ok(Session::unpickle(pickle, key));
    for (_, message, plaintext) in messages {
        decrypt(&mut check, message, plaintext);
    }
    json!({
        "sessionId": loaded.session_id(),
        "hasReceivedMessage": loaded.has_received_message(),
        "messages": messages.iter().map(|(c, m, p)| message_json(c, m, p)).collect::<Vec<_>>(),
    })
}

/// Returns the session cases, with the messages the native further step needs.
fn sessions(g: &mut Generator) -> (Vec<Made>, (usize, String), (usize, String)) {
    let key32 = g.key32.clone();
    let mut made = Vec::new();

    // Early states: the initiator before any reply, the responder before replying.
    let (mut alice, mut bob_account, alice_identity) = pair(&mut g.stream);
    let a1 = encrypt(&mut alice, &mut g.stream, "a1: hello Bob");
    let initiator = alice.pickle(b"secret_key");
    let a2 = encrypt(&mut alice, &mut g.stream, "a2: still a pre-key message");
    let mut bob = ok(Session::create_inbound_from(&mut bob_account, &alice_identity, &a1.1));
    decrypt(&mut bob, &a1, "a1: hello Bob");
    ok(bob_account.remove_one_time_keys(&bob));
    let responder = bob.pickle(&key32);
    let b1 = encrypt(&mut bob, &mut g.stream, "b1: hello Alice");
    assert_eq!((a1.0, a2.0, b1.0), (0, 0, 1));

    let expected = session_expected(
        &initiator,
        b"secret_key",
        &[("Bob's first reply, on a new ratchet key", &b1, "b1: hello Alice")],
    );
    made.push(g.valid(
        Kind::Session,
        "Session v1: the initiator after sending one pre-key message, before any reply (no receiving chain)",
        1,
        b"secret_key",
        initiator,
        expected,
        &["RoundTripExact", "Initiator"],
    ));
    let expected = session_expected(
        &responder,
        &key32,
        &[(
            "Alice's second pre-key message, on the same chain",
            &a2,
            "a2: still a pre-key message",
        )],
    );
    made.push(g.valid(
        Kind::Session,
        "Session v1: the responder after decrypting the first pre-key message, before replying (no sending chain)",
        1,
        &key32,
        responder,
        expected,
        &["RoundTripExact", "Responder", "PreKey"],
    ));

    // A longer conversation with ratchet turns and skipped message keys on both sides.
    let (mut alice, mut bob_account, alice_identity) = pair(&mut g.stream);
    let a1 = encrypt(&mut alice, &mut g.stream, "a1");
    let a2 = encrypt(&mut alice, &mut g.stream, "a2: held back");
    let a3 = encrypt(&mut alice, &mut g.stream, "a3");
    let mut bob = ok(Session::create_inbound_from(&mut bob_account, &alice_identity, &a1.1));
    decrypt(&mut bob, &a1, "a1");
    ok(bob_account.remove_one_time_keys(&bob));
    decrypt(&mut bob, &a3, "a3");
    let b1 = encrypt(&mut bob, &mut g.stream, "b1");
    let b2 = encrypt(&mut bob, &mut g.stream, "b2: held back");
    let b3 = encrypt(&mut bob, &mut g.stream, "b3");
    decrypt(&mut alice, &b3, "b3");
    decrypt(&mut alice, &b1, "b1");
    let a4 = encrypt(&mut alice, &mut g.stream, "a4: second turn");
    decrypt(&mut bob, &a4, "a4: second turn");
    let b4 = encrypt(&mut bob, &mut g.stream, "b4: second turn");
    decrypt(&mut alice, &b4, "b4: second turn");
    let initiator = alice.pickle(&key32);
    let responder = bob.pickle(b"secret_key");
    let b5 = encrypt(&mut bob, &mut g.stream, "b5: after the pickle");
    let a5 = encrypt(&mut alice, &mut g.stream, "a5: after the pickle, a new turn");
    let b6 = encrypt(&mut bob, &mut g.stream, "b6: after the vodozemac step");
    assert_eq!((a2.0, b2.0, b5.0, a5.0, b6.0), (0, 1, 1, 1, 1));

    let expected = session_expected(
        &initiator,
        &key32,
        &[
            ("the next message from Bob, on his current chain", &b5, "b5: after the pickle"),
            ("Bob's held-back message b2, from a skipped message key", &b2, "b2: held back"),
        ],
    );
    made.push(g.valid(
        Kind::Session,
        "Session v1: the initiator after three ratchet turns: two receiving chains, one skipped message key (b2)",
        1,
        &key32,
        initiator,
        expected,
        &["RoundTripExact", "Initiator", "RatchetTurn", "SkippedMessageKeys"],
    ));
    let expected = session_expected(
        &responder,
        b"secret_key",
        &[
            (
                "the next message from Alice, on a new ratchet key",
                &a5,
                "a5: after the pickle, a new turn",
            ),
            (
                "Alice's held-back pre-key message a2, from a skipped message key",
                &a2,
                "a2: held back",
            ),
        ],
    );
    let responder_case = g.valid(
        Kind::Session,
        "Session v1: the responder after three ratchet turns: two receiving chains, one skipped message key (a2)",
        1,
        b"secret_key",
        responder,
        expected,
        &["RoundTripExact", "Responder", "RatchetTurn", "SkippedMessageKeys"],
    );

    // Version 0x80000001 (libolm's logging_enabled branch): version 1 and an unused chain index.
    let mut plaintext = open(&responder_case.pickle, b"secret_key");
    plaintext[..4].copy_from_slice(&0x8000_0001u32.to_be_bytes());
    plaintext.extend_from_slice(&7u32.to_be_bytes());
    let logging = seal(&plaintext, b"");
    let expected = session_expected(
        &logging,
        b"",
        &[
            (
                "the next message from Alice, on a new ratchet key",
                &a5,
                "a5: after the pickle, a new turn",
            ),
            (
                "Alice's held-back pre-key message a2, from a skipped message key",
                &a2,
                "a2: held back",
            ),
        ],
    );
    assert_eq!(expected, responder_case.expected, "libolm reads 0x80000001 as the same state");
    made.push(responder_case);
    g.valid(
        Kind::Session,
        "Session 0x80000001, synthesized from the previous case: the same state followed by a chain index (7) that libolm reads and ignores",
        0x8000_0001,
        b"",
        logging,
        expected,
        &["SynthesizedAcceptedByLibolm", "OldVersion", "EmptyKey"],
    );
    (made, b6, b2)
}

// --- Megolm ------------------------------------------------------------------------------------

struct GroupMessage {
    index: u32,
    plaintext: String,
    body: String,
}

impl GroupMessage {
    fn json(&self) -> Value {
        json!({"index": self.index, "plaintext": hex(self.plaintext.as_bytes()), "body": self.body})
    }
}

fn inbound_expected(pickle: &str, key: &[u8], messages: &[&GroupMessage]) -> Value {
    let loaded = ok(InboundGroupSession::unpickle(pickle, key));
    let expected = json!({
        "sessionId": loaded.session_id(),
        "firstKnownIndex": loaded.first_known_index(),
        "verified": loaded.is_verified(),
        "messages": messages.iter().map(|m| m.json()).collect::<Vec<_>>(),
    });
    for message in messages {
        let mut session = ok(InboundGroupSession::unpickle(pickle, key));
        let (plaintext, index) = ok(session.decrypt(&message.body));
        assert_eq!((plaintext, index), (message.plaintext.as_bytes().to_vec(), message.index));
    }
    expected
}

/// Returns the outbound and inbound cases.
fn megolm(g: &mut Generator) -> Vec<Made> {
    let key32 = g.key32.clone();
    let mut outbound = ok(OutboundGroupSession::new_with_random(&g.stream.take(160)));
    let send = |outbound: &mut OutboundGroupSession, text: &str| {
        let index = outbound.message_index();
        let body = ok(outbound.encrypt(text.as_bytes()));
        GroupMessage { index, plaintext: text.to_owned(), body }
    };
    let key_0 = outbound.session_key();
    let _m0 = send(&mut outbound, "m0");
    let key_1 = outbound.session_key();
    let m1 = send(&mut outbound, "m1");
    let m2 = send(&mut outbound, "m2");
    let pickle = outbound.pickle(&key32);
    let session_key = outbound.session_key();
    let m3 = send(&mut outbound, "m3: the next message after the pickle");
    let m4 = send(&mut outbound, "m4");
    let m5 = send(&mut outbound, "m5");

    let mut loaded = ok(OutboundGroupSession::unpickle(&pickle, &key32));
    assert_eq!(loaded.session_key(), session_key);
    assert_eq!(ok(loaded.encrypt(m3.plaintext.as_bytes())), m3.body, "Megolm is deterministic");
    let expected = json!({
        "sessionId": loaded.session_id(),
        "messageIndex": 3,
        "sessionKey": session_key,
        "nextMessage": m3.json(),
    });
    let mut made = vec![g.valid(
        Kind::GroupSession,
        "OutboundGroupSession v1 after three messages: the session key and the next message are fixed",
        1,
        &key32,
        pickle,
        expected,
        &["RoundTripExact", "Deterministic"],
    )];

    // Verified: made from the signed session key at index 1, then advanced by decrypting m2.
    let mut verified = ok(InboundGroupSession::new(&key_1));
    assert_eq!(ok(verified.decrypt(&m2.body)).1, 2);
    let pickle = verified.pickle(b"secret_key");
    let expected = inbound_expected(&pickle, b"secret_key", &[&m4, &m1]);
    assert_eq!(expected["verified"], json!(true));
    made.push(g.valid(
        Kind::InboundGroupSession,
        "InboundGroupSession v2, verified: made from the session key at index 1, its latest ratchet advanced to 2 by decrypting m2",
        2,
        b"secret_key",
        pickle,
        expected,
        &["RoundTripExact", "Verified"],
    ));

    // Unverified: imported from an export at index 2, never used.
    let base = ok(InboundGroupSession::new(&key_0));
    let unverified = ok(InboundGroupSession::import(&ok(base.export_at(2))));
    let pickle = unverified.pickle(b"");
    let expected = inbound_expected(&pickle, b"", &[&m2, &m5]);
    assert_eq!(expected["verified"], json!(false));
    let unverified_case = g.valid(
        Kind::InboundGroupSession,
        "InboundGroupSession v2, unverified: imported from an exported key at index 2",
        2,
        b"",
        pickle,
        expected,
        &["RoundTripExact", "Unverified", "EmptyKey"],
    );

    // Version 1: the unverified layout without its flag; libolm counts it as verified.
    let mut plaintext = open(&unverified_case.pickle, b"");
    plaintext.pop();
    plaintext[..4].copy_from_slice(&1u32.to_be_bytes());
    let v1 = seal(&plaintext, &key32);
    let expected = inbound_expected(&v1, &key32, &[&m5]);
    assert_eq!(expected["verified"], json!(true), "libolm reads version 1 as verified");
    made.push(unverified_case);
    g.valid(
        Kind::InboundGroupSession,
        "InboundGroupSession v1, synthesized from the unverified case by dropping its flag: version 1 sessions count as verified",
        1,
        &key32,
        v1,
        expected,
        &["SynthesizedAcceptedByLibolm", "OldVersion"],
    );
    made
}

// --- Invalid pickles ---------------------------------------------------------------------------

fn invalid(g: &mut Generator, account: &Made, session: &Made, outbound: &Made, inbound: &Made) {
    let v1 = open(LIBOLM_ACCOUNT_V1, b"");
    assert_eq!(v1[..4], [0, 0, 0, 1], "libolm's test pickle is an Account v1");
    g.invalid(
        Kind::Account,
        "libolm's own Account v1 pickle (tests/test_olm.cpp, empty key): version 1 kept only 32 bytes of the Ed25519 key, libolm refuses it (BAD_LEGACY_ACCOUNT_PICKLE)",
        b"",
        LIBOLM_ACCOUNT_V1.to_owned(),
        "Version",
        None,
        &["LibolmTestSuite", "OldVersion"],
    );

    for (made, what) in [
        (account, "Account v4"),
        (session, "Session v1"),
        (outbound, "OutboundGroupSession v1"),
        (inbound, "InboundGroupSession v2"),
    ] {
        g.invalid(
            made.kind,
            &format!("the {what} case's pickle opened with a wrong key"),
            b"wrong key",
            made.pickle.clone(),
            "Decryption",
            None,
            &["WrongKey"],
        );
    }

    let mut sealed = unb64(&account.pickle);
    sealed[20] ^= 0x01;
    g.invalid(
        Kind::Account,
        "the Account v4 pickle with one ciphertext byte flipped: the MAC fails",
        &account.key,
        b64(&sealed),
        "Decryption",
        None,
        &["ModifiedCiphertext"],
    );
    let mut sealed = unb64(&account.pickle);
    let last = sealed.len() - 1;
    sealed[last] ^= 0x80;
    g.invalid(
        Kind::Account,
        "the Account v4 pickle with one MAC byte flipped",
        &account.key,
        b64(&sealed),
        "Decryption",
        None,
        &["ModifiedMac"],
    );
    g.invalid(
        Kind::Account,
        "a pickle of 6 bytes: too short to hold a MAC and one AES block",
        &account.key,
        b64(&[1, 2, 3, 4, 5, 6]),
        "Decryption",
        None,
        &["Truncated"],
    );

    let plaintext = open(&account.pickle, &account.key);
    let reseal = |bytes: &[u8]| seal(bytes, &account.key);
    g.invalid(
        Kind::Account,
        "the Account v4 plaintext missing its last byte (the last key id is cut), sealed again",
        &account.key,
        reseal(&plaintext[..plaintext.len() - 1]),
        "Decode",
        None,
        &["Truncated"],
    );
    let mut longer = plaintext.clone();
    longer.push(0);
    g.invalid(
        Kind::Account,
        "the Account v4 plaintext with one byte more, sealed again",
        &account.key,
        reseal(&longer),
        "Decode",
        None,
        &["TrailingData"],
    );
    let mut v5 = plaintext.clone();
    v5[..4].copy_from_slice(&5u32.to_be_bytes());
    g.invalid(
        Kind::Account,
        "the Account v4 plaintext relabelled as version 5",
        &account.key,
        reseal(&v5),
        "Version",
        None,
        &["UnknownVersion"],
    );
    let mut v0 = plaintext.clone();
    v0[..4].copy_from_slice(&0u32.to_be_bytes());
    g.invalid(
        Kind::Account,
        "the Account v4 plaintext relabelled as version 0",
        &account.key,
        reseal(&v0),
        "Version",
        None,
        &["UnknownVersion"],
    );
    g.invalid(
        Kind::Account,
        "a sealed plaintext of 3 bytes: no room for the version",
        &account.key,
        reseal(&[0, 0, 0]),
        "MissingVersion",
        None,
        &["Truncated"],
    );
    let (_, mut state) = AccountState::parse(&plaintext);
    state.fallback_keys.clear();
    let mut three = state.encode(4);
    // The fallback count byte sits right before the last key id.
    let count_at = three.len() - 5;
    three[count_at] = 3;
    three.splice(count_at + 1..count_at + 1, std::iter::repeat_n(0u8, 3 * 69));
    g.invalid(
        Kind::Account,
        "an Account v4 whose fallback key count is 3, followed by three records",
        &account.key,
        reseal(&three),
        "Decode",
        None,
        &["InvalidValue"],
    );

    // 101 one-time keys: libolm makes at most 100, and on reading more overwrites its last slot.
    let mut full = ok(Account::new_with_random(&g.stream.take(64)));
    ok(full.generate_one_time_keys_with_random(100, &g.stream.take(3200)));
    let hundred = full.pickle(b"");
    ok(full.generate_one_time_keys_with_random(1, &g.stream.take(32)));
    let (_, mut state) = AccountState::parse(&open(&hundred, b""));
    let (_, newest) = AccountState::parse(&open(&full.pickle(b""), b""));
    assert_eq!(state.one_time_keys.len(), 100);
    state.one_time_keys.insert(0, newest.one_time_keys[0].clone());
    state.last_key_id = newest.last_key_id;
    assert_eq!((state.one_time_keys[0].id, state.last_key_id), (101, 101));
    g.invalid(
        Kind::Account,
        "an Account v4 with 101 one-time key records (libolm's list holds 100)",
        b"",
        seal(&state.encode(4), b""),
        "Decode",
        Some("its list reader stores the 101st record over the 100th"),
        &["ListTooLong", "EmptyKey"],
    );

    // A session with no chain at all.
    let plaintext = open(&session.pickle, &session.key);
    let header = 4 + 1 + 3 * 32 + 32;
    let mut empty = plaintext[..header].to_vec();
    empty.extend_from_slice(&[0; 12]);
    g.invalid(
        Kind::Session,
        "a Session v1 with neither a sending nor a receiving chain (the header and root key of a real one, then three empty lists)",
        &session.key,
        seal(&empty, &session.key),
        "InvalidSession",
        Some("it does not check that a ratchet has a chain"),
        &["NoChains"],
    );
    let mut trailing = plaintext.clone();
    trailing.extend_from_slice(&[0, 0, 0, 0]);
    g.invalid(
        Kind::Session,
        "a Session v1 followed by four more bytes (a version 1 pickle does not have the 0x80000001 chain index)",
        &session.key,
        seal(&trailing, &session.key),
        "Decode",
        None,
        &["TrailingData"],
    );
    let mut v2 = plaintext.clone();
    v2[..4].copy_from_slice(&2u32.to_be_bytes());
    g.invalid(
        Kind::Session,
        "a Session relabelled as version 2",
        &session.key,
        seal(&v2, &session.key),
        "Version",
        None,
        &["UnknownVersion"],
    );

    let plaintext = open(&outbound.pickle, &outbound.key);
    let mut v2 = plaintext.clone();
    v2[..4].copy_from_slice(&2u32.to_be_bytes());
    g.invalid(
        Kind::GroupSession,
        "an OutboundGroupSession relabelled as version 2",
        &outbound.key,
        seal(&v2, &outbound.key),
        "Version",
        None,
        &["UnknownVersion"],
    );
    g.invalid(
        Kind::GroupSession,
        "an OutboundGroupSession missing the last byte of its Ed25519 secret key",
        &outbound.key,
        seal(&plaintext[..plaintext.len() - 1], &outbound.key),
        "Decode",
        None,
        &["Truncated"],
    );

    let plaintext = open(&inbound.pickle, &inbound.key);
    g.invalid(
        Kind::InboundGroupSession,
        "an InboundGroupSession v2 missing its verified flag (the version 1 layout under version 2)",
        &inbound.key,
        seal(&plaintext[..plaintext.len() - 1], &inbound.key),
        "Decode",
        None,
        &["Truncated"],
    );
    let mut v3 = plaintext.clone();
    v3[..4].copy_from_slice(&3u32.to_be_bytes());
    g.invalid(
        Kind::InboundGroupSession,
        "an InboundGroupSession relabelled as version 3",
        &inbound.key,
        seal(&v3, &inbound.key),
        "Version",
        None,
        &["UnknownVersion"],
    );

    for kind in [Kind::Account, Kind::Session, Kind::GroupSession, Kind::InboundGroupSession] {
        g.invalid(
            kind,
            &format!("\"!!!\" as {} pickle: not base64", kind.name()),
            b"",
            "!!!".to_owned(),
            "Base64",
            None,
            &["InvalidBase64", "EmptyKey"],
        );
    }
}

// --- vodozemac's native pickles ----------------------------------------------------------------

fn vodozemac_keys(
    keys: std::collections::HashMap<vodozemac::KeyId, vodozemac::Curve25519PublicKey>,
) -> Value {
    let keys: Vec<(u32, String)> = keys
        .into_iter()
        .map(|(id, key)| {
            let id = u64::from_be_bytes(unb64(&id.to_base64()).try_into().unwrap_or_default());
            (u32::try_from(id).unwrap_or(u32::MAX), key.to_base64())
        })
        .collect();
    key_map(&keys)
}

fn vodozemac_message(message: &Value) -> vodozemac::olm::OlmMessage {
    let body = unb64(message["body"].as_str().unwrap_or_default());
    let message_type = usize::try_from(message["type"].as_u64().unwrap_or(9)).unwrap_or(9);
    vodozemac::olm::OlmMessage::from_parts(message_type, &body)
        .unwrap_or_else(|e| panic!("vodozemac cannot decode the message: {e}"))
}

fn group_message(message: &Value) -> vodozemac::megolm::MegolmMessage {
    vodozemac::megolm::MegolmMessage::from_base64(message["body"].as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("vodozemac cannot decode the message: {e}"))
}

fn plaintext_of(message: &Value) -> Vec<u8> {
    let text = message["plaintext"].as_str().unwrap_or_default();
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap_or(0))
        .collect()
}

fn native(
    g: &mut Generator,
    key: &[u8; 32],
    made: &[Made],
    further: (&Made, (usize, String), (usize, String)),
) {
    use vodozemac::megolm::{GroupSession, InboundGroupSession as VInbound};
    use vodozemac::olm::{Account as VAccount, Session as VSession};

    let mut account_pickle = None;
    for case in made {
        let (pickle, comment) = match case.kind {
            Kind::Account => {
                let account = VAccount::from_libolm_pickle(&case.pickle, &case.key)
                    .unwrap_or_else(|e| panic!("vodozemac import: {e}"));
                let expected = &case.expected;
                let keys = account.identity_keys();
                assert_eq!(
                    json!(keys.curve25519.to_base64()),
                    expected["identityKeys"]["curve25519"]
                );
                assert_eq!(json!(keys.ed25519.to_base64()), expected["identityKeys"]["ed25519"]);
                assert_eq!(
                    vodozemac_keys(account.one_time_keys()),
                    expected["unpublishedOneTimeKeys"]
                );
                assert_eq!(
                    json!(account.sign(SIGNED_MESSAGE).to_base64()),
                    expected["signature"]["signature"]
                );
                let current = &expected["fallbackKeys"]["current"];
                let unpublished: Vec<(u32, String)> = if current["published"] == json!(false) {
                    vec![(
                        u32::try_from(current["keyId"].as_u64().unwrap_or(0)).unwrap_or(0),
                        current["publicKey"].as_str().unwrap_or_default().to_owned(),
                    )]
                } else {
                    vec![]
                };
                assert_eq!(vodozemac_keys(account.fallback_key()), key_map(&unpublished));
                let mut copy = VAccount::from_pickle(account.pickle());
                let new = copy.generate_one_time_keys(1).created[0];
                let new_id =
                    copy.one_time_keys().into_iter().find(|(_, k)| *k == new).map(|(id, _)| id);
                let expected_id = u64::from(
                    u32::try_from(expected["nextKeyId"].as_u64().unwrap_or(0)).unwrap_or(0),
                );
                assert_eq!(
                    new_id.map(|id| id.to_base64()),
                    Some(b64(&expected_id.to_be_bytes())),
                    "vodozemac's next key id"
                );
                let pickle = account.pickle().encrypt(key);
                account_pickle = Some(pickle.clone());
                (pickle, "the Account v4 case imported by vodozemac")
            }
            Kind::Session => {
                let session = VSession::from_libolm_pickle(&case.pickle, &case.key)
                    .unwrap_or_else(|e| panic!("vodozemac import: {e}"));
                assert_eq!(json!(session.session_id()), case.expected["sessionId"]);
                assert_eq!(
                    json!(session.has_received_message()),
                    case.expected["hasReceivedMessage"]
                );
                let mut copy = VSession::from_pickle(session.pickle());
                for message in case.expected["messages"].as_array().into_iter().flatten() {
                    let plaintext = copy
                        .decrypt(&vodozemac_message(message))
                        .unwrap_or_else(|e| panic!("vodozemac decrypt: {e}"));
                    assert_eq!(plaintext, plaintext_of(message));
                }
                (session.pickle().encrypt(key), "the Session case imported by vodozemac")
            }
            Kind::GroupSession => {
                let session = GroupSession::from_libolm_pickle(&case.pickle, &case.key)
                    .unwrap_or_else(|e| panic!("vodozemac import: {e}"));
                assert_eq!(json!(session.session_id()), case.expected["sessionId"]);
                assert_eq!(json!(session.session_key().to_base64()), case.expected["sessionKey"]);
                let mut copy = GroupSession::from_pickle(session.pickle());
                let next = &case.expected["nextMessage"];
                assert_eq!(json!(copy.encrypt(plaintext_of(next)).to_base64()), next["body"]);
                (
                    session.pickle().encrypt(key),
                    "the OutboundGroupSession case imported by vodozemac",
                )
            }
            Kind::InboundGroupSession => {
                let session = VInbound::from_libolm_pickle(&case.pickle, &case.key)
                    .unwrap_or_else(|e| panic!("vodozemac import: {e}"));
                assert_eq!(json!(session.session_id()), case.expected["sessionId"]);
                assert_eq!(json!(session.first_known_index()), case.expected["firstKnownIndex"]);
                for message in case.expected["messages"].as_array().into_iter().flatten() {
                    let mut copy = VInbound::from_pickle(session.pickle());
                    let decrypted = copy
                        .decrypt(&group_message(message))
                        .unwrap_or_else(|e| panic!("vodozemac decrypt: {e}"));
                    assert_eq!(decrypted.plaintext, plaintext_of(message));
                    assert_eq!(json!(decrypted.message_index), message["index"]);
                }
                (
                    session.pickle().encrypt(key),
                    "the InboundGroupSession case imported by vodozemac",
                )
            }
        };
        let comment = format!("{comment} (libolm_pickles.json tcId {})", case.tc_id);
        g.native(
            case.kind,
            &comment,
            key,
            pickle,
            Some(case.tc_id),
            case.expected.clone(),
            &["RoundTripExact"],
        );
    }

    // One more conversation step inside vodozemac: decrypting draws no randomness.
    let (initiator, b6, b2) = further;
    let mut session = VSession::from_libolm_pickle(&initiator.pickle, &initiator.key)
        .unwrap_or_else(|e| panic!("vodozemac import: {e}"));
    let next = &initiator.expected["messages"][0];
    assert_eq!(
        session.decrypt(&vodozemac_message(next)).unwrap_or_else(|e| panic!("decrypt: {e}")),
        plaintext_of(next)
    );
    let pickle = session.pickle().encrypt(key);
    let expected = json!({
        "sessionId": session.session_id(),
        "hasReceivedMessage": session.has_received_message(),
        "messages": [
            message_json("the next message from Bob, on the same chain", &b6, "b6: after the vodozemac step"),
            message_json("Bob's held-back message b2, still from a skipped message key", &b2, "b2: held back"),
        ],
    });
    let mut copy = VSession::from_pickle(session.pickle());
    for message in expected["messages"].as_array().into_iter().flatten() {
        assert_eq!(
            copy.decrypt(&vodozemac_message(message)).unwrap_or_else(|e| panic!("decrypt: {e}")),
            plaintext_of(message)
        );
    }
    g.native(
        Kind::Session,
        &format!(
            "the initiator's Session (libolm_pickles.json tcId {}) imported by vodozemac, after it decrypted Bob's next message b5",
            initiator.tc_id
        ),
        key,
        pickle,
        None,
        expected,
        &["RoundTripExact", "VodozemacStep"],
    );

    // Broken native pickles.
    let account_pickle = account_pickle.unwrap_or_default();
    let mut broken = |kind: Kind,
                      comment: &str,
                      pickle: String,
                      pickle_key: &[u8; 32],
                      error: &str| {
        let refused = match kind {
            Kind::Account => {
                vodozemac::olm::AccountPickle::from_encrypted(&pickle, pickle_key).is_err()
            }
            Kind::Session => {
                vodozemac::olm::SessionPickle::from_encrypted(&pickle, pickle_key).is_err()
            }
            Kind::GroupSession => {
                vodozemac::megolm::GroupSessionPickle::from_encrypted(&pickle, pickle_key).is_err()
            }
            Kind::InboundGroupSession => {
                vodozemac::megolm::InboundGroupSessionPickle::from_encrypted(&pickle, pickle_key)
                    .is_err()
            }
        };
        assert!(refused, "vodozemac accepts {comment:?}");
        g.native.push(json!({
            "comment": comment,
            "type": kind.name(),
            "pickleKey": hex(pickle_key),
            "pickle": pickle,
            "result": "invalid",
            "error": error,
            "flags": [],
        }));
    };
    let mut wrong = *key;
    wrong[0] ^= 1;
    broken(
        Kind::Account,
        "the native Account pickle opened with a wrong key",
        account_pickle.clone(),
        &wrong,
        "Decryption",
    );
    broken(Kind::Account, "\"!!!\": not base64", "!!!".to_owned(), key, "Base64");
    broken(
        Kind::Session,
        "the native Account pickle opened as a Session pickle: not a session's JSON",
        account_pickle,
        key,
        "Serialization",
    );
    broken(
        Kind::GroupSession,
        "valid envelope around text that is not JSON",
        seal(b"not JSON", key),
        key,
        "Serialization",
    );
}

pub(crate) fn vectors() -> Vec<VectorFile> {
    let mut stream = Stream::new("salamander pickles");
    let key32 = stream.take(32);
    let native_key: [u8; 32] = stream.take(32).try_into().unwrap_or_default();
    let mut g = Generator {
        stream,
        key32,
        valid: Cases::default(),
        invalid: Cases::default(),
        native: Cases::default(),
    };

    let account = accounts(&mut g);
    let (sessions, b6, b2) = sessions(&mut g);
    let groups = megolm(&mut g);
    invalid(&mut g, &account, &sessions[2], &groups[0], &groups[1]);

    let mut made = vec![account];
    let initiator = sessions[2].clone();
    made.extend(sessions);
    made.extend(groups);
    native(&mut g, &native_key, &made, (&initiator, b6, b2));

    let file =
        |path: &'static str, algorithm: &str, source: &str, notes: Vec<&str>, tests: Vec<Value>| {
            VectorFile {
                path,
                content: json!({
                    "algorithm": algorithm,
                    "source": source,
                    "generator": GENERATOR,
                    "notes": notes,
                    "numberOfTests": tests.len(),
                    "tests": tests,
                }),
            }
        };
    let envelope = "Envelope: AES_KEY (32) || MAC_KEY (32) || IV (16) = HKDF-SHA-256(salt = 32 zero bytes, IKM = pickleKey, info = \"Pickle\", 80 bytes); the pickle is unpadded base64 of AES-256-CBC-PKCS7(plaintext) || HMAC-SHA-256(MAC_KEY, ciphertext)[..8]. 'pickleKey' is hex and may be empty.";
    vec![
        file(
            "pickle/libolm_pickles.json",
            "libolm-pickle",
            "libolm 3.2.13",
            vec![
                "Pickles made by libolm 3.2.13 from fixed randomness, and what an importer must find in them. 'type' is account, session, group-session (outbound) or inbound-group-session; 'version' is the u32 at the start of the decrypted pickle.",
                envelope,
                "Layouts (big-endian u32s, one-byte booleans): Account v4 = version || Ed25519 public (32) || expanded Ed25519 secret (64) || Curve25519 public (32) || secret (32) || u32 n || n x (u32 id || bool published || public (32) || secret (32)) || u8 m (0..2) || m x fallback record (current, then previous) || u32 last key id. v3 = the same with exactly two fallback records (a record is in use iff its published flag is set). v2 = no fallback section. Session v1 = version || bool received || identity key || base key || one-time key || root key || sending chains || receiving chains || skipped message keys (libolm lists: newest first); 0x80000001 adds an ignored u32 chain index. OutboundGroupSession v1 = version || ratchet (128) || u32 index || Ed25519 public (32) || expanded secret (64). InboundGroupSession v2 = version || initial ratchet (128) || u32 index || latest ratchet (128) || u32 index || Ed25519 public (32) || bool verified; v1 has no flag and counts as verified.",
                "libolm writes only the current versions (Account 4, Session 1, outbound 1, inbound 2). Cases flagged SynthesizedAcceptedByLibolm were made by opening a current pickle, rewriting the layout and sealing it again; the generator loads each of them back into libolm (and checks what libolm then reports) before writing it. LibolmTestSuite: the Account v3 pickle is libolm's own, from its tests/test_olm.cpp.",
                "Account 'expected': identity keys; 'unpublishedOneTimeKeys' (libolm key id -> base64 public key) is what olm_account_one_time_keys lists; 'oneTimeKeys' is every stored one-time key, published or not, each of which must still open a session; 'fallbackKeys' the current and previous fallback keys (null when absent) with their published flags (an unpublished current key is what olm_account_unpublished_fallback_key shows); 'signature' the Ed25519 signature libolm makes of 'message' (deterministic); 'nextKeyId' the id libolm gives the next one-time key it generates.",
                "Session 'expected': the session id, libolm's has_received_message, and 'messages': each was made by the other side's libolm session AFTER the pickle was taken (or earlier and held back, so that it needs a skipped message key); the imported session must decrypt them in the order listed. 'type' is 0 (pre-key) or 1, 'body' base64, 'plaintext' hex.",
                "OutboundGroupSession 'expected': session id, message index, the signed session key at that index, and 'nextMessage', the message the session produces next (Megolm encryption is deterministic). InboundGroupSession 'expected': session id, first known index, verified flag, and messages of the outbound session it must decrypt to 'plaintext' (hex) at 'index'.",
                "RoundTripExact: exporting the imported state as a libolm pickle under the same key must give 'pickle' again, byte for byte.",
            ],
            std::mem::take(&mut g.valid.tests),
        ),
        file(
            "pickle/libolm_pickles_invalid.json",
            "libolm-pickle",
            "libolm 3.2.13",
            vec![
                "libolm pickles that must not load. 'error' names the kind of error: Base64 (not base64), Decryption (wrong key, altered ciphertext or MAC, too short), MissingVersion (the plaintext is shorter than its version), Version (a version the format does not have, or the refused Account v1), Decode (the plaintext does not match the layout: too short, trailing bytes, a count out of range), InvalidSession (a session with no chain).",
                envelope,
                "Most cases are the valid cases of libolm_pickles.json altered: their plaintext was opened, changed and sealed again under the same key. 'libolm' is the error libolm 3.2.13 itself gives when loading the pickle (the generator checks it refuses each one), or \"accepted\" for the cases flagged StricterThanLibolm, where libolm loads a state it can never have written and the comment says how it reads it.",
                "The Account v1 pickle is libolm's own, from its tests/test_olm.cpp (empty key).",
            ],
            std::mem::take(&mut g.invalid.tests),
        ),
        file(
            "pickle/vodozemac_native.json",
            "native-pickle",
            "vodozemac 0.11.1",
            vec![
                "vodozemac 0.11.1's own (native) pickles: serde JSON of the state, sealed with the same envelope as libolm's under a 32-byte key. The states are fixed: each was imported by vodozemac from a libolm pickle of libolm_pickles.json ('importedFrom'), or, for the case flagged VodozemacStep, imported and then advanced by decrypting a message (which draws no randomness).",
                envelope,
                "'decrypted' is the sealed JSON, parsed, for reading only; 'expected' has the same meaning as in libolm_pickles.json. RoundTripExact: loading the pickle and pickling the state again under the same key must give 'pickle' byte for byte.",
                "Invalid cases must be refused with the error kind named in 'error': Base64, Decryption or Serialization (the JSON is not this type's).",
            ],
            std::mem::take(&mut g.native.tests),
        ),
    ]
}
