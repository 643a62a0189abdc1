//! Link layer → IP (→ tunnels → IP) → TCP, one frame at a time.
//!
//! Input: a frame's bytes and its link type (Ethernet II with any 802.1Q/QinQ
//! tags, Linux SLL and SLL2, BSD NULL and OpenBSD LOOP, raw IP, 802.11 data
//! frames with or without NetMon's metadata header).
//! Output: the innermost TCP [`Segment`] it carries, borrowed from the frame,
//! through the tunnels `encap.rs` lists (PPPoE, MPLS, GRE, ERSPAN, VXLAN,
//! Geneve, IP-in-IP, 6in4); `Ok(None)` for anything that is not TCP (ARP, UDP,
//! ICMP, 802.3 length frames, ESP, IPv6 No Next Header…); [`Error::Fragment`]
//! for any IP fragment from the pure [`decode`], while the stateful
//! [`Defrag::decode`] reassembles them (bounded; `defrag.rs`); another
//! [`Error`] for a cut or impossible header.
//! Invariants: [`decode`] never panics and never allocates, whatever the
//! bytes; every loop is bounded (VLAN tags, MPLS labels, IPv6 extension
//! headers, nested encapsulations). The payload stops at the IP length
//! (Ethernet padding and FCS are trimmed) and at the captured bytes,
//! whichever comes first. The Ethernet FCS is trimmed by the IP length only:
//! the capture reader does not expose pcapng `if_fcslen` nor the pcap
//! link-type FCS bits, so a TSO frame (IP length 0) captured with an FCS
//! would keep the 4 FCS bytes as payload (TSO frames are captured on the
//! sending host, before any FCS exists).
//! Lax on purpose: checksums are never validated (offload makes them wrong in
//! captures), an IPv4 total length or IPv6 payload length of 0 (TSO, jumbograms)
//! falls back to the captured length, and a snaplen-truncated payload is
//! returned with `truncated = true`.
//! Not done here: TCP options, 802.11 decryption, PPP link types, L2TP, IPsec.
//!
//! Hand-written rather than built on etherparse: etherparse has no SLL2 or
//! NULL/LOOP, stops at 3 VLAN tags, skips neither Mobility, HIP nor Shim6
//! headers, and reports fragments as a missing transport rather than an error
//! the pipeline can count.

mod defrag;
mod encap;
mod ip;
mod link;
mod tcp;

pub use defrag::{
    Defrag, DefragStats, FragmentIssue, MAX_BUFFERED_BYTES, MAX_DATAGRAM, MAX_PENDING, MAX_RANGES,
    TIMEOUT_NS,
};

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
    /// An IPv4 or IPv6 fragment (first or later), met by the pure
    /// [`decode`]; [`Defrag::decode`] reassembles them instead.
    Fragment,
    /// A fragment [`Defrag`] dropped, or whose overlap differed.
    Defrag(FragmentIssue),
}

impl Error {
    /// A stable kebab-case anomaly name for reports.
    pub fn kind(&self) -> String {
        match self {
            Error::Truncated { layer } => format!("truncated-{layer}"),
            Error::Malformed { layer } => format!("malformed-{layer}"),
            Error::UnsupportedLink(n) => format!("unsupported-link-type-{n}"),
            Error::Fragment => "ip-fragment".to_owned(),
            Error::Defrag(issue) => format!("ip-fragment-{}", issue.name()),
        }
    }
}

