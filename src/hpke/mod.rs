//! HPKE: the secure channel of QR-code login, second version ([MSC4388]).
//!
//! [RFC 9180] HPKE in base mode with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and
//! ChaCha20-Poly1305, through the [`hpke`](https://docs.rs/hpke) crate. The application info
//! (`MATRIX_QR_CODE_LOGIN` by default) is HPKE's `info`.
//!
//! 1. The recipient (device G) has a key pair ([`HpkeRecipientChannel`]) and shows its public
//!    key `Gp` out of band (in a QR code).
//! 2. The sender (device S, [`HpkeSenderChannel`]) runs `SetupBaseS(Gp, info)`, which makes an
//!    ephemeral key `Sp` (the encapsulated key, `enc`), and seals a first plaintext: the
//!    [`InitialMessage`] is `enc ‖ ciphertext`. It now holds a [`UnidirectionalSenderChannel`].
//! 3. G runs `SetupBaseR(enc, skG, info)` and opens it, getting a
//!    [`UnidirectionalRecipientChannel`].
//! 4. G picks a random response nonce, derives the response direction from the HPKE context
//!    (`response.rs`: the Oblivious HTTP construction of RFC 9458 §4.4) and seals a reply: the
//!    [`InitialResponse`]. Both sides now have an [`EstablishedHpkeChannel`]; S gets it by
//!    opening the reply.
//! 5. Both compare the [`CheckCode`], exported from the HPKE context, out of band: G cannot know
//!    who sent the initial message until they match.
//!
//! Every message takes associated data (`aad`), which both sides must agree on. Each direction
//! has its own key and a 64-bit sequence number that moves on only when a message opens, as
//! RFC 9180 specifies: a replayed, reordered or altered message is refused, and a refused
//! message does not break the channel for the next genuine one. Small-order keys are refused:
//! the sender gets [`Error::Encapsulation`], the recipient [`Error::Decryption`] (as in
//! vodozemac).
//!
//! This module needs the `hpke` feature (on by default).
//!
//! [MSC4388]: https://github.com/matrix-org/matrix-spec-proposals/pull/4388
//! [RFC 9180]: https://www.rfc-editor.org/rfc/rfc9180
//!
//! # Examples
//!
//! ```
//! use salamander::hpke::*;
//!
//! let alice = HpkeSenderChannel::new();
//! let bob = HpkeRecipientChannel::new();
//!
//! let SenderCreationResult { channel: alice, message } =
//!     alice.establish_channel(bob.public_key(), b"It's a secret to everybody", &[])?;
//! let RecipientCreationResult { channel: bob, message } = bob.establish_channel(&message, &[])?;
//! assert_eq!(message, b"It's a secret to everybody");
//!
//! // Bob replies, which makes the channel bidirectional.
//! let BidirectionalCreationResult { channel: mut bob, message } =
//!     bob.establish_bidirectional_channel(b"Not a secret to me!", &[]);
//! let BidirectionalCreationResult { channel: mut alice, message } =
//!     alice.establish_bidirectional_channel(&message, &[])?;
//! assert_eq!(message, b"Not a secret to me!");
//!
//! // The check codes are compared out of band.
//! assert_eq!(alice.check_code(), bob.check_code());
//!
//! let message = bob.seal(b"Another plaintext", b"associated data");
//! assert_eq!(alice.open(&message, b"associated data")?, b"Another plaintext");
//! # Ok::<(), salamander::hpke::Error>(())
//! ```

mod check_code;
mod error;
mod messages;
mod recipient;
mod response;
mod sender;

use hpke::{
    aead::{AeadCtxR, AeadCtxS, ChaCha20Poly1305},
    kdf::HkdfSha256,
    kem::X25519HkdfSha256,
};

pub use self::{check_code::*, error::*, messages::*, recipient::*, sender::*};
use crate::Curve25519PublicKey;

/// The application info MSC4388 uses.
const MATRIX_QR_LOGIN_INFO_PREFIX: &str = "MATRIX_QR_CODE_LOGIN";

type Kem = X25519HkdfSha256;
type Aead = ChaCha20Poly1305;
type Kdf = HkdfSha256;

/// The sender's context of the initial HPKE setup (seals towards the recipient).
type SenderContext = AeadCtxS<Aead, Kdf, Kem>;
/// The recipient's context of the initial HPKE setup (opens the sender's messages).
type RecipientContext = AeadCtxR<Aead, Kdf, Kem>;
/// The sender's context of the response direction (opens the recipient's messages).
type SenderResponseContext = AeadCtxR<Aead, Kdf, Kem>;
/// The recipient's context of the response direction (seals towards the sender).
type RecipientResponseContext = AeadCtxS<Aead, Kdf, Kem>;

