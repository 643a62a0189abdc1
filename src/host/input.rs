//! Text decoding, lines and section sniffing for host exports (spec §1.2).
//!
//! Input: a file's bytes. Output: its text (UTF-16LE with or without BOM,
//! UTF-8 with or without BOM, else Windows-1252), its [`Line`]s (1-based,
//! `\r` stripped, trailing blanks trimmed), and the [`Section`]s of known
//! command outputs it holds, recognised by content, never by file name.
//! Several outputs may share a file: a section runs from its header to the
//! next header, a pasted prompt (`C:\>…`, `PS C:\> …`) or a Markdown fence;
//! kinds whose header repeats per record (certutil banners, events,
//! Format-List blocks, sslcert records) do not split. Known outputs in
//! another language are recognised by their shape and become
//! [`Kind::Localized`] — reported, never guessed at (spec §1.3).
//! Invariants: linear in the input (bounded look-ahead), never panics
//! (slices by `get`/`strip_prefix`, never by byte index into text).
//! Not done here: parsing a section (each format has its module).

use serde::Serialize;

/// The text encoding detected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-16LE with BOM (regedit, PowerShell 5.1 `>`).
    Utf16LeBom,
    /// UTF-16LE without BOM (detected by its zero high bytes).
    Utf16Le,
    /// UTF-8 with BOM.
    Utf8Bom,
    /// UTF-8 (ASCII included).
    Utf8,
    /// Not UTF-8: read as Windows-1252 (OEM code page output of `cmd >`).
    Windows1252,
}

/// A decoded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// How it was encoded.
    pub encoding: Encoding,
}

/// One line of a decoded file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Line<'a> {
    /// 1-based line number.
    pub no: usize,
    /// The line without `\r` and trailing blanks.
    pub text: &'a str,
}

/// Kinds of command output recognised (spec §1.2 table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// `netsh http show sslcert`.
    SslCert,
    /// `netsh http show iplisten`.
    IpListen,
    /// `netstat -ano` / `-anob`.
    Netstat,
    /// `reg query … /s`.
    RegQuery,
    /// `.reg` export.
    RegExport,
    /// PowerShell registry listing (`Get-ChildItem`/`Get-ItemProperty`).
    PsRegistry,
    /// `certutil -store`.
    Certutil,
    /// `certutil -verifystore` / `-verify`.
    CertutilVerify,
    /// `Get-ChildItem Cert:\… | Format-List *`.
    PsCertList,
    /// `wevtutil qe … /f:text`.
    EventText,
    /// Event Viewer "copy details as text".
    EventViewerText,
    /// Event XML (`wevtutil /f:xml`, saved XML view).
    EventXml,
    /// `Get-TlsCipherSuite | Format-List`.
    CipherSuiteList,
    /// PowerShell CLIXML (`Export-Clixml`).
    Clixml,
    /// `ver`, `systeminfo`, or the CurrentVersion registry values.
    OsVersion,
    /// Output of a known command in another language: reported, not parsed.
    Localized,
}

/// A recognised section: lines `start..end` of the file's line list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// What it is.
    pub kind: Kind,
    /// Index of its first line in the line list.
    pub start: usize,
    /// One past its last line.
    pub end: usize,
}

/// Decodes a file's bytes: BOM first, then BOM-less UTF-16LE, then UTF-8,
/// then Windows-1252.
pub fn decode(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return Decoded {
            text: utf16le(rest),
            encoding: Encoding::Utf16LeBom,
        };
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return Decoded {
            text: String::from_utf8_lossy(rest).into_owned(),
            encoding: Encoding::Utf8Bom,
        };
    }
    if looks_utf16le(bytes) {
        return Decoded {
            text: utf16le(bytes),
            encoding: Encoding::Utf16Le,
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: s.to_string(),
            encoding: Encoding::Utf8,
        },
        Err(_) => Decoded {
            text: bytes.iter().map(|&b| cp1252(b)).collect(),
            encoding: Encoding::Windows1252,
        },
    }
}

/// BOM-less UTF-16LE: most odd bytes zero, few even bytes zero.
fn looks_utf16le(bytes: &[u8]) -> bool {
    let n = bytes.len().min(4096) / 2;
    if n < 4 {
        return false;
    }
    let (mut odd_zero, mut even_zero) = (0, 0);
    for pair in bytes[..n * 2].chunks_exact(2) {
        even_zero += usize::from(pair[0] == 0);
        odd_zero += usize::from(pair[1] == 0);
    }
    odd_zero * 10 >= n * 7 && even_zero * 10 <= n
}

fn utf16le(bytes: &[u8]) -> String {
    let units = bytes
        .chunks_exact(2)
        .map(|p| u16::from_le_bytes([p[0], p[1]]));
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

/// Windows-1252 to Unicode (0x80–0x9F differ from Latin-1).
fn cp1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// Splits text into numbered lines (`\r\n`, `\n` or lone `\r`), trailing
/// blanks trimmed.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    text.split('\n')
        .flat_map(|l| {
            // A lone `\r` inside a line is a line break of its own (old Mac
            // style pastes); a trailing one is the CRLF's.
            let l = l.strip_suffix('\r').unwrap_or(l);
            l.split('\r')
        })
        .enumerate()
        .map(|(i, t)| Line {
            no: i + 1,
            text: t.trim_end(),
        })
        .collect()
}

/// Counts a section's unreadable lines so that a wall of unrelated text
/// pasted after an output gives a few warnings and a count, not thousands.
#[derive(Debug, Default)]
pub(crate) struct Noise<'a> {
    count: usize,
    first_hidden: Option<Line<'a>>,
}

impl<'a> Noise<'a> {
    /// Unreadable lines reported one by one, per section.
    const SHOWN: usize = 8;

    /// Notes an unreadable line: true when it should get its own warning.
    pub(crate) fn note(&mut self, line: Line<'a>) -> bool {
        self.count += 1;
        if self.count > Self::SHOWN {
            self.first_hidden.get_or_insert(line);
            return false;
        }
        true
    }

    /// The warning for the lines not reported one by one, if any.
    pub(crate) fn summary(&self) -> Option<(Line<'a>, String)> {
        self.first_hidden.map(|l| {
            (
                l,
                format!(
                    "{} more unreadable lines in this section, from here on, not listed",
                    self.count - Self::SHOWN
                ),
            )
        })
    }
}

