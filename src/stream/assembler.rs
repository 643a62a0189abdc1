//! One direction of one connection: sequence numbers → stream offsets, in-order
//! delivery, the out-of-order buffer and its holes.
//!
//! Input: the sender's segments (sequence number of the first payload byte,
//! payload, FIN, snaplen truncation) and the peer's acknowledgements.
//! Output: `Data`, `Gap` and `Fin` events through an [`Io`].
//! Invariants: `next` is the first offset not yet delivered; every buffered
//! chunk starts above `next` and chunks never overlap each other; the events
//! emitted tile `[0, next)` in increasing order; buffered memory is charged to
//! the per-direction and global caps.
//! Not done here: connection state, roles, timeouts (see `conn.rs` and `mod.rs`).

use std::collections::BTreeMap;

use super::{ConnMeta, Direction, Event, Interest, Output, Stats};
use crate::capture::Timestamp;

/// Segments further than this from the delivery point (either way) are
/// garbage, not data: 1 GiB, a quarter of the sequence space, so the
/// modulo-2^32 comparison (RFC 9293 §3.4) is never ambiguous.
const MAX_DISTANCE: i64 = 1 << 30;

/// Bookkeeping charged per buffered chunk on top of its bytes (map node,
/// box, frame and time), so many tiny segments cannot dodge the caps.
pub(super) const CHUNK_OVERHEAD: usize = 64;

/// Counters and memory shared by all connections.
pub(super) struct Shared {
    /// The public counters.
    pub stats: Stats,
    /// Out-of-order bytes (plus overhead) buffered over all connections.
    pub ooo_total: usize,
    /// Per-direction cap, from the config.
    pub per_dir_cap: usize,
    /// Global cap, from the config.
    pub total_cap: usize,
}

/// Where one direction's events go: the sink, with the connection and
/// direction they belong to, the connection's current [`Interest`], and the
/// shared counters.
pub(super) struct Io<'a, 'b> {
    pub meta: &'a ConnMeta,
    pub dir: Direction,
    pub interest: &'a mut Interest,
    pub sink: &'a mut (dyn FnMut(Output<'_>) -> Interest + 'b),
    pub shared: &'a mut Shared,
}

/// The more restrictive of two interests: a consumer cannot take back a
/// `ControlOnly` (the data it would want has been discarded).
pub(super) fn narrow(a: Interest, b: Interest) -> Interest {
    fn rank(i: Interest) -> u8 {
        match i {
            Interest::All => 0,
            Interest::InOrderOnly => 1,
            Interest::ControlOnly => 2,
        }
    }
    if rank(b) > rank(a) { b } else { a }
}

impl Io<'_, '_> {
    pub(super) fn emit(&mut self, event: Event<'_>) {
        let answer = (self.sink)(Output::Event {
            conn: self.meta,
            dir: self.dir,
            event,
        });
        *self.interest = narrow(*self.interest, answer);
    }
    fn control_only(&self) -> bool {
        *self.interest == Interest::ControlOnly
    }
    fn buffering(&self) -> bool {
        *self.interest == Interest::All
    }
    fn data(&mut self, offset: u64, bytes: &[u8], frame: u64, ts: Timestamp) {
        if !bytes.is_empty() && !self.control_only() {
            self.emit(Event::Data {
                offset,
                bytes,
                frame,
                ts,
            });
        }
    }
    fn gap(&mut self, offset: u64, len: u64, frame: u64) {
        if len > 0 && !self.control_only() {
            self.shared.stats.gaps += 1;
            self.shared.stats.gap_bytes += len;
            self.emit(Event::Gap { offset, len, frame });
        }
    }
}

/// Bytes of one segment held until the hole before them is filled.
struct Chunk {
    data: Box<[u8]>,
    frame: u64,
    ts: Timestamp,
    /// The segment was cut by the snap length right after these bytes.
    truncated: bool,
}

impl Chunk {
    fn charge(&self) -> usize {
        self.data.len() + CHUNK_OVERHEAD
    }
}

#[derive(Debug, Clone, Copy)]
struct FinMark {
    offset: u64,
    frame: u64,
    ts: Timestamp,
}

