//! [`DmlsCrypto`]: the crypto and randomness provider every DMLS identity and group hands to
//! openmls.
//!
//! In normal use it is `openmls_rust_crypto::RustCrypto` and nothing else: every method
//! delegates, randomness comes from a ChaCha20 seeded from the operating system, HPKE
//! encapsulations from hpke-rs's entropy-seeded generator.
//!
//! With the `hazmat` feature there is a second, hidden mode for known-answer vectors
//! (`test-vectors/dmls/`): a *seeded* provider whose every random byte comes from a ChaCha20
//! stream keyed by a caller-given 32-byte seed. openmls draws randomness in three ways, and the
//! seeded mode covers each:
//!
//! - `OpenMlsRand` (group ids, init and leaf key material, path secrets, reuse guards, the
//!   DMLS PSK nonce): the seeded stream.
//! - `OpenMlsCrypto::hpke_seal` (UpdatePath and Welcome encryption, the Welcome's sealed
//!   DMLS PSK): RFC 9180 base mode computed here (`seeded::seal_with_ikm`), with the
//!   ephemeral key pair `DeriveKeyPair(ikmE)`. openmls seals an UpdatePath's path secrets in
//!   parallel (rayon), so the order of these calls is not fixed and `ikmE` cannot come from
//!   the stream; it is derived from the seed and the seal's own inputs instead:
//!   `ikmE = HMAC-SHA256(HMAC-SHA256(seed, "salamander dmls seeded hpke"), len ‖ pkR ‖ len ‖
//!   info ‖ len ‖ aad ‖ len ‖ plaintext)` (32-bit big-endian lengths). Only the ciphersuite's
//!   HPKE (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM) is supported.
//! - `signature_key_gen` (Ed25519 only) from the stream; `hpke_setup_sender_and_export`,
//!   which DMLS never calls, is refused.
//!
//! Everything else (HKDF, hashes, AEAD, signing, verification, opening) is deterministic and
//! delegates to `RustCrypto` in both modes.
//!
//! **Deterministic randomness is catastrophic in production**: anyone who knows the seed
//! knows every key. The seeded mode exists only to make reproducible vectors; it is compiled
//! only with `hazmat` and reached only through `#[doc(hidden)]` constructors.

use openmls::prelude::Lifetime;
use openmls_rust_crypto::RustCrypto;
use openmls_traits::crypto::OpenMlsCrypto;
use openmls_traits::random::OpenMlsRand;
use openmls_traits::types::{
    AeadType, Ciphersuite, CryptoError, ExporterSecret, HashType, HpkeCiphertext, HpkeConfig,
    HpkeKeyPair, SignatureScheme,
};
use tls_codec::SecretVLBytes;

/// The crypto and randomness provider of DMLS identities and groups (see the module docs).
#[derive(Debug, Default)]
pub(crate) struct DmlsCrypto {
    inner: RustCrypto,
    #[cfg(feature = "hazmat")]
    seeded: Option<seeded::Stream>,
}

/// A randomness failure.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RandError {
    /// `RustCrypto`'s generator failed.
    #[error(transparent)]
    Os(#[from] openmls_rust_crypto::RandError),
    /// The seeded stream's lock is poisoned.
    #[cfg(feature = "hazmat")]
    #[error("the seeded random stream's lock is poisoned")]
    Poisoned,
}

impl DmlsCrypto {
    /// The provider for a group created or joined by an identity holding `self`: a fresh
    /// OS-seeded provider, or in seeded mode a seeded provider keyed by the next 32 bytes of
    /// this one's stream.
    pub(crate) fn child(&self) -> Result<Self, RandError> {
        #[cfg(feature = "hazmat")]
        if let Some(stream) = &self.seeded {
            let seed = zeroize::Zeroizing::new(stream.array::<32>()?);
            return Ok(Self::seeded(&seed));
        }
        Ok(Self::default())
    }

    /// The fixed KeyPackage and leaf lifetime of the seeded mode; `None` (openmls's default,
    /// from the system clock) otherwise.
    pub(crate) fn lifetime(&self) -> Option<Lifetime> {
        #[cfg(feature = "hazmat")]
        if self.seeded.is_some() {
            return Some(Lifetime::init(seeded::NOT_BEFORE, seeded::NOT_AFTER));
        }
        None
    }

