//! Live Olm interoperability between salamander and libolm 3.2.13 (through
//! `salamander-libolm`, a safe wrapper over Debian's libolm).
//!
//! Every scenario is written once, generically over two [`Device`]s, and run in both
//! directions: `salamander_to_libolm_*` has salamander as the initiator (or signer),
//! `libolm_to_salamander_*` has libolm as the initiator. Messages cross between the libraries
//! only as `(type, base64 body)` and keys only as base64, as in `m.room.encrypted` events and
//! key uploads. libolm speaks only version 1 (the Matrix specification's Olm).

#![cfg(test)]

use salamander::olm as sal;
use salamander::{base64_decode, base64_encode};
use salamander_libolm as libolm;

/// An Olm message as it travels: the type (0 pre-key, 1 normal) and the encoded bytes.
type Wire = (usize, Vec<u8>);

/// A message on the wire together with the plaintext the receiver must get back.
type Sent = (Wire, Vec<u8>);

/// The length of a version 1 MAC.
const MAC_LENGTH: usize = 8;

/// One side of an Olm session, from either library.
trait Endpoint {
    fn name(&self) -> &'static str;
    fn encrypt(&mut self, plaintext: &[u8]) -> Wire;
    fn decrypt(&mut self, message: &Wire) -> Result<Vec<u8>, String>;
    fn session_id(&self) -> String;
}

/// An Olm account, from either library.
trait Device {
    fn name(&self) -> &'static str;
    /// The Curve25519 identity key, base64.
    fn identity_key(&self) -> String;
    /// The Ed25519 identity key, base64.
    fn ed25519_key(&self) -> String;
    /// Generates one one-time key, marks it published and returns it (base64).
    fn publish_one_time_key(&mut self) -> String;
    /// Generates a fallback key, marks it published and returns it (base64).
    fn publish_fallback_key(&mut self) -> String;
    fn outbound(&self, identity_key: &str, one_time_key: &str) -> Box<dyn Endpoint>;
    fn inbound(
        &mut self,
        identity_key: &str,
        pre_key: &Wire,
    ) -> Result<(Box<dyn Endpoint>, Vec<u8>), String>;
    /// Signs with the Ed25519 identity key; base64 signature.
    fn sign(&self, message: &[u8]) -> String;
    /// Verifies a base64 signature by the base64 Ed25519 key.
    fn verify(&self, key: &str, message: &[u8], signature: &str) -> Result<(), String>;
}

// ---------------------------------------------------------------------------------------------
// salamander

struct SalamanderSession(sal::Session);

impl Endpoint for SalamanderSession {
    fn name(&self) -> &'static str {
        "salamander"
    }

    fn encrypt(&mut self, plaintext: &[u8]) -> Wire {
        self.0.encrypt(plaintext).expect("salamander encrypt").to_parts()
    }

    fn decrypt(&mut self, (message_type, bytes): &Wire) -> Result<Vec<u8>, String> {
        let message =
            sal::OlmMessage::from_parts(*message_type, bytes).map_err(|e| e.to_string())?;
        self.0.decrypt(&message).map_err(|e| e.to_string())
    }

    fn session_id(&self) -> String {
        self.0.session_id()
    }
}

struct SalamanderDevice(sal::Account);

