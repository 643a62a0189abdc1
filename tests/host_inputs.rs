//! Host inputs end to end through `Snapshot::add_bytes`: the real public
//! samples in `../shared/reference/windows-samples/` (skipped when that
//! folder is absent), a synthetic multi-output export, and robustness —
//! random bytes, truncations and mutations never panic.

use std::path::PathBuf;

use proptest::prelude::*;
use tlstriage::host::{BindingKey, Encoding, Kind, Proto, Snapshot};

/// The samples folder, or `None` (with a note) when it is absent.
fn samples() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/windows-samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: {} is absent", dir.display());
        None
    }
}

/// A sample's bytes with its leading `#` provenance lines blanked (they are
/// not part of the output, SOURCES.md); line numbers stay those of the file.
/// `None` when the file is absent.
fn sample(name: &str) -> Option<Vec<u8>> {
    let path = samples()?.join(name);
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("skipped: {} is absent", path.display());
        return None;
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut in_header = true;
    let out: Vec<&str> = text
        .split('\n')
        .map(|l| {
            in_header &= l.starts_with('#');
            if in_header { "" } else { l }
        })
        .collect();
    Some(out.join("\n").into_bytes())
}

fn read(name: &str, bytes: &[u8]) -> Snapshot {
    let mut snap = Snapshot::default();
    snap.add_bytes(name, bytes);
    snap
}

fn kinds(snap: &Snapshot) -> Vec<Kind> {
    snap.files
        .iter()
        .flat_map(|f| f.sections.iter().map(|(k, _)| *k))
        .collect()
}

const NETSH_SAMPLE: &str =
    "netsh-http-show-sslcert__win10plus-ipport-extended__nbstrat-dotfiles.txt";
const ARTICLE_SAMPLE: &str =
    "ms-supportarticles__iis-ssl-troubleshooter__event-and-netsh-excerpts.txt";

#[test]
fn host_inputs_sample_sslcert_extended_record_parsed() {
    let Some(bytes) = sample(NETSH_SAMPLE) else {
        return;
    };
    let snap = read("sslcert.txt", &bytes);
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    assert_eq!(snap.files[0].sections, [(Kind::SslCert, 1)]);
    assert_eq!(snap.bindings.len(), 1);
    let b = &snap.bindings[0];
    assert_eq!(
        b.key,
        BindingKey::Ip {
            addr: "0.0.0.0:44307".parse().unwrap()
        }
    );
    assert_eq!(
        b.cert_hash.as_deref(),
        Some("61d34f532da121bbab64723c4871e72c92f03735")
    );
    assert_eq!(
        b.app_id.as_deref(),
        Some("{214124cd-d05b-4309-9af9-9caa44b2b74a}")
    );
    assert_eq!(b.store.as_deref(), Some("MY"));
    assert_eq!(
        b.field("Verify Client Certificate Revocation"),
        Some("Enabled")
    );
    assert_eq!(b.field("Disable TLS1.3"), Some("Not Set"));
    assert!(!b.flag_on("Disable TLS1.3"));
    assert!(!b.flag_on("Disable Legacy TLS Versions"));
    assert_eq!(b.field("Ctl Identifier"), Some("(null)"));
    assert_eq!(b.field("Max Settings Per Minute"), Some("4294967295"));
    assert_eq!(b.evidence.line, 4);
    assert_eq!(b.evidence.file, "sslcert.txt");
}

