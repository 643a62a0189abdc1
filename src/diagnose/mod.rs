//! Evidence → findings: why a handshake failed, and what to do about it.
//!
//! Input: a finished [`Handshake`] (with its outcome). Output: its
//! [`Finding`]s, each with a stable [`Code`], a severity, a one-sentence
//! message, the frames that prove it, and remedies an admin can act on.
//! Invariants: no finding without evidence frames; at most one *cause*
//! finding per handshake (the first cause rule that matches, see
//! [`rules::CAUSES`]), plus any number of *context* findings (capture gaps,
//! mid-stream pickup). A finding whose cause is inferred rather than seen
//! states a [`Confidence`].
//! Not done here: reading packets (everything comes from `session`).

pub mod certs;
pub mod knowledge;
pub mod remedies;
pub mod rules;

use serde::Serialize;

use crate::session::Handshake;
pub use knowledge::{Knowledge, ServerView};

/// Stable finding codes. Serialized as [`Code::as_str`] (the README table's
/// kebab-case names); never renamed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The two sides share no protocol version.
    VersionMismatch,
    /// The two sides share no cipher suite.
    NoSharedCipher,
    /// The two sides share no key-exchange group.
    NoSharedGroup,
    /// The server reset the connection right after the ClientHello.
    ResetAfterClientHello,
    /// The server closed the connection right after the ClientHello.
    ClosedAfterClientHello,
    /// The server never answered the ClientHello.
    NoServerResponse,
    /// Something that is not TLS answered the ClientHello.
    NonTlsResponse,
    /// The client rejected the server's certificate.
    CertificateRejected,
    /// The server's certificate was expired at capture time.
    CertificateExpired,
    /// The server's certificate does not name the requested host.
    CertificateNameMismatch,
    /// The server's certificate lacks the Server Authentication EKU.
    CertificateMissingServerAuthEku,
    /// The server's chain does not reach a trusted root.
    CertificateUntrusted,
    /// The server requires a client certificate the client did not give.
    ClientCertificateRequired,
    /// The server's certificate is not valid yet at capture time.
    CertificateNotYetValid,
    /// The server sends its certificate chain out of order.
    CertificateChainOrder,
    /// The server's certificate has a weak key or a broken signature hash.
    CertificateWeak,
    /// The server rejected the client's certificate.
    ClientCertificateRejected,
    /// No ALPN protocol in common.
    AlpnMismatch,
    /// The server detected a downgraded retry (TLS_FALLBACK_SCSV).
    InappropriateFallback,
    /// The server has no certificate for the requested name.
    UnrecognizedName,
    /// The server needs SNI and refuses hellos without it.
    SniRequired,
    /// Renegotiation was refused (no_renegotiation).
    RenegotiationRefused,
    /// The server lacks RFC 5746 secure renegotiation, and the client refuses it.
    SecureRenegotiationMissing,
    /// The server asked for another key share (HelloRetryRequest).
    HelloRetryRequest,
    /// SSL 2.0/3.0 or TLS 1.0/1.1 in use.
    LegacyProtocol,
    /// The server ended the handshake with an alert not covered by a more
    /// specific code.
    ServerAlert,
    /// The client ended the handshake with an alert not covered by a more
    /// specific code.
    ClientAlert,
    /// The client closed or reset the connection during the handshake without an alert.
    ClientAborted,
    /// The server closed or reset the connection after its ServerHello without an alert.
    ServerAborted,
    /// The handshake failed, but nothing in the capture says why.
    UnclassifiedFailure,
    /// Bytes are missing from the capture in the handshake.
    CaptureGap,
    /// Only one direction of the connection is in the capture.
    OneSidedCapture,
    /// The capture started after the handshake.
    MidStream,
    /// The capture ends before the handshake does.
    CaptureEnded,
    /// Host: the bound certificate has no private key.
    CertificateNoPrivateKey,
    /// Host: the certificate's key container is missing or cannot be opened.
    PrivateKeyInaccessible,
    /// Host: the private key is corrupt or unusable.
    PrivateKeyUnusable,
    /// Host: an HTTP.sys binding names a certificate that is not in its store.
    BindingCertificateMissing,
    /// Host: another process than HTTP.sys listens on the SSL port.
    PortConflict,
    /// Host: nothing listens on a bound SSL port.
    PortNotListening,
    /// Host: an HTTP.sys SSL binding has no certificate hash.
    BindingEmptyHash,
    /// Host: an HTTP.sys SSL binding has the all-zero application ID.
    BindingZeroAppId,
    /// Host: HTTP.sys's IP listen list leaves out an address it should serve.
    IpListenExcludes,
    /// Host: a port has only SNI bindings, so clients without SNI get no certificate.
    SniOnlyBinding,
    /// Host: an IP-specific binding and the wildcard binding of a port use different certificates.
    BindingCertificateDiffers,
    /// Host: an HTTP.sys binding is set to reject connections.
    BindingRejectsConnections,
    /// Host: an HTTP.sys binding disables protocol versions.
    BindingDisablesProtocol,
    /// Host: TLS 1.3 with a client certificate requested after the handshake.
    Tls13ClientCertificate,
    /// Host: HTTP.sys logged that it could not use an SSL binding.
    BindingErrorEvent,
    /// Host: HTTP.sys logged that SSL binding settings were deleted.
    BindingDeletedEvent,
    /// Host: SCHANNEL disables server protocol versions clients need.
    ProtocolDisabled,
    /// Host: SCHANNEL disables client-side protocols that outbound calls need.
    ClientProtocolDisabled,
    /// Host: TLS 1.3 keys on a Windows build that does not support TLS 1.3.
    Tls13UnsupportedOs,
    /// Host: a SCHANNEL value is non-zero but not 1 (works, non-standard).
    RegistryNonstandardValue,
    /// Host: a SCHANNEL value has a type Windows does not read.
    RegistryWrongType,
    /// Host: a SCHANNEL key or value Windows ignores (a typo).
    RegistryUnknownKey,
    /// Host: a protocol's Client and Server settings, or Enabled and DisabledByDefault, disagree.
    ProtocolHalfDisabled,
    /// Host: Schannel event logging is off.
    SchannelLoggingOff,
    /// Host: the cipher-suite configuration leaves no suite usable with the certificate.
    NoUsableCipherSuite,
    /// Host: the cipher-suite order policy drops suites silently.
    CipherSuitePolicy,
    /// Host: the first usable cipher suite is not allowed by HTTP/2.
    Http2CipherOrder,
    /// Host: .NET Framework apps may offer only old TLS versions.
    DotnetLegacyTls,
    /// Host: WinHTTP clients do not offer TLS 1.2.
    WinhttpLegacyTls,
    /// Host: the FIPS algorithm policy is on.
    FipsMode,
    /// Host: Schannel logged handshake errors with no more specific code.
    HandshakeErrorEvent,
}

