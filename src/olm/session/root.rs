//! The Diffie-Hellman ratchet step on the root key.
//!
//! When the conversation changes direction, a new ratchet key pair `T_i` meets the other side's
//! latest ratchet key: `R_i ‖ C_{i,0} = HKDF(R_{i-1}, DH(T_{i-1}, T_i), "OLM_RATCHET", 64)`
//! (Olm specification, "Advancing the root key").

use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::chain::ChainKey;
use crate::{cipher::hkdf_sha256, Curve25519PublicKey, Curve25519SecretKey};

const RATCHET_INFO: &[u8] = b"OLM_RATCHET";

/// A root key `R_i`. Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct RootKey(Box<[u8; 32]>);

impl RootKey {
    pub(crate) fn from_bytes(bytes: Box<[u8; 32]>) -> Self {
        Self(bytes)
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// One DH ratchet step; `None` if the Diffie-Hellman result is not contributory.
    pub(crate) fn advance(
        &self,
        our_ratchet_key: &Curve25519SecretKey,
        their_ratchet_key: &Curve25519PublicKey,
    ) -> Option<(RootKey, ChainKey)> {
        let shared = our_ratchet_key.diffie_hellman(their_ratchet_key)?;
        let mut okm = Zeroizing::new([0u8; 64]);
        hkdf_sha256(self.0.as_slice(), shared.as_bytes(), RATCHET_INFO, okm.as_mut_slice());
        Some(split_root_and_chain(&okm))
    }
}

/// Split 64 bytes of HKDF output into a root key and the first chain key of a chain.
pub(crate) fn split_root_and_chain(okm: &[u8; 64]) -> (RootKey, ChainKey) {
    let mut root = Box::new([0u8; 32]);
    let mut chain = Box::new([0u8; 32]);
    for (dst, src) in root.iter_mut().chain(chain.iter_mut()).zip(okm.iter()) {
        *dst = *src;
    }
    (RootKey(root), ChainKey::new(chain))
}
