//! Ed25519 keys and signatures.
//!
//! Verification is always strict (`verify_strict`: no malleable signatures, no small-order keys
//! or R points; CVE-2024-45193). A key pair is either a normal 32-byte seed or the 64-byte
//! *expanded* secret key that libolm stores (SHA-512 of the seed, clamped; the seed itself is
//! gone), so that accounts and group sessions imported from libolm keep signing exactly as
//! libolm did.

use std::fmt;

use ed25519_dalek::{hazmat::ExpandedSecretKey, Signer, SigningKey, VerifyingKey};
use rand_core::CryptoRng;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha512};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::{
    codec::base64::{base64_decode, decode_secret_array, encode_secret},
    pickle::secret::SecretBytes,
    rng::OsRng,
    Base64DecodeError, KeyError,
};

/// Length of libolm's expanded Ed25519 secret key.
pub(crate) const EXPANDED_LENGTH: usize = 64;

/// An Ed25519 signature could not be decoded or did not verify.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// The signature was not valid base64.
    #[error("The signature couldn't be decoded: {0}")]
    Base64(#[from] Base64DecodeError),
    /// The signature was malformed or did not verify.
    #[error("The signature was invalid: {0}")]
    Signature(#[from] ed25519_dalek::SignatureError),
}

/// An Ed25519 public key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ed25519PublicKey(VerifyingKey);

impl Ed25519PublicKey {
    /// The number of bytes an Ed25519 public key has.
    pub const LENGTH: usize = 32;

    /// A key from its 32 bytes; an error if they are not a valid compressed curve point.
    pub fn from_slice(bytes: &[u8; 32]) -> Result<Self, KeyError> {
        VerifyingKey::from_bytes(bytes)
            .map(Self)
            .map_err(|e| KeyError::Signature(SignatureError::Signature(e)))
    }

    /// A reference to the key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }

    /// Decode a key from unpadded (or padded) base64.
    ///
    /// Input that decodes to anything but 32 bytes is an error (vodozemac 0.11.1 panicked on 31
    /// or 33 bytes, GHSA-pqp6-f7wc-6498).
    ///
    /// ```
    /// use salamander::Ed25519PublicKey;
    /// assert!(Ed25519PublicKey::from_base64("1vJufiFFd2Zh+uRdgJp/FprJwjhIMx1U1Ihx090h458").is_ok());
    /// assert!(Ed25519PublicKey::from_base64("1vJufiFFd2Zh+uRdgJp/FprJwjhIMx1U1Ihx090h4w").is_err());
    /// ```
    pub fn from_base64(input: &str) -> Result<Self, KeyError> {
        let bytes = base64_decode(input)?;
        let array =
            <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| KeyError::InvalidKeyLength {
                key_type: "Ed25519",
                expected_length: Self::LENGTH,
                length: bytes.len(),
            })?;
        Self::from_slice(&array)
    }

    /// The key as unpadded base64.
    pub fn to_base64(&self) -> String {
        crate::base64_encode(self.as_bytes())
    }

    /// Verify `signature` over `message` (strict RFC 8032 verification).
    pub fn verify(
        &self,
        message: &[u8],
        signature: &Ed25519Signature,
    ) -> Result<(), SignatureError> {
        Ok(self.0.verify_strict(message, &signature.0)?)
    }
}

impl fmt::Display for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for Ed25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ed25519:{}", self.to_base64())
    }
}

impl Serialize for Ed25519PublicKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_bytes().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Ed25519PublicKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = <[u8; 32]>::deserialize(deserializer)?;
        Self::from_slice(&bytes).map_err(de::Error::custom)
    }
}

/// An Ed25519 signature.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Ed25519Signature(pub(crate) ed25519_dalek::Signature);

impl Ed25519Signature {
    /// The number of bytes an Ed25519 signature has.
    pub const LENGTH: usize = 64;

    /// A signature from a slice that must be exactly 64 bytes long.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, SignatureError> {
        Ok(Self(ed25519_dalek::Signature::from_slice(bytes)?))
    }

    /// Decode a signature from unpadded (or padded) base64.
    pub fn from_base64(signature: &str) -> Result<Self, SignatureError> {
        Self::from_slice(&base64_decode(signature)?)
    }

    /// The signature as unpadded base64.
    pub fn to_base64(&self) -> String {
        crate::base64_encode(self.0.to_bytes())
    }

    /// The signature's bytes.
    pub fn to_bytes(&self) -> [u8; 64] {
        self.0.to_bytes()
    }
}

