//! libpcap ("legacy pcap") files, per draft-ietf-opsawg-pcap.
//!
//! Input: the reader's buffer positioned at the 24-byte file header.
//! Output: packet records located in that buffer ([`Record`]), one per call.
//! Invariants: the byte order and timestamp unit come from the magic number
//! alone; no record longer than [`MAX_RECORD_LEN`] is ever buffered.
//! Not done here: the link-type FCS bits are masked off, not interpreted; the
//! other historical variants (Nokia, IXIA, AIX) are not recognised.

use std::io::Read;

use super::{Endian, Input, LinkType, MAX_RECORD_LEN, Notes, Record, Timestamp, corrupt, io_error};
use crate::Error;

/// File header length (draft-ietf-opsawg-pcap §4).
const HEADER_LEN: usize = 24;
/// Magic for microsecond timestamps (draft-ietf-opsawg-pcap §4).
const MAGIC_MICROS: u32 = 0xa1b2_c3d4;
/// Magic for nanosecond timestamps (draft-ietf-opsawg-pcap §4).
const MAGIC_NANOS: u32 = 0xa1b2_3c4d;
/// Alexey Kuznetsov's "modified" pcap (libpcap `savefile.c`): µs timestamps,
/// 24-byte record headers carrying ifindex, protocol and packet type.
const MAGIC_MODIFIED: u32 = 0xa1b2_cd34;
/// Packet record header length (draft-ietf-opsawg-pcap §5).
const RECORD_HEADER_LEN: usize = 16;
const MODIFIED_RECORD_HEADER_LEN: usize = 24;

/// What the magic number says: byte order, nanoseconds, modified format.
fn parse_magic(head: &[u8]) -> Option<(Endian, bool, bool)> {
    // The magic is written in the writer's byte order: read it as
    // little-endian, and a byte-swapped value means a big-endian file.
    let m = Endian::Little.u32(head, 0)?;
    let (endian, m) = if [MAGIC_MICROS, MAGIC_NANOS, MAGIC_MODIFIED].contains(&m) {
        (Endian::Little, m)
    } else {
        (Endian::Big, m.swap_bytes())
    };
    match m {
        MAGIC_MICROS => Some((endian, false, false)),
        MAGIC_NANOS => Some((endian, true, false)),
        MAGIC_MODIFIED => Some((endian, false, true)),
        _ => None,
    }
}

/// True when the bytes start with a pcap magic number, either byte order.
pub(super) fn is_magic(head: &[u8]) -> bool {
    parse_magic(head).is_some()
}

/// The state of a pcap file after its header.
pub(super) struct Pcap {
    endian: Endian,
    nanos: bool,
    record_header_len: usize,
    snaplen: u32,
    link: LinkType,
}

impl Pcap {
    /// Reads and consumes the file header; the magic has been checked.
    pub(super) fn open<R: Read>(input: &mut Input<R>, notes: &mut Notes) -> Result<Pcap, Error> {
        let n = input.fill(HEADER_LEN).map_err(io_error)?;
        let h = input.data();
        let header_error = || {
            corrupt(
                0,
                1,
                format!("truncated pcap file header: {n} of {HEADER_LEN} bytes"),
            )
        };
        if n < HEADER_LEN {
            return Err(header_error());
        }
        let (endian, nanos, modified) = parse_magic(h).ok_or_else(header_error)?;
        let field = |at| endian.u32(h, at).ok_or_else(header_error);
        let major = endian.u16(h, 4).ok_or_else(header_error)?;
        let minor = endian.u16(h, 6).ok_or_else(header_error)?;
        let snaplen = field(16)?;
        let network = field(20)?;
        if (major, minor) != (2, 4) {
            notes.add("pcap file version is not 2.4");
        }
        // draft-ietf-opsawg-pcap §4: LinkType is the low 16 bits; the upper
        // bits carry reserved bits and the FCS length.
        if network >> 16 != 0 {
            notes.add("pcap link-type field has FCS/reserved bits set (masked off)");
        }
        let link = LinkType((network & 0xFFFF) as u16);
        input.consume(HEADER_LEN);
        Ok(Pcap {
            endian,
            nanos,
            record_header_len: if modified {
                MODIFIED_RECORD_HEADER_LEN
            } else {
                RECORD_HEADER_LEN
            },
            snaplen,
            link,
        })
    }

