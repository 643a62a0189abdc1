//! Host facts set against a capture's findings (`analyze --host`).
//!
//! Input: a [`Host`] (the snapshot and its rule findings, computed once) and
//! each finished handshake with its capture findings. Output: the cause
//! finding marked [`HostCheck::Confirmed`] (with the host evidence, the exact
//! fix first, confidence high) or [`HostCheck::Contradicted`] (the host
//! disagrees: another server, a load balancer, a per-binding setting).
//! Invariants: a handshake is joined only when the host serves its server's
//! port (by its bindings, else its listening sockets; with neither, the user's
//! word that this is the server is taken); only the cause finding changes.
//! Not done here: host-only rules (see `rules`).

use std::net::SocketAddr;

use super::schannel::{self, ProtoState, Protocol, Role};
use super::{Binding, BindingKey, Evidence, KeyState, Snapshot, rules};
use crate::diagnose::{Code, Confidence, Finding, HostCheck, Severity};
use crate::session::Handshake;

/// A host ready to be joined with captures.
#[derive(Debug, Clone)]
pub struct Host {
    /// As named to the user (folder, files, or `live`).
    pub name: String,
    /// The facts.
    pub snap: Snapshot,
    /// What the host rules found.
    pub findings: Vec<Finding>,
}

impl Host {
    /// Evaluates the host rules once.
    pub fn new(name: String, snap: Snapshot) -> Self {
        let findings = rules::evaluate(&snap);
        Host {
            name,
            snap,
            findings,
        }
    }

    /// Marks `h`'s cause finding as confirmed or contradicted by the host.
    pub fn apply(&self, h: &Handshake, findings: &mut [Finding]) {
        if !self.serves(h.server) {
            return;
        }
        let Some(cause) = findings.iter_mut().find(|f| f.severity == Severity::Error) else {
            return;
        };
        let sni = h.client_hello.as_ref().and_then(|c| c.sni.as_deref());
        let verdict = match cause.code {
            Code::ResetAfterClientHello
            | Code::ClosedAfterClientHello
            | Code::SniRequired
            | Code::NoServerResponse
            | Code::UnrecognizedName => self.no_credential(h.server, sni),
            Code::NonTlsResponse => self.port_owner(h.server),
            Code::CertificateRejected
            | Code::CertificateUntrusted
            | Code::CertificateExpired
            | Code::CertificateNotYetValid
            | Code::CertificateNameMismatch
            | Code::CertificateMissingServerAuthEku => self.by_codes(&[
                Code::CertificateUntrusted,
                Code::CertificateExpired,
                Code::CertificateNotYetValid,
                Code::CertificateMissingServerAuthEku,
                Code::CertificateNameMismatch,
            ]),
            Code::NoSharedCipher => self.by_codes(&[
                Code::NoUsableCipherSuite,
                Code::NoSharedCipher,
                Code::CipherSuitePolicy,
            ]),
            Code::VersionMismatch => self
                .binding_flags(h.server, sni)
                .or_else(|| self.protocols(h)),
            _ => None,
        };
        if let Some(v) = verdict {
            merge(cause, v);
        }
    }

    /// Does this host serve `server`'s port?
    fn serves(&self, server: SocketAddr) -> bool {
        let s = &self.snap;
        if !s.bindings.is_empty() {
            return s.bindings.iter().any(|b| b.key.port() == server.port());
        }
        if s.netstat_seen {
            return s
                .sockets
                .iter()
                .any(|x| x.listening() && x.local.port() == server.port());
        }
        true
    }

    /// A host finding of one of `codes`, as a confirmation.
    fn by_codes(&self, codes: &[Code]) -> Option<Verdict> {
        let f = self
            .findings
            .iter()
            .find(|f| codes.contains(&f.code) && f.severity <= Severity::Warning)?;
        Some(Verdict::confirmed(
            f.message.clone(),
            f.evidence.clone(),
            f.remedies.clone(),
        ))
    }

