//! Hello, Certificate and SSLv2 hello parsing from complete message bodies.
//!
//! Input: the body of one complete handshake message (without its 4-byte
//! header), or one complete SSLv2 record. Output: the typed message plus a
//! list of non-fatal problems (anomaly texts); a fatal problem (the fixed
//! fields do not fit) is an `Err` with its text.
//! Invariants: never panics, never indexes unchecked; extensions are walked
//! with our own TLV loop so order, duplicates and GREASE survive, and one bad
//! extension never hides the ones before it (tls-parser's list parser stops
//! silently at the first odd one).
//! The byte-level reads (integers, length-prefixed vectors) are nom 8
//! parsers run through the small [`Rd`] cursor, which turns "too short"
//! into `None` so each field can say what was cut.
//! Not done here: record framing, reassembly, state (see `mod.rs`).

use nom::Parser;
use nom::bytes::complete::take;
use nom::multi::length_data;
use nom::number::complete::{be_u8, be_u16, be_u24};

use super::enums::{CipherSuite, ExtensionType, NamedGroup, SignatureScheme, Version};
use super::{CertificateDer, ClientHello, ServerHello};

/// The HelloRetryRequest random: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3).
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Downgrade sentinel prefix in ServerHello.random's last 8 bytes (RFC 8446 §4.1.3).
const DOWNGRADE_PREFIX: [u8; 7] = *b"DOWNGRD";

// Extension types parsed here (RFC 8446 §4.2, RFC 6066 §3, RFC 7301 §3.1,
// RFC 8422 §5.1).
const EXT_SERVER_NAME: u16 = 0;
const EXT_SUPPORTED_GROUPS: u16 = 10;
const EXT_EC_POINT_FORMATS: u16 = 11;
const EXT_SIGNATURE_ALGORITHMS: u16 = 13;
const EXT_ALPN: u16 = 16;
const EXT_SUPPORTED_VERSIONS: u16 = 43;
const EXT_KEY_SHARE: u16 = 51;

/// A bounds-checked big-endian reader over a byte slice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rd<'a> {
    b: &'a [u8],
}

impl<'a> Rd<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        Rd { b }
    }
    pub(crate) fn is_empty(&self) -> bool {
        self.b.is_empty()
    }
    pub(crate) fn len(&self) -> usize {
        self.b.len()
    }
    /// Runs one nom parser on the rest; on success the cursor moves past what
    /// it consumed, on failure (too short) it stays and gives `None`.
    fn run<O>(&mut self, mut p: impl Parser<&'a [u8], Output = O, Error = ()>) -> Option<O> {
        let (rest, out) = p.parse(self.b).ok()?;
        self.b = rest;
        Some(out)
    }
    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        self.run(take(n))
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.run(be_u8)
    }
    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.run(be_u16)
    }
    /// A vector with a u8 length prefix (RFC 8446 §3.4 `<0..2^8-1>`).
    pub(crate) fn vec8(&mut self) -> Option<&'a [u8]> {
        self.run(length_data(be_u8))
    }
    /// A vector with a u16 length prefix.
    pub(crate) fn vec16(&mut self) -> Option<&'a [u8]> {
        self.run(length_data(be_u16))
    }
    /// A vector with a u24 length prefix.
    pub(crate) fn vec24(&mut self) -> Option<&'a [u8]> {
        self.run(length_data(be_u24))
    }
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.b)
    }
}

/// A list of u16 values; an odd trailing byte is reported.
fn u16_list(b: &[u8], what: &str, problems: &mut Vec<String>) -> Vec<u16> {
    if !b.len().is_multiple_of(2) {
        problems.push(format!("{what}: odd length {}", b.len()));
    }
    let mut out = Vec::with_capacity(b.len() / 2);
    out.extend(b.chunks_exact(2).filter_map(|c| match *c {
        [x, y] => Some(u16::from_be_bytes([x, y])),
        _ => None,
    }));
    out
}

