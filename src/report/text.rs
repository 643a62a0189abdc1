//! Colored text for people: the summary first, then the failed handshakes
//! grouped by server and cause, each with its evidence and remedy.
//!
//! Memory stays bounded: each group keeps [`EXAMPLES_PER_GROUP`] rendered
//! examples and a count; at most [`MAX_GROUPS`] groups are kept in detail.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;

use colored::Colorize;

use super::{Record, Sink, Summary};
use crate::diagnose::{Code, Finding, Severity};
use crate::session::{Handshake, Outcome};

/// Examples shown per (server, cause) group.
pub const EXAMPLES_PER_GROUP: usize = 3;
/// Groups kept with examples.
pub const MAX_GROUPS: usize = 1_000;

struct Group {
    outcome: Outcome,
    server: String,
    code: Option<Code>,
    /// The first example's headline for the cause ("server offers at most
    /// TLS 1.0, clients require TLS 1.2+").
    headline: String,
    count: u64,
    first_frame: u64,
    examples: Vec<String>,
}

/// Failed first, then incomplete, then established handshakes with warnings.
fn outcome_rank(o: Outcome) -> u8 {
    match o {
        Outcome::Failed => 0,
        Outcome::Incomplete => 1,
        Outcome::Established => 2,
    }
}

/// 1004 → "1,004".
pub fn thousands(n: u64) -> String {
    let d = n.to_string();
    let mut out = String::with_capacity(d.len() + d.len() / 3);
    for (i, c) in d.chars().enumerate() {
        if i > 0 && (d.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Renders the text report.
pub struct TextReport<W: Write> {
    out: W,
    groups: Vec<Group>,
    index: HashMap<(Outcome, String, Option<Code>), usize>,
    dropped_groups: u64,
}

impl<W: Write> TextReport<W> {
    /// A report written to `out` when the summary arrives.
    pub fn new(out: W) -> Self {
        TextReport {
            out,
            groups: Vec::new(),
            index: HashMap::new(),
            dropped_groups: 0,
        }
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A short phrase per cause, for the rollup table.
pub fn cause_phrase(code: Option<Code>) -> &'static str {
    match code {
        Some(Code::VersionMismatch) => "no protocol version in common",
        Some(Code::NoSharedCipher) => "no cipher suite in common",
        Some(Code::NoSharedGroup) => "no key-exchange group in common",
        Some(Code::ResetAfterClientHello) => "server resets right after the ClientHello",
        Some(Code::ClosedAfterClientHello) => "server closes right after the ClientHello",
        Some(Code::NoServerResponse) => "server never answers",
        Some(Code::NonTlsResponse) => "something that is not TLS answers",
        Some(Code::CertificateRejected) => "client rejects the server's certificate",
        Some(Code::CertificateExpired) => "certificate expired",
        Some(Code::CertificateNameMismatch) => "certificate name mismatch",
        Some(Code::CertificateMissingServerAuthEku) => "certificate lacks Server Authentication",
        Some(Code::CertificateUntrusted) => "certificate chain not trusted",
        Some(Code::ClientCertificateRequired) => "client certificate required",
        Some(Code::CertificateNotYetValid) => "certificate not yet valid",
        Some(Code::CertificateChainOrder) => "certificate chain out of order",
        Some(Code::CertificateWeak) => "weak certificate key or signature",
        Some(Code::ClientCertificateRejected) => "server rejects the client's certificate",
        Some(Code::AlpnMismatch) => "no application protocol (ALPN) in common",
        Some(Code::InappropriateFallback) => "server refuses the client's downgraded retry",
        Some(Code::UnrecognizedName) => "server does not know the requested name",
        Some(Code::SniRequired) => "server needs SNI; hellos without it are refused",
        Some(Code::RenegotiationRefused) => "renegotiation refused",
        Some(Code::SecureRenegotiationMissing) => "server lacks secure renegotiation",
        Some(Code::HelloRetryRequest) => "HelloRetryRequest (extra round trip)",
        Some(Code::LegacyProtocol) => "legacy protocol in use",
        Some(Code::ServerAlert) => "server sends an alert",
        Some(Code::ClientAlert) => "client sends an alert",
        Some(Code::ClientAborted) => "client gives up after the ServerHello",
        Some(Code::ServerAborted) => "server gives up after its ServerHello",
        Some(Code::UnclassifiedFailure) => "fails for a reason the capture does not show",
        Some(Code::CaptureGap) => "packets missing from the capture",
        Some(Code::OneSidedCapture) => "only the client's packets were captured",
        Some(Code::MidStream) => "capture started after the handshake",
        Some(Code::CaptureEnded) => "capture ends before the handshake does",
        Some(Code::CertificateNoPrivateKey) => "certificate has no private key",
        Some(Code::PrivateKeyInaccessible) => "private key missing or not readable",
        Some(Code::PrivateKeyUnusable) => "private key corrupt or unusable",
        Some(Code::BindingCertificateMissing) => "binding names a certificate not in the store",
        Some(Code::PortConflict) => "another process owns the SSL port",
        Some(Code::PortNotListening) => "nothing listens on the SSL port",
        Some(Code::BindingEmptyHash) => "SSL binding without certificate",
        Some(Code::BindingZeroAppId) => "SSL binding with all-zero application ID",
        Some(Code::IpListenExcludes) => "IP listen list leaves out the address",
        Some(Code::SniOnlyBinding) => "only SNI bindings on the port",
        Some(Code::BindingCertificateDiffers) => "IP and wildcard bindings differ",
        Some(Code::BindingRejectsConnections) => "binding rejects connections",
        Some(Code::BindingDisablesProtocol) => "binding disables protocol versions",
        Some(Code::Tls13ClientCertificate) => "TLS 1.3 with late client-certificate request",
        Some(Code::BindingErrorEvent) => "HTTP.sys could not use a binding",
        Some(Code::BindingDeletedEvent) => "SSL binding deleted",
        Some(Code::ProtocolDisabled) => "protocol disabled in SCHANNEL",
        Some(Code::ClientProtocolDisabled) => "client-side protocol disabled",
        Some(Code::Tls13UnsupportedOs) => "TLS 1.3 keys on an OS without TLS 1.3",
        Some(Code::RegistryNonstandardValue) => "non-standard SCHANNEL value",
        Some(Code::RegistryWrongType) => "SCHANNEL value of the wrong type",
        Some(Code::RegistryUnknownKey) => "SCHANNEL key Windows ignores",
        Some(Code::ProtocolHalfDisabled) => "inconsistent SCHANNEL protocol settings",
        Some(Code::SchannelLoggingOff) => "Schannel logging off",
        Some(Code::NoUsableCipherSuite) => "no usable cipher suite",
        Some(Code::CipherSuitePolicy) => "cipher-suite policy drops suites",
        Some(Code::Http2CipherOrder) => "HTTP/2-incompatible first cipher suite",
        Some(Code::DotnetLegacyTls) => ".NET apps limited to old TLS",
        Some(Code::WinhttpLegacyTls) => "WinHTTP without TLS 1.2",
        Some(Code::FipsMode) => "FIPS policy on",
        Some(Code::HandshakeErrorEvent) => "Schannel handshake errors",
        None => "no cause identified",
    }
}

fn list<T: std::fmt::Display>(v: &[T], max: usize) -> String {
    let mut s: Vec<String> = v.iter().take(max).map(|x| x.to_string()).collect();
    if v.len() > max {
        s.push(format!("… {} more", v.len() - max));
    }
    s.join(", ")
}

fn frames_text(f: &[u64]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < f.len() {
        let start = f[i];
        let mut end = start;
        while i + 1 < f.len() && f[i + 1] == end + 1 {
            i += 1;
            end = f[i];
        }
        if !out.is_empty() {
            out.push_str(", ");
        }
        if end == start {
            let _ = write!(out, "{start}");
        } else {
            let _ = write!(out, "{start}–{end}");
        }
        i += 1;
    }
    out
}

/// "JA4 t13d…  JA3 771…" of the fingerprints there are, dimmed: a lookup
/// key for people, not evidence.
fn fingerprints(v: &[(&str, &Option<String>)]) -> Option<String> {
    let parts: Vec<String> = v
        .iter()
        .filter_map(|(k, f)| f.as_ref().map(|f| format!("{k} {f}")))
        .collect();
    (!parts.is_empty()).then(|| parts.join("  ").dimmed().to_string())
}

fn render_handshake(r: &Record<'_>) -> String {
    let h: &Handshake = r.handshake;
    let mut s = String::new();
    let mark = match h.outcome {
        Outcome::Established => "✓".green().bold(),
        Outcome::Failed => "✗".red().bold(),
        Outcome::Incomplete => "?".yellow().bold(),
    };
    let outcome = match h.outcome {
        Outcome::Established => "established".green(),
        Outcome::Failed => "FAILED".red().bold(),
        Outcome::Incomplete => "incomplete".yellow(),
    };
    let _ = writeln!(
        s,
        "{mark} {} → {}  {outcome}  (from frame {}, {}){}",
        h.client.to_string().bold(),
        h.server.to_string().bold(),
        h.first_frame,
        super::rfc3339(h.start),
        h.process
            .as_deref()
            .map(|p| format!("  process {p}"))
            .unwrap_or_default()
    );
    // Rows in frame order, whatever their kind.
    let mut rows: Vec<(u64, String)> = Vec::new();
    let mut row = |key: u64, what: &str, frame: String, text: String| {
        rows.push((key, format!("    {:<13} {:<11} {text}", what.cyan(), frame)));
    };
    if let Some(ch) = &h.client_hello {
        let mut t = format!(
            "{}, {} cipher suites",
            ch.offered_versions_text(),
            ch.cipher_suites.len()
        );
        if let Some(sni) = &ch.sni {
            let _ = write!(t, ", SNI {sni}");
        } else {
            t.push_str(", no SNI");
        }
        if !ch.alpn.is_empty() {
            let _ = write!(t, ", ALPN {}", ch.alpn.join("/"));
        }
        if ch.sslv2_format {
            t.push_str(", SSLv2 format");
        }
        row(
            ch.frame,
            "ClientHello",
            format!("frame {}", frames_text(&ch.frames)),
            t,
        );
        if ch.cipher_suites.len() <= 12 {
            row(ch.frame, "", String::new(), list(&ch.cipher_suites, 12));
        }
        if let Some(t) = fingerprints(&[("JA4", &ch.ja4), ("JA3", &ch.ja3)]) {
            row(ch.frame, "", String::new(), t);
        }
    }
    if let Some(hrr) = &h.hello_retry_request {
        row(
            hrr.frame,
            "HelloRetry",
            format!("frame {}", frames_text(&hrr.frames)),
            format!(
                "asks for group {}",
                hrr.group.map(|g| g.to_string()).unwrap_or("?".into())
            ),
        );
    }
    if let Some(ch2) = &h.retried_client_hello {
        row(
            ch2.frame,
            "ClientHello",
            format!("frame {}", frames_text(&ch2.frames)),
            format!(
                "again: {}, {} cipher suites, key share {}",
                ch2.offered_versions_text(),
                ch2.cipher_suites.len(),
                list(&ch2.key_share_groups, 3)
            ),
        );
    }
    if let Some(sh) = &h.server_hello {
        let mut t = match sh.cipher_suite {
            Some(c) => format!("{}, {c}", sh.version),
            None => sh.version.to_string(),
        };
        if let Some(a) = &sh.alpn {
            let _ = write!(t, ", ALPN {a}");
        }
        row(
            sh.frame,
            "ServerHello",
            format!("frame {}", frames_text(&sh.frames)),
            t,
        );
        if let Some(t) = fingerprints(&[("JA3S", &sh.ja3s)]) {
            row(sh.frame, "", String::new(), t);
        }
    }
    if let (Some(leaf), Some(f)) = (h.certificates.first(), h.certificate_frame) {
        row(
            f,
            "Certificate",
            format!("frame {f}"),
            format!(
                "{} (issuer {}), valid {} – {}",
                leaf.subject, leaf.issuer, leaf.not_before, leaf.not_after
            ),
        );
    }
    if let Some(nt) = &h.non_tls {
        row(
            nt.frame,
            "Not TLS",
            format!("frame {}", nt.frame),
            format!("{}: \"{}\"", nt.from.as_str(), {
                let p: String = nt.preview.chars().take(96).collect();
                if p.len() < nt.preview.len() {
                    p + "…"
                } else {
                    p
                }
            }),
        );
    }
    for a in &h.alerts {
        let t = if a.encrypted {
            format!("{}: encrypted alert", a.from.as_str())
        } else {
            format!(
                "{}: {} {}",
                a.from.as_str(),
                a.level.unwrap_or("?"),
                a.description.as_deref().unwrap_or("?")
            )
        };
        row(a.frame, "Alert", format!("frame {}", a.frame), t);
    }
    if let Some(t) = &h.termination {
        row(
            t.frame,
            if t.kind == "rst" { "Reset" } else { "Close" },
            format!("frame {}", t.frame),
            format!("{} sends {}", t.from.as_str(), t.kind.to_uppercase()),
        );
    }
    rows.sort_by_key(|r| r.0);
    for (_, line) in rows {
        let _ = writeln!(s, "{line}");
    }
    for f in r.findings {
        write_finding(&mut s, f);
    }
    s
}

/// A finding: severity and code (confidence, what the host says), message,
/// evidence (frames, host file lines), fixes.
pub(crate) fn write_finding(s: &mut String, f: &Finding) {
    let sev = match f.severity {
        Severity::Error => "error".red().bold(),
        Severity::Warning => "warning".yellow().bold(),
        Severity::Info => "info".blue().bold(),
    };
    let conf = f
        .confidence
        .map(|c| format!(" (confidence: {})", format!("{c:?}").to_lowercase()))
        .unwrap_or_default();
    let host = match f.host {
        Some(crate::diagnose::HostCheck::Confirmed) => {
            format!(" {}", "[confirmed by the host]".green().bold())
        }
        Some(crate::diagnose::HostCheck::Contradicted) => {
            format!(" {}", "[contradicted by the host]".yellow())
        }
        None => String::new(),
    };
    let _ = writeln!(s, "  {sev} {}{conf}{host}", f.code.as_str().bold());
    let _ = writeln!(s, "    {}", f.message);
    if !f.frames.is_empty() || f.evidence.is_empty() {
        let _ = writeln!(
            s,
            "    {} frames {}",
            "evidence:".dimmed(),
            frames_text(&f.frames)
        );
    }
    for (i, e) in f.evidence.iter().enumerate() {
        let label = if i == 0 && f.frames.is_empty() {
            "evidence:"
        } else {
            "     host:"
        };
        let _ = writeln!(
            s,
            "    {} {}:{}  {}",
            label.dimmed(),
            e.file,
            e.line,
            e.text
        );
    }
    for (i, rem) in f.remedies.iter().enumerate() {
        let label = if i == 0 { "fix:" } else { "    " };
        let _ = writeln!(s, "    {} {rem}", label.green());
    }
}

impl<W: Write> Sink for TextReport<W> {
    fn record(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        let h = r.handshake;
        let lead = if h.outcome == Outcome::Established {
            // Only established handshakes with something to warn about.
            match r.findings.iter().find(|f| f.severity == Severity::Warning) {
                Some(f) => Some(f),
                None => return Ok(()),
            }
        } else {
            r.cause().or_else(|| r.findings.first())
        };
        let code = lead.map(|f| f.code);
        let headline = match lead {
            Some(f) if !f.headline.is_empty() => f.headline.clone(),
            _ => cause_phrase(code).to_string(),
        };
        let key = (h.outcome, h.server.to_string(), code);
        let idx = match self.index.get(&key) {
            Some(&i) => i,
            None if self.groups.len() < MAX_GROUPS => {
                self.groups.push(Group {
                    outcome: h.outcome,
                    server: key.1.clone(),
                    code,
                    headline,
                    count: 0,
                    first_frame: h.first_frame,
                    examples: Vec::new(),
                });
                self.index.insert(key, self.groups.len() - 1);
                self.groups.len() - 1
            }
            None => {
                self.dropped_groups += 1;
                return Ok(());
            }
        };
        let g = &mut self.groups[idx];
        g.count += 1;
        if g.examples.len() < EXAMPLES_PER_GROUP {
            g.examples.push(render_handshake(r));
        }
        Ok(())
    }

    fn summary(&mut self, s: &Summary) -> std::io::Result<()> {
        let mut o = String::new();
        let _ = writeln!(o, "{} {}", "tlstriage".bold(), s.capture.bold());
        let span = match (&s.first_time, &s.last_time) {
            (Some(a), Some(b)) => format!(", {a} → {b}"),
            _ => String::new(),
        };
        let _ = writeln!(
            o,
            "  {}{} · {} · {}{span}",
            s.format.unwrap_or("?"),
            s.compression
                .map(|c| format!(" ({c}-compressed)"))
                .unwrap_or_default(),
            if s.link_types.is_empty() {
                "no packets".to_string()
            } else {
                s.link_types.join(", ")
            },
            plural(s.frames, "frame", "frames"),
        );
        if let Some(d) = &s.damage {
            let _ = writeln!(
                o,
                "  {} capture damaged at byte offset {} (frame {}): {} — everything before it was analyzed.",
                "!".red().bold(),
                d.offset,
                d.frame,
                d.message
            );
        }
        let get = |k: &str| s.outcomes.get(k).copied().unwrap_or(0);
        let (est, fail, inc) = (get("established"), get("failed"), get("incomplete"));
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{}: {} established, {} failed, {} incomplete",
            plural(s.handshakes, "TLS handshake", "TLS handshakes").bold(),
            est.to_string().green(),
            if fail > 0 {
                fail.to_string().red().bold()
            } else {
                fail.to_string().normal()
            },
            inc.to_string().yellow(),
        );
        if s.handshakes == 0 {
            let _ = writeln!(
                o,
                "  No ClientHello in this capture ({} TCP frames). Was it captured on the right interface and port, before the client connected?",
                s.tcp_frames
            );
        }
        let mut groups: Vec<&Group> = self.groups.iter().collect();
        groups.sort_by(|a, b| {
            outcome_rank(a.outcome)
                .cmp(&outcome_rank(b.outcome))
                .then(b.count.cmp(&a.count))
                .then(a.first_frame.cmp(&b.first_frame))
        });
        let ok: Vec<&super::ServerRollup> =
            s.servers.iter().filter(|r| r.established > 0).collect();
        if !ok.is_empty() {
            let _ = writeln!(o, "\n{}", "Established, by server:".bold());
            for r in ok.iter().take(20) {
                let what: Vec<String> = r
                    .negotiated
                    .iter()
                    .take(3)
                    .map(|n| match n.cipher_suite {
                        Some(c) => format!("{} {c} ×{}", n.version, n.count),
                        None => format!("{} ×{}", n.version, n.count),
                    })
                    .collect();
                let _ = writeln!(
                    o,
                    "  {:<24} {:>6} of {:<6} {}",
                    r.server.bold(),
                    r.established,
                    r.handshakes,
                    what.join(", ")
                );
            }
            if ok.len() > 20 {
                let _ = writeln!(o, "  … and {} more servers", ok.len() - 20);
            }
        }
        for (outcome, title, verb) in [
            (
                Outcome::Failed,
                "Failed, by server and cause (largest first):",
                "failed",
            ),
            (
                Outcome::Incomplete,
                "Incomplete, by server and reason:",
                "incomplete",
            ),
            (
                Outcome::Established,
                "Established, with warnings:",
                "with warnings",
            ),
        ] {
            let gs: Vec<&&Group> = groups.iter().filter(|g| g.outcome == outcome).collect();
            if gs.is_empty() {
                continue;
            }
            let _ = writeln!(o, "\n{}", title.bold());
            for g in &gs {
                let total = s
                    .servers
                    .iter()
                    .find(|r| r.server == g.server)
                    .map(|r| r.handshakes)
                    .unwrap_or(g.count);
                let _ = writeln!(
                    o,
                    "  {} — {} of {} {} {verb}: {}  {}",
                    g.server.bold(),
                    thousands(g.count),
                    thousands(total),
                    if total == 1 {
                        "handshake"
                    } else {
                        "handshakes"
                    },
                    g.headline,
                    format!("[{}]", g.code.map(|c| c.as_str()).unwrap_or("-")).dimmed()
                );
            }
        }
        for g in groups {
            let _ = writeln!(o);
            for ex in &g.examples {
                let _ = writeln!(o, "{ex}");
            }
            if g.count > g.examples.len() as u64 {
                let _ = writeln!(
                    o,
                    "  … and {} more like this to {} ({}); --format json lists every one.\n",
                    g.count - g.examples.len() as u64,
                    g.server,
                    g.code.map(|c| c.as_str()).unwrap_or("no cause")
                );
            }
        }
        if self.dropped_groups > 0 {
            let _ = writeln!(
                o,
                "  ({} more handshakes in groups beyond the first {MAX_GROUPS}; see --format json.)",
                self.dropped_groups
            );
        }
        let st = &s.stream;
        let mut facts = Vec::new();
        if st.gaps > 0 {
            facts.push(format!("{} gaps ({} bytes missing)", st.gaps, st.gap_bytes));
        }
        if st.midstream > 0 {
            facts.push(format!("{} connections picked up mid-stream", st.midstream));
        }
        if st.evicted > 0 {
            facts.push(format!("{} connections evicted (cap)", st.evicted));
        }
        if st.ooo_dropped_bytes > 0 {
            facts.push(format!(
                "{} out-of-order bytes dropped (cap)",
                st.ooo_dropped_bytes
            ));
        }
        if st.overlap_conflicts > 0 {
            facts.push(format!(
                "{} overlapping bytes differed from the first copy",
                st.overlap_conflicts
            ));
        }
        let d = &s.defrag;
        if d.fragments > 0 {
            let dropped = d.inconsistent_datagrams + d.timed_out + d.evicted + d.incomplete_at_end;
            facts.push(format!(
                "{} IP fragments: {} datagrams reassembled, {dropped} incomplete or dropped",
                d.fragments, d.reassembled
            ));
        }
        for a in &s.anomalies {
            facts.push(format!(
                "{} × {} (first in frame {})",
                a.count, a.kind, a.first_frame
            ));
        }
        facts.extend(s.notes.iter().cloned());
        if !facts.is_empty() {
            let _ = writeln!(o, "\n{}", "Capture notes:".bold());
            for f in facts {
                let _ = writeln!(o, "  - {f}");
            }
        }
        // The next capture (an archive's next member) starts afresh.
        self.groups.clear();
        self.index.clear();
        self.dropped_groups = 0;
        self.out.write_all(o.as_bytes())?;
        self.out.flush()
    }
}
