//! Parts of the `tlstriage` command that are about the terminal and the
//! process, not about analysis: the progress line and per-file output
//! buffers for parallel runs. Only `main.rs` uses them; the library knows
//! nothing of them.

pub mod progress;
pub mod spill;