/// Decodes one frame down to TCP, without reassembly: a fragment is
/// [`Error::Fragment`].
pub fn decode(link: LinkType, data: &[u8]) -> Result<Option<Segment<'_>>, Error> {
    let Some(layer) = link::strip(link, data)? else {
        return Ok(None);
    };
    match encap::walk(layer, encap::MAX_ENCAPSULATIONS)? {
        encap::Outcome::Segment(s) => Ok(Some(s)),
        encap::Outcome::Other => Ok(None),
        encap::Outcome::Fragment(..) => Err(Error::Fragment),
    }
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

    /// Each frame 2000 times with up to four random bytes overwritten, whole
    /// and cut at a random length, handed to `check` (which must not panic).
    fn random_flips(
        seed: u64,
        frames: Vec<(LinkType, Vec<u8>)>,
        mut check: impl FnMut(LinkType, &[u8]),
    ) {
        let mut rng = seed;
        for (link, frame) in frames {
            for _ in 0..2000 {
                let mut f = frame.clone();
                for _ in 0..=next(&mut rng) % 4 {
                    let at = (next(&mut rng) % f.len() as u64) as usize;
                    f[at] = next(&mut rng) as u8;
                }
                let cut = (next(&mut rng) % (f.len() as u64 + 1)) as usize;
                check(link, &f);
                check(link, &f[..cut]);
            }
        }
    }

    #[test]
    fn decode_random_byte_flips_never_panic() {
        random_flips(0x9e37_79b9_7f4a_7c15, valid_frames(), |link, f| {
            let _ = decode(link, f);
        });
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

    /// A UDP datagram (RFC 768) to `dport` carrying `body`.
    fn udp(dport: u16, body: &[u8]) -> Vec<u8> {
        let mut u = vec![0xd4, 0x31];
        u.extend_from_slice(&dport.to_be_bytes());
        u.extend_from_slice(&u16::try_from(8 + body.len()).unwrap().to_be_bytes());
        u.extend_from_slice(&[0, 0]);
        u.extend_from_slice(body);
        u
    }

    /// A GRE header (RFC 2784/2890) with the given flag word and protocol
    /// type, its optional fields zero-filled, then `body`.
    fn gre(flags: u16, proto: u16, body: &[u8]) -> Vec<u8> {
        let mut g = flags.to_be_bytes().to_vec();
        g.extend_from_slice(&proto.to_be_bytes());
        for bit in [0x8000, 0x2000, 0x1000] {
            if flags & bit != 0 {
                g.extend_from_slice(&[0xaa, 0xbb, 0xcc, 0xdd]);
            }
        }
        g.extend_from_slice(body);
        g
    }

    /// An outer IPv4 packet between tunnel endpoints (10.9.9.1 → 10.9.9.2).
    fn outer_ipv4(proto: u8, body: &[u8]) -> Vec<u8> {
        let mut p = ipv4(proto, body);
        p[12..20].copy_from_slice(&[10, 9, 9, 1, 10, 9, 9, 2]);
        p
    }

    /// An outer IPv6 packet between tunnel endpoints.
    fn outer_ipv6(next: u8, body: &[u8]) -> Vec<u8> {
        let mut p = ipv6(next, body);
        p[8..24].copy_from_slice(&[0xfd; 16]);
        p
    }

    fn inner_v4() -> Vec<u8> {
        ipv4(6, &tcp(&[], PAYLOAD))
    }

    fn inner_v6() -> Vec<u8> {
        ipv6(6, &tcp(&[], PAYLOAD))
    }

    /// A PPPoE session header (RFC 2516) carrying a PPP `protocol` frame.
    fn pppoe(protocol: &[u8], body: &[u8]) -> Vec<u8> {
        let len = u16::try_from(protocol.len() + body.len()).unwrap();
        let mut p = vec![0x11, 0x00, 0x12, 0x34];
        p.extend_from_slice(&len.to_be_bytes());
        p.extend_from_slice(protocol);
        p.extend_from_slice(body);
        p
    }

    /// MPLS label stack entries (RFC 3032): the last has bottom-of-stack set.
    fn mpls(labels: &[u32], body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        for (i, label) in labels.iter().enumerate() {
            let bos = u32::from(i + 1 == labels.len());
            m.extend_from_slice(&((label << 12) | (bos << 8) | 64).to_be_bytes());
        }
        m.extend_from_slice(body);
        m
    }

    fn vxlan(frame: &[u8]) -> Vec<u8> {
        let mut v = vec![0x08, 0, 0, 0, 0, 0x12, 0x34, 0];
        v.extend_from_slice(frame);
        udp(4789, &v)
    }

    fn geneve(options: &[u8], proto: u16, inner: &[u8]) -> Vec<u8> {
        let mut g = vec![u8::try_from(options.len() / 4).unwrap(), 0];
        g.extend_from_slice(&proto.to_be_bytes());
        g.extend_from_slice(&[0, 0, 0x2a, 0]);
        g.extend_from_slice(options);
        g.extend_from_slice(inner);
        udp(6081, &g)
    }

    #[test]
    fn pppoe_session_ipv4_is_inner_segment() {
        let f = ethernet(&[], 0x8864, &pppoe(&[0x00, 0x21], &inner_v4()));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn pppoe_session_ipv6_with_vlan_is_inner_segment() {
        let f = ethernet(&[(0x8100, 7)], 0x8864, &pppoe(&[0x00, 0x57], &inner_v6()));
        assert_v6_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn pppoe_compressed_protocol_field_is_inner_segment() {
        let f = ethernet(&[], 0x8864, &pppoe(&[0x21], &inner_v4()));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn pppoe_lcp_is_none() {
        let f = ethernet(&[], 0x8864, &pppoe(&[0xc0, 0x21], &[1, 1, 0, 4]));
        assert_eq!(decode(LinkType::ETHERNET, &f), Ok(None));
    }

    #[test]
    fn pppoe_discovery_is_none() {
        let f = ethernet(&[], 0x8863, &[0x11, 0x09, 0, 0, 0, 0]);
        assert_eq!(decode(LinkType::ETHERNET, &f), Ok(None));
    }

    #[test]
    fn pppoe_bad_version_is_malformed() {
        let mut p = pppoe(&[0x00, 0x21], &inner_v4());
        p[0] = 0x21;
        let f = ethernet(&[], 0x8864, &p);
        assert_eq!(
            decode(LinkType::ETHERNET, &f),
            Err(Error::Malformed { layer: "pppoe" })
        );
    }

    #[test]
    fn pppoe_padding_and_fcs_are_trimmed() {
        let mut f = ethernet(&[], 0x8864, &pppoe(&[0x00, 0x21], &inner_v4()));
        f.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn gre_ipv4_in_ipv4_is_inner_segment() {
        let f = ethernet(&[], 0x0800, &outer_ipv4(47, &gre(0, 0x0800, &inner_v4())));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn gre_checksum_key_sequence_are_skipped() {
        let g = gre(0xb000, 0x86dd, &inner_v6());
        let f = ethernet(&[], 0x0800, &outer_ipv4(47, &g));
        assert_v6_segment(&segment(LinkType::ETHERNET, &f));
        let g = gre(0x2000, 0x0800, &inner_v4());
        assert_v4_segment(&segment(LinkType::RAW, &outer_ipv6(47, &g)));
    }

    #[test]
    fn gre_transparent_ethernet_bridging_is_inner_segment() {
        let inner = ethernet(&[(0x8100, 5)], 0x0800, &inner_v4());
        let f = ethernet(&[], 0x0800, &outer_ipv4(47, &gre(0x2000, 0x6558, &inner)));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn gre_version_1_pptp_is_none() {
        let f = ethernet(&[], 0x0800, &outer_ipv4(47, &gre(0x3001, 0x880b, &[0; 8])));
        assert_eq!(decode(LinkType::ETHERNET, &f), Ok(None));
    }

    #[test]
    fn gre_cut_header_is_truncated() {
        let p = outer_ipv4(47, &gre(0xb000, 0x0800, &inner_v4()));
        assert_eq!(
            decode(LinkType::RAW, &p[..20 + 9]),
            Err(Error::Truncated { layer: "gre" })
        );
    }

    #[test]
    fn gre_header_past_ip_length_is_malformed() {
        let mut p = outer_ipv4(47, &gre(0xb000, 0x0800, &inner_v4()));
        p[2..4].copy_from_slice(&26u16.to_be_bytes());
        assert_eq!(
            decode(LinkType::RAW, &p),
            Err(Error::Malformed {
                layer: "gre-length"
            })
        );
    }

    #[test]
    fn erspan_type_1_2_3_are_inner_segment() {
        let mirrored = ethernet(&[(0x8100, 100)], 0x0800, &inner_v4());
        // Type I: no ERSPAN header, no GRE sequence number.
        let t1 = gre(0, 0x88be, &mirrored);
        // Type II: GRE sequence number, 8-byte header (version 1).
        let mut h2 = vec![0x10, 0x64, 0x00, 0x01, 0, 0, 0, 0];
        h2.extend_from_slice(&mirrored);
        let t2 = gre(0x1000, 0x88be, &h2);
        // Type III: 12-byte header (version 2), then an 8-byte platform
        // subheader because the O bit is set.
        let mut h3 = vec![0x20, 0x64, 0x00, 0x01, 0, 0, 0, 9, 0, 0, 0, 0x01];
        h3.extend_from_slice(&[0x08; 8]);
        h3.extend_from_slice(&mirrored);
        let t3 = gre(0x1000, 0x22eb, &h3);
        for g in [t1, t2, t3] {
            let f = ethernet(&[], 0x0800, &outer_ipv4(47, &g));
            assert_v4_segment(&segment(LinkType::ETHERNET, &f));
        }
    }

    #[test]
    fn erspan_wrong_version_is_malformed() {
        let mut h2 = vec![0x20, 0, 0, 0, 0, 0, 0, 0];
        h2.extend_from_slice(&ethernet(&[], 0x0800, &inner_v4()));
        let f = ethernet(&[], 0x0800, &outer_ipv4(47, &gre(0x1000, 0x88be, &h2)));
        assert_eq!(
            decode(LinkType::ETHERNET, &f),
            Err(Error::Malformed {
                layer: "erspan-version"
            })
        );
    }

    #[test]
    fn vxlan_inner_ethernet_is_inner_segment() {
        let inner = ethernet(&[], 0x86dd, &inner_v6());
        let f = ethernet(&[], 0x0800, &outer_ipv4(17, &vxlan(&inner)));
        assert_v6_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn vxlan_over_ipv6_is_inner_segment() {
        let inner = ethernet(&[], 0x0800, &inner_v4());
        let f = ethernet(&[], 0x86dd, &outer_ipv6(17, &vxlan(&inner)));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn vxlan_cut_header_is_truncated() {
        let p = outer_ipv4(17, &vxlan(&ethernet(&[], 0x0800, &inner_v4())));
        assert_eq!(
            decode(LinkType::RAW, &p[..20 + 8 + 5]),
            Err(Error::Truncated { layer: "vxlan" })
        );
    }

    #[test]
    fn udp_other_port_and_cut_header_are_none() {
        let f = outer_ipv4(17, &udp(53, &[0; 12]));
        assert_eq!(decode(LinkType::RAW, &f), Ok(None));
        assert_eq!(decode(LinkType::RAW, &f[..24]), Ok(None));
    }

    #[test]
    fn geneve_ethernet_with_options_is_inner_segment() {
        let inner = ethernet(&[], 0x0800, &inner_v4());
        let options = [0x01, 0x02, 0x80, 0x01, 0xaa, 0xbb, 0xcc, 0xdd];
        let f = ethernet(
            &[],
            0x0800,
            &outer_ipv4(17, &geneve(&options, 0x6558, &inner)),
        );
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn geneve_ip_protocol_is_inner_segment() {
        let f = outer_ipv6(17, &geneve(&[], 0x86dd, &inner_v6()));
        assert_v6_segment(&segment(LinkType::RAW, &f));
    }

    #[test]
    fn geneve_version_1_is_malformed() {
        let mut g = outer_ipv4(17, &geneve(&[], 0x0800, &inner_v4()));
        g[28] |= 0x40;
        assert_eq!(
            decode(LinkType::RAW, &g),
            Err(Error::Malformed {
                layer: "geneve-version"
            })
        );
    }

    #[test]
    fn geneve_options_past_datagram_is_malformed() {
        let mut g = outer_ipv4(17, &geneve(&[], 0x0800, &[]));
        g[28] = 0x3f;
        assert_eq!(
            decode(LinkType::RAW, &g),
            Err(Error::Malformed {
                layer: "geneve-length"
            })
        );
    }

    #[test]
    fn ipip_ipv4_in_ipv4_is_inner_segment() {
        let f = ethernet(&[], 0x0800, &outer_ipv4(4, &inner_v4()));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn sixinfour_ipv6_in_ipv4_is_inner_segment() {
        let f = ethernet(&[], 0x0800, &outer_ipv4(41, &inner_v6()));
        assert_v6_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn ipv6_tunnel_ipv6_and_ipv4_in_ipv6_are_inner_segment() {
        assert_v6_segment(&segment(LinkType::RAW, &outer_ipv6(41, &inner_v6())));
        // Through a destination options header first.
        let mut body = vec![4, 0, 1, 4, 0, 0, 0, 0];
        body.extend_from_slice(&inner_v4());
        assert_v4_segment(&segment(LinkType::RAW, &outer_ipv6(60, &body)));
    }

    #[test]
    fn ipip_outer_padding_and_fcs_are_trimmed() {
        let mut f = ethernet(&[], 0x0800, &outer_ipv4(4, &inner_v4()));
        f.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn ethernet_fcs_is_not_payload() {
        for (link, mut f) in valid_frames() {
            if link != LinkType::ETHERNET {
                continue;
            }
            f.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
            assert_eq!(segment(link, &f).payload, PAYLOAD);
        }
    }

    #[test]
    fn mpls_single_label_ipv4_is_inner_segment() {
        let f = ethernet(&[], 0x8847, &mpls(&[16], &inner_v4()));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn mpls_label_stack_ipv6_is_inner_segment() {
        let f = ethernet(&[(0x8100, 2)], 0x8848, &mpls(&[100, 200, 300], &inner_v6()));
        assert_v6_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn mpls_pseudowire_control_word_ethernet_is_inner_segment() {
        let mut pw = vec![0, 0, 0, 0];
        pw.extend_from_slice(&ethernet(&[], 0x0800, &inner_v4()));
        let f = ethernet(&[], 0x8847, &mpls(&[1000, 2000], &pw));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn mpls_in_gre_is_inner_segment() {
        let g = gre(0, 0x8847, &mpls(&[42], &inner_v4()));
        let f = ethernet(&[], 0x0800, &outer_ipv4(47, &g));
        assert_v4_segment(&segment(LinkType::ETHERNET, &f));
    }

    #[test]
    fn mpls_no_bottom_of_stack_is_malformed() {
        let mut m = Vec::new();
        for _ in 0..=encap::MAX_MPLS_LABELS {
            m.extend_from_slice(&[0, 0x10, 0x00, 64]);
        }
        let f = ethernet(&[], 0x8847, &m);
        assert_eq!(
            decode(LinkType::ETHERNET, &f),
            Err(Error::Malformed {
                layer: "mpls-depth"
            })
        );
        assert_eq!(
            decode(LinkType::ETHERNET, &f[..14 + 6]),
            Err(Error::Truncated { layer: "mpls" })
        );
    }

    #[test]
    fn mpls_associated_channel_is_none() {
        let f = ethernet(&[], 0x8847, &mpls(&[13], &[0x10, 0, 0, 0x21, 0x45]));
        assert_eq!(decode(LinkType::ETHERNET, &f), Ok(None));
    }

    /// `depth` IP-in-IP headers around the inner TCP packet.
    fn nested_ipip(depth: usize) -> Vec<u8> {
        let mut p = inner_v4();
        for _ in 0..depth {
            p = outer_ipv4(4, &p);
        }
        p
    }

    #[test]
    fn encapsulation_at_max_depth_is_inner_segment() {
        let p = nested_ipip(encap::MAX_ENCAPSULATIONS);
        assert_v4_segment(&segment(LinkType::RAW, &p));
    }

    #[test]
    fn encapsulation_past_max_depth_is_malformed() {
        let p = nested_ipip(encap::MAX_ENCAPSULATIONS + 1);
        assert_eq!(
            decode(LinkType::RAW, &p),
            Err(Error::Malformed {
                layer: "encapsulation-depth"
            })
        );
        // Ethernet bridged in Ethernet (TEB) endlessly: bounded too.
        let mut f = ethernet(&[], 0x0800, &inner_v4());
        for _ in 0..=encap::MAX_ENCAPSULATIONS {
            f = ethernet(&[], 0x6558, &f);
        }
        assert_eq!(
            decode(LinkType::ETHERNET, &f),
            Err(Error::Malformed {
                layer: "encapsulation-depth"
            })
        );
    }

    #[test]
    fn tunnel_inner_fragment_is_fragment() {
        let t = tcp(&[], PAYLOAD);
        let inner = ipv4_with(20 + t.len() as u16, 0x2000, 6, &t);
        let f = ethernet(&[], 0x0800, &outer_ipv4(47, &gre(0, 0x0800, &inner)));
        assert_eq!(decode(LinkType::ETHERNET, &f), Err(Error::Fragment));
    }

    /// One frame per encapsulation, for the robustness tests.
    fn tunnel_frames() -> Vec<(LinkType, Vec<u8>)> {
        let eth4 = ethernet(&[], 0x0800, &inner_v4());
        let mut pw = vec![0, 0, 0, 0];
        pw.extend_from_slice(&eth4);
        let mut h3 = vec![0x20, 0x64, 0x00, 0x01, 0, 0, 0, 9, 0, 0, 0, 0x01];
        h3.extend_from_slice(&[0x08; 8]);
        h3.extend_from_slice(&eth4);
        vec![
            (
                LinkType::ETHERNET,
                ethernet(&[], 0x8864, &pppoe(&[0, 0x21], &inner_v4())),
            ),
            (
                LinkType::ETHERNET,
                ethernet(&[], 0x8847, &mpls(&[1, 2], &pw)),
            ),
            (LinkType::RAW, outer_ipv4(47, &gre(0xb000, 0x6558, &eth4))),
            (LinkType::RAW, outer_ipv4(47, &gre(0x1000, 0x22eb, &h3))),
            (LinkType::RAW, outer_ipv4(17, &vxlan(&eth4))),
            (
                LinkType::RAW,
                outer_ipv6(17, &geneve(&[0; 4], 0x0800, &inner_v4())),
            ),
            (LinkType::RAW, outer_ipv4(41, &inner_v6())),
            (LinkType::RAW, nested_ipip(3)),
        ]
    }

    #[test]
    fn tunnel_every_prefix_never_panics() {
        for (link, frame) in tunnel_frames() {
            assert!(decode(link, &frame).is_ok_and(|s| s.is_some()));
            for len in 0..frame.len() {
                match decode(link, &frame[..len]) {
                    Ok(Some(s)) => assert!(s.truncated, "{link:?} cut at {len}"),
                    Ok(None) | Err(Error::Truncated { .. } | Error::Malformed { .. }) => {}
                    Err(e) => panic!("{link:?} cut at {len}: {e:?}"),
                }
            }
        }
    }

    #[test]
    fn tunnel_random_byte_flips_never_panic() {
        random_flips(0x5eed_1234_abcd_ef01, tunnel_frames(), |link, f| {
            let _ = decode(link, f);
            let mut d = Defrag::new();
            let _ = d.decode(link, f, crate::capture::Timestamp(0));
        });
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
