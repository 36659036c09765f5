//! Our side of the double ratchet: the sending chain and the root key.
//!
//! The ratchet alternates between two states. *Active*: we have a ratchet key pair `T_i` of
//! our own and a sending chain derived from it; every message we encrypt advances that chain.
//! *Inactive*: we have received a new ratchet key from the other side and have not sent since;
//! the next message we encrypt draws a fresh ratchet key pair and takes a root-key step first.

use rand_core::CryptoRng;

use super::{chain::ChainKey, root::RootKey, RatchetCount};
use crate::{types::Curve25519Keypair, Curve25519PublicKey};

/// The sending side of the ratchet.
#[derive(Clone)]
pub(crate) enum SendingRatchet {
    Active(Box<ActiveRatchet>),
    Inactive(Box<InactiveRatchet>),
}

/// We are sending on a chain of our own.
#[derive(Clone)]
pub(crate) struct ActiveRatchet {
    pub(crate) root_key: RootKey,
    /// Our ratchet key pair `T_i`; the public half is cached, not recomputed per message.
    pub(crate) ratchet_key: Curve25519Keypair,
    pub(crate) chain_key: ChainKey,
    /// The other side's ratchet key our chain was derived from (diagnostics only).
    pub(crate) parent_ratchet_key: Option<Curve25519PublicKey>,
    pub(crate) ratchet_count: RatchetCount,
}

/// We have received the other side's latest ratchet key and not sent since.
#[derive(Clone)]
pub(crate) struct InactiveRatchet {
    pub(crate) root_key: RootKey,
    pub(crate) their_ratchet_key: Curve25519PublicKey,
    pub(crate) ratchet_count: RatchetCount,
}

impl InactiveRatchet {
    /// Draw a new ratchet key pair and step the root key; `None` if the other side's ratchet key
    /// is of small order.
    pub(crate) fn activate<R: CryptoRng + ?Sized>(&self, rng: &mut R) -> Option<ActiveRatchet> {
        let ratchet_key = Curve25519Keypair::new_with_rng(rng);
        let (root_key, chain_key) =
            self.root_key.advance(ratchet_key.secret_key(), &self.their_ratchet_key)?;
        Some(ActiveRatchet {
            root_key,
            ratchet_key,
            chain_key,
            parent_ratchet_key: Some(self.their_ratchet_key),
            ratchet_count: self.ratchet_count.advance(),
        })
    }
}

impl ActiveRatchet {
    /// The root-key step for a new ratchet key from the other side: the state we move to and the
    /// first chain key of their new chain. `None` if their key is of small order.
    pub(crate) fn receive(
        &self,
        their_ratchet_key: Curve25519PublicKey,
    ) -> Option<(InactiveRatchet, ChainKey)> {
        let (root_key, chain_key) =
            self.root_key.advance(self.ratchet_key.secret_key(), &their_ratchet_key)?;
        let ratchet_count = self.ratchet_count.advance();
        Some((InactiveRatchet { root_key, their_ratchet_key, ratchet_count }, chain_key))
    }
}

impl std::fmt::Debug for SendingRatchet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendingRatchet::Active(active) => f
                .debug_struct("ActiveRatchet")
                .field("ratchet_count", &active.ratchet_count)
                .field("parent_ratchet_key", &active.parent_ratchet_key)
                .field("ratchet_key", &active.ratchet_key.public_key())
                .field("chain_index", &active.chain_key.index())
                .finish_non_exhaustive(),
            SendingRatchet::Inactive(inactive) => f
                .debug_struct("InactiveRatchet")
                .field("ratchet_count", &inactive.ratchet_count)
                .field("ratchet_key", &inactive.their_ratchet_key)
                .finish_non_exhaustive(),
        }
    }
}
