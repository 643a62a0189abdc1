//! Remedy texts: what a Windows (IIS/Schannel) or Linux (OpenSSL-based) admin
//! runs or changes. Commands are spelled out with the server's own port so they
//! can be pasted.

use std::net::SocketAddr;

use crate::tls::Version;

/// The SCHANNEL protocols key (Windows).
pub const SCHANNEL_PROTOCOLS: &str =
    r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols";

fn schannel_name(v: Version) -> &'static str {
    match v.0 {
        0x0002 => "SSL 2.0",
        0x0300 => "SSL 3.0",
        0x0301 => "TLS 1.0",
        0x0302 => "TLS 1.1",
        0x0304 => "TLS 1.3",
        _ => "TLS 1.2",
    }
}

fn openssl_name(v: Version) -> &'static str {
    match v.0 {
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0304 => "TLSv1.3",
        _ => "TLSv1.2",
    }
}

/// The server's highest protocol is below what the client accepts: enable
/// `want` on the server.
pub fn enable_server_protocol(want: Version) -> Vec<String> {
    let s = schannel_name(want);
    let o = openssl_name(want);
    vec![
        format!(
            "Windows/IIS: enable {s} for the server: under {SCHANNEL_PROTOCOLS}\\{s}\\Server set DWORD Enabled=1 and DisabledByDefault=0 (or delete both values to get the OS default), then restart the server; {s} must also be allowed by the cipher suite order policy (Get-TlsCipherSuite)."
        ),
        format!(
            "Linux: allow {o} in the server's TLS configuration (nginx: ssl_protocols TLSv1.2 TLSv1.3; Apache: SSLProtocol -all +TLSv1.2 +TLSv1.3; HAProxy: ssl-min-ver TLSv1.2), check MinProtocol/MaxProtocol in openssl.cnf, and reload."
        ),
        "Client side, only if the server cannot be changed: allow the older protocol on the client (not recommended).".to_string(),
    ]
}

/// The client's highest protocol is below what the server accepts.
pub fn enable_client_protocol(want: Version) -> Vec<String> {
    let s = schannel_name(want);
    vec![
        format!(
            "Windows client: enable {s} under {SCHANNEL_PROTOCOLS}\\{s}\\Client (Enabled=1, DisabledByDefault=0); for .NET Framework apps set SchUseStrongCrypto=1 and SystemDefaultTlsVersions=1 under HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319 (and WOW6432Node)."
        ),
        format!(
            "Linux/other clients: update the client or its TLS library so it offers {s}, or check MinProtocol in its openssl.cnf."
        ),
        "Server side, only if no client can be changed: re-enable the older protocol on the server (a security trade-off).".to_string(),
    ]
}

/// No cipher suite in common.
pub fn cipher_mismatch() -> Vec<String> {
    vec![
        "Windows/IIS: list the server's enabled suites with Get-TlsCipherSuite (PowerShell) and compare with the client's list; the order/enable policy lives in HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002 (Group Policy \"SSL Cipher Suite Order\"); enable a suite both sides support (e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256) with Enable-TlsCipherSuite, then restart.".to_string(),
        "Check the certificate's key type: an ECDSA certificate needs ECDHE_ECDSA suites, an RSA certificate ECDHE_RSA or RSA suites; a certificate without a usable private key leaves Schannel with no suite at all (certutil -store my <thumbprint>).".to_string(),
        "Linux: compare `openssl ciphers -v '<server cipher string>'` with the client's list and widen ssl_ciphers (nginx) / SSLCipherSuite (Apache) / ciphers (HAProxy).".to_string(),
    ]
}

/// The server reset or closed right after the ClientHello (IIS scenarios 1, 2, 4).
pub fn server_dropped_hello(server: SocketAddr, sni: Option<&str>) -> Vec<String> {
    let port = server.port();
    let mut r = vec![
        format!(
            "Windows/IIS: check the HTTP.sys binding: `netsh http show sslcert ipport=0.0.0.0:{port}` (and ipport={server}); an empty Certificate Hash or an Application ID of {{00000000-0000-0000-0000-000000000000}} is broken: `netsh http delete sslcert ipport=0.0.0.0:{port}` and re-add the binding in IIS Manager (Site Bindings → https → select the certificate)."
        ),
        "Windows: check the certificate has its private key: `certutil -store my <thumbprint>` must show \"Encryption test passed\"; if not, `certutil -repairstore my <thumbprint>`; key access errors appear as Schannel event 36870 in the System log (grant the server account read access to the key in C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys).".to_string(),
    ];
    match sni {
        Some(name) => r.push(format!(
            "Windows: if the site uses SNI, `netsh http show sslcert hostnameport={name}:{port}` must list a valid certificate hash."
        )),
        None => r.push(format!(
            "The ClientHello carries no SNI: if the server binds certificates only per host name (SNI, hostnameport=…:{port}), add a binding for 0.0.0.0:{port} or make the client send the host name."
        )),
    }
    r.push(
        "Linux: the server's error log at the time of the ClientHello names the cause (missing key/cert file, bad permissions); test with `openssl s_client -connect <server>:<port> -servername <name>`.".to_string(),
    );
    r
}

