//! Host registry, Schannel and cipher-suite parsing against the real public
//! samples in `../shared/reference/windows-samples` (skipped cleanly when
//! the folder is absent), plus a UTF-16LE+BOM+CRLF `.reg` built here the
//! way regedit writes it.
//!
//! The samples are read, never copied into the repository: the assertions
//! name the specific values they hold.

use std::path::PathBuf;

use tlstriage::host::ciphers::{self, KeyType};
use tlstriage::host::input;
use tlstriage::host::schannel::{self, OddKeyKind, OsDefault, ProtoState, Protocol, Role};
use tlstriage::host::{Encoding, Kind, RegData, Snapshot, Src};

fn samples() -> Option<PathBuf> {
    let p = crate::support::root().join("../shared/reference/windows-samples");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("host_registry: ../shared/reference/windows-samples absent, skipped");
        None
    }
}

fn read(dir: &std::path::Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// UTF-16LE with BOM and CRLF line ends: what `regedit /e` writes.
fn utf16_bom_crlf(text: &str) -> Vec<u8> {
    let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
    let mut b = vec![0xFF, 0xFE];
    for u in crlf.encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    b
}

const DOTNET_REG: &str = "reg__dotnet-strongcrypto-systemdefaulttls__dotnet-docs.reg";

#[test]
fn dotnet_reg_sample_reads_all_four_views() {
    let Some(dir) = samples() else { return };
    let mut snap = Snapshot::default();
    snap.add_bytes("dotnet.reg", &read(&dir, DOTNET_REG));
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    assert_eq!(snap.files[0].sections, vec![(Kind::RegExport, 1)]);
    assert_eq!(snap.registry.keys.len(), 4);
    let d = schannel::dotnet(&snap);
    assert_eq!(d.len(), 4);
    for v in &d {
        assert_eq!(v.strong_crypto(), Some(1), "{v:?}");
        assert_eq!(v.system_default_tls(), Some(1), "{v:?}");
        assert!(v.key.is_some());
    }
    // v4 64-bit: key on line 15, SchUseStrongCrypto on line 17.
    assert_eq!(d[0].key.as_ref().unwrap().line, 15);
    let sc = d[0].sch_use_strong_crypto.as_ref().unwrap();
    assert_eq!(
        (sc.evidence.file.as_str(), sc.evidence.line),
        ("dotnet.reg", 17)
    );
    assert_eq!(sc.evidence.text, "\"SchUseStrongCrypto\"=dword:00000001");
    // v2 WOW6432Node is the first key of the file.
    assert_eq!(d[3].key.as_ref().unwrap().line, 3);
    assert!(schannel::dotnet_view_mismatches(&snap).is_empty());
    assert!(schannel::wrong_type_values(&snap).is_empty());
}

#[test]
fn dotnet_reg_sample_as_utf16_bom_crlf_reads_the_same() {
    let Some(dir) = samples() else { return };
    let bytes = read(&dir, DOTNET_REG);
    let mut utf8 = Snapshot::default();
    utf8.add_bytes("dotnet.reg", &bytes);
    let text = String::from_utf8(bytes).expect("sample is UTF-8");
    let mut utf16 = Snapshot::default();
    utf16.add_bytes("dotnet.reg", &utf16_bom_crlf(&text));
    assert_eq!(utf16.files[0].encoding, Encoding::Utf16LeBom);
    assert!(utf16.warnings.is_empty(), "{:?}", utf16.warnings);
    assert_eq!(utf16.registry, utf8.registry);
}

/// `"name"=hex(7):…` wrapped like regedit (lines under 80 characters,
/// continued with `\` and a two-space indent).
fn hex7(name: &str, items: &[&str]) -> String {
    let mut units: Vec<u16> = Vec::new();
    for i in items {
        units.extend(i.encode_utf16());
        units.push(0);
    }
    units.push(0);
    let bytes: Vec<String> = units
        .iter()
        .flat_map(|u| u.to_le_bytes())
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut out = format!("\"{name}\"=hex(7):");
    let mut width = out.len();
    for (n, b) in bytes.iter().enumerate() {
        let last = n + 1 == bytes.len();
        let piece = if last { b.clone() } else { format!("{b},") };
        if width + piece.len() > 77 {
            out.push_str("\\\n  ");
            width = 2;
        }
        out.push_str(&piece);
        width += piece.len();
    }
    out.push('\n');
    out
}

#[test]
fn synthetic_utf16_reg_export_gives_schannel_and_suite_facts() {
    let sch = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL";
    let local = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002";
    let text = format!(
        "Windows Registry Editor Version 5.00\n\n\
         [{sch}]\n\"EventLogging\"=dword:00000000\n\n\
         [{sch}\\Protocols\\TLS 1.0\\Server]\n\"Enabled\"=\"0\"\n\n\
         [{sch}\\Protocols\\TLS1.1\\Server]\n\"Enabled\"=dword:00000000\n\n\
         [{sch}\\Protocols\\TLS 1.2\\Server]\n\"Enabled\"=dword:ffffffff\n\"DisabledByDefault\"=dword:00000000\n\n\
         [{sch}\\KeyExchangeAlgorithms\\PKCS]\n\"Enabled\"=dword:00000000\n\n\
         [{local}]\n{}\n",
        hex7(
            "Functions",
            &[
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                "TLS_RSA_WITH_AES_128_CBC_SHA"
            ]
        )
    );
    assert!(text.contains("\\\n  "), "the hex(7) value must wrap");
    let mut snap = Snapshot::default();
    snap.add_bytes("schannel.reg", &utf16_bom_crlf(&text));
    assert_eq!(snap.files[0].encoding, Encoding::Utf16LeBom);
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);

    assert_eq!(schannel::event_logging(&snap).map(|x| x.0), Some(0));
    // REG_SZ "0" is not read by Schannel: no OS given, so unknown.
    assert_eq!(
        schannel::protocol_state(&snap, Protocol::Tls10, Role::Server),
        ProtoState::Unknown
    );
    let wrong = schannel::wrong_type_values(&snap);
    assert_eq!(wrong.len(), 1);
    assert_eq!(wrong[0].value.evidence.line, 7);
    let tls12 = schannel::protocol_state(&snap, Protocol::Tls12, Role::Server);
    assert!(matches!(tls12, ProtoState::Enabled { .. }), "{tls12:?}");
    assert_eq!(
        schannel::nonstandard_enabled(&snap)[0].2.data,
        RegData::Dword(u32::MAX)
    );
    let odd = schannel::unknown_protocol_keys(&snap);
    assert_eq!(odd.len(), 1);
    assert_eq!(
        (odd[0].kind, odd[0].name.as_str(), odd[0].suggestion),
        (OddKeyKind::ProtocolName, "TLS1.1", Some("TLS 1.1"))
    );
    let pkcs = schannel::switch(&snap, schannel::SwitchKind::KeyExchange, "PKCS").unwrap();
    assert_eq!(pkcs.enabled(), Some(false));

    let l = ciphers::local_functions(&snap).unwrap();
    let names: Vec<&str> = l.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
            "TLS_RSA_WITH_AES_128_CBC_SHA"
        ]
    );
    assert_eq!(l.suites[0].evidence.line, 20);
    assert_eq!(ciphers::effective_suites(&snap).unwrap().origin, "local");
}

