//! Tests of the TLS stage, with messages built in code.

use super::*;
use crate::stream::Event as S;

const C2S: Direction = Direction::ClientToServer;
const S2C: Direction = Direction::ServerToClient;

fn rec(ct: u8, ver: u16, body: &[u8]) -> Vec<u8> {
    let mut v = vec![ct];
    v.extend_from_slice(&ver.to_be_bytes());
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

fn ext(t: u16, data: &[u8]) -> Vec<u8> {
    let mut v = t.to_be_bytes().to_vec();
    v.extend_from_slice(&(data.len() as u16).to_be_bytes());
    v.extend_from_slice(data);
    v
}

fn u16s(vals: &[u16]) -> Vec<u8> {
    vals.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// `len16 ++ data`.
fn l16(data: &[u8]) -> Vec<u8> {
    let mut v = (data.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(data);
    v
}

/// `len8 ++ data`.
fn l8(data: &[u8]) -> Vec<u8> {
    let mut v = vec![data.len() as u8];
    v.extend_from_slice(data);
    v
}

fn ext_block(exts: &[Vec<u8>]) -> Vec<u8> {
    l16(&exts.concat())
}

fn client_hello_body(suites: &[u16], exts: &[Vec<u8>]) -> Vec<u8> {
    let mut b = 0x0303u16.to_be_bytes().to_vec();
    b.extend_from_slice(&[7; 32]);
    b.extend_from_slice(&l8(&[1; 32]));
    b.extend_from_slice(&l16(&u16s(suites)));
    b.extend_from_slice(&l8(&[0]));
    b.extend_from_slice(&ext_block(exts));
    b
}

fn sni_ext(name: &str) -> Vec<u8> {
    let mut entry = vec![0];
    entry.extend_from_slice(&l16(name.as_bytes()));
    ext(0, &l16(&entry))
}

fn alpn_ext(names: &[&str]) -> Vec<u8> {
    let list: Vec<u8> = names.iter().flat_map(|n| l8(n.as_bytes())).collect();
    ext(16, &l16(&list))
}

fn key_share_ext(groups: &[u16]) -> Vec<u8> {
    let entries: Vec<u8> = groups
        .iter()
        .flat_map(|g| {
            let mut e = g.to_be_bytes().to_vec();
            e.extend_from_slice(&l16(&[0x42; 32]));
            e
        })
        .collect();
    ext(51, &l16(&entries))
}

/// A TLS 1.3-capable ClientHello message (with handshake header).
fn tls13_client_hello() -> Vec<u8> {
    hs(
        1,
        &client_hello_body(
            &[0x1301, 0x1302, 0xc02f],
            &[
                sni_ext("example.com"),
                ext(10, &l16(&u16s(&[0x001d, 0x0017, 0x11ec]))),
                ext(11, &l8(&[0])),
                ext(13, &l16(&u16s(&[0x0403, 0x0804]))),
                alpn_ext(&["h2", "http/1.1"]),
                ext(43, &l8(&u16s(&[0x0304, 0x0303]))),
                key_share_ext(&[0x001d]),
            ],
        ),
    )
}

fn server_hello(random: [u8; 32], suite: u16, exts: &[Vec<u8>]) -> Vec<u8> {
    let mut b = 0x0303u16.to_be_bytes().to_vec();
    b.extend_from_slice(&random);
    b.extend_from_slice(&l8(&[1; 32]));
    b.extend_from_slice(&suite.to_be_bytes());
    b.push(0);
    if !exts.is_empty() {
        b.extend_from_slice(&ext_block(exts));
    }
    hs(2, &b)
}

fn tls13_server_hello() -> Vec<u8> {
    let mut ks = 0x001du16.to_be_bytes().to_vec();
    ks.extend_from_slice(&l16(&[0x24; 32]));
    server_hello(
        [9; 32],
        0x1301,
        &[ext(43, &0x0304u16.to_be_bytes()), ext(51, &ks)],
    )
}

fn hrr() -> Vec<u8> {
    server_hello(
        HRR_RANDOM,
        0x1301,
        &[
            ext(43, &0x0304u16.to_be_bytes()),
            ext(51, &0x0017u16.to_be_bytes()),
        ],
    )
}

fn certificate(certs: &[&[u8]]) -> Vec<u8> {
    let list: Vec<u8> = certs
        .iter()
        .flat_map(|c| {
            let n = c.len() as u32;
            let mut v = vec![(n >> 16) as u8, (n >> 8) as u8, n as u8];
            v.extend_from_slice(c);
            v
        })
        .collect();
    let n = list.len() as u32;
    let mut b = vec![(n >> 16) as u8, (n >> 8) as u8, n as u8];
    b.extend_from_slice(&list);
    hs(11, &b)
}

/// Feeds a connection and tracks stream offsets per direction.
struct Harness {
    conn: Conn,
    off: [u64; 2],
    out: Vec<Event>,
}

impl Harness {
    fn new() -> Self {
        Harness {
            conn: Conn::new(),
            off: [0; 2],
            out: Vec::new(),
        }
    }
    fn data(&mut self, dir: Direction, bytes: &[u8], frame: u64) {
        let offset = self.off[dir.index()];
        self.off[dir.index()] += bytes.len() as u64;
        let ev = S::Data {
            offset,
            bytes,
            frame,
            ts: Timestamp(frame as i64 * 1000),
        };
        self.conn.feed(dir, &ev, &mut self.out);
    }
    fn gap(&mut self, dir: Direction, len: u64, frame: u64) {
        let offset = self.off[dir.index()];
        self.off[dir.index()] += len;
        self.conn
            .feed(dir, &S::Gap { offset, len, frame }, &mut self.out);
    }
    fn fin(&mut self, dir: Direction, frame: u64) {
        let ev = S::Fin {
            offset: self.off[dir.index()],
            frame,
            ts: Timestamp(frame as i64 * 1000),
        };
        self.conn.feed(dir, &ev, &mut self.out);
    }
    fn finish(&mut self) {
        self.conn.finish(&mut self.out);
    }
    fn kinds(&self) -> Vec<&EventKind> {
        self.out.iter().map(|e| &e.kind).collect()
    }
    fn anomalies(&self) -> Vec<&str> {
        self.out
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Anomaly(s) => Some(s.as_str()),
                _ => None,
            })
            .collect()
    }
    fn client_hellos(&self) -> Vec<&ClientHello> {
        self.out
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::ClientHello(c) => Some(c.as_ref()),
                _ => None,
            })
            .collect()
    }
    fn server_hellos(&self) -> Vec<&ServerHello> {
        self.out
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::ServerHello(s) => Some(s.as_ref()),
                _ => None,
            })
            .collect()
    }
}

