//! Bounded IPv4 and IPv6 reassembly.
//!
//! Input: frames, one at a time with their capture time, through
//! [`Defrag::decode`]. Frames that are not fragments decode exactly as with
//! [`super::decode`]; a fragment (IPv4 MF/offset, RFC 791 §3.2; IPv6 Fragment
//! header, RFC 8200 §4.5), at any tunnel depth, is stored under (source,
//! destination, protocol, identification).
//! Output: for the fragment that completes a datagram, the datagram decoded
//! further (through any tunnel it carries) to the TCP [`Segment`] inside,
//! borrowed from the defragmenter's buffer until the next call; `Ok(None)`
//! for a fragment stored (or not TCP); an [`Error`] for a fragment dropped or
//! whose overlap differed ([`FragmentIssue`]). The caller reports a
//! reassembled segment under the current frame's number, the one that
//! completed it, as Wireshark shows reassembled data at the last fragment.
//! [`Defrag::stats`] counts every fragment, datagram and drop.
//!
//! Invariants: never panics; memory is bounded by [`MAX_PENDING`] datagrams
//! and [`MAX_BUFFERED_BYTES`] (plus one completed datagram of at most
//! [`MAX_DATAGRAM`] bytes, and at most [`MAX_RANGES`] received ranges per
//! datagram); the oldest pending datagram is evicted to make room, so a flood
//! of incomplete datagrams cannot starve later ones. Overlapping bytes: the
//! first copy wins (as in the TCP reassembler); a later copy that differs is
//! counted and reported. Pending datagrams expire [`TIMEOUT_NS`] of capture
//! time after their first fragment.
//!
//! Not done here: RFC 5722's "discard the whole IPv6 datagram on overlap"
//! (first-wins keeps the evidence instead); jumbograms (RFC 2675) and
//! datagrams past 65,535 payload bytes; a fragment inside a reassembled
//! datagram (a fragmented inner packet of a fragmented tunnel packet:
//! reported as `ip-fragment-nested`); keying on the outer tunnel or VLAN
//! (two tunnels carrying the same inner addresses and IDs at the same time
//! would mix); checksums; IPv4 options of the first fragment (dropped: only
//! the payload is reassembled).

use std::collections::HashMap;
use std::net::IpAddr;

use super::encap::{self, Layer, Outcome};
use super::ip::{self, End, Packet};
use super::{Error, Segment, link};
use crate::capture::{LinkType, Timestamp};

/// Largest reassembled payload: the IPv4 Total Length and IPv6 Payload
/// Length fields are 16 bits (RFC 791 §3.1, RFC 8200 §3); a fragment
/// reaching past it (offset up to 8191 × 8 plus its length) is an attack or
/// garbage (the "ping of death"). Jumbograms (RFC 2675) cannot be fragmented.
pub const MAX_DATAGRAM: usize = 65_535;
/// Datagrams awaiting fragments at once. Fragmentation is rare in TLS
/// traffic (TCP uses path MTU discovery); a thousand concurrent datagrams is
/// far past any legitimate capture and what Linux keeps by default per
/// memory budget (`ipfrag_high_thresh` 4 MiB at ~1–2 KiB per fragment).
pub const MAX_PENDING: usize = 1024;
/// Payload bytes buffered across all pending datagrams: 64 full-size
/// datagrams, Linux's default `ipfrag_high_thresh`.
pub const MAX_BUFFERED_BYTES: usize = 4 * 1024 * 1024;
/// Capture time a datagram may wait for its missing fragments. RFC 791 §3.2
/// suggests a reassembly timer of 15 s as a lower bound that a host raises
/// to the TTL it sees; RFC 8200 §4.5 says 60 s. Linux uses 30 s
/// (`ipfrag_time`), between the two.
pub const TIMEOUT_NS: i64 = 30 * 1_000_000_000;
/// Disjoint received ranges kept per datagram (holes between out-of-order
/// fragments). In-order fragments merge into one range; 64 holes is beyond
/// any real reordering and keeps the bookkeeping small.
pub const MAX_RANGES: usize = 64;

