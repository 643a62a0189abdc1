//! Per-direction decoder: first-bytes sniffing, record deframing, handshake
//! reassembly, encryption state, gap resynchronisation.
//!
//! Input: the ordered bytes, gaps and ends of one direction, plus mutable
//! access to the other direction (a ServerHello changes the peer's state).
//! Output: [`Event`]s in stream order.
//! Invariants: buffers hold at most one record header, one plaintext record
//! body (≤ 2^14 + 2048 bytes), the unfinished handshake messages (capped at
//! [`MAX_HANDSHAKE_BUFFER`]), the first record while sniffing (an SSLv2 record
//! is ≤ 32 KiB) and, after a gap, one candidate record (≤ 18.5 KiB) while
//! looking for a record boundary. Encrypted record bodies are counted, never
//! stored. Nothing here assumes which side is the TLS client.
//! Not done here: parsing message bodies (`hello.rs`), naming values (`enums.rs`).

use std::borrow::Cow;

use super::hello::{self, Sslv2, Sslv2Hello};
use super::record::{
    CT_ALERT, CT_APPLICATION_DATA, CT_CHANGE_CIPHER_SPEC, CT_HANDSHAKE, FrameMap, HEADER_LEN,
    Header, Resync, find_boundary,
};
use super::{AlertDescription, Event, EventKind, MAX_HANDSHAKE_BUFFER, Version};
use crate::capture::Timestamp;
use crate::stream::Direction;

/// Longest preview of non-TLS bytes.
const PREVIEW_LEN: usize = 256;
/// After a gap, give up on a direction when no record boundary shows up in
/// this many bytes.
const RESYNC_BUDGET: u64 = 1024 * 1024;
/// Cap on the number of records feeding one unfinished handshake message.
const MAX_HS_CHUNKS: usize = 4096;

/// Handshake message types (RFC 8446 §4, RFC 5246 §7.4).
const HS_CLIENT_HELLO: u8 = 1;
const HS_SERVER_HELLO: u8 = 2;
const HS_CERTIFICATE: u8 = 11;
const HS_CERTIFICATE_REQUEST: u8 = 13;
const HS_SERVER_HELLO_DONE: u8 = 14;
/// Types a record may plausibly start with when regaining handshake framing.
const HS_KNOWN: [u8; 19] = [
    0, 1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16, 20, 21, 22, 24, 25,
];

/// TLS 1.3 (RFC 8446 §4.2.1), or one of its drafts (`0x7fXX` = draft XX,
/// still seen from old stacks), which switch keys at the same point.
fn is_tls13(v: Version) -> bool {
    v.0 == 0x0304 || v.0 >> 8 == 0x7f
}

/// Plaintext searched for a TLS upgrade before a direction is given up as
/// not TLS. Protocol preambles (an SMTP EHLO exchange, a CONNECT request)
/// are far shorter.
const UPGRADE_SCAN_LIMIT: u64 = 64 * 1024;

/// What this direction's bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Nothing decided yet: the first bytes are buffered.
    Sniff,
    /// Following TLS records.
    Tls,
    /// After a gap or a bad header: looking for a record boundary.
    Resync,
    /// Not TLS so far: searching the plaintext for a TLS handshake that
    /// starts after a preamble (STARTTLS, HTTP CONNECT, SOCKS), for at most
    /// [`UPGRADE_SCAN_LIMIT`] bytes.
    Upgrade,
    /// Not TLS; ignored from now on.
    NotTls,
    /// An SSL 2.0 handshake (SERVER-HELLO seen); not followed further.
    Sslv2,
    /// No record boundary found after a gap; ignored from now on.
    GaveUp,
}

/// Encryption state of a direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Crypt {
    /// Plaintext; a ChangeCipherSpec encrypts what follows (RFC 5246 §7.1).
    Plain,
    /// Plaintext in a TLS 1.3 handshake before the switch: this side offered
    /// TLS 1.3 in a ClientHello, or sent / received a HelloRetryRequest. A
    /// CCS here is the middlebox-compatibility one (RFC 8446 §D.4) and does
    /// not encrypt anything.
    Hold13,
    /// The peer selected TLS 1.3: this side's next CCS or application_data
    /// record marks the switch to handshake keys (RFC 8446 §5, §D.4).
    Client13,
    /// Encrypted; `tls13` when the keys are TLS 1.3 ones (every protected
    /// record then has type 23, RFC 8446 §5.2, so another type is plaintext).
    Encrypted {
        /// TLS 1.3 keys.
        tls13: bool,
    },
}

/// Where the record deframer is.
#[derive(Debug, Clone, Copy)]
enum Rec {
    /// Reading a header (its bytes in `hdr`).
    Header,
    /// Buffering the body of a plaintext record that starts at stream `start`.
    Body { h: Header, start: u64 },
    /// Counting an opaque record body; `damaged` when a gap fell inside it,
    /// `plain` when it is a plaintext record whose content was lost.
    Skip {
        h: Header,
        start: u64,
        left: usize,
        damaged: bool,
        plain: bool,
    },
}

