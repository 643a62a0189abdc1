//! Layer by layer from the link header to TCP, through tunnels.
//!
//! Input: a [`Layer`] (what the link header announced, or a reassembled IP
//! payload) and how many more encapsulations may be entered.
//! Output: an [`Outcome`]: the innermost TCP [`Segment`], borrowed; an IP
//! [`Fragment`](Outcome::Fragment) to be reassembled by [`super::Defrag`]; or
//! [`Outcome::Other`] for anything that is not TCP (ARP, plain UDP, ICMP, ESP,
//! unknown EtherTypes and PPP protocols…); or an [`Error`] for a cut or
//! impossible header.
//!
//! Encapsulations followed, each to the packet inside (whose IP addresses and
//! ports are the connection; the outer ones are forgotten):
//! PPPoE session (RFC 2516) carrying PPP IPv4/IPv6 (RFC 1332, RFC 5072);
//! MPLS label stacks (RFC 3032) to IPv4/IPv6 by the first nibble, or to
//! Ethernet after a pseudowire control word (RFC 4385, RFC 4448);
//! GRE version 0 (RFC 2784, with the RFC 2890 key and sequence number)
//! carrying IPv4, IPv6, MPLS or transparent Ethernet bridging (0x6558), and
//! ERSPAN types I, II and III (draft-foschiano-erspan); VXLAN on UDP 4789
//! (RFC 7348); Geneve on UDP 6081 (RFC 8926); IPv4 or IPv6 inside IPv4 or
//! IPv6 (RFC 2003 IP-in-IP, RFC 4213 6in4, RFC 2473 IPv6 tunnels); and, at
//! every Ethernet header, any 802.1Q/QinQ tags and Cisco MetaData
//! ([`link::untag`]).
//!
//! Invariants: no allocation; every read is bounds-checked; at most
//! [`MAX_ENCAPSULATIONS`] tunnel headers are entered per frame and at most
//! [`MAX_MPLS_LABELS`] labels walked, so a crafted packet that nests tunnels
//! in tunnels ends with `malformed-encapsulation-depth` rather than
//! recursing (the walk is a loop; it never recurses). A tunnel's inner packet
//! is bounded by its own IP length, so the outer packet's padding and
//! Ethernet FCS never reach the inner TCP payload.
//!
//! Not done here: GRE version 1 (PPTP, RFC 2637) and RFC 1701 source routing
//! (counted as not TCP); VXLAN-GPE, Geneve and VXLAN on non-standard UDP
//! ports (e.g. Linux's old 8472); MPLS pseudowires without a control word
//! (the first nibble of a MAC address is not a protocol); L2TP, IPsec, PPP
//! link types; the outer headers' identities (a connection carried in two
//! tunnels with the same inner addresses is one connection).

use super::ip::{self, End, Packet, short};
use super::{Error, Segment, link, tcp};

/// EtherType IPv4 (IEEE 802 numbers registry).
const ETHERTYPE_IPV4: u16 = 0x0800;
/// EtherType IPv6 (RFC 2464 §3).
const ETHERTYPE_IPV6: u16 = 0x86dd;
/// PPPoE Session stage (RFC 2516 §4). Discovery (0x8863) is not IP.
const ETHERTYPE_PPPOE_SESSION: u16 = 0x8864;
/// MPLS unicast (RFC 3032 §5).
const ETHERTYPE_MPLS: u16 = 0x8847;
/// MPLS multicast (RFC 5332 §4; RFC 3032 §5 "multicast").
const ETHERTYPE_MPLS_MULTICAST: u16 = 0x8848;
/// Transparent Ethernet Bridging: a whole Ethernet frame follows (GRE,
/// RFC 1701 protocol type registry; Geneve, RFC 8926 §3.4).
const ETHERTYPE_TEB: u16 = 0x6558;
/// ERSPAN type I/II GRE protocol type (draft-foschiano-erspan-03 §4.1).
const ETHERTYPE_ERSPAN_II: u16 = 0x88be;
/// ERSPAN type III GRE protocol type (draft-foschiano-erspan-03 §4.2).
const ETHERTYPE_ERSPAN_III: u16 = 0x22eb;

/// PPP protocol number of IPv4 (RFC 1332 §2).
const PPP_IPV4: u16 = 0x0021;
/// PPP protocol number of IPv6 (RFC 5072 §3).
const PPP_IPV6: u16 = 0x0057;
/// PPPoE VER = 1 and TYPE = 1 in one byte (RFC 2516 §4).
const PPPOE_VER_TYPE: u8 = 0x11;
/// PPPoE session data CODE (RFC 2516 §5).
const PPPOE_CODE_SESSION: u8 = 0x00;