#[test]
fn get_tls_cipher_suite_clixml_sample_lists_suites_in_order() {
    let Some(dir) = samples() else { return };
    let mut snap = Snapshot::default();
    snap.add_bytes(
        "suites.xml",
        &read(&dir, "css-exchange_GetTlsCipherSuite.clixml.xml"),
    );
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    let l = snap.cipher_suites.as_ref().expect("a suite list");
    assert_eq!(l.origin, "get-tlsciphersuite");
    assert_eq!(l.suites.len(), 8);
    assert_eq!(l.suites[0].name, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    assert_eq!(l.suites[0].id, Some(49196));
    assert_eq!(l.suites[0].evidence.line, 27);
    assert_eq!(l.suites[7].name, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
    assert_eq!(l.suites[7].id, Some(49191));
    for s in &l.suites {
        assert_eq!(ciphers::suite_id(&s.name), s.id, "{}", s.name);
        assert!(ciphers::known_to_windows(&s.name), "{}", s.name);
    }
    let rsa: Vec<&str> = l
        .suites
        .iter()
        .filter(|s| ciphers::fits_key(&s.name, KeyType::Rsa))
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(rsa.len(), 4);
    assert!(ciphers::is_http2_compatible(&l.suites[0].name));
    assert!(!ciphers::is_http2_compatible(&l.suites[7].name));
}

#[test]
fn gpo_clixml_sample_is_the_policy_list() {
    let Some(dir) = samples() else { return };
    let mut snap = Snapshot::default();
    snap.add_bytes(
        "gpo.xml",
        &read(&dir, "css-exchange_TlsCipherGPOPath.clixml.xml"),
    );
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    let p = ciphers::policy_functions(&snap).expect("policy list");
    assert_eq!(p.suites.len(), 9);
    assert_eq!(
        p.suites[0].name,
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"
    );
    assert_eq!(p.suites[8].name, "TLS_RSA_WITH_RC4_128_MD5");
    assert_eq!(p.suites[0].evidence.line, 2);
    assert!(p.suites.iter().all(|s| ciphers::known_to_windows(&s.name)));
    // Nothing in it is HTTP/2-compatible, and nothing fits an ECDSA key.
    assert!(
        !p.suites
            .iter()
            .any(|s| ciphers::is_http2_compatible(&s.name))
    );
    assert!(
        !p.suites
            .iter()
            .any(|s| ciphers::fits_key(&s.name, KeyType::Ecdsa))
    );
    assert_eq!(ciphers::effective_suites(&snap).unwrap().origin, "policy");
}

#[test]
fn local_clixml_sample_is_the_2012r2_default_list() {
    let Some(dir) = samples() else { return };
    let mut snap = Snapshot::default();
    snap.add_bytes(
        "local.xml",
        &read(&dir, "css-exchange_TlsCipherLocalPath.clixml.xml"),
    );
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    let l = ciphers::local_functions(&snap).expect("local list");
    let names: Vec<&str> = l.suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), 40);
    assert_eq!(names, ciphers::os_default_suites(9600).unwrap());
    assert!(ciphers::policy_functions(&snap).is_none());
}

