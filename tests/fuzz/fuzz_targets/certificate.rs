//! libFuzzer target: `tlstriage::fuzz::certificate`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tlstriage::fuzz::certificate(data);
});
