//! Host rules (spec §6): facts of a [`Snapshot`] → [`Finding`]s.
//!
//! Input: a snapshot. Output: findings with a stable code, severity, one
//! sentence naming the fact, the file lines that show it ([`Evidence`]), and
//! the exact command that fixes it. One small function per rule, listed in
//! [`RULES`] with the spec's rule ids; every rule that matches reports (a
//! host can be wrong in several ways at once).
//! Invariants: a rule only speaks from facts that were supplied — no netstat
//! output, no port verdict; no certificate store, no key verdict.
//! Not done here: capture correlation (see `join`).

use std::net::IpAddr;

use super::schannel::{self, ProtoState, Protocol, Role};
use super::{Binding, BindingKey, Cert, Event, Evidence, KeyState, Snapshot, ciphers};
use crate::diagnose::{Code, Confidence, Finding, Severity};

/// One rule: spec ids it implements, and its check.
pub struct Rule {
    /// Spec rule ids (`CERT-001` …).
    pub ids: &'static str,
    /// The check.
    pub check: fn(&Snapshot, &mut Vec<Finding>),
}

/// Every host rule, in report order.
pub static RULES: &[Rule] = &[
    Rule {
        ids: "HTTPSYS-001 HTTPSYS-002",
        check: binding_hash_and_app_id,
    },
    Rule {
        ids: "CERT-007 HTTPSYS-011",
        check: binding_certificate_missing,
    },
    Rule {
        ids: "CERT-001 EVT-36869",
        check: no_private_key,
    },
    Rule {
        ids: "CERT-002 CERT-003 EVT-36870",
        check: private_key_access,
    },
    Rule {
        ids: "CERT-004",
        check: server_auth_eku,
    },
    Rule {
        ids: "CERT-005",
        check: untrusted_chain,
    },
    Rule {
        ids: "CERT-006",
        check: validity,
    },
    Rule {
        ids: "CERT-008",
        check: sni_name,
    },
    Rule {
        ids: "PORT-001",
        check: port_conflict,
    },
    Rule {
        ids: "PORT-002",
        check: port_not_listening,
    },
    Rule {
        ids: "HTTPSYS-003",
        check: iplisten,
    },
    Rule {
        ids: "HTTPSYS-004",
        check: sni_only,
    },
    Rule {
        ids: "HTTPSYS-005",
        check: ip_vs_wildcard,
    },
    Rule {
        ids: "HTTPSYS-006 HTTPSYS-007",
        check: binding_flags,
    },
    Rule {
        ids: "HTTPSYS-008 EVT-36877",
        check: tls13_client_certificate,
    },
    Rule {
        ids: "HTTPSYS-009 HTTPSYS-010 EVT-15005",
        check: httpsys_events,
    },
    Rule {
        ids: "PROTO-001 PROTO-002 PROTO-004 PROTO-010",
        check: server_protocols,
    },
    Rule {
        ids: "PROTO-005 PROTO-006 PROTO-007 PROTO-008 PROTO-009 PROTO-011",
        check: registry_hygiene,
    },
    Rule {
        ids: "CIPHER-001 CIPHER-003 CIPHER-004 CIPHER-006",
        check: cipher_suites,
    },
    Rule {
        ids: "NET-001 NET-002 NET-003 NET-004",
        check: client_side,
    },
    Rule {
        ids: "EVT-36874 EVT-36887 EVT-36888 EVT-36871",
        check: schannel_events,
    },
];

/// Runs every rule.
pub fn evaluate(snap: &Snapshot) -> Vec<Finding> {
    let mut out = Vec::new();
    for rule in RULES {
        (rule.check)(snap, &mut out);
    }
    // Errors first; within a severity, rule order.
    out.sort_by_key(|f| f.severity);
    out
}

/// "once", "3 times".
fn times(n: usize) -> String {
    if n == 1 {
        "once".into()
    } else {
        format!("{n} times")
    }
}

/// At most this many evidence lines per finding (the count says the rest).
const MAX_EVIDENCE: usize = 8;

fn finding(code: Code, severity: Severity, message: String, evidence: Vec<Evidence>) -> Finding {
    let mut evidence = evidence;
    evidence.sort();
    evidence.dedup();
    evidence.truncate(MAX_EVIDENCE);
    Finding::new(code, severity, message, Vec::new()).evidence(evidence)
}

/// The thumbprint as netsh and certutil want it.
fn thumb(b: &Binding) -> &str {
    b.cert_hash.as_deref().unwrap_or("<thumbprint>")
}

/// The store a binding's certificate lives in (`(null)` means MY).
fn binding_store(b: &Binding) -> String {
    b.store
        .as_deref()
        .map_or_else(|| "my".to_string(), str::to_ascii_lowercase)
}

/// Certificates a binding uses (matching thumbprint, any store).
fn bound_certs<'a>(snap: &'a Snapshot, b: &'a Binding) -> impl Iterator<Item = &'a Cert> + 'a {
    b.cert_hash
        .as_deref()
        .into_iter()
        .flat_map(move |h| snap.certs_by_thumbprint(h))
}

/// Certificates the rules judge: those bound when bindings are known, else
/// every certificate of the personal stores (with lower confidence).
fn judged_certs(snap: &Snapshot) -> Vec<(&Cert, Option<&Binding>)> {
    if snap.bindings.is_empty() {
        snap.certs
            .iter()
            .filter(|c| c.store == "my" || c.store == "webhosting")
            .map(|c| (c, None))
            .collect()
    } else {
        let mut v: Vec<(&Cert, Option<&Binding>)> = Vec::new();
        for b in &snap.bindings {
            for c in bound_certs(snap, b) {
                if !v.iter().any(|(x, _)| std::ptr::eq(*x, c)) {
                    v.push((c, Some(b)));
                }
            }
        }
        v
    }
}

fn cert_name(c: &Cert) -> String {
    let who = c
        .subject
        .as_deref()
        .or(c.dns_names.first().map(String::as_str))
        .unwrap_or("certificate");
    match &c.thumbprint {
        Some(t) => format!("{who} ({t})"),
        None => who.to_string(),
    }
}

fn bound_by(b: Option<&Binding>) -> String {
    b.map(|b| format!(", bound to {}", key_text(&b.key)))
        .unwrap_or_default()
}

fn key_text(k: &BindingKey) -> String {
    match k {
        BindingKey::Ip { addr } => addr.to_string(),
        BindingKey::Hostname { host, port } => format!("{host}:{port}"),
        BindingKey::Ccs { port } => format!("Central Certificate Store :{port}"),
    }
}

fn is_zero_guid(g: &str) -> bool {
    let hex: String = g.chars().filter(char::is_ascii_hexdigit).collect();
    hex.len() == 32 && hex.bytes().all(|b| b == b'0')
}

// ---- HTTP.sys bindings (Scenario 4) ----

fn binding_hash_and_app_id(snap: &Snapshot, out: &mut Vec<Finding>) {
    for b in &snap.bindings {
        let empty = b.cert_hash.is_none() && !matches!(b.key, BindingKey::Ccs { .. });
        let zero = b.app_id.as_deref().is_some_and(is_zero_guid);
        let sel = b.key.netsh_selector();
        let readd = format!(
            "Recreate it: in IIS Manager edit the site's https binding and pick the certificate again, or \
             `netsh http add sslcert {sel} certhash={} appid={{4dc3e181-e14b-4a21-b022-59fc669b0914}} \
             certstorename=MY`; then `net stop http /y` and `net start w3svc`",
            thumb(b)
        );
        if empty {
            let raw = b.field("Certificate Hash").unwrap_or("").trim();
            let shown = if raw.is_empty() {
                "empty".to_string()
            } else {
                format!("`{raw}`")
            };
            out.push(
                finding(
                    Code::BindingEmptyHash,
                    Severity::Error,
                    format!(
                        "HTTP.sys binding {} has no usable certificate hash ({shown}{}): HTTP.sys resets \
                         every TLS connection to it right after the ClientHello",
                        key_text(&b.key),
                        if zero { ", and the all-zero application ID" } else { "" }
                    ),
                    vec![b.evidence.clone()],
                )
                .headline("SSL binding without certificate")
                .remedies(vec![format!("Delete the broken binding: `netsh http delete sslcert {sel}`"), readd.clone()]),
            );
        } else if zero {
            out.push(
                finding(
                    Code::BindingZeroAppId,
                    Severity::Warning,
                    format!(
                        "HTTP.sys binding {} has the all-zero application ID {{00000000-0000-0000-0000-000000000000}}: \
                         a stale or orphaned binding",
                        key_text(&b.key)
                    ),
                    vec![b.evidence.clone()],
                )
                .headline("SSL binding with all-zero application ID")
                .remedies(vec![format!("`netsh http delete sslcert {sel}`"), readd]),
            );
        }
    }
}

fn binding_certificate_missing(snap: &Snapshot, out: &mut Vec<Finding>) {
    if snap.certs.is_empty() {
        return;
    }
    for b in &snap.bindings {
        let Some(h) = b.cert_hash.as_deref() else {
            continue;
        };
        let store = binding_store(b);
        let stores_seen = |s: &str| snap.certs.iter().any(|c| c.store == s);
        if !stores_seen(&store) {
            continue;
        }
        let here = snap.certs_by_thumbprint(h).any(|c| c.store == store);
        if here {
            continue;
        }
        let elsewhere: Vec<&str> = snap
            .certs_by_thumbprint(h)
            .map(|c| c.store.as_str())
            .collect();
        let sel = b.key.netsh_selector();
        let app = b
            .app_id
            .as_deref()
            .unwrap_or("{4dc3e181-e14b-4a21-b022-59fc669b0914}");
        if let Some(other) = elsewhere.first() {
            out.push(
                finding(
                    Code::BindingCertificateMissing,
                    Severity::Warning,
                    format!(
                        "HTTP.sys binding {} looks for certificate {h} in store `{store}`, but it is in `{other}`",
                        key_text(&b.key)
                    ),
                    vec![b.evidence.clone()],
                )
                .headline("binding names the wrong certificate store")
                .remedies(vec![format!(
                    "`netsh http delete sslcert {sel}` then `netsh http add sslcert {sel} certhash={h} appid={app} certstorename={other}`"
                )]),
            );
        } else {
            out.push(
                finding(
                    Code::BindingCertificateMissing,
                    Severity::Error,
                    format!(
                        "HTTP.sys binding {} names certificate {h}, which is not in store `{store}` (deleted or \
                         renewed): the server cannot present a certificate there",
                        key_text(&b.key)
                    ),
                    vec![b.evidence.clone()],
                )
                .headline("binding names a certificate not in the store")
                .remedies(vec![
                    format!(
                        "Point the binding at the current certificate: `netsh http update sslcert {sel} certhash=<new thumbprint> appid={app} certstorename=MY`"
                    ),
                    "Or pick the renewed certificate again in IIS Manager (site → Bindings → https → SSL certificate)".into(),
                ]),
            );
        }
    }
}

// ---- Certificates and keys (Scenarios 1–2) ----

