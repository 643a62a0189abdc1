//! IPv4 and IPv6 headers → the protocol and bytes they carry.
//!
//! Input: the bytes from an IP header on (whatever the link layer or an outer
//! tunnel left).
//! Output: a [`Packet`] with the addresses, the protocol number (for IPv6, the
//! first header after the extension headers walked here), the IP payload
//! bounded by the IP length field, and for a fragment its [`Fragment`] fields
//! (the payload is then one piece of the datagram, to be reassembled by
//! [`super::Defrag`]); `Ok(None)` when nothing follows (ESP, No Next Header);
//! or an [`Error`] for a cut or impossible header.
//! Invariants: no allocation; every read is bounds-checked; the payload never
//! extends past the IP length (Ethernet padding and FCS are trimmed) nor past
//! the captured bytes; at most [`MAX_IPV6_HEADERS`] extension headers are
//! walked.
//! Not done here: checksums (offload makes them wrong in captures), IPv4
//! options (skipped by IHL), reassembly (see `defrag.rs`), what the protocol
//! number means (TCP, tunnels: see `encap.rs`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::Error;

/// IP protocol number of TCP (IANA "Assigned Internet Protocol Numbers").
pub(super) const PROTO_TCP: u8 = 6;
/// IPv6 Hop-by-Hop Options header (RFC 8200 §4.3).
const IPV6_HOP_BY_HOP: u8 = 0;
/// IPv6 Routing header (RFC 8200 §4.4).
const IPV6_ROUTING: u8 = 43;
/// IPv6 Fragment header (RFC 8200 §4.5).
const IPV6_FRAGMENT: u8 = 44;
/// Encapsulating Security Payload (RFC 4303): the rest is encrypted.
const IPV6_ESP: u8 = 50;
/// Authentication Header (RFC 4302 §2.2): length in 4-byte units, minus 2.
const IPV6_AH: u8 = 51;
/// No Next Header (RFC 8200 §4.7).
const IPV6_NO_NEXT: u8 = 59;
/// IPv6 Destination Options header (RFC 8200 §4.6).
const IPV6_DEST_OPTS: u8 = 60;
/// Mobility header (RFC 6275 §6.1).
const IPV6_MOBILITY: u8 = 135;
/// Host Identity Protocol (RFC 7401 §5.1).
const IPV6_HIP: u8 = 139;
/// Shim6 (RFC 5533 §5).
const IPV6_SHIM6: u8 = 140;
/// More extension headers than RFC 8200 §4.1's recommended order can produce
/// (each at most once, destination options twice): past this, the chain is
/// treated as malformed rather than walked on.
pub(super) const MAX_IPV6_HEADERS: usize = 10;

/// Where the IP payload's end came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// The IP length field, fully captured: a header running past it is
    /// malformed.
    Length,
    /// The IP length field exceeds the captured bytes (snap length): the
    /// payload is cut, and a header running past it is truncated.
    Cut,
    /// The IP length field is 0 (TSO/LSO on the capturing host, or an IPv6
    /// jumbogram): the captured bytes are all there is.
    Capture,
}

/// An IP packet (or one fragment of a datagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Packet<'a> {
    /// Source address.
    pub(super) src: IpAddr,
    /// Destination address.
    pub(super) dst: IpAddr,
    /// The protocol of `payload`: IPv4 Protocol, or for IPv6 the Next Header
    /// after the last extension header walked (the Fragment header's, for a
    /// fragment).
    pub(super) proto: u8,
    /// The bytes after the last IP header, up to the IP payload end.
    pub(super) payload: &'a [u8],
    /// How `payload`'s end was found.
    pub(super) end: End,
    /// Set when the packet is one fragment of a larger datagram.
    pub(super) fragment: Option<Fragment>,
}

