//! The Megolm ratchet: four 32-byte parts `R_0 ‖ R_1 ‖ R_2 ‖ R_3` and a 32-bit counter.
//!
//! `H_j(A) = HMAC-SHA-256(A, [j])`. Advancing by one increments the counter `i` and reseeds from
//! the part `h` named by the lowest byte of `i` that did not wrap to zero
//! (`h = 0` if `i mod 2^24 = 0`, else 1 if `i mod 2^16 = 0`, else 2 if `i mod 2^8 = 0`, else 3):
//! for `k = 3` down to `h`, `R_k = H_k(R_h)`. Jumping to any index rehashes each part at most
//! 255 times, so any message index is at most about 1020 hashes away. The counter wraps at
//! 2^32 as in libolm. See the [Megolm specification], "The Megolm ratchet algorithm".
//!
//! [Megolm specification]: https://spec.matrix.org/latest/olm-megolm/megolm/

use serde::{Deserialize, Serialize};
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::{
    cipher::{hmac_sha256, hmac_sha256_byte_into},
    pickle::secret::SecretBytes,
};

/// Length of the ratchet in bytes.
pub(crate) const RATCHET_LENGTH: usize = 128;
const PARTS: usize = 4;
const PART_LENGTH: usize = 32;

/// The four parts and the counter. Zeroized on drop.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub(crate) struct Ratchet {
    data: Box<[u8; RATCHET_LENGTH]>,
    counter: u32,
}

/// `data[k] = H_k(data[from])` for every `k` in `targets`, all from the old `data[from]`: the
/// HMAC key schedule of `data[from]` is computed once and reused for each target.
fn rehash_part(data: &mut [u8; RATCHET_LENGTH], from: usize, targets: impl Iterator<Item = usize>) {
    let (parts, _) = data.as_chunks_mut::<PART_LENGTH>();
    let Some(key) = parts.get(from) else { return };
    // Keyed once; each target part is then written in place (the key part last, when it is one).
    let keyed = hmac_sha256(key);
    for to in targets {
        if let Some(target) = parts.get_mut(to) {
            hmac_sha256_byte_into(keyed.clone(), to as u8, target);
        }
    }
}

impl Ratchet {
    pub(crate) fn from_bytes(data: Box<[u8; RATCHET_LENGTH]>, counter: u32) -> Self {
        Self { data, counter }
    }

    pub(crate) fn new_random(data: &[u8; RATCHET_LENGTH]) -> Self {
        Self { data: Box::new(*data), counter: 0 }
    }

    pub(crate) const fn index(&self) -> u32 {
        self.counter
    }

    pub(crate) fn as_bytes(&self) -> &[u8; RATCHET_LENGTH] {
        &self.data
    }

    /// Advance by one message.
    pub(crate) fn advance(&mut self) {
        self.counter = self.counter.wrapping_add(1);
        // The part named by the lowest byte of the counter that did not wrap to zero.
        let h = if self.counter & 0x00FF_FFFF == 0 {
            0
        } else if self.counter & 0x0000_FFFF == 0 {
            1
        } else if self.counter & 0x0000_00FF == 0 {
            2
        } else {
            3
        };
        rehash_part(&mut self.data, h, (h..PARTS).rev());
    }

    /// Advance to `target`, going forward modulo 2^32 (libolm's `megolm_advance_to`): a target
    /// below the counter wraps around.
    pub(crate) fn advance_to(&mut self, target: u32) {
        for j in 0..PARTS {
            let shift = (PARTS - j - 1) * 8;
            let mask = u32::MAX.checked_shl(shift as u32).unwrap_or(0);
            let mut steps = (target >> shift).wrapping_sub(self.counter >> shift) & 0xff;
            if steps == 0 {
                // Only for R_0, and only when the target wrapped around past 2^32.
                if target < self.counter {
                    steps = 0x100;
                } else {
                    continue;
                }
            }
            while steps > 1 {
                rehash_part(&mut self.data, j, std::iter::once(j));
                steps -= 1;
            }
            rehash_part(&mut self.data, j, (j..PARTS).rev());
            self.counter = target & mask;
        }
    }
}

impl ConstantTimeEq for Ratchet {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.data.as_slice().ct_eq(other.data.as_slice()) & self.counter.ct_eq(&other.counter)
    }
}

/// vodozemac's layout: `{"inner": [128 bytes], "counter": n}`.
#[derive(Serialize, Deserialize)]
pub(crate) struct RatchetPickle {
    inner: SecretBytes<RATCHET_LENGTH>,
    counter: u32,
}

