//! The normal Olm message.

use std::{fmt, ops::Range};

use serde::{Deserialize, Serialize};

use super::{MESSAGE_VERSION_V1, MESSAGE_VERSION_V2};
use crate::{
    base64_decode, base64_encode,
    cipher::{CipherKeys, MAC_LENGTH, TRUNCATED_MAC_LENGTH},
    codec::protobuf::{self, ProtoBufDecodeError},
    Curve25519PublicKey, DecodeError,
};

const RATCHET_KEY_FIELD: u8 = 1;
const CHAIN_INDEX_FIELD: u8 = 2;
const CIPHERTEXT_FIELD: u8 = 4;

/// A normal Olm message: the sender's ratchet key, the chain index, the ciphertext and a MAC.
///
/// The message keeps its bytes exactly as encoded or received; the MAC is checked over them.
#[derive(Clone, PartialEq, Eq)]
pub struct Message {
    bytes: Vec<u8>,
    version: u8,
    ratchet_key: Curve25519PublicKey,
    chain_index: u64,
    ciphertext: Range<usize>,
    mac_length: usize,
}

impl Message {
    /// The sender's current ratchet key `T_i`.
    pub const fn ratchet_key(&self) -> Curve25519PublicKey {
        self.ratchet_key
    }

    /// The message's index `j` in its chain.
    pub const fn chain_index(&self) -> u64 {
        self.chain_index
    }

    /// The AES ciphertext.
    pub fn ciphertext(&self) -> &[u8] {
        self.bytes.get(self.ciphertext.clone()).unwrap_or_default()
    }

    /// The version byte: 3 (8-byte MAC) or 4 (32-byte MAC).
    pub const fn version(&self) -> u8 {
        self.version
    }

    /// Decode a message; every length is checked.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::try_from(bytes)
    }

    /// The encoded message.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// Decode a message from unpadded base64.
    pub fn from_base64(message: &str) -> Result<Self, DecodeError> {
        Self::try_from(message)
    }

    /// The encoded message as unpadded base64.
    pub fn to_base64(&self) -> String {
        base64_encode(&self.bytes)
    }

    /// The bytes the MAC covers: everything before it.
    pub(crate) fn authenticated_bytes(&self) -> &[u8] {
        let end = self.bytes.len().saturating_sub(self.mac_length);
        self.bytes.get(..end).unwrap_or_default()
    }

    /// The MAC as received.
    pub(crate) fn mac(&self) -> &[u8] {
        let start = self.bytes.len().saturating_sub(self.mac_length);
        self.bytes.get(start..).unwrap_or_default()
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Encrypt `plaintext` with one message key and encode the message, MAC included.
    pub(crate) fn encrypt(
        version: u8,
        ratchet_key: Curve25519PublicKey,
        chain_index: u64,
        keys: &CipherKeys,
        plaintext: &[u8],
    ) -> Self {
        let mac_length =
            if version == MESSAGE_VERSION_V2 { MAC_LENGTH } else { TRUNCATED_MAC_LENGTH };
        let ciphertext_length = keys.padded_length(plaintext.len());
        let mut bytes = Vec::with_capacity(
            1 + protobuf::bytes_field_len(32)
                + 1
                + protobuf::varint_len(chain_index)
                + protobuf::bytes_field_len(ciphertext_length)
                + mac_length,
        );
        bytes.push(version);
        protobuf::put_bytes_field(&mut bytes, RATCHET_KEY_FIELD, ratchet_key.as_bytes());
        protobuf::put_varint_field(&mut bytes, CHAIN_INDEX_FIELD, chain_index);
        bytes.push(CIPHERTEXT_FIELD << 3 | 2);
        protobuf::put_varint(&mut bytes, ciphertext_length as u64);
        let start = bytes.len();
        keys.encrypt_into(plaintext, &mut bytes);
        let ciphertext = start..bytes.len();
        let mac = keys.mac(&bytes);
        bytes.extend_from_slice(mac.get(..mac_length).unwrap_or_default());

        Self { bytes, version, ratchet_key, chain_index, ciphertext, mac_length }
    }
}

impl TryFrom<&[u8]> for Message {
    type Error = DecodeError;

    fn try_from(bytes: &[u8]) -> Result<Self, Self::Error> {
        let version = *bytes.first().ok_or(DecodeError::MissingVersion)?;
        let mac_length = match version {
            MESSAGE_VERSION_V1 => TRUNCATED_MAC_LENGTH,
            MESSAGE_VERSION_V2 => MAC_LENGTH,
            other => return Err(DecodeError::InvalidVersion(MESSAGE_VERSION_V1, other)),
        };
        if bytes.len() < mac_length + 2 {
            return Err(DecodeError::MessageTooShort(bytes.len()));
        }
        let payload_end = bytes.len() - mac_length;
        let payload = bytes.get(1..payload_end).ok_or(DecodeError::MessageTooShort(bytes.len()))?;

        let mut ratchet_key = None;
        let mut chain_index = None;
        let mut ciphertext = None;
        let mut fields = protobuf::fields(payload);
        while let Some(field) = fields.next() {
            let (number, value) = field?;
            match number {
                1 => ratchet_key = Some(value.bytes("ratchet key")?),
                2 => chain_index = Some(value.varint("chain index")?),
                4 => {
                    let value = value.bytes("ciphertext")?;
                    // Offset of the value inside `bytes`: 1 version byte, then what was read.
                    let end = 1 + payload.len() - fields.remaining();
                    ciphertext = Some(end - value.len()..end);
                }
                _ => {}
            }
        }

        let ratchet_key = ratchet_key.ok_or(ProtoBufDecodeError::MissingField("ratchet key"))?;
        let ratchet_key = Curve25519PublicKey::from_slice(ratchet_key)?;
        let chain_index = chain_index.ok_or(ProtoBufDecodeError::MissingField("chain index"))?;
        let ciphertext = ciphertext.ok_or(ProtoBufDecodeError::MissingField("ciphertext"))?;

        Ok(Self {
            bytes: bytes.to_vec(),
            version,
            ratchet_key,
            chain_index,
            ciphertext,
            mac_length,
        })
    }
}