/// Why a fragment was dropped or flagged. Reported as `ip-fragment-<kind>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FragmentIssue {
    /// Offset plus length beyond [`MAX_DATAGRAM`]: dropped.
    Oversize,
    /// A fragment with More Fragments set whose length is not a multiple of
    /// 8 (RFC 791 §3.2, RFC 8200 §4.5): dropped.
    Misaligned,
    /// A fragment with More Fragments set and no data: dropped.
    Empty,
    /// Cut by the snap length: its bytes are unknown, dropped.
    Truncated,
    /// Fragments disagree on where the datagram ends (two different last
    /// fragments, or data past the last one): the datagram is dropped.
    Inconsistent,
    /// More than [`MAX_RANGES`] holes: the datagram is dropped.
    TooManyHoles,
    /// Overlapping bytes that differ from the first copy, which was kept.
    OverlapConflict,
    /// A fragment inside a reassembled datagram: not reassembled.
    Nested,
}

impl FragmentIssue {
    /// A stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            FragmentIssue::Oversize => "oversize",
            FragmentIssue::Misaligned => "misaligned",
            FragmentIssue::Empty => "empty",
            FragmentIssue::Truncated => "truncated",
            FragmentIssue::Inconsistent => "inconsistent",
            FragmentIssue::TooManyHoles => "too-many-holes",
            FragmentIssue::OverlapConflict => "overlap-conflict",
            FragmentIssue::Nested => "nested",
        }
    }
}

/// Reassembly counters for the summary: every drop is counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct DefragStats {
    /// Fragments seen.
    pub fragments: u64,
    /// Datagrams reassembled.
    pub reassembled: u64,
    /// Fragments whose bytes had all arrived already, identical.
    pub duplicate_fragments: u64,
    /// Fragments overlapping earlier ones with different bytes (the first
    /// copy was kept).
    pub overlap_conflicts: u64,
    /// Fragments dropped as invalid: oversize, misaligned, empty, cut by the
    /// snap length, or nested in a reassembled datagram.
    pub invalid_fragments: u64,
    /// Datagrams dropped because their fragments disagreed on the end or
    /// left too many holes.
    pub inconsistent_datagrams: u64,
    /// Datagrams dropped after [`TIMEOUT_NS`] without completing.
    pub timed_out: u64,
    /// Datagrams evicted to respect [`MAX_PENDING`] or [`MAX_BUFFERED_BYTES`].
    pub evicted: u64,
    /// Datagrams still incomplete at the end of the capture.
    pub incomplete_at_end: u64,
}

impl DefragStats {
    /// No fragment was seen (the summary then leaves the counters out).
    pub fn is_empty(&self) -> bool {
        *self == DefragStats::default()
    }
}

/// What identifies a datagram (RFC 791 §3.2; RFC 8200 §4.5 keys on the
/// addresses and identification only; the protocol is the same for every
/// fragment of a well-formed datagram).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    id: u32,
}

/// A datagram awaiting fragments.
#[derive(Debug)]
struct Pending {
    /// Capture time of its first fragment.
    started: Timestamp,
    /// Arrival order, for evicting the oldest.
    serial: u64,
    /// Payload bytes, as long as the furthest fragment's end.
    data: Vec<u8>,
    /// Received ranges `[start, end)`, sorted, disjoint and not adjacent.
    have: Vec<(usize, usize)>,
    /// Payload length, known once the last fragment (MF clear) arrived.
    total: Option<usize>,
}

impl Pending {
    fn complete(&self) -> bool {
        self.total
            .is_some_and(|t| self.have.as_slice() == [(0, t)] || (t == 0 && self.have.is_empty()))
    }
}

/// The reassembly table. Owned by the pipeline, one per capture.
#[derive(Debug, Default)]
pub struct Defrag {
    pending: HashMap<Key, Pending>,
    /// Sum of the pending buffers' capacities.
    buffered: usize,
    /// The last completed datagram's payload (segments borrow from it).
    done: Vec<u8>,
    serial: u64,
    /// Latest capture time seen with a fragment.
    now: Option<Timestamp>,
    stats: DefragStats,
}

impl Defrag {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counters so far.
    pub fn stats(&self) -> DefragStats {
        self.stats
    }

    /// Datagrams pending now.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Payload bytes buffered now.
    pub fn buffered_bytes(&self) -> usize {
        self.buffered
    }

    /// The end of the capture: pending datagrams are counted as incomplete
    /// and dropped.
    pub fn finish(&mut self) {
        self.stats.incomplete_at_end += self.pending.len() as u64;
        self.pending.clear();
        self.buffered = 0;
    }

