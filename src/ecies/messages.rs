//! The two ECIES message encodings (MSC4108).
//!
//! - [`InitialMessage`] is `base64(ciphertext) "|" base64(Sp)`, where `Sp` is the
//!   initiator's ephemeral Curve25519 public key. It is the only message that carries a key.
//! - [`Message`] is `base64(ciphertext)`.
//!
//! base64 is unpadded standard base64 on output; padded input is accepted, as everywhere in
//! salamander and vodozemac. The ciphertext is ChaCha20-Poly1305 output (plaintext ‖ 16-byte
//! tag); its length is not checked here but by decryption.

use crate::{base64_decode, base64_encode, Base64DecodeError, Curve25519PublicKey, KeyError};

/// An ECIES message could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum MessageDecodeError {
    /// The initial message has no `|` between the ciphertext and the public key.
    #[error("The initial message is missing the | separator")]
    MissingSeparator,
    /// The initial message's public key is not 32 bytes of valid base64.
    #[error("The embedded ephemeral Curve25519 key could not be decoded: {0}")]
    KeyError(#[from] KeyError),
    /// The ciphertext is not valid base64.
    #[error("The ciphertext could not be decoded from base64: {0}")]
    Base64(#[from] Base64DecodeError),
}

/// The first message of an ECIES channel, sent by the initiator.
///
/// It carries the initiator's ephemeral public key, which is *unauthenticated*: the receiving
/// side cannot tell who made it until the check code has been compared out of band.
#[derive(Debug, PartialEq, Eq)]
pub struct InitialMessage {
    /// The initiator's ephemeral Curve25519 public key.
    pub public_key: Curve25519PublicKey,
    /// The encrypted initial plaintext.
    pub ciphertext: Vec<u8>,
}

impl InitialMessage {
    /// The message as `base64(ciphertext)|base64(public_key)`.
    pub fn encode(&self) -> String {
        format!("{}|{}", base64_encode(&self.ciphertext), self.public_key.to_base64())
    }

    /// Decode `base64(ciphertext)|base64(public_key)`.
    ///
    /// The string is split at its first `|`; the key is decoded before the ciphertext, so a
    /// message with both parts broken reports the key, as vodozemac does.
    ///
    /// ```
    /// use salamander::ecies::{InitialMessage, MessageDecodeError};
    ///
    /// let text = "3On7QFJyLQMAErua9K/yIOcJALvuMYax1AW0iWgf64AwtSMZXwAA012Q|9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Us";
    /// let message = InitialMessage::decode(text)?;
    /// assert_eq!(message.encode(), text);
    /// assert!(matches!(
    ///     InitialMessage::decode("no separator"),
    ///     Err(MessageDecodeError::MissingSeparator)
    /// ));
    /// # Ok::<(), MessageDecodeError>(())
    /// ```
    pub fn decode(message: &str) -> Result<Self, MessageDecodeError> {
        let (ciphertext, key) =
            message.split_once('|').ok_or(MessageDecodeError::MissingSeparator)?;
        let public_key = Curve25519PublicKey::from_base64(key)?;
        let ciphertext = base64_decode(ciphertext)?;
        Ok(Self { public_key, ciphertext })
    }
}

/// A message of an established ECIES channel.
#[derive(Debug)]
pub struct Message {
    /// The encrypted plaintext.
    pub ciphertext: Vec<u8>,
}

impl Message {
    /// The ciphertext as unpadded base64.
    pub fn encode(&self) -> String {
        base64_encode(&self.ciphertext)
    }

    /// Decode a base64 ciphertext.
    pub fn decode(message: &str) -> Result<Self, MessageDecodeError> {
        Ok(Self { ciphertext: base64_decode(message)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // vodozemac 0.11.1's encodings of the same values (src/ecies/messages.rs).
    const INITIAL_MESSAGE: &str = "3On7QFJyLQMAErua9K/yIOcJALvuMYax1AW0iWgf64AwtSMZXwAA012Q|9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Us";
    const MESSAGE: &str = "ZmtSLdzMcyjC5eV6L8xBI6amsq7gDNbCjz1W5OjX4Z8W";
    const PUBLIC_KEY: &str = "9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Us";

    #[test]
    fn initial_message_round_trip() {
        let message = InitialMessage::decode(INITIAL_MESSAGE).unwrap();
        assert_eq!(message.public_key.to_base64(), PUBLIC_KEY);
        assert_eq!(message.encode(), INITIAL_MESSAGE);
    }

    #[test]
    fn message_round_trip() {
        let message = Message::decode(MESSAGE).unwrap();
        assert_eq!(message.encode(), MESSAGE);
        assert!(Message::decode("").unwrap().ciphertext.is_empty());
    }

    #[test]
    fn padded_base64_is_accepted() {
        let message = InitialMessage::decode(&format!("AAAA|{PUBLIC_KEY}=")).unwrap();
        assert_eq!(message.ciphertext, [0, 0, 0]);
    }

    #[test]
    fn malformed_initial_messages() {
        assert!(matches!(InitialMessage::decode(""), Err(MessageDecodeError::MissingSeparator)));
        assert!(matches!(
            InitialMessage::decode(MESSAGE),
            Err(MessageDecodeError::MissingSeparator)
        ));
        // Key too short, not base64, or with a second separator in it.
        assert!(matches!(
            InitialMessage::decode("AAAA|AAAA"),
            Err(MessageDecodeError::KeyError(KeyError::InvalidKeyLength { length: 3, .. }))
        ));
        assert!(matches!(
            InitialMessage::decode("AAAA|!!"),
            Err(MessageDecodeError::KeyError(KeyError::Base64Error(_)))
        ));
        assert!(matches!(
            InitialMessage::decode(&format!("AAAA|{PUBLIC_KEY}|")),
            Err(MessageDecodeError::KeyError(_))
        ));
        assert!(matches!(
            InitialMessage::decode(&format!("!!|{PUBLIC_KEY}")),
            Err(MessageDecodeError::Base64(_))
        ));
        // Both broken: the key is reported.
        assert!(matches!(InitialMessage::decode("!!|!!"), Err(MessageDecodeError::KeyError(_))));
        assert!(matches!(Message::decode("A"), Err(MessageDecodeError::Base64(_))));
    }
}
