//! The one integration test binary (DESIGN.md §7): golden tests over the
//! fixtures, CLI tests, robustness, edge cases built in code, NetMon end to end,
//! and conformance against the shared public corpus (skipped when
//! `../shared/corpus` is absent).

mod archive;
mod cli;
mod conformance;
mod edge;
mod encap;
mod fingerprints;
mod golden;
mod netmon;
mod oracle;
mod read_thread;
mod robustness;
mod support;
