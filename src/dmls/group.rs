//! [`DmlsGroup`]: one MLS group whose epoch history may fork.
//!
//! Every operation works on a *copy* of one fork's storage (see `storage.rs`) and replaces the
//! retained state only once everything succeeded, so a failed call changes nothing.
//!
//! - **Sending** ([`DmlsGroup::encrypt`], commits): on the [preferred
//!   fork](DmlsGroup::preferred_fork).
//! - **Committing** (RFC 9420 [§12.4](https://www.rfc-editor.org/rfc/rfc9420#section-12.4)):
//!   the commit carries an external PSK `PPRF_n(x)` with `x = own leaf ‖ counter`, `x` in the
//!   MLS AAD. The committer merges at once and keeps two states: its child fork, and the parent
//!   as a copy taken *after* staging with the pending commit cleared (the pending-commit
//!   snapshot would hold the child's secrets in plain, defeating forward secrecy; its handshake
//!   ratchet has advanced, so a later commit from it cannot reuse a nonce).
//! - **Processing a commit**: against a copy of the named parent fork, creating a child; a late
//!   rival commit on an older retained fork creates a second child. The receiver evaluates its
//!   copy of the parent's PPRF at `x`, puts the PSK in the copy's RAM-only PSK table, processes,
//!   checks that the sender's leaf is the one `x` names and that the commit carries the PSK,
//!   merges, deletes the PSK, and only then keeps the punctured PPRF. Duplicates (same bytes,
//!   same input `x`, or same resulting fork) are detected first and change nothing.
//! - **Queue**: a message naming an unknown fork whose epoch is newer than the oldest retained
//!   fork waits (bounded) and is replayed when a commit creates that fork.
//!
//! See [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/).

use std::collections::{BTreeMap, VecDeque};

use openmls::framing::errors::{MessageDecryptionError, SecretTreeError};
use openmls::prelude::{
    BasicCredential, ContentType, Credential, GroupId, KeyPackage, LeafNodeIndex, MlsGroup,
    MlsGroupJoinConfig, MlsMessageBodyIn, MlsMessageIn, PreSharedKeyProposal, ProcessMessageError,
    ProcessedMessageContent, ProcessedWelcome, Proposal, ProtocolMessage, ProtocolVersion, Sender,
    StagedCommit, ValidationError, PURE_CIPHERTEXT_WIRE_FORMAT_POLICY,
};
use openmls::prelude::{OpenMlsCrypto as _, OpenMlsRand as _};
use openmls::schedule::{ExternalPsk, PreSharedKeyId, Psk};
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::RustCrypto;
use openmls_traits::storage::StorageProvider as _;
use openmls_traits::types::HpkeCiphertext;
use sha2::{Digest as _, Sha256};
use tls_codec::{Deserialize as _, Serialize as _};
use zeroize::Zeroizing;

use super::fork::{preferred, to_evict, Fork, ForkInfo, Outcome, FORK_ID_LABEL};
use super::pprf::{Pprf, PprfError, MAX_NODES};
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
    pub(crate) crypto: RustCrypto,
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

fn join_config() -> MlsGroupJoinConfig {
    MlsGroupJoinConfig::builder()
        .use_ratchet_tree_extension(true)
        .wire_format_policy(PURE_CIPHERTEXT_WIRE_FORMAT_POLICY)
        .build()
}

fn psk_id(parent: ForkId, x: u64) -> Vec<u8> {
    let mut id = PSK_ID_PREFIX.to_vec();
    id.extend_from_slice(parent.as_bytes());
    id.extend_from_slice(&x.to_be_bytes());
    id
}

fn key32(mut bytes: Vec<u8>) -> Result<Zeroizing<[u8; 32]>, DmlsError> {
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

fn identity_of(credential: &Credential) -> Vec<u8> {
    BasicCredential::try_from(credential.clone())
        .map(|c| c.identity().to_vec())
        .unwrap_or_else(|_| credential.serialized_content().to_vec())
}

fn carries_psk(staged: &StagedCommit, expected: &[u8]) -> bool {
    staged.psk_proposals().any(|queued| {
        queued
            .psk_proposal()
            .tls_serialize_detached()
            .ok()
            .and_then(|bytes| PreSharedKeyId::tls_deserialize_exact(bytes.as_slice()).ok())
            .is_some_and(|id| *id.psk() == Psk::External(ExternalPsk::new(expected.to_vec())))
    })
}

fn process_error<E: std::error::Error + Send + Sync + 'static>(
    error: ProcessMessageError<E>,
) -> DmlsError {
    match error {
        ProcessMessageError::ValidationError(ValidationError::UnableToDecrypt(
            MessageDecryptionError::SecretTreeError(SecretTreeError::SecretReuseError),
        )) => DmlsError::Replayed,
        error => DmlsError::mls(error),
    }
}

