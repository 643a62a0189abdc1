//! Certificate stores: `certutil -store`, `certutil -verifystore` / `-verify`,
//! PowerShell `Format-List *` and `ConvertTo-Json` (spec §2.7, §2.8, §1.1).
//!
//! Input: the lines of one recognised section (or, for JSON, its text).
//! Output: [`Cert`]s and [`ChainCheck`]s in the [`Snapshot`], and a
//! [`Warning`] for everything that cannot be read for sure: a localized
//! record, a date whose day and month cannot be told apart, a hash that is
//! not 40 hex digits, a list PowerShell cut short.
//! Invariants: English labels only; a record that shows another language is
//! reported and skipped, never half-read. Dates are read as UTC (the outputs
//! print local time without a zone); an explicit offset (ISO, JSON) is applied.
//! Not done here: judging the certificates (see `rules`), or reading anything
//! but the SHA-1 hash as the certificate's identity.
//!
//! Two facts have no field in [`Cert`] and become [`Warning`]s whose message
//! starts with a fixed prefix the rules can test: [`KEYSPEC_SIGNATURE`]
//! (`certutil -v` shows a signature-only CAPI key, spec CERT-009) and
//! [`EKU_PROPERTY`] (the store's usage property restricts the certificate,
//! the article's "Enable all purposes" case, CERT-004). Both name the
//! thumbprint right after the prefix (`KeySpec = 2 -- AT_SIGNATURE: <thumb>: …`).

use serde_json::Value;

use super::input::Line;
use super::{Cert, CertSource, ChainCheck, KeyState, Snapshot, Src, Warning};

/// Prefix of the warning for a signature-only CAPI key (`KeySpec = 2 --
/// AT_SIGNATURE`): `TLS_RSA_*` key exchange cannot decrypt with it.
pub const KEYSPEC_SIGNATURE: &str = "KeySpec = 2 -- AT_SIGNATURE";

/// Prefix of the warning for an enhanced-key-usage restriction set as a
/// store property (`CERT_ENHKEY_USAGE_PROP_ID`), which the certificate's own
/// EKU list in [`Cert::eku`] does not show.
pub const EKU_PROPERTY: &str = "CERT_ENHKEY_USAGE_PROP_ID";

/// Server Authentication (RFC 5280 §4.2.1.12, id-kp-serverAuth).
const OID_SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";

/// Parses a `certutil -store` section (also `-v -store`, and the record part
/// of `-verifystore`, whose verdict becomes a [`ChainCheck`] as well).
pub fn parse_certutil(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    walk(src, lines, snap, Mode::Store);
}

/// Parses a `certutil -verifystore` / `-verify` section: one [`ChainCheck`]
/// per certificate record (or one for a `-verify` of a file). The
/// certificates themselves are left to [`parse_certutil`].
pub fn parse_verify(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    walk(src, lines, snap, Mode::Verify);
}

/// A certificate thumbprint as 40 lower-case hex digits: spaces, colons and
/// the invisible marks a copy from the MMC adds (U+200E, U+200F, U+FEFF …)
/// removed. `None` when what remains is not 40 hex digits.
pub fn normalize_thumbprint(s: &str) -> Option<String> {
    let hex: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != ':' && !invisible(*c))
        .collect();
    (hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| hex.to_ascii_lowercase())
}

/// Marks that copying from Windows dialogs leaves in text.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{feff}')
}

// ---------------------------------------------------------------------------
// certutil

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Store,
    Verify,
}

/// A list that continues on indented lines after its header.
#[derive(Clone, Copy)]
enum List {
    None,
    /// `Enhanced Key Usage` (extension, or the property when `prop`).
    Eku {
        indent: usize,
        prop: bool,
    },
    /// `Subject Alternative Name`.
    San {
        indent: usize,
    },
    /// `Issuer:` / `Subject:` with the name on the following lines (`-v`).
    Name {
        subject: bool,
    },
}

/// One `================ Certificate N ================` record, or the lines
/// before the first banner (`implicit`).
struct Rec<'a> {
    first: Line<'a>,
    implicit: bool,
    serial: Option<String>,
    issuer: Option<String>,
    subject: Option<String>,
    not_before: Option<i64>,
    not_after: Option<i64>,
    thumb: Option<String>,
    /// `-verify`: the first chain element's `Cert:` hash (the leaf).
    chain_leaf: Option<String>,
    container: bool,
    provider: Option<String>,
    exportable: Option<bool>,
    passed: bool,
    failed: Option<Line<'a>>,
    missing: bool,
    no_key: bool,
    verbose: bool,
    eku: Option<Vec<String>>,
    eku_prop: Option<(Line<'a>, Vec<String>)>,
    dns: Vec<String>,
    keyspec_sig: Option<Line<'a>>,
    localized: Option<(Line<'a>, &'static str)>,
    errors: Vec<u32>,
    error_line: Option<Line<'a>>,
    verify_seen: bool,
    /// A `CRL n` / `CTL n` record.
    not_cert: bool,
    warnings: Vec<Warning>,
}

impl<'a> Rec<'a> {
    fn new(first: Line<'a>, implicit: bool) -> Self {
        Rec {
            first,
            implicit,
            serial: None,
            issuer: None,
            subject: None,
            not_before: None,
            not_after: None,
            thumb: None,
            chain_leaf: None,
            container: false,
            provider: None,
            exportable: None,
            passed: false,
            failed: None,
            missing: false,
            no_key: false,
            verbose: false,
            eku: None,
            eku_prop: None,
            dns: Vec::new(),
            keyspec_sig: None,
            localized: None,
            errors: Vec::new(),
            error_line: None,
            verify_seen: false,
            not_cert: false,
            warnings: Vec::new(),
        }
    }
}

fn walk(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot, mode: Mode) {
    let Some(&first) = lines.first() else {
        return;
    };
    let mut store = String::new();
    let mut rec = Rec::new(first, true);
    let mut list = List::None;
    let mut prop: Option<&str> = None;
    for &line in lines {
        let raw = line.text.trim_start_matches(invisible);
        let t = raw.trim();
        let indent = raw.len() - raw.trim_start().len();

        if let Some(word) = banner(t) {
            finish(
                src,
                std::mem::replace(&mut rec, Rec::new(line, false)),
                &store,
                snap,
                mode,
            );
            list = List::None;
            prop = None;
            if word.eq_ignore_ascii_case("CRL") || word.eq_ignore_ascii_case("CTL") {
                // `-store ca` / `-store root` also list revocation and trust
                // lists: English, and not certificates.
                rec.not_cert = true;
            } else if !word.eq_ignore_ascii_case("certificate") {
                rec.localized = Some((line, language_of(word)));
            }
            continue;
        }
        if rec.implicit
            && store.is_empty()
            && let Some(name) = store_echo(t)
        {
            store = name;
            continue;
        }

        // Items of an open list.
        match list {
            List::Eku { indent: at, prop } if !t.is_empty() && indent > at => {
                eku_item(src, line, t, prop, &mut rec);
                continue;
            }
            List::San { indent: at } if !t.is_empty() && indent > at => {
                if let Some(name) = t.strip_prefix("DNS Name=") {
                    rec.dns.push(name.trim().to_ascii_lowercase());
                }
                continue;
            }
            List::Name { subject }
                if indent > 0 && t.contains('=') && !t.starts_with("Name Hash") =>
            {
                let field = if subject {
                    &mut rec.subject
                } else {
                    &mut rec.issuer
                };
                match field {
                    Some(v) if !v.is_empty() => {
                        v.push_str(", ");
                        v.push_str(t);
                    }
                    _ => *field = Some(t.to_string()),
                }
                continue;
            }
            _ => list = List::None,
        }
        if t.is_empty() {
            prop = None;
            continue;
        }
        if rec.localized.is_none()
            && let Some(lang) = localized(t)
        {
            rec.localized = Some((line, lang));
        }
        if is_verify_marker(t) {
            rec.verify_seen = true;
        }
        for code in hresults(t) {
            if !rec.errors.contains(&code) {
                rec.errors.push(code);
            }
            rec.error_line.get_or_insert(line);
        }
        if t.starts_with("CERT_") && t.ends_with("):") && t.contains("_PROP_ID(") {
            prop = t.split('(').next();
            continue;
        }
        if let Some(v) = t.strip_prefix("Serial Number:") {
            set_once(&mut rec.serial, v.split_whitespace().collect());
        } else if let Some(v) = t.strip_prefix("Issuer:") {
            name_field(&mut rec.issuer, v, &mut list, false);
        } else if let Some(v) = t.strip_prefix("Subject:") {
            name_field(&mut rec.subject, v, &mut list, true);
        } else if let Some(v) = t.strip_prefix("NotBefore:") {
            if rec.not_before.is_none() && rec.chain_leaf.is_none() {
                rec.not_before = date_field(src, line, v, &mut rec.warnings);
            }
        } else if let Some(v) = t.strip_prefix("NotAfter:") {
            if rec.not_after.is_none() && rec.chain_leaf.is_none() {
                rec.not_after = date_field(src, line, v, &mut rec.warnings);
            }
        } else if let Some(v) = t.strip_prefix("Cert Hash(sha1):") {
            if rec.thumb.is_none() {
                match normalize_thumbprint(v) {
                    Some(h) => rec.thumb = Some(h),
                    None => rec.warnings.push(warn(
                        src,
                        line,
                        "Cert Hash(sha1) is not 40 hex digits: thumbprint not read",
                    )),
                }
            }
        } else if let Some(v) = t.strip_prefix("Cert:") {
            if rec.chain_leaf.is_none() {
                rec.chain_leaf = normalize_thumbprint(v);
            }
        } else if t.starts_with("Key Container =")
            || t.starts_with("Simple container name:")
            || t.starts_with("Unique container name:")
        {
            rec.container = true;
        } else if let Some(v) = t.strip_prefix("Provider =") {
            set_once(&mut rec.provider, v.trim().to_string());
        } else if t.starts_with("Private key is NOT exportable")
            || t.starts_with("Private key is NOT plain text exportable")
        {
            rec.exportable = Some(false);
        } else if t.ends_with(" test passed") {
            rec.passed = true;
        } else if t.ends_with(" test FAILED") {
            rec.failed.get_or_insert(line);
        } else if t.starts_with("Missing stored keyset") {
            rec.missing = true;
        } else if t.starts_with("No key provider information")
            || t.starts_with("Cannot find the certificate and private key")
        {
            rec.no_key = true;
        } else if t == "Enhanced Key Usage" {
            let prop = prop == Some("CERT_ENHKEY_USAGE_PROP_ID");
            if prop {
                rec.eku_prop.get_or_insert((line, Vec::new()));
            } else {
                rec.eku.get_or_insert_with(Vec::new);
            }
            list = List::Eku { indent, prop };
        } else if t == "Subject Alternative Name" {
            list = List::San { indent };
        } else if t.starts_with("Certificate Extensions:") {
            rec.verbose = true;
        } else if let Some(v) = t.strip_prefix("KeySpec =") {
            if v.trim_start().starts_with('2') {
                rec.keyspec_sig.get_or_insert(line);
            }
        } else if mode == Mode::Store && t.starts_with("CertUtil: -store command FAILED") {
            snap.warnings
                .push(warn(src, line, &format!("certutil failed: {t}")));
        }
    }
    finish(src, rec, &store, snap, mode);
}

