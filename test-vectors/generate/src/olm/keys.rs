//! An independent model of the Olm key schedule and wire format, written from the specification
//! with RustCrypto (x25519-dalek, HKDF, HMAC, AES-CBC), never with salamander.
//!
//! The generators run it next to libolm and assert that it agrees with libolm on every message:
//! the model re-encodes each message from its own keys and the plaintext, and the bytes must be
//! libolm's, byte for byte. Values the model derives (root, chain, message and cipher keys) are
//! therefore checked against libolm, which does not expose them.

use aes::Aes256;
use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use vodozemac::{base64_decode, base64_encode};
use x25519_dalek::{PublicKey, StaticSecret};

pub(crate) type Key = [u8; 32];

/// A 32-byte array from the front of a slice (the Stream and libolm hand out exact lengths).
pub(crate) fn key(bytes: &[u8]) -> Key {
    let mut out = [0u8; 32];
    out.copy_from_slice(&bytes[..32]);
    out
}

pub(crate) fn b64(bytes: &[u8]) -> String {
    base64_encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Vec<u8> {
    base64_decode(text).unwrap_or_else(|e| panic!("not base64 ({e}): {text}"))
}

/// The Curve25519 public key of a secret, as libolm stores it (the 32 random bytes, clamped on
/// use).
pub(crate) fn public_key(secret: &Key) -> Key {
    PublicKey::from(&StaticSecret::from(*secret)).to_bytes()
}

/// X25519.
pub(crate) fn dh(secret: &Key, public: &Key) -> Key {
    StaticSecret::from(*secret).diffie_hellman(&PublicKey::from(*public)).to_bytes()
}

fn hkdf(salt: Option<&[u8]>, ikm: &[u8], info: &[u8], out: &mut [u8]) {
    Hkdf::<Sha256>::new(salt, ikm).expand(info, out).unwrap_or_else(|e| panic!("HKDF: {e}"));
}

pub(crate) fn hmac(key: &[u8], message: &[u8]) -> Key {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap_or_else(|e| panic!("HMAC: {e}"));
    mac.update(message);
    mac.finalize().into_bytes().into()
}

pub(crate) fn sha256(bytes: &[u8]) -> Key {
    Sha256::digest(bytes).into()
}

/// Alice's triple Diffie-Hellman: `DH(I_A, E_B) ‖ DH(E_A, I_B) ‖ DH(E_A, E_B)`.
pub(crate) fn shared_secret_alice(
    identity: &Key,
    base: &Key,
    their_identity: &Key,
    their_one_time: &Key,
) -> [u8; 96] {
    let mut out = [0u8; 96];
    out[..32].copy_from_slice(&dh(identity, their_one_time));
    out[32..64].copy_from_slice(&dh(base, their_identity));
    out[64..].copy_from_slice(&dh(base, their_one_time));
    out
}

/// Bob's triple Diffie-Hellman: `DH(E_B, I_A) ‖ DH(I_B, E_A) ‖ DH(E_B, E_A)`.
pub(crate) fn shared_secret_bob(
    identity: &Key,
    one_time: &Key,
    their_identity: &Key,
    their_base: &Key,
) -> [u8; 96] {
    let mut out = [0u8; 96];
    out[..32].copy_from_slice(&dh(one_time, their_identity));
    out[32..64].copy_from_slice(&dh(identity, their_base));
    out[64..].copy_from_slice(&dh(one_time, their_base));
    out
}

fn split(okm: &[u8; 64]) -> (Key, Key) {
    (key(&okm[..32]), key(&okm[32..]))
}

/// `R_0 ‖ C_0 = HKDF(salt = none, S, "OLM_ROOT", 64)`.
pub(crate) fn root_from_shared_secret(shared: &[u8; 96]) -> (Key, Key) {
    let mut okm = [0u8; 64];
    hkdf(None, shared, b"OLM_ROOT", &mut okm);
    split(&okm)
}

/// `R_i ‖ C_i = HKDF(salt = R_{i-1}, DH(ours, theirs), "OLM_RATCHET", 64)`.
pub(crate) fn ratchet_root(root: &Key, our_secret: &Key, their_public: &Key) -> (Key, Key) {
    let mut okm = [0u8; 64];
    hkdf(Some(root), &dh(our_secret, their_public), b"OLM_RATCHET", &mut okm);
    split(&okm)
}

/// `C_{i,j+1} = HMAC(C_{i,j}, 0x02)`.
pub(crate) fn advance_chain(chain: &Key) -> Key {
    hmac(chain, &[2])
}

/// `M_{i,j} = HMAC(C_{i,j}, 0x01)`.
pub(crate) fn message_key(chain: &Key) -> Key {
    hmac(chain, &[1])
}

/// The AES key, MAC key and IV of a message key: `HKDF(salt = none, M, "OLM_KEYS", 80)`.
#[derive(Clone)]
pub(crate) struct CipherKeys {
    pub(crate) aes: Key,
    pub(crate) mac: Key,
    pub(crate) iv: [u8; 16],
}

impl CipherKeys {
    pub(crate) fn new(message_key: &Key) -> Self {
        let mut okm = [0u8; 80];
        hkdf(None, message_key, b"OLM_KEYS", &mut okm);
        let mut iv = [0u8; 16];
        iv.copy_from_slice(&okm[64..]);
        Self { aes: key(&okm[..32]), mac: key(&okm[32..64]), iv }
    }

    pub(crate) fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        cbc::Encryptor::<Aes256>::new((&self.aes).into(), (&self.iv).into())
            .encrypt_padded_vec::<Pkcs7>(plaintext)
    }

    pub(crate) fn decrypt(&self, ciphertext: &[u8]) -> Option<Vec<u8>> {
        cbc::Decryptor::<Aes256>::new((&self.aes).into(), (&self.iv).into())
            .decrypt_padded_vec::<Pkcs7>(ciphertext)
            .ok()
    }

    /// The 8-byte truncated MAC of everything before it.
    pub(crate) fn mac8(&self, authenticated: &[u8]) -> [u8; 8] {
        let mut out = [0u8; 8];
        out.copy_from_slice(&hmac(&self.mac, authenticated)[..8]);
        out
    }

    /// `version ‖ payload ‖ MAC`: a hand-built normal message that a sender with these keys
    /// could have sent (libolm checks the MAC over the bytes as received).
    pub(crate) fn seal(&self, version: u8, payload: &[u8]) -> Vec<u8> {
        let mut message = vec![version];
        message.extend_from_slice(payload);
        let mac = self.mac8(&message);
        message.extend_from_slice(&mac);
        message
    }

    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "aesKey": crate::random::hex(&self.aes),
            "macKey": crate::random::hex(&self.mac),
            "iv": crate::random::hex(&self.iv),
        })
    }
}

