//! Dehydrated devices (MSC3814): an account stored encrypted on the server, in vodozemac's
//! format.
//!
//! Plaintext (big-endian, libolm pickle conventions): `u32 version (1) ‖ Curve25519 secret key
//! (32) ‖ Ed25519 seed (32) ‖ u32 n ‖ n × one-time secret key (32) ‖ bool ‖ fallback secret key
//! (32, if the bool is set)`. Encryption: ChaCha20-Poly1305 under the caller's 32-byte key with
//! a random 12-byte nonce and no associated data; both the ciphertext and the nonce are
//! unpadded base64. Public keys, key ids and published flags are not stored: on restore the
//! one-time keys are numbered from 0 and marked published, and the fallback key is published.

use chacha20poly1305::{aead::Aead, ChaCha20Poly1305, KeyInit, Nonce};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use super::{
    fallback_keys::FallbackKey, one_time_keys::MAX_ONE_TIME_KEYS, Account, FallbackKeys,
    OneTimeKeys,
};
use crate::{
    base64_decode, base64_encode,
    pickle::libolm::{self, Reader, Writer},
    rng::OsRng,
    types::Curve25519Keypair,
    Curve25519SecretKey, DehydratedDeviceError, Ed25519Keypair, Ed25519SecretKey, KeyId,
    LibolmPickleError,
};

const VERSION: u32 = 1;
const NONCE_LENGTH: usize = 12;

/// A dehydrated device: the encrypted account and its nonce, both unpadded base64.
#[derive(Debug)]
pub struct DehydratedDeviceResult {
    /// The encrypted account.
    pub ciphertext: String,
    /// The nonce it was encrypted with.
    pub nonce: String,
}

impl Account {
    /// Encrypt the account as a dehydrated device under `key`.
    ///
    /// Fails with [`DehydratedDeviceError::InvalidAccount`] for an account imported from
    /// libolm, which has no Ed25519 seed.
    pub fn to_dehydrated_device(
        &self,
        key: &[u8; 32],
    ) -> Result<DehydratedDeviceResult, DehydratedDeviceError> {
        self.to_dehydrated_device_with_rng(key, &mut OsRng)
    }

    /// [`Account::to_dehydrated_device`] drawing the nonce from `rng`.
    pub fn to_dehydrated_device_with_rng<R: CryptoRng + ?Sized>(
        &self,
        key: &[u8; 32],
        rng: &mut R,
    ) -> Result<DehydratedDeviceResult, DehydratedDeviceError> {
        let seed = self.signing_key.seed().ok_or(DehydratedDeviceError::InvalidAccount)?;
        let mut writer = Writer::new();
        writer.u32(VERSION);
        writer.bytes(self.diffie_hellman_key.secret_key().as_bytes());
        writer.bytes(seed.as_slice());
        let keys: Vec<_> = self.one_time_keys.secret_keys().map(|(_, secret, _)| secret).collect();
        writer.count(keys.len(), "number of one-time keys").map_err(LibolmPickleError::from)?;
        for secret in keys {
            writer.bytes(secret.as_bytes());
        }
        match &self.fallback_keys.fallback_key {
            Some(fallback) => {
                writer.bool(true);
                writer.bytes(fallback.key.secret_key().as_bytes());
            }
            None => writer.bool(false),
        }
        let plaintext = writer.into_bytes();

        let mut nonce = [0u8; NONCE_LENGTH];
        rng.fill_bytes(&mut nonce);
        let cipher = ChaCha20Poly1305::new(key.into());
        let ciphertext = cipher.encrypt(&Nonce::from(nonce), plaintext.as_slice())?;
        Ok(DehydratedDeviceResult {
            ciphertext: base64_encode(ciphertext),
            nonce: base64_encode(nonce),
        })
    }

    /// Restore an account from a dehydrated device made with `key`.
    pub fn from_dehydrated_device(
        ciphertext: &str,
        nonce: &str,
        key: &[u8; 32],
    ) -> Result<Self, DehydratedDeviceError> {
        crate::pickle::check_length(ciphertext).map_err(LibolmPickleError::from)?;
        let ciphertext = base64_decode(ciphertext)?;
        let nonce = <[u8; NONCE_LENGTH]>::try_from(base64_decode(nonce)?.as_slice())
            .map_err(|_| DehydratedDeviceError::InvalidNonce)?;
        let cipher = ChaCha20Poly1305::new(key.into());
        let plaintext = Zeroizing::new(cipher.decrypt(&Nonce::from(nonce), ciphertext.as_slice())?);
        Self::from_decrypted_dehydrated_device(&plaintext)
    }

    /// Parse a decrypted dehydrated device.
    pub(crate) fn from_decrypted_dehydrated_device(
        plaintext: &[u8],
    ) -> Result<Self, DehydratedDeviceError> {
        let version =
            libolm::version(plaintext).map_err(|_| DehydratedDeviceError::MissingVersion)?;
        if version != VERSION {
            return Err(DehydratedDeviceError::Version(VERSION, version));
        }
        let parse = || -> Result<Self, LibolmPickleError> {
            let mut reader = Reader::new(plaintext);
            reader.u32("version")?;
            let curve = reader.secret::<32>("Curve25519 secret key")?;
            let seed = reader.secret::<32>("Ed25519 seed")?;
            let count = reader.count("one-time keys", MAX_ONE_TIME_KEYS)?;
            let mut one_time_keys = OneTimeKeys::new();
            for id in 0..count {
                let secret =
                    Curve25519SecretKey::from_slice(&*reader.secret::<32>("one-time key")?);
                one_time_keys.insert(KeyId(id as u64), secret, None, true);
            }
            one_time_keys.set_next_key_id(count as u64);
            let mut fallback_keys = FallbackKeys::new();
            if reader.bool("fallback key flag")? {
                let secret =
                    Curve25519SecretKey::from_slice(&*reader.secret::<32>("fallback key")?);
                fallback_keys.fallback_key = Some(FallbackKey {
                    key_id: KeyId(0),
                    key: Curve25519Keypair::from_secret_key(secret),
                    published: true,
                });
                fallback_keys.next_key_id = 1;
            }
            reader.finish()?;
            Ok(Self {
                signing_key: Ed25519Keypair::from_secret_key(&Ed25519SecretKey::from_slice(&seed)),
                diffie_hellman_key: Curve25519Keypair::from_secret_key(
                    Curve25519SecretKey::from_slice(&curve),
                ),
                one_time_keys,
                fallback_keys,
            })
        };
        Ok(parse()?)
    }
}
