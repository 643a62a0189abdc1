//! Compressed uploads: gzip and zip, streamed, never extracted to disk.
//!
//! Input: any byte stream. Output: a [`Source`] — the stream itself when it is
//! not compressed, a gzip decoder (several members allowed, RFC 1952 §2.2), or
//! a [`ZipStream`] that walks the archive's entries one after the other
//! through their local headers (APPNOTE.TXT 6.3 §4.3.7), decompressing each
//! (stored or deflate) while it is read.
//! Invariants: memory is one read buffer and one inflate window; decompressed
//! output is bounded by a ratio to the compressed input read so far (see
//! [`Limits`]), so a decompression bomb stops with an error instead of running
//! for hours; nothing is written to disk.
//! Not done here: reading captures (`capture::Reader` reads the output);
//! encrypted, bzip2/LZMA/zstd/deflate64 zip entries and nested zip archives
//! are reported as skipped with what to do; a zip's central directory is not
//! read (it sits at the end of the file — streaming reads the local headers,
//! which every zip writer emits).

use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};

use flate2::{Decompress, FlushDecompress, Status};

/// Bounds on decompression.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest accepted ratio of decompressed to compressed bytes read so far.
    pub ratio: u64,
    /// Output always allowed before the ratio applies.
    pub slack: u64,
}

impl Default for Limits {
    /// Packet captures compress 2–20× (repetitive synthetic traffic up to
    /// ~100×); deflate's own ceiling is ~1032×, approached only by degenerate
    /// input such as decompression bombs. 250× after the first 64 MiB leaves
    /// real captures alone and stops a bomb within a few hundred MB.
    fn default() -> Self {
        Limits {
            ratio: 250,
            slack: 64 * 1024 * 1024,
        }
    }
}
/// Bytes sniffed before deciding (enough to name a Message Analyzer package
/// from its first zip entry name).
const PEEK: usize = 512;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b]; // RFC 1952 §2.3.1
const ZIP_LOCAL: u32 = 0x0403_4b50; // APPNOTE 4.3.7
const ZIP_CENTRAL: u32 = 0x0201_4b50; // APPNOTE 4.3.12
const ZIP_END: u32 = 0x0605_4b50; // APPNOTE 4.3.16
const ZIP_DESCRIPTOR: u32 = 0x0807_4b50; // APPNOTE 4.3.9.3
const ZIP64_EXTRA: u16 = 0x0001; // APPNOTE 4.5.3

/// The stream with the sniffed bytes put back in front.
pub type Peeked<R> = Chain<Cursor<Vec<u8>>, R>;

/// A gzip decoder over the sniffed stream, with its ratio guard.
pub type Gunzip<R> = Guarded<flate2::bufread::MultiGzDecoder<BufReader<Counted<Peeked<R>>>>>;

/// What an input turned out to be.
pub enum Source<R: Read> {
    /// Not compressed: the bytes as they came.
    Plain(Peeked<R>),
    /// gzip: the decompressed bytes.
    Gzip(Box<Gunzip<R>>),
    /// zip: its entries, one after the other.
    Zip(Box<ZipStream<Peeked<R>>>),
}

/// Sniffs `src` and wraps it in the decoder it needs, with default limits.
pub fn open<R: Read>(src: R) -> io::Result<Source<R>> {
    open_with(src, Limits::default())
}

/// [`open`] with explicit limits.
pub fn open_with<R: Read>(mut src: R, limits: Limits) -> io::Result<Source<R>> {
    let mut head = Vec::with_capacity(PEEK);
    (&mut src).take(PEEK as u64).read_to_end(&mut head)?;
    let gzip = head.starts_with(&GZIP_MAGIC);
    let zip = head.get(..4) == Some(&ZIP_LOCAL.to_le_bytes()[..]) && !is_matp(&head);
    let peeked = Cursor::new(head).chain(src);
    Ok(if gzip {
        let counted = Counted::new(peeked);
        let input = counted.count.clone();
        let dec = flate2::bufread::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, counted));
        Source::Gzip(Box::new(Guarded::new(dec, input, limits)))
    } else if zip {
        Source::Zip(Box::new(ZipStream::new(peeked, limits)))
    } else {
        Source::Plain(peeked)
    })
}

