//! A compact form for handshakes held in memory for a while.
//!
//! Input: a finished [`Handshake`]. Output: a [`Packed`] value that gives
//! the same `Handshake` back ([`Packed::unpack`]).
//! Why: the pipeline holds up to 4,096 failed handshakes until the end of
//! the capture (their diagnosis needs what their servers did later). As
//! built, one takes ~1.7 KB (an 880-byte struct, a dozen small heap
//! blocks); failures repeat, so their ClientHello lists and fingerprints
//! are the same over and over. Packed, the usual held handshake (no
//! ServerHello, no certificate, at most a few alerts) keeps only its own
//! frames, times and addresses (~0.3 KB) and shares the ClientHello's
//! shape (versions, lists, fingerprints) and SNI with the others through
//! an [`Interner`].
//! Invariants: `unpack(pack(h)) == h` for every handshake (checked in
//! debug builds on every pack); anything the compact form does not cover
//! is kept whole instead. Adding a field to `Handshake`, `ClientHelloFacts`
//! or `AlertFacts` fails to compile here until it is packed.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;

use super::{AlertFacts, ClientHelloFacts, Handshake, Outcome, Side, Termination};
use crate::capture::Timestamp;
use crate::stream::CloseReason;
use crate::tls::{self, AlertDescription, CipherSuite, NamedGroup, Version};

/// The parts of a ClientHello that repeat from one handshake to the next.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Shape {
    record_version: Version,
    version: Version,
    supported_versions: Box<[Version]>,
    cipher_suites: Box<[CipherSuite]>,
    alpn: Box<[String]>,
    groups: Box<[NamedGroup]>,
    key_share_groups: Box<[NamedGroup]>,
    signature_algorithms: Box<[tls::SignatureScheme]>,
    extensions: Box<[tls::ExtensionType]>,
    sslv2_format: bool,
    ja3: Option<Box<str>>,
    ja3_full: Option<Box<str>>,
    ja4: Option<Box<str>>,
}

/// Shares equal shapes and server names among packed handshakes. Holds
/// only what packed handshakes use; drop it with them.
#[derive(Debug, Default)]
pub struct Interner {
    shapes: HashSet<Arc<Shape>>,
    names: HashSet<Arc<str>>,
}

impl Interner {
    fn shape(&mut self, s: Shape) -> Arc<Shape> {
        if let Some(a) = self.shapes.get(&s) {
            return a.clone();
        }
        let a = Arc::new(s);
        self.shapes.insert(a.clone());
        a
    }

    fn name(&mut self, s: String) -> Arc<str> {
        if let Some(a) = self.names.get(s.as_str()) {
            return a.clone();
        }
        let a: Arc<str> = s.into();
        self.names.insert(a.clone());
        a
    }
}

/// An alert without its description text (it follows from the code).
#[derive(Debug, Clone, Copy)]
struct Alert {
    frame: u64,
    from: Side,
    /// 0 none, 1 warning, 2 fatal.
    level: u8,
    code: Option<u8>,
    encrypted: bool,
    record_version: Version,
}

impl Alert {
    /// The alert packed, or `None` when its texts are not the usual ones.
    fn pack(a: &AlertFacts) -> Option<Alert> {
        let level = match a.level {
            None => 0,
            Some("warning") => 1,
            Some("fatal") => 2,
            Some(_) => return None,
        };
        let described = a.code.map(|c| AlertDescription(c).to_string());
        (a.description == described).then_some(Alert {
            frame: a.frame,
            from: a.from,
            level,
            code: a.code,
            encrypted: a.encrypted,
            record_version: a.record_version,
        })
    }

    fn unpack(self) -> AlertFacts {
        AlertFacts {
            frame: self.frame,
            from: self.from,
            level: match self.level {
                1 => Some("warning"),
                2 => Some("fatal"),
                _ => None,
            },
            description: self.code.map(|c| AlertDescription(c).to_string()),
            code: self.code,
            encrypted: self.encrypted,
            record_version: self.record_version,
        }
    }
}

/// The usual held handshake, packed.
#[derive(Debug)]
struct Compact {
    client: SocketAddr,
    server: SocketAddr,
    first_frame: u64,
    start: Timestamp,
    ch_frame: u64,
    ch_frames: Box<[u64]>,
    sni: Option<Arc<str>>,
    shape: Arc<Shape>,
    alerts: Box<[Alert]>,
    ccs: [Option<u64>; 2],
    termination: Option<Termination>,
    server_sent_anything: bool,
    last_frame: u64,
    midstream: bool,
    tcp_close: CloseReason,
    outcome: Outcome,
    client_hello_ts: Timestamp,
    last_ts: Timestamp,
}

/// A handshake in compact form (see the module docs).
#[derive(Debug)]
pub struct Packed(Inner);

#[derive(Debug)]
enum Inner {
    Compact(Box<Compact>),
    /// What the compact form does not cover, kept as it was.
    Whole(Box<Handshake>),
}

impl Packed {
    /// Packs `h`, sharing what repeats through `interner`.
    pub fn pack(h: Handshake, interner: &mut Interner) -> Packed {
        #[cfg(debug_assertions)]
        let copy = h.clone();
        let packed = match compact(h, interner) {
            Ok(c) => Packed(Inner::Compact(Box::new(c))),
            Err(h) => Packed(Inner::Whole(h)),
        };
        #[cfg(debug_assertions)]
        debug_assert_eq!(packed.unpack_ref(), copy, "packing loses nothing");
        packed
    }

