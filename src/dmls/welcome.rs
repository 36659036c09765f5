//! The DMLS Welcome: an MLS Welcome plus the per-commit PSK for each new member.
//!
//! Every DMLS commit carries an external PSK ([RFC 9420 §8.4](https://www.rfc-editor.org/rfc/rfc9420#section-8.4))
//! whose value comes from the committer's puncturable PRF (see `pprf.rs`). A joiner has no
//! such PRF, yet `openmls` needs the PSK to process the Welcome
//! ([RFC 9420 §12.4.3.1](https://www.rfc-editor.org/rfc/rfc9420#section-12.4.3.1)). The
//! committer therefore seals
//! the PSK value to each joiner's KeyPackage `init_key` with HPKE (the ciphersuite's HPKE,
//! base mode, `info = "salamander dmls welcome psk"`, `aad = psk_id`). This is sound: the
//! joiner learns the new epoch's secrets from the Welcome anyway, and one PRF output reveals
//! neither the PRF key nor other outputs. The `psk_id` is public (it also appears in the
//! clear-text AAD and envelope of the commit).
//!
//! # Codec
//!
//! ```text
//! dmls_welcome = version (1 byte, 0x01)
//!              ‖ welcome (u32 length ‖ TLS-serialized MLSMessage holding a Welcome)
//!              ‖ psk_id (u16 length ‖ bytes)
//!              ‖ count (u16)
//!              ‖ count × ( key_package_ref (u16 length ‖ bytes)
//!                        ‖ sealed_psk (u32 length ‖ TLS-serialized HPKECiphertext) )
//! ```
//!
//! Decoding is exact and bounded by [`MAX_ENVELOPE_LEN`](super::MAX_ENVELOPE_LEN).
//! See also [draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/).

use super::envelope::{EnvelopeError, Reader, ENVELOPE_VERSION, MAX_ENVELOPE_LEN};

/// HPKE `info` for sealing a joiner's PSK.
pub(crate) const WELCOME_PSK_INFO: &[u8] = b"salamander dmls welcome psk";

/// A Welcome for new members with their sealed PSKs.
#[derive(Clone, PartialEq, Eq)]
pub struct DmlsWelcome {
    pub(crate) welcome: Vec<u8>,
    pub(crate) psk_id: Vec<u8>,
    /// (KeyPackageRef bytes, TLS-serialized HpkeCiphertext of the PSK value).
    pub(crate) sealed: Vec<(Vec<u8>, Vec<u8>)>,
}

impl DmlsWelcome {
    /// Encode; errors if longer than [`MAX_ENVELOPE_LEN`] or a field exceeds its length prefix.
    pub fn encode(&self) -> Result<Vec<u8>, EnvelopeError> {
        let mut out = vec![ENVELOPE_VERSION];
        put32(&mut out, &self.welcome)?;
        put16(&mut out, &self.psk_id)?;
        let count =
            u16::try_from(self.sealed.len()).map_err(|_| EnvelopeError::TooLong(usize::MAX))?;
        out.extend_from_slice(&count.to_be_bytes());
        for (reference, sealed) in &self.sealed {
            put16(&mut out, reference)?;
            put32(&mut out, sealed)?;
        }
        if out.len() > MAX_ENVELOPE_LEN {
            return Err(EnvelopeError::TooLong(out.len()));
        }
        Ok(out)
    }

    /// Decode, exactly.
    pub fn decode(bytes: &[u8]) -> Result<Self, EnvelopeError> {
        if bytes.len() > MAX_ENVELOPE_LEN {
            return Err(EnvelopeError::TooLong(bytes.len()));
        }
        let mut reader = Reader(bytes);
        let [version] = reader.array::<1>()?;
        if version != ENVELOPE_VERSION {
            return Err(EnvelopeError::Version(version));
        }
        let welcome = reader.vec32()?.to_vec();
        let psk_id = reader.vec16()?.to_vec();
        let count = reader.u16()?;
        let mut sealed = Vec::new();
        for _ in 0..count {
            let reference = reader.vec16()?.to_vec();
            let value = reader.vec32()?.to_vec();
            sealed.push((reference, value));
        }
        reader.finish()?;
        Ok(Self { welcome, psk_id, sealed })
    }
}

