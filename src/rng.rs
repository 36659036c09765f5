//! Where salamander's randomness comes from.
//!
//! Every key and every random value is drawn through a [`rand_core::CryptoRng`]. The public API
//! mirrors vodozemac and uses the operating system's generator ([`OsRng`], backed by
//! `getrandom`); the `*_with_rng` constructors let tests and known-answer vectors inject a
//! deterministic generator instead.

use core::convert::Infallible;

use rand_core::{TryCryptoRng, TryRng};

/// The operating system's cryptographically secure random number generator.
///
/// On `wasm32-unknown-unknown` this needs the `wasm_js` feature (the browser's or Node's
/// `crypto.getRandomValues`).
#[derive(Debug, Clone, Copy, Default)]
pub struct OsRng;

impl TryRng for OsRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut bytes = [0u8; 4];
        fill_from_os(&mut bytes);
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut bytes = [0u8; 8];
        fill_from_os(&mut bytes);
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        fill_from_os(dst);
        Ok(())
    }
}

impl TryCryptoRng for OsRng {}

/// Fill `dst` from the operating system.
///
/// The only panic in salamander that input cannot reach: if the operating system cannot give
/// random bytes, no key can be made safely and continuing would be worse than stopping.
#[allow(clippy::panic)]
fn fill_from_os(dst: &mut [u8]) {
    if let Err(error) = getrandom::fill(dst) {
        panic!("the operating system's random number generator failed: {error}");
    }
}
