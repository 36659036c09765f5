//! salamander's errors as JavaScript `Error` subclasses (`src/errors.js`).
//!
//! Each error has a stable `name` (the class), a `kind` (the variant of the Rust error enum) and
//! salamander's `Display` text as its `message`.

use std::fmt::Display;

use salamander::{
    megolm, olm, DecodeError, DehydratedDeviceError, KeyError, LibolmPickleError, PickleError,
    SignatureError,
};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = makeError)]
    fn make_error(name: &str, kind: &str, message: &str) -> JsValue;
}

/// A JavaScript error of class `name` (one of `src/errors.js`).
pub(crate) fn error(name: &str, kind: &str, message: impl Display) -> JsValue {
    make_error(name, kind, &message.to_string())
}

/// A `RangeError`: a number argument out of range, or a byte array of the wrong length.
pub(crate) fn range_error(message: &str) -> JsValue {
    js_sys::RangeError::new(message).into()
}

/// A `TypeError`: an argument of the wrong type.
pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// Conversion of a salamander error into its JavaScript error.
pub(crate) trait ToJsError {
    /// The JavaScript error.
    fn to_js(&self) -> JsValue;
}

/// `impl ToJsError` for an error type: its class name and the name of each variant.
macro_rules! js_error {
    ($type:ty, $name:literal, { $($variant:pat => $kind:literal),+ $(,)? }) => {
        impl ToJsError for $type {
            fn to_js(&self) -> JsValue {
                let kind = match self {
                    $($variant => $kind),+
                };
                error($name, kind, self)
            }
        }
    };
}

js_error!(DecodeError, "DecodeError", {
    DecodeError::MessageType(_) => "MessageType",
    DecodeError::MissingVersion => "MissingVersion",
    DecodeError::MessageTooShort(_) => "MessageTooShort",
    DecodeError::InvalidVersion(..) => "InvalidVersion",
    DecodeError::InvalidKey(_) => "InvalidKey",
    DecodeError::InvalidMacLength(..) => "InvalidMacLength",
    DecodeError::Signature(_) => "Signature",
    DecodeError::ProtoBufError(_) => "ProtoBufError",
    DecodeError::Base64(_) => "Base64",
});

js_error!(megolm::SessionKeyDecodeError, "DecodeError", {
    megolm::SessionKeyDecodeError::Version(..) => "Version",
    megolm::SessionKeyDecodeError::Read(_) => "Read",
    megolm::SessionKeyDecodeError::Base64(_) => "Base64",
    megolm::SessionKeyDecodeError::Signature(_) => "Signature",
    megolm::SessionKeyDecodeError::PublicKey(_) => "PublicKey",
});

js_error!(KeyError, "KeyError", {
    KeyError::Base64Error(_) => "Base64Error",
    KeyError::Base64PrivateKey(_) => "Base64PrivateKey",
    KeyError::InvalidKeyLength { .. } => "InvalidKeyLength",
    KeyError::Signature(_) => "Signature",
    KeyError::NonContributoryKey => "NonContributoryKey",
});

js_error!(SignatureError, "SignatureError", {
    SignatureError::Base64(_) => "Base64",
    SignatureError::Signature(_) => "Signature",
});

js_error!(PickleError, "PickleError", {
    PickleError::Base64(_) => "Base64",
    PickleError::Decryption(_) => "Decryption",
    PickleError::Serialization(_) => "Serialization",
});

js_error!(LibolmPickleError, "LibolmPickleError", {
    LibolmPickleError::MissingVersion => "MissingVersion",
    LibolmPickleError::Version(..) => "Version",
    LibolmPickleError::Base64(_) => "Base64",
    LibolmPickleError::Decryption(_) => "Decryption",
    LibolmPickleError::PublicKey(_) => "PublicKey",
    LibolmPickleError::InvalidSession => "InvalidSession",
    LibolmPickleError::Decode(_) => "Decode",
    LibolmPickleError::Encode(_) => "Encode",
});

js_error!(DehydratedDeviceError, "DehydratedDeviceError", {
    DehydratedDeviceError::MissingVersion => "MissingVersion",
    DehydratedDeviceError::Version(..) => "Version",
    DehydratedDeviceError::InvalidNonce => "InvalidNonce",
    DehydratedDeviceError::Base64(_) => "Base64",
    DehydratedDeviceError::Decryption(_) => "Decryption",
    DehydratedDeviceError::LibolmPickle(_) => "LibolmPickle",
    DehydratedDeviceError::InvalidAccount => "InvalidAccount",
});

js_error!(olm::SessionCreationError, "SessionCreationError", {
    olm::SessionCreationError::MissingOneTimeKey(_) => "MissingOneTimeKey",
    olm::SessionCreationError::MismatchedIdentityKey(..) => "MismatchedIdentityKey",
    olm::SessionCreationError::MismatchedSessionConfig { .. } => "MismatchedSessionConfig",
    olm::SessionCreationError::Decryption(_) => "Decryption",
    olm::SessionCreationError::NonContributoryKey => "NonContributoryKey",
});

js_error!(olm::DecryptionError, "DecryptionError", {
    olm::DecryptionError::InvalidMAC(_) => "InvalidMAC",
    olm::DecryptionError::InvalidMACLength(..) => "InvalidMACLength",
    olm::DecryptionError::InvalidPadding(_) => "InvalidPadding",
    olm::DecryptionError::NonContributoryKey => "NonContributoryKey",
    olm::DecryptionError::MissingMessageKey(_) => "MissingMessageKey",
    olm::DecryptionError::TooBigMessageGap(..) => "TooBigMessageGap",
});

js_error!(olm::EncryptionError, "EncryptionError", {
    olm::EncryptionError::NonContributoryKey => "NonContributoryKey",
});

js_error!(megolm::DecryptionError, "DecryptionError", {
    megolm::DecryptionError::Signature(_) => "Signature",
    megolm::DecryptionError::InvalidMAC(_) => "InvalidMAC",
    megolm::DecryptionError::InvalidMACLength(..) => "InvalidMACLength",
    megolm::DecryptionError::InvalidPadding(_) => "InvalidPadding",
    megolm::DecryptionError::UnknownMessageIndex(..) => "UnknownMessageIndex",
});

/// `result.map_err(|e| e.to_js())`.
pub(crate) trait JsResult<T> {
    /// The result with its error as a JavaScript error.
    fn js(self) -> Result<T, JsValue>;
}

impl<T, E: ToJsError> JsResult<T> for Result<T, E> {
    fn js(self) -> Result<T, JsValue> {
        self.map_err(|e| e.to_js())
    }
}
