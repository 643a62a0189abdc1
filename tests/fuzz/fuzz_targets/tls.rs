//! libFuzzer target: `tlstriage::fuzz::tls`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tlstriage::fuzz::tls(data);
});
