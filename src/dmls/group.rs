//! [`DmlsGroup`]: one MLS group whose epoch history may fork.
//!
//! Every operation works on a *copy* of one fork's storage (see `storage.rs`) and replaces the
//! retained state only once everything succeeded, so a failed call changes nothing.
//!
//! - **Sending** ([`DmlsGroup::encrypt`], commits): on the [preferred
//!   fork](DmlsGroup::preferred_fork).
//! - **Committing** (`commit.rs`) and **processing** (`process.rs`) live beside this file;
//!   here are the group's state, creation, joining, accessors, retention and `encrypt`.
//!
//! See [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/).

use std::collections::{BTreeMap, VecDeque};

use openmls::prelude::OpenMlsCrypto as _;
use openmls::prelude::{
    BasicCredential, Credential, GroupId, MlsGroup, MlsGroupJoinConfig, MlsMessageBodyIn,
    MlsMessageIn, ProcessedWelcome, PURE_CIPHERTEXT_WIRE_FORMAT_POLICY,
};
use openmls::schedule::PreSharedKeyId;
use openmls_basic_credential::SignatureKeyPair;
use openmls_traits::storage::StorageProvider as _;
use openmls_traits::types::HpkeCiphertext;
use tls_codec::{Deserialize as _, Serialize as _};
use zeroize::Zeroizing;

use super::crypto::DmlsCrypto;
use super::fork::{preferred, to_evict, Fork, ForkInfo, FORK_ID_LABEL};
use super::pprf::Pprf;
use super::storage::{ForkStorage, Provider};
use super::welcome::{DmlsWelcome, WELCOME_PSK_INFO};
use super::{
    DmlsError, DmlsIdentity, Envelope, EnvelopeError, ForkId, RetentionLimits, CIPHERSUITE,
};

/// The `safe_export_secret` component (private range) that keys each epoch's PPRF.
pub(crate) const PPRF_COMPONENT: u16 = 0xD515;
/// Every DMLS PSK id starts with this, followed by the parent fork id and `x` (8 bytes).
pub(crate) const PSK_ID_PREFIX: &[u8] = b"salamander dmls psk v1";
/// How many evicted fork ids are remembered (to answer `EvictedFork` rather than
/// `UnknownFork`).
pub(crate) const MAX_EVICTED: usize = 256;
/// The queued messages' total size is bounded too.
pub(crate) const MAX_QUEUED_BYTES: usize = 16 * 1024 * 1024;
/// The longest plaintext [`DmlsGroup::encrypt`] takes: the envelope limit less room for MLS
/// framing (header, signature, AEAD tag, padding).
pub(crate) const MAX_PLAINTEXT_LEN: usize = super::MAX_ENVELOPE_LEN - 64 * 1024;

/// A message waiting for its fork.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Queued {
    pub(crate) fork_id: ForkId,
    pub(crate) epoch: u64,
    pub(crate) message: Vec<u8>,
}

/// A decentralised MLS group: the retained forks of one MLS group, as seen by one member.
pub struct DmlsGroup {
    pub(crate) group_id: Vec<u8>,
    pub(crate) signer: SignatureKeyPair,
    pub(crate) forks: BTreeMap<ForkId, Fork>,
    pub(crate) evicted: VecDeque<ForkId>,
    pub(crate) queue: VecDeque<Queued>,
    pub(crate) limits: RetentionLimits,
    pub(crate) now: u64,
    pub(crate) sequence: u64,
    pub(crate) crypto: DmlsCrypto,
}

/// What [`DmlsGroup::process`] did with a message.
pub enum Processed {
    /// An application message, decrypted on `fork_id`.
    Application {
        /// The fork the message was sent on.
        fork_id: ForkId,
        /// The sender's credential identity.
        sender: Vec<u8>,
        /// The plaintext.
        plaintext: Zeroizing<Vec<u8>>,
    },
    /// A commit on `parent` created the fork `fork_id`.
    Commit {
        /// The fork the commit was sent on.
        parent: ForkId,
        /// The new fork.
        fork_id: ForkId,
        /// The new fork's epoch.
        epoch: u64,
        /// Queued messages for the new fork (or forks created by them), processed now; those
        /// that failed are dropped.
        replayed: Vec<Processed>,
    },
    /// A commit on `parent` removed this member; no fork was created.
    Removed {
        /// The fork the commit was sent on.
        parent: ForkId,
    },
    /// The message names a fork not known yet; it waits in the queue.
    Queued {
        /// The fork it names.
        fork_id: ForkId,
    },
}