/// Splits an extensions block into `(type, data)` pairs in wire order. A bad
/// length stops the walk with a problem; the pairs before it are kept.
fn walk_extensions<'a>(block: &'a [u8], problems: &mut Vec<String>) -> Vec<(u16, &'a [u8])> {
    let mut r = Rd::new(block);
    let mut out = Vec::new();
    while !r.is_empty() {
        let Some(t) = r.u16() else {
            problems.push("extensions: 1 trailing byte".into());
            break;
        };
        let Some(n) = r.u16() else {
            problems.push(format!("extension {}: truncated header", ExtensionType(t)));
            break;
        };
        let Some(d) = r.take(usize::from(n)) else {
            problems.push(format!(
                "extension {}: length {n} exceeds the {} bytes left; later extensions lost",
                ExtensionType(t),
                r.len()
            ));
            break;
        };
        out.push((t, d));
    }
    out
}

/// Reads the optional extensions block at the end of a hello (absent in old
/// TLS ≤ 1.2 hellos, RFC 5246 §7.4.1.2).
fn extensions_block<'a>(r: &mut Rd<'a>, problems: &mut Vec<String>) -> Vec<(u16, &'a [u8])> {
    if r.is_empty() {
        return Vec::new();
    }
    let Some(n) = r.u16() else {
        problems.push("extensions: truncated length".into());
        return Vec::new();
    };
    let avail = r.len();
    let block = match r.take(usize::from(n)) {
        Some(b) => b,
        None => {
            problems.push(format!(
                "extensions: length {n} exceeds the {avail} bytes left"
            ));
            r.rest()
        }
    };
    if !r.is_empty() {
        problems.push(format!("{} bytes after the extensions", r.len()));
    }
    walk_extensions(block, problems)
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// ALPN `ProtocolNameList` (RFC 7301 §3.1), names as sent.
fn alpn_list<'a>(d: &'a [u8], problems: &mut Vec<String>) -> Vec<&'a [u8]> {
    let mut r = Rd::new(d);
    let mut out = Vec::new();
    let Some(list) = r.vec16() else {
        problems.push("application_layer_protocol_negotiation: truncated".into());
        return out;
    };
    let mut l = Rd::new(list);
    while !l.is_empty() {
        match l.vec8() {
            Some(p) => out.push(p),
            None => {
                problems.push("application_layer_protocol_negotiation: truncated name".into());
                break;
            }
        }
    }
    out
}

/// `ServerNameList` (RFC 6066 §3): the first host_name.
fn sni(d: &[u8], problems: &mut Vec<String>) -> Option<String> {
    let mut r = Rd::new(d);
    let Some(list) = r.vec16() else {
        problems.push("server_name: truncated".into());
        return None;
    };
    let mut l = Rd::new(list);
    while !l.is_empty() {
        let (Some(kind), Some(name)) = (l.u8(), l.vec16()) else {
            problems.push("server_name: truncated entry".into());
            return None;
        };
        if kind == 0 {
            return match std::str::from_utf8(name) {
                Ok(s) => Some(s.to_owned()),
                Err(_) => {
                    problems.push("server_name: host_name is not UTF-8".into());
                    None
                }
            };
        }
    }
    None
}