    /// A seeded provider (known-answer vectors only; see the module docs).
    #[cfg(feature = "hazmat")]
    pub(crate) fn seeded(seed: &[u8; 32]) -> Self {
        Self { inner: RustCrypto::default(), seeded: Some(seeded::Stream::new(seed)) }
    }

    /// Whether this provider is seeded.
    #[cfg(all(test, feature = "hazmat"))]
    pub(crate) fn is_seeded(&self) -> bool {
        self.seeded.is_some()
    }
}

impl OpenMlsRand for DmlsCrypto {
    type Error = RandError;

    fn random_array<const N: usize>(&self) -> Result<[u8; N], Self::Error> {
        #[cfg(feature = "hazmat")]
        if let Some(stream) = &self.seeded {
            return stream.array();
        }
        Ok(self.inner.random_array()?)
    }

    fn random_vec(&self, len: usize) -> Result<Vec<u8>, Self::Error> {
        #[cfg(feature = "hazmat")]
        if let Some(stream) = &self.seeded {
            let mut out = vec![0u8; len];
            stream.fill(&mut out)?;
            return Ok(out);
        }
        Ok(self.inner.random_vec(len)?)
    }
}

impl OpenMlsCrypto for DmlsCrypto {
    fn supports(&self, ciphersuite: Ciphersuite) -> Result<(), CryptoError> {
        self.inner.supports(ciphersuite)
    }

    fn supported_ciphersuites(&self) -> Vec<Ciphersuite> {
        self.inner.supported_ciphersuites()
    }

    fn hkdf_extract(
        &self,
        hash_type: HashType,
        salt: &[u8],
        ikm: &[u8],
    ) -> Result<SecretVLBytes, CryptoError> {
        self.inner.hkdf_extract(hash_type, salt, ikm)
    }

    fn hmac(
        &self,
        hash_type: HashType,
        key: &[u8],
        message: &[u8],
    ) -> Result<SecretVLBytes, CryptoError> {
        self.inner.hmac(hash_type, key, message)
    }

    fn hkdf_expand(
        &self,
        hash_type: HashType,
        prk: &[u8],
        info: &[u8],
        okm_len: usize,
    ) -> Result<SecretVLBytes, CryptoError> {
        self.inner.hkdf_expand(hash_type, prk, info, okm_len)
    }

    fn hash(&self, hash_type: HashType, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.inner.hash(hash_type, data)
    }

    fn aead_encrypt(
        &self,
        alg: AeadType,
        key: &[u8],
        data: &[u8],
        nonce: &[u8],
        aad: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.inner.aead_encrypt(alg, key, data, nonce, aad)
    }

    fn aead_decrypt(
        &self,
        alg: AeadType,
        key: &[u8],
        ct_tag: &[u8],
        nonce: &[u8],
        aad: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.inner.aead_decrypt(alg, key, ct_tag, nonce, aad)
    }

