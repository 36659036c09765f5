//! The inbound (receiving) side of a Megolm session.

use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use super::{
    message::MegolmMessage,
    ratchet::{Ratchet, RatchetPickle},
    ExportedSessionKey, GroupSession, SessionConfig, SessionKey,
};
use crate::{
    cipher::{CipherKeys, MacError, UnpadError},
    Ed25519PublicKey, PickleError, SignatureError,
};

/// How two inbound sessions for the same Megolm session relate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionOrdering {
    /// Same session, same first known index.
    Equal,
    /// Same session; this one knows earlier messages.
    Better,
    /// Same session; the other one knows earlier messages.
    Worse,
    /// Different sessions (or one of them is forged).
    Unconnected,
}

/// A Megolm message could not be decrypted. The inbound session is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum DecryptionError {
    /// The message's signature does not verify under the session's key.
    #[error("The signature on the message was invalid: {0}")]
    Signature(#[from] SignatureError),
    /// The MAC does not verify.
    #[error("Failed decrypting Megolm message, invalid MAC: {0}")]
    InvalidMAC(#[from] MacError),
    /// The message has the other session version's MAC length: `(expected, got)`.
    #[error("Failed decrypting Megolm message, invalid MAC length: expected {0}, got {1}")]
    InvalidMACLength(usize, usize),
    /// The plaintext's padding was invalid.
    #[error("Failed decrypting Megolm message, invalid padding")]
    InvalidPadding(#[from] UnpadError),
    /// The message is older than the session's first known index: `(first known, message)`.
    #[error(
        "The message was encrypted using an unknown message index, \
        first known index {0}, index of the message {1}"
    )]
    UnknownMessageIndex(u32, u32),
}

/// A decrypted Megolm message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecryptedMessage {
    /// The plaintext.
    pub plaintext: Vec<u8>,
    /// The index the message was sent at. The same (session, index) carrying two different
    /// plaintexts is a replay: the caller must reject it.
    pub message_index: u32,
}

/// Whether `index` is at or after `start`, modulo 2^32 with libolm's 2^31 window.
const fn at_or_after(index: u32, start: u32) -> bool {
    index.wrapping_sub(start) < (1 << 31)
}

/// The receiving side of a Megolm session.
///
/// It decrypts any message at or after its first known index, in any order: a message older
/// than the latest one decrypted is derived from the first known ratchet. Indices wrap at 2^32
/// as in libolm. A session made from an [`ExportedSessionKey`] starts unverified and becomes
/// verified when a message decrypts under its key ([`InboundGroupSession::is_verified`]).
pub struct InboundGroupSession {
    initial_ratchet: Ratchet,
    latest_ratchet: Ratchet,
    signing_key: Ed25519PublicKey,
    signing_key_verified: bool,
    config: SessionConfig,
}

impl InboundGroupSession {
    /// A session from a signed session key (`m.room_key`): verified.
    pub fn new(key: &SessionKey, session_config: SessionConfig) -> Self {
        Self::from_key(&key.session_key, true, session_config)
    }

    /// A session from an exported key (forwarded key, backup, export file): unverified until a
    /// message decrypts with it.
    pub fn import(session_key: &ExportedSessionKey, session_config: SessionConfig) -> Self {
        Self::from_key(session_key, false, session_config)
    }

    fn from_key(key: &ExportedSessionKey, verified: bool, config: SessionConfig) -> Self {
        let ratchet = key.ratchet();
        Self {
            latest_ratchet: ratchet.clone(),
            initial_ratchet: ratchet,
            signing_key: key.signing_key,
            signing_key_verified: verified,
            config,
        }
    }

    #[cfg(feature = "libolm-compat")]
    pub(crate) fn from_parts(
        initial_ratchet: Ratchet,
        latest_ratchet: Ratchet,
        signing_key: Ed25519PublicKey,
        signing_key_verified: bool,
        config: SessionConfig,
    ) -> Self {
        Self { initial_ratchet, latest_ratchet, signing_key, signing_key_verified, config }
    }

    /// The session id: the unpadded base64 of the sender's Ed25519 session key.
    pub fn session_id(&self) -> String {
        self.signing_key.to_base64()
    }

    /// Whether the session's key is known to be the sender's: created from a signed
    /// [`SessionKey`], or a message has decrypted under it (libolm's `is_verified`).
    pub const fn is_verified(&self) -> bool {
        self.signing_key_verified
    }