    /// The handshake's first frame (its place in capture order).
    pub fn first_frame(&self) -> u64 {
        match &self.0 {
            Inner::Compact(c) => c.first_frame,
            Inner::Whole(h) => h.first_frame,
        }
    }

    /// The handshake as it was packed.
    pub fn unpack(self) -> Handshake {
        match self.0 {
            Inner::Compact(c) => expand(&c),
            Inner::Whole(h) => *h,
        }
    }

    #[cfg(debug_assertions)]
    fn unpack_ref(&self) -> Handshake {
        match &self.0 {
            Inner::Compact(c) => expand(c),
            Inner::Whole(h) => (**h).clone(),
        }
    }
}

/// The compact form, or the handshake back (boxed) when it has parts the
/// compact form leaves out.
fn compact(mut h: Handshake, interner: &mut Interner) -> Result<Compact, Box<Handshake>> {
    let usual = h.retried_client_hello.is_none()
        && h.server_hello.is_none()
        && h.hello_retry_request.is_none()
        && h.certificates.is_empty()
        && h.certificate_frame.is_none()
        && h.certificate_request_frame.is_none()
        && h.client_certificate.is_none()
        && h.non_tls.is_none()
        && h.gaps.is_empty()
        && h.encrypted.is_empty()
        && h.encrypted_counts == [0, 0]
        && h.data_after_server_hello == [0, 0]
        && h.client_continued.is_none()
        && h.process.is_none();
    let alerts: Option<Box<[Alert]>> = h.alerts.iter().map(Alert::pack).collect();
    let (true, Some(alerts)) = (usual, alerts) else {
        return Err(Box::new(h));
    };
    let Some(ClientHelloFacts {
        frame: ch_frame,
        frames: ch_frames,
        record_version,
        version,
        supported_versions,
        cipher_suites,
        sni,
        alpn,
        groups,
        key_share_groups,
        signature_algorithms,
        extensions,
        sslv2_format,
        ja3,
        ja3_full,
        ja4,
    }) = h.client_hello.take()
    else {
        return Err(Box::new(h));
    };
    // Every field named: a new one does not compile until it is packed.
    let Handshake {
        client,
        server,
        first_frame,
        start,
        client_hello: _,
        retried_client_hello: _,
        server_hello: _,
        hello_retry_request: _,
        certificates: _,
        certificate_frame: _,
        certificate_request_frame: _,
        client_certificate: _,
        alerts: _,
        ccs,
        termination,
        non_tls: _,
        gaps: _,
        encrypted: _,
        encrypted_counts: _,
        data_after_server_hello: _,
        server_sent_anything,
        client_continued: _,
        last_frame,
        midstream,
        process: _,
        tcp_close,
        outcome,
        client_hello_ts,
        last_ts,
    } = h;
    let shape = interner.shape(Shape {
        record_version,
        version,
        supported_versions: supported_versions.into(),
        cipher_suites: cipher_suites.into(),
        alpn: alpn.into(),
        groups: groups.into(),
        key_share_groups: key_share_groups.into(),
        signature_algorithms: signature_algorithms.into(),
        extensions: extensions.into(),
        sslv2_format,
        ja3: ja3.map(String::into_boxed_str),
        ja3_full: ja3_full.map(String::into_boxed_str),
        ja4: ja4.map(String::into_boxed_str),
    });
    Ok(Compact {
        client,
        server,
        first_frame,
        start,
        ch_frame,
        ch_frames: ch_frames.into(),
        sni: sni.map(|s| interner.name(s)),
        shape,
        alerts,
        ccs,
        termination,
        server_sent_anything,
        last_frame,
        midstream,
        tcp_close,
        outcome,
        client_hello_ts,
        last_ts,
    })
}

fn expand(c: &Compact) -> Handshake {
    let s = &*c.shape;
    Handshake {
        client: c.client,
        server: c.server,
        first_frame: c.first_frame,
        start: c.start,
        client_hello: Some(ClientHelloFacts {
            frame: c.ch_frame,
            frames: c.ch_frames.to_vec(),
            record_version: s.record_version,
            version: s.version,
            supported_versions: s.supported_versions.to_vec(),
            cipher_suites: s.cipher_suites.to_vec(),
            sni: c.sni.as_deref().map(str::to_owned),
            alpn: s.alpn.to_vec(),
            groups: s.groups.to_vec(),
            key_share_groups: s.key_share_groups.to_vec(),
            signature_algorithms: s.signature_algorithms.to_vec(),
            extensions: s.extensions.to_vec(),
            sslv2_format: s.sslv2_format,
            ja3: s.ja3.as_deref().map(str::to_owned),
            ja3_full: s.ja3_full.as_deref().map(str::to_owned),
            ja4: s.ja4.as_deref().map(str::to_owned),
        }),
        retried_client_hello: None,
        server_hello: None,
        hello_retry_request: None,
        certificates: Vec::new(),
        certificate_frame: None,
        certificate_request_frame: None,
        client_certificate: None,
        alerts: c.alerts.iter().map(|a| a.unpack()).collect(),
        ccs: c.ccs,
        termination: c.termination,
        non_tls: None,
        gaps: Vec::new(),
        encrypted: Vec::new(),
        encrypted_counts: [0, 0],
        data_after_server_hello: [0, 0],
        server_sent_anything: c.server_sent_anything,
        client_continued: None,
        last_frame: c.last_frame,
        midstream: c.midstream,
        process: None,
        tcp_close: c.tcp_close,
        outcome: c.outcome,
        client_hello_ts: c.client_hello_ts,
        last_ts: c.last_ts,
    }
}
