//! SCHANNEL protocol state resolved from the registry and the OS defaults
//! (spec §3.1–3.3), and the client-side switches of .NET, WinHTTP and FIPS
//! (spec §3.5).
//!
//! Input: a [`Snapshot`] (its registry and `os`). Output: facts, each with
//! the [`RegValue`]s (or the OS evidence) that decided it, for the rules of
//! spec §6.4–6.6 to turn into findings. Every function here is pure and
//! cheap; none reports or judges severity.
//!
//! Reading rules (spec §3.1): only REG_DWORD values count — a REG_SZ `"0"`
//! is what Schannel ignores, so it is treated as *not set* and listed by
//! [`wrong_type_values`]. Values set under a misspelled key (`TLS1.2`,
//! `Servers`) are ignored the same way and listed by
//! [`unknown_protocol_keys`]. A protocol the OS build does not implement is
//! [`ProtoState::Unsupported`] whatever its keys say.
//!
//! Not done here: reading captures or events (the rules set these facts
//! against them), and cipher suites (see `ciphers`).

use std::fmt;

use serde::{Serialize, Serializer};

use super::{Evidence, RegData, RegKey, RegValue, Registry, Snapshot};
use crate::tls::Version;

/// The SCHANNEL key.
pub const SCHANNEL: &str = r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL";
/// The key holding one subkey per protocol (spec §3.1).
pub const PROTOCOLS: &str =
    r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";
/// The FIPS policy key (its `Enabled` value, spec §3.5).
pub const FIPS_POLICY: &str = r"HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy";
/// Pre-Vista place of the FIPS switch (a `FIPSAlgorithmPolicy` value).
const LSA: &str = r"HKLM\SYSTEM\CurrentControlSet\Control\Lsa";
/// The WinHTTP key (64-bit view), value `DefaultSecureProtocols`.
pub const WINHTTP: &str =
    r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp";
/// The WinHTTP key as 32-bit processes see it.
pub const WINHTTP_WOW: &str =
    r"HKLM\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp";

/// Every subkey name Schannel knows under `Protocols` (spec §3.1): the
/// spelling is exact — one space, no trailing space — but, as everywhere in
/// the registry, case-insensitive.
pub const KNOWN_PROTOCOL_KEYS: [&str; 10] = [
    "SSL 2.0",
    "SSL 3.0",
    "TLS 1.0",
    "TLS 1.1",
    "TLS 1.2",
    "TLS 1.3",
    "DTLS 1.0",
    "DTLS 1.2",
    "PCT 1.0",
    "Multi-Protocol Unified Hello",
];

/// A TLS/SSL version as Schannel's registry names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// SSL 2.0.
    Ssl2,
    /// SSL 3.0.
    Ssl3,
    /// TLS 1.0.
    Tls10,
    /// TLS 1.1.
    Tls11,
    /// TLS 1.2.
    Tls12,
    /// TLS 1.3.
    Tls13,
}

impl Protocol {
    /// All of them, oldest first.
    pub const ALL: [Protocol; 6] = [
        Protocol::Ssl2,
        Protocol::Ssl3,
        Protocol::Tls10,
        Protocol::Tls11,
        Protocol::Tls12,
        Protocol::Tls13,
    ];

    /// The name, which is also the registry key name: `"TLS 1.2"` (the same
    /// spelling as [`crate::tls::Version`]'s display).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Ssl2 => "SSL 2.0",
            Protocol::Ssl3 => "SSL 3.0",
            Protocol::Tls10 => "TLS 1.0",
            Protocol::Tls11 => "TLS 1.1",
            Protocol::Tls12 => "TLS 1.2",
            Protocol::Tls13 => "TLS 1.3",
        }
    }

    /// The wire version (`0x0303` for TLS 1.2; SSL 2.0 is `0x0002`).
    pub fn version(self) -> Version {
        Version(match self {
            Protocol::Ssl2 => 0x0002,
            Protocol::Ssl3 => 0x0300,
            Protocol::Tls10 => 0x0301,
            Protocol::Tls11 => 0x0302,
            Protocol::Tls12 => 0x0303,
            Protocol::Tls13 => 0x0304,
        })
    }

    /// The protocol of a wire version, if it is one of these.
    pub fn from_version(v: Version) -> Option<Protocol> {
        Protocol::ALL.into_iter().find(|p| p.version() == v)
    }

    /// The protocol whose registry key is exactly `name` (case-insensitive,
    /// as the registry is; `"TLS1.2"` and `"TLS 1.2 "` are not).
    pub fn from_key_name(name: &str) -> Option<Protocol> {
        Protocol::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }

    /// Lenient reading of a protocol named in text (events, tool output):
    /// `TLS 1.2`, `TLSv1.2`, `tls12`, `TLS1_2`, `SSLv3`, `SSL 3.0`.
    pub fn parse(s: &str) -> Option<Protocol> {
        let sq = squash(s);
        Protocol::ALL.into_iter().find(|p| {
            let n = squash(p.name());
            sq == n || (sq.len() + 1 == n.len() && n.ends_with('0') && n.starts_with(&sq))
        })
    }

    /// The WinHTTP `DefaultSecureProtocols` bit (spec §3.5, KB3140245).
    pub fn winhttp_bit(self) -> u32 {
        match self {
            Protocol::Ssl2 => 0x8,
            Protocol::Ssl3 => 0x20,
            Protocol::Tls10 => 0x80,
            Protocol::Tls11 => 0x200,
            Protocol::Tls12 => 0x800,
            Protocol::Tls13 => 0x2000,
        }
    }

    /// The registry key of this protocol for `role`
    /// (`…\Protocols\TLS 1.2\Server`).
    pub fn key_path(self, role: Role) -> String {
        format!(r"{PROTOCOLS}\{}\{}", self.name(), role.name())
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// Lower-case letters and digits only, `v` after `tls`/`ssl` dropped.
fn squash(s: &str) -> String {
    let sq: String = s
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    sq.replacen("tlsv", "tls", 1).replacen("sslv", "ssl", 1)
}

/// Which side of a connection a `Protocols` subkey governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Outbound connections made by this host (`…\Client`).
    Client,
    /// Inbound connections, i.e. IIS/HTTP.sys (`…\Server`).
    Server,
}

impl Role {
    /// The registry key name (`Client`, `Server`).
    pub fn name(self) -> &'static str {
        match self {
            Role::Client => "Client",
            Role::Server => "Server",
        }
    }
}

/// A protocol's default on an OS build with no registry value set (spec §3.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OsDefault {
    /// Enabled and in the default set.
    On,
    /// Implemented but off (or, on Windows 7, out of the default set).
    Off,
    /// The sources disagree (TLS 1.0/1.1 on build 26100 and later).
    Uncertain,
    /// This build does not implement it; registry keys for it are inert.
    Unsupported,
}

