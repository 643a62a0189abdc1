//! Criterion benchmarks of the hot paths, on inputs built in code:
//!
//! - `tls_records`: a `tls::Conn` following a long stream of application-data
//!   records after a TLS 1.3 hello (record framing only), and a whole TLS 1.2
//!   handshake in TCP-sized pieces.
//! - `client_hello`: one browser-like ClientHello record fed to a fresh
//!   `tls::Conn` (the parser itself is private; this is its public door).
//! - `reassembly`: `stream::Reassembler` taking a connection's segments in
//!   order, and with every pair of data segments swapped.
//!
//! `cargo bench --bench hot_paths` (add a filter, e.g. `-- reassembly`).

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use tlstriage::capture::Timestamp;
use tlstriage::stream::{self, Direction, Interest, Output, Reassembler};
use tlstriage::tls;
use tlstriage::wire::{Segment, TcpFlags};

/// Payload of a full-sized TCP segment (Ethernet MTU, timestamps option).
const MSS: usize = 1448;

fn rec(ct: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![ct, 3, 3];
    v.extend_from_slice(&(body.len() as u16).to_be_bytes());
    v.extend_from_slice(body);
    v
}

fn hs(t: u8, body: &[u8]) -> Vec<u8> {
    let n = body.len() as u32;
    let mut v = vec![t, (n >> 16) as u8, (n >> 8) as u8, n as u8];
    v.extend_from_slice(body);
    v
}

fn l8(data: &[u8]) -> Vec<u8> {
    let mut v = vec![data.len() as u8];
    v.extend_from_slice(data);
    v
}

