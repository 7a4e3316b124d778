//! Redaction: after logseal a record carries no password, card number, token, session cookie,
//! national ID, private key or credential hash, and still carries what an investigator needs.
//!
//! Two mechanisms, both compiled once into a [`Redactor`]:
//! - key rules judge a field by its name ([`keyname`]) or the policy's deny list, and act on the
//!   whole value (booleans and null are flags and stay);
//! - detectors read every other string through one pass ([`scan`]) over its view ([`view`]:
//!   escapes decoded, invisible characters removed) and act on the spans they find.
//!
//! What was removed is counted per kind under `logseal.redacted` and the record is tagged
//! `secret_exposed` (counts, never values). The allowlist mode ([`allowlist`]) is separate and
//! fails closed.

pub mod action;
pub mod allowlist;
pub mod assign;
pub mod bank_account;
pub mod card;
pub mod cmdline;
pub mod credhash;
pub mod custom;
pub mod email;
pub mod encoded;
pub mod entropy;
pub mod envelope;
pub mod iban;
pub mod jwt;
pub mod keyname;
pub mod kind;
pub mod kv;
pub mod memo;
pub mod national;
pub mod national_id;
pub mod pairs;
pub mod pem;
pub mod percent;
pub mod phone;
pub mod routing;
pub mod scan;
pub mod shape;
pub mod text;
pub mod tokens;
pub mod url;
pub mod userpass;
pub mod view;

use crate::edits::{Edit, Edits};
use crate::json::string::decode;
use crate::json::Kind as Tok;
use crate::keys::Secret;
use crate::stage::notes::{tag, Notes};
use crate::predicate::glob_match;
use crate::record::Record;
use crate::stage::encrypt::{find_inline, Crypt, EncryptError, Encryptor, INLINE_OPEN};
use action::{render, Action};
use keyname::{normalize_into, ClassCache, KeyClass};
use kind::Kind;
use text::{Span, NO_RULE};

/// A deny-list entry: a name glob (`*secret*`, any depth) or a dotted path with `*` segments
/// (`payment.*.pan`), both over normalised names.
#[derive(Clone, Debug)]
pub struct Deny {
    segments: Vec<Vec<u8>>,
}

impl Deny {
    pub fn new(pattern: &str) -> Deny {
        Deny {
            segments: pattern
                .split('.')
                .map(|s| {
                    let mut out = Vec::new();
                    for part in s.split('*') {
                        if !out.is_empty() || s.starts_with('*') {
                            out.push(b'*');
                        }
                        normalize_into(part.as_bytes(), &mut out);
                    }
                    if s.ends_with('*') && !out.ends_with(b"*") {
                        out.push(b'*');
                    }
                    out
                })
                .collect(),
        }
    }

    /// True for `path` (normalised segments joined by `.`), whose last segment is `name`.
    fn matches(&self, path: &[u8], name: &[u8]) -> bool {
        match &self.segments[..] {
            [one] => glob_match(one, name),
            segs => {
                let n = path.split(|&b| b == b'.').count();
                n == segs.len() && path.split(|&b| b == b'.').zip(segs).all(|(p, s)| glob_match(s, p))
            }
        }
    }
}

/// The compiled redaction settings.
#[derive(Debug)]
pub struct Redactor {
    actions: [Action; Kind::COUNT],
    enabled: [bool; Kind::COUNT],
    deny: Vec<Deny>,
    rules: Vec<custom::Rule>,
    drop_bodies: bool,
    hash_key: Option<Secret>,
    encryptor: Option<Encryptor>,
    /// Fields whose values are encrypted whole (`redact.encrypt`).
    encrypt_fields: Vec<Deny>,
    /// Values encrypted whole go in as they came, secrets inside included
    /// (`redact.encrypt_original`); by default they are redacted first.
    encrypt_original: bool,
    /// Phone numbers are also looked for in free text (`redact.phones_in_text`).
    phones_in_text: bool,
    /// The national IDs also looked for as unlabelled numbers (`redact.national_ids_in_text`).
    national_ids_in_text: national::unlabelled::IdSet,
}

impl Redactor {
    pub fn new(
        actions: [Action; Kind::COUNT],
        enabled: [bool; Kind::COUNT],
        deny: Vec<Deny>,
        rules: Vec<custom::Rule>,
        drop_bodies: bool,
        hash_key: Option<Secret>,
    ) -> Redactor {
        Redactor { actions, enabled, deny, rules, drop_bodies, hash_key, encryptor: None, encrypt_fields: Vec::new(), encrypt_original: false, phones_in_text: false, national_ids_in_text: national::unlabelled::IdSet::NONE }
    }

