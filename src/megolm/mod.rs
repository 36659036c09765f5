//! Megolm: the group ratchet of Matrix rooms (the Matrix specification's
//! [Megolm](https://spec.matrix.org/latest/olm-megolm/megolm/), `m.megolm.v1.aes-sha2`).
//!
//! Each sender has an outbound [`GroupSession`]: a ratchet that moves forward one step per
//! message, and an Ed25519 key that signs every message. It shares the ratchet's current state
//! as a [`SessionKey`] over Olm; each recipient builds an [`InboundGroupSession`] from it and
//! can decrypt that message and every later one, in any order. A leaked inbound session reveals
//! every later message (Megolm has no post-compromise security), so senders rotate sessions.
//!
//! Where the code lives: `ratchet.rs` the four-part ratchet, `message.rs` the wire format,
//! `session_keys.rs` the two key-sharing formats, `group_session.rs` and
//! `inbound_group_session.rs` the two sides.
//!
//! Decryption checks the signature, then derives the ratchet, then checks the MAC, then
//! decrypts; nothing changes until all of them pass. Replay protection is the caller's job: the
//! decrypted [`DecryptedMessage::message_index`] must be unique per session for each event.

mod group_session;
mod inbound_group_session;
#[cfg(feature = "libolm-compat")]
mod libolm;
mod message;
mod ratchet;
mod session_config;
mod session_keys;

pub use group_session::{GroupSession, GroupSessionPickle};
pub use inbound_group_session::{
    DecryptedMessage, DecryptionError, InboundGroupSession, InboundGroupSessionPickle,
    SessionOrdering,
};
pub use message::MegolmMessage;
pub use session_config::SessionConfig;
pub use session_keys::{ExportedSessionKey, SessionKey, SessionKeyDecodeError};

/// A ratchet, for [`crate::hazmat`].
#[cfg(feature = "hazmat")]
pub(crate) fn hazmat_ratchet(data: &[u8; 128], counter: u32) -> ratchet::Ratchet {
    ratchet::Ratchet::from_bytes(Box::new(*data), counter)
}

#[cfg(test)]
mod tests;
