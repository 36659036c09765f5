//! The DMLS wire envelope: an MLS message tagged with the fork (epoch state) it belongs to.
//!
//! In RFC 9420 ([§6](https://www.rfc-editor.org/rfc/rfc9420#section-6)) the integer epoch
//! names a group state. With forks it no longer does, so DMLS
//! ([draft-kohbrok-mls-dmls](https://datatracker.ietf.org/doc/draft-kohbrok-mls-dmls/), the
//! `DMLSMessage` wrapper) sends each message with an identifier of its epoch state. Here that
//! identifier is the [`ForkId`](super::ForkId), an MLS exporter value.
//!
//! # Codec
//!
//! ```text
//! envelope = version (1 byte, 0x01)
//!          ‖ fork id (32 bytes)
//!          ‖ length (u32, big-endian)
//!          ‖ MLS message (length bytes, a TLS-serialized MLSMessage)
//! ```
//!
//! Decoding is exact: a short buffer, a different version, a length beyond
//! [`MAX_ENVELOPE_LEN`] or bytes after the message are each a typed [`EnvelopeError`].
//!
//! The Welcome for new members travels in a [`DmlsWelcome`](super::DmlsWelcome), whose codec is
//! documented there.

use super::ForkId;

/// The envelope format version this code writes and reads.
pub const ENVELOPE_VERSION: u8 = 1;
/// The longest envelope (or DMLS Welcome) accepted or produced: 4 MiB, room for a commit adding
/// some thousands of members.
pub const MAX_ENVELOPE_LEN: usize = 4 * 1024 * 1024;
/// Bytes before the MLS message.
const HEADER_LEN: usize = 1 + 32 + 4;

/// An envelope or DMLS Welcome could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnvelopeError {
    /// The input ends before a field it must contain.
    #[error("truncated: {needed} more bytes needed")]
    Truncated {
        /// How many bytes were missing.
        needed: usize,
    },
    /// The version byte is not [`ENVELOPE_VERSION`].
    #[error("unsupported envelope version {0}")]
    Version(u8),
    /// The input or a declared length exceeds [`MAX_ENVELOPE_LEN`].
    #[error("envelope too long: {0} bytes")]
    TooLong(usize),
    /// Bytes follow the declared content.
    #[error("{0} trailing bytes after the envelope")]
    TrailingBytes(usize),
    /// The content is not the MLS structure it must be.
    #[error("invalid MLS content: {0}")]
    Mls(String),
}

/// A decoded envelope: the fork it names and the MLS message bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The fork (epoch state) the message was sent on.
    pub fork_id: ForkId,
    /// The TLS-serialized MLS message.
    pub message: Vec<u8>,
}

impl Envelope {
    /// Encode the envelope; errors if the message makes it longer than [`MAX_ENVELOPE_LEN`].
    pub fn encode(&self) -> Result<Vec<u8>, EnvelopeError> {
        let total = HEADER_LEN.saturating_add(self.message.len());
        let length = u32::try_from(self.message.len())
            .ok()
            .filter(|_| total <= MAX_ENVELOPE_LEN)
            .ok_or(EnvelopeError::TooLong(total))?;
        let mut out = Vec::with_capacity(total);
        out.push(ENVELOPE_VERSION);
        out.extend_from_slice(self.fork_id.as_bytes());
        out.extend_from_slice(&length.to_be_bytes());
        out.extend_from_slice(&self.message);
        Ok(out)
    }

    /// Decode an envelope, exactly.
    pub fn decode(bytes: &[u8]) -> Result<Self, EnvelopeError> {
        if bytes.len() > MAX_ENVELOPE_LEN {
            return Err(EnvelopeError::TooLong(bytes.len()));
        }
        let mut reader = Reader(bytes);
        let [version] = reader.array::<1>()?;
        if version != ENVELOPE_VERSION {
            return Err(EnvelopeError::Version(version));
        }
        let fork_id = ForkId(reader.array::<32>()?);
        let message = reader.vec32()?.to_vec();
        reader.finish()?;
        Ok(Self { fork_id, message })
    }
}

impl std::fmt::Debug for Envelope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Envelope")
            .field("fork_id", &self.fork_id)
            .field("message_len", &self.message.len())
            .finish()
    }
}

