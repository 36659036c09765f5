//! Live Megolm interoperability between salamander and vodozemac 0.11.1.
//!
//! Every scenario is written once, generically over two [`Library`]s, and run in both
//! directions: `salamander_to_vodozemac_*` has a salamander [`GroupSession`](sal::GroupSession)
//! sending to a vodozemac inbound session, `vodozemac_to_salamander_*` the reverse. Messages
//! cross between the libraries only as bytes and keys only as base64, as in `m.room.encrypted`
//! events and `m.room_key` / `m.forwarded_room_key` contents; pickles cross as the JSON both
//! libraries share.

#![cfg(test)]

use salamander::megolm as sal;
use salamander::{base64_decode, base64_encode};
use serde_json::{json, Value};
use vodozemac::megolm as vz;

/// Messages per batch.
const N: u32 = 24;

/// The index of the jump scenario.
const JUMP: u32 = 1 << 20;

/// Plaintext sizes around the AES block size, and a large one.
const SIZES: [usize; 6] = [0, 1, 15, 16, 17, 4096];

/// Length of an Ed25519 signature, which ends every Megolm message.
const SIGNATURE_LENGTH: usize = 64;

/// The Megolm session version used by both sides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Version {
    V1,
    #[cfg(feature = "experimental-session-config")]
    V2,
}

impl Version {
    fn salamander(self) -> sal::SessionConfig {
        match self {
            Version::V1 => sal::SessionConfig::version_1(),
            #[cfg(feature = "experimental-session-config")]
            Version::V2 => sal::SessionConfig::version_2(),
        }
    }

    fn vodozemac(self) -> vz::SessionConfig {
        match self {
            Version::V1 => vz::SessionConfig::version_1(),
            #[cfg(feature = "experimental-session-config")]
            Version::V2 => vz::SessionConfig::version_2(),
        }
    }

    /// The version byte of the messages.
    fn message_version(self) -> u8 {
        match self {
            Version::V1 => 3,
            #[cfg(feature = "experimental-session-config")]
            Version::V2 => 4,
        }
    }

    fn mac_length(self) -> usize {
        match self {
            Version::V1 => 8,
            #[cfg(feature = "experimental-session-config")]
            Version::V2 => 32,
        }
    }
}

/// Why a message was refused, in terms both libraries share.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Failure {
    /// Before the first known index: `(first known index, message index)`.
    UnknownIndex(u32, u32),
    Signature,
    Mac,
    /// The other version's MAC: `(expected, got)`.
    MacLength(usize, usize),
    Other(String),
}

/// How two inbound sessions relate, in terms both libraries share.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ordering {
    Equal,
    Better,
    Worse,
    Unconnected,
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
    /// The unencrypted pickle (the JSON layout both libraries share).
    fn pickle(&self) -> Value;
}

/// The receiving side of a Megolm session, from either library.
trait Inbound {
    fn name(&self) -> &'static str;
    /// The plaintext and the message index.
    fn decrypt(&mut self, message: &[u8]) -> Result<(Vec<u8>, u32), Failure>;
    fn first_known_index(&self) -> u32;
    /// The exported (unsigned) key at `index`, base64.
    fn export_at(&mut self, index: u32) -> Option<String>;
    /// `None` where the library does not expose it.
    fn is_verified(&self) -> Option<bool>;
    fn session_id(&self) -> String;
    /// The whole persistent state (the pickle as JSON).
    fn state(&self) -> String;
    /// Imports `exported` into this library and compares both ways:
    /// `(self.compare(import), import.compare(self))`.
    fn compare_with_import(&mut self, exported: &str) -> (Ordering, Ordering);
    /// Imports `exported` into this library and merges both ways:
    /// `(self.merge(import), import.merge(self))`.
    fn merge_with_import(&mut self, exported: &str) -> (Box<dyn Inbound>, Box<dyn Inbound>);
}

/// Makes an inbound session from a base64 key, or says why not.
type NewInbound = fn(&str, Version) -> Result<Box<dyn Inbound>, String>;

/// The constructors of one library.
struct Library {
    outbound: fn(Version) -> Box<dyn Outbound>,
    outbound_from_pickle: fn(Value) -> Box<dyn Outbound>,
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

    fn pickle(&self) -> Value {
        serde_json::to_value(self.0.pickle()).unwrap()
    }
}

struct SalamanderInbound {
    session: sal::InboundGroupSession,
    version: Version,
}

impl SalamanderInbound {
    fn boxed(session: sal::InboundGroupSession, version: Version) -> Box<dyn Inbound> {
        Box::new(Self { session, version })
    }

