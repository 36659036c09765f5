//! Raw `extern "C"` declarations for the parts of libolm 3.2.13 that this crate
//! wraps, written from Debian's `/usr/include/olm/*.h`.
//!
//! `size_t` is `usize`, `uint32_t` is `u32`, `int` is `c_int`. Every libolm
//! function that can fail returns `olm_error()` (`(size_t)-1`) on failure.

use std::ffi::{c_char, c_int, c_void};
use std::marker::{PhantomData, PhantomPinned};

macro_rules! opaque {
    ($($name:ident),* $(,)?) => {$(
        /// Opaque libolm object; only ever used behind a pointer.
        #[repr(C)]
        pub(crate) struct $name {
            _data: [u8; 0],
            _marker: PhantomData<(*mut u8, PhantomPinned)>,
        }
    )*};
}

opaque!(
    OlmAccount,
    OlmSession,
    OlmUtility,
    OlmOutboundGroupSession,
    OlmInboundGroupSession,
    OlmSAS,
    OlmPkEncryption,
    OlmPkDecryption,
    OlmPkSigning,
);

extern "C" {
    // olm.h: library
    pub(crate) fn olm_get_library_version(major: *mut u8, minor: *mut u8, patch: *mut u8);
    pub(crate) fn olm_error() -> usize;

    // olm.h: object management
    pub(crate) fn olm_account_size() -> usize;
    pub(crate) fn olm_session_size() -> usize;
    pub(crate) fn olm_utility_size() -> usize;
    pub(crate) fn olm_account(memory: *mut c_void) -> *mut OlmAccount;
    pub(crate) fn olm_session(memory: *mut c_void) -> *mut OlmSession;
    pub(crate) fn olm_utility(memory: *mut c_void) -> *mut OlmUtility;
    pub(crate) fn olm_account_last_error(account: *const OlmAccount) -> *const c_char;
    pub(crate) fn olm_session_last_error(session: *const OlmSession) -> *const c_char;
    pub(crate) fn olm_utility_last_error(utility: *const OlmUtility) -> *const c_char;
    pub(crate) fn olm_clear_account(account: *mut OlmAccount) -> usize;
    pub(crate) fn olm_clear_session(session: *mut OlmSession) -> usize;
    pub(crate) fn olm_clear_utility(utility: *mut OlmUtility) -> usize;

    // olm.h: pickling
    pub(crate) fn olm_pickle_account_length(account: *const OlmAccount) -> usize;
    pub(crate) fn olm_pickle_session_length(session: *const OlmSession) -> usize;
    pub(crate) fn olm_pickle_account(
        account: *mut OlmAccount,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;
    pub(crate) fn olm_pickle_session(
        session: *mut OlmSession,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;
    pub(crate) fn olm_unpickle_account(
        account: *mut OlmAccount,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;
    pub(crate) fn olm_unpickle_session(
        session: *mut OlmSession,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;

    // olm.h: accounts
    pub(crate) fn olm_create_account_random_length(account: *const OlmAccount) -> usize;
    pub(crate) fn olm_create_account(
        account: *mut OlmAccount,
        random: *mut c_void,
        random_length: usize,
    ) -> usize;
    pub(crate) fn olm_account_identity_keys_length(account: *const OlmAccount) -> usize;
    pub(crate) fn olm_account_identity_keys(
        account: *mut OlmAccount,
        identity_keys: *mut c_void,
        identity_key_length: usize,
    ) -> usize;
    pub(crate) fn olm_account_signature_length(account: *const OlmAccount) -> usize;
    pub(crate) fn olm_account_sign(
        account: *mut OlmAccount,
        message: *const c_void,
        message_length: usize,
        signature: *mut c_void,
        signature_length: usize,
    ) -> usize;
    pub(crate) fn olm_account_one_time_keys_length(account: *const OlmAccount) -> usize;
    pub(crate) fn olm_account_one_time_keys(
        account: *mut OlmAccount,
        one_time_keys: *mut c_void,
        one_time_keys_length: usize,
    ) -> usize;
    pub(crate) fn olm_account_mark_keys_as_published(account: *mut OlmAccount) -> usize;
    pub(crate) fn olm_account_max_number_of_one_time_keys(account: *const OlmAccount) -> usize;
    pub(crate) fn olm_account_generate_one_time_keys_random_length(
        account: *const OlmAccount,
        number_of_keys: usize,
    ) -> usize;
    pub(crate) fn olm_account_generate_one_time_keys(
        account: *mut OlmAccount,
        number_of_keys: usize,
        random: *mut c_void,
        random_length: usize,
    ) -> usize;
    pub(crate) fn olm_account_generate_fallback_key_random_length(
        account: *const OlmAccount,
    ) -> usize;
    pub(crate) fn olm_account_generate_fallback_key(
        account: *mut OlmAccount,
        random: *mut c_void,
        random_length: usize,
    ) -> usize;
    pub(crate) fn olm_account_fallback_key_length(account: *const OlmAccount) -> usize;
    pub(crate) fn olm_account_fallback_key(
        account: *mut OlmAccount,
        fallback_key: *mut c_void,
        fallback_key_size: usize,
    ) -> usize;
    pub(crate) fn olm_account_unpublished_fallback_key_length(account: *const OlmAccount) -> usize;
    pub(crate) fn olm_account_unpublished_fallback_key(
        account: *mut OlmAccount,
        fallback_key: *mut c_void,
        fallback_key_size: usize,
    ) -> usize;
    pub(crate) fn olm_account_forget_old_fallback_key(account: *mut OlmAccount);

    // olm.h: sessions
    pub(crate) fn olm_create_outbound_session_random_length(session: *const OlmSession) -> usize;
    pub(crate) fn olm_create_outbound_session(
        session: *mut OlmSession,
        account: *const OlmAccount,
        their_identity_key: *const c_void,
        their_identity_key_length: usize,
        their_one_time_key: *const c_void,
        their_one_time_key_length: usize,
        random: *mut c_void,
        random_length: usize,
    ) -> usize;
    pub(crate) fn olm_create_inbound_session(
        session: *mut OlmSession,
        account: *mut OlmAccount,
        one_time_key_message: *mut c_void,
        message_length: usize,
    ) -> usize;
    pub(crate) fn olm_create_inbound_session_from(
        session: *mut OlmSession,
        account: *mut OlmAccount,
        their_identity_key: *const c_void,
        their_identity_key_length: usize,
        one_time_key_message: *mut c_void,
        message_length: usize,
    ) -> usize;
    pub(crate) fn olm_session_id_length(session: *const OlmSession) -> usize;
    pub(crate) fn olm_session_id(
        session: *mut OlmSession,
        id: *mut c_void,
        id_length: usize,
    ) -> usize;
    pub(crate) fn olm_session_has_received_message(session: *const OlmSession) -> c_int;
    pub(crate) fn olm_session_describe(session: *mut OlmSession, buf: *mut c_char, buflen: usize);
    pub(crate) fn olm_matches_inbound_session(
        session: *mut OlmSession,
        one_time_key_message: *mut c_void,
        message_length: usize,
    ) -> usize;
    pub(crate) fn olm_matches_inbound_session_from(
        session: *mut OlmSession,
        their_identity_key: *const c_void,
        their_identity_key_length: usize,
        one_time_key_message: *mut c_void,
        message_length: usize,
    ) -> usize;
    pub(crate) fn olm_remove_one_time_keys(
        account: *mut OlmAccount,
        session: *mut OlmSession,
    ) -> usize;
    pub(crate) fn olm_encrypt_message_type(session: *const OlmSession) -> usize;
    pub(crate) fn olm_encrypt_random_length(session: *const OlmSession) -> usize;
    pub(crate) fn olm_encrypt_message_length(
        session: *const OlmSession,
        plaintext_length: usize,
    ) -> usize;
    pub(crate) fn olm_encrypt(
        session: *mut OlmSession,
        plaintext: *const c_void,
        plaintext_length: usize,
        random: *mut c_void,
        random_length: usize,
        message: *mut c_void,
        message_length: usize,
    ) -> usize;
    pub(crate) fn olm_decrypt_max_plaintext_length(
        session: *mut OlmSession,
        message_type: usize,
        message: *mut c_void,
        message_length: usize,
    ) -> usize;
    pub(crate) fn olm_decrypt(
        session: *mut OlmSession,
        message_type: usize,
        message: *mut c_void,
        message_length: usize,
        plaintext: *mut c_void,
        max_plaintext_length: usize,
    ) -> usize;

    // olm.h: utility
    pub(crate) fn olm_sha256_length(utility: *const OlmUtility) -> usize;
    pub(crate) fn olm_sha256(
        utility: *mut OlmUtility,
        input: *const c_void,
        input_length: usize,
        output: *mut c_void,
        output_length: usize,
    ) -> usize;
    pub(crate) fn olm_ed25519_verify(
        utility: *mut OlmUtility,
        key: *const c_void,
        key_length: usize,
        message: *const c_void,
        message_length: usize,
        signature: *mut c_void,
        signature_length: usize,
    ) -> usize;

    // outbound_group_session.h
    pub(crate) fn olm_outbound_group_session_size() -> usize;
    pub(crate) fn olm_outbound_group_session(memory: *mut c_void) -> *mut OlmOutboundGroupSession;
    pub(crate) fn olm_outbound_group_session_last_error(
        session: *const OlmOutboundGroupSession,
    ) -> *const c_char;
    pub(crate) fn olm_clear_outbound_group_session(session: *mut OlmOutboundGroupSession) -> usize;
    pub(crate) fn olm_pickle_outbound_group_session_length(
        session: *const OlmOutboundGroupSession,
    ) -> usize;
    pub(crate) fn olm_pickle_outbound_group_session(
        session: *mut OlmOutboundGroupSession,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;
    pub(crate) fn olm_unpickle_outbound_group_session(
        session: *mut OlmOutboundGroupSession,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;
    pub(crate) fn olm_init_outbound_group_session_random_length(
        session: *const OlmOutboundGroupSession,
    ) -> usize;
    pub(crate) fn olm_init_outbound_group_session(
        session: *mut OlmOutboundGroupSession,
        random: *mut u8,
        random_length: usize,
    ) -> usize;
    pub(crate) fn olm_group_encrypt_message_length(
        session: *mut OlmOutboundGroupSession,
        plaintext_length: usize,
    ) -> usize;
    pub(crate) fn olm_group_encrypt(
        session: *mut OlmOutboundGroupSession,
        plaintext: *const u8,
        plaintext_length: usize,
        message: *mut u8,
        message_length: usize,
    ) -> usize;
    pub(crate) fn olm_outbound_group_session_id_length(
        session: *const OlmOutboundGroupSession,
    ) -> usize;
    pub(crate) fn olm_outbound_group_session_id(
        session: *mut OlmOutboundGroupSession,
        id: *mut u8,
        id_length: usize,
    ) -> usize;
    pub(crate) fn olm_outbound_group_session_message_index(
        session: *mut OlmOutboundGroupSession,
    ) -> u32;
    pub(crate) fn olm_outbound_group_session_key_length(
        session: *const OlmOutboundGroupSession,
    ) -> usize;
    pub(crate) fn olm_outbound_group_session_key(
        session: *mut OlmOutboundGroupSession,
        key: *mut u8,
        key_length: usize,
    ) -> usize;

    // inbound_group_session.h
    pub(crate) fn olm_inbound_group_session_size() -> usize;
    pub(crate) fn olm_inbound_group_session(memory: *mut c_void) -> *mut OlmInboundGroupSession;
    pub(crate) fn olm_inbound_group_session_last_error(
        session: *const OlmInboundGroupSession,
    ) -> *const c_char;
    pub(crate) fn olm_clear_inbound_group_session(session: *mut OlmInboundGroupSession) -> usize;
    pub(crate) fn olm_pickle_inbound_group_session_length(
        session: *const OlmInboundGroupSession,
    ) -> usize;
    pub(crate) fn olm_pickle_inbound_group_session(
        session: *mut OlmInboundGroupSession,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;
    pub(crate) fn olm_unpickle_inbound_group_session(
        session: *mut OlmInboundGroupSession,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;
    pub(crate) fn olm_init_inbound_group_session(
        session: *mut OlmInboundGroupSession,
        session_key: *const u8,
        session_key_length: usize,
    ) -> usize;
    pub(crate) fn olm_import_inbound_group_session(
        session: *mut OlmInboundGroupSession,
        session_key: *const u8,
        session_key_length: usize,
    ) -> usize;
    pub(crate) fn olm_group_decrypt_max_plaintext_length(
        session: *mut OlmInboundGroupSession,
        message: *mut u8,
        message_length: usize,
    ) -> usize;
    pub(crate) fn olm_group_decrypt(
        session: *mut OlmInboundGroupSession,
        message: *mut u8,
        message_length: usize,
        plaintext: *mut u8,
        max_plaintext_length: usize,
        message_index: *mut u32,
    ) -> usize;
    pub(crate) fn olm_inbound_group_session_id_length(
        session: *const OlmInboundGroupSession,
    ) -> usize;
    pub(crate) fn olm_inbound_group_session_id(
        session: *mut OlmInboundGroupSession,
        id: *mut u8,
        id_length: usize,
    ) -> usize;
    pub(crate) fn olm_inbound_group_session_first_known_index(
        session: *const OlmInboundGroupSession,
    ) -> u32;
    pub(crate) fn olm_inbound_group_session_is_verified(
        session: *const OlmInboundGroupSession,
    ) -> c_int;
    pub(crate) fn olm_export_inbound_group_session_length(
        session: *const OlmInboundGroupSession,
    ) -> usize;
    pub(crate) fn olm_export_inbound_group_session(
        session: *mut OlmInboundGroupSession,
        key: *mut u8,
        key_length: usize,
        message_index: u32,
    ) -> usize;

    // sas.h
    pub(crate) fn olm_sas_last_error(sas: *const OlmSAS) -> *const c_char;
    pub(crate) fn olm_sas_size() -> usize;
    pub(crate) fn olm_sas(memory: *mut c_void) -> *mut OlmSAS;
    pub(crate) fn olm_clear_sas(sas: *mut OlmSAS) -> usize;
    pub(crate) fn olm_create_sas_random_length(sas: *const OlmSAS) -> usize;
    pub(crate) fn olm_create_sas(
        sas: *mut OlmSAS,
        random: *mut c_void,
        random_length: usize,
    ) -> usize;
    pub(crate) fn olm_sas_pubkey_length(sas: *const OlmSAS) -> usize;
    pub(crate) fn olm_sas_get_pubkey(
        sas: *mut OlmSAS,
        pubkey: *mut c_void,
        pubkey_length: usize,
    ) -> usize;
    pub(crate) fn olm_sas_set_their_key(
        sas: *mut OlmSAS,
        their_key: *mut c_void,
        their_key_length: usize,
    ) -> usize;
    pub(crate) fn olm_sas_is_their_key_set(sas: *const OlmSAS) -> c_int;
    pub(crate) fn olm_sas_generate_bytes(
        sas: *mut OlmSAS,
        info: *const c_void,
        info_length: usize,
        output: *mut c_void,
        output_length: usize,
    ) -> usize;
    pub(crate) fn olm_sas_mac_length(sas: *const OlmSAS) -> usize;
    pub(crate) fn olm_sas_calculate_mac(
        sas: *mut OlmSAS,
        input: *const c_void,
        input_length: usize,
        info: *const c_void,
        info_length: usize,
        mac: *mut c_void,
        mac_length: usize,
    ) -> usize;
    pub(crate) fn olm_sas_calculate_mac_fixed_base64(
        sas: *mut OlmSAS,
        input: *const c_void,
        input_length: usize,
        info: *const c_void,
        info_length: usize,
        mac: *mut c_void,
        mac_length: usize,
    ) -> usize;
    pub(crate) fn olm_sas_calculate_mac_long_kdf(
        sas: *mut OlmSAS,
        input: *const c_void,
        input_length: usize,
        info: *const c_void,
        info_length: usize,
        mac: *mut c_void,
        mac_length: usize,
    ) -> usize;

    // pk.h: encryption
    pub(crate) fn olm_pk_encryption_size() -> usize;
    pub(crate) fn olm_pk_encryption(memory: *mut c_void) -> *mut OlmPkEncryption;
    pub(crate) fn olm_pk_encryption_last_error(encryption: *const OlmPkEncryption)
        -> *const c_char;
    pub(crate) fn olm_clear_pk_encryption(encryption: *mut OlmPkEncryption) -> usize;
    pub(crate) fn olm_pk_encryption_set_recipient_key(
        encryption: *mut OlmPkEncryption,
        public_key: *const c_void,
        public_key_length: usize,
    ) -> usize;
    pub(crate) fn olm_pk_ciphertext_length(
        encryption: *const OlmPkEncryption,
        plaintext_length: usize,
    ) -> usize;
    pub(crate) fn olm_pk_mac_length(encryption: *const OlmPkEncryption) -> usize;
    pub(crate) fn olm_pk_key_length() -> usize;
    pub(crate) fn olm_pk_encrypt_random_length(encryption: *const OlmPkEncryption) -> usize;
    pub(crate) fn olm_pk_encrypt(
        encryption: *mut OlmPkEncryption,
        plaintext: *const c_void,
        plaintext_length: usize,
        ciphertext: *mut c_void,
        ciphertext_length: usize,
        mac: *mut c_void,
        mac_length: usize,
        ephemeral_key: *mut c_void,
        ephemeral_key_size: usize,
        random: *const c_void,
        random_length: usize,
    ) -> usize;

    // pk.h: decryption
    pub(crate) fn olm_pk_decryption_size() -> usize;
    pub(crate) fn olm_pk_decryption(memory: *mut c_void) -> *mut OlmPkDecryption;
    pub(crate) fn olm_pk_decryption_last_error(decryption: *const OlmPkDecryption)
        -> *const c_char;
    pub(crate) fn olm_clear_pk_decryption(decryption: *mut OlmPkDecryption) -> usize;
    pub(crate) fn olm_pk_private_key_length() -> usize;
    pub(crate) fn olm_pk_key_from_private(
        decryption: *mut OlmPkDecryption,
        pubkey: *mut c_void,
        pubkey_length: usize,
        privkey: *const c_void,
        privkey_length: usize,
    ) -> usize;
    pub(crate) fn olm_pickle_pk_decryption_length(decryption: *const OlmPkDecryption) -> usize;
    pub(crate) fn olm_pickle_pk_decryption(
        decryption: *mut OlmPkDecryption,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
    ) -> usize;
    pub(crate) fn olm_unpickle_pk_decryption(
        decryption: *mut OlmPkDecryption,
        key: *const c_void,
        key_length: usize,
        pickled: *mut c_void,
        pickled_length: usize,
        pubkey: *mut c_void,
        pubkey_length: usize,
    ) -> usize;
    pub(crate) fn olm_pk_max_plaintext_length(
        decryption: *const OlmPkDecryption,
        ciphertext_length: usize,
    ) -> usize;
    pub(crate) fn olm_pk_decrypt(
        decryption: *mut OlmPkDecryption,
        ephemeral_key: *const c_void,
        ephemeral_key_length: usize,
        mac: *const c_void,
        mac_length: usize,
        ciphertext: *mut c_void,
        ciphertext_length: usize,
        plaintext: *mut c_void,
        max_plaintext_length: usize,
    ) -> usize;
    pub(crate) fn olm_pk_get_private_key(
        decryption: *mut OlmPkDecryption,
        private_key: *mut c_void,
        private_key_length: usize,
    ) -> usize;

    // pk.h: signing
    pub(crate) fn olm_pk_signing_size() -> usize;
    pub(crate) fn olm_pk_signing(memory: *mut c_void) -> *mut OlmPkSigning;
    pub(crate) fn olm_pk_signing_last_error(sign: *const OlmPkSigning) -> *const c_char;
    pub(crate) fn olm_clear_pk_signing(sign: *mut OlmPkSigning) -> usize;
    pub(crate) fn olm_pk_signing_key_from_seed(
        sign: *mut OlmPkSigning,
        pubkey: *mut c_void,
        pubkey_length: usize,
        seed: *const c_void,
        seed_length: usize,
    ) -> usize;
    pub(crate) fn olm_pk_signing_seed_length() -> usize;
    pub(crate) fn olm_pk_signing_public_key_length() -> usize;
    pub(crate) fn olm_pk_signature_length() -> usize;
    pub(crate) fn olm_pk_sign(
        sign: *mut OlmPkSigning,
        message: *const u8,
        message_length: usize,
        signature: *mut u8,
        signature_length: usize,
    ) -> usize;
}
