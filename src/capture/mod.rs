//! Capture files → frames.
//!
//! Input: a byte stream (`Read`) holding a pcap or pcapng capture; the format is
//! sniffed from the first bytes, never from the file name.
//! Output: one [`Frame`] at a time through the lending [`Reader::next_frame`]: the
//! frame borrows the reader's buffer, so it cannot outlive the next call.
//! Invariants: frame numbers are 1-based and count every packet record, as
//! Wireshark does; memory is bounded by the largest record (capped), not by the
//! file size.
//! Not done here: link-layer decoding (`wire`), decompression, NetMon (later).

use std::io::Read;

use crate::Error;

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

    /// A short human name ("Ethernet", "Linux SLL2", …) or the number.
    pub fn name(self) -> String {
        match self.0 {
            0 => "BSD loopback (NULL)".into(),
            1 => "Ethernet".into(),
            12 | 14 | 101 => "raw IP".into(),
            108 => "OpenBSD loopback (LOOP)".into(),
            113 => "Linux cooked (SLL)".into(),
            228 => "raw IPv4".into(),
            229 => "raw IPv6".into(),
            276 => "Linux cooked v2 (SLL2)".into(),
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
}

impl Format {
    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
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
}

/// A streaming capture reader: pcap or pcapng, sniffed by content.
pub struct Reader<R: Read> {
    src: R,
}

impl<R: Read> Reader<R> {
    /// Sniffs the format from the first bytes and reads the file header.
    ///
    /// Errors: [`Error::UnknownFormat`] when the bytes are no pcap/pcapng (the
    /// message names what they look like where it can), [`Error::Corrupt`] when
    /// the header itself is damaged, [`Error::Io`] on read errors.
    pub fn open(src: R) -> Result<Self, Error> {
        let _ = Reader { src };
        unimplemented!("capture helper")
    }

    /// The next frame, `Ok(None)` at a clean end of input.
    ///
    /// A damaged or truncated record gives [`Error::Corrupt`] with its byte
    /// offset and frame number; the reader is then finished (later calls give
    /// `Ok(None)`).
    pub fn next_frame(&mut self) -> Result<Option<Frame<'_>>, Error> {
        unimplemented!("capture helper")
    }

    /// The container format.
    pub fn format(&self) -> Format {
        unimplemented!("capture helper")
    }

    /// Bytes of input consumed so far (for progress and damage offsets).
    pub fn bytes_read(&self) -> u64 {
        unimplemented!("capture helper")
    }

    /// Non-fatal oddities met so far (unknown blocks skipped, caplen > snaplen…),
    /// as (what, count).
    pub fn notes(&self) -> Vec<(String, u64)> {
        unimplemented!("capture helper")
    }
}