fn no_private_key(snap: &Snapshot, out: &mut Vec<Finding>) {
    let guessing = snap.bindings.is_empty();
    for (c, b) in judged_certs(snap) {
        if c.key != KeyState::NoKey {
            continue;
        }
        let t = c.thumbprint.as_deref().unwrap_or("<thumbprint>");
        let mut f = finding(
            Code::CertificateNoPrivateKey,
            if guessing { Severity::Warning } else { Severity::Error },
            format!(
                "certificate {}{} has no private key in store `{}`: Schannel cannot prove the server's \
                 identity, so TLS handshakes fail (the server resets after the ClientHello)",
                cert_name(c),
                bound_by(b),
                c.store
            ),
            vec![c.evidence.clone()],
        )
        .headline("certificate has no private key")
        .remedies(vec![
            format!(
                "`certutil -repairstore {} \"{t}\"` — restores the link to the key if the key is still on this machine",
                c.store
            ),
            "Otherwise import the .pfx that holds the key (`certutil -importpfx my <file.pfx>`) or re-issue the \
             certificate, then rebind it in IIS"
                .into(),
        ]);
        if guessing {
            f = f.confidence(Confidence::Medium);
        }
        out.push(f);
    }
    if let Some((n, ev)) = events_by(snap, |e| is_schannel(e) && e.id == 36869) {
        out.push(
            finding(
                Code::CertificateNoPrivateKey,
                Severity::Error,
                format!(
                    "Schannel event 36869 ({n}): the server's TLS credential certificate has no private key"
                ),
                ev,
            )
            .headline("certificate has no private key")
            .remedies(vec![
                repairstore_bound(snap),
                "Or import the .pfx that holds the key and rebind the certificate".into(),
            ]),
        );
    }
}

/// `certutil -repairstore` for each bound certificate, or how to find it
/// when no binding was supplied.
fn repairstore_bound(snap: &Snapshot) -> String {
    let mut cmds: Vec<String> = Vec::new();
    for b in &snap.bindings {
        if let Some(h) = &b.cert_hash {
            let c = format!("`certutil -repairstore {} \"{h}\"`", binding_store(b));
            if !cmds.contains(&c) {
                cmds.push(c);
            }
        }
    }
    if cmds.is_empty() {
        "`certutil -store my` to find the bound certificate, then `certutil -repairstore my \"<thumbprint>\"`".into()
    } else {
        format!("For the bound certificate: {}", cmds.join(" or "))
    }
}

const NTE_BAD_KEYSET: u32 = 0x8009_0016;
const NTE_KEYSET_ENTRY_BAD: u32 = 0x8009_001A;
const NTE_KEYSET_NOT_DEF: u32 = 0x8009_0019;
const NTE_PERM: u32 = 0x8009_0010;
const SEC_E_UNKNOWN_CREDENTIALS: u32 = 0x8009_030D;
const CERT_E_UNTRUSTEDROOT: u32 = 0x800B_0109;
const CERT_E_CHAINING: u32 = 0x800B_010A;
const CERT_E_WRONG_USAGE: u32 = 0x800B_0110;

const MACHINEKEYS_ACL: &str = "Check the key file and its permissions: `icacls \
     \"%ProgramData%\\Microsoft\\Crypto\\RSA\\MachineKeys\"` (SYSTEM and Administrators need Full \
     control; for CNG keys `%ProgramData%\\Microsoft\\Crypto\\Keys`)";

fn private_key_access(snap: &Snapshot, out: &mut Vec<Finding>) {
    for (c, b) in judged_certs(snap) {
        if c.key != KeyState::MissingKeyset {
            continue;
        }
        let t = c.thumbprint.as_deref().unwrap_or("<thumbprint>");
        let unelevated = snap.elevated == Some(false);
        let mut rem = Vec::new();
        if unelevated {
            rem.push("Re-run `certutil -store my` from an elevated prompt: without elevation machine keys often read as missing".to_string());
        }
        rem.push(MACHINEKEYS_ACL.to_string());
        rem.push(format!(
            "`certutil -repairstore {} \"{t}\"`; if that fails, re-import the .pfx",
            c.store
        ));
        out.push(
            finding(
                Code::PrivateKeyInaccessible,
                if unelevated { Severity::Warning } else { Severity::Error },
                format!(
                    "certificate {}{} points to a key container that cannot be opened (certutil: missing stored \
                     keyset): the key is gone or SYSTEM may not read it",
                    cert_name(c),
                    bound_by(b)
                ),
                vec![c.evidence.clone()],
            )
            .headline("private key missing or not readable")
            .remedies(rem),
        );
    }
    let key_event = |e: &Event, codes: &[u32]| {
        is_schannel(e) && e.id == 36870 && e.status.is_some_and(|s| codes.contains(&s))
    };
    if let Some((n, ev)) = events_by(snap, |e| {
        key_event(e, &[NTE_BAD_KEYSET, NTE_PERM, NTE_KEYSET_NOT_DEF])
    }) {
        out.push(
            finding(
                Code::PrivateKeyInaccessible,
                Severity::Error,
                format!(
                    "Schannel event 36870 ({n}) with 0x80090016 (keyset does not exist) or an access error: \
                     the server cannot open its certificate's private key"
                ),
                ev,
            )
            .headline("private key missing or not readable")
            .remedies(vec![
                MACHINEKEYS_ACL.to_string(),
                "`certutil -repairstore my \"<thumbprint>\"` for the bound certificate; if that fails, re-import the .pfx".into(),
            ]),
        );
    }
    if let Some((n, ev)) = events_by(snap, |e| {
        key_event(e, &[NTE_KEYSET_ENTRY_BAD, SEC_E_UNKNOWN_CREDENTIALS])
    }) {
        out.push(
            finding(
                Code::PrivateKeyUnusable,
                Severity::Error,
                format!(
                    "Schannel event 36870 ({n}) with 0x8009001a or 0x8009030d: the private key is corrupt \
                     or unusable (imported without \"allow export\", dragged between stores, or a bad KeySpec)"
                ),
                ev,
            )
            .headline("private key corrupt or unusable")
            .remedies(vec![
                "Delete the certificate and re-import the .pfx into LocalMachine\\My with the key marked exportable \
                 (`certutil -importpfx my <file.pfx>`), then rebind it in IIS"
                    .into(),
                "To isolate: bind a self-signed certificate (`New-SelfSignedCertificate -DnsName <host> \
                 -CertStoreLocation Cert:\\LocalMachine\\My`) and retry"
                    .into(),
            ]),
        );
    }
}

const SERVER_AUTH: &str = "1.3.6.1.5.5.7.3.1";
const ANY_EKU: &str = "2.5.29.37.0";

fn server_auth_eku(snap: &Snapshot, out: &mut Vec<Finding>) {
    for (c, b) in judged_certs(snap) {
        let Some(eku) = &c.eku else { continue };
        if eku.is_empty() || eku.iter().any(|o| o == SERVER_AUTH || o == ANY_EKU) {
            continue;
        }
        out.push(
            finding(
                Code::CertificateMissingServerAuthEku,
                if b.is_some() { Severity::Error } else { Severity::Warning },
                format!(
                    "certificate {}{} lists enhanced key usages {} but not Server Authentication \
                     (1.3.6.1.5.5.7.3.1): it may not be used by a TLS server (CERT_E_WRONG_USAGE 0x800b0110)",
                    cert_name(c),
                    bound_by(b),
                    eku.join(", ")
                ),
                vec![c.evidence.clone()],
            )
            .headline("certificate lacks Server Authentication")
            .remedies(eku_remedies()),
        );
    }
    let wrong: Vec<Evidence> = snap
        .chain_checks
        .iter()
        .filter(|c| c.errors.contains(&CERT_E_WRONG_USAGE))
        .map(|c| c.evidence.clone())
        .collect();
    if !wrong.is_empty() {
        out.push(
            finding(
                Code::CertificateMissingServerAuthEku,
                Severity::Error,
                "certutil reports CERT_E_WRONG_USAGE (0x800b0110): the certificate is not valid for Server \
                 Authentication"
                    .into(),
                wrong,
            )
            .headline("certificate lacks Server Authentication")
            .remedies(eku_remedies()),
        );
    }
}

fn eku_remedies() -> Vec<String> {
    vec![
        "Re-issue the certificate from a Web Server template (Server Authentication EKU 1.3.6.1.5.5.7.3.1) and bind it".into(),
        "If only the certificate's properties restrict it: certlm.msc → the certificate → Properties → \
         \"Enable all purposes for this certificate\""
            .into(),
    ]
}

fn untrusted_chain(snap: &Snapshot, out: &mut Vec<Finding>) {
    let bad: Vec<&super::ChainCheck> = snap
        .chain_checks
        .iter()
        .filter(|c| {
            c.errors
                .iter()
                .any(|&e| e == CERT_E_UNTRUSTEDROOT || e == CERT_E_CHAINING)
        })
        .collect();
    if bad.is_empty() {
        return;
    }
    let root = bad.iter().any(|c| c.errors.contains(&CERT_E_UNTRUSTEDROOT));
    let what = if root {
        "CERT_E_UNTRUSTEDROOT (0x800b0109): the chain ends in a root this server does not trust"
    } else {
        "CERT_E_CHAINING (0x800b010a): the chain cannot be built (an intermediate is missing)"
    };
    let t = bad
        .iter()
        .find_map(|c| c.thumbprint.as_deref())
        .unwrap_or("<thumbprint>");
    out.push(
        finding(
            Code::CertificateUntrusted,
            Severity::Warning,
            format!("certutil verification of {t} reports {what}; the server cannot send a full, trusted chain"),
            bad.iter().map(|c| c.evidence.clone()).collect(),
        )
        .headline("certificate chain not trusted")
        .remedies(vec![
            "Install the root in LocalMachine\\Root and the intermediates in LocalMachine\\CA \
             (`certutil -addstore root <root.cer>`, `certutil -addstore ca <intermediate.cer>`)"
                .into(),
            format!("Verify with `certutil -verifystore my {t}`, then `net stop http /y` and `net start w3svc` (or reboot) so HTTP.sys rebuilds the chain"),
        ]),
    );
}

fn validity(snap: &Snapshot, out: &mut Vec<Finding>) {
    let Some(at) = snap.captured_at else { return };
    for (c, b) in judged_certs(snap) {
        let t = c.thumbprint.as_deref().unwrap_or("<thumbprint>");
        let (code, what) = match (c.not_before, c.not_after) {
            (_, Some(na)) if na < at => {
                (Code::CertificateExpired, format!("expired on {}", date(na)))
            }
            (Some(nb), _) if nb > at => (
                Code::CertificateNotYetValid,
                format!("is not valid until {}", date(nb)),
            ),
            _ => continue,
        };
        out.push(
            finding(
                code,
                if b.is_some() {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                format!(
                    "certificate {}{} {what} (judged at {})",
                    cert_name(c),
                    bound_by(b),
                    date(at)
                ),
                vec![c.evidence.clone()],
            )
            .headline(if code == Code::CertificateExpired {
                "certificate expired"
            } else {
                "certificate not yet valid"
            })
            .remedies(vec![
                "Renew the certificate, import it into LocalMachine\\My with its key".into(),
                format!(
                    "Rebind every binding that uses {t} (IP and SNI): IIS Manager, or {}",
                    rebind_commands(snap, c)
                ),
            ]),
        );
    }
}

/// `netsh http update sslcert` for each binding that uses `c` (the generic
/// form when no binding names it).
fn rebind_commands(snap: &Snapshot, c: &Cert) -> String {
    let cmds: Vec<String> = snap
        .bindings
        .iter()
        .filter(|b| b.cert_hash.is_some() && b.cert_hash == c.thumbprint)
        .map(|b| {
            format!(
                "`netsh http update sslcert {} certhash=<new thumbprint> appid={}`",
                b.key.netsh_selector(),
                b.app_id.as_deref().unwrap_or("<app id>")
            )
        })
        .collect();
    if cmds.is_empty() {
        "`netsh http update sslcert ipport=<ip:port> certhash=<new thumbprint> appid=<app id>`"
            .into()
    } else {
        cmds.join(" and ")
    }
}

/// `YYYY-MM-DD` of Unix seconds (UTC).
fn date(secs: i64) -> String {
    let t = crate::report::rfc3339_seconds(secs);
    t.split('T').next().unwrap_or(&t).to_string()
}

/// Does `name` (a DNS name or wildcard from the certificate) cover `host`?
pub(crate) fn name_covers(name: &str, host: &str) -> bool {
    let (name, host) = (name.to_ascii_lowercase(), host.to_ascii_lowercase());
    match name.strip_prefix("*.") {
        Some(base) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == base),
        None => name == host,
    }
}

