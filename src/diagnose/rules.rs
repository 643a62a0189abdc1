//! One small function per rule, listed in two tables.
//!
//! [`CAUSES`] are tried in order and the first that matches is the
//! handshake's cause; [`CONTEXT`] rules all apply. Each rule reads only the
//! [`Handshake`] and returns a [`Finding`] with the frames that prove it.

use super::{Code, Confidence, Ctx, Finding, Severity, certs, remedies};
use crate::session::{AlertFacts, Handshake, Outcome, Side, Tls13After};
use crate::stream::CloseReason;
use crate::tls::{AlertDescription, CipherSuite, ExtensionType, Version};

/// A cause rule: says why a handshake failed, or nothing.
pub struct Rule {
    /// The code it (usually) emits.
    pub code: Code,
    /// The check.
    pub check: fn(&Ctx<'_>) -> Option<Finding>,
}

/// A context rule: adds what else the capture shows about a handshake.
pub struct ContextRule {
    /// The code it (usually) emits.
    pub code: Code,
    /// The check; pushes its findings.
    pub check: fn(&Ctx<'_>, &mut Vec<Finding>),
}

/// Cause rules, most specific first; the first match wins.
pub const CAUSES: &[Rule] = &[
    Rule {
        code: Code::NonTlsResponse,
        check: non_tls_response,
    },
    Rule {
        code: Code::VersionMismatch,
        check: version_mismatch,
    },
    Rule {
        code: Code::InappropriateFallback,
        check: inappropriate_fallback,
    },
    Rule {
        code: Code::AlpnMismatch,
        check: alpn_mismatch,
    },
    Rule {
        code: Code::UnrecognizedName,
        check: unrecognized_name,
    },
    Rule {
        code: Code::ClientCertificateRequired,
        check: client_certificate,
    },
    Rule {
        code: Code::ClientCertificateRequired,
        check: tls13_client_certificate,
    },
    Rule {
        code: Code::NoSharedGroup,
        check: hello_retry_failed,
    },
    Rule {
        code: Code::NoSharedCipher,
        check: generic_refusal,
    },
    Rule {
        code: Code::CertificateUntrusted,
        check: certificate_rejected,
    },
    Rule {
        code: Code::CertificateRejected,
        check: tls13_certificate_rejected,
    },
    Rule {
        code: Code::ServerAlert,
        check: tls13_server_rejected_flight,
    },
    Rule {
        code: Code::SecureRenegotiationMissing,
        check: secure_renegotiation_missing,
    },
    Rule {
        code: Code::ServerAlert,
        check: server_alert,
    },
    Rule {
        code: Code::ClientAlert,
        check: client_alert,
    },
    Rule {
        code: Code::SniRequired,
        check: sni_required_dropped,
    },
    Rule {
        code: Code::ResetAfterClientHello,
        check: reset_after_client_hello,
    },
    Rule {
        code: Code::ClosedAfterClientHello,
        check: closed_after_client_hello,
    },
    Rule {
        code: Code::NoServerResponse,
        check: no_server_response,
    },
    Rule {
        code: Code::ClientAborted,
        check: aborted_after_server_hello,
    },
    Rule {
        code: Code::UnclassifiedFailure,
        check: unclassified_failure,
    },
];

/// Context rules; all that match apply.
pub const CONTEXT: &[ContextRule] = &[
    ContextRule {
        code: Code::OneSidedCapture,
        check: |cx, out| out.extend(one_sided_capture(cx)),
    },
    ContextRule {
        code: Code::CaptureGap,
        check: |cx, out| out.extend(capture_gap(cx)),
    },
    ContextRule {
        code: Code::MidStream,
        check: |cx, out| out.extend(mid_stream(cx)),
    },
    ContextRule {
        code: Code::CaptureEnded,
        check: |cx, out| out.extend(capture_ended(cx)),
    },
    ContextRule {
        code: Code::CertificateExpired,
        check: certificate_warnings,
    },
    ContextRule {
        code: Code::HelloRetryRequest,
        check: |cx, out| out.extend(hello_retry_request(cx)),
    },
    ContextRule {
        code: Code::LegacyProtocol,
        check: |cx, out| out.extend(legacy_protocol(cx)),
    },
];

// Alert descriptions (RFC 8446 §6.2, RFC 5246 §7.2, RFC 7507, RFC 7301).
const HANDSHAKE_FAILURE: u8 = 40;
const NO_CERTIFICATE: u8 = 41; // SSL 3.0
const CERTIFICATE_EXPIRED: u8 = 45;
const UNSUPPORTED_CERTIFICATE: u8 = 43;
const UNKNOWN_CA: u8 = 48;
const PROTOCOL_VERSION: u8 = 70;
const INSUFFICIENT_SECURITY: u8 = 71;
const INTERNAL_ERROR: u8 = 80;
const INAPPROPRIATE_FALLBACK: u8 = 86;
const NO_RENEGOTIATION: u8 = 100;
const UNRECOGNIZED_NAME: u8 = 112;
const CERTIFICATE_REQUIRED: u8 = 116;
const NO_APPLICATION_PROTOCOL: u8 = 120;

const TLS10: Version = Version(0x0301);
const TLS12: Version = Version(0x0303);
const TLS13: Version = Version(0x0304);
/// TLS_AES_128_GCM_SHA256, which every TLS 1.3 server must implement (RFC 8446 §9.1).
const TLS13_MANDATORY_SUITE: CipherSuite = CipherSuite(0x1301);
const RENEGOTIATION_INFO: ExtensionType = ExtensionType(0xff01); // RFC 5746 §3.2
const FALLBACK_SCSV: CipherSuite = CipherSuite(0x5600); // RFC 7507 §2

fn ch_frame(h: &Handshake) -> u64 {
    h.client_hello.as_ref().map(|c| c.frame).unwrap_or(0)
}

fn ch_frames(h: &Handshake) -> Vec<u64> {
    h.client_hello
        .as_ref()
        .map(|c| c.frames.clone())
        .unwrap_or_default()
}

fn failed(h: &Handshake) -> bool {
    h.outcome == Outcome::Failed
}

fn first_alert_from(h: &Handshake, side: Side) -> Option<&AlertFacts> {
    h.decisive_alert().filter(|a| a.from == side)
}

fn sni_text(h: &Handshake) -> String {
    match h.client_hello.as_ref().and_then(|c| c.sni.as_deref()) {
        Some(s) => format!(" for {s}"),
        None => String::new(),
    }
}

fn non_tls_response(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    let nt = h.non_tls.as_ref()?;
    if nt.from != Side::Server {
        return None;
    }
    let what = identify_service(&nt.raw);
    let mut frames = ch_frames(h);
    frames.push(nt.frame);
    let http = http_reply(&nt.raw);
    let shown = match &http {
        Some(r) => r.status.clone(),
        None => truncate(&nt.preview, 60),
    };
    // Who answered, when an HTTP server names itself.
    let (who, mut rem) = match http.as_ref().and_then(|r| r.server.as_deref()) {
        Some(s) if s.contains("Microsoft-HTTPAPI") => (
            format!(
                " The reply comes from HTTP.sys itself (Server: {s}): port {} is registered with HTTP.sys for plain http:// (an IIS site binding \"http\" on port {}, or a URL reservation), and no certificate is bound for https on this IP:port.",
                h.server.port(),
                h.server.port()
            ),
            remedies::httpsys_plain_http(h.server),
        ),
        Some(s) => (
            format!(
                " The reply names its server: {s}; it serves plain HTTP on port {}.",
                h.server.port()
            ),
            Vec::new(),
        ),
        None => (String::new(), Vec::new()),
    };
    rem.extend(remedies::port_conflict(h.server, what));
    Some(
        Finding::new(
            Code::NonTlsResponse,
            Severity::Error,
            if nt.frame < ch_frame(h) {
                format!(
                    "The server spoke first, with non-TLS data in frame {}: {} (\"{}\"), and the client's ClientHello (frame {}) went to a service that does not speak TLS on port {}.{who}",
                    nt.frame,
                    what,
                    shown,
                    ch_frame(h),
                    h.server.port()
                )
            } else {
                format!(
                    "The server answered the ClientHello (frame {}) with non-TLS data in frame {}: {} (\"{}\"): what listens on port {} does not speak TLS.{who}",
                    ch_frame(h),
                    nt.frame,
                    what,
                    shown,
                    h.server.port()
                )
            },
            frames,
        )
        .remedies(rem)
        .headline(format!("{what} answers on a TLS port")),
    )
}

/// An HTTP reply's status line and Server header.
struct HttpReply {
    status: String,
    server: Option<String>,
}

fn http_reply(b: &[u8]) -> Option<HttpReply> {
    if !b.starts_with(b"HTTP/") {
        return None;
    }
    let text = String::from_utf8_lossy(b);
    let mut lines = text.split("\r\n");
    let status = truncate(lines.next()?.trim(), 80);
    let server = lines.take_while(|l| !l.is_empty()).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case("server")
            .then(|| truncate(v.trim(), 60))
    });
    Some(HttpReply { status, server })
}

