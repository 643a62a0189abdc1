//! Host facts set against a capture's findings.