/// Nothing answered the ClientHello.
pub fn no_response(server: SocketAddr) -> Vec<String> {
    let port = server.port();
    vec![
        format!(
            "Check that a TLS service really listens on {server} and is not hung: Windows `netstat -anob | findstr :{port}`, Linux `ss -ltnp 'sport = :{port}'`."
        ),
        "A firewall, load balancer or IPS that accepts TCP but drops TLS would look the same: capture on the server itself to see whether the ClientHello arrives.".to_string(),
    ]
}

/// HTTP.sys answered in plain HTTP on the TLS port.
pub fn httpsys_plain_http(server: SocketAddr) -> Vec<String> {
    let port = server.port();
    vec![format!(
        "Windows/IIS: in IIS Manager → Site Bindings, the binding on port {port} must be of type https with a certificate (not http); `netsh http show urlacl | findstr :{port}` lists http:// reservations on the port and `netsh http show servicestate` which application registered it; `netsh http show sslcert ipport=0.0.0.0:{port}` must list a certificate hash — if it is missing, add it (`netsh http add sslcert ipport=0.0.0.0:{port} certhash=<thumbprint> appid={{<app-id>}}`) or re-select the certificate in the https binding."
    )]
}

/// Something that is not TLS answered (IIS scenario 3).
pub fn port_conflict(server: SocketAddr, what: &str) -> Vec<String> {
    let port = server.port();
    vec![
        format!(
            "Find which process owns port {port}: Windows `netstat -anob | findstr :{port}` (PID 4 is HTTP.sys: then check `netsh http show sslcert ipport=0.0.0.0:{port}` and the IIS site bindings for an https binding); Linux `ss -ltnp 'sport = :{port}'`."
        ),
        format!(
            "The service that answered ({what}) is not TLS on this port: move it to another port or give the site an https binding with a certificate, then restart the service."
        ),
        "If the client should speak plain text or STARTTLS here, fix the client's URL/scheme instead.".to_string(),
    ]
}

/// The client refused the server's certificate or parameters.
pub fn client_refused(alert: Option<u8>) -> Vec<String> {
    let mut r = Vec::new();
    match alert {
        Some(48) | Some(42) | Some(46) => r.push(
            "The client does not trust the server's certificate chain: install the full chain (intermediates) on the server, and make sure its root is trusted on the client (Windows: `certutil -verify -urlfetch server.cer`; Linux: `openssl s_client -connect <server>:<port> -showcerts`).".to_string(),
        ),
        Some(45) => r.push(
            "The server's certificate is expired (or not yet valid) for the client: renew it and rebind it (IIS Site Bindings; Linux: replace the certificate file and reload).".to_string(),
        ),
        Some(43) => r.push(
            "The client cannot use the server's certificate type: check its key usage and Extended Key Usage (must include Server Authentication, 1.3.6.1.5.5.7.3.1) and its key algorithm.".to_string(),
        ),
        _ => {}
    }
    if let Some((name, code)) = alert.and_then(schannel_status) {
        r.push(format!(
            "A Windows client reports this as {name} (0x{code:08x}) in its Schannel events (36887 on the server for the alert it received)."
        ));
    }
    r.push(
        "Reproduce with the client's own diagnostics (browser security panel, `openssl s_client -connect <server>:<port> -servername <name>`, or Schannel events on a Windows client) to see its exact complaint.".to_string(),
    );
    r
}

/// The server refused with an alert the capture cannot explain further.
pub fn server_refused() -> Vec<String> {
    vec![
        "Windows/IIS: Schannel logs the alert it sent in the System event log (event 36888, with 36874 for a protocol mismatch and 36870 for a private-key problem) at the capture's time: `wevtutil qe System /q:\"*[System[Provider[@Name='Schannel']]]\" /c:20 /rd:true /f:text`.".to_string(),
        "Linux: the server's error log (nginx error.log, Apache ssl_error_log, HAProxy log) names the reason for the alert at that time.".to_string(),
    ]
}