impl fmt::Display for Ed25519Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for Ed25519Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ed25519:{}", self.to_base64())
    }
}

/// An Ed25519 secret key (a 32-byte seed). Zeroized on drop; never printed.
pub struct Ed25519SecretKey(Box<SigningKey>);

impl Ed25519SecretKey {
    /// The number of bytes an Ed25519 secret key has.
    pub const LENGTH: usize = 32;

    /// A new random key.
    pub fn new() -> Self {
        Self::new_with_rng(&mut OsRng)
    }

    /// A new key drawn from `rng`.
    pub fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(seed.as_mut_slice());
        Self::from_slice(&seed)
    }

    /// A copy of the seed. Boxed, but not zeroized for you: zeroize it when done.
    pub fn to_bytes(&self) -> Box<[u8; 32]> {
        Box::new(self.0.to_bytes())
    }

    /// A key from its 32-byte seed.
    pub fn from_slice(bytes: &[u8; 32]) -> Self {
        Self(Box::new(SigningKey::from_bytes(bytes)))
    }

    /// The seed as unpadded base64 (constant-time encoding).
    pub fn to_base64(&self) -> String {
        encode_secret(self.0.as_bytes())
    }

    /// Decode a seed from base64 (constant-time decoding); an error unless it is 32 bytes.
    pub fn from_base64(input: &str) -> Result<Self, KeyError> {
        match decode_secret_array::<32>(input)? {
            Ok(bytes) => Ok(Self::from_slice(&bytes)),
            Err(length) => Err(KeyError::InvalidKeyLength {
                key_type: "Ed25519",
                expected_length: Self::LENGTH,
                length,
            }),
        }
    }

    /// The matching public key.
    pub fn public_key(&self) -> Ed25519PublicKey {
        Ed25519PublicKey(self.0.verifying_key())
    }

    /// Sign `message`.
    pub fn sign(&self, message: &[u8]) -> Ed25519Signature {
        Ed25519Signature(self.0.sign(message))
    }
}

impl Default for Ed25519SecretKey {
    fn default() -> Self {
        Self::new()
    }
}

impl ConstantTimeEq for Ed25519SecretKey {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.as_bytes().ct_eq(other.0.as_bytes())
    }
}

impl PartialEq for Ed25519SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Ed25519SecretKey {}

impl fmt::Debug for Ed25519SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ed25519SecretKey(<redacted>)")
    }
}

impl Serialize for Ed25519SecretKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.as_bytes().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Ed25519SecretKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = Zeroizing::new(<[u8; 32]>::deserialize(deserializer)?);
        Ok(Self::from_slice(&bytes))
    }
}

/// libolm's expanded secret key: the 64 bytes as stored, and the signing form derived from them.
struct ExpandedKey {
    source: Zeroizing<[u8; EXPANDED_LENGTH]>,
    inner: ExpandedSecretKey,
}

impl ExpandedKey {
    fn from_bytes(bytes: &[u8; EXPANDED_LENGTH]) -> Self {
        Self { source: Zeroizing::new(*bytes), inner: ExpandedSecretKey::from_bytes(bytes) }
    }
}

impl Clone for ExpandedKey {
    fn clone(&self) -> Self {
        Self::from_bytes(&self.source)
    }
}

enum SecretKeys {
    Normal(Box<SigningKey>),
    Expanded(Box<ExpandedKey>),
}

impl Clone for SecretKeys {
    fn clone(&self) -> Self {
        match self {
            SecretKeys::Normal(key) => SecretKeys::Normal(key.clone()),
            SecretKeys::Expanded(key) => SecretKeys::Expanded(key.clone()),
        }
    }
}

/// An Ed25519 key pair: the secret key and its public key, computed once.
#[derive(Clone)]
pub struct Ed25519Keypair {
    secret_key: SecretKeys,
    public_key: Ed25519PublicKey,
}

impl Ed25519Keypair {
    /// A new random key pair.
    pub fn new() -> Self {
        Self::new_with_rng(&mut OsRng)
    }