// --- The wire format ---------------------------------------------------------------------------

pub(crate) fn varint(mut value: u64) -> Vec<u8> {
    let mut out = Vec::new();
    while value >= 0x80 {
        out.push((value & 0x7f) as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
    out
}

/// A length-delimited field (wire type 2) with a one-byte key.
pub(crate) fn bytes_field(field: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![field << 3 | 2];
    out.extend(varint(value.len() as u64));
    out.extend_from_slice(value);
    out
}

/// A varint field (wire type 0) with a one-byte key.
pub(crate) fn varint_field(field: u8, value: u64) -> Vec<u8> {
    let mut out = vec![field << 3];
    out.extend(varint(value));
    out
}

/// A normal message's payload, in libolm's field order: ratchet key, chain index, ciphertext.
pub(crate) fn normal_payload(ratchet_key: &Key, index: u32, ciphertext: &[u8]) -> Vec<u8> {
    [bytes_field(1, ratchet_key), varint_field(2, u64::from(index)), bytes_field(4, ciphertext)]
        .concat()
}

/// A pre-key message: version 3, one-time key, base key, identity key, inner message.
pub(crate) fn encode_pre_key(one_time: &Key, base: &Key, identity: &Key, inner: &[u8]) -> Vec<u8> {
    let mut out = vec![3];
    out.extend(bytes_field(1, one_time));
    out.extend(bytes_field(2, base));
    out.extend(bytes_field(3, identity));
    out.extend(bytes_field(4, inner));
    out
}

// --- A whole session, both ends -----------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Who {
    Alice,
    Bob,
}

impl Who {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Who::Alice => "alice",
            Who::Bob => "bob",
        }
    }
}

#[derive(Clone)]
struct SendingChain {
    secret: Key,
    public: Key,
    start: Key,
    chain_key: Key,
    index: u32,
}

#[derive(Clone)]
struct Party {
    root: Key,
    sending: Option<SendingChain>,
    /// Ratchet keys of the other side seen so far, the newest last.
    seen: Vec<Key>,
    received: bool,
}

