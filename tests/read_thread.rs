//! `Options::read_thread`: reading and decoding on a second thread must not
//! change a byte of the output, nor how damage, a stop or a failing output
//! end the analysis.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use tlstriage::pipeline::{self, Options};
use tlstriage::report::json::JsonLines;

use crate::support::{PcapWriter, fixture_captures, read_frames};

/// The JSON output (or the error text) of one analysis.
fn output(bytes: &[u8], opts: &Options) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let r = {
        let mut sink = JsonLines::new(&mut out);
        pipeline::analyze(bytes, "capture", opts, &mut sink)
    };
    r.map(|_| out).map_err(|e| e.to_string())
}

fn both(bytes: &[u8]) -> (Result<Vec<u8>, String>, Result<Vec<u8>, String>) {
    let one = output(bytes, &Options::default());
    let two = output(
        bytes,
        &Options {
            read_thread: true,
            ..Options::default()
        },
    );
    (one, two)
}

/// Every Ethernet frame of the pcap fixtures, `copies` times over, each copy
/// an hour after the previous one: thousands of frames, many batches.
fn big_capture(copies: i64) -> Vec<u8> {
    let mut frames = Vec::new();
    for (_, path) in fixture_captures() {
        if path.extension().is_some_and(|e| e == "pcap") {
            frames.extend(read_frames(&path).into_iter().filter(|f| f.1 == 1));
        }
    }
    assert!(!frames.is_empty(), "Ethernet fixtures exist");
    let mut w = PcapWriter::new(1);
    let mut t = 1_700_000_000_000_000_000i64;
    for _ in 0..copies {
        for (_, _, data) in &frames {
            t += 1_000_000;
            w.packet(t, data);
        }
        t += 3_600_000_000_000;
    }
    w.bytes
}

#[test]
fn read_thread_fixtures_same_output() {
    for (_, path) in fixture_captures() {
        let bytes = std::fs::read(&path).expect("fixture readable");
        let (one, two) = both(&bytes);
        assert_eq!(one, two, "{}", path.display());
    }
}

#[test]
fn read_thread_many_batches_same_output() {
    let bytes = big_capture(40);
    let (one, two) = both(&bytes);
    let one = one.expect("analyzes");
    assert!(one.len() > 100_000, "a large report: {} bytes", one.len());
    assert_eq!(Ok(one), two);
}

#[test]
fn read_thread_damaged_capture_same_output() {
    let bytes = big_capture(3);
    let mut damaged_seen = 0;
    for cut in [bytes.len() / 3 + 5, bytes.len() / 2 + 7, bytes.len() - 5] {
        let mut damaged = bytes[..cut].to_vec();
        // Garbage after the cut, where a record header is expected.
        damaged.extend_from_slice(&[0xff; 64]);
        let (one, two) = both(&damaged);
        let one = one.expect("analyzes");
        if String::from_utf8_lossy(&one).contains("\"damage\":{") {
            damaged_seen += 1;
        }
        assert_eq!(Ok(one), two, "cut at {cut}");
    }
    assert!(damaged_seen > 0, "some cut is reported as damage");
}

#[test]
fn read_thread_stop_ends_with_interrupted() {
    let bytes = big_capture(5);
    let opts = Options {
        stop: Some(Arc::new(AtomicBool::new(true))),
        read_thread: true,
        ..Options::default()
    };
    let err = output(&bytes, &opts).expect_err("stopped");
    assert!(err.contains("analysis stopped"), "{err}");
}

/// Accepts `left` bytes, then fails every write.
struct Failing {
    left: usize,
}

impl Write for Failing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::BrokenPipe,
                "closed",
            ));
        }
        let n = buf.len().min(self.left);
        self.left -= n;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn read_thread_failing_output_ends_without_hanging() {
    let bytes = big_capture(40);
    for read_thread in [false, true] {
        let opts = Options {
            read_thread,
            ..Options::default()
        };
        let mut sink = JsonLines::new(Failing { left: 10_000 });
        let r = pipeline::analyze(bytes.as_slice(), "capture", &opts, &mut sink);
        let err = r.expect_err("the output failed").to_string();
        assert!(err.contains("closed"), "{err}");
    }
}
