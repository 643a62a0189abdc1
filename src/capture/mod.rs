//! Capture files → frames.
//!
//! Input: a byte stream (`Read`) holding a pcap or pcapng capture, or a
//! seekable source (`Read + Seek`, [`Reader::open_seekable`]) that may also hold
//! a Microsoft Network Monitor `.cap` (its frame table is at the end of the
//! file); the format is sniffed from the first bytes, never from the file name.
//! Output: one [`Frame`] at a time through the lending [`Reader::next_frame`]: the
//! frame borrows the reader's buffer, so it cannot outlive the next call.
//! Invariants: frame numbers are 1-based and count every packet record, as
//! Wireshark does (NetMon pseudo-frames Wireshark shows are numbered but not
//! returned; those it drops are neither); memory is bounded by the largest
//! record (capped) and small fixed tables, not by the file size.
//! Errors: a damaged record ends reading with [`Error::Corrupt`] (offset and
//! frame number of the damage); every frame before it has been delivered.
//! Oddities that do not stop reading are counted in [`Reader::notes`].
//! Not done here: link-layer decoding (`wire`), decompression (the caller wraps
//! the `Read`); other formats are recognised only to name them in the error.
//!
//! Layout: `input` (the bounded buffer), `pcap` (draft-ietf-opsawg-pcap),
//! `pcapng` (draft-ietf-opsawg-pcapng), `netmon` (Network Monitor 1.x/2.x),
//! and here the sniffing and the reader.

pub mod decompress;
mod input;
mod netmon;
mod pcap;
mod pcapng;

use std::io::{Read, Seek};
use std::path::PathBuf;

use crate::Error;
use input::Input;
pub use netmon::{Comment, Process};

/// Nanoseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(pub i64);

/// A link-layer type, as in the pcap/pcapng LINKTYPE registry (16 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinkType(pub u16);

impl LinkType {
    /// BSD loopback, host-order 4-byte address family.
    pub const NULL: LinkType = LinkType(0);
    /// Ethernet II (with 802.1Q/QinQ tags).
    pub const ETHERNET: LinkType = LinkType(1);
    /// Raw IP, old value used by some BSDs.
    pub const RAW_OLD_12: LinkType = LinkType(12);
    /// Raw IP, old OpenBSD value.
    pub const RAW_OLD_14: LinkType = LinkType(14);
    /// Raw IPv4/IPv6.
    pub const RAW: LinkType = LinkType(101);
    /// IEEE 802.11 MAC frames, no radio header (LINKTYPE_IEEE802_11).
    pub const IEEE802_11: LinkType = LinkType(105);
    /// OpenBSD loopback, big-endian 4-byte address family.
    pub const LOOP: LinkType = LinkType(108);
    /// Linux cooked capture v1.
    pub const LINUX_SLL: LinkType = LinkType(113);
    /// Raw IPv4.
    pub const IPV4: LinkType = LinkType(228);
    /// Raw IPv6.
    pub const IPV6: LinkType = LinkType(229);
    /// Linux cooked capture v2.
    pub const LINUX_SLL2: LinkType = LinkType(276);
    /// NetMon's 802.11 media type (6): the NetMon 802.11 metadata header, then
    /// the 802.11 MAC frame. It has no LINKTYPE; this value is tlstriage's own,
    /// taken from the top of the 16-bit range, which the LINKTYPE registry
    /// (tcpdump.org/linktypes.html) leaves unassigned.
    pub const NETMON_IEEE802_11: LinkType = LinkType(0xFF06);

    /// A short human name ("Ethernet", "Linux SLL2", …) or the number.
    pub fn name(self) -> String {
        match self.0 {
            0 => "BSD loopback (NULL)".into(),
            1 => "Ethernet".into(),
            12 | 14 | 101 => "raw IP".into(),
            108 => "OpenBSD loopback (LOOP)".into(),
            105 => "IEEE 802.11".into(),
            113 => "Linux cooked (SLL)".into(),
            228 => "raw IPv4".into(),
            229 => "raw IPv6".into(),
            276 => "Linux cooked v2 (SLL2)".into(),
            0xFF06 => "IEEE 802.11 (NetMon metadata)".into(),
            n => format!("link type {n}"),
        }
    }
}