#[test]
fn conn_client_hello_one_record_parsed() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 4);
    assert_eq!(h.out.len(), 1, "{:?}", h.out);
    let e = &h.out[0];
    assert_eq!(
        (e.dir, e.frames.clone(), e.record_version),
        (C2S, vec![4], Version(0x0301))
    );
    let EventKind::ClientHello(ch) = &e.kind else {
        panic!("{e:?}")
    };
    assert_eq!(ch.version, Version(0x0303));
    assert_eq!(ch.record_version, Version(0x0301));
    assert_eq!(ch.sni.as_deref(), Some("example.com"));
    assert_eq!(ch.alpn, vec!["h2", "http/1.1"]);
    assert_eq!(ch.alpn_first.as_deref(), Some(&b"h2"[..]));
    assert_eq!(
        ch.supported_versions,
        vec![Version(0x0304), Version(0x0303)]
    );
    assert_eq!(
        ch.groups,
        vec![NamedGroup(0x1d), NamedGroup(0x17), NamedGroup(0x11ec)]
    );
    assert_eq!(ch.key_share_groups, vec![NamedGroup(0x1d)]);
    assert_eq!(
        ch.signature_algorithms,
        vec![SignatureScheme(0x0403), SignatureScheme(0x0804)]
    );
    assert_eq!(ch.ec_point_formats, vec![0]);
    assert_eq!(
        ch.cipher_suites,
        vec![
            CipherSuite(0x1301),
            CipherSuite(0x1302),
            CipherSuite(0xc02f)
        ]
    );
    let exts: Vec<u16> = ch.extensions.iter().map(|e| e.0).collect();
    assert_eq!(exts, vec![0, 10, 11, 13, 16, 43, 51]);
    assert!(!ch.sslv2_format);
    assert!(!h.conn.past_handshake());
}

