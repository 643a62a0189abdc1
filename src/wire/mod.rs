//! Link layer → IP → TCP, one frame at a time.
//!
//! Input: a frame's bytes and its link type (Ethernet II with any 802.1Q/QinQ
//! tags, Linux SLL and SLL2, BSD NULL and OpenBSD LOOP, raw IP, 802.11 data
//! frames with or without NetMon's metadata header).
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
//! [`Error::Fragment`], counted by the caller), tunnels, TCP options, 802.11
//! decryption.
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

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;

    const V4_SRC: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);
    const V4_DST: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 7);
    const V6_SRC: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);
    const V6_DST: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2);
    /// A TLS record header: what the payload of every test segment starts with.
    const PAYLOAD: &[u8] = &[0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5];

    /// A TCP header (PSH|ACK, window 502) with `options` (a multiple of 4), then
    /// `payload`.
    fn tcp(options: &[u8], payload: &[u8]) -> Vec<u8> {
        let words = u8::try_from(5 + options.len() / 4).unwrap();
        let mut t = vec![0xc3, 0x50, 0x01, 0xbb]; // 50000 → 443
        t.extend_from_slice(&1000u32.to_be_bytes());
        t.extend_from_slice(&2000u32.to_be_bytes());
        t.extend_from_slice(&[words << 4, 0x18, 0x01, 0xf6, 0xde, 0xad, 0, 0]);
        t.extend_from_slice(options);
        t.extend_from_slice(payload);
        t
    }

    /// An IPv4 header with the given total length, flags/offset and protocol.
    fn ipv4_with(total_len: u16, frag: u16, proto: u8, body: &[u8]) -> Vec<u8> {
        let mut p = vec![0x45, 0];
        p.extend_from_slice(&total_len.to_be_bytes());
        p.extend_from_slice(&[0x12, 0x34]);
        p.extend_from_slice(&frag.to_be_bytes());
        p.extend_from_slice(&[64, proto, 0xbe, 0xef]);
        p.extend_from_slice(&V4_SRC.octets());
        p.extend_from_slice(&V4_DST.octets());
        p.extend_from_slice(body);
        p
    }

    /// A well-formed IPv4 packet carrying `body` as protocol `proto`.
    fn ipv4(proto: u8, body: &[u8]) -> Vec<u8> {
        ipv4_with(u16::try_from(20 + body.len()).unwrap(), 0x4000, proto, body)
    }

    /// A well-formed IPv6 packet: `next`, then `body` (extensions and payload).
    fn ipv6(next: u8, body: &[u8]) -> Vec<u8> {
        let mut p = vec![0x60, 0, 0, 0];
        p.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
        p.extend_from_slice(&[next, 64]);
        p.extend_from_slice(&V6_SRC.octets());
        p.extend_from_slice(&V6_DST.octets());
        p.extend_from_slice(body);
        p
    }

    /// An Ethernet II frame: MACs, `tags` (TPID, TCI pairs), EtherType, body.
    fn ethernet(tags: &[(u16, u16)], ethertype: u16, body: &[u8]) -> Vec<u8> {
        let mut f = vec![0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2];
        for (tpid, tci) in tags {
            f.extend_from_slice(&tpid.to_be_bytes());
            f.extend_from_slice(&tci.to_be_bytes());
        }
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(body);
        f
    }

    fn sll(protocol: u16, body: &[u8]) -> Vec<u8> {
        // Packet type 0 (to us), ARPHRD_ETHER, address length 6, address.
        let mut f = vec![0, 0, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 1, 0, 0];
        f.extend_from_slice(&protocol.to_be_bytes());
        f.extend_from_slice(body);
        f
    }

    fn sll2(protocol: u16, body: &[u8]) -> Vec<u8> {
        let mut f = protocol.to_be_bytes().to_vec();
        // Reserved, ifindex 3, ARPHRD_ETHER, packet type 4 (outgoing), address.
        f.extend_from_slice(&[0, 0, 0, 0, 0, 3, 0, 1, 4, 6, 0x02, 0, 0, 0, 0, 1, 0, 0]);
        f.extend_from_slice(body);
        f
    }

    fn segment(link: LinkType, frame: &[u8]) -> Segment<'_> {
        decode(link, frame)
            .expect("decodes")
            .expect("is a TCP segment")
    }

    fn assert_v4_segment(s: &Segment<'_>) {
        assert_eq!((s.src, s.dst), (IpAddr::V4(V4_SRC), IpAddr::V4(V4_DST)));
        assert_eq!((s.sport, s.dport, s.seq, s.ack), (50000, 443, 1000, 2000));
        assert_eq!((s.flags, s.window), (TcpFlags(0x18), 502));
        assert_eq!((s.payload, s.truncated), (PAYLOAD, false));
    }

    fn assert_v6_segment(s: &Segment<'_>) {
        assert_eq!((s.src, s.dst), (IpAddr::V6(V6_SRC), IpAddr::V6(V6_DST)));
        assert_eq!((s.sport, s.dport, s.seq, s.ack), (50000, 443, 1000, 2000));
        assert_eq!((s.payload, s.truncated), (PAYLOAD, false));
    }

    /// One valid TCP frame per supported link type.
    fn valid_frames() -> Vec<(LinkType, Vec<u8>)> {
        let v4 = ipv4(6, &tcp(&[2, 4, 5, 0xb4], PAYLOAD));
        let v6 = ipv6(6, &tcp(&[], PAYLOAD));
        vec![
            (LinkType::ETHERNET, ethernet(&[], 0x0800, &v4)),
            (LinkType::ETHERNET, ethernet(&[(0x8100, 10)], 0x86dd, &v6)),
            (
                LinkType::ETHERNET,
                ethernet(&[(0x88a8, 100), (0x8100, 10)], 0x0800, &v4),
            ),
            (LinkType::LINUX_SLL, sll(0x0800, &v4)),
            (LinkType::LINUX_SLL2, sll2(0x86dd, &v6)),
            (
                LinkType::NULL,
                [2, 0, 0, 0].iter().chain(&v4).copied().collect(),
            ),
            (
                LinkType::NULL,
                [0, 0, 0, 30].iter().chain(&v6).copied().collect(),
            ),
            (
                LinkType::LOOP,
                [0, 0, 0, 24].iter().chain(&v6).copied().collect(),
            ),
            (LinkType::RAW, v4.clone()),
            (LinkType::RAW_OLD_12, v6.clone()),
            (LinkType::RAW_OLD_14, v4.clone()),
            (LinkType::IPV4, v4),
            (LinkType::IPV6, v6),
        ]
    }

    #[test]
    fn decode_ethernet_ipv4_is_segment() {
        let f = ethernet(&[], 0x0800, &ipv4(6, &tcp(&[], PAYLOAD)));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn decode_single_vlan_is_segment() {
        let f = ethernet(&[(0x8100, 0x2064)], 0x0800, &ipv4(6, &tcp(&[], PAYLOAD)));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn decode_qinq_is_segment() {
        let f = ethernet(
            &[(0x88a8, 200), (0x8100, 10)],
            0x86dd,
            &ipv6(6, &tcp(&[], PAYLOAD)),
        );
        assert_v6_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn decode_sll_is_segment() {
        let f = sll(0x0800, &ipv4(6, &tcp(&[], PAYLOAD)));
        assert_v4_segment(&segment(LinkType::LINUX_SLL, &f));
    }

    #[test]
    fn decode_sll2_is_segment() {
        let f = sll2(0x86dd, &ipv6(6, &tcp(&[], PAYLOAD)));
        assert_v6_segment(&segment(LinkType::LINUX_SLL2, &f));
    }

    #[test]
    fn decode_null_little_endian_is_segment() {
        let mut f = vec![2, 0, 0, 0];
        f.extend_from_slice(&ipv4(6, &tcp(&[], PAYLOAD)));
        assert_v4_segment(&segment(LinkType::NULL, &f));
    }

    #[test]
    fn decode_null_big_endian_is_segment() {
        let mut f = vec![0, 0, 0, 2];
        f.extend_from_slice(&ipv4(6, &tcp(&[], PAYLOAD)));
        assert_v4_segment(&segment(LinkType::NULL, &f));
        let mut f = vec![0, 0, 0, 28];
        f.extend_from_slice(&ipv6(6, &tcp(&[], PAYLOAD)));
        assert_v6_segment(&segment(LinkType::NULL, &f));
    }

    #[test]
    fn decode_loop_is_segment() {
        let mut f = vec![0, 0, 0, 2];
        f.extend_from_slice(&ipv4(6, &tcp(&[], PAYLOAD)));
        assert_v4_segment(&segment(LinkType::LOOP, &f));
    }

    #[test]
    fn decode_raw_ipv4_is_segment() {
        let p = ipv4(6, &tcp(&[], PAYLOAD));
        for link in [
            LinkType::RAW,
            LinkType::RAW_OLD_12,
            LinkType::RAW_OLD_14,
            LinkType::IPV4,
        ] {
            assert_v4_segment(&segment(link, &p));
        }
    }

    #[test]
    fn decode_raw_ipv6_is_segment() {
        let p = ipv6(6, &tcp(&[], PAYLOAD));
        for link in [
            LinkType::RAW,
            LinkType::RAW_OLD_12,
            LinkType::RAW_OLD_14,
            LinkType::IPV6,
        ] {
            assert_v6_segment(&segment(link, &p));
        }
    }

    #[test]
    fn decode_raw_ipv4_link_with_ipv6_packet_is_malformed() {
        let p = ipv6(6, &tcp(&[], PAYLOAD));
        assert_eq!(
            decode(LinkType::IPV4, &p),
            Err(Error::Malformed {
                layer: "ipv4-version"
            })
        );
    }

    #[test]
    fn decode_ipv6_hop_by_hop_and_destination_options_is_segment() {
        // Hop-by-hop (8 bytes: PadN), then destination options (16 bytes), then TCP.
        let mut body = vec![60, 0, 1, 4, 0, 0, 0, 0];
        body.extend_from_slice(&[6, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        body.extend_from_slice(&tcp(&[], PAYLOAD));
        let f = ethernet(&[], 0x86dd, &ipv6(0, &body));
        assert_v6_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn decode_tso_total_length_zero_uses_capture() {
        let t = tcp(&[], PAYLOAD);
        let f = ethernet(&[], 0x0800, &ipv4_with(0, 0x4000, 6, &t));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn decode_snaplen_cut_payload_is_truncated() {
        let f = ethernet(&[], 0x0800, &ipv4(6, &tcp(&[], PAYLOAD)));
        let cut = &f[..f.len() - 4];
        let s = segment(LinkType::ETHERNET, cut);
        assert!(s.truncated);
        assert_eq!(s.payload, &PAYLOAD[..PAYLOAD.len() - 4]);
    }

    #[test]
    fn decode_ipv6_snaplen_cut_payload_is_truncated() {
        let f = ipv6(6, &tcp(&[], PAYLOAD));
        let s = segment(LinkType::RAW, &f[..f.len() - 1]);
        assert!(s.truncated);
        assert_eq!(s.payload, &PAYLOAD[..PAYLOAD.len() - 1]);
    }

    #[test]
    fn decode_ethernet_padding_is_trimmed() {
        // A bare ACK is 40 IP bytes; Ethernet pads it to 46, plus a 4-byte FCS.
        let mut f = ethernet(&[], 0x0800, &ipv4(6, &tcp(&[], &[])));
        f.extend_from_slice(&[0; 6]);
        f.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        let s = segment(LinkType::ETHERNET, &f);
        assert_eq!((s.payload, s.truncated), (&[][..], false));
    }

    #[test]
    fn decode_ipv4_first_and_later_fragment_is_fragment() {
        let t = tcp(&[], PAYLOAD);
        for frag in [0x2000, 0x2001, 0x0003] {
            let f = ethernet(&[], 0x0800, &ipv4_with(20 + t.len() as u16, frag, 6, &t));
            assert_eq!(decode(LinkType::ETHERNET, &f), Err(Error::Fragment));
        }
    }

    #[test]
    fn decode_ipv6_fragment_is_fragment() {
        let mut body = vec![6, 0, 0x00, 0x01, 0, 0, 0, 9];
        body.extend_from_slice(&tcp(&[], PAYLOAD));
        let f = ethernet(&[], 0x86dd, &ipv6(44, &body));
        assert_eq!(decode(LinkType::ETHERNET, &f), Err(Error::Fragment));
    }

    #[test]
    fn decode_udp_is_none() {
        let udp = [0x00, 0x35, 0xc3, 0x50, 0x00, 0x08, 0, 0];
        let f = ethernet(&[], 0x0800, &ipv4(17, &udp));
        assert_eq!(decode(LinkType::ETHERNET, &f), Ok(None));
        assert_eq!(decode(LinkType::RAW, &ipv6(17, &udp)), Ok(None));
    }

    #[test]
    fn decode_icmp_is_none() {
        let f = ethernet(&[], 0x0800, &ipv4(1, &[8, 0, 0, 0, 0, 1, 0, 1]));
        assert_eq!(decode(LinkType::ETHERNET, &f), Ok(None));
    }

    #[test]
    fn decode_arp_is_none() {
        let arp = [0, 1, 8, 0, 6, 4, 0, 1];
        assert_eq!(
            decode(LinkType::ETHERNET, &ethernet(&[], 0x0806, &arp)),
            Ok(None)
        );
        assert_eq!(
            decode(LinkType::ETHERNET, &ethernet(&[(0x8100, 1)], 0x0806, &arp)),
            Ok(None)
        );
    }

    #[test]
    fn decode_8023_length_frame_is_none() {
        let f = ethernet(&[], 0x0026, &[0x42, 0x42, 0x03, 0, 0, 0]);
        assert_eq!(decode(LinkType::ETHERNET, &f), Ok(None));
    }

    #[test]
    fn decode_tcp_data_offset_below_5_is_malformed() {
        let mut t = tcp(&[], PAYLOAD);
        t[12] = 0x40;
        let f = ethernet(&[], 0x0800, &ipv4(6, &t));
        assert_eq!(
            decode(LinkType::ETHERNET, &f),
            Err(Error::Malformed {
                layer: "tcp-data-offset"
            })
        );
    }

    #[test]
    fn decode_unknown_link_is_unsupported() {
        assert_eq!(
            decode(LinkType(127), &[0; 64]),
            Err(Error::UnsupportedLink(127))
        );
    }

    #[test]
    fn decode_every_prefix_of_valid_frames_never_panics() {
        for (link, frame) in valid_frames() {
            assert!(decode(link, &frame).is_ok_and(|s| s.is_some()));
            for len in 0..frame.len() {
                match decode(link, &frame[..len]) {
                    // Cut inside the payload: decoded, and flagged.
                    Ok(Some(s)) => assert!(s.truncated, "{link:?} cut at {len}"),
                    Ok(None) => panic!("{link:?} cut at {len}: not TCP"),
                    Err(Error::Truncated { .. }) => {}
                    Err(e) => panic!("{link:?} cut at {len}: {e:?}"),
                }
            }
        }
    }

    /// xorshift64: a deterministic, dependency-free byte source for fuzzing.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn decode_random_byte_flips_never_panic() {
        let mut rng = 0x9e37_79b9_7f4a_7c15;
        for (link, frame) in valid_frames() {
            for _ in 0..2000 {
                let mut f = frame.clone();
                for _ in 0..=next(&mut rng) % 4 {
                    let at = (next(&mut rng) % f.len() as u64) as usize;
                    f[at] = next(&mut rng) as u8;
                }
                let cut = (next(&mut rng) % (f.len() as u64 + 1)) as usize;
                let _ = decode(link, &f);
                let _ = decode(link, &f[..cut]);
            }
        }
    }

    #[test]
    fn decode_random_bytes_never_panic() {
        let mut rng = 0x0123_4567_89ab_cdef;
        let links = [0u16, 1, 12, 14, 101, 108, 113, 228, 229, 276];
        for _ in 0..20_000 {
            let len = (next(&mut rng) % 96) as usize;
            let f: Vec<u8> = (0..len).map(|_| next(&mut rng) as u8).collect();
            let link = links[(next(&mut rng) % links.len() as u64) as usize];
            if let Ok(Some(s)) = decode(LinkType(link), &f) {
                assert!(s.payload.len() <= f.len());
            }
        }
    }

    #[test]
    fn error_kind_is_stable_kebab_case() {
        assert_eq!(Error::Fragment.kind(), "ip-fragment");
        assert_eq!(Error::Truncated { layer: "tcp" }.kind(), "truncated-tcp");
        assert_eq!(
            Error::Malformed { layer: "ipv4-ihl" }.kind(),
            "malformed-ipv4-ihl"
        );
        assert_eq!(
            Error::UnsupportedLink(105).kind(),
            "unsupported-link-type-105"
        );
    }
}
