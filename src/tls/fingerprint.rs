//! TLS fingerprints of parsed hellos: JA3 and JA4 of a ClientHello, JA3S of
//! a ServerHello.
//!
//! Input: a parsed [`ClientHello`] or [`ServerHello`] with its raw values in
//! wire order, GREASE included (as `hello.rs` keeps them).
//! Output: the fingerprint strings — JA3/JA3S as the pre-hash string plus its
//! MD5 in lower-case hex; JA4 as `t13d1516h2_8daaf6152771_e5627efa2ab1`.
//! `None` where the method defines no fingerprint (see below).
//! Invariants: pure functions without state or I/O; they never panic, and
//! the same hello always gives the same fingerprint.
//!
//! The methods, from their public descriptions:
//! - JA3 (Salesforce, 2017): `version,ciphers,extensions,groups,point_formats`,
//!   decimal values joined with `-`, the ClientHello's `legacy_version`,
//!   GREASE (RFC 8701) left out of ciphers, extensions and groups; fields of
//!   absent extensions are empty.
//! - JA3S: `version,cipher,extensions` of the ServerHello, the `legacy_version`
//!   (771 for a TLS 1.3 ServerHello; the supported_versions value is not
//!   used), extensions in wire order. The reference scripts do not remove
//!   GREASE here; servers do not send GREASE in a ServerHello (RFC 8701 §3),
//!   so nothing is removed.
//! - JA4 (FoxIO, client fingerprint only; BSD-3): see [`ja4`].
//!
//! SSLv2-format ClientHellos (RFC 5246 Appendix E.2) are not TLS handshake
//! records, and the methods differ on them. The Salesforce reference script and
//! Wireshark fingerprint only TLS handshake records, so they give no JA3 for
//! one; CESNET's ipfixprobe does, as `version,cipher specs,,,` with each
//! 3-byte cipher spec as a decimal number. We follow ipfixprobe: the hello is
//! a strong client signal (scanners, very old stacks), the string is the JA3
//! layout with empty extension fields, and a TLS suite sent as spec `00 XX YY`
//! gets the same number it would have in a TLS hello. JA4 is defined over
//! 2-byte TLS cipher codes and extensions, which an SSLv2 hello does not have:
//! no JA4 for it. An SSL 2.0 SERVER-HELLO chooses no cipher: no JA3S.
//! Not done here: JA4S, JA4X and the other JA4+ methods (not under a licence
//! this project can use); JA4 over QUIC or DTLS (tlstriage reads TCP only).

use md5::{Digest as _, Md5};
use sha2::Sha256;

use super::enums::is_grease;
use super::{
    CipherSuite, ClientHello, ExtensionType, NamedGroup, ServerHello, SignatureScheme, Version,
};

/// A JA3 or JA3S fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ja3 {
    /// The string that is hashed, e.g. `771,4865-4866,0-23-65281,29-23,0`.
    pub full: String,
    /// Its MD5 in lower-case hex (32 characters).
    pub hash: String,
}

