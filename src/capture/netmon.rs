//! Microsoft Network Monitor captures (`.cap`): 2.0–2.3 (`GMBU`) and 1.x (`RTSS`).
//!
//! Input: a seekable source positioned at the file header. NetMon writes its
//! frame table (one `u32` file offset per frame, in display order) at the end
//! of the file, so every frame is located through it, never by walking the
//! records: files may have holes, frames out of order, and records that start
//! before byte 128 (NetMon 3.4 starts them at 72).
//! Output: packet records ([`Record`]) one per call, plus what the 2.2+ tables
//! say: the process-info table ([`Process`], named per frame by
//! [`Record::process`]) and the comment table ([`Comment`], keyed by record
//! offset).
//! Frame numbering follows Wireshark (`wiretap/netmon.c`): every frame-table
//! entry is a frame, except the payload-header, network-info and DNS-cache
//! pseudo-frames, which Wireshark drops unnumbered. NetEvent (ETW), filter and
//! adapter-list pseudo-frames are numbered, as Wireshark shows them, but not
//! returned: they carry no packet. Both kinds are counted in the notes.
//! Timestamps: 2.3 frames carry a UTC FILETIME, used when plausible; otherwise
//! the header's SYSTEMTIME start plus the record's offset, which is the
//! capturing machine's local wall-clock time in an unknown zone (read here as
//! if it were UTC, and said so in a note).
//! Invariants: memory is bounded whatever the file says — the frame table is
//! read in windows of [`TABLE_WINDOW`] entries, a record is at most
//! [`MAX_FRAME_LEN`] bytes, and the process and comment tables keep at most
//! [`MAX_PROCESSES_KEPT`] and [`MAX_COMMENTS_KEPT`] bounded entries. Every
//! offset is checked against the file length before it is followed, so a
//! damaged table ends reading with [`Error::Corrupt`] (byte offset of the bad
//! entry or record) after every earlier frame was returned; damage in the
//! process or comment table is only a note.
//! Not done here: decoding the media (the `wire` stage does Ethernet, raw IP
//! and 802.11); unwrapping NDIS packet-capture events carried in NetEvent
//! frames (no sample file holds one); Token Ring, FDDI, ATM and IP-over-1394
//! frames (numbered, skipped, noted); the 2.3 extended-info (time zone) table;
//! writing NetMon files.
//!
//! Sources: Wireshark `wiretap/netmon.c` (reader, limits and numbering),
//! Microsoft's `CAPTUREFILE_HEADER_VALUES` and NetMon 3.4 "Capture File Format"
//! help, and `reference/formats-and-crates.md` §4 (checked against real
//! NetMon 3.4 files).

use std::collections::HashMap;
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::{Endian, Input, LinkType, Notes, Record, Timestamp, corrupt, io_error};
use crate::Error;

/// NetMon 2.x magic (`netmon_2_x_magic` in wiretap/netmon.c).
const MAGIC_2X: &[u8; 4] = b"GMBU";
/// NetMon 1.x magic (`netmon_1_x_magic` in wiretap/netmon.c).
const MAGIC_1X: &[u8; 4] = b"RTSS";
/// Header bytes read: magic, then `struct netmon_hdr` up to NetworkInfoLength
/// (wiretap/netmon.c). Writers pad the header to 128 bytes, but NetMon 3.4
/// starts the first record at 72, so nothing past 72 is header.
const HEADER_LEN: usize = 72;
/// 2.x record header: u64 µs offset, u32 wire length, u32 captured length
/// (`netmonrec_2_x_hdr`).
const RECORD_HEADER_2X: usize = 16;
/// 1.x record header: u32 ms offset, u16 wire length, u16 captured length
/// (`netmonrec_1_x_hdr`).
const RECORD_HEADER_1X: usize = 8;
/// Largest captured length accepted, Wireshark's `WTAP_MAX_PACKET_SIZE_STANDARD`:
/// a larger record is corruption, as in Wireshark, so frame counts agree.
pub(super) const MAX_FRAME_LEN: u32 = 262_144;
/// Wireshark's cap on frame-table entries: offsets are 32-bit and a record
/// header is at least 8 bytes, so no real file has more.
const MAX_TABLE_ENTRIES: u32 = 512 * 1024 * 1024;
/// Frame-table entries read at once (16 KiB).
const TABLE_WINDOW: usize = 4096;
/// Wireshark's cap on the process-info count.
const MAX_PROCESS_COUNT: u32 = 512 * 1024;
/// Processes kept; an index past them reads as unknown (noted).
const MAX_PROCESSES_KEPT: usize = 4096;
/// Wireshark's cap on a process path, in bytes (`MATH_PROCINFO_PATH_SIZE`).
const MAX_PATH_SIZE: u32 = 65_536;
/// Characters of a process path kept (Windows' long-path limit is 32767).
const MAX_PATH_CHARS: usize = 1024;
/// Wireshark's cap on the comment table, in bytes.
const MAX_COMMENT_TABLE: u32 = 512 * 1024 * 1024;
/// Comments kept.
const MAX_COMMENTS_KEPT: usize = 1024;
/// Characters of a comment title kept.
const MAX_TITLE_CHARS: usize = 256;
/// Bytes of a comment description (RTF or text) kept.
const MAX_DESCRIPTION_BYTES: usize = 4096;
/// 100-ns intervals from 1601-01-01 to 1970-01-01 (FILETIME epoch → Unix).
const FILETIME_UNIX_EPOCH: u64 = 116_444_736_000_000_000;
/// Per-frame ProcessInfoIndex meaning "no process" (seen in NetMon 3.4 files).
const NO_PROCESS: u32 = 0xFFFF_FFFF;

/// NetMon media types (MacType, per-frame MediaType): `netmon_encap[]` and the
/// `NETMON_NET_*` values in wiretap/netmon.c.
mod media {
    /// NetMon 3.4 VPN captures write 0 for Ethernet frames.
    pub const ZERO_ETHERNET: u16 = 0;
    pub const ETHERNET: u16 = 1;
    pub const TOKEN_RING: u16 = 2;
    pub const FDDI: u16 = 3;
    /// "NDIS WAN", in fact ATM PDUs with a 16-byte pseudo-header.
    pub const ATM: u16 = 4;
    pub const IP_OVER_1394: u16 = 5;
    /// 802.11 with the NetMon metadata header.
    pub const IEEE802_11: u16 = 6;
    /// Tunnel interfaces, Wireless WAN, "raw IP frames": all raw IP.
    pub const RAW_IP: [u16; 3] = [7, 8, 9];
    /// A frame converted from pcap: the low 12 bits are its LINKTYPE.
    pub const PCAP_BASE: u16 = 0xE000;
    /// Message Analyzer "WiFi message": plain 802.11.
    pub const MA_WIFI: u16 = 0xE080;
    /// Message Analyzer's other types (WFP, Fiddler, PEF…), after MA_WIFI.
    pub const MA_FIRST: u16 = 0xE081;
    pub const MA_LAST: u16 = 0xE08A;
    pub const NETEVENT: u16 = 0xFFE0;
    pub const NETWORK_INFO_EX: u16 = 0xFFFB;
    pub const PAYLOAD_HEADER: u16 = 0xFFFC;
    pub const NETWORK_INFO: u16 = 0xFFFD;
    pub const DNS_CACHE: u16 = 0xFFFE;
    pub const FILTER: u16 = 0xFFFF;
}

