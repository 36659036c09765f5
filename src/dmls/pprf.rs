//! A puncturable PRF (GGM tree) over 64-bit inputs, for forward secrecy of processed forks.
//!
//! DMLS ([draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/))
//! derives each child epoch's init secret through a puncturable PRF so that a retained parent
//! epoch cannot re-derive a child it already produced. openmls 0.9.2 keeps its key schedule
//! private, so salamander reaches the same goal from the outside: every DMLS commit carries an
//! [RFC 9420 external PSK](https://www.rfc-editor.org/rfc/rfc9420#section-8.4) whose value is
//! `PPRF(x)`, where `x = sender leaf index (u32) ‖ per-epoch counter (u32)`. Receivers evaluate
//! the PRF (which punctures it at `x`), process the commit, and keep only the punctured tree.
//!
//! # Construction
//!
//! A Goldreich–Goldwasser–Micali tree of depth 64. The root is a 32-byte key (at epoch entry,
//! openmls's puncturable `safe_export_secret`). A node `k` has children
//! `HMAC-SHA-256(k, "salamander dmls pprf" ‖ 0x00)` (left, bit 0) and `… ‖ 0x01` (right,
//! bit 1); input bits are read from the most significant. The output at `x` is
//! `HMAC-SHA-256(leaf, "salamander dmls pprf" ‖ 0x02)`.
//!
//! The state is a set of nodes, none an ancestor of another. Evaluating at `x` finds the stored
//! ancestor of leaf `x`, removes it, stores the siblings of the path below it (the copath) and
//! forgets the path itself, so `x` can never be evaluated again while every other input still
//! can. Node secrets zeroize when dropped.

use std::collections::BTreeMap;

use hmac::Mac as _;
use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::cipher::hmac_sha256;

/// The depth of the tree: inputs are 64-bit.
const DEPTH: u8 = 64;
const LABEL: &[u8] = b"salamander dmls pprf";
/// More stored nodes than this is refused (each evaluation adds at most 63): far above what
/// the rival commits of one epoch produce, small enough to bound memory and pickles.
pub(crate) const MAX_NODES: usize = 1 << 14;

/// The PPRF could not be evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PprfError {
    /// The input was already evaluated (or the tree never covered it).
    #[error("the PPRF is punctured at this input")]
    Punctured,
    /// The tree holds too many nodes to puncture further.
    #[error("the PPRF holds too many nodes")]
    TooManyNodes,
}

/// One 32-byte tree node secret.
#[derive(Clone, Zeroize, ZeroizeOnDrop, Serialize, Deserialize)]
struct Node([u8; 32]);

/// A node's position: its depth (0 = root) and the top `depth` bits of the inputs below it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Serialize, Deserialize)]
struct Position {
    depth: u8,
    prefix: u64,
}

impl Position {
    /// The ancestor of leaf `x` at `depth` (0..=64).
    fn of(x: u64, depth: u8) -> Self {
        let prefix = x.checked_shr(u32::from(DEPTH - depth.min(DEPTH))).unwrap_or(0);
        Self { depth, prefix }
    }
}

/// The puncturable PRF's state.
#[derive(Clone, Serialize, Deserialize)]
#[serde(into = "PprfRepr", try_from = "PprfRepr")]
pub(crate) struct Pprf {
    nodes: BTreeMap<Position, Node>,
}

/// The serialized form: a list (JSON maps need string keys).
#[derive(Serialize, Deserialize)]
struct PprfRepr {
    nodes: Vec<(Position, Node)>,
}

impl From<Pprf> for PprfRepr {
    fn from(pprf: Pprf) -> Self {
        Self { nodes: pprf.nodes.clone().into_iter().collect() }
    }
}

impl TryFrom<PprfRepr> for Pprf {
    type Error = &'static str;

    fn try_from(repr: PprfRepr) -> Result<Self, Self::Error> {
        if repr.nodes.len() > MAX_NODES {
            return Err("too many PPRF nodes");
        }
        let mut nodes = BTreeMap::new();
        for (position, node) in repr.nodes {
            let fits = position.depth <= DEPTH
                && position.prefix.checked_shr(u32::from(position.depth)).unwrap_or(0) == 0;
            if !fits || nodes.insert(position, node).is_some() {
                return Err("invalid PPRF node position");
            }
        }
        Ok(Self { nodes })
    }
}

impl Pprf {
    /// A PRF keyed by `root`, not yet punctured anywhere.
    pub(crate) fn new(root: &[u8; 32]) -> Self {
        let mut nodes = BTreeMap::new();
        nodes.insert(Position { depth: 0, prefix: 0 }, Node(*root));
        Self { nodes }
    }

    /// The number of stored node secrets.
    #[cfg(test)]
    pub(crate) fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Whether `x` can still be evaluated.
    pub(crate) fn can_evaluate(&self, x: u64) -> bool {
        self.ancestor(x).is_some()
    }