/// Whether these first bytes start a gzip stream or a zip archive (a
/// Message Analyzer package included: [`open`] tells it apart).
pub fn is_compressed(head: &[u8]) -> bool {
    head.starts_with(&GZIP_MAGIC) || head.get(..4) == Some(&ZIP_LOCAL.to_le_bytes()[..])
}

/// Message Analyzer `.matp` packages are zip files too; they are refused by
/// the capture reader, not opened as archives. Their members are named by GUID.
fn is_matp(head: &[u8]) -> bool {
    let len = le16(head, 26).unwrap_or(0) as usize;
    let name = head.get(30..30 + len).unwrap_or_default();
    name.windows(3).any(|w| w == b".mm")
        || name.get(..36).is_some_and(|g| {
            g.iter().enumerate().all(|(i, &c)| match i {
                8 | 13 | 18 | 23 => c == b'-',
                _ => c.is_ascii_hexdigit(),
            })
        })
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le64(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// A shared byte counter (atomic only so that a decompressing reader can
/// move to the pipeline's reading thread; one thread uses it at a time).
pub type Counter = std::sync::Arc<std::sync::atomic::AtomicU64>;

/// A reader that counts the bytes it delivers.
pub struct Counted<R> {
    inner: R,
    count: Counter,
}

impl<R> Counted<R> {
    fn new(inner: R) -> Self {
        Counted {
            inner,
            count: Counter::default(),
        }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

impl Limits {
    fn exceeded(&self, out: u64, input: u64) -> Option<io::Error> {
        (out > self.slack.saturating_add(input.saturating_mul(self.ratio))).then(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "decompression stopped: {out} bytes out of {input} compressed is more than {}:1 — a decompression bomb, not a capture (decompress it yourself if you trust it)",
                    self.ratio
                ),
            )
        })
    }
}

/// A decoder whose output may not outgrow its input beyond [`Limits`].
pub struct Guarded<D> {
    dec: D,
    input: Counter,
    out: u64,
    limits: Limits,
}

impl<D> Guarded<D> {
    fn new(dec: D, input: Counter, limits: Limits) -> Self {
        Guarded {
            dec,
            input,
            out: 0,
            limits,
        }
    }
}

impl<D: Read> Read for Guarded<D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.dec.read(buf)?;
        self.out += n as u64;
        if let Some(e) = self.limits.exceeded(
            self.out,
            self.input.load(std::sync::atomic::Ordering::Relaxed),
        ) {
            return Err(e);
        }
        Ok(n)
    }
}

/// One zip entry as its local header describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Path inside the archive.
    pub name: String,
    /// Why it cannot be read (encrypted, unsupported method…); `None` when
    /// its data can be read from the stream.
    pub skip: Option<String>,
}

enum Body {
    /// Between entries.
    Idle,
    /// Stored bytes left.
    Stored(u64),
    /// Deflate in progress; `descriptor` tells whether a data descriptor
    /// follows (and whether its sizes are 64-bit).
    Deflate {
        dec: Box<Decompress>,
        done: bool,
        descriptor: Option<bool>,
        input_at_start: u64,
        out: u64,
    },
    /// The archive ended (central directory reached, or damage).
    End,
}

/// A zip archive read front to back; `Read` gives the current entry's bytes.
pub struct ZipStream<R: Read> {
    src: BufReader<Counted<R>>,
    body: Body,
    entries: u32,
    limits: Limits,
}

impl<R: Read> ZipStream<R> {
    fn new(src: R, limits: Limits) -> Self {
        ZipStream {
            src: BufReader::with_capacity(1 << 16, Counted::new(src)),
            body: Body::Idle,
            entries: 0,
            limits,
        }
    }