/// What a media type means for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    /// A packet, decoded by `wire` as this link type.
    Packet(LinkType),
    /// A frame Wireshark numbers but that carries no packet we read: numbered,
    /// not returned, noted.
    Numbered(&'static str),
    /// A pseudo-frame Wireshark drops: neither numbered nor returned, noted.
    Unnumbered(&'static str),
}

fn classify(m: u16) -> Media {
    use media::*;
    match m {
        ZERO_ETHERNET | ETHERNET => Media::Packet(LinkType::ETHERNET),
        IEEE802_11 => Media::Packet(LinkType::NETMON_IEEE802_11),
        m if RAW_IP.contains(&m) => Media::Packet(LinkType::RAW),
        MA_WIFI => Media::Packet(LinkType::IEEE802_11),
        MA_FIRST..=MA_LAST => {
            Media::Numbered("NetMon Message Analyzer frames (WFP, Fiddler, PEF) skipped")
        }
        m if m & 0xF000 == PCAP_BASE => Media::Packet(LinkType(m & 0x0FFF)),
        TOKEN_RING => Media::Numbered("NetMon Token Ring frames skipped (not decoded)"),
        FDDI => Media::Numbered("NetMon FDDI frames skipped (not decoded)"),
        ATM => Media::Numbered("NetMon ATM (NDIS WAN) frames skipped (not decoded)"),
        IP_OVER_1394 => Media::Numbered("NetMon IP-over-1394 frames skipped (not decoded)"),
        NETEVENT => Media::Numbered("NetMon NetEvent (ETW event) frames skipped"),
        NETWORK_INFO_EX => Media::Numbered("NetMon adapter-list frames skipped"),
        FILTER => Media::Numbered("NetMon filter frames skipped"),
        PAYLOAD_HEADER => Media::Unnumbered(
            "NetMon payload-header pseudo-frames skipped (not numbered, as in Wireshark)",
        ),
        NETWORK_INFO => Media::Unnumbered(
            "NetMon network-info pseudo-frames skipped (not numbered, as in Wireshark)",
        ),
        DNS_CACHE => Media::Unnumbered(
            "NetMon DNS-cache pseudo-frames skipped (not numbered, as in Wireshark)",
        ),
        _ => Media::Numbered("NetMon frames of an unknown media type skipped"),
    }
}

/// True when the bytes start with a NetMon 1.x or 2.x magic.
pub(super) fn is_magic(head: &[u8]) -> bool {
    head.starts_with(MAGIC_2X) || head.starts_with(MAGIC_1X)
}

/// A process NetMon recorded as owning a connection (the 2.2+ process-info
/// table). NetMon 3.x fills it when "conversations"/process tracking is on,
/// so a frame can be traced to the program that sent or received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The executable's path as NetMon wrote it (UTF-16 in the file), at most
    /// 1024 characters kept.
    pub path: String,
    /// Process ID.
    pub pid: u32,
    /// Local end of the connection NetMon tied to the process.
    pub local: SocketAddr,
    /// Remote end of that connection.
    pub remote: SocketAddr,
}

impl Process {
    /// The image name: the path's last component (`lsass.exe`), or the whole
    /// path when it has no separator.
    pub fn name(&self) -> &str {
        self.path.rsplit(['\\', '/']).next().unwrap_or(&self.path)
    }
}

/// A comment NetMon attached to one frame (the 2.2+ comment table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The title (UTF-16 in the file), at most 256 characters kept.
    pub title: String,
    /// The description, usually RTF, at most 4096 bytes kept (lossy UTF-8).
    pub description: String,
}

/// The state of a NetMon file after its header.
pub(super) struct Netmon {
    major: u8,
    /// File length: every offset is checked against it.
    file_len: u64,
    /// Record header length for this version.
    record_header: usize,
    /// Trailer length after the frame data for this version.
    trailer: usize,
    /// File-level media type (used below 2.1).
    file_media: u16,
    /// The header's start time, read as if it were UTC (ns since 1970).
    start_ns: i64,
    table_offset: u64,
    /// Entries wholly inside the file.
    entries: u32,
    /// Entries the header declares.
    declared: u32,
    /// The window of table entries in memory, from `window_first`.
    window: Vec<u32>,
    window_first: u32,
    /// Index of the next table entry to read.
    next: u32,
    processes: Vec<Process>,
    comments: HashMap<u64, Comment>,
}

