//! JSON Lines: one object per line, `"type"` first (DESIGN.md §4).

use std::io::Write;

use super::{Record, Sink, Summary};

/// Writes records and summaries as JSON Lines.
pub struct JsonLines<W: Write> {
    out: W,
}

impl<W: Write> JsonLines<W> {
    /// A writer over `out`.
    pub fn new(out: W) -> Self {
        JsonLines { out }
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
