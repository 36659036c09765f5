//! A small, safe Rust wrapper over **libolm 3.2.13**, linked from Debian's
//! `libolm-dev` package (`/usr/include/olm/*.h`, `libolm.so`).
//!
//! This crate exists only so that salamander can be checked against the
//! reference C implementation: interoperability tests, generation of
//! known-answer test vectors, and comparative benchmarks. It is
//! `publish = false` and must never become a dependency of the shipped crate.
//!
//! # Injectable randomness
//!
//! Every operation for which libolm consumes random bytes has a
//! `*_with_random` variant that takes those bytes from the caller as `&[u8]`,
//! so that runs are fully deterministic. The required number of bytes is the
//! one reported by libolm's own `*_random_length` function and is exposed by a
//! matching `*_random_length` method; a slice of any other length is rejected
//! with an [`OlmError`] whose message starts with `WRONG_RANDOM_LENGTH`. The
//! variants without the suffix draw the bytes from the operating system's
//! random number generator. The caller's slice is never modified (libolm
//! zeroes the buffer it is given, so a scratch copy is passed instead).
//!
//! # Conventions
//!
//! * Keys, signatures, session ids, messages and pickles are libolm's
//!   unpadded base64, returned as [`String`]s.
//! * Errors carry libolm's `last_error` string, e.g. `"BAD_MESSAGE_MAC"`.
//! * Inputs are always copied before being handed to libolm, because many of
//!   its functions overwrite their input buffers.
//! * Objects are `Send` but not `Sync`; libolm objects are cleared
//!   (`olm_clear_*`) when dropped.

use std::ffi::{c_char, c_void, CStr};
use std::fmt;

mod ffi;
mod megolm;
mod olm;
mod pk;
mod sas;
#[cfg(test)]
mod tests;

pub use megolm::{InboundGroupSession, OutboundGroupSession};
pub use olm::{Account, Session, Utility};
pub use pk::{PkDecryption, PkEncryption, PkSigning};
pub use sas::Sas;

/// An error reported by libolm (its `*_last_error` string, such as
/// `"BAD_MESSAGE_MAC"` or `"BAD_ACCOUNT_KEY"`), or by this wrapper when the
/// caller supplied the wrong number of random bytes (`"WRONG_RANDOM_LENGTH…"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OlmError(pub String);

impl fmt::Display for OlmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OlmError {}

/// The version of the linked libolm, as `(major, minor, patch)`; `(3, 2, 13)`
/// for Debian's libolm-dev.
pub fn library_version() -> (u8, u8, u8) {
    let (mut major, mut minor, mut patch) = (0u8, 0u8, 0u8);
    // SAFETY: the three pointers are valid, writable `u8` locations.
    unsafe { ffi::olm_get_library_version(&mut major, &mut minor, &mut patch) };
    (major, minor, patch)
}

/// A libolm object type: its size, initialiser, destructor and error getter.
pub(crate) trait Object {
    fn size() -> usize;
    /// # Safety
    /// `memory` must be writable, 8-byte aligned and at least `size()` bytes.
    unsafe fn init(memory: *mut c_void) -> *mut Self;
    /// # Safety
    /// `object` must have been returned by `init` and not yet cleared.
    unsafe fn clear(object: *mut Self);
    /// # Safety
    /// `object` must have been returned by `init` and not yet cleared.
    unsafe fn last_error(object: *const Self) -> *const c_char;
}

macro_rules! impl_object {
    ($ty:ident, $size:ident, $init:ident, $clear:ident, $last_error:ident) => {
        impl crate::Object for crate::ffi::$ty {
            fn size() -> usize {
                // SAFETY: takes no arguments and only returns a constant.
                unsafe { crate::ffi::$size() }
            }
            unsafe fn init(memory: *mut std::ffi::c_void) -> *mut Self {
                // SAFETY: forwarded from the caller's contract.
                unsafe { crate::ffi::$init(memory) }
            }
            unsafe fn clear(object: *mut Self) {
                // SAFETY: forwarded from the caller's contract.
                unsafe { crate::ffi::$clear(object) };
            }
            unsafe fn last_error(object: *const Self) -> *const std::ffi::c_char {
                // SAFETY: forwarded from the caller's contract.
                unsafe { crate::ffi::$last_error(object) }
            }
        }
    };
}
pub(crate) use impl_object;

/// The signature shared by all libolm `olm_pickle_*` / `olm_unpickle_*`
/// functions (except `olm_unpickle_pk_decryption`).
pub(crate) type PickleFn<T> =
    unsafe extern "C" fn(*mut T, *const c_void, usize, *mut c_void, usize) -> usize;

/// An initialised libolm object together with the memory backing it.
///
/// The memory is a heap allocation of `u64`s (so it is 8-byte aligned, which
/// the C structs need) that is owned through a raw pointer: libolm mutates it
/// through `ptr` even from `&self` methods, which is sound because the type is
/// not `Sync` and no Rust reference to the memory ever exists.
pub(crate) struct Handle<T: Object> {
    ptr: *mut T,
    memory: *mut [u64],
}

// SAFETY: a libolm object is plain memory with no thread affinity; `Handle`
// owns it exclusively, so moving it to another thread is fine. It stays `!Sync`.
unsafe impl<T: Object> Send for Handle<T> {}

