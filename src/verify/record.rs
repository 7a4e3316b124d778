//! Reading one sealed record back: its seal, what it covers, and whether its MAC holds.

use crate::json::canonical::{self, Canon};
use crate::json::lookup::Lookup;
use crate::json::{flag, scan, string, Kind, ScanLimits, Token};
use crate::stage::notes::RESERVED_KEY;
use crate::stage::seal::{self, HmacSha256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

pub use crate::stage::seal::TRANSPORT_FIELDS;

/// The seal of a record and what reading it found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sealed {
    /// The seal format: 1 (`logseal.seal`) or 2 (`logseal.s`).
    pub version: u32,
    pub chain: String,
    pub seq: u64,
    /// The previous record's MAC (v1; empty in v2, which writes no link).
    pub prev: String,
    /// The key id; v2 writes it on record 1 and checkpoints only (empty elsewhere).
    pub kid: String,
    /// The instance label a v2 seal declares on record 1 and checkpoints.
    pub instance: Option<String>,
    /// The key epoch (`e`) of a v2 seal with forward-secure evolution.
    pub epoch: Option<u64>,
    /// The record is the last of its epoch (`x`): the next one is sealed with the next key.
    pub last_of_epoch: bool,
    /// The MAC as written (base64url).
    pub mac: String,
    /// `ckpt.count`, on checkpoint records.
    pub checkpoint: Option<u64>,
    /// `logseal.gap.dropped`, on gap records.
    pub gap: Option<u64>,
    /// Root fields outside the coverage that are transport fields.
    pub transport: Vec<String>,
    /// Root fields outside the coverage that are not transport fields.
    pub uncovered: Vec<String>,
    /// Covered fields that are gone.
    pub missing: Vec<String>,
    /// The record names a root field twice: readers may disagree about its value.
    pub duplicate_fields: bool,
    /// Where the line holds text that is not Unicode (invalid UTF-8 or a lone surrogate
    /// escape): the root field's name, or `""` for the transport wrapper. logseal never writes
    /// such text, so it was put there after sealing.
    pub invalid_text: Option<String>,
    /// `logseal.tag`: the host's tag, sealed (policy `seal.cover_tag`).
    pub tag: Option<String>,
    /// The tag of the unsealed transport wrapper (`tag: [time, {...}]`), when the line has one.
    pub wrapper_tag: Option<String>,
    /// A checkpoint's Ed25519 signature (`keys.sign`; v2 `g`, v1 `sig`).
    pub signed: Option<Signed>,
}

/// A checkpoint signature as written (see [`crate::sign`]): base64url fields, decoded by the
/// public verifier.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Signed {
    /// The signing key's id.
    pub kid: String,
    /// The hash of the previous checkpoint's signed message.
    pub prev: String,
    /// The hash of the records since the previous checkpoint.
    pub segment: String,
    pub signature: String,
}

/// Why a line is not a sealed record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadError {
    /// Not a JSON object (also not the `tag: [time, {...}]` form of Fluent Bit's `file` output).
    NotJson,
    /// A JSON object without `logseal.seal`.
    Unsealed,
    /// A seal that lacks a field or has one of the wrong type.
    Malformed(&'static str),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotJson => write!(f, "not a JSON object"),
            ReadError::Unsealed => write!(f, "no logseal.seal"),
            ReadError::Malformed(what) => write!(f, "malformed seal: {what}"),
        }
    }
}

/// Reads sealed records; its buffers are reused from line to line.
#[derive(Default)]
pub struct Reader {
    tape: Vec<Token>,
    stack: Vec<u32>,
    canon: Canon,
    body: Vec<u8>,
    seal: Vec<u8>,
    scratch: Vec<u8>,
    /// Covered names as listed (`cov`, `cv`): ranges into `cov_text`, with their hashes.
    cov: Vec<Name>,
    cov_text: Vec<u8>,
    /// The listed coverage applies (v1, or v2 with `cv`); else every root field but the
    /// reserved object and the transport fields is covered.
    listed: bool,
    /// The root members in input order: decoded names in `names_text`.
    names: Vec<Name>,
    names_text: Vec<u8>,
    /// Root key tokens the canonical form includes (covered, or the reserved object), ascending.
    included: Vec<u32>,
    look: Lookup,
    /// The seal format of the record last read.
    version: u32,
    /// The seal without its MAC and signature, when the record last read is signed.
    unsigned_seal: Vec<u8>,
    signed: bool,
}