/// The word of a `==== Certificate N ====` banner (another language's word
/// for a localized output).
fn banner(t: &str) -> Option<&str> {
    if !(t.starts_with("===") && t.ends_with("===")) {
        return None;
    }
    let inner = t.trim_matches('=').trim();
    let (word, n) = inner.rsplit_once(' ')?;
    (!word.is_empty() && !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .then_some(word.trim())
}

/// `my "Personal"` → `my`.
fn store_echo(t: &str) -> Option<String> {
    let (name, rest) = t.split_once(' ')?;
    let rest = rest.trim();
    let ok = !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && rest.len() >= 2
        && rest.starts_with('"')
        && rest.ends_with('"');
    ok.then(|| name.to_ascii_lowercase())
}

fn set_once(slot: &mut Option<String>, v: String) {
    if slot.is_none() && !v.is_empty() {
        *slot = Some(v);
    }
}

fn name_field(slot: &mut Option<String>, v: &str, list: &mut List, subject: bool) {
    if slot.is_some() {
        return;
    }
    let v = v.trim();
    if v.is_empty() {
        *list = List::Name { subject };
        *slot = Some(String::new());
    } else {
        *slot = Some(v.to_string());
    }
}

fn eku_item(src: &Src<'_>, line: Line<'_>, t: &str, prop: bool, rec: &mut Rec<'_>) {
    let Some(oid) = oid_in(t) else {
        rec.warnings.push(warn(
            src,
            line,
            "enhanced key usage without an OID: not read",
        ));
        return;
    };
    let list = if prop {
        rec.eku_prop.as_mut().map(|(_, l)| l)
    } else {
        rec.eku.as_mut()
    };
    if let Some(list) = list
        && !list.contains(&oid)
    {
        list.push(oid);
    }
}

/// The OID of `Server Authentication (1.3.6.1.5.5.7.3.1)`, or of a bare OID.
fn oid_in(t: &str) -> Option<String> {
    let t = t.trim();
    let cand = match (t.rfind('('), t.ends_with(')')) {
        (Some(open), true) => t.get(open + 1..t.len() - 1)?,
        _ => t,
    };
    let ok = cand.len() >= 3
        && cand.contains('.')
        && cand.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && !cand.starts_with('.')
        && !cand.ends_with('.');
    ok.then(|| cand.to_string())
}

fn date_field(src: &Src<'_>, line: Line<'_>, v: &str, warnings: &mut Vec<Warning>) -> Option<i64> {
    match parse_time(v) {
        Ok(t) => Some(t),
        Err(why) => {
            warnings.push(warn(src, line, &format!("date not read: {why}")));
            None
        }
    }
}

fn finish(src: &Src<'_>, rec: Rec<'_>, store: &str, snap: &mut Snapshot, mode: Mode) {
    if rec.not_cert {
        return;
    }
    if let Some((line, lang)) = rec.localized {
        if !rec.implicit || mode == Mode::Verify {
            snap.warnings.push(warn(
                src,
                line,
                &format!(
                    "localized ({lang}) certutil record: not parsed; export English output \
                     (or use the PowerShell ConvertTo-Json command)"
                ),
            ));
        }
        return;
    }
    let check = ChainCheck {
        thumbprint: rec.thumb.clone().or_else(|| rec.chain_leaf.clone()),
        errors: rec.errors.clone(),
        evidence: src.at(rec.error_line.unwrap_or(rec.first)),
    };
    match mode {
        Mode::Verify => {
            // The lines before the first banner are the whole `-verify`
            // output, or only `-verifystore`'s store echo.
            let worth = !rec.implicit || check.thumbprint.is_some() || !check.errors.is_empty();
            // A `CertUtil: -verifystore command FAILED: …` trailer read on its
            // own repeats the verdict of the record just read from this file.
            let repeat = rec.implicit
                && check.thumbprint.is_none()
                && snap.chain_checks.last().is_some_and(|last| {
                    last.evidence.file == check.evidence.file
                        && check.errors.iter().all(|e| last.errors.contains(e))
                });
            if worth && !repeat {
                snap.warnings.extend(rec.warnings);
                snap.chain_checks.push(check);
            }
        }
        Mode::Store => {
            if rec.implicit {
                return;
            }
            if rec.verify_seen {
                snap.chain_checks.push(check);
            }
            push_cert(src, rec, store, snap);
        }
    }
}

fn push_cert(src: &Src<'_>, rec: Rec<'_>, store: &str, snap: &mut Snapshot) {
    let mut warnings = rec.warnings;
    let thumb_txt = rec
        .thumb
        .clone()
        .unwrap_or_else(|| "(no thumbprint)".into());
    if rec.thumb.is_none() {
        warnings.push(warn(
            src,
            rec.first,
            "certutil record without Cert Hash(sha1) (truncated?): thumbprint unknown",
        ));
    }
    let key = if rec.no_key {
        KeyState::NoKey
    } else if rec.missing {
        KeyState::MissingKeyset
    } else if let Some(line) = rec.failed {
        warnings.push(warn(
            src,
            line,
            &format!("certificate {thumb_txt}: private key present but its test FAILED"),
        ));
        KeyState::Unknown
    } else if rec.passed {
        KeyState::Usable {
            provider: rec.provider,
            exportable: rec.exportable,
        }
    } else {
        KeyState::Unknown
    };
    if let Some(line) = rec.keyspec_sig {
        warnings.push(warn(
            src,
            line,
            &format!(
                "{KEYSPEC_SIGNATURE}: {thumb_txt}: signature-only CAPI key; TLS_RSA_* key \
                 exchange cannot use it"
            ),
        ));
    }
    if let Some((line, oids)) = &rec.eku_prop {
        let server = if oids.iter().any(|o| o == OID_SERVER_AUTH) {
            "includes"
        } else {
            "lacks"
        };
        warnings.push(warn(
            src,
            *line,
            &format!(
                "{EKU_PROPERTY}: {thumb_txt}: store property restricts usage to [{}] \
                 ({server} Server Authentication)",
                oids.join(", ")
            ),
        ));
    }
    let eku = match rec.eku {
        Some(l) => Some(l),
        // `-v` lists every extension: no EKU among them is "extension absent".
        None if rec.verbose => Some(Vec::new()),
        None => None,
    };
    snap.warnings.extend(warnings);
    snap.certs.push(Cert {
        store: store.to_string(),
        thumbprint: rec.thumb,
        subject: rec.subject.filter(|s| !s.is_empty()),
        issuer: rec.issuer.filter(|s| !s.is_empty()),
        not_before: rec.not_before,
        not_after: rec.not_after,
        serial: rec.serial,
        key,
        eku,
        dns_names: rec.dns,
        source: CertSource::Certutil,
        evidence: src.at(rec.first),
    });
}

/// Lines that only a chain verification prints.
fn is_verify_marker(t: &str) -> bool {
    const MARKS: [&str; 10] = [
        "Verified Issuance Policies",
        "Verified Application Policies",
        "Certificate is valid",
        "Leaf certificate revocation check passed",
        "Cannot check leaf certificate revocation status",
        "ERROR: Verifying",
        "CertUtil: -verify",
        "A certificate chain processed",
        "A certificate chain could not be built",
        "CertContext[",
    ];
    MARKS.iter().any(|m| t.starts_with(m))
}

/// Names of chain errors that certutil may print without their code
/// (winerror.h).
const ERROR_NAMES: [(&str, u32); 21] = [
    ("CERT_E_EXPIRED", 0x800b_0101),
    ("CERT_E_VALIDITYPERIODNESTING", 0x800b_0102),
    ("CERT_E_ROLE", 0x800b_0103),
    ("CERT_E_PATHLENCONST", 0x800b_0104),
    ("CERT_E_CRITICAL", 0x800b_0105),
    ("CERT_E_PURPOSE", 0x800b_0106),
    ("CERT_E_ISSUERCHAINING", 0x800b_0107),
    ("CERT_E_MALFORMED", 0x800b_0108),
    ("CERT_E_UNTRUSTEDROOT", 0x800b_0109),
    ("CERT_E_CHAINING", 0x800b_010a),
    ("TRUST_E_FAIL", 0x800b_010b),
    ("CERT_E_REVOKED", 0x800b_010c),
    ("CERT_E_UNTRUSTEDTESTROOT", 0x800b_010d),
    ("CERT_E_REVOCATION_FAILURE", 0x800b_010e),
    ("CERT_E_CN_NO_MATCH", 0x800b_010f),
    ("CERT_E_WRONG_USAGE", 0x800b_0110),
    ("TRUST_E_EXPLICIT_DISTRUST", 0x800b_0111),
    ("CERT_E_UNTRUSTEDCA", 0x800b_0112),
    ("CRYPT_E_REVOKED", 0x8009_2010),
    ("CRYPT_E_NO_REVOCATION_CHECK", 0x8009_2012),
    ("CRYPT_E_REVOCATION_OFFLINE", 0x8009_2013),
];

/// The HRESULTs a line reports, in order: `0x800b0109 (-2146762487
/// CERT_E_UNTRUSTEDROOT)` (certutil's pattern), `CERT_E_WRONG_USAGE
/// 0x800b0110`, or a known error name alone. Flag values (`dwFlags = …
/// (0x20000000)`) and success codes are not errors.
pub fn hresults(t: &str) -> Vec<u32> {
    let mut found: Vec<(usize, u32)> = Vec::new();
    let named = t
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| {
            w.contains("_E_")
                && w.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        });
    let lower = t.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower.get(from..).and_then(|s| s.find("0x")) {
        let at = from + i;
        from = at + 2;
        let digits = &lower.as_bytes()[at + 2..];
        let n = digits.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if n != 8 {
            continue;
        }
        let Some(code) = lower
            .get(at + 2..at + 10)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
        else {
            continue;
        };
        if code < 0x8000_0000 {
            continue;
        }
        let after = t.get(at + 10..).unwrap_or("").trim_start();
        let certutil_form = after.strip_prefix('(').is_some_and(|a| {
            a.starts_with('-')
                || a.starts_with(|c: char| c.is_ascii_digit())
                || a.starts_with("WIN32:")
        });
        if certutil_form || named {
            found.push((at, code));
        }
    }
    for (name, code) in ERROR_NAMES {
        let mut from = 0;
        while let Some(i) = t.get(from..).and_then(|s| s.find(name)) {
            let at = from + i;
            from = at + name.len();
            let before_ok = t[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            let after_ok = t[at + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
            if before_ok && after_ok {
                found.push((at, code));
            }
        }
    }
    found.sort_by_key(|&(at, _)| at);
    let mut out = Vec::new();
    for (_, c) in found {
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// Which language a localized line is in, if it shows certutil labels that
/// are not English.
fn localized(t: &str) -> Option<&'static str> {
    const KNOWN: [(&str, &str); 16] = [
        ("zertifikathash", "German"),
        ("seriennummer:", "German"),
        ("aussteller:", "German"),
        ("antragsteller:", "German"),
        ("schlüsselcontainer", "German"),
        ("anbieter =", "German"),
        ("nicht-stammzertifikat", "German"),
        ("verschlüsselungstest", "German"),
        ("numéro de série", "French"),
        ("émetteur", "French"),
        ("hachage du cert", "French"),
        ("fournisseur =", "French"),
        ("número de serie", "Spanish"),
        ("emisor:", "Spanish"),
        ("hash de cert", "Spanish"),
        ("proveedor =", "Spanish"),
    ];
    let lower = t.to_lowercase();
    if let Some((_, lang)) = KNOWN.iter().find(|(k, _)| lower.starts_with(k)) {
        return Some(lang);
    }
    // A `label:` or `label =` whose label has letters English labels never use.
    let label = match (t.find(':'), t.find(" =")) {
        (Some(a), Some(b)) => &t[..a.min(b)],
        (Some(a), None) => &t[..a],
        (None, Some(b)) => &t[..b],
        (None, None) => return None,
    };
    (!label.contains('=') && label.chars().any(|c| c.is_alphabetic() && !c.is_ascii()))
        .then_some("non-English")
}

fn language_of(banner_word: &str) -> &'static str {
    match banner_word.to_lowercase().as_str() {
        "zertifikat" => "German",
        "certificat" => "French",
        "certificado" => "Spanish or Portuguese",
        _ => "non-English",
    }
}

fn warn(src: &Src<'_>, line: Line<'_>, message: &str) -> Warning {
    Warning {
        at: src.at(line),
        message: message.to_string(),
    }
}

// ---------------------------------------------------------------------------
// Dates

/// Days from 1970-01-01 to the civil date `y-m-d` (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    crate::capture::days_from_civil(y, i64::from(m), i64::from(d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Reads a date-time as Windows prints it in these outputs, as Unix seconds
/// (UTC; a time without a zone is read as UTC). Accepted: `1/15/2024 10:30
/// AM` (en-US: an AM/PM time means month first), `15/01/2024 14:30` (day
/// first when the first number exceeds 12), `15.01.2024 14:30`, ISO 8601
/// with `T` or a space, optional seconds and fraction, `Z` or `±hh:mm`.
/// Two-digit years follow X.509's window (RFC 5280 §4.1.2.5.1: 50–99 →
/// 19xx). Slash dates whose day and month are both ≤ 12 and that have no
/// AM/PM are ambiguous and refused.
pub fn parse_time(s: &str) -> Result<i64, &'static str> {
    let clean: String = s.chars().filter(|c| !invisible(*c)).collect();
    let clean = clean.trim();
    if clean.is_empty() {
        return Err("empty");
    }
    let (date, rest) = match clean.find(['T', ' ']) {
        Some(i) => (&clean[..i], clean[i + 1..].trim()),
        None => (clean, ""),
    };
    // AM/PM marker and zone.
    let mut words: Vec<&str> = rest.split_whitespace().collect();
    let mut half: Option<bool> = None; // Some(true) = PM
    if let Some(last) = words.last() {
        let l = last.to_ascii_uppercase();
        if l == "AM" || l == "A.M." {
            half = Some(false);
            words.pop();
        } else if l == "PM" || l == "P.M." {
            half = Some(true);
            words.pop();
        }
    }
    if words.len() > 1 {
        return Err("unexpected words after the time");
    }
    let mut time = words.first().copied().unwrap_or("");
    let mut offset_secs: i64 = 0;
    if let Some(t) = time.strip_suffix(['Z', 'z']) {
        time = t;
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (t, z) = time.split_at(i);
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let z = &z[1..];
        if z.is_empty() || !z.bytes().all(|b| b.is_ascii_digit() || b == b':') {
            return Err("bad zone");
        }
        let (zh, zm) = match z.split_once(':') {
            Some((h, m)) => (h, m),
            None if z.len() == 4 => z.split_at(2),
            None => (z, "0"),
        };
        let zh: i64 = zh.parse().map_err(|_| "bad zone")?;
        let zm: i64 = zm.parse().map_err(|_| "bad zone")?;
        if zh > 14 || zm > 59 {
            return Err("bad zone");
        }
        offset_secs = sign * (zh * 3600 + zm * 60);
        time = t;
    }

    let sep = date
        .chars()
        .find(|c| matches!(c, '/' | '.' | '-'))
        .ok_or("no date")?;
    let parts: Vec<&str> = date.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("not a date");
    }
    let num = |p: &str| p.parse::<u32>().map_err(|_| "not a date");
    let (a, b, c) = (num(parts[0])?, num(parts[1])?, num(parts[2])?);
    let (y, m, d, ylen) = if parts[0].len() == 4 {
        (a, b, c, 4)
    } else {
        let ylen = parts[2].len();
        match sep {
            '.' => (c, b, a, ylen),
            '/' if half.is_some() => (c, a, b, ylen),
            '/' if a > 12 && b <= 12 => (c, b, a, ylen),
            '/' if b > 12 && a <= 12 => (c, a, b, ylen),
            '/' if a == b => (c, a, b, ylen),
            '/' => return Err("ambiguous day/month order (no AM/PM to tell the locale)"),
            _ => return Err("not a date"),
        }
    };
    let y = i64::from(match ylen {
        4 => y,
        2 if y >= 50 => 1900 + y,
        2 => 2000 + y,
        _ => return Err("not a year"),
    });
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return Err("no such day");
    }

    let (mut h, mi, sec) = if time.is_empty() {
        if half.is_some() {
            return Err("AM/PM without a time");
        }
        (0, 0, 0)
    } else {
        let t = time.split(['.', ',']).next().unwrap_or("");
        let tp: Vec<&str> = t.split(':').collect();
        if !(2..=3).contains(&tp.len())
            || tp
                .iter()
                .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err("not a time");
        }
        let h: u32 = tp[0].parse().map_err(|_| "not a time")?;
        let mi: u32 = tp[1].parse().map_err(|_| "not a time")?;
        let sec: u32 = tp
            .get(2)
            .map_or(Ok(0), |s| s.parse())
            .map_err(|_| "not a time")?;
        (h, mi, sec)
    };
    match half {
        Some(pm) => {
            if h == 0 || h > 12 {
                return Err("hour out of range for AM/PM");
            }
            h = match (pm, h) {
                (false, 12) => 0,
                (true, 12) => 12,
                (true, h) => h + 12,
                (false, h) => h,
            };
        }
        None if h > 23 => return Err("hour out of range"),
        None => {}
    }
    if mi > 59 || sec > 60 {
        return Err("minute or second out of range");
    }
    Ok(days_from_civil(y, m, d) * 86_400
        + i64::from(h) * 3600
        + i64::from(mi) * 60
        + i64::from(sec)
        - offset_secs)
}

