//! Live Megolm interoperability between salamander and libolm 3.2.13 (through
//! `salamander-libolm`, a safe wrapper over Debian's libolm).
//!
//! Every scenario is written once, generically over two [`Library`]s, and run in both
//! directions: `salamander_to_libolm_*` has a salamander [`GroupSession`](sal::GroupSession)
//! sending to a libolm inbound session, `libolm_to_salamander_*` the reverse. Messages and keys
//! cross between the libraries only as base64, as in `m.room.encrypted` events and
//! `m.room_key` / `m.forwarded_room_key` contents. libolm speaks only version 1.
//!
//! libolm has no way to move an outbound session forward other than encrypting, so the jump
//! scenario edits its pickle: the test opens libolm's pickle envelope (HKDF-SHA-256 "Pickle",
//! AES-256-CBC, HMAC-SHA-256 truncated to 8 bytes) with the RustCrypto crates salamander depends
//! on, replaces the ratchet and its counter, and seals it again.

#![cfg(test)]

use std::convert::Infallible;

use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{KeyInit, Mac};
use rand_core::{TryCryptoRng, TryRng};
use salamander::megolm as sal;
use salamander::{base64_decode, base64_encode};
use salamander_libolm as libolm;
use serde_json::json;

/// Messages per batch.
const N: u32 = 24;

/// The index of the jump scenario.
const JUMP: u32 = 1 << 20;

/// Plaintext sizes around the AES block size, and a large one.
const SIZES: [usize; 6] = [0, 1, 15, 16, 17, 4096];

/// Length of an Ed25519 signature, which ends every Megolm message.
const SIGNATURE_LENGTH: usize = 64;

/// Length of a version 1 MAC.
const MAC_LENGTH: usize = 8;

/// The key the libolm pickles of these tests are encrypted with.
const PICKLE_KEY: &[u8] = b"megolm interop pickle key";

/// Why a message was refused, in terms both libraries share.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Failure {
    /// Before the first known index: `(first known index, message index)` from salamander;
    /// libolm's `UNKNOWN_MESSAGE_INDEX` carries no indices.
    UnknownIndex(Option<(u32, u32)>),
    Signature,
    Mac,
    Other(String),
}

/// The sending side of a Megolm session, from either library.
trait Outbound {
    fn name(&self) -> &'static str;
    /// Encrypts at the current index; the encoded message.
    fn encrypt(&mut self, plaintext: &[u8]) -> Vec<u8>;
    fn message_index(&self) -> u32;
    fn session_id(&self) -> String;
    /// The signed session key at the current index, base64.
    fn session_key(&self) -> String;
    /// The Ed25519 seed the messages are signed with.
    fn signing_seed(&self) -> [u8; 32];
    /// The same session with its ratchet replaced by `ratchet` at `index` (its pickle edited).
    fn jumped(&self, index: u32, ratchet: &[u8]) -> Box<dyn Outbound>;
}

/// The receiving side of a Megolm session, from either library.
trait Inbound {
    fn name(&self) -> &'static str;
    /// The plaintext and the message index.
    fn decrypt(&mut self, message: &[u8]) -> Result<(Vec<u8>, u32), Failure>;
    fn first_known_index(&self) -> u32;
    /// The exported (unsigned) key at `index`, base64.
    fn export_at(&mut self, index: u32) -> Option<String>;
    fn is_verified(&self) -> bool;
    fn session_id(&self) -> String;
    /// The whole persistent state (the pickle).
    fn state(&self) -> String;
}

/// Makes an inbound session from a base64 key, or says why not.
type NewInbound = fn(&str) -> Result<Box<dyn Inbound>, String>;

/// The constructors of one library.
struct Library {
    outbound: fn() -> Box<dyn Outbound>,
    /// From a signed session key (`m.room_key`).
    inbound: NewInbound,
    /// From an exported key (forwarded keys, backups).
    import: NewInbound,
}

// ---------------------------------------------------------------------------------------------
// salamander

struct SalamanderOutbound(sal::GroupSession);