/// Parses a ClientHello body (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2).
pub(crate) fn parse_client_hello(
    body: &[u8],
    record_version: Version,
) -> Result<(ClientHello, Vec<String>), String> {
    let mut p = Vec::new();
    let mut r = Rd::new(body);
    let version = r.u16().ok_or("ClientHello: truncated version")?;
    r.take(32).ok_or("ClientHello: truncated random")?;
    let sid = r.vec8().ok_or("ClientHello: truncated session_id")?;
    if sid.len() > 32 {
        p.push(format!("session_id of {} bytes", sid.len()));
    }
    let suites = r.vec16().ok_or("ClientHello: truncated cipher_suites")?;
    r.vec8()
        .ok_or("ClientHello: truncated compression_methods")?;
    let mut ch = ClientHello {
        record_version,
        version: Version(version),
        cipher_suites: u16_list(suites, "cipher_suites", &mut p)
            .into_iter()
            .map(CipherSuite)
            .collect(),
        ..ClientHello::default()
    };
    for (t, d) in extensions_block(&mut r, &mut p) {
        ch.extensions.push(ExtensionType(t));
        let mut e = Rd::new(d);
        match t {
            EXT_SERVER_NAME => ch.sni = sni(d, &mut p),
            EXT_ALPN => {
                let names = alpn_list(d, &mut p);
                ch.alpn_first = names.first().map(|n| n.to_vec());
                ch.alpn = names.into_iter().map(lossy).collect();
            }
            EXT_SUPPORTED_VERSIONS => match e.vec8() {
                // Client form: u8-length list (RFC 8446 §4.2.1).
                Some(l) => {
                    ch.supported_versions = u16_list(l, "supported_versions", &mut p)
                        .into_iter()
                        .map(Version)
                        .collect();
                }
                None => p.push("supported_versions: truncated".into()),
            },
            EXT_SUPPORTED_GROUPS => match e.vec16() {
                Some(l) => {
                    ch.groups = u16_list(l, "supported_groups", &mut p)
                        .into_iter()
                        .map(NamedGroup)
                        .collect();
                }
                None => p.push("supported_groups: truncated".into()),
            },
            EXT_SIGNATURE_ALGORITHMS => match e.vec16() {
                Some(l) => {
                    ch.signature_algorithms = u16_list(l, "signature_algorithms", &mut p)
                        .into_iter()
                        .map(SignatureScheme)
                        .collect();
                }
                None => p.push("signature_algorithms: truncated".into()),
            },
            EXT_EC_POINT_FORMATS => match e.vec8() {
                Some(l) => ch.ec_point_formats = l.to_vec(),
                None => p.push("ec_point_formats: truncated".into()),
            },
            EXT_KEY_SHARE => match e.vec16() {
                // KeyShareClientHello: entries {group u16, opaque<1..2^16-1>}
                // (RFC 8446 §4.2.8).
                Some(l) => {
                    let mut k = Rd::new(l);
                    while !k.is_empty() {
                        let (Some(g), Some(_)) = (k.u16(), k.vec16()) else {
                            p.push("key_share: truncated entry".into());
                            break;
                        };
                        ch.key_share_groups.push(NamedGroup(g));
                    }
                }
                None => p.push("key_share: truncated".into()),
            },
            _ => {}
        }
    }
    Ok((ch, p))
}

/// Parses a ServerHello or HelloRetryRequest body (RFC 8446 §4.1.3–4.1.4,
/// RFC 5246 §7.4.1.3).
pub(crate) fn parse_server_hello(
    body: &[u8],
    record_version: Version,
) -> Result<(ServerHello, Vec<String>), String> {
    let mut p = Vec::new();
    let mut r = Rd::new(body);
    let version = r.u16().ok_or("ServerHello: truncated version")?;
    let random = r.take(32).ok_or("ServerHello: truncated random")?;
    // TLS 1.3 drafts before 22 (and their 0x0304 form) put the real version
    // here and dropped session_id and compression_method; draft 22 brought
    // them back for middlebox compatibility (draft-ietf-tls-tls13-22 §4.1.3).
    let draft_layout = version == 0x0304 || (version >> 8 == 0x7f && (version & 0xff) < 22);
    if !draft_layout {
        let sid = r.vec8().ok_or("ServerHello: truncated session_id")?;
        if sid.len() > 32 {
            p.push(format!("session_id of {} bytes", sid.len()));
        }
    }
    let suite = r.u16().ok_or("ServerHello: truncated cipher_suite")?;
    if !draft_layout {
        r.u8().ok_or("ServerHello: truncated compression_method")?;
    }
    let is_hrr = random == HRR_RANDOM;
    let downgrade_sentinel = match random.get(24..) {
        Some([a, b, c, d, e, f, g, last]) if [*a, *b, *c, *d, *e, *f, *g] == DOWNGRADE_PREFIX => {
            match last {
                1 => Some(Version(0x0303)),
                0 => Some(Version(0x0302)),
                _ => None,
            }
        }
        _ => None,
    };
    let mut sh = ServerHello {
        record_version,
        version: Version(version),
        cipher_suite: CipherSuite(suite),
        is_hello_retry_request: is_hrr,
        downgrade_sentinel,
        ..ServerHello::default()
    };
    for (t, d) in extensions_block(&mut r, &mut p) {
        sh.extensions.push(ExtensionType(t));
        let mut e = Rd::new(d);
        match t {
            // Server form: a single u16 (RFC 8446 §4.2.1).
            EXT_SUPPORTED_VERSIONS => match e.u16() {
                Some(v) => sh.selected_version = Some(Version(v)),
                None => p.push("supported_versions: truncated".into()),
            },
            EXT_ALPN => sh.alpn = alpn_list(d, &mut p).into_iter().next().map(lossy),
            // HRR: selected_group only; ServerHello: one KeyShareEntry
            // (RFC 8446 §4.2.8). Both start with the group.
            EXT_KEY_SHARE => match e.u16() {
                Some(g) => sh.key_share_group = Some(NamedGroup(g)),
                None => p.push("key_share: truncated".into()),
            },
            _ => {}
        }
    }
    Ok((sh, p))
}

