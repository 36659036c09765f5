//! [`PkDecryption`] in libolm's pickle format (`olm_pickle_pk_decryption`).
//!
//! ```text
//! version 1: u32 version ‖ Curve25519 public key (32) ‖ Curve25519 secret key (32)
//! ```
//!
//! sealed in libolm's pickle envelope (see [`crate::pickle`]). The stored public key must be
//! the secret key's: a pickle whose pair does not match is refused, where libolm would
//! advertise the stored public key and decrypt with the unrelated secret one.

use zeroize::Zeroizing;

use super::PkDecryption;
use crate::{
    pickle::{
        libolm::{self, Reader, Writer},
        LibolmDecodeError,
    },
    Curve25519PublicKey, Curve25519SecretKey, LibolmPickleError,
};

const VERSION: u32 = 1;

impl PkDecryption {
    /// Import a key pair from a libolm `PkDecryption` pickle (version 1), encrypted under
    /// `pickle_key` (any length, as libolm allowed).
    ///
    /// ```
    /// use salamander::pk_encryption::PkDecryption;
    /// // libolm tests/test_pk.cpp: RFC 7748 Alice's key pickled under "secret_key".
    /// let pickle = "qx37WTQrjZLz5tId/uBX9B3/okqAbV1ofl9UnHKno1eipByCpXleAAlAZoJgYnCDOQZDQWzo3l\
    ///               uTSfkF9pU1mOILCbbouubs6TVeDyPfgGD9i86J8irHjA";
    /// let decryption = PkDecryption::from_libolm_pickle(pickle, b"secret_key")?;
    /// assert_eq!(decryption.public_key().to_base64(), "hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo");
    /// assert_eq!(decryption.to_libolm_pickle(b"secret_key")?, pickle);
    /// assert!(PkDecryption::from_libolm_pickle(pickle, b"wrong key").is_err());
    /// # Ok::<(), salamander::LibolmPickleError>(())
    /// ```
    pub fn from_libolm_pickle(pickle: &str, pickle_key: &[u8]) -> Result<Self, LibolmPickleError> {
        let plaintext = libolm::decrypt(pickle, pickle_key)?;
        Self::from_decrypted_libolm_pickle(&plaintext)
    }

    fn from_decrypted_libolm_pickle(plaintext: &[u8]) -> Result<Self, LibolmPickleError> {
        let version = libolm::version(plaintext)?;
        if version != VERSION {
            return Err(LibolmPickleError::Version(VERSION, version));
        }
        let mut reader = Reader::new(plaintext);
        reader.u32("version")?;
        let public = Curve25519PublicKey::from_bytes(*reader.bytes::<32>("Curve25519 public key")?);
        let secret = reader.secret::<32>("Curve25519 secret key")?;
        reader.finish()?;
        let decryption = Self::from_key(Curve25519SecretKey::from_slice(&secret));
        if decryption.public_key() != public {
            return Err(LibolmDecodeError::InvalidValue("Curve25519 key pair").into());
        }
        Ok(decryption)
    }

    /// Export the key pair as a libolm `PkDecryption` pickle (version 1), encrypted under
    /// `pickle_key`. libolm's `olm_unpickle_pk_decryption` reads it.
    ///
    /// The pickle key is expanded into the AES key *and the IV*, as libolm does: pickling the
    /// same key pair under the same pickle key gives the same string.
    pub fn to_libolm_pickle(&self, pickle_key: &[u8]) -> Result<String, LibolmPickleError> {
        Ok(libolm::encrypt(&self.to_decrypted_libolm_pickle(), pickle_key))
    }

    fn to_decrypted_libolm_pickle(&self) -> Zeroizing<Vec<u8>> {
        let mut writer = Writer::new();
        writer.u32(VERSION);
        writer.bytes(self.public_key.as_bytes());
        writer.bytes(self.secret_key.as_bytes());
        writer.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pickle::libolm::encrypt;

    fn pickle_of(plaintext: &[u8]) -> String {
        encrypt(plaintext, b"key")
    }

    #[test]
    fn malformed_pickles_are_typed_errors() {
        let good = PkDecryption::from_key(Curve25519SecretKey::from_slice(&[3; 32]));
        let plaintext = good.to_decrypted_libolm_pickle();

        let mut wrong_version = plaintext.to_vec();
        wrong_version[3] = 2;
        assert!(matches!(
            PkDecryption::from_libolm_pickle(&pickle_of(&wrong_version), b"key"),
            Err(LibolmPickleError::Version(1, 2))
        ));
        assert!(matches!(
            PkDecryption::from_libolm_pickle(&pickle_of(&[0, 0]), b"key"),
            Err(LibolmPickleError::MissingVersion)
        ));
        assert!(matches!(
            PkDecryption::from_libolm_pickle(&pickle_of(&plaintext[..60]), b"key"),
            Err(LibolmPickleError::Decode(LibolmDecodeError::Truncated(_)))
        ));
        let mut extra = plaintext.to_vec();
        extra.push(0);
        assert!(matches!(
            PkDecryption::from_libolm_pickle(&pickle_of(&extra), b"key"),
            Err(LibolmPickleError::Decode(LibolmDecodeError::ExtraData(1)))
        ));
        let mut mismatched = plaintext.to_vec();
        mismatched[4] ^= 1;
        assert!(matches!(
            PkDecryption::from_libolm_pickle(&pickle_of(&mismatched), b"key"),
            Err(LibolmPickleError::Decode(LibolmDecodeError::InvalidValue(_)))
        ));
        assert!(matches!(
            PkDecryption::from_libolm_pickle("not base64!", b"key"),
            Err(LibolmPickleError::Base64(_))
        ));
        assert!(matches!(
            PkDecryption::from_libolm_pickle(&pickle_of(&plaintext), b"other"),
            Err(LibolmPickleError::Decryption(_))
        ));
        let restored = PkDecryption::from_libolm_pickle(&pickle_of(&plaintext), b"key").unwrap();
        assert_eq!(restored.public_key(), good.public_key());
    }
}