impl TryFrom<Vec<u8>> for Message {
    type Error = DecodeError;

    fn try_from(bytes: Vec<u8>) -> Result<Self, Self::Error> {
        Self::try_from(bytes.as_slice())
    }
}

impl TryFrom<&str> for Message {
    type Error = DecodeError;

    fn try_from(message: &str) -> Result<Self, Self::Error> {
        Self::try_from(base64_decode(message)?.as_slice())
    }
}

impl Serialize for Message {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let encoded = String::deserialize(deserializer)?;
        Message::from_base64(&encoded).map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Message")
            .field("version", &self.version)
            .field("ratchet_key", &self.ratchet_key)
            .field("chain_index", &self.chain_index)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cipher::CipherKeys;

    #[test]
    fn encode_layout_matches_the_spec() {
        let keys = CipherKeys::olm(&[3; 32]);
        let key = Curve25519PublicKey::from_bytes([7; 32]);
        let message = Message::encrypt(3, key, 0, &keys, b"hello");
        let bytes = message.to_bytes();
        // "hello" at j = 0: 1 + 34 + 2 + 18 + 8 = 63 bytes.
        assert_eq!(bytes.len(), 63);
        assert_eq!(bytes[..3], [0x03, 0x0A, 0x20]);
        assert_eq!(bytes[35..37], [0x10, 0x00]);
        assert_eq!(bytes[37..39], [0x22, 0x10]);
        let decoded = Message::from_bytes(&bytes).unwrap();
        assert_eq!(decoded, message);
        assert_eq!(decoded.ciphertext(), &bytes[39..55]);
        assert_eq!(decoded.mac(), &bytes[55..]);
        keys.verify_mac(decoded.authenticated_bytes(), decoded.mac()).unwrap();
    }

    #[test]
    fn decode_errors() {
        assert!(matches!(Message::from_bytes(&[]), Err(DecodeError::MissingVersion)));
        assert!(matches!(Message::from_bytes(&[2, 0]), Err(DecodeError::InvalidVersion(3, 2))));
        assert!(matches!(Message::from_bytes(&[3; 9]), Err(DecodeError::MessageTooShort(9))));
        assert!(matches!(Message::from_bytes(&[4; 33]), Err(DecodeError::MessageTooShort(33))));
        // A payload of a single zero byte: field number 0.
        assert!(matches!(
            Message::from_bytes(&[3, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            Err(DecodeError::ProtoBufError(_))
        ));
        // Missing ciphertext.
        let mut bytes = vec![3, 0x0A, 32];
        bytes.extend_from_slice(&[1; 32]);
        bytes.extend_from_slice(&[0x10, 1]);
        bytes.extend_from_slice(&[0; 8]);
        assert!(matches!(
            Message::from_bytes(&bytes),
            Err(DecodeError::ProtoBufError(ProtoBufDecodeError::MissingField("ciphertext")))
        ));
        // Short ratchet key.
        let bytes = [3, 0x0A, 1, 5, 0x10, 1, 0x22, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        assert!(matches!(Message::from_bytes(&bytes), Err(DecodeError::InvalidKey(_))));
    }

    /// libolm tests/test_message.cpp: a message with a 10-byte ciphertext and a dummy key.
    #[test]
    fn unknown_fields_are_skipped_and_kept_for_the_mac() {
        let keys = CipherKeys::olm(&[3; 32]);
        let message = Message::encrypt(3, Curve25519PublicKey::from_bytes([1; 32]), 5, &keys, b"x");
        let mut bytes = message.authenticated_bytes().to_vec();
        protobuf::put_bytes_field(&mut bytes, 15, b"extra");
        let mac = keys.mac(&bytes);
        bytes.extend_from_slice(&mac[..8]);
        let decoded = Message::from_bytes(&bytes).unwrap();
        assert_eq!(decoded.chain_index(), 5);
        assert_eq!(decoded.ciphertext(), message.ciphertext());
        keys.verify_mac(decoded.authenticated_bytes(), decoded.mac()).unwrap();
    }

    #[test]
    fn serde_is_base64() {
        let keys = CipherKeys::olm(&[3; 32]);
        let message = Message::encrypt(3, Curve25519PublicKey::from_bytes([1; 32]), 5, &keys, b"x");
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(json, format!("\"{}\"", message.to_base64()));
        assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), message);
    }
}