impl Device for SalamanderDevice {
    fn name(&self) -> &'static str {
        "salamander"
    }

    fn identity_key(&self) -> String {
        self.0.curve25519_key().to_base64()
    }

    fn ed25519_key(&self) -> String {
        self.0.ed25519_key().to_base64()
    }

    fn publish_one_time_key(&mut self) -> String {
        let created = self.0.generate_one_time_keys(1).created;
        assert_eq!(created.len(), 1);
        let keys: Vec<_> = self.0.one_time_keys().into_values().collect();
        assert_eq!(keys, created);
        self.0.mark_keys_as_published();
        keys[0].to_base64()
    }

    fn publish_fallback_key(&mut self) -> String {
        self.0.generate_fallback_key();
        let keys: Vec<_> = self.0.fallback_key().into_values().collect();
        assert_eq!(keys.len(), 1);
        self.0.mark_keys_as_published();
        keys[0].to_base64()
    }

    fn outbound(&self, identity_key: &str, one_time_key: &str) -> Box<dyn Endpoint> {
        let session = self
            .0
            .create_outbound_session(
                sal::SessionConfig::version_1(),
                salamander::Curve25519PublicKey::from_base64(identity_key).unwrap(),
                salamander::Curve25519PublicKey::from_base64(one_time_key).unwrap(),
            )
            .expect("salamander create_outbound_session");
        Box::new(SalamanderSession(session))
    }

    fn inbound(
        &mut self,
        identity_key: &str,
        (message_type, bytes): &Wire,
    ) -> Result<(Box<dyn Endpoint>, Vec<u8>), String> {
        let sal::OlmMessage::PreKey(pre_key) =
            sal::OlmMessage::from_parts(*message_type, bytes).map_err(|e| e.to_string())?
        else {
            return Err(format!("not a pre-key message (type {message_type})"));
        };
        let identity_key = salamander::Curve25519PublicKey::from_base64(identity_key).unwrap();
        let result = self
            .0
            .create_inbound_session(sal::SessionConfig::version_1(), identity_key, &pre_key)
            .map_err(|e| e.to_string())?;
        Ok((Box::new(SalamanderSession(result.session)), result.plaintext))
    }

    fn sign(&self, message: &[u8]) -> String {
        self.0.sign(message).to_base64()
    }

    fn verify(&self, key: &str, message: &[u8], signature: &str) -> Result<(), String> {
        let key = salamander::Ed25519PublicKey::from_base64(key).map_err(|e| e.to_string())?;
        let signature =
            salamander::Ed25519Signature::from_base64(signature).map_err(|e| e.to_string())?;
        key.verify(message, &signature).map_err(|e| e.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// libolm

struct LibolmSession(libolm::Session);

impl Endpoint for LibolmSession {
    fn name(&self) -> &'static str {
        "libolm"
    }

    fn encrypt(&mut self, plaintext: &[u8]) -> Wire {
        let (message_type, body) = self.0.encrypt(plaintext).expect("libolm encrypt");
        (message_type, base64_decode(body).expect("libolm's base64"))
    }

    fn decrypt(&mut self, (message_type, bytes): &Wire) -> Result<Vec<u8>, String> {
        self.0.decrypt(*message_type, &base64_encode(bytes)).map_err(|e| e.0)
    }

    fn session_id(&self) -> String {
        self.0.session_id()
    }
}

struct LibolmDevice(libolm::Account);

/// libolm's key JSON (`{"curve25519": key, "ed25519": key}` or `{"curve25519": {id: key}}`),
/// parsed.
fn json_keys(json: &str) -> serde_json::Value {
    serde_json::from_str(json).expect("libolm's JSON")
}

/// The only key in libolm's one-time or fallback key JSON.
fn single_curve25519_key(json: &str) -> String {
    let keys = json_keys(json);
    let keys = keys["curve25519"].as_object().expect("a curve25519 object");
    assert_eq!(keys.len(), 1, "exactly one key in {json}");
    keys.values().next().and_then(|k| k.as_str()).expect("a key").to_owned()
}

impl Device for LibolmDevice {
    fn name(&self) -> &'static str {
        "libolm"
    }

    fn identity_key(&self) -> String {
        json_keys(&self.0.identity_keys())["curve25519"].as_str().unwrap().to_owned()
    }

    fn ed25519_key(&self) -> String {
        json_keys(&self.0.identity_keys())["ed25519"].as_str().unwrap().to_owned()
    }

    fn publish_one_time_key(&mut self) -> String {
        self.0.generate_one_time_keys(1);
        let key = single_curve25519_key(&self.0.one_time_keys());
        assert_eq!(self.0.mark_keys_as_published(), 1);
        key
    }

    fn publish_fallback_key(&mut self) -> String {
        self.0.generate_fallback_key();
        let key = single_curve25519_key(&self.0.unpublished_fallback_key());
        self.0.mark_keys_as_published();
        key
    }

    fn outbound(&self, identity_key: &str, one_time_key: &str) -> Box<dyn Endpoint> {
        let session = libolm::Session::create_outbound(&self.0, identity_key, one_time_key)
            .expect("libolm create_outbound");
        Box::new(LibolmSession(session))
    }

    /// `olm_create_inbound_session_from`, then `olm_decrypt`, then
    /// `olm_remove_one_time_keys`, the order a libolm client uses.
    fn inbound(
        &mut self,
        identity_key: &str,
        (message_type, bytes): &Wire,
    ) -> Result<(Box<dyn Endpoint>, Vec<u8>), String> {
        if *message_type != 0 {
            return Err(format!("not a pre-key message (type {message_type})"));
        }
        let body = base64_encode(bytes);
        let mut session = libolm::Session::create_inbound_from(&mut self.0, identity_key, &body)
            .map_err(|e| e.0)?;
        let plaintext = session.decrypt(0, &body).map_err(|e| e.0)?;
        self.0.remove_one_time_keys(&session).map_err(|e| e.0)?;
        Ok((Box::new(LibolmSession(session)), plaintext))
    }

    fn sign(&self, message: &[u8]) -> String {
        self.0.sign(message)
    }

    fn verify(&self, key: &str, message: &[u8], signature: &str) -> Result<(), String> {
        libolm::Utility::new().ed25519_verify(key, message, signature).map_err(|e| e.0)
    }
}