/// Handshake bytes of one record: `pos` in the handshake buffer came from
/// stream offset `off`, in a record of version `ver`. `from` is where the
/// evidence for a message starting at `pos` begins: the record header when
/// `pos` is the record's first body byte, else `off`.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    pos: usize,
    off: u64,
    from: u64,
    ver: Version,
}

/// What a step did with its input.
enum Step {
    /// These many input bytes were consumed.
    Consumed(usize),
    /// All input was consumed; process these owned bytes (starting at this
    /// stream offset) next, in the (possibly new) mode.
    Refeed(u64, Vec<u8>),
}

/// The decoder of one direction.
#[derive(Debug)]
pub(crate) struct Half {
    dir: Direction,
    pub(crate) mode: Mode,
    pub(crate) crypt: Crypt,
    rec: Rec,
    hdr: Vec<u8>,
    hdr_start: u64,
    body: Vec<u8>,
    hs: Vec<u8>,
    chunks: Vec<Chunk>,
    /// Handshake parsing stopped (over cap).
    hs_dead: bool,
    /// Handshake framing lost (gap): wait for a record that starts a message.
    hs_lost: bool,
    /// Sniff / resync buffer and the stream offset of its first byte.
    scan: Vec<u8>,
    scan_start: u64,
    /// Bytes dropped while resynchronising.
    skipped: u64,
    /// Stream offset where the direction was found not to start with TLS.
    upgrade_from: u64,
    frames: FrameMap,
    /// Stream offset of the next expected byte.
    next: u64,
    last_frame: u64,
    last_ts: Timestamp,
    /// FIN or RST seen, or flushed at the end.
    ended: bool,
}

impl Half {
    pub(crate) fn new(dir: Direction) -> Self {
        Half {
            dir,
            mode: Mode::Sniff,
            crypt: Crypt::Plain,
            rec: Rec::Header,
            hdr: Vec::with_capacity(HEADER_LEN),
            hdr_start: 0,
            body: Vec::new(),
            hs: Vec::new(),
            chunks: Vec::new(),
            hs_dead: false,
            hs_lost: false,
            scan: Vec::new(),
            scan_start: 0,
            skipped: 0,
            upgrade_from: 0,
            frames: FrameMap::default(),
            next: 0,
            last_frame: 0,
            last_ts: Timestamp(0),
            ended: false,
        }
    }

    /// Nothing more will be decoded in this direction.
    pub(crate) fn done(&self) -> bool {
        matches!(self.mode, Mode::NotTls | Mode::Sslv2 | Mode::GaveUp)
    }

    /// An SSL 2.0 handshake past its SERVER-HELLO (not decoded further).
    pub(crate) fn sslv2(&self) -> bool {
        self.mode == Mode::Sslv2
    }

    /// Not TLS so far, searching for a TLS upgrade in plaintext.
    pub(crate) fn upgrading(&self) -> bool {
        self.mode == Mode::Upgrade
    }

    /// This direction's records are opaque.
    pub(crate) fn encrypted(&self) -> bool {
        matches!(self.crypt, Crypt::Encrypted { .. })
    }

    fn push(
        &self,
        frames: Vec<u64>,
        ts: Timestamp,
        ver: Version,
        kind: EventKind,
        out: &mut Vec<Event>,
    ) {
        let frames = if frames.is_empty() {
            vec![self.last_frame]
        } else {
            frames
        };
        out.push(Event {
            dir: self.dir,
            frames,
            ts,
            record_version: ver,
            kind,
        });
    }

    /// Emits an event for stream bytes `[start, end)`.
    fn emit(&self, start: u64, end: u64, ver: Version, kind: EventKind, out: &mut Vec<Event>) {
        let (frames, ts) = self.frames.frames(start, end);
        self.push(frames, ts.unwrap_or(self.last_ts), ver, kind, out);
    }

    /// Emits an anomaly tied to one frame.
    fn anomaly_at(&self, frame: u64, text: String, out: &mut Vec<Event>) {
        self.push(
            vec![frame],
            self.last_ts,
            Version(0),
            EventKind::Anomaly(text),
            out,
        );
    }

    fn clear_hs(&mut self) {
        // Released, not just emptied: the buffers are only needed again if
        // another plaintext handshake message comes.
        self.hs = Vec::new();
        self.chunks = Vec::new();
    }

    /// Stream offset of handshake buffer position `i`.
    fn hs_offset(&self, i: usize) -> u64 {
        let c = self
            .chunks
            .iter()
            .rev()
            .find(|c| c.pos <= i)
            .or(self.chunks.first());
        c.map_or(self.next, |c| c.off + (i.saturating_sub(c.pos)) as u64)
    }

