//! Tunnels and IP fragments around real handshakes: every fixture capture's
//! IP packets are wrapped in each encapsulation (or cut into IP fragments),
//! written as a new pcap, and analyzed; the handshake records must be the
//! ones of the unwrapped capture.
//!
//! Tunnels keep one frame per frame, so the records must be identical. IP
//! fragments add frames: the original frame numbers are mapped to the frame
//! of the fragment that completed the datagram (what Wireshark shows), in
//! numeric fields and in "frame N" inside messages, and must then be equal.

use std::collections::HashMap;

use serde_json::Value;

use crate::support::{self, PcapWriter};

/// LINKTYPE_ETHERNET.
const ETHERNET: u16 = 1;

fn ethernet(ethertype: u16, body: &[u8]) -> Vec<u8> {
    let mut f = vec![0x02, 0, 0, 0, 0, 0xaa, 0x02, 0, 0, 0, 0, 0xbb];
    f.extend_from_slice(&ethertype.to_be_bytes());
    f.extend_from_slice(body);
    f
}

fn ethertype_of(ip: &[u8]) -> u16 {
    if ip.first().is_some_and(|b| b >> 4 == 6) {
        0x86dd
    } else {
        0x0800
    }
}

/// IP protocol number for IP-in-IP of this version (RFC 2003 / RFC 4213).
fn ipip_proto(ip: &[u8]) -> u8 {
    if ethertype_of(ip) == 0x86dd { 41 } else { 4 }
}

/// The IP packet of an Ethernet frame (after any VLAN tags), if it is IP.
fn ip_of(frame: &[u8]) -> Option<&[u8]> {
    let mut at = 12;
    loop {
        let kind = u16::from_be_bytes([*frame.get(at)?, *frame.get(at + 1)?]);
        match kind {
            0x8100 | 0x88a8 => at += 4,
            0x0800 | 0x86dd => return frame.get(at + 2..),
            _ => return None,
        }
    }
}

/// Tunnel endpoints' IPv4 header (10.200.0.1 → 10.200.0.2) around `body`.
fn outer4(proto: u8, body: &[u8]) -> Vec<u8> {
    let mut p = vec![0x45, 0];
    p.extend_from_slice(&u16::try_from(20 + body.len()).unwrap().to_be_bytes());
    p.extend_from_slice(&[0, 0, 0x40, 0, 64, proto, 0, 0, 10, 200, 0, 1, 10, 200, 0, 2]);
    p.extend_from_slice(body);
    p
}

/// Tunnel endpoints' IPv6 header (fd00::1 → fd00::2) around `body`.
fn outer6(next: u8, body: &[u8]) -> Vec<u8> {
    let mut p = vec![0x60, 0, 0, 0];
    p.extend_from_slice(&u16::try_from(body.len()).unwrap().to_be_bytes());
    p.extend_from_slice(&[next, 64]);
    for last in [1, 2] {
        p.extend_from_slice(&[0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, last]);
    }
    p.extend_from_slice(body);
    p
}

/// GRE (RFC 2784/2890) with `flags`, optional fields filled.
fn gre(flags: u16, proto: u16, body: &[u8]) -> Vec<u8> {
    let mut g = flags.to_be_bytes().to_vec();
    g.extend_from_slice(&proto.to_be_bytes());
    for bit in [0x8000, 0x2000, 0x1000] {
        if flags & bit != 0 {
            g.extend_from_slice(&[0, 0, 0, 7]);
        }
    }
    g.extend_from_slice(body);
    g
}

fn udp(dport: u16, body: &[u8]) -> Vec<u8> {
    let mut u = vec![0xc0, 0x01];
    u.extend_from_slice(&dport.to_be_bytes());
    u.extend_from_slice(&u16::try_from(8 + body.len()).unwrap().to_be_bytes());
    u.extend_from_slice(&[0, 0]);
    u.extend_from_slice(body);
    u
}

