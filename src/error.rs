//! The crate-wide error types, named as in vodozemac 0.11.
//!
//! Protocol modules add their own (`olm::DecryptionError`, `megolm::DecryptionError`, …). Every
//! error that input can cause is one of these types: no input makes salamander panic.

use crate::{codec::protobuf::ProtoBufDecodeError, KeyError, SignatureError};

/// The error of [`crate::base64_decode`] (re-exported from the `base64` crate).
pub use base64::DecodeError as Base64DecodeError;

/// A native (vodozemac-format) pickle could not be decrypted or decoded.
#[derive(Debug, thiserror::Error)]
pub enum PickleError {
    /// The pickle was not valid base64.
    #[error("The pickle wasn't valid base64: {0}")]
    Base64(#[from] Base64DecodeError),
    /// The pickle could not be decrypted: wrong key, or it was altered.
    #[error("The pickle couldn't be decrypted: {0}")]
    Decryption(#[from] crate::cipher::DecryptionError),
    /// The decrypted pickle is not a valid pickle of this type.
    #[error("The pickle couldn't be deserialized: {0}")]
    Serialization(#[from] serde_json::Error),
}

/// A message could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The Olm message type was neither 0 (pre-key) nor 1 (normal).
    #[error("The message has an invalid type, expected 0 or 1, got {0}")]
    MessageType(usize),
    /// The message was empty.
    #[error("The message didn't contain a version")]
    MissingVersion,
    /// The message is too short to hold its fixed parts.
    #[error("The message was too short, it didn't contain a valid payload")]
    MessageTooShort(usize),
    /// The message version is not one salamander knows.
    #[error("The message didn't have a valid version, expected {0}, got {1}")]
    InvalidVersion(u8, u8),
    /// A key inside the message is invalid.
    #[error("The message contained an invalid public key: {0}")]
    InvalidKey(#[from] KeyError),
    /// The MAC has the wrong length.
    #[error("The message contained a MAC with an invalid size, expected {0}, got {1}")]
    InvalidMacLength(usize, usize),
    /// The signature inside the message is malformed.
    #[error("The message contained an invalid Signature: {0}")]
    Signature(#[from] SignatureError),
    /// The payload is not a valid protobuf-style encoding, or lacks a required field.
    #[error(transparent)]
    ProtoBufError(#[from] ProtoBufDecodeError),
    /// The message was not valid base64.
    #[error("The message wasn't valid base64: {0}")]
    Base64(#[from] Base64DecodeError),
}
