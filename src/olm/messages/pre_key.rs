//! The Olm pre-key message.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Message, MESSAGE_VERSION_V1};
use crate::{
    base64_decode, base64_encode,
    codec::protobuf::{self, ProtoBufDecodeError},
    olm::SessionKeys,
    Curve25519PublicKey, DecodeError,
};

const ONE_TIME_KEY_FIELD: u8 = 1;
const BASE_KEY_FIELD: u8 = 2;
const IDENTITY_KEY_FIELD: u8 = 3;
const MESSAGE_FIELD: u8 = 4;

/// A pre-key message: the keys that establish the session, and the first normal message.
///
/// Sent by a session until it receives a reply. It has no MAC of its own: it is authenticated
/// by the triple Diffie-Hellman and the inner message's MAC.
#[derive(Clone, PartialEq, Eq)]
pub struct PreKeyMessage {
    bytes: Vec<u8>,
    session_keys: SessionKeys,
    message: Message,
}

impl PreKeyMessage {
    /// The receiver's one-time (or fallback) key `E_B` this message was made with.
    pub const fn one_time_key(&self) -> Curve25519PublicKey {
        self.session_keys.one_time_key
    }

    /// The sender's base key `E_A`.
    pub const fn base_key(&self) -> Curve25519PublicKey {
        self.session_keys.base_key
    }

    /// The sender's identity key `I_A`.
    pub const fn identity_key(&self) -> Curve25519PublicKey {
        self.session_keys.identity_key
    }

    /// All three keys.
    pub const fn session_keys(&self) -> SessionKeys {
        self.session_keys
    }

    /// The id of the session this message belongs to; compare it with
    /// [`Session::session_id`](crate::olm::Session::session_id) to find the session that can
    /// decrypt it (libolm's `matches_inbound_session`).
    pub fn session_id(&self) -> String {
        self.session_keys.session_id()
    }

    /// The inner normal message.
    pub const fn message(&self) -> &Message {
        &self.message
    }

    /// Decode a pre-key message; every length is checked.
    pub fn from_bytes(message: &[u8]) -> Result<Self, DecodeError> {
        Self::try_from(message)
    }

    /// The encoded message.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// Decode a pre-key message from unpadded base64.
    pub fn from_base64(message: &str) -> Result<Self, DecodeError> {
        Self::try_from(message)
    }

    /// The encoded message as unpadded base64.
    pub fn to_base64(&self) -> String {
        base64_encode(&self.bytes)
    }

    /// Wrap a normal message with the session's keys.
    pub fn wrap(session_keys: SessionKeys, message: Message) -> Self {
        let inner = message.as_bytes();
        let mut bytes = Vec::with_capacity(1 + 3 * 34 + protobuf::bytes_field_len(inner.len()));
        bytes.push(MESSAGE_VERSION_V1);
        protobuf::put_bytes_field(
            &mut bytes,
            ONE_TIME_KEY_FIELD,
            session_keys.one_time_key.as_bytes(),
        );
        protobuf::put_bytes_field(&mut bytes, BASE_KEY_FIELD, session_keys.base_key.as_bytes());
        protobuf::put_bytes_field(
            &mut bytes,
            IDENTITY_KEY_FIELD,
            session_keys.identity_key.as_bytes(),
        );
        protobuf::put_bytes_field(&mut bytes, MESSAGE_FIELD, inner);
        Self { bytes, session_keys, message }
    }
}

impl TryFrom<&[u8]> for PreKeyMessage {
    type Error = DecodeError;

    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        let (&version, payload) = bytes.split_first().ok_or(DecodeError::MissingVersion)?;
        if version != MESSAGE_VERSION_V1 {
            return Err(DecodeError::InvalidVersion(MESSAGE_VERSION_V1, version));
        }

        let mut one_time_key = None;
        let mut base_key = None;
        let mut identity_key = None;
        let mut message = None;
        for field in protobuf::fields(payload) {
            let (number, value) = field?;
            match number {
                1 => one_time_key = Some(value.bytes("one-time key")?),
                2 => base_key = Some(value.bytes("base key")?),
                3 => identity_key = Some(value.bytes("identity key")?),
                4 => message = Some(value.bytes("message")?),
                _ => {}
            }
        }

        let key = |value: Option<&[u8]>, name| -> Result<Curve25519PublicKey, DecodeError> {
            Ok(Curve25519PublicKey::from_slice(
                value.ok_or(ProtoBufDecodeError::MissingField(name))?,
            )?)
        };
        let session_keys = SessionKeys {
            one_time_key: key(one_time_key, "one-time key")?,
            base_key: key(base_key, "base key")?,
            identity_key: key(identity_key, "identity key")?,
        };
        let message =
            Message::from_bytes(message.ok_or(ProtoBufDecodeError::MissingField("message"))?)?;

        Ok(Self { bytes: bytes.to_vec(), session_keys, message })
    }
}

impl TryFrom<Vec<u8>> for PreKeyMessage {
    type Error = DecodeError;

    fn try_from(bytes: Vec<u8>) -> Result<Self, Self::Error> {
        Self::try_from(bytes.as_slice())
    }
}

impl TryFrom<&str> for PreKeyMessage {
    type Error = DecodeError;

    fn try_from(message: &str) -> Result<Self, Self::Error> {
        Self::try_from(base64_decode(message)?.as_slice())
    }
}

impl Serialize for PreKeyMessage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for PreKeyMessage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let encoded = String::deserialize(deserializer)?;
        PreKeyMessage::from_base64(&encoded).map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for PreKeyMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreKeyMessage")
            .field("session_keys", &self.session_keys)
            .field("message", &self.message)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cipher::CipherKeys;

    fn sample() -> PreKeyMessage {
        let keys = CipherKeys::olm(&[3; 32]);
        let message =
            Message::encrypt(3, Curve25519PublicKey::from_bytes([7; 32]), 0, &keys, b"hello");
        let session_keys = SessionKeys {
            identity_key: Curve25519PublicKey::from_bytes([1; 32]),
            base_key: Curve25519PublicKey::from_bytes([2; 32]),
            one_time_key: Curve25519PublicKey::from_bytes([3; 32]),
        };
        PreKeyMessage::wrap(session_keys, message)
    }

    #[test]
    fn layout_and_round_trip() {
        let message = sample();
        let bytes = message.to_bytes();
        // 1 + 3 × 34 + (2 + 63) = 168 bytes.
        assert_eq!(bytes.len(), 168);
        assert_eq!(bytes[..3], [0x03, 0x0A, 0x20]);
        assert_eq!(bytes[35..37], [0x12, 0x20]);
        assert_eq!(bytes[69..71], [0x1A, 0x20]);
        assert_eq!(bytes[103..105], [0x22, 63]);
        assert_eq!(PreKeyMessage::from_bytes(&bytes).unwrap(), message);
        assert_eq!(PreKeyMessage::from_base64(&message.to_base64()).unwrap(), message);
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = sample().to_bytes();
        for end in 0..bytes.len() {
            assert!(PreKeyMessage::from_bytes(&bytes[..end]).is_err(), "prefix of {end} bytes");
        }
    }

    #[test]
    fn missing_fields() {
        assert!(matches!(PreKeyMessage::from_bytes(&[]), Err(DecodeError::MissingVersion)));
        assert!(matches!(PreKeyMessage::from_bytes(&[4]), Err(DecodeError::InvalidVersion(3, 4))));
        assert!(matches!(
            PreKeyMessage::from_bytes(&[3]),
            Err(DecodeError::ProtoBufError(ProtoBufDecodeError::MissingField("one-time key")))
        ));
    }
}
