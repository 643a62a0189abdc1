//! libFuzzer target: `tlstriage::fuzz::seekable` (NetMon and the other readers, seekable).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tlstriage::fuzz::seekable(data);
});
