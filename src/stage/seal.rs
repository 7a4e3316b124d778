//! The last stage: seal each written record into an HMAC-SHA256 hash chain.
//!
//! A seal lives under `logseal.seal`:
//!
//! ```json
//! {"chain":"k3V0...","ckpt":{"count":1000},"cov":["ts","level","msg"],"kid":"prod-seal-1",
//!  "prev":"<MAC of the previous record>","seq":1000,"v":1,"mac":"<MAC of this record>"}
//! ```
//!
//! - `chain`: random at each start (16 bytes from the host, base64url), then `.instance` when
//!   the policy names one. `seq` counts from 1 in each chain; `prev` is the previous record's
//!   MAC (empty for the first).
//! - `cov`: the root members the seal covers, as written. The reserved object is always
//!   covered, except the seal's `mac`. Fields a shipper adds later (`date`, `@timestamp`) are
//!   outside the coverage and reported by the verifier, not mistaken for tampering.
//! - `ckpt`: every `seal.checkpoint_every` records, the number of sequence numbers the chain
//!   has issued, so a verifier knows up to where the stream was complete.
//! - `mac` = HMAC-SHA256(chain key, `"logseal-seal-1\n"` + canonical(record without
//!   `logseal.seal`) + `"\n"` + canonical(seal without `mac`)), base64url without padding. The
//!   canonical form is [`crate::json::canonical`]; the chain key is HMAC-SHA256(master,
//!   `"logseal-seal-chain-1\n"` + chain), so one chain's key says nothing about another's.
//!
//! A gap record (`logseal.gap.dropped = N`) is sealed like any other: the host dropped the N
//! records sealed just before it (their sequence numbers are missing on purpose).

use crate::json::canonical::{self, Canon};
use crate::json::{flag, scan, string, Kind, ScanLimits, Token};
use crate::keys::{hmac_sha256, Key, KeySet};
use crate::stage::notes::push_u64;
use crate::sign::{self, Segment, SignKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub type HmacSha256 = Hmac<Sha256>;

/// Version of the seal format new chains use unless the policy says `seal.version`.
pub const SEAL_VERSION: u32 = 2;
/// The seal versions this build writes and verifies.
pub const SEAL_VERSIONS: [u32; 2] = [1, 2];
/// Domain separation of v1 record MACs.
pub const MAC_CONTEXT: &[u8] = b"logseal-seal-1\n";
/// Domain separation of v1 chain keys.
pub const CHAIN_CONTEXT: &[u8] = b"logseal-seal-chain-1\n";
/// Domain separation of v2 record MACs.
pub const MAC_CONTEXT_V2: &[u8] = b"logseal-seal-2\n";
/// Domain separation of v2 chain keys.
pub const CHAIN_CONTEXT_V2: &[u8] = b"logseal-seal-chain-2\n";
/// Domain separation of the forward-secure key step: k(e+1) = HMAC(k(e), this + e as 8 bytes
/// big-endian).
pub const EVOLVE_CONTEXT: &[u8] = b"logseal-evolve-1\n";
/// A v2 seal keeps the first 16 bytes of the HMAC-SHA256 output (22 base64url characters).
pub const MAC_V2_BYTES: usize = 16;

/// Root fields shippers add on their way (Fluent Bit's `date`, Logstash's `@timestamp`, ...):
/// outside a seal's coverage they are only noted, any other uncovered field is a problem. A v2
/// seal covers every root field except these, unless it lists its coverage (`cv`).
pub const TRANSPORT_FIELDS: &[&str] = &["date", "@timestamp", "@version", "time", "tag", "_p", "stream", "logtag", "fluentbit_tag"];
/// The longest name in [`TRANSPORT_FIELDS`].
const TRANSPORT_NAME_MAX: usize = 13;
/// Bytes of randomness in a chain id.
pub const CHAIN_RANDOM_BYTES: usize = 16;

/// A fixed chain seed written as 32 hex digits (`--chain-seed`, `chainSeed`), for tests and
/// reproducible runs; None for anything else.
///
/// ```
/// use logseal::stage::seal::parse_chain_seed;
/// assert_eq!(parse_chain_seed("000102030405060708090a0b0c0d0e0f").map(|s| s[15]), Some(15));
/// assert_eq!(parse_chain_seed("00"), None);
/// ```
pub fn parse_chain_seed(hex: &str) -> Option<[u8; CHAIN_RANDOM_BYTES]> {
    let mut seed = [0u8; CHAIN_RANDOM_BYTES];
    if hex.len() != 2 * CHAIN_RANDOM_BYTES {
        return None;
    }
    for (i, byte) in seed.iter_mut().enumerate() {
        *byte = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(seed)
}

/// The compiled `seal` section of a policy.
#[derive(Clone, Debug)]
pub struct Sealer {
    /// The active seal key signs; the others are not used here (verifiers hold them).
    key: Key,
    instance: Option<String>,
    checkpoint_every: u64,
    /// Seal the host's tag: written as `logseal.tag` before the seal.
    cover_tag: bool,
    /// The seal format written: 1 or 2 (compact).
    version: u32,
    /// Forward-secure key evolution (v2 only): a new epoch after this many records (0: not by
    /// count) or once this many nanoseconds passed since the epoch's first record (0: not by
    /// time).
    evolve: Evolve,
    /// `keys.sign`: every checkpoint carries an Ed25519 signature over the records since the
    /// previous one ([`crate::sign`]).
    signer: Option<SignKey>,
}

/// When the chain key moves on (policy `seal.evolve`); both zero: never.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evolve {
    pub every_records: u64,
    pub every_ns: u64,
}

impl Evolve {
    fn on(self) -> bool {
        self.every_records > 0 || self.every_ns > 0
    }
}

/// One hash chain: its id, key and position.
pub struct Chain {
    id: String,
    mac: HmacSha256,
    seq: u64,
    /// The previous record's MAC, base64url (empty before the first record; v1 only).
    prev: Vec<u8>,
    /// The key epoch (forward-secure evolution), the records sealed in it, and the host time
    /// of its first record.
    epoch: u64,
    in_epoch: u64,
    epoch_start_ns: i64,
    /// With `keys.sign`: the open segment and the hash of the previous checkpoint's message.
    signing: Option<(Segment, [u8; 32])>,
}

impl Chain {
    /// The chain id as written in seals.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The sequence number the next sealed record gets.
    pub fn next_seq(&self) -> u64 {
        self.seq + 1
    }

    /// The key epoch the next sealed record gets (0 without `seal.evolve`).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }
}

/// Reusable buffers for sealing.
#[derive(Default)]
pub struct Buffers {
    tape: Vec<Token>,
    stack: Vec<u32>,
    canon: Canon,
    body: Vec<u8>,
    seal: Vec<u8>,
    text: Vec<u8>,
    name: Vec<u8>,
    /// A checkpoint's signed message and its signature field.
    sign_msg: Vec<u8>,
    sign_field: Vec<u8>,
}

/// Why a record could not be sealed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealError {
    /// The host gave no randomness, so no chain could start.
    NoChain,
    /// The record to seal is not the JSON object logseal writes (a bug, reported not hidden).
    Unreadable,
}