#[test]
fn host_inputs_sample_sslcert_as_utf16_crlf_reads_the_same() {
    let Some(bytes) = sample(NETSH_SAMPLE) else {
        return;
    };
    let text = String::from_utf8(bytes.clone())
        .unwrap()
        .replace('\n', "\r\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    let a = read("a.txt", &bytes);
    let b = read("a.txt", &utf16);
    assert_eq!(b.files[0].encoding, Encoding::Utf16LeBom);
    assert_eq!(a.bindings, b.bindings);
    assert_eq!(b.bindings[0].fields.len(), 30);
}

#[test]
fn host_inputs_sample_sslcert_every_truncation_reads_a_prefix() {
    let Some(bytes) = sample(NETSH_SAMPLE) else {
        return;
    };
    for cut in 0..bytes.len() {
        let snap = read("cut.txt", &bytes[..cut]);
        assert!(snap.bindings.len() <= 1);
        if let Some(b) = snap.bindings.first() {
            assert_eq!(b.key.port(), 44307, "cut at {cut}");
            // A cut hash is never taken for a thumbprint.
            if let Some(h) = &b.cert_hash {
                assert_eq!(h, "61d34f532da121bbab64723c4871e72c92f03735");
            }
        }
    }
}

#[test]
fn host_inputs_sample_iis_article_events_and_table_bindings() {
    let Some(bytes) = sample(ARTICLE_SAMPLE) else {
        return;
    };
    let snap = read("article.txt", &bytes);
    assert_eq!(
        kinds(&snap),
        [Kind::EventViewerText, Kind::SslCert, Kind::EventViewerText]
    );
    assert_eq!(snap.bindings.len(), 2);
    let working = &snap.bindings[0];
    assert_eq!(
        working.key,
        BindingKey::Ip {
            addr: "0.0.0.0:443".parse().unwrap()
        }
    );
    // The article's hash has lost digits: kept raw, never used.
    assert_eq!(working.cert_hash, None);
    assert_eq!(
        working.field("Certificate Hash"),
        Some("c09b416d6b 8d615db22 64079d15638e96823d")
    );
    assert_eq!(
        working.app_id.as_deref(),
        Some("{4dc3e181-e14b-4a21-b022-59fc669b0914}")
    );
    assert_eq!(working.store.as_deref(), Some("My"));
    let broken = &snap.bindings[1];
    assert_eq!(broken.cert_hash, None);
    assert_eq!(broken.field("Certificate Hash"), Some(""));
    assert_eq!(
        broken.app_id.as_deref(),
        Some("{00000000-0000-0000-0000-000000000000}")
    );
    assert_eq!(broken.store.as_deref(), Some("My"));
    let hash_warnings: Vec<_> = snap
        .warnings
        .iter()
        .filter(|w| w.message.contains("Certificate Hash"))
        .collect();
    assert_eq!(hash_warnings.len(), 1);
    assert_eq!(hash_warnings[0].at.line, working.evidence.line);
}

#[test]
fn host_inputs_samples_other_formats_sniffed() {
    let cases = [
        ("css-exchange_GetTlsCipherSuite.clixml.xml", Kind::Clixml),
        ("css-exchange_TlsCipherGPOPath.clixml.xml", Kind::Clixml),
        ("css-exchange_TlsCipherLocalPath.clixml.xml", Kind::Clixml),
        (
            "ms-powershell-docs__Get-TlsCipherSuite__example-output.txt",
            Kind::CipherSuiteList,
        ),
        (
            "reg__dotnet-strongcrypto-systemdefaulttls__dotnet-docs.reg",
            Kind::RegExport,
        ),
    ];
    for (name, kind) in cases {
        let Some(bytes) = sample(name) else {
            return;
        };
        assert_eq!(kinds(&read(name, &bytes)), [kind], "{name}");
    }
}

#[test]
fn host_inputs_samples_reference_texts_are_not_command_output() {
    // Message tables and documentation quote event texts, registry paths
    // and cipher-suite names: none of it may be read as an export.
    let Some(dir) = samples() else {
        return;
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return;
    };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("libyal-") || name.ends_with(".md")) {
            continue;
        }
        let bytes = std::fs::read(e.path()).unwrap();
        let snap = read(&name, &bytes);
        assert!(kinds(&snap).is_empty(), "{name}: {:?}", kinds(&snap));
    }
}

/// One pasted console session holding several outputs (synthetic, written
/// in the commands' formats).
const SESSION: &str = "C:\\Windows\\system32>ver

Microsoft Windows [Version 10.0.20348.2340]

C:\\Windows\\system32>netsh http show sslcert

SSL Certificate bindings:
-------------------------

    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 9f8e7d6c5b4a39281706f5e4d3c2b1a098765432
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Store Name       : MY
    Negotiate Client Certificate : Enabled
    Disable TLS1.3               : Not Set

    Hostname:port                : portal.example.org:443
    Certificate Hash             :
    Application ID               : {00000000-0000-0000-0000-000000000000}
    Certificate Store Name       : (null)


C:\\Windows\\system32>netsh http show iplisten

IP addresses present in the IP listen list:
-------------------------------------------

    192.0.2.10


C:\\Windows\\system32>netstat -anob

Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:443            0.0.0.0:0              LISTENING       4
 Can not obtain ownership information
  TCP    192.0.2.10:443         0.0.0.0:0              LISTENING       3312
 [java.exe]
  UDP    [::]:443               *:*                                    4
 Can not obtain ownership information

C:\\Windows\\system32>reg query \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\" /v ProductName

HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion
    ProductName    REG_SZ    Windows Server 2022 Standard

C:\\Windows\\system32>
";

