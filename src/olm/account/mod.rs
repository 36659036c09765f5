//! An Olm account: a device's long-term identity keys and its one-time and fallback keys.

mod dehydrated;
mod fallback_keys;
#[cfg(feature = "libolm-compat")]
mod libolm;
mod one_time_keys;

use std::collections::HashMap;

use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};

pub use self::{dehydrated::DehydratedDeviceResult, one_time_keys::MAX_ONE_TIME_KEYS};
use self::{
    fallback_keys::{FallbackKeys, FallbackKeysPickle},
    one_time_keys::{OneTimeKeys, OneTimeKeysPickle},
};
use super::{
    session::DecryptionError, shared_secret::Shared3DhSecret, PreKeyMessage, Session,
    SessionConfig, SessionKeys,
};
use crate::{
    rng::OsRng, types::Curve25519Keypair, Curve25519PublicKey, Curve25519SecretKey, Ed25519Keypair,
    Ed25519PublicKey, Ed25519Signature, KeyId, PickleError,
};

/// How many one-time keys an account should keep published on the server
/// ([`Account::max_number_of_one_time_keys`]).
pub const PUBLIC_MAX_ONE_TIME_KEYS: usize = 50;

/// A device's public identity keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityKeys {
    /// The Ed25519 key that signs the device's keys.
    pub ed25519: Ed25519PublicKey,
    /// The Curve25519 key used in the triple Diffie-Hellman.
    pub curve25519: Curve25519PublicKey,
}

/// The result of [`Account::create_inbound_session`]: the session and the first plaintext.
#[derive(Debug)]
pub struct InboundCreationResult {
    /// The new session.
    pub session: Session,
    /// The plaintext of the pre-key message that created it.
    pub plaintext: Vec<u8>,
}

/// The result of [`Account::generate_one_time_keys`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OneTimeKeyGenerationResult {
    /// The public keys that were created.
    pub created: Vec<Curve25519PublicKey>,
    /// The public keys that were evicted to make room (the oldest ones).
    pub removed: Vec<Curve25519PublicKey>,
}

/// A session could not be created.
#[derive(Debug, thiserror::Error)]
pub enum SessionCreationError {
    /// The pre-key message names a one-time or fallback key this account does not hold.
    #[error("The pre-key message contained an unknown one-time key: {0}")]
    MissingOneTimeKey(Curve25519PublicKey),
    /// The pre-key message's identity key is not the one expected: `(expected, got)`.
    #[error(
        "The given identity key doesn't match the one in the pre-key message: expected {0}, got {1}"
    )]
    MismatchedIdentityKey(Curve25519PublicKey, Curve25519PublicKey),
    /// The pre-key message's version does not match the expected session version.
    #[error(
        "The pre-key message uses a different session config: expected {expected:?}, got {got:?}"
    )]
    MismatchedSessionConfig {
        /// The configuration the caller asked for.
        expected: SessionConfig,
        /// The configuration of the message, if it maps to one.
        got: Option<SessionConfig>,
    },
    /// The pre-key message did not decrypt; the one-time key was kept.
    #[error("The message that was used to establish the Session couldn't be decrypted")]
    Decryption(#[from] DecryptionError),
    /// One of the keys is of small order: the shared secret would not be contributory.
    #[error(
        "One or more keys lacked contributory behavior in the Diffie-Hellman operation, \
         resulting in an insecure shared secret"
    )]
    NonContributoryKey,
}

/// An Olm account.
///
/// ```
/// use salamander::olm::Account;
///
/// let mut account = Account::new();
/// let keys = account.identity_keys();
/// let signature = account.sign("device keys JSON");
/// keys.ed25519.verify(b"device keys JSON", &signature).unwrap();
///
/// let generated = account.generate_one_time_keys(account.max_number_of_one_time_keys());
/// assert_eq!(generated.created.len(), 50);
/// assert_eq!(account.one_time_keys().len(), 50);
/// account.mark_keys_as_published();
/// assert!(account.one_time_keys().is_empty());
/// assert_eq!(account.stored_one_time_key_count(), 50);
/// ```
#[derive(Clone)]
pub struct Account {
    signing_key: Ed25519Keypair,
    diffie_hellman_key: Curve25519Keypair,
    one_time_keys: OneTimeKeys,
    fallback_keys: FallbackKeys,
}

impl Account {
    /// A new account with fresh identity keys and no one-time keys.
    pub fn new() -> Self {
        Self::new_with_rng(&mut OsRng)
    }

