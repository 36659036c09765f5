//! The established ECIES channel: key schedule, nonces, encryption and decryption.
//!
//! With `ss` the X25519 shared secret, `APP` the application info (`MATRIX_QR_CODE_LOGIN` by
//! default), `Gp` the recipient's (device G's) public key and `Sp` the initiator's (device S's)
//! ephemeral public key, both as unpadded base64, every secret is HKDF-SHA-512 of `ss` with no
//! salt:
//!
//! | value | length | info |
//! |---|---|---|
//! | S's encryption key (G's decryption key) | 32 | `APP "_ENCKEY_S|" Gp "|" Sp` |
//! | G's encryption key (S's decryption key) | 32 | `APP "_ENCKEY_G|" Gp "|" Sp` |
//! | check code | 2 | `APP "_CHECKCODE|" Gp "|" Sp` |
//!
//! Messages are ChaCha20-Poly1305 with empty associated data. Each direction has its own key and
//! its own message counter starting at 0; the nonce is the counter as 12 little-endian bytes.
//! The initial message is S's message 0.
//!
//! # Replay and reordering
//!
//! Both ends count. [`EstablishedEcies::decrypt`] uses the next counter value of the receiving
//! direction whether or not the message decrypts, exactly as vodozemac does: a replayed,
//! reordered, dropped or forged message fails, and so does every later one, so the channel must
//! be abandoned after any decryption error (MSC4108 aborts the login anyway). Counters are
//! 64-bit: after 2^64 messages in one direction (unreachable in practice) `encrypt` returns an
//! empty message, which the other side refuses, and `decrypt` fails; the nonce never repeats.

use chacha20poly1305::{aead::Aead, ChaCha20Poly1305, KeyInit, Nonce};
use hkdf::Hkdf;
use sha2::Sha512;
use x25519_dalek::SharedSecret;
use zeroize::{Zeroize, ZeroizeOnDrop};

use super::{CheckCode, Error, Message};
use crate::Curve25519PublicKey;

/// Which side of the channel we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    /// Device S: made the channel towards a known public key and sent the initial message.
    Initiator,
    /// Device G: its public key was known to S; it received the initial message.
    Recipient,
}

/// The message counter of one direction; `None` once all 2^64 nonces are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Counter(Option<u64>);

impl Counter {
    const fn new() -> Self {
        Self(Some(0))
    }

    /// The nonce for the current count, moving on to the next count.
    fn next_nonce(&mut self) -> Option<Nonce> {
        let current = self.0?;
        self.0 = current.checked_add(1);
        let mut nonce = [0u8; 12];
        for (dst, src) in nonce.iter_mut().zip(current.to_le_bytes()) {
            *dst = src;
        }
        Some(Nonce::from(nonce))
    }
}

/// An established ECIES channel: encrypts towards the other side and decrypts what it sends.
///
/// Zeroizes its keys on drop. `Debug` shows the public keys, the check code and the role, never
/// the keys.
pub struct EstablishedEcies {
    our_public_key: Curve25519PublicKey,
    their_public_key: Curve25519PublicKey,
    encryption_key: Box<[u8; 32]>,
    decryption_key: Box<[u8; 32]>,
    encryption_counter: Counter,
    decryption_counter: Counter,
    check_code: CheckCode,
    role: Role,
}

impl EstablishedEcies {
    pub(super) fn new(
        shared_secret: &SharedSecret,
        our_public_key: Curve25519PublicKey,
        their_public_key: Curve25519PublicKey,
        application_info: &str,
        role: Role,
    ) -> Self {
        let (g, s) = match role {
            Role::Recipient => (our_public_key, their_public_key),
            Role::Initiator => (their_public_key, our_public_key),
        };
        let keys = KeySchedule { hkdf: Hkdf::new(None, shared_secret.as_bytes()), g, s };
        let s_key = keys.key(application_info, "_ENCKEY_S");
        let g_key = keys.key(application_info, "_ENCKEY_G");
        let (encryption_key, decryption_key) = match role {
            Role::Initiator => (s_key, g_key),
            Role::Recipient => (g_key, s_key),
        };
        let mut bytes = [0u8; 2];
        keys.expand(application_info, "_CHECKCODE", &mut bytes);

        Self {
            our_public_key,
            their_public_key,
            encryption_key,
            decryption_key,
            encryption_counter: Counter::new(),
            decryption_counter: Counter::new(),
            check_code: CheckCode { bytes },
            role,
        }
    }

    /// Our public key in this channel (ephemeral for the initiator, the one the other side knew
    /// for the recipient).
    pub const fn public_key(&self) -> Curve25519PublicKey {
        self.our_public_key
    }

    /// The check code to compare out of band; both ends compute the same one.
    pub const fn check_code(&self) -> &CheckCode {
        &self.check_code
    }

