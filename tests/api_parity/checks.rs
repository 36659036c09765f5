// Compile-time API parity checks: salamander vs. vodozemac 0.11.1.
//
// This file is not a module of its own. It is `include!`d inside a module that
// first does `use <crate> as sut;`, once with `sut = vodozemac` and once with
// `sut = salamander` (see `tests/api_parity.rs`). Every item below only names
// `sut::` paths (plus std / serde / zeroize), so the file compiles against
// both crates exactly when their public APIs agree.
//
// Nothing here does anything at run time. Functions that need values take them
// as parameters and are never called; the rest only create function pointers,
// closures and zero-sized generic instantiations. `check_signatures_exist()`
// references every check function so that none of them is dead code.
//
// Scope: the crate root and the `olm` and `megolm` modules of vodozemac 0.11.1,
// built with features `libolm-compat` (default) and
// `experimental-session-config`, without `low-level-api`. Items that exist only
// under `low-level-api` are deliberately absent: `hazmat`,
// `Session::{from_root_key_material, active_sending_state, next_message_key}`,
// `Account::remove_one_time_key`, `InboundGroupSession::get_cipher_at`,
// `MegolmMessage::{encrypt, add_signature}` and `PreKeyMessage::wrap`.
//
// Payload types of enum variants that wrap third-party types (base64ct, hmac,
// block-padding, matrix-pickle, chacha20poly1305, ed25519-dalek, serde_json and
// vodozemac's private `cipher::DecryptionError`) are never named: only the
// variant's name and arity are checked, so salamander may use its own types
// there. Variants holding the crate-root re-exports `Base64DecodeError` and
// `ProtoBufDecodeError` are checked against `sut::Base64DecodeError` /
// `sut::ProtoBufDecodeError`, which are `sut::` names.
//
// Enum matches have no wildcard arm: they also check that no variant was added
// and that the enum is not `#[non_exhaustive]`. Struct patterns have no `..`:
// they also check that there are no extra (e.g. private) fields.

// ---------------------------------------------------------------------------
// Generic assertion helpers
// ---------------------------------------------------------------------------

#[allow(dead_code)]
fn impls_clone<T: Clone>() {}
#[allow(dead_code)]
fn impls_copy<T: Copy>() {}
#[allow(dead_code)]
fn impls_debug<T: std::fmt::Debug>() {}
#[allow(dead_code)]
fn impls_display<T: std::fmt::Display>() {}
#[allow(dead_code)]
fn impls_partial_eq<T: PartialEq>() {}
#[allow(dead_code)]
fn impls_eq<T: Eq>() {}
#[allow(dead_code)]
fn impls_hash<T: std::hash::Hash>() {}
#[allow(dead_code)]
fn impls_partial_ord<T: PartialOrd>() {}
#[allow(dead_code)]
fn impls_ord<T: Ord>() {}
#[allow(dead_code)]
fn impls_default<T: Default>() {}
#[allow(dead_code)]
fn impls_serialize<T: serde::Serialize>() {}
#[allow(dead_code)]
fn impls_deserialize<T: serde::de::DeserializeOwned>() {}
#[allow(dead_code)]
fn impls_zeroize<T: zeroize::Zeroize>() {}
#[allow(dead_code)]
fn impls_zeroize_on_drop<T: zeroize::ZeroizeOnDrop>() {}
/// `std::error::Error + Display + Debug + Send + Sync + 'static`.
#[allow(dead_code)]
fn impls_error<
    T: std::error::Error + std::fmt::Display + std::fmt::Debug + Send + Sync + 'static,
>() {
}
/// `impl From<U> for T`.
#[allow(dead_code)]
fn impls_from<T: From<U>, U>() {}
/// `impl<'a> From<&'a U> for T`, for every lifetime.
#[allow(dead_code)]
fn impls_from_ref<T, U: ?Sized>()
where
    for<'a> T: From<&'a U>,
{
}
/// `impl AsRef<U> for T`.
#[allow(dead_code)]
fn impls_as_ref<T: AsRef<U>, U: ?Sized>() {}
/// `impl<'a> TryFrom<&'a [u8]> for T { type Error = E; }`, for every lifetime.
#[allow(dead_code)]
fn impls_try_from_slice<T, E>()
where
    for<'a> T: TryFrom<&'a [u8], Error = E>,
{
}
/// `impl<'a> TryFrom<&'a str> for T { type Error = E; }`, for every lifetime.
#[allow(dead_code)]
fn impls_try_from_str<T, E>()
where
    for<'a> T: TryFrom<&'a str, Error = E>,
{
}
/// `impl TryFrom<U> for T { type Error = E; }`.
#[allow(dead_code)]
fn impls_try_from<T: TryFrom<U, Error = E>, U, E>() {}
/// Value-based variant for types that cannot be named (`DehydratedDeviceResult`).
#[allow(dead_code)]
fn impls_debug_val<T: std::fmt::Debug>(_: &T) {}

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