    /// Turns on the `encrypt` action (None: no key, so encrypted values are masked) and the
    /// fields encrypted whole; `original`: those go in unredacted.
    pub fn encrypt_with(&mut self, encryptor: Option<Encryptor>, fields: Vec<Deny>, original: bool) {
        self.encryptor = encryptor;
        self.encrypt_fields = fields;
        self.encrypt_original = original;
    }

    /// Turns on the free-text phone detector ([`phone::find_all`]).
    pub fn set_phones_in_text(&mut self, on: bool) {
        self.phones_in_text = on;
    }

    /// Turns on the unlabelled national-ID detector ([`national::unlabelled`]) for `ids`.
    pub fn set_national_ids_in_text(&mut self, ids: national::unlabelled::IdSet) {
        self.national_ids_in_text = ids;
    }

    /// Whether a detector or custom rule may encrypt a span of text (inline envelopes).
    pub fn encrypts_spans(&self) -> bool {
        self.encryptor.is_some() && (self.actions.contains(&Action::Encrypt) || self.rules.iter().any(|r| r.action == Action::Encrypt))
    }

    /// Whether some value may be encrypted, so the host's randomness is needed.
    pub fn encrypts(&self) -> bool {
        self.encryptor.is_some()
    }

    /// One line for `logseal check`: what is encrypted, with which key.
    pub fn encryption_summary(&self) -> Option<String> {
        let e = self.encryptor.as_ref()?;
        let kinds: Vec<&str> = Kind::ALL.iter().filter(|k| self.actions[k.index()] == Action::Encrypt).map(|k| k.name()).collect();
        let rules = self.rules.iter().filter(|r| r.action == Action::Encrypt).count();
        Some(format!(
            "key {}, {} listed fields, kinds [{}], {rules} custom rules",
            e.kid(),
            self.encrypt_fields.len(),
            kinds.join(", ")
        ))
    }

    /// The custom rules, in order (their names label the counts under `logseal.redacted`).
    pub fn rules(&self) -> &[custom::Rule] {
        &self.rules
    }

    pub fn rule_count(&self) -> usize {
        self.rules.len()
    }

    /// Redacts the record, recording replacements in its edits and counts in its notes.
    pub fn apply(&self, cx: &mut crate::stage::context::Pass, st: &mut State, crypt: &mut Crypt) {
        let (rec, edits, notes) = (&cx.rec, &mut *cx.edits, &mut *cx.notes);
        st.enc.next_record();
        st.pending = None;
        self.walk(rec, edits, notes, st, crypt);
        // However the walk ended, a container to encrypt whole is encrypted (or masked), never
        // left with clear text inside.
        if st.pending.is_some() {
            self.seal_pending(rec, edits, notes, st, crypt);
        }
    }