/// Names the service from its first bytes.
pub fn identify_service(b: &[u8]) -> &'static str {
    if b.starts_with(b"HTTP/") {
        "an HTTP response"
    } else if b.starts_with(b"SSH-") {
        "an SSH banner"
    } else if b.starts_with(b"220") {
        "an SMTP/FTP greeting"
    } else if b.starts_with(b"+OK") {
        "a POP3 greeting"
    } else if b.starts_with(b"* OK") {
        "an IMAP greeting"
    } else if b.first().is_some_and(|c| c.is_ascii_graphic()) {
        "plain text"
    } else {
        "binary non-TLS data"
    }
}

fn close_reason_text(r: CloseReason) -> &'static str {
    match r {
        CloseReason::Closed => "closed",
        CloseReason::IdleTimeout => "idle timeout",
        CloseReason::Evicted => "evicted to stay under the connection cap",
        CloseReason::PortReused => "its ports were reused by a new connection",
        CloseReason::EndOfCapture => "end of capture",
    }
}

/// "0.4 ms", "12 ms", "2.9 s".
fn duration(ns: i64) -> String {
    let ms = ns as f64 / 1e6;
    if ms < 10.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n).collect();
        t.push('…');
        t
    }
}

fn version_mismatch(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    let offered = ch.offered_versions_text();
    let (cmin, cmax) = ch.version_range();
    // Case 1: the server refuses every offered version with protocol_version.
    if let Some(a) = first_alert_from(h, Side::Server)
        && a.code == Some(PROTOCOL_VERSION)
        && h.server_hello.is_none()
    {
        let mut frames = ch_frames(h);
        frames.push(a.frame);
        // A client that offers TLS 1.2 or newer is modern: the server is the
        // old side. One that stops below TLS 1.2 is the old side.
        let seen = seen_versions(cx);
        let (msg, rem, headline) = if cmax >= TLS12 {
            let target = server_target(cmin, cmax);
            (
                format!(
                    "The client offered {offered} (frame {}) and the server refused with a protocol_version alert (frame {}, record version {}): none of the server's enabled protocols is in the client's range{seen} — enable {target} on the server.",
                    ch.frame, a.frame, a.record_version,
                ),
                remedies::enable_server_protocol(target),
                format!("server accepts none of {offered}; enable {target} on it"),
            )
        } else {
            let legacy = if cmax.0 <= 0x0300 {
                format!(
                    " {cmax} is broken (POODLE, RFC 7568) and disabled on every current server: the client must be updated."
                )
            } else {
                String::new()
            };
            (
                format!(
                    "The client offered only {offered} (frame {}) and the server refused with a protocol_version alert (frame {}): the server requires a newer protocol than the client has enabled{seen}.{legacy}",
                    ch.frame, a.frame
                ),
                remedies::enable_client_protocol(TLS12),
                format!("clients offer only {offered}; the server requires newer"),
            )
        };
        return Some(
            Finding::new(Code::VersionMismatch, Severity::Error, msg, frames)
                .remedies(rem)
                .headline(headline),
        );
    }
    // Case 3: the server picked a version the client will not use, and the
    // client aborted (protocol_version alert, or any abort when the client's
    // supported_versions proves the choice was outside its offer).
    let sh = h.server_hello.as_ref()?;
    let chosen = sh.version;
    let outside_offer = match cmin {
        Some(_) => !ch.supported_versions.contains(&chosen),
        None => false,
    };
    let client_alert = first_alert_from(h, Side::Client);
    let by_alert = client_alert.is_some_and(|a| a.code == Some(PROTOCOL_VERSION));
    let client_abort = client_alert.is_some()
        || h.termination.is_some_and(|t| t.from == Side::Client) && h.ccs[0].is_none();
    if by_alert || (outside_offer && client_abort) {
        let mut frames = ch_frames(h);
        frames.push(sh.frame);
        let how = match client_alert {
            Some(a) => {
                frames.push(a.frame);
                format!(
                    "the client aborted with a {} alert (frame {})",
                    a.description.as_deref().unwrap_or("fatal"),
                    a.frame
                )
            }
            None => {
                let t = h.termination?;
                frames.push(t.frame);
                format!(
                    "the client closed the connection ({} in frame {})",
                    t.kind.to_uppercase(),
                    t.frame
                )
            }
        };
        let lowest = match cmin {
            Some(v) => format!(" ({v})"),
            // Without supported_versions the client does not say its lowest
            // version; refusing the server's choice shows it is higher.
            None if chosen.0 >= 0x0300 && chosen.0 < 0x0304 => {
                format!(
                    " (it refuses {chosen}, so it needs {} or later)",
                    Version(chosen.0 + 1)
                )
            }
            None => String::new(),
        };
        let target = server_target(cmin, cmax);
        let msg = format!(
            "The client offered {offered} (frame {}); the server answered with a {chosen} ServerHello (frame {}) and {how}: the server's highest enabled protocol ({chosen}) is below the client's lowest{lowest} — enable {target} on the server.",
            ch.frame, sh.frame,
        );
        return Some(
            Finding::new(Code::VersionMismatch, Severity::Error, msg, frames)
                .remedies(remedies::enable_server_protocol(target))
                .headline(format!(
                    "server offers at most {chosen}, clients require {}",
                    match cmin {
                        Some(v) => format!("{v}+"),
                        None => format!("more than {chosen}"),
                    }
                )),
        );
    }
    None
}

/// ", while this server negotiated TLS 1.2 with 3 other clients (first in
/// frame 40)" — or nothing when the capture shows no other handshake.
fn seen_versions(cx: &Ctx<'_>) -> String {
    let v = &cx.server.versions;
    if v.is_empty() {
        return String::new();
    }
    let n: u64 = v.iter().map(|s| s.count).sum();
    let names: Vec<String> = v.iter().map(|s| s.value.to_string()).collect();
    let first = v.iter().map(|s| s.frame).min().unwrap_or(0);
    format!(
        " (this server negotiated {} with {n} other client{} in this capture, first in frame {first})",
        names.join(" and "),
        if n == 1 { "" } else { "s" }
    )
}

/// The protocol to enable on a server that is too old for a client offering
/// `min..=max`: TLS 1.2 when the client accepts it (every Windows server since
/// 2008 R2 can do it), else the client's highest.
fn server_target(min: Option<Version>, max: Version) -> Version {
    let tls12 = Version(0x0303);
    if min.is_none_or(|m| m <= tls12) && max >= tls12 {
        tls12
    } else {
        max
    }
}

