//! Pairs each ClientHello with what answered it.
//!
//! Input: the TLS events of one connection (both directions) and the stream's
//! FIN / RST / gap events, in capture order.
//! Output: one [`Handshake`] per attempt — a ClientHello (two after a
//! HelloRetryRequest) with the ServerHello, HelloRetryRequest, alerts,
//! FIN/RST or silence that answered it, and an [`Outcome`]. A connection
//! picked up mid-stream with TLS records but no ClientHello yields one
//! `incomplete` record without a ClientHello so the report can say so.
//! Invariants: the TLS client is whoever sent the ClientHello, whatever the TCP
//! roles; every fact kept carries the frames that prove it; per-attempt lists
//! are capped so a long connection cannot grow memory.
//! Not done here: saying *why* a handshake failed (`diagnose`).

pub mod certificate;
pub mod packed;

use std::net::SocketAddr;

use serde::Serialize;

use crate::capture::Timestamp;
use crate::stream::{CloseReason, ConnMeta, Direction};
use crate::tls::{self, AlertDescription, CipherSuite, NamedGroup, Version};

pub use certificate::Certificate;

/// Cap on alerts and encrypted-record notes kept per attempt.
const MAX_KEPT: usize = 16;
/// Cap on encrypted-record notes kept per attempt: enough for a TLS 1.3
/// server flight split into many records, the client's Finished and what
/// followed it (a connection stops being followed once it is settled).
const MAX_ENCRYPTED_KEPT: usize = 64;
/// Cap on certificates kept per chain.
const MAX_CERTS: usize = 10;

/// Which TLS role sent something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// The sender of the ClientHello.
    Client,
    /// The other endpoint.
    Server,
}

impl Side {
    /// "client" or "server".
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Client => "client",
            Side::Server => "server",
        }
    }
}

/// Whether the handshake completed, as far as the capture shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Both sides finished the handshake.
    Established,
    /// The capture shows the handshake fail (alert, reset, close, non-TLS reply…).
    Failed,
    /// The capture does not show how it ended (it stops, a gap, mid-stream).
    Incomplete,
}

impl Outcome {
    /// "established", "failed" or "incomplete".
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Established => "established",
            Outcome::Failed => "failed",
            Outcome::Incomplete => "incomplete",
        }
    }
}

/// A ClientHello as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientHelloFacts {
    /// First frame carrying it.
    pub frame: u64,
    /// All frames carrying it.
    pub frames: Vec<u64>,
    /// Record-layer version.
    pub record_version: Version,
    /// legacy_version.
    pub version: Version,
    /// supported_versions without GREASE (empty when absent).
    pub supported_versions: Vec<Version>,
    /// Cipher suites without GREASE, in order.
    pub cipher_suites: Vec<CipherSuite>,
    /// server_name.
    pub sni: Option<String>,
    /// ALPN protocols.
    pub alpn: Vec<String>,
    /// supported_groups without GREASE.
    pub groups: Vec<NamedGroup>,
    /// key_share groups without GREASE.
    pub key_share_groups: Vec<NamedGroup>,
    /// signature_algorithms.
    pub signature_algorithms: Vec<tls::SignatureScheme>,
    /// Extension types without GREASE, in order.
    pub extensions: Vec<tls::ExtensionType>,
    /// SSLv2-compatible format.
    pub sslv2_format: bool,
    /// JA3 fingerprint: MD5 of `ja3_full`, lower-case hex.
    pub ja3: Option<String>,
    /// The JA3 string before hashing.
    pub ja3_full: Option<String>,
    /// JA4 client fingerprint (null for an SSLv2-format hello).
    pub ja4: Option<String>,
}

impl ClientHelloFacts {
    fn new(ch: &tls::ClientHello, ev: &tls::Event) -> Self {
        let (ja3, ja4) = tls::fingerprint::ja3_ja4(ch);
        ClientHelloFacts {
            frame: ev.frames.first().copied().unwrap_or(0),
            frames: ev.frames.clone(),
            record_version: ch.record_version,
            version: ch.version,
            supported_versions: no_grease(&ch.supported_versions, |v| v.0),
            cipher_suites: no_grease(&ch.cipher_suites, |v| v.0),
            sni: ch.sni.clone(),
            alpn: ch.alpn.clone(),
            groups: no_grease(&ch.groups, |v| v.0),
            key_share_groups: no_grease(&ch.key_share_groups, |v| v.0),
            signature_algorithms: no_grease(&ch.signature_algorithms, |v| v.0),
            extensions: no_grease(&ch.extensions, |v| v.0),
            sslv2_format: ch.sslv2_format,
            ja3: ja3.as_ref().map(|j| j.hash.clone()),
            ja3_full: ja3.map(|j| j.full),
            ja4,
        }
    }

