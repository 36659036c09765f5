//! Typed keys: Curve25519 (X25519) for Diffie-Hellman, Ed25519 for signatures, and key ids.
//!
//! Public keys are small `Copy` values that print as `curve25519:<base64>` /
//! `ed25519:<base64>`. Secret keys live on the heap, zeroize on drop, never print, and compare in
//! constant time.

pub(crate) mod curve25519;
mod ed25519;

pub(crate) use curve25519::Curve25519Keypair;
pub use curve25519::{Curve25519PublicKey, Curve25519SecretKey, SharedSecret};
pub use ed25519::{
    Ed25519Keypair, Ed25519PublicKey, Ed25519SecretKey, Ed25519Signature, SignatureError,
};

use serde::{Deserialize, Serialize};

/// The id of a one-time or fallback key: a counter, unique within an [`crate::olm::Account`].
///
/// Encoded for the wire as unpadded base64 of the counter as a big-endian `u64` (11 characters),
/// as vodozemac does. libolm used a `u32`; accounts imported from libolm keep their ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeyId(pub(crate) u64);

impl KeyId {
    /// The key id as unpadded base64 of its big-endian bytes, e.g. `"AAAAAAAAAAA"` for 0.
    ///
    /// ```
    /// # use salamander::olm::Account;
    /// let mut account = Account::new();
    /// account.generate_one_time_keys(1);
    /// let (id, _key) = account.one_time_keys().into_iter().next().unwrap();
    /// assert_eq!(id.to_base64(), "AAAAAAAAAAA");
    /// ```
    pub fn to_base64(self) -> String {
        crate::base64_encode(self.0.to_be_bytes())
    }
}

impl From<KeyId> for String {
    fn from(id: KeyId) -> String {
        id.to_base64()
    }
}

impl From<KeyId> for u64 {
    fn from(id: KeyId) -> u64 {
        id.0
    }
}

/// A key could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// A public key was not valid base64.
    #[error("Failed to decode a public key from Base64: {0}")]
    Base64Error(#[from] crate::Base64DecodeError),
    /// A private key was not valid base64.
    #[error("Failed to decode a private key from Base64: {0}")]
    Base64PrivateKey(#[from] base64ct::Error),
    /// A key had the wrong number of bytes.
    #[error("Invalid key length for {key_type}, expected {expected_length}, got {length}")]
    InvalidKeyLength {
        /// Which kind of key.
        key_type: &'static str,
        /// The length that kind of key has.
        expected_length: usize,
        /// The length that was given.
        length: usize,
    },
    /// An Ed25519 public key is not a valid curve point.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// A Diffie-Hellman exchange with this key gives a non-contributory (all-zero) result: the
    /// key is of small order.
    #[error("The public key is of small order and does not contribute to the shared secret")]
    NonContributoryKey,
}
