//! One fixture folder per host rule (`fixtures/hosts/rule-<code>`, besides
//! the IIS article's scenario folders): each folder gives exactly the codes
//! listed for it in [`FOLDERS`] — errors, warnings and infos, nothing else —
//! and its findings show the file and line of the fact and carry the exact
//! fix command. Coverage is checked both ways: every `Code::…` that
//! `src/host/rules.rs` can report comes out of some folder, every spec id of
//! [`rules::RULES`] is mapped to the folder that shows it ([`SPEC`]), every
//! folder on disk is listed, and the folders run every input parser.

use std::collections::BTreeSet;
use std::path::PathBuf;

use tlstriage::diagnose::{Finding, Severity};
use tlstriage::host::{Encoding, Kind, Snapshot, input, rules};

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;
const I: Severity = Severity::Info;

/// The bound certificate of most folders.
const TH: &str = "3b8f0c1e6a2d4f5b7c9e1a3d5f7b9c2e4a6d8f01";
/// Another certificate of the store.
const OTHER: &str = "9d2c4e6f8a0b1c3d5e7f9a1b3c5d7e9f0a2b4c6d";
/// IIS's application ID.
const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";
const SCH: &str = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL";
const HKLM_PROTOCOLS: &str =
    r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";

/// Every folder of `fixtures/hosts` with every finding it gives: (code,
/// severity), one entry per finding. Infos are listed too, so that nothing
/// appears unannounced.
const FOLDERS: &[(&str, &[(&str, Severity)])] = &[
    ("healthy", &[("legacy-protocol", I)]),
    ("sni-only", &[("sni-only-binding", W)]),
    (
        "scenario-1-no-private-key",
        &[("certificate-no-private-key", E), ("legacy-protocol", I)],
    ),
    (
        "scenario-2-key-access",
        &[
            ("private-key-inaccessible", E),
            ("private-key-inaccessible", E),
            ("legacy-protocol", I),
        ],
    ),
    ("scenario-2-untrusted-root", &[("certificate-untrusted", W)]),
    (
        "scenario-2-wrong-usage",
        &[("certificate-missing-server-auth-eku", E)],
    ),
    (
        "scenario-3-port-conflict",
        &[("port-conflict", E), ("legacy-protocol", I)],
    ),
    ("scenario-4-empty-binding", &[("binding-empty-hash", E)]),
    ("scenario-4-iplisten", &[("iplisten-excludes-address", E)]),
    (
        "scenario-5-protocols",
        &[
            ("protocol-disabled", E),
            ("version-mismatch", E),
            ("legacy-protocol", I),
            ("protocol-half-disabled", I),
        ],
    ),
    (
        "rule-binding-certificate-differs",
        &[("binding-certificate-differs", W)],
    ),
    (
        "rule-binding-certificate-missing",
        &[
            ("binding-certificate-missing", E),
            ("binding-certificate-missing", W),
        ],
    ),
    (
        "rule-binding-disables-protocol",
        &[("binding-disables-protocol", W)],
    ),
    (
        "rule-binding-rejects-connections",
        &[("binding-rejects-connections", E)],
    ),
    ("rule-binding-zero-app-id", &[("binding-zero-app-id", W)]),
    ("rule-certificate-expired", &[("certificate-expired", E)]),
    (
        "rule-certificate-name-mismatch",
        &[("certificate-name-mismatch", W)],
    ),
    (
        "rule-certificate-no-private-key",
        &[
            ("certificate-no-private-key", E),
            ("certificate-no-private-key", E),
        ],
    ),
    (
        "rule-certificate-not-yet-valid",
        &[("certificate-not-yet-valid", E)],
    ),
    ("rule-cipher-suite-policy", &[("cipher-suite-policy", W)]),
    (
        "rule-client-protocol-disabled",
        &[
            ("client-protocol-disabled", W),
            ("protocol-half-disabled", I),
        ],
    ),
    (
        "rule-dotnet-legacy-tls",
        &[("dotnet-legacy-tls", W), ("dotnet-legacy-tls", I)],
    ),
    ("rule-fips-mode", &[("fips-mode", I)]),
    ("rule-http2-cipher-order", &[("http2-cipher-order", W)]),
    (
        "rule-httpsys-events",
        &[
            ("iplisten-excludes-address", E),
            ("binding-error-event", W),
            ("binding-deleted-event", W),
        ],
    ),
    (
        "rule-no-usable-cipher-suite",
        &[("no-usable-cipher-suite", W), ("no-usable-cipher-suite", W)],
    ),
    (
        "rule-no-usable-cipher-suite-tls13-only",
        &[("no-usable-cipher-suite", E), ("legacy-protocol", I)],
    ),
    ("rule-port-not-listening", &[("port-not-listening", E)]),
    ("rule-private-key-unusable", &[("private-key-unusable", E)]),
    (
        "rule-protocol-disabled-all",
        &[("protocol-disabled", E), ("protocol-half-disabled", I)],
    ),
    (
        "rule-protocol-half-disabled",
        &[("protocol-half-disabled", I)],
    ),
    (
        "rule-registry-nonstandard-value",
        &[("registry-nonstandard-value", I)],
    ),
    (
        "rule-registry-unknown-key",
        &[
            ("registry-unknown-key", W),
            ("registry-unknown-key", W),
            ("registry-unknown-key", W),
        ],
    ),
    (
        "rule-registry-wrong-type",
        &[("registry-wrong-type", W), ("registry-wrong-type", W)],
    ),
    (
        "rule-schannel-events",
        &[
            ("no-shared-cipher", E),
            ("no-shared-cipher", E),
            ("certificate-rejected", E),
            ("client-protocol-disabled", W),
            ("handshake-error-event", I),
        ],
    ),
    ("rule-schannel-logging-off", &[("schannel-logging-off", I)]),
    (
        "rule-tls13-client-certificate",
        &[("tls13-client-certificate", E), ("legacy-protocol", I)],
    ),
    (
        "rule-tls13-unsupported-os",
        &[("tls13-unsupported-os", W), ("legacy-protocol", I)],
    ),
    (
        "rule-winhttp-legacy-tls",
        &[("winhttp-legacy-tls", W), ("legacy-protocol", I)],
    ),
    ("localized-german", &[]),
];