/// The Schannel default of `p` for `role` on OS `build` (spec §3.2, from
/// Microsoft's "Protocols in TLS/SSL (Schannel SSP)" table, 2025-03):
/// builds before 7600 are read as Vista/2008 (TLS 1.1/1.2 only from 2008
/// SP2, 6002), 7600–9199 as Windows 7/2008 R2, 9200–14392 as 8/8.1/2012
/// (R2)/10 1507–1511, 14393–20347 as 2016/2019/10 1607–22H2, 20348–26099
/// as 2022/11 21H2–23H2, 26100 and later as 2025/11 24H2.
pub fn os_default(p: Protocol, role: Role, build: u32) -> OsDefault {
    use OsDefault::*;
    match p {
        Protocol::Ssl2 if build >= 14393 => Unsupported,
        Protocol::Ssl2 if build >= 9200 => Off,
        Protocol::Ssl2 => match role {
            Role::Client => Off,
            Role::Server => On,
        },
        Protocol::Ssl3 if build >= 14393 => Off,
        Protocol::Ssl3 => On,
        Protocol::Tls10 | Protocol::Tls11 if build >= 26100 => Uncertain,
        Protocol::Tls10 => On,
        Protocol::Tls11 | Protocol::Tls12 if build >= 9200 => On,
        Protocol::Tls11 | Protocol::Tls12 if build >= 6002 => Off,
        Protocol::Tls11 | Protocol::Tls12 => Unsupported,
        Protocol::Tls13 if build >= 20348 => On,
        Protocol::Tls13 => Unsupported,
    }
}

/// The effective state of one protocol for one role (spec §3.1 resolution),
/// with what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum ProtoState {
    /// `Enabled` is a non-zero DWORD and `DisabledByDefault` is 0 or absent.
    Enabled {
        /// The `Enabled` value.
        enabled: RegValue,
        /// `DisabledByDefault` = 0, when set.
        disabled_by_default: Option<RegValue>,
    },
    /// `Enabled` is non-zero but `DisabledByDefault` is non-zero: only
    /// applications that name the version get it — off for IIS/HTTP.sys and
    /// every caller using the system defaults. Also given when
    /// `DisabledByDefault` is absent for TLS 1.1/1.2 on builds before 9200,
    /// whose built-in default keeps them out of the default set (that is
    /// why the Windows 7 guidance sets `DisabledByDefault`=0).
    EnabledNotDefault {
        /// The `Enabled` value.
        enabled: RegValue,
        /// The non-zero `DisabledByDefault`, or `None` for the Windows 7 case.
        disabled_by_default: Option<RegValue>,
    },
    /// `Enabled` = 0: never negotiated, whatever the application asks.
    Disabled {
        /// The `Enabled` value.
        enabled: RegValue,
        /// `DisabledByDefault`, when set (0 here is "half disabled").
        disabled_by_default: Option<RegValue>,
    },
    /// No `Enabled` DWORD, `DisabledByDefault` non-zero: off for IIS.
    NotDefault {
        /// The `DisabledByDefault` value.
        disabled_by_default: RegValue,
    },
    /// No `Enabled` DWORD, `DisabledByDefault` = 0: on (the Windows 7 way to
    /// turn TLS 1.1/1.2 on).
    DefaultOn {
        /// The `DisabledByDefault` value.
        disabled_by_default: RegValue,
    },
    /// No value set: the OS default, which is on.
    OsDefaultOn {
        /// OS build.
        build: u32,
        /// Where the OS version was read.
        os: Evidence,
    },
    /// No value set: the OS default, which is off.
    OsDefaultOff {
        /// OS build.
        build: u32,
        /// Where the OS version was read.
        os: Evidence,
    },
    /// No value set and the OS default is uncertain (TLS 1.0/1.1 on 26100+):
    /// decide from observed handshakes or 36874 events.
    OsDefaultUncertain {
        /// OS build.
        build: u32,
        /// Where the OS version was read.
        os: Evidence,
    },
    /// The OS build does not implement this protocol; any values are inert.
    Unsupported {
        /// OS build.
        build: u32,
        /// Where the OS version was read.
        os: Evidence,
        /// Values found under the role key anyway (TLS 1.3 keys on 2019).
        inert: Vec<RegValue>,
    },
    /// No value set and no OS version supplied.
    Unknown,
}

impl ProtoState {
    /// Whether callers using the system defaults — IIS/HTTP.sys, and .NET
    /// with `SystemDefaultTlsVersions` — get this protocol: `Some(true)`
    /// on, `Some(false)` off, `None` when it cannot be told
    /// ([`ProtoState::OsDefaultUncertain`], [`ProtoState::Unknown`]).
    pub fn for_default_callers(&self) -> Option<bool> {
        match self {
            ProtoState::Enabled { .. } | ProtoState::DefaultOn { .. } => Some(true),
            ProtoState::OsDefaultOn { .. } => Some(true),
            ProtoState::EnabledNotDefault { .. }
            | ProtoState::Disabled { .. }
            | ProtoState::NotDefault { .. }
            | ProtoState::OsDefaultOff { .. }
            | ProtoState::Unsupported { .. } => Some(false),
            ProtoState::OsDefaultUncertain { .. } | ProtoState::Unknown => None,
        }
    }

    /// True when the values were set by someone (not an OS default).
    pub fn is_configured(&self) -> bool {
        !self.values().is_empty()
    }

    /// HealthChecker's "Half Disabled" (spec §3.1): `Enabled` and
    /// `DisabledByDefault` disagree (1/1 or 0/0).
    pub fn is_half_disabled(&self) -> bool {
        match self {
            ProtoState::EnabledNotDefault {
                disabled_by_default,
                ..
            } => disabled_by_default.is_some(),
            ProtoState::Disabled {
                disabled_by_default: Some(d),
                ..
            } => dword(d) == Some(0),
            _ => false,
        }
    }

