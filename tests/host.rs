//! Host checks end to end: every fixture folder of `fixtures/hosts` (one per
//! IIS article scenario and per rule) names its cause and the exact fix
//! command; `analyze --host` confirms the capture's cause from the host.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use tlstriage::diagnose::{Finding, Severity};
use tlstriage::host::{Snapshot, rules};

fn host_dir(case: &str) -> PathBuf {
    crate::support::root().join("fixtures/hosts").join(case)
}

fn findings(case: &str) -> (Snapshot, Vec<Finding>) {
    let snap = Snapshot::read_paths(&[host_dir(case)]).expect("fixture folder reads");
    let f = rules::evaluate(&snap);
    (snap, f)
}

/// The finding with `code`, failing with every finding listed.
fn find<'a>(all: &'a [Finding], code: &str) -> &'a Finding {
    all.iter()
        .find(|f| f.code.as_str() == code)
        .unwrap_or_else(|| {
            let codes: Vec<&str> = all.iter().map(|f| f.code.as_str()).collect();
            panic!("no {code} among {codes:?}")
        })
}

fn has_remedy(f: &Finding, needle: &str) -> bool {
    f.remedies.iter().any(|r| r.contains(needle))
}

const THUMB: &str = "3b8f0c1e6a2d4f5b7c9e1a3d5f7b9c2e4a6d8f01";

#[test]
fn host_healthy_no_error_or_warning() {
    let (snap, all) = findings("healthy");
    assert_eq!(snap.bindings.len(), 1);
    assert_eq!(snap.certs.len(), 1);
    assert!(snap.netstat_seen);
    let bad: Vec<&str> = all
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.code.as_str())
        .collect();
    assert!(bad.is_empty(), "{bad:?}");
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
}

#[test]
fn host_scenario1_no_private_key_names_repairstore() {
    let (_, all) = findings("scenario-1-no-private-key");
    let f = find(&all, "certificate-no-private-key");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        has_remedy(f, &format!("certutil -repairstore my \"{THUMB}\"")),
        "{f:?}"
    );
    assert_eq!(f.evidence[0].file, "certutil-store-my.txt");
    // The other certificate (with a key) is not bound, so not judged.
    assert_eq!(
        all.iter()
            .filter(|f| f.code.as_str() == "certificate-no-private-key")
            .count(),
        1
    );
}

#[test]
fn host_scenario2_key_access_event_and_missing_keyset() {
    let (_, all) = findings("scenario-2-key-access");
    let keyed: Vec<&Finding> = all
        .iter()
        .filter(|f| f.code.as_str() == "private-key-inaccessible")
        .collect();
    assert_eq!(keyed.len(), 2, "certutil and the 36870 events: {all:?}");
    assert!(keyed.iter().all(|f| f.severity == Severity::Error));
    assert!(
        keyed
            .iter()
            .any(|f| f.message.contains("36870") && f.message.contains("2 times"))
    );
    assert!(keyed.iter().all(|f| has_remedy(f, "icacls")));
}

#[test]
fn host_scenario2_untrusted_root_names_verifystore() {
    let (snap, all) = findings("scenario-2-untrusted-root");
    assert_eq!(snap.chain_checks.len(), 1, "{:?}", snap.files);
    let f = find(&all, "certificate-untrusted");
    assert!(f.message.contains("0x800b0109"), "{}", f.message);
    assert!(has_remedy(f, &format!("certutil -verifystore my {THUMB}")));
}

#[test]
fn host_scenario2_wrong_usage_from_powershell_list() {
    let (snap, all) = findings("scenario-2-wrong-usage");
    assert_eq!(snap.certs.len(), 1);
    assert_eq!(snap.certs[0].thumbprint.as_deref(), Some(THUMB));
    let f = find(&all, "certificate-missing-server-auth-eku");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("1.3.6.1.5.5.7.3.2"), "{}", f.message);
}

