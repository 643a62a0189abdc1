//! The reader's own input buffer over any `Read`.
//!
//! Input: a byte stream that may return short reads (pipes, decompressors).
//! Output: a window of buffered bytes starting at the current input offset.
//! Invariants: `start <= end <= buf.len()`; `offset` is the input offset of
//! `buf[start]`; the buffer only grows to the size the caller asks for, and the
//! callers never ask for more than their record cap, so memory stays bounded by
//! the largest record, not by the file.
//! Not done here: any knowledge of capture formats.

use std::io::{self, Read};

/// Initial buffer size: big enough that a disk read moves a useful amount of
/// data at once, small enough not to matter.
const INITIAL_CAPACITY: usize = 256 * 1024;

pub(super) struct Input<R> {
    src: R,
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
            buf: vec![0; INITIAL_CAPACITY],
            start: 0,
            end: 0,
            offset: 0,
            eof: false,
        }
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
