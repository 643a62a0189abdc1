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
//!
//! How it decides:
//! - Connections are keyed by the unordered address/port pair; a SYN with a
//!   new ISN starts a new generation (new id). Offsets are u64 from ISN + 1,
//!   computed with modulo-2^32 distances (RFC 9293 §3.4); segments more than
//!   1 GiB from the delivery point are ignored as garbage.
//! - Overlaps: the first bytes seen win. Differing bytes are counted when the
//!   earlier copy is still buffered (delivered bytes are not kept).
//! - A hole is declared a `Gap` only once it can no longer be filled: when the
//!   peer acknowledges past it (the receiver got bytes the capture missed), on
//!   RST, when the out-of-order cap is hit, right after a snaplen-truncated
//!   segment, and at idle timeout, eviction, port reuse or end of capture. A
//!   FIN alone does not give up on a hole (the tail before it is often
//!   retransmitted after it); `Fin` follows once the stream reaches it.
//! - [`Interest`] only narrows: `All` → `InOrderOnly` → `ControlOnly`.
//! - A closed connection lingers (ignoring stragglers) for one MSL or the idle
//!   timeout, whichever is shorter; when the table is full, lingering entries
//!   go before open ones are evicted.
//! - Each buffered segment is charged its length plus a fixed bookkeeping
//!   overhead (64 bytes) against the out-of-order caps.
//!
//! Layout: `assembler.rs` holds one direction (offsets, out-of-order buffer,
//! holes); `conn.rs` the connection table with its activity lists; this file
//! the per-packet decisions (roles, SYN/RST/FIN, timeouts, eviction).

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
    /// Maximum out-of-order bytes buffered per direction (each buffered
    /// segment also costs 64 bytes of bookkeeping).
    pub max_ooo_per_dir: usize,
    /// Maximum out-of-order bytes buffered over all connections.
    pub max_ooo_total: usize,
    /// Idle timeout, in nanoseconds of capture time.
    pub idle_timeout_ns: i64,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_conns: 100_000,
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

/// Frames whose timestamps agree on a leap before the clock follows it.
const CLOCK_CONFIRM: u32 = 8;
/// A step larger than this is a leap that needs confirming.
const CLOCK_MAX_STEP_NS: i64 = 60 * 1_000_000_000;

/// The capture clock used for idle timeouts. It never goes backwards
/// (merged captures are not sorted), and a timestamp more than a minute
/// ahead is believed only once [`CLOCK_CONFIRM`] frames in a row agree: one
/// corrupt or skewed timestamp must not time out every open connection.
#[derive(Debug, Default)]
struct Clock {
    now: Option<i64>,
    /// Frames in a row that leapt ahead, and the smallest of their times.
    leap: Option<(u32, i64)>,
}

impl Clock {
    fn tick(&mut self, ts: i64) -> i64 {
        let Some(now) = self.now else {
            self.now = Some(ts);
            return ts;
        };
        if ts <= now.saturating_add(CLOCK_MAX_STEP_NS) {
            self.leap = None;
            let now = now.max(ts);
            self.now = Some(now);
            return now;
        }
        let (n, at) = match self.leap {
            Some((n, at)) => (n + 1, at.min(ts)),
            None => (1, ts),
        };
        if n >= CLOCK_CONFIRM {
            self.leap = None;
            self.now = Some(at);
            at
        } else {
            self.leap = Some((n, at));
            now
        }
    }
}

