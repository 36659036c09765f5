//! The outbound (sending) side of a Megolm session.

use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{
    message::MegolmMessage,
    ratchet::{Ratchet, RatchetPickle, RATCHET_LENGTH},
    SessionConfig, SessionKey,
};
use crate::{cipher::CipherKeys, rng::OsRng, Ed25519Keypair, PickleError};

/// The sending side of a Megolm session: a ratchet and the Ed25519 key that signs every
/// message.
///
/// ```
/// use salamander::megolm::{GroupSession, InboundGroupSession, SessionConfig};
///
/// let mut outbound = GroupSession::new(SessionConfig::version_1());
/// let mut inbound = InboundGroupSession::new(&outbound.session_key(), SessionConfig::version_1());
/// let message = outbound.encrypt("Hello room");
/// let decrypted = inbound.decrypt(&message).unwrap();
/// assert_eq!(decrypted.plaintext, b"Hello room");
/// assert_eq!(decrypted.message_index, 0);
/// assert_eq!(outbound.session_id(), inbound.session_id());
/// ```
pub struct GroupSession {
    ratchet: Ratchet,
    signing_key: Ed25519Keypair,
    config: SessionConfig,
}

impl GroupSession {
    /// A new session with a random ratchet and signing key.
    pub fn new(config: SessionConfig) -> Self {
        Self::new_with_rng(config, &mut OsRng)
    }

    /// [`GroupSession::new`] drawing from `rng`: 128 bytes of ratchet, then the 32-byte Ed25519
    /// seed, the order libolm consumes its 160 random bytes in. For known-answer tests.
    pub fn new_with_rng<R: CryptoRng + ?Sized>(config: SessionConfig, rng: &mut R) -> Self {
        let mut data = Zeroizing::new([0u8; RATCHET_LENGTH]);
        rng.fill_bytes(data.as_mut_slice());
        let ratchet = Ratchet::new_random(&data);
        let signing_key = Ed25519Keypair::new_with_rng(rng);
        Self { ratchet, signing_key, config }
    }

    /// The session id: the unpadded base64 of the session's Ed25519 public key.
    pub fn session_id(&self) -> String {
        self.signing_key.public_key().to_base64()
    }

    /// The index the next message will be encrypted at.
    pub const fn message_index(&self) -> u32 {
        self.ratchet.index()
    }

    /// The session's protocol version.
    pub const fn session_config(&self) -> SessionConfig {
        self.config
    }

    /// Encrypt `plaintext` at the current index, then advance the ratchet.
    pub fn encrypt(&mut self, plaintext: impl AsRef<[u8]>) -> MegolmMessage {
        let keys = CipherKeys::megolm(self.ratchet.as_bytes());
        let message = MegolmMessage::encrypt(
            self.config.message_version(),
            self.ratchet.index(),
            &keys,
            &self.signing_key,
            plaintext.as_ref(),
        );
        self.ratchet.advance();
        message
    }

    /// The signed key to share with the room (`m.room_key`), at the current index: it cannot
    /// decrypt messages sent before it.
    pub fn session_key(&self) -> SessionKey {
        SessionKey::signed(&self.ratchet, &self.signing_key)
    }

    /// The session's state, ready to be serialized and encrypted.
    pub fn pickle(&self) -> GroupSessionPickle {
        GroupSessionPickle {
            ratchet: RatchetPickle::from(&self.ratchet),
            signing_key: self.signing_key.clone(),
            config: self.config,
        }
    }

    /// Restore a session from its pickle.
    pub fn from_pickle(pickle: GroupSessionPickle) -> Self {
        Self {
            ratchet: pickle.ratchet.into(),
            signing_key: pickle.signing_key,
            config: pickle.config,
        }
    }

    #[cfg(any(test, feature = "libolm-compat"))]
    pub(crate) fn ratchet(&self) -> &Ratchet {
        &self.ratchet
    }

    #[cfg(any(test, feature = "libolm-compat"))]
    pub(crate) fn signing_key(&self) -> &Ed25519Keypair {
        &self.signing_key
    }

    #[cfg(any(test, feature = "libolm-compat"))]
    pub(crate) fn from_parts(
        ratchet: Ratchet,
        signing_key: Ed25519Keypair,
        config: SessionConfig,
    ) -> Self {
        Self { ratchet, signing_key, config }
    }
}

impl Default for GroupSession {
    fn default() -> Self {
        Self::new(SessionConfig::default())
    }
}

impl From<GroupSessionPickle> for GroupSession {
    fn from(pickle: GroupSessionPickle) -> Self {
        Self::from_pickle(pickle)
    }
}

impl std::fmt::Debug for GroupSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupSession")
            .field("session_id", &self.session_id())
            .field("message_index", &self.message_index())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A [`GroupSession`]'s whole state as a `serde` value; see the [pickle module](crate::pickle).
///
/// Layout (vodozemac 0.11): `{"ratchet": {"inner": [128], "counter": n}, "signing_key":
/// {"Normal": [32]}, "config": {"version": "V1"}}`; `config` defaults to version 1.
#[derive(Serialize, Deserialize)]
pub struct GroupSessionPickle {
    ratchet: RatchetPickle,
    signing_key: Ed25519Keypair,
    #[serde(default = "SessionConfig::version_1")]
    config: SessionConfig,
}

impl GroupSessionPickle {
    /// Serialize and encrypt the pickle under `pickle_key`.
    pub fn encrypt(self, pickle_key: &[u8; 32]) -> String {
        crate::pickle::encrypt(&self, pickle_key)
    }

    /// Decrypt and deserialize a pickle made by [`GroupSessionPickle::encrypt`] (or vodozemac).
    pub fn from_encrypted(ciphertext: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        crate::pickle::decrypt(ciphertext, pickle_key)
    }
}
