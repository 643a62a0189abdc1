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

/// One handshake's expected verdict: outcome, cause code or "", confidence or "".
type Verdict = (&'static str, &'static str, &'static str);

/// (case, per handshake in report order). Restates the "Verdict" section of
/// each fixture README written for the diagnosis rules.
const VERDICTS: &[(&str, &[Verdict])] = &[
    ("alpn-refused", &[("failed", "alpn-mismatch", "")]),
    (
        "certificate-client-auth-eku",
        &[("failed", "certificate-missing-server-auth-eku", "")],
    ),
    (
        "certificate-expired",
        &[("failed", "certificate-expired", "")],
    ),
    (
        "certificate-incomplete-chain",
        &[("failed", "certificate-untrusted", "")],
    ),
    (
        "certificate-name-mismatch",
        &[("failed", "certificate-name-mismatch", "medium")],
    ),
    (
        "certificate-weak-rejected",
        &[("failed", "certificate-weak", "medium")],
    ),
    ("certificate-weak", &[("established", "", "")]),
    (
        "cipher-mismatch-mixed-clients",
        &[
            ("established", "", ""),
            ("failed", "no-shared-cipher", "high"),
        ],
    ),
    (
        "gnutls-tls12-client-certificate-required",
        &[("failed", "client-certificate-required", "")],
    ),
    (
        "gnutls-tls12-unknown-ca",
        &[("failed", "certificate-untrusted", "medium")],
    ),
    ("hrr-success", &[("established", "", "")]),
    (
        "inappropriate-fallback",
        &[("failed", "inappropriate-fallback", "")],
    ),
    (
        "no-shared-group",
        &[("failed", "no-shared-group", "medium")],
    ),
    (
        "secure-renegotiation-missing",
        &[("failed", "secure-renegotiation-missing", "medium")],
    ),
    (
        "server-tls10-mixed-clients",
        &[
            ("established", "", ""),
            ("failed", "version-mismatch", "high"),
        ],
    ),
    (
        "sni-required",
        &[("established", "", ""), ("failed", "sni-required", "high")],
    ),
    (
        "tls12-client-certificate-required",
        &[("failed", "client-certificate-required", "")],
    ),
    (
        "tls12-unknown-ca",
        &[("failed", "certificate-untrusted", "")],
    ),
    (
        "tls13-unknown-ca-openssl",
        &[("failed", "certificate-untrusted", "")],
    ),
    (
        "tls13-unknown-ca",
        &[("failed", "certificate-rejected", "medium")],
    ),
    (
        "version-mismatch-client-too-old",
        &[("failed", "version-mismatch", "")],
    ),
    (
        "version-mismatch-client-too-old-default",
        &[("failed", "version-mismatch", "medium")],
    ),
    ("unrecognized-name", &[("failed", "unrecognized-name", "")]),
    (
        "tls12-client-certificate-rejected",
        &[("failed", "client-certificate-rejected", "")],
    ),
    (
        "tls13-client-certificate-rejected",
        &[("failed", "client-certificate-rejected", "medium")],
    ),
    ("certificate-chain-order", &[("established", "", "")]),
    (
        "certificate-not-yet-valid",
        &[("failed", "certificate-not-yet-valid", "medium")],
    ),
    (
        "tls12-self-signed-rejected",
        &[("failed", "certificate-untrusted", "")],
    ),
];

#[test]
fn golden_diagnosis_fixtures_match_their_readme_verdicts() {
    let mut wrong = Vec::new();
    for (case, want) in VERDICTS {
        let hs = case_handshakes(case);
        let got: Vec<(String, String, String)> = hs
            .iter()
            .map(|h| {
                let conf = h["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["severity"] == "error")
                    .and_then(|f| f["confidence"].as_str())
                    .unwrap_or("")
                    .to_string();
                (h["outcome"].as_str().unwrap().to_string(), cause(h), conf)
            })
            .collect();
        let want: Vec<(String, String, String)> = want
            .iter()
            .map(|(o, c, k)| (o.to_string(), c.to_string(), k.to_string()))
            .collect();
        if got != want {
            wrong.push(format!("{case}: want {want:?}, got {got:?}"));
        }
        // Every failure's cause reads cause → evidence → remedy.
        for h in &hs {
            for f in h["findings"].as_array().unwrap() {
                if f["severity"] == "error" {
                    assert!(!f["frames"].as_array().unwrap().is_empty(), "{case}: {f}");
                    assert!(!f["remedies"].as_array().unwrap().is_empty(), "{case}: {f}");
                    assert!(
                        f["message"].as_str().unwrap().contains("frame"),
                        "{case}: {f}"
                    );
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn golden_hindsight_uses_a_later_handshake_of_the_same_server() {
    // server-tls10-mixed-clients with its two connections swapped in time:
    // the refused client comes first, the TLS 1.0 client that shows the
    // server's version afterwards. The verdict must not change.
    let (_, capture) = support::fixture_captures()
        .into_iter()
        .find(|(c, _)| c.ends_with("server-tls10-mixed-clients"))
        .unwrap();
    let frames = support::read_frames(&capture);
    let port = |f: &[u8]| -> u16 {
        // Ethernet + IPv4 (IHL from the header) + TCP source and destination.
        let ihl = ((f[14] & 0x0f) as usize) * 4;
        let t = 14 + ihl;
        let (s, d) = (
            u16::from_be_bytes([f[t], f[t + 1]]),
            u16::from_be_bytes([f[t + 2], f[t + 3]]),
        );
        if s == 443 { d } else { s }
    };
    let first_port = port(&frames[0].2);
    let (a, b): (Vec<_>, Vec<_>) = frames.iter().partition(|f| port(&f.2) == first_port);
    assert!(!a.is_empty() && !b.is_empty());
    let mut w = support::PcapWriter::new(frames[0].1 as u32);
    let t0 = frames[0].0;
    let shift = b.last().unwrap().0 - t0 + 1_000_000_000;
    for f in &b {
        w.packet(f.0 - (b[0].0 - t0), &f.2);
    }
    for f in &a {
        w.packet(f.0 + shift, &f.2);
    }
    let lines = support::analyze_bytes(&w.bytes, "swapped").unwrap();
    let hs = support::handshakes(&lines);
    assert_eq!(hs.len(), 2);
    let failed = hs.iter().find(|h| h["outcome"] == "failed").unwrap();
    assert_eq!(cause(failed), "version-mismatch");
    assert_eq!(failed["findings"][0]["confidence"], "high");
    // Reported after the established one, at the end of the capture.
    assert_eq!(hs[1]["outcome"], "failed");
}

#[test]
fn golden_established_fixtures_carry_their_warnings() {
    for (case, code, severity) in [
        (
            "certificate-chain-order",
            "certificate-chain-order",
            "warning",
        ),
        ("certificate-weak", "certificate-weak", "warning"),
        ("hrr-success", "hello-retry-request", "info"),
        ("server-tls10-mixed-clients", "legacy-protocol", "info"),
    ] {
        let hs = case_handshakes(case);
        let found = hs.iter().any(|h| {
            h["outcome"] == "established"
                && h["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|f| f["code"] == code && f["severity"] == severity)
        });
        assert!(
            found,
            "{case}: no {severity} {code} on an established handshake"
        );
    }
}
