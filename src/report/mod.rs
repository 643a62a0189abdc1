//! The one output model, and its two renderings.
//!
//! Input: finished handshakes with their findings ([`Record`]) as the
//! pipeline produces them, then one [`Summary`] per capture.
//! Output: JSON Lines for tools ([`json`]), colored text for people ([`text`]).
//! Invariants: nothing else in the crate prints; the JSON shape is the
//! documented contract (README, DESIGN.md §4); memory is bounded — the text
//! report keeps only a few example handshakes per (server, cause) group, and
//! rollups are capped.

pub mod host;
pub mod json;
pub mod text;

use std::collections::BTreeMap;
use std::collections::HashMap;

use serde::Serialize;

use crate::capture::Timestamp;
use crate::diagnose::{Code, Finding, Severity};
use crate::session::{Handshake, Outcome};
use crate::tls::{CipherSuite, Version};

/// Servers tracked individually in the rollup; the rest are counted together.
const MAX_SERVERS: usize = 10_000;

/// One handshake line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Record<'a> {
    /// Always "handshake".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The capture's name as given.
    pub capture: &'a str,
    /// The handshake facts.
    #[serde(flatten)]
    pub handshake: &'a Handshake,
    /// Its findings.
    pub findings: &'a [Finding],
}

impl Record<'_> {
    /// The first error-severity finding: the cause.
    pub fn cause(&self) -> Option<&Finding> {
        self.findings.iter().find(|f| f.severity == Severity::Error)
    }
}

/// Where reading stopped on a damaged capture.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Damage {
    /// Byte offset of the damage in the (decompressed) input.
    pub offset: u64,
    /// The frame that could not be read.
    pub frame: u64,
    /// What is wrong.
    pub message: String,
}

/// An anomaly kind with its count and first frame.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Anomaly {
    /// Kebab-case kind.
    pub kind: String,
    /// How often.
    pub count: u64,
    /// First frame where it was seen.
    pub first_frame: u64,
}

/// Count of one cause at one server.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CauseCount {
    /// Finding code.
    pub code: Code,
    /// Handshakes with this cause.
    pub count: u64,
    /// In a few words, from the first such handshake ("server offers at
    /// most TLS 1.0, clients require TLS 1.2+").
    pub headline: String,
    /// The message of the first such handshake.
    pub example: String,
    /// Its first frame.
    pub example_frame: u64,
}

/// Per-server rollup.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ServerRollup {
    /// "ip:port" (or "other servers" past the cap).
    pub server: String,
    /// Handshakes to this server.
    pub handshakes: u64,
    /// Established.
    pub established: u64,
    /// Failed.
    pub failed: u64,
    /// Incomplete.
    pub incomplete: u64,
    /// Causes of failed and incomplete handshakes, largest first.
    pub causes: Vec<CauseCount>,
    /// One line for people: "1,004 of 1,004 handshakes failed: server offers
    /// at most TLS 1.0, clients require TLS 1.1+" (the largest cause); null
    /// when nothing failed.
    pub verdict: Option<String>,
    /// What the established handshakes negotiated, most common first.
    pub negotiated: Vec<Negotiated>,
}

/// A version and cipher suite a server negotiated, with how often.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Negotiated {
    /// Protocol version.
    pub version: Version,
    /// Cipher suite (null for SSL 2.0).
    pub cipher_suite: Option<CipherSuite>,
    /// Established handshakes that chose them.
    pub count: u64,
}

/// Distinct (version, suite) pairs kept per server.
const MAX_NEGOTIATED: usize = 8;