impl Outbound for SalamanderOutbound {
    fn name(&self) -> &'static str {
        "salamander"
    }

    fn encrypt(&mut self, plaintext: &[u8]) -> Vec<u8> {
        self.0.encrypt(plaintext).to_bytes()
    }

    fn message_index(&self) -> u32 {
        self.0.message_index()
    }

    fn session_id(&self) -> String {
        self.0.session_id()
    }

    fn session_key(&self) -> String {
        self.0.session_key().to_base64()
    }

    /// From the pickle: `"signing_key": {"Normal": [32 bytes]}`.
    fn signing_seed(&self) -> [u8; 32] {
        let pickle = serde_json::to_value(self.0.pickle()).unwrap();
        let seed: Vec<u8> =
            serde_json::from_value(pickle["signing_key"]["Normal"].clone()).unwrap();
        seed.try_into().unwrap()
    }

    /// Edits the pickle JSON (vodozemac's layout): `"ratchet": {"inner": [128], "counter": n}`.
    fn jumped(&self, index: u32, ratchet: &[u8]) -> Box<dyn Outbound> {
        let mut pickle = serde_json::to_value(self.0.pickle()).unwrap();
        assert_eq!(pickle["ratchet"]["counter"], json!(self.0.message_index()));
        assert_eq!(pickle["ratchet"]["inner"].as_array().map(Vec::len), Some(128));
        pickle["ratchet"]["inner"] = json!(ratchet);
        pickle["ratchet"]["counter"] = json!(index);
        let pickle: sal::GroupSessionPickle = serde_json::from_value(pickle).unwrap();
        Box::new(SalamanderOutbound(sal::GroupSession::from_pickle(pickle)))
    }
}

struct SalamanderInbound(sal::InboundGroupSession);

impl Inbound for SalamanderInbound {
    fn name(&self) -> &'static str {
        "salamander"
    }

    fn decrypt(&mut self, message: &[u8]) -> Result<(Vec<u8>, u32), Failure> {
        let message = sal::MegolmMessage::from_bytes(message)
            .map_err(|e| Failure::Other(format!("decode: {e}")))?;
        match self.0.decrypt(&message) {
            Ok(decrypted) => Ok((decrypted.plaintext, decrypted.message_index)),
            Err(sal::DecryptionError::UnknownMessageIndex(first, index)) => {
                Err(Failure::UnknownIndex(Some((first, index))))
            }
            Err(sal::DecryptionError::Signature(_)) => Err(Failure::Signature),
            Err(sal::DecryptionError::InvalidMAC(_)) => Err(Failure::Mac),
            Err(e) => Err(Failure::Other(e.to_string())),
        }
    }

    fn first_known_index(&self) -> u32 {
        self.0.first_known_index()
    }

    fn export_at(&mut self, index: u32) -> Option<String> {
        self.0.export_at(index).map(|key| key.to_base64())
    }

    fn is_verified(&self) -> bool {
        self.0.is_verified()
    }

    fn session_id(&self) -> String {
        self.0.session_id()
    }

    fn state(&self) -> String {
        serde_json::to_string(&self.0.pickle()).unwrap()
    }
}

const SALAMANDER: Library = Library {
    outbound: || {
        Box::new(SalamanderOutbound(sal::GroupSession::new(sal::SessionConfig::version_1())))
    },
    inbound: |key| {
        let key = sal::SessionKey::from_base64(key).map_err(|e| e.to_string())?;
        let session = sal::InboundGroupSession::new(&key, sal::SessionConfig::version_1());
        Ok(Box::new(SalamanderInbound(session)))
    },
    import: |key| {
        let key = sal::ExportedSessionKey::from_base64(key).map_err(|e| e.to_string())?;
        let session = sal::InboundGroupSession::import(&key, sal::SessionConfig::version_1());
        Ok(Box::new(SalamanderInbound(session)))
    },
};

// ---------------------------------------------------------------------------------------------
// libolm

/// A libolm outbound session and the 160 random bytes it was made from (the ratchet, then the
/// Ed25519 seed), so that the tests can sign as it does.
struct LibolmOutbound {
    session: libolm::OutboundGroupSession,
    random: [u8; 160],
}

impl LibolmOutbound {
    fn new() -> Self {
        let mut random = [0u8; 160];
        getrandom::fill(&mut random).unwrap();
        let session = libolm::OutboundGroupSession::new_with_random(&random).unwrap();
        Self { session, random }
    }
}

impl Outbound for LibolmOutbound {
    fn name(&self) -> &'static str {
        "libolm"
    }

    fn encrypt(&mut self, plaintext: &[u8]) -> Vec<u8> {
        base64_decode(self.session.encrypt(plaintext).unwrap()).unwrap()
    }

    fn message_index(&self) -> u32 {
        self.session.message_index()
    }

    fn session_id(&self) -> String {
        self.session.session_id()
    }

    fn session_key(&self) -> String {
        self.session.session_key()
    }

    fn signing_seed(&self) -> [u8; 32] {
        self.random[128..].try_into().unwrap()
    }

    /// Edits libolm's pickle: `version (u32 BE, 1) ‖ R (128) ‖ counter (u32 BE) ‖ Ed25519
    /// public key (32) ‖ Ed25519 expanded secret key (64)`.
    fn jumped(&self, index: u32, ratchet: &[u8]) -> Box<dyn Outbound> {
        let pickle = self.session.pickle(PICKLE_KEY);
        let mut raw = open_libolm_pickle(&pickle);
        assert_eq!(seal_libolm_pickle(&raw), pickle, "the envelope is deterministic");
        assert_eq!(raw.len(), 4 + 128 + 4 + 32 + 64);
        assert_eq!(raw[..4], 1u32.to_be_bytes(), "pickle version");
        assert_eq!(raw[132..136], self.session.message_index().to_be_bytes(), "counter");
        assert_eq!(base64_encode(&raw[136..168]), self.session.session_id());
        raw[4..132].copy_from_slice(ratchet);
        raw[132..136].copy_from_slice(&index.to_be_bytes());
        let session =
            libolm::OutboundGroupSession::unpickle(&seal_libolm_pickle(&raw), PICKLE_KEY).unwrap();
        Box::new(LibolmOutbound { session, random: self.random })
    }
}

