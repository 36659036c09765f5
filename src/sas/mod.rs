//! Short authentication strings (SAS): interactive key verification, `m.sas.v1`.
//!
//! Two devices each make an ephemeral Curve25519 key pair ([`Sas`]), exchange public keys, and
//! run X25519 ([`Sas::diffie_hellman`]). From the shared secret both derive, with HKDF-SHA-256
//! (no salt) under an info string that names both parties and the transaction, six bytes that
//! their users compare as seven emoji or three numbers ([`SasBytes`]). Once the users agree,
//! each device sends MACs of the keys it wants the other to trust, keyed from the same secret
//! ([`EstablishedSas::calculate_mac`], checked with [`EstablishedSas::verify_mac`]). The
//! commitment that stops a man in the middle from choosing his key after seeing the other one
//! is the caller's: the accepting device sends a hash of its key before learning the other
//! key. See the Matrix specification, [Short Authentication String (SAS) verification].
//!
//! Info strings (`curve25519-hkdf-sha256` key agreement, `hkdf-hmac-sha256.v2` MACs):
//!
//! ```text
//! SAS bytes: "MATRIX_KEY_VERIFICATION_SAS|" start_user "|" start_device "|" start_key "|"
//!            accept_user "|" accept_device "|" accept_key "|" transaction_id
//! MAC:       "MATRIX_KEY_VERIFICATION_MAC" sender_user sender_device receiver_user
//!            receiver_device transaction_id key_id        (key_id = "KEY_IDS" for the list)
//! ```
//!
//! A public key of small order would make the shared secret all zeroes, known to anyone: it is
//! refused with [`KeyError::NonContributoryKey`]. The ephemeral secret and the shared secret
//! are zeroized when dropped and never printed.
//!
//! ```
//! use salamander::sas::Sas;
//!
//! let alice = Sas::new();
//! let bob = Sas::new();
//! let (alice_key, bob_key) = (alice.public_key(), bob.public_key());
//!
//! let alice = alice.diffie_hellman(bob_key)?;
//! let bob = bob.diffie_hellman(alice_key)?;
//!
//! let info = "MATRIX_KEY_VERIFICATION_SAS|@alice:example.org|ALICE|...|$transaction";
//! assert_eq!(alice.bytes(info).emoji_indices(), bob.bytes(info).emoji_indices());
//!
//! let mac = alice.calculate_mac("ed25519-key-of-alice", "MAC_INFO");
//! bob.verify_mac("ed25519-key-of-alice", "MAC_INFO", &mac)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [Short Authentication String (SAS) verification]: https://spec.matrix.org/latest/client-server-api/#short-authentication-string-sas-verification

mod bytes;
mod mac;

use std::fmt;

use hmac::Mac as _;
use rand_core::CryptoRng;
use zeroize::Zeroizing;

pub use self::{bytes::SasBytes, mac::Mac};
use crate::{
    cipher::{hkdf_sha256_zero_salt, hmac_sha256, MacError},
    rng::OsRng,
    Curve25519PublicKey, Curve25519SecretKey, KeyError, SharedSecret,
};

/// The most bytes HKDF-SHA-256 can derive: 255 blocks of 32.
const MAX_BYTES: usize = 255 * 32;

/// [`EstablishedSas::bytes_raw`] was asked for more than 8160 bytes, the most HKDF-SHA-256 can
/// derive.
#[derive(Debug, Clone, thiserror::Error)]
#[error("The given count of bytes was too large")]
pub struct InvalidCount;

/// A SAS MAC did not verify.
#[derive(Debug, thiserror::Error)]
pub enum SasError {
    /// The MAC is not the MAC of the input under this info string and shared secret.
    #[error("The SAS MAC validation didn't succeed: {0}")]
    Mac(#[from] MacError),
}

/// One side of a SAS verification before the other side's key is known: an ephemeral
/// Curve25519 key pair.
pub struct Sas {
    secret_key: Curve25519SecretKey,
    public_key: Curve25519PublicKey,
}

impl Sas {
    /// A new verification with a fresh random key.
    pub fn new() -> Self {
        Self::new_with_rng(&mut OsRng)
    }

    /// A new verification whose 32-byte secret key is drawn from `rng`.
    ///
    /// The bytes are used as the key as they are, as libolm's `olm_create_sas` uses its random
    /// input, so known-answer tests can give both libraries the same key.
    pub fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let secret_key = Curve25519SecretKey::new_with_rng(rng);
        let public_key = Curve25519PublicKey::from(&secret_key);
        Self { secret_key, public_key }
    }

    /// Our ephemeral public key, to send to the other side.
    pub const fn public_key(&self) -> Curve25519PublicKey {
        self.public_key
    }

    /// Run X25519 with the other side's key.
    ///
    /// Fails with [`KeyError::NonContributoryKey`] if their key is of small order, so that the
    /// shared secret would be all zeroes.
    pub fn diffie_hellman(
        self,
        their_public_key: Curve25519PublicKey,
    ) -> Result<EstablishedSas, KeyError> {
        let shared_secret = self
            .secret_key
            .diffie_hellman(&their_public_key)
            .ok_or(KeyError::NonContributoryKey)?;
        Ok(EstablishedSas {
            shared_secret: Box::new(shared_secret),
            our_public_key: self.public_key,
            their_public_key,
        })
    }

