//! Shared tools of the Megolm vector families: a libolm sender whose outbound session can be
//! moved to any message index (through its pickle), an independent Megolm cipher (key
//! derivation, AES, MAC, signature) to hand-build messages, and the verdicts of libolm and
//! vodozemac on keys and messages.

use aes::Aes256;
use cbc::cipher::{
    block_padding::{NoPadding, Pkcs7},
    BlockModeDecrypt, BlockModeEncrypt, KeyIvInit,
};
use ed25519_dalek::{Signer, SigningKey};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use salamander_libolm::{InboundGroupSession, OlmError, OutboundGroupSession};
use serde_json::{json, Map, Value};
use sha2::Sha256;
use vodozemac::megolm as vz;

use super::{export_far, ok};
use crate::random::Stream;

/// Unpadded base64.
pub(crate) fn b64(bytes: &[u8]) -> String {
    vodozemac::base64_encode(bytes)
}

/// Base64 decoding of text this generator made or libolm output.
pub(crate) fn unb64(text: &str) -> Vec<u8> {
    vodozemac::base64_decode(text).unwrap_or_else(|e| panic!("not base64 ({e}): {text}"))
}

/// A protobuf varint.
pub(crate) fn varint(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return out;
        }
        out.push(byte | 0x80);
    }
}

/// The standard Megolm payload: `0x08 varint(index) 0x12 varint(length) ciphertext`.
pub(crate) fn payload(index: u64, ciphertext: &[u8]) -> Vec<u8> {
    let mut out = vec![0x08];
    out.extend(varint(index));
    out.push(0x12);
    out.extend(varint(ciphertext.len() as u64));
    out.extend_from_slice(ciphertext);
    out
}

// --- The Megolm cipher, computed independently of libolm --------------------------------------

/// `AES key ‖ MAC key ‖ IV = HKDF-SHA-256(salt = 32 zero bytes, IKM = R, "MEGOLM_KEYS", 80)`.
#[derive(Clone)]
pub(crate) struct CipherKeys {
    pub(crate) aes_key: [u8; 32],
    pub(crate) mac_key: [u8; 32],
    pub(crate) iv: [u8; 16],
}

impl CipherKeys {
    pub(crate) fn megolm(ratchet: &[u8]) -> Self {
        assert_eq!(ratchet.len(), 128);
        let mut okm = [0u8; 80];
        Hkdf::<Sha256>::new(Some(&[0u8; 32]), ratchet)
            .expand(b"MEGOLM_KEYS", &mut okm)
            .unwrap_or_else(|e| panic!("HKDF: {e}"));
        let mut keys = Self { aes_key: [0; 32], mac_key: [0; 32], iv: [0; 16] };
        keys.aes_key.copy_from_slice(&okm[..32]);
        keys.mac_key.copy_from_slice(&okm[32..64]);
        keys.iv.copy_from_slice(&okm[64..]);
        keys
    }

    /// AES-256-CBC with PKCS#7 padding.
    pub(crate) fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        cbc::Encryptor::<Aes256>::new((&self.aes_key).into(), (&self.iv).into())
            .encrypt_padded_vec::<Pkcs7>(plaintext)
    }

    /// AES-256-CBC of whole blocks, without adding padding (to build bad padding).
    pub(crate) fn encrypt_blocks(&self, blocks: &[u8]) -> Vec<u8> {
        assert_eq!(blocks.len() % 16, 0);
        cbc::Encryptor::<Aes256>::new((&self.aes_key).into(), (&self.iv).into())
            .encrypt_padded_vec::<NoPadding>(blocks)
    }

    /// AES-256-CBC decryption with PKCS#7 unpadding.
    pub(crate) fn decrypt(&self, ciphertext: &[u8]) -> Option<Vec<u8>> {
        cbc::Decryptor::<Aes256>::new((&self.aes_key).into(), (&self.iv).into())
            .decrypt_padded_vec::<Pkcs7>(ciphertext)
            .ok()
    }

    /// HMAC-SHA-256 under the MAC key.
    pub(crate) fn mac(&self, bytes: &[u8]) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.mac_key)
            .unwrap_or_else(|e| panic!("HMAC: {e}"));
        mac.update(bytes);
        mac.finalize().into_bytes().into()
    }
}

// --- libolm's pickle envelope and OutboundGroupSession layout -------------------------------------

const PICKLE_KEY: &[u8] = b"salamander megolm vectors";

