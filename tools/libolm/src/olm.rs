//! Olm: accounts, 1:1 sessions and the utility object.

use std::fmt;

use crate::ffi::{self, OlmAccount, OlmSession, OlmUtility};
use crate::{impl_object, infallible, os_random, random_scratch, to_string, Handle, OlmError};

impl_object!(OlmAccount, olm_account_size, olm_account, olm_clear_account, olm_account_last_error);
impl_object!(OlmSession, olm_session_size, olm_session, olm_clear_session, olm_session_last_error);
impl_object!(OlmUtility, olm_utility_size, olm_utility, olm_clear_utility, olm_utility_last_error);

/// A libolm `OlmAccount`: identity keys, one-time keys and fallback keys.
pub struct Account {
    h: Handle<OlmAccount>,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("identity_keys", &self.identity_keys())
            .finish_non_exhaustive()
    }
}

impl Default for Account {
    fn default() -> Self {
        Self::new()
    }
}

impl Account {
    /// Creates an account from OS randomness.
    pub fn new() -> Self {
        infallible(
            Self::new_with_random(&os_random(Self::new_random_length())),
            "olm_create_account",
        )
    }

    /// The number of random bytes [`Account::new_with_random`] needs (64).
    pub fn new_random_length() -> usize {
        let h = Handle::<OlmAccount>::new();
        // SAFETY: `h.ptr()` is a live account.
        unsafe { ffi::olm_create_account_random_length(h.ptr()) }
    }

