//! Field encryption with AES-256-GCM: the `encrypt` redaction action.
//!
//! Redaction runs first; only what the policy chose to encrypt is encrypted, in one of two
//! forms:
//!
//! - A value encrypted whole (`redact.encrypt`, or a key rule whose kind encrypts) becomes an
//!   envelope object, made from the value's JSON text as redaction left it (before escaping):
//!   `{"enc":"A256GCM","kid":"prod-enc-1","g":0,"iv":"<12 bytes, base64url>","ct":"<ciphertext and tag, base64url>"}`
//! - A span a detector found in text becomes an inline envelope in place, the string staying a
//!   string: `[ENC:<kid>:<g>:<iv>:<ct>]`, made from the span's decoded text. Its characters
//!   (ASCII letters, digits, `[]:._-`) pass JSON and escaping unchanged.
//!
//! - The nonce (`iv`) is 12 fresh bytes from the host's randomness for every envelope. Without
//!   randomness the value is masked, never encrypted with a weak nonce, and the record is marked.
//! - Keys: the master key (`keys.encrypt`, id `kid`) never encrypts directly. Each context (the
//!   hash chain when sealing, otherwise a random instance id drawn at start) has subkeys
//!   HMAC-SHA256(master, `"logseal-enc-subkey-1\n" + context + "\n" + g`); after
//!   [`SUBKEY_USES`] envelopes the generation `g` moves on, so random nonces stay far below the
//!   2^32 messages a GCM key may take, at any volume.
//! - Associated data binds the ciphertext to its place: `"logseal-enc-1\n" + field path + "\n" +
//!   record id` for envelope objects, `"logseal-enc-span-1\n" + field path + "\n" + record id +
//!   "\n" + n` for the n-th inline envelope of a string. The record id (`logseal.rid`,
//!   `<context>#<n>`: the seal's chain and sequence number when sealing, a per-record counter
//!   otherwise) is written on every record holding an envelope; the path is the field's
//!   normalised dotted path (array elements share their array's). A ciphertext moved to another
//!   field or record, or spans reordered within a string, do not decrypt.

use crate::keys::{Key, KeySet, Secret};
use crate::stage::redact::keyname::normalize_into;
use aes_gcm::aead::{Aead, AeadInPlace, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::Mac;

/// Values one subkey encrypts before the next generation is derived.
pub const SUBKEY_USES: u64 = 1 << 24;
/// Domain separation of subkeys and associated data.
pub const SUBKEY_CONTEXT: &[u8] = b"logseal-enc-subkey-1\n";
pub const AAD_CONTEXT: &[u8] = b"logseal-enc-1\n";
/// Domain separation of the associated data of inline envelopes (spans in text).
pub const SPAN_AAD_CONTEXT: &[u8] = b"logseal-enc-span-1\n";
/// How an inline envelope opens: `[ENC:<kid>:<g>:<iv>:<ct>]`.
pub const INLINE_OPEN: &[u8] = b"[ENC:";
/// The `enc` value of an envelope.
pub const ALGORITHM: &str = "A256GCM";

/// The host's randomness: fills the buffer, or says it cannot.
pub type Random<'a> = &'a mut dyn FnMut(&mut [u8]) -> bool;

/// The compiled encryption settings: the active key of `keys.encrypt`.
#[derive(Clone, Debug)]
pub struct Encryptor {
    key: Key,
}

/// What the redactor needs to encrypt: the host's randomness and the record's place.
pub struct Crypt<'a> {
    pub random: Random<'a>,
    pub place: Place<'a>,
}

/// Where the record being filtered sits, for its record id.
#[derive(Clone, Copy, Debug, Default)]
pub struct Place<'a> {
    /// The hash chain and the sequence number this record will be sealed with.
    pub chain: Option<(&'a str, u64)>,
}

/// Per-filter state: the context, its current subkey and the record id in use.
#[derive(Default)]
pub struct State {
    context: String,
    generation: u64,
    used: u64,
    cipher: Option<Aes256Gcm>,
    /// Records that held an envelope, when no chain numbers them.
    counter: u64,
    /// The current record's id, once it has an envelope.
    pub rid: String,
    aad: Vec<u8>,
    ct: Vec<u8>,
}

