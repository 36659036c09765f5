//! The two ways a Megolm session's ratchet is shared.
//!
//! | | [`SessionKey`] (`m.room_key`) | [`ExportedSessionKey`] (forwarded keys, backups, exports) |
//! |---|---|---|
//! | layout | `0x02 ‖ index (u32 BE) ‖ R (128) ‖ K_pub (32) ‖ signature (64)` | `0x01 ‖ index ‖ R ‖ K_pub` |
//! | size | 229 bytes | 165 bytes |
//! | authenticity | signed by the session's key; checked when decoded | none: the session is *unverified* until a message decrypts |
//!
//! Both are secret (they hold the ratchet): they are zeroized on drop and encoded and decoded
//! in constant time. Lengths are exact; trailing bytes are an error.

use std::io;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::ratchet::{Ratchet, RATCHET_LENGTH};
use crate::{
    codec::base64::{decode_secret, encode_secret},
    Ed25519PublicKey, Ed25519Signature, KeyError, SignatureError,
};

const EXPORTED_VERSION: u8 = 1;
const SESSION_KEY_VERSION: u8 = 2;
/// Length of an exported session key.
pub(crate) const EXPORTED_LENGTH: usize = 1 + 4 + RATCHET_LENGTH + Ed25519PublicKey::LENGTH;
/// Length of a session-sharing key.
pub(crate) const SESSION_KEY_LENGTH: usize = EXPORTED_LENGTH + Ed25519Signature::LENGTH;

/// A session key could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum SessionKeyDecodeError {
    /// The version byte is wrong: `(expected, got)`.
    #[error("The session key had a invalid version, expected {0}, got {1}")]
    Version(u8, u8),
    /// The key is shorter or longer than its fixed length.
    #[error("The session key was too short {0}")]
    Read(#[from] io::Error),
    /// The key was not valid base64.
    #[error("The session key wasn't valid base64: {0}")]
    Base64(#[from] base64ct::Error),
    /// The signature of a [`SessionKey`] did not verify.
    #[error("The signature on the session key was invalid: {0}")]
    Signature(#[from] SignatureError),
    /// The embedded Ed25519 key is not a valid point.
    #[error("The public key of session was invalid: {0}")]
    PublicKey(#[from] KeyError),
}

fn wrong_length(expected: usize, got: usize) -> SessionKeyDecodeError {
    let kind =
        if got < expected { io::ErrorKind::UnexpectedEof } else { io::ErrorKind::InvalidData };
    SessionKeyDecodeError::Read(io::Error::new(
        kind,
        format!("a session key of this version has {expected} bytes, got {got}"),
    ))
}

/// A ratchet and the session's public key, without a signature.
pub struct ExportedSessionKey {
    pub(crate) ratchet_index: u32,
    pub(crate) ratchet: Box<[u8; RATCHET_LENGTH]>,
    pub(crate) signing_key: Ed25519PublicKey,
}

impl ExportedSessionKey {
    pub(crate) fn new(ratchet: &Ratchet, signing_key: Ed25519PublicKey) -> Self {
        Self { ratchet_index: ratchet.index(), ratchet: Box::new(*ratchet.as_bytes()), signing_key }
    }

    pub(crate) fn ratchet(&self) -> Ratchet {
        Ratchet::from_bytes(self.ratchet.clone(), self.ratchet_index)
    }

    fn encode(&self, version: u8) -> Zeroizing<Vec<u8>> {
        let mut bytes = Zeroizing::new(Vec::with_capacity(SESSION_KEY_LENGTH));
        bytes.push(version);
        bytes.extend_from_slice(&self.ratchet_index.to_be_bytes());
        bytes.extend_from_slice(self.ratchet.as_slice());
        bytes.extend_from_slice(self.signing_key.as_bytes());
        bytes
    }

    /// Parse the 165 bytes both formats start with.
    fn decode(version: u8, bytes: &[u8]) -> Result<Self, SessionKeyDecodeError> {
        let got = *bytes.first().ok_or_else(|| wrong_length(EXPORTED_LENGTH, 0))?;
        if got != version {
            return Err(SessionKeyDecodeError::Version(version, got));
        }
        let (index, rest) = bytes
            .get(1..)
            .and_then(|b| b.split_first_chunk::<4>())
            .ok_or_else(|| wrong_length(EXPORTED_LENGTH, bytes.len()))?;
        let (ratchet, rest) = rest
            .split_first_chunk::<RATCHET_LENGTH>()
            .ok_or_else(|| wrong_length(EXPORTED_LENGTH, bytes.len()))?;
        let (public_key, _) = rest
            .split_first_chunk::<32>()
            .ok_or_else(|| wrong_length(EXPORTED_LENGTH, bytes.len()))?;
        Ok(Self {
            ratchet_index: u32::from_be_bytes(*index),
            ratchet: Box::new(*ratchet),
            signing_key: Ed25519PublicKey::from_slice(public_key)?,
        })
    }

    /// The encoded key (165 bytes). Secret: zeroize it when done.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode(EXPORTED_VERSION).to_vec()
    }

    /// Decode an exported key of exactly 165 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SessionKeyDecodeError> {
        if bytes.len() != EXPORTED_LENGTH && bytes.first() == Some(&EXPORTED_VERSION) {
            return Err(wrong_length(EXPORTED_LENGTH, bytes.len()));
        }
        Self::decode(EXPORTED_VERSION, bytes)
    }

    /// The key as unpadded base64 (constant-time encoding).
    pub fn to_base64(&self) -> String {
        encode_secret(&self.encode(EXPORTED_VERSION))
    }

    /// Decode an exported key from base64 (constant-time decoding).
    pub fn from_base64(key: &str) -> Result<Self, SessionKeyDecodeError> {
        Self::from_bytes(&decode_secret(key)?)
    }
}

impl Zeroize for ExportedSessionKey {
    fn zeroize(&mut self) {
        self.ratchet_index.zeroize();
        self.ratchet.zeroize();
    }
}

impl Drop for ExportedSessionKey {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl TryFrom<&[u8]> for ExportedSessionKey {
    type Error = SessionKeyDecodeError;

    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        Self::from_bytes(bytes)
    }
}

impl TryFrom<&str> for ExportedSessionKey {
    type Error = SessionKeyDecodeError;

    fn try_from(key: &str) -> Result<Self, Self::Error> {
        Self::from_base64(key)
    }
}

impl Serialize for ExportedSessionKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Zeroizing::new(self.to_base64()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ExportedSessionKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let encoded = Zeroizing::new(String::deserialize(deserializer)?);
        Self::from_base64(&encoded).map_err(serde::de::Error::custom)
    }
}