fn sni_name(snap: &Snapshot, out: &mut Vec<Finding>) {
    for b in &snap.bindings {
        let BindingKey::Hostname { host, .. } = &b.key else {
            continue;
        };
        for c in bound_certs(snap, b) {
            if c.dns_names.is_empty() || c.dns_names.iter().any(|n| name_covers(n, host)) {
                continue;
            }
            out.push(
                finding(
                    Code::CertificateNameMismatch,
                    Severity::Warning,
                    format!(
                        "SNI binding {} uses certificate {}, whose names ({}) do not cover {host}: browsers reject it",
                        key_text(&b.key),
                        cert_name(c),
                        c.dns_names.join(", ")
                    ),
                    vec![b.evidence.clone(), c.evidence.clone()],
                )
                .headline("certificate name mismatch")
                .remedies(vec![format!(
                    "Bind a certificate whose Subject Alternative Name covers {host}: `netsh http update sslcert \
                     hostnameport={host}:{} certhash=<thumbprint> appid={} certstorename=MY`",
                    b.key.port(),
                    b.app_id.as_deref().unwrap_or("<app id>")
                )]),
            );
        }
    }
}

// ---- Ports (Scenario 3) ----

/// The ports HTTP.sys should serve TLS on: the bindings' ports, else 443.
fn ssl_ports(snap: &Snapshot) -> Vec<u16> {
    let mut p: Vec<u16> = snap.bindings.iter().map(|b| b.key.port()).collect();
    if p.is_empty() {
        p.push(443);
    }
    p.sort_unstable();
    p.dedup();
    p
}

fn wildcard(ip: IpAddr) -> bool {
    ip.is_unspecified()
}

/// Would a socket on `sock` take connections meant for binding address `bind`?
fn overlaps(bind: Option<IpAddr>, sock: IpAddr) -> bool {
    match bind {
        None => true,
        Some(b) => wildcard(b) || wildcard(sock) || b == sock,
    }
}

fn port_conflict(snap: &Snapshot, out: &mut Vec<Finding>) {
    for port in ssl_ports(snap) {
        let addrs: Vec<Option<IpAddr>> = {
            let v: Vec<Option<IpAddr>> = snap
                .bindings
                .iter()
                .filter(|b| b.key.port() == port)
                .map(|b| match b.key {
                    BindingKey::Ip { addr } => Some(addr.ip()),
                    _ => None,
                })
                .collect();
            if v.is_empty() { vec![None] } else { v }
        };
        for s in snap
            .sockets
            .iter()
            .filter(|s| s.listening() && s.local.port() == port && s.pid != 4)
        {
            if !addrs.iter().any(|&a| overlaps(a, s.local.ip())) {
                continue;
            }
            let who = s.owner.as_deref().map_or_else(
                || format!("PID {}", s.pid),
                |o| format!("{o} (PID {})", s.pid),
            );
            out.push(
                finding(
                    Code::PortConflict,
                    Severity::Error,
                    format!(
                        "{who} listens on {} — not HTTP.sys (PID 4): TLS connections to port {port} reach that \
                         program instead of IIS",
                        s.local
                    ),
                    vec![s.evidence.clone()],
                )
                .headline("another process owns the SSL port")
                .remedies(vec![
                    format!("Identify it: `tasklist /svc /fi \"PID eq {}\"` (or `netstat -anob`)", s.pid),
                    format!(
                        "Stop or reconfigure that program so it leaves port {port}, or move the IIS https binding \
                         to another IP address or port"
                    ),
                ]),
            );
        }
    }
}

fn port_not_listening(snap: &Snapshot, out: &mut Vec<Finding>) {
    if !snap.netstat_seen || snap.bindings.is_empty() {
        return;
    }
    for port in ssl_ports(snap) {
        if snap
            .sockets
            .iter()
            .any(|s| s.listening() && s.local.port() == port)
        {
            continue;
        }
        let ev: Vec<Evidence> = snap
            .bindings
            .iter()
            .filter(|b| b.key.port() == port)
            .map(|b| b.evidence.clone())
            .collect();
        out.push(
            finding(
                Code::PortNotListening,
                Severity::Error,
                format!(
                    "port {port} has an SSL binding, but netstat shows nothing listening on it: the site or \
                     W3SVC/WAS is stopped, or the site has no https binding on {port}"
                ),
                ev,
            )
            .headline("nothing listens on the SSL port")
            .remedies(vec![
                "`net start was` and `net start w3svc`, then start the site in IIS Manager".into(),
                format!("Check the site has an https binding on port {port}; `netsh http show servicestate` shows what HTTP.sys serves"),
            ]),
        );
    }
}

// ---- HTTP.sys configuration (Scenario 4) ----

fn iplisten(snap: &Snapshot, out: &mut Vec<Finding>) {
    let Some(list) = &snap.ip_listen else { return };
    if list.is_empty() {
        return;
    }
    let listed = |ip: IpAddr| list.iter().any(|l| l.addr == ip || l.addr.is_unspecified());
    let mut missing: Vec<(IpAddr, Evidence)> = Vec::new();
    for b in &snap.bindings {
        if let BindingKey::Ip { addr } = b.key
            && !addr.ip().is_unspecified()
            && !listed(addr.ip())
            && !missing.iter().any(|(a, _)| *a == addr.ip())
        {
            missing.push((addr.ip(), b.evidence.clone()));
        }
    }
    for (ip, ev) in missing {
        let mut evidence: Vec<Evidence> = list.iter().map(|l| l.evidence.clone()).collect();
        evidence.insert(0, ev);
        let listed_text: Vec<String> = list.iter().map(|l| l.addr.to_string()).collect();
        out.push(
            finding(
                Code::IpListenExcludes,
                Severity::Error,
                format!(
                    "HTTP.sys listens only on {} (netsh http show iplisten), but a binding serves {ip}: \
                     connections to {ip} are never accepted",
                    listed_text.join(", ")
                ),
                evidence,
            )
            .headline("IP listen list leaves out the address")
            .remedies(vec![
                format!("Add it: `netsh http add iplisten ipaddress={ip}` — or empty the list (`netsh http delete iplisten ipaddress=<each listed address>`) so HTTP.sys listens on all addresses"),
                "Then `net stop http /y` and `net start w3svc`".into(),
            ]),
        );
    }
}

fn sni_only(snap: &Snapshot, out: &mut Vec<Finding>) {
    let mut ports: Vec<u16> = snap.bindings.iter().map(|b| b.key.port()).collect();
    ports.sort_unstable();
    ports.dedup();
    for port in ports {
        let on: Vec<&Binding> = snap
            .bindings
            .iter()
            .filter(|b| b.key.port() == port)
            .collect();
        if !on
            .iter()
            .all(|b| matches!(b.key, BindingKey::Hostname { .. }))
        {
            continue;
        }
        let t = on
            .iter()
            .find_map(|b| b.cert_hash.as_deref())
            .unwrap_or("<thumbprint>");
        out.push(
            finding(
                Code::SniOnlyBinding,
                Severity::Warning,
                format!(
                    "port {port} has only SNI (Hostname:port) bindings and no IP:port fallback: clients that send \
                     no SNI (old clients, load-balancer probes, IP-address URLs) get no certificate and are reset"
                ),
                on.iter().map(|b| b.evidence.clone()).collect(),
            )
            .headline("only SNI bindings on the port")
            .remedies(vec![
                format!(
                    "Add a fallback binding: `netsh http add sslcert ipport=0.0.0.0:{port} certhash={t} \
                     appid={{4dc3e181-e14b-4a21-b022-59fc669b0914}} certstorename=MY`"
                ),
                "Or add an IIS https binding without \"Require Server Name Indication\"".into(),
            ]),
        );
    }
}

fn ip_vs_wildcard(snap: &Snapshot, out: &mut Vec<Finding>) {
    for b in &snap.bindings {
        let BindingKey::Ip { addr } = b.key else {
            continue;
        };
        if addr.ip().is_unspecified() {
            continue;
        }
        let wild = snap.bindings.iter().find(|w| {
            matches!(w.key, BindingKey::Ip { addr: a } if a.ip().is_unspecified() && a.port() == addr.port() && a.is_ipv4() == addr.is_ipv4())
        });
        let Some(w) = wild else { continue };
        if w.cert_hash == b.cert_hash || w.cert_hash.is_none() || b.cert_hash.is_none() {
            continue;
        }
        out.push(
            finding(
                Code::BindingCertificateDiffers,
                Severity::Warning,
                format!(
                    "binding {addr} uses certificate {}, while {} uses {}: clients connecting to {} get a different \
                     certificate than the rest",
                    thumb(b),
                    key_text(&w.key),
                    thumb(w),
                    addr.ip()
                ),
                vec![b.evidence.clone(), w.evidence.clone()],
            )
            .headline("IP and wildcard bindings differ")
            .remedies(vec![format!(
                "Align them, or remove the IP-specific one: `netsh http delete sslcert ipport={addr}`"
            )]),
        );
    }
}

fn binding_flags(snap: &Snapshot, out: &mut Vec<Finding>) {
    for b in &snap.bindings {
        let sel = b.key.netsh_selector();
        if b.flag_on("Reject Connections") {
            out.push(
                finding(
                    Code::BindingRejectsConnections,
                    Severity::Error,
                    format!("HTTP.sys binding {} is set to reject connections (Reject Connections : Enabled)", key_text(&b.key)),
                    vec![b.evidence.clone()],
                )
                .headline("binding rejects connections")
                .remedies(vec![format!(
                    "Recreate the binding without it: `netsh http delete sslcert {sel}` then `netsh http add sslcert {sel} certhash={} appid={} certstorename=MY`",
                    thumb(b),
                    b.app_id.as_deref().unwrap_or("<app id>")
                )]),
            );
        }
        let flags: Vec<(&str, &str)> = [
            ("Disable TLS1.2", "disabletls12"),
            ("Disable TLS1.3", "disabletls13"),
            ("Disable Legacy TLS Versions", "disablelegacytls"),
        ]
        .into_iter()
        .filter(|(l, _)| b.flag_on(l))
        .collect();
        if flags.is_empty() {
            continue;
        }
        let names: Vec<&str> = flags.iter().map(|(l, _)| *l).collect();
        let params: Vec<String> = flags.iter().map(|(_, p)| format!("{p}=disable")).collect();
        out.push(
            finding(
                Code::BindingDisablesProtocol,
                Severity::Warning,
                format!(
                    "HTTP.sys binding {} has {} set: that endpoint refuses those versions even where SCHANNEL allows \
                     them (clients that need them get protocol_version)",
                    key_text(&b.key),
                    names.join(", ")
                ),
                vec![b.evidence.clone()],
            )
            .headline("binding disables protocol versions")
            .remedies(vec![
                format!(
                    "Clear the flag(s) by recreating the binding with {} (`netsh http delete sslcert {sel}` then `netsh http add sslcert {sel} certhash={} appid={} {}`), or the IIS binding's \"Disable TLS 1.3 over TCP\" / \"Disable legacy TLS\" boxes",
                    params.join(" "),
                    thumb(b),
                    b.app_id.as_deref().unwrap_or("<app id>"),
                    params.join(" ")
                ),
                "Or upgrade the clients that need the disabled versions".into(),
            ]),
        );
    }
}