/// Every spec id of `rules::RULES` → (folder, code, text of the message of
/// the finding that shows it).
const SPEC: &[(&str, &str, &str, &str)] = &[
    (
        "HTTPSYS-001",
        "scenario-4-empty-binding",
        "binding-empty-hash",
        "no usable certificate hash",
    ),
    (
        "HTTPSYS-002",
        "rule-binding-zero-app-id",
        "binding-zero-app-id",
        "all-zero application ID",
    ),
    (
        "CERT-007",
        "rule-binding-certificate-missing",
        "binding-certificate-missing",
        "which is not in store `my`",
    ),
    (
        "HTTPSYS-011",
        "rule-binding-certificate-missing",
        "binding-certificate-missing",
        "but it is in `my`",
    ),
    (
        "CERT-001",
        "scenario-1-no-private-key",
        "certificate-no-private-key",
        "has no private key in store",
    ),
    (
        "EVT-36869",
        "rule-certificate-no-private-key",
        "certificate-no-private-key",
        "event 36869",
    ),
    (
        "CERT-002",
        "scenario-2-key-access",
        "private-key-inaccessible",
        "missing stored keyset",
    ),
    (
        "CERT-003",
        "rule-private-key-unusable",
        "private-key-unusable",
        "event 36870",
    ),
    (
        "EVT-36870",
        "scenario-2-key-access",
        "private-key-inaccessible",
        "event 36870",
    ),
    (
        "CERT-004",
        "scenario-2-wrong-usage",
        "certificate-missing-server-auth-eku",
        "not Server Authentication",
    ),
    (
        "CERT-005",
        "scenario-2-untrusted-root",
        "certificate-untrusted",
        "0x800b0109",
    ),
    (
        "CERT-006",
        "rule-certificate-expired",
        "certificate-expired",
        "expired on 2019-11-30",
    ),
    (
        "CERT-008",
        "rule-certificate-name-mismatch",
        "certificate-name-mismatch",
        "do not cover www.contoso.com",
    ),
    (
        "PORT-001",
        "scenario-3-port-conflict",
        "port-conflict",
        "httpd.exe (PID 5128)",
    ),
    (
        "PORT-002",
        "rule-port-not-listening",
        "port-not-listening",
        "port 443 has an SSL binding",
    ),
    (
        "HTTPSYS-003",
        "scenario-4-iplisten",
        "iplisten-excludes-address",
        "netsh http show iplisten",
    ),
    ("HTTPSYS-004", "sni-only", "sni-only-binding", "only SNI"),
    (
        "HTTPSYS-005",
        "rule-binding-certificate-differs",
        "binding-certificate-differs",
        "different certificate",
    ),
    (
        "HTTPSYS-006",
        "rule-binding-rejects-connections",
        "binding-rejects-connections",
        "reject connections",
    ),
    (
        "HTTPSYS-007",
        "rule-binding-disables-protocol",
        "binding-disables-protocol",
        "Disable TLS1.3",
    ),
    (
        "HTTPSYS-008",
        "rule-tls13-client-certificate",
        "tls13-client-certificate",
        "TLS 1.3 cannot renegotiate",
    ),
    (
        "EVT-36877",
        "rule-tls13-client-certificate",
        "tls13-client-certificate",
        "Schannel 36877",
    ),
    (
        "HTTPSYS-009",
        "rule-httpsys-events",
        "binding-error-event",
        "event 15021",
    ),
    (
        "HTTPSYS-010",
        "rule-httpsys-events",
        "binding-deleted-event",
        "event 15300",
    ),
    (
        "EVT-15005",
        "rule-httpsys-events",
        "iplisten-excludes-address",
        "event 15005",
    ),
    (
        "PROTO-001",
        "scenario-5-protocols",
        "protocol-disabled",
        "no modern protocol",
    ),
    (
        "PROTO-002",
        "rule-protocol-disabled-all",
        "protocol-disabled",
        "no protocol at all",
    ),
    (
        "PROTO-004",
        "rule-client-protocol-disabled",
        "client-protocol-disabled",
        r"TLS 1.2\Client disabled",
    ),
    (
        "PROTO-010",
        "scenario-5-protocols",
        "legacy-protocol",
        "the server accepts",
    ),
    (
        "PROTO-005",
        "rule-tls13-unsupported-os",
        "tls13-unsupported-os",
        "TLS 1.3 keys on build 17763",
    ),
    (
        "PROTO-006",
        "rule-registry-nonstandard-value",
        "registry-nonstandard-value",
        "0xffffffff",
    ),
    (
        "PROTO-007",
        "rule-registry-wrong-type",
        "registry-wrong-type",
        "is not a REG_DWORD",
    ),
    (
        "PROTO-008",
        "rule-registry-unknown-key",
        "registry-unknown-key",
        "`TLS1.2`",
    ),
    (
        "PROTO-009",
        "rule-protocol-half-disabled",
        "protocol-half-disabled",
        "disagree",
    ),
    (
        "PROTO-011",
        "rule-schannel-logging-off",
        "schannel-logging-off",
        "`EventLogging` is 0",
    ),
    (
        "CIPHER-001",
        "rule-no-usable-cipher-suite-tls13-only",
        "no-usable-cipher-suite",
        "runs on a protocol",
    ),
    (
        "CIPHER-003",
        "rule-cipher-suite-policy",
        "cipher-suite-policy",
        "1,023",
    ),
    (
        "CIPHER-004",
        "rule-http2-cipher-order",
        "http2-cipher-order",
        "HTTP/2 forbids",
    ),
    (
        "CIPHER-006",
        "rule-no-usable-cipher-suite",
        "no-usable-cipher-suite",
        "legacy SCHANNEL switches",
    ),
    (
        "NET-001",
        "rule-dotnet-legacy-tls",
        "dotnet-legacy-tls",
        "TLS 1.0/1.1 are off",
    ),
    (
        "NET-002",
        "rule-dotnet-legacy-tls",
        "dotnet-legacy-tls",
        "WOW6432Node",
    ),
    (
        "NET-003",
        "rule-winhttp-legacy-tls",
        "winhttp-legacy-tls",
        "0x280",
    ),
    ("NET-004", "rule-fips-mode", "fips-mode", "FIPS"),
    (
        "EVT-36874",
        "rule-schannel-events",
        "no-shared-cipher",
        "event 36874",
    ),
    (
        "EVT-36887",
        "rule-schannel-events",
        "certificate-rejected",
        "event 36887",
    ),
    (
        "EVT-36888",
        "rule-schannel-events",
        "no-shared-cipher",
        "event 36888",
    ),
    (
        "EVT-36871",
        "rule-schannel-events",
        "client-protocol-disabled",
        "event 36871",
    ),
];

