//! The Megolm message.
//!
//! ```text
//! version (3, or 4 for version 2) ‖ 0x08 varint(message index) ‖ 0x12 varint(length) ciphertext
//!   ‖ MAC (8, or 32) ‖ Ed25519 signature (64)
//! ```
//!
//! The MAC covers everything before it; the signature covers everything before it, MAC
//! included. Both are checked over the bytes as received. The message index must fit in 32
//! bits; fields may come in any order and unknown fields are skipped, as in libolm.

use std::{fmt, ops::Range};

use serde::{Deserialize, Serialize};

use crate::{
    base64_decode, base64_encode,
    cipher::{CipherKeys, MAC_LENGTH, TRUNCATED_MAC_LENGTH},
    codec::protobuf::{self, ProtoBufDecodeError},
    DecodeError, Ed25519Keypair, Ed25519Signature,
};

/// Version byte of messages with 8-byte MACs (the Matrix specification's Megolm).
pub(crate) const MESSAGE_VERSION_V1: u8 = 3;
/// Version byte of messages with 32-byte MACs.
pub(crate) const MESSAGE_VERSION_V2: u8 = 4;

const INDEX_FIELD: u8 = 1;
const CIPHERTEXT_FIELD: u8 = 2;

/// An encrypted Megolm message.
#[derive(Clone, PartialEq, Eq)]
pub struct MegolmMessage {
    bytes: Vec<u8>,
    version: u8,
    message_index: u32,
    ciphertext: Range<usize>,
    mac_length: usize,
    signature: Ed25519Signature,
}

impl MegolmMessage {
    /// The AES ciphertext.
    pub fn ciphertext(&self) -> &[u8] {
        self.bytes.get(self.ciphertext.clone()).unwrap_or_default()
    }

    /// The index of the ratchet the message was encrypted with.
    pub const fn message_index(&self) -> u32 {
        self.message_index
    }

    /// The MAC (8 or 32 bytes).
    pub fn mac(&self) -> &[u8] {
        let end = self.bytes.len().saturating_sub(Ed25519Signature::LENGTH);
        let start = end.saturating_sub(self.mac_length);
        self.bytes.get(start..end).unwrap_or_default()
    }

    /// The sender's signature.
    pub const fn signature(&self) -> &Ed25519Signature {
        &self.signature
    }

    /// Decode a message; every length is checked.
    pub fn from_bytes(message: &[u8]) -> Result<Self, DecodeError> {
        Self::try_from(message)
    }

    /// The encoded message.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// Decode a message from unpadded (or padded) base64.
    pub fn from_base64(message: &str) -> Result<Self, DecodeError> {
        Self::try_from(message)
    }

    /// The encoded message as unpadded base64, as carried in `m.room.encrypted`.
    pub fn to_base64(&self) -> String {
        base64_encode(&self.bytes)
    }

    pub(crate) const fn version(&self) -> u8 {
        self.version
    }

    /// What the MAC covers.
    pub(crate) fn mac_input(&self) -> &[u8] {
        let end = self.bytes.len().saturating_sub(Ed25519Signature::LENGTH + self.mac_length);
        self.bytes.get(..end).unwrap_or_default()
    }

    /// What the signature covers.
    pub(crate) fn signature_input(&self) -> &[u8] {
        let end = self.bytes.len().saturating_sub(Ed25519Signature::LENGTH);
        self.bytes.get(..end).unwrap_or_default()
    }

    /// Encrypt, MAC and sign one message.
    pub(crate) fn encrypt(
        version: u8,
        message_index: u32,
        keys: &CipherKeys,
        signing_key: &Ed25519Keypair,
        plaintext: &[u8],
    ) -> Self {
        let mac_length =
            if version == MESSAGE_VERSION_V2 { MAC_LENGTH } else { TRUNCATED_MAC_LENGTH };
        let ciphertext_length = keys.padded_length(plaintext.len());
        let mut bytes = Vec::with_capacity(
            1 + 1
                + protobuf::varint_len(u64::from(message_index))
                + protobuf::bytes_field_len(ciphertext_length)
                + mac_length
                + Ed25519Signature::LENGTH,
        );
        bytes.push(version);
        protobuf::put_varint_field(&mut bytes, INDEX_FIELD, u64::from(message_index));
        bytes.push(CIPHERTEXT_FIELD << 3 | 2);
        protobuf::put_varint(&mut bytes, ciphertext_length as u64);
        let start = bytes.len();
        keys.encrypt_into(plaintext, &mut bytes);
        let ciphertext = start..bytes.len();
        let mac = keys.mac(&bytes);
        bytes.extend_from_slice(mac.get(..mac_length).unwrap_or_default());
        let signature = signing_key.sign(&bytes);
        bytes.extend_from_slice(&signature.to_bytes());
        Self { bytes, version, message_index, ciphertext, mac_length, signature }
    }
}