    /// Oldest stream offset still needed for frame lookups.
    fn low_water(&self) -> u64 {
        let mut w = self.next;
        match self.mode {
            Mode::Sniff | Mode::Resync | Mode::Upgrade => w = w.min(self.scan_start),
            Mode::Tls => match self.rec {
                Rec::Header if !self.hdr.is_empty() => w = w.min(self.hdr_start),
                Rec::Body { start, .. } | Rec::Skip { start, .. } => w = w.min(start),
                Rec::Header => {}
            },
            _ => {}
        }
        if let Some(c) = self.chunks.first() {
            w = w.min(c.from);
        }
        w
    }
}

/// Feeds contiguous bytes at stream `off`, carried by `frame`.
pub(crate) fn data(
    me: &mut Half,
    peer: &mut Half,
    off: u64,
    bytes: &[u8],
    frame: u64,
    ts: Timestamp,
    out: &mut Vec<Event>,
) {
    me.last_frame = frame;
    me.last_ts = ts;
    if me.ended || me.done() || bytes.is_empty() {
        me.next = me.next.max(off.saturating_add(bytes.len() as u64));
        return;
    }
    // The stream contract says Data and Gap tile the stream; be lenient anyway.
    let (off, bytes) = if off < me.next {
        let skip = usize::try_from(me.next - off).unwrap_or(usize::MAX);
        match bytes.get(skip..) {
            Some(rest) if !rest.is_empty() => (me.next, rest),
            _ => return,
        }
    } else {
        if off > me.next {
            gap(me, me.next, off - me.next, frame, out);
            if me.done() {
                return;
            }
        }
        (off, bytes)
    };
    let end = off + bytes.len() as u64;
    me.frames.push(off, end, frame, ts);
    run(me, peer, off, bytes, out);
    me.next = end;
    let w = me.low_water();
    me.frames.prune(w);
}

/// Runs the mode machine over `bytes` at stream offset `off`.
fn run(me: &mut Half, peer: &mut Half, off: u64, bytes: &[u8], out: &mut Vec<Event>) {
    let mut src: Cow<'_, [u8]> = Cow::Borrowed(bytes);
    let mut base = off;
    let mut pos = 0usize;
    while let Some(rest) = src.get(pos..).filter(|r| !r.is_empty()) {
        let at = base + pos as u64;
        let step = match me.mode {
            Mode::Sniff => sniff(me, peer, at, rest, out),
            Mode::Tls => tls(me, peer, at, rest, out),
            Mode::Resync => resync(me, at, rest, false, out),
            Mode::Upgrade => upgrade(me, at, rest),
            Mode::NotTls | Mode::Sslv2 | Mode::GaveUp => return,
        };
        match step {
            Step::Consumed(n) => pos += n.max(1),
            Step::Refeed(o, v) => {
                src = Cow::Owned(v);
                base = o;
                pos = 0;
            }
        }
    }
}

/// How the first bytes of a direction look.
enum First {
    NeedMore,
    Tls,
    Sslv2(usize),
    NotTls,
}

fn classify(b: &[u8]) -> First {
    let Some(&b0) = b.first() else {
        return First::NeedMore;
    };
    if b0 & 0x80 != 0 {
        return match hello::sslv2_probe(b) {
            Sslv2::No => First::NotTls,
            Sslv2::NeedMore => First::NeedMore,
            Sslv2::Complete(n) => First::Sslv2(n),
        };
    }
    if !(CT_CHANGE_CIPHER_SPEC..=24).contains(&b0) {
        return First::NotTls;
    }
    match (b.get(1), b.get(2)) {
        (Some(3), Some(minor)) if *minor > 4 => First::NotTls,
        (Some(3), _) => match Header::read(b) {
            Some(h) if h.plausible() => First::Tls,
            Some(_) => First::NotTls,
            None => First::NeedMore,
        },
        (Some(_), _) => First::NotTls,
        (None, _) => First::NeedMore,
    }
}

fn sniff(me: &mut Half, peer: &mut Half, at: u64, rest: &[u8], out: &mut Vec<Event>) -> Step {
    if me.scan.is_empty() {
        me.scan_start = at;
    }
    me.scan.extend_from_slice(rest);
    match classify(&me.scan) {
        First::NeedMore => Step::Consumed(rest.len()),
        First::Tls => {
            me.mode = Mode::Tls;
            Step::Refeed(me.scan_start, std::mem::take(&mut me.scan))
        }
        First::NotTls => {
            not_tls(me, out);
            // Search what was sniffed for a TLS start too.
            Step::Refeed(me.scan_start, std::mem::take(&mut me.scan))
        }
        First::Sslv2(n) => {
            let start = me.scan_start;
            let buf = std::mem::take(&mut me.scan);
            let (rec, tail) = buf.split_at(n.min(buf.len()));
            let end = start + rec.len() as u64;
            let v2 = Version(0x0002);
            match hello::parse_sslv2(rec) {
                Some(Sslv2Hello::Client(ch)) => {
                    me.emit(start, end, v2, EventKind::ClientHello(Box::new(ch)), out);
                    me.mode = Mode::Tls;
                    return Step::Refeed(end, tail.to_vec());
                }
                Some(Sslv2Hello::Server(sh, cert)) => {
                    me.emit(start, end, v2, EventKind::ServerHello(Box::new(sh)), out);
                    if let Some(c) = cert {
                        me.emit(start, end, v2, EventKind::Certificate(vec![c]), out);
                    }
                    // The rest of an SSL 2.0 handshake is not followed.
                    me.mode = Mode::Sslv2;
                    if !peer.done() {
                        peer.mode = Mode::Sslv2;
                        peer.scan.clear();
                        peer.clear_hs();
                    }
                }
                None => {
                    me.emit(
                        start,
                        end,
                        v2,
                        EventKind::Anomaly("malformed SSLv2 hello".into()),
                        out,
                    );
                    me.mode = Mode::GaveUp;
                }
            }
            Step::Consumed(rest.len())
        }
    }
}

