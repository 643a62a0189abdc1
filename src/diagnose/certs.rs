//! Judging the server's certificate chain as a TLS ≤ 1.2 capture shows it.
//!
//! Input: the chain the server sent (leaf first), the name the client asked
//! for (SNI), and the time of the capture. Output: every [`Issue`], most
//! serious first, each naming its [`Code`] and the certificate it is about.
//! What a capture cannot tell: which roots the client trusts (a root is not
//! normally sent), revocation, signatures (not verified here). So a chain that
//! ends at an issuer the server did not send is *possibly* incomplete; it is
//! the client's alert that turns it into the cause.

use super::Code;
use crate::session::Certificate;

/// RSA keys below this are weak (NIST SP 800-131A; Windows and browsers
/// refuse RSA < 2048 for server certificates issued since 2014).
pub const MIN_RSA_BITS: u32 = 2048;

/// One thing wrong with the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The finding code it maps to.
    pub code: Code,
    /// Index in the chain (0 = leaf).
    pub index: usize,
    /// What is wrong, as a clause ("the leaf certificate expired on …").
    pub what: String,
    /// Short form for the rollup.
    pub headline: String,
    /// The leaf is self-signed (an untrusted chain that no intermediate fixes).
    pub self_signed: bool,
}

/// Everything wrong with `chain` for a client that asked for `sni` at
/// `now_unix` (seconds).
pub fn issues(chain: &[Certificate], sni: Option<&str>, now_unix: i64) -> Vec<Issue> {
    let mut out = Vec::new();
    let Some(leaf) = chain.first() else {
        return out;
    };
    if leaf.parse_error.is_some() {
        return out;
    }
    let now = date(now_unix);
    let parsed = chain.iter().filter(|c| c.parse_error.is_none()).count();
    let early = chain
        .iter()
        .filter(|c| c.parse_error.is_none() && now_unix < c.not_before_unix)
        .count();
    if parsed > 1 && early == parsed {
        out.push(Issue {
            code: Code::CertificateNotYetValid,
            index: 0,
            what: format!(
                "every certificate of the chain becomes valid only after the capture's time ({now}; the leaf from {}): the clock of the capturing machine (or of the client) is wrong",
                date(leaf.not_before_unix)
            ),
            headline: "capture or client clock is wrong".to_string(),
            self_signed: false,
        });
    }
    for (i, c) in chain.iter().enumerate() {
        if c.parse_error.is_some() || (parsed > 1 && early == parsed) {
            continue;
        }
        let which = describe(i, c);
        if now_unix > c.not_after_unix {
            out.push(Issue {
                code: Code::CertificateExpired,
                index: i,
                what: format!(
                    "{which} expired on {} (the capture is from {now})",
                    date(c.not_after_unix)
                ),
                headline: format!("{} certificate expired {}", role(i), date(c.not_after_unix)),
                self_signed: false,
            });
        } else if now_unix < c.not_before_unix {
            out.push(Issue {
                code: Code::CertificateNotYetValid,
                index: i,
                what: format!(
                    "{which} is not valid before {} (the capture is from {now})",
                    date(c.not_before_unix)
                ),
                headline: format!(
                    "{} certificate not valid before {}",
                    role(i),
                    date(c.not_before_unix)
                ),
                self_signed: false,
            });
        }
    }
    if let Some(name) = sni
        && !name_matches(leaf, name)
    {
        let names = if leaf.san.is_empty() {
            format!("CN {}", leaf.cn.join(", "))
        } else {
            format!("SAN {}", shorten(&leaf.san, 4))
        };
        out.push(Issue {
            code: Code::CertificateNameMismatch,
            index: 0,
            what: format!(
                "the leaf certificate is for {names}, not for {name} which the client asked for (SNI)"
            ),
            headline: format!("certificate does not cover {name}"),
            self_signed: false,
        });
    }
    if !leaf.eku.is_empty() && !leaf.eku.iter().any(|e| e == "serverAuth" || e == "any") {
        out.push(Issue {
            code: Code::CertificateMissingServerAuthEku,
            index: 0,
            what: format!(
                "the leaf certificate's Extended Key Usage is {} without Server Authentication (1.3.6.1.5.5.7.3.1): Windows rejects it with CERT_E_WRONG_USAGE 0x800b0110",
                leaf.eku.join(", ")
            ),
            headline: "certificate lacks the Server Authentication EKU".to_string(),
            self_signed: false,
        });
    }
    // Trust, as far as the chain shows it.
    if leaf.self_issued {
        out.push(Issue {
            code: Code::CertificateUntrusted,
            index: 0,
            what: format!(
                "the leaf certificate is self-signed ({}): only clients that were given this very certificate trust it",
                leaf.subject
            ),
            headline: "self-signed certificate".to_string(),
            self_signed: true,
        });
    } else if chain.len() == 1 {
        // A chain that ends at an intermediate issued by a root the server
        // did not send is normal (roots are not sent); a lone leaf issued by
        // someone else usually lacks its intermediate.
        out.push(Issue {
            code: Code::CertificateUntrusted,
            index: 0,
            what: format!(
                "the server sent only its leaf certificate, issued by {}: unless that issuer is itself a root the client trusts, the intermediate certificate is missing",
                leaf.issuer
            ),
            headline: "chain possibly incomplete (leaf only)".to_string(),
            self_signed: false,
        });
    }
    if let Some(what) = order_problem(chain) {
        out.push(Issue {
            code: Code::CertificateChainOrder,
            index: 0,
            what,
            headline: "certificate chain out of order".to_string(),
            self_signed: false,
        });
    }
    for (i, c) in chain.iter().enumerate() {
        if c.parse_error.is_some() {
            continue;
        }
        // A root's own signature is not checked by clients; its key is.
        if let Some(hash) = c.weak_signature_hash
            && !c.self_issued
        {
            out.push(Issue {
                code: Code::CertificateWeak,
                index: i,
                what: format!(
                    "{} is signed with {hash} ({}), which current clients refuse",
                    describe(i, c),
                    c.signature_algorithm
                ),
                headline: format!("{hash}-signed certificate"),
                self_signed: false,
            });
        }
        if c.key_rsa && c.key_bits > 0 && c.key_bits < MIN_RSA_BITS {
            out.push(Issue {
                code: Code::CertificateWeak,
                index: i,
                what: format!(
                    "{} has a {}-bit RSA key, below the {MIN_RSA_BITS} bits clients require",
                    describe(i, c),
                    c.key_bits
                ),
                headline: format!("{}-bit RSA key", c.key_bits),
                self_signed: false,
            });
        }
    }
    out
}

