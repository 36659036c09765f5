//! Olm: the double ratchet between two devices (the Matrix specification's
//! [Olm](https://spec.matrix.org/latest/olm-megolm/olm/), `m.olm.v1.curve25519-aes-sha2`).
//!
//! An [`Account`] holds a device's identity keys and one-time keys. Alice starts a [`Session`]
//! from Bob's identity key and one of his one-time keys
//! ([`Account::create_outbound_session`]); her first messages are [`PreKeyMessage`]s, from which
//! Bob creates his side ([`Account::create_inbound_session`]). From then on each message
//! advances a chain of symmetric keys, and each change of direction takes a fresh
//! Diffie-Hellman step, so a stolen session heals once both sides have spoken again (forward
//! secrecy per message, post-compromise security per round trip).
//!
//! Where the code lives:
//! - `account/`: identity keys, the one-time key store and the fallback keys;
//! - `shared_secret.rs`: the triple Diffie-Hellman;
//! - `session/`: the double ratchet (`root.rs` the Diffie-Hellman step, `chain.rs` the
//!   symmetric chains, `sending.rs` our side, `receiver_chain.rs` theirs with the skipped-key
//!   store and its limits, `pickle.rs` the persisted layout);
//! - `messages/`: the wire format.
//!
//! Bounded state: [`MAX_MESSAGE_GAP`], [`MAX_SKIPPED_MESSAGE_KEYS`], [`MAX_RECEIVING_CHAINS`],
//! [`MAX_ONE_TIME_KEYS`]; each is tested at the limit and one past it.

mod account;
mod messages;
mod session;
mod session_config;
mod session_keys;
mod shared_secret;

pub use account::{
    Account, AccountPickle, DehydratedDeviceResult, IdentityKeys, InboundCreationResult,
    OneTimeKeyGenerationResult, SessionCreationError, MAX_ONE_TIME_KEYS, PUBLIC_MAX_ONE_TIME_KEYS,
};
pub use messages::{Message, MessageType, OlmMessage, PreKeyMessage};
pub use session::{
    DecryptionError, EncryptionError, RatchetPublicKey, Session, SessionPickle, MAX_MESSAGE_GAP,
    MAX_RECEIVING_CHAINS, MAX_SKIPPED_MESSAGE_KEYS,
};
pub use session_config::SessionConfig;
pub use session_keys::SessionKeys;

/// A chain key, for [`crate::hazmat`].
#[cfg(feature = "hazmat")]
pub(crate) fn hazmat_chain(key: &[u8; 32]) -> session::ChainKey {
    session::ChainKey::new(Box::new(*key))
}
