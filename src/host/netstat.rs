//! `netstat -ano` / `netstat -anob` (spec §2.3).
//!
//! Input: the lines of one section. Output: one [`Socket`] per TCP/UDP row
//! (IPv4, IPv6 with `%zone`), with `-b`'s owner lines attached to the row
//! above them: service names (`RpcSs`), then the image (`[svchost.exe]`), or
//! `Can not obtain ownership information` (PID 4: HTTP.sys, SMB).
//! `snap.netstat_seen` is set once a table (title, column header or row) is
//! read — an empty table proves that nothing listens. `-b` run without
//! elevation prints only "The requested operation requires elevation.": a
//! [`Warning`], `snap.elevated = Some(false)`, and no `netstat_seen` (nothing
//! was listed). An image line proves the run was elevated.
//! Rows are split on blanks by position (state names are localized); the
//! PID is the last column. Not done here: joining PIDs with `tasklist`.

use std::net::{IpAddr, SocketAddr, SocketAddrV6};

use super::input::{Line, Noise};
use super::{Proto, Snapshot, Socket, Src, Warning};

/// The text `-b` prints for kernel-owned sockets (PID 4).
const NO_OWNER: &str = "Can not obtain ownership information";

/// Parses a netstat section.
pub fn parse(src: &Src<'_>, lines: &[Line<'_>], snap: &mut Snapshot) {
    // Index in `snap.sockets` of the row owner lines attach to.
    let mut row: Option<usize> = None;
    let mut table = false;
    let mut noise = Noise::default();
    for &line in lines {
        let t = line.text.trim();
        if t.is_empty() {
            continue;
        }
        if t.eq_ignore_ascii_case("Active Connections") || is_columns(t) {
            table = true;
            row = None;
            continue;
        }
        if t.eq_ignore_ascii_case("The requested operation requires elevation.") {
            snap.elevated = Some(false);
            warn(
                snap,
                src,
                line,
                "netstat -b needs an elevated prompt: no sockets listed; run it as \
                 administrator, or send netstat -ano"
                    .into(),
            );
            continue;
        }
        let first = t.split_whitespace().next().unwrap_or("");
        let proto = if first.eq_ignore_ascii_case("TCP") {
            Some(Proto::Tcp)
        } else if first.eq_ignore_ascii_case("UDP") {
            Some(Proto::Udp)
        } else {
            None
        };
        if let Some(proto) = proto {
            table = true;
            row = None;
            match parse_row(proto, t) {
                Ok((local, remote, state, pid)) => {
                    snap.sockets.push(Socket {
                        proto,
                        local,
                        remote,
                        state,
                        pid,
                        owner: None,
                        services: Vec::new(),
                        evidence: src.at(line),
                    });
                    row = Some(snap.sockets.len() - 1);
                }
                Err(why) => warn(snap, src, line, format!("netstat row not read: {why}")),
            }
            continue;
        }
        // `-b` owner lines.
        let owner = if let Some(image) = t.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            if snap.elevated.is_none() {
                snap.elevated = Some(true);
            }
            Some(image.to_string())
        } else if t.eq_ignore_ascii_case(NO_OWNER) {
            Some(t.to_string())
        } else {
            None
        };
        let is_service = owner.is_none() && !t.contains(char::is_whitespace);
        let unknown_component = t.starts_with("--") && t.ends_with("--");
        let Some(s) = row.and_then(|r| snap.sockets.get_mut(r)) else {
            if noise.note(line) {
                warn(snap, src, line, format!("unreadable netstat line: {t:?}"));
            }
            continue;
        };
        match owner {
            Some(o) => s.owner = Some(o),
            None if is_service => s.services.push(t.to_string()),
            None if unknown_component => {}
            None => {
                if noise.note(line) {
                    warn(snap, src, line, format!("unreadable netstat line: {t:?}"));
                }
            }
        }
    }
    if let Some((line, message)) = noise.summary() {
        warn(snap, src, line, message);
    }
    if table {
        snap.netstat_seen = true;
    }
}

/// The English column header (`Proto  Local Address  Foreign Address
/// State  PID`).
fn is_columns(t: &str) -> bool {
    let mut w = t.split_whitespace();
    w.next().is_some_and(|p| p.eq_ignore_ascii_case("proto"))
        && w.next().is_some_and(|p| p.eq_ignore_ascii_case("local"))
        && w.next().is_some_and(|p| p.eq_ignore_ascii_case("address"))
}

type Row = (SocketAddr, String, Option<String>, u32);

