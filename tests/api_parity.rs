//! Compile-time check that salamander's public API mirrors vodozemac 0.11.1
//! (crate root, `olm` and `megolm`; everything except vodozemac's
//! `low-level-api` items), so an SDK can switch by renaming the crate.
//!
//! `api_parity/ecies_hpke.rs` does the same for `ecies` and `hpke` (the latter with salamander's
//! `hpke` feature).
//!
//! `api_parity/sas_pk.rs` does the same for `sas` and `pk_encryption` (the latter with
//! salamander's `insecure-pk-encryption` feature).
//!
//! `api_parity/checks.rs` names only `sut::` paths. It is included twice:
//! once with `sut = salamander` and once with `sut = vodozemac` (dev-dependency
//! `vodozemac = "=0.11.1"` with `experimental-session-config`). The vodozemac
//! side keeps the checks honest: if it stops compiling, the checks are wrong,
//! not salamander. The salamander side fails to compile wherever a path, a
//! signature, a trait impl, a variant, a field, a `const fn` or a constant
//! differs.
//!
//! The checks run nothing: the test below only takes function pointers to the
//! check functions.
//!
//! Needs salamander's features `experimental-session-config` (for
//! `SessionConfig::version_2`) and `libolm-compat` (for the libolm pickle
//! functions), e.g. `cargo test --features experimental-session-config --test api_parity`.
#![cfg(all(feature = "experimental-session-config", feature = "libolm-compat"))]

mod salamander_side {
    use salamander as sut;
    include!("api_parity/checks.rs");
    include!("api_parity/ecies_hpke.rs");
    include!("api_parity/sas_pk.rs");
}

mod vodozemac_side {
    use vodozemac as sut;
    include!("api_parity/checks.rs");
    include!("api_parity/ecies_hpke.rs");
    include!("api_parity/sas_pk.rs");
}

#[test]
fn api_mirrors_vodozemac() {
    // Reaching this point means both sides compiled. These calls only create
    // function pointers; they keep the included items from being dead code.
    salamander_side::check_signatures_exist();
    vodozemac_side::check_signatures_exist();
    salamander_side::check_ecies_hpke_exist();
    vodozemac_side::check_ecies_hpke_exist();
    salamander_side::check_sas_pk_exist();
    vodozemac_side::check_sas_pk_exist();
}