    /// Entries met so far.
    pub fn entries(&self) -> u32 {
        self.entries
    }

    fn consumed(&self) -> u64 {
        self.src
            .get_ref()
            .count
            .load(std::sync::atomic::Ordering::Relaxed)
            - self.src.buffer().len() as u64
    }

    /// Skips what is left of the current entry, then reads the next local
    /// header. `Ok(None)` at the central directory (the end of the entries).
    pub fn next_entry(&mut self) -> io::Result<Option<Entry>> {
        self.finish_entry()?;
        if matches!(self.body, Body::End) {
            return Ok(None);
        }
        let at = self.consumed();
        let mut fixed = [0u8; 30];
        let got = read_full(&mut self.src, &mut fixed)?;
        let sig = le32(&fixed, 0);
        if got < 4 || sig == Some(ZIP_CENTRAL) || sig == Some(ZIP_END) {
            self.body = Body::End;
            return Ok(None);
        }
        if got < 30 || sig != Some(ZIP_LOCAL) {
            self.body = Body::End;
            return Err(damaged(
                at,
                "no zip local file header where the next entry should start",
            ));
        }
        let flags = le16(&fixed, 6).unwrap_or(0);
        let method = le16(&fixed, 8).unwrap_or(0);
        let mut csize = u64::from(le32(&fixed, 18).unwrap_or(0));
        let name_len = usize::from(le16(&fixed, 26).unwrap_or(0));
        let extra_len = usize::from(le16(&fixed, 28).unwrap_or(0));
        let mut name = vec![0u8; name_len];
        let mut extra = vec![0u8; extra_len];
        if read_full(&mut self.src, &mut name)? < name_len
            || read_full(&mut self.src, &mut extra)? < extra_len
        {
            self.body = Body::End;
            return Err(damaged(at, "zip local header cut short"));
        }
        let name = String::from_utf8_lossy(&name).into_owned();
        let zip64 = zip64_sizes(&extra);
        if csize == u64::from(u32::MAX)
            && let Some((_, c)) = zip64
        {
            csize = c;
        }
        let descriptor = flags & 0x0008 != 0;
        self.entries += 1;
        let skip = if flags & 0x0001 != 0 {
            Some("encrypted: extract it with its password first".to_string())
        } else {
            match method {
                0 | 8 => None,
                9 => Some("compressed with Deflate64, which is not supported: re-zip it with plain deflate, or extract it".into()),
                12 | 14 | 93 | 95 => Some(format!("compressed with method {method} (bzip2/LZMA/zstd/xz), which is not supported: extract it first")),
                m => Some(format!("unknown compression method {m}: extract it first")),
            }
        };
        self.body = match (method, descriptor, &skip) {
            (_, _, Some(_)) if descriptor => {
                // Its size is unknown and its data cannot be decoded: the
                // next header cannot be found.
                Body::End
            }
            (_, _, Some(_)) => Body::Stored(csize),
            (0, true, None) => {
                self.body = Body::End;
                return Ok(Some(Entry {
                    name,
                    skip: Some("stored without its size (streamed zip): extract it first".into()),
                }));
            }
            (0, false, None) => Body::Stored(csize),
            _ => Body::Deflate {
                dec: Box::new(Decompress::new(false)),
                done: false,
                descriptor: descriptor.then_some(zip64.is_some()),
                input_at_start: self.consumed(),
                out: 0,
            },
        };
        Ok(Some(Entry { name, skip }))
    }