/// The server ended the handshake with `alert`: what Windows logs for it,
/// then where the reason is written.
pub fn server_alert(alert: Option<u8>) -> Vec<String> {
    let mut r = Vec::new();
    if let Some((name, code)) = alert.and_then(schannel_status) {
        r.push(format!(
            "Windows/IIS: Schannel reports this alert as {name} (0x{code:08x}); the System event log has event 36888 with the alert number (and 36874 for a protocol mismatch, 36870 for a private-key problem) at the capture's time."
        ));
    }
    r.extend(server_refused());
    r
}

/// The capture lost bytes.
pub fn recapture() -> Vec<String> {
    vec![
        "Capture again with full packets and a larger buffer: `tcpdump -i <if> -s 0 -B 8192 -w out.pcap 'tcp port <port>'`, Wireshark/dumpcap, or on Windows `pktmon start --capture --pkt-size 0` / `netsh trace start capture=yes`; capture on the server itself if a network tap dropped packets.".to_string(),
    ]
}

/// The capture started too late or ended too early.
pub fn capture_whole_connection() -> Vec<String> {
    vec![
        "Start the capture before reproducing the problem and stop it only after the client shows its error, so the whole handshake (SYN, ClientHello … first application data) is in the file.".to_string(),
    ]
}

/// No key-exchange group in common (TLS 1.3 key share, ECDHE curves).
pub fn group_mismatch() -> Vec<String> {
    vec![
        "Windows/IIS: the server's groups are the ECC curve order (Group Policy \"ECC Curve Order\", PowerShell Get-TlsEccCurve / Enable-TlsEccCurve); enable a group the client offers (X25519, secp256r1, secp384r1), then restart.".to_string(),
        "Linux: widen the server's group list (nginx ssl_ecdh_curve X25519:prime256v1:secp384r1; Apache SSLOpenSSLConfCmd Groups …; OpenSSL Groups in openssl.cnf) or the client's (e.g. `openssl s_client -groups`), and reload.".to_string(),
    ]
}

/// The server needs SNI: a host-name-only binding and no default.
pub fn sni_required(server: SocketAddr, port: u16) -> Vec<String> {
    vec![
        format!(
            "Windows/IIS: the site has only host-name (SNI) bindings on port {port}. Add a default: an https binding without \"Require Server Name Indication\" (`netsh http add sslcert ipport=0.0.0.0:{port} certhash=<thumbprint> appid={{<app-id>}}`), or a CCS/central binding; check with `netsh http show sslcert` (hostnameport= vs ipport= entries)."
        ),
        format!(
            "Or make the client send the host name: connect by name, not by IP ({server}); old clients (Windows XP, Java 6, some scripts and health checks) never send SNI."
        ),
        "Linux: define a default_server (nginx) or a first/default VirtualHost (Apache) with a certificate for port clients reach without SNI.".to_string(),
    ]
}

/// The server refused a fallback retry (TLS_FALLBACK_SCSV).
pub fn fallback() -> Vec<String> {
    vec![
        "Find the client's first, failed attempt to this server (same client, just before) and fix what broke it; the fallback retry is refused by design (RFC 7507).".to_string(),
        "Clients that fall back on any error (old browsers, Java, custom code) hide the real failure: turn fallback off on the client to see the first error.".to_string(),
    ]
}

/// No ALPN protocol in common.
pub fn alpn(offered: &[String]) -> Vec<String> {
    let only_h2 = offered.len() == 1 && offered[0] == "h2";
    let mut r = vec![
        "Windows/IIS: HTTP/2 over TLS is on by default; it is turned off per binding (`netsh http show sslcert` → \"Disable HTTP2\", IIS Manager → binding → Disable HTTP/2) or globally (HKLM\\SYSTEM\\CurrentControlSet\\Services\\HTTP\\Parameters EnableHttp2Tls=0). Enable the protocol the client needs.".to_string(),
        "Linux: enable the protocol on the server (nginx `http2 on;` / `listen 443 ssl http2`, Apache `Protocols h2 http/1.1`, HAProxy `alpn h2,http/1.1`) or make the client offer one the server has.".to_string(),
    ];
    if only_h2 {
        r.push("The client offers only h2 (HTTP/2): a gRPC or HTTP/2-only client needs a server with HTTP/2 enabled.".to_string());
    }
    r
}