impl std::fmt::Debug for Processed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Application { fork_id, sender, plaintext } => f
                .debug_struct("Application")
                .field("fork_id", fork_id)
                .field("sender", &String::from_utf8_lossy(sender))
                .field("plaintext_len", &plaintext.len())
                .finish(),
            Self::Commit { parent, fork_id, epoch, replayed } => f
                .debug_struct("Commit")
                .field("parent", parent)
                .field("fork_id", fork_id)
                .field("epoch", epoch)
                .field("replayed", replayed)
                .finish(),
            Self::Removed { parent } => f.debug_struct("Removed").field("parent", parent).finish(),
            Self::Queued { fork_id } => f.debug_struct("Queued").field("fork_id", fork_id).finish(),
        }
    }
}

/// A commit this member made: the envelope for the group and, if it added members, the
/// Welcome for them.
#[derive(Debug, Clone)]
pub struct DmlsCommit {
    /// The envelope to send to every member.
    pub commit: Vec<u8>,
    /// The encoded [`DmlsWelcome`] for the added members.
    pub welcome: Option<Vec<u8>>,
    /// The fork the commit created (now retained here).
    pub fork_id: ForkId,
}

pub(super) fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .wire_format_policy(PURE_CIPHERTEXT_WIRE_FORMAT_POLICY)
        .build()
}

pub(crate) fn psk_id(parent: ForkId, x: u64) -> Vec<u8> {
    let mut id = PSK_ID_PREFIX.to_vec();
    id.extend_from_slice(parent.as_bytes());
    id.extend_from_slice(&x.to_be_bytes());
    id
}

pub(super) fn key32(mut bytes: Vec<u8>) -> Result<Zeroizing<[u8; 32]>, DmlsError> {
    let mut key = Zeroizing::new([0u8; 32]);
    let ok = bytes.len() == 32;
    if ok {
        key.copy_from_slice(&bytes);
    }
    zeroize::Zeroize::zeroize(&mut bytes);
    if ok {
        Ok(key)
    } else {
        Err(DmlsError::Crypto("exported secret has the wrong length".into()))
    }
}

pub(super) fn identity_of(credential: &Credential) -> Vec<u8> {
    BasicCredential::try_from(credential.clone())
        .map(|c| c.identity().to_vec())
        .unwrap_or_else(|_| credential.serialized_content().to_vec())
}

pub(super) fn decode_mls(bytes: &[u8]) -> Result<MlsMessageIn, DmlsError> {
    MlsMessageIn::tls_deserialize_exact(bytes)
        .map_err(|e| DmlsError::Decode(EnvelopeError::Mls(e.to_string())))
}

impl DmlsGroup {
    /// Create a new group with `identity` as its only member.
    pub fn create(identity: &DmlsIdentity) -> Result<Self, DmlsError> {
        let crypto = identity.crypto.child().map_err(DmlsError::mls)?;
        let signer = identity.signer();
        let storage = ForkStorage::new();
        let (group_id, epoch, id, root) = {
            let provider = Provider { crypto: &crypto, storage: &storage };
            let mut builder = MlsGroup::builder();
            if let Some(lifetime) = crypto.lifetime() {
                builder = builder.lifetime(lifetime);
            }
            let mut group = builder
                .ciphersuite(CIPHERSUITE)
                .use_ratchet_tree_extension(true)
                .with_wire_format_policy(PURE_CIPHERTEXT_WIRE_FORMAT_POLICY)
                .build(&provider, &signer, identity.credential_with_key())
                .map_err(DmlsError::mls)?;
            let root = key32(
                group
                    .safe_export_secret(&crypto, &storage, PPRF_COMPONENT)
                    .map_err(DmlsError::mls)?,
            )?;
            let id = fork_id_of(&group, &crypto)?;
            (group.group_id().as_slice().to_vec(), group.epoch().as_u64(), id, root)
        };
        let mut this = Self::empty(group_id, signer, crypto);
        this.insert(id, None, epoch, storage, Pprf::new(&root), None);
        Ok(this)
    }