    /// Locates the next packet record; `Ok(None)` at a clean end of input.
    pub(super) fn next_record<R: Read>(
        &mut self,
        input: &mut Input<R>,
        notes: &mut Notes,
        frames: &mut u64,
    ) -> Result<Option<Record>, Error> {
        let offset = input.offset();
        let number = *frames + 1;
        let hl = self.record_header_len;
        let n = input.fill(hl).map_err(io_error)?;
        if n == 0 {
            return Ok(None);
        }
        if n < hl {
            return Err(corrupt(
                offset,
                number,
                format!("truncated record header: {n} of {hl} bytes"),
            ));
        }
        let h = input.data();
        let e = self.endian;
        let field = |at| e.u32(h, at).unwrap_or(0);
        let (ts_sec, ts_frac, caplen, orig_len) = (field(0), field(4), field(8), field(12));
        let caplen_usize = caplen as usize;
        if caplen_usize > MAX_RECORD_LEN {
            return Err(corrupt(
                offset,
                number,
                format!("record captured length {caplen} exceeds the {MAX_RECORD_LEN}-byte limit"),
            ));
        }
        // draft-ietf-opsawg-pcap §5: CapLen should not exceed SnapLen, but
        // some writers get it wrong; the data is still there, so read it.
        if self.snaplen != 0 && caplen > self.snaplen {
            notes.add("caplen larger than snaplen");
        }
        let total = hl + caplen_usize;
        let n = input.fill(total).map_err(io_error)?;
        if n < total {
            return Err(corrupt(
                offset,
                number,
                format!("truncated record: {} of {caplen} bytes", n - hl),
            ));
        }
        *frames = number;
        // Seconds are unsigned 32-bit; the fraction is in µs or ns. A fraction
        // of a second or more is kept as written (Wireshark does the same).
        let unit = if self.nanos { 1 } else { 1_000 };
        let ns = i64::from(ts_sec) * 1_000_000_000 + i64::from(ts_frac) * unit;
        Ok(Some(Record {
            data_at: hl,
            data_len: caplen_usize,
            total,
            ts: Timestamp(ns),
            link: self.link,
            orig_len,
            offset,
            process: None,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Frame, Reader};
    use super::*;

    /// A pcap file: `magic` written in `endian`, then records (ts_sec, ts_frac, data, orig_len).
    fn file(magic: u32, endian: Endian, link: u32, records: &[(u32, u32, &[u8], u32)]) -> Vec<u8> {
        let w32 = |v: u32| match endian {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        };
        let w16 = |v: u16| match endian {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        };
        let mut b = Vec::new();
        b.extend_from_slice(&w32(magic));
        b.extend_from_slice(&w16(2));
        b.extend_from_slice(&w16(4));
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&w32(65535));
        b.extend_from_slice(&w32(link));
        for (sec, frac, data, orig) in records {
            b.extend_from_slice(&w32(*sec));
            b.extend_from_slice(&w32(*frac));
            b.extend_from_slice(&w32(data.len() as u32));
            b.extend_from_slice(&w32(*orig));
            if magic == MAGIC_MODIFIED {
                b.extend_from_slice(&[0; 8]);
            }
            b.extend_from_slice(data);
        }
        b
    }

    type Owned = crate::capture::OwnedFrame;

    fn own(f: Frame<'_>) -> Owned {
        Owned::from(f)
    }

    fn read_all(bytes: &[u8]) -> (Vec<Owned>, Option<Error>) {
        let mut r = Reader::open(bytes).expect("opens");
        let mut out = Vec::new();
        loop {
            match r.next_frame() {
                Ok(Some(f)) => out.push(own(f)),
                Ok(None) => return (out, None),
                Err(e) => {
                    assert!(r.next_frame().expect("after error").is_none());
                    return (out, Some(e));
                }
            }
        }
    }

    const RECS: &[(u32, u32, &[u8], u32)] = &[(1, 2, b"abcd", 60), (3, 999_999, b"xyz", 3)];

    fn check_two_frames(bytes: &[u8], unit: i64, hl: u64) {
        let (frames, err) = read_all(bytes);
        assert!(err.is_none());
        assert_eq!(
            frames,
            vec![
                Owned {
                    number: 1,
                    ts: 1_000_000_000 + 2 * unit,
                    link: 1,
                    data: b"abcd".to_vec(),
                    orig_len: 60,
                    offset: 24,
                    process: None,
                },
                Owned {
                    number: 2,
                    ts: 3_000_000_000 + 999_999 * unit,
                    link: 1,
                    data: b"xyz".to_vec(),
                    orig_len: 3,
                    offset: 24 + hl + 4,
                    process: None,
                },
            ]
        );
    }

    #[test]
    fn pcap_micros_little_endian_reads_frames() {
        check_two_frames(&file(MAGIC_MICROS, Endian::Little, 1, RECS), 1_000, 16);
    }

    #[test]
    fn pcap_micros_big_endian_reads_frames() {
        check_two_frames(&file(MAGIC_MICROS, Endian::Big, 1, RECS), 1_000, 16);
    }

    #[test]
    fn pcap_nanos_little_endian_reads_ns() {
        check_two_frames(&file(MAGIC_NANOS, Endian::Little, 1, RECS), 1, 16);
    }

    #[test]
    fn pcap_nanos_big_endian_reads_ns() {
        check_two_frames(&file(MAGIC_NANOS, Endian::Big, 1, RECS), 1, 16);
    }

    #[test]
    fn pcap_modified_both_orders_read_24_byte_headers() {
        check_two_frames(&file(MAGIC_MODIFIED, Endian::Little, 1, RECS), 1_000, 24);
        check_two_frames(&file(MAGIC_MODIFIED, Endian::Big, 1, RECS), 1_000, 24);
    }

    #[test]
    fn pcap_linktype_upper_bits_are_masked_and_noted() {
        let b = file(MAGIC_MICROS, Endian::Little, 0x1400_0071, RECS);
        let mut r = Reader::open(&b[..]).expect("opens");
        assert_eq!(r.format(), Format::Pcap);
        assert_eq!(
            r.next_frame().expect("ok").expect("frame").link,
            LinkType(113)
        );
        assert_eq!(r.link_types(), &[LinkType(113)]);
        assert_eq!(r.notes().len(), 1);
    }

    #[test]
    fn pcap_no_records_ends_cleanly() {
        let b = file(MAGIC_MICROS, Endian::Little, 1, &[]);
        let (frames, err) = read_all(&b);
        assert!(frames.is_empty() && err.is_none());
    }

    #[test]
    fn pcap_truncated_file_header_is_corrupt() {
        let b = file(MAGIC_MICROS, Endian::Little, 1, &[]);
        match Reader::open(&b[..10]) {
            Err(Error::Corrupt {
                offset: 0,
                frame: 1,
                what,
            }) => {
                assert_eq!(what, "truncated pcap file header: 10 of 24 bytes");
            }
            _ => panic!("expected Corrupt"),
        }
    }

    #[test]
    fn pcap_truncated_last_record_is_corrupt_after_earlier_frames() {
        let b = file(MAGIC_MICROS, Endian::Little, 1, RECS);
        let (frames, err) = read_all(&b[..b.len() - 1]);
        assert_eq!(frames.len(), 1);
        match err {
            Some(Error::Corrupt {
                offset,
                frame,
                what,
            }) => {
                assert_eq!((offset, frame), (24 + 16 + 4, 2));
                assert_eq!(what, "truncated record: 2 of 3 bytes");
            }
            e => panic!("expected Corrupt, got {e:?}"),
        }
    }

    #[test]
    fn pcap_truncated_record_header_is_corrupt() {
        let b = file(MAGIC_MICROS, Endian::Little, 1, RECS);
        let (frames, err) = read_all(&b[..24 + 20 + 5]);
        assert_eq!(frames.len(), 1);
        assert!(matches!(
            err,
            Some(Error::Corrupt {
                offset: 44,
                frame: 2,
                ..
            })
        ));
    }

    #[test]
    fn pcap_huge_caplen_is_corrupt_without_allocating() {
        let mut b = file(MAGIC_MICROS, Endian::Little, 1, RECS);
        b[24 + 8..24 + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let (frames, err) = read_all(&b);
        assert!(frames.is_empty());
        match err {
            Some(Error::Corrupt {
                offset: 24,
                frame: 1,
                what,
            }) => {
                assert!(what.contains("4294967295"), "{what}");
            }
            e => panic!("expected Corrupt, got {e:?}"),
        }
    }

    #[test]
    fn pcap_caplen_over_snaplen_is_read_and_noted() {
        let mut b = file(MAGIC_MICROS, Endian::Little, 1, RECS);
        b[16..20].copy_from_slice(&2u32.to_le_bytes());
        let mut r = Reader::open(&b[..]).expect("opens");
        while r.next_frame().expect("ok").is_some() {}
        assert_eq!(r.frames(), 2);
        assert_eq!(
            r.notes(),
            vec![("caplen larger than snaplen".to_string(), 2)]
        );
        assert_eq!(r.bytes_read(), b.len() as u64);
    }
}