struct LibolmInbound(libolm::InboundGroupSession);

impl Inbound for LibolmInbound {
    fn name(&self) -> &'static str {
        "libolm"
    }

    fn decrypt(&mut self, message: &[u8]) -> Result<(Vec<u8>, u32), Failure> {
        self.0.decrypt(&base64_encode(message)).map_err(|e| match e.0.as_str() {
            "UNKNOWN_MESSAGE_INDEX" => Failure::UnknownIndex(None),
            "BAD_SIGNATURE" => Failure::Signature,
            "BAD_MESSAGE_MAC" => Failure::Mac,
            _ => Failure::Other(e.0),
        })
    }

    fn first_known_index(&self) -> u32 {
        self.0.first_known_index()
    }

    fn export_at(&mut self, index: u32) -> Option<String> {
        self.0.export_at(index).ok()
    }

    fn is_verified(&self) -> bool {
        self.0.is_verified()
    }

    fn session_id(&self) -> String {
        self.0.session_id()
    }

    fn state(&self) -> String {
        self.0.pickle(PICKLE_KEY)
    }
}

fn libolm_inbound(
    session: Result<libolm::InboundGroupSession, libolm::OlmError>,
) -> Result<Box<dyn Inbound>, String> {
    Ok(Box::new(LibolmInbound(session.map_err(|e| e.0)?)))
}

const LIBOLM: Library = Library {
    outbound: || Box::new(LibolmOutbound::new()),
    inbound: |key| libolm_inbound(libolm::InboundGroupSession::new(key)),
    import: |key| libolm_inbound(libolm::InboundGroupSession::import(key)),
};

/// libolm's pickle keys: HKDF-SHA-256 of the pickle key (zero salt, info "Pickle") split into
/// `AES key (32) ‖ MAC key (32) ‖ IV (16)`.
fn libolm_pickle_keys() -> ([u8; 32], [u8; 32], [u8; 16]) {
    let mut okm = [0u8; 80];
    hkdf::Hkdf::<sha2::Sha256>::new(Some(&[0u8; 32]), PICKLE_KEY)
        .expand(b"Pickle", &mut okm)
        .unwrap();
    (okm[..32].try_into().unwrap(), okm[32..64].try_into().unwrap(), okm[64..].try_into().unwrap())
}

fn libolm_pickle_mac(mac_key: &[u8; 32], ciphertext: &[u8]) -> Vec<u8> {
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(mac_key).unwrap();
    mac.update(ciphertext);
    mac.finalize().into_bytes()[..MAC_LENGTH].to_vec()
}

/// The plaintext of a libolm pickle made with [`PICKLE_KEY`], after checking its MAC.
fn open_libolm_pickle(pickle: &str) -> Vec<u8> {
    let (aes_key, mac_key, iv) = libolm_pickle_keys();
    let raw = base64_decode(pickle).unwrap();
    let (ciphertext, mac) = raw.split_at(raw.len() - MAC_LENGTH);
    assert_eq!(libolm_pickle_mac(&mac_key, ciphertext), mac, "the pickle's MAC");
    cbc::Decryptor::<aes::Aes256>::new((&aes_key).into(), (&iv).into())
        .decrypt_padded_vec::<Pkcs7>(ciphertext)
        .unwrap()
}

/// A libolm pickle of `plaintext` under [`PICKLE_KEY`].
fn seal_libolm_pickle(plaintext: &[u8]) -> String {
    let (aes_key, mac_key, iv) = libolm_pickle_keys();
    let mut raw = cbc::Encryptor::<aes::Aes256>::new((&aes_key).into(), (&iv).into())
        .encrypt_padded_vec::<Pkcs7>(plaintext);
    let mac = libolm_pickle_mac(&mac_key, &raw);
    raw.extend_from_slice(&mac);
    base64_encode(raw)
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

/// A message as sent, with what the receiver must get back.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Sent {
    bytes: Vec<u8>,
    plaintext: Vec<u8>,
    index: u32,
}

