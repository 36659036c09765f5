//! Which Megolm message version a session speaks.

use serde::{Deserialize, Serialize};

/// The protocol version of a Megolm session.
///
/// Version 1 is the Megolm of the Matrix specification and libolm: message version byte `3`,
/// 8-byte MACs. Version 2 (feature `experimental-session-config`, as in vodozemac) uses message
/// version byte `4` and the full 32-byte MAC; it is not in the specification and libolm cannot
/// read it. An inbound session accepts only messages of its own version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionConfig {
    pub(super) version: Version,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum Version {
    #[default]
    V1 = 1,
    V2 = 2,
}

impl SessionConfig {
    /// The version number: 1 or 2.
    pub const fn version(&self) -> u8 {
        self.version as u8
    }

    /// Version 1: libolm-compatible, 8-byte MACs.
    pub const fn version_1() -> Self {
        Self { version: Version::V1 }
    }

    /// Version 2: full 32-byte MACs (not in the Matrix specification).
    #[cfg(feature = "experimental-session-config")]
    pub const fn version_2() -> Self {
        Self { version: Version::V2 }
    }

    pub(crate) const fn message_version(&self) -> u8 {
        match self.version {
            Version::V1 => super::message::MESSAGE_VERSION_V1,
            Version::V2 => super::message::MESSAGE_VERSION_V2,
        }
    }

    pub(crate) const fn mac_length(&self) -> usize {
        match self.version {
            Version::V1 => crate::cipher::TRUNCATED_MAC_LENGTH,
            Version::V2 => crate::cipher::MAC_LENGTH,
        }
    }
}