/// Per-capture summary, the last JSON line.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Summary {
    /// Always "summary".
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The capture's name as given.
    pub capture: String,
    /// "pcap", "pcapng" or "netmon".
    pub format: Option<&'static str>,
    /// "gzip" or "zip" when the capture came compressed; null otherwise.
    pub compression: Option<&'static str>,
    /// Link types met.
    pub link_types: Vec<String>,
    /// Frames read.
    pub frames: u64,
    /// Bytes of input read.
    pub bytes: u64,
    /// Time of the first frame.
    pub first_time: Option<String>,
    /// Time of the last frame.
    pub last_time: Option<String>,
    /// Frames that carried TCP.
    pub tcp_frames: u64,
    /// Frames without TCP (ARP, UDP, …).
    pub other_frames: u64,
    /// Handshake attempts reported.
    pub handshakes: u64,
    /// Counts by outcome.
    pub outcomes: BTreeMap<&'static str, u64>,
    /// Counts by finding code.
    pub findings: BTreeMap<&'static str, u64>,
    /// Servers, most failures first.
    pub servers: Vec<ServerRollup>,
    /// Decode anomalies.
    pub anomalies: Vec<Anomaly>,
    /// Reassembly counters (drops and evictions).
    pub stream: crate::stream::Stats,
    /// IP defragmentation counters; left out when the capture had no
    /// fragment.
    #[serde(skip_serializing_if = "crate::wire::DefragStats::is_empty")]
    pub defrag: crate::wire::DefragStats,
    /// Non-fatal notes from the capture reader.
    pub notes: Vec<String>,
    /// Where a damaged capture stopped being readable.
    pub damage: Option<Damage>,
}

/// Builds the summary while records stream past.
#[derive(Debug, Default)]
pub struct Rollup {
    outcomes: [u64; 3],
    findings: HashMap<Code, u64>,
    /// Keyed by address; written as text only in the summary.
    servers: HashMap<std::net::SocketAddr, ServerAcc>,
    other: ServerAcc,
    handshakes: u64,
}

#[derive(Debug, Default, Clone)]
struct ServerAcc {
    counts: [u64; 3],
    /// Per cause: count, headline, example message, example frame, and how
    /// many of the count failed (the rest were incomplete).
    causes: HashMap<Code, (u64, String, String, u64, u64)>,
    negotiated: Vec<(Version, Option<CipherSuite>, u64)>,
}

fn outcome_index(o: Outcome) -> usize {
    match o {
        Outcome::Established => 0,
        Outcome::Failed => 1,
        Outcome::Incomplete => 2,
    }
}

impl Rollup {
    /// Counts one record.
    pub fn add(&mut self, r: &Record<'_>) {
        let h = r.handshake;
        let i = outcome_index(h.outcome);
        self.handshakes += 1;
        self.outcomes[i] += 1;
        for f in r.findings {
            *self.findings.entry(f.code).or_default() += 1;
        }
        let key = h.server;
        let n = self.servers.len();
        let acc = match self.servers.get_mut(&key) {
            Some(a) => a,
            None if n < MAX_SERVERS => self.servers.entry(key).or_default(),
            None => &mut self.other,
        };
        acc.counts[i] += 1;
        if h.outcome == Outcome::Established
            && let Some(sh) = &h.server_hello
        {
            let key = (sh.version, sh.cipher_suite);
            if let Some(n) = acc.negotiated.iter_mut().find(|n| (n.0, n.1) == key) {
                n.2 += 1;
            } else if acc.negotiated.len() < MAX_NEGOTIATED {
                acc.negotiated.push((key.0, key.1, 1));
            }
        }
        if h.outcome != Outcome::Established {
            let f = r.cause().or_else(|| r.findings.first());
            if let Some(f) = f {
                let e = acc.causes.entry(f.code).or_insert_with(|| {
                    let headline = if f.headline.is_empty() {
                        text::cause_phrase(Some(f.code)).to_string()
                    } else {
                        f.headline.clone()
                    };
                    (0, headline, f.message.clone(), h.first_frame, 0)
                });
                e.0 += 1;
                if h.outcome == Outcome::Failed {
                    e.4 += 1;
                }
            }
        }
    }

    /// Handshakes that failed so far.
    pub fn failed(&self) -> u64 {
        self.outcomes[1]
    }

