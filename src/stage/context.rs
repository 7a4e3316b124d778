//! What the stages share about one record: the host's facts ([`Context`]) and the record with
//! the decisions the stages have made so far ([`Pass`]). It sits below the pipeline and the
//! stages, so a stage that needs the host's facts (sampling reads its time) never reaches up
//! into the pipeline that runs it.

use crate::edits::Edits;
use crate::stage::notes::Notes;
use crate::record::{Record, Scratch};
use crate::stage::fields::Fields;

/// What the host knows about a record besides its bytes.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context<'a> {
    /// Host time in nanoseconds since the Unix epoch (ingest time).
    pub time_ns: i64,
    /// The host's tag for the record (Fluent Bit), empty elsewhere.
    pub tag: &'a [u8],
    /// The record's full length when the host had to cut it before handing it over.
    pub declared_len: Option<u64>,
}

/// One record on its way through the stages: what every stage reads (the record, its
/// well-known fields, the host's facts) and what every stage adds to (edits, notes), with the
/// scratch buffers they share. Each stage takes this one context and its own state, instead of
/// the same half-dozen arguments each.
pub struct Pass<'r> {
    /// The parsed record (the input bytes and the tape over them).
    pub rec: Record<'r>,
    /// The record's well-known fields, found once before the stages run.
    pub fields: &'r Fields,
    /// The host's facts about the record.
    pub host: &'r Context<'r>,
    /// What the stages decided to change, applied by the writer.
    pub edits: &'r mut Edits,
    /// What the stages say about the record, written under the reserved key.
    pub notes: &'r mut Notes,
    /// Reusable buffers for decoded text.
    pub scratch: &'r mut Scratch,
}
