//! Forks: retained epoch states, their ids, and the rules that choose and evict them.
//!
//! RFC 9420 ([§14](https://www.rfc-editor.org/rfc/rfc9420#section-14)) assumes one commit per
//! epoch. Without a central Delivery Service two members may commit on the same epoch; DMLS
//! ([draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/)) keeps
//! every resulting epoch state (a *fork*) for a while, so a late rival commit can still be
//! processed and messages on any retained fork still decrypt.
//!
//! - **Fork id.** `MLS-Exporter("salamander dmls fork id", "", 32)` of the fork's epoch: equal
//!   at every member holding that state, different between forks, unknown outside the group,
//!   and computable from a staged commit before it is merged (used to detect duplicates). The
//!   draft's `dmls_epoch = DeriveSecret(epoch_secret, "epoch")` cannot be computed with
//!   openmls 0.9.2, whose `epoch_secret` is internal.
//! - **Preferred fork**: the retained fork with the highest epoch, ties broken by the
//!   lexicographically highest fork id. Every member holding the same forks picks the same one,
//!   whatever order they arrived in. A later epoch wins because it builds on more of the
//!   group's history. The draft's example rule (highest confirmation tag of the *first
//!   differing* commit) would also be computable (a merged fork's `confirmation_tag()`), but it
//!   needs the common ancestor and both branches' first commits, which a member may not hold
//!   (joiners, evicted parents); comparing fork ids needs only the forks themselves, and a fork
//!   id, like a confirmation tag, is unpredictable to outsiders and equal at every member.
//! - **Retention.** See [`RetentionLimits`].

use std::collections::BTreeMap;

use openmls::group::MlsGroup;
use serde::{Deserialize, Serialize};

use super::pprf::Pprf;
use super::storage::ForkStorage;

/// The exporter label of fork ids.
pub(crate) const FORK_ID_LABEL: &str = "salamander dmls fork id";

/// A fork's (epoch state's) identifier: an MLS exporter value, 32 bytes.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ForkId(pub(crate) [u8; 32]);

impl ForkId {
    /// The id's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// An id from its bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<Self> {
        bytes.try_into().ok().map(Self)
    }
}

impl std::fmt::Debug for ForkId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ForkId(")?;
        for byte in self.0.iter().take(8) {
            write!(f, "{byte:02x}")?;
        }
        write!(f, "…)")
    }
}

/// How long forks are retained. Retention costs forward secrecy: a retained fork's tree keys
/// and (until the member processes a commit on it) its next epochs stay derivable, so keep the
/// limits as small as the expected network delays allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionLimits {
    /// At most this many forks are kept; past it the oldest non-preferred fork (lowest epoch,
    /// then earliest created) is evicted. Default 8: two or three concurrent committers over
    /// two or three epochs, the cases a partition of a few minutes produces.
    pub max_forks: usize,
    /// A fork whose epoch is more than this many epochs below the newest retained fork is
    /// evicted. Default 3: a rival commit arriving three commits late can still be processed.
    pub max_depth: u64,
    /// If set, a fork created more than this many time units (of the clock the caller passes
    /// to [`DmlsGroup::set_time`](super::DmlsGroup::set_time), e.g. seconds) ago is evicted.
    /// Default `None`: the application decides on wall-clock retention (MSC4256, for instance,
    /// caps its window at 7 days; hours are more typical).
    pub max_age: Option<u64>,
    /// At most this many messages for not-yet-known forks wait in the queue. Default
    /// [`MAX_QUEUED`].
    pub max_queued: usize,
}

/// The default bound of the queue of messages for not-yet-known forks.
pub const MAX_QUEUED: usize = 64;

impl Default for RetentionLimits {
    fn default() -> Self {
        Self { max_forks: 8, max_depth: 3, max_age: None, max_queued: MAX_QUEUED }
    }
}

/// What a processed commit led to, remembered on its parent fork.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Outcome {
    /// The commit created this fork.
    Fork(ForkId),
    /// The commit removed this member.
    Removed,
}

impl Outcome {
    pub(crate) fn fork(self) -> Option<ForkId> {
        match self {
            Self::Fork(id) => Some(id),
            Self::Removed => None,
        }
    }
}

/// One retained epoch state.
pub(crate) struct Fork {
    pub(crate) id: ForkId,
    pub(crate) parent: Option<ForkId>,
    pub(crate) epoch: u64,
    /// This fork's own openmls storage (never shared with another fork).
    pub(crate) storage: ForkStorage,
    /// The PPRF keyed at epoch entry; punctured at every processed commit's input.
    pub(crate) pprf: Pprf,
    /// Commits processed (or made) on this fork, by SHA-256 of their MLS bytes: their PPRF
    /// input and outcome.
    pub(crate) commits: BTreeMap<[u8; 32], (u64, Outcome)>,
    /// The next per-epoch counter this member tries for its own commits.
    pub(crate) next_counter: u32,
    /// Local creation order.
    pub(crate) sequence: u64,
    /// The caller's clock when the fork was created.
    pub(crate) created_at: u64,
    /// The fork's group as openmls last left it in `storage`, kept loaded so that a message
    /// does not reload the group (ratchet tree, secret tree) from storage. Only ever the state
    /// `storage` holds: an operation takes it out and puts it back only on success (with the
    /// storage copy a commit worked on); after a failure the next operation reloads. Never
    /// pickled.
    pub(crate) loaded: Option<MlsGroup>,
}

impl std::fmt::Debug for Fork {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fork")
            .field("id", &self.id)
            .field("parent", &self.parent)
            .field("epoch", &self.epoch)
            .field("commits", &self.commits.len())
            .finish_non_exhaustive()
    }
}

/// Public information about a retained fork.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForkInfo {
    /// The fork's id.
    pub id: ForkId,
    /// The fork it was created from, if this member saw it.
    pub parent: Option<ForkId>,
    /// The MLS epoch number.
    pub epoch: u64,
}

/// The preferred fork among `forks`: highest epoch, then highest id.
pub(crate) fn preferred<'a>(forks: impl Iterator<Item = &'a Fork>) -> Option<ForkId> {
    preferred_of(forks.map(|f| (f.epoch, f.id)))
}

/// The preferred of `(epoch, fork id)` pairs: highest epoch, then highest id (bytewise).
pub(crate) fn preferred_of(forks: impl Iterator<Item = (u64, ForkId)>) -> Option<ForkId> {
    forks.max().map(|(_, id)| id)
}

/// The forks to evict under `limits`, never the preferred one.
pub(crate) fn to_evict(
    forks: &BTreeMap<ForkId, Fork>,
    limits: &RetentionLimits,
    now: u64,
) -> Vec<ForkId> {
    let Some(keep) = preferred(forks.values()) else { return Vec::new() };
    let newest = forks.values().map(|f| f.epoch).max().unwrap_or(0);
    let mut evict: Vec<ForkId> = forks
        .values()
        .filter(|f| f.id != keep)
        .filter(|f| {
            newest.saturating_sub(f.epoch) > limits.max_depth
                || limits.max_age.is_some_and(|age| now.saturating_sub(f.created_at) > age)
        })
        .map(|f| f.id)
        .collect();
    let mut rest: Vec<&Fork> =
        forks.values().filter(|f| f.id != keep && !evict.contains(&f.id)).collect();
    rest.sort_by_key(|f| (f.epoch, f.sequence));
    let remaining = forks.len().saturating_sub(evict.len());
    let excess = remaining.saturating_sub(limits.max_forks.max(1));
    evict.extend(rest.iter().take(excess).map(|f| f.id));
    evict
}