/// `TCP local foreign state pid` or `UDP local foreign pid`; a state of
/// several words (some languages) is kept whole.
fn parse_row(proto: Proto, t: &str) -> Result<Row, String> {
    let w: Vec<&str> = t.split_whitespace().collect();
    let min = if proto == Proto::Tcp { 5 } else { 4 };
    if w.len() < min {
        return Err(format!(
            "{} columns, expected {min} (netstat -ano has a PID column)",
            w.len()
        ));
    }
    let local = parse_socket_addr(w[1]).ok_or_else(|| format!("local address {:?}", w[1]))?;
    let last = w[w.len() - 1];
    let pid = last.parse().map_err(|_| format!("PID {last:?}"))?;
    let state = (w.len() > 4).then(|| w[3..w.len() - 1].join(" "));
    Ok((local, w[2].to_string(), state, pid))
}

/// `0.0.0.0:443`, `[::]:443`, `[fe80::1%4]:49664` (numeric zone kept as the
/// scope id, a named one dropped).
pub(crate) fn parse_socket_addr(s: &str) -> Option<SocketAddr> {
    let s = s.trim();
    if let Ok(a) = s.parse() {
        return Some(a);
    }
    let (host, port) = s.rsplit_once(':')?;
    let port: u16 = port.parse().ok()?;
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let (addr, zone) = host.split_once('%').unwrap_or((host, ""));
    match addr.parse::<IpAddr>().ok()? {
        IpAddr::V6(v6) => Some(SocketAddr::V6(SocketAddrV6::new(
            v6,
            port,
            0,
            zone.parse().unwrap_or(0),
        ))),
        IpAddr::V4(v4) if zone.is_empty() => Some(SocketAddr::new(IpAddr::V4(v4), port)),
        IpAddr::V4(_) => None,
    }
}