/// Parses a Certificate body in the TLS ≤ 1.2 layout (RFC 5246 §7.4.2):
/// u24 list length, then u24-length DER certificates. Certificates before a
/// problem are kept.
pub(crate) fn parse_certificate(body: &[u8]) -> (Vec<CertificateDer>, Vec<String>) {
    let mut p = Vec::new();
    let mut certs = Vec::new();
    let mut r = Rd::new(body);
    let Some(list) = r.vec24() else {
        p.push("list length exceeds the message".into());
        return (certs, p);
    };
    if !r.is_empty() {
        p.push(format!("{} bytes after the list", r.len()));
    }
    let mut l = Rd::new(list);
    while !l.is_empty() {
        match l.vec24() {
            Some(c) => certs.push(CertificateDer(c.to_vec())),
            None => {
                p.push("truncated certificate entry".into());
                break;
            }
        }
    }
    (certs, p)
}

/// What the first bytes of a direction look like in SSLv2 record format
/// (RFC 6101 Appendix E, RFC 5246 Appendix E.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sslv2 {
    /// Not an SSLv2 CLIENT-HELLO or SERVER-HELLO.
    No,
    /// Plausible so far; more bytes are needed to decide.
    NeedMore,
    /// A plausible complete record of this many bytes (2-byte header included).
    Complete(usize),
}

/// SSLv2 message types: CLIENT-HELLO and SERVER-HELLO.
const SSL2_CLIENT_HELLO: u8 = 1;
const SSL2_SERVER_HELLO: u8 = 4;