// By hand, not `rename_all`: serde's kebab-case of `IpListenExcludes` is
// `ip-listen-excludes`, while the code is `iplisten-excludes-address`.
impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Code {
    /// The kebab-case code as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::VersionMismatch => "version-mismatch",
            Code::NoSharedCipher => "no-shared-cipher",
            Code::NoSharedGroup => "no-shared-group",
            Code::ResetAfterClientHello => "reset-after-client-hello",
            Code::ClosedAfterClientHello => "closed-after-client-hello",
            Code::NoServerResponse => "no-server-response",
            Code::NonTlsResponse => "non-tls-response",
            Code::CertificateRejected => "certificate-rejected",
            Code::CertificateExpired => "certificate-expired",
            Code::CertificateNameMismatch => "certificate-name-mismatch",
            Code::CertificateMissingServerAuthEku => "certificate-missing-server-auth-eku",
            Code::CertificateUntrusted => "certificate-untrusted",
            Code::ClientCertificateRequired => "client-certificate-required",
            Code::CertificateNotYetValid => "certificate-not-yet-valid",
            Code::CertificateChainOrder => "certificate-chain-order",
            Code::CertificateWeak => "certificate-weak",
            Code::ClientCertificateRejected => "client-certificate-rejected",
            Code::AlpnMismatch => "alpn-mismatch",
            Code::InappropriateFallback => "inappropriate-fallback",
            Code::UnrecognizedName => "unrecognized-name",
            Code::SniRequired => "sni-required",
            Code::RenegotiationRefused => "renegotiation-refused",
            Code::SecureRenegotiationMissing => "secure-renegotiation-missing",
            Code::HelloRetryRequest => "hello-retry-request",
            Code::LegacyProtocol => "legacy-protocol",
            Code::ServerAlert => "server-alert",
            Code::ClientAlert => "client-alert",
            Code::ClientAborted => "client-aborted",
            Code::ServerAborted => "server-aborted",
            Code::UnclassifiedFailure => "unclassified-failure",
            Code::CaptureGap => "capture-gap",
            Code::OneSidedCapture => "one-sided-capture",
            Code::MidStream => "mid-stream",
            Code::CaptureEnded => "capture-ended",
            Code::CertificateNoPrivateKey => "certificate-no-private-key",
            Code::PrivateKeyInaccessible => "private-key-inaccessible",
            Code::PrivateKeyUnusable => "private-key-unusable",
            Code::BindingCertificateMissing => "binding-certificate-missing",
            Code::PortConflict => "port-conflict",
            Code::PortNotListening => "port-not-listening",
            Code::BindingEmptyHash => "binding-empty-hash",
            Code::BindingZeroAppId => "binding-zero-app-id",
            Code::IpListenExcludes => "iplisten-excludes-address",
            Code::SniOnlyBinding => "sni-only-binding",
            Code::BindingCertificateDiffers => "binding-certificate-differs",
            Code::BindingRejectsConnections => "binding-rejects-connections",
            Code::BindingDisablesProtocol => "binding-disables-protocol",
            Code::Tls13ClientCertificate => "tls13-client-certificate",
            Code::BindingErrorEvent => "binding-error-event",
            Code::BindingDeletedEvent => "binding-deleted-event",
            Code::ProtocolDisabled => "protocol-disabled",
            Code::ClientProtocolDisabled => "client-protocol-disabled",
            Code::Tls13UnsupportedOs => "tls13-unsupported-os",
            Code::RegistryNonstandardValue => "registry-nonstandard-value",
            Code::RegistryWrongType => "registry-wrong-type",
            Code::RegistryUnknownKey => "registry-unknown-key",
            Code::ProtocolHalfDisabled => "protocol-half-disabled",
            Code::SchannelLoggingOff => "schannel-logging-off",
            Code::NoUsableCipherSuite => "no-usable-cipher-suite",
            Code::CipherSuitePolicy => "cipher-suite-policy",
            Code::Http2CipherOrder => "http2-cipher-order",
            Code::DotnetLegacyTls => "dotnet-legacy-tls",
            Code::WinhttpLegacyTls => "winhttp-legacy-tls",
            Code::FipsMode => "fips-mode",
            Code::HandshakeErrorEvent => "handshake-error-event",
        }
    }
}

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Explains a failed handshake.
    Error,
    /// Limits what the capture can prove.
    Warning,
    /// Worth knowing.
    Info,
}

/// What the host's configuration says of a capture finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HostCheck {
    /// A host fact explains it: this is the cause.
    Confirmed,
    /// A host fact disagrees (look elsewhere: another server, a load
    /// balancer, a per-binding setting).
    Contradicted,
}

/// How sure an inferred cause is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Several independent clues agree.
    High,
    /// One clue, with a common alternative explanation.
    Medium,
    /// A guess worth checking.
    Low,
}

/// One diagnosis with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Severity.
    pub severity: Severity,
    /// One sentence: the cause, stated with its evidence.
    pub message: String,
    /// Frames that prove it (1-based, as Wireshark counts), sorted.
    pub frames: Vec<u64>,
    /// What an admin can do, most likely fix first.
    pub remedies: Vec<String>,
    /// Host evidence (file and line of an exported command output, spec
    /// `host`), for findings from host checks or confirmed by them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<crate::host::Evidence>,
    /// With `analyze --host`: whether the host's configuration confirms or
    /// contradicts this finding (absent when it says nothing about it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<HostCheck>,
    /// Present where the cause is inferred rather than seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// A few words for the per-server rollup ("server offers at most TLS
    /// 1.0, clients require TLS 1.2+").
    #[serde(skip)]
    pub headline: String,
}

