//! The host report: what was read of a Windows server and what is wrong
//! with it, as one JSON line (`"type": "host"`) or as text.

use std::fmt::Write as _;

use colored::Colorize;
use serde::Serialize;

use crate::diagnose::{Finding, Severity};
use crate::host::{OsInfo, Snapshot, SourceFile, Warning};

/// How many facts of each kind were read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Facts {
    /// `netsh http show sslcert` records.
    pub bindings: usize,
    /// `netsh http show iplisten` entries (null: not supplied).
    pub ip_listen: Option<usize>,
    /// netstat sockets (null: not supplied).
    pub sockets: Option<usize>,
    /// Registry keys.
    pub registry_keys: usize,
    /// Certificates.
    pub certificates: usize,
    /// Chain verifications.
    pub chain_checks: usize,
    /// Events.
    pub events: usize,
    /// Cipher suites listed by `Get-TlsCipherSuite` (null: not supplied).
    pub cipher_suites: Option<usize>,
}

/// One host's report.
#[derive(Debug, Clone, Serialize)]
pub struct HostReport<'a> {
    /// Always "host".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// What was read: the folder or files as given, or `live`.
    pub source: &'a str,
    /// Windows version, when shown.
    pub os: Option<&'a OsInfo>,
    /// Whether collected elevated, when known.
    pub elevated: Option<bool>,
    /// Time the facts are judged at (RFC 3339 UTC).
    pub judged_at: Option<String>,
    /// Files read and what was recognised in each.
    pub files: &'a [SourceFile],
    /// Counts of facts.
    pub facts: Facts,
    /// Findings, errors first.
    pub findings: &'a [Finding],
    /// What could not be read.
    pub warnings: &'a [Warning],
}

impl<'a> HostReport<'a> {
    /// The report of `snap` with its `findings`.
    pub fn new(source: &'a str, snap: &'a Snapshot, findings: &'a [Finding]) -> Self {
        HostReport {
            kind: "host",
            source,
            os: snap.os.as_ref(),
            elevated: snap.elevated,
            judged_at: snap.captured_at.map(super::rfc3339_seconds),
            files: &snap.files,
            facts: Facts {
                bindings: snap.bindings.len(),
                ip_listen: snap.ip_listen.as_ref().map(Vec::len),
                sockets: snap.netstat_seen.then_some(snap.sockets.len()),
                registry_keys: snap.registry.keys.len(),
                certificates: snap.certs.len(),
                chain_checks: snap.chain_checks.len(),
                events: snap.events.len(),
                cipher_suites: snap.cipher_suites.as_ref().map(|l| l.suites.len()),
            },
            findings,
            warnings: &snap.warnings,
        }
    }

    /// Text for people.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let os = self
            .os
            .map(|o| {
                let name = o
                    .name
                    .as_deref()
                    .or_else(|| o.build.and_then(crate::host::os::product))
                    .unwrap_or("Windows");
                match o.build {
                    Some(b) => format!(" — {name} (build {b})"),
                    None => format!(" — {name}"),
                }
            })
            .unwrap_or_default();
        let _ = writeln!(s, "{} {}{os}", "Host".bold(), self.source,);
        let kinds: Vec<String> = {
            let mut k: Vec<String> = self
                .files
                .iter()
                .flat_map(|f| f.sections.iter().map(|(k, _)| kind_name(*k)))
                .map(str::to_string)
                .collect();
            k.sort();
            k.dedup();
            k
        };
        let _ = writeln!(
            s,
            "  {} file{} read: {}",
            self.files.len(),
            if self.files.len() == 1 { "" } else { "s" },
            if kinds.is_empty() {
                "nothing recognised".to_string()
            } else {
                kinds.join(", ")
            }
        );
        let count = |sev| self.findings.iter().filter(|f| f.severity == sev).count();
        let (e, w, i) = (
            count(Severity::Error),
            count(Severity::Warning),
            count(Severity::Info),
        );
        if self.findings.is_empty() {
            let _ = writeln!(s, "  {}", "no problem found in what was supplied".green());
        } else {
            let _ = writeln!(s, "  {e} error(s), {w} warning(s), {i} note(s)");
        }
        for f in self.findings {
            s.push('\n');
            super::text::write_finding(&mut s, f);
        }
        if !self.warnings.is_empty() {
            let _ = writeln!(s, "\n  {}", "Not read:".yellow());
            for w in self.warnings {
                let _ = writeln!(s, "    {}:{}  {}", w.at.file, w.at.line, w.message);
            }
        }
        s
    }
}

/// A section kind in a few words.
pub fn kind_name(k: crate::host::Kind) -> &'static str {
    use crate::host::Kind;
    match k {
        Kind::SslCert => "netsh sslcert",
        Kind::IpListen => "netsh iplisten",
        Kind::Netstat => "netstat",
        Kind::RegQuery => "reg query",
        Kind::RegExport => ".reg export",
        Kind::PsRegistry => "PowerShell registry",
        Kind::Certutil => "certutil store",
        Kind::CertutilVerify => "certutil verify",
        Kind::PsCertList => "PowerShell certificates",
        Kind::EventText => "events (wevtutil text)",
        Kind::EventViewerText => "events (Event Viewer text)",
        Kind::EventXml => "events (XML)",
        Kind::CipherSuiteList => "Get-TlsCipherSuite",
        Kind::Clixml => "CLIXML",
        Kind::OsVersion => "OS version",
        Kind::Localized => "localized output (not parsed)",
    }
}