/// A server refused the ClientHello with the generic handshake_failure (or
/// insufficient_security) before choosing anything. The alert alone does not
/// say which parameter failed, so every clue the capture holds is weighed:
/// what this server negotiated with other clients (its versions, suites and
/// groups), the highest version it chose over a higher offer, the record
/// version of its alert, SNI, and the client's whole offer.
fn generic_refusal(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) || h.server_hello.is_some() || h.hello_retry_request.is_some() {
        return None;
    }
    let a = first_alert_from(h, Side::Server)?;
    let ch = h.client_hello.as_ref()?;
    if a.code == Some(INTERNAL_ERROR)
        && ch.version_range().1 < TLS12
        && !cx
            .server
            .versions
            .iter()
            .any(|v| v.value <= ch.version_range().1)
    {
        let mut frames = ch_frames(h);
        frames.push(a.frame);
        return Some(old_client_refused(cx, a, frames));
    }
    if a.code != Some(HANDSHAKE_FAILURE) && a.code != Some(INSUFFICIENT_SECURITY) {
        return None;
    }
    let view = cx.server;
    let (cmin, cmax) = ch.version_range();
    let offered = ch.offered_versions_text();
    let alert_name = a.description.as_deref().unwrap_or("handshake_failure");
    let mut frames = ch_frames(h);
    frames.push(a.frame);
    let refused = format!(
        "The server refused the ClientHello (frame {}){} with a {alert_name} alert (frame {}) before choosing anything",
        ch.frame,
        sni_text(h),
        a.frame
    );
    let in_offer = |v: Version| v <= cmax && cmin.is_none_or(|m| v >= m);
    let suites: Vec<CipherSuite> = ch
        .cipher_suites
        .iter()
        .copied()
        .filter(|c| !c.is_signaling())
        .collect();

    // 1. No SNI, and the server serves only clients that send one.
    if ch.sni.is_none()
        && let Some(w) = view.with_sni
        && view.without_sni.is_none()
    {
        frames.push(w.frame);
        return Some(sni_required_finding(cx, &refused, w, frames));
    }

    // 2. The server's highest version is known from another handshake (it
    //    chose it over a higher offer), and it is below this client's range.
    if let Some(p) = view.proven_max()
        && p.value < cmax
        && cmin.is_none_or(|m| p.value < m)
        && (cmin.is_some() || !suites.iter().any(|c| c.runs_on(p.value)))
    {
        frames.push(p.frame);
        let why = match cmin {
            Some(m) => format!("the client's lowest is {m}"),
            None => format!(
                "none of the client's {} cipher suites runs on {}",
                suites.len(),
                p.value
            ),
        };
        let target = server_target(cmin, cmax);
        return Some(
            Finding::new(
                Code::VersionMismatch,
                Severity::Error,
                format!(
                    "{refused}. The same server chose {} for a client that offered more (frame {}), so {} is its highest enabled protocol, and {why}; the client offered {offered} — enable {target} on the server.",
                    p.value, p.frame, p.value
                ),
                frames,
            )
            .remedies(remedies::enable_server_protocol(target))
            .confidence(Confidence::High)
            .headline(format!(
                "server offers at most {}, clients require {}",
                p.value,
                cmin.map(|m| format!("{m}+"))
                    .unwrap_or_else(|| format!("more than {}", p.value))
            )),
        );
    }

    // 3. Everything this server negotiated with other clients is below this
    //    client's range, or runs none of its suites: the version is the
    //    problem (the other clients were older; this one is too new for it).
    let usable = |v: Version| in_offer(v) && suites.iter().any(|c| c.runs_on(v));
    if let Some(top) = view.versions.iter().max_by_key(|v| v.value)
        && top.value < cmax
        && !view.versions.iter().any(|v| usable(v.value))
    {
        frames.push(top.frame);
        // The alert's record version saying the same is a second clue.
        let agrees = a.record_version == top.value;
        let why = match cmin {
            Some(m) if top.value < m => format!("this client's lowest version is {m}"),
            _ => format!(
                "none of this client's {} cipher suites runs on {}",
                suites.len(),
                top.value
            ),
        };
        let target = server_target(cmin, cmax);
        let names: Vec<String> = view.versions.iter().map(|v| v.value.to_string()).collect();
        let n: u64 = view.versions.iter().map(|v| v.count).sum();
        return Some(
            Finding::new(
                Code::VersionMismatch,
                Severity::Error,
                format!(
                    "{refused}. The same server negotiated only {} with {} in this capture (frame {}){}, while {why} (it offered {offered}): the server's highest protocol is below what the client can use — enable {target} on the server.",
                    names.join(" and "),
                    if n == 1 {
                        "another client".to_string()
                    } else {
                        format!("{n} other clients")
                    },
                    top.frame,
                    if agrees {
                        format!(" and wrote its alert as a {} record", top.value)
                    } else {
                        String::new()
                    },
                ),
                frames,
            )
            .remedies(remedies::enable_server_protocol(target))
            .confidence(if agrees {
                Confidence::High
            } else {
                Confidence::Medium
            })
            .headline(format!(
                "server offers at most {} (as negotiated), clients need newer",
                top.value
            )),
        );
    }

    // 4. The server negotiated a version this client can use: the version
    //    is not the problem. Compare suites and groups with what it chose.
    let same_version: Vec<_> = view.versions.iter().filter(|v| usable(v.value)).collect();
    if let Some(v) = same_version.first() {
        let ok_suites: Vec<_> = view
            .suites
            .iter()
            .filter(|s| same_version.iter().any(|v| s.value.runs_on(v.value)))
            .collect();
        let shared = ok_suites.iter().any(|s| suites.contains(&s.value));
        if !ok_suites.is_empty() && !shared {
            frames.push(ok_suites[0].frame);
            let names: Vec<String> = ok_suites.iter().map(|s| s.value.to_string()).collect();
            return Some(
                Finding::new(
                    Code::NoSharedCipher,
                    Severity::Error,
                    format!(
                        "{refused}. The same server negotiated {} with other clients (first in frame {}) using {}, none of which this client offers ({}): no cipher suite in common.",
                        v.value,
                        v.frame,
                        names.join(", "),
                        suite_list(&suites)
                    ),
                    frames,
                )
                .remedies(remedies::cipher_mismatch())
                .confidence(Confidence::High)
                .headline(format!(
                    "no cipher suite in common (server uses {})",
                    names.join(", ")
                )),
            );
        }
        let tls13 = same_version.iter().any(|v| v.value == TLS13);
        if tls13
            && !view.groups.is_empty()
            && !view.groups.iter().any(|g| ch.groups.contains(&g.value))
        {
            frames.push(view.groups[0].frame);
            return Some(no_shared_group_finding(
                cx,
                &refused,
                Some(
                    &view
                        .groups
                        .iter()
                        .map(|g| g.value.to_string())
                        .collect::<Vec<_>>(),
                ),
                frames,
                Confidence::High,
            ));
        }
        // Same version and a suite in common: something else is refused.
        frames.push(v.frame);
        return Some(
            Finding::new(
                Code::ServerAlert,
                Severity::Error,
                format!(
                    "{refused}. The same server negotiated {} with other clients (first in frame {}){}, which this client offers too: the refusal is about something else in this ClientHello — its signature algorithms or groups against the server's certificate key, or a setting for this host name.",
                    v.value,
                    v.frame,
                    if ok_suites.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " with {}",
                            ok_suites
                                .iter()
                                .map(|s| s.value.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                ),
                frames,
            )
            .remedies(remedies::server_refused())
            .confidence(Confidence::Low)
            .headline("server refuses some clients' hellos (handshake_failure)"),
        );
    }

    // 5. Only this handshake: the record version of the alert. A server
    //    writes its alert in the highest version it speaks (OpenSSL,
    //    Schannel); one that could speak the client's version would have
    //    negotiated it. Some stacks echo the ClientHello's record version
    //    instead, so this is one clue; without SNI another reading is as
    //    likely (SNI-only servers refuse the same way).
    if ch.sni.is_some() && a.record_version.0 >= 0x0300 && a.record_version < cmax.min(TLS12) {
        let r = a.record_version;
        let target = server_target(cmin, cmax);
        let none_run = !suites.iter().any(|c| c.runs_on(r));
        let suites_clue = if none_run {
            format!(
                ", and none of the client's {} cipher suites exists before TLS 1.2",
                suites.len()
            )
        } else {
            String::new()
        };
        return Some(
            Finding::new(
                Code::VersionMismatch,
                Severity::Error,
                format!(
                    "{refused}, written as a {r} record: the server most likely speaks at most {r} while the client offered {offered}{suites_clue} — enable {target} on the server. (Some servers echo the client's record version; a capture with a successful handshake to this server would confirm.)",
                ),
                frames,
            )
            .remedies(remedies::enable_server_protocol(target))
            .confidence(Confidence::Medium)
            .headline(format!(
                "server likely offers at most {r}, clients require newer"
            )),
        );
    }

    // 6. A TLS 1.3-only offer that includes the suite every TLS 1.3 server
    //    must implement: the usual refusal is the key-exchange group.
    if cmin == Some(TLS13) && suites.contains(&TLS13_MANDATORY_SUITE) {
        return Some(no_shared_group_finding(
            cx,
            &refused,
            None,
            frames,
            Confidence::Medium,
        ));
    }

    // 7. A client whose highest version is below TLS 1.2, refused at once:
    //    current servers disable TLS 1.0/1.1 (OpenSSL 3 at its default
    //    security level cannot even sign for them).
    if cmax < TLS12 {
        return Some(old_client_refused(cx, a, frames));
    }

    // 8. Otherwise the most common reason: no cipher suite in common.
    let (confidence, sni_note, mut rem) = match &ch.sni {
        Some(_) => (Confidence::Medium, String::new(), Vec::new()),
        None => (
            Confidence::Low,
            " — or, since the ClientHello carries no SNI, the server needs the host name to pick a certificate (SNI-only bindings and CDNs refuse SNI-less hellos the same way)".to_string(),
            vec![format!(
                "Make the client send the host name (connect by name, not by IP), or give the server a default certificate for {}: on IIS a binding for 0.0.0.0:{} (`netsh http show sslcert ipport=0.0.0.0:{}`) besides the hostnameport ones.",
                h.server,
                h.server.port(),
                h.server.port()
            )],
        ),
    };
    rem.extend(remedies::cipher_mismatch());
    Some(
        Finding::new(
            Code::NoSharedCipher,
            Severity::Error,
            format!(
                "{refused}: most likely none of the client's {} cipher suites ({}) is enabled on the server{sni_note}.",
                suites.len(),
                suite_list(&suites),
            ),
            frames,
        )
        .remedies(rem)
        .confidence(confidence)
        .headline("no cipher suite in common (likely)"),
    )
}

/// A client that offers nothing newer than TLS 1.1, refused before the
/// server chose anything.
fn old_client_refused(cx: &Ctx<'_>, a: &AlertFacts, frames: Vec<u64>) -> Finding {
    let ch = cx.h.client_hello.as_ref();
    let offered = ch.map(|c| c.offered_versions_text()).unwrap_or_default();
    let frame = ch.map(|c| c.frame).unwrap_or(0);
    Finding::new(
        Code::VersionMismatch,
        Severity::Error,
        format!(
            "The client offered only {offered} (frame {frame}) and the server refused at once with {}: current servers disable TLS 1.0 and 1.1 (Windows since 2023 by default, OpenSSL 3 at its default security level, which answers with handshake_failure or internal_error rather than protocol_version){}.",
            alert_short(a),
            seen_versions(cx)
        ),
        frames,
    )
    .remedies(remedies::enable_client_protocol(TLS12))
    .confidence(Confidence::Medium)
    .headline(format!("clients offer only {offered}; the server requires newer"))
}

/// "A, B, C, D and 5 more".
fn suite_list(suites: &[CipherSuite]) -> String {
    let shown: Vec<String> = suites.iter().take(4).map(|c| c.to_string()).collect();
    if suites.len() > 4 {
        format!("{} and {} more", shown.join(", "), suites.len() - 4)
    } else {
        shown.join(", ")
    }
}

