//! Link layer → the first layer inside it.
//!
//! Input: a frame and its pcap link type (or tlstriage's value for NetMon's
//! 802.11 media type, [`LinkType::NETMON_IEEE802_11`]). Output: the [`Layer`]
//! the link header announces (an Ethernet frame, an EtherType and its bytes,
//! or IPv4/IPv6), `Ok(None)` when the frame carries something other than IP
//! (unknown address families), or an [`Error`] when a link header is cut or
//! impossible.
//! [`untag`] strips 802.1Q/802.1ad tags and Cisco MetaData after an EtherType,
//! wherever one is met (outer frame or a tunnel's inner Ethernet).
//! Invariants: no allocation; every read is bounds-checked; at most
//! [`MAX_VLAN_TAGS`] 802.1Q/802.1ad tags are walked per EtherType.
//! 802.11: only data frames carrying LLC/SNAP are followed; management and
//! control frames, null-data frames, A-MSDU aggregates and frames with the
//! Protected bit (encrypted payload) are `Ok(None)`.
//! Not done here: what an EtherType means (IP, PPPoE, MPLS: `encap.rs`), the
//! IP header itself (a raw-IP frame's version nibble is only used to pick a
//! parser), the Ethernet FCS (the IP length trims it), radiotap and other
//! radio headers, PPP links.

use super::Error;
use super::encap::Layer;
use crate::capture::LinkType;

/// EtherType of an IEEE 802.1Q customer VLAN tag.
const ETHERTYPE_VLAN: u16 = 0x8100;
/// EtherType of an IEEE 802.1ad service tag (QinQ outer tag).
const ETHERTYPE_QINQ: u16 = 0x88a8;
/// Pre-standard QinQ outer tag still emitted by some switches.
const ETHERTYPE_QINQ_OLD: u16 = 0x9100;
/// EtherType of the Cisco MetaData header carrying a TrustSec security group
/// tag: version (1), length (1), option type (2), SGT (2), then the inner
/// EtherType (Wireshark's `cmd` dissector; no public spec).
const ETHERTYPE_CISCO_METADATA: u16 = 0x8909;
/// LLC/SNAP header before an EtherType (IEEE 802.2 DSAP/SSAP 0xAA, UI
/// control 0x03), RFC 1042 encapsulation (OUI 00-00-00).
const SNAP_RFC1042: [u8; 6] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00];
/// LLC/SNAP with the 802.1H bridge-tunnel OUI 00-00-F8 (IEEE 802.1H).
const SNAP_BRIDGE_TUNNEL: [u8; 6] = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0xf8];
/// IEEE 802.11-2020 §9.2.4.1: frame type 2 is Data.
const IEEE80211_TYPE_DATA: u8 = 2;
/// Frame Control flags byte (IEEE 802.11-2020 §9.2.4.1.1): To DS, From DS,
/// Protected Frame, +HTC/Order.
const IEEE80211_TO_DS: u8 = 0x01;
const IEEE80211_FROM_DS: u8 = 0x02;
const IEEE80211_PROTECTED: u8 = 0x40;
const IEEE80211_ORDER: u8 = 0x80;
/// Data subtypes with bit 2 set carry no frame body (Null, QoS Null…);
/// bit 3 marks QoS subtypes (IEEE 802.11-2020 Table 9-1).
const IEEE80211_SUBTYPE_NO_DATA: u8 = 0x4;
const IEEE80211_SUBTYPE_QOS: u8 = 0x8;
/// QoS Control bit 7: A-MSDU Present (IEEE 802.11-2020 §9.2.4.5.9).
const IEEE80211_QOS_AMSDU: u8 = 0x80;
/// The NetMon 802.11 metadata header: version u8, length u16 LE, op mode,
/// flags, PHY type, channel, RSSI, rate, timestamp — 32 bytes in version 2
/// (Wireshark `packet-ieee80211-netmon.c`). The MAC frame starts at `length`.
const NETMON_80211_MIN_LEN: usize = 32;