fn not_tls(me: &mut Half, out: &mut Vec<Event>) {
    let preview: Vec<u8> = me.scan.iter().take(PREVIEW_LEN).copied().collect();
    let start = me.scan_start;
    let end = start + preview.len() as u64;
    me.emit(start, end, Version(0), EventKind::NotTls { preview }, out);
    // Keep looking: TLS may start after a plaintext preamble. The sniffed
    // bytes are searched too (a CONNECT request and the ClientHello can
    // share a segment).
    me.mode = Mode::Upgrade;
    me.upgrade_from = me.scan_start;
}

/// Searches plaintext for the start of a ClientHello or ServerHello record:
/// type 22, version 3.0–3.4, a plausible length, handshake type 1 or 2
/// (RFC 8446 §5.1, §4). Found: the direction becomes TLS from there.
fn upgrade(me: &mut Half, at: u64, rest: &[u8]) -> Step {
    if me.scan.is_empty() {
        me.scan_start = at;
    }
    me.scan.extend_from_slice(rest);
    let found = me.scan.windows(6).position(|w| {
        w[0] == CT_HANDSHAKE
            && w[1] == 3
            && w[2] <= 4
            && (w[5] == 1 || w[5] == 2)
            && Header::read(w).is_some_and(|h| h.plausible() && h.len >= 4)
    });
    if let Some(i) = found {
        let start = me.scan_start + i as u64;
        let buf = me.scan.split_off(i);
        me.scan = Vec::new();
        me.mode = Mode::Tls;
        return Step::Refeed(start, buf);
    }
    // Keep the last 5 bytes: a header may straddle two segments.
    let drop = me.scan.len().saturating_sub(HEADER_LEN);
    me.scan.drain(..drop);
    me.scan_start += drop as u64;
    if me.scan_start.saturating_sub(me.upgrade_from) > UPGRADE_SCAN_LIMIT {
        me.mode = Mode::NotTls;
        me.scan = Vec::new();
    }
    Step::Consumed(rest.len())
}

fn resync(me: &mut Half, at: u64, rest: &[u8], at_end: bool, out: &mut Vec<Event>) -> Step {
    if me.scan.is_empty() {
        me.scan_start = at;
    }
    me.scan.extend_from_slice(rest);
    let drop = match find_boundary(&me.scan, at_end) {
        Resync::At(i) => {
            me.skipped += i as u64;
            let start = me.scan_start + i as u64;
            let buf = me.scan.split_off(i.min(me.scan.len()));
            me.scan = Vec::new();
            me.emit(
                start,
                start + HEADER_LEN as u64,
                Version(0),
                EventKind::Anomaly(format!(
                    "resynchronised at stream offset {start} after skipping {} bytes",
                    me.skipped
                )),
                out,
            );
            me.skipped = 0;
            me.mode = Mode::Tls;
            me.rec = Rec::Header;
            me.hdr.clear();
            me.hs_lost = !me.encrypted();
            return Step::Refeed(start, buf);
        }
        Resync::Wait(i) => i,
        Resync::None => me.scan.len().saturating_sub(HEADER_LEN - 1),
    };
    let drop = drop.min(me.scan.len());
    me.scan.drain(..drop);
    me.scan_start += drop as u64;
    me.skipped += drop as u64;
    if me.skipped > RESYNC_BUDGET {
        let text = format!(
            "no TLS record boundary found in {} bytes after a gap; direction abandoned",
            me.skipped
        );
        me.anomaly_at(me.last_frame, text, out);
        me.mode = Mode::GaveUp;
        me.scan = Vec::new();
    }
    Step::Consumed(rest.len())
}

