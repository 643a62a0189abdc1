//! Certificate stores: `certutil -store`, `certutil -verifystore`, PowerShell
//! `Format-List` (spec §2.7, §2.8).

use super::input::Line;
use super::{Snapshot, Src};

/// Parses a `certutil -store` section.
pub fn parse_certutil(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}

/// Parses a `certutil -verifystore` / `-verify` section.
pub fn parse_verify(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}

/// Parses `Get-ChildItem Cert:\… | Format-List *`.
pub fn parse_powershell(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}
