//! The progress line on standard error: bytes read of the total, rate, ETA.
//!
//! Shown only on a terminal, and only once a run has lasted
//! [`SHOW_AFTER`]; redrawn [`TICK`] apart by a thread of its own, so the
//! analysis only stores a counter (see `pipeline::Options::progress`).
//! Cleared when the run ends. Messages printed meanwhile go through
//! [`Progress::message`], and writes to standard output on the same terminal
//! through [`Progress::cleared`], which erase the line first.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Runs shorter than this show nothing.
const SHOW_AFTER: Duration = Duration::from_millis(500);
/// Time between redraws (at most ~10 per second).
const TICK: Duration = Duration::from_millis(100);
/// Return to column 0 and clear the line (ANSI).
const CLEAR: &str = "\r\x1b[2K";

/// One input: its counter and its size, if known.
struct Input {
    read: Arc<AtomicU64>,
    total: Option<u64>,
}

struct Shared {
    inputs: Vec<Input>,
    /// Serialises the line with other writes to standard error; true while
    /// a line is on screen.
    drawn: Mutex<bool>,
}

/// A running progress display.
pub struct Progress {
    shared: Arc<Shared>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts the display for inputs of the given sizes (`None`: unknown,
    /// standard input). The caller checks that standard error is a terminal.
    pub fn start(totals: &[Option<u64>]) -> Self {
        let shared = Arc::new(Shared {
            inputs: totals
                .iter()
                .map(|&total| Input {
                    read: Arc::new(AtomicU64::new(0)),
                    total,
                })
                .collect(),
            drawn: Mutex::new(false),
        });
        let (tx, rx) = mpsc::channel::<()>();
        let s = shared.clone();
        let started = Instant::now();
        let thread = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || {
                // Until stopped (or the sender is gone).
                while let Err(RecvTimeoutError::Timeout) = rx.recv_timeout(TICK) {
                    let elapsed = started.elapsed();
                    if elapsed >= SHOW_AFTER {
                        s.draw(elapsed);
                    }
                }
                s.clear();
            })
            .ok();
        Progress {
            shared,
            stop: Some(tx),
            thread,
        }
    }

    /// The counter of input `i`, for `pipeline::Options::progress`.
    pub fn counter(&self, i: usize) -> Option<Arc<AtomicU64>> {
        self.shared.inputs.get(i).map(|inp| inp.read.clone())
    }

    /// Input `i` is done: it counts as wholly read.
    pub fn done(&self, i: usize) {
        if let Some(inp) = self.shared.inputs.get(i)
            && let Some(t) = inp.total
        {
            inp.read.fetch_max(t, Ordering::Relaxed);
        }
    }

    /// Prints `msg` as a line on standard error without mixing it into the
    /// progress line (which the next tick redraws).
    pub fn message(&self, msg: &str) {
        let mut drawn = self.shared.lock();
        let mut err = std::io::stderr().lock();
        if *drawn {
            let _ = err.write_all(CLEAR.as_bytes());
            *drawn = false;
        }
        let _ = writeln!(err, "{msg}");
    }

    /// Runs `f` (a write to standard output on the same terminal) with the
    /// progress line erased, so that the two do not share a line.
    pub fn cleared<T>(&self, f: impl FnOnce() -> T) -> T {
        let mut drawn = self.shared.lock();
        if *drawn {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(CLEAR.as_bytes());
            let _ = err.flush();
            *drawn = false;
        }
        f()
    }

    /// Stops the display and clears its line.
    pub fn finish(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, bool> {
        self.drawn.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn draw(&self, elapsed: Duration) {
        let mut read = 0u64;
        let mut total = Some(0u64);
        for inp in &self.inputs {
            let r = inp.read.load(Ordering::Relaxed);
            read += inp.total.map_or(r, |t| r.min(t));
            total = total.zip(inp.total).map(|(a, b)| a + b);
        }
        let line = render(read, total, elapsed);
        let mut drawn = self.lock();
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "{CLEAR}{line}");
        let _ = err.flush();
        *drawn = true;
    }

    fn clear(&self) {
        let mut drawn = self.lock();
        if *drawn {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(CLEAR.as_bytes());
            let _ = err.flush();
            *drawn = false;
        }
    }
}

/// `1.5 GB`, `12.3 MB`, `512 kB`, `17 B` (decimal units, as the rate).
fn bytes(n: u64) -> String {
    let f = n as f64;
    if f >= 1e9 {
        format!("{:.2} GB", f / 1e9)
    } else if f >= 1e6 {
        format!("{:.1} MB", f / 1e6)
    } else if f >= 1e3 {
        format!("{:.0} kB", f / 1e3)
    } else {
        format!("{n} B")
    }
}

/// `m:ss`, or `h:mm:ss` past an hour.
fn clock(secs: u64) -> String {
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The progress line (without the clearing prefix).
fn render(read: u64, total: Option<u64>, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64().max(1e-3);
    let rate = read as f64 / secs;
    let rate_text = format!("{:.1} MB/s", rate / 1e6);
    match total {
        Some(t) if t > 0 => {
            let pct = (read as f64 / t as f64 * 100.0).min(100.0);
            let eta = if rate > 0.0 {
                clock((t.saturating_sub(read) as f64 / rate).round() as u64)
            } else {
                "?".to_string()
            };
            format!(
                "tlstriage: {} / {} ({pct:.0}%), {rate_text}, ETA {eta}",
                bytes(read),
                bytes(t)
            )
        }
        _ => format!("tlstriage: {} read, {rate_text}", bytes(read)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_with_and_without_total() {
        let line = render(500_000_000, Some(1_000_000_000), Duration::from_secs(5));
        assert_eq!(
            line,
            "tlstriage: 500.0 MB / 1.00 GB (50%), 100.0 MB/s, ETA 0:05"
        );
        let line = render(2_500, None, Duration::from_secs(1));
        assert_eq!(line, "tlstriage: 2 kB read, 0.0 MB/s");
        assert_eq!(clock(3725), "1:02:05");
        assert_eq!(bytes(17), "17 B");
    }

    #[test]
    fn a_done_input_counts_as_whole() {
        let p = Progress::start(&[Some(100), None]);
        p.counter(0).unwrap().store(40, Ordering::Relaxed);
        p.done(0);
        assert_eq!(p.counter(0).unwrap().load(Ordering::Relaxed), 100);
        p.done(1);
        assert!(p.counter(2).is_none());
        p.finish();
    }
}
