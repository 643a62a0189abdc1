//! Host certificate and event parsers against the real message catalogues in
//! `../shared/reference/windows-samples` (skipped cleanly when the folder is
//! absent), and through `Snapshot::add_text` for the section shapes the
//! sniffer recognises.
//!
//! The catalogue tests build a small event around every Schannel and HTTP.sys
//! wording of every Windows build at test time (nothing of the catalogues is
//! copied here), then check that the numbers put into the wording come back.

use std::path::PathBuf;

use tlstriage::host::events::{
    http_endpoint, message_facts, parse_viewer_text, parse_wevtutil_text, parse_xml,
};
use tlstriage::host::input::{Encoding, lines};
use tlstriage::host::{KeyState, Snapshot, Src, certs};

const SRC: Src<'static> = Src { file: "built.txt" };

fn samples() -> Option<PathBuf> {
    let dir = crate::support::root().join("../shared/reference/windows-samples");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("host_events: ../shared/reference/windows-samples absent, skipped");
        None
    }
}

/// `(build, event id, template)` of a catalogue file: lines
/// `0x… (event id N) | text` under `## <build>` headers.
fn catalogue(text: &str) -> Vec<(String, u32, String)> {
    let mut build = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        if let Some(b) = line.strip_prefix("## ") {
            build = b.trim().to_string();
            continue;
        }
        let Some((head, template)) = line.split_once(" | ") else {
            continue;
        };
        let Some(id) = head
            .split_once("(event id ")
            .and_then(|(_, r)| r.strip_suffix(')'))
            .and_then(|n| n.parse().ok())
        else {
            continue;
        };
        out.push((build.clone(), id, template.to_string()));
    }
    out
}

/// A catalogue template as Windows renders it: `%n` and the escaped CR LF as
/// line breaks, insertion strings replaced (`0x%2` first, so that a build
/// printing `0x` itself gets the bare hex digits).
fn render(template: &str, args: &[(&str, &str)]) -> String {
    let mut s = template
        .replace("\\r\\n", "\n")
        .replace("%n", "\n")
        .replace("0x%2", "0x8009030D");
    for (k, v) in args {
        s = s.replace(k, v);
    }
    s
}

fn wevtutil_event(provider: &str, id: u32, message: &str) -> String {
    format!(
        "Event[0]:\n  Log Name: System\n  Source: {provider}\n  Date: 2024-03-02T09:05:11.000\n  \
         Event ID: {id}\n  Task: N/A\n  Level: Error\n  Description:\n{message}\n"
    )
}

#[test]
fn schannel_catalogue_every_wording_yields_its_numbers() {
    let Some(dir) = samples() else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("libyal-winevt-kb_schannel-messages-lsasrv.txt"))
        .expect("catalogue readable");
    let entries = catalogue(&text);
    let mut checked = std::collections::BTreeMap::<u32, usize>::new();
    for (build, id, template) in &entries {
        let args: &[(&str, &str)] = match id {
            36870 => &[("%1", "server"), ("%2", "0x8009030D"), ("%3", "10001")],
            36871 => &[("%1", "server"), ("%2", "10013")],
            36874 => &[("%1", "TLS 1.2")],
            36876 | 36877 => &[("0x%1", "0x800B0109"), ("%1", "0x800B0109")],
            36887 => &[("%1", "46")],
            36888 => &[("%1", "40"), ("%2", "1205"), ("%3", "shop.fabrikam.test")],
            _ => continue,
        };
        let message = render(template, args);
        let mut snap = Snapshot::default();
        parse_wevtutil_text(
            &SRC,
            &lines(&wevtutil_event("Schannel", *id, &message)),
            &mut snap,
        );
        let ctx = format!("build {build}, event {id}: {message:?}");
        assert_eq!(snap.events.len(), 1, "{ctx}");
        assert!(snap.warnings.is_empty(), "{ctx}: {:?}", snap.warnings);
        let e = &snap.events[0];
        assert_eq!(e.id, *id, "{ctx}");
        let has = |p: &str| template.contains(p);
        match id {
            36870 => {
                assert_eq!(e.status, Some(0x8009_030d), "{ctx}");
                assert_eq!(e.error_state, has("%3").then_some(10001), "{ctx}");
            }
            36871 => assert_eq!(e.error_state, has("%2").then_some(10013), "{ctx}"),
            36874 => assert_eq!(
                e.protocol.as_deref(),
                has("%1").then_some("TLS 1.2"),
                "{ctx}"
            ),
            36876 | 36877 => assert_eq!(e.status, Some(0x800b_0109), "{ctx}"),
            36887 => assert_eq!((e.alert, e.error_state), (Some(46), None), "{ctx}"),
            36888 => {
                assert_eq!(e.alert, Some(40), "{ctx}");
                assert_eq!(e.error_state, has("%2").then_some(1205), "{ctx}");
            }
            _ => unreachable!(),
        }
        // The extractor alone agrees with the parsed event.
        let f = message_facts(&message);
        assert_eq!(
            (f.alert, f.error_state, f.status),
            (e.alert, e.error_state, e.status),
            "{ctx}"
        );
        *checked.entry(*id).or_default() += 1;
    }
    // Every build of the catalogue has these events: none may be skipped.
    let builds = entries
        .iter()
        .map(|(b, _, _)| b)
        .collect::<std::collections::BTreeSet<_>>();
    for id in [36870, 36871, 36874, 36876, 36877] {
        assert_eq!(checked.get(&id), Some(&builds.len()), "event {id}");
    }
    // The alert events exist from Windows 7 / 2008 R2 on.
    assert!(checked.get(&36887).is_some_and(|&n| n >= 7), "{checked:?}");
    assert!(checked.get(&36888).is_some_and(|&n| n >= 7), "{checked:?}");
}

