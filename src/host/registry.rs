//! Registry dumps: `reg query /s`, `.reg` exports, PowerShell listings (spec §2.4–2.6).
//!
//! Input: the lines of one recognised section. Output: keys and values added
//! to [`Snapshot::registry`] through [`Registry::key_mut`](super::Registry::key_mut),
//! each value with the file and line it was read from; a later value of the
//! same name in the same key replaces the earlier one (in place).
//! Invariants: never panics, never drops the rest of a section for one bad
//! line — what cannot be read becomes a [`Warning`]. Empty keys are kept:
//! that a key exists (a `TLS1.2` typo, a `TLS 1.3` key on 2019) is a fact.
//! Not done here: what the values mean (see `schannel`, `ciphers`), and
//! types PowerShell does not show: its numbers become REG_DWORD (REG_QWORD
//! above `u32::MAX`) and its text REG_SZ, so a REG_SZ `"0"` read from a
//! PowerShell listing looks like a DWORD — only `reg query` and `.reg`
//! exports show the real type.

use super::input::Line;
use super::{Evidence, RegData, RegValue, Snapshot, Src, Warning};

/// Parses a `reg query … /s` section (spec §2.4).
///
/// Key lines start at column 0 with a hive name; value lines are indented by
/// four spaces and split on the `REG_*` type token (names and data may hold
/// spaces). `ERROR: …` lines become warnings.
pub fn parse_reg_query(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut cs = ControlSets::default();
    let mut key: Option<(String, Evidence)> = None;
    let mut stray = Stray::default();
    for &line in lines {
        let t = line.text;
        let trimmed = t.trim();
        if trimmed.is_empty() {
            stray.flush(src, snap);
            continue;
        }
        if !t.starts_with(char::is_whitespace) && is_hive_path(trimmed) {
            stray.flush(src, snap);
            let ev = src.at(line);
            cs.note(src, line, trimmed, snap);
            snap.registry.key_mut(trimmed, ev.clone());
            key = Some((trimmed.to_string(), ev));
            continue;
        }
        if let Some(msg) = trimmed.strip_prefix("ERROR:") {
            stray.flush(src, snap);
            snap.warnings.push(Warning {
                at: src.at(line),
                message: format!("reg query error: {}", msg.trim()),
            });
            continue;
        }
        if starts_with_ci(trimmed, "End of search:") {
            continue;
        }
        if let Some((name, ty, data)) = split_query_value(t) {
            stray.flush(src, snap);
            let Some((path, kev)) = &key else {
                snap.warnings.push(Warning {
                    at: src.at(line),
                    message: "registry value before any key line: skipped".into(),
                });
                continue;
            };
            // `reg query /ve` prints an unset default value this way.
            if name == "(Default)" && data == "(value not set)" {
                continue;
            }
            let data = match query_data(ty, data) {
                Ok(d) => d,
                Err(why) => {
                    snap.warnings.push(Warning {
                        at: src.at(line),
                        message: format!("{ty} value {name:?}: {why}; kept as printed"),
                    });
                    RegData::Other(data.to_string())
                }
            };
            let value = RegValue {
                name: name.to_string(),
                data,
                evidence: src.at(line),
            };
            put(snap, path, kev, value);
            continue;
        }
        if t.starts_with("    ") && key.is_some() {
            snap.warnings.push(Warning {
                at: src.at(line),
                message: "unreadable reg query value line (no REG_* type): skipped".into(),
            });
            continue;
        }
        // Something else (a prompt, another command's output): later
        // indented lines must not land in the last key.
        key = None;
        stray.add(line);
    }
    stray.flush(src, snap);
}

/// Parses a `.reg` export (spec §2.5): `Windows Registry Editor Version
/// 5.00` (UTF-16 text) or `REGEDIT4` (ANSI text).
///
/// `[-KEY]` deletions are ignored with a warning; `"Name"=-` removes the
/// value (it is read as not set). `hex(n):` data spanning lines with a
/// trailing `\` is joined.
pub fn parse_reg_export(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut cs = ControlSets::default();
    let mut ansi = false;
    // None: no key yet; Some(None): inside a deleted key.
    let mut key: Option<Option<(String, Evidence)>> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        i += 1;
        let t = line.text.trim();
        if t.is_empty() || t.starts_with(';') {
            continue;
        }
        if t.eq_ignore_ascii_case("Windows Registry Editor Version 5.00") {
            ansi = false;
            continue;
        }
        if t == "REGEDIT4" {
            ansi = true;
            continue;
        }
        if let Some(inner) = t.strip_prefix('[') {
            let inner = inner.rfind(']').map_or(inner, |end| &inner[..end]);
            if let Some(deleted) = inner.strip_prefix('-') {
                snap.warnings.push(Warning {
                    at: src.at(line),
                    message: format!(
                        "key deletion [-{}] ignored: this is a file to import, not an export",
                        deleted.trim()
                    ),
                });
                key = Some(None);
                continue;
            }
            let path = inner.trim();
            if !is_hive_path(path) {
                snap.warnings.push(Warning {
                    at: src.at(line),
                    message: "key line without a known hive: skipped".into(),
                });
                key = Some(None);
                continue;
            }
            let ev = src.at(line);
            cs.note(src, line, path, snap);
            snap.registry.key_mut(path, ev.clone());
            key = Some(Some((path.to_string(), ev)));
            continue;
        }
        if !(t.starts_with('"') || t.starts_with('@')) {
            snap.warnings.push(Warning {
                at: src.at(line),
                message: "unrecognised .reg line: skipped".into(),
            });
            continue;
        }
        // A value: its name, then `=`, then data (hex data may continue on
        // the next lines after a trailing `\`).
        let (name, rest) = if let Some(r) = t.strip_prefix('@') {
            ("@".to_string(), r)
        } else {
            match unquote(t) {
                Some((n, r)) => (n, r),
                None => {
                    snap.warnings.push(Warning {
                        at: src.at(line),
                        message: "value name without a closing quote: skipped".into(),
                    });
                    continue;
                }
            }
        };
        let Some(data) = rest.trim_start().strip_prefix('=') else {
            snap.warnings.push(Warning {
                at: src.at(line),
                message: format!("value {name:?} without '=': skipped"),
            });
            continue;
        };
        let mut data = data.trim().to_string();
        if starts_with_ci(&data, "hex") {
            while data.ends_with('\\') && i < lines.len() {
                data.pop();
                data.push_str(lines[i].text.trim());
                i += 1;
            }
        }
        let Some(Some((path, kev))) = &key else {
            if key.is_none() {
                snap.warnings.push(Warning {
                    at: src.at(line),
                    message: format!("value {name:?} before any key: skipped"),
                });
            }
            continue;
        };
        if data == "-" {
            if let Some(k) = snap
                .registry
                .keys
                .get_mut(&super::Registry::normalize(path))
            {
                k.values.retain(|v| !v.name.eq_ignore_ascii_case(&name));
            }
            snap.warnings.push(Warning {
                at: src.at(line),
                message: format!(
                    "value deletion {name:?}=-: read as not set (a file to import, not an export)"
                ),
            });
            continue;
        }
        match export_data(&data, ansi) {
            Ok(d) => {
                let value = RegValue {
                    name,
                    data: d,
                    evidence: src.at(line),
                };
                put(snap, path, kev, value);
            }
            Err(why) => snap.warnings.push(Warning {
                at: src.at(line),
                message: format!("value {name:?}: {why}; skipped"),
            }),
        }
    }
}