/// The container format of a capture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// libpcap ("legacy pcap"), µs or ns, either byte order.
    Pcap,
    /// pcapng, one or more sections.
    Pcapng,
    /// Microsoft Network Monitor `.cap`, 1.x or 2.0–2.3.
    Netmon,
}

impl Format {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
            Format::Netmon => "netmon",
        }
    }
}

/// One captured packet, borrowed from the reader's buffer.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based frame number, as Wireshark counts.
    pub number: u64,
    /// Capture time.
    pub ts: Timestamp,
    /// Link type of the interface the packet was captured on.
    pub link: LinkType,
    /// The captured bytes (possibly shorter than `orig_len`).
    pub data: &'a [u8],
    /// Length of the packet on the wire.
    pub orig_len: u32,
    /// Byte offset of this packet's record in the input.
    pub offset: u64,
    /// NetMon 2.2+: the index of the process NetMon recorded as owning this
    /// frame's connection, for [`Reader::process`]; `None` when the file
    /// records none (pcap, pcapng, older NetMon, or NetMon's "no process"
    /// 0xFFFFFFFF).
    pub process: Option<u32>,
}

/// A reader buffer that frames can be used from after the reader moved on
/// (see [`Reader::next_frame_shared`]).
pub(crate) type SharedBuffer = std::sync::Arc<Vec<u8>>;

/// Largest captured length accepted for one packet record. A record claiming
/// more is treated as corruption (a garbage `caplen` such as 0xFFFFFFFF), so a
/// damaged file can never make the reader allocate without bound.
pub const MAX_RECORD_LEN: usize = 16 * 1024 * 1024;

/// A streaming capture reader: pcap or pcapng (any `Read`), or NetMon (opened
/// with [`Reader::open_seekable`]), sniffed by content.
pub struct Reader<R: Read> {
    input: Input<R>,
    kind: Kind,
    /// Bytes of the record last returned, consumed at the next call (the
    /// returned frame borrows them until then).
    pending: usize,
    /// Packet records numbered so far (Wireshark's frame count).
    frames: u64,
    done: bool,
    notes: Notes,
    links: Vec<LinkType>,
}

enum Kind {
    Pcap(pcap::Pcap),
    Pcapng(pcapng::Pcapng),
    Netmon(netmon::Netmon),
}

impl<R: Read> Reader<R> {
    /// Sniffs the format from the first bytes and reads the file header, from
    /// a stream that cannot seek (a pipe, stdin, a decompressor).
    ///
    /// Errors: [`Error::UnknownFormat`] when the bytes are no pcap/pcapng (the
    /// message names what they look like where it can; a NetMon `.cap` is named
    /// with what to do, since it cannot be read without seeking),
    /// [`Error::Corrupt`] when the header itself is damaged, [`Error::Io`] on
    /// read errors.
    pub fn open(src: R) -> Result<Self, Error> {
        Self::open_input(Input::new(src))
    }

    fn open_input(mut input: Input<R>) -> Result<Self, Error> {
        let mut notes = Notes::default();
        let n = input.fill(4).map_err(io_error)?;
        let head = input.data();
        let kind = if n >= 4 && head.get(..4) == Some(&pcapng::SHB_TYPE_BYTES[..]) {
            Kind::Pcapng(pcapng::Pcapng::open(&mut input, &mut notes)?)
        } else if pcap::is_magic(head) {
            Kind::Pcap(pcap::Pcap::open(&mut input, &mut notes)?)
        } else if netmon::is_magic(head) && input.seekable() {
            Kind::Netmon(netmon::Netmon::open(&mut input, &mut notes)?)
        } else {
            // Only now read further: naming the content may need a few KiB,
            // and a capture arriving through a pipe must not wait for them.
            input.fill(SNIFF_LEN).map_err(io_error)?;
            let head = input.data();
            return Err(Error::UnknownFormat {
                what: describe_unknown(head).into(),
                magic: hex(head.get(..8).unwrap_or(head)),
            });
        };
        Ok(Reader {
            input,
            kind,
            pending: 0,
            frames: 0,
            done: false,
            notes,
            links: Vec::new(),
        })
    }