#[test]
fn schannel_catalogue_wordings_read_the_same_from_viewer_copies_and_xml() {
    let Some(dir) = samples() else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("libyal-winevt-kb_schannel-messages-lsasrv.txt"))
        .expect("catalogue readable");
    let mut n = 0;
    for (build, id, template) in catalogue(&text) {
        if id != 36888 {
            continue;
        }
        let message = render(&template, &[("%1", "70"), ("%2", "105"), ("%3", "x.test")]);
        let viewer = format!(
            "Log Name:      System\nSource:        Schannel\nDate:          3/2/2024 9:05:11 AM\n\
             Event ID:      36888\nTask Category: None\nLevel:         Error\nKeywords:\n\
             User:          SYSTEM\nComputer:      web01\nDescription:\n{message}\n"
        );
        let mut snap = Snapshot::default();
        parse_viewer_text(&SRC, &lines(&viewer), &mut snap);
        assert_eq!(snap.events.len(), 1, "{build}");
        assert_eq!(snap.events[0].alert, Some(70), "{build}");
        assert_eq!(
            snap.events[0].error_state,
            template.contains("%2").then_some(105),
            "{build}"
        );

        // RenderingInfo only, no EventData: the message is all there is.
        let escaped = message.replace('&', "&amp;").replace('<', "&lt;");
        let xml = format!(
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>\
             <Provider Name='Schannel'/><EventID>36888</EventID></System>\
             <RenderingInfo Culture='en-US'><Message>{escaped}</Message></RenderingInfo></Event>"
        );
        let mut snap = Snapshot::default();
        parse_xml(&SRC, &lines(&xml), &mut snap);
        assert_eq!(snap.events.len(), 1, "{build}");
        assert_eq!(snap.events[0].alert, Some(70), "{build}");
        n += 1;
    }
    assert!(n >= 7, "{n} wordings");
}

#[test]
fn http_catalogue_every_wording_names_its_endpoint() {
    let Some(dir) = samples() else {
        return;
    };
    let text =
        std::fs::read_to_string(dir.join("libyal-winevt-kb_httpevent-messages-http.sys.txt"))
            .expect("catalogue readable");
    let mut n = 0;
    for (build, id, template) in catalogue(&text) {
        if ![15005, 15021, 15300, 15301, 15302].contains(&id) {
            continue;
        }
        assert!(template.contains("%2"), "{build} {id}");
        let message = render(
            &template,
            &[("%1", "\\Device\\Http\\ReqQueue"), ("%2", "0.0.0.0:443")],
        );
        let viewer = format!(
            "Log Name:      System\nSource:        Microsoft-Windows-HttpEvent\n\
             Date:          3/2/2024 9:05:11 AM\nEvent ID:      {id}\nLevel:         Error\n\
             Description:\n{message}\n"
        );
        let mut snap = Snapshot::default();
        parse_viewer_text(&SRC, &lines(&viewer), &mut snap);
        assert_eq!(snap.events.len(), 1, "{build} {id}");
        assert!(
            snap.warnings.is_empty(),
            "{build} {id}: {:?}",
            snap.warnings
        );
        assert_eq!(
            http_endpoint(&snap.events[0]).as_deref(),
            Some("0.0.0.0:443"),
            "{build} {id}: {message:?}"
        );
        n += 1;
    }
    assert!(n >= 30, "{n} wordings");
}