/// More stacked tags than any real network uses (QinQ is 2): a frame past this
/// is treated as malformed instead of being walked further.
pub(super) const MAX_VLAN_TAGS: usize = 8;

/// AF_INET, identical on every OS.
const AF_INET: u32 = 2;
/// AF_INET6 on Linux.
const AF_INET6_LINUX: u32 = 10;
/// AF_INET6 on NetBSD, OpenBSD (and Npcap's loopback).
const AF_INET6_BSD: u32 = 24;
/// AF_INET6 on FreeBSD and DragonFly.
const AF_INET6_FREEBSD: u32 = 28;
/// AF_INET6 on macOS and iOS.
const AF_INET6_DARWIN: u32 = 30;

/// The result of stripping a link header.
type Stripped<'a> = Result<Option<Layer<'a>>, Error>;

/// Strips the link header of `data`, framed as `link`.
pub(super) fn strip(link: LinkType, data: &[u8]) -> Stripped<'_> {
    match link {
        LinkType::ETHERNET => Ok(Some(Layer::Ethernet(data))),
        LinkType::LINUX_SLL => sll(data),
        LinkType::LINUX_SLL2 => sll2(data),
        LinkType::NULL => null(data),
        LinkType::LOOP => loopback(data),
        LinkType::RAW | LinkType::RAW_OLD_12 | LinkType::RAW_OLD_14 => raw(data),
        LinkType::IPV4 => Ok(Some(Layer::Ipv4(data))),
        LinkType::IPV6 => Ok(Some(Layer::Ipv6(data))),
        LinkType::IEEE802_11 => ieee802_11(data),
        LinkType::NETMON_IEEE802_11 => netmon_802_11(data),
        LinkType(other) => Err(Error::UnsupportedLink(other)),
    }
}

/// NetMon's 802.11 media type: skip the metadata header its `length` field
/// spans, then an 802.11 MAC frame.
fn netmon_802_11(data: &[u8]) -> Stripped<'_> {
    let Some(len) = data.get(1..3) else {
        return Err(Error::Truncated {
            layer: "netmon-802.11",
        });
    };
    let len = usize::from(u16::from_le_bytes([len[0], len[1]]));
    if len < NETMON_80211_MIN_LEN {
        return Err(Error::Malformed {
            layer: "netmon-802.11-length",
        });
    }
    match data.get(len..) {
        Some(frame) => ieee802_11(frame),
        None => Err(Error::Truncated {
            layer: "netmon-802.11",
        }),
    }
}

/// An 802.11 MAC frame (IEEE 802.11-2020 §9.2/§9.3.2.1): Frame Control (2),
/// Duration (2), Address 1–3 (18), Sequence Control (2), Address 4 (6) when
/// both To DS and From DS are set, QoS Control (2) in QoS subtypes, HT Control
/// (4) when a QoS frame has the +HTC/Order bit; then the body, LLC/SNAP and an
/// EtherType.
fn ieee802_11(data: &[u8]) -> Stripped<'_> {
    let Some(&[fc0, fc1]) = data.first_chunk::<2>() else {
        return Err(Error::Truncated { layer: "802.11" });
    };
    if fc0 & 0x03 != 0 {
        return Err(Error::Malformed {
            layer: "802.11-version",
        });
    }
    let subtype = fc0 >> 4;
    if (fc0 >> 2) & 0x03 != IEEE80211_TYPE_DATA
        || subtype & IEEE80211_SUBTYPE_NO_DATA != 0
        || fc1 & IEEE80211_PROTECTED != 0
    {
        return Ok(None);
    }
    let mut header = 24;
    if fc1 & (IEEE80211_TO_DS | IEEE80211_FROM_DS) == IEEE80211_TO_DS | IEEE80211_FROM_DS {
        header += 6;
    }
    let qos_at = header;
    if subtype & IEEE80211_SUBTYPE_QOS != 0 {
        header += 2;
        if fc1 & IEEE80211_ORDER != 0 {
            header += 4;
        }
        match data.get(qos_at) {
            Some(q) if q & IEEE80211_QOS_AMSDU != 0 => return Ok(None),
            _ => {}
        }
    }
    let Some(body) = data.get(header..) else {
        return Err(Error::Truncated { layer: "802.11" });
    };
    match body.split_first_chunk::<8>() {
        Some((llc, rest)) if llc[..6] == SNAP_RFC1042 || llc[..6] == SNAP_BRIDGE_TUNNEL => Ok(
            Some(Layer::EtherType(u16::from_be_bytes([llc[6], llc[7]]), rest)),
        ),
        Some(_) => Ok(None),
        None if body.len() >= 3 && body[..3] != SNAP_RFC1042[..3] => Ok(None),
        None => Err(Error::Truncated { layer: "llc-snap" }),
    }
}