fn l16(data: &[u8]) -> Vec<u8> {
    let mut v = (data.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(data);
    v
}

fn l24(data: &[u8]) -> Vec<u8> {
    let n = data.len() as u32;
    let mut v = vec![(n >> 16) as u8, (n >> 8) as u8, n as u8];
    v.extend_from_slice(data);
    v
}

fn u16s(vals: &[u16]) -> Vec<u8> {
    vals.iter().flat_map(|v| v.to_be_bytes()).collect()
}

fn ext(t: u16, data: &[u8]) -> Vec<u8> {
    let mut v = t.to_be_bytes().to_vec();
    v.extend_from_slice(&l16(data));
    v
}

/// A ClientHello record shaped like a current browser's: GREASE, 16 suites,
/// SNI, ALPN, groups, signature schemes, key shares, supported versions,
/// padding to 512 bytes.
fn client_hello_record() -> Vec<u8> {
    let mut b = 0x0303u16.to_be_bytes().to_vec();
    b.extend_from_slice(&[7; 32]);
    b.extend_from_slice(&l8(&[1; 32]));
    b.extend_from_slice(&l16(&u16s(&[
        0x0a0a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
        0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
    ])));
    b.extend_from_slice(&l8(&[0]));
    let mut sni = vec![0];
    sni.extend_from_slice(&l16(b"www.example.com"));
    let alpn: Vec<u8> = ["h2", "http/1.1"]
        .iter()
        .flat_map(|n| l8(n.as_bytes()))
        .collect();
    let mut shares = 0x1a1au16.to_be_bytes().to_vec();
    shares.extend_from_slice(&l16(&[0]));
    shares.extend_from_slice(&0x001du16.to_be_bytes());
    shares.extend_from_slice(&l16(&[0x42; 32]));
    let mut exts = [
        ext(0x2a2a, &[]),
        ext(0, &l16(&sni)),
        ext(23, &[]),
        ext(0xff01, &[0]),
        ext(10, &l16(&u16s(&[0x3a3a, 0x11ec, 0x001d, 0x0017, 0x0018]))),
        ext(11, &l8(&[0])),
        ext(35, &[]),
        ext(16, &l16(&alpn)),
        ext(5, &[1, 0, 0, 0, 0]),
        ext(
            13,
            &l16(&u16s(&[
                0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
            ])),
        ),
        ext(18, &[]),
        ext(51, &l16(&shares)),
        ext(45, &l8(&[1])),
        ext(43, &l8(&u16s(&[0x4a4a, 0x0304, 0x0303]))),
        ext(27, &l8(&u16s(&[2]))),
    ]
    .concat();
    let unpadded = b.len() + 2 + exts.len() + 4 + 4;
    if unpadded < 512 {
        exts.extend_from_slice(&ext(21, &vec![0; 512 - unpadded]));
    }
    b.extend_from_slice(&l16(&exts));
    rec(22, &hs(1, &b))
}

fn server_hello_record(version: u16) -> Vec<u8> {
    let mut b = 0x0303u16.to_be_bytes().to_vec();
    b.extend_from_slice(&[9; 32]);
    b.extend_from_slice(&l8(&[1; 32]));
    let (suite, exts) = if version == 0x0304 {
        let mut ks = 0x001du16.to_be_bytes().to_vec();
        ks.extend_from_slice(&l16(&[0x24; 32]));
        (
            0x1301u16,
            [ext(43, &0x0304u16.to_be_bytes()), ext(51, &ks)].concat(),
        )
    } else {
        (
            0xc02fu16,
            [ext(0xff01, &[0]), ext(16, &l16(&l8(b"h2")))].concat(),
        )
    };
    b.extend_from_slice(&suite.to_be_bytes());
    b.push(0);
    b.extend_from_slice(&l16(&exts));
    rec(22, &hs(2, &b))
}

/// One direction's byte stream, handed to a `tls::Conn` in MSS-sized events.
struct Feed {
    off: [u64; 2],
    frame: u64,
    out: Vec<tls::Event>,
    /// Every event, when checking the inputs (not while timing).
    seen: Option<Vec<tls::EventKind>>,
}

impl Feed {
    fn new() -> Self {
        Feed {
            off: [0; 2],
            frame: 0,
            out: Vec::new(),
            seen: None,
        }
    }

    fn checking() -> Self {
        Feed {
            seen: Some(Vec::new()),
            ..Feed::new()
        }
    }

    fn send(&mut self, conn: &mut tls::Conn, dir: Direction, bytes: &[u8]) -> usize {
        let mut events = 0;
        for chunk in bytes.chunks(MSS) {
            self.frame += 1;
            let ev = stream::Event::Data {
                offset: self.off[dir.index()],
                bytes: chunk,
                frame: self.frame,
                ts: Timestamp(self.frame as i64 * 1000),
            };
            self.off[dir.index()] += chunk.len() as u64;
            self.out.clear();
            conn.feed(dir, &ev, &mut self.out);
            events += self.out.len();
            if let Some(seen) = &mut self.seen {
                seen.extend(self.out.iter().map(|e| e.kind.clone()));
            }
        }
        events
    }
}

const C2S: Direction = Direction::ClientToServer;
const S2C: Direction = Direction::ServerToClient;

fn tls_records(c: &mut Criterion) {
    let ch = client_hello_record();
    let sh13 = server_hello_record(0x0304);
    // 1 MiB of application data: full 16 KiB records with a small one
    // (a request, an HTTP/2 frame) after every fourth.
    let mut app = Vec::new();
    let mut i = 0;
    while app.len() < 1 << 20 {
        let len = if i % 5 == 4 { 90 } else { 16384 + 17 };
        app.extend_from_slice(&rec(23, &vec![0xab; len]));
        i += 1;
    }
    // The inputs decode as meant: hellos parsed, the rest followed as records.
    let mut f = Feed::checking();
    let mut conn = tls::Conn::new();
    f.send(&mut conn, C2S, &ch);
    f.send(&mut conn, S2C, &sh13);
    f.send(&mut conn, S2C, &app);
    let seen = f.seen.unwrap_or_default();
    assert!(
        matches!(seen[0], tls::EventKind::ClientHello(_)),
        "{seen:?}"
    );
    assert!(
        matches!(seen[1], tls::EventKind::ServerHello(_)),
        "{seen:?}"
    );
    assert!(
        !seen.iter().any(|k| matches!(
            k,
            tls::EventKind::Anomaly(_) | tls::EventKind::NotTls { .. }
        )),
        "{seen:?}"
    );

    let mut g = c.benchmark_group("tls_records");
    g.throughput(Throughput::Bytes(app.len() as u64));
    g.bench_function("app_data_1MiB_after_tls13_hello", |b| {
        b.iter(|| {
            let mut conn = tls::Conn::new();
            let mut f = Feed::new();
            f.send(&mut conn, C2S, &ch);
            f.send(&mut conn, S2C, &sh13);
            black_box(f.send(&mut conn, S2C, black_box(&app)))
        })
    });

    // A TLS 1.2 handshake: hello, a 3-certificate chain, key exchange, CCS
    // and encrypted Finished both ways.
    let chain: Vec<u8> = [1500usize, 1200, 900]
        .iter()
        .flat_map(|&n| l24(&vec![0x30; n]))
        .collect();
    let mut server = server_hello_record(0x0303);
    server.extend_from_slice(&rec(22, &hs(11, &l24(&chain))));
    server.extend_from_slice(&rec(22, &hs(12, &vec![0x11; 300])));
    server.extend_from_slice(&rec(22, &hs(14, &[])));
    let mut client2 = rec(22, &hs(16, &l8(&[0x22; 65])));
    client2.extend_from_slice(&rec(20, &[1]));
    client2.extend_from_slice(&rec(22, &[0x33; 40]));
    let mut server2 = rec(20, &[1]);
    server2.extend_from_slice(&rec(22, &[0x44; 40]));
    let total = ch.len() + server.len() + client2.len() + server2.len();
    let mut f = Feed::checking();
    let mut conn = tls::Conn::new();
    for (dir, bytes) in [(C2S, &ch), (S2C, &server), (C2S, &client2), (S2C, &server2)] {
        f.send(&mut conn, dir, bytes);
    }
    let seen = f.seen.unwrap_or_default();
    assert!(
        seen.iter()
            .any(|k| matches!(k, tls::EventKind::Certificate(c) if c.len() == 3)),
        "{seen:?}"
    );
    assert!(seen.contains(&tls::EventKind::ServerHelloDone), "{seen:?}");
    assert!(
        !seen.iter().any(|k| matches!(k, tls::EventKind::Anomaly(_))),
        "{seen:?}"
    );
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("handshake_tls12", |b| {
        b.iter(|| {
            let mut conn = tls::Conn::new();
            let mut f = Feed::new();
            let mut n = f.send(&mut conn, C2S, black_box(&ch));
            n += f.send(&mut conn, S2C, black_box(&server));
            n += f.send(&mut conn, C2S, black_box(&client2));
            n += f.send(&mut conn, S2C, black_box(&server2));
            black_box(n)
        })
    });
    g.finish();
}

fn client_hello(c: &mut Criterion) {
    let ch = client_hello_record();
    let mut g = c.benchmark_group("client_hello");
    g.throughput(Throughput::Elements(1));
    g.bench_function("parse_one_record", |b| {
        let mut out = Vec::new();
        b.iter(|| {
            let mut conn = tls::Conn::new();
            out.clear();
            let ev = stream::Event::Data {
                offset: 0,
                bytes: black_box(&ch),
                frame: 1,
                ts: Timestamp(0),
            };
            conn.feed(C2S, &ev, &mut out);
            black_box(out.len())
        })
    });
    g.finish();
}

/// The segments of one connection: handshake, `n` full data segments from
/// the client, FINs. With `swap`, every pair of data segments arrives
/// reversed, so half of them wait in the out-of-order buffer.
fn connection(n: usize, swap: bool, payload: &[u8]) -> Vec<Segment<'_>> {
    let client = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    let server = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
    let (cisn, sisn) = (1000u32, 5000u32);
    let seg = |from_client: bool, seq: u32, ack: u32, flags: u8, payload| Segment {
        src: if from_client { client } else { server },
        dst: if from_client { server } else { client },
        sport: if from_client { 50000 } else { 443 },
        dport: if from_client { 443 } else { 50000 },
        seq,
        ack,
        flags: TcpFlags(flags),
        window: 65535,
        payload,
        truncated: false,
    };
    let ack = TcpFlags::ACK;
    let mut segs = vec![
        seg(true, cisn, 0, TcpFlags::SYN, &[][..]),
        seg(false, sisn, cisn + 1, TcpFlags::SYN | ack, &[][..]),
        seg(true, cisn + 1, sisn + 1, ack, &[][..]),
    ];
    let mut data: Vec<Segment<'_>> = (0..n)
        .map(|i| {
            let seq = cisn.wrapping_add(1 + (i * MSS) as u32);
            seg(true, seq, sisn + 1, ack | TcpFlags::PSH, payload)
        })
        .collect();
    if swap {
        for pair in data.chunks_mut(2) {
            pair.reverse();
        }
    }
    segs.extend(data);
    let end = cisn.wrapping_add(1 + (n * MSS) as u32);
    segs.push(seg(true, end, sisn + 1, TcpFlags::FIN | ack, &[][..]));
    segs.push(seg(false, sisn + 1, end + 1, TcpFlags::FIN | ack, &[][..]));
    segs
}