    /// The versions the client offers, lowest and highest. With
    /// supported_versions that is the exact set; without it, the client says
    /// only its highest (`legacy_version`), so the lowest is unknown (`None`).
    pub fn version_range(&self) -> (Option<Version>, Version) {
        if self.supported_versions.is_empty() {
            (None, self.version)
        } else {
            let min = self.supported_versions.iter().min().copied();
            let max = self.supported_versions.iter().max().copied();
            (min, max.unwrap_or(self.version))
        }
    }

    /// "TLS 1.1–TLS 1.2", "up to TLS 1.2", "TLS 1.3".
    pub fn offered_versions_text(&self) -> String {
        match self.version_range() {
            (Some(min), max) if min == max => max.to_string(),
            (Some(min), max) => format!("{min}–{max}"),
            (None, max) => format!("up to {max}"),
        }
    }
}

fn no_grease<T: Copy>(v: &[T], raw: impl Fn(&T) -> u16) -> Vec<T> {
    // Sized up front: a filtered iterator's collect grows (and copies) the
    // vector several times.
    let mut out = Vec::with_capacity(v.len());
    out.extend(v.iter().filter(|x| !tls::enums::is_grease(raw(x))).copied());
    out
}

/// A ServerHello or HelloRetryRequest as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerHelloFacts {
    /// First frame carrying it.
    pub frame: u64,
    /// All frames carrying it.
    pub frames: Vec<u64>,
    /// Record-layer version.
    pub record_version: Version,
    /// The negotiated version (supported_versions when present, else legacy).
    pub version: Version,
    /// The chosen cipher suite; null for SSL 2.0, whose SERVER-HELLO lists
    /// ciphers and leaves the choice to the client.
    pub cipher_suite: Option<CipherSuite>,
    /// The chosen ALPN protocol.
    pub alpn: Option<String>,
    /// The key-share group (for an HRR: the group the server asks for).
    pub group: Option<NamedGroup>,
    /// Extension types in order.
    pub extensions: Vec<tls::ExtensionType>,
    /// JA3S fingerprint: MD5 of `ja3s_full`, lower-case hex (null for SSL 2.0).
    pub ja3s: Option<String>,
    /// The JA3S string before hashing.
    pub ja3s_full: Option<String>,
    /// SSL 2.0 SERVER-HELLO format.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sslv2_format: bool,
}

impl ServerHelloFacts {
    fn new(sh: &tls::ServerHello, ev: &tls::Event) -> Self {
        let ja3s = tls::fingerprint::ja3s(sh);
        ServerHelloFacts {
            frame: ev.frames.first().copied().unwrap_or(0),
            frames: ev.frames.clone(),
            record_version: sh.record_version,
            version: sh.negotiated_version(),
            cipher_suite: (!sh.sslv2_format).then_some(sh.cipher_suite),
            alpn: sh.alpn.clone(),
            group: sh.key_share_group,
            extensions: sh.extensions.clone(),
            ja3s: ja3s.as_ref().map(|j| j.hash.clone()),
            ja3s_full: ja3s.map(|j| j.full),
            sslv2_format: sh.sslv2_format,
        }
    }
}

/// An alert as reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AlertFacts {
    /// The frame that carried it.
    pub frame: u64,
    /// Who sent it.
    pub from: Side,
    /// "warning", "fatal", or null when encrypted.
    pub level: Option<&'static str>,
    /// The description's name, or null when encrypted.
    pub description: Option<String>,
    /// The description code, or null when encrypted.
    pub code: Option<u8>,
    /// Sent after the sender's encryption started: content unreadable.
    pub encrypted: bool,
    /// Record-layer version of the record carrying it.
    pub record_version: Version,
}

