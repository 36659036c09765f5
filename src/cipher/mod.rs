//! The symmetric construction shared by Olm messages, Megolm messages and pickles.
//!
//! A 32-byte message key (Olm), the 128-byte ratchet (Megolm) or the pickle key is expanded with
//! HKDF-SHA-256 (zero salt) into `AES_KEY (32) ‖ MAC_KEY (32) ‖ IV (16)` under the info strings
//! `"OLM_KEYS"`, `"MEGOLM_KEYS"` or `"Pickle"`. The plaintext is encrypted with AES-256-CBC and
//! PKCS#7 padding; the MAC is HMAC-SHA-256 under `MAC_KEY`, truncated to 8 bytes in version 1
//! messages and in pickles. See the [Olm specification], "Sending messages".
//!
//! The IV comes from the key, so every key must encrypt exactly one plaintext: message keys are
//! used once by construction, and a pickle key encrypts many pickles only because libolm and
//! vodozemac compatibility require it.
//!
//! MACs are compared in constant time and always checked before anything is decrypted.
//!
//! [Olm specification]: https://spec.matrix.org/latest/olm-megolm/olm/

mod kdf;

use aes::Aes256;
use cbc::cipher::{block_padding::Pkcs7, BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac as _};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub(crate) use self::kdf::{hkdf_sha256, hkdf_sha256_zero_salt};

/// Error of an AES-CBC unpadding: the plaintext's PKCS#7 padding was invalid.
pub(crate) use aes::cipher::block_padding::Error as UnpadError;
/// A MAC did not verify.
pub(crate) use hmac::digest::MacError;

type Aes256CbcEnc = cbc::Encryptor<Aes256>;
type Aes256CbcDec = cbc::Decryptor<Aes256>;
pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Length of a full HMAC-SHA-256 tag.
pub(crate) const MAC_LENGTH: usize = 32;
/// Length of the truncated tag used by version 1 messages and by pickles.
pub(crate) const TRUNCATED_MAC_LENGTH: usize = 8;

const OLM_KEYS_INFO: &[u8] = b"OLM_KEYS";
const MEGOLM_KEYS_INFO: &[u8] = b"MEGOLM_KEYS";
const PICKLE_INFO: &[u8] = b"Pickle";

/// HMAC-SHA-256 keyed with a 32-byte key.
///
/// HMAC accepts keys of any length, so keying cannot fail; the fallback arm (a zero key) is
/// never taken and lets this stay free of `expect`. The key is read in place: no copy of it is
/// left on the stack by this function.
pub(crate) fn hmac_sha256(key: &[u8; 32]) -> HmacSha256 {
    match <HmacSha256 as KeyInit>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => <HmacSha256 as KeyInit>::new(&Default::default()),
    }
}

/// `HMAC-SHA-256(key, [byte])` written straight into `out`: the step of both ratchets (Olm's
/// chain keys, Megolm's ratchet parts), with no intermediate buffer to copy or wipe.
pub(crate) fn hmac_sha256_byte_into(mut mac: HmacSha256, byte: u8, out: &mut [u8; 32]) {
    mac.update(&[byte]);
    hmac::digest::FixedOutput::finalize_into(mac, out.into());
}