/// "2026-11-28" (a date far outside the calendar prints whole).
fn date(t: i64) -> String {
    let s = crate::report::rfc3339_seconds(t);
    s.get(..10).map(str::to_string).unwrap_or(s)
}

/// The last certificate reached from the leaf by following issuers through
/// the certificates sent, in any order.
pub fn chain_top(chain: &[Certificate]) -> Option<(&Certificate, usize)> {
    let mut at = 0;
    for _ in 0..chain.len() {
        let c = chain.get(at)?;
        if c.self_issued || c.parse_error.is_some() {
            break;
        }
        match chain
            .iter()
            .enumerate()
            .position(|(j, x)| j != at && x.subject == c.issuer)
        {
            Some(next) => at = next,
            None => break,
        }
    }
    chain.get(at).map(|c| (c, at))
}

fn role(i: usize) -> &'static str {
    if i == 0 { "server" } else { "intermediate" }
}

fn describe(i: usize, c: &Certificate) -> String {
    if i == 0 {
        "the leaf certificate".to_string()
    } else {
        format!("chain certificate {} ({})", i + 1, c.subject)
    }
}

fn shorten(v: &[String], n: usize) -> String {
    if v.len() <= n {
        v.join(", ")
    } else {
        format!("{} and {} more", v[..n].join(", "), v.len() - n)
    }
}

/// RFC 6125 §6.4: DNS names from the SAN, or the CN only when there is no
/// SAN; a wildcard covers exactly one leftmost label. IP addresses compare
/// as text.
pub fn name_matches(c: &Certificate, name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let names: &[String] = if c.san.is_empty() { &c.cn } else { &c.san };
    names.iter().any(|p| pattern_matches(p, &name))
}

fn pattern_matches(pattern: &str, name: &str) -> bool {
    let p = pattern.trim_end_matches('.').to_ascii_lowercase();
    match p.strip_prefix("*.") {
        Some(rest) => match name.split_once('.') {
            Some((first, tail)) => !first.is_empty() && tail == rest && rest.contains('.'),
            None => false,
        },
        None => p == name,
    }
}