/// Parses a PowerShell registry listing (spec §2.6): the `Get-ChildItem`
/// table (`Hive:` line, then `Name  Property` columns with one
/// `Value : data` per line) and `Get-ItemProperty` Format-List records
/// (keyed by their `PSPath`).
pub fn parse_powershell(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut hive: Option<String> = None;
    let mut stray = Stray::default();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.text.trim();
        if t.is_empty() {
            stray.flush(src, snap);
            i += 1;
            continue;
        }
        if let Some(h) = strip_prefix_ci(t, "Hive:") {
            stray.flush(src, snap);
            hive = Some(h.trim().to_string());
            i += 1;
            continue;
        }
        if let Some(col) = table_header(lines, i) {
            stray.flush(src, snap);
            i = ps_table(src, lines, i + 2, col, hive.as_deref(), snap);
            continue;
        }
        if ps_label(t).is_some() && !line.text.starts_with(char::is_whitespace) {
            stray.flush(src, snap);
            i = ps_record(src, lines, i, snap);
            continue;
        }
        stray.add(line);
        i += 1;
    }
    stray.flush(src, snap);
}

/// Adds `value` to the key at `path`, replacing a same-named value in place.
pub(super) fn put(snap: &mut Snapshot, path: &str, key_ev: &Evidence, value: RegValue) {
    let key = snap.registry.key_mut(path, key_ev.clone());
    match key
        .values
        .iter_mut()
        .find(|v| v.name.eq_ignore_ascii_case(&value.name))
    {
        Some(old) => *old = value,
        None => key.values.push(value),
    }
}

/// A run of lines no parser rule understood, reported once.
#[derive(Default)]
struct Stray<'a> {
    first: Option<Line<'a>>,
    count: usize,
}

impl<'a> Stray<'a> {
    fn add(&mut self, line: Line<'a>) {
        if self.first.is_none() {
            self.first = Some(line);
        }
        self.count += 1;
    }

    fn flush(&mut self, src: &Src<'_>, snap: &mut Snapshot) {
        if let Some(first) = self.first.take() {
            snap.warnings.push(Warning {
                at: src.at(first),
                message: format!(
                    "{} line(s) not understood in a registry listing: skipped",
                    self.count
                ),
            });
        }
        self.count = 0;
    }
}

/// `ControlSet00n` spellings seen in one section: [`Registry::normalize`]
/// maps them all to `CurrentControlSet`, so two different ones in one
/// export are merged (spec §2.5) — said once in a warning.
///
/// [`Registry::normalize`]: super::Registry::normalize
#[derive(Default)]
struct ControlSets {
    first: Option<String>,
    warned: bool,
}

impl ControlSets {
    fn note(&mut self, src: &Src<'_>, line: Line<'_>, path: &str, snap: &mut Snapshot) {
        let Some(cs) = path
            .split('\\')
            .nth(2)
            .filter(|c| c.len() == 13 && starts_with_ci(c, "ControlSet"))
        else {
            return;
        };
        let cs = cs.to_ascii_lowercase();
        match &self.first {
            None => self.first = Some(cs),
            Some(f) if *f != cs && !self.warned => {
                self.warned = true;
                snap.warnings.push(Warning {
                    at: src.at(line),
                    message: format!(
                        "export holds both {f} and {cs}: both read as CurrentControlSet, \
                         the later value wins; check HKLM\\SYSTEM\\Select\\Current"
                    ),
                });
            }
            Some(_) => {}
        }
    }
}

/// A path that starts with a hive (`HKEY_…`, `HKLM\`, `HKLM:\`).
fn is_hive_path(t: &str) -> bool {
    starts_with_ci(t, "HKEY_")
        || starts_with_ci(t, "HKLM\\")
        || starts_with_ci(t, "HKLM:")
        || starts_with_ci(t, "HKCU\\")
        || starts_with_ci(t, "HKCU:")
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    strip_prefix_ci(s, prefix).is_some()
}