impl State {
    /// Forgets the record id: called at the start of each record.
    pub fn next_record(&mut self) {
        self.rid.clear();
    }
}

/// Why a value could not be encrypted (it is masked instead).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncryptError {
    NoRandomness,
}

impl EncryptError {
    pub fn message(self) -> &'static str {
        match self {
            EncryptError::NoRandomness => "encryption needs randomness the host did not give: encrypted fields were masked",
        }
    }
}

impl Encryptor {
    pub fn new(keys: &KeySet) -> Option<Encryptor> {
        Some(Encryptor { key: keys.active()?.clone() })
    }

    pub fn kid(&self) -> &str {
        &self.key.id
    }

    /// Appends the envelope of `plaintext` (a value's JSON text) at `path` (normalised) to `out`.
    pub fn seal(&self, st: &mut State, random: Random, place: Place, path: &[u8], plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), EncryptError> {
        let iv = self.encrypt(st, random, place, plaintext, |rid, aad_out| aad(path, rid, aad_out))?;
        write_envelope(&self.key.id, st.generation, &iv, &st.ct, out);
        Ok(())
    }

    /// Appends the inline envelope of `plaintext` (a span's text), the `ordinal`-th (from 0)
    /// inline envelope of the string at `path`, to `out`.
    #[allow(clippy::too_many_arguments)]
    pub fn seal_span(&self, st: &mut State, random: Random, place: Place, path: &[u8], ordinal: u32, plaintext: &[u8], out: &mut Vec<u8>) -> Result<(), EncryptError> {
        let iv = self.encrypt(st, random, place, plaintext, |rid, aad_out| span_aad(path, rid, ordinal, aad_out))?;
        write_inline(&self.key.id, st.generation, &iv, &st.ct, out);
        Ok(())
    }

    /// Encrypts `plaintext` into `st.ct` under the associated data `aad_of(rid)` makes;
    /// returns the nonce.
    fn encrypt(&self, st: &mut State, random: Random, place: Place, plaintext: &[u8], aad_of: impl FnOnce(&str, &mut Vec<u8>)) -> Result<[u8; 12], EncryptError> {
        if st.rid.is_empty() {
            self.start_record(st, random, place)?;
        }
        if st.cipher.is_none() || st.used >= SUBKEY_USES {
            if st.cipher.is_some() {
                st.generation += 1;
            }
            st.cipher = Some(subkey(self.key.secret.expose(), &st.context, st.generation));
            st.used = 0;
        }
        let mut iv = [0u8; 12];
        if !random(&mut iv) {
            return Err(EncryptError::NoRandomness);
        }
        aad_of(&st.rid, &mut st.aad);
        let Some(cipher) = &st.cipher else { return Err(EncryptError::NoRandomness) };
        // In place, in a buffer reused for every value.
        st.ct.clear();
        st.ct.extend_from_slice(plaintext);
        if cipher.encrypt_in_place(Nonce::from_slice(&iv), &st.aad, &mut st.ct).is_err() {
            return Err(EncryptError::NoRandomness);
        }
        st.used += 1;
        Ok(iv)
    }

    fn start_record(&self, st: &mut State, random: Random, place: Place) -> Result<(), EncryptError> {
        let (context, n) = match place.chain {
            Some((chain, seq)) => (chain, seq),
            None => {
                if st.context.is_empty() {
                    let mut id = [0u8; 16];
                    if !random(&mut id) {
                        return Err(EncryptError::NoRandomness);
                    }
                    st.context = URL_SAFE_NO_PAD.encode(id);
                }
                st.counter += 1;
                ("", st.counter)
            }
        };
        if !context.is_empty() && context != st.context {
            // A new chain: a new context, its own subkeys.
            st.context = context.to_string();
            st.cipher = None;
            st.generation = 0;
        }
        st.rid.clear();
        st.rid.push_str(&st.context);
        st.rid.push('#');
        let _ = std::fmt::Write::write_fmt(&mut st.rid, format_args!("{n}"));
        Ok(())
    }
}

