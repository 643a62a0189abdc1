//! Registry dumps: `reg query /s`, `.reg` exports, PowerShell listings (spec §2.4–2.6).

use super::input::Line;
use super::{Snapshot, Src};

/// Parses a `reg query … /s` section.
pub fn parse_reg_query(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}

/// Parses a `.reg` export.
pub fn parse_reg_export(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}

/// Parses a PowerShell registry listing.
pub fn parse_powershell(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}