/// Finds the sections of known outputs, in file order. A section runs from
/// its header to the next section's header, a shell prompt or a Markdown
/// fence (or the end). A registry section holding the
/// `…\Windows NT\CurrentVersion` key is followed by an overlapping
/// [`Kind::OsVersion`] section over that key, so the version parser reads it
/// too.
///
/// Linear in the number of lines: every look-ahead is bounded, and a
/// Format-List block is scanned once, at its first line.
pub fn segment(lines: &[Line<'_>]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    // Whether the last section still runs (no prompt, fence or trailer
    // since its header).
    let mut open = false;
    // First line not claimed by a closed section, prompt or fence.
    let mut boundary = 0;
    // The first column-0 `Issuer:` line since the open section's header:
    // where a `certutil -verify` output that follows another output without
    // a prompt starts (it has no banner).
    let mut issuer: Option<usize> = None;
    let mut i = 0;
    while i < lines.len() {
        let t = clean(lines[i].text);
        if is_fence(t) || is_prompt(t) {
            if open {
                close(&mut out, i);
                open = false;
            }
            boundary = i + 1;
            i += 1;
            continue;
        }
        if open && issuer.is_none() && starts_ci(lines[i].text, "issuer:") {
            issuer = Some(i);
        }
        if let Some(verify) = certutil_trailer(t) {
            let mut end = i + 1;
            while end < lines.len() && is_certutil_message(clean(lines[end].text)) {
                end += 1;
            }
            let last_kind = out.last().map(|s| s.kind).filter(|_| open);
            let claimed = match last_kind {
                Some(Kind::Certutil | Kind::CertutilVerify | Kind::Localized) => {
                    if let Some(last) = out.last_mut() {
                        if verify && last.kind == Kind::Certutil {
                            last.kind = Kind::CertutilVerify;
                        }
                        last.end = end;
                    }
                    true
                }
                Some(_) if verify => match issuer {
                    Some(start) => {
                        close(&mut out, start);
                        push(&mut out, Kind::CertutilVerify, start, end);
                        true
                    }
                    None => false,
                },
                None if verify => {
                    push(&mut out, Kind::CertutilVerify, boundary, end);
                    true
                }
                _ => false,
            };
            if claimed {
                issuer = None;
                open = false;
                boundary = end;
                i = end;
                continue;
            }
        }
        let current = out.last().map(|s| s.kind).filter(|_| open);
        if let Some(kind) = header(lines, i, current) {
            if current == Some(kind) && continues(kind) {
                i += 1;
                continue;
            }
            if open {
                close(&mut out, i);
            }
            push(&mut out, kind, i, lines.len());
            open = true;
            issuer = None;
        }
        i += 1;
    }
    with_os_overlays(lines, out)
}

fn push(out: &mut Vec<Section>, kind: Kind, start: usize, end: usize) {
    out.push(Section { kind, start, end });
}

fn close(out: &mut [Section], at: usize) {
    if let Some(last) = out.last_mut() {
        last.end = at.max(last.start);
    }
}

/// Kinds whose header repeats inside one output (one per record), so a
/// repeat does not start a new section.
fn continues(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::RegQuery
            | Kind::Certutil
            | Kind::EventText
            | Kind::EventViewerText
            | Kind::EventXml
            | Kind::PsCertList
            | Kind::CipherSuiteList
            | Kind::PsRegistry
            | Kind::SslCert
            | Kind::OsVersion
            | Kind::Localized
    )
}

/// A line without its surrounding blanks and a stray BOM (files pasted
/// together keep the second file's U+FEFF).
fn clean(text: &str) -> &str {
    text.trim().trim_start_matches('\u{feff}').trim()
}

/// True when `t` starts with `prefix`, ASCII case-insensitively.
pub(crate) fn starts_ci(t: &str, prefix: &str) -> bool {
    t.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// `label : value` with the separator the first `:` preceded by whitespace
/// (spec §2.1: `IP:port` and the values `0.0.0.0:443` hold colons that are
/// not separators). Both parts trimmed; `None` without such a colon or with
/// an empty label.
pub fn label_value(text: &str) -> Option<(&str, &str)> {
    let mut prev_ws = false;
    for (idx, c) in text.char_indices() {
        if c == ':' && prev_ws {
            let label = text.get(..idx)?.trim();
            let value = text.get(idx + 1..)?.trim();
            return (!label.is_empty()).then_some((label, value));
        }
        prev_ws = c.is_whitespace();
    }
    None
}

/// A Markdown code fence.
fn is_fence(t: &str) -> bool {
    t.starts_with("```")
}

/// A pasted shell prompt: `C:\>…`, `C:\Windows\system32>…`, `PS C:\> …`,
/// `PS HKLM:\…>`, `PS>`.
pub(crate) fn is_prompt(t: &str) -> bool {
    if t.starts_with("PS>") {
        return true;
    }
    if let Some(rest) = t.strip_prefix("PS ") {
        return rest
            .split_once('>')
            .is_some_and(|(before, _)| before.contains(':') && !before.contains('<'));
    }
    let b = t.as_bytes();
    b.len() >= 4
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && b[2] == b'\\'
        && t.split_once('>')
            .is_some_and(|(before, _)| !before.contains(['<', '"', '|']))
}

/// `CertUtil: -store command completed successfully.` (any verb, any
/// language): `Some(true)` for `-verify`/`-verifystore`, `Some(false)` for
/// another verb.
fn certutil_trailer(t: &str) -> Option<bool> {
    if !starts_ci(t, "certutil: -") {
        return None;
    }
    let verb: String = t
        .get("certutil: -".len()..)?
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    Some(verb.eq_ignore_ascii_case("verify") || verb.eq_ignore_ascii_case("verifystore"))
}

/// The message lines certutil prints after a FAILED trailer.
fn is_certutil_message(t: &str) -> bool {
    starts_ci(t, "certutil:") && certutil_trailer(t).is_none()
}

/// The next non-blank line at or after `from`, within `limit` lines.
fn next_nonblank<'a>(lines: &[Line<'a>], from: usize, limit: usize) -> Option<(usize, &'a str)> {
    (from..lines.len().min(from.saturating_add(limit)))
        .map(|j| (j, clean(lines[j].text)))
        .find(|(_, t)| !t.is_empty())
}