/// Where a fragment belongs in its datagram (RFC 791 §3.1, RFC 8200 §4.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fragment {
    /// Identification (16 bits in IPv4, 32 in IPv6).
    pub(super) id: u32,
    /// Offset of this piece in the datagram's payload, in bytes (the field
    /// counts 8-byte units).
    pub(super) offset: usize,
    /// More Fragments: pieces follow this one.
    pub(super) more: bool,
}

/// The error for a header that does not fit in what is left of the payload:
/// truncated if the frame was cut, malformed if the length fields disagree.
pub(super) fn short(end: End, truncated: &'static str, malformed: &'static str) -> Error {
    match end {
        End::Length => Error::Malformed { layer: malformed },
        End::Cut | End::Capture => Error::Truncated { layer: truncated },
    }
}

/// Splits the captured bytes after an IP header at the length field's end;
/// `None` when the field was 0 and the capture is all there is.
fn bound(after_header: &[u8], length: Option<usize>) -> (&[u8], End) {
    let Some(length) = length else {
        return (after_header, End::Capture);
    };
    match after_header.get(..length) {
        Some(payload) => (payload, End::Length),
        None => (after_header, End::Cut),
    }
}

/// Decodes an IPv4 header (RFC 791 §3.1).
pub(super) fn ipv4(data: &[u8]) -> Result<Packet<'_>, Error> {
    let Some(h) = data.first_chunk::<20>() else {
        return Err(Error::Truncated { layer: "ipv4" });
    };
    if h[0] >> 4 != 4 {
        return Err(Error::Malformed {
            layer: "ipv4-version",
        });
    }
    // IHL counts 32-bit words and covers at least the 5-word fixed header.
    let header_len = usize::from(h[0] & 0x0f) * 4;
    if header_len < 20 {
        return Err(Error::Malformed { layer: "ipv4-ihl" });
    }
    let Some(after_header) = data.get(header_len..) else {
        return Err(Error::Truncated { layer: "ipv4" });
    };
    let total_len = usize::from(u16::from_be_bytes([h[2], h[3]]));
    // Total Length 0 is what TSO/LSO leaves in captures taken on the sender.
    if total_len != 0 && total_len < header_len {
        return Err(Error::Malformed {
            layer: "ipv4-total-length",
        });
    }
    // Flags (3 bits: reserved, DF, MF) and Fragment Offset (13 bits, in
    // 8-byte units): a packet with MF set or a nonzero offset is one piece of
    // a larger datagram.
    let flags_offset = u16::from_be_bytes([h[6], h[7]]);
    let fragment = (flags_offset & 0x3fff != 0).then(|| Fragment {
        id: u32::from(u16::from_be_bytes([h[4], h[5]])),
        offset: usize::from(flags_offset & 0x1fff) * 8,
        more: flags_offset & 0x2000 != 0,
    });
    let payload_len = (total_len != 0).then(|| total_len.saturating_sub(header_len));
    let (payload, end) = bound(after_header, payload_len);
    Ok(Packet {
        src: IpAddr::V4(Ipv4Addr::new(h[12], h[13], h[14], h[15])),
        dst: IpAddr::V4(Ipv4Addr::new(h[16], h[17], h[18], h[19])),
        proto: h[9],
        payload,
        end,
        fragment,
    })
}

/// Decodes an IPv6 header (RFC 8200 §3) and walks its extension headers
/// (RFC 8200 §4) to TCP.
pub(super) fn ipv6(data: &[u8]) -> Result<Option<Packet<'_>>, Error> {
    const TRUNCATED: Error = Error::Truncated { layer: "ipv6" };
    let Some((h, rest)) = data.split_first_chunk::<8>() else {
        return Err(TRUNCATED);
    };
    let Some((src, rest)) = rest.split_first_chunk::<16>() else {
        return Err(TRUNCATED);
    };
    let Some((dst, after_header)) = rest.split_first_chunk::<16>() else {
        return Err(TRUNCATED);
    };
    if h[0] >> 4 != 6 {
        return Err(Error::Malformed {
            layer: "ipv6-version",
        });
    }
    // Payload Length 0: a jumbogram (RFC 2675) or a TSO/LSO capture.
    let payload_len = usize::from(u16::from_be_bytes([h[4], h[5]]));
    let (payload, end) = bound(after_header, (payload_len != 0).then_some(payload_len));
    ipv6_chain(
        IpAddr::V6(Ipv6Addr::from(*src)),
        IpAddr::V6(Ipv6Addr::from(*dst)),
        h[6],
        payload,
        end,
    )
}