impl Ja3 {
    /// From the pre-hash string, built as ASCII bytes.
    fn new(full: Vec<u8>) -> Self {
        let hash = hex(&Md5::digest(&full));
        Ja3 {
            full: ascii(full),
            hash,
        }
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Bytes known to be ASCII (digits, letters, punctuation written here) as a
/// `String`. Never empty on bad input: a non-ASCII byte (impossible by
/// construction) is replaced, not a panic.
fn ascii(b: Vec<u8>) -> String {
    String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Lower-case hex of the bytes. Written by hand, like everything here: on a
/// capture with 20,000 hellos the formatting machinery and the intermediate
/// strings cost several times the hashing.
fn hex(b: &[u8]) -> String {
    let mut s = Vec::with_capacity(b.len() * 2);
    push_hex(&mut s, b);
    ascii(s)
}

fn push_hex(s: &mut Vec<u8>, b: &[u8]) {
    for x in b {
        s.push(HEX[usize::from(x >> 4)]);
        s.push(HEX[usize::from(x & 0xf)]);
    }
}

/// Appends `x` in decimal.
fn push_decimal(s: &mut Vec<u8>, mut x: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (x % 10) as u8;
        x /= 10;
        if x == 0 {
            break;
        }
    }
    s.extend_from_slice(&buf[i..]);
}

/// Appends `a-b-c` of the values.
fn push_dashed(s: &mut Vec<u8>, v: impl Iterator<Item = u32>) {
    for (i, x) in v.enumerate() {
        if i > 0 {
            s.push(b'-');
        }
        push_decimal(s, x);
    }
}

fn no_grease(v: impl Iterator<Item = u16>) -> impl Iterator<Item = u32> {
    v.filter(|x| !is_grease(*x)).map(u32::from)
}

/// Extension type: supported_groups (RFC 8422 §5.1.1).
const EXT_SUPPORTED_GROUPS: u16 = 10;
/// Extension type: ec_point_formats (RFC 8422 §5.1.2).
const EXT_EC_POINT_FORMATS: u16 = 11;
/// Extension type: server_name (RFC 6066 §3).
const EXT_SERVER_NAME: u16 = 0;
/// Extension type: application_layer_protocol_negotiation (RFC 7301 §3.1).
const EXT_ALPN: u16 = 16;
/// Extension type: supported_versions (RFC 8446 §4.2.1).
const EXT_SUPPORTED_VERSIONS: u16 = 43;

/// JA3 of a ClientHello. Always `Some` for a TLS-format hello; for an
/// SSLv2-format hello see the module docs.
pub fn ja3(ch: &ClientHello) -> Option<Ja3> {
    let mut s = Vec::with_capacity(
        16 + 6
            * (ch.cipher_suites.len()
                + ch.extensions.len()
                + ch.groups.len()
                + ch.ec_point_formats.len()
                + ch.sslv2_cipher_specs.len()),
    );
    push_decimal(&mut s, u32::from(ch.version.0));
    s.push(b',');
    if ch.sslv2_format {
        // ipfixprobe's layout: the hello's version, every cipher spec in wire
        // order, no extensions. A 2-byte GREASE value cannot be told apart in
        // a 3-byte spec `00 XX YY`, so such a spec is left out like in TLS.
        let specs = ch
            .sslv2_cipher_specs
            .iter()
            .copied()
            .filter(|&s| !(s <= 0xffff && is_grease(s as u16)));
        push_dashed(&mut s, specs);
        s.extend_from_slice(b",,,");
        return Some(Ja3::new(s));
    }
    push_dashed(&mut s, no_grease(ch.cipher_suites.iter().map(|c| c.0)));
    s.push(b',');
    push_dashed(&mut s, no_grease(ch.extensions.iter().map(|e| e.0)));
    s.push(b',');
    let has = |t: u16| ch.extensions.iter().any(|e| e.0 == t);
    // Fields of absent extensions stay empty; a present extension whose list
    // did not parse is empty too.
    if has(EXT_SUPPORTED_GROUPS) {
        push_dashed(&mut s, no_grease(ch.groups.iter().map(|g| g.0)));
    }
    s.push(b',');
    if has(EXT_EC_POINT_FORMATS) {
        push_dashed(&mut s, ch.ec_point_formats.iter().map(|&f| u32::from(f)));
    }
    Some(Ja3::new(s))
}

/// The fields of a ClientHello that its JA3 and JA4 depend on, owned.
#[derive(Debug)]
struct HelloKey {
    version: u16,
    sslv2_format: bool,
    cipher_suites: Vec<CipherSuite>,
    sslv2_cipher_specs: Vec<u32>,
    extensions: Vec<ExtensionType>,
    groups: Vec<NamedGroup>,
    ec_point_formats: Vec<u8>,
    supported_versions: Vec<Version>,
    signature_algorithms: Vec<SignatureScheme>,
    alpn_first: Option<Vec<u8>>,
}

impl HelloKey {
    fn of(ch: &ClientHello) -> Self {
        HelloKey {
            version: ch.version.0,
            sslv2_format: ch.sslv2_format,
            cipher_suites: ch.cipher_suites.clone(),
            sslv2_cipher_specs: ch.sslv2_cipher_specs.clone(),
            extensions: ch.extensions.clone(),
            groups: ch.groups.clone(),
            ec_point_formats: ch.ec_point_formats.clone(),
            supported_versions: ch.supported_versions.clone(),
            signature_algorithms: ch.signature_algorithms.clone(),
            alpn_first: ch.alpn_first.clone(),
        }
    }

    fn matches(&self, ch: &ClientHello) -> bool {
        self.version == ch.version.0
            && self.sslv2_format == ch.sslv2_format
            && self.cipher_suites == ch.cipher_suites
            && self.sslv2_cipher_specs == ch.sslv2_cipher_specs
            && self.extensions == ch.extensions
            && self.groups == ch.groups
            && self.ec_point_formats == ch.ec_point_formats
            && self.supported_versions == ch.supported_versions
            && self.signature_algorithms == ch.signature_algorithms
            && self.alpn_first == ch.alpn_first
    }
}

/// Hellos whose fingerprints are remembered, per thread: the clients of a
/// capture are a few TLS stacks sending the same hello over and over.
const MEMO_LEN: usize = 16;

/// (hello, JA3, JA4) entries and the next slot to replace (round-robin).
type Memo = (Vec<(HelloKey, Option<Ja3>, Option<String>)>, usize);

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = const { std::cell::RefCell::new((Vec::new(), 0)) };
}

/// [`ja3`] and [`ja4`] of a ClientHello, from a small per-thread memo when
/// the same hello was just fingerprinted.
pub fn ja3_ja4(ch: &ClientHello) -> (Option<Ja3>, Option<String>) {
    if let Some(hit) = MEMO.with_borrow(|(v, _)| {
        v.iter()
            .find(|(k, _, _)| k.matches(ch))
            .map(|(_, j3, j4)| (j3.clone(), j4.clone()))
    }) {
        return hit;
    }
    let (j3, j4) = (ja3(ch), ja4(ch));
    // A hello with thousands of values (garbage, a fuzzer) is not kept.
    if ch.cipher_suites.len() + ch.extensions.len() + ch.sslv2_cipher_specs.len() <= 512 {
        MEMO.with_borrow_mut(|(v, next)| {
            let entry = (HelloKey::of(ch), j3.clone(), j4.clone());
            if v.len() < MEMO_LEN {
                v.push(entry);
            } else if let Some(slot) = v.get_mut(*next) {
                *slot = entry;
                *next = (*next + 1) % MEMO_LEN;
            }
        });
    }
    (j3, j4)
}

/// JA3S of a ServerHello (or HelloRetryRequest, which has the same layout);
/// `None` for an SSL 2.0 SERVER-HELLO.
pub fn ja3s(sh: &ServerHello) -> Option<Ja3> {
    if sh.sslv2_format {
        return None;
    }
    let mut s = Vec::with_capacity(16 + 6 * sh.extensions.len());
    push_decimal(&mut s, u32::from(sh.version.0));
    s.push(b',');
    push_decimal(&mut s, u32::from(sh.cipher_suite.0));
    s.push(b',');
    push_dashed(&mut s, sh.extensions.iter().map(|e| u32::from(e.0)));
    Some(Ja3::new(s))
}

/// The two characters JA4 gives a protocol version.
fn ja4_version(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// The two ALPN characters of JA4: first and last character of the first
/// protocol name when both are ASCII alphanumerics, otherwise the first and
/// last hex digit of the whole name; `00` without one.
fn ja4_alpn(first: Option<&[u8]>) -> [u8; 2] {
    let Some(name) = first.filter(|n| !n.is_empty()) else {
        return *b"00";
    };
    match (name.first(), name.last()) {
        (Some(&a), Some(&z)) if a.is_ascii_alphanumeric() && z.is_ascii_alphanumeric() => [a, z],
        (Some(&a), Some(&z)) => [HEX[usize::from(a >> 4)], HEX[usize::from(z & 0xf)]],
        _ => *b"00",
    }
}

/// Appends the first 12 hex digits of the SHA-256 of `s`, or twelve zeros for
/// an empty list (the method marks "nothing there" this way rather than
/// hashing "").
fn push_ja4_hash(out: &mut Vec<u8>, s: &[u8]) {
    if s.is_empty() {
        out.extend_from_slice(b"000000000000");
    } else {
        push_hex(out, &Sha256::digest(s)[..6]);
    }
}

/// Appends `0a0a,1301` of the values, 4 lower-case hex digits each.
fn push_comma_hex(s: &mut Vec<u8>, v: &[u16]) {
    for (i, x) in v.iter().enumerate() {
        if i > 0 {
            s.push(b',');
        }
        for shift in [12, 8, 4, 0] {
            s.push(HEX[usize::from((x >> shift) & 0xf)]);
        }
    }
}

/// Two decimal digits of `n`, capped at 99.
fn two_digits(n: usize) -> [u8; 2] {
    let n = n.min(99) as u8;
    [b'0' + n / 10, b'0' + n % 10]
}

/// JA4 of a ClientHello carried over TCP (first character `t`); `None` for
/// an SSLv2-format hello.
///
/// `a` part: `t`, the version (the highest non-GREASE supported_versions
/// value when that extension is present, else `legacy_version`), `d` when a
/// server_name extension is present else `i`, the counts of non-GREASE
/// cipher suites and extensions (two digits, at most 99), the ALPN
/// characters. `b`: truncated SHA-256 of the sorted cipher list. `c`:
/// truncated SHA-256 of the sorted extension list without server_name and
/// ALPN, then `_` and the signature algorithms in wire order when there are
/// any. GREASE is left out everywhere.
pub fn ja4(ch: &ClientHello) -> Option<String> {
    if ch.sslv2_format {
        return None;
    }
    let has = |t: u16| ch.extensions.iter().any(|e| e.0 == t);
    let version = if has(EXT_SUPPORTED_VERSIONS) {
        ch.supported_versions
            .iter()
            .map(|v| v.0)
            .filter(|v| !is_grease(*v))
            .max()
            .unwrap_or(ch.version.0)
    } else {
        ch.version.0
    };
    // One scratch list for the values, one for the text that is hashed.
    let mut vals: Vec<u16> = Vec::with_capacity(
        ch.cipher_suites
            .len()
            .max(ch.extensions.len() + ch.signature_algorithms.len()),
    );
    let mut text: Vec<u8> = Vec::with_capacity(5 * vals.capacity());
    let mut out: Vec<u8> = Vec::with_capacity(36);
    out.push(b't');
    out.extend_from_slice(ja4_version(version).as_bytes());
    out.push(if has(EXT_SERVER_NAME) { b'd' } else { b'i' });
    vals.extend(
        ch.cipher_suites
            .iter()
            .map(|c| c.0)
            .filter(|c| !is_grease(*c)),
    );
    out.extend_from_slice(&two_digits(vals.len()));
    let exts = ch.extensions.iter().filter(|e| !is_grease(e.0)).count();
    out.extend_from_slice(&two_digits(exts));
    out.extend_from_slice(&ja4_alpn(ch.alpn_first.as_deref()));
    out.push(b'_');
    vals.sort_unstable();
    push_comma_hex(&mut text, &vals);
    push_ja4_hash(&mut out, &text);
    out.push(b'_');
    vals.clear();
    vals.extend(
        ch.extensions
            .iter()
            .map(|e| e.0)
            .filter(|&e| !is_grease(e) && e != EXT_SERVER_NAME && e != EXT_ALPN),
    );
    vals.sort_unstable();
    text.clear();
    if !vals.is_empty() {
        push_comma_hex(&mut text, &vals);
        let sorted = vals.len();
        vals.extend(
            ch.signature_algorithms
                .iter()
                .map(|s| s.0)
                .filter(|s| !is_grease(*s)),
        );
        if vals.len() > sorted {
            text.push(b'_');
            push_comma_hex(&mut text, &vals[sorted..]);
        }
    }
    push_ja4_hash(&mut out, &text);
    Some(ascii(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::{CipherSuite, ExtensionType, NamedGroup, SignatureScheme, Version};

    fn suites(v: &[u16]) -> Vec<CipherSuite> {
        v.iter().copied().map(CipherSuite).collect()
    }
    fn exts(v: &[u16]) -> Vec<ExtensionType> {
        v.iter().copied().map(ExtensionType).collect()
    }

    /// The JA3 README's first example:
    /// `769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0`,
    /// MD5 checked with Python's hashlib.
    fn ja3_readme_hello() -> ClientHello {
        ClientHello {
            version: Version(0x0301),
            cipher_suites: suites(&[47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4]),
            extensions: exts(&[0, 10, 11]),
            groups: vec![NamedGroup(23), NamedGroup(24), NamedGroup(25)],
            ec_point_formats: vec![0],
            ..ClientHello::default()
        }
    }

    #[test]
    fn ja3_readme_example_matches_published_hash() {
        let j = ja3(&ja3_readme_hello()).unwrap();
        assert_eq!(
            j.full,
            "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0"
        );
        assert_eq!(j.hash, "ada70206e40642a3e4461f35503241d5");
    }

    #[test]
    fn ja3_grease_in_every_list_left_out() {
        let mut ch = ja3_readme_hello();
        ch.cipher_suites.insert(0, CipherSuite(0x0a0a));
        ch.extensions.insert(0, ExtensionType(0xfafa));
        ch.extensions.push(ExtensionType(0x1a1a));
        ch.groups.insert(1, NamedGroup(0x2a2a));
        assert_eq!(ja3(&ch).unwrap().hash, "ada70206e40642a3e4461f35503241d5");
    }

    #[test]
    fn ja3_no_extensions_empty_fields() {
        // The README's second example, `769,4-5-10-9-100-98-3-6-19-18-99,,,`.
        let ch = ClientHello {
            version: Version(0x0301),
            cipher_suites: suites(&[4, 5, 10, 9, 100, 98, 3, 6, 19, 18, 99]),
            ..ClientHello::default()
        };
        let j = ja3(&ch).unwrap();
        assert_eq!(j.full, "769,4-5-10-9-100-98-3-6-19-18-99,,,");
        assert_eq!(j.hash, "de350869b8c85de67a350c8d186f11e6");
    }

    #[test]
    fn ja3_groups_without_point_formats_trailing_empty() {
        let ch = ClientHello {
            version: Version(0x0303),
            cipher_suites: suites(&[4865]),
            extensions: exts(&[43, 10]),
            groups: vec![NamedGroup(23)],
            ..ClientHello::default()
        };
        assert_eq!(ja3(&ch).unwrap().full, "771,4865,43-10,23,");
    }

    #[test]
    fn ja3_sslv2_hello_specs_in_wire_order() {
        // CESNET FlowTest publishes e76a0619… for this hello (ssl-v2.pcap).
        let ch = ClientHello {
            record_version: Version(0x0002),
            version: Version(0x0002),
            sslv2_format: true,
            sslv2_cipher_specs: vec![
                0x0700c0, 0x050080, 0x030080, 0x010080, 0x080080, 0x060040, 0x040080, 0x020080,
            ],
            ..ClientHello::default()
        };
        let j = ja3(&ch).unwrap();
        assert_eq!(
            j.full,
            "2,458944-327808-196736-65664-524416-393280-262272-131200,,,"
        );
        assert_eq!(j.hash, "e76a0619f4cf744ab2b9ea0ac9b8d5a4");
        assert_eq!(ja4(&ch), None);
    }

    #[test]
    fn ja3s_legacy_version_and_extensions_in_order() {
        // Suricata-verify tls-certs-alert publishes this string and hash.
        let sh = ServerHello {
            version: Version(0x0303),
            cipher_suite: CipherSuite(49199),
            extensions: exts(&[65281, 0, 11, 16, 23]),
            ..ServerHello::default()
        };
        let j = ja3s(&sh).unwrap();
        assert_eq!(j.full, "771,49199,65281-0-11-16-23");
        assert_eq!(j.hash, "5d79edf64e03689ff559a54e9d9487bc");
    }

    #[test]
    fn ja3s_tls13_uses_legacy_version_not_selected() {
        let sh = ServerHello {
            version: Version(0x0303),
            selected_version: Some(Version(0x0304)),
            cipher_suite: CipherSuite(0x1301),
            extensions: exts(&[51, 43]),
            ..ServerHello::default()
        };
        assert_eq!(ja3s(&sh).unwrap().full, "771,4865,51-43");
    }

    #[test]
    fn ja3s_sslv2_server_hello_none() {
        let sh = ServerHello {
            version: Version(0x0002),
            sslv2_format: true,
            ..ServerHello::default()
        };
        assert_eq!(ja3s(&sh), None);
    }

    /// The hello of the JA4 technical description's example (its cipher,
    /// extension and signature-algorithm lists, ALPN h2, SNI, TLS 1.3), with
    /// GREASE added where browsers put it.
    fn ja4_spec_hello() -> ClientHello {
        ClientHello {
            version: Version(0x0303),
            cipher_suites: suites(&[
                0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
                0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
            ]),
            extensions: exts(&[
                0x0a0a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005,
                0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015, 0x4a4a,
            ]),
            supported_versions: vec![Version(0x7a7a), Version(0x0304), Version(0x0303)],
            signature_algorithms: [
                0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
            ]
            .into_iter()
            .map(SignatureScheme)
            .collect(),
            sni: Some("example.com".into()),
            alpn: vec!["h2".into(), "http/1.1".into()],
            alpn_first: Some(b"h2".to_vec()),
            ..ClientHello::default()
        }
    }

    #[test]
    fn ja4_spec_example_matches_published_value() {
        assert_eq!(
            ja4(&ja4_spec_hello()).as_deref(),
            Some("t13d1516h2_8daaf6152771_e5627efa2ab1")
        );
    }

    #[test]
    fn ja4_no_signature_algorithms_no_underscore() {
        // The description's variant without signature algorithms: 6d807ffa2a79.
        let mut ch = ja4_spec_hello();
        ch.signature_algorithms.clear();
        assert_eq!(
            ja4(&ch).as_deref(),
            Some("t13d1516h2_8daaf6152771_6d807ffa2a79")
        );
    }

    #[test]
    fn ja4_empty_lists_zero_hashes_and_ip_without_alpn() {
        let ch = ClientHello {
            version: Version(0x0301),
            ..ClientHello::default()
        };
        assert_eq!(
            ja4(&ch).as_deref(),
            Some("t10i000000_000000000000_000000000000")
        );
    }

    #[test]
    fn ja4_version_without_supported_versions_is_legacy() {
        let mut ch = ja4_spec_hello();
        ch.extensions.retain(|e| e.0 != 0x002b);
        ch.supported_versions.clear();
        assert!(ja4(&ch).unwrap().starts_with("t12d1515h2_"));
        ch.version = Version(0x0300);
        assert!(ja4(&ch).unwrap().starts_with("ts3d"));
        ch.version = Version(0x7f1c);
        assert!(ja4(&ch).unwrap().starts_with("t00d"));
    }

    #[test]
    fn ja4_counts_capped_at_99() {
        let ch = ClientHello {
            version: Version(0x0303),
            cipher_suites: (1..=150).map(CipherSuite).collect(),
            extensions: (100..=250).map(ExtensionType).collect(),
            ..ClientHello::default()
        };
        assert!(ja4(&ch).unwrap().starts_with("t12i999900_"));
    }

    #[test]
    fn ja4_alpn_characters_per_description() {
        let f = |b: &[u8]| String::from_utf8(ja4_alpn(Some(b)).to_vec()).unwrap();
        assert_eq!(f(b"h2"), "h2");
        assert_eq!(f(b"http/1.1"), "h1");
        assert_eq!(f(b"x"), "xx");
        assert_eq!(&ja4_alpn(None), b"00");
        assert_eq!(f(b""), "00");
        // The description's non-alphanumeric examples.
        assert_eq!(f(&[0xab]), "ab");
        assert_eq!(f(&[0x20]), "20");
        assert_eq!(f(&[0xab, 0xcd]), "ad");
        assert_eq!(f(&[0x20, 0x61]), "21");
        assert_eq!(f(&[0x30, 0xab]), "3b");
        assert_eq!(f(&[0x61, 0x20]), "60");
        assert_eq!(f(&[0x30, 0x31, 0xab, 0xcd]), "3d");
        assert_eq!(f(&[0x30, 0xab, 0xcd, 0x31]), "01");
    }
}