// ---------------------------------------------------------------------------
// PowerShell Format-List

/// Parses `Get-ChildItem Cert:\… | Format-List *`: one [`Cert`] per block
/// that has a thumbprint. Values wrapped onto indented lines are joined.
pub fn parse_powershell(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    // Format-List wraps at the console width: a line as long as the longest
    // one was cut inside a word; a shorter one was cut at a space.
    let width = lines
        .iter()
        .map(|l| l.text.chars().count())
        .max()
        .unwrap_or(0);
    let mut block: Vec<(String, String, Line<'_>)> = Vec::new();
    let mut last_len = 0usize;
    for &line in lines {
        let text = line.text;
        if text.trim().is_empty() {
            ps_block(src, &std::mem::take(&mut block), snap);
            continue;
        }
        if text.starts_with([' ', '\t']) {
            if let Some((_, v, _)) = block.last_mut() {
                let next = text.trim();
                let glue = if last_len >= width && !v.ends_with(',') && !next.starts_with('(') {
                    ""
                } else {
                    " "
                };
                if !v.is_empty() {
                    v.push_str(glue);
                }
                v.push_str(next);
                last_len = text.chars().count();
            }
            continue;
        }
        let Some((label, value)) = text.split_once(':') else {
            continue;
        };
        let label = label.trim();
        if label.is_empty()
            || !label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            // `Microsoft.PowerShell…` continuation at column 0 or prose.
            continue;
        }
        if label.eq_ignore_ascii_case("PSPath")
            && block
                .iter()
                .any(|(l, _, _)| l.eq_ignore_ascii_case("PSPath"))
        {
            ps_block(src, &std::mem::take(&mut block), snap);
        }
        block.push((label.to_string(), value.trim().to_string(), line));
        last_len = text.chars().count();
    }
    ps_block(src, &block, snap);
}

