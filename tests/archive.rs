//! Compressed uploads through the CLI: a gzip'd capture and a zip archive
//! with several captures and a member that is not one, built here from the
//! fixtures with the same (flate2) deflate any zip tool writes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use flate2::Compression;
use flate2::write::{DeflateEncoder, GzEncoder};

use crate::support;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlstriage"));
    c.env_remove("NO_COLOR");
    c
}

fn fixture_bytes(case: &str) -> Vec<u8> {
    let (_, p) = support::fixture_captures()
        .into_iter()
        .find(|(c, _)| c.ends_with(case))
        .unwrap_or_else(|| panic!("fixture {case}"));
    std::fs::read(p).unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tlstriage-archive-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A zip of (name, bytes, deflate?) members, local headers then a central
/// directory stub (what streaming readers never need).
fn zip(members: &[(&str, &[u8], bool)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data, deflate) in members {
        let body = if *deflate {
            let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        } else {
            data.to_vec()
        };
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&20u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&(if *deflate { 8u16 } else { 0 }).to_le_bytes());
        out.extend_from_slice(&[0; 8]);
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(&body);
    }
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 42]);
    out
}

fn run_json(path: &Path) -> (Option<i32>, Vec<serde_json::Value>, String) {
    let out = bin()
        .args(["analyze", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let lines = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (
        out.status.code(),
        lines,
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn archive_gzip_capture_gives_the_same_verdict() {
    let raw = fixture_bytes("version-mismatch-server-tls10");
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&raw).unwrap();
    let path = tmp("scenario5.pcap.gz");
    std::fs::write(&path, gz.finish().unwrap()).unwrap();
    let (code, lines, _) = run_json(&path);
    assert_eq!(code, Some(1));
    let plain = support::analyze_bytes(&raw, "x").unwrap();
    let strip = |v: &serde_json::Value| {
        let mut v = v.clone();
        v.as_object_mut().unwrap().remove("capture");
        v
    };
    // Handshakes identical; the summary says it was compressed.
    assert_eq!(strip(&lines[0]), strip(&plain[0]));
    let summary = support::summary(&lines);
    assert_eq!(summary["compression"], "gzip");
    assert_eq!(summary["frames"], support::summary(&plain)["frames"]);
}

#[test]
fn archive_zip_members_each_analyzed_and_named() {
    let a = fixture_bytes("tls12-success");
    let b = fixture_bytes("no-shared-cipher");
    let archive = zip(&[
        ("captures/", b"", false),
        ("captures/ok.pcapng", &a, true),
        ("captures/broken.pcap", &b, false),
        ("readme.txt", b"the customer's notes\n", true),
    ]);
    let path = tmp("upload.zip");
    std::fs::write(&path, archive).unwrap();
    let (code, lines, stderr) = run_json(&path);
    assert_eq!(code, Some(1), "{stderr}");
    let summaries: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["type"] == "summary").collect();
    assert_eq!(summaries.len(), 2, "{lines:#?}");
    let name = path.display().to_string();
    assert_eq!(
        summaries[0]["capture"],
        format!("{name}:captures/ok.pcapng")
    );
    assert_eq!(
        summaries[1]["capture"],
        format!("{name}:captures/broken.pcap")
    );
    assert!(summaries.iter().all(|s| s["compression"] == "zip"));
    let handshakes = support::handshakes(&lines);
    assert_eq!(handshakes[0]["outcome"], "established");
    assert_eq!(handshakes[1]["findings"][0]["code"], "no-shared-cipher");
    assert!(
        stderr.contains("readme.txt: skipped: not a capture"),
        "{stderr}"
    );
}

#[test]
fn archive_zip_without_captures_is_an_error() {
    let path = tmp("notes.zip");
    std::fs::write(&path, zip(&[("notes.txt", b"hello", false)])).unwrap();
    let (code, lines, stderr) = run_json(&path);
    assert_eq!(code, Some(2));
    assert!(lines.is_empty());
    assert!(stderr.contains("no capture in this archive"), "{stderr}");
}

#[test]
fn archive_truncated_gzip_reports_damage_after_earlier_frames() {
    let raw = fixture_bytes("tls12-success");
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&raw).unwrap();
    let mut bytes = gz.finish().unwrap();
    bytes.truncate(bytes.len() * 2 / 3);
    let path = tmp("cut.pcapng.gz");
    std::fs::write(&path, bytes).unwrap();
    let (code, lines, stderr) = run_json(&path);
    assert_ne!(code, Some(2), "{stderr}");
    let summary = support::summary(&lines);
    assert!(summary["frames"].as_u64().unwrap() > 0);
    assert!(!summary["damage"].is_null(), "{summary}");
}
