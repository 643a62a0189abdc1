//! The one place that wires every stage together. Read this first.
//!
//! ```text
//! capture::Reader ─Frame→ wire::decode ─Segment→ stream::Reassembler ─Event(dir)→ tls::Conn
//!     ─tls::Event→ session::Tracker ─Handshake→ diagnose ─Finding→ report::Sink
//! ```
//! Per connection the pipeline keeps a `tls::Conn` and a `session::Tracker`,
//! created on the connection's first delivered event and dropped when the
//! reassembler closes it, so memory follows the live connections, not the
//! file. A connection whose verdict is settled asks the reassembler for
//! control events only; one whose both directions are encrypted stops
//! out-of-order buffering.
//! IP fragments go through a `wire::Defrag` owned here (bounded; its counters
//! land in [`Summary::defrag`]); a fragment it drops or whose overlap differs
//! is an `ip-fragment-*` anomaly.
//! A damaged capture ends reading with [`report::Damage`] in the summary;
//! everything before it is analyzed and reported.
//! With [`Options::read_thread`] the capture is read and frames are decoded
//! (capture + wire) on a second thread, which hands batches of decoded
//! segments to this one through a bounded queue (at most four alive); their
//! payloads stay in the reader's buffer, which the batch holds on to, so
//! nothing is copied. Frames keep their order: the output is the same byte
//! for byte.
//! Two optional hooks for a front end cost nothing when unset:
//! [`Options::progress`] publishes how many bytes of the input were read, and
//! [`Options::stop`] ends an analysis early (a closed output pipe).

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};

use crate::capture::decompress::{self, Source};
use crate::capture::{self, Timestamp};
use crate::diagnose;
use crate::report::{self, Record, Rollup, Sink, Summary};
use crate::session::packed::{Interner, Packed};
use crate::session::{Handshake, Tracker};
use crate::stream::{self, Interest, Output, Reassembler};
use crate::tls;
use crate::{Error, wire};

/// Distinct anomaly kinds kept in the summary.
const MAX_ANOMALY_KINDS: usize = 64;
/// Distinct link types listed in the summary.
const MAX_LINK_TYPES: usize = 16;
/// Failed handshakes held back until the end of the capture, so that what
/// their servers did later can still explain them. Past the cap they are
/// judged with what is known when they end. Held packed (~0.4 KB each, their
/// repeated ClientHello lists shared; 1.7 KB as built): ~2 MB at most.
const MAX_DEFERRED: usize = 4096;

/// Frames between two looks at [`Options::stop`].
const STOP_CHECK_FRAMES: u64 = 1024;

/// Analysis settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Reassembly bounds.
    pub stream: stream::Config,
    /// For a progress display: [`analyze_path`] stores here how many bytes of
    /// the file (or standard input) it has read so far, after each read of
    /// the source: compressed bytes for gzip and zip, so the file size is the
    /// total. Only [`analyze_path`] counts.
    pub progress: Option<Arc<AtomicU64>>,
    /// When it becomes true, reading stops within a few thousand frames and
    /// the analysis ends with an `Interrupted` I/O error (no summary).
    pub stop: Option<Arc<AtomicBool>>,
    /// With `analyze --host`: the server's configuration, to confirm or
    /// contradict each handshake's cause.
    pub host: Option<Arc<crate::host::join::Host>>,
    /// Read and decode frames on a second thread while this one analyzes
    /// them (batches of decoded segments through a bounded queue). Worth it
    /// with a spare core; the output is the same either way.
    pub read_thread: bool,
}

/// A source that publishes its position to [`Options::progress`].
struct Counted<R> {
    inner: R,
    pos: u64,
    counter: Option<Arc<AtomicU64>>,
}

impl<R> Counted<R> {
    fn new(inner: R, counter: Option<Arc<AtomicU64>>) -> Self {
        Counted {
            inner,
            pos: 0,
            counter,
        }
    }

    fn publish(&self) {
        if let Some(c) = &self.counter {
            c.store(self.pos, Ordering::Relaxed);
        }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        self.publish();
        Ok(n)
    }
}

impl<R: Seek> Seek for Counted<R> {
    fn seek(&mut self, to: SeekFrom) -> std::io::Result<u64> {
        self.pos = self.inner.seek(to)?;
        self.publish();
        Ok(self.pos)
    }
}

