//! Sans-IO TLS decoding of both directions of one connection.
//!
//! Input: reassembled stream [`crate::stream::Event`]s per direction.
//! Output: [`Event`]s (hellos, certificates, alerts, CCS, opaque records,
//! "this is not TLS", anomalies), each with the frames that carried its bytes.
//! Invariants: handshake messages are reassembled across records and segments;
//! alerts are decoded only while their direction is plaintext; once a direction
//! is encrypted (after its CCS in TLS ≤ 1.2, after the ServerHello in TLS 1.3)
//! only record headers are followed, record bodies are never buffered; buffers
//! are capped ([`MAX_HANDSHAKE_BUFFER`]). A TLS client is whoever sends the
//! ClientHello, whatever the port or the TCP roles. A direction that does not
//! start with TLS is reported once as [`EventKind::NotTls`] and then searched
//! for a ClientHello/ServerHello record for 64 KiB, so TLS after a plaintext
//! preamble (STARTTLS, HTTP CONNECT, SOCKS) is still found.
//! Not done here: pairing hellos into attempts (`session`), judging (`diagnose`).

mod codec;
pub mod enums;
pub mod fingerprint;
mod hello;
mod record;

use crate::capture::Timestamp;
use crate::stream::Direction;

use codec::Half;

pub use enums::{
    AlertDescription, CipherSuite, ExtensionType, NamedGroup, SignatureScheme, Version, is_grease,
};
pub use hello::HRR_RANDOM;

/// Cap on a buffered handshake message (bounds huge certificate chains).
pub const MAX_HANDSHAKE_BUFFER: usize = 256 * 1024;

/// A parsed ClientHello (TLS record format or SSLv2-compatible).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClientHello {
    /// Version in the record header (for SSLv2 format: 0x0002).
    pub record_version: Version,
    /// `legacy_version` of the hello.
    pub version: Version,
    /// Offered cipher suites in wire order, GREASE included. In an SSLv2
    /// hello, a 3-byte cipher spec `00 XX YY` is TLS suite `0xXXYY`; other
    /// specs (SSL 2.0 kinds) are in `sslv2_cipher_kinds` instead.
    pub cipher_suites: Vec<CipherSuite>,
    /// SSLv2 hello only: the SSL 2.0 cipher kinds (first byte ≠ 0, e.g.
    /// `0x010080` SSL_CK_RC4_128_WITH_MD5), in wire order.
    pub sslv2_cipher_kinds: Vec<u32>,
    /// SSLv2 hello only: every 3-byte cipher spec as a 24-bit value, in wire
    /// order (the two lists above split them and lose their interleaving,
    /// which a fingerprint needs).
    pub sslv2_cipher_specs: Vec<u32>,
    /// Extension types in wire order, GREASE included.
    pub extensions: Vec<ExtensionType>,
    /// server_name (host_name), if present and valid UTF-8.
    pub sni: Option<String>,
    /// ALPN protocol names in order.
    pub alpn: Vec<String>,
    /// The first ALPN protocol name as sent (`alpn` is lossy UTF-8; the JA4
    /// fingerprint needs the bytes). `None` without ALPN or with an empty list.
    pub alpn_first: Option<Vec<u8>>,
    /// supported_versions (GREASE included), empty when the extension is absent.
    pub supported_versions: Vec<Version>,
    /// supported_groups in order (GREASE included).
    pub groups: Vec<NamedGroup>,
    /// Groups of the key_share entries (TLS 1.3).
    pub key_share_groups: Vec<NamedGroup>,
    /// signature_algorithms in order.
    pub signature_algorithms: Vec<SignatureScheme>,
    /// ec_point_formats.
    pub ec_point_formats: Vec<u8>,
    /// The hello came in SSLv2-compatible format (RFC 5246 Appendix E.2).
    pub sslv2_format: bool,
}

/// A parsed ServerHello or HelloRetryRequest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServerHello {
    /// Version in the record header.
    pub record_version: Version,
    /// `legacy_version` of the hello.
    pub version: Version,
    /// The supported_versions extension's value (TLS 1.3), if present.
    pub selected_version: Option<Version>,
    /// Chosen cipher suite.
    pub cipher_suite: CipherSuite,
    /// Extension types in wire order.
    pub extensions: Vec<ExtensionType>,
    /// Chosen ALPN protocol.
    pub alpn: Option<String>,
    /// Group of the key_share (for an HRR: the group asked for).
    pub key_share_group: Option<NamedGroup>,
    /// The random is the RFC 8446 §4.1.3 HelloRetryRequest magic value.
    pub is_hello_retry_request: bool,
    /// The random ends with a downgrade sentinel (RFC 8446 §4.1.3): `0x0303`
    /// for `DOWNGRD\x01` (server capped at TLS 1.2), `0x0302` for
    /// `DOWNGRD\x00` (TLS 1.1 or below).
    pub downgrade_sentinel: Option<Version>,
    /// The SSL 2.0 SERVER-HELLO format (then `version` is 0x0002 and
    /// `cipher_suite` is 0: SSL 2.0 cipher kinds are not TLS suites).
    pub sslv2_format: bool,
}