impl Finding {
    pub(crate) fn new(code: Code, severity: Severity, message: String, frames: Vec<u64>) -> Self {
        let mut frames = frames;
        frames.retain(|&f| f > 0);
        frames.sort_unstable();
        frames.dedup();
        Finding {
            code,
            severity,
            message,
            frames,
            remedies: Vec::new(),
            evidence: Vec::new(),
            host: None,
            confidence: None,
            headline: String::new(),
        }
    }

    pub(crate) fn headline(mut self, h: impl Into<String>) -> Self {
        self.headline = h.into();
        self
    }

    pub(crate) fn remedies(mut self, r: Vec<String>) -> Self {
        self.remedies = r;
        self
    }

    pub(crate) fn evidence(mut self, e: Vec<crate::host::Evidence>) -> Self {
        self.evidence = e;
        self
    }

    pub(crate) fn confidence(mut self, c: Confidence) -> Self {
        self.confidence = Some(c);
        self
    }
}

/// What a rule sees: the handshake, and what its server showed elsewhere in
/// the capture.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The handshake judged.
    pub h: &'a Handshake,
    /// Its server across the capture.
    pub server: &'a ServerView,
    /// What is wrong with the server's certificate chain (TLS ≤ 1.2), judged
    /// once for all rules at the capture's time and the client's SNI.
    pub cert_issues: &'a [certs::Issue],
}

/// All findings for one handshake: at most one cause, then context.
pub fn diagnose(h: &Handshake, server: &ServerView) -> Vec<Finding> {
    let cert_issues = match &h.client_hello {
        Some(ch) if !h.certificates.is_empty() => certs::issues(
            &h.certificates,
            ch.sni.as_deref(),
            h.start.0 / 1_000_000_000,
        ),
        _ => Vec::new(),
    };
    let cx = Ctx {
        h,
        server,
        cert_issues: &cert_issues,
    };
    let mut out = Vec::new();
    for rule in rules::CAUSES {
        if let Some(f) = (rule.check)(&cx) {
            out.push(f);
            break;
        }
    }
    for rule in rules::CONTEXT {
        (rule.check)(&cx, &mut out);
    }
    out
}

/// Whether what other handshakes of the same server show can change this
/// handshake's diagnosis: a failure before the server chose anything (a
/// generic alert, a reset or close) is judged against the whole capture.
pub fn needs_hindsight(h: &Handshake) -> bool {
    h.outcome == crate::session::Outcome::Failed
        && h.server_hello.is_none()
        && h.non_tls.is_none()
        && h.client_hello.is_some()
}

#[cfg(test)]
mod tests {
    //! Session pairing and rules together: a scripted connection goes through
    //! `session::Tracker`, and the resulting handshake through `diagnose`.

    use super::*;
    use crate::capture::Timestamp;
    use crate::session::{Outcome, Tracker};
    use crate::stream::{CloseReason, ConnMeta, Direction, Event as StreamEvent};
    use crate::tls::{
        AlertDescription, CipherSuite, ClientHello, Event, EventKind, ServerHello, Version,
    };

    const C2S: Direction = Direction::ClientToServer;
    const S2C: Direction = Direction::ServerToClient;

    struct Script {
        tracker: Tracker,
        t: i64,
    }

    fn meta() -> ConnMeta {
        ConnMeta {
            id: 1,
            client: "198.18.0.1:50000".parse().unwrap(),
            server: "198.18.0.2:443".parse().unwrap(),
            saw_open: true,
            first_frame: 1,
            start: Timestamp(1_000_000_000),
        }
    }

    impl Script {
        fn new() -> Self {
            Script {
                tracker: Tracker::new(&meta()),
                t: 1_000_000_000,
            }
        }
        fn tls(&mut self, dir: Direction, frame: u64, kind: EventKind) -> &mut Self {
            self.t += 1_000_000;
            let ev = Event {
                dir,
                frames: vec![frame],
                ts: Timestamp(self.t),
                record_version: Version(0x0303),
                kind,
            };
            self.tracker.on_tls(&[ev]);
            self
        }
        fn stream(&mut self, dir: Direction, ev: StreamEvent<'_>) -> &mut Self {
            self.tracker.on_stream(dir, &ev);
            self
        }
        /// A FIN from `dir` in `frame`, a millisecond after the last event.
        fn fin(&mut self, dir: Direction, frame: u64) -> &mut Self {
            self.t += 1_000_000;
            let ts = Timestamp(self.t);
            self.stream(
                dir,
                StreamEvent::Fin {
                    offset: 0,
                    frame,
                    ts,
                },
            )
        }
        /// An RST from `dir` in `frame`, a millisecond after the last event.
        fn rst(&mut self, dir: Direction, frame: u64) -> &mut Self {
            self.t += 1_000_000;
            let ts = Timestamp(self.t);
            self.stream(dir, StreamEvent::Reset { frame, ts })
        }
        fn finish(self) -> (crate::session::Handshake, Vec<Finding>) {
            self.finish_with(&ServerView::default())
        }
        /// Finishes and diagnoses against what the server showed elsewhere.
        fn finish_with(self, view: &ServerView) -> (crate::session::Handshake, Vec<Finding>) {
            let mut hs = self
                .tracker
                .finish(CloseReason::EndOfCapture, Timestamp(self.t));
            assert_eq!(hs.len(), 1, "{hs:#?}");
            let h = hs.remove(0);
            let f = diagnose(&h, view);
            (h, f)
        }
    }

    fn ch(versions: &[u16], legacy: u16) -> EventKind {
        EventKind::ClientHello(Box::new(ClientHello {
            record_version: Version(0x0301),
            version: Version(legacy),
            cipher_suites: vec![
                CipherSuite(0x0a0a),
                CipherSuite(0xc02f),
                CipherSuite(0x1301),
            ],
            supported_versions: versions.iter().map(|&v| Version(v)).collect(),
            sni: Some("www.example.test".into()),
            ..ClientHello::default()
        }))
    }