fn no_shared_group_finding(
    cx: &Ctx<'_>,
    refused: &str,
    server_groups: Option<&[String]>,
    frames: Vec<u64>,
    confidence: Confidence,
) -> Finding {
    let ch = cx.h.client_hello.as_ref();
    let groups: Vec<String> = ch
        .map(|c| c.groups.iter().map(|g| g.to_string()).collect())
        .unwrap_or_default();
    let shares: Vec<String> = ch
        .map(|c| c.key_share_groups.iter().map(|g| g.to_string()).collect())
        .unwrap_or_default();
    let server = match server_groups {
        Some(g) => format!(
            "; the same server used {} with other clients in this capture",
            g.join(", ")
        ),
        None => String::new(),
    };
    Finding::new(
        Code::NoSharedGroup,
        Severity::Error,
        format!(
            "{refused}: no key-exchange group in common — the client offers {} (key shares for {}){server}.",
            if groups.is_empty() {
                "no supported_groups".to_string()
            } else {
                groups.join(", ")
            },
            if shares.is_empty() {
                "none".to_string()
            } else {
                shares.join(", ")
            },
        ),
        frames,
    )
    .remedies(remedies::group_mismatch())
    .confidence(confidence)
    .headline("no key-exchange group in common")
}

fn sni_required_finding(
    cx: &Ctx<'_>,
    refused: &str,
    with_sni: super::knowledge::Seen<()>,
    frames: Vec<u64>,
) -> Finding {
    let port = cx.h.server.port();
    Finding::new(
        Code::SniRequired,
        Severity::Error,
        format!(
            "{refused}. The ClientHello carries no server name (SNI), and this server completed {} handshake{} with clients that sent one (first ClientHello in frame {}) but none without: it has a certificate only per host name (SNI binding) and no default for {}.",
            with_sni.count,
            if with_sni.count == 1 { "" } else { "s" },
            with_sni.frame,
            cx.h.server
        ),
        frames,
    )
    .remedies(remedies::sni_required(cx.h.server, port))
    .confidence(Confidence::High)
    .headline("server needs SNI; clients without it are refused")
}

/// The server reset or closed an SNI-less hello while serving SNI-bearing ones.
fn sni_required_dropped(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) || h.server_hello.is_some() || first_alert_from(h, Side::Server).is_some() {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    if ch.sni.is_some() {
        return None;
    }
    let t = h.termination?;
    if t.from != Side::Server {
        return None;
    }
    let w = cx.server.with_sni?;
    if cx.server.without_sni.is_some() {
        return None;
    }
    let mut frames = ch_frames(h);
    frames.push(t.frame);
    frames.push(w.frame);
    let refused = format!(
        "The server {} the connection (frame {}) {} after the ClientHello (frame {}) without a TLS message",
        if t.kind == "rst" { "reset" } else { "closed" },
        t.frame,
        duration(t.after_ns),
        ch.frame
    );
    Some(sni_required_finding(cx, &refused, w, frames))
}

/// A fatal alert with `code` from `side` that decided the handshake.
fn decisive_from(h: &Handshake, side: Side, code: u8) -> Option<&AlertFacts> {
    first_alert_from(h, side).filter(|a| a.code == Some(code))
}

fn inappropriate_fallback(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let a = decisive_from(h, Side::Server, INAPPROPRIATE_FALLBACK)?;
    let ch = h.client_hello.as_ref()?;
    let scsv = if ch.cipher_suites.contains(&FALLBACK_SCSV) {
        "with TLS_FALLBACK_SCSV in its cipher list"
    } else {
        "marked as a fallback"
    };
    let mut frames = ch_frames(h);
    frames.push(a.frame);
    Some(
        Finding::new(
            Code::InappropriateFallback,
            Severity::Error,
            format!(
                "The client retried with a lower protocol ({}, frame {}, {scsv}) after an earlier attempt failed, and the server refused the downgrade with an inappropriate_fallback alert (frame {}): it supports a higher version. This refusal is a symptom; the cause is whatever broke the client's first attempt (look for an earlier failed handshake from {} to this server).",
                ch.offered_versions_text(),
                ch.frame,
                a.frame,
                h.client.ip()
            ),
            frames,
        )
        .remedies(remedies::fallback())
        .headline("client fell back to an older protocol; server refused the downgrade"),
    )
}

fn alpn_mismatch(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let a = h
        .decisive_alert()
        .filter(|a| a.code == Some(NO_APPLICATION_PROTOCOL))?;
    let ch = h.client_hello.as_ref()?;
    let offered = if ch.alpn.is_empty() {
        "no ALPN protocols".to_string()
    } else {
        ch.alpn.join(", ")
    };
    let mut frames = ch_frames(h);
    frames.push(a.frame);
    let msg = match a.from {
        Side::Server => format!(
            "The client offered the application protocols {offered} (ALPN, frame {}) and the server supports none of them: it refused with a no_application_protocol alert (frame {}).",
            ch.frame, a.frame
        ),
        Side::Client => {
            let chosen = h
                .server_hello
                .as_ref()
                .and_then(|s| s.alpn.clone())
                .unwrap_or_else(|| "a protocol".to_string());
            format!(
                "The server chose the application protocol {chosen}, which the client (offering {offered}, frame {}) refused with a no_application_protocol alert (frame {}).",
                ch.frame, a.frame
            )
        }
    };
    Some(
        Finding::new(Code::AlpnMismatch, Severity::Error, msg, frames)
            .remedies(remedies::alpn(&ch.alpn))
            .headline(format!(
                "no application protocol in common (client offers {offered})"
            )),
    )
}

fn unrecognized_name(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let a = decisive_from(h, Side::Server, UNRECOGNIZED_NAME)?;
    let ch = h.client_hello.as_ref()?;
    let name = ch.sni.as_deref().unwrap_or("(no name)");
    let mut frames = ch_frames(h);
    frames.push(a.frame);
    Some(
        Finding::new(
            Code::UnrecognizedName,
            Severity::Error,
            format!(
                "The client asked for {name} (SNI, frame {}) and the server has no site or certificate for that name: it refused with an unrecognized_name alert (frame {}).",
                ch.frame, a.frame
            ),
            frames,
        )
        .remedies(remedies::unrecognized_name(name, h.server.port()))
        .headline(format!("server has no certificate for {name}")),
    )
}