/// References every check function so none of them is dead code. Calling it
/// does nothing observable: it only creates function pointers.
#[allow(unreachable_pub, dead_code)]
pub fn check_signatures_exist() {
    let _: [fn(); 6] = [
        check_signatures,
        check_trait_impls,
        check_auto_traits,
        check_variant_constructors,
        check_field_construction,
        check_consts,
    ];
    let _: fn(&sut::olm::Account, &[u8; 32]) = check_dehydrated_device_result;
    let _: fn(
        sut::olm::IdentityKeys,
        sut::olm::OneTimeKeyGenerationResult,
        sut::olm::InboundCreationResult,
        sut::olm::SessionKeys,
        sut::megolm::DecryptedMessage,
    ) = check_field_destructuring;
    let _: fn(
        &sut::KeyError,
        &sut::SignatureError,
        &sut::PickleError,
        &sut::LibolmPickleError,
        &sut::DehydratedDeviceError,
        &sut::DecodeError,
    ) = check_variants_crate_root;
    let _: fn(
        &sut::olm::SessionCreationError,
        &sut::olm::DecryptionError,
        &sut::olm::EncryptionError,
        &sut::olm::OlmMessage,
        &sut::olm::MessageType,
    ) = check_variants_olm;
    let _: fn(
        &sut::megolm::DecryptionError,
        &sut::megolm::SessionOrdering,
        &sut::megolm::SessionKeyDecodeError,
    ) = check_variants_megolm;
    let _: fn(
        sut::olm::SessionConfig,
        sut::megolm::SessionConfig,
        sut::olm::MessageType,
        sut::megolm::SessionOrdering,
    ) -> u8 = check_structural_match;
    let _: fn(&sut::olm::Account) -> sut::olm::IdentityKeys = const_fn_account_identity_keys;
    let _: fn(&sut::olm::Account) -> sut::Ed25519PublicKey = const_fn_account_ed25519_key;
    let _: fn(&sut::olm::Account) -> sut::Curve25519PublicKey = const_fn_account_curve25519_key;
    let _: fn(&sut::olm::Account) -> usize = const_fn_account_max_number_of_one_time_keys;
    let _: fn(&sut::Ed25519Keypair) -> sut::Ed25519PublicKey = const_fn_ed25519_keypair_public_key;
    let _: fn(&sut::olm::Session) -> bool = const_fn_session_has_received_message;
    let _: fn(&sut::olm::Session) -> sut::olm::SessionKeys = const_fn_session_session_keys;
    let _: fn(&sut::olm::Session) -> sut::olm::SessionConfig = const_fn_session_session_config;
    let _: fn(&sut::olm::Message) -> sut::Curve25519PublicKey = const_fn_message_ratchet_key;
    let _: fn(&sut::olm::Message) -> u64 = const_fn_message_chain_index;
    let _: fn(&sut::olm::Message) -> u8 = const_fn_message_version;
    let _: fn(&sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey = const_fn_pre_key_one_time_key;
    let _: fn(&sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey = const_fn_pre_key_base_key;
    let _: fn(&sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey = const_fn_pre_key_identity_key;
    let _: fn(&sut::olm::PreKeyMessage) -> sut::olm::SessionKeys = const_fn_pre_key_session_keys;
    let _: for<'a> fn(&'a sut::olm::PreKeyMessage) -> &'a sut::olm::Message =
        const_fn_pre_key_message;
    let _: fn(&sut::olm::OlmMessage) -> sut::olm::MessageType = const_fn_olm_message_message_type;
    let _: fn(&sut::olm::SessionConfig) -> u8 = const_fn_olm_session_config_version;
    let _: fn() -> sut::olm::SessionConfig = const_fn_olm_session_config_version_1;
    let _: fn() -> sut::olm::SessionConfig = const_fn_olm_session_config_version_2;
    let _: fn(&sut::megolm::MegolmMessage) -> u32 = const_fn_megolm_message_message_index;
    let _: for<'a> fn(&'a sut::megolm::MegolmMessage) -> &'a sut::Ed25519Signature =
        const_fn_megolm_message_signature;
    let _: fn(&sut::megolm::InboundGroupSession) -> u32 = const_fn_inbound_first_known_index;
    let _: fn(&sut::megolm::GroupSession) -> u32 = const_fn_group_session_message_index;
    let _: fn(&sut::megolm::GroupSession) -> sut::megolm::SessionConfig =
        const_fn_group_session_session_config;
    let _: fn(&sut::megolm::SessionConfig) -> u8 = const_fn_megolm_session_config_version;
    let _: fn() -> sut::megolm::SessionConfig = const_fn_megolm_session_config_version_1;
    let _: fn() -> sut::megolm::SessionConfig = const_fn_megolm_session_config_version_2;
}

// ---------------------------------------------------------------------------
// Functions and methods: exact signatures (receiver kind, argument and return
// types) pinned by coercion to function pointers. Methods taking
// `impl AsRef<[u8]>` are pinned with closures over several concrete types.
// ---------------------------------------------------------------------------

#[allow(
    unreachable_pub,
    dead_code,
    unused_variables,
    clippy::redundant_closure,
    clippy::type_complexity
)]
pub fn check_signatures() {
    use std::collections::HashMap;

    // ----- crate root: free functions and statics -----
    let _: &'static str = sut::VERSION;

    let _ = |i: &[u8]| -> Result<Vec<u8>, sut::Base64DecodeError> { sut::base64_decode(i) };
    let _ = |i: &str| -> Result<Vec<u8>, sut::Base64DecodeError> { sut::base64_decode(i) };
    let _ = |i: String| -> Result<Vec<u8>, sut::Base64DecodeError> { sut::base64_decode(i) };
    let _ = |i: Vec<u8>| -> Result<Vec<u8>, sut::Base64DecodeError> { sut::base64_decode(i) };
    let _ = |i: &String| -> Result<Vec<u8>, sut::Base64DecodeError> { sut::base64_decode(i) };
    let _ = |i: [u8; 4]| -> Result<Vec<u8>, sut::Base64DecodeError> { sut::base64_decode(i) };

    let _ = |i: &[u8]| -> String { sut::base64_encode(i) };
    let _ = |i: &str| -> String { sut::base64_encode(i) };
    let _ = |i: String| -> String { sut::base64_encode(i) };
    let _ = |i: Vec<u8>| -> String { sut::base64_encode(i) };
    let _ = |i: &Vec<u8>| -> String { sut::base64_encode(i) };
    let _ = |i: [u8; 32]| -> String { sut::base64_encode(i) };

    // ----- crate root: Curve25519SecretKey -----
    let _: fn() -> sut::Curve25519SecretKey = sut::Curve25519SecretKey::new;
    let _: fn(&[u8; 32]) -> sut::Curve25519SecretKey = sut::Curve25519SecretKey::from_slice;
    let _: fn(&sut::Curve25519SecretKey, &sut::Curve25519PublicKey) -> Option<sut::SharedSecret> =
        sut::Curve25519SecretKey::diffie_hellman;
    let _: fn(&sut::Curve25519SecretKey) -> Box<[u8; 32]> = sut::Curve25519SecretKey::to_bytes;

    // ----- crate root: SharedSecret (re-export of x25519_dalek::SharedSecret) -----
    let _: fn(&sut::SharedSecret) -> [u8; 32] = sut::SharedSecret::to_bytes;
    let _: for<'a> fn(&'a sut::SharedSecret) -> &'a [u8; 32] = sut::SharedSecret::as_bytes;
    let _: fn(&sut::SharedSecret) -> bool = sut::SharedSecret::was_contributory;

    // ----- crate root: Curve25519PublicKey -----
    let _: fn(&sut::Curve25519PublicKey) -> [u8; 32] = sut::Curve25519PublicKey::to_bytes;
    let _: for<'a> fn(&'a sut::Curve25519PublicKey) -> &'a [u8; 32] =
        sut::Curve25519PublicKey::as_bytes;
    let _: fn(&sut::Curve25519PublicKey) -> Vec<u8> = sut::Curve25519PublicKey::to_vec;
    let _: fn([u8; 32]) -> sut::Curve25519PublicKey = sut::Curve25519PublicKey::from_bytes;
    let _: fn(&str) -> Result<sut::Curve25519PublicKey, sut::KeyError> =
        sut::Curve25519PublicKey::from_base64;
    let _: fn(&[u8]) -> Result<sut::Curve25519PublicKey, sut::KeyError> =
        sut::Curve25519PublicKey::from_slice;
    let _: fn(&sut::Curve25519PublicKey) -> String = sut::Curve25519PublicKey::to_base64;

    // ----- crate root: Ed25519Keypair -----
    let _: fn() -> sut::Ed25519Keypair = sut::Ed25519Keypair::new;
    let _: fn(&sut::Ed25519Keypair) -> sut::Ed25519PublicKey = sut::Ed25519Keypair::public_key;
    let _: fn(&sut::Ed25519Keypair, &[u8]) -> sut::Ed25519Signature = sut::Ed25519Keypair::sign;

    // ----- crate root: Ed25519SecretKey -----
    let _: fn() -> sut::Ed25519SecretKey = sut::Ed25519SecretKey::new;
    let _: fn(&sut::Ed25519SecretKey) -> Box<[u8; 32]> = sut::Ed25519SecretKey::to_bytes;
    let _: fn(&[u8; 32]) -> sut::Ed25519SecretKey = sut::Ed25519SecretKey::from_slice;
    let _: fn(&sut::Ed25519SecretKey) -> String = sut::Ed25519SecretKey::to_base64;
    let _: fn(&str) -> Result<sut::Ed25519SecretKey, sut::KeyError> =
        sut::Ed25519SecretKey::from_base64;
    let _: fn(&sut::Ed25519SecretKey) -> sut::Ed25519PublicKey = sut::Ed25519SecretKey::public_key;
    let _: fn(&sut::Ed25519SecretKey, &[u8]) -> sut::Ed25519Signature = sut::Ed25519SecretKey::sign;

    // ----- crate root: Ed25519PublicKey -----
    let _: fn(&[u8; 32]) -> Result<sut::Ed25519PublicKey, sut::KeyError> =
        sut::Ed25519PublicKey::from_slice;
    let _: for<'a> fn(&'a sut::Ed25519PublicKey) -> &'a [u8; 32] = sut::Ed25519PublicKey::as_bytes;
    let _: fn(&str) -> Result<sut::Ed25519PublicKey, sut::KeyError> =
        sut::Ed25519PublicKey::from_base64;
    let _: fn(&sut::Ed25519PublicKey) -> String = sut::Ed25519PublicKey::to_base64;
    let _: fn(
        &sut::Ed25519PublicKey,
        &[u8],
        &sut::Ed25519Signature,
    ) -> Result<(), sut::SignatureError> = sut::Ed25519PublicKey::verify;

    // ----- crate root: Ed25519Signature -----
    let _: fn(&[u8]) -> Result<sut::Ed25519Signature, sut::SignatureError> =
        sut::Ed25519Signature::from_slice;
    let _: fn(&str) -> Result<sut::Ed25519Signature, sut::SignatureError> =
        sut::Ed25519Signature::from_base64;
    let _: fn(&sut::Ed25519Signature) -> String = sut::Ed25519Signature::to_base64;
    let _: fn(&sut::Ed25519Signature) -> [u8; 64] = sut::Ed25519Signature::to_bytes;

    // ----- crate root: KeyId (note: `self` by value) -----
    let _: fn(sut::KeyId) -> String = sut::KeyId::to_base64;

    // ----- olm::Account -----
    let _: fn() -> sut::olm::Account = sut::olm::Account::new;
    let _: fn(&sut::olm::Account) -> sut::olm::IdentityKeys = sut::olm::Account::identity_keys;
    let _: fn(&sut::olm::Account) -> sut::Ed25519PublicKey = sut::olm::Account::ed25519_key;
    let _: fn(&sut::olm::Account) -> sut::Curve25519PublicKey = sut::olm::Account::curve25519_key;
    let _ = |a: &sut::olm::Account, m: &[u8]| -> sut::Ed25519Signature { a.sign(m) };
    let _ = |a: &sut::olm::Account, m: &str| -> sut::Ed25519Signature { a.sign(m) };
    let _ = |a: &sut::olm::Account, m: Vec<u8>| -> sut::Ed25519Signature { a.sign(m) };
    let _ = |a: &sut::olm::Account, m: String| -> sut::Ed25519Signature { a.sign(m) };
    let _ = |a: &sut::olm::Account, m: &String| -> sut::Ed25519Signature { a.sign(m) };
    let _ = |a: &sut::olm::Account, m: [u8; 4]| -> sut::Ed25519Signature { a.sign(m) };
    let _ = |a: &sut::olm::Account, m: &[u8]| -> sut::Ed25519Signature {
        sut::olm::Account::sign(a, m)
    };
    let _: fn(&sut::olm::Account) -> usize = sut::olm::Account::max_number_of_one_time_keys;
    let _: fn(
        &sut::olm::Account,
        sut::olm::SessionConfig,
        sut::Curve25519PublicKey,
        sut::Curve25519PublicKey,
    ) -> Result<sut::olm::Session, sut::olm::SessionCreationError> =
        sut::olm::Account::create_outbound_session;
    let _: fn(
        &mut sut::olm::Account,
        sut::olm::SessionConfig,
        sut::Curve25519PublicKey,
        &sut::olm::PreKeyMessage,
    ) -> Result<sut::olm::InboundCreationResult, sut::olm::SessionCreationError> =
        sut::olm::Account::create_inbound_session;
    let _: fn(&mut sut::olm::Account, usize) -> sut::olm::OneTimeKeyGenerationResult =
        sut::olm::Account::generate_one_time_keys;
    let _: fn(&sut::olm::Account) -> usize = sut::olm::Account::stored_one_time_key_count;
    let _: fn(&sut::olm::Account) -> HashMap<sut::KeyId, sut::Curve25519PublicKey> =
        sut::olm::Account::one_time_keys;
    let _: fn(&mut sut::olm::Account) -> Option<sut::Curve25519PublicKey> =
        sut::olm::Account::generate_fallback_key;
    let _: fn(&sut::olm::Account) -> HashMap<sut::KeyId, sut::Curve25519PublicKey> =
        sut::olm::Account::fallback_key;
    let _: fn(&mut sut::olm::Account) -> bool = sut::olm::Account::forget_fallback_key;
    let _: fn(&mut sut::olm::Account) = sut::olm::Account::mark_keys_as_published;
    let _: fn(&sut::olm::Account) -> sut::olm::AccountPickle = sut::olm::Account::pickle;
    let _: fn(sut::olm::AccountPickle) -> sut::olm::Account = sut::olm::Account::from_pickle;
    let _: fn(&str, &[u8]) -> Result<sut::olm::Account, sut::LibolmPickleError> =
        sut::olm::Account::from_libolm_pickle;
    let _: fn(&sut::olm::Account, &[u8]) -> Result<String, sut::LibolmPickleError> =
        sut::olm::Account::to_libolm_pickle;
    // `to_dehydrated_device` returns an unnameable type (`DehydratedDeviceResult`
    // is `pub` but not re-exported by vodozemac); its fields are checked in
    // `check_dehydrated_device_result`.
    let _: fn(&sut::olm::Account, &[u8; 32]) -> Result<_, sut::DehydratedDeviceError> =
        sut::olm::Account::to_dehydrated_device;
    let _: fn(&str, &str, &[u8; 32]) -> Result<sut::olm::Account, sut::DehydratedDeviceError> =
        sut::olm::Account::from_dehydrated_device;

    // ----- olm::AccountPickle -----
    let _: fn(sut::olm::AccountPickle, &[u8; 32]) -> String = sut::olm::AccountPickle::encrypt;
    let _: fn(&str, &[u8; 32]) -> Result<sut::olm::AccountPickle, sut::PickleError> =
        sut::olm::AccountPickle::from_encrypted;

    // ----- olm::Session -----
    let _: fn(&sut::olm::Session) -> String = sut::olm::Session::session_id;
    let _: fn(&sut::olm::Session) -> bool = sut::olm::Session::has_received_message;
    let _ = |s: &mut sut::olm::Session,
             p: &[u8]|
     -> Result<sut::olm::OlmMessage, sut::olm::EncryptionError> { s.encrypt(p) };
    let _ = |s: &mut sut::olm::Session,
             p: &str|
     -> Result<sut::olm::OlmMessage, sut::olm::EncryptionError> { s.encrypt(p) };
    let _ = |s: &mut sut::olm::Session,
             p: Vec<u8>|
     -> Result<sut::olm::OlmMessage, sut::olm::EncryptionError> { s.encrypt(p) };
    let _ = |s: &mut sut::olm::Session,
             p: String|
     -> Result<sut::olm::OlmMessage, sut::olm::EncryptionError> { s.encrypt(p) };
    let _ = |s: &mut sut::olm::Session,
             p: &String|
     -> Result<sut::olm::OlmMessage, sut::olm::EncryptionError> { s.encrypt(p) };
    let _ = |s: &mut sut::olm::Session,
             p: [u8; 4]|
     -> Result<sut::olm::OlmMessage, sut::olm::EncryptionError> { s.encrypt(p) };
    let _ = |s: &mut sut::olm::Session,
             p: &[u8]|
     -> Result<sut::olm::OlmMessage, sut::olm::EncryptionError> {
        sut::olm::Session::encrypt(s, p)
    };
    let _: fn(&sut::olm::Session) -> sut::olm::SessionKeys = sut::olm::Session::session_keys;
    let _: fn(&sut::olm::Session) -> sut::olm::SessionConfig = sut::olm::Session::session_config;
    let _: fn(
        &mut sut::olm::Session,
        &sut::olm::OlmMessage,
    ) -> Result<Vec<u8>, sut::olm::DecryptionError> = sut::olm::Session::decrypt;
    let _: fn(&sut::olm::Session) -> sut::olm::SessionPickle = sut::olm::Session::pickle;
    let _: fn(sut::olm::SessionPickle) -> sut::olm::Session = sut::olm::Session::from_pickle;
    let _: fn(&str, &[u8]) -> Result<sut::olm::Session, sut::LibolmPickleError> =
        sut::olm::Session::from_libolm_pickle;

    // ----- olm::SessionPickle -----
    let _: fn(sut::olm::SessionPickle, &[u8; 32]) -> String = sut::olm::SessionPickle::encrypt;
    let _: fn(&str, &[u8; 32]) -> Result<sut::olm::SessionPickle, sut::PickleError> =
        sut::olm::SessionPickle::from_encrypted;

    // ----- olm::Message -----
    let _: fn(&sut::olm::Message) -> sut::Curve25519PublicKey = sut::olm::Message::ratchet_key;
    let _: fn(&sut::olm::Message) -> u64 = sut::olm::Message::chain_index;
    let _: for<'a> fn(&'a sut::olm::Message) -> &'a [u8] = sut::olm::Message::ciphertext;
    let _: fn(&sut::olm::Message) -> u8 = sut::olm::Message::version;
    let _: fn(&[u8]) -> Result<sut::olm::Message, sut::DecodeError> = sut::olm::Message::from_bytes;
    let _: fn(&sut::olm::Message) -> Vec<u8> = sut::olm::Message::to_bytes;
    let _: fn(&str) -> Result<sut::olm::Message, sut::DecodeError> = sut::olm::Message::from_base64;
    let _: fn(&sut::olm::Message) -> String = sut::olm::Message::to_base64;

    // ----- olm::PreKeyMessage -----
    let _: fn(&sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey =
        sut::olm::PreKeyMessage::one_time_key;
    let _: fn(&sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey =
        sut::olm::PreKeyMessage::base_key;
    let _: fn(&sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey =
        sut::olm::PreKeyMessage::identity_key;
    let _: fn(&sut::olm::PreKeyMessage) -> sut::olm::SessionKeys =
        sut::olm::PreKeyMessage::session_keys;
    let _: fn(&sut::olm::PreKeyMessage) -> String = sut::olm::PreKeyMessage::session_id;
    let _: for<'a> fn(&'a sut::olm::PreKeyMessage) -> &'a sut::olm::Message =
        sut::olm::PreKeyMessage::message;
    let _: fn(&[u8]) -> Result<sut::olm::PreKeyMessage, sut::DecodeError> =
        sut::olm::PreKeyMessage::from_bytes;
    let _: fn(&sut::olm::PreKeyMessage) -> Vec<u8> = sut::olm::PreKeyMessage::to_bytes;
    let _: fn(&str) -> Result<sut::olm::PreKeyMessage, sut::DecodeError> =
        sut::olm::PreKeyMessage::from_base64;
    let _: fn(&sut::olm::PreKeyMessage) -> String = sut::olm::PreKeyMessage::to_base64;

    // ----- olm::OlmMessage -----
    let _: fn(usize, &[u8]) -> Result<sut::olm::OlmMessage, sut::DecodeError> =
        sut::olm::OlmMessage::from_parts;
    let _: for<'a> fn(&'a sut::olm::OlmMessage) -> &'a [u8] = sut::olm::OlmMessage::message;
    let _: fn(&sut::olm::OlmMessage) -> sut::olm::MessageType = sut::olm::OlmMessage::message_type;
    let _: fn(&sut::olm::OlmMessage) -> (usize, Vec<u8>) = sut::olm::OlmMessage::to_parts;

    // ----- olm::SessionConfig -----
    let _: fn(&sut::olm::SessionConfig) -> u8 = sut::olm::SessionConfig::version;
    let _: fn() -> sut::olm::SessionConfig = sut::olm::SessionConfig::version_1;
    let _: fn() -> sut::olm::SessionConfig = sut::olm::SessionConfig::version_2;

    // ----- olm::SessionKeys -----
    let _: fn(&sut::olm::SessionKeys) -> String = sut::olm::SessionKeys::session_id;

    // ----- megolm::GroupSession -----
    let _: fn(sut::megolm::SessionConfig) -> sut::megolm::GroupSession =
        sut::megolm::GroupSession::new;
    let _: fn(&sut::megolm::GroupSession) -> String = sut::megolm::GroupSession::session_id;
    let _: fn(&sut::megolm::GroupSession) -> u32 = sut::megolm::GroupSession::message_index;
    let _: fn(&sut::megolm::GroupSession) -> sut::megolm::SessionConfig =
        sut::megolm::GroupSession::session_config;
    let _ = |g: &mut sut::megolm::GroupSession, p: &[u8]| -> sut::megolm::MegolmMessage {
        g.encrypt(p)
    };
    let _ =
        |g: &mut sut::megolm::GroupSession, p: &str| -> sut::megolm::MegolmMessage { g.encrypt(p) };
    let _ = |g: &mut sut::megolm::GroupSession, p: Vec<u8>| -> sut::megolm::MegolmMessage {
        g.encrypt(p)
    };
    let _ = |g: &mut sut::megolm::GroupSession, p: String| -> sut::megolm::MegolmMessage {
        g.encrypt(p)
    };
    let _ = |g: &mut sut::megolm::GroupSession, p: &String| -> sut::megolm::MegolmMessage {
        g.encrypt(p)
    };
    let _ = |g: &mut sut::megolm::GroupSession, p: [u8; 4]| -> sut::megolm::MegolmMessage {
        g.encrypt(p)
    };
    let _ = |g: &mut sut::megolm::GroupSession, p: &[u8]| -> sut::megolm::MegolmMessage {
        sut::megolm::GroupSession::encrypt(g, p)
    };
    let _: fn(&sut::megolm::GroupSession) -> sut::megolm::SessionKey =
        sut::megolm::GroupSession::session_key;
    let _: fn(&sut::megolm::GroupSession) -> sut::megolm::GroupSessionPickle =
        sut::megolm::GroupSession::pickle;
    let _: fn(sut::megolm::GroupSessionPickle) -> sut::megolm::GroupSession =
        sut::megolm::GroupSession::from_pickle;
    let _: fn(&str, &[u8]) -> Result<sut::megolm::GroupSession, sut::LibolmPickleError> =
        sut::megolm::GroupSession::from_libolm_pickle;

    // ----- megolm::GroupSessionPickle -----
    let _: fn(sut::megolm::GroupSessionPickle, &[u8; 32]) -> String =
        sut::megolm::GroupSessionPickle::encrypt;
    let _: fn(&str, &[u8; 32]) -> Result<sut::megolm::GroupSessionPickle, sut::PickleError> =
        sut::megolm::GroupSessionPickle::from_encrypted;

    // ----- megolm::InboundGroupSession -----
    let _: fn(
        &sut::megolm::SessionKey,
        sut::megolm::SessionConfig,
    ) -> sut::megolm::InboundGroupSession = sut::megolm::InboundGroupSession::new;
    let _: fn(
        &sut::megolm::ExportedSessionKey,
        sut::megolm::SessionConfig,
    ) -> sut::megolm::InboundGroupSession = sut::megolm::InboundGroupSession::import;
    let _: fn(&sut::megolm::InboundGroupSession) -> String =
        sut::megolm::InboundGroupSession::session_id;
    let _: fn(
        &mut sut::megolm::InboundGroupSession,
        &mut sut::megolm::InboundGroupSession,
    ) -> bool = sut::megolm::InboundGroupSession::connected;
    let _: fn(
        &mut sut::megolm::InboundGroupSession,
        &mut sut::megolm::InboundGroupSession,
    ) -> sut::megolm::SessionOrdering = sut::megolm::InboundGroupSession::compare;
    let _: fn(
        &mut sut::megolm::InboundGroupSession,
        &mut sut::megolm::InboundGroupSession,
    ) -> Option<sut::megolm::InboundGroupSession> = sut::megolm::InboundGroupSession::merge;
    let _: fn(&sut::megolm::InboundGroupSession) -> u32 =
        sut::megolm::InboundGroupSession::first_known_index;
    let _: fn(&mut sut::megolm::InboundGroupSession, u32) -> bool =
        sut::megolm::InboundGroupSession::advance_to;
    let _: fn(
        &mut sut::megolm::InboundGroupSession,
        &sut::megolm::MegolmMessage,
    ) -> Result<sut::megolm::DecryptedMessage, sut::megolm::DecryptionError> =
        sut::megolm::InboundGroupSession::decrypt;
    let _: fn(
        &mut sut::megolm::InboundGroupSession,
        u32,
    ) -> Option<sut::megolm::ExportedSessionKey> = sut::megolm::InboundGroupSession::export_at;
    let _: fn(&sut::megolm::InboundGroupSession) -> sut::megolm::ExportedSessionKey =
        sut::megolm::InboundGroupSession::export_at_first_known_index;
    let _: fn(&sut::megolm::InboundGroupSession) -> sut::megolm::InboundGroupSessionPickle =
        sut::megolm::InboundGroupSession::pickle;
    let _: fn(sut::megolm::InboundGroupSessionPickle) -> sut::megolm::InboundGroupSession =
        sut::megolm::InboundGroupSession::from_pickle;
    let _: fn(&str, &[u8]) -> Result<sut::megolm::InboundGroupSession, sut::LibolmPickleError> =
        sut::megolm::InboundGroupSession::from_libolm_pickle;

    // ----- megolm::InboundGroupSessionPickle -----
    let _: fn(sut::megolm::InboundGroupSessionPickle, &[u8; 32]) -> String =
        sut::megolm::InboundGroupSessionPickle::encrypt;
    let _: fn(&str, &[u8; 32]) -> Result<sut::megolm::InboundGroupSessionPickle, sut::PickleError> =
        sut::megolm::InboundGroupSessionPickle::from_encrypted;

    // ----- megolm::MegolmMessage -----
    let _: for<'a> fn(&'a sut::megolm::MegolmMessage) -> &'a [u8] =
        sut::megolm::MegolmMessage::ciphertext;
    let _: fn(&sut::megolm::MegolmMessage) -> u32 = sut::megolm::MegolmMessage::message_index;
    let _: for<'a> fn(&'a sut::megolm::MegolmMessage) -> &'a [u8] = sut::megolm::MegolmMessage::mac;
    let _: for<'a> fn(&'a sut::megolm::MegolmMessage) -> &'a sut::Ed25519Signature =
        sut::megolm::MegolmMessage::signature;
    let _: fn(&[u8]) -> Result<sut::megolm::MegolmMessage, sut::DecodeError> =
        sut::megolm::MegolmMessage::from_bytes;
    let _: fn(&sut::megolm::MegolmMessage) -> Vec<u8> = sut::megolm::MegolmMessage::to_bytes;
    let _: fn(&str) -> Result<sut::megolm::MegolmMessage, sut::DecodeError> =
        sut::megolm::MegolmMessage::from_base64;
    let _: fn(&sut::megolm::MegolmMessage) -> String = sut::megolm::MegolmMessage::to_base64;

    // ----- megolm::SessionConfig -----
    let _: fn(&sut::megolm::SessionConfig) -> u8 = sut::megolm::SessionConfig::version;
    let _: fn() -> sut::megolm::SessionConfig = sut::megolm::SessionConfig::version_1;
    let _: fn() -> sut::megolm::SessionConfig = sut::megolm::SessionConfig::version_2;

    // ----- megolm::ExportedSessionKey -----
    let _: fn(&sut::megolm::ExportedSessionKey) -> Vec<u8> =
        sut::megolm::ExportedSessionKey::to_bytes;
    let _: fn(
        &[u8],
    ) -> Result<sut::megolm::ExportedSessionKey, sut::megolm::SessionKeyDecodeError> =
        sut::megolm::ExportedSessionKey::from_bytes;
    let _: fn(&sut::megolm::ExportedSessionKey) -> String =
        sut::megolm::ExportedSessionKey::to_base64;
    let _: fn(&str) -> Result<sut::megolm::ExportedSessionKey, sut::megolm::SessionKeyDecodeError> =
        sut::megolm::ExportedSessionKey::from_base64;

    // ----- megolm::SessionKey -----
    let _: fn(&sut::megolm::SessionKey) -> Vec<u8> = sut::megolm::SessionKey::to_bytes;
    let _: fn(&[u8]) -> Result<sut::megolm::SessionKey, sut::megolm::SessionKeyDecodeError> =
        sut::megolm::SessionKey::from_bytes;
    let _: fn(&sut::megolm::SessionKey) -> String = sut::megolm::SessionKey::to_base64;
    let _: fn(&str) -> Result<sut::megolm::SessionKey, sut::megolm::SessionKeyDecodeError> =
        sut::megolm::SessionKey::from_base64;
}

