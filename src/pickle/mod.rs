//! Persisting state: one pickle API over every stateful type.
//!
//! Every state type `X` ([`Account`](crate::olm::Account), [`Session`](crate::olm::Session),
//! and, from the Megolm module, the group sessions) has the same four calls, named as in
//! vodozemac 0.11:
//!
//! - `x.pickle()` returns an `XPickle`, a plain `serde` value holding the whole state;
//! - `pickle.encrypt(&key)` seals it under a 32-byte key into a base64 string;
//! - `XPickle::from_encrypted(&string, &key)` opens such a string again;
//! - `X::from_pickle(pickle)` (or `X::from(pickle)`) restores the state.
//!
//! ```
//! use salamander::olm::{Account, AccountPickle};
//!
//! let account = Account::new();
//! let key = [7u8; 32];
//! let stored: String = account.pickle().encrypt(&key);
//!
//! let restored = Account::from_pickle(AccountPickle::from_encrypted(&stored, &key).unwrap());
//! assert_eq!(restored.identity_keys(), account.identity_keys());
//! assert!(AccountPickle::from_encrypted(&stored, &[8u8; 32]).is_err());
//! ```
//!
//! # Format
//!
//! The native format is vodozemac 0.11's, byte for byte, so a pickle written by either library
//! loads in the other: the state is serialized with `serde_json` (byte arrays as JSON arrays of
//! numbers), then sealed with the libolm pickle cipher: `AES_KEY ‖ MAC_KEY ‖ IV =
//! HKDF-SHA-256(0, key, "Pickle", 80)`, `AES-256-CBC-PKCS7(json) ‖ HMAC-SHA-256(ciphertext)[..8]`,
//! unpadded base64. The MAC is checked before decryption and the decrypted JSON is zeroized.
//!
//! Versioning: the JSON layout carries its own history through serde defaults and aliases
//! (vodozemac's rule, kept here): a field added later has a default (`config` defaults to
//! version 1, ratchet counts to "unknown"), a renamed field keeps its old name as an alias
//! (`key_id` for `next_key_id`). Reading therefore accepts every layout vodozemac has written.
//!
//! Like libolm's, this envelope derives its IV from the key, so the same key and state give the
//! same string; use a distinct key per store if that matters to you.
//!
//! Limits: an encrypted pickle longer than [`MAX_PICKLE_LENGTH`] characters is refused before
//! it is decoded, and every list inside a pickle is bounded by the limit of the state it
//! restores (receiving chains, skipped keys, one-time keys): a longer list is an error, not a
//! truncation.

pub(crate) mod libolm;
pub(crate) mod secret;

pub use libolm::{LibolmDecodeError, LibolmEncodeError};

use serde::{de::DeserializeOwned, Serialize};
use zeroize::Zeroize;

use crate::{cipher::CipherKeys, codec::base64::base64_decode, PickleError};

/// The longest encrypted pickle salamander reads: 16 MiB of base64, well above a full account
/// (5000 one-time keys make about 3 MiB).
pub const MAX_PICKLE_LENGTH: usize = 16 * 1024 * 1024;

/// Refuse an encrypted pickle longer than [`MAX_PICKLE_LENGTH`], before any decoding.
pub(crate) fn check_length(ciphertext: &str) -> Result<(), crate::cipher::DecryptionError> {
    if ciphertext.len() > MAX_PICKLE_LENGTH {
        Err(crate::cipher::DecryptionError::TooLong {
            length: ciphertext.len(),
            max: MAX_PICKLE_LENGTH,
        })
    } else {
        Ok(())
    }
}

/// Serialize and seal a pickle.
pub(crate) fn encrypt<T: Serialize>(value: &T, pickle_key: &[u8]) -> String {
    // Every pickle type serializes to JSON: no maps with non-string keys other than integers,
    // no custom serializers that fail. An empty plaintext would still be sealed and then fail
    // to load, never produce a wrong state.
    let mut json = serde_json::to_vec(value).unwrap_or_default();
    let sealed = CipherKeys::pickle(pickle_key).encrypt_pickle(&json);
    json.zeroize();
    crate::base64_encode(sealed)
}

/// Open and deserialize a pickle.
pub(crate) fn decrypt<T: DeserializeOwned>(
    ciphertext: &str,
    pickle_key: &[u8],
) -> Result<T, PickleError> {
    check_length(ciphertext)?;
    let sealed = base64_decode(ciphertext)?;
    let json = CipherKeys::pickle(pickle_key).decrypt_pickle(&sealed)?;
    Ok(serde_json::from_slice(&json)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cipher::DecryptionError;

    #[test]
    fn pickles_up_to_16_mib_are_read() {
        // The documented limit, written out: 16 MiB of base64.
        let at_limit = "A".repeat(16 << 20);
        assert!(check_length(&at_limit).is_ok());
        // At the limit the length passes and the MAC decides.
        assert!(matches!(
            decrypt::<u8>(&at_limit, &[0; 32]),
            Err(PickleError::Decryption(DecryptionError::Mac(_)))
        ));

        let over = "A".repeat((16 << 20) + 1);
        assert!(matches!(
            check_length(&over),
            Err(DecryptionError::TooLong { length, max }) if length == over.len() && max == MAX_PICKLE_LENGTH
        ));
        assert!(matches!(
            decrypt::<u8>(&over, &[0; 32]),
            Err(PickleError::Decryption(DecryptionError::TooLong { .. }))
        ));
        #[cfg(feature = "libolm-compat")]
        assert!(matches!(
            libolm::decrypt(&over, &[0; 32]),
            Err(crate::LibolmPickleError::Decryption(DecryptionError::TooLong { .. }))
        ));
    }
}