    /// Decodes one frame captured at `ts`, reassembling IP fragments.
    pub fn decode<'a>(
        &'a mut self,
        link: LinkType,
        data: &'a [u8],
        ts: Timestamp,
    ) -> Result<Option<Segment<'a>>, Error> {
        let Some(layer) = link::strip(link, data)? else {
            return Ok(None);
        };
        let (packet, budget) = match encap::walk(layer, encap::MAX_ENCAPSULATIONS)? {
            Outcome::Segment(s) => return Ok(Some(s)),
            Outcome::Other => return Ok(None),
            Outcome::Fragment(packet, budget) => (packet, budget),
        };
        if !self.add(&packet, ts)? {
            return Ok(None);
        }
        // `done` now holds the datagram's payload: decode it as the payload
        // of an unfragmented packet with the same addresses.
        let (src, dst, proto) = (packet.src, packet.dst, packet.proto);
        let payload = self.done.as_slice();
        let inner = match src {
            // The IPv6 headers after the Fragment header are fragmentable:
            // walk them now.
            IpAddr::V6(_) => match ip::ipv6_chain(src, dst, proto, payload, End::Length)? {
                Some(p) => p,
                None => return Ok(None),
            },
            IpAddr::V4(_) => Packet {
                src,
                dst,
                proto,
                payload,
                end: End::Length,
                fragment: None,
            },
        };
        match encap::walk(Layer::Ip(inner), budget)? {
            Outcome::Segment(s) => Ok(Some(s)),
            Outcome::Other => Ok(None),
            Outcome::Fragment(..) => {
                self.stats.invalid_fragments += 1;
                Err(Error::Defrag(FragmentIssue::Nested))
            }
        }
    }

    /// Stores one fragment; `Ok(true)` when it completed its datagram, whose
    /// payload is then in `self.done`.
    fn add(&mut self, packet: &Packet<'_>, ts: Timestamp) -> Result<bool, Error> {
        let Some(frag) = packet.fragment else {
            return Ok(false);
        };
        self.stats.fragments += 1;
        self.expire(ts);
        let invalid = |stats: &mut DefragStats, issue| {
            stats.invalid_fragments += 1;
            Err(Error::Defrag(issue))
        };
        if packet.end == End::Cut {
            return invalid(&mut self.stats, FragmentIssue::Truncated);
        }
        let len = packet.payload.len();
        let start = frag.offset;
        let stop = start + len;
        if stop > MAX_DATAGRAM {
            return invalid(&mut self.stats, FragmentIssue::Oversize);
        }
        if frag.more && len == 0 {
            return invalid(&mut self.stats, FragmentIssue::Empty);
        }
        if frag.more && !len.is_multiple_of(8) {
            return invalid(&mut self.stats, FragmentIssue::Misaligned);
        }
        let key = Key {
            src: packet.src,
            dst: packet.dst,
            proto: packet.proto,
            id: frag.id,
        };
        if !self.pending.contains_key(&key) {
            while self.pending.len() >= MAX_PENDING {
                self.evict_oldest(None);
            }
            self.serial += 1;
            self.pending.insert(
                key,
                Pending {
                    started: ts,
                    serial: self.serial,
                    data: Vec::new(),
                    have: Vec::new(),
                    total: None,
                },
            );
        }
        // Where the datagram ends must agree across fragments.
        let consistent = match self.pending.get_mut(&key) {
            Some(p) if !frag.more => {
                let ok = p.total.is_none_or(|t| t == stop)
                    && p.have.last().is_none_or(|&(_, end)| end <= stop);
                p.total = Some(stop);
                ok
            }
            Some(p) => p.total.is_none_or(|t| stop <= t),
            None => false,
        };
        if !consistent {
            self.drop_datagram(&key);
            self.stats.inconsistent_datagrams += 1;
            return Err(Error::Defrag(FragmentIssue::Inconsistent));
        }
        // Room for the bytes past the current buffer, evicting others.
        let grow = self
            .pending
            .get(&key)
            .map_or(0, |p| stop.saturating_sub(p.data.capacity()));
        while self.buffered + grow > MAX_BUFFERED_BYTES && self.pending.len() > 1 {
            self.evict_oldest(Some(&key));
        }
        let Some(p) = self.pending.get_mut(&key) else {
            return Ok(false);
        };
        if p.data.len() < stop {
            let before = p.data.capacity();
            // Amortized growth: in-order fragments do not copy the buffer
            // each time; the capacity is what is counted.
            p.data.reserve(stop - p.data.len());
            p.data.resize(stop, 0);
            self.buffered += p.data.capacity() - before;
        }
        let (conflict, duplicate) = merge(p, start, packet.payload);
        let holes = p.have.len();
        let complete = p.complete();
        if duplicate {
            self.stats.duplicate_fragments += 1;
        }
        if conflict {
            self.stats.overlap_conflicts += 1;
        }
        if holes > MAX_RANGES {
            self.drop_datagram(&key);
            self.stats.inconsistent_datagrams += 1;
            return Err(Error::Defrag(FragmentIssue::TooManyHoles));
        }
        if complete {
            if let Some(mut p) = self.pending.remove(&key) {
                self.buffered -= p.data.capacity();
                std::mem::swap(&mut self.done, &mut p.data);
            }
            self.stats.reassembled += 1;
            return Ok(true);
        }
        if conflict {
            return Err(Error::Defrag(FragmentIssue::OverlapConflict));
        }
        Ok(false)
    }

    /// Drops the datagrams older than [`TIMEOUT_NS`] at `ts` (capture time
    /// only moves forward here: a frame stamped earlier expires nothing).
    fn expire(&mut self, ts: Timestamp) {
        let now = self.now.map_or(ts, |n| n.max(ts));
        self.now = Some(now);
        let before = self.pending.len();
        let mut freed = 0;
        self.pending.retain(|_, p| {
            let live = now.0.saturating_sub(p.started.0) <= TIMEOUT_NS;
            if !live {
                freed += p.data.capacity();
            }
            live
        });
        self.buffered -= freed;
        self.stats.timed_out += (before - self.pending.len()) as u64;
    }

    /// Evicts the oldest pending datagram other than `keep`.
    fn evict_oldest(&mut self, keep: Option<&Key>) {
        let oldest = self
            .pending
            .iter()
            .filter(|(k, _)| Some(*k) != keep)
            .min_by_key(|(_, p)| p.serial)
            .map(|(k, _)| *k);
        if let Some(k) = oldest {
            self.drop_datagram(&k);
            self.stats.evicted += 1;
        }
    }

    fn drop_datagram(&mut self, key: &Key) {
        if let Some(p) = self.pending.remove(key) {
            self.buffered -= p.data.capacity();
        }
    }
}

