//! Link layer → IP → TCP, one frame at a time.
//!
//! Input: a frame's bytes and its link type (Ethernet II with any 802.1Q/QinQ
//! tags, Linux SLL and SLL2, BSD NULL and OpenBSD LOOP, raw IP).
//! Output: the TCP [`Segment`] it carries, borrowed from the frame; `Ok(None)`
//! for anything that is not TCP over IPv4/IPv6 (ARP, UDP, ICMP, 802.3 length
//! frames, ESP, IPv6 No Next Header…); [`Error::Fragment`] for any IP fragment;
//! another [`Error`] for a cut or impossible header.
//! Invariants: never panics and never allocates, whatever the bytes; every
//! loop is bounded (VLAN tags, IPv6 extension headers). The payload stops at
//! the IP length (Ethernet padding and FCS are trimmed) and at the captured
//! bytes, whichever comes first.
//! Lax on purpose: checksums are never validated (offload makes them wrong in
//! captures), an IPv4 total length or IPv6 payload length of 0 (TSO, jumbograms)
//! falls back to the captured length, and a snaplen-truncated payload is
//! returned with `truncated = true`.
//! Not done here: IP defragmentation (every fragment, first or later, is
//! [`Error::Fragment`], counted by the caller), tunnels, TCP options, 802.11.
//!
//! Hand-written rather than built on etherparse: etherparse has no SLL2 or
//! NULL/LOOP, stops at 3 VLAN tags, skips neither Mobility, HIP nor Shim6
//! headers, and reports fragments as a missing transport rather than an error
//! the pipeline can count.

mod ip;
mod link;
mod tcp;

use std::net::IpAddr;

use crate::capture::LinkType;

/// TCP flags, as in the TCP header (RFC 9293 §3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TcpFlags(pub u8);

impl TcpFlags {
    /// FIN.
    pub const FIN: u8 = 0x01;
    /// SYN.
    pub const SYN: u8 = 0x02;
    /// RST.
    pub const RST: u8 = 0x04;
    /// PSH.
    pub const PSH: u8 = 0x08;
    /// ACK.
    pub const ACK: u8 = 0x10;
    /// FIN set.
    pub fn fin(self) -> bool {
        self.0 & Self::FIN != 0
    }
    /// SYN set.
    pub fn syn(self) -> bool {
        self.0 & Self::SYN != 0
    }
    /// RST set.
    pub fn rst(self) -> bool {
        self.0 & Self::RST != 0
    }
    /// ACK set.
    pub fn ack(self) -> bool {
        self.0 & Self::ACK != 0
    }
}

/// A TCP segment, borrowed from the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment<'a> {
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Source port.
    pub sport: u16,
    /// Destination port.
    pub dport: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number (meaningful when the ACK flag is set).
    pub ack: u32,
    /// Flags.
    pub flags: TcpFlags,
    /// Receive window (unscaled).
    pub window: u16,
    /// The TCP payload as captured.
    pub payload: &'a [u8],
    /// The payload was cut by the snap length: `payload` is shorter than the
    /// segment on the wire.
    pub truncated: bool,
}

/// Why a frame could not be decoded. Never fatal: the pipeline counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The frame ended inside the named header.
    Truncated {
        /// The header that was cut.
        layer: &'static str,
    },
    /// A header field has an impossible value.
    Malformed {
        /// The header and field.
        layer: &'static str,
    },
    /// The link type is not decoded by this version.
    UnsupportedLink(u16),
    /// An IPv4 or IPv6 fragment (first or later): defragmentation is not done
    /// yet, so the pipeline counts these.
    Fragment,
}

impl Error {
    /// A stable kebab-case anomaly name for reports.
    pub fn kind(&self) -> String {
        match self {
            Error::Truncated { layer } => format!("truncated-{layer}"),
            Error::Malformed { layer } => format!("malformed-{layer}"),
            Error::UnsupportedLink(n) => format!("unsupported-link-type-{n}"),
            Error::Fragment => "ip-fragment".to_owned(),
        }
    }
}

/// Decodes one frame down to TCP.
pub fn decode(link: LinkType, data: &[u8]) -> Result<Option<Segment<'_>>, Error> {
    let Some((network, bytes)) = link::strip(link, data)? else {
        return Ok(None);
    };
    let packet = match network {
        link::Network::Ipv4 => ip::ipv4(bytes)?,
        link::Network::Ipv6 => ip::ipv6(bytes)?,
    };
    packet.map(tcp::segment).transpose()
}