    /// [`Account::new`] drawing from `rng`: the Ed25519 seed, then the Curve25519 key, the
    /// order libolm consumes its 64 random bytes in. For known-answer tests.
    pub fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let signing_key = Ed25519Keypair::new_with_rng(rng);
        let diffie_hellman_key = Curve25519Keypair::new_with_rng(rng);
        Self {
            signing_key,
            diffie_hellman_key,
            one_time_keys: OneTimeKeys::new(),
            fallback_keys: FallbackKeys::new(),
        }
    }

    /// The account's public identity keys.
    pub const fn identity_keys(&self) -> IdentityKeys {
        IdentityKeys { ed25519: self.ed25519_key(), curve25519: self.curve25519_key() }
    }

    /// The public Ed25519 identity key.
    pub const fn ed25519_key(&self) -> Ed25519PublicKey {
        self.signing_key.public_key()
    }

    /// The public Curve25519 identity key.
    pub const fn curve25519_key(&self) -> Curve25519PublicKey {
        self.diffie_hellman_key.public_key()
    }

    /// Sign `message` with the Ed25519 identity key. Accounts imported from libolm sign with
    /// libolm's expanded key, exactly as libolm does.
    pub fn sign(&self, message: impl AsRef<[u8]>) -> Ed25519Signature {
        self.signing_key.sign(message.as_ref())
    }

    /// How many one-time keys should be published on the server (50). The account stores up
    /// to [`MAX_ONE_TIME_KEYS`].
    pub const fn max_number_of_one_time_keys(&self) -> usize {
        PUBLIC_MAX_ONE_TIME_KEYS
    }

    /// Start a session with another device from its identity key and one of its one-time (or
    /// fallback) keys.
    ///
    /// Check the signature on `one_time_key` (a `signed_curve25519` key) before calling this: an
    /// unsigned one-time key weakens the session's guarantees ("The Matrix Reloaded", 2024).
    pub fn create_outbound_session(
        &self,
        session_config: SessionConfig,
        identity_key: Curve25519PublicKey,
        one_time_key: Curve25519PublicKey,
    ) -> Result<Session, SessionCreationError> {
        self.create_outbound_session_with_rng(
            session_config,
            identity_key,
            one_time_key,
            &mut OsRng,
        )
    }

    /// [`Account::create_outbound_session`] drawing the base key and then the first ratchet key
    /// from `rng`, libolm's order. For known-answer tests.
    pub fn create_outbound_session_with_rng<R: CryptoRng + ?Sized>(
        &self,
        session_config: SessionConfig,
        identity_key: Curve25519PublicKey,
        one_time_key: Curve25519PublicKey,
        rng: &mut R,
    ) -> Result<Session, SessionCreationError> {
        let base_key = Curve25519Keypair::new_with_rng(rng);
        let ratchet_key = Curve25519Keypair::new_with_rng(rng);
        let secret = Shared3DhSecret::outbound(
            self.diffie_hellman_key.secret_key(),
            base_key.secret_key(),
            &identity_key,
            &one_time_key,
        )
        .ok_or(SessionCreationError::NonContributoryKey)?;
        let (root_key, chain_key) = secret.expand();
        let session_keys = SessionKeys {
            identity_key: self.curve25519_key(),
            base_key: base_key.public_key(),
            one_time_key,
        };
        Ok(Session::new_outbound(session_config, session_keys, root_key, chain_key, ratchet_key))
    }

    /// Accept a session started by another device, from its first (pre-key) message.
    ///
    /// The message is decrypted before anything changes: only if it decrypts is the one-time
    /// key removed (fallback keys are kept). `their_identity_key` is the sender's Curve25519
    /// key as the caller knows it (for example from `sender_key`); a message made with another
    /// identity key is refused.
    pub fn create_inbound_session(
        &mut self,
        expected_config: SessionConfig,
        their_identity_key: Curve25519PublicKey,
        pre_key_message: &PreKeyMessage,
    ) -> Result<InboundCreationResult, SessionCreationError> {
        if their_identity_key != pre_key_message.identity_key() {
            return Err(SessionCreationError::MismatchedIdentityKey(
                their_identity_key,
                pre_key_message.identity_key(),
            ));
        }
        let got = SessionConfig::from_message_version(pre_key_message.message().version());
        if got != Some(expected_config) {
            return Err(SessionCreationError::MismatchedSessionConfig {
                expected: expected_config,
                got,
            });
        }

        let one_time_key = pre_key_message.one_time_key();
        let is_fallback_key = self.fallback_keys.get_secret_key(&one_time_key).is_some();
        let private_key = match self.fallback_keys.get_secret_key(&one_time_key) {
            Some(key) => key,
            None => self
                .one_time_keys
                .get_secret_key(&one_time_key)
                .ok_or(SessionCreationError::MissingOneTimeKey(one_time_key))?,
        };
        let secret = Shared3DhSecret::inbound(
            self.diffie_hellman_key.secret_key(),
            private_key,
            &pre_key_message.identity_key(),
            &pre_key_message.base_key(),
        )
        .ok_or(SessionCreationError::NonContributoryKey)?;
        let (root_key, chain_key) = secret.expand();

        let mut session = Session::new_inbound(
            expected_config,
            pre_key_message.session_keys(),
            root_key,
            chain_key,
            pre_key_message.message().ratchet_key(),
        );
        let plaintext = session.decrypt_message(pre_key_message.message())?;

        // Only now: a forged pre-key message must not be able to burn a one-time key.
        if !is_fallback_key {
            self.one_time_keys.remove(&one_time_key);
        }
        Ok(InboundCreationResult { session, plaintext })
    }

    /// Generate `count` new one-time keys. When the store is full the oldest keys are evicted
    /// and reported in [`OneTimeKeyGenerationResult::removed`].
    pub fn generate_one_time_keys(&mut self, count: usize) -> OneTimeKeyGenerationResult {
        self.generate_one_time_keys_with_rng(count, &mut OsRng)
    }

    /// [`Account::generate_one_time_keys`] drawing 32 bytes per key from `rng`.
    pub fn generate_one_time_keys_with_rng<R: CryptoRng + ?Sized>(
        &mut self,
        count: usize,
        rng: &mut R,
    ) -> OneTimeKeyGenerationResult {
        self.one_time_keys.generate(count, rng)
    }

    /// How many one-time private keys the account holds, published or not.
    pub fn stored_one_time_key_count(&self) -> usize {
        self.one_time_keys.count()
    }

    /// The one-time keys not yet marked as published, by id.
    pub fn one_time_keys(&self) -> HashMap<KeyId, Curve25519PublicKey> {
        self.one_time_keys.unpublished_public_keys()
    }

    /// Rotate the fallback key: a new current key; the old current key becomes the previous
    /// one. Returns the public key of the previous key that was dropped, if any.
    pub fn generate_fallback_key(&mut self) -> Option<Curve25519PublicKey> {
        self.generate_fallback_key_with_rng(&mut OsRng)
    }

    /// [`Account::generate_fallback_key`] drawing 32 bytes from `rng`.
    pub fn generate_fallback_key_with_rng<R: CryptoRng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Option<Curve25519PublicKey> {
        self.fallback_keys.generate(rng)
    }

    /// The current fallback key, if it has not been marked as published.
    pub fn fallback_key(&self) -> HashMap<KeyId, Curve25519PublicKey> {
        self.fallback_keys.unpublished_fallback_key()
    }

    /// Drop the previous fallback key; returns whether there was one.
    pub fn forget_fallback_key(&mut self) -> bool {
        self.fallback_keys.forget_previous_fallback_key()
    }

    /// Mark every one-time key and the fallback key as published.
    pub fn mark_keys_as_published(&mut self) {
        self.one_time_keys.mark_as_published();
        self.fallback_keys.mark_as_published();
    }

    /// The account's state, ready to be serialized and encrypted.
    pub fn pickle(&self) -> AccountPickle {
        AccountPickle {
            signing_key: self.signing_key.clone(),
            diffie_hellman_key: self.diffie_hellman_key.secret_key().clone(),
            one_time_keys: self.one_time_keys.pickle(),
            fallback_keys: self.fallback_keys.pickle(),
        }
    }

    /// Restore an account from its pickle.
    pub fn from_pickle(pickle: AccountPickle) -> Self {
        Self {
            signing_key: pickle.signing_key,
            diffie_hellman_key: Curve25519Keypair::from_secret_key(pickle.diffie_hellman_key),
            one_time_keys: OneTimeKeys::from_pickle(pickle.one_time_keys),
            fallback_keys: FallbackKeys::from_pickle(pickle.fallback_keys),
        }
    }
}