#[test]
fn conn_client_hello_split_three_segments_lists_all_frames() {
    let r = rec(22, 0x0301, &tls13_client_hello());
    let mut h = Harness::new();
    h.data(C2S, &r[..3], 10);
    h.data(C2S, &r[3..60], 11);
    h.data(C2S, &r[60..], 12);
    assert_eq!(h.out.len(), 1, "{:?}", h.out);
    assert_eq!(h.out[0].frames, vec![10, 11, 12]);
    assert_eq!(h.out[0].ts, Timestamp(12_000));
    assert_eq!(h.client_hellos()[0].sni.as_deref(), Some("example.com"));
}

#[test]
fn conn_client_hello_split_two_records_reassembled() {
    let m = tls13_client_hello();
    let mut bytes = rec(22, 0x0301, &m[..50]);
    bytes.extend(rec(22, 0x0303, &m[50..]));
    let mut h = Harness::new();
    h.data(C2S, &bytes[..20], 1);
    h.data(C2S, &bytes[20..], 2);
    assert_eq!(h.out.len(), 1, "{:?}", h.out);
    assert_eq!(h.out[0].record_version, Version(0x0301));
    assert_eq!(h.out[0].frames, vec![1, 2]);
    assert_eq!(h.client_hellos()[0].alpn.len(), 2);
}

#[test]
fn conn_server_flight_in_one_record_three_events() {
    let mut flight = server_hello([3; 32], 0xc02f, &[ext(0xff01, &[0])]);
    flight.extend(certificate(&[b"leaf-der", b"ca-der"]));
    flight.extend(hs(14, &[]));
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    h.data(S2C, &rec(22, 0x0303, &flight), 2);
    let k = h.kinds();
    assert_eq!(k.len(), 4, "{k:?}");
    let sh = h.server_hellos()[0];
    assert_eq!(sh.cipher_suite, CipherSuite(0xc02f));
    assert_eq!(sh.negotiated_version(), Version(0x0303));
    assert_eq!(sh.extensions, vec![ExtensionType(0xff01)]);
    assert_eq!(
        k[2],
        &EventKind::Certificate(vec![
            CertificateDer(b"leaf-der".to_vec()),
            CertificateDer(b"ca-der".to_vec())
        ])
    );
    assert_eq!(k[3], &EventKind::ServerHelloDone);
    assert!(
        h.out[1..]
            .iter()
            .all(|e| e.dir == S2C && e.frames == vec![2])
    );
}

#[test]
fn conn_hello_retry_request_detected_second_client_hello_parsed() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    // Middlebox-compatibility CCS right after the first ClientHello (RFC 8446 §D.4).
    h.data(C2S, &rec(20, 0x0303, &[1]), 2);
    h.data(S2C, &rec(22, 0x0303, &hrr()), 3);
    h.data(S2C, &rec(20, 0x0303, &[1]), 4);
    h.data(C2S, &rec(22, 0x0303, &tls13_client_hello()), 5);
    h.data(S2C, &rec(22, 0x0303, &tls13_server_hello()), 6);
    assert_eq!(h.client_hellos().len(), 2, "{:?}", h.out);
    let shs = h.server_hellos();
    assert_eq!(shs.len(), 2, "{:?}", h.out);
    assert!(shs[0].is_hello_retry_request);
    assert_eq!(shs[0].key_share_group, Some(NamedGroup(0x17)));
    assert!(!shs[1].is_hello_retry_request);
    assert_eq!(shs[1].negotiated_version(), Version(0x0304));
    assert!(h.anomalies().is_empty(), "{:?}", h.anomalies());
}