    /// The registry values that decided the state (empty for OS defaults).
    pub fn values(&self) -> Vec<&RegValue> {
        match self {
            ProtoState::Enabled {
                enabled,
                disabled_by_default,
            }
            | ProtoState::EnabledNotDefault {
                enabled,
                disabled_by_default,
            }
            | ProtoState::Disabled {
                enabled,
                disabled_by_default,
            } => std::iter::once(enabled)
                .chain(disabled_by_default.as_ref())
                .collect(),
            ProtoState::NotDefault {
                disabled_by_default,
            }
            | ProtoState::DefaultOn {
                disabled_by_default,
            } => vec![disabled_by_default],
            ProtoState::Unsupported { inert, .. } => inert.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// Evidence for a finding: the deciding values' lines, or the line that
    /// gave the OS version.
    pub fn evidence(&self) -> Vec<Evidence> {
        match self {
            ProtoState::OsDefaultOn { os, .. }
            | ProtoState::OsDefaultOff { os, .. }
            | ProtoState::OsDefaultUncertain { os, .. } => vec![os.clone()],
            ProtoState::Unsupported { os, inert, .. } => std::iter::once(os.clone())
                .chain(inert.iter().map(|v| v.evidence.clone()))
                .collect(),
            _ => self.values().iter().map(|v| v.evidence.clone()).collect(),
        }
    }

    /// A short description for messages: `disabled (Enabled=0)`,
    /// `enabled, not default (DisabledByDefault=1)`, `on by OS default
    /// (build 17763)`.
    pub fn describe(&self) -> String {
        let v = |r: &RegValue| format!("{}={}", r.name, shown(&r.data));
        match self {
            ProtoState::Enabled { enabled, .. } => format!("enabled ({})", v(enabled)),
            ProtoState::EnabledNotDefault {
                enabled,
                disabled_by_default: Some(d),
            } => format!("enabled, not default ({}, {})", v(enabled), v(d)),
            ProtoState::EnabledNotDefault { enabled, .. } => format!(
                "enabled, not default ({}; DisabledByDefault not set, OS default keeps it out)",
                v(enabled)
            ),
            ProtoState::Disabled { enabled, .. } => format!("disabled ({})", v(enabled)),
            ProtoState::NotDefault {
                disabled_by_default,
            } => format!("not default ({})", v(disabled_by_default)),
            ProtoState::DefaultOn {
                disabled_by_default,
            } => format!("on ({})", v(disabled_by_default)),
            ProtoState::OsDefaultOn { build, .. } => format!("on by OS default (build {build})"),
            ProtoState::OsDefaultOff { build, .. } => {
                format!("off by OS default (build {build})")
            }
            ProtoState::OsDefaultUncertain { build, .. } => {
                format!("OS default uncertain on build {build}")
            }
            ProtoState::Unsupported { build, .. } => format!("not supported by build {build}"),
            ProtoState::Unknown => "unknown (no registry value, no OS version)".into(),
        }
    }
}

/// Registry data as an admin would type it (`0x1`, `"0"`).
fn shown(d: &RegData) -> String {
    match d {
        RegData::Dword(n) => format!("{n:#x}"),
        RegData::Qword(n) => format!("{n:#x} (QWORD)"),
        RegData::Sz(s) | RegData::ExpandSz(s) => format!("{s:?} (REG_SZ)"),
        RegData::MultiSz(v) => format!("{v:?} (REG_MULTI_SZ)"),
        RegData::Binary(b) => format!("{} bytes (REG_BINARY)", b.len()),
        RegData::Other(s) => s.clone(),
    }
}

/// The DWORD in `v`, if it is one.
pub fn dword(v: &RegValue) -> Option<u32> {
    match v.data {
        RegData::Dword(n) => Some(n),
        _ => None,
    }
}

/// A DWORD value by key and name; other types read as not set.
fn dword_value(snap: &Snapshot, path: &str, name: &str) -> Option<(u32, RegValue)> {
    let v = snap.registry.value(path, name)?;
    dword(v).map(|n| (n, v.clone()))
}

/// The OS build and where it was read.
fn os_build(snap: &Snapshot) -> Option<(u32, Evidence)> {
    let os = snap.os.as_ref()?;
    Some((os.build?, os.evidence.clone()))
}

/// The effective state of `p` for `role` (spec §3.1): `Enabled`=0 →
/// disabled; non-zero → enabled (not default when `DisabledByDefault` is
/// non-zero); no `Enabled` → by `DisabledByDefault`; neither → the OS
/// default of §3.2 ([`os_default`]) for the build in `snap.os`. Only
/// DWORDs count. A protocol the build does not implement is
/// [`ProtoState::Unsupported`] whatever the keys say.
pub fn protocol_state(snap: &Snapshot, p: Protocol, role: Role) -> ProtoState {
    let path = p.key_path(role);
    let build = os_build(snap);
    let default = build.as_ref().map(|(b, _)| os_default(p, role, *b));
    if let (Some(OsDefault::Unsupported), Some((build, os))) = (default, &build) {
        let inert = snap
            .registry
            .key(&path)
            .map(|k| k.values.clone())
            .unwrap_or_default();
        return ProtoState::Unsupported {
            build: *build,
            os: os.clone(),
            inert,
        };
    }
    let enabled = dword_value(snap, &path, "Enabled");
    let dbd = dword_value(snap, &path, "DisabledByDefault");
    match (enabled, dbd) {
        (Some((0, enabled)), d) => ProtoState::Disabled {
            enabled,
            disabled_by_default: d.map(|(_, v)| v),
        },
        (Some((_, enabled)), Some((d, dv))) if d != 0 => ProtoState::EnabledNotDefault {
            enabled,
            disabled_by_default: Some(dv),
        },
        (Some((_, enabled)), None)
            if matches!(p, Protocol::Tls11 | Protocol::Tls12)
                && default == Some(OsDefault::Off) =>
        {
            ProtoState::EnabledNotDefault {
                enabled,
                disabled_by_default: None,
            }
        }
        (Some((_, enabled)), d) => ProtoState::Enabled {
            enabled,
            disabled_by_default: d.map(|(_, v)| v),
        },
        (None, Some((0, disabled_by_default))) => ProtoState::DefaultOn {
            disabled_by_default,
        },
        (None, Some((_, disabled_by_default))) => ProtoState::NotDefault {
            disabled_by_default,
        },
        (None, None) => match (default, build) {
            (Some(OsDefault::On), Some((build, os))) => ProtoState::OsDefaultOn { build, os },
            (Some(OsDefault::Off), Some((build, os))) => ProtoState::OsDefaultOff { build, os },
            (Some(_), Some((build, os))) => ProtoState::OsDefaultUncertain { build, os },
            _ => ProtoState::Unknown,
        },
    }
}

/// Every protocol's state for `role`, oldest first.
pub fn protocol_states(snap: &Snapshot, role: Role) -> Vec<(Protocol, ProtoState)> {
    Protocol::ALL
        .into_iter()
        .map(|p| (p, protocol_state(snap, p, role)))
        .collect()
}

/// The protocols IIS/HTTP.sys accepts (Server role, on for default
/// callers), oldest first. Uncertain and unknown states are left out: an
/// empty list means "none known to be on" — check [`protocol_states`]
/// before calling it "all off".
pub fn server_protocols_on(snap: &Snapshot) -> Vec<(Protocol, ProtoState)> {
    protocol_states(snap, Role::Server)
        .into_iter()
        .filter(|(_, s)| s.for_default_callers() == Some(true))
        .collect()
}

/// The highest protocol IIS accepts from default callers, with its state.
pub fn server_highest(snap: &Snapshot) -> Option<(Protocol, ProtoState)> {
    server_protocols_on(snap).pop()
}

/// The lowest protocol IIS accepts from default callers, with its state
/// (uncertain TLS 1.0/1.1 defaults on 26100+ are not counted).
pub fn server_lowest(snap: &Snapshot) -> Option<(Protocol, ProtoState)> {
    server_protocols_on(snap).into_iter().next()
}

/// A protocol whose Client and Server states differ for default callers
/// (spec §3.1 "Misconfigured"; matters when the box is also a client).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoleMismatch {
    /// The protocol.
    pub protocol: Protocol,
    /// Its Client state.
    pub client: ProtoState,
    /// Its Server state.
    pub server: ProtoState,
}

/// Protocols whose Client and Server states are both known and differ.
pub fn role_mismatches(snap: &Snapshot) -> Vec<RoleMismatch> {
    Protocol::ALL
        .into_iter()
        .filter_map(|p| {
            let client = protocol_state(snap, p, Role::Client);
            let server = protocol_state(snap, p, Role::Server);
            match (client.for_default_callers(), server.for_default_callers()) {
                (Some(c), Some(s)) if c != s => Some(RoleMismatch {
                    protocol: p,
                    client,
                    server,
                }),
                _ => None,
            }
        })
        .collect()
}

/// Keys below `base` with their path components below it, as written.
fn keys_under<'a>(reg: &'a Registry, base: &str) -> Vec<(Vec<&'a str>, &'a RegKey)> {
    let prefix = Registry::normalize(base) + "\\";
    reg.keys
        .range(prefix.clone()..)
        .take_while(|(k, _)| k.starts_with(&prefix))
        .map(|(k, key)| {
            let n = k[prefix.len()..].split('\\').count();
            let parts: Vec<&str> = key.path.split('\\').collect();
            (parts[parts.len().saturating_sub(n)..].to_vec(), key)
        })
        .collect()
}