impl AlertFacts {
    /// The alert's description, when readable.
    pub fn description_code(&self) -> Option<AlertDescription> {
        self.code.map(AlertDescription)
    }
    /// Fatal, or a readable alert that ends the handshake.
    pub fn is_fatal(&self) -> bool {
        self.level == Some("fatal")
    }
}

/// How the TCP connection ended, first FIN or RST after the ClientHello.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Termination {
    /// "fin" or "rst".
    pub kind: &'static str,
    /// Who sent it.
    pub from: Side,
    /// The frame carrying it.
    pub frame: u64,
    /// Seconds after the ClientHello.
    #[serde(skip)]
    pub after_ns: i64,
}

/// The client's Certificate message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ClientCertificate {
    /// The frame carrying it.
    pub frame: u64,
    /// Certificates in it (0: the client has none to give).
    pub certificates: usize,
}

/// Missing bytes in one direction, while the handshake was not yet decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GapFacts {
    /// Whose bytes are missing.
    pub from: Side,
    /// The frame where the hole was declared.
    pub frame: u64,
    /// Stream offset of the first missing byte.
    pub offset: u64,
    /// Number of missing bytes.
    pub len: u64,
}

/// Non-TLS bytes a side sent where TLS was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NonTlsFacts {
    /// The frame carrying them.
    pub frame: u64,
    /// Who sent them.
    pub from: Side,
    /// The first bytes, as text with non-printable bytes escaped.
    pub preview: String,
    /// Raw first bytes.
    #[serde(skip)]
    pub raw: Vec<u8>,
}

/// One encrypted record, kept for record-size reasoning (TLS 1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptedRecord {
    /// Who sent it.
    pub from: Side,
    /// The frame that carried its end.
    pub frame: u64,
    /// Content type on the wire.
    pub content_type: u8,
    /// Record length.
    pub len: usize,
}

/// What the records after a TLS 1.3 client Finished show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls13After {
    /// Not TLS 1.3, or no client Finished seen.
    NotApplicable,
    /// The server went on (ticket, data), or the client closed after finishing.
    Confirmed,
    /// The server's first record after the Finished is alert-sized.
    Rejected(EncryptedRecord),
    /// The server closed or reset without another record.
    ServerClosed(Termination),
    /// The capture shows nothing after the Finished.
    Unknown,
}

/// One handshake attempt and everything the capture shows about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handshake {
    /// The TLS client (sender of the ClientHello).
    #[serde(serialize_with = "ser_addr")]
    pub client: SocketAddr,
    /// The TLS server.
    #[serde(serialize_with = "ser_addr")]
    pub server: SocketAddr,
    /// First frame of the attempt (the connection's first frame for its first attempt).
    pub first_frame: u64,
    /// Time of that frame.
    #[serde(serialize_with = "ser_ts")]
    pub start: Timestamp,
    /// The ClientHello (null for a connection picked up mid-stream).
    pub client_hello: Option<ClientHelloFacts>,
    /// The second ClientHello of the attempt: after a HelloRetryRequest, or
    /// repeated before the server answered anything.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retried_client_hello: Option<Box<ClientHelloFacts>>,
    /// The ServerHello.
    pub server_hello: Option<ServerHelloFacts>,
    /// The HelloRetryRequest.
    pub hello_retry_request: Option<Box<ServerHelloFacts>>,
    /// The server's certificate chain (TLS ≤ 1.2 only; 1.3 encrypts it).
    pub certificates: Vec<Certificate>,
    /// Frame of the Certificate message.
    #[serde(skip)]
    pub certificate_frame: Option<u64>,
    /// Frame of a CertificateRequest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_request_frame: Option<u64>,
    /// The client's Certificate message (TLS ≤ 1.2), answering a
    /// CertificateRequest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<ClientCertificate>,
    /// Alerts, in order.
    pub alerts: Vec<AlertFacts>,
    /// ChangeCipherSpec frames: client's, server's.
    #[serde(skip)]
    pub ccs: [Option<u64>; 2],
    /// The first FIN or RST after the ClientHello.
    pub termination: Option<Termination>,
    /// Non-TLS reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub non_tls: Option<Box<NonTlsFacts>>,
    /// Gaps while the handshake was undecided.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<GapFacts>,
    /// First encrypted records (both sides), capped.
    #[serde(skip)]
    pub encrypted: Vec<EncryptedRecord>,
    /// Encrypted records after the handshake, per side (client, server).
    #[serde(skip)]
    pub encrypted_counts: [u64; 2],
    /// Segments with data after the ServerHello, per side (client, server):
    /// the only sign of progress in SSL 2.0, whose records are not decoded.
    #[serde(skip)]
    pub data_after_server_hello: [u64; 2],
    /// Bytes the server sent in this attempt (TLS or not).
    #[serde(skip)]
    pub server_sent_anything: bool,
    /// First frame where the client went on with the handshake after its
    /// hello (a later handshake message, ChangeCipherSpec or encrypted
    /// record): proof that the server answered, seen or not.
    #[serde(skip)]
    pub client_continued: Option<u64>,
    /// Last frame of the server's data seen.
    #[serde(skip)]
    pub last_frame: u64,
    /// The connection was picked up without its TCP opening.
    pub midstream: bool,
    /// The process that owned the connection, when the capture recorded it
    /// (Network Monitor's process table): "name.exe (PID n)".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<String>,
    /// How the reassembler saw the connection end.
    pub tcp_close: CloseReason,
    /// Whether it completed.
    pub outcome: Outcome,
    /// Time of the ClientHello.
    #[serde(skip)]
    pub client_hello_ts: Timestamp,
    /// Time of the last event seen.
    #[serde(skip)]
    pub last_ts: Timestamp,
}