impl SealError {
    pub fn message(self) -> &'static str {
        match self {
            SealError::NoChain => "not sealed: the host gave no randomness to start a hash chain",
            SealError::Unreadable => "not sealed: the record could not be read back for sealing",
        }
    }
}

impl Sealer {
    /// A sealer signing with the active key of `keys`, writing seal format `version` (1 or 2;
    /// anything else is 2); None when the set has no active key.
    pub fn new(keys: &KeySet, instance: Option<String>, checkpoint_every: u64, cover_tag: bool, version: u32) -> Option<Sealer> {
        let version = if version == 1 { 1 } else { 2 };
        Some(Sealer { key: keys.active()?.clone(), instance, checkpoint_every, cover_tag, version, evolve: Evolve::default(), signer: None })
    }

    /// The same sealer signing every checkpoint with `key` (`keys.sign`).
    pub fn with_signer(mut self, key: SignKey) -> Sealer {
        self.signer = Some(key);
        self
    }

    /// The Ed25519 public key checkpoints are signed with, when the sealer signs.
    pub fn sign_public(&self) -> Option<(&str, [u8; sign::PUBLIC_BYTES])> {
        self.signer.as_ref().map(|k| (k.id(), k.public()))
    }

    /// The same sealer with forward-secure key evolution (v2 seals only; ignored for v1).
    pub fn with_evolve(mut self, evolve: Evolve) -> Sealer {
        if self.version != 1 {
            self.evolve = evolve;
        }
        self
    }

