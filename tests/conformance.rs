//! Conformance against the shared public corpus (`../shared/corpus`), skipped
//! cleanly when it is absent (a user's clone has no `../shared`).
//!
//! 1. Every pcap/pcapng in the corpus opens (or is refused with a reason) and
//!    is analyzed without panic.
//! 2. Per TCP connection, ClientHello count, SNI, negotiated version and
//!    cipher agree with `expected/tshark_reference_handshakes.jsonl`
//!    (tshark 4.0.17). The agreement rates are printed; each must stay at or
//!    above [`MIN_AGREEMENT`].
//! 3. No false failure on the connections the owners publish with the
//!    server's answer (`expected/handshakes_owner_published.jsonl`).
//! 4. Frame counts equal `expected/capinfos.tsv` for every capture, NetMon
//!    included, and damaged files stop where capinfos stops.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use tlstriage::pipeline::{self, Options};
use tlstriage::report::{Record, Sink, Summary};

/// Required agreement per field (fraction of reference connections).
const MIN_AGREEMENT: f64 = 0.99;

fn corpus() -> Option<PathBuf> {
    let p = crate::support::root().join("../shared/corpus");
    if p.join("expected/tshark_reference_handshakes.jsonl")
        .is_file()
    {
        Some(p)
    } else {
        eprintln!("conformance: ../shared/corpus absent, skipped");
        None
    }
}

/// What one handshake record says, in the reference's terms.
#[derive(Debug, Clone, Default)]
struct Seen {
    client: String,
    server: String,
    client_hellos: u64,
    sni: Option<String>,
    version: Option<u16>,
    cipher: Option<u16>,
}

#[derive(Default)]
struct Collect {
    seen: Vec<Seen>,
}

fn addr(a: &SocketAddr) -> String {
    // The reference writes IPv6 without brackets.
    format!("{}:{}", a.ip(), a.port())
}

impl Sink for Collect {
    fn record(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        let h = r.handshake;
        let chs = h.client_hello.is_some() as u64 + h.retried_client_hello.is_some() as u64;
        self.seen.push(Seen {
            client: addr(&h.client),
            server: addr(&h.server),
            client_hellos: chs,
            sni: h.client_hello.as_ref().and_then(|c| c.sni.clone()),
            version: h.server_hello.as_ref().map(|s| s.version.0),
            cipher: h
                .server_hello
                .as_ref()
                .and_then(|s| s.cipher_suite)
                .map(|c| c.0),
        });
        Ok(())
    }
    fn summary(&mut self, _: &Summary) -> std::io::Result<()> {
        Ok(())
    }
}

fn analyze(path: &Path) -> Result<Vec<Seen>, String> {
    let mut c = Collect::default();
    let f = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // A file seeks: NetMon captures are read too.
    pipeline::analyze_seekable(f, "corpus", &Options::default(), &mut c)
        .map_err(|e| e.to_string())?;
    Ok(c.seen)
}

/// All attempts of one connection as one: hellos counted, first values kept.
fn merge(v: &[&Seen]) -> Seen {
    let mut m = Seen::default();
    for s in v {
        if m.client.is_empty() {
            m.client = s.client.clone();
            m.server = s.server.clone();
        }
        m.client_hellos += s.client_hellos;
        m.sni = m.sni.take().or_else(|| s.sni.clone());
        m.version = m.version.or(s.version);
        m.cipher = m.cipher.or(s.cipher);
    }
    m
}

fn hex16(v: &serde_json::Value) -> Option<u16> {
    let s = v.as_str()?;
    u16::from_str_radix(s.strip_prefix("0x")?, 16).ok()
}

#[test]
fn conformance_every_corpus_capture_opens_without_panic() {
    let Some(corpus) = corpus() else { return };
    let files = crate::support::files_with_ext(&corpus, &["pcap", "pcapng", "cap"]);
    assert!(!files.is_empty());
    let (mut ok, mut refused) = (0, Vec::new());
    for f in &files {
        match analyze(f) {
            Ok(_) => ok += 1,
            Err(e) => refused.push(format!("{}: {e}", f.display())),
        }
    }
    eprintln!(
        "conformance: {} captures, {ok} analyzed, {} refused",
        files.len(),
        refused.len()
    );
    for r in &refused {
        eprintln!("  refused {r}");
        // Only formats this version does not read may be refused.
        assert!(
            r.contains(".cap:") || r.contains("Network Monitor") || r.contains("NetMon"),
            "a pcap/pcapng was refused: {r}"
        );
    }
}