#[test]
fn conn_tls13_server_hello_later_records_encrypted() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    let mut flight = rec(22, 0x0303, &tls13_server_hello());
    flight.extend(rec(20, 0x0303, &[1]));
    flight.extend(rec(23, 0x0303, &[0xaa; 300]));
    flight.extend(rec(23, 0x0303, &[0xbb; 40]));
    h.data(S2C, &flight, 2);
    assert!(!h.conn.past_handshake());
    h.data(C2S, &rec(20, 0x0303, &[1]), 3);
    h.data(C2S, &rec(23, 0x0303, &[0xcc; 53]), 4);
    let k = h.kinds();
    assert_eq!(
        k[2..],
        [
            &EventKind::ChangeCipherSpec,
            &EventKind::Encrypted {
                content_type: 23,
                len: 300
            },
            &EventKind::Encrypted {
                content_type: 23,
                len: 40
            },
            &EventKind::ChangeCipherSpec,
            &EventKind::Encrypted {
                content_type: 23,
                len: 53
            },
        ]
    );
    assert_eq!(h.out[5].dir, C2S);
    assert!(h.conn.past_handshake());
    assert!(h.anomalies().is_empty());
}

#[test]
fn conn_tls13_roles_reversed_directions_decoded_symmetrically() {
    // The TCP-level guess is wrong: the TLS client sends on ServerToClient.
    let mut h = Harness::new();
    h.data(S2C, &rec(22, 0x0301, &tls13_client_hello()), 1);
    h.data(C2S, &rec(22, 0x0303, &tls13_server_hello()), 2);
    h.data(C2S, &rec(23, 0x0303, &[1; 20]), 3);
    // The TLS client's alert before switching keys is plaintext.
    h.data(S2C, &rec(21, 0x0303, &[2, 40]), 4);
    h.data(S2C, &rec(23, 0x0303, &[1; 20]), 5);
    let k = h.kinds();
    assert!(matches!(k[2], EventKind::Encrypted { .. }), "{k:?}");
    assert_eq!(
        k[3],
        &EventKind::Alert {
            level: 2,
            description: AlertDescription(40)
        }
    );
    assert!(matches!(k[4], EventKind::Encrypted { .. }));
    assert!(h.conn.past_handshake());
}

#[test]
fn conn_tls12_ccs_then_finished_encrypted() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    h.data(
        S2C,
        &rec(22, 0x0303, &server_hello([3; 32], 0xc02f, &[])),
        2,
    );
    let mut cf = rec(22, 0x0303, &hs(16, &[5; 65]));
    cf.extend(rec(20, 0x0303, &[1]));
    // Encrypted Finished: 40 opaque bytes that must not be parsed.
    cf.extend(rec(22, 0x0303, &[0x14; 40]));
    h.data(C2S, &cf, 3);
    let k = h.kinds();
    assert_eq!(
        k[2..],
        [
            &EventKind::OtherHandshake(16),
            &EventKind::ChangeCipherSpec,
            &EventKind::Encrypted {
                content_type: 22,
                len: 40
            },
        ]
    );
    assert!(h.anomalies().is_empty());
}

#[test]
fn conn_plaintext_alert_decoded() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    h.data(S2C, &rec(21, 0x0303, &[2, 70]), 2);
    let e = &h.out[1];
    assert_eq!(
        e.kind,
        EventKind::Alert {
            level: 2,
            description: AlertDescription(70)
        }
    );
    assert_eq!((e.dir, e.frames.clone()), (S2C, vec![2]));
}

#[test]
fn conn_alert_after_ccs_encrypted_alert() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    h.data(
        S2C,
        &rec(22, 0x0303, &server_hello([3; 32], 0xc02f, &[])),
        2,
    );
    h.data(S2C, &rec(20, 0x0303, &[1]), 3);
    h.data(S2C, &rec(21, 0x0303, &[0x77; 26]), 4);
    assert_eq!(h.out[3].kind, EventKind::EncryptedAlert { len: 26 });
}

fn sslv2_client_hello() -> Vec<u8> {
    let specs: Vec<u8> = [
        [0x01, 0x00, 0x80],
        [0x00, 0x00, 0x2f],
        [0x00, 0xc0, 0x2f],
        [0x07, 0x00, 0xc0],
    ]
    .concat();
    let mut body = vec![1, 0x03, 0x01];
    body.extend_from_slice(&(specs.len() as u16).to_be_bytes());
    body.extend_from_slice(&0u16.to_be_bytes());
    body.extend_from_slice(&16u16.to_be_bytes());
    body.extend_from_slice(&specs);
    body.extend_from_slice(&[0x5a; 16]);
    let n = body.len() as u16 | 0x8000;
    let mut v = n.to_be_bytes().to_vec();
    v.extend_from_slice(&body);
    v
}