/// `len` deterministic bytes, different for each `tag`.
fn bytes(len: usize, tag: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(tag)).collect()
}

/// A fixed-seed Fisher-Yates shuffle (xorshift64), so failures are reproducible.
fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let j = (seed % (i as u64 + 1)) as usize;
        items.swap(i, j);
    }
}

/// Encrypts `plaintext` and checks the message's version byte and the index moving on.
fn send(sender: &mut dyn Outbound, plaintext: Vec<u8>) -> Sent {
    let index = sender.message_index();
    let bytes = sender.encrypt(&plaintext);
    assert_eq!(bytes[0], 3, "{} message version", sender.name());
    assert_eq!(sender.message_index(), index.wrapping_add(1));
    Sent { bytes, plaintext, index }
}

/// Encrypts `count` messages labelled with the sender, `tag` and the index.
fn encrypt_batch(sender: &mut dyn Outbound, tag: &str, count: u32) -> Vec<Sent> {
    (0..count)
        .map(|_| {
            let plaintext =
                format!("{} {tag} #{}", sender.name(), sender.message_index()).into_bytes();
            send(sender, plaintext)
        })
        .collect()
}

/// Decrypts each message in the given order and checks its plaintext and index.
fn deliver<'a>(receiver: &mut dyn Inbound, messages: impl IntoIterator<Item = &'a Sent>) {
    for sent in messages {
        let (plaintext, index) = receiver.decrypt(&sent.bytes).unwrap_or_else(|e| {
            panic!("{} failed to decrypt message {}: {e:?}", receiver.name(), sent.index)
        });
        assert_eq!(plaintext, sent.plaintext, "{} decrypted the wrong plaintext", receiver.name());
        assert_eq!(index, sent.index, "{} returned the wrong index", receiver.name());
    }
}

/// `receiver` refuses `message` with `expected`, and stays as verified as it was. Its state is
/// unchanged too, except for libolm on a bad MAC: libolm moves its latest ratchet to the
/// message's index before it checks the MAC, and keeps it there.
fn refuse(receiver: &mut dyn Inbound, message: &[u8], expected: &Failure) {
    let (state, verified) = (receiver.state(), receiver.is_verified());
    let failure = receiver.decrypt(message).expect_err("the message must be refused");
    assert_eq!(&failure, expected, "{} refused for the wrong reason", receiver.name());
    if receiver.name() != "libolm" || failure != Failure::Mac {
        let name = receiver.name();
        assert_eq!(receiver.state(), state, "a refused message must not change {name}");
    }
    assert_eq!(receiver.is_verified(), verified);
}

/// The unknown-index failure `receiver` reports for a message at `index`.
fn unknown_index(receiver: &dyn Inbound, index: u32) -> Failure {
    match receiver.name() {
        "libolm" => Failure::UnknownIndex(None),
        _ => Failure::UnknownIndex(Some((receiver.first_known_index(), index))),
    }
}

/// `bytes` with bit 1 of byte `at` flipped (so a message index 0 becomes 2).
fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    copy[at] ^= 0x02;
    copy
}

/// An exported key's `(index, ratchet)`, after checking its layout
/// `0x01 ‖ index (u32 BE) ‖ R (128) ‖ K_pub (32)` and that `K_pub` is `session_id`.
fn parse_export(exported: &str, session_id: &str) -> (u32, Vec<u8>) {
    let bytes = base64_decode(exported).unwrap();
    assert_eq!(bytes.len(), 165);
    assert_eq!(bytes[0], 1, "exported key version");
    assert_eq!(base64_encode(&bytes[133..]), session_id);
    (u32::from_be_bytes(bytes[1..5].try_into().unwrap()), bytes[5..133].to_vec())
}

/// Replaces the signature of `message` by one made with `seed`, as the sender would.
fn resign(mut message: Vec<u8>, seed: &[u8; 32]) -> Vec<u8> {
    let split = message.len() - SIGNATURE_LENGTH;
    let signature = salamander::Ed25519SecretKey::from_slice(seed).sign(&message[..split]);
    message[split..].copy_from_slice(&signature.to_bytes());
    message
}

/// Where the ciphertext and the MAC of a short message (one-byte index and length) are.
fn layout(message: &[u8]) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    assert_eq!(message[1], 0x08, "index tag");
    assert!(message[2] < 0x80, "a one-byte index");
    assert_eq!(message[3], 0x12, "ciphertext tag");
    let length = usize::from(message[4]);
    assert!(length < 0x80, "a one-byte length");
    let ciphertext = 5..5 + length;
    let mac = ciphertext.end..ciphertext.end + MAC_LENGTH;
    assert_eq!(mac.end + SIGNATURE_LENGTH, message.len(), "the signature ends the message");
    (ciphertext, mac)
}