/// A pickle could not be decrypted.
#[derive(Debug, thiserror::Error)]
pub enum DecryptionError {
    /// The plaintext's padding was invalid.
    #[error("Failed decrypting, invalid padding")]
    InvalidPadding(#[from] UnpadError),
    /// The MAC did not verify: wrong key, or the pickle was altered.
    #[error("The MAC of the ciphertext didn't pass validation {0}")]
    Mac(#[from] MacError),
    /// The input is shorter than a MAC.
    #[error("The ciphertext didn't contain a valid MAC")]
    MacMissing,
    /// The input is longer than salamander reads for this kind of state.
    #[error("The pickle is {length} bytes long, more than the maximum of {max}")]
    TooLong {
        /// The length given.
        length: usize,
        /// The maximum.
        max: usize,
    },
}

/// The AES key, HMAC key and IV derived from one key; zeroized on drop.
#[derive(Zeroize, ZeroizeOnDrop)]
pub(crate) struct CipherKeys {
    aes_key: [u8; 32],
    mac_key: [u8; 32],
    iv: [u8; 16],
}

impl CipherKeys {
    fn expand(ikm: &[u8], info: &[u8]) -> Box<Self> {
        let mut okm = Zeroizing::new([0u8; 80]);
        hkdf_sha256_zero_salt(ikm, info, okm.as_mut_slice());
        Self::from_okm(&okm)
    }

    /// Split 80 bytes of key material into `AES_KEY ‖ MAC_KEY ‖ IV`.
    pub(crate) fn from_okm(okm: &[u8; 80]) -> Box<Self> {
        let mut keys = Box::new(Self { aes_key: [0; 32], mac_key: [0; 32], iv: [0; 16] });
        let destination =
            keys.aes_key.iter_mut().chain(keys.mac_key.iter_mut()).chain(keys.iv.iter_mut());
        for (dst, src) in destination.zip(okm.iter()) {
            *dst = *src;
        }
        keys
    }

    /// Keys for one Olm message.
    pub(crate) fn olm(message_key: &[u8; 32]) -> Box<Self> {
        Self::expand(message_key, OLM_KEYS_INFO)
    }

    /// Keys for one Megolm message: the whole 128-byte ratchet is the input.
    pub(crate) fn megolm(ratchet: &[u8; 128]) -> Box<Self> {
        Self::expand(ratchet, MEGOLM_KEYS_INFO)
    }

    /// Keys for a pickle; libolm accepts a key of any length, including empty.
    pub(crate) fn pickle(pickle_key: &[u8]) -> Box<Self> {
        Self::expand(pickle_key, PICKLE_INFO)
    }

    /// AES-256-CBC with PKCS#7 padding.
    pub(crate) fn encrypt(&self, plaintext: &[u8]) -> Vec<u8> {
        Aes256CbcEnc::new((&self.aes_key).into(), (&self.iv).into())
            .encrypt_padded_vec::<Pkcs7>(plaintext)
    }

    /// The length of the AES-CBC output for a plaintext of `length` bytes.
    pub(crate) const fn padded_length(&self, length: usize) -> usize {
        (length / 16 + 1) * 16
    }

    /// AES-256-CBC with PKCS#7 padding, appended to `out` without an intermediate buffer.
    pub(crate) fn encrypt_into(&self, plaintext: &[u8], out: &mut Vec<u8>) {
        let start = out.len();
        out.resize(start + self.padded_length(plaintext.len()), 0);
        let encryptor = Aes256CbcEnc::new((&self.aes_key).into(), (&self.iv).into());
        let written = match out.get_mut(start..) {
            Some(buffer) => {
                encryptor.encrypt_padded_b2b::<Pkcs7>(plaintext, buffer).map(<[u8]>::len)
            }
            None => Ok(0),
        };
        // The buffer was sized for the padded output, so encryption always fills it exactly.
        out.truncate(start + written.unwrap_or(0));
    }

    /// AES-256-CBC decryption; the padding is checked strictly.
    pub(crate) fn decrypt(&self, ciphertext: &[u8]) -> Result<Vec<u8>, UnpadError> {
        Aes256CbcDec::new((&self.aes_key).into(), (&self.iv).into())
            .decrypt_padded_vec::<Pkcs7>(ciphertext)
    }

    fn hmac(&self) -> HmacSha256 {
        hmac_sha256(&self.mac_key)
    }

    /// The full HMAC-SHA-256 of `message`.
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; MAC_LENGTH] {
        let mut mac = self.hmac();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    /// Check `tag` over `message` in constant time. An 8-byte tag is compared with the first 8
    /// bytes of the MAC, a 32-byte tag with all of it; any other length fails.
    pub(crate) fn verify_mac(&self, message: &[u8], tag: &[u8]) -> Result<(), MacError> {
        let mut mac = self.hmac();
        mac.update(message);
        match tag.len() {
            TRUNCATED_MAC_LENGTH => mac.verify_truncated_left(tag),
            MAC_LENGTH => mac.verify_slice(tag),
            _ => Err(MacError),
        }
    }

    /// The libolm pickle envelope: `AES-CBC(plaintext) ‖ HMAC(ciphertext)[..8]`.
    pub(crate) fn encrypt_pickle(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut out = self.encrypt(plaintext);
        let mac = self.mac(&out);
        out.extend_from_slice(mac.get(..TRUNCATED_MAC_LENGTH).unwrap_or_default());
        out
    }

    /// Open a pickle envelope: the MAC is checked before anything is decrypted.
    pub(crate) fn decrypt_pickle(
        &self,
        ciphertext: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, DecryptionError> {
        let split = ciphertext
            .len()
            .checked_sub(TRUNCATED_MAC_LENGTH)
            .ok_or(DecryptionError::MacMissing)?;
        let (ciphertext, tag) = ciphertext.split_at(split);
        self.verify_mac(ciphertext, tag)?;
        Ok(Zeroizing::new(self.decrypt(ciphertext)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aes_cbc_round_trip_and_padding() {
        let keys = CipherKeys::olm(&[1; 32]);
        for length in [0, 1, 15, 16, 17, 64, 4096] {
            let plaintext = vec![0xAB; length];
            let ciphertext = keys.encrypt(&plaintext);
            assert_eq!(ciphertext.len(), (length / 16 + 1) * 16);
            assert_eq!(keys.decrypt(&ciphertext).unwrap(), plaintext);
        }
        assert!(keys.decrypt(&[0; 15]).is_err());
        assert!(keys.decrypt(&[]).is_err());
    }

    /// Appending after any prefix (none, one byte, a message header) gives the same
    /// ciphertext as `encrypt` and keeps the prefix.
    #[test]
    fn encrypt_into_appends_after_any_prefix() {
        let keys = CipherKeys::megolm(&[3; 128]);
        for length in [0, 1, 15, 16, 17, 100] {
            let plaintext = vec![0x5A; length];
            let expected = keys.encrypt(&plaintext);
            for prefix in [&b""[..], b"\x03", b"\x03\x08\x01\x12\x40"] {
                let mut out = prefix.to_vec();
                keys.encrypt_into(&plaintext, &mut out);
                assert_eq!(out.len(), prefix.len() + keys.padded_length(length));
                assert_eq!(&out[..prefix.len()], prefix);
                assert_eq!(&out[prefix.len()..], expected.as_slice());
            }
        }
    }

    /// libolm tests/test_crypto.cpp: AES-256-CBC of one zero block under a zero key and IV.
    #[test]
    fn aes_cbc_known_answer() {
        let keys = CipherKeys::from_okm(&[0; 80]);
        let ciphertext = keys.encrypt(&[0; 16]);
        assert_eq!(
            ciphertext,
            [
                0xDC, 0x95, 0xC0, 0x78, 0xA2, 0x40, 0x89, 0x89, 0xAD, 0x48, 0xA2, 0x14, 0x92, 0x84,
                0x20, 0x87, 0xF3, 0xC0, 0x03, 0xDD, 0xC4, 0xA7, 0xB8, 0xA9, 0x4B, 0xAE, 0xDF, 0xFC,
                0x3D, 0x21, 0x4C, 0x38
            ]
        );
    }

    #[test]
    fn mac_lengths() {
        let keys = CipherKeys::olm(&[2; 32]);
        let mac = keys.mac(b"message");
        keys.verify_mac(b"message", &mac).unwrap();
        keys.verify_mac(b"message", &mac[..8]).unwrap();
        assert!(keys.verify_mac(b"message", &mac[..7]).is_err());
        assert!(keys.verify_mac(b"message", &mac[..9]).is_err());
        assert!(keys.verify_mac(b"massage", &mac).is_err());
        assert!(keys.verify_mac(b"message", &[]).is_err());
    }

    #[test]
    fn pickle_envelope() {
        let keys = CipherKeys::pickle(b"");
        let sealed = keys.encrypt_pickle(b"state");
        assert_eq!(keys.decrypt_pickle(&sealed).unwrap().as_slice(), b"state");
        for i in 0..sealed.len() {
            let mut flipped = sealed.clone();
            flipped[i] ^= 1;
            assert!(keys.decrypt_pickle(&flipped).is_err());
        }
        assert!(matches!(keys.decrypt_pickle(&sealed[..7]), Err(DecryptionError::MacMissing)));
        assert!(CipherKeys::pickle(b"other").decrypt_pickle(&sealed).is_err());
    }
}