/// Whether a record is read as plaintext (buffered and decoded) or counted.
fn plaintext(crypt: Crypt, h: &Header) -> bool {
    match (crypt, h.content_type) {
        // A CCS body is the single byte 1 and is never protected (RFC 5246
        // §7.1, RFC 8446 §5); a protected one would be longer.
        (_, CT_CHANGE_CIPHER_SPEC) if h.len == 1 => true,
        // Under TLS 1.3 keys every protected record has type 23 (RFC 8446
        // §5.2): a 2-byte alert record is plaintext.
        (Crypt::Encrypted { tls13: true }, CT_ALERT) => h.len == 2,
        (Crypt::Encrypted { .. }, _) => false,
        // A plaintext alert is exactly level + description (RFC 8446 §6).
        (_, CT_ALERT) => h.len == 2,
        (_, CT_CHANGE_CIPHER_SPEC | CT_HANDSHAKE) => true,
        _ => false,
    }
}

fn tls(me: &mut Half, peer: &mut Half, at: u64, rest: &[u8], out: &mut Vec<Event>) -> Step {
    match me.rec {
        Rec::Header => {
            if me.hdr.is_empty() {
                me.hdr_start = at;
            }
            let take = (HEADER_LEN - me.hdr.len()).min(rest.len());
            me.hdr
                .extend_from_slice(rest.get(..take).unwrap_or_default());
            let Some(h) = Header::read(&me.hdr) else {
                return Step::Consumed(take);
            };
            let start = me.hdr_start;
            if !h.valid() {
                let mut text = format!(
                    "invalid record header {:02x?} at stream offset {start}",
                    me.hdr
                );
                if !me.hs.is_empty() {
                    text.push_str("; partial handshake message dropped");
                }
                me.emit(
                    start,
                    start + HEADER_LEN as u64,
                    Version(0),
                    EventKind::Anomaly(text),
                    out,
                );
                me.clear_hs();
                me.mode = Mode::Resync;
                me.scan = me.hdr.get(1..).unwrap_or_default().to_vec();
                me.scan_start = start + 1;
                me.skipped = 0;
                me.hdr.clear();
                return Step::Consumed(take);
            }
            me.hdr.clear();
            me.rec = if plaintext(me.crypt, &h) {
                me.body = Vec::new();
                Rec::Body { h, start }
            } else {
                Rec::Skip {
                    h,
                    start,
                    left: h.len,
                    damaged: false,
                    plain: false,
                }
            };
            if h.len == 0 {
                complete(me, peer, out);
            }
            Step::Consumed(take)
        }
        Rec::Body { h, .. } => {
            let take = h.len.saturating_sub(me.body.len()).min(rest.len());
            if me.body.is_empty() && take < h.len {
                // The record spans segments: one allocation, not one per
                // segment (the header was validated, so `h.len` is bounded).
                me.body.reserve_exact(h.len);
            }
            me.body
                .extend_from_slice(rest.get(..take).unwrap_or_default());
            if me.body.len() >= h.len {
                complete(me, peer, out);
            }
            Step::Consumed(take)
        }
        Rec::Skip {
            h,
            start,
            left,
            damaged,
            plain,
        } => {
            let take = left.min(rest.len());
            me.rec = Rec::Skip {
                h,
                start,
                left: left - take,
                damaged,
                plain,
            };
            if left == take {
                complete(me, peer, out);
            }
            Step::Consumed(take)
        }
    }
}

/// The current record is complete: decode or report it.
fn complete(me: &mut Half, peer: &mut Half, out: &mut Vec<Event>) {
    let rec = std::mem::replace(&mut me.rec, Rec::Header);
    match rec {
        Rec::Header => {}
        Rec::Body { h, start } => {
            let body = std::mem::take(&mut me.body);
            plain_record(me, peer, h, start, &body, out);
            me.body = body;
            me.body = Vec::new();
        }
        Rec::Skip {
            h,
            start,
            damaged,
            plain,
            ..
        } => opaque_record(me, h, start, damaged, plain, out),
    }
}

fn opaque_record(
    me: &mut Half,
    h: Header,
    start: u64,
    damaged: bool,
    plain: bool,
    out: &mut Vec<Event>,
) {
    if damaged && plain {
        return;
    }
    let end = start + (HEADER_LEN + h.len) as u64;
    if h.content_type == CT_APPLICATION_DATA && me.crypt == Crypt::Client13 {
        me.crypt = Crypt::Encrypted { tls13: true };
    }
    let kind = if h.content_type == CT_ALERT {
        EventKind::EncryptedAlert { len: h.len }
    } else {
        EventKind::Encrypted {
            content_type: h.content_type,
            len: h.len,
        }
    };
    me.emit(start, end, h.version, kind, out);
}