fn vxlan(frame: &[u8]) -> Vec<u8> {
    let mut v = vec![0x08, 0, 0, 0, 0, 0, 0x2a, 0];
    v.extend_from_slice(frame);
    udp(4789, &v)
}

fn mpls(labels: &[u32], body: &[u8]) -> Vec<u8> {
    let mut m = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        let bos = u32::from(i + 1 == labels.len());
        m.extend_from_slice(&((label << 12) | (bos << 8) | 64).to_be_bytes());
    }
    m.extend_from_slice(body);
    m
}

/// A pseudowire control word (RFC 4385) and an Ethernet frame around `ip`.
fn pw_ethernet(ip: &[u8]) -> Vec<u8> {
    let mut pw = vec![0, 0, 0, 0];
    pw.extend_from_slice(&ethernet(ethertype_of(ip), ip));
    pw
}

type Wrap = fn(&[u8]) -> Vec<u8>;

/// Each encapsulation: a name and how it wraps an IP packet into an
/// Ethernet frame.
fn tunnels() -> Vec<(&'static str, Wrap)> {
    vec![
        ("pppoe-vlan", |ip| {
            let ppp: u16 = if ethertype_of(ip) == 0x86dd {
                0x0057
            } else {
                0x0021
            };
            let mut s = vec![0x11, 0, 0, 1];
            s.extend_from_slice(&u16::try_from(2 + ip.len()).unwrap().to_be_bytes());
            s.extend_from_slice(&ppp.to_be_bytes());
            s.extend_from_slice(ip);
            let mut tagged = vec![0, 100, 0x88, 0x64];
            tagged.extend_from_slice(&s);
            ethernet(0x8100, &tagged)
        }),
        ("gre-key-seq", |ip| {
            ethernet(0x0800, &outer4(47, &gre(0x3000, ethertype_of(ip), ip)))
        }),
        ("gre-teb-over-ipv6", |ip| {
            let inner = ethernet(ethertype_of(ip), ip);
            ethernet(0x86dd, &outer6(47, &gre(0x8000, 0x6558, &inner)))
        }),
        ("erspan-ii", |ip| {
            let mut e = vec![0x10, 0x01, 0x00, 0x05, 0, 0, 0, 0];
            e.extend_from_slice(&ethernet(ethertype_of(ip), ip));
            ethernet(0x0800, &outer4(47, &gre(0x1000, 0x88be, &e)))
        }),
        ("erspan-iii", |ip| {
            let mut e = vec![0x20, 0x01, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 0];
            e.extend_from_slice(&ethernet(ethertype_of(ip), ip));
            ethernet(0x0800, &outer4(47, &gre(0x1000, 0x22eb, &e)))
        }),
        ("vxlan", |ip| {
            ethernet(0x0800, &outer4(17, &vxlan(&ethernet(ethertype_of(ip), ip))))
        }),
        ("geneve-ip-over-ipv6", |ip| {
            // One 8-byte option, protocol type = the inner IP's EtherType.
            let mut g = vec![2, 0];
            g.extend_from_slice(&ethertype_of(ip).to_be_bytes());
            g.extend_from_slice(&[0, 0, 0x2a, 0, 0x01, 0x02, 0x80, 0x01, 1, 2, 3, 4]);
            g.extend_from_slice(ip);
            ethernet(0x86dd, &outer6(17, &udp(6081, &g)))
        }),
        ("ip-in-ipv4", |ip| {
            ethernet(0x0800, &outer4(ipip_proto(ip), ip))
        }),
        ("ip-in-ipv6", |ip| {
            ethernet(0x86dd, &outer6(ipip_proto(ip), ip))
        }),
        ("mpls", |ip| ethernet(0x8847, &mpls(&[100, 200], ip))),
        ("mpls-pseudowire", |ip| {
            ethernet(0x8847, &mpls(&[300], &pw_ethernet(ip)))
        }),
        ("nested-mpls-gre-vxlan", |ip| {
            let vx = ethernet(0x0800, &outer4(17, &vxlan(&ethernet(ethertype_of(ip), ip))));
            let g = ethernet(0x0800, &outer4(47, &gre(0, 0x6558, &vx)));
            let mut pw = vec![0, 0, 0, 0];
            pw.extend_from_slice(&g);
            ethernet(0x8847, &mpls(&[1, 2], &pw))
        }),
        ("ethernet-fcs", |ip| {
            let mut f = ethernet(ethertype_of(ip), ip);
            f.extend_from_slice(&[0xde, 0xad, 0xbe, 0xef]);
            f
        }),
    ]
}

