//! WebAssembly bindings of salamander (Olm and Megolm; with the cargo feature `dmls`, also
//! decentralised MLS: `dmls.rs`) for browsers and Node.
//!
//! `./build` compiles this crate for `wasm32-unknown-unknown`, runs `wasm-bindgen` and
//! `wasm-opt`, and writes the npm package `salamander` to `pkg/`; README.md describes the
//! JavaScript API. The crate also compiles for the host (the functions are only callable from
//! WebAssembly), so that the workspace's `cargo clippy --all-targets` checks it.
//!
//! Nothing here may panic: every error is returned to JavaScript as a thrown `Error` subclass
//! (`errors.rs`, `src/errors.js`). The WASM build aborts on panic; the hook installed at start
//! reports one on `console.error` before that, should a bug ever cause one.

#![deny(unsafe_code)]

#[cfg(feature = "dmls")]
mod dmls;
mod errors;
mod megolm;
mod olm;
mod util;

use salamander::{Ed25519PublicKey, Ed25519Signature};
use wasm_bindgen::prelude::*;

#[cfg(feature = "dmls")]
pub use crate::dmls::{DmlsGroup, DmlsIdentity};
use crate::{
    errors::JsResult,
    util::{bytes_of, BytesOrString},
};
pub use crate::{
    megolm::{GroupSession, InboundGroupSession, MegolmMessage},
    olm::{Account, OlmMessage, Session},
};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs when the module is instantiated: install the panic hook.
#[wasm_bindgen(start, private)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!(
            "salamander: internal error, the WebAssembly module aborted and cannot be used \
             any more (this is a bug, please report it): {info}"
        ));
    }));
}

/// The version of salamander inside this package.
#[wasm_bindgen(js_name = salamanderVersion)]
pub fn salamander_version() -> String {
    salamander::VERSION.to_owned()
}

/// Verify an Ed25519 signature (unpadded base64) of `message` (a string is taken as its UTF-8
/// bytes) under `publicKey` (unpadded base64), strictly (RFC 8032). Throws a `KeyError` if the
/// key is invalid, a `SignatureError` if the signature does not decode or does not verify.
/// Check the signature on a one-time key before `createOutboundSession`.
#[wasm_bindgen(js_name = ed25519Verify)]
pub fn ed25519_verify(
    #[wasm_bindgen(js_name = "publicKey")] public_key: &str,
    message: &BytesOrString,
    signature: &str,
) -> Result<(), JsValue> {
    let key = Ed25519PublicKey::from_base64(public_key).js()?;
    let signature = Ed25519Signature::from_base64(signature).js()?;
    key.verify(&bytes_of(message)?, &signature).js()
}