fn ser_addr<S: serde::Serializer>(a: &SocketAddr, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(a)
}

fn ser_ts<S: serde::Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::report::rfc3339(*t))
}

impl Handshake {
    fn side(&self, s: Side) -> usize {
        match s {
            Side::Client => 0,
            Side::Server => 1,
        }
    }

    /// The negotiated version, if a ServerHello was seen.
    pub fn version(&self) -> Option<Version> {
        self.server_hello.as_ref().map(|s| s.version)
    }

    /// The first readable fatal alert (or close_notify before a ServerHello).
    pub fn decisive_alert(&self) -> Option<&AlertFacts> {
        self.alerts.iter().find(|a| {
            !a.encrypted && (a.is_fatal() || (a.code == Some(0) && self.server_hello.is_none()))
        })
    }

    /// Whether this is TLS 1.3 (negotiated), final or a draft (`0x7fXX`,
    /// draft XX, which switches keys at the same point).
    pub fn is_tls13(&self) -> bool {
        self.version()
            .is_some_and(|v| v.0 == 0x0304 || v.0 >> 8 == 0x7f)
    }

    /// The client's encrypted records after the ServerHello (TLS 1.3).
    fn client_encrypted_after_hello(&self) -> impl Iterator<Item = &EncryptedRecord> {
        let sh = self
            .server_hello
            .as_ref()
            .map(|s| s.frame)
            .unwrap_or(u64::MAX);
        self.encrypted
            .iter()
            .filter(move |r| r.from == Side::Client && r.frame >= sh && r.content_type != 20)
    }

    /// An encrypted TLS 1.3 alert is 2 bytes + content type + a 16-byte AEAD
    /// tag = 19 bytes (RFC 8446 §5.2; 11 with CCM_8). The smallest client
    /// flight is larger: an empty Certificate is 25, a Finished at least 53
    /// (RFC 8446 §4.4.4). Up to 24 leaves room for a little record padding.
    const TLS13_ALERT_MAX: usize = 24;

    /// The client answered a TLS 1.3 server flight only with alert-sized
    /// encrypted records: it never sent its Finished. The first such record.
    pub fn tls13_client_alert(&self) -> Option<&EncryptedRecord> {
        if !self.is_tls13() {
            return None;
        }
        let mut first = None;
        for r in self.client_encrypted_after_hello() {
            if r.len > Self::TLS13_ALERT_MAX {
                return None;
            }
            first.get_or_insert(r);
        }
        first
    }

    /// The client's first record after the ServerHello too large to be an
    /// alert: its Finished (with its Certificate flight, if any).
    fn tls13_client_finished(&self) -> Option<&EncryptedRecord> {
        self.client_encrypted_after_hello()
            .find(|r| r.len > Self::TLS13_ALERT_MAX)
    }