/// Fragment payload size: a multiple of 8 (RFC 791 §3.2), small enough that
/// ClientHellos and certificates are cut in several pieces.
const PIECE: usize = 296;

/// `ip` cut into fragments of [`PIECE`] bytes (IPv4 MF/offset, or an IPv6
/// Fragment header), or `ip` itself when it fits in one.
fn fragments(ip: &[u8], id: u32) -> Vec<Vec<u8>> {
    if ethertype_of(ip) == 0x86dd {
        let plen = usize::from(u16::from_be_bytes([ip[4], ip[5]]));
        let body = &ip[40..(40 + plen).min(ip.len())];
        if body.len() <= PIECE {
            return vec![ip.to_vec()];
        }
        let chunks: Vec<&[u8]> = body.chunks(PIECE).collect();
        let n = chunks.len();
        return chunks
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let mut p = ip[..40].to_vec();
                p[4..6].copy_from_slice(&u16::try_from(8 + c.len()).unwrap().to_be_bytes());
                p[6] = 44;
                let off_m = u16::try_from(i * PIECE).unwrap() | u16::from(i + 1 < n);
                p.extend_from_slice(&[ip[6], 0]);
                p.extend_from_slice(&off_m.to_be_bytes());
                p.extend_from_slice(&id.to_be_bytes());
                p.extend_from_slice(c);
                p
            })
            .collect();
    }
    let ihl = usize::from(ip[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([ip[2], ip[3]]));
    let end = if total == 0 {
        ip.len()
    } else {
        total.min(ip.len())
    };
    let body = &ip[ihl..end];
    if body.len() <= PIECE {
        return vec![ip.to_vec()];
    }
    let chunks: Vec<&[u8]> = body.chunks(PIECE).collect();
    let n = chunks.len();
    chunks
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut p = ip[..ihl].to_vec();
            p[2..4].copy_from_slice(&u16::try_from(ihl + c.len()).unwrap().to_be_bytes());
            p[4..6].copy_from_slice(&(id as u16).to_be_bytes());
            let frag = u16::try_from(i * PIECE / 8).unwrap() | if i + 1 < n { 0x2000 } else { 0 };
            p[6..8].copy_from_slice(&frag.to_be_bytes());
            p.extend_from_slice(c);
            p
        })
        .collect()
}

/// How the fragments of one packet are written.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Order {
    Forward,
    Reversed,
    /// Each fragment twice: the duplicates of the last fragment follow the
    /// completed datagram and start a new one that never completes.
    Duplicated,
}

/// Rewrites a capture: `wrap` turns each frame's IP packet into frames.
/// Returns the pcap and, per original frame number, the new frame number
/// under which its packet is complete.
fn rewrite(
    frames: &[(i64, u16, Vec<u8>)],
    wrap: &mut dyn FnMut(&[u8]) -> Vec<Vec<u8>>,
) -> (Vec<u8>, HashMap<u64, u64>) {
    let mut w = PcapWriter::new(u32::from(ETHERNET));
    let mut map = HashMap::new();
    let mut n = 0u64;
    for (i, (ts, link, data)) in frames.iter().enumerate() {
        assert_eq!(*link, ETHERNET, "fixtures are Ethernet");
        let out = match ip_of(data) {
            Some(ip) => wrap(ip),
            None => vec![data.clone()],
        };
        for f in &out {
            n += 1;
            w.packet(*ts, f);
        }
        map.insert(i as u64 + 1, n);
    }
    (w.bytes, map)
}

