//! ⚠️ Low-level building blocks (feature `hazmat`): the key derivations and primitives the
//! protocols are made of, exposed so that known-answer vectors can check every intermediate
//! value.
//!
//! Nothing here is needed to use Olm or Megolm, and nothing here protects you: the functions
//! return secrets as plain arrays that are **not** zeroized, and misusing a message key (for
//! example encrypting twice with it) breaks the protocol's security. Use [`crate::olm`] and
//! [`crate::megolm`] instead.

use zeroize::Zeroizing;

use crate::{Curve25519PublicKey, Curve25519SecretKey};

/// The AES key, HMAC key and IV derived from a message key, a Megolm ratchet or a pickle key.
#[derive(Clone, PartialEq, Eq)]
pub struct CipherKeys {
    /// AES-256 key.
    pub aes_key: [u8; 32],
    /// HMAC-SHA-256 key.
    pub mac_key: [u8; 32],
    /// AES-CBC initialisation vector.
    pub iv: [u8; 16],
}

impl std::fmt::Debug for CipherKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CipherKeys(<redacted>)")
    }
}

fn split_80(okm: &[u8; 80]) -> CipherKeys {
    let mut keys = CipherKeys { aes_key: [0; 32], mac_key: [0; 32], iv: [0; 16] };
    let destination =
        keys.aes_key.iter_mut().chain(keys.mac_key.iter_mut()).chain(keys.iv.iter_mut());
    for (dst, src) in destination.zip(okm.iter()) {
        *dst = *src;
    }
    keys
}

/// The primitives, exactly as salamander uses them.
pub mod primitives {
    use hmac::Mac;

    use crate::cipher::{hkdf_sha256 as hkdf, hmac_sha256 as keyed_hmac, HmacSha256};

    /// HKDF-SHA-256 (RFC 5869); `length` at most 8160 bytes (an empty result above that).
    pub fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], length: usize) -> Vec<u8> {
        if length > 255 * 32 {
            return Vec::new();
        }
        let mut okm = vec![0u8; length];
        hkdf(salt, ikm, info, &mut okm);
        okm
    }

    /// HMAC-SHA-256 (RFC 2104) with a key of any length.
    pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
        let mut mac = match <[u8; 32]>::try_from(key) {
            Ok(key) => keyed_hmac(&key),
            Err(_) => match <HmacSha256 as hmac::KeyInit>::new_from_slice(key) {
                Ok(mac) => mac,
                Err(_) => return [0; 32],
            },
        };
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// AES-256-CBC with PKCS#7 padding.
    pub fn aes_256_cbc_encrypt(key: &[u8; 32], iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
        super::cipher_for(key, iv).encrypt(plaintext)
    }

    /// AES-256-CBC decryption with strict PKCS#7 unpadding; `None` if the padding is invalid or
    /// the length is not a positive multiple of 16.
    pub fn aes_256_cbc_decrypt(
        key: &[u8; 32],
        iv: &[u8; 16],
        ciphertext: &[u8],
    ) -> Option<Vec<u8>> {
        super::cipher_for(key, iv).decrypt(ciphertext).ok()
    }
}

fn cipher_for(key: &[u8; 32], iv: &[u8; 16]) -> Box<crate::cipher::CipherKeys> {
    let mut okm = Zeroizing::new([0u8; 80]);
    for (dst, src) in okm.iter_mut().zip(key.iter().chain([0u8; 32].iter()).chain(iv.iter())) {
        *dst = *src;
    }
    crate::cipher::CipherKeys::from_okm(&okm)
}

/// The Olm key schedule, step by step.
pub mod olm {
    use zeroize::Zeroizing;

    use super::{split_80, CipherKeys, Curve25519PublicKey, Curve25519SecretKey};
    use crate::cipher::{hkdf_sha256, hkdf_sha256_zero_salt};

    fn dh(secret: &Curve25519SecretKey, public: &Curve25519PublicKey) -> Option<[u8; 32]> {
        secret.diffie_hellman(public).map(|shared| shared.to_bytes())
    }

    fn concat(parts: [Option<[u8; 32]>; 3]) -> Option<[u8; 96]> {
        let mut out = [0u8; 96];
        for (chunk, part) in out.chunks_exact_mut(32).zip(parts) {
            chunk.copy_from_slice(&part?);
        }
        Some(out)
    }

    /// The initiator's triple Diffie-Hellman secret `DH(i_A, E_B) ‖ DH(e_A, I_B) ‖ DH(e_A, E_B)`;
    /// `None` if any part is all zeroes.
    pub fn shared_secret_outbound(
        identity_key: &Curve25519SecretKey,
        base_key: &Curve25519SecretKey,
        their_identity_key: &Curve25519PublicKey,
        their_one_time_key: &Curve25519PublicKey,
    ) -> Option<[u8; 96]> {
        concat([
            dh(identity_key, their_one_time_key),
            dh(base_key, their_identity_key),
            dh(base_key, their_one_time_key),
        ])
    }

