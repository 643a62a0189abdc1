//! `netsh http show sslcert` and `netsh http show iplisten` (spec §2.1, §2.2).
//!
//! Input: the lines of one section. Output: [`Binding`]s (one per record,
//! every `label : value` pair kept raw in `fields`) and the IP listen list,
//! pushed into the [`Snapshot`], with a [`Warning`] for whatever could not
//! be read: a record cut short, a hash that is not 40 hex digits, labels in
//! another language. Records start at an `IP:port`, `Hostname:port` or
//! `Central Certificate Store` label — blank lines are not relied on — and
//! the separator is the first `:` preceded by whitespace, never a column
//! position. Microsoft's article prints the same data as a two-column table
//! (`IP:port      0.0.0.0:443`); that form is read too.
//! Not done here: judging a binding (see `rules`).

use std::net::IpAddr;

use super::input::{Line, Noise, SSLCERT_START_LABELS, is_guid, label_value};
use super::netstat::parse_socket_addr;
use super::{Binding, BindingKey, IpListen, Snapshot, Src, Warning};

/// What a label's value looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vocab {
    /// Record start (`IP:port` …).
    Key,
    /// Free text (hash, GUID, store names).
    Text,
    /// `Enabled`/`Disabled` (classic flags), `Set`/`Not Set` (newer ones).
    Flag,
    /// A decimal number.
    Number,
    /// `Extended Properties:` (no value).
    Heading,
}

/// Every label English netsh prints, up to Server 2025 / Windows 11 24H2
/// (spec §2.1 field dictionary), lower case. `CertStoreName` is the
/// spelling Microsoft's article shows.
const LABELS: &[(&str, Vocab)] = &[
    ("ip:port", Vocab::Key),
    ("hostname:port", Vocab::Key),
    ("central certificate store", Vocab::Key),
    ("certificate hash", Vocab::Text),
    ("application id", Vocab::Text),
    ("certificate store name", Vocab::Text),
    ("certstorename", Vocab::Text),
    ("verify client certificate revocation", Vocab::Flag),
    (
        "verify revocation using cached client certificate only",
        Vocab::Flag,
    ),
    ("usage check", Vocab::Flag),
    ("revocation freshness time", Vocab::Number),
    ("url retrieval timeout", Vocab::Number),
    ("ctl identifier", Vocab::Text),
    ("ctl store name", Vocab::Text),
    ("ds mapper usage", Vocab::Flag),
    ("negotiate client certificate", Vocab::Flag),
    ("reject connections", Vocab::Flag),
    ("disable http2", Vocab::Flag),
    ("disable quic", Vocab::Flag),
    ("disable tls1.2", Vocab::Flag),
    ("disable tls1.3", Vocab::Flag),
    ("disable ocsp stapling", Vocab::Flag),
    ("enable token binding", Vocab::Flag),
    ("log extended events", Vocab::Flag),
    ("disable legacy tls versions", Vocab::Flag),
    ("enable session ticket", Vocab::Flag),
    ("disable session id", Vocab::Flag),
    ("enable caching client hello", Vocab::Flag),
    ("extended properties", Vocab::Heading),
    ("propertyid", Vocab::Number),
    ("receive window", Vocab::Number),
    ("max settings per frame", Vocab::Number),
    ("max settings per minute", Vocab::Number),
];

fn vocab(label: &str) -> Option<Vocab> {
    LABELS
        .iter()
        .find(|(l, _)| l.eq_ignore_ascii_case(label))
        .map(|&(_, v)| v)
}

fn is_start(label: &str) -> bool {
    SSLCERT_START_LABELS
        .iter()
        .any(|s| s.eq_ignore_ascii_case(label))
}

/// `(null)` or empty: the value is absent.
fn absent(v: &str) -> bool {
    v.is_empty() || v.eq_ignore_ascii_case("(null)")
}

/// A record being read.
struct Record<'a> {
    key: BindingKey,
    first: Line<'a>,
    /// Started in the article's two-column form.
    table: bool,
    fields: Vec<(String, String)>,
    known: usize,
    unknown: usize,
}