/// TLS ≤ 1.2: the CertificateRequest, the client's Certificate and the
/// server's verdict are all in plaintext.
fn client_certificate(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let a = first_alert_from(h, Side::Server);
    let cc = h.client_certificate;
    let required_alert = a.is_some_and(|a| a.code == Some(CERTIFICATE_REQUIRED));
    let client_said_none = first_alert_from(h, Side::Client)
        .is_some_and(|a| a.code == Some(NO_CERTIFICATE))
        || h.alerts
            .iter()
            .any(|a| a.from == Side::Client && a.code == Some(NO_CERTIFICATE));
    let req = h.certificate_request_frame;
    if !required_alert && req.is_none() {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    let mut frames = ch_frames(h);
    frames.extend(req);
    frames.extend(cc.map(|c| c.frame));
    // The server's verdict: an alert, or a close after the client's flight.
    // A client that gives up when asked (its own alert, no Certificate).
    // Alerts about the server's own certificate or version are not this.
    let client_gave_up = first_alert_from(h, Side::Client).filter(|c| {
        cc.is_none()
            && a.is_none()
            && req.is_some_and(|r| c.frame >= r)
            && matches!(
                c.code,
                Some(HANDSHAKE_FAILURE | NO_CERTIFICATE | INTERNAL_ERROR | 90)
            )
    });
    let (verdict, verdict_frame) = match (a.or(client_gave_up), h.termination) {
        (Some(a), _) if a.from == Side::Client => (
            format!("the client ended it with {}", alert_short(a)),
            a.frame,
        ),
        (Some(a), _) => (alert_short(a), a.frame),
        (None, Some(t)) if t.from == Side::Server && cc.is_some_and(|c| t.frame > c.frame) => (
            format!(
                "a {} (frame {})",
                if t.kind == "rst" { "reset" } else { "close" },
                t.frame
            ),
            t.frame,
        ),
        _ => return None,
    };
    if cc.is_some_and(|c| verdict_frame < c.frame) {
        return None;
    }
    frames.push(verdict_frame);
    let req_text = match req {
        Some(f) => {
            format!("The server asked for a client certificate (CertificateRequest, frame {f})")
        }
        None => "The server requires a client certificate".to_string(),
    };
    match cc {
        Some(c) if c.certificates > 0 => Some(
            Finding::new(
                Code::ClientCertificateRejected,
                Severity::Error,
                format!(
                    "{req_text}; the client sent {} certificate{} (frame {}) and the server rejected it with {verdict}.",
                    c.certificates,
                    if c.certificates == 1 { "" } else { "s" },
                    c.frame
                ),
                frames,
            )
            .remedies(remedies::client_certificate_rejected())
            .headline("server rejects the client's certificate"),
        ),
        _ if client_gave_up.is_some() => Some(
            Finding::new(
                Code::ClientCertificateRequired,
                Severity::Error,
                format!(
                    "{req_text}; instead of a Certificate, {verdict}: it has no certificate the server would accept (one issued by a CA in the request's list) and gave up."
                ),
                frames,
            )
            .remedies(remedies::client_certificate_required())
            .confidence(Confidence::Medium)
            .headline("server requires a client certificate; clients give up"),
        ),
        _ if cc.is_some() || required_alert || client_said_none => Some(
            Finding::new(
                Code::ClientCertificateRequired,
                Severity::Error,
                format!(
                    "{req_text}; the client {} and the server ended the handshake with {verdict}: the site requires a client certificate the client does not have (or none issued by a CA the server accepts).",
                    match cc {
                        Some(c) => format!("answered with an empty Certificate (frame {})", c.frame),
                        None => "sent none".to_string(),
                    }
                ),
                frames,
            )
            .remedies(remedies::client_certificate_required())
            .headline("server requires a client certificate; clients send none"),
        ),
        _ => None,
    }
    .filter(|_| ch.frame > 0)
}

/// TLS 1.3 hides the CertificateRequest, the client's Certificate and the
/// server's alert, but not their sizes. An empty Certificate is an 8-byte
/// message: as its own record 25 bytes on the wire (8 + content type +
/// 16-byte AEAD tag, RFC 8446 §5.2), or 8 bytes more than a lone Finished when
/// sent in one record with it. A client only sends a Certificate when the
/// server asked for one (RFC 8446 §4.4.2).
fn tls13_client_certificate(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) || !h.is_tls13() {
        return None;
    }
    let sh = h.server_hello.as_ref()?;
    let (end, end_frame) = match h.tls13_after_finished() {
        Tls13After::Rejected(r) => (
            format!(
                "answered with one {}-byte encrypted record (frame {}) — the size of an alert — and nothing else",
                r.len, r.frame
            ),
            r.frame,
        ),
        Tls13After::ServerClosed(t) => (
            format!(
                "{} the connection (frame {})",
                if t.kind == "rst" { "reset" } else { "closed" },
                t.frame
            ),
            t.frame,
        ),
        _ => return None,
    };
    // Finished = 4-byte header + hash length; SHA-384 only for
    // TLS_AES_256_GCM_SHA384 (RFC 8446 §4.4.4, §B.4).
    let hash = if sh.cipher_suite == Some(CipherSuite(0x1302)) {
        48
    } else {
        32
    };
    let finished_record = 4 + hash + 17;
    const EMPTY_CERTIFICATE_RECORD: usize = 8 + 17;
    let client: Vec<_> = h
        .encrypted
        .iter()
        .filter(|r| r.from == Side::Client && r.frame >= sh.frame && r.content_type != 20)
        .collect();
    let first = client.first()?;
    let mut frames = ch_frames(h);
    frames.push(sh.frame);
    frames.push(first.frame);
    frames.push(end_frame);
    let empty_cert = first.len == EMPTY_CERTIFICATE_RECORD
        || first.len == EMPTY_CERTIFICATE_RECORD - 17 + finished_record;
    if empty_cert {
        return Some(
            Finding::new(
                Code::ClientCertificateRequired,
                Severity::Error,
                format!(
                    "After the server's TLS 1.3 flight (from frame {}), the client's first encrypted record (frame {}) is {} bytes — exactly an empty Certificate{} — which a client sends only when the server asked for a certificate and it has none; the server then {end}: it requires a client certificate.",
                    sh.frame,
                    first.frame,
                    first.len,
                    if first.len == EMPTY_CERTIFICATE_RECORD {
                        ""
                    } else {
                        " plus Finished"
                    }
                ),
                frames,
            )
            .remedies(remedies::client_certificate_required())
            .confidence(Confidence::High)
            .headline("server requires a client certificate; clients send none"),
        );
    }
    // A client flight far larger than a Finished carries a certificate (and
    // CertificateVerify) that the server then refused.
    if first.len > finished_record + 200 {
        return Some(
            Finding::new(
                Code::ClientCertificateRejected,
                Severity::Error,
                format!(
                    "After the server's TLS 1.3 flight (from frame {}), the client sent a {}-byte encrypted record (frame {}) — a certificate and its signature, not just a Finished — and the server {end}: it most likely rejected the client's certificate.",
                    sh.frame, first.len, first.frame
                ),
                frames,
            )
            .remedies(remedies::client_certificate_rejected())
            .confidence(Confidence::Medium)
            .headline("server rejects the client's certificate (inferred)"),
        );
    }
    None
}

/// A HelloRetryRequest, then failure: the client could not (or would not)
/// give the key share the server asked for.
fn hello_retry_failed(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) || h.server_hello.is_some() {
        return None;
    }
    let hrr = h.hello_retry_request.as_ref()?;
    let ch = h.client_hello.as_ref()?;
    let asked = hrr
        .group
        .map(|g| g.to_string())
        .unwrap_or_else(|| "another group".to_string());
    let mut frames = ch_frames(h);
    frames.push(hrr.frame);
    let offered_group = hrr.group.is_some_and(|g| ch.groups.contains(&g));
    let (what, conf) = match (&h.retried_client_hello, h.decisive_alert()) {
        (None, alert) => {
            let end = match (alert, h.termination) {
                (Some(a), _) => {
                    frames.push(a.frame);
                    alert_text(a)
                }
                (None, Some(t)) => {
                    frames.push(t.frame);
                    format!(
                        "a {} from the {} (frame {})",
                        t.kind.to_uppercase(),
                        t.from.as_str(),
                        t.frame
                    )
                }
                (None, None) => return None,
            };
            (
                format!(
                    "the client never sent the second ClientHello; the handshake ended with {end}{}",
                    if offered_group {
                        String::new()
                    } else {
                        format!(" — {asked} is not among the client's groups")
                    }
                ),
                if offered_group {
                    Confidence::Medium
                } else {
                    Confidence::High
                },
            )
        }
        (Some(second), Some(a)) if a.from == Side::Server => {
            frames.push(second.frame);
            frames.push(a.frame);
            let gave = second
                .key_share_groups
                .iter()
                .any(|g| Some(*g) == hrr.group);
            (
                format!(
                    "the client's second ClientHello (frame {}) {} and the server still refused with {}",
                    second.frame,
                    if gave {
                        format!("has a key share for {asked}")
                    } else {
                        format!("has no key share for {asked}")
                    },
                    alert_text(a)
                ),
                if gave {
                    Confidence::Low
                } else {
                    Confidence::High
                },
            )
        }
        _ => return None,
    };
    Some(no_shared_group_finding(
        cx,
        &format!(
            "The server answered the ClientHello (frame {}) with a HelloRetryRequest for {asked} (frame {}), and {what}",
            ch.frame, hrr.frame
        ),
        None,
        frames,
        conf,
    ))
}

/// TLS ≤ 1.2: the client rejected the certificate it could read in the capture.
fn certificate_rejected(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    if h.certificates.is_empty() {
        return certificate_alert_unseen_chain(h);
    }
    let cert_frame = h.certificate_frame.unwrap_or(0);
    let alert = first_alert_from(h, Side::Client).filter(|a| a.frame >= cert_frame);
    let code = match alert {
        Some(a) => a.code?,
        None => {
            // No alert: a client that closes or resets right after the
            // certificate, before its key exchange (Schannel clients do).
            let t = h.termination?;
            if t.from != Side::Client || h.client_continued.is_some() || h.ccs[0].is_some() {
                return None;
            }
            0
        }
    };
    if !matches!(code, 0 | 42..=46 | UNKNOWN_CA) {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    let issues = cx.cert_issues;
    let pick = |codes: &[Code]| {
        codes
            .iter()
            .find_map(|c| issues.iter().find(|i| i.code == *c))
    };
    use Code::*;
    let chosen = match code {
        CERTIFICATE_EXPIRED => pick(&[CertificateExpired, CertificateNotYetValid]),
        UNSUPPORTED_CERTIFICATE => pick(&[CertificateMissingServerAuthEku, CertificateWeak]),
        UNKNOWN_CA => pick(&[CertificateUntrusted, CertificateChainOrder]),
        44 => None,
        _ => pick(&[
            CertificateNameMismatch,
            CertificateExpired,
            CertificateNotYetValid,
            CertificateMissingServerAuthEku,
            CertificateWeak,
            CertificateUntrusted,
            CertificateChainOrder,
        ]),
    };
    let mut frames = ch_frames(h);
    frames.push(cert_frame);
    let how = match alert {
        Some(a) => {
            frames.push(a.frame);
            format!(
                "The client rejected the server's certificate (frame {cert_frame}) with {}",
                alert_text(a)
            )
        }
        None => {
            let t = h.termination?;
            frames.push(t.frame);
            format!(
                "The client {} the connection (frame {}) right after the server's certificate (frame {cert_frame}), without an alert and before its key exchange",
                if t.kind == "rst" { "reset" } else { "closed" },
                t.frame
            )
        }
    };
    // A direct match (the alert names the problem found) is seen, not inferred.
    let direct = matches!(
        (code, chosen.map(|i| i.code)),
        (
            CERTIFICATE_EXPIRED,
            Some(CertificateExpired | CertificateNotYetValid)
        ) | (UNKNOWN_CA, Some(CertificateUntrusted))
            | (
                UNSUPPORTED_CERTIFICATE,
                Some(CertificateMissingServerAuthEku)
            )
    );
    let chosen_code = chosen.map(|c| c.code);
    let chosen_all: Vec<&str> = issues
        .iter()
        .filter(|i| Some(i.code) == chosen_code)
        .map(|i| i.what.as_str())
        .collect();
    let others: Vec<&str> = issues
        .iter()
        .filter(|i| Some(i.code) != chosen_code)
        .map(|i| i.what.as_str())
        .collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!(" Also: {}.", others.join("; "))
    };
    if alert.is_none() && chosen.is_none() {
        // A silent abort with nothing wrong in sight: not a certificate verdict.
        return None;
    }
    let f = match chosen {
        Some(i) => Finding::new(
            i.code,
            Severity::Error,
            format!("{how}: {}.{also}", chosen_all.join("; ")),
            frames,
        )
        .remedies(remedies::certificate(i, ch.sni.as_deref(), h.server))
        .headline(i.headline.clone()),
        None if matches!(code, 42 | 46) && alert.is_some() => {
            let (top, _) = certs::chain_top(&h.certificates)?;
            Finding::new(
                Code::CertificateUntrusted,
                Severity::Error,
                format!(
                    "{how}. Nothing in the chain itself is wrong (validity, name, usage, key), so the client most likely does not trust its CA: {} (GnuTLS, Java and others answer an untrusted chain with this alert rather than unknown_ca).{also}",
                    chain_end(top)
                ),
                frames,
            )
            .remedies(remedies::untrusted_chain())
            .confidence(Confidence::Medium)
            .headline("client does not trust the certificate's CA (likely)")
        }
        None if code == UNKNOWN_CA => {
            let (top, _) = certs::chain_top(&h.certificates)?;
            Finding::new(
                Code::CertificateUntrusted,
                Severity::Error,
                format!(
                    "{how}: {}, and the client does not trust it (or lacks an intermediate).{also}",
                    chain_end(top)
                ),
                frames,
            )
            .remedies(remedies::untrusted_chain())
            .headline("client does not trust the certificate's CA")
        }
        None => {
            let clock = if code == CERTIFICATE_EXPIRED {
                " Every certificate in the chain is valid at the capture's time: check the client's clock, or an expired intermediate or root in the client's own store."
            } else {
                ""
            };
            Finding::new(
                Code::CertificateRejected,
                Severity::Error,
                format!(
                    "{how}; nothing in the certificates themselves explains it, so the client's trust store or policy does (a root it does not trust, revocation, a pinned key).{clock}{also}"
                ),
                frames,
            )
            .remedies(remedies::client_refused(Some(code).filter(|c| *c != 0)))
            .headline("client rejects the server's certificate")
        }
    };
    Some(if direct || alert.is_some() && chosen.is_none() {
        f
    } else {
        f.confidence(Confidence::Medium)
    })
}