    /// [`Sas::diffie_hellman`] with the other side's key as unpadded base64.
    ///
    /// ```
    /// use salamander::{sas::Sas, KeyError};
    /// let zero = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    /// assert!(matches!(Sas::new().diffie_hellman_with_raw(zero), Err(KeyError::NonContributoryKey)));
    /// assert!(Sas::new().diffie_hellman_with_raw("short").is_err());
    /// ```
    pub fn diffie_hellman_with_raw(
        self,
        other_public_key: &str,
    ) -> Result<EstablishedSas, KeyError> {
        self.diffie_hellman(Curve25519PublicKey::from_base64(other_public_key)?)
    }
}

impl Default for Sas {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Sas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sas").field("public_key", &self.public_key).finish_non_exhaustive()
    }
}

/// A SAS verification whose shared secret is established: derives the short authentication
/// string and the MACs.
pub struct EstablishedSas {
    shared_secret: Box<SharedSecret>,
    our_public_key: Curve25519PublicKey,
    their_public_key: Curve25519PublicKey,
}

impl EstablishedSas {
    /// The six bytes of the short authentication string for `info` (both sides must use the
    /// same info string).
    pub fn bytes(&self, info: &str) -> SasBytes {
        let mut bytes = [0u8; 6];
        self.derive(info, &mut bytes);
        SasBytes::new(bytes)
    }

    /// `count` bytes of HKDF-SHA-256 output for `info`; at most 8160 (255 × 32).
    ///
    /// ```
    /// use salamander::sas::Sas;
    /// let sas = Sas::new().diffie_hellman(Sas::new().public_key()).unwrap();
    /// assert_eq!(sas.bytes_raw("INFO", 6).unwrap(), sas.bytes("INFO").as_bytes());
    /// assert_eq!(sas.bytes_raw("INFO", 8160).unwrap().len(), 8160);
    /// assert!(sas.bytes_raw("INFO", 8161).is_err());
    /// ```
    pub fn bytes_raw(&self, info: &str, count: usize) -> Result<Vec<u8>, InvalidCount> {
        if count > MAX_BYTES {
            return Err(InvalidCount);
        }
        let mut output = vec![0u8; count];
        self.derive(info, &mut output);
        Ok(output)
    }

    /// The MAC of `input` (usually an unpadded base64 public key, or the sorted, comma-joined
    /// key ids) under the key derived for `info`; send it with [`Mac::to_base64`]
    /// (`hkdf-hmac-sha256.v2`).
    pub fn calculate_mac(&self, input: &str, info: &str) -> Mac {
        let mut mac = self.hmac(info);
        mac.update(input.as_bytes());
        Mac(mac.finalize().into_bytes().to_vec())
    }

    /// The MAC of [`EstablishedSas::calculate_mac`], encoded as libolm's
    /// `olm_sas_calculate_mac` encoded it: base64 written in place over the MAC, which garbles
    /// everything after the first characters (the deprecated `hkdf-hmac-sha256` method).
    ///
    /// Only for talking to clients that still use that method. The string depends on 48 bits
    /// of the MAC only, and it cannot be decoded back into the MAC: to check one, compute it
    /// and compare.
    #[cfg(feature = "libolm-compat")]
    pub fn calculate_mac_invalid_base64(&self, input: &str, info: &str) -> String {
        let mac = self.calculate_mac(input, info);
        let mut bytes = Zeroizing::new([0u8; 32]);
        for (dst, src) in bytes.iter_mut().zip(mac.as_bytes()) {
            *dst = *src;
        }
        mac::libolm_in_place_base64(&bytes)
    }

    /// Check, in constant time, that `tag` is the MAC of `input` under the key derived for
    /// `info`.
    pub fn verify_mac(&self, input: &str, info: &str, tag: &Mac) -> Result<(), SasError> {
        let mut mac = self.hmac(info);
        mac.update(input.as_bytes());
        Ok(mac.verify_slice(tag.as_bytes())?)
    }

    /// Our ephemeral public key.
    pub const fn our_public_key(&self) -> Curve25519PublicKey {
        self.our_public_key
    }

    /// The other side's ephemeral public key.
    pub const fn their_public_key(&self) -> Curve25519PublicKey {
        self.their_public_key
    }

    /// HKDF-SHA-256 with no salt (the zero salt) over the shared secret.
    fn derive(&self, info: &str, output: &mut [u8]) {
        hkdf_sha256_zero_salt(self.shared_secret.as_bytes(), info.as_bytes(), output);
    }

    /// HMAC-SHA-256 keyed with 32 bytes derived for `info`.
    fn hmac(&self, info: &str) -> crate::cipher::HmacSha256 {
        let mut key = Zeroizing::new([0u8; 32]);
        self.derive(info, key.as_mut_slice());
        hmac_sha256(&key)
    }
}

impl fmt::Debug for EstablishedSas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EstablishedSas")
            .field("our_public_key", &self.our_public_key.to_base64())
            .field("their_public_key", &self.their_public_key.to_base64())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
pub(crate) mod tests;