    /// A new key pair drawn from `rng`.
    pub fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let secret = Ed25519SecretKey::new_with_rng(rng);
        Self::from_seed_key(secret.0)
    }

    /// The key pair of a seed.
    pub(crate) fn from_secret_key(secret: &Ed25519SecretKey) -> Self {
        Self::from_seed_key(secret.0.clone())
    }

    fn from_seed_key(key: Box<SigningKey>) -> Self {
        let public_key = Ed25519PublicKey(key.verifying_key());
        Self { secret_key: SecretKeys::Normal(key), public_key }
    }

    /// A key pair from libolm's 64-byte expanded secret key and the public key stored beside
    /// it; an error if the two do not match.
    #[cfg_attr(not(feature = "libolm-compat"), allow(dead_code))]
    pub(crate) fn from_expanded_key(
        expanded: &[u8; EXPANDED_LENGTH],
        public_key: &[u8; 32],
    ) -> Result<Self, KeyError> {
        let expanded = ExpandedKey::from_bytes(expanded);
        let derived = Ed25519PublicKey(VerifyingKey::from(&expanded.inner));
        if derived.as_bytes() != public_key {
            return Err(KeyError::Signature(SignatureError::Signature(
                ed25519_dalek::SignatureError::new(),
            )));
        }
        Ok(Self { secret_key: SecretKeys::Expanded(Box::new(expanded)), public_key: derived })
    }

    /// The public key.
    pub const fn public_key(&self) -> Ed25519PublicKey {
        self.public_key
    }

    /// Sign `message`.
    pub fn sign(&self, message: &[u8]) -> Ed25519Signature {
        match &self.secret_key {
            SecretKeys::Normal(key) => Ed25519Signature(key.sign(message)),
            SecretKeys::Expanded(key) => Ed25519Signature(
                ed25519_dalek::hazmat::raw_sign::<Sha512>(&key.inner, message, &self.public_key.0),
            ),
        }
    }

    /// The seed, if this key pair has one (pairs imported from libolm do not).
    pub(crate) fn seed(&self) -> Option<Zeroizing<[u8; 32]>> {
        match &self.secret_key {
            SecretKeys::Normal(key) => Some(Zeroizing::new(key.to_bytes())),
            SecretKeys::Expanded(_) => None,
        }
    }

    /// The 64-byte expanded secret key in libolm's layout (clamped SHA-512 of the seed).
    #[cfg_attr(not(feature = "libolm-compat"), allow(dead_code))]
    pub(crate) fn expanded_secret_key(&self) -> Zeroizing<[u8; EXPANDED_LENGTH]> {
        match &self.secret_key {
            SecretKeys::Normal(key) => {
                let mut expanded = Zeroizing::new([0u8; EXPANDED_LENGTH]);
                let mut hash = Sha512::digest(key.as_bytes());
                expanded.copy_from_slice(hash.as_slice());
                zeroize::Zeroize::zeroize(hash.as_mut_slice());
                if let Some(first) = expanded.first_mut() {
                    *first &= 248;
                }
                if let Some(last) = expanded.get_mut(31) {
                    *last &= 63;
                    *last |= 64;
                }
                expanded
            }
            SecretKeys::Expanded(key) => key.source.clone(),
        }
    }
}

impl Default for Ed25519Keypair {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Ed25519Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ed25519Keypair")
            .field("public_key", &self.public_key)
            .finish_non_exhaustive()
    }
}

/// The serialized form, identical to vodozemac's: `{"Normal": [32 bytes]}` or
/// `{"Expanded": [64 bytes]}`.
#[derive(Serialize, Deserialize)]
enum KeypairPickle {
    Normal(SecretBytes<32>),
    Expanded(SecretBytes<EXPANDED_LENGTH>),
}