    /// Writes the counts into `s`.
    pub fn fill(&self, s: &mut Summary) {
        s.handshakes = self.handshakes;
        s.outcomes = BTreeMap::from([
            ("established", self.outcomes[0]),
            ("failed", self.outcomes[1]),
            ("incomplete", self.outcomes[2]),
        ]);
        s.findings = self
            .findings
            .iter()
            .map(|(c, n)| (c.as_str(), *n))
            .collect();
        let mut servers: Vec<ServerRollup> = self
            .servers
            .iter()
            .map(|(k, a)| a.rollup(k.to_string()))
            .collect();
        if self.other.counts.iter().sum::<u64>() > 0 {
            servers.push(self.other.rollup("other servers".into()));
        }
        servers.sort_by(|a, b| {
            b.failed
                .cmp(&a.failed)
                .then(b.incomplete.cmp(&a.incomplete))
                .then(b.handshakes.cmp(&a.handshakes))
                .then(a.server.cmp(&b.server))
        });
        s.servers = servers;
    }
}

impl ServerAcc {
    fn rollup(&self, server: String) -> ServerRollup {
        let mut causes: Vec<CauseCount> = self
            .causes
            .iter()
            .map(|(c, (n, hl, ex, fr, _))| CauseCount {
                code: *c,
                count: *n,
                headline: hl.clone(),
                example: ex.clone(),
                example_frame: *fr,
            })
            .collect();
        causes.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(&b.code)));
        let mut negotiated: Vec<Negotiated> = self
            .negotiated
            .iter()
            .map(|&(version, cipher_suite, count)| Negotiated {
                version,
                cipher_suite,
                count,
            })
            .collect();
        negotiated.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(b.version.cmp(&a.version))
                .then(a.cipher_suite.cmp(&b.cipher_suite))
        });
        let handshakes: u64 = self.counts.iter().sum();
        let verdict = self
            .causes
            .iter()
            .filter(|(_, e)| e.4 > 0)
            .max_by(|a, b| a.1.4.cmp(&b.1.4).then(b.0.cmp(a.0)))
            .map(|(_, (_, headline, ..))| {
                format!(
                    "{} of {} handshake{} failed: {}",
                    text::thousands(self.counts[1]),
                    text::thousands(handshakes),
                    if handshakes == 1 { "" } else { "s" },
                    headline
                )
            });
        ServerRollup {
            server,
            verdict,
            handshakes,
            established: self.counts[0],
            failed: self.counts[1],
            incomplete: self.counts[2],
            causes,
            negotiated,
        }
    }
}

/// Where handshake records and summaries go.
pub trait Sink {
    /// One finished handshake.
    fn record(&mut self, r: &Record<'_>) -> std::io::Result<()>;
    /// The capture is done.
    fn summary(&mut self, s: &Summary) -> std::io::Result<()>;
}

/// RFC 3339 UTC with microseconds, e.g. `2026-11-28T09:44:54.123456Z`.
pub fn rfc3339(t: Timestamp) -> String {
    let secs = t.0.div_euclid(1_000_000_000);
    let us = t.0.rem_euclid(1_000_000_000) / 1000;
    let base = rfc3339_seconds(secs);
    // base ends with 'Z'
    format!("{}.{us:06}Z", &base[..base.len() - 1])
}

/// RFC 3339 UTC to the second, e.g. `2026-11-28T09:44:54Z`.
pub fn rfc3339_seconds(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian
/// (H. Hinnant's civil-from-days algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_epoch_and_leap_day_format() {
        assert_eq!(rfc3339(Timestamp(0)), "1970-01-01T00:00:00.000000Z");
        // 2024-02-29T12:34:56.789012Z
        assert_eq!(
            rfc3339(Timestamp(1_709_210_096_789_012_000)),
            "2024-02-29T12:34:56.789012Z"
        );
        assert_eq!(rfc3339_seconds(-1), "1969-12-31T23:59:59Z");
    }
}