/// Fields (and `Debug`) of the value `Account::to_dehydrated_device` returns.
/// vodozemac's `DehydratedDeviceResult` is not reachable by path, so it is only
/// checked through the method's return value. Moving the fields out also checks
/// that the type has no `Drop` impl. Never called.
#[allow(dead_code, unused_variables)]
fn check_dehydrated_device_result(account: &sut::olm::Account, key: &[u8; 32]) {
    let f: fn(&sut::olm::Account, &[u8; 32]) -> Result<_, sut::DehydratedDeviceError> =
        sut::olm::Account::to_dehydrated_device;
    if let Ok(result) = f(account, key) {
        impls_debug_val(&result);
        let ciphertext: String = result.ciphertext;
        let nonce: String = result.nonce;
    }
}

// ---------------------------------------------------------------------------
// Trait implementations
// ---------------------------------------------------------------------------

#[allow(unreachable_pub, dead_code)]
pub fn check_trait_impls() {
    // ----- crate root -----
    impls_clone::<sut::Curve25519PublicKey>();
    impls_copy::<sut::Curve25519PublicKey>();
    impls_debug::<sut::Curve25519PublicKey>();
    impls_display::<sut::Curve25519PublicKey>();
    impls_partial_eq::<sut::Curve25519PublicKey>();
    impls_eq::<sut::Curve25519PublicKey>();
    impls_hash::<sut::Curve25519PublicKey>();
    impls_serialize::<sut::Curve25519PublicKey>();
    impls_deserialize::<sut::Curve25519PublicKey>();
    impls_from::<sut::Curve25519PublicKey, [u8; 32]>();
    impls_from_ref::<sut::Curve25519PublicKey, sut::Curve25519SecretKey>();

    impls_clone::<sut::Curve25519SecretKey>();
    impls_default::<sut::Curve25519SecretKey>();
    impls_serialize::<sut::Curve25519SecretKey>();
    impls_deserialize::<sut::Curve25519SecretKey>();

    impls_clone::<sut::Ed25519Keypair>();
    impls_default::<sut::Ed25519Keypair>();
    impls_serialize::<sut::Ed25519Keypair>();
    impls_deserialize::<sut::Ed25519Keypair>();

    impls_clone::<sut::Ed25519PublicKey>();
    impls_copy::<sut::Ed25519PublicKey>();
    impls_debug::<sut::Ed25519PublicKey>();
    impls_display::<sut::Ed25519PublicKey>();
    impls_partial_eq::<sut::Ed25519PublicKey>();
    impls_eq::<sut::Ed25519PublicKey>();
    impls_serialize::<sut::Ed25519PublicKey>();
    impls_deserialize::<sut::Ed25519PublicKey>();

    impls_default::<sut::Ed25519SecretKey>();
    impls_serialize::<sut::Ed25519SecretKey>();
    impls_deserialize::<sut::Ed25519SecretKey>();

    impls_clone::<sut::Ed25519Signature>();
    impls_copy::<sut::Ed25519Signature>();
    impls_debug::<sut::Ed25519Signature>();
    impls_display::<sut::Ed25519Signature>();
    impls_partial_eq::<sut::Ed25519Signature>();
    impls_eq::<sut::Ed25519Signature>();

    impls_clone::<sut::KeyId>();
    impls_copy::<sut::KeyId>();
    impls_debug::<sut::KeyId>();
    impls_hash::<sut::KeyId>();
    impls_partial_eq::<sut::KeyId>();
    impls_eq::<sut::KeyId>();
    impls_partial_ord::<sut::KeyId>();
    impls_ord::<sut::KeyId>();
    impls_serialize::<sut::KeyId>();
    impls_deserialize::<sut::KeyId>();
    impls_from::<String, sut::KeyId>();

    // x25519_dalek::SharedSecret in vodozemac.
    impls_as_ref::<sut::SharedSecret, [u8]>();
    impls_zeroize_on_drop::<sut::SharedSecret>();

    // Re-exported third-party error types (`base64::DecodeError`,
    // `prost::DecodeError` in vodozemac): only the std traits are checked.
    impls_error::<sut::Base64DecodeError>();
    impls_clone::<sut::Base64DecodeError>();
    impls_partial_eq::<sut::Base64DecodeError>();
    impls_eq::<sut::Base64DecodeError>();
    impls_error::<sut::ProtoBufDecodeError>();
    impls_clone::<sut::ProtoBufDecodeError>();
    impls_partial_eq::<sut::ProtoBufDecodeError>();
    impls_eq::<sut::ProtoBufDecodeError>();

    impls_error::<sut::KeyError>();
    impls_from::<sut::KeyError, sut::Base64DecodeError>();
    impls_from::<sut::KeyError, sut::SignatureError>();

    impls_error::<sut::SignatureError>();
    impls_from::<sut::SignatureError, sut::Base64DecodeError>();

    impls_error::<sut::PickleError>();
    impls_from::<sut::PickleError, sut::Base64DecodeError>();

    impls_error::<sut::LibolmPickleError>();
    impls_from::<sut::LibolmPickleError, sut::Base64DecodeError>();
    impls_from::<sut::LibolmPickleError, sut::KeyError>();

    impls_error::<sut::DehydratedDeviceError>();
    impls_from::<sut::DehydratedDeviceError, sut::Base64DecodeError>();
    impls_from::<sut::DehydratedDeviceError, sut::LibolmPickleError>();

    impls_error::<sut::DecodeError>();
    impls_from::<sut::DecodeError, sut::KeyError>();
    impls_from::<sut::DecodeError, sut::SignatureError>();
    impls_from::<sut::DecodeError, sut::ProtoBufDecodeError>();
    impls_from::<sut::DecodeError, sut::Base64DecodeError>();

    // ----- olm -----
    impls_default::<sut::olm::Account>();
    impls_from::<sut::olm::Account, sut::olm::AccountPickle>();

    impls_serialize::<sut::olm::AccountPickle>();
    impls_deserialize::<sut::olm::AccountPickle>();

    impls_clone::<sut::olm::IdentityKeys>();
    impls_copy::<sut::olm::IdentityKeys>();
    impls_debug::<sut::olm::IdentityKeys>();
    impls_partial_eq::<sut::olm::IdentityKeys>();
    impls_eq::<sut::olm::IdentityKeys>();
    impls_serialize::<sut::olm::IdentityKeys>();
    impls_deserialize::<sut::olm::IdentityKeys>();

    impls_debug::<sut::olm::InboundCreationResult>();

    impls_error::<sut::olm::SessionCreationError>();
    impls_from::<sut::olm::SessionCreationError, sut::olm::DecryptionError>();

    impls_clone::<sut::olm::Message>();
    impls_debug::<sut::olm::Message>();
    impls_partial_eq::<sut::olm::Message>();
    impls_eq::<sut::olm::Message>();
    impls_serialize::<sut::olm::Message>();
    impls_deserialize::<sut::olm::Message>();
    impls_try_from_slice::<sut::olm::Message, sut::DecodeError>();
    impls_try_from_str::<sut::olm::Message, sut::DecodeError>();
    impls_try_from::<sut::olm::Message, Vec<u8>, sut::DecodeError>();

    impls_clone::<sut::olm::MessageType>();
    impls_copy::<sut::olm::MessageType>();
    impls_debug::<sut::olm::MessageType>();
    impls_partial_eq::<sut::olm::MessageType>();
    impls_eq::<sut::olm::MessageType>();
    impls_try_from::<sut::olm::MessageType, usize, ()>();
    impls_from::<usize, sut::olm::MessageType>();

    impls_clone::<sut::olm::OlmMessage>();
    impls_debug::<sut::olm::OlmMessage>();
    impls_partial_eq::<sut::olm::OlmMessage>();
    impls_eq::<sut::olm::OlmMessage>();
    impls_serialize::<sut::olm::OlmMessage>();
    impls_deserialize::<sut::olm::OlmMessage>();
    impls_from::<sut::olm::OlmMessage, sut::olm::Message>();
    impls_from::<sut::olm::OlmMessage, sut::olm::PreKeyMessage>();

    impls_clone::<sut::olm::PreKeyMessage>();
    impls_debug::<sut::olm::PreKeyMessage>();
    impls_partial_eq::<sut::olm::PreKeyMessage>();
    impls_eq::<sut::olm::PreKeyMessage>();
    impls_serialize::<sut::olm::PreKeyMessage>();
    impls_deserialize::<sut::olm::PreKeyMessage>();
    impls_try_from_slice::<sut::olm::PreKeyMessage, sut::DecodeError>();
    impls_try_from_str::<sut::olm::PreKeyMessage, sut::DecodeError>();
    impls_try_from::<sut::olm::PreKeyMessage, Vec<u8>, sut::DecodeError>();

    impls_error::<sut::olm::DecryptionError>();

    impls_error::<sut::olm::EncryptionError>();

    impls_debug::<sut::olm::Session>();
    impls_from::<sut::olm::Session, sut::olm::SessionPickle>();

    impls_serialize::<sut::olm::SessionPickle>();
    impls_deserialize::<sut::olm::SessionPickle>();

    impls_clone::<sut::olm::RatchetPublicKey>();
    impls_copy::<sut::olm::RatchetPublicKey>();
    impls_debug::<sut::olm::RatchetPublicKey>();
    impls_partial_eq::<sut::olm::RatchetPublicKey>();
    impls_eq::<sut::olm::RatchetPublicKey>();
    impls_from::<sut::olm::RatchetPublicKey, [u8; 32]>();
    impls_as_ref::<sut::olm::RatchetPublicKey, sut::Curve25519PublicKey>();

    impls_clone::<sut::olm::SessionConfig>();
    impls_copy::<sut::olm::SessionConfig>();
    impls_debug::<sut::olm::SessionConfig>();
    impls_default::<sut::olm::SessionConfig>();
    impls_partial_eq::<sut::olm::SessionConfig>();
    impls_eq::<sut::olm::SessionConfig>();
    impls_serialize::<sut::olm::SessionConfig>();
    impls_deserialize::<sut::olm::SessionConfig>();

    impls_clone::<sut::olm::SessionKeys>();
    impls_copy::<sut::olm::SessionKeys>();
    impls_debug::<sut::olm::SessionKeys>();
    impls_partial_eq::<sut::olm::SessionKeys>();
    impls_eq::<sut::olm::SessionKeys>();
    impls_serialize::<sut::olm::SessionKeys>();
    impls_deserialize::<sut::olm::SessionKeys>();

    // ----- megolm -----
    impls_default::<sut::megolm::GroupSession>();
    impls_from::<sut::megolm::GroupSession, sut::megolm::GroupSessionPickle>();

    impls_serialize::<sut::megolm::GroupSessionPickle>();
    impls_deserialize::<sut::megolm::GroupSessionPickle>();

    impls_clone::<sut::megolm::DecryptedMessage>();
    impls_debug::<sut::megolm::DecryptedMessage>();
    impls_partial_eq::<sut::megolm::DecryptedMessage>();
    impls_eq::<sut::megolm::DecryptedMessage>();

    impls_error::<sut::megolm::DecryptionError>();
    impls_from::<sut::megolm::DecryptionError, sut::SignatureError>();

    // `Deserialize` (through the pickle) but deliberately no `Serialize`.
    impls_deserialize::<sut::megolm::InboundGroupSession>();
    impls_from_ref::<sut::megolm::InboundGroupSession, sut::megolm::GroupSession>();
    impls_from::<sut::megolm::InboundGroupSession, sut::megolm::InboundGroupSessionPickle>();

    impls_serialize::<sut::megolm::InboundGroupSessionPickle>();
    impls_deserialize::<sut::megolm::InboundGroupSessionPickle>();
    impls_from_ref::<sut::megolm::InboundGroupSessionPickle, sut::megolm::InboundGroupSession>();

    impls_clone::<sut::megolm::SessionOrdering>();
    impls_copy::<sut::megolm::SessionOrdering>();
    impls_debug::<sut::megolm::SessionOrdering>();
    impls_partial_eq::<sut::megolm::SessionOrdering>();
    impls_eq::<sut::megolm::SessionOrdering>();

    impls_clone::<sut::megolm::MegolmMessage>();
    impls_debug::<sut::megolm::MegolmMessage>();
    impls_partial_eq::<sut::megolm::MegolmMessage>();
    impls_eq::<sut::megolm::MegolmMessage>();
    impls_serialize::<sut::megolm::MegolmMessage>();
    impls_deserialize::<sut::megolm::MegolmMessage>();
    impls_try_from_slice::<sut::megolm::MegolmMessage, sut::DecodeError>();
    impls_try_from_str::<sut::megolm::MegolmMessage, sut::DecodeError>();
    impls_try_from::<sut::megolm::MegolmMessage, Vec<u8>, sut::DecodeError>();

    impls_clone::<sut::megolm::SessionConfig>();
    impls_copy::<sut::megolm::SessionConfig>();
    impls_debug::<sut::megolm::SessionConfig>();
    impls_default::<sut::megolm::SessionConfig>();
    impls_partial_eq::<sut::megolm::SessionConfig>();
    impls_eq::<sut::megolm::SessionConfig>();
    impls_serialize::<sut::megolm::SessionConfig>();
    impls_deserialize::<sut::megolm::SessionConfig>();

    impls_serialize::<sut::megolm::ExportedSessionKey>();
    impls_deserialize::<sut::megolm::ExportedSessionKey>();
    impls_zeroize::<sut::megolm::ExportedSessionKey>();
    impls_try_from_slice::<sut::megolm::ExportedSessionKey, sut::megolm::SessionKeyDecodeError>();
    impls_try_from_str::<sut::megolm::ExportedSessionKey, sut::megolm::SessionKeyDecodeError>();

    impls_serialize::<sut::megolm::SessionKey>();
    impls_deserialize::<sut::megolm::SessionKey>();
    impls_zeroize::<sut::megolm::SessionKey>();
    impls_try_from_slice::<sut::megolm::SessionKey, sut::megolm::SessionKeyDecodeError>();
    impls_try_from_str::<sut::megolm::SessionKey, sut::megolm::SessionKeyDecodeError>();

    impls_error::<sut::megolm::SessionKeyDecodeError>();
    impls_from::<sut::megolm::SessionKeyDecodeError, std::io::Error>();
    impls_from::<sut::megolm::SessionKeyDecodeError, sut::SignatureError>();
    impls_from::<sut::megolm::SessionKeyDecodeError, sut::KeyError>();
}

