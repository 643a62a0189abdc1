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

mod assembler;
mod conn;

use assembler::Shared;
use conn::{Conn, Key, List, Table};

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

/// How long a closed connection lingers, ignoring its stragglers (trailing
/// ACKs, retransmitted FINs), before its address pair may start a mid-stream
/// connection again: one MSL (RFC 9293 §3.4.2 assumes 2 minutes), or the idle
/// timeout if shorter. A SYN with a new ISN ends the lingering at once.
const CLOSED_LINGER_NS: i64 = 120 * 1_000_000_000;

/// The TCP reassembler.
pub struct Reassembler {
    cfg: Config,
    table: Table,
    shared: Shared,
    /// Capture clock: the largest timestamp seen (timestamps may go backwards
    /// in merged captures; timeouts use this monotonic clock).
    now: Option<i64>,
    next_id: u64,
}

impl Reassembler {
    /// A reassembler with the given bounds.
    pub fn new(cfg: Config) -> Self {
        let cfg = Config {
            // At least one connection; slot indices are u32.
            max_conns: cfg.max_conns.clamp(1, (u32::MAX - 2) as usize),
            ..cfg
        };
        Reassembler {
            cfg,
            table: Table::new(),
            shared: Shared {
                stats: Stats::default(),
                ooo_total: 0,
                per_dir_cap: cfg.max_ooo_per_dir,
                total_cap: cfg.max_ooo_total,
            },
            now: None,
            next_id: 0,
        }
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
        let now = self.now.map_or(ts.0, |n| n.max(ts.0));
        self.now = Some(now);
        self.expire(now, sink);

        let src = SocketAddr::new(seg.src, seg.sport);
        let dst = SocketAddr::new(seg.dst, seg.dport);
        let key = Key::new(src, dst);
        let syn = seg.flags.syn();
        let idx = match self.table.get(&key) {
            None => self.create(key, seg, src, dst, frame, ts, now, sink),
            Some(idx) => {
                let conn = self.table.conn(idx);
                let dir = conn.dir_from(src);
                let half = &conn.halves[dir.index()];
                if syn && half.isn() == Some(seg.seq) {
                    // A duplicate SYN or SYN+ACK: its data (if any) is a
                    // retransmission, handled below like any other.
                    if conn.closed {
                        return;
                    }
                    idx
                } else if syn
                    && seg.flags.ack()
                    && !conn.closed
                    && dir == Direction::ServerToClient
                    && half.unstarted()
                {
                    // The SYN+ACK answering the SYN seen (RFC 9293 §3.5).
                    let conn = self.table.conn_mut(idx);
                    conn.halves[dir.index()].open(seg.seq);
                    idx
                } else if syn && (conn.closed || !seg.flags.ack()) {
                    // A new ISN on a known pair: a new connection (RFC 9293
                    // §3.5; Wireshark's "TCP port numbers reused").
                    self.shared.stats.port_reuses += 1;
                    self.end(idx, CloseReason::PortReused, sink);
                    self.create(key, seg, src, dst, frame, ts, now, sink)
                } else if conn.closed || syn {
                    // Stragglers after the close, or a SYN+ACK contradicting
                    // the open connection: ignored.
                    return;
                } else {
                    idx
                }
            }
        };
        self.process(idx, seg, src, frame, ts, now, sink);
    }

