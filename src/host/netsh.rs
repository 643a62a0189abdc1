//! `netsh http show sslcert` and `netsh http show iplisten` (spec §2.1, §2.2).

use super::input::Line;
use super::{Snapshot, Src};

/// Parses a `netsh http show sslcert` section.
pub fn parse_sslcert(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}

/// Parses a `netsh http show iplisten` section.
pub fn parse_iplisten(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}
