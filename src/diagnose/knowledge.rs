//! What each server showed across the whole capture.
//!
//! Input: every finished [`Handshake`], in the order the pipeline finishes
//! them. Output: one [`ServerView`] per server address — the versions, cipher
//! suites and groups it negotiated, the highest version it chose when the
//! client offered more, and whether it served clients with and without SNI —
//! each with the first frame that shows it.
//! Rules read it to tell causes apart that one handshake cannot: a generic
//! `handshake_failure` from a server that negotiated only TLS 1.0 elsewhere is
//! a version problem; from one that negotiated TLS 1.2 with a suite this client
//! does not offer, a cipher problem; a reset of an SNI-less hello by a server
//! that serves SNI-bearing ones is a missing default binding.
//! Invariants: bounded — at most [`MAX_SERVERS`] servers, a few entries per
//! list; past the cap a server is simply unknown (rules then fall back to the
//! single-handshake clues).

use std::collections::HashMap;
use std::net::SocketAddr;

use crate::session::{Handshake, Outcome};
use crate::tls::{CipherSuite, NamedGroup, Version};

/// Servers remembered.
pub const MAX_SERVERS: usize = 10_000;
/// Distinct values kept per list.
const MAX_VALUES: usize = 12;

/// A value seen, with how often and where first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen<T> {
    /// The value.
    pub value: T,
    /// Handshakes that showed it.
    pub count: u64,
    /// First frame showing it (a ServerHello).
    pub frame: u64,
}

fn note<T: PartialEq + Copy>(list: &mut Vec<Seen<T>>, value: T, frame: u64) {
    if let Some(s) = list.iter_mut().find(|s| s.value == value) {
        s.count += 1;
    } else if list.len() < MAX_VALUES {
        list.push(Seen {
            value,
            count: 1,
            frame,
        });
    }
}

/// What one server showed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerView {
    /// Handshakes with a ClientHello to this server.
    pub handshakes: u64,
    /// Of which established.
    pub established: u64,
    /// Versions of established handshakes.
    pub versions: Vec<Seen<Version>>,
    /// Cipher suites of established handshakes.
    pub suites: Vec<Seen<CipherSuite>>,
    /// Key-exchange groups of established TLS 1.3 handshakes.
    pub groups: Vec<Seen<NamedGroup>>,
    /// The server chose this version although the client offered a higher
    /// one: the server's highest enabled version (the lowest such choice).
    pub capped: Option<Seen<Version>>,
    /// Established handshakes whose ClientHello carried SNI.
    pub with_sni: Option<Seen<()>>,
    /// Established handshakes whose ClientHello carried no SNI.
    pub without_sni: Option<Seen<()>>,
}

impl ServerView {
    /// The highest version this server is known to negotiate.
    pub fn max_version(&self) -> Option<Seen<Version>> {
        let mut best = self.capped;
        for v in &self.versions {
            if best.is_none_or(|b| v.value > b.value) {
                best = Some(*v);
            }
        }
        best
    }

    /// The server's highest enabled version is proven to be this (it chose it
    /// over a higher offer).
    pub fn proven_max(&self) -> Option<Seen<Version>> {
        let c = self.capped?;
        // An established handshake at a higher version disproves it (two
        // servers behind one address, or a configuration change).
        if self.versions.iter().any(|v| v.value > c.value) {
            None
        } else {
            Some(c)
        }
    }

    fn learn(&mut self, h: &Handshake) {
        let Some(ch) = &h.client_hello else {
            return;
        };
        self.handshakes += 1;
        if let Some(sh) = &h.server_hello
            && !sh.sslv2_format
        {
            let (_, cmax) = ch.version_range();
            if sh.version < cmax && sh.version.0 >= 0x0300 && sh.version.0 <= 0x0304 {
                match &mut self.capped {
                    Some(c) if c.value == sh.version => c.count += 1,
                    Some(c) if c.value < sh.version => {}
                    _ => {
                        self.capped = Some(Seen {
                            value: sh.version,
                            count: 1,
                            frame: sh.frame,
                        })
                    }
                }
            }
        }
        if h.outcome != Outcome::Established {
            return;
        }
        self.established += 1;
        let Some(sh) = &h.server_hello else {
            return;
        };
        note(&mut self.versions, sh.version, sh.frame);
        if let Some(cs) = sh.cipher_suite {
            note(&mut self.suites, cs, sh.frame);
        }
        if let Some(g) = sh.group {
            note(&mut self.groups, g, sh.frame);
        }
        let slot = if ch.sni.is_some() {
            &mut self.with_sni
        } else {
            &mut self.without_sni
        };
        match slot {
            Some(s) => s.count += 1,
            None => {
                *slot = Some(Seen {
                    value: (),
                    count: 1,
                    frame: ch.frame,
                })
            }
        }
    }
}

/// Every server's view.
#[derive(Debug, Default)]
pub struct Knowledge {
    servers: HashMap<SocketAddr, ServerView>,
}

impl Knowledge {
    /// Learns from one finished handshake.
    pub fn learn(&mut self, h: &Handshake) {
        let n = self.servers.len();
        match self.servers.get_mut(&h.server) {
            Some(v) => v.learn(h),
            None if n < MAX_SERVERS => self.servers.entry(h.server).or_default().learn(h),
            None => {}
        }
    }

    /// What `server` showed so far (an empty view when unknown).
    pub fn view(&self, server: &SocketAddr) -> &ServerView {
        static EMPTY: ServerView = ServerView {
            handshakes: 0,
            established: 0,
            versions: Vec::new(),
            suites: Vec::new(),
            groups: Vec::new(),
            capped: None,
            with_sni: None,
            without_sni: None,
        };
        self.servers.get(server).unwrap_or(&EMPTY)
    }
}