/// A REG_DWORD setting stored with another type: Windows does not read it,
/// so this tool treats it as not set (spec §3.1, PROTO-007).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WrongType {
    /// Key path as written.
    pub path: String,
    /// The value (its data shows the type it has).
    pub value: RegValue,
}

/// The DWORD settings this module reads, stored with another type:
/// `Enabled`/`DisabledByDefault` of known protocol and role keys, `Enabled`
/// of Ciphers/Hashes/KeyExchangeAlgorithms entries, `EventLogging`, the
/// .NET and WinHTTP values and the FIPS switch. In file order per key.
pub fn wrong_type_values(snap: &Snapshot) -> Vec<WrongType> {
    let mut out = Vec::new();
    let mut check = |path: &str, key: &RegKey, names: &[&str]| {
        for v in &key.values {
            if names.iter().any(|n| v.name.eq_ignore_ascii_case(n)) && dword(v).is_none() {
                out.push(WrongType {
                    path: path.to_string(),
                    value: v.clone(),
                });
            }
        }
    };
    for (rel, key) in keys_under(&snap.registry, PROTOCOLS) {
        if let [proto, role] = rel[..]
            && Protocol::from_key_name(proto).is_some()
            && role_of(role).is_some()
        {
            check(&key.path, key, &["Enabled", "DisabledByDefault"]);
        }
    }
    for kind in SwitchKind::ALL {
        for (rel, key) in keys_under(&snap.registry, &kind.path()) {
            if rel.len() == 1 {
                check(&key.path, key, &["Enabled"]);
            }
        }
    }
    let singles: [(&str, &[&str]); 4] = [
        (SCHANNEL, &["EventLogging"]),
        (FIPS_POLICY, &["Enabled"]),
        (WINHTTP, &["DefaultSecureProtocols"]),
        (WINHTTP_WOW, &["DefaultSecureProtocols"]),
    ];
    for (path, names) in singles {
        if let Some(key) = snap.registry.key(path) {
            check(&key.path, key, names);
        }
    }
    for f in Framework::ALL {
        for wow in [false, true] {
            if let Some(key) = snap.registry.key(&f.key_path(wow)) {
                check(
                    &key.path,
                    key,
                    &["SchUseStrongCrypto", "SystemDefaultTlsVersions"],
                );
            }
        }
    }
    out
}

/// The role a key name stands for (exact, case-insensitive).
fn role_of(name: &str) -> Option<Role> {
    [Role::Client, Role::Server]
        .into_iter()
        .find(|r| r.name().eq_ignore_ascii_case(name))
}

/// `Enabled` DWORDs of protocol keys that are neither 0 nor 1 (usually
/// 0xffffffff from IIS Crypto or KB245030): Windows reads them as enabled,
/// auditors often misread them (spec §3.1, PROTO-006).
pub fn nonstandard_enabled(snap: &Snapshot) -> Vec<(Protocol, Role, RegValue)> {
    let mut out = Vec::new();
    for p in Protocol::ALL {
        for role in [Role::Client, Role::Server] {
            if let Some((n, v)) = dword_value(snap, &p.key_path(role), "Enabled")
                && n > 1
            {
                out.push((p, role, v));
            }
        }
    }
    out
}

/// What is odd about a key under `Protocols`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OddKeyKind {
    /// Not a protocol name Schannel knows (`TLS1.2`, `TLS 1.2 `).
    ProtocolName,
    /// Not `Client` or `Server` (`Servers`).
    RoleName,
    /// A key below `Client`/`Server` (often `Enabled` made as a key, not a
    /// value).
    Nested,
}

/// A key under `Protocols` that Schannel ignores (spec §3.1, PROTO-008).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OddKey {
    /// What is odd.
    pub kind: OddKeyKind,
    /// The odd name as written (trailing spaces kept).
    pub name: String,
    /// The path down to the odd name, as written.
    pub path: String,
    /// The name probably meant (`TLS 1.2`, `Server`), when one is close.
    pub suggestion: Option<&'static str>,
    /// The key's line (or the first key below it).
    pub evidence: Evidence,
}

/// Keys under `Protocols` that Schannel ignores because of their names:
/// unknown protocol names, role names other than `Client`/`Server`, and
/// keys nested below a role key. Each odd name once, at its shallowest.
/// (A trailing space at the very end of a key path does not survive
/// [`Registry::normalize`]; one inside the path, `TLS 1.2 \Server`, does.)
pub fn unknown_protocol_keys(snap: &Snapshot) -> Vec<OddKey> {
    let mut out: Vec<OddKey> = Vec::new();
    for (rel, key) in keys_under(&snap.registry, PROTOCOLS) {
        let (kind, depth, suggestion) = if !KNOWN_PROTOCOL_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(rel[0]))
        {
            (OddKeyKind::ProtocolName, 0, suggest_protocol(rel[0]))
        } else if rel.len() >= 2 && role_of(rel[1]).is_none() {
            (OddKeyKind::RoleName, 1, suggest_role(rel[1]))
        } else if rel.len() >= 3 {
            (OddKeyKind::Nested, 2, None)
        } else {
            continue;
        };
        let parts: Vec<&str> = key.path.split('\\').collect();
        let keep = parts.len() - rel.len() + depth + 1;
        let path = parts[..keep].join("\\");
        if out.iter().any(|o| {
            Registry::normalize(&o.path) == Registry::normalize(&path) && o.name == rel[depth]
        }) {
            continue;
        }
        out.push(OddKey {
            kind,
            name: rel[depth].to_string(),
            path,
            suggestion,
            evidence: key.evidence.clone(),
        });
    }
    out
}

fn suggest_protocol(name: &str) -> Option<&'static str> {
    let sq = squash(name);
    KNOWN_PROTOCOL_KEYS.into_iter().find(|k| {
        let n = squash(k);
        sq == n || (sq.len() + 1 == n.len() && n.ends_with('0') && n.starts_with(&sq))
    })
}

fn suggest_role(name: &str) -> Option<&'static str> {
    let sq = squash(name);
    [Role::Client, Role::Server]
        .into_iter()
        .find(|r| sq.starts_with(&r.name().to_ascii_lowercase()))
        .map(Role::name)
}

/// Why a value under `Protocols` is ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Misplacement {
    /// Set on the protocol key itself (`…\TLS 1.2`), not on `Client`/`Server`.
    OnProtocolKey,
    /// On a role key, but not named `Enabled` or `DisabledByDefault`.
    UnknownName,
}

/// A value Schannel does not read (PROTO-008).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Misplaced {
    /// Why.
    pub why: Misplacement,
    /// Key path as written.
    pub path: String,
    /// The value.
    pub value: RegValue,
}

/// Values on known protocol keys themselves, and values with other names
/// than `Enabled`/`DisabledByDefault` on known role keys.
pub fn misplaced_values(snap: &Snapshot) -> Vec<Misplaced> {
    let mut out = Vec::new();
    for (rel, key) in keys_under(&snap.registry, PROTOCOLS) {
        let known = KNOWN_PROTOCOL_KEYS
            .iter()
            .any(|k| k.eq_ignore_ascii_case(rel[0]));
        if !known {
            continue;
        }
        let why = match rel.len() {
            1 => Misplacement::OnProtocolKey,
            2 if role_of(rel[1]).is_some() => Misplacement::UnknownName,
            _ => continue,
        };
        for v in &key.values {
            let read = v.name.eq_ignore_ascii_case("Enabled")
                || v.name.eq_ignore_ascii_case("DisabledByDefault");
            if why == Misplacement::OnProtocolKey || !read {
                out.push(Misplaced {
                    why,
                    path: key.path.clone(),
                    value: v.clone(),
                });
            }
        }
    }
    out
}

