//! TLS wire values as open newtypes with IANA names.
//!
//! Unknown and GREASE values survive parsing and print as `0x1a2b`.

use std::fmt;

/// GREASE values (RFC 8701 §2): both bytes equal, low nibble 0xA.
pub fn is_grease(v: u16) -> bool {
    (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff)
}

macro_rules! newtype_u16 {
    ($(#[$m:meta])* $name:ident, $names:path) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
        pub struct $name(pub u16);
        impl $name {
            /// The IANA name, if known.
            pub fn name(self) -> Option<&'static str> {
                $names(self.0)
            }
            /// A GREASE value (RFC 8701).
            pub fn is_grease(self) -> bool {
                is_grease(self.0)
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.name() {
                    Some(n) => f.write_str(n),
                    None => write!(f, "0x{:04x}", self.0),
                }
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                // A known name is a `&'static str`: no formatting needed.
                match self.name() {
                    Some(n) => s.serialize_str(n),
                    None => s.collect_str(self),
                }
            }
        }
    };
}

newtype_u16!(
    /// A protocol version (`0x0303` = TLS 1.2).
    Version,
    version_name
);
newtype_u16!(
    /// A cipher suite.
    CipherSuite,
    cipher_suite_name
);
newtype_u16!(
    /// A named group (supported_groups, key_share).
    NamedGroup,
    group_name
);
newtype_u16!(
    /// A signature scheme.
    SignatureScheme,
    signature_scheme_name
);
newtype_u16!(
    /// An extension type.
    ExtensionType,
    extension_name
);

impl CipherSuite {
    /// A signaling value, not a suite: TLS_EMPTY_RENEGOTIATION_INFO_SCSV
    /// (RFC 5746 §3.3) or TLS_FALLBACK_SCSV (RFC 7507 §2).
    pub fn is_signaling(self) -> bool {
        matches!(self.0, 0x00ff | 0x5600)
    }

    /// The protocol versions the suite runs on, lowest and highest: TLS 1.3
    /// suites only on TLS 1.3 (RFC 8446 §B.4); suites with AEAD ciphers or
    /// SHA-256/384 MACs or PRFs were defined for TLS 1.2 (RFC 5246 §A.5,
    /// RFC 5288, RFC 5289) and run on nothing older; the rest from SSL 3.0 up
    /// to TLS 1.2. `None` for unknown and signaling values.
    pub fn versions(self) -> Option<(Version, Version)> {
        use tls_parser::{TlsCipherMac, TlsPRF};
        if self.is_signaling() || self.is_grease() {
            return None;
        }
        if self.0 >> 8 == 0x13 {
            return Some((Version(0x0304), Version(0x0304)));
        }
        let c = tls_parser::TlsCipherSuite::from_id(self.0)?;
        let tls12 = matches!(
            c.mac,
            TlsCipherMac::Aead | TlsCipherMac::HmacSha256 | TlsCipherMac::HmacSha384
        ) || matches!(c.prf, TlsPRF::Sha256 | TlsPRF::Sha384);
        let min = if tls12 { 0x0303 } else { 0x0300 };
        Some((Version(min), Version(0x0303)))
    }

    /// Whether the suite can be used on `v` (unknown suites: assumed yes).
    pub fn runs_on(self, v: Version) -> bool {
        match self.versions() {
            Some((lo, hi)) => lo <= v && v <= hi,
            None => !self.is_signaling(),
        }
    }
}

/// An alert description (RFC 8446 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct AlertDescription(pub u8);

impl AlertDescription {
    /// The IANA name, if known.
    pub fn name(self) -> Option<&'static str> {
        alert_name(self.0)
    }
}

impl fmt::Display for AlertDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "alert {}", self.0),
        }
    }
}

fn version_name(v: u16) -> Option<&'static str> {
    Some(match v {
        0x0002 => "SSL 2.0",
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0303 => "TLS 1.2",
        0x0304 => "TLS 1.3",
        _ => return None,
    })
}