impl TryFrom<&[u8]> for MegolmMessage {
    type Error = DecodeError;

    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        let version = *bytes.first().ok_or(DecodeError::MissingVersion)?;
        let mac_length = match version {
            MESSAGE_VERSION_V1 => TRUNCATED_MAC_LENGTH,
            MESSAGE_VERSION_V2 => MAC_LENGTH,
            other => return Err(DecodeError::InvalidVersion(MESSAGE_VERSION_V2, other)),
        };
        let suffix = mac_length + Ed25519Signature::LENGTH;
        if bytes.len() < 1 + suffix {
            return Err(DecodeError::MessageTooShort(bytes.len()));
        }
        let payload_end = bytes.len() - suffix;
        let payload = bytes.get(1..payload_end).ok_or(DecodeError::MessageTooShort(bytes.len()))?;

        let mut message_index = None;
        let mut ciphertext = None;
        let mut fields = protobuf::fields(payload);
        #[allow(clippy::while_let_on_iterator)] // `fields` is read inside the loop
        while let Some(field) = fields.next() {
            let (number, value) = field?;
            match number {
                1 => message_index = Some(value.varint("message index")?),
                2 => {
                    let value = value.bytes("ciphertext")?;
                    let end = 1 + payload.len() - fields.remaining();
                    ciphertext = Some(end - value.len()..end);
                }
                _ => {}
            }
        }
        let message_index =
            message_index.ok_or(ProtoBufDecodeError::MissingField("message index"))?;
        let message_index =
            u32::try_from(message_index).map_err(|_| ProtoBufDecodeError::VarintOverflow)?;
        let ciphertext = ciphertext.ok_or(ProtoBufDecodeError::MissingField("ciphertext"))?;
        let signature = Ed25519Signature::from_slice(
            bytes.get(payload_end + mac_length..).unwrap_or_default(),
        )?;

        Ok(Self {
            bytes: bytes.to_vec(),
            version,
            message_index,
            ciphertext,
            mac_length,
            signature,
        })
    }
}

impl TryFrom<Vec<u8>> for MegolmMessage {
    type Error = DecodeError;

    fn try_from(bytes: Vec<u8>) -> Result<Self, Self::Error> {
        Self::try_from(bytes.as_slice())
    }
}

impl TryFrom<&str> for MegolmMessage {
    type Error = DecodeError;

    fn try_from(message: &str) -> Result<Self, Self::Error> {
        Self::try_from(base64_decode(message)?.as_slice())
    }
}

impl Serialize for MegolmMessage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for MegolmMessage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let encoded = String::deserialize(deserializer)?;
        Self::from_base64(&encoded).map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for MegolmMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MegolmMessage")
            .field("version", &self.version)
            .field("message_index", &self.message_index)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(index: u32) -> (MegolmMessage, Ed25519Keypair) {
        let key = Ed25519Keypair::new();
        let keys = CipherKeys::megolm(&[1; 128]);
        (MegolmMessage::encrypt(3, index, &keys, &key, b"Message"), key)
    }

    #[test]
    fn layout_and_round_trip() {
        let (message, key) = sample(200);
        let bytes = message.to_bytes();
        // libolm tests/test_message.cpp: the header for index 200.
        assert_eq!(bytes[..6], [0x03, 0x08, 0xC8, 0x01, 0x12, 0x10]);
        assert_eq!(bytes.len(), 6 + 16 + 8 + 64);
        let decoded = MegolmMessage::from_bytes(&bytes).unwrap();
        assert_eq!(decoded, message);
        assert_eq!(decoded.message_index(), 200);
        assert_eq!(decoded.mac().len(), 8);
        key.public_key().verify(decoded.signature_input(), decoded.signature()).unwrap();
        assert_eq!(MegolmMessage::from_base64(&message.to_base64()).unwrap(), message);
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = sample(5).0.to_bytes();
        for end in 0..bytes.len() {
            assert!(MegolmMessage::from_bytes(&bytes[..end]).is_err(), "prefix {end}");
        }
    }

    #[test]
    fn decode_errors() {
        assert!(matches!(MegolmMessage::from_bytes(&[]), Err(DecodeError::MissingVersion)));
        assert!(matches!(MegolmMessage::from_bytes(&[2]), Err(DecodeError::InvalidVersion(4, 2))));
        assert!(matches!(
            MegolmMessage::from_bytes(&[3; 72]),
            Err(DecodeError::MessageTooShort(72))
        ));
        // An index above 2^32 - 1.
        let mut bytes = vec![3, 0x08, 0x80, 0x80, 0x80, 0x80, 0x10, 0x12, 0x00];
        bytes.extend_from_slice(&[0; 72]);
        assert!(matches!(
            MegolmMessage::from_bytes(&bytes),
            Err(DecodeError::ProtoBufError(ProtoBufDecodeError::VarintOverflow))
        ));
        // No ciphertext.
        let mut bytes = vec![3, 0x08, 0x01];
        bytes.extend_from_slice(&[0; 72]);
        assert!(matches!(
            MegolmMessage::from_bytes(&bytes),
            Err(DecodeError::ProtoBufError(ProtoBufDecodeError::MissingField("ciphertext")))
        ));
        // A ciphertext length running into the MAC is a truncated field.
        let mut bytes = vec![3, 0x08, 0x01, 0x12, 0x20];
        bytes.extend_from_slice(&[0; 72]);
        assert!(matches!(MegolmMessage::from_bytes(&bytes), Err(DecodeError::ProtoBufError(_))));
    }
}
