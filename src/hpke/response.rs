//! The response direction of the channel, and the check code, derived from the HPKE context.
//!
//! HPKE itself only encrypts from the sender to the recipient. MSC4388 adds the other direction
//! the way Oblivious HTTP does ([RFC 9458 §4.4]): the recipient picks a random 32-byte
//! `response_nonce` (the AEAD key size) and both sides compute
//!
//! ```text
//! secret = Export("{APP}_RESPONSE", 32)                      (RFC 9180 §5.3)
//! prk    = HKDF-Extract(salt = enc ‖ response_nonce, secret) (HKDF-SHA-256)
//! key    = HKDF-Expand(prk, "key", 32)
//! nonce  = HKDF-Expand(prk, "nonce", 12)
//! ```
//!
//! Unlike RFC 9458, `key` and `nonce` then make a second HPKE context (ChaCha20-Poly1305, base
//! nonce `nonce` XOR a 64-bit big-endian sequence number, RFC 9180 §5.2), so the response
//! direction carries many messages, each under a fresh nonce.
//!
//! The check code is `Export(APP "_CHECKCODE" ‖ Gp ‖ Sp, 2)` from the initial context.
//!
//! [RFC 9458 §4.4]: https://www.rfc-editor.org/rfc/rfc9458#name-encapsulation-of-responses

use hkdf::Hkdf;
use hpke::{
    danger::streaming_enc::{
        create_receiver_context, create_sender_context, AeadKey, AeadNonce, ExporterSecret,
    },
    HpkeError,
};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{
    Aead, CheckCode, Kdf, Kem, RecipientContext, RecipientResponseContext, SenderContext,
    SenderResponseContext,
};
use crate::Curve25519PublicKey;

/// The exporter of the initial HPKE context, on either side.
pub(super) trait Exporter {
    fn export_into(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), HpkeError>;

    /// The check code: `Export(APP "_CHECKCODE" ‖ Gp ‖ Sp, 2)`.
    fn check_code(
        &self,
        application_info: &str,
        g_public_key: Curve25519PublicKey,
        s_public_key: Curve25519PublicKey,
    ) -> Result<CheckCode, HpkeError> {
        let info = [
            application_info.as_bytes(),
            b"_CHECKCODE",
            g_public_key.as_bytes(),
            s_public_key.as_bytes(),
        ]
        .concat();
        let mut bytes = [0u8; 2];
        self.export_into(&info, &mut bytes)?;
        Ok(CheckCode { bytes })
    }

    /// The response key and base nonce (module documentation).
    fn response_keys(
        &self,
        application_info: &str,
        encapsulated_key: Curve25519PublicKey,
        response_nonce: &[u8; 32],
    ) -> Result<ResponseKeys, HpkeError> {
        let mut secret = Zeroizing::new([0u8; 32]);
        let info = format!("{application_info}_RESPONSE");
        self.export_into(info.as_bytes(), secret.as_mut_slice())?;

        let salt = [encapsulated_key.as_bytes().as_slice(), response_nonce].concat();
        let hkdf = Hkdf::<Sha256>::new(Some(&salt), secret.as_slice());
        let mut keys = ResponseKeys { key: AeadKey::default(), nonce: AeadNonce::default() };
        hkdf.expand(b"key", keys.key.0.as_mut_slice())
            .and_then(|()| hkdf.expand(b"nonce", keys.nonce.0.as_mut_slice()))
            .map_err(|_| HpkeError::KdfOutputTooLong)?;
        Ok(keys)
    }
}

impl Exporter for SenderContext {
    fn export_into(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), HpkeError> {
        self.export(exporter_context, out)
    }
}

impl Exporter for RecipientContext {
    fn export_into(&self, exporter_context: &[u8], out: &mut [u8]) -> Result<(), HpkeError> {
        self.export(exporter_context, out)
    }
}

/// The response direction's AEAD key and base nonce; both zeroize on drop.
pub(super) struct ResponseKeys {
    key: AeadKey<Aead>,
    nonce: AeadNonce<Aead>,
}

impl ResponseKeys {
    /// Random keys: a fail-closed stand-in should derivation ever fail (it cannot: HKDF-SHA-256
    /// is asked for 32 and 12 bytes). Nothing the other side sends will open with them.
    pub(super) fn random<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut keys = Self { key: AeadKey::default(), nonce: AeadNonce::default() };
        rng.fill_bytes(keys.key.0.as_mut_slice());
        rng.fill_bytes(keys.nonce.0.as_mut_slice());
        keys
    }

    // The response contexts never export anything, so their exporter secret is a dummy (all
    // zeroes) that the hpke crate requires; our API offers no way to use it.

    /// The sender's context for opening the recipient's messages.
    pub(super) fn into_sender_side(self) -> SenderResponseContext {
        create_receiver_context::<Aead, Kdf, Kem>(&self.key, self.nonce, ExporterSecret::default())
    }

    /// The recipient's context for sealing messages to the sender.
    pub(super) fn into_recipient_side(self) -> RecipientResponseContext {
        create_sender_context::<Aead, Kdf, Kem>(&self.key, self.nonce, ExporterSecret::default())
    }
}