/// Reassembly state of one direction.
#[derive(Default)]
pub(super) struct Half {
    /// Sequence number of stream offset 0 (ISN + 1, or the first byte seen).
    base: Option<u32>,
    /// Initial sequence number, when a SYN (or the ACK of one) told us.
    isn: Option<u32>,
    /// First offset not yet delivered (as Data or Gap).
    next: u64,
    /// Out-of-order chunks by offset; all above `next`, never overlapping.
    ooo: BTreeMap<u64, Chunk>,
    /// What `ooo` is charged against the caps.
    ooo_charge: usize,
    /// The sender's FIN: the stream ends at its offset (boxed: rare until
    /// the end, and it would double the size of every idle connection).
    fin: Option<Box<FinMark>>,
    /// `Fin` was emitted.
    fin_done: bool,
    /// A snaplen-truncated segment ended here: when `next` is still here,
    /// whatever hole follows is known to be lost, not late.
    trunc_at: Option<u64>,
}

impl Half {
    /// The ISN learned from a SYN, SYN+ACK or an ACK of one.
    pub(super) fn isn(&self) -> Option<u32> {
        self.isn
    }

    /// Nothing has been seen of this direction's stream yet.
    pub(super) fn unstarted(&self) -> bool {
        self.base.is_none()
    }

    /// Sets the ISN: offset 0 is the byte after the SYN (RFC 9293 §3.4: the
    /// SYN occupies one sequence number).
    pub(super) fn open(&mut self, isn: u32) {
        self.isn = Some(isn);
        self.base = Some(isn.wrapping_add(1));
    }

    /// Sets offset 0 without an ISN: a mid-stream direction whose next
    /// sequence number the peer's ACK revealed before its first data.
    pub(super) fn anchor(&mut self, base: u32) {
        self.base = Some(base);
    }

    /// `Fin` has been emitted.
    pub(super) fn fin_done(&self) -> bool {
        self.fin_done
    }

    /// Signed stream offset of `seq`, or `None` when unknown or garbage.
    /// Sequence arithmetic is modulo 2^32 (RFC 9293 §3.4); the distance from
    /// the delivery point is taken as a signed 32-bit value, so wraparound is
    /// transparent and offsets keep growing as u64.
    fn offset_of(&self, seq: u32) -> Option<i64> {
        let base = self.base?;
        // Truncation to u32 is the point: sequence space is modulo 2^32.
        let here = base.wrapping_add(self.next as u32);
        let d = i64::from(seq.wrapping_sub(here) as i32);
        if d.abs() > MAX_DISTANCE {
            return None;
        }
        Some(self.next as i64 + d)
    }

    /// One segment from this direction's sender. `seq` is the sequence number
    /// of `payload[0]` (for a SYN, the ISN + 1: data in a SYN, RFC 7413 TFO,
    /// starts at offset 0).
    #[allow(clippy::too_many_arguments)] // reason: one segment's fields, kept flat on the hot path
    pub(super) fn segment(
        &mut self,
        io: &mut Io<'_, '_>,
        seq: u32,
        payload: &[u8],
        fin: bool,
        truncated: bool,
        frame: u64,
        ts: Timestamp,
    ) {
        if self.base.is_none() {
            if payload.is_empty() && !fin {
                return;
            }
            // Picked up mid-stream: offset 0 is the first byte seen.
            self.base = Some(seq);
        }
        let Some(off) = self.offset_of(seq) else {
            return;
        };
        let mut payload = payload;
        let mut truncated = truncated;
        let end = off + payload.len() as i64;
        if io.control_only() {
            self.discard(io.shared);
            if end > self.next as i64 {
                // Keep the reference point moving so the modulo-2^32 distance
                // stays meaningful on long connections.
                self.next = end as u64;
            }
            if fin {
                self.note_fin(end, frame, ts, io.shared);
            }
            self.check_fin(io);
            return;
        }
        // Keep-alive: zero or one garbage byte at SND.NXT - 1 (RFC 9293
        // §3.8.4). Not data, not a retransmission.
        if !fin && payload.len() <= 1 && off == self.next as i64 - 1 {
            return;
        }
        if fin {
            self.note_fin(end, frame, ts, io.shared);
        }
        if let Some(f) = self.fin.as_deref().copied()
            && end > f.offset as i64
        {
            // Nothing follows a FIN (RFC 9293 §3.6); the first FIN wins.
            let keep = (f.offset as i64 - off).clamp(0, payload.len() as i64);
            payload = &payload[..keep as usize];
            truncated = false;
        }
        if !payload.is_empty() {
            self.accept(io, off, payload, frame, ts, truncated, true);
        }
        self.check_fin(io);
    }