/// Our side of an established channel, with both of its contexts.
enum Role {
    /// Device S, which sent the initial message.
    Sender { sending: SenderContext, receiving: SenderResponseContext },
    /// Device G, which received it and sent the initial response.
    Recipient { receiving: RecipientContext, sending: RecipientResponseContext },
}

impl std::fmt::Debug for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Role::Sender { .. } => "Sender",
            Role::Recipient { .. } => "Recipient",
        })
    }
}

/// A channel after the initial message, before the initial response.
struct UnidirectionalHpkeChannel<T> {
    /// The initial HPKE context.
    context: T,
    application_info: String,
    our_public_key: Curve25519PublicKey,
    their_public_key: Curve25519PublicKey,
}

/// The result of making a channel bidirectional: the channel and the initial response
/// (recipient) or its plaintext (sender).
pub struct BidirectionalCreationResult<T> {
    /// The established channel.
    pub channel: EstablishedHpkeChannel,
    /// The [`InitialResponse`] to send (recipient), or the plaintext it carried (sender).
    pub message: T,
}

/// An established, bidirectional HPKE channel.
///
/// Its keys live in the hpke crate's contexts, which zeroize them on drop. `Debug` shows the
/// public keys, the check code and the role, never the keys.
pub struct EstablishedHpkeChannel {
    our_public_key: Curve25519PublicKey,
    their_public_key: Curve25519PublicKey,
    role: Role,
    check_code: CheckCode,
}

impl std::fmt::Debug for EstablishedHpkeChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EstablishedHpkeChannel")
            .field("our_public_key", &self.our_public_key)
            .field("their_public_key", &self.their_public_key)
            .field("check_code", &self.check_code)
            .field("role", &self.role)
            .finish()
    }
}

impl EstablishedHpkeChannel {
    /// Our public key: the encapsulated key for the sender, the key pair's public key for the
    /// recipient.
    pub const fn public_key(&self) -> Curve25519PublicKey {
        self.our_public_key
    }

    /// The other side's public key.
    pub const fn their_public_key(&self) -> Curve25519PublicKey {
        self.their_public_key
    }

    /// The check code to compare out of band; both ends compute the same one.
    pub fn check_code(&self) -> &CheckCode {
        &self.check_code
    }

    /// Seal `plaintext` with associated data `aad` as our direction's next message.
    ///
    /// Cannot fail in practice. After 2^64 − 1 messages (the HPKE sequence limit), or for a
    /// plaintext over 256 GiB, the message has an empty ciphertext, which the other side refuses;
    /// vodozemac panics there instead.
    pub fn seal(&mut self, plaintext: &[u8], aad: &[u8]) -> Message {
        let sealed = match &mut self.role {
            Role::Sender { sending, .. } => sending.seal(plaintext, aad),
            Role::Recipient { sending, .. } => sending.seal(plaintext, aad),
        };
        Message { ciphertext: sealed.unwrap_or_default() }
    }

    /// Open the other side's next message, sealed with the same `aad`.
    ///
    /// A message that does not open leaves the channel as it was, so the genuine next message
    /// still opens.
    pub fn open(&mut self, message: &Message, aad: &[u8]) -> Result<Vec<u8>, Error> {
        let opened = match &mut self.role {
            Role::Sender { receiving, .. } => receiving.open(&message.ciphertext, aad),
            Role::Recipient { receiving, .. } => receiving.open(&message.ciphertext, aad),
        };
        opened.map_err(|_| Error::Decryption)
    }
}

/// Converting between salamander's public keys and the hpke crate's.
mod keys {
    use hpke::{Deserializable as _, HpkeError, Serializable as _};

    use super::Kem;
    use crate::Curve25519PublicKey;

    pub(super) type PublicKey = <Kem as hpke::Kem>::PublicKey;
    pub(super) type EncappedKey = <Kem as hpke::Kem>::EncappedKey;

    pub(super) fn to_hpke(key: Curve25519PublicKey) -> Result<PublicKey, HpkeError> {
        PublicKey::from_bytes(key.as_bytes())
    }

    pub(super) fn to_encapped(key: Curve25519PublicKey) -> Result<EncappedKey, HpkeError> {
        EncappedKey::from_bytes(key.as_bytes())
    }

    pub(super) fn from_hpke(key: &PublicKey) -> Curve25519PublicKey {
        Curve25519PublicKey::from_bytes(key.to_bytes().0)
    }

    pub(super) fn from_encapped(key: &EncappedKey) -> Curve25519PublicKey {
        Curve25519PublicKey::from_bytes(key.to_bytes().0)
    }
}

#[cfg(test)]
mod tests;
