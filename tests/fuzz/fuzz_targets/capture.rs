//! libFuzzer target: `tlstriage::fuzz::capture`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tlstriage::fuzz::capture(data);
});