/// Parses a `netsh http show sslcert` section.
pub fn parse_sslcert(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut rec: Option<Record<'_>> = None;
    // A record whose start line could not be read: its fields are skipped.
    let mut skipping = false;
    let mut after_blank = true;
    let mut stray: Option<Line<'_>> = None;
    let mut records = 0;
    let mut noise = Noise::default();
    for &line in lines {
        let t = line.text.trim();
        if t.is_empty() {
            after_blank = true;
            continue;
        }
        if t.eq_ignore_ascii_case("SSL Certificate bindings:")
            || (t.len() >= 3 && t.bytes().all(|b| b == b'-'))
        {
            continue;
        }
        let table = rec.as_ref().is_some_and(|r| r.table);
        let Some((label, value, table_form)) = field(t, table) else {
            if t.eq_ignore_ascii_case("The system cannot find the file specified.") {
                // `show sslcert ipport=…` for a binding that does not exist.
                continue;
            }
            if (rec.is_some() || skipping) && !after_blank && noise.note(line) {
                warn(
                    snap,
                    src,
                    line,
                    format!("unreadable line in an sslcert record: {t:?}"),
                );
            }
            continue;
        };
        after_blank = false;
        if is_start(label) {
            if let Some(r) = rec.take() {
                finish(src, r, snap);
            }
            records += 1;
            match parse_key(label, value) {
                Some(key) => {
                    skipping = false;
                    rec = Some(Record {
                        key,
                        first: line,
                        table: table_form,
                        fields: vec![(label.to_string(), value.to_string())],
                        known: 0,
                        unknown: 0,
                    });
                }
                None => {
                    skipping = true;
                    warn(
                        snap,
                        src,
                        line,
                        format!("{label} value {value:?} is not an endpoint: record skipped"),
                    );
                }
            }
            continue;
        }
        let Some(r) = rec.as_mut() else {
            if !skipping {
                stray.get_or_insert(line);
            }
            continue;
        };
        r.fields.push((label.to_string(), value.to_string()));
        match vocab(label) {
            Some(v) => {
                r.known += 1;
                if !fits(v, value) {
                    warn(
                        snap,
                        src,
                        line,
                        format!("unexpected value {value:?} for {label} (truncated?)"),
                    );
                }
            }
            None => r.unknown += 1,
        }
    }
    if let Some(r) = rec.take() {
        finish(src, r, snap);
    }
    if let Some((line, message)) = noise.summary() {
        warn(snap, src, line, message);
    }
    if records == 0
        && let Some(line) = stray
    {
        warn(
            snap,
            src,
            line,
            "sslcert fields without an IP:port, Hostname:port or Central Certificate \
                 Store label: localized output? not parsed"
                .into(),
        );
    }
}

/// One field of a record: `(label, value, two-column form)`.
fn field(t: &str, table: bool) -> Option<(&str, &str, bool)> {
    if let Some((l, v)) = label_value(t) {
        return Some((l, v, false));
    }
    // ` Extended Properties:` opens a sub-record and has no value.
    if let Some(l) = t.strip_suffix(':')
        && l.trim().eq_ignore_ascii_case("extended properties")
    {
        return Some((l.trim(), "", false));
    }
    // The two-column table of Microsoft's article: label, two or more
    // blanks, value (an empty value leaves the label alone).
    let (label, value) = match t.find("  ") {
        Some(at) => (t.get(..at)?.trim(), t.get(at..)?.trim()),
        None => (t, ""),
    };
    if is_start(label) {
        return (!value.is_empty()).then_some((label, value, true));
    }
    if table && (vocab(label).is_some() || !value.is_empty()) {
        return Some((label, value, true));
    }
    None
}

/// Whether a known label's value is one its vocabulary allows.
fn fits(v: Vocab, value: &str) -> bool {
    let number = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    match v {
        Vocab::Key | Vocab::Text => true,
        Vocab::Heading => value.is_empty(),
        Vocab::Number => number || absent(value),
        Vocab::Flag => {
            number
                || ["enabled", "disabled", "set", "not set", "(null)"]
                    .iter()
                    .any(|w| w.eq_ignore_ascii_case(value))
        }
    }
}

fn parse_key(label: &str, value: &str) -> Option<BindingKey> {
    if label.eq_ignore_ascii_case("ip:port") {
        return parse_socket_addr(value).map(|addr| BindingKey::Ip { addr });
    }
    if label.eq_ignore_ascii_case("hostname:port") {
        let (host, port) = value.rsplit_once(':')?;
        let host = host.trim();
        if host.is_empty() || host.contains(char::is_whitespace) {
            return None;
        }
        return Some(BindingKey::Hostname {
            host: host.to_lowercase(),
            port: port.trim().parse().ok()?,
        });
    }
    value
        .trim()
        .parse()
        .ok()
        .map(|port| BindingKey::Ccs { port })
}