    /// Routes payload at signed offset `off`: old, in order, or out of order.
    #[allow(clippy::too_many_arguments)] // reason: one segment's fields, kept flat on the hot path
    fn accept(
        &mut self,
        io: &mut Io<'_, '_>,
        off: i64,
        payload: &[u8],
        frame: u64,
        ts: Timestamp,
        truncated: bool,
        may_release: bool,
    ) {
        let next = self.next as i64;
        let end = off + payload.len() as i64;
        if end <= next {
            io.shared.stats.retransmitted_segments += 1;
            return;
        }
        // Partially new: only the new part counts.
        let skip = (next - off).max(0) as usize;
        let start = self.next + (off + skip as i64 - next) as u64;
        let bytes = &payload[skip..];
        if start > self.next && self.trunc_at == Some(self.next) {
            // The hole follows a snaplen-cut segment: its rest was on the
            // wire but is not in the capture, and will not come.
            self.gap_to(io, start, frame);
        }
        if start == self.next {
            self.in_order(io, bytes, frame, ts, truncated);
        } else if io.buffering() {
            self.buffer(io, start, bytes, frame, ts, truncated, may_release);
        }
        // InOrderOnly: not buffered; the hole is declared later (ACK past it,
        // close, timeout or end of capture) and covers these bytes.
    }

    /// Delivers `bytes` starting at `next`, zero-copy, interleaving chunks that
    /// arrived first (first wins), then drains what became contiguous.
    fn in_order(
        &mut self,
        io: &mut Io<'_, '_>,
        bytes: &[u8],
        frame: u64,
        ts: Timestamp,
        truncated: bool,
    ) {
        let mut rest = bytes;
        while !rest.is_empty() {
            if io.control_only() {
                self.discard(io.shared);
                self.next += rest.len() as u64;
                return;
            }
            let first = self.ooo.first_key_value().map(|(&a, _)| a);
            match first {
                Some(a) if a <= self.next => {
                    let Some(chunk) = self.pop_first(io.shared) else {
                        break;
                    };
                    let skip = (self.next - a) as usize;
                    let held = chunk.data.get(skip..).unwrap_or_default();
                    let n = held.len().min(rest.len());
                    count_conflicts(io.shared, &held[..n], &rest[..n]);
                    self.emit_chunk(io, a, chunk);
                    rest = &rest[n..];
                }
                _ => {
                    let room = first.map_or(usize::MAX, |a| {
                        usize::try_from(a - self.next).unwrap_or(usize::MAX)
                    });
                    let n = rest.len().min(room);
                    io.data(self.next, &rest[..n], frame, ts);
                    self.next += n as u64;
                    rest = &rest[n..];
                    if rest.is_empty() && truncated {
                        self.trunc_at = Some(self.next);
                    }
                }
            }
        }
        self.drain(io);
    }

    /// Buffers out-of-order bytes at `start` (> `next`), trimming what is
    /// already buffered (first wins) and counting differing overlaps.
    #[allow(clippy::too_many_arguments)] // reason: one segment's fields, kept flat on the hot path
    fn buffer(
        &mut self,
        io: &mut Io<'_, '_>,
        start: u64,
        bytes: &[u8],
        frame: u64,
        ts: Timestamp,
        truncated: bool,
        may_release: bool,
    ) {
        let end = start + bytes.len() as u64;
        let (new_bytes, pieces) = self.uncovered(start, end);
        if new_bytes == 0 {
            // A resend of bytes already held: compare, keep the first.
            self.walk(io.shared, start, bytes, frame, ts, truncated);
            io.shared.stats.retransmitted_segments += 1;
            return;
        }
        let need = new_bytes + pieces * CHUNK_OVERHEAD;
        if may_release && !self.fits(io.shared, need) {
            // Cap hit: stop waiting for the holes below what is buffered;
            // they become gaps now, which frees the buffer.
            self.release_below(io, u64::MAX);
            self.accept(io, start as i64, bytes, frame, ts, truncated, false);
            return;
        }
        self.walk(io.shared, start, bytes, frame, ts, truncated);
    }

