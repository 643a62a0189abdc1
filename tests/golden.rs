//! Golden tests: every `fixtures/captures/<case>/capture.*` analyzed to JSON
//! and compared with `expected.json` (a JSON array of the output lines).
//! `BLESS=1 cargo test` rewrites the expected files; review the diff.

use crate::support;

#[test]
fn golden_every_fixture_matches_expected_json() {
    let cases = support::fixture_captures();
    assert!(
        !cases.is_empty(),
        "no fixtures found under fixtures/captures"
    );
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    for (case, capture) in &cases {
        let name = capture.file_name().unwrap().to_string_lossy().to_string();
        let got = serde_json::Value::Array(support::analyze_file(capture, &name));
        let expected_path = case.join("expected.json");
        if bless {
            let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
            std::fs::write(&expected_path, text).unwrap();
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&expected_path) else {
            failures.push(format!("{}: missing expected.json", case.display()));
            continue;
        };
        let expected: serde_json::Value = serde_json::from_str(&text).unwrap();
        if expected != got {
            failures.push(format!(
                "{}: output differs from expected.json\n--- got ---\n{}",
                case.display(),
                serde_json::to_string_pretty(&got).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn case_handshakes(case: &str) -> Vec<serde_json::Value> {
    let (_, capture) = support::fixture_captures()
        .into_iter()
        .find(|(c, _)| c.ends_with(case))
        .unwrap_or_else(|| panic!("fixture {case} exists"));
    let lines = support::analyze_file(&capture, "capture");
    support::handshakes(&lines).into_iter().cloned().collect()
}

fn only_handshake(case: &str) -> serde_json::Value {
    let hs = case_handshakes(case);
    assert_eq!(hs.len(), 1, "{case}: one handshake expected, got {hs:#?}");
    hs.into_iter().next().unwrap()
}

fn cause(h: &serde_json::Value) -> String {
    h["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .map(|f| f["code"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

// The verdicts below restate each fixture README's expectation independently
// of expected.json, so a bad bless cannot silently change them.

#[test]
fn golden_tls12_success_is_established() {
    let h = only_handshake("tls12-success");
    assert_eq!(h["outcome"], "established");
    assert_eq!(h["server_hello"]["version"], "TLS 1.2");
    assert_eq!(cause(&h), "");
}

#[test]
fn golden_tls13_success_is_established() {
    let h = only_handshake("tls13-success");
    assert_eq!(h["outcome"], "established");
    assert_eq!(h["server_hello"]["version"], "TLS 1.3");
}

#[test]
fn golden_scenario5_server_tls10_is_version_mismatch() {
    let h = only_handshake("version-mismatch-server-tls10");
    assert_eq!(h["outcome"], "failed");
    assert_eq!(h["server_hello"]["version"], "TLS 1.0");
    assert_eq!(cause(&h), "version-mismatch");
    let f = &h["findings"][0];
    let remedies = f["remedies"].to_string();
    assert!(
        remedies.contains("SCHANNEL\\\\Protocols\\\\TLS 1.2\\\\Server"),
        "{remedies}"
    );
    assert!(f["frames"].as_array().unwrap().len() >= 3);
}

#[test]
fn golden_version_mismatch_alert_is_version_mismatch() {
    let h = only_handshake("version-mismatch-alert");
    assert_eq!(h["outcome"], "failed");
    assert!(h["server_hello"].is_null());
    assert_eq!(cause(&h), "version-mismatch");
}

#[test]
fn golden_no_shared_cipher_is_no_shared_cipher() {
    let h = only_handshake("no-shared-cipher");
    assert_eq!(h["outcome"], "failed");
    assert_eq!(cause(&h), "no-shared-cipher");
}

#[test]
fn golden_reset_after_client_hello_is_reset() {
    let h = only_handshake("reset-after-client-hello");
    assert_eq!(h["outcome"], "failed");
    assert_eq!(h["termination"]["kind"], "rst");
    assert_eq!(h["termination"]["from"], "server");
    assert_eq!(cause(&h), "reset-after-client-hello");
}

#[test]
fn golden_closed_after_client_hello_is_closed() {
    let h = only_handshake("closed-after-client-hello");
    assert_eq!(h["outcome"], "failed");
    assert_eq!(cause(&h), "closed-after-client-hello");
}

#[test]
fn golden_http_on_tls_port_is_non_tls_response() {
    let h = only_handshake("http-on-tls-port");
    assert_eq!(h["outcome"], "failed");
    assert_eq!(cause(&h), "non-tls-response");
    assert!(
        h["non_tls"]["preview"]
            .as_str()
            .unwrap()
            .starts_with("HTTP/1.")
    );
}

#[test]
fn golden_no_server_response_is_reported() {
    let h = only_handshake("no-server-response");
    assert_ne!(h["outcome"], "established");
    let codes: Vec<&str> = h["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"no-server-response"), "{codes:?}");
}

#[test]
fn golden_client_hello_split_is_reassembled() {
    let h = only_handshake("client-hello-split");
    assert_eq!(h["outcome"], "established");
    let frames = h["client_hello"]["frames"].as_array().unwrap();
    assert!(frames.len() >= 3, "ClientHello frames: {frames:?}");
}

#[test]
fn golden_mid_stream_is_incomplete_mid_stream() {
    let hs = case_handshakes("mid-stream");
    assert!(!hs.is_empty());
    for h in &hs {
        assert_eq!(h["outcome"], "incomplete");
        assert!(h["client_hello"].is_null());
        assert_eq!(h["findings"][0]["code"], "mid-stream");
    }
}

#[test]
fn golden_handshake_failure_from_tls10_server_is_version_mismatch() {
    let h = only_handshake("version-mismatch-handshake-failure");
    assert_eq!(h["outcome"], "failed");
    assert_eq!(h["alerts"][0]["record_version"], "TLS 1.0");
    assert_eq!(cause(&h), "version-mismatch");
    assert_eq!(h["findings"][0]["confidence"], "medium");
}

#[test]
fn golden_tls13_required_client_certificate_is_failed_not_established() {
    let h = only_handshake("tls13-client-certificate-required");
    assert_eq!(h["outcome"], "failed");
    assert_eq!(h["server_hello"]["version"], "TLS 1.3");
    assert_eq!(cause(&h), "client-certificate-required");
    assert_eq!(h["findings"][0]["confidence"], "high");
    assert!(
        h["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("empty Certificate")
    );
}
