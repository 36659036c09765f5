//! SAS (short authentication string) verification.

use std::fmt;

use crate::ffi::{self, OlmSAS};
use crate::{impl_object, infallible, os_random, random_scratch, to_string, Handle, OlmError};

impl_object!(OlmSAS, olm_sas_size, olm_sas, olm_clear_sas, olm_sas_last_error);

/// The signature shared by the three `olm_sas_calculate_mac*` functions.
type MacFn = unsafe extern "C" fn(
    *mut OlmSAS,
    *const std::ffi::c_void,
    usize,
    *const std::ffi::c_void,
    usize,
    *mut std::ffi::c_void,
    usize,
) -> usize;

/// A libolm `OlmSAS` object.
///
/// [`Sas::generate_bytes`] and the `calculate_mac*` methods panic (with
/// libolm's `SAS_THEIR_KEY_NOT_SET`) if [`Sas::set_their_key`] has not
/// succeeded yet.
pub struct Sas {
    h: Handle<OlmSAS>,
}

impl fmt::Debug for Sas {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sas")
            .field("public_key", &self.public_key())
            .field("their_key_set", &self.is_their_key_set())
            .finish_non_exhaustive()
    }
}

impl Default for Sas {
    fn default() -> Self {
        Self::new()
    }
}

impl Sas {
    /// The number of random bytes [`Sas::new_with_random`] needs (32).
    pub fn new_random_length() -> usize {
        let h = Handle::<OlmSAS>::new();
        // SAFETY: live SAS object.
        unsafe { ffi::olm_create_sas_random_length(h.ptr()) }
    }

    /// Creates a SAS object with an ephemeral key from OS randomness.
    pub fn new() -> Self {
        infallible(Self::new_with_random(&os_random(Self::new_random_length())), "olm_create_sas")
    }

    /// Creates a SAS object whose Curve25519 private key is the given 32 bytes.
    pub fn new_with_random(random: &[u8]) -> Result<Self, OlmError> {
        let h = Handle::<OlmSAS>::new();
        // SAFETY: live SAS object.
        let expected = unsafe { ffi::olm_create_sas_random_length(h.ptr()) };
        let mut scratch = random_scratch(random, expected)?;
        // SAFETY: live SAS object; `scratch` is writable for its length.
        let ret =
            unsafe { ffi::olm_create_sas(h.ptr(), scratch.as_mut_ptr().cast(), scratch.len()) };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// Our ephemeral Curve25519 public key, base64.
    pub fn public_key(&self) -> String {
        // SAFETY: live SAS object.
        let len = unsafe { ffi::olm_sas_pubkey_length(self.h.ptr()) };
        let out = self.h.fixed_output(len, |sas, buf, buf_len| {
            // SAFETY: live SAS object; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_sas_get_pubkey(sas, buf, buf_len) }
        });
        to_string(infallible(out, "olm_sas_get_pubkey"))
    }

    /// Sets the other side's Curve25519 public key (base64).
    pub fn set_their_key(&mut self, their_key: &str) -> Result<(), OlmError> {
        let mut key = their_key.as_bytes().to_vec();
        // SAFETY: live SAS object; `key` is a writable copy (decoded in place).
        let ret =
            unsafe { ffi::olm_sas_set_their_key(self.h.ptr(), key.as_mut_ptr().cast(), key.len()) };
        self.h.check(ret).map(drop)
    }

    /// Whether [`Sas::set_their_key`] has succeeded.
    pub fn is_their_key_set(&self) -> bool {
        // SAFETY: live SAS object.
        unsafe { ffi::olm_sas_is_their_key_set(self.h.ptr()) != 0 }
    }

    /// `count` bytes derived (HKDF) from the shared secret with `info`.
    pub fn generate_bytes(&self, info: &str, count: usize) -> Vec<u8> {
        let out = self.h.fixed_output(count, |sas, buf, buf_len| {
            // SAFETY: live SAS object; `info` is readable and `buf` writable for their lengths.
            unsafe {
                ffi::olm_sas_generate_bytes(sas, info.as_ptr().cast(), info.len(), buf, buf_len)
            }
        });
        infallible(out, "olm_sas_generate_bytes")
    }

    fn mac(&self, mac: MacFn, name: &str, input: &[u8], info: &str) -> String {
        // SAFETY: live SAS object.
        let len = unsafe { ffi::olm_sas_mac_length(self.h.ptr()) };
        let out = self.h.fixed_output(len, |sas, buf, buf_len| {
            // SAFETY: `mac` is one of the `olm_sas_calculate_mac*` functions;
            // live SAS object; `input` and `info` are readable and `buf`
            // writable for their lengths.
            unsafe {
                mac(
                    sas,
                    input.as_ptr().cast(),
                    input.len(),
                    info.as_ptr().cast(),
                    info.len(),
                    buf,
                    buf_len,
                )
            }
        });
        to_string(infallible(out, name))
    }

    /// HMAC-SHA-256 of `input` keyed from the shared secret with `info`,
    /// encoded with libolm's historical (broken) in-place base64
    /// (`olm_sas_calculate_mac`, the `hkdf-hmac-sha256` MAC method).
    pub fn calculate_mac(&self, input: &[u8], info: &str) -> String {
        self.mac(ffi::olm_sas_calculate_mac, "olm_sas_calculate_mac", input, info)
    }

    /// Like [`Sas::calculate_mac`] with correct unpadded base64
    /// (`olm_sas_calculate_mac_fixed_base64`, `hkdf-hmac-sha256.v2`).
    pub fn calculate_mac_fixed_base64(&self, input: &[u8], info: &str) -> String {
        self.mac(
            ffi::olm_sas_calculate_mac_fixed_base64,
            "olm_sas_calculate_mac_fixed_base64",
            input,
            info,
        )
    }

    /// The legacy MAC with a 256-byte HKDF output (`olm_sas_calculate_mac_long_kdf`).
    pub fn calculate_mac_long_kdf(&self, input: &[u8], info: &str) -> String {
        self.mac(ffi::olm_sas_calculate_mac_long_kdf, "olm_sas_calculate_mac_long_kdf", input, info)
    }
}