fn hosts() -> PathBuf {
    crate::support::root().join("fixtures/hosts")
}

fn read(case: &str) -> (Snapshot, Vec<Finding>) {
    let snap = Snapshot::read_paths(&[hosts().join(case)]).expect("fixture folder reads");
    let all = rules::evaluate(&snap);
    (snap, all)
}

fn listed(case: &str) -> &'static [(&'static str, Severity)] {
    FOLDERS
        .iter()
        .find(|(c, _)| *c == case)
        .unwrap_or_else(|| panic!("{case} is not in FOLDERS"))
        .1
}

/// Findings of `case` as sorted (code, severity) pairs.
fn got(all: &[Finding]) -> Vec<(&'static str, Severity)> {
    let mut v: Vec<(&'static str, Severity)> =
        all.iter().map(|f| (f.code.as_str(), f.severity)).collect();
    v.sort();
    v
}

/// Reads `case`, asserts it gives exactly the findings [`FOLDERS`] lists
/// for it and that every input was read without a warning.
fn exactly(case: &str) -> (Snapshot, Vec<Finding>) {
    let (snap, all) = read(case);
    let mut want = listed(case).to_vec();
    want.sort();
    assert_eq!(got(&all), want, "{case}: {all:#?}");
    if case != "localized-german" {
        assert!(snap.warnings.is_empty(), "{case}: {:#?}", snap.warnings);
    }
    (snap, all)
}

/// The one finding with `code` whose message contains `needle`.
fn one<'a>(all: &'a [Finding], code: &str, needle: &str) -> &'a Finding {
    let m: Vec<&Finding> = all
        .iter()
        .filter(|f| f.code.as_str() == code && f.message.contains(needle))
        .collect();
    assert_eq!(m.len(), 1, "{code} with {needle:?} among {all:#?}");
    m[0]
}

/// Asserts that `f`'s evidence names `file` at a line starting with `text`,
/// and that the fixture file really has that text at that line.
fn shows(case: &str, f: &Finding, file: &str, text: &str) {
    let e = f
        .evidence
        .iter()
        .find(|e| e.file == file && e.text.starts_with(text))
        .unwrap_or_else(|| panic!("{case}: no evidence {file}: {text:?} in {:#?}", f.evidence));
    let bytes = std::fs::read(hosts().join(case).join(file)).unwrap();
    let decoded = input::decode(&bytes);
    let lines = input::lines(&decoded.text);
    let at = lines[e.line - 1].text.trim();
    assert!(at.starts_with(text), "{case}/{file}:{}: {at:?}", e.line);
}

/// Asserts that a remedy of `f` holds `cmd` verbatim.
fn fixes(f: &Finding, cmd: &str) {
    assert!(
        f.remedies.iter().any(|r| r.contains(cmd)),
        "no remedy with {cmd:?} in {:#?}",
        f.remedies
    );
}

// ---- Coverage -------------------------------------------------------------

