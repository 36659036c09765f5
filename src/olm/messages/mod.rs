//! The Olm wire format: normal messages and pre-key messages.
//!
//! A normal message is a version byte, a protobuf-style payload and a MAC:
//!
//! | field | key | content |
//! |---|---|---|
//! | version | — | `0x03` (`0x04` for [`SessionConfig::version_2`](super::SessionConfig)) |
//! | ratchet key | `0x0A` | length 32, the sender's ratchet key `T_i` |
//! | chain index | `0x10` | varint `j` |
//! | ciphertext | `0x22` | length, AES-256-CBC output |
//! | MAC | — | 8 (or 32) bytes of HMAC-SHA-256 over everything before it |
//!
//! A pre-key message carries what the receiver needs to build the session, and a whole normal
//! message; it has no MAC of its own:
//!
//! | field | key | content |
//! |---|---|---|
//! | version | — | `0x03` |
//! | one-time key | `0x0A` | `E_B` |
//! | base key | `0x12` | `E_A` |
//! | identity key | `0x1A` | `I_A` |
//! | message | `0x22` | a normal message |
//!
//! Encoders write exactly these fields in this order, so the bytes equal libolm's. Decoders
//! accept any field order and skip unknown fields, as libolm does, and check every length. The
//! MAC is verified over the bytes as received, so a message with extra fields that libolm
//! produced or accepts verifies here too. See the [Olm specification], "The Olm Message format".
//!
//! [Olm specification]: https://spec.matrix.org/latest/olm-megolm/olm/

mod message;
mod pre_key;

pub use message::Message;
pub use pre_key::PreKeyMessage;
use serde::{Deserialize, Serialize};

use crate::{base64_decode, base64_encode, DecodeError};

/// Version byte of messages with 8-byte MACs (the Matrix specification's Olm).
pub(crate) const MESSAGE_VERSION_V1: u8 = 3;
/// Version byte of messages with 32-byte MACs (`SessionConfig::version_2`).
pub(crate) const MESSAGE_VERSION_V2: u8 = 4;

/// An Olm message of either type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OlmMessage {
    /// A normal message (type 1).
    Normal(Message),
    /// A pre-key message (type 0), sent until the session has received a reply.
    PreKey(PreKeyMessage),
}

impl From<Message> for OlmMessage {
    fn from(m: Message) -> Self {
        Self::Normal(m)
    }
}

impl From<PreKeyMessage> for OlmMessage {
    fn from(m: PreKeyMessage) -> Self {
        Self::PreKey(m)
    }
}

impl OlmMessage {
    /// Decode a message from its type (0 = pre-key, 1 = normal) and its bytes, as carried in an
    /// `m.room.encrypted` event (after base64 decoding the body).
    ///
    /// ```
    /// use salamander::{olm::OlmMessage, DecodeError};
    /// assert!(matches!(OlmMessage::from_parts(2, b""), Err(DecodeError::MessageType(2))));
    /// assert!(matches!(OlmMessage::from_parts(1, b""), Err(DecodeError::MissingVersion)));
    /// ```
    pub fn from_parts(message_type: usize, ciphertext: &[u8]) -> Result<Self, DecodeError> {
        match message_type {
            0 => Ok(Self::PreKey(PreKeyMessage::from_bytes(ciphertext)?)),
            1 => Ok(Self::Normal(Message::from_bytes(ciphertext)?)),
            other => Err(DecodeError::MessageType(other)),
        }
    }

    /// The AES ciphertext inside the message.
    pub fn message(&self) -> &[u8] {
        match self {
            OlmMessage::Normal(m) => m.ciphertext(),
            OlmMessage::PreKey(m) => m.message().ciphertext(),
        }
    }

    /// The message type.
    pub const fn message_type(&self) -> MessageType {
        match self {
            OlmMessage::Normal(_) => MessageType::Normal,
            OlmMessage::PreKey(_) => MessageType::PreKey,
        }
    }

    /// The message type as a number and the encoded message, ready for an `m.room.encrypted`
    /// event (base64-encode the bytes for its `body`).
    pub fn to_parts(&self) -> (usize, Vec<u8>) {
        match self {
            OlmMessage::Normal(m) => (MessageType::Normal.into(), m.to_bytes()),
            OlmMessage::PreKey(m) => (MessageType::PreKey.into(), m.to_bytes()),
        }
    }
}

/// The serialized form, `{"type": 0 | 1, "body": "<unpadded base64>"}`.
#[derive(Serialize, Deserialize)]
struct MessageSerdeHelper {
    #[serde(rename = "type")]
    message_type: usize,
    #[serde(rename = "body")]
    ciphertext: String,
}

impl Serialize for OlmMessage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (message_type, bytes) = self.to_parts();
        MessageSerdeHelper { message_type, ciphertext: base64_encode(bytes) }.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for OlmMessage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let helper = MessageSerdeHelper::deserialize(deserializer)?;
        let bytes = base64_decode(helper.ciphertext).map_err(serde::de::Error::custom)?;
        OlmMessage::from_parts(helper.message_type, &bytes).map_err(serde::de::Error::custom)
    }
}

/// The two Olm message types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageType {
    /// A pre-key message, type 0.
    PreKey = 0,
    /// A normal message, type 1.
    Normal = 1,
}

impl TryFrom<usize> for MessageType {
    type Error = ();

    fn try_from(value: usize) -> Result<Self, Self::Error> {
        match value {
            0 => Ok(MessageType::PreKey),
            1 => Ok(MessageType::Normal),
            _ => Err(()),
        }
    }
}

impl From<MessageType> for usize {
    fn from(value: MessageType) -> usize {
        value as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::olm::session::tests::session_pair;

    #[test]
    fn message_types_and_their_numbers() {
        assert_eq!(MessageType::try_from(0), Ok(MessageType::PreKey));
        assert_eq!(MessageType::try_from(1), Ok(MessageType::Normal));
        assert_eq!(MessageType::try_from(2), Err(()));
        assert_eq!(usize::from(MessageType::PreKey), 0);
        assert_eq!(usize::from(MessageType::Normal), 1);
    }

    #[test]
    fn the_ciphertext_of_either_kind() {
        let (mut alice, mut bob) = session_pair();
        let pre_key = alice.encrypt("pre-key").unwrap();
        let OlmMessage::PreKey(inner) = &pre_key else { panic!() };
        assert_eq!(pre_key.message(), inner.message().ciphertext());
        assert_eq!(pre_key.message().len(), 16);
        assert_eq!(inner.session_id(), alice.session_id());
        bob.decrypt(&pre_key).unwrap();
        let normal = bob.encrypt("a normal message, longer than one block").unwrap();
        let OlmMessage::Normal(inner) = &normal else { panic!() };
        assert_eq!(normal.message(), inner.ciphertext());
        assert_eq!(normal.message().len(), 48);
        assert_eq!(normal.to_parts().0, 1);
        assert_eq!(pre_key.to_parts().0, 0);
    }
}