/// A new sender, a receiver from its first session key, and that key.
fn pair(sender: &Library, receiver: &Library) -> (Box<dyn Outbound>, Box<dyn Inbound>, String) {
    let outbound = (sender.outbound)();
    let key = outbound.session_key();
    let inbound = (receiver.inbound)(&key).unwrap();
    (outbound, inbound, key)
}

/// An inbound salamander session from an exported key.
fn salamander_import(exported: &str) -> sal::InboundGroupSession {
    let key = sal::ExportedSessionKey::from_base64(exported).unwrap();
    sal::InboundGroupSession::import(&key, sal::SessionConfig::version_1())
}

// ---------------------------------------------------------------------------------------------
// Scenarios, each run in both directions

/// Case 1: `N` messages decrypted in order, then last to first, then shuffled; a second
/// receiver gets the shuffled order first.
fn in_order_reversed_shuffled(sender: &Library, receiver: &Library) {
    let (mut outbound, mut inbound, key) = pair(sender, receiver);
    let batch = encrypt_batch(&mut *outbound, "ordering", N);
    assert!(batch.iter().enumerate().all(|(i, sent)| sent.index == i as u32));
    deliver(&mut *inbound, &batch);
    deliver(&mut *inbound, batch.iter().rev());
    let mut shuffled = batch.clone();
    shuffle(&mut shuffled, 0x5EED);
    assert_ne!(shuffled, batch, "the shuffle must change the order");
    deliver(&mut *inbound, &shuffled);

    let mut fresh = (receiver.inbound)(&key).unwrap();
    deliver(&mut *fresh, &shuffled);
    deliver(&mut *fresh, batch.iter().rev());
}

/// Case 2: the session key is shared after `K` messages: later messages decrypt, earlier ones
/// fail with the unknown-index error and change nothing.
fn session_key_shared_late(sender: &Library, receiver: &Library) {
    const K: u32 = 5;
    let mut outbound = (sender.outbound)();
    let early = encrypt_batch(&mut *outbound, "early", K);
    let key = outbound.session_key();
    assert_eq!(u32::from_be_bytes(base64_decode(&key).unwrap()[1..5].try_into().unwrap()), K);
    let mut inbound = (receiver.inbound)(&key).unwrap();
    assert_eq!(inbound.first_known_index(), K);
    let mut late = encrypt_batch(&mut *outbound, "late", N);
    shuffle(&mut late, 0xC0FFEE);
    deliver(&mut *inbound, &late);
    for sent in early.iter().rev() {
        let expected = unknown_index(&*inbound, sent.index);
        refuse(&mut *inbound, &sent.bytes, &expected);
    }
    assert_eq!(inbound.export_at(K - 1), None, "nothing before the first known index");
    deliver(&mut *inbound, late.iter().rev());
}

/// Case 3: the sender's library receives the session and exports it at `K`; the other library
/// imports the export. It decrypts from `K` on and nothing before; the import starts unverified
/// and is verified by its first successful decryption; its own export at `K` is the same key.
fn exported_key_imported(sender: &Library, receiver: &Library) {
    const K: u32 = 7;
    let mut outbound = (sender.outbound)();
    let mut exporter = (sender.inbound)(&outbound.session_key()).unwrap();
    let batch = encrypt_batch(&mut *outbound, "exported", N);
    deliver(&mut *exporter, &batch[..3]);
    let exported = exporter.export_at(K).unwrap();
    assert_eq!(parse_export(&exported, &outbound.session_id()).0, K);

    let mut imported = (receiver.import)(&exported).unwrap();
    assert_eq!(imported.first_known_index(), K);
    assert_eq!(imported.session_id(), outbound.session_id());
    assert!(!imported.is_verified(), "an import starts unverified");
    for sent in batch[..K as usize].iter().rev() {
        let expected = unknown_index(&*imported, sent.index);
        refuse(&mut *imported, &sent.bytes, &expected);
    }
    deliver(&mut *imported, &batch[K as usize..]);
    assert!(imported.is_verified(), "a decryption verifies the import");
    assert_eq!(imported.export_at(K).as_deref(), Some(&*exported), "the same key re-exported");
    assert_eq!(imported.export_at(K - 1), None);
    deliver(&mut *exporter, batch.iter().rev());
}

