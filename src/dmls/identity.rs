//! A member's identity: an MLS basic credential and its signature key pair.
//!
//! RFC 9420 [§5.3](https://www.rfc-editor.org/rfc/rfc9420#section-5.3) (credentials) and
//! [§10](https://www.rfc-editor.org/rfc/rfc9420#section-10) (KeyPackages). A
//! [`DmlsIdentity`] signs with Ed25519 (ciphersuite
//! `MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519`), publishes KeyPackages and keeps their
//! private keys until a Welcome ([`DmlsGroup::join`](super::DmlsGroup::join)) consumes one.
//! See also [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/).

use openmls::prelude::{
    BasicCredential, Ciphersuite, CredentialWithKey, KeyPackage, KeyPackageBundle, KeyPackageRef,
    MlsMessageOut,
};
use openmls_basic_credential::SignatureKeyPair;
use openmls_traits::storage::StorageProvider as _;
use serde::{Deserialize, Serialize};
use tls_codec::Serialize as _;

use super::crypto::DmlsCrypto;
use super::storage::{ForkStorage, Provider};
use super::DmlsError;

/// The ciphersuite of every DMLS group salamander creates.
pub const CIPHERSUITE: Ciphersuite = Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519;

/// A member identity: credential, signature keys, and unused KeyPackages' private keys.
pub struct DmlsIdentity {
    identity: Vec<u8>,
    signer: SignatureKeyPair,
    /// KeyPackageBundles (private init and leaf keys) by KeyPackageRef.
    key_packages: ForkStorage,
    pub(crate) crypto: DmlsCrypto,
}

impl DmlsIdentity {
    /// A new identity with a fresh Ed25519 key; `identity` is the credential's content (for
    /// example a Matrix user and device id).
    pub fn new(identity: impl Into<Vec<u8>>) -> Result<Self, DmlsError> {
        let signer =
            SignatureKeyPair::new(CIPHERSUITE.signature_algorithm()).map_err(DmlsError::mls)?;
        Ok(Self {
            identity: identity.into(),
            signer,
            key_packages: ForkStorage::new(),
            crypto: DmlsCrypto::default(),
        })
    }

    /// **For known-answer vectors only — never use this in production.** An identity whose
    /// every random byte comes from a ChaCha20 stream keyed by `seed`: its Ed25519 signature
    /// key, its KeyPackages' init and leaf keys, and every group it creates or joins (each gets
    /// its own stream keyed by the next 32 bytes of this one), including their HPKE
    /// encryptions, path secrets, group ids, nonces and reuse guards. KeyPackages and the group
    /// creator's leaf get the fixed lifetime 2026-01-01 to 2100-01-01 instead of one from the
    /// clock. The same seed and the same calls give the same bytes, which is what
    /// `test-vectors/dmls/` needs.
    ///
    /// Deterministic randomness is catastrophic in production: anyone who knows or guesses the
    /// seed can derive every key and read every message, and two runs from one seed reuse
    /// every key. Only [`DmlsIdentity::new`] is for real use.
    ///
    /// A pickle keeps nothing of the seed: an identity or group restored from a pickle draws
    /// from the operating system again, so it no longer reproduces vector bytes.
    #[cfg(feature = "hazmat")]
    #[doc(hidden)]
    pub fn from_seed(identity: impl Into<Vec<u8>>, seed: [u8; 32]) -> Result<Self, DmlsError> {
        use openmls::prelude::OpenMlsCrypto as _;
        let crypto = DmlsCrypto::seeded(&seed);
        let scheme = CIPHERSUITE.signature_algorithm();
        let (private, public) = crypto.signature_key_gen(scheme).map_err(DmlsError::mls)?;
        Ok(Self {
            identity: identity.into(),
            signer: SignatureKeyPair::from_raw(scheme, private, public),
            key_packages: ForkStorage::new(),
            crypto,
        })
    }

    /// The credential's content.
    pub fn identity(&self) -> &[u8] {
        &self.identity
    }