/// IP-in-IP: IPv4 inside IPv4 or IPv6 (RFC 2003 §3, RFC 2473).
const PROTO_IPV4: u8 = 4;
/// UDP (RFC 768).
const PROTO_UDP: u8 = 17;
/// IPv6 inside IPv4 or IPv6 (RFC 4213 §3.5 "6in4", RFC 2473).
const PROTO_IPV6: u8 = 41;
/// GRE (RFC 2784 §2).
const PROTO_GRE: u8 = 47;

/// VXLAN's IANA UDP port (RFC 7348 §5).
const UDP_PORT_VXLAN: u16 = 4789;
/// Geneve's IANA UDP port (RFC 8926 §3.3).
const UDP_PORT_GENEVE: u16 = 6081;

/// Tunnel headers entered per frame. Real deployments nest two or three
/// (VXLAN over MPLS over GRE, say); past this a packet is treated as crafted.
pub(super) const MAX_ENCAPSULATIONS: usize = 8;
/// MPLS labels walked to the bottom of the stack. RFC 3032 sets no limit;
/// real stacks carry 2–5 labels (VPN + transport + a few for traffic
/// engineering or segment routing).
pub(super) const MAX_MPLS_LABELS: usize = 16;

/// One layer still to be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Layer<'a> {
    /// An Ethernet II frame, from its destination address.
    Ethernet(&'a [u8]),
    /// The bytes after an EtherType (Ethernet, Linux cooked, a tunnel's
    /// protocol type field), possibly starting with VLAN tags.
    EtherType(u16, &'a [u8]),
    /// An IPv4 header and what follows.
    Ipv4(&'a [u8]),
    /// An IPv6 header and what follows.
    Ipv6(&'a [u8]),
    /// An IP payload with its protocol number.
    Ip(Packet<'a>),
}

/// Where the walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome<'a> {
    /// The innermost TCP segment.
    Segment(Segment<'a>),
    /// An IP fragment (its `fragment` field is set), and how many more
    /// encapsulations the reassembled datagram may enter.
    Fragment(Packet<'a>, usize),
    /// Not TCP.
    Other,
}

/// Walks from `layer` to TCP, entering at most `budget` more encapsulations.
pub(super) fn walk(mut layer: Layer<'_>, mut budget: usize) -> Result<Outcome<'_>, Error> {
    // Each pass either ends or moves to a layer further into the frame, and
    // every cycle (IP → tunnel → IP) spends one unit of `budget`.
    loop {
        layer = match layer {
            Layer::Ethernet(data) => link::ethernet(data)?,
            Layer::EtherType(kind, rest) => {
                let (kind, rest) = link::untag(kind, rest)?;
                let inner = match kind {
                    ETHERTYPE_IPV4 => Some(Layer::Ipv4(rest)),
                    ETHERTYPE_IPV6 => Some(Layer::Ipv6(rest)),
                    ETHERTYPE_PPPOE_SESSION => enter(&mut budget, pppoe(rest))?,
                    ETHERTYPE_MPLS | ETHERTYPE_MPLS_MULTICAST => enter(&mut budget, mpls(rest))?,
                    ETHERTYPE_TEB => enter(&mut budget, Ok(Some(Layer::Ethernet(rest))))?,
                    // ARP, LLDP, PPPoE discovery… and 802.3 length frames: a
                    // length is at most 1500, below every EtherType above.
                    _ => None,
                };
                match inner {
                    Some(inner) => inner,
                    None => return Ok(Outcome::Other),
                }
            }
            Layer::Ipv4(data) => Layer::Ip(ip::ipv4(data)?),
            Layer::Ipv6(data) => match ip::ipv6(data)? {
                Some(packet) => Layer::Ip(packet),
                None => return Ok(Outcome::Other),
            },
            Layer::Ip(packet) => {
                if packet.fragment.is_some() {
                    return Ok(Outcome::Fragment(packet, budget));
                }
                let inner = match packet.proto {
                    ip::PROTO_TCP => return tcp::segment(packet).map(Outcome::Segment),
                    PROTO_IPV4 => enter(&mut budget, Ok(Some(Layer::Ipv4(packet.payload))))?,
                    PROTO_IPV6 => enter(&mut budget, Ok(Some(Layer::Ipv6(packet.payload))))?,
                    PROTO_GRE => enter(&mut budget, gre(packet))?,
                    PROTO_UDP => match udp_tunnel(packet)? {
                        Some(inner) => enter(&mut budget, Ok(Some(inner)))?,
                        None => None,
                    },
                    _ => None,
                };
                match inner {
                    Some(inner) => inner,
                    None => return Ok(Outcome::Other),
                }
            }
        };
    }
}

/// Spends one unit of the encapsulation budget on entering `inner`.
fn enter<'a>(
    budget: &mut usize,
    inner: Result<Option<Layer<'a>>, Error>,
) -> Result<Option<Layer<'a>>, Error> {
    let inner = inner?;
    if inner.is_some() {
        *budget = budget.checked_sub(1).ok_or(Error::Malformed {
            layer: "encapsulation-depth",
        })?;
    }
    Ok(inner)
}

/// PPPoE session header (RFC 2516 §4): VER/TYPE (1), CODE (1), SESSION_ID
/// (2), LENGTH (2), then a PPP frame without address and control fields:
/// its protocol (RFC 1661 §2; one byte when Protocol-Field-Compression is
/// on, RFC 1661 §6.5: an odd first byte) and the datagram.
fn pppoe(data: &[u8]) -> Result<Option<Layer<'_>>, Error> {
    let Some((h, rest)) = data.split_first_chunk::<6>() else {
        return Err(Error::Truncated { layer: "pppoe" });
    };
    if h[0] != PPPOE_VER_TYPE || h[1] != PPPOE_CODE_SESSION {
        return Err(Error::Malformed { layer: "pppoe" });
    }
    // LENGTH covers the PPP payload (protocol included); Ethernet padding
    // follows it. Lax: a length past the capture keeps what was captured.
    let length = usize::from(u16::from_be_bytes([h[4], h[5]]));
    let ppp = rest.get(..length).unwrap_or(rest);
    let (protocol, datagram) = match ppp {
        [] => return Err(Error::Truncated { layer: "ppp" }),
        [first, rest @ ..] if first & 1 == 1 => (u16::from(*first), rest),
        [hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]), rest),
        [_] => return Err(Error::Truncated { layer: "ppp" }),
    };
    Ok(match protocol {
        PPP_IPV4 => Some(Layer::Ipv4(datagram)),
        PPP_IPV6 => Some(Layer::Ipv6(datagram)),
        // LCP, IPCP, CHAP… are not IP.
        _ => None,
    })
}

/// An MPLS label stack (RFC 3032 §2.1: label (20 bits), TC (3), S (1), TTL
/// (8)) down to the entry with the bottom-of-stack bit. RFC 3032 leaves the
/// payload's protocol to the label's binding, which a capture does not have;
/// like Wireshark, read the first nibble: 4 IPv4, 6 IPv6, 0 a pseudowire
/// control word (RFC 4385 §3, 4 bytes) before an Ethernet frame (RFC 4448).
fn mpls(mut data: &[u8]) -> Result<Option<Layer<'_>>, Error> {
    for _ in 0..MAX_MPLS_LABELS {
        let Some((entry, rest)) = data.split_first_chunk::<4>() else {
            return Err(Error::Truncated { layer: "mpls" });
        };
        data = rest;
        if entry[2] & 0x01 == 0 {
            continue;
        }
        return match data.first().map(|b| b >> 4) {
            None => Err(Error::Truncated { layer: "mpls" }),
            Some(4) => Ok(Some(Layer::Ipv4(data))),
            Some(6) => Ok(Some(Layer::Ipv6(data))),
            Some(0) => match data.get(4..) {
                Some(frame) => Ok(Some(Layer::Ethernet(frame))),
                None => Err(Error::Truncated {
                    layer: "mpls-control-word",
                }),
            },
            // 1: a pseudowire associated channel (RFC 4385 §4), not data.
            Some(_) => Ok(None),
        };
    }
    Err(Error::Malformed {
        layer: "mpls-depth",
    })
}