fn ps_block(src: &Src<'_>, block: &[(String, String, Line<'_>)], snap: &mut Snapshot) {
    let Some(first) = block.first().map(|b| b.2) else {
        return;
    };
    let get = |k: &str| {
        block
            .iter()
            .find(|(l, _, _)| l.eq_ignore_ascii_case(k))
            .map(|(_, v, line)| (v.as_str(), *line))
    };
    let path = get("PSPath").map(|(v, _)| v);
    let from_path = path
        .and_then(|p| p.rsplit(['\\', '/']).next())
        .and_then(normalize_thumbprint);
    let thumb_raw = get("Thumbprint").or_else(|| get("PSChildName"));
    let thumb = match thumb_raw {
        Some((v, line)) => match normalize_thumbprint(v) {
            Some(t) => Some(t),
            None => {
                snap.warnings
                    .push(warn(src, line, "thumbprint is not 40 hex digits: not read"));
                None
            }
        },
        None => from_path,
    };
    if thumb.is_none() && thumb_raw.is_none() {
        // A store container or another object: not a certificate.
        return;
    }
    let store = path
        .or_else(|| get("PSParentPath").map(|(v, _)| v))
        .map(ps_store)
        .unwrap_or_default();
    let mut date = |k: &str| {
        let (v, line) = get(k)?;
        date_field(src, line, v, &mut snap.warnings)
    };
    let not_before = date("NotBefore");
    let not_after = date("NotAfter");
    let key = match get("HasPrivateKey") {
        Some((v, _)) if v.eq_ignore_ascii_case("true") => KeyState::Usable {
            provider: None,
            exportable: None,
        },
        Some((v, _)) if v.eq_ignore_ascii_case("false") => KeyState::NoKey,
        Some((_, line)) => {
            snap.warnings
                .push(warn(src, line, "HasPrivateKey is neither True nor False"));
            KeyState::Unknown
        }
        None => KeyState::Unknown,
    };
    let eku = get("EnhancedKeyUsageList").and_then(|(v, line)| {
        let (items, cut) = ps_list(v);
        if cut {
            snap.warnings.push(warn(
                src,
                line,
                "EnhancedKeyUsageList cut short by $FormatEnumerationLimit: usages not read \
                 (use the ConvertTo-Json command)",
            ));
            return None;
        }
        let mut oids = Vec::new();
        for item in items {
            match oid_in(&item) {
                Some(o) => oids.push(o),
                None => {
                    snap.warnings.push(warn(
                        src,
                        line,
                        &format!("enhanced key usage `{item}` without an OID: usages not read"),
                    ));
                    return None;
                }
            }
        }
        Some(oids)
    });
    let mut dns_names = Vec::new();
    if let Some((v, line)) = get("DnsNameList") {
        let (items, cut) = ps_list(v);
        if cut {
            snap.warnings.push(warn(
                src,
                line,
                "DnsNameList cut short by $FormatEnumerationLimit: only the names shown were read",
            ));
        }
        dns_names = items.into_iter().map(|s| s.to_ascii_lowercase()).collect();
    }
    let text = |k: &str| get(k).map(|(v, _)| v.to_string()).filter(|v| !v.is_empty());
    snap.certs.push(Cert {
        store,
        thumbprint: thumb,
        subject: text("Subject"),
        issuer: text("Issuer"),
        not_before,
        not_after,
        serial: text("SerialNumber").map(|s| s.split_whitespace().collect()),
        key,
        eku,
        dns_names,
        source: CertSource::PowerShell,
        evidence: src.at(first),
    });
}

/// The store of a `Certificate::LocalMachine\My\<thumb>` path: `my`; a
/// CurrentUser store keeps its location (`currentuser\my`), since HTTP.sys
/// cannot use it.
fn ps_store(path: &str) -> String {
    let Some((_, rest)) = path.split_once("::") else {
        return String::new();
    };
    let mut parts = rest.split(['\\', '/']).filter(|p| !p.is_empty());
    let (Some(location), Some(store)) = (parts.next(), parts.next()) else {
        return String::new();
    };
    let store = store.to_ascii_lowercase();
    if location.eq_ignore_ascii_case("LocalMachine") {
        store
    } else {
        format!("{}\\{store}", location.to_ascii_lowercase())
    }
}

/// `{a, b, c}` → items, and whether PowerShell cut the list (`…`, `...`).
fn ps_list(v: &str) -> (Vec<String>, bool) {
    let v = v.trim();
    let inner = v.strip_prefix('{').unwrap_or(v);
    let inner = inner.strip_suffix('}').unwrap_or(inner).trim_end();
    // `{a, b, c, d...}`: the ellipsis follows the last item shown.
    let (inner, cut) = match inner
        .strip_suffix("...")
        .or_else(|| inner.strip_suffix('…'))
    {
        Some(rest) => (rest, true),
        None => (inner, false),
    };
    let items = inner
        .split(',')
        .map(str::trim)
        .filter(|i| !i.is_empty())
        .map(str::to_string)
        .collect();
    (items, cut)
}

// ---------------------------------------------------------------------------
// PowerShell ConvertTo-Json