fn warn(snap: &mut Snapshot, src: &Src<'_>, line: Line<'_>, message: String) {
    snap.warnings.push(Warning {
        at: src.at(line),
        message,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::input;

    fn run(text: &str) -> Snapshot {
        let mut snap = Snapshot::default();
        let lines = input::lines(text);
        parse(&Src { file: "n.txt" }, &lines, &mut snap);
        snap
    }

    const ANO: &str = "
Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       868
  TCP    0.0.0.0:443            0.0.0.0:0              LISTENING       4
  TCP    192.168.10.20:443      192.168.10.99:51544    TIME_WAIT       0
  TCP    [::]:443               [::]:0                 LISTENING       4
  TCP    [fe80::a1b2:c3d4:e5f6:789%7]:49664  [::]:0     LISTENING       612
  UDP    0.0.0.0:443            *:*                                    4
  UDP    [::1]:1900             *:*                                    3120
";

    #[test]
    fn netstat_ano_rows_parsed() {
        let snap = run(ANO);
        assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
        assert!(snap.netstat_seen);
        assert_eq!(snap.sockets.len(), 7);
        let s = &snap.sockets[1];
        assert_eq!(s.local, "0.0.0.0:443".parse().unwrap());
        assert_eq!(s.remote, "0.0.0.0:0");
        assert_eq!(s.state.as_deref(), Some("LISTENING"));
        assert_eq!(s.pid, 4);
        assert!(s.listening());
        assert_eq!(s.evidence.line, 6);
        assert_eq!(snap.sockets[2].state.as_deref(), Some("TIME_WAIT"));
        assert!(!snap.sockets[2].listening());
    }

    #[test]
    fn netstat_ipv6_wildcard_and_scope_id_parse() {
        let snap = run(ANO);
        assert_eq!(snap.sockets[3].local, "[::]:443".parse().unwrap());
        match snap.sockets[4].local {
            SocketAddr::V6(a) => {
                assert_eq!(a.scope_id(), 7);
                assert_eq!(a.port(), 49664);
                assert_eq!(a.ip().segments()[0], 0xfe80);
            }
            SocketAddr::V4(_) => panic!("v4"),
        }
        assert_eq!(snap.sockets[4].pid, 612);
    }

    #[test]
    fn netstat_udp_rows_have_no_state() {
        let snap = run(ANO);
        let u = &snap.sockets[5];
        assert_eq!(u.proto, Proto::Udp);
        assert_eq!(u.state, None);
        assert_eq!(u.remote, "*:*");
        assert_eq!(u.pid, 4);
        assert_eq!(snap.sockets[6].local, "[::1]:1900".parse().unwrap());
    }

    #[test]
    fn netstat_anob_owner_lines_attach_to_row_above() {
        let snap = run("
Active Connections

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       868
  RpcSs
 [svchost.exe]
  TCP    0.0.0.0:443            0.0.0.0:0              LISTENING       4
 Can not obtain ownership information
  TCP    127.0.0.1:443          0.0.0.0:0              LISTENING       5120
 [nginx.exe]
  UDP    0.0.0.0:5353           *:*                                    2044
  Dnscache
  mdns
 [svchost.exe]
");
        assert!(snap.warnings.is_empty(), "{:?}", snap.warnings);
        let s = &snap.sockets;
        assert_eq!(s.len(), 4);
        assert_eq!(s[0].services, ["RpcSs"]);
        assert_eq!(s[0].owner.as_deref(), Some("svchost.exe"));
        assert_eq!(s[1].owner.as_deref(), Some(NO_OWNER));
        assert!(s[1].services.is_empty());
        assert_eq!(s[2].owner.as_deref(), Some("nginx.exe"));
        assert_eq!(s[3].services, ["Dnscache", "mdns"]);
        assert_eq!(snap.elevated, Some(true));
    }

    #[test]
    fn netstat_b_without_elevation_warns_and_sets_not_elevated() {
        let snap = run("The requested operation requires elevation.\n");
        assert_eq!(snap.elevated, Some(false));
        assert!(!snap.netstat_seen);
        assert!(snap.sockets.is_empty());
        assert_eq!(snap.warnings.len(), 1);
        assert!(snap.warnings[0].message.contains("elevated"));
    }

    #[test]
    fn netstat_empty_table_is_seen() {
        let snap = run(
            "\nActive Connections\n\n  Proto  Local Address          Foreign Address        State           PID\n",
        );
        assert!(snap.netstat_seen);
        assert!(snap.sockets.is_empty());
        assert!(snap.warnings.is_empty());
    }

    #[test]
    fn netstat_header_without_title_is_read() {
        let snap = run(
            "  Proto  Local Address          Foreign Address        State           PID\n  TCP    0.0.0.0:443            0.0.0.0:0              LISTENING       4\n",
        );
        assert!(snap.netstat_seen);
        assert_eq!(snap.sockets.len(), 1);
    }

    #[test]
    fn netstat_row_without_pid_column_warns() {
        let snap = run("  TCP    0.0.0.0:443            0.0.0.0:0              LISTENING\n");
        assert!(snap.sockets.is_empty());
        assert_eq!(snap.warnings.len(), 1);
        assert!(snap.warnings[0].message.contains("PID"));
    }

    #[test]
    fn netstat_bad_address_warns_and_keeps_going() {
        let snap = run(
            "  TCP    0.0.0.0:http           0.0.0.0:0              LISTENING       4\n  TCP    0.0.0.0:80             0.0.0.0:0              LISTENING       4\n",
        );
        assert_eq!(snap.sockets.len(), 1);
        assert_eq!(snap.sockets[0].local.port(), 80);
        assert_eq!(snap.warnings.len(), 1);
        assert_eq!(snap.warnings[0].at.line, 1);
    }

    #[test]
    fn netstat_owner_line_without_row_warns() {
        let snap = run("Active Connections\n [svchost.exe]\n");
        assert!(snap.sockets.is_empty());
        assert_eq!(snap.warnings.len(), 1);
    }

    #[test]
    fn netstat_many_unreadable_lines_summarised() {
        let mut text = String::from("Active Connections\n");
        for i in 0..50 {
            text.push_str(&format!("some pasted prose, line {i}\n"));
        }
        let snap = run(&text);
        assert_eq!(snap.warnings.len(), 9);
        assert!(snap.warnings[8].message.starts_with("42 more"));
        assert_eq!(snap.warnings[8].at.line, 10);
    }

    #[test]
    fn netstat_localized_state_kept_as_printed() {
        let snap =
            run("  TCP    0.0.0.0:443            0.0.0.0:0              ABHÖREN         4\n");
        assert_eq!(snap.sockets[0].state.as_deref(), Some("ABHÖREN"));
        assert!(!snap.sockets[0].listening());
    }

    #[test]
    fn parse_socket_addr_named_zone_dropped() {
        let a = parse_socket_addr("[fe80::1%eth0]:443").unwrap();
        assert_eq!(a.port(), 443);
        assert!(parse_socket_addr("1.2.3.4%1:443").is_none());
        assert!(parse_socket_addr("*:*").is_none());
    }
}
