//! Record headers and the stream-offset → frame map.
//!
//! Input: header bytes; `(offset, len, frame, ts)` spans of delivered data.
//! Output: validated [`Header`]s; the frames that carried a byte range.
//! Invariants: the frame map holds at most [`MAX_SPANS`] spans (the oldest are
//! dropped first, so a huge message may list fewer frames than carried it).
//! Not done here: deciding what a record means (see `codec.rs`).

use std::collections::VecDeque;

use super::enums::Version;
use crate::capture::Timestamp;

/// Record header length: type u8, version u16, length u16 (RFC 5246 §6.2.1).
pub(crate) const HEADER_LEN: usize = 5;
/// Largest legal record body: TLSCiphertext may carry 2^14 + 2048 bytes
/// (RFC 5246 §6.2.3); TLS 1.3 allows less (RFC 8446 §5.2).
pub(crate) const MAX_RECORD_LEN: usize = (1 << 14) + 2048;

/// ContentType values (RFC 8446 §5.1, RFC 6520 for heartbeat, RFC 9146 for tls12_cid).
pub(crate) const CT_CHANGE_CIPHER_SPEC: u8 = 20;
pub(crate) const CT_ALERT: u8 = 21;
pub(crate) const CT_HANDSHAKE: u8 = 22;
pub(crate) const CT_APPLICATION_DATA: u8 = 23;
const CT_TLS12_CID: u8 = 25;

/// Cap on frame spans remembered per direction.
pub(crate) const MAX_SPANS: usize = 4096;

/// A record header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) content_type: u8,
    pub(crate) version: Version,
    pub(crate) len: usize,
}

impl Header {
    /// Reads a header; `None` unless `b` has 5 bytes.
    pub(crate) fn read(b: &[u8]) -> Option<Header> {
        match *b.get(..HEADER_LEN)? {
            [t, v0, v1, l0, l1] => Some(Header {
                content_type: t,
                version: Version(u16::from_be_bytes([v0, v1])),
                len: usize::from(u16::from_be_bytes([l0, l1])),
            }),
            _ => None,
        }
    }

    /// Acceptable while framing: a known content type (heartbeat 24 and
    /// tls12_cid 25 tolerated), version major 3, legal length.
    pub(crate) fn valid(&self) -> bool {
        (CT_CHANGE_CIPHER_SPEC..=CT_TLS12_CID).contains(&self.content_type)
            && self.version.0 >> 8 == 3
            && self.len <= MAX_RECORD_LEN
    }

    /// Stricter test used to find a record boundary after a gap: types 20–24,
    /// versions SSL 3.0 to TLS 1.3.
    pub(crate) fn plausible(&self) -> bool {
        (CT_CHANGE_CIPHER_SPEC..=24).contains(&self.content_type)
            && (0x0300..=0x0304).contains(&self.version.0)
            && self.len <= MAX_RECORD_LEN
    }
}

/// Where to resume after a gap, searching `buf` (which starts at a stream
/// position where a record might begin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resync {
    /// A record boundary at this index, validated by the next header (or by
    /// the end of the stream).
    At(usize),
    /// The candidate at this index needs more bytes to be validated; earlier
    /// bytes can be dropped.
    Wait(usize),
    /// No candidate: all of `buf` except the last 4 bytes can be dropped.
    None,
}

/// Finds the first plausible record boundary in `buf`. A candidate counts
/// when the header after its record is plausible too; at the end of the
/// stream a candidate whose record ends exactly at, or runs past, the end of
/// `buf` is accepted.
pub(crate) fn find_boundary(buf: &[u8], at_end: bool) -> Resync {
    for i in 0..buf.len() {
        let Some(h) = buf.get(i..).and_then(Header::read) else {
            // Fewer than 5 bytes left: they may start a header.
            return if at_end {
                Resync::None
            } else {
                Resync::Wait(i)
            };
        };
        if !h.plausible() {
            continue;
        }
        let next = i + HEADER_LEN + h.len;
        match buf.get(next..).map(Header::read) {
            Some(Some(n)) if n.plausible() => return Resync::At(i),
            Some(Some(_)) => continue,
            _ if at_end => return Resync::At(i),
            _ => return Resync::Wait(i),
        }
    }
    Resync::None
}

/// One delivered data span.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: u64,
    end: u64,
    frame: u64,
    ts: Timestamp,
}

/// Maps stream offsets of one direction to the frames that carried them.
#[derive(Debug, Default)]
pub(crate) struct FrameMap {
    spans: VecDeque<Span>,
}

impl FrameMap {
    /// Remembers that `frame` carried `[start, end)`.
    pub(crate) fn push(&mut self, start: u64, end: u64, frame: u64, ts: Timestamp) {
        if let Some(last) = self.spans.back_mut()
            && last.frame == frame
            && last.end == start
        {
            last.end = end;
            return;
        }
        if self.spans.len() >= MAX_SPANS {
            self.spans.pop_front();
        }
        self.spans.push_back(Span {
            start,
            end,
            frame,
            ts,
        });
    }

    /// Forgets spans that end at or before `offset`.
    pub(crate) fn prune(&mut self, offset: u64) {
        while self.spans.front().is_some_and(|s| s.end <= offset) {
            self.spans.pop_front();
        }
    }

    /// The frames (sorted, unique) that carried bytes of `[start, end)`, and
    /// the time of the last of them.
    pub(crate) fn frames(&self, start: u64, end: u64) -> (Vec<u64>, Option<Timestamp>) {
        let mut frames = Vec::new();
        let mut ts: Option<(u64, Timestamp)> = None;
        for s in &self.spans {
            if s.end > start && s.start < end.max(start + 1) {
                frames.push(s.frame);
                if ts.is_none_or(|(f, _)| s.frame >= f) {
                    ts = Some((s.frame, s.ts));
                }
            }
        }
        frames.sort_unstable();
        frames.dedup();
        (frames, ts.map(|(_, t)| t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_read_short_none() {
        assert_eq!(Header::read(&[22, 3, 1, 0]), None);
    }

    #[test]
    fn header_valid_bad_version_rejected() {
        let h = Header::read(&[22, 4, 1, 0, 5]).unwrap_or(Header {
            content_type: 0,
            version: Version(0),
            len: 0,
        });
        assert!(!h.valid());
    }

    #[test]
    fn find_boundary_garbage_then_two_records_found() {
        let mut b = vec![0xde, 0xad, 0x17];
        b.extend_from_slice(&[23, 3, 3, 0, 2, 9, 9, 23, 3, 3, 0, 1, 7]);
        assert_eq!(find_boundary(&b, false), Resync::At(3));
    }

    #[test]
    fn find_boundary_single_candidate_waits_until_end() {
        let b = [0u8, 23, 3, 3, 0, 2, 9, 9];
        assert_eq!(find_boundary(&b, false), Resync::Wait(1));
        assert_eq!(find_boundary(&b, true), Resync::At(1));
    }

    #[test]
    fn frame_map_range_lists_all_carrying_frames() {
        let mut m = FrameMap::default();
        m.push(0, 10, 1, Timestamp(1));
        m.push(10, 20, 2, Timestamp(2));
        m.push(20, 30, 3, Timestamp(3));
        assert_eq!(m.frames(5, 25), (vec![1, 2, 3], Some(Timestamp(3))));
        m.prune(10);
        assert_eq!(m.frames(0, 30).0, vec![2, 3]);
    }
}
