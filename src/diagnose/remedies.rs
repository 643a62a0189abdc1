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
