//! ☣️ libolm's `PkEncryption`: the key backup algorithm `m.megolm_backup.v1.curve25519-aes-sha2`.
//! For compatibility only.
//!
//! Encryption to a long-term Curve25519 public key (the backup key):
//!
//! ```text
//! e                 = a fresh ephemeral Curve25519 secret key
//! S                 = X25519(e, backup public key)
//! AES ‖ MAC ‖ IV    = HKDF-SHA-256(salt = zero, IKM = S, info = "", 80 bytes)
//! ciphertext        = AES-256-CBC-PKCS#7(AES, IV, plaintext)
//! mac               = HMAC-SHA-256(MAC, "")[..8]          ← the empty string
//! message           = { ciphertext, mac, ephemeral = e·G }, each unpadded base64
//! ```
//!
//! # Why "insecure"
//!
//! libolm's `olm_pk_encrypt` computes the MAC over the **empty string** instead of over the
//! ciphertext, and the Matrix specification kept the bug so that every client stays compatible
//! ([`m.megolm_backup.v1.curve25519-aes-sha2`], which points to MSC4048 for a real MAC). The MAC
//! therefore only shows that the sender knew the shared secret for that ephemeral key; it does
//! not protect the ciphertext at all. Anyone who sees one message can cut, extend or flip bits
//! of its AES-CBC ciphertext, and the recipient will decrypt the result without complaint (CBC
//! flips the matching bits of the next block). Worse, anyone who only knows the *public* backup
//! key can encrypt anything they like, with a valid MAC: the scheme has no sender
//! authentication either, which is why the specification requires the backup's `auth_data` to be
//! signed and clients to check what they restore. Salamander reproduces the bug byte for byte,
//! as vodozemac does behind the same feature name, because the backups that exist were written
//! this way. Do not use it for anything new.
//!
//! Checks salamander adds on top of libolm: a small-order ephemeral key is refused
//! ([`Error::NonContributoryKey`]); the MAC must be 8 bytes (or the full 32) and is compared in
//! constant time before anything is decrypted; the PKCS#7 padding is checked strictly; base64
//! of a length ≡ 1 (mod 4) and an ephemeral key that is not 32 bytes are refused when the
//! message is decoded ([`Message::from_base64`]), the inputs of libolm's CVE-2021-34813.
//!
//! ```
//! use salamander::pk_encryption::{Message, PkDecryption, PkEncryption};
//!
//! let backup_key = PkDecryption::new();
//! let message = PkEncryption::from_key(backup_key.public_key()).encrypt(b"room key")?;
//! assert_eq!(backup_key.decrypt(&message)?, b"room key");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`PkSigning`] (libolm's `OlmPkSigning`, an Ed25519 key from a 32-byte seed used for
//! cross-signing keys) is here too, since libolm kept it in the same API.
//!
//! [`m.megolm_backup.v1.curve25519-aes-sha2`]: https://spec.matrix.org/latest/client-server-api/#backup-algorithm-mmegolm_backupv1curve25519-aes-sha2

mod libolm;
mod signing;

use std::fmt;

use rand_core::CryptoRng;
use zeroize::Zeroizing;

pub use self::signing::PkSigning;
use crate::{
    cipher::{hkdf_sha256_zero_salt, CipherKeys, MacError, UnpadError, TRUNCATED_MAC_LENGTH},
    codec::base64::base64_decode,
    rng::OsRng,
    Curve25519PublicKey, Curve25519SecretKey, KeyError,
};

