//! An Olm session: the double ratchet between two devices.
//!
//! A session starts from the triple Diffie-Hellman secret
//! ([`Account::create_outbound_session`](super::Account::create_outbound_session) /
//! [`create_inbound_session`](super::Account::create_inbound_session)). Each side then sends
//! on chains of its own; every change of direction takes a Diffie-Hellman step on the root key
//! with fresh ratchet keys, which heals the session after a compromise (Olm specification,
//! "The double ratchet").
//!
//! Decryption is transactional: the key for a message is found or derived on copies, the MAC is
//! checked, the ciphertext decrypted, and only then is the new state committed. A message that
//! fails in any way leaves the session exactly as it was.

mod chain;
#[cfg(feature = "libolm-compat")]
mod libolm;
mod pickle;
mod receiver_chain;
mod root;
mod sending;

use std::fmt;

use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};

pub(crate) use self::{
    chain::{ChainKey, MessageKey},
    receiver_chain::{ReceiverChain, SkippedKey},
    root::{split_root_and_chain, RootKey},
    sending::{ActiveRatchet, InactiveRatchet, SendingRatchet},
};
pub use self::{
    pickle::SessionPickle,
    receiver_chain::{MAX_MESSAGE_GAP, MAX_SKIPPED_MESSAGE_KEYS},
};
use super::{Message, OlmMessage, PreKeyMessage, SessionConfig, SessionKeys};
use crate::{
    cipher::{CipherKeys, MacError, UnpadError},
    rng::OsRng,
    types::Curve25519Keypair,
    Curve25519PublicKey,
};

/// How many receiving chains a session keeps; the oldest is dropped (libolm and vodozemac: 5).
pub const MAX_RECEIVING_CHAINS: usize = 5;

/// A message could not be decrypted. The session is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum DecryptionError {
    /// The MAC did not verify: the message was altered, forged, or is not for this session.
    #[error("Failed decrypting Olm message, invalid MAC: {0}")]
    InvalidMAC(#[from] MacError),
    /// The message has the other session version's MAC length: `(expected, got)`.
    #[error("Failed decrypting Olm message, invalid MAC length: expected {0}, got {1}")]
    InvalidMACLength(usize, usize),
    /// The plaintext's padding was invalid.
    #[error("Failed decrypting Olm message, invalid padding")]
    InvalidPadding(#[from] UnpadError),
    /// The message's ratchet key is of small order.
    #[error(
        "One or more keys lacked contributory behavior in the Diffie-Hellman operation, \
         resulting in an insecure shared secret"
    )]
    NonContributoryKey,
    /// The message's key is no longer stored: it was already used, or was skipped too long ago.
    #[error("The message key with the given key can't be created, message index: {0}")]
    MissingMessageKey(u64),
    /// The message is too far ahead of its chain: `(gap, maximum)`.
    #[error("The message gap was too big, got {0}, max allowed {1}")]
    TooBigMessageGap(u64, u64),
}

/// A message could not be encrypted. The session is unchanged.
#[derive(Debug, thiserror::Error)]
pub enum EncryptionError {
    /// The other side's ratchet key is of small order.
    #[error(
        "One or more keys lacked contributory behavior in the Diffie-Hellman operation, \
         resulting in an insecure shared secret"
    )]
    NonContributoryKey,
}

/// How many times the root key has been stepped (diagnostics; unknown for libolm sessions).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum RatchetCount {
    Known(u64),
    Unknown(()),
}

impl RatchetCount {
    pub(crate) const fn new() -> Self {
        RatchetCount::Known(0)
    }

    pub(crate) const fn unknown() -> Self {
        RatchetCount::Unknown(())
    }

    pub(crate) fn advance(&self) -> Self {
        match self {
            RatchetCount::Known(count) => RatchetCount::Known(count.saturating_add(1)),
            RatchetCount::Unknown(()) => RatchetCount::Unknown(()),
        }
    }
}

impl fmt::Debug for RatchetCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RatchetCount::Known(count) => count.fmt(f),
            RatchetCount::Unknown(()) => f.write_str("<unknown>"),
        }
    }
}

/// The public half of a ratchet key `T_i`.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct RatchetPublicKey(Curve25519PublicKey);

impl From<[u8; 32]> for RatchetPublicKey {
    fn from(bytes: [u8; 32]) -> Self {
        Self(Curve25519PublicKey::from_bytes(bytes))
    }
}

impl AsRef<Curve25519PublicKey> for RatchetPublicKey {
    fn as_ref(&self) -> &Curve25519PublicKey {
        &self.0
    }
}