    /// Creates an account from the given 64 random bytes (the Ed25519 seed,
    /// then the Curve25519 private key).
    pub fn new_with_random(random: &[u8]) -> Result<Self, OlmError> {
        let h = Handle::<OlmAccount>::new();
        // SAFETY: `h.ptr()` is a live account.
        let expected = unsafe { ffi::olm_create_account_random_length(h.ptr()) };
        let mut scratch = random_scratch(random, expected)?;
        // SAFETY: live account; `scratch` is writable for its length.
        let ret =
            unsafe { ffi::olm_create_account(h.ptr(), scratch.as_mut_ptr().cast(), scratch.len()) };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// The public identity keys as JSON: `{"curve25519":"…","ed25519":"…"}`.
    pub fn identity_keys(&self) -> String {
        // SAFETY: live account.
        let len = unsafe { ffi::olm_account_identity_keys_length(self.h.ptr()) };
        let out = self.h.output(len, |account, buf, buf_len| {
            // SAFETY: live account; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_account_identity_keys(account, buf, buf_len) }
        });
        to_string(infallible(out, "olm_account_identity_keys"))
    }

    /// The unpublished one-time keys as JSON: `{"curve25519":{"AAAAAQ":"…",…}}`.
    pub fn one_time_keys(&self) -> String {
        // SAFETY: live account.
        let len = unsafe { ffi::olm_account_one_time_keys_length(self.h.ptr()) };
        let out = self.h.output(len, |account, buf, buf_len| {
            // SAFETY: live account; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_account_one_time_keys(account, buf, buf_len) }
        });
        to_string(infallible(out, "olm_account_one_time_keys"))
    }

    /// The number of random bytes [`Account::generate_one_time_keys_with_random`]
    /// needs for `count` keys (32 per key).
    pub fn generate_one_time_keys_random_length(&self, count: usize) -> usize {
        // SAFETY: live account.
        unsafe { ffi::olm_account_generate_one_time_keys_random_length(self.h.ptr(), count) }
    }

    /// Generates `count` one-time keys from OS randomness.
    pub fn generate_one_time_keys(&mut self, count: usize) {
        let random = os_random(self.generate_one_time_keys_random_length(count));
        infallible(
            self.generate_one_time_keys_with_random(count, &random),
            "olm_account_generate_one_time_keys",
        );
    }

    /// Generates `count` one-time keys from the given random bytes (32 per key).
    pub fn generate_one_time_keys_with_random(
        &mut self,
        count: usize,
        random: &[u8],
    ) -> Result<(), OlmError> {
        let mut scratch = random_scratch(random, self.generate_one_time_keys_random_length(count))?;
        // SAFETY: live account; `scratch` is writable for its length.
        let ret = unsafe {
            ffi::olm_account_generate_one_time_keys(
                self.h.ptr(),
                count,
                scratch.as_mut_ptr().cast(),
                scratch.len(),
            )
        };
        self.h.check(ret).map(drop)
    }

    /// The number of random bytes [`Account::generate_fallback_key_with_random`] needs (32).
    pub fn generate_fallback_key_random_length(&self) -> usize {
        // SAFETY: live account.
        unsafe { ffi::olm_account_generate_fallback_key_random_length(self.h.ptr()) }
    }

    /// Generates a new fallback key from OS randomness.
    pub fn generate_fallback_key(&mut self) {
        let random = os_random(self.generate_fallback_key_random_length());
        infallible(
            self.generate_fallback_key_with_random(&random),
            "olm_account_generate_fallback_key",
        );
    }

    /// Generates a new fallback key from the given 32 random bytes.
    pub fn generate_fallback_key_with_random(&mut self, random: &[u8]) -> Result<(), OlmError> {
        let mut scratch = random_scratch(random, self.generate_fallback_key_random_length())?;
        // SAFETY: live account; `scratch` is writable for its length.
        let ret = unsafe {
            ffi::olm_account_generate_fallback_key(
                self.h.ptr(),
                scratch.as_mut_ptr().cast(),
                scratch.len(),
            )
        };
        self.h.check(ret).map(drop)
    }

    /// The current fallback key as JSON (deprecated `olm_account_fallback_key`:
    /// returned whether or not it has been published).
    pub fn fallback_key(&self) -> String {
        // SAFETY: live account.
        let len = unsafe { ffi::olm_account_fallback_key_length(self.h.ptr()) };
        let out = self.h.output(len, |account, buf, buf_len| {
            // SAFETY: live account; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_account_fallback_key(account, buf, buf_len) }
        });
        to_string(infallible(out, "olm_account_fallback_key"))
    }

    /// The fallback key as JSON if it has not been published yet, else `{"curve25519":{}}`.
    pub fn unpublished_fallback_key(&self) -> String {
        // SAFETY: live account.
        let len = unsafe { ffi::olm_account_unpublished_fallback_key_length(self.h.ptr()) };
        let out = self.h.output(len, |account, buf, buf_len| {
            // SAFETY: live account; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_account_unpublished_fallback_key(account, buf, buf_len) }
        });
        to_string(infallible(out, "olm_account_unpublished_fallback_key"))
    }

    /// Forgets the previous fallback key.
    pub fn forget_old_fallback_key(&mut self) {
        // SAFETY: live account.
        unsafe { ffi::olm_account_forget_old_fallback_key(self.h.ptr()) }
    }

    /// Marks the one-time keys and the fallback key as published; returns the
    /// number of one-time keys marked.
    pub fn mark_keys_as_published(&mut self) -> usize {
        // SAFETY: live account.
        unsafe { ffi::olm_account_mark_keys_as_published(self.h.ptr()) }
    }

    /// The largest number of one-time keys the account stores (100).
    pub fn max_number_of_one_time_keys(&self) -> usize {
        // SAFETY: live account.
        unsafe { ffi::olm_account_max_number_of_one_time_keys(self.h.ptr()) }
    }

    /// Signs `message` with the account's Ed25519 key; base64 signature.
    pub fn sign(&self, message: &[u8]) -> String {
        // SAFETY: live account.
        let len = unsafe { ffi::olm_account_signature_length(self.h.ptr()) };
        let out = self.h.output(len, |account, buf, buf_len| {
            // SAFETY: live account; `message` is readable and `buf` writable for their lengths.
            unsafe {
                ffi::olm_account_sign(account, message.as_ptr().cast(), message.len(), buf, buf_len)
            }
        });
        to_string(infallible(out, "olm_account_sign"))
    }

    /// Removes the one-time key used by `session` (`BAD_MESSAGE_KEY_ID` if absent).
    pub fn remove_one_time_keys(&mut self, session: &Session) -> Result<(), OlmError> {
        // SAFETY: live account and live session.
        let ret = unsafe { ffi::olm_remove_one_time_keys(self.h.ptr(), session.h.ptr()) };
        self.h.check(ret).map(drop)
    }

    /// Pickles the account with `key` (may be empty).
    pub fn pickle(&self, key: &[u8]) -> String {
        // SAFETY: live account.
        let len = unsafe { ffi::olm_pickle_account_length(self.h.ptr()) };
        self.h.pickle(key, len, ffi::olm_pickle_account)
    }

    /// Restores an account pickled with `key`.
    pub fn unpickle(pickle: &str, key: &[u8]) -> Result<Self, OlmError> {
        Handle::unpickle(pickle, key, ffi::olm_unpickle_account).map(|h| Self { h })
    }
}

/// A libolm `OlmSession`: one side of a 1:1 Olm double-ratchet session.
pub struct Session {
    h: Handle<OlmSession>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").field("session_id", &self.session_id()).finish_non_exhaustive()
    }
}