/// The server has no certificate for the requested name.
pub fn unrecognized_name(name: &str, port: u16) -> Vec<String> {
    vec![
        format!(
            "Windows/IIS: add an https binding for host name {name} on port {port} with a certificate that covers it (check `netsh http show sslcert hostnameport={name}:{port}`)."
        ),
        format!(
            "Linux: add {name} to server_name (nginx) / ServerName or ServerAlias (Apache) of the TLS site, or fix the client's URL."
        ),
    ]
}

/// The server requires a client certificate the client does not send.
pub fn client_certificate_required() -> Vec<String> {
    vec![
        "Give the client a certificate from a CA the server accepts (Windows: in the user's or machine's Personal store with its private key; the server's CertificateRequest lists the accepted CAs), or stop requiring one.".to_string(),
        "Windows/IIS: SSL Settings → Client certificates: Ignore/Accept/Require; `netsh http show sslcert` shows \"Negotiate Client Certificate\"; the server's trusted issuer list is sent only when SendTrustedIssuerList=1 (HKLM\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL).".to_string(),
        "Linux: nginx ssl_verify_client on|optional, Apache SSLVerifyClient require|optional, HAProxy verify required; ssl_client_certificate / SSLCACertificateFile name the accepted CAs.".to_string(),
    ]
}

/// The server rejected the client's certificate.
pub fn client_certificate_rejected() -> Vec<String> {
    vec![
        "The client certificate must chain to a CA in the server's trust list, be within its validity period, and carry the Client Authentication EKU (1.3.6.1.5.5.7.3.2).".to_string(),
        "Windows/IIS: Schannel logs why in the System event log (events 36874–36888, 36882 for an untrusted client certificate); the CA must be in the server's Trusted Root (and the issuing CA in Client Authentication Issuers, when a CTL store is configured: `netsh http show sslcert` → Ctl Store Name).".to_string(),
        "Linux: the server's error log names the verify error; check ssl_client_certificate / SSLCACertificateFile and ssl_verify_depth.".to_string(),
    ]
}

/// A peer refused renegotiation.
pub fn renegotiation() -> Vec<String> {
    vec![
        "Renegotiation is used by IIS to ask for a client certificate after the request (TLS 1.2, \"Negotiate Client Certificate\" off). Avoid it: require the client certificate at the start of the handshake (`netsh http add sslcert … clientcertnegotiation=enable`), or use TLS 1.3 post-handshake authentication where both sides support it.".to_string(),
        "Clients and servers that refuse renegotiation by policy (HTTP/2 forbids it, RFC 7540 §9.2.1) cannot be forced; change the side that needs it.".to_string(),
    ]
}

/// The server lacks RFC 5746 secure renegotiation.
pub fn secure_renegotiation() -> Vec<String> {
    vec![
        "Update the server's TLS stack: every maintained one implements RFC 5746 (Windows since 2010's MS10-049); a server that omits renegotiation_info is obsolete or misconfigured (GnuTLS %DISABLE_SAFE_RENEGOTIATION, appliances with old firmware).".to_string(),
        "Only as a stopgap on an OpenSSL 3 client: Options = UnsafeLegacyServerConnect in openssl.cnf (insecure: CVE-2009-3555).".to_string(),
    ]
}

/// SSL 2.0/3.0 or TLS 1.0/1.1 in use.
pub fn legacy() -> Vec<String> {
    vec![format!(
        "Move clients and servers to TLS 1.2 or 1.3; on Windows enable TLS 1.2 under {SCHANNEL_PROTOCOLS}\\TLS 1.2\\Server and \\Client (Enabled=1, DisabledByDefault=0) and, for .NET Framework apps, SchUseStrongCrypto=1 / SystemDefaultTlsVersions=1."
    )]
}

