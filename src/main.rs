//! The `tlstriage` command: parses arguments, calls the library, maps the
//! result to an exit code (0 no failed handshake, 1 at least one, 2 error).

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use clap::{Parser, Subcommand, ValueEnum};

use tlstriage::host::Snapshot;
use tlstriage::host::join::Host;
use tlstriage::pipeline::{self, Options};
use tlstriage::report::host::HostReport;
use tlstriage::report::{Sink, json::JsonLines, text::TextReport};

mod cli;
use cli::progress::Progress;
use cli::spill::{self, Spill};

/// Why did this TLS handshake fail? Answered from a packet capture.
#[derive(Parser, Debug)]
#[command(name = "tlstriage", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyze captures (pcap, pcapng, Network Monitor .cap; `-` reads
    /// standard input, pcap/pcapng only): every ClientHello paired with its
    /// answer, a verdict, and the evidence.
    Analyze {
        /// Capture files.
        #[arg(required = true, value_name = "CAPTURE")]
        captures: Vec<PathBuf>,
        /// Output format: text for people, json for tools (JSON Lines).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Colors in text output (NO_COLOR is honoured with auto).
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
        /// The server's exported configuration (a folder or files, as for
        /// `host --from`): host facts confirm or contradict each cause.
        #[arg(long, value_name = "DIR|FILE")]
        host: Vec<PathBuf>,
    },
    /// Check a Windows/IIS server: certificates and keys, HTTP.sys
    /// bindings, port owners, SCHANNEL protocols and cipher suites, Schannel
    /// events. Live on Windows; anywhere from exported command output.
    Host {
        /// Exported command output: folders (read recursively) or files.
        /// Without it, the checks run live (Windows only).
        #[arg(long, value_name = "DIR|FILE", num_args = 1..)]
        from: Vec<PathBuf>,
        /// Output format: text for people, json for tools (JSON Lines).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Colors in text output (NO_COLOR is honoured with auto).
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Analyze {
            captures,
            format,
            color,
            host,
        } => {
            let host = if host.is_empty() {
                None
            } else {
                match load_host(&host) {
                    Ok(h) => Some(Arc::new(h)),
                    Err(code) => return code,
                }
            };
            analyze(&captures, format, color, host)
        }
        Command::Host {
            from,
            format,
            color,
        } => host_check(&from, format, color),
    }
}

/// Reads exported host output (`--from` / `--host`), or collects it live.
fn load_host(from: &[PathBuf]) -> Result<Host, ExitCode> {
    if from.is_empty() {
        return live_host();
    }
    let name = from
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    match Snapshot::read_paths(from) {
        Ok(snap) => Ok(Host::new(name, snap)),
        Err(e) => {
            eprintln!("tlstriage: error: {e}");
            Err(ExitCode::from(2))
        }
    }
}

#[cfg(windows)]
fn live_host() -> Result<Host, ExitCode> {
    Ok(Host::new("live".into(), tlstriage::host::live::collect()))
}

#[cfg(not(windows))]
fn live_host() -> Result<Host, ExitCode> {
    eprintln!(
        "tlstriage: error: live host checks run on Windows only; on this system give the \
         exported command output with `tlstriage host --from DIR` (see README, \"Host checks\")"
    );
    Err(ExitCode::from(2))
}

/// Writes the host report; `Ok(true)` when it has an error finding.
fn write_host(host: &Host, format: Format, out: &mut dyn Write) -> std::io::Result<bool> {
    let report = HostReport::new(&host.name, &host.snap, &host.findings);
    match format {
        Format::Text => out.write_all(report.text().as_bytes())?,
        Format::Json => {
            serde_json::to_writer(&mut *out, &report)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(host
        .findings
        .iter()
        .any(|f| f.severity == tlstriage::diagnose::Severity::Error))
}

/// `tlstriage host`: exit 0 when nothing is wrong, 1 when an error finding
/// explains failures, 2 when the input could not be read.
fn host_check(from: &[PathBuf], format: Format, color: Color) -> ExitCode {
    set_color(color, format);
    let host = match load_host(from) {
        Ok(h) => h,
        Err(code) => return code,
    };
    match write_host(&host, format, &mut std::io::stdout().lock()) {
        Ok(true) => ExitCode::from(1),
        Ok(false) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tlstriage: error: <output>: {e}");
            ExitCode::from(2)
        }
    }
}

fn set_color(color: Color, format: Format) {
    let use_color = wants_color(
        color,
        std::env::var_os("NO_COLOR"),
        std::io::stdout().is_terminal(),
    );
    colored::control::set_override(use_color && format == Format::Text);
}

/// `--color` decides when given; `auto` colors a terminal unless `NO_COLOR`
/// is set to a non-empty value (no-color.org).
fn wants_color(choice: Color, no_color: Option<std::ffi::OsString>, terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => no_color.is_none_or(|v| v.is_empty()) && terminal,
    }
}