/// The subkey of generation `g` in `context` under `master`.
pub fn subkey(master: &[u8], context: &str, g: u64) -> Aes256Gcm {
    let mut mac = crate::keys::hmac_sha256(master);
    mac.update(SUBKEY_CONTEXT);
    mac.update(context.as_bytes());
    mac.update(b"\n");
    mac.update(g.to_string().as_bytes());
    let key = mac.finalize().into_bytes();
    Aes256Gcm::new(&key)
}

/// The associated data of a value at `path` in record `rid`.
pub fn aad(path: &[u8], rid: &str, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(AAD_CONTEXT);
    out.extend_from_slice(path);
    out.push(b'\n');
    out.extend_from_slice(rid.as_bytes());
}

/// The associated data of the `ordinal`-th inline envelope of the string at `path` in record
/// `rid`: its own domain, so a whole-value ciphertext never opens as a span or the reverse.
pub fn span_aad(path: &[u8], rid: &str, ordinal: u32, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(SPAN_AAD_CONTEXT);
    out.extend_from_slice(path);
    out.push(b'\n');
    out.extend_from_slice(rid.as_bytes());
    out.push(b'\n');
    crate::stage::notes::push_u64(out, ordinal as u64);
}

/// Appends `bytes` base64url-encoded to `out`, without an intermediate string.
fn push_base64(bytes: &[u8], out: &mut Vec<u8>) {
    let at = out.len();
    out.resize(at + bytes.len().div_ceil(3) * 4, 0);
    let n = URL_SAFE_NO_PAD.encode_slice(bytes, &mut out[at..]).unwrap_or(0);
    out.truncate(at + n);
}

fn write_envelope(kid: &str, g: u64, iv: &[u8], ct: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(b"{\"enc\":\"");
    out.extend_from_slice(ALGORITHM.as_bytes());
    out.extend_from_slice(b"\",\"kid\":");
    crate::json::string::encode(kid, out);
    out.extend_from_slice(b",\"g\":");
    crate::stage::notes::push_u64(out, g);
    out.extend_from_slice(b",\"iv\":\"");
    push_base64(iv, out);
    out.extend_from_slice(b"\",\"ct\":\"");
    push_base64(ct, out);
    out.extend_from_slice(b"\"}");
}

fn write_inline(kid: &str, g: u64, iv: &[u8], ct: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(INLINE_OPEN);
    out.extend_from_slice(kid.as_bytes());
    out.push(b':');
    crate::stage::notes::push_u64(out, g);
    out.push(b':');
    push_base64(iv, out);
    out.push(b':');
    push_base64(ct, out);
    out.push(b']');
}

/// True when `kid` can name an inline envelope: 1 to 64 ASCII letters, digits, `.`, `_`, `-`
/// (nothing JSON or the escape stage would change, no `:` or `]`).
pub fn inline_kid(kid: &str) -> bool {
    (1..=64).contains(&kid.len()) && kid.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

fn is_b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// Where the next inline envelope opening (`[ENC:`) in `text` at or after `from` starts.
pub fn find_inline(text: &[u8], from: usize) -> Option<usize> {
    let rest = text.get(from..)?;
    memchr::memmem::find(rest, INLINE_OPEN).map(|p| p + from)
}

/// Reads the inline envelope at the start of `text`: the envelope and its length in bytes,
/// or None when `text` does not start with one in the documented form.
pub fn parse_inline(text: &[u8]) -> Option<(Envelope, usize)> {
    let body = text.strip_prefix(INLINE_OPEN)?;
    let end = body.iter().position(|&b| b == b']')?;
    let mut parts = body[..end].split(|&b| b == b':');
    let (kid, g, iv, ct) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || !inline_kid(std::str::from_utf8(kid).ok()?) {
        return None;
    }
    if g.is_empty() || g.len() > 19 || !g.iter().all(u8::is_ascii_digit) || iv.len() != 16 || ct.len() < 22 {
        return None;
    }
    if !iv.iter().chain(ct).all(|&b| is_b64url(b)) {
        return None;
    }
    let generation = std::str::from_utf8(g).ok()?.parse().ok()?;
    let env = Envelope {
        kid: String::from_utf8(kid.to_vec()).ok()?,
        generation,
        iv: URL_SAFE_NO_PAD.decode(iv).ok()?,
        ct: URL_SAFE_NO_PAD.decode(ct).ok()?,
    };
    Some((env, INLINE_OPEN.len() + end + 1))
}

/// An envelope as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    pub kid: String,
    pub generation: u64,
    pub iv: Vec<u8>,
    pub ct: Vec<u8>,
}

