//! A random number generator that replays the bytes a vector lists, and checks they are all
//! used: salamander must draw exactly what the reference implementation drew.

use std::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};

pub(crate) struct Replay {
    bytes: Vec<u8>,
    position: usize,
    overrun: bool,
}

impl Replay {
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self { bytes, position: 0, overrun: false }
    }

    /// `Ok` if every byte was drawn and no more.
    pub(crate) fn finish(&self, what: &str) -> Result<(), String> {
        if self.overrun {
            Err(format!("{what}: drew more than the {} random bytes given", self.bytes.len()))
        } else if self.position != self.bytes.len() {
            Err(format!(
                "{what}: drew {} of the {} random bytes given",
                self.position,
                self.bytes.len()
            ))
        } else {
            Ok(())
        }
    }
}

impl TryRng for Replay {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for byte in dst {
            match self.bytes.get(self.position) {
                Some(b) => {
                    *byte = *b;
                    self.position += 1;
                }
                None => {
                    *byte = 0;
                    self.overrun = true;
                }
            }
        }
        Ok(())
    }
}

impl TryCryptoRng for Replay {}