    fn import(&self, exported: &str) -> sal::InboundGroupSession {
        let key = sal::ExportedSessionKey::from_base64(exported).unwrap();
        sal::InboundGroupSession::import(&key, self.version.salamander())
    }
}

fn salamander_ordering(ordering: sal::SessionOrdering) -> Ordering {
    match ordering {
        sal::SessionOrdering::Equal => Ordering::Equal,
        sal::SessionOrdering::Better => Ordering::Better,
        sal::SessionOrdering::Worse => Ordering::Worse,
        sal::SessionOrdering::Unconnected => Ordering::Unconnected,
    }
}

impl Inbound for SalamanderInbound {
    fn name(&self) -> &'static str {
        "salamander"
    }

    fn decrypt(&mut self, message: &[u8]) -> Result<(Vec<u8>, u32), Failure> {
        let message = sal::MegolmMessage::from_bytes(message)
            .map_err(|e| Failure::Other(format!("decode: {e}")))?;
        match self.session.decrypt(&message) {
            Ok(decrypted) => Ok((decrypted.plaintext, decrypted.message_index)),
            Err(sal::DecryptionError::UnknownMessageIndex(first, index)) => {
                Err(Failure::UnknownIndex(first, index))
            }
            Err(sal::DecryptionError::Signature(_)) => Err(Failure::Signature),
            Err(sal::DecryptionError::InvalidMAC(_)) => Err(Failure::Mac),
            Err(sal::DecryptionError::InvalidMACLength(expected, got)) => {
                Err(Failure::MacLength(expected, got))
            }
            Err(e) => Err(Failure::Other(e.to_string())),
        }
    }

    fn first_known_index(&self) -> u32 {
        self.session.first_known_index()
    }

    fn export_at(&mut self, index: u32) -> Option<String> {
        self.session.export_at(index).map(|key| key.to_base64())
    }

    fn is_verified(&self) -> Option<bool> {
        Some(self.session.is_verified())
    }

    fn session_id(&self) -> String {
        self.session.session_id()
    }

    fn state(&self) -> String {
        serde_json::to_string(&self.session.pickle()).unwrap()
    }

    fn compare_with_import(&mut self, exported: &str) -> (Ordering, Ordering) {
        let mut other = self.import(exported);
        (
            salamander_ordering(self.session.compare(&mut other)),
            salamander_ordering(other.compare(&mut self.session)),
        )
    }

    fn merge_with_import(&mut self, exported: &str) -> (Box<dyn Inbound>, Box<dyn Inbound>) {
        let mut other = self.import(exported);
        let ours = self.session.merge(&mut other).expect("salamander merge");
        let theirs = other.merge(&mut self.session).expect("salamander merge");
        (Self::boxed(ours, self.version), Self::boxed(theirs, self.version))
    }
}

const SALAMANDER: Library = Library {
    outbound: |version| Box::new(SalamanderOutbound(sal::GroupSession::new(version.salamander()))),
    outbound_from_pickle: |pickle| {
        let pickle: sal::GroupSessionPickle = serde_json::from_value(pickle).unwrap();
        Box::new(SalamanderOutbound(sal::GroupSession::from_pickle(pickle)))
    },
    inbound: |key, version| {
        let key = sal::SessionKey::from_base64(key).map_err(|e| e.to_string())?;
        let session = sal::InboundGroupSession::new(&key, version.salamander());
        Ok(SalamanderInbound::boxed(session, version))
    },
    import: |key, version| {
        let key = sal::ExportedSessionKey::from_base64(key).map_err(|e| e.to_string())?;
        let session = sal::InboundGroupSession::import(&key, version.salamander());
        Ok(SalamanderInbound::boxed(session, version))
    },
};

// ---------------------------------------------------------------------------------------------
// vodozemac

struct VodozemacOutbound(vz::GroupSession);

impl Outbound for VodozemacOutbound {
    fn name(&self) -> &'static str {
        "vodozemac"
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

    fn pickle(&self) -> Value {
        serde_json::to_value(self.0.pickle()).unwrap()
    }
}

struct VodozemacInbound {
    session: vz::InboundGroupSession,
    version: Version,
}

impl VodozemacInbound {
    fn boxed(session: vz::InboundGroupSession, version: Version) -> Box<dyn Inbound> {
        Box::new(Self { session, version })
    }