#[test]
fn host_scenario3_port_conflict_names_process() {
    let (_, all) = findings("scenario-3-port-conflict");
    let f = find(&all, "port-conflict");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("httpd.exe (PID 5128)"), "{}", f.message);
    assert!(has_remedy(f, "tasklist /svc /fi \"PID eq 5128\""));
    assert_eq!(f.evidence[0].file, "netstat-anob.txt");
}

#[test]
fn host_scenario4_empty_hash_names_delete_command() {
    let (_, all) = findings("scenario-4-empty-binding");
    let f = find(&all, "binding-empty-hash");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        f.message.contains("all-zero application ID"),
        "{}",
        f.message
    );
    assert!(has_remedy(
        f,
        "netsh http delete sslcert ipport=0.0.0.0:443"
    ));
}

#[test]
fn host_scenario4_iplisten_names_add_command() {
    let (snap, all) = findings("scenario-4-iplisten");
    assert_eq!(snap.ip_listen.as_ref().map(Vec::len), Some(2));
    let f = find(&all, "iplisten-excludes-address");
    assert!(
        has_remedy(f, "netsh http add iplisten ipaddress=198.18.0.2"),
        "{f:?}"
    );
}

#[test]
fn host_sni_only_binding_warns_with_fallback_command() {
    let (_, all) = findings("sni-only");
    let f = find(&all, "sni-only-binding");
    assert_eq!(f.severity, Severity::Warning);
    assert!(has_remedy(f, "netsh http add sslcert ipport=0.0.0.0:443"));
    assert_eq!(f.evidence.len(), 2);
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tlstriage"));
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    c
}

