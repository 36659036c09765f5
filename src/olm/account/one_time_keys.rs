//! The store of one-time keys.
//!
//! Holds up to [`MAX_ONE_TIME_KEYS`] private keys, ids counting up from 0; when full, generating
//! a key evicts the oldest (lowest id) and reports its public key, as vodozemac does. The
//! public key of a stored key is derived only when it is needed (a pre-key message names a key
//! not yet indexed, or the key is evicted), so loading an account with thousands of published
//! keys costs no scalar multiplications. Where several public keys are needed at once
//! (generating keys, searching the keys not yet indexed, the libolm export) they are derived
//! in batches that share one field inversion.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};

use super::{OneTimeKeyGenerationResult, PUBLIC_MAX_ONE_TIME_KEYS};
use crate::{pickle::secret::bounded_map, Curve25519PublicKey, Curve25519SecretKey, KeyId};

/// How many one-time private keys an account stores: 100 × the number kept on the server.
pub const MAX_ONE_TIME_KEYS: usize = 100 * PUBLIC_MAX_ONE_TIME_KEYS;

/// Public keys are derived this many at a time, sharing one field inversion. Small, because a
/// search (`find_id`) derives a whole batch even when the first key matches; 16 already spreads
/// the inversion to a few percent of a key's cost.
const DERIVATION_BATCH: usize = 16;

#[derive(Clone)]
pub(super) struct OneTimeKeys {
    next_key_id: u64,
    unpublished_public_keys: BTreeMap<KeyId, Curve25519PublicKey>,
    private_keys: BTreeMap<KeyId, Curve25519SecretKey>,
    /// Public key → id for every key whose public key has been derived.
    key_ids_by_key: HashMap<Curve25519PublicKey, KeyId>,
    /// Ids whose public key has not been derived yet.
    unindexed: BTreeSet<KeyId>,
}

impl OneTimeKeys {
    pub(super) fn new() -> Self {
        Self {
            next_key_id: 0,
            unpublished_public_keys: BTreeMap::new(),
            private_keys: BTreeMap::new(),
            key_ids_by_key: HashMap::new(),
            unindexed: BTreeSet::new(),
        }
    }

    pub(super) fn count(&self) -> usize {
        self.private_keys.len()
    }

    pub(super) fn unpublished_public_keys(&self) -> HashMap<KeyId, Curve25519PublicKey> {
        self.unpublished_public_keys.iter().map(|(id, key)| (*id, *key)).collect()
    }

    pub(super) fn mark_as_published(&mut self) {
        self.unpublished_public_keys.clear();
    }

    pub(super) fn generate<R: CryptoRng + ?Sized>(
        &mut self,
        count: usize,
        rng: &mut R,
    ) -> OneTimeKeyGenerationResult {
        let mut created = Vec::with_capacity(count.min(MAX_ONE_TIME_KEYS));
        let mut removed = Vec::new();
        let mut remaining = count;
        while remaining > 0 {
            let batch = remaining.min(DERIVATION_BATCH);
            remaining -= batch;
            let secrets: Vec<_> =
                (0..batch).map(|_| Curve25519SecretKey::new_with_rng(rng)).collect();
            let publics =
                Curve25519PublicKey::from_secret_keys(&secrets.iter().collect::<Vec<_>>());
            for (secret, public) in secrets.into_iter().zip(publics) {
                let id = KeyId(self.next_key_id);
                self.next_key_id = self.next_key_id.wrapping_add(1);
                if let Some(evicted) = self.insert(id, secret, Some(public), false) {
                    removed.push(evicted);
                }
                created.push(public);
            }
        }
        OneTimeKeyGenerationResult { created, removed }
    }

    /// Store a key, evicting the oldest if full; returns the evicted key's public key.
    pub(super) fn insert(
        &mut self,
        id: KeyId,
        secret: Curve25519SecretKey,
        public: Option<Curve25519PublicKey>,
        published: bool,
    ) -> Option<Curve25519PublicKey> {
        let evicted = if self.private_keys.len() >= MAX_ONE_TIME_KEYS
            && !self.private_keys.contains_key(&id)
        {
            self.private_keys.keys().next().copied().and_then(|oldest| self.remove_by_id(oldest))
        } else {
            None
        };
        // Re-inserting an id replaces the key stored under it.
        self.remove_by_id(id);
        match public {
            Some(public) => {
                self.key_ids_by_key.insert(public, id);
                if !published {
                    self.unpublished_public_keys.insert(id, public);
                }
            }
            None => {
                self.unindexed.insert(id);
            }
        }
        self.private_keys.insert(id, secret);
        evicted
    }

    fn public_key_of(&self, id: KeyId) -> Option<Curve25519PublicKey> {
        if let Some(public) = self.unpublished_public_keys.get(&id) {
            return Some(*public);
        }
        self.private_keys.get(&id).map(Curve25519PublicKey::from)
    }

    fn remove_by_id(&mut self, id: KeyId) -> Option<Curve25519PublicKey> {
        let public = self.public_key_of(id)?;
        self.private_keys.remove(&id);
        self.unpublished_public_keys.remove(&id);
        self.unindexed.remove(&id);
        if self.key_ids_by_key.get(&public) == Some(&id) {
            self.key_ids_by_key.remove(&public);
        }
        Some(public)
    }

