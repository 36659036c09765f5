//! Argument conversion, result objects and the replaying random number generator.

use std::convert::Infallible;

use js_sys::{Array, Object, Reflect, Uint8Array};
use rand_core::{TryCryptoRng, TryRng};
use salamander::{Curve25519PublicKey, KeyId};
use wasm_bindgen::{prelude::*, JsCast};

use crate::errors::{error, range_error, type_error, JsResult};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Bytes, or a string that is encoded as UTF-8. */
export type BytesOrString = Uint8Array | string;

/** Options of a session: `v2` selects the 32-byte-MAC version (not in the Matrix spec; libolm cannot read it). */
export interface SessionOptions {
  v2?: boolean;
}

/** A device's public identity keys, unpadded base64. */
export interface IdentityKeys {
  curve25519: string;
  ed25519: string;
}

/** Public keys by key id, all unpadded base64. */
export type KeyMap = Record<string, string>;

/** The public keys created and evicted by `Account.generateOneTimeKeys`. */
export interface OneTimeKeyGenerationResult {
  created: string[];
  removed: string[];
}

/** The result of `Account.createInboundSession`. */
export interface InboundCreationResult {
  session: Session;
  plaintext: Uint8Array;
}

/** An account encrypted as a dehydrated device (MSC3814), unpadded base64. */
export interface DehydratedDevice {
  ciphertext: string;
  nonce: string;
}

/** The three keys an Olm session was created from, unpadded base64. */
export interface SessionKeys {
  identityKey: string;
  baseKey: string;
  oneTimeKey: string;
}

/** A decrypted Megolm message. */
export interface DecryptedMessage {
  plaintext: Uint8Array;
  messageIndex: number;
}

/** How two inbound group sessions for the same Megolm session relate. */
export type SessionOrdering = "Equal" | "Better" | "Worse" | "Unconnected";
"#;

#[wasm_bindgen]
extern "C" {
    /// `Uint8Array | string`.
    #[wasm_bindgen(typescript_type = "BytesOrString")]
    pub type BytesOrString;
    /// `{ v2?: boolean }`.
    #[wasm_bindgen(typescript_type = "SessionOptions")]
    pub type SessionOptions;
    /// `{ curve25519, ed25519 }`.
    #[wasm_bindgen(typescript_type = "IdentityKeys")]
    pub type IdentityKeysObject;
    /// `{ [keyId]: key }`.
    #[wasm_bindgen(typescript_type = "KeyMap")]
    pub type KeyMap;
    /// `{ created, removed }`.
    #[wasm_bindgen(typescript_type = "OneTimeKeyGenerationResult")]
    pub type OneTimeKeyGenerationObject;
    /// `{ session, plaintext }`.
    #[wasm_bindgen(typescript_type = "InboundCreationResult")]
    pub type InboundCreationObject;
    /// `{ ciphertext, nonce }`.
    #[wasm_bindgen(typescript_type = "DehydratedDevice")]
    pub type DehydratedDeviceObject;
    /// `{ identityKey, baseKey, oneTimeKey }`.
    #[wasm_bindgen(typescript_type = "SessionKeys")]
    pub type SessionKeysObject;
    /// `{ plaintext, messageIndex }`.
    #[wasm_bindgen(typescript_type = "DecryptedMessage")]
    pub type DecryptedMessageObject;
    /// `"Equal" | "Better" | "Worse" | "Unconnected"`.
    #[wasm_bindgen(typescript_type = "SessionOrdering")]
    pub type SessionOrderingString;
}

/// The bytes of a `Uint8Array`, or the UTF-8 bytes of a string.
pub(crate) fn bytes_of(value: &BytesOrString) -> Result<Vec<u8>, JsValue> {
    if let Some(text) = value.as_string() {
        Ok(text.into_bytes())
    } else if let Some(array) = value.dyn_ref::<Uint8Array>() {
        Ok(array.to_vec())
    } else {
        Err(type_error("expected a Uint8Array or a string"))
    }
}

/// Whether `options.v2` is `true`.
pub(crate) fn wants_v2(options: Option<&SessionOptions>) -> bool {
    options
        .and_then(|options| Reflect::get(options, &JsValue::from_str("v2")).ok())
        .is_some_and(|v2| v2.is_truthy())
}

