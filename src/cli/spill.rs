//! A per-file output buffer for parallel runs: bytes stay in memory until
//! the file's buffer passes [`PER_FILE`] bytes, or all buffers together pass
//! the shared budget, then they move to a temporary file (removed when the
//! buffer is dropped). So memory stays bounded however large the reports of
//! the files waiting for their turn are.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// In-memory bytes one buffer may hold before it spills.
pub const PER_FILE: usize = 8 << 20;

/// The in-memory bytes of all buffers, against a common cap.
#[derive(Debug)]
pub struct Budget {
    used: AtomicUsize,
    cap: usize,
}

impl Budget {
    /// A budget of `cap` bytes over all buffers.
    pub fn new(cap: usize) -> Self {
        Budget {
            used: AtomicUsize::new(0),
            cap,
        }
    }

    /// Takes `n` bytes; false (and nothing taken) if that passes the cap.
    fn take(&self, n: usize) -> bool {
        let mut cur = self.used.load(Ordering::Relaxed);
        loop {
            let Some(next) = cur.checked_add(n).filter(|&v| v <= self.cap) else {
                return false;
            };
            match self
                .used
                .compare_exchange_weak(cur, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return true,
                Err(now) => cur = now,
            }
        }
    }

    fn give_back(&self, n: usize) {
        self.used.fetch_sub(n, Ordering::Relaxed);
    }
}

/// One file's output: memory first, a temporary file past the bounds.
pub struct Spill {
    mem: Vec<u8>,
    file: Option<BufWriter<File>>,
    /// The temporary file, once created (removed on drop).
    path: Option<PathBuf>,
    budget: Arc<Budget>,
    /// Set when the output is gone (closed pipe): writes fail from then on,
    /// which ends the analysis writing here.
    cancel: Arc<AtomicBool>,
    /// Distinguishes the temporary files of one process.
    tag: usize,
}

impl Spill {
    /// An empty buffer drawing on `budget`; `tag` names its temporary file.
    pub fn new(budget: Arc<Budget>, cancel: Arc<AtomicBool>, tag: usize) -> Self {
        Spill {
            mem: Vec::new(),
            file: None,
            path: None,
            budget,
            cancel,
            tag,
        }
    }

    /// True once the contents live in a temporary file.
    #[cfg(test)]
    fn spilled(&self) -> bool {
        self.path.is_some()
    }

    /// Moves the memory contents to a new temporary file.
    fn spill(&mut self) -> io::Result<()> {
        let dir = std::env::temp_dir();
        let mut attempt = 0u32;
        let (file, path) = loop {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let path = dir.join(format!(
                "tlstriage-{}-{}-{nanos}-{attempt}.out",
                std::process::id(),
                self.tag
            ));
            match File::options()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(f) => break (f, path),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 16 => {
                    attempt += 1;
                }
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        format!("temporary file {}: {e}", path.display()),
                    ));
                }
            }
        };
        // The path is kept first, so that a failed write still removes it.
        self.path = Some(path);
        let mut w = BufWriter::with_capacity(1 << 16, file);
        let mem = std::mem::take(&mut self.mem);
        self.budget.give_back(mem.len());
        w.write_all(&mem)?;
        self.file = Some(w);
        Ok(())
    }

    /// Writes everything buffered to `out`, in order.
    pub fn copy_to(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(&self.mem)?;
        if let Some(w) = &mut self.file {
            w.flush()?;
            let f = w.get_mut();
            f.seek(SeekFrom::Start(0))?;
            let mut buf = vec![0; 1 << 16];
            loop {
                let n = f.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                out.write_all(&buf[..n])?;
            }
        }
        Ok(())
    }
}

impl Write for Spill {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "output closed"));
        }
        if self.path.is_some() {
            return match &mut self.file {
                Some(w) => w.write(buf),
                None => Err(io::Error::other("temporary file unusable")),
            };
        }
        if self.mem.len() + buf.len() <= PER_FILE && self.budget.take(buf.len()) {
            self.mem.extend_from_slice(buf);
            return Ok(buf.len());
        }
        self.spill()?;
        match &mut self.file {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("temporary file unusable")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        self.budget.give_back(self.mem.len());
        // Closed before removal (Windows cannot remove an open file).
        self.file = None;
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spill(budget: &Arc<Budget>) -> Spill {
        Spill::new(budget.clone(), Arc::new(AtomicBool::new(false)), 0)
    }

    #[test]
    fn small_output_stays_in_memory_and_comes_back_whole() {
        let budget = Arc::new(Budget::new(1 << 20));
        let mut s = spill(&budget);
        s.write_all(b"hello ").unwrap();
        s.write_all(b"world").unwrap();
        assert!(!s.spilled());
        let mut out = Vec::new();
        s.copy_to(&mut out).unwrap();
        assert_eq!(out, b"hello world");
        drop(s);
        assert_eq!(budget.used.load(Ordering::Relaxed), 0);
    }

    #[test]
    fn past_the_per_file_bound_it_spills_to_a_file_removed_on_drop() {
        let budget = Arc::new(Budget::new(usize::MAX));
        let mut s = spill(&budget);
        let chunk: Vec<u8> = (0..=255u8).cycle().take(1 << 20).collect();
        for _ in 0..9 {
            s.write_all(&chunk).unwrap();
        }
        assert!(s.spilled());
        assert_eq!(budget.used.load(Ordering::Relaxed), 0);
        let path = s.path.clone().unwrap();
        assert!(path.exists());
        let mut out = Vec::new();
        s.copy_to(&mut out).unwrap();
        assert_eq!(out.len(), 9 << 20);
        assert!(out.chunks(1 << 20).all(|c| c == chunk.as_slice()));
        drop(s);
        assert!(!path.exists());
    }

    #[test]
    fn the_shared_budget_spills_before_the_per_file_bound() {
        let budget = Arc::new(Budget::new(100));
        let mut a = spill(&budget);
        let mut b = spill(&budget);
        a.write_all(&[1; 80]).unwrap();
        b.write_all(&[2; 80]).unwrap();
        assert!(!a.spilled());
        assert!(b.spilled());
        let mut out = Vec::new();
        b.copy_to(&mut out).unwrap();
        assert_eq!(out, vec![2; 80]);
    }

    #[test]
    fn a_cancelled_buffer_refuses_writes() {
        let budget = Arc::new(Budget::new(100));
        let cancel = Arc::new(AtomicBool::new(false));
        let mut s = Spill::new(budget, cancel.clone(), 1);
        s.write_all(b"x").unwrap();
        cancel.store(true, Ordering::Relaxed);
        assert!(s.write_all(b"y").is_err());
    }
}
