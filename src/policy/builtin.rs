//! The built-in policies and the policy's JSON Schema, shipped inside the binary.

/// The secure default, used when no policy is given. `host-examples/policies/default.json`
/// is this text, checked by a test.
pub const DEFAULT: &str = include_str!("default.json");

/// What a host runs when its own policy cannot be loaded: the schema fields pass, every
/// other value is masked, and each record carries the load error.
pub const LOCKDOWN: &str = include_str!("lockdown.json");

/// JSON Schema (draft 2020-12) of the policy, for editors.
pub const SCHEMA: &str = include_str!("schema.json");