// ---------------------------------------------------------------------------
// Auto traits. Every non-error type in scope is
// Send + Sync + Unpin + UnwindSafe + RefUnwindSafe in vodozemac 0.11.1. Error
// types are checked for Send + Sync + Unpin only: whether they are unwind-safe
// depends on third-party payloads (`LibolmPickleError` and
// `DehydratedDeviceError` are not, through `matrix_pickle::DecodeError`'s
// `std::io::Error`; `SessionKeyDecodeError` is not, through `std::io::Error`).
// ---------------------------------------------------------------------------

#[allow(dead_code)]
fn impls_all_auto<T: Send + Sync + Unpin + std::panic::UnwindSafe + std::panic::RefUnwindSafe>() {}
#[allow(dead_code)]
fn impls_error_auto<T: Send + Sync + Unpin>() {}

#[allow(unreachable_pub, dead_code)]
pub fn check_auto_traits() {
    // crate root
    impls_all_auto::<sut::Curve25519PublicKey>();
    impls_all_auto::<sut::Curve25519SecretKey>();
    impls_all_auto::<sut::Ed25519Keypair>();
    impls_all_auto::<sut::Ed25519PublicKey>();
    impls_all_auto::<sut::Ed25519SecretKey>();
    impls_all_auto::<sut::Ed25519Signature>();
    impls_all_auto::<sut::KeyId>();
    impls_all_auto::<sut::SharedSecret>();
    impls_error_auto::<sut::Base64DecodeError>();
    impls_error_auto::<sut::ProtoBufDecodeError>();
    impls_error_auto::<sut::KeyError>();
    impls_error_auto::<sut::SignatureError>();
    impls_error_auto::<sut::PickleError>();
    impls_error_auto::<sut::LibolmPickleError>();
    impls_error_auto::<sut::DehydratedDeviceError>();
    impls_error_auto::<sut::DecodeError>();

    // olm
    impls_all_auto::<sut::olm::Account>();
    impls_all_auto::<sut::olm::AccountPickle>();
    impls_all_auto::<sut::olm::IdentityKeys>();
    impls_all_auto::<sut::olm::InboundCreationResult>();
    impls_all_auto::<sut::olm::OneTimeKeyGenerationResult>();
    impls_all_auto::<sut::olm::Message>();
    impls_all_auto::<sut::olm::MessageType>();
    impls_all_auto::<sut::olm::OlmMessage>();
    impls_all_auto::<sut::olm::PreKeyMessage>();
    impls_all_auto::<sut::olm::Session>();
    impls_all_auto::<sut::olm::SessionPickle>();
    impls_all_auto::<sut::olm::RatchetPublicKey>();
    impls_all_auto::<sut::olm::SessionConfig>();
    impls_all_auto::<sut::olm::SessionKeys>();
    impls_error_auto::<sut::olm::SessionCreationError>();
    impls_error_auto::<sut::olm::DecryptionError>();
    impls_error_auto::<sut::olm::EncryptionError>();

    // megolm
    impls_all_auto::<sut::megolm::GroupSession>();
    impls_all_auto::<sut::megolm::GroupSessionPickle>();
    impls_all_auto::<sut::megolm::DecryptedMessage>();
    impls_all_auto::<sut::megolm::InboundGroupSession>();
    impls_all_auto::<sut::megolm::InboundGroupSessionPickle>();
    impls_all_auto::<sut::megolm::SessionOrdering>();
    impls_all_auto::<sut::megolm::MegolmMessage>();
    impls_all_auto::<sut::megolm::SessionConfig>();
    impls_all_auto::<sut::megolm::ExportedSessionKey>();
    impls_all_auto::<sut::megolm::SessionKey>();
    impls_error_auto::<sut::megolm::DecryptionError>();
    impls_error_auto::<sut::megolm::SessionKeyDecodeError>();
}