/// The DH-ratchet step that made a new sending chain.
#[derive(Clone)]
pub(crate) struct RatchetStep {
    pub(crate) previous_root: Key,
    pub(crate) their_ratchet_key: Key,
    pub(crate) root: Key,
}

/// Everything the model knows about one message it sent.
#[derive(Clone)]
pub(crate) struct Sent {
    pub(crate) sender: Who,
    pub(crate) message_type: usize,
    pub(crate) ratchet_secret: Key,
    pub(crate) ratchet_key: Key,
    /// `C_{i,0}` of the chain the message is in.
    pub(crate) chain_start: Key,
    /// `Some` if this message started a new chain with a DH-ratchet step.
    pub(crate) step: Option<RatchetStep>,
    pub(crate) index: u32,
    pub(crate) chain_key: Key,
    pub(crate) message_key: Key,
    pub(crate) keys: CipherKeys,
    pub(crate) plaintext: Vec<u8>,
    /// The whole message the model encodes; asserted equal to libolm's.
    pub(crate) bytes: Vec<u8>,
    /// For a pre-key message, the inner normal message; else the same as `bytes`.
    pub(crate) inner: Vec<u8>,
}

impl Sent {
    /// The AES ciphertext inside the (inner) message.
    pub(crate) fn ciphertext(&self) -> &[u8] {
        let end = self.inner.len() - 8;
        &self.inner[end - padded(&self.plaintext)..end]
    }

    /// The MAC at the end of the (inner) message.
    pub(crate) fn mac(&self) -> &[u8] {
        &self.inner[self.inner.len() - 8..]
    }

    /// The (inner) message's payload: what lies between its version byte and its MAC.
    pub(crate) fn payload(&self) -> &[u8] {
        &self.inner[1..self.inner.len() - 8]
    }
}

/// The secrets a session starts from.
pub(crate) struct Secrets {
    pub(crate) alice_identity: Key,
    pub(crate) alice_base: Key,
    pub(crate) alice_ratchet: Key,
    pub(crate) bob_identity: Key,
    pub(crate) bob_one_time: Key,
}

/// Both ends of one Olm session, as the specification describes them.
pub(crate) struct Model {
    pub(crate) secrets: Secrets,
    pub(crate) shared_secret: [u8; 96],
    pub(crate) root0: Key,
    pub(crate) chain0: Key,
    alice: Party,
    bob: Party,
}

impl Model {
    /// From libolm's random inputs: the two accounts' 64 bytes (the Curve25519 identity key is
    /// the second half), Bob's one-time or fallback key, and Alice's 64 outbound bytes (base key,
    /// then first ratchet key).
    pub(crate) fn new(
        alice_account: &[u8],
        bob_account: &[u8],
        bob_key: &[u8],
        outbound: &[u8],
    ) -> Self {
        let secrets = Secrets {
            alice_identity: key(&alice_account[32..]),
            alice_base: key(&outbound[..32]),
            alice_ratchet: key(&outbound[32..]),
            bob_identity: key(&bob_account[32..]),
            bob_one_time: key(bob_key),
        };
        let shared_secret = shared_secret_alice(
            &secrets.alice_identity,
            &secrets.alice_base,
            &public_key(&secrets.bob_identity),
            &public_key(&secrets.bob_one_time),
        );
        let bob_side = shared_secret_bob(
            &secrets.bob_identity,
            &secrets.bob_one_time,
            &public_key(&secrets.alice_identity),
            &public_key(&secrets.alice_base),
        );
        assert_eq!(shared_secret, bob_side, "both ends must agree on the triple DH");
        let (root0, chain0) = root_from_shared_secret(&shared_secret);
        let alice = Party {
            root: root0,
            sending: Some(SendingChain {
                secret: secrets.alice_ratchet,
                public: public_key(&secrets.alice_ratchet),
                start: chain0,
                chain_key: chain0,
                index: 0,
            }),
            seen: Vec::new(),
            received: false,
        };
        let bob = Party {
            root: root0,
            sending: None,
            seen: vec![public_key(&secrets.alice_ratchet)],
            received: true,
        };
        Self { secrets, shared_secret, root0, chain0, alice, bob }
    }

    pub(crate) fn public(&self, what: fn(&Secrets) -> &Key) -> Key {
        public_key(what(&self.secrets))
    }