/// "the chain the server sent ends at its root CN=X (self-signed)" or "…
/// ends at CN=Y, issued by CN=X".
fn chain_end(top: &crate::session::Certificate) -> String {
    if top.self_issued {
        format!(
            "the chain the server sent ends at the self-signed root {}",
            top.subject
        )
    } else {
        format!(
            "the chain the server sent ends at {}, issued by {}",
            top.subject, top.issuer
        )
    }
}

/// The client refused a certificate the capture cannot show (TLS 1.3 encrypts
/// it), with an alert it sent in the clear (OpenSSL clients do, before their
/// own handshake keys are in use).
fn certificate_alert_unseen_chain(h: &Handshake) -> Option<Finding> {
    let a = first_alert_from(h, Side::Client)?;
    let sh = h.server_hello.as_ref()?;
    let (code, what, headline) = match a.code? {
        UNKNOWN_CA => (
            Code::CertificateUntrusted,
            "it does not trust the CA that issued the server's certificate (or an intermediate is missing)",
            "client does not trust the certificate's CA",
        ),
        CERTIFICATE_EXPIRED => (
            Code::CertificateExpired,
            "the server's certificate (or one of its chain) is expired or not yet valid by the client's clock",
            "certificate expired (client's verdict)",
        ),
        42..=46 => (
            Code::CertificateRejected,
            "it refused the server's certificate",
            "client rejects the server's certificate",
        ),
        _ => return None,
    };
    let mut frames = ch_frames(h);
    frames.push(sh.frame);
    frames.push(a.frame);
    Some(
        Finding::new(
            code,
            Severity::Error,
            format!(
                "After the server's {} flight (from frame {}), the client answered with {}: {what}. The certificate itself is encrypted in {}, so the capture cannot show which one.",
                sh.version,
                sh.frame,
                alert_short(a),
                sh.version
            ),
            frames,
        )
        .remedies(match code {
            Code::CertificateUntrusted => remedies::untrusted_chain(),
            _ => remedies::client_refused(a.code),
        })
        .headline(headline),
    )
}

/// The client aborted right after a TLS ≤ 1.2 ServerHello without the
/// renegotiation_info extension although it offered secure renegotiation:
/// the server lacks RFC 5746, and current clients (OpenSSL 3 by default)
/// refuse such servers. A no_renegotiation alert in the clear says it too.
fn secure_renegotiation_missing(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    if let Some(a) = h
        .decisive_alert()
        .filter(|a| a.code == Some(NO_RENEGOTIATION))
    {
        let mut frames = ch_frames(h);
        frames.push(a.frame);
        return Some(
            Finding::new(
                Code::RenegotiationRefused,
                Severity::Error,
                format!(
                    "The {} refused renegotiation with a no_renegotiation alert (frame {}).",
                    a.from.as_str(),
                    a.frame
                ),
                frames,
            )
            .remedies(remedies::renegotiation())
            .headline("renegotiation refused"),
        );
    }
    let sh = h.server_hello.as_ref()?;
    if sh.version >= TLS13 || sh.sslv2_format || sh.extensions.contains(&RENEGOTIATION_INFO) {
        return None;
    }
    let offered = ch.extensions.contains(&RENEGOTIATION_INFO)
        || ch.cipher_suites.contains(&CipherSuite(0x00ff));
    if !offered || h.ccs[0].is_some() || h.client_continued.is_some() {
        return None;
    }
    let a = first_alert_from(h, Side::Client).filter(|a| {
        matches!(
            a.code,
            Some(HANDSHAKE_FAILURE) | Some(INSUFFICIENT_SECURITY) | Some(40..=49)
        )
    });
    let mut frames = ch_frames(h);
    frames.push(sh.frame);
    let end = match (a, h.termination) {
        (Some(a), _) => {
            frames.push(a.frame);
            alert_short(a)
        }
        (None, Some(t)) if t.from == Side::Client => {
            frames.push(t.frame);
            format!("a {} (frame {})", t.kind.to_uppercase(), t.frame)
        }
        _ => return None,
    };
    Some(
        Finding::new(
            Code::SecureRenegotiationMissing,
            Severity::Error,
            format!(
                "The client signalled secure renegotiation (RFC 5746) in its ClientHello (frame {}), the server's {} ServerHello (frame {}) has no renegotiation_info extension, and the client aborted with {end}: the server does not implement secure renegotiation, which current clients require.",
                ch.frame, sh.version, sh.frame
            ),
            frames,
        )
        .remedies(remedies::secure_renegotiation())
        .confidence(Confidence::Medium)
        .headline("server lacks secure renegotiation (RFC 5746)"),
    )
}

/// Certificate problems that did not decide the handshake: warnings (the
/// next client may not be so lenient), or information when the client
/// evidently trusted the chain.
fn certificate_warnings(cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let h = cx.h;
    if h.certificates.is_empty() {
        return;
    }
    let Some(ch) = h.client_hello.as_ref() else {
        return;
    };
    let cause = out
        .iter()
        .find(|f| f.severity == Severity::Error)
        .map(|f| f.code);
    let issues = cx.cert_issues;
    let frame = h.certificate_frame.unwrap_or(0);
    let mut done: Vec<Code> = Vec::new();
    for i in issues {
        if Some(i.code) == cause || done.contains(&i.code) {
            continue;
        }
        done.push(i.code);
        let same: Vec<&str> = issues
            .iter()
            .filter(|j| j.code == i.code)
            .map(|j| j.what.as_str())
            .collect();
        let trusted = h.outcome == Outcome::Established;
        let (severity, tail) = match (i.code, trusted) {
            (Code::CertificateUntrusted, true) => (
                Severity::Info,
                " The client accepted it, so it trusts that certificate or CA; other clients may not.",
            ),
            (_, true) => (
                Severity::Warning,
                " This client accepted it anyway; stricter clients will not.",
            ),
            _ => (Severity::Warning, ""),
        };
        out.push(
            Finding::new(
                i.code,
                severity,
                format!(
                    "The server's certificate (frame {frame}): {}.{tail}",
                    same.join("; ")
                ),
                vec![frame],
            )
            .remedies(remedies::certificate(i, ch.sni.as_deref(), h.server))
            .headline(i.headline.clone()),
        );
    }
}

fn hello_retry_request(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if h.outcome != Outcome::Established {
        return None;
    }
    let hrr = h.hello_retry_request.as_ref()?;
    let ch = h.client_hello.as_ref()?;
    let shares: Vec<String> = ch.key_share_groups.iter().map(|g| g.to_string()).collect();
    let asked = hrr
        .group
        .map(|g| g.to_string())
        .unwrap_or_else(|| "another group".into());
    let mut frames = ch_frames(h);
    frames.push(hrr.frame);
    frames.extend(h.retried_client_hello.as_ref().map(|c| c.frame));
    Some(
        Finding::new(
            Code::HelloRetryRequest,
            Severity::Info,
            format!(
                "The client's first key share ({}, frame {}) was not acceptable; the server asked for {asked} with a HelloRetryRequest (frame {}) and the handshake then succeeded, one round trip later.",
                if shares.is_empty() { "none".to_string() } else { shares.join(", ") },
                ch.frame,
                hrr.frame
            ),
            frames,
        )
        .remedies(vec![format!(
            "Optional: have the client send a key share for {asked} first, or enable {} on the server, to save the extra round trip.",
            if shares.is_empty() { "the client's group".to_string() } else { shares.join("/") }
        )])
        .headline("HelloRetryRequest (extra round trip)"),
    )
}

