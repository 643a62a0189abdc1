//! The reader's own input buffer over any `Read`.
//!
//! Input: a byte stream that may return short reads (pipes, decompressors).
//! Output: a window of buffered bytes starting at the current input offset.
//! Invariants: `start <= end <= buf.len()`; `offset` is the input offset of
//! `buf[start]`; the buffer only grows to the size the caller asks for, and the
//! callers never ask for more than their record cap, so memory stays bounded by
//! the largest record, not by the file.
//! A source opened as seekable (NetMon keeps its frame table at the end) can
//! also be repositioned: [`Input::seek_to`] moves within the buffer when it can
//! and drops the buffer otherwise; offsets stay those of the source.
//! Not done here: any knowledge of capture formats.

use std::io::{self, Read, Seek, SeekFrom};

/// Initial buffer size: big enough that a disk read moves a useful amount of
/// data at once, small enough not to matter.
const INITIAL_CAPACITY: usize = 256 * 1024;

/// How a seekable source is repositioned. A plain function pointer, chosen
/// where `R: Seek` is known, lets `Input<R: Read>` seek without carrying the
/// `Seek` bound (and without boxing the source).
type SeekFn<R> = fn(&mut R, SeekFrom) -> io::Result<u64>;

pub(super) struct Input<R> {
    src: R,
    /// `Some` when the source was opened as seekable.
    seek: Option<SeekFn<R>>,
    /// Source position of input offset 0 (where the capture starts).
    base: u64,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    offset: u64,
    eof: bool,
}

impl<R: Read> Input<R> {
    pub(super) fn new(src: R) -> Self {
        Input {
            src,
            seek: None,
            base: 0,
            buf: vec![0; INITIAL_CAPACITY],
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
        }
    }

    /// Whether [`Input::seek_to`] and [`Input::len`] can work.
    pub(super) fn seekable(&self) -> bool {
        self.seek.is_some()
    }

    /// Moves to input offset `pos`. Within the buffered window this only
    /// consumes; elsewhere the source is repositioned and the buffer dropped.
    /// On an input that is not seekable, fails with `Unsupported`.
    pub(super) fn seek_to(&mut self, pos: u64) -> io::Result<()> {
        let buffered = (self.end - self.start) as u64;
        if pos >= self.offset && pos - self.offset <= buffered {
            // `pos - offset <= buffered`, a usize.
            self.consume(usize::try_from(pos - self.offset).unwrap_or(usize::MAX));
            return Ok(());
        }
        let seek = self.seek.ok_or_else(not_seekable)?;
        let target = self
            .base
            .checked_add(pos)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "offset overflow"))?;
        seek(&mut self.src, SeekFrom::Start(target))?;
        self.start = 0;
        self.end = 0;
        self.offset = pos;
        self.eof = false;
        Ok(())
    }

    /// Length of the input in bytes (from its start), leaving the read
    /// position where it was.
    pub(super) fn len(&mut self) -> io::Result<u64> {
        let seek = self.seek.ok_or_else(not_seekable)?;
        let here = self.base + self.offset + (self.end - self.start) as u64;
        let end = seek(&mut self.src, SeekFrom::End(0))?;
        seek(&mut self.src, SeekFrom::Start(here))?;
        Ok(end.saturating_sub(self.base))
    }

    /// Makes at least `n` bytes available if the input has them; returns how
    /// many are available (fewer than `n` only at end of input).
    pub(super) fn fill(&mut self, n: usize) -> io::Result<usize> {
        if self.end - self.start >= n || self.eof {
            return Ok(self.end - self.start);
        }
        // Room for `n` bytes from `start`? If not (or if more than half the
        // buffer is already consumed), move the unread tail to the front; grow
        // only when the record itself is larger than the buffer.
        if self.buf.len() - self.start < n || self.start > self.buf.len() / 2 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if self.buf.len() < n {
                let grown = n.max(self.buf.len().saturating_mul(2));
                self.buf.resize(grown, 0);
            }
        }
        while self.end - self.start < n {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k.min(self.buf.len() - self.end),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start)
    }

    /// The buffered, unconsumed bytes.
    pub(super) fn data(&self) -> &[u8] {
        &self.buf[self.start..self.end]
    }

    /// Drops `n` bytes (at most what is buffered) from the front.
    pub(super) fn consume(&mut self, n: usize) {
        let n = n.min(self.end - self.start);
        self.start += n;
        self.offset += n as u64;
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        }
    }

    /// Input offset of the first unconsumed byte.
    pub(super) fn offset(&self) -> u64 {
        self.offset
    }
}

impl<R: Read + Seek> Input<R> {
    /// An input that can seek; offset 0 is the source's current position.
    pub(super) fn new_seekable(mut src: R) -> io::Result<Self> {
        let base = src.stream_position()?;
        let mut input = Input::new(src);
        input.seek = Some(<R as Seek>::seek);
        input.base = base;
        Ok(input)
    }
}

fn not_seekable() -> io::Error {
    io::Error::new(io::ErrorKind::Unsupported, "input is not seekable")
}
