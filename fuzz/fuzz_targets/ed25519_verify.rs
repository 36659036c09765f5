#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| salamander_fuzz::ed25519_verify(data));