    fn walk(&self, rec: &Record, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt) {
        st.phone_end = 0;
        // Paths are only needed to match a deny list or to bind ciphertexts to their field.
        let track = !self.deny.is_empty() || self.encryptor.is_some();
        let Some(root) = rec.tape.first() else { return };
        st.walk.start(root.next);
        st.pairs.clear();
        pairs::find(rec, 0, &mut st.names, &mut st.pairs);
        let mut i = 1usize;
        while i < root.next as usize {
            if st.pending.as_ref().is_some_and(|p| i >= p.end as usize) {
                self.seal_pending(rec, edits, notes, st, crypt);
            }
            if track {
                st.walk.close_ended(i);
            }
            // Inside a value encrypted whole: what the policy encrypts stays as it is (the
            // envelope holds it), everything else is redacted as anywhere.
            let within = st.pending.is_some();
            let Some(tok) = rec.tape.get(i) else { return };
            if tok.kind != Tok::Key {
                // An array element: its array's key was judged already.
                if let Some(kind) = pairs::take(&mut st.pairs, i) {
                    self.element(rec, i, kind, edits, notes, st, crypt, within);
                    i += 1;
                    continue;
                }
                if matches!(tok.kind, Tok::Object | Tok::Array) {
                    pairs::find(rec, i, &mut st.names, &mut st.pairs);
                }
                match tok.kind {
                    Tok::Str | Tok::Num if st.phone_end > i && self.phone_leaf(rec, None, i, edits, notes, st, crypt, within) => {}
                    Tok::Str => self.scan_string(rec, i, edits, notes, st, crypt, within),
                    Tok::Num => self.scan_number(rec, None, i, edits, notes, st, crypt, within),
                    Tok::Object | Tok::Array if track => st.walk.enter(tok.next, st.walk.path.len()),
                    _ => {}
                }
                i += 1;
                continue;
            }
            let v = i + 1;
            let Some(val) = rec.tape.get(v) else { return };
            let restore = st.walk.path.len();
            let plain = tok.flags & (crate::json::flag::ESCAPED | crate::json::flag::BAD_UTF8) == 0;
            let class = match edits.get(i) {
                // A key the normaliser renamed is judged by its new name (OTel's `Body` is a message).
                Edit::RenameKey { at, len } if !track => st.names.classify(edits.text(at, len)),
                // The common case reads the name in place: no copy per key.
                _ if !track && plain => st.names.classify(tok.raw(rec.input)),
                _ if !track => {
                    st.decode(rec, tok);
                    st.classify_key()
                }
                edit => {
                    match edit {
                        Edit::RenameKey { at, len } => {
                            st.text.clear();
                            st.text.extend_from_slice(edits.text(at, len));
                        }
                        _ => st.decode(rec, tok),
                    }
                    let path = &mut st.walk.path;
                    if !path.is_empty() {
                        path.push(b'.');
                    }
                    let at = path.len();
                    normalize_into(&st.text, path);
                    if self.deny.iter().any(|d| d.matches(path, &path[at..])) {
                        KeyClass::Secret(Kind::Denied)
                    } else {
                        st.classify_key()
                    }
                }
            };
            // The value member of a name/value pair whose name is a secret.
            let class = pairs::take(&mut st.pairs, i).map_or(class, KeyClass::Secret);
            // Inside an array or object under a phone name, plain members are phone numbers
            // when they read as one (`"phone": {"number": ...}`).
            let class = if st.phone_end > i && class == KeyClass::Plain { KeyClass::Phone } else { class };
            let flag = matches!(val.kind, Tok::True | Tok::False | Tok::Null);
            let encrypt_field = track && !within && !self.encrypt_fields.is_empty() && {
                let path = &st.walk.path;
                let last = path.iter().rposition(|&b| b == b'.').map_or(0, |p| p + 1);
                self.encrypt_fields.iter().any(|d| d.matches(path, &path[last..]))
            };
            // A container encrypted whole is walked into: its strings are redacted first.
            let mut descend = false;
            let handled = match class {
                _ if encrypt_field => {
                    descend = self.encrypt(rec, v, "[REDACTED:encrypt]", edits, notes, st, crypt);
                    true
                }
                KeyClass::Secret(kind) if !flag && self.enabled[kind.index()] => {
                    descend = self.whole(rec, i, v, kind, edits, notes, st, crypt, within);
                    true
                }
                KeyClass::Body if self.drop_bodies && val.kind == Tok::Str => {
                    st.out.clear();
                    let _ = std::io::Write::write_fmt(&mut st.out, format_args!("[DROPPED:body {} bytes]", val.raw(rec.input).len()));
                    edits.replace_str(v, std::str::from_utf8(&st.out).unwrap_or("[DROPPED:body]"));
                    notes.redacted[Kind::Body.index()] += 1;
                    notes.tags |= tag::SECRET_EXPOSED;
                    true
                }
                KeyClass::Phone if matches!(val.kind, Tok::Str | Tok::Num) && self.enabled[Kind::Phone.index()] => {
                    self.phone_leaf(rec, Some(i), v, edits, notes, st, crypt, within)
                }
                KeyClass::Phone if matches!(val.kind, Tok::Array | Tok::Object) => {
                    // Its strings and numbers are judged as phone numbers (see `phone_leaf`).
                    st.phone_end = st.phone_end.max(val.next as usize);
                    false
                }
                // `auth`, `pass`: a credential, or a mode, status or count (`"auth":"ok"`,
                // `"pass":3`); objects under it are walked into, judged by their own names.
                KeyClass::Credential(kind) if matches!(val.kind, Tok::Str | Tok::Num) && self.enabled[kind.index()] => {
                    match val.kind {
                        Tok::Str => st.decode(rec, val),
                        _ => {
                            st.text.clear();
                            st.text.extend_from_slice(rec.input.get(val.start as usize..val.end as usize).unwrap_or(&[]));
                        }
                    }
                    let credential = !assign::benign_under(kind, &st.text);
                    if credential {
                        self.whole(rec, i, v, kind, edits, notes, st, crypt, within);
                    }
                    credential
                }
                KeyClass::MaybeSecret if matches!(val.kind, Tok::Str) => {
                    st.decode(rec, val);
                    let random = entropy::looks_random(&st.text) && !assign::object_path(&st.text);
                    if random {
                        self.whole(rec, i, v, Kind::Secret, edits, notes, st, crypt, within);
                    }
                    random
                }
                _ => false,
            };
            if handled && !descend {
                st.walk.path.truncate(restore);
                i = val.next as usize;
                continue;
            }
            match val.kind {
                Tok::Object | Tok::Array => {
                    pairs::find(rec, v, &mut st.names, &mut st.pairs);
                    if track {
                        st.walk.enter(val.next, restore);
                    }
                    i = v + 1;
                }
                Tok::Str => {
                    self.scan_string(rec, v, edits, notes, st, crypt, within);
                    st.walk.path.truncate(restore);
                    i = v + 1;
                }
                _ => {
                    if val.kind == Tok::Num {
                        self.scan_number(rec, Some(i), v, edits, notes, st, crypt, within);
                    }
                    st.walk.path.truncate(restore);
                    i = val.next as usize;
                }
            }
        }
    }

