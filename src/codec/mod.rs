//! Wire codecs shared by every protocol: unpadded base64 (with a constant-time variant for
//! secrets) and the protobuf-style key/value encoding of Olm and Megolm messages.
//!
//! The message layouts themselves live beside their protocols
//! ([`crate::olm::Message`], [`crate::olm::PreKeyMessage`], [`crate::megolm::MegolmMessage`]);
//! this module only knows bytes.

pub(crate) mod base64;
pub(crate) mod protobuf;

pub use self::base64::{base64_decode, base64_encode};