    /// The ratchet at `index`, without changing the session; `None` if `index` is before the
    /// first known index.
    fn ratchet_at(&self, index: u32) -> Option<Ratchet> {
        let start = if at_or_after(index, self.latest_ratchet.index()) {
            &self.latest_ratchet
        } else if at_or_after(index, self.initial_ratchet.index()) {
            &self.initial_ratchet
        } else {
            return None;
        };
        let mut ratchet = start.clone();
        if ratchet.index() != index {
            ratchet.advance_to(index);
        }
        Some(ratchet)
    }

    /// Remember `ratchet` as the latest one if it is ahead of it.
    fn cache(&mut self, ratchet: Ratchet) {
        if at_or_after(ratchet.index(), self.latest_ratchet.index()) {
            self.latest_ratchet = ratchet;
        }
    }

    /// Whether both sessions are the same Megolm session: same key, same configuration, and
    /// the ratchet of the one with the later first index is derivable from the other's.
    pub fn connected(&mut self, other: &mut InboundGroupSession) -> bool {
        if self.config != other.config || self.signing_key != other.signing_key {
            return false;
        }
        let (ours, theirs) = (self.first_known_index(), other.first_known_index());
        if at_or_after(theirs, ours) {
            match self.ratchet_at(theirs) {
                Some(ratchet) => ratchet.ct_eq(&other.initial_ratchet).into(),
                None => false,
            }
        } else {
            match other.ratchet_at(ours) {
                Some(ratchet) => self.initial_ratchet.ct_eq(&ratchet).into(),
                None => false,
            }
        }
    }

    /// Compare two inbound sessions: which one knows more of the same session.
    pub fn compare(&mut self, other: &mut InboundGroupSession) -> SessionOrdering {
        if !self.connected(other) {
            return SessionOrdering::Unconnected;
        }
        let (ours, theirs) = (self.first_known_index(), other.first_known_index());
        if ours == theirs {
            SessionOrdering::Equal
        } else if at_or_after(theirs, ours) {
            SessionOrdering::Better
        } else {
            SessionOrdering::Worse
        }
    }

    /// Merge two connected sessions into one that knows as much as both: the lower first index,
    /// verified if either was. `None` if they are not connected.
    pub fn merge(&mut self, other: &mut InboundGroupSession) -> Option<InboundGroupSession> {
        let best = match self.compare(other) {
            SessionOrdering::Equal | SessionOrdering::Better => self.initial_ratchet.clone(),
            SessionOrdering::Worse => other.initial_ratchet.clone(),
            SessionOrdering::Unconnected => return None,
        };
        Some(InboundGroupSession {
            latest_ratchet: best.clone(),
            initial_ratchet: best,
            signing_key: self.signing_key,
            signing_key_verified: self.signing_key_verified || other.signing_key_verified,
            config: self.config,
        })
    }

    /// The lowest index this session can decrypt.
    pub const fn first_known_index(&self) -> u32 {
        self.initial_ratchet.index()
    }

    /// Forget everything before `index`: messages before it can no longer be decrypted or
    /// exported. Returns `false` (and does nothing) if `index` is not after the first known
    /// index.
    pub fn advance_to(&mut self, index: u32) -> bool {
        if !at_or_after(index, self.first_known_index()) || index == self.first_known_index() {
            return false;
        }
        self.initial_ratchet.advance_to(index);
        if !at_or_after(self.latest_ratchet.index(), index) {
            self.latest_ratchet = self.initial_ratchet.clone();
        }
        true
    }

    /// Decrypt a message: signature, then ratchet, then MAC, then AES. On any error the session
    /// is unchanged.
    pub fn decrypt(
        &mut self,
        message: &MegolmMessage,
    ) -> Result<DecryptedMessage, DecryptionError> {
        self.signing_key.verify(message.signature_input(), message.signature())?;
        if message.version() != self.config.message_version() {
            return Err(DecryptionError::InvalidMACLength(
                self.config.mac_length(),
                message.mac().len(),
            ));
        }
        let index = message.message_index();
        let ratchet = self
            .ratchet_at(index)
            .ok_or(DecryptionError::UnknownMessageIndex(self.first_known_index(), index))?;
        let keys = CipherKeys::megolm(ratchet.as_bytes());
        keys.verify_mac(message.mac_input(), message.mac())?;
        let plaintext = keys.decrypt(message.ciphertext())?;

        self.cache(ratchet);
        self.signing_key_verified = true;
        Ok(DecryptedMessage { plaintext, message_index: index })
    }