/// The TCP reassembler.
pub struct Reassembler {
    cfg: Config,
    table: Table,
    shared: Shared,
    /// Capture clock for timeouts: monotonic, and deaf to a lone frame whose
    /// timestamp leaps ahead (see [`Clock`]).
    clock: Clock,
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
            table: Table::new(cfg.max_conns),
            shared: Shared {
                stats: Stats::default(),
                ooo_total: 0,
                per_dir_cap: cfg.max_ooo_per_dir,
                total_cap: cfg.max_ooo_total,
            },
            clock: Clock::default(),
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
        let now = self.clock.tick(ts.0);
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
            } else if peer.unstarted() {
                // Picked up mid-stream: what this side acknowledges is where
                // the peer's stream goes on (RFC 9293 §3.4), so peer bytes
                // sent before the capture began surface as a gap instead of
                // the peer's first captured segment passing for its start.
                peer.anchor(seg.ack);
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

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::*;
    use crate::wire::TcpFlags;

    const C: (IpAddr, u16) = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 50_000);
    const S: (IpAddr, u16) = (IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), 443);
    const SEC: i64 = 1_000_000_000;

    /// An output, owned.
    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Rec {
        Data(u64, Direction, u64, Vec<u8>, u64),
        Gap(u64, Direction, u64, u64, u64),
        Fin(u64, Direction, u64),
        Reset(u64, Direction),
        Closed(u64, CloseReason),
    }

    struct Harness {
        r: Reassembler,
        out: Vec<Rec>,
        metas: Vec<ConnMeta>,
        frame: u64,
        now: i64,
        answer: Interest,
    }

    fn flags(s: &str) -> TcpFlags {
        let mut f = 0;
        for c in s.chars() {
            f |= match c {
                'S' => TcpFlags::SYN,
                'A' => TcpFlags::ACK,
                'F' => TcpFlags::FIN,
                'R' => TcpFlags::RST,
                _ => 0,
            };
        }
        TcpFlags(f)
    }

    impl Harness {
        fn new() -> Harness {
            Harness::with(Config::default())
        }
        fn with(cfg: Config) -> Harness {
            Harness {
                r: Reassembler::new(cfg),
                out: Vec::new(),
                metas: Vec::new(),
                frame: 0,
                now: 1_700_000_000 * SEC,
                answer: Interest::All,
            }
        }
        fn sink<'a>(
            out: &'a mut Vec<Rec>,
            metas: &'a mut Vec<ConnMeta>,
            answer: Interest,
        ) -> impl FnMut(Output<'_>) -> Interest + 'a {
            move |o| {
                let rec = match o {
                    Output::Event { conn, dir, event } => {
                        if !metas.iter().any(|m| m.id == conn.id) {
                            metas.push(conn.clone());
                        }
                        let id = conn.id;
                        match event {
                            Event::Data {
                                offset,
                                bytes,
                                frame,
                                ..
                            } => Rec::Data(id, dir, offset, bytes.to_vec(), frame),
                            Event::Gap { offset, len, frame } => {
                                Rec::Gap(id, dir, offset, len, frame)
                            }
                            Event::Fin { offset, .. } => Rec::Fin(id, dir, offset),
                            Event::Reset { .. } => Rec::Reset(id, dir),
                        }
                    }
                    Output::Closed { conn, reason } => {
                        if !metas.iter().any(|m| m.id == conn.id) {
                            metas.push(conn.clone());
                        }
                        Rec::Closed(conn.id, reason)
                    }
                };
                out.push(rec);
                answer
            }
        }
        /// Sends a segment from `from` to the other endpoint; returns its frame.
        #[allow(clippy::too_many_arguments)] // reason: mirrors the segment's fields, reads best flat in tests
        fn send_at(
            &mut self,
            from: (IpAddr, u16),
            to: (IpAddr, u16),
            f: &str,
            seq: u32,
            ack: u32,
            payload: &[u8],
            truncated: bool,
        ) -> u64 {
            self.frame += 1;
            let seg = Segment {
                src: from.0,
                dst: to.0,
                sport: from.1,
                dport: to.1,
                seq,
                ack,
                flags: flags(f),
                window: 1000,
                payload,
                truncated,
            };
            let mut sink = Harness::sink(&mut self.out, &mut self.metas, self.answer);
            self.r
                .push(&seg, self.frame, Timestamp(self.now), &mut sink);
            self.frame
        }
        fn c(&mut self, f: &str, seq: u32, payload: &[u8]) -> u64 {
            self.send_at(C, S, f, seq, 0, payload, false)
        }
        fn s(&mut self, f: &str, seq: u32, payload: &[u8]) -> u64 {
            self.send_at(S, C, f, seq, 0, payload, false)
        }
        fn finish(&mut self) {
            let mut sink = Harness::sink(&mut self.out, &mut self.metas, self.answer);
            self.r.finish(&mut sink);
        }
        /// The data of one direction of one connection, concatenated, with
        /// gaps as `None`.
        fn stream(&self, id: u64, dir: Direction) -> Vec<Option<u8>> {
            let mut v = Vec::new();
            for r in &self.out {
                match r {
                    Rec::Data(i, d, off, b, _) if *i == id && *d == dir => {
                        assert_eq!(*off, v.len() as u64, "data tiles");
                        v.extend(b.iter().map(|&x| Some(x)));
                    }
                    Rec::Gap(i, d, off, len, _) if *i == id && *d == dir => {
                        assert_eq!(*off, v.len() as u64, "gap tiles");
                        v.extend((0..*len).map(|_| None));
                    }
                    _ => {}
                }
            }
            v
        }
        fn closed(&self) -> Vec<(u64, CloseReason)> {
            self.out
                .iter()
                .filter_map(|r| match r {
                    Rec::Closed(i, why) => Some((*i, *why)),
                    _ => None,
                })
                .collect()
        }
        fn meta(&self, id: u64) -> &ConnMeta {
            self.metas.iter().find(|m| m.id == id).expect("meta")
        }
    }

    fn some(b: &[u8]) -> Vec<Option<u8>> {
        b.iter().map(|&x| Some(x)).collect()
    }

    const CISN: u32 = 1000;
    const SISN: u32 = 5000;

    /// SYN, SYN+ACK, ACK.
    fn handshake(h: &mut Harness) {
        h.send_at(C, S, "S", CISN, 0, b"", false);
        h.send_at(S, C, "SA", SISN, CISN + 1, b"", false);
        h.send_at(C, S, "A", CISN + 1, SISN + 1, b"", false);
    }

    const CD: Direction = Direction::ClientToServer;
    const SC: Direction = Direction::ServerToClient;

    #[test]
    fn push_in_order_data_delivered_on_arrival() {
        let mut h = Harness::new();
        handshake(&mut h);
        let f1 = h.c("A", CISN + 1, b"hello ");
        let f2 = h.c("A", CISN + 7, b"world");
        assert_eq!(
            h.out,
            vec![
                Rec::Data(0, CD, 0, b"hello ".to_vec(), f1),
                Rec::Data(0, CD, 6, b"world".to_vec(), f2),
            ]
        );
        let m = h.meta(0);
        assert!(m.saw_open);
        assert_eq!(m.client, SocketAddr::new(C.0, C.1));
        assert_eq!(m.first_frame, 1);
    }

    #[test]
    fn push_out_of_order_then_fill_delivers_each_frame() {
        let mut h = Harness::new();
        handshake(&mut h);
        let f2 = h.c("A", CISN + 4, b"def");
        assert!(h.out.is_empty());
        let f1 = h.c("A", CISN + 1, b"abc");
        assert_eq!(
            h.out,
            vec![
                Rec::Data(0, CD, 0, b"abc".to_vec(), f1),
                Rec::Data(0, CD, 3, b"def".to_vec(), f2),
            ]
        );
        assert_eq!(h.r.shared.ooo_total, 0);
    }

    #[test]
    fn push_retransmission_dropped_and_counted() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"abc");
        h.c("A", CISN + 1, b"abc");
        assert_eq!(h.out.len(), 1);
        assert_eq!(h.r.stats().retransmitted_segments, 1);
    }

    #[test]
    fn push_partial_overlap_delivers_new_part_only() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"abc");
        let f = h.c("A", CISN + 2, b"bcdef");
        assert_eq!(h.out[1], Rec::Data(0, CD, 3, b"def".to_vec(), f));
        assert_eq!(h.stream(0, CD), some(b"abcdef"));
        assert_eq!(h.r.stats().retransmitted_segments, 0);
    }

    #[test]
    fn push_differing_overlap_first_wins_and_counted() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 4, b"DEF");
        // Overlaps the buffered bytes with different content at two places.
        h.c("A", CISN + 3, b"xDyZg");
        h.c("A", CISN + 1, b"ab");
        assert_eq!(h.stream(0, CD), some(b"abxDEFg"));
        assert_eq!(h.r.stats().overlap_conflicts, 2);
        // In-order data overlapping buffered data: the buffered bytes win too.
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 3, b"CD");
        h.c("A", CISN + 1, b"abcde");
        assert_eq!(h.stream(0, CD), some(b"abCDe"));
        assert_eq!(h.r.stats().overlap_conflicts, 2);
    }

    #[test]
    fn finish_hole_reported_as_gap_then_buffered_data() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"ab");
        let f = h.c("A", CISN + 6, b"fg");
        h.finish();
        assert_eq!(
            &h.out[1..],
            &[
                Rec::Gap(0, CD, 2, 3, f),
                Rec::Data(0, CD, 5, b"fg".to_vec(), f),
                Rec::Closed(0, CloseReason::EndOfCapture),
            ]
        );
        let st = h.r.stats();
        assert_eq!((st.gaps, st.gap_bytes), (1, 3));
    }

    #[test]
    fn push_fin_past_hole_gap_once_acked_then_fin() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"ab");
        let f = h.c("AF", CISN + 5, b"ef");
        // A FIN alone does not give up on the hole: a retransmission may come.
        assert_eq!(h.out.len(), 1);
        // The server acknowledges everything, FIN included: the capture
        // missed "cd", which will never be sent again.
        let fa = h.send_at(S, C, "A", SISN + 1, CISN + 8, b"", false);
        assert_eq!(
            &h.out[1..],
            &[
                Rec::Gap(0, CD, 2, 2, f),
                Rec::Data(0, CD, 4, b"ef".to_vec(), f),
                Rec::Fin(0, CD, 6),
            ]
        );
        let _ = fa;
    }

    #[test]
    fn finish_fin_past_hole_gap_then_fin() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"ab");
        let f = h.c("AF", CISN + 5, b"");
        h.finish();
        assert_eq!(
            &h.out[1..],
            &[
                Rec::Gap(0, CD, 2, 2, f),
                Rec::Fin(0, CD, 4),
                Rec::Closed(0, CloseReason::EndOfCapture),
            ]
        );
    }

    #[test]
    fn push_ack_past_unseen_bytes_declares_gap() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"ab");
        let fa = h.send_at(S, C, "A", SISN + 1, CISN + 11, b"", false);
        assert_eq!(h.out[1], Rec::Gap(0, CD, 2, 8, fa));
        let f = h.c("A", CISN + 11, b"k");
        assert_eq!(h.out[2], Rec::Data(0, CD, 10, b"k".to_vec(), f));
    }

    #[test]
    fn push_truncated_segment_rest_becomes_gap() {
        let mut h = Harness::new();
        handshake(&mut h);
        // 10 bytes on the wire, 4 captured.
        let f1 = h.send_at(C, S, "A", CISN + 1, 0, b"abcd", true);
        let f2 = h.c("A", CISN + 11, b"klm");
        assert_eq!(
            h.out,
            vec![
                Rec::Data(0, CD, 0, b"abcd".to_vec(), f1),
                Rec::Gap(0, CD, 4, 6, f2),
                Rec::Data(0, CD, 10, b"klm".to_vec(), f2),
            ]
        );
    }

    #[test]
    fn push_midstream_higher_port_is_client() {
        let mut h = Harness::new();
        // The server speaks first in the capture (acknowledging what the
        // client sends next).
        let f = h.send_at(S, C, "A", 777_777, 123, b"xyz", false);
        h.c("A", 123, b"q");
        let m = h.meta(0);
        assert!(!m.saw_open);
        assert_eq!(m.client, SocketAddr::new(C.0, C.1));
        assert_eq!(m.server, SocketAddr::new(S.0, S.1));
        assert_eq!(h.out[0], Rec::Data(0, SC, 0, b"xyz".to_vec(), f));
        assert_eq!(h.stream(0, CD), some(b"q"));
        assert_eq!(h.r.stats().midstream, 1);
        // Equal ports: the first sender is the client.
        let mut h = Harness::new();
        let a = (C.0, 8080);
        let b = (S.0, 8080);
        h.send_at(b, a, "A", 1, 0, b"x", false);
        assert_eq!(h.meta(0).client, SocketAddr::new(b.0, b.1));
    }

    #[test]
    fn clock_lone_leap_is_ignored_confirmed_leap_is_followed() {
        let mut c = Clock::default();
        assert_eq!(c.tick(10 * SEC), 10 * SEC);
        // One frame an hour ahead, then back to normal: ignored.
        assert_eq!(c.tick(3610 * SEC), 10 * SEC);
        assert_eq!(c.tick(11 * SEC), 11 * SEC);
        // Backwards never moves the clock back.
        assert_eq!(c.tick(5 * SEC), 11 * SEC);
        // A real pause in the capture: eight frames agree, the clock follows.
        for i in 0..CLOCK_CONFIRM - 1 {
            assert_eq!(c.tick((7200 + i64::from(i)) * SEC), 11 * SEC);
        }
        assert_eq!(c.tick(7300 * SEC), 7200 * SEC);
    }

    #[test]
    fn push_midstream_peer_ack_anchors_unseen_bytes_as_gap() {
        let mut h = Harness::new();
        // Mid-stream: the client's packet acknowledges server byte 5000, but
        // the first server segment captured starts 100 bytes later.
        let f1 = h.send_at(C, S, "A", 123, 5000, b"hello", false);
        let f2 = h.send_at(S, C, "A", 5100, 128, b"late", false);
        h.finish();
        assert_eq!(h.out[0], Rec::Data(0, CD, 0, b"hello".to_vec(), f1));
        assert!(
            h.out.contains(&Rec::Gap(0, SC, 0, 100, f2)),
            "the 100 unseen server bytes are a gap: {:?}",
            h.out
        );
        assert!(h.out.contains(&Rec::Data(0, SC, 100, b"late".to_vec(), f2)));
    }

    #[test]
    fn push_synack_first_receiver_is_client() {
        let mut h = Harness::new();
        h.send_at(S, C, "SA", SISN, CISN + 1, b"", false);
        let f = h.c("A", CISN + 1, b"hi");
        let m = h.meta(0);
        assert!(m.saw_open);
        assert_eq!(m.client, SocketAddr::new(C.0, C.1));
        assert_eq!(h.out[0], Rec::Data(0, CD, 0, b"hi".to_vec(), f));
        // The SYN, retransmitted late, is a duplicate, not a new connection.
        h.c("S", CISN, b"");
        h.finish();
        assert_eq!(h.closed(), vec![(0, CloseReason::EndOfCapture)]);
        assert_eq!(h.r.stats().connections, 1);
    }

    #[test]
    fn push_sequence_wraparound_offsets_continue() {
        let mut h = Harness::new();
        let isn = 0xffff_fff0u32;
        h.c("S", isn, b"");
        h.send_at(S, C, "SA", SISN, isn.wrapping_add(1), b"", false);
        let data: Vec<u8> = (0..40).collect();
        // Out of order across the wrap, then the start.
        h.c("A", isn.wrapping_add(21), &data[20..]);
        h.c("A", isn.wrapping_add(11), &data[10..20]);
        h.c("A", isn.wrapping_add(1), &data[..10]);
        assert_eq!(h.stream(0, CD), some(&data));
    }

    #[test]
    fn push_syn_new_isn_reuses_port_with_new_id() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"one");
        // Same SYN again: ignored.
        h.c("S", CISN, b"");
        h.c("S", 90_000, b"");
        h.c("A", 90_001, b"two");
        h.finish();
        assert_eq!(
            h.closed(),
            vec![(0, CloseReason::PortReused), (1, CloseReason::EndOfCapture)]
        );
        assert_eq!(h.stream(1, CD), some(b"two"));
        assert_eq!(h.r.stats().port_reuses, 1);
        assert_eq!(h.r.stats().connections, 2);
    }

    #[test]
    fn push_rst_flushes_resets_and_closes_once() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"hello");
        h.c("A", CISN + 8, b"xy");
        h.send_at(S, C, "RA", SISN + 1, CISN + 6, b"", false);
        assert_eq!(
            &h.out[1..],
            &[
                Rec::Gap(0, CD, 5, 2, 5),
                Rec::Data(0, CD, 7, b"xy".to_vec(), 5),
                Rec::Reset(0, SC),
                Rec::Closed(0, CloseReason::Closed),
            ]
        );
        // Trailing packets are absorbed by the closed entry.
        h.c("A", CISN + 10, b"late");
        h.send_at(S, C, "R", SISN + 1, 0, b"", false);
        h.finish();
        assert_eq!(h.closed(), vec![(0, CloseReason::Closed)]);
        assert_eq!(h.r.stats().connections, 1);
    }

    #[test]
    fn push_both_fins_close_exactly_once() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.send_at(C, S, "AF", CISN + 1, SISN + 1, b"bye", false);
        h.send_at(S, C, "AF", SISN + 1, CISN + 5, b"ok", false);
        h.send_at(C, S, "A", CISN + 5, SISN + 4, b"", false);
        // A retransmitted FIN after the close.
        h.send_at(S, C, "AF", SISN + 1, CISN + 5, b"ok", false);
        h.finish();
        assert_eq!(
            h.out,
            vec![
                Rec::Data(0, CD, 0, b"bye".to_vec(), 4),
                Rec::Fin(0, CD, 3),
                Rec::Data(0, SC, 0, b"ok".to_vec(), 5),
                Rec::Fin(0, SC, 2),
                Rec::Closed(0, CloseReason::Closed),
            ]
        );
    }

    #[test]
    fn push_control_only_stops_data_keeps_fin() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.answer = Interest::ControlOnly;
        h.c("A", CISN + 1, b"first");
        h.answer = Interest::All; // cannot widen again
        h.c("A", CISN + 9, b"ooo");
        h.c("A", CISN + 6, b"abc");
        h.c("AF", CISN + 12, b"");
        h.finish();
        assert_eq!(
            h.out,
            vec![
                Rec::Data(0, CD, 0, b"first".to_vec(), 4),
                Rec::Fin(0, CD, 11),
                Rec::Closed(0, CloseReason::EndOfCapture),
            ]
        );
        assert_eq!(h.r.shared.ooo_total, 0);
    }

    #[test]
    fn push_in_order_only_does_not_buffer() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.answer = Interest::InOrderOnly;
        h.c("A", CISN + 1, b"ab");
        let f = h.c("A", CISN + 5, b"ef");
        assert_eq!(h.r.shared.ooo_total, 0);
        let fa = h.send_at(S, C, "A", SISN + 1, CISN + 7, b"", false);
        h.c("A", CISN + 7, b"g");
        assert_eq!(
            &h.out[1..],
            &[
                Rec::Gap(0, CD, 2, 4, fa),
                Rec::Data(0, CD, 6, b"g".to_vec(), f + 2),
            ]
        );
    }

    #[test]
    fn push_ooo_cap_drops_excess_then_gap() {
        let cfg = Config {
            max_ooo_per_dir: assembler::CHUNK_OVERHEAD + 4,
            ..Config::default()
        };
        let mut h = Harness::with(cfg);
        handshake(&mut h);
        h.c("A", CISN + 1, b"a");
        // 6 bytes out of order, 4 fit: 2 dropped.
        let f = h.c("A", CISN + 3, b"cdefgh");
        assert_eq!(h.r.stats().ooo_dropped_bytes, 2);
        // Next out-of-order segment: cap hit, the hole gives way.
        let f2 = h.c("A", CISN + 20, b"tu");
        assert_eq!(
            &h.out[1..],
            &[
                Rec::Gap(0, CD, 1, 1, f),
                Rec::Data(0, CD, 2, b"cdef".to_vec(), f),
            ]
        );
        h.finish();
        assert_eq!(
            &h.out[3..],
            &[
                Rec::Gap(0, CD, 6, 13, f2),
                Rec::Data(0, CD, 19, b"tu".to_vec(), f2),
                Rec::Closed(0, CloseReason::EndOfCapture),
            ]
        );
        assert_eq!(h.r.shared.ooo_total, 0);
    }

    #[test]
    fn push_far_ahead_segment_ignored_no_allocation() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"a");
        h.c("A", CISN.wrapping_add(1 << 31), b"zz");
        assert_eq!(h.r.shared.ooo_total, 0);
        h.c("A", CISN + 200_000, b"zz");
        assert_eq!(h.r.shared.ooo_total, 2 + assembler::CHUNK_OVERHEAD);
    }

    #[test]
    fn push_keepalive_not_data_nor_retransmission() {
        let mut h = Harness::new();
        handshake(&mut h);
        h.c("A", CISN + 1, b"abc");
        h.c("A", CISN + 3, b"\0");
        h.c("A", CISN + 3, b"");
        assert_eq!(h.out.len(), 1);
        assert_eq!(h.r.stats().retransmitted_segments, 0);
    }

    #[test]
    fn push_syn_data_starts_at_offset_zero() {
        let mut h = Harness::new();
        let f = h.c("S", CISN, b"tfo");
        h.c("A", CISN + 4, b"!");
        assert_eq!(h.out[0], Rec::Data(0, CD, 0, b"tfo".to_vec(), f));
        assert_eq!(h.stream(0, CD), some(b"tfo!"));
    }

    #[test]
    fn push_max_conns_evicts_least_recent() {
        let cfg = Config {
            max_conns: 2,
            ..Config::default()
        };
        let mut h = Harness::with(cfg);
        let p = |port| (C.0, port);
        h.send_at(p(40_001), S, "S", 10, 0, b"", false);
        h.send_at(p(40_002), S, "S", 20, 0, b"", false);
        h.send_at(p(40_001), S, "A", 11, 0, b"x", false);
        h.send_at(p(40_001), S, "A", 13, 0, b"z", false);
        h.send_at(p(40_003), S, "S", 30, 0, b"", false);
        h.send_at(p(40_004), S, "S", 40, 0, b"", false);
        assert_eq!(
            h.closed(),
            vec![(1, CloseReason::Evicted), (0, CloseReason::Evicted)]
        );
        // Connection 0 was flushed: its hole became a gap.
        assert_eq!(h.stream(0, CD), vec![Some(b'x'), None, Some(b'z')]);
        assert_eq!(h.r.stats().evicted, 2);
    }

    #[test]
    fn push_idle_timeout_closes_and_new_packets_start_fresh() {
        let cfg = Config {
            idle_timeout_ns: 10 * SEC,
            ..Config::default()
        };
        let mut h = Harness::with(cfg);
        handshake(&mut h);
        h.c("A", CISN + 1, b"a");
        h.now += 5 * SEC;
        h.s("A", SISN + 1, b"b");
        // Timestamps going backwards do not expire anything.
        h.now -= 100 * SEC;
        h.s("A", SISN + 2, b"c");
        h.now += 100 * SEC + 11 * SEC;
        h.c("A", CISN + 2, b"d");
        assert_eq!(h.closed(), vec![(0, CloseReason::IdleTimeout)]);
        assert_eq!(h.r.stats().timed_out, 1);
        assert!(!h.meta(1).saw_open);
        assert_eq!(h.stream(1, CD), some(b"d"));
    }

    #[test]
    fn finish_every_connection_closed_once_in_id_order() {
        let mut h = Harness::new();
        let p = |port| (C.0, port);
        h.send_at(p(40_002), S, "A", 1, 0, b"x", false);
        h.send_at(p(40_001), S, "A", 1, 0, b"x", false);
        h.send_at(p(40_003), S, "A", 1, 0, b"x", false);
        h.send_at(S, p(40_003), "R", 1, 0, b"", false);
        h.send_at(p(40_002), S, "A", 2, 0, b"y", false);
        h.finish();
        h.finish();
        assert_eq!(
            h.closed(),
            vec![
                (2, CloseReason::Closed),
                (0, CloseReason::EndOfCapture),
                (1, CloseReason::EndOfCapture)
            ]
        );
    }

    mod model {
        //! The reference model: a sender's byte stream cut into segments,
        //! some lost, some duplicated or re-sent overlapping (same bytes), all
        //! shuffled; both directions interleaved, sequence numbers near 2^32.

        use std::collections::HashMap;

        use proptest::prelude::*;

        use super::*;

        /// One packet of the model.
        #[derive(Debug, Clone)]
        struct Pkt {
            dir: Direction,
            start: usize,
            end: usize,
            fin: bool,
        }

        #[derive(Debug, Clone)]
        struct Side {
            data: Vec<u8>,
            isn: u32,
            fin: bool,
            /// Segment lengths, cycled to cut the stream.
            cuts: Vec<usize>,
            /// Per segment: 0 = send once, 1 = lose (if lossy), 2 = duplicate.
            fate: Vec<u8>,
            /// Extra re-sends (start, len) of arbitrary ranges.
            resends: Vec<(usize, usize)>,
        }

        fn side() -> impl Strategy<Value = Side> {
            (
                proptest::collection::vec(any::<u8>(), 0..2000),
                prop_oneof![(u32::MAX - 3000)..=u32::MAX, any::<u32>()],
                any::<bool>(),
                proptest::collection::vec(1usize..300, 1..8),
                proptest::collection::vec(0u8..3, 1..16),
                proptest::collection::vec((0usize..2000, 1usize..200), 0..4),
            )
                .prop_map(|(data, isn, fin, cuts, fate, resends)| Side {
                    data,
                    isn,
                    fin,
                    cuts,
                    fate,
                    resends,
                })
        }

        fn packets(s: &Side, dir: Direction, lossy: bool) -> (Vec<Pkt>, bool) {
            let mut out = Vec::new();
            let mut lost = false;
            let (mut at, mut i) = (0, 0);
            while at < s.data.len() {
                let end = (at + s.cuts[i % s.cuts.len()]).min(s.data.len());
                let fate = s.fate[i % s.fate.len()];
                let p = Pkt {
                    dir,
                    start: at,
                    end,
                    fin: false,
                };
                match fate {
                    1 if lossy => lost = true,
                    2 => {
                        out.push(p.clone());
                        out.push(p);
                    }
                    _ => out.push(p),
                }
                at = end;
                i += 1;
            }
            for &(a, n) in &s.resends {
                if a < s.data.len() {
                    let end = (a + n).min(s.data.len());
                    out.push(Pkt {
                        dir,
                        start: a,
                        end,
                        fin: false,
                    });
                }
            }
            if s.fin {
                let n = s.data.len();
                let fin = Pkt {
                    dir,
                    start: n,
                    end: n,
                    fin: true,
                };
                out.push(fin.clone());
                out.push(fin);
            }
            (out, lost)
        }

        fn run(c: &Side, s: &Side, lossy: bool, order: &[usize]) {
            let (mut pkts, lost_c) = packets(c, CD, lossy);
            let (ps, lost_s) = packets(s, SC, lossy);
            pkts.extend(ps);
            // A permutation of the packets, from the shuffled index list.
            let mut idx: Vec<usize> = (0..pkts.len()).collect();
            for (k, &o) in order.iter().enumerate() {
                if idx.len() > 1 {
                    let j = k % idx.len();
                    let o = o % idx.len();
                    idx.swap(j, o);
                }
            }
            let mut h = Harness::new();
            h.send_at(C, S, "S", c.isn, 0, b"", false);
            h.send_at(S, C, "SA", s.isn, c.isn.wrapping_add(1), b"", false);
            let mut frames: Vec<Option<Pkt>> = vec![None, None, None];
            for &i in &idx {
                let p = &pkts[i];
                let (side, from, to) = match p.dir {
                    Direction::ClientToServer => (c, C, S),
                    Direction::ServerToClient => (s, S, C),
                };
                let seq = side.isn.wrapping_add(1).wrapping_add(p.start as u32);
                let f = if p.fin { "F" } else { "" };
                let fr = h.send_at(from, to, f, seq, 0, &side.data[p.start..p.end], false);
                frames.push(Some(p.clone()));
                assert_eq!(frames.len() as u64, fr + 1);
            }
            h.finish();

            for (dir, side, lost) in [(CD, c, lost_c), (SC, s, lost_s)] {
                // Tiling and content.
                let mut at = 0u64;
                let mut fin_at = None;
                let mut gaps = 0;
                for r in &h.out {
                    match r {
                        Rec::Data(0, d, off, b, fr) if *d == dir => {
                            assert!(fin_at.is_none(), "data after Fin");
                            assert_eq!(*off, at);
                            let (o, e) = (*off as usize, *off as usize + b.len());
                            assert_eq!(&b[..], &side.data[o..e]);
                            let p = frames[*fr as usize].as_ref().expect("data frame");
                            assert!(p.dir == dir && p.start <= o && e <= p.end);
                            at += b.len() as u64;
                        }
                        Rec::Gap(0, d, off, len, _) if *d == dir => {
                            assert!(fin_at.is_none(), "gap after Fin");
                            assert_eq!(*off, at);
                            assert!(*len > 0);
                            at += len;
                            gaps += 1;
                        }
                        Rec::Fin(0, d, off) if *d == dir => {
                            assert!(fin_at.is_none(), "one Fin");
                            assert_eq!(*off, at);
                            fin_at = Some(*off);
                        }
                        _ => {}
                    }
                }
                assert_eq!(fin_at.is_some(), side.fin);
                if side.fin || !lost {
                    assert_eq!(at, side.data.len() as u64);
                } else {
                    assert!(at <= side.data.len() as u64);
                }
                if !lost {
                    assert_eq!(gaps, 0, "gap without loss");
                }
            }
            let closed = h.closed();
            assert_eq!(closed.len(), 1, "{closed:?}");
            assert_eq!(closed[0].0, 0);
            assert!(matches!(h.out.last(), Some(Rec::Closed(0, _))));
            assert_eq!(h.r.stats().connections, 1);
            assert_eq!(h.r.shared.ooo_total, 0);
        }

        /// Port pair selector and direction, flags, seq, seq mode and ack,
        /// payload, truncated, clock step (1/8 s).
        type ChaosPkt = (u8, u8, u32, u8, Vec<u8>, bool, i8);

        /// Arbitrary packets on a few port pairs with tight bounds: no panic,
        /// per connection and direction Data/Gap tile from 0, nothing after
        /// Fin (but Reset), exactly one Closed, nothing after it.
        fn chaos(pkts: &[ChaosPkt], answers: &[u8]) {
            let cfg = Config {
                max_conns: 3,
                max_ooo_per_dir: 2 * assembler::CHUNK_OVERHEAD + 40,
                max_ooo_total: 5 * assembler::CHUNK_OVERHEAD + 100,
                idle_timeout_ns: 3 * SEC,
            };
            let mut h = Harness::with(cfg);
            for (k, (pair, fl, seq, dt, payload, trunc, step)) in pkts.iter().enumerate() {
                let port = 40_000 + u16::from(pair % 4);
                let (from, to) = if pair & 4 == 0 {
                    ((C.0, port), S)
                } else {
                    (S, (C.0, port))
                };
                // Sequence numbers cluster near a per-direction origin so that
                // overlaps and wraparound are frequent.
                let origin: u32 = if pair & 4 == 0 { u32::MAX - 100 } else { 7 };
                let seq = if dt & 1 == 0 {
                    origin.wrapping_add(seq % 300)
                } else {
                    *seq
                };
                h.answer = match answers.get(k).copied().unwrap_or(0) % 8 {
                    0 => Interest::InOrderOnly,
                    1 => Interest::ControlOnly,
                    _ => Interest::All,
                };
                h.now += i64::from(*step) * SEC / 8;
                let f = TcpFlags(fl & 0x17);
                h.frame += 1;
                let seg = Segment {
                    src: from.0,
                    dst: to.0,
                    sport: from.1,
                    dport: to.1,
                    seq,
                    ack: origin.wrapping_add(u32::from(*dt)),
                    flags: f,
                    window: 0,
                    payload,
                    truncated: *trunc,
                };
                let mut sink = Harness::sink(&mut h.out, &mut h.metas, h.answer);
                h.r.push(&seg, h.frame, Timestamp(h.now), &mut sink);
            }
            h.finish();
            let mut at: HashMap<(u64, usize), u64> = HashMap::new();
            let mut fin: HashMap<(u64, usize), bool> = HashMap::new();
            let mut closed: HashMap<u64, usize> = HashMap::new();
            for r in &h.out {
                let id = match r {
                    Rec::Data(i, ..) | Rec::Gap(i, ..) | Rec::Fin(i, ..) | Rec::Reset(i, _) => *i,
                    Rec::Closed(i, _) => *i,
                };
                assert!(!closed.contains_key(&id), "output after Closed: {r:?}");
                match r {
                    Rec::Data(i, d, off, b, _) => {
                        assert!(!fin.contains_key(&(*i, d.index())));
                        let e = at.entry((*i, d.index())).or_default();
                        assert_eq!(*off, *e);
                        assert!(!b.is_empty());
                        *e += b.len() as u64;
                    }
                    Rec::Gap(i, d, off, len, _) => {
                        assert!(!fin.contains_key(&(*i, d.index())));
                        let e = at.entry((*i, d.index())).or_default();
                        assert_eq!(*off, *e);
                        assert!(*len > 0);
                        *e += len;
                    }
                    Rec::Fin(i, d, _) => {
                        assert!(fin.insert((*i, d.index()), true).is_none(), "two Fins");
                    }
                    Rec::Reset(..) => {}
                    Rec::Closed(i, _) => {
                        closed.insert(*i, 1);
                    }
                }
            }
            let st = h.r.stats();
            assert_eq!(closed.len() as u64, st.connections);
            assert!(closed.keys().all(|&i| i < st.connections));
            assert_eq!(h.r.shared.ooo_total, 0);
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

            #[test]
            fn reassembler_random_segmentation_tiles_stream(
                c in side(),
                s in side(),
                lossy in any::<bool>(),
                order in proptest::collection::vec(any::<usize>(), 0..64),
            ) {
                run(&c, &s, lossy, &order);
            }

            #[test]
            fn reassembler_arbitrary_packets_keep_invariants(
                pkts in proptest::collection::vec(
                    (any::<u8>(), any::<u8>(), any::<u32>(), any::<u8>(),
                     proptest::collection::vec(any::<u8>(), 0..60), any::<bool>(), -8i8..40),
                    0..60),
                answers in proptest::collection::vec(any::<u8>(), 0..60),
            ) {
                chaos(&pkts, &answers);
            }
        }
    }
}