/// GRE (RFC 2784 §2.1): C (checksum present), reserved, K and S (key and
/// sequence number present, RFC 2890 §2), version (3 bits), protocol type;
/// then checksum + reserved (4) if C, key (4) if K, sequence number (4) if S.
fn gre(packet: Packet<'_>) -> Result<Option<Layer<'_>>, Error> {
    let data = packet.payload;
    let Some(h) = data.first_chunk::<4>() else {
        return Err(short(packet.end, "gre", "gre-length"));
    };
    let flags = u16::from_be_bytes([h[0], h[1]]);
    // Version 1 is PPTP's enhanced GRE (RFC 2637 §4.1); the routing bit
    // (0x4000) is RFC 1701's source routing, deprecated by RFC 2784.
    if flags & 0x0007 != 0 || flags & 0x4000 != 0 {
        return Ok(None);
    }
    let (checksum, key, sequence) = (
        flags & 0x8000 != 0,
        flags & 0x2000 != 0,
        flags & 0x1000 != 0,
    );
    let header_len = 4 + 4 * (usize::from(checksum) + usize::from(key) + usize::from(sequence));
    let Some(rest) = data.get(header_len..) else {
        return Err(short(packet.end, "gre", "gre-length"));
    };
    let end = packet.end;
    Ok(Some(match u16::from_be_bytes([h[2], h[3]]) {
        // Type I has no ERSPAN header and no GRE sequence number; type II has
        // both (draft-foschiano-erspan-03 §4.1).
        ETHERTYPE_ERSPAN_II if !sequence => Layer::Ethernet(rest),
        ETHERTYPE_ERSPAN_II => erspan(rest, end, 1, 8)?,
        ETHERTYPE_ERSPAN_III => erspan(rest, end, 2, 12)?,
        kind => Layer::EtherType(kind, rest),
    }))
}

/// An ERSPAN header (draft-foschiano-erspan-03 §4.1–4.2) of `len` bytes
/// whose version nibble must be `version` (1: type II, 2: type III); type III
/// adds an 8-byte platform-specific subheader when its O bit (the last bit
/// of the header) is set. The mirrored Ethernet frame follows.
fn erspan(data: &[u8], end: End, version: u8, len: usize) -> Result<Layer<'_>, Error> {
    let Some(header) = data.get(..len) else {
        return Err(short(end, "erspan", "erspan-length"));
    };
    if header[0] >> 4 != version {
        return Err(Error::Malformed {
            layer: "erspan-version",
        });
    }
    let len = if version == 2 && header[len - 1] & 0x01 != 0 {
        len + 8
    } else {
        len
    };
    match data.get(len..) {
        Some(frame) => Ok(Layer::Ethernet(frame)),
        None => Err(short(end, "erspan", "erspan-length")),
    }
}

