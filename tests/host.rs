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