impl Reader {
    /// Reads the seal of `line` and prepares the canonical form its MAC covers.
    pub fn read(&mut self, line: &[u8]) -> Result<Sealed, ReadError> {
        let (line, wrapper) = object_of(line).ok_or(ReadError::NotJson)?;
        let limits = ScanLimits { max_depth: 1024, max_fields: u32::MAX };
        if scan(line, limits, &mut self.tape, &mut self.stack).is_err() {
            return Err(ReadError::NotJson);
        }
        let invalid_text = match &wrapper {
            Some(w) if !w.valid => Some(String::new()),
            _ => self.invalid_text(line),
        };
        let reserved = self.look.member(line, &self.tape, 0, RESERVED_KEY.as_bytes()).ok_or(ReadError::Unsealed)?;
        if let Some(seal_key) = self.look.member(line, &self.tape, reserved + 1, b"s") {
            return self.read_v2(line, reserved, seal_key, invalid_text, wrapper);
        }
        let seal_key = self.look.member(line, &self.tape, reserved + 1, b"seal").ok_or(ReadError::Unsealed)?;
        let seal_obj = seal_key + 1;
        if self.tape.get(seal_obj).map(|t| t.kind) != Some(Kind::Object) {
            return Err(ReadError::Malformed("seal is not an object"));
        }
        self.version = 1;
        let mut s = Sealed {
            version: 1,
            chain: self.look.str_member(line, &self.tape, seal_obj, b"chain").ok_or(ReadError::Malformed("chain"))?,
            seq: self.look.uint_member(line, &self.tape, seal_obj, b"seq").ok_or(ReadError::Malformed("seq"))?,
            prev: self.look.str_member(line, &self.tape, seal_obj, b"prev").ok_or(ReadError::Malformed("prev"))?,
            kid: self.look.str_member(line, &self.tape, seal_obj, b"kid").ok_or(ReadError::Malformed("kid"))?,
            mac: self.look.str_member(line, &self.tape, seal_obj, b"mac").ok_or(ReadError::Malformed("mac"))?,
            invalid_text,
            tag: self.look.str_member(line, &self.tape, reserved + 1, b"tag"),
            wrapper_tag: wrapper.map(|w| String::from_utf8_lossy(w.tag).into_owned()),
            ..Sealed::default()
        };
        if self.look.uint_member(line, &self.tape, seal_obj, b"v") != Some(1) {
            return Err(ReadError::Malformed("v: unknown seal version"));
        }
        if let Some(ck) = self.look.member(line, &self.tape, seal_obj, b"ckpt") {
            s.checkpoint = Some(self.look.uint_member(line, &self.tape, ck + 1, b"count").ok_or(ReadError::Malformed("ckpt.count"))?);
        }
        if let Some(g) = self.look.member(line, &self.tape, reserved + 1, b"gap") {
            s.gap = Some(self.look.uint_member(line, &self.tape, g + 1, b"dropped").ok_or(ReadError::Malformed("gap.dropped"))?);
        }
        let mac_key = self.look.member(line, &self.tape, seal_obj, b"mac");
        let sig_key = self.look.member(line, &self.tape, seal_obj, b"sig");
        if let Some(k) = sig_key {
            s.signed = Some(self.read_signed(line, k, [b"kid", b"prev", b"seg", b"sig"], s.checkpoint.is_some())?);
        }
        let cov = self.look.member(line, &self.tape, seal_obj, b"cov").ok_or(ReadError::Malformed("cov"))?;
        self.read_cov(line, cov)?;
        self.finish_read(line, seal_key, mac_key, sig_key, &mut s);
        Ok(s)
    }