/// Cipher suite names: tls-parser's copy of the IANA "TLS Cipher Suites"
/// registry (names in IANA style, TLS 1.3 suites and the two SCSVs included),
/// plus what it lacks.
fn cipher_suite_name(v: u16) -> Option<&'static str> {
    // tls-parser's map hashes each lookup with SipHash; a report names every
    // suite of every ClientHello, so its entries are copied once into a
    // sorted table and binary-searched (a few hundred entries, ~8 KB).
    static SORTED: std::sync::OnceLock<Vec<(u16, &'static str)>> = std::sync::OnceLock::new();
    let sorted = SORTED.get_or_init(|| {
        let mut t: Vec<(u16, &'static str)> = tls_parser::CIPHERS
            .entries()
            .map(|(&id, c)| (id, c.name))
            .collect();
        t.sort_unstable_by_key(|e| e.0);
        t
    });
    if let Ok(i) = sorted.binary_search_by_key(&v, |e| e.0) {
        return sorted.get(i).map(|e| e.1);
    }
    // IANA "TLS Cipher Suites", GOST suites (RFC 9189, RFC 9367).
    Some(match v {
        0xc100 => "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC",
        0xc101 => "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC",
        0xc102 => "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT",
        0xc103 => "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L",
        0xc104 => "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L",
        0xc105 => "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S",
        0xc106 => "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S",
        _ => return None,
    })
}

/// IANA "TLS Supported Groups" (RFC 8422 §5.1.1, RFC 7919, RFC 8446 §4.2.7,
/// draft-ietf-tls-ecdhe-mlkem for the hybrids).
fn group_name(v: u16) -> Option<&'static str> {
    Some(match v {
        1 => "sect163k1",
        2 => "sect163r1",
        3 => "sect163r2",
        4 => "sect193r1",
        5 => "sect193r2",
        6 => "sect233k1",
        7 => "sect233r1",
        8 => "sect239k1",
        9 => "sect283k1",
        10 => "sect283r1",
        11 => "sect409k1",
        12 => "sect409r1",
        13 => "sect571k1",
        14 => "sect571r1",
        15 => "secp160k1",
        16 => "secp160r1",
        17 => "secp160r2",
        18 => "secp192k1",
        19 => "secp192r1",
        20 => "secp224k1",
        21 => "secp224r1",
        22 => "secp256k1",
        23 => "secp256r1",
        24 => "secp384r1",
        25 => "secp521r1",
        26 => "brainpoolP256r1",
        27 => "brainpoolP384r1",
        28 => "brainpoolP512r1",
        29 => "x25519",
        30 => "x448",
        31 => "brainpoolP256r1tls13",
        32 => "brainpoolP384r1tls13",
        33 => "brainpoolP512r1tls13",
        34 => "GC256A",
        35 => "GC256B",
        36 => "GC256C",
        37 => "GC256D",
        38 => "GC512A",
        39 => "GC512B",
        40 => "GC512C",
        41 => "curveSM2",
        0x0100 => "ffdhe2048",
        0x0101 => "ffdhe3072",
        0x0102 => "ffdhe4096",
        0x0103 => "ffdhe6144",
        0x0104 => "ffdhe8192",
        0x0200 => "MLKEM512",
        0x0201 => "MLKEM768",
        0x0202 => "MLKEM1024",
        0x11eb => "SecP256r1MLKEM768",
        0x11ec => "X25519MLKEM768",
        0x11ed => "SecP384r1MLKEM1024",
        0x6399 => "X25519Kyber768Draft00",
        0x639a => "SecP256r1Kyber768Draft00",
        0xff01 => "arbitrary_explicit_prime_curves",
        0xff02 => "arbitrary_explicit_char2_curves",
        _ => return None,
    })
}

/// IANA "TLS SignatureScheme" (RFC 8446 §4.2.3 and later additions). The
/// TLS 1.2 (hash, signature) pairs that have no SignatureScheme name stay
/// unnamed.
fn signature_scheme_name(v: u16) -> Option<&'static str> {
    Some(match v {
        0x0201 => "rsa_pkcs1_sha1",
        0x0203 => "ecdsa_sha1",
        0x0401 => "rsa_pkcs1_sha256",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0420 => "rsa_pkcs1_sha256_legacy",
        0x0501 => "rsa_pkcs1_sha384",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0520 => "rsa_pkcs1_sha384_legacy",
        0x0601 => "rsa_pkcs1_sha512",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0620 => "rsa_pkcs1_sha512_legacy",
        0x0704 => "eccsi_sha256",
        0x0705 => "iso_ibs1",
        0x0706 => "iso_ibs2",
        0x0707 => "iso_chinese_ibs",
        0x0708 => "sm2sig_sm3",
        0x0709 => "gostr34102012_256a",
        0x070a => "gostr34102012_256b",
        0x070b => "gostr34102012_256c",
        0x070c => "gostr34102012_256d",
        0x070d => "gostr34102012_512a",
        0x070e => "gostr34102012_512b",
        0x070f => "gostr34102012_512c",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        0x081a => "ecdsa_brainpoolP256r1tls13_sha256",
        0x081b => "ecdsa_brainpoolP384r1tls13_sha384",
        0x081c => "ecdsa_brainpoolP512r1tls13_sha512",
        0x0904 => "mldsa44",
        0x0905 => "mldsa65",
        0x0906 => "mldsa87",
        _ => return None,
    })
}