    /// The session id: SHA-256(I_A ‖ E_A ‖ E_B).
    pub(crate) fn session_id(&self) -> String {
        let mut input = Vec::with_capacity(96);
        input.extend_from_slice(&public_key(&self.secrets.alice_identity));
        input.extend_from_slice(&public_key(&self.secrets.alice_base));
        input.extend_from_slice(&public_key(&self.secrets.bob_one_time));
        b64(&sha256(&input))
    }

    fn party(&mut self, who: Who) -> &mut Party {
        match who {
            Who::Alice => &mut self.alice,
            Who::Bob => &mut self.bob,
        }
    }

    /// Whether `who` needs 32 random bytes for its next message (a new ratchet key).
    pub(crate) fn needs_random(&self, who: Who) -> bool {
        match who {
            Who::Alice => self.alice.sending.is_none(),
            Who::Bob => self.bob.sending.is_none(),
        }
    }

    /// Encrypt and encode a message as `who` would, with `random` as the new ratchet key if a new
    /// chain is needed (else `random` must be empty).
    pub(crate) fn send(&mut self, who: Who, plaintext: &[u8], random: &[u8]) -> Sent {
        let pre_key = who == Who::Alice && !self.alice.received;
        let (one_time, base, identity) = (
            public_key(&self.secrets.bob_one_time),
            public_key(&self.secrets.alice_base),
            public_key(&self.secrets.alice_identity),
        );
        let party = self.party(who);
        let mut step = None;
        if party.sending.is_none() {
            assert_eq!(random.len(), 32, "a new chain takes 32 random bytes");
            let secret = key(random);
            let their = *party.seen.last().unwrap_or_else(|| panic!("no ratchet key to answer"));
            let previous_root = party.root;
            let (root, chain_key) = ratchet_root(&party.root, &secret, &their);
            party.root = root;
            let public = public_key(&secret);
            party.sending =
                Some(SendingChain { secret, public, start: chain_key, chain_key, index: 0 });
            step = Some(RatchetStep { previous_root, their_ratchet_key: their, root });
        } else {
            assert!(random.is_empty(), "an existing chain takes no random bytes");
        }
        let chain = party.sending.as_mut().unwrap_or_else(|| unreachable!());
        let index = chain.index;
        let chain_key = chain.chain_key;
        let message_key = message_key(&chain_key);
        chain.chain_key = advance_chain(&chain_key);
        chain.index += 1;
        let keys = CipherKeys::new(&message_key);
        let ciphertext = keys.encrypt(plaintext);
        let inner = keys.seal(3, &normal_payload(&chain.public, index, &ciphertext));
        let bytes = if pre_key {
            encode_pre_key(&one_time, &base, &identity, &inner)
        } else {
            inner.clone()
        };
        Sent {
            sender: who,
            message_type: if pre_key { 0 } else { 1 },
            ratchet_secret: chain.secret,
            ratchet_key: chain.public,
            chain_start: chain.start,
            step,
            index,
            chain_key,
            message_key,
            keys,
            plaintext: plaintext.to_vec(),
            bytes,
            inner,
        }
    }

    /// `to` receives a message made with the ratchet key `ratchet_key`.
    pub(crate) fn deliver(&mut self, to: Who, ratchet_key: &Key) {
        let party = self.party(to);
        party.received = true;
        if party.seen.contains(ratchet_key) {
            return;
        }
        let ours = party.sending.take().unwrap_or_else(|| {
            panic!("a new ratchet key can only answer one of ours, and we have none")
        });
        let (root, _receiving_chain) = ratchet_root(&party.root, &ours.secret, ratchet_key);
        party.root = root;
        party.seen.push(*ratchet_key);
    }
}

/// Assert that libolm's message (type and base64 body) is the one the model encoded.
pub(crate) fn assert_same(sent: &Sent, message_type: usize, body: &str, what: &str) {
    assert_eq!(message_type, sent.message_type, "{what}: message type");
    assert_eq!(unb64(body), sent.bytes, "{what}: libolm and the model disagree on the bytes");
    assert_eq!(
        sent.keys.decrypt(sent.ciphertext()).as_deref(),
        Some(sent.plaintext.as_slice()),
        "{what}: the model's keys must decrypt the message"
    );
    let end = sent.inner.len() - 8;
    assert_eq!(sent.keys.mac8(&sent.inner[..end]), sent.mac(), "{what}: MAC");
}

/// Length of the AES-CBC-PKCS#7 ciphertext of a plaintext.
pub(crate) fn padded(plaintext: &[u8]) -> usize {
    (plaintext.len() / 16 + 1) * 16
}