/// Parses the JSON of spec §1.1's `Get-ChildItem Cert:\… | Select Thumbprint,
/// Subject, Issuer, NotBefore, NotAfter, HasPrivateKey, EKU, DNS |
/// ConvertTo-Json`: an array of objects or one object (PowerShell unwraps a
/// single result), dates as `/Date(ms)/` (PowerShell 5.1) or ISO 8601
/// (PowerShell 7), one-element lists as scalars, no EKU as `null`. Full
/// `EnhancedKeyUsageList` / `DnsNameList` objects and `PSPath` are read too.
pub fn parse_powershell_json(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    let Some(&first) = lines.first() else {
        return;
    };
    let text: String = lines.iter().map(|l| l.text).collect::<Vec<_>>().join("\n");
    let line_at = |n: usize| lines.get(n.saturating_sub(1)).copied().unwrap_or(first);
    let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
    loop {
        match stream.next() {
            None => break,
            Some(Ok(v)) => match v {
                Value::Array(items) => {
                    for item in items {
                        json_cert(src, lines, &item, snap);
                    }
                }
                other => json_cert(src, lines, &other, snap),
            },
            Some(Err(e)) => {
                snap.warnings.push(warn(
                    src,
                    line_at(e.line()),
                    &format!("certificate JSON not read past here: {e}"),
                ));
                break;
            }
        }
    }
}

fn json_cert(src: &Src<'_>, lines: &[Line<'_>], v: &Value, snap: &mut Snapshot) {
    let Value::Object(map) = v else {
        return;
    };
    let get = |k: &str| {
        map.iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v)
    };
    let s = |k: &str| {
        get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|s| !s.is_empty())
    };
    let thumb_raw = s("Thumbprint").or_else(|| s("PSChildName"));
    let Some(thumb_raw) = thumb_raw else {
        return;
    };
    // Evidence: the line that shows the thumbprint.
    let line = lines
        .iter()
        .find(|l| l.text.contains(thumb_raw.as_str()))
        .or(lines.first())
        .copied()
        .unwrap_or_default();
    let thumb = normalize_thumbprint(&thumb_raw);
    if thumb.is_none() {
        snap.warnings
            .push(warn(src, line, "thumbprint is not 40 hex digits: not read"));
    }
    let mut date = |k: &str| -> Option<i64> {
        let v = get(k)?;
        let raw = match v {
            Value::String(s) => s.as_str(),
            Value::Object(o) => o.get("value").and_then(Value::as_str)?,
            Value::Null => return None,
            _ => "",
        };
        match json_time(raw) {
            Ok(t) => Some(t),
            Err(why) => {
                snap.warnings
                    .push(warn(src, line, &format!("{k} not read: {why}")));
                None
            }
        }
    };
    let not_before = date("NotBefore");
    let not_after = date("NotAfter");
    let key = match get("HasPrivateKey") {
        Some(Value::Bool(true)) => KeyState::Usable {
            provider: None,
            exportable: None,
        },
        Some(Value::Bool(false)) => KeyState::NoKey,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => KeyState::Usable {
            provider: None,
            exportable: None,
        },
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => KeyState::NoKey,
        _ => KeyState::Unknown,
    };
    let eku = match get("EKU").or_else(|| get("EnhancedKeyUsageList")) {
        None => None,
        Some(v) => {
            let mut oids = Vec::new();
            let mut bad = false;
            for item in json_items(v) {
                let oid = match item {
                    Value::String(s) => oid_in(s),
                    Value::Object(o) => o
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("ObjectId"))
                        .and_then(|(_, v)| v.as_str())
                        .and_then(oid_in),
                    _ => None,
                };
                match oid {
                    Some(o) => oids.push(o),
                    None => bad = true,
                }
            }
            if bad {
                snap.warnings
                    .push(warn(src, line, "an EKU entry has no OID: usages not read"));
                None
            } else {
                Some(oids)
            }
        }
    };
    let dns_names = get("DNS")
        .or_else(|| get("DnsNameList"))
        .map(|v| {
            json_items(v)
                .into_iter()
                .filter_map(|item| match item {
                    Value::String(s) => Some(s.as_str()),
                    Value::Object(o) => o
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("Unicode"))
                        .and_then(|(_, v)| v.as_str()),
                    _ => None,
                })
                .map(str::to_ascii_lowercase)
                .collect()
        })
        .unwrap_or_default();
    let store = s("PSPath")
        .or_else(|| s("PSParentPath"))
        .map(|p| ps_store(&p))
        .unwrap_or_default();
    snap.certs.push(Cert {
        store,
        thumbprint: thumb,
        subject: s("Subject"),
        issuer: s("Issuer"),
        not_before,
        not_after,
        serial: s("SerialNumber"),
        key,
        eku,
        dns_names,
        source: CertSource::PowerShell,
        evidence: src.at(line),
    });
}

