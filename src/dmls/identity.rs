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
use openmls_rust_crypto::RustCrypto;
use openmls_traits::storage::StorageProvider as _;
use serde::{Deserialize, Serialize};
use tls_codec::Serialize as _;

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
    crypto: RustCrypto,
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
            crypto: RustCrypto::default(),
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
        let bundle = KeyPackage::builder()
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

    /// Restore an identity from its pickle.
    pub fn from_pickle(pickle: DmlsIdentityPickle) -> Self {
        Self {
            identity: pickle.identity.clone(),
            signer: pickle.signer.clone(),
            key_packages: ForkStorage::from_entries(pickle.key_packages.iter().cloned()),
            crypto: RustCrypto::default(),
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
}