#[test]
fn host_inputs_console_session_every_output_parsed() {
    let snap = read("session.txt", SESSION.as_bytes());
    assert_eq!(
        snap.files[0].sections,
        [
            (Kind::OsVersion, 3),
            (Kind::SslCert, 7),
            (Kind::IpListen, 25),
            (Kind::Netstat, 33),
            (Kind::RegQuery, 45),
            (Kind::OsVersion, 45),
        ]
    );
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    let os = snap.os.as_ref().unwrap();
    assert_eq!(os.build, Some(20348));
    assert_eq!(os.name.as_deref(), Some("Windows Server 2022 Standard"));
    assert_eq!(snap.bindings.len(), 2);
    assert!(snap.bindings[0].flag_on("Negotiate Client Certificate"));
    assert_eq!(
        snap.bindings[1].key,
        BindingKey::Hostname {
            host: "portal.example.org".into(),
            port: 443
        }
    );
    assert_eq!(snap.bindings[1].cert_hash, None);
    assert_eq!(snap.bindings[1].store, None);
    let listen = snap.ip_listen.as_ref().unwrap();
    assert_eq!(listen.len(), 1);
    assert_eq!(listen[0].addr.to_string(), "192.0.2.10");
    assert!(snap.netstat_seen);
    assert_eq!(snap.sockets.len(), 3);
    assert_eq!(snap.sockets[1].pid, 3312);
    assert_eq!(snap.sockets[1].owner.as_deref(), Some("java.exe"));
    assert_eq!(snap.sockets[2].proto, Proto::Udp);
    assert_eq!(snap.elevated, Some(true));
}

#[test]
fn host_inputs_localized_outputs_warned_not_parsed() {
    let text = "\nAktive Verbindungen\n\n  Proto  Lokale Adresse         Remoteadresse          Status           PID\n  TCP    0.0.0.0:443            0.0.0.0:0              ABHÖREN          4\n";
    // The OEM/ANSI code page a German `cmd >` writes (Ö = 0xD6).
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| if c == 'Ö' { 0xD6 } else { c as u8 })
        .collect();
    let snap = read("netstat-de.txt", &bytes);
    assert_eq!(snap.files[0].encoding, Encoding::Windows1252);
    assert_eq!(kinds(&snap), [Kind::Localized]);
    assert!(snap.sockets.is_empty());
    assert!(!snap.netstat_seen);
    assert_eq!(snap.warnings.len(), 1);
    assert_eq!(snap.warnings[0].at.line, 2);
}

#[test]
fn host_inputs_pathological_inputs_stay_linear() {
    // Shapes that invite look-ahead or back-scans, repeated over ~300 KB
    // (10–40k lines): a quadratic pass would take minutes, the linear one
    // well under a second (a few in a debug build).
    let shapes = [
        "CertUtil: -verify command completed successfully.\n",
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\X\n",
        "a : b\n\n",
        "Label : value\n",
        "Log Name: System\n",
        "    IP:porta : 1.2.3.4:443\n",
        "Event[0]:\n",
        "x:\n-----\n",
    ];
    for shape in shapes {
        let mut text = String::from("\nActive Connections\n");
        while text.len() < 300_000 {
            text.push_str(shape);
        }
        let t = std::time::Instant::now();
        let _ = read("big.txt", text.as_bytes());
        let took = t.elapsed();
        assert!(
            took < std::time::Duration::from_secs(10),
            "{shape:?}: {took:?}"
        );
    }
}