#[test]
fn powershell_docs_format_list_sample_reads_two_suites() {
    let Some(dir) = samples() else { return };
    let bytes = read(
        &dir,
        "ms-powershell-docs__Get-TlsCipherSuite__example-output.txt",
    );
    let text = String::from_utf8(bytes).expect("UTF-8");
    // The `#` lines at the top are provenance added by whoever saved it.
    let text: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let lines = input::lines(&text);
    let mut snap = Snapshot::default();
    ciphers::parse_list(&Src { file: "list.txt" }, &lines, &mut snap);
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
    let l = snap.cipher_suites.unwrap();
    let got: Vec<(&str, Option<u16>)> = l.suites.iter().map(|s| (s.name.as_str(), s.id)).collect();
    assert_eq!(
        got,
        [
            ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Some(49200)),
            ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Some(49199))
        ]
    );
}

/// Build numbers of the rows of Microsoft's protocol table.
fn row_build(label: &str) -> Option<u32> {
    const ROWS: [(&str, u32); 25] = [
        ("Windows Vista/Windows Server 2008", 6001),
        ("Windows Server 2008 with", 6002),
        ("Windows 7/", 7601),
        ("Windows 8/", 9200),
        ("Windows 8.1/", 9600),
        ("Windows 10, version 1507", 10240),
        ("Windows 10, version 1511", 10586),
        ("Windows 10, version 1607", 14393),
        ("Windows 10, version 1703", 15063),
        ("Windows 10, version 1709", 16299),
        ("Windows 10, version 1803", 17134),
        ("Windows 10, version 1809", 17763),
        ("Windows 10, version 1903", 18362),
        ("Windows 10, version 1909", 18363),
        ("Windows 10, version 2004", 19041),
        ("Windows 10, version 20H2", 19042),
        ("Windows 10, version 21H1", 19043),
        ("Windows 10, version 21H2", 19044),
        ("Windows 10, version 22H2", 19045),
        ("Windows Server 2022", 20348),
        ("Windows 11, version 21H2", 22000),
        ("Windows 11, version 22H2", 22621),
        ("Windows 11, version 23H2", 22631),
        ("Windows Server 2025", 26100),
        ("Windows 11, version 24H2", 26100),
    ];
    if label == "Windows 11" {
        return Some(22000);
    }
    ROWS.iter()
        .find(|(p, _)| label.starts_with(p))
        .map(|&(_, b)| b)
}