    /// Why the server had no usable credential for this endpoint: no
    /// binding, a binding without certificate or key, a rejecting binding.
    fn no_credential(&self, server: SocketAddr, sni: Option<&str>) -> Option<Verdict> {
        let s = &self.snap;
        if !s.bindings.is_empty() {
            match lookup(s, server, sni) {
                None => {
                    let on_port: Vec<&Binding> = s
                        .bindings
                        .iter()
                        .filter(|b| b.key.port() == server.port())
                        .collect();
                    let sni_only = !on_port.is_empty()
                        && on_port
                            .iter()
                            .all(|b| matches!(b.key, BindingKey::Hostname { .. }));
                    let what = match (sni, sni_only) {
                        (None, true) => format!(
                            "the host has only SNI bindings on port {} and this client sends no SNI, so \
                             HTTP.sys has no certificate for it",
                            server.port()
                        ),
                        (Some(n), _) => format!(
                            "the host has no HTTP.sys binding that serves {n} on {server} (no matching \
                             Hostname:port, IP:port or 0.0.0.0:{} binding)",
                            server.port()
                        ),
                        (None, false) => format!(
                            "the host has no HTTP.sys IP binding for {server} (nor 0.0.0.0:{})",
                            server.port()
                        ),
                    };
                    let t = on_port
                        .iter()
                        .find_map(|b| b.cert_hash.as_deref())
                        .unwrap_or("<thumbprint>");
                    let fix = format!(
                        "Add a binding clients without a matching name reach: `netsh http add sslcert \
                         ipport=0.0.0.0:{} certhash={t} appid={{4dc3e181-e14b-4a21-b022-59fc669b0914}} \
                         certstorename=MY`",
                        server.port()
                    );
                    return Some(Verdict::confirmed(
                        what,
                        on_port.iter().map(|b| b.evidence.clone()).collect(),
                        vec![fix],
                    ));
                }
                Some(b) => {
                    if let Some(f) = self.binding_finding(
                        b,
                        &[
                            Code::BindingEmptyHash,
                            Code::BindingRejectsConnections,
                            Code::BindingCertificateMissing,
                        ],
                    ) {
                        return Some(f);
                    }
                    let bad_key = b.cert_hash.as_deref().and_then(|h| {
                        s.certs_by_thumbprint(h)
                            .find(|c| matches!(c.key, KeyState::NoKey | KeyState::MissingKeyset))
                    });
                    if let Some(c) = bad_key {
                        let code = if c.key == KeyState::NoKey {
                            Code::CertificateNoPrivateKey
                        } else {
                            Code::PrivateKeyInaccessible
                        };
                        if let Some(f) = self
                            .findings
                            .iter()
                            .find(|f| f.code == code && f.evidence.contains(&c.evidence))
                        {
                            let mut ev = vec![b.evidence.clone()];
                            ev.extend(f.evidence.iter().cloned());
                            return Some(Verdict::confirmed(
                                f.message.clone(),
                                ev,
                                f.remedies.clone(),
                            ));
                        }
                    }
                }
            }
        }
        self.by_codes(&[
            Code::CertificateNoPrivateKey,
            Code::PrivateKeyInaccessible,
            Code::PrivateKeyUnusable,
            Code::BindingErrorEvent,
        ])
    }

    /// A host finding about binding `b` of one of `codes`.
    fn binding_finding(&self, b: &Binding, codes: &[Code]) -> Option<Verdict> {
        let f = self
            .findings
            .iter()
            .find(|f| codes.contains(&f.code) && f.evidence.first() == Some(&b.evidence))?;
        Some(Verdict::confirmed(
            f.message.clone(),
            f.evidence.clone(),
            f.remedies.clone(),
        ))
    }

    /// Per-binding protocol switches on the binding this client reaches.
    fn binding_flags(&self, server: SocketAddr, sni: Option<&str>) -> Option<Verdict> {
        let b = lookup(&self.snap, server, sni)?;
        self.binding_finding(b, &[Code::BindingDisablesProtocol])
    }