    fn import(&self, exported: &str) -> vz::InboundGroupSession {
        let key = vz::ExportedSessionKey::from_base64(exported).unwrap();
        vz::InboundGroupSession::import(&key, self.version.vodozemac())
    }
}

fn vodozemac_ordering(ordering: vz::SessionOrdering) -> Ordering {
    match ordering {
        vz::SessionOrdering::Equal => Ordering::Equal,
        vz::SessionOrdering::Better => Ordering::Better,
        vz::SessionOrdering::Worse => Ordering::Worse,
        vz::SessionOrdering::Unconnected => Ordering::Unconnected,
    }
}

impl Inbound for VodozemacInbound {
    fn name(&self) -> &'static str {
        "vodozemac"
    }

    fn decrypt(&mut self, message: &[u8]) -> Result<(Vec<u8>, u32), Failure> {
        let message = vz::MegolmMessage::from_bytes(message)
            .map_err(|e| Failure::Other(format!("decode: {e}")))?;
        match self.session.decrypt(&message) {
            Ok(decrypted) => Ok((decrypted.plaintext, decrypted.message_index)),
            Err(vz::DecryptionError::UnknownMessageIndex(first, index)) => {
                Err(Failure::UnknownIndex(first, index))
            }
            Err(vz::DecryptionError::Signature(_)) => Err(Failure::Signature),
            Err(vz::DecryptionError::InvalidMAC(_)) => Err(Failure::Mac),
            Err(vz::DecryptionError::InvalidMACLength(expected, got)) => {
                Err(Failure::MacLength(expected, got))
            }
            Err(e) => Err(Failure::Other(e.to_string())),
        }
    }

    fn first_known_index(&self) -> u32 {
        self.session.first_known_index()
    }

    fn export_at(&mut self, index: u32) -> Option<String> {
        self.session.export_at(index).map(|key| key.to_base64())
    }

    /// vodozemac 0.11.1 has no getter (its pickle keeps the flag, but `decrypt` never sets it).
    fn is_verified(&self) -> Option<bool> {
        None
    }

    fn session_id(&self) -> String {
        self.session.session_id()
    }

    fn state(&self) -> String {
        serde_json::to_string(&self.session.pickle()).unwrap()
    }

    fn compare_with_import(&mut self, exported: &str) -> (Ordering, Ordering) {
        let mut other = self.import(exported);
        (
            vodozemac_ordering(self.session.compare(&mut other)),
            vodozemac_ordering(other.compare(&mut self.session)),
        )
    }

    fn merge_with_import(&mut self, exported: &str) -> (Box<dyn Inbound>, Box<dyn Inbound>) {
        let mut other = self.import(exported);
        let ours = self.session.merge(&mut other).expect("vodozemac merge");
        let theirs = other.merge(&mut self.session).expect("vodozemac merge");
        (Self::boxed(ours, self.version), Self::boxed(theirs, self.version))
    }
}

const VODOZEMAC: Library = Library {
    outbound: |version| Box::new(VodozemacOutbound(vz::GroupSession::new(version.vodozemac()))),
    outbound_from_pickle: |pickle| {
        let pickle: vz::GroupSessionPickle = serde_json::from_value(pickle).unwrap();
        Box::new(VodozemacOutbound(vz::GroupSession::from_pickle(pickle)))
    },
    inbound: |key, version| {
        let key = vz::SessionKey::from_base64(key).map_err(|e| e.to_string())?;
        let session = vz::InboundGroupSession::new(&key, version.vodozemac());
        Ok(VodozemacInbound::boxed(session, version))
    },
    import: |key, version| {
        let key = vz::ExportedSessionKey::from_base64(key).map_err(|e| e.to_string())?;
        let session = vz::InboundGroupSession::import(&key, version.vodozemac());
        Ok(VodozemacInbound::boxed(session, version))
    },
};

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
fn send(sender: &mut dyn Outbound, plaintext: Vec<u8>, version: Version) -> Sent {
    let index = sender.message_index();
    let bytes = sender.encrypt(&plaintext);
    assert_eq!(bytes[0], version.message_version(), "{} message version", sender.name());
    assert_eq!(sender.message_index(), index.wrapping_add(1));
    Sent { bytes, plaintext, index }
}