/// What one file's analysis left for the exit code and standard error.
#[derive(Default)]
struct FileResult {
    /// Failed handshakes.
    failed: u64,
    /// An error that counts for exit code 2.
    error: bool,
    /// The output went away (closed pipe): stop, with the exit code so far.
    broken_pipe: bool,
    /// Warnings and errors for standard error, in order.
    messages: Vec<String>,
}

/// Analyzes one input into `out`, as a report of the chosen format.
fn analyze_one(path: &Path, format: Format, opts: &Options, out: &mut dyn Write) -> FileResult {
    let mut sink: Box<dyn Sink + '_> = match format {
        Format::Text => Box::new(TextReport::new(out)),
        Format::Json => Box::new(JsonLines::new(out)),
    };
    let mut r = FileResult::default();
    match pipeline::analyze_path(path, opts, sink.as_mut()) {
        Ok(results) => {
            let mut captures = 0;
            for res in &results {
                match res {
                    pipeline::Analyzed::Capture(summary) => {
                        captures += 1;
                        r.failed += summary.outcomes.get("failed").copied().unwrap_or(0);
                        if let Some(d) = &summary.damage {
                            r.messages.push(format!(
                                "tlstriage: warning: {}: capture damaged at byte offset {} (frame {}): {}; everything before it was analyzed",
                                summary.capture, d.offset, d.frame, d.message
                            ));
                        }
                    }
                    pipeline::Analyzed::Skipped { name, reason } => {
                        r.messages
                            .push(format!("tlstriage: warning: {name}: skipped: {reason}"));
                    }
                }
            }
            if captures == 0 {
                r.messages.push(format!(
                    "tlstriage: error: {}: no capture in this archive",
                    path.display()
                ));
                r.error = true;
            }
        }
        Err(tlstriage::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe
                || opts
                    .stop
                    .as_ref()
                    .is_some_and(|s| s.load(Ordering::Relaxed)) =>
        {
            r.broken_pipe = true;
        }
        Err(e) => {
            r.messages.push(format!("tlstriage: error: {e}"));
            r.error = true;
        }
    }
    r
}

/// Standard output; when it is the terminal the progress line is on, each
/// write erases that line first.
struct Stdout<'a> {
    inner: std::io::StdoutLock<'static>,
    progress: Option<&'a Progress>,
}

