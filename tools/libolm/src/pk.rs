//! The `pk` API: Curve25519 encryption to a public key (as used by server-side
//! key backup) and Ed25519 signing from a seed (cross-signing).

use std::fmt;

use crate::ffi::{self, OlmPkDecryption, OlmPkEncryption, OlmPkSigning};
use crate::{impl_object, infallible, os_random, random_scratch, to_string, Handle, OlmError};

impl_object!(
    OlmPkEncryption,
    olm_pk_encryption_size,
    olm_pk_encryption,
    olm_clear_pk_encryption,
    olm_pk_encryption_last_error
);
impl_object!(
    OlmPkDecryption,
    olm_pk_decryption_size,
    olm_pk_decryption,
    olm_clear_pk_decryption,
    olm_pk_decryption_last_error
);
impl_object!(
    OlmPkSigning,
    olm_pk_signing_size,
    olm_pk_signing,
    olm_clear_pk_signing,
    olm_pk_signing_last_error
);

/// A libolm `OlmPkEncryption`: encrypts to one recipient's Curve25519 key.
pub struct PkEncryption {
    h: Handle<OlmPkEncryption>,
}

impl fmt::Debug for PkEncryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkEncryption").finish_non_exhaustive()
    }
}

impl PkEncryption {
    /// Creates an encryptor for the recipient's Curve25519 public key (base64).
    pub fn new(recipient_key: &str) -> Result<Self, OlmError> {
        let h = Handle::<OlmPkEncryption>::new();
        // SAFETY: live object; `recipient_key` is readable for its length.
        let ret = unsafe {
            ffi::olm_pk_encryption_set_recipient_key(
                h.ptr(),
                recipient_key.as_ptr().cast(),
                recipient_key.len(),
            )
        };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// The number of random bytes [`PkEncryption::encrypt_with_random`] needs (32).
    pub fn encrypt_random_length(&self) -> usize {
        // SAFETY: live object.
        unsafe { ffi::olm_pk_encrypt_random_length(self.h.ptr()) }
    }

    /// Encrypts with a fresh ephemeral key from OS randomness; returns
    /// `(ciphertext, mac, ephemeral key)`, all base64.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> (String, String, String) {
        let random = os_random(self.encrypt_random_length());
        infallible(self.encrypt_with_random(plaintext, &random), "olm_pk_encrypt")
    }

    /// Encrypts with the ephemeral Curve25519 private key given as 32 random
    /// bytes; returns `(ciphertext, mac, ephemeral key)`, all base64.
    pub fn encrypt_with_random(
        &mut self,
        plaintext: &[u8],
        random: &[u8],
    ) -> Result<(String, String, String), OlmError> {
        let scratch = random_scratch(random, self.encrypt_random_length())?;
        // SAFETY: live object.
        let ciphertext_len =
            unsafe { ffi::olm_pk_ciphertext_length(self.h.ptr(), plaintext.len()) };
        // SAFETY: live object.
        let mac_len = unsafe { ffi::olm_pk_mac_length(self.h.ptr()) };
        // SAFETY: takes no arguments and only returns a constant.
        let key_len = unsafe { ffi::olm_pk_key_length() };
        let mut ciphertext = vec![0u8; ciphertext_len];
        let mut mac = vec![0u8; mac_len];
        let mut ephemeral = vec![0u8; key_len];
        // SAFETY: live object; `plaintext` and `scratch` are readable and the
        // three output buffers writable for their lengths.
        let ret = unsafe {
            ffi::olm_pk_encrypt(
                self.h.ptr(),
                plaintext.as_ptr().cast(),
                plaintext.len(),
                ciphertext.as_mut_ptr().cast(),
                ciphertext.len(),
                mac.as_mut_ptr().cast(),
                mac.len(),
                ephemeral.as_mut_ptr().cast(),
                ephemeral.len(),
                scratch.as_ptr().cast(),
                scratch.len(),
            )
        };
        self.h.check(ret)?;
        Ok((to_string(ciphertext), to_string(mac), to_string(ephemeral)))
    }
}

/// A libolm `OlmPkDecryption`: holds a Curve25519 private key.
pub struct PkDecryption {
    h: Handle<OlmPkDecryption>,
    public_key: String,
}

impl fmt::Debug for PkDecryption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkDecryption").field("public_key", &self.public_key).finish_non_exhaustive()
    }
}

impl Default for PkDecryption {
    fn default() -> Self {
        Self::new()
    }
}

impl PkDecryption {
    /// Creates a decryptor with a private key from OS randomness.
    pub fn new() -> Self {
        let mut key = [0u8; 32];
        let random = os_random(key.len());
        key.copy_from_slice(&random);
        Self::from_private_key(&key)
    }

    /// Creates a decryptor from a 32-byte Curve25519 private key.
    pub fn from_private_key(private_key: &[u8; 32]) -> Self {
        let h = Handle::<OlmPkDecryption>::new();
        // SAFETY: takes no arguments and only returns a constant.
        let key_len = unsafe { ffi::olm_pk_key_length() };
        let out = h.fixed_output(key_len, |decryption, buf, buf_len| {
            // SAFETY: live object; `buf` is writable and `private_key` readable
            // for their lengths.
            unsafe {
                ffi::olm_pk_key_from_private(
                    decryption,
                    buf,
                    buf_len,
                    private_key.as_ptr().cast(),
                    private_key.len(),
                )
            }
        });
        let public_key = to_string(infallible(out, "olm_pk_key_from_private"));
        Self { h, public_key }
    }

