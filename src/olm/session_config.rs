//! Which Olm message version a session speaks.

use serde::{Deserialize, Serialize};

/// The protocol version of an Olm session, fixed when the session is created.
///
/// Version 1 is the Olm of the Matrix specification and of libolm: message version byte `3`,
/// MACs truncated to 8 bytes. Version 2 (feature `experimental-session-config`, as in vodozemac)
/// uses message version byte `4` and the full 32-byte MAC; it is not in the specification and
/// libolm cannot read it. A session only accepts messages of its own version, so a version 2
/// session cannot be downgraded.
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

    /// The version byte of the messages this session sends and accepts.
    pub(crate) const fn message_version(&self) -> u8 {
        match self.version {
            Version::V1 => super::messages::MESSAGE_VERSION_V1,
            Version::V2 => super::messages::MESSAGE_VERSION_V2,
        }
    }

    /// The length of the MAC of those messages.
    pub(crate) const fn mac_length(&self) -> usize {
        match self.version {
            Version::V1 => crate::cipher::TRUNCATED_MAC_LENGTH,
            Version::V2 => crate::cipher::MAC_LENGTH,
        }
    }

    /// The configuration matching a message version byte, if any (version 2 only with the
    /// `experimental-session-config` feature).
    pub(crate) const fn from_message_version(version: u8) -> Option<Self> {
        match version {
            super::messages::MESSAGE_VERSION_V1 => Some(Self { version: Version::V1 }),
            #[cfg(feature = "experimental-session-config")]
            super::messages::MESSAGE_VERSION_V2 => Some(Self { version: Version::V2 }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_like_vodozemac() {
        assert_eq!(
            serde_json::to_string(&SessionConfig::version_1()).unwrap(),
            r#"{"version":"V1"}"#
        );
        assert_eq!(SessionConfig::default(), SessionConfig::version_1());
        assert_eq!(SessionConfig::version_1().version(), 1);
    }
}