    /// One line for `logseal check`.
    pub fn describe(&self) -> String {
        let ckpt = match self.checkpoint_every {
            0 => "no checkpoints".to_string(),
            n => format!("a checkpoint every {n} records"),
        };
        let instance = self.instance.as_deref().map_or(String::new(), |i| format!(", chains labelled .{i}"));
        let tag = if self.cover_tag { ", the host's tag sealed" } else { "" };
        let evolve = match (self.evolve.every_records, self.evolve.every_ns / 1_000_000_000) {
            (0, 0) => String::new(),
            (r, 0) => format!(", the key evolving every {r} records"),
            (0, t) => format!(", the key evolving every {t} s"),
            (r, t) => format!(", the key evolving every {r} records or {t} s"),
        };
        let signed = self.signer.as_ref().map_or(String::new(), |k| format!(", checkpoints signed with Ed25519 key {}", k.id()));
        format!("seal v{}, key {}, {ckpt}{instance}{tag}{evolve}{signed}", self.version, self.key.id)
    }

    /// Whether the key evolves (`seal.evolve`).
    pub fn evolves(&self) -> bool {
        self.evolve.on()
    }

    /// Drops the master key (its bytes are wiped on drop): after a forward-secure chain
    /// started, nothing in the filter can derive its earlier epoch keys. No chain starts after.
    pub fn forget_master(&mut self) {
        self.key.secret = crate::keys::Secret::new(Vec::new());
    }

    /// Starts a chain from 16 random bytes the host drew; None once the master key is gone
    /// ([`Sealer::forget_master`]).
    pub fn start(&self, random: &[u8; CHAIN_RANDOM_BYTES]) -> Option<Chain> {
        if self.key.secret.expose().is_empty() {
            return None;
        }
        let mut id = URL_SAFE_NO_PAD.encode(random);
        // v2 writes the instance only on record 1 and checkpoints (`i`), not in every id.
        if let (1, Some(label)) = (self.version, &self.instance) {
            id.push('.');
            id.push_str(label);
        }
        Some(Chain { mac: chain_mac_v(self.version, self.key.secret.expose(), &id), id, seq: 0, prev: Vec::new(), epoch: 0, in_epoch: 0, epoch_start_ns: 0, signing: self.signer.as_ref().map(|_| (Segment::default(), [0; 32])) })
    }

    /// Seals `out`, which holds one record as logseal writes it (ending with the reserved
    /// object): adds `logseal.seal` and advances the chain. With `seal.cover_tag`, `tag` (the
    /// host's tag for the record; None for records the host did not hand over, such as gap
    /// records) is written as `logseal.tag` first, so the MAC covers it. `time_ns` is the host
    /// time, for key evolution by time.
    pub fn seal(&self, chain: &mut Chain, buf: &mut Buffers, tag: Option<&[u8]>, time_ns: i64, out: &mut Vec<u8>) -> Result<(), SealError> {
        if !out.ends_with(b"}}") {
            return Err(SealError::Unreadable);
        }
        if let (true, Some(tag)) = (self.cover_tag, tag) {
            // `...}}` -> `...,"tag":"..."}}`; the tag made visible like every name logseal writes.
            out.truncate(out.len() - 2);
            if !out.ends_with(b"{") {
                out.push(b',');
            }
            out.extend_from_slice(b"\"tag\":\"");
            crate::stage::escape::encode_visible(String::from_utf8_lossy(tag).as_bytes(), false, out);
            out.extend_from_slice(b"\"}}");
        }
        let limits = ScanLimits { max_depth: u16::MAX, max_fields: u32::MAX };
        scan(out, limits, &mut buf.tape, &mut buf.stack).map_err(|_| SealError::Unreadable)?;
        buf.body.clear();
        canonical::write(out, &buf.tape, &mut buf.canon, |_, _| true, &mut buf.body);

        let seq = chain.seq + 1;
        let checkpoint = self.checkpoint_every > 0 && seq % self.checkpoint_every == 0;
        // The last record of its epoch says so (`x`), under the epoch's key: a later key
        // cannot re-seal earlier records without breaking that link.
        let start_ns = if chain.in_epoch == 0 { time_ns } else { chain.epoch_start_ns };
        let by_count = self.evolve.every_records > 0 && chain.in_epoch + 1 >= self.evolve.every_records;
        let by_time = self.evolve.every_ns > 0 && time_ns.saturating_sub(start_ns) as u64 >= self.evolve.every_ns && time_ns > start_ns;
        let last = by_count || by_time;
        buf.seal.clear();
        let sign_at = if self.version == 1 {
            self.seal_object_v1(chain, buf, out, seq, checkpoint)
        } else {
            self.seal_object_v2(chain, buf, out, seq, checkpoint, last)
        };
        if let (Some(key), Some((segment, prev))) = (&self.signer, &mut chain.signing) {
            // The commitment binds the content (canonical body and seal, no MAC): a public
            // verifier recomputes it. The signature goes into the seal, under the MAC.
            segment.push(&sign::record_digest(&buf.body, &buf.seal));
            if checkpoint {
                let hash = segment.close();
                sign::message(&chain.id, seq, key.id(), prev, &hash, &mut buf.sign_msg);
                let signature = key.sign(&buf.sign_msg);
                write_signature(self.version, key.id(), prev, &hash, &signature, &mut buf.sign_field);
                *prev = sign::checkpoint_hash(&buf.sign_msg);
                buf.seal.splice(sign_at..sign_at, buf.sign_field.iter().copied());
            }
        }
        let full = record_mac_v(self.version, &chain.mac, &buf.body, &buf.seal);
        let tag = match self.version {
            1 => &full[..],
            _ => &full[..MAC_V2_BYTES],
        };
        // At most 32 bytes are 43 base64url characters: encoded on the stack, no allocation.
        let mut text = [0u8; 43];
        let n = URL_SAFE_NO_PAD.encode_slice(tag, &mut text).unwrap_or(0);
        let tag = &text[..n];
        // `...}}` -> `...,"seal":{...,"mac":"..."}}}` (v2: `...,"s":{...,"m":"..."}}}`)
        out.truncate(out.len() - 2);
        out.extend_from_slice(if self.version == 1 { b",\"seal\":" } else { b",\"s\":" });
        out.extend_from_slice(&buf.seal[..buf.seal.len() - 1]);
        out.extend_from_slice(if self.version == 1 { b",\"mac\":\"" } else { b",\"m\":\"" });
        out.extend_from_slice(tag);
        out.extend_from_slice(b"\"}}}");
        chain.seq = seq;
        if self.version == 1 {
            chain.prev.clear();
            chain.prev.extend_from_slice(tag);
        }
        chain.in_epoch += 1;
        chain.epoch_start_ns = start_ns;
        if last {
            // The old key state is overwritten in place, at once.
            chain.mac = evolve_step(&chain.mac, chain.epoch);
            chain.epoch += 1;
            chain.in_epoch = 0;
        }
        Ok(())
    }

