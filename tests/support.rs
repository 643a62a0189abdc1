//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use tlstriage::pipeline::{self, Options};
use tlstriage::report::json::JsonLines;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every fixture capture: (case folder, capture file).
pub fn fixture_captures() -> Vec<(PathBuf, PathBuf)> {
    let dir = root().join("fixtures/captures");
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return out;
    };
    for e in rd.flatten() {
        let case = e.path();
        if !case.is_dir() {
            continue;
        }
        let Ok(files) = std::fs::read_dir(&case) else {
            continue;
        };
        for f in files.flatten() {
            let p = f.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if name.starts_with("capture.") {
                out.push((case.clone(), p));
            }
        }
    }
    out.sort();
    out
}

/// Runs the analysis over bytes; returns every JSON line parsed.
pub fn analyze_bytes(bytes: &[u8], name: &str) -> Result<Vec<serde_json::Value>, tlstriage::Error> {
    let mut out = Vec::new();
    {
        let mut sink = JsonLines::new(&mut out);
        pipeline::analyze(bytes, name, &Options::default(), &mut sink)?;
    }
    Ok(String::from_utf8(out)
        .expect("JSON output is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect())
}

/// The raw JSON Lines of an analysis, with or without the reading thread.
pub fn json_output(bytes: &[u8], read_thread: bool) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut sink = JsonLines::new(&mut out);
        let opts = Options {
            read_thread,
            ..Options::default()
        };
        pipeline::analyze(bytes, "capture", &opts, &mut sink).expect("opens");
    }
    out
}

/// Runs the analysis over a file.
pub fn analyze_file(path: &Path, name: &str) -> Vec<serde_json::Value> {
    let bytes = std::fs::read(path).expect("fixture readable");
    analyze_bytes(&bytes, name).expect("fixture opens")
}

/// The handshake lines of an analysis.
pub fn handshakes(lines: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    lines.iter().filter(|l| l["type"] == "handshake").collect()
}

/// The summary line of an analysis.
pub fn summary(lines: &[serde_json::Value]) -> &serde_json::Value {
    lines
        .iter()
        .find(|l| l["type"] == "summary")
        .expect("a summary line")
}

/// A minimal pcap writer (µs, little-endian) for captures built in tests.
pub struct PcapWriter {
    /// The file bytes so far.
    pub bytes: Vec<u8>,
}

impl PcapWriter {
    /// A pcap with the given link type.
    pub fn new(linktype: u32) -> Self {
        let mut bytes = Vec::new();
        bytes.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&4u16.to_le_bytes());
        bytes.extend_from_slice(&0i32.to_le_bytes());
        bytes.extend_from_slice(&0u32.to_le_bytes());
        bytes.extend_from_slice(&262_144u32.to_le_bytes());
        bytes.extend_from_slice(&linktype.to_le_bytes());
        PcapWriter { bytes }
    }

    /// Appends one packet at time `ts_ns`.
    pub fn packet(&mut self, ts_ns: i64, data: &[u8]) {
        let secs = (ts_ns / 1_000_000_000) as u32;
        let usecs = ((ts_ns % 1_000_000_000) / 1000) as u32;
        self.bytes.extend_from_slice(&secs.to_le_bytes());
        self.bytes.extend_from_slice(&usecs.to_le_bytes());
        self.bytes
            .extend_from_slice(&(data.len() as u32).to_le_bytes());
        self.bytes
            .extend_from_slice(&(data.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(data);
    }
}

/// The frames of a capture file: (ts ns, link type, bytes).
pub fn read_frames(path: &Path) -> Vec<(i64, u16, Vec<u8>)> {
    let f = std::fs::File::open(path).expect("fixture readable");
    let mut r = tlstriage::capture::Reader::open(f).expect("fixture opens");
    let mut out = Vec::new();
    while let Ok(Some(fr)) = r.next_frame() {
        out.push((fr.ts.0, fr.link.0, fr.data.to_vec()));
    }
    out
}

/// Every file under `dir` (recursively) whose extension is one of `exts`, sorted.
pub fn files_with_ext(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    fn walk(dir: &Path, exts: &[&str], out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, exts, out);
            } else if p
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
            {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, exts, &mut out);
    out.sort();
    out
}