impl Write for Stdout<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let Stdout { inner, progress } = self;
        match progress {
            Some(p) => p.cleared(|| inner.write(buf)),
            None => inner.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// The size of each input, for the progress line (`None`: standard input, a
/// pipe; 0: a file that cannot be read, which will be an error).
fn input_sizes(captures: &[PathBuf]) -> Vec<Option<u64>> {
    captures
        .iter()
        .map(|p| {
            if p == Path::new("-") {
                return None;
            }
            match std::fs::metadata(p) {
                Ok(m) if m.is_file() => Some(m.len()),
                Ok(_) => None,
                Err(_) => Some(0),
            }
        })
        .collect()
}

/// Analyzes every capture, several at once on a multi-core machine. Output
/// keeps the order given: the first file streams to standard output, every
/// other one goes to its own buffer (spilling to a temporary file past
/// [`spill::PER_FILE`]) and is copied out when its turn comes.
fn analyze(
    captures: &[PathBuf],
    format: Format,
    color: Color,
    host: Option<Arc<Host>>,
) -> ExitCode {
    set_color(color, format);
    if let Some(h) = &host {
        let mut out = std::io::stdout().lock();
        let written = write_host(h, format, &mut out).and_then(|_| {
            if format == Format::Text {
                out.write_all(b"\n")?;
            }
            Ok(())
        });
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("tlstriage: error: <output>: {e}");
            return ExitCode::from(2);
        }
    }
    let progress = std::io::stderr()
        .is_terminal()
        .then(|| Progress::start(&input_sizes(captures)));
    // Output on the progress line's terminal erases the line first.
    let shared_terminal = progress
        .as_ref()
        .filter(|_| std::io::stdout().is_terminal());
    let stdout = || Stdout {
        inner: std::io::stdout().lock(),
        progress: shared_terminal,
    };
    let stop = Arc::new(AtomicBool::new(false));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.min(captures.len()).max(1);
    // A core left over: each analysis reads and decodes on a second thread.
    let read_thread = cores > threads;
    // Memory held by waiting buffers: a file's bound per worker.
    let budget = Arc::new(spill::Budget::new(spill::PER_FILE.saturating_mul(threads)));
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, FileResult, Option<Spill>)>();

    let mut failed = 0u64;
    let mut errors = 0u32;
    let mut broken_pipe = false;
    let say = |msg: &str| match &progress {
        Some(p) => p.message(msg),
        None => eprintln!("{msg}"),
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, stop, budget, progress, stdout, host) =
                (&next, &stop, &budget, &progress, &stdout, &host);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= captures.len() || stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let opts = Options {
                        progress: progress.as_ref().and_then(|p| p.counter(i)),
                        stop: Some(stop.clone()),
                        host: host.clone(),
                        read_thread,
                        ..Options::default()
                    };
                    let (result, buffer) = if i == 0 {
                        let mut out = stdout();
                        (analyze_one(&captures[i], format, &opts, &mut out), None)
                    } else {
                        let mut buf = Spill::new(budget.clone(), stop.clone(), i);
                        let r = analyze_one(&captures[i], format, &opts, &mut buf);
                        (r, Some(buf))
                    };
                    if let Some(p) = progress {
                        p.done(i);
                    }
                    if tx.send((i, result, buffer)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Copies each file's output when all before it are out.
        let mut waiting = BTreeMap::new();
        let mut turn = 0;
        for (i, result, buffer) in rx {
            waiting.insert(i, (result, buffer));
            while let Some((result, buffer)) = waiting.remove(&turn) {
                turn += 1;
                if broken_pipe {
                    continue;
                }
                if let Some(mut buf) = buffer {
                    let mut out = stdout();
                    let copied = if format == Format::Text {
                        out.write_all(b"\n")
                    } else {
                        Ok(())
                    }
                    .and_then(|()| buf.copy_to(&mut out))
                    .and_then(|()| out.flush());
                    if let Err(e) = copied {
                        if e.kind() == std::io::ErrorKind::BrokenPipe {
                            broken_pipe = true;
                        } else {
                            say(&format!("tlstriage: error: <output>: {e}"));
                            errors += 1;
                        }
                    }
                }
                if result.broken_pipe {
                    broken_pipe = true;
                }
                if broken_pipe {
                    // Ends the analyses still running, and no new one starts.
                    stop.store(true, Ordering::Relaxed);
                    continue;
                }
                failed += result.failed;
                errors += u32::from(result.error);
                for m in &result.messages {
                    say(m);
                }
            }
        }
    });
    if let Some(p) = progress {
        p.finish();
    }
    if broken_pipe {
        ExitCode::from(if failed > 0 { 1 } else { 0 })
    } else if errors > 0 {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wants_color_auto_honours_no_color_and_terminal() {
        assert!(wants_color(Color::Auto, None, true));
        assert!(!wants_color(Color::Auto, Some("1".into()), true));
        assert!(wants_color(Color::Auto, Some("".into()), true));
        assert!(!wants_color(Color::Auto, None, false));
        assert!(wants_color(Color::Always, Some("1".into()), false));
        assert!(!wants_color(Color::Never, None, true));
    }
}
