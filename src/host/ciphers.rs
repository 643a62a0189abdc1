//! Cipher suites: `Get-TlsCipherSuite | Format-List`, CLIXML, and the
//! `Functions` order lists of the registry (spec §2.10, §2.11).

use super::input::Line;
use super::{Snapshot, Src};

/// Parses `Get-TlsCipherSuite | Format-List`.
pub fn parse_list(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}

/// Parses CLIXML of `Get-TlsCipherSuite` objects.
pub fn parse_clixml(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}
