//! pcapng files, per draft-ietf-opsawg-pcapng.
//!
//! Input: the reader's buffer positioned at the first Section Header Block.
//! Output: packet records (EPB, SPB, obsolete Packet Block) located in that
//! buffer ([`Record`]), one per call; other blocks are consumed on the way.
//! Invariants: byte order is per section (from the SHB byte-order magic); each
//! SHB starts a new, empty interface table; timestamps are computed here per
//! interface (`if_tsresol` decimal or binary, signed `if_tsoffset`) in i128 and
//! saturated to i64 nanoseconds; no block longer than [`MAX_BLOCK_LEN`] is
//! ever buffered.
//! Decisions: a packet block naming an interface the section has not declared
//! is [`Error::Corrupt`] (as Wireshark refuses it too); a systemd Journal
//! Export Block takes a frame number without being returned, because Wireshark
//! numbers it as a frame. A Simple Packet Block carries no timestamp (§4.4):
//! its frame gets `Timestamp(0)`.
//! Not done here: options other than `if_tsresol`/`if_tsoffset` (flags, hashes,
//! comments), name resolution, interface statistics, and the contents of
//! Decryption Secrets Blocks (only noted).

use std::io::Read;

use super::{Endian, Input, LinkType, MAX_RECORD_LEN, Notes, Record, Timestamp, corrupt, io_error};
use crate::Error;

/// Section Header Block type, a palindrome so that it reads the same in both
/// byte orders (draft-ietf-opsawg-pcapng §4.1).
pub(super) const SHB_TYPE_BYTES: [u8; 4] = [0x0a, 0x0d, 0x0d, 0x0a];
const SHB: u32 = 0x0a0d_0d0a;
/// Byte-order magic of the SHB (§4.1).
const BYTE_ORDER_MAGIC: u32 = 0x1a2b_3c4d;
/// Interface Description Block (§4.2).
const IDB: u32 = 1;
/// Obsolete Packet Block (Appendix: "Packet Block (obsolete!)").
const OPB: u32 = 2;
/// Simple Packet Block (§4.4).
const SPB: u32 = 3;
/// Name Resolution Block (§4.5).
const NRB: u32 = 4;
/// Interface Statistics Block (§4.6).
const ISB: u32 = 5;
/// Enhanced Packet Block (§4.3).
const EPB: u32 = 6;
/// systemd Journal Export Block (§4.7).
const SJE: u32 = 9;
/// Decryption Secrets Block (§4.8); secrets type for a TLS key log ("TLSK").
const DSB: u32 = 10;
const DSB_TLS_KEY_LOG: u32 = 0x544c_534b;
/// Custom Blocks, copyable or not (§4.9).
const CUSTOM: u32 = 0x0000_0bad;
const CUSTOM_NO_COPY: u32 = 0x4000_0bad;

/// Block header (type, total length) and trailer (total length) (§3.1).
const BLOCK_OVERHEAD: usize = 12;
/// Largest block accepted: the largest packet plus generous room for options.
pub(super) const MAX_BLOCK_LEN: usize = MAX_RECORD_LEN + 64 * 1024;

/// Interface options used here (§4.2).
const OPT_ENDOFOPT: u16 = 0;
const IF_TSRESOL: u16 = 9;
const IF_TSOFFSET: u16 = 14;

/// Units of the timestamps of one interface (§4.2, `if_tsresol`): the MSB
/// selects a power of 2, otherwise a power of 10; the rest is the exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resolution {
    Decimal(u8),
    Binary(u8),
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    link: LinkType,
    snaplen: u32,
    resolution: Resolution,
    /// Seconds added to every timestamp (§4.2, `if_tsoffset`, signed).
    offset_secs: i64,
}