fn legacy_protocol(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    let ch = h.client_hello.as_ref()?;
    let negotiated = h
        .server_hello
        .as_ref()
        .filter(|_| h.outcome == Outcome::Established);
    let (severity, msg, frames) = match negotiated {
        Some(sh) if sh.version < TLS10 || sh.sslv2_format => (
            Severity::Warning,
            format!(
                "This connection uses {} (ServerHello, frame {}): broken (RFC 6176, RFC 7568) and disabled by every current client and server.",
                sh.version, sh.frame
            ),
            vec![sh.frame],
        ),
        Some(sh) if sh.version < TLS12 => (
            Severity::Info,
            format!(
                "This connection uses {} (ServerHello, frame {}), deprecated since 2021 (RFC 8996): clients that follow it will fail against this server.",
                sh.version, sh.frame
            ),
            vec![sh.frame],
        ),
        _ if ch.sslv2_format => (
            Severity::Warning,
            format!(
                "The client sent an SSL 2.0-format ClientHello (frame {}), which only very old clients send and current servers refuse.",
                ch.frame
            ),
            vec![ch.frame],
        ),
        _ => return None,
    };
    Some(
        Finding::new(Code::LegacyProtocol, severity, msg, frames)
            .remedies(remedies::legacy())
            .headline("legacy protocol in use"),
    )
}

fn server_alert(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let a = first_alert_from(h, Side::Server)?;
    let mut frames = ch_frames(h);
    if let Some(sh) = &h.server_hello {
        frames.push(sh.frame);
    }
    frames.push(a.frame);
    Some(
        Finding::new(
            Code::ServerAlert,
            Severity::Error,
            format!("The server ended the handshake with {}.", alert_text(a)),
            frames,
        )
        .remedies(remedies::server_alert(a.code))
        .headline(format!(
            "server sends {}",
            a.description.as_deref().unwrap_or("an alert")
        )),
    )
}

/// "a fatal unknown_ca alert (frame 8)", for messages that explain it themselves.
fn alert_short(a: &AlertFacts) -> String {
    format!(
        "a {} {} alert (frame {})",
        a.level.unwrap_or("fatal"),
        a.description.as_deref().unwrap_or(""),
        a.frame
    )
}

/// "a fatal unknown_ca alert (frame 8): the certificate chain does not end at a trusted CA".
fn alert_text(a: &AlertFacts) -> String {
    format!(
        "a {} {} alert (frame {}){}",
        a.level.unwrap_or("fatal"),
        a.description.as_deref().unwrap_or(""),
        a.frame,
        alert_meaning(a.code)
            .map(|m| format!(": {m}"))
            .unwrap_or_default()
    )
}

fn client_alert(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let a = first_alert_from(h, Side::Client)?;
    if server_closed_first(h, a.frame) {
        // The client only complained about the server's close.
        return None;
    }
    let mut frames = ch_frames(h);
    if let Some(sh) = &h.server_hello {
        frames.push(sh.frame);
    }
    if let Some(c) = h.certificate_frame {
        frames.push(c);
    }
    frames.push(a.frame);
    Some(
        Finding::new(
            Code::ClientAlert,
            Severity::Error,
            format!("The client aborted the handshake with {}.", alert_text(a)),
            frames,
        )
        .remedies(remedies::client_refused(a.code))
        .headline(format!(
            "client sends {}",
            a.description.as_deref().unwrap_or("an alert")
        )),
    )
}

fn tls13_certificate_rejected(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let r = h.tls13_client_alert()?;
    let sh = h.server_hello.as_ref()?;
    let mut frames = ch_frames(h);
    frames.push(sh.frame);
    frames.push(r.frame);
    if let Some(t) = h.termination {
        frames.push(t.frame);
    }
    Some(
        Finding::new(
            Code::CertificateRejected,
            Severity::Error,
            format!(
                "After the server's encrypted TLS 1.3 flight (from frame {}), the client sent one {}-byte encrypted record (frame {}) — the size of an alert, not of a Finished — and stopped: it most likely rejected the server's certificate (TLS 1.3 hides which alert).",
                sh.frame, r.len, r.frame
            ),
            frames,
        )
        .remedies(remedies::client_refused(Some(48)))
        .confidence(Confidence::Medium),
    )
}

fn tls13_server_rejected_flight(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let sh = h.server_hello.as_ref()?;
    let mut frames = ch_frames(h);
    frames.push(sh.frame);
    let (code, what, last) = match h.tls13_after_finished() {
        Tls13After::Rejected(r) => (
            Code::ServerAlert,
            format!(
                "answered it with one {}-byte encrypted record (frame {}) — the size of an alert — and nothing else",
                r.len, r.frame
            ),
            r.frame,
        ),
        Tls13After::ServerClosed(t) => (
            Code::ServerAborted,
            format!(
                "{} the connection (frame {}) without another record",
                if t.kind == "rst" { "reset" } else { "closed" },
                t.frame
            ),
            t.frame,
        ),
        _ => return None,
    };
    frames.push(last);
    Some(
        Finding::new(
            code,
            Severity::Error,
            format!(
                "The client completed its side of the TLS 1.3 handshake, and the server {what}: it refused the client's flight. TLS 1.3 hides the alert; the most common reason is a client certificate the server requires but did not get or does not trust.",
            ),
            frames,
        )
        .remedies(vec![
            "Check whether the site requires client certificates (IIS: SSL Settings → Client certificates: Require; `netsh http show sslcert` → Negotiate Client Certificate; nginx: ssl_verify_client on) and whether the client has a certificate from a CA the server trusts.".to_string(),
            "Windows/IIS: Schannel logs the refusal in the System event log (events 36874, 36885–36888).".to_string(),
        ])
        .confidence(Confidence::Low),
    )
}

fn unclassified_failure(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    let mut frames = ch_frames(h);
    let end = match h.termination {
        Some(t) => {
            frames.push(t.frame);
            format!(
                "the {} ended it with a {} (frame {})",
                t.from.as_str(),
                t.kind.to_uppercase(),
                t.frame
            )
        }
        None => "the connection ended".to_string(),
    };
    frames.push(h.last_frame);
    Some(
        Finding::new(
            Code::UnclassifiedFailure,
            Severity::Error,
            format!(
                "The handshake that began with the ClientHello (frame {}) did not complete and {end}, but the server's reply (up to frame {}) is no ServerHello, alert or other message tlstriage can classify; the summary's anomalies say what could not be decoded.",
                ch.frame, h.last_frame
            ),
            frames,
        )
        .remedies(remedies::server_refused())
        .confidence(Confidence::Low),
    )
}

fn dropped_after_hello(cx: &Ctx<'_>, kind: &str, code: Code) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) || h.server_hello.is_some() || first_alert_from(h, Side::Server).is_some() {
        return None;
    }
    let t = h.termination?;
    if t.from != Side::Server || t.kind != kind {
        return None;
    }
    if let Some(a) = first_alert_from(h, Side::Client)
        && !server_closed_first(h, a.frame)
    {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    let mut frames = ch_frames(h);
    frames.push(t.frame);
    let verb = if kind == "rst" {
        "reset the connection (RST"
    } else {
        "closed the connection (FIN"
    };
    let dropped = format!(
        "The server {verb}, frame {}) {} after the ClientHello (frame {}){} without sending any TLS message",
        t.frame,
        duration(t.after_ns),
        ch.frame,
        sni_text(h),
    );
    // A hello only very old clients send: the server drops the protocol,
    // not the connection's certificate.
    let (_, cmax) = ch.version_range();
    if ch.sslv2_format || cmax.0 <= 0x0300 {
        let what = if cmax.0 <= 0x0300 {
            format!("The client offers nothing newer than {cmax}")
        } else {
            format!("The client sent an SSL 2.0-format ClientHello (offering up to {cmax})")
        };
        return Some(
            Finding::new(
                Code::VersionMismatch,
                Severity::Error,
                format!(
                    "{dropped}. {what}, which current servers refuse outright (Windows has disabled SSL 2.0/3.0 and the SSL 2.0 hello format, \"Multi-Protocol Unified Hello\", for years): the client must be updated or configured for TLS 1.2."
                ),
                frames,
            )
            .remedies(remedies::enable_client_protocol(TLS12))
            .confidence(Confidence::Medium)
            .headline("clients use a legacy hello the server drops"),
        );
    }
    // What the same server did with other clients narrows it down.
    let view = cx.server;
    let others = if view.established > 0 {
        let first = view.versions.iter().map(|v| v.frame).min().unwrap_or(0);
        format!(
            " The same server completed {} other handshake{} in this capture (first ServerHello in frame {first}), so its TLS service works: the binding, certificate or key used for {} is the broken one.",
            view.established,
            if view.established == 1 { "" } else { "s" },
            match &ch.sni {
                Some(n) => format!("{n} (SNI)"),
                None => "clients without SNI".to_string(),
            }
        )
    } else {
        String::new()
    };
    Some(
        Finding::new(
            code,
            Severity::Error,
            format!(
                "{dropped}: on IIS this is the signature of a broken HTTP.sys certificate binding or a certificate whose private key is missing or unreadable.{others}"
            ),
            frames,
        )
        .remedies(remedies::server_dropped_hello(h.server, ch.sni.as_deref()))
        .confidence(Confidence::Medium)
        .headline(if kind == "rst" {
            "server resets right after the ClientHello (binding or private key)"
        } else {
            "server closes right after the ClientHello (binding or private key)"
        }),
    )
}

