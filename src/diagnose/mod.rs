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

pub mod remedies;
pub mod rules;

use serde::Serialize;

use crate::session::Handshake;

/// Stable finding codes. Serialized kebab-case; never renamed (README table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
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
    /// Bytes are missing from the capture in the handshake.
    CaptureGap,
    /// The capture started after the handshake.
    MidStream,
    /// The capture ends before the handshake does.
    CaptureEnded,
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
            Code::ServerAlert => "server-alert",
            Code::ClientAlert => "client-alert",
            Code::ClientAborted => "client-aborted",
            Code::ServerAborted => "server-aborted",
            Code::CaptureGap => "capture-gap",
            Code::MidStream => "mid-stream",
            Code::CaptureEnded => "capture-ended",
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
    /// Present where the cause is inferred rather than seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
}

impl Finding {
    fn new(code: Code, severity: Severity, message: String, frames: Vec<u64>) -> Self {
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
            confidence: None,
        }
    }

    fn remedies(mut self, r: Vec<String>) -> Self {
        self.remedies = r;
        self
    }

    fn confidence(mut self, c: Confidence) -> Self {
        self.confidence = Some(c);
        self
    }
}

/// All findings for one handshake: at most one cause, then context.
pub fn diagnose(h: &Handshake) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in rules::CAUSES {
        if let Some(f) = (rule.check)(h) {
            out.push(f);
            break;
        }
    }
    for rule in rules::CONTEXT {
        if let Some(f) = (rule.check)(h) {
            out.push(f);
        }
    }
    out
}
