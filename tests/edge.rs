//! Edge cases no TLS stack produces on demand, built in code from the real
//! fixture captures: reordered and duplicated segments, sequence wraparound,
//! lost segments, other link-layer encapsulations. Each must give the same
//! verdict as the original (or, for loss, say that bytes are missing).

use crate::support::{self, PcapWriter};

fn frames(case: &str) -> Vec<(i64, u16, Vec<u8>)> {
    let (_, capture) = support::fixture_captures()
        .into_iter()
        .find(|(c, _)| c.ends_with(case))
        .unwrap_or_else(|| panic!("fixture {case}"));
    support::read_frames(&capture)
}

fn write(link: u32, frames: &[(i64, Vec<u8>)]) -> Vec<u8> {
    let mut w = PcapWriter::new(link);
    for (ts, d) in frames {
        w.packet(*ts, d);
    }
    w.bytes
}

/// (ip header offset, tcp header offset, payload offset) of an Ethernet/IPv4/TCP frame.
fn tcp_offsets(f: &[u8]) -> Option<(usize, usize, usize)> {
    if f.len() < 34 || f[12] != 0x08 || f[13] != 0x00 || f[23] != 6 {
        return None;
    }
    let ihl = (f[14] & 0x0f) as usize * 4;
    let tcp = 14 + ihl;
    let doff = (f.get(tcp + 12)? >> 4) as usize * 4;
    Some((14, tcp, tcp + doff))
}

fn verdicts(bytes: &[u8]) -> Vec<(String, String, String, String)> {
    let lines = support::analyze_bytes(bytes, "edge").expect("opens");
    support::handshakes(&lines)
        .iter()
        .map(|h| {
            (
                h["client"].to_string(),
                h["outcome"].to_string(),
                h["client_hello"]["cipher_suites"].to_string(),
                h["findings"]
                    .as_array()
                    .map(|f| {
                        f.iter()
                            .map(|x| x["code"].to_string())
                            .collect::<Vec<_>>()
                            .join(",")
                    })
                    .unwrap_or_default(),
            )
        })
        .collect()
}

fn ethernet_frames(case: &str) -> Vec<(i64, Vec<u8>)> {
    let fr = frames(case);
    assert!(fr.iter().all(|(_, l, _)| *l == 1), "{case} is Ethernet");
    fr.into_iter().map(|(t, _, d)| (t, d)).collect()
}

/// Indices of frames from the client that carry TCP payload before any
/// payload from the other side: the ClientHello's segments.
fn client_hello_segments(fr: &[(i64, Vec<u8>)]) -> Vec<usize> {
    let mut out = Vec::new();
    let mut client_ip = None;
    for (i, (_, f)) in fr.iter().enumerate() {
        let Some((ip, _, pay)) = tcp_offsets(f) else {
            continue;
        };
        let ip_len = u16::from_be_bytes([f[ip + 2], f[ip + 3]]) as usize;
        if ip + ip_len <= pay {
            continue;
        }
        let src = &f[ip + 12..ip + 16];
        match client_ip {
            None => {
                client_ip = Some(src.to_vec());
                out.push(i);
            }
            Some(ref c) if c.as_slice() == src => out.push(i),
            Some(_) => break,
        }
    }
    out
}

#[test]
fn edge_reordered_and_duplicated_segments_same_verdict() {
    let fr = ethernet_frames("client-hello-split");
    let original = verdicts(&write(1, &fr));
    let segs = client_hello_segments(&fr);
    assert!(
        segs.len() >= 3,
        "split fixture has ≥3 ClientHello segments: {segs:?}"
    );
    // Reverse the first run of back-to-back ClientHello segments (no server
    // packet between them, so no ACK acknowledges bytes not yet seen — an ACK
    // past a hole rightly declares the hole lost) and send one twice.
    let run: Vec<usize> = segs
        .iter()
        .copied()
        .enumerate()
        .take_while(|&(k, i)| i == segs[0] + k)
        .map(|(_, i)| i)
        .collect();
    assert!(
        run.len() >= 3,
        "a run of ≥3 back-to-back segments: {segs:?}"
    );
    let mut mutated = fr.clone();
    for (k, &i) in run.iter().enumerate() {
        mutated[i].1 = fr[run[run.len() - 1 - k]].1.clone();
    }
    let mid = run[run.len() / 2];
    mutated.insert(mid + 1, fr[mid].clone());
    assert_eq!(verdicts(&write(1, &mutated)), original);
}

