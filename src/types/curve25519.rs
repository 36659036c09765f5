//! Curve25519 (X25519) keys.
//!
//! A secret key is 32 random bytes stored unclamped, as libolm stores it; clamping happens inside
//! the scalar multiplication. A Diffie-Hellman result that is all zeroes (the other side's key is
//! of small order) is refused, so no session can be built on a predictable secret.

use std::fmt;

use rand_core::CryptoRng;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq;
use x25519_dalek::StaticSecret;
use zeroize::Zeroizing;

use crate::{codec::base64::base64_decode, rng::OsRng, KeyError};

/// The result of an X25519 Diffie-Hellman exchange (re-exported from `x25519-dalek`); zeroized
/// on drop.
pub use x25519_dalek::SharedSecret;

/// A Curve25519 public key.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Curve25519PublicKey {
    pub(crate) inner: [u8; 32],
}

impl Curve25519PublicKey {
    /// The number of bytes a Curve25519 public key has.
    pub const LENGTH: usize = 32;

    /// The key's bytes.
    pub const fn to_bytes(&self) -> [u8; 32] {
        self.inner
    }

    /// A reference to the key's bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.inner
    }

    /// The key's bytes in a `Vec`.
    pub fn to_vec(&self) -> Vec<u8> {
        self.inner.to_vec()
    }

    /// A key from its 32 bytes. Every 32-byte string is a valid X25519 public key; small-order
    /// keys are refused where they are used.
    pub const fn from_bytes(bytes: [u8; 32]) -> Self {
        Self { inner: bytes }
    }

    /// Decode a key from unpadded (or padded) base64.
    ///
    /// ```
    /// use salamander::Curve25519PublicKey;
    /// let key = Curve25519PublicKey::from_base64("3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08").unwrap();
    /// assert_eq!(key.to_base64(), "3p7bfXt9wbTTW2HC7OQ1Nz+DQ8hbeGdNrfx+FG+IK08");
    /// assert!(Curve25519PublicKey::from_base64("3p7bfXt9").is_err());
    /// ```
    pub fn from_base64(input: &str) -> Result<Curve25519PublicKey, KeyError> {
        let bytes = base64_decode(input)?;
        Self::from_slice(&bytes)
    }

    /// A key from a slice that must be exactly 32 bytes long.
    pub fn from_slice(slice: &[u8]) -> Result<Curve25519PublicKey, KeyError> {
        <[u8; 32]>::try_from(slice).map(Self::from_bytes).map_err(|_| KeyError::InvalidKeyLength {
            key_type: "Curve25519",
            expected_length: Self::LENGTH,
            length: slice.len(),
        })
    }

    /// The key as unpadded base64.
    pub fn to_base64(&self) -> String {
        crate::base64_encode(self.inner)
    }

    pub(crate) fn dalek(&self) -> x25519_dalek::PublicKey {
        x25519_dalek::PublicKey::from(self.inner)
    }
}

impl From<[u8; 32]> for Curve25519PublicKey {
    fn from(bytes: [u8; 32]) -> Self {
        Self::from_bytes(bytes)
    }
}

impl From<&Curve25519SecretKey> for Curve25519PublicKey {
    fn from(secret: &Curve25519SecretKey) -> Self {
        Self::from_bytes(x25519_dalek::PublicKey::from(&*secret.0).to_bytes())
    }
}

impl Curve25519PublicKey {
    /// The public keys of several secret keys, in order, computed together: each still costs a
    /// base-point multiplication, but the conversion to the Montgomery form shares one field
    /// inversion among all of them (Montgomery's trick) instead of one per key. Same results,
    /// same constant-time arithmetic.
    pub(crate) fn from_secret_keys(secrets: &[&Curve25519SecretKey]) -> Vec<Self> {
        use curve25519_dalek::EdwardsPoint;
        // The points are secret-derived in projective form until converted: wiped on drop.
        let points: Zeroizing<Vec<EdwardsPoint>> = Zeroizing::new(
            secrets
                .iter()
                .map(|secret| EdwardsPoint::mul_base_clamped(*secret.as_bytes()))
                .collect(),
        );
        EdwardsPoint::to_montgomery_batch(&points)
            .into_iter()
            .map(|point| Self::from_bytes(point.to_bytes()))
            .collect()
    }
}

impl AsRef<Curve25519PublicKey> for Curve25519PublicKey {
    fn as_ref(&self) -> &Curve25519PublicKey {
        self
    }
}

impl fmt::Display for Curve25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl fmt::Debug for Curve25519PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "curve25519:{}", self.to_base64())
    }
}

/// A Curve25519 secret key. Zeroized on drop; never printed.
#[derive(Clone)]
pub struct Curve25519SecretKey(Box<StaticSecret>);

impl Curve25519SecretKey {
    /// A new random key.
    pub fn new() -> Self {
        Self::new_with_rng(&mut OsRng)
    }

    /// A new key drawn from `rng`.
    pub fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(bytes.as_mut_slice());
        Self::from_slice(&bytes)
    }

    /// A key from its 32 bytes (any 32 bytes are a valid secret key).
    pub fn from_slice(bytes: &[u8; 32]) -> Self {
        Self(Box::new(StaticSecret::from(*bytes)))
    }

    /// X25519 with `their_public_key`; `None` if the result is all zeroes, i.e. their key is of
    /// small order and the exchange would not be contributory.
    pub fn diffie_hellman(&self, their_public_key: &Curve25519PublicKey) -> Option<SharedSecret> {
        let shared = self.0.diffie_hellman(&their_public_key.dalek());
        shared.was_contributory().then_some(shared)
    }

    /// A copy of the key's bytes.
    ///
    /// The copy is boxed so it is not spread over the stack, but it is not zeroized for you:
    /// zeroize it when done.
    pub fn to_bytes(&self) -> Box<[u8; 32]> {
        Box::new(self.0.to_bytes())
    }

    pub(crate) fn as_bytes(&self) -> &[u8; 32] {
        self.0.as_bytes()
    }
}