fn plain_record(
    me: &mut Half,
    peer: &mut Half,
    h: Header,
    start: u64,
    body: &[u8],
    out: &mut Vec<Event>,
) {
    let end = start + (HEADER_LEN + h.len) as u64;
    if h.content_type != CT_HANDSHAKE && !me.hs.is_empty() {
        let text = format!(
            "record of type {} inside an unfinished handshake message (RFC 8446 §5.1)",
            h.content_type
        );
        me.emit(start, end, h.version, EventKind::Anomaly(text), out);
    }
    match h.content_type {
        CT_CHANGE_CIPHER_SPEC => {
            me.emit(start, end, h.version, EventKind::ChangeCipherSpec, out);
            if body != [1] {
                let text = format!("ChangeCipherSpec with body {body:02x?}");
                me.emit(start, end, h.version, EventKind::Anomaly(text), out);
            }
            match me.crypt {
                Crypt::Plain => me.crypt = Crypt::Encrypted { tls13: false },
                Crypt::Client13 => me.crypt = Crypt::Encrypted { tls13: true },
                Crypt::Hold13 | Crypt::Encrypted { .. } => {}
            }
            if me.encrypted() {
                me.clear_hs();
            }
        }
        CT_ALERT => {
            if let [level, description] = *body {
                let kind = EventKind::Alert {
                    level,
                    description: AlertDescription(description),
                };
                me.emit(start, end, h.version, kind, out);
            }
        }
        CT_HANDSHAKE => handshake_record(me, peer, h, start, body, out),
        _ => {}
    }
}

fn handshake_record(
    me: &mut Half,
    peer: &mut Half,
    h: Header,
    start: u64,
    body: &[u8],
    out: &mut Vec<Event>,
) {
    let end = start + (HEADER_LEN + h.len) as u64;
    if body.is_empty() {
        let text = "empty handshake record (RFC 8446 §5.1)".to_string();
        me.emit(start, end, h.version, EventKind::Anomaly(text), out);
        return;
    }
    if me.hs_dead {
        return;
    }
    if me.hs_lost {
        // After a gap, resume at a record that starts a plausible message.
        let starts_message = match *body {
            [t, a, b, c, ..] => {
                HS_KNOWN.contains(&t)
                    && ((usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c))
                        <= MAX_HANDSHAKE_BUFFER
            }
            _ => false,
        };
        if !starts_message {
            return;
        }
        me.hs_lost = false;
    }
    if me.chunks.len() >= MAX_HS_CHUNKS {
        let text = format!(
            "handshake message spread over more than {MAX_HS_CHUNKS} records; handshake parsing stopped"
        );
        me.emit(start, end, h.version, EventKind::Anomaly(text), out);
        me.hs_dead = true;
        me.clear_hs();
        return;
    }
    me.chunks.push(Chunk {
        pos: me.hs.len(),
        off: start + HEADER_LEN as u64,
        from: start,
        ver: h.version,
    });
    me.hs.extend_from_slice(body);
    drain_messages(me, peer, out);
}

/// Parses every complete handshake message at the front of the buffer.
fn drain_messages(me: &mut Half, peer: &mut Half, out: &mut Vec<Event>) {
    while let [t, a, b, c, ..] = *me.hs.as_slice() {
        let len = (usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c);
        let total = 4 + len;
        if total > MAX_HANDSHAKE_BUFFER {
            let start = me.hs_offset(0);
            let text = format!(
                "handshake message type {t} of {len} bytes exceeds the {MAX_HANDSHAKE_BUFFER}-byte cap; handshake parsing stopped"
            );
            let ver = me.chunks.first().map_or(Version(0), |c| c.ver);
            me.emit(start, start + 4, ver, EventKind::Anomaly(text), out);
            me.hs_dead = true;
            me.clear_hs();
            return;
        }
        if me.hs.len() < total {
            return;
        }
        let start = me.chunks.first().map_or(me.hs_offset(0), |c| c.from);
        let end = me.hs_offset(total - 1) + 1;
        let ver = me.chunks.first().map_or(Version(0), |c| c.ver);
        let msg: Vec<u8> = me.hs.drain(..total).collect();
        if me.hs.is_empty() {
            // The common case: the buffer held one message. Give its memory
            // back; a connection may stay open long after its handshake.
            me.hs = Vec::new();
        }
        // Re-base the chunk map on the shortened buffer.
        let mut rebased = Vec::with_capacity(me.chunks.len());
        let chunks = std::mem::take(&mut me.chunks);
        let mut iter = chunks.iter().peekable();
        while let Some(ch) = iter.next() {
            let next_pos = iter.peek().map_or(usize::MAX, |n| n.pos);
            if next_pos <= total {
                continue;
            }
            if ch.pos >= total {
                rebased.push(Chunk {
                    pos: ch.pos - total,
                    ..*ch
                });
            } else {
                let off = ch.off + (total - ch.pos) as u64;
                rebased.push(Chunk {
                    pos: 0,
                    off,
                    from: off,
                    ver: ch.ver,
                });
            }
        }
        me.chunks = rebased;
        if me.hs.is_empty() {
            me.chunks.clear();
        }
        message(
            me,
            peer,
            t,
            msg.get(4..).unwrap_or_default(),
            start,
            end,
            ver,
            out,
        );
        if me.encrypted() && !me.hs.is_empty() {
            let text = format!(
                "{} handshake bytes after the key change in the same record (RFC 8446 §5.1)",
                me.hs.len()
            );
            me.emit(start, end, ver, EventKind::Anomaly(text), out);
            me.clear_hs();
        }
    }
}