    /// What followed the client's TLS 1.3 Finished. The server's verdict on
    /// the client's flight (a missing client certificate, say) is encrypted,
    /// so it is read from record sizes and order.
    pub fn tls13_after_finished(&self) -> Tls13After {
        if !self.is_tls13() {
            return Tls13After::NotApplicable;
        }
        let Some(fin) = self.tls13_client_finished() else {
            return Tls13After::NotApplicable;
        };
        for r in self.encrypted.iter().filter(|r| r.frame > fin.frame) {
            match r.from {
                // A ticket or application data: the server accepted the flight.
                Side::Server if r.len > Self::TLS13_ALERT_MAX => return Tls13After::Confirmed,
                // An alert before anything else from the server: it refused.
                Side::Server => return Tls13After::Rejected(*r),
                // The client closed (close_notify) first: it was done.
                Side::Client if r.len <= Self::TLS13_ALERT_MAX => return Tls13After::Confirmed,
                Side::Client => {}
            }
        }
        match self.termination {
            Some(t) if t.frame > fin.frame && t.from == Side::Server => Tls13After::ServerClosed(t),
            // The client finished and left without waiting: complete for it.
            Some(t) if t.frame > fin.frame => Tls13After::Confirmed,
            _ => Tls13After::Unknown,
        }
    }

    /// Only the client's direction is in the capture: it went on with the
    /// handshake, so the server answered, but none of the server's bytes
    /// were captured.
    pub fn one_sided(&self) -> bool {
        !self.server_sent_anything && self.client_continued.is_some()
    }

    fn established(&self) -> bool {
        let Some(sh) = &self.server_hello else {
            return false;
        };
        if sh.sslv2_format {
            // SSL 2.0: the server's hello is the last plaintext message; the
            // client's CLIENT-MASTER-KEY and the server's encrypted
            // SERVER-VERIFY follow (RFC 6101 App. E is silent; SSL 2.0 draft
            // §2.6): data from both sides after it means the handshake went on.
            return self.data_after_server_hello[0] > 0 && self.data_after_server_hello[1] > 0;
        }
        if self.decisive_alert().is_some() || self.non_tls.is_some() {
            return false;
        }
        if self.is_tls13() {
            return self.tls13_after_finished() == Tls13After::Confirmed;
        }
        // TLS ≤ 1.2: both sides switched to encryption (RFC 5246 §7.1) and the
        // peer did not follow with a plaintext fatal alert; application data
        // from both is the strongest sign.
        let both_ccs = self.ccs[0].is_some() && self.ccs[1].is_some();
        let data_both = self.encrypted_counts[0] > 1 && self.encrypted_counts[1] > 1;
        both_ccs || (self.ccs[1].is_some() && data_both)
    }

    fn decide(&self) -> Outcome {
        if self.client_hello.is_none() {
            return Outcome::Incomplete;
        }
        if self.established() {
            return Outcome::Established;
        }
        if self.decisive_alert().is_some() || self.non_tls.is_some() {
            return Outcome::Failed;
        }
        if self.one_sided() {
            return Outcome::Incomplete;
        }
        if self.tls13_client_alert().is_some() {
            return Outcome::Failed;
        }
        if let Tls13After::Rejected(_) | Tls13After::ServerClosed(_) = self.tls13_after_finished() {
            return Outcome::Failed;
        }
        if !self.gaps.is_empty() {
            return Outcome::Incomplete;
        }
        if self.termination.is_some() {
            return Outcome::Failed;
        }
        Outcome::Incomplete
    }
}

/// Pairs the events of one connection into handshake attempts.
#[derive(Debug)]
pub struct Tracker {
    meta: ConnMeta,
    /// Stream direction in which the ClientHello travelled.
    client_dir: Option<Direction>,
    current: Option<Handshake>,
    done: Vec<Handshake>,
    /// Non-TLS bytes seen before any ClientHello, per stream direction.
    early_non_tls: [Option<Box<NonTlsFacts>>; 2],
    /// TLS records seen without a ClientHello (mid-stream pickup).
    orphan_tls: Option<(u64, Timestamp)>,
    settled: bool,
}

