//! tlstriage: why did this TLS handshake fail? Answered from a packet capture.
//!
//! ```text
//! capture::Reader ─Frame→ wire::decode ─Segment→ stream::Reassembler ─Event(dir)→ tls::Conn
//!     ─tls::Event→ session::Tracker ─Handshake→ diagnose ─Finding→ report::{text, json}
//! ```
//! - [`capture`] reads pcap/pcapng as a stream and yields borrowed frames.
//! - [`wire`] decodes link layer, IPv4/IPv6 and TCP, laxly.
//! - [`stream`] reassembles each TCP direction, releasing bytes on arrival and
//!   making gaps explicit, within fixed memory bounds.
//! - [`tls`] frames records and handshake messages of both directions.
//! - [`session`] pairs each ClientHello with what answered it.
//! - [`diagnose`] turns the evidence into findings with remedies.
//! - [`report`] renders the one model as text or JSON Lines.
//! - [`pipeline`] is the only module that sees every stage.
#![forbid(unsafe_code)]

pub mod capture;
pub mod diagnose;
mod error;
#[doc(hidden)]
pub mod fuzz;
pub mod host;
pub mod pipeline;
pub mod report;
pub mod session;
pub mod stream;
pub mod tls;
pub mod wire;

pub use error::Error;