    /// The v1 seal without its MAC, written directly in canonical form (sorted keys,
    /// canonical strings); returns where a checkpoint signature (`sig`) goes.
    fn seal_object_v1(&self, chain: &Chain, buf: &mut Buffers, out: &[u8], seq: u64, checkpoint: bool) -> usize {
        let s = &mut buf.seal;
        s.extend_from_slice(b"{\"chain\":");
        string::encode(&chain.id, s);
        if checkpoint {
            s.extend_from_slice(b",\"ckpt\":{\"count\":");
            push_u64(s, seq);
            s.push(b'}');
        }
        s.extend_from_slice(b",\"cov\":");
        write_cov(buf, out);
        let s = &mut buf.seal;
        s.extend_from_slice(b",\"kid\":");
        string::encode(&self.key.id, s);
        // base64url needs no escaping.
        s.extend_from_slice(b",\"prev\":\"");
        s.extend_from_slice(&chain.prev);
        s.push(b'"');
        s.extend_from_slice(b",\"seq\":");
        push_u64(s, seq);
        let sign_at = s.len();
        s.extend_from_slice(b",\"v\":1}");
        sign_at
    }

    /// The v2 (compact) seal without its MAC, in canonical form: `c` the chain id, `cv` the
    /// coverage only when a root field has a transport field's name (otherwise every root
    /// field is covered), `i` the instance and `k` the key id on record 1 and checkpoints,
    /// `n` the sequence number, `p` the checkpoint count; returns where a checkpoint
    /// signature (`g`, after `e`) goes.
    fn seal_object_v2(&self, chain: &Chain, buf: &mut Buffers, out: &[u8], seq: u64, checkpoint: bool, last: bool) -> usize {
        buf.seal.extend_from_slice(b"{\"c\":");
        string::encode(&chain.id, &mut buf.seal);
        if has_transport_name(buf, out) {
            buf.seal.extend_from_slice(b",\"cv\":");
            write_cov(buf, out);
        }
        let s = &mut buf.seal;
        if self.evolve.on() {
            s.extend_from_slice(b",\"e\":");
            push_u64(s, chain.epoch);
        }
        let sign_at = s.len();
        let declare = seq == 1 || checkpoint;
        if let (true, Some(label)) = (declare, &self.instance) {
            s.extend_from_slice(b",\"i\":");
            string::encode(label, s);
        }
        if declare {
            s.extend_from_slice(b",\"k\":");
            string::encode(&self.key.id, s);
        }
        s.extend_from_slice(b",\"n\":");
        push_u64(s, seq);
        if checkpoint {
            s.extend_from_slice(b",\"p\":");
            push_u64(s, seq);
        }
        if last {
            s.extend_from_slice(b",\"x\":1");
        }
        s.push(b'}');
        sign_at
    }
}