impl Tracker {
    /// A tracker for the connection `meta`.
    pub fn new(meta: &ConnMeta) -> Self {
        Tracker {
            meta: meta.clone(),
            client_dir: None,
            current: None,
            done: Vec::new(),
            early_non_tls: [None, None],
            orphan_tls: None,
            settled: false,
        }
    }

    /// True once the current attempt is established: nothing more in the
    /// connection can change its verdict, so the stream may stop delivering data.
    pub fn settled(&self) -> bool {
        self.settled
    }

    fn side_of(&self, dir: Direction) -> Side {
        match self.client_dir {
            Some(d) if d == dir => Side::Client,
            Some(_) => Side::Server,
            None => match dir {
                Direction::ClientToServer => Side::Client,
                Direction::ServerToClient => Side::Server,
            },
        }
    }

    /// A new attempt whose client sent in stream direction `client_dir`.
    fn attempt(
        &self,
        client_dir: Direction,
        ev: &tls::Event,
        ch: Option<ClientHelloFacts>,
    ) -> Handshake {
        let (client, server) = if client_dir == Direction::ClientToServer {
            (self.meta.client, self.meta.server)
        } else {
            (self.meta.server, self.meta.client)
        };
        let first = self.done.is_empty();
        let frame = ev.frames.first().copied().unwrap_or(0);
        Handshake {
            client,
            server,
            first_frame: if first { self.meta.first_frame } else { frame },
            start: if first { self.meta.start } else { ev.ts },
            client_hello: ch,
            retried_client_hello: None,
            server_hello: None,
            hello_retry_request: None,
            certificates: Vec::new(),
            certificate_frame: None,
            certificate_request_frame: None,
            client_certificate: None,
            alerts: Vec::new(),
            ccs: [None, None],
            termination: None,
            non_tls: None,
            gaps: Vec::new(),
            encrypted: Vec::new(),
            encrypted_counts: [0, 0],
            data_after_server_hello: [0, 0],
            server_sent_anything: false,
            client_continued: None,
            last_frame: ev.frames.last().copied().unwrap_or(0),
            midstream: !self.meta.saw_open,
            process: None,
            tcp_close: CloseReason::EndOfCapture,
            outcome: Outcome::Incomplete,
            client_hello_ts: ev.ts,
            last_ts: ev.ts,
        }
    }

    fn start_attempt(&mut self, dir: Direction, ev: &tls::Event, ch: &tls::ClientHello) {
        if let Some(prev) = self.current.take() {
            self.done.push(prev);
        }
        self.client_dir = Some(dir);
        let mut h = self.attempt(dir, ev, Some(ClientHelloFacts::new(ch, ev)));
        let server_early = self.early_non_tls[dir.reverse().index()].take();
        // The client itself spoke plaintext first: TLS starts after a
        // preamble (STARTTLS, HTTP CONNECT, SOCKS), so the server's plaintext
        // was part of that protocol, not an answer to the ClientHello.
        let upgrade = self.early_non_tls[dir.index()].take().is_some();
        // Otherwise a server that spoke first with something that is not TLS
        // (an SSH or SMTP banner) answered before the ClientHello.
        if let (Some(mut nt), false) = (server_early, upgrade) {
            nt.from = Side::Server;
            h.server_sent_anything = true;
            h.non_tls = Some(nt);
        }
        self.current = Some(h);
        self.settled = false;
    }

    /// Takes the TLS events of this connection.
    pub fn on_tls(&mut self, events: &[tls::Event]) {
        for ev in events {
            self.on_tls_event(ev);
        }
    }