impl Interface {
    /// Timestamp in ns since the epoch, from the 64-bit count of units.
    fn timestamp(&self, units: u64) -> Timestamp {
        const NS: i128 = 1_000_000_000;
        let t = i128::from(units);
        let ns = match self.resolution {
            Resolution::Decimal(n) if n <= 9 => t * 10i128.pow(9 - u32::from(n)),
            // Finer than 1 ns; 10^39 and up exceed i128, and every count is 0 ns then.
            Resolution::Decimal(n) => 10i128.checked_pow(u32::from(n) - 9).map_or(0, |d| t / d),
            // t < 2^64, so t·10^9 < 2^94: no overflow; the shift is at most 127.
            Resolution::Binary(n) => (t * NS) >> n,
        };
        let ns = ns.saturating_add(i128::from(self.offset_secs) * NS);
        Timestamp(i64::try_from(ns).unwrap_or(if ns < 0 { i64::MIN } else { i64::MAX }))
    }
}

/// The state of a pcapng file: the current section's byte order and interfaces.
pub(super) struct Pcapng {
    endian: Endian,
    interfaces: Vec<Interface>,
    sections: u64,
}

impl Pcapng {
    /// Reads and consumes the first Section Header Block; the block type has
    /// been checked.
    pub(super) fn open<R: Read>(input: &mut Input<R>, notes: &mut Notes) -> Result<Pcapng, Error> {
        let mut p = Pcapng {
            endian: Endian::Little,
            interfaces: Vec::new(),
            sections: 0,
        };
        let Some(total) = p.block(input, 1)? else {
            return Err(corrupt(0, 1, "empty pcapng file"));
        };
        p.section(input, total, notes, 1)?;
        Ok(p)
    }

    pub(super) fn sections(&self) -> u64 {
        self.sections
    }

    /// Locates the next packet record; `Ok(None)` at a clean end of input.
    pub(super) fn next_record<R: Read>(
        &mut self,
        input: &mut Input<R>,
        notes: &mut Notes,
        frames: &mut u64,
    ) -> Result<Option<Record>, Error> {
        loop {
            let number = *frames + 1;
            let offset = input.offset();
            let Some(total) = self.block(input, number)? else {
                return Ok(None);
            };
            let e = self.endian;
            let btype = e.u32(input.data(), 0).unwrap_or(0);
            match btype {
                SHB => {
                    self.section(input, total, notes, number)?;
                    continue;
                }
                IDB => self.interface(input.data(), total, notes, offset, number)?,
                EPB | OPB | SPB => {
                    let rec = self.packet(btype, input.data(), total, offset, number)?;
                    *frames = number;
                    return Ok(Some(rec));
                }
                NRB | ISB => {}
                SJE => {
                    // Wireshark shows each journal entry as a frame: keep the
                    // numbering in step.
                    *frames = number;
                    notes.add(
                        "pcapng systemd Journal Export Block skipped (it takes a frame number)",
                    );
                }
                DSB => {
                    if e.u32(input.data(), 8) == Some(DSB_TLS_KEY_LOG) {
                        notes
                            .add("pcapng Decryption Secrets Block: this file carries TLS key logs");
                    } else {
                        notes.add("pcapng Decryption Secrets Block (not TLS) skipped");
                    }
                }
                CUSTOM | CUSTOM_NO_COPY => notes.add("pcapng Custom Block skipped"),
                other => notes.add(&format!("unknown pcapng block type 0x{other:08x} skipped")),
            }
            input.consume(total);
        }
    }

