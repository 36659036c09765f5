//! Megolm: outbound and inbound group sessions.

use std::fmt;

use crate::ffi::{self, OlmInboundGroupSession, OlmOutboundGroupSession};
use crate::{impl_object, infallible, os_random, random_scratch, to_string, Handle, OlmError};

impl_object!(
    OlmOutboundGroupSession,
    olm_outbound_group_session_size,
    olm_outbound_group_session,
    olm_clear_outbound_group_session,
    olm_outbound_group_session_last_error
);
impl_object!(
    OlmInboundGroupSession,
    olm_inbound_group_session_size,
    olm_inbound_group_session,
    olm_clear_inbound_group_session,
    olm_inbound_group_session_last_error
);

/// A libolm `OlmOutboundGroupSession` (the sending side of Megolm).
pub struct OutboundGroupSession {
    h: Handle<OlmOutboundGroupSession>,
}

impl fmt::Debug for OutboundGroupSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutboundGroupSession")
            .field("session_id", &self.session_id())
            .field("message_index", &self.message_index())
            .finish_non_exhaustive()
    }
}

impl Default for OutboundGroupSession {
    fn default() -> Self {
        Self::new()
    }
}

impl OutboundGroupSession {
    /// The number of random bytes [`OutboundGroupSession::new_with_random`] needs (160).
    pub fn new_random_length() -> usize {
        let h = Handle::<OlmOutboundGroupSession>::new();
        // SAFETY: live session.
        unsafe { ffi::olm_init_outbound_group_session_random_length(h.ptr()) }
    }

    /// Creates a session from OS randomness.
    pub fn new() -> Self {
        let random = os_random(Self::new_random_length());
        infallible(Self::new_with_random(&random), "olm_init_outbound_group_session")
    }

    /// Creates a session from the given 160 random bytes (the 128-byte Megolm
    /// ratchet, then the Ed25519 seed).
    pub fn new_with_random(random: &[u8]) -> Result<Self, OlmError> {
        let h = Handle::<OlmOutboundGroupSession>::new();
        // SAFETY: live session.
        let expected = unsafe { ffi::olm_init_outbound_group_session_random_length(h.ptr()) };
        let mut scratch = random_scratch(random, expected)?;
        // SAFETY: live session; `scratch` is writable for its length.
        let ret = unsafe {
            ffi::olm_init_outbound_group_session(h.ptr(), scratch.as_mut_ptr(), scratch.len())
        };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// Encrypts `plaintext`; returns the base64 Megolm message.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> Result<String, OlmError> {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_group_encrypt_message_length(self.h.ptr(), plaintext.len()) };
        let out = self.h.output(len, |session, buf, buf_len| {
            // SAFETY: live session; `plaintext` is readable and `buf` writable for their lengths.
            unsafe {
                ffi::olm_group_encrypt(
                    session,
                    plaintext.as_ptr(),
                    plaintext.len(),
                    buf.cast(),
                    buf_len,
                )
            }
        })?;
        Ok(to_string(out))
    }

    /// The session id (base64 Ed25519 public key).
    pub fn session_id(&self) -> String {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_outbound_group_session_id_length(self.h.ptr()) };
        let out = self.h.output(len, |session, buf, buf_len| {
            // SAFETY: live session; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_outbound_group_session_id(session, buf.cast(), buf_len) }
        });
        to_string(infallible(out, "olm_outbound_group_session_id"))
    }

    /// The signed session key (base64) at the current message index, for
    /// [`InboundGroupSession::new`].
    pub fn session_key(&self) -> String {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_outbound_group_session_key_length(self.h.ptr()) };
        let out = self.h.output(len, |session, buf, buf_len| {
            // SAFETY: live session; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_outbound_group_session_key(session, buf.cast(), buf_len) }
        });
        to_string(infallible(out, "olm_outbound_group_session_key"))
    }

    /// The index of the next message to be encrypted.
    pub fn message_index(&self) -> u32 {
        // SAFETY: live session.
        unsafe { ffi::olm_outbound_group_session_message_index(self.h.ptr()) }
    }

    /// Pickles the session with `key` (may be empty).
    pub fn pickle(&self, key: &[u8]) -> String {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_pickle_outbound_group_session_length(self.h.ptr()) };
        self.h.pickle(key, len, ffi::olm_pickle_outbound_group_session)
    }

    /// Restores a session pickled with `key`.
    pub fn unpickle(pickle: &str, key: &[u8]) -> Result<Self, OlmError> {
        Handle::unpickle(pickle, key, ffi::olm_unpickle_outbound_group_session).map(|h| Self { h })
    }
}