/// HTTPSYS-008: TLS 1.3 has no renegotiation, so HTTP.sys cannot ask for a
/// client certificate after the handshake; bindings that do not negotiate it
/// up front fail once a site requires one.
fn tls13_client_certificate(snap: &Snapshot, out: &mut Vec<Finding>) {
    let Some(build) = snap.os.as_ref().and_then(|o| o.build) else {
        return;
    };
    if build < 20348 {
        return;
    }
    let t13 = schannel::protocol_state(snap, Protocol::Tls13, Role::Server);
    if t13.for_default_callers() != Some(true) {
        return;
    }
    let Some((n, ev_events)) = events_by(snap, |e| is_schannel(e) && e.id == 36877) else {
        return;
    };
    for b in &snap.bindings {
        let negotiates = b.flag_on("Negotiate Client Certificate");
        if negotiates || b.flag_on("Disable TLS1.3") {
            continue;
        }
        let sel = b.key.netsh_selector();
        let mut ev = vec![b.evidence.clone()];
        ev.extend(ev_events.iter().cloned());
        let after = if build >= 26100 {
            "the request fails with HTTP 500 and 0x80070032 (ERROR_NOT_SUPPORTED)"
        } else {
            "the connection is reset (ERR_CONNECTION_RESET)"
        };
        out.push(
            finding(
                Code::Tls13ClientCertificate,
                Severity::Error,
                format!(
                    "binding {} does not negotiate client certificates in the handshake while TLS 1.3 is on (build {build}) \
                     and clients present certificates (Schannel 36877, {n}): TLS 1.3 cannot renegotiate, so when a site asks \
                     for the certificate later {after}",
                    key_text(&b.key)
                ),
                ev,
            )
            .headline("TLS 1.3 with late client-certificate request")
            .remedies(vec![
                format!(
                    "Ask for the certificate in the initial handshake: recreate the binding with `clientcertnegotiation=enable` \
                     (`netsh http delete sslcert {sel}` then `netsh http add sslcert {sel} certhash={} appid={} clientcertnegotiation=enable`)",
                    thumb(b),
                    b.app_id.as_deref().unwrap_or("<app id>")
                ),
                "Or disable TLS 1.3 on that binding (IIS: \"Disable TLS 1.3 over TCP\"; netsh: `disabletls13=enable`)".into(),
            ]),
        );
    }
}

// ---- Events ----

fn is_schannel(e: &Event) -> bool {
    e.provider.eq_ignore_ascii_case("Schannel")
}

fn is_httpsys(e: &Event) -> bool {
    let p = e.provider.to_ascii_lowercase();
    p == "http" || p.contains("httpevent")
}

/// Events matching `pred`, grouped: (count, evidence of the first few).
fn events_by(snap: &Snapshot, pred: impl Fn(&Event) -> bool) -> Option<(String, Vec<Evidence>)> {
    let matched: Vec<&Event> = snap.events.iter().filter(|e| pred(e)).collect();
    if matched.is_empty() {
        return None;
    }
    Some((
        count_and_span(&matched),
        matched
            .iter()
            .take(MAX_EVIDENCE)
            .map(|e| e.evidence.clone())
            .collect(),
    ))
}

/// "once, 2026-11-20T09:41:07" or "3 times, 2026-11-20T09:41:07 to
/// 2026-11-20T09:45:00": when, to set against a capture's time span. ISO
/// times (XML, wevtutil) are compared; other renderings are shown as the
/// first and last printed.
fn count_and_span(events: &[&Event]) -> String {
    let n = times(events.len());
    let iso = |t: &str| {
        let b = t.as_bytes();
        b.len() >= 19 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[10] == b'T'
    };
    let shown: Vec<&str> = events.iter().filter_map(|e| e.time.as_deref()).collect();
    let (first, last) = if !shown.is_empty() && shown.iter().all(|t| iso(t)) {
        let cut = |t: &str| t.get(..19).unwrap_or(t).to_string();
        let min = shown.iter().copied().min().map(cut);
        let max = shown.iter().copied().max().map(cut);
        (min, max)
    } else {
        (
            shown.first().map(|t| t.to_string()),
            shown.last().map(|t| t.to_string()),
        )
    };
    match (first, last) {
        (Some(a), Some(b)) if a != b => format!("{n}, {a} to {b}"),
        (Some(a), _) => format!("{n}, {a}"),
        _ => n,
    }
}

/// The endpoints (`0.0.0.0:443`, `www.contoso.com:443`) HTTP.sys events
/// with `id` name, distinct, in file order.
fn http_endpoints(snap: &Snapshot, id: u32) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in snap.events.iter().filter(|e| is_httpsys(e) && e.id == id) {
        if let Some(ep) = super::events::http_endpoint(e)
            && !out.contains(&ep)
        {
            out.push(ep);
        }
    }
    out
}

/// The netsh selector of an event's endpoint: `ipport=…` for an address,
/// `hostnameport=…` for a name.
fn endpoint_selector(ep: &str) -> String {
    match super::netstat::parse_socket_addr(ep) {
        Some(a) => format!("ipport={a}"),
        None => format!("hostnameport={ep}"),
    }
}

/// `endpoint 0.0.0.0:443`, `endpoints a, b`, or `an endpoint`.
fn endpoints_text(eps: &[String]) -> String {
    match eps {
        [] => "an endpoint".into(),
        [one] => format!("endpoint {one}"),
        many => format!("endpoints {}", many.join(", ")),
    }
}

fn httpsys_events(snap: &Snapshot, out: &mut Vec<Finding>) {
    if let Some((n, ev)) = events_by(snap, |e| is_httpsys(e) && e.id == 15021) {
        let eps = http_endpoints(snap, 15021);
        let checks: Vec<String> = eps
            .iter()
            .map(|ep| {
                let sel = endpoint_selector(ep);
                let cert = snap
                    .bindings
                    .iter()
                    .find(|b| b.key.netsh_selector() == sel)
                    .and_then(|b| {
                        Some(format!(
                            "certutil -store {} {}",
                            binding_store(b),
                            b.cert_hash.as_deref()?
                        ))
                    })
                    .unwrap_or_else(|| "certutil -store my <thumbprint>".into());
                format!("`netsh http show sslcert {sel}` and `{cert}`")
            })
            .collect();
        let check = if checks.is_empty() {
            "`netsh http show sslcert` and `certutil -store my <thumbprint>`".to_string()
        } else {
            checks.join("; ")
        };
        out.push(
            finding(
                Code::BindingErrorEvent,
                Severity::Warning,
                format!("HTTP.sys event 15021 ({n}): it could not use the SSL configuration of {} (certificate missing, key not readable, or wrong store)", endpoints_text(&eps)),
                ev,
            )
            .headline("HTTP.sys could not use a binding")
            .remedies(vec![format!("Check the endpoint's certificate with {check}; rebind it")]),
        );
    }
    if let Some((n, ev)) = events_by(snap, |e| is_httpsys(e) && e.id == 15300) {
        let eps = http_endpoints(snap, 15300);
        let adds: Vec<String> = if eps.is_empty() {
            vec!["ipport=<ip:port>".into()]
        } else {
            eps.iter().map(|ep| endpoint_selector(ep)).collect()
        };
        let adds: Vec<String> = adds
            .iter()
            .map(|sel| {
                format!("`netsh http add sslcert {sel} certhash=<thumbprint> appid={{4dc3e181-e14b-4a21-b022-59fc669b0914}} certstorename=MY`")
            })
            .collect();
        out.push(
            finding(
                Code::BindingDeletedEvent,
                Severity::Warning,
                format!("HTTP.sys event 15300 ({n}): SSL certificate settings were deleted for {}", endpoints_text(&eps)),
                ev,
            )
            .headline("SSL binding deleted")
            .remedies(vec![
                format!("Re-add the binding (IIS Manager, or {})", adds.join(" and ")),
                "If it keeps disappearing: remove the legacy IIS 6 metabase property 5506 from applicationHost.config `<customMetadata>`".into(),
            ]),
        );
    }
    if let Some((n, ev)) = events_by(snap, |e| is_httpsys(e) && e.id == 15005) {
        let eps = http_endpoints(snap, 15005);
        let mut ips: Vec<String> = Vec::new();
        for ep in &eps {
            let ip = super::netstat::parse_socket_addr(ep)
                .map(|a| a.ip())
                .or_else(|| ep.trim_matches(['[', ']']).parse::<IpAddr>().ok());
            if let Some(ip) = ip.map(|ip| ip.to_string())
                && !ips.contains(&ip)
            {
                ips.push(ip);
            }
        }
        let deletes: Vec<String> = if ips.is_empty() {
            vec!["`netsh http delete iplisten ipaddress=<IP>`".into()]
        } else {
            ips.iter()
                .map(|ip| format!("`netsh http delete iplisten ipaddress={ip}`"))
                .collect()
        };
        out.push(
            finding(
                Code::IpListenExcludes,
                Severity::Error,
                format!(
                    "HTTP.sys event 15005 ({n}): it could not bind to {} of its IP listen list",
                    if eps.is_empty() { "an address".to_string() } else { eps.join(", ") }
                ),
                ev,
            )
            .headline("IP listen list leaves out the address")
            .remedies(vec![format!(
                "Delete the stale entry from the IP listen list (`netsh http show iplisten` lists them): {}, then `net stop http /y` and `net start w3svc`",
                deletes.join(" and ")
            )]),
        );
    }
}

fn schannel_events(snap: &Snapshot, out: &mut Vec<Finding>) {
    // 36874: no cipher suite in common, per protocol named.
    let mut protos: Vec<String> = snap
        .events
        .iter()
        .filter(|e| is_schannel(e) && e.id == 36874)
        .map(|e| e.protocol.clone().unwrap_or_else(|| "TLS".into()))
        .collect();
    protos.sort();
    protos.dedup();
    for p in protos {
        if let Some((n, ev)) = events_by(snap, |e| {
            is_schannel(e) && e.id == 36874 && e.protocol.as_deref().unwrap_or("TLS") == p
        }) {
            out.push(
                finding(
                    Code::NoSharedCipher,
                    Severity::Error,
                    format!("Schannel event 36874 ({n}): {p} clients offered no cipher suite this server accepts"),
                    ev,
                )
                .headline("no cipher suite in common")
                .remedies(vec![
                    "Compare the clients' offered suites (a capture shows them) with `Get-TlsCipherSuite`; enable a common ECDHE + AES-GCM suite (`Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`) or fix the cipher-suite order policy".into(),
                ]),
            );
        }
    }
    // 36887 (alert received) and 36888 (alert sent).
    for (id, from) in [
        (36887u32, "received from clients"),
        (36888u32, "sent by this server"),
    ] {
        let mut alerts: Vec<u8> = snap
            .events
            .iter()
            .filter(|e| is_schannel(e) && e.id == id)
            .filter_map(|e| e.alert)
            .collect();
        alerts.sort_unstable();
        alerts.dedup();
        for a in alerts {
            let Some((n, ev)) =
                events_by(snap, |e| is_schannel(e) && e.id == id && e.alert == Some(a))
            else {
                continue;
            };
            let states: Vec<u32> = {
                let mut s: Vec<u32> = snap
                    .events
                    .iter()
                    .filter(|e| is_schannel(e) && e.id == id && e.alert == Some(a))
                    .filter_map(|e| e.error_state)
                    .collect();
                s.sort_unstable();
                s.dedup();
                s
            };
            let (code, sev, meaning, fix) = alert_meaning(id, a, &states);
            let name = crate::tls::AlertDescription(a).name().unwrap_or("unknown");
            let st = if states.is_empty() {
                String::new()
            } else {
                format!(
                    ", error state {}",
                    states
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join("/")
                )
            };
            out.push(
                finding(
                    code,
                    sev,
                    format!(
                        "Schannel event {id} ({n}): fatal alert {name} ({a}) {from}{st} — {meaning}"
                    ),
                    ev,
                )
                .headline(meaning)
                .remedies(vec![fix.to_string()])
                .confidence(Confidence::Medium),
            );
        }
    }
    if let Some((n, ev)) = events_by(snap, |e| {
        is_schannel(e) && e.id == 36871 && e.error_state == Some(10013)
    }) {
        out.push(
            finding(
                Code::ClientProtocolDisabled,
                Severity::Warning,
                format!(
                    "Schannel event 36871 ({n}) with error state 10013: a program on this server asked for \
                     TLS protocols or suites that the registry disables (typically a .NET app limited to TLS 1.0 \
                     after TLS 1.0 was turned off)"
                ),
                ev,
            )
            .headline("client-side protocol disabled")
            .remedies(vec![
                format!("Let .NET use the OS defaults: {}, then restart the app", dotnet_fix()),
                format!("Make sure TLS 1.2 is on for clients: {}", enable_commands(Protocol::Tls12, Role::Client)),
            ]),
        );
    }
}