/// `s` without `prefix` (ASCII case-insensitive); safe on any text.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Splits a `reg query` value line into name, type token and data: four
/// spaces, name, four spaces, `REG_*`, then four spaces and data or nothing.
fn split_query_value(line: &str) -> Option<(&str, &str, &str)> {
    let rest = line.strip_prefix("    ")?;
    let mut from = 0;
    while let Some(off) = rest.get(from..).and_then(|r| r.find("    REG_")) {
        let at = from + off;
        let after = &rest[at + 4..];
        let tlen = after
            .bytes()
            .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || *b == b'_')
            .count();
        let (ty, tail) = after.split_at(tlen);
        let name = rest[..at].trim_start();
        if tail.is_empty() {
            return Some((name, ty, ""));
        }
        if let Some(data) = tail.strip_prefix("    ") {
            return Some((name, ty, data));
        }
        from = at + 4;
    }
    None
}

/// Data of a `reg query` value by its type token.
fn query_data(ty: &str, data: &str) -> Result<RegData, String> {
    Ok(match ty {
        "REG_DWORD" => RegData::Dword(
            parse_num(data)
                .and_then(|n| u32::try_from(n).ok())
                .ok_or_else(|| format!("{data:?} is not a 32-bit number"))?,
        ),
        "REG_QWORD" => RegData::Qword(
            parse_num(data).ok_or_else(|| format!("{data:?} is not a 64-bit number"))?,
        ),
        "REG_SZ" => RegData::Sz(data.to_string()),
        "REG_EXPAND_SZ" => RegData::ExpandSz(data.to_string()),
        "REG_MULTI_SZ" => {
            let mut items: Vec<String> = data.split("\\0").map(str::to_string).collect();
            while items.last().is_some_and(String::is_empty) {
                items.pop();
            }
            RegData::MultiSz(items)
        }
        "REG_BINARY" => RegData::Binary(hex_run(data).ok_or("not hexadecimal bytes")?),
        _ => RegData::Other(format!("{ty} {data}").trim_end().to_string()),
    })
}

/// `0x1a` (hex) or `26` (decimal).
fn parse_num(s: &str) -> Option<u64> {
    let s = s.trim();
    match strip_prefix_ci(s, "0x") {
        Some(h) if !h.is_empty() => u64::from_str_radix(h, 16).ok(),
        Some(_) => None,
        None => s.parse().ok(),
    }
}

/// Unseparated hex digits (`reg query` REG_BINARY) to bytes.
fn hex_run(s: &str) -> Option<Vec<u8>> {
    let b = s.trim().as_bytes();
    if !b.len().is_multiple_of(2) {
        return None;
    }
    b.chunks_exact(2)
        .map(|p| {
            let d = std::str::from_utf8(p).ok()?;
            u8::from_str_radix(d, 16).ok()
        })
        .collect()
}

/// Reads a `"quoted"` string with `.reg` escapes (`\\`, `\"`) from the start
/// of `s`; returns it and what follows the closing quote.
fn unquote(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => match chars.next() {
                Some((_, e @ ('\\' | '"'))) => out.push(e),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    None
}

/// Data of a `.reg` value (after `=`), continuation lines already joined.
fn export_data(data: &str, ansi: bool) -> Result<RegData, String> {
    if data.starts_with('"') {
        let (s, rest) = unquote(data).ok_or("string without a closing quote")?;
        let rest = rest.trim();
        if !(rest.is_empty() || rest.starts_with(';')) {
            return Err(format!("text after the string: {rest:?}"));
        }
        return Ok(RegData::Sz(s));
    }
    if let Some(h) = strip_prefix_ci(data, "dword:") {
        let h = h.split(';').next().unwrap_or("").trim();
        if h.is_empty() || h.len() > 8 {
            return Err(format!("dword:{h} is not 1 to 8 hex digits"));
        }
        return u32::from_str_radix(h, 16)
            .map(RegData::Dword)
            .map_err(|_| format!("dword:{h} is not hexadecimal"));
    }
    let Some(rest) = strip_prefix_ci(data, "hex") else {
        return Err(format!("unknown data form {:?}", short(data)));
    };
    let (kind, list) = if let Some(l) = rest.strip_prefix(':') {
        (3u32, l)
    } else {
        let r = rest.strip_prefix('(').ok_or("hex type without ':'")?;
        let close = r.find("):").ok_or("hex(n) without '):'")?;
        let k = u32::from_str_radix(r[..close].trim(), 16)
            .map_err(|_| format!("hex({}) type is not hexadecimal", &r[..close]))?;
        (k, &r[close + 2..])
    };
    let bytes = hex_list(list)?;
    Ok(match kind {
        1 => RegData::Sz(
            text_bytes(&bytes, ansi)
                .into_iter()
                .next()
                .unwrap_or_default(),
        ),
        2 => RegData::ExpandSz(
            text_bytes(&bytes, ansi)
                .into_iter()
                .next()
                .unwrap_or_default(),
        ),
        7 => RegData::MultiSz(text_bytes(&bytes, ansi)),
        4 if bytes.len() == 4 => {
            RegData::Dword(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
        }
        0xb => {
            let arr: [u8; 8] = bytes
                .as_slice()
                .try_into()
                .map_err(|_| format!("hex(b) QWORD has {} bytes, not 8", bytes.len()))?;
            RegData::Qword(u64::from_le_bytes(arr))
        }
        _ => RegData::Binary(bytes),
    })
}

/// The first characters of `s`, for messages.
fn short(s: &str) -> String {
    s.chars().take(24).collect()
}

/// `00,1a,ff` (commas, blanks, an optional trailing comma) to bytes.
fn hex_list(s: &str) -> Result<Vec<u8>, String> {
    let s = s.split(';').next().unwrap_or("");
    s.split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.len() > 2 {
                return Err(format!("{:?} is not a hex byte", short(p)));
            }
            u8::from_str_radix(p, 16).map_err(|_| format!("{p:?} is not a hex byte"))
        })
        .collect()
}

