//! The three HPKE channel message encodings (MSC4388).
//!
//! | message | bytes | sent by |
//! |---|---|---|
//! | [`InitialMessage`] | `enc (32) ‖ ciphertext` | the sender, first |
//! | [`InitialResponse`] | `response_nonce (32) ‖ ciphertext` | the recipient, in reply |
//! | [`Message`] | `ciphertext` | both, afterwards |
//!
//! `enc` is the sender's encapsulated (ephemeral X25519) key, `response_nonce` the random value
//! the response keys are derived with. The text form of each is the bytes in unpadded standard
//! base64 (padded input is accepted). Ciphertexts are ChaCha20-Poly1305 output (plaintext ‖
//! 16-byte tag); their length is checked when they are opened, except that a [`Message`] must
//! not be empty.

use super::MessageDecodeError;
use crate::{base64_decode, base64_encode, Curve25519PublicKey};

/// Split off the 32-byte prefix of `bytes`.
fn split_prefix(bytes: &[u8]) -> Result<([u8; 32], Vec<u8>), MessageDecodeError> {
    let (prefix, rest) =
        bytes.split_first_chunk::<32>().ok_or(MessageDecodeError::MessageIncomplete)?;
    Ok((*prefix, rest.to_vec()))
}

/// The first message of an HPKE channel, sent by the sender.
///
/// Its encapsulated key is *unauthenticated*: the recipient cannot tell who made it until the
/// check code has been compared out of band.
#[derive(Debug, PartialEq, Eq)]
pub struct InitialMessage {
    /// The sender's encapsulated key (its ephemeral X25519 public key).
    pub encapsulated_key: Curve25519PublicKey,
    /// The sealed initial plaintext.
    pub ciphertext: Vec<u8>,
}

impl InitialMessage {
    /// The message as unpadded base64 of [`InitialMessage::to_bytes`].
    pub fn encode(&self) -> String {
        base64_encode(self.to_bytes())
    }

    /// Decode the base64 form.
    ///
    /// ```
    /// use salamander::hpke::{InitialMessage, MessageDecodeError};
    ///
    /// let text = "9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Uvc6ftAUnItAwASu5r0r/Ig5wkAu+4xhrHUBbSJaB/rgDC1IxlfAADTXZA";
    /// let message = InitialMessage::decode(text)?;
    /// assert_eq!(message.encapsulated_key.to_base64(), "9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Us");
    /// assert_eq!(message.encode(), text);
    /// assert!(matches!(InitialMessage::decode(""), Err(MessageDecodeError::MessageIncomplete)));
    /// # Ok::<(), MessageDecodeError>(())
    /// ```
    pub fn decode(message: &str) -> Result<Self, MessageDecodeError> {
        Self::from_bytes(&base64_decode(message)?)
    }

    /// `encapsulated_key (32) ‖ ciphertext`.
    pub fn to_bytes(&self) -> Vec<u8> {
        [self.encapsulated_key.as_bytes().as_slice(), &self.ciphertext].concat()
    }

    /// Decode `encapsulated_key (32) ‖ ciphertext`; fails only if there are fewer than 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MessageDecodeError> {
        let (key, ciphertext) = split_prefix(bytes)?;
        Ok(Self { encapsulated_key: Curve25519PublicKey::from_bytes(key), ciphertext })
    }
}

/// The recipient's reply to the [`InitialMessage`], which makes the channel bidirectional.
#[derive(Debug)]
pub struct InitialResponse {
    /// The random nonce the response keys are derived with (public).
    pub base_response_nonce: [u8; 32],
    /// The sealed response plaintext.
    pub ciphertext: Vec<u8>,
}

impl InitialResponse {
    /// The message as unpadded base64 of [`InitialResponse::to_bytes`].
    pub fn encode(&self) -> String {
        base64_encode(self.to_bytes())
    }

    /// Decode the base64 form.
    pub fn decode(message: &str) -> Result<Self, MessageDecodeError> {
        Self::from_bytes(&base64_decode(message)?)
    }