type NewDevice = fn() -> Box<dyn Device>;

fn salamander() -> Box<dyn Device> {
    Box::new(SalamanderDevice(sal::Account::new()))
}

fn libolm() -> Box<dyn Device> {
    Box::new(LibolmDevice(libolm::Account::new()))
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

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

/// Encrypts `count` messages labelled with the sender and `tag`, without delivering them.
fn encrypt_batch(sender: &mut dyn Endpoint, tag: &str, count: usize) -> Vec<Sent> {
    (0..count)
        .map(|i| {
            let plaintext = format!("{} {tag} #{i}", sender.name()).into_bytes();
            (sender.encrypt(&plaintext), plaintext)
        })
        .collect()
}

/// Decrypts each message in the given order and checks its plaintext.
fn deliver<'a>(receiver: &mut dyn Endpoint, messages: impl IntoIterator<Item = &'a Sent>) {
    for (wire, expected) in messages {
        let plaintext = receiver.decrypt(wire).unwrap_or_else(|e| {
            panic!(
                "{} failed to decrypt {:?}: {e}",
                receiver.name(),
                String::from_utf8_lossy(expected)
            )
        });
        assert_eq!(&plaintext, expected, "{} decrypted the wrong plaintext", receiver.name());
    }
}

/// One message each way, to show that both sides are still in step.
fn round_trip(a: &mut dyn Endpoint, b: &mut dyn Endpoint) {
    let there = encrypt_batch(a, "round trip", 1);
    assert_eq!(there[0].0 .0, 1, "a normal message once the session is established");
    deliver(b, &there);
    let back = encrypt_batch(b, "round trip back", 1);
    assert_eq!(back[0].0 .0, 1);
    deliver(a, &back);
}

/// A session after the first pre-key message and its reply.
struct Established {
    initiator: Box<dyn Endpoint>,
    responder: Box<dyn Endpoint>,
    /// The pre-key message that created the responder's session.
    pre_key: Wire,
}