impl Default for Account {
    fn default() -> Self {
        Self::new()
    }
}

impl From<AccountPickle> for Account {
    fn from(pickle: AccountPickle) -> Self {
        Self::from_pickle(pickle)
    }
}

impl std::fmt::Debug for Account {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Account")
            .field("identity_keys", &self.identity_keys())
            .field("stored_one_time_keys", &self.stored_one_time_key_count())
            .finish_non_exhaustive()
    }
}

/// An [`Account`]'s whole state as a `serde` value; see the [pickle module](crate::pickle).
#[derive(Serialize, Deserialize)]
pub struct AccountPickle {
    signing_key: Ed25519Keypair,
    diffie_hellman_key: Curve25519SecretKey,
    one_time_keys: OneTimeKeysPickle,
    fallback_keys: FallbackKeysPickle,
}

impl AccountPickle {
    /// Serialize and encrypt the pickle under `pickle_key`.
    pub fn encrypt(self, pickle_key: &[u8; 32]) -> String {
        crate::pickle::encrypt(&self, pickle_key)
    }

    /// Decrypt and deserialize a pickle made by [`AccountPickle::encrypt`] (or by vodozemac).
    pub fn from_encrypted(ciphertext: &str, pickle_key: &[u8; 32]) -> Result<Self, PickleError> {
        crate::pickle::decrypt(ciphertext, pickle_key)
    }
}

#[cfg(test)]
mod tests;
