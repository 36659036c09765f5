//! Unpadded standard base64, as the Matrix specification's appendix defines it.
//!
//! Everything salamander emits is unpadded. Decoders accept padded input too (the spec says
//! decoders SHOULD), and reject characters outside the alphabet and non-canonical trailing bits.
//! Secret material goes through `base64ct`, whose running time does not depend on the data
//! (CVE-2024-45192, GHSA-j8cm-g7r6-hfpq).

use base64::{
    alphabet,
    engine::{general_purpose, DecodePaddingMode, GeneralPurpose},
    Engine,
};
use base64ct::Encoding;
use zeroize::{Zeroize, Zeroizing};

const STANDARD_NO_PAD: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    general_purpose::NO_PAD.with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decode unpadded (or padded) standard base64.
///
/// ```
/// assert_eq!(salamander::base64_decode("Zm9vYg").unwrap(), b"foob");
/// assert_eq!(salamander::base64_decode("Zm9vYg==").unwrap(), b"foob");
/// assert!(salamander::base64_decode("Zm9vYg!").is_err());
/// ```
pub fn base64_decode(input: impl AsRef<[u8]>) -> Result<Vec<u8>, crate::Base64DecodeError> {
    STANDARD_NO_PAD.decode(input)
}

/// Encode bytes as unpadded standard base64.
///
/// ```
/// assert_eq!(salamander::base64_encode(b"foob"), "Zm9vYg");
/// ```
pub fn base64_encode(input: impl AsRef<[u8]>) -> String {
    STANDARD_NO_PAD.encode(input)
}

/// Encode secret bytes in constant time.
pub(crate) fn encode_secret(input: &[u8]) -> String {
    base64ct::Base64Unpadded::encode_string(input)
}

/// Decode secret base64 in constant time, padded or unpadded, into a zeroizing buffer.
pub(crate) fn decode_secret(input: &str) -> Result<Zeroizing<Vec<u8>>, base64ct::Error> {
    match base64ct::Base64Unpadded::decode_vec(input) {
        Ok(bytes) => Ok(Zeroizing::new(bytes)),
        Err(_) => base64ct::Base64::decode_vec(input).map(Zeroizing::new),
    }
}

/// Decode secret base64 of exactly `N` bytes; `Err(length)` if it decodes to another length.
pub(crate) fn decode_secret_array<const N: usize>(
    input: &str,
) -> Result<Result<Zeroizing<[u8; N]>, usize>, base64ct::Error> {
    let mut bytes = decode_secret(input)?;
    let result = match <[u8; N]>::try_from(bytes.as_slice()) {
        Ok(array) => Ok(Zeroizing::new(array)),
        Err(_) => Err(bytes.len()),
    };
    bytes.zeroize();
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Matrix specification's "Unpadded Base64" examples.
    #[test]
    fn spec_examples() {
        let cases: [(&[u8], &str); 7] = [
            (b"", ""),
            (b"f", "Zg"),
            (b"fo", "Zm8"),
            (b"foo", "Zm9v"),
            (b"foob", "Zm9vYg"),
            (b"fooba", "Zm9vYmE"),
            (b"foobar", "Zm9vYmFy"),
        ];
        for (raw, encoded) in cases {
            assert_eq!(base64_encode(raw), encoded);
            assert_eq!(base64_decode(encoded).unwrap(), raw);
            assert_eq!(encode_secret(raw), encoded);
            assert_eq!(decode_secret(encoded).unwrap().as_slice(), raw);
        }
    }

    #[test]
    fn padding_is_accepted_on_input() {
        assert_eq!(base64_decode("Zg==").unwrap(), b"f");
        assert_eq!(decode_secret("Zg==").unwrap().as_slice(), b"f");
    }

    #[test]
    fn rejects_bad_input() {
        for bad in ["Z", "Zm9vY", "Zm9v!", "Zh", "====", "Zm 9v"] {
            assert!(base64_decode(bad).is_err(), "{bad}");
            assert!(decode_secret(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fixed_length_secret() {
        let ok = decode_secret_array::<3>("Zm9v").unwrap().unwrap();
        assert_eq!(&*ok, b"foo");
        assert_eq!(decode_secret_array::<4>("Zm9v").unwrap().unwrap_err(), 3);
    }
}