    fn ancestor(&self, x: u64) -> Option<Position> {
        (0..=DEPTH).map(|depth| Position::of(x, depth)).find(|p| self.nodes.contains_key(p))
    }

    /// `PPRF(x)`, puncturing the tree at `x`. On error nothing changes.
    pub(crate) fn evaluate(&mut self, x: u64) -> Result<Zeroizing<[u8; 32]>, PprfError> {
        let start = self.ancestor(x).ok_or(PprfError::Punctured)?;
        let added = usize::from(DEPTH - start.depth);
        if self.nodes.len().saturating_add(added) > MAX_NODES {
            return Err(PprfError::TooManyNodes);
        }
        let mut node = self.nodes.remove(&start).ok_or(PprfError::Punctured)?;
        for depth in start.depth..DEPTH {
            let bit = (x >> (DEPTH - depth - 1)) & 1;
            let path = Position::of(x, depth + 1);
            let sibling = Position { depth: depth + 1, prefix: path.prefix ^ 1 };
            self.nodes.insert(sibling, Node(derive(&node.0, 1 - bit as u8)));
            node = Node(derive(&node.0, bit as u8));
        }
        Ok(Zeroizing::new(derive(&node.0, 2)))
    }
}

/// The PPRF input of a commit: `x = sender leaf index (u32) ‖ per-epoch counter (u32)`, big-endian.
pub(crate) fn commit_input(sender_leaf: u32, counter: u32) -> u64 {
    (u64::from(sender_leaf) << 32) | u64::from(counter)
}

/// The sender leaf index that `x` names (its top 32 bits).
pub(crate) fn sender_of(x: u64) -> u32 {
    (x >> 32) as u32
}

/// A commit's MLS authenticated data: `x` as 8 big-endian bytes.
pub(crate) fn commit_aad(x: u64) -> [u8; 8] {
    x.to_be_bytes()
}

/// The `x` a commit's authenticated data carries, if it is exactly 8 bytes.
pub(crate) fn input_from_aad(aad: &[u8]) -> Option<u64> {
    <[u8; 8]>::try_from(aad).ok().map(u64::from_be_bytes)
}

fn derive(key: &[u8; 32], tag: u8) -> [u8; 32] {
    let mut mac = hmac_sha256(key);
    mac.update(LABEL);
    mac.update(&[tag]);
    mac.finalize().into_bytes().into()
}

