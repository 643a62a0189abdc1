//! Windows version: `ver`, `systeminfo` (spec §2.12).

use super::input::Line;
use super::{Snapshot, Src};

/// Parses a version section.
pub fn parse(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}