impl Session {
    /// The number of random bytes [`Session::create_outbound_with_random`] needs (64).
    pub fn create_outbound_random_length() -> usize {
        let h = Handle::<OlmSession>::new();
        // SAFETY: live session.
        unsafe { ffi::olm_create_outbound_session_random_length(h.ptr()) }
    }

    /// Creates an outbound session to the given Curve25519 identity and
    /// one-time keys (base64) from OS randomness.
    pub fn create_outbound(
        account: &Account,
        their_identity_key: &str,
        their_one_time_key: &str,
    ) -> Result<Self, OlmError> {
        let random = os_random(Self::create_outbound_random_length());
        Self::create_outbound_with_random(account, their_identity_key, their_one_time_key, &random)
    }

    /// Creates an outbound session from the given 64 random bytes (the base
    /// key, then the first ratchet key).
    pub fn create_outbound_with_random(
        account: &Account,
        their_identity_key: &str,
        their_one_time_key: &str,
        random: &[u8],
    ) -> Result<Self, OlmError> {
        let h = Handle::<OlmSession>::new();
        // SAFETY: live session.
        let expected = unsafe { ffi::olm_create_outbound_session_random_length(h.ptr()) };
        let mut scratch = random_scratch(random, expected)?;
        // SAFETY: live session and account; the keys are readable and `scratch`
        // writable for their lengths.
        let ret = unsafe {
            ffi::olm_create_outbound_session(
                h.ptr(),
                account.h.ptr(),
                their_identity_key.as_ptr().cast(),
                their_identity_key.len(),
                their_one_time_key.as_ptr().cast(),
                their_one_time_key.len(),
                scratch.as_mut_ptr().cast(),
                scratch.len(),
            )
        };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// Creates an inbound session from a pre-key message (type 0, base64).
    /// Does not remove the one-time key; see [`Account::remove_one_time_keys`].
    pub fn create_inbound(account: &mut Account, prekey_message: &str) -> Result<Self, OlmError> {
        let h = Handle::<OlmSession>::new();
        let mut message = prekey_message.as_bytes().to_vec();
        // SAFETY: live session and account; `message` is a writable copy.
        let ret = unsafe {
            ffi::olm_create_inbound_session(
                h.ptr(),
                account.h.ptr(),
                message.as_mut_ptr().cast(),
                message.len(),
            )
        };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// Like [`Session::create_inbound`], also checking the sender's Curve25519
    /// identity key (base64).
    pub fn create_inbound_from(
        account: &mut Account,
        their_identity_key: &str,
        prekey_message: &str,
    ) -> Result<Self, OlmError> {
        let h = Handle::<OlmSession>::new();
        let mut message = prekey_message.as_bytes().to_vec();
        // SAFETY: live session and account; the key is readable and `message`
        // a writable copy.
        let ret = unsafe {
            ffi::olm_create_inbound_session_from(
                h.ptr(),
                account.h.ptr(),
                their_identity_key.as_ptr().cast(),
                their_identity_key.len(),
                message.as_mut_ptr().cast(),
                message.len(),
            )
        };
        h.check(ret)?;
        Ok(Self { h })
    }

    /// Whether a pre-key message (base64) belongs to this inbound session.
    pub fn matches_inbound(&self, prekey_message: &str) -> Result<bool, OlmError> {
        let mut message = prekey_message.as_bytes().to_vec();
        // SAFETY: live session; `message` is a writable copy.
        let ret = unsafe {
            ffi::olm_matches_inbound_session(
                self.h.ptr(),
                message.as_mut_ptr().cast(),
                message.len(),
            )
        };
        self.h.check(ret).map(|matches| matches == 1)
    }

    /// Like [`Session::matches_inbound`], also checking the sender's identity key.
    pub fn matches_inbound_from(
        &self,
        their_identity_key: &str,
        prekey_message: &str,
    ) -> Result<bool, OlmError> {
        let mut message = prekey_message.as_bytes().to_vec();
        // SAFETY: live session; the key is readable and `message` a writable copy.
        let ret = unsafe {
            ffi::olm_matches_inbound_session_from(
                self.h.ptr(),
                their_identity_key.as_ptr().cast(),
                their_identity_key.len(),
                message.as_mut_ptr().cast(),
                message.len(),
            )
        };
        self.h.check(ret).map(|matches| matches == 1)
    }

    /// The session id (base64), the same on both ends.
    pub fn session_id(&self) -> String {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_session_id_length(self.h.ptr()) };
        let out = self.h.output(len, |session, buf, buf_len| {
            // SAFETY: live session; `buf` is writable for `buf_len` bytes.
            unsafe { ffi::olm_session_id(session, buf, buf_len) }
        });
        to_string(infallible(out, "olm_session_id"))
    }

    /// Whether this session has decrypted a message from the other side.
    pub fn has_received_message(&self) -> bool {
        // SAFETY: live session.
        unsafe { ffi::olm_session_has_received_message(self.h.ptr()) != 0 }
    }

    /// The type of the next encrypted message: 0 (pre-key) or 1 (normal).
    pub fn encrypt_message_type(&self) -> usize {
        // SAFETY: live session.
        unsafe { ffi::olm_encrypt_message_type(self.h.ptr()) }
    }

    /// The number of random bytes the next [`Session::encrypt_with_random`]
    /// needs: 32 when it starts a new sending chain, otherwise 0.
    pub fn encrypt_random_length(&self) -> usize {
        // SAFETY: live session.
        unsafe { ffi::olm_encrypt_random_length(self.h.ptr()) }
    }

    /// Encrypts with OS randomness; returns `(message type, base64 body)`.
    pub fn encrypt(&mut self, plaintext: &[u8]) -> Result<(usize, String), OlmError> {
        let random = os_random(self.encrypt_random_length());
        self.encrypt_with_random(plaintext, &random)
    }

    /// Encrypts with the given random bytes (exactly
    /// [`Session::encrypt_random_length`] of them, possibly none); returns
    /// `(message type, base64 body)`.
    pub fn encrypt_with_random(
        &mut self,
        plaintext: &[u8],
        random: &[u8],
    ) -> Result<(usize, String), OlmError> {
        let mut scratch = random_scratch(random, self.encrypt_random_length())?;
        let message_type = self.encrypt_message_type();
        // SAFETY: live session.
        let len = unsafe { ffi::olm_encrypt_message_length(self.h.ptr(), plaintext.len()) };
        let body = self.h.output(len, |session, buf, buf_len| {
            // SAFETY: live session; `plaintext` is readable, `scratch` and `buf`
            // are writable for their lengths.
            unsafe {
                ffi::olm_encrypt(
                    session,
                    plaintext.as_ptr().cast(),
                    plaintext.len(),
                    scratch.as_mut_ptr().cast(),
                    scratch.len(),
                    buf,
                    buf_len,
                )
            }
        })?;
        Ok((message_type, to_string(body)))
    }

    /// Decrypts a message of the given type (0 or 1) from its base64 body.
    pub fn decrypt(&mut self, message_type: usize, body: &str) -> Result<Vec<u8>, OlmError> {
        let mut message = body.as_bytes().to_vec();
        // SAFETY: live session; `message` is a writable copy (destroyed).
        let max_len = unsafe {
            ffi::olm_decrypt_max_plaintext_length(
                self.h.ptr(),
                message_type,
                message.as_mut_ptr().cast(),
                message.len(),
            )
        };
        let max_len = self.h.check(max_len)?;
        let mut message = body.as_bytes().to_vec();
        self.h.output(max_len, |session, buf, buf_len| {
            // SAFETY: live session; `message` is a writable copy (destroyed) and
            // `buf` is writable for `buf_len` bytes.
            unsafe {
                ffi::olm_decrypt(
                    session,
                    message_type,
                    message.as_mut_ptr().cast(),
                    message.len(),
                    buf,
                    buf_len,
                )
            }
        })
    }

    /// libolm's debugging description of the ratchet state
    /// (`olm_session_describe`).
    pub fn describe(&self) -> String {
        // The header promises 600 bytes always suffice; use more to be safe.
        let mut buf = vec![0u8; 1024];
        // SAFETY: live session; `buf` is writable for its length and libolm
        // NUL-terminates within it.
        unsafe { ffi::olm_session_describe(self.h.ptr(), buf.as_mut_ptr().cast(), buf.len()) };
        let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
        buf.truncate(end);
        to_string(buf)
    }

    /// Pickles the session with `key` (may be empty).
    pub fn pickle(&self, key: &[u8]) -> String {
        // SAFETY: live session.
        let len = unsafe { ffi::olm_pickle_session_length(self.h.ptr()) };
        self.h.pickle(key, len, ffi::olm_pickle_session)
    }

    /// Restores a session pickled with `key`.
    pub fn unpickle(pickle: &str, key: &[u8]) -> Result<Self, OlmError> {
        Handle::unpickle(pickle, key, ffi::olm_unpickle_session).map(|h| Self { h })
    }
}

/// A libolm `OlmUtility`: SHA-256 and Ed25519 signature verification.
pub struct Utility {
    h: Handle<OlmUtility>,
}

impl fmt::Debug for Utility {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Utility").finish_non_exhaustive()
    }
}

