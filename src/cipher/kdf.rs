//! HKDF-SHA-256 (RFC 5869), with the zero-salt extract state computed once.
//!
//! libolm's "default salt" is 32 zero bytes and vodozemac's is one zero byte; HMAC pads its key
//! with zeroes to the block size, so both (and the empty salt) are the same key. Olm, Megolm and
//! pickles always use it, so its HMAC key schedule is built once and cloned.

use std::sync::OnceLock;

use hkdf::{Hkdf, HkdfExtract};
use sha2::Sha256;
use zeroize::Zeroize;

fn zero_salt_extract() -> HkdfExtract<Sha256> {
    static STATE: OnceLock<HkdfExtract<Sha256>> = OnceLock::new();
    STATE.get_or_init(|| HkdfExtract::<Sha256>::new(Some(&[0u8; 32]))).clone()
}

/// HKDF-SHA-256 with the zero salt; `okm` must be at most 255 × 32 bytes.
pub(crate) fn hkdf_sha256_zero_salt(ikm: &[u8], info: &[u8], okm: &mut [u8]) {
    let mut extract = zero_salt_extract();
    extract.input_ikm(ikm);
    let (mut prk, hkdf) = extract.finalize();
    prk.as_mut_slice().zeroize();
    expand(&hkdf, info, okm);
}

/// HKDF-SHA-256 with an explicit salt; `okm` must be at most 255 × 32 bytes.
pub(crate) fn hkdf_sha256(salt: &[u8], ikm: &[u8], info: &[u8], okm: &mut [u8]) {
    let hkdf = Hkdf::<Sha256>::new(Some(salt), ikm);
    expand(&hkdf, info, okm);
}

fn expand(hkdf: &Hkdf<Sha256>, info: &[u8], okm: &mut [u8]) {
    // Every caller asks for at most 256 bytes, far below HKDF's limit of 255 × 32; if that ever
    // changed, the output would be left zeroed, and the tests below would catch it.
    if hkdf.expand(info, okm).is_err() {
        okm.zeroize();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// RFC 5869 appendix A.1.
    #[test]
    fn rfc5869_case_1() {
        let ikm = [0x0b; 22];
        let salt = hex("000102030405060708090a0b0c");
        let info = hex("f0f1f2f3f4f5f6f7f8f9");
        let mut okm = [0u8; 42];
        hkdf_sha256(&salt, &ikm, &info, &mut okm);
        assert_eq!(
            okm.to_vec(),
            hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        );
    }

    /// RFC 5869 appendix A.3: zero-length salt, which is the zero salt.
    #[test]
    fn rfc5869_case_3_zero_salt() {
        let ikm = [0x0b; 22];
        let expected = hex(
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
        );
        let mut okm = [0u8; 42];
        hkdf_sha256_zero_salt(&ikm, &[], &mut okm);
        assert_eq!(okm.to_vec(), expected);
        let mut okm2 = [0u8; 42];
        hkdf_sha256(&[], &ikm, &[], &mut okm2);
        assert_eq!(okm2.to_vec(), expected);
        hkdf_sha256(&[0], &ikm, &[], &mut okm2);
        assert_eq!(okm2.to_vec(), expected);
    }

    #[test]
    fn largest_output_used_is_derived() {
        let mut okm = [0u8; 256];
        hkdf_sha256_zero_salt(b"ikm", b"info", &mut okm);
        assert!(okm.iter().any(|&b| b != 0));
    }
}
