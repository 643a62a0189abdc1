//! One small function per rule, listed in two tables.
//!
//! [`CAUSES`] are tried in order and the first that matches is the
//! handshake's cause; [`CONTEXT`] rules all apply. Each rule reads only the
//! [`Handshake`] and returns a [`Finding`] with the frames that prove it.

use super::{Code, Confidence, Finding, Severity, remedies};
use crate::session::{Handshake, Outcome, Side, Tls13After};
use crate::stream::CloseReason;
use crate::tls::{AlertDescription, Version};

/// A named rule.
pub struct Rule {
    /// The code it emits.
    pub code: Code,
    /// The check.
    pub check: fn(&Handshake) -> Option<Finding>,
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
        code: Code::NoSharedCipher,
        check: no_shared_cipher,
    },
    Rule {
        code: Code::ServerAlert,
        check: server_alert,
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
        code: Code::ClientAlert,
        check: client_alert,
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
pub const CONTEXT: &[Rule] = &[
    Rule {
        code: Code::OneSidedCapture,
        check: one_sided_capture,
    },
    Rule {
        code: Code::CaptureGap,
        check: capture_gap,
    },
    Rule {
        code: Code::MidStream,
        check: mid_stream,
    },
    Rule {
        code: Code::CaptureEnded,
        check: capture_ended,
    },
];

const PROTOCOL_VERSION: u8 = 70; // RFC 8446 §6.2
const HANDSHAKE_FAILURE: u8 = 40; // RFC 8446 §6.2
const INSUFFICIENT_SECURITY: u8 = 71; // RFC 8446 §6.2

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

fn first_alert_from(h: &Handshake, side: Side) -> Option<&crate::session::AlertFacts> {
    h.decisive_alert().filter(|a| a.from == side)
}

fn sni_text(h: &Handshake) -> String {
    match h.client_hello.as_ref().and_then(|c| c.sni.as_deref()) {
        Some(s) => format!(" for {s}"),
        None => String::new(),
    }
}

fn non_tls_response(h: &Handshake) -> Option<Finding> {
    let nt = h.non_tls.as_ref()?;
    if nt.from != Side::Server {
        return None;
    }
    let what = identify_service(&nt.raw);
    let mut frames = ch_frames(h);
    frames.push(nt.frame);
    Some(
        Finding::new(
            Code::NonTlsResponse,
            Severity::Error,
            if nt.frame < ch_frame(h) {
                format!(
                    "The server spoke first, with non-TLS data in frame {}: {} (\"{}\"), and the client's ClientHello (frame {}) went to a service that does not speak TLS on port {}.",
                    nt.frame,
                    what,
                    truncate(&nt.preview, 60),
                    ch_frame(h),
                    h.server.port()
                )
            } else {
                format!(
                    "The server answered the ClientHello (frame {}) with non-TLS data in frame {}: {} (\"{}\"): another service owns port {}, not a TLS endpoint.",
                    ch_frame(h),
                    nt.frame,
                    what,
                    truncate(&nt.preview, 60),
                    h.server.port()
                )
            },
            frames,
        )
        .remedies(remedies::port_conflict(h.server, what)),
    )
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

fn version_mismatch(h: &Handshake) -> Option<Finding> {
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
        let (msg, rem) = if cmax.0 >= 0x0303 {
            let target = server_target(cmin, cmax);
            (
                format!(
                    "The client offered {offered} (frame {}) and the server refused with a protocol_version alert (frame {}, record version {}): none of the server's enabled protocols is in the client's range — enable {target} on the server.",
                    ch.frame, a.frame, a.record_version,
                ),
                remedies::enable_server_protocol(target),
            )
        } else {
            (
                format!(
                    "The client offered only {offered} (frame {}) and the server refused with a protocol_version alert (frame {}): the server requires a newer protocol than the client has enabled.",
                    ch.frame, a.frame
                ),
                remedies::enable_client_protocol(Version(0x0303)),
            )
        };
        return Some(
            Finding::new(Code::VersionMismatch, Severity::Error, msg, frames).remedies(rem),
        );
    }
    // Case 2: a generic refusal (handshake_failure, insufficient_security)
    // written in a record version below the client's highest offer. A server
    // writes its alert in the highest version it speaks (OpenSSL, Schannel);
    // one that could speak the client's version would have negotiated it, so
    // the refusal comes from the version: no offered suite runs on the older
    // protocol, or the client would not accept it.
    // Without SNI another reading is as likely: servers that need the host
    // name (SNI-only bindings, CDNs) refuse with the same alert, some echoing
    // the ClientHello's TLS 1.0 record version. No version verdict then.
    if let Some(a) = first_alert_from(h, Side::Server)
        && h.server_hello.is_none()
        && ch.sni.is_some()
        && matches!(
            a.code,
            Some(HANDSHAKE_FAILURE) | Some(INSUFFICIENT_SECURITY)
        )
        && a.record_version.0 >= 0x0300
        && a.record_version < cmax.min(Version(0x0303))
    {
        let server_max = a.record_version;
        let target = server_target(cmin, cmax);
        let mut frames = ch_frames(h);
        frames.push(a.frame);
        let msg = format!(
            "The client offered {offered} (frame {}); the server refused with a {} alert written as {server_max} (frame {}): the server speaks at most {server_max}, and none of the client's {} cipher suites runs on {server_max} (or the client refuses it) — enable {target} on the server.",
            ch.frame,
            a.description.as_deref().unwrap_or("handshake_failure"),
            a.frame,
            ch.cipher_suites.len(),
        );
        return Some(
            Finding::new(Code::VersionMismatch, Severity::Error, msg, frames)
                .remedies(remedies::enable_server_protocol(target))
                // Inferred from the alert's record version, one clue.
                .confidence(Confidence::Medium),
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
                .remedies(remedies::enable_server_protocol(target)),
        );
    }
    None
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

fn no_shared_cipher(h: &Handshake) -> Option<Finding> {
    if !failed(h) || h.server_hello.is_some() {
        return None;
    }
    let a = first_alert_from(h, Side::Server)?;
    if a.code != Some(HANDSHAKE_FAILURE) && a.code != Some(INSUFFICIENT_SECURITY) {
        return None;
    }
    let ch = h.client_hello.as_ref()?;
    let n = ch.cipher_suites.len();
    let shown: Vec<String> = ch
        .cipher_suites
        .iter()
        .take(4)
        .map(|c| c.to_string())
        .collect();
    let more = if n > 4 {
        format!(" and {} more", n - 4)
    } else {
        String::new()
    };
    let mut frames = ch_frames(h);
    frames.push(a.frame);
    // handshake_failure is the generic refusal: a missing key or an
    // unsupported group produce it too; without SNI, so does a server that
    // needs the host name.
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
                "The server refused the ClientHello (frame {}) with a {} alert (frame {}) before choosing anything: none of the client's {n} cipher suites ({}{more}) is enabled on the server{}{sni_note}.",
                ch.frame,
                a.description.as_deref().unwrap_or("handshake_failure"),
                a.frame,
                shown.join(", "),
                sni_text(h),
            ),
            frames,
        )
        .remedies(rem)
        .confidence(confidence),
    )
}

