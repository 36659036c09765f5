//! Shared by the benches: criterion's configuration and the names of the implementations.
//!
//! Every benchmark id is `<group>/<operation>/<implementation>`; `scripts/bench-results` reads
//! them back from `target/criterion` to build `benches/RESULTS.md`.

#![allow(dead_code)]

use std::time::Duration;

use criterion::Criterion;

/// salamander (this crate).
pub(crate) const SALAMANDER: &str = "salamander";
/// vodozemac 0.11.1 from crates.io.
pub(crate) const VODOZEMAC: &str = "vodozemac";
/// Debian's libolm 3.2.13 through `salamander-libolm`.
pub(crate) const LIBOLM: &str = "libolm";

/// The 64-byte plaintext of the small rows.
pub(crate) const SMALL: [u8; 64] = [0x42; 64];

/// Modest defaults (1 s warm-up, 2 s measurement); criterion's command line overrides them
/// (`--warm-up-time`, `--measurement-time`, `--sample-size`).
pub(crate) fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
}

/// `len` bytes of plaintext: the 64-byte one, or a 4 KiB one.
pub(crate) fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}