/// A ratchet and the session's public key, signed by the session's key.
pub struct SessionKey {
    pub(crate) session_key: ExportedSessionKey,
    pub(crate) signature: Ed25519Signature,
}

impl SessionKey {
    pub(crate) fn signed(ratchet: &Ratchet, signing_key: &crate::Ed25519Keypair) -> Self {
        let session_key = ExportedSessionKey::new(ratchet, signing_key.public_key());
        let signature = signing_key.sign(&session_key.encode(SESSION_KEY_VERSION));
        Self { session_key, signature }
    }

    /// The encoded key (229 bytes). Secret: zeroize it when done.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = self.session_key.encode(SESSION_KEY_VERSION);
        bytes.extend_from_slice(&self.signature.to_bytes());
        bytes.to_vec()
    }

    /// Decode a session key of exactly 229 bytes and check its signature.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SessionKeyDecodeError> {
        if bytes.len() != SESSION_KEY_LENGTH && bytes.first() == Some(&SESSION_KEY_VERSION) {
            return Err(wrong_length(SESSION_KEY_LENGTH, bytes.len()));
        }
        let session_key = ExportedSessionKey::decode(SESSION_KEY_VERSION, bytes)?;
        let (signed, signature) = bytes.split_at(EXPORTED_LENGTH);
        let signature = Ed25519Signature::from_slice(signature)?;
        session_key.signing_key.verify(signed, &signature)?;
        Ok(Self { session_key, signature })
    }

    /// The key as unpadded base64 (constant-time encoding).
    pub fn to_base64(&self) -> String {
        let bytes = Zeroizing::new(self.to_bytes());
        encode_secret(&bytes)
    }

    /// Decode a session key from base64 (constant-time decoding) and check its signature.
    pub fn from_base64(key: &str) -> Result<Self, SessionKeyDecodeError> {
        Self::from_bytes(&decode_secret(key)?)
    }
}