    /// Acts on the array element at `at`, a secret of `kind` named by the element before it
    /// (`["--password","x"]`). An element has no member to drop: `drop` masks it.
    #[allow(clippy::too_many_arguments)]
    fn element(&self, rec: &Record, at: usize, kind: Kind, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt, within: bool) {
        if !self.enabled[kind.index()] {
            if rec.tape.get(at).is_some_and(|t| t.kind == Tok::Str) {
                self.scan_string(rec, at, edits, notes, st, crypt, within);
            }
        } else if self.actions[kind.index()] == Action::Drop {
            if edits.get(at) == Edit::Keep {
                edits.replace_str(at, kind.mask());
                notes.redacted[kind.index()] += 1;
                notes.tags |= tag::SECRET_EXPOSED;
            }
        } else {
            self.whole(rec, at, at, kind, edits, notes, st, crypt, within);
        }
    }

    /// Masks the string or number at `v` (member key at `key`, None for an array element) as a
    /// phone number when it reads as one; returns whether it did.
    #[allow(clippy::too_many_arguments)]
    fn phone_leaf(&self, rec: &Record, key: Option<usize>, v: usize, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt, within: bool) -> bool {
        let Some(val) = rec.tape.get(v) else { return false };
        if !self.enabled[Kind::Phone.index()] {
            return false;
        }
        let is_phone = match val.kind {
            Tok::Str => {
                st.decode(rec, val);
                phone::is_value(&st.text)
            }
            Tok::Num => {
                let raw = rec.input.get(val.start as usize..val.end as usize).unwrap_or(&[]);
                raw.len() >= 7 && raw.iter().all(u8::is_ascii_digit)
            }
            _ => false,
        };
        if is_phone {
            self.whole_value(rec, key, v, Kind::Phone, edits, notes, st, crypt, within);
        }
        is_phone
    }

    /// JSON numbers are not text, but a card, an ID or a phone stored as a number is still one:
    /// a number of 8 to 19 digits is read by the detectors, and when one finds something the
    /// whole number becomes the kind's mask (a string: `"[REDACTED:card]"`).
    #[allow(clippy::too_many_arguments)]
    fn scan_number(&self, rec: &Record, key: Option<usize>, v: usize, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt, within: bool) {
        let Some(val) = rec.tape.get(v) else { return };
        let raw = rec.input.get(val.start as usize..val.end as usize).unwrap_or(&[]);
        // The cheap trigger: most numbers in logs are short (counts, statuses, durations).
        if raw.len() < 8 || raw.len() > 19 || !raw.iter().all(u8::is_ascii_digit) || edits.get(v) != Edit::Keep {
            return;
        }
        st.spans.clear();
        scan::find_all(raw, &mut st.spans, &mut st.names, &mut st.memo);
        if !self.national_ids_in_text.is_empty() {
            national::unlabelled::find_all(raw, &mut st.spans, self.national_ids_in_text);
        }
        let found = st.spans.iter().find(|s| self.enabled[s.kind.index()]).map(|s| s.kind);
        if let Some(kind) = found {
            self.whole_value(rec, key, v, kind, edits, notes, st, crypt, within);
        }
    }

    /// [`Self::whole`] for a value that may be an array element (no key): `drop` cannot remove
    /// an element, so it masks it instead.
    #[allow(clippy::too_many_arguments)]
    fn whole_value(&self, rec: &Record, key: Option<usize>, v: usize, kind: Kind, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt, within: bool) {
        match key {
            Some(k) => {
                self.whole(rec, k, v, kind, edits, notes, st, crypt, within);
            }
            None if self.actions[kind.index()] == Action::Drop => {
                if edits.get(v) == Edit::Keep {
                    edits.replace_str(v, kind.mask());
                    notes.redacted[kind.index()] += 1;
                    notes.tags |= tag::SECRET_EXPOSED;
                }
            }
            None => {
                self.whole(rec, v, v, kind, edits, notes, st, crypt, within);
            }
        }
    }