/// Pushes every segment through a fresh reassembler; the bytes delivered.
fn replay(segs: &[Segment<'_>]) -> u64 {
    let mut r = Reassembler::new(stream::Config::default());
    let mut delivered = 0u64;
    let mut sink = |o: Output<'_>| {
        if let Output::Event {
            event: stream::Event::Data { bytes, .. },
            ..
        } = o
        {
            delivered += bytes.len() as u64;
        }
        Interest::All
    };
    for (i, s) in segs.iter().enumerate() {
        let frame = i as u64 + 1;
        r.push(s, frame, Timestamp(frame as i64 * 1000), &mut sink);
    }
    r.finish(&mut sink);
    delivered
}

fn reassembly(c: &mut Criterion) {
    let payload = vec![0x5a; MSS];
    let n = 1000;
    let mut g = c.benchmark_group("reassembly");
    g.throughput(Throughput::Bytes((n * MSS) as u64));
    for (name, swap) in [("in_order", false), ("pairs_swapped", true)] {
        let segs = connection(n, swap, &payload);
        assert_eq!(
            replay(&segs),
            (n * MSS) as u64,
            "{name}: every byte delivered"
        );
        g.bench_function(name, |b| b.iter(|| black_box(replay(black_box(&segs)))));
    }
    g.finish();
}

criterion_group!(benches, tls_records, client_hello, reassembly);
criterion_main!(benches);
