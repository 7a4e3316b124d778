//! logseal: make log records safe to ship.
//!
//! One policy, compiled once into a [`Plan`]; a [`Filter`] runs each record through the
//! pipeline (parse -> normalise -> classify -> sample -> redact -> escape -> seal -> write) and
//! writes one JSON object per record. Everything logseal adds lives under the reserved top-level
//! key `logseal`. Host adapters (Fluent Bit, Envoy, Node, the CLI) translate their ABI to this
//! API and hold no filtering logic of their own.
//!
//! ```
//! use logseal::{Context, Filter, Plan};
//! let mut filter = Filter::new(Plan::default_policy());
//! let mut out = Vec::new();
//! let ctx = Context { time_ns: 1_764_237_600_000_000_000, ..Context::default() };
//! filter.process(br#"{"level":"info","logseal":"spoof"}"#, &ctx, &mut out);
//! assert_eq!(
//!     std::str::from_utf8(&out).unwrap(),
//!     r#"{"level":"info","logseal_original":"spoof","logseal":{"v":1,"renamed":"logseal_original","ingest":"2025-11-27T10:00:00.000000000Z"}}"#
//! );
//! ```

pub mod edits;
pub mod invisible;
pub mod json;
pub mod keyring;
pub mod keys;
pub mod pipeline;
pub mod policy;
pub mod predicate;
pub mod reader;
pub mod record;
pub mod sign;
pub mod stage;
pub mod swar;
pub mod verify;
pub mod wasm_abi;

pub use pipeline::{Context, Counters, Filter, Outcome};
pub use policy::{Plan, Policy, PolicyError};