    /// The Ed25519 public signature key.
    pub fn signature_key(&self) -> &[u8] {
        self.signer.public()
    }

    /// A new KeyPackage (a TLS-serialized `MLSMessage`) to publish; its private keys stay here
    /// until a Welcome uses it.
    pub fn key_package(&mut self) -> Result<Vec<u8>, DmlsError> {
        let provider = Provider { crypto: &self.crypto, storage: &self.key_packages };
        let mut builder = KeyPackage::builder();
        if let Some(lifetime) = self.crypto.lifetime() {
            builder = builder.key_package_lifetime(lifetime);
        }
        let bundle = builder
            .build(CIPHERSUITE, &provider, &self.signer, self.credential_with_key())
            .map_err(DmlsError::mls)?;
        MlsMessageOut::from(bundle.key_package().clone())
            .tls_serialize_detached()
            .map_err(DmlsError::mls)
    }

    pub(crate) fn credential_with_key(&self) -> CredentialWithKey {
        CredentialWithKey {
            credential: BasicCredential::new(self.identity.clone()).into(),
            signature_key: self.signer.public().into(),
        }
    }

    /// A copy of the signature key pair for a group.
    pub(crate) fn signer(&self) -> SignatureKeyPair {
        self.signer.clone()
    }

    /// The KeyPackageBundle for `reference`, if this identity holds it.
    pub(crate) fn bundle(&self, reference: &KeyPackageRef) -> Option<KeyPackageBundle> {
        self.key_packages.key_package(reference).ok().flatten()
    }

    /// Forget a KeyPackage's private keys (after it was used).
    pub(crate) fn remove_bundle(&self, reference: &KeyPackageRef) {
        // Removing from a RAM map cannot fail in a way worth reporting: at worst the private
        // keys stay until the identity is dropped (and zeroized).
        let _ = self.key_packages.delete_key_package(reference);
    }

    /// The identity's state as a `serde` value, including unused KeyPackages' private keys.
    pub fn pickle(&self) -> DmlsIdentityPickle {
        DmlsIdentityPickle {
            identity: self.identity.clone(),
            signer: self.signer(),
            key_packages: self.key_packages.entries(),
        }
    }

    /// Restore an identity from its pickle (with randomness from the operating system, even
    /// if the pickled identity was made by the hidden seeded constructor).
    pub fn from_pickle(pickle: DmlsIdentityPickle) -> Self {
        Self {
            identity: pickle.identity.clone(),
            signer: pickle.signer.clone(),
            key_packages: ForkStorage::from_entries(pickle.key_packages.iter().cloned()),
            crypto: DmlsCrypto::default(),
        }
    }
}

impl std::fmt::Debug for DmlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DmlsIdentity")
            .field("identity", &String::from_utf8_lossy(&self.identity))
            .finish_non_exhaustive()
    }
}

/// A [`DmlsIdentity`]'s whole state; see the [pickle module](crate::pickle).
#[derive(Serialize, Deserialize)]
pub struct DmlsIdentityPickle {
    identity: Vec<u8>,
    signer: SignatureKeyPair,
    key_packages: Vec<(Vec<u8>, Vec<u8>)>,
}

impl DmlsIdentityPickle {
    /// Serialize and encrypt the pickle under `pickle_key`.
    pub fn encrypt(self, pickle_key: &[u8; 32]) -> String {
        crate::pickle::encrypt(&self, pickle_key)
    }

    /// Decrypt and deserialize a pickle made by [`DmlsIdentityPickle::encrypt`].
    pub fn from_encrypted(
        ciphertext: &str,
        pickle_key: &[u8; 32],
    ) -> Result<Self, crate::PickleError> {
        crate::pickle::decrypt(ciphertext, pickle_key)
    }
}

impl Drop for DmlsIdentityPickle {
    fn drop(&mut self) {
        use zeroize::Zeroize;
        for (key, value) in &mut self.key_packages {
            key.zeroize();
            value.zeroize();
        }
    }
}

