//! The errors of the HPKE channel.

use crate::{Base64DecodeError, KeyError};

/// An HPKE message could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum MessageDecodeError {
    /// The message is shorter than its fixed 32-byte prefix (the encapsulated key or the
    /// response nonce), or a channel message is empty.
    #[error("The message doesn't contain enough bytes to be decoded")]
    MessageIncomplete,
    /// An embedded Curve25519 key could not be decoded. (Not produced by this version's
    /// decoders, whose keys are raw bytes; kept for vodozemac compatibility.)
    #[error("The embedded ephemeral Curve25519 key could not be decoded: {0}")]
    KeyError(#[from] KeyError),
    /// The message is not valid base64.
    #[error("The ciphertext could not be decoded from base64: {0}")]
    Base64(#[from] Base64DecodeError),
}

/// An HPKE channel could not be established, or a message could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A message did not decrypt: it was altered, replayed, reordered, sealed with other
    /// associated data, or not meant for us. Also returned when the initial message's
    /// encapsulated key is of small order, as vodozemac does.
    #[error("Failed decrypting the message")]
    Decryption,
    /// The HPKE operation failed: for the sender, most likely because the recipient's public key
    /// is of small order (`HpkeError::EncapError`).
    #[error("The HPKE operation failed: {0}")]
    Encapsulation(#[from] hpke::HpkeError),
}
