//! Host checks: what a Windows/IIS server's own configuration says about its
//! TLS failures, read live (Windows) or from the text a customer exported.
//!
//! Input: files (or a folder of files) holding the output of `netsh http show
//! sslcert`, `netstat -anob`, `reg query … SCHANNEL /s`, `.reg` exports,
//! `certutil -store my`, `wevtutil qe … /f:text|xml`, `Get-TlsCipherSuite`,
//! and the like — several outputs may share one file. Output: a [`Snapshot`]
//! of facts, each with the file and line that shows it, then [`rules`] turn
//! the facts into [`Finding`]s with codes, evidence and remedies, and
//! [`join`] sets them against a capture's findings.
//! Invariants: parsers are pure and never fail a whole file for one bad
//! record; what they cannot read (unknown labels, localized output, truncated
//! records) becomes a [`Warning`], never a guess.
//! Not done here: running commands (see `live`, Windows only) or printing.
//!
//! Spec: `reference/windows-host-checks.md` (formats §2, semantics §3, rules §6).

pub mod certs;
pub mod ciphers;
pub mod events;
pub mod input;
pub mod join;
#[cfg(windows)]
pub mod live;
pub mod netsh;
pub mod netstat;
pub mod os;
pub mod registry;
pub mod rules;
pub mod schannel;

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use crate::diagnose::Finding;
pub use input::{Encoding, Kind};

/// Where a fact was read: a file (as named to the user) and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Evidence {
    /// File name as given (relative to the folder when read from one), or
    /// `live:<command>` for the live collector.
    pub file: String,
    /// 1-based line in the decoded text.
    pub line: usize,
    /// The line itself, trimmed (what the admin will find in the file).
    pub text: String,
}

/// A problem reading an input, reported instead of guessed around.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// Where.
    pub at: Evidence,
    /// What, in one sentence ("localized (German) certutil output: not parsed").
    pub message: String,
}

/// One file read, what encoding it had and what was found in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceFile {
    /// As named to the user.
    pub name: String,
    /// Detected text encoding.
    pub encoding: Encoding,
    /// Sections recognised, in file order, with their first line (JSON:
    /// `[{"kind": "ssl-cert", "line": 2}]`).
    #[serde(serialize_with = "sections_as_objects")]
    pub sections: Vec<(Kind, usize)>,
}

fn sections_as_objects<S: serde::Serializer>(v: &[(Kind, usize)], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Section {
        kind: Kind,
        line: usize,
    }
    s.collect_seq(v.iter().map(|&(kind, line)| Section { kind, line }))
}

/// Windows version, for the protocol and cipher defaults (spec §2.12, §3.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OsInfo {
    /// Product name if shown ("Microsoft Windows Server 2019 Datacenter").
    pub name: Option<String>,
    /// Build number (7601, 9600, 14393, 17763, 20348, 26100 …).
    pub build: Option<u32>,
    /// Where it was read.
    pub evidence: Evidence,
}

/// What an HTTP.sys SSL binding is keyed by (spec §2.1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum BindingKey {
    /// `IP:port` (`0.0.0.0` / `[::]` are the wildcards).
    Ip {
        /// Address and port.
        addr: SocketAddr,
    },
    /// `Hostname:port` (SNI).
    Hostname {
        /// Host name as written (lower-cased).
        host: String,
        /// Port.
        port: u16,
    },
    /// `Central Certificate Store` (CCS, needs SNI).
    Ccs {
        /// Port.
        port: u16,
    },
}

impl BindingKey {
    /// The port this binding serves.
    pub fn port(&self) -> u16 {
        match self {
            BindingKey::Ip { addr } => addr.port(),
            BindingKey::Hostname { port, .. } | BindingKey::Ccs { port } => *port,
        }
    }

    /// The `netsh` selector for this binding (`ipport=0.0.0.0:443`,
    /// `hostnameport=www.contoso.com:443`, `ccs=443`).
    pub fn netsh_selector(&self) -> String {
        match self {
            BindingKey::Ip { addr } => format!("ipport={addr}"),
            BindingKey::Hostname { host, port } => format!("hostnameport={host}:{port}"),
            BindingKey::Ccs { port } => format!("ccs={port}"),
        }
    }
}