/// The handshake records of an analysis, and its summary.
fn analyze(bytes: &[u8]) -> (Vec<Value>, Value) {
    let lines = support::analyze_bytes(bytes, "capture").expect("opens");
    let hs = support::handshakes(&lines).into_iter().cloned().collect();
    (hs, support::summary(&lines).clone())
}

/// `v` with every frame number mapped through `map`.
fn remap(v: &Value, map: &HashMap<u64, u64>) -> Value {
    let frame = |n: &Value| match n.as_u64() {
        Some(n) => Value::from(*map.get(&n).unwrap_or(&n)),
        None => n.clone(),
    };
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    let x = match k.as_str() {
                        k if k == "frame" || k.ends_with("_frame") => frame(x),
                        "frames" => match x.as_array() {
                            Some(a) => Value::Array(a.iter().map(frame).collect()),
                            None => x.clone(),
                        },
                        _ => remap(x, map),
                    };
                    (k.clone(), x)
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(|x| remap(x, map)).collect()),
        Value::String(s) => Value::String(remap_text(s, map)),
        other => other.clone(),
    }
}

/// "frame 12" → "frame <map[12]>" in prose.
fn remap_text(s: &str, map: &HashMap<u64, u64>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("frame ") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        match rest[..digits].parse::<u64>() {
            Ok(n) => out.push_str(&map.get(&n).unwrap_or(&n).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

fn decode_anomalies(summary: &Value) -> Vec<String> {
    summary["anomalies"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["kind"].as_str())
                .filter(|k| !k.starts_with("tls-"))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn encap_every_tunnel_keeps_fixture_verdicts() {
    let cases = support::fixture_captures();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    let mut checked = 0;
    for (_, capture) in &cases {
        let frames = support::read_frames(capture);
        let original = std::fs::read(capture).unwrap();
        let (want, want_summary) = analyze(&original);
        for (name, wrap) in tunnels() {
            let (bytes, _) = rewrite(&frames, &mut |ip| vec![wrap(ip)]);
            let (got, summary) = analyze(&bytes);
            checked += 1;
            if got != want {
                failures.push(format!(
                    "{} in {name}: handshakes differ",
                    capture.display()
                ));
            }
            if summary["tcp_frames"] != want_summary["tcp_frames"]
                || decode_anomalies(&summary) != decode_anomalies(&want_summary)
            {
                failures.push(format!(
                    "{} in {name}: tcp_frames {} (want {}), anomalies {:?}",
                    capture.display(),
                    summary["tcp_frames"],
                    want_summary["tcp_frames"],
                    summary["anomalies"]
                ));
            }
        }
    }
    eprintln!("encap: {checked} wrapped captures compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn encap_ip_fragments_keep_fixture_verdicts() {
    let cases = support::fixture_captures();
    let mut failures = Vec::new();
    let mut reassembled = 0;
    for (_, capture) in &cases {
        let frames = support::read_frames(capture);
        let original = std::fs::read(capture).unwrap();
        let (want, _) = analyze(&original);
        let variants: [(&str, Order, bool); 4] = [
            ("in order", Order::Forward, false),
            ("reversed", Order::Reversed, false),
            ("duplicated", Order::Duplicated, false),
            ("fragmented GRE tunnel", Order::Forward, true),
        ];
        for (name, order, tunnel) in variants {
            let mut id = 0u32;
            let mut packets = 0u64;
            let (bytes, map) = rewrite(&frames, &mut |ip| {
                id += 1;
                let ip = if tunnel {
                    outer4(47, &gre(0x2000, ethertype_of(ip), ip))
                } else {
                    ip.to_vec()
                };
                let mut pieces = fragments(&ip, id);
                if pieces.len() > 1 {
                    packets += 1;
                }
                match order {
                    Order::Forward => {}
                    Order::Reversed => pieces.reverse(),
                    Order::Duplicated if pieces.len() > 1 => {
                        pieces = pieces.into_iter().flat_map(|p| [p.clone(), p]).collect();
                    }
                    Order::Duplicated => {}
                }
                let outer = if tunnel { 0x0800 } else { ethertype_of(&ip) };
                pieces.iter().map(|p| ethernet(outer, p)).collect()
            });
            let (got, summary) = analyze(&bytes);
            // Reassembled payloads are copied when frames are handed from
            // the reading thread; the rest stay in the reader's buffer.
            if support::json_output(&bytes, true) != support::json_output(&bytes, false) {
                failures.push(format!(
                    "{} {name}: the reading thread changes the output",
                    capture.display()
                ));
            }
            let mut map = map;
            if order == Order::Duplicated {
                // The duplicate of the last fragment follows the completing
                // one: the datagram is complete one frame earlier.
                for (k, v) in map.iter_mut() {
                    if ip_of(&frames[*k as usize - 1].2)
                        .is_some_and(|ip| fragments(ip, 0).len() > 1)
                    {
                        *v -= 1;
                    }
                }
            }
            let want = remap(&Value::Array(want.clone()), &map);
            let d = &summary["defrag"];
            reassembled += d["reassembled"].as_u64().unwrap_or(0);
            if Value::Array(got.clone()) != want {
                failures.push(format!(
                    "{} {name}: handshakes differ\n--- got ---\n{}\n--- want ---\n{}",
                    capture.display(),
                    serde_json::to_string_pretty(&got).unwrap(),
                    serde_json::to_string_pretty(&want).unwrap()
                ));
            }
            let dropped = ["invalid_fragments", "inconsistent_datagrams", "evicted"]
                .iter()
                .map(|k| d[k].as_u64().unwrap_or(0))
                .sum::<u64>();
            if d["reassembled"].as_u64().unwrap_or(0) != packets || dropped != 0 {
                failures.push(format!(
                    "{} {name}: {packets} fragmented packets, defrag {d}",
                    capture.display()
                ));
            }
        }
    }
    eprintln!("encap: {reassembled} datagrams reassembled across fixtures");
    assert!(reassembled > 0, "no fixture packet was fragmented");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The shared corpus's tunnel captures (ja4's GRE and Geneve samples, SSH
/// inside): every TCP frame decodes to the inner connection the corpus
/// reference names, as many frames as `tshark -Y tcp` counts (tshark 4.0.17:
/// 22 and 33). Skipped when the corpus is absent.
#[test]
fn encap_corpus_tunnel_captures_decode_inner_connection() {
    let corpus = support::root().join("../shared/corpus");
    let cases = [
        (
            "ja4/pcap/gre-sample.pcap",
            "66.59.111.190:40264",
            "172.28.2.3:22",
            22,
        ),
        (
            "ja4/pcap/tcpdump-geneve.pcap",
            "30.0.0.2:51225",
            "30.0.0.1:22",
            33,
        ),
    ];
    for (file, client, server, want) in cases {
        let path = corpus.join(file);
        let Ok(f) = std::fs::File::open(&path) else {
            eprintln!("encap: {file} absent, skipped");
            continue;
        };
        let mut reader = tlstriage::capture::Reader::open(f).expect("opens");
        let mut defrag = tlstriage::wire::Defrag::new();
        let mut n = 0;
        while let Ok(Some(fr)) = reader.next_frame() {
            let Ok(Some(s)) = defrag.decode(fr.link, fr.data, fr.ts) else {
                continue;
            };
            let (a, b) = (
                std::net::SocketAddr::new(s.src, s.sport).to_string(),
                std::net::SocketAddr::new(s.dst, s.dport).to_string(),
            );
            assert!(
                (a == client && b == server) || (a == server && b == client),
                "{file} frame {}: {a} → {b}",
                fr.number
            );
            n += 1;
        }
        assert_eq!(n, want, "{file}: TCP frames");
    }
}
