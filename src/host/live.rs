//! Live collection on Windows: runs the commands of spec §1.1 and feeds
//! their output to the same parsers as uploaded exports.