// ---------------------------------------------------------------------------
// Enum variants: exhaustive matches (no wildcard arm) with arity, field names
// and, where the payload is a `sut::`/std type, the payload type.
// ---------------------------------------------------------------------------

#[allow(dead_code, unused_variables)]
fn check_variants_crate_root(
    key_error: &sut::KeyError,
    signature_error: &sut::SignatureError,
    pickle_error: &sut::PickleError,
    libolm_pickle_error: &sut::LibolmPickleError,
    dehydrated_device_error: &sut::DehydratedDeviceError,
    decode_error: &sut::DecodeError,
) {
    match key_error {
        sut::KeyError::Base64Error(e) => {
            let _: &sut::Base64DecodeError = e;
        }
        sut::KeyError::Base64PrivateKey(_e) => {} // base64ct::Error
        sut::KeyError::InvalidKeyLength {
            key_type,
            expected_length,
            length,
        } => {
            let _: &&'static str = key_type;
            let _: &usize = expected_length;
            let _: &usize = length;
        }
        sut::KeyError::Signature(e) => {
            let _: &sut::SignatureError = e;
        }
        sut::KeyError::NonContributoryKey => {}
    }

    match signature_error {
        sut::SignatureError::Base64(e) => {
            let _: &sut::Base64DecodeError = e;
        }
        sut::SignatureError::Signature(_e) => {} // ed25519_dalek::SignatureError
    }

    match pickle_error {
        sut::PickleError::Base64(e) => {
            let _: &sut::Base64DecodeError = e;
        }
        sut::PickleError::Decryption(_e) => {} // private cipher::DecryptionError
        sut::PickleError::Serialization(_e) => {} // serde_json::Error
    }

    match libolm_pickle_error {
        sut::LibolmPickleError::MissingVersion => {}
        sut::LibolmPickleError::Version(expected, got) => {
            let _: &u32 = expected;
            let _: &u32 = got;
        }
        sut::LibolmPickleError::Base64(e) => {
            let _: &sut::Base64DecodeError = e;
        }
        sut::LibolmPickleError::Decryption(_e) => {} // private cipher::DecryptionError
        sut::LibolmPickleError::PublicKey(e) => {
            let _: &sut::KeyError = e;
        }
        sut::LibolmPickleError::InvalidSession => {}
        sut::LibolmPickleError::Decode(_e) => {} // matrix_pickle::DecodeError
        sut::LibolmPickleError::Encode(_e) => {} // matrix_pickle::EncodeError
    }

    match dehydrated_device_error {
        sut::DehydratedDeviceError::MissingVersion => {}
        sut::DehydratedDeviceError::Version(expected, got) => {
            let _: &u32 = expected;
            let _: &u32 = got;
        }
        sut::DehydratedDeviceError::InvalidNonce => {}
        sut::DehydratedDeviceError::Base64(e) => {
            let _: &sut::Base64DecodeError = e;
        }
        sut::DehydratedDeviceError::Decryption(_e) => {} // chacha20poly1305::aead::Error
        sut::DehydratedDeviceError::LibolmPickle(e) => {
            let _: &sut::LibolmPickleError = e;
        }
        sut::DehydratedDeviceError::InvalidAccount => {}
    }

    match decode_error {
        sut::DecodeError::MessageType(t) => {
            let _: &usize = t;
        }
        sut::DecodeError::MissingVersion => {}
        sut::DecodeError::MessageTooShort(len) => {
            let _: &usize = len;
        }
        sut::DecodeError::InvalidVersion(expected, got) => {
            let _: &u8 = expected;
            let _: &u8 = got;
        }
        sut::DecodeError::InvalidKey(e) => {
            let _: &sut::KeyError = e;
        }
        sut::DecodeError::InvalidMacLength(expected, got) => {
            let _: &usize = expected;
            let _: &usize = got;
        }
        sut::DecodeError::Signature(e) => {
            let _: &sut::SignatureError = e;
        }
        sut::DecodeError::ProtoBufError(e) => {
            let _: &sut::ProtoBufDecodeError = e;
        }
        sut::DecodeError::Base64(e) => {
            let _: &sut::Base64DecodeError = e;
        }
    }
}