/// A UDP header (RFC 768) whose destination port names a tunnel: VXLAN or
/// Geneve. Any other UDP, or a UDP header that is cut, is not TCP (`None`).
fn udp_tunnel(packet: Packet<'_>) -> Result<Option<Layer<'_>>, Error> {
    let Some((h, rest)) = packet.payload.split_first_chunk::<8>() else {
        return Ok(None);
    };
    let port = u16::from_be_bytes([h[2], h[3]]);
    if port != UDP_PORT_VXLAN && port != UDP_PORT_GENEVE {
        return Ok(None);
    }
    // The UDP length bounds the datagram; lax when it disagrees (0 is what
    // some offloads leave, as with IP lengths).
    let length = usize::from(u16::from_be_bytes([h[4], h[5]]));
    let rest = length
        .checked_sub(8)
        .and_then(|n| rest.get(..n))
        .unwrap_or(rest);
    let end = packet.end;
    if port == UDP_PORT_VXLAN {
        // Flags (8, I = 0x08), reserved (24), VNI (24), reserved (8)
        // (RFC 7348 §5). A clear I flag is tolerated: the frame is still
        // there.
        let Some((_, frame)) = rest.split_first_chunk::<8>() else {
            return Err(short(end, "vxlan", "vxlan-length"));
        };
        return Ok(Some(Layer::Ethernet(frame)));
    }
    // Ver (2), Opt Len (6, 4-byte units), O, C, reserved (6), Protocol Type
    // (16), VNI (24), reserved (8), options (RFC 8926 §3.4).
    let Some((g, _)) = rest.split_first_chunk::<8>() else {
        return Err(short(end, "geneve", "geneve-length"));
    };
    if g[0] >> 6 != 0 {
        return Err(Error::Malformed {
            layer: "geneve-version",
        });
    }
    let options = usize::from(g[0] & 0x3f) * 4;
    let Some(inner) = rest.get(8 + options..) else {
        return Err(short(end, "geneve", "geneve-length"));
    };
    Ok(Some(Layer::EtherType(
        u16::from_be_bytes([g[2], g[3]]),
        inner,
    )))
}