/// Decodes one complete handshake message.
#[allow(clippy::too_many_arguments)] // reason: one call site; a struct would only rename the list
fn message(
    me: &mut Half,
    peer: &mut Half,
    t: u8,
    body: &[u8],
    start: u64,
    end: u64,
    ver: Version,
    out: &mut Vec<Event>,
) {
    let (kind, problems, what) = match t {
        HS_CLIENT_HELLO => match hello::parse_client_hello(body, ver) {
            Ok((ch, p)) => {
                if me.crypt == Crypt::Plain && ch.supported_versions.iter().any(|v| is_tls13(*v)) {
                    me.crypt = Crypt::Hold13;
                }
                (Some(EventKind::ClientHello(Box::new(ch))), p, "ClientHello")
            }
            Err(e) => (None, vec![e], ""),
        },
        HS_SERVER_HELLO => match hello::parse_server_hello(body, ver) {
            Ok((sh, p)) => {
                server_hello_switch(me, peer, sh.is_hello_retry_request, sh.negotiated_version());
                let what = if sh.is_hello_retry_request {
                    "HelloRetryRequest"
                } else {
                    "ServerHello"
                };
                (Some(EventKind::ServerHello(Box::new(sh))), p, what)
            }
            Err(e) => (None, vec![e], ""),
        },
        HS_CERTIFICATE => {
            let (certs, p) = hello::parse_certificate(body);
            let kind = (!certs.is_empty() || p.is_empty()).then_some(EventKind::Certificate(certs));
            (kind, p, "Certificate")
        }
        HS_CERTIFICATE_REQUEST => (Some(EventKind::CertificateRequest), Vec::new(), ""),
        HS_SERVER_HELLO_DONE => {
            let p = if body.is_empty() {
                Vec::new()
            } else {
                vec![format!("{} bytes of body", body.len())]
            };
            (Some(EventKind::ServerHelloDone), p, "ServerHelloDone")
        }
        _ => (Some(EventKind::OtherHandshake(t)), Vec::new(), ""),
    };
    if let Some(kind) = kind {
        me.emit(start, end, ver, kind, out);
    }
    for p in problems {
        let text = if what.is_empty() {
            p
        } else {
            format!("{what}: {p}")
        };
        me.emit(start, end, ver, EventKind::Anomaly(text), out);
    }
}

/// Encryption consequences of a ServerHello sent by `me` (RFC 8446 §4.1.3–4.1.4).
fn server_hello_switch(me: &mut Half, peer: &mut Half, hrr: bool, version: Version) {
    if hrr {
        // Both sides stay plaintext: a second ClientHello and a ServerHello follow.
        if !me.encrypted() {
            me.crypt = Crypt::Hold13;
        }
        if peer.crypt == Crypt::Plain {
            peer.crypt = Crypt::Hold13;
        }
    } else if is_tls13(version) {
        // Everything the server sends after its ServerHello is protected.
        me.crypt = Crypt::Encrypted { tls13: true };
        if !peer.encrypted() {
            peer.crypt = Crypt::Client13;
        }
    } else {
        // TLS ≤ 1.2: each side's CCS encrypts what it sends next.
        if me.crypt == Crypt::Hold13 {
            me.crypt = Crypt::Plain;
        }
        if peer.crypt == Crypt::Hold13 || peer.crypt == Crypt::Client13 {
            peer.crypt = Crypt::Plain;
        }
    }
}

/// Bytes missing at `[off, off + len)`; `frame` declared the gap.
pub(crate) fn gap(me: &mut Half, off: u64, len: u64, frame: u64, out: &mut Vec<Event>) {
    if me.ended || me.done() {
        me.next = me.next.max(off.saturating_add(len));
        return;
    }
    let mut text = format!("gap: {len} bytes missing at stream offset {off}");
    let after = off.saturating_add(len);
    match me.mode {
        Mode::Sniff => {
            if me.scan.is_empty() {
                text.push_str("; the direction's first bytes are missing");
            } else {
                text.push_str("; first bytes dropped");
            }
            enter_resync(me, after);
        }
        Mode::Resync => enter_resync(me, after),
        Mode::Tls => {
            let lost_hs = !me.hs.is_empty();
            match me.rec {
                Rec::Skip {
                    h,
                    start,
                    left,
                    plain,
                    ..
                } if (left as u64) > len => {
                    me.rec = Rec::Skip {
                        h,
                        start,
                        left: left - len as usize,
                        damaged: true,
                        plain,
                    };
                    text.push_str(" inside a record; framing kept");
                    if plain && h.content_type == CT_HANDSHAKE {
                        me.clear_hs();
                        me.hs_lost = true;
                    }
                }
                Rec::Body { h, start } if ((h.len - me.body.len().min(h.len)) as u64) > len => {
                    let left = h.len - me.body.len().min(h.len) - len as usize;
                    me.rec = Rec::Skip {
                        h,
                        start,
                        left,
                        damaged: true,
                        plain: true,
                    };
                    me.body = Vec::new();
                    text.push_str(&format!(
                        " inside a plaintext record of type {}; its content is lost",
                        h.content_type
                    ));
                    if h.content_type == CT_HANDSHAKE {
                        me.clear_hs();
                        me.hs_lost = true;
                    }
                }
                rec => {
                    if let Rec::Skip {
                        h,
                        start,
                        plain: false,
                        ..
                    } = rec
                    {
                        // The record's length is known: still report it.
                        opaque_record(me, h, start, false, false, out);
                    }
                    me.rec = Rec::Header;
                    me.hdr.clear();
                    me.body = Vec::new();
                    me.clear_hs();
                    enter_resync(me, after);
                }
            }
            if lost_hs {
                text.push_str("; partial handshake message dropped");
            }
        }
        Mode::Upgrade => {
            // Plaintext with a hole: keep searching after it, silently.
            me.scan.clear();
            me.scan_start = after;
            me.next = me.next.max(after);
            return;
        }
        Mode::NotTls | Mode::Sslv2 | Mode::GaveUp => {}
    }
    me.anomaly_at(frame, text, out);
    me.next = me.next.max(after);
}