impl Zeroize for SessionKey {
    fn zeroize(&mut self) {
        self.session_key.zeroize();
    }
}

impl Drop for SessionKey {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl TryFrom<&[u8]> for SessionKey {
    type Error = SessionKeyDecodeError;

    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        Self::from_bytes(bytes)
    }
}

impl TryFrom<&str> for SessionKey {
    type Error = SessionKeyDecodeError;

    fn try_from(key: &str) -> Result<Self, Self::Error> {
        Self::from_base64(key)
    }
}

impl Serialize for SessionKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Zeroizing::new(self.to_base64()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SessionKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let encoded = Zeroizing::new(String::deserialize(deserializer)?);
        Self::from_base64(&encoded).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Ed25519Keypair;

    /// A key of the right version but the wrong length: too short reads as an unexpected end
    /// of input, too long as invalid data (the `io::ErrorKind`s vodozemac's reader gives).
    #[test]
    fn wrong_lengths_have_their_error_kinds() {
        let kind = |result: Result<(), SessionKeyDecodeError>| match result {
            Err(SessionKeyDecodeError::Read(error)) => error.kind(),
            other => panic!("expected a read error, got {other:?}"),
        };
        for (version, length) in
            [(EXPORTED_VERSION, EXPORTED_LENGTH), (SESSION_KEY_VERSION, SESSION_KEY_LENGTH)]
        {
            let short = vec![version; length - 1];
            let long = vec![version; length + 1];
            let decode = |bytes: &[u8]| match version {
                EXPORTED_VERSION => ExportedSessionKey::from_bytes(bytes).map(drop),
                _ => SessionKey::from_bytes(bytes).map(drop),
            };
            assert_eq!(kind(decode(&short)), io::ErrorKind::UnexpectedEof);
            assert_eq!(kind(decode(&long)), io::ErrorKind::InvalidData);
        }
    }

    fn sample() -> (SessionKey, ExportedSessionKey) {
        let ratchet = Ratchet::from_bytes(Box::new([7; 128]), 42);
        let key = Ed25519Keypair::new();
        (SessionKey::signed(&ratchet, &key), ExportedSessionKey::new(&ratchet, key.public_key()))
    }

    #[test]
    fn lengths_and_round_trips() {
        let (session_key, exported) = sample();
        assert_eq!(session_key.to_bytes().len(), 229);
        assert_eq!(session_key.to_base64().len(), 306);
        assert_eq!(exported.to_bytes().len(), 165);
        assert_eq!(exported.to_base64().len(), 220);
        let decoded = SessionKey::from_base64(&session_key.to_base64()).unwrap();
        assert_eq!(decoded.to_bytes(), session_key.to_bytes());
        let decoded = ExportedSessionKey::from_base64(&exported.to_base64()).unwrap();
        assert_eq!(decoded.to_bytes(), exported.to_bytes());
        assert_eq!(decoded.ratchet_index, 42);
    }

    #[test]
    fn every_truncation_and_extension_is_an_error() {
        let (session_key, exported) = sample();
        let bytes = session_key.to_bytes();
        for end in 0..bytes.len() {
            assert!(SessionKey::from_bytes(&bytes[..end]).is_err());
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(SessionKey::from_bytes(&longer), Err(SessionKeyDecodeError::Read(_))));
        let bytes = exported.to_bytes();
        for end in 0..bytes.len() {
            assert!(ExportedSessionKey::from_bytes(&bytes[..end]).is_err());
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(
            ExportedSessionKey::from_bytes(&longer),
            Err(SessionKeyDecodeError::Read(_))
        ));
    }

    #[test]
    fn signature_is_checked_and_versions_are_not_interchangeable() {
        let (session_key, exported) = sample();
        let mut bytes = session_key.to_bytes();
        bytes[10] ^= 1;
        assert!(matches!(SessionKey::from_bytes(&bytes), Err(SessionKeyDecodeError::Signature(_))));
        assert!(matches!(
            SessionKey::from_bytes(&exported.to_bytes()),
            Err(SessionKeyDecodeError::Version(2, 1))
        ));
        assert!(matches!(
            ExportedSessionKey::from_bytes(&session_key.to_bytes()),
            Err(SessionKeyDecodeError::Version(1, 2))
        ));
        assert!(matches!(SessionKey::from_base64("!!"), Err(SessionKeyDecodeError::Base64(_))));
    }
}