#[allow(dead_code, unused_variables)]
fn check_variants_olm(
    session_creation_error: &sut::olm::SessionCreationError,
    decryption_error: &sut::olm::DecryptionError,
    encryption_error: &sut::olm::EncryptionError,
    olm_message: &sut::olm::OlmMessage,
    message_type: &sut::olm::MessageType,
) {
    match session_creation_error {
        sut::olm::SessionCreationError::MissingOneTimeKey(k) => {
            let _: &sut::Curve25519PublicKey = k;
        }
        sut::olm::SessionCreationError::MismatchedIdentityKey(expected, got) => {
            let _: &sut::Curve25519PublicKey = expected;
            let _: &sut::Curve25519PublicKey = got;
        }
        sut::olm::SessionCreationError::MismatchedSessionConfig { expected, got } => {
            let _: &sut::olm::SessionConfig = expected;
            let _: &Option<sut::olm::SessionConfig> = got;
        }
        sut::olm::SessionCreationError::Decryption(e) => {
            let _: &sut::olm::DecryptionError = e;
        }
        sut::olm::SessionCreationError::NonContributoryKey => {}
    }

    match decryption_error {
        sut::olm::DecryptionError::InvalidMAC(_e) => {} // hmac MacError
        sut::olm::DecryptionError::InvalidMACLength(expected, got) => {
            let _: &usize = expected;
            let _: &usize = got;
        }
        sut::olm::DecryptionError::InvalidPadding(_e) => {} // block_padding::Error
        sut::olm::DecryptionError::NonContributoryKey => {}
        sut::olm::DecryptionError::MissingMessageKey(index) => {
            let _: &u64 = index;
        }
        sut::olm::DecryptionError::TooBigMessageGap(gap, max) => {
            let _: &u64 = gap;
            let _: &u64 = max;
        }
    }

    match encryption_error {
        sut::olm::EncryptionError::NonContributoryKey => {}
    }

    match olm_message {
        sut::olm::OlmMessage::Normal(m) => {
            let _: &sut::olm::Message = m;
        }
        sut::olm::OlmMessage::PreKey(m) => {
            let _: &sut::olm::PreKeyMessage = m;
        }
    }

    match message_type {
        sut::olm::MessageType::PreKey => {}
        sut::olm::MessageType::Normal => {}
    }
}