#[test]
fn host_cli_error_finding_exits_one_with_fix_in_text() {
    let out = bin()
        .args(["host", "--color", "never", "--from"])
        .arg(host_dir("scenario-1-no-private-key"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("certificate-no-private-key"), "{text}");
    assert!(text.contains("certutil -repairstore my"), "{text}");
    assert!(text.contains("certutil-store-my.txt:"), "{text}");
}

#[test]
fn host_cli_healthy_exits_zero_json_one_line() {
    let out = bin()
        .args(["host", "--format", "json", "--from"])
        .arg(host_dir("healthy"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["type"], "host");
    assert_eq!(lines[0]["facts"]["bindings"], 1);
    assert_eq!(lines[0]["os"]["build"], 20348);
}

#[test]
fn host_cli_missing_folder_exits_two() {
    let out = bin()
        .args(["host", "--from", "/nonexistent/tlstriage-host"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}

#[cfg(not(windows))]
#[test]
fn host_cli_live_off_windows_explains_from() {
    let out = bin().arg("host").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("--from"), "{err}");
}

#[test]
fn host_scenario5_protocols_names_reg_add() {
    let (snap, all) = findings("scenario-5-protocols");
    assert_eq!(snap.os.as_ref().and_then(|o| o.build), Some(9600));
    let f = find(&all, "protocol-disabled");
    assert_eq!(f.severity, Severity::Error);
    assert!(
        has_remedy(
            f,
            "reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server\" /v Enabled /t REG_DWORD /d 1 /f"
        ),
        "{f:?}"
    );
    assert!(
        f.evidence
            .iter()
            .all(|e| e.file == "schannel.reg" || e.file == "ver.txt")
    );
    // The 36888 event (alert 70, state 105) from the XML export agrees.
    let e = find(&all, "version-mismatch");
    assert!(e.message.contains("error state 105"), "{}", e.message);
}

fn analyze_json(capture: &str, host: &str) -> Vec<Value> {
    let out = bin()
        .args(["analyze", "--format", "json"])
        .arg(
            crate::support::root()
                .join("fixtures/captures")
                .join(capture)
                .join("capture.pcap"),
        )
        .arg("--host")
        .arg(host_dir(host))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Findings marked by the host, across the handshake lines.
fn host_marked(lines: &[Value], check: &str) -> Vec<Value> {
    lines
        .iter()
        .filter(|l| l["type"] == "handshake")
        .flat_map(|l| l["findings"].as_array().unwrap().clone())
        .filter(|f| f["host"] == check)
        .collect()
}

#[test]
fn host_join_scenario5_capture_one_confirmed_root_cause() {
    let lines = analyze_json("version-mismatch-server-tls10", "scenario-5-protocols");
    assert_eq!(lines[0]["type"], "host");
    let confirmed = host_marked(&lines, "confirmed");
    assert_eq!(confirmed.len(), 1, "{confirmed:?}");
    let f = &confirmed[0];
    assert_eq!(f["code"], "version-mismatch");
    assert_eq!(f["confidence"], "high");
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("TLS 1.2\\Server disabled"),
        "{f}"
    );
    assert!(
        f["remedies"][0].as_str().unwrap().starts_with("`reg add"),
        "{f}"
    );
    assert_eq!(f["frames"], serde_json::json!([4, 6, 8]));
    assert!(
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["file"] == "schannel.reg")
    );
}

#[test]
fn host_join_healthy_host_contradicts_version_mismatch() {
    // Server 2022 defaults have TLS 1.2 on: the capture's server is not
    // explained by this host's SCHANNEL settings.
    let lines = analyze_json("version-mismatch-server-tls10", "healthy");
    assert!(host_marked(&lines, "confirmed").is_empty());
    let c = host_marked(&lines, "contradicted");
    assert_eq!(c.len(), 1, "{lines:?}");
    assert!(
        c[0]["message"]
            .as_str()
            .unwrap()
            .contains("TLS 1.2 on for the server"),
        "{}",
        c[0]
    );
}

#[test]
fn host_join_each_scenario_confirms_its_capture_cause() {
    // (capture, host, capture cause, text the confirmation must carry)
    let cases = [
        (
            "reset-after-client-hello",
            "scenario-4-empty-binding",
            "reset-after-client-hello",
            "netsh http delete sslcert ipport=0.0.0.0:443",
        ),
        (
            "http-on-tls-port",
            "scenario-3-port-conflict",
            "non-tls-response",
            "httpd.exe (PID 5128)",
        ),
        (
            "sni-required",
            "sni-only",
            "sni-required",
            "only SNI bindings on port 443",
        ),
        (
            "tls12-unknown-ca",
            "scenario-2-untrusted-root",
            "certificate-untrusted",
            "0x800b0109",
        ),
    ];
    for (capture, host, code, needle) in cases {
        let lines = analyze_json(capture, host);
        let confirmed = host_marked(&lines, "confirmed");
        assert_eq!(confirmed.len(), 1, "{capture} × {host}: {lines:?}");
        let f = &confirmed[0];
        assert_eq!(f["code"], code, "{capture} × {host}");
        assert!(f.to_string().contains(needle), "{capture} × {host}: {f}");
        assert!(!f["evidence"].as_array().unwrap().is_empty());
    }
}

#[test]
fn host_join_http_sys_on_port_contradicts_non_tls_answer() {
    let lines = analyze_json("http-on-tls-port", "scenario-4-empty-binding");
    let c = host_marked(&lines, "contradicted");
    assert_eq!(c.len(), 1);
    assert!(
        c[0]["message"]
            .as_str()
            .unwrap()
            .contains("HTTP.sys (PID 4)"),
        "{}",
        c[0]
    );
}

#[test]
fn host_join_text_report_host_first_and_cause_marked_confirmed() {
    let out = bin()
        .args(["analyze", "--color", "never"])
        .arg(
            crate::support::root()
                .join("fixtures/captures/version-mismatch-server-tls10/capture.pcap"),
        )
        .arg("--host")
        .arg(host_dir("scenario-5-protocols"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let host_at = text.find("error protocol-disabled").expect("host report");
    let cause_at = text
        .find("error version-mismatch (confidence: high) [confirmed by the host]")
        .expect("confirmed cause");
    assert!(host_at < cause_at, "{text}");
    assert!(text.contains("schannel.reg:28"), "{text}");
}
