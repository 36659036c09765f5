//! Secret storage: `m.secret_storage.v1.aes-hmac-sha2`, passphrase keys and the key
//! representation.
//!
//! Clients keep their cross-signing keys and the key backup's key in the user's account data,
//! encrypted under one 32-byte secret storage key that the user holds (as a passphrase or as
//! the "recovery key" string). Each secret is encrypted under keys derived from the storage key
//! and the secret's name:
//!
//! ```text
//! AES ‖ MAC   = HKDF-SHA-256(salt = 32 zero bytes, IKM = storage key, info = name, 64 bytes)
//! iv          = 16 random bytes with bit 63 cleared (iv[8] &= 0x7F)
//! ciphertext  = AES-256-CTR(AES, iv, secret)          (128-bit big-endian counter)
//! mac         = HMAC-SHA-256(MAC, ciphertext)          (all 32 bytes)
//! stored as   { "iv", "ciphertext", "mac" }, each unpadded base64
//! ```
//!
//! Clearing bit 63 keeps the low 64 bits of the counter from overflowing, so clients that
//! count with 64 bits and with 128 bits agree. On decryption the MAC is checked first, in
//! constant time, and base64 with padding is accepted as the specification asks.
//!
//! **The IV is not covered by the MAC**: changing it is not detected, and the secret then
//! decrypts to different bytes (a limitation of the specification, pinned by a test here).
//! Callers that can should check the decrypted secret (for example a signing key against its
//! public key).
//!
//! The key check stored with the key's description (`m.secret_storage.key.<id>`) is the same
//! encryption of 32 zero bytes under the name `""`, keeping only `iv` and `mac`
//! ([`SecretStorageKey::key_check`], [`SecretStorageKey::verify_key_check`]).
//!
//! A passphrase becomes the key with PBKDF2-HMAC-SHA-512 over the passphrase, with the UTF-8
//! salt string and the iteration count stored in the key's description (`m.pbkdf2`,
//! [`PassphraseInfo`]). The key can also be written as 48 base58 characters
//! ([`encode_recovery_key`], [`decode_recovery_key`]).
//!
//! See the Matrix specification, [Storage] and [Key representation].
//!
//! ```
//! use salamander::secret_storage::SecretStorageKey;
//!
//! let key = SecretStorageKey::new();
//! let check = key.key_check(); // upload with the key's description
//! let encrypted = key.encrypt("m.cross_signing.master", b"the master key's seed");
//!
//! // Later, from the recovery key the user typed in:
//! let restored = SecretStorageKey::from_base58(&key.to_base58())?;
//! restored.verify_key_check(&check)?;
//! let secret = restored.decrypt("m.cross_signing.master", &encrypted)?;
//! assert_eq!(secret.as_slice(), b"the master key's seed");
//! # Ok::<(), salamander::secret_storage::Error>(())
//! ```
//!
//! [Storage]: https://spec.matrix.org/latest/client-server-api/#msecret_storagev1aes-hmac-sha2
//! [Key representation]: https://spec.matrix.org/latest/client-server-api/#key-representation

mod base58;
mod encrypted;

use std::fmt;

use aes::Aes256;
use ctr::cipher::{KeyIvInit, StreamCipher};
use hmac::Mac as _;
use rand_core::CryptoRng;
use sha2::Sha512;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub use self::{
    base58::{decode_recovery_key, encode_recovery_key},
    encrypted::{EncryptedSecret, KeyCheck},
};
use crate::{
    cipher::{hkdf_sha256_zero_salt, hmac_sha256, MacError},
    rng::OsRng,
};

type Aes256Ctr = ctr::Ctr128BE<Aes256>;

/// The key check is the encryption of these 32 zero bytes under the name `""`.
const ZERO_MESSAGE: [u8; 32] = [0; 32];