    /// The next frame, `Ok(None)` at a clean end of input.
    ///
    /// A damaged or truncated record gives [`Error::Corrupt`] with its byte
    /// offset and frame number; the reader is then finished (later calls give
    /// `Ok(None)`).
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, Error> {
        Ok(self.advance()?.map(|rec| self.frame(&rec)))
    }

    /// [`Reader::next_frame`], with the buffer its bytes lie in: holding on
    /// to it keeps them as they are after the reader has moved on (a read
    /// then goes on in another buffer), so they can be used without a copy.
    pub(crate) fn next_frame_shared(
        &mut self,
    ) -> Result<Option<(Frame<'_>, &SharedBuffer)>, Error> {
        Ok(self
            .advance()?
            .map(|rec| (self.frame(&rec), self.input.shared())))
    }

    /// Moves to the next record.
    fn advance(&mut self) -> Result<Option<Record>, Error> {
        if self.done {
            return Ok(None);
        }
        // The previous frame's borrow has ended: its bytes can go now.
        self.input.consume(std::mem::take(&mut self.pending));
        let next = match &mut self.kind {
            Kind::Pcap(p) => p.next_record(&mut self.input, &mut self.notes, &mut self.frames),
            Kind::Pcapng(p) => p.next_record(&mut self.input, &mut self.notes, &mut self.frames),
            Kind::Netmon(p) => p.next_record(&mut self.input, &mut self.notes, &mut self.frames),
        };
        let rec = match next {
            Ok(Some(rec)) => rec,
            Ok(None) => {
                self.done = true;
                return Ok(None);
            }
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        if self.links.last() != Some(&rec.link) && !self.links.contains(&rec.link) {
            self.links.push(rec.link);
        }
        self.pending = rec.total;
        Ok(Some(rec))
    }

    /// The frame of the record just read.
    fn frame(&self, rec: &Record) -> Frame<'_> {
        let data = self
            .input
            .data()
            .get(rec.data_at..rec.data_at.saturating_add(rec.data_len))
            .unwrap_or_default();
        Frame {
            number: self.frames,
            ts: rec.ts,
            link: rec.link,
            data,
            orig_len: rec.orig_len,
            offset: rec.offset,
            process: rec.process,
        }
    }

    /// The container format.
    pub fn format(&self) -> Format {
        match self.kind {
            Kind::Pcap(_) => Format::Pcap,
            Kind::Pcapng(_) => Format::Pcapng,
            Kind::Netmon(_) => Format::Netmon,
        }
    }

    /// Bytes of input consumed so far (for progress and damage offsets): the
    /// end of the last record returned.
    pub fn bytes_read(&self) -> u64 {
        self.input.offset() + self.pending as u64
    }

    /// Non-fatal oddities met so far (unknown blocks skipped, caplen > snaplen…),
    /// as (what, count), in the order first met.
    pub fn notes(&self) -> Vec<(String, u64)> {
        self.notes.0.clone()
    }

    /// The link types of the frames returned so far, each once, in the order
    /// first seen (a pcapng file may mix several).
    pub fn link_types(&self) -> &[LinkType] {
        &self.links
    }

    /// Sections read so far: pcapng Section Header Blocks; always 1 for pcap
    /// and NetMon.
    pub fn sections(&self) -> u64 {
        match &self.kind {
            Kind::Pcap(_) | Kind::Netmon(_) => 1,
            Kind::Pcapng(p) => p.sections(),
        }
    }

    /// Packet records numbered so far: the number of the last frame returned,
    /// or more when NetMon pseudo-frames that Wireshark numbers (NetEvent,
    /// filter, adapter list) were passed over after it. Equals Wireshark's
    /// frame count once reading has ended cleanly.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// The process NetMon recorded at `index` of its process table (2.2+),
    /// as named by [`Frame::process`]; `None` for an index the table does not
    /// hold (only the first 4096 processes are kept) and for every other
    /// format.
    pub fn process(&self, index: u32) -> Option<&Process> {
        match &self.kind {
            Kind::Netmon(n) => n.process(index),
            _ => None,
        }
    }

    /// The image name (`lsass.exe`) of the process at `index`; see
    /// [`Reader::process`] for its PID, full path and connection.
    pub fn process_name(&self, index: u32) -> Option<&str> {
        self.process(index).map(Process::name)
    }