#[test]
fn protocol_defaults_agree_with_microsoft_table() {
    let Some(dir) = samples() else { return };
    let md = String::from_utf8(read(
        &dir,
        "ms-win32-docs__protocols-in-tls-ssl-schannel-ssp__defaults.md",
    ))
    .expect("UTF-8");
    use Protocol::*;
    use Role::*;
    let mut columns: Vec<Option<(Protocol, Role)>> = Vec::new();
    let mut compared = 0;
    for line in md.lines() {
        let cells: Vec<&str> = line
            .trim()
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .collect();
        if cells.len() < 3 {
            columns.clear();
            continue;
        }
        if cells[0] == "Windows OS" {
            columns = cells[1..]
                .iter()
                .map(|h| {
                    let role = if h.ends_with("Client") {
                        Client
                    } else {
                        Server
                    };
                    let p = match h.split_whitespace().next()? {
                        "TLS" => Protocol::parse(&h[..7])?,
                        "SSL2" => Ssl2,
                        "SSL3" => Ssl3,
                        _ => return None,
                    };
                    Some((p, role))
                })
                .collect();
            continue;
        }
        // The page puts no-break spaces inside some product names.
        let label = cells[0].replace('\u{a0}', " ");
        let Some(build) = row_build(&label) else {
            continue;
        };
        for (cell, col) in cells[1..].iter().zip(&columns) {
            let Some((p, role)) = *col else { continue };
            let want = match *cell {
                "Enabled" => OsDefault::On,
                "Disabled" => OsDefault::Off,
                "Not supported" => OsDefault::Unsupported,
                other => panic!("cell {other:?}"),
            };
            let got = schannel::os_default(p, role, build);
            // The table still says Enabled for TLS 1.0/1.1 on 26100 while the
            // deprecation notice says otherwise (spec §3.2): uncertain.
            if build >= 26100 && matches!(p, Tls10 | Tls11) {
                assert_eq!(got, OsDefault::Uncertain, "{p} {role:?} {build}");
            } else {
                assert_eq!(got, want, "{p} {role:?} on {label} ({build})");
            }
            compared += 1;
        }
    }
    // 26 rows × 8 TLS cells + 19 rows × 4 SSL cells.
    assert!(compared >= 250, "only {compared} cells compared");
}

/// Suite names of the first table of a "TLS Cipher Suites in …" page.
fn first_table(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in md.lines() {
        let cell = line.trim_start_matches('|').split('|').next().unwrap_or("");
        let name: String = cell
            .replace("\\_", "_")
            .split(|c: char| c.is_whitespace() || c == '<')
            .find(|s| !s.is_empty())
            .unwrap_or("")
            .to_string();
        if name.starts_with("TLS_") || name.starts_with("SSL_") {
            out.push(name);
        } else if !out.is_empty() && !line.starts_with('|') {
            break;
        }
    }
    out
}

#[test]
fn default_suite_lists_agree_with_microsoft_pages() {
    let Some(dir) = samples() else { return };
    let pages = [
        ("ms-win32-docs__tls-cipher-suites-in-windows-8-1.md", 9600),
        (
            "ms-win32-docs__tls-cipher-suites-in-windows-10-v1607.md",
            14393,
        ),
        (
            "ms-win32-docs__tls-cipher-suites-in-windows-10-v1809.md",
            17763,
        ),
        (
            "ms-win32-docs__tls-cipher-suites-in-windows-server-2022.md",
            20348,
        ),
        (
            "ms-win32-docs__tls-cipher-suites-in-windows-server-2025.md",
            26100,
        ),
    ];
    for (page, build) in pages {
        let md = String::from_utf8(read(&dir, page)).expect("UTF-8");
        let want = first_table(&md);
        assert!(want.len() > 20, "{page}: {} names", want.len());
        assert_eq!(
            ciphers::os_default_suites(build).unwrap(),
            want.as_slice(),
            "{page}"
        );
        // Every name on the page (enabled or not) is known.
        for line in md.lines().filter(|l| l.starts_with('|')) {
            let name = line[1..]
                .split('|')
                .next()
                .unwrap_or("")
                .replace("\\_", "_");
            let name = name.split_whitespace().next().unwrap_or("");
            let name = name.split('<').next().unwrap_or("");
            if name.starts_with("TLS_") || name.starts_with("SSL_") {
                assert!(ciphers::known_to_windows(name), "{page}: {name}");
            }
        }
    }
    // 23H2 drops exactly the three suites the 2022 page's note names.
    let dropped: Vec<&str> = ciphers::os_default_suites(20348)
        .unwrap()
        .iter()
        .filter(|n| !ciphers::os_default_suites(25398).unwrap().contains(n))
        .copied()
        .collect();
    assert_eq!(
        dropped,
        [
            "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_3DES_EDE_CBC_SHA"
        ]
    );
}