struct ConnState {
    tls: tls::Conn,
    session: Tracker,
    last_ts: Timestamp,
    /// NetMon's process-table index for this connection's frames.
    process: Option<u32>,
}

/// A process NetMon recorded: "name (PID n)" and the connection it owned.
struct ProcessInfo {
    label: String,
    ends: [std::net::SocketAddr; 2],
}

struct State<'s> {
    name: &'s str,
    /// Boxed: a `ConnState` is ~1.9 KB, and the table moves its values when it grows.
    conns: HashMap<u64, Box<ConnState>, foldhash::fast::RandomState>,
    tls_events: Vec<tls::Event>,
    anomalies: HashMap<String, (u64, u64)>,
    rollup: Rollup,
    /// What each server showed so far.
    knowledge: diagnose::Knowledge,
    /// Failed handshakes waiting for the whole capture (see [`MAX_DEFERRED`]).
    deferred: Vec<Packed>,
    /// What the held handshakes share.
    interner: Interner,
    sink: &'s mut dyn Sink,
    write_error: Option<std::io::Error>,
    /// Time of the latest frame read.
    now: Timestamp,
    /// NetMon's process index on the frame being pushed.
    frame_process: Option<u32>,
    /// NetMon's process table (empty for other formats).
    processes: Vec<ProcessInfo>,
    /// The host joined with the capture, if any.
    host: Option<Arc<crate::host::join::Host>>,
}

impl State<'_> {
    /// The process that owned a connection: by the index NetMon wrote on its
    /// frames, else by the endpoints in NetMon's process table.
    fn process_of(&self, index: Option<u32>, h: &Handshake) -> Option<String> {
        if let Some(p) = index.and_then(|i| self.processes.get(i as usize)) {
            return Some(p.label.clone());
        }
        self.processes
            .iter()
            .find(|p| {
                (p.ends[0] == h.client && p.ends[1] == h.server)
                    || (p.ends[0] == h.server && p.ends[1] == h.client)
            })
            .map(|p| p.label.clone())
    }

    /// Diagnoses one handshake and hands it to the rollup and the sink.
    fn emit(&mut self, h: &Handshake) {
        let mut findings = diagnose::diagnose(h, self.knowledge.view(&h.server));
        if let Some(host) = &self.host {
            host.apply(h, &mut findings);
        }
        let rec = Record {
            kind: "handshake",
            capture: self.name,
            handshake: h,
            findings: &findings,
        };
        self.rollup.add(&rec);
        if self.write_error.is_none()
            && let Err(e) = self.sink.record(&rec)
        {
            self.write_error = Some(e);
        }
    }

    /// A finished handshake: learn from it, then report it now or at the end.
    fn finished(&mut self, h: Handshake) {
        self.knowledge.learn(&h);
        if diagnose::needs_hindsight(&h) && self.deferred.len() < MAX_DEFERRED {
            self.deferred.push(Packed::pack(h, &mut self.interner));
        } else {
            self.emit(&h);
        }
    }

    /// The end of the capture: report the held-back handshakes, in capture order.
    fn flush_deferred(&mut self) {
        let mut deferred = std::mem::take(&mut self.deferred);
        self.interner = Interner::default();
        deferred.sort_by_key(Packed::first_frame);
        for p in deferred {
            self.emit(&p.unpack());
        }
    }

    fn anomaly(&mut self, kind: &str, frame: u64) {
        if let Some(e) = self.anomalies.get_mut(kind) {
            e.0 += 1;
        } else if self.anomalies.len() < MAX_ANOMALY_KINDS {
            self.anomalies.insert(kind.to_string(), (1, frame));
        }
    }

    fn on_output(&mut self, out: Output<'_>) -> Interest {
        match out {
            Output::Event { conn, dir, event } => {
                let st = self.conns.entry(conn.id).or_insert_with(|| {
                    Box::new(ConnState {
                        tls: tls::Conn::new(),
                        session: Tracker::new(conn),
                        last_ts: conn.start,
                        process: None,
                    })
                });
                if st.process.is_none() {
                    st.process = self.frame_process;
                }
                match event {
                    stream::Event::Data { ts, .. }
                    | stream::Event::Fin { ts, .. }
                    | stream::Event::Reset { ts, .. } => st.last_ts = ts,
                    stream::Event::Gap { .. } => {}
                }
                self.tls_events.clear();
                st.tls.feed(dir, &event, &mut self.tls_events);
                st.session.on_tls(&self.tls_events);
                st.session.on_stream(dir, &event);
                let settled = st.session.settled() || st.tls.finished();
                let past = st.tls.past_handshake();
                let events = std::mem::take(&mut self.tls_events);
                for ev in &events {
                    if let tls::EventKind::Anomaly(msg) = &ev.kind {
                        let frame = ev.frames.first().copied().unwrap_or(0);
                        self.anomaly(&anomaly_kind(msg), frame);
                    }
                }
                self.tls_events = events;
                if settled {
                    Interest::ControlOnly
                } else if past {
                    Interest::InOrderOnly
                } else {
                    Interest::All
                }
            }
            Output::Closed { conn, reason } => {
                if let Some(mut st) = self.conns.remove(&conn.id) {
                    self.tls_events.clear();
                    st.tls.finish(&mut self.tls_events);
                    st.session.on_tls(&self.tls_events);
                    // At the end of the capture, silence lasted until its last frame.
                    let end = if reason == stream::CloseReason::EndOfCapture {
                        st.last_ts.max(self.now)
                    } else {
                        st.last_ts
                    };
                    for mut h in st.session.finish(reason, end) {
                        h.process = self.process_of(st.process, &h);
                        self.finished(h);
                    }
                }
                Interest::ControlOnly
            }
        }
    }
}