fn enter_resync(me: &mut Half, at: u64) {
    me.mode = Mode::Resync;
    me.scan.clear();
    me.scan_start = at;
    me.skipped = 0;
}

/// The direction ended (FIN, RST, end of capture): whatever is half-read
/// becomes an anomaly.
pub(crate) fn flush(me: &mut Half, peer: &mut Half, out: &mut Vec<Event>) {
    if me.ended {
        return;
    }
    me.ended = true;
    if me.mode == Mode::Sniff && !me.scan.is_empty() {
        match classify(&me.scan) {
            First::NotTls => not_tls(me, out),
            _ => {
                let (start, n) = (me.scan_start, me.scan.len());
                let text = format!("stream ended after {n} bytes, inside the first record");
                me.emit(
                    start,
                    start + n as u64,
                    Version(0),
                    EventKind::Anomaly(text),
                    out,
                );
                me.scan.clear();
            }
        }
        return;
    }
    // Resynchronise on what is left, accepting a final unvalidated record.
    let mut guard = 0;
    while me.mode == Mode::Resync && !me.scan.is_empty() && guard < 64 {
        guard += 1;
        let buf = std::mem::take(&mut me.scan);
        let at = me.scan_start;
        if let Step::Refeed(o, v) = resync(me, at, &buf, true, out) {
            run(me, peer, o, &v, out);
        } else {
            if me.mode == Mode::Resync && me.skipped > 0 {
                let text = format!(
                    "stream ended while looking for a record boundary; {} bytes skipped",
                    me.skipped
                );
                me.anomaly_at(me.last_frame, text, out);
            }
            break;
        }
    }
    if me.mode != Mode::Tls {
        return;
    }
    match me.rec {
        Rec::Header if !me.hdr.is_empty() => {
            let (start, n) = (me.hdr_start, me.hdr.len());
            let text = format!("stream ended inside a record header ({n} of 5 bytes)");
            me.emit(
                start,
                start + n as u64,
                Version(0),
                EventKind::Anomaly(text),
                out,
            );
        }
        Rec::Header => {}
        Rec::Body { h, start } => {
            let text = format!(
                "stream ended inside a record (type {}, {} of {} bytes)",
                h.content_type,
                me.body.len(),
                h.len
            );
            me.emit(start, me.next, h.version, EventKind::Anomaly(text), out);
        }
        Rec::Skip {
            h,
            start,
            left,
            damaged,
            plain,
        } => {
            opaque_record(me, h, start, damaged, plain, out);
            let text = format!(
                "stream ended inside a record (type {}, {} of {} bytes)",
                h.content_type,
                h.len - left.min(h.len),
                h.len
            );
            me.emit(start, me.next, h.version, EventKind::Anomaly(text), out);
        }
    }
    if let [t, a, b, c, ..] = *me.hs.as_slice() {
        let len = (usize::from(a) << 16) | (usize::from(b) << 8) | usize::from(c);
        let text = format!(
            "stream ended inside a handshake message (type {t}, {} of {len} bytes)",
            me.hs.len() - 4
        );
        let start = me.hs_offset(0);
        me.emit(start, me.next, Version(0), EventKind::Anomaly(text), out);
    } else if !me.hs.is_empty() {
        let text = format!(
            "stream ended inside a handshake message header ({} bytes)",
            me.hs.len()
        );
        let start = me.hs_offset(0);
        me.emit(start, me.next, Version(0), EventKind::Anomaly(text), out);
    }
    me.rec = Rec::Header;
    me.hdr.clear();
    me.body = Vec::new();
    me.clear_hs();
}