/// Case 4: a jump of 2^20 indices. Neither library can advance an outbound session, so the
/// sender's pickle is edited to the ratchet at 2^20, which the sender's own library computes
/// (an inbound session of the sender's library exports it): the receiving library's derivation
/// is checked against an independent one. Then index 0, older than the latest, still decrypts.
fn jump_2_pow_20(sender: &Library, receiver: &Library) {
    let (mut outbound, mut inbound, key) = pair(sender, receiver);
    let first = encrypt_batch(&mut *outbound, "before the jump", 1);

    let mut own = (sender.inbound)(&key).unwrap();
    let exported = own.export_at(JUMP).unwrap();
    let (index, ratchet) = parse_export(&exported, &outbound.session_id());
    assert_eq!(index, JUMP);
    let mut jumped = outbound.jumped(JUMP, &ratchet);
    assert_eq!(jumped.message_index(), JUMP);
    assert_eq!(jumped.session_id(), outbound.session_id());

    let far = encrypt_batch(&mut *jumped, "after the jump", 3);
    assert_eq!(far[0].index, JUMP);
    deliver(&mut *inbound, &far);
    deliver(&mut *inbound, &first);
    deliver(&mut *inbound, far.iter().rev());
    assert_eq!(inbound.export_at(JUMP), Some(exported), "both libraries' ratchet at 2^20");
    deliver(&mut *own, far.iter().chain(&first));

    // A session key shared after the jump starts there.
    let mut late = (receiver.inbound)(&jumped.session_key()).unwrap();
    assert_eq!(late.first_known_index(), JUMP + 3);
    let last = encrypt_batch(&mut *jumped, "late", 1);
    deliver(&mut *late, &last);
    let expected = unknown_index(&*late, JUMP + 2);
    refuse(&mut *late, &far[2].bytes, &expected);
    deliver(&mut *inbound, &last);
}

/// Case 5 (libolm has no compare or merge): both libraries export the same keys, and a
/// salamander session from the session key compares and merges with salamander imports of
/// either library's exports: equal at the first known index, better than a later one; a merge
/// keeps the lower index and decrypts everything.
fn compare_and_merge(sender: &Library, receiver: &Library) {
    const K: u32 = 7;
    let (mut outbound, mut inbound, key) = pair(sender, receiver);
    let batch = encrypt_batch(&mut *outbound, "merge", 10);
    let mut theirs = (sender.inbound)(&key).unwrap();
    let exports = [
        (inbound.export_at(0).unwrap(), inbound.export_at(K).unwrap()),
        (theirs.export_at(0).unwrap(), theirs.export_at(K).unwrap()),
    ];
    assert_eq!(exports[0], exports[1], "both libraries export the same keys");

    let mut session = sal::InboundGroupSession::new(
        &sal::SessionKey::from_base64(&key).unwrap(),
        sal::SessionConfig::version_1(),
    );
    for (first, later) in &exports {
        let mut first = salamander_import(first);
        assert_eq!(session.compare(&mut first), sal::SessionOrdering::Equal);
        assert_eq!(first.compare(&mut session), sal::SessionOrdering::Equal);
        let mut later = salamander_import(later);
        assert_eq!(later.first_known_index(), K);
        assert_eq!(session.compare(&mut later), sal::SessionOrdering::Better);
        assert_eq!(later.compare(&mut session), sal::SessionOrdering::Worse);
        for merged in [session.merge(&mut later), later.merge(&mut session)] {
            let mut merged = SalamanderInbound(merged.unwrap());
            assert_eq!(merged.first_known_index(), 0, "a merge keeps the lower index");
            assert!(merged.is_verified(), "verified if either side was");
            deliver(&mut merged, &batch);
        }
    }

    // A forged export (its ratchet altered) is unconnected.
    let forged = base64_decode(&exports[1].1).unwrap();
    let mut forged = salamander_import(&base64_encode(flip(&forged, 5 + 40)));
    assert_eq!(session.compare(&mut forged), sal::SessionOrdering::Unconnected);
    assert!(session.merge(&mut forged).is_none());
}

/// Case 6: equal session ids; the sender's session keys (and the export of its library) are
/// read by both libraries and re-encode identically; a session key with one byte changed in the
/// ratchet or in the signature is refused by salamander with `SessionKeyDecodeError::Signature`
/// and by libolm with `BAD_SIGNATURE`.
fn session_ids_and_keys(sender: &Library, receiver: &Library) {
    let (mut outbound, inbound, _) = pair(sender, receiver);
    assert_eq!(inbound.session_id(), outbound.session_id());
    encrypt_batch(&mut *outbound, "keys", 3);

    let key = outbound.session_key();
    let key_bytes = base64_decode(&key).unwrap();
    assert_eq!(key_bytes.len(), 229);
    assert_eq!(key_bytes[0], 2, "session key version");
    assert_eq!(key_bytes[1..5], 3u32.to_be_bytes());
    assert_eq!(base64_encode(&key_bytes[133..165]), outbound.session_id());
    assert_eq!(sal::SessionKey::from_base64(&key).unwrap().to_base64(), key);
    for library in [&SALAMANDER, &LIBOLM] {
        let mut later = (library.inbound)(&key).unwrap();
        assert_eq!(later.session_id(), outbound.session_id());
        assert_eq!(later.first_known_index(), 3);
        let exported = later.export_at(3).unwrap();
        assert_eq!(sal::ExportedSessionKey::from_base64(&exported).unwrap().to_base64(), exported);
        for importer in [&SALAMANDER, &LIBOLM] {
            let mut imported = (importer.import)(&exported).unwrap();
            assert_eq!(imported.export_at(3).unwrap(), exported);
        }
    }

    // In R_0, in R_3, in the signature's R and in its S.
    for at in [5 + 3, 5 + 100, 165 + 7, 228] {
        let tampered = base64_encode(flip(&key_bytes, at));
        let error = sal::SessionKey::from_base64(&tampered).map(|_| ()).unwrap_err();
        assert!(
            matches!(error, sal::SessionKeyDecodeError::Signature(_)),
            "salamander, byte {at}: {error:?}"
        );
        assert_eq!((LIBOLM.inbound)(&tampered).map(|_| ()).unwrap_err(), "BAD_SIGNATURE");
        assert!((SALAMANDER.inbound)(&tampered).is_err());
    }
}