#[test]
fn conn_sslv2_client_hello_parsed_ciphers_mapped() {
    let mut h = Harness::new();
    let b = sslv2_client_hello();
    h.data(C2S, &b[..4], 1);
    h.data(C2S, &b[4..], 2);
    h.data(
        S2C,
        &rec(22, 0x0301, &server_hello([3; 32], 0x002f, &[])),
        3,
    );
    let ch = h.client_hellos()[0];
    assert!(ch.sslv2_format);
    assert_eq!(ch.record_version, Version(0x0002));
    assert_eq!(ch.version, Version(0x0301));
    assert_eq!(
        ch.cipher_suites,
        vec![CipherSuite(0x002f), CipherSuite(0xc02f)]
    );
    assert_eq!(ch.sslv2_cipher_kinds, vec![0x010080, 0x0700c0]);
    assert_eq!(
        ch.sslv2_cipher_specs,
        vec![0x010080, 0x00002f, 0x00c02f, 0x0700c0]
    );
    assert_eq!(h.out[0].frames, vec![1, 2]);
    assert_eq!(h.server_hellos().len(), 1);
}

#[test]
fn conn_sslv2_server_hello_parsed_direction_stopped() {
    let mut body = vec![4, 0, 1, 0x00, 0x02];
    body.extend_from_slice(&3u16.to_be_bytes()); // certificate
    body.extend_from_slice(&3u16.to_be_bytes()); // cipher specs
    body.extend_from_slice(&16u16.to_be_bytes()); // connection id
    body.extend_from_slice(b"DER");
    body.extend_from_slice(&[0x01, 0x00, 0x80]);
    body.extend_from_slice(&[9; 16]);
    let mut r = (body.len() as u16 | 0x8000).to_be_bytes().to_vec();
    r.extend_from_slice(&body);
    let mut h = Harness::new();
    h.data(C2S, &sslv2_client_hello(), 1);
    h.data(S2C, &r, 2);
    h.data(C2S, &[0x80, 0x20, 2, 9, 9, 9], 3);
    let sh = h.server_hellos()[0];
    assert!(sh.sslv2_format);
    assert_eq!(sh.version, Version(0x0002));
    assert_eq!(
        h.kinds()[2],
        &EventKind::Certificate(vec![CertificateDer(b"DER".to_vec())])
    );
    assert_eq!(h.out.len(), 3, "{:?}", h.out);
    assert!(h.conn.past_handshake());
}

#[test]
fn conn_http_reply_not_tls_with_preview() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    let reply = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nServer: Microsoft-HTTPAPI/2.0\r\n\r\n";
    h.data(S2C, reply, 2);
    h.data(S2C, &rec(21, 0x0303, &[2, 40]), 3);
    assert_eq!(h.out.len(), 2, "{:?}", h.out);
    assert_eq!(
        h.out[1].kind,
        EventKind::NotTls {
            // Short enough to be kept whole (previews keep 256 bytes).
            preview: reply.to_vec()
        }
    );
    assert_eq!((h.out[1].dir, h.out[1].frames.clone()), (S2C, vec![2]));
    // The server's plaintext may still turn into TLS (STARTTLS): not finished.
    assert!(!h.conn.finished());
}

#[test]
fn conn_short_non_tls_at_fin_not_tls() {
    let mut h = Harness::new();
    h.data(S2C, b"SSH", 1);
    assert!(h.out.is_empty() || matches!(h.out[0].kind, EventKind::NotTls { .. }));
    h.fin(S2C, 2);
    assert_eq!(
        h.kinds(),
        vec![&EventKind::NotTls {
            preview: b"SSH".to_vec()
        }]
    );
}

#[test]
fn conn_short_tls_prefix_at_fin_anomaly() {
    let mut h = Harness::new();
    h.data(C2S, &[22, 3], 1);
    assert!(h.out.is_empty());
    h.fin(C2S, 2);
    assert_eq!(h.anomalies().len(), 1, "{:?}", h.out);
}