    /// Bytes of `[start, end)` not covered by buffered chunks, and in how many
    /// pieces.
    fn uncovered(&self, start: u64, end: u64) -> (usize, usize) {
        let mut cur = start;
        let (mut bytes, mut pieces) = (0usize, 0usize);
        while cur < end {
            if let Some((&a, c)) = self.ooo.range(..=cur).next_back() {
                let b = a + c.data.len() as u64;
                if b > cur {
                    cur = b.min(end);
                    continue;
                }
            }
            let hi = self.ooo.range(cur..end).next().map_or(end, |(&a, _)| a);
            bytes += (hi - cur) as usize;
            pieces += 1;
            cur = hi;
        }
        (bytes, pieces)
    }

    /// Inserts the pieces of `[start, start+len)` that no chunk covers (as far
    /// as the caps allow; the rest is dropped and counted) and compares the
    /// covered ones.
    fn walk(
        &mut self,
        shared: &mut Shared,
        start: u64,
        bytes: &[u8],
        frame: u64,
        ts: Timestamp,
        truncated: bool,
    ) {
        let end = start + bytes.len() as u64;
        let mut cur = start;
        while cur < end {
            if let Some((&a, c)) = self.ooo.range(..=cur).next_back() {
                let b = a + c.data.len() as u64;
                if b > cur {
                    let hi = b.min(end);
                    let held = &c.data[(cur - a) as usize..(hi - a) as usize];
                    let new = &bytes[(cur - start) as usize..(hi - start) as usize];
                    count_conflicts(shared, held, new);
                    cur = hi;
                    continue;
                }
            }
            let hi = self.ooo.range(cur..end).next().map_or(end, |(&a, _)| a);
            let piece = &bytes[(cur - start) as usize..(hi - start) as usize];
            let room = self
                .room(shared)
                .saturating_sub(CHUNK_OVERHEAD)
                .min(piece.len());
            if room > 0 {
                let chunk = Chunk {
                    data: piece[..room].into(),
                    frame,
                    ts,
                    truncated: truncated && room == piece.len() && hi == end,
                };
                self.ooo_charge += chunk.charge();
                shared.ooo_total += chunk.charge();
                self.ooo.insert(cur, chunk);
            }
            shared.stats.ooo_dropped_bytes += (piece.len() - room) as u64;
            cur = hi;
        }
    }

    fn room(&self, shared: &Shared) -> usize {
        let dir = shared.per_dir_cap.saturating_sub(self.ooo_charge);
        let total = shared.total_cap.saturating_sub(shared.ooo_total);
        dir.min(total)
    }

    fn fits(&self, shared: &Shared, need: usize) -> bool {
        need <= self.room(shared)
    }

    fn pop_first(&mut self, shared: &mut Shared) -> Option<Chunk> {
        let (_, chunk) = self.ooo.pop_first()?;
        self.ooo_charge -= chunk.charge();
        shared.ooo_total -= chunk.charge();
        Some(chunk)
    }

    /// Delivers a buffered chunk that starts at or below `next`.
    fn emit_chunk(&mut self, io: &mut Io<'_, '_>, at: u64, chunk: Chunk) {
        let skip = usize::try_from(self.next.saturating_sub(at)).unwrap_or(usize::MAX);
        let Some(bytes) = chunk.data.get(skip..).filter(|b| !b.is_empty()) else {
            return;
        };
        io.data(self.next, bytes, chunk.frame, chunk.ts);
        self.next += bytes.len() as u64;
        if chunk.truncated {
            self.trunc_at = Some(self.next);
        }
    }

    /// Declares `[next, to)` missing.
    fn gap_to(&mut self, io: &mut Io<'_, '_>, to: u64, frame: u64) {
        if to > self.next {
            io.gap(self.next, to - self.next, frame);
            self.next = to;
        }
    }

    /// Delivers the chunks contiguous with `next` (and, after a truncated
    /// segment, the next chunk past the hole it leaves).
    fn drain(&mut self, io: &mut Io<'_, '_>) {
        loop {
            if io.control_only() {
                self.discard(io.shared);
                return;
            }
            let Some((&a, c)) = self.ooo.first_key_value() else {
                return;
            };
            if a > self.next {
                if self.trunc_at != Some(self.next) {
                    return;
                }
                let frame = c.frame;
                self.gap_to(io, a, frame);
            }
            if let Some(chunk) = self.pop_first(io.shared) {
                self.emit_chunk(io, a, chunk);
            }
        }
    }

