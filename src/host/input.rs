//! Text decoding, lines and section sniffing for host exports (spec §1.2).
//!
//! Input: a file's bytes. Output: its text (UTF-16LE with or without BOM,
//! UTF-8 with or without BOM, else Windows-1252), its [`Line`]s (1-based,
//! `\r` stripped, trailing blanks trimmed), and the [`Section`]s of known
//! command outputs it holds, recognised by content, never by file name.
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

/// Finds the sections of known outputs, in file order. A section runs
/// from its header to the next section's header (or the end).
pub fn segment(lines: &[Line<'_>]) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(kind) = header(lines, i) {
            if let Some(last) = out.last_mut() {
                if last.kind == kind && continues(kind) {
                    i += 1;
                    continue;
                }
                last.end = i;
            }
            out.push(Section {
                kind,
                start: i,
                end: lines.len(),
            });
        }
        i += 1;
    }
    out
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
    )
}

/// The kind of output that starts at line `i`, if any.
fn header(lines: &[Line<'_>], i: usize) -> Option<Kind> {
    let t = lines[i].text.trim();
    let lower = t.to_ascii_lowercase();
    let next = lines.get(i + 1).map_or("", |l| l.text.trim());
    if lower == "ssl certificate bindings:" {
        return Some(Kind::SslCert);
    }
    if lower.starts_with("ip addresses present in the ip listen list") {
        return Some(Kind::IpListen);
    }
    if lower == "active connections" {
        return Some(Kind::Netstat);
    }
    if lower == "windows registry editor version 5.00" || t == "REGEDIT4" {
        return Some(Kind::RegExport);
    }
    if lower.starts_with("hkey_local_machine\\") && next.contains("REG_") {
        return Some(Kind::RegQuery);
    }
    if lower.starts_with("hive: ") {
        return Some(Kind::PsRegistry);
    }
    if lower.starts_with("================ certificate ") {
        return Some(Kind::Certutil);
    }
    if lower.starts_with("certutil: -verifystore") || lower.starts_with("certutil: -verify ") {
        return Some(Kind::CertutilVerify);
    }
    if lower.starts_with("pspath") && lower.contains("certificate::") {
        return Some(Kind::PsCertList);
    }
    if t.starts_with("Event[") && t.ends_with("]:") {
        return Some(Kind::EventText);
    }
    if t.starts_with("<Event xmlns=") {
        return Some(Kind::EventXml);
    }
    if t.starts_with("<Objs ") {
        return Some(Kind::Clixml);
    }
    if lower.starts_with("microsoft windows [version ") || lower.starts_with("os name:") {
        return Some(Kind::OsVersion);
    }
    None
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
}
