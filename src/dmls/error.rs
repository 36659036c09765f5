//! Errors of the DMLS module.
//!
//! Every failure of [`DmlsGroup`](super::DmlsGroup) is a typed [`DmlsError`]; a failed
//! operation leaves the group exactly as it was (processing happens on copies of fork state,
//! which replace the retained state only on success). Terms follow
//! [RFC 9420](https://www.rfc-editor.org/rfc/rfc9420) and
//! [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/).

use super::{EnvelopeError, ForkId};

/// An error from openmls, kept as the source of [`DmlsError::Openmls`].
pub type OpenmlsError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A DMLS operation failed; the group is unchanged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DmlsError {
    /// No retained fork has this id, and the message cannot be queued for it: its epoch is not
    /// newer than every retained fork, so no commit this member can still process creates it.
    #[error("unknown fork {0:?}")]
    UnknownFork(ForkId),
    /// The fork was retained earlier and has been evicted by the retention limits.
    #[error("fork {0:?} was evicted")]
    EvictedFork(ForkId),
    /// This commit was already processed on this fork (same commit bytes, or the same resulting
    /// fork); nothing changed. `child` is the fork it created, if any.
    #[error("duplicate commit (fork {child:?})")]
    Duplicate {
        /// The fork the commit created the first time, `None` if it removed this member.
        child: Option<ForkId>,
    },
    /// The application message was already decrypted on this fork (its key is gone).
    #[error("replayed application message")]
    Replayed,
    /// The queue of messages for not-yet-known forks is full.
    #[error("the queue of messages for unknown forks is full")]
    QueueFull,
    /// The commit (or Welcome) does not carry the DMLS pre-shared key it must carry.
    #[error("the commit or welcome lacks the DMLS pre-shared key")]
    MissingPsk,
    /// The commit's sender is not the member its PSK input names.
    #[error("the commit sender does not match its PSK input")]
    SenderMismatch,
    /// The PSK input of this commit was already used on this fork (a different commit reusing
    /// it, or a replay of a commit whose record was lost).
    #[error("the PSK input of this commit was already used on this fork")]
    PskInputUsed,
    /// External commits (joins without a Welcome) are refused: they cannot carry the DMLS PSK.
    #[error("external commits are not accepted")]
    ExternalCommit,
    /// Standalone proposals and other message kinds DMLS does not use.
    #[error("unsupported message: {0}")]
    Unsupported(&'static str),
    /// The message belongs to another group.
    #[error("the message belongs to another group")]
    WrongGroup,
    /// This member sent the message (own messages are not decrypted again).
    #[error("the message was sent by this member")]
    OwnMessage,
    /// This member is not in the group on any retained fork (it was removed).
    #[error("this member is not in the group")]
    NotMember,
    /// No member with this identity is in the fork.
    #[error("no such member")]
    NoSuchMember,
    /// No key package held by this identity matches the Welcome.
    #[error("the welcome is not for this identity")]
    NoMatchingKeyPackage,
    /// The puncturable PRF cannot be evaluated further.
    #[error("PPRF: {0}")]
    Pprf(#[from] super::PprfError),
    /// An envelope or Welcome could not be decoded.
    #[error("decode: {0}")]
    Decode(#[from] EnvelopeError),
    /// A cryptographic operation failed (HPKE sealing or opening of a joiner's PSK).
    #[error("crypto: {0}")]
    Crypto(String),
    /// openmls refused the operation.
    #[error("openmls: {0}")]
    Openmls(#[source] OpenmlsError),
}

impl DmlsError {
    pub(crate) fn mls<E: std::error::Error + Send + Sync + 'static>(error: E) -> Self {
        Self::Openmls(Box::new(error))
    }
}