    /// Reads the current entry to its end (bounded by the ratio guard) and
    /// the data descriptor after it.
    fn finish_entry(&mut self) -> io::Result<()> {
        let mut sink = [0u8; 16 * 1024];
        loop {
            match self.body {
                Body::Idle | Body::End => return Ok(()),
                Body::Stored(0) => {
                    self.body = Body::Idle;
                    return Ok(());
                }
                Body::Stored(left) => {
                    let n = self
                        .src
                        .fill_buf()?
                        .len()
                        .min(usize::try_from(left).unwrap_or(usize::MAX));
                    if n == 0 {
                        self.body = Body::End;
                        return Ok(());
                    }
                    self.src.consume(n);
                    self.body = Body::Stored(left - n as u64);
                }
                Body::Deflate { .. } => {
                    if self.read(&mut sink)? == 0 {
                        return Ok(());
                    }
                }
            }
        }
    }

    fn read_descriptor(&mut self, zip64: bool) -> io::Result<()> {
        let buf = self.src.fill_buf()?;
        if le32(buf, 0) == Some(ZIP_DESCRIPTOR) {
            self.src.consume(4);
        }
        let mut rest = [0u8; 20];
        let want = if zip64 { 20 } else { 12 };
        read_full(&mut self.src, &mut rest[..want])?;
        Ok(())
    }
}

impl<R: Read> Read for ZipStream<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        match &mut self.body {
            Body::Idle | Body::End => Ok(0),
            Body::Stored(0) => {
                self.body = Body::Idle;
                Ok(0)
            }
            Body::Stored(left) => {
                let want = buf.len().min(usize::try_from(*left).unwrap_or(usize::MAX));
                let n = self.src.read(&mut buf[..want])?;
                if n == 0 {
                    self.body = Body::End;
                    return Err(damaged(self.consumed(), "zip entry cut short"));
                }
                *left -= n as u64;
                if *left == 0 {
                    self.body = Body::Idle;
                }
                Ok(n)
            }
            Body::Deflate { done: true, .. } => Ok(0),
            Body::Deflate { .. } => {
                let consumed_before = self.consumed();
                let input = self.src.fill_buf()?;
                let eof = input.is_empty();
                let Body::Deflate {
                    dec,
                    done,
                    descriptor,
                    input_at_start,
                    out,
                } = &mut self.body
                else {
                    return Ok(0);
                };
                let (in0, out0) = (dec.total_in(), dec.total_out());
                let status = dec
                    .decompress(input, buf, FlushDecompress::None)
                    .map_err(|e| {
                        io::Error::new(io::ErrorKind::InvalidData, format!("zip entry: {e}"))
                    })?;
                let used = (dec.total_in() - in0) as usize;
                let made = (dec.total_out() - out0) as usize;
                *out += made as u64;
                let compressed = consumed_before + used as u64 - *input_at_start;
                if let Some(e) = self.limits.exceeded(*out, compressed) {
                    self.body = Body::End;
                    return Err(e);
                }
                let ended = status == Status::StreamEnd;
                if ended {
                    *done = true;
                }
                let desc = *descriptor;
                self.src.consume(used);
                if ended {
                    if let Some(zip64) = desc {
                        self.read_descriptor(zip64)?;
                    }
                    if made == 0 {
                        self.body = Body::Idle;
                    }
                } else if eof && made == 0 {
                    self.body = Body::End;
                    return Err(damaged(self.consumed(), "zip entry cut short"));
                } else if made == 0 && used == 0 {
                    // No progress without end: the next call refills.
                    return self.read(buf);
                }
                if made == 0 && ended {
                    return Ok(0);
                }
                Ok(made)
            }
        }
    }
}