#[allow(dead_code, unused_variables)]
fn check_variants_megolm(
    decryption_error: &sut::megolm::DecryptionError,
    ordering: &sut::megolm::SessionOrdering,
    session_key_decode_error: &sut::megolm::SessionKeyDecodeError,
) {
    match decryption_error {
        sut::megolm::DecryptionError::Signature(e) => {
            let _: &sut::SignatureError = e;
        }
        sut::megolm::DecryptionError::InvalidMAC(_e) => {} // hmac MacError
        sut::megolm::DecryptionError::InvalidMACLength(expected, got) => {
            let _: &usize = expected;
            let _: &usize = got;
        }
        sut::megolm::DecryptionError::InvalidPadding(_e) => {} // block_padding::Error
        sut::megolm::DecryptionError::UnknownMessageIndex(first_known, index) => {
            let _: &u32 = first_known;
            let _: &u32 = index;
        }
    }

    match ordering {
        sut::megolm::SessionOrdering::Equal => {}
        sut::megolm::SessionOrdering::Better => {}
        sut::megolm::SessionOrdering::Worse => {}
        sut::megolm::SessionOrdering::Unconnected => {}
    }

    match session_key_decode_error {
        sut::megolm::SessionKeyDecodeError::Version(expected, got) => {
            let _: &u8 = expected;
            let _: &u8 = got;
        }
        sut::megolm::SessionKeyDecodeError::Read(e) => {
            let _: &std::io::Error = e;
        }
        sut::megolm::SessionKeyDecodeError::Base64(_e) => {} // base64ct::Error
        sut::megolm::SessionKeyDecodeError::Signature(e) => {
            let _: &sut::SignatureError = e;
        }
        sut::megolm::SessionKeyDecodeError::PublicKey(e) => {
            let _: &sut::KeyError = e;
        }
    }
}

/// Variants are constructible from outside the crate, with the payload types
/// pinned (tuple variants coerce to `fn` pointers). Variants wrapping
/// third-party types are left to the matches above.
#[allow(unreachable_pub, dead_code)]
pub fn check_variant_constructors() {
    // crate root
    let _: fn(sut::Base64DecodeError) -> sut::KeyError = sut::KeyError::Base64Error;
    let _: fn(sut::SignatureError) -> sut::KeyError = sut::KeyError::Signature;
    let _: sut::KeyError = sut::KeyError::NonContributoryKey;
    let _ = |key_type: &'static str, expected_length: usize, length: usize| -> sut::KeyError {
        sut::KeyError::InvalidKeyLength {
            key_type,
            expected_length,
            length,
        }
    };
    let _: fn(sut::Base64DecodeError) -> sut::SignatureError = sut::SignatureError::Base64;
    let _: fn(sut::Base64DecodeError) -> sut::PickleError = sut::PickleError::Base64;
    let _: sut::LibolmPickleError = sut::LibolmPickleError::MissingVersion;
    let _: fn(u32, u32) -> sut::LibolmPickleError = sut::LibolmPickleError::Version;
    let _: fn(sut::Base64DecodeError) -> sut::LibolmPickleError = sut::LibolmPickleError::Base64;
    let _: fn(sut::KeyError) -> sut::LibolmPickleError = sut::LibolmPickleError::PublicKey;
    let _: sut::LibolmPickleError = sut::LibolmPickleError::InvalidSession;
    let _: sut::DehydratedDeviceError = sut::DehydratedDeviceError::MissingVersion;
    let _: fn(u32, u32) -> sut::DehydratedDeviceError = sut::DehydratedDeviceError::Version;
    let _: sut::DehydratedDeviceError = sut::DehydratedDeviceError::InvalidNonce;
    let _: fn(sut::Base64DecodeError) -> sut::DehydratedDeviceError =
        sut::DehydratedDeviceError::Base64;
    let _: fn(sut::LibolmPickleError) -> sut::DehydratedDeviceError =
        sut::DehydratedDeviceError::LibolmPickle;
    let _: sut::DehydratedDeviceError = sut::DehydratedDeviceError::InvalidAccount;
    let _: fn(usize) -> sut::DecodeError = sut::DecodeError::MessageType;
    let _: sut::DecodeError = sut::DecodeError::MissingVersion;
    let _: fn(usize) -> sut::DecodeError = sut::DecodeError::MessageTooShort;
    let _: fn(u8, u8) -> sut::DecodeError = sut::DecodeError::InvalidVersion;
    let _: fn(sut::KeyError) -> sut::DecodeError = sut::DecodeError::InvalidKey;
    let _: fn(usize, usize) -> sut::DecodeError = sut::DecodeError::InvalidMacLength;
    let _: fn(sut::SignatureError) -> sut::DecodeError = sut::DecodeError::Signature;
    let _: fn(sut::ProtoBufDecodeError) -> sut::DecodeError = sut::DecodeError::ProtoBufError;
    let _: fn(sut::Base64DecodeError) -> sut::DecodeError = sut::DecodeError::Base64;

    // olm
    let _: fn(sut::Curve25519PublicKey) -> sut::olm::SessionCreationError =
        sut::olm::SessionCreationError::MissingOneTimeKey;
    let _: fn(
        sut::Curve25519PublicKey,
        sut::Curve25519PublicKey,
    ) -> sut::olm::SessionCreationError = sut::olm::SessionCreationError::MismatchedIdentityKey;
    let _ = |expected: sut::olm::SessionConfig,
             got: Option<sut::olm::SessionConfig>|
     -> sut::olm::SessionCreationError {
        sut::olm::SessionCreationError::MismatchedSessionConfig { expected, got }
    };
    let _: fn(sut::olm::DecryptionError) -> sut::olm::SessionCreationError =
        sut::olm::SessionCreationError::Decryption;
    let _: sut::olm::SessionCreationError = sut::olm::SessionCreationError::NonContributoryKey;
    let _: fn(usize, usize) -> sut::olm::DecryptionError =
        sut::olm::DecryptionError::InvalidMACLength;
    let _: sut::olm::DecryptionError = sut::olm::DecryptionError::NonContributoryKey;
    let _: fn(u64) -> sut::olm::DecryptionError = sut::olm::DecryptionError::MissingMessageKey;
    let _: fn(u64, u64) -> sut::olm::DecryptionError = sut::olm::DecryptionError::TooBigMessageGap;
    let _: sut::olm::EncryptionError = sut::olm::EncryptionError::NonContributoryKey;
    let _: fn(sut::olm::Message) -> sut::olm::OlmMessage = sut::olm::OlmMessage::Normal;
    let _: fn(sut::olm::PreKeyMessage) -> sut::olm::OlmMessage = sut::olm::OlmMessage::PreKey;
    let _: sut::olm::MessageType = sut::olm::MessageType::PreKey;
    let _: sut::olm::MessageType = sut::olm::MessageType::Normal;

    // megolm
    let _: fn(sut::SignatureError) -> sut::megolm::DecryptionError =
        sut::megolm::DecryptionError::Signature;
    let _: fn(usize, usize) -> sut::megolm::DecryptionError =
        sut::megolm::DecryptionError::InvalidMACLength;
    let _: fn(u32, u32) -> sut::megolm::DecryptionError =
        sut::megolm::DecryptionError::UnknownMessageIndex;
    let _: sut::megolm::SessionOrdering = sut::megolm::SessionOrdering::Equal;
    let _: sut::megolm::SessionOrdering = sut::megolm::SessionOrdering::Better;
    let _: sut::megolm::SessionOrdering = sut::megolm::SessionOrdering::Worse;
    let _: sut::megolm::SessionOrdering = sut::megolm::SessionOrdering::Unconnected;
    let _: fn(u8, u8) -> sut::megolm::SessionKeyDecodeError =
        sut::megolm::SessionKeyDecodeError::Version;
    let _: fn(std::io::Error) -> sut::megolm::SessionKeyDecodeError =
        sut::megolm::SessionKeyDecodeError::Read;
    let _: fn(sut::SignatureError) -> sut::megolm::SessionKeyDecodeError =
        sut::megolm::SessionKeyDecodeError::Signature;
    let _: fn(sut::KeyError) -> sut::megolm::SessionKeyDecodeError =
        sut::megolm::SessionKeyDecodeError::PublicKey;
}

// ---------------------------------------------------------------------------
// Public struct fields: construction with struct literals and exhaustive
// destructuring (no `..`), with field types pinned.
// ---------------------------------------------------------------------------