    /// A new connection for `seg`, evicting the least recently active one if
    /// the table is full.
    #[allow(clippy::too_many_arguments)] // reason: the packet's fields, kept flat on the hot path
    fn create(
        &mut self,
        key: Key,
        seg: &Segment<'_>,
        src: SocketAddr,
        dst: SocketAddr,
        frame: u64,
        ts: Timestamp,
        now: i64,
        sink: &mut dyn FnMut(Output<'_>) -> Interest,
    ) -> u32 {
        while self.table.len() >= self.cfg.max_conns {
            if let Some(idx) = self.table.head(List::Closed) {
                self.table.remove(idx);
            } else if let Some(idx) = self.table.head(List::Open) {
                self.shared.stats.evicted += 1;
                self.end(idx, CloseReason::Evicted, sink);
            } else {
                break;
            }
        }
        let (syn, ack) = (seg.flags.syn(), seg.flags.ack());
        let (client, server, saw_open) = if syn && !ack {
            (src, dst, true)
        } else if syn {
            // SYN+ACK first: its receiver is the client.
            (dst, src, true)
        } else if src.port() >= dst.port() {
            // Mid-stream: the higher port is the ephemeral one; ties go to
            // the first sender.
            (src, dst, false)
        } else {
            (dst, src, false)
        };
        let id = self.next_id;
        self.next_id += 1;
        self.shared.stats.connections += 1;
        if !saw_open {
            self.shared.stats.midstream += 1;
        }
        let mut conn = Conn::new(
            ConnMeta {
                id,
                client,
                server,
                saw_open,
                first_frame: frame,
                start: ts,
            },
            now,
        );
        if syn && !ack {
            conn.halves[Direction::ClientToServer.index()].open(seg.seq);
        } else if syn {
            conn.halves[Direction::ServerToClient.index()].open(seg.seq);
            // The SYN+ACK acknowledges the client's ISN + 1.
            conn.halves[Direction::ClientToServer.index()].open(seg.ack.wrapping_sub(1));
        }
        self.table.insert(key, conn)
    }

    /// One segment on an open connection.
    #[allow(clippy::too_many_arguments)] // reason: the packet's fields, kept flat on the hot path
    fn process(
        &mut self,
        idx: u32,
        seg: &Segment<'_>,
        src: SocketAddr,
        frame: u64,
        ts: Timestamp,
        now: i64,
        sink: &mut dyn FnMut(Output<'_>) -> Interest,
    ) {
        self.table.touch(idx);
        let conn = self.table.conn_mut(idx);
        conn.stamp = now;
        let dir = conn.dir_from(src);
        let flags = seg.flags;
        if flags.ack() {
            let saw_open = conn.meta.saw_open;
            let (peer, mut io) = conn.split(dir.reverse(), &mut self.shared, sink);
            if peer.unstarted() && saw_open {
                // The SYN+ACK was not captured; the ACK of it names the ISN.
                peer.open(seg.ack.wrapping_sub(1));
            } else {
                peer.acked(&mut io, seg.ack, frame);
            }
        }
        if flags.rst() {
            // RFC 9293 §3.5.3 validates an RST against the window; a capture
            // cannot know the window reliably, so any RST is accepted.
            self.close_reset(idx, dir, frame, ts, now, sink);
            return;
        }
        // Data in a SYN starts after the SYN's sequence number (RFC 7413).
        let seq = if flags.syn() {
            seg.seq.wrapping_add(1)
        } else {
            seg.seq
        };
        let (half, mut io) = conn.split(dir, &mut self.shared, sink);
        half.segment(
            &mut io,
            seq,
            seg.payload,
            flags.fin(),
            seg.truncated,
            frame,
            ts,
        );
        if conn.halves.iter().all(|h| h.fin_done()) {
            // Both sides closed (RFC 9293 §3.6).
            sink(Output::Closed {
                conn: &conn.meta,
                reason: CloseReason::Closed,
            });
            self.table.mark_closed(idx, now);
        }
    }

    /// An RST: flush both directions (holes become gaps), emit Reset, close.
    fn close_reset(
        &mut self,
        idx: u32,
        dir: Direction,
        frame: u64,
        ts: Timestamp,
        now: i64,
        sink: &mut dyn FnMut(Output<'_>) -> Interest,
    ) {
        let conn = self.table.conn_mut(idx);
        for d in [Direction::ClientToServer, Direction::ServerToClient] {
            let (half, mut io) = conn.split(d, &mut self.shared, sink);
            half.flush(&mut io);
        }
        let (_, mut io) = conn.split(dir, &mut self.shared, sink);
        io.emit(Event::Reset { frame, ts });
        sink(Output::Closed {
            conn: &conn.meta,
            reason: CloseReason::Closed,
        });
        self.table.mark_closed(idx, now);
    }

    /// Ends a connection for `reason` and removes it. An open one is flushed
    /// (holes become gaps, FINs seen are emitted) and gets its one Closed; a
    /// lingering closed one already had it and just goes.
    fn end(&mut self, idx: u32, reason: CloseReason, sink: &mut dyn FnMut(Output<'_>) -> Interest) {
        let conn = self.table.conn_mut(idx);
        if !conn.closed {
            for d in [Direction::ClientToServer, Direction::ServerToClient] {
                let (half, mut io) = conn.split(d, &mut self.shared, sink);
                half.flush(&mut io);
            }
            sink(Output::Closed {
                conn: &conn.meta,
                reason,
            });
        }
        let mut conn = self.table.remove(idx);
        for h in &mut conn.halves {
            h.discard(&mut self.shared);
        }
    }

    /// Closes open connections idle longer than the timeout and forgets
    /// lingering closed ones. Both lists are in clock order, so this looks at
    /// their heads only: O(1) per packet when nothing expires.
    fn expire(&mut self, now: i64, sink: &mut dyn FnMut(Output<'_>) -> Interest) {
        let idle = self.cfg.idle_timeout_ns;
        while let Some(idx) = self.table.head(List::Open) {
            let c = self.table.conn(idx);
            if now.saturating_sub(c.stamp) <= idle {
                break;
            }
            self.shared.stats.timed_out += 1;
            self.end(idx, CloseReason::IdleTimeout, sink);
        }
        let linger = idle.min(CLOSED_LINGER_NS);
        while let Some(idx) = self.table.head(List::Closed) {
            if now.saturating_sub(self.table.conn(idx).stamp) <= linger {
                break;
            }
            self.table.remove(idx);
        }
    }

    /// End of capture: buffered data is delivered (holes become gaps) and every
    /// connection is closed with [`CloseReason::EndOfCapture`], in id order.
    pub fn finish(&mut self, sink: &mut dyn FnMut(Output<'_>) -> Interest) {
        let mut open = self.table.open_slots();
        open.sort_by_key(|&idx| self.table.conn(idx).meta.id);
        for idx in open {
            self.end(idx, CloseReason::EndOfCapture, sink);
        }
        self.table.clear();
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        self.shared.stats
    }
}