/// A problem with the server's certificate.
pub fn certificate(
    issue: &super::certs::Issue,
    sni: Option<&str>,
    server: SocketAddr,
) -> Vec<String> {
    let code = issue.code;
    use super::Code::*;
    let port = server.port();
    let name = sni.unwrap_or("<host name>");
    let rebind = format!(
        "Windows/IIS: import the new certificate with its private key into LocalMachine\\My, select it in the site's https binding (or `netsh http update sslcert ipport=0.0.0.0:{port} certhash=<thumbprint> appid={{<app-id>}}`), and check `netsh http show sslcert` shows the new hash."
    );
    let linux = "Linux: replace the certificate and key files the server points to (nginx ssl_certificate, Apache SSLCertificateFile, HAProxy crt) and reload; verify with `openssl s_client -connect <server>:<port> -servername <name> -showcerts`.".to_string();
    let mut r = match code {
        CertificateExpired | CertificateNotYetValid => vec![format!(
            "Renew the certificate (or fix the clock of whichever machine is wrong: a not-yet-valid certificate usually means the client's or the CA's clock). {rebind}"
        )],
        CertificateNameMismatch => vec![format!(
            "Issue a certificate whose Subject Alternative Name includes {name} (the CN alone is ignored by current clients), or make the client use a name the certificate covers. {rebind}"
        )],
        CertificateMissingServerAuthEku => vec![format!(
            "Re-issue the certificate from a template with the Server Authentication EKU (1.3.6.1.5.5.7.3.1), e.g. the AD CS \"Web Server\" template; Windows reports the current one as CERT_E_WRONG_USAGE (0x800b0110). `certutil -v -store my <thumbprint>` lists its Enhanced Key Usage. {rebind}"
        )],
        CertificateUntrusted if issue.self_signed => vec![
            format!("Replace the self-signed certificate with one issued by a CA the clients trust (public, or the enterprise CA distributed by Group Policy), or install this certificate as trusted on every client (Windows: Trusted Root Certification Authorities; Linux: update-ca-certificates). {rebind}"),
        ],
        CertificateUntrusted => untrusted_chain(),
        CertificateChainOrder => vec![
            "Order the chain leaf → intermediate(s) → (optional) root. Linux: concatenate the files in that order into ssl_certificate / SSLCertificateFile. Windows builds the chain itself from its stores: remove stale or cross-signed intermediates that lead it astray (`certutil -verify -urlfetch server.cer`).".to_string(),
        ],
        CertificateWeak => vec![format!(
            "Re-issue the certificate with an RSA key of at least 2048 bits (or ECDSA P-256) and a SHA-256 signature; current clients and Windows' own policy refuse MD5 and SHA-1 signatures and short keys. {rebind}"
        )],
        _ => Vec::new(),
    };
    r.push(linux);
    r
}

/// The client does not trust the chain.
pub fn untrusted_chain() -> Vec<String> {
    vec![
        "Send the whole chain: install the intermediate CA certificates on the server (Windows: Intermediate Certification Authorities store of the computer — Schannel sends what it can build; Linux: append them to the certificate file / ssl_certificate, or SSLCertificateChainFile).".to_string(),
        "Make the client trust the root: a public CA, or distribute the private root to clients (Windows: Trusted Root Certification Authorities via Group Policy; Linux: update-ca-certificates). Windows reports an untrusted root as CERT_E_UNTRUSTEDROOT 0x800b0109 and a missing intermediate as CERT_E_CHAINING 0x800b010a; `certutil -verify -urlfetch server.cer` shows which.".to_string(),
    ]
}

/// Schannel's status for an alert, as Windows logs it (event 36887/36888
/// text and SEC_E_* codes; Microsoft "Schannel error codes for TLS and SSL
/// alerts").
pub fn schannel_status(alert: u8) -> Option<(&'static str, u32)> {
    Some(match alert {
        10 | 22 | 40 | 47 | 50 | 60 | 100 | 110 | 115 | 120 => {
            ("SEC_E_ILLEGAL_MESSAGE", 0x8009_0326)
        }
        20 | 30 => ("SEC_E_MESSAGE_ALTERED", 0x8009_030F),
        21 | 51 => ("SEC_E_DECRYPT_FAILURE", 0x8009_0330),
        42 | 43 | 46 => ("SEC_E_CERT_UNKNOWN", 0x8009_0327),
        44 => ("CRYPT_E_REVOKED", 0x8009_2010),
        45 => ("SEC_E_CERT_EXPIRED", 0x8009_0328),
        48 => ("SEC_E_UNTRUSTED_ROOT", 0x8009_0325),
        49 => ("SEC_E_LOGON_DENIED", 0x8009_030C),
        70 => ("SEC_E_UNSUPPORTED_FUNCTION", 0x8009_0302),
        71 => ("SEC_E_ALGORITHM_MISMATCH", 0x8009_0331),
        80 => ("SEC_E_INTERNAL_ERROR", 0x8009_0304),
        90 => ("SEC_E_UNFINISHED_CONTEXT_DELETED", 0x8009_0333),
        _ => return None,
    })
}
