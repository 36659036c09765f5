//! ECIES: the secure channel of QR-code login ([MSC4108]).
//!
//! An elliptic-curve integrated encryption scheme: X25519 for the shared secret, HKDF-SHA-512
//! for the keys and ChaCha20-Poly1305 for the messages (see `established.rs` for the exact key
//! schedule, and `messages.rs` for the encodings).
//!
//! One device, G, shows its public key (in a QR code). The other device, S, makes an ephemeral
//! key pair, derives the channel from it and G's key, and sends an [`InitialMessage`]: its
//! ephemeral public key and a first encrypted message. G derives the same channel from it.
//! S knew G's key out of band, so S knows the channel is secure; G cannot know who sent the
//! initial message, so the two devices must compare the [`CheckCode`] out of band before G
//! trusts the channel.
//!
//! Small-order ("non-contributory") public keys are refused on both sides with
//! [`Error::NonContributoryKey`], so the shared secret is never predictable. Messages must
//! arrive in order and exactly once (see [`EstablishedEcies::decrypt`]).
//!
//! # Construction
//!
//! With `APP` the application info, `Gp` G's public key and `Sp` S's ephemeral public key (both
//! as unpadded base64), each secret is HKDF-SHA-512 (no salt) of the X25519 shared secret:
//! S's encryption key with info `APP "_ENCKEY_S|" Gp "|" Sp`, G's with `APP "_ENCKEY_G|" Gp "|"
//! Sp`, and the two-byte check code with `APP "_CHECKCODE|" Gp "|" Sp`. Messages are
//! ChaCha20-Poly1305 without associated data; each direction counts its messages from 0 and uses
//! the count as the nonce (12 bytes, little-endian). The initial message is S's message 0.
//!
//! [MSC4108]: https://github.com/matrix-org/matrix-spec-proposals/pull/4108
//!
//! # Examples
//!
//! ```
//! use salamander::ecies::{Ecies, InboundCreationResult, OutboundCreationResult};
//!
//! let plaintext = b"It's a secret to everybody";
//!
//! let alice = Ecies::new();
//! let bob = Ecies::new();
//!
//! let OutboundCreationResult { ecies: mut alice, message } =
//!     alice.establish_outbound_channel(bob.public_key(), plaintext)?;
//!
//! let InboundCreationResult { ecies: mut bob, message } = bob.establish_inbound_channel(&message)?;
//! assert_eq!(message, plaintext);
//!
//! // The check codes are compared out of band.
//! assert_eq!(alice.check_code(), bob.check_code());
//!
//! let message = bob.encrypt(b"Another plaintext");
//! assert_eq!(alice.decrypt(&message)?, b"Another plaintext");
//! # Ok::<(), salamander::ecies::Error>(())
//! ```

mod check_code;
mod established;
mod messages;

use rand_core::CryptoRng;

use self::established::Role;
pub use self::{
    check_code::{CheckCode, DigitMode},
    established::EstablishedEcies,
    messages::{InitialMessage, Message, MessageDecodeError},
};
use crate::{rng::OsRng, Curve25519PublicKey, Curve25519SecretKey};

/// The application info MSC4108 uses.
const MATRIX_QR_LOGIN_INFO_PREFIX: &str = "MATRIX_QR_CODE_LOGIN";

/// An ECIES channel could not be established, or a message could not be decrypted.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The other side's public key is of small order: the shared secret would not depend on
    /// our secret key.
    #[error("At least one of the keys did not have contributory behaviour")]
    NonContributoryKey,
    /// The message did not decrypt: it was altered, replayed, reordered or not meant for us.
    #[error("Failed decrypting the message")]
    Decryption,
}

/// The result of [`Ecies::establish_inbound_channel`].
#[derive(Debug)]
pub struct InboundCreationResult {
    /// The established channel.
    pub ecies: EstablishedEcies,
    /// The initial message's plaintext.
    pub message: Vec<u8>,
}

/// The result of [`Ecies::establish_outbound_channel`].
#[derive(Debug)]
pub struct OutboundCreationResult {
    /// The established channel.
    pub ecies: EstablishedEcies,
    /// The initial message to send to the other side.
    pub message: InitialMessage,
}

/// An ECIES key pair, before a channel is established. Its secret key zeroizes on drop.
pub struct Ecies {
    secret_key: Curve25519SecretKey,
    public_key: Curve25519PublicKey,
    application_info: String,
}

impl Ecies {
    /// A new random key pair, with MSC4108's application info `MATRIX_QR_CODE_LOGIN`.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Self::with_info(MATRIX_QR_LOGIN_INFO_PREFIX)
    }

    /// A new random key pair with another application info, which separates the keys of
    /// different uses of the scheme.
    pub fn with_info(info: &str) -> Self {
        Self::with_info_and_rng(info, &mut OsRng)
    }

    /// As [`Ecies::new`], drawing the secret key's 32 bytes from `rng` (for tests and
    /// known-answer vectors).
    pub fn new_with_rng<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self::with_info_and_rng(MATRIX_QR_LOGIN_INFO_PREFIX, rng)
    }

    /// As [`Ecies::with_info`], drawing the secret key's 32 bytes from `rng`.
    pub fn with_info_and_rng<R: CryptoRng + ?Sized>(info: &str, rng: &mut R) -> Self {
        let secret_key = Curve25519SecretKey::new_with_rng(rng);
        let public_key = Curve25519PublicKey::from(&secret_key);
        Self { secret_key, public_key, application_info: info.to_owned() }
    }

    /// Our public key: device G shows it to device S out of band.
    pub fn public_key(&self) -> Curve25519PublicKey {
        self.public_key
    }

    /// As device S, establish a channel towards `their_public_key` and encrypt
    /// `initial_plaintext` into the [`InitialMessage`] that lets the other side join.
    ///
    /// Fails with [`Error::NonContributoryKey`] if their key is of small order.
    pub fn establish_outbound_channel(
        self,
        their_public_key: Curve25519PublicKey,
        initial_plaintext: &[u8],
    ) -> Result<OutboundCreationResult, Error> {
        let mut ecies = self.establish(their_public_key, Role::Initiator)?;
        let Message { ciphertext } = ecies.encrypt(initial_plaintext);
        let message = InitialMessage { public_key: ecies.public_key(), ciphertext };
        Ok(OutboundCreationResult { ecies, message })
    }

    /// As device G, establish the channel from the other side's [`InitialMessage`] and decrypt
    /// it.
    ///
    /// Fails with [`Error::NonContributoryKey`] if the message's key is of small order, and with
    /// [`Error::Decryption`] if the message does not decrypt (for example because its key was
    /// replaced).
    pub fn establish_inbound_channel(
        self,
        message: &InitialMessage,
    ) -> Result<InboundCreationResult, Error> {
        let mut ecies = self.establish(message.public_key, Role::Recipient)?;
        let message = ecies.decrypt_next(&message.ciphertext)?;
        Ok(InboundCreationResult { ecies, message })
    }

    fn establish(
        self,
        their_public_key: Curve25519PublicKey,
        role: Role,
    ) -> Result<EstablishedEcies, Error> {
        let shared_secret =
            self.secret_key.diffie_hellman(&their_public_key).ok_or(Error::NonContributoryKey)?;
        Ok(EstablishedEcies::new(
            &shared_secret,
            self.public_key,
            their_public_key,
            &self.application_info,
            role,
        ))
    }
}

#[cfg(test)]
mod tests;