/// Why an envelope could not be opened. Messages name key ids and fields, never key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecryptError {
    /// The keyring has no key with this id.
    UnknownKey(String),
    /// Authentication failed: a wrong key, or the value was changed or moved to another field
    /// or record.
    Failed,
    /// The envelope or the record id is not in the documented format.
    Malformed(&'static str),
}

impl std::fmt::Display for DecryptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecryptError::UnknownKey(kid) => write!(f, "no key `{kid}` in the keyring"),
            DecryptError::Failed => write!(f, "authentication failed: a wrong key, or the value was changed or moved from another field or record"),
            DecryptError::Malformed(what) => write!(f, "malformed envelope: {what}"),
        }
    }
}

/// Opens `env`, found at normalised `path` in the record with id `rid`, with `keys`.
pub fn open(env: &Envelope, path: &[u8], rid: &str, keys: &KeySet) -> Result<Vec<u8>, DecryptError> {
    open_with(env, rid, keys, |aad_out| aad(path, rid, aad_out))
}

/// Opens inline envelope `env`, the `ordinal`-th (from 0) in the string at normalised `path`
/// in the record with id `rid`, with `keys`.
pub fn open_span(env: &Envelope, path: &[u8], rid: &str, ordinal: u32, keys: &KeySet) -> Result<Vec<u8>, DecryptError> {
    open_with(env, rid, keys, |aad_out| span_aad(path, rid, ordinal, aad_out))
}

fn open_with(env: &Envelope, rid: &str, keys: &KeySet, aad_of: impl FnOnce(&mut Vec<u8>)) -> Result<Vec<u8>, DecryptError> {
    let key = keys.by_id(&env.kid).ok_or_else(|| DecryptError::UnknownKey(env.kid.clone()))?;
    let context = rid.rsplit_once('#').map(|(c, _)| c).ok_or(DecryptError::Malformed("logseal.rid"))?;
    if env.iv.len() != 12 {
        return Err(DecryptError::Malformed("iv is not 12 bytes"));
    }
    let cipher = subkey(key.secret.expose(), context, env.generation);
    let mut aad_buf = Vec::new();
    aad_of(&mut aad_buf);
    cipher.decrypt(Nonce::from_slice(&env.iv), Payload { msg: &env.ct, aad: &aad_buf }).map_err(|_| DecryptError::Failed)
}

/// Where text of `len` bytes cut at `keep` may end so that no inline envelope is cut in two:
/// `keep`, or the start of the envelope it falls inside. Only runs when a string is cut.
pub fn cut_outside_inline(text: &[u8], keep: usize) -> usize {
    // The last opening that starts before `keep`, even if `keep` splits the opening itself.
    let reach = text.len().min(keep.saturating_add(INLINE_OPEN.len() - 1));
    match memchr::memmem::rfind(text.get(..reach).unwrap_or(text), INLINE_OPEN) {
        Some(s) if s < keep && !text.get(s..keep).unwrap_or(&[]).contains(&b']') => s,
        _ => keep,
    }
}

/// Normalises one key name onto a dotted path, as the redactor tracks paths.
pub fn push_path(path: &mut Vec<u8>, name: &[u8]) {
    if !path.is_empty() {
        path.push(b'.');
    }
    normalize_into(name, path);
}