/// A libolm `OlmInboundGroupSession` (the receiving side of Megolm).
pub struct InboundGroupSession {
    h: Handle<OlmInboundGroupSession>,
}

impl fmt::Debug for InboundGroupSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboundGroupSession")
            .field("session_id", &self.session_id())
            .field("first_known_index", &self.first_known_index())
            .finish_non_exhaustive()
    }
}

impl InboundGroupSession {
    /// Creates a session from a signed session key (base64, from
    /// [`OutboundGroupSession::session_key`]); `olm_init_inbound_group_session`.
    pub fn new(session_key: &str) -> Result<Self, OlmError> {
        let h = Handle::<OlmInboundGroupSession>::new();
        let mut key = session_key.as_bytes().to_vec();
        // SAFETY: live session; `key` is a private, writable copy (libolm may
        // decode it in place).
        let ret = unsafe {
            ffi::olm_init_inbound_group_session(h.ptr(), key.as_mut_ptr().cast_const(), key.len())
        };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// Creates a session from an exported, unsigned session key (base64, from
    /// [`InboundGroupSession::export_at`]); `olm_import_inbound_group_session`.
    pub fn import(exported_key: &str) -> Result<Self, OlmError> {
        let h = Handle::<OlmInboundGroupSession>::new();
        let mut key = exported_key.as_bytes().to_vec();
        // SAFETY: live session; `key` is a private, writable copy (libolm
        // decodes it in place).
        let ret = unsafe {
            ffi::olm_import_inbound_group_session(h.ptr(), key.as_mut_ptr().cast_const(), key.len())
        };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// Decrypts a base64 Megolm message; returns `(plaintext, message index)`.
    pub fn decrypt(&mut self, message: &str) -> Result<(Vec<u8>, u32), OlmError> {
        let mut scratch = message.as_bytes().to_vec();
        // SAFETY: live session; `scratch` is a writable copy (destroyed).
        let max_len = unsafe {
            ffi::olm_group_decrypt_max_plaintext_length(
                self.h.ptr(),
                scratch.as_mut_ptr(),
                scratch.len(),
            )
        };
        let max_len = self.h.check(max_len)?;
        let mut scratch = message.as_bytes().to_vec();
        let mut index = 0u32;
        let plaintext = self.h.output(max_len, |session, buf, buf_len| {
            // SAFETY: live session; `scratch` is a writable copy (destroyed),
            // `buf` is writable for `buf_len` bytes and `index` is a valid `u32`.
            unsafe {
                ffi::olm_group_decrypt(
                    session,
                    scratch.as_mut_ptr(),
                    scratch.len(),
                    buf.cast(),
                    buf_len,
                    &mut index,
                )
            }
        })?;
        Ok((plaintext, index))
    }

    /// The first message index this session can decrypt.
    pub fn first_known_index(&self) -> u32 {
        // SAFETY: live session.
        unsafe { ffi::olm_inbound_group_session_first_known_index(self.h.ptr()) }
    }

    /// Exports the session key at `index` (base64, unsigned format);
    /// `UNKNOWN_MESSAGE_INDEX` if `index` is before the first known index.
    pub fn export_at(&self, index: u32) -> Result<String, OlmError> {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_export_inbound_group_session_length(self.h.ptr()) };
        let out = self.h.output(len, |session, buf, buf_len| {
            // SAFETY: live session; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_export_inbound_group_session(session, buf.cast(), buf_len, index) }
        })?;
        Ok(to_string(out))
    }

    /// Whether the session key's signature has been verified (true when
    /// created with [`InboundGroupSession::new`], or after a successful decrypt).
    pub fn is_verified(&self) -> bool {
        // SAFETY: live session.
        unsafe { ffi::olm_inbound_group_session_is_verified(self.h.ptr()) != 0 }
    }

    /// The session id (base64 Ed25519 public key).
    pub fn session_id(&self) -> String {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_inbound_group_session_id_length(self.h.ptr()) };
        let out = self.h.output(len, |session, buf, buf_len| {
            // SAFETY: live session; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_inbound_group_session_id(session, buf.cast(), buf_len) }
        });
        to_string(infallible(out, "olm_inbound_group_session_id"))
    }

    /// Pickles the session with `key` (may be empty).
    pub fn pickle(&self, key: &[u8]) -> String {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_pickle_inbound_group_session_length(self.h.ptr()) };
        self.h.pickle(key, len, ffi::olm_pickle_inbound_group_session)
    }

    /// Restores a session pickled with `key`.
    pub fn unpickle(pickle: &str, key: &[u8]) -> Result<Self, OlmError> {
        Handle::unpickle(pickle, key, ffi::olm_unpickle_inbound_group_session).map(|h| Self { h })
    }
}