    fn on_tls_event(&mut self, ev: &tls::Event) {
        let frame = ev.frames.last().copied().unwrap_or(0);
        if let tls::EventKind::ClientHello(ch) = &ev.kind {
            // A second plaintext ClientHello belongs to the same attempt when
            // it answers a HelloRetryRequest (RFC 8446 §4.1.4) or when the
            // server has not answered at all yet (a duplicate, or an HRR the
            // capture missed). Renegotiation is encrypted, so a later hello
            // after a real answer starts a new attempt.
            let retry = self.current.as_ref().is_some_and(|h| {
                (h.hello_retry_request.is_some() || !h.server_sent_anything)
                    && h.retried_client_hello.is_none()
                    && h.server_hello.is_none()
                    && h.client_hello.is_some()
                    && Some(ev.dir) == self.client_dir
            });
            if retry {
                if let Some(h) = self.current.as_mut() {
                    h.retried_client_hello = Some(Box::new(ClientHelloFacts::new(ch, ev)));
                    h.last_ts = ev.ts;
                }
            } else {
                self.start_attempt(ev.dir, ev, ch);
            }
            return;
        }
        if self.current.is_none()
            && let tls::EventKind::ServerHello(_) = &ev.kind
        {
            // The capture began after the ClientHello: keep the server's
            // answer (version, suite, certificate) without an offer.
            self.client_dir = Some(ev.dir.reverse());
            self.current = Some(self.attempt(ev.dir.reverse(), ev, None));
        }
        let side = self.side_of(ev.dir);
        let Some(h) = self.current.as_mut() else {
            match &ev.kind {
                tls::EventKind::NotTls { preview } => {
                    self.early_non_tls[ev.dir.index()] = Some(Box::new(NonTlsFacts {
                        frame: ev.frames.first().copied().unwrap_or(0),
                        from: side,
                        preview: printable(preview),
                        raw: preview.clone(),
                    }));
                }
                tls::EventKind::Anomaly(_) => {}
                _ => {
                    if self.orphan_tls.is_none() {
                        self.orphan_tls = Some((ev.frames.first().copied().unwrap_or(0), ev.ts));
                    }
                }
            }
            return;
        };
        h.last_ts = ev.ts;
        // A gap is reported by the TLS layer as an anomaly of the direction
        // whose bytes are missing: that side sent nothing we saw.
        if side == Side::Server && !matches!(ev.kind, tls::EventKind::Anomaly(_)) {
            h.server_sent_anything = true;
            h.last_frame = frame;
        }
        let si = h.side(side);
        // Only a plaintext handshake message after the hello (a TLS ≤ 1.2
        // ClientKeyExchange or Certificate) proves the server answered: a
        // TLS 1.3 client sends its compatibility CCS and 0-RTT data unasked.
        if side == Side::Client
            && matches!(
                ev.kind,
                tls::EventKind::OtherHandshake(_) | tls::EventKind::Certificate(_)
            )
        {
            h.client_continued.get_or_insert(frame);
        }
        match &ev.kind {
            tls::EventKind::ClientHello(_) => {}
            tls::EventKind::ServerHello(sh) => {
                let facts = ServerHelloFacts::new(sh, ev);
                if sh.is_hello_retry_request {
                    if h.hello_retry_request.is_none() {
                        h.hello_retry_request = Some(Box::new(facts));
                    }
                } else if h.server_hello.is_none() {
                    h.server_hello = Some(facts);
                }
            }
            tls::EventKind::Certificate(chain) => {
                if side == Side::Client && h.client_certificate.is_none() {
                    h.client_certificate = Some(ClientCertificate {
                        frame: ev.frames.first().copied().unwrap_or(0),
                        certificates: chain.len(),
                    });
                }
                if side == Side::Server && h.certificates.is_empty() {
                    h.certificate_frame = ev.frames.first().copied();
                    h.certificates = chain
                        .iter()
                        .take(MAX_CERTS)
                        .map(|c| certificate::summarize(&c.0))
                        .collect();
                }
            }
            tls::EventKind::CertificateRequest => {
                h.certificate_request_frame.get_or_insert(frame);
            }
            tls::EventKind::ServerHelloDone | tls::EventKind::OtherHandshake(_) => {}
            tls::EventKind::ChangeCipherSpec => {
                // In TLS 1.3 the CCS is a middlebox-compatibility no-op (RFC 8446
                // §D.4), which a client may send right after its hello; only
                // one after the server's answer marks where that side moved on.
                if side == Side::Server || h.server_hello.is_some() {
                    h.ccs[si].get_or_insert(frame);
                }
            }
            tls::EventKind::Alert { level, description } => {
                if h.alerts.len() < MAX_KEPT {
                    h.alerts.push(AlertFacts {
                        frame,
                        from: side,
                        level: Some(if *level == 1 { "warning" } else { "fatal" }),
                        description: Some(description.to_string()),
                        code: Some(description.0),
                        encrypted: false,
                        record_version: ev.record_version,
                    });
                }
            }
            tls::EventKind::EncryptedAlert { len } => {
                if h.alerts.len() < MAX_KEPT {
                    h.alerts.push(AlertFacts {
                        frame,
                        from: side,
                        level: None,
                        description: None,
                        code: None,
                        encrypted: true,
                        record_version: ev.record_version,
                    });
                }
                if h.encrypted.len() < MAX_ENCRYPTED_KEPT {
                    h.encrypted.push(EncryptedRecord {
                        from: side,
                        frame,
                        content_type: 21,
                        len: *len,
                    });
                }
            }
            tls::EventKind::Encrypted { content_type, len } => {
                h.encrypted_counts[si] += 1;
                if h.encrypted.len() < MAX_ENCRYPTED_KEPT {
                    h.encrypted.push(EncryptedRecord {
                        from: side,
                        frame,
                        content_type: *content_type,
                        len: *len,
                    });
                }
            }
            tls::EventKind::NotTls { preview } => {
                if side == Side::Server && h.non_tls.is_none() {
                    h.non_tls = Some(Box::new(NonTlsFacts {
                        frame: ev.frames.first().copied().unwrap_or(0),
                        from: side,
                        preview: printable(preview),
                        raw: preview.clone(),
                    }));
                }
            }
            tls::EventKind::Anomaly(_) => {}
        }
        if h.established() {
            self.settled = true;
        }
    }