/// A master key as a keyring entry (for tests and `keygen`).
pub fn key(id: &str, secret: Vec<u8>) -> Key {
    Key { id: id.to_string(), purpose: crate::keys::Purpose::Encrypt, secret: Secret::new(secret), active: true }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// NIST AES-GCM known answers (McGrew and Viega, "The Galois/Counter Mode of Operation",
    /// test cases 13 to 16, AES-256), through the cipher the envelopes use.
    #[test]
    fn aes_256_gcm_known_answers() {
        let k15 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
        let p15 = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
        let c15 = "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad";
        let cases: [(&str, &str, &str, &str, &str, &str); 4] = [
            (&"0".repeat(64), &"0".repeat(24), "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"),
            (&"0".repeat(64), &"0".repeat(24), &"0".repeat(32), "", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"),
            (k15, "cafebabefacedbaddecaf888", p15, "", c15, "b094dac5d93471bdec1a502270e3cc6c"),
            (k15, "cafebabefacedbaddecaf888", &p15[..120], "feedfacedeadbeeffeedfacedeadbeefabaddad2", &c15[..120], "76fc6ece0f4e1768cddf8853bb2d551b"),
        ];
        for (k, iv, p, a, c, t) in cases {
            let cipher = Aes256Gcm::new_from_slice(&hex(k)).unwrap();
            let out = cipher.encrypt(Nonce::from_slice(&hex(iv)), Payload { msg: &hex(p), aad: &hex(a) }).unwrap();
            assert_eq!(out, [hex(c), hex(t)].concat());
            let back = cipher.decrypt(Nonce::from_slice(&hex(iv)), Payload { msg: &out, aad: &hex(a) }).unwrap();
            assert_eq!(back, hex(p));
        }
    }

    /// Test case 16's ciphertext carried through the envelope format: written, read back, and
    /// opened with the test key, it gives the NIST plaintext.
    #[test]
    fn a_nist_ciphertext_survives_the_envelope_format() {
        let k = hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
        let iv = hex("cafebabefacedbaddecaf888");
        let p = hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
        let a = hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
        let ct = hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b");
        let mut out = Vec::new();
        write_envelope("nist", 0, &iv, &ct, &mut out);
        let env = parse(&out);
        assert_eq!((env.iv.as_slice(), env.ct.as_slice()), (iv.as_slice(), ct.as_slice()));
        let cipher = Aes256Gcm::new_from_slice(&k).unwrap();
        assert_eq!(cipher.decrypt(Nonce::from_slice(&env.iv), Payload { msg: &env.ct, aad: &a }).unwrap(), p);
    }

    fn fixed_random() -> impl FnMut(&mut [u8]) -> bool {
        let mut n = 0u8;
        move |buf: &mut [u8]| {
            for b in buf {
                n = n.wrapping_add(1);
                *b = n;
            }
            true
        }
    }

    fn encryptor() -> (Encryptor, KeySet) {
        let keys = KeySet::new(vec![key("k1", vec![5; 32])]);
        (Encryptor::new(&keys).unwrap(), keys)
    }

    fn parse(envelope: &[u8]) -> Envelope {
        let v: serde_json::Value = serde_json::from_slice(envelope).unwrap();
        assert_eq!(v["enc"], ALGORITHM);
        Envelope {
            kid: v["kid"].as_str().unwrap().into(),
            generation: v["g"].as_u64().unwrap(),
            iv: URL_SAFE_NO_PAD.decode(v["iv"].as_str().unwrap()).unwrap(),
            ct: URL_SAFE_NO_PAD.decode(v["ct"].as_str().unwrap()).unwrap(),
        }
    }

    #[test]
    fn envelopes_open_only_at_their_field_in_their_record_with_their_key() {
        let (enc, keys) = encryptor();
        let mut st = State::default();
        let mut rnd = fixed_random();
        let mut out = Vec::new();
        enc.seal(&mut st, &mut rnd, Place { chain: Some(("chainA", 7)) }, b"user.ssn", br#""219-09-9999""#, &mut out).unwrap();
        assert_eq!(st.rid, "chainA#7");
        let env = parse(&out);
        assert_eq!(open(&env, b"user.ssn", "chainA#7", &keys).unwrap(), br#""219-09-9999""#);
        assert_eq!(open(&env, b"user.email", "chainA#7", &keys), Err(DecryptError::Failed), "another field");
        assert_eq!(open(&env, b"user.ssn", "chainA#8", &keys), Err(DecryptError::Failed), "another record");
        let wrong = KeySet::new(vec![key("k1", vec![6; 32])]);
        assert_eq!(open(&env, b"user.ssn", "chainA#7", &wrong), Err(DecryptError::Failed), "a wrong key");
        let other = KeySet::new(vec![key("k2", vec![5; 32])]);
        assert_eq!(open(&env, b"user.ssn", "chainA#7", &other), Err(DecryptError::UnknownKey("k1".into())));
        assert!(!DecryptError::Failed.to_string().contains("050505"));
    }

    #[test]
    fn nonces_are_fresh_and_a_failing_source_masks_instead() {
        let (enc, _) = encryptor();
        let mut st = State::default();
        let mut rnd = fixed_random();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        enc.seal(&mut st, &mut rnd, Place::default(), b"x", b"1", &mut a).unwrap();
        enc.seal(&mut st, &mut rnd, Place::default(), b"x", b"1", &mut b).unwrap();
        assert_ne!(parse(&a).iv, parse(&b).iv);
        assert_ne!(a, b);
        let mut failing = |_: &mut [u8]| false;
        let mut st = State::default();
        assert_eq!(enc.seal(&mut st, &mut failing, Place::default(), b"x", b"1", &mut Vec::new()), Err(EncryptError::NoRandomness));
    }

    #[test]
    fn without_a_chain_records_are_numbered_in_a_random_context() {
        let (enc, keys) = encryptor();
        let mut st = State::default();
        let mut rnd = fixed_random();
        let mut out = Vec::new();
        enc.seal(&mut st, &mut rnd, Place::default(), b"a", b"true", &mut out).unwrap();
        let first = st.rid.clone();
        st.next_record();
        let mut out2 = Vec::new();
        enc.seal(&mut st, &mut rnd, Place::default(), b"a", b"true", &mut out2).unwrap();
        assert!(first.ends_with("#1") && st.rid.ends_with("#2"), "{first} {}", st.rid);
        assert_eq!(first.split('#').next(), st.rid.split('#').next());
        assert_eq!(open(&parse(&out), b"a", &first, &keys).unwrap(), b"true");
        assert_eq!(open(&parse(&out2), b"a", &first, &keys), Err(DecryptError::Failed));
    }

    #[test]
    fn the_subkey_moves_on_at_the_cap() {
        let (enc, keys) = encryptor();
        let mut st = State::default();
        let mut rnd = fixed_random();
        let mut out = Vec::new();
        enc.seal(&mut st, &mut rnd, Place { chain: Some(("c", 1)) }, b"f", b"1", &mut out).unwrap();
        assert_eq!(parse(&out).generation, 0);
        st.used = SUBKEY_USES;
        let mut next = Vec::new();
        enc.seal(&mut st, &mut rnd, Place { chain: Some(("c", 1)) }, b"f", b"2", &mut next).unwrap();
        let env = parse(&next);
        assert_eq!(env.generation, 1);
        assert_eq!(st.used, 1);
        assert_eq!(open(&env, b"f", "c#1", &keys).unwrap(), b"2");
        // Generation 0 and 1 are different keys.
        let mut forged = env.clone();
        forged.generation = 0;
        assert_eq!(open(&forged, b"f", "c#1", &keys), Err(DecryptError::Failed));
    }
    #[test]
    fn inline_envelopes_open_only_at_their_ordinal_in_their_string() {
        let (enc, keys) = encryptor();
        let mut st = State::default();
        let mut rnd = fixed_random();
        let place = Place { chain: Some(("c", 3)) };
        let mut text = b"ssn ".to_vec();
        enc.seal_span(&mut st, &mut rnd, place, b"msg", 0, b"219-09-9999", &mut text).unwrap();
        let second = text.len() + 1;
        text.push(b' ');
        enc.seal_span(&mut st, &mut rnd, place, b"msg", 1, b"536-22-8437", &mut text).unwrap();
        text.extend_from_slice(b" end");
        assert_eq!(find_inline(&text, 0), Some(4));
        let (a, len) = parse_inline(&text[4..]).unwrap();
        assert_eq!(4 + len + 1, second);
        let (b, _) = parse_inline(&text[second..]).unwrap();
        assert_eq!(open_span(&a, b"msg", "c#3", 0, &keys).unwrap(), b"219-09-9999");
        assert_eq!(open_span(&b, b"msg", "c#3", 1, &keys).unwrap(), b"536-22-8437");
        assert_eq!(open_span(&b, b"msg", "c#3", 0, &keys), Err(DecryptError::Failed), "another ordinal");
        assert_eq!(open_span(&a, b"note", "c#3", 0, &keys), Err(DecryptError::Failed), "another field");
        assert_eq!(open_span(&a, b"msg", "c#4", 0, &keys), Err(DecryptError::Failed), "another record");
        // Whole-value and inline envelopes are separate domains.
        assert_eq!(open(&a, b"msg", "c#3", &keys), Err(DecryptError::Failed));
        let mut whole = Vec::new();
        enc.seal(&mut st, &mut rnd, place, b"msg", b"\"x\"", &mut whole).unwrap();
        assert_eq!(open_span(&parse(&whole), b"msg", "c#3", 0, &keys), Err(DecryptError::Failed));
        // Only characters neither JSON nor the escape stage change.
        assert!(text.iter().all(|b| b.is_ascii_graphic() || *b == b' ') && !text.contains(&b'\\') && !text.contains(&b'"'));
    }

    #[test]
    fn only_the_documented_inline_form_parses() {
        let good = b"[ENC:k1:0:AAECAwQFBgcICQoL:AAECAwQFBgcICQoLDA0ODxAREhMU]";
        assert!(parse_inline(good).is_some());
        for bad in [
            &b"[ENC:k1:0:AAECAwQFBgcICQoL:AAECAwQFBgcICQoLDA0ODxAREhMU"[..],
            b"[ENC:k1:0:AAECAwQFBgcICQo:AAECAwQFBgcICQoLDA0ODxAREhMU]",
            b"[ENC:k1::AAECAwQFBgcICQoL:AAECAwQFBgcICQoLDA0ODxAREhMU]",
            b"[ENC:k1:0:AAECAwQFBgcICQoL:AAEC]",
            b"[ENC:k 1:0:AAECAwQFBgcICQoL:AAECAwQFBgcICQoLDA0ODxAREhMU]",
            b"[ENC:k1:0:AAECAwQFBgcICQoL:AAECAwQFBgcICQoLDA0ODxAREhMU:x]",
            b"[ENC\\:k1:0:AAECAwQFBgcICQoL:AAECAwQFBgcICQoLDA0ODxAREhMU]",
        ] {
            assert!(parse_inline(bad).is_none(), "{}", String::from_utf8_lossy(bad));
        }
        assert!(inline_kid("prod-enc_1.2") && !inline_kid("a:b") && !inline_kid("") && !inline_kid("x]"));
    }

    #[test]
    fn a_cut_moves_before_an_inline_envelope_it_would_split() {
        let text = b"abc [ENC:k1:0:AAECAwQFBgcICQoL:AAECAwQFBgcICQoLDA0ODxAREhMU] tail";
        let end = text.iter().position(|&b| b == b']').unwrap() + 1;
        for keep in 0..=text.len() {
            let cut = cut_outside_inline(text, keep);
            let expect = if (5..end).contains(&keep) { 4 } else { keep };
            assert_eq!(cut, expect, "at {keep}");
        }
    }
}