fn decode_mls(bytes: &[u8]) -> Result<MlsMessageIn, DmlsError> {
    MlsMessageIn::tls_deserialize_exact(bytes)
        .map_err(|e| DmlsError::Decode(EnvelopeError::Mls(e.to_string())))
}

impl DmlsGroup {
    /// Create a new group with `identity` as its only member.
    pub fn create(identity: &DmlsIdentity) -> Result<Self, DmlsError> {
        let crypto = RustCrypto::default();
        let signer = identity.signer();
        let storage = ForkStorage::new();
        let (group_id, epoch, id, root) = {
            let provider = Provider { crypto: &crypto, storage: &storage };
            let mut group = MlsGroup::builder()
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
        this.insert(id, None, epoch, storage, Pprf::new(&root));
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
        let crypto = RustCrypto::default();
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
        this.insert(id, None, epoch, storage, Pprf::new(&root));
        Ok(this)
    }

    fn empty(group_id: Vec<u8>, signer: SignatureKeyPair, crypto: RustCrypto) -> Self {
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

    fn insert(
        &mut self,
        id: ForkId,
        parent: Option<ForkId>,
        epoch: u64,
        storage: ForkStorage,
        pprf: Pprf,
    ) {
        let fork = Fork {
            id,
            parent,
            epoch,
            storage,
            pprf,
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

    /// Change the retention limits; forks past the new limits are evicted now.
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

    fn fork(&self, id: ForkId) -> Result<&Fork, DmlsError> {
        self.forks.get(&id).ok_or_else(|| self.missing(id))
    }

    fn missing(&self, id: ForkId) -> DmlsError {
        if self.evicted.contains(&id) {
            DmlsError::EvictedFork(id)
        } else {
            DmlsError::UnknownFork(id)
        }
    }

    fn load(&self, storage: &ForkStorage) -> Result<MlsGroup, DmlsError> {
        MlsGroup::load(storage, &GroupId::from_slice(&self.group_id))
            .map_err(DmlsError::mls)?
            .ok_or(DmlsError::NotMember)
    }

    fn evict(&mut self) {
        for id in to_evict(&self.forks, &self.limits, self.now) {
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
    }

    /// Encrypt an application message on the preferred fork; returns the envelope.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> Result<Vec<u8>, DmlsError> {
        let fork_id = self.preferred_fork().ok_or(DmlsError::NotMember)?;
        let work = self.fork(fork_id)?.storage.branch();
        let message = {
            let provider = Provider { crypto: &self.crypto, storage: &work };
            let mut group = self.load(&work)?;
            group
                .create_message(&provider, &self.signer, plaintext)
                .map_err(DmlsError::mls)?
                .tls_serialize_detached()
                .map_err(DmlsError::mls)?
        };
        let envelope = Envelope { fork_id, message }.encode()?;
        if let Some(fork) = self.forks.get_mut(&fork_id) {
            fork.storage = work;
        }
        Ok(envelope)
    }

    /// Commit on the preferred fork adding the members whose KeyPackages (TLS-serialized
    /// `MLSMessage`s, as [`DmlsIdentity::key_package`] returns) are given.
    pub fn add_members(&mut self, key_packages: &[&[u8]]) -> Result<DmlsCommit, DmlsError> {
        let key_packages = key_packages
            .iter()
            .map(|bytes| {
                let MlsMessageBodyIn::KeyPackage(kp) = decode_mls(bytes)?.extract() else {
                    return Err(DmlsError::Unsupported("not a KeyPackage"));
                };
                kp.validate(&self.crypto, ProtocolVersion::Mls10).map_err(DmlsError::mls)
            })
            .collect::<Result<Vec<KeyPackage>, _>>()?;
        self.commit(key_packages, Vec::new())
    }

    /// Commit on the preferred fork removing the members with these credential identities.
    pub fn remove_members(&mut self, identities: &[&[u8]]) -> Result<DmlsCommit, DmlsError> {
        let fork_id = self.preferred_fork().ok_or(DmlsError::NotMember)?;
        let group = self.load(&self.fork(fork_id)?.storage)?;
        let leaves = identities
            .iter()
            .map(|identity| {
                group
                    .members()
                    .find(|m| identity_of(&m.credential) == *identity)
                    .map(|m| m.index)
                    .ok_or(DmlsError::NoSuchMember)
            })
            .collect::<Result<Vec<_>, _>>()?;
        self.commit(Vec::new(), leaves)
    }

    /// Commit on the preferred fork updating this member's leaf (post-compromise security).
    pub fn self_update(&mut self) -> Result<DmlsCommit, DmlsError> {
        self.commit(Vec::new(), Vec::new())
    }

    fn commit(
        &mut self,
        key_packages: Vec<KeyPackage>,
        removals: Vec<LeafNodeIndex>,
    ) -> Result<DmlsCommit, DmlsError> {
        let parent_id = self.preferred_fork().ok_or(DmlsError::NotMember)?;
        let parent = self.fork(parent_id)?;
        let work = parent.storage.branch();
        let mut pprf = parent.pprf.clone();
        let crypto = &self.crypto;
        let provider = Provider { crypto, storage: &work };
        let mut group = self.load(&work)?;
        let leaf = u64::from(group.own_leaf_index().u32()) << 32;
        let counter = (parent.next_counter..=u32::MAX)
            .take(MAX_NODES.saturating_add(1))
            .find(|c| pprf.can_evaluate(leaf | u64::from(*c)))
            .ok_or(DmlsError::Pprf(PprfError::Punctured))?;
        let x = leaf | u64::from(counter);
        let psk = pprf.evaluate(x)?;
        let psk_id = psk_id(parent_id, x);
        let nonce = crypto.random_vec(32).map_err(DmlsError::mls)?;
        let id = PreSharedKeyId::external(psk_id.clone(), nonce);
        id.store(&provider, psk.as_slice()).map_err(DmlsError::mls)?;
        group.set_aad(x.to_be_bytes().to_vec());
        let bundle = group
            .commit_builder()
            .add_proposal(Proposal::PreSharedKey(Box::new(PreSharedKeyProposal::new(id.clone()))))
            .propose_adds(key_packages.iter().cloned())
            .propose_removals(removals)
            .force_self_update(true)
            .load_psks(&work)
            .map_err(DmlsError::mls)?
            .build(crypto, crypto, &self.signer, |_| true)
            .map_err(DmlsError::mls)?
            .stage_commit(&provider)
            .map_err(DmlsError::mls)?;
        let commit_bytes = bundle.commit().tls_serialize_detached().map_err(DmlsError::mls)?;
        let welcome_bytes = bundle
            .to_welcome_msg()
            .map(|w| w.tls_serialize_detached())
            .transpose()
            .map_err(DmlsError::mls)?;

        // The parent to retain: a copy taken after staging, pending commit cleared.
        let retained_parent = work.branch();
        {
            let mut snapshot = self.load(&retained_parent)?;
            snapshot.clear_pending_commit(&retained_parent).map_err(DmlsError::mls)?;
        }

        let root = key32(
            group
                .safe_export_secret_from_pending(crypto, &work, PPRF_COMPONENT)
                .map_err(DmlsError::mls)?,
        )?;
        let child_id = group
            .pending_commit()
            .ok_or(DmlsError::Unsupported("commit was not staged"))?
            .export_secret(crypto, FORK_ID_LABEL, &[], 32)
            .map_err(DmlsError::mls)?;
        let child_id = ForkId::from_slice(&child_id)
            .ok_or(DmlsError::Crypto("fork id has the wrong length".into()))?;
        group.merge_pending_commit(&provider).map_err(DmlsError::mls)?;
        work.delete_psk(id.psk()).map_err(DmlsError::mls)?;
        let epoch = group.epoch().as_u64();
        drop(group);

        let welcome = match welcome_bytes {
            None => None,
            Some(welcome) => {
                let sealed = key_packages
                    .iter()
                    .map(|kp| {
                        let ct = crypto
                            .hpke_seal(
                                CIPHERSUITE.hpke_config(),
                                kp.hpke_init_key().as_slice(),
                                WELCOME_PSK_INFO,
                                &psk_id,
                                psk.as_slice(),
                            )
                            .map_err(|e| DmlsError::Crypto(format!("{e:?}")))?;
                        let reference = kp.hash_ref(crypto).map_err(DmlsError::mls)?;
                        Ok((
                            reference.as_slice().to_vec(),
                            ct.tls_serialize_detached().map_err(DmlsError::mls)?,
                        ))
                    })
                    .collect::<Result<Vec<_>, DmlsError>>()?;
                Some(DmlsWelcome { welcome, psk_id, sealed }.encode()?)
            }
        };
        let hash: [u8; 32] = Sha256::digest(&commit_bytes).into();
        let commit = Envelope { fork_id: parent_id, message: commit_bytes }.encode()?;

        // Nothing below can fail: commit the new state.
        if let Some(parent) = self.forks.get_mut(&parent_id) {
            parent.storage = retained_parent;
            parent.pprf = pprf;
            parent.next_counter = counter.saturating_add(1);
            parent.commits.insert(hash, (x, Outcome::Fork(child_id)));
        }
        self.insert(child_id, Some(parent_id), epoch, work, Pprf::new(&root));
        Ok(DmlsCommit { commit, welcome, fork_id: child_id })
    }

    /// Process an envelope: decrypt an application message, apply a commit (creating a fork),
    /// or queue a message for a fork not known yet. On error the group is unchanged.
    pub fn process(&mut self, envelope: &[u8]) -> Result<Processed, DmlsError> {
        let envelope = Envelope::decode(envelope)?;
        let mut processed = self.process_one(envelope.fork_id, &envelope.message)?;
        if let Processed::Commit { fork_id, replayed, .. } = &mut processed {
            *replayed = self.replay(*fork_id);
        }
        Ok(processed)
    }

    fn replay(&mut self, fork: ForkId) -> Vec<Processed> {
        let mut pending = vec![fork];
        let mut out = Vec::new();
        while let Some(fork) = pending.pop() {
            let (ready, rest): (VecDeque<Queued>, VecDeque<Queued>) =
                std::mem::take(&mut self.queue).into_iter().partition(|q| q.fork_id == fork);
            self.queue = rest;
            for queued in ready {
                if let Ok(processed) = self.process_one(queued.fork_id, &queued.message) {
                    if let Processed::Commit { fork_id, .. } = &processed {
                        pending.push(*fork_id);
                    }
                    out.push(processed);
                }
            }
        }
        out
    }

    fn process_one(&mut self, fork_id: ForkId, message: &[u8]) -> Result<Processed, DmlsError> {
        let protocol = decode_mls(message)?
            .try_into_protocol_message()
            .map_err(|_| DmlsError::Unsupported("not a protocol message"))?;
        if protocol.group_id().as_slice() != self.group_id.as_slice() {
            return Err(DmlsError::WrongGroup);
        }
        if protocol.is_external() {
            return Err(DmlsError::ExternalCommit);
        }
        if !self.forks.contains_key(&fork_id) {
            return self.enqueue(fork_id, protocol.epoch().as_u64(), message);
        }
        match protocol.content_type() {
            ContentType::Application => self.process_application(fork_id, protocol),
            ContentType::Commit => self.process_commit(fork_id, protocol, message),
            ContentType::Proposal => Err(DmlsError::Unsupported("standalone proposal")),
        }
    }

    fn enqueue(
        &mut self,
        fork_id: ForkId,
        epoch: u64,
        message: &[u8],
    ) -> Result<Processed, DmlsError> {
        if self.evicted.contains(&fork_id) {
            return Err(DmlsError::EvictedFork(fork_id));
        }
        let oldest = self.forks.values().map(|f| f.epoch).min().ok_or(DmlsError::NotMember)?;
        if epoch <= oldest {
            return Err(DmlsError::UnknownFork(fork_id));
        }
        let queued_bytes: usize = self.queue.iter().map(|q| q.message.len()).sum();
        if self.queue.len() >= self.limits.max_queued
            || queued_bytes.saturating_add(message.len()) > MAX_QUEUED_BYTES
        {
            return Err(DmlsError::QueueFull);
        }
        self.queue.push_back(Queued { fork_id, epoch, message: message.to_vec() });
        Ok(Processed::Queued { fork_id })
    }

    fn process_application(
        &mut self,
        fork_id: ForkId,
        protocol: ProtocolMessage,
    ) -> Result<Processed, DmlsError> {
        let work = self.fork(fork_id)?.storage.branch();
        let (sender, content) = {
            let provider = Provider { crypto: &self.crypto, storage: &work };
            let mut group = self.load(&work)?;
            let processed = group.process_message(&provider, protocol).map_err(process_error)?;
            (identity_of(processed.credential()), processed.into_content())
        };
        let plaintext = match content {
            ProcessedMessageContent::ApplicationMessage(message) => {
                Zeroizing::new(message.into_bytes())
            }
            ProcessedMessageContent::OwnPrivateMessage => return Err(DmlsError::OwnMessage),
            _ => return Err(DmlsError::Unsupported("not an application message")),
        };
        if let Some(fork) = self.forks.get_mut(&fork_id) {
            fork.storage = work;
        }
        Ok(Processed::Application { fork_id, sender, plaintext })
    }

    fn process_commit(
        &mut self,
        parent_id: ForkId,
        protocol: ProtocolMessage,
        message: &[u8],
    ) -> Result<Processed, DmlsError> {
        let hash: [u8; 32] = Sha256::digest(message).into();
        let parent = self.fork(parent_id)?;
        if let Some((_, outcome)) = parent.commits.get(&hash) {
            return Err(DmlsError::Duplicate { child: outcome.fork() });
        }
        let ProtocolMessage::PrivateMessage(private) = &protocol else {
            return Err(DmlsError::Unsupported("commit not in a PrivateMessage"));
        };
        let x = <[u8; 8]>::try_from(private.aad())
            .map(u64::from_be_bytes)
            .map_err(|_| DmlsError::MissingPsk)?;
        let mut pprf = parent.pprf.clone();
        if !pprf.can_evaluate(x) {
            // Same sender and counter as a commit already processed here: the same commit
            // framed anew, or an equivocating sender. Either way it changes nothing.
            return Err(match parent.commits.values().find(|(seen, _)| *seen == x) {
                Some((_, outcome)) => DmlsError::Duplicate { child: outcome.fork() },
                None => DmlsError::PskInputUsed,
            });
        }
        let psk = pprf.evaluate(x)?;
        let psk_id = psk_id(parent_id, x);
        let work = parent.storage.branch();
        let crypto = &self.crypto;
        let provider = Provider { crypto, storage: &work };
        let id = PreSharedKeyId::external(psk_id.clone(), vec![0; 32]);
        id.store(&provider, psk.as_slice()).map_err(DmlsError::mls)?;
        let mut group = self.load(&work)?;
        let processed = group.process_message(&provider, protocol).map_err(process_error)?;
        match processed.sender() {
            Sender::Member(leaf) if u64::from(leaf.u32()) == x >> 32 => {}
            Sender::Member(_) => return Err(DmlsError::SenderMismatch),
            _ => return Err(DmlsError::ExternalCommit),
        }
        let ProcessedMessageContent::StagedCommitMessage(staged) = processed.into_content() else {
            return Err(DmlsError::Unsupported("not a commit"));
        };
        let mut staged = *staged;
        if !carries_psk(&staged, &psk_id) {
            return Err(DmlsError::MissingPsk);
        }
        if staged.self_removed() {
            drop(group);
            if let Some(parent) = self.forks.get_mut(&parent_id) {
                parent.pprf = pprf;
                parent.commits.insert(hash, (x, Outcome::Removed));
            }
            return Ok(Processed::Removed { parent: parent_id });
        }
        let child_id =
            staged.export_secret(crypto, FORK_ID_LABEL, &[], 32).map_err(DmlsError::mls)?;
        let child_id = ForkId::from_slice(&child_id)
            .ok_or(DmlsError::Crypto("fork id has the wrong length".into()))?;
        if self.forks.contains_key(&child_id) {
            return Err(DmlsError::Duplicate { child: Some(child_id) });
        }
        let root =
            key32(staged.safe_export_secret(crypto, PPRF_COMPONENT).map_err(DmlsError::mls)?)?;
        group.merge_staged_commit(&provider, staged).map_err(DmlsError::mls)?;
        work.delete_psk(id.psk()).map_err(DmlsError::mls)?;
        let epoch = group.epoch().as_u64();
        drop(group);

        if let Some(parent) = self.forks.get_mut(&parent_id) {
            parent.pprf = pprf;
            parent.commits.insert(hash, (x, Outcome::Fork(child_id)));
        }
        self.insert(child_id, Some(parent_id), epoch, work, Pprf::new(&root));
        Ok(Processed::Commit { parent: parent_id, fork_id: child_id, epoch, replayed: Vec::new() })
    }
}

fn fork_id_of(group: &MlsGroup, crypto: &RustCrypto) -> Result<ForkId, DmlsError> {
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