/// The server closed or reset before anything it sent and before `frame`.
fn server_closed_first(h: &Handshake, frame: u64) -> bool {
    h.server_hello.is_none()
        && h.termination
            .is_some_and(|t| t.from == Side::Server && t.frame < frame)
}

fn reset_after_client_hello(cx: &Ctx<'_>) -> Option<Finding> {
    dropped_after_hello(cx, "rst", Code::ResetAfterClientHello)
}

fn closed_after_client_hello(cx: &Ctx<'_>) -> Option<Finding> {
    dropped_after_hello(cx, "fin", Code::ClosedAfterClientHello)
}

fn no_server_response(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if h.outcome == Outcome::Established || h.server_sent_anything || h.one_sided() {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    if !h.gaps.is_empty() {
        return None;
    }
    let waited = h.last_ts.0.saturating_sub(h.client_hello_ts.0);
    let mut frames = ch_frames(h);
    let (sev, end) = match h.termination {
        Some(t) if t.from == Side::Client => {
            frames.push(t.frame);
            (
                Severity::Error,
                format!(
                    "the client gave up after {} ({} in frame {})",
                    duration(t.after_ns),
                    t.kind.to_uppercase(),
                    t.frame
                ),
            )
        }
        _ => (
            Severity::Warning,
            match h.tcp_close {
                CloseReason::EndOfCapture => {
                    format!("the capture ends {} later", duration(waited))
                }
                _ => format!(
                    "the connection was silent for {} until tlstriage stopped following it ({})",
                    duration(waited),
                    close_reason_text(h.tcp_close)
                ),
            },
        ),
    };
    Some(
        Finding::new(
            Code::NoServerResponse,
            sev,
            format!(
                "The server never answered the ClientHello (frame {}){}: no byte came back and {end}.",
                ch.frame,
                sni_text(h),
            ),
            frames,
        )
        .remedies(remedies::no_response(h.server)),
    )
}

fn aborted_after_server_hello(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !failed(h) || h.decisive_alert().is_some() {
        return None;
    }
    let sh = h.server_hello.as_ref()?;
    let t = h.termination?;
    let mut frames = ch_frames(h);
    frames.push(sh.frame);
    frames.push(t.frame);
    let (code, who) = match t.from {
        Side::Client => (Code::ClientAborted, "client"),
        Side::Server => (Code::ServerAborted, "server"),
    };
    let verb = if t.kind == "rst" { "reset" } else { "closed" };
    // How far the client got tells which side stopped the handshake.
    let progress = match (h.ccs[0], h.ccs[1]) {
        (Some(c), None) => {
            frames.push(c);
            format!(
                "the client finished its side (ChangeCipherSpec and Finished from frame {c}) but the server never sent its own; then the {who} {verb} the connection (frame {}) without an alert",
                t.frame
            )
        }
        _ => format!(
            "the {who} {verb} the connection (frame {}) without an alert, before the client sent its {}",
            t.frame,
            if h.is_tls13() {
                "Finished"
            } else {
                "key exchange"
            }
        ),
    };
    let remedies = match t.from {
        Side::Client => remedies::client_refused(None),
        Side::Server => remedies::server_refused(),
    };
    Some(
        Finding::new(
            code,
            Severity::Error,
            format!(
                "After the server's {} ServerHello (frame {}), {progress}.",
                sh.version, sh.frame,
            ),
            frames,
        )
        .remedies(remedies)
        .confidence(Confidence::Low),
    )
}

fn capture_gap(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    let g = h.gaps.first()?;
    if h.one_sided() && h.gaps.iter().all(|g| g.from == Side::Server) {
        // The client's ACKs of unseen server bytes: one-sided-capture says it.
        return None;
    }
    let total: u64 = h.gaps.iter().map(|g| g.len).sum();
    let frames = h.gaps.iter().map(|g| g.frame).collect();
    Some(
        Finding::new(
            Code::CaptureGap,
            Severity::Warning,
            format!(
                "{total} bytes of the handshake are missing from the capture ({}'s stream, first hole at offset {} before frame {}): the verdict can only use what is left.",
                g.from.as_str(),
                g.offset,
                g.frame
            ),
            frames,
        )
        .remedies(remedies::recapture()),
    )
}

fn one_sided_capture(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if !h.one_sided() {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    let went_on = h.client_continued?;
    Some(
        Finding::new(
            Code::OneSidedCapture,
            Severity::Warning,
            format!(
                "Only the client's side of this connection is in the capture: after its ClientHello (frame {}) the client went on with the handshake (frame {went_on}), so the server did answer, but none of its packets were captured (a capture filter, asymmetric routing, or a mirror port that copies one direction).",
                ch.frame
            ),
            vec![ch.frame, went_on],
        )
        .remedies(vec![
            "Capture both directions: on the server or the client itself, or on a mirror port that copies both rx and tx (`tcpdump -i <if> -s 0 -w out.pcap 'tcp port <port>'`, no `src`/`dst` filter).".to_string(),
        ]),
    )
}

fn mid_stream(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if h.client_hello.is_some() {
        return None;
    }
    let (msg, frames) = match &h.server_hello {
        Some(sh) => (
            format!(
                "The capture began after the ClientHello: the server's {} ServerHello is visible in frame {} but not what the client offered, so the handshake cannot be judged.",
                sh.version, sh.frame
            ),
            vec![sh.frame],
        ),
        None => (
            format!(
                "TLS records between {} and {} from frame {} on, but the capture began after the handshake: nothing to judge.",
                h.client, h.server, h.first_frame
            ),
            vec![h.first_frame],
        ),
    };
    Some(
        Finding::new(Code::MidStream, Severity::Info, msg, frames)
            .remedies(remedies::capture_whole_connection()),
    )
}

fn capture_ended(cx: &Ctx<'_>) -> Option<Finding> {
    let h = cx.h;
    if h.outcome != Outcome::Incomplete || h.client_hello.is_none() || !h.gaps.is_empty() {
        return None;
    }
    if !h.server_sent_anything {
        return None; // no-server-response says it already
    }
    Some(
        Finding::new(
            Code::CaptureEnded,
            Severity::Warning,
            format!(
                "The handshake had not finished when the connection's capture ended (last frame {}).",
                h.last_frame.max(ch_frame(h))
            ),
            vec![ch_frame(h), h.last_frame],
        )
        .remedies(remedies::capture_whole_connection()),
    )
}

/// What an alert means when it ends a handshake: every description of the
/// IANA "TLS Alerts" registry (RFC 8446 §6.2, RFC 5246 §7.2, RFC 6066 §3,
/// RFC 7301 §3.2, RFC 7507, RFC 8879, RFC 9147, draft-ietf-tls-esni).
pub fn alert_meaning(code: Option<u8>) -> Option<&'static str> {
    Some(match AlertDescription(code?).0 {
        0 => "the sender closed the connection before the handshake finished",
        10 => {
            "a message arrived out of order (or the peer sent something that is not the expected TLS message)"
        }
        20 => "record protection failed (keys differ, or the record was corrupted in transit)",
        21 => "a record could not be decrypted (obsolete alert)",
        22 => "a record was too long",
        30 => "decompression failed (obsolete)",
        40 => "no acceptable set of parameters (cipher suite, group, signature scheme)",
        41 => "the client has no certificate to send (SSL 3.0)",
        42 => "the certificate was corrupt or its signature did not verify",
        43 => {
            "the certificate is of a type or usage the peer does not support (key usage, EKU, key algorithm)"
        }
        44 => "the certificate was revoked by its CA",
        45 => "the certificate is expired or not yet valid",
        46 => {
            "the certificate was not accepted (often: untrusted or incomplete chain, name mismatch)"
        }
        47 => "a field in the handshake was out of range or inconsistent",
        48 => "the certificate chain does not end at a CA the peer trusts",
        49 => "the peer's certificate is valid but not authorized",
        50 => "a message could not be decoded (malformed, truncated, or mangled by a middlebox)",
        51 => "a signature or the Finished check failed (wrong key, broken offload)",
        52 => "too many connection IDs requested (DTLS)",
        60 => "export restriction (obsolete)",
        70 => "the protocol version is not supported",
        71 => "the offered parameters are too weak for the peer's policy",
        80 => "an internal error on the sender (on Windows often a private-key access problem)",
        86 => "a downgrade was detected (inappropriate_fallback)",
        90 => "the user or application cancelled the handshake",
        100 => "renegotiation refused",
        109 => "a required extension is missing",
        110 => "an extension was sent that the peer did not offer or cannot accept",
        111 => "a certificate from a URL could not be obtained",
        112 => "the server name (SNI) is not recognized",
        113 => "the OCSP status response was invalid",
        114 => "a certificate hash value did not match",
        115 => "the pre-shared key identity is unknown",
        116 => "a client certificate is required",
        117 => "a general error the sender did not specify",
        120 => "no ALPN protocol in common",
        121 => "the server requires Encrypted Client Hello",
        _ => return None,
    })
}
