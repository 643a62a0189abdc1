//! CLI tests through the built binary: exit codes, both formats, errors.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlstriage"));
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    c
}

fn fixture(case: &str) -> std::path::PathBuf {
    support::fixture_captures()
        .into_iter()
        .find(|(c, _)| c.ends_with(case))
        .map(|(_, p)| p)
        .unwrap_or_else(|| panic!("fixture {case}"))
}

#[test]
fn cli_success_capture_exits_zero() {
    let out = bin()
        .args(["analyze", "--color", "never"])
        .arg(fixture("tls12-success"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("1 established, 0 failed"), "{text}");
    assert!(
        text.contains("Established, by server:") && text.contains("TLS 1.2 TLS_ECDHE_RSA"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no color codes with --color never"
    );
}

#[test]
fn cli_failed_handshake_exits_one_and_names_cause() {
    let out = bin()
        .args(["analyze", "--color", "never"])
        .arg(fixture("version-mismatch-server-tls10"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("version-mismatch"), "{text}");
    assert!(text.contains("SCHANNEL\\Protocols"), "{text}");
    // Summary first, details after.
    let summary_at = text.find("established,").unwrap();
    let detail_at = text.find("evidence:").unwrap();
    assert!(summary_at < detail_at);
}

#[test]
fn cli_color_always_emits_ansi() {
    let out = bin()
        .args(["analyze", "--color", "always"])
        .arg(fixture("no-shared-cipher"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn cli_json_format_is_json_lines_with_summary_last() {
    let out = bin()
        .args(["analyze", "--format", "json"])
        .arg(fixture("reset-after-client-hello"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(lines.len() >= 2);
    assert_eq!(lines.last().unwrap()["type"], "summary");
    assert_eq!(lines[0]["type"], "handshake");
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn cli_missing_file_exits_two_with_message() {
    let out = bin()
        .args(["analyze", "/nonexistent/capture.pcap"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("/nonexistent/capture.pcap"), "{err}");
}

#[test]
fn cli_not_a_capture_exits_two_with_clear_error() {
    let dir = std::env::temp_dir().join(format!("tlstriage-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("notes.txt");
    std::fs::write(&p, "this is not a capture, just text\n").unwrap();
    let out = bin().arg("analyze").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("error"), "{err}");
    assert!(
        err.to_lowercase().contains("capture") || err.contains("text"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_stdin_dash_reads_capture() {
    let bytes = std::fs::read(fixture("tls13-success")).unwrap();
    let mut child = bin()
        .args(["analyze", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\"outcome\":\"established\""), "{text}");
}

#[test]
fn cli_truncated_capture_reports_damage_and_earlier_frames() {
    let bytes = std::fs::read(fixture("tls12-success")).unwrap();
    let dir = std::env::temp_dir().join(format!("tlstriage-trunc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("cut.pcap");
    std::fs::write(&p, &bytes[..bytes.len() - 7]).unwrap();
    let out = bin()
        .args(["analyze", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert!(last["damage"]["offset"].as_u64().unwrap() > 0, "{last}");
    assert!(last["frames"].as_u64().unwrap() > 0);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("byte offset"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_color_always_wins_over_no_color() {
    // An explicit flag beats the environment (the auto case is unit-tested
    // in main.rs: a pipe is never a terminal here).
    let out = bin()
        .env("NO_COLOR", "1")
        .args(["analyze", "--color", "always"])
        .arg(fixture("no-shared-cipher"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

/// Runs `analyze` over `files` with extra `args`; (exit code, stdout).
fn run_files(args: &[&str], files: &[std::path::PathBuf]) -> (Option<i32>, String) {
    let out = bin()
        .arg("analyze")
        .args(args)
        .args(files)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// JSON Lines output split into per-capture blocks, in output order.
fn json_blocks(text: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let capture = v["capture"].as_str().unwrap().to_string();
        match blocks.last_mut() {
            Some((c, b)) if *c == capture && !b.contains("\"type\":\"summary\"") => {
                b.push_str(line);
                b.push('\n');
            }
            _ => blocks.push((capture, format!("{line}\n"))),
        }
    }
    blocks
}

const PARALLEL_CASES: [&str; 4] = [
    "tls12-success",
    "version-mismatch-server-tls10",
    "reset-after-client-hello",
    "tls13-success",
];

#[test]
fn cli_several_files_keep_the_given_order_in_both_directions() {
    let files: Vec<_> = PARALLEL_CASES.iter().map(|c| fixture(c)).collect();
    let reversed: Vec<_> = files.iter().rev().cloned().collect();
    let (code, fwd) = run_files(&["--format", "json"], &files);
    assert_eq!(code, Some(1), "one capture has a failed handshake");
    let (code_rev, rev) = run_files(&["--format", "json"], &reversed);
    assert_eq!(code_rev, Some(1));
    let fwd = json_blocks(&fwd);
    let rev = json_blocks(&rev);
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let fwd_names: Vec<&String> = fwd.iter().map(|(c, _)| c).collect();
    assert_eq!(fwd_names, names.iter().collect::<Vec<_>>());
    // The same block per file whichever order the files were given in.
    let mut rev = rev;
    rev.reverse();
    assert_eq!(fwd, rev);
}

#[test]
fn cli_several_files_equal_sequential_runs() {
    let files: Vec<_> = PARALLEL_CASES.iter().map(|c| fixture(c)).collect();
    for format in ["json", "text"] {
        let args = ["--format", format, "--color", "never"];
        let (_, together) = run_files(&args, &files);
        let singles: Vec<String> = files
            .iter()
            .map(|f| run_files(&args, std::slice::from_ref(f)).1)
            .collect();
        // Text reports are separated by an empty line, as one by one.
        let sep = if format == "text" { "\n" } else { "" };
        assert_eq!(together, singles.join(sep), "{format}");
    }
}

#[test]
fn cli_several_files_with_an_error_exit_two_and_report_the_others() {
    let files = vec![
        fixture("tls12-success"),
        std::path::PathBuf::from("/nonexistent/capture.pcap"),
        fixture("tls13-success"),
    ];
    let out = bin()
        .args(["analyze", "--format", "json"])
        .args(&files)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<String> = json_blocks(&text).into_iter().map(|(c, _)| c).collect();
    assert_eq!(
        names,
        vec![
            files[0].display().to_string(),
            files[2].display().to_string()
        ]
    );
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("/nonexistent/capture.pcap"), "{err}");
}

#[test]
fn cli_no_progress_line_when_stderr_is_not_a_terminal() {
    let files: Vec<_> = PARALLEL_CASES.iter().map(|c| fixture(c)).collect();
    let out = bin()
        .args(["analyze", "--format", "json"])
        .args(&files)
        .output()
        .unwrap();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