    /// Export the session at `index` (at or after the first known index), for forwarding or
    /// backup. The export cannot decrypt messages before `index`.
    pub fn export_at(&mut self, index: u32) -> Option<ExportedSessionKey> {
        let ratchet = self.ratchet_at(index)?;
        let exported = ExportedSessionKey::new(&ratchet, self.signing_key);
        self.cache(ratchet);
        Some(exported)
    }

    /// Export the session at its first known index.
    pub fn export_at_first_known_index(&self) -> ExportedSessionKey {
        ExportedSessionKey::new(&self.initial_ratchet, self.signing_key)
    }

    /// The session's state, ready to be serialized and encrypted.
    pub fn pickle(&self) -> InboundGroupSessionPickle {
        InboundGroupSessionPickle {
            initial_ratchet: RatchetPickle::from(&self.initial_ratchet),
            signing_key: self.signing_key,
            signing_key_verified: self.signing_key_verified,
            config: self.config,
        }
    }

    /// Restore a session from its pickle.
    pub fn from_pickle(pickle: InboundGroupSessionPickle) -> Self {
        Self::from(pickle)
    }

    #[cfg(any(test, feature = "libolm-compat"))]
    pub(crate) fn latest_ratchet(&self) -> &Ratchet {
        &self.latest_ratchet
    }

    #[cfg(feature = "libolm-compat")]
    pub(crate) fn initial_ratchet(&self) -> &Ratchet {
        &self.initial_ratchet
    }

    #[cfg(feature = "libolm-compat")]
    pub(crate) const fn signing_key(&self) -> Ed25519PublicKey {
        self.signing_key
    }

    #[cfg(feature = "libolm-compat")]
    pub(crate) const fn session_config(&self) -> SessionConfig {
        self.config
    }
}

impl From<&GroupSession> for InboundGroupSession {
    fn from(session: &GroupSession) -> Self {
        Self::new(&session.session_key(), session.session_config())
    }
}

impl From<InboundGroupSessionPickle> for InboundGroupSession {
    fn from(pickle: InboundGroupSessionPickle) -> Self {
        let ratchet: Ratchet = pickle.initial_ratchet.into();
        Self {
            latest_ratchet: ratchet.clone(),
            initial_ratchet: ratchet,
            signing_key: pickle.signing_key,
            signing_key_verified: pickle.signing_key_verified,
            config: pickle.config,
        }
    }
}

impl<'de> Deserialize<'de> for InboundGroupSession {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(InboundGroupSessionPickle::deserialize(deserializer)?.into())
    }
}

impl std::fmt::Debug for InboundGroupSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InboundGroupSession")
            .field("session_id", &self.session_id())
            .field("first_known_index", &self.first_known_index())
            .field("verified", &self.signing_key_verified)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// An [`InboundGroupSession`]'s state as a `serde` value; see the [pickle module](crate::pickle).
///
/// Layout (vodozemac 0.11): `{"initial_ratchet": {"inner": [128], "counter": n}, "signing_key":
/// [32], "signing_key_verified": bool, "config": {"version": "V1"}}`. Only the first known
/// ratchet is stored; `config` defaults to version 1.
#[derive(Serialize, Deserialize)]
pub struct InboundGroupSessionPickle {
    initial_ratchet: RatchetPickle,
    signing_key: Ed25519PublicKey,
    signing_key_verified: bool,
    #[serde(default = "SessionConfig::version_1")]
    config: SessionConfig,
}

impl InboundGroupSessionPickle {
    /// Serialize and encrypt the pickle under `pickle_key`.
    pub fn encrypt(self, pickle_key: &[u8; 32]) -> String {
        crate::pickle::encrypt(&self, pickle_key)
    }

    /// Decrypt and deserialize a pickle made by [`InboundGroupSessionPickle::encrypt`] (or
    /// vodozemac).
    pub fn from_encrypted(ciphertext: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        crate::pickle::decrypt(ciphertext, pickle_key)
    }
}

impl From<&InboundGroupSession> for InboundGroupSessionPickle {
    fn from(session: &InboundGroupSession) -> Self {
        session.pickle()
    }
}