/// A checkpoint's signature field, in canonical form, with its leading comma: v2
/// `,"g":{"h":prev,"k":kid,"r":segment,"s":signature}`, v1
/// `,"sig":{"kid":kid,"prev":prev,"seg":segment,"sig":signature}` (hashes and signature in
/// base64url without padding).
fn write_signature(version: u32, kid: &str, prev: &[u8; 32], segment: &[u8; 32], signature: &[u8; sign::SIGNATURE_BYTES], out: &mut Vec<u8>) {
    // Members in canonical (sorted) order: v2 h k r s, v1 kid prev seg sig.
    let (open, id_name, names): (&[u8], &[u8], [&[u8]; 3]) = if version == 1 {
        (b",\"sig\":{", b"\"kid\":", [b"\"prev\":", b"\"seg\":", b"\"sig\":"])
    } else {
        (b",\"g\":{", b"\"k\":", [b"\"h\":", b"\"r\":", b"\"s\":"])
    };
    out.clear();
    out.extend_from_slice(open);
    // 64 bytes are 86 base64url characters: encoded on the stack.
    let mut text = [0u8; 86];
    let mut field = |out: &mut Vec<u8>, name: &[u8], bytes: &[u8]| {
        out.extend_from_slice(name);
        out.push(b'"');
        let n = URL_SAFE_NO_PAD.encode_slice(bytes, &mut text).unwrap_or(0);
        out.extend_from_slice(&text[..n]);
        out.push(b'"');
    };
    if version == 1 {
        out.extend_from_slice(id_name);
        string::encode(kid, out);
        out.push(b',');
        field(out, names[0], prev);
    } else {
        field(out, names[0], prev);
        out.push(b',');
        out.extend_from_slice(id_name);
        string::encode(kid, out);
    }
    out.push(b',');
    field(out, names[1], segment);
    out.push(b',');
    field(out, names[2], signature);
    out.push(b'}');
}

/// Root members of the record in `buf.tape` other than the reserved object, as a canonical
/// array of names, appended to `buf.seal`.
fn write_cov(buf: &mut Buffers, out: &[u8]) {
    buf.seal.push(b'[');
    let tape = &buf.tape;
    let mut first = true;
    let mut i = 1;
    while let Some(tok) = tape.get(i) {
        if tok.kind == Kind::Key && tok.raw(out) != crate::stage::notes::RESERVED_KEY.as_bytes() {
            if !first {
                buf.seal.push(b',');
            }
            first = false;
            canonical::token_string(out, tok, &mut buf.text, &mut buf.seal);
        }
        i = tape.get(i + 1).map_or(usize::MAX, |v| v.next as usize);
    }
    buf.seal.push(b']');
}

/// Whether a root member's name (decoded) is one of [`TRANSPORT_FIELDS`]: then a v2 seal
/// lists its coverage, since a verifier would otherwise leave that member uncovered.
fn has_transport_name(buf: &mut Buffers, out: &[u8]) -> bool {
    let tape = &buf.tape;
    let mut i = 1;
    while let Some(tok) = tape.get(i) {
        if tok.kind == Kind::Key {
            let raw = tok.raw(out);
            let hit = if tok.flags & flag::ESCAPED == 0 || tok.flags & flag::RAW_TEXT != 0 {
                // Without escapes the name is its raw text: compared in place, nothing decoded.
                raw.len() <= TRANSPORT_NAME_MAX && TRANSPORT_FIELDS.iter().any(|t| t.as_bytes() == raw)
            } else if raw.len() <= 6 * TRANSPORT_NAME_MAX {
                // Transport names are short ASCII: a longer escaped name cannot spell one.
                buf.name.clear();
                canonical::token_string(out, tok, &mut buf.text, &mut buf.name);
                let name = buf.name.get(1..buf.name.len().saturating_sub(1)).unwrap_or(&[]);
                TRANSPORT_FIELDS.iter().any(|t| t.as_bytes() == name)
            } else {
                false
            };
            if hit {
                return true;
            }
        }
        i = tape.get(i + 1).map_or(usize::MAX, |v| v.next as usize);
    }
    false
}