    fn signature_key_gen(&self, alg: SignatureScheme) -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
        #[cfg(feature = "hazmat")]
        if let Some(stream) = &self.seeded {
            if alg != SignatureScheme::ED25519 {
                return Err(CryptoError::UnsupportedSignatureScheme);
            }
            let seed = zeroize::Zeroizing::new(
                stream.array::<32>().map_err(|_| CryptoError::InsufficientRandomness)?,
            );
            let public = seeded::ed25519_public(&seed);
            return Ok((seed.to_vec(), public.to_vec()));
        }
        self.inner.signature_key_gen(alg)
    }

    fn verify_signature(
        &self,
        alg: SignatureScheme,
        data: &[u8],
        pk: &[u8],
        signature: &[u8],
    ) -> Result<(), CryptoError> {
        self.inner.verify_signature(alg, data, pk, signature)
    }

    fn sign(&self, alg: SignatureScheme, data: &[u8], key: &[u8]) -> Result<Vec<u8>, CryptoError> {
        self.inner.sign(alg, data, key)
    }

    fn hpke_seal(
        &self,
        config: HpkeConfig,
        pk_r: &[u8],
        info: &[u8],
        aad: &[u8],
        ptxt: &[u8],
    ) -> Result<HpkeCiphertext, CryptoError> {
        #[cfg(feature = "hazmat")]
        if let Some(stream) = &self.seeded {
            let ikm = stream.seal_ikm(pk_r, info, aad, ptxt);
            return seeded::seal_with_ikm(
                &self.inner,
                config,
                ikm.as_slice(),
                pk_r,
                info,
                aad,
                ptxt,
            );
        }
        self.inner.hpke_seal(config, pk_r, info, aad, ptxt)
    }

    fn hpke_open(
        &self,
        config: HpkeConfig,
        input: &HpkeCiphertext,
        sk_r: &[u8],
        info: &[u8],
        aad: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        self.inner.hpke_open(config, input, sk_r, info, aad)
    }

    fn hpke_setup_sender_and_export(
        &self,
        config: HpkeConfig,
        pk_r: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        exporter_length: usize,
    ) -> Result<(Vec<u8>, ExporterSecret), CryptoError> {
        // DMLS never exports from a sender context; the seeded mode refuses rather than draw
        // an unseeded ephemeral key.
        #[cfg(feature = "hazmat")]
        if self.seeded.is_some() {
            return Err(CryptoError::SenderSetupError);
        }
        self.inner.hpke_setup_sender_and_export(
            config,
            pk_r,
            info,
            exporter_context,
            exporter_length,
        )
    }

    fn hpke_setup_receiver_and_export(
        &self,
        config: HpkeConfig,
        enc: &[u8],
        sk_r: &[u8],
        info: &[u8],
        exporter_context: &[u8],
        exporter_length: usize,
    ) -> Result<ExporterSecret, CryptoError> {
        self.inner.hpke_setup_receiver_and_export(
            config,
            enc,
            sk_r,
            info,
            exporter_context,
            exporter_length,
        )
    }

    fn derive_hpke_keypair(
        &self,
        config: HpkeConfig,
        ikm: &[u8],
    ) -> Result<HpkeKeyPair, CryptoError> {
        self.inner.derive_hpke_keypair(config, ikm)
    }
}

/// The seeded mode: a ChaCha20 stream and a deterministic HPKE seal. Known-answer vectors only.
#[cfg(feature = "hazmat")]
pub(crate) mod seeded {
    use std::sync::Mutex;

    use chacha20::ChaCha20Rng;
    use hkdf::{Hkdf, HkdfExtract};
    use hmac::Mac as _;
    use openmls_rust_crypto::RustCrypto;
    use openmls_traits::crypto::OpenMlsCrypto as _;
    use openmls_traits::types::{
        AeadType, CryptoError, HpkeAeadType, HpkeCiphertext, HpkeConfig, HpkeKdfType, HpkeKemType,
    };
    use rand_core::{Rng as _, SeedableRng as _};
    use sha2::Sha256;
    use zeroize::{Zeroize as _, Zeroizing};

    use super::RandError;

    /// The seeded mode's KeyPackage lifetime: 2026-01-01T00:00:00Z …
    pub(crate) const NOT_BEFORE: u64 = 1_767_225_600;
    /// … to 2100-01-01T00:00:00Z.
    pub(crate) const NOT_AFTER: u64 = 4_102_444_800;

    /// The only HPKE configuration the deterministic seal supports: the ciphersuite's.
    pub(crate) const HPKE_CONFIG: HpkeConfig =
        HpkeConfig(HpkeKemType::DhKem25519, HpkeKdfType::HkdfSha256, HpkeAeadType::AesGcm128);
    /// `"KEM" ‖ I2OSP(0x0020, 2)` (RFC 9180 §4.1).
    const KEM_SUITE_ID: &[u8] = b"KEM\x00\x20";
    /// `"HPKE" ‖ kem_id ‖ kdf_id ‖ aead_id` (RFC 9180 §5.1).
    const HPKE_SUITE_ID: &[u8] = b"HPKE\x00\x20\x00\x01\x00\x01";
    /// RFC 9180 base mode.
    const MODE_BASE: u8 = 0x00;

    /// The label of the key that derives HPKE ephemeral keys from a seal's inputs.
    const SEAL_KEY_LABEL: &[u8] = b"salamander dmls seeded hpke";