    /// Join a group from an encoded [`DmlsWelcome`] addressed to one of `identity`'s
    /// KeyPackages (whose private keys are then forgotten).
    pub fn join(identity: &mut DmlsIdentity, welcome: &[u8]) -> Result<Self, DmlsError> {
        let dmls_welcome = DmlsWelcome::decode(welcome)?;
        let MlsMessageBodyIn::Welcome(welcome) = decode_mls(&dmls_welcome.welcome)?.extract()
        else {
            return Err(DmlsError::Unsupported("not a Welcome"));
        };
        let (reference, bundle) = welcome
            .secrets()
            .iter()
            .find_map(|secret| {
                let reference = secret.new_member();
                identity.bundle(&reference).map(|bundle| (reference, bundle))
            })
            .ok_or(DmlsError::NoMatchingKeyPackage)?;
        if !dmls_welcome.psk_id.starts_with(PSK_ID_PREFIX) {
            return Err(DmlsError::MissingPsk);
        }
        let (_, sealed) = dmls_welcome
            .sealed
            .iter()
            .find(|(r, _)| r.as_slice() == reference.as_slice())
            .ok_or(DmlsError::MissingPsk)?;
        let sealed = HpkeCiphertext::tls_deserialize_exact(sealed.as_slice())
            .map_err(|e| DmlsError::Decode(EnvelopeError::Mls(e.to_string())))?;
        let crypto = identity.crypto.child().map_err(DmlsError::mls)?;
        let psk = Zeroizing::new(
            crypto
                .hpke_open(
                    CIPHERSUITE.hpke_config(),
                    &sealed,
                    bundle.init_private_key(),
                    WELCOME_PSK_INFO,
                    &dmls_welcome.psk_id,
                )
                .map_err(|e| DmlsError::Crypto(format!("{e:?}")))?,
        );
        let storage = ForkStorage::new();
        let (group_id, epoch, id, root) = {
            let provider = Provider { crypto: &crypto, storage: &storage };
            storage.write_key_package(&reference, &bundle).map_err(DmlsError::mls)?;
            let psk_id = PreSharedKeyId::external(dmls_welcome.psk_id.clone(), vec![0; 32]);
            psk_id.store(&provider, &psk).map_err(DmlsError::mls)?;
            let processed = ProcessedWelcome::new_from_welcome(&provider, &join_config(), welcome)
                .map_err(DmlsError::mls)?;
            if !processed.psks().iter().any(|id| id.psk() == psk_id.psk()) {
                return Err(DmlsError::MissingPsk);
            }
            let mut group = processed
                .into_staged_welcome(&provider, None)
                .map_err(DmlsError::mls)?
                .into_group(&provider)
                .map_err(DmlsError::mls)?;
            storage.delete_psk(psk_id.psk()).map_err(DmlsError::mls)?;
            let root = key32(
                group
                    .safe_export_secret(&crypto, &storage, PPRF_COMPONENT)
                    .map_err(DmlsError::mls)?,
            )?;
            let id = fork_id_of(&group, &crypto)?;
            (group.group_id().as_slice().to_vec(), group.epoch().as_u64(), id, root)
        };
        identity.remove_bundle(&reference);
        let mut this = Self::empty(group_id, identity.signer(), crypto);
        this.insert(id, None, epoch, storage, Pprf::new(&root), None);
        Ok(this)
    }

    fn empty(group_id: Vec<u8>, signer: SignatureKeyPair, crypto: DmlsCrypto) -> Self {
        Self {
            group_id,
            signer,
            forks: BTreeMap::new(),
            evicted: VecDeque::new(),
            queue: VecDeque::new(),
            limits: RetentionLimits::default(),
            now: 0,
            sequence: 0,
            crypto,
        }
    }

    pub(super) fn insert(
        &mut self,
        id: ForkId,
        parent: Option<ForkId>,
        epoch: u64,
        storage: ForkStorage,
        pprf: Pprf,
        loaded: Option<MlsGroup>,
    ) {
        let fork = Fork {
            id,
            parent,
            epoch,
            storage,
            pprf,
            loaded,
            commits: BTreeMap::new(),
            next_counter: 0,
            sequence: self.sequence,
            created_at: self.now,
        };
        self.sequence = self.sequence.saturating_add(1);
        self.forks.insert(id, fork);
        self.evict();
    }

    /// The MLS group id.
    pub fn group_id(&self) -> &[u8] {
        &self.group_id
    }

    /// The fork this member sends on: the retained fork with the highest epoch, ties broken by
    /// the highest fork id (see [the module docs](super#forks)). `None` once removed.
    pub fn preferred_fork(&self) -> Option<ForkId> {
        preferred(self.forks.values())
    }

    /// The retained forks, oldest epoch first.
    pub fn forks(&self) -> Vec<ForkInfo> {
        let mut forks: Vec<ForkInfo> = self
            .forks
            .values()
            .map(|f| ForkInfo { id: f.id, parent: f.parent, epoch: f.epoch })
            .collect();
        forks.sort_by_key(|f| (f.epoch, f.id));
        forks
    }

    /// The retention limits.
    pub fn limits(&self) -> RetentionLimits {
        self.limits
    }

    /// Change the retention limits; forks past the new limits are evicted now, and past a
    /// lowered [`RetentionLimits::max_queued`] the newest waiting messages are dropped.
    pub fn set_limits(&mut self, limits: RetentionLimits) {
        self.limits = limits;
        self.evict();
    }

    /// Advance the caller's clock (any monotonic unit, e.g. seconds) used by
    /// [`RetentionLimits::max_age`]; forks older than the limit are evicted now.
    pub fn set_time(&mut self, now: u64) {
        self.now = self.now.max(now);
        self.evict();
    }

