//! tlstriage: why did this TLS handshake fail? Answered from a packet capture.
//!
//! ```text
//! capture::Reader ─Frame→ wire::decode ─Segment→ stream::Reassembler ─Event(dir)→ tls::Conn ─tls::Event→
//!     session::Tracker ─Handshake→ diagnose ─Finding→ report::{text, json}
//! ```
#![forbid(unsafe_code)]

pub mod capture;
mod error;
pub mod stream;
pub mod tls;
pub mod wire;

pub use error::Error;