#[test]
fn edge_sequence_wraparound_same_verdict() {
    let fr = ethernet_frames("tls12-success");
    let original = verdicts(&write(1, &fr));
    // Shift every sequence and acknowledgement number so the client's ISN
    // sits 10 bytes below 2^32 and its stream wraps during the handshake.
    let (_, tcp, _) = tcp_offsets(&fr[0].1).unwrap();
    let isn = u32::from_be_bytes(fr[0].1[tcp + 4..tcp + 8].try_into().unwrap());
    let delta = (u32::MAX - 10).wrapping_sub(isn);
    let shifted: Vec<(i64, Vec<u8>)> = fr
        .iter()
        .map(|(t, f)| {
            let mut f = f.clone();
            if let Some((_, tcp, _)) = tcp_offsets(&f) {
                for off in [tcp + 4, tcp + 8] {
                    let v = u32::from_be_bytes(f[off..off + 4].try_into().unwrap());
                    f[off..off + 4].copy_from_slice(&v.wrapping_add(delta).to_be_bytes());
                }
            }
            (*t, f)
        })
        .collect();
    assert_eq!(verdicts(&write(1, &shifted)), original);
}

#[test]
fn edge_lost_client_hello_segment_is_reported_as_gap() {
    let fr = ethernet_frames("client-hello-split");
    let segs = client_hello_segments(&fr);
    let mut lossy = fr;
    lossy.remove(segs[1]);
    let lines = support::analyze_bytes(&write(1, &lossy), "edge").unwrap();
    let s = support::summary(&lines);
    assert!(s["stream"]["gaps"].as_u64().unwrap() >= 1, "{s}");
    // The retransmission-free loss must never be reported as established
    // from a ClientHello we could not read.
    for h in support::handshakes(&lines) {
        if h["client_hello"].is_null() {
            continue;
        }
        let codes = h["findings"].to_string();
        assert!(codes.contains("capture-gap"), "{h}");
    }
}

#[test]
fn edge_other_link_layers_same_verdict() {
    let fr = ethernet_frames("tls12-success");
    let original = support::analyze_bytes(&write(1, &fr), "edge").unwrap();
    let hs = |lines: &[serde_json::Value]| -> Vec<serde_json::Value> {
        support::handshakes(lines).into_iter().cloned().collect()
    };
    let ip = |f: &Vec<u8>| f[14..].to_vec();
    type Wrap = Box<dyn Fn(&Vec<u8>) -> Vec<u8>>;
    let wraps: Vec<(&str, u32, Wrap)> = vec![
        ("raw", 101, Box::new(move |f| ip(f))),
        (
            "null-le",
            0,
            Box::new(move |f| [&2u32.to_le_bytes()[..], &ip(f)].concat()),
        ),
        (
            "loop",
            108,
            Box::new(move |f| [&2u32.to_be_bytes()[..], &ip(f)].concat()),
        ),
        (
            "sll",
            113,
            Box::new(move |f| {
                let mut h = vec![0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00];
                h.extend_from_slice(&ip(f));
                h
            }),
        ),
        (
            "sll2",
            276,
            Box::new(move |f| {
                let mut h = vec![
                    0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0,
                ];
                h.extend_from_slice(&ip(f));
                h
            }),
        ),
        (
            "qinq",
            1,
            Box::new(move |f| {
                let mut h = f[..12].to_vec();
                h.extend_from_slice(&[0x88, 0xa8, 0, 10, 0x81, 0x00, 0, 20, 0x08, 0x00]);
                h.extend_from_slice(&f[14..]);
                h
            }),
        ),
    ];
    for (name, link, wrap) in wraps {
        let wrapped: Vec<(i64, Vec<u8>)> = fr.iter().map(|(t, f)| (*t, wrap(f))).collect();
        let got = support::analyze_bytes(&write(link, &wrapped), "edge").unwrap();
        assert_eq!(hs(&got), hs(&original), "link {name}");
    }
}

#[test]
fn edge_client_only_capture_is_one_sided() {
    let fr = ethernet_frames("tls12-success");
    let client_ip = {
        let f = &fr[0].1;
        f[26..30].to_vec()
    };
    // Keep only what the client sent, as a mirror port copying one direction would.
    let client_only: Vec<(i64, Vec<u8>)> = fr
        .into_iter()
        .filter(|(_, f)| f.len() > 30 && f[26..30] == client_ip[..])
        .collect();
    let lines = support::analyze_bytes(&write(1, &client_only), "edge").unwrap();
    let hs = support::handshakes(&lines);
    assert_eq!(hs.len(), 1);
    assert_eq!(hs[0]["outcome"], "incomplete");
    let codes = hs[0]["findings"].to_string();
    assert!(codes.contains("one-sided-capture"), "{codes}");
    assert!(!codes.contains("no-server-response"), "{codes}");
}

#[test]
fn edge_one_skewed_timestamp_does_not_time_out_connections() {
    let fr = ethernet_frames("version-mismatch-server-tls10");
    let original = verdicts(&write(1, &fr));
    // Frame 5 (a pure ACK) stamped an hour late, as a merged or corrupt
    // capture can have it.
    let mut skewed = fr;
    skewed[4].0 += 3600 * 1_000_000_000;
    assert_eq!(verdicts(&write(1, &skewed)), original);
}