/// A [`PkDecryption`] could not decrypt a message, or a [`PkEncryption`] could not encrypt.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The ephemeral key (when decrypting) or the recipient's key (when encrypting) is of small
    /// order: the shared secret would be all zeroes.
    #[error(
        "One or more keys lacked contributory behavior in the Diffie-Hellman operation, \
         resulting in an insecure shared secret"
    )]
    NonContributoryKey,
    /// The decrypted plaintext's PKCS#7 padding is invalid (or the ciphertext is not a
    /// positive multiple of 16 bytes).
    #[error("failed to decrypt, invalid padding: {0}")]
    InvalidPadding(#[from] UnpadError),
    /// The MAC did not verify: wrong key or wrong ephemeral key (it says nothing about the
    /// ciphertext, see the module documentation).
    #[error("the MAC of the ciphertext didn't pass validation: {0}")]
    Mac(#[from] MacError),
}

/// A [`Message`] could not be decoded from base64.
#[derive(Debug, thiserror::Error)]
pub enum MessageDecodeError {
    /// The ciphertext or the MAC is not valid base64.
    #[error(transparent)]
    Base64(#[from] crate::Base64DecodeError),
    /// The ephemeral key is not valid base64 of 32 bytes.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// An encrypted message: the three fields of a backup's `session_data`, decoded.
#[derive(Debug)]
pub struct Message {
    /// The AES-256-CBC ciphertext.
    pub ciphertext: Vec<u8>,
    /// The 8-byte MAC, which covers the empty string and not the ciphertext (see the module
    /// documentation).
    pub mac: Vec<u8>,
    /// The sender's ephemeral Curve25519 public key.
    pub ephemeral_key: Curve25519PublicKey,
}

impl Message {
    /// Decode a message from its three base64 fields (unpadded or padded).
    ///
    /// ```
    /// use salamander::pk_encryption::Message;
    /// let message = Message::from_base64(
    ///     "ntk49j/KozVFtSqJXhCejg",
    ///     "zpzU6BkZcNI",
    ///     "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08",
    /// )?;
    /// assert_eq!(message.ciphertext.len(), 16);
    /// // An ephemeral key that is not 32 bytes, base64 of an impossible length:
    /// assert!(Message::from_base64("ntk49j/KozVFtSqJXhCejg", "zpzU6BkZcNI", "3p7b").is_err());
    /// assert!(Message::from_base64("ntk49j/KozVFtSqJXhCejgAAA", "zpzU6BkZcNI",
    ///     "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08").is_err());
    /// # Ok::<(), salamander::pk_encryption::MessageDecodeError>(())
    /// ```
    pub fn from_base64(
        ciphertext: &str,
        mac: &str,
        ephemeral_key: &str,
    ) -> Result<Self, MessageDecodeError> {
        Ok(Self {
            ciphertext: base64_decode(ciphertext)?,
            mac: base64_decode(mac)?,
            ephemeral_key: Curve25519PublicKey::from_base64(ephemeral_key)?,
        })
    }
}

/// The AES key, MAC key and IV for one message, from the X25519 shared secret.
fn message_keys(shared_secret: &[u8; 32]) -> Box<CipherKeys> {
    let mut okm = Zeroizing::new([0u8; 80]);
    hkdf_sha256_zero_salt(shared_secret, b"", okm.as_mut_slice());
    CipherKeys::from_okm(&okm)
}

/// The recipient's side: a long-term Curve25519 key pair (the backup key).
pub struct PkDecryption {
    secret_key: Curve25519SecretKey,
    public_key: Curve25519PublicKey,
}

impl PkDecryption {
    /// A new random key pair.
    pub fn new() -> Self {
        Self::from_key(Curve25519SecretKey::new_with_rng(&mut OsRng))
    }

    /// The key pair of `secret_key` (for example a backup key restored from secret storage).
    pub fn from_key(secret_key: Curve25519SecretKey) -> Self {
        let public_key = Curve25519PublicKey::from(&secret_key);
        Self { secret_key, public_key }
    }

    /// The secret key, to store somewhere safe.
    pub const fn secret_key(&self) -> &Curve25519SecretKey {
        &self.secret_key
    }

    /// The public key, for senders ([`PkEncryption::from_key`]).
    pub const fn public_key(&self) -> Curve25519PublicKey {
        self.public_key
    }

    /// Decrypt a message: the MAC is checked (in constant time) before anything is decrypted.
    ///
    /// ```
    /// use salamander::{pk_encryption::{Message, PkDecryption}, Curve25519SecretKey};
    /// // libolm tests/test_pk.cpp: RFC 7748 Alice's key, and a message made by libolm.
    /// let alice = [
    ///     0x77, 0x07, 0x6D, 0x0A, 0x73, 0x18, 0xA5, 0x7D, 0x3C, 0x16, 0xC1, 0x72, 0x51, 0xB2,
    ///     0x66, 0x45, 0xDF, 0x4C, 0x2F, 0x87, 0xEB, 0xC0, 0x99, 0x2A, 0xB1, 0x77, 0xFB, 0xA5,
    ///     0x1D, 0xB9, 0x2C, 0x2A,
    /// ];
    /// let decryption = PkDecryption::from_key(Curve25519SecretKey::from_slice(&alice));
    /// let message = Message::from_base64(
    ///     "ntk49j/KozVFtSqJXhCejg",
    ///     "zpzU6BkZcNI",
    ///     "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08",
    /// )?;
    /// assert_eq!(decryption.decrypt(&message)?, b"This is a test");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn decrypt(&self, message: &Message) -> Result<Vec<u8>, Error> {
        let shared_secret = self
            .secret_key
            .diffie_hellman(&message.ephemeral_key)
            .ok_or(Error::NonContributoryKey)?;
        let keys = message_keys(shared_secret.as_bytes());
        // libolm's bug, kept for compatibility: the MAC is over the empty string.
        keys.verify_mac(b"", &message.mac)?;
        Ok(keys.decrypt(&message.ciphertext)?)
    }
}

impl Default for PkDecryption {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for PkDecryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkDecryption").field("public_key", &self.public_key).finish_non_exhaustive()
    }
}

/// The sender's side: encrypts to one recipient's public key.
#[derive(Debug, Clone)]
pub struct PkEncryption {
    public_key: Curve25519PublicKey,
}

impl PkEncryption {
    /// Encrypt to `public_key` (a [`PkDecryption`]'s public key, e.g. a backup's
    /// `auth_data.public_key`).
    pub const fn from_key(public_key: Curve25519PublicKey) -> Self {
        Self { public_key }
    }

    /// Encrypt with a fresh ephemeral key.
    ///
    /// Fails with [`Error::NonContributoryKey`] only if the recipient's key is of small order.
    pub fn encrypt(&self, message: &[u8]) -> Result<Message, Error> {
        self.encrypt_with_rng(message, &mut OsRng)
    }

    /// Encrypt with an ephemeral secret key of 32 bytes drawn from `rng`, used as they are (as
    /// libolm's `olm_pk_encrypt` uses its random input), for known-answer tests.
    pub fn encrypt_with_rng<R: CryptoRng + ?Sized>(
        &self,
        message: &[u8],
        rng: &mut R,
    ) -> Result<Message, Error> {
        let ephemeral = Curve25519SecretKey::new_with_rng(rng);
        let shared_secret =
            ephemeral.diffie_hellman(&self.public_key).ok_or(Error::NonContributoryKey)?;
        let keys = message_keys(shared_secret.as_bytes());
        let ciphertext = keys.encrypt(message);
        let mac = keys.mac(b"");
        Ok(Message {
            ciphertext,
            mac: mac.get(..TRUNCATED_MAC_LENGTH).unwrap_or_default().to_vec(),
            ephemeral_key: Curve25519PublicKey::from(&ephemeral),
        })
    }
}

impl From<Curve25519PublicKey> for PkEncryption {
    fn from(public_key: Curve25519PublicKey) -> Self {
        Self::from_key(public_key)
    }
}

impl From<&PkDecryption> for PkEncryption {
    fn from(decryption: &PkDecryption) -> Self {
        Self::from_key(decryption.public_key())
    }
}

#[cfg(test)]
mod tests;
