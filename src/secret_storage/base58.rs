//! The specification's key representation: a 32-byte key as 48 base58 characters.
//!
//! ```text
//! bytes  = 0x8B 0x01 ‖ key (32) ‖ parity        parity = XOR of the 34 bytes before it
//! string = base58 (Bitcoin alphabet) of the 35 bytes, in groups of 4 characters
//!          separated by spaces, e.g. "EsTc LW2K PGiF … UE4d"
//! ```
//!
//! On input, whitespace anywhere is ignored; the decoded bytes must be 35, start with the
//! prefix and end with the right parity byte. See [Key representation].
//!
//! The encoder and decoder handle secrets, so their work does not depend on the key: the
//! big-number conversions run a fixed number of steps for a given length, digits map to and
//! from characters by scanning the whole alphabet with constant-time selects, and the prefix
//! and parity are compared in constant time. Only the input's length and where it has
//! whitespace (both public formatting) change the running time; an invalid character stops
//! decoding early.
//!
//! [Key representation]: https://spec.matrix.org/latest/client-server-api/#key-representation

use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use super::Error;

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
const PREFIX: [u8; 2] = [0x8B, 0x01];
/// Prefix, key and parity.
const DECODED_LENGTH: usize = 35;
const GROUP: usize = 4;

/// The character of digit `digit` (0..58), without a data-dependent table lookup.
fn character(digit: u8) -> u8 {
    let mut out = 0u8;
    for (index, &symbol) in (0u8..).zip(ALPHABET.iter()) {
        out.conditional_assign(&symbol, index.ct_eq(&digit));
    }
    out
}

/// The digit of character `symbol`, if it is in the alphabet.
fn digit(symbol: u8) -> Option<u8> {
    let mut out = 0u8;
    let mut found = Choice::from(0);
    for (index, &candidate) in (0u8..).zip(ALPHABET.iter()) {
        let equal = candidate.ct_eq(&symbol);
        out.conditional_assign(&index, equal);
        found |= equal;
    }
    bool::from(found).then_some(out)
}

/// Base58 of `bytes`: leading zero bytes become leading `1`s, the rest is the big-endian
/// number in base 58.
fn encode(bytes: &[u8]) -> Zeroizing<String> {
    // 256 = 58^1.3657..., so len × 1.37 digits always suffice.
    let mut digits = Zeroizing::new(vec![0u8; bytes.len() * 137 / 100 + 1]);
    for &byte in bytes {
        let mut carry = u32::from(byte);
        for digit in digits.iter_mut().rev() {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
    }
    let zeros = bytes.iter().take_while(|&&b| b == 0).count();
    let significant = digits.iter().skip_while(|&&d| d == 0);
    let mut out = Zeroizing::new(String::with_capacity(digits.len()));
    out.extend(std::iter::repeat_n('1', zeros));
    out.extend(significant.map(|&d| char::from(character(d))));
    out
}

/// Bytes from base58 (no whitespace).
fn decode(text: &[u8]) -> Result<Zeroizing<Vec<u8>>, Error> {
    // 58 < 2^5.86, so len × 0.733 bytes always suffice.
    let mut bytes = Zeroizing::new(vec![0u8; text.len() * 733 / 1000 + 1]);
    for &symbol in text {
        let mut carry = u32::from(digit(symbol).ok_or(Error::InvalidBase58)?);
        for byte in bytes.iter_mut().rev() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xFF) as u8;
            carry >>= 8;
        }
    }
    let ones = text.iter().take_while(|&&c| c == b'1').count();
    let mut out = Zeroizing::new(vec![0u8; ones]);
    out.extend(bytes.iter().skip_while(|&&b| b == 0));
    Ok(out)
}