/// The stable part of an anomaly message: its first word.
fn anomaly_kind(msg: &str) -> String {
    let k: String = msg
        .split([':', ' ', '('])
        .next()
        .unwrap_or("tls-anomaly")
        .chars()
        .take(48)
        .collect();
    if k.is_empty() {
        "tls-anomaly".to_string()
    } else {
        format!("tls-{}", k.trim_start_matches("tls-").to_ascii_lowercase())
    }
}

/// What one input produced.
#[derive(Debug)]
pub enum Analyzed {
    /// A capture was analyzed; its records and summary went to the sink.
    Capture(Box<Summary>),
    /// A member of an archive that is not a capture or cannot be read.
    Skipped {
        /// "archive.zip:member".
        name: String,
        /// Why, and what to do.
        reason: String,
    },
}

/// Analyzes the capture at `path` (`-` = standard input). A gzip file is
/// decompressed while read; a zip archive gives one analysis per member.
pub fn analyze_path(
    path: &Path,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Vec<Analyzed>, Error> {
    let name = path.display().to_string();
    let rewrap = |e: Error| match e {
        Error::Io { source, .. } => Error::Io {
            path: path.to_path_buf(),
            source,
        },
        other => other,
    };
    if path == Path::new("-") {
        // Unlocked: a locked stdin cannot move to the reading thread.
        let stdin = Counted::new(std::io::stdin(), opts.progress.clone());
        analyze_source(stdin, &name, opts, sink).map_err(rewrap)
    } else {
        let file = std::fs::File::open(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(Error::Io {
                path: path.to_path_buf(),
                source: std::io::Error::other("is a directory"),
            });
        }
        let file = Counted::new(file, opts.progress.clone());
        analyze_file(file, &name, opts, sink).map_err(rewrap)
    }
}

/// An I/O error while reading input `name`.
fn input_error(name: &str) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: name.into(),
        source,
    }
}

/// One analyzed capture as the only result.
fn one(summary: Summary) -> Vec<Analyzed> {
    vec![Analyzed::Capture(Box::new(summary))]
}