/// IANA "TLS ExtensionType Values" (RFC 8446 §4.2 and the registry).
fn extension_name(v: u16) -> Option<&'static str> {
    Some(match v {
        0 => "server_name",
        1 => "max_fragment_length",
        2 => "client_certificate_url",
        3 => "trusted_ca_keys",
        4 => "truncated_hmac",
        5 => "status_request",
        6 => "user_mapping",
        7 => "client_authz",
        8 => "server_authz",
        9 => "cert_type",
        10 => "supported_groups",
        11 => "ec_point_formats",
        12 => "srp",
        13 => "signature_algorithms",
        14 => "use_srtp",
        15 => "heartbeat",
        16 => "application_layer_protocol_negotiation",
        17 => "status_request_v2",
        18 => "signed_certificate_timestamp",
        19 => "client_certificate_type",
        20 => "server_certificate_type",
        21 => "padding",
        22 => "encrypt_then_mac",
        23 => "extended_master_secret",
        24 => "token_binding",
        25 => "cached_info",
        26 => "tls_lts",
        27 => "compress_certificate",
        28 => "record_size_limit",
        29 => "pwd_protect",
        30 => "pwd_clear",
        31 => "password_salt",
        32 => "ticket_pinning",
        33 => "tls_cert_with_extern_psk",
        34 => "delegated_credential",
        35 => "session_ticket",
        36 => "TLMSP",
        37 => "TLMSP_proxying",
        38 => "TLMSP_delegate",
        39 => "supported_ekt_ciphers",
        41 => "pre_shared_key",
        42 => "early_data",
        43 => "supported_versions",
        44 => "cookie",
        45 => "psk_key_exchange_modes",
        47 => "certificate_authorities",
        48 => "oid_filters",
        49 => "post_handshake_auth",
        50 => "signature_algorithms_cert",
        51 => "key_share",
        52 => "transparency_info",
        53 => "connection_id_deprecated",
        54 => "connection_id",
        55 => "external_id_hash",
        56 => "external_session_id",
        57 => "quic_transport_parameters",
        58 => "ticket_request",
        59 => "dnssec_chain",
        60 => "sequence_number_encryption_algorithms",
        61 => "rrc",
        62 => "tls_flags",
        0xfd00 => "ech_outer_extensions",
        0xfe0d => "encrypted_client_hello",
        0xff01 => "renegotiation_info",
        _ => return None,
    })
}

/// IANA "TLS Alerts" (RFC 8446 §6, RFC 5246 §7.2 and later additions).
fn alert_name(v: u8) -> Option<&'static str> {
    Some(match v {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        52 => "too_many_cids_requested",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        117 => "general_error",
        120 => "no_application_protocol",
        121 => "ech_required",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cipher_suite_name_tls13_and_scsv_named() {
        assert_eq!(CipherSuite(0x1301).name(), Some("TLS_AES_128_GCM_SHA256"));
        assert_eq!(
            CipherSuite(0xc02f).name(),
            Some("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        );
        assert_eq!(
            CipherSuite(0x00ff).name(),
            Some("TLS_EMPTY_RENEGOTIATION_INFO_SCSV")
        );
        assert_eq!(CipherSuite(0x5600).name(), Some("TLS_FALLBACK_SCSV"));
        assert_eq!(
            CipherSuite(0xc100).name(),
            Some("TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC")
        );
    }

    #[test]
    fn cipher_suite_display_grease_hex() {
        assert_eq!(CipherSuite(0x0a0a).to_string(), "0x0a0a");
        assert!(CipherSuite(0x0a0a).is_grease());
        assert!(!CipherSuite(0x0a1a).is_grease());
    }

    #[test]
    fn group_name_common_and_hybrid_named() {
        assert_eq!(NamedGroup(0x001d).name(), Some("x25519"));
        assert_eq!(NamedGroup(23).name(), Some("secp256r1"));
        assert_eq!(NamedGroup(0x11ec).name(), Some("X25519MLKEM768"));
        assert_eq!(NamedGroup(0x11eb).name(), Some("SecP256r1MLKEM768"));
        assert_eq!(NamedGroup(0x6399).name(), Some("X25519Kyber768Draft00"));
        assert_eq!(NamedGroup(0x0100).name(), Some("ffdhe2048"));
    }

    #[test]
    fn signature_scheme_name_common_named() {
        assert_eq!(SignatureScheme(0x0804).name(), Some("rsa_pss_rsae_sha256"));
        assert_eq!(
            SignatureScheme(0x0403).name(),
            Some("ecdsa_secp256r1_sha256")
        );
        assert_eq!(SignatureScheme(0x0807).name(), Some("ed25519"));
        assert_eq!(SignatureScheme(0x0202).name(), None);
    }

    #[test]
    fn extension_name_common_named() {
        assert_eq!(ExtensionType(0).name(), Some("server_name"));
        assert_eq!(ExtensionType(10).name(), Some("supported_groups"));
        assert_eq!(ExtensionType(0xfe0d).name(), Some("encrypted_client_hello"));
        assert_eq!(ExtensionType(0xff01).name(), Some("renegotiation_info"));
        assert_eq!(ExtensionType(0x0a0a).to_string(), "0x0a0a");
    }

    #[test]
    fn alert_name_tls12_and_tls13_codes_named() {
        assert_eq!(AlertDescription(70).name(), Some("protocol_version"));
        assert_eq!(AlertDescription(40).name(), Some("handshake_failure"));
        assert_eq!(AlertDescription(86).name(), Some("inappropriate_fallback"));
        assert_eq!(AlertDescription(116).name(), Some("certificate_required"));
        assert_eq!(
            AlertDescription(120).name(),
            Some("no_application_protocol")
        );
        assert_eq!(AlertDescription(121).name(), Some("ech_required"));
        assert_eq!(AlertDescription(200).to_string(), "alert 200");
    }
}