    /// Every process NetMon recorded (2.2+), in table order (the index a
    /// frame names is the position here); empty for other formats.
    pub fn processes(&self) -> &[Process] {
        match &self.kind {
            Kind::Netmon(n) => n.processes(),
            _ => &[],
        }
    }

    /// The NetMon comment (2.2+) attached to the frame whose record starts at
    /// byte `offset` ([`Frame::offset`]), if any.
    pub fn comment(&self, offset: u64) -> Option<&Comment> {
        match &self.kind {
            Kind::Netmon(n) => n.comment(offset),
            _ => None,
        }
    }
}

impl<R: Read + Seek> Reader<R> {
    /// Like [`Reader::open`], from a source that can seek (a file, a
    /// `Cursor`): reads pcap and pcapng as a stream, and also NetMon `.cap`,
    /// which locates its frames through a table at the end of the file. The
    /// capture starts at the source's current position.
    pub fn open_seekable(src: R) -> Result<Self, Error> {
        Self::open_input(Input::new_seekable(src).map_err(io_error)?)
    }
}

/// One packet record located in the input buffer by a format parser.
struct Record {
    /// Where the packet bytes start, relative to the unconsumed buffer.
    data_at: usize,
    data_len: usize,
    /// Bytes of the whole record, consumed when the next one is asked for.
    total: usize,
    ts: Timestamp,
    link: LinkType,
    orig_len: u32,
    offset: u64,
    process: Option<u32>,
}

/// Non-fatal oddities with counts, in first-seen order. Few distinct entries,
/// so a linear search; allocation only for a new entry.
#[derive(Default)]
struct Notes(Vec<(String, u64)>);

impl Notes {
    fn add(&mut self, what: &str) {
        match self.0.iter_mut().find(|(w, _)| w == what) {
            Some((_, n)) => *n += 1,
            None => self.0.push((what.to_owned(), 1)),
        }
    }
}

/// Byte order of a pcap file or of a pcapng section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

impl Endian {
    fn u16(self, b: &[u8], at: usize) -> Option<u16> {
        let a: [u8; 2] = b.get(at..at.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        })
    }

    fn u32(self, b: &[u8], at: usize) -> Option<u32> {
        let a: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        })
    }

    fn u64(self, b: &[u8], at: usize) -> Option<u64> {
        let a: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
        Some(match self {
            Endian::Little => u64::from_le_bytes(a),
            Endian::Big => u64::from_be_bytes(a),
        })
    }
}

fn corrupt(offset: u64, frame: u64, what: impl Into<String>) -> Error {
    Error::Corrupt {
        offset,
        frame,
        what: what.into(),
    }
}

/// The reader does not know the path; the pipeline rewraps with it.
fn io_error(source: std::io::Error) -> Error {
    Error::Io {
        path: PathBuf::new(),
        source,
    }
}

/// How much of an unknown input is read to name it (ETL needs its first
/// buffer header and the logger names after it).
const SNIFF_LEN: usize = 4096;

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Names content that is not pcap/pcapng, with what to do about it.
fn describe_unknown(head: &[u8]) -> &'static str {
    let starts = |m: &[u8]| head.starts_with(m);
    if head.is_empty() {
        "empty file"
    } else if starts(&[0x1f, 0x8b]) {
        "gzip-compressed capture; decompress it first (gunzip)"
    } else if starts(b"PK\x03\x04") {
        if is_message_analyzer(head) {
            "Message Analyzer .matp trace is not supported; open it in Message Analyzer and \
             save it as a .cap or .pcapng file"
        } else {
            "zip archive; extract the capture from it first (unzip)"
        }
    } else if netmon::is_magic(head) {
        "Network Monitor .cap cannot be read from a pipe (its frame table is at the end \
         of the file); pass the file by its path, or convert it with Wireshark: \
         editcap -F pcapng in.cap out.pcapng"
    } else if starts(b"XCP\0") {
        "NetXRay / Windows Sniffer capture is not supported; convert with Wireshark: \
         editcap -F pcapng in.cap out.pcapng"
    } else if starts(b"TRSNIFF data") {
        "NA Sniffer (DOS) capture is not supported; convert with Wireshark: \
         editcap -F pcapng in.cap out.pcapng"
    } else if starts(b"snoop\0\0\0") {
        "Solaris snoop capture is not supported; convert with Wireshark: \
         editcap -F pcapng in.snoop out.pcapng"
    } else if starts(b"BZh") || starts(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        "bzip2/xz-compressed file; decompress it first"
    } else if starts(&[0x28, 0xb5, 0x2f, 0xfd]) {
        "zstd-compressed file; decompress it first (zstd -d)"
    } else if is_etl(head) {
        "Windows ETL trace (netsh trace / pktmon) is not supported; convert it first: \
         pktmon etl2pcap in.etl --out out.pcapng (Windows 10 2004 and later), or \
         etl2pcapng in.etl out.pcapng (github.com/microsoft/etl2pcapng)"
    } else if let Some(markup) = text_kind(head) {
        markup
    } else {
        "not a pcap or pcapng capture (unrecognised first bytes)"
    }
}

