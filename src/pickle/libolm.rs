//! libolm's pickle format: the binary layout and its encrypted envelope.
//!
//! Envelope (libolm `src/pickle_encoding.c`): the pickle key is any bytes, even empty;
//! `AES_KEY ‖ MAC_KEY ‖ IV = HKDF-SHA-256(0, key, "Pickle", 80)`; the output is unpadded base64
//! of `AES-256-CBC(plaintext) ‖ HMAC-SHA-256(ciphertext)[..8]`. The IV comes from the key, so a
//! key must not be reused for pickles whose confidentiality matters separately.
//!
//! Inside: big-endian `u32`s, one-byte booleans (any non-zero byte is true), fixed-size byte
//! arrays, and lists as a `u32` count followed by the items. Every object starts with its own
//! `u32` version. libolm does not bound list counts on read (extra items overwrite the last
//! slot); salamander refuses a count above the list's limit, and refuses trailing bytes.

use zeroize::Zeroizing;

use crate::LibolmPickleError;
#[cfg(feature = "libolm-compat")]
use crate::{cipher::CipherKeys, codec::base64::base64_decode};

/// A libolm pickle's contents could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LibolmDecodeError {
    /// The pickle ended inside a field (libolm's `CORRUPTED_PICKLE`).
    #[error("the pickle ended early, in {0}")]
    Truncated(&'static str),
    /// Bytes follow the end of the object (libolm's `PICKLE_EXTRA_DATA`).
    #[error("the pickle has {0} bytes after its end")]
    ExtraData(usize),
    /// A list is longer than the state it restores can hold.
    #[error("the list of {name} has {count} entries, more than the maximum of {max}")]
    ListTooLong {
        /// Which list.
        name: &'static str,
        /// The count in the pickle.
        count: u32,
        /// The maximum.
        max: usize,
    },
    /// A field holds a value the format does not allow.
    #[error("the pickle has an invalid {0}")]
    InvalidValue(&'static str),
}

/// A state cannot be written as a libolm pickle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LibolmEncodeError {
    /// A counter does not fit libolm's 32 bits.
    #[error("the {0} does not fit in libolm's 32-bit field")]
    OutOfRange(&'static str),
    /// The state has no libolm equivalent.
    #[error("the state cannot be expressed as a libolm pickle: {0}")]
    Unrepresentable(&'static str),
}

/// Reads a decrypted libolm pickle, field by field.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    pub(crate) fn bytes<const N: usize>(
        &mut self,
        what: &'static str,
    ) -> Result<&'a [u8; N], LibolmDecodeError> {
        let (value, rest) =
            self.rest.split_first_chunk::<N>().ok_or(LibolmDecodeError::Truncated(what))?;
        self.rest = rest;
        Ok(value)
    }

    pub(crate) fn secret<const N: usize>(
        &mut self,
        what: &'static str,
    ) -> Result<Zeroizing<[u8; N]>, LibolmDecodeError> {
        Ok(Zeroizing::new(*self.bytes::<N>(what)?))
    }

    pub(crate) fn u32(&mut self, what: &'static str) -> Result<u32, LibolmDecodeError> {
        Ok(u32::from_be_bytes(*self.bytes::<4>(what)?))
    }

    pub(crate) fn u8(&mut self, what: &'static str) -> Result<u8, LibolmDecodeError> {
        Ok(self.bytes::<1>(what)?[0])
    }

    pub(crate) fn bool(&mut self, what: &'static str) -> Result<bool, LibolmDecodeError> {
        Ok(self.u8(what)? != 0)
    }

    /// A list count, refused above `max`.
    pub(crate) fn count(
        &mut self,
        name: &'static str,
        max: usize,
    ) -> Result<usize, LibolmDecodeError> {
        let count = self.u32(name)?;
        match usize::try_from(count) {
            Ok(n) if n <= max => Ok(n),
            _ => Err(LibolmDecodeError::ListTooLong { name, count, max }),
        }
    }

    /// Succeed only if every byte was read.
    pub(crate) fn finish(self) -> Result<(), LibolmDecodeError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(LibolmDecodeError::ExtraData(self.rest.len()))
        }
    }
}

/// Writes a libolm pickle into a zeroizing buffer.
pub(crate) struct Writer {
    bytes: Zeroizing<Vec<u8>>,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Self { bytes: Zeroizing::new(Vec::new()) }
    }

    pub(crate) fn bytes(&mut self, value: &[u8]) {
        self.bytes.extend_from_slice(value);
    }

    pub(crate) fn u32(&mut self, value: u32) {
        self.bytes(&value.to_be_bytes());
    }

    pub(crate) fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    pub(crate) fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }

    /// A list count.
    pub(crate) fn count(
        &mut self,
        count: usize,
        what: &'static str,
    ) -> Result<(), LibolmEncodeError> {
        self.u32(u32::try_from(count).map_err(|_| LibolmEncodeError::OutOfRange(what))?);
        Ok(())
    }

    pub(crate) fn into_bytes(self) -> Zeroizing<Vec<u8>> {
        self.bytes
    }
}

/// Open a libolm pickle: base64, MAC, decryption.
#[cfg(feature = "libolm-compat")]
pub(crate) fn decrypt(
    pickle: &str,
    pickle_key: &[u8],
) -> Result<Zeroizing<Vec<u8>>, LibolmPickleError> {
    super::check_length(pickle)?;
    let sealed = base64_decode(pickle)?;
    Ok(CipherKeys::pickle(pickle_key).decrypt_pickle(&sealed)?)
}

/// Seal a libolm pickle.
#[cfg(feature = "libolm-compat")]
pub(crate) fn encrypt(plaintext: &[u8], pickle_key: &[u8]) -> String {
    crate::base64_encode(CipherKeys::pickle(pickle_key).encrypt_pickle(plaintext))
}

/// The version at the start of a decrypted pickle.
pub(crate) fn version(plaintext: &[u8]) -> Result<u32, LibolmPickleError> {
    plaintext
        .first_chunk::<4>()
        .map(|bytes| u32::from_be_bytes(*bytes))
        .ok_or(LibolmPickleError::MissingVersion)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_bounds() {
        let mut reader = Reader::new(&[0, 0, 0, 3, 1]);
        assert!(matches!(
            reader.count("keys", 2),
            Err(LibolmDecodeError::ListTooLong { count: 3, max: 2, .. })
        ));
        let mut reader = Reader::new(&[0, 0, 0, 2, 9]);
        assert_eq!(reader.count("keys", 2), Ok(2));
        assert_eq!(reader.bool("flag"), Ok(true));
        assert_eq!(reader.u8("more"), Err(LibolmDecodeError::Truncated("more")));
        let reader = Reader::new(&[1]);
        assert_eq!(reader.finish(), Err(LibolmDecodeError::ExtraData(1)));
    }

    #[cfg(feature = "libolm-compat")]
    #[test]
    fn envelope_with_any_key_length() {
        for key in [&b""[..], b"k", b"a 32-byte key for this envelope!", &[7; 100]] {
            let sealed = encrypt(b"\x00\x00\x00\x01state", key);
            let opened = decrypt(&sealed, key).unwrap();
            assert_eq!(version(&opened).unwrap(), 1);
            assert!(matches!(decrypt(&sealed, b"wrong"), Err(LibolmPickleError::Decryption(_))));
        }
    }
}
