//! Per-connection state and the connection table.
//!
//! Input: lookups by address/port pair. Output: a slot per connection, kept on
//! one of two intrusive lists in activity order: open connections (least
//! recently active first, for eviction and idle timeouts) and closed ones
//! lingering (oldest close first).
//! Invariants: one hash lookup per packet; touching, closing and evicting are
//! O(1) list splices, with no allocation once slots are reused; the capture
//! clock used for `stamp` never goes backwards, so both lists stay ordered.
//! Not done here: TCP semantics (see `mod.rs` and `assembler.rs`).

use std::collections::HashMap;
use std::net::SocketAddr;

use super::assembler::{Half, Io, Shared};
use super::{ConnMeta, Direction, Interest, Output};

/// The unordered address/port pair of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Key(SocketAddr, SocketAddr);

impl Key {
    pub(super) fn new(a: SocketAddr, b: SocketAddr) -> Key {
        if a <= b { Key(a, b) } else { Key(b, a) }
    }
}

/// One tracked connection (one generation of an address/port pair).
pub(super) struct Conn {
    pub meta: ConnMeta,
    /// Indexed by [`Direction::index`].
    pub halves: [Half; 2],
    pub interest: Interest,
    /// Closed (Closed already emitted) and lingering to absorb stragglers.
    pub closed: bool,
    /// Open: capture time of the last packet; closed: time of closing.
    pub stamp: i64,
}

impl Conn {
    pub(super) fn new(meta: ConnMeta, stamp: i64) -> Conn {
        Conn {
            meta,
            halves: [Half::default(), Half::default()],
            interest: Interest::All,
            closed: false,
            stamp,
        }
    }

    /// The direction of a packet sent by `src`.
    pub(super) fn dir_from(&self, src: SocketAddr) -> Direction {
        if src == self.meta.client {
            Direction::ClientToServer
        } else {
            Direction::ServerToClient
        }
    }

    /// One half and the [`Io`] its events go through.
    pub(super) fn split<'a, 'b>(
        &'a mut self,
        dir: Direction,
        shared: &'a mut Shared,
        sink: &'a mut (dyn FnMut(Output<'_>) -> Interest + 'b),
    ) -> (&'a mut Half, Io<'a, 'b>) {
        let Conn {
            meta,
            halves,
            interest,
            ..
        } = self;
        let io = Io {
            meta,
            dir,
            interest,
            sink,
            shared,
        };
        (&mut halves[dir.index()], io)
    }
}

const NIL: u32 = u32::MAX;

/// Which list a slot is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    Open = 0,
    Closed = 1,
}

/// A slot. The connection's key is not stored again: it is
/// `Key::new(meta.client, meta.server)` (64 bytes saved per connection).
struct Node {
    conn: Conn,
    prev: u32,
    next: u32,
}

#[derive(Clone, Copy)]
struct Ends {
    head: u32,
    tail: u32,
}

/// Connections by key, in a slab with two intrusive activity lists.
pub(super) struct Table {
    /// Keyed by foldhash with a per-process random seed: several times
    /// cheaper than SipHash on the 64-byte key of every packet, and still not
    /// predictable from a crafted capture.
    map: HashMap<Key, u32, foldhash::fast::RandomState>,
    slots: Vec<Option<Node>>,
    /// Slots never grow past this (the connection cap): the slab is reserved
    /// exactly instead of doubling past it.
    max_slots: usize,
    free: Vec<u32>,
    lists: [Ends; 2],
}

impl Table {
    pub(super) fn new(max_slots: usize) -> Table {
        Table {
            map: HashMap::default(),
            slots: Vec::new(),
            max_slots: max_slots.max(1),
            free: Vec::new(),
            lists: [Ends {
                head: NIL,
                tail: NIL,
            }; 2],
        }
    }

    pub(super) fn len(&self) -> usize {
        self.map.len()
    }

    pub(super) fn get(&self, key: &Key) -> Option<u32> {
        self.map.get(key).copied()
    }