    /// The responder's triple Diffie-Hellman secret `DH(e_B, I_A) ‖ DH(i_B, E_A) ‖ DH(e_B, E_A)`.
    pub fn shared_secret_inbound(
        identity_key: &Curve25519SecretKey,
        one_time_key: &Curve25519SecretKey,
        their_identity_key: &Curve25519PublicKey,
        their_base_key: &Curve25519PublicKey,
    ) -> Option<[u8; 96]> {
        concat([
            dh(one_time_key, their_identity_key),
            dh(identity_key, their_base_key),
            dh(one_time_key, their_base_key),
        ])
    }

    fn split_64(okm: &[u8; 64]) -> ([u8; 32], [u8; 32]) {
        let mut root = [0u8; 32];
        let mut chain = [0u8; 32];
        for (dst, src) in root.iter_mut().chain(chain.iter_mut()).zip(okm.iter()) {
            *dst = *src;
        }
        (root, chain)
    }

    /// `R_0 ‖ C_0 = HKDF(0, S, "OLM_ROOT", 64)`.
    pub fn initial_root_and_chain(shared_secret: &[u8; 96]) -> ([u8; 32], [u8; 32]) {
        let mut okm = Zeroizing::new([0u8; 64]);
        hkdf_sha256_zero_salt(shared_secret, b"OLM_ROOT", okm.as_mut_slice());
        split_64(&okm)
    }

    /// `R_i ‖ C_i = HKDF(R_{i-1}, DH(our ratchet key, their ratchet key), "OLM_RATCHET", 64)`.
    pub fn advance_root(
        root_key: &[u8; 32],
        our_ratchet_key: &Curve25519SecretKey,
        their_ratchet_key: &Curve25519PublicKey,
    ) -> Option<([u8; 32], [u8; 32])> {
        let shared = Zeroizing::new(dh(our_ratchet_key, their_ratchet_key)?);
        let mut okm = Zeroizing::new([0u8; 64]);
        hkdf_sha256(root_key, shared.as_slice(), b"OLM_RATCHET", okm.as_mut_slice());
        Some(split_64(&okm))
    }

    /// `C_{i,j+1} = HMAC(C_{i,j}, 0x02)`.
    pub fn advance_chain(chain_key: &[u8; 32]) -> [u8; 32] {
        let mut chain = crate::olm::hazmat_chain(chain_key);
        chain.advance();
        *chain.as_bytes()
    }

    /// `M_{i,j} = HMAC(C_{i,j}, 0x01)`.
    pub fn message_key(chain_key: &[u8; 32]) -> [u8; 32] {
        *crate::olm::hazmat_chain(chain_key).message_key().as_bytes()
    }

    /// `AES_KEY ‖ MAC_KEY ‖ IV = HKDF(0, M, "OLM_KEYS", 80)`.
    pub fn message_cipher_keys(message_key: &[u8; 32]) -> CipherKeys {
        let mut okm = Zeroizing::new([0u8; 80]);
        hkdf_sha256_zero_salt(message_key, b"OLM_KEYS", okm.as_mut_slice());
        split_80(&okm)
    }
}

/// The Megolm key derivation.
pub mod megolm {
    use zeroize::Zeroizing;

    use super::{split_80, CipherKeys};
    use crate::cipher::hkdf_sha256_zero_salt;

    /// The ratchet advanced from `from` to `to` (modulo 2^32, as libolm).
    pub fn advance_ratchet(ratchet: &[u8; 128], from: u32, to: u32) -> [u8; 128] {
        let mut advanced = crate::megolm::hazmat_ratchet(ratchet, from);
        advanced.advance_to(to);
        *advanced.as_bytes()
    }

    /// `AES_KEY ‖ MAC_KEY ‖ IV = HKDF(0, R, "MEGOLM_KEYS", 80)`.
    pub fn cipher_keys(ratchet: &[u8; 128]) -> CipherKeys {
        let mut okm = Zeroizing::new([0u8; 80]);
        hkdf_sha256_zero_salt(ratchet, b"MEGOLM_KEYS", okm.as_mut_slice());
        split_80(&okm)
    }
}

/// The pickle key derivation: `AES_KEY ‖ MAC_KEY ‖ IV = HKDF(0, key, "Pickle", 80)`.
pub fn pickle_cipher_keys(pickle_key: &[u8]) -> CipherKeys {
    let mut okm = Zeroizing::new([0u8; 80]);
    crate::cipher::hkdf_sha256_zero_salt(pickle_key, b"Pickle", okm.as_mut_slice());
    split_80(&okm)
}

