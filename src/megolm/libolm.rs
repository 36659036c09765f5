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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pickle::LibolmDecodeError;

    fn ratchet(fill: u8, index: u32) -> Ratchet {
        Ratchet::from_bytes(Box::new([fill; 128]), index)
    }

    /// The whole state of a session, as its native pickle.
    fn state<T: serde::Serialize>(pickle: T) -> serde_json::Value {
        serde_json::to_value(pickle).unwrap()
    }

    #[test]
    fn outbound_layout() {
        let keypair = Ed25519Keypair::new();
        let mut layout = vec![0, 0, 0, 1];
        layout.extend([3; 128]);
        layout.extend([0, 0, 0, 7]);
        layout.extend(keypair.public_key().as_bytes());
        layout.extend(keypair.expanded_secret_key().as_slice());

        let session = GroupSession::from_parts(ratchet(3, 7), keypair, SessionConfig::version_1());
        assert_eq!(*session.to_decrypted_libolm_pickle().unwrap(), layout);

        // The import keeps libolm's expanded key (its native pickle says so), so compare layouts.
        let mut imported = GroupSession::from_decrypted_libolm_pickle(&layout).unwrap();
        assert_eq!(*imported.to_decrypted_libolm_pickle().unwrap(), layout);
        assert_eq!(imported.session_id(), session.session_id());
        assert_eq!(imported.session_config(), SessionConfig::version_1());
        // It signs with the imported key: the message verifies under the original session key.
        let mut inbound =
            InboundGroupSession::new(&session.session_key(), SessionConfig::version_1());
        let message = imported.encrypt("after import");
        assert_eq!(inbound.decrypt(&message).unwrap().plaintext, b"after import");

        // Encrypted under any key, and only that key.
        let sealed = session.to_libolm_pickle(b"").unwrap();
        assert_eq!(*libolm::decrypt(&sealed, b"").unwrap(), layout);
        let opened = GroupSession::from_libolm_pickle(&sealed, b"").unwrap();
        assert_eq!(*opened.to_decrypted_libolm_pickle().unwrap(), layout);
        assert!(GroupSession::from_libolm_pickle(&sealed, b"other").is_err());
    }

    #[test]
    fn outbound_refusals() {
        let session = GroupSession::new(SessionConfig::version_1());
        let layout = session.to_decrypted_libolm_pickle().unwrap();
        let mut version_2 = layout.to_vec();
        version_2[3] = 2;
        assert!(matches!(
            GroupSession::from_decrypted_libolm_pickle(&version_2),
            Err(LibolmPickleError::Version(1, 2))
        ));
        assert!(matches!(
            GroupSession::from_decrypted_libolm_pickle(&layout[..layout.len() - 1]),
            Err(LibolmPickleError::Decode(LibolmDecodeError::Truncated("Ed25519 secret key")))
        ));
        let mut longer = layout.to_vec();
        longer.push(0);
        assert!(matches!(
            GroupSession::from_decrypted_libolm_pickle(&longer),
            Err(LibolmPickleError::Decode(LibolmDecodeError::ExtraData(1)))
        ));
        assert!(matches!(
            GroupSession::from_decrypted_libolm_pickle(&[0, 0, 1]),
            Err(LibolmPickleError::MissingVersion)
        ));
    }

    #[cfg(feature = "experimental-session-config")]
    #[test]
    fn version_2_sessions_have_no_libolm_pickle() {
        let session = GroupSession::new(SessionConfig::version_2());
        assert!(matches!(
            session.to_decrypted_libolm_pickle(),
            Err(LibolmPickleError::Encode(LibolmEncodeError::Unrepresentable(_)))
        ));
        let inbound = InboundGroupSession::from(&session);
        assert!(matches!(
            inbound.to_decrypted_libolm_pickle(),
            Err(LibolmPickleError::Encode(LibolmEncodeError::Unrepresentable(_)))
        ));
    }

    #[test]
    fn inbound_layouts() {
        let key = Ed25519Keypair::new().public_key();
        let mut version_1 = vec![0, 0, 0, 1];
        version_1.extend([4; 128]);
        version_1.extend([0, 0, 0, 3]);
        version_1.extend([5; 128]);
        version_1.extend([0, 0, 0, 9]);
        version_1.extend(key.as_bytes());
        let mut version_2 = version_1.clone();
        version_2[3] = 2;

        for verified in [false, true] {
            let session = InboundGroupSession::from_parts(
                ratchet(4, 3),
                ratchet(5, 9),
                key,
                verified,
                SessionConfig::version_1(),
            );
            let mut layout = version_2.clone();
            layout.push(u8::from(verified));
            assert_eq!(*session.to_decrypted_libolm_pickle().unwrap(), layout);

            let imported = InboundGroupSession::from_decrypted_libolm_pickle(&layout).unwrap();
            assert_eq!(imported.is_verified(), verified);
            assert_eq!(state(imported.pickle()), state(session.pickle()));

            let sealed = session.to_libolm_pickle(b"k").unwrap();
            let opened = InboundGroupSession::from_libolm_pickle(&sealed, b"k").unwrap();
            assert_eq!(state(opened.pickle()), state(session.pickle()));
        }

        // Version 1 has no flag: its key counts as verified.
        let imported = InboundGroupSession::from_decrypted_libolm_pickle(&version_1).unwrap();
        assert!(imported.is_verified());
        assert_eq!(imported.initial_ratchet().index(), 3);
        assert_eq!(imported.latest_ratchet().index(), 9);
        assert_eq!(imported.latest_ratchet().as_bytes(), &[5; 128]);
        // Version 2 without its flag is truncated; version 3 does not exist.
        assert!(matches!(
            InboundGroupSession::from_decrypted_libolm_pickle(&version_2),
            Err(LibolmPickleError::Decode(LibolmDecodeError::Truncated("verified flag")))
        ));
        let mut version_3 = version_1.clone();
        version_3[3] = 3;
        assert!(matches!(
            InboundGroupSession::from_decrypted_libolm_pickle(&version_3),
            Err(LibolmPickleError::Version(2, 3))
        ));
    }
}