fn pickle_keys(key: &[u8]) -> ([u8; 32], [u8; 32], [u8; 16]) {
    let mut okm = [0u8; 80];
    Hkdf::<Sha256>::new(Some(&[0u8; 32]), key)
        .expand(b"Pickle", &mut okm)
        .unwrap_or_else(|e| panic!("HKDF: {e}"));
    let (mut aes, mut mac, mut iv) = ([0u8; 32], [0u8; 32], [0u8; 16]);
    aes.copy_from_slice(&okm[..32]);
    mac.copy_from_slice(&okm[32..64]);
    iv.copy_from_slice(&okm[64..]);
    (aes, mac, iv)
}

fn pickle_mac(mac_key: &[u8; 32], ciphertext: &[u8]) -> Vec<u8> {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(mac_key).unwrap_or_else(|e| panic!("HMAC: {e}"));
    mac.update(ciphertext);
    mac.finalize().into_bytes()[..8].to_vec()
}

/// Open a libolm pickle: HKDF "Pickle" keys, 8-byte HMAC, AES-256-CBC-PKCS7.
fn open_pickle(pickle: &str, key: &[u8]) -> Vec<u8> {
    let (aes_key, mac_key, iv) = pickle_keys(key);
    let sealed = unb64(pickle);
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 8);
    assert_eq!(tag, pickle_mac(&mac_key, ciphertext), "the pickle's MAC does not match");
    cbc::Decryptor::<Aes256>::new((&aes_key).into(), (&iv).into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .unwrap_or_else(|e| panic!("pickle padding: {e}"))
}

