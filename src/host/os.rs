//! Windows version: `ver`, `systeminfo`, and the `…\Windows NT\CurrentVersion`
//! registry values (spec §2.12).
//!
//! Input: the lines of one section — `Microsoft Windows [Version
//! 10.0.17763.1234]`, `OS Name:` / `OS Version: 10.0.17763 N/A Build 17763`,
//! or the CurrentVersion key as `reg query` value lines, `.reg` lines or
//! PowerShell `Name : value` lines (`input::segment` overlays an OS section
//! on that key of a registry section). Output: `snap.os` — build from
//! `CurrentBuild`/`CurrentBuildNumber`, the version string or `Build n`;
//! name from `OS Name` or `ProductName` (with `DisplayVersion`/`ReleaseId`
//! in parentheses). A later section fills what an earlier one left empty;
//! a different build is a [`Warning`], never an overwrite.
//! Not done here: the build → product/defaults map (see `schannel`).
//! `CurrentVersion` (always 6.3 on Windows 10+) is deliberately not read.

use super::input::{Line, label_value, windows_ver};
use super::{OsInfo, Snapshot, Src, Warning};

/// What one line says.
enum Fact<'a> {
    Build(u32),
    Name(&'a str),
    Display(&'a str),
    Release(&'a str),
}

/// Parses a version section.
pub fn parse(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut build: Option<(u32, Line<'_>)> = None;
    let mut name: Option<(&str, Line<'_>)> = None;
    let mut display: Option<&str> = None;
    let mut release: Option<&str> = None;
    for &line in lines {
        let Some(fact) = fact(line.text) else {
            continue;
        };
        match fact {
            Fact::Build(b) => match build {
                None => build = Some((b, line)),
                Some((old, _)) if old != b => warn(
                    snap,
                    src,
                    line,
                    format!("build {b} differs from build {old} read above; kept {old}"),
                ),
                Some(_) => {}
            },
            Fact::Name(n) => {
                name.get_or_insert((n, line));
            }
            Fact::Display(d) => {
                display.get_or_insert(d);
            }
            Fact::Release(r) => {
                release.get_or_insert(r);
            }
        }
    }
    let name_text = name.map(|(n, _)| match display.or(release) {
        Some(d) => format!("{n} ({d})"),
        None => n.to_string(),
    });
    let Some(evidence_line) = build.map(|(_, l)| l).or(name.map(|(_, l)| l)) else {
        if let Some(first) = lines.iter().find(|l| !l.text.trim().is_empty()) {
            warn(
                snap,
                src,
                *first,
                "no Windows version or build found in this section".into(),
            );
        }
        return;
    };
    let build = build.map(|(b, _)| b);
    match snap.os.as_mut() {
        None => {
            snap.os = Some(OsInfo {
                name: name_text,
                build,
                evidence: src.at(evidence_line),
            });
        }
        Some(os) => {
            let conflict = match (os.build, build) {
                (Some(old), Some(new)) if old != new => Some((old, new)),
                _ => None,
            };
            if os.build.is_none() {
                os.build = build;
            }
            if os.name.is_none() {
                os.name = name_text;
            }
            if let Some((old, new)) = conflict {
                warn(
                    snap,
                    src,
                    evidence_line,
                    format!("build {new} differs from build {old} read earlier; kept {old}"),
                );
            }
        }
    }
}

/// The build of a `10.0.17763[.1234]` version string (the third part).
fn build_of(version: &str) -> Option<u32> {
    version.split('.').nth(2)?.parse().ok()
}

fn fact(raw: &str) -> Option<Fact<'_>> {
    let t = raw.trim();
    if let Some(v) = windows_ver(t) {
        return build_of(v).map(Fact::Build);
    }
    if let Some(v) = systeminfo_value(t, "OS Name:") {
        return (!v.is_empty()).then_some(Fact::Name(v));
    }
    if let Some(v) = systeminfo_value(t, "OS Version:") {
        // `10.0.17763 N/A Build 17763`
        let from_version = v.split_whitespace().next().and_then(build_of);
        let from_word = v
            .rsplit_once("Build ")
            .and_then(|(_, n)| n.trim().parse().ok());
        return from_version.or(from_word).map(Fact::Build);
    }
    let (name, data) = registry_value(raw)?;
    let data = data.trim();
    if data.is_empty() {
        return None;
    }
    if name.eq_ignore_ascii_case("CurrentBuild") || name.eq_ignore_ascii_case("CurrentBuildNumber")
    {
        return data.parse().ok().map(Fact::Build);
    }
    if name.eq_ignore_ascii_case("ProductName") {
        return Some(Fact::Name(data));
    }
    if name.eq_ignore_ascii_case("DisplayVersion") {
        return Some(Fact::Display(data));
    }
    if name.eq_ignore_ascii_case("ReleaseId") {
        return Some(Fact::Release(data));
    }
    None
}

/// `OS Name:                   Microsoft Windows …` → the value.
fn systeminfo_value<'a>(t: &'a str, label: &str) -> Option<&'a str> {
    let head = t.get(..label.len())?;
    head.eq_ignore_ascii_case(label)
        .then(|| t.get(label.len()..).unwrap_or("").trim())
}

/// A registry value line in any of the three text forms: `reg query`
/// (`    CurrentBuild    REG_SZ    17763`), `.reg` (`"CurrentBuild"="17763"`),
/// PowerShell (`CurrentBuild : 17763`).
fn registry_value(raw: &str) -> Option<(&str, &str)> {
    if let Some(body) = raw.strip_prefix("    ")
        && let Some(at) = body.find("    REG_")
    {
        let name = body.get(..at)?.trim();
        let rest = body.get(at + 4..)?;
        let data = rest.split_once("    ").map_or("", |(_, d)| d);
        return Some((name, data));
    }
    let t = raw.trim();
    if let Some(rest) = t.strip_prefix('"') {
        let (name, value) = rest.split_once("\"=")?;
        let value = value.strip_prefix('"')?.strip_suffix('"')?;
        return Some((name, value));
    }
    label_value(t)
}

fn warn(snap: &mut Snapshot, src: &Src<'_>, line: Line<'_>, message: String) {
    snap.warnings.push(Warning {
        at: src.at(line),
        message,
    });
}

/// The product a build number names (spec §2.12), for people; `None` for a
/// build not in the table.
pub fn product(build: u32) -> Option<&'static str> {
    Some(match build {
        7600 | 7601 => "Windows Server 2008 R2 / Windows 7",
        9200 => "Windows Server 2012 / Windows 8",
        9600 => "Windows Server 2012 R2 / Windows 8.1",
        10240 | 10586 => "Windows 10 1507/1511",
        14393 => "Windows Server 2016 / Windows 10 1607",
        17763 => "Windows Server 2019 / Windows 10 1809",
        19041..=19045 => "Windows 10 2004–22H2",
        20348 => "Windows Server 2022",
        22000 | 22621 | 22631 => "Windows 11 21H2–23H2",
        26100 => "Windows Server 2025 / Windows 11 24H2",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::input;

    fn run_into(snap: &mut Snapshot, text: &str) {
        let lines = input::lines(text);
        parse(&Src { file: "os.txt" }, &lines, snap);
    }

    fn run(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        run_into(&mut snap, text);
        snap
    }

    #[test]
    fn os_ver_line_gives_build() {
        let snap = run("\nMicrosoft Windows [Version 10.0.20348.2340]\n");
        let os = snap.os.unwrap();
        assert_eq!(os.build, Some(20348));
        assert_eq!(os.name, None);
        assert_eq!(os.evidence.line, 2);
    }

    #[test]
    fn os_ver_line_other_language_still_gives_build() {
        let snap = run("Microsoft Windows [Versión 10.0.14393.693]");
        assert_eq!(snap.os.unwrap().build, Some(14393));
    }

    #[test]
    fn os_systeminfo_name_and_version_read() {
        let snap = run(
            "OS Name:                   Microsoft Windows Server 2019 Standard
OS Version:                10.0.17763 N/A Build 17763
",
        );
        let os = snap.os.unwrap();
        assert_eq!(
            os.name.as_deref(),
            Some("Microsoft Windows Server 2019 Standard")
        );
        assert_eq!(os.build, Some(17763));
        assert_eq!(os.evidence.line, 2);
        assert!(snap.warnings.is_empty());
    }

    #[test]
    fn os_systeminfo_old_build_read() {
        let snap = run("OS Version:                6.1.7601 Service Pack 1 Build 7601");
        assert_eq!(snap.os.unwrap().build, Some(7601));
    }

    #[test]
    fn os_reg_query_current_version_values_read() {
        let snap = run("
HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion
    CurrentVersion    REG_SZ    6.3
    CurrentBuild    REG_SZ    20348
    CurrentBuildNumber    REG_SZ    20348
    DisplayVersion    REG_SZ    21H2
    ProductName    REG_SZ    Windows Server 2022 Datacenter
    UBR    REG_DWORD    0x92c
");
        let os = snap.os.unwrap();
        assert_eq!(os.build, Some(20348));
        assert_eq!(
            os.name.as_deref(),
            Some("Windows Server 2022 Datacenter (21H2)")
        );
        assert_eq!(os.evidence.line, 4);
    }

    #[test]
    fn os_reg_export_values_read() {
        let snap = run(
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion]
\"ProductName\"=\"Windows Server 2016 Standard\"
\"ReleaseId\"=\"1607\"
\"CurrentBuildNumber\"=\"14393\"
",
        );
        let os = snap.os.unwrap();
        assert_eq!(os.build, Some(14393));
        assert_eq!(
            os.name.as_deref(),
            Some("Windows Server 2016 Standard (1607)")
        );
    }

    #[test]
    fn os_powershell_values_read() {
        let snap = run("CurrentBuild   : 26100\nProductName    : Windows Server 2025 Standard\n");
        let os = snap.os.unwrap();
        assert_eq!(os.build, Some(26100));
        assert_eq!(os.name.as_deref(), Some("Windows Server 2025 Standard"));
    }

    #[test]
    fn os_second_section_fills_missing_name() {
        let mut snap = Snapshot::default();
        run_into(&mut snap, "Microsoft Windows [Version 10.0.17763.5576]");
        run_into(
            &mut snap,
            "OS Name:                   Microsoft Windows Server 2019 Datacenter\nOS Version:                10.0.17763 N/A Build 17763",
        );
        let os = snap.os.unwrap();
        assert_eq!(os.build, Some(17763));
        assert_eq!(
            os.name.as_deref(),
            Some("Microsoft Windows Server 2019 Datacenter")
        );
        assert_eq!(os.evidence.line, 1);
        assert!(snap.warnings.is_empty());
    }

    #[test]
    fn os_conflicting_builds_warn_and_keep_first() {
        let mut snap = Snapshot::default();
        run_into(&mut snap, "Microsoft Windows [Version 10.0.17763.5576]");
        run_into(&mut snap, "Microsoft Windows [Version 10.0.20348.1]");
        assert_eq!(snap.os.unwrap().build, Some(17763));
        assert_eq!(snap.warnings.len(), 1);
    }

    #[test]
    fn os_section_without_version_warns() {
        let snap = run("OS Name:\nOS Version:                unknown\n");
        assert!(snap.os.is_none());
        assert_eq!(snap.warnings.len(), 1);
    }
}
