//! SCHANNEL protocol state resolved from the registry and the OS defaults
//! (spec §3.1, §3.2).
