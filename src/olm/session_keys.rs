//! The three public keys that identify an Olm session.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::Curve25519PublicKey;

/// The keys a session was created from: the initiator's identity key `I_A`, its base key `E_A`,
/// and the responder's one-time (or fallback) key `E_B`.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionKeys {
    /// The identity key of the side that created the session (`I_A`).
    pub identity_key: Curve25519PublicKey,
    /// The ephemeral base key of the side that created the session (`E_A`).
    pub base_key: Curve25519PublicKey,
    /// The one-time or fallback key of the other side (`E_B`).
    pub one_time_key: Curve25519PublicKey,
}

impl SessionKeys {
    /// The session id: unpadded base64 of `SHA-256(I_A ‖ E_A ‖ E_B)`, as libolm defines it.
    pub fn session_id(&self) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.identity_key.as_bytes());
        hasher.update(self.base_key.as_bytes());
        hasher.update(self.one_time_key.as_bytes());
        crate::base64_encode(hasher.finalize())
    }
}

impl fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionKeys")
            .field("identity_key", &self.identity_key.to_base64())
            .field("base_key", &self.base_key.to_base64())
            .field("one_time_key", &self.one_time_key.to_base64())
            .finish()
    }
}
