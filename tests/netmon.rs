//! Microsoft Network Monitor `.cap` end to end.
//!
//! 1. Every fixture capture rewritten as NetMon 2.3 and 2.0 (by a small
//!    writer here, with pseudo-frames Wireshark does not number mixed in)
//!    gives the same handshakes, frame numbers included, as the original.
//! 2. Those images truncated and bit-flipped never panic or hang.
//! 3. Against the shared corpus (`../shared/corpus`, skipped when absent):
//!    every NetMon file reads to its end with Wireshark's frame count
//!    (`expected/capinfos.tsv`), and the Windows TLS 1.2 handshake tshark found
//!    in one of them (`expected/tshark_reference_handshakes.jsonl`) is found
//!    the same: client, server, SNI, version, cipher, ClientHello frame, outcome.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tlstriage::capture::Reader;
use tlstriage::pipeline::{self, Options};
use tlstriage::report::json::JsonLines;

use crate::support;

/// 100-ns intervals from 1601-01-01 to 1970-01-01.
const FILETIME_UNIX_EPOCH: u64 = 116_444_736_000_000_000;
/// NetMon network-info pseudo-frame: Wireshark drops it unnumbered.
const MEDIA_NETWORK_INFO: u16 = 0xFFFD;
/// NetMon payload-header pseudo-frame: Wireshark drops it unnumbered.
const MEDIA_PAYLOAD_HEADER: u16 = 0xFFFC;

/// A NetMon 2.x image of `frames` (ts ns, pcap link type, bytes). Version 2.3
/// carries per-frame UTC times; 2.0 carries header start + µs offsets and
/// only Ethernet. From 2.1 on, unnumbered pseudo-frames are mixed in first
/// and after every third frame.
fn netmon_image(frames: &[(i64, u16, Vec<u8>)], minor: u8) -> Vec<u8> {
    netmon_image_with(frames, minor, &[], u32::MAX)
}

/// A NetMon process-table entry: image path, PID, local and remote end.
type ProcessEntry<'a> = (&'a str, u32, std::net::SocketAddr, std::net::SocketAddr);

