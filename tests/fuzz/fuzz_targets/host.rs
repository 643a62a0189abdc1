//! libFuzzer target: `tlstriage::fuzz::host`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tlstriage::fuzz::host(data);
});