    fn node(&self, idx: u32) -> &Node {
        match self.slots.get(idx as usize) {
            Some(Some(n)) => n,
            _ => unreachable!("stream: stale connection slot {idx}"),
        }
    }

    fn node_mut(&mut self, idx: u32) -> &mut Node {
        match self.slots.get_mut(idx as usize) {
            Some(Some(n)) => n,
            _ => unreachable!("stream: stale connection slot {idx}"),
        }
    }

    pub(super) fn conn(&self, idx: u32) -> &Conn {
        &self.node(idx).conn
    }

    pub(super) fn conn_mut(&mut self, idx: u32) -> &mut Conn {
        &mut self.node_mut(idx).conn
    }

    /// The least recently active slot of `list`.
    pub(super) fn head(&self, list: List) -> Option<u32> {
        let h = self.lists[list as usize].head;
        (h != NIL).then_some(h)
    }

    fn list_of(&self, idx: u32) -> List {
        if self.conn(idx).closed {
            List::Closed
        } else {
            List::Open
        }
    }

    fn unlink(&mut self, idx: u32) {
        let list = self.list_of(idx) as usize;
        let (prev, next) = {
            let n = self.node(idx);
            (n.prev, n.next)
        };
        if prev == NIL {
            self.lists[list].head = next;
        } else {
            self.node_mut(prev).next = next;
        }
        if next == NIL {
            self.lists[list].tail = prev;
        } else {
            self.node_mut(next).prev = prev;
        }
    }

    fn link_tail(&mut self, idx: u32) {
        let list = self.list_of(idx) as usize;
        let tail = self.lists[list].tail;
        {
            let n = self.node_mut(idx);
            n.prev = tail;
            n.next = NIL;
        }
        if tail == NIL {
            self.lists[list].head = idx;
        } else {
            self.node_mut(tail).next = idx;
        }
        self.lists[list].tail = idx;
    }

    /// Adds a connection (replacing nothing: the key must be absent).
    pub(super) fn insert(&mut self, key: Key, conn: Conn) -> u32 {
        debug_assert!(key == Key::new(conn.meta.client, conn.meta.server));
        let node = Node {
            conn,
            prev: NIL,
            next: NIL,
        };
        let idx = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(node);
                i
            }
            None => {
                if self.slots.len() == self.slots.capacity() {
                    let want = (self.slots.capacity().max(512) * 2).min(self.max_slots);
                    self.slots
                        .reserve_exact(want.saturating_sub(self.slots.len()).max(1));
                }
                self.slots.push(Some(node));
                // More than 2^32 - 1 slots cannot happen: max_conns is a usize
                // config, but each slot is hundreds of bytes.
                u32::try_from(self.slots.len() - 1).unwrap_or(NIL - 1)
            }
        };
        self.map.insert(key, idx);
        self.link_tail(idx);
        idx
    }

    /// Removes a connection and frees its slot.
    pub(super) fn remove(&mut self, idx: u32) -> Conn {
        self.unlink(idx);
        let node = self.slots[idx as usize]
            .take()
            .unwrap_or_else(|| unreachable!("stream: stale connection slot {idx}"));
        self.map
            .remove(&Key::new(node.conn.meta.client, node.conn.meta.server));
        self.free.push(idx);
        node.conn
    }

    /// Marks activity: moves the slot to the tail of its list.
    pub(super) fn touch(&mut self, idx: u32) {
        if self.lists[self.list_of(idx) as usize].tail != idx {
            self.unlink(idx);
            self.link_tail(idx);
        }
    }

    /// Moves an open connection to the lingering list.
    pub(super) fn mark_closed(&mut self, idx: u32, now: i64) {
        self.unlink(idx);
        let c = self.conn_mut(idx);
        c.closed = true;
        c.stamp = now;
        self.link_tail(idx);
    }

    /// Slots of the open connections.
    pub(super) fn open_slots(&self) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cur = self.lists[List::Open as usize].head;
        while cur != NIL {
            out.push(cur);
            cur = self.node(cur).next;
        }
        out
    }

    pub(super) fn clear(&mut self) {
        *self = Table::new(self.max_slots);
    }
}