/// The previous non-blank line before `i`, within `limit` lines.
fn prev_nonblank<'a>(lines: &[Line<'a>], i: usize, limit: usize) -> Option<&'a str> {
    (i.saturating_sub(limit)..i)
        .rev()
        .map(|j| clean(lines[j].text))
        .find(|t| !t.is_empty())
}

/// The kind of output that starts at line `i`, if any; `open` is the kind
/// of the section still running there.
fn header(lines: &[Line<'_>], i: usize, open: Option<Kind>) -> Option<Kind> {
    let t = clean(lines[i].text);
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let in_events = matches!(
        open,
        Some(Kind::EventText | Kind::EventViewerText | Kind::EventXml | Kind::Clixml)
    );
    let in_certutil = matches!(open, Some(Kind::Certutil | Kind::CertutilVerify));

    // netsh http (§2.1, §2.2).
    if lower == "ssl certificate bindings:" {
        return Some(Kind::SslCert);
    }
    if lower.starts_with("ip addresses present in the ip listen list") {
        return Some(Kind::IpListen);
    }
    if sslcert_record_start(t) {
        return Some(Kind::SslCert);
    }

    // netstat (§2.3).
    if lower == "active connections" {
        return Some(Kind::Netstat);
    }
    if netstat_columns(t) == Some(true) {
        let after_title = prev_nonblank(lines, i, 3)
            .is_some_and(|p| p.eq_ignore_ascii_case("active connections"));
        return (!after_title).then_some(Kind::Netstat);
    }
    if lower == "the requested operation requires elevation." && open != Some(Kind::Netstat) {
        return Some(Kind::Netstat);
    }

    // Registry (§2.4–2.6).
    if lower == "windows registry editor version 5.00" || t == "REGEDIT4" {
        return Some(Kind::RegExport);
    }
    if reg_query_key(lines, i, open) {
        return Some(Kind::RegQuery);
    }
    if lower.starts_with("hive:") {
        return Some(Kind::PsRegistry);
    }

    // certutil (§2.7).
    if let Some(word) = certutil_banner(t) {
        if word.eq_ignore_ascii_case("certificate") {
            return Some(Kind::Certutil);
        }
        if !in_events {
            return Some(Kind::Localized);
        }
    }
    if certutil_store_line(t) {
        match next_nonblank(lines, i + 1, 3) {
            Some((_, n)) if starts_ci(n, "certutil:") => return Some(Kind::Certutil),
            Some((_, n)) => match certutil_banner(n) {
                Some(w) if w.eq_ignore_ascii_case("certificate") => return Some(Kind::Certutil),
                Some(_) => return Some(Kind::Localized),
                None => {}
            },
            None => {}
        }
    }

    // PowerShell Format-List blocks (§2.6, §2.8, §2.10, §2.12).
    if let Some(kind) = format_list_block(lines, i) {
        return Some(kind);
    }

    // Events (§2.9).
    if is_event_n(t) {
        return match next_nonblank(lines, i + 1, 3) {
            Some((_, n)) if n.contains(':') && !starts_ci(n, "log name:") => Some(Kind::Localized),
            _ => Some(Kind::EventText),
        };
    }
    if open != Some(Kind::EventText) && event_viewer_copy(lines, i, t) {
        return Some(Kind::EventViewerText);
    }
    // An Event Viewer copy carries its event's XML after `Event Xml:`: part
    // of the copy, not an XML export of its own (the event would count twice).
    let copy_xml = open == Some(Kind::EventViewerText)
        && prev_nonblank(lines, i, 2).is_some_and(|p| p.eq_ignore_ascii_case("event xml:"));
    if let Some(kind) = xml_kind(lines, i, t).filter(|_| !copy_xml) {
        return Some(kind);
    }

    // OS version (§2.12).
    if windows_ver(t).is_some() || starts_ci(t, "os name:") || starts_ci(t, "os version:") {
        return Some(Kind::OsVersion);
    }

    // Known outputs in another language (§1.3): reported, never guessed.
    if !in_events && !in_certutil && localized(lines, i, t) {
        return Some(Kind::Localized);
    }
    None
}

/// The labels that open an English `netsh http show sslcert` record.
pub(crate) const SSLCERT_START_LABELS: [&str; 3] =
    ["IP:port", "Hostname:port", "Central Certificate Store"];

/// `IP:port : …`, `Hostname:port : …`, `Central Certificate Store : …`, or
/// the two-column table form Microsoft's article prints
/// (`IP:port                0.0.0.0:443`).
fn sslcert_record_start(t: &str) -> bool {
    if let Some((label, _)) = label_value(t) {
        return SSLCERT_START_LABELS
            .iter()
            .any(|s| s.eq_ignore_ascii_case(label));
    }
    SSLCERT_START_LABELS[..2].iter().any(|s| {
        starts_ci(t, s)
            && t.get(s.len()..)
                .is_some_and(|rest| rest.starts_with("  ") && looks_like_endpoint(rest.trim()))
    })
}

/// `host:port`, `a.b.c.d:port` or `[v6]:port`.
fn looks_like_endpoint(v: &str) -> bool {
    let Some((host, port)) = v.rsplit_once(':') else {
        return false;
    };
    !host.is_empty()
        && port.parse::<u16>().is_ok()
        && !host.contains(char::is_whitespace)
        && (host.starts_with('[') || host.contains('.') || host.parse::<std::net::IpAddr>().is_ok())
}

/// A netstat column header: `Some(true)` for the English one
/// (`Proto  Local Address  Foreign Address  State  PID`), `Some(false)` for
/// another language's (`Proto  Lokale Adresse  Remoteadresse  Status  PID`).
fn netstat_columns(t: &str) -> Option<bool> {
    let mut words = t.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("proto") {
        return None;
    }
    let rest: Vec<&str> = words.collect();
    if rest.len() < 3 {
        return None;
    }
    let english = rest.len() >= 5
        && rest[0].eq_ignore_ascii_case("local")
        && rest[1].eq_ignore_ascii_case("address")
        && rest[2].eq_ignore_ascii_case("foreign");
    if english {
        return Some(true);
    }
    // The localized header still ends with the PID column (or the state's).
    rest.last()
        .is_some_and(|w| w.eq_ignore_ascii_case("pid"))
        .then_some(false)
}

/// A 4-space-indented `reg query` value line: `    name    REG_TYPE    data`.
pub(crate) fn is_reg_value_line(raw: &str) -> bool {
    let Some(body) = raw.strip_prefix("    ") else {
        return false;
    };
    body.match_indices("    REG_").any(|(at, _)| {
        body.get(at + 4..).is_some_and(|r| {
            r.chars()
                .take_while(|c| !c.is_whitespace())
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
    })
}

/// A `reg query` key line: a hive path at column 0 (no brackets) followed,
/// past other key lines and blanks, by a value line — or followed by its own
/// subkey (a listing without values). Inside a `reg query` section every
/// hive line is one.
fn reg_query_key(lines: &[Line<'_>], i: usize, open: Option<Kind>) -> bool {
    let raw = lines[i].text.trim_start_matches('\u{feff}');
    if !starts_ci(raw, "HKEY_") {
        return false;
    }
    if open == Some(Kind::RegQuery) {
        return true;
    }
    let key = raw.trim();
    let mut first = true;
    for line in lines.iter().take(i + 64).skip(i + 1) {
        let l = line.text;
        if l.trim().is_empty() {
            continue;
        }
        if is_reg_value_line(l) {
            return true;
        }
        if !starts_ci(l, "HKEY_") {
            return false;
        }
        if first
            && l.len() > key.len()
            && starts_ci(l, key)
            && l.as_bytes().get(key.len()) == Some(&b'\\')
        {
            return true;
        }
        first = false;
    }
    false
}

/// `================ Certificate 0 ================` → `Some("Certificate")`
/// (the word in whatever language).
fn certutil_banner(t: &str) -> Option<&str> {
    if !(t.starts_with("=====") && t.ends_with("=====")) {
        return None;
    }
    let inner = t.trim_matches('=').trim();
    let (word, n) = inner.rsplit_once(' ')?;
    (n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() && !word.trim().is_empty())
        .then(|| word.trim())
}

/// certutil's first line `my "Personal"` (`^\S+ ".*"$`).
fn certutil_store_line(t: &str) -> bool {
    t.split_once(' ').is_some_and(|(store, name)| {
        !store.is_empty()
            && !store.contains('"')
            && name.len() >= 2
            && name.starts_with('"')
            && name.ends_with('"')
    })
}

/// `Event[12]:`.
fn is_event_n(t: &str) -> bool {
    t.strip_prefix("Event[")
        .and_then(|r| r.strip_suffix("]:"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Event Viewer "copy as text": `Log Name:` … `Source:` … `Event ID:`, or the
/// classic `Event Type:` … `Event Source:` … `Event ID:` layout.
fn event_viewer_copy(lines: &[Line<'_>], i: usize, t: &str) -> bool {
    let needs: &[&str] = if starts_ci(t, "log name:") {
        &["source:", "event id:"]
    } else if starts_ci(t, "event type:") {
        &["event source:", "event id:"]
    } else {
        return false;
    };
    let window = &lines[i + 1..lines.len().min(i + 14)];
    needs
        .iter()
        .all(|n| window.iter().any(|l| starts_ci(clean(l.text), n)))
}

/// `<Event …>`, `<Events>`, `<Objs …>`, also after an `<?xml …?>` line.
fn xml_kind(lines: &[Line<'_>], i: usize, t: &str) -> Option<Kind> {
    fn tag(t: &str) -> Option<Kind> {
        let opens = |name: &str| {
            t.strip_prefix(name)
                .is_some_and(|r| r.starts_with([' ', '>', '\t']) || r.is_empty())
        };
        if opens("<Objs") {
            Some(Kind::Clixml)
        } else if opens("<Events") || opens("<Event") {
            Some(Kind::EventXml)
        } else {
            None
        }
    }
    if let Some(rest) = t.strip_prefix("<?xml") {
        let after = rest.split_once("?>").map_or("", |(_, r)| r.trim());
        if !after.is_empty() {
            return tag(after);
        }
        return next_nonblank(lines, i + 1, 3).and_then(|(_, n)| tag(n));
    }
    tag(t)
}

/// `Microsoft Windows [Version 10.0.17763.1234]` (the word in any
/// language) → the version string.
pub(crate) fn windows_ver(t: &str) -> Option<&str> {
    let rest = t.strip_prefix("Microsoft Windows [")?.strip_suffix(']')?;
    let ver = rest.rsplit(' ').next()?;
    let mut parts = ver.split('.');
    let ok = parts.next().is_some_and(|p| p.parse::<u32>().is_ok())
        && parts.next().is_some_and(|p| p.parse::<u32>().is_ok());
    ok.then_some(ver)
}

/// Labels of a PowerShell `Format-List` line (`Name : value`, column 0).
fn format_list_field(raw: &str) -> Option<(&str, &str)> {
    if raw.starts_with(char::is_whitespace) {
        return None;
    }
    label_value(raw)
}

/// At the first line of a blank-separated block of `Name : value` lines:
/// what the block is, by the properties it holds.
fn format_list_block(lines: &[Line<'_>], i: usize) -> Option<Kind> {
    let raw = lines[i].text.trim_start_matches('\u{feff}');
    format_list_field(raw)?;
    let block_start = i == 0 || {
        let p = clean(lines[i - 1].text);
        p.is_empty() || is_prompt(p) || is_fence(p)
    };
    if !block_start {
        return None;
    }
    let mut labels: Vec<String> = Vec::new();
    let mut pspath = String::new();
    for l in &lines[i..lines.len().min(i + 400)] {
        if l.text.trim().is_empty() {
            break;
        }
        if let Some((label, value)) = format_list_field(l.text) {
            let label = label.to_ascii_lowercase();
            if label == "pspath" {
                pspath = value.to_ascii_lowercase();
            }
            labels.push(label);
        }
    }
    let has = |n: &str| labels.iter().any(|l| l == n);
    // `Format-List *` has PSPath; `Select … | Format-List` has HasPrivateKey;
    // the default `Format-List` view has Subject … NotAfter.
    let cert_props = has("hasprivatekey") || (has("subject") && has("notafter"));
    if pspath.contains("certificate::") || (has("thumbprint") && cert_props) {
        return Some(Kind::PsCertList);
    }
    if pspath.contains("registry::") {
        return Some(Kind::PsRegistry);
    }
    let suite_props = ["keytype", "certificate", "exchange", "protocols"]
        .iter()
        .filter(|n| has(n))
        .count();
    if has("ciphersuite") && has("name") && suite_props >= 2 {
        return Some(Kind::CipherSuiteList);
    }
    if (has("currentbuild") || has("currentbuildnumber")) && has("productname") {
        return Some(Kind::OsVersion);
    }
    None
}

/// `netstat` titles in other languages (the English one is
/// `Active Connections`), lower case.
const NETSTAT_TITLES: &[&str] = &[
    "aktive verbindungen",
    "connexions actives",
    "conexiones activas",
    "conexões ativas",
    "connessioni attive",
    "actieve verbindingen",
    "aktywne połączenia",
    "aktiva anslutningar",
    "активные подключения",
];

/// English certutil labels ending in `(sha1)`.
const CERTUTIL_SHA1_LABELS: &[&str] = &["cert hash", "key id hash", "signature hash"];

/// Known outputs in another language, recognised by structure where
/// possible (spec §1.3): a netstat title or column header, a certutil banner
/// or thumbprint line, a netsh sslcert record or header, an event block.
fn localized(lines: &[Line<'_>], i: usize, t: &str) -> bool {
    let lower = t.to_lowercase();
    if NETSTAT_TITLES.contains(&lower.as_str()) || netstat_columns(t) == Some(false) {
        return true;
    }
    // certutil `Zertifikathash(sha1): 0123…` (40 hex digits).
    if let Some((label, value)) = lower.split_once("(sha1):") {
        let label = label.trim();
        if !CERTUTIL_SHA1_LABELS.contains(&label) && is_thumbprint(value) {
            return true;
        }
    }
    if localized_sslcert_record(lines, i, t) {
        return true;
    }
    // A netsh `show` header (`…:` over dashes) followed by sslcert records
    // or IP addresses.
    if t.ends_with(':')
        && lines
            .get(i + 1)
            .map(|l| clean(l.text))
            .is_some_and(|d| d.len() >= 5 && d.bytes().all(|b| b == b'-'))
        && let Some((j, n)) = next_nonblank(lines, i + 2, 3)
    {
        let ip = n
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok();
        if ip || localized_sslcert_record(lines, j, n) {
            return true;
        }
    }
    // Event text whose source (language-neutral) sits under another label.
    if let Some((label, value)) = t.split_once(':') {
        let value = value.trim();
        let label = label.trim();
        let source = value.eq_ignore_ascii_case("schannel")
            || value.eq_ignore_ascii_case("microsoft-windows-httpevent");
        let english = [
            "source",
            "event source",
            "providername",
            "provider name",
            "provider",
        ]
        .iter()
        .any(|e| e.eq_ignore_ascii_case(label));
        if source && !english && label.chars().count() <= 40 {
            return true;
        }
    }
    false
}

/// A `label : endpoint` line that is not an English record start, followed
/// within two lines by a thumbprint, `(null)`, empty or GUID value: a netsh
/// sslcert record in another language (`IP:porta : 0.0.0.0:443`).
fn localized_sslcert_record(lines: &[Line<'_>], i: usize, t: &str) -> bool {
    let Some((label, value)) = label_value(t) else {
        return false;
    };
    if SSLCERT_START_LABELS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(label))
        || !looks_like_endpoint(value)
    {
        return false;
    }
    lines[i + 1..lines.len().min(i + 3)].iter().any(|l| {
        label_value(l.text).is_some_and(|(_, v)| {
            v.is_empty() || v.eq_ignore_ascii_case("(null)") || is_thumbprint(v) || is_guid(v)
        })
    })
}

/// 40 hex digits once blanks are removed.
fn is_thumbprint(v: &str) -> bool {
    let mut n = 0;
    for c in v.chars().filter(|c| !c.is_whitespace()) {
        if !c.is_ascii_hexdigit() {
            return false;
        }
        n += 1;
    }
    n == 40
}

/// `{xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}` (braces optional).
pub(crate) fn is_guid(v: &str) -> bool {
    let v = v.strip_prefix('{').unwrap_or(v);
    let v = v.strip_suffix('}').unwrap_or(v);
    let groups: Vec<&str> = v.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The registry key holding the Windows version values.
const CURRENT_VERSION: &str = "microsoft\\windows nt\\currentversion";

/// Whether a key path (any hive spelling or provider prefix) ends in
/// `Microsoft\Windows NT\CurrentVersion`. (Not via `Registry::normalize`,
/// which slices by byte index and would panic on some non-ASCII paths.)
fn is_current_version(path: &str) -> bool {
    path.trim()
        .trim_end_matches('\\')
        .to_lowercase()
        .ends_with(CURRENT_VERSION)
}

/// Adds, after each registry section, an [`Kind::OsVersion`] section over
/// its `…\Windows NT\CurrentVersion` key(s).
fn with_os_overlays(lines: &[Line<'_>], sections: Vec<Section>) -> Vec<Section> {
    let mut out = Vec::with_capacity(sections.len());
    for s in sections {
        out.push(s);
        let body = &lines[s.start..s.end];
        let key_line = |raw: &str| -> Option<bool> {
            match s.kind {
                Kind::RegQuery => starts_ci(raw, "HKEY_").then(|| is_current_version(raw)),
                Kind::RegExport => raw
                    .trim()
                    .strip_prefix('[')
                    .and_then(|r| r.strip_suffix(']'))
                    .map(is_current_version),
                _ => None,
            }
        };
        match s.kind {
            Kind::RegQuery | Kind::RegExport => {
                let mut at: Option<usize> = None;
                for (j, l) in body.iter().enumerate() {
                    if let Some(cv) = key_line(l.text) {
                        if let Some(a) = at.take() {
                            push(&mut out, Kind::OsVersion, s.start + a, s.start + j);
                        }
                        if cv {
                            at = Some(j);
                        }
                    }
                }
                if let Some(a) = at {
                    push(&mut out, Kind::OsVersion, s.start + a, s.end);
                }
            }
            Kind::PsRegistry => {
                let mut block_start = 0;
                for (j, l) in body.iter().enumerate() {
                    if l.text.trim().is_empty() {
                        block_start = j + 1;
                        continue;
                    }
                    let cv = format_list_field(l.text).is_some_and(|(label, value)| {
                        label.eq_ignore_ascii_case("pspath") && is_current_version(value)
                    });
                    if cv {
                        let end = body[j..]
                            .iter()
                            .position(|l| l.text.trim().is_empty())
                            .map_or(body.len(), |p| j + p);
                        push(
                            &mut out,
                            Kind::OsVersion,
                            s.start + block_start,
                            s.start + end,
                        );
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_utf16le_bom_reads_text() {
        let mut b = vec![0xFF, 0xFE];
        for u in "Windows Registry Editor Version 5.00\r\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let d = decode(&b);
        assert_eq!(d.encoding, Encoding::Utf16LeBom);
        assert!(d.text.starts_with("Windows Registry"));
    }

    #[test]
    fn decode_invalid_utf8_falls_back_to_cp1252() {
        let d = decode(b"Zertifikathash \x80\xfc");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!(d.text, "Zertifikathash €ü");
    }

    #[test]
    fn lines_crlf_numbered_and_trimmed() {
        let l = lines("a  \r\nb\n\nc");
        assert_eq!(l.len(), 4);
        assert_eq!((l[0].no, l[0].text), (1, "a"));
        assert_eq!((l[3].no, l[3].text), (4, "c"));
    }

    fn kinds(text: &str) -> Vec<(Kind, usize, usize)> {
        let l = lines(text);
        segment(&l)
            .iter()
            .map(|s| (s.kind, l[s.start].no, s.end - s.start))
            .collect()
    }

    fn only_kinds(text: &str) -> Vec<Kind> {
        kinds(text).into_iter().map(|(k, _, _)| k).collect()
    }

    const SSLCERT: &str = "
SSL Certificate bindings:
-------------------------

    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}

    Hostname:port                : www.example.net:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
";

    #[test]
    fn segment_sslcert_with_header_is_one_section() {
        assert_eq!(kinds(SSLCERT), [(Kind::SslCert, 2, 11)]);
    }

    #[test]
    fn segment_sslcert_without_header_starts_at_record() {
        let text = "    IP:port                      : 0.0.0.0:443\n    Certificate Hash             : (null)\n\n    Central Certificate Store    : 443\n    Certificate Hash             : (null)\n";
        assert_eq!(kinds(text), [(Kind::SslCert, 1, 6)]);
    }

    #[test]
    fn segment_sslcert_no_blank_after_dashes_is_one_section() {
        let text = "SSL Certificate bindings:\n-------------------------\n    IP:port                      : 0.0.0.0:443\n    Certificate Hash             : (null)\n";
        assert_eq!(kinds(text), [(Kind::SslCert, 1, 5)]);
    }

    #[test]
    fn segment_sslcert_table_form_recognised() {
        let text = "Working scenario\nIP:port                               0.0.0.0:443\nCertificate Hash                      \n";
        assert_eq!(kinds(text), [(Kind::SslCert, 2, 3)]);
    }

    #[test]
    fn segment_iplisten_recognised() {
        let text = "\nIP addresses present in the IP listen list:\n-------------------------------------------\n\n    10.0.0.1\n";
        assert_eq!(only_kinds(text), [Kind::IpListen]);
    }

    #[test]
    fn segment_netstat_title_and_columns_are_one_section() {
        let text = "\nActive Connections\n\n  Proto  Local Address          Foreign Address        State           PID\n  TCP    0.0.0.0:443            0.0.0.0:0              LISTENING       4\n";
        assert_eq!(kinds(text), [(Kind::Netstat, 2, 5)]);
    }

    #[test]
    fn segment_netstat_columns_without_title_recognised() {
        let text = "  Proto  Local Address          Foreign Address        State           PID\n  TCP    0.0.0.0:443            0.0.0.0:0              LISTENING       4\n";
        assert_eq!(kinds(text), [(Kind::Netstat, 1, 3)]);
    }

    #[test]
    fn segment_netstat_elevation_message_recognised() {
        assert_eq!(
            only_kinds("C:\\>netstat -anob\nThe requested operation requires elevation.\n"),
            [Kind::Netstat]
        );
    }

    #[test]
    fn segment_prompts_and_fences_end_sections() {
        let text = format!(
            "```\nC:\\Windows\\system32>netsh http show sslcert\n{SSLCERT}\nC:\\Windows\\system32>netstat -ano\n\nActive Connections\n\n  Proto  Local Address          Foreign Address        State           PID\n```\nsome words after the fence\n"
        );
        let k = kinds(&text);
        assert_eq!(k.len(), 2);
        assert_eq!(k[0], (Kind::SslCert, 4, 11));
        assert_eq!(k[1], (Kind::Netstat, 17, 3));
    }

    #[test]
    fn segment_powershell_prompt_not_a_header() {
        assert!(is_prompt("PS C:\\Users\\admin> Get-TlsCipherSuite"));
        assert!(is_prompt("PS HKLM:\\SYSTEM> dir"));
        assert!(is_prompt("C:\\>ver"));
        assert!(!is_prompt("<Event xmlns='x'>"));
        assert!(!is_prompt(
            "C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys BUILTIN\\Administrators:(F)"
        ));
    }

    #[test]
    fn segment_reg_query_keys_are_one_section() {
        let text = "
HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL
    EventLogging    REG_DWORD    0x1

HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Ciphers

HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server
    Enabled    REG_DWORD    0x1
";
        assert_eq!(kinds(text), [(Kind::RegQuery, 2, 8)]);
    }

    #[test]
    fn segment_reg_query_first_key_without_values_recognised() {
        let text = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Ciphers\n\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server\n    Enabled    REG_DWORD    0x0\n";
        assert_eq!(kinds(text), [(Kind::RegQuery, 1, 5)]);
    }

    #[test]
    fn segment_reg_query_subkey_listing_recognised() {
        let text = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\n";
        assert_eq!(only_kinds(text), [Kind::RegQuery]);
    }

    #[test]
    fn segment_lone_hive_path_is_not_reg_query() {
        assert!(only_kinds("HKEY_LOCAL_MACHINE\\SOFTWARE\\Foo\nsome prose\n").is_empty());
    }

    #[test]
    fn segment_reg_query_current_version_also_os() {
        let text = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\n    CurrentBuild    REG_SZ    17763\n    ProductName    REG_SZ    Windows Server 2019 Standard\n\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Fonts\n    Arial    REG_SZ    arial.ttf\n";
        assert_eq!(
            kinds(text),
            [(Kind::RegQuery, 1, 7), (Kind::OsVersion, 1, 4)]
        );
    }

    #[test]
    fn segment_reg_export_recognised_with_os_overlay() {
        let text = "Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]\n\"CurrentBuild\"=\"20348\"\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Other]\n\"x\"=dword:00000001\n";
        assert_eq!(
            kinds(text),
            [(Kind::RegExport, 1, 8), (Kind::OsVersion, 3, 3)]
        );
        assert_eq!(
            only_kinds("REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\A]\n"),
            [Kind::RegExport]
        );
    }

    #[test]
    fn segment_powershell_hive_listing_recognised() {
        let text = "\n\n    Hive: HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\n\n\nName                           Property\n----                           --------\nClient                         DisabledByDefault : 0\n                               Enabled           : 1\nServer                         Enabled           : 4294967295\n";
        assert_eq!(kinds(text), [(Kind::PsRegistry, 3, 9)]);
    }

    #[test]
    fn segment_get_itemproperty_block_starts_at_block_top() {
        let text = "PS C:\\> Get-ItemProperty 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'\n\nCurrentBuild       : 19045\nProductName        : Windows 10 Pro\nPSPath             : Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\nPSChildName        : CurrentVersion\n";
        assert_eq!(
            kinds(text),
            [(Kind::PsRegistry, 3, 5), (Kind::OsVersion, 3, 4)]
        );
    }

    #[test]
    fn segment_certutil_store_and_banners_are_one_section() {
        let text = "my \"Personal\"\n================ Certificate 0 ================\nSerial Number: 01\nCert Hash(sha1): 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n\n================ Certificate 1 ================\nSerial Number: 02\nKey Id Hash(sha1): 1a1b2c3d4e5f60718293a4b5c6d7e8f901234567\nCertUtil: -store command completed successfully.\ntrailing words\n";
        assert_eq!(kinds(text), [(Kind::Certutil, 1, 9)]);
    }

    #[test]
    fn segment_certutil_empty_store_recognised() {
        assert_eq!(
            only_kinds(
                "webhosting \"Web Hosting\"\nCertUtil: -store command completed successfully.\n"
            ),
            [Kind::Certutil]
        );
    }

    #[test]
    fn segment_certutil_verifystore_classified_by_trailer() {
        let text = "my \"Personal\"\n================ Certificate 0 ================\nSerial Number: 01\nCertificate is valid\nCertUtil: -verifystore command completed successfully.\nmy \"Personal\"\n================ Certificate 0 ================\nCertUtil: -store command FAILED: 0x80090016 (-2146893802 NTE_BAD_KEYSET)\nCertUtil: Keyset does not exist\n";
        assert_eq!(
            kinds(text),
            [(Kind::CertutilVerify, 1, 5), (Kind::Certutil, 6, 4)]
        );
    }

    #[test]
    fn segment_certutil_verify_without_banner_claims_lines_above() {
        let text = "C:\\>certutil -verify site.cer\nIssuer:\n    CN=Example CA\nSubject:\n    CN=www.example.net\nLeaf certificate revocation check passed\nCertUtil: -verify command completed successfully.\n";
        assert_eq!(kinds(text), [(Kind::CertutilVerify, 2, 6)]);
    }

    #[test]
    fn segment_ps_cert_list_by_pspath_or_thumbprint() {
        let text = "\nPSPath                   : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\0A1B\nThumbprint               : 0A1B\n\nPSPath                   : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\1A1B\n";
        assert_eq!(kinds(text), [(Kind::PsCertList, 2, 5)]);
        let text = "Thumbprint    : 0A1B\nSubject       : CN=x\nHasPrivateKey : False\n";
        assert_eq!(only_kinds(text), [Kind::PsCertList]);
        let text = "Subject      : CN=www.example.net\nIssuer       : CN=Example CA\nThumbprint   : 0A1B\nFriendlyName :\nNotBefore    : 1/2/2025 10:00:00 AM\nNotAfter     : 1/2/2026 10:00:00 AM\n";
        assert_eq!(only_kinds(text), [Kind::PsCertList]);
        assert!(only_kinds("Thumbprint : 0A1B\nName : x\n").is_empty());
    }

    #[test]
    fn segment_cipher_suite_blocks_are_one_section() {
        let block = "KeyType               : 0\nCertificate           : RSA\nExchange              : ECDH\nCipherSuite           : 49200\nName                  : TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\nProtocols             : {771}\n";
        let text = format!("PS C:\\>Get-TlsCipherSuite\n{block}\n\n{block}");
        assert_eq!(kinds(&text), [(Kind::CipherSuiteList, 2, 15)]);
    }

    #[test]
    fn segment_wevtutil_text_not_split_by_log_name() {
        let text = "Event[0]:\n  Log Name: System\n  Source: Schannel\n  Event ID: 36874\n  Description:\nAn TLS 1.2 connection request was received.\n\nEvent[1]:\n  Log Name: System\n  Source: Schannel\n  Event ID: 36888\n";
        assert_eq!(kinds(text), [(Kind::EventText, 1, 12)]);
    }

    #[test]
    fn segment_event_viewer_copy_both_layouts() {
        let modern = "Log Name:      System\nSource:        Schannel\nDate:          5/14/2024 10:22:31 AM\nEvent ID:      36887\nDescription:\nA fatal alert was received.\n";
        assert_eq!(only_kinds(modern), [Kind::EventViewerText]);
        let classic = "Event Type: Error\nEvent Source: Schannel\nEvent Category: None\nEvent ID: 36870\nDescription: text\n";
        assert_eq!(only_kinds(classic), [Kind::EventViewerText]);
        assert!(only_kinds("Log Name: System\nnothing else\n").is_empty());
    }

    #[test]
    fn segment_event_viewer_copy_keeps_its_event_xml() {
        let copy = "Log Name:      System\nSource:        Schannel\nEvent ID:      36887\nDescription:\nA fatal alert was received.\nEvent Xml:\n<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n  <EventData>\n  </EventData>\n</Event>\n";
        assert_eq!(kinds(copy), [(Kind::EventViewerText, 1, 11)]);
        // XML after a copy without that label is an export of its own.
        let two = "Log Name: System\nSource: Schannel\nEvent ID: 36887\nDescription:\nx\n\n<Event xmlns='e'></Event>\n";
        assert_eq!(only_kinds(two), [Kind::EventViewerText, Kind::EventXml]);
    }

    #[test]
    fn segment_event_xml_forms() {
        assert_eq!(
            only_kinds(
                "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System></System></Event><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'></Event>\n"
            ),
            [Kind::EventXml]
        );
        assert_eq!(
            kinds(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Events>\n<Event xmlns=\"x\">\n<EventID>36888</EventID>\n</Event>\n<Event xmlns=\"x\">\n</Event>\n</Events>\n"
            ),
            [(Kind::EventXml, 1, 9)]
        );
        assert!(only_kinds("<EventData>\n<EventID>1</EventID>\n").is_empty());
    }

    #[test]
    fn segment_clixml_recognised() {
        assert_eq!(
            only_kinds(
                "\u{feff}<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">\n  <Obj RefId=\"0\">\n"
            ),
            [Kind::Clixml]
        );
    }

    #[test]
    fn segment_os_ver_and_systeminfo_merge() {
        let text = "\nMicrosoft Windows [Version 10.0.17763.1234]\nOS Name:                   Microsoft Windows Server 2019 Standard\nOS Version:                10.0.17763 N/A Build 17763\n";
        assert_eq!(kinds(text), [(Kind::OsVersion, 2, 4)]);
    }

    #[test]
    fn segment_several_outputs_in_file_order() {
        let text = format!(
            "Microsoft Windows [Version 10.0.17763.1234]\n{SSLCERT}\nIP addresses present in the IP listen list:\n---\n\nActive Connections\n\n"
        );
        assert_eq!(
            only_kinds(&text),
            [
                Kind::OsVersion,
                Kind::SslCert,
                Kind::IpListen,
                Kind::Netstat
            ]
        );
    }

    #[test]
    fn segment_localized_certutil_detected() {
        let text = "my \"Eigene Zertifikate\"\n================ Zertifikat 0 ================\nSeriennummer: 01\nZertifikathash(sha1): 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n================ Zertifikat 1 ================\nCertUtil: -store-Befehl wurde erfolgreich ausgeführt.\n";
        assert_eq!(kinds(text), [(Kind::Localized, 1, 6)]);
        assert_eq!(
            only_kinds(
                "Zertifikathash(sha1): 0a 1b 2c 3d 4e 5f 60 71 82 93 a4 b5 c6 d7 e8 f9 01 23 45 67\n"
            ),
            [Kind::Localized]
        );
    }

    #[test]
    fn segment_localized_netsh_pt_br_detected() {
        let text = "\nAssociações de certificado SSL:\n-------------------------------\n\n    IP:porta                     : 0.0.0.0:443\n    Hash do Certificado          : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n    ID do Aplicativo             : {4dc3e181-e14b-4a21-b022-59fc669b0914}\n";
        assert_eq!(kinds(text), [(Kind::Localized, 2, 7)]);
        // Without the header line, by the record's shape.
        let text = "    IP:porta                     : 0.0.0.0:443\n    Hash do Certificado          : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n";
        assert_eq!(only_kinds(text), [Kind::Localized]);
    }

    #[test]
    fn segment_localized_netstat_detected() {
        let de = "\nAktive Verbindungen\n\n  Proto  Lokale Adresse         Remoteadresse          Status           PID\n  TCP    0.0.0.0:443            0.0.0.0:0              ABHÖREN          4\n";
        assert_eq!(kinds(de), [(Kind::Localized, 2, 5)]);
        let fr = "\nConnexions actives\n\n  Proto  Adresse locale         Adresse distante       État            PID\n";
        assert_eq!(only_kinds(fr), [Kind::Localized]);
    }

    #[test]
    fn segment_localized_event_detected() {
        let de = "Protokollname: System\nQuelle:        Schannel\nEreignis-ID:   36887\n";
        assert_eq!(only_kinds(de), [Kind::Localized]);
        let text = "Event[0]:\n  Protokollname: System\n  Quelle: Schannel\n";
        assert_eq!(only_kinds(text), [Kind::Localized]);
    }

    #[test]
    fn segment_english_certutil_sha1_labels_not_localized() {
        assert!(
            only_kinds("Cert Hash(sha1): 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567\n").is_empty()
        );
    }

    #[test]
    fn segment_unknown_text_has_no_sections() {
        assert!(only_kinds("hello\nworld: yes\n").is_empty());
        assert!(only_kinds("").is_empty());
    }

    #[test]
    fn segment_non_ascii_and_odd_lines_never_panic() {
        let text = "é:\n----\nü\n  ß : ü:1\n=====ü 1=====\n\u{feff}\n[ü]\nHKEY_ü\n    x    REG_ü\nEvent[ü]:\nMicrosoft Windows [ü]\nPS ü>\nü:\\>\n<?xml ü\nIP:port  ü:1\nCertUtil: -ü\n";
        let l = lines(text);
        let s = segment(&l);
        for sec in &s {
            assert!(sec.start <= sec.end && sec.end <= l.len());
        }
    }

    #[test]
    fn segment_non_ascii_key_paths_never_panic() {
        let text = "HKEY_ééééé\\x\n    a    REG_SZ    b\n\nWindows Registry Editor Version 5.00\n[Registry:ééé]\n\nPSPath : Registry:ééééé\\y\nPSChildName : y\n";
        let l = lines(text);
        let k: Vec<Kind> = segment(&l).iter().map(|s| s.kind).collect();
        assert_eq!(k, [Kind::RegQuery, Kind::RegExport]);
    }

    #[test]
    fn segment_sections_ordered_and_in_bounds() {
        let text = format!(
            "{SSLCERT}C:\\>x\nCertUtil: -verify command completed successfully.\nActive Connections\nIssuer:\nCertUtil: -verify command completed successfully.\n"
        );
        let l = lines(&text);
        let s = segment(&l);
        let mut prev = 0;
        for sec in &s {
            assert!(sec.start >= prev && sec.start <= sec.end && sec.end <= l.len());
            prev = sec.start;
        }
        assert_eq!(
            s.iter().map(|s| s.kind).collect::<Vec<_>>(),
            [
                Kind::SslCert,
                Kind::CertutilVerify,
                Kind::Netstat,
                Kind::CertutilVerify
            ]
        );
    }

    #[test]
    fn label_value_first_colon_after_blank_is_separator() {
        assert_eq!(
            label_value("    IP:port                      : [::]:443"),
            Some(("IP:port", "[::]:443"))
        );
        assert_eq!(label_value("Hostname:port:x"), None);
        assert_eq!(label_value("  : x"), None);
    }
}