/// The initiator starts a session to `key` (a one-time or fallback key of the responder) and
/// sends a pre-key message; the responder creates its side from it and replies; the initiator
/// decrypts the reply. Checks the message types, both plaintexts and the session ids.
fn establish(initiator: &dyn Device, responder: &mut dyn Device, key: &str) -> Established {
    let mut outbound = initiator.outbound(&responder.identity_key(), key);
    let first = format!("pre-key message from {}", initiator.name()).into_bytes();
    let pre_key = outbound.encrypt(&first);
    assert_eq!(pre_key.0, 0, "the first message is a pre-key message");
    assert_eq!(pre_key.1[0], 3, "message version 3");

    let (mut inbound, plaintext) = responder
        .inbound(&initiator.identity_key(), &pre_key)
        .unwrap_or_else(|e| panic!("{} refused the pre-key message: {e}", responder.name()));
    assert_eq!(plaintext, first);
    assert_eq!(outbound.session_id(), inbound.session_id());

    let reply = format!("reply from {}", responder.name()).into_bytes();
    let reply_message = inbound.encrypt(&reply);
    assert_eq!(reply_message.0, 1, "the responder sends normal messages");
    assert_eq!(reply_message.1[0], 3);
    let decrypted = outbound
        .decrypt(&reply_message)
        .unwrap_or_else(|e| panic!("{} failed to decrypt the reply: {e}", initiator.name()));
    assert_eq!(decrypted, reply);
    assert_eq!(outbound.session_id(), inbound.session_id());

    Established { initiator: outbound, responder: inbound, pre_key }
}

/// [`establish`] with a fresh one-time key of the responder.
fn establish_fresh(
    new_initiator: NewDevice,
    new_responder: NewDevice,
) -> (Box<dyn Endpoint>, Box<dyn Endpoint>) {
    let initiator = new_initiator();
    let mut responder = new_responder();
    let key = responder.publish_one_time_key();
    let session = establish(&*initiator, &mut *responder, &key);
    (session.initiator, session.responder)
}

// ---------------------------------------------------------------------------------------------
// Scenarios, each run in both directions

/// Cell 1: pre-key message accepted, reply decrypted, equal session ids; the one-time key is
/// used up, and the initiator switches to normal messages.
fn pre_key_and_reply(new_initiator: NewDevice, new_responder: NewDevice) {
    let initiator = new_initiator();
    let mut responder = new_responder();
    let key = responder.publish_one_time_key();
    let mut session = establish(&*initiator, &mut *responder, &key);

    let replayed = responder.inbound(&initiator.identity_key(), &session.pre_key);
    assert!(replayed.is_err(), "the one-time key must have been removed");

    round_trip(&mut *session.initiator, &mut *session.responder);
}

/// Cell 2: six ratchet turns, alternating directions, one to five messages per turn.
fn ratchet_turns(new_initiator: NewDevice, new_responder: NewDevice) {
    let (mut initiator, mut responder) = establish_fresh(new_initiator, new_responder);
    for (turn, count) in [3, 2, 4, 1, 5, 3].into_iter().enumerate() {
        let (sender, receiver) = if turn % 2 == 0 {
            (&mut initiator, &mut responder)
        } else {
            (&mut responder, &mut initiator)
        };
        let batch = encrypt_batch(&mut **sender, &format!("turn {turn}"), count);
        assert!(batch.iter().all(|((message_type, _), _)| *message_type == 1));
        deliver(&mut **receiver, &batch);
    }
}

/// Cell 3: ten messages delivered in a fixed shuffled order, in each direction.
fn out_of_order_shuffled(new_initiator: NewDevice, new_responder: NewDevice) {
    let (mut initiator, mut responder) = establish_fresh(new_initiator, new_responder);
    for (round, seed) in [0x5EED_u64, 0xC0FFEE, 0xBADC0DE].into_iter().enumerate() {
        let (sender, receiver) = if round % 2 == 0 {
            (&mut initiator, &mut responder)
        } else {
            (&mut responder, &mut initiator)
        };
        let mut batch = encrypt_batch(&mut **sender, &format!("shuffled {round}"), 10);
        let sent_order = batch.clone();
        shuffle(&mut batch, seed);
        assert_ne!(batch, sent_order, "the shuffle must change the order");
        deliver(&mut **receiver, &batch);
    }
    round_trip(&mut *initiator, &mut *responder);
}

