//! Schannel and HTTP.sys events: `wevtutil qe … /f:text`, `/f:xml`, Event
//! Viewer copies (spec §2.9).

use super::input::Line;
use super::{Snapshot, Src};

/// Parses `wevtutil qe … /f:text`.
pub fn parse_wevtutil_text(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}

/// Parses Event Viewer "copy details as text".
pub fn parse_viewer_text(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}

/// Parses event XML.
pub fn parse_xml(_src: &Src<'_>, _lines: &[Line<'_>], _snap: &mut Snapshot) {}