/// [`netmon_image`] with a 2.2+ process table and the process index written
/// on every frame (`u32::MAX`: none).
fn netmon_image_with(
    frames: &[(i64, u16, Vec<u8>)],
    minor: u8,
    processes: &[ProcessEntry<'_>],
    frame_process: u32,
) -> Vec<u8> {
    let start_ns = frames.first().map_or(0, |f| f.0);
    let mut b = vec![0u8; 72];
    b[..4].copy_from_slice(b"GMBU");
    b[4] = minor;
    b[5] = 2;
    b[6..8].copy_from_slice(&1u16.to_le_bytes());
    // SYSTEMTIME of the start (UTC, whole seconds; sub-second in the offsets).
    let secs = start_ns.div_euclid(1_000_000_000);
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    let st = [
        y as u16,
        mo as u16,
        0,
        d as u16,
        (sod / 3600) as u16,
        (sod / 60 % 60) as u16,
        (sod % 60) as u16,
        0,
    ];
    for (i, v) in st.iter().enumerate() {
        b[8 + 2 * i..10 + 2 * i].copy_from_slice(&v.to_le_bytes());
    }
    let base_ns = secs * 1_000_000_000;
    let mut table = Vec::new();
    let mut record = |b: &mut Vec<u8>, ts: i64, media: u16, data: &[u8]| {
        table.push(b.len() as u32);
        let delta_us = ((ts - base_ns) / 1000) as u64;
        b.extend_from_slice(&delta_us.to_le_bytes());
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(&(data.len() as u32).to_le_bytes());
        b.extend_from_slice(data);
        if minor >= 1 {
            b.extend_from_slice(&media.to_le_bytes());
        }
        if minor >= 2 {
            b.extend_from_slice(&frame_process.to_le_bytes());
        }
        if minor >= 3 {
            let ft = FILETIME_UNIX_EPOCH as i64 + ts / 100;
            b.extend_from_slice(&(ft as u64).to_le_bytes());
            b.push(0);
        }
    };
    if minor >= 1 {
        record(&mut b, start_ns, MEDIA_NETWORK_INFO, b"adapters");
    }
    for (i, (ts, link, data)) in frames.iter().enumerate() {
        let media = if *link == 1 { 1 } else { 0xE000 | link };
        record(&mut b, *ts, media, data);
        if minor >= 1 && i % 3 == 2 {
            record(&mut b, *ts, MEDIA_PAYLOAD_HEADER, b"reassembled");
        }
    }
    if !processes.is_empty() {
        // Process table (NetMon 2.2+): a version word, then per process the
        // UTF-16 path, an icon blob, PID, ports, an IPv6 flag and addresses.
        let at = b.len() as u32;
        b.extend_from_slice(&1u16.to_le_bytes());
        for (path, pid, local, remote) in processes {
            let p: Vec<u8> = path
                .encode_utf16()
                .chain([0])
                .flat_map(u16::to_le_bytes)
                .collect();
            b.extend_from_slice(&(p.len() as u32).to_le_bytes());
            b.extend_from_slice(&p);
            b.extend_from_slice(&0u32.to_le_bytes());
            b.extend_from_slice(&pid.to_le_bytes());
            b.extend_from_slice(&local.port().to_le_bytes());
            b.extend_from_slice(&[0, 0]);
            b.extend_from_slice(&remote.port().to_le_bytes());
            b.extend_from_slice(&[0, 0]);
            let addr = |a: &std::net::SocketAddr| -> [u8; 16] {
                let mut o = [0u8; 16];
                match a.ip() {
                    std::net::IpAddr::V4(v) => o[..4].copy_from_slice(&v.octets()),
                    std::net::IpAddr::V6(v) => o = v.octets(),
                }
                o
            };
            b.extend_from_slice(&u32::from(local.is_ipv6()).to_le_bytes());
            b.extend_from_slice(&addr(local));
            b.extend_from_slice(&addr(remote));
        }
        b[48..52].copy_from_slice(&at.to_le_bytes());
        b[52..56].copy_from_slice(&(processes.len() as u32).to_le_bytes());
    }
    let at = b.len() as u32;
    let len = (table.len() * 4) as u32;
    for off in table {
        b.extend_from_slice(&off.to_le_bytes());
    }
    b[24..28].copy_from_slice(&at.to_le_bytes());
    b[28..32].copy_from_slice(&len.to_le_bytes());
    b
}

#[test]
fn netmon_process_table_names_the_process_of_a_handshake() {
    let (_, capture) = support::fixture_captures()
        .into_iter()
        .find(|(c, _)| c.ends_with("version-mismatch-server-tls10"))
        .unwrap();
    let frames: Vec<(i64, u16, Vec<u8>)> = support::read_frames(&capture);
    let plain = support::analyze_file(&capture, "x");
    let h = &support::handshakes(&plain)[0];
    let client: std::net::SocketAddr = h["client"].as_str().unwrap().parse().unwrap();
    let server: std::net::SocketAddr = h["server"].as_str().unwrap().parse().unwrap();
    let other: std::net::SocketAddr = "10.0.0.1:1".parse().unwrap();
    // By the endpoints in the table (frames carry no index).
    let by_ends = netmon_image_with(
        &frames,
        3,
        &[
            (r"C:\Windows\System32\svchost.exe", 4, other, other),
            (r"C:\Program Files\App\client.exe", 4242, client, server),
        ],
        u32::MAX,
    );
    let lines = analyze_image(&by_ends).unwrap();
    assert_eq!(handshakes(&lines)[0]["process"], "client.exe (PID 4242)");
    // By the index NetMon wrote on the frames.
    let by_index = netmon_image_with(
        &frames,
        2,
        &[(r"C:\Windows\System32\lsass.exe", 700, other, other)],
        0,
    );
    let lines = analyze_image(&by_index).unwrap();
    assert_eq!(handshakes(&lines)[0]["process"], "lsass.exe (PID 700)");
    // No table: no process field at all.
    let none = netmon_image(&frames, 3);
    assert!(
        handshakes(&analyze_image(&none).unwrap())[0]
            .get("process")
            .is_none()
    );
}

/// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// The analysis of a seekable image, as JSON lines.
fn analyze_image(bytes: &[u8]) -> Result<Vec<serde_json::Value>, tlstriage::Error> {
    let mut out = Vec::new();
    {
        let mut sink = JsonLines::new(&mut out);
        pipeline::analyze_seekable(Cursor::new(bytes), "image", &Options::default(), &mut sink)?;
    }
    Ok(String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect())
}

/// Handshake records without the capture name.
fn handshakes(lines: &[serde_json::Value]) -> Vec<serde_json::Value> {
    support::handshakes(lines)
        .into_iter()
        .map(|h| {
            let mut h = h.clone();
            h.as_object_mut().unwrap().remove("capture");
            h
        })
        .collect()
}

#[test]
fn netmon_rewritten_fixtures_give_the_same_handshakes() {
    let mut compared = 0;
    for (_, capture) in support::fixture_captures() {
        let frames = support::read_frames(&capture);
        let original = support::analyze_file(&capture, "x");
        let want = handshakes(&original);
        let only_ethernet = frames.iter().all(|f| f.1 == 1);
        for minor in [0u8, 3] {
            if minor == 0 && !only_ethernet {
                continue;
            }
            let image = netmon_image(&frames, minor);
            let got = analyze_image(&image).expect("image opens");
            assert_eq!(handshakes(&got), want, "{capture:?} as NetMon 2.{minor}");
            let (a, b) = (support::summary(&original), support::summary(&got));
            assert_eq!(a["frames"], b["frames"], "{capture:?} 2.{minor}");
            assert_eq!(b["format"], "netmon");
            assert!(b["damage"].is_null(), "{capture:?}: {}", b["damage"]);
            let local = b["notes"].as_array().unwrap().iter().any(|n| {
                n.as_str()
                    .unwrap()
                    .starts_with("timestamps are the capturing machine's local time")
            });
            assert_eq!(local, minor < 3);
            compared += 1;
        }
    }
    assert!(compared > 0 || support::fixture_captures().is_empty());
}

#[test]
fn netmon_image_from_a_stream_is_refused_with_what_to_do() {
    let frames = vec![(1_000_000_000, 1, vec![0u8; 60])];
    let image = netmon_image(&frames, 3);
    let err = support::analyze_bytes(&image, "stdin").expect_err("refused");
    let msg = err.to_string();
    assert!(
        msg.contains("Network Monitor .cap cannot be read from a pipe"),
        "{msg}"
    );
    assert!(msg.contains("pass the file by its path"), "{msg}");
    assert!(analyze_image(&image).is_ok());
}

#[test]
fn netmon_truncated_and_bit_flipped_images_never_panic() {
    let Some((_, capture)) = support::fixture_captures().into_iter().next() else {
        return;
    };
    let image = netmon_image(&support::read_frames(&capture), 3);
    let run = |b: &[u8]| {
        let t = Instant::now();
        let _ = analyze_image(b);
        let took = t.elapsed();
        assert!(took < Duration::from_secs(5), "took {took:?}");
    };
    let step = (image.len() / 97).max(1);
    for cut in (0..image.len()).step_by(step) {
        run(&image[..cut]);
    }
    // The frame table is at the end: every cut through it.
    for cut in image.len().saturating_sub(64)..image.len() {
        run(&image[..cut]);
    }
    let mut x = 0x5eed_ce11_u64;
    for _ in 0..150 {
        let mut m = image.clone();
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = (x % m.len() as u64) as usize;
            m[i] ^= 1 << (x >> 60 & 7);
        }
        run(&m);
    }
}

