//! Processing envelopes: application messages, commits (creating forks), and the queue.
//!
//! A commit is processed against a copy of the parent fork it names
//! ([RFC 9420 §12.4.2](https://www.rfc-editor.org/rfc/rfc9420#section-12.4.2)); a late rival
//! commit on an older retained fork creates a second child. The receiver evaluates a copy of
//! the parent's PPRF at the commit's `x`, puts the PSK in the working copy's RAM-only table,
//! processes, checks that the sender's leaf is the one `x` names and that the commit carries
//! the PSK, merges, deletes the PSK, and only then keeps the punctured PPRF. Duplicates (same
//! bytes, same input `x`, or the same resulting fork) are detected before anything changes.
//! A message naming an unknown fork whose epoch is newer than the oldest retained fork waits
//! in a bounded queue and is replayed when a commit creates that fork. See
//! [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/).

use std::collections::VecDeque;

use openmls::framing::errors::{MessageDecryptionError, SecretTreeError};
use openmls::prelude::{
    ContentType, ProcessMessageError, ProcessedMessageContent, ProtocolMessage, Sender,
    StagedCommit, ValidationError,
};
use openmls::schedule::{ExternalPsk, PreSharedKeyId, Psk};
use openmls_traits::storage::StorageProvider as _;
use sha2::{Digest as _, Sha256};
use tls_codec::{Deserialize as _, Serialize as _};
use zeroize::Zeroizing;

use super::fork::{Outcome, FORK_ID_LABEL};
use super::group::{
    decode_mls, identity_of, key32, psk_id, Queued, MAX_QUEUED_BYTES, PPRF_COMPONENT,
};
use super::pprf::{input_from_aad, sender_of, Pprf};
use super::storage::Provider;
use super::{DmlsError, DmlsGroup, Envelope, ForkId, Processed};

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

impl DmlsGroup {
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
        // No storage copy here, unlike commits: openmls 0.9.2 decrypts into a pending ratchet
        // update and applies and persists it only once the whole message has been processed
        // successfully (`MlsGroup::process_unverified_message`), so a refused message leaves
        // both the storage and the group as they were. The group is still dropped on error (and
        // reloaded next time) so that nothing rests on the in-memory state after a failure. The
        // tests `corrupted_envelopes_change_nothing` and
        // `the_loaded_group_follows_successes_only` and the `dmls_process` fuzz target check
        // that a refusal changes nothing; re-check this on any openmls upgrade.
        let mut group = self.take_loaded(fork_id)?;
        let fork = self.fork(fork_id)?;
        let provider = Provider { crypto: &self.crypto, storage: &fork.storage };
        let processed = group.process_message(&provider, protocol).map_err(process_error)?;
        let sender = identity_of(processed.credential());
        // openmls succeeded: the storage and the group agree again, keep the group.
        let outcome = match processed.into_content() {
            ProcessedMessageContent::ApplicationMessage(message) => Ok(Processed::Application {
                fork_id,
                sender,
                plaintext: Zeroizing::new(message.into_bytes()),
            }),
            // openmls recognises its own message without decrypting it: nothing changed.
            ProcessedMessageContent::OwnPrivateMessage => Err(DmlsError::OwnMessage),
            // The content type is authenticated, so an application envelope cannot carry
            // anything else.
            _ => Err(DmlsError::Unsupported("not an application message")),
        };
        if let Some(fork) = self.forks.get_mut(&fork_id) {
            fork.loaded = Some(group);
        }
        outcome
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
        let x = input_from_aad(private.aad()).ok_or(DmlsError::MissingPsk)?;
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
        let mut group = self.take_loaded(parent_id)?;
        let crypto = &self.crypto;
        let provider = Provider { crypto, storage: &work };
        let id = PreSharedKeyId::external(psk_id.clone(), vec![0; 32]);
        id.store(&provider, psk.as_slice()).map_err(DmlsError::mls)?;
        let processed = group.process_message(&provider, protocol).map_err(process_error)?;
        match processed.sender() {
            Sender::Member(leaf) if leaf.u32() == sender_of(x) => {}
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

        if let Some(parent) = self.forks.get_mut(&parent_id) {
            parent.pprf = pprf;
            parent.commits.insert(hash, (x, Outcome::Fork(child_id)));
        }
        self.insert(child_id, Some(parent_id), epoch, work, Pprf::new(&root), Some(group));
        Ok(Processed::Commit { parent: parent_id, fork_id: child_id, epoch, replayed: Vec::new() })
    }
}