/// The derivations salamander's DMLS layer adds to MLS (features `hazmat` and `dmls`), for
/// the known-answer vectors in `test-vectors/dmls/`. See [`crate::dmls`] for the protocol.
#[cfg(feature = "dmls")]
pub mod dmls {
    use crate::dmls::{DmlsWelcome, ForkId, PprfError};

    /// The MLS exporter label of a fork id: `MLS-Exporter(FORK_ID_LABEL, "", 32)`.
    pub const FORK_ID_LABEL: &str = crate::dmls::fork::FORK_ID_LABEL;
    /// The `safe_export_secret` component that keys each epoch's puncturable PRF.
    pub const PPRF_COMPONENT: u16 = crate::dmls::group::PPRF_COMPONENT;
    /// The HPKE `info` under which a commit's PSK is sealed to each joiner.
    pub const WELCOME_PSK_INFO: &[u8] = crate::dmls::welcome::WELCOME_PSK_INFO;

    /// The puncturable PRF (a depth-64 GGM tree over HMAC-SHA-256) exactly as a fork uses it.
    ///
    /// ```
    /// use salamander::{dmls::PprfError, hazmat::dmls::Pprf};
    ///
    /// let mut prf = Pprf::new(&[7u8; 32]);
    /// let x = salamander::hazmat::dmls::commit_input(1, 0);
    /// let value = prf.evaluate(x)?;
    /// assert_eq!(prf.evaluate(x), Err(PprfError::Punctured));
    /// assert_ne!(prf.evaluate(x + 1)?, value);
    /// # Ok::<(), PprfError>(())
    /// ```
    #[derive(Debug, Clone)]
    pub struct Pprf(crate::dmls::pprf::Pprf);

    impl Pprf {
        /// A PRF keyed by `root` (at epoch entry: `safe_export_secret(PPRF_COMPONENT)`).
        pub fn new(root: &[u8; 32]) -> Self {
            Self(crate::dmls::pprf::Pprf::new(root))
        }

        /// Whether `x` can still be evaluated.
        pub fn can_evaluate(&self, x: u64) -> bool {
            self.0.can_evaluate(x)
        }

        /// `PPRF(x)`, puncturing at `x`; a second evaluation at `x` is
        /// [`PprfError::Punctured`].
        pub fn evaluate(&mut self, x: u64) -> Result<[u8; 32], PprfError> {
            self.0.evaluate(x).map(|value| *value)
        }
    }

    /// A commit's PPRF input: `sender leaf index (u32) ‖ per-epoch counter (u32)`.
    pub fn commit_input(sender_leaf: u32, counter: u32) -> u64 {
        crate::dmls::pprf::commit_input(sender_leaf, counter)
    }

    /// The sender leaf index an input names.
    pub fn sender_of(x: u64) -> u32 {
        crate::dmls::pprf::sender_of(x)
    }

    /// A DMLS commit's MLS authenticated data (8 bytes, big-endian `x`).
    pub fn commit_aad(x: u64) -> [u8; 8] {
        crate::dmls::pprf::commit_aad(x)
    }

    /// The input a commit's authenticated data carries; `None` unless it is exactly 8 bytes.
    pub fn input_from_aad(aad: &[u8]) -> Option<u64> {
        crate::dmls::pprf::input_from_aad(aad)
    }

    /// The external PSK id of the commit with input `x` on fork `parent`:
    /// `"salamander dmls psk v1" ‖ parent fork id ‖ x (8 bytes, big-endian)`.
    pub fn psk_id(parent: &ForkId, x: u64) -> Vec<u8> {
        crate::dmls::group::psk_id(*parent, x)
    }

    /// The preferred fork among `(epoch, fork id)` pairs: highest epoch, then highest id.
    pub fn preferred_fork(forks: &[(u64, ForkId)]) -> Option<ForkId> {
        crate::dmls::fork::preferred_of(forks.iter().copied())
    }

    /// A fork id from its 32 bytes (fork ids are otherwise only made by salamander).
    pub fn fork_id(bytes: [u8; 32]) -> ForkId {
        ForkId(bytes)
    }

    /// Per joiner of a DMLS Welcome: the KeyPackageRef and the sealed PSK.
    pub type SealedPsks = [(Vec<u8>, Vec<u8>)];

    /// The parts of a DMLS Welcome: the MLS Welcome message, the PSK id, and the sealed PSKs.
    pub fn welcome_parts(welcome: &DmlsWelcome) -> (&[u8], &[u8], &SealedPsks) {
        (&welcome.welcome, &welcome.psk_id, &welcome.sealed)
    }

    /// A DMLS Welcome from its parts (to encode test inputs).
    pub fn welcome_from_parts(
        welcome: Vec<u8>,
        psk_id: Vec<u8>,
        sealed: Vec<(Vec<u8>, Vec<u8>)>,
    ) -> DmlsWelcome {
        DmlsWelcome { welcome, psk_id, sealed }
    }
}
