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
    /// At most this many messages for not-yet-known forks wait in the queue (and at most
    /// 16 MiB of them in all). Default [`MAX_QUEUED`].
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

/// What eviction weighs of a retained fork.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Standing {
    pub(crate) id: ForkId,
    pub(crate) epoch: u64,
    /// Local creation order.
    pub(crate) sequence: u64,
    /// The caller's clock when the fork was created.
    pub(crate) created_at: u64,
}

impl Fork {
    pub(crate) fn standing(&self) -> Standing {
        Standing {
            id: self.id,
            epoch: self.epoch,
            sequence: self.sequence,
            created_at: self.created_at,
        }
    }
}

/// The forks to evict under `limits` at time `now`, never the preferred one: first every fork
/// too deep or too old, then, while more than `max_forks` (at least 1) would remain, the
/// lowest epoch, earliest created.
pub(crate) fn to_evict(forks: &[Standing], limits: &RetentionLimits, now: u64) -> Vec<ForkId> {
    let Some(keep) = preferred_of(forks.iter().map(|f| (f.epoch, f.id))) else {
        return Vec::new();
    };
    let newest = forks.iter().map(|f| f.epoch).max().unwrap_or(0);
    let mut evict: Vec<ForkId> = forks
        .iter()
        .filter(|f| f.id != keep)
        .filter(|f| {
            newest.saturating_sub(f.epoch) > limits.max_depth
                || limits.max_age.is_some_and(|age| now.saturating_sub(f.created_at) > age)
        })
        .map(|f| f.id)
        .collect();
    let mut rest: Vec<&Standing> =
        forks.iter().filter(|f| f.id != keep && !evict.contains(&f.id)).collect();
    rest.sort_by_key(|f| (f.epoch, f.sequence));
    let remaining = forks.len().saturating_sub(evict.len());
    let excess = remaining.saturating_sub(limits.max_forks.max(1));
    evict.extend(rest.iter().take(excess).map(|f| f.id));
    evict
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Fork `n` at `epoch`, created `n`-th at time `10 * n`.
    fn fork(n: u8, epoch: u64) -> Standing {
        Standing { id: ForkId([n; 32]), epoch, sequence: n.into(), created_at: 10 * u64::from(n) }
    }

    fn limits(max_forks: usize, max_depth: u64, max_age: Option<u64>) -> RetentionLimits {
        RetentionLimits { max_forks, max_depth, max_age, ..RetentionLimits::default() }
    }

    fn ids(ns: &[u8]) -> Vec<ForkId> {
        ns.iter().map(|&n| ForkId([n; 32])).collect()
    }

    #[test]
    fn nothing_to_evict_within_the_limits() {
        assert!(to_evict(&[], &RetentionLimits::default(), 0).is_empty());
        let forks = [fork(1, 5), fork(2, 6), fork(3, 6)];
        assert!(to_evict(&forks, &limits(3, 1, Some(20)), 30).is_empty());
    }

    #[test]
    fn the_preferred_fork_is_highest_epoch_then_highest_id() {
        let forks = [fork(3, 6), fork(2, 7), fork(1, 7)];
        assert_eq!(preferred_of(forks.iter().map(|f| (f.epoch, f.id))), Some(ForkId([2; 32])));
        // Whatever the limits, it stays: depth, age and count would take everything else.
        assert_eq!(to_evict(&forks, &limits(0, 0, Some(0)), 1000), ids(&[3, 1]));
    }

    #[test]
    fn depth_at_and_past_the_limit() {
        let forks = [fork(1, 2), fork(2, 3), fork(3, 5)];
        // Fork 1 is 3 epochs below the newest, fork 2 is 2.
        assert_eq!(to_evict(&forks, &limits(8, 2, None), 0), ids(&[1]));
        assert!(to_evict(&forks, &limits(8, 3, None), 0).is_empty());
    }

    #[test]
    fn age_at_and_past_the_limit() {
        // Created at 10, 20 and 30; the preferred fork 3 is never evicted for age.
        let forks = [fork(1, 4), fork(2, 4), fork(3, 5)];
        assert!(to_evict(&forks, &limits(8, 8, Some(20)), 30).is_empty());
        assert_eq!(to_evict(&forks, &limits(8, 8, Some(20)), 31), ids(&[1]));
        assert_eq!(to_evict(&forks, &limits(8, 8, Some(20)), 41), ids(&[1, 2]));
        assert!(to_evict(&forks, &limits(8, 8, None), u64::MAX).is_empty());
    }

    #[test]
    fn count_evicts_lowest_epoch_then_earliest_created() {
        let forks = [fork(4, 6), fork(1, 7), fork(3, 6), fork(2, 8)];
        assert_eq!(to_evict(&forks, &limits(4, 8, None), 0), Vec::<ForkId>::new());
        assert_eq!(to_evict(&forks, &limits(3, 8, None), 0), ids(&[3]));
        assert_eq!(to_evict(&forks, &limits(2, 8, None), 0), ids(&[3, 4]));
        // A limit of 0 keeps the preferred fork, as 1 does.
        assert_eq!(to_evict(&forks, &limits(0, 8, None), 0), ids(&[3, 4, 1]));
        assert_eq!(to_evict(&forks, &limits(1, 8, None), 0), ids(&[3, 4, 1]));
    }

    #[test]
    fn count_applies_after_depth_and_age() {
        // Fork 1 is too deep; of the four left, two must go for a limit of 2: the earliest
        // created, neither fork 1 again nor the preferred fork 5.
        let forks = [fork(1, 0), fork(2, 4), fork(3, 4), fork(4, 4), fork(5, 4)];
        let evicted = to_evict(&forks, &limits(2, 3, None), 0);
        assert_eq!(evicted, ids(&[1, 2, 3]));
        assert_eq!(forks.len() - evicted.len(), 2);
    }
}