    /// Derive the public keys not yet indexed, a batch at a time (oldest first), until `public`
    /// is found.
    fn find_id(&mut self, public: &Curve25519PublicKey) -> Option<KeyId> {
        if let Some(id) = self.key_ids_by_key.get(public) {
            return Some(*id);
        }
        while !self.unindexed.is_empty() {
            let mut ids = Vec::with_capacity(DERIVATION_BATCH.min(self.unindexed.len()));
            while ids.len() < DERIVATION_BATCH {
                let Some(id) = self.unindexed.pop_first() else { break };
                ids.push(id);
            }
            let (ids, secrets): (Vec<KeyId>, Vec<&Curve25519SecretKey>) =
                ids.iter().filter_map(|id| Some((*id, self.private_keys.get(id)?))).unzip();
            let derived = Curve25519PublicKey::from_secret_keys(&secrets);
            for (id, key) in ids.into_iter().zip(derived) {
                self.key_ids_by_key.insert(key, id);
            }
            if let Some(id) = self.key_ids_by_key.get(public) {
                return Some(*id);
            }
        }
        None
    }

    pub(super) fn get_secret_key(
        &mut self,
        public: &Curve25519PublicKey,
    ) -> Option<&Curve25519SecretKey> {
        let id = self.find_id(public)?;
        self.private_keys.get(&id)
    }

    pub(super) fn remove(&mut self, public: &Curve25519PublicKey) -> Option<Curve25519SecretKey> {
        let id = self.find_id(public)?;
        self.unpublished_public_keys.remove(&id);
        self.key_ids_by_key.remove(public);
        self.private_keys.remove(&id)
    }

    #[cfg(feature = "libolm-compat")]
    pub(super) const fn next_key_id(&self) -> u64 {
        self.next_key_id
    }

    pub(super) fn set_next_key_id(&mut self, next: u64) {
        self.next_key_id = next;
    }

    /// Every stored key as (id, secret key, published), oldest first.
    pub(super) fn secret_keys(&self) -> impl Iterator<Item = (KeyId, &Curve25519SecretKey, bool)> {
        self.private_keys
            .iter()
            .map(|(id, secret)| (*id, secret, !self.unpublished_public_keys.contains_key(id)))
    }

    /// The newest `limit` stored keys whose id passes `keep`, oldest first, as (id, public key,
    /// secret key, published). Public keys already known (unpublished, or derived for the
    /// index) are looked up; the others are derived together.
    #[cfg(feature = "libolm-compat")]
    pub(super) fn newest_entries(
        &self,
        limit: usize,
        keep: impl Fn(KeyId) -> bool,
    ) -> Vec<(KeyId, Curve25519PublicKey, &Curve25519SecretKey, bool)> {
        let mut chosen: Vec<_> = self.secret_keys().filter(|(id, _, _)| keep(*id)).collect();
        chosen.drain(..chosen.len().saturating_sub(limit));
        let known: HashMap<KeyId, Curve25519PublicKey> =
            self.key_ids_by_key.iter().map(|(public, id)| (*id, *public)).collect();
        let missing: Vec<&Curve25519SecretKey> = chosen
            .iter()
            .filter(|(id, _, _)| !known.contains_key(id))
            .map(|(_, secret, _)| *secret)
            .collect();
        let mut derived = Curve25519PublicKey::from_secret_keys(&missing).into_iter();
        chosen
            .into_iter()
            .filter_map(|(id, secret, published)| {
                let public = match known.get(&id) {
                    Some(public) => *public,
                    None => derived.next()?,
                };
                Some((id, public, secret, published))
            })
            .collect()
    }

    pub(super) fn pickle(&self) -> OneTimeKeysPickle {
        OneTimeKeysPickle {
            next_key_id: self.next_key_id,
            public_keys: self.unpublished_public_keys.clone(),
            private_keys: self.private_keys.clone(),
        }
    }

    pub(super) fn from_pickle(pickle: OneTimeKeysPickle) -> Self {
        let mut keys = Self::new();
        keys.next_key_id = pickle.next_key_id;
        for (id, secret) in pickle.private_keys {
            let public = pickle.public_keys.get(&id).copied();
            let published = public.is_none();
            keys.insert(id, secret, public, published);
        }
        keys
    }
}

/// vodozemac's layout: unpublished public keys and all private keys, keyed by id.
#[derive(Serialize, Deserialize, Clone)]
pub(super) struct OneTimeKeysPickle {
    #[serde(alias = "key_id")]
    next_key_id: u64,
    #[serde(deserialize_with = "bounded_map::<_, _, _, MAX_ONE_TIME_KEYS>")]
    public_keys: BTreeMap<KeyId, Curve25519PublicKey>,
    #[serde(deserialize_with = "bounded_map::<_, _, _, MAX_ONE_TIME_KEYS>")]
    private_keys: BTreeMap<KeyId, Curve25519SecretKey>,
}