/// A protocol key present on a build that does not implement the protocol.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InertKey {
    /// The protocol.
    pub protocol: Protocol,
    /// The key as written.
    pub path: String,
    /// OS build.
    pub build: u32,
    /// The key's line.
    pub evidence: Evidence,
}

/// Keys of protocols the OS build does not implement (for either role):
/// TLS 1.3 keys before 20348 — "not a safe system configuration" (spec
/// §3.2, PROTO-005) — and SSL 2.0 keys on 14393+. Note that
/// `SSL 2.0\Client` with `DisabledByDefault`=1 is default content on
/// 2016+ (spec §2.4): rules should not report that one. Empty without an
/// OS build.
pub fn unsupported_protocol_keys(snap: &Snapshot) -> Vec<InertKey> {
    let Some((build, _)) = os_build(snap) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (rel, key) in keys_under(&snap.registry, PROTOCOLS) {
        let Some(p) = Protocol::from_key_name(rel[0]) else {
            continue;
        };
        let unsupported = [Role::Client, Role::Server]
            .into_iter()
            .all(|r| os_default(p, r, build) == OsDefault::Unsupported);
        if unsupported {
            out.push(InertKey {
                protocol: p,
                path: key.path.clone(),
                build,
                evidence: key.evidence.clone(),
            });
        }
    }
    out
}

/// `SCHANNEL\EventLogging` as a DWORD: 0 logs nothing (absence of Schannel
/// events then proves nothing, PROTO-011), 1 errors (the default when
/// absent), 3 errors and warnings, 7 everything.
pub fn event_logging(snap: &Snapshot) -> Option<(u32, RegValue)> {
    dword_value(snap, SCHANNEL, "EventLogging")
}

/// The three families of KB245030 switches under SCHANNEL (spec §3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SwitchKind {
    /// `Ciphers\<name>` (`RC4 128/128`, `Triple DES 168`, `AES 256/256`).
    Cipher,
    /// `Hashes\<name>` (`MD5`, `SHA`, `SHA256` …).
    Hash,
    /// `KeyExchangeAlgorithms\<name>` (`PKCS`, `ECDH`, `Diffie-Hellman`).
    KeyExchange,
}

impl SwitchKind {
    /// All three.
    pub const ALL: [SwitchKind; 3] = [
        SwitchKind::Cipher,
        SwitchKind::Hash,
        SwitchKind::KeyExchange,
    ];

    /// The subkey of SCHANNEL holding them.
    pub fn key_name(self) -> &'static str {
        match self {
            SwitchKind::Cipher => "Ciphers",
            SwitchKind::Hash => "Hashes",
            SwitchKind::KeyExchange => "KeyExchangeAlgorithms",
        }
    }

    fn path(self) -> String {
        format!(r"{SCHANNEL}\{}", self.key_name())
    }
}

/// One legacy switch key (`KeyExchangeAlgorithms\PKCS`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Switch {
    /// Which family.
    pub kind: SwitchKind,
    /// The key name as written (`PKCS`, `AES 128/128`).
    pub name: String,
    /// Key path as written.
    pub path: String,
    /// Its `Enabled` value, if any (of any type; see [`Switch::enabled`]).
    pub value: Option<RegValue>,
    /// The key's line.
    pub evidence: Evidence,
}

impl Switch {
    /// `Some(false)` for `Enabled`=0, `Some(true)` for a non-zero DWORD,
    /// `None` when not set or not a DWORD (Windows then keeps its default).
    pub fn enabled(&self) -> Option<bool> {
        self.value.as_ref().and_then(dword).map(|n| n != 0)
    }
}

/// Every Ciphers/Hashes/KeyExchangeAlgorithms entry present, by family then
/// name order. `PKCS` off with an RSA certificate leaves no usable RSA
/// suite; `AES 128/128` and `AES 256/256` both off leave no modern one
/// (CIPHER-006).
pub fn switches(snap: &Snapshot) -> Vec<Switch> {
    let mut out = Vec::new();
    for kind in SwitchKind::ALL {
        for (rel, key) in keys_under(&snap.registry, &kind.path()) {
            if let [name] = rel[..] {
                out.push(Switch {
                    kind,
                    name: name.to_string(),
                    path: key.path.clone(),
                    value: key
                        .values
                        .iter()
                        .rev()
                        .find(|v| v.name.eq_ignore_ascii_case("Enabled"))
                        .cloned(),
                    evidence: key.evidence.clone(),
                });
            }
        }
    }
    out
}

/// One switch by family and name (case-insensitive): `switch(snap,
/// SwitchKind::KeyExchange, "PKCS")`.
pub fn switch(snap: &Snapshot, kind: SwitchKind, name: &str) -> Option<Switch> {
    switches(snap)
        .into_iter()
        .find(|s| s.kind == kind && s.name.eq_ignore_ascii_case(name))
}

/// Another DWORD of a switch key, e.g. `(KeyExchange, "Diffie-Hellman",
/// "ServerMinKeyBitLength")` (spec §3.3).
pub fn switch_dword(
    snap: &Snapshot,
    kind: SwitchKind,
    name: &str,
    value: &str,
) -> Option<(u32, RegValue)> {
    dword_value(snap, &format!(r"{}\{name}", kind.path()), value)
}

/// A .NET Framework registry key family (spec §3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Framework {
    /// `v4.0.30319` (.NET 4.x).
    V4,
    /// `v2.0.50727` (.NET 2.0–3.5).
    V2,
}

impl Framework {
    /// Both, newest first.
    pub const ALL: [Framework; 2] = [Framework::V4, Framework::V2];

    /// The key name (`v4.0.30319`).
    pub fn key_name(self) -> &'static str {
        match self {
            Framework::V4 => "v4.0.30319",
            Framework::V2 => "v2.0.50727",
        }
    }

    /// The key path, 64-bit view or `WOW6432Node` (32-bit processes).
    pub fn key_path(self, wow6432: bool) -> String {
        let node = if wow6432 { r"WOW6432Node\" } else { "" };
        format!(
            r"HKLM\SOFTWARE\{node}Microsoft\.NETFramework\{}",
            self.key_name()
        )
    }
}

/// The .NET TLS switches of one framework and registry view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DotNet {
    /// Which framework.
    pub framework: Framework,
    /// True for the `WOW6432Node` view (32-bit app pools and processes).
    pub wow6432: bool,
    /// The key's line, `None` when the inputs do not show the key (not
    /// exported, or absent: the inputs cannot tell which).
    pub key: Option<Evidence>,
    /// `SchUseStrongCrypto` (any type; see [`DotNet::strong_crypto`]).
    pub sch_use_strong_crypto: Option<RegValue>,
    /// `SystemDefaultTlsVersions` (any type).
    pub system_default_tls_versions: Option<RegValue>,
}

impl DotNet {
    /// `SchUseStrongCrypto` as a DWORD (1 ⇒ strong crypto; absent means 1
    /// only for apps targeting 4.6+).
    pub fn strong_crypto(&self) -> Option<u32> {
        self.sch_use_strong_crypto.as_ref().and_then(dword)
    }