#[test]
fn conformance_handshakes_agree_with_tshark_reference() {
    let Some(corpus) = corpus() else { return };
    let text =
        std::fs::read_to_string(corpus.join("expected/tshark_reference_handshakes.jsonl")).unwrap();
    let rows: Vec<serde_json::Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| r["transport"] == "tcp" && !r["client"].is_null())
        .collect();
    let mut by_file: HashMap<String, Vec<&serde_json::Value>> = HashMap::new();
    for r in &rows {
        by_file
            .entry(r["file"].as_str().unwrap().to_string())
            .or_default()
            .push(r);
    }
    let mut files: Vec<_> = by_file.keys().cloned().collect();
    files.sort();
    let fields = ["client_hello_count", "sni", "version", "cipher"];
    let mut agree = [0u64; 4];
    let mut total = 0u64;
    let mut skipped = 0u64;
    let mut disagreements = Vec::new();
    for file in files {
        let refs = &by_file[&file];
        let seen = match analyze(&corpus.join(&file)) {
            Ok(s) => s,
            Err(e) => {
                // Formats this version refuses (NetMon) are counted apart.
                skipped += refs.len() as u64;
                eprintln!("  skipped {file}: {e}");
                continue;
            }
        };
        // Our records per connection key, in order of appearance.
        let mut ours: HashMap<(String, String), Vec<&Seen>> = HashMap::new();
        for s in &seen {
            ours.entry((s.client.clone(), s.server.clone()))
                .or_default()
                .push(s);
        }
        let mut used: HashMap<(String, String), usize> = HashMap::new();
        let mut refs_sorted = refs.clone();
        refs_sorted.sort_by_key(|r| r["first_frame"].as_u64().unwrap_or(0));
        for r in refs_sorted {
            total += 1;
            let c = r["client"].as_str().unwrap().to_string();
            let s = r["server"].as_str().unwrap().to_string();
            let key = if ours.contains_key(&(c.clone(), s.clone())) {
                (c, s)
            } else {
                (s, c)
            };
            let n = used.entry(key.clone()).or_default();
            let same_key = refs
                .iter()
                .filter(|x| {
                    let (c, s) = (x["client"].as_str(), x["server"].as_str());
                    (c == Some(&key.0) && s == Some(&key.1))
                        || (c == Some(&key.1) && s == Some(&key.0))
                })
                .count();
            let mine: Seen = match ours.get(&key) {
                // One reference connection for this address pair: all our
                // attempts on it belong to it (a ClientHello repeated after a
                // HelloRetryRequest the capture did not show makes two).
                Some(v) if same_key == 1 => merge(v),
                Some(v) => v.get(*n).map(|s| (*s).clone()).unwrap_or_default(),
                None => Seen::default(),
            };
            *n += 1;
            let want_chs = r["client_hello_count"].as_u64().unwrap_or(0);
            let want_sni = r["sni"].as_str().map(str::to_string);
            // The reference counts HelloRetryRequests apart from ServerHellos.
            let want_version = if r["server_hello_count"].as_u64().unwrap_or(0) > 0 {
                hex16(&r["selected_version"]).or_else(|| hex16(&r["server_version"]))
            } else {
                None
            };
            let want_cipher = if want_version.is_some() {
                hex16(&r["cipher"])
            } else {
                None
            };
            let checks = [
                mine.client_hellos == want_chs,
                mine.sni == want_sni,
                // SSLv2 server hellos carry no TLS version: compare as absent.
                r["sslv2_server_hello"] == true || mine.version == want_version,
                r["sslv2_server_hello"] == true || mine.cipher == want_cipher,
            ];
            for (i, ok) in checks.iter().enumerate() {
                if *ok {
                    agree[i] += 1;
                } else {
                    disagreements.push(format!(
                        "{file} {}→{} frame {}: {} differs (ours {:?})",
                        r["client"].as_str().unwrap(),
                        r["server"].as_str().unwrap(),
                        r["first_frame"],
                        fields[i],
                        mine
                    ));
                }
            }
        }
    }
    eprintln!("conformance: {total} reference TCP connections ({skipped} in refused files)");
    let compared = total;
    for d in &disagreements {
        eprintln!("  {d}");
    }
    let mut low = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let rate = agree[i] as f64 / compared.max(1) as f64;
        eprintln!(
            "conformance: {f}: {}/{compared} = {:.2}%",
            agree[i],
            rate * 100.0
        );
        if rate < MIN_AGREEMENT {
            low.push(format!("{f} {:.2}%", rate * 100.0));
        }
    }
    assert!(compared > 0);
    assert!(low.is_empty(), "agreement below {MIN_AGREEMENT}: {low:?}");
}

/// "2600:1f13:00f8::1:443" or "1.2.3.4:443" (the owners' spelling) → a socket address.
fn owner_addr(s: &str) -> Option<SocketAddr> {
    let (ip, port) = s.rsplit_once(':')?;
    Some(SocketAddr::new(ip.parse().ok()?, port.parse().ok()?))
}

/// The finding code an owner's failure test name calls for.
fn owner_failure_code(test_name: &str) -> Option<&'static str> {
    let t = test_name.to_ascii_lowercase();
    if !(t.contains("error") || t.contains("invalid") || t.contains("fail")) {
        return None;
    }
    if t.contains("cipher") {
        Some("no-shared-cipher")
    } else if t.contains("version") {
        Some("version-mismatch")
    } else if t.contains("cert") {
        Some("certificate-")
    } else {
        Some("")
    }
}