impl ServerHello {
    /// The negotiated version: supported_versions when present, else legacy.
    pub fn negotiated_version(&self) -> Version {
        self.selected_version.unwrap_or(self.version)
    }
}

/// One certificate of a chain, DER as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateDer(pub Vec<u8>);

/// What the TLS layer saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A ClientHello.
    ClientHello(Box<ClientHello>),
    /// A ServerHello or HelloRetryRequest.
    ServerHello(Box<ServerHello>),
    /// A Certificate message (TLS ≤ 1.2 layout), leaf first as sent.
    Certificate(Vec<CertificateDer>),
    /// A CertificateRequest (plaintext, TLS ≤ 1.2).
    CertificateRequest,
    /// ServerHelloDone.
    ServerHelloDone,
    /// Any other plaintext handshake message, by type (RFC 8446 §4).
    OtherHandshake(u8),
    /// A ChangeCipherSpec record.
    ChangeCipherSpec,
    /// A plaintext alert.
    Alert {
        /// 1 warning, 2 fatal.
        level: u8,
        /// The description code.
        description: AlertDescription,
    },
    /// An alert record sent after the direction was encrypted: its content
    /// cannot be read, only its length.
    EncryptedAlert {
        /// Record length.
        len: usize,
    },
    /// An encrypted record (application data, or encrypted handshake in TLS 1.3).
    Encrypted {
        /// Record content type as on the wire (23 in TLS 1.3).
        content_type: u8,
        /// Record length.
        len: usize,
    },
    /// The first bytes of this direction are not TLS (an HTTP reply, an SSH
    /// banner…): up to 64 bytes of them. No more events follow in this direction.
    NotTls {
        /// The first bytes.
        preview: Vec<u8>,
    },
    /// Something malformed or unexpected; decoding resynchronises or stops.
    Anomaly(String),
}

/// A TLS event with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Who sent it, in the stream's orientation.
    pub dir: Direction,
    /// Frames whose bytes make up this event (sorted, unique, non-empty).
    pub frames: Vec<u64>,
    /// Time of the last of those frames.
    pub ts: Timestamp,
    /// Record-layer version of the record that carried it (0 if none).
    pub record_version: Version,
    /// What it is.
    pub kind: EventKind,
}

/// Decoder state for both directions of one connection.
#[derive(Debug)]
pub struct Conn {
    /// Indexed by [`Direction::index`].
    halves: [Half; 2],
}

impl Default for Conn {
    fn default() -> Self {
        Self::new()
    }
}

impl Conn {
    /// A fresh connection.
    pub fn new() -> Self {
        Conn {
            halves: [
                Half::new(Direction::ClientToServer),
                Half::new(Direction::ServerToClient),
            ],
        }
    }

    /// The decoder of `dir` and the one of the other direction.
    fn pair(&mut self, dir: Direction) -> (&mut Half, &mut Half) {
        let [a, b] = &mut self.halves;
        match dir {
            Direction::ClientToServer => (a, b),
            Direction::ServerToClient => (b, a),
        }
    }

    /// Feeds one stream event of direction `dir`; decoded events go to `out`.
    pub fn feed(&mut self, dir: Direction, ev: &crate::stream::Event<'_>, out: &mut Vec<Event>) {
        let (me, peer) = self.pair(dir);
        match *ev {
            crate::stream::Event::Data {
                offset,
                bytes,
                frame,
                ts,
            } => codec::data(me, peer, offset, bytes, frame, ts, out),
            crate::stream::Event::Gap { offset, len, frame } => {
                codec::gap(me, offset, len, frame, out);
            }
            crate::stream::Event::Fin { .. } | crate::stream::Event::Reset { .. } => {
                codec::flush(me, peer, out);
            }
        }
    }

    /// End of the connection: a partial record or message left in a buffer
    /// becomes an anomaly.
    pub fn finish(&mut self, out: &mut Vec<Event>) {
        for dir in [Direction::ClientToServer, Direction::ServerToClient] {
            let (me, peer) = self.pair(dir);
            codec::flush(me, peer, out);
        }
    }

    /// True once both directions are encrypted, or are known not to be TLS:
    /// the stream need not buffer out-of-order data any more.
    pub fn past_handshake(&self) -> bool {
        let [a, b] = &self.halves;
        // A direction still searching plaintext for a TLS upgrade needs
        // its out-of-order data like any handshake does.
        (a.done() && !b.upgrading())
            || (b.done() && !a.upgrading())
            || (a.encrypted() && b.encrypted())
    }

    /// True when neither direction will be decoded any more (not TLS, SSL 2.0,
    /// or no record boundary found): the connection's data is of no use.
    pub fn finished(&self) -> bool {
        let [a, b] = &self.halves;
        // After an SSL 2.0 SERVER-HELLO the records are not decoded, but the
        // session still needs to see whether both sides go on sending.
        a.done() && b.done() && !(a.sslv2() || b.sslv2())
    }
}

#[cfg(test)]
mod tests;
