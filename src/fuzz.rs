//! Fuzz entry points: each takes arbitrary bytes and must return without
//! panicking, hanging or allocating without bound. `tests/fuzz` (cargo-fuzz,
//! nightly, outside the required CI path) drives them with libFuzzer; the
//! normal test run calls them on every fixture and on mutations of it, so
//! they cannot rot.
//! Input: bytes. Output: nothing (a count, to keep the work observable).

use crate::capture::{self, LinkType, Timestamp};
use crate::report::{Record, Sink, Summary};
use crate::stream::{Direction, Event};
use crate::{pipeline, session, tls, wire};

/// A sink that only counts.
struct Count(u64);

impl Sink for Count {
    fn record(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        self.0 += r.findings.len() as u64 + 1;
        Ok(())
    }
    fn summary(&mut self, _: &Summary) -> std::io::Result<()> {
        self.0 += 1;
        Ok(())
    }
}

/// The whole pipeline on `data` as an uploaded file: sniffing, gzip/zip,
/// pcap/pcapng, decoding, reassembly, TLS, diagnosis.
pub fn pipeline(data: &[u8]) -> u64 {
    let mut sink = Count(0);
    let _ = pipeline::analyze_source(data, "fuzz", &pipeline::Options::default(), &mut sink);
    sink.0
}

/// The capture readers alone: every frame of `data`.
pub fn capture(data: &[u8]) -> u64 {
    let Ok(mut r) = capture::Reader::open(data) else {
        return 0;
    };
    let mut n = 0;
    while let Ok(Some(f)) = r.next_frame() {
        n += f.data.len() as u64;
    }
    n
}

/// The capture readers from a seekable source: NetMon (frame table at the
/// end) as well as pcap/pcapng.
pub fn seekable(data: &[u8]) -> u64 {
    let Ok(mut r) = capture::Reader::open_seekable(std::io::Cursor::new(data)) else {
        return 0;
    };
    let mut n = 0;
    while let Ok(Some(f)) = r.next_frame() {
        n += f.data.len() as u64 + u64::from(f.process.is_some());
    }
    n
}

/// The wire decoder: the first two bytes pick the link type.
pub fn wire(data: &[u8]) -> u64 {
    let [a, b, rest @ ..] = data else {
        return 0;
    };
    match wire::decode(LinkType(u16::from_be_bytes([*a, *b]) % 300), rest) {
        Ok(Some(s)) => s.payload.len() as u64 + 1,
        _ => 0,
    }
}

/// The TLS layer and session pairing: `data` is cut into chunks, each sent
/// by the side its first byte's low bit names (a one-byte chunk header:
/// bit 0 = direction, bits 1–7 = length).
pub fn tls(data: &[u8]) -> u64 {
    let mut conn = tls::Conn::new();
    let meta = crate::stream::ConnMeta {
        id: 1,
        client: "198.18.0.1:40000".parse().expect("literal"),
        server: "198.18.0.2:443".parse().expect("literal"),
        saw_open: true,
        first_frame: 1,
        start: Timestamp(0),
    };
    let mut tracker = session::Tracker::new(&meta);
    let mut out = Vec::new();
    let mut offsets = [0u64; 2];
    let mut rest = data;
    let mut frame = 0;
    while let [head, tail @ ..] = rest {
        let dir = if head & 1 == 0 {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        };
        let len = usize::from(head >> 1).min(tail.len());
        let (chunk, next) = tail.split_at(len);
        rest = next;
        frame += 1;
        let ev = Event::Data {
            offset: offsets[dir.index()],
            bytes: chunk,
            frame,
            ts: Timestamp(frame as i64 * 1_000_000),
        };
        offsets[dir.index()] += len as u64;
        out.clear();
        conn.feed(dir, &ev, &mut out);
        tracker.on_tls(&out);
        tracker.on_stream(dir, &ev);
    }
    out.clear();
    conn.finish(&mut out);
    tracker.on_tls(&out);
    let hs = tracker.finish(crate::stream::CloseReason::EndOfCapture, Timestamp(0));
    let view = crate::diagnose::ServerView::default();
    hs.iter()
        .map(|h| crate::diagnose::diagnose(h, &view).len() as u64 + 1)
        .sum()
}

/// Certificate summaries (x509-parser) and the chain checks on one DER.
pub fn certificate(data: &[u8]) -> u64 {
    let c = session::certificate::summarize(data);
    let issues = crate::diagnose::certs::issues(
        std::slice::from_ref(&c),
        Some("www.example.test"),
        1_700_000_000,
    );
    issues.len() as u64 + c.san.len() as u64
}

/// Host exports: decoding, sniffing, every parser, the rules, and the
/// join with a handshake to the bound port.
pub fn host(data: &[u8]) -> u64 {
    let mut snap = crate::host::Snapshot::default();
    snap.add_bytes("fuzz.txt", data);
    let host = crate::host::join::Host::new("fuzz".into(), snap);
    let n = host.findings.len() + host.snap.warnings.len();
    n as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> Vec<Vec<u8>> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captures");
        let mut out = Vec::new();
        for d in std::fs::read_dir(root).expect("fixtures") {
            for f in std::fs::read_dir(d.expect("entry").path()).expect("case") {
                let p = f.expect("file").path();
                if p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("capture."))
                {
                    out.push(std::fs::read(p).expect("capture"));
                }
            }
        }
        out
    }

    #[test]
    fn fuzz_targets_on_fixtures_and_cuts_do_not_panic() {
        for f in fixtures() {
            assert!(pipeline(&f) > 0);
            assert!(capture(&f) > 0);
            for cut in [0, 1, 24, 100, f.len() / 2] {
                let part = &f[..cut.min(f.len())];
                pipeline(part);
                capture(part);
                seekable(part);
                wire(part);
                tls(part);
                certificate(part);
            }
            tls(&f);
            certificate(&f);
        }
    }

    fn host_files(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
        for e in std::fs::read_dir(dir).expect("host fixtures") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                host_files(&p, out);
            } else if p.extension().is_some_and(|x| x != "sh") {
                out.push(std::fs::read(p).expect("host fixture"));
            }
        }
    }

    #[test]
    fn fuzz_host_on_host_fixtures_and_cuts_do_not_panic() {
        let mut files = Vec::new();
        host_files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/hosts"),
            &mut files,
        );
        assert!(files.len() >= 20);
        let mut found = 0;
        for f in &files {
            found += host(f);
            for cut in [1, 7, f.len() / 3, f.len() / 2, f.len().saturating_sub(3)] {
                host(&f[..cut.min(f.len())]);
            }
        }
        assert!(found > 0);
    }
}
