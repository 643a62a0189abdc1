//! Live collection on Windows: runs the commands of spec §1.1 and feeds
//! their output to the same parsers as uploaded exports, so both paths meet
//! the same rules.
//!
//! Input: nothing (this machine). Output: a [`Snapshot`] whose evidence
//! names the command (`live: netsh http show sslcert`) and its output line.
//! Invariants: never needs admin rights to run; what cannot be read without
//! them (netstat `-b`, machine keys, the Security log) is skipped or
//! downgraded, and the snapshot says so in a [`Warning`]. No `unsafe`: the
//! commands are run as processes, not through Win32 calls.
//! Not done here: interpreting output (the parsers) or judging it (`rules`).

use std::process::Command;

use super::{Evidence, Snapshot, Warning};

/// The commands, with their arguments (spec §1.1). `netstat` and the
/// per-certificate `certutil` calls are chosen at run time.
const COMMANDS: &[&[&str]] = &[
    &["cmd", "/d", "/c", "ver"],
    &["netsh", "http", "show", "sslcert"],
    &["netsh", "http", "show", "iplisten"],
    &[
        "reg",
        "query",
        r"HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL",
        "/s",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SYSTEM\CurrentControlSet\Control\Cryptography\Configuration\Local\SSL\00010002",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SOFTWARE\Microsoft\.NETFramework\v4.0.30319",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SOFTWARE\Microsoft\.NETFramework\v2.0.50727",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v2.0.50727",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy",
    ],
    &[
        "reg",
        "query",
        r"HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion",
    ],
    &["certutil", "-store", "my"],
    &["certutil", "-store", "webhosting"],
    &[
        "wevtutil",
        "qe",
        "System",
        "/q:*[System[Provider[@Name='Schannel']]]",
        "/rd:true",
        "/c:500",
        "/f:xml",
    ],
    &[
        "wevtutil",
        "qe",
        "System",
        "/q:*[System[Provider[@Name='Microsoft-Windows-HttpEvent' or @Name='HTTP']]]",
        "/rd:true",
        "/c:200",
        "/f:xml",
    ],
    &[
        "powershell",
        "-NoProfile",
        "-NonInteractive",
        "-Command",
        "Get-TlsCipherSuite | Format-List",
    ],
];

/// Collects this machine's facts.
pub fn collect() -> Snapshot {
    let mut snap = Snapshot {
        captured_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok()),
        ..Snapshot::default()
    };
    let elevated = elevated();
    snap.elevated = elevated;
    for cmd in COMMANDS {
        run(&mut snap, cmd);
    }
    if elevated == Some(true) {
        run(&mut snap, &["netstat", "-anob"]);
    } else {
        skipped(
            &mut snap,
            "netstat -anob",
            "needs an elevated prompt; ran `netstat -ano` instead (no process names)",
        );
        run(&mut snap, &["netstat", "-ano"]);
        skipped(
            &mut snap,
            "certutil -store my",
            "not elevated: machine keys may read as \"Missing stored keyset\"; re-run elevated before \
             trusting key findings",
        );
    }
    let thumbs: Vec<String> = {
        let mut t: Vec<String> = snap
            .bindings
            .iter()
            .filter_map(|b| b.cert_hash.clone())
            .collect();
        t.sort();
        t.dedup();
        t
    };
    for t in &thumbs {
        run(&mut snap, &["certutil", "-v", "-store", "my", t]);
        run(&mut snap, &["certutil", "-verifystore", "my", t]);
    }
    snap
}

/// Runs one command and parses its output; a command that cannot run
/// becomes a warning.
fn run(snap: &mut Snapshot, cmd: &[&str]) {
    let name = format!("live: {}", cmd.join(" "));
    match Command::new(cmd[0]).args(&cmd[1..]).output() {
        Ok(out) => {
            if out.stdout.is_empty() && !out.status.success() {
                let err = String::from_utf8_lossy(&out.stderr);
                skipped(snap, &cmd.join(" "), err.trim());
            } else {
                snap.add_bytes(&name, &out.stdout);
            }
        }
        Err(e) => skipped(snap, &cmd.join(" "), &e.to_string()),
    }
}

fn skipped(snap: &mut Snapshot, what: &str, why: &str) {
    snap.warnings.push(Warning {
        at: Evidence {
            file: format!("live: {what}"),
            line: 0,
            text: String::new(),
        },
        message: format!("skipped: {why}"),
    });
}

/// Whether this process runs elevated: the High (or System) mandatory
/// level SID in `whoami /groups`.
fn elevated() -> Option<bool> {
    let out = Command::new("whoami").arg("/groups").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    Some(text.contains("S-1-16-12288") || text.contains("S-1-16-16384"))
}