/// A thumbprint as 40 lower-case hex digits: blanks and the invisible marks
/// copied from the MMC (U+200E, U+200F, U+FEFF) removed.
pub(crate) fn normalize_thumbprint(v: &str) -> Option<String> {
    let s: String = v
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{200e}' | '\u{200f}' | '\u{feff}'))
        .collect();
    (s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

/// An application id as `{lower-case-guid}`.
fn normalize_app_id(v: &str) -> Option<String> {
    if !is_guid(v) {
        return None;
    }
    let g = v.trim_start_matches('{').trim_end_matches('}');
    Some(format!("{{{}}}", g.to_ascii_lowercase()))
}

fn finish(src: &Src<'_>, r: Record<'_>, snap: &mut Snapshot) {
    if r.fields.len() == 1 {
        // Nothing follows the key line: it may itself be cut
        // (`0.0.0.0:44307` read as port 4), so no binding is made of it.
        warn(
            snap,
            src,
            r.first,
            "sslcert record has nothing after its first line (truncated?): skipped".into(),
        );
        return;
    }
    let get = |label: &str| {
        r.fields
            .iter()
            .find(|(l, _)| l.eq_ignore_ascii_case(label))
            .map(|(_, v)| v.as_str())
    };
    let hash = get("Certificate Hash");
    let app = get("Application ID");
    let store = get("Certificate Store Name").or_else(|| get("CertStoreName"));
    let mut warnings = Vec::new();
    let cert_hash = hash.and_then(|h| {
        let n = normalize_thumbprint(h);
        if n.is_none() && !absent(h) {
            warnings.push(format!(
                "Certificate Hash {h:?} is not 40 hex digits (truncated or mangled)"
            ));
        }
        n
    });
    let app_id = app.and_then(|a| {
        let n = normalize_app_id(a);
        if n.is_none() && !absent(a) {
            warnings.push(format!("Application ID {a:?} is not a GUID"));
        }
        n
    });
    if hash.is_none() || app.is_none() {
        warnings.push(
            "sslcert record ends before its Certificate Hash / Application ID (truncated?)".into(),
        );
    }
    if r.unknown > r.known && r.unknown >= 2 {
        warnings.push(format!(
            "{} of {} labels of this sslcert record are unknown: localized?",
            r.unknown,
            r.unknown + r.known
        ));
    }
    for message in warnings {
        warn(snap, src, r.first, message);
    }
    snap.bindings.push(Binding {
        key: r.key,
        cert_hash,
        app_id,
        store: store.filter(|s| !absent(s)).map(str::to_string),
        fields: r.fields,
        evidence: src.at(r.first),
    });
}

fn warn(snap: &mut Snapshot, src: &Src<'_>, line: Line<'_>, message: String) {
    snap.warnings.push(Warning {
        at: src.at(line),
        message,
    });
}

/// An IP listen list entry: an IPv4 or IPv6 literal, bracketed or not (a
/// `%zone` is dropped).
fn parse_ip(t: &str) -> Option<IpAddr> {
    let t = t.trim();
    let t = t
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .unwrap_or(t);
    let t = t.split_once('%').map_or(t, |(a, _)| a);
    t.parse().ok()
}

/// Parses a `netsh http show iplisten` section. A header without entries is
/// the empty list (HTTP.sys listens on every address).
pub fn parse_iplisten(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let mut entries = Vec::new();
    let mut noise = Noise::default();
    for &line in lines {
        let t = line.text.trim();
        if t.is_empty()
            || t.to_ascii_lowercase()
                .starts_with("ip addresses present in the ip listen list")
            || t.bytes().all(|b| b == b'-')
        {
            continue;
        }
        match parse_ip(t) {
            Some(addr) => entries.push(IpListen {
                addr,
                evidence: src.at(line),
            }),
            None => {
                if noise.note(line) {
                    warn(
                        snap,
                        src,
                        line,
                        format!("not an IP address in the IP listen list: {t:?}"),
                    );
                }
            }
        }
    }
    if let Some((line, message)) = noise.summary() {
        warn(snap, src, line, message);
    }
    snap.ip_listen.get_or_insert_with(Vec::new).extend(entries);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::input;

    fn ep(s: &str) -> std::net::SocketAddr {
        s.parse().unwrap()
    }

    fn run(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        let lines = input::lines(text);
        let src = Src { file: "t.txt" };
        parse_sslcert(&src, &lines, &mut snap);
        snap
    }

    fn run_iplisten(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        let lines = input::lines(text);
        let src = Src { file: "t.txt" };
        parse_iplisten(&src, &lines, &mut snap);
        snap
    }

    const IP_RECORD: &str = "
SSL Certificate bindings:
-------------------------

    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4DC3E181-E14B-4A21-B022-59FC669B0914}
    Certificate Store Name       : My
    Verify Client Certificate Revocation : Enabled
    Verify Revocation Using Cached Client Certificate Only : Disabled
    Usage Check                  : Enabled
    Revocation Freshness Time    : 0
    URL Retrieval Timeout        : 0
    Ctl Identifier               : (null)
    Ctl Store Name               : (null)
    DS Mapper Usage              : Disabled
    Negotiate Client Certificate : Disabled
    Reject Connections           : Disabled
    Disable HTTP2                : Not Set
    Disable QUIC                 : Not Set
    Disable TLS1.2               : Not Set
    Disable TLS1.3               : Set
    Disable OCSP Stapling        : Not Set
    Enable Token Binding         : Not Set
    Log Extended Events          : Not Set
    Disable Legacy TLS Versions  : Set
    Enable Session Ticket        : Not Set
    Disable Session ID           : Not Set
    Enable Caching Client Hello  : Not Set
 Extended Properties:
    PropertyId                   : 0
    Receive Window               : 65536
 Extended Properties:
    PropertyId                   : 1
    Max Settings Per Frame       : 1000
    Max Settings Per Minute      : 5000

";

    #[test]
    fn sslcert_ip_record_reads_every_field() {
        let snap = run(IP_RECORD);
        assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
        assert_eq!(snap.bindings.len(), 1);
        let b = &snap.bindings[0];
        assert_eq!(
            b.key,
            BindingKey::Ip {
                addr: ep("0.0.0.0:443")
            }
        );
        assert_eq!(
            b.cert_hash.as_deref(),
            Some("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567")
        );
        assert_eq!(
            b.app_id.as_deref(),
            Some("{4dc3e181-e14b-4a21-b022-59fc669b0914}")
        );
        assert_eq!(b.store.as_deref(), Some("My"));
        assert!(b.flag_on("Disable TLS1.3"));
        assert!(b.flag_on("Disable Legacy TLS Versions"));
        assert!(!b.flag_on("Disable TLS1.2"));
        assert_eq!(b.field("Ctl Identifier"), Some("(null)"));
        assert_eq!(b.field("max settings per minute"), Some("5000"));
        assert_eq!(b.fields.len(), 32);
        assert_eq!(b.evidence.line, 5);
        assert_eq!(
            b.evidence.text,
            "IP:port                      : 0.0.0.0:443"
        );
    }

    #[test]
    fn sslcert_hostname_record_lowercases_host() {
        let snap = run("    Hostname:port                : WWW.Contoso.com:8443
    Certificate Hash             : 0A 1B 2C 3D 4E 5F 60 71 82 93 A4 B5 C6 D7 E8 F9 01 23 45 67
    Application ID               : 4dc3e181-e14b-4a21-b022-59fc669b0914
    Certificate Store Name       : WebHosting
");
        let b = &snap.bindings[0];
        assert_eq!(
            b.key,
            BindingKey::Hostname {
                host: "www.contoso.com".into(),
                port: 8443
            }
        );
        assert_eq!(
            b.cert_hash.as_deref(),
            Some("0a1b2c3d4e5f60718293a4b5c6d7e8f901234567")
        );
        assert_eq!(
            b.app_id.as_deref(),
            Some("{4dc3e181-e14b-4a21-b022-59fc669b0914}")
        );
        assert_eq!(b.store.as_deref(), Some("WebHosting"));
    }

    #[test]
    fn sslcert_ccs_record_null_hash_and_store_are_none() {
        let snap = run("
SSL Certificate bindings:
-------------------------

    Central Certificate Store    : 443
    Certificate Hash             : (null)
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Certificate Store Name       : (null)
    Verify Client Certificate Revocation : Enabled
");
        assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
        let b = &snap.bindings[0];
        assert_eq!(b.key, BindingKey::Ccs { port: 443 });
        assert_eq!(b.cert_hash, None);
        assert_eq!(b.store, None);
        assert_eq!(b.field("Certificate Hash"), Some("(null)"));
    }

    #[test]
    fn sslcert_ipv6_wildcard_key_parses() {
        let snap = run("    IP:port                      : [::]:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
");
        assert_eq!(
            snap.bindings[0].key,
            BindingKey::Ip {
                addr: ep("[::]:443")
            }
        );
    }

    #[test]
    fn sslcert_empty_hash_and_zero_app_id_are_kept() {
        let snap = run("    IP:port                      : 0.0.0.0:443
    Certificate Hash             :
    Application ID               : {00000000-0000-0000-0000-000000000000}
    Certificate Store Name       : My
");
        assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
        let b = &snap.bindings[0];
        assert_eq!(b.cert_hash, None);
        assert_eq!(b.field("Certificate Hash"), Some(""));
        assert_eq!(
            b.app_id.as_deref(),
            Some("{00000000-0000-0000-0000-000000000000}")
        );
    }

    #[test]
    fn sslcert_records_without_blank_lines_split_on_start_label() {
        let snap = run("SSL Certificate bindings:
-------------------------
    IP:port                      : 10.0.0.5:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Hostname:port                : shop.example.org:443
    Certificate Hash             : ffffffffffffffffffffffffffffffffffffffff
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Central Certificate Store    : 8443
    Certificate Hash             : (null)
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
");
        assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
        assert_eq!(snap.bindings.len(), 3);
        assert_eq!(snap.bindings[1].key.port(), 443);
        assert_eq!(
            snap.bindings[1].cert_hash.as_deref(),
            Some("ffffffffffffffffffffffffffffffffffffffff")
        );
        assert_eq!(snap.bindings[2].key, BindingKey::Ccs { port: 8443 });
        assert_eq!(snap.bindings[2].evidence.line, 9);
    }

    #[test]
    fn sslcert_truncated_mid_value_keeps_record_and_warns() {
        let snap = run("    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 0a1b2c3d4e5f6071");
        assert_eq!(snap.bindings.len(), 1);
        assert_eq!(snap.bindings[0].cert_hash, None);
        assert_eq!(
            snap.bindings[0].field("Certificate Hash"),
            Some("0a1b2c3d4e5f6071")
        );
        let msgs: Vec<&str> = snap.warnings.iter().map(|w| w.message.as_str()).collect();
        assert!(msgs.iter().any(|m| m.contains("not 40 hex")), "{msgs:?}");
        assert!(msgs.iter().any(|m| m.contains("truncated?")), "{msgs:?}");
    }

    #[test]
    fn sslcert_key_line_alone_skipped_and_warned() {
        let snap = run("    IP:port                      : 0.0.0.0:44");
        assert!(snap.bindings.is_empty());
        assert_eq!(snap.warnings.len(), 1);
        assert!(snap.warnings[0].message.contains("skipped"));
    }

    #[test]
    fn sslcert_truncated_flag_value_warns() {
        let snap = run("    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Disable TLS1.3               : Not S");
        assert_eq!(snap.bindings.len(), 1);
        assert_eq!(snap.warnings.len(), 1);
        assert!(snap.warnings[0].message.contains("Disable TLS1.3"));
        assert_eq!(snap.warnings[0].at.line, 4);
    }

    #[test]
    fn sslcert_truncated_mid_label_warns_unreadable_line() {
        let snap = run("    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Applicat");
        assert_eq!(snap.bindings.len(), 1);
        assert!(
            snap.warnings
                .iter()
                .any(|w| w.message.contains("unreadable") && w.at.line == 3)
        );
    }

    #[test]
    fn sslcert_unknown_labels_kept_in_fields() {
        let snap = run("    IP:port                      : 0.0.0.0:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Enable Client Correlation    : Not Set
");
        assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
        assert_eq!(
            snap.bindings[0].field("Enable Client Correlation"),
            Some("Not Set")
        );
    }

    #[test]
    fn sslcert_mostly_unknown_labels_warn_localized() {
        let snap = run("    IP:port                      : 0.0.0.0:443
    Hash do Certificado          : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    ID do Aplicativo             : {4dc3e181-e14b-4a21-b022-59fc669b0914}
    Nome do Repositório de Certificados : MY
");
        assert_eq!(snap.bindings.len(), 1);
        assert_eq!(snap.bindings[0].cert_hash, None);
        assert!(
            snap.warnings
                .iter()
                .any(|w| w.message.contains("localized?"))
        );
    }

    #[test]
    fn sslcert_fields_without_start_label_warn_localized() {
        let snap = run("    IP:porta                      : 0.0.0.0:443
    Hash do Certificado          : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
");
        assert!(snap.bindings.is_empty());
        assert_eq!(snap.warnings.len(), 1);
        assert!(snap.warnings[0].message.contains("localized"));
        assert_eq!(snap.warnings[0].at.line, 1);
    }

    #[test]
    fn sslcert_bad_endpoint_skips_record_and_warns() {
        let snap = run("    IP:port                      : 0.0.0.0:http
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    IP:port                      : 127.0.0.1:443
    Certificate Hash             : 0a1b2c3d4e5f60718293a4b5c6d7e8f901234567
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
");
        assert_eq!(snap.bindings.len(), 1);
        assert_eq!(snap.bindings[0].key.port(), 443);
        assert_eq!(snap.warnings.len(), 1);
        assert!(snap.warnings[0].message.contains("record skipped"));
    }

    #[test]
    fn sslcert_header_only_has_no_bindings_and_no_warning() {
        let snap = run("\nSSL Certificate bindings:\n-------------------------\n\n");
        assert!(snap.bindings.is_empty());
        assert!(snap.warnings.is_empty());
    }

    #[test]
    fn sslcert_missing_binding_message_is_not_a_warning() {
        let snap = run("
SSL Certificate bindings:
-------------------------

The system cannot find the file specified.
");
        assert!(snap.bindings.is_empty());
        assert!(snap.warnings.is_empty());
    }

    #[test]
    fn sslcert_table_form_reads_label_columns() {
        let snap = run("IP:port                               0.0.0.0:8443
Certificate Hash
Application ID                        {00000000-0000-0000-0000-000000000000}
CertStoreName                         My
Verify Client Certificate Revocation  0
");
        assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
        let b = &snap.bindings[0];
        assert_eq!(b.key.port(), 8443);
        assert_eq!(b.cert_hash, None);
        assert_eq!(b.field("Certificate Hash"), Some(""));
        assert_eq!(
            b.app_id.as_deref(),
            Some("{00000000-0000-0000-0000-000000000000}")
        );
        assert_eq!(b.store.as_deref(), Some("My"));
    }

    #[test]
    fn sslcert_colon_form_ignores_bare_known_label() {
        // A label without its separator is a cut line, not an empty value.
        let snap = run("    IP:port                      : 0.0.0.0:443
    Certificate Hash
    Application ID               : {4dc3e181-e14b-4a21-b022-59fc669b0914}
");
        assert_eq!(snap.bindings[0].field("Certificate Hash"), None);
        assert!(
            snap.warnings
                .iter()
                .any(|w| w.message.contains("unreadable"))
        );
    }

    #[test]
    fn sslcert_non_ascii_text_never_panics() {
        let snap = run("    IP:port : ü:443\n    Zertifikathash é : ö\n    ßß  ü\n  :  \n : ");
        assert!(snap.bindings.is_empty());
    }

    #[test]
    fn iplisten_entries_ipv4_and_ipv6_pushed() {
        let snap = run_iplisten(
            "
IP addresses present in the IP listen list:
-------------------------------------------

    10.1.2.3
    ::1
    [fe80::1]

",
        );
        let list = snap.ip_listen.unwrap();
        let addrs: Vec<String> = list.iter().map(|e| e.addr.to_string()).collect();
        assert_eq!(addrs, ["10.1.2.3", "::1", "fe80::1"]);
        assert_eq!(list[0].evidence.line, 5);
        assert!(snap.warnings.is_empty());
    }

    #[test]
    fn iplisten_header_only_is_empty_list() {
        let snap = run_iplisten(
            "\nIP addresses present in the IP listen list:\n-------------------------------------------\n\n",
        );
        assert_eq!(snap.ip_listen, Some(vec![]));
    }

    #[test]
    fn iplisten_junk_line_warns() {
        let snap = run_iplisten(
            "IP addresses present in the IP listen list:\n---\n    10.0.0.1\n    not-an-ip\n",
        );
        assert_eq!(snap.ip_listen.as_ref().map(Vec::len), Some(1));
        assert_eq!(snap.warnings.len(), 1);
        assert_eq!(snap.warnings[0].at.line, 4);
    }
}
