//! Committing on the preferred fork: adds, removals, self-updates.
//!
//! Every commit ([RFC 9420 §12.4](https://www.rfc-editor.org/rfc/rfc9420#section-12.4))
//! carries an external PSK `PPRF_n(x)`, `x = own leaf index (u32) ‖ counter (u32)`, with `x` in
//! the MLS AAD. The committer merges at once and retains two states: its child fork, and the
//! parent as a copy taken *after* staging with the pending commit cleared (the pending-commit
//! snapshot would hold the child's secrets in plain, defeating forward secrecy; after staging
//! the handshake ratchet has advanced, so a later commit from the retained parent cannot reuse
//! a nonce). New members get the PSK HPKE-sealed in the [`DmlsWelcome`]. See
//! [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/).

use openmls::prelude::{
    KeyPackage, LeafNodeIndex, MlsMessageBodyIn, PreSharedKeyProposal, Proposal, ProtocolVersion,
};
use openmls::prelude::{OpenMlsCrypto as _, OpenMlsRand as _};
use openmls::schedule::PreSharedKeyId;
use openmls_traits::storage::StorageProvider as _;
use sha2::{Digest as _, Sha256};
use tls_codec::Serialize as _;

use super::fork::{Outcome, FORK_ID_LABEL};
use super::group::{decode_mls, identity_of, key32, psk_id, PPRF_COMPONENT};
use super::pprf::{commit_aad, commit_input, Pprf, PprfError, MAX_NODES};
use super::storage::Provider;
use super::welcome::{DmlsWelcome, WELCOME_PSK_INFO};
use super::{DmlsCommit, DmlsError, DmlsGroup, Envelope, ForkId, CIPHERSUITE};

impl DmlsGroup {
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
        let next_counter = parent.next_counter;
        let mut group = self.take_loaded(parent_id)?;
        let crypto = &self.crypto;
        let provider = Provider { crypto, storage: &work };
        let leaf = group.own_leaf_index().u32();
        let counter = (next_counter..=u32::MAX)
            .take(MAX_NODES.saturating_add(1))
            .find(|c| pprf.can_evaluate(commit_input(leaf, *c)))
            .ok_or(DmlsError::Pprf(PprfError::Punctured))?;
        let x = commit_input(leaf, counter);
        let psk = pprf.evaluate(x)?;
        let psk_id = psk_id(parent_id, x);
        let nonce = crypto.random_vec(32).map_err(DmlsError::mls)?;
        let id = PreSharedKeyId::external(psk_id.clone(), nonce);
        id.store(&provider, psk.as_slice()).map_err(DmlsError::mls)?;
        group.set_aad(commit_aad(x).to_vec());
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
        self.insert(child_id, Some(parent_id), epoch, work, Pprf::new(&root), Some(group));
        Ok(DmlsCommit { commit, welcome, fork_id: child_id })
    }
}