/// Copies `bytes` at `start` into the parts of `p.data` not received yet,
/// compares the parts already received, and records the range. Returns
/// (some overlapping byte differed, every byte had been received already).
fn merge(p: &mut Pending, start: usize, bytes: &[u8]) -> (bool, bool) {
    let stop = start + bytes.len();
    let mut conflict = false;
    let mut covered = 0;
    let mut at = start;
    for &(a, b) in &p.have {
        if b <= at || a >= stop {
            continue;
        }
        // New bytes before this range, then the overlap with it.
        if a > at {
            copy(&mut p.data, at, a, start, bytes);
        }
        let (lo, hi) = (a.max(at), b.min(stop));
        if p.data.get(lo..hi) != bytes.get(lo - start..hi - start) {
            conflict = true;
        }
        covered += hi - lo;
        at = hi;
    }
    if at < stop {
        copy(&mut p.data, at, stop, start, bytes);
    }
    // Record [start, stop), merging with every range it touches.
    let (mut lo, mut hi) = (start, stop);
    p.have.retain(|&(a, b)| {
        if b < lo || a > hi {
            true
        } else {
            lo = lo.min(a);
            hi = hi.max(b);
            false
        }
    });
    if hi > lo {
        let at = p.have.partition_point(|&(a, _)| a < lo);
        p.have.insert(at, (lo, hi));
    }
    (conflict, covered == bytes.len() && !bytes.is_empty())
}

/// `data[from..to] = bytes[from - start..to - start]`, when in bounds.
fn copy(data: &mut [u8], from: usize, to: usize, start: usize, bytes: &[u8]) {
    if let (Some(dst), Some(src)) = (data.get_mut(from..to), bytes.get(from - start..to - start)) {
        dst.copy_from_slice(src);
    }
}