fn corpus() -> Option<PathBuf> {
    let p = support::root().join("../shared/corpus");
    if p.join("expected/capinfos.tsv").is_file() {
        Some(p)
    } else {
        eprintln!("netmon: ../shared/corpus absent, skipped");
        None
    }
}

/// (path, frame count) of every NetMon file capinfos read.
fn corpus_netmon_files(corpus: &Path) -> Vec<(String, u64)> {
    let tsv = std::fs::read_to_string(corpus.join("expected/capinfos.tsv")).unwrap();
    tsv.lines()
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            match cols.as_slice() {
                [path, format, _, count, ..] if format.starts_with("netmon") => {
                    Some((path.to_string(), count.parse().ok()?))
                }
                _ => None,
            }
        })
        .collect()
}

#[test]
fn netmon_corpus_frame_counts_match_capinfos() {
    let Some(corpus) = corpus() else { return };
    let files = corpus_netmon_files(&corpus);
    assert!(!files.is_empty(), "capinfos.tsv lists NetMon files");
    for (path, want) in &files {
        let file = std::fs::File::open(corpus.join(path)).expect("corpus file");
        let mut r = Reader::open_seekable(file).expect("opens");
        let mut last = 0;
        while let Some(f) = r.next_frame().unwrap_or_else(|e| panic!("{path}: {e}")) {
            assert!(f.number > last, "{path}: numbers increase");
            last = f.number;
        }
        eprintln!("netmon: {path}: {} frames, capinfos {want}", r.frames());
        assert_eq!(r.frames(), *want, "{path}");
        // The pipeline reports the same count.
        let lines = analyze_path(&corpus.join(path));
        assert_eq!(support::summary(&lines)["frames"], *want, "{path}");
    }
}

