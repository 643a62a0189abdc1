//! Fatal errors: the only kind of "bad" that reaches `main`.
//!
//! Decode problems inside a capture are not errors here: each layer records them
//! as an anomaly in the report and goes on. A `crate::Error` means the run cannot
//! start (file missing, not a capture) or reading had to stop (corrupt block),
//! in which case everything read before the damage is still reported.

use std::path::PathBuf;

/// A fatal error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path as given by the user (`-` for stdin).
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
    /// The input is not a capture format tlstriage reads.
    #[error("{what} (first bytes: {magic})")]
    UnknownFormat {
        /// What the content looks like, and what to do about it.
        what: String,
        /// The first bytes of the input, in hex.
        magic: String,
    },
    /// The capture is damaged at a known place; reading stopped there.
    #[error("capture damaged at byte offset {offset} (frame {frame}): {what}")]
    Corrupt {
        /// Byte offset in the (decompressed) input where the damage starts.
        offset: u64,
        /// The 1-based number of the frame that could not be read.
        frame: u64,
        /// What is wrong.
        what: String,
    },
}