/// A file: compressed ones are streamed through [`analyze_source`]; a plain
/// one is read seekable, so NetMon `.cap` (frame table at the end) works.
fn analyze_file<F: Read + Seek + Send>(
    mut file: F,
    name: &str,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Vec<Analyzed>, Error> {
    let io = input_error(name);
    let mut magic = Vec::with_capacity(4);
    (&mut file).take(4).read_to_end(&mut magic).map_err(&io)?;
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    if decompress::is_compressed(&magic) {
        analyze_source(file, name, opts, sink)
    } else {
        Ok(one(analyze_seekable(file, name, opts, sink)?))
    }
}

/// Analyzes a stream that may be compressed (gzip) or an archive (zip).
pub fn analyze_source<R: Read + Send>(
    src: R,
    name: &str,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Vec<Analyzed>, Error> {
    let io = input_error(name);
    match decompress::open(src).map_err(&io)? {
        Source::Plain(r) => Ok(one(analyze(r, name, opts, sink)?)),
        Source::Gzip(g) => Ok(one(analyze_compressed(g, name, "gzip", opts, sink)?)),
        Source::Zip(mut z) => {
            let mut out = Vec::new();
            loop {
                let entry = match z.next_entry() {
                    Ok(Some(e)) => e,
                    Ok(None) => break,
                    Err(e) => {
                        out.push(Analyzed::Skipped {
                            name: name.to_string(),
                            reason: format!(
                                "archive damaged: {e}; members before it were analyzed"
                            ),
                        });
                        break;
                    }
                };
                if entry.name.ends_with('/') {
                    continue; // a directory
                }
                let member = format!("{name}:{}", entry.name);
                if let Some(reason) = entry.skip {
                    out.push(Analyzed::Skipped {
                        name: member,
                        reason,
                    });
                    continue;
                }
                let result = match decompress::open(&mut *z).map_err(&io)? {
                    Source::Plain(r) => analyze_inner(r, &member, Some("zip"), opts, sink),
                    Source::Gzip(g) => analyze_compressed(g, &member, "zip", opts, sink),
                    Source::Zip(_) => {
                        out.push(Analyzed::Skipped {
                            name: member,
                            reason: "a zip archive inside the zip archive: extract it first".into(),
                        });
                        continue;
                    }
                };
                match result {
                    Ok(s) => out.push(Analyzed::Capture(Box::new(s))),
                    Err(Error::UnknownFormat { what, .. }) => out.push(Analyzed::Skipped {
                        name: member,
                        reason: format!("not a capture: {what}"),
                    }),
                    Err(e) => return Err(e),
                }
            }
            Ok(out)
        }
    }
}

/// [`analyze`] on decompressed bytes: a stream that is not a capture after
/// decompression is named as such.
fn analyze_compressed<R: Read + Send>(
    src: R,
    name: &str,
    how: &'static str,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, Error> {
    analyze_inner(src, name, Some(how), opts, sink).map_err(|e| match e {
        Error::UnknownFormat { what, magic } => Error::UnknownFormat {
            what: format!("{how}-compressed, and inside: {what}"),
            magic,
        },
        other => other,
    })
}

/// Analyzes one capture read from `src`; handshake records go to `sink` as
/// their connections end, then the summary, which is also returned.
///
/// Errors only when the input cannot be opened as a capture at all; damage
/// later in the file is reported in [`Summary::damage`]. A stream cannot
/// seek, so a NetMon `.cap` is refused here with what to do: use
/// [`analyze_seekable`] (or [`analyze_path`]) for it.
pub fn analyze<R: Read + Send>(
    src: R,
    name: &str,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, Error> {
    run(capture::Reader::open(src)?, name, None, opts, sink)
}

/// Like [`analyze`], from a source that can seek (a file, a `Cursor`): reads
/// NetMon `.cap` too.
pub fn analyze_seekable<R: Read + Seek + Send>(
    src: R,
    name: &str,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, Error> {
    run(capture::Reader::open_seekable(src)?, name, None, opts, sink)
}

/// [`analyze`] of decompressed bytes, which the summary says.
fn analyze_inner<R: Read + Send>(
    src: R,
    name: &str,
    compression: Option<&'static str>,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, Error> {
    run(capture::Reader::open(src)?, name, compression, opts, sink)
}

/// Payload bytes copied into one batch at most (only payloads reassembled
/// from IP fragments are copied). A batch also ends where the capture
/// reader moves on to another buffer (256 KiB).
const BATCH_BYTES: usize = 256 * 1024;
/// Frames per batch at most (a flood of empty segments).
const BATCH_FRAMES: usize = 2048;
/// Batches waiting between the threads; each thread holds one more, so at
/// most four exist, with the reader buffers they hold (about 1.5 MB).
const QUEUED_BATCHES: usize = 2;

/// One decoded frame, as the analysis takes it.
enum Decoded<'a> {
    /// A TCP segment.
    Segment {
        seg: wire::Segment<'a>,
        frame: u64,
        ts: Timestamp,
        /// NetMon's process index on the frame.
        process: Option<u32>,
    },
    /// A frame the wire decoder refused: an anomaly of this kind.
    Anomaly { kind: String, frame: u64 },
}

/// What reading the frames counted, for the summary.
struct Reading {
    frames: u64,
    tcp_frames: u64,
    other_frames: u64,
    links: Vec<capture::LinkType>,
    first_ts: Option<Timestamp>,
    last_ts: Option<Timestamp>,
    /// Time of the latest frame.
    now: Timestamp,
    damage: Option<report::Damage>,
    /// [`Options::stop`] ended the reading.
    stopped: bool,
}

/// Reads and decodes every frame; `take` gets each TCP segment and wire
/// anomaly in capture order and answers whether to go on. Damage ends the
/// reading and is recorded, as is a stop asked through `stop`.
fn read_frames<R: Read>(
    reader: &mut capture::Reader<R>,
    defrag: &mut wire::Defrag,
    stop: Option<&AtomicBool>,
    take: &mut dyn FnMut(Decoded<'_>, &Arc<Vec<u8>>) -> bool,
) -> Reading {
    let mut r = Reading {
        frames: 0,
        tcp_frames: 0,
        other_frames: 0,
        links: Vec::new(),
        first_ts: None,
        last_ts: None,
        now: Timestamp(i64::MIN),
        damage: None,
        stopped: false,
    };
    loop {
        let (frame, buffer) = match reader.next_frame_shared() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(Error::Corrupt {
                offset,
                frame,
                what,
            }) => {
                r.damage = Some(report::Damage {
                    offset,
                    frame,
                    message: what,
                });
                break;
            }
            Err(e) => {
                r.damage = Some(report::Damage {
                    offset: reader.bytes_read(),
                    frame: reader.frames() + 1,
                    message: e.to_string(),
                });
                break;
            }
        };
        r.frames += 1;
        if !r.links.contains(&frame.link) && r.links.len() < MAX_LINK_TYPES {
            r.links.push(frame.link);
        }
        r.first_ts.get_or_insert(frame.ts);
        r.now = r.now.max(frame.ts);
        r.last_ts = Some(frame.ts);
        // IP fragments are reassembled before TCP; a reassembled segment is
        // reported under the frame of the fragment that completed it.
        let go_on = match defrag.decode(frame.link, frame.data, frame.ts) {
            Ok(Some(seg)) => {
                r.tcp_frames += 1;
                take(
                    Decoded::Segment {
                        seg,
                        frame: frame.number,
                        ts: frame.ts,
                        process: frame.process,
                    },
                    buffer,
                )
            }
            Ok(None) => {
                r.other_frames += 1;
                true
            }
            Err(e) => {
                r.other_frames += 1;
                take(
                    Decoded::Anomaly {
                        kind: e.kind(),
                        frame: frame.number,
                    },
                    buffer,
                )
            }
        };
        if !go_on {
            break;
        }
        if r.frames.is_multiple_of(STOP_CHECK_FRAMES)
            && stop.is_some_and(|s| s.load(Ordering::Relaxed))
        {
            r.stopped = true;
            break;
        }
    }
    r
}

/// Where a segment's payload is in its [`Batch`].
enum Payload {
    /// In the capture reader's buffer the batch holds on to.
    Shared(std::ops::Range<usize>),
    /// Copied into [`Batch::data`] (a payload reassembled from IP
    /// fragments lives in the defragmenter, not in the reader's buffer).
    Copied(std::ops::Range<usize>),
}

/// A decoded frame, owned but for its payload (see [`Batch`]).
enum Item {
    Segment {
        /// The segment with an empty payload.
        seg: wire::Segment<'static>,
        payload: Payload,
        frame: u64,
        ts: Timestamp,
        process: Option<u32>,
    },
    Anomaly {
        kind: String,
        frame: u64,
    },
}

/// Decoded frames handed from the reading thread to the analysis. Their
/// payloads stay where the capture reader read them: the batch holds a
/// reference to that buffer (the reader goes on in another one), so the
/// bytes are not copied. Emptied batches go back to be filled again.
#[derive(Default)]
struct Batch {
    items: Vec<Item>,
    /// The reader's buffer the frames lie in.
    shared: Option<Arc<Vec<u8>>>,
    data: Vec<u8>,
}

impl Batch {
    /// Whether a frame read into `buffer` belongs in another batch.
    fn full_for(&self, buffer: &Arc<Vec<u8>>) -> bool {
        self.data.len() >= BATCH_BYTES
            || self.items.len() >= BATCH_FRAMES
            || self
                .shared
                .as_ref()
                .is_some_and(|s| !Arc::ptr_eq(s, buffer))
    }

    fn push(&mut self, d: Decoded<'_>, buffer: &Arc<Vec<u8>>) {
        let shared = self.shared.get_or_insert_with(|| buffer.clone());
        self.items.push(match d {
            Decoded::Segment {
                seg,
                frame,
                ts,
                process,
            } => {
                // Where the payload lies in the shared buffer, if it does.
                let base = shared.as_ptr() as usize;
                let at = (seg.payload.as_ptr() as usize).wrapping_sub(base);
                let payload = if !seg.payload.is_empty()
                    && at < shared.len()
                    && seg.payload.len() <= shared.len() - at
                {
                    Payload::Shared(at..at + seg.payload.len())
                } else {
                    let start = self.data.len();
                    self.data.extend_from_slice(seg.payload);
                    Payload::Copied(start..self.data.len())
                };
                Item::Segment {
                    seg: wire::Segment {
                        src: seg.src,
                        dst: seg.dst,
                        sport: seg.sport,
                        dport: seg.dport,
                        seq: seg.seq,
                        ack: seg.ack,
                        flags: seg.flags,
                        window: seg.window,
                        payload: &[],
                        truncated: seg.truncated,
                    },
                    payload,
                    frame,
                    ts,
                    process,
                }
            }
            Decoded::Anomaly { kind, frame } => Item::Anomaly { kind, frame },
        });
    }
}

/// Everything after the wire decoder: reassembly, TLS, sessions, diagnosis
/// and the sink.
struct Analysis<'s> {
    reasm: Reassembler,
    state: State<'s>,
}

impl Analysis<'_> {
    /// Takes one decoded frame; false once the output failed.
    fn take(&mut self, d: Decoded<'_>) -> bool {
        match d {
            Decoded::Segment {
                seg,
                frame,
                ts,
                process,
            } => {
                let state = &mut self.state;
                state.frame_process = process;
                self.reasm
                    .push(&seg, frame, ts, &mut |o| state.on_output(o));
            }
            Decoded::Anomaly { kind, frame } => self.state.anomaly(&kind, frame),
        }
        self.state.write_error.is_none()
    }

    /// Takes every frame of a batch, in order; false once the output failed.
    fn take_batch(&mut self, batch: &mut Batch) -> bool {
        let Batch {
            items,
            shared,
            data,
        } = batch;
        let shared: &[u8] = shared.as_deref().map_or(&[], Vec::as_slice);
        for item in items.drain(..) {
            let d = match item {
                Item::Segment {
                    seg,
                    payload,
                    frame,
                    ts,
                    process,
                } => Decoded::Segment {
                    seg: wire::Segment {
                        payload: match payload {
                            Payload::Shared(r) => shared.get(r),
                            Payload::Copied(r) => data.get(r),
                        }
                        .unwrap_or_default(),
                        ..seg
                    },
                    frame,
                    ts,
                    process,
                },
                Item::Anomaly { kind, frame } => Decoded::Anomaly { kind, frame },
            };
            if !self.take(d) {
                return false;
            }
        }
        // Lets the reader use its buffer again.
        batch.shared = None;
        batch.data.clear();
        true
    }
}

/// [`read_frames`] on a second thread, feeding `analysis` on this one
/// through a bounded queue of batches: reading and decoding overlap the
/// analysis on a two-core machine. The frames arrive in the same order, so
/// the output is the same as [`read_frames`] feeding it directly.
fn read_frames_threaded<R: Read + Send>(
    reader: &mut capture::Reader<R>,
    defrag: &mut wire::Defrag,
    stop: Option<&AtomicBool>,
    analysis: &mut Analysis<'_>,
) -> Reading {
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Batch>(QUEUED_BATCHES);
        let (back, returned) = mpsc::channel::<Batch>();
        let reading = scope.spawn(move || {
            let mut batch = Batch::default();
            let r = read_frames(reader, defrag, stop, &mut |d, buffer| {
                if batch.full_for(buffer) {
                    let next = returned.try_recv().unwrap_or_default();
                    // Fails once the analysis stopped (the output failed).
                    if tx.send(std::mem::replace(&mut batch, next)).is_err() {
                        return false;
                    }
                }
                batch.push(d, buffer);
                true
            });
            if !batch.items.is_empty() {
                let _ = tx.send(batch);
            }
            r
        });
        for mut batch in rx.iter() {
            if !analysis.take_batch(&mut batch) {
                break;
            }
            let _ = back.send(batch);
        }
        // Unblocks the reading thread if the analysis stopped early.
        drop(rx);
        reading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn run<R: Read + Send>(
    mut reader: capture::Reader<R>,
    name: &str,
    compression: Option<&'static str>,
    opts: &Options,
    sink: &mut dyn Sink,
) -> Result<Summary, Error> {
    let mut defrag = wire::Defrag::new();
    let state = State {
        name,
        conns: HashMap::default(),
        tls_events: Vec::new(),
        anomalies: HashMap::new(),
        rollup: Rollup::default(),
        knowledge: diagnose::Knowledge::default(),
        deferred: Vec::new(),
        interner: Interner::default(),
        sink,
        write_error: None,
        now: Timestamp(i64::MIN),
        frame_process: None,
        host: opts.host.clone(),
        processes: reader
            .processes()
            .iter()
            .map(|p| ProcessInfo {
                label: format!("{} (PID {})", p.name(), p.pid),
                ends: [p.local, p.remote],
            })
            .collect(),
    };
    let mut analysis = Analysis {
        reasm: Reassembler::new(opts.stream),
        state,
    };
    let stop = opts.stop.as_deref();
    let reading = if opts.read_thread {
        read_frames_threaded(&mut reader, &mut defrag, stop, &mut analysis)
    } else {
        read_frames(&mut reader, &mut defrag, stop, &mut |d, _| analysis.take(d))
    };
    let Analysis {
        mut reasm,
        mut state,
    } = analysis;
    if reading.stopped && state.write_error.is_none() {
        state.write_error = Some(std::io::Error::new(
            std::io::ErrorKind::Interrupted,
            "analysis stopped",
        ));
    }
    // Silence at the end of the capture lasted until its last frame.
    state.now = state.now.max(reading.now);
    reasm.finish(&mut |o| state.on_output(o));
    defrag.finish();
    state.flush_deferred();
    if let Some(e) = state.write_error.take() {
        return Err(Error::Io {
            path: "<output>".into(),
            source: e,
        });
    }
    let mut summary = Summary {
        kind: "summary",
        capture: name.to_string(),
        format: Some(reader.format().name()),
        compression,
        frames: reading.frames,
        tcp_frames: reading.tcp_frames,
        other_frames: reading.other_frames,
        damage: reading.damage,
        ..Summary::default()
    };
    let (links, first_ts, last_ts) = (reading.links, reading.first_ts, reading.last_ts);
    // Wireshark's count: NetMon pseudo-frames it numbers (NetEvent, filter)
    // are counted though the reader does not return them (see the notes).
    summary.frames = summary.frames.max(reader.frames());
    summary.bytes = reader.bytes_read();
    summary.link_types = links.iter().map(|l| l.name()).collect();
    summary.first_time = first_ts.map(report::rfc3339);
    summary.last_time = last_ts.map(report::rfc3339);
    summary.stream = reasm.stats();
    summary.defrag = defrag.stats();
    summary.notes = reader
        .notes()
        .into_iter()
        .map(|(what, n)| {
            if n > 1 {
                format!("{what} (×{n})")
            } else {
                what
            }
        })
        .collect();
    let mut anomalies: Vec<report::Anomaly> = state
        .anomalies
        .iter()
        .map(|(k, (n, f))| report::Anomaly {
            kind: k.clone(),
            count: *n,
            first_frame: *f,
        })
        .collect();
    anomalies.sort_by(|a, b| a.first_frame.cmp(&b.first_frame).then(a.kind.cmp(&b.kind)));
    summary.anomalies = anomalies;
    state.rollup.fill(&mut summary);
    state.sink.summary(&summary).map_err(|source| Error::Io {
        path: "<output>".into(),
        source,
    })?;
    Ok(summary)
}