    /// Decode `base_response_nonce (32) ‖ ciphertext`; fails only if there are fewer than 32
    /// bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, MessageDecodeError> {
        let (base_response_nonce, ciphertext) = split_prefix(bytes)?;
        Ok(Self { base_response_nonce, ciphertext })
    }

    /// `base_response_nonce (32) ‖ ciphertext`.
    pub fn to_bytes(&self) -> Vec<u8> {
        [self.base_response_nonce.as_slice(), &self.ciphertext].concat()
    }
}

/// A message of an established HPKE channel.
#[derive(Debug)]
pub struct Message {
    /// The sealed plaintext.
    pub ciphertext: Vec<u8>,
}

impl Message {
    /// The ciphertext as unpadded base64.
    pub fn encode(&self) -> String {
        base64_encode(&self.ciphertext)
    }

    /// Decode a base64 ciphertext; an empty one is refused with
    /// [`MessageDecodeError::MessageIncomplete`].
    pub fn decode(message: &str) -> Result<Self, MessageDecodeError> {
        let ciphertext = base64_decode(message)?;
        if ciphertext.is_empty() {
            return Err(MessageDecodeError::MessageIncomplete);
        }
        Ok(Self { ciphertext })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // vodozemac 0.11.1's encodings of the same values (src/hpke/messages.rs).
    const INITIAL_MESSAGE: &str = "9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Uvc6ftAUnItAwASu5r0r/Ig5wkAu+4xhrHUBbSJaB/rgDC1IxlfAADTXZA";
    const INITIAL_RESPONSE: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADc6ftAUnItAwASu5r0r/Ig5wkAu+4xhrHUBbSJaB/rgDC1IxlfAADTXZA";
    const MESSAGE: &str = "ZmtSLdzMcyjC5eV6L8xBI6amsq7gDNbCjz1W5OjX4Z8W";
    const PUBLIC_KEY: &str = "9yA/CX8pJKF02Prd75ZyBQHg3fGTVVGDNl86q1z17Us";

    #[test]
    fn initial_message() {
        let message = InitialMessage::decode(INITIAL_MESSAGE).unwrap();
        assert_eq!(message.encapsulated_key.to_base64(), PUBLIC_KEY);
        assert_eq!(message.encode(), INITIAL_MESSAGE);
        assert_eq!(InitialMessage::from_bytes(&message.to_bytes()).unwrap(), message);
        assert!(matches!(InitialMessage::decode(""), Err(MessageDecodeError::MessageIncomplete)));
    }

    #[test]
    fn initial_response() {
        let message = InitialResponse::decode(INITIAL_RESPONSE).unwrap();
        assert_eq!(message.base_response_nonce, [0; 32]);
        assert_eq!(message.encode(), INITIAL_RESPONSE);
        assert!(matches!(InitialResponse::decode(""), Err(MessageDecodeError::MessageIncomplete)));
    }

    #[test]
    fn message() {
        let message = Message::decode(MESSAGE).unwrap();
        assert_eq!(message.encode(), MESSAGE);
        assert!(matches!(Message::decode(""), Err(MessageDecodeError::MessageIncomplete)));
        assert!(Message::decode("==").is_err());
    }

    #[test]
    fn prefix_lengths() {
        for length in 0..32 {
            let bytes = vec![7; length];
            assert!(matches!(
                InitialMessage::from_bytes(&bytes),
                Err(MessageDecodeError::MessageIncomplete)
            ));
            assert!(matches!(
                InitialResponse::from_bytes(&bytes),
                Err(MessageDecodeError::MessageIncomplete)
            ));
        }
        // Exactly the prefix: an empty ciphertext, refused later when it is opened.
        let message = InitialMessage::from_bytes(&[7; 32]).unwrap();
        assert!(message.ciphertext.is_empty());
        let response = InitialResponse::from_bytes(&[7; 33]).unwrap();
        assert_eq!(response.ciphertext, [7]);
    }

    #[test]
    fn bad_base64() {
        for text in ["!!!!", "A", "AAAA AAAA", "_-_-"] {
            assert!(matches!(InitialMessage::decode(text), Err(MessageDecodeError::Base64(_))));
            assert!(matches!(InitialResponse::decode(text), Err(MessageDecodeError::Base64(_))));
            assert!(matches!(Message::decode(text), Err(MessageDecodeError::Base64(_))));
        }
    }
}