    /// Acts on the whole value at `v` (member key at `key`). Returns true when the value is a
    /// container to walk into (it is encrypted whole, or sits inside a value that is).
    #[allow(clippy::too_many_arguments)]
    fn whole(&self, rec: &Record, key: usize, v: usize, kind: Kind, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt, within: bool) -> bool {
        if edits.get(v) != Edit::Keep {
            return false; // already masked (allowlist mode): never replace a mask with something weaker
        }
        notes.redacted[kind.index()] += 1;
        notes.tags |= tag::SECRET_EXPOSED;
        let action = self.actions[kind.index()];
        if action == Action::Drop {
            edits.drop_member(key);
            return false;
        }
        if action == Action::Encrypt {
            if !within {
                return self.encrypt(rec, v, kind.mask(), edits, notes, st, crypt);
            }
            // The envelope around it holds it: only what else it carries is redacted.
            return match rec.tape.get(v).map(|t| t.kind) {
                Some(Tok::Str) => {
                    self.scan_string(rec, v, edits, notes, st, crypt, true);
                    false
                }
                Some(Tok::Object | Tok::Array) => true,
                _ => false,
            };
        }
        let Some(val) = rec.tape.get(v) else { return false };
        // Strings act on their text; numbers and containers on their JSON text.
        match val.kind {
            Tok::Str => st.decode(rec, val),
            _ => {
                st.text.clear();
                st.text.extend_from_slice(rec.input.get(val.start as usize..val.end as usize).unwrap_or(&[]));
            }
        }
        st.out.clear();
        render(action, kind.name(), kind.mask(), &st.text, self.hash_key.as_ref().map(Secret::expose), &mut st.out);
        edits.replace_str(v, std::str::from_utf8(&st.out).unwrap_or(kind.mask()));
        false
    }

    /// Encrypts the value at `v` whole, or masks it as `mask` (and marks the record) when it
    /// cannot be encrypted. Unless `encrypt_original`, the value is redacted first: a string
    /// through the detectors now; a container is walked into (returns true) and encrypted when
    /// the walk leaves it ([`Self::seal_pending`]).
    #[allow(clippy::too_many_arguments)]
    fn encrypt(&self, rec: &Record, v: usize, mask: &'static str, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt) -> bool {
        let Some(val) = rec.tape.get(v) else { return false };
        st.pending_path.clear();
        st.pending_path.extend_from_slice(&st.walk.path);
        st.pending = Some(Pending { v, end: val.next, mask });
        if !self.encrypt_original {
            match val.kind {
                Tok::Object | Tok::Array => return true,
                Tok::Str => self.scan_string(rec, v, edits, notes, st, crypt, true),
                _ => {}
            }
        }
        self.seal_pending(rec, edits, notes, st, crypt);
        false
    }

    /// Replaces the pending value by its encryption envelope, made from its JSON text as
    /// redaction left it (or as it came, with `encrypt_original`), or by its mask.
    fn seal_pending(&self, rec: &Record, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt) {
        let Some(Pending { v, mask, .. }) = st.pending.take() else { return };
        let Some(val) = rec.tape.get(v) else { return };
        let State { text, utf8, view: plain, out, enc, pending_path, frames, .. } = st;
        plain.clear();
        if !self.encrypt_original {
            envelope::redacted_json(rec, edits, v, text, utf8, frames, plain);
        } else if val.kind == Tok::Str {
            text.clear();
            decode(val.raw(rec.input), val.flags, text, utf8);
            plain.push(b'"');
            crate::json::string::encode_body(text, plain);
            plain.push(b'"');
        } else {
            // Numbers, literals and containers: their JSON text as it came (containers end at
            // their closing bracket).
            plain.extend_from_slice(rec.input.get(val.start as usize..val.end as usize).unwrap_or(b"null"));
        }
        out.clear();
        let sealed = match &self.encryptor {
            Some(e) => e.seal(enc, &mut *crypt.random, crypt.place, pending_path, plain, out),
            None => Err(EncryptError::NoRandomness),
        };
        match sealed {
            Ok(()) => {
                edits.replace_json(v, out);
                encrypted(notes, enc);
            }
            Err(e) => {
                edits.replace_str(v, mask);
                notes.error.get_or_insert(crate::stage::notes::RecordError::Host(e.message()));
            }
        }
    }