impl Default for Utility {
    fn default() -> Self {
        Self::new()
    }
}

impl Utility {
    /// Creates a utility object.
    pub fn new() -> Self {
        Self { h: Handle::new() }
    }

    /// Verifies an Ed25519 signature; `key` and `signature` are base64.
    /// Fails with `BAD_MESSAGE_MAC` for a wrong signature, `INVALID_BASE64`
    /// for a malformed key.
    pub fn ed25519_verify(
        &self,
        key: &str,
        message: &[u8],
        signature: &str,
    ) -> Result<(), OlmError> {
        let mut signature = signature.as_bytes().to_vec();
        // SAFETY: live utility; `key` and `message` are readable and `signature`
        // is a writable copy (libolm decodes it in place).
        let ret = unsafe {
            ffi::olm_ed25519_verify(
                self.h.ptr(),
                key.as_ptr().cast(),
                key.len(),
                message.as_ptr().cast(),
                message.len(),
                signature.as_mut_ptr().cast(),
                signature.len(),
            )
        };
        self.h.check(ret).map(drop)
    }

    /// The SHA-256 of `input`, base64.
    pub fn sha256(&self, input: &[u8]) -> String {
        // SAFETY: live utility.
        let len = unsafe { ffi::olm_sha256_length(self.h.ptr()) };
        let out = self.h.output(len, |utility, buf, buf_len| {
            // SAFETY: live utility; `input` is readable and `buf` writable for their lengths.
            unsafe { ffi::olm_sha256(utility, input.as_ptr().cast(), input.len(), buf, buf_len) }
        });
        to_string(infallible(out, "olm_sha256"))
    }
}
