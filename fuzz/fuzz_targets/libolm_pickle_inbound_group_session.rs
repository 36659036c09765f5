#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| salamander_fuzz::libolm_pickle_inbound_group_session(
    data
));
