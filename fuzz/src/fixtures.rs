//! Fixed, deterministic sessions for the stateful targets, built once per process.

use std::{convert::Infallible, sync::OnceLock};

use rand_core::{TryCryptoRng, TryRng};
use salamander::{
    hazmat,
    megolm::{GroupSession, InboundGroupSession, MegolmMessage, SessionConfig as MegolmConfig},
    olm::{Account, OlmMessage, Session, SessionConfig},
    Ed25519SecretKey,
};
use sha2::{Digest, Sha256};

/// A deterministic "random" stream: SHA-256(label ‖ counter).
pub(crate) struct Stream {
    label: &'static [u8],
    counter: u32,
    buffer: Vec<u8>,
}

impl Stream {
    pub(crate) fn new(label: &'static [u8]) -> Self {
        Self { label, counter: 0, buffer: Vec::new() }
    }

    pub(crate) fn take(&mut self, n: usize) -> Vec<u8> {
        while self.buffer.len() < n {
            let mut hasher = Sha256::new();
            hasher.update(self.label);
            hasher.update(self.counter.to_be_bytes());
            self.counter += 1;
            self.buffer.extend_from_slice(&hasher.finalize());
        }
        self.buffer.drain(..n).collect()
    }
}

impl TryRng for Stream {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(u32::from_le_bytes(self.take(4).try_into().unwrap()))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(u64::from_le_bytes(self.take(8).try_into().unwrap()))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        dst.copy_from_slice(&self.take(dst.len()));
        Ok(())
    }
}

impl TryCryptoRng for Stream {}

fn snapshot(session: &Session) -> serde_json::Value {
    serde_json::to_value(session.pickle()).unwrap()
}

pub struct OlmFixture {
    /// Bob's session, after the first pre-key message and a reply round.
    pub bob: Session,
    bob_snapshot: serde_json::Value,
    /// Messages from Alice that Bob has not decrypted yet: (type, bytes, plaintext).
    pub genuine: Vec<(usize, Vec<u8>, Vec<u8>)>,
}

pub fn olm_fixture() -> &'static OlmFixture {
    static FIXTURE: OnceLock<OlmFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = Stream::new(b"salamander fuzz olm");
        let alice = Account::new_with_rng(&mut rng);
        let mut bob = Account::new_with_rng(&mut rng);
        bob.generate_one_time_keys_with_rng(1, &mut rng);
        let otk = *bob.one_time_keys().values().next().unwrap();
        let mut alice_session = alice
            .create_outbound_session_with_rng(
                SessionConfig::version_1(),
                bob.curve25519_key(),
                otk,
                &mut rng,
            )
            .unwrap();
        let first = alice_session.encrypt_with_rng(b"first", &mut rng).unwrap();
        // A second pre-key message, kept back: genuine and undelivered.
        let second = alice_session.encrypt_with_rng(b"second pre-key", &mut rng).unwrap();
        let OlmMessage::PreKey(first) = first else { panic!("pre-key expected") };
        let mut bob_session = bob
            .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &first)
            .unwrap()
            .session;
        let reply = bob_session.encrypt_with_rng(b"reply", &mut rng).unwrap();
        alice_session.decrypt(&reply).unwrap();
        let mut genuine =
            vec![(second.to_parts().0, second.to_parts().1, b"second pre-key".to_vec())];
        for i in 0..3u8 {
            let plaintext = vec![i; 17 * usize::from(i)];
            let message = alice_session.encrypt_with_rng(&plaintext, &mut rng).unwrap();
            let (t, bytes) = message.to_parts();
            genuine.push((t, bytes, plaintext));
        }
        let bob_snapshot = snapshot(&bob_session);
        OlmFixture { bob: bob_session, bob_snapshot, genuine }
    })
}

pub(crate) fn olm_decrypt(data: &[u8]) {
    let Some((&kind, bytes)) = data.split_first() else { return };
    let fixture = olm_fixture();
    let message_type = usize::from(kind & 1);
    let Ok(message) = OlmMessage::from_parts(message_type, bytes) else { return };
    let mut session = fixture.bob.clone();
    match session.decrypt(&message) {
        Err(_) => assert_eq!(
            snapshot(&session),
            fixture.bob_snapshot,
            "a failed decrypt changed the session"
        ),
        Ok(plaintext) => {
            let inner = |m: &OlmMessage| match m {
                OlmMessage::Normal(m) => m.to_bytes(),
                OlmMessage::PreKey(m) => m.message().to_bytes(),
            };
            let genuine = fixture.genuine.iter().any(|(t, b, p)| {
                let original = OlmMessage::from_parts(*t, b).unwrap();
                *p == plaintext && inner(&original) == inner(&message)
            });
            assert!(genuine, "a message that is not genuine decrypted");
        }
    }
}