/// Strings of a hex(1)/hex(2)/hex(7) value: UTF-16LE in version 5 files,
/// single bytes in REGEDIT4 ones; NUL-separated, ended by an empty string.
fn text_bytes(bytes: &[u8], ansi: bool) -> Vec<String> {
    let units: Vec<u16> = if ansi {
        bytes.iter().map(|&b| u16::from(b)).collect()
    } else {
        bytes
            .chunks_exact(2)
            .map(|p| u16::from_le_bytes([p[0], p[1]]))
            .collect()
    };
    let mut out = Vec::new();
    for item in units.split(|&u| u == 0) {
        if item.is_empty() {
            break;
        }
        out.push(
            char::decode_utf16(item.iter().copied())
                .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect(),
        );
    }
    out
}

/// If lines `i` and `i+1` are a `Name  Property` header and its dashes,
/// the column (in characters) where properties start.
fn table_header(lines: &[Line<'_>], i: usize) -> Option<usize> {
    let head = lines[i].text;
    let dashes: Vec<char> = lines.get(i + 1)?.text.chars().collect();
    if head.split_whitespace().ne(["Name", "Property"]) {
        return None;
    }
    // Two runs of dashes separated by blanks; the second starts the column.
    let first = dashes.iter().position(|&c| c == '-')?;
    let gap = first + dashes[first..].iter().position(|&c| c != '-')?;
    let second = gap + dashes[gap..].iter().position(|&c| c == '-')?;
    let clean = dashes[..second].iter().all(|&c| c == '-' || c == ' ');
    clean.then_some(second)
}

/// Reads `Get-ChildItem` table rows from `i` until a blank line; returns
/// the index after them.
fn ps_table(
    src: &Src<'_>,
    lines: &[Line<'_>],
    mut i: usize,
    col: usize,
    hive: Option<&str>,
    snap: &mut Snapshot,
) -> usize {
    if let (None, Some(&l)) = (hive, lines.get(i.saturating_sub(2))) {
        snap.warnings.push(Warning {
            at: src.at(l),
            message: "registry table without a Hive: line: key paths unknown, skipped".into(),
        });
    }
    let mut key: Option<(String, Evidence)> = None;
    while i < lines.len() {
        let line = lines[i];
        if line.text.trim().is_empty() {
            break;
        }
        i += 1;
        let Some(hive) = hive else { continue };
        let (name, prop) = split_at_char(line.text, col);
        let name = name.trim();
        if !name.is_empty() {
            if name.ends_with("...") || name.ends_with('…') {
                snap.warnings.push(Warning {
                    at: src.at(line),
                    message: "key name truncated by the table width: skipped (use Format-List)"
                        .into(),
                });
                key = None;
                continue;
            }
            let path = format!("{hive}\\{name}");
            let ev = src.at(line);
            snap.registry.key_mut(&path, ev.clone());
            key = Some((path, ev));
        }
        let prop = prop.trim();
        if prop.is_empty() {
            continue;
        }
        let Some((path, kev)) = &key else { continue };
        match ps_label(prop) {
            Some((vname, vtext)) => ps_put(src, line, path, kev, vname, vtext, snap),
            None => snap.warnings.push(Warning {
                at: src.at(line),
                message: "registry table property without 'Name : value': skipped".into(),
            }),
        }
    }
    i
}

/// `s` split at character `col` (not byte): safe on non-ASCII names.
fn split_at_char(s: &str, col: usize) -> (&str, &str) {
    match s.char_indices().nth(col) {
        Some((b, _)) => s.split_at(b),
        None => (s, ""),
    }
}

/// `Label : value` (PowerShell list or table property), label trimmed.
fn ps_label(t: &str) -> Option<(&str, &str)> {
    let (label, value) = match t.find(" : ") {
        Some(at) => (&t[..at], &t[at + 3..]),
        None => (t.strip_suffix(" :")?, ""),
    };
    let label = label.trim();
    (!label.is_empty()).then_some((label, value.trim()))
}

/// PowerShell's own properties of a registry item, not registry values.
const PS_PROPS: [&str; 5] = [
    "PSPath",
    "PSParentPath",
    "PSChildName",
    "PSDrive",
    "PSProvider",
];

/// Reads one `Get-ItemProperty` record (lines up to a blank line) from `i`;
/// returns the index after it.
fn ps_record(src: &Src<'_>, lines: &[Line<'_>], mut i: usize, snap: &mut Snapshot) -> usize {
    let mut fields: Vec<(String, String, Line<'_>)> = Vec::new();
    while i < lines.len() {
        let line = lines[i];
        let t = line.text.trim();
        if t.is_empty() {
            break;
        }
        i += 1;
        match ps_label(t) {
            Some((l, v)) if !line.text.starts_with(char::is_whitespace) => {
                fields.push((l.to_string(), v.to_string(), line));
            }
            // A value wrapped at the console width continues indented.
            _ => match fields.last_mut() {
                Some(last) => last.1.push_str(t),
                None => snap.warnings.push(Warning {
                    at: src.at(line),
                    message: "line not understood in a registry listing: skipped".into(),
                }),
            },
        }
    }
    let Some((_, pspath, pline)) = fields
        .iter()
        .find(|(l, _, _)| l.eq_ignore_ascii_case("PSPath"))
    else {
        if let Some((_, _, first)) = fields.first() {
            snap.warnings.push(Warning {
                at: src.at(*first),
                message: "property list without PSPath: key unknown, skipped".into(),
            });
        }
        return i;
    };
    let path = pspath
        .find("::")
        .map_or(pspath.as_str(), |at| &pspath[at + 2..])
        .to_string();
    if !is_hive_path(&path) {
        snap.warnings.push(Warning {
            at: src.at(*pline),
            message: "PSPath is not a registry path: skipped".into(),
        });
        return i;
    }
    let kev = src.at(*pline);
    snap.registry.key_mut(&path, kev.clone());
    for (label, value, line) in &fields {
        if PS_PROPS.iter().any(|p| p.eq_ignore_ascii_case(label)) {
            continue;
        }
        ps_put(src, *line, &path, &kev, label, value, snap);
    }
    i
}

/// Adds one PowerShell-shown value (type guessed from the text).
fn ps_put(
    src: &Src<'_>,
    line: Line<'_>,
    path: &str,
    kev: &Evidence,
    name: &str,
    text: &str,
    snap: &mut Snapshot,
) {
    let Some(data) = ps_data(text) else {
        snap.warnings.push(Warning {
            at: src.at(line),
            message: format!("value {name:?} truncated by PowerShell ('...'): skipped"),
        });
        return;
    };
    let value = RegValue {
        name: name.to_string(),
        data,
        evidence: src.at(line),
    };
    put(snap, path, kev, value);
}

/// PowerShell shows no types: integers become DWORD (QWORD beyond 32 bits;
/// a negative one is the signed view of a DWORD), `{a, b}` a multi-string
/// (or bytes when every item is 0–255), anything else a string. `None`
/// when PowerShell cut the list short.
fn ps_data(text: &str) -> Option<RegData> {
    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        if inner.ends_with("...") || inner.ends_with('…') {
            return None;
        }
        let items: Vec<&str> = inner
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        let bytes: Option<Vec<u8>> = items.iter().map(|s| s.parse::<u8>().ok()).collect();
        return Some(match bytes {
            Some(b) if !b.is_empty() => RegData::Binary(b),
            _ => RegData::MultiSz(items.into_iter().map(str::to_string).collect()),
        });
    }
    if let Ok(n) = text.parse::<u64>() {
        return Some(match u32::try_from(n) {
            Ok(d) => RegData::Dword(d),
            Err(_) => RegData::Qword(n),
        });
    }
    if let Ok(n) = text.parse::<i64>() {
        // Windows PowerShell shows a DWORD above 0x7fffffff as a negative
        // Int32 in some views (spec §2.6).
        return Some(match i32::try_from(n) {
            Ok(d) => RegData::Dword(d as u32),
            Err(_) => RegData::Qword(n as u64),
        });
    }
    Some(RegData::Sz(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::input;

    const SCH: &str = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL";

    fn query(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        let lines = input::lines(text);
        parse_reg_query(&Src { file: "q.txt" }, &lines, &mut snap);
        snap
    }

    fn export(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        let lines = input::lines(text);
        parse_reg_export(&Src { file: "e.reg" }, &lines, &mut snap);
        snap
    }

    fn ps(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        let lines = input::lines(text);
        parse_powershell(&Src { file: "p.txt" }, &lines, &mut snap);
        snap
    }

    fn data<'a>(snap: &'a Snapshot, path: &str, name: &str) -> &'a RegData {
        &snap
            .registry
            .value(path, name)
            .unwrap_or_else(|| panic!("no {path} {name}: {:#?}", snap.registry))
            .data
    }

    #[test]
    fn reg_query_dword_values_read_with_line() {
        let s = query(
            "\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2\\Server\n    Enabled    REG_DWORD    0x1\n    DisabledByDefault    REG_DWORD    0x0\n",
        );
        let p = format!(r"{SCH}\Protocols\TLS 1.2\Server");
        assert_eq!(data(&s, &p, "Enabled"), &RegData::Dword(1));
        assert_eq!(data(&s, &p, "disabledbydefault"), &RegData::Dword(0));
        let v = s.registry.value(&p, "Enabled").unwrap();
        assert_eq!((v.evidence.line, v.evidence.file.as_str()), (3, "q.txt"));
        assert_eq!(v.evidence.text, "Enabled    REG_DWORD    0x1");
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn reg_query_ffffffff_reads_u32_max() {
        let s = query("HKEY_LOCAL_MACHINE\\X\n    Enabled    REG_DWORD    0xffffffff\n");
        assert_eq!(data(&s, r"HKLM\X", "Enabled"), &RegData::Dword(u32::MAX));
    }

    #[test]
    fn reg_query_empty_keys_kept() {
        let s = query(&format!(
            "HKEY_LOCAL_MACHINE\\{0}\n    EventLogging    REG_DWORD    0x1\n\nHKEY_LOCAL_MACHINE\\{0}\\Ciphers\n\nHKEY_LOCAL_MACHINE\\{0}\\Protocols\\TLS1.2\n",
            &SCH[5..]
        ));
        assert!(s.registry.key(&format!(r"{SCH}\Ciphers")).is_some());
        assert!(
            s.registry
                .key(&format!(r"{SCH}\Protocols\TLS1.2"))
                .is_some()
        );
        assert_eq!(s.registry.keys.len(), 3);
    }

    #[test]
    fn reg_query_sz_with_spaces_in_name_and_data() {
        let s = query(
            "HKEY_LOCAL_MACHINE\\K\n    Product Name    REG_SZ    Windows Server 2019 Datacenter\n",
        );
        assert_eq!(
            data(&s, r"HKLM\K", "Product Name"),
            &RegData::Sz("Windows Server 2019 Datacenter".into())
        );
    }

    #[test]
    fn reg_query_default_value_named_as_printed() {
        let s = query("HKEY_LOCAL_MACHINE\\K\n    (Default)    REG_SZ    hello\n");
        assert_eq!(
            data(&s, r"HKLM\K", "(Default)"),
            &RegData::Sz("hello".into())
        );
    }

    #[test]
    fn reg_query_default_value_not_set_skipped() {
        let s = query("HKEY_LOCAL_MACHINE\\K\n    (Default)    REG_SZ    (value not set)\n");
        assert!(s.registry.key(r"HKLM\K").unwrap().values.is_empty());
    }

    #[test]
    fn reg_query_multi_sz_split_on_backslash_zero() {
        let s = query(
            "HKEY_LOCAL_MACHINE\\K\n    Functions    REG_MULTI_SZ    TLS_AES_256_GCM_SHA384\\0TLS_AES_128_GCM_SHA256\n",
        );
        assert_eq!(
            data(&s, r"HKLM\K", "Functions"),
            &RegData::MultiSz(vec![
                "TLS_AES_256_GCM_SHA384".into(),
                "TLS_AES_128_GCM_SHA256".into()
            ])
        );
    }

    #[test]
    fn reg_query_binary_hex_decoded() {
        let s = query("HKEY_LOCAL_MACHINE\\K\n    Blob    REG_BINARY    01FF0A\n");
        assert_eq!(
            data(&s, r"HKLM\K", "Blob"),
            &RegData::Binary(vec![1, 0xff, 0x0a])
        );
    }

    #[test]
    fn reg_query_qword_reads_u64() {
        let s = query("HKEY_LOCAL_MACHINE\\K\n    Big    REG_QWORD    0x100000000\n");
        assert_eq!(data(&s, r"HKLM\K", "Big"), &RegData::Qword(1 << 32));
    }

    #[test]
    fn reg_query_empty_data_values_read() {
        let s = query(
            "HKEY_LOCAL_MACHINE\\K\n    Empty    REG_SZ    \n    None    REG_MULTI_SZ\n    Bin    REG_BINARY\n",
        );
        assert_eq!(data(&s, r"HKLM\K", "Empty"), &RegData::Sz(String::new()));
        assert_eq!(data(&s, r"HKLM\K", "None"), &RegData::MultiSz(vec![]));
        assert_eq!(data(&s, r"HKLM\K", "Bin"), &RegData::Binary(vec![]));
    }

    #[test]
    fn reg_query_bad_dword_kept_as_other_with_warning() {
        let s = query("HKEY_LOCAL_MACHINE\\K\n    Enabled    REG_DWORD    0xZZ\n");
        assert_eq!(
            data(&s, r"HKLM\K", "Enabled"),
            &RegData::Other("0xZZ".into())
        );
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn reg_query_unknown_type_kept_as_other() {
        let s = query("HKEY_LOCAL_MACHINE\\K\n    Odd    REG_NONE\n");
        assert_eq!(
            data(&s, r"HKLM\K", "Odd"),
            &RegData::Other("REG_NONE".into())
        );
    }

    #[test]
    fn reg_query_error_line_becomes_warning() {
        let s =
            query("ERROR: The system was unable to find the specified registry key or value.\n");
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].message.contains("unable to find"));
        assert_eq!(s.warnings[0].at.line, 1);
    }

    #[test]
    fn reg_query_later_duplicate_replaces_in_place() {
        let s = query(
            "HKEY_LOCAL_MACHINE\\K\n    A    REG_DWORD    0x1\n    B    REG_DWORD    0x2\n\nHKEY_LOCAL_MACHINE\\K\n    a    REG_DWORD    0x0\n",
        );
        let k = s.registry.key(r"HKLM\K").unwrap();
        assert_eq!(k.values.len(), 2);
        assert_eq!(k.values[0].data, RegData::Dword(0));
        assert_eq!(k.values[0].evidence.line, 6);
    }

    #[test]
    fn reg_query_stray_text_ends_key_and_warns_once() {
        let s = query(
            "HKEY_LOCAL_MACHINE\\K\n    A    REG_DWORD    0x1\nC:\\> ipconfig\nsomething else\n    B    REG_DWORD    0x2\n",
        );
        assert!(s.registry.value(r"HKLM\K", "B").is_none());
        assert_eq!(s.warnings.len(), 2, "{:?}", s.warnings);
    }

    #[test]
    fn reg_query_end_of_search_ignored() {
        let s = query(
            "HKEY_LOCAL_MACHINE\\K\n    A    REG_DWORD    0x1\n\nEnd of search: 1 match(es) found.\n",
        );
        assert!(s.warnings.is_empty());
    }

    #[test]
    fn reg_query_two_control_sets_warned() {
        let s = query(
            "HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control\n    A    REG_DWORD    0x1\nHKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet002\\Control\n    A    REG_DWORD    0x0\n",
        );
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].message.contains("controlset002"));
        assert_eq!(
            data(&s, r"HKLM\SYSTEM\CurrentControlSet\Control", "A"),
            &RegData::Dword(0)
        );
    }

    #[test]
    fn reg_query_non_ascii_data_no_panic() {
        let s = query("HKEY_LOCAL_MACHINE\\Ké\n    Näme    REG_SZ    dätä ü\n    ü\n");
        assert_eq!(data(&s, r"HKLM\Ké", "Näme"), &RegData::Sz("dätä ü".into()));
    }

    #[test]
    fn reg_export_dword_and_sz_read() {
        let s = export(
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.0\\Server]\r\n\"Enabled\"=dword:00000000\r\n\"DisabledByDefault\"=\"1\"\r\n",
        );
        let p = format!(r"{SCH}\Protocols\TLS 1.0\Server");
        assert_eq!(data(&s, &p, "Enabled"), &RegData::Dword(0));
        assert_eq!(data(&s, &p, "DisabledByDefault"), &RegData::Sz("1".into()));
        assert_eq!(s.registry.value(&p, "Enabled").unwrap().evidence.line, 4);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn reg_export_hand_written_dword_case_and_short() {
        let s = export("REGEDIT4\n[HKEY_LOCAL_MACHINE\\K]\n\"A\"=DWORD:FFFFFFFF\n\"B\"=dword:0\n");
        assert_eq!(data(&s, r"HKLM\K", "A"), &RegData::Dword(u32::MAX));
        assert_eq!(data(&s, r"HKLM\K", "B"), &RegData::Dword(0));
    }

    #[test]
    fn reg_export_dword_too_long_warned() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"A\"=dword:000000001\n");
        assert!(s.registry.value(r"HKLM\K", "A").is_none());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn reg_export_string_escapes_unescaped() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"Pa\\\"th\"=\"C:\\\\x \\\"q\\\"\"\n");
        assert_eq!(
            data(&s, r"HKLM\K", "Pa\"th"),
            &RegData::Sz("C:\\x \"q\"".into())
        );
    }

    #[test]
    fn reg_export_default_value_at_sign() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n@=\"dflt\"\n");
        assert_eq!(data(&s, r"HKLM\K", "@"), &RegData::Sz("dflt".into()));
    }

    #[test]
    fn reg_export_hex_binary_read() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"B\"=hex:01,ab,00\n");
        assert_eq!(data(&s, r"HKLM\K", "B"), &RegData::Binary(vec![1, 0xab, 0]));
    }

    #[test]
    fn reg_export_hex7_continued_lines_decode_multi_sz() {
        // "AB" "C" in UTF-16LE, NUL-separated, double-NUL ended, wrapped.
        let s = export(
            "[HKEY_LOCAL_MACHINE\\K]\n\"Functions\"=hex(7):41,00,42,00,00,00,\\\n  43,00,00,00,\\\n  00,00\n\"Next\"=dword:1\n",
        );
        assert_eq!(
            data(&s, r"HKLM\K", "Functions"),
            &RegData::MultiSz(vec!["AB".into(), "C".into()])
        );
        assert_eq!(data(&s, r"HKLM\K", "Next"), &RegData::Dword(1));
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn reg_export_hex2_decodes_expand_sz() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"P\"=hex(2):25,00,41,00,25,00,00,00\n");
        assert_eq!(data(&s, r"HKLM\K", "P"), &RegData::ExpandSz("%A%".into()));
    }

    #[test]
    fn reg_export_regedit4_hex2_single_bytes() {
        let s = export("REGEDIT4\n\n[HKEY_LOCAL_MACHINE\\K]\n\"P\"=hex(2):25,41,25,00\n");
        assert_eq!(data(&s, r"HKLM\K", "P"), &RegData::ExpandSz("%A%".into()));
    }

    #[test]
    fn reg_export_hexb_decodes_qword() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"Q\"=hex(b):01,00,00,00,01,00,00,00\n");
        assert_eq!(data(&s, r"HKLM\K", "Q"), &RegData::Qword(0x1_0000_0001));
    }

    #[test]
    fn reg_export_hexb_wrong_length_warned() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"Q\"=hex(b):01,00\n");
        assert!(s.registry.value(r"HKLM\K", "Q").is_none());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn reg_export_hex4_reads_dword() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"D\"=hex(4):01,00,00,00\n");
        assert_eq!(data(&s, r"HKLM\K", "D"), &RegData::Dword(1));
    }

    #[test]
    fn reg_export_key_deletion_ignored_with_warning() {
        let s = export(
            "[-HKEY_LOCAL_MACHINE\\K]\n\"A\"=dword:1\n[HKEY_LOCAL_MACHINE\\L]\n\"B\"=dword:1\n",
        );
        assert!(s.registry.key(r"HKLM\K").is_none());
        assert_eq!(data(&s, r"HKLM\L", "B"), &RegData::Dword(1));
        assert_eq!(s.warnings.len(), 1);
        assert!(s.warnings[0].message.contains("deletion"));
    }

    #[test]
    fn reg_export_value_deletion_removes_value() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"A\"=dword:1\n\"A\"=-\n");
        assert!(s.registry.value(r"HKLM\K", "A").is_none());
        assert!(s.registry.key(r"HKLM\K").is_some());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn reg_export_value_before_key_warned() {
        let s = export("\"A\"=dword:1\n");
        assert!(s.registry.keys.is_empty());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn reg_export_unterminated_string_warned_rest_read() {
        let s = export("[HKEY_LOCAL_MACHINE\\K]\n\"A\"=\"oops\n\"B\"=dword:2\n");
        assert!(s.registry.value(r"HKLM\K", "A").is_none());
        assert_eq!(data(&s, r"HKLM\K", "B"), &RegData::Dword(2));
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn reg_export_comment_lines_ignored() {
        let s = export("; made by hand\n[HKEY_LOCAL_MACHINE\\K]\n\"A\"=dword:1 ; on\n");
        assert_eq!(data(&s, r"HKLM\K", "A"), &RegData::Dword(1));
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn reg_export_trailing_space_in_key_component_kept() {
        let s = export(&format!(
            "[HKEY_LOCAL_MACHINE\\{}\\Protocols\\TLS 1.2 \\Server]\n\"Enabled\"=dword:1\n",
            &SCH[5..]
        ));
        let k = s.registry.keys.values().next().unwrap();
        assert!(k.path.ends_with("TLS 1.2 \\Server"));
    }

    #[test]
    fn reg_export_non_ascii_at_prefix_length_no_panic() {
        // Byte 10 (the length of `Registry::`) falls inside the `ü`.
        let s = export("[HKEY_LOCAü\\X]\n\"A\"=dword:1\n");
        assert_eq!(data(&s, "HKEY_LOCAü\\X", "A"), &RegData::Dword(1));
    }

    #[test]
    fn reg_export_non_ascii_garbage_no_panic() {
        let s =
            export("[HKEY_LOCAL_MACHINE\\K]\n\"é\"=hex(ü):é\n\"ü\"=dwörd:1\né=1\n\"x\"=hex:ééé\n");
        assert_eq!(s.warnings.len(), 4, "{:?}", s.warnings);
    }

    #[test]
    fn powershell_table_reads_keys_and_continuations() {
        let s = ps(&format!(
            "\n    Hive: HKEY_LOCAL_MACHINE\\{}\\Protocols\\TLS 1.2\n\n\nName                           Property\n----                           --------\nClient                         DisabledByDefault : 0\n                               Enabled           : 1\nServer                         Enabled           : 4294967295\n                               DisabledByDefault : 0\n",
            &SCH[5..]
        ));
        let srv = format!(r"{SCH}\Protocols\TLS 1.2\Server");
        assert_eq!(data(&s, &srv, "Enabled"), &RegData::Dword(u32::MAX));
        assert_eq!(data(&s, &srv, "DisabledByDefault"), &RegData::Dword(0));
        assert_eq!(
            data(&s, &format!(r"{SCH}\Protocols\TLS 1.2\Client"), "Enabled"),
            &RegData::Dword(1)
        );
        assert_eq!(s.registry.value(&srv, "Enabled").unwrap().evidence.line, 9);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn powershell_table_keys_without_properties_kept() {
        let s = ps(
            "    Hive: HKEY_LOCAL_MACHINE\\A\n\nName                           Property\n----                           --------\nSSL 2.0\nTLS1.2\n",
        );
        assert!(s.registry.key(r"HKLM\A\SSL 2.0").is_some());
        assert!(s.registry.key(r"HKLM\A\TLS1.2").is_some());
    }

    #[test]
    fn powershell_table_several_hives() {
        let s = ps(
            "    Hive: HKEY_LOCAL_MACHINE\\A\n\nName  Property\n----  --------\nB     X : 1\n\n\n    Hive: HKEY_LOCAL_MACHINE\\A\\B\n\nName  Property\n----  --------\nC     Y : text here\n",
        );
        assert_eq!(data(&s, r"HKLM\A\B", "X"), &RegData::Dword(1));
        assert_eq!(
            data(&s, r"HKLM\A\B\C", "Y"),
            &RegData::Sz("text here".into())
        );
    }

    #[test]
    fn powershell_table_without_hive_warned() {
        let s = ps("Name  Property\n----  --------\nB     X : 1\n");
        assert!(s.registry.keys.is_empty());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn powershell_list_keyed_by_pspath() {
        let s = ps(&format!(
            "Enabled           : 0\nDisabledByDefault : -1\nPSPath            : Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\{}\\Protocols\\TLS 1.0\\Server\nPSParentPath      : Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\{}\\Protocols\\TLS 1.0\nPSChildName       : Server\nPSDrive           : HKLM\nPSProvider        : Microsoft.PowerShell.Core\\Registry\n",
            &SCH[5..],
            &SCH[5..]
        ));
        let p = format!(r"{SCH}\Protocols\TLS 1.0\Server");
        assert_eq!(data(&s, &p, "Enabled"), &RegData::Dword(0));
        assert_eq!(data(&s, &p, "DisabledByDefault"), &RegData::Dword(u32::MAX));
        assert_eq!(s.registry.key(&p).unwrap().values.len(), 2);
        assert!(!s.registry.key(&p).unwrap().path.contains("::"));
    }

    #[test]
    fn powershell_list_without_pspath_warned() {
        let s = ps("Enabled : 1\n");
        assert!(s.registry.keys.is_empty());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn powershell_list_multi_string_and_wrapped_value() {
        let s = ps(
            "Functions    : {TLS_AES_256_GCM_SHA384, TLS_AES_1\n               28_GCM_SHA256}\nPSPath       : Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\K\n",
        );
        assert_eq!(
            data(&s, r"HKLM\K", "Functions"),
            &RegData::MultiSz(vec![
                "TLS_AES_256_GCM_SHA384".into(),
                "TLS_AES_128_GCM_SHA256".into()
            ])
        );
    }

    #[test]
    fn powershell_truncated_list_warned() {
        let s = ps("F : {a, b, c...}\nPSPath : HKLM:\\K\n");
        assert!(s.registry.value(r"HKLM\K", "F").is_none());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn powershell_big_number_reads_qword() {
        let s = ps("Q : 4294967296\nB : {1, 2}\nPSPath : HKLM:\\K\n");
        assert_eq!(data(&s, r"HKLM\K", "Q"), &RegData::Qword(1 << 32));
        assert_eq!(data(&s, r"HKLM\K", "B"), &RegData::Binary(vec![1, 2]));
    }

    #[test]
    fn powershell_non_ascii_table_no_panic() {
        let s = ps(
            "    Hive: HKEY_LOCAL_MACHINE\\A\n\nName  Property\n----  --------\nüéüé X : 1\né\n",
        );
        assert!(!s.registry.keys.is_empty());
    }
}