/// The Olm session configuration the options select.
pub(crate) fn olm_config(options: Option<&SessionOptions>) -> salamander::olm::SessionConfig {
    if wants_v2(options) {
        salamander::olm::SessionConfig::version_2()
    } else {
        salamander::olm::SessionConfig::version_1()
    }
}

/// The Megolm session configuration the options select.
pub(crate) fn megolm_config(options: Option<&SessionOptions>) -> salamander::megolm::SessionConfig {
    if wants_v2(options) {
        salamander::megolm::SessionConfig::version_2()
    } else {
        salamander::megolm::SessionConfig::version_1()
    }
}

/// A 32-byte key for native pickles and dehydrated devices; `error_name` is the class of the
/// error thrown for another length.
pub(crate) fn key32(key: &[u8], error_name: &str) -> Result<[u8; 32], JsValue> {
    <[u8; 32]>::try_from(key).map_err(|_| {
        error(
            error_name,
            "InvalidKeyLength",
            format_args!("The key must be a Uint8Array of 32 bytes, got {} bytes", key.len()),
        )
    })
}

/// A whole number in `0..=max`, else a `RangeError` naming `what`.
pub(crate) fn whole_number(value: f64, max: u32, what: &str) -> Result<u32, JsValue> {
    if value.is_finite() && value.fract() == 0.0 && (0.0..=f64::from(max)).contains(&value) {
        // In range and whole: the conversion is exact.
        Ok(value as u32)
    } else {
        // (The value is not formatted: Rust's float formatting would add ~15 KB of WebAssembly.)
        Err(range_error(&format!("{what} must be a whole number from 0 to {max}")))
    }
}

/// A Curve25519 public key from unpadded base64.
pub(crate) fn curve_key(key: &str) -> Result<Curve25519PublicKey, JsValue> {
    Curve25519PublicKey::from_base64(key).js()
}

/// Set `object[name] = value` (on a plain object this cannot fail).
pub(crate) fn set(object: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(object, &JsValue::from_str(name), value);
}

/// `{ [keyId]: key }`, sorted by key id.
pub(crate) fn key_map(keys: impl IntoIterator<Item = (KeyId, Curve25519PublicKey)>) -> KeyMap {
    let mut keys: Vec<_> = keys.into_iter().collect();
    keys.sort_by_key(|(id, _)| *id);
    let object = Object::new();
    for (id, key) in keys {
        set(&object, &id.to_base64(), &JsValue::from_str(&key.to_base64()));
    }
    object.unchecked_into()
}

/// A JavaScript array of unpadded base64 keys.
pub(crate) fn key_array(keys: &[Curve25519PublicKey]) -> Array {
    keys.iter().map(|key| JsValue::from_str(&key.to_base64())).collect()
}

/// A random number generator that hands out the bytes it was given, for known-answer tests.
pub(crate) struct Replay<'a> {
    bytes: &'a [u8],
    position: usize,
    overrun: bool,
}

impl<'a> Replay<'a> {
    /// A generator over `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, position: 0, overrun: false }
    }

    /// `Ok` if exactly all the bytes were drawn, else a `RangeError` for `what`.
    pub(crate) fn finish(&self, what: &str) -> Result<(), JsValue> {
        if self.overrun {
            Err(range_error(&format!(
                "{what} needs more than the {} random bytes given",
                self.bytes.len()
            )))
        } else if self.position != self.bytes.len() {
            Err(range_error(&format!(
                "{what} needs {} random bytes, {} were given",
                self.position,
                self.bytes.len()
            )))
        } else {
            Ok(())
        }
    }
}

impl TryRng for Replay<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for byte in dst {
            match self.bytes.get(self.position) {
                Some(b) => {
                    *byte = *b;
                    self.position += 1;
                }
                None => {
                    *byte = 0;
                    self.overrun = true;
                }
            }
        }
        Ok(())
    }
}

impl TryCryptoRng for Replay<'_> {}

/// Run `f` with a generator over `bytes`; its result only if it drew exactly those bytes.
pub(crate) fn with_replay<T>(
    bytes: &[u8],
    what: &str,
    f: impl FnOnce(&mut Replay<'_>) -> T,
) -> Result<T, JsValue> {
    let mut rng = Replay::new(bytes);
    let result = f(&mut rng);
    rng.finish(what)?;
    Ok(result)
}