/// Cell 3: forty messages delivered last to first, in each direction; a replay is refused.
fn reversed_delivery(new_initiator: NewDevice, new_responder: NewDevice) {
    let (mut initiator, mut responder) = establish_fresh(new_initiator, new_responder);
    for round in 0..2 {
        let (sender, receiver) = if round % 2 == 0 {
            (&mut initiator, &mut responder)
        } else {
            (&mut responder, &mut initiator)
        };
        let batch = encrypt_batch(&mut **sender, &format!("reversed {round}"), 40);
        deliver(&mut **receiver, batch.iter().rev());
        assert!(receiver.decrypt(&batch[0].0).is_err(), "a replayed message must be refused");
        assert!(receiver.decrypt(&batch[39].0).is_err(), "a replayed message must be refused");
    }
    round_trip(&mut *initiator, &mut *responder);
}

/// Cell 3: a reversed batch spanning a ratchet turn. `x` sends five messages of which `y`
/// reads only the first; `y` replies; `x` sends five more on its new chain; `y` then gets the
/// nine outstanding messages last to first, so it holds skipped keys on two chains at once.
fn reversed_across_ratchet_turn(new_initiator: NewDevice, new_responder: NewDevice) {
    let (mut initiator, mut responder) = establish_fresh(new_initiator, new_responder);
    for round in 0..2 {
        let (x, y) = if round % 2 == 0 {
            (&mut initiator, &mut responder)
        } else {
            (&mut responder, &mut initiator)
        };
        let old_chain = encrypt_batch(&mut **x, &format!("old chain {round}"), 5);
        deliver(&mut **y, &old_chain[..1]);
        let reply = encrypt_batch(&mut **y, &format!("turn {round}"), 1);
        deliver(&mut **x, &reply);
        let new_chain = encrypt_batch(&mut **x, &format!("new chain {round}"), 5);
        assert_ne!(old_chain[0].0 .1[3..35], new_chain[0].0 .1[3..35], "a new ratchet key");
        deliver(&mut **y, new_chain.iter().chain(&old_chain[1..]).rev());
    }
    round_trip(&mut *initiator, &mut *responder);
}

/// Cell 3: the initiator's pre-key messages arrive last to first: the responder creates its
/// session from the fifth one and then reads the other four.
fn pre_key_messages_reversed(new_initiator: NewDevice, new_responder: NewDevice) {
    let initiator = new_initiator();
    let mut responder = new_responder();
    let key = responder.publish_one_time_key();
    let mut outbound = initiator.outbound(&responder.identity_key(), &key);
    let batch = encrypt_batch(&mut *outbound, "pre-key", 5);
    assert!(batch.iter().all(|((message_type, _), _)| *message_type == 0));

    let (last, expected) = &batch[4];
    let (mut inbound, plaintext) = responder.inbound(&initiator.identity_key(), last).unwrap();
    assert_eq!(&plaintext, expected);
    assert_eq!(outbound.session_id(), inbound.session_id());
    deliver(&mut *inbound, batch[..4].iter().rev());
    round_trip(&mut *inbound, &mut *outbound);
    round_trip(&mut *outbound, &mut *inbound);
}

/// Cell 4: the responder publishes only a fallback key. Two initiators create sessions from
/// it one after the other (fallback keys are not removed), and both sessions keep working.
fn fallback_key(new_initiator: NewDevice, new_responder: NewDevice) {
    let mut responder = new_responder();
    let key = responder.publish_fallback_key();

    let first_initiator = new_initiator();
    let mut first = establish(&*first_initiator, &mut *responder, &key);
    round_trip(&mut *first.initiator, &mut *first.responder);

    // The same pre-key message is still accepted: the fallback key was kept.
    let again = responder.inbound(&first_initiator.identity_key(), &first.pre_key);
    assert!(again.is_ok(), "the fallback key must not be removed: {:?}", again.err());

    let second_initiator = new_initiator();
    let mut second = establish(&*second_initiator, &mut *responder, &key);
    assert_ne!(first.initiator.session_id(), second.initiator.session_id());
    round_trip(&mut *second.initiator, &mut *second.responder);
    round_trip(&mut *first.responder, &mut *first.initiator);
}

