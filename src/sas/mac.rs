//! SAS MACs and their two encodings.
//!
//! `mac = HMAC-SHA-256(HKDF-SHA-256(salt = none, IKM = shared secret, info, 32), input)`.
//! The MAC method `hkdf-hmac-sha256.v2` sends it as ordinary unpadded base64
//! ([`Mac::to_base64`]). The deprecated `hkdf-hmac-sha256` sends what libolm's
//! `olm_sas_calculate_mac` produced: libolm encoded the 32 MAC bytes to base64 *in place*,
//! in the same buffer, so from the second 3-byte group on, the encoder reads bytes it has
//! already overwritten with base64 characters. [`libolm_in_place_base64`] replays that
//! encoding step by step; the result is 43 characters that only the same bug can check
//! (see the [key verification framework], "MAC calculation").
//!
//! [key verification framework]: https://spec.matrix.org/latest/client-server-api/#mac-calculation

use crate::codec::base64::{base64_decode, base64_encode};

/// A SAS MAC, from [`super::EstablishedSas::calculate_mac`].
///
/// MACs are compared by [`super::EstablishedSas::verify_mac`], in constant time; this type
/// deliberately has no `==`.
#[derive(Debug, Clone)]
pub struct Mac(pub(super) Vec<u8>);

impl Mac {
    /// The MAC as unpadded base64 (the `hkdf-hmac-sha256.v2` encoding).
    pub fn to_base64(&self) -> String {
        base64_encode(&self.0)
    }

    /// The MAC's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// A MAC from its bytes (any length; [`super::EstablishedSas::verify_mac`] refuses any
    /// that is not the 32 bytes of the right MAC).
    pub fn from_slice(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }

    /// A MAC from unpadded (or padded) base64.
    ///
    /// ```
    /// use salamander::sas::Mac;
    /// let mac = Mac::from_base64("2nSMU3M+FMBTCWQg5IoIUoEErFZOjniAZTdqNhf+Dmo").unwrap();
    /// assert_eq!(mac.as_bytes().len(), 32);
    /// assert!(Mac::from_base64("not base64!").is_err());
    /// ```
    pub fn from_base64(mac: &str) -> Result<Self, crate::Base64DecodeError> {
        base64_decode(mac).map(Self)
    }
}

#[cfg(feature = "libolm-compat")]
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The base64 character for the low six bits of `value`.
#[cfg(feature = "libolm-compat")]
fn symbol(value: u32) -> u8 {
    ALPHABET.get((value & 0x3F) as usize).copied().unwrap_or(b'A')
}

/// libolm's `olm::encode_base64(mac, 32, mac)`: base64 written over its own input.
///
/// The buffer holds the 32 MAC bytes followed by room for the 43 characters. Each full group
/// reads three bytes at `3g` and then writes four characters at `4g`, exactly as libolm's loop
/// does; from group 1 on, the writes have reached the bytes later groups read, so only MAC
/// bytes 0, 1, 2, 4, 5 and 8 reach the output (48 bits). The last two bytes (at 30 and 31,
/// long overwritten) become three characters with no padding.
#[cfg(feature = "libolm-compat")]
pub(super) fn libolm_in_place_base64(mac: &[u8; 32]) -> String {
    let mut buffer = [0u8; 43];
    for (slot, byte) in buffer.iter_mut().zip(mac) {
        *slot = *byte;
    }
    let read = |buffer: &[u8; 43], at: usize| u32::from(buffer.get(at).copied().unwrap_or(0));
    for group in 0..10 {
        let value = (read(&buffer, 3 * group) << 16)
            | (read(&buffer, 3 * group + 1) << 8)
            | read(&buffer, 3 * group + 2);
        let characters =
            [symbol(value >> 18), symbol(value >> 12), symbol(value >> 6), symbol(value)];
        if let Some(out) = buffer.get_mut(4 * group..4 * group + 4) {
            out.copy_from_slice(&characters);
        }
    }
    let value = (read(&buffer, 30) << 10) | (read(&buffer, 31) << 2);
    let characters = [symbol(value >> 12), symbol(value >> 6), symbol(value)];
    if let Some(out) = buffer.get_mut(40..43) {
        out.copy_from_slice(&characters);
    }
    // Every byte of the buffer is now a base64 character.
    buffer.iter().map(|&b| char::from(b)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "libolm-compat")]
    fn all_zero_mac() {
        // Group 0 writes "AAAA" (0x41) over bytes 0..4; group 1 then reads 0x41, 0, 0.
        let encoded = libolm_in_place_base64(&[0; 32]);
        assert_eq!(encoded.len(), 43);
        assert!(encoded.starts_with("AAAAQQAA"), "{encoded}");
        assert!(encoded.bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    #[cfg(feature = "libolm-compat")]
    fn only_six_mac_bytes_count() {
        // Group 0 reads bytes 0, 1, 2; group 1 reads 3 (already a character), 4, 5; group 2
        // reads 6, 7 (characters) and 8; every later read lands on characters. So the output
        // depends on MAC bytes 0, 1, 2, 4, 5 and 8 only.
        let mac = [7u8; 32];
        let base = libolm_in_place_base64(&mac);
        for i in 0..32 {
            let mut changed = mac;
            changed[i] ^= 1;
            let used = [0, 1, 2, 4, 5, 8].contains(&i);
            assert_eq!(libolm_in_place_base64(&changed) != base, used, "byte {i}");
        }
    }

    #[test]
    fn mac_accessors() {
        let mac = Mac::from_slice(b"ABCDEFGH");
        assert_eq!(mac.as_bytes(), b"ABCDEFGH");
        assert_eq!(Mac::from_base64(&mac.to_base64()).unwrap().as_bytes(), b"ABCDEFGH");
        assert!(Mac::from_base64("A").is_err());
    }
}