    /// Buffers the whole block at the front of `input` and checks its framing
    /// (§3.1): total length a multiple of 4, at least 12, at most the cap,
    /// repeated at the end. Returns its total length, or `None` at a clean end.
    /// An SHB switches the byte order first, since its length is written in
    /// the new section's order.
    fn block<R: Read>(
        &mut self,
        input: &mut Input<R>,
        number: u64,
    ) -> Result<Option<usize>, Error> {
        let offset = input.offset();
        let bad = |what: String| corrupt(offset, number, what);
        let n = input.fill(8).map_err(io_error)?;
        if n == 0 {
            return Ok(None);
        }
        if n < 8 {
            return Err(bad(format!("truncated block header: {n} of 8 bytes")));
        }
        if input.data().get(..4) == Some(&SHB_TYPE_BYTES[..]) {
            let n = input.fill(12).map_err(io_error)?;
            let d = input.data();
            self.endian = match Endian::Little.u32(d, 8) {
                Some(BYTE_ORDER_MAGIC) => Endian::Little,
                Some(m) if m.swap_bytes() == BYTE_ORDER_MAGIC => Endian::Big,
                Some(m) => {
                    return Err(bad(format!(
                        "Section Header Block has a bad byte-order magic 0x{m:08x}"
                    )));
                }
                None => {
                    return Err(bad(format!(
                        "truncated Section Header Block: {n} of 12 bytes"
                    )));
                }
            };
        }
        let e = self.endian;
        let total = e.u32(input.data(), 4).unwrap_or(0);
        let total_usize = total as usize;
        if total_usize < BLOCK_OVERHEAD || !total.is_multiple_of(4) {
            return Err(bad(format!(
                "block total length {total} is invalid (not a multiple of 4, or under 12)"
            )));
        }
        if total_usize > MAX_BLOCK_LEN {
            return Err(bad(format!(
                "block total length {total} exceeds the {MAX_BLOCK_LEN}-byte limit"
            )));
        }
        let n = input.fill(total_usize).map_err(io_error)?;
        if n < total_usize {
            return Err(bad(format!("truncated block: {n} of {total} bytes")));
        }
        let trailer = e.u32(input.data(), total_usize - 4).unwrap_or(0);
        if trailer != total {
            return Err(bad(format!(
                "block trailing length {trailer} differs from its leading length {total}"
            )));
        }
        Ok(Some(total_usize))
    }

    /// A Section Header Block (§4.1): checks the version, starts a new
    /// interface table, consumes the block.
    fn section<R: Read>(
        &mut self,
        input: &mut Input<R>,
        total: usize,
        notes: &mut Notes,
        number: u64,
    ) -> Result<(), Error> {
        let offset = input.offset();
        let d = input.data().get(..total).unwrap_or_default();
        // §4.1: type, length, byte-order magic, version, section length, trailer.
        let (Some(major), Some(minor), true) =
            (self.endian.u16(d, 12), self.endian.u16(d, 14), total >= 28)
        else {
            return Err(corrupt(offset, number, "Section Header Block too short"));
        };
        // §4.1: a reader must not read a section whose major version it does
        // not know; 1.2 is the one in use, 1.0 exists in old files.
        if major != 1 {
            return Err(corrupt(
                offset,
                number,
                format!("unsupported pcapng version {major}.{minor}"),
            ));
        }
        self.sections += 1;
        if self.sections > 1 {
            notes.add("pcapng file has more than one section");
        }
        self.interfaces.clear();
        input.consume(total);
        Ok(())
    }

    /// An Interface Description Block (§4.2): link type, snaplen, and the
    /// timestamp options.
    fn interface(
        &mut self,
        d: &[u8],
        total: usize,
        notes: &mut Notes,
        offset: u64,
        number: u64,
    ) -> Result<(), Error> {
        let e = self.endian;
        let body = d.get(8..total - 4).unwrap_or_default();
        let (Some(link), Some(snaplen)) = (e.u16(body, 0), e.u32(body, 4)) else {
            return Err(corrupt(
                offset,
                number,
                "Interface Description Block too short",
            ));
        };
        let mut iface = Interface {
            link: LinkType(link),
            snaplen,
            resolution: Resolution::Decimal(6),
            offset_secs: 0,
        };
        let mut at = 8;
        while at < body.len() {
            let (Some(code), Some(len)) = (e.u16(body, at), e.u16(body, at + 2)) else {
                notes.add("malformed pcapng interface options ignored");
                break;
            };
            let len = usize::from(len);
            let Some(value) = body.get(at + 4..at + 4 + len) else {
                notes.add("malformed pcapng interface options ignored");
                break;
            };
            match (code, value) {
                (OPT_ENDOFOPT, _) => break,
                (IF_TSRESOL, [r, ..]) => {
                    iface.resolution = if r & 0x80 != 0 {
                        Resolution::Binary(r & 0x7f)
                    } else {
                        Resolution::Decimal(*r)
                    };
                }
                // Written in the section's byte order (pcap-parser assumes LE).
                (IF_TSOFFSET, _) if len == 8 => {
                    iface.offset_secs = e.u64(value, 0).unwrap_or(0) as i64;
                }
                _ => {}
            }
            // Option values are padded to 32 bits (§3.5).
            at += 4 + len.next_multiple_of(4);
        }
        self.interfaces.push(iface);
        Ok(())
    }

