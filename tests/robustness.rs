//! Robustness: every fixture truncated at many offsets and bit-flipped must
//! give a report or a clean error — never a panic or a hang.

use std::time::{Duration, Instant};

use crate::support;

/// A small deterministic PRNG (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

fn run(bytes: &[u8]) -> Duration {
    let t = Instant::now();
    let _ = support::analyze_bytes(bytes, "mutant");
    t.elapsed()
}

#[test]
fn robustness_truncated_fixtures_never_panic() {
    for (_, capture) in support::fixture_captures() {
        let bytes = std::fs::read(&capture).unwrap();
        let step = (bytes.len() / 97).max(1);
        let mut cut = 0;
        while cut < bytes.len() {
            let took = run(&bytes[..cut]);
            assert!(
                took < Duration::from_secs(5),
                "{capture:?} cut at {cut} took {took:?}"
            );
            cut += step;
        }
        // Every offset around the file header and the first records.
        for cut in 0..bytes.len().min(200) {
            run(&bytes[..cut]);
        }
    }
}

#[test]
fn robustness_bit_flipped_fixtures_never_panic() {
    let mut rng = Rng(0x5eed_7157_7a6e);
    for (_, capture) in support::fixture_captures() {
        let bytes = std::fs::read(&capture).unwrap();
        for _ in 0..150 {
            let mut m = bytes.clone();
            let flips = 1 + rng.next() % 8;
            for _ in 0..flips {
                let i = (rng.next() % m.len() as u64) as usize;
                m[i] ^= 1 << (rng.next() % 8);
            }
            let took = run(&m);
            assert!(
                took < Duration::from_secs(5),
                "{capture:?} mutant took {took:?}"
            );
        }
        // Random bytes overwritten with 0xff / 0x00 runs (length fields).
        for _ in 0..50 {
            let mut m = bytes.clone();
            let i = (rng.next() % m.len() as u64) as usize;
            let end = (i + 4).min(m.len());
            let v = if rng.next().is_multiple_of(2) {
                0xff
            } else {
                0
            };
            m[i..end].iter_mut().for_each(|b| *b = v);
            run(&m);
        }
    }
}

/// The long run: every capture of the shared corpus, truncated and
/// bit-flipped. Ignored by default (minutes in a debug build); run with
/// `cargo test --release --test main robustness_corpus -- --ignored`.
#[test]
#[ignore]
fn robustness_corpus_mutations_never_panic() {
    let corpus = support::root().join("../shared/corpus");
    let files = support::files_with_ext(&corpus, &["pcap", "pcapng", "cap"]);
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let mut rng = Rng(0xc0ffee);
    let mut runs = 0u64;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        if bytes.is_empty() || bytes.len() > 4 << 20 {
            continue;
        }
        for _ in 0..rounds {
            let mut m = bytes.clone();
            for _ in 0..1 + rng.next() % 16 {
                let i = (rng.next() % m.len() as u64) as usize;
                m[i] ^= 1 << (rng.next() % 8);
            }
            let cut = (rng.next() % m.len() as u64) as usize;
            let took = run(&m[..m.len().max(cut)]);
            assert!(took < Duration::from_secs(20), "{f:?} took {took:?}");
            run(&m[..cut]);
            runs += 2;
        }
    }
    eprintln!("robustness: {runs} mutated corpus runs, no panic");
}