/// Message Analyzer `.matp` files are zip packages whose members are named by
/// GUID (`<guid>.mmindex`, `<guid>-<guid>.mmsection`). The first member name
/// sits at byte 30 of the zip local file header, its length at byte 26.
fn is_message_analyzer(head: &[u8]) -> bool {
    let Some(len) = Endian::Little.u16(head, 26) else {
        return false;
    };
    let Some(name) = head.get(30..30 + usize::from(len)) else {
        return false;
    };
    let guid = name.get(..36).is_some_and(|g| {
        g.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
    });
    guid || name.windows(3).any(|w| w == b".mm")
}

/// ETL files are a sequence of ETW buffers. There is no magic number; the
/// first buffer starts with its size (a multiple of 1 KiB) and two offsets
/// inside it, and the logger and file names follow soon after as UTF-16, which
/// for a trace file end in ".etl".
fn is_etl(head: &[u8]) -> bool {
    let le = Endian::Little;
    let (Some(size), Some(saved), Some(current)) =
        (le.u32(head, 0), le.u32(head, 4), le.u32(head, 8))
    else {
        return false;
    };
    let plausible = size >= 1024 && size.is_multiple_of(1024) && saved <= size && current <= size;
    let utf16_etl = |w: &[u8]| {
        matches!(w, [b'.', 0, e, 0, t, 0, l, 0]
            if e.eq_ignore_ascii_case(&b'e') && t.eq_ignore_ascii_case(&b't') && l.eq_ignore_ascii_case(&b'l'))
    };
    plausible && head.windows(8).any(utf16_etl)
}

