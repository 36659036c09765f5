//! Triple Diffie-Hellman: the secret an Olm session starts from.
//!
//! Alice (the initiator, who sends the first pre-key message) and Bob compute the same 96 bytes
//! `S = DH(I_A, E_B) ‖ DH(E_A, I_B) ‖ DH(E_A, E_B)`, then `R_0 ‖ C_0 = HKDF(0, S, "OLM_ROOT", 64)`
//! (Olm specification, "Initial setup"). The first term always pairs the initiator's identity
//! key with the responder's one-time key. Any Diffie-Hellman result that is all zeroes makes
//! the whole exchange fail: a small-order key must not make the session secret predictable.

use zeroize::Zeroizing;

use crate::{cipher::hkdf_sha256_zero_salt, Curve25519PublicKey, Curve25519SecretKey};

use super::session::{ChainKey, RootKey};

const ROOT_INFO: &[u8] = b"OLM_ROOT";

/// The 96-byte triple Diffie-Hellman secret; zeroized on drop.
pub(super) struct Shared3DhSecret(Zeroizing<[u8; 96]>);

impl Shared3DhSecret {
    fn from_parts(parts: [Option<x25519_dalek::SharedSecret>; 3]) -> Option<Self> {
        let mut secret = Zeroizing::new([0u8; 96]);
        for (chunk, part) in secret.chunks_exact_mut(32).zip(parts) {
            chunk.copy_from_slice(part?.as_bytes());
        }
        Some(Self(secret))
    }

    /// Alice's side: her identity key `i_A` and base key `e_A`, Bob's `I_B` and `E_B`.
    pub(super) fn outbound(
        identity_key: &Curve25519SecretKey,
        base_key: &Curve25519SecretKey,
        their_identity_key: &Curve25519PublicKey,
        their_one_time_key: &Curve25519PublicKey,
    ) -> Option<Self> {
        Self::from_parts([
            identity_key.diffie_hellman(their_one_time_key),
            base_key.diffie_hellman(their_identity_key),
            base_key.diffie_hellman(their_one_time_key),
        ])
    }

    /// Bob's side: his identity key `i_B` and one-time key `e_B`, Alice's `I_A` and `E_A`.
    pub(super) fn inbound(
        identity_key: &Curve25519SecretKey,
        one_time_key: &Curve25519SecretKey,
        their_identity_key: &Curve25519PublicKey,
        their_base_key: &Curve25519PublicKey,
    ) -> Option<Self> {
        Self::from_parts([
            one_time_key.diffie_hellman(their_identity_key),
            identity_key.diffie_hellman(their_base_key),
            one_time_key.diffie_hellman(their_base_key),
        ])
    }

    /// `R_0 ‖ C_0 = HKDF(0, S, "OLM_ROOT", 64)`.
    pub(super) fn expand(&self) -> (RootKey, ChainKey) {
        let mut okm = Zeroizing::new([0u8; 64]);
        hkdf_sha256_zero_salt(self.0.as_slice(), ROOT_INFO, okm.as_mut_slice());
        super::session::split_root_and_chain(&okm)
    }

    #[cfg(test)]
    pub(super) fn as_bytes(&self) -> &[u8; 96] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_agree() {
        let (ia, ea, ib, eb) = (
            Curve25519SecretKey::new(),
            Curve25519SecretKey::new(),
            Curve25519SecretKey::new(),
            Curve25519SecretKey::new(),
        );
        let alice = Shared3DhSecret::outbound(&ia, &ea, &(&ib).into(), &(&eb).into()).unwrap();
        let bob = Shared3DhSecret::inbound(&ib, &eb, &(&ia).into(), &(&ea).into()).unwrap();
        assert_eq!(alice.as_bytes(), bob.as_bytes());
    }

    #[test]
    fn any_small_order_key_fails() {
        let keys: Vec<_> = (0..4).map(|_| Curve25519SecretKey::new()).collect();
        let zero = Curve25519PublicKey::from_bytes([0; 32]);
        let good = Curve25519PublicKey::from(&keys[2]);
        assert!(Shared3DhSecret::outbound(&keys[0], &keys[1], &zero, &good).is_none());
        assert!(Shared3DhSecret::outbound(&keys[0], &keys[1], &good, &zero).is_none());
        assert!(Shared3DhSecret::inbound(&keys[0], &keys[1], &zero, &good).is_none());
        assert!(Shared3DhSecret::inbound(&keys[0], &keys[1], &good, &zero).is_none());
    }
}
