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
//! The buffer can be shared ([`Input::shared`]): a consumer that keeps a
//! reference to it (the pipeline's reading thread hands frames on without
//! copying them) freezes its bytes, and the next read goes on in another
//! buffer — one whose references have all been dropped, or a new one — after
//! moving the unread tail there. Unshared, nothing changes.
//! Not done here: any knowledge of capture formats.

use std::io::{self, Read, Seek, SeekFrom};
use std::sync::Arc;

/// Initial buffer size: big enough that a disk read moves a useful amount of
/// data at once, small enough not to matter.
const INITIAL_CAPACITY: usize = 256 * 1024;

/// Buffers kept for reuse once their consumers drop them.
const MAX_SPARES: usize = 4;

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
    buf: Arc<Vec<u8>>,
    /// Buffers handed out earlier, reused when no longer shared.
    spares: Vec<Arc<Vec<u8>>>,
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
            buf: Arc::new(vec![0; INITIAL_CAPACITY]),
            spares: Vec::new(),
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
        if Arc::get_mut(&mut self.buf).is_none() {
            self.rotate();
        }
        // Not shared (any more): never a copy.
        let buf = Arc::make_mut(&mut self.buf);
        if buf.len() - self.start < n || self.start > buf.len() / 2 {
            buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            if buf.len() < n {
                let grown = n.max(buf.len().saturating_mul(2));
                buf.resize(grown, 0);
            }
        }
        while self.end - self.start < n {
            match self.src.read(&mut buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(k) => self.end += k.min(buf.len() - self.end),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.end - self.start)
    }

    /// The buffer is shared: go on in one nobody else holds, with the
    /// unread bytes moved to its start.
    fn rotate(&mut self) {
        let tail = self.end - self.start;
        let mut next = match self
            .spares
            .iter()
            .position(|s| Arc::strong_count(s) == 1 && Arc::weak_count(s) == 0)
        {
            Some(i) => self.spares.swap_remove(i),
            None => Arc::new(vec![0; self.buf.len()]),
        };
        let fresh = Arc::make_mut(&mut next);
        if fresh.len() < self.buf.len() {
            fresh.resize(self.buf.len(), 0);
        }
        fresh[..tail].copy_from_slice(&self.buf[self.start..self.end]);
        let old = std::mem::replace(&mut self.buf, next);
        if self.spares.len() < MAX_SPARES {
            self.spares.push(old);
        }
        self.start = 0;
        self.end = tail;
    }

    /// The buffer [`Input::data`] lies in, to hold on to: while held, its
    /// bytes do not change (see the module docs).
    pub(super) fn shared(&self) -> &Arc<Vec<u8>> {
        &self.buf
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