#[allow(unreachable_pub, dead_code)]
pub fn check_field_construction() {
    let _ = |ed25519: sut::Ed25519PublicKey,
             curve25519: sut::Curve25519PublicKey|
     -> sut::olm::IdentityKeys {
        sut::olm::IdentityKeys {
            ed25519,
            curve25519,
        }
    };
    let _ = |created: Vec<sut::Curve25519PublicKey>, removed: Vec<sut::Curve25519PublicKey>| {
        sut::olm::OneTimeKeyGenerationResult { created, removed }
    };
    let _ = |session: sut::olm::Session, plaintext: Vec<u8>| -> sut::olm::InboundCreationResult {
        sut::olm::InboundCreationResult { session, plaintext }
    };
    let _ = |identity_key: sut::Curve25519PublicKey,
             base_key: sut::Curve25519PublicKey,
             one_time_key: sut::Curve25519PublicKey|
     -> sut::olm::SessionKeys {
        sut::olm::SessionKeys {
            identity_key,
            base_key,
            one_time_key,
        }
    };
    let _ = |plaintext: Vec<u8>, message_index: u32| -> sut::megolm::DecryptedMessage {
        sut::megolm::DecryptedMessage {
            plaintext,
            message_index,
        }
    };
}

#[allow(dead_code, unused_variables)]
fn check_field_destructuring(
    identity_keys: sut::olm::IdentityKeys,
    otk_result: sut::olm::OneTimeKeyGenerationResult,
    inbound: sut::olm::InboundCreationResult,
    session_keys: sut::olm::SessionKeys,
    decrypted: sut::megolm::DecryptedMessage,
) {
    let sut::olm::IdentityKeys {
        ed25519,
        curve25519,
    } = identity_keys;
    let _: sut::Ed25519PublicKey = ed25519;
    let _: sut::Curve25519PublicKey = curve25519;

    let sut::olm::OneTimeKeyGenerationResult { created, removed } = otk_result;
    let _: Vec<sut::Curve25519PublicKey> = created;
    let _: Vec<sut::Curve25519PublicKey> = removed;

    let sut::olm::InboundCreationResult { session, plaintext } = inbound;
    let _: sut::olm::Session = session;
    let _: Vec<u8> = plaintext;

    let sut::olm::SessionKeys {
        identity_key,
        base_key,
        one_time_key,
    } = session_keys;
    let _: sut::Curve25519PublicKey = identity_key;
    let _: sut::Curve25519PublicKey = base_key;
    let _: sut::Curve25519PublicKey = one_time_key;

    let sut::megolm::DecryptedMessage {
        plaintext,
        message_index,
    } = decrypted;
    let _: Vec<u8> = plaintext;
    let _: u32 = message_index;
}

// ---------------------------------------------------------------------------
// Associated consts and compile-time values
// ---------------------------------------------------------------------------

#[allow(unreachable_pub, dead_code)]
pub fn check_consts() {
    let _: usize = sut::Curve25519PublicKey::LENGTH;
    let _: usize = sut::Ed25519PublicKey::LENGTH;
    let _: usize = sut::Ed25519SecretKey::LENGTH;
    let _: usize = sut::Ed25519Signature::LENGTH;
    let _: &'static str = sut::VERSION;
}

// Values that are part of the API and checkable at compile time.
const _: () = assert!(sut::Curve25519PublicKey::LENGTH == 32);
const _: () = assert!(sut::Ed25519PublicKey::LENGTH == 32);
const _: () = assert!(sut::Ed25519SecretKey::LENGTH == 32);
const _: () = assert!(sut::Ed25519Signature::LENGTH == 64);
// `MessageType` is a fieldless enum with explicit discriminants, so `as` casts
// are part of its API.
const _: () = assert!(sut::olm::MessageType::PreKey as usize == 0);
const _: () = assert!(sut::olm::MessageType::Normal as usize == 1);

// ---------------------------------------------------------------------------
// `const fn`: each of these wrappers only compiles if the wrapped method is a
// `const fn` (as it is in vodozemac 0.11.1).
// ---------------------------------------------------------------------------

#[allow(dead_code)]
const fn const_fn_account_identity_keys(a: &sut::olm::Account) -> sut::olm::IdentityKeys {
    a.identity_keys()
}
#[allow(dead_code)]
const fn const_fn_account_ed25519_key(a: &sut::olm::Account) -> sut::Ed25519PublicKey {
    a.ed25519_key()
}
#[allow(dead_code)]
const fn const_fn_account_curve25519_key(a: &sut::olm::Account) -> sut::Curve25519PublicKey {
    a.curve25519_key()
}
#[allow(dead_code)]
const fn const_fn_account_max_number_of_one_time_keys(a: &sut::olm::Account) -> usize {
    a.max_number_of_one_time_keys()
}
#[allow(dead_code)]
const fn const_fn_ed25519_keypair_public_key(k: &sut::Ed25519Keypair) -> sut::Ed25519PublicKey {
    k.public_key()
}
#[allow(dead_code)]
const fn const_fn_session_has_received_message(s: &sut::olm::Session) -> bool {
    s.has_received_message()
}
#[allow(dead_code)]
const fn const_fn_session_session_keys(s: &sut::olm::Session) -> sut::olm::SessionKeys {
    s.session_keys()
}
#[allow(dead_code)]
const fn const_fn_session_session_config(s: &sut::olm::Session) -> sut::olm::SessionConfig {
    s.session_config()
}
#[allow(dead_code)]
const fn const_fn_message_ratchet_key(m: &sut::olm::Message) -> sut::Curve25519PublicKey {
    m.ratchet_key()
}
#[allow(dead_code)]
const fn const_fn_message_chain_index(m: &sut::olm::Message) -> u64 {
    m.chain_index()
}
#[allow(dead_code)]
const fn const_fn_message_version(m: &sut::olm::Message) -> u8 {
    m.version()
}
#[allow(dead_code)]
const fn const_fn_pre_key_one_time_key(m: &sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey {
    m.one_time_key()
}
#[allow(dead_code)]
const fn const_fn_pre_key_base_key(m: &sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey {
    m.base_key()
}
#[allow(dead_code)]
const fn const_fn_pre_key_identity_key(m: &sut::olm::PreKeyMessage) -> sut::Curve25519PublicKey {
    m.identity_key()
}
#[allow(dead_code)]
const fn const_fn_pre_key_session_keys(m: &sut::olm::PreKeyMessage) -> sut::olm::SessionKeys {
    m.session_keys()
}
#[allow(dead_code)]
const fn const_fn_pre_key_message(m: &sut::olm::PreKeyMessage) -> &sut::olm::Message {
    m.message()
}
#[allow(dead_code)]
const fn const_fn_olm_message_message_type(m: &sut::olm::OlmMessage) -> sut::olm::MessageType {
    m.message_type()
}
#[allow(dead_code)]
const fn const_fn_olm_session_config_version(c: &sut::olm::SessionConfig) -> u8 {
    c.version()
}
#[allow(dead_code)]
const fn const_fn_olm_session_config_version_1() -> sut::olm::SessionConfig {
    sut::olm::SessionConfig::version_1()
}
#[allow(dead_code)]
const fn const_fn_olm_session_config_version_2() -> sut::olm::SessionConfig {
    sut::olm::SessionConfig::version_2()
}
#[allow(dead_code)]
const fn const_fn_megolm_message_message_index(m: &sut::megolm::MegolmMessage) -> u32 {
    m.message_index()
}
#[allow(dead_code)]
const fn const_fn_megolm_message_signature(
    m: &sut::megolm::MegolmMessage,
) -> &sut::Ed25519Signature {
    m.signature()
}
#[allow(dead_code)]
const fn const_fn_inbound_first_known_index(s: &sut::megolm::InboundGroupSession) -> u32 {
    s.first_known_index()
}
#[allow(dead_code)]
const fn const_fn_group_session_message_index(s: &sut::megolm::GroupSession) -> u32 {
    s.message_index()
}
#[allow(dead_code)]
const fn const_fn_group_session_session_config(
    s: &sut::megolm::GroupSession,
) -> sut::megolm::SessionConfig {
    s.session_config()
}
#[allow(dead_code)]
const fn const_fn_megolm_session_config_version(c: &sut::megolm::SessionConfig) -> u8 {
    c.version()
}
#[allow(dead_code)]
const fn const_fn_megolm_session_config_version_1() -> sut::megolm::SessionConfig {
    sut::megolm::SessionConfig::version_1()
}
#[allow(dead_code)]
const fn const_fn_megolm_session_config_version_2() -> sut::megolm::SessionConfig {
    sut::megolm::SessionConfig::version_2()
}

// The session-config versions are observable at compile time through the
// `const fn`s above.
const _: () = assert!(sut::olm::SessionConfig::version_1().version() == 1);
const _: () = assert!(sut::olm::SessionConfig::version_2().version() == 2);
const _: () = assert!(sut::megolm::SessionConfig::version_1().version() == 1);
const _: () = assert!(sut::megolm::SessionConfig::version_2().version() == 2);

/// Constants of these types can be used as match patterns in vodozemac
/// (derived `PartialEq + Eq`, i.e. structural equality).
#[allow(dead_code)]
fn check_structural_match(
    olm_config: sut::olm::SessionConfig,
    megolm_config: sut::megolm::SessionConfig,
    message_type: sut::olm::MessageType,
    ordering: sut::megolm::SessionOrdering,
) -> u8 {
    const OLM_V1: sut::olm::SessionConfig = sut::olm::SessionConfig::version_1();
    const MEGOLM_V1: sut::megolm::SessionConfig = sut::megolm::SessionConfig::version_1();
    const PRE_KEY: sut::olm::MessageType = sut::olm::MessageType::PreKey;
    const EQUAL: sut::megolm::SessionOrdering = sut::megolm::SessionOrdering::Equal;
    let a = match olm_config {
        OLM_V1 => 1,
        _ => 0,
    };
    let b = match megolm_config {
        MEGOLM_V1 => 1,
        _ => 0,
    };
    let c = match message_type {
        PRE_KEY => 1,
        _ => 0,
    };
    let d = match ordering {
        EQUAL => 1,
        _ => 0,
    };
    a + b + c + d
}