/// A NetMon 1.x or 2.x file, by its magic (`.cap` also names other formats).
fn is_netmon(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && (&magic == b"GMBU" || &magic == b"RTSS")
}

fn analyze_path(path: &Path) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    {
        let mut sink = JsonLines::new(&mut out);
        pipeline::analyze_path(path, &Options::default(), &mut sink).expect("analyzes");
    }
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn netmon_corpus_tls_handshake_matches_tshark() {
    let Some(corpus) = corpus() else { return };
    let text =
        std::fs::read_to_string(corpus.join("expected/tshark_reference_handshakes.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| {
            r["transport"] == "tcp"
                && r["file"]
                    .as_str()
                    .is_some_and(|f| is_netmon(&corpus.join(f)))
        })
        .collect();
    assert!(!rows.is_empty(), "the reference has a NetMon row");
    for r in &rows {
        let file = r["file"].as_str().unwrap();
        let lines = analyze_path(&corpus.join(file));
        let ours: Vec<&serde_json::Value> = support::handshakes(&lines)
            .into_iter()
            .filter(|h| h["client"] == r["client"] && h["server"] == r["server"])
            .collect();
        assert_eq!(ours.len(), 1, "{file} {}: {ours:?}", r["client"]);
        let h = ours[0];
        eprintln!(
            "netmon: {file}: {} → {} SNI {} {} {} frame {} {}",
            h["client"],
            h["server"],
            h["client_hello"]["sni"],
            h["server_hello"]["version"],
            h["server_hello"]["cipher_suite"],
            h["client_hello"]["frame"],
            h["outcome"]
        );
        assert_eq!(h["client_hello"]["sni"], r["sni"]);
        assert_eq!(h["client_hello"]["frame"], r["first_frame"]);
        let version = match r["server_version"].as_str() {
            Some("0x0303") => "TLS 1.2",
            Some("0x0302") => "TLS 1.1",
            Some("0x0301") => "TLS 1.0",
            other => panic!("unexpected reference version {other:?}"),
        };
        assert_eq!(h["server_hello"]["version"], version);
        let cipher =
            u16::from_str_radix(r["cipher"].as_str().unwrap().trim_start_matches("0x"), 16)
                .unwrap();
        let name = tlstriage::tls::CipherSuite(cipher).to_string();
        assert_eq!(h["server_hello"]["cipher_suite"], name.as_str());
        let established = r["established_heuristic"] == true;
        assert_eq!(h["outcome"] == "established", established, "{file}");
    }
}