/// Case 7: plaintexts of every size in [`SIZES`], in order and then reversed.
fn plaintext_sizes(sender: &Library, receiver: &Library) {
    let (mut outbound, mut inbound, _) = pair(sender, receiver);
    let batch: Vec<Sent> = SIZES.iter().map(|&size| send(&mut *outbound, bytes(size, 9))).collect();
    for (sent, size) in batch.iter().zip(SIZES) {
        let message = sal::MegolmMessage::from_bytes(&sent.bytes).unwrap();
        assert_eq!(message.ciphertext().len(), (size / 16 + 1) * 16, "PKCS#7 padding");
        assert_eq!(message.mac().len(), MAC_LENGTH);
    }
    deliver(&mut *inbound, &batch);
    deliver(&mut *inbound, batch.iter().rev());
}

/// Case 8: copies of a message with one bit flipped in the ciphertext, the MAC or the signature
/// are refused (on the signature), and so are copies re-signed with the sender's key (on the
/// MAC; one has its index changed from 0 to 2). Each refusal leaves an imported receiver
/// unverified (and salamander's state unchanged); then the genuine messages decrypt.
fn tampered_message_rejected(sender: &Library, receiver: &Library) {
    let mut outbound = (sender.outbound)();
    let key = outbound.session_key();
    let seed = outbound.signing_seed();
    let exported = (sender.inbound)(&key).unwrap().export_at(0).unwrap();
    let batch = encrypt_batch(&mut *outbound, "tamper", 3);
    let genuine = &batch[0].bytes;
    assert_eq!(&resign(genuine.clone(), &seed), genuine, "the seed signs the messages");

    // The index, the first and last bytes of the ciphertext and of the MAC; for the unsigned
    // copies also the first and last bytes of the signature.
    let (ciphertext, mac) = layout(genuine);
    let covered = [2, ciphertext.start, ciphertext.end - 1, mac.start, mac.end - 1];
    let signature = [mac.end, genuine.len() - 1];
    let unsigned: Vec<_> = covered.iter().chain(&signature).map(|&at| flip(genuine, at)).collect();
    let resigned: Vec<_> = covered.iter().map(|&at| resign(flip(genuine, at), &seed)).collect();

    for mut inbound in [(receiver.import)(&exported).unwrap(), (receiver.inbound)(&key).unwrap()] {
        for tampered in &unsigned {
            refuse(&mut *inbound, tampered, &Failure::Signature);
        }
        for tampered in &resigned {
            refuse(&mut *inbound, tampered, &Failure::Mac);
        }
        deliver(&mut *inbound, &batch[..1]);
        assert!(inbound.is_verified());
        for tampered in &resigned {
            refuse(&mut *inbound, tampered, &Failure::Mac);
        }
        deliver(&mut *inbound, batch.iter().rev());
    }
}

// ---------------------------------------------------------------------------------------------
// The tests: `salamander_to_libolm_*` has salamander as the sender, `libolm_to_salamander_*`
// has libolm as the sender.

#[test]
fn salamander_to_libolm_in_order_reversed_shuffled() {
    in_order_reversed_shuffled(&SALAMANDER, &LIBOLM);
}

#[test]
fn libolm_to_salamander_in_order_reversed_shuffled() {
    in_order_reversed_shuffled(&LIBOLM, &SALAMANDER);
}

#[test]
fn salamander_to_libolm_session_key_shared_late() {
    session_key_shared_late(&SALAMANDER, &LIBOLM);
}

#[test]
fn libolm_to_salamander_session_key_shared_late() {
    session_key_shared_late(&LIBOLM, &SALAMANDER);
}

#[test]
fn salamander_to_libolm_exported_key_imported() {
    exported_key_imported(&SALAMANDER, &LIBOLM);
}