impl<T: Object> Handle<T> {
    /// Allocates `T::size()` zeroed bytes and initialises the object in them.
    pub(crate) fn new() -> Self {
        let words = T::size().div_ceil(8).max(1);
        let memory = Box::into_raw(vec![0u64; words].into_boxed_slice());
        // SAFETY: `memory` is a fresh, writable, 8-byte aligned allocation of at
        // least `T::size()` bytes that lives (unmoved) until `drop`.
        let ptr = unsafe { T::init(memory.cast()) };
        Self { ptr, memory }
    }

    pub(crate) fn ptr(&self) -> *mut T {
        self.ptr
    }

    /// The object's last error.
    pub(crate) fn error(&self) -> OlmError {
        // SAFETY: `self.ptr` is a live, initialised object.
        let message = unsafe { T::last_error(self.ptr) };
        if message.is_null() {
            return OlmError("UNKNOWN_ERROR".to_owned());
        }
        // SAFETY: libolm returns a pointer to a static NUL-terminated string.
        let message = unsafe { CStr::from_ptr(message) };
        OlmError(message.to_string_lossy().into_owned())
    }

    /// Maps libolm's `olm_error()` return value to the object's last error.
    pub(crate) fn check(&self, ret: usize) -> Result<usize, OlmError> {
        if ret == olm_error() {
            Err(self.error())
        } else {
            Ok(ret)
        }
    }

    /// Calls `f(object, buffer, len)` with a fresh `len`-byte buffer; `f`
    /// returns the number of bytes written, to which the buffer is truncated.
    pub(crate) fn output(
        &self,
        len: usize,
        f: impl FnOnce(*mut T, *mut c_void, usize) -> usize,
    ) -> Result<Vec<u8>, OlmError> {
        let mut buffer = vec![0u8; len];
        let written = self.check(f(self.ptr, buffer.as_mut_ptr().cast(), buffer.len()))?;
        buffer.truncate(written);
        Ok(buffer)
    }

    /// Like [`Handle::output`] for functions that fill exactly `len` bytes and
    /// return something other than the length (usually 0) on success.
    pub(crate) fn fixed_output(
        &self,
        len: usize,
        f: impl FnOnce(*mut T, *mut c_void, usize) -> usize,
    ) -> Result<Vec<u8>, OlmError> {
        let mut buffer = vec![0u8; len];
        self.check(f(self.ptr, buffer.as_mut_ptr().cast(), buffer.len()))?;
        Ok(buffer)
    }

    /// Pickles the object with `pickle` (an `olm_pickle_*` function) into a
    /// buffer of `len` bytes (from the matching `olm_pickle_*_length`).
    pub(crate) fn pickle(&self, key: &[u8], len: usize, pickle: PickleFn<T>) -> String {
        let out = self.output(len, |object, buffer, buffer_len| {
            // SAFETY: `pickle` is an `olm_pickle_*` function for `T`; `object`
            // is live, `key` is readable for its length and `buffer` is
            // writable for `buffer_len` bytes.
            unsafe { pickle(object, key.as_ptr().cast(), key.len(), buffer, buffer_len) }
        });
        to_string(infallible(out, "pickle"))
    }

    /// Creates an object and loads it with `unpickle` (an `olm_unpickle_*`
    /// function), passing a copy of `pickled` because libolm overwrites it.
    pub(crate) fn unpickle(
        pickled: &str,
        key: &[u8],
        unpickle: PickleFn<T>,
    ) -> Result<Self, OlmError> {
        let handle = Self::new();
        let mut scratch = pickled.as_bytes().to_vec();
        // SAFETY: `unpickle` is an `olm_unpickle_*` function for `T`; the object
        // is live, `key` is readable and `scratch` writable for their lengths.
        let ret = unsafe {
            unpickle(
                handle.ptr,
                key.as_ptr().cast(),
                key.len(),
                scratch.as_mut_ptr().cast(),
                scratch.len(),
            )
        };
        handle.check(ret)?;
        Ok(handle)
    }
}

impl<T: Object> Drop for Handle<T> {
    fn drop(&mut self) {
        // SAFETY: `self.ptr` was returned by `T::init` and is cleared only here.
        unsafe { T::clear(self.ptr) };
        // SAFETY: `self.memory` came from `Box::into_raw` in `new` and is freed
        // only here, after libolm is done with it.
        drop(unsafe { Box::from_raw(self.memory) });
    }
}

/// libolm's error sentinel, `(size_t)-1`.
pub(crate) fn olm_error() -> usize {
    // SAFETY: takes no arguments and only returns a constant.
    unsafe { ffi::olm_error() }
}

/// `len` bytes from the operating system's random number generator.
pub(crate) fn os_random(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    if let Err(e) = getrandom::fill(&mut bytes) {
        panic!("salamander-libolm: the OS random number generator failed: {e}");
    }
    bytes
}

/// Checks that the caller gave exactly `expected` random bytes and returns a
/// scratch copy of them for libolm to consume (and zero).
pub(crate) fn random_scratch(random: &[u8], expected: usize) -> Result<Vec<u8>, OlmError> {
    if random.len() == expected {
        Ok(random.to_vec())
    } else {
        Err(OlmError(format!(
            "WRONG_RANDOM_LENGTH: libolm needs {expected} random bytes, got {}",
            random.len()
        )))
    }
}

/// libolm output (base64 or JSON, always ASCII) as a `String`.
pub(crate) fn to_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Unwraps the result of a libolm call that cannot fail when given correctly
/// sized buffers (and, for the convenience constructors, OS randomness).
pub(crate) fn infallible<T>(result: Result<T, OlmError>, what: &str) -> T {
    match result {
        Ok(value) => value,
        Err(e) => panic!("salamander-libolm: libolm {what} failed unexpectedly: {e}"),
    }
}
