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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::olm::{OlmMessage, SessionConfig};

    const KEY: [u8; 32] = [7; 32];

    /// The plaintext inside a dehydrated device.
    fn open(device: &DehydratedDeviceResult) -> Vec<u8> {
        let nonce = <[u8; NONCE_LENGTH]>::try_from(base64_decode(&device.nonce).unwrap()).unwrap();
        ChaCha20Poly1305::new(&KEY.into())
            .decrypt(&Nonce::from(nonce), base64_decode(&device.ciphertext).unwrap().as_slice())
            .unwrap()
    }

    fn account() -> Account {
        let mut account = Account::new();
        account.generate_one_time_keys(3);
        account.generate_fallback_key();
        account
    }

    #[test]
    fn layout_and_round_trip() {
        let account = account();
        let device = account.to_dehydrated_device(&KEY).unwrap();
        let plaintext = open(&device);

        let mut layout = vec![0, 0, 0, 1];
        layout.extend(account.diffie_hellman_key.secret_key().as_bytes());
        layout.extend(account.signing_key.seed().unwrap().as_slice());
        layout.extend([0, 0, 0, 3]);
        for (_, secret, _) in account.one_time_keys.secret_keys() {
            layout.extend(secret.as_bytes());
        }
        layout.push(1);
        let fallback = account.fallback_keys.fallback_key.as_ref().unwrap();
        layout.extend(fallback.key.secret_key().as_bytes());
        assert_eq!(plaintext, layout);

        let restored =
            Account::from_dehydrated_device(&device.ciphertext, &device.nonce, &KEY).unwrap();
        assert_eq!(restored.identity_keys(), account.identity_keys());
        assert_eq!(restored.sign("m"), account.sign("m"));
        // Keys come back published, numbered from 0; the secrets are the same, in order.
        assert!(restored.one_time_keys().is_empty());
        assert_eq!(open(&restored.to_dehydrated_device(&KEY).unwrap()), layout);
        let ids: Vec<_> = restored.one_time_keys.secret_keys().map(|(id, _, p)| (id, p)).collect();
        assert_eq!(ids, [(KeyId(0), true), (KeyId(1), true), (KeyId(2), true)]);
        let restored_fallback = restored.fallback_keys.fallback_key.as_ref().unwrap();
        assert_eq!(restored_fallback.key.public_key(), fallback.key.public_key());
        assert!(restored_fallback.published);

        // And a restored device answers a pre-key message to a dehydrated one-time key.
        let otk = *account.one_time_keys().values().next().unwrap();
        let alice = Account::new();
        let mut outbound = alice
            .create_outbound_session(SessionConfig::version_1(), account.curve25519_key(), otk)
            .unwrap();
        let OlmMessage::PreKey(message) = outbound.encrypt("to the device").unwrap() else {
            panic!()
        };
        let mut restored = restored;
        let inbound = restored
            .create_inbound_session(SessionConfig::version_1(), alice.curve25519_key(), &message)
            .unwrap();
        assert_eq!(inbound.plaintext, b"to the device");
    }

    #[test]
    fn without_fallback_key() {
        let account = Account::new();
        let device = account.to_dehydrated_device(&KEY).unwrap();
        assert_eq!(open(&device)[68..], [0, 0, 0, 0, 0]);
        let restored =
            Account::from_dehydrated_device(&device.ciphertext, &device.nonce, &KEY).unwrap();
        assert!(restored.fallback_keys.fallback_key.is_none());
        assert_eq!(restored.identity_keys(), account.identity_keys());
    }

    #[test]
    fn refusals() {
        let device = account().to_dehydrated_device(&KEY).unwrap();
        let restore = |ciphertext: &str, nonce: &str, key: &[u8; 32]| {
            Account::from_dehydrated_device(ciphertext, nonce, key)
        };
        assert!(matches!(
            restore(&device.ciphertext, &device.nonce, &[8; 32]),
            Err(DehydratedDeviceError::Decryption(_))
        ));
        assert!(matches!(
            restore(&device.ciphertext, &base64_encode([0u8; 11]), &KEY),
            Err(DehydratedDeviceError::InvalidNonce)
        ));
        assert!(matches!(
            restore("not base64!", &device.nonce, &KEY),
            Err(DehydratedDeviceError::Base64(_))
        ));
        assert!(matches!(
            restore(&"A".repeat(crate::pickle::MAX_PICKLE_LENGTH + 1), &device.nonce, &KEY),
            Err(DehydratedDeviceError::LibolmPickle(LibolmPickleError::Decryption(
                crate::cipher::DecryptionError::TooLong { .. }
            )))
        ));

        let plaintext = open(&device);
        assert!(matches!(
            Account::from_decrypted_dehydrated_device(&plaintext[..3]),
            Err(DehydratedDeviceError::MissingVersion)
        ));
        let mut version_2 = plaintext.clone();
        version_2[3] = 2;
        assert!(matches!(
            Account::from_decrypted_dehydrated_device(&version_2),
            Err(DehydratedDeviceError::Version(1, 2))
        ));
        for end in 4..plaintext.len() {
            assert!(matches!(
                Account::from_decrypted_dehydrated_device(&plaintext[..end]),
                Err(DehydratedDeviceError::LibolmPickle(LibolmPickleError::Decode(_)))
            ));
        }
        let mut longer = plaintext.clone();
        longer.push(0);
        assert!(matches!(
            Account::from_decrypted_dehydrated_device(&longer),
            Err(DehydratedDeviceError::LibolmPickle(LibolmPickleError::Decode(
                crate::pickle::LibolmDecodeError::ExtraData(1)
            )))
        ));
        let mut too_many = plaintext.clone();
        too_many[68..72].copy_from_slice(&(MAX_ONE_TIME_KEYS as u32 + 1).to_be_bytes());
        assert!(matches!(
            Account::from_decrypted_dehydrated_device(&too_many),
            Err(DehydratedDeviceError::LibolmPickle(LibolmPickleError::Decode(
                crate::pickle::LibolmDecodeError::ListTooLong { .. }
            )))
        ));
    }

    #[cfg(feature = "libolm-compat")]
    #[test]
    fn libolm_accounts_have_no_seed_to_dehydrate() {
        let pickle = account().to_libolm_pickle(b"key").unwrap();
        let imported = Account::from_libolm_pickle(&pickle, b"key").unwrap();
        assert!(matches!(
            imported.to_dehydrated_device(&KEY),
            Err(DehydratedDeviceError::InvalidAccount)
        ));
    }
}