/// What a Schannel alert event means (spec §7.1, §7.2).
fn alert_meaning(
    id: u32,
    alert: u8,
    states: &[u32],
) -> (Code, Severity, &'static str, &'static str) {
    let received = id == 36887;
    match alert {
        70 => (
            Code::VersionMismatch,
            Severity::Error,
            "no protocol version in common",
            "Enable TLS 1.2 for the server (`SCHANNEL\\Protocols\\TLS 1.2\\Server` Enabled=1, DisabledByDefault=0) and upgrade clients that offer only TLS 1.0",
        ),
        40 | 71 if !received || states.contains(&1205) => (
            Code::NoSharedCipher,
            Severity::Error,
            "no cipher suite in common",
            "Compare the clients' suites with `Get-TlsCipherSuite` and enable a common ECDHE + AES-GCM suite",
        ),
        42 | 43 | 44 | 45 | 46 | 48 if received => (
            Code::CertificateRejected,
            Severity::Error,
            "clients reject the server's certificate",
            "Check the bound certificate's chain, expiry and names: `certutil -verifystore my <thumbprint>`; install missing intermediates in LocalMachine\\CA",
        ),
        10 if !received => (
            Code::HandshakeErrorEvent,
            Severity::Info,
            "a client sent something that is not a valid ClientHello (scanner, plain HTTP to the TLS port)",
            "Usually harmless; check the client if it is a real one",
        ),
        _ => (
            Code::HandshakeErrorEvent,
            Severity::Warning,
            "Schannel handshake errors",
            "Match the event times with a capture to see which clients fail and why",
        ),
    }
}

// ---- SCHANNEL protocols, cipher suites, client-side settings (spec §6.4–6.6) ----

/// `reg add` lines that turn a protocol on for a role, as an admin types them.
pub(crate) fn enable_commands(p: Protocol, role: Role) -> String {
    let key = p.key_path(role);
    format!(
        "`reg add \"{key}\" /v Enabled /t REG_DWORD /d 1 /f` and `reg add \"{key}\" /v DisabledByDefault /t REG_DWORD /d 0 /f`, then restart the server (HTTP.sys keeps its credentials until then)"
    )
}

/// Is there anything SCHANNEL-related to judge (keys or an OS version)?
fn schannel_known(snap: &Snapshot) -> bool {
    snap.os.as_ref().and_then(|o| o.build).is_some()
        || snap.registry.key(schannel::PROTOCOLS).is_some()
        || !snap.registry.subkeys(schannel::PROTOCOLS).is_empty()
}

fn state_text(p: Protocol, role: Role, s: &ProtoState) -> String {
    format!("{p}\\{} {}", role.name(), s.describe())
}

fn server_protocols(snap: &Snapshot, out: &mut Vec<Finding>) {
    if !schannel_known(snap) {
        return;
    }
    let states = schannel::protocol_states(snap, Role::Server);
    let on: Vec<Protocol> = states
        .iter()
        .filter(|(_, s)| s.for_default_callers() == Some(true))
        .map(|(p, _)| *p)
        .collect();
    let state = |p: Protocol| states.iter().find(|(q, _)| *q == p).map(|(_, s)| s);
    let (Some(t12), Some(t13)) = (state(Protocol::Tls12), state(Protocol::Tls13)) else {
        return;
    };
    let configured = states.iter().any(|(_, s)| s.is_configured());
    let names = |v: &[Protocol]| v.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
    if on.is_empty()
        && configured
        && states
            .iter()
            .all(|(_, s)| s.for_default_callers().is_some())
    {
        let ev: Vec<Evidence> = states.iter().flat_map(|(_, s)| s.evidence()).collect();
        out.push(
            finding(
                Code::ProtocolDisabled,
                Severity::Error,
                "SCHANNEL leaves the server no protocol at all: it cannot create its TLS credential (event 36871) and every handshake fails".into(),
                ev,
            )
            .headline("protocol disabled in SCHANNEL")
            .remedies(vec![enable_commands(Protocol::Tls12, Role::Server)]),
        );
        return;
    }
    let t12_off = t12.for_default_callers() == Some(false);
    let t13_on = t13.for_default_callers() == Some(true);
    if t12_off && !t13_on {
        let mut ev = t12.evidence();
        ev.extend(t13.evidence());
        let only = if on.is_empty() {
            "nothing it can tell".to_string()
        } else {
            names(&on)
        };
        out.push(
            finding(
                Code::ProtocolDisabled,
                Severity::Error,
                format!(
                    "SCHANNEL leaves the server no modern protocol: {}; the server accepts only {only} — clients that \
                     require TLS 1.2 (browsers, .NET 4.7+, curl) fail with protocol_version or a reset",
                    state_text(Protocol::Tls12, Role::Server, t12)
                ),
                ev,
            )
            .headline("TLS 1.2 disabled for the server in SCHANNEL")
            .remedies(vec![enable_commands(Protocol::Tls12, Role::Server)]),
        );
    }
    // Client side: outbound calls from this server (ARR, .NET apps).
    let c12 = schannel::protocol_state(snap, Protocol::Tls12, Role::Client);
    if c12.is_configured() && c12.for_default_callers() == Some(false) {
        out.push(
            finding(
                Code::ClientProtocolDisabled,
                Severity::Warning,
                format!(
                    "{}: outbound TLS calls from this server (ARR, web apps calling APIs, .NET) cannot use TLS 1.2",
                    state_text(Protocol::Tls12, Role::Client, &c12)
                ),
                c12.evidence(),
            )
            .headline("client-side protocol disabled")
            .remedies(vec![enable_commands(Protocol::Tls12, Role::Client)]),
        );
    }
    // Legacy protocols on for the server.
    let legacy: Vec<(Protocol, &ProtoState)> = states
        .iter()
        .filter(|(p, s)| {
            matches!(
                p,
                Protocol::Ssl2 | Protocol::Ssl3 | Protocol::Tls10 | Protocol::Tls11
            ) && s.for_default_callers() == Some(true)
        })
        .map(|(p, s)| (*p, s))
        .collect();
    if !legacy.is_empty() {
        let ssl = legacy
            .iter()
            .any(|(p, _)| matches!(p, Protocol::Ssl2 | Protocol::Ssl3));
        let ps: Vec<Protocol> = legacy.iter().map(|(p, _)| *p).collect();
        out.push(
            finding(
                Code::LegacyProtocol,
                Severity::Info,
                format!(
                    "the server accepts {}{}",
                    names(&ps),
                    if ssl {
                        " — SSL is broken (POODLE); disable it"
                    } else {
                        " (deprecated; disable once no client needs them)"
                    }
                ),
                legacy.iter().flat_map(|(_, s)| s.evidence()).collect(),
            )
            .headline("legacy protocol in use")
            .remedies(
                ps.iter()
                    .map(|p| {
                        let key = p.key_path(Role::Server);
                        format!("`reg add \"{key}\" /v Enabled /t REG_DWORD /d 0 /f`, then restart")
                    })
                    .collect(),
            ),
        );
    }
}

fn registry_hygiene(snap: &Snapshot, out: &mut Vec<Finding>) {
    // One finding per protocol (its key, and `Client`/`Server` below it, are
    // one fact), naming the protocol key to delete.
    let inert: Vec<schannel::InertKey> = schannel::unsupported_protocol_keys(snap)
        .into_iter()
        .filter(|k| k.protocol == Protocol::Tls13)
        .collect();
    if let Some(first) = inert.first() {
        let key = protocol_key(&first.path);
        out.push(
            finding(
                Code::Tls13UnsupportedOs,
                Severity::Warning,
                format!(
                    "TLS 1.3 keys on build {} (TLS 1.3 needs Windows Server 2022, build 20348): ignored at best, and \
                     Microsoft calls it not a safe configuration",
                    first.build
                ),
                inert.iter().map(|k| k.evidence.clone()).collect(),
            )
            .headline("TLS 1.3 keys on an OS without TLS 1.3")
            .remedies(vec![format!("Delete the key: `reg delete \"{key}\" /f`")]),
        );
    }
    for w in schannel::wrong_type_values(snap) {
        out.push(
            finding(
                Code::RegistryWrongType,
                Severity::Warning,
                format!(
                    "`{}` under {} is not a REG_DWORD: Windows does not read it, so this setting has no effect",
                    w.value.name, w.path
                ),
                vec![w.value.evidence.clone()],
            )
            .headline("SCHANNEL value of the wrong type")
            .remedies(vec![format!(
                "Recreate it as a DWORD: `reg add \"{}\" /v {} /t REG_DWORD /d {} /f`",
                w.path,
                reg_name(&w.value.name),
                number_in(&w.value.data).map_or_else(|| "<0 or 1>".to_string(), |n| n.to_string())
            )]),
        );
    }
    for k in schannel::unknown_protocol_keys(snap) {
        let hint = k
            .suggestion
            .map(|s| format!(" (meant `{s}`?)"))
            .unwrap_or_default();
        let parent = k.path.rsplit_once('\\').map_or("", |(p, _)| p);
        let fix = match k.suggestion {
            Some(s) => format!(
                "Copy it to the exact name, then delete it: `reg copy \"{}\" \"{parent}\\{s}\" /s /f` and `reg delete \"{}\" /f`",
                k.path, k.path
            ),
            None => format!(
                "Delete it: `reg delete \"{}\" /f`, and set the values under the exact names (`TLS 1.2`, one space; roles `Client` and `Server`)",
                k.path
            ),
        };
        out.push(
            finding(
                Code::RegistryUnknownKey,
                Severity::Warning,
                format!(
                    "SCHANNEL ignores the key `{}`{hint} under {parent}: its values have no effect",
                    k.name
                ),
                vec![k.evidence.clone()],
            )
            .headline("SCHANNEL key Windows ignores")
            .remedies(vec![fix]),
        );
    }
    for m in schannel::misplaced_values(snap) {
        let name = reg_name(&m.value.name);
        let delete = format!("`reg delete \"{}\" /v {name} /f`", m.path);
        let fix = match (m.why, schannel::dword(&m.value)) {
            (schannel::Misplacement::OnProtocolKey, Some(n))
                if m.value.name.eq_ignore_ascii_case("Enabled")
                    || m.value.name.eq_ignore_ascii_case("DisabledByDefault") =>
            {
                format!(
                    "Move it under the role key: `reg add \"{}\\Server\" /v {name} /t REG_DWORD /d {n} /f` (and `\\Client` if meant), then {delete}",
                    m.path
                )
            }
            _ => format!(
                "Delete it: {delete}; Schannel reads only `Enabled` and `DisabledByDefault` under `<protocol>\\Server` and `\\Client`"
            ),
        };
        out.push(
            finding(
                Code::RegistryUnknownKey,
                Severity::Warning,
                format!(
                    "`{}` under {} is not read by SCHANNEL: protocol settings belong under the `Client` or `Server` subkey, named `Enabled` or `DisabledByDefault`",
                    m.value.name, m.path
                ),
                vec![m.value.evidence.clone()],
            )
            .headline("SCHANNEL key Windows ignores")
            .remedies(vec![fix]),
        );
    }
    let odd: Vec<(Protocol, Role, super::RegValue)> = schannel::nonstandard_enabled(snap);
    if !odd.is_empty() {
        out.push(
            finding(
                Code::RegistryNonstandardValue,
                Severity::Info,
                format!(
                    "{} `Enabled` value(s) are non-zero but not 1 (e.g. 0xffffffff, as IIS Crypto writes): Windows treats them as enabled",
                    odd.len()
                ),
                odd.iter().map(|(_, _, v)| v.evidence.clone()).collect(),
            )
            .headline("non-standard SCHANNEL value")
            .remedies(
                std::iter::once("Nothing to fix for TLS; if an audit tool flags them, set them to 1:".to_string())
                    .chain(odd.iter().map(|(p, role, _)| {
                        format!("`reg add \"{}\" /v Enabled /t REG_DWORD /d 1 /f`", p.key_path(*role))
                    }))
                    .collect(),
            ),
        );
    }
    let half: Vec<(Protocol, Role, ProtoState)> = [Role::Server, Role::Client]
        .into_iter()
        .flat_map(|role| {
            schannel::protocol_states(snap, role)
                .into_iter()
                .filter(|(_, s)| s.is_half_disabled())
                .map(move |(p, s)| (p, role, s))
        })
        .collect();
    let mism = schannel::role_mismatches(snap);
    if !half.is_empty() || !mism.is_empty() {
        let mut ev: Vec<Evidence> = half.iter().flat_map(|(_, _, s)| s.evidence()).collect();
        ev.extend(mism.iter().flat_map(|m| {
            let mut e = m.client.evidence();
            e.extend(m.server.evidence());
            e
        }));
        let mut what: Vec<String> = Vec::new();
        if !half.is_empty() {
            let list: Vec<String> = half
                .iter()
                .map(|(p, role, s)| format!("{p}\\{} ({})", role.name(), values_text(s)))
                .collect();
            what.push(format!(
                "`Enabled` and `DisabledByDefault` disagree for {}: IIS treats it as off, apps that ask for it by name still get it",
                list.join(", ")
            ));
        }
        if !mism.is_empty() {
            let list: Vec<String> = mism
                .iter()
                .map(|m| {
                    format!(
                        "{} (Client {}, Server {})",
                        m.protocol,
                        m.client.describe(),
                        m.server.describe()
                    )
                })
                .collect();
            what.push(format!(
                "Client and Server settings differ: {}",
                list.join("; ")
            ));
        }
        let mut fixes: Vec<String> = half
            .iter()
            .map(|(p, role, _)| {
                let key = p.key_path(*role);
                format!(
                    "{p}\\{}: off, as IIS has it now: `reg add \"{key}\" /v Enabled /t REG_DWORD /d 0 /f` and `reg add \"{key}\" /v DisabledByDefault /t REG_DWORD /d 1 /f`; or on: {}",
                    role.name(),
                    enable_commands(*p, *role)
                )
            })
            .collect();
        if !mism.is_empty() {
            fixes.push("Set both values the same way under Client and Server".into());
        }
        out.push(
            finding(
                Code::ProtocolHalfDisabled,
                Severity::Info,
                what.join("; "),
                ev,
            )
            .headline("inconsistent SCHANNEL protocol settings")
            .remedies(fixes),
        );
    }
    if let Some((0, v)) = schannel::event_logging(snap) {
        out.push(
            finding(
                Code::SchannelLoggingOff,
                Severity::Info,
                "Schannel `EventLogging` is 0: no Schannel events are logged, so their absence proves nothing".into(),
                vec![v.evidence],
            )
            .headline("Schannel logging off")
            .remedies(vec![format!("`reg add \"{}\" /v EventLogging /t REG_DWORD /d 1 /f`, then reboot", schannel::SCHANNEL)]),
        );
    }
}