    /// Runs the detectors over the string at `v` and replaces what they find. A span whose
    /// action is `encrypt` becomes an inline envelope, or, `within` a value encrypted whole,
    /// stays as it is (the envelope around it holds it).
    #[allow(clippy::too_many_arguments)]
    fn scan_string(&self, rec: &Record, v: usize, edits: &mut Edits, notes: &mut Notes, st: &mut State, crypt: &mut Crypt, within: bool) {
        let Some(tok) = rec.tape.get(v) else { return };
        if edits.get(v) != Edit::Keep {
            return; // already masked (allowlist mode): never replace a mask with something weaker
        }
        let State { text: buf, utf8, view, map, spans, out, names, walk, enc, starts, memo, pct, .. } = st;
        // Plain strings are read in place; only escapes and bad UTF-8 need decoding.
        let decoded: &[u8] = if tok.flags & (crate::json::flag::ESCAPED | crate::json::flag::BAD_UTF8) == 0 {
            tok.raw(rec.input)
        } else {
            buf.clear();
            decode(tok.raw(rec.input), tok.flags, buf, utf8);
            buf
        };
        // Invisible characters are non-ASCII, raw or escaped: pure ASCII text is its own view.
        let may_hide = tok.flags & (crate::json::flag::NON_ASCII | crate::json::flag::ESCAPED) != 0;
        let has_view = may_hide && view::build(decoded, view, map);
        let text: &[u8] = if has_view { view } else { decoded };
        spans.clear();
        if !shape::harmless(text) {
            scan::find_all(text, spans, names, memo);
            // Query and form values holding `%XX` escapes: read again decoded.
            if memo.pct != usize::MAX {
                percent::find_all(text, memo.pct, spans, names, memo, pct, &|k| self.enabled[k.index()]);
            }
            if !self.national_ids_in_text.is_empty() {
                national::unlabelled::find_all(text, spans, self.national_ids_in_text);
            }
        }
        if self.phones_in_text && self.enabled[Kind::Phone.index()] {
            phone::find_all(text, spans);
        }
        for (idx, rule) in self.rules.iter().enumerate() {
            rule.find(idx as u16, text, spans);
        }
        spans.retain(|s| s.rule != NO_RULE || self.enabled[s.kind.index()]);
        if spans.is_empty() {
            return;
        }
        if !self.rules.is_empty() || self.phones_in_text || !self.national_ids_in_text.is_empty() {
            // Custom (and free-text phone) findings interleave with built-in ones: order them
            // and drop overlaps.
            spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
            let mut last_end = 0;
            spans.retain(|s| {
                let keep = s.start >= last_end;
                if keep {
                    last_end = s.end;
                }
                keep
            });
        }
        // Map view positions back to the decoded text and write the replacement.
        let at = |p: usize| if has_view { map.get(p).copied().unwrap_or(decoded.len() as u32) as usize } else { p };
        out.clear();
        starts.clear();
        let mut last = 0;
        for s in spans.iter() {
            let (start, end) = (at(s.start), at(s.end));
            if start < last || end > decoded.len() {
                continue;
            }
            out.extend_from_slice(&decoded[last..start]);
            let (action, name, mask) = match self.rules.get(s.rule as usize) {
                Some(rule) => (rule.action, rule.name.as_str(), rule.mask.as_str()),
                None => (self.actions[s.kind.index()], s.kind.name(), s.kind.mask()),
            };
            match action {
                Action::Encrypt if within => out.extend_from_slice(&decoded[start..end]),
                Action::Encrypt => {
                    // Only the span goes into the envelope, bound to its place and ordinal.
                    let from = out.len();
                    let sealed = match &self.encryptor {
                        Some(e) => e.seal_span(enc, &mut *crypt.random, crypt.place, &walk.path, starts.len() as u32, &decoded[start..end], out),
                        None => Err(EncryptError::NoRandomness),
                    };
                    match sealed {
                        Ok(()) => {
                            starts.push(from);
                            encrypted(notes, enc);
                        }
                        Err(e) => {
                            out.truncate(from);
                            out.extend_from_slice(mask.as_bytes());
                            notes.error.get_or_insert(crate::stage::notes::RecordError::Host(e.message()));
                        }
                    }
                }
                _ => render(action, name, mask, &decoded[start..end], self.hash_key.as_ref().map(Secret::expose), out),
            }
            last = end;
            match notes.rules.get_mut(s.rule as usize) {
                Some(n) if s.rule != NO_RULE => *n += 1,
                _ => notes.redacted[s.kind.index()] += 1,
            }
        }
        out.extend_from_slice(&decoded[last..]);
        if !starts.is_empty() && neutralise_forged(out, starts, utf8) {
            notes.tags |= tag::INJECTION_ATTEMPT;
        }
        notes.tags |= tag::SECRET_EXPOSED;
        edits.replace_str(v, std::str::from_utf8(out).unwrap_or("[REDACTED]"));
    }
}