    /// Gives up on the holes below `limit`: each becomes a Gap (declared at the
    /// frame of the data after it), and the chunks after them are delivered.
    fn release_below(&mut self, io: &mut Io<'_, '_>, limit: u64) {
        loop {
            if io.control_only() {
                self.discard(io.shared);
                return;
            }
            let Some((&a, c)) = self.ooo.first_key_value() else {
                return;
            };
            if a >= limit {
                return;
            }
            let frame = c.frame;
            self.gap_to(io, a, frame);
            if let Some(chunk) = self.pop_first(io.shared) {
                self.emit_chunk(io, a, chunk);
            }
        }
    }

    /// The peer acknowledged up to `ack` (RFC 9293 §3.4: cumulative). Bytes
    /// below it reached the receiver, so a hole there was dropped by the
    /// capture and will never be retransmitted: declare it now.
    pub(super) fn acked(&mut self, io: &mut Io<'_, '_>, ack: u32, frame: u64) {
        if io.control_only() {
            return;
        }
        let Some(off) = self.offset_of(ack) else {
            return;
        };
        if off <= self.next as i64 {
            return;
        }
        let mut limit = off as u64;
        if let Some(f) = self.fin.as_deref().copied() {
            // The FIN takes one sequence number (RFC 9293 §3.4), not a byte.
            limit = limit.min(f.offset);
        }
        if limit <= self.next {
            return;
        }
        self.release_below(io, limit);
        self.gap_to(io, limit, frame);
        self.drain(io);
        self.check_fin(io);
    }

    /// The connection ends: every hole becomes a gap, buffered data is
    /// delivered, and a FIN seen is emitted (a hole before it is declared at
    /// the FIN's frame).
    pub(super) fn flush(&mut self, io: &mut Io<'_, '_>) {
        self.release_below(io, u64::MAX);
        if let Some(f) = self.fin.as_deref().copied() {
            self.gap_to(io, f.offset, f.frame);
        }
        self.check_fin(io);
        self.discard(io.shared);
    }

    fn note_fin(&mut self, end: i64, frame: u64, ts: Timestamp, shared: &mut Shared) {
        if self.fin.is_some() {
            return;
        }
        // A FIN below what was delivered would contradict the stream; the
        // delivered bytes win.
        let offset = (end.max(0) as u64).max(self.next);
        self.fin = Some(Box::new(FinMark { offset, frame, ts }));
        // Chunks beyond the FIN are not part of the stream.
        let beyond = self.ooo.split_off(&offset);
        for c in beyond.values() {
            self.ooo_charge -= c.charge();
            shared.ooo_total -= c.charge();
        }
        if let Some((&a, c)) = self.ooo.last_key_value()
            && a + c.data.len() as u64 > offset
        {
            let keep = (offset - a) as usize;
            if let Some(c) = self.ooo.get_mut(&a) {
                self.ooo_charge -= c.data.len() - keep;
                shared.ooo_total -= c.data.len() - keep;
                c.data = c.data[..keep].into();
                c.truncated = false;
            }
        }
    }

    fn check_fin(&mut self, io: &mut Io<'_, '_>) {
        if let Some(f) = self.fin.as_deref().copied()
            && !self.fin_done
            && (self.next >= f.offset || io.control_only())
        {
            self.fin_done = true;
            io.emit(Event::Fin {
                offset: f.offset,
                frame: f.frame,
                ts: f.ts,
            });
        }
    }

    /// Drops every buffered chunk and returns its memory.
    pub(super) fn discard(&mut self, shared: &mut Shared) {
        if !self.ooo.is_empty() {
            self.ooo.clear();
            shared.ooo_total -= self.ooo_charge;
            self.ooo_charge = 0;
        }
    }
}

fn count_conflicts(shared: &mut Shared, held: &[u8], new: &[u8]) {
    let differ = held.iter().zip(new).filter(|(a, b)| a != b).count();
    shared.stats.overlap_conflicts += differ as u64;
}