impl Netmon {
    /// Reads the file header and the 2.2+ tables; the magic has been checked
    /// and the input is seekable.
    pub(super) fn open<R: Read>(input: &mut Input<R>, notes: &mut Notes) -> Result<Netmon, Error> {
        let file_len = input.len().map_err(io_error)?;
        let n = input.fill(HEADER_LEN).map_err(io_error)?;
        if n < HEADER_LEN {
            return Err(corrupt(
                0,
                1,
                format!("truncated NetMon file header: {n} of {HEADER_LEN} bytes"),
            ));
        }
        let h = input.data();
        let le = Endian::Little;
        let u16_at = |at| le.u16(h, at).unwrap_or(0);
        let u32_at = |at| le.u32(h, at).unwrap_or(0);
        let magic_2x = h.starts_with(MAGIC_2X);
        let (minor, major) = (h[4], h[5]);
        let file_media = u16_at(6);
        let systemtime: [u16; 8] = std::array::from_fn(|i| u16_at(8 + 2 * i));
        let (table_offset, table_len) = (u32_at(24), u32_at(28));
        let (comment_offset, comment_len) = (u32_at(40), u32_at(44));
        let (process_offset, process_count) = (u32_at(48), u32_at(52));
        // Wireshark dispatches on the major version alone.
        let (record_header, trailer) = match (major, minor) {
            (1, _) => (RECORD_HEADER_1X, 0),
            (2, 0) => (RECORD_HEADER_2X, 0),
            // 2.1: MediaType (u16).
            (2, 1) => (RECORD_HEADER_2X, 2),
            // 2.2: + ProcessInfoIndex (u32, as Wireshark reads it).
            (2, 2) => (RECORD_HEADER_2X, 6),
            // 2.3: + UTC FILETIME (u64) + TimeZoneIndex (u8).
            (2, _) => (RECORD_HEADER_2X, 15),
            _ => {
                return Err(Error::UnknownFormat {
                    what: format!(
                        "Network Monitor capture of unknown version {major}.{minor}; open it in \
                         Network Monitor 3.4 or Wireshark and save it as pcapng"
                    ),
                    magic: super::hex(h.get(..8).unwrap_or(h)),
                });
            }
        };
        if (major == 2) != magic_2x {
            notes.add("NetMon magic and version disagree (read by the version)");
        }
        if major == 2 && minor > 3 {
            notes.add("NetMon version above 2.3 (read as 2.3)");
        }
        let start_ns = match systemtime_ns(&systemtime) {
            Some(ns) => ns,
            None => {
                notes.add("NetMon header start time is invalid (frame times count from 1970)");
                0
            }
        };
        if (major, minor) < (2, 3) {
            notes.add(
                "timestamps are the capturing machine's local time (NetMon < 2.3), \
                 shown as if UTC",
            );
        }

        if table_len % 4 != 0 {
            notes.add("NetMon frame table length is not a multiple of 4 (tail ignored)");
        }
        let declared = table_len / 4;
        if declared == 0 {
            return Err(corrupt(
                28,
                1,
                format!(
                    "NetMon frame table is empty (length {table_len}), so no frame can be \
                     located; was the capture stopped before NetMon finished the file?"
                ),
            ));
        }
        if declared > MAX_TABLE_ENTRIES {
            return Err(corrupt(
                28,
                1,
                format!("NetMon frame table of {declared} entries is larger than any real file"),
            ));
        }
        let table_offset = u64::from(table_offset);
        let fitting = file_len.saturating_sub(table_offset) / 4;
        let entries = u32::try_from(fitting).unwrap_or(u32::MAX).min(declared);
        if entries == 0 {
            return Err(corrupt(
                24,
                1,
                format!(
                    "NetMon frame table at byte {table_offset} lies past the end of the file \
                     ({file_len} bytes)"
                ),
            ));
        }

        let mut nm = Netmon {
            major,
            file_len,
            record_header,
            trailer,
            file_media,
            start_ns,
            table_offset,
            entries,
            declared,
            window: Vec::new(),
            window_first: 0,
            next: 0,
            processes: Vec::new(),
            comments: HashMap::new(),
        };
        // Below 2.2 these fields are uninitialised (wiretap/netmon.c).
        if (major, minor) >= (2, 2) {
            if comment_len > 0 {
                nm.read_comments(input, notes, comment_offset, comment_len)
                    .map_err(io_error)?;
            }
            if process_offset > 0 && process_count > 0 {
                nm.read_processes(input, notes, process_offset, process_count)
                    .map_err(io_error)?;
            }
        }
        Ok(nm)
    }

    /// The process at `index` of the process table, if kept.
    pub(super) fn process(&self, index: u32) -> Option<&Process> {
        self.processes.get(usize::try_from(index).ok()?)
    }

    /// Every process kept, in table order.
    pub(super) fn processes(&self) -> &[Process] {
        &self.processes
    }

    /// The comment on the frame whose record starts at `offset`.
    pub(super) fn comment(&self, offset: u64) -> Option<&Comment> {
        self.comments.get(&offset)
    }

    /// Locates the next packet record; `Ok(None)` after the last table entry.
    pub(super) fn next_record<R: Read>(
        &mut self,
        input: &mut Input<R>,
        notes: &mut Notes,
        frames: &mut u64,
    ) -> Result<Option<Record>, Error> {
        loop {
            let number = *frames + 1;
            if self.next >= self.entries {
                if self.entries < self.declared {
                    let at = self.table_offset + 4 * u64::from(self.entries);
                    return Err(corrupt(
                        at,
                        number,
                        format!(
                            "NetMon frame table cut short by the end of the file: {} of {} \
                             entries",
                            self.entries, self.declared
                        ),
                    ));
                }
                // Read to the end: the frame table and the tables after the
                // frames count as read.
                input.seek_to(self.file_len).map_err(io_error)?;
                return Ok(None);
            }
            let index = self.next;
            let entry_at = self.table_offset + 4 * u64::from(index);
            let offset = u64::from(self.entry(input, index, number)?);
            self.next += 1;
            if offset < HEADER_LEN as u64 {
                return Err(corrupt(
                    entry_at,
                    number,
                    format!(
                        "NetMon frame table entry {} points into the file header (byte {offset})",
                        u64::from(index) + 1
                    ),
                ));
            }
            if offset >= self.file_len {
                return Err(corrupt(
                    entry_at,
                    number,
                    format!(
                        "NetMon frame table entry {} points to byte {offset}, past the end of \
                         the file ({} bytes)",
                        u64::from(index) + 1,
                        self.file_len
                    ),
                ));
            }
            let (rec, media) = self.read_record(input, offset, number)?;
            match media {
                Media::Packet(link) => {
                    *frames = number;
                    return Ok(Some(Record { link, ..rec }));
                }
                Media::Numbered(what) => {
                    *frames = number;
                    notes.add(what);
                }
                Media::Unnumbered(what) => notes.add(what),
            }
        }
    }

    /// Entry `index` of the frame table, loading its window when needed.
    fn entry<R: Read>(
        &mut self,
        input: &mut Input<R>,
        index: u32,
        number: u64,
    ) -> Result<u32, Error> {
        let in_window = index
            .checked_sub(self.window_first)
            .and_then(|i| self.window.get(usize::try_from(i).ok()?));
        if let Some(&e) = in_window {
            return Ok(e);
        }
        let left = usize::try_from(self.entries - index).unwrap_or(usize::MAX);
        let count = left.min(TABLE_WINDOW);
        let at = self.table_offset + 4 * u64::from(index);
        input.seek_to(at).map_err(io_error)?;
        let got = input.fill(4 * count).map_err(io_error)?;
        if got < 4 * count {
            // The length was checked at open: the file shrank while reading.
            return Err(corrupt(
                at + (got / 4 * 4) as u64,
                number,
                "NetMon frame table ends early (file shrank while reading)",
            ));
        }
        self.window.clear();
        self.window.extend(
            input.data()[..4 * count]
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
        );
        self.window_first = index;
        Ok(self.window[0])
    }

