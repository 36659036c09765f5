//! The stored forms: an encrypted secret `{iv, ciphertext, mac}` and a key check `{iv, mac}`.
//!
//! Both serialize (with `serde`) to the JSON objects of the specification, with unpadded base64
//! strings, and read padded or unpadded base64. The IV must decode to 16 bytes and the MAC to
//! 32.

use serde::{Deserialize, Serialize};

use super::Error;
use crate::codec::base64::{base64_decode, base64_encode};

fn decode_array<const N: usize>(field: &'static str, text: &str) -> Result<[u8; N], Error> {
    let bytes = base64_decode(text)?;
    <[u8; N]>::try_from(bytes.as_slice()).map_err(|_| Error::InvalidLength {
        field,
        expected: N,
        length: bytes.len(),
    })
}

/// A secret encrypted with `m.secret_storage.v1.aes-hmac-sha2`: one entry of a secret's
/// `encrypted` map in account data.
///
/// ```
/// use salamander::secret_storage::EncryptedSecret;
/// let json = r#"{"iv":"bdfCwu+ECYgZ/jWTkGrQ/A==",
///               "ciphertext":"lCRSSA1lChONEXj/8RyogsgAa8ouQwYDnLr4XBCheRikrZykLRzPCx3doCE=",
///               "mac":"NXeV1dZaOe2JLvQ6Hh6tFto7AgFFdaQnY0l9pruwdtE="}"#;
/// let secret: EncryptedSecret = serde_json::from_str(json).unwrap();
/// assert_eq!(secret.iv[0], 109);
/// assert_eq!(secret.iv_base64(), "bdfCwu+ECYgZ/jWTkGrQ/A");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "EncryptedSecretJson", into = "EncryptedSecretJson")]
pub struct EncryptedSecret {
    /// The AES-CTR initial counter block (not authenticated).
    pub iv: [u8; 16],
    /// The AES-256-CTR ciphertext, as long as the secret.
    pub ciphertext: Vec<u8>,
    /// HMAC-SHA-256 of the ciphertext.
    pub mac: [u8; 32],
}

impl EncryptedSecret {
    /// Decode the three fields from base64 (unpadded or padded).
    pub fn from_base64(iv: &str, ciphertext: &str, mac: &str) -> Result<Self, Error> {
        Ok(Self {
            iv: decode_array("iv", iv)?,
            ciphertext: base64_decode(ciphertext)?,
            mac: decode_array("mac", mac)?,
        })
    }

    /// The IV as unpadded base64.
    pub fn iv_base64(&self) -> String {
        base64_encode(self.iv)
    }

    /// The ciphertext as unpadded base64.
    pub fn ciphertext_base64(&self) -> String {
        base64_encode(&self.ciphertext)
    }

    /// The MAC as unpadded base64.
    pub fn mac_base64(&self) -> String {
        base64_encode(self.mac)
    }
}

/// The check stored in a key's description: the `iv` and `mac` of 32 zero bytes encrypted
/// under the name `""`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "KeyCheckJson", into = "KeyCheckJson")]
pub struct KeyCheck {
    /// The IV used.
    pub iv: [u8; 16],
    /// The MAC of the encrypted zeroes.
    pub mac: [u8; 32],
}

impl KeyCheck {
    /// Decode the two fields from base64 (unpadded or padded).
    pub fn from_base64(iv: &str, mac: &str) -> Result<Self, Error> {
        Ok(Self { iv: decode_array("iv", iv)?, mac: decode_array("mac", mac)? })
    }

    /// The IV as unpadded base64.
    pub fn iv_base64(&self) -> String {
        base64_encode(self.iv)
    }

    /// The MAC as unpadded base64.
    pub fn mac_base64(&self) -> String {
        base64_encode(self.mac)
    }
}

#[derive(Serialize, Deserialize)]
struct EncryptedSecretJson {
    iv: String,
    ciphertext: String,
    mac: String,
}

impl TryFrom<EncryptedSecretJson> for EncryptedSecret {
    type Error = Error;

    fn try_from(json: EncryptedSecretJson) -> Result<Self, Error> {
        Self::from_base64(&json.iv, &json.ciphertext, &json.mac)
    }
}

impl From<EncryptedSecret> for EncryptedSecretJson {
    fn from(secret: EncryptedSecret) -> Self {
        Self {
            iv: secret.iv_base64(),
            ciphertext: secret.ciphertext_base64(),
            mac: secret.mac_base64(),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct KeyCheckJson {
    iv: String,
    mac: String,
}

impl TryFrom<KeyCheckJson> for KeyCheck {
    type Error = Error;

    fn try_from(json: KeyCheckJson) -> Result<Self, Error> {
        Self::from_base64(&json.iv, &json.mac)
    }
}

impl From<KeyCheck> for KeyCheckJson {
    fn from(check: KeyCheck) -> Self {
        Self { iv: check.iv_base64(), mac: check.mac_base64() }
    }
}
