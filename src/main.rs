//! The `tlstriage` command: parses arguments, calls the library, maps the
//! result to an exit code (0 no failed handshake, 1 at least one, 2 error).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use tlstriage::pipeline::{self, Options};
use tlstriage::report::{Sink, json::JsonLines, text::TextReport};

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
        } => analyze(&captures, format, color),
    }
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

fn analyze(captures: &[PathBuf], format: Format, color: Color) -> ExitCode {
    let use_color = wants_color(
        color,
        std::env::var_os("NO_COLOR"),
        std::io::stdout().is_terminal(),
    );
    colored::control::set_override(use_color && format == Format::Text);
    let opts = Options::default();
    let stdout = std::io::stdout();
    let mut failed = 0u64;
    let mut errors = 0u32;
    for (i, path) in captures.iter().enumerate() {
        let out = stdout.lock();
        let mut sink: Box<dyn Sink> = match format {
            Format::Text => Box::new(TextReport::new(out)),
            Format::Json => Box::new(JsonLines::new(out)),
        };
        if i > 0 && format == Format::Text {
            let _ = stdout.lock().write_all(b"\n");
        }
        match pipeline::analyze_path(path, &opts, sink.as_mut()) {
            Ok(results) => {
                let mut captures = 0;
                for r in &results {
                    match r {
                        pipeline::Analyzed::Capture(summary) => {
                            captures += 1;
                            failed += summary.outcomes.get("failed").copied().unwrap_or(0);
                            if let Some(d) = &summary.damage {
                                eprintln!(
                                    "tlstriage: warning: {}: capture damaged at byte offset {} (frame {}): {}; everything before it was analyzed",
                                    summary.capture, d.offset, d.frame, d.message
                                );
                            }
                        }
                        pipeline::Analyzed::Skipped { name, reason } => {
                            eprintln!("tlstriage: warning: {name}: skipped: {reason}");
                        }
                    }
                }
                if captures == 0 {
                    eprintln!(
                        "tlstriage: error: {}: no capture in this archive",
                        path.display()
                    );
                    errors += 1;
                }
            }
            Err(tlstriage::Error::Io { source, .. })
                if source.kind() == std::io::ErrorKind::BrokenPipe =>
            {
                return ExitCode::from(if failed > 0 { 1 } else { 0 });
            }
            Err(e) => {
                eprintln!("tlstriage: error: {e}");
                errors += 1;
            }
        }
    }
    if errors > 0 {
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