pub struct MegolmFixture {
    pub inbound: InboundGroupSession,
    inbound_snapshot: serde_json::Value,
    /// The outbound session's Ed25519 seed and initial ratchet, to forge inputs past the checks.
    seed: [u8; 32],
    ratchet: [u8; 128],
    /// Genuine messages at indices 0..4: (bytes, plaintext).
    pub genuine: Vec<(Vec<u8>, Vec<u8>)>,
}

pub fn megolm_fixture() -> &'static MegolmFixture {
    static FIXTURE: OnceLock<MegolmFixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = Stream::new(b"salamander fuzz megolm");
        let mut preview = Stream::new(b"salamander fuzz megolm");
        let ratchet: [u8; 128] = preview.take(128).try_into().unwrap();
        let seed: [u8; 32] = preview.take(32).try_into().unwrap();
        let mut outbound = GroupSession::new_with_rng(MegolmConfig::version_1(), &mut rng);
        let inbound = InboundGroupSession::new(&outbound.session_key(), MegolmConfig::version_1());
        let genuine = (0..4u8)
            .map(|i| {
                let plaintext = vec![i; 15 * usize::from(i)];
                (outbound.encrypt(&plaintext).to_bytes(), plaintext)
            })
            .collect();
        let inbound_snapshot = serde_json::to_value(inbound.pickle()).unwrap();
        MegolmFixture { inbound, inbound_snapshot, seed, ratchet, genuine }
    })
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub(crate) fn megolm_decrypt(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else { return };
    let fixture = megolm_fixture();
    let signer = Ed25519SecretKey::from_slice(&fixture.seed);
    let bytes = match mode % 3 {
        // Arbitrary bytes.
        0 => rest.to_vec(),
        // Arbitrary bytes, signed with the session's key: reaches the ratchet and the MAC.
        1 => {
            let mut bytes = rest.to_vec();
            bytes.extend_from_slice(&signer.sign(rest).to_bytes());
            bytes
        }
        // index (u32) ‖ ciphertext: MACed and signed with the real keys: reaches AES and unpadding.
        _ => {
            let Some((index, ciphertext)) = rest.split_first_chunk::<4>() else { return };
            let index = u32::from_be_bytes(*index) % (1 << 20);
            let ratchet = hazmat::megolm::advance_ratchet(&fixture.ratchet, 0, index);
            let keys = hazmat::megolm::cipher_keys(&ratchet);
            let mut bytes = vec![3u8, 0x08];
            put_varint(&mut bytes, u64::from(index));
            bytes.push(0x12);
            put_varint(&mut bytes, ciphertext.len() as u64);
            bytes.extend_from_slice(ciphertext);
            let mac = hazmat::primitives::hmac_sha256(&keys.mac_key, &bytes);
            bytes.extend_from_slice(&mac[..8]);
            bytes.extend_from_slice(&signer.sign(&bytes).to_bytes());
            let Ok(message) = MegolmMessage::from_bytes(&bytes) else { return };
            let mut session = fixture.inbound.clone_for_fuzzing();
            let expected =
                hazmat::primitives::aes_256_cbc_decrypt(&keys.aes_key, &keys.iv, ciphertext);
            match session.decrypt(&message) {
                Ok(decrypted) => assert_eq!(Some(decrypted.plaintext), expected),
                Err(_) => {
                    assert!(expected.is_none(), "a valid ciphertext was refused");
                    assert_eq!(
                        serde_json::to_value(session.pickle()).unwrap(),
                        fixture.inbound_snapshot
                    );
                }
            }
            return;
        }
    };
    let Ok(message) = MegolmMessage::from_bytes(&bytes) else { return };
    let mut session = fixture.inbound.clone_for_fuzzing();
    match session.decrypt(&message) {
        Err(_) => {
            assert_eq!(serde_json::to_value(session.pickle()).unwrap(), fixture.inbound_snapshot)
        }
        Ok(decrypted) => {
            if mode % 3 == 0 {
                let genuine =
                    fixture.genuine.iter().any(|(b, p)| *b == bytes && *p == decrypted.plaintext);
                assert!(genuine, "an unsigned forgery decrypted");
            }
        }
    }
}

/// `InboundGroupSession` is not `Clone` (as in vodozemac); copy it through its pickle.
trait CloneForFuzzing {
    fn clone_for_fuzzing(&self) -> Self;
}

impl CloneForFuzzing for InboundGroupSession {
    fn clone_for_fuzzing(&self) -> Self {
        InboundGroupSession::from_pickle(self.pickle())
    }
}