impl Serialize for Ed25519Keypair {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let pickle = match &self.secret_key {
            SecretKeys::Normal(key) => KeypairPickle::Normal(SecretBytes::new(key.as_bytes())),
            SecretKeys::Expanded(key) => KeypairPickle::Expanded(SecretBytes::new(&key.source)),
        };
        pickle.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Ed25519Keypair {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match KeypairPickle::deserialize(deserializer)? {
            KeypairPickle::Normal(seed) => {
                Ok(Self::from_seed_key(Box::new(SigningKey::from_bytes(&seed.0))))
            }
            KeypairPickle::Expanded(bytes) => {
                let expanded = ExpandedKey::from_bytes(&bytes.0);
                let public_key = Ed25519PublicKey(VerifyingKey::from(&expanded.inner));
                Ok(Self { secret_key: SecretKeys::Expanded(Box::new(expanded)), public_key })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 8032 section 7.1, test 1 (empty message).
    #[test]
    fn rfc8032_test_1() {
        let seed = hex::<32>("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        let key = Ed25519SecretKey::from_slice(&seed);
        assert_eq!(
            key.public_key().as_bytes(),
            &hex::<32>("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        );
        let signature = key.sign(b"");
        assert_eq!(
            signature.to_bytes(),
            hex::<64>(
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
            )
        );
        key.public_key().verify(b"", &signature).unwrap();
        assert!(key.public_key().verify(b"x", &signature).is_err());
    }

    #[test]
    fn expanded_keys_sign_like_their_seed() {
        let pair = Ed25519Keypair::new();
        let expanded = pair.expanded_secret_key();
        let imported =
            Ed25519Keypair::from_expanded_key(&expanded, pair.public_key().as_bytes()).unwrap();
        assert_eq!(imported.public_key(), pair.public_key());
        // Ed25519 is deterministic, and the expanded key holds exactly what signing uses.
        assert_eq!(imported.sign(b"message"), pair.sign(b"message"));
        assert!(imported.seed().is_none());

        let other = Ed25519Keypair::new();
        assert!(
            Ed25519Keypair::from_expanded_key(&expanded, other.public_key().as_bytes()).is_err()
        );
    }

    #[test]
    fn serde_matches_vodozemac_layout() {
        let pair = Ed25519Keypair::new();
        let json = serde_json::to_value(&pair).unwrap();
        let normal = json.get("Normal").unwrap().as_array().unwrap();
        assert_eq!(normal.len(), 32);
        let back: Ed25519Keypair = serde_json::from_value(json).unwrap();
        assert_eq!(back.public_key(), pair.public_key());

        let expanded = Ed25519Keypair::from_expanded_key(
            &pair.expanded_secret_key(),
            pair.public_key().as_bytes(),
        )
        .unwrap();
        let json = serde_json::to_value(&expanded).unwrap();
        assert_eq!(json.get("Expanded").unwrap().as_array().unwrap().len(), 64);
        let back: Ed25519Keypair = serde_json::from_value(json).unwrap();
        assert_eq!(back.sign(b"m"), pair.sign(b"m"));

        let short = serde_json::json!({"Expanded": [1, 2, 3]});
        assert!(serde_json::from_value::<Ed25519Keypair>(short).is_err());
    }

    #[test]
    fn wrong_lengths_are_errors_not_panics() {
        // GHSA-pqp6-f7wc-6498: vodozemac 0.11.1 panicked on 31 or 33 bytes.
        for length in [0, 31, 33, 64] {
            let b64 = crate::base64_encode(vec![9u8; length]);
            assert!(Ed25519PublicKey::from_base64(&b64).is_err());
            assert!(Ed25519SecretKey::from_base64(&b64).is_err());
            assert!(Ed25519Signature::from_base64(&b64).is_err() || length == 64);
        }
        let padded = format!("{}=", crate::base64_encode([9u8; 32]));
        assert!(Ed25519SecretKey::from_base64(&padded).is_ok());
    }

    #[test]
    fn strict_verification_rejects_malleated_signatures() {
        let key = Ed25519SecretKey::new();
        let signature = key.sign(b"m").to_bytes();
        // Add the group order L to S: the classic malleation, accepted by lax verifiers.
        const L: [u8; 32] = [
            0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9,
            0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ];
        let mut malleated = signature;
        let mut carry = 0u16;
        for i in 0..32 {
            let sum = u16::from(malleated[32 + i]) + u16::from(L[i]) + carry;
            malleated[32 + i] = sum as u8;
            carry = sum >> 8;
        }
        let malleated = Ed25519Signature::from_slice(&malleated).unwrap();
        assert!(key.public_key().verify(b"m", &malleated).is_err());
    }

    /// A small-order public key (here the identity point) with R = identity and S = 0 satisfies
    /// the cofactorless equation for every message: lax verification accepts it, strict refuses.
    #[test]
    fn strict_verification_rejects_small_order_keys() {
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let mut signature = [0u8; 64];
        signature[0] = 1;
        let signature = Ed25519Signature::from_slice(&signature).unwrap();
        // Decoding accepts the point (as vodozemac does); verification is where it must fail.
        let key = Ed25519PublicKey::from_slice(&identity).unwrap();
        assert!(key.verify(b"any message", &signature).is_err());
        assert!(key.verify(b"another", &signature).is_err());
    }

    #[test]
    fn secrets_do_not_print() {
        let key = Ed25519SecretKey::from_slice(&[1; 32]);
        assert_eq!(format!("{key:?}"), "Ed25519SecretKey(<redacted>)");
        let pair = Ed25519Keypair::new();
        let printed = format!("{pair:?}");
        assert!(printed.starts_with("Ed25519Keypair { public_key: ed25519:"));
    }

    fn hex<const N: usize>(s: &str) -> [u8; N] {
        let mut out = [0u8; N];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }
}