/// Runs every parser of these modules, and every query over the result, on
/// `bytes` (sniffed and unsniffed): nothing may panic.
fn run_all(bytes: &[u8]) -> usize {
    let mut snap = Snapshot::default();
    snap.add_bytes("f", bytes);
    let decoded = input::decode(bytes);
    let lines = input::lines(&decoded.text);
    let src = Src { file: "f" };
    tlstriage::host::registry::parse_reg_query(&src, &lines, &mut snap);
    tlstriage::host::registry::parse_reg_export(&src, &lines, &mut snap);
    tlstriage::host::registry::parse_powershell(&src, &lines, &mut snap);
    ciphers::parse_list(&src, &lines, &mut snap);
    ciphers::parse_clixml(&src, &lines, &mut snap);
    let mut n = snap.registry.keys.len() + snap.warnings.len();
    for role in [Role::Client, Role::Server] {
        n += schannel::protocol_states(&snap, role).len();
    }
    n += schannel::server_protocols_on(&snap).len()
        + schannel::wrong_type_values(&snap).len()
        + schannel::unknown_protocol_keys(&snap).len()
        + schannel::misplaced_values(&snap).len()
        + schannel::switches(&snap).len()
        + schannel::dotnet_view_mismatches(&snap).len()
        + schannel::winhttp(&snap).len();
    if let Some(l) = ciphers::effective_suites(&snap) {
        for s in &l.suites {
            n += usize::from(ciphers::is_http2_compatible(&s.name))
                + usize::from(ciphers::fits_key(&s.name, KeyType::Rsa))
                + usize::from(ciphers::known_to_windows(&s.name));
            let _ = ciphers::runs_on(&s.name, Protocol::Tls12);
        }
    }
    n
}

#[test]
fn host_registry_parsers_survive_truncation_and_bit_flips() {
    let sch = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL";
    let reg = format!(
        "Windows Registry Editor Version 5.00\n\n[{sch}\\Protocols\\TLS 1.2\\Server]\n\"Enabled\"=dword:00000001\n\"Näme\"=\"a\\\\b\\\"c\"\n{}",
        hex7(
            "Functions",
            &["TLS_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA"]
        )
    );
    let query = format!(
        "{sch}\\Protocols\\TLS 1.0\\Server\n    Enabled    REG_DWORD    0x0\n    Functions    REG_MULTI_SZ    TLS_AES_256_GCM_SHA384\\0TLS_AES_128_GCM_SHA256\n    Blob    REG_BINARY    00FF\nERROR: The system was unable to find the specified registry key or value.\n"
    );
    let ps = format!(
        "    Hive: {sch}\\Protocols\n\nName                           Property\n----                           --------\nTLS 1.2                        Enabled : 4294967295\n                               Dätä    : {{1, 2, x}}\n\nEnabled : -1\nPSPath  : Microsoft.PowerShell.Core\\Registry::{sch}\\Protocols\\TLS 1.1\\Client\n"
    );
    let list = "KeyType : 0\nCipherSuite : 49200\nName : TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\nProtocols : {771}\n\nName : TLS_AES_128_GCM_SHA256\n";
    let xml = "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n<Obj RefId=\"0\"><LST><Obj RefId=\"1\"><Props><U32 N=\"CipherSuite\">4866</U32><S N=\"Name\">TLS_AES_256_GCM_SHA384</S></Props></Obj></LST></Obj>\n<S>TLS_AES_128_GCM_SHA256,TLS_x_&amp;_x0041_</S>\n</Objs>\n";
    let mut inputs: Vec<Vec<u8>> = vec![
        reg.clone().into_bytes(),
        utf16_bom_crlf(&reg),
        query.into_bytes(),
        ps.into_bytes(),
        list.as_bytes().to_vec(),
        xml.as_bytes().to_vec(),
    ];
    if let Some(dir) = samples() {
        for f in [
            DOTNET_REG,
            "css-exchange_GetTlsCipherSuite.clixml.xml",
            "css-exchange_TlsCipherGPOPath.clixml.xml",
            "css-exchange_TlsCipherLocalPath.clixml.xml",
            "ms-powershell-docs__Get-TlsCipherSuite__example-output.txt",
        ] {
            inputs.push(read(&dir, f));
        }
    }
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut work = 0;
    for input in &inputs {
        assert!(run_all(input) > 0, "the intact input must yield something");
        let step = (input.len() / 80).max(1);
        for cut in (0..input.len()).step_by(step) {
            work += run_all(&input[..cut]);
        }
        for _ in 0..80 {
            let mut m = input.clone();
            let at = (next() % m.len() as u64) as usize;
            m[at] ^= 1 << (next() % 8);
            work += run_all(&m);
        }
    }
    assert!(work > 0);
}
