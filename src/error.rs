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

/// A libolm pickle could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum LibolmPickleError {
    /// The decrypted pickle is shorter than its version number.
    #[error("The pickle doesn't contain a version")]
    MissingVersion,
    /// The pickle's version is not one salamander reads: `(expected, got)`. An Account pickle
    /// of version 1 is refused on purpose, as libolm refuses it: libolm ≤ 1.0 kept only 32 bytes
    /// of the Ed25519 key, and keys pickled that way must be considered compromised.
    #[error("The pickle uses an unsupported version, expected {0}, got {1}")]
    Version(u32, u32),
    /// The pickle was not valid base64.
    #[error("The pickle wasn't valid base64: {0}")]
    Base64(#[from] Base64DecodeError),
    /// The pickle could not be decrypted: wrong key, or it was altered.
    #[error("The pickle couldn't be decrypted: {0}")]
    Decryption(#[from] crate::cipher::DecryptionError),
    /// The pickle holds a key that is not valid.
    #[error("The pickle contained an invalid public key {0}")]
    PublicKey(#[from] KeyError),
    /// The Olm session in the pickle has neither a sending nor a receiving chain.
    #[error("The pickle didn't contain a valid Olm session")]
    InvalidSession,
    /// The decrypted pickle is not a valid libolm pickle of this type.
    #[error(transparent)]
    Decode(#[from] crate::pickle::LibolmDecodeError),
    /// The state cannot be written as a libolm pickle.
    #[error(transparent)]
    Encode(#[from] crate::pickle::LibolmEncodeError),
}

/// A dehydrated device (MSC3814) could not be made or restored.
#[derive(Debug, thiserror::Error)]
pub enum DehydratedDeviceError {
    /// The decrypted device is shorter than its version number.
    #[error("The pickle doesn't contain a version")]
    MissingVersion,
    /// The device's format version is not 1: `(expected, got)`.
    #[error("The pickle uses an unsupported version, expected {0}, got {1}")]
    Version(u32, u32),
    /// The nonce is not 12 bytes.
    #[error("The nonce was invalid")]
    InvalidNonce,
    /// The ciphertext or nonce was not valid base64.
    #[error("The pickle wasn't valid base64: {0}")]
    Base64(#[from] Base64DecodeError),
    /// The ciphertext did not decrypt: wrong key, or it was altered.
    #[error("The pickle couldn't be decrypted: {0}")]
    Decryption(#[from] chacha20poly1305::aead::Error),
    /// The decrypted device is malformed.
    #[error(transparent)]
    LibolmPickle(#[from] LibolmPickleError),
    /// The account was imported from libolm: it has no Ed25519 seed, which the format needs.
    #[error("The Account can't be turned into a dehydrated device since it was created by libolm")]
    InvalidAccount,
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