    /// `SystemDefaultTlsVersions` as a DWORD (1 ⇒ the OS chooses, honouring
    /// Schannel's `DisabledByDefault`; absent means 1 only for 4.7+).
    pub fn system_default_tls(&self) -> Option<u32> {
        self.system_default_tls_versions.as_ref().and_then(dword)
    }
}

/// The four .NET keys (v4 64-bit, v4 WOW6432Node, v2 64-bit, v2
/// WOW6432Node), always four entries in that order.
pub fn dotnet(snap: &Snapshot) -> Vec<DotNet> {
    let mut out = Vec::new();
    for framework in Framework::ALL {
        for wow6432 in [false, true] {
            let path = framework.key_path(wow6432);
            let key = snap.registry.key(&path);
            let get = |name: &str| snap.registry.value(&path, name).cloned();
            out.push(DotNet {
                framework,
                wow6432,
                key: key.map(|k| k.evidence.clone()),
                sch_use_strong_crypto: get("SchUseStrongCrypto"),
                system_default_tls_versions: get("SystemDefaultTlsVersions"),
            });
        }
    }
    out
}

/// A .NET value that differs between the 64-bit and WOW6432Node views
/// (NET-002): 32-bit processes behave differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ViewMismatch {
    /// Which framework.
    pub framework: Framework,
    /// `SchUseStrongCrypto` or `SystemDefaultTlsVersions`.
    pub name: &'static str,
    /// The 64-bit view's value (`None`: not set).
    pub native: Option<RegValue>,
    /// The WOW6432Node view's value.
    pub wow6432: Option<RegValue>,
}

/// Values whose DWORD differs between the two views, for frameworks where
/// both keys are shown (a missing key proves nothing).
pub fn dotnet_view_mismatches(snap: &Snapshot) -> Vec<ViewMismatch> {
    let all = dotnet(snap);
    let mut out = Vec::new();
    for pair in all.chunks_exact(2) {
        let (n, w) = (&pair[0], &pair[1]);
        if n.key.is_none() || w.key.is_none() {
            continue;
        }
        let checks: [(&'static str, &Option<RegValue>, &Option<RegValue>); 2] = [
            (
                "SchUseStrongCrypto",
                &n.sch_use_strong_crypto,
                &w.sch_use_strong_crypto,
            ),
            (
                "SystemDefaultTlsVersions",
                &n.system_default_tls_versions,
                &w.system_default_tls_versions,
            ),
        ];
        for (name, a, b) in checks {
            if a.as_ref().and_then(dword) != b.as_ref().and_then(dword) {
                out.push(ViewMismatch {
                    framework: n.framework,
                    name,
                    native: a.clone(),
                    wow6432: b.clone(),
                });
            }
        }
    }
    out
}

/// WinHTTP's `DefaultSecureProtocols` in one registry view (spec §3.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WinHttp {
    /// True for the `WOW6432Node` view.
    pub wow6432: bool,
    /// The value as read.
    pub value: RegValue,
}

impl WinHttp {
    /// The bitmask, when the value is a DWORD.
    pub fn mask(&self) -> Option<u32> {
        dword(&self.value)
    }

    /// Whether the mask includes `p`; `None` when not a DWORD.
    pub fn allows(&self, p: Protocol) -> Option<bool> {
        self.mask().map(|m| m & p.winhttp_bit() != 0)
    }

    /// The protocols the mask includes, oldest first (0xA80 → TLS 1.0,
    /// 1.1, 1.2).
    pub fn protocols(&self) -> Vec<Protocol> {
        Protocol::ALL
            .into_iter()
            .filter(|&p| self.allows(p) == Some(true))
            .collect()
    }
}

/// `DefaultSecureProtocols` in the 64-bit then the WOW6432Node view, for
/// those that are set. Unset means the OS default (no TLS 1.1/1.2 for
/// WinHTTP callers on 7601/9200 without KB3140245, NET-003).
pub fn winhttp(snap: &Snapshot) -> Vec<WinHttp> {
    [(WINHTTP, false), (WINHTTP_WOW, true)]
        .into_iter()
        .filter_map(|(path, wow6432)| {
            let value = snap.registry.value(path, "DefaultSecureProtocols")?.clone();
            Some(WinHttp { wow6432, value })
        })
        .collect()
}