/// An Olm session with one other device.
///
/// ```
/// use salamander::olm::{Account, OlmMessage, SessionConfig};
///
/// let alice = Account::new();
/// let mut bob = Account::new();
/// bob.generate_one_time_keys(1);
/// let bob_otk = *bob.one_time_keys().values().next().unwrap();
/// bob.mark_keys_as_published();
///
/// let mut alice_session = alice
///     .create_outbound_session(SessionConfig::version_1(), bob.curve25519_key(), bob_otk)
///     .unwrap();
/// let OlmMessage::PreKey(first) = alice_session.encrypt("Hello Bob").unwrap() else {
///     unreachable!("a session that has not received sends pre-key messages")
/// };
///
/// let result = bob
///     .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &first)
///     .unwrap();
/// let mut bob_session = result.session;
/// assert_eq!(result.plaintext, b"Hello Bob");
///
/// let reply = bob_session.encrypt("Hello Alice").unwrap();
/// assert_eq!(alice_session.decrypt(&reply).unwrap(), b"Hello Alice");
/// assert_eq!(alice_session.session_id(), bob_session.session_id());
/// ```
#[derive(Clone)]
pub struct Session {
    session_keys: SessionKeys,
    sending_ratchet: SendingRatchet,
    receiving_chains: Vec<ReceiverChain>,
    config: SessionConfig,
}

impl Session {
    /// The initiator's session, straight after the triple Diffie-Hellman.
    pub(super) fn new_outbound(
        config: SessionConfig,
        session_keys: SessionKeys,
        root_key: RootKey,
        chain_key: ChainKey,
        ratchet_key: Curve25519Keypair,
    ) -> Self {
        let active = ActiveRatchet {
            root_key,
            ratchet_key,
            chain_key,
            parent_ratchet_key: None,
            ratchet_count: RatchetCount::new(),
        };
        Self {
            session_keys,
            sending_ratchet: SendingRatchet::Active(Box::new(active)),
            receiving_chains: Vec::new(),
            config,
        }
    }

    /// The responder's session, straight after the triple Diffie-Hellman: the initiator's first
    /// ratchet key opens our first receiving chain.
    pub(super) fn new_inbound(
        config: SessionConfig,
        session_keys: SessionKeys,
        root_key: RootKey,
        chain_key: ChainKey,
        their_ratchet_key: Curve25519PublicKey,
    ) -> Self {
        let inactive =
            InactiveRatchet { root_key, their_ratchet_key, ratchet_count: RatchetCount::new() };
        let chain = ReceiverChain::new(their_ratchet_key, chain_key, RatchetCount::new());
        Self {
            session_keys,
            sending_ratchet: SendingRatchet::Inactive(Box::new(inactive)),
            receiving_chains: vec![chain],
            config,
        }
    }

    pub(crate) fn from_parts(
        session_keys: SessionKeys,
        sending_ratchet: SendingRatchet,
        receiving_chains: Vec<ReceiverChain>,
        config: SessionConfig,
    ) -> Self {
        Self { session_keys, sending_ratchet, receiving_chains, config }
    }

    /// The session id, unpadded base64 of `SHA-256(I_A ‖ E_A ‖ E_B)`; equal on both sides.
    pub fn session_id(&self) -> String {
        self.session_keys.session_id()
    }

    /// Whether this session has decrypted a message from the other side. Until it has, it
    /// sends pre-key messages.
    pub const fn has_received_message(&self) -> bool {
        !self.receiving_chains.is_empty()
    }

    /// Encrypt `plaintext`: a [`PreKeyMessage`] until the session has received a message,
    /// then a normal [`Message`].
    pub fn encrypt(&mut self, plaintext: impl AsRef<[u8]>) -> Result<OlmMessage, EncryptionError> {
        self.encrypt_with_rng(plaintext.as_ref(), &mut OsRng)
    }

    /// [`Session::encrypt`] drawing the new ratchet key (needed on the first message after a
    /// change of direction) from `rng`. For known-answer tests.
    pub fn encrypt_with_rng<R: CryptoRng + ?Sized>(
        &mut self,
        plaintext: &[u8],
        rng: &mut R,
    ) -> Result<OlmMessage, EncryptionError> {
        if let SendingRatchet::Inactive(inactive) = &self.sending_ratchet {
            let active = inactive.activate(rng).ok_or(EncryptionError::NonContributoryKey)?;
            self.sending_ratchet = SendingRatchet::Active(Box::new(active));
        }
        let SendingRatchet::Active(active) = &mut self.sending_ratchet else {
            return Err(EncryptionError::NonContributoryKey);
        };

        let message_key = active.chain_key.message_key();
        let message = Message::encrypt(
            self.config.message_version(),
            active.ratchet_key.public_key(),
            active.chain_key.index(),
            &CipherKeys::olm(message_key.as_bytes()),
            plaintext,
        );
        active.chain_key.advance();

        Ok(if self.has_received_message() {
            OlmMessage::Normal(message)
        } else {
            OlmMessage::PreKey(PreKeyMessage::wrap(self.session_keys, message))
        })
    }