/// One `netsh http show sslcert` record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Binding {
    /// What it is keyed by.
    pub key: BindingKey,
    /// `Certificate Hash` as 40 lower-case hex digits; `None` when empty,
    /// `(null)` or not 40 hex digits (the raw value stays in `fields`).
    pub cert_hash: Option<String>,
    /// `Application ID` normalised to lower case with braces
    /// (`{4dc3e181-e14b-4a21-b022-59fc669b0914}`).
    pub app_id: Option<String>,
    /// `Certificate Store Name` (`None` for `(null)`, which means MY).
    pub store: Option<String>,
    /// Every `label : value` pair of the record, raw, in order (labels
    /// trimmed). Rules read flags like `Disable TLS1.3` from here through
    /// [`Binding::field`].
    pub fields: Vec<(String, String)>,
    /// The record's first line.
    pub evidence: Evidence,
}

impl Binding {
    /// A field's value by label, case-insensitive.
    pub fn field(&self, label: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(label))
            .map(|(_, v)| v.as_str())
    }

    /// True when a `Set`/`Enabled`-style flag is on.
    pub fn flag_on(&self, label: &str) -> bool {
        self.field(label).is_some_and(|v| {
            let v = v.trim();
            v.eq_ignore_ascii_case("set")
                || v.eq_ignore_ascii_case("enabled")
                || v.eq_ignore_ascii_case("yes")
                || v.eq_ignore_ascii_case("true")
        })
    }
}

/// One `netsh http show iplisten` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IpListen {
    /// The address listed.
    pub addr: IpAddr,
    /// Where.
    pub evidence: Evidence,
}

/// Transport of a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
}

/// One `netstat -ano` / `-anob` line (with `-b`, the owner lines after it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Socket {
    /// TCP or UDP.
    pub proto: Proto,
    /// Local address and port.
    pub local: SocketAddr,
    /// Foreign address as printed (`0.0.0.0:0`, `*:*`, `[::]:0` …).
    pub remote: String,
    /// State as printed (`LISTENING`, `ESTABLISHED` …); `None` for UDP.
    pub state: Option<String>,
    /// Owning process id (4 = System, i.e. HTTP.sys).
    pub pid: u32,
    /// `-b`: the executable (`[svchost.exe]` without brackets), or the
    /// "Can not obtain ownership information" text.
    pub owner: Option<String>,
    /// `-b`: service names printed above the executable (`RpcSs`).
    pub services: Vec<String>,
    /// Where.
    pub evidence: Evidence,
}

impl Socket {
    /// True for a listening TCP socket.
    pub fn listening(&self) -> bool {
        self.proto == Proto::Tcp
            && self
                .state
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case("LISTENING"))
    }
}

/// Registry value data (spec §2.4–2.6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "data")]
pub enum RegData {
    /// REG_DWORD.
    Dword(u32),
    /// REG_QWORD.
    Qword(u64),
    /// REG_SZ.
    Sz(String),
    /// REG_EXPAND_SZ.
    ExpandSz(String),
    /// REG_MULTI_SZ.
    MultiSz(Vec<String>),
    /// REG_BINARY (and hex(n) types of .reg files).
    Binary(Vec<u8>),
    /// Something else, kept as printed.
    Other(String),
}

/// One registry value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegValue {
    /// Value name as written (`(Default)` / `@` for the default value).
    pub name: String,
    /// Its data.
    pub data: RegData,
    /// Where.
    pub evidence: Evidence,
}

/// One registry key with its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegKey {
    /// Path as first written (`HKEY_LOCAL_MACHINE\…`).
    pub path: String,
    /// Values, in file order; a later duplicate replaces an earlier one.
    pub values: Vec<RegValue>,
    /// Where the key's header line is.
    pub evidence: Evidence,
}

/// Registry keys read from any of the registry formats, by normalised path
/// (see [`Registry::normalize`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Registry {
    /// Normalised path → key.
    pub keys: BTreeMap<String, RegKey>,
}