fn seal_pickle(plaintext: &[u8], key: &[u8]) -> String {
    let (aes_key, mac_key, iv) = pickle_keys(key);
    let mut sealed = cbc::Encryptor::<Aes256>::new((&aes_key).into(), (&iv).into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let tag = pickle_mac(&mac_key, &sealed);
    sealed.extend_from_slice(&tag);
    b64(&sealed)
}

// --- A libolm sender ------------------------------------------------------------------------------

/// A libolm outbound session made from fixed random bytes, the inbound session made from its
/// first session key, and its Ed25519 key for re-signing hand-built messages.
pub(crate) struct Sender {
    pub(crate) random: Vec<u8>,
    signing_key: SigningKey,
    /// The session key at index 0 (libolm `olm_outbound_group_session_key`).
    pub(crate) session_key: String,
    root: InboundGroupSession,
}

impl Sender {
    pub(crate) fn new(label: &str) -> Self {
        Self::with_random(Stream::new(label).take(160))
    }

    /// A sender from the 160 bytes libolm takes (the ratchet, then the Ed25519 seed).
    pub(crate) fn with_random(random: Vec<u8>) -> Self {
        let outbound = ok(OutboundGroupSession::new_with_random(&random));
        let session_key = outbound.session_key();
        let root = ok(InboundGroupSession::new(&session_key));
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&random[128..]);
        let signing_key = SigningKey::from_bytes(&seed);
        // libolm derives its Ed25519 key from the last 32 random bytes as RFC 8032 does.
        assert_eq!(b64(signing_key.verifying_key().as_bytes()), outbound.session_id());
        Self { random, signing_key, session_key, root }
    }

    pub(crate) fn public_key(&self) -> [u8; 32] {
        self.signing_key.verifying_key().to_bytes()
    }

    pub(crate) fn sign(&self, bytes: &[u8]) -> [u8; 64] {
        self.signing_key.sign(bytes).to_bytes()
    }

    /// libolm's exported key at `index` (hopping through imports past 2^31).
    pub(crate) fn exported_at(&self, index: u32) -> String {
        let exported = export_far(&self.root, index);
        assert_eq!(unb64(&exported)[1..5], index.to_be_bytes());
        exported
    }

    /// The ratchet at `index`, from libolm's export.
    pub(crate) fn ratchet_at(&self, index: u32) -> Vec<u8> {
        self.ratchet_via(0, index)
    }

    /// The ratchet at `index` reached from the ratchet at `via` (so across 2^32 when `index` is
    /// below `via`), from libolm's exports.
    pub(crate) fn ratchet_via(&self, via: u32, index: u32) -> Vec<u8> {
        let exported = if via == 0 {
            self.exported_at(index)
        } else {
            let start = ok(InboundGroupSession::import(&self.exported_at(via)));
            export_far(&start, index)
        };
        let bytes = unb64(&exported);
        assert_eq!(bytes[1..5], index.to_be_bytes());
        bytes[5..133].to_vec()
    }

    /// libolm's outbound session moved to `index`: its pickle is opened, the ratchet and counter
    /// replaced by the ratchet libolm exports at `index`, and the pickle re-sealed and loaded.
    pub(crate) fn outbound_at(&self, index: u32) -> OutboundGroupSession {
        self.outbound_via(0, index)
    }

    /// [`Sender::outbound_at`] with the ratchet of [`Sender::ratchet_via`].
    pub(crate) fn outbound_via(&self, via: u32, index: u32) -> OutboundGroupSession {
        let outbound = ok(OutboundGroupSession::new_with_random(&self.random));
        let mut plain = open_pickle(&outbound.pickle(PICKLE_KEY), PICKLE_KEY);
        // u32 version 1 ‖ ratchet (128) ‖ u32 counter ‖ Ed25519 public (32) ‖ expanded secret (64)
        assert_eq!(plain.len(), 4 + 128 + 4 + 32 + 64);
        assert_eq!(plain[..4], 1u32.to_be_bytes());
        assert_eq!(plain[4..132], self.random[..128]);
        assert_eq!(plain[132..136], 0u32.to_be_bytes());
        assert_eq!(plain[136..168], self.public_key());
        plain[4..132].copy_from_slice(&self.ratchet_via(via, index));
        plain[132..136].copy_from_slice(&index.to_be_bytes());
        let moved =
            ok(OutboundGroupSession::unpickle(&seal_pickle(&plain, PICKLE_KEY), PICKLE_KEY));
        assert_eq!(moved.message_index(), index);
        moved
    }

    /// libolm's message at `index`, checked against an independent encryption.
    pub(crate) fn encrypt_at(&self, index: u32, plaintext: &[u8]) -> String {
        self.encrypt_via(0, index, plaintext)
    }

    /// [`Sender::encrypt_at`] with the ratchet of [`Sender::ratchet_via`].
    pub(crate) fn encrypt_via(&self, via: u32, index: u32, plaintext: &[u8]) -> String {
        let body = ok(self.outbound_via(via, index).encrypt(plaintext));
        let keys = CipherKeys::megolm(&self.ratchet_via(via, index));
        let independent =
            self.seal(3, &payload(u64::from(index), &keys.encrypt(plaintext)), &keys, 8);
        assert_eq!(unb64(&body), independent, "libolm's message at {index:#x}");
        body
    }

    /// `version ‖ payload ‖ MAC(mac_length) ‖ signature`, MAC and signature over the bytes.
    pub(crate) fn seal(
        &self,
        version: u8,
        payload: &[u8],
        keys: &CipherKeys,
        mac_length: usize,
    ) -> Vec<u8> {
        let mut bytes = vec![version];
        bytes.extend_from_slice(payload);
        let mac = keys.mac(&bytes);
        bytes.extend_from_slice(&mac[..mac_length]);
        let signature = self.sign(&bytes);
        bytes.extend_from_slice(&signature);
        bytes
    }

    /// Replace a message's signature by a valid one over its (changed) bytes.
    pub(crate) fn resign(&self, message: &[u8]) -> Vec<u8> {
        let signed = &message[..message.len() - 64];
        let mut out = signed.to_vec();
        out.extend_from_slice(&self.sign(signed));
        out
    }

    /// A vodozemac `GroupSession` loaded from this sender's libolm pickle at `index`, with the
    /// given configuration (version 2 is set in its native pickle).
    pub(crate) fn vodozemac_at(&self, index: u32, version_2: bool) -> vz::GroupSession {
        let pickle = self.outbound_at(index).pickle(PICKLE_KEY);
        let session = vz::GroupSession::from_libolm_pickle(&pickle, PICKLE_KEY)
            .unwrap_or_else(|e| panic!("vodozemac refused libolm's pickle: {e}"));
        if !version_2 {
            return session;
        }
        let mut native = serde_json::to_value(session.pickle()).unwrap_or_default();
        assert_eq!(native["config"], json!({"version": "V1"}));
        native["config"] = json!({"version": "V2"});
        let pickle: vz::GroupSessionPickle =
            serde_json::from_value(native).unwrap_or_else(|e| panic!("native pickle: {e}"));
        vz::GroupSession::from_pickle(pickle)
    }
}

// --- Verdicts -------------------------------------------------------------------------------------

/// The variant name of an error's `Debug` output: `InvalidMAC(…)` → `InvalidMAC`.
pub(crate) fn kind(error: &impl std::fmt::Debug) -> String {
    let debug = format!("{error:?}");
    debug.split(['(', ' ', '{']).next().unwrap_or_default().to_owned()
}