/// Every literal above, for the robustness properties.
fn corpus() -> Vec<Vec<u8>> {
    let mut out = vec![SESSION.as_bytes().to_vec()];
    for name in [NETSH_SAMPLE, ARTICLE_SAMPLE] {
        if let Some(b) = sample(name) {
            out.push(b);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn host_inputs_random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let snap = read("random.bin", &bytes);
        prop_assert_eq!(snap.files.len(), 1);
    }

    #[test]
    fn host_inputs_random_text_never_panics(text in "(\\PC|\n|\r| {4}|:| : |\\[|\\]|=====|REG_|HKEY_|IP:port|Event\\[0\\]:|CertUtil: -)*") {
        let _ = read("random.txt", text.as_bytes());
    }

    #[test]
    fn host_inputs_truncated_and_mutated_literals_never_panic(
        which in 0usize..3,
        cut in 0.0f64..1.0,
        flips in proptest::collection::vec((0.0f64..1.0, any::<u8>()), 0..8),
    ) {
        let corpus = corpus();
        let mut bytes = corpus[which % corpus.len()].clone();
        let len = (bytes.len() as f64 * cut) as usize;
        bytes.truncate(len);
        for (at, b) in flips {
            if !bytes.is_empty() {
                let i = ((bytes.len() as f64 * at) as usize).min(bytes.len() - 1);
                bytes[i] = b;
            }
        }
        let snap = read("mutant.txt", &bytes);
        let lines = snap.files[0].sections.iter().map(|(_, l)| *l).max().unwrap_or(0);
        prop_assert!(lines <= bytes.len() + 1);
    }
}

#[test]
fn host_inputs_registry_normalize_non_ascii_path_keeps_text() {
    // Byte 10 of this path falls inside `é`.
    assert_eq!(
        tlstriage::host::Registry::normalize("HKEY_ééééé\\X"),
        "hkey_ééééé\\x"
    );
    assert_eq!(
        tlstriage::host::Registry::normalize("Registry::HKEY_LOCAL_MACHINE\\A\\"),
        "hklm\\a"
    );
}
#[test]
fn host_inputs_spliced_signature_lines_never_panic() {
    // Files made of random signature and record lines of every format,
    // with non-ASCII, BOM, separators and cuts spliced in: sniffing and
    // every parser must survive each (deterministic PRNG, so a failure
    // reproduces).
    let vocab = [
        "SSL Certificate bindings:",
        "-------------------------",
        "",
        "    IP:port                      : 0.0.0.0:443",
        "IP:port      0.0.0.0:443",
        "    Hostname:port : a.b:443",
        "    Central Certificate Store : 443",
        "    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
        "Certificate Hash",
        " Extended Properties:",
        "IP addresses present in the IP listen list:",
        "    ::1",
        "Active Connections",
        "  Proto  Local Address          Foreign Address        State           PID",
        "  TCP    [fe80::1%4]:443 [::]:0 LISTENING 4",
        "  UDP 0.0.0.0:1 *:* 4",
        " [x.exe]",
        "  RpcSs",
        "The requested operation requires elevation.",
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
        "    CurrentBuild    REG_SZ    17763",
        "Windows Registry Editor Version 5.00",
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]",
        "\"CurrentBuild\"=\"1\"",
        "    Hive: HKEY_LOCAL_MACHINE\\X",
        "PSPath : Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion",
        "CurrentBuild : 1",
        "ProductName : x",
        "my \"Personal\"",
        "================ Certificate 0 ================",
        "================ Zertifikat 0 ================",
        "Issuer:",
        "CertUtil: -verify command completed successfully.",
        "CertUtil: -store command FAILED",
        "CertUtil: x",
        "Thumbprint : 0A",
        "HasPrivateKey : True",
        "Event[0]:",
        "  Log Name: System",
        "Log Name: System",
        "Source: Schannel",
        "Event ID: 1",
        "Event Type: E",
        "Event Source: S",
        "<?xml version=\"1.0\"?>",
        "<Events>",
        "<Event xmlns='x'>",
        "<Objs Version=\"1\">",
        "KeyType : 0",
        "Certificate : RSA",
        "Exchange : ECDH",
        "CipherSuite : 1",
        "Name : x",
        "Protocols : {771}",
        "Microsoft Windows [Version 10.0.17763.1]",
        "OS Name: x",
        "OS Version: 10.0.1 N/A Build 1",
        "C:\\>x",
        "PS C:\\> y",
        "```",
        "Aktive Verbindungen",
        "Zertifikathash(sha1): 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567",
        "    IP:porta : 0.0.0.0:443",
        "x:",
        "Quelle: Schannel",
    ];
    let junk = [
        "é", "ü", "€", ":", " : ", "  ", "[", "]", "%", "\u{feff}", "\r", "ß:", "==",
    ];
    let mut rng: u64 = 0x1234_5678_9abc_def1;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for _ in 0..3_000 {
        let n = (next() % 30) as usize;
        let mut text = String::new();
        for _ in 0..n {
            let mut l = vocab[(next() % vocab.len() as u64) as usize].to_string();
            if next() % 3 == 0 && !l.is_empty() {
                let mut at = (next() as usize) % (l.len() + 1);
                while !l.is_char_boundary(at) {
                    at -= 1;
                }
                l.insert_str(at, junk[(next() % junk.len() as u64) as usize]);
            }
            if next() % 5 == 0 {
                let mut cut = (next() as usize) % (l.len() + 1);
                while !l.is_char_boundary(cut) {
                    cut -= 1;
                }
                l.truncate(cut);
            }
            text.push_str(&l);
            text.push('\n');
        }
        let r = std::panic::catch_unwind(|| read("f.txt", text.as_bytes()));
        assert!(r.is_ok(), "panicked on {text:?}");
        let snap = r.unwrap();
        let lines = tlstriage::host::input::lines(&text).len();
        assert!(
            snap.files[0]
                .sections
                .iter()
                .all(|&(_, l)| l >= 1 && l <= lines)
        );
    }
}