    /// The Curve25519 public key, base64.
    pub fn public_key(&self) -> String {
        self.public_key.clone()
    }

    /// The 32-byte Curve25519 private key.
    pub fn private_key(&self) -> Vec<u8> {
        // SAFETY: takes no arguments and only returns a constant.
        let len = unsafe { ffi::olm_pk_private_key_length() };
        let out = self.h.fixed_output(len, |decryption, buf, buf_len| {
            // SAFETY: live object; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_pk_get_private_key(decryption, buf, buf_len) }
        });
        infallible(out, "olm_pk_get_private_key")
    }

    /// Decrypts a message given as base64 `(ephemeral key, mac, ciphertext)`.
    pub fn decrypt(
        &mut self,
        ephemeral_key: &str,
        mac: &str,
        ciphertext: &str,
    ) -> Result<Vec<u8>, OlmError> {
        let mut scratch = ciphertext.as_bytes().to_vec();
        // SAFETY: live object.
        let max_len = unsafe { ffi::olm_pk_max_plaintext_length(self.h.ptr(), scratch.len()) };
        self.h.output(max_len, |decryption, buf, buf_len| {
            // SAFETY: live object; the key and MAC are readable, `scratch` is a
            // writable copy (decoded in place) and `buf` is writable for `buf_len`.
            unsafe {
                ffi::olm_pk_decrypt(
                    decryption,
                    ephemeral_key.as_ptr().cast(),
                    ephemeral_key.len(),
                    mac.as_ptr().cast(),
                    mac.len(),
                    scratch.as_mut_ptr().cast(),
                    scratch.len(),
                    buf,
                    buf_len,
                )
            }
        })
    }

    /// Pickles the decryptor with `key` (may be empty).
    pub fn pickle(&self, key: &[u8]) -> String {
        // SAFETY: live object.
        let len = unsafe { ffi::olm_pickle_pk_decryption_length(self.h.ptr()) };
        self.h.pickle(key, len, ffi::olm_pickle_pk_decryption)
    }

    /// Restores a decryptor pickled with `key`.
    pub fn unpickle(pickle: &str, key: &[u8]) -> Result<Self, OlmError> {
        let h = Handle::<OlmPkDecryption>::new();
        let mut scratch = pickle.as_bytes().to_vec();
        // SAFETY: takes no arguments and only returns a constant.
        let mut public_key = vec![0u8; unsafe { ffi::olm_pk_key_length() }];
        // SAFETY: live object; `key` is readable, `scratch` (a copy, destroyed)
        // and `public_key` are writable for their lengths.
        let ret = unsafe {
            ffi::olm_unpickle_pk_decryption(
                h.ptr(),
                key.as_ptr().cast(),
                key.len(),
                scratch.as_mut_ptr().cast(),
                scratch.len(),
                public_key.as_mut_ptr().cast(),
                public_key.len(),
            )
        };
        h.check(ret)?;
        Ok(Self { h, public_key: to_string(public_key) })
    }
}

/// A libolm `OlmPkSigning`: an Ed25519 key derived from a 32-byte seed.
pub struct PkSigning {
    h: Handle<OlmPkSigning>,
    public_key: String,
}

impl fmt::Debug for PkSigning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PkSigning").field("public_key", &self.public_key).finish_non_exhaustive()
    }
}

impl PkSigning {
    /// Creates a signer from a 32-byte Ed25519 seed.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let h = Handle::<OlmPkSigning>::new();
        // SAFETY: takes no arguments and only returns a constant.
        let seed_len = unsafe { ffi::olm_pk_signing_seed_length() };
        // SAFETY: takes no arguments and only returns a constant.
        let key_len = unsafe { ffi::olm_pk_signing_public_key_length() };
        assert_eq!(seed_len, seed.len(), "libolm's Ed25519 seed length");
        let out = h.fixed_output(key_len, |signing, buf, buf_len| {
            // SAFETY: live object; `buf` is writable and `seed` readable for
            // their lengths.
            unsafe {
                ffi::olm_pk_signing_key_from_seed(
                    signing,
                    buf,
                    buf_len,
                    seed.as_ptr().cast(),
                    seed.len(),
                )
            }
        });
        let public_key = to_string(infallible(out, "olm_pk_signing_key_from_seed"));
        Self { h, public_key }
    }

    /// The Ed25519 public key, base64.
    pub fn public_key(&self) -> String {
        self.public_key.clone()
    }

    /// Signs `message`; base64 signature.
    pub fn sign(&self, message: &[u8]) -> String {
        // SAFETY: takes no arguments and only returns a constant.
        let len = unsafe { ffi::olm_pk_signature_length() };
        let out = self.h.fixed_output(len, |signing, buf, buf_len| {
            // SAFETY: live object; `message` is readable and `buf` writable for
            // their lengths.
            unsafe {
                ffi::olm_pk_sign(signing, message.as_ptr(), message.len(), buf.cast(), buf_len)
            }
        });
        to_string(infallible(out, "olm_pk_sign"))
    }
}