impl Default for Curve25519SecretKey {
    fn default() -> Self {
        Self::new()
    }
}

impl ConstantTimeEq for Curve25519SecretKey {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.0.as_bytes().ct_eq(other.0.as_bytes())
    }
}

impl PartialEq for Curve25519SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for Curve25519SecretKey {}

impl fmt::Debug for Curve25519SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Curve25519SecretKey(<redacted>)")
    }
}

impl Serialize for Curve25519SecretKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.as_bytes().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Curve25519SecretKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = Zeroizing::new(<[u8; 32]>::deserialize(deserializer)?);
        Ok(Self::from_slice(&bytes))
    }
}

/// A Curve25519 secret key with its public key computed once.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Curve25519Keypair {
    secret: Curve25519SecretKey,
    public: Curve25519PublicKey,
}

impl Curve25519Keypair {
    pub(crate) fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self::from_secret_key(Curve25519SecretKey::new_with_rng(rng))
    }

    pub(crate) fn from_secret_key(secret: Curve25519SecretKey) -> Self {
        let public = Curve25519PublicKey::from(&secret);
        Self { secret, public }
    }

    /// A pair whose public key is already known (from a pickle that stores it).
    #[cfg(feature = "libolm-compat")]
    pub(crate) fn from_parts_unchecked(
        secret: Curve25519SecretKey,
        public: Curve25519PublicKey,
    ) -> Self {
        Self { secret, public }
    }

    pub(crate) const fn public_key(&self) -> Curve25519PublicKey {
        self.public
    }

    pub(crate) const fn secret_key(&self) -> &Curve25519SecretKey {
        &self.secret
    }
}

impl fmt::Debug for Curve25519Keypair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Curve25519Keypair").field("public", &self.public).finish_non_exhaustive()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// RFC 7748 section 6.1.
    #[test]
    fn rfc7748_diffie_hellman() {
        let alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        let bob = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        let alice = Curve25519SecretKey::from_slice(&alice);
        let bob = Curve25519SecretKey::from_slice(&bob);
        let alice_public = Curve25519PublicKey::from(&alice);
        let bob_public = Curve25519PublicKey::from(&bob);
        assert_eq!(
            alice_public.to_bytes(),
            hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        );
        assert_eq!(
            bob_public.to_bytes(),
            hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f")
        );
        let expected = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
        assert_eq!(alice.diffie_hellman(&bob_public).unwrap().to_bytes(), expected);
        assert_eq!(bob.diffie_hellman(&alice_public).unwrap().to_bytes(), expected);
    }

    /// The batched derivation gives x25519's public keys, at every batch size (including one and
    /// none) and for the extreme secrets (all zeroes, all ones: clamping decides).
    #[test]
    fn batched_public_keys_are_the_single_ones() {
        let mut secrets: Vec<Curve25519SecretKey> = vec![
            Curve25519SecretKey::from_slice(&[0; 32]),
            Curve25519SecretKey::from_slice(&[0xff; 32]),
        ];
        secrets.extend((0..40).map(|_| Curve25519SecretKey::new()));
        for n in [0, 1, 2, 3, 42] {
            let chosen: Vec<&Curve25519SecretKey> = secrets.iter().take(n).collect();
            let batched = Curve25519PublicKey::from_secret_keys(&chosen);
            let single: Vec<_> = chosen.iter().map(|s| Curve25519PublicKey::from(*s)).collect();
            assert_eq!(batched, single, "batch of {n}");
        }
        let rfc = Curve25519SecretKey::from_slice(&hex(
            "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
        ));
        assert_eq!(
            Curve25519PublicKey::from_secret_keys(&[&rfc, &rfc])[1].to_bytes(),
            hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
        );
    }

    #[test]
    fn small_order_keys_are_not_contributory() {
        let secret = Curve25519SecretKey::new();
        let mut one = [0u8; 32];
        one[0] = 1;
        for key in [[0u8; 32], one] {
            assert!(secret.diffie_hellman(&Curve25519PublicKey::from_bytes(key)).is_none());
        }
    }

    #[test]
    fn lengths_are_checked() {
        for length in [0, 31, 33, 64] {
            let err = Curve25519PublicKey::from_slice(&vec![0; length]).unwrap_err();
            assert!(matches!(err, KeyError::InvalidKeyLength { length: l, .. } if l == length));
        }
        let b64 = crate::base64_encode([1u8; 33]);
        assert!(Curve25519PublicKey::from_base64(&b64).is_err());
    }

    #[test]
    fn debug_does_not_print_secrets() {
        let secret = Curve25519SecretKey::from_slice(&[7; 32]);
        let printed = format!("{secret:?}");
        assert_eq!(printed, "Curve25519SecretKey(<redacted>)");
        let public = Curve25519PublicKey::from(&secret);
        assert_eq!(format!("{public:?}"), format!("curve25519:{}", public.to_base64()));
    }

    pub(crate) fn hex(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }
}
