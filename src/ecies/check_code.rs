//! The two-digit check code of a channel ([MSC4108] / [MSC4388]).
//!
//! Both channels ([`crate::ecies`] and, with the `hpke` feature, `crate::hpke`) derive the same
//! kind of code: two bytes that both ends compute from the shared secret and both public keys.
//! One device shows it as a two-digit number and the user types it into the other, which
//! compares it with its own. The initiator already knows whether the channel is secure (it had
//! the other side's key out of band), so the code really carries one bit; turning it into two
//! digits the user must type stops them from clicking through without looking.
//!
//! The type lives here, always compiled, because `ecies` is always built and `hpke` is a
//! feature; `hpke::CheckCode` is this same type, as in vodozemac.
//!
//! [MSC4108]: https://github.com/matrix-org/matrix-spec-proposals/pull/4108
//! [MSC4388]: https://github.com/matrix-org/matrix-spec-proposals/pull/4388

use subtle::ConstantTimeEq;

/// A check code confirming that both ends of a channel share the same secret.
///
/// Compare it out of band to detect an active man-in-the-middle. See [MSC4108] (ECIES) and
/// [MSC4388] (HPKE) for the protocols that use it. Equality is checked in constant time.
///
/// [MSC4108]: https://github.com/matrix-org/matrix-spec-proposals/pull/4108
/// [MSC4388]: https://github.com/matrix-org/matrix-spec-proposals/pull/4388
#[derive(Debug, Clone)]
pub struct CheckCode {
    pub(crate) bytes: [u8; 2],
}

/// How [`CheckCode::to_digit`] turns the two bytes into a number.
pub enum DigitMode {
    /// The first digit may be 0 (`00`–`99`): `(b0 mod 10) · 10 + (b1 mod 10)`, as in the
    /// first version of [MSC4108].
    ///
    /// [MSC4108]: https://github.com/matrix-org/matrix-spec-proposals/pull/4108
    AllowLeadingZero,
    /// The first digit is never 0 (`10`–`99`): `((b0 mod 9) + 1) · 10 + (b1 mod 10)`, as
    /// [MSC4388] defines it.
    ///
    /// [MSC4388]: https://github.com/matrix-org/matrix-spec-proposals/pull/4388
    NoLeadingZero,
}

impl CheckCode {
    /// The code's two bytes.
    pub const fn as_bytes(&self) -> &[u8; 2] {
        &self.bytes
    }

    /// The code as a two-digit number (`0..=99`); show it with a leading zero if it is below 10.
    ///
    /// ```
    /// use salamander::ecies::{Ecies, DigitMode, InboundCreationResult, OutboundCreationResult};
    ///
    /// let (alice, bob) = (Ecies::new(), Ecies::new());
    /// let OutboundCreationResult { ecies: alice, message } =
    ///     alice.establish_outbound_channel(bob.public_key(), b"hello")?;
    /// let InboundCreationResult { ecies: bob, .. } = bob.establish_inbound_channel(&message)?;
    ///
    /// let code = alice.check_code().to_digit(DigitMode::NoLeadingZero);
    /// assert!((10..=99).contains(&code));
    /// assert_eq!(code, bob.check_code().to_digit(DigitMode::NoLeadingZero));
    /// println!("check code: {code:02}");
    /// # Ok::<(), salamander::ecies::Error>(())
    /// ```
    pub const fn to_digit(&self, mode: DigitMode) -> u8 {
        let [first, second] = self.bytes;
        let tens = match mode {
            DigitMode::AllowLeadingZero => first % 10,
            DigitMode::NoLeadingZero => first % 9 + 1,
        };
        tens * 10 + second % 10
    }
}

impl PartialEq for CheckCode {
    fn eq(&self, other: &Self) -> bool {
        self.bytes.ct_eq(&other.bytes).into()
    }
}

impl Eq for CheckCode {}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn code(bytes: [u8; 2]) -> CheckCode {
        CheckCode { bytes }
    }

    #[test]
    fn allow_leading_zero() {
        assert_eq!(code([0, 0]).to_digit(DigitMode::AllowLeadingZero), 0);
        assert_eq!(code([9, 9]).to_digit(DigitMode::AllowLeadingZero), 99);
        assert_eq!(code([0, 7]).to_digit(DigitMode::AllowLeadingZero), 7);
        assert_eq!(code([0xff, 0xff]).to_digit(DigitMode::AllowLeadingZero), 55);
        assert_eq!(code([0xff, 0xff]).as_bytes(), &[0xff, 0xff]);
    }

    #[test]
    fn no_leading_zero() {
        assert_eq!(code([0, 0]).to_digit(DigitMode::NoLeadingZero), 10);
        assert_eq!(code([8, 9]).to_digit(DigitMode::NoLeadingZero), 99);
        assert_eq!(code([9, 0]).to_digit(DigitMode::NoLeadingZero), 10);
        assert_eq!(code([0xff, 0xff]).to_digit(DigitMode::NoLeadingZero), 45);
    }

    #[test]
    fn equality() {
        assert_eq!(code([1, 2]), code([1, 2]));
        assert_ne!(code([1, 2]), code([2, 1]));
        assert_ne!(code([1, 2]), code([1, 3]));
    }

    #[test]
    fn debug_shows_the_bytes() {
        // The code is shown to the user anyway; vodozemac prints it the same way.
        assert_eq!(format!("{:?}", code([0, 1])), "CheckCode { bytes: [0, 1] }");
    }

    proptest! {
        #[test]
        fn digits_in_range(bytes in prop::array::uniform2(0u8..)) {
            let with_zero = code(bytes).to_digit(DigitMode::AllowLeadingZero);
            prop_assert!((0..=99).contains(&with_zero));
            let without_zero = code(bytes).to_digit(DigitMode::NoLeadingZero);
            prop_assert!((10..=99).contains(&without_zero));
            prop_assert_eq!(with_zero % 10, without_zero % 10);
        }
    }
}
