//! libFuzzer target: `tlstriage::fuzz::pipeline`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tlstriage::fuzz::pipeline(data);
});