    /// Reads the record at `offset` (inside the file): where its data is, its
    /// times, lengths, media and process.
    fn read_record<R: Read>(
        &self,
        input: &mut Input<R>,
        offset: u64,
        number: u64,
    ) -> Result<(Record, Media), Error> {
        let hl = self.record_header;
        let room = self.file_len - offset;
        if room < hl as u64 {
            return Err(corrupt(
                offset,
                number,
                format!(
                    "truncated NetMon record header: {room} of {hl} bytes before the end of the file"
                ),
            ));
        }
        input.seek_to(offset).map_err(io_error)?;
        let n = input.fill(hl).map_err(io_error)?;
        if n < hl {
            return Err(corrupt(
                offset,
                number,
                "NetMon record header cut (file shrank)",
            ));
        }
        let le = Endian::Little;
        let h = input.data();
        let (delta, orig_len, caplen) = if self.major == 1 {
            let ms = le.u32(h, 0).unwrap_or(0);
            let ns = i64::from(ms) * 1_000_000;
            (
                ns,
                u32::from(le.u16(h, 4).unwrap_or(0)),
                u32::from(le.u16(h, 6).unwrap_or(0)),
            )
        } else {
            // µs, but Wireshark multiplies by 10 and reads the product as
            // signed 100-ns units, so frames may precede the start time.
            let us = le.u64(h, 0).unwrap_or(0);
            let ns = (us.wrapping_mul(10) as i64).saturating_mul(100);
            (ns, le.u32(h, 8).unwrap_or(0), le.u32(h, 12).unwrap_or(0))
        };
        if caplen > MAX_FRAME_LEN {
            return Err(corrupt(
                offset,
                number,
                format!(
                    "NetMon record captured length {caplen} exceeds the {MAX_FRAME_LEN}-byte limit"
                ),
            ));
        }
        let data_len = caplen as usize;
        let total = hl + data_len + self.trailer;
        if total as u64 > room {
            return Err(corrupt(
                offset,
                number,
                format!(
                    "NetMon record of {total} bytes (captured length {caplen}) runs past the end \
                     of the file: {room} bytes left"
                ),
            ));
        }
        let n = input.fill(total).map_err(io_error)?;
        if n < total {
            return Err(corrupt(offset, number, "NetMon record cut (file shrank)"));
        }
        let t = input.data();
        let tr = hl + data_len;
        let media_type = if self.trailer >= 2 {
            le.u16(t, tr).unwrap_or(0)
        } else {
            self.file_media
        };
        let process = if self.trailer >= 6 {
            le.u32(t, tr + 2).filter(|&p| p != NO_PROCESS)
        } else {
            None
        };
        let utc = if self.trailer >= 15 {
            le.u64(t, tr + 6).and_then(filetime_ns)
        } else {
            None
        };
        let ts = utc.unwrap_or_else(|| self.start_ns.saturating_add(delta));
        Ok((
            Record {
                data_at: hl,
                data_len,
                total,
                ts: Timestamp(ts),
                link: LinkType::ETHERNET,
                orig_len,
                offset,
                process,
            },
            classify(media_type),
        ))
    }

    /// Reads the comment table: `{numFramePerComment u32, frameOffset u32,
    /// titleLength u32, title UTF-16, descLength u32, description}` repeated
    /// (wiretap/netmon.c). Damage ends it with a note.
    fn read_comments<R: Read>(
        &mut self,
        input: &mut Input<R>,
        notes: &mut Notes,
        offset: u32,
        len: u32,
    ) -> std::io::Result<()> {
        let start = u64::from(offset);
        let end = start + u64::from(len);
        if len > MAX_COMMENT_TABLE || end > self.file_len {
            notes.add("NetMon comment table lies outside the file (comments ignored)");
            return Ok(());
        }
        let mut pos = start;
        // Wireshark stops when 16 bytes or fewer are left.
        while end - pos > 16 {
            let Some(head) = read_at(input, pos, 12)? else {
                break;
            };
            let frame_offset = u64::from(le32(&head, 4));
            let title_len = u64::from(le32(&head, 8));
            pos += 12;
            if title_len == 0 || title_len > end - pos || end - pos - title_len < 4 {
                notes.add("NetMon comment table damaged (later comments ignored)");
                break;
            }
            let keep = title_len.min(2 * MAX_TITLE_CHARS as u64) as usize;
            let title = utf16(&read_at(input, pos, keep)?.unwrap_or_default());
            pos += title_len;
            let desc_len = u64::from(le32(&read_at(input, pos, 4)?.unwrap_or_default(), 0));
            pos += 4;
            if desc_len > end - pos {
                notes.add("NetMon comment table damaged (later comments ignored)");
                break;
            }
            let keep = desc_len.min(MAX_DESCRIPTION_BYTES as u64) as usize;
            let desc = read_at(input, pos, keep)?.unwrap_or_default();
            pos += desc_len;
            if self.comments.len() >= MAX_COMMENTS_KEPT {
                notes.add("NetMon comments past the first 1024 ignored");
                break;
            }
            self.comments.insert(
                frame_offset,
                Comment {
                    title,
                    description: String::from_utf8_lossy(&desc).into_owned(),
                },
            );
        }
        if !self.comments.is_empty() {
            notes.add(&format!("NetMon frame comments: {}", self.comments.len()));
        }
        Ok(())
    }

    /// Reads the process-info table: `version u16`, then per process `{pathSize
    /// u32, path UTF-16, iconSize u32, icon, pid u32, localPort u16, pad u16,
    /// remotePort u16, pad u16, isIPv6 u32, localAddr[16], remoteAddr[16]}`
    /// (wiretap/netmon.c; ports little-endian as Wireshark reads them, an IPv4
    /// address in the first 4 bytes in network order). Damage ends it with a
    /// note: the processes read so far are kept.
    fn read_processes<R: Read>(
        &mut self,
        input: &mut Input<R>,
        notes: &mut Notes,
        offset: u32,
        count: u32,
    ) -> std::io::Result<()> {
        if count > MAX_PROCESS_COUNT {
            notes.add("NetMon process table count is larger than any real file (table ignored)");
            return Ok(());
        }
        let damaged = "NetMon process table damaged (later processes unknown)";
        let mut pos = u64::from(offset) + 2;
        for _ in 0..count {
            if self.processes.len() >= MAX_PROCESSES_KEPT {
                notes.add("NetMon processes past the first 4096 not kept");
                break;
            }
            let Some(size) = read_at(input, pos, 4)? else {
                notes.add(damaged);
                break;
            };
            let path_size = le32(&size, 0);
            if path_size > MAX_PATH_SIZE {
                notes.add(damaged);
                break;
            }
            pos += 4;
            let keep = (path_size as usize).min(2 * MAX_PATH_CHARS);
            let Some(path) = read_at(input, pos, keep)? else {
                notes.add(damaged);
                break;
            };
            pos += u64::from(path_size);
            let Some(icon) = read_at(input, pos, 4)? else {
                notes.add(damaged);
                break;
            };
            pos += 4 + u64::from(le32(&icon, 0));
            let Some(tail) = read_at(input, pos, 48)? else {
                notes.add(damaged);
                break;
            };
            pos += 48;
            let pid = le32(&tail, 0);
            let local_port = u16::from_le_bytes([tail[4], tail[5]]);
            let remote_port = u16::from_le_bytes([tail[8], tail[9]]);
            let v6 = le32(&tail, 12) != 0;
            let addr = |b: &[u8]| -> IpAddr {
                let mut a = [0u8; 16];
                a.copy_from_slice(&b[..16]);
                if v6 {
                    IpAddr::V6(Ipv6Addr::from(a))
                } else {
                    IpAddr::V4(Ipv4Addr::new(a[0], a[1], a[2], a[3]))
                }
            };
            self.processes.push(Process {
                path: utf16(&path),
                pid,
                local: SocketAddr::new(addr(&tail[16..32]), local_port),
                remote: SocketAddr::new(addr(&tail[32..48]), remote_port),
            });
        }
        Ok(())
    }
}