/// Text (UTF-8, no control bytes but whitespace) is named as HTML/XML or text.
fn text_kind(head: &[u8]) -> Option<&'static str> {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let sample = head.get(..512).unwrap_or(head);
    // A cut in the middle of a multi-byte character is still text.
    let valid = match std::str::from_utf8(sample) {
        Ok(s) => s,
        Err(e) if sample.len() - e.valid_up_to() < 4 && e.error_len().is_none() => {
            std::str::from_utf8(sample.get(..e.valid_up_to())?).ok()?
        }
        Err(_) => return None,
    };
    if valid
        .chars()
        .any(|c| c.is_control() && !c.is_ascii_whitespace())
    {
        return None;
    }
    if valid.trim_start().starts_with('<') {
        Some("HTML or XML text, not a capture (an error page saved instead of the file?)")
    } else {
        Some(
            "a text file, not a capture (a tcpdump/tshark text dump? capture with -w to write a pcap)",
        )
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`, chrono-Compatible Low-Level Date Algorithms).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unknown(bytes: &[u8]) -> (String, String) {
        match Reader::open(bytes) {
            Err(Error::UnknownFormat { what, magic }) => (what, magic),
            Err(e) => panic!("expected UnknownFormat, got {e}"),
            Ok(_) => panic!("expected UnknownFormat, got a reader"),
        }
    }

    #[test]
    fn open_empty_input_is_unknown_empty_file() {
        let (what, magic) = unknown(b"");
        assert_eq!(what, "empty file");
        assert_eq!(magic, "");
    }

    #[test]
    fn open_gzip_is_unknown_with_gunzip_hint() {
        let (what, magic) = unknown(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2]);
        assert!(what.contains("gzip-compressed capture; decompress it first (gunzip)"));
        assert_eq!(magic, "1f8b080000000000");
    }

    #[test]
    fn open_netmon2_from_stream_is_unknown_with_path_and_editcap_hint() {
        let (what, magic) = unknown(b"GMBU\x03\x02\x01\x00\xe0\x07");
        assert!(what.starts_with("Network Monitor .cap cannot be read from a pipe"));
        assert!(what.contains("pass the file by its path"));
        assert!(what.contains("editcap -F pcapng in.cap out.pcapng"));
        assert_eq!(magic, "474d425503020100");
    }

    #[test]
    fn open_netmon1_is_unknown_netmon() {
        let (what, _) = unknown(b"RTSS\x01\x01\x00\x00");
        assert!(what.starts_with("Network Monitor .cap"));
    }

    /// A zip local file header (PKWARE APPNOTE §4.3.7) naming one member.
    fn zip_local_header(name: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; 30];
        b[..4].copy_from_slice(b"PK\x03\x04");
        b[26] = name.len() as u8;
        b.extend_from_slice(name);
        b
    }

    #[test]
    fn open_matp_zip_is_unknown_message_analyzer() {
        let name = b"fcfd58f4-8c49-4cce-a397-38a62f8e84da.mmindex";
        let b = zip_local_header(name);
        assert!(unknown(&b).0.starts_with("Message Analyzer .matp"));
    }

    #[test]
    fn open_plain_zip_is_unknown_zip() {
        let b = zip_local_header(b"cap.pcapng");
        assert!(unknown(&b).0.starts_with("zip archive"));
    }

    #[test]
    fn open_sniffer_magics_are_named() {
        assert!(unknown(b"XCP\0\x00\x00\x00\x00").0.contains("Sniffer"));
        assert!(unknown(b"TRSNIFF data    \x1a").0.contains("NA Sniffer"));
    }

    #[test]
    fn open_etl_like_buffer_is_unknown_etl() {
        let mut b = vec![0u8; 600];
        b[..4].copy_from_slice(&65536u32.to_le_bytes());
        b[4..8].copy_from_slice(&4096u32.to_le_bytes());
        b[8..12].copy_from_slice(&4096u32.to_le_bytes());
        let name: Vec<u8> = "C:\\t\\NetTrace.etl"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        b[400..400 + name.len()].copy_from_slice(&name);
        assert!(unknown(&b).0.starts_with("Windows ETL trace"));
    }

    #[test]
    fn open_html_and_text_are_named() {
        assert!(
            unknown(b"<!DOCTYPE html><html>404</html>")
                .0
                .starts_with("HTML")
        );
        assert!(
            unknown(b"12:00:01.000 IP 10.0.0.1.443 > 10.0.0.2")
                .0
                .starts_with("a text file")
        );
    }

    #[test]
    fn open_garbage_is_unknown_generic() {
        let (what, magic) = unknown(&[0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6]);
        assert!(what.starts_with("not a pcap or pcapng capture"));
        assert_eq!(magic, "deadbeef00010203");
    }

    #[test]
    fn notes_same_note_twice_counts_two() {
        let mut n = Notes::default();
        n.add("a");
        n.add("b");
        n.add("a");
        assert_eq!(n.0, vec![("a".to_string(), 2), ("b".to_string(), 1)]);
    }
}

/// What the format tests compare: a frame detached from the reader.
#[cfg(test)]
#[derive(Debug, PartialEq, Clone)]
pub(crate) struct OwnedFrame {
    pub(crate) number: u64,
    pub(crate) ts: i64,
    pub(crate) link: u16,
    pub(crate) data: Vec<u8>,
    pub(crate) orig_len: u32,
    pub(crate) offset: u64,
    pub(crate) process: Option<u32>,
}

#[cfg(test)]
impl From<Frame<'_>> for OwnedFrame {
    fn from(f: Frame<'_>) -> Self {
        OwnedFrame {
            number: f.number,
            ts: f.ts.0,
            link: f.link.0,
            data: f.data.to_vec(),
            orig_len: f.orig_len,
            offset: f.offset,
            process: f.process,
        }
    }
}