    /// The versions the client accepted, set against the server's SCHANNEL
    /// state for each.
    fn protocols(&self, h: &Handshake) -> Option<Verdict> {
        let wanted = client_versions(h);
        if wanted.is_empty() {
            return None;
        }
        let states: Vec<(Protocol, ProtoState)> = wanted
            .iter()
            .map(|&p| (p, schannel::protocol_state(&self.snap, p, Role::Server)))
            .collect();
        let offered = range_text(&wanted);
        let decided: Vec<&(Protocol, ProtoState)> = states
            .iter()
            .filter(|(_, s)| s.for_default_callers().is_some())
            .collect();
        if decided.len() < states.len() {
            return None;
        }
        if let Some((p, s)) = states
            .iter()
            .rev()
            .find(|(_, s)| s.for_default_callers() == Some(true))
        {
            return Some(Verdict {
                check: HostCheck::Contradicted,
                message: format!(
                    "the host has {p} on for the server ({}), which the client offers: look for a per-binding \
                     switch, a load balancer or proxy in front, or another server answering",
                    s.describe()
                ),
                evidence: s.evidence(),
                remedies: Vec::new(),
            });
        }
        let states_text: Vec<String> = states
            .iter()
            .map(|(p, s)| format!("{p}\\Server {}", s.describe()))
            .collect();
        let top = wanted[wanted.len() - 1];
        let server_on: Vec<Protocol> = schannel::server_protocols_on(&self.snap)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        let client_too_old =
            server_on.iter().all(|p| p.version() > top.version()) && !server_on.is_empty();
        let remedies = if client_too_old {
            vec![
                format!(
                    "Upgrade the client to offer {} or newer (.NET: SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1)",
                    server_on[0]
                ),
                format!(
                    "Only if the client cannot change: {}",
                    rules::enable_commands(top, Role::Server)
                ),
            ]
        } else {
            vec![rules::enable_commands(top, Role::Server)]
        };
        Some(Verdict::confirmed(
            format!(
                "the client offers only {offered}, and the host has {} — this is the cause",
                states_text.join(", ")
            ),
            states.iter().flat_map(|(_, s)| s.evidence()).collect(),
            remedies,
        ))
    }

    /// Who owns the port that answered with something that is not TLS.
    fn port_owner(&self, server: SocketAddr) -> Option<Verdict> {
        let s = &self.snap;
        if !s.netstat_seen {
            return None;
        }
        let on_port: Vec<&super::Socket> = s
            .sockets
            .iter()
            .filter(|x| {
                x.listening()
                    && x.local.port() == server.port()
                    && (x.local.ip().is_unspecified() || x.local.ip() == server.ip())
            })
            .collect();
        if let Some(x) = on_port.iter().find(|x| x.pid != 4) {
            let f = self
                .findings
                .iter()
                .find(|f| f.code == Code::PortConflict && f.evidence.contains(&x.evidence));
            let (msg, rem) = match f {
                Some(f) => (f.message.clone(), f.remedies.clone()),
                None => (
                    format!("PID {} (not HTTP.sys) listens on {}", x.pid, x.local),
                    vec![format!(
                        "`tasklist /svc /fi \"PID eq {}\"`, then stop or move that program",
                        x.pid
                    )],
                ),
            };
            return Some(Verdict::confirmed(msg, vec![x.evidence.clone()], rem));
        }
        on_port.first().map(|x| Verdict {
            check: HostCheck::Contradicted,
            message: format!(
                "the host shows HTTP.sys (PID 4) on {}: the non-TLS answer comes from something in front of \
                 this server (a proxy or load balancer) or from another server",
                x.local
            ),
            evidence: vec![x.evidence.clone()],
            remedies: Vec::new(),
        })
    }
}