/// ZIP64 extended information: (uncompressed, compressed) sizes.
fn zip64_sizes(extra: &[u8]) -> Option<(u64, u64)> {
    let mut at = 0;
    while at + 4 <= extra.len() {
        let id = le16(extra, at)?;
        let len = usize::from(le16(extra, at + 2)?);
        if id == ZIP64_EXTRA {
            return Some((
                le64(extra, at + 4).unwrap_or(0),
                le64(extra, at + 12).unwrap_or(0),
            ));
        }
        at += 4 + len;
    }
    None
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn damaged(offset: u64, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{what} (archive byte offset {offset})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::Compression;
    use flate2::write::{DeflateEncoder, GzEncoder};
    use std::io::Write;

    fn deflate(data: &[u8]) -> Vec<u8> {
        let mut e = DeflateEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    /// A zip local entry; `descriptor` writes sizes after the data instead.
    fn entry(name: &str, data: &[u8], method: u16, descriptor: bool) -> Vec<u8> {
        let body = if method == 8 {
            deflate(data)
        } else {
            data.to_vec()
        };
        let mut v = Vec::new();
        v.extend_from_slice(&ZIP_LOCAL.to_le_bytes());
        v.extend_from_slice(&20u16.to_le_bytes());
        v.extend_from_slice(&(if descriptor { 8u16 } else { 0 }).to_le_bytes());
        v.extend_from_slice(&method.to_le_bytes());
        v.extend_from_slice(&[0; 8]); // time, date, crc (not checked)
        let (cs, us) = if descriptor {
            (0u32, 0u32)
        } else {
            (body.len() as u32, data.len() as u32)
        };
        v.extend_from_slice(&cs.to_le_bytes());
        v.extend_from_slice(&us.to_le_bytes());
        v.extend_from_slice(&(name.len() as u16).to_le_bytes());
        v.extend_from_slice(&0u16.to_le_bytes());
        v.extend_from_slice(name.as_bytes());
        v.extend_from_slice(&body);
        if descriptor {
            v.extend_from_slice(&ZIP_DESCRIPTOR.to_le_bytes());
            v.extend_from_slice(&0u32.to_le_bytes());
            v.extend_from_slice(&(body.len() as u32).to_le_bytes());
            v.extend_from_slice(&(data.len() as u32).to_le_bytes());
        }
        v
    }

    fn central() -> Vec<u8> {
        let mut v = ZIP_CENTRAL.to_le_bytes().to_vec();
        v.extend_from_slice(&[0; 42]);
        v
    }

    /// Small limits so a test bomb can be small.
    const TIGHT: Limits = Limits {
        ratio: 250,
        slack: 1 << 20,
    };

    /// (name, why skipped, data or error) per entry.
    type Read1 = (String, Option<String>, Result<Vec<u8>, String>);

    fn entries(archive: Vec<u8>) -> Vec<Read1> {
        let Source::Zip(mut z) = open_with(Cursor::new(archive), TIGHT).unwrap() else {
            panic!("not a zip");
        };
        let mut out = Vec::new();
        loop {
            match z.next_entry() {
                Ok(Some(e)) => {
                    let mut data = Vec::new();
                    let r = if e.skip.is_none() {
                        z.read_to_end(&mut data)
                            .map(|_| data)
                            .map_err(|e| e.to_string())
                    } else {
                        Ok(Vec::new())
                    };
                    out.push((e.name, e.skip, r));
                }
                Ok(None) => break,
                Err(e) => {
                    out.push(("<error>".into(), None, Err(e.to_string())));
                    break;
                }
            }
        }
        out
    }

    #[test]
    fn open_plain_gives_every_byte_back() {
        let data: Vec<u8> = (0..2000u32).map(|i| i as u8).collect();
        let Source::Plain(mut p) = open(Cursor::new(data.clone())).unwrap() else {
            panic!("plain expected");
        };
        let mut back = Vec::new();
        p.read_to_end(&mut back).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn open_gzip_multi_member_decompresses_all() {
        let mut two = gzip(b"first ");
        two.extend(gzip(b"second"));
        let Source::Gzip(mut g) = open(Cursor::new(two)).unwrap() else {
            panic!("gzip expected");
        };
        let mut back = String::new();
        g.read_to_string(&mut back).unwrap();
        assert_eq!(back, "first second");
    }

    #[test]
    fn open_gzip_bomb_stops_with_error() {
        let zeros = vec![0u8; 16 * 1024 * 1024];
        let bomb = gzip(&zeros);
        assert!(bomb.len() < 64 * 1024, "{}", bomb.len());
        let Source::Gzip(mut g) = open_with(Cursor::new(bomb), TIGHT).unwrap() else {
            panic!("gzip expected");
        };
        let err = io::copy(&mut g, &mut io::sink()).unwrap_err();
        assert!(err.to_string().contains("decompression bomb"), "{err}");
    }

    #[test]
    fn zip_stored_deflate_and_descriptor_entries_all_read() {
        let mut a = entry("a.pcap", b"AAAA", 0, false);
        a.extend(entry("dir/b.pcapng", &[7u8; 5000], 8, false));
        a.extend(entry("c.pcap", b"streamed by a zip writer", 8, true));
        a.extend(central());
        let got = entries(a);
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0], ("a.pcap".into(), None, Ok(b"AAAA".to_vec())));
        assert_eq!(got[1].2.as_ref().unwrap().len(), 5000);
        assert_eq!(got[2].2.as_deref().unwrap(), b"streamed by a zip writer");
    }

    #[test]
    fn zip_entry_left_half_read_is_skipped_to_the_next() {
        let mut a = entry("a.pcap", &[1u8; 100_000], 8, true);
        a.extend(entry("b.pcap", b"B", 0, false));
        a.extend(central());
        let Source::Zip(mut z) = open(Cursor::new(a)).unwrap() else {
            panic!()
        };
        z.next_entry().unwrap().unwrap();
        let mut ten = [0u8; 10];
        z.read_exact(&mut ten).unwrap();
        let e = z.next_entry().unwrap().unwrap();
        assert_eq!(e.name, "b.pcap");
        let mut rest = Vec::new();
        z.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, b"B");
        assert!(z.next_entry().unwrap().is_none());
    }

    #[test]
    fn zip_encrypted_and_unknown_methods_are_skipped_with_reason() {
        let mut enc = entry("secret.pcap", b"xxxx", 0, false);
        enc[6] = 1; // encrypted flag
        let mut bz = entry("b.pcap", b"yyyy", 0, false);
        bz[8] = 12; // bzip2
        let mut a = enc;
        a.extend(bz);
        a.extend(entry("ok.pcap", b"ok", 0, false));
        a.extend(central());
        let got = entries(a);
        assert!(got[0].1.as_deref().unwrap().contains("password"));
        assert!(got[1].1.as_deref().unwrap().contains("bzip2"));
        assert_eq!(got[2].2.as_deref().unwrap(), b"ok");
    }

    #[test]
    fn zip_truncated_entry_is_an_error_not_a_hang() {
        let mut a = entry("a.pcap", &[3u8; 50_000], 8, false);
        a.truncate(a.len() - 10);
        let got = entries(a);
        assert!(got.iter().any(|(_, _, r)| r.is_err()), "{got:?}");
    }

    #[test]
    fn zip_deflate_bomb_stops_with_error() {
        let mut a = entry("bomb.pcap", &vec![0u8; 16 * 1024 * 1024], 8, false);
        a.extend(central());
        let got = entries(a);
        match &got[0].2 {
            Err(e) => assert!(e.contains("decompression bomb"), "{e}"),
            Ok(d) => panic!("{} bytes decompressed", d.len()),
        }
    }

    #[test]
    fn zip_garbage_after_header_is_damage() {
        let mut a = entry("a.pcap", b"A", 0, false);
        a.extend_from_slice(b"garbage garbage garbage garbage!!");
        let got = entries(a);
        assert_eq!(got[0].2.as_deref().unwrap(), b"A");
        assert!(
            got[1]
                .2
                .as_ref()
                .unwrap_err()
                .contains("no zip local file header")
        );
    }

    #[test]
    fn open_matp_package_stays_plain_for_the_capture_reader_to_refuse() {
        let a = entry(
            "6b3e7d2a-0000-4000-8000-0123456789ab.mmindex",
            b"x",
            0,
            false,
        );
        assert!(matches!(open(Cursor::new(a)).unwrap(), Source::Plain(_)));
    }
}
