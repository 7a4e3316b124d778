//! `logseal decrypt`: restore encrypted fields for an authorised analyst, streaming.

use super::env::load_keyring;
use super::exit::io_reason;
use super::input::{self, for_each_line, or_stdin};
use super::progress::Progress;
use super::exit;
use super::usage::Usage;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use logseal::json::lookup::Lookup;
use logseal::json::{scan, string, Kind, ScanLimits, Token};
use logseal::keys::{KeySet, Purpose};
use logseal::stage::notes::RESERVED_KEY;
use logseal::stage::encrypt::{find_inline, open, open_span, parse_inline, push_path, DecryptError, Envelope, ALGORITHM};
use std::io::{self, IsTerminal, Write};

pub const USAGE: &str = "logseal decrypt --keys KEYRING [--output FILE] [FILE...]";

pub const ABOUT: &str = "\
Reads records logseal wrote from each FILE in order (stdin when no FILE is given, or `-`)
and writes them to stdout (or --output FILE, made with mode 0600: it holds what was
encrypted) with every encrypted field restored to its original value; everything else is
copied byte for byte. A field that cannot be decrypted (no such key id in KEYRING, a wrong
key, a value changed or moved from another field or record) keeps its envelope and is
reported on stderr with its line and field. On a terminal, a long run shows progress on
stderr; never on a pipe.";

pub const EXIT: &str = "\
Exit: 0 every field restored; 1 some fields could not be; 2 usage error, or KEYRING is not a
keyring holding encryption keys; 3 a FILE or KEYRING could not be read, or the output could
not be written.";

/// The arguments of `logseal decrypt`.
#[derive(clap::Args)]
pub struct DecryptArgs {
    /// keyring holding the encryption keys (every key id in it is tried by id)
    #[arg(long, value_name = "KEYRING")]
    keys: Option<String>,
    /// write the records to FILE (made with mode 0600, or emptied) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<String>,
    /// files of records, `-` for stdin (default: stdin)
    #[arg(value_name = "FILE")]
    files: Vec<String>,
}

const MAX_LINE: usize = 1 << 28;

/// `usage` reports this command's usage errors.
pub fn run(args: DecryptArgs, usage: Usage) -> i32 {
    let Some(path) = args.keys.as_deref() else { return usage.error("decrypt needs --keys KEYRING") };
    let keys = match load_keyring(path, Purpose::Encrypt) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let files = or_stdin(&args.files);
    let sink: Box<dyn Write> = match &args.output {
        None => Box::new(io::stdout().lock()),
        Some(out) => match create_private(out) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("logseal: cannot write {out}: {}", io_reason(&e));
                return exit::IO;
            }
        },
    };
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let mut progress = Progress::new("decrypt", input::total_size(&files), !to_terminal);
    let mut out = io::BufWriter::new(sink);
    let mut d = Decryptor::default();
    let mut restored = Vec::new();
    let mut failures = 0u64;
    let mut write_error = None;
    let walked = for_each_line(&files, MAX_LINE, &mut progress, |progress, file, n, line| {
        let failed = d.line(line, &keys, &mut restored);
        if !failed.is_empty() {
            progress.suspend(|| report_failures(file, n, &failed));
        }
        failures += failed.len() as u64;
        restored.push(b'\n');
        out.write_all(&restored).map_err(|e| {
            write_error = Some(e);
            exit::IO
        })
    });
    let flushed = out.flush();
    drop(progress);
    if let Some(e) = write_error.or(flushed.err()) {
        let what = args.output.as_deref().unwrap_or("stdout");
        eprintln!("logseal: cannot write {what}: {}", io_reason(&e));
        return exit::IO;
    }
    if let Err(code) = walked {
        return code;
    }
    if failures > 0 {
        1
    } else {
        exit::OK
    }
}

/// Reports the fields of one line that could not be restored.
fn report_failures(file: &str, n: u64, failed: &[(Vec<u8>, DecryptError)]) {
    for (field, err) in failed {
        eprintln!("logseal: {file}:{n}: field `{}`: {err}", String::from_utf8_lossy(field));
    }
}

/// Creates (or empties) `path` for writing, readable by its owner only: it receives what
/// was encrypted.
fn create_private(path: &str) -> io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

/// Reusable buffers for restoring records.
#[derive(Default)]
pub struct Decryptor {
    tape: Vec<Token>,
    stack: Vec<u32>,
    path: Vec<u8>,
    text: Vec<u8>,
    scratch: Vec<u8>,
    look: Lookup,
}