    /// Encrypt `plaintext` for the other side, as the next message of our direction.
    ///
    /// Cannot fail in practice. After 2^64 messages, or for a plaintext over 256 GiB (the
    /// ChaCha20 limit), the message has an empty ciphertext, which the other side refuses.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> Message {
        let ciphertext = self
            .encryption_counter
            .next_nonce()
            .and_then(|nonce| cipher(&self.encryption_key).encrypt(&nonce, plaintext).ok())
            .unwrap_or_default();
        Message { ciphertext }
    }

    /// Decrypt the other side's next message.
    ///
    /// The message must be the next one the other side encrypted: a replayed, reordered, lost or
    /// forged message fails with [`Error::Decryption`]. The receiving counter moves on even when
    /// decryption fails, exactly as in vodozemac, so after any failure every later message fails
    /// too and the channel must be abandoned.
    pub fn decrypt(&mut self, message: &Message) -> Result<Vec<u8>, Error> {
        self.decrypt_next(&message.ciphertext)
    }

    /// Decrypt `ciphertext` as the other side's next message (the initial message is message 0).
    pub(super) fn decrypt_next(&mut self, ciphertext: &[u8]) -> Result<Vec<u8>, Error> {
        let nonce = self.decryption_counter.next_nonce().ok_or(Error::Decryption)?;
        cipher(&self.decryption_key).decrypt(&nonce, ciphertext).map_err(|_| Error::Decryption)
    }

    #[cfg(test)]
    pub(super) fn set_public_keys_for_test(
        &mut self,
        our: Curve25519PublicKey,
        their: Curve25519PublicKey,
        check_code: CheckCode,
    ) {
        self.our_public_key = our;
        self.their_public_key = their;
        self.check_code = check_code;
    }

    #[cfg(test)]
    pub(super) fn keys_for_test(&self) -> ([u8; 32], [u8; 32]) {
        (*self.encryption_key, *self.decryption_key)
    }
}

fn cipher(key: &[u8; 32]) -> ChaCha20Poly1305 {
    ChaCha20Poly1305::new(key.into())
}

/// HKDF-SHA-512 over the shared secret, with the info strings of the module documentation.
struct KeySchedule {
    hkdf: Hkdf<Sha512>,
    g: Curve25519PublicKey,
    s: Curve25519PublicKey,
}

impl KeySchedule {
    fn info(&self, application_info: &str, label: &str) -> String {
        format!("{application_info}{label}|{}|{}", self.g.to_base64(), self.s.to_base64())
    }

    fn expand(&self, application_info: &str, label: &str, okm: &mut [u8]) {
        // At most 32 bytes are asked for, far below HKDF-SHA-512's limit of 255 × 64; should
        // that ever fail, the output is zeroed and the tests catch it.
        if self.hkdf.expand(self.info(application_info, label).as_bytes(), okm).is_err() {
            okm.zeroize();
        }
    }

    fn key(&self, application_info: &str, label: &str) -> Box<[u8; 32]> {
        let mut key = Box::new([0u8; 32]);
        self.expand(application_info, label, key.as_mut_slice());
        key
    }
}

impl Zeroize for EstablishedEcies {
    /// Zeroizes both keys; the public keys, counters, check code and role are public.
    fn zeroize(&mut self) {
        self.encryption_key.zeroize();
        self.decryption_key.zeroize();
    }
}

impl Drop for EstablishedEcies {
    fn drop(&mut self) {
        self.zeroize();
    }
}

impl ZeroizeOnDrop for EstablishedEcies {}

impl std::fmt::Debug for EstablishedEcies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EstablishedEcies")
            .field("our_public_key", &self.our_public_key)
            .field("their_public_key", &self.their_public_key)
            .field("check_code", &self.check_code)
            .field("role", &self.role)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_nonces() {
        let mut counter = Counter::new();
        assert_eq!(counter.next_nonce().unwrap().as_slice(), [0; 12]);
        assert_eq!(counter.next_nonce().unwrap().as_slice(), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let mut counter = Counter(Some(0x0102_0304_0506_0708));
        assert_eq!(counter.next_nonce().unwrap().as_slice(), [8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0, 0]);
    }

    #[test]
    fn counter_exhaustion() {
        let mut counter = Counter(Some(u64::MAX));
        assert_eq!(
            counter.next_nonce().unwrap().as_slice(),
            [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]
        );
        assert_eq!(counter, Counter(None));
        assert!(counter.next_nonce().is_none());
        assert!(counter.next_nonce().is_none());
    }

    #[test]
    fn info_strings() {
        let g = Curve25519PublicKey::from_bytes([1; 32]);
        let s = Curve25519PublicKey::from_bytes([2; 32]);
        let keys = KeySchedule { hkdf: Hkdf::new(None, &[0; 32]), g, s };
        assert_eq!(
            keys.info("foobar", "_CHECKCODE").as_str(),
            format!("foobar_CHECKCODE|{}|{}", g.to_base64(), s.to_base64())
        );
    }
}
