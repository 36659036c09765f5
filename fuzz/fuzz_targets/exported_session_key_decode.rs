#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| salamander_fuzz::exported_session_key_decode(data));