impl Registry {
    /// The lookup form of a key path: lower case, `HKLM`/`HKEY_LOCAL_MACHINE`
    /// → `hklm`, `ControlSet00n` → `currentcontrolset`, no trailing `\`,
    /// no `Registry::` / `Microsoft.PowerShell.Core\Registry::` prefix, and
    /// `HKLM:` (PowerShell drive) as `hklm`.
    pub fn normalize(path: &str) -> String {
        let mut p = path.trim().trim_end_matches('\\').to_string();
        for prefix in ["Microsoft.PowerShell.Core\\Registry::", "Registry::"] {
            // `get`: a non-ASCII path may have no char boundary there.
            if let Some(rest) = p
                .get(..prefix.len())
                .filter(|head| head.eq_ignore_ascii_case(prefix))
                .and_then(|_| p.get(prefix.len()..))
            {
                p = rest.to_string();
            }
        }
        let lower = p.to_ascii_lowercase();
        let mut parts: Vec<String> = lower.split('\\').map(str::to_string).collect();
        if let Some(first) = parts.first_mut() {
            if first == "hkey_local_machine" || first == "hklm:" {
                *first = "hklm".into();
            } else if first == "hkey_current_user" || first == "hkcu:" {
                *first = "hkcu".into();
            }
        }
        if parts.len() > 2 && parts[0] == "hklm" && parts[1] == "system" {
            let cs = &parts[2];
            if cs.len() == 13
                && cs.starts_with("controlset")
                && cs[10..].bytes().all(|b| b.is_ascii_digit())
            {
                parts[2] = "currentcontrolset".into();
            }
        }
        parts.join("\\")
    }

    /// The key at `path` (any spelling [`Registry::normalize`] accepts).
    pub fn key(&self, path: &str) -> Option<&RegKey> {
        self.keys.get(&Self::normalize(path))
    }

    /// A value by key path and name (name case-insensitive).
    pub fn value(&self, path: &str, name: &str) -> Option<&RegValue> {
        self.key(path)?
            .values
            .iter()
            .rev()
            .find(|v| v.name.eq_ignore_ascii_case(name))
    }

    /// Direct subkeys of `path`: (subkey name as written, key).
    pub fn subkeys<'a>(&'a self, path: &str) -> Vec<(&'a str, &'a RegKey)> {
        let base = Self::normalize(path) + "\\";
        self.keys
            .range(base.clone()..)
            .take_while(|(k, _)| k.starts_with(&base))
            .filter(|(k, _)| !k[base.len()..].contains('\\'))
            .map(|(_, key)| {
                let name = key.path.rsplit('\\').next().unwrap_or("");
                (name, key)
            })
            .collect()
    }

    /// Adds a key (creating it when new) and returns it for its values.
    pub fn key_mut(&mut self, path: &str, evidence: Evidence) -> &mut RegKey {
        self.keys
            .entry(Self::normalize(path))
            .or_insert_with(|| RegKey {
                path: path.trim().trim_end_matches('\\').to_string(),
                values: Vec::new(),
                evidence,
            })
    }
}

/// What is known of a certificate's private key (spec §2.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum KeyState {
    /// A key is present and (as far as the output says) usable.
    Usable {
        /// CSP/KSP name if shown.
        provider: Option<String>,
        /// `Private key is NOT exportable` → false.
        exportable: Option<bool>,
    },
    /// certutil `Missing stored keyset`: the certificate names a key
    /// container that cannot be opened (gone, or no access).
    MissingKeyset,
    /// No key at all (`No key provider information`, `HasPrivateKey : False`).
    NoKey,
    /// The output does not say.
    Unknown,
}

/// Where a certificate record came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertSource {
    /// `certutil -store`.
    Certutil,
    /// `Get-ChildItem Cert:\… | Format-List *`.
    PowerShell,
    /// The live collector's API calls.
    Api,
}

/// One certificate in a store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cert {
    /// Store (`my`, `webhosting`, `root` …), lower case.
    pub store: String,
    /// SHA-1 thumbprint, 40 lower-case hex digits (spaces removed).
    pub thumbprint: Option<String>,
    /// Subject as printed.
    pub subject: Option<String>,
    /// Issuer as printed.
    pub issuer: Option<String>,
    /// `NotBefore` as Unix seconds (UTC; a local time is read as UTC).
    pub not_before: Option<i64>,
    /// `NotAfter` as Unix seconds.
    pub not_after: Option<i64>,
    /// Serial number as printed (hex, spaces removed).
    pub serial: Option<String>,
    /// Private key state.
    pub key: KeyState,
    /// Enhanced key usages as OIDs (`1.3.6.1.5.5.7.3.1`); `None` when the
    /// output does not show them, `Some(empty)` when the extension is absent
    /// and the output says so.
    pub eku: Option<Vec<String>>,
    /// DNS names (SAN), lower case.
    pub dns_names: Vec<String>,
    /// Which output it came from.
    pub source: CertSource,
    /// The record's first line.
    pub evidence: Evidence,
}

/// The verdict of `certutil -verifystore` / `-verify` on one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainCheck {
    /// Thumbprint of the certificate checked, when the output names it.
    pub thumbprint: Option<String>,
    /// HRESULTs reported (`0x800b0109` …), in order.
    pub errors: Vec<u32>,
    /// Where.
    pub evidence: Evidence,
}

