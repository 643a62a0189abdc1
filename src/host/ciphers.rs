//! Cipher suites: `Get-TlsCipherSuite | Format-List`, CLIXML, and the
//! `Functions` order lists of the registry (spec §2.10, §2.11, §3.4).
//!
//! Input: the lines of a recognised section, or a [`Snapshot`]. Output:
//! [`Snapshot::cipher_suites`] (origin `get-tlsciphersuite`, in priority
//! order) from the list and from CLIXML `TlsCipherSuite` objects; the
//! CLIXML exports of the `Functions` values themselves become those
//! registry values (a comma-separated string is the policy REG_SZ, a string
//! list the local REG_MULTI_SZ, unless the object carries its `PSPath`).
//! Then pure facts for the rules: which list is in effect, whether a suite
//! fits a certificate key, is AEAD with an ephemeral key exchange
//! (HTTP/2), which suites each documented OS build enables by default.
//! Invariants: parsers never panic and never drop a whole list for one bad
//! record; what they cannot read becomes a [`Warning`].
//! Not done here: the §3.3 switches (see `schannel`) and the set
//! arithmetic of §3.4 (the rules combine these facts).

use serde::Serialize;

use super::input::Line;
use super::schannel::Protocol;
use super::{Evidence, RegData, RegValue, Snapshot, Src, SuiteEntry, SuiteList, Warning};
use crate::tls::CipherSuite;

/// Group Policy "SSL Cipher Suite Order": value `Functions`, REG_SZ,
/// comma-separated; when present only these suites are used (spec §2.11).
pub const POLICY_KEY: &str =
    r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002";
/// The local default order (`Enable-/Disable-TlsCipherSuite`): value
/// `Functions`, REG_MULTI_SZ (spec §2.11).
pub const LOCAL_KEY: &str =
    r"HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002";

/// Origin of a list read from `Get-TlsCipherSuite` (text or CLIXML).
const ORIGIN_CMDLET: &str = "get-tlsciphersuite";

/// Parses `Get-TlsCipherSuite | Format-List`: blocks of `Label : value`
/// separated by blank lines, one per suite, in priority order. A `Name`
/// wrapped at the console width is rejoined. Sets
/// [`Snapshot::cipher_suites`] (a later list replaces an earlier one, with
/// a warning).
pub fn parse_list(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut suites = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if lines[i].text.trim().is_empty() {
            i += 1;
            continue;
        }
        let mut fields: Vec<(&str, String, Line<'_>)> = Vec::new();
        while i < lines.len() && !lines[i].text.trim().is_empty() {
            let line = lines[i];
            i += 1;
            let indented = line.text.starts_with(char::is_whitespace);
            match label(line.text) {
                Some((l, v)) if !indented => fields.push((l, v.to_string(), line)),
                _ if indented && !fields.is_empty() => {
                    if let Some(last) = fields.last_mut() {
                        last.1.push_str(line.text.trim());
                    }
                }
                _ if fields.is_empty() && is_prompt(line.text) => {}
                _ => snap.warnings.push(Warning {
                    at: src.at(line),
                    message: "line not understood in Get-TlsCipherSuite output: skipped".into(),
                }),
            }
        }
        if fields.is_empty() {
            continue;
        }
        let get = |name: &str| fields.iter().find(|(l, _, _)| l.eq_ignore_ascii_case(name));
        let Some((_, name, nline)) = get("Name") else {
            snap.warnings.push(Warning {
                at: src.at(fields[0].2),
                message: "Get-TlsCipherSuite record without Name: skipped".into(),
            });
            continue;
        };
        if !is_suite_name(name) {
            snap.warnings.push(Warning {
                at: src.at(*nline),
                message: format!("{name:?} is not a cipher suite name: skipped"),
            });
            continue;
        }
        let id = match get("CipherSuite") {
            Some((_, v, l)) => {
                let id = v.trim().parse::<u16>().ok();
                if id.is_none() {
                    snap.warnings.push(Warning {
                        at: src.at(*l),
                        message: format!("CipherSuite {v:?} is not a 16-bit number"),
                    });
                }
                id
            }
            None => None,
        };
        suites.push(SuiteEntry {
            name: name.clone(),
            id,
            evidence: src.at(*nline),
        });
    }
    set_cmdlet_list(src, lines.first().copied(), suites, snap);
}

/// Stores a `Get-TlsCipherSuite` list (or says there was none).
fn set_cmdlet_list(
    src: &Src<'_>,
    first: Option<Line<'_>>,
    suites: Vec<SuiteEntry>,
    snap: &mut Snapshot,
) {
    let at = src.at(first.unwrap_or_default());
    if suites.is_empty() {
        snap.warnings.push(Warning {
            at,
            message: "no cipher suite record found in Get-TlsCipherSuite output".into(),
        });
        return;
    }
    if snap
        .cipher_suites
        .as_ref()
        .is_some_and(|l| l.origin == ORIGIN_CMDLET)
    {
        snap.warnings.push(Warning {
            at,
            message: "a second Get-TlsCipherSuite list: the later one is used".into(),
        });
    }
    snap.cipher_suites = Some(SuiteList {
        origin: ORIGIN_CMDLET,
        suites,
    });
}

/// `Label : value` with an identifier label (value may be empty).
fn label(t: &str) -> Option<(&str, &str)> {
    let (l, v) = match t.find(" : ") {
        Some(at) => (&t[..at], &t[at + 3..]),
        None => (t.trim_end().strip_suffix(" :")?, ""),
    };
    let l = l.trim();
    (!l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric())).then_some((l, v.trim()))
}