/// A 32-byte key in the specification's key representation (the "recovery key" or "security
/// key" users write down), e.g. `EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d`.
///
/// The string holds the key: it is zeroized when dropped.
///
/// ```
/// use salamander::secret_storage::{decode_recovery_key, encode_recovery_key};
/// // RFC 7748 §6.1, Alice's private key, as in matrix-rust-sdk's backup tests.
/// let alice = [
///     0x77, 0x07, 0x6D, 0x0A, 0x73, 0x18, 0xA5, 0x7D, 0x3C, 0x16, 0xC1, 0x72, 0x51, 0xB2, 0x66,
///     0x45, 0xDF, 0x4C, 0x2F, 0x87, 0xEB, 0xC0, 0x99, 0x2A, 0xB1, 0x77, 0xFB, 0xA5, 0x1D, 0xB9,
///     0x2C, 0x2A,
/// ];
/// let encoded = encode_recovery_key(&alice);
/// assert_eq!(encoded.as_str(), "EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4d");
/// assert_eq!(*decode_recovery_key("EsTcLW2KPGiFwKEA3As5g5c4\nBXwkqeeJZJV8Q9fugUMNUE4d")?, alice);
/// assert!(decode_recovery_key("EsTc LW2K PGiF wKEA 3As5 g5c4 BXwk qeeJ ZJV8 Q9fu gUMN UE4e").is_err());
/// # Ok::<(), salamander::secret_storage::Error>(())
/// ```
pub fn encode_recovery_key(key: &[u8; 32]) -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0u8; DECODED_LENGTH]);
    let parity = PREFIX.iter().chain(key.iter()).fold(0u8, |acc, b| acc ^ b);
    for (dst, src) in bytes.iter_mut().zip(PREFIX.iter().chain(key.iter()).chain([parity].iter())) {
        *dst = *src;
    }
    let plain = encode(bytes.as_slice());
    let mut out = Zeroizing::new(String::with_capacity(plain.len() + plain.len() / GROUP));
    for (i, c) in plain.chars().enumerate() {
        if i > 0 && i % GROUP == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// The 32-byte key of a key representation; whitespace is ignored.
///
/// Errors: [`Error::InvalidBase58`] for a character outside the alphabet,
/// [`Error::RecoveryKeyLength`] if it does not decode to 35 bytes,
/// [`Error::RecoveryKeyPrefix`] and [`Error::RecoveryKeyParity`].
pub fn decode_recovery_key(input: &str) -> Result<Zeroizing<[u8; 32]>, Error> {
    let compact: Zeroizing<Vec<u8>> = Zeroizing::new(
        input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| u8::try_from(c).unwrap_or(0))
            .collect(),
    );
    let decoded = decode(&compact)?;
    let bytes: &[u8; DECODED_LENGTH] = decoded.as_slice().try_into().map_err(|_| {
        Error::RecoveryKeyLength { expected: DECODED_LENGTH, length: decoded.len() }
    })?;
    let (prefix, rest) = bytes.split_at(2);
    let (key, parity) = rest.split_at(32);
    let expected_parity = bytes.iter().take(34).fold(0u8, |acc, b| acc ^ b);
    if !bool::from(prefix.ct_eq(&PREFIX)) {
        return Err(Error::RecoveryKeyPrefix);
    }
    if !bool::from(parity.ct_eq(&[expected_parity])) {
        return Err(Error::RecoveryKeyParity);
    }
    let mut out = Zeroizing::new([0u8; 32]);
    out.copy_from_slice(key);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base58_basics() {
        assert_eq!(encode(b"").as_str(), "");
        assert_eq!(encode(&[0, 0, 1]).as_str(), "112");
        assert_eq!(encode(b"hello world").as_str(), "StV1DL6CwTryKyV");
        assert_eq!(decode(b"StV1DL6CwTryKyV").unwrap().as_slice(), b"hello world");
        assert_eq!(decode(b"112").unwrap().as_slice(), [0, 0, 1]);
        assert_eq!(decode(b"").unwrap().as_slice(), b"");
        for bad in [&b"0"[..], b"O", b"I", b"l", b"+", b"\xC3"] {
            assert!(matches!(decode(bad), Err(Error::InvalidBase58)), "{bad:?}");
        }
        for digit_value in 0..58u8 {
            assert_eq!(digit(character(digit_value)), Some(digit_value));
        }
    }

    #[test]
    fn round_trips_and_fixed_length() {
        for fill in [0u8, 1, 0x7F, 0xFF] {
            let key = [fill; 32];
            let encoded = encode_recovery_key(&key);
            // 48 characters in 12 groups: the prefix makes the length fixed.
            assert_eq!(encoded.len(), 48 + 11);
            assert_eq!(*decode_recovery_key(&encoded).unwrap(), key);
        }
    }

    /// matrix-rust-sdk `secret_storage.rs` `base58_parsing`: whitespace, parity, prefix,
    /// length and alphabet errors.
    #[test]
    fn matrix_rust_sdk_parsing_cases() {
        let decoded: [u8; 32] = [
            159, 189, 70, 187, 52, 81, 113, 198, 246, 2, 44, 154, 37, 213, 104, 27, 165, 78, 236,
            106, 108, 73, 83, 243, 173, 192, 185, 110, 157, 145, 173, 163,
        ];
        let spaced = "EsT           pRvZTnjck8    YrhRAtw XLS84Nr2r9S9LGAWDaExVAPBvLRK   ";
        assert_eq!(*decode_recovery_key(spaced).unwrap(), decoded);
        assert!(matches!(
            decode_recovery_key("EsTpRvZTnjck8YrhRAtwXLS84Nr2r9S9LGAWDaExVAPBvLRk"),
            Err(Error::RecoveryKeyParity)
        ));
        assert!(matches!(
            decode_recovery_key("AATpRvZTnjck8YrhRAtwXLS84Nr2r9S9LGAWDaExVAPBvLRk"),
            Err(Error::RecoveryKeyPrefix)
        ));
        assert!(matches!(
            decode_recovery_key("AATpRvZTnjck8YrhRAtwXLS84Nr2r9S9"),
            Err(Error::RecoveryKeyLength { expected: 35, .. })
        ));
        assert!(matches!(
            decode_recovery_key("AATpRvZTnjck8YrhRAtwXLS84Nr0OIl"),
            Err(Error::InvalidBase58)
        ));
    }
}
