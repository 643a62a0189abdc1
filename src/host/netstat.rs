//! `netstat -ano` / `netstat -anob` (spec §2.3).

use super::input::Line;
use super::{Snapshot, Src};

/// Parses a netstat section.
pub fn parse(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}
