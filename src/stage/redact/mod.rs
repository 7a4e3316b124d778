//! Redaction: remove what must not be shipped. This slice is the allowlist mode
//! the lockdown policy runs on; detectors, key rules and actions build on the same seams.

pub mod allowlist;
pub mod keyname;