#[test]
fn client_hello_grease_values_kept() {
    let body = client_hello_body(
        &[0x0a0a, 0x1301],
        &[
            ext(0x1a1a, &[]),
            ext(10, &l16(&u16s(&[0x2a2a, 0x001d]))),
            ext(43, &l8(&u16s(&[0x3a3a, 0x0304]))),
            alpn_ext(&["\u{a}\u{a}", "h2"]),
            key_share_ext(&[0x4a4a, 0x001d]),
            ext(0xfafa, &[0]),
        ],
    );
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &hs(1, &body)), 1);
    let ch = h.client_hellos()[0];
    assert!(ch.cipher_suites[0].is_grease());
    assert!(ch.extensions[0].is_grease());
    assert!(ch.extensions[5].is_grease());
    assert!(ch.groups[0].is_grease());
    assert!(ch.supported_versions[0].is_grease());
    assert!(ch.key_share_groups[0].is_grease());
    assert_eq!(ch.alpn.len(), 2);
    assert_eq!(ch.extensions.len(), 6);
    assert!(h.anomalies().is_empty());
}

#[test]
fn client_hello_malformed_extension_keeps_earlier_ones() {
    // server_name, then an NPN-like extension with content, then one whose
    // length overruns the block.
    let exts = [
        sni_ext("a.test"),
        ext(13172, &[2, b'h', b'2']),
        ext(10, &l16(&u16s(&[0x1d]))),
    ]
    .concat();
    let mut bad = exts;
    bad.extend_from_slice(&[0x00, 0x2b, 0x00, 0x40, 0x02]);
    let mut body = client_hello_body(&[0x1301], &[]);
    body.truncate(body.len() - 2);
    body.extend_from_slice(&l16(&bad));
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &hs(1, &body)), 1);
    let ch = h.client_hellos()[0];
    assert_eq!(ch.sni.as_deref(), Some("a.test"));
    assert_eq!(
        ch.extensions,
        vec![ExtensionType(0), ExtensionType(13172), ExtensionType(10)]
    );
    assert_eq!(ch.groups, vec![NamedGroup(0x1d)]);
    let a = h.anomalies();
    assert_eq!(a.len(), 1, "{a:?}");
    assert!(a[0].contains("supported_versions"), "{a:?}");
}

#[test]
fn client_hello_truncated_fixed_fields_anomaly() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &hs(1, &[3, 3, 0, 0])), 1);
    assert!(h.client_hellos().is_empty());
    assert_eq!(h.anomalies().len(), 1);
}

#[test]
fn conn_gap_then_resync_finds_next_record() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    h.data(
        S2C,
        &rec(22, 0x0303, &server_hello([3; 32], 0xc02f, &[])),
        2,
    );
    let cert = rec(22, 0x0303, &certificate(&[&[0x30; 3000]]));
    h.data(S2C, &cert[..1000], 3);
    h.gap(S2C, 1500, 5);
    // The rest of the Certificate record, then ServerHelloDone and an alert.
    let mut tail = cert[2500..].to_vec();
    tail.extend(rec(22, 0x0303, &hs(14, &[])));
    tail.extend(rec(21, 0x0303, &[1, 0]));
    h.data(S2C, &tail[..tail.len() - 3], 6);
    h.data(S2C, &tail[tail.len() - 3..], 7);
    let k = h.kinds();
    assert!(k.contains(&&EventKind::ServerHelloDone), "{k:?}");
    assert_eq!(
        k.last(),
        Some(&&EventKind::Alert {
            level: 1,
            description: AlertDescription(0)
        })
    );
    assert!(h.anomalies()[0].starts_with("gap"));
    assert_eq!(
        h.out
            .iter()
            .find(|e| e.kind == EventKind::ServerHelloDone)
            .map(|e| e.frames.clone()),
        Some(vec![6])
    );
}

#[test]
fn conn_gap_in_opaque_region_resyncs_to_record_boundary() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    h.data(S2C, &rec(22, 0x0303, &tls13_server_hello()), 2);
    let mut recs = rec(23, 0x0303, &[0x11; 100]);
    recs.extend(rec(23, 0x0303, &[0x22; 50]));
    recs.extend(rec(23, 0x0303, &[0x33; 60]));
    h.data(S2C, &recs[..10], 3);
    // Lose the end of the first record and the start of the second.
    h.gap(S2C, 120, 4);
    h.data(S2C, &recs[130..], 5);
    h.finish();
    let k = h.kinds();
    assert!(
        k.contains(&&EventKind::Encrypted {
            content_type: 23,
            len: 60
        }),
        "{k:?}"
    );
    assert!(h.conn.halves[1].encrypted());
}

