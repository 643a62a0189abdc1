//! Certificate facts for the report, decoded from DER with x509-parser.
//!
//! Input: one DER certificate as sent in a TLS ≤ 1.2 Certificate message.
//! Output: a [`Certificate`] summary (names, validity, key, signature, EKU,
//! SHA-256). A certificate x509-parser cannot read still yields a summary with
//! its hash and `parse_error`, never a panic.

use sha2::{Digest, Sha256};
use x509_parser::prelude::*;

/// What the report says about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Certificate {
    /// Subject distinguished name.
    pub subject: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// DNS names and IP addresses of the subjectAltName extension.
    pub san: Vec<String>,
    /// Start of validity, RFC 3339.
    pub not_before: String,
    /// End of validity, RFC 3339.
    pub not_after: String,
    /// Start of validity, seconds since the Unix epoch.
    #[serde(skip)]
    pub not_before_unix: i64,
    /// End of validity, seconds since the Unix epoch.
    #[serde(skip)]
    pub not_after_unix: i64,
    /// Public key, e.g. "RSA 2048" or "EC 256".
    pub key: String,
    /// Signature algorithm (name, or OID when unknown).
    pub signature_algorithm: String,
    /// Extended key usages ("serverAuth", "clientAuth", …); empty when the
    /// extension is absent (which means any usage).
    pub eku: Vec<String>,
    /// SHA-256 of the DER, lowercase hex.
    pub sha256: String,
    /// Why the DER could not be decoded, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parse_error: Option<String>,
    /// Common names of the subject.
    #[serde(skip)]
    pub cn: Vec<String>,
    /// RSA modulus / EC field size in bits (0 when unknown).
    #[serde(skip)]
    pub key_bits: u32,
    /// The key is RSA.
    #[serde(skip)]
    pub key_rsa: bool,
    /// "SHA-1", "MD5" or "MD2" when the signature uses that broken hash.
    #[serde(skip)]
    pub weak_signature_hash: Option<&'static str>,
    /// Subject and issuer names are the same (self-issued; a root or a
    /// self-signed leaf).
    #[serde(skip)]
    pub self_issued: bool,
    /// basicConstraints says CA.
    #[serde(skip)]
    pub ca: bool,
}

/// Certificates remembered per thread: a server sends the same chain to
/// every client, and decoding it once instead of 20,000 times matters.
const CACHE_LEN: usize = 32;

/// (DER, summary) pairs and the next slot to replace (round-robin).
type Cache = (Vec<(Vec<u8>, Certificate)>, usize);

thread_local! {
    static CACHE: std::cell::RefCell<Cache> = const { std::cell::RefCell::new((Vec::new(), 0)) };
}

/// Summarises one DER certificate (from a small cache when it was just seen).
pub fn summarize(der: &[u8]) -> Certificate {
    if let Some(c) = CACHE.with_borrow(|(v, _)| {
        v.iter()
            .find(|(d, _)| d.as_slice() == der)
            .map(|(_, c)| c.clone())
    }) {
        return c;
    }
    let c = decode(der);
    // Oversized DER (garbage) is not worth keeping.
    if der.len() <= 16 * 1024 {
        CACHE.with_borrow_mut(|(v, next)| {
            if v.len() < CACHE_LEN {
                v.push((der.to_vec(), c.clone()));
            } else {
                v[*next] = (der.to_vec(), c.clone());
                *next = (*next + 1) % CACHE_LEN;
            }
        });
    }
    c
}