/// Cell 6: `signer`'s signatures verify in `verifier`; altered messages and other keys fail.
fn signatures(new_signer: NewDevice, new_verifier: NewDevice) {
    let signer = new_signer();
    let verifier = new_verifier();
    let key = signer.ed25519_key();
    let messages: [&[u8]; 4] =
        [b"", b"{\"algorithms\":[\"m.olm.v1.curve25519-aes-sha2\"]}", &[0xFF; 1], &bytes(4096, 7)];
    for message in messages {
        let signature = signer.sign(message);
        verifier.verify(&key, message, &signature).unwrap_or_else(|e| {
            panic!("{} rejected a {} signature: {e}", verifier.name(), signer.name())
        });

        let mut altered = message.to_vec();
        altered.push(0);
        assert!(verifier.verify(&key, &altered, &signature).is_err());
        assert!(verifier.verify(&verifier.ed25519_key(), message, &signature).is_err());
    }
}

const SIZES: [usize; 6] = [0, 1, 15, 16, 17, 4096];

/// Cell 7: plaintexts of every size in [`SIZES`] as pre-key messages (the session is created
/// from the empty one), then as normal messages both ways.
fn plaintext_sizes(new_initiator: NewDevice, new_responder: NewDevice) {
    let initiator = new_initiator();
    let mut responder = new_responder();
    let key = responder.publish_one_time_key();
    let mut outbound = initiator.outbound(&responder.identity_key(), &key);

    let pre_keys: Vec<Sent> = SIZES
        .iter()
        .map(|&size| {
            let plaintext = bytes(size, 1);
            (outbound.encrypt(&plaintext), plaintext)
        })
        .collect();
    let (mut inbound, plaintext) =
        responder.inbound(&initiator.identity_key(), &pre_keys[0].0).unwrap();
    assert!(plaintext.is_empty());
    deliver(&mut *inbound, &pre_keys[1..]);

    for (round, tag) in [2, 3, 4].into_iter().enumerate() {
        let (sender, receiver) = if round % 2 == 0 {
            (&mut inbound, &mut outbound)
        } else {
            (&mut outbound, &mut inbound)
        };
        let batch: Vec<Sent> = SIZES
            .iter()
            .map(|&size| {
                let plaintext = bytes(size, tag);
                (sender.encrypt(&plaintext), plaintext)
            })
            .collect();
        deliver(&mut **receiver, &batch);
    }
}

// ---------------------------------------------------------------------------------------------
// Tampering: a modified libolm message is refused by salamander, whose state is unchanged

/// Copies of a normal message with one bit flipped in: the ratchet key, the chain index, the
/// last ciphertext byte and the last MAC byte.
fn tampered_normal(bytes: &[u8]) -> Vec<Vec<u8>> {
    assert_eq!(bytes[..3], [3, 0x0A, 0x20], "version, ratchet key");
    assert_eq!(bytes[35], 0x10, "chain index tag");
    let ciphertext_end = bytes.len() - MAC_LENGTH - 1;
    [3 + 7, 36, ciphertext_end, bytes.len() - 1].iter().map(|&at| flip(bytes, at)).collect()
}

/// Copies of a pre-key message with one bit flipped in: the base key, the last ciphertext
/// byte and the last MAC byte (the inner message comes last).
fn tampered_pre_key(bytes: &[u8]) -> Vec<Vec<u8>> {
    assert_eq!(bytes[35..37], [0x12, 0x20], "base key tag");
    let ciphertext_end = bytes.len() - MAC_LENGTH - 1;
    [37 + 7, ciphertext_end, bytes.len() - 1].iter().map(|&at| flip(bytes, at)).collect()
}