/// Ethernet II: destination (6), source (6), EtherType (2).
pub(super) fn ethernet(data: &[u8]) -> Result<Layer<'_>, Error> {
    let Some((header, rest)) = data.split_first_chunk::<14>() else {
        return Err(Error::Truncated { layer: "ethernet" });
    };
    Ok(Layer::EtherType(
        u16::from_be_bytes([header[12], header[13]]),
        rest,
    ))
}

/// Linux cooked capture v1: packet type (2), ARPHRD type (2), address length
/// (2), address (8), protocol (2). The protocol is an EtherType for every
/// device that carries IP.
fn sll(data: &[u8]) -> Stripped<'_> {
    let Some((header, rest)) = data.split_first_chunk::<16>() else {
        return Err(Error::Truncated { layer: "sll" });
    };
    Ok(Some(Layer::EtherType(
        u16::from_be_bytes([header[14], header[15]]),
        rest,
    )))
}

/// Linux cooked capture v2: protocol (2), reserved (2), interface index (4),
/// ARPHRD type (2), packet type (1), address length (1), address (8).
fn sll2(data: &[u8]) -> Stripped<'_> {
    let Some((header, rest)) = data.split_first_chunk::<20>() else {
        return Err(Error::Truncated { layer: "sll2" });
    };
    Ok(Some(Layer::EtherType(
        u16::from_be_bytes([header[0], header[1]]),
        rest,
    )))
}

/// BSD loopback (DLT_NULL): a 4-byte address family in the byte order of the
/// host that wrote the file, which the file does not record. Address families
/// are small numbers, so of the two readings the smaller one is the real one.
fn null(data: &[u8]) -> Stripped<'_> {
    let Some((family, rest)) = data.split_first_chunk::<4>() else {
        return Err(Error::Truncated { layer: "null" });
    };
    let family = u32::from_le_bytes(*family).min(u32::from_be_bytes(*family));
    Ok(address_family(family, rest))
}

/// OpenBSD loopback (DLT_LOOP): like NULL, but the family is always big-endian.
fn loopback(data: &[u8]) -> Stripped<'_> {
    let Some((family, rest)) = data.split_first_chunk::<4>() else {
        return Err(Error::Truncated { layer: "loop" });
    };
    Ok(address_family(u32::from_be_bytes(*family), rest))
}

/// Maps an OS address family to the IP version it names.
fn address_family(family: u32, rest: &[u8]) -> Option<Layer<'_>> {
    match family {
        AF_INET => Some(Layer::Ipv4(rest)),
        AF_INET6_LINUX | AF_INET6_BSD | AF_INET6_FREEBSD | AF_INET6_DARWIN => {
            Some(Layer::Ipv6(rest))
        }
        _ => None,
    }
}

/// Raw IP without a link header: the version nibble (RFC 791 §3.1, RFC 8200
/// §3) says which.
fn raw(data: &[u8]) -> Stripped<'_> {
    match data.first().map(|b| b >> 4) {
        None => Err(Error::Truncated { layer: "ip" }),
        Some(4) => Ok(Some(Layer::Ipv4(data))),
        Some(6) => Ok(Some(Layer::Ipv6(data))),
        Some(_) => Err(Error::Malformed {
            layer: "ip-version",
        }),
    }
}

