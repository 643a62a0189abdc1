//! TCP header → [`Segment`].
//!
//! Input: an IP [`Packet`] whose payload is TCP. Output: the segment's header
//! fields and its payload, borrowed, or an [`Error`] for a cut or impossible
//! header.
//! Invariants: no allocation; every read is bounds-checked; the payload ends
//! where the IP payload ends.
//! Not done here: the checksum (offload makes it wrong in captures), options
//! (skipped by data offset), urgent data.

use super::ip::{End, Packet, short};
use super::{Error, Segment, TcpFlags};

/// Decodes the TCP header (RFC 9293 §3.1) at the start of `packet.payload`.
pub(super) fn segment(packet: Packet<'_>) -> Result<Segment<'_>, Error> {
    let data = packet.payload;
    let Some(h) = data.first_chunk::<20>() else {
        return Err(short(packet.end, "tcp", "tcp-header-length"));
    };
    // Data Offset counts 32-bit words and covers at least the 5-word fixed
    // header.
    let header_len = usize::from(h[12] >> 4) * 4;
    if header_len < 20 {
        return Err(Error::Malformed {
            layer: "tcp-data-offset",
        });
    }
    let Some(payload) = data.get(header_len..) else {
        return Err(short(packet.end, "tcp", "tcp-header-length"));
    };
    Ok(Segment {
        src: packet.src,
        dst: packet.dst,
        sport: u16::from_be_bytes([h[0], h[1]]),
        dport: u16::from_be_bytes([h[2], h[3]]),
        seq: u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
        ack: u32::from_be_bytes([h[8], h[9], h[10], h[11]]),
        flags: TcpFlags(h[13]),
        window: u16::from_be_bytes([h[14], h[15]]),
        payload,
        truncated: packet.end == End::Cut,
    })
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr};

    use super::*;

    fn packet(payload: &[u8], end: End) -> Packet<'_> {
        Packet {
            src: IpAddr::V4(Ipv4Addr::LOCALHOST),
            dst: IpAddr::V4(Ipv4Addr::LOCALHOST),
            proto: 6,
            payload,
            end,
            fragment: None,
        }
    }

    fn header(offset_words: u8) -> Vec<u8> {
        vec![
            0x01,
            0xbb,
            0xc0,
            0x00,
            0,
            0,
            0,
            1,
            0,
            0,
            0,
            2,
            offset_words << 4,
            0x18,
            0xff,
            0xff,
            0,
            0,
            0,
            0,
        ]
    }

    #[test]
    fn tcp_fields_are_read_big_endian() {
        let mut h = header(5);
        h.push(0x16);
        let s = segment(packet(&h, End::Length)).unwrap();
        assert_eq!((s.sport, s.dport, s.seq, s.ack), (443, 49152, 1, 2));
        assert_eq!((s.flags, s.window), (TcpFlags(0x18), 0xffff));
        assert_eq!((s.payload, s.truncated), (&[0x16][..], false));
    }

    #[test]
    fn tcp_options_are_skipped_by_data_offset() {
        let mut h = header(6);
        h.extend_from_slice(&[2, 4, 0x05, 0xb4, 0xaa]);
        let s = segment(packet(&h, End::Length)).unwrap();
        assert_eq!(s.payload, [0xaa]);
    }

    #[test]
    fn tcp_data_offset_below_5_is_malformed() {
        let h = header(4);
        assert_eq!(
            segment(packet(&h, End::Length)),
            Err(Error::Malformed {
                layer: "tcp-data-offset"
            })
        );
    }

    #[test]
    fn tcp_options_past_ip_length_is_malformed() {
        let h = header(15);
        assert_eq!(
            segment(packet(&h, End::Length)),
            Err(Error::Malformed {
                layer: "tcp-header-length"
            })
        );
    }

    #[test]
    fn tcp_options_past_capture_is_truncated() {
        let h = header(15);
        for end in [End::Cut, End::Capture] {
            assert_eq!(
                segment(packet(&h, end)),
                Err(Error::Truncated { layer: "tcp" })
            );
        }
    }
}