/// `bytes` with bit 1 of byte `at` flipped (bit 1, so that a chain index moves forward:
/// 0 -> 2, 1 -> 3, and the key for the altered index is never an already used one).
fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut copy = bytes.to_vec();
    copy[at] ^= 0x02;
    copy
}

/// A snapshot of a salamander session's whole state.
fn state(session: &sal::Session) -> String {
    serde_json::to_string(&session.pickle()).unwrap()
}

/// Every tampered copy of `(message_type, bytes)` is refused by `session` with an error and
/// leaves it unchanged; then the genuine message decrypts to `expected`.
fn refuse_tampered_then_decrypt(
    session: &mut sal::Session,
    (message_type, bytes): &Wire,
    expected: &[u8],
) {
    let before = state(session);
    for tampered in tampered_normal(bytes) {
        let message = sal::OlmMessage::from_parts(*message_type, &tampered).unwrap();
        let error = session.decrypt(&message).expect_err("a tampered message must be refused");
        assert!(
            matches!(error, sal::DecryptionError::InvalidMAC(_)),
            "unexpected error for a tampered message: {error:?}"
        );
        assert_eq!(state(session), before, "a refused message must not change the session");
    }
    let message = sal::OlmMessage::from_parts(*message_type, bytes).unwrap();
    assert_eq!(session.decrypt(&message).unwrap(), expected);
}

/// libolm's message as `(type, bytes)`.
fn libolm_encrypt(session: &mut libolm::Session, plaintext: &[u8]) -> Wire {
    let (message_type, body) = session.encrypt(plaintext).unwrap();
    (message_type, base64_decode(body).unwrap())
}

#[test]
fn libolm_to_salamander_tampered_message_rejected() {
    let mut salamander_account = sal::Account::new();
    salamander_account.generate_one_time_keys(1);
    let one_time_key = *salamander_account.one_time_keys().values().next().unwrap();
    salamander_account.mark_keys_as_published();

    let libolm_device = LibolmDevice(libolm::Account::new());
    let libolm_identity_key =
        salamander::Curve25519PublicKey::from_base64(&libolm_device.identity_key()).unwrap();
    let mut libolm_session = libolm::Session::create_outbound(
        &libolm_device.0,
        &salamander_account.curve25519_key().to_base64(),
        &one_time_key.to_base64(),
    )
    .unwrap();

    // A tampered pre-key message creates no session and does not use up the one-time key.
    let (message_type, pre_key) = libolm_encrypt(&mut libolm_session, b"genuine pre-key");
    assert_eq!(message_type, 0);
    for tampered in tampered_pre_key(&pre_key) {
        let sal::OlmMessage::PreKey(message) = sal::OlmMessage::from_parts(0, &tampered).unwrap()
        else {
            panic!("not a pre-key message");
        };
        let result = salamander_account.create_inbound_session(
            sal::SessionConfig::version_1(),
            libolm_identity_key,
            &message,
        );
        assert!(result.is_err(), "a tampered pre-key message must be refused");
        assert_eq!(salamander_account.stored_one_time_key_count(), 1);
    }
    let sal::OlmMessage::PreKey(message) = sal::OlmMessage::from_parts(0, &pre_key).unwrap() else {
        panic!("not a pre-key message");
    };
    let created = salamander_account
        .create_inbound_session(sal::SessionConfig::version_1(), libolm_identity_key, &message)
        .unwrap();
    assert_eq!(created.plaintext, b"genuine pre-key");
    assert_eq!(salamander_account.stored_one_time_key_count(), 0);
    let mut salamander_session = created.session;

    // A later pre-key message on the same session. Its outer keys are not checked by
    // `Session::decrypt` (nor by vodozemac's or libolm's), so only the inner message is altered.
    let second_pre_key = libolm_encrypt(&mut libolm_session, b"second pre-key");
    let before = state(&salamander_session);
    for tampered in tampered_pre_key(&second_pre_key.1).into_iter().skip(1) {
        let message = sal::OlmMessage::from_parts(0, &tampered).unwrap();
        assert!(salamander_session.decrypt(&message).is_err());
        assert_eq!(state(&salamander_session), before);
    }
    let message = sal::OlmMessage::from_parts(0, &second_pre_key.1).unwrap();
    assert_eq!(salamander_session.decrypt(&message).unwrap(), b"second pre-key");

    let reply = salamander_session.encrypt(b"reply").unwrap().to_parts();
    assert_eq!(libolm_session.decrypt(reply.0, &base64_encode(&reply.1)).unwrap(), b"reply");

    // The first message on libolm's new chain (salamander would open a receiving chain), then
    // a second message on that chain.
    for plaintext in [&b"opens a chain"[..], b"same chain"] {
        let wire = libolm_encrypt(&mut libolm_session, plaintext);
        assert_eq!(wire.0, 1);
        refuse_tampered_then_decrypt(&mut salamander_session, &wire, plaintext);
    }

    let reply = salamander_session.encrypt(b"still in step").unwrap().to_parts();
    let decrypted = libolm_session.decrypt(reply.0, &base64_encode(&reply.1)).unwrap();
    assert_eq!(decrypted, b"still in step");
}

