//! Fallback keys: the current one and the one before it.
//!
//! A fallback key is used when the server has run out of one-time keys. Unlike one-time keys it
//! is not removed when a session is created from it; the previous key is kept after rotation
//! until [`forget_fallback_key`](super::Account::forget_fallback_key), so messages sent to it
//! while the new key propagates still open.

use std::collections::HashMap;

use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};

use crate::{types::Curve25519Keypair, Curve25519PublicKey, Curve25519SecretKey, KeyId};

#[derive(Clone)]
pub(super) struct FallbackKey {
    pub(super) key_id: KeyId,
    pub(super) key: Curve25519Keypair,
    pub(super) published: bool,
}

#[derive(Clone)]
pub(super) struct FallbackKeys {
    pub(super) next_key_id: u64,
    pub(super) fallback_key: Option<FallbackKey>,
    pub(super) previous_fallback_key: Option<FallbackKey>,
}

impl FallbackKeys {
    pub(super) const fn new() -> Self {
        Self { next_key_id: 0, fallback_key: None, previous_fallback_key: None }
    }

    /// Rotate: a new current key; the current one becomes the previous one, and the previous
    /// one is dropped and returned.
    pub(super) fn generate<R: CryptoRng + ?Sized>(
        &mut self,
        rng: &mut R,
    ) -> Option<Curve25519PublicKey> {
        let key_id = KeyId(self.next_key_id);
        self.next_key_id = self.next_key_id.wrapping_add(1);
        let new =
            FallbackKey { key_id, key: Curve25519Keypair::new_with_rng(rng), published: false };
        let dropped = self.previous_fallback_key.take();
        self.previous_fallback_key = self.fallback_key.replace(new);
        dropped.map(|key| key.key.public_key())
    }

    pub(super) fn get_secret_key(
        &self,
        public: &Curve25519PublicKey,
    ) -> Option<&Curve25519SecretKey> {
        [&self.fallback_key, &self.previous_fallback_key]
            .into_iter()
            .flatten()
            .find(|key| key.key.public_key() == *public)
            .map(|key| key.key.secret_key())
    }

    pub(super) fn unpublished_fallback_key(&self) -> HashMap<KeyId, Curve25519PublicKey> {
        self.fallback_key
            .iter()
            .filter(|key| !key.published)
            .map(|key| (key.key_id, key.key.public_key()))
            .collect()
    }

    pub(super) fn forget_previous_fallback_key(&mut self) -> bool {
        self.previous_fallback_key.take().is_some()
    }

    pub(super) fn mark_as_published(&mut self) {
        if let Some(key) = &mut self.fallback_key {
            key.published = true;
        }
    }

    pub(super) fn pickle(&self) -> FallbackKeysPickle {
        let pickle_key = |key: &FallbackKey| FallbackKeyPickle {
            key_id: key.key_id,
            key: key.key.secret_key().clone(),
            published: key.published,
        };
        FallbackKeysPickle {
            key_id: self.next_key_id,
            fallback_key: self.fallback_key.as_ref().map(pickle_key),
            previous_fallback_key: self.previous_fallback_key.as_ref().map(pickle_key),
        }
    }

    pub(super) fn from_pickle(pickle: FallbackKeysPickle) -> Self {
        let unpickle = |key: FallbackKeyPickle| FallbackKey {
            key_id: key.key_id,
            key: Curve25519Keypair::from_secret_key(key.key),
            published: key.published,
        };
        Self {
            next_key_id: pickle.key_id,
            fallback_key: pickle.fallback_key.map(unpickle),
            previous_fallback_key: pickle.previous_fallback_key.map(unpickle),
        }
    }
}

/// vodozemac's layout: `key_id` is the next id to hand out.
#[derive(Serialize, Deserialize, Clone)]
pub(super) struct FallbackKeysPickle {
    key_id: u64,
    fallback_key: Option<FallbackKeyPickle>,
    previous_fallback_key: Option<FallbackKeyPickle>,
}

#[derive(Serialize, Deserialize, Clone)]
struct FallbackKeyPickle {
    key_id: KeyId,
    key: Curve25519SecretKey,
    published: bool,
}
