//! libolm's `OlmPkSigning`: an Ed25519 key made from a 32-byte seed, signing arbitrary bytes.
//!
//! Clients used it for cross-signing keys (master, self-signing, user-signing), whose 32-byte
//! seeds are what secret storage keeps. The key is standard Ed25519 (RFC 8032: the seed is
//! hashed with SHA-512 and clamped), so the same seed gives the same public key and, Ed25519
//! being deterministic, the same signatures as libolm's `olm_pk_signing_key_from_seed` and
//! `olm_pk_sign`. vodozemac has no such type; [`crate::Ed25519SecretKey`] is the same key.

use std::fmt;

use crate::{Ed25519PublicKey, Ed25519SecretKey, Ed25519Signature};

/// An Ed25519 signing key from a 32-byte seed (libolm's `PkSigning`). The seed is zeroized
/// when dropped and never printed.
pub struct PkSigning {
    secret_key: Ed25519SecretKey,
    public_key: Ed25519PublicKey,
}

impl PkSigning {
    /// The key of `seed`, as libolm's `olm_pk_signing_key_from_seed` makes it.
    ///
    /// ```
    /// use salamander::pk_encryption::PkSigning;
    /// let signing = PkSigning::from_seed(&[7; 32]);
    /// let signature = signing.sign(b"{\"canonical\":\"json\"}");
    /// signing.public_key().verify(b"{\"canonical\":\"json\"}", &signature).unwrap();
    /// ```
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let secret_key = Ed25519SecretKey::from_slice(seed);
        let public_key = secret_key.public_key();
        Self { secret_key, public_key }
    }

    /// The Ed25519 public key.
    pub const fn public_key(&self) -> Ed25519PublicKey {
        self.public_key
    }

    /// Sign `message` (for Matrix, canonical JSON without `signatures` and `unsigned`).
    pub fn sign(&self, message: &[u8]) -> Ed25519Signature {
        self.secret_key.sign(message)
    }
}

impl fmt::Debug for PkSigning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkSigning").field("public_key", &self.public_key).finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::curve25519::tests::hex;

    /// RFC 8032 §7.1 TEST 1: the seed, the public key and the signature of the empty message.
    #[test]
    fn rfc8032_test_1() {
        let seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let signing = PkSigning::from_seed(&seed);
        assert_eq!(
            signing.public_key().as_bytes(),
            &hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        );
        let signature = signing.sign(b"");
        assert_eq!(
            crate::base64_encode(signature.to_bytes()),
            crate::base64_encode(
                [
                    hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"),
                    hex("5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
                ]
                .concat()
            )
        );
        assert!(format!("{signing:?}").starts_with("PkSigning { public_key: ed25519:"));
    }
}