/// Walks IPv6 extension headers (RFC 8200 §4) from `next` to the first
/// header that is not one, or to a Fragment header (a non-atomic one ends the
/// walk: what follows is fragmentable and is walked after reassembly).
pub(super) fn ipv6_chain(
    src: IpAddr,
    dst: IpAddr,
    mut next: u8,
    mut payload: &[u8],
    end: End,
) -> Result<Option<Packet<'_>>, Error> {
    for _ in 0..=MAX_IPV6_HEADERS {
        let header_len = match next {
            // Hdr Ext Len counts 8-octet units beyond the first 8 (RFC 8200
            // §4.3–4.6; the same layout in RFC 6275, 7401 and 5533).
            IPV6_HOP_BY_HOP | IPV6_ROUTING | IPV6_DEST_OPTS | IPV6_MOBILITY | IPV6_HIP
            | IPV6_SHIM6 => (usize::from(extension_len(payload, end)?) + 1) * 8,
            // Payload Len counts 4-octet units minus 2 (RFC 4302 §2.2).
            IPV6_AH => (usize::from(extension_len(payload, end)?) + 2) * 4,
            IPV6_FRAGMENT => {
                let Some((fragment, rest)) = payload.split_first_chunk::<8>() else {
                    return Err(short(end, "ipv6-extension", "ipv6-extension-length"));
                };
                // Fragment Offset (13 bits, 8-byte units), reserved (2), M (1)
                // (RFC 8200 §4.5). Offset 0 with M clear is an atomic fragment
                // (RFC 6946): the whole packet, decoded through.
                let offset_m = u16::from_be_bytes([fragment[2], fragment[3]]);
                if offset_m & 0xfff9 != 0 {
                    return Ok(Some(Packet {
                        src,
                        dst,
                        proto: fragment[0],
                        payload: rest,
                        end,
                        fragment: Some(Fragment {
                            id: u32::from_be_bytes([
                                fragment[4],
                                fragment[5],
                                fragment[6],
                                fragment[7],
                            ]),
                            offset: usize::from(offset_m >> 3) * 8,
                            more: offset_m & 1 != 0,
                        }),
                    }));
                }
                8
            }
            // ESP hides the rest; No Next Header ends the packet.
            IPV6_ESP | IPV6_NO_NEXT => return Ok(None),
            // TCP, UDP, tunnels, ICMPv6…: the payload proper.
            proto => {
                return Ok(Some(Packet {
                    src,
                    dst,
                    proto,
                    payload,
                    end,
                    fragment: None,
                }));
            }
        };
        // The next-header byte opens every header walked above.
        let Some((&following, _)) = payload.split_first() else {
            return Err(short(end, "ipv6-extension", "ipv6-extension-length"));
        };
        let Some(rest) = payload.get(header_len..) else {
            return Err(short(end, "ipv6-extension", "ipv6-extension-length"));
        };
        next = following;
        payload = rest;
    }
    Err(Error::Malformed {
        layer: "ipv6-extension-count",
    })
}