/// FIPS mode (NET-004): `Lsa\FipsAlgorithmPolicy\Enabled`, or the pre-Vista
/// `Lsa\FIPSAlgorithmPolicy` value, as a DWORD: `(true, value)` when
/// non-zero.
pub fn fips(snap: &Snapshot) -> Option<(bool, RegValue)> {
    dword_value(snap, FIPS_POLICY, "Enabled")
        .or_else(|| dword_value(snap, LSA, "FIPSAlgorithmPolicy"))
        .map(|(n, v)| (n != 0, v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::input;
    use crate::host::{OsInfo, Src, registry};

    const P: &str =
        r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";

    /// A snapshot from `.reg` text (keys written relative to `Protocols`
    /// when they start with `~`), on `build` when given.
    fn snap(build: Option<u32>, reg: &str) -> Snapshot {
        let text = reg.replace('~', P);
        let mut s = Snapshot::default();
        registry::parse_reg_export(&Src { file: "t.reg" }, &input::lines(&text), &mut s);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        s.os = build.map(|b| OsInfo {
            name: None,
            build: Some(b),
            evidence: Evidence {
                file: "ver.txt".into(),
                line: 2,
                text: format!("Microsoft Windows [Version 10.0.{b}.1]"),
            },
        });
        s
    }

    #[test]
    fn protocol_names_and_versions_round_trip() {
        for p in Protocol::ALL {
            assert_eq!(Protocol::from_version(p.version()), Some(p));
            assert_eq!(p.version().to_string(), p.name());
            assert_eq!(Protocol::from_key_name(&p.name().to_lowercase()), Some(p));
        }
        assert_eq!(Protocol::Tls12.to_string(), "TLS 1.2");
        assert_eq!(
            serde_json::to_string(&Protocol::Tls13).unwrap(),
            "\"TLS 1.3\""
        );
    }

    #[test]
    fn protocol_parse_lenient_spellings() {
        assert_eq!(Protocol::parse("TLSv1.2"), Some(Protocol::Tls12));
        assert_eq!(Protocol::parse("tls1_1"), Some(Protocol::Tls11));
        assert_eq!(Protocol::parse("SSLv3"), Some(Protocol::Ssl3));
        assert_eq!(Protocol::parse("TLS 1.0"), Some(Protocol::Tls10));
        assert_eq!(Protocol::parse("TLS 2.0"), None);
    }

    #[test]
    fn protocol_state_enabled_zero_disabled() {
        let s = snap(None, "[~\\TLS 1.0\\Server]\n\"Enabled\"=dword:0\n");
        let st = protocol_state(&s, Protocol::Tls10, Role::Server);
        assert!(matches!(st, ProtoState::Disabled { .. }), "{st:?}");
        assert_eq!(st.for_default_callers(), Some(false));
        assert_eq!(st.evidence()[0].line, 2);
    }

    #[test]
    fn protocol_state_enabled_one_enabled() {
        let s = snap(
            Some(17763),
            "[~\\TLS 1.2\\Server]\n\"Enabled\"=dword:1\n\"DisabledByDefault\"=dword:0\n",
        );
        let st = protocol_state(&s, Protocol::Tls12, Role::Server);
        assert!(matches!(st, ProtoState::Enabled { .. }), "{st:?}");
        assert_eq!(st.values().len(), 2);
        assert!(!st.is_half_disabled());
    }

    #[test]
    fn protocol_state_enabled_with_disabled_by_default_not_default() {
        let s = snap(
            Some(17763),
            "[~\\TLS 1.2\\Server]\n\"Enabled\"=dword:1\n\"DisabledByDefault\"=dword:1\n",
        );
        let st = protocol_state(&s, Protocol::Tls12, Role::Server);
        assert!(matches!(st, ProtoState::EnabledNotDefault { .. }), "{st:?}");
        assert_eq!(st.for_default_callers(), Some(false));
        assert!(st.is_half_disabled());
    }

    #[test]
    fn protocol_state_only_disabled_by_default_one_not_default() {
        let s = snap(
            Some(14393),
            "[~\\TLS 1.1\\Server]\n\"DisabledByDefault\"=dword:1\n",
        );
        let st = protocol_state(&s, Protocol::Tls11, Role::Server);
        assert!(matches!(st, ProtoState::NotDefault { .. }), "{st:?}");
        assert_eq!(st.for_default_callers(), Some(false));
    }

    #[test]
    fn protocol_state_win7_disabled_by_default_zero_turns_on() {
        let s = snap(
            Some(7601),
            "[~\\TLS 1.2\\Server]\n\"DisabledByDefault\"=dword:0\n",
        );
        let st = protocol_state(&s, Protocol::Tls12, Role::Server);
        assert!(matches!(st, ProtoState::DefaultOn { .. }), "{st:?}");
        assert_eq!(st.for_default_callers(), Some(true));
    }

    #[test]
    fn protocol_state_win7_enabled_alone_not_default() {
        let s = snap(Some(7601), "[~\\TLS 1.2\\Server]\n\"Enabled\"=dword:1\n");
        let st = protocol_state(&s, Protocol::Tls12, Role::Server);
        assert!(
            matches!(
                st,
                ProtoState::EnabledNotDefault {
                    disabled_by_default: None,
                    ..
                }
            ),
            "{st:?}"
        );
    }

    #[test]
    fn protocol_state_ffffffff_enabled() {
        let s = snap(None, "[~\\TLS 1.2\\Server]\n\"Enabled\"=dword:ffffffff\n");
        let st = protocol_state(&s, Protocol::Tls12, Role::Server);
        assert!(matches!(st, ProtoState::Enabled { .. }), "{st:?}");
        assert_eq!(nonstandard_enabled(&s).len(), 1);
        assert_eq!(nonstandard_enabled(&s)[0].0, Protocol::Tls12);
    }

    #[test]
    fn protocol_state_reg_sz_ignored_and_flagged() {
        let s = snap(Some(17763), "[~\\TLS 1.0\\Server]\n\"Enabled\"=\"0\"\n");
        let st = protocol_state(&s, Protocol::Tls10, Role::Server);
        assert!(
            matches!(st, ProtoState::OsDefaultOn { build: 17763, .. }),
            "{st:?}"
        );
        let wrong = wrong_type_values(&s);
        assert_eq!(wrong.len(), 1);
        assert_eq!(wrong[0].value.data, RegData::Sz("0".into()));
    }

    #[test]
    fn protocol_state_os_defaults_by_build() {
        let none = snap(Some(14393), "");
        assert!(matches!(
            protocol_state(&none, Protocol::Ssl3, Role::Server),
            ProtoState::OsDefaultOff { .. }
        ));
        assert!(matches!(
            protocol_state(&none, Protocol::Ssl2, Role::Server),
            ProtoState::Unsupported { .. }
        ));
        assert!(matches!(
            protocol_state(&none, Protocol::Tls13, Role::Server),
            ProtoState::Unsupported { .. }
        ));
        let s2022 = snap(Some(20348), "");
        assert!(matches!(
            protocol_state(&s2022, Protocol::Tls13, Role::Server),
            ProtoState::OsDefaultOn { .. }
        ));
    }

    #[test]
    fn protocol_state_tls10_on_26100_uncertain() {
        let s = snap(Some(26100), "");
        let st = protocol_state(&s, Protocol::Tls10, Role::Server);
        assert!(
            matches!(st, ProtoState::OsDefaultUncertain { .. }),
            "{st:?}"
        );
        assert_eq!(st.for_default_callers(), None);
    }

    #[test]
    fn protocol_state_no_os_no_keys_unknown() {
        let s = snap(None, "");
        assert_eq!(
            protocol_state(&s, Protocol::Tls12, Role::Server),
            ProtoState::Unknown
        );
    }

    #[test]
    fn protocol_state_tls13_keys_on_2019_unsupported_and_inert() {
        let s = snap(Some(17763), "[~\\TLS 1.3\\Server]\n\"Enabled\"=dword:1\n");
        let st = protocol_state(&s, Protocol::Tls13, Role::Server);
        match &st {
            ProtoState::Unsupported { inert, build, .. } => {
                assert_eq!(*build, 17763);
                assert_eq!(inert.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        let keys = unsupported_protocol_keys(&s);
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].protocol, Protocol::Tls13);
    }

    #[test]
    fn unsupported_protocol_keys_none_on_2022() {
        let s = snap(Some(20348), "[~\\TLS 1.3\\Server]\n\"Enabled\"=dword:1\n");
        assert!(unsupported_protocol_keys(&s).is_empty());
    }

    #[test]
    fn os_default_table_spot_checks() {
        assert_eq!(
            os_default(Protocol::Ssl2, Role::Server, 7601),
            OsDefault::On
        );
        assert_eq!(
            os_default(Protocol::Ssl2, Role::Client, 7601),
            OsDefault::Off
        );
        assert_eq!(
            os_default(Protocol::Tls11, Role::Server, 7601),
            OsDefault::Off
        );
        assert_eq!(
            os_default(Protocol::Ssl3, Role::Server, 9600),
            OsDefault::On
        );
        assert_eq!(
            os_default(Protocol::Ssl3, Role::Server, 10586),
            OsDefault::On
        );
        assert_eq!(
            os_default(Protocol::Tls13, Role::Client, 19045),
            OsDefault::Unsupported
        );
        assert_eq!(
            os_default(Protocol::Tls13, Role::Client, 22631),
            OsDefault::On
        );
        assert_eq!(
            os_default(Protocol::Tls11, Role::Server, 26100),
            OsDefault::Uncertain
        );
        assert_eq!(
            os_default(Protocol::Tls12, Role::Server, 26100),
            OsDefault::On
        );
    }

    #[test]
    fn server_highest_and_lowest_follow_states() {
        let s = snap(
            Some(17763),
            "[~\\TLS 1.0\\Server]\n\"Enabled\"=dword:0\n[~\\TLS 1.1\\Server]\n\"Enabled\"=dword:0\n[~\\TLS 1.2\\Server]\n\"DisabledByDefault\"=dword:1\n",
        );
        // Only SSL 3.0 (off by default on 2019) and TLS 1.3 (unsupported)
        // remain: nothing on.
        assert!(server_protocols_on(&s).is_empty());
        assert_eq!(server_highest(&s), None);
        let s = snap(Some(17763), "[~\\TLS 1.0\\Server]\n\"Enabled\"=dword:0\n");
        assert_eq!(server_highest(&s).map(|x| x.0), Some(Protocol::Tls12));
        assert_eq!(server_lowest(&s).map(|x| x.0), Some(Protocol::Tls11));
    }

    #[test]
    fn server_highest_tls13_on_2022() {
        let s = snap(Some(20348), "");
        assert_eq!(server_highest(&s).map(|x| x.0), Some(Protocol::Tls13));
        assert_eq!(server_lowest(&s).map(|x| x.0), Some(Protocol::Tls10));
    }

    #[test]
    fn role_mismatches_client_off_server_on() {
        let s = snap(Some(17763), "[~\\TLS 1.2\\Client]\n\"Enabled\"=dword:0\n");
        let m = role_mismatches(&s);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].protocol, Protocol::Tls12);
    }

    #[test]
    fn unknown_protocol_keys_typos_flagged_with_suggestion() {
        let s = snap(
            None,
            "[~\\TLS1.2\\Server]\n\"Enabled\"=dword:1\n[~\\TLS 1.2 \\Server]\n\"Enabled\"=dword:1\n[~\\TLS 1.1\\Servers]\n\"Enabled\"=dword:1\n[~\\TLS 1.0\\Server\\Enabled]\n",
        );
        let odd = unknown_protocol_keys(&s);
        let names: Vec<(&str, OddKeyKind, Option<&str>)> = odd
            .iter()
            .map(|o| (o.name.as_str(), o.kind, o.suggestion))
            .collect();
        assert!(
            names.contains(&("TLS1.2", OddKeyKind::ProtocolName, Some("TLS 1.2"))),
            "{names:?}"
        );
        assert!(
            names.contains(&("TLS 1.2 ", OddKeyKind::ProtocolName, Some("TLS 1.2"))),
            "{names:?}"
        );
        assert!(
            names.contains(&("Servers", OddKeyKind::RoleName, Some("Server"))),
            "{names:?}"
        );
        assert!(
            names.contains(&("Enabled", OddKeyKind::Nested, None)),
            "{names:?}"
        );
        assert_eq!(odd.len(), 4);
        // The real TLS 1.2 key was never written: the state is untouched.
        assert_eq!(
            protocol_state(&s, Protocol::Tls12, Role::Server),
            ProtoState::Unknown
        );
    }

    #[test]
    fn unknown_protocol_keys_known_names_quiet() {
        let s = snap(
            None,
            "[~]\n[~\\SSL 2.0]\n[~\\SSL 2.0\\Client]\n\"DisabledByDefault\"=dword:1\n[~\\DTLS 1.2\\Server]\n[~\\multi-protocol unified hello\\Client]\n",
        );
        assert!(unknown_protocol_keys(&s).is_empty());
    }

    #[test]
    fn unknown_protocol_keys_one_entry_per_odd_name() {
        let s = snap(
            None,
            "[~\\TLS1.2]\n[~\\TLS1.2\\Server]\n[~\\TLS1.2\\Client]\n",
        );
        assert_eq!(unknown_protocol_keys(&s).len(), 1);
    }

    #[test]
    fn misplaced_values_on_protocol_key_and_unknown_name() {
        let s = snap(
            None,
            "[~\\TLS 1.2]\n\"Enabled\"=dword:1\n[~\\TLS 1.2\\Server]\n\"Enable\"=dword:1\n\"Enabled\"=dword:1\n",
        );
        let m = misplaced_values(&s);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].why, Misplacement::OnProtocolKey);
        assert_eq!(m[1].why, Misplacement::UnknownName);
        assert_eq!(m[1].value.name, "Enable");
    }

    #[test]
    fn event_logging_zero_read() {
        let s = snap(
            None,
            &format!("[{}]\n\"EventLogging\"=dword:0\n", &P[..P.len() - 10]),
        );
        assert_eq!(event_logging(&s).map(|x| x.0), Some(0));
    }

    #[test]
    fn switches_pkcs_disabled() {
        let sch = &P[..P.len() - 10];
        let s = snap(
            None,
            &format!(
                "[{sch}\\KeyExchangeAlgorithms\\PKCS]\n\"Enabled\"=dword:0\n[{sch}\\Ciphers\\AES 128/128]\n\"Enabled\"=dword:ffffffff\n[{sch}\\Hashes\\MD5]\n\"Enabled\"=\"0\"\n"
            ),
        );
        let pkcs = switch(&s, SwitchKind::KeyExchange, "pkcs").unwrap();
        assert_eq!(pkcs.enabled(), Some(false));
        let aes = switch(&s, SwitchKind::Cipher, "AES 128/128").unwrap();
        assert_eq!(aes.enabled(), Some(true));
        let md5 = switch(&s, SwitchKind::Hash, "MD5").unwrap();
        assert_eq!(md5.enabled(), None);
        assert_eq!(switches(&s).len(), 3);
        assert_eq!(wrong_type_values(&s).len(), 1);
    }

    #[test]
    fn switch_dword_reads_dh_min_bits() {
        let sch = &P[..P.len() - 10];
        let s = snap(
            None,
            &format!(
                "[{sch}\\KeyExchangeAlgorithms\\Diffie-Hellman]\n\"ServerMinKeyBitLength\"=dword:00000800\n"
            ),
        );
        let v = switch_dword(
            &s,
            SwitchKind::KeyExchange,
            "Diffie-Hellman",
            "ServerMinKeyBitLength",
        );
        assert_eq!(v.map(|x| x.0), Some(2048));
    }

    #[test]
    fn dotnet_four_views_read() {
        let s = snap(
            None,
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319]\n\"SchUseStrongCrypto\"=dword:1\n\"SystemDefaultTlsVersions\"=dword:1\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319]\n\"SchUseStrongCrypto\"=dword:0\n",
        );
        let d = dotnet(&s);
        assert_eq!(d.len(), 4);
        assert_eq!((d[0].framework, d[0].wow6432), (Framework::V4, false));
        assert_eq!(d[0].strong_crypto(), Some(1));
        assert_eq!(d[1].strong_crypto(), Some(0));
        assert_eq!(d[1].system_default_tls(), None);
        assert!(d[2].key.is_none() && d[3].key.is_none());
        let m = dotnet_view_mismatches(&s);
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].name, "SchUseStrongCrypto");
    }

    #[test]
    fn dotnet_view_mismatch_needs_both_keys() {
        let s = snap(
            None,
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v2.0.50727]\n\"SchUseStrongCrypto\"=dword:1\n",
        );
        assert!(dotnet_view_mismatches(&s).is_empty());
    }

    #[test]
    fn winhttp_mask_decoded() {
        let s = snap(
            None,
            "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp]\n\"DefaultSecureProtocols\"=dword:00000a80\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp]\n\"DefaultSecureProtocols\"=dword:00000080\n",
        );
        let w = winhttp(&s);
        assert_eq!(w.len(), 2);
        assert_eq!(
            w[0].protocols(),
            vec![Protocol::Tls10, Protocol::Tls11, Protocol::Tls12]
        );
        assert!(w[1].wow6432);
        assert_eq!(w[1].allows(Protocol::Tls12), Some(false));
    }

    #[test]
    fn fips_enabled_read() {
        let s = snap(
            None,
            "[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy]\n\"Enabled\"=dword:1\n",
        );
        assert_eq!(fips(&s).map(|x| x.0), Some(true));
        assert_eq!(fips(&snap(None, "")), None);
    }

    #[test]
    fn describe_mentions_value() {
        let s = snap(None, "[~\\TLS 1.0\\Server]\n\"Enabled\"=dword:0\n");
        let d = protocol_state(&s, Protocol::Tls10, Role::Server).describe();
        assert_eq!(d, "disabled (Enabled=0x0)");
    }
}