#[test]
fn host_rules_every_folder_gives_exactly_its_codes() {
    let mut wrong = Vec::new();
    for (case, want) in FOLDERS {
        let (_, all) = read(case);
        let mut want = want.to_vec();
        want.sort();
        let got = got(&all);
        if got != want {
            wrong.push(format!("{case}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn host_rules_every_folder_on_disk_is_listed() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(hosts())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let listed: BTreeSet<String> = FOLDERS.iter().map(|(c, _)| c.to_string()).collect();
    assert_eq!(on_disk, listed);
}

/// Variant names of `Code` that the host rules name (outside their tests).
fn codes_named_in_rules_rs() -> BTreeSet<String> {
    let src = include_str!("../src/host/rules.rs");
    let body = src.split("#[cfg(test)]").next().unwrap();
    body.match_indices("Code::")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

#[test]
fn host_rules_every_code_in_rules_rs_comes_from_a_folder() {
    let named = codes_named_in_rules_rs();
    assert!(named.len() >= 38, "{named:?}");
    let mut produced = BTreeSet::new();
    for (case, _) in FOLDERS {
        for f in read(case).1 {
            produced.insert(format!("{:?}", f.code));
        }
    }
    let missing: Vec<&String> = named.difference(&produced).collect();
    assert!(
        missing.is_empty(),
        "host rules name codes no fixture folder gives: {missing:?} (add a rule-<code> folder in fixtures/hosts/make.sh)"
    );
}

#[test]
fn host_rules_every_spec_id_of_rules_has_a_folder() {
    let ids: BTreeSet<&str> = rules::RULES
        .iter()
        .flat_map(|r| r.ids.split_whitespace())
        .collect();
    let mapped: BTreeSet<&str> = SPEC.iter().map(|(id, ..)| *id).collect();
    assert_eq!(ids, mapped, "RULES ids vs SPEC table");
    for (id, case, code, needle) in SPEC {
        let (_, all) = read(case);
        assert!(
            all.iter()
                .any(|f| f.code.as_str() == *code && f.message.contains(needle)),
            "{id}: {case} gives no {code} with {needle:?}: {all:#?}"
        );
    }
}

#[test]
fn host_rules_folders_run_every_parser_and_encoding() {
    let mut kinds = BTreeSet::new();
    let mut encodings = BTreeSet::new();
    for (case, _) in FOLDERS {
        let (snap, _) = read(case);
        for f in &snap.files {
            encodings.insert(format!("{:?}", f.encoding));
            for (k, _) in &f.sections {
                kinds.insert(format!("{k:?}"));
            }
        }
    }
    let all = [
        Kind::SslCert,
        Kind::IpListen,
        Kind::Netstat,
        Kind::RegQuery,
        Kind::RegExport,
        Kind::PsRegistry,
        Kind::Certutil,
        Kind::CertutilVerify,
        Kind::PsCertList,
        Kind::EventText,
        Kind::EventViewerText,
        Kind::EventXml,
        Kind::CipherSuiteList,
        Kind::Clixml,
        Kind::OsVersion,
        Kind::Localized,
    ];
    for k in all {
        assert!(kinds.contains(&format!("{k:?}")), "no folder has {k:?}");
    }
    for e in [Encoding::Utf8, Encoding::Utf16LeBom, Encoding::Windows1252] {
        assert!(encodings.contains(&format!("{e:?}")), "no folder is {e:?}");
    }
}

// ---- HTTP.sys bindings ----------------------------------------------------

#[test]
fn host_rules_binding_zero_app_id_recreates_the_ipv6_binding() {
    let (_, all) = exactly("rule-binding-zero-app-id");
    let f = one(&all, "binding-zero-app-id", "[::]:443");
    shows(
        "rule-binding-zero-app-id",
        f,
        "netsh-http-show-sslcert.txt",
        "IP:port                      : [::]:443",
    );
    fixes(f, "`netsh http delete sslcert ipport=[::]:443`");
    fixes(
        f,
        &format!(
            "`netsh http add sslcert ipport=[::]:443 certhash={TH} appid={IIS} certstorename=MY`"
        ),
    );
}

#[test]
fn host_rules_binding_rejects_connections_with_http_sys_listening() {
    let (snap, all) = exactly("rule-binding-rejects-connections");
    // netstat -anob: HTTP.sys (PID 4, no owner) listens; no port finding.
    let s = snap
        .sockets
        .iter()
        .find(|s| s.local.port() == 443 && s.local.is_ipv4())
        .unwrap();
    assert_eq!(
        (s.pid, s.owner.as_deref()),
        (4, Some("Can not obtain ownership information"))
    );
    let f = one(&all, "binding-rejects-connections", "0.0.0.0:443");
    shows(
        "rule-binding-rejects-connections",
        f,
        "netsh-http-show-sslcert.txt",
        "IP:port                      : 0.0.0.0:443",
    );
    fixes(f, "`netsh http delete sslcert ipport=0.0.0.0:443`");
    fixes(
        f,
        &format!(
            "`netsh http add sslcert ipport=0.0.0.0:443 certhash={TH} appid={IIS} certstorename=MY`"
        ),
    );
}

#[test]
fn host_rules_binding_disables_protocol_on_the_sni_binding_only() {
    let (_, all) = exactly("rule-binding-disables-protocol");
    let f = one(&all, "binding-disables-protocol", "legacy.contoso.com:443");
    assert!(
        f.message
            .contains("Disable TLS1.3, Disable Legacy TLS Versions"),
        "{}",
        f.message
    );
    shows(
        "rule-binding-disables-protocol",
        f,
        "netsh-http-show-sslcert.txt",
        "Hostname:port                      : legacy.contoso.com:443",
    );
    fixes(
        f,
        "`netsh http delete sslcert hostnameport=legacy.contoso.com:443`",
    );
    fixes(
        f,
        &format!(
            "`netsh http add sslcert hostnameport=legacy.contoso.com:443 certhash={OTHER} appid={IIS} disabletls13=disable disablelegacytls=disable`"
        ),
    );
}

#[test]
fn host_rules_binding_certificate_missing_deleted_and_wrong_store() {
    let case = "rule-binding-certificate-missing";
    let (snap, all) = exactly(case);
    assert_eq!(
        snap.certs
            .iter()
            .filter(|c| c.store == "webhosting")
            .count(),
        1
    );
    let deleted = one(&all, "binding-certificate-missing", "not in store `my`");
    assert_eq!(deleted.severity, E);
    shows(
        case,
        deleted,
        "netsh-http-show-sslcert.txt",
        "IP:port                      : 0.0.0.0:443",
    );
    fixes(
        deleted,
        &format!(
            "`netsh http update sslcert ipport=0.0.0.0:443 certhash=<new thumbprint> appid={IIS} certstorename=MY`"
        ),
    );
    let store = one(
        &all,
        "binding-certificate-missing",
        "in store `webhosting`, but it is in `my`",
    );
    assert_eq!(store.severity, W);
    shows(
        case,
        store,
        "netsh-http-show-sslcert.txt",
        "IP:port                      : 0.0.0.0:8443",
    );
    fixes(
        store,
        &format!(
            "`netsh http delete sslcert ipport=0.0.0.0:8443` then `netsh http add sslcert ipport=0.0.0.0:8443 certhash={OTHER} appid={IIS} certstorename=my`"
        ),
    );
}

#[test]
fn host_rules_binding_certificate_differs_names_the_ip_binding() {
    let case = "rule-binding-certificate-differs";
    let (_, all) = exactly(case);
    let f = one(&all, "binding-certificate-differs", "198.18.0.2:443");
    shows(
        case,
        f,
        "netsh-http-show-sslcert.txt",
        "IP:port                      : 198.18.0.2:443",
    );
    shows(
        case,
        f,
        "netsh-http-show-sslcert.txt",
        "IP:port                      : 0.0.0.0:443",
    );
    fixes(f, "`netsh http delete sslcert ipport=198.18.0.2:443`");
}

// ---- Certificates ---------------------------------------------------------

#[test]
fn host_rules_certificate_expired_at_the_files_time() {
    let case = "rule-certificate-expired";
    let (snap, all) = exactly(case);
    // Server 2012 R2 certutil prints the hash as spaced byte pairs.
    assert_eq!(snap.certs[0].thumbprint.as_deref(), Some(TH));
    let f = one(&all, "certificate-expired", "expired on 2019-11-30");
    shows(
        case,
        f,
        "certutil-store-my.txt",
        "================ Certificate 0 ================",
    );
    fixes(
        f,
        &format!(
            "`netsh http update sslcert ipport=0.0.0.0:443 certhash=<new thumbprint> appid={IIS}`"
        ),
    );
}

#[test]
fn host_rules_certificate_not_yet_valid_from_powershell_list() {
    let case = "rule-certificate-not-yet-valid";
    let (_, all) = exactly(case);
    let f = one(
        &all,
        "certificate-not-yet-valid",
        "not valid until 2099-01-15",
    );
    shows(
        case,
        f,
        "cert-localmachine-my.txt",
        r"PSPath                   : Microsoft.PowerShell.Security\Certificate::LocalMachine\My\3B8F0C1E",
    );
    fixes(
        f,
        &format!(
            "`netsh http update sslcert ipport=0.0.0.0:443 certhash=<new thumbprint> appid={IIS}`"
        ),
    );
}

#[test]
fn host_rules_certificate_name_mismatch_from_certutil_v_san() {
    let case = "rule-certificate-name-mismatch";
    let (snap, all) = exactly(case);
    let c = snap
        .certs
        .iter()
        .find(|c| c.thumbprint.as_deref() == Some(TH))
        .unwrap();
    assert_eq!(
        c.dns_names,
        ["shop.contoso.com", "*.shop.contoso.com", "contoso.com"]
    );
    assert_eq!(
        c.subject.as_deref(),
        Some("CN=shop.contoso.com, O=Contoso Ltd")
    );
    // www.contoso.com is not covered; api.shop.contoso.com is (wildcard).
    let f = one(
        &all,
        "certificate-name-mismatch",
        "do not cover www.contoso.com",
    );
    shows(
        case,
        f,
        "netsh-http-show-sslcert.txt",
        "Hostname:port                      : www.contoso.com:443",
    );
    shows(
        case,
        f,
        "certutil-v-store-my.txt",
        "================ Certificate 0 ================",
    );
    fixes(
        f,
        &format!(
            "`netsh http update sslcert hostnameport=www.contoso.com:443 certhash=<thumbprint> appid={IIS} certstorename=MY`"
        ),
    );
}

#[test]
fn host_rules_certificate_no_private_key_from_powershell_and_event_36869() {
    let case = "rule-certificate-no-private-key";
    let (_, all) = exactly(case);
    let f = one(
        &all,
        "certificate-no-private-key",
        "has no private key in store `my`",
    );
    shows(case, f, "cert-localmachine-my.txt", "PSPath ");
    fixes(f, &format!("`certutil -repairstore my \"{TH}\"`"));
    let e = one(&all, "certificate-no-private-key", "event 36869 (once, ");
    shows(case, e, "event-36869.txt", "Event Type:");
    fixes(e, &format!("`certutil -repairstore my \"{TH}\"`"));
}

#[test]
fn host_rules_private_key_unusable_from_event_xml() {
    let case = "rule-private-key-unusable";
    let (snap, all) = exactly(case);
    assert!(snap.events.iter().all(|e| e.status == Some(0x8009_001a)));
    let f = one(&all, "private-key-unusable", "event 36870 (2 times, ");
    shows(
        case,
        f,
        "schannel-events.xml",
        "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>",
    );
    assert_eq!(f.evidence.len(), 2);
    fixes(f, "`certutil -importpfx my <file.pfx>`");
}

// ---- Ports and HTTP.sys events --------------------------------------------

#[test]
fn host_rules_port_not_listening_only_for_the_silent_port() {
    let case = "rule-port-not-listening";
    let (_, all) = exactly(case);
    let f = one(&all, "port-not-listening", "port 443 has an SSL binding");
    shows(
        case,
        f,
        "netsh-http-show-sslcert.txt",
        "IP:port                      : 0.0.0.0:443",
    );
    fixes(f, "`net start was` and `net start w3svc`");
}

#[test]
fn host_rules_httpsys_events_name_their_endpoints() {
    let case = "rule-httpsys-events";
    let (_, all) = exactly(case);
    let f = one(&all, "binding-error-event", "event 15021 (2 times, ");
    assert!(f.message.contains("endpoint 0.0.0.0:443"), "{}", f.message);
    shows(case, f, "http-events.txt", "Event[0]:");
    shows(case, f, "http-events.txt", "Event[1]:");
    fixes(
        f,
        &format!("`netsh http show sslcert ipport=0.0.0.0:443` and `certutil -store my {TH}`"),
    );
    let f = one(&all, "binding-deleted-event", "endpoint 0.0.0.0:8443");
    shows(case, f, "http-events.txt", "Event[2]:");
    fixes(
        f,
        &format!(
            "`netsh http add sslcert ipport=0.0.0.0:8443 certhash=<thumbprint> appid={IIS} certstorename=MY`"
        ),
    );
    let f = one(&all, "iplisten-excludes-address", "event 15005 (once, ");
    assert!(f.message.contains("10.20.30.40:443"), "{}", f.message);
    shows(case, f, "http-events.txt", "Event[3]:");
    fixes(
        f,
        "`netsh http delete iplisten ipaddress=10.20.30.40`, then `net stop http /y` and `net start w3svc`",
    );
}

#[test]
fn host_rules_schannel_events_each_format_each_meaning() {
    let case = "rule-schannel-events";
    let (snap, all) = exactly(case);
    // wevtutil text ×5, the Event Viewer copy once (its XML is part of it),
    // the 36871 XML once.
    assert_eq!(snap.events.len(), 7, "{:#?}", snap.events);
    let f = one(&all, "no-shared-cipher", "event 36874 (3 times, ");
    assert!(f.message.contains("TLS 1.0 clients"), "{}", f.message);
    shows(case, f, "schannel-events.txt", "Event[0]:");
    assert_eq!(f.evidence.len(), 3);
    fixes(
        f,
        "`Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`",
    );
    let f = one(&all, "certificate-rejected", "event 36887 (once, ");
    assert!(f.message.contains("unknown_ca (48)"), "{}", f.message);
    shows(case, f, "event-36887.txt", "Log Name:");
    fixes(f, "`certutil -verifystore my <thumbprint>`");
    // The 2012 R2 wording: "fatal error code is 40 … error state is 1205".
    let f = one(&all, "no-shared-cipher", "event 36888 (once, ");
    assert!(
        f.message
            .contains("handshake_failure (40) sent by this server, error state 1205"),
        "{}",
        f.message
    );
    shows(case, f, "schannel-events.txt", "Event[1]:");
    fixes(f, "`Get-TlsCipherSuite`");
    let f = one(&all, "client-protocol-disabled", "with error state 10013");
    shows(case, f, "schannel-36871.xml", "<Event xmlns=");
    fixes(
        f,
        r#"`reg add "HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f`"#,
    );
    fixes(
        f,
        &format!(r#"`reg add "{HKLM_PROTOCOLS}\TLS 1.2\Client" /v Enabled /t REG_DWORD /d 1 /f`"#),
    );
    let f = one(&all, "handshake-error-event", "unexpected_message (10)");
    shows(case, f, "schannel-events.txt", "Event[4]:");
}

#[test]
fn host_rules_tls13_client_certificate_on_server_2022() {
    let case = "rule-tls13-client-certificate";
    let (snap, all) = exactly(case);
    let os = snap.os.as_ref().unwrap();
    assert_eq!(
        (os.build, os.name.as_deref()),
        (
            Some(20348),
            Some("Microsoft Windows Server 2022 Datacenter")
        )
    );
    let f = one(&all, "tls13-client-certificate", "Schannel 36877, 2 times");
    shows(
        case,
        f,
        "netsh-http-show-sslcert.txt",
        "IP:port                      : 0.0.0.0:443",
    );
    shows(case, f, "schannel-events.txt", "Event[0]:");
    fixes(
        f,
        &format!(
            "`netsh http add sslcert ipport=0.0.0.0:443 certhash={TH} appid={IIS} clientcertnegotiation=enable`"
        ),
    );
    fixes(f, "`disabletls13=enable`");
    let l = one(&all, "legacy-protocol", "TLS 1.0, TLS 1.1");
    shows(
        case,
        l,
        "systeminfo.txt",
        "OS Version:                10.0.20348 N/A Build 20348",
    );
}

// ---- SCHANNEL registry ----------------------------------------------------

#[test]
fn host_rules_tls13_unsupported_os_once_for_the_protocol() {
    let case = "rule-tls13-unsupported-os";
    let (_, all) = exactly(case);
    let f = one(&all, "tls13-unsupported-os", "build 17763");
    assert_eq!(f.evidence.len(), 3);
    shows(
        case,
        f,
        "schannel.reg",
        &format!(r"[{SCH}\Protocols\TLS 1.3]"),
    );
    fixes(f, &format!(r#"`reg delete "{SCH}\Protocols\TLS 1.3" /f`"#));
}

#[test]
fn host_rules_registry_wrong_type_in_both_reg_file_flavours() {
    let case = "rule-registry-wrong-type";
    let (snap, all) = exactly(case);
    let enc = |name: &str| snap.files.iter().find(|f| f.name == name).unwrap().encoding;
    assert_eq!(enc("disable-tls10.reg"), Encoding::Utf8);
    assert_eq!(enc("ssl3-aus.reg"), Encoding::Windows1252);
    for (file, proto) in [
        ("disable-tls10.reg", "TLS 1.0"),
        ("ssl3-aus.reg", "SSL 3.0"),
    ] {
        let f = one(
            &all,
            "registry-wrong-type",
            &format!(r"\{proto}\Server is not a REG_DWORD"),
        );
        shows(case, f, file, r#""Enabled"="0""#);
        fixes(
            f,
            &format!(
                r#"`reg add "{SCH}\Protocols\{proto}\Server" /v Enabled /t REG_DWORD /d 0 /f`"#
            ),
        );
    }
}

#[test]
fn host_rules_registry_unknown_key_typo_and_values_on_protocol_key() {
    let case = "rule-registry-unknown-key";
    let (_, all) = exactly(case);
    let f = one(&all, "registry-unknown-key", "`TLS1.2` (meant `TLS 1.2`?)");
    assert!(
        f.message.contains(&format!(r"under {SCH}\Protocols:")),
        "{}",
        f.message
    );
    shows(case, f, "get-childitem-protocols.txt", "TLS1.2");
    fixes(
        f,
        &format!(
            r#"`reg copy "{SCH}\Protocols\TLS1.2" "{SCH}\Protocols\TLS 1.2" /s /f` and `reg delete "{SCH}\Protocols\TLS1.2" /f`"#
        ),
    );
    let f = one(&all, "registry-unknown-key", "`Enabled` under");
    shows(
        case,
        f,
        "get-childitem-protocols.txt",
        "TLS 1.2                        Enabled           : 1",
    );
    fixes(
        f,
        &format!(r#"`reg add "{SCH}\Protocols\TLS 1.2\Server" /v Enabled /t REG_DWORD /d 1 /f`"#),
    );
    fixes(
        f,
        &format!(r#"`reg delete "{SCH}\Protocols\TLS 1.2" /v Enabled /f`"#),
    );
    let f = one(&all, "registry-unknown-key", "`DisabledByDefault` under");
    shows(
        case,
        f,
        "get-childitem-protocols.txt",
        "DisabledByDefault : 0",
    );
}

#[test]
fn host_rules_registry_nonstandard_value_from_reg_query() {
    let case = "rule-registry-nonstandard-value";
    let (_, all) = exactly(case);
    let f = one(&all, "registry-nonstandard-value", "2 `Enabled` value(s)");
    shows(
        case,
        f,
        "reg-query-schannel.txt",
        "Enabled    REG_DWORD    0xffffffff",
    );
    assert_eq!(f.evidence.len(), 2);
    fixes(
        f,
        &format!(r#"`reg add "{HKLM_PROTOCOLS}\TLS 1.2\Server" /v Enabled /t REG_DWORD /d 1 /f`"#),
    );
}

#[test]
fn host_rules_protocol_half_disabled_names_both_protocols() {
    let case = "rule-protocol-half-disabled";
    let (_, all) = exactly(case);
    let f = one(
        &all,
        "protocol-half-disabled",
        r"TLS 1.0\Server (Enabled=0x0, DisabledByDefault=0x0), TLS 1.1\Server (Enabled=0x1, DisabledByDefault=0x1)",
    );
    shows(
        case,
        f,
        "reg-query-protocols.txt",
        "DisabledByDefault    REG_DWORD    0x1",
    );
    fixes(
        f,
        &format!(
            r#"`reg add "{HKLM_PROTOCOLS}\TLS 1.1\Server" /v DisabledByDefault /t REG_DWORD /d 1 /f`"#
        ),
    );
}

#[test]
fn host_rules_schannel_logging_off_from_reg_query_without_s() {
    let case = "rule-schannel-logging-off";
    let (snap, all) = exactly(case);
    assert_eq!(snap.registry.keys.len(), 6);
    let f = one(&all, "schannel-logging-off", "`EventLogging` is 0");
    shows(
        case,
        f,
        "reg-query-schannel.txt",
        "EventLogging    REG_DWORD    0x0",
    );
    fixes(
        f,
        r#"`reg add "HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL" /v EventLogging /t REG_DWORD /d 1 /f`"#,
    );
}

#[test]
fn host_rules_client_protocol_disabled_from_powershell_table() {
    let case = "rule-client-protocol-disabled";
    let (_, all) = exactly(case);
    let f = one(
        &all,
        "client-protocol-disabled",
        r"TLS 1.2\Client disabled (Enabled=0x0)",
    );
    shows(
        case,
        f,
        "get-childitem-protocols.txt",
        "Client                         Enabled           : 0",
    );
    fixes(
        f,
        &format!(r#"`reg add "{HKLM_PROTOCOLS}\TLS 1.2\Client" /v Enabled /t REG_DWORD /d 1 /f`"#),
    );
    one(
        &all,
        "protocol-half-disabled",
        "Client and Server settings differ: TLS 1.2",
    );
}

#[test]
fn host_rules_protocol_disabled_all_on_server_2016() {
    let case = "rule-protocol-disabled-all";
    let (_, all) = exactly(case);
    let f = one(&all, "protocol-disabled", "no protocol at all");
    shows(case, f, "schannel.reg", r#""Enabled"=dword:00000000"#);
    fixes(
        f,
        &format!(r#"`reg add "{HKLM_PROTOCOLS}\TLS 1.2\Server" /v Enabled /t REG_DWORD /d 1 /f`"#),
    );
}

// ---- Cipher suites --------------------------------------------------------

#[test]
fn host_rules_no_usable_cipher_suite_ecdsa_only_and_switches_off() {
    let case = "rule-no-usable-cipher-suite";
    let (snap, all) = exactly(case);
    assert_eq!(snap.cipher_suites.as_ref().map(|l| l.suites.len()), Some(4));
    let f = one(&all, "no-usable-cipher-suite", "only ECDSA suites");
    shows(
        case,
        f,
        "get-tlsciphersuite.txt",
        "Name                  : TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    );
    fixes(
        f,
        "`Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`",
    );
    let f = one(
        &all,
        "no-usable-cipher-suite",
        "every key exchange (PKCS, ECDH, Diffie-Hellman)",
    );
    shows(
        case,
        f,
        "reg-query-keyexchange.txt",
        "Enabled    REG_DWORD    0x0",
    );
    assert_eq!(f.evidence.len(), 3);
    for k in ["PKCS", "ECDH", "Diffie-Hellman"] {
        fixes(
            f,
            &format!(r#"`reg delete "{SCH}\KeyExchangeAlgorithms\{k}" /f`"#),
        );
    }
}

#[test]
fn host_rules_no_usable_cipher_suite_tls13_policy_on_2019() {
    let case = "rule-no-usable-cipher-suite-tls13-only";
    let (_, all) = exactly(case);
    let f = one(&all, "no-usable-cipher-suite", "policy cipher-suite list");
    shows(
        case,
        f,
        "reg-query-policy.txt",
        "Functions    REG_SZ    TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256",
    );
    fixes(
        f,
        r#"`reg add "HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002" /v Functions /t REG_SZ /d "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256" /f`"#,
    );
}

#[test]
fn host_rules_cipher_suite_policy_long_wrapped_list_with_a_typo() {
    let case = "rule-cipher-suite-policy";
    let (snap, all) = exactly(case);
    // The wrapped Format-List value is read whole.
    let v = snap
        .registry
        .value(
            r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002",
            "Functions",
        )
        .unwrap();
    let tlstriage::host::RegData::Sz(list) = &v.data else {
        panic!("{v:?}")
    };
    assert!(
        list.len() > 1023 && list.ends_with("TLS_RSA_WITH_NULL_SHA"),
        "{list}"
    );
    let f = one(&all, "cipher-suite-policy", "keeps only 1,023");
    assert!(
        f.message.contains("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA386"),
        "{}",
        f.message
    );
    shows(
        case,
        f,
        "get-itemproperty-policy.txt",
        "Functions    : TLS_AES_256_GCM_SHA384,",
    );
    fixes(f, "SSL Configuration Settings");
}

#[test]
fn host_rules_http2_cipher_order_from_multi_sz_and_clixml() {
    let case = "rule-http2-cipher-order";
    let (snap, all) = exactly(case);
    let kinds: Vec<Kind> = snap
        .files
        .iter()
        .flat_map(|f| f.sections.iter().map(|(k, _)| *k))
        .collect();
    assert_eq!(kinds, [Kind::Clixml, Kind::RegQuery]);
    let f = one(
        &all,
        "http2-cipher-order",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    );
    shows(
        case,
        f,
        "reg-query-local-functions.txt",
        "Functions    REG_MULTI_SZ    TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384\\0",
    );
    fixes(
        f,
        "`Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0`",
    );
}

// ---- Client side ------------------------------------------------------------

#[test]
fn host_rules_dotnet_legacy_tls_and_differing_views() {
    let case = "rule-dotnet-legacy-tls";
    let (_, all) = exactly(case);
    let f = one(&all, "dotnet-legacy-tls", "TLS 1.0/1.1 are off");
    shows(
        case,
        f,
        "dotnet-v4.reg",
        r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\.NETFramework\v4.0.30319]",
    );
    for view in ["", r"WOW6432Node\"] {
        for name in ["SchUseStrongCrypto", "SystemDefaultTlsVersions"] {
            fixes(
                f,
                &format!(
                    r#"`reg add "HKLM\SOFTWARE\{view}Microsoft\.NETFramework\v4.0.30319" /v {name} /t REG_DWORD /d 1 /f`"#
                ),
            );
        }
    }
    let f = one(&all, "dotnet-legacy-tls", "`SchUseStrongCrypto` differs");
    shows(
        case,
        f,
        "dotnet-v4-wow6432node.reg",
        r#""SchUseStrongCrypto"=dword:00000001"#,
    );
    shows(
        case,
        f,
        "dotnet-v4.reg",
        r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\.NETFramework\v4.0.30319]",
    );
    fixes(
        f,
        r#"`reg add "HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f`"#,
    );
}

#[test]
fn host_rules_winhttp_legacy_tls_on_server_2012() {
    let case = "rule-winhttp-legacy-tls";
    let (_, all) = exactly(case);
    let f = one(&all, "winhttp-legacy-tls", "is 0x280 (TLS 1.0, TLS 1.1)");
    shows(case, f, "ver.txt", "Microsoft Windows [Version 6.2.9200]");
    shows(
        case,
        f,
        "reg-query-winhttp.txt",
        "DefaultSecureProtocols    REG_DWORD    0x280",
    );
    fixes(
        f,
        r#"`reg add "HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp" /v DefaultSecureProtocols /t REG_DWORD /d 0xA80 /f`"#,
    );
}

#[test]
fn host_rules_fips_mode_from_reg_query() {
    let case = "rule-fips-mode";
    let (_, all) = exactly(case);
    let f = one(&all, "fips-mode", "FIPS algorithm policy is on");
    shows(case, f, "reg-query-fips.txt", "Enabled    REG_DWORD    0x1");
    fixes(
        f,
        r#"`reg add "HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy" /v Enabled /t REG_DWORD /d 0 /f`"#,
    );
}

// ---- Localized exports ----------------------------------------------------

#[test]
fn host_rules_localized_german_warns_and_never_finds() {
    let case = "localized-german";
    let (snap, all) = exactly(case);
    assert!(all.is_empty(), "{all:#?}");
    assert!(snap.certs.is_empty() && snap.sockets.is_empty() && !snap.netstat_seen);
    let enc = |name: &str| snap.files.iter().find(|f| f.name == name).unwrap().encoding;
    assert_eq!(enc("certutil-store-my.txt"), Encoding::Utf16LeBom);
    assert_eq!(enc("netstat-ano.txt"), Encoding::Windows1252);
    let warned: BTreeSet<&str> = snap
        .warnings
        .iter()
        .filter(|w| w.message.starts_with("localized (non-English) output"))
        .map(|w| w.at.file.as_str())
        .collect();
    assert_eq!(
        warned,
        BTreeSet::from(["certutil-store-my.txt", "netstat-ano.txt"])
    );
}
