//! JSON on the per-record path: an iterative scanner that fills a reusable tape of tokens,
//! string decoding and encoding, and the writer that turns a tape plus edits back into bytes.
//!
//! serde_json stays for policies, keyrings and other cold paths: in Fluent Bit's interpreter a
//! serde_json round trip alone costs three times a whole Lua filter (shared/notes/fluent-bit.md).

pub mod canonical;
pub mod lookup;
pub mod number;
pub mod scan;
pub mod string;
pub mod tape;

pub use scan::{scan, ScanError, ScanLimits, ScanReport};
pub use tape::{flag, Kind, Token};
