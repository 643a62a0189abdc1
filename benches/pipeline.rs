//! End-to-end throughput of the analysis over the bundled fixtures.
//!
//! `cargo bench --bench pipeline` prints MB/s and handshakes/s of
//! `pipeline::analyze` over every fixture capture, each analyzed repeatedly
//! from memory. It is a smoke benchmark for regressions; the comparison
//! against tshark on a 1 GB capture is documented in the README.

use std::time::Instant;

use tlstriage::pipeline::{self, Options};
use tlstriage::report::{Record, Sink, Summary};

struct Count(u64);

impl Sink for Count {
    fn record(&mut self, _: &Record<'_>) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
    fn summary(&mut self, _: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

fn main() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captures");
    let mut files = Vec::new();
    for case in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(case.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = f.file_name().to_string_lossy().to_string();
            if name.starts_with("capture.") {
                files.push(std::fs::read(f.path()).expect("readable fixture"));
            }
        }
    }
    let bytes: usize = files.iter().map(Vec::len).sum();
    let rounds = 2_000;
    let mut handshakes = 0;
    let t = Instant::now();
    for _ in 0..rounds {
        for f in &files {
            let mut sink = Count(0);
            pipeline::analyze(f.as_slice(), "bench", &Options::default(), &mut sink)
                .expect("fixture opens");
            handshakes += sink.0;
        }
    }
    let secs = t.elapsed().as_secs_f64();
    println!(
        "pipeline: {} fixtures × {rounds}: {:.1} MB/s, {:.0} handshakes/s",
        files.len(),
        (bytes * rounds) as f64 / secs / 1e6,
        handshakes as f64 / secs
    );
}