fn server_alert(h: &Handshake) -> Option<Finding> {
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
        .remedies(remedies::server_refused()),
    )
}

/// "a fatal unknown_ca alert (frame 8): the certificate chain does not end at a trusted CA".
fn alert_text(a: &crate::session::AlertFacts) -> String {
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

fn client_alert(h: &Handshake) -> Option<Finding> {
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
        .remedies(remedies::client_refused(a.code)),
    )
}

fn tls13_certificate_rejected(h: &Handshake) -> Option<Finding> {
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

fn tls13_server_rejected_flight(h: &Handshake) -> Option<Finding> {
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

fn unclassified_failure(h: &Handshake) -> Option<Finding> {
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

fn dropped_after_hello(h: &Handshake, kind: &str, code: Code) -> Option<Finding> {
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
    Some(
        Finding::new(
            code,
            Severity::Error,
            format!(
                "The server {verb}, frame {}) {} after the ClientHello (frame {}){} without sending any TLS message: on IIS this is the signature of a broken HTTP.sys certificate binding or a certificate whose private key is missing or unreadable.",
                t.frame,
                duration(t.after_ns),
                ch.frame,
                sni_text(h),
            ),
            frames,
        )
        .remedies(remedies::server_dropped_hello(h.server, ch.sni.as_deref()))
        .confidence(Confidence::Medium),
    )
}

/// The server closed or reset before anything it sent and before `frame`.
fn server_closed_first(h: &Handshake, frame: u64) -> bool {
    h.server_hello.is_none()
        && h.termination
            .is_some_and(|t| t.from == Side::Server && t.frame < frame)
}

fn reset_after_client_hello(h: &Handshake) -> Option<Finding> {
    dropped_after_hello(h, "rst", Code::ResetAfterClientHello)
}

fn closed_after_client_hello(h: &Handshake) -> Option<Finding> {
    dropped_after_hello(h, "fin", Code::ClosedAfterClientHello)
}

fn no_server_response(h: &Handshake) -> Option<Finding> {
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

fn aborted_after_server_hello(h: &Handshake) -> Option<Finding> {
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

fn capture_gap(h: &Handshake) -> Option<Finding> {
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

fn one_sided_capture(h: &Handshake) -> Option<Finding> {
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

fn mid_stream(h: &Handshake) -> Option<Finding> {
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

fn capture_ended(h: &Handshake) -> Option<Finding> {
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

/// What an alert usually means in a handshake (RFC 8446 §6.2, RFC 5246 §7.2.2).
pub fn alert_meaning(code: Option<u8>) -> Option<&'static str> {
    Some(match AlertDescription(code?).0 {
        10 => "a message arrived out of order",
        20 | 21 => "record protection failed (keys differ, or the record was corrupted)",
        22 => "a record was too long",
        40 => "no acceptable set of parameters (cipher suite, group, signature scheme)",
        42 => "the certificate was corrupt or unverifiable",
        43 => "the certificate type is not supported",
        44 => "the certificate was revoked",
        45 => "the certificate is expired or not yet valid",
        46 => "the certificate was not accepted (often: untrusted or incomplete chain)",
        47 => "a field in the handshake was out of range",
        48 => "the certificate chain does not end at a trusted CA",
        49 => "access denied",
        50 => "a message could not be decoded",
        51 => "a signature or the Finished check failed",
        70 => "the protocol version is not supported",
        71 => "the offered parameters are too weak for the peer's policy",
        80 => "an internal error on the sender",
        86 => "a downgrade was detected (inappropriate_fallback)",
        90 => "the user cancelled",
        100 => "renegotiation refused",
        109 => "a required extension is missing",
        110 => "an extension was not expected",
        112 => "the server name (SNI) is not recognized",
        116 => "a client certificate is required",
        120 => "no ALPN protocol in common",
        _ => return None,
    })
}
