//! One receiving chain of the double ratchet, with its store of skipped message keys.
//!
//! Limits (all per session, all tested at the limit and one past it):
//! - a message may be at most [`MAX_MESSAGE_GAP`] positions ahead of the chain
//!   ([`DecryptionError::TooBigMessageGap`]); this bounds the hashing one message can cause;
//! - a chain keeps the keys of at most [`MAX_SKIPPED_MESSAGE_KEYS`] skipped messages, the most
//!   recent ones; an older skipped message is lost ([`DecryptionError::MissingMessageKey`]);
//! - a session keeps at most [`MAX_RECEIVING_CHAINS`](super::MAX_RECEIVING_CHAINS) chains.
//!
//! Nothing here changes state until a message has been authenticated: [`ReceiverChain::plan`]
//! works on copies and [`ReceiverChain::apply`] commits them.

use std::collections::VecDeque;

use super::{
    chain::{ChainKey, MessageKey},
    DecryptionError, RatchetCount,
};
use crate::Curve25519PublicKey;

/// How far ahead of a chain a message may be (libolm and vodozemac: 2000).
pub const MAX_MESSAGE_GAP: u64 = 2000;

/// How many skipped message keys a receiving chain keeps (libolm and vodozemac: 40).
pub const MAX_SKIPPED_MESSAGE_KEYS: usize = 40;

/// The key of a message that was skipped, kept for when it arrives.
#[derive(Clone)]
pub(crate) struct SkippedKey {
    pub(crate) key: MessageKey,
    pub(crate) index: u64,
}

/// Where the key for a message comes from; computed without touching the chain.
pub(super) enum Plan {
    /// A stored skipped key, at this position in the store.
    Skipped { position: usize, key: MessageKey },
    /// A key ahead of (or at) the chain: the chain after it, and the keys skipped on the way.
    Ahead { key: MessageKey, next_chain_key: ChainKey, skipped: Vec<SkippedKey> },
}

impl Plan {
    pub(super) fn key(&self) -> &MessageKey {
        match self {
            Plan::Skipped { key, .. } | Plan::Ahead { key, .. } => key,
        }
    }
}

/// A chain on which the other side sends: its ratchet key `T_i` and chain key `C_{i,j}`.
#[derive(Clone)]
pub(crate) struct ReceiverChain {
    pub(crate) ratchet_key: Curve25519PublicKey,
    pub(crate) chain_key: ChainKey,
    pub(crate) skipped_keys: VecDeque<SkippedKey>,
    pub(crate) ratchet_count: RatchetCount,
}

impl ReceiverChain {
    pub(crate) fn new(
        ratchet_key: Curve25519PublicKey,
        chain_key: ChainKey,
        ratchet_count: RatchetCount,
    ) -> Self {
        Self { ratchet_key, chain_key, skipped_keys: VecDeque::new(), ratchet_count }
    }

    /// Find or derive the key for message `index`, without changing the chain.
    pub(super) fn plan(&self, index: u64) -> Result<Plan, DecryptionError> {
        let current = self.chain_key.index();
        if index < current {
            return self
                .skipped_keys
                .iter()
                .position(|skipped| skipped.index == index)
                .and_then(|position| {
                    let key = self.skipped_keys.get(position)?.key.clone();
                    Some(Plan::Skipped { position, key })
                })
                .ok_or(DecryptionError::MissingMessageKey(index));
        }

        let gap = index - current;
        if gap > MAX_MESSAGE_GAP {
            return Err(DecryptionError::TooBigMessageGap(gap, MAX_MESSAGE_GAP));
        }

        // Only the most recent skipped keys are worth deriving; older ones would be evicted.
        let keep_from = index.saturating_sub(MAX_SKIPPED_MESSAGE_KEYS as u64);
        let mut chain_key = self.chain_key.clone();
        let mut skipped = Vec::new();
        while chain_key.index() < index {
            if chain_key.index() >= keep_from {
                skipped.push(SkippedKey { key: chain_key.message_key(), index: chain_key.index() });
            }
            chain_key.advance();
        }
        let key = chain_key.message_key();
        chain_key.advance();
        Ok(Plan::Ahead { key, next_chain_key: chain_key, skipped })
    }

    /// Commit a plan whose message has been authenticated and decrypted.
    pub(super) fn apply(&mut self, plan: Plan) {
        match plan {
            Plan::Skipped { position, .. } => {
                self.skipped_keys.remove(position);
            }
            Plan::Ahead { next_chain_key, skipped, .. } => {
                self.chain_key = next_chain_key;
                for key in skipped {
                    self.push_skipped(key);
                }
            }
        }
    }

    /// Store a skipped key, evicting the oldest (lowest index) beyond the limit.
    ///
    /// Keys are normally stored oldest first, but a pickle may list them in another order
    /// (vodozemac keeps the newest-first order of sessions it imported from libolm), so the
    /// oldest is found by index, which is the order keys are derived in.
    pub(crate) fn push_skipped(&mut self, key: SkippedKey) {
        while self.skipped_keys.len() >= MAX_SKIPPED_MESSAGE_KEYS {
            let oldest = self
                .skipped_keys
                .iter()
                .enumerate()
                .min_by_key(|(_, k)| k.index)
                .map(|(position, _)| position);
            match oldest {
                Some(position) => {
                    self.skipped_keys.remove(position);
                }
                None => break,
            }
        }
        self.skipped_keys.push_back(key);
    }
}

impl std::fmt::Debug for ReceiverChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let skipped: Vec<u64> = self.skipped_keys.iter().map(|k| k.index).collect();
        f.debug_struct("ReceiverChain")
            .field("ratchet_count", &self.ratchet_count)
            .field("ratchet_key", &self.ratchet_key)
            .field("chain_index", &self.chain_key.index())
            .field("skipped_message_keys", &skipped)
            .finish_non_exhaustive()
    }
}