// ---------------------------------------------------------------------------------------------
// The tests: `salamander_to_libolm_*` has salamander as initiator (signer),
// `libolm_to_salamander_*` has libolm as initiator (signer).

#[test]
fn salamander_to_libolm_pre_key_and_reply() {
    pre_key_and_reply(salamander, libolm);
}

#[test]
fn libolm_to_salamander_pre_key_and_reply() {
    pre_key_and_reply(libolm, salamander);
}

#[test]
fn salamander_to_libolm_ratchet_turns() {
    ratchet_turns(salamander, libolm);
}

#[test]
fn libolm_to_salamander_ratchet_turns() {
    ratchet_turns(libolm, salamander);
}

#[test]
fn salamander_to_libolm_out_of_order_shuffled() {
    out_of_order_shuffled(salamander, libolm);
}

#[test]
fn libolm_to_salamander_out_of_order_shuffled() {
    out_of_order_shuffled(libolm, salamander);
}

#[test]
fn salamander_to_libolm_reversed_delivery() {
    reversed_delivery(salamander, libolm);
}

#[test]
fn libolm_to_salamander_reversed_delivery() {
    reversed_delivery(libolm, salamander);
}

#[test]
fn salamander_to_libolm_reversed_across_ratchet_turn() {
    reversed_across_ratchet_turn(salamander, libolm);
}

#[test]
fn libolm_to_salamander_reversed_across_ratchet_turn() {
    reversed_across_ratchet_turn(libolm, salamander);
}

#[test]
fn salamander_to_libolm_pre_key_messages_reversed() {
    pre_key_messages_reversed(salamander, libolm);
}

#[test]
fn libolm_to_salamander_pre_key_messages_reversed() {
    pre_key_messages_reversed(libolm, salamander);
}

#[test]
fn salamander_to_libolm_fallback_key() {
    fallback_key(salamander, libolm);
}

#[test]
fn libolm_to_salamander_fallback_key() {
    fallback_key(libolm, salamander);
}

#[test]
fn salamander_to_libolm_signatures() {
    signatures(salamander, libolm);
}

#[test]
fn libolm_to_salamander_signatures() {
    signatures(libolm, salamander);
}

#[test]
fn salamander_to_libolm_plaintext_sizes() {
    plaintext_sizes(salamander, libolm);
}

#[test]
fn libolm_to_salamander_plaintext_sizes() {
    plaintext_sizes(libolm, salamander);
}