/// The protocol versions the client accepted, oldest first: its
/// supported_versions; else, when it refused the server's choice, the
/// versions above that choice up to its legacy version; else TLS 1.0 up to
/// its legacy version (a capture cannot show a client's minimum).
fn client_versions(h: &Handshake) -> Vec<Protocol> {
    let Some(ch) = &h.client_hello else {
        return Vec::new();
    };
    let mut v: Vec<Protocol> = if ch.supported_versions.is_empty() {
        let max = ch.version;
        let min = h
            .server_hello
            .as_ref()
            .filter(|sh| sh.version < max)
            .map(|sh| sh.version);
        Protocol::ALL
            .iter()
            .copied()
            .filter(|p| {
                let pv = p.version();
                pv <= max
                    && match min {
                        Some(m) => pv > m,
                        None => pv >= crate::tls::Version(0x0301),
                    }
            })
            .collect()
    } else {
        ch.supported_versions
            .iter()
            .filter_map(|&v| Protocol::from_version(v))
            .collect()
    };
    v.sort_by_key(|p| p.version());
    v.dedup();
    v
}

/// "TLS 1.1–TLS 1.2" or "TLS 1.3".
fn range_text(v: &[Protocol]) -> String {
    match v {
        [] => String::new(),
        [one] => one.name().to_string(),
        [first, .., last] => format!("{}–{}", first.name(), last.name()),
    }
}

/// The binding a client reaches (spec §5): SNI name, exact IP, wildcard,
/// then Central Certificate Store (needs SNI).
pub fn lookup<'a>(
    snap: &'a Snapshot,
    server: SocketAddr,
    sni: Option<&str>,
) -> Option<&'a Binding> {
    let port = server.port();
    let ip = match server.ip() {
        std::net::IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map_or(server.ip(), std::net::IpAddr::V4),
        v4 => v4,
    };
    let find = |pred: &dyn Fn(&BindingKey) -> bool| snap.bindings.iter().find(|b| pred(&b.key));
    if let Some(n) = sni
        && let Some(b) = find(
            &|k| matches!(k, BindingKey::Hostname { host, port: p } if *p == port && host.eq_ignore_ascii_case(n)),
        )
    {
        return Some(b);
    }
    find(&|k| matches!(k, BindingKey::Ip { addr } if addr.port() == port && addr.ip() == ip))
        .or_else(|| {
            find(&|k| {
                matches!(k, BindingKey::Ip { addr } if addr.port() == port && addr.ip().is_unspecified() && addr.is_ipv4() == ip.is_ipv4())
            })
        })
        .or_else(|| {
            sni.and_then(|_| find(&|k| matches!(k, BindingKey::Ccs { port: p } if *p == port)))
        })
}

/// What the host says of a capture finding.
#[derive(Debug, Clone)]
struct Verdict {
    check: HostCheck,
    message: String,
    evidence: Vec<Evidence>,
    remedies: Vec<String>,
}

impl Verdict {
    fn confirmed(message: String, evidence: Vec<Evidence>, remedies: Vec<String>) -> Self {
        Verdict {
            check: HostCheck::Confirmed,
            message,
            evidence,
            remedies,
        }
    }
}

fn merge(f: &mut Finding, v: Verdict) {
    f.host = Some(v.check);
    match v.check {
        HostCheck::Confirmed => {
            f.message = format!(
                "{}; the host confirms: {}.",
                f.message.trim_end_matches('.'),
                v.message
            );
            f.confidence = Some(Confidence::High);
            // The host is Windows: its exact fix first, the capture's
            // generic Windows advice after, the Linux advice dropped.
            let mut rem = v.remedies;
            rem.extend(f.remedies.drain(..).filter(|r| !r.starts_with("Linux:")));
            f.remedies = rem;
        }
        HostCheck::Contradicted => {
            f.message = format!("{}; but {}.", f.message.trim_end_matches('.'), v.message);
        }
    }
    f.evidence = v.evidence;
}