    /// Takes a stream-level event (FIN, RST, gap) of direction `dir`.
    pub fn on_stream(&mut self, dir: Direction, ev: &crate::stream::Event<'_>) {
        let side = self.side_of(dir);
        let settled = self.settled;
        let Some(h) = self.current.as_mut() else {
            return;
        };
        match *ev {
            crate::stream::Event::Fin { frame, ts, .. }
            | crate::stream::Event::Reset { frame, ts } => {
                if h.termination.is_none() {
                    let kind = if matches!(ev, crate::stream::Event::Fin { .. }) {
                        "fin"
                    } else {
                        "rst"
                    };
                    h.termination = Some(Termination {
                        kind,
                        from: side,
                        frame,
                        after_ns: ts.0.saturating_sub(h.client_hello_ts.0),
                    });
                }
                h.last_ts = ts;
            }
            crate::stream::Event::Gap { offset, len, frame } => {
                if !settled && h.gaps.len() < MAX_KEPT {
                    h.gaps.push(GapFacts {
                        from: side,
                        frame,
                        offset,
                        len,
                    });
                }
            }
            crate::stream::Event::Data { frame, ts, .. } => {
                if side == Side::Server {
                    h.server_sent_anything = true;
                    h.last_frame = frame;
                }
                if h.server_hello.as_ref().is_some_and(|sh| frame > sh.frame) {
                    h.data_after_server_hello[h.side(side)] += 1;
                }
                h.last_ts = ts;
                if h.established() {
                    self.settled = true;
                }
            }
        }
    }

    /// The connection ended: every attempt with its outcome.
    pub fn finish(mut self, reason: CloseReason, last_ts: Timestamp) -> Vec<Handshake> {
        if let Some(h) = self.current.take() {
            self.done.push(h);
        }
        if self.done.is_empty()
            && let Some((frame, ts)) = self.orphan_tls
        {
            // TLS records but no hello: the capture began after them.
            let ev = tls::Event {
                dir: Direction::ClientToServer,
                frames: vec![frame],
                ts,
                record_version: Version(0),
                kind: tls::EventKind::Anomaly(String::new()),
            };
            let mut h = self.attempt(Direction::ClientToServer, &ev, None);
            h.server_sent_anything = true;
            self.done.push(h);
        }
        for h in &mut self.done {
            h.tcp_close = reason;
            if h.last_ts.0 < last_ts.0 {
                h.last_ts = last_ts;
            }
            h.outcome = h.decide();
        }
        self.done
    }
}

/// Bytes as text: printable ASCII kept, CR/LF as `\r\n`, others as `\xNN`.
pub fn printable(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len());
    for &c in b {
        match c {
            b'\r' => s.push_str("\\r"),
            b'\n' => s.push_str("\\n"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\x{c:02x}")),
        }
    }
    s
}