    /// The three keys the session was created from.
    pub const fn session_keys(&self) -> SessionKeys {
        self.session_keys
    }

    /// The session's protocol version.
    pub const fn session_config(&self) -> SessionConfig {
        self.config
    }

    /// Decrypt a message. On any error the session is left exactly as it was.
    ///
    /// A pre-key message must carry this session's keys (find the session with
    /// [`PreKeyMessage::session_id`]); one that names other keys is refused as
    /// [`DecryptionError::InvalidMAC`] even if its inner message would decrypt, because the
    /// outer keys are only authenticated by the session they create.
    pub fn decrypt(&mut self, message: &OlmMessage) -> Result<Vec<u8>, DecryptionError> {
        match message {
            OlmMessage::Normal(message) => self.decrypt_message(message),
            OlmMessage::PreKey(message) => {
                if message.session_keys() != self.session_keys {
                    return Err(DecryptionError::InvalidMAC(MacError));
                }
                self.decrypt_message(message.message())
            }
        }
    }

    pub(super) fn decrypt_message(
        &mut self,
        message: &Message,
    ) -> Result<Vec<u8>, DecryptionError> {
        if message.version() != self.config.message_version() {
            return Err(DecryptionError::InvalidMACLength(
                self.config.mac_length(),
                message.mac().len(),
            ));
        }

        let ratchet_key = message.ratchet_key();
        let index = message.chain_index();
        if let Some(chain) = self.receiving_chains.iter_mut().find(|c| c.ratchet_key == ratchet_key)
        {
            let plan = chain.plan(index)?;
            let plaintext = open(plan.key(), message)?;
            chain.apply(plan);
            return Ok(plaintext);
        }

        // A new chain from the other side: only possible after we sent on a chain of our own.
        let SendingRatchet::Active(active) = &self.sending_ratchet else {
            return Err(DecryptionError::InvalidMAC(MacError));
        };
        if index > MAX_MESSAGE_GAP {
            return Err(DecryptionError::TooBigMessageGap(index, MAX_MESSAGE_GAP));
        }
        let (inactive, chain_key) =
            active.receive(ratchet_key).ok_or(DecryptionError::NonContributoryKey)?;
        let mut chain = ReceiverChain::new(ratchet_key, chain_key, inactive.ratchet_count.clone());
        let plan = chain.plan(index)?;
        let plaintext = open(plan.key(), message)?;
        chain.apply(plan);

        self.sending_ratchet = SendingRatchet::Inactive(Box::new(inactive));
        if self.receiving_chains.len() >= MAX_RECEIVING_CHAINS {
            let excess = self.receiving_chains.len() + 1 - MAX_RECEIVING_CHAINS;
            self.receiving_chains.drain(..excess);
        }
        self.receiving_chains.push(chain);
        Ok(plaintext)
    }

    /// The session's state, ready to be serialized and encrypted.
    pub fn pickle(&self) -> SessionPickle {
        SessionPickle::from_session(self)
    }

    /// Restore a session from its pickle.
    pub fn from_pickle(pickle: SessionPickle) -> Self {
        pickle.into_session()
    }

    pub(crate) const fn sending_ratchet(&self) -> &SendingRatchet {
        &self.sending_ratchet
    }

    pub(crate) const fn receiving_chains(&self) -> &Vec<ReceiverChain> {
        &self.receiving_chains
    }
}

/// Check the MAC, then decrypt.
fn open(key: &MessageKey, message: &Message) -> Result<Vec<u8>, DecryptionError> {
    let keys = CipherKeys::olm(key.as_bytes());
    keys.verify_mac(message.authenticated_bytes(), message.mac())?;
    Ok(keys.decrypt(message.ciphertext())?)
}

impl From<SessionPickle> for Session {
    fn from(pickle: SessionPickle) -> Self {
        Self::from_pickle(pickle)
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("session_id", &self.session_id())
            .field("sending_ratchet", &self.sending_ratchet)
            .field("receiving_chains", &self.receiving_chains)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
pub(crate) mod tests;
