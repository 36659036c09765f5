//! The symmetric-key ratchet of one chain: chain keys and message keys.
//!
//! `C_{i,j+1} = HMAC-SHA-256(C_{i,j}, 0x02)` and `M_{i,j} = HMAC-SHA-256(C_{i,j}, 0x01)`
//! (Olm specification, "Advancing the chain key" and "Creating a message key").

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::cipher::{hmac_sha256, hmac_sha256_byte_into};

const MESSAGE_KEY_SEED: u8 = 0x01;
const CHAIN_KEY_SEED: u8 = 0x02;

fn hmac_seed(key: &[u8; 32], seed: u8, out: &mut [u8; 32]) {
    hmac_sha256_byte_into(hmac_sha256(key), seed, out);
}

/// A message key `M_{i,j}`: used for exactly one message. Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct MessageKey(Box<[u8; 32]>);

impl MessageKey {
    pub(crate) fn from_bytes(bytes: Box<[u8; 32]>) -> Self {
        Self(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A chain key `C_{i,j}` and its index `j`. Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct ChainKey {
    key: Box<[u8; 32]>,
    index: u64,
}

impl ChainKey {
    /// The first key of a chain, `C_{i,0}`.
    pub(crate) fn new(key: Box<[u8; 32]>) -> Self {
        Self { key, index: 0 }
    }

    pub(crate) fn from_parts(key: Box<[u8; 32]>, index: u64) -> Self {
        Self { key, index }
    }

    pub(crate) const fn index(&self) -> u64 {
        self.index
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// `M_{i,j}` for the current `j`.
    pub(crate) fn message_key(&self) -> MessageKey {
        let mut key = Box::new([0u8; 32]);
        hmac_seed(&self.key, MESSAGE_KEY_SEED, &mut key);
        MessageKey(key)
    }

    /// Step to `C_{i,j+1}`; the old key is overwritten.
    pub(crate) fn advance(&mut self) {
        // Keyed first, so the new key can overwrite the old one in place.
        let keyed = hmac_sha256(&self.key);
        hmac_sha256_byte_into(keyed, CHAIN_KEY_SEED, &mut self.key);
        self.index = self.index.wrapping_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key and index a chain is restored with are the ones it reports (pickles write them)
    /// and advances from.
    #[test]
    fn restored_chain_reports_its_key_and_index() {
        let chain = ChainKey::from_parts(Box::new([5; 32]), 7);
        assert_eq!(chain.as_bytes(), &[5; 32]);
        assert_eq!(chain.index(), 7);
        let mut next = chain.clone();
        next.advance();
        assert_eq!(next.index(), 8);
        assert_ne!(next.as_bytes(), chain.as_bytes());
    }

    #[test]
    fn advance_and_message_keys_differ() {
        let mut chain = ChainKey::new(Box::new([1; 32]));
        let m0 = chain.message_key();
        chain.advance();
        let m1 = chain.message_key();
        assert_eq!(chain.index(), 1);
        assert_ne!(m0.as_bytes(), m1.as_bytes());
        assert_ne!(chain.as_bytes(), &[1; 32]);
    }
}