/// Counts an envelope made and names the record it is bound to.
fn encrypted(notes: &mut Notes, enc: &crate::stage::encrypt::State) {
    notes.encrypted += 1;
    if notes.rid != enc.rid {
        notes.rid.clear();
        notes.rid.push_str(&enc.rid);
    }
}

/// In text holding inline envelopes made at `starts`, turns every other `[ENC:` (text the
/// record brought) into `[ENC\:`, so `decrypt` reads only logseal's envelopes there and an
/// envelope's ordinal is its place among them. Returns true when something was changed.
fn neutralise_forged(out: &mut Vec<u8>, starts: &[usize], tmp: &mut Vec<u8>) -> bool {
    let forged = |out: &[u8], from: usize| {
        let mut at = from;
        while let Some(p) = find_inline(out, at) {
            if !starts.contains(&p) {
                return Some(p);
            }
            at = p + 1;
        }
        None
    };
    let Some(mut p) = forged(out, 0) else { return false };
    tmp.clear();
    let mut last = 0;
    loop {
        let cut = p + INLINE_OPEN.len() - 1;
        tmp.extend_from_slice(&out[last..cut]);
        tmp.push(b'\\');
        last = cut;
        match forged(out, p + 1) {
            Some(next) => p = next,
            None => break,
        }
    }
    tmp.extend_from_slice(&out[last..]);
    std::mem::swap(out, tmp);
    true
}

/// A value to encrypt whole once the walk has redacted what is inside it.
#[derive(Clone, Copy, Debug)]
pub struct Pending {
    v: usize,
    /// The first token after it.
    end: u32,
    /// What it becomes when it cannot be encrypted.
    mask: &'static str,
}

/// Reusable buffers and the key-class cache: allocation-free per record after warm-up.
#[derive(Default)]
pub struct State {
    text: Vec<u8>,
    utf8: Vec<u8>,
    view: Vec<u8>,
    map: Vec<u32>,
    spans: Vec<Span>,
    out: Vec<u8>,
    walk: allowlist::Walk,
    names: ClassCache,
    memo: memo::Memo,
    /// Buffers for reading percent-encoded values decoded ([`percent`]).
    pct: percent::Scratch,
    enc: crate::stage::encrypt::State,
    /// The value being encrypted whole, while the walk redacts inside it, and its path.
    pending: Option<Pending>,
    pending_path: Vec<u8>,
    /// Where the current string's inline envelopes start in `out`.
    starts: Vec<usize>,
    frames: Vec<(u32, bool, u32)>,
    /// Values named secret by a name/value pair or an argv flag ([`pairs`]).
    pairs: Vec<(u32, Kind)>,
    /// While the walk is inside an array or object under a phone name: the first token after
    /// it (0 otherwise).
    phone_end: usize,
}

impl State {
    /// Decodes string or key token `tok` into `self.text`.
    fn decode(&mut self, rec: &Record, tok: &crate::json::Token) {
        self.text.clear();
        decode(tok.raw(rec.input), tok.flags, &mut self.text, &mut self.utf8);
    }