/// Encrypts `count` messages labelled with the sender, `tag` and the index.
fn encrypt_batch(sender: &mut dyn Outbound, tag: &str, count: u32, version: Version) -> Vec<Sent> {
    (0..count)
        .map(|_| {
            let plaintext =
                format!("{} {tag} #{}", sender.name(), sender.message_index()).into_bytes();
            send(sender, plaintext, version)
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

/// `receiver` refuses `message` with `expected` and its state is unchanged.
fn refuse(receiver: &mut dyn Inbound, message: &[u8], expected: &Failure) {
    let (state, verified) = (receiver.state(), receiver.is_verified());
    let failure = receiver.decrypt(message).expect_err("the message must be refused");
    assert_eq!(&failure, expected, "{} refused for the wrong reason", receiver.name());
    assert_eq!(receiver.state(), state, "a refused message must not change {}", receiver.name());
    assert_eq!(receiver.is_verified(), verified);
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

/// The Ed25519 seed in an outbound pickle (`"signing_key": {"Normal": [32 bytes]}`).
fn signing_seed(pickle: &Value) -> [u8; 32] {
    let seed: Vec<u8> = serde_json::from_value(pickle["signing_key"]["Normal"].clone()).unwrap();
    seed.try_into().unwrap()
}

/// Replaces the signature of `message` by one made with `seed`, as the sender would.
fn resign(mut message: Vec<u8>, seed: &[u8; 32]) -> Vec<u8> {
    let split = message.len() - SIGNATURE_LENGTH;
    let signature = salamander::Ed25519SecretKey::from_slice(seed).sign(&message[..split]);
    message[split..].copy_from_slice(&signature.to_bytes());
    message
}

/// Where the ciphertext and the MAC of a short message (one-byte index and length) are.
fn layout(message: &[u8], version: Version) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
    assert_eq!(message[1], 0x08, "index tag");
    assert!(message[2] < 0x80, "a one-byte index");
    assert_eq!(message[3], 0x12, "ciphertext tag");
    let length = usize::from(message[4]);
    assert!(length < 0x80, "a one-byte length");
    let ciphertext = 5..5 + length;
    let mac = ciphertext.end..ciphertext.end + version.mac_length();
    assert_eq!(mac.end + SIGNATURE_LENGTH, message.len(), "the signature ends the message");
    (ciphertext, mac)
}

/// A new sender, a receiver from its first session key, and that key.
fn pair(
    sender: &Library,
    receiver: &Library,
    version: Version,
) -> (Box<dyn Outbound>, Box<dyn Inbound>, String) {
    let outbound = (sender.outbound)(version);
    let key = outbound.session_key();
    let inbound = (receiver.inbound)(&key, version).unwrap();
    (outbound, inbound, key)
}

// ---------------------------------------------------------------------------------------------
// Scenarios, each run in both directions

/// Case 1: `N` messages decrypted in order, then last to first, then shuffled; a second
/// receiver gets the shuffled order first.
fn in_order_reversed_shuffled(sender: &Library, receiver: &Library, version: Version) {
    let (mut outbound, mut inbound, key) = pair(sender, receiver, version);
    let batch = encrypt_batch(&mut *outbound, "ordering", N, version);
    assert!(batch.iter().enumerate().all(|(i, sent)| sent.index == i as u32));
    deliver(&mut *inbound, &batch);
    deliver(&mut *inbound, batch.iter().rev());
    let mut shuffled = batch.clone();
    shuffle(&mut shuffled, 0x5EED);
    assert_ne!(shuffled, batch, "the shuffle must change the order");
    deliver(&mut *inbound, &shuffled);

    let mut fresh = (receiver.inbound)(&key, version).unwrap();
    deliver(&mut *fresh, &shuffled);
    deliver(&mut *fresh, batch.iter().rev());
}

/// Case 2: the session key is shared after `K` messages: later messages decrypt, earlier ones
/// fail with the unknown-index error and change nothing.
fn session_key_shared_late(sender: &Library, receiver: &Library, version: Version) {
    const K: u32 = 5;
    let mut outbound = (sender.outbound)(version);
    let early = encrypt_batch(&mut *outbound, "early", K, version);
    let key = outbound.session_key();
    assert_eq!(u32::from_be_bytes(base64_decode(&key).unwrap()[1..5].try_into().unwrap()), K);
    let mut inbound = (receiver.inbound)(&key, version).unwrap();
    assert_eq!(inbound.first_known_index(), K);
    let mut late = encrypt_batch(&mut *outbound, "late", N, version);
    shuffle(&mut late, 0xC0FFEE);
    deliver(&mut *inbound, &late);
    for sent in early.iter().rev() {
        refuse(&mut *inbound, &sent.bytes, &Failure::UnknownIndex(K, sent.index));
    }
    assert_eq!(inbound.export_at(K - 1), None, "nothing before the first known index");
    deliver(&mut *inbound, late.iter().rev());
}

/// Case 3: the sender's library receives the session and exports it at `K`; the other library
/// imports the export. It decrypts from `K` on and nothing before; the import starts unverified
/// and is verified by its first successful decryption; its own export at `K` is the same key.
fn exported_key_imported(sender: &Library, receiver: &Library, version: Version) {
    const K: u32 = 7;
    let mut outbound = (sender.outbound)(version);
    let mut exporter = (sender.inbound)(&outbound.session_key(), version).unwrap();
    let batch = encrypt_batch(&mut *outbound, "exported", N, version);
    deliver(&mut *exporter, &batch[..3]);
    let exported = exporter.export_at(K).unwrap();
    assert_eq!(parse_export(&exported, &outbound.session_id()).0, K);

    let mut imported = (receiver.import)(&exported, version).unwrap();
    assert_eq!(imported.first_known_index(), K);
    assert_eq!(imported.session_id(), outbound.session_id());
    assert_ne!(imported.is_verified(), Some(true), "an import starts unverified");
    for sent in batch[..K as usize].iter().rev() {
        refuse(&mut *imported, &sent.bytes, &Failure::UnknownIndex(K, sent.index));
    }
    assert_ne!(imported.is_verified(), Some(true), "a refused message verifies nothing");
    deliver(&mut *imported, &batch[K as usize..]);
    assert_ne!(imported.is_verified(), Some(false), "a decryption verifies the import");
    assert_eq!(imported.export_at(K).as_deref(), Some(&*exported), "the same key re-exported");
    assert_eq!(imported.export_at(K - 1), None);
    deliver(&mut *exporter, batch.iter().rev());
}

/// Case 4: a jump of 2^20 indices. Neither library can advance an outbound session, so the
/// sender's pickle is edited to the ratchet at 2^20, which the sender's own library computes
/// (an inbound session of the sender's library exports it): the receiving library's derivation
/// is checked against an independent one. Then index 0, older than the latest, still decrypts.
fn jump_2_pow_20(sender: &Library, receiver: &Library) {
    let version = Version::V1;
    let (mut outbound, mut inbound, key) = pair(sender, receiver, version);
    let first = encrypt_batch(&mut *outbound, "before the jump", 1, version);

    let mut own = (sender.inbound)(&key, version).unwrap();
    let exported = own.export_at(JUMP).unwrap();
    let (index, ratchet) = parse_export(&exported, &outbound.session_id());
    assert_eq!(index, JUMP);
    let mut pickle = outbound.pickle();
    assert_eq!(pickle["ratchet"]["counter"], json!(1));
    assert_eq!(pickle["ratchet"]["inner"].as_array().map(Vec::len), Some(128));
    pickle["ratchet"]["inner"] = json!(ratchet);
    pickle["ratchet"]["counter"] = json!(JUMP);
    let mut jumped = (sender.outbound_from_pickle)(pickle);
    assert_eq!(jumped.message_index(), JUMP);
    assert_eq!(jumped.session_id(), outbound.session_id());

    let far = encrypt_batch(&mut *jumped, "after the jump", 3, version);
    assert_eq!(far[0].index, JUMP);
    deliver(&mut *inbound, &far);
    deliver(&mut *inbound, &first);
    deliver(&mut *inbound, far.iter().rev());
    assert_eq!(inbound.export_at(JUMP), Some(exported), "both libraries' ratchet at 2^20");
    deliver(&mut *own, far.iter().chain(&first));

    // A session key shared after the jump starts there.
    let mut late = (receiver.inbound)(&jumped.session_key(), version).unwrap();
    assert_eq!(late.first_known_index(), JUMP + 3);
    let last = encrypt_batch(&mut *jumped, "late", 1, version);
    deliver(&mut *late, &last);
    refuse(&mut *late, &far[2].bytes, &Failure::UnknownIndex(JUMP + 3, JUMP + 2));
    deliver(&mut *inbound, &last);
}

/// Case 5: the receiving library compares and merges a session with its own exports (equal at
/// the first known index, better than a later one; a merge keeps the lower index), and with
/// the sender library's exports of the same session (byte-identical, so the same orderings).
fn compare_and_merge(sender: &Library, receiver: &Library) {
    const K: u32 = 7;
    let version = Version::V1;
    let (mut outbound, mut inbound, key) = pair(sender, receiver, version);
    let batch = encrypt_batch(&mut *outbound, "merge", 10, version);

    let own_first = inbound.export_at(0).unwrap();
    let own_later = inbound.export_at(K).unwrap();
    assert_eq!(inbound.compare_with_import(&own_first), (Ordering::Equal, Ordering::Equal));
    assert_eq!(inbound.compare_with_import(&own_later), (Ordering::Better, Ordering::Worse));
    for merged in [inbound.merge_with_import(&own_first), inbound.merge_with_import(&own_later)] {
        for mut merged in [merged.0, merged.1] {
            assert_eq!(merged.first_known_index(), 0, "a merge keeps the lower index");
            assert_ne!(merged.is_verified(), Some(false), "verified if either side was");
            deliver(&mut *merged, &batch);
        }
    }

    let mut theirs = (sender.inbound)(&key, version).unwrap();
    let their_first = theirs.export_at(0).unwrap();
    let their_later = theirs.export_at(K).unwrap();
    assert_eq!(their_first, own_first, "both libraries export the same key");
    assert_eq!(their_later, own_later);
    assert_eq!(inbound.compare_with_import(&their_first), (Ordering::Equal, Ordering::Equal));
    assert_eq!(inbound.compare_with_import(&their_later), (Ordering::Better, Ordering::Worse));
    let (mut merged, _) = inbound.merge_with_import(&their_later);
    assert_eq!(merged.first_known_index(), 0);
    deliver(&mut *merged, &batch);

    // Another session, and a forged export of this one (its ratchet altered), are unconnected.
    let other = (sender.outbound)(version);
    let other_export =
        (sender.inbound)(&other.session_key(), version).unwrap().export_at(0).unwrap();
    assert_eq!(
        inbound.compare_with_import(&other_export),
        (Ordering::Unconnected, Ordering::Unconnected)
    );
    let forged = base64_encode(flip(&base64_decode(&their_later).unwrap(), 5 + 40));
    assert_eq!(
        inbound.compare_with_import(&forged),
        (Ordering::Unconnected, Ordering::Unconnected)
    );
}

/// Case 6: equal session ids; the sender's session keys (and the export of its library) parse
/// in both libraries and re-encode identically; a session key with one byte changed in the
/// ratchet or in the signature is refused by both (salamander with
/// `SessionKeyDecodeError::Signature`), and no inbound session is made from it.
fn session_ids_and_keys(sender: &Library, receiver: &Library) {
    let version = Version::V1;
    let (mut outbound, inbound, _) = pair(sender, receiver, version);
    assert_eq!(inbound.session_id(), outbound.session_id());
    encrypt_batch(&mut *outbound, "keys", 3, version);

    let key = outbound.session_key();
    let key_bytes = base64_decode(&key).unwrap();
    assert_eq!(key_bytes.len(), 229);
    assert_eq!(key_bytes[0], 2, "session key version");
    assert_eq!(key_bytes[1..5], 3u32.to_be_bytes());
    assert_eq!(base64_encode(&key_bytes[133..165]), outbound.session_id());
    assert_eq!(sal::SessionKey::from_base64(&key).unwrap().to_base64(), key);
    assert_eq!(vz::SessionKey::from_base64(&key).unwrap().to_base64(), key);
    let later = (receiver.inbound)(&key, version).unwrap();
    assert_eq!(later.session_id(), outbound.session_id());
    assert_eq!(later.first_known_index(), 3);

    let exported = (sender.inbound)(&key, version).unwrap().export_at(3).unwrap();
    assert_eq!(sal::ExportedSessionKey::from_base64(&exported).unwrap().to_base64(), exported);
    assert_eq!(vz::ExportedSessionKey::from_base64(&exported).unwrap().to_base64(), exported);

    // In R_0, in R_3, in the signature's R and in its S.
    for at in [5 + 3, 5 + 100, 165 + 7, 228] {
        let tampered = base64_encode(flip(&key_bytes, at));
        let error = sal::SessionKey::from_base64(&tampered).map(|_| ()).unwrap_err();
        assert!(
            matches!(error, sal::SessionKeyDecodeError::Signature(_)),
            "salamander, byte {at}: {error:?}"
        );
        let error = vz::SessionKey::from_base64(&tampered).map(|_| ()).unwrap_err();
        assert!(
            matches!(error, vz::SessionKeyDecodeError::Signature(_)),
            "vodozemac, byte {at}: {error:?}"
        );
        assert!((receiver.inbound)(&tampered, version).is_err());
        assert!((sender.inbound)(&tampered, version).is_err());
    }
}

/// Case 7: plaintexts of every size in [`SIZES`], in order and then reversed.
fn plaintext_sizes(sender: &Library, receiver: &Library, version: Version) {
    let (mut outbound, mut inbound, _) = pair(sender, receiver, version);
    let batch: Vec<Sent> =
        SIZES.iter().map(|&size| send(&mut *outbound, bytes(size, 9), version)).collect();
    for (sent, size) in batch.iter().zip(SIZES) {
        let message = sal::MegolmMessage::from_bytes(&sent.bytes).unwrap();
        assert_eq!(message.ciphertext().len(), (size / 16 + 1) * 16, "PKCS#7 padding");
        assert_eq!(message.mac().len(), version.mac_length());
    }
    deliver(&mut *inbound, &batch);
    deliver(&mut *inbound, batch.iter().rev());
}

/// Case 8: copies of a message with one bit flipped in the ciphertext, the MAC or the signature
/// are refused (on the signature), and so are copies re-signed with the sender's key (on the
/// MAC; one has its index changed from 0 to 2). Each refusal leaves the receiver unchanged,
/// and an imported receiver unverified; then the genuine messages decrypt.
fn tampered_message_rejected(sender: &Library, receiver: &Library, version: Version) {
    let mut outbound = (sender.outbound)(version);
    let key = outbound.session_key();
    let seed = signing_seed(&outbound.pickle());
    let exported = (sender.inbound)(&key, version).unwrap().export_at(0).unwrap();
    let batch = encrypt_batch(&mut *outbound, "tamper", 3, version);
    let genuine = &batch[0].bytes;
    assert_eq!(&resign(genuine.clone(), &seed), genuine, "the seed signs the messages");

    let (ciphertext, mac) = layout(genuine, version);
    // The index, the first and last bytes of the ciphertext and of the MAC; for the unsigned
    // copies also the first and last bytes of the signature.
    let covered = [2, ciphertext.start, ciphertext.end - 1, mac.start, mac.end - 1];
    let signature = [mac.end, genuine.len() - 1];
    let unsigned: Vec<_> = covered.iter().chain(&signature).map(|&at| flip(genuine, at)).collect();
    let resigned: Vec<_> = covered.iter().map(|&at| resign(flip(genuine, at), &seed)).collect();

    let receivers = [
        (receiver.import)(&exported, version).unwrap(),
        (receiver.inbound)(&key, version).unwrap(),
    ];
    for mut inbound in receivers {
        for tampered in &unsigned {
            refuse(&mut *inbound, tampered, &Failure::Signature);
        }
        for tampered in &resigned {
            refuse(&mut *inbound, tampered, &Failure::Mac);
        }
        deliver(&mut *inbound, &batch[..1]);
        assert_ne!(inbound.is_verified(), Some(false));
        for tampered in &resigned {
            refuse(&mut *inbound, tampered, &Failure::Mac);
        }
        deliver(&mut *inbound, batch.iter().rev());
    }
}

/// Case 9: a version 2 session (message version 4, 32-byte MACs) works both ways; the
/// ordering, size and tampering scenarios run in version 2.
#[cfg(feature = "experimental-session-config")]
fn version_2(sender: &Library, receiver: &Library) {
    in_order_reversed_shuffled(sender, receiver, Version::V2);
    plaintext_sizes(sender, receiver, Version::V2);
    tampered_message_rejected(sender, receiver, Version::V2);
}

/// Case 9: a version 2 message is refused by a version 1 inbound session for the same session
/// key (on its MAC length), and a version 1 message by a version 2 session.
#[cfg(feature = "experimental-session-config")]
fn version_mismatch_refused(sender: &Library, receiver: &Library) {
    for (sent_as, received_as) in [(Version::V2, Version::V1), (Version::V1, Version::V2)] {
        let (mut outbound, mut matching, key) = pair(sender, receiver, sent_as);
        let mut mismatched = (receiver.inbound)(&key, received_as).unwrap();
        let batch = encrypt_batch(&mut *outbound, "mismatch", 3, sent_as);
        let expected = Failure::MacLength(received_as.mac_length(), sent_as.mac_length());
        for sent in &batch {
            refuse(&mut *mismatched, &sent.bytes, &expected);
        }
        deliver(&mut *matching, &batch);
    }
}

/// The same outbound state, pickled by one library and restored by the other, encrypts
/// byte-identically (Megolm encryption is deterministic), and gives the same session key.
fn same_pickle_encrypts_identically(from: &Library, to: &Library, version: Version) {
    let mut original = (from.outbound)(version);
    original.encrypt(b"move the ratchet");
    let mut restored = (to.outbound_from_pickle)(original.pickle());
    assert_eq!(restored.pickle(), original.pickle());
    assert_eq!(restored.session_key(), original.session_key());
    assert_eq!(restored.session_id(), original.session_id());
    for size in SIZES {
        let plaintext = bytes(size, 5);
        assert_eq!(restored.encrypt(&plaintext), original.encrypt(&plaintext), "size {size}");
    }
    assert_eq!(restored.message_index(), original.message_index());
}

// ---------------------------------------------------------------------------------------------
// The tests: `salamander_to_vodozemac_*` has salamander as the sender,
// `vodozemac_to_salamander_*` has vodozemac as the sender.

#[test]
fn salamander_to_vodozemac_in_order_reversed_shuffled() {
    in_order_reversed_shuffled(&SALAMANDER, &VODOZEMAC, Version::V1);
}

#[test]
fn vodozemac_to_salamander_in_order_reversed_shuffled() {
    in_order_reversed_shuffled(&VODOZEMAC, &SALAMANDER, Version::V1);
}

#[test]
fn salamander_to_vodozemac_session_key_shared_late() {
    session_key_shared_late(&SALAMANDER, &VODOZEMAC, Version::V1);
}

#[test]
fn vodozemac_to_salamander_session_key_shared_late() {
    session_key_shared_late(&VODOZEMAC, &SALAMANDER, Version::V1);
}

#[test]
fn salamander_to_vodozemac_exported_key_imported() {
    exported_key_imported(&SALAMANDER, &VODOZEMAC, Version::V1);
}

#[test]
fn vodozemac_to_salamander_exported_key_imported() {
    exported_key_imported(&VODOZEMAC, &SALAMANDER, Version::V1);
}

#[test]
fn salamander_to_vodozemac_jump_2_pow_20() {
    jump_2_pow_20(&SALAMANDER, &VODOZEMAC);
}

#[test]
fn vodozemac_to_salamander_jump_2_pow_20() {
    jump_2_pow_20(&VODOZEMAC, &SALAMANDER);
}

#[test]
fn salamander_to_vodozemac_compare_and_merge() {
    compare_and_merge(&SALAMANDER, &VODOZEMAC);
}

#[test]
fn vodozemac_to_salamander_compare_and_merge() {
    compare_and_merge(&VODOZEMAC, &SALAMANDER);
}

#[test]
fn salamander_to_vodozemac_session_ids_and_keys() {
    session_ids_and_keys(&SALAMANDER, &VODOZEMAC);
}

#[test]
fn vodozemac_to_salamander_session_ids_and_keys() {
    session_ids_and_keys(&VODOZEMAC, &SALAMANDER);
}

#[test]
fn salamander_to_vodozemac_plaintext_sizes() {
    plaintext_sizes(&SALAMANDER, &VODOZEMAC, Version::V1);
}

#[test]
fn vodozemac_to_salamander_plaintext_sizes() {
    plaintext_sizes(&VODOZEMAC, &SALAMANDER, Version::V1);
}

#[test]
fn salamander_to_vodozemac_tampered_message_rejected() {
    tampered_message_rejected(&SALAMANDER, &VODOZEMAC, Version::V1);
}

#[test]
fn vodozemac_to_salamander_tampered_message_rejected() {
    tampered_message_rejected(&VODOZEMAC, &SALAMANDER, Version::V1);
}

#[cfg(feature = "experimental-session-config")]
#[test]
fn salamander_to_vodozemac_version_2() {
    version_2(&SALAMANDER, &VODOZEMAC);
}

#[cfg(feature = "experimental-session-config")]
#[test]
fn vodozemac_to_salamander_version_2() {
    version_2(&VODOZEMAC, &SALAMANDER);
}

#[cfg(feature = "experimental-session-config")]
#[test]
fn salamander_to_vodozemac_version_mismatch_refused() {
    version_mismatch_refused(&SALAMANDER, &VODOZEMAC);
}

#[cfg(feature = "experimental-session-config")]
#[test]
fn vodozemac_to_salamander_version_mismatch_refused() {
    version_mismatch_refused(&VODOZEMAC, &SALAMANDER);
}

#[test]
fn salamander_to_vodozemac_same_pickle_encrypts_identically() {
    same_pickle_encrypts_identically(&SALAMANDER, &VODOZEMAC, Version::V1);
}

#[test]
fn vodozemac_to_salamander_same_pickle_encrypts_identically() {
    same_pickle_encrypts_identically(&VODOZEMAC, &SALAMANDER, Version::V1);
}
