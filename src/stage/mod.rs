//! The record pipeline's stages, in the order they run:
//! parse -> (normalise -> classify -> sample) -> redact -> (escape/truncate -> seal) -> write.
//! Stages in parentheses arrive with their own issues; each stage is its own module and
//! records decisions ([`crate::edits::Edits`], [`crate::stage::notes::Notes`]) rather than bytes.

pub mod classify;
pub mod context;
pub mod encrypt;
pub mod escape;
pub mod fields;
pub mod names;
pub mod normalise;
pub mod notes;
pub mod parse;
pub mod redact;
pub mod sample;
pub mod seal;
pub mod text;
pub mod write;