/// The protocol key of a path below `…\Protocols` (`…\Protocols\TLS 1.3\Server`
/// → `…\Protocols\TLS 1.3`), as written.
fn protocol_key(path: &str) -> String {
    let parts: Vec<&str> = path.split('\\').collect();
    match parts
        .iter()
        .rposition(|p| p.eq_ignore_ascii_case("Protocols"))
    {
        Some(i) if i + 1 < parts.len() => parts[..=i + 1].join("\\"),
        _ => path.to_string(),
    }
}

/// A value name for `reg … /v`, quoted when it holds a blank.
fn reg_name(name: &str) -> String {
    if name.contains(char::is_whitespace) {
        format!("\"{name}\"")
    } else {
        name.to_string()
    }
}

/// The number a wrongly typed value holds (`"0"`, `"0x1"`, a small QWORD).
fn number_in(data: &super::RegData) -> Option<u32> {
    use super::RegData;
    match data {
        RegData::Sz(t) | RegData::ExpandSz(t) => {
            let t = t.trim();
            match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => t.parse().ok(),
            }
        }
        RegData::Qword(n) => u32::try_from(*n).ok(),
        _ => None,
    }
}

/// `Enabled=0x0, DisabledByDefault=0x0` of a state's values.
fn values_text(s: &ProtoState) -> String {
    s.values()
        .iter()
        .map(|v| match schannel::dword(v) {
            Some(n) => format!("{}=0x{n:x}", v.name),
            None => v.name.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn cipher_suites(snap: &Snapshot, out: &mut Vec<Finding>) {
    let server_on: Vec<Protocol> = schannel::server_protocols_on(snap)
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    if let Some(list) = ciphers::effective_suites(snap) {
        let usable: Vec<&super::SuiteEntry> = list
            .suites
            .iter()
            .filter(|s| {
                server_on.is_empty()
                    || server_on
                        .iter()
                        .any(|p| ciphers::runs_on(&s.name, *p) != Some(false))
            })
            .collect();
        let ev: Vec<Evidence> = list
            .suites
            .iter()
            .take(3)
            .map(|s| s.evidence.clone())
            .collect();
        if usable.is_empty() {
            out.push(
                finding(
                    Code::NoUsableCipherSuite,
                    Severity::Error,
                    format!(
                        "no suite of the {} cipher-suite list runs on a protocol the server has on",
                        list.origin
                    ),
                    ev,
                )
                .headline("no usable cipher suite")
                .remedies(vec![cipher_fix(&list)]),
            );
        } else {
            let rsa = usable.iter().any(|s| {
                ciphers::fits_key(&s.name, ciphers::KeyType::Rsa) && !ciphers::is_tls13(&s.name)
            });
            let ecdsa = usable.iter().any(|s| {
                ciphers::fits_key(&s.name, ciphers::KeyType::Ecdsa) && !ciphers::is_tls13(&s.name)
            });
            if !rsa && ecdsa {
                out.push(
                    finding(
                        Code::NoUsableCipherSuite,
                        Severity::Warning,
                        format!("the {} cipher-suite list has only ECDSA suites below TLS 1.3: a server with an RSA certificate has nothing to offer TLS 1.2 clients", list.origin),
                        ev,
                    )
                    .headline("no usable cipher suite")
                    .remedies(vec![cipher_fix(&list)])
                    .confidence(Confidence::Medium),
                );
            }
            let first12 = usable.iter().find(|s| {
                ciphers::runs_on(&s.name, Protocol::Tls12) == Some(true)
                    && !ciphers::is_tls13(&s.name)
            });
            if let Some(s) = first12
                && !ciphers::is_http2_compatible(&s.name)
            {
                out.push(
                    finding(
                        Code::Http2CipherOrder,
                        Severity::Warning,
                        format!("the first TLS 1.2 suite of the {} list is {}, which HTTP/2 forbids: browsers that negotiate h2 abort with INADEQUATE_SECURITY", list.origin, s.name),
                        vec![s.evidence.clone()],
                    )
                    .headline("HTTP/2-incompatible first cipher suite")
                    .remedies(vec![if list.origin == "policy" {
                        // HTTP/2-compatible suites first, the rest in their order.
                        let (first, rest): (Vec<String>, Vec<String>) = list
                            .suites
                            .iter()
                            .map(|s| s.name.clone())
                            .partition(|n| ciphers::is_http2_compatible(n));
                        format!("Put ECDHE + AES-GCM suites first in the policy list: {}", policy_command(&[first, rest].concat()))
                    } else {
                        "Put ECDHE + AES-GCM suites first (`Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 -Position 0`, or the \"SSL Cipher Suite Order\" policy)".into()
                    }]),
                );
            }
        }
    }
    if let Some(policy) = ciphers::policy_functions(snap) {
        let raw_len: usize = policy
            .suites
            .iter()
            .map(|s| s.name.len() + 1)
            .sum::<usize>()
            .saturating_sub(1);
        let unknown: Vec<&str> = policy
            .suites
            .iter()
            .filter(|s| !ciphers::known_to_windows(&s.name))
            .map(|s| s.name.as_str())
            .collect();
        let build = snap.os.as_ref().and_then(|o| o.build);
        let no13 = build.is_some_and(|b| b >= 20348)
            && server_on.contains(&Protocol::Tls13)
            && !policy.suites.iter().any(|s| ciphers::is_tls13(&s.name));
        let mut why = Vec::new();
        if raw_len > 1023 {
            why.push(format!(
                "it is {raw_len} characters long and the policy editor keeps only 1,023"
            ));
        }
        if !unknown.is_empty() {
            why.push(format!(
                "Windows knows no suite named {}",
                unknown.join(", ")
            ));
        }
        if no13 {
            why.push("it lists no TLS 1.3 suite while TLS 1.3 is on".into());
        }
        if !why.is_empty() {
            out.push(
                finding(
                    Code::CipherSuitePolicy,
                    Severity::Warning,
                    format!("the SSL Cipher Suite Order policy drops suites silently: {}", why.join("; ")),
                    policy.suites.first().map(|s| vec![s.evidence.clone()]).unwrap_or_default(),
                )
                .headline("cipher-suite policy drops suites")
                .remedies(vec!["Rewrite the list (gpedit: Computer Configuration → Administrative Templates → Network → SSL Configuration Settings), TLS 1.3 suites first on Server 2022+: TLS_AES_256_GCM_SHA384,TLS_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,…".into()]),
            );
        }
    }
    let sw = schannel::switches(snap);
    let off = |kind: schannel::SwitchKind, name: &str| {
        sw.iter().find(|s| {
            s.kind == kind && s.name.eq_ignore_ascii_case(name) && s.enabled() == Some(false)
        })
    };
    use schannel::SwitchKind::{Cipher, KeyExchange};
    let mut dead: Vec<&schannel::Switch> = Vec::new();
    let mut why = Vec::new();
    if let (Some(e), Some(d)) = (off(KeyExchange, "ECDH"), off(KeyExchange, "Diffie-Hellman")) {
        if let Some(p) = off(KeyExchange, "PKCS") {
            why.push("every key exchange (PKCS, ECDH, Diffie-Hellman) is disabled".to_string());
            dead.extend([p, e, d]);
        } else {
            why.push(
                "ECDH and Diffie-Hellman are disabled: no forward secrecy, and TLS 1.3 cannot run"
                    .to_string(),
            );
            dead.extend([e, d]);
        }
    } else if let Some(p) = off(KeyExchange, "PKCS") {
        why.push("`KeyExchangeAlgorithms\\PKCS` is disabled: with an RSA certificate every RSA-authenticated suite is gone".to_string());
        dead.push(p);
    }
    if let (Some(a), Some(b)) = (off(Cipher, "AES 128/128"), off(Cipher, "AES 256/256")) {
        why.push("both AES ciphers are disabled".to_string());
        dead.extend([a, b]);
    }
    if !why.is_empty() {
        // The `Enabled` line shows the fact; deleting the key restores the
        // default (enabled).
        let ev: Vec<Evidence> = dead
            .iter()
            .map(|s| {
                s.value
                    .as_ref()
                    .map_or_else(|| s.evidence.clone(), |v| v.evidence.clone())
            })
            .collect();
        let deletes: Vec<String> = dead
            .iter()
            .map(|s| format!("`reg delete \"{}\" /f`", s.path))
            .collect();
        out.push(
            finding(
                Code::NoUsableCipherSuite,
                Severity::Warning,
                format!(
                    "legacy SCHANNEL switches remove usable suites: {}",
                    why.join("; ")
                ),
                ev,
            )
            .headline("no usable cipher suite")
            .remedies(vec![
                format!(
                    "Delete the switches (their default is enabled): {}, then reboot",
                    deletes.join(" and ")
                ),
                "Control suites with the cipher-suite order instead of these switches".into(),
            ]),
        );
    }
}

/// How to get a usable suite into `list`: the cmdlets edit the local list,
/// which a policy list overrides — so for a policy list, the policy itself.
fn cipher_fix(list: &super::SuiteList) -> String {
    if list.origin == "policy" {
        let mut names: Vec<String> = [
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        ]
        .iter()
        .map(|n| n.to_string())
        .collect();
        for s in &list.suites {
            if !names.iter().any(|n| n.eq_ignore_ascii_case(&s.name)) {
                names.push(s.name.clone());
            }
        }
        return format!(
            "Add common TLS 1.2 suites to the policy list: {}",
            policy_command(&names)
        );
    }
    "Restore a working list: `Get-TlsCipherSuite` shows what is on; add a common suite with `Enable-TlsCipherSuite -Name TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384` or fix the \"SSL Cipher Suite Order\" policy".into()
}

/// Writes the "SSL Cipher Suite Order" policy list `names`.
fn policy_command(names: &[String]) -> String {
    format!(
        "`reg add \"{}\" /v Functions /t REG_SZ /d \"{}\" /f` (where a domain GPO sets it, change it there: Computer Configuration → Administrative Templates → Network → SSL Configuration Settings → SSL Cipher Suite Order), then reboot",
        ciphers::POLICY_KEY,
        names.join(",")
    )
}

/// The four `reg add` commands that let .NET 4 apps use the OS's protocols
/// and strong crypto, in both registry views (spec §3.5).
fn dotnet_fix() -> String {
    let mut cmds = Vec::new();
    for wow in [false, true] {
        for name in ["SchUseStrongCrypto", "SystemDefaultTlsVersions"] {
            cmds.push(format!(
                "`reg add \"{}\" /v {name} /t REG_DWORD /d 1 /f`",
                schannel::Framework::V4.key_path(wow)
            ));
        }
    }
    cmds.join(" and ")
}

fn client_side(snap: &Snapshot, out: &mut Vec<Finding>) {
    let c10 = schannel::protocol_state(snap, Protocol::Tls10, Role::Client).for_default_callers();
    let c11 = schannel::protocol_state(snap, Protocol::Tls11, Role::Client).for_default_callers();
    let s10 = schannel::protocol_state(snap, Protocol::Tls10, Role::Server).for_default_callers();
    let old_off = (c10 == Some(false) && c11 == Some(false)) || s10 == Some(false);
    let weak: Vec<&schannel::DotNet> = Vec::new();
    let all = schannel::dotnet(snap);
    let mut weak = weak;
    for d in all
        .iter()
        .filter(|d| d.framework == schannel::Framework::V4 && d.key.is_some())
    {
        if d.strong_crypto() != Some(1) || d.system_default_tls() != Some(1) {
            weak.push(d);
        }
    }
    if old_off && !weak.is_empty() {
        let ev: Vec<Evidence> = weak.iter().filter_map(|d| d.key.clone()).collect();
        out.push(
            finding(
                Code::DotnetLegacyTls,
                Severity::Warning,
                "TLS 1.0/1.1 are off, but .NET Framework 4 does not have SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1 (in both registry views): apps built for .NET 4.6.x or older offer only TLS 1.0 and fail".into(),
                ev,
            )
            .headline(".NET apps limited to old TLS")
            .remedies(vec![format!("{}, then restart the apps", dotnet_fix())]),
        );
    }
    for m in schannel::dotnet_view_mismatches(snap) {
        // The value's line, or the key's when the value is not set there.
        let line = |v: &Option<super::RegValue>, wow: bool| {
            v.as_ref().map(|v| v.evidence.clone()).or_else(|| {
                snap.registry
                    .key(&m.framework.key_path(wow))
                    .map(|k| k.evidence.clone())
            })
        };
        let ev: Vec<Evidence> = [line(&m.native, false), line(&m.wow6432, true)]
            .into_iter()
            .flatten()
            .collect();
        let set = |wow: bool| {
            format!(
                "`reg add \"{}\" /v {} /t REG_DWORD /d 1 /f`",
                m.framework.key_path(wow),
                m.name
            )
        };
        out.push(
            finding(
                Code::DotnetLegacyTls,
                Severity::Info,
                format!("`{}` differs between the 64-bit and WOW6432Node .NET keys: 32-bit app pools behave differently", m.name),
                ev,
            )
            .headline(".NET apps limited to old TLS")
            .remedies(vec![format!("Set it to 1 in both views: {} and {}, then restart the apps", set(false), set(true))]),
        );
    }
    let old_os = snap
        .os
        .as_ref()
        .and_then(|o| o.build)
        .is_some_and(|b| b <= 9200);
    if let (true, Some(os)) = (old_os, &snap.os) {
        let lacking: Vec<schannel::WinHttp> = schannel::winhttp(snap)
            .into_iter()
            .filter(|w| w.allows(Protocol::Tls12) != Some(true))
            .collect();
        if !lacking.is_empty() {
            let shown: Vec<String> = lacking
                .iter()
                .map(|w| {
                    let view = if w.wow6432 { " in WOW6432Node" } else { "" };
                    match w.mask() {
                        Some(m) => {
                            let ps: Vec<&str> = w.protocols().iter().map(|p| p.name()).collect();
                            let ps = if ps.is_empty() {
                                "none".to_string()
                            } else {
                                ps.join(", ")
                            };
                            format!("0x{m:x} ({ps}){view}")
                        }
                        None => format!("not a DWORD{view}"),
                    }
                })
                .collect();
            let mut ev = vec![os.evidence.clone()];
            ev.extend(lacking.iter().map(|w| w.value.evidence.clone()));
            let fixes: Vec<String> = lacking
                .iter()
                .map(|w| {
                    let key = if w.wow6432 { schannel::WINHTTP_WOW } else { schannel::WINHTTP };
                    let want = w.mask().map_or(0xA80, |m| m | Protocol::Tls12.winhttp_bit());
                    format!("`reg add \"{key}\" /v DefaultSecureProtocols /t REG_DWORD /d 0x{want:X} /f`")
                })
                .collect();
            out.push(
                finding(
                    Code::WinhttpLegacyTls,
                    Severity::Warning,
                    format!(
                        "WinHTTP `DefaultSecureProtocols` is {}, without TLS 1.2 (0x800): on build {} WinHTTP clients then do not offer TLS 1.2",
                        shown.join("; "),
                        os.build.unwrap_or_default()
                    ),
                    ev,
                )
                .headline("WinHTTP without TLS 1.2")
                .remedies(vec![format!("Install KB3140245, then {}", fixes.join(" and "))]),
            );
        }
    }
    if let Some((true, v)) = schannel::fips(snap) {
        out.push(
            finding(
                Code::FipsMode,
                Severity::Info,
                "the FIPS algorithm policy is on: it restricts cipher suites and breaks some .NET cryptography".into(),
                vec![v.evidence],
            )
            .headline("FIPS policy on")
            .remedies(vec![
                "Confirm it is intended (a security baseline may require it)".into(),
                if snap.registry.value(schannel::FIPS_POLICY, "Enabled").is_some() {
                    format!("If not: `reg add \"{}\" /v Enabled /t REG_DWORD /d 0 /f`, then reboot", schannel::FIPS_POLICY)
                } else {
                    "If not: `reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\" /v FIPSAlgorithmPolicy /t REG_DWORD /d 0 /f`, then reboot".into()
                },
            ]),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::Encoding;

    /// A snapshot of exports given as (file name, text).
    fn snap(files: &[(&str, &str)]) -> Snapshot {
        let mut s = Snapshot::default();
        for (name, text) in files {
            s.add_text(name, Encoding::Utf8, text);
        }
        s
    }

    fn by_code(snap: &Snapshot, code: Code) -> Vec<Finding> {
        evaluate(snap)
            .into_iter()
            .filter(|f| f.code == code)
            .collect()
    }

    const P: &str =
        r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";

    #[test]
    fn tls13_keys_on_2019_one_finding_deleting_the_protocol_key() {
        let q = format!(
            "{P}\\TLS 1.3\n\n{P}\\TLS 1.3\\Client\n    Enabled    REG_DWORD    0x1\n\n\
             {P}\\TLS 1.3\\Server\n    Enabled    REG_DWORD    0x1\n"
        );
        let s = snap(&[
            ("q.txt", &q),
            ("ver.txt", "Microsoft Windows [Version 10.0.17763.1]\n"),
        ]);
        let f = by_code(&s, Code::Tls13UnsupportedOs);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].evidence.len(), 3);
        assert_eq!(
            f[0].remedies,
            [format!("Delete the key: `reg delete \"{P}\\TLS 1.3\" /f`")]
        );
    }

    #[test]
    fn wrong_type_fix_writes_the_number_the_string_held() {
        let r = format!(
            "Windows Registry Editor Version 5.00\n\n[{P}\\TLS 1.0\\Server]\n\"Enabled\"=\"0\"\n"
        );
        let f = by_code(&snap(&[("x.reg", &r)]), Code::RegistryWrongType);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].remedies[0].ends_with(&format!(
                "`reg add \"{P}\\TLS 1.0\\Server\" /v Enabled /t REG_DWORD /d 0 /f`"
            )),
            "{:?}",
            f[0].remedies
        );
    }

    #[test]
    fn unknown_key_names_its_parent_and_the_copy_command() {
        let q = format!("{P}\\TLS1.2\\Server\n    Enabled    REG_DWORD    0x1\n");
        let f = by_code(&snap(&[("q.txt", &q)]), Code::RegistryUnknownKey);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert!(
            f[0].message
                .contains(&format!("`TLS1.2` (meant `TLS 1.2`?) under {P}:")),
            "{}",
            f[0].message
        );
        assert!(f[0].remedies[0].contains(&format!(
            "`reg copy \"{P}\\TLS1.2\" \"{P}\\TLS 1.2\" /s /f` and `reg delete \"{P}\\TLS1.2\" /f`"
        )));
    }

    #[test]
    fn value_on_protocol_key_moved_under_server() {
        let q = format!("{P}\\TLS 1.2\n    Enabled    REG_DWORD    0x1\n");
        let f = by_code(&snap(&[("q.txt", &q)]), Code::RegistryUnknownKey);
        assert_eq!(f.len(), 1);
        assert!(f[0].remedies[0].contains(&format!(
            "`reg add \"{P}\\TLS 1.2\\Server\" /v Enabled /t REG_DWORD /d 1 /f`"
        )));
        assert!(f[0].remedies[0].contains(&format!("`reg delete \"{P}\\TLS 1.2\" /v Enabled /f`")));
    }

    #[test]
    fn nonstandard_enabled_remedy_sets_each_value_to_one() {
        let q = format!("{P}\\TLS 1.2\\Server\n    Enabled    REG_DWORD    0xffffffff\n");
        let f = by_code(&snap(&[("q.txt", &q)]), Code::RegistryNonstandardValue);
        assert_eq!(f[0].remedies.len(), 2);
        assert_eq!(
            f[0].remedies[1],
            format!(
                "`reg add \"{}\" /v Enabled /t REG_DWORD /d 1 /f`",
                Protocol::Tls12.key_path(Role::Server)
            )
        );
    }

    #[test]
    fn half_disabled_names_the_protocol_and_both_ways_out() {
        let q = format!(
            "{P}\\TLS 1.1\\Server\n    Enabled    REG_DWORD    0x1\n    DisabledByDefault    REG_DWORD    0x1\n"
        );
        let f = by_code(&snap(&[("q.txt", &q)]), Code::ProtocolHalfDisabled);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message
                .contains("TLS 1.1\\Server (Enabled=0x1, DisabledByDefault=0x1)"),
            "{}",
            f[0].message
        );
        let key = Protocol::Tls11.key_path(Role::Server);
        assert!(f[0].remedies[0].contains(&format!(
            "`reg add \"{key}\" /v DisabledByDefault /t REG_DWORD /d 1 /f`"
        )));
        assert!(f[0].remedies[0].contains(&enable_commands(Protocol::Tls11, Role::Server)));
    }

    #[test]
    fn legacy_switches_show_enabled_lines_and_delete_the_keys() {
        let k = r"HKEY_LOCAL_MACHINE\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\KeyExchangeAlgorithms";
        let q = format!("{k}\\PKCS\n    Enabled    REG_DWORD    0x0\n");
        let f = by_code(&snap(&[("q.txt", &q)]), Code::NoUsableCipherSuite);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence[0].line, 2);
        assert_eq!(f[0].evidence[0].text, "Enabled    REG_DWORD    0x0");
        assert!(f[0].remedies[0].contains(&format!("`reg delete \"{k}\\PKCS\" /f`")));
    }

    #[test]
    fn dotnet_views_differ_both_lines_and_both_commands() {
        let q = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319\n    SystemDefaultTlsVersions    REG_DWORD    0x1\n\n\
                 HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319\n    SchUseStrongCrypto    REG_DWORD    0x1\n    SystemDefaultTlsVersions    REG_DWORD    0x1\n";
        let f = by_code(&snap(&[("q.txt", q)]), Code::DotnetLegacyTls);
        assert_eq!(f.len(), 1, "{f:#?}");
        assert_eq!(f[0].evidence.len(), 2);
        for wow in [false, true] {
            assert!(f[0].remedies[0].contains(&format!(
                "`reg add \"{}\" /v SchUseStrongCrypto /t REG_DWORD /d 1 /f`",
                schannel::Framework::V4.key_path(wow)
            )));
        }
    }

    #[test]
    fn fips_remedy_turns_it_off_when_not_required() {
        let q = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy\n    Enabled    REG_DWORD    0x1\n";
        let f = by_code(&snap(&[("q.txt", q)]), Code::FipsMode);
        assert!(f[0].remedies[1].contains(
            "`reg add \"HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa\\FipsAlgorithmPolicy\" /v Enabled /t REG_DWORD /d 0 /f`"
        ));
    }

    const TH: &str = "3b8f0c1e6a2d4f5b7c9e1a3d5f7b9c2e4a6d8f01";
    const IIS: &str = "{4dc3e181-e14b-4a21-b022-59fc669b0914}";

    /// A `netsh http show sslcert` output of (label, key, hash, app id) records.
    fn sslcert(records: &[(&str, &str, &str, &str)]) -> String {
        let mut t = String::from("SSL Certificate bindings:\n-------------------------\n\n");
        for (label, key, hash, app) in records {
            t += &format!(
                "    {label} : {key}\n    Certificate Hash             : {hash}\n    \
                 Application ID               : {app}\n    Certificate Store Name       : MY\n\n"
            );
        }
        t
    }

    #[test]
    fn zero_app_id_recreates_with_the_bindings_own_hash() {
        let s = snap(&[(
            "s.txt",
            &sslcert(&[(
                "IP:port",
                "[::]:443",
                TH,
                "{00000000-0000-0000-0000-000000000000}",
            )]),
        )]);
        let f = by_code(&s, Code::BindingZeroAppId);
        assert!(f[0].remedies[1].contains(&format!(
            "`netsh http add sslcert ipport=[::]:443 certhash={TH} appid={IIS} certstorename=MY`"
        )));
    }

    #[test]
    fn name_mismatch_fix_keeps_the_bindings_app_id() {
        let cert = format!(
            "my \"Personal\"\n================ Certificate 0 ================\nCertificate Extensions: 1\n    \
             2.5.29.17: Flags = 0, Length = 1a\n    Subject Alternative Name\n        DNS Name=shop.contoso.com\n\n\
             Cert Hash(sha1): {TH}\nEncryption test passed\n"
        );
        let app = "{5d89a20c-beab-4389-9447-324788eb944a}";
        let s = snap(&[
            (
                "s.txt",
                &sslcert(&[("Hostname:port", "www.contoso.com:443", TH, app)]),
            ),
            ("c.txt", &cert),
        ]);
        let f = by_code(&s, Code::CertificateNameMismatch);
        assert!(f[0].remedies[0].contains(&format!(
            "hostnameport=www.contoso.com:443 certhash=<thumbprint> appid={app} certstorename=MY`"
        )));
    }

    #[test]
    fn expired_fix_rebinds_every_binding_by_its_selector() {
        let cert = format!(
            "my \"Personal\"\n================ Certificate 0 ================\n NotBefore: 1/1/2017 9:00 AM\n \
             NotAfter: 1/1/2019 9:00 AM\nCert Hash(sha1): {TH}\nEncryption test passed\n"
        );
        let mut s = snap(&[
            (
                "s.txt",
                &sslcert(&[
                    ("IP:port", "0.0.0.0:443", TH, IIS),
                    ("Hostname:port", "www.contoso.com:443", TH, IIS),
                ]),
            ),
            ("c.txt", &cert),
        ]);
        s.captured_at = Some(1_700_000_000);
        let f = by_code(&s, Code::CertificateExpired);
        assert_eq!(f.len(), 1);
        for sel in ["ipport=0.0.0.0:443", "hostnameport=www.contoso.com:443"] {
            assert!(
                f[0].remedies[1].contains(&format!(
                    "`netsh http update sslcert {sel} certhash=<new thumbprint> appid={IIS}`"
                )),
                "{:?}",
                f[0].remedies
            );
        }
    }

    #[test]
    fn event_36869_repairs_the_bound_certificate() {
        let ev = "Event Type:\tError\nEvent Source:\tSchannel\nEvent ID:\t36869\nDescription:\nThe SSL server \
                  credential's certificate does not have a private key information property attached to it.\n";
        let s = snap(&[
            ("s.txt", &sslcert(&[("IP:port", "0.0.0.0:443", TH, IIS)])),
            ("e.txt", ev),
        ]);
        let f = by_code(&s, Code::CertificateNoPrivateKey);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].remedies[0],
            format!("For the bound certificate: `certutil -repairstore my \"{TH}\"`")
        );
    }

    fn http_event(id: u32, text: &str) -> String {
        format!(
            "Event[0]:\n  Log Name: System\n  Source: Microsoft-Windows-HttpEvent\n  Event ID: {id}\n  \
             Level: Warning\n  Description: \n{text}\n"
        )
    }

    #[test]
    fn httpsys_event_fixes_name_the_endpoint() {
        let s = snap(&[
            ("s.txt", &sslcert(&[("IP:port", "0.0.0.0:443", TH, IIS)])),
            (
                "a.txt",
                &http_event(
                    15021,
                    "An error occurred while using SSL configuration for endpoint 0.0.0.0:443.",
                ),
            ),
            (
                "b.txt",
                &http_event(
                    15300,
                    "SSL Certificate Settings deleted for endpoint : www.contoso.com:443 .",
                ),
            ),
            (
                "c.txt",
                &http_event(
                    15005,
                    "Unable to bind to the underlying transport for [fe80::1]:443. The IP Listen-Only list may contain a reference to an interface which may not exist on this machine.",
                ),
            ),
        ]);
        let f = by_code(&s, Code::BindingErrorEvent);
        assert!(
            f[0].message.contains("endpoint 0.0.0.0:443"),
            "{}",
            f[0].message
        );
        assert!(f[0].remedies[0].contains(&format!(
            "`netsh http show sslcert ipport=0.0.0.0:443` and `certutil -store my {TH}`"
        )));
        let f = by_code(&s, Code::BindingDeletedEvent);
        assert!(f[0].remedies[0].contains(&format!(
            "`netsh http add sslcert hostnameport=www.contoso.com:443 certhash=<thumbprint> appid={IIS} certstorename=MY`"
        )));
        let f = by_code(&s, Code::IpListenExcludes);
        assert!(f[0].remedies[0].contains("`netsh http delete iplisten ipaddress=fe80::1`"));
    }

    #[test]
    fn event_36871_fix_is_the_reg_commands() {
        let x = "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Schannel'/>\
                 <EventID>36871</EventID></System><EventData><Data Name='Type'>client</Data>\
                 <Data Name='ErrorState'>10013</Data></EventData></Event>\n";
        let f = by_code(&snap(&[("e.xml", x)]), Code::ClientProtocolDisabled);
        assert!(f[0].remedies[0].contains(&dotnet_fix()));
        assert_eq!(dotnet_fix().matches("`reg add ").count(), 4);
        assert!(f[0].remedies[1].contains(&enable_commands(Protocol::Tls12, Role::Client)));
    }

    #[test]
    fn winhttp_finding_shows_the_value_and_completes_the_mask() {
        let q = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp\n    \
                 DefaultSecureProtocols    REG_DWORD    0x280\n";
        let s = snap(&[
            ("ver.txt", "Microsoft Windows [Version 6.2.9200]\n"),
            ("w.txt", q),
        ]);
        let f = by_code(&s, Code::WinhttpLegacyTls);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("0x280 (TLS 1.0, TLS 1.1)"),
            "{}",
            f[0].message
        );
        let files: Vec<&str> = f[0].evidence.iter().map(|e| e.file.as_str()).collect();
        assert_eq!(files, ["ver.txt", "w.txt"]);
        assert!(f[0].remedies[0].contains("/v DefaultSecureProtocols /t REG_DWORD /d 0xA80 /f`"));
    }

    const POLICY: &str = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002";

    #[test]
    fn no_usable_suite_under_a_policy_list_fixes_the_policy() {
        // The cmdlets edit the local list, which the policy overrides.
        let q = format!("{POLICY}\n    Functions    REG_SZ    TLS_AES_256_GCM_SHA384\n");
        let s = snap(&[
            ("q.txt", &q),
            ("ver.txt", "Microsoft Windows [Version 10.0.17763.1]\n"),
        ]);
        let f = by_code(&s, Code::NoUsableCipherSuite);
        assert_eq!((f.len(), f[0].severity), (1, Severity::Error));
        assert!(f[0].remedies[0].contains(
            "/v Functions /t REG_SZ /d \"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_AES_256_GCM_SHA384\" /f`"
        ));
        assert!(!f[0].remedies[0].contains("Enable-TlsCipherSuite"));
    }

    #[test]
    fn http2_order_under_a_policy_list_moves_aead_suites_first() {
        let q = format!(
            "{POLICY}\n    Functions    REG_SZ    TLS_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n"
        );
        let f = by_code(&snap(&[("q.txt", &q)]), Code::Http2CipherOrder);
        assert!(f[0].remedies[0].contains(
            "/d \"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA\" /f`"
        ));
    }

    #[test]
    fn date_unix_seconds_civil() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_709_251_200), "2024-03-01");
        assert_eq!(date(951_782_400), "2000-02-29");
    }

    #[test]
    fn name_covers_wildcard_one_level_only() {
        assert!(name_covers("*.contoso.com", "www.contoso.com"));
        assert!(!name_covers("*.contoso.com", "a.b.contoso.com"));
        assert!(!name_covers("*.contoso.com", "contoso.com"));
        assert!(name_covers("WWW.contoso.com", "www.CONTOSO.com"));
    }

    #[test]
    fn zero_guid_braced_or_not() {
        assert!(is_zero_guid("{00000000-0000-0000-0000-000000000000}"));
        assert!(!is_zero_guid("{4dc3e181-e14b-4a21-b022-59fc669b0914}"));
    }
}
