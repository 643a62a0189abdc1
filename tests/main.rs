//! The one integration test binary (DESIGN.md §7): golden tests over the
//! fixtures, CLI tests, robustness, edge cases built in code, and conformance
//! against the shared public corpus (skipped when `../shared/corpus` is absent).

mod cli;
mod conformance;
mod edge;
mod encap;
mod golden;
mod oracle;
mod robustness;
mod support;