/// `len` bytes at input offset `pos`, or `None` when the file ends first.
fn read_at<R: Read>(
    input: &mut Input<R>,
    pos: u64,
    len: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    input.seek_to(pos)?;
    if input.fill(len)? < len {
        return Ok(None);
    }
    Ok(Some(input.data()[..len].to_vec()))
}

fn le32(b: &[u8], at: usize) -> u32 {
    Endian::Little.u32(b, at).unwrap_or(0)
}

/// UTF-16LE up to the first NUL; unpaired surrogates become U+FFFD.
fn utf16(b: &[u8]) -> String {
    let units = b
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .take_while(|&u| u != 0);
    char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// A FILETIME (100 ns since 1601-01-01 UTC) as ns since 1970; `None` for 0
/// (not filled in) or a time the ns range cannot hold.
fn filetime_ns(ft: u64) -> Option<i64> {
    if ft == 0 {
        return None;
    }
    let units = i64::try_from(i128::from(ft) - i128::from(FILETIME_UNIX_EPOCH)).ok()?;
    units.checked_mul(100)
}

/// A Win32 SYSTEMTIME (year, month, day of week, day, hour, minute, second,
/// milliseconds) as ns since 1970, read as UTC; `None` when a field is out of
/// range (SYSTEMTIME years run 1601–30827).
fn systemtime_ns(st: &[u16; 8]) -> Option<i64> {
    let [year, month, _dow, day, hour, minute, second, ms] = *st;
    let valid = (1601..=30827).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && hour < 24
        && minute < 60
        && second < 60
        && ms < 1000;
    if !valid {
        return None;
    }
    let days = super::days_from_civil(i64::from(year), i64::from(month), i64::from(day));
    let secs = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    secs.checked_mul(1_000_000_000)?
        .checked_add(i64::from(ms) * 1_000_000)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::super::{Format, OwnedFrame, Reader};
    use super::*;

    /// One frame record to build.
    #[derive(Clone)]
    struct F {
        delta_us: u64,
        data: Vec<u8>,
        orig: u32,
        media: u16,
        process: u32,
        utc: u64,
    }

    fn f(data: &[u8], media: u16) -> F {
        F {
            delta_us: 1_500,
            data: data.to_vec(),
            orig: data.len() as u32 + 10,
            media,
            process: NO_PROCESS,
            utc: 0,
        }
    }

    /// A process-table entry: path, pid, v6, local, remote (address bytes, port).
    type P<'a> = (&'a str, u32, bool, ([u8; 16], u16), ([u8; 16], u16));

    /// A NetMon file image.
    struct Image<'a> {
        major: u8,
        minor: u8,
        file_media: u16,
        start: [u16; 8],
        frames: Vec<F>,
        /// Order of the frame table, as indices into `frames` (default: in order).
        order: Option<Vec<usize>>,
        processes: Vec<P<'a>>,
        /// (index of the frame commented, title, description).
        comments: Vec<(usize, &'a str, &'a [u8])>,
    }

    /// 2016-08-17 08:47:05.820 (a Wednesday).
    const START: [u16; 8] = [2016, 8, 3, 17, 8, 47, 5, 820];
    const START_NS: i64 = 1_471_423_625_820_000_000;

    fn image<'a>(major: u8, minor: u8, frames: Vec<F>) -> Image<'a> {
        Image {
            major,
            minor,
            file_media: 1,
            start: START,
            frames,
            order: None,
            processes: Vec::new(),
            comments: Vec::new(),
        }
    }

    fn utf16le(s: &str) -> Vec<u8> {
        s.encode_utf16()
            .chain([0])
            .flat_map(u16::to_le_bytes)
            .collect()
    }

    impl Image<'_> {
        /// The bytes and each frame's record offset. Records start at 72, as
        /// NetMon 3.4 writes them; then the comment, process and frame tables.
        fn build(&self) -> (Vec<u8>, Vec<u64>) {
            let mut b = vec![0u8; HEADER_LEN];
            b[..4].copy_from_slice(if self.major == 1 { MAGIC_1X } else { MAGIC_2X });
            b[4] = self.minor;
            b[5] = self.major;
            b[6..8].copy_from_slice(&self.file_media.to_le_bytes());
            for (i, v) in self.start.iter().enumerate() {
                b[8 + 2 * i..10 + 2 * i].copy_from_slice(&v.to_le_bytes());
            }
            let mut offsets = Vec::new();
            for fr in &self.frames {
                offsets.push(b.len() as u64);
                if self.major == 1 {
                    b.extend_from_slice(&((fr.delta_us / 1000) as u32).to_le_bytes());
                    b.extend_from_slice(&(fr.orig as u16).to_le_bytes());
                    b.extend_from_slice(&(fr.data.len() as u16).to_le_bytes());
                } else {
                    b.extend_from_slice(&fr.delta_us.to_le_bytes());
                    b.extend_from_slice(&fr.orig.to_le_bytes());
                    b.extend_from_slice(&(fr.data.len() as u32).to_le_bytes());
                }
                b.extend_from_slice(&fr.data);
                if self.major == 2 && self.minor >= 1 {
                    b.extend_from_slice(&fr.media.to_le_bytes());
                }
                if self.major == 2 && self.minor >= 2 {
                    b.extend_from_slice(&fr.process.to_le_bytes());
                }
                if self.major == 2 && self.minor >= 3 {
                    b.extend_from_slice(&fr.utc.to_le_bytes());
                    b.push(0);
                }
            }
            let set = |b: &mut Vec<u8>, at: usize, v: u32| {
                b[at..at + 4].copy_from_slice(&v.to_le_bytes());
            };
            if !self.comments.is_empty() {
                let at = b.len();
                for (i, title, desc) in &self.comments {
                    let t = utf16le(title);
                    b.extend_from_slice(&1u32.to_le_bytes());
                    b.extend_from_slice(&(offsets[*i] as u32).to_le_bytes());
                    b.extend_from_slice(&(t.len() as u32).to_le_bytes());
                    b.extend_from_slice(&t);
                    b.extend_from_slice(&(desc.len() as u32).to_le_bytes());
                    b.extend_from_slice(desc);
                }
                let len = (b.len() - at) as u32;
                set(&mut b, 40, at as u32);
                set(&mut b, 44, len);
            }
            if !self.processes.is_empty() {
                let at = b.len();
                b.extend_from_slice(&1u16.to_le_bytes());
                for (path, pid, v6, (la, lp), (ra, rp)) in &self.processes {
                    let p = utf16le(path);
                    b.extend_from_slice(&(p.len() as u32).to_le_bytes());
                    b.extend_from_slice(&p);
                    b.extend_from_slice(&3u32.to_le_bytes());
                    b.extend_from_slice(&[0xAB; 3]);
                    b.extend_from_slice(&pid.to_le_bytes());
                    b.extend_from_slice(&lp.to_le_bytes());
                    b.extend_from_slice(&[0, 0]);
                    b.extend_from_slice(&rp.to_le_bytes());
                    b.extend_from_slice(&[0, 0]);
                    b.extend_from_slice(&u32::from(*v6).to_le_bytes());
                    b.extend_from_slice(la);
                    b.extend_from_slice(ra);
                }
                set(&mut b, 48, at as u32);
                set(&mut b, 52, self.processes.len() as u32);
            }
            let table = b.len();
            let order: Vec<usize> = self
                .order
                .clone()
                .unwrap_or_else(|| (0..self.frames.len()).collect());
            for i in &order {
                b.extend_from_slice(&(offsets[*i] as u32).to_le_bytes());
            }
            set(&mut b, 24, table as u32);
            set(&mut b, 28, (order.len() * 4) as u32);
            (b, offsets)
        }
    }

    struct Read {
        frames: Vec<OwnedFrame>,
        err: Option<Error>,
        notes: Vec<(String, u64)>,
        count: u64,
    }

    fn read_all(bytes: &[u8]) -> Read {
        let mut r = Reader::open_seekable(Cursor::new(bytes)).expect("opens");
        assert_eq!(r.format(), Format::Netmon);
        let mut frames = Vec::new();
        let err = loop {
            match r.next_frame() {
                Ok(Some(f)) => frames.push(OwnedFrame::from(f)),
                Ok(None) => break None,
                Err(e) => {
                    assert!(r.next_frame().expect("after error").is_none());
                    break Some(e);
                }
            }
        };
        Read {
            frames,
            err,
            notes: r.notes(),
            count: r.frames(),
        }
    }

    fn open_err(bytes: &[u8]) -> Error {
        match Reader::open_seekable(Cursor::new(bytes)) {
            Err(e) => e,
            Ok(_) => panic!("expected an error at open"),
        }
    }

    fn corrupt_at(e: Option<Error>) -> (u64, u64, String) {
        match e {
            Some(Error::Corrupt {
                offset,
                frame,
                what,
            }) => (offset, frame, what),
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }

    fn has_note(r: &Read, prefix: &str) -> bool {
        r.notes.iter().any(|(n, _)| n.starts_with(prefix))
    }

    const ETH: &[u8] = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00E";

    #[test]
    fn netmon_2_0_frames_use_header_start_plus_offset_and_local_time_note() {
        let mut a = f(ETH, 0);
        a.delta_us = 0;
        let mut b = f(b"xyz", 0);
        b.delta_us = 2_000_001;
        let (bytes, offs) = image(2, 0, vec![a, b]).build();
        let r = read_all(&bytes);
        assert!(r.err.is_none());
        assert_eq!(
            r.frames,
            vec![
                OwnedFrame {
                    number: 1,
                    ts: START_NS,
                    link: 1,
                    data: ETH.to_vec(),
                    orig_len: ETH.len() as u32 + 10,
                    offset: 72,
                    process: None,
                },
                OwnedFrame {
                    number: 2,
                    ts: START_NS + 2_000_001_000,
                    link: 1,
                    data: b"xyz".to_vec(),
                    orig_len: 13,
                    offset: offs[1],
                    process: None,
                },
            ]
        );
        assert!(has_note(
            &r,
            "timestamps are the capturing machine's local time (NetMon < 2.3)"
        ));
    }

    #[test]
    fn netmon_2_1_per_frame_media_types_map_to_link_types() {
        let media = [
            (1, LinkType::ETHERNET),
            (0, LinkType::ETHERNET),
            (6, LinkType::NETMON_IEEE802_11),
            (7, LinkType::RAW),
            (9, LinkType::RAW),
            (0xE071, LinkType::LINUX_SLL),
            (0xE001, LinkType::ETHERNET),
            (0xE080, LinkType::IEEE802_11),
        ];
        let frames = media.iter().map(|(m, _)| f(b"data", *m)).collect();
        let r = read_all(&image(2, 1, frames).build().0);
        assert!(r.err.is_none());
        let links: Vec<u16> = r.frames.iter().map(|f| f.link).collect();
        let want: Vec<u16> = media.iter().map(|(_, l)| l.0).collect();
        assert_eq!(links, want);
        // Trailer bytes are not frame data.
        assert!(r.frames.iter().all(|f| f.data == b"data"));
    }

    #[test]
    fn netmon_2_2_process_index_names_the_process() {
        let mut v4 = [0u8; 16];
        v4[..4].copy_from_slice(&[10, 0, 0, 5]);
        let mut r4 = [0u8; 16];
        r4[..4].copy_from_slice(&[10, 0, 0, 9]);
        let v6 = std::net::Ipv6Addr::LOCALHOST.octets();
        let mut img = image(2, 2, vec![f(ETH, 1), f(ETH, 1), f(ETH, 1)]);
        img.frames[0].process = 1;
        img.frames[1].process = 0;
        img.processes = vec![
            (
                "C:\\Windows\\System32\\lsass.exe",
                712,
                false,
                (v4, 443),
                (r4, 50_000),
            ),
            (
                "C:\\Program Files\\app\\client.exe",
                4242,
                true,
                (v6, 1),
                (v6, 2),
            ),
        ];
        let (bytes, _) = img.build();
        let mut r = Reader::open_seekable(Cursor::new(&bytes[..])).expect("opens");
        let mut seen = Vec::new();
        while let Some(fr) = r.next_frame().expect("reads") {
            seen.push(fr.process);
        }
        assert_eq!(seen, vec![Some(1), Some(0), None]);
        assert_eq!(r.process_name(1), Some("client.exe"));
        assert_eq!(r.process_name(0), Some("lsass.exe"));
        assert_eq!(r.process_name(2), None);
        let p = r.process(0).expect("kept");
        assert_eq!(p.pid, 712);
        assert_eq!(p.path, "C:\\Windows\\System32\\lsass.exe");
        assert_eq!(p.local, "10.0.0.5:443".parse().unwrap());
        assert_eq!(p.remote, "10.0.0.9:50000".parse().unwrap());
        assert_eq!(r.process(1).unwrap().local, "[::1]:1".parse().unwrap());
        assert_eq!(r.processes().len(), 2);
    }

    #[test]
    fn netmon_2_3_utc_filetime_wins_and_zero_falls_back() {
        let mut a = f(ETH, 1);
        // 2020-01-02T03:04:05.1234567Z as a FILETIME.
        a.utc = FILETIME_UNIX_EPOCH + 15_779_342_451_234_567;
        let b = f(ETH, 1);
        let r = read_all(&image(2, 3, vec![a, b]).build().0);
        assert!(r.err.is_none());
        assert_eq!(r.frames[0].ts, 1_577_934_245_123_456_700);
        assert_eq!(r.frames[1].ts, START_NS + 1_500_000);
        assert!(!has_note(
            &r,
            "timestamps are the capturing machine's local time"
        ));
    }

    #[test]
    fn netmon_pseudo_frames_are_numbered_as_wireshark_and_not_returned() {
        let frames = vec![
            f(ETH, 0xFFFD),    // network info: dropped, unnumbered
            f(ETH, 1),         // 1
            f(b"ev", 0xFFE0),  // 2, NetEvent: numbered, skipped
            f(ETH, 0xFFFC),    // payload header: unnumbered
            f(b"flt", 0xFFFF), // 3, filter: numbered, skipped
            f(ETH, 1),         // 4
            f(ETH, 0xFFFE),    // DNS cache: unnumbered
            f(ETH, 2),         // 5, Token Ring: numbered, skipped
            f(b"ev", 0xFFE0),  // 6
        ];
        let r = read_all(&image(2, 3, frames).build().0);
        assert!(r.err.is_none());
        let numbers: Vec<u64> = r.frames.iter().map(|f| f.number).collect();
        assert_eq!(numbers, vec![1, 4]);
        assert_eq!(r.count, 6);
        assert!(has_note(&r, "NetMon NetEvent (ETW event) frames skipped"));
        assert!(has_note(
            &r,
            "NetMon network-info pseudo-frames skipped (not numbered"
        ));
        assert!(has_note(&r, "NetMon Token Ring frames skipped"));
    }

    #[test]
    fn netmon_frame_table_order_and_holes_are_followed() {
        let mut img = image(2, 1, vec![f(b"a", 1), f(b"bb", 1), f(b"ccc", 1)]);
        img.order = Some(vec![2, 0, 1]);
        let (bytes, offs) = img.build();
        let r = read_all(&bytes);
        assert!(r.err.is_none());
        let got: Vec<(u64, Vec<u8>, u64)> = r
            .frames
            .iter()
            .map(|f| (f.number, f.data.clone(), f.offset))
            .collect();
        assert_eq!(
            got,
            vec![
                (1, b"ccc".to_vec(), offs[2]),
                (2, b"a".to_vec(), offs[0]),
                (3, b"bb".to_vec(), offs[1]),
            ]
        );
    }

    #[test]
    fn netmon_table_larger_than_a_window_is_read_in_windows() {
        let n = TABLE_WINDOW * 2 + 7;
        let frames = (0..n).map(|i| f(&(i as u32).to_le_bytes(), 1)).collect();
        let mut img = image(2, 1, frames);
        // Reverse order: every window load seeks away from the frames.
        img.order = Some((0..n).rev().collect());
        let mut r = Reader::open_seekable(Cursor::new(img.build().0)).expect("opens");
        let mut k = 0;
        while let Some(fr) = r.next_frame().expect("reads") {
            assert_eq!(fr.data, ((n - 1 - k) as u32).to_le_bytes());
            k += 1;
        }
        assert_eq!(k, n);
        if let super::super::Kind::Netmon(nm) = &r.kind {
            assert!(nm.window.capacity() <= TABLE_WINDOW * 2);
        }
    }

    #[test]
    fn netmon_comments_are_keyed_by_record_offset() {
        let mut img = image(2, 2, vec![f(ETH, 1), f(ETH, 1)]);
        img.comments = vec![(1, "Frame two: the ClientHello", b"{\\rtf1 see RFC 5246}")];
        let (bytes, offs) = img.build();
        let mut r = Reader::open_seekable(Cursor::new(&bytes[..])).expect("opens");
        while r.next_frame().expect("reads").is_some() {}
        let c = r.comment(offs[1]).expect("comment");
        assert_eq!(c.title, "Frame two: the ClientHello");
        assert_eq!(c.description, "{\\rtf1 see RFC 5246}");
        assert!(r.comment(offs[0]).is_none());
        // A clean end has read the whole file, tables included.
        assert_eq!(r.bytes_read(), bytes.len() as u64);
        assert!(
            r.notes()
                .iter()
                .any(|(n, _)| n == "NetMon frame comments: 1")
        );
    }

    #[test]
    fn netmon_1x_records_read_with_millisecond_offsets() {
        let mut a = f(ETH, 0);
        a.delta_us = 3_000;
        let (bytes, offs) = image(1, 1, vec![a, f(b"z", 0)]).build();
        let r = read_all(&bytes);
        assert!(r.err.is_none());
        assert_eq!(r.frames.len(), 2);
        assert_eq!(r.frames[0].ts, START_NS + 3_000_000);
        assert_eq!(r.frames[0].data, ETH);
        assert_eq!(r.frames[1].offset, offs[1]);
        assert_eq!(r.frames[1].link, 1);
    }

    #[test]
    fn netmon_stream_input_is_refused_with_what_to_do() {
        let (bytes, _) = image(2, 3, vec![f(ETH, 1)]).build();
        match Reader::open(&bytes[..]) {
            Err(Error::UnknownFormat { what, .. }) => {
                assert!(what.contains("cannot be read from a pipe"), "{what}");
                assert!(what.contains("editcap -F pcapng"), "{what}");
            }
            _ => panic!("expected UnknownFormat"),
        }
    }

    #[test]
    fn netmon_unknown_major_version_is_unknown_format() {
        let mut img = image(2, 3, vec![f(ETH, 1)]);
        img.major = 3;
        match open_err(&img.build().0) {
            Error::UnknownFormat { what, .. } => {
                assert!(what.contains("unknown version 3.3"), "{what}");
                assert!(what.contains("save it as pcapng"), "{what}");
            }
            e => panic!("expected UnknownFormat, got {e}"),
        }
    }

    #[test]
    fn netmon_truncated_header_is_corrupt() {
        let (bytes, _) = image(2, 3, vec![f(ETH, 1)]).build();
        let (offset, frame, what) = corrupt_at(Some(open_err(&bytes[..40])));
        assert_eq!((offset, frame), (0, 1));
        assert_eq!(what, "truncated NetMon file header: 40 of 72 bytes");
    }

    #[test]
    fn netmon_empty_frame_table_is_corrupt() {
        let (mut bytes, _) = image(2, 3, vec![f(ETH, 1)]).build();
        bytes[28..32].copy_from_slice(&0u32.to_le_bytes());
        let (offset, _, what) = corrupt_at(Some(open_err(&bytes)));
        assert_eq!(offset, 28);
        assert!(what.starts_with("NetMon frame table is empty"), "{what}");
    }

    #[test]
    fn netmon_frame_table_past_end_of_file_is_corrupt() {
        let (mut bytes, _) = image(2, 3, vec![f(ETH, 1)]).build();
        bytes[24..28].copy_from_slice(&0x00FF_0000u32.to_le_bytes());
        let (offset, _, what) = corrupt_at(Some(open_err(&bytes)));
        assert_eq!(offset, 24);
        assert!(what.contains("past the end of the file"), "{what}");
    }

    #[test]
    fn netmon_frame_table_cut_short_delivers_earlier_frames_then_corrupt() {
        let (bytes, _) = image(2, 1, vec![f(b"a", 1), f(b"b", 1), f(b"c", 1)]).build();
        // Drop the last table entry and a half.
        let cut = &bytes[..bytes.len() - 6];
        let r = read_all(cut);
        assert_eq!(r.frames.len(), 1);
        let (offset, frame, what) = corrupt_at(r.err);
        let table = u64::from(le32(&bytes, 24));
        assert_eq!((offset, frame), (table + 4, 2));
        assert_eq!(
            what,
            "NetMon frame table cut short by the end of the file: 1 of 3 entries"
        );
    }

    #[test]
    fn netmon_frame_offset_past_end_is_corrupt_after_earlier_frames() {
        let (mut bytes, _) = image(2, 1, vec![f(b"a", 1), f(b"b", 1)]).build();
        let table = le32(&bytes, 24) as usize;
        bytes[table + 4..table + 8].copy_from_slice(&0x7FFF_FFFFu32.to_le_bytes());
        let r = read_all(&bytes);
        assert_eq!(r.frames.len(), 1);
        let (offset, frame, what) = corrupt_at(r.err);
        assert_eq!((offset, frame), (table as u64 + 4, 2));
        assert!(
            what.contains("entry 2 points to byte 2147483647, past the end"),
            "{what}"
        );
    }

    #[test]
    fn netmon_frame_offset_into_header_is_corrupt() {
        let (mut bytes, _) = image(2, 1, vec![f(b"a", 1)]).build();
        let table = le32(&bytes, 24) as usize;
        bytes[table..table + 4].copy_from_slice(&0u32.to_le_bytes());
        let (offset, frame, what) = corrupt_at(read_all(&bytes).err);
        assert_eq!((offset, frame), (table as u64, 1));
        assert!(what.contains("points into the file header"), "{what}");
    }

    #[test]
    fn netmon_caplen_past_end_of_file_is_corrupt() {
        let (mut bytes, offs) = image(2, 1, vec![f(b"a", 1), f(b"b", 1)]).build();
        let at = offs[1] as usize + 12;
        bytes[at..at + 4].copy_from_slice(&100_000u32.to_le_bytes());
        let r = read_all(&bytes);
        assert_eq!(r.frames.len(), 1);
        let (offset, frame, what) = corrupt_at(r.err);
        assert_eq!((offset, frame), (offs[1], 2));
        assert!(what.contains("runs past the end of the file"), "{what}");
    }

    #[test]
    fn netmon_huge_caplen_is_corrupt_without_allocating() {
        let (mut bytes, offs) = image(2, 3, vec![f(b"a", 1)]).build();
        let at = offs[0] as usize + 12;
        bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let (offset, frame, what) = corrupt_at(read_all(&bytes).err);
        assert_eq!((offset, frame), (offs[0], 1));
        assert!(
            what.contains("4294967295 exceeds the 262144-byte limit"),
            "{what}"
        );
    }

    #[test]
    fn netmon_record_header_cut_by_end_of_file_is_corrupt() {
        let (mut bytes, _) = image(2, 0, vec![f(b"a", 1)]).build();
        let len = bytes.len() as u32;
        let table = le32(&bytes, 24) as usize;
        bytes[table..table + 4].copy_from_slice(&(len - 6).to_le_bytes());
        let (offset, _, what) = corrupt_at(read_all(&bytes).err);
        assert_eq!(offset, u64::from(len) - 6);
        assert!(
            what.starts_with("truncated NetMon record header: 6 of 16"),
            "{what}"
        );
    }

    #[test]
    fn netmon_damaged_process_table_is_a_note_and_frames_still_read() {
        let mut img = image(2, 2, vec![f(ETH, 1)]);
        img.frames[0].process = 0;
        img.processes = vec![("C:\\a.exe", 1, false, ([0; 16], 1), ([0; 16], 2))];
        let (mut bytes, _) = img.build();
        let at = le32(&bytes, 48) as usize + 2;
        bytes[at..at + 4].copy_from_slice(&0x0100_0000u32.to_le_bytes());
        let r = read_all(&bytes);
        assert!(r.err.is_none());
        assert_eq!(r.frames.len(), 1);
        assert_eq!(r.frames[0].process, Some(0));
        assert!(has_note(&r, "NetMon process table damaged"));
    }

    #[test]
    fn netmon_table_length_not_multiple_of_four_is_noted() {
        let (mut bytes, _) = image(2, 1, vec![f(b"a", 1)]).build();
        bytes[28..32].copy_from_slice(&6u32.to_le_bytes());
        bytes.extend_from_slice(&[0, 0]);
        let r = read_all(&bytes);
        assert!(r.err.is_none());
        assert_eq!(r.frames.len(), 1);
        assert!(has_note(
            &r,
            "NetMon frame table length is not a multiple of 4"
        ));
    }

    /// Every prefix and every single-byte corruption of a 2.3 image with all
    /// tables: no panic, no hang, and reading always ends.
    #[test]
    fn netmon_every_truncation_and_byte_flip_never_panics() {
        let mut img = image(
            2,
            3,
            vec![f(ETH, 1), f(b"ev", 0xFFE0), f(ETH, 6), f(ETH, 0xFFFC)],
        );
        img.frames[0].process = 0;
        img.processes = vec![("C:\\a.exe", 1, true, ([1; 16], 1), ([2; 16], 2))];
        img.comments = vec![(0, "t", b"d")];
        let (bytes, _) = img.build();
        let run = |b: &[u8]| {
            if let Ok(mut r) = Reader::open_seekable(Cursor::new(b)) {
                let mut n = 0;
                while let Ok(Some(_)) = r.next_frame() {
                    n += 1;
                    assert!(n <= 16, "more frames than entries");
                }
            }
        };
        for len in 0..=bytes.len() {
            run(&bytes[..len]);
        }
        for i in 0..bytes.len() {
            for v in [0x00, 0xFF, 0x80] {
                let mut b = bytes.clone();
                b[i] = v;
                run(&b);
            }
        }
    }

    #[test]
    fn systemtime_and_filetime_convert_to_unix_ns() {
        assert_eq!(systemtime_ns(&START), Some(START_NS));
        assert_eq!(systemtime_ns(&[1970, 1, 4, 1, 0, 0, 0, 0]), Some(0));
        assert_eq!(systemtime_ns(&[2016, 13, 0, 1, 0, 0, 0, 0]), None);
        assert_eq!(filetime_ns(FILETIME_UNIX_EPOCH), Some(0));
        assert_eq!(filetime_ns(0), None);
        assert_eq!(filetime_ns(u64::MAX), None);
    }
}