/// A JSON value as a list: arrays as they are, `null` as empty, a scalar or
/// object as one item.
fn json_items(v: &Value) -> Vec<&Value> {
    match v {
        Value::Array(a) => a.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// `/Date(1705314600000)/` (milliseconds since 1970, UTC; an offset suffix
/// only says which zone the machine was in) or an ISO 8601 time.
fn json_time(s: &str) -> Result<i64, &'static str> {
    if let Some(inner) = s.strip_prefix("/Date(").and_then(|r| r.strip_suffix(")/")) {
        let digits = inner
            .char_indices()
            .find(|&(i, c)| i > 0 && (c == '+' || c == '-'))
            .map_or(inner, |(i, _)| &inner[..i]);
        let ms: i64 = digits.parse().map_err(|_| "bad /Date()/")?;
        return Ok(ms.div_euclid(1000));
    }
    parse_time(s)
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::input::lines;

    const SRC: Src<'static> = Src { file: "t.txt" };

    fn store(text: &str) -> Snapshot {
        let mut s = Snapshot::default();
        parse_certutil(&SRC, &lines(text), &mut s);
        s
    }

    fn verify(text: &str) -> Snapshot {
        let mut s = Snapshot::default();
        parse_verify(&SRC, &lines(text), &mut s);
        s
    }

    fn ps(text: &str) -> Snapshot {
        let mut s = Snapshot::default();
        parse_powershell(&SRC, &lines(text), &mut s);
        s
    }

    fn json(text: &str) -> Snapshot {
        let mut s = Snapshot::default();
        parse_powershell_json(&SRC, &lines(text), &mut s);
        s
    }

    const T1: &str = "0123456789abcdef0123456789abcdef01234567";

    const USABLE: &str = "\
my \"Personal\"
================ Certificate 0 ================
Serial Number: 61 00 00 00 0a
Issuer: CN=Fabrikam Issuing CA, DC=fabrikam, DC=test
 NotBefore: 3/2/2024 9:05 AM
 NotAfter: 3/2/2026 9:05 PM
Subject: CN=web01.fabrikam.test
Non-root Certificate
Template: WebServer, Web Server
Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567
  Key Container = 1f2e3d4c5b6a79880716253443526170_9a8b7c6d-1111-2222-3333-444455556666
  Simple container name: le-WebServer-aa11bb22-cc33-dd44-ee55-ff6677889900
  Provider = Microsoft RSA SChannel Cryptographic Provider
Private key is NOT exportable
Encryption test passed

CertUtil: -store command completed successfully.
";

    #[test]
    fn certutil_usable_record_reads_every_field() {
        let s = store(USABLE);
        assert_eq!(s.certs.len(), 1, "{:?}", s.warnings);
        let c = &s.certs[0];
        assert_eq!(c.store, "my");
        assert_eq!(c.thumbprint.as_deref(), Some(T1));
        assert_eq!(c.serial.as_deref(), Some("610000000a"));
        assert_eq!(
            c.issuer.as_deref(),
            Some("CN=Fabrikam Issuing CA, DC=fabrikam, DC=test")
        );
        assert_eq!(c.subject.as_deref(), Some("CN=web01.fabrikam.test"));
        // 2024-03-02 09:05 and 2026-03-02 21:05 UTC.
        assert_eq!(c.not_before, Some(1_709_370_300));
        assert_eq!(c.not_after, Some(1_772_485_500));
        assert_eq!(
            c.key,
            KeyState::Usable {
                provider: Some("Microsoft RSA SChannel Cryptographic Provider".into()),
                exportable: Some(false)
            }
        );
        assert_eq!(c.eku, None);
        assert_eq!(c.source, CertSource::Certutil);
        assert_eq!(c.evidence.line, 2);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
        assert!(s.chain_checks.is_empty());
    }

    #[test]
    fn certutil_missing_keyset_is_missing_keyset() {
        let s = store(
            "================ Certificate 3 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n  \
             Key Container = abc\n  Provider = Microsoft Software Key Storage Provider\n\
             Missing stored keyset\n",
        );
        assert_eq!(s.certs[0].key, KeyState::MissingKeyset);
    }

    #[test]
    fn certutil_no_key_provider_is_no_key() {
        let s = store(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\
             No key provider information\n\
             Cannot find the certificate and private key for decryption.\n",
        );
        assert_eq!(s.certs[0].key, KeyState::NoKey);
    }

    #[test]
    fn certutil_decryption_message_alone_is_no_key() {
        let s = store(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\
             Cannot find the certificate and private key for decryption.\n",
        );
        assert_eq!(s.certs[0].key, KeyState::NoKey);
    }

    #[test]
    fn certutil_spaced_hash_of_2012r2_is_normalized() {
        let s = store(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 01 23 45 67 89 ab cd ef 01 23 45 67 89 AB CD EF 01 23 45 67\n",
        );
        assert_eq!(s.certs[0].thumbprint.as_deref(), Some(T1));
    }

    #[test]
    fn certutil_hash_with_invisible_mark_is_normalized() {
        let s = store(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): \u{200e}0123456789ABCDEF0123456789abcdef01234567\n",
        );
        assert_eq!(s.certs[0].thumbprint.as_deref(), Some(T1));
    }

    #[test]
    fn certutil_short_hash_warns_and_has_no_thumbprint() {
        let s =
            store("================ Certificate 0 ================\nCert Hash(sha1): 0123abcd\n");
        assert_eq!(s.certs[0].thumbprint, None);
        assert!(s.warnings.iter().any(|w| w.message.contains("40 hex")));
    }

    #[test]
    fn certutil_unique_container_with_signature_test_is_usable() {
        let s = store(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n  \
             Unique container name: 5f4e3d2c1b0a_aabbccdd\n  \
             Provider = Microsoft Software Key Storage Provider\n\
             Signature test passed\n",
        );
        assert_eq!(
            s.certs[0].key,
            KeyState::Usable {
                provider: Some("Microsoft Software Key Storage Provider".into()),
                exportable: None
            }
        );
    }

    #[test]
    fn certutil_failed_test_is_unknown_with_warning() {
        let s = store(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n  \
             Provider = Microsoft Enhanced Cryptographic Provider v1.0\n\
             Encryption test FAILED\n",
        );
        assert_eq!(s.certs[0].key, KeyState::Unknown);
        assert!(s.warnings.iter().any(|w| w.message.contains("FAILED")));
    }

    #[test]
    fn certutil_truncated_record_without_hash_warns_but_keeps_fields() {
        let s = store(
            "================ Certificate 0 ================\nSubject: CN=cut.example\nIssuer: CN=C",
        );
        assert_eq!(s.certs.len(), 1);
        assert_eq!(s.certs[0].thumbprint, None);
        assert_eq!(s.certs[0].subject.as_deref(), Some("CN=cut.example"));
        assert!(s.warnings.iter().any(|w| w.message.contains("truncated")));
    }

    #[test]
    fn certutil_two_records_both_read_in_order() {
        let text = "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\
             Encryption test passed\n\n\
             ================ Certificate 1 ================\n\
             Cert Hash(sha1): 89abcdef0123456789abcdef0123456789abcdef\n\
             No key provider information\n";
        let s = store(text);
        assert_eq!(s.certs.len(), 2);
        assert_eq!(
            s.certs[1].thumbprint.as_deref(),
            Some("89abcdef0123456789abcdef0123456789abcdef")
        );
        assert_eq!(s.certs[1].key, KeyState::NoKey);
        assert_eq!(s.certs[1].evidence.line, 5);
        assert!(matches!(s.certs[0].key, KeyState::Usable { .. }));
    }

    #[test]
    fn certutil_store_echo_other_store_is_lower_case() {
        let s = store(
            "WebHosting \"Web Hosting\"\n================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n",
        );
        assert_eq!(s.certs[0].store, "webhosting");
    }

    #[test]
    fn certutil_without_store_echo_has_empty_store() {
        let s = store(
            "================ Certificate 0 ================\nCert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n",
        );
        assert_eq!(s.certs[0].store, "");
    }

    const VERBOSE: &str = "\
================ Certificate 0 ================
X509 Certificate:
Version: 3
Serial Number: 3300000abc
Issuer:
    CN=Fabrikam Root
    DC=fabrikam
  Name Hash(sha1): 1111111111111111111111111111111111111111

 NotBefore: 2024-03-02 09:05
 NotAfter: 2026-03-02 09:05

Subject:
    CN=shop.fabrikam.test
  Name Hash(sha1): 2222222222222222222222222222222222222222

Certificate Extensions: 4
    2.5.29.37: Flags = 0, Length = 16
    Enhanced Key Usage
        Server Authentication (1.3.6.1.5.5.7.3.1)
        Client Authentication (1.3.6.1.5.5.7.3.2)

    2.5.29.17: Flags = 0, Length = 30
    Subject Alternative Name
        DNS Name=Shop.Fabrikam.test
        DNS Name=fabrikam.test
        IP Address=10.0.0.7

Non-root Certificate
Cert Hash(md5): 33333333333333333333333333333333
Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567

  CERT_KEY_PROV_INFO_PROP_ID(2):
    Key Container = 0a1b2c_3d4e
    Provider = Microsoft Strong Cryptographic Provider
    ProviderType = 1
    Flags = 20 (32)
      CRYPT_MACHINE_KEYSET -- 20 (32)
    KeySpec = 2 -- AT_SIGNATURE

Signature test passed
CertUtil: -store command completed successfully.
";

    #[test]
    fn certutil_verbose_reads_eku_san_and_multiline_names() {
        let s = store(VERBOSE);
        let c = &s.certs[0];
        assert_eq!(
            c.eku,
            Some(vec!["1.3.6.1.5.5.7.3.1".into(), "1.3.6.1.5.5.7.3.2".into()])
        );
        assert_eq!(c.dns_names, vec!["shop.fabrikam.test", "fabrikam.test"]);
        assert_eq!(c.issuer.as_deref(), Some("CN=Fabrikam Root, DC=fabrikam"));
        assert_eq!(c.subject.as_deref(), Some("CN=shop.fabrikam.test"));
        assert_eq!(c.thumbprint.as_deref(), Some(T1));
        assert_eq!(c.not_before, Some(1_709_370_300));
    }

    #[test]
    fn certutil_keyspec_signature_becomes_prefixed_warning() {
        let s = store(VERBOSE);
        let w: Vec<_> = s
            .warnings
            .iter()
            .filter(|w| w.message.starts_with(KEYSPEC_SIGNATURE))
            .collect();
        assert_eq!(w.len(), 1, "{:?}", s.warnings);
        assert!(w[0].message.contains(T1));
        assert_eq!(w[0].at.text, "KeySpec = 2 -- AT_SIGNATURE");
    }

    #[test]
    fn certutil_verbose_without_eku_extension_is_some_empty() {
        let s = store(
            "================ Certificate 0 ================\nCertificate Extensions: 1\n    \
             2.5.29.15: Flags = 1(Critical), Length = 4\n    Key Usage\n        \
             Digital Signature (80)\n\nCert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n",
        );
        assert_eq!(s.certs[0].eku, Some(vec![]));
    }

    #[test]
    fn certutil_eku_property_is_a_warning_not_the_extension() {
        let s = store(
            "================ Certificate 0 ================\nCertificate Extensions: 1\n    \
             Enhanced Key Usage\n        Server Authentication (1.3.6.1.5.5.7.3.1)\n\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\n  \
             CERT_ENHKEY_USAGE_PROP_ID(9):\n    Enhanced Key Usage\n        \
             Client Authentication (1.3.6.1.5.5.7.3.2)\n\n",
        );
        assert_eq!(s.certs[0].eku, Some(vec!["1.3.6.1.5.5.7.3.1".into()]));
        let w = s
            .warnings
            .iter()
            .find(|w| w.message.starts_with(EKU_PROPERTY))
            .expect("warned");
        assert!(w.message.contains("1.3.6.1.5.5.7.3.2") && w.message.contains("lacks"));
    }

    #[test]
    fn certutil_german_record_warns_and_is_skipped() {
        let s = store(
            "================ Certificate 0 ================\n\
             Seriennummer: 1a2b\nAussteller: CN=Fabrikam CA\n\
             Zertifikathash(sha1): 0123456789abcdef0123456789abcdef01234567\n  \
             Schlüsselcontainer = abc\n  Anbieter = Microsoft Software Key Storage Provider\n",
        );
        assert!(s.certs.is_empty());
        assert_eq!(s.warnings.len(), 1);
        assert!(
            s.warnings[0].message.contains("German"),
            "{}",
            s.warnings[0].message
        );
        assert_eq!(s.warnings[0].at.line, 2);
    }

    #[test]
    fn certutil_german_banner_warns_and_is_skipped() {
        let s = store(
            "================ Zertifikat 0 ================\n\
             Zertifikathash(sha1): 0123456789abcdef0123456789abcdef01234567\n",
        );
        assert!(s.certs.is_empty());
        assert!(s.warnings[0].message.contains("German"));
    }

    #[test]
    fn certutil_crl_record_of_ca_store_is_skipped_silently() {
        let s = store(
            "CA \"Intermediate Certification Authorities\"\n\
             ================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\
             ================ CRL 0 ================\n\
             Issuer: CN=Fabrikam Root\n ThisUpdate: 3/2/2024 9:05 AM\nCRL Hash(sha1): 89abcdef0123456789abcdef0123456789abcdef\n",
        );
        assert_eq!(s.certs.len(), 1);
        assert_eq!(s.certs[0].store, "ca");
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn certutil_english_record_after_german_one_is_read() {
        let s = store(
            "================ Certificate 0 ================\nAntragsteller: CN=x\n\
             ================ Certificate 1 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n",
        );
        assert_eq!(s.certs.len(), 1);
        assert_eq!(s.warnings.len(), 1);
    }

    #[test]
    fn certutil_non_ascii_subject_value_is_not_localized() {
        let s = store(
            "================ Certificate 0 ================\nSubject: CN=Müller GmbH, O=Größe\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n",
        );
        assert_eq!(s.certs.len(), 1);
        assert_eq!(
            s.certs[0].subject.as_deref(),
            Some("CN=Müller GmbH, O=Größe")
        );
    }

    #[test]
    fn certutil_store_failure_trailer_warns() {
        let s = store(
            "================ Certificate 0 ================\nCert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\
             CertUtil: -store command FAILED: 0x80070002 (WIN32: 2 ERROR_FILE_NOT_FOUND)\n",
        );
        assert!(
            s.warnings
                .iter()
                .any(|w| w.message.contains("ERROR_FILE_NOT_FOUND"))
        );
    }

    #[test]
    fn certutil_bad_date_warns_and_keeps_record() {
        let s = store(
            "================ Certificate 0 ================\n NotBefore: 3/4/2024 14:00\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n",
        );
        assert_eq!(s.certs[0].not_before, None);
        assert!(s.warnings.iter().any(|w| w.message.contains("ambiguous")));
    }

    #[test]
    fn certutil_verifystore_record_also_yields_chain_check() {
        let s = store(
            "my \"Personal\"\n================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\nEncryption test passed\n\
             A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider. 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)\n\
             CertUtil: -verifystore command FAILED: 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)\n",
        );
        assert_eq!(s.certs.len(), 1);
        assert_eq!(s.chain_checks.len(), 1);
        assert_eq!(s.chain_checks[0].errors, vec![0x800b_0109]);
        assert_eq!(s.chain_checks[0].evidence.line, 5);
    }

    #[test]
    fn verify_untrusted_root_reads_code_and_thumbprint() {
        let s = verify(
            "my \"Personal\"\n================ Certificate 0 ================\nSerial Number: 1a\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n  Provider = Microsoft Software Key Storage Provider\n\
             Encryption test passed\n\
             A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider. 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)\n\
             ------------------------------------\nCertUtil: -verifystore command FAILED: 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)\n\
             CertUtil: A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider.\n",
        );
        assert_eq!(s.chain_checks.len(), 1);
        let c = &s.chain_checks[0];
        assert_eq!(c.thumbprint.as_deref(), Some(T1));
        assert_eq!(c.errors, vec![0x800b_0109]);
        assert!(s.certs.is_empty());
    }

    #[test]
    fn verify_success_has_no_errors() {
        let s = verify(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\
             Verified Issuance Policies: None\nVerified Application Policies:\n    \
             1.3.6.1.5.5.7.3.1 Server Authentication\nLeaf certificate revocation check passed\n\
             Certificate is valid\nCertUtil: -verifystore command completed successfully.\n",
        );
        assert_eq!(s.chain_checks.len(), 1);
        assert!(s.chain_checks[0].errors.is_empty());
    }

    #[test]
    fn verify_revocation_offline_and_wrong_usage_in_order() {
        let s = verify(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\
             CERT_E_WRONG_USAGE 0x800b0110\n\
             ERROR: Verifying leaf certificate revocation status returned The revocation function was unable to check revocation because the revocation server was offline. 0x80092013 (-2146885613 CRYPT_E_REVOCATION_OFFLINE)\n\
             CRYPT_E_NO_REVOCATION_CHECK\n",
        );
        assert_eq!(
            s.chain_checks[0].errors,
            vec![0x800b_0110, 0x8009_2013, 0x8009_2012]
        );
    }

    #[test]
    fn verify_chaining_name_alone_is_read() {
        let s = verify(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\nChain error: CERT_E_CHAINING\n",
        );
        assert_eq!(s.chain_checks[0].errors, vec![0x800b_010a]);
    }

    #[test]
    fn verify_file_form_takes_leaf_cert_hash_and_ignores_flags() {
        let s = verify(
            "Issuer:\n    CN=Fabrikam Root\nSubject:\n    CN=shop.fabrikam.test\nCert Serial Number: 1a\n\n\
             dwFlags = CA_VERIFY_FLAGS_CONSOLE_TRACE (0x20000000)\n\
             ChainFlags = CERT_CHAIN_REVOCATION_CHECK_CHAIN_EXCLUDE_ROOT (0x40000000)\n\
             ChainContext.dwErrorStatus = CERT_TRUST_IS_UNTRUSTED_ROOT (0x20)\n\n\
             CertContext[0][0]: dwInfoStatus=102 dwErrorStatus=0\n  Issuer: CN=Fabrikam Root\n  \
             NotBefore: 5/17/16 5:00 PM\n  Cert: 0123456789abcdef0123456789abcdef01234567\n\n\
             CertContext[0][1]: dwInfoStatus=10c dwErrorStatus=20\n  \
             Cert: 89abcdef0123456789abcdef0123456789abcdef\n\n\
             A certificate chain processed, but terminated in a root certificate which is not trusted by the trust provider. 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)\n\
             CertUtil: -verify command completed successfully.\n",
        );
        assert_eq!(s.chain_checks.len(), 1);
        assert_eq!(s.chain_checks[0].thumbprint.as_deref(), Some(T1));
        assert_eq!(s.chain_checks[0].errors, vec![0x800b_0109]);
    }

    #[test]
    fn verify_trailer_alone_adds_nothing() {
        let s = verify("CertUtil: -verifystore command completed successfully.\n");
        assert!(s.chain_checks.is_empty());
    }

    #[test]
    fn verify_trailer_repeating_last_verdict_adds_nothing() {
        let mut s = store(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\n\
             Certificate has expired 0x800b0101 (-2146762495 CERT_E_EXPIRED)\n",
        );
        let trailer =
            "CertUtil: -verifystore command FAILED: 0x800b0101 (-2146762495 CERT_E_EXPIRED)";
        parse_verify(&SRC, &lines(trailer), &mut s);
        assert_eq!(s.chain_checks.len(), 1);
        parse_verify(
            &SRC,
            &lines(
                "CertUtil: -verify command FAILED: 0x800b0109 (-2146762487 CERT_E_UNTRUSTEDROOT)",
            ),
            &mut s,
        );
        assert_eq!(s.chain_checks.len(), 2);
        assert_eq!(s.chain_checks[1].thumbprint, None);
    }

    #[test]
    fn verify_two_records_give_two_checks() {
        let s = verify(
            "================ Certificate 0 ================\n\
             Cert Hash(sha1): 0123456789abcdef0123456789abcdef01234567\nCertificate is valid\n\
             ================ Certificate 1 ================\n\
             Cert Hash(sha1): 89abcdef0123456789abcdef0123456789abcdef\n\
             Certificate has expired 0x800b0101 (-2146762495 CERT_E_EXPIRED)\n",
        );
        assert_eq!(s.chain_checks.len(), 2);
        assert!(s.chain_checks[0].errors.is_empty());
        assert_eq!(s.chain_checks[1].errors, vec![0x800b_0101]);
    }

    #[test]
    fn hresults_success_and_short_hex_are_ignored() {
        assert!(hresults("Flags = 0x00000001 (1)").is_empty());
        assert!(hresults("value 0x800b01091 (-1 X)").is_empty());
        assert!(hresults("0x800b0109 alone without context").is_empty());
    }

    #[test]
    fn parse_time_us_twelve_hour_clock() {
        assert_eq!(parse_time("1/15/2024 10:30 AM"), Ok(1_705_314_600));
        assert_eq!(parse_time("1/15/2024 12:05 AM"), Ok(1_705_277_100));
        assert_eq!(parse_time("1/15/2024 12:05 PM"), Ok(1_705_320_300));
        assert_eq!(parse_time("1/15/2024 10:30:15 PM"), Ok(1_705_357_815));
    }

    #[test]
    fn parse_time_twenty_four_hour_and_day_first() {
        assert_eq!(parse_time("1/15/2024 22:30"), Ok(1_705_357_800));
        assert_eq!(parse_time("15/01/2024 22:30:00"), Ok(1_705_357_800));
        assert_eq!(parse_time("15.01.2024 22:30"), Ok(1_705_357_800));
        assert_eq!(parse_time("2024-01-15 22:30"), Ok(1_705_357_800));
    }

    #[test]
    fn parse_time_iso_with_zone_is_made_utc() {
        assert_eq!(
            parse_time("2024-01-15T10:30:00.1234567Z"),
            Ok(1_705_314_600)
        );
        assert_eq!(parse_time("2024-01-15T11:30:00+01:00"), Ok(1_705_314_600));
        assert_eq!(parse_time("2024-01-15T05:30:00-05:00"), Ok(1_705_314_600));
    }

    #[test]
    fn parse_time_leap_day_and_two_digit_year() {
        assert_eq!(parse_time("2/29/2024 12:00 AM"), Ok(1_709_164_800));
        assert_eq!(parse_time("5/17/16 5:00 PM"), Ok(1_463_504_400));
        assert!(parse_time("2/29/2023 12:00 AM").is_err());
    }

    #[test]
    fn parse_time_rejects_garbage_without_panicking() {
        for s in [
            "",
            "soon",
            "13/13/2024",
            "1/2/2024 25:00",
            "1/15/2024 13:00 PM",
            "ü/ä/ö",
            "3/4/2024 10:00",
            "2024-01-15T10:30+99:00",
        ] {
            assert!(parse_time(s).is_err(), "{s}");
        }
    }

    #[test]
    fn days_from_civil_known_dates() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(1969, 12, 31), -1);
        assert_eq!(days_from_civil(2100, 3, 1), 47_541);
    }

    const PS: &str = "\
PSPath                   : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\0123456789ABCDEF01
                           23456789ABCDEF01234567