/// Each certificate should be issued by the next one (RFC 8446 §4.4.2,
/// RFC 5246 §7.4.2). Says what is out of place, when something is.
fn order_problem(chain: &[Certificate]) -> Option<String> {
    if chain.len() < 2 || chain.iter().any(|c| c.parse_error.is_some()) {
        return None;
    }
    for i in 0..chain.len() - 1 {
        let c = &chain[i];
        if c.self_issued || chain[i + 1].subject == c.issuer {
            continue;
        }
        if let Some(j) = chain.iter().position(|x| x.subject == c.issuer) {
            return Some(format!(
                "certificate {} ({}) is issued by certificate {} of the chain, not by the next one: the server sends its chain out of order (strict clients, and some Windows versions, fail to build it)",
                i + 1,
                c.subject,
                j + 1
            ));
        }
        return Some(format!(
            "certificate {} ({}) is followed by {}, which did not issue it: the chain the server sends has an unrelated or misplaced certificate",
            i + 1,
            c.subject,
            chain[i + 1].subject
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cert(subject: &str, issuer: &str, san: &[&str]) -> Certificate {
        Certificate {
            subject: format!("CN={subject}"),
            issuer: format!("CN={issuer}"),
            san: san.iter().map(|s| s.to_string()).collect(),
            not_before: String::new(),
            not_after: String::new(),
            not_before_unix: 1_000,
            not_after_unix: 2_000,
            key: "RSA 2048".into(),
            signature_algorithm: "sha256WithRSAEncryption".into(),
            eku: vec!["serverAuth".into()],
            sha256: String::new(),
            parse_error: None,
            cn: vec![subject.to_string()],
            key_bits: 2048,
            key_rsa: true,
            weak_signature_hash: None,
            self_issued: subject == issuer,
            ca: false,
        }
    }

    fn codes(v: &[Issue]) -> Vec<Code> {
        v.iter().map(|i| i.code).collect()
    }

    #[test]
    fn issues_valid_chain_with_root_sent_has_none() {
        let chain = [
            cert("www.a.test", "Inter", &["www.a.test"]),
            cert("Inter", "Root", &[]),
            cert("Root", "Root", &[]),
        ];
        assert_eq!(issues(&chain, Some("www.a.test"), 1_500), vec![]);
    }

    #[test]
    fn issues_expired_leaf_at_capture_time_is_expired() {
        let chain = [cert("a", "a", &["a"])];
        let v = issues(&chain, Some("a"), 3_000);
        assert_eq!(v[0].code, Code::CertificateExpired);
        assert!(v[0].what.contains("1970-01-01"), "{v:?}");
        assert_eq!(
            issues(&chain, Some("a"), 500)[0].code,
            Code::CertificateNotYetValid
        );
    }

    #[test]
    fn issues_wildcard_covers_one_label_only() {
        let c = cert("x", "ca", &["*.example.test"]);
        assert!(name_matches(&c, "www.example.test"));
        assert!(name_matches(&c, "WWW.Example.Test."));
        assert!(!name_matches(&c, "example.test"));
        assert!(!name_matches(&c, "a.b.example.test"));
        let top = cert("x", "ca", &["*.test"]);
        assert!(!name_matches(&top, "a.test"), "wildcard over a TLD");
    }

    #[test]
    fn issues_cn_used_only_without_san() {
        let mut c = cert("www.a.test", "ca", &[]);
        assert!(name_matches(&c, "www.a.test"));
        c.san = vec!["other.test".into()];
        assert!(!name_matches(&c, "www.a.test"));
    }

    #[test]
    fn issues_name_mismatch_eku_self_signed_weak_all_reported() {
        let mut leaf = cert("other.test", "other.test", &["other.test"]);
        leaf.eku = vec!["clientAuth".into()];
        leaf.key_bits = 1024;
        let v = issues(&[leaf], Some("www.a.test"), 1_500);
        assert_eq!(
            codes(&v),
            [
                Code::CertificateNameMismatch,
                Code::CertificateMissingServerAuthEku,
                Code::CertificateUntrusted,
                Code::CertificateWeak
            ]
        );
        assert!(v[1].what.contains("0x800b0110"));
    }

    #[test]
    fn issues_chain_ending_at_unsent_root_is_normal() {
        let chain = [cert("a", "Inter", &["a"]), cert("Inter", "Root", &[])];
        assert_eq!(issues(&chain, Some("a"), 1_500), vec![]);
    }

    #[test]
    fn issues_whole_chain_in_the_future_blames_the_clock() {
        let chain = [cert("a", "Inter", &["a"]), cert("Inter", "Root", &[])];
        let v = issues(&chain, Some("a"), 500);
        assert_eq!(codes(&v), [Code::CertificateNotYetValid]);
        assert!(v[0].what.contains("clock"), "{v:?}");
    }

    #[test]
    fn issues_leaf_only_is_possibly_incomplete() {
        let v = issues(&[cert("a", "Inter", &["a"])], Some("a"), 1_500);
        assert_eq!(codes(&v), [Code::CertificateUntrusted]);
        assert!(v[0].what.contains("only its leaf"), "{v:?}");
    }

    #[test]
    fn issues_chain_out_of_order_is_reported() {
        let chain = [
            cert("a", "Inter", &["a"]),
            cert("Root", "Root", &[]),
            cert("Inter", "Root", &[]),
        ];
        let v = issues(&chain, Some("a"), 1_500);
        assert_eq!(codes(&v), [Code::CertificateChainOrder]);
        assert!(v[0].what.contains("certificate 3"), "{v:?}");
    }

    #[test]
    fn issues_sha1_on_root_is_not_weak_but_on_leaf_is() {
        let mut leaf = cert("a", "Root", &["a"]);
        let mut root = cert("Root", "Root", &[]);
        root.weak_signature_hash = Some("SHA-1");
        assert_eq!(
            issues(&[leaf.clone(), root.clone()], Some("a"), 1_500),
            vec![]
        );
        leaf.weak_signature_hash = Some("SHA-1");
        assert_eq!(
            codes(&issues(&[leaf, root], Some("a"), 1_500)),
            [Code::CertificateWeak]
        );
    }
}