/// One Windows event (spec §2.9).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Provider (`Schannel`, `Microsoft-Windows-HttpEvent`, `HTTP` …).
    pub provider: String,
    /// Event id (36870, 36887, 15021 …).
    pub id: u32,
    /// Time as printed (ISO 8601 when from XML).
    pub time: Option<String>,
    /// Level as printed (`Error`, `Warning`, or the XML number).
    pub level: Option<String>,
    /// Rendered description (text), or empty.
    pub message: String,
    /// Named data (XML `EventData`), in order.
    pub data: Vec<(String, String)>,
    /// Alert number (36887 / 36888), from data or message.
    pub alert: Option<u8>,
    /// Error state (36888 / 36870 / 36871), from data or message.
    pub error_state: Option<u32>,
    /// Status / error code (36870: `0x8009030d` …), from data or message.
    pub status: Option<u32>,
    /// Protocol named (36874: `TLS 1.0`), from data or message.
    pub protocol: Option<String>,
    /// The event's first line.
    pub evidence: Evidence,
}

/// One `Get-TlsCipherSuite` entry, or one name of a `Functions` list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteEntry {
    /// IANA-style name as Windows writes it
    /// (`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384_P384` on old builds).
    pub name: String,
    /// Code point if shown (`CipherSuite : 49200`).
    pub id: Option<u16>,
    /// Where.
    pub evidence: Evidence,
}

/// The cipher-suite list in effect (spec §2.10, §2.11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuiteList {
    /// Where the list came from: `get-tlsciphersuite`, `policy`, `local`.
    pub origin: &'static str,
    /// Suites in priority order.
    pub suites: Vec<SuiteEntry>,
}

/// Everything read about one host.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Files read.
    pub files: Vec<SourceFile>,
    /// Windows version.
    pub os: Option<OsInfo>,
    /// Whether the outputs were collected elevated, when known.
    pub elevated: Option<bool>,
    /// When the facts were collected (Unix seconds): the live run's time, or
    /// the newest file's modification time. Certificates are judged at this
    /// time, never at "now" of a later reading.
    pub captured_at: Option<i64>,
    /// `netsh http show sslcert` records.
    pub bindings: Vec<Binding>,
    /// `netsh http show iplisten`: `None` when not supplied, empty when the
    /// list is empty (HTTP.sys listens on every address).
    pub ip_listen: Option<Vec<IpListen>>,
    /// `netstat` sockets; empty when not supplied (see `netstat_seen`).
    pub sockets: Vec<Socket>,
    /// True when a netstat output was read (an empty one proves "nothing
    /// listens").
    pub netstat_seen: bool,
    /// Registry keys from any registry format.
    pub registry: Registry,
    /// Certificates.
    pub certs: Vec<Cert>,
    /// Chain verifications.
    pub chain_checks: Vec<ChainCheck>,
    /// Events.
    pub events: Vec<Event>,
    /// `Get-TlsCipherSuite` (the effective list, when supplied).
    pub cipher_suites: Option<SuiteList>,
    /// Problems reading the inputs.
    pub warnings: Vec<Warning>,
}

impl Snapshot {
    /// Parses one decoded text (already a whole file) named `name` into the
    /// snapshot: every section recognised is handed to its parser.
    pub fn add_text(&mut self, name: &str, encoding: Encoding, text: &str) {
        let lines = input::lines(text);
        let sections = input::segment(&lines);
        let mut seen = Vec::new();
        for s in &sections {
            let src = Src { file: name };
            let body = &lines[s.start..s.end];
            seen.push((s.kind, body.first().map_or(0, |l| l.no)));
            match s.kind {
                Kind::SslCert => netsh::parse_sslcert(&src, body, self),
                Kind::IpListen => netsh::parse_iplisten(&src, body, self),
                Kind::Netstat => netstat::parse(&src, body, self),
                Kind::RegQuery => registry::parse_reg_query(&src, body, self),
                Kind::RegExport => registry::parse_reg_export(&src, body, self),
                Kind::PsRegistry => registry::parse_powershell(&src, body, self),
                Kind::Certutil => certs::parse_certutil(&src, body, self),
                Kind::CertutilVerify => certs::parse_verify(&src, body, self),
                Kind::PsCertList => certs::parse_powershell(&src, body, self),
                Kind::EventText => events::parse_wevtutil_text(&src, body, self),
                Kind::EventViewerText => events::parse_viewer_text(&src, body, self),
                Kind::EventXml => events::parse_xml(&src, body, self),
                Kind::CipherSuiteList => ciphers::parse_list(&src, body, self),
                Kind::Clixml => ciphers::parse_clixml(&src, body, self),
                Kind::OsVersion => os::parse(&src, body, self),
                Kind::Localized => self.warnings.push(Warning {
                    at: src.at(body.first().copied().unwrap_or_default()),
                    message: "localized (non-English) output: not parsed; export English \
                              output, or events with /f:xml and the registry with reg export"
                        .into(),
                }),
            }
        }
        if sections.is_empty() {
            self.warnings.push(Warning {
                at: Evidence {
                    file: name.into(),
                    line: 1,
                    text: lines
                        .first()
                        .map(|l| l.text.to_string())
                        .unwrap_or_default(),
                },
                message: "no known command output recognised in this file".into(),
            });
        }
        self.files.push(SourceFile {
            name: name.into(),
            encoding,
            sections: seen,
        });
    }

