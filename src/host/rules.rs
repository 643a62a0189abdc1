//! Host rules (spec §6): facts → findings.