/// No false failure: every connection the owners published with the
/// server's answer (its version, cipher or JA3S) gets no error-severity
/// finding from tlstriage — unless the owner's own test is a failure test
/// ("TLS Cipher Error"…), whose cause must then be the one it names. (No
/// row of this corpus edition sets `established` itself; the server's
/// published answer is the strongest "this worked" the owners give.)
#[test]
fn conformance_owner_published_handshakes_have_no_false_failure() {
    let Some(corpus) = corpus() else { return };
    let text =
        std::fs::read_to_string(corpus.join("expected/handshakes_owner_published.jsonl")).unwrap();
    let mut by_file: HashMap<String, Vec<serde_json::Value>> = HashMap::new();
    let (mut rows, mut matched, mut failures_named) = (0, 0, 0);
    let mut wrong = Vec::new();
    for line in text.lines() {
        let o: serde_json::Value = serde_json::from_str(line).unwrap();
        if o["transport"] == "udp" || o["client"].is_null() {
            continue;
        }
        if o["cipher"].is_null() && o["ja3s"].is_null() && o["version"].is_null() {
            continue;
        }
        let file = o["file"].as_str().unwrap().to_string();
        let (Some(client), Some(server)) = (
            owner_addr(o["client"].as_str().unwrap()),
            o["server"].as_str().and_then(owner_addr),
        ) else {
            continue;
        };
        rows += 1;
        let lines = by_file.entry(file.clone()).or_insert_with(|| {
            let bytes = std::fs::read(corpus.join(&file)).unwrap_or_default();
            crate::support::analyze_bytes(&bytes, &file).unwrap_or_default()
        });
        let ours: Vec<&serde_json::Value> = crate::support::handshakes(lines)
            .into_iter()
            .filter(|h| {
                h["client"].as_str() == Some(&client.to_string())
                    && h["server"].as_str() == Some(&server.to_string())
            })
            .collect();
        if ours.is_empty() {
            continue;
        }
        matched += 1;
        let errors: Vec<String> = ours
            .iter()
            .flat_map(|h| h["findings"].as_array().unwrap().iter())
            .filter(|f| f["severity"] == "error")
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect();
        let expect = o["test_name"].as_str().and_then(owner_failure_code);
        match expect {
            Some(prefix) => {
                failures_named += 1;
                if !errors.iter().any(|c| c.starts_with(prefix)) {
                    wrong.push(format!(
                        "{file} {client}: owner test {:?}, ours {errors:?}",
                        o["test_name"]
                    ));
                }
            }
            None if !errors.is_empty() => wrong.push(format!(
                "{file} {client}: owner shows the server's answer, ours {errors:?}"
            )),
            None => {}
        }
    }
    eprintln!(
        "conformance: {rows} owner-published answered connections, {matched} matched, {failures_named} owner failure tests, {} disagreements",
        wrong.len()
    );
    assert!(
        matched as f64 >= rows as f64 * MIN_AGREEMENT,
        "only {matched} of {rows} owner rows matched a handshake"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every capture listed in `expected/capinfos.tsv` (pcap, pcapng and NetMon)
/// is read to its end: the frame count equals Wireshark's, and a damaged file
/// stops exactly where capinfos stopped.
#[test]
fn conformance_frame_counts_equal_capinfos() {
    let Some(corpus) = corpus() else { return };
    let tsv = std::fs::read_to_string(corpus.join("expected/capinfos.tsv")).unwrap();
    let (mut agree, mut total) = (0u32, 0u32);
    let mut wrong = Vec::new();
    for line in tsv.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let Some(path) = cols.first() else { continue };
        let Ok(file) = std::fs::File::open(corpus.join(path)) else {
            continue; // the header line, or a file not in this corpus edition
        };
        // capinfos on a damaged capture: "An error occurred after reading N packets".
        let damaged: Option<u64> = line
            .split("after reading ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok());
        let expected: Option<u64> = cols.get(3).and_then(|c| c.parse().ok());
        let (count, error) = match tlstriage::capture::Reader::open_seekable(file) {
            Ok(mut r) => {
                let mut err = None;
                loop {
                    match r.next_frame() {
                        Ok(Some(_)) => {}
                        Ok(None) => break,
                        Err(e) => {
                            err = Some(e.to_string());
                            break;
                        }
                    }
                }
                (Some(r.frames()), err)
            }
            Err(e) => (None, Some(e.to_string())),
        };
        total += 1;
        let ok = match (expected, damaged) {
            (Some(n), _) => count == Some(n) && error.is_none(),
            (None, Some(n)) => count == Some(n) && error.is_some(),
            (None, None) => false,
        };
        if ok {
            agree += 1;
        } else {
            wrong.push(format!(
                "{path}: capinfos {expected:?}/{damaged:?}, ours {count:?} {error:?}"
            ));
        }
    }
    eprintln!("conformance: frame counts agree with capinfos on {agree} of {total}");
    assert!(total > 0);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
