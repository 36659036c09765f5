//! The short authentication string itself: six HKDF bytes shown as seven emoji or three numbers.
//!
//! Both sides derive the same six bytes from the shared secret ([`super::EstablishedSas::bytes`])
//! and show them to their users, who compare. The mappings are the Matrix specification's
//! ([SAS method `emoji`], [SAS method `decimal`]):
//!
//! - **emoji**: the first 42 bits, split into seven big-endian 6-bit numbers, each an index into
//!   the specification's table of 64 emoji (`data-definitions/sas-emoji.json`: 0 is 🐶 "Dog",
//!   63 is 📌 "Pin");
//! - **decimal**: the first 39 bits (five bytes, the last bit dropped), split into three 13-bit
//!   numbers, each plus 1000, so every number is in `1000..=9191`.
//!
//! [SAS method `emoji`]: https://spec.matrix.org/latest/client-server-api/#sas-method-emoji
//! [SAS method `decimal`]: https://spec.matrix.org/latest/client-server-api/#sas-method-decimal

/// The six bytes of a short authentication string, from [`super::EstablishedSas::bytes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SasBytes {
    bytes: [u8; 6],
}

impl SasBytes {
    pub(super) const fn new(bytes: [u8; 6]) -> Self {
        Self { bytes }
    }

    /// The seven emoji to show, as indices (0..=63) into the specification's emoji table.
    ///
    /// ```
    /// use salamander::sas::Sas;
    /// let alice = Sas::new();
    /// let bob = Sas::new();
    /// let alice_public = alice.public_key();
    /// let alice = alice.diffie_hellman(bob.public_key()).unwrap();
    /// let bob = bob.diffie_hellman(alice_public).unwrap();
    /// let emoji = alice.bytes("AGREED_INFO").emoji_indices();
    /// assert_eq!(emoji, bob.bytes("AGREED_INFO").emoji_indices());
    /// assert!(emoji.iter().all(|&index| index < 64));
    /// ```
    pub fn emoji_indices(&self) -> [u8; 7] {
        // The six bytes as one 48-bit big-endian number; the emoji are its top 42 bits.
        let [b0, b1, b2, b3, b4, b5] = self.bytes;
        let number = u64::from_be_bytes([0, 0, b0, b1, b2, b3, b4, b5]);
        let six_bits = |shift: u32| ((number >> shift) & 0x3F) as u8;
        [
            six_bits(42),
            six_bits(36),
            six_bits(30),
            six_bits(24),
            six_bits(18),
            six_bits(12),
            six_bits(6),
        ]
    }

    /// The three numbers to show, each in `1000..=9191`.
    ///
    /// ```
    /// use salamander::sas::Sas;
    /// let alice = Sas::new();
    /// let bob = Sas::new();
    /// let established = alice.diffie_hellman(bob.public_key()).unwrap();
    /// let (first, second, third) = established.bytes("AGREED_INFO").decimals();
    /// assert!([first, second, third].iter().all(|n| (1000..=9191).contains(n)));
    /// ```
    pub fn decimals(&self) -> (u16, u16, u16) {
        // The first five bytes as one 40-bit number; the numbers are its top 39 bits.
        let [b0, b1, b2, b3, b4, _] = self.bytes;
        let number = u64::from_be_bytes([0, 0, 0, b0, b1, b2, b3, b4]);
        let thirteen_bits = |shift: u32| ((number >> shift) & 0x1FFF) as u16 + 1000;
        (thirteen_bits(27), thirteen_bits(14), thirteen_bits(1))
    }

    /// The six bytes.
    pub const fn as_bytes(&self) -> &[u8; 6] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::SasBytes;

    /// The spec's formulas, written out as the specification states them.
    fn spec_decimals(b: [u8; 6]) -> (u16, u16, u16) {
        let b: Vec<u16> = b.iter().map(|&x| u16::from(x)).collect();
        (
            ((b[0] << 5) | (b[1] >> 3)) + 1000,
            (((b[1] & 0x7) << 10) | (b[2] << 2) | (b[3] >> 6)) + 1000,
            (((b[3] & 0x3F) << 7) | (b[4] >> 1)) + 1000,
        )
    }

    /// vodozemac's edge cases (V11): all zero and all ones.
    #[test]
    fn extremes() {
        let zero = SasBytes::new([0; 6]);
        assert_eq!(zero.emoji_indices(), [0; 7]);
        assert_eq!(zero.decimals(), (1000, 1000, 1000));
        let ones = SasBytes::new([0xFF; 6]);
        assert_eq!(ones.emoji_indices(), [63; 7]);
        assert_eq!(ones.decimals(), (9191, 9191, 9191));
        assert_eq!(ones.as_bytes(), &[0xFF; 6]);
    }

    /// One bit at a time: each emoji index and each number takes exactly its own bits.
    #[test]
    fn bit_positions() {
        // Bit 47 (the first) is the top bit of the first emoji and the first number.
        let first = SasBytes::new([0x80, 0, 0, 0, 0, 0]);
        assert_eq!(first.emoji_indices(), [32, 0, 0, 0, 0, 0, 0]);
        assert_eq!(first.decimals(), (1000 + 4096, 1000, 1000));
        // The last six bits of byte 5 are in no emoji; the last bit of byte 4 in no number
        // (but in the last emoji).
        let unused = SasBytes::new([0, 0, 0, 0, 0x01, 0x3F]);
        assert_eq!(unused.emoji_indices(), [0, 0, 0, 0, 0, 0, 4]);
        assert_eq!(unused.decimals(), (1000, 1000, 1000));
    }

    proptest! {
        #[test]
        fn emoji_and_decimals_follow_the_spec(bytes in prop::array::uniform6(any::<u8>())) {
            let sas = SasBytes::new(bytes);
            prop_assert_eq!(sas.decimals(), spec_decimals(bytes));
            let emoji = sas.emoji_indices();
            prop_assert!(emoji.iter().all(|&i| i < 64));
            // Re-assemble the 42 bits and compare with the bytes.
            let joined = emoji.iter().fold(0u64, |acc, &i| (acc << 6) | u64::from(i));
            let top42 = u64::from_be_bytes([0, 0, bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]]) >> 6;
            prop_assert_eq!(joined, top42);
        }
    }
}