/// A key given to an inbound session.
#[derive(Clone)]
pub(crate) enum Key {
    Session(String),
    Exported(String),
}

impl Key {
    pub(crate) fn json(&self, case: &mut Map<String, Value>) {
        match self {
            Key::Session(key) => case.insert("sessionKey".into(), key.clone().into()),
            Key::Exported(key) => case.insert("exportedKey".into(), key.clone().into()),
        };
    }

    pub(crate) fn libolm(&self) -> Result<InboundGroupSession, OlmError> {
        match self {
            Key::Session(key) => InboundGroupSession::new(key),
            Key::Exported(key) => InboundGroupSession::import(key),
        }
    }

    pub(crate) fn vodozemac(&self, version_2: bool) -> Result<vz::InboundGroupSession, String> {
        let config =
            if version_2 { vz::SessionConfig::version_2() } else { vz::SessionConfig::version_1() };
        match self {
            Key::Session(key) => vz::SessionKey::from_base64(key)
                .map(|key| vz::InboundGroupSession::new(&key, config))
                .map_err(|e| kind(&e)),
            Key::Exported(key) => vz::ExportedSessionKey::from_base64(key)
                .map(|key| vz::InboundGroupSession::import(&key, config))
                .map_err(|e| kind(&e)),
        }
    }
}

/// One implementation's verdict: `Ok(plaintext, index)` or its error.
pub(crate) type Verdict = Result<(Vec<u8>, u32), String>;

/// libolm decrypting `bodies` in order with one session; the verdicts and `is_verified` after.
pub(crate) fn libolm_decrypts(key: &Key, bodies: &[String]) -> (Vec<Verdict>, bool) {
    let mut session = match key.libolm() {
        Ok(session) => session,
        Err(e) => return (bodies.iter().map(|_| Err(format!("key: {e}"))).collect(), false),
    };
    let verdicts = bodies.iter().map(|body| session.decrypt(body).map_err(|e| e.0)).collect();
    (verdicts, session.is_verified())
}

/// vodozemac decrypting `bodies` in order with one session.
pub(crate) fn vodozemac_decrypts(key: &Key, bodies: &[String], version_2: bool) -> Vec<Verdict> {
    let mut session = match key.vodozemac(version_2) {
        Ok(session) => session,
        Err(e) => return bodies.iter().map(|_| Err(format!("key: {e}"))).collect(),
    };
    bodies
        .iter()
        .map(|body| {
            let message = vz::MegolmMessage::from_base64(body).map_err(|e| kind(&e))?;
            session.decrypt(&message).map(|d| (d.plaintext, d.message_index)).map_err(|e| kind(&e))
        })
        .collect()
}

/// Record an implementation's verdict on a case as `<who>Result` and `<who>Error`.
pub(crate) fn record(case: &mut Map<String, Value>, who: &str, verdict: Result<(), String>) {
    match verdict {
        Ok(()) => {
            case.insert(format!("{who}Result"), "valid".into());
        }
        Err(e) => {
            case.insert(format!("{who}Result"), "invalid".into());
            case.insert(format!("{who}Error"), e.into());
        }
    }
}

/// Flags for where libolm or vodozemac disagree with the expected result.
pub(crate) fn disagreement_flags(case: &Map<String, Value>) -> Vec<Value> {
    let valid = case["result"] == "valid";
    let mut flags = Vec::new();
    for (who, name) in [("libolm", "Libolm"), ("vodozemac", "Vodozemac")] {
        match case.get(&format!("{who}Result")).and_then(Value::as_str) {
            Some("valid") if !valid => flags.push(format!("{name}Accepts").into()),
            Some("invalid") if valid => flags.push(format!("{name}Refuses").into()),
            _ => {}
        }
    }
    flags
}

/// Whether `bytes` decompress to an Edwards point.
pub(crate) fn is_point(bytes: &[u8; 32]) -> bool {
    curve25519_dalek::edwards::CompressedEdwardsY(*bytes).decompress().is_some()
}

/// The first 32-byte string `y ‖ 0…` (little-endian y = 2, 3, …) that does not decompress.
pub(crate) fn not_a_point() -> [u8; 32] {
    (2u8..=255)
        .map(|y| {
            let mut bytes = [0u8; 32];
            bytes[0] = y;
            bytes
        })
        .find(|bytes| !is_point(bytes))
        .unwrap_or_else(|| panic!("every small y decompresses"))
}