/// The Hdr Ext Len byte (the second) of an extension header.
fn extension_len(payload: &[u8], end: End) -> Result<u8, Error> {
    match payload.get(1) {
        Some(&len) => Ok(len),
        None => Err(short(end, "ipv6-extension", "ipv6-extension-length")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(total_len: u16, frag: u16, proto: u8, extra: &[u8]) -> Vec<u8> {
        let t = total_len.to_be_bytes();
        let f = frag.to_be_bytes();
        let mut p = vec![
            0x45, 0, t[0], t[1], 0, 1, f[0], f[1], 64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        p.extend_from_slice(extra);
        p
    }

    fn v6(payload_len: u16, next: u8, extra: &[u8]) -> Vec<u8> {
        let l = payload_len.to_be_bytes();
        let mut p = vec![0x60, 0, 0, 0, l[0], l[1], next, 64];
        p.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        p.extend_from_slice(&[0; 11]);
        p.push(1);
        p.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        p.extend_from_slice(&[0; 11]);
        p.push(2);
        p.extend_from_slice(extra);
        p
    }

    #[test]
    fn ipv4_options_are_skipped_by_ihl() {
        let mut p = v4(28, 0, PROTO_TCP, &[1, 1, 1, 0, 0xaa, 0xbb, 0xcc, 0xdd]);
        p[0] = 0x46;
        let packet = ipv4(&p).unwrap();
        assert_eq!(packet.payload, [0xaa, 0xbb, 0xcc, 0xdd]);
        assert_eq!(packet.end, End::Length);
    }

    #[test]
    fn ipv4_ihl_below_5_is_malformed() {
        let mut p = v4(20, 0, PROTO_TCP, &[]);
        p[0] = 0x44;
        assert_eq!(ipv4(&p), Err(Error::Malformed { layer: "ipv4-ihl" }));
    }

    #[test]
    fn ipv4_total_length_below_ihl_is_malformed() {
        let p = v4(19, 0, PROTO_TCP, &[]);
        assert_eq!(
            ipv4(&p),
            Err(Error::Malformed {
                layer: "ipv4-total-length"
            })
        );
    }

    #[test]
    fn ipv4_wrong_version_is_malformed() {
        let mut p = v4(20, 0, PROTO_TCP, &[]);
        p[0] = 0x65;
        assert_eq!(
            ipv4(&p),
            Err(Error::Malformed {
                layer: "ipv4-version"
            })
        );
    }

    #[test]
    fn ipv4_total_length_equal_to_ihl_is_empty_payload() {
        let p = v4(20, 0, PROTO_TCP, &[0; 26]);
        let packet = ipv4(&p).unwrap();
        assert_eq!((packet.payload, packet.end), (&[][..], End::Length));
    }

    #[test]
    fn ipv4_total_length_past_capture_is_cut() {
        let p = v4(100, 0, PROTO_TCP, &[1, 2]);
        let packet = ipv4(&p).unwrap();
        assert_eq!((packet.payload, packet.end), (&[1, 2][..], End::Cut));
    }

    #[test]
    fn ipv4_dont_fragment_is_not_a_fragment() {
        let p = v4(20, 0x4000, PROTO_TCP, &[]);
        assert_eq!(ipv4(&p).unwrap().fragment, None);
    }

    #[test]
    fn ipv4_later_fragment_is_fragment() {
        let p = v4(28, 0x00b9, PROTO_TCP, &[0; 8]);
        let packet = ipv4(&p).unwrap();
        assert_eq!(
            packet.fragment,
            Some(Fragment {
                id: 1,
                offset: 0xb9 * 8,
                more: false
            })
        );
        assert_eq!((packet.proto, packet.payload), (PROTO_TCP, &[0; 8][..]));
    }

    #[test]
    fn ipv4_first_fragment_has_more_fragments() {
        let p = v4(28, 0x2000, PROTO_TCP, &[0; 8]);
        let f = ipv4(&p).unwrap().fragment.unwrap();
        assert_eq!((f.offset, f.more), (0, true));
    }

    #[test]
    fn ipv4_non_tcp_protocol_is_returned() {
        let p = v4(20, 0, 47, &[]);
        assert_eq!(ipv4(&p).unwrap().proto, 47);
    }

    #[test]
    fn ipv6_fragment_header_is_fragment() {
        // Next header TCP, offset 0, M set: the first fragment.
        let p = v6(
            16,
            IPV6_FRAGMENT,
            &[6, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0],
        );
        let f = ipv6(&p).unwrap().unwrap();
        assert_eq!((f.proto, f.payload.len()), (PROTO_TCP, 8));
        assert_eq!(
            f.fragment,
            Some(Fragment {
                id: 7,
                offset: 0,
                more: true
            })
        );
        // Offset 1, M clear: the last fragment.
        let p = v6(
            16,
            IPV6_FRAGMENT,
            &[6, 0, 0, 8, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0],
        );
        let f = ipv6(&p).unwrap().unwrap().fragment.unwrap();
        assert_eq!((f.offset, f.more), (8, false));
    }

    #[test]
    fn ipv6_atomic_fragment_is_decoded() {
        let p = v6(10, IPV6_FRAGMENT, &[6, 0, 0, 0, 0, 0, 0, 7, 0xaa, 0xbb]);
        assert_eq!(ipv6(&p).unwrap().unwrap().payload, [0xaa, 0xbb]);
    }

    #[test]
    fn ipv6_ah_length_is_in_4_byte_units() {
        // AH with Payload Len 1: (1 + 2) * 4 = 12 bytes.
        let mut ah = vec![6, 1];
        ah.extend_from_slice(&[0; 10]);
        ah.push(0xaa);
        let p = v6(13, IPV6_AH, &ah);
        assert_eq!(ipv6(&p).unwrap().unwrap().payload, [0xaa]);
    }

    #[test]
    fn ipv6_routing_mobility_hip_shim6_are_skipped() {
        let mut chain = Vec::new();
        for next in [IPV6_MOBILITY, IPV6_HIP, IPV6_SHIM6, PROTO_TCP] {
            chain.extend_from_slice(&[next, 0, 0, 0, 0, 0, 0, 0]);
        }
        chain.push(0xaa);
        let p = v6(chain.len() as u16, IPV6_ROUTING, &chain);
        assert_eq!(ipv6(&p).unwrap().unwrap().payload, [0xaa]);
    }

    #[test]
    fn ipv6_esp_and_no_next_are_none() {
        assert_eq!(ipv6(&v6(8, IPV6_ESP, &[0; 8])), Ok(None));
        assert_eq!(ipv6(&v6(0, IPV6_NO_NEXT, &[])), Ok(None));
    }

    #[test]
    fn ipv6_extension_past_payload_length_is_malformed() {
        let p = v6(
            8,
            IPV6_HOP_BY_HOP,
            &[6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        );
        assert_eq!(
            ipv6(&p),
            Err(Error::Malformed {
                layer: "ipv6-extension-length"
            })
        );
    }

    #[test]
    fn ipv6_extension_past_capture_is_truncated() {
        let p = v6(64, IPV6_HOP_BY_HOP, &[6, 1, 0, 0, 0, 0, 0, 0]);
        assert_eq!(
            ipv6(&p),
            Err(Error::Truncated {
                layer: "ipv6-extension"
            })
        );
    }

    #[test]
    fn ipv6_endless_chain_is_malformed() {
        let chain = [0u8; 8 * (MAX_IPV6_HEADERS + 2)];
        let p = v6(chain.len() as u16, IPV6_DEST_OPTS, &chain);
        assert_eq!(
            ipv6(&p),
            Err(Error::Malformed {
                layer: "ipv6-extension-count"
            })
        );
    }

    #[test]
    fn ipv6_payload_length_zero_uses_capture() {
        let p = v6(0, PROTO_TCP, &[1, 2, 3]);
        let packet = ipv6(&p).unwrap().unwrap();
        assert_eq!(packet.payload, [1, 2, 3]);
        assert_eq!(packet.end, End::Capture);
    }
}