#[cfg(test)]
mod tests {
    use openmls::prelude::{MlsMessageBodyIn, MlsMessageIn};
    use tls_codec::Deserialize as _;

    use super::*;

    #[test]
    fn key_package_is_valid_and_kept() {
        let mut alice = DmlsIdentity::new(b"alice".to_vec()).unwrap();
        let bytes = alice.key_package().unwrap();
        let message = MlsMessageIn::tls_deserialize_exact(bytes.as_slice()).unwrap();
        let MlsMessageBodyIn::KeyPackage(kp) = message.extract() else { panic!("not a kp") };
        let kp = kp.validate(&alice.crypto, openmls::prelude::ProtocolVersion::Mls10).unwrap();
        let reference = kp.hash_ref(&alice.crypto).unwrap();
        assert!(alice.bundle(&reference).is_some());
        let restored = DmlsIdentity::from_pickle(alice.pickle());
        assert!(restored.bundle(&reference).is_some());
        assert_eq!(restored.signature_key(), alice.signature_key());
        restored.remove_bundle(&reference);
        assert!(restored.bundle(&reference).is_none());
        let shown = format!("{alice:?}");
        assert!(!shown.contains("signer") && !shown.contains("private"), "{shown}");
    }

    fn lifetime_of(kp: &[u8], crypto: &DmlsCrypto) -> (u64, u64) {
        let message = MlsMessageIn::tls_deserialize_exact(kp).unwrap();
        let MlsMessageBodyIn::KeyPackage(kp) = message.extract() else { panic!("not a kp") };
        let kp = kp.validate(crypto, openmls::prelude::ProtocolVersion::Mls10).unwrap();
        let lifetime = kp.life_time();
        (lifetime.not_before(), lifetime.not_after())
    }

    #[cfg(feature = "hazmat")]
    #[test]
    fn seeded_identities_reproduce_their_bytes_until_pickled() {
        use crate::dmls::DmlsGroup;
        let seeded = |seed| DmlsIdentity::from_seed(b"a".to_vec(), [seed; 32]).unwrap();
        let (mut a, mut b, mut c) = (seeded(5), seeded(5), seeded(6));
        assert_eq!(a.signature_key(), b.signature_key());
        assert_ne!(a.signature_key(), c.signature_key());
        let kp = a.key_package().unwrap();
        assert_eq!(kp, b.key_package().unwrap());
        assert_ne!(kp, c.key_package().unwrap());
        assert_eq!(lifetime_of(&kp, &a.crypto), (1_767_225_600, 4_102_444_800));
        let (group_a, group_b) = (DmlsGroup::create(&a).unwrap(), DmlsGroup::create(&b).unwrap());
        assert_eq!(group_a.group_id(), group_b.group_id());
        assert_eq!(group_a.preferred_fork(), group_b.preferred_fork());
        assert_ne!(group_a.group_id(), DmlsGroup::create(&c).unwrap().group_id());
        // A second group of the same identity gets a different stream.
        assert_ne!(group_a.group_id(), DmlsGroup::create(&a).unwrap().group_id());

        // Restored from pickles, both draw from the operating system again.
        let mut a = DmlsIdentity::from_pickle(a.pickle());
        let mut b = DmlsIdentity::from_pickle(b.pickle());
        assert_eq!(a.signature_key(), b.signature_key());
        let (kp_a, kp_b) = (a.key_package().unwrap(), b.key_package().unwrap());
        assert_ne!(kp_a, kp_b);
        assert_ne!(lifetime_of(&kp_a, &a.crypto).0, 1_767_225_600);
    }

    #[test]
    fn new_identities_are_random() {
        let mut a = DmlsIdentity::new(b"a".to_vec()).unwrap();
        let mut b = DmlsIdentity::new(b"a".to_vec()).unwrap();
        assert_ne!(a.signature_key(), b.signature_key());
        assert_ne!(a.key_package().unwrap(), b.key_package().unwrap());
        assert_ne!(lifetime_of(&a.key_package().unwrap(), &a.crypto).0, 1_767_225_600);
    }
}
