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
mod host;
mod host_events;
mod host_inputs;
mod host_registry;
mod host_rules;
mod netmon;
mod oracle;
mod read_thread;
mod robustness;
mod support;
