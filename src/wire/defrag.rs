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
    pending: HashMap<Key, Pending, foldhash::fast::RandomState>,
    /// Sum of the pending buffers' capacities.
    buffered: usize,
    /// The last completed datagram's payload (segments borrow from it).
    done: Vec<u8>,
    serial: u64,
    /// Latest capture time seen with a fragment.
    now: Option<Timestamp>,
    /// No pending datagram expires before this capture time (ns), so the
    /// table is scanned only when one may have.
    next_expiry: i64,
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
            self.next_expiry = self.next_expiry.min(ts.0.saturating_add(TIMEOUT_NS));
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
        // Room for the bytes past the current buffer, evicting others. The
        // buffer grows by doubling (in-order fragments then do not copy it
        // each time), never past MAX_DATAGRAM; its capacity is what counts.
        let (len_now, cap_now) = self
            .pending
            .get(&key)
            .map_or((0, 0), |p| (p.data.len(), p.data.capacity()));
        let cap_new = if stop > cap_now {
            stop.max(cap_now.saturating_mul(2).min(MAX_DATAGRAM))
        } else {
            cap_now
        };
        while self.buffered + (cap_new - cap_now) > MAX_BUFFERED_BYTES && self.pending.len() > 1 {
            self.evict_oldest(Some(&key));
        }
        let Some(p) = self.pending.get_mut(&key) else {
            return Ok(false);
        };
        if len_now < stop {
            p.data.reserve_exact(cap_new - len_now);
            p.data.resize(stop, 0);
            self.buffered += p.data.capacity() - cap_now;
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
        if now.0 <= self.next_expiry && !self.pending.is_empty() {
            return;
        }
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
        self.next_expiry = self
            .pending
            .values()
            .map(|p| p.started.0.saturating_add(TIMEOUT_NS))
            .min()
            .unwrap_or(i64::MAX);
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

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;

    const SRC: [u8; 4] = [192, 0, 2, 1];
    const DST: [u8; 4] = [198, 51, 100, 7];

    /// A TCP segment (50000 → 443) with `n` payload bytes 0, 1, 2, …
    fn tcp(n: usize) -> Vec<u8> {
        let mut t = vec![
            0xc3, 0x50, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 2, 0x50, 0x18, 1, 0,
        ];
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend((0..n).map(|i| i as u8));
        t
    }

    /// An IPv4 fragment: identification `id`, byte offset `offset` (a
    /// multiple of 8), More Fragments `more`, protocol `proto`.
    fn v4(id: u16, offset: usize, more: bool, proto: u8, body: &[u8]) -> Vec<u8> {
        let frag = (offset / 8) as u16 | if more { 0x2000 } else { 0 };
        let mut p = vec![0x45, 0];
        p.extend_from_slice(&((20 + body.len()) as u16).to_be_bytes());
        p.extend_from_slice(&id.to_be_bytes());
        p.extend_from_slice(&frag.to_be_bytes());
        p.extend_from_slice(&[64, proto, 0, 0]);
        p.extend_from_slice(&SRC);
        p.extend_from_slice(&DST);
        p.extend_from_slice(body);
        p
    }

    /// An IPv6 packet with a Fragment header (next header `next`).
    fn v6(id: u32, offset: usize, more: bool, next: u8, body: &[u8]) -> Vec<u8> {
        let mut p = vec![0x60, 0, 0, 0];
        p.extend_from_slice(&((8 + body.len()) as u16).to_be_bytes());
        p.extend_from_slice(&[44, 64]);
        p.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        p.extend_from_slice(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        let off_m = (offset as u16) | u16::from(more);
        p.extend_from_slice(&[next, 0]);
        p.extend_from_slice(&off_m.to_be_bytes());
        p.extend_from_slice(&id.to_be_bytes());
        p.extend_from_slice(body);
        p
    }

    /// `datagram` cut into IPv4 fragments of `size` bytes (a multiple of 8).
    fn split_v4(id: u16, proto: u8, datagram: &[u8], size: usize) -> Vec<Vec<u8>> {
        datagram
            .chunks(size)
            .enumerate()
            .map(|(i, c)| {
                let more = (i + 1) * size < datagram.len();
                v4(id, i * size, more, proto, c)
            })
            .collect()
    }

    fn at(secs: i64) -> Timestamp {
        Timestamp(secs * 1_000_000_000)
    }

    /// Feeds raw IP packets at time 0; returns the payload length of each
    /// segment produced, or the error.
    fn feed(d: &mut Defrag, packets: &[Vec<u8>]) -> Vec<Result<Option<usize>, Error>> {
        packets
            .iter()
            .map(|p| {
                d.decode(LinkType::RAW, p, at(0))
                    .map(|s| s.map(|s| s.payload.len()))
            })
            .collect()
    }

    #[test]
    fn defrag_unfragmented_packet_is_segment() {
        let mut d = Defrag::new();
        let p = v4(1, 0, false, 6, &tcp(10));
        // Offset 0 and MF clear is not a fragment at all.
        let s = d.decode(LinkType::RAW, &p, at(0)).unwrap().unwrap();
        assert_eq!(s.payload.len(), 10);
        assert!(d.stats().is_empty());
    }

    #[test]
    fn defrag_ipv4_in_order_is_reassembled() {
        let mut d = Defrag::new();
        let t = tcp(3000);
        let frags = split_v4(7, 6, &t, 1480);
        assert_eq!(frags.len(), 3);
        let out = feed(&mut d, &frags);
        assert_eq!(out, vec![Ok(None), Ok(None), Ok(Some(3000))]);
        let s = d
            .decode(LinkType::RAW, &frags[0], at(0))
            .map(|s| s.is_none());
        assert_eq!(s, Ok(true), "a new datagram starts after completion");
        let st = d.stats();
        assert_eq!((st.fragments, st.reassembled), (4, 1));
        d.finish();
        assert_eq!(d.stats().incomplete_at_end, 1);
        assert_eq!((d.pending(), d.buffered_bytes()), (0, 0));
    }

    #[test]
    fn defrag_ipv4_reassembled_payload_is_exact() {
        let mut d = Defrag::new();
        let t = tcp(100);
        let frags = split_v4(9, 6, &t, 16);
        let mut last = None;
        for f in &frags {
            if let Some(s) = d.decode(LinkType::RAW, f, at(0)).unwrap() {
                last = Some((s.src, s.sport, s.dport, s.seq, s.payload.to_vec()));
            }
        }
        let want: Vec<u8> = (0..100).map(|i| i as u8).collect();
        assert_eq!(
            last,
            Some((IpAddr::V4(Ipv4Addr::from(SRC)), 50000, 443, 1, want))
        );
    }

    #[test]
    fn defrag_ipv4_out_of_order_is_reassembled() {
        let mut d = Defrag::new();
        // 3,020 bytes of TCP: four fragments, fed 4, 2, 3, 1.
        let mut frags = split_v4(7, 6, &tcp(3000), 1000);
        frags.reverse();
        frags.swap(1, 2);
        let out = feed(&mut d, &frags);
        assert_eq!(out, vec![Ok(None), Ok(None), Ok(None), Ok(Some(3000))]);
    }

    #[test]
    fn defrag_ipv6_with_extension_after_fragment_header_is_reassembled() {
        let mut d = Defrag::new();
        // A destination options header (8 bytes) is part of the fragmentable
        // part: it is walked after reassembly.
        let mut body = vec![6, 0, 1, 4, 0, 0, 0, 0];
        body.extend_from_slice(&tcp(2000));
        let frags: Vec<Vec<u8>> = body
            .chunks(1232)
            .enumerate()
            .map(|(i, c)| v6(0xdead_beef, i * 1232, (i + 1) * 1232 < body.len(), 60, c))
            .collect();
        assert_eq!(feed(&mut d, &frags), vec![Ok(None), Ok(Some(2000))]);
    }

    #[test]
    fn defrag_overlap_identical_is_duplicate() {
        let mut d = Defrag::new();
        let t = tcp(40);
        let frags = [
            v4(1, 0, true, 6, &t[..32]),
            v4(1, 16, true, 6, &t[16..48]),
            v4(1, 0, true, 6, &t[..16]),
            v4(1, 48, false, 6, &t[48..]),
        ];
        let out = feed(&mut d, &frags);
        assert_eq!(out, vec![Ok(None), Ok(None), Ok(None), Ok(Some(40))]);
        let st = d.stats();
        assert_eq!((st.duplicate_fragments, st.overlap_conflicts), (1, 0));
    }

    #[test]
    fn defrag_duplicate_fragment_is_counted() {
        let mut d = Defrag::new();
        let frags = split_v4(3, 6, &tcp(100), 64);
        let out = feed(
            &mut d,
            &[frags[0].clone(), frags[0].clone(), frags[1].clone()],
        );
        assert_eq!(out, vec![Ok(None), Ok(None), Ok(Some(100))]);
        assert_eq!(d.stats().duplicate_fragments, 1);
    }

    #[test]
    fn defrag_overlap_conflict_keeps_first_copy() {
        let mut d = Defrag::new();
        let t = tcp(40);
        let mut evil = t[16..48].to_vec();
        evil[0] ^= 0xff;
        evil[31] ^= 0xff;
        let frags = [
            v4(1, 0, true, 6, &t[..32]),
            v4(1, 16, true, 6, &evil),
            v4(1, 48, false, 6, &t[48..]),
        ];
        let out = feed(&mut d, &frags);
        assert_eq!(out[1], Err(Error::Defrag(FragmentIssue::OverlapConflict)));
        assert_eq!(out[2], Ok(Some(40)));
        // The first copy of bytes 16..32 was kept; 32..48 came only from the
        // second fragment.
        let mut d = Defrag::new();
        let _ = feed(&mut d, &frags[..2]);
        let s = d.decode(LinkType::RAW, &frags[2], at(0)).unwrap().unwrap();
        let mut want = t[20..].to_vec();
        want[47 - 20] ^= 0xff;
        assert_eq!(s.payload, want);
        assert_eq!(d.stats().overlap_conflicts, 1);
    }

    #[test]
    fn defrag_timeout_drops_pending_datagram() {
        let mut d = Defrag::new();
        let frags = split_v4(5, 6, &tcp(100), 64);
        assert_eq!(d.decode(LinkType::RAW, &frags[0], at(0)), Ok(None));
        // 31 s later the first fragment is gone: the last one starts anew.
        assert_eq!(d.decode(LinkType::RAW, &frags[1], at(31)), Ok(None));
        let st = d.stats();
        assert_eq!((st.timed_out, st.reassembled), (1, 0));
        assert_eq!(d.pending(), 1);
    }

    #[test]
    fn defrag_within_timeout_is_reassembled() {
        let mut d = Defrag::new();
        let frags = split_v4(5, 6, &tcp(100), 64);
        assert_eq!(d.decode(LinkType::RAW, &frags[0], at(0)), Ok(None));
        let s = d.decode(LinkType::RAW, &frags[1], at(30)).unwrap();
        assert_eq!(s.map(|s| s.payload.len()), Some(100));
    }

    #[test]
    fn defrag_pending_cap_evicts_oldest() {
        let mut d = Defrag::new();
        let first = split_v4(0, 6, &tcp(100), 64);
        assert_eq!(d.decode(LinkType::RAW, &first[0], at(0)), Ok(None));
        for id in 1..=MAX_PENDING as u16 {
            let f = v4(id, 0, true, 6, &[0; 8]);
            assert_eq!(d.decode(LinkType::RAW, &f, at(0)), Ok(None));
        }
        assert_eq!(d.pending(), MAX_PENDING);
        assert_eq!(d.stats().evicted, 1);
        // Datagram 0 was the oldest: its last fragment no longer completes it.
        assert_eq!(d.decode(LinkType::RAW, &first[1], at(0)), Ok(None));
    }

    #[test]
    fn defrag_byte_cap_evicts_oldest() {
        let mut d = Defrag::new();
        // Last fragments at the highest offset: each buffers ~64 KiB.
        let n = MAX_BUFFERED_BYTES / MAX_DATAGRAM + 8;
        for id in 0..n as u16 {
            let f = v4(id, 65_528, false, 6, &[1; 7]);
            assert_eq!(d.decode(LinkType::RAW, &f, at(0)), Ok(None));
            assert!(d.buffered_bytes() <= MAX_BUFFERED_BYTES);
        }
        assert!(d.stats().evicted >= 8);
        assert!(d.pending() < n);
    }

    #[test]
    fn defrag_offset_beyond_65535_is_oversize() {
        let mut d = Defrag::new();
        // Offset 8191 × 8 = 65,528 plus 16 bytes ends at 65,544.
        let f = v4(1, 65_528, false, 6, &[0; 16]);
        assert_eq!(
            d.decode(LinkType::RAW, &f, at(0)),
            Err(Error::Defrag(FragmentIssue::Oversize))
        );
        assert_eq!((d.pending(), d.stats().invalid_fragments), (0, 1));
        // Ending exactly at 65,535 is allowed.
        let f = v4(1, 65_528, false, 6, &[0; 7]);
        assert_eq!(d.decode(LinkType::RAW, &f, at(0)), Ok(None));
    }

    #[test]
    fn defrag_zero_length_more_fragment_is_empty() {
        let mut d = Defrag::new();
        let f = v4(1, 8, true, 6, &[]);
        assert_eq!(
            d.decode(LinkType::RAW, &f, at(0)),
            Err(Error::Defrag(FragmentIssue::Empty))
        );
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn defrag_zero_length_last_fragment_completes() {
        let mut d = Defrag::new();
        let t = tcp(12);
        let out = feed(&mut d, &[v4(1, 0, true, 6, &t), v4(1, 32, false, 6, &[])]);
        assert_eq!(out, vec![Ok(None), Ok(Some(12))]);
    }

    #[test]
    fn defrag_misaligned_more_fragment_is_dropped() {
        let mut d = Defrag::new();
        let f = v4(1, 0, true, 6, &tcp(5));
        assert_eq!(
            d.decode(LinkType::RAW, &f, at(0)),
            Err(Error::Defrag(FragmentIssue::Misaligned))
        );
    }

    #[test]
    fn defrag_two_different_ends_drop_datagram() {
        let mut d = Defrag::new();
        let out = feed(
            &mut d,
            &[
                v4(1, 64, false, 6, &[0; 10]),
                v4(1, 64, false, 6, &[0; 20]),
                v4(1, 0, true, 6, &tcp(44)),
            ],
        );
        assert_eq!(out[1], Err(Error::Defrag(FragmentIssue::Inconsistent)));
        assert_eq!(out[2], Ok(None));
        assert_eq!(d.stats().inconsistent_datagrams, 1);
    }

    #[test]
    fn defrag_data_past_last_fragment_drops_datagram() {
        let mut d = Defrag::new();
        let out = feed(
            &mut d,
            &[v4(1, 0, false, 6, &[]), v4(1, 8, true, 6, &[0; 8])],
        );
        // Offset 0 with MF clear is not a fragment: decoded (and cut) alone.
        assert!(out[0].is_err());
        let out = feed(
            &mut d,
            &[v4(2, 16, false, 6, &[0; 8]), v4(2, 24, true, 6, &[0; 8])],
        );
        assert_eq!(out[1], Err(Error::Defrag(FragmentIssue::Inconsistent)));
    }

    #[test]
    fn defrag_snaplen_cut_fragment_is_dropped() {
        let mut d = Defrag::new();
        let f = v4(1, 0, true, 6, &tcp(44));
        assert_eq!(
            d.decode(LinkType::RAW, &f[..f.len() - 4], at(0)),
            Err(Error::Defrag(FragmentIssue::Truncated))
        );
    }

    #[test]
    fn defrag_too_many_holes_drops_datagram() {
        let mut d = Defrag::new();
        let mut last = Ok(None);
        for i in 0..=MAX_RANGES {
            last = d
                .decode(LinkType::RAW, &v4(1, i * 16, true, 6, &[0; 8]), at(0))
                .map(|s| s.map(|s| s.payload.len()));
        }
        assert_eq!(last, Err(Error::Defrag(FragmentIssue::TooManyHoles)));
        assert_eq!((d.pending(), d.buffered_bytes()), (0, 0));
    }

    #[test]
    fn defrag_fragmented_gre_packet_is_reassembled_to_inner_segment() {
        let mut d = Defrag::new();
        let inner = v4(0, 0, false, 6, &tcp(2000));
        let mut gre = vec![0, 0, 0x08, 0x00];
        gre.extend_from_slice(&inner);
        let frags = split_v4(77, 47, &gre, 1024);
        let out = feed(&mut d, &frags);
        assert_eq!(out, vec![Ok(None), Ok(Some(2000))]);
    }

    #[test]
    fn defrag_fragments_inside_tunnel_are_reassembled() {
        let mut d = Defrag::new();
        let frags: Vec<Vec<u8>> = split_v4(8, 6, &tcp(100), 64)
            .into_iter()
            .map(|f| {
                let mut outer = v4(0, 0, false, 4, &f);
                outer[12] = 10;
                outer
            })
            .collect();
        assert_eq!(feed(&mut d, &frags), vec![Ok(None), Ok(Some(100))]);
    }

    #[test]
    fn defrag_fragment_inside_reassembled_datagram_is_nested() {
        let mut d = Defrag::new();
        let inner = v4(3, 0, true, 6, &tcp(12));
        let frags = split_v4(4, 4, &inner, 24);
        let out = feed(&mut d, &frags);
        assert_eq!(out.last(), Some(&Err(Error::Defrag(FragmentIssue::Nested))));
    }

    #[test]
    fn defrag_different_ids_do_not_mix() {
        let mut d = Defrag::new();
        let a = split_v4(1, 6, &tcp(100), 64);
        let b = split_v4(2, 6, &tcp(50), 64);
        let out = feed(
            &mut d,
            &[a[0].clone(), b[0].clone(), a[1].clone(), b[1].clone()],
        );
        assert_eq!(out, vec![Ok(None), Ok(None), Ok(Some(100)), Ok(Some(50))]);
    }

    /// xorshift64.
    fn next(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn defrag_random_fragments_never_panic_and_stay_bounded() {
        let mut rng = 0xfeed_f00d_1234_5678;
        let mut d = Defrag::new();
        for i in 0..5_000i64 {
            let id = (next(&mut rng) % 2000) as u16;
            let offset = (next(&mut rng) % 8192) as usize * 8;
            let len = (next(&mut rng) % 1500) as usize;
            let more = !next(&mut rng).is_multiple_of(4);
            let body = vec![next(&mut rng) as u8; len];
            let f = v4(id, offset, more, 6, &body);
            let _ = d.decode(LinkType::RAW, &f, Timestamp(i * 1_000_000));
            assert!(d.buffered_bytes() <= MAX_BUFFERED_BYTES);
            assert!(d.pending() <= MAX_PENDING);
        }
        // All but the rare offset 0 without MF (not a fragment).
        assert!(d.stats().fragments > 4_950);
    }
}
