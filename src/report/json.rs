//! JSON Lines: one object per line, `"type"` first (DESIGN.md §4).

use std::io::{BufWriter, Write};

use super::{Record, Sink, Summary};

/// Writes records and summaries as JSON Lines, buffered (serde_json writes
/// token by token; standard output is line-buffered and would scan every one
/// for a newline). Flushed after each summary.
pub struct JsonLines<W: Write> {
    out: BufWriter<W>,
}

impl<W: Write> JsonLines<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        JsonLines {
            out: BufWriter::with_capacity(64 * 1024, out),
        }
    }
}

impl<W: Write> Sink for JsonLines<W> {
    fn record(&mut self, r: &Record<'_>) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, r)?;
        self.out.write_all(b"\n")
    }

    fn summary(&mut self, s: &Summary) -> std::io::Result<()> {
        serde_json::to_writer(&mut self.out, s)?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }
}