impl From<&Ratchet> for RatchetPickle {
    fn from(ratchet: &Ratchet) -> Self {
        Self { inner: SecretBytes::new(&ratchet.data), counter: ratchet.counter }
    }
}

impl From<RatchetPickle> for Ratchet {
    fn from(pickle: RatchetPickle) -> Self {
        Self { data: pickle.inner.into_box(), counter: pickle.counter }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libolm tests/test_megolm.cpp: the ratchet from "0123456789ABCDEF" × 8.
    fn libolm_test_ratchet() -> Ratchet {
        let mut data = [0u8; RATCHET_LENGTH];
        for (i, byte) in data.iter_mut().enumerate() {
            *byte = b"0123456789ABCDEF"[i % 16];
        }
        Ratchet::new_random(&data)
    }

    #[test]
    fn single_steps_rehash_the_right_parts() {
        let start = libolm_test_ratchet();
        let mut ratchet = start.clone();
        ratchet.advance();
        assert_eq!(ratchet.index(), 1);
        // Only R_3 changes on an ordinary step.
        assert_eq!(&ratchet.as_bytes()[..96], &start.as_bytes()[..96]);
        assert_ne!(&ratchet.as_bytes()[96..], &start.as_bytes()[96..]);
        // At 2^8, R_2 and R_3 are reseeded from R_2; R_0 and R_1 stay.
        let mut at_256 = start.clone();
        at_256.advance_to(256);
        assert_eq!(&at_256.as_bytes()[..64], &start.as_bytes()[..64]);
        // At 2^24, everything is reseeded from R_0.
        let mut at_2_24 = start.clone();
        at_2_24.advance_to(0x0100_0000);
        assert_ne!(&at_2_24.as_bytes()[..32], &start.as_bytes()[..32]);
    }

    #[test]
    fn advance_to_equals_repeated_advance() {
        for target in [1u32, 2, 255, 256, 257, 511, 512, 1000, 65535, 65536, 65537, 70000] {
            let mut single = libolm_test_ratchet();
            for _ in 0..target {
                single.advance();
            }
            let mut jumped = libolm_test_ratchet();
            jumped.advance_to(target);
            assert_eq!(single.as_bytes(), jumped.as_bytes(), "target {target}");
            assert_eq!(single.index(), target);
            assert_eq!(jumped.index(), target);
        }
    }

    /// One step across each byte boundary (the rehash of parts 0, 1, 2 and 3 alone) agrees
    /// with the jump to the same index.
    #[test]
    fn single_step_across_every_byte_boundary() {
        let data = *libolm_test_ratchet().as_bytes();
        for start in [0x00FF_FFFFu32, 0x0100_FFFF, 0x0101_01FF, 0x0101_0101, u32::MAX] {
            let mut stepped = Ratchet::from_bytes(Box::new(data), start);
            stepped.advance();
            let mut jumped = Ratchet::from_bytes(Box::new(data), start);
            jumped.advance_to(start.wrapping_add(1));
            assert_eq!(stepped.as_bytes(), jumped.as_bytes(), "from {start:#x}");
            assert_eq!(stepped.index(), start.wrapping_add(1));
        }
    }

    #[test]
    fn advance_to_in_several_jumps_is_the_same_as_one() {
        let mut one = libolm_test_ratchet();
        one.advance_to(0x0304_0506);
        let mut several = libolm_test_ratchet();
        for target in [0x0000_00ff, 0x0001_0000, 0x0201_0203, 0x0304_0500, 0x0304_0506] {
            several.advance_to(target);
        }
        assert_eq!(one.as_bytes(), several.as_bytes());
    }

    #[test]
    fn wraps_around_at_2_pow_32() {
        // From 0xffffffff, one step forward is 0, as in libolm.
        let mut start = libolm_test_ratchet();
        start.advance_to(0xffff_ffff);
        let mut stepped = start.clone();
        stepped.advance();
        assert_eq!(stepped.index(), 0);
        let mut jumped = start.clone();
        jumped.advance_to(0);
        assert_eq!(jumped.as_bytes(), stepped.as_bytes());
        let mut further = start.clone();
        further.advance_to(5);
        let mut step_by_step = stepped.clone();
        for _ in 0..5 {
            step_by_step.advance();
        }
        assert_eq!(further.as_bytes(), step_by_step.as_bytes());

        let mut high = libolm_test_ratchet();
        high.advance_to(0xffff_ff00);
        let mut single = high.clone();
        for _ in 0..0xff {
            single.advance();
        }
        high.advance_to(0xffff_ffff);
        assert_eq!(high.as_bytes(), single.as_bytes());
    }
}