impl Decryptor {
    /// Writes `line` to `out` with its envelopes opened; returns the fields that failed.
    pub fn line(&mut self, line: &[u8], keys: &KeySet, out: &mut Vec<u8>) -> Vec<(Vec<u8>, DecryptError)> {
        out.clear();
        let limits = ScanLimits { max_depth: 1024, max_fields: u32::MAX };
        if scan(line, limits, &mut self.tape, &mut self.stack).is_err() {
            out.extend_from_slice(line);
            return Vec::new();
        }
        let rid = self.rid(line);
        let mut failed = Vec::new();
        let mut copied = 0usize;
        // (end token, path length to restore) for the containers being walked.
        let mut frames: Vec<(u32, usize)> = Vec::new();
        self.path.clear();
        let mut i = 1usize;
        let root_end = self.tape.first().map_or(0, |t| t.next as usize);
        while i < root_end {
            while frames.last().is_some_and(|&(end, _)| i >= end as usize) {
                if let Some((_, len)) = frames.pop() {
                    self.path.truncate(len);
                }
            }
            let tok = self.tape[i];
            let restore = self.path.len();
            let value = if tok.kind == Kind::Key {
                self.text.clear();
                string::decode(tok.raw(line), tok.flags, &mut self.text, &mut self.scratch);
                push_path(&mut self.path, &self.text);
                i + 1
            } else {
                i
            };
            let Some(val) = self.tape.get(value).copied() else { break };
            let envelope = if val.kind == Kind::Object { self.envelope(line, value) } else { None };
            match val.kind {
                Kind::Object if envelope.is_some() => {
                    let Some(env) = envelope else { break };
                    let opened = match &rid {
                        Some(rid) => open(&env, &self.path, rid, keys),
                        None => Err(DecryptError::Malformed("the record has no logseal.rid")),
                    };
                    match opened {
                        Ok(plain) if is_json(&plain) => {
                            out.extend_from_slice(&line[copied..val.start as usize]);
                            out.extend_from_slice(&plain);
                            copied = val.end as usize;
                        }
                        Ok(_) => failed.push((self.path.clone(), DecryptError::Malformed("the plaintext is not JSON"))),
                        Err(e) => failed.push((self.path.clone(), e)),
                    }
                    self.path.truncate(restore);
                    i = val.next as usize;
                }
                Kind::Object | Kind::Array => {
                    frames.push((val.next, restore));
                    i = value + 1;
                }
                Kind::Str if find_inline(val.raw(line), 0).is_some() => {
                    // Inline envelopes: their characters are never escaped, so they are read
                    // and replaced in the string's JSON text, everything else kept as it is.
                    self.scratch.clear();
                    match spans(val.raw(line), &self.path, rid.as_deref(), keys, &mut self.scratch) {
                        Ok(()) => {
                            out.extend_from_slice(&line[copied..val.start as usize]);
                            out.extend_from_slice(&self.scratch);
                            copied = val.end as usize;
                        }
                        Err(errors) => failed.extend(errors.into_iter().map(|e| (self.path.clone(), e))),
                    }
                    self.path.truncate(restore);
                    i = val.next as usize;
                }
                _ => {
                    self.path.truncate(restore);
                    i = val.next as usize;
                }
            }
        }
        out.extend_from_slice(&line[copied..]);
        failed
    }

    /// The record id under the reserved key.
    fn rid(&mut self, line: &[u8]) -> Option<String> {
        let reserved = self.look.member(line, &self.tape, 0, RESERVED_KEY.as_bytes())?;
        self.look.str_member(line, &self.tape, reserved + 1, b"rid")
    }

    /// The envelope at object token `obj`, if it is one.
    fn envelope(&mut self, line: &[u8], obj: usize) -> Option<Envelope> {
        let (look, tape) = (&mut self.look, &self.tape);
        if look.str_member(line, tape, obj, b"enc")? != ALGORITHM {
            return None;
        }
        let kid = look.str_member(line, tape, obj, b"kid")?;
        let generation = look.uint_member(line, tape, obj, b"g")?;
        let iv = look.str_member(line, tape, obj, b"iv")?;
        let ct = look.str_member(line, tape, obj, b"ct")?;
        Some(Envelope { kid, generation, iv: URL_SAFE_NO_PAD.decode(iv).ok()?, ct: URL_SAFE_NO_PAD.decode(ct).ok()? })
    }
}

/// Writes the JSON string body `raw` to `out` with every inline envelope in it opened, the
/// n-th (from 0) as the n-th of the string at `path`. A string whose envelopes do not all
/// open is not restored at all: the errors are returned.
fn spans(raw: &[u8], path: &[u8], rid: Option<&str>, keys: &KeySet, out: &mut Vec<u8>) -> Result<(), Vec<DecryptError>> {
    let mut errors = Vec::new();
    let (mut last, mut at, mut ordinal) = (0usize, 0usize, 0u32);
    while let Some(p) = find_inline(raw, at) {
        let Some((env, len)) = parse_inline(&raw[p..]) else {
            at = p + 1; // text that only opens like an envelope
            continue;
        };
        let opened = match rid {
            Some(rid) => open_span(&env, path, rid, ordinal, keys),
            None => Err(DecryptError::Malformed("the record has no logseal.rid")),
        };
        match opened.and_then(|plain| String::from_utf8(plain).map_err(|_| DecryptError::Malformed("the plaintext is not UTF-8"))) {
            Ok(plain) => {
                out.extend_from_slice(&raw[last..p]);
                string::encode_body(plain.as_bytes(), out);
            }
            Err(e) => errors.push(e),
        }
        ordinal += 1;
        last = p + len;
        at = last;
    }
    out.extend_from_slice(&raw[last..]);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn is_json(text: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(text).is_ok()
}