fn decode(der: &[u8]) -> Certificate {
    let sha256 = hex(&Sha256::digest(der));
    let mut out = Certificate {
        subject: String::new(),
        issuer: String::new(),
        san: Vec::new(),
        not_before: String::new(),
        not_after: String::new(),
        not_before_unix: 0,
        not_after_unix: 0,
        key: String::new(),
        signature_algorithm: String::new(),
        eku: Vec::new(),
        sha256,
        parse_error: None,
        cn: Vec::new(),
        key_bits: 0,
        key_rsa: false,
        weak_signature_hash: None,
        self_issued: false,
        ca: false,
    };
    let cert = match X509Certificate::from_der(der) {
        Ok((_, cert)) => cert,
        Err(e) => {
            out.parse_error = Some(e.to_string());
            return out;
        }
    };
    out.subject = cert.subject().to_string();
    out.issuer = cert.issuer().to_string();
    out.cn = cert
        .subject()
        .iter_common_name()
        .filter_map(|a| a.as_str().ok())
        .map(str::to_string)
        .collect();
    out.self_issued = cert.subject().as_raw() == cert.issuer().as_raw();
    out.ca = cert.is_ca();
    let validity = cert.validity();
    out.not_before_unix = validity.not_before.timestamp();
    out.not_after_unix = validity.not_after.timestamp();
    out.not_before = crate::report::rfc3339_seconds(out.not_before_unix);
    out.not_after = crate::report::rfc3339_seconds(out.not_after_unix);
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            match name {
                GeneralName::DNSName(d) => out.san.push((*d).to_string()),
                GeneralName::IPAddress(ip) => out.san.push(ip_string(ip)),
                _ => {}
            }
        }
    }
    out.key = match cert.public_key().parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(k)) => {
            out.key_rsa = true;
            out.key_bits = u32::try_from(k.key_size()).unwrap_or(0);
            format!("RSA {}", k.key_size())
        }
        Ok(x509_parser::public_key::PublicKey::EC(p)) => {
            out.key_bits = u32::try_from(p.key_size()).unwrap_or(0);
            format!("EC {}", p.key_size())
        }
        Ok(x509_parser::public_key::PublicKey::DSA(_)) => "DSA".to_string(),
        Ok(_) => cert.public_key().algorithm.algorithm.to_id_string(),
        Err(_) => cert.public_key().algorithm.algorithm.to_id_string(),
    };
    let sig_oid = &cert.signature_algorithm.algorithm;
    out.weak_signature_hash = weak_hash(&sig_oid.to_id_string());
    out.signature_algorithm = x509_parser::oid_registry::OidRegistry::default()
        .with_crypto()
        .get(sig_oid)
        .map(|e| e.sn().to_string())
        .unwrap_or_else(|| sig_oid.to_id_string());
    if let Ok(Some(eku)) = cert.extended_key_usage() {
        let e = eku.value;
        for (on, name) in [
            (e.any, "any"),
            (e.server_auth, "serverAuth"),
            (e.client_auth, "clientAuth"),
            (e.code_signing, "codeSigning"),
            (e.email_protection, "emailProtection"),
            (e.time_stamping, "timeStamping"),
            (e.ocsp_signing, "OCSPSigning"),
        ] {
            if on {
                out.eku.push(name.to_string());
            }
        }
        out.eku.extend(e.other.iter().map(|o| o.to_id_string()));
    }
    out
}

/// The broken hash a signature algorithm uses, by OID (RFC 3279 §2.2,
/// RFC 8017 App. C).
fn weak_hash(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "1.2.840.113549.1.1.2" => "MD2",
        "1.2.840.113549.1.1.4" => "MD5",
        "1.2.840.113549.1.1.5" // sha1WithRSAEncryption
        | "1.3.14.3.2.29" // sha1WithRSASignature (OIW)
        | "1.2.840.10045.4.1" // ecdsa-with-SHA1
        | "1.2.840.10040.4.3" => "SHA-1", // dsa-with-sha1
        _ => return None,
    })
}

fn ip_string(b: &[u8]) -> String {
    match b.len() {
        4 => std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string(),
        16 => {
            let mut a = [0u8; 16];
            a.copy_from_slice(b);
            std::net::Ipv6Addr::from(a).to_string()
        }
        _ => hex(b),
    }
}

fn hex(b: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        let _ = write!(s, "{x:02x}");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarize_garbage_reports_parse_error() {
        let c = summarize(b"not a certificate");
        assert!(c.parse_error.is_some());
        assert_eq!(c.sha256.len(), 64);
    }
}