/// Checks whether `b` starts with an SSLv2 two-byte-header record holding a
/// CLIENT-HELLO or SERVER-HELLO with sane lengths.
pub(crate) fn sslv2_probe(b: &[u8]) -> Sslv2 {
    let (Some(&b0), Some(&b1)) = (b.first(), b.get(1)) else {
        return if b.first().is_none_or(|&b0| b0 & 0x80 != 0) {
            Sslv2::NeedMore
        } else {
            Sslv2::No
        };
    };
    if b0 & 0x80 == 0 {
        return Sslv2::No;
    }
    let len = (usize::from(b0 & 0x7f) << 8) | usize::from(b1);
    let mut r = Rd::new(b.get(2..).unwrap_or_default());
    let Some(kind) = r.u8() else {
        return Sslv2::NeedMore;
    };
    // Fixed fields: CLIENT-HELLO 9 bytes, SERVER-HELLO 11 bytes.
    let fixed = match kind {
        SSL2_CLIENT_HELLO => 9,
        SSL2_SERVER_HELLO => 11,
        _ => return Sslv2::No,
    };
    if len < fixed {
        return Sslv2::No;
    }
    if b.len() < 2 + fixed {
        // Check what is already there: the version right after the type.
        if kind == SSL2_CLIENT_HELLO
            && let (Some(&v0), Some(&v1)) = (b.get(3), b.get(4))
            && !client_version_ok(u16::from_be_bytes([v0, v1]))
        {
            return Sslv2::No;
        }
        return Sslv2::NeedMore;
    }
    let ok = if kind == SSL2_CLIENT_HELLO {
        let (Some(v), Some(cs), Some(sid), Some(ch)) = (r.u16(), r.u16(), r.u16(), r.u16()) else {
            return Sslv2::NeedMore;
        };
        client_version_ok(v)
            && cs > 0
            && cs.is_multiple_of(3)
            && sid <= 32
            && (16..=32).contains(&ch)
            && 9 + usize::from(cs) + usize::from(sid) + usize::from(ch) == len
    } else {
        let (Some(_hit), Some(_ct), Some(v), Some(cert), Some(cs), Some(cid)) =
            (r.u8(), r.u8(), r.u16(), r.u16(), r.u16(), r.u16())
        else {
            return Sslv2::NeedMore;
        };
        v == 0x0002
            && cs.is_multiple_of(3)
            && (16..=32).contains(&cid)
            && 11 + usize::from(cert) + usize::from(cs) + usize::from(cid) == len
    };
    if !ok {
        Sslv2::No
    } else if b.len() < 2 + len {
        Sslv2::NeedMore
    } else {
        Sslv2::Complete(2 + len)
    }
}

fn client_version_ok(v: u16) -> bool {
    v == 0x0002 || (0x0300..=0x0303).contains(&v)
}

/// A parsed SSLv2 hello.
#[derive(Debug)]
pub(crate) enum Sslv2Hello {
    Client(ClientHello),
    Server(ServerHello, Option<CertificateDer>),
}

/// Parses a complete SSLv2 CLIENT-HELLO or SERVER-HELLO record (as accepted by
/// [`sslv2_probe`]). CLIENT-HELLO cipher specs `00 XX YY` become TLS suite
/// `0xXXYY`; genuine SSLv2 kinds (first byte ≠ 0) go to `sslv2_cipher_kinds`.
pub(crate) fn parse_sslv2(rec: &[u8]) -> Option<Sslv2Hello> {
    let mut r = Rd::new(rec.get(2..)?);
    match r.u8()? {
        SSL2_CLIENT_HELLO => {
            let version = r.u16()?;
            let cs = r.u16()?;
            let _sid = r.u16()?;
            let _challenge = r.u16()?;
            let specs = r.take(usize::from(cs))?;
            let mut ch = ClientHello {
                record_version: Version(0x0002),
                version: Version(version),
                sslv2_format: true,
                ..ClientHello::default()
            };
            for s in specs.chunks_exact(3) {
                if let [k, x, y] = *s {
                    ch.sslv2_cipher_specs.push(u32::from_be_bytes([0, k, x, y]));
                    if k == 0 {
                        ch.cipher_suites
                            .push(CipherSuite(u16::from_be_bytes([x, y])));
                    } else {
                        ch.sslv2_cipher_kinds.push(u32::from_be_bytes([0, k, x, y]));
                    }
                }
            }
            Some(Sslv2Hello::Client(ch))
        }
        SSL2_SERVER_HELLO => {
            let _hit = r.u8()?;
            let cert_type = r.u8()?;
            let version = r.u16()?;
            let cert_len = r.u16()?;
            let _cs = r.u16()?;
            let _cid = r.u16()?;
            let cert = r.take(usize::from(cert_len))?;
            let sh = ServerHello {
                record_version: Version(0x0002),
                version: Version(version),
                sslv2_format: true,
                ..ServerHello::default()
            };
            // SSL_CT_X509_CERTIFICATE = 1.
            let der = (cert_type == 1 && !cert.is_empty()).then(|| CertificateDer(cert.to_vec()));
            Some(Sslv2Hello::Server(sh, der))
        }
        _ => None,
    }
}