/// A shell prompt pasted above the output (`PS C:\> Get-TlsCipherSuite`).
fn is_prompt(t: &str) -> bool {
    let t = t.trim_start();
    (t.starts_with("PS ") || t.get(1..3) == Some(":\\")) && t.contains('>')
}

/// Looks like a Windows cipher suite name (`TLS_…`, `SSL_CK_…`).
fn is_suite_name(s: &str) -> bool {
    let up = s.trim().to_ascii_uppercase();
    (up.starts_with("TLS_") || up.starts_with("SSL_"))
        && up.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Parses PowerShell CLIXML (`Export-Clixml`, spec §2.10): a list of
/// `TlsCipherSuite` objects (→ [`Snapshot::cipher_suites`]), or a
/// `Functions` value — a top-level comma-separated string (the policy
/// REG_SZ), top-level strings (the local REG_MULTI_SZ), or an object with a
/// `Functions` property (keyed by its `PSPath` when present) — stored as
/// that registry value so [`policy_functions`] and [`local_functions`]
/// read it like a `reg query`.
pub fn parse_clixml(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let doc = xml::Doc::new(lines);
    let (root, errors) = xml::parse(&doc.text);
    for (pos, msg) in errors {
        snap.warnings.push(Warning {
            at: src.at(doc.line(lines, pos)),
            message: format!("CLIXML: {msg}"),
        });
    }
    let Some(objs) = root.children.iter().find(|n| n.name == "Objs") else {
        snap.warnings.push(Warning {
            at: src.at(lines.first().copied().unwrap_or_default()),
            message: "CLIXML without an <Objs> root: not parsed".into(),
        });
        return;
    };
    let at = |pos: usize| src.at(doc.line(lines, pos));
    let mut suites = Vec::new();
    let mut functions: Vec<(Option<String>, RegData, usize)> = Vec::new();
    let mut strings: Vec<&xml::Node> = Vec::new();
    for child in &objs.children {
        match child.name.as_str() {
            "S" => strings.push(child),
            "Obj" => walk_obj(child, &mut suites, &mut functions, &at),
            _ => {}
        }
    }
    match strings.as_slice() {
        [] => {}
        [one] => functions.push((None, RegData::Sz(one.string()), one.pos)),
        many => functions.push((
            None,
            RegData::MultiSz(many.iter().map(|n| n.string()).collect()),
            many[0].pos,
        )),
    }
    let understood = !suites.is_empty() || !functions.is_empty();
    if !suites.is_empty() {
        set_cmdlet_list(src, lines.first().copied(), suites, snap);
    }
    for (path, data, pos) in functions {
        let names: Vec<String> = list_names(&data);
        if names.is_empty() || !names.iter().all(|n| is_suite_name(n)) {
            snap.warnings.push(Warning {
                at: at(pos),
                message: "CLIXML strings are not cipher suite names: skipped".into(),
            });
            continue;
        }
        let path = path.unwrap_or_else(|| {
            match data {
                RegData::MultiSz(_) => LOCAL_KEY,
                _ => POLICY_KEY,
            }
            .to_string()
        });
        let ev = at(pos);
        super::registry::put(
            snap,
            &path,
            &ev,
            RegValue {
                name: "Functions".into(),
                data,
                evidence: ev.clone(),
            },
        );
    }
    if !understood {
        snap.warnings.push(Warning {
            at: src.at(lines.first().copied().unwrap_or_default()),
            message: "CLIXML holds no cipher suite objects or Functions list: not parsed".into(),
        });
    }
}

/// Collects, in document order, `TlsCipherSuite`-shaped objects and
/// objects with a `Functions` property below `node`.
fn walk_obj(
    node: &xml::Node,
    suites: &mut Vec<SuiteEntry>,
    functions: &mut Vec<(Option<String>, RegData, usize)>,
    at: &dyn Fn(usize) -> Evidence,
) {
    if node.name == "Obj" {
        let props: Vec<&xml::Node> = node
            .children
            .iter()
            .filter(|c| c.name == "Props" || c.name == "MS")
            .flat_map(|c| c.children.iter())
            .collect();
        let prop = |n: &str| props.iter().copied().find(|p| p.attr("N") == Some(n));
        let suite_like = ["CipherSuite", "Exchange", "Certificate", "Protocols"]
            .iter()
            .any(|n| prop(n).is_some());
        if let (Some(name), true) = (prop("Name").filter(|p| p.name == "S"), suite_like) {
            let id = prop("CipherSuite").and_then(|p| p.text.trim().parse::<u16>().ok());
            suites.push(SuiteEntry {
                name: name.string(),
                id,
                evidence: at(name.pos),
            });
            return;
        }
        if let Some(f) = prop("Functions") {
            let data = if f.name == "S" {
                Some(RegData::Sz(f.string()))
            } else {
                let items: Vec<String> = f
                    .descendants()
                    .into_iter()
                    .filter(|n| n.name == "S")
                    .map(xml::Node::string)
                    .collect();
                (!items.is_empty()).then_some(RegData::MultiSz(items))
            };
            if let Some(data) = data {
                let path = prop("PSPath").map(|p| {
                    let s = p.string();
                    s.find("::").map_or(s.clone(), |i| s[i + 2..].to_string())
                });
                functions.push((path, data, f.pos));
            }
            return;
        }
    }
    for c in &node.children {
        walk_obj(c, suites, functions, at);
    }
}

/// Suite names of a `Functions` value: REG_SZ split on commas, REG_MULTI_SZ
/// items (each split on commas too, as people paste them so).
fn list_names(data: &RegData) -> Vec<String> {
    let items: Vec<&str> = match data {
        RegData::Sz(s) | RegData::ExpandSz(s) => vec![s.as_str()],
        RegData::MultiSz(v) => v.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    items
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A `Functions` list as a [`SuiteList`] (every entry with the value's line).
fn functions_list(snap: &Snapshot, path: &str, origin: &'static str) -> Option<SuiteList> {
    let v = snap.registry.value(path, "Functions")?;
    let names = list_names(&v.data);
    if names.is_empty() && !matches!(v.data, RegData::Sz(_) | RegData::MultiSz(_)) {
        return None;
    }
    Some(SuiteList {
        origin,
        suites: names
            .into_iter()
            .map(|name| SuiteEntry {
                name,
                id: None,
                evidence: v.evidence.clone(),
            })
            .collect(),
    })
}

/// The Group Policy order list (`POLICY_KEY` `Functions`, REG_SZ; a
/// REG_MULTI_SZ is read too), origin `policy`. When present, suites not in
/// it are not used (spec §2.11); the raw value (for the 1023-character
/// limit of CIPHER-003) is `snap.registry.value(POLICY_KEY, "Functions")`.
pub fn policy_functions(snap: &Snapshot) -> Option<SuiteList> {
    functions_list(snap, POLICY_KEY, "policy")
}

/// The local order list (`LOCAL_KEY` `Functions`, REG_MULTI_SZ), origin
/// `local`.
pub fn local_functions(snap: &Snapshot) -> Option<SuiteList> {
    functions_list(snap, LOCAL_KEY, "local")
}

/// The list in effect as far as the inputs show: `Get-TlsCipherSuite`
/// output if supplied, else the policy list, else the local list; `None`
/// when none was supplied (then [`os_default_suites`] is the best guess).
pub fn effective_suites(snap: &Snapshot) -> Option<SuiteList> {
    snap.cipher_suites
        .clone()
        .or_else(|| policy_functions(snap))
        .or_else(|| local_functions(snap))
}

/// The name without the curve suffix Windows 8.1/2012 R2 appends
/// (`…_SHA384_P256` → `…_SHA384`), for comparing across builds.
pub fn base_name(name: &str) -> &str {
    let n = name.trim();
    for suffix in ["_P256", "_P384", "_P521"] {
        if let Some(head) = n
            .len()
            .checked_sub(suffix.len())
            .and_then(|at| (n.get(at..)?.eq_ignore_ascii_case(suffix)).then(|| &n[..at]))
        {
            return head;
        }
    }
    n
}

/// The key exchange part of a TLS ≤ 1.2 name (`ECDHE_RSA` of
/// `TLS_ECDHE_RSA_WITH_…`), upper case.
fn kx(name: &str) -> Option<String> {
    let up = base_name(name).to_ascii_uppercase();
    let rest = up.strip_prefix("TLS_")?;
    let at = rest.find("_WITH_")?;
    Some(rest[..at].to_string())
}

/// A TLS 1.3 suite (`TLS_AES_256_GCM_SHA384`, `TLS_CHACHA20_POLY1305_SHA256`):
/// no key exchange or authentication in the name.
pub fn is_tls13(name: &str) -> bool {
    let up = base_name(name).to_ascii_uppercase();
    !up.contains("_WITH_")
        && ["TLS_AES_", "TLS_CHACHA20_", "TLS_SM4_"]
            .iter()
            .any(|p| up.starts_with(p))
}

/// A certificate's public key type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyType {
    /// RSA.
    Rsa,
    /// ECDSA (EC key).
    Ecdsa,
    /// DSA.
    Dsa,
}

/// What a suite authenticates the server with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuiteAuth {
    /// TLS 1.3: any certificate key.
    Any,
    /// An RSA certificate (`*_RSA_*`, `TLS_RSA_*`, SSL 2.0 `SSL_CK_*`).
    Rsa,
    /// An ECDSA certificate (`*_ECDSA_*`).
    Ecdsa,
    /// A DSA certificate (`*_DSS_*`).
    Dss,
    /// A pre-shared key, no certificate (`TLS_PSK_*`).
    Psk,
    /// No authentication (`*_anon_*`).
    Anon,
}

/// The authentication of a suite by its name; `None` when the name has
/// no recognisable shape.
pub fn suite_auth(name: &str) -> Option<SuiteAuth> {
    if is_tls13(name) {
        return Some(SuiteAuth::Any);
    }
    if base_name(name).to_ascii_uppercase().starts_with("SSL_CK_") {
        return Some(SuiteAuth::Rsa);
    }
    let kx = kx(name)?;
    let parts: Vec<&str> = kx.split('_').collect();
    Some(if parts.contains(&"ANON") {
        SuiteAuth::Anon
    } else if parts.contains(&"PSK") {
        SuiteAuth::Psk
    } else if parts.contains(&"ECDSA") {
        SuiteAuth::Ecdsa
    } else if parts.contains(&"DSS") {
        SuiteAuth::Dss
    } else if parts.contains(&"RSA") {
        SuiteAuth::Rsa
    } else {
        return None;
    })
}

/// Whether a server with a `key` certificate can use this suite (spec
/// §3.4): TLS 1.3 suites with any key, the rest by their authentication.
/// Unknown shapes and PSK/anonymous suites: false.
pub fn fits_key(name: &str, key: KeyType) -> bool {
    matches!(
        (suite_auth(name), key),
        (Some(SuiteAuth::Any), _)
            | (Some(SuiteAuth::Rsa), KeyType::Rsa)
            | (Some(SuiteAuth::Ecdsa), KeyType::Ecdsa)
            | (Some(SuiteAuth::Dss), KeyType::Dsa)
    )
}

/// An AEAD cipher (GCM, CCM, ChaCha20-Poly1305; every TLS 1.3 suite).
pub fn is_aead(name: &str) -> bool {
    if is_tls13(name) {
        return true;
    }
    let up = base_name(name).to_ascii_uppercase();
    let Some((_, cipher)) = up.split_once("_WITH_") else {
        return false;
    };
    cipher.contains("_GCM") || cipher.contains("_CCM") || cipher.contains("CHACHA20_POLY1305")
}

/// An ephemeral key exchange, i.e. forward secrecy: ECDHE or DHE (every
/// TLS 1.3 suite).
pub fn is_forward_secret(name: &str) -> bool {
    is_tls13(name)
        || kx(name).is_some_and(|k| {
            let first = k.split('_').next().unwrap_or("");
            first == "ECDHE" || first == "DHE"
        })
}

/// Whether HTTP/2 accepts the suite (RFC 7540 §9.2.2 and Appendix A):
/// TLS 1.3, or an ephemeral (EC)DHE key exchange with an AEAD cipher.
/// A server whose first usable suite is CBC or static RSA makes browsers
/// abort HTTP/2 with INADEQUATE_SECURITY (spec §3.4, CIPHER-004).
pub fn is_http2_compatible(name: &str) -> bool {
    is_aead(name) && is_forward_secret(name)
}

/// The IANA code point of a suite named the Windows way (curve suffix
/// ignored); `None` for SSL 2.0 `SSL_CK_*` names and unknown names.
pub fn suite_id(name: &str) -> Option<u16> {
    let base = base_name(name).to_ascii_uppercase();
    tls_parser::TlsCipherSuite::from_name(&base).map(|c| c.id.0)
}

/// Whether the suite can run on `p` (from its code point, RFC 8446 §B.4 /
/// RFC 5246); SSL 2.0 names only on SSL 2.0; `None` for unknown names.
pub fn runs_on(name: &str, p: Protocol) -> Option<bool> {
    if base_name(name).to_ascii_uppercase().starts_with("SSL_CK_") {
        return Some(p == Protocol::Ssl2);
    }
    if p == Protocol::Ssl2 {
        return Some(false);
    }
    suite_id(name).map(|id| CipherSuite(id).runs_on(p.version()))
}

/// Whether Windows knows the name at all (any documented build, enabled or
/// not, curve suffix ignored): a name it does not know in a policy list is
/// silently dropped (CIPHER-003).
pub fn known_to_windows(name: &str) -> bool {
    let base = base_name(name);
    KNOWN.iter().any(|k| k.eq_ignore_ascii_case(base))
}

/// The suites enabled by default, in priority order, on the builds whose
/// lists Microsoft documents ("TLS Cipher Suites in Windows …", MicrosoftDocs
/// win32): 9600 (8.1/2012 R2 with KB2919355), 14393 (10 1607/2016), 17763
/// (10 1809/2019), 20348 (2022), 25398 (2022 23H2: no 3DES, no DHE_RSA GCM)
/// and 26100+ (2025 and later). Other builds: `None`.
pub fn os_default_suites(build: u32) -> Option<&'static [&'static str]> {
    Some(match build {
        9600 => DEFAULT_9600,
        14393 => DEFAULT_14393,
        17763 => DEFAULT_17763,
        20348 => DEFAULT_20348,
        25398 => DEFAULT_25398,
        b if b >= 26100 => DEFAULT_26100,
        _ => return None,
    })
}

// Names typed from the Microsoft "TLS Cipher Suites in Windows …" tables
// (first table of each: enabled by default, priority order).

/// Windows 8.1 / Server 2012 R2 with KB2919355.
const DEFAULT_9600: &[&str] = &[
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256_P384",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA_P384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P384",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA_P384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_RC4_128_MD5",
    "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
    "SSL_CK_RC4_128_WITH_MD5",
    "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
];

/// Windows 10 1607 / Server 2016.
const DEFAULT_14393: &[&str] = &[
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_RC4_128_MD5",
    "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
];

/// Windows 10 1809 / Server 2019.
const DEFAULT_17763: &[&str] = &[
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
];

/// Server 2022 (before 23H2).
const DEFAULT_20348: &[&str] = &[
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
];

/// Server 2022 23H2: the 2022 list without 3DES and DHE_RSA GCM.
const DEFAULT_25398: &[&str] = &[
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
];

/// Server 2025 (and Windows 11 24H2, same build).
const DEFAULT_26100: &[&str] = &[
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
];

/// Every suite name (without curve suffix) the documented builds support,
/// enabled by default or not, PSK included.
const KNOWN: &[&str] = &[
    "TLS_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_RC4_128_MD5",
    "TLS_RSA_WITH_DES_CBC_SHA",
    "TLS_RSA_WITH_NULL_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
    "TLS_RSA_WITH_NULL_MD5",
    "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA",
    "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA",
    "TLS_RSA_EXPORT_WITH_RC4_40_MD5",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256",
    "TLS_DHE_DSS_WITH_AES_256_CBC_SHA",
    "TLS_DHE_DSS_WITH_AES_128_CBC_SHA",
    "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA",
    "TLS_DHE_DSS_WITH_DES_CBC_SHA",
    "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA",
    "TLS_PSK_WITH_AES_256_GCM_SHA384",
    "TLS_PSK_WITH_AES_128_GCM_SHA256",
    "TLS_PSK_WITH_AES_256_CBC_SHA384",
    "TLS_PSK_WITH_AES_128_CBC_SHA256",
    "TLS_PSK_WITH_NULL_SHA384",
    "TLS_PSK_WITH_NULL_SHA256",
    "SSL_CK_RC4_128_WITH_MD5",
    "SSL_CK_DES_192_EDE3_CBC_WITH_MD5",
    "SSL_CK_DES_64_CBC_WITH_MD5",
    "SSL_CK_RC4_128_EXPORT40_WITH_MD5",
];

/// A small XML reader, enough for CLIXML: elements, attributes, text,
/// entities, comments, CDATA. Depth-limited, never panics, reports what it
/// skips.
mod xml {
    use super::Line;

    /// Deeper nesting is refused (CLIXML of a cipher-suite list is ~8 deep).
    const MAX_DEPTH: usize = 256;

    /// One element.
    #[derive(Debug, Default)]
    pub struct Node {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Node>,
        /// Text directly inside, entities decoded.
        pub text: String,
        /// Byte offset of the start tag in [`Doc::text`].
        pub pos: usize,
    }

    impl Node {
        /// An attribute's value.
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        }

        /// A CLIXML string's value: `_xHHHH_` escapes decoded.
        pub fn string(&self) -> String {
            unescape_clixml(&self.text)
        }

        /// Every element below this one, in document order.
        pub fn descendants(&self) -> Vec<&Node> {
            let mut out = Vec::new();
            let mut stack: Vec<&Node> = self.children.iter().rev().collect();
            while let Some(n) = stack.pop() {
                out.push(n);
                stack.extend(n.children.iter().rev());
            }
            out
        }
    }

    /// The section's text with `\n` line ends, and where each line starts.
    pub struct Doc {
        pub text: String,
        starts: Vec<usize>,
    }

    impl Doc {
        pub fn new(lines: &[Line<'_>]) -> Doc {
            let mut text = String::new();
            let mut starts = Vec::with_capacity(lines.len());
            for l in lines {
                starts.push(text.len());
                text.push_str(l.text);
                text.push('\n');
            }
            Doc { text, starts }
        }

        /// The line holding byte `pos`.
        pub fn line<'a>(&self, lines: &[Line<'a>], pos: usize) -> Line<'a> {
            let idx = self.starts.partition_point(|&s| s <= pos).saturating_sub(1);
            lines.get(idx).copied().unwrap_or_default()
        }
    }

    /// Parses `text` into a synthetic root; returns problems with their
    /// byte offsets.
    pub fn parse(text: &str) -> (Node, Vec<(usize, String)>) {
        let mut errors = Vec::new();
        let mut stack: Vec<Node> = vec![Node::default()];
        let mut i = 0;
        while i < text.len() {
            let Some(off) = text[i..].find('<') else {
                push_text(&mut stack, &text[i..]);
                break;
            };
            push_text(&mut stack, &text[i..i + off]);
            i += off;
            let rest = &text[i..];
            if let Some(body) = rest.strip_prefix("<!--") {
                match body.find("-->") {
                    Some(end) => i += 4 + end + 3,
                    None => {
                        errors.push((i, "unterminated comment".into()));
                        break;
                    }
                }
                continue;
            }
            if let Some(body) = rest.strip_prefix("<![CDATA[") {
                match body.find("]]>") {
                    Some(end) => {
                        if let Some(top) = stack.last_mut() {
                            top.text.push_str(&body[..end]);
                        }
                        i += 9 + end + 3;
                    }
                    None => {
                        errors.push((i, "unterminated CDATA".into()));
                        break;
                    }
                }
                continue;
            }
            let Some(end) = tag_end(rest) else {
                errors.push((i, "unterminated tag: the file may be truncated".into()));
                break;
            };
            let tag = &rest[1..end];
            let start = i;
            i += end + 1;
            if tag.starts_with('?') || tag.starts_with('!') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                let name = name.trim();
                match stack.iter().rposition(|n| n.name == name) {
                    Some(at) if at > 0 => {
                        if at + 1 < stack.len() {
                            errors.push((start, format!("</{name}> closes unclosed elements")));
                        }
                        while stack.len() > at {
                            close(&mut stack);
                        }
                    }
                    _ => errors.push((start, format!("</{name}> without a start tag: skipped"))),
                }
                continue;
            }
            let (tag, empty) = match tag.strip_suffix('/') {
                Some(t) => (t, true),
                None => (tag, false),
            };
            let mut node = start_tag(tag);
            node.pos = start;
            if node.name.is_empty() {
                errors.push((start, "element without a name: skipped".into()));
                continue;
            }
            if empty {
                if let Some(top) = stack.last_mut() {
                    top.children.push(node);
                }
            } else if stack.len() > MAX_DEPTH {
                errors.push((start, "nesting too deep: rest not read".into()));
                break;
            } else {
                stack.push(node);
            }
        }
        if stack.len() > 1 {
            errors.push((
                text.len(),
                "unclosed elements: the file may be truncated".into(),
            ));
        }
        while stack.len() > 1 {
            close(&mut stack);
        }
        (stack.pop().unwrap_or_default(), errors)
    }

    /// Pops the innermost open element into its parent.
    fn close(stack: &mut Vec<Node>) {
        if stack.len() > 1
            && let Some(n) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            parent.children.push(n);
        }
    }

    fn push_text(stack: &mut [Node], raw: &str) {
        if raw.is_empty() {
            return;
        }
        if let Some(top) = stack.last_mut() {
            top.text.push_str(&crate::host::events::unescape(raw));
        }
    }

    /// The offset of the `>` ending the tag at the start of `s`, outside
    /// quoted attribute values.
    fn tag_end(s: &str) -> Option<usize> {
        let mut quote: Option<u8> = None;
        for (i, b) in s.bytes().enumerate().skip(1) {
            match (quote, b) {
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), _) if b == q => quote = None,
                (None, b'>') => return Some(i),
                _ => {}
            }
        }
        None
    }

    /// Name and attributes of a start tag's inside.
    fn start_tag(tag: &str) -> Node {
        let tag = tag.trim();
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let mut node = Node {
            name: tag[..name_end].to_string(),
            ..Node::default()
        };
        let mut rest = &tag[name_end..];
        loop {
            rest = rest.trim_start();
            let Some(eq) = rest.find('=') else { break };
            let key = rest[..eq].trim().to_string();
            let after = rest[eq + 1..].trim_start();
            let Some(q) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                break;
            };
            let body = &after[1..];
            let Some(close) = body.find(q) else { break };
            node.attrs
                .push((key, crate::host::events::unescape(&body[..close])));
            rest = &body[close + 1..];
        }
        node
    }

    /// PowerShell's `_xHHHH_` escapes in serialized strings (control
    /// characters, and `_` itself as `_x005F_`).
    fn unescape_clixml(s: &str) -> String {
        if !s.contains("_x") {
            return s.to_string();
        }
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(at) = rest.find("_x") {
            out.push_str(&rest[..at]);
            let tail = &rest[at..];
            let c = tail
                .get(2..6)
                .filter(|_| tail.get(6..7) == Some("_"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .and_then(char::from_u32);
            match c {
                Some(c) => {
                    out.push(c);
                    rest = &tail[7..];
                }
                None => {
                    out.push_str("_x");
                    rest = &tail[2..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn xml_parse_nested_attrs_entities() {
            let (root, errors) =
                parse("<?xml version=\"1.0\"?><a x=\"1 &amp; 2\"><!-- c --><b>t&lt;u</b><c/></a>");
            assert!(errors.is_empty(), "{errors:?}");
            let a = &root.children[0];
            assert_eq!(a.attr("x"), Some("1 & 2"));
            assert_eq!(a.children[0].text, "t<u");
            assert_eq!(a.children[1].name, "c");
        }

        #[test]
        fn xml_truncated_reports_and_keeps_prefix() {
            let (root, errors) = parse("<a><b>one</b><b>tw");
            assert_eq!(root.children[0].children.len(), 2);
            assert_eq!(errors.len(), 1);
        }

        #[test]
        fn xml_unterminated_tag_reported() {
            let (_, errors) = parse("<a><b x=\"1>");
            assert_eq!(errors.len(), 2, "{errors:?}");
        }

        #[test]
        fn xml_deep_nesting_refused_without_overflow() {
            let text = "<a>".repeat(100_000);
            let (_, errors) = parse(&text);
            assert!(errors.iter().any(|(_, m)| m.contains("too deep")));
        }

        #[test]
        fn xml_clixml_escape_decoded() {
            assert_eq!(
                unescape_clixml("a_x000D__x000A_b_x005F_c_xZZ"),
                "a\r\nb_c_xZZ"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::input;

    fn list(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        parse_list(&Src { file: "s.txt" }, &input::lines(text), &mut snap);
        snap
    }

    fn clixml(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        parse_clixml(&Src { file: "s.xml" }, &input::lines(text), &mut snap);
        snap
    }

    fn names(l: &SuiteList) -> Vec<&str> {
        l.suites.iter().map(|s| s.name.as_str()).collect()
    }

    /// One Format-List record as the cmdlet prints it.
    fn record(name: &str, id: u32, cert: &str) -> String {
        format!(
            "KeyType               : 0\nCertificate           : {cert}\nMaximumExchangeLength : 65536\nMinimumExchangeLength : 0\nExchange              : ECDH\nHashLength            : 0\nHash                  :\nCipherBlockLength     : 16\nCipherLength          : 256\nBaseCipherSuite       : {id}\nCipherSuite           : {id}\nCipher                : AES\nName                  : {name}\nProtocols             : {{771, 65277}}\n"
        )
    }

    #[test]
    fn parse_list_two_records_in_order() {
        let text = format!(
            "{}\n\n{}",
            record("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 49195, "ECDSA"),
            record("TLS_AES_256_GCM_SHA384", 4866, "")
        );
        let s = list(&text);
        let l = s.cipher_suites.as_ref().unwrap();
        assert_eq!(l.origin, "get-tlsciphersuite");
        assert_eq!(
            names(l),
            [
                "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                "TLS_AES_256_GCM_SHA384"
            ]
        );
        assert_eq!(l.suites[0].id, Some(49195));
        assert_eq!(l.suites[0].evidence.line, 13);
        assert_eq!(l.suites[1].id, Some(4866));
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn parse_list_prompt_line_skipped_quietly() {
        let text = format!(
            "PS C:\\> Get-TlsCipherSuite\n{}",
            record("TLS_RSA_WITH_AES_128_CBC_SHA", 47, "RSA")
        );
        let s = list(&text);
        assert_eq!(s.cipher_suites.unwrap().suites.len(), 1);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn parse_list_wrapped_name_rejoined() {
        let s = list(
            "CipherSuite           : 49188\nName                  : TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_\n                        P384\nProtocols             : {771}\n",
        );
        let l = s.cipher_suites.unwrap();
        assert_eq!(names(&l), ["TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384_P384"]);
    }

    #[test]
    fn parse_list_record_without_name_warned_rest_kept() {
        let text = format!(
            "CipherSuite : 47\nCipher : AES\n\n{}",
            record("TLS_RSA_WITH_AES_128_CBC_SHA", 47, "RSA")
        );
        let s = list(&text);
        assert_eq!(s.cipher_suites.unwrap().suites.len(), 1);
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].at.line, 1);
    }

    #[test]
    fn parse_list_bad_code_point_warned_entry_kept() {
        let s = list("CipherSuite : 70000\nName : TLS_RSA_WITH_AES_128_CBC_SHA\n");
        let l = s.cipher_suites.unwrap();
        assert_eq!(l.suites[0].id, None);
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn parse_list_no_records_warned_not_set() {
        let s = list("something else entirely\n");
        assert!(s.cipher_suites.is_none());
        assert_eq!(s.warnings.len(), 2, "{:?}", s.warnings);
    }

    #[test]
    fn parse_list_second_list_replaces_with_warning() {
        let mut s = list(&record("TLS_RSA_WITH_AES_128_CBC_SHA", 47, "RSA"));
        parse_list(
            &Src { file: "b.txt" },
            &input::lines(&record("TLS_AES_128_GCM_SHA256", 4865, "")),
            &mut s,
        );
        assert_eq!(
            names(s.cipher_suites.as_ref().unwrap()),
            ["TLS_AES_128_GCM_SHA256"]
        );
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn parse_list_non_ascii_no_panic() {
        let s = list("Nämé : ü\nName : TLS_é\n   ü\n");
        assert!(s.cipher_suites.is_none());
    }

    const OBJS: &str =
        "<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">";

    fn suite_obj(id: u32, name: &str, cert: &str) -> String {
        format!(
            "    <Obj RefId=\"{id}\">\n      <TNRef RefId=\"1\" />\n      <Props>\n        <S N=\"Certificate\">{cert}</S>\n        <U32 N=\"CipherSuite\">{id}</U32>\n        <S N=\"Name\">{name}</S>\n        <Obj N=\"Protocols\" RefId=\"9{id}\">\n          <LST>\n            <U32>771</U32>\n          </LST>\n        </Obj>\n      </Props>\n    </Obj>\n"
        )
    }

    #[test]
    fn parse_clixml_suite_objects_in_order() {
        let text = format!(
            "{OBJS}\n  <Obj RefId=\"0\">\n   <LST>\n{}{}   </LST>\n  </Obj>\n</Objs>\n",
            suite_obj(49200, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "RSA"),
            suite_obj(49199, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "RSA"),
        );
        let s = clixml(&text);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        let l = s.cipher_suites.unwrap();
        assert_eq!(
            names(&l),
            [
                "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
            ]
        );
        assert_eq!(l.suites[0].id, Some(49200));
        assert_eq!(l.suites[0].evidence.line, 9);
    }

    #[test]
    fn parse_clixml_comma_string_is_policy_functions() {
        let s = clixml(&format!(
            "{OBJS}\n  <S>TLS_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</S>\n</Objs>\n"
        ));
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        let v = s.registry.value(POLICY_KEY, "Functions").unwrap();
        assert!(matches!(v.data, RegData::Sz(_)));
        assert_eq!(v.evidence.line, 2);
        let p = policy_functions(&s).unwrap();
        assert_eq!(p.origin, "policy");
        assert_eq!(p.suites.len(), 2);
        assert!(local_functions(&s).is_none());
    }

    #[test]
    fn parse_clixml_string_list_is_local_functions() {
        let s = clixml(&format!(
            "{OBJS}\n  <S>TLS_AES_256_GCM_SHA384</S>\n  <S>TLS_RSA_WITH_AES_128_CBC_SHA</S>\n</Objs>\n"
        ));
        let l = local_functions(&s).unwrap();
        assert_eq!(
            names(&l),
            ["TLS_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_CBC_SHA"]
        );
        assert!(policy_functions(&s).is_none());
    }

    #[test]
    fn parse_clixml_functions_property_keyed_by_pspath() {
        let s = clixml(&format!(
            "{OBJS}\n  <Obj RefId=\"0\">\n    <MS>\n      <S N=\"Functions\">TLS_AES_128_GCM_SHA256</S>\n      <S N=\"PSPath\">Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002</S>\n    </MS>\n  </Obj>\n</Objs>\n"
        ));
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert_eq!(
            names(&policy_functions(&s).unwrap()),
            ["TLS_AES_128_GCM_SHA256"]
        );
    }

    #[test]
    fn parse_clixml_other_strings_warned() {
        let s = clixml(&format!("{OBJS}\n  <S>hello world</S>\n</Objs>\n"));
        assert!(s.registry.keys.is_empty());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn parse_clixml_unrelated_objects_warned() {
        let s = clixml(&format!(
            "{OBJS}\n  <Obj RefId=\"0\"><Props><S N=\"Thumbprint\">AB</S></Props></Obj>\n</Objs>\n"
        ));
        assert!(s.cipher_suites.is_none());
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn parse_clixml_truncated_keeps_complete_objects() {
        let text = format!(
            "{OBJS}\n  <Obj RefId=\"0\">\n   <LST>\n{}    <Obj RefId=\"7\">\n      <Props>\n        <S N=\"Na",
            suite_obj(49200, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "RSA"),
        );
        let s = clixml(&text);
        assert_eq!(s.cipher_suites.unwrap().suites.len(), 1);
        assert!(!s.warnings.is_empty());
    }

    #[test]
    fn parse_clixml_without_objs_warned() {
        let s = clixml("<Other/>\n");
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn effective_suites_prefers_cmdlet_then_policy_then_local() {
        let mut s = clixml(&format!(
            "{OBJS}\n  <S>TLS_AES_256_GCM_SHA384</S>\n  <S>TLS_AES_128_GCM_SHA256</S>\n</Objs>\n"
        ));
        assert_eq!(effective_suites(&s).unwrap().origin, "local");
        let p = clixml(&format!(
            "{OBJS}\n  <S>TLS_AES_128_GCM_SHA256</S>\n</Objs>\n"
        ));
        s.registry.keys.extend(p.registry.keys);
        assert_eq!(effective_suites(&s).unwrap().origin, "policy");
        parse_list(
            &Src { file: "l.txt" },
            &input::lines(&record("TLS_RSA_WITH_AES_128_CBC_SHA", 47, "RSA")),
            &mut s,
        );
        assert_eq!(effective_suites(&s).unwrap().origin, "get-tlsciphersuite");
        assert_eq!(effective_suites(&Snapshot::default()), None);
    }

    #[test]
    fn policy_functions_reg_sz_split_and_trimmed() {
        let mut s = Snapshot::default();
        crate::host::registry::parse_reg_query(
            &Src { file: "q.txt" },
            &input::lines(
                "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002\n    Functions    REG_SZ    TLS_AES_256_GCM_SHA384, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384,\n",
            ),
            &mut s,
        );
        let p = policy_functions(&s).unwrap();
        assert_eq!(
            names(&p),
            [
                "TLS_AES_256_GCM_SHA384",
                "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"
            ]
        );
        assert_eq!(p.suites[1].evidence.line, 2);
    }

    #[test]
    fn base_name_strips_curve_suffix() {
        assert_eq!(
            base_name("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA_P256"),
            "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"
        );
        assert_eq!(
            base_name("TLS_RSA_WITH_AES_128_CBC_SHA"),
            "TLS_RSA_WITH_AES_128_CBC_SHA"
        );
        assert_eq!(base_name("_P"), "_P");
    }

    #[test]
    fn fits_key_by_authentication() {
        assert!(fits_key(
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            KeyType::Rsa
        ));
        assert!(!fits_key(
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            KeyType::Ecdsa
        ));
        assert!(fits_key("TLS_RSA_WITH_AES_128_CBC_SHA", KeyType::Rsa));
        assert!(fits_key(
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P256",
            KeyType::Ecdsa
        ));
        assert!(!fits_key(
            "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            KeyType::Rsa
        ));
        assert!(fits_key("TLS_DHE_DSS_WITH_AES_128_CBC_SHA", KeyType::Dsa));
        assert!(fits_key("TLS_AES_128_GCM_SHA256", KeyType::Ecdsa));
        assert!(fits_key("TLS_CHACHA20_POLY1305_SHA256", KeyType::Rsa));
        assert!(!fits_key("TLS_PSK_WITH_AES_128_GCM_SHA256", KeyType::Rsa));
        assert!(fits_key("SSL_CK_RC4_128_WITH_MD5", KeyType::Rsa));
        assert!(!fits_key("garbage", KeyType::Rsa));
    }

    #[test]
    fn http2_compatible_needs_aead_and_ephemeral() {
        assert!(is_http2_compatible("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        assert!(is_http2_compatible("TLS_DHE_RSA_WITH_AES_256_GCM_SHA384"));
        assert!(is_http2_compatible("TLS_AES_256_GCM_SHA384"));
        assert!(!is_http2_compatible(
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P384"
        ));
        assert!(!is_http2_compatible("TLS_RSA_WITH_AES_256_GCM_SHA384"));
        assert!(!is_http2_compatible("TLS_PSK_WITH_AES_256_GCM_SHA384"));
    }

    #[test]
    fn suite_id_from_windows_name() {
        assert_eq!(
            suite_id("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Some(0xc030)
        );
        assert_eq!(
            suite_id("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA_P384"),
            Some(0xc009)
        );
        assert_eq!(suite_id("TLS_AES_128_GCM_SHA256"), Some(0x1301));
        assert_eq!(suite_id("SSL_CK_RC4_128_WITH_MD5"), None);
    }

    #[test]
    fn runs_on_by_protocol() {
        assert_eq!(
            runs_on("TLS_RSA_WITH_AES_128_GCM_SHA256", Protocol::Tls10),
            Some(false)
        );
        assert_eq!(
            runs_on("TLS_RSA_WITH_AES_128_CBC_SHA", Protocol::Tls10),
            Some(true)
        );
        assert_eq!(
            runs_on("TLS_AES_128_GCM_SHA256", Protocol::Tls12),
            Some(false)
        );
        assert_eq!(
            runs_on("SSL_CK_RC4_128_WITH_MD5", Protocol::Ssl2),
            Some(true)
        );
        assert_eq!(runs_on("TLS_NOPE", Protocol::Tls12), None);
    }

    #[test]
    fn known_to_windows_typos_rejected() {
        assert!(known_to_windows(
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384_P521"
        ));
        assert!(known_to_windows("tls_aes_256_gcm_sha384"));
        assert!(!known_to_windows("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA512"));
        assert!(!known_to_windows(
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
        ));
    }

    #[test]
    fn os_default_suites_by_build() {
        assert_eq!(
            os_default_suites(20348).unwrap()[0],
            "TLS_AES_256_GCM_SHA384"
        );
        assert_eq!(os_default_suites(20348).unwrap().len(), 25);
        assert_eq!(os_default_suites(25398).unwrap().len(), 22);
        assert_eq!(os_default_suites(26100).unwrap().len(), 22);
        assert!(
            !os_default_suites(26100)
                .unwrap()
                .contains(&"TLS_RSA_WITH_3DES_EDE_CBC_SHA")
        );
        assert_eq!(os_default_suites(9600).unwrap().len(), 40);
        assert_eq!(os_default_suites(19045), None);
        for b in [9600, 14393, 17763, 20348, 25398, 26100] {
            for n in os_default_suites(b).unwrap() {
                assert!(known_to_windows(n), "{n}");
            }
        }
    }
}