#[test]
fn support_article_event_renderings_are_read() {
    let Some(dir) = samples() else {
        return;
    };
    let text = std::fs::read_to_string(
        dir.join("ms-supportarticles__iis-ssl-troubleshooter__event-and-netsh-excerpts.txt"),
    )
    .expect("excerpts readable");
    // Chunks between the `---- … ----` separators that hold an event.
    let mut snap = Snapshot::default();
    let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    for chunk in body.split(|l| l.starts_with("---- ")) {
        let chunk = chunk.join("\n");
        if chunk.contains("Event ID:") {
            parse_viewer_text(&SRC, &lines(&chunk), &mut snap);
        }
    }
    let got: Vec<_> = snap
        .events
        .iter()
        .map(|e| (e.provider.as_str(), e.id, e.status, http_endpoint(e)))
        .collect();
    assert_eq!(
        got,
        vec![
            ("Schannel", 36870, Some(0x8009_0016), None),
            ("Schannel", 36870, Some(0x8009_001a), None),
            (
                "Microsoft-Windows-HttpEvent",
                15300,
                None,
                Some("x.x.x.x:443".to_string())
            ),
        ],
        "{:?}",
        snap.warnings
    );
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
}

#[test]
fn every_sample_file_through_every_parser_does_not_panic() {
    let Some(dir) = samples() else {
        return;
    };
    let mut files = 0;
    for entry in std::fs::read_dir(dir).expect("folder readable").flatten() {
        let bytes = std::fs::read(entry.path()).expect("sample readable");
        let text = tlstriage::host::input::decode(&bytes).text;
        let l = lines(&text);
        let mut snap = Snapshot::default();
        certs::parse_certutil(&SRC, &l, &mut snap);
        certs::parse_verify(&SRC, &l, &mut snap);
        certs::parse_powershell(&SRC, &l, &mut snap);
        certs::parse_powershell_json(&SRC, &l, &mut snap);
        parse_wevtutil_text(&SRC, &l, &mut snap);
        parse_viewer_text(&SRC, &l, &mut snap);
        parse_xml(&SRC, &l, &mut snap);
        files += 1;
    }
    assert!(files > 0);
}

// ---------------------------------------------------------------------------
// Built texts, through the sniffer (no sample needed)

const CERTUTIL: &str = "\
C:\\>certutil -store my
my \"Personal\"
================ Certificate 0 ================
Serial Number: 61000000aa
Issuer: CN=Fabrikam Issuing CA
 NotBefore: 3/2/2024 9:05 AM
 NotAfter: 3/2/2026 9:05 PM
Subject: CN=web01.fabrikam.test
Non-root Certificate
Cert Hash(sha1): 01 23 45 67 89 ab cd ef 01 23 45 67 89 ab cd ef 01 23 45 67
  Key Container = 1f2e3d4c_9a8b7c6d
  Provider = Microsoft RSA SChannel Cryptographic Provider
Missing stored keyset

================ Certificate 1 ================
Serial Number: 61000000ab
Subject: CN=old.fabrikam.test
Cert Hash(sha1): 89abcdef0123456789abcdef0123456789abcdef
No key provider information
Cannot find the certificate and private key for decryption.
CertUtil: -store command completed successfully.
";

#[test]
fn add_text_certutil_store_reaches_the_parser() {
    let mut snap = Snapshot::default();
    snap.add_text("certs.txt", Encoding::Utf8, CERTUTIL);
    assert_eq!(snap.certs.len(), 2, "{:?}", snap.warnings);
    assert_eq!(
        snap.certs[0].thumbprint.as_deref(),
        Some("0123456789abcdef0123456789abcdef01234567")
    );
    assert_eq!(snap.certs[0].key, KeyState::MissingKeyset);
    assert_eq!(snap.certs[0].evidence.file, "certs.txt");
    assert_eq!(snap.certs[0].evidence.line, 3);
    assert_eq!(snap.certs[1].key, KeyState::NoKey);
    assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
}