impl std::fmt::Debug for Pprf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pprf").field("nodes", &self.nodes.len()).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::types::curve25519::tests::hex;

    /// The unpunctured reference: walk from the root, no state.
    fn reference(root: &[u8; 32], x: u64) -> [u8; 32] {
        let mut node = *root;
        for depth in 0..DEPTH {
            node = derive(&node, ((x >> (DEPTH - depth - 1)) & 1) as u8);
        }
        derive(&node, 2)
    }

    /// Known answers computed outside this crate (Python's `hmac`, from the construction in the
    /// module documentation), so that the tree walk, the labels and the bit order are pinned,
    /// not only agreement with [`reference`].
    #[test]
    fn known_answers() {
        let root = [3u8; 32];
        for (x, expected) in [
            (
                0x0000_0002_0000_0007,
                "5bd6903ad48f637fbcabdf3233f2cc031e11c023109fcce57c49cdc2bfca3bde",
            ),
            (0, "c10ce6e82b6639de160bd09d6153556d814ebc4f2712e7ee98cd117bdb30fdcb"),
            (u64::MAX, "bf973687f0e7c309f8d09f9ff5a711eda1b0af22504d96fefe4ecefb42d34100"),
        ] {
            assert_eq!(reference(&root, x), hex(expected), "x = {x:#x}");
            let mut pprf = Pprf::new(&root);
            assert_eq!(*pprf.evaluate(x).unwrap(), hex(expected), "x = {x:#x}");
        }
    }

    #[test]
    fn evaluate_then_punctured() {
        let root = [3u8; 32];
        let mut pprf = Pprf::new(&root);
        let x = 0x0000_0002_0000_0007;
        assert!(pprf.can_evaluate(x));
        assert_eq!(*pprf.evaluate(x).unwrap(), reference(&root, x));
        assert!(!pprf.can_evaluate(x));
        assert!(pprf.can_evaluate(x + 1) && pprf.can_evaluate(x - 1));
        let nodes = pprf.node_count();
        assert_eq!(pprf.evaluate(x), Err(PprfError::Punctured));
        assert_eq!(pprf.node_count(), nodes, "a failed evaluation changes nothing");
        assert_eq!(nodes, 64, "one copath node per level");
    }

    #[test]
    fn siblings_and_neighbours_still_evaluate() {
        let root = [9u8; 32];
        let mut pprf = Pprf::new(&root);
        pprf.evaluate(10).unwrap();
        for x in [11, 9, 0, u64::MAX, 1 << 63, 10 ^ (1 << 40)] {
            assert_eq!(*pprf.evaluate(x).unwrap(), reference(&root, x), "x = {x}");
        }
        assert_eq!(pprf.evaluate(11), Err(PprfError::Punctured));
    }

    #[test]
    fn punctured_state_holds_no_path_secret() {
        let root = [5u8; 32];
        let mut pprf = Pprf::new(&root);
        let x = 0xdead_beef_0000_0001;
        pprf.evaluate(x).unwrap();
        // No stored node is the root or an ancestor of leaf x.
        for (position, node) in &pprf.nodes {
            assert_ne!(*position, Position::of(x, position.depth));
            assert_ne!(node.0, root);
        }
    }

    #[test]
    fn node_limit_is_enforced() {
        let mut pprf = Pprf::new(&[1u8; 32]);
        let mut x = 0u64;
        loop {
            match pprf.evaluate(x) {
                Ok(_) => x = x.wrapping_add(0x9e37_79b9_7f4a_7c15),
                Err(e) => {
                    assert_eq!(e, PprfError::TooManyNodes);
                    break;
                }
            }
        }
        assert!(pprf.node_count() <= MAX_NODES);
    }

    #[test]
    fn serde_round_trip_and_validation() {
        let mut pprf = Pprf::new(&[4u8; 32]);
        pprf.evaluate(77).unwrap();
        let json = serde_json::to_string(&pprf).unwrap();
        let mut back: Pprf = serde_json::from_str(&json).unwrap();
        assert_eq!(back.evaluate(77), Err(PprfError::Punctured));
        assert_eq!(*back.evaluate(78).unwrap(), reference(&[4u8; 32], 78));
        // A node deeper than the tree, or a prefix too long for its depth, is refused.
        let bad = r#"{"nodes":[[{"depth":65,"prefix":0},[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]]}"#;
        assert!(serde_json::from_str::<Pprf>(bad).is_err());
        let bad = r#"{"nodes":[[{"depth":1,"prefix":2},[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]]}"#;
        assert!(serde_json::from_str::<Pprf>(bad).is_err());
    }

    /// `count` distinct nodes at depth 15 (of its 2^15 positions), as a pickle would hold them.
    fn layer(count: usize) -> PprfRepr {
        PprfRepr {
            nodes: (0..count as u64)
                .map(|prefix| (Position { depth: 15, prefix }, Node([0; 32])))
                .collect(),
        }
    }

    #[test]
    fn restored_state_holds_at_most_max_nodes() {
        assert_eq!(Pprf::try_from(layer(MAX_NODES)).unwrap().node_count(), MAX_NODES);
        assert!(Pprf::try_from(layer(MAX_NODES + 1)).is_err());
    }

    #[test]
    fn an_evaluation_may_fill_the_tree_exactly() {
        // Evaluating below a depth-15 node adds its 49 copath nodes (and removes the node):
        // allowed while the count before it plus 49 stays within the limit.
        let mut pprf = Pprf::try_from(layer(MAX_NODES - 49)).unwrap();
        assert!(pprf.evaluate(0).is_ok());
        assert_eq!(pprf.node_count(), MAX_NODES - 1);
        let mut pprf = Pprf::try_from(layer(MAX_NODES - 48)).unwrap();
        assert_eq!(pprf.evaluate(0), Err(PprfError::TooManyNodes));
        assert_eq!(pprf.node_count(), MAX_NODES - 48);
        assert!(pprf.can_evaluate(0), "a refused evaluation punctures nothing");
    }

    #[test]
    fn commit_inputs() {
        let x = commit_input(0x0102_0304, 0x0506_0708);
        assert_eq!(x, 0x0102_0304_0506_0708);
        assert_eq!(sender_of(x), 0x0102_0304);
        assert_eq!(commit_aad(x), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(input_from_aad(&commit_aad(x)), Some(x));
        assert_eq!(input_from_aad(&[1, 2, 3, 4, 5, 6, 7]), None);
        assert_eq!(input_from_aad(&[0; 9]), None);
        assert_eq!(sender_of(commit_input(u32::MAX, 0)), u32::MAX);
        assert_eq!(commit_input(0, u32::MAX), u64::from(u32::MAX));
    }

    #[test]
    fn debug_hides_secrets() {
        let pprf = Pprf::new(&[0xab; 32]);
        let shown = format!("{pprf:?}");
        assert!(!shown.contains("171") && !shown.contains("ab"), "{shown}");
    }

    proptest! {
        #[test]
        fn matches_reference_until_punctured(
            root in any::<[u8; 32]>(),
            inputs in proptest::collection::vec(any::<u64>(), 1..24),
        ) {
            let mut pprf = Pprf::new(&root);
            let mut seen = std::collections::BTreeSet::new();
            for x in inputs {
                let result = pprf.evaluate(x);
                if seen.insert(x) {
                    prop_assert_eq!(*result.unwrap(), reference(&root, x));
                } else {
                    prop_assert_eq!(result, Err(PprfError::Punctured));
                }
            }
        }
    }
}
