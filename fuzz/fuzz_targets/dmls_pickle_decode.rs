#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| salamander_fuzz::dmls_pickle_decode(data));