    /// Reads a v2 (compact) seal: `{"c","cv"?,"i"?,"k"?,"n","p"?,"m"}` under `logseal.s`.
    fn read_v2(&mut self, line: &[u8], reserved: usize, seal_key: usize, invalid_text: Option<String>, wrapper: Option<Wrapper<'_>>) -> Result<Sealed, ReadError> {
        let seal_obj = seal_key + 1;
        if self.tape.get(seal_obj).map(|t| t.kind) != Some(Kind::Object) {
            return Err(ReadError::Malformed("s is not an object"));
        }
        self.version = 2;
        let (look, tape) = (&mut self.look, &self.tape);
        let kid = match look.member(line, tape, seal_obj, b"k") {
            Some(_) => look.str_member(line, tape, seal_obj, b"k").ok_or(ReadError::Malformed("k"))?,
            None => String::new(),
        };
        let instance = match look.member(line, tape, seal_obj, b"i") {
            Some(_) => Some(look.str_member(line, tape, seal_obj, b"i").ok_or(ReadError::Malformed("i"))?),
            None => None,
        };
        let mut s = Sealed {
            version: 2,
            chain: look.str_member(line, tape, seal_obj, b"c").ok_or(ReadError::Malformed("c"))?,
            seq: look.uint_member(line, tape, seal_obj, b"n").ok_or(ReadError::Malformed("n"))?,
            kid,
            instance,
            mac: look.str_member(line, tape, seal_obj, b"m").ok_or(ReadError::Malformed("m"))?,
            invalid_text,
            tag: look.str_member(line, tape, reserved + 1, b"tag"),
            wrapper_tag: wrapper.map(|w| String::from_utf8_lossy(w.tag).into_owned()),
            ..Sealed::default()
        };
        if s.seq == 0 || s.chain.is_empty() {
            return Err(ReadError::Malformed("c or n"));
        }
        if look.member(line, tape, seal_obj, b"e").is_some() {
            s.epoch = Some(look.uint_member(line, tape, seal_obj, b"e").ok_or(ReadError::Malformed("e"))?);
        }
        if look.member(line, tape, seal_obj, b"x").is_some() {
            if look.uint_member(line, tape, seal_obj, b"x") != Some(1) || s.epoch.is_none() {
                return Err(ReadError::Malformed("x"));
            }
            s.last_of_epoch = true;
        }
        if look.member(line, tape, seal_obj, b"p").is_some() {
            s.checkpoint = Some(look.uint_member(line, tape, seal_obj, b"p").ok_or(ReadError::Malformed("p"))?);
        }
        if let Some(g) = look.member(line, tape, reserved + 1, b"gap") {
            s.gap = Some(look.uint_member(line, tape, g + 1, b"dropped").ok_or(ReadError::Malformed("gap.dropped"))?);
        }
        let mac_key = look.member(line, tape, seal_obj, b"m");
        let sig_key = look.member(line, tape, seal_obj, b"g");
        if let Some(k) = sig_key {
            s.signed = Some(self.read_signed(line, k, [b"k", b"h", b"r", b"s"], s.checkpoint.is_some())?);
        }
        match self.look.member(line, &self.tape, seal_obj, b"cv") {
            Some(cov) => self.read_cov(line, cov)?,
            None => self.implicit_cov(line),
        }
        self.finish_read(line, seal_key, mac_key, sig_key, &mut s);
        Ok(s)
    }

    /// A checkpoint signature: the object after the key at `key`, members named `names` (key
    /// id, previous checkpoint, segment, signature). Only checkpoints are signed.
    fn read_signed(&mut self, line: &[u8], key: usize, names: [&[u8]; 4], checkpoint: bool) -> Result<Signed, ReadError> {
        let obj = key + 1;
        if !checkpoint || self.tape.get(obj).map(|t| t.kind) != Some(Kind::Object) {
            return Err(ReadError::Malformed("a signature outside a checkpoint, or not an object"));
        }
        let (look, tape) = (&mut self.look, &self.tape);
        let mut field = |name: &[u8]| look.str_member(line, tape, obj, name).ok_or(ReadError::Malformed("signature field"));
        Ok(Signed { kid: field(names[0])?, prev: field(names[1])?, segment: field(names[2])?, signature: field(names[3])? })
    }

