#![no_main]

libfuzzer_sys::fuzz_target!(|script: salamander_fuzz::differential::Script| {
    salamander_fuzz::differential::run(&script)
});