#[test]
fn add_text_wevtutil_and_xml_reach_the_parsers() {
    let mut snap = Snapshot::default();
    let text = wevtutil_event(
        "Schannel",
        36888,
        "A fatal alert was generated and sent to the remote endpoint. This may result in termination of the \
         connection. The TLS protocol defined fatal alert code is 40.",
    );
    snap.add_text("events.txt", Encoding::Utf8, &text);
    let xml = "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>\
               <Provider Name=\"Schannel\"/><EventID>36888</EventID></System><EventData>\
               <Data Name=\"AlertDesc\">70</Data><Data Name=\"ErrorState\">105</Data></EventData></Event>\n";
    snap.add_text("events.xml", Encoding::Utf16LeBom, xml);
    let got: Vec<_> = snap
        .events
        .iter()
        .map(|e| (e.evidence.file.as_str(), e.alert, e.error_state))
        .collect();
    assert_eq!(
        got,
        vec![
            ("events.txt", Some(40), None),
            ("events.xml", Some(70), Some(105))
        ],
        "{:?}",
        snap.warnings
    );
}

#[test]
fn add_text_powershell_list_reaches_the_parser() {
    let mut snap = Snapshot::default();
    snap.add_text(
        "ps.txt",
        Encoding::Utf16LeBom,
        "\r\nPSPath        : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\89ABCDEF0123456789ABCDEF0123456789ABCDEF\r\n\
         EnhancedKeyUsageList : {Client Authentication (1.3.6.1.5.5.7.3.2)}\r\n\
         HasPrivateKey : True\r\nThumbprint    : 89ABCDEF0123456789ABCDEF0123456789ABCDEF\r\n\r\n",
    );
    assert_eq!(snap.certs.len(), 1, "{:?}", snap.warnings);
    assert_eq!(snap.certs[0].store, "my");
    assert_eq!(
        snap.certs[0].eku,
        Some(vec!["1.3.6.1.5.5.7.3.2".to_string()])
    );
}

#[test]
fn add_text_german_certutil_warns_without_a_cert() {
    let mut snap = Snapshot::default();
    snap.add_text(
        "de.txt",
        Encoding::Windows1252,
        "================ Certificate 0 ================\nSeriennummer: 1a\n\
         Zertifikathash(sha1): 0123456789abcdef0123456789abcdef01234567\n  Schlüsselcontainer = x\n",
    );
    assert!(snap.certs.is_empty());
    assert!(
        snap.warnings.iter().any(|w| w.message.contains("German")),
        "{:?}",
        snap.warnings
    );
}

/// Every prefix of every built text, through every parser: no panic, and
/// never more events or certificates than the whole text gives.
#[test]
fn truncated_built_texts_do_not_panic() {
    let event = wevtutil_event(
        "Schannel",
        36870,
        "A fatal error occurred when attempting to access the TLS server credential private key. \
         The error code returned from the cryptographic module is 0x8009030D. The internal error state is 10001.",
    );
    let xml = "<Events><Event xmlns='e'><System><Provider Name='Schannel'/><EventID>36887</EventID>\
               <TimeCreated SystemTime='2024-03-02T09:05:11Z'/></System><EventData><Data Name='AlertDesc'>48</Data>\
               </EventData><RenderingInfo><Message>A fatal alert was received: 48 &amp; ü</Message></RenderingInfo></Event></Events>";
    for text in [CERTUTIL, event.as_str(), xml] {
        let whole = {
            let mut s = Snapshot::default();
            run_all(text, &mut s);
            s
        };
        for (i, _) in text.char_indices() {
            let mut s = Snapshot::default();
            run_all(&text[..i], &mut s);
            assert!(s.events.len() <= whole.events.len(), "prefix {i}");
            assert!(s.certs.len() <= whole.certs.len(), "prefix {i}");
        }
    }
}

fn run_all(text: &str, snap: &mut Snapshot) {
    let l = lines(text);
    certs::parse_certutil(&SRC, &l, snap);
    certs::parse_verify(&SRC, &l, snap);
    certs::parse_powershell(&SRC, &l, snap);
    certs::parse_powershell_json(&SRC, &l, snap);
    parse_wevtutil_text(&SRC, &l, snap);
    parse_viewer_text(&SRC, &l, snap);
    parse_xml(&SRC, &l, snap);
}