    /// Coverage as listed: the names of the array after the key at `cov`.
    fn read_cov(&mut self, line: &[u8], cov: usize) -> Result<(), ReadError> {
        let arr = self.tape.get(cov + 1).copied().ok_or(ReadError::Malformed("cov"))?;
        if arr.kind != Kind::Array {
            return Err(ReadError::Malformed("cov is not an array"));
        }
        self.cov.clear();
        self.cov_text.clear();
        self.listed = true;
        let mut i = cov + 2;
        while i < arr.next as usize {
            let Some(&t) = self.tape.get(i) else { break };
            if t.kind != Kind::Str {
                return Err(ReadError::Malformed("cov holds a non-string"));
            }
            self.cov.push(Name::decoded(line, &t, i, &mut self.cov_text));
            i = t.next as usize;
        }
        Ok(())
    }

    /// A v2 seal without `cv` covers every root field except the reserved object (covered on
    /// its own) and the transport fields.
    fn implicit_cov(&mut self, _line: &[u8]) {
        self.cov.clear();
        self.cov_text.clear();
        self.listed = false;
    }

    /// The root members' decoded names, in input order.
    fn read_names(&mut self, line: &[u8]) {
        self.names.clear();
        self.names_text.clear();
        let mut i = 1;
        while let Some(k) = self.tape.get(i).copied() {
            self.names.push(Name::decoded(line, &k, i, &mut self.names_text));
            i = self.tape.get(i + 1).map_or(usize::MAX, |v| v.next as usize);
        }
    }

    /// Sorts root members into covered, transport and uncovered, notes covered ones that are
    /// gone, and writes the canonical forms the MAC covers.
    fn finish_read(&mut self, line: &[u8], seal_key: usize, mac_key: Option<usize>, sig_key: Option<usize>, s: &mut Sealed) {
        let seal_obj = seal_key + 1;
        self.read_names(line);
        // Root members: covered, transport, or uncovered; covered ones that are gone.
        self.included.clear();
        let (names, text) = (&self.names, &self.names_text);
        for (j, n) in names.iter().enumerate() {
            let name = n.text(text);
            if names[..j].iter().any(|m| m.hash == n.hash && m.text(text) == name) {
                s.duplicate_fields = true;
            }
            let reserved = name == RESERVED_KEY.as_bytes();
            let transport = !reserved && TRANSPORT_FIELDS.iter().any(|t| t.as_bytes() == name);
            let covered = match self.listed {
                true => self.cov.iter().any(|c| c.hash == n.hash && c.text(&self.cov_text) == name),
                false => !reserved && !transport,
            };
            if reserved || covered {
                self.included.push(n.token);
            }
            if !reserved && !covered {
                let text = String::from_utf8_lossy(name).into_owned();
                if transport {
                    s.transport.push(text);
                } else {
                    s.uncovered.push(text);
                }
            }
        }
        for c in &self.cov {
            let name = c.text(&self.cov_text);
            if !names.iter().any(|n| n.hash == c.hash && n.text(text) == name) {
                s.missing.push(String::from_utf8_lossy(name).into_owned());
            }
        }

        // The canonical forms: the record without the seal, and the seal without its MAC.
        let (tape, included) = (&self.tape, &self.included);
        self.body.clear();
        canonical::write(
            line,
            tape,
            &mut self.canon,
            |i, _| match tape.get(i).map_or(0, |t| t.depth) {
                1 => included.binary_search(&(i as u32)).is_ok(),
                _ => i != seal_key,
            },
            &mut self.body,
        );
        self.seal.clear();
        canonical::write_object(line, tape, seal_obj, &mut self.canon, |i, _| Some(i) != mac_key, &mut self.seal);
        // A signed checkpoint's digest leaves out its own signature too (checkpoints only).
        self.signed = sig_key.is_some();
        if sig_key.is_some() {
            self.unsigned_seal.clear();
            canonical::write_object(line, tape, seal_obj, &mut self.canon, |i, _| Some(i) != mac_key && Some(i) != sig_key, &mut self.unsigned_seal);
        }
    }