/// A secret storage operation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A field is not valid base64.
    #[error("a field isn't valid base64: {0}")]
    Base64(#[from] crate::Base64DecodeError),
    /// A field has the wrong length (`iv` must be 16 bytes, `mac` 32).
    #[error("the {field} has {length} bytes, expected {expected}")]
    InvalidLength {
        /// Which field.
        field: &'static str,
        /// Its required length.
        expected: usize,
        /// The length given.
        length: usize,
    },
    /// The MAC did not verify: the wrong key (or passphrase), the wrong secret name, or the
    /// ciphertext was changed.
    #[error("the MAC didn't verify: wrong key, wrong secret name, or a changed ciphertext")]
    Mac(#[from] MacError),
    /// The key representation has a character outside the base58 alphabet.
    #[error("the key contains a character that isn't base58")]
    InvalidBase58,
    /// The key representation does not decode to 35 bytes.
    #[error("the decoded key has {length} bytes, expected {expected}")]
    RecoveryKeyLength {
        /// 35: prefix, key and parity.
        expected: usize,
        /// The length decoded.
        length: usize,
    },
    /// The key representation does not start with the bytes `0x8B 0x01`.
    #[error("the decoded key doesn't start with the prefix 0x8B 0x01")]
    RecoveryKeyPrefix,
    /// The key representation's parity byte is wrong (a typing mistake).
    #[error("the decoded key's parity byte doesn't match")]
    RecoveryKeyParity,
    /// A passphrase key of another size than 256 bits was asked for.
    #[error("a passphrase key must have 256 bits, not {0}")]
    PassphraseBits(u32),
    /// A passphrase key with zero PBKDF2 iterations was asked for.
    #[error("a passphrase key needs at least one PBKDF2 iteration")]
    PassphraseIterations,
}

/// How a passphrase becomes a key (`m.pbkdf2`, the `passphrase` object of the key's
/// description).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassphraseInfo {
    /// The salt, used as its UTF-8 bytes.
    pub salt: String,
    /// The PBKDF2 iteration count. Every iteration costs one HMAC-SHA-512 for each 64 bytes of
    /// output: a description from the server can ask for billions, so bound it before
    /// deriving if that matters to you.
    pub iterations: u32,
    /// The key's size in bits; 256, the default, is the only size this algorithm uses.
    pub bits: u32,
}

impl PassphraseInfo {
    /// `salt` and `iterations`, with the default 256 bits.
    pub fn new(salt: impl Into<String>, iterations: u32) -> Self {
        Self { salt: salt.into(), iterations, bits: 256 }
    }
}

/// A secret storage key: 32 bytes, zeroized when dropped and never printed.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretStorageKey {
    key: Box<[u8; 32]>,
}

/// The AES-256 and HMAC-SHA-256 keys of one secret name.
#[derive(Zeroize, ZeroizeOnDrop)]
struct SecretKeys {
    aes_key: [u8; 32],
    mac_key: [u8; 32],
}

impl SecretKeys {
    fn apply_keystream(&self, iv: &[u8; 16], data: &mut [u8]) {
        Aes256Ctr::new((&self.aes_key).into(), iv.into()).apply_keystream(data);
    }

    fn mac(&self, ciphertext: &[u8]) -> [u8; 32] {
        let mut mac = hmac_sha256(&self.mac_key);
        mac.update(ciphertext);
        mac.finalize().into_bytes().into()
    }

    fn verify_mac(&self, ciphertext: &[u8], tag: &[u8; 32]) -> Result<(), MacError> {
        let mut mac = hmac_sha256(&self.mac_key);
        mac.update(ciphertext);
        mac.verify_slice(tag)
    }
}

/// 16 random bytes with bit 63 cleared.
fn random_iv<R: CryptoRng + ?Sized>(rng: &mut R) -> [u8; 16] {
    let mut iv = [0u8; 16];
    rng.fill_bytes(&mut iv);
    if let Some(byte) = iv.get_mut(8) {
        *byte &= 0x7F;
    }
    iv
}

impl SecretStorageKey {
    /// A new random key.
    pub fn new() -> Self {
        Self::new_with_rng(&mut OsRng)
    }

