//! The check code of an HPKE channel.
//!
//! The same [`CheckCode`] and [`DigitMode`] as [`crate::ecies`]'s (one type, as in vodozemac).
//! For an HPKE channel the two bytes are exported from the HPKE context of the initial message
//! with the exporter context `APP "_CHECKCODE" ‖ Gp ‖ Sp`, where `Gp` is the recipient's public
//! key and `Sp` the sender's encapsulated (ephemeral) key, both as raw 32 bytes ([MSC4388]).
//! [`DigitMode::NoLeadingZero`] is the digit mapping MSC4388 specifies.
//!
//! [MSC4388]: https://github.com/matrix-org/matrix-spec-proposals/pull/4388

pub use crate::ecies::{CheckCode, DigitMode};