    /// The class of the key now in `self.text`, cached: field names repeat across records.
    fn classify_key(&mut self) -> KeyClass {
        self.names.classify(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};

    fn redactor() -> Redactor {
        Redactor::new([Action::Mask; Kind::COUNT], [true; Kind::COUNT], Vec::new(), Vec::new(), true, None)
    }

    fn run(r: &Redactor, input: &str) -> (serde_json::Value, Notes) {
        let mut tape = Vec::new();
        scan(input.as_bytes(), ScanLimits { max_depth: 16, max_fields: 1000 }, &mut tape, &mut Vec::new()).unwrap();
        let rec = Record { input: input.as_bytes(), tape: &tape };
        let mut edits = Edits::default();
        edits.reset(tape.len());
        let mut notes = Notes::default();
        notes.rules.resize(r.rule_count(), 0);
        let mut no_random = |_: &mut [u8]| false;
        let mut crypt = Crypt { random: &mut no_random, place: crate::stage::encrypt::Place::default() };
        let (fields, host, mut scratch) = (crate::stage::fields::Fields::default(), crate::stage::context::Context::default(), crate::record::Scratch::default());
        let mut cx = crate::stage::context::Pass { rec, fields: &fields, host: &host, edits: &mut edits, notes: &mut notes, scratch: &mut scratch };
        r.apply(&mut cx, &mut State::default(), &mut crypt);
        let mut out = Vec::new();
        let rules = crate::stage::write::Rules { max_string_bytes: 1 << 20, max_key_bytes: 256, multiline: &[] };
        crate::stage::write::write_members(&mut cx, rules, &mut Default::default(), &mut out);
        out.push(b'}');
        (serde_json::from_slice(&out).unwrap(), notes)
    }

    #[test]
    fn secret_keys_mask_whole_values_but_keep_flags() {
        let (v, notes) = run(&redactor(), r#"{"userPassword":"hunter2","pin":1234,"password_changed":true,"creds":{"a":"b"},"token":null}"#);
        assert_eq!(v["userPassword"], "[REDACTED:password]");
        assert_eq!(v["pin"], "[REDACTED:password]");
        assert_eq!(v["password_changed"], true);
        assert_eq!(v["creds"], "[REDACTED:secret]");
        assert_eq!(v["token"], serde_json::Value::Null);
        assert_eq!(notes.redacted[Kind::Password.index()], 2);
        assert_eq!(notes.tags & tag::SECRET_EXPOSED, tag::SECRET_EXPOSED);
    }

    #[test]
    fn detectors_replace_spans_inside_text_in_nested_arrays_and_header_maps() {
        let input = r#"{"items":[{"note":"card 4111 1111 1111 1111 ok"}],"headers":{"Authorization":"Bearer x","X-Request-Id":"r1"},"msg":"db postgres://a:pw9@h/x"}"#;
        let (v, notes) = run(&redactor(), input);
        assert_eq!(v["items"][0]["note"], "card [REDACTED:card] ok");
        assert_eq!(v["headers"]["Authorization"], "[REDACTED:authorization]");
        assert_eq!(v["headers"]["X-Request-Id"], "r1");
        assert_eq!(v["msg"], "db postgres://a:[REDACTED:password]@h/x");
        assert_eq!(notes.redacted[Kind::Card.index()], 1);
    }

    #[test]
    fn invisible_characters_do_not_hide_a_card() {
        let (v, _) = run(&redactor(), "{\"m\":\"pay 4111\\u200b1111\\u200b1111\\u200b1111 now\"}");
        assert_eq!(v["m"], "pay [REDACTED:card] now");
    }

    #[test]
    fn raw_bodies_are_dropped_and_structured_ones_scanned() {
        let (v, _) = run(&redactor(), r#"{"body":"user=a&password=b","params":{"password":"x","q":"shoes"}}"#);
        assert_eq!(v["body"], "[DROPPED:body 17 bytes]");
        assert_eq!(v["params"]["password"], "[REDACTED:password]");
        assert_eq!(v["params"]["q"], "shoes");
        // A dropped body is counted and tags the record, even when nothing else was found.
        let (_, notes) = run(&redactor(), r#"{"body":"hello world","q":"shoes"}"#);
        assert_eq!(notes.redacted[Kind::Body.index()], 1);
        assert_eq!(notes.tags & tag::SECRET_EXPOSED, tag::SECRET_EXPOSED);
    }

    #[test]
    fn deny_lists_take_globs_and_dotted_wildcard_paths() {
        let mut r = redactor();
        r.deny = vec![Deny::new("payment.*.pan_ref"), Deny::new("*internal*")];
        let (v, _) = run(&r, r#"{"payment":{"a":{"pan_ref":"x1"},"pan_ref":"y"},"myInternalNote":"z","other":"k"}"#);
        assert_eq!(v["payment"]["a"]["pan_ref"], "[REDACTED:denied]");
        assert_eq!(v["payment"]["pan_ref"], "y");
        assert_eq!(v["myInternalNote"], "[REDACTED:denied]");
        assert_eq!(v["other"], "k");
    }

    #[test]
    fn actions_apply_per_kind_and_drop_removes_fields() {
        let mut actions = [Action::Mask; Kind::COUNT];
        actions[Kind::Card.index()] = Action::Partial;
        actions[Kind::Password.index()] = Action::Drop;
        let r = Redactor::new(actions, [true; Kind::COUNT], Vec::new(), Vec::new(), true, None);
        let (v, _) = run(&r, r#"{"m":"card 4111-1111-1111-1111","password":"x","keep":1}"#);
        assert_eq!(v["m"], "card ****-****-****-1111");
        assert!(v.get("password").is_none());
        assert_eq!(v["keep"], 1);
    }

    #[test]
    fn ambiguous_keys_need_random_values_and_phones_need_digits() {
        let (v, _) = run(&redactor(), r#"{"key":"user-settings","signature":"9f86d081884c7d659a2feaa0c55ad015","phone":"+1 415 555 0142","tel":"n/a"}"#);
        assert_eq!(v["key"], "user-settings");
        assert_eq!(v["signature"], "[REDACTED:secret]");
        assert_eq!(v["phone"], "[REDACTED:phone]");
        assert_eq!(v["tel"], "n/a");
    }
}