    /// Reads one file's bytes (any supported encoding).
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) {
        let decoded = input::decode(bytes);
        self.add_text(name, decoded.encoding, &decoded.text);
    }

    /// Reads files, or every regular file of folders (not recursive into
    /// hidden entries; recursive into subfolders), in name order.
    pub fn read_paths(paths: &[PathBuf]) -> Result<Snapshot, crate::Error> {
        let mut snap = Snapshot::default();
        for p in paths {
            if p.is_dir() {
                let mut files = Vec::new();
                collect_files(p, &mut files)?;
                files.sort();
                for f in files {
                    let name = f
                        .strip_prefix(p)
                        .unwrap_or(&f)
                        .to_string_lossy()
                        .replace('\\', "/");
                    snap.add_file(&f, &name)?;
                }
            } else {
                snap.add_file(p, &p.to_string_lossy())?;
            }
        }
        Ok(snap)
    }

    fn add_file(&mut self, path: &Path, name: &str) -> Result<(), crate::Error> {
        // Exports are small text files; a cap keeps a wrong path (a capture,
        // a disk image) from being read whole.
        const MAX: u64 = 64 << 20;
        let meta = std::fs::metadata(path).map_err(|e| io_err(path, e))?;
        if meta.len() > MAX {
            self.warnings.push(Warning {
                at: Evidence {
                    file: name.into(),
                    line: 0,
                    text: String::new(),
                },
                message: format!(
                    "{} bytes: too large for a command export, skipped",
                    meta.len()
                ),
            });
            return Ok(());
        }
        let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
        if let Some(t) = meta
            .modified()
            .ok()
            .and_then(|m| m.duration_since(std::time::UNIX_EPOCH).ok())
        {
            let t = i64::try_from(t.as_secs()).unwrap_or(i64::MAX);
            self.captured_at = Some(self.captured_at.map_or(t, |c| c.max(t)));
        }
        self.add_bytes(name, &bytes);
        Ok(())
    }

    /// Certificates with this thumbprint (any store).
    pub fn certs_by_thumbprint<'a>(
        &'a self,
        thumb: &'a str,
    ) -> impl Iterator<Item = &'a Cert> + 'a {
        self.certs
            .iter()
            .filter(move |c| c.thumbprint.as_deref() == Some(thumb))
    }
}

fn io_err(path: &Path, source: std::io::Error) -> crate::Error {
    crate::Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), crate::Error> {
    let rd = std::fs::read_dir(dir).map_err(|e| io_err(dir, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| io_err(dir, e))?;
        let path = entry.path();
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let ft = entry.file_type().map_err(|e| io_err(&path, e))?;
        if ft.is_dir() {
            collect_files(&path, out)?;
        } else if ft.is_file() {
            out.push(path);
        }
    }
    Ok(())
}

/// The file a parser is reading, to make [`Evidence`].
#[derive(Debug, Clone, Copy)]
pub struct Src<'a> {
    /// As named to the user.
    pub file: &'a str,
}

impl Src<'_> {
    /// Evidence for a line.
    pub fn at(&self, line: input::Line<'_>) -> Evidence {
        // An XML export may hold a whole event on one line: the start is
        // enough to find it.
        const MAX_TEXT: usize = 160;
        let t = line.text.trim();
        let text = match t.char_indices().nth(MAX_TEXT) {
            Some((cut, _)) => format!("{}…", &t[..cut]),
            None => t.to_string(),
        };
        Evidence {
            file: self.file.to_string(),
            line: line.no,
            text,
        }
    }
}