#[test]
fn conn_gap_inside_encrypted_record_keeps_framing() {
    let mut h = Harness::new();
    h.data(S2C, &rec(22, 0x0303, &tls13_server_hello()), 1);
    let mut recs = rec(23, 0x0303, &[0x11; 1000]);
    recs.extend(rec(23, 0x0303, &[0x22; 10]));
    h.data(S2C, &recs[..100], 2);
    h.gap(S2C, 500, 3);
    h.data(S2C, &recs[600..], 4);
    let k = h.kinds();
    assert_eq!(
        k[2..],
        [
            &EventKind::Encrypted {
                content_type: 23,
                len: 1000
            },
            &EventKind::Encrypted {
                content_type: 23,
                len: 10
            }
        ],
        "{k:?}"
    );
    assert_eq!(h.out[2].frames, vec![2, 4]);
}

#[test]
fn conn_handshake_over_cap_anomaly_then_stops() {
    let mut h = Harness::new();
    // A Certificate message announcing 1 MiB.
    h.data(S2C, &rec(22, 0x0303, &[11, 0x10, 0, 0, 0, 0]), 1);
    h.data(S2C, &rec(22, 0x0303, &hs(14, &[])), 2);
    let a = h.anomalies();
    assert_eq!(a.len(), 1);
    assert!(a[0].contains("cap"));
    assert_eq!(h.out.len(), 1);
}

#[test]
fn conn_fin_inside_handshake_message_anomaly() {
    let m = tls13_client_hello();
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &m[..40]), 1);
    h.fin(C2S, 2);
    let a = h.anomalies();
    assert_eq!(a.len(), 1, "{a:?}");
    assert!(a[0].contains("handshake message"));
    h.finish();
    assert_eq!(h.out.len(), 1);
}

#[test]
fn conn_invalid_header_midstream_anomaly_and_resync() {
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    let mut b = vec![0x99, 0x01, 0x02, 0x03, 0x04, 0x05];
    b.extend(rec(21, 0x0303, &[2, 40]));
    b.extend(rec(21, 0x0303, &[1, 0]));
    h.data(C2S, &b, 2);
    let k = h.kinds();
    assert!(matches!(k[1], EventKind::Anomaly(s) if s.starts_with("invalid record header")));
    assert!(matches!(k[2], EventKind::Anomaly(s) if s.starts_with("resynchronised")));
    assert_eq!(
        k[3],
        &EventKind::Alert {
            level: 2,
            description: AlertDescription(40)
        }
    );
}

/// xorshift64*: a small deterministic generator for the robustness loop.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn conn_random_input_any_chunking_no_panic() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let mut valid = rec(22, 0x0301, &tls13_client_hello());
    valid.extend(rec(22, 0x0303, &tls13_server_hello()));
    valid.extend(rec(20, 0x0303, &[1]));
    valid.extend(rec(23, 0x0303, &[7; 30]));
    valid.extend(sslv2_client_hello());
    for round in 0..1500 {
        let mut input = match round % 4 {
            // Truncations of valid bytes.
            0 => valid[..rng.below(valid.len() + 1)].to_vec(),
            // Bit flips in valid bytes.
            1 => {
                let mut v = valid.clone();
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(v.len());
                    v[i] ^= 1 << rng.below(8);
                }
                v
            }
            // Starts of valid bytes, then noise.
            2 => {
                let mut v = valid[..rng.below(valid.len())].to_vec();
                v.extend((0..rng.below(400)).map(|_| rng.next() as u8));
                v
            }
            // Noise with TLS-looking headers sprinkled in.
            _ => (0..rng.below(3000))
                .map(|i| match (i % 97, rng.below(3)) {
                    (0, _) => 22,
                    (1, _) => 3,
                    (_, 0) => rng.below(6) as u8,
                    _ => rng.next() as u8,
                })
                .collect(),
        };
        if round % 7 == 0 {
            input = sslv2_client_hello()[..rng.below(sslv2_client_hello().len())].to_vec();
        }
        let mut h = Harness::new();
        let mut pos = 0;
        let mut frame = 1;
        while pos < input.len() {
            let n = 1 + rng.below(64);
            let end = (pos + n).min(input.len());
            let dir = if rng.below(2) == 0 { C2S } else { S2C };
            match rng.below(20) {
                0 => h.gap(dir, 1 + rng.below(100) as u64, frame),
                1 if round % 3 == 0 => h.fin(dir, frame),
                _ => h.data(dir, &input[pos..end], frame),
            }
            pos = end;
            frame += 1;
        }
        h.finish();
        let _ = h.conn.past_handshake();
        for e in &h.out {
            assert!(!e.frames.is_empty());
            assert!(e.frames.windows(2).all(|w| w[0] < w[1]));
        }
    }
}