/// A bounds-checked cursor over a byte string.
pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl<'a> Reader<'a> {
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], EnvelopeError> {
        let (head, tail) = self
            .0
            .split_at_checked(n)
            .ok_or(EnvelopeError::Truncated { needed: n.saturating_sub(self.0.len()) })?;
        self.0 = tail;
        Ok(head)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], EnvelopeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn u16(&mut self) -> Result<u16, EnvelopeError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn vec16(&mut self) -> Result<&'a [u8], EnvelopeError> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }

    pub(crate) fn vec32(&mut self) -> Result<&'a [u8], EnvelopeError> {
        let n = u32::from_be_bytes(self.array()?);
        let n = usize::try_from(n).map_err(|_| EnvelopeError::TooLong(usize::MAX))?;
        if n > MAX_ENVELOPE_LEN {
            return Err(EnvelopeError::TooLong(n));
        }
        self.take(n)
    }

    pub(crate) fn finish(self) -> Result<(), EnvelopeError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(EnvelopeError::TrailingBytes(self.0.len()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Envelope {
        Envelope { fork_id: ForkId([7u8; 32]), message: b"mls message".to_vec() }
    }

    #[test]
    fn round_trip_and_layout() {
        let bytes = sample().encode().unwrap();
        assert_eq!(bytes.len(), 1 + 32 + 4 + 11);
        assert_eq!(bytes[0], 1);
        assert_eq!(&bytes[1..33], &[7u8; 32]);
        assert_eq!(&bytes[33..37], &11u32.to_be_bytes());
        assert_eq!(Envelope::decode(&bytes).unwrap(), sample());
    }

    #[test]
    fn every_truncation_is_an_error() {
        let bytes = sample().encode().unwrap();
        for cut in 0..bytes.len() {
            assert!(
                matches!(Envelope::decode(&bytes[..cut]), Err(EnvelopeError::Truncated { .. })),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn trailing_bytes_and_version() {
        let mut bytes = sample().encode().unwrap();
        bytes.push(0);
        assert_eq!(Envelope::decode(&bytes), Err(EnvelopeError::TrailingBytes(1)));
        bytes.pop();
        bytes[0] = 2;
        assert_eq!(Envelope::decode(&bytes), Err(EnvelopeError::Version(2)));
    }

    proptest::proptest! {
        #[test]
        fn decode_never_panics_and_round_trips(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..96)) {
            if let Ok(envelope) = Envelope::decode(&bytes) {
                proptest::prop_assert_eq!(envelope.encode().unwrap(), bytes);
            }
        }
    }

    #[test]
    fn oversize_is_refused() {
        let big = Envelope { fork_id: ForkId([0; 32]), message: vec![0; MAX_ENVELOPE_LEN] };
        assert!(matches!(big.encode(), Err(EnvelopeError::TooLong(_))));
        // The limit is 4 MiB for the whole envelope, its 37-byte header included.
        let fits = Envelope { fork_id: ForkId([0; 32]), message: vec![0; 4 * 1024 * 1024 - 37] };
        assert_eq!(fits.encode().unwrap().len(), 4 * 1024 * 1024);
        assert_eq!(Envelope::decode(&fits.encode().unwrap()).unwrap(), fits);
        let one_over =
            Envelope { fork_id: ForkId([0; 32]), message: vec![0; 4 * 1024 * 1024 - 36] };
        assert_eq!(one_over.encode(), Err(EnvelopeError::TooLong(4 * 1024 * 1024 + 1)));
        // A declared length past the limit is refused before anything is read.
        let mut header = vec![1u8];
        header.extend_from_slice(&[0; 32]);
        header.extend_from_slice(&u32::MAX.to_be_bytes());
        assert_eq!(Envelope::decode(&header), Err(EnvelopeError::TooLong(u32::MAX as usize)));
        // A declared length of exactly the limit is not refused for its size, only as truncated.
        let declare = |n: usize| {
            let mut bytes = header[..33].to_vec();
            bytes.extend_from_slice(&u32::try_from(n).unwrap().to_be_bytes());
            Envelope::decode(&bytes)
        };
        assert_eq!(
            declare(MAX_ENVELOPE_LEN),
            Err(EnvelopeError::Truncated { needed: MAX_ENVELOPE_LEN })
        );
        assert_eq!(
            declare(MAX_ENVELOPE_LEN + 1),
            Err(EnvelopeError::TooLong(MAX_ENVELOPE_LEN + 1))
        );
        assert!(matches!(
            Envelope::decode(&vec![0u8; MAX_ENVELOPE_LEN + 1]),
            Err(EnvelopeError::TooLong(_))
        ));
    }
}