PSParentPath             : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My
PSChildName              : 0123456789ABCDEF0123456789ABCDEF01234567
EnhancedKeyUsageList     : {Server Authentication (1.3.6.1.5.5.7.3.1), Client Authentication
                           (1.3.6.1.5.5.7.3.2)}
DnsNameList              : {Shop.Fabrikam.test, fabrikam.test}
Archived                 : False
FriendlyName             :
NotAfter                 : 3/2/2026 9:05:00 PM
NotBefore                : 3/2/2024 9:05:00 AM
HasPrivateKey            : True
SerialNumber             : 3300000ABC
Thumbprint               : 0123456789ABCDEF0123456789ABCDEF01234567
Issuer                   : CN=Fabrikam Issuing CA, DC=fabrikam,
                           DC=test
Subject                  : CN=shop.fabrikam.test

PSPath                   : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\89ABCDEF0123456789ABCDEF0123456789ABCDEF
EnhancedKeyUsageList     : {}
DnsNameList              : {}
HasPrivateKey            : False
Thumbprint               : 89ABCDEF0123456789ABCDEF0123456789ABCDEF
Subject                  : CN=old
";

    #[test]
    fn powershell_list_reads_wrapped_values() {
        let s = ps(PS);
        assert_eq!(s.certs.len(), 2, "{:?}", s.warnings);
        let c = &s.certs[0];
        assert_eq!(c.store, "my");
        assert_eq!(c.thumbprint.as_deref(), Some(T1));
        assert_eq!(
            c.eku,
            Some(vec!["1.3.6.1.5.5.7.3.1".into(), "1.3.6.1.5.5.7.3.2".into()])
        );
        assert_eq!(c.dns_names, vec!["shop.fabrikam.test", "fabrikam.test"]);
        assert_eq!(
            c.issuer.as_deref(),
            Some("CN=Fabrikam Issuing CA, DC=fabrikam, DC=test")
        );
        assert_eq!(c.not_before, Some(1_709_370_300));
        assert_eq!(c.not_after, Some(1_772_485_500));
        assert_eq!(c.serial.as_deref(), Some("3300000ABC"));
        assert!(matches!(c.key, KeyState::Usable { .. }));
        assert_eq!(c.source, CertSource::PowerShell);
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn powershell_empty_eku_and_no_key() {
        let s = ps(PS);
        let c = &s.certs[1];
        assert_eq!(c.eku, Some(vec![]));
        assert!(c.dns_names.is_empty());
        assert_eq!(c.key, KeyState::NoKey);
    }

    #[test]
    fn powershell_cut_eku_list_is_none_with_warning() {
        let s = ps(
            "PSPath        : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\0123456789ABCDEF0123456789ABCDEF01234567\n\
             EnhancedKeyUsageList : {Client Authentication (1.3.6.1.5.5.7.3.2), Smart Card Logon (1.3.6.1.4.1.311.20.2.2), Secure Email (1.3.6.1.5.5.7.3.4), Code Signing (1.3.6.1.5.5.7.3.3)...}\n\
             Thumbprint    : 0123456789ABCDEF0123456789ABCDEF01234567\n",
        );
        assert_eq!(s.certs[0].eku, None);
        assert!(
            s.warnings
                .iter()
                .any(|w| w.message.contains("FormatEnumerationLimit"))
        );
    }

    #[test]
    fn powershell_cut_dns_list_keeps_names_shown_with_warning() {
        let s = ps(
            "PSPath      : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\0123456789ABCDEF0123456789ABCDEF01234567\n\
             DnsNameList : {a.test, b.test, c.test, d.test...}\n",
        );
        assert_eq!(
            s.certs[0].dns_names,
            vec!["a.test", "b.test", "c.test", "d.test"]
        );
        assert_eq!(s.certs[0].thumbprint.as_deref(), Some(T1));
        assert!(s.warnings.iter().any(|w| w.message.contains("DnsNameList")));
    }

    #[test]
    fn powershell_current_user_store_keeps_location() {
        let s = ps(
            "PSPath     : Microsoft.PowerShell.Security\\Certificate::CurrentUser\\My\\0123456789ABCDEF0123456789ABCDEF01234567\n\
             Thumbprint : 0123456789ABCDEF0123456789ABCDEF01234567\n",
        );
        assert_eq!(s.certs[0].store, "currentuser\\my");
    }

    #[test]
    fn powershell_store_container_block_is_skipped() {
        let s = ps(
            "PSPath     : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\nName       : My\n",
        );
        assert!(s.certs.is_empty());
        assert!(s.warnings.is_empty());
    }

    #[test]
    fn powershell_blocks_without_blank_line_split_on_pspath() {
        let s = ps(
            "PSPath     : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\0123456789ABCDEF0123456789ABCDEF01234567\n\
             Thumbprint : 0123456789ABCDEF0123456789ABCDEF01234567\n\
             PSPath     : Microsoft.PowerShell.Security\\Certificate::LocalMachine\\My\\89ABCDEF0123456789ABCDEF0123456789ABCDEF\n\
             Thumbprint : 89ABCDEF0123456789ABCDEF0123456789ABCDEF\n",
        );
        assert_eq!(s.certs.len(), 2);
    }

    #[test]
    fn json_array_ps51_dates_and_scalar_eku() {
        let s = json(
            "[\n  {\n    \"Thumbprint\":  \"0123456789ABCDEF0123456789ABCDEF01234567\",\n    \
             \"Subject\":  \"CN=shop.fabrikam.test\",\n    \"Issuer\":  \"CN=Fabrikam CA\",\n    \
             \"NotBefore\":  \"\\/Date(1709370300000)\\/\",\n    \"NotAfter\":  \"\\/Date(1772485500000)\\/\",\n    \
             \"HasPrivateKey\":  true,\n    \"EKU\":  \"1.3.6.1.5.5.7.3.1\",\n    \
             \"DNS\":  [\"Shop.Fabrikam.test\", \"fabrikam.test\"]\n  },\n  {\n    \
             \"Thumbprint\":  \"89ABCDEF0123456789ABCDEF0123456789ABCDEF\",\n    \"HasPrivateKey\":  false,\n    \
             \"EKU\":  null,\n    \"DNS\":  \"old.fabrikam.test\"\n  }\n]\n",
        );
        assert_eq!(s.certs.len(), 2, "{:?}", s.warnings);
        let c = &s.certs[0];
        assert_eq!(c.thumbprint.as_deref(), Some(T1));
        assert_eq!(c.not_before, Some(1_709_370_300));
        assert_eq!(c.not_after, Some(1_772_485_500));
        assert_eq!(c.eku, Some(vec![OID_SERVER_AUTH.to_string()]));
        assert_eq!(c.dns_names, vec!["shop.fabrikam.test", "fabrikam.test"]);
        assert_eq!(c.evidence.line, 3);
        assert_eq!(s.certs[1].eku, Some(vec![]));
        assert_eq!(s.certs[1].key, KeyState::NoKey);
        assert_eq!(s.certs[1].dns_names, vec!["old.fabrikam.test"]);
    }

    #[test]
    fn json_single_object_ps7_iso_dates() {
        let s = json(
            "{\"Thumbprint\": \"0123456789ABCDEF0123456789ABCDEF01234567\", \
             \"NotBefore\": \"2024-03-02T10:05:00+01:00\", \"EKU\": [\"1.3.6.1.5.5.7.3.2\"]}",
        );
        assert_eq!(s.certs[0].not_before, Some(1_709_370_300));
        assert_eq!(s.certs[0].eku, Some(vec!["1.3.6.1.5.5.7.3.2".into()]));
        assert_eq!(s.certs[0].key, KeyState::Unknown);
    }

    #[test]
    fn json_broken_text_warns_keeps_earlier_objects() {
        let s = json(
            "{\"Thumbprint\": \"0123456789ABCDEF0123456789ABCDEF01234567\"}\n{\"Thumbprint\": \"89AB",
        );
        assert_eq!(s.certs.len(), 1);
        assert_eq!(s.warnings.len(), 1);
        assert_eq!(s.warnings[0].at.line, 2);
    }
}
