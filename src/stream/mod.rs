//! TCP reassembly: ordered bytes per direction, gaps made explicit.
//!
//! Input: TCP [`Segment`]s in capture order with their frame number and time.
//! Output: through a sink, per connection and [`Direction`], [`Event::Data`] as
//! soon as bytes are contiguous (on arrival, **not** when acknowledged: an
//! unacknowledged ClientHello is exactly what a failure diagnosis needs),
//! [`Event::Gap`] where bytes are missing (never hidden), [`Event::Fin`],
//! [`Event::Reset`], and one [`Output::Closed`] per connection.
//! Invariants: for each direction, the offsets of `Data` and `Gap` events tile
//! the stream from 0 without overlap; memory is bounded by [`Config`] (per
//! direction out-of-order cap, connection cap, idle timeouts) and every drop or
//! eviction is counted in [`Stats`].
//! Not done here: anything about TLS (this module never names `tls`).

use std::net::SocketAddr;

use crate::capture::Timestamp;
use crate::wire::Segment;

/// Which way bytes flow, relative to the connection's client (the TCP
/// initiator; without a SYN, a guess the TLS layer may correct).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the client to the server.
    ClientToServer,
    /// From the server to the client.
    ServerToClient,
}

impl Direction {
    /// The other direction.
    pub fn reverse(self) -> Direction {
        match self {
            Direction::ClientToServer => Direction::ServerToClient,
            Direction::ServerToClient => Direction::ClientToServer,
        }
    }
    /// 0 for client→server, 1 for server→client (for per-direction arrays).
    pub fn index(self) -> usize {
        match self {
            Direction::ClientToServer => 0,
            Direction::ServerToClient => 1,
        }
    }
}

/// What the reassembler knows about a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnMeta {
    /// Unique per connection in this capture (a reused port pair gets a new id).
    pub id: u64,
    /// The TCP initiator (SYN sender); without a SYN, the endpoint with the
    /// higher port (ties: the first sender).
    pub client: SocketAddr,
    /// The other endpoint.
    pub server: SocketAddr,
    /// The connection's opening (SYN or SYN+ACK) was seen; false = picked up
    /// mid-stream.
    pub saw_open: bool,
    /// Frame number of the first packet of the connection.
    pub first_frame: u64,
    /// Time of the first packet.
    pub start: Timestamp,
}

/// A reassembly event for one direction of one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// Contiguous bytes at stream `offset` (0 = first byte after the SYN, or the
    /// first byte seen mid-stream), all carried by frame `frame`.
    Data {
        /// Stream offset of `bytes[0]`.
        offset: u64,
        /// The bytes.
        bytes: &'a [u8],
        /// The frame that carried them.
        frame: u64,
        /// That frame's time.
        ts: Timestamp,
    },
    /// `len` bytes at `offset` are missing from the capture and will never be
    /// delivered.
    Gap {
        /// Stream offset of the first missing byte.
        offset: u64,
        /// How many bytes are missing.
        len: u64,
        /// The frame at which the gap was declared (the next data after it, or
        /// the frame that closed the connection).
        frame: u64,
    },
    /// The sender closed its direction (FIN), after `offset` bytes.
    Fin {
        /// Stream offset of the FIN.
        offset: u64,
        /// The frame carrying the FIN.
        frame: u64,
        /// That frame's time.
        ts: Timestamp,
    },
    /// The sender reset the connection.
    Reset {
        /// The frame carrying the RST.
        frame: u64,
        /// That frame's time.
        ts: Timestamp,
    },
}

/// Why a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CloseReason {
    /// Both sides sent FIN, or one sent RST.
    Closed,
    /// No packet for longer than the idle timeout.
    IdleTimeout,
    /// Evicted to stay under the connection cap.
    Evicted,
    /// A new connection (SYN with a new ISN) reused the same addresses and ports.
    PortReused,
    /// The capture ended.
    EndOfCapture,
}

/// What the reassembler hands to its sink.
#[derive(Debug)]
pub enum Output<'a> {
    /// An event in one direction.
    Event {
        /// The connection.
        conn: &'a ConnMeta,
        /// The direction of the event.
        dir: Direction,
        /// The event.
        event: Event<'a>,
    },
    /// The connection is finished; no more outputs for `conn.id` follow.
    Closed {
        /// The connection.
        conn: &'a ConnMeta,
        /// Why.
        reason: CloseReason,
    },
}

/// What the consumer still wants of a connection; the sink returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    /// Everything: buffer out-of-order data and deliver it.
    All,
    /// Deliver in-order data, but do not buffer out-of-order segments (they
    /// become gaps). Used once both directions are encrypted.
    InOrderOnly,
    /// Deliver no more data, only FIN/RST/Closed.
    ControlOnly,
}

/// Memory bounds and timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Maximum connections tracked at once; the least recently active is evicted.
    pub max_conns: usize,
    /// Maximum out-of-order bytes buffered per direction.
    pub max_ooo_per_dir: usize,
    /// Maximum out-of-order bytes buffered over all connections.
    pub max_ooo_total: usize,
    /// Idle timeout, in nanoseconds of capture time.
    pub idle_timeout_ns: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_conns: 250_000,
            max_ooo_per_dir: 256 * 1024,
            max_ooo_total: 32 * 1024 * 1024,
            idle_timeout_ns: 600 * 1_000_000_000,
        }
    }
}

/// Counters for the summary: every drop and eviction is counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Connections seen.
    pub connections: u64,
    /// Connections picked up without their opening.
    pub midstream: u64,
    /// Segments whose bytes had all been delivered already (retransmissions).
    pub retransmitted_segments: u64,
    /// Overlapping bytes that differed from what was delivered first.
    pub overlap_conflicts: u64,
    /// Out-of-order bytes dropped because a cap was hit.
    pub ooo_dropped_bytes: u64,
    /// Gaps declared.
    pub gaps: u64,
    /// Bytes declared missing.
    pub gap_bytes: u64,
    /// Connections evicted to respect `max_conns`.
    pub evicted: u64,
    /// Connections closed by idle timeout.
    pub timed_out: u64,
    /// Port pairs reused by a new connection.
    pub port_reuses: u64,
}

/// The TCP reassembler.
pub struct Reassembler {
    cfg: Config,
}

impl Reassembler {
    /// A reassembler with the given bounds.
    pub fn new(cfg: Config) -> Self {
        let _ = Reassembler { cfg };
        unimplemented!("stream helper")
    }

    /// Takes one segment. The sink receives the outputs it causes and answers
    /// with its [`Interest`] in the connection concerned.
    pub fn push(
        &mut self,
        seg: &Segment<'_>,
        frame: u64,
        ts: Timestamp,
        sink: &mut dyn FnMut(Output<'_>) -> Interest,
    ) {
        let _ = (seg, frame, ts, sink);
        unimplemented!("stream helper")
    }

    /// End of capture: buffered data is delivered (holes become gaps) and every
    /// connection is closed with [`CloseReason::EndOfCapture`], in id order.
    pub fn finish(&mut self, sink: &mut dyn FnMut(Output<'_>) -> Interest) {
        let _ = sink;
        unimplemented!("stream helper")
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        unimplemented!("stream helper")
    }
}