    /// The members (credential identities) of a retained fork, in leaf order.
    pub fn members(&self, fork: ForkId) -> Result<Vec<Vec<u8>>, DmlsError> {
        let group = self.load(&self.fork(fork)?.storage)?;
        Ok(group.members().map(|m| identity_of(&m.credential)).collect())
    }

    /// `MLS-Exporter(label, "", length)` of a retained fork.
    pub fn export_secret(
        &self,
        fork: ForkId,
        label: &str,
        length: usize,
    ) -> Result<Zeroizing<Vec<u8>>, DmlsError> {
        let group = self.load(&self.fork(fork)?.storage)?;
        group
            .export_secret(&self.crypto, label, &[], length)
            .map(Zeroizing::new)
            .map_err(DmlsError::mls)
    }

    pub(super) fn fork(&self, id: ForkId) -> Result<&Fork, DmlsError> {
        self.forks.get(&id).ok_or_else(|| self.missing(id))
    }

    pub(super) fn missing(&self, id: ForkId) -> DmlsError {
        if self.evicted.contains(&id) {
            DmlsError::EvictedFork(id)
        } else {
            DmlsError::UnknownFork(id)
        }
    }

    /// Fork `id`'s group for an operation: the loaded group if the fork keeps one (taken out:
    /// put it back on success, with the storage copy a commit worked on), else loaded from the
    /// fork's storage (a copy holds the same state).
    pub(super) fn take_loaded(&mut self, id: ForkId) -> Result<MlsGroup, DmlsError> {
        match self.forks.get_mut(&id).and_then(|fork| fork.loaded.take()) {
            Some(group) => Ok(group),
            None => self.load(&self.fork(id)?.storage),
        }
    }

    pub(super) fn load(&self, storage: &ForkStorage) -> Result<MlsGroup, DmlsError> {
        MlsGroup::load(storage, &GroupId::from_slice(&self.group_id))
            .map_err(DmlsError::mls)?
            .ok_or(DmlsError::NotMember)
    }

    pub(super) fn evict(&mut self) {
        let standings: Vec<_> = self.forks.values().map(Fork::standing).collect();
        for id in to_evict(&standings, &self.limits, self.now) {
            // Dropping the fork zeroizes its storage and PPRF.
            if self.forks.remove(&id).is_some() {
                self.evicted.push_back(id);
            }
        }
        while self.evicted.len() > MAX_EVICTED {
            self.evicted.pop_front();
        }
        let oldest = self.forks.values().map(|f| f.epoch).min();
        let evicted = &self.evicted;
        self.queue.retain(|q| {
            !evicted.contains(&q.fork_id) && oldest.is_some_and(|oldest| q.epoch > oldest)
        });
        // A lowered (or restored) limit drops the newest waiting messages, as a full queue
        // refuses new ones.
        self.queue.truncate(self.limits.max_queued);
    }

    /// Encrypt an application message on the preferred fork; returns the envelope.
    ///
    /// A plaintext longer than [`MAX_ENVELOPE_LEN`](super::MAX_ENVELOPE_LEN) less 64 KiB (room
    /// for MLS framing) is refused before anything changes.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, DmlsError> {
        if plaintext.len() > MAX_PLAINTEXT_LEN {
            return Err(EnvelopeError::TooLong(plaintext.len()).into());
        }
        let fork_id = self.preferred_fork().ok_or(DmlsError::NotMember)?;
        // No storage copy: openmls writes the advanced message secrets as create_message's
        // last step, so a failure leaves the storage as it was (see `process_application`).
        let mut group = self.take_loaded(fork_id)?;
        let fork = self.fork(fork_id)?;
        let provider = Provider { crypto: &self.crypto, storage: &fork.storage };
        let message =
            group.create_message(&provider, &self.signer, plaintext).map_err(DmlsError::mls)?;
        // From here the storage has advanced and the group matches it: keep the group.
        let envelope = message
            .tls_serialize_detached()
            .map_err(DmlsError::mls)
            .and_then(|message| Ok(Envelope { fork_id, message }.encode()?));
        if let Some(fork) = self.forks.get_mut(&fork_id) {
            fork.loaded = Some(group);
        }
        envelope
    }
}

pub(super) fn fork_id_of(group: &MlsGroup, crypto: &DmlsCrypto) -> Result<ForkId, DmlsError> {
    let id = group.export_secret(crypto, FORK_ID_LABEL, &[], 32).map_err(DmlsError::mls)?;
    ForkId::from_slice(&id).ok_or(DmlsError::Crypto("fork id has the wrong length".into()))
}

impl std::fmt::Debug for DmlsGroup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DmlsGroup")
            .field("forks", &self.forks())
            .field("preferred", &self.preferred_fork())
            .field("queued", &self.queue.len())
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
