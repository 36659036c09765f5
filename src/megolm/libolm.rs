//! Megolm sessions in libolm's pickle format.
//!
//! ```text
//! outbound, version 1: u32 version ‖ ratchet (128) ‖ u32 counter
//!                      ‖ Ed25519 public key (32) ‖ expanded Ed25519 secret key (64)
//! inbound, version 2:  u32 version ‖ first ratchet (128) ‖ u32 counter ‖ latest ratchet (128)
//!                      ‖ u32 counter ‖ Ed25519 public key (32) ‖ bool verified
//! inbound, version 1:  the same without the flag (the key counts as verified)
//! ```

use zeroize::Zeroizing;

use super::{ratchet::Ratchet, GroupSession, InboundGroupSession, SessionConfig};
use crate::{
    pickle::{
        libolm::{self, Reader, Writer},
        LibolmEncodeError,
    },
    Ed25519Keypair, Ed25519PublicKey, LibolmPickleError,
};

const OUTBOUND_VERSION: u32 = 1;
const INBOUND_VERSION: u32 = 2;

fn read_ratchet(reader: &mut Reader<'_>) -> Result<Ratchet, LibolmPickleError> {
    let data = reader.secret::<128>("ratchet")?;
    let counter = reader.u32("ratchet counter")?;
    Ok(Ratchet::from_bytes(Box::new(*data), counter))
}

fn write_ratchet(writer: &mut Writer, ratchet: &Ratchet) {
    writer.bytes(ratchet.as_bytes());
    writer.u32(ratchet.index());
}

fn version_1_only(config: SessionConfig) -> Result<(), LibolmPickleError> {
    if config == SessionConfig::version_1() {
        Ok(())
    } else {
        Err(LibolmEncodeError::Unrepresentable("libolm only has version 1 sessions").into())
    }
}

impl GroupSession {
    /// Import an outbound session from a libolm pickle (version 1), encrypted under
    /// `pickle_key` (any length). It keeps signing with libolm's expanded key.
    #[cfg(feature = "libolm-compat")]
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, LibolmPickleError> {
        let plaintext = libolm::decrypt(pickle, pickle_key)?;
        Self::from_decrypted_libolm_pickle(&plaintext)
    }

    pub(crate) fn from_decrypted_libolm_pickle(
        plaintext: &[u8],
    ) -> Result<Self, LibolmPickleError> {
        let version = libolm::version(plaintext)?;
        if version != OUTBOUND_VERSION {
            return Err(LibolmPickleError::Version(OUTBOUND_VERSION, version));
        }
        let mut reader = Reader::new(plaintext);
        reader.u32("version")?;
        let ratchet = read_ratchet(&mut reader)?;
        let public = *reader.bytes::<32>("Ed25519 public key")?;
        let secret = reader.secret::<64>("Ed25519 secret key")?;
        reader.finish()?;
        let signing_key = Ed25519Keypair::from_expanded_key(&secret, &public)?;
        Ok(Self::from_parts(ratchet, signing_key, SessionConfig::version_1()))
    }

    /// Export the session as a libolm version 1 pickle, encrypted under `pickle_key`.
    #[cfg(feature = "libolm-compat")]
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> Result<String, LibolmPickleError> {
        Ok(libolm::encrypt(&self.to_decrypted_libolm_pickle()?, pickle_key))
    }

    pub(crate) fn to_decrypted_libolm_pickle(
        &self,
    ) -> Result<Zeroizing<Vec<u8>>, LibolmPickleError> {
        version_1_only(self.session_config())?;
        let mut writer = Writer::new();
        writer.u32(OUTBOUND_VERSION);
        write_ratchet(&mut writer, self.ratchet());
        writer.bytes(self.signing_key().public_key().as_bytes());
        writer.bytes(self.signing_key().expanded_secret_key().as_slice());
        Ok(writer.into_bytes())
    }
}

impl InboundGroupSession {
    /// Import an inbound session from a libolm pickle (version 1 or 2), encrypted under
    /// `pickle_key` (any length). The verified flag is kept (version 1 sessions are verified).
    #[cfg(feature = "libolm-compat")]
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, LibolmPickleError> {
        let plaintext = libolm::decrypt(pickle, pickle_key)?;
        Self::from_decrypted_libolm_pickle(&plaintext)
    }

    pub(crate) fn from_decrypted_libolm_pickle(
        plaintext: &[u8],
    ) -> Result<Self, LibolmPickleError> {
        let version = libolm::version(plaintext)?;
        if version != 1 && version != INBOUND_VERSION {
            return Err(LibolmPickleError::Version(INBOUND_VERSION, version));
        }
        let mut reader = Reader::new(plaintext);
        reader.u32("version")?;
        let initial = read_ratchet(&mut reader)?;
        let latest = read_ratchet(&mut reader)?;
        let signing_key = Ed25519PublicKey::from_slice(reader.bytes::<32>("Ed25519 public key")?)?;
        let verified = if version == 1 { true } else { reader.bool("verified flag")? };
        reader.finish()?;
        Ok(Self::from_parts(initial, latest, signing_key, verified, SessionConfig::version_1()))
    }

    /// Export the session as a libolm version 2 pickle, encrypted under `pickle_key`.
    #[cfg(feature = "libolm-compat")]
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> Result<String, LibolmPickleError> {
        Ok(libolm::encrypt(&self.to_decrypted_libolm_pickle()?, pickle_key))
    }

    pub(crate) fn to_decrypted_libolm_pickle(
        &self,
    ) -> Result<Zeroizing<Vec<u8>>, LibolmPickleError> {
        version_1_only(self.session_config())?;
        let mut writer = Writer::new();
        writer.u32(INBOUND_VERSION);
        write_ratchet(&mut writer, self.initial_ratchet());
        write_ratchet(&mut writer, self.latest_ratchet());
        writer.bytes(self.signing_key().as_bytes());
        writer.bool(self.is_verified());
        Ok(writer.into_bytes())
    }
}