    /// A new key of 32 bytes drawn from `rng`.
    pub fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut key = Box::new([0u8; 32]);
        rng.fill_bytes(key.as_mut_slice());
        Self { key }
    }

    /// The key of these 32 bytes.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self { key: Box::new(*bytes) }
    }

    /// The key's 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The key of `passphrase`: PBKDF2-HMAC-SHA-512 with the description's salt and iterations.
    ///
    /// The passphrase may be wrong: check the result with [`SecretStorageKey::verify_key_check`].
    ///
    /// ```
    /// use salamander::secret_storage::{KeyCheck, PassphraseInfo, SecretStorageKey};
    /// // matrix-rust-sdk secret_storage.rs, `from_account_data_and_passphrase`.
    /// let info = PassphraseInfo::new("IuLnH7S85YtZmkkBJKwNUKxWF42g9O1H", 10);
    /// let key = SecretStorageKey::from_passphrase("It's a secret to everybody", &info)?;
    /// let check = KeyCheck::from_base64(
    ///     "gH2iNpiETFhApvW6/FFEJQ",
    ///     "9Lw12m5SKDipNghdQXKjgpfdj1/K7HFI2brO+UWAGoM",
    /// )?;
    /// key.verify_key_check(&check)?;
    /// let wrong = SecretStorageKey::from_passphrase("It's a secret to nobody", &info)?;
    /// assert!(wrong.verify_key_check(&check).is_err());
    /// # Ok::<(), salamander::secret_storage::Error>(())
    /// ```
    pub fn from_passphrase(passphrase: &str, info: &PassphraseInfo) -> Result<Self, Error> {
        if info.bits != 256 {
            return Err(Error::PassphraseBits(info.bits));
        }
        if info.iterations == 0 {
            return Err(Error::PassphraseIterations);
        }
        let mut key = Box::new([0u8; 32]);
        pbkdf2::pbkdf2_hmac::<Sha512>(
            passphrase.as_bytes(),
            info.salt.as_bytes(),
            info.iterations,
            key.as_mut_slice(),
        );
        Ok(Self { key })
    }

    /// The key of a key representation (the "recovery key"); see [`decode_recovery_key`].
    pub fn from_base58(input: &str) -> Result<Self, Error> {
        let key = decode_recovery_key(input)?;
        Ok(Self::from_bytes(&key))
    }

    /// The key representation to show the user; see [`encode_recovery_key`].
    pub fn to_base58(&self) -> Zeroizing<String> {
        encode_recovery_key(&self.key)
    }

    fn keys(&self, secret_name: &str) -> SecretKeys {
        let mut okm = Zeroizing::new([0u8; 64]);
        hkdf_sha256_zero_salt(self.key.as_slice(), secret_name.as_bytes(), okm.as_mut_slice());
        let mut keys = SecretKeys { aes_key: [0; 32], mac_key: [0; 32] };
        let (aes_key, mac_key) = okm.split_at(32);
        keys.aes_key.copy_from_slice(aes_key);
        keys.mac_key.copy_from_slice(mac_key);
        keys
    }

    /// Encrypt `secret` as the secret named `secret_name` (e.g. `m.megolm_backup.v1`, whose
    /// secret is the unpadded base64 of the backup key), with a random IV.
    pub fn encrypt(&self, secret_name: &str, secret: &[u8]) -> EncryptedSecret {
        self.encrypt_with_rng(secret_name, secret, &mut OsRng)
    }

    /// [`SecretStorageKey::encrypt`] with the 16 IV bytes drawn from `rng` (bit 63 is then
    /// cleared), for known-answer tests.
    pub fn encrypt_with_rng<R: CryptoRng + ?Sized>(
        &self,
        secret_name: &str,
        secret: &[u8],
        rng: &mut R,
    ) -> EncryptedSecret {
        let keys = self.keys(secret_name);
        let iv = random_iv(rng);
        let mut ciphertext = secret.to_vec();
        keys.apply_keystream(&iv, &mut ciphertext);
        let mac = keys.mac(&ciphertext);
        EncryptedSecret { iv, ciphertext, mac }
    }

    /// Decrypt the secret named `secret_name`: the MAC is checked first, in constant time.
    ///
    /// The IV is not authenticated (see the module documentation).
    pub fn decrypt(
        &self,
        secret_name: &str,
        encrypted: &EncryptedSecret,
    ) -> Result<Zeroizing<Vec<u8>>, Error> {
        let keys = self.keys(secret_name);
        keys.verify_mac(&encrypted.ciphertext, &encrypted.mac)?;
        let mut plaintext = Zeroizing::new(encrypted.ciphertext.clone());
        keys.apply_keystream(&encrypted.iv, &mut plaintext);
        Ok(plaintext)
    }

    /// A new key check (`iv` and `mac` of the key's description), with a random IV.
    pub fn key_check(&self) -> KeyCheck {
        self.key_check_with_rng(&mut OsRng)
    }

    /// [`SecretStorageKey::key_check`] with the 16 IV bytes drawn from `rng` (bit 63 is then
    /// cleared).
    pub fn key_check_with_rng<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> KeyCheck {
        let EncryptedSecret { iv, mac, .. } = self.encrypt_with_rng("", &ZERO_MESSAGE, rng);
        KeyCheck { iv, mac }
    }

    /// Check, in constant time, that this key is the one `check` was made with.
    ///
    /// A key description without `iv` and `mac` has no check; the specification says to
    /// assume the key is right then, which is the caller's decision.
    ///
    /// ```
    /// use salamander::secret_storage::{KeyCheck, SecretStorageKey};
    /// // matrix-rust-sdk secret_storage.rs, `from_account_data_and_base58`.
    /// let key = SecretStorageKey::from_base58(
    ///     "EsTj 3yST y93F SLpB jJsz eAXc 2XzA ygD3 w69H fGaN TKBj jXEd",
    /// )?;
    /// let check = KeyCheck::from_base64(
    ///     "xv5b6/p3ExEw++wTyfSHEg==",
    ///     "ujBBbXahnTAMkmPUX2/0+VTfUh63pGyVRuBcDMgmJC8=",
    /// )?;
    /// key.verify_key_check(&check)?;
    /// # Ok::<(), salamander::secret_storage::Error>(())
    /// ```
    pub fn verify_key_check(&self, check: &KeyCheck) -> Result<(), Error> {
        let keys = self.keys("");
        let mut ciphertext = ZERO_MESSAGE;
        keys.apply_keystream(&check.iv, &mut ciphertext);
        Ok(keys.verify_mac(&ciphertext, &check.mac)?)
    }
}

impl Default for SecretStorageKey {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for SecretStorageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretStorageKey").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