/// One forward-secure step: the key of epoch `epoch + 1` from the key of `epoch`,
/// HMAC(k, [`EVOLVE_CONTEXT`] + epoch as 8 bytes big-endian). One-way: the new key says
/// nothing about the old one.
pub fn evolve_step(key: &HmacSha256, epoch: u64) -> HmacSha256 {
    let mut step = key.clone();
    step.update(EVOLVE_CONTEXT);
    step.update(&epoch.to_be_bytes());
    let mut next: [u8; 32] = step.finalize().into_bytes().into();
    let key = hmac_sha256(&next);
    // Wipe the raw key bytes; black_box keeps the stores from being optimised away.
    next.fill(0);
    std::hint::black_box(&next);
    key
}

/// The key of epoch `to` from the key of epoch `from` (`from <= to`).
pub fn epoch_key(key: &HmacSha256, from: u64, to: u64) -> HmacSha256 {
    let mut k = key.clone();
    for e in from..to {
        k = evolve_step(&k, e);
    }
    k
}

/// The v1 key of chain `id` under `master`.
pub fn chain_mac(master: &[u8], id: &str) -> HmacSha256 {
    chain_mac_v(1, master, id)
}

/// The key of chain `id` under `master` for seal format `version` (each version its own
/// domain, so a key of one format never checks a MAC of the other).
pub fn chain_mac_v(version: u32, master: &[u8], id: &str) -> HmacSha256 {
    let mut derive = hmac_sha256(master);
    derive.update(if version == 1 { CHAIN_CONTEXT } else { CHAIN_CONTEXT_V2 });
    derive.update(id.as_bytes());
    hmac_sha256(&derive.finalize().into_bytes())
}

/// The v1 MAC of a record: the chain key over the canonical body and the canonical seal.
pub fn record_mac(chain: &HmacSha256, body: &[u8], seal: &[u8]) -> [u8; 32] {
    record_mac_v(1, chain, body, seal)
}

/// The full HMAC-SHA256 output over a record for seal format `version` (v2 writes its first
/// [`MAC_V2_BYTES`]).
pub fn record_mac_v(version: u32, chain: &HmacSha256, body: &[u8], seal: &[u8]) -> [u8; 32] {
    prepared_v(version, chain, body, seal).finalize().into_bytes().into()
}

/// The v1 MAC state over a record, for constant-time verification with `verify_slice`.
pub fn prepared(chain: &HmacSha256, body: &[u8], seal: &[u8]) -> HmacSha256 {
    prepared_v(1, chain, body, seal)
}

/// The MAC state over a record for seal format `version`.
pub fn prepared_v(version: u32, chain: &HmacSha256, body: &[u8], seal: &[u8]) -> HmacSha256 {
    let mut mac = chain.clone();
    mac.update(if version == 1 { MAC_CONTEXT } else { MAC_CONTEXT_V2 });
    mac.update(body);
    mac.update(b"\n");
    mac.update(seal);
    mac
}

/// Whether `tag` is the MAC of a record for seal format `version`: 32 bytes for v1, exactly
/// [`MAC_V2_BYTES`] for v2 (a shorter tag is never accepted). Constant time.
pub fn mac_holds_v(version: u32, chain: &HmacSha256, body: &[u8], seal: &[u8], tag: &[u8]) -> bool {
    let mac = prepared_v(version, chain, body, seal);
    match version {
        1 => mac.verify_slice(tag).is_ok(),
        _ => tag.len() == MAC_V2_BYTES && mac.verify_truncated_left(tag).is_ok(),
    }
}



#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_seeds_are_32_hex_digits() {
        assert_eq!(parse_chain_seed("zz0102030405060708090a0b0c0d0e0f"), None);
        // Multi-byte characters must not split a char boundary into a panic.
        assert_eq!(parse_chain_seed("é0102030405060708090a0b0c0d0e0f"), None);
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// RFC 4231 test cases 1, 2 and 6 (key longer than the block size).
    #[test]
    fn hmac_sha256_known_answers() {
        let cases: [(&[u8], &[u8], &str); 3] = [
            (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            (&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        ];
        for (key, data, want) in cases {
            let mut mac = <HmacSha256 as Mac>::new_from_slice(key).unwrap();
            mac.update(data);
            assert_eq!(hex(&mac.finalize().into_bytes()), want);
        }
    }
}