#[test]
fn conn_tls13_draft_server_hello_switches_without_ccs() {
    // Draft 28 (0x7f1c) servers switch keys right after the ServerHello too;
    // drafts before 22 sent no compatibility CCS.
    let mut ks = 0x001du16.to_be_bytes().to_vec();
    ks.extend_from_slice(&l16(&[0x24; 32]));
    let sh = server_hello(
        [9; 32],
        0x1301,
        &[ext(43, &0x7f1cu16.to_be_bytes()), ext(51, &ks)],
    );
    let mut h = Harness::new();
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 1);
    let mut flight = rec(22, 0x0303, &sh);
    flight.extend(rec(22, 0x0303, &[0x55; 30]));
    h.data(S2C, &flight, 2);
    h.data(C2S, &rec(23, 0x0303, &[0x66; 30]), 3);
    h.data(C2S, &rec(22, 0x0303, &[0x77; 30]), 4);
    let k = h.kinds();
    assert_eq!(
        k[2..],
        [
            &EventKind::Encrypted {
                content_type: 22,
                len: 30
            },
            &EventKind::Encrypted {
                content_type: 23,
                len: 30
            },
            &EventKind::Encrypted {
                content_type: 22,
                len: 30
            },
        ]
    );
    assert!(h.conn.past_handshake());
}

#[test]
fn conn_starttls_preamble_then_client_hello_upgrades() {
    let mut h = Harness::new();
    h.data(S2C, b"220 mail.example.test ESMTP ready\r\n", 1);
    h.data(C2S, b"EHLO client\r\n", 2);
    h.data(S2C, b"250-mail.example.test\r\n250 STARTTLS\r\n", 3);
    h.data(C2S, b"STARTTLS\r\n", 4);
    h.data(S2C, b"220 2.0.0 Ready to start TLS\r\n", 5);
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 6);
    let kinds = h.kinds();
    assert!(matches!(kinds[0], EventKind::NotTls { .. }), "{kinds:?}");
    assert!(matches!(kinds[1], EventKind::NotTls { .. }), "{kinds:?}");
    assert!(
        matches!(kinds.last().unwrap(), EventKind::ClientHello(_)),
        "{kinds:?}"
    );
    assert_eq!(h.out.last().unwrap().frames, vec![6]);
}

#[test]
fn conn_connect_request_and_hello_in_one_segment_upgrades() {
    let mut h = Harness::new();
    let mut bytes = b"CONNECT example.test:443 HTTP/1.1\r\nHost: example.test\r\n\r\n".to_vec();
    bytes.extend_from_slice(&rec(22, 0x0301, &tls13_client_hello()));
    h.data(C2S, &bytes, 1);
    let kinds = h.kinds();
    assert!(matches!(kinds[0], EventKind::NotTls { .. }), "{kinds:?}");
    assert!(matches!(kinds[1], EventKind::ClientHello(_)), "{kinds:?}");
}

#[test]
fn conn_plaintext_beyond_upgrade_limit_is_given_up() {
    let mut h = Harness::new();
    h.data(C2S, b"GET / HTTP/1.1\r\n", 1);
    let filler = vec![b'a'; 70 * 1024];
    h.data(C2S, &filler, 2);
    h.data(C2S, &rec(22, 0x0301, &tls13_client_hello()), 3);
    h.data(S2C, b"HTTP/1.1 200 OK\r\n", 4);
    h.data(S2C, &filler, 5);
    assert!(
        !h.kinds()
            .iter()
            .any(|k| matches!(k, EventKind::ClientHello(_))),
        "no ClientHello after the scan limit"
    );
    assert!(h.conn.finished());
}
