//! The bare pcap-parser loop: the floor tlstriage is compared against.
//!
//! Reads every block of a capture (legacy pcap or pcapng) with pcap-parser's
//! streaming reader and does nothing else: it counts packets and their
//! captured bytes, then prints packets, bytes and seconds. No decoding, no
//! reassembly, no TLS: whatever tlstriage costs above this is its own work.
//!
//! ```text
//! cargo bench --bench baseline -- FILE      # or TLSTRIAGE_BENCH_FILE=FILE
//! cargo bench --bench baseline              # every bundled fixture capture
//! ```
//! `benches/compare.sh` runs the built binary next to `tlstriage analyze` and
//! tshark. Exit status 2 when a file cannot be read to its end (a gzip file,
//! NetMon, damage): pcap-parser alone reads only plain pcap and pcapng.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use pcap_parser::pcapng::Block;
use pcap_parser::{PcapBlockOwned, PcapError};

/// Initial read buffer of the reader.
const INITIAL_BUFFER: usize = 1 << 16;
/// pcap-parser asks for a bigger buffer when one block does not fit; past
/// this the file is called damaged (it would otherwise grow without bound).
const MAX_BUFFER: usize = 1 << 26;

/// What one pass over a file counted.
#[derive(Default)]
struct Counts {
    packets: u64,
    /// Captured packet bytes (what a dissector would look at).
    bytes: u64,
    /// File bytes the reader consumed (headers included).
    file_bytes: u64,
}

/// Iterates every block of `path`, counting packets; an error names why the
/// loop stopped early.
fn count(path: &Path) -> Result<Counts, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut reader = pcap_parser::create_reader(INITIAL_BUFFER, file)
        .map_err(|e| format!("not a pcap/pcapng capture: {e:?}"))?;
    let mut cap = INITIAL_BUFFER;
    let mut c = Counts::default();
    loop {
        match reader.next() {
            Ok((offset, block)) => {
                match block {
                    PcapBlockOwned::Legacy(b) => {
                        c.packets += 1;
                        c.bytes += b.data.len() as u64;
                    }
                    PcapBlockOwned::NG(Block::EnhancedPacket(b)) => {
                        c.packets += 1;
                        c.bytes += u64::from(b.caplen);
                    }
                    PcapBlockOwned::NG(Block::SimplePacket(b)) => {
                        c.packets += 1;
                        c.bytes += b.data.len() as u64;
                    }
                    _ => {}
                }
                c.file_bytes += offset as u64;
                reader.consume(offset);
            }
            Err(PcapError::Eof) => return Ok(c),
            Err(PcapError::Incomplete(_)) => {
                if reader.reader_exhausted() {
                    return Err(format!("truncated after {} packets", c.packets));
                }
                reader
                    .refill()
                    .map_err(|e| format!("read error after {} packets: {e:?}", c.packets))?;
            }
            Err(PcapError::BufferTooSmall) => {
                cap = cap.saturating_mul(2);
                if cap > MAX_BUFFER || !reader.grow(cap) {
                    return Err(format!(
                        "a block larger than {} MiB after {} packets",
                        MAX_BUFFER >> 20,
                        c.packets
                    ));
                }
            }
            Err(e) => return Err(format!("stopped after {} packets: {e:?}", c.packets)),
        }
    }
}

/// The file to read: the first argument that is not a flag (cargo bench adds
/// `--bench`), else `TLSTRIAGE_BENCH_FILE`, else every bundled fixture.
fn inputs() -> Vec<PathBuf> {
    if let Some(a) = std::env::args_os()
        .skip(1)
        .find(|a| !a.to_string_lossy().starts_with("--"))
    {
        return vec![PathBuf::from(a)];
    }
    if let Some(f) = std::env::var_os("TLSTRIAGE_BENCH_FILE").filter(|f| !f.is_empty()) {
        return vec![PathBuf::from(f)];
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/captures");
    let mut files = Vec::new();
    for case in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        for f in std::fs::read_dir(case.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = f.file_name().to_string_lossy().to_string();
            if name == "capture.pcap" || name == "capture.pcapng" {
                files.push(f.path());
            }
        }
    }
    files.sort();
    files
}

fn main() -> ExitCode {
    let files = inputs();
    if files.is_empty() {
        eprintln!("baseline: no capture given and no fixtures found");
        return ExitCode::from(2);
    }
    let mut total = Counts::default();
    let mut failed = false;
    let t = Instant::now();
    for f in &files {
        match count(f) {
            Ok(c) => {
                total.packets += c.packets;
                total.bytes += c.bytes;
                total.file_bytes += c.file_bytes;
            }
            Err(e) => {
                eprintln!("baseline: {}: {e}", f.display());
                failed = true;
            }
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let what = match files.as_slice() {
        [one] => one.display().to_string(),
        many => format!("{} fixture captures", many.len()),
    };
    println!(
        "baseline: {what}: packets {} bytes {} file_bytes {} seconds {secs:.3} ({:.1} MB/s)",
        total.packets,
        total.bytes,
        total.file_bytes,
        total.file_bytes as f64 / secs.max(1e-9) / 1e6
    );
    if failed {
        // 2, as tlstriage's errors (1 there means failed handshakes).
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}