    /// A ChaCha20 random stream from a 32-byte seed (its state zeroizes on drop), and the key
    /// deriving HPKE ephemeral keys.
    pub(crate) struct Stream {
        rng: Mutex<ChaCha20Rng>,
        seal_key: Zeroizing<[u8; 32]>,
    }

    impl std::fmt::Debug for Stream {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Stream(seeded)")
        }
    }

    impl Stream {
        pub(crate) fn new(seed: &[u8; 32]) -> Self {
            let mut mac = crate::cipher::hmac_sha256(seed);
            mac.update(SEAL_KEY_LABEL);
            let mut seal_key = Zeroizing::new([0u8; 32]);
            seal_key.copy_from_slice(&mac.finalize().into_bytes());
            Self { rng: Mutex::new(ChaCha20Rng::from_seed(*seed)), seal_key }
        }

        pub(crate) fn fill(&self, out: &mut [u8]) -> Result<(), RandError> {
            self.rng.lock().map_err(|_| RandError::Poisoned)?.fill_bytes(out);
            Ok(())
        }

        /// `ikmE` for one seal, from the seal key and the seal's inputs only (see the module
        /// docs: the order of seals is not fixed).
        pub(crate) fn seal_ikm(
            &self,
            pk_r: &[u8],
            info: &[u8],
            aad: &[u8],
            ptxt: &[u8],
        ) -> Zeroizing<[u8; 32]> {
            let mut mac = crate::cipher::hmac_sha256(&self.seal_key);
            for part in [pk_r, info, aad, ptxt] {
                // Inputs are far below 4 GiB; saturating keeps the encoding total anyway.
                let length = u32::try_from(part.len()).unwrap_or(u32::MAX);
                mac.update(&length.to_be_bytes());
                mac.update(part);
            }
            let mut ikm = Zeroizing::new([0u8; 32]);
            ikm.copy_from_slice(&mac.finalize().into_bytes());
            ikm
        }

        pub(crate) fn array<const N: usize>(&self) -> Result<[u8; N], RandError> {
            let mut out = [0u8; N];
            self.fill(&mut out)?;
            Ok(out)
        }
    }

    /// The Ed25519 public key of a 32-byte secret seed.
    pub(crate) fn ed25519_public(seed: &[u8; 32]) -> [u8; 32] {
        ed25519_dalek::SigningKey::from_bytes(seed).verifying_key().to_bytes()
    }

    /// `LabeledExtract(salt, label, ikm)` with HKDF-SHA256 (RFC 9180 §4).
    fn labeled_extract(
        suite_id: &[u8],
        salt: &[u8],
        label: &[u8],
        ikm: &[u8],
    ) -> Zeroizing<[u8; 32]> {
        let mut extract = HkdfExtract::<Sha256>::new(Some(salt));
        for part in [b"HPKE-v1".as_slice(), suite_id, label, ikm] {
            extract.input_ikm(part);
        }
        let (mut prk, _) = extract.finalize();
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(prk.as_slice());
        prk.as_mut_slice().zeroize();
        out
    }

    /// `LabeledExpand(prk, label, info, out.len())` with HKDF-SHA256 (RFC 9180 §4).
    fn labeled_expand(
        suite_id: &[u8],
        prk: &[u8; 32],
        label: &[u8],
        info: &[u8],
        out: &mut [u8],
    ) -> Result<(), CryptoError> {
        let length = u16::try_from(out.len()).map_err(|_| CryptoError::InvalidLength)?;
        Hkdf::<Sha256>::from_prk(prk)
            .map_err(|_| CryptoError::CryptoLibraryError)?
            .expand_multi_info(&[&length.to_be_bytes(), b"HPKE-v1", suite_id, label, info], out)
            .map_err(|_| CryptoError::HkdfOutputLengthInvalid)
    }

    /// A base-mode sender context: `enc`, the AEAD key and the base nonce.
    pub(crate) struct SenderContext {
        pub(crate) enc: Vec<u8>,
        pub(crate) key: Zeroizing<[u8; 16]>,
        pub(crate) base_nonce: Zeroizing<[u8; 12]>,
    }

    /// The sender side of RFC 9180 base mode for [`HPKE_CONFIG`], with the ephemeral key pair
    /// `DeriveKeyPair(ikm_e)`.
    pub(crate) fn setup_base_sender(
        crypto: &RustCrypto,
        ikm_e: &[u8],
        pk_r: &[u8],
        info: &[u8],
    ) -> Result<SenderContext, CryptoError> {
        let pk_r: [u8; 32] = pk_r.try_into().map_err(|_| CryptoError::InvalidLength)?;
        let ephemeral = crypto.derive_hpke_keypair(HPKE_CONFIG, ikm_e)?;
        let sk_e: Zeroizing<[u8; 32]> = Zeroizing::new(
            <[u8; 32]>::try_from(&*ephemeral.private).map_err(|_| CryptoError::InvalidLength)?,
        );
        let enc = ephemeral.public;
        // Encap (RFC 9180 §4.1): dh = DH(skE, pkR), refusing an all-zero output.
        let dh = x25519_dalek::StaticSecret::from(*sk_e)
            .diffie_hellman(&x25519_dalek::PublicKey::from(pk_r));
        if !dh.was_contributory() {
            return Err(CryptoError::HpkeEncryptionError);
        }
        let mut kem_context = enc.clone();
        kem_context.extend_from_slice(&pk_r);
        let eae_prk = labeled_extract(KEM_SUITE_ID, b"", b"eae_prk", dh.as_bytes());
        let mut shared_secret = Zeroizing::new([0u8; 32]);
        labeled_expand(
            KEM_SUITE_ID,
            &eae_prk,
            b"shared_secret",
            &kem_context,
            &mut *shared_secret,
        )?;

        // KeySchedule (RFC 9180 §5.1), base mode: psk = psk_id = "".
        let psk_id_hash = labeled_extract(HPKE_SUITE_ID, b"", b"psk_id_hash", b"");
        let info_hash = labeled_extract(HPKE_SUITE_ID, b"", b"info_hash", info);
        let mut context = vec![MODE_BASE];
        context.extend_from_slice(&*psk_id_hash);
        context.extend_from_slice(&*info_hash);
        let secret = labeled_extract(HPKE_SUITE_ID, &*shared_secret, b"secret", b"");
        let mut key = Zeroizing::new([0u8; 16]);
        labeled_expand(HPKE_SUITE_ID, &secret, b"key", &context, &mut *key)?;
        let mut base_nonce = Zeroizing::new([0u8; 12]);
        labeled_expand(HPKE_SUITE_ID, &secret, b"base_nonce", &context, &mut *base_nonce)?;
        Ok(SenderContext { enc, key, base_nonce })
    }

    /// RFC 9180 single-shot `Seal` in base mode for [`HPKE_CONFIG`] with the ephemeral key
    /// pair `DeriveKeyPair(ikm_e)`; the first message of the context (sequence number 0).
    pub(crate) fn seal_with_ikm(
        crypto: &RustCrypto,
        config: HpkeConfig,
        ikm_e: &[u8],
        pk_r: &[u8],
        info: &[u8],
        aad: &[u8],
        ptxt: &[u8],
    ) -> Result<HpkeCiphertext, CryptoError> {
        let HpkeConfig(kem, kdf, aead) = config;
        if kem != HpkeKemType::DhKem25519
            || kdf != HpkeKdfType::HkdfSha256
            || aead != HpkeAeadType::AesGcm128
        {
            return Err(CryptoError::UnsupportedCiphersuite);
        }
        let SenderContext { enc, key, base_nonce } = setup_base_sender(crypto, ikm_e, pk_r, info)?;
        let ciphertext =
            crypto.aead_encrypt(AeadType::Aes128Gcm, &*key, ptxt, &*base_nonce, aad)?;
        Ok(HpkeCiphertext { kem_output: enc.into(), ciphertext: ciphertext.into() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_mode_is_random_and_has_no_fixed_lifetime() {
        let crypto = DmlsCrypto::default();
        let a = crypto.random_vec(32).unwrap();
        let b = crypto.random_vec(32).unwrap();
        assert_ne!(a, b);
        assert_ne!(DmlsCrypto::default().random_array::<32>().unwrap(), a.as_slice());
        assert!(crypto.lifetime().is_none());
        let child = crypto.child().unwrap();
        assert_ne!(child.random_vec(32).unwrap(), crypto.random_vec(32).unwrap());
        // Two seals of the same plaintext differ (fresh ephemeral keys).
        let config = || super::super::CIPHERSUITE.hpke_config();
        let receiver = crypto.derive_hpke_keypair(config(), &[7u8; 32]).unwrap();
        let one = crypto.hpke_seal(config(), &receiver.public, b"info", b"aad", b"pt").unwrap();
        let two = crypto.hpke_seal(config(), &receiver.public, b"info", b"aad", b"pt").unwrap();
        assert_ne!(one.kem_output, two.kem_output);
    }

    #[cfg(feature = "hazmat")]
    mod seeded_mode {
        use super::super::seeded::{seal_with_ikm, setup_base_sender, HPKE_CONFIG};
        use super::*;

        fn hex(text: &str) -> Vec<u8> {
            (0..text.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
                .collect()
        }

        /// The bytes a provider produces through every randomized method it supports.
        fn transcript(crypto: &DmlsCrypto) -> Vec<u8> {
            let receiver = crypto.derive_hpke_keypair(HPKE_CONFIG, &[9u8; 32]).unwrap();
            let mut out = crypto.random_vec(40).unwrap();
            out.extend_from_slice(&crypto.random_array::<16>().unwrap());
            let sealed = crypto.hpke_seal(HPKE_CONFIG, &receiver.public, b"i", b"a", b"p").unwrap();
            out.extend_from_slice(sealed.kem_output.as_slice());
            out.extend_from_slice(sealed.ciphertext.as_slice());
            let (sk, pk) = crypto.signature_key_gen(SignatureScheme::ED25519).unwrap();
            out.extend_from_slice(&sk);
            out.extend_from_slice(&pk);
            out.extend_from_slice(&crypto.child().unwrap().random_vec(32).unwrap());
            out
        }

        #[test]
        fn same_seed_same_bytes_different_seed_different_bytes() {
            let one = DmlsCrypto::seeded(&[1u8; 32]);
            assert!(one.is_seeded());
            let same = transcript(&one);
            assert_eq!(same, transcript(&DmlsCrypto::seeded(&[1u8; 32])));
            // The stream moves on: a second run on the same provider differs.
            assert_ne!(same, transcript(&one));
            let other = transcript(&DmlsCrypto::seeded(&[2u8; 32]));
            assert_eq!(same.len(), other.len());
            assert_ne!(same, other);
            // Every 32-byte window differs between the seeds.
            assert!(same.chunks(32).zip(other.chunks(32)).all(|(a, b)| a != b));
            assert!(one.lifetime().is_some());
            assert!(DmlsCrypto::default().child().map(|c| !c.is_seeded()).unwrap());
            assert!(one.child().unwrap().is_seeded());
        }

        /// openmls seals path secrets in parallel: a seal must not depend on the order of
        /// calls, only on the seed and its inputs.
        #[test]
        fn seeded_seals_do_not_depend_on_call_order() {
            let receiver = RustCrypto::default().derive_hpke_keypair(HPKE_CONFIG, &[9u8; 32]);
            let pk = receiver.unwrap().public;
            let seal = |crypto: &DmlsCrypto, pt: &[u8]| {
                let sealed = crypto.hpke_seal(HPKE_CONFIG, &pk, b"info", b"aad", pt).unwrap();
                (sealed.kem_output.as_slice().to_vec(), sealed.ciphertext.as_slice().to_vec())
            };
            let (one, two) = (DmlsCrypto::seeded(&[8u8; 32]), DmlsCrypto::seeded(&[8u8; 32]));
            let a1 = seal(&one, b"first");
            let b1 = seal(&one, b"second");
            let b2 = seal(&two, b"second");
            let a2 = seal(&two, b"first");
            assert_eq!((a1.clone(), b1.clone()), (a2, b2));
            assert_ne!(a1.0, b1.0);
            // Another seed, other ephemeral keys.
            assert_ne!(seal(&DmlsCrypto::seeded(&[9u8; 32]), b"first").0, a1.0);
            // Sealing draws nothing from the stream.
            assert_eq!(
                one.random_vec(32).unwrap(),
                DmlsCrypto::seeded(&[8u8; 32]).random_vec(32).unwrap()
            );
        }

        #[test]
        fn seeded_signature_key_is_a_valid_ed25519_pair() {
            let crypto = DmlsCrypto::seeded(&[3u8; 32]);
            let (sk, pk) = crypto.signature_key_gen(SignatureScheme::ED25519).unwrap();
            let signature = crypto.sign(SignatureScheme::ED25519, b"m", &sk).unwrap();
            crypto.verify_signature(SignatureScheme::ED25519, b"m", &pk, &signature).unwrap();
            assert_eq!(
                crypto.signature_key_gen(SignatureScheme::ECDSA_SECP256R1_SHA256),
                Err(CryptoError::UnsupportedSignatureScheme)
            );
            assert_eq!(
                crypto.hpke_setup_sender_and_export(HPKE_CONFIG, &pk, b"", b"", 32).map(|_| ()),
                Err(CryptoError::SenderSetupError)
            );
        }

        /// RFC 9180 appendix A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM,
        /// base mode): the deterministic seal from `ikmE` gives the published `enc`, key, base
        /// nonce and the first ciphertext (sequence number 0), and RustCrypto's `hpke_open`
        /// opens it with `skRm`.
        #[test]
        fn rfc9180_a_1_1_base_mode() {
            let crypto = RustCrypto::default();
            let info = hex("4f6465206f6e2061204772656369616e2055726e");
            let ikm_e = hex("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234");
            let pk_em = hex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431");
            let sk_em = hex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736");
            let pk_rm = hex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d");
            let sk_rm = hex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8");
            let key = hex("4531685d41d65f03dc48f6b8302c05b0");
            let base_nonce = hex("56d890e5accaaf011cff4b7d");
            let aad = hex("436f756e742d30");
            let pt = hex("4265617574792069732074727574682c20747275746820626561757479");
            let ct = hex(
                "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
            );

            let ephemeral = crypto.derive_hpke_keypair(HPKE_CONFIG, &ikm_e).unwrap();
            assert_eq!(ephemeral.public, pk_em);
            assert_eq!(&*ephemeral.private, sk_em.as_slice());
            let context = setup_base_sender(&crypto, &ikm_e, &pk_rm, &info).unwrap();
            assert_eq!(context.enc, pk_em);
            assert_eq!(context.key.as_slice(), key.as_slice());
            assert_eq!(context.base_nonce.as_slice(), base_nonce.as_slice());

            let sealed =
                seal_with_ikm(&crypto, HPKE_CONFIG, &ikm_e, &pk_rm, &info, &aad, &pt).unwrap();
            assert_eq!(sealed.kem_output.as_slice(), pk_em.as_slice());
            assert_eq!(sealed.ciphertext.as_slice(), ct.as_slice());
            let opened = crypto.hpke_open(HPKE_CONFIG, &sealed, &sk_rm, &info, &aad).unwrap();
            assert_eq!(opened, pt);

            // A seeded provider's seal opens with RustCrypto too, and is refused for another
            // configuration or a malformed key.
            let seeded = DmlsCrypto::seeded(&[4u8; 32]);
            let sealed = seeded.hpke_seal(HPKE_CONFIG, &pk_rm, b"info", b"aad", b"secret").unwrap();
            assert_eq!(
                crypto.hpke_open(HPKE_CONFIG, &sealed, &sk_rm, b"info", b"aad").unwrap(),
                b"secret"
            );
            assert!(crypto.hpke_open(HPKE_CONFIG, &sealed, &sk_rm, b"info", b"other").is_err());
            let chacha = HpkeConfig(
                openmls_traits::types::HpkeKemType::DhKem25519,
                openmls_traits::types::HpkeKdfType::HkdfSha256,
                openmls_traits::types::HpkeAeadType::ChaCha20Poly1305,
            );
            assert_eq!(
                seeded.hpke_seal(chacha, &pk_rm, b"", b"", b"").map(|_| ()),
                Err(CryptoError::UnsupportedCiphersuite)
            );
            assert_eq!(
                seeded.hpke_seal(HPKE_CONFIG, &pk_rm[..31], b"", b"", b"").map(|_| ()),
                Err(CryptoError::InvalidLength)
            );
            // A small-order receiver key gives an all-zero DH output: refused.
            assert_eq!(
                seeded.hpke_seal(HPKE_CONFIG, &[0u8; 32], b"", b"", b"").map(|_| ()),
                Err(CryptoError::HpkeEncryptionError)
            );
        }
    }
}
