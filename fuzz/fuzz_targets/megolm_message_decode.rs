#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| salamander_fuzz::megolm_message_decode(data));