    fn sh(version: u16, selected: Option<u16>, hrr: bool) -> EventKind {
        EventKind::ServerHello(Box::new(ServerHello {
            record_version: Version(0x0303),
            version: Version(version),
            selected_version: selected.map(Version),
            cipher_suite: CipherSuite(0xc02f),
            is_hello_retry_request: hrr,
            ..ServerHello::default()
        }))
    }

    fn alert(level: u8, code: u8) -> EventKind {
        EventKind::Alert {
            level,
            description: AlertDescription(code),
        }
    }

    fn enc(len: usize) -> EventKind {
        EventKind::Encrypted {
            content_type: 23,
            len,
        }
    }

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn code_serializes_as_its_readme_name() {
        let json = serde_json::to_value(Code::IpListenExcludes).unwrap();
        assert_eq!(json, "iplisten-excludes-address");
        assert_eq!(
            serde_json::to_value(Code::CertificateMissingServerAuthEku).unwrap(),
            Code::CertificateMissingServerAuthEku.as_str()
        );
    }

    #[test]
    fn diagnose_tls12_full_handshake_established_without_findings() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303))
            .tls(S2C, 6, sh(0x0303, None, false))
            .tls(S2C, 6, EventKind::ServerHelloDone)
            .tls(C2S, 8, EventKind::ChangeCipherSpec)
            .tls(C2S, 8, enc(40))
            .tls(S2C, 9, EventKind::ChangeCipherSpec)
            .tls(S2C, 9, enc(40));
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Established);
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn diagnose_server_tls10_client_protocol_version_alert_is_version_mismatch() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303))
            .tls(S2C, 6, sh(0x0301, None, false))
            .tls(C2S, 7, alert(2, 70));
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["version-mismatch"]);
        assert_eq!(f[0].frames, [4, 6, 7]);
        assert!(f[0].message.contains("TLS 1.0"));
        assert!(f[0].remedies[0].contains(r"SCHANNEL\Protocols\TLS 1.2\Server"));
    }

    #[test]
    fn diagnose_server_protocol_version_alert_is_version_mismatch() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[0x0304], 0x0303))
            .tls(S2C, 5, alert(2, 70));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["version-mismatch"]);
        assert!(f[0].remedies[0].contains("TLS 1.3"), "{:?}", f[0].remedies);
    }

    #[test]
    fn diagnose_handshake_failure_in_older_record_is_version_mismatch() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303));
        s.t += 1;
        let ev = Event {
            dir: S2C,
            frames: vec![6],
            ts: Timestamp(s.t),
            record_version: Version(0x0301),
            kind: alert(2, 40),
        };
        s.tracker.on_tls(&[ev]);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["version-mismatch"]);
        assert_eq!(f[0].confidence, Some(Confidence::Medium));
        assert!(f[0].message.contains("at most TLS 1.0"), "{}", f[0].message);
        assert!(f[0].remedies[0].contains(r"TLS 1.2\Server"));
    }

    #[test]
    fn diagnose_sni_less_handshake_failure_is_low_confidence_cipher_or_sni() {
        let mut s = Script::new();
        let mut hello = ch(&[], 0x0303);
        if let EventKind::ClientHello(c) = &mut hello {
            c.sni = None;
        }
        s.tls(C2S, 4, hello);
        s.t += 1;
        let ev = Event {
            dir: S2C,
            frames: vec![6],
            ts: Timestamp(s.t),
            record_version: Version(0x0301),
            kind: alert(2, 40),
        };
        s.tracker.on_tls(&[ev]);
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["no-shared-cipher"]);
        assert_eq!(f[0].confidence, Some(Confidence::Low));
        assert!(f[0].message.contains("no SNI"), "{}", f[0].message);
        assert!(f[0].remedies[0].contains("host name"));
    }

    #[test]
    fn diagnose_server_handshake_failure_is_no_shared_cipher_medium() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303)).tls(S2C, 5, alert(2, 40));
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["no-shared-cipher"]);
        assert_eq!(f[0].confidence, Some(Confidence::Medium));
        // GREASE is never shown as an offered suite.
        assert!(!f[0].message.contains("0x0a0a"));
    }

    #[test]
    fn diagnose_server_reset_after_hello_is_reset_after_client_hello() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303)).rst(S2C, 5);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["reset-after-client-hello"]);
        assert!(f[0].remedies[0].contains("netsh http show sslcert ipport=0.0.0.0:443"));
    }

    #[test]
    fn diagnose_server_fin_after_hello_is_closed_after_client_hello() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303)).fin(S2C, 5);
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["closed-after-client-hello"]);
    }

    #[test]
    fn diagnose_silence_then_client_fin_is_no_server_response_error() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303)).fin(C2S, 9);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["no-server-response"]);
        assert_eq!(f[0].severity, Severity::Error);
    }

    #[test]
    fn diagnose_silence_until_capture_end_is_incomplete_warning() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303));
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Incomplete);
        assert_eq!(codes(&f), ["no-server-response"]);
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn diagnose_http_reply_is_non_tls_response() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303)).tls(
            S2C,
            6,
            EventKind::NotTls {
                preview: b"HTTP/1.1 400 Bad Request\r\n".to_vec(),
            },
        );
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["non-tls-response"]);
        assert!(f[0].message.contains("an HTTP response"));
        assert!(f[0].message.contains("HTTP/1.1 400"));
    }

    #[test]
    fn diagnose_ssh_banner_before_hello_is_non_tls_response() {
        let mut s = Script::new();
        s.tls(
            S2C,
            3,
            EventKind::NotTls {
                preview: b"SSH-2.0-OpenSSH_9.2\r\n".to_vec(),
            },
        )
        .tls(C2S, 4, ch(&[], 0x0303));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["non-tls-response"]);
        assert!(f[0].message.contains("SSH"));
    }

    #[test]
    fn diagnose_starttls_preamble_is_not_a_non_tls_response() {
        let nt = |b: &[u8]| EventKind::NotTls {
            preview: b.to_vec(),
        };
        let mut s = Script::new();
        s.tls(S2C, 3, nt(b"220 mail.example.test ESMTP\r\n"))
            .tls(C2S, 4, nt(b"EHLO client\r\n"))
            .tls(C2S, 8, ch(&[], 0x0303))
            .tls(S2C, 9, sh(0x0303, None, false))
            .tls(C2S, 11, EventKind::ChangeCipherSpec)
            .tls(S2C, 12, EventKind::ChangeCipherSpec);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Established);
        assert!(h.non_tls.is_none());
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn diagnose_server_hello_without_client_hello_is_mid_stream() {
        let mut s = Script::new();
        s.tls(S2C, 2, sh(0x0303, None, false))
            .tls(S2C, 2, EventKind::ServerHelloDone);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Incomplete);
        assert!(h.server_hello.is_some());
        assert_eq!(h.client, meta().client);
        assert_eq!(codes(&f), ["mid-stream"]);
        assert_eq!(f[0].frames, [2]);
    }

    #[test]
    fn diagnose_hrr_then_tls13_finished_is_established() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[0x0304, 0x0303], 0x0303))
            .tls(S2C, 5, sh(0x0303, Some(0x0304), true))
            .tls(C2S, 7, ch(&[0x0304, 0x0303], 0x0303))
            .tls(S2C, 8, sh(0x0303, Some(0x0304), false))
            .tls(S2C, 8, enc(2000))
            .tls(C2S, 10, EventKind::ChangeCipherSpec)
            .tls(C2S, 10, enc(53))
            .tls(S2C, 11, enc(250));
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Established);
        assert!(h.hello_retry_request.is_some());
        assert!(h.retried_client_hello.is_some());
        assert_eq!(codes(&f), ["hello-retry-request"]);
        assert_eq!(f[0].severity, Severity::Info);
        assert_eq!(f[0].frames, [4, 5, 7]);
    }

    #[test]
    fn diagnose_repeated_hello_before_any_answer_is_one_attempt() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[0x0304, 0x0303], 0x0303))
            .tls(C2S, 5, ch(&[0x0304, 0x0303], 0x0303))
            .tls(S2C, 7, sh(0x0303, Some(0x0304), false))
            .tls(S2C, 7, enc(2000))
            .tls(C2S, 9, enc(53))
            .tls(C2S, 12, enc(19));
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Established);
        assert_eq!(h.retried_client_hello.as_ref().map(|c| c.frame), Some(5));
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn diagnose_tls13_draft_server_hello_then_finished_is_established() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[0x7f13], 0x0303))
            .tls(S2C, 6, sh(0x7f13, None, false))
            .tls(S2C, 6, enc(1200))
            .tls(C2S, 8, enc(74))
            .tls(S2C, 9, enc(300))
            .fin(S2C, 13);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Established);
        assert!(f.is_empty(), "{f:#?}");
    }

    #[test]
    fn diagnose_tls13_server_alert_after_client_finished_is_failed() {
        // A server requiring a client certificate the client did not send:
        // the client's Finished, then one alert-sized record from the server.
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[0x0304], 0x0303))
            .tls(S2C, 6, sh(0x0303, Some(0x0304), false))
            .tls(S2C, 6, enc(2500))
            .tls(C2S, 8, EventKind::ChangeCipherSpec)
            .tls(C2S, 8, enc(60))
            .tls(S2C, 9, enc(24))
            .fin(S2C, 10);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["server-alert"]);
        assert_eq!(f[0].frames, [4, 6, 9]);
        assert!(f[0].message.contains("client certificate"));
    }

    #[test]
    fn diagnose_tls13_client_finished_then_silent_close_by_client_is_established() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[0x0304], 0x0303))
            .tls(S2C, 6, sh(0x0303, Some(0x0304), false))
            .tls(S2C, 6, enc(2500))
            .tls(C2S, 8, enc(60))
            .fin(C2S, 9);
        let (h, _) = s.finish();
        assert_eq!(h.outcome, Outcome::Established);
    }

    #[test]
    fn diagnose_early_data_to_silent_server_is_no_server_response() {
        // CCS and 0-RTT data right after the hello prove nothing about the server.
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[0x0304], 0x0303))
            .tls(C2S, 4, EventKind::ChangeCipherSpec)
            .tls(C2S, 4, enc(120))
            .fin(C2S, 6);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["no-server-response"]);
    }

    #[test]
    fn diagnose_undecodable_server_reply_is_unclassified_failure() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303))
            .tls(S2C, 6, EventKind::OtherHandshake(12))
            .fin(C2S, 8);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["unclassified-failure"]);
        assert_eq!(f[0].frames, [4, 6, 8]);
    }

    #[test]
    fn diagnose_tls13_alert_sized_client_record_is_certificate_rejected() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[0x0304], 0x0303))
            .tls(S2C, 6, sh(0x0303, Some(0x0304), false))
            .tls(S2C, 6, enc(2500))
            .tls(C2S, 8, enc(19))
            .fin(C2S, 9);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Failed);
        assert_eq!(codes(&f), ["certificate-rejected"]);
        assert_eq!(f[0].confidence, Some(Confidence::Medium));
    }

    #[test]
    fn diagnose_client_unknown_ca_without_visible_chain_is_untrusted() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303))
            .tls(S2C, 6, sh(0x0304, None, false))
            .tls(C2S, 8, alert(2, 48));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["certificate-untrusted"]);
        assert_eq!(f[0].frames, [4, 6, 8]);
        assert!(f[0].message.contains("unknown_ca"));
        // Any other client alert stays a client alert.
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303))
            .tls(S2C, 6, sh(0x0303, None, false))
            .tls(C2S, 8, alert(2, 51));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["client-alert"]);
        assert!(f[0].message.contains("decrypt_error"));
    }

    #[test]
    fn diagnose_gap_before_answer_is_incomplete_with_capture_gap() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303)).stream(
            S2C,
            StreamEvent::Gap {
                offset: 0,
                len: 1448,
                frame: 7,
            },
        );
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Incomplete);
        assert_eq!(codes(&f), ["capture-gap"]);
        assert_eq!(f[0].frames, [7]);
    }

    #[test]
    fn diagnose_client_only_capture_is_one_sided_not_silence() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303))
            .tls(C2S, 7, EventKind::OtherHandshake(16))
            .tls(C2S, 7, EventKind::ChangeCipherSpec)
            .tls(C2S, 7, enc(40))
            .fin(C2S, 12);
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Incomplete);
        assert_eq!(codes(&f), ["one-sided-capture"]);
        assert_eq!(f[0].frames, [4, 7]);
    }

    #[test]
    fn diagnose_sslv2_hello_then_data_both_ways_is_established() {
        let mut s = Script::new();
        let v2 = ClientHello {
            sslv2_format: true,
            version: Version(0x0002),
            ..ClientHello::default()
        };
        s.tls(C2S, 4, EventKind::ClientHello(Box::new(v2)));
        s.tls(
            S2C,
            6,
            EventKind::ServerHello(Box::new(ServerHello {
                version: Version(0x0002),
                sslv2_format: true,
                ..ServerHello::default()
            })),
        );
        let data = |frame| StreamEvent::Data {
            offset: 0,
            bytes: b"x",
            frame,
            ts: Timestamp(2_000_000_000),
        };
        s.stream(C2S, data(8)).stream(S2C, data(9));
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Established);
        assert_eq!(h.server_hello.as_ref().unwrap().cipher_suite, None);
        assert_eq!(codes(&f), ["legacy-protocol"]);
        assert_eq!(f[0].severity, Severity::Warning);
    }

    #[test]
    fn diagnose_records_without_hello_are_mid_stream() {
        let mut s = Script::new();
        s.tls(C2S, 2, enc(100)).tls(S2C, 3, enc(200));
        let (h, f) = s.finish();
        assert_eq!(h.outcome, Outcome::Incomplete);
        assert!(h.client_hello.is_none());
        assert_eq!(codes(&f), ["mid-stream"]);
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn diagnose_every_finding_has_frames_and_remedies() {
        // A failure of each kind above must carry evidence and a remedy.
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303)).tls(S2C, 5, alert(2, 80));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["server-alert"]);
        for x in &f {
            assert!(!x.frames.is_empty());
            assert!(!x.remedies.is_empty());
        }
    }

    use crate::diagnose::knowledge::Seen;
    use crate::session::{Certificate, ClientCertificate};
    use crate::tls::NamedGroup;

    fn seen<T>(value: T, frame: u64) -> Seen<T> {
        Seen {
            value,
            count: 3,
            frame,
        }
    }

    /// A ClientHello with these suites, versions, SNI and groups.
    fn ch_with(
        versions: &[u16],
        legacy: u16,
        suites: &[u16],
        sni: Option<&str>,
        groups: &[u16],
    ) -> EventKind {
        EventKind::ClientHello(Box::new(ClientHello {
            record_version: Version(0x0301),
            version: Version(legacy),
            cipher_suites: suites.iter().map(|&c| CipherSuite(c)).collect(),
            supported_versions: versions.iter().map(|&v| Version(v)).collect(),
            sni: sni.map(str::to_string),
            groups: groups.iter().map(|&g| NamedGroup(g)).collect(),
            key_share_groups: groups.iter().take(1).map(|&g| NamedGroup(g)).collect(),
            alpn: vec!["h2".into()],
            ..ClientHello::default()
        }))
    }

    /// TLS 1.2-only AES-GCM suites, as modern clients offer with TLS 1.3 off.
    const GCM_ONLY: &[u16] = &[0xc02f, 0xc030];

    #[test]
    fn diagnose_handshake_failure_from_server_proven_tls10_is_version_mismatch_high() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, Some("a.test"), &[]))
            .tls(S2C, 6, alert(2, 40));
        let view = ServerView {
            capped: Some(seen(Version(0x0301), 40)),
            versions: vec![seen(Version(0x0301), 40)],
            ..ServerView::default()
        };
        let (_, f) = s.finish_with(&view);
        assert_eq!(codes(&f), ["version-mismatch"]);
        assert_eq!(f[0].confidence, Some(Confidence::High));
        assert_eq!(f[0].frames, [4, 6, 40]);
        assert!(
            f[0].message
                .contains("none of the client's 2 cipher suites runs on TLS 1.0")
        );
        assert_eq!(
            f[0].headline,
            "server offers at most TLS 1.0, clients require more than TLS 1.0"
        );
    }

    #[test]
    fn diagnose_handshake_failure_from_server_using_other_suite_is_no_shared_cipher_high() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, Some("a.test"), &[]))
            .tls(S2C, 6, alert(2, 40));
        let view = ServerView {
            versions: vec![seen(Version(0x0303), 30)],
            suites: vec![seen(CipherSuite(0x002f), 30)],
            ..ServerView::default()
        };
        let (_, f) = s.finish_with(&view);
        assert_eq!(codes(&f), ["no-shared-cipher"]);
        assert_eq!(f[0].confidence, Some(Confidence::High));
        assert!(
            f[0].message.contains("TLS_RSA_WITH_AES_128_CBC_SHA"),
            "{}",
            f[0].message
        );
        // The same refusal with no other handshake in the capture is only medium.
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, Some("a.test"), &[]))
            .tls(S2C, 6, alert(2, 40));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["no-shared-cipher"]);
        assert_eq!(f[0].confidence, Some(Confidence::Medium));
    }

    #[test]
    fn diagnose_handshake_failure_to_tls13_only_client_is_no_shared_group() {
        let mut s = Script::new();
        s.tls(
            C2S,
            4,
            ch_with(
                &[0x0304],
                0x0303,
                &[0x1301, 0x1302],
                Some("a.test"),
                &[0x001d],
            ),
        )
        .tls(S2C, 6, alert(2, 40));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["no-shared-group"]);
        assert_eq!(f[0].confidence, Some(Confidence::Medium));
        assert!(f[0].message.contains("x25519"), "{}", f[0].message);
        // With the server's groups known from other clients: high.
        let mut s = Script::new();
        s.tls(
            C2S,
            4,
            ch_with(&[0x0304], 0x0303, &[0x1301], Some("a.test"), &[0x001d]),
        )
        .tls(S2C, 6, alert(2, 40));
        let view = ServerView {
            versions: vec![seen(Version(0x0304), 20)],
            suites: vec![seen(CipherSuite(0x1301), 20)],
            groups: vec![seen(NamedGroup(0x0017), 20)],
            ..ServerView::default()
        };
        let (_, f) = s.finish_with(&view);
        assert_eq!(codes(&f), ["no-shared-group"]);
        assert_eq!(f[0].confidence, Some(Confidence::High));
        assert!(f[0].message.contains("secp256r1"), "{}", f[0].message);
    }

    #[test]
    fn diagnose_reset_of_sni_less_hello_at_sni_server_is_sni_required() {
        let sni_server = ServerView {
            with_sni: Some(seen((), 12)),
            ..ServerView::default()
        };
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, None, &[]))
            .rst(S2C, 5);
        let (_, f) = s.finish_with(&sni_server);
        assert_eq!(codes(&f), ["sni-required"]);
        assert_eq!(f[0].frames, [4, 5, 12]);
        assert!(f[0].remedies[0].contains("0.0.0.0:443"));
        // The same reset with SNI in the hello is a broken binding, not SNI.
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, Some("a.test"), &[]))
            .rst(S2C, 5);
        let (_, f) = s.finish_with(&sni_server);
        assert_eq!(codes(&f), ["reset-after-client-hello"]);
        // And without SNI at a server that also serves SNI-less clients.
        let both = ServerView {
            without_sni: Some(seen((), 20)),
            ..sni_server
        };
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, None, &[]))
            .rst(S2C, 5);
        let (_, f) = s.finish_with(&both);
        assert_eq!(codes(&f), ["reset-after-client-hello"]);
    }

    #[test]
    fn diagnose_specific_server_alerts_map_to_their_codes() {
        for (alert_code, code) in [
            (86, "inappropriate-fallback"),
            (120, "alpn-mismatch"),
            (112, "unrecognized-name"),
            (116, "client-certificate-required"),
            (100, "renegotiation-refused"),
            (80, "server-alert"),
        ] {
            let mut s = Script::new();
            s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, Some("a.test"), &[]))
                .tls(S2C, 6, alert(2, alert_code));
            let (_, f) = s.finish();
            assert_eq!(codes(&f), [code], "alert {alert_code}");
            assert_eq!(f[0].frames, [4, 6], "alert {alert_code}");
            assert!(!f[0].remedies.is_empty());
        }
    }

    #[test]
    fn diagnose_server_internal_error_remedy_names_schannel_status() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303)).tls(S2C, 5, alert(2, 80));
        let (_, f) = s.finish();
        assert!(f[0].remedies[0].contains("SEC_E_INTERNAL_ERROR (0x80090304)"));
    }

    fn tls12_flight(s: &mut Script) {
        s.tls(C2S, 4, ch(&[], 0x0303))
            .tls(S2C, 6, sh(0x0303, None, false))
            .tls(S2C, 6, EventKind::CertificateRequest)
            .tls(S2C, 6, EventKind::ServerHelloDone);
    }

    #[test]
    fn diagnose_tls12_empty_client_certificate_then_alert_is_required() {
        let mut s = Script::new();
        tls12_flight(&mut s);
        s.tls(C2S, 8, EventKind::Certificate(vec![]))
            .tls(C2S, 8, EventKind::OtherHandshake(16))
            .tls(S2C, 9, alert(2, 40));
        let (h, f) = s.finish();
        assert_eq!(
            h.client_certificate,
            Some(ClientCertificate {
                frame: 8,
                certificates: 0
            })
        );
        assert_eq!(codes(&f), ["client-certificate-required"]);
        assert_eq!(f[0].frames, [4, 6, 8, 9]);
    }

    #[test]
    fn diagnose_tls12_client_certificate_refused_is_rejected() {
        let mut s = Script::new();
        tls12_flight(&mut s);
        s.tls(
            C2S,
            8,
            EventKind::Certificate(vec![crate::tls::CertificateDer(b"x".to_vec())]),
        )
        .tls(S2C, 9, alert(2, 48));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["client-certificate-rejected"]);
        assert!(f[0].message.contains("unknown_ca"));
    }

    #[test]
    fn diagnose_hrr_for_group_client_lacks_then_close_is_no_shared_group() {
        let mut s = Script::new();
        s.tls(
            C2S,
            4,
            ch_with(&[0x0304], 0x0303, &[0x1301], Some("a.test"), &[0x001d]),
        )
        .tls(
            S2C,
            5,
            EventKind::ServerHello(Box::new(ServerHello {
                record_version: Version(0x0303),
                version: Version(0x0303),
                selected_version: Some(Version(0x0304)),
                cipher_suite: CipherSuite(0x1301),
                is_hello_retry_request: true,
                key_share_group: Some(NamedGroup(0x0018)),
                ..ServerHello::default()
            })),
        )
        .tls(C2S, 6, alert(2, 47));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["no-shared-group"]);
        assert_eq!(f[0].confidence, Some(Confidence::High));
        assert!(
            f[0].message.contains("secp384r1 is not among"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn diagnose_server_hello_without_renegotiation_info_then_client_alert() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch(&[], 0x0303))
            .tls(S2C, 6, sh(0x0303, None, false))
            .tls(C2S, 7, alert(2, 40));
        let (_, f) = s.finish();
        // `ch` offers no RFC 5746 signal, so this is a plain client alert.
        assert_eq!(codes(&f), ["client-alert"]);
        let mut s = Script::new();
        s.tls(
            C2S,
            4,
            ch_with(&[], 0x0303, &[0xc02f, 0x00ff], Some("a.test"), &[]),
        )
        .tls(S2C, 6, sh(0x0303, None, false))
        .tls(C2S, 7, alert(2, 40));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["secure-renegotiation-missing"]);
        assert_eq!(f[0].frames, [4, 6, 7]);
    }

    fn cert(subject: &str, issuer: &str, not_after: i64) -> Certificate {
        let mut c = crate::session::certificate::summarize(b"");
        c.parse_error = None;
        c.subject = format!("CN={subject}");
        c.issuer = format!("CN={issuer}");
        c.cn = vec![subject.to_string()];
        c.san = vec![subject.to_string()];
        c.not_before_unix = 0;
        c.not_after_unix = not_after;
        c.self_issued = subject == issuer;
        c.eku = vec!["serverAuth".into()];
        c.key_rsa = true;
        c.key_bits = 2048;
        c
    }

    /// A TLS 1.2 handshake whose client answers the certificate with `code`.
    fn rejected_with(chain: Vec<Certificate>, sni: &str, code: u8) -> Vec<Finding> {
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, Some(sni), &[]))
            .tls(S2C, 6, sh(0x0303, None, false))
            .tls(S2C, 6, EventKind::ServerHelloDone)
            .tls(C2S, 7, alert(2, code));
        let mut hs = s.tracker.finish(CloseReason::EndOfCapture, Timestamp(s.t));
        let mut h = hs.remove(0);
        h.certificates = chain;
        h.certificate_frame = Some(6);
        diagnose(&h, &ServerView::default())
    }

    #[test]
    fn diagnose_client_alerts_map_to_certificate_problems() {
        // The capture is at t = 1 s.
        let f = rejected_with(vec![cert("a.test", "CA", 0)], "a.test", 45);
        assert_eq!(codes(&f)[0], "certificate-expired");
        assert_eq!(
            f[0].confidence, None,
            "the alert names what the chain shows"
        );
        assert_eq!(f[0].frames, [4, 6, 7]);
        let f = rejected_with(vec![cert("b.test", "CA", 9_999)], "a.test", 42);
        assert_eq!(codes(&f)[0], "certificate-name-mismatch");
        assert_eq!(f[0].confidence, Some(Confidence::Medium));
        let f = rejected_with(vec![cert("a.test", "a.test", 9_999)], "a.test", 48);
        assert_eq!(codes(&f)[0], "certificate-untrusted");
        assert!(f[0].message.contains("self-signed"));
        let mut eku = cert("a.test", "CA", 9_999);
        eku.eku = vec!["clientAuth".into()];
        let f = rejected_with(vec![eku], "a.test", 43);
        assert_eq!(codes(&f)[0], "certificate-missing-server-auth-eku");
        assert!(f[0].message.contains("0x800b0110"));
        // certificate_expired with every certificate valid: the client's clock.
        let f = rejected_with(
            vec![cert("a.test", "Inter", 9_999), cert("Inter", "Root", 9_999)],
            "a.test",
            45,
        );
        assert_eq!(codes(&f), ["certificate-rejected"]);
        assert!(f[0].message.contains("client's clock"));
        // unknown_ca on a normal chain: the CA at its top is not trusted.
        let f = rejected_with(
            vec![cert("a.test", "Inter", 9_999), cert("Inter", "Root", 9_999)],
            "a.test",
            48,
        );
        assert_eq!(codes(&f), ["certificate-untrusted"]);
        assert!(
            f[0].message.contains("issued by CN=Root"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn diagnose_established_with_expired_certificate_warns() {
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, Some("a.test"), &[]))
            .tls(S2C, 6, sh(0x0303, None, false))
            .tls(C2S, 8, EventKind::ChangeCipherSpec)
            .tls(S2C, 9, EventKind::ChangeCipherSpec);
        let mut hs = s.tracker.finish(CloseReason::EndOfCapture, Timestamp(s.t));
        let mut h = hs.remove(0);
        h.certificates = vec![cert("a.test", "Inter", 0), cert("Inter", "Root", 9_999)];
        h.certificate_frame = Some(6);
        let f = diagnose(&h, &ServerView::default());
        assert_eq!(h.outcome, Outcome::Established);
        assert_eq!(codes(&f), ["certificate-expired"]);
        assert_eq!(f[0].severity, Severity::Warning);
        assert!(f.iter().all(|f| f.severity != Severity::Error));
    }

    #[test]
    fn diagnose_tls12_client_alert_right_after_certificate_request_is_required() {
        let mut s = Script::new();
        tls12_flight(&mut s);
        s.tls(C2S, 8, alert(2, 40));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["client-certificate-required"]);
        assert_eq!(f[0].confidence, Some(Confidence::Medium));
        assert_eq!(f[0].frames, [4, 6, 8]);
    }

    #[test]
    fn diagnose_client_unknown_ca_after_certificate_request_is_about_the_server_certificate() {
        let mut s = Script::new();
        tls12_flight(&mut s);
        s.tls(C2S, 8, alert(2, 48));
        let (_, f) = s.finish();
        assert_eq!(codes(&f), ["certificate-untrusted"]);
    }

    #[test]
    fn diagnose_sslv2_format_hello_reset_is_legacy_version_mismatch() {
        let mut s = Script::new();
        s.tls(
            C2S,
            4,
            EventKind::ClientHello(Box::new(ClientHello {
                record_version: Version(0x0002),
                version: Version(0x0301),
                cipher_suites: vec![CipherSuite(0x002f)],
                sslv2_format: true,
                ..ClientHello::default()
            })),
        )
        .rst(S2C, 5);
        let (_, f) = s.finish();
        assert_eq!(codes(&f)[0], "version-mismatch");
        assert!(f[0].message.contains("SSL 2.0-format"), "{}", f[0].message);
        assert_eq!(f[0].frames, [4, 5]);
    }

    #[test]
    fn diagnose_reset_at_server_that_works_for_others_points_at_this_binding() {
        let view = ServerView {
            established: 7,
            versions: vec![seen(Version(0x0303), 30)],
            with_sni: Some(seen((), 28)),
            without_sni: Some(seen((), 40)),
            ..ServerView::default()
        };
        let mut s = Script::new();
        s.tls(C2S, 4, ch_with(&[], 0x0303, GCM_ONLY, Some("b.test"), &[]))
            .rst(S2C, 5);
        let (_, f) = s.finish_with(&view);
        assert_eq!(codes(&f), ["reset-after-client-hello"]);
        assert!(
            f[0].message.contains("completed 7 other handshakes"),
            "{}",
            f[0].message
        );
        assert!(f[0].message.contains("b.test (SNI)"));
    }
}