impl std::fmt::Debug for DmlsWelcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DmlsWelcome")
            .field("welcome_len", &self.welcome.len())
            .field("joiners", &self.sealed.len())
            .finish()
    }
}

fn put16(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), EnvelopeError> {
    let n = u16::try_from(bytes.len()).map_err(|_| EnvelopeError::TooLong(bytes.len()))?;
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

fn put32(out: &mut Vec<u8>, bytes: &[u8]) -> Result<(), EnvelopeError> {
    if bytes.len() > MAX_ENVELOPE_LEN {
        return Err(EnvelopeError::TooLong(bytes.len()));
    }
    let n = u32::try_from(bytes.len()).map_err(|_| EnvelopeError::TooLong(bytes.len()))?;
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(bytes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> DmlsWelcome {
        DmlsWelcome {
            welcome: b"welcome".to_vec(),
            psk_id: b"id".to_vec(),
            sealed: vec![(b"ref1".to_vec(), b"ct1".to_vec()), (b"r2".to_vec(), vec![])],
        }
    }

    #[test]
    fn round_trip_truncation_trailing() {
        let bytes = sample().encode().unwrap();
        assert_eq!(DmlsWelcome::decode(&bytes).unwrap(), sample());
        for cut in 0..bytes.len() {
            assert!(matches!(
                DmlsWelcome::decode(&bytes[..cut]),
                Err(EnvelopeError::Truncated { .. })
            ));
        }
        let mut long = bytes.clone();
        long.extend_from_slice(b"xx");
        assert_eq!(DmlsWelcome::decode(&long), Err(EnvelopeError::TrailingBytes(2)));
        let mut bad = bytes;
        bad[0] = 0;
        assert_eq!(DmlsWelcome::decode(&bad), Err(EnvelopeError::Version(0)));
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics_and_round_trips(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64)) {
            if let Ok(welcome) = DmlsWelcome::decode(&bytes) {
                proptest::prop_assert_eq!(welcome.encode().unwrap(), bytes);
            }
        }
    }

    #[test]
    fn oversize_fields_are_refused() {
        let mut w = sample();
        w.psk_id = vec![0; 70_000];
        assert!(matches!(w.encode(), Err(EnvelopeError::TooLong(70_000))));
        // A field of exactly the limit passes its own check, then makes the whole too long;
        // one byte more is refused by the field's check.
        let mut w = sample();
        w.welcome = vec![0; MAX_ENVELOPE_LEN];
        let whole = sample().encode().unwrap().len() - sample().welcome.len() + MAX_ENVELOPE_LEN;
        assert_eq!(w.encode(), Err(EnvelopeError::TooLong(whole)));
        w.welcome.push(0);
        assert_eq!(w.encode(), Err(EnvelopeError::TooLong(MAX_ENVELOPE_LEN + 1)));
    }

    #[test]
    fn the_whole_welcome_holds_at_most_4_mib() {
        // Version, welcome length, empty PSK id, no joiners: 9 bytes around the welcome.
        let at_limit =
            DmlsWelcome { welcome: vec![7; 4 * 1024 * 1024 - 9], psk_id: vec![], sealed: vec![] };
        let bytes = at_limit.encode().unwrap();
        assert_eq!(bytes.len(), 4 * 1024 * 1024);
        assert_eq!(DmlsWelcome::decode(&bytes).unwrap(), at_limit);
        let over = DmlsWelcome { welcome: vec![7; 4 * 1024 * 1024 - 8], ..at_limit };
        assert_eq!(over.encode(), Err(EnvelopeError::TooLong(4 * 1024 * 1024 + 1)));
        // The same layout one byte over the limit, written by hand, is not read.
        let mut long = vec![ENVELOPE_VERSION];
        long.extend_from_slice(&u32::try_from(over.welcome.len()).unwrap().to_be_bytes());
        long.extend_from_slice(&over.welcome);
        long.extend_from_slice(&[0; 4]);
        assert_eq!(long.len(), 4 * 1024 * 1024 + 1);
        assert_eq!(DmlsWelcome::decode(&long), Err(EnvelopeError::TooLong(long.len())));
    }
}