/// Follows an EtherType through any stacked VLAN tags (IEEE 802.1Q: TCI (2),
/// inner EtherType (2)) and Cisco MetaData headers to the EtherType they tag.
pub(super) fn untag(mut kind: u16, mut rest: &[u8]) -> Result<(u16, &[u8]), Error> {
    for _ in 0..=MAX_VLAN_TAGS {
        match kind {
            ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_QINQ_OLD => {
                let Some((tag, inner)) = rest.split_first_chunk::<4>() else {
                    return Err(Error::Truncated { layer: "vlan" });
                };
                kind = u16::from_be_bytes([tag[2], tag[3]]);
                rest = inner;
            }
            ETHERTYPE_CISCO_METADATA => {
                let Some((cmd, inner)) = rest.split_first_chunk::<8>() else {
                    return Err(Error::Truncated {
                        layer: "cisco-metadata",
                    });
                };
                kind = u16::from_be_bytes([cmd[6], cmd[7]]);
                rest = inner;
            }
            _ => return Ok((kind, rest)),
        }
    }
    Err(Error::Malformed {
        layer: "vlan-depth",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const IP4: [u8; 2] = [0x45, 0x00];

    #[derive(Debug, PartialEq, Eq)]
    enum Network {
        Ipv4,
        Ipv6,
    }

    /// Strips the link header and any tags down to IP.
    fn resolve(link: LinkType, data: &[u8]) -> Result<Option<(Network, Vec<u8>)>, Error> {
        let Some(mut layer) = strip(link, data)? else {
            return Ok(None);
        };
        loop {
            layer = match layer {
                Layer::Ethernet(d) => ethernet(d)?,
                Layer::EtherType(kind, rest) => {
                    let (kind, rest) = untag(kind, rest)?;
                    return Ok(match kind {
                        0x0800 => Some((Network::Ipv4, rest.to_vec())),
                        0x86dd => Some((Network::Ipv6, rest.to_vec())),
                        _ => None,
                    });
                }
                Layer::Ipv4(d) => return Ok(Some((Network::Ipv4, d.to_vec()))),
                Layer::Ipv6(d) => return Ok(Some((Network::Ipv6, d.to_vec()))),
                Layer::Ip(_) => return Ok(None),
            };
        }
    }

    fn strip_ok(link: LinkType, data: &[u8]) -> (Network, Vec<u8>) {
        resolve(link, data).expect("decodes").expect("is IP")
    }

    #[test]
    fn ethernet_ipv4_strips_14_bytes() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x08, 0x00]);
        f.extend_from_slice(&IP4);
        assert_eq!(
            strip_ok(LinkType::ETHERNET, &f),
            (Network::Ipv4, IP4.to_vec())
        );
    }

    #[test]
    fn ethernet_8023_length_is_none() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x00, 0x2e, 0xaa, 0xaa, 0x03]);
        assert_eq!(resolve(LinkType::ETHERNET, &f), Ok(None));
    }

    #[test]
    fn ethernet_short_header_is_truncated() {
        assert_eq!(
            resolve(LinkType::ETHERNET, &[0u8; 13]),
            Err(Error::Truncated { layer: "ethernet" })
        );
    }

    #[test]
    fn cisco_metadata_sgt_header_is_skipped() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x89, 0x09, 0x01, 0x01, 0x00, 0x01, 0x00, 0x02, 0x08, 0x00]);
        f.extend_from_slice(&IP4);
        let (net, rest) = strip_ok(LinkType::ETHERNET, &f);
        assert_eq!(net, Network::Ipv4);
        assert_eq!(rest, IP4);
        assert_eq!(
            resolve(LinkType::ETHERNET, &f[..18]),
            Err(Error::Truncated {
                layer: "cisco-metadata"
            })
        );
    }

    #[test]
    fn vlan_old_qinq_tag_is_followed() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x91, 0x00, 0x00, 0x0a, 0x86, 0xdd, 0x60]);
        assert_eq!(
            strip_ok(LinkType::ETHERNET, &f),
            (Network::Ipv6, vec![0x60])
        );
    }

    #[test]
    fn vlan_too_many_tags_is_malformed() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x81, 0x00]);
        for _ in 0..=MAX_VLAN_TAGS {
            f.extend_from_slice(&[0x00, 0x01, 0x81, 0x00]);
        }
        assert_eq!(
            resolve(LinkType::ETHERNET, &f),
            Err(Error::Malformed {
                layer: "vlan-depth"
            })
        );
    }

    #[test]
    fn vlan_max_tags_is_decoded() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x81, 0x00]);
        for i in 0..MAX_VLAN_TAGS {
            let inner = if i + 1 == MAX_VLAN_TAGS {
                [0x08, 0x00]
            } else {
                [0x81, 0x00]
            };
            f.extend_from_slice(&[0x00, 0x01, inner[0], inner[1]]);
        }
        f.extend_from_slice(&IP4);
        assert_eq!(strip_ok(LinkType::ETHERNET, &f).0, Network::Ipv4);
    }

    #[test]
    fn vlan_cut_tag_is_truncated() {
        let mut f = vec![0u8; 12];
        f.extend_from_slice(&[0x81, 0x00, 0x00, 0x01, 0x08]);
        assert_eq!(
            resolve(LinkType::ETHERNET, &f),
            Err(Error::Truncated { layer: "vlan" })
        );
    }

    #[test]
    fn null_unknown_family_is_none() {
        assert_eq!(resolve(LinkType::NULL, &[7, 0, 0, 0, 0x45]), Ok(None));
    }

    #[test]
    fn null_each_ipv6_family_both_orders_is_ipv6() {
        for af in [10u32, 24, 28, 30] {
            for header in [af.to_le_bytes(), af.to_be_bytes()] {
                let mut f = header.to_vec();
                f.push(0x60);
                assert_eq!(strip_ok(LinkType::NULL, &f), (Network::Ipv6, vec![0x60]));
            }
        }
    }

    #[test]
    fn loop_little_endian_family_is_none() {
        assert_eq!(resolve(LinkType::LOOP, &[2, 0, 0, 0, 0x45]), Ok(None));
    }

    #[test]
    fn raw_bad_version_is_malformed() {
        assert_eq!(
            resolve(LinkType::RAW, &[0x55]),
            Err(Error::Malformed {
                layer: "ip-version"
            })
        );
        assert_eq!(
            resolve(LinkType::RAW_OLD_14, &[]),
            Err(Error::Truncated { layer: "ip" })
        );
    }

    #[test]
    fn sll_non_ethertype_protocol_is_none() {
        let mut f = vec![0u8; 14];
        f.extend_from_slice(&[0x00, 0x04, 0xaa]); // ETH_P_802_2
        assert_eq!(resolve(LinkType::LINUX_SLL, &f), Ok(None));
    }

    #[test]
    fn unknown_link_is_unsupported() {
        assert_eq!(
            resolve(LinkType(127), &[0u8; 40]),
            Err(Error::UnsupportedLink(127))
        );
    }

    /// An 802.11 data frame: Frame Control (`subtype`, `flags`), duration,
    /// three addresses, sequence control, then `extra` header bytes (Address 4,
    /// QoS, HT Control) and an LLC/SNAP header with `ethertype`, then `body`.
    fn wifi(subtype: u8, flags: u8, extra: &[u8], ethertype: u16, body: &[u8]) -> Vec<u8> {
        let mut f = vec![(subtype << 4) | (IEEE80211_TYPE_DATA << 2), flags, 0, 0];
        f.extend_from_slice(&[0x02; 18]);
        f.extend_from_slice(&[0x10, 0x00]);
        f.extend_from_slice(extra);
        f.extend_from_slice(&SNAP_RFC1042);
        f.extend_from_slice(&ethertype.to_be_bytes());
        f.extend_from_slice(body);
        f
    }

    #[test]
    fn ieee80211_data_frame_strips_mac_and_snap() {
        let f = wifi(0, IEEE80211_TO_DS, &[], 0x0800, &IP4);
        assert_eq!(
            strip_ok(LinkType::IEEE802_11, &f),
            (Network::Ipv4, IP4.to_vec())
        );
    }

    #[test]
    fn ieee80211_qos_four_address_ht_control_are_skipped() {
        // Address 4 (6), QoS Control (2), HT Control (4).
        let mut extra = vec![0x04; 6];
        extra.extend_from_slice(&[0x00, 0x00, 1, 2, 3, 4]);
        let flags = IEEE80211_TO_DS | IEEE80211_FROM_DS | IEEE80211_ORDER;
        let f = wifi(IEEE80211_SUBTYPE_QOS, flags, &extra, 0x86dd, &[0x60]);
        assert_eq!(
            strip_ok(LinkType::IEEE802_11, &f),
            (Network::Ipv6, vec![0x60])
        );
        // QoS without the Order bit: no HT Control.
        let f = wifi(IEEE80211_SUBTYPE_QOS, 0, &[0, 0], 0x0800, &IP4);
        assert_eq!(strip_ok(LinkType::IEEE802_11, &f).0, Network::Ipv4);
    }

    #[test]
    fn ieee80211_protected_null_amsdu_and_management_are_none() {
        let protected = wifi(0, IEEE80211_PROTECTED, &[], 0x0800, &IP4);
        assert_eq!(resolve(LinkType::IEEE802_11, &protected), Ok(None));
        let null = wifi(IEEE80211_SUBTYPE_NO_DATA, 0, &[], 0x0800, &IP4);
        assert_eq!(resolve(LinkType::IEEE802_11, &null), Ok(None));
        let amsdu = wifi(IEEE80211_SUBTYPE_QOS, 0, &[0x80, 0], 0x0800, &IP4);
        assert_eq!(resolve(LinkType::IEEE802_11, &amsdu), Ok(None));
        let mut beacon = wifi(0, 0, &[], 0x0800, &IP4);
        beacon[0] = 0x80; // type 0 (management), subtype 8
        assert_eq!(resolve(LinkType::IEEE802_11, &beacon), Ok(None));
    }

    #[test]
    fn ieee80211_cut_header_and_bad_version_are_errors() {
        let f = wifi(0, 0, &[], 0x0800, &IP4);
        assert_eq!(
            resolve(LinkType::IEEE802_11, &f[..20]),
            Err(Error::Truncated { layer: "802.11" })
        );
        assert_eq!(
            resolve(LinkType::IEEE802_11, &f[..28]),
            Err(Error::Truncated { layer: "llc-snap" })
        );
        let mut v1 = f;
        v1[0] |= 1;
        assert_eq!(
            resolve(LinkType::IEEE802_11, &v1),
            Err(Error::Malformed {
                layer: "802.11-version"
            })
        );
    }

    #[test]
    fn netmon_80211_metadata_header_is_skipped() {
        let mut meta = vec![2u8, 32, 0];
        meta.resize(32, 0xff);
        let mut f = meta.clone();
        f.extend_from_slice(&wifi(0, IEEE80211_FROM_DS, &[], 0x0800, &IP4));
        assert_eq!(
            strip_ok(LinkType::NETMON_IEEE802_11, &f),
            (Network::Ipv4, IP4.to_vec())
        );
        assert_eq!(
            resolve(LinkType::NETMON_IEEE802_11, &meta[..20]),
            Err(Error::Truncated {
                layer: "netmon-802.11"
            })
        );
        let mut short = f;
        short[1] = 8;
        assert_eq!(
            resolve(LinkType::NETMON_IEEE802_11, &short),
            Err(Error::Malformed {
                layer: "netmon-802.11-length"
            })
        );
    }
}