    /// The root field (its name) holding the first string or name that is not Unicode.
    fn invalid_text(&mut self, line: &[u8]) -> Option<String> {
        let mut root_key = None;
        for (i, t) in self.tape.iter().enumerate() {
            if t.kind == Kind::Key && t.depth == 1 {
                root_key = Some(i);
            }
            let text = matches!(t.kind, Kind::Str | Kind::Key);
            if text && (t.flags & flag::BAD_UTF8 != 0 || (t.flags & flag::ESCAPED != 0 && string::has_lone_surrogate(t.raw(line)))) {
                let mut name = Vec::new();
                if let Some(k) = root_key.and_then(|k| self.tape.get(k)) {
                    string::decode(k.raw(line), k.flags, &mut name, &mut self.scratch);
                }
                return Some(String::from_utf8_lossy(&name).into_owned());
            }
        }
        None
    }

    /// Whether the MAC of the record last read holds under the chain key `key`. Constant time.
    /// The key is the chain key for the record's seal format ([`seal::chain_mac_v`]).
    pub fn mac_holds(&self, key: &HmacSha256, mac_b64: &str) -> bool {
        let Ok(tag) = URL_SAFE_NO_PAD.decode(mac_b64) else { return false };
        seal::mac_holds_v(self.version, key, &self.body, &self.seal, &tag)
    }

    /// The digest of the record last read that checkpoint signatures commit to
    /// ([`crate::sign::record_digest`]): computable without any key.
    pub fn sign_digest(&self) -> [u8; 32] {
        crate::sign::record_digest(&self.body, if self.signed { &self.unsigned_seal } else { &self.seal })
    }

    /// The full HMAC output the record last read would carry under `key` (v2 writes its first
    /// 16 bytes): what a holder of that key could seal, for tests that play the forger.
    pub fn mac_under(&self, key: &HmacSha256) -> [u8; 32] {
        seal::record_mac_v(self.version, key, &self.body, &self.seal)
    }

    /// A digest of what the seal covers in the record last read (and the seal itself): two
    /// copies of a record hold the same content exactly when their digests match.
    pub fn digest(&self) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(&self.body);
        h.update(b"\n");
        h.update(&self.seal);
        h.finalize().into()
    }
}

/// A decoded name: its range in a text buffer, its key token and a hash to compare by first.
#[derive(Clone, Copy, Debug, Default)]
struct Name {
    token: u32,
    start: u32,
    end: u32,
    hash: u64,
}

impl Name {
    /// Decodes the name at token `tok` (index `token`) onto the end of `text`.
    fn decoded(line: &[u8], tok: &Token, token: usize, text: &mut Vec<u8>) -> Name {
        let start = text.len();
        string::decode_exact(tok.raw(line), tok.flags, text);
        let name = text.get(start..).unwrap_or_default();
        // FNV-1a: not a security check, a cheap way to tell most different names apart.
        let hash = name.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3));
        Name { token: token as u32, start: start as u32, end: text.len() as u32, hash }
    }

    fn text<'a>(&self, buf: &'a [u8]) -> &'a [u8] {
        buf.get(self.start as usize..self.end as usize).unwrap_or_default()
    }
}

/// The transport wrapper around a record: Fluent Bit's `file` output form `tag: [time, {...}]`.
struct Wrapper<'a> {
    tag: &'a [u8],
    /// The wrapper's own bytes are valid UTF-8.
    valid: bool,
}

/// The JSON object in a line: the whole line (NDJSON, Fluent Bit `json_lines`), or the object
/// of Fluent Bit's `file` output form `tag: [time, {...}]` with that wrapper.
fn object_of(line: &[u8]) -> Option<(&[u8], Option<Wrapper<'_>>)> {
    let start = line.iter().position(|b| !b.is_ascii_whitespace())?;
    let line = &line[start..];
    if line.first() == Some(&b'{') {
        return Some((line, None));
    }
    // `tag: [1700000000.123, {...}]`
    let open = line.windows(2).position(|w| w == b": ")?;
    let rest = line.get(open + 2..)?.strip_prefix(b"[")?;
    let obj = rest.iter().position(|&b| b == b'{')?;
    let end = rest.iter().rposition(|&b| b == b']')?;
    let object = rest.get(obj..end)?;
    let valid = std::str::from_utf8(&line[..open + 3 + obj]).is_ok() && std::str::from_utf8(&rest[end..]).is_ok();
    Some((object, Some(Wrapper { tag: &line[..open], valid })))
}
