//! Pickling a [`DmlsGroup`]: every retained fork's openmls storage, its PPRF and commit
//! records, the queue, the retention limits and the signature key, with the same API and key
//! as Olm and Megolm (see the [pickle module](crate::pickle)).
//!
//! PSK values are never pickled: they exist only in the RAM-only table of a working copy while
//! one commit is processed. The committer merges its own commit at once (keeping the cleared
//! parent), so there is no pending-commit state to pickle. Background:
//! [RFC 9420](https://www.rfc-editor.org/rfc/rfc9420),
//! [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/).

use std::collections::BTreeMap;

use openmls_basic_credential::SignatureKeyPair;
use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

use super::crypto::DmlsCrypto;
use super::fork::{Fork, Outcome};
use super::group::Queued;
use super::pprf::Pprf;
use super::storage::ForkStorage;
use super::{DmlsGroup, ForkId, RetentionLimits};

/// A [`DmlsGroup`]'s whole state as a `serde` value.
#[derive(Serialize, Deserialize)]
pub struct DmlsGroupPickle {
    group_id: Vec<u8>,
    signer: SignatureKeyPair,
    forks: Vec<ForkPickle>,
    evicted: Vec<ForkId>,
    queue: Vec<Queued>,
    limits: RetentionLimits,
    now: u64,
    sequence: u64,
}

#[derive(Serialize, Deserialize)]
struct ForkPickle {
    id: ForkId,
    parent: Option<ForkId>,
    epoch: u64,
    #[serde(with = "entries_base64")]
    storage: Vec<(Vec<u8>, Vec<u8>)>,
    pprf: Pprf,
    commits: Vec<([u8; 32], u64, Outcome)>,
    next_counter: u32,
    sequence: u64,
    created_at: u64,
}

/// Storage entries as pairs of unpadded base64 strings (through the constant-time `base64ct`):
/// a third of the size of JSON byte arrays.
mod entries_base64 {
    use serde::ser::SerializeSeq as _;
    use serde::{Deserialize as _, Deserializer, Serializer};
    use zeroize::Zeroize as _;

    use crate::codec::base64::{decode_secret, encode_secret};

    /// One fork's storage: key/value pairs.
    type Entries = Vec<(Vec<u8>, Vec<u8>)>;

    pub(super) fn serialize<S: Serializer>(
        entries: &[(Vec<u8>, Vec<u8>)],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(entries.len()))?;
        for (key, value) in entries {
            let mut pair = (encode_secret(key), encode_secret(value));
            let result = seq.serialize_element(&pair);
            pair.0.zeroize();
            pair.1.zeroize();
            result?;
        }
        seq.end()
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Entries, D::Error> {
        let mut pairs: Vec<(String, String)> = Vec::deserialize(deserializer)?;
        let entries = pairs
            .iter()
            .map(|(key, value)| Ok((decode_secret(key)?.to_vec(), decode_secret(value)?.to_vec())))
            .collect::<Result<Vec<_>, base64ct::Error>>()
            .map_err(serde::de::Error::custom);
        for (key, value) in &mut pairs {
            key.zeroize();
            value.zeroize();
        }
        entries
    }
}

impl Drop for ForkPickle {
    fn drop(&mut self) {
        for (key, value) in &mut self.storage {
            key.zeroize();
            value.zeroize();
        }
    }
}

impl DmlsGroupPickle {
    /// Serialize and encrypt the pickle under `pickle_key`.
    pub fn encrypt(self, pickle_key: &[u8; 32]) -> String {
        crate::pickle::encrypt(&self, pickle_key)
    }

    /// Decrypt and deserialize a pickle made by [`DmlsGroupPickle::encrypt`].
    pub fn from_encrypted(
        ciphertext: &str,
        pickle_key: &[u8; 32],
    ) -> Result<Self, crate::PickleError> {
        crate::pickle::decrypt(ciphertext, pickle_key)
    }
}

impl DmlsGroup {
    /// The group's state, ready to be serialized and encrypted.
    pub fn pickle(&self) -> DmlsGroupPickle {
        DmlsGroupPickle {
            group_id: self.group_id.clone(),
            signer: self.signer.clone(),
            forks: self
                .forks
                .values()
                .map(|fork| ForkPickle {
                    id: fork.id,
                    parent: fork.parent,
                    epoch: fork.epoch,
                    storage: fork.storage.entries(),
                    pprf: fork.pprf.clone(),
                    commits: fork.commits.iter().map(|(h, (x, o))| (*h, *x, *o)).collect(),
                    next_counter: fork.next_counter,
                    sequence: fork.sequence,
                    created_at: fork.created_at,
                })
                .collect(),
            evicted: self.evicted.iter().copied().collect(),
            queue: self.queue.iter().cloned().collect(),
            limits: self.limits,
            now: self.now,
            sequence: self.sequence,
        }
    }

    /// Restore a group from its pickle.
    pub fn from_pickle(mut pickle: DmlsGroupPickle) -> Self {
        let forks: BTreeMap<ForkId, Fork> = std::mem::take(&mut pickle.forks)
            .into_iter()
            .map(|mut f| {
                let storage = ForkStorage::from_entries(std::mem::take(&mut f.storage));
                let fork = Fork {
                    id: f.id,
                    parent: f.parent,
                    epoch: f.epoch,
                    storage,
                    pprf: f.pprf.clone(),
                    commits: f.commits.iter().map(|(h, x, o)| (*h, (*x, *o))).collect(),
                    next_counter: f.next_counter,
                    sequence: f.sequence,
                    created_at: f.created_at,
                    loaded: None,
                };
                (f.id, fork)
            })
            .collect();
        let mut group = Self {
            group_id: pickle.group_id,
            signer: pickle.signer,
            forks,
            evicted: pickle.evicted.into_iter().collect(),
            queue: pickle.queue.into_iter().collect(),
            limits: pickle.limits,
            now: pickle.now,
            sequence: pickle.sequence,
            crypto: DmlsCrypto::default(),
        };
        // Re-apply the limits (forks, the queue, the list of evicted ids) to whatever the
        // pickle held.
        group.set_limits(group.limits);
        group
    }
}

impl From<DmlsGroupPickle> for DmlsGroup {
    fn from(pickle: DmlsGroupPickle) -> Self {
        Self::from_pickle(pickle)
    }
}

/// One fork's storage through the pickle's own path: the `ForkPickle` entry encoding
/// (`entries_base64`), JSON and the pickle cipher, then back into a fresh [`ForkStorage`].
/// For tests that check that a storage survives pickling (the passive-client vectors).
#[cfg(test)]
pub(super) fn storage_round_trip(storage: &ForkStorage) -> ForkStorage {
    #[derive(Serialize, Deserialize)]
    struct StoragePickle {
        #[serde(with = "entries_base64")]
        storage: Vec<(Vec<u8>, Vec<u8>)>,
    }
    let key = [0x5a; 32];
    let sealed = crate::pickle::encrypt(&StoragePickle { storage: storage.entries() }, &key);
    let opened: StoragePickle =
        crate::pickle::decrypt(&sealed, &key).expect("a fork storage pickle opens");
    ForkStorage::from_entries(opened.storage)
}