#[test]
fn libolm_to_salamander_exported_key_imported() {
    exported_key_imported(&LIBOLM, &SALAMANDER);
}

#[test]
fn salamander_to_libolm_jump_2_pow_20() {
    jump_2_pow_20(&SALAMANDER, &LIBOLM);
}

#[test]
fn libolm_to_salamander_jump_2_pow_20() {
    jump_2_pow_20(&LIBOLM, &SALAMANDER);
}

#[test]
fn salamander_to_libolm_compare_and_merge() {
    compare_and_merge(&SALAMANDER, &LIBOLM);
}

#[test]
fn libolm_to_salamander_compare_and_merge() {
    compare_and_merge(&LIBOLM, &SALAMANDER);
}

#[test]
fn salamander_to_libolm_session_ids_and_keys() {
    session_ids_and_keys(&SALAMANDER, &LIBOLM);
}

#[test]
fn libolm_to_salamander_session_ids_and_keys() {
    session_ids_and_keys(&LIBOLM, &SALAMANDER);
}

#[test]
fn salamander_to_libolm_plaintext_sizes() {
    plaintext_sizes(&SALAMANDER, &LIBOLM);
}

#[test]
fn libolm_to_salamander_plaintext_sizes() {
    plaintext_sizes(&LIBOLM, &SALAMANDER);
}

#[test]
fn salamander_to_libolm_tampered_message_rejected() {
    tampered_message_rejected(&SALAMANDER, &LIBOLM);
}

#[test]
fn libolm_to_salamander_tampered_message_rejected() {
    tampered_message_rejected(&LIBOLM, &SALAMANDER);
}

/// libolm reads only version 1: a salamander version 2 message is refused.
#[cfg(feature = "experimental-session-config")]
#[test]
fn salamander_to_libolm_version_2_refused() {
    let mut outbound = sal::GroupSession::new(sal::SessionConfig::version_2());
    let mut inbound =
        libolm::InboundGroupSession::new(&outbound.session_key().to_base64()).unwrap();
    let message = outbound.encrypt(b"version 2").to_base64();
    assert_eq!(inbound.decrypt(&message).unwrap_err().0, "BAD_MESSAGE_VERSION");
}

// ---------------------------------------------------------------------------------------------
// Byte-exact: the same 160 random bytes make the same session in both libraries

/// Replays fixed bytes as randomness; panics when they run out.
struct ReplayRng<'a> {
    bytes: &'a [u8],
    used: usize,
}

impl TryRng for ReplayRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        let end = self.used + dst.len();
        assert!(end <= self.bytes.len(), "the replayed randomness ran out");
        dst.copy_from_slice(&self.bytes[self.used..end]);
        self.used = end;
        Ok(())
    }
}

impl TryCryptoRng for ReplayRng<'_> {}

/// `GroupSession::new_with_rng` fed libolm's 160 random bytes gives libolm's session id and
/// session keys, and encrypts byte-identically (Megolm encryption is deterministic).
fn same_random_same_session(random: &[u8; 160]) {
    assert_eq!(libolm::OutboundGroupSession::new_random_length(), 160);
    let mut theirs = libolm::OutboundGroupSession::new_with_random(random).unwrap();
    let mut rng = ReplayRng { bytes: random, used: 0 };
    let mut ours = sal::GroupSession::new_with_rng(sal::SessionConfig::version_1(), &mut rng);
    assert_eq!(rng.used, 160, "salamander draws exactly libolm's 160 bytes");

    assert_eq!(ours.session_id(), theirs.session_id());
    assert_eq!(ours.session_key().to_base64(), theirs.session_key());
    assert_eq!(base64_decode(theirs.session_key()).unwrap()[5..133], random[..128]);
    let plaintexts = [
        b"".to_vec(),
        b"a".to_vec(),
        b"{\"type\":\"m.room.message\",\"content\":{\"body\":\"hello\"}}".to_vec(),
        bytes(15, 1),
        bytes(16, 2),
        bytes(17, 3),
        bytes(4096, 4),
    ];
    for plaintext in &plaintexts {
        let index = ours.message_index();
        assert_eq!(
            ours.encrypt(plaintext).to_base64(),
            theirs.encrypt(plaintext).unwrap(),
            "message {index}"
        );
        assert_eq!(ours.message_index(), theirs.message_index());
        assert_eq!(ours.session_key().to_base64(), theirs.session_key(), "key at {index}");
    }
}

#[test]
fn salamander_and_libolm_same_random_identical_sessions() {
    same_random_same_session(&std::array::from_fn(|i| (i as u8).wrapping_mul(167) ^ 0x5A));
    same_random_same_session(&[0u8; 160]);
    same_random_same_session(&[0xFF; 160]);
}