    /// A packet block: EPB (§4.3), SPB (§4.4) or the obsolete Packet Block.
    fn packet(
        &self,
        btype: u32,
        d: &[u8],
        total: usize,
        offset: u64,
        number: u64,
    ) -> Result<Record, Error> {
        let e = self.endian;
        let bad = |what: String| corrupt(offset, number, what);
        let body = d.get(8..total - 4).unwrap_or_default();
        let field = |at| e.u32(body, at).unwrap_or(0);
        let iface = |id: u32| {
            self.interfaces.get(id as usize).ok_or_else(|| {
                bad(format!(
                    "packet block refers to interface {id}, but the section declares {}",
                    self.interfaces.len()
                ))
            })
        };
        let (iface, ts, data_at, caplen, orig_len) = match btype {
            SPB => {
                // §4.4: interface 0, no timestamp; the captured length is what
                // fits, bounded by the original length and the snaplen.
                if body.len() < 4 {
                    return Err(bad("Simple Packet Block too short".into()));
                }
                let iface = iface(0)?;
                let orig_len = field(0);
                let mut caplen = (orig_len as usize).min(body.len() - 4);
                if iface.snaplen != 0 {
                    caplen = caplen.min(iface.snaplen as usize);
                }
                (iface, Timestamp(0), 4, caplen, orig_len)
            }
            _ => {
                if body.len() < 20 {
                    return Err(bad("packet block too short".into()));
                }
                let id = if btype == OPB {
                    u32::from(e.u16(body, 0).unwrap_or(0))
                } else {
                    field(0)
                };
                let iface = iface(id)?;
                let units = (u64::from(field(4)) << 32) | u64::from(field(8));
                let caplen = field(12);
                if caplen as usize > body.len() - 20 {
                    return Err(bad(format!(
                        "captured length {caplen} exceeds the block ({} bytes of data)",
                        body.len() - 20
                    )));
                }
                (
                    iface,
                    iface.timestamp(units),
                    20,
                    caplen as usize,
                    field(16),
                )
            }
        };
        Ok(Record {
            data_at: 8 + data_at,
            data_len: caplen,
            total,
            ts,
            link: iface.link,
            orig_len,
            offset,
            process: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Frame, Reader};
    use super::*;

    fn w16(e: Endian, v: u16) -> [u8; 2] {
        match e {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }

    fn w32(e: Endian, v: u32) -> [u8; 4] {
        match e {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }

    fn w64(e: Endian, v: u64) -> [u8; 8] {
        match e {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }

    /// One block with its body padded to 32 bits (§3.1).
    fn block(e: Endian, btype: u32, body: &[u8]) -> Vec<u8> {
        let padded = body.len().next_multiple_of(4);
        let total = (12 + padded) as u32;
        let mut b = Vec::new();
        b.extend_from_slice(&w32(e, btype));
        b.extend_from_slice(&w32(e, total));
        b.extend_from_slice(body);
        b.resize(8 + padded, 0);
        b.extend_from_slice(&w32(e, total));
        b
    }

    fn shb(e: Endian) -> Vec<u8> {
        let mut body = w32(e, BYTE_ORDER_MAGIC).to_vec();
        body.extend_from_slice(&w16(e, 1));
        body.extend_from_slice(&w16(e, 0));
        body.extend_from_slice(&w64(e, u64::MAX));
        block(e, SHB, &body)
    }

    fn idb(e: Endian, link: u16, snaplen: u32, options: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut body = w16(e, link).to_vec();
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(&w32(e, snaplen));
        for (code, value) in options {
            body.extend_from_slice(&w16(e, *code));
            body.extend_from_slice(&w16(e, value.len() as u16));
            body.extend_from_slice(value);
            body.resize(body.len().next_multiple_of(4), 0);
        }
        if !options.is_empty() {
            body.extend_from_slice(&[0; 4]);
        }
        block(e, IDB, &body)
    }

    fn epb(e: Endian, if_id: u32, units: u64, data: &[u8], orig_len: u32) -> Vec<u8> {
        let mut body = w32(e, if_id).to_vec();
        body.extend_from_slice(&w32(e, (units >> 32) as u32));
        body.extend_from_slice(&w32(e, units as u32));
        body.extend_from_slice(&w32(e, data.len() as u32));
        body.extend_from_slice(&w32(e, orig_len));
        body.extend_from_slice(data);
        block(e, EPB, &body)
    }

    fn opb(e: Endian, if_id: u16, units: u64, data: &[u8], orig_len: u32) -> Vec<u8> {
        let mut body = w16(e, if_id).to_vec();
        body.extend_from_slice(&w16(e, 7));
        body.extend_from_slice(&w32(e, (units >> 32) as u32));
        body.extend_from_slice(&w32(e, units as u32));
        body.extend_from_slice(&w32(e, data.len() as u32));
        body.extend_from_slice(&w32(e, orig_len));
        body.extend_from_slice(data);
        block(e, OPB, &body)
    }

    fn spb(e: Endian, orig_len: u32, data: &[u8]) -> Vec<u8> {
        let mut body = w32(e, orig_len).to_vec();
        body.extend_from_slice(data);
        block(e, SPB, &body)
    }

    type Owned = crate::capture::OwnedFrame;

    fn own(f: Frame<'_>) -> Owned {
        Owned::from(f)
    }

    fn read_from<R: Read>(src: R) -> Result<(Vec<Owned>, Option<Error>), Error> {
        let mut r = Reader::open(src)?;
        let mut out = Vec::new();
        loop {
            match r.next_frame() {
                Ok(Some(f)) => out.push(own(f)),
                Ok(None) => return Ok((out, None)),
                Err(e) => {
                    assert!(r.next_frame().expect("after an error").is_none());
                    return Ok((out, Some(e)));
                }
            }
        }
    }

    fn read_all(bytes: &[u8]) -> (Vec<Owned>, Option<Error>) {
        read_from(bytes).expect("opens")
    }

    fn cat(parts: &[Vec<u8>]) -> Vec<u8> {
        parts.concat()
    }

    const LE: Endian = Endian::Little;
    const BE: Endian = Endian::Big;

    #[test]
    fn pcapng_epb_default_resolution_is_microseconds() {
        let b = cat(&[
            shb(LE),
            idb(LE, 1, 0, &[]),
            epb(LE, 0, 1_500_000, b"hello", 99),
        ]);
        let (frames, err) = read_all(&b);
        assert!(err.is_none());
        assert_eq!(
            frames,
            vec![Owned {
                number: 1,
                ts: 1_500_000_000,
                link: 1,
                data: b"hello".to_vec(),
                orig_len: 99,
                offset: 28 + 20,
                process: None,
            }]
        );
    }

    #[test]
    fn pcapng_two_sections_different_endianness_reset_interfaces() {
        let b = cat(&[
            shb(LE),
            idb(LE, 1, 0, &[]),
            epb(LE, 0, 1, b"le", 2),
            shb(BE),
            idb(BE, 101, 0, &[]),
            epb(BE, 0, 2, b"be", 2),
        ]);
        let mut r = Reader::open(&b[..]).expect("opens");
        assert_eq!(r.format(), Format::Pcapng);
        let f1 = own(r.next_frame().expect("ok").expect("frame 1"));
        let f2 = own(r.next_frame().expect("ok").expect("frame 2"));
        assert!(r.next_frame().expect("ok").is_none());
        assert_eq!((f1.link, f1.data.as_slice(), f1.ts), (1, &b"le"[..], 1_000));
        assert_eq!(
            (f2.link, f2.data.as_slice(), f2.ts),
            (101, &b"be"[..], 2_000)
        );
        assert_eq!(f2.number, 2);
        assert_eq!(r.sections(), 2);
        assert_eq!(r.link_types(), &[LinkType(1), LinkType(101)]);
        assert_eq!(r.bytes_read(), b.len() as u64);
    }

    #[test]
    fn pcapng_second_section_without_idb_is_corrupt() {
        let b = cat(&[
            shb(LE),
            idb(LE, 1, 0, &[]),
            epb(LE, 0, 1, b"le", 2),
            shb(BE),
            epb(BE, 0, 2, b"be", 2),
        ]);
        let (frames, err) = read_all(&b);
        assert_eq!(frames.len(), 1);
        let offset = (28 + 20 + 36 + 28) as u64;
        assert!(
            matches!(err, Some(Error::Corrupt { offset: o, frame: 2, .. }) if o == offset),
            "{err:?}"
        );
    }

    #[test]
    fn pcapng_two_interfaces_keep_their_link_types() {
        let b = cat(&[
            shb(LE),
            idb(LE, 1, 0, &[]),
            idb(LE, 276, 0, &[]),
            epb(LE, 1, 0, b"sll2", 4),
            epb(LE, 0, 0, b"eth", 3),
        ]);
        let (frames, _) = read_all(&b);
        let links: Vec<u16> = frames.iter().map(|f| f.link).collect();
        assert_eq!(links, vec![276, 1]);
    }

    #[test]
    fn pcapng_tsresol_decimal_nanoseconds_scales_by_one() {
        let b = cat(&[
            shb(BE),
            idb(BE, 1, 0, &[(IF_TSRESOL, vec![9])]),
            epb(BE, 0, 1_700_000_000_123_456_789, b"x", 1),
        ]);
        assert_eq!(read_all(&b).0[0].ts, 1_700_000_000_123_456_789);
    }

    #[test]
    fn pcapng_tsresol_binary_power_of_two_is_converted() {
        // 2^-20 s units: 3.5 s = 3·2^20 + 2^19.
        let b = cat(&[
            shb(LE),
            idb(LE, 1, 0, &[(IF_TSRESOL, vec![0x80 | 20])]),
            epb(LE, 0, (3 << 20) + (1 << 19), b"x", 1),
        ]);
        assert_eq!(read_all(&b).0[0].ts, 3_500_000_000);
    }

    #[test]
    fn pcapng_tsoffset_positive_and_negative_in_section_byte_order() {
        for e in [LE, BE] {
            let b = cat(&[
                shb(e),
                idb(e, 1, 0, &[(IF_TSOFFSET, w64(e, 100).to_vec())]),
                idb(e, 1, 0, &[(IF_TSOFFSET, w64(e, (-100i64) as u64).to_vec())]),
                epb(e, 0, 1_000_000, b"x", 1),
                epb(e, 1, 1_000_000, b"x", 1),
            ]);
            let ts: Vec<i64> = read_all(&b).0.iter().map(|f| f.ts).collect();
            assert_eq!(ts, vec![101_000_000_000, -99_000_000_000], "{e:?}");
        }
    }

    #[test]
    fn interface_timestamp_extreme_resolutions_saturate_without_panic() {
        let iface = |resolution, offset_secs| Interface {
            link: LinkType(1),
            snaplen: 0,
            resolution,
            offset_secs,
        };
        let max = u64::MAX;
        assert_eq!(
            iface(Resolution::Decimal(0), 0).timestamp(max),
            Timestamp(i64::MAX)
        );
        assert_eq!(
            iface(Resolution::Decimal(127), 0).timestamp(max),
            Timestamp(0)
        );
        assert_eq!(
            iface(Resolution::Decimal(12), 0).timestamp(5_000),
            Timestamp(5)
        );
        assert_eq!(
            iface(Resolution::Binary(127), 0).timestamp(max),
            Timestamp(0)
        );
        assert_eq!(
            iface(Resolution::Binary(0), i64::MIN).timestamp(0),
            Timestamp(i64::MIN)
        );
    }

    #[test]
    fn pcapng_spb_uses_interface_zero_and_its_snaplen() {
        let b = cat(&[
            shb(LE),
            idb(LE, 113, 4, &[]),
            spb(LE, 10, b"abcdefgh"),
            spb(LE, 3, b"xyz"),
        ]);
        let (frames, err) = read_all(&b);
        assert!(err.is_none());
        assert_eq!(frames[0].data, b"abcd");
        assert_eq!((frames[0].orig_len, frames[0].link), (10, 113));
        assert_eq!(frames[1].data, b"xyz");
    }

    #[test]
    fn pcapng_obsolete_packet_block_is_read() {
        let b = cat(&[
            shb(LE),
            idb(LE, 1, 0, &[]),
            idb(LE, 101, 0, &[]),
            opb(LE, 1, 2_000_000, b"old", 70),
        ]);
        let f = &read_all(&b).0[0];
        assert_eq!((f.link, f.ts, f.orig_len), (101, 2_000_000_000, 70));
        assert_eq!(f.data, b"old");
    }

    #[test]
    fn pcapng_unknown_and_secrets_blocks_are_skipped_and_noted() {
        let mut dsb = w32(LE, DSB_TLS_KEY_LOG).to_vec();
        dsb.extend_from_slice(&w32(LE, 4));
        dsb.extend_from_slice(b"CLNT");
        let b = cat(&[
            shb(LE),
            block(LE, 0x1234, b"whatever"),
            block(LE, DSB, &dsb),
            idb(LE, 1, 0, &[]),
            block(LE, ISB, &[0; 12]),
            epb(LE, 0, 0, b"x", 1),
        ]);
        let mut r = Reader::open(&b[..]).expect("opens");
        assert_eq!(r.next_frame().expect("ok").expect("frame").number, 1);
        assert!(r.next_frame().expect("ok").is_none());
        assert_eq!(
            r.notes(),
            vec![
                (
                    "unknown pcapng block type 0x00001234 skipped".to_string(),
                    1
                ),
                (
                    "pcapng Decryption Secrets Block: this file carries TLS key logs".to_string(),
                    1
                ),
            ]
        );
    }

    #[test]
    fn pcapng_journal_block_takes_a_frame_number() {
        let b = cat(&[
            shb(LE),
            idb(LE, 1, 0, &[]),
            block(LE, SJE, b"MESSAGE=x\n"),
            epb(LE, 0, 0, b"x", 1),
        ]);
        assert_eq!(read_all(&b).0[0].number, 2);
    }

    #[test]
    fn pcapng_unknown_interface_id_is_corrupt() {
        let b = cat(&[shb(LE), idb(LE, 1, 0, &[]), epb(LE, 3, 0, b"x", 1)]);
        let (frames, err) = read_all(&b);
        assert!(frames.is_empty());
        match err {
            Some(Error::Corrupt {
                offset: 48,
                frame: 1,
                what,
            }) => {
                assert!(what.contains("interface 3"), "{what}");
            }
            e => panic!("expected Corrupt, got {e:?}"),
        }
    }

    #[test]
    fn pcapng_truncated_last_block_is_corrupt_after_earlier_frames() {
        let b = cat(&[
            shb(LE),
            idb(LE, 1, 0, &[]),
            epb(LE, 0, 0, b"one", 3),
            epb(LE, 0, 0, b"two", 3),
        ]);
        let (frames, err) = read_all(&b[..b.len() - 5]);
        assert_eq!(frames.len(), 1);
        match err {
            Some(Error::Corrupt {
                offset,
                frame,
                what,
            }) => {
                assert_eq!((offset, frame), (48 + 36, 2));
                assert_eq!(what, "truncated block: 31 of 36 bytes");
            }
            e => panic!("expected Corrupt, got {e:?}"),
        }
    }

    #[test]
    fn pcapng_huge_block_length_is_corrupt_without_allocating() {
        let mut b = cat(&[shb(LE), idb(LE, 1, 0, &[]), epb(LE, 0, 0, b"one", 3)]);
        b[48 + 4..48 + 8].copy_from_slice(&0xFFFF_FFFCu32.to_le_bytes());
        let (_, err) = read_all(&b);
        assert!(
            matches!(
                err,
                Some(Error::Corrupt {
                    offset: 48,
                    frame: 1,
                    ..
                })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn pcapng_bad_block_lengths_are_corrupt() {
        let good = cat(&[shb(LE), idb(LE, 1, 0, &[]), epb(LE, 0, 0, b"one", 3)]);
        for (at, value) in [(48 + 4, 35u32), (48 + 4, 8), (good.len() - 4, 40)] {
            let mut b = good.clone();
            b[at..at + 4].copy_from_slice(&value.to_le_bytes());
            let (_, err) = read_all(&b);
            assert!(
                matches!(err, Some(Error::Corrupt { offset: 48, .. })),
                "{value}: {err:?}"
            );
        }
    }

    #[test]
    fn pcapng_epb_caplen_beyond_block_is_corrupt() {
        let mut b = cat(&[shb(LE), idb(LE, 1, 0, &[]), epb(LE, 0, 0, b"one", 3)]);
        b[48 + 20..48 + 24].copy_from_slice(&5u32.to_le_bytes());
        assert!(matches!(
            read_all(&b).1,
            Some(Error::Corrupt { offset: 48, .. })
        ));
    }

    #[test]
    fn pcapng_unsupported_version_is_corrupt_at_open() {
        let mut b = shb(LE);
        b[12] = 2;
        assert!(matches!(
            Reader::open(&b[..]),
            Err(Error::Corrupt { offset: 0, .. })
        ));
    }

    /// A `Read` that hands out one byte per call, like a slow pipe.
    struct OneByte<'a>(&'a [u8]);

    impl Read for OneByte<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), buf.first_mut()) {
                (Some((b, rest)), Some(out)) => {
                    *out = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn sample() -> Vec<u8> {
        cat(&[
            shb(LE),
            idb(LE, 1, 0, &[(IF_TSRESOL, vec![9])]),
            block(LE, 0x77, b"skip me"),
            epb(LE, 0, 5, b"first packet", 12),
            spb(LE, 6, b"simple"),
            shb(BE),
            idb(BE, 101, 0, &[(IF_TSRESOL, vec![0x80 | 10])]),
            idb(BE, 276, 0, &[]),
            opb(BE, 1, 7, b"obsolete", 8),
            epb(BE, 0, 1024, b"second section", 14),
        ])
    }

    #[test]
    fn reader_one_byte_reads_give_identical_frames() {
        let b = sample();
        let whole = read_all(&b);
        assert_eq!(whole.0.len(), 4);
        assert!(whole.1.is_none());
        let trickled = read_from(OneByte(&b)).expect("opens");
        assert_eq!(trickled.0, whole.0);
        assert!(trickled.1.is_none());
    }

    #[test]
    fn reader_one_byte_reads_give_identical_pcap_frames() {
        let mut b = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&[0xff, 0xff, 0, 0, 1, 0, 0, 0]);
        for i in 0..5u8 {
            b.extend_from_slice(&[i, 0, 0, 0, 0, 0, 0, 0, i, 0, 0, 0, i, 0, 0, 0]);
            b.extend(std::iter::repeat_n(i, usize::from(i)));
        }
        let whole = read_all(&b);
        assert_eq!(whole.0.len(), 5);
        assert_eq!(read_from(OneByte(&b)).expect("opens").0, whole.0);
    }

    #[test]
    fn reader_truncations_and_bit_flips_never_panic() {
        let b = sample();
        let exercise = |bytes: &[u8]| {
            if let Ok(mut r) = Reader::open(bytes) {
                let mut n = 0;
                while let Ok(Some(_)) = r.next_frame() {
                    n += 1;
                    assert!(n < 100, "no progress");
                }
                let _ = r.notes();
            }
        };
        for len in 0..=b.len() {
            exercise(&b[..len]);
        }
        for i in 0..b.len() * 8 {
            let mut m = b.clone();
            m[i / 8] ^= 1 << (i % 8);
            exercise(&m);
        }
        // Every byte of every header replaced by 0xFF and 0x00, too.
        for i in 0..b.len() {
            for v in [0x00, 0xFF, 0x80] {
                let mut m = b.clone();
                m[i] = v;
                exercise(&m);
            }
        }
    }
}
