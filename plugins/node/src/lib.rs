//! The wasm module of the `logseal` npm package (wasm32-unknown-unknown, wasm-bindgen).
//! Glue only: all filtering lives in the `logseal` core. The JavaScript wrapper
//! (`plugins/node/lib/`) is the public API; this module's exports are its private interface.
//!
//! What the host provides, through a `Host` object: environment variables for `env:` key
//! references, file reads for `file:` references, a sink for warnings. Randomness (hash chain
//! starts, encryption nonces) comes from the host's Web Crypto `crypto.getRandomValues`; when
//! it fails, a sealing policy's records go out unsealed and marked, encrypted fields masked.
//!
//! Nothing here panics: a refused policy is a thrown [`PolicyFault`] (JSON path + problem),
//! every record comes back filtered or marked, or `undefined` when sampled away.

use logseal::policy::{Environment, Plan};
use logseal::stage::seal::{parse_chain_seed, CHAIN_RANDOM_BYTES};
use logseal::verify::ChainSummary;
use logseal::{Context, Filter, Outcome};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The JavaScript side of the policy environment (see `lib/index.js`).
    pub type Host;
    #[wasm_bindgen(method, catch)]
    fn env(this: &Host, name: &str) -> Result<Option<String>, JsValue>;
    #[wasm_bindgen(method, catch, js_name = readFile)]
    fn read_file(this: &Host, path: &str) -> Result<Option<Vec<u8>>, JsValue>;
    #[wasm_bindgen(method, catch)]
    fn warn(this: &Host, message: &str) -> Result<(), JsValue>;

    /// Web Crypto, a global in Node >= 19 (`globalThis.crypto === require('node:crypto').webcrypto`).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now_ms() -> f64;
}

/// The host's randomness; false when Web Crypto is missing or failed.
fn fill_random(buf: &mut [u8]) -> bool {
    // getRandomValues refuses more than 65,536 bytes per call.
    buf.chunks_mut(65_536).all(|chunk| get_random_values(chunk).is_ok())
}

struct JsEnvironment<'a>(&'a Host);

impl Environment for JsEnvironment<'_> {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        match self.0.read_file(path) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err("no such file".into()),
            // The JS side reports the error code only (ENOENT, EACCES), never file content.
            Err(e) => Err(e.as_string().unwrap_or_else(|| "cannot read".into())),
        }
    }
    fn var(&self, name: &str) -> Option<String> {
        self.0.env(name).ok().flatten()
    }
    fn warn(&self, message: &str) {
        let _ = self.0.warn(message);
    }
}

/// A refused policy: where (a JSON path such as `$.limits.max_depth`) and what is wrong.
/// Thrown by [`Core::new`]; the wrapper turns it into a `PolicyError`.
#[wasm_bindgen]
pub struct PolicyFault {
    path: String,
    problem: String,
}

#[wasm_bindgen]
impl PolicyFault {
    /// JSON path of the fault, `$` for the document itself.
    #[wasm_bindgen(getter)]
    pub fn path(&self) -> String {
        self.path.clone()
    }
    /// What is wrong there.
    #[wasm_bindgen(getter)]
    pub fn problem(&self) -> String {
        self.problem.clone()
    }
}

/// A [`PolicyFault`] as the thrown JS value (`path` may also name an option: `chainSeed`,
/// `keyring`).
fn fault(path: &str, problem: String) -> JsValue {
    PolicyFault { path: path.to_string(), problem }.into()
}

/// One filter: a compiled policy, its hash chain and counters, and reused input and output
/// buffers in wasm memory.
///
/// The record crossing is the wrapper's: it asks [`Core::input_buffer`] for room, writes the
/// record's UTF-8 straight into wasm memory (Node's `Buffer.write`, no intermediate copy),
/// calls [`Core::filter_input`] or [`Core::filter_input_batch`], and decodes the result from
/// [`Core::output`] / [`Core::batch_output`]. No allocation per record on either side once the
/// buffers have grown to the records' size.
#[wasm_bindgen]
pub struct Core {
    filter: Filter,
    out: Vec<u8>,
    /// Where the wrapper writes the next input (UTF-8 of a line or an NDJSON batch).
    input: Vec<u8>,
    /// The kept records of the last batch, each ending in `\n`.
    batch: Vec<u8>,
    /// Fixed host time for every record (tests); None: the host clock.
    time_ns: Option<i64>,
    /// Longest prefix of a record handed to the core, as `logseal filter` reads it: longer
    /// records are cut and marked by the core, with their full length declared.
    cap: usize,
}

/// Buffers above this size are given back once the records are small again, so one huge record
/// does not pin its memory for the filter's life.
const KEEP_BYTES: usize = 1 << 20;

#[wasm_bindgen]
impl Core {
    /// Compiles `policy` (JSON text; empty: the built-in default policy). `base_dir` resolves
    /// relative `file:` key references. `chain_seed` (32 hex digits, tests only) replaces the
    /// host randomness that starts a sealing policy's chain; `time_ns` fixes the host time.
    #[wasm_bindgen(constructor)]
    pub fn new(policy: &str, host: &Host, base_dir: Option<String>, chain_seed: Option<String>, time_ns: Option<i64>) -> Result<Core, JsValue> {
        let plan = if policy.trim().is_empty() {
            Plan::default_policy()
        } else {
            Plan::load(policy, &JsEnvironment(host), base_dir.as_deref()).map_err(|e| fault(&e.path, e.problem.to_string()))?
        };
        let seed = match chain_seed.as_deref() {
            None => None,
            Some(hex) => Some(parse_chain_seed(hex).ok_or_else(|| fault("chainSeed", "expected 32 hex digits".into()))?),
        };
        let cap = (plan.limits.max_record_bytes as usize).saturating_add(1);
        let mut filter = Filter::new(plan);
        filter.set_random(Box::new(fill_random));
        if filter.plan().sealer.is_some() {
            let random = seed.or_else(|| {
                let mut r = [0u8; CHAIN_RANDOM_BYTES];
                fill_random(&mut r).then_some(r)
            });
            match random {
                Some(r) => filter.start_chain(&r),
                // Never a guessable chain id: the core marks the records instead.
                None => {
                    let _ = host.warn("no randomness from crypto.getRandomValues: records go out unsealed and marked");
                }
            }
        }
        Ok(Core { filter, out: Vec::new(), input: Vec::new(), batch: Vec::new(), time_ns, cap })
    }

    /// Makes room for `len` bytes of input and returns its address in wasm memory. The
    /// wrapper writes UTF-8 there (at most 3 bytes per UTF-16 unit, so it asks for 3x the
    /// string's length) and then calls `filter_input*` with the number of bytes written.
    /// The address is valid until the next call into this module.
    pub fn input_buffer(&mut self, len: usize) -> usize {
        if self.input.len() > KEEP_BYTES && len <= KEEP_BYTES / 4 {
            self.input = Vec::new();
        }
        if self.input.len() < len {
            self.input.resize(len, 0);
        }
        self.input.as_mut_ptr() as usize
    }

    /// Filters the first `len` input bytes as one record (a line, with or without its `\n`):
    /// the length of the filtered JSON object at [`Core::output`] (with a `\n` after it when
    /// `newline`), or -1 when the policy sampled it away.
    pub fn filter_input(&mut self, len: usize, newline: bool) -> f64 {
        let time_ns = self.now();
        let input = std::mem::take(&mut self.input);
        // The core reads any bytes (as `logseal filter` reads stdin); a length beyond the
        // buffer never comes from the wrapper, and is marked, not read.
        let outcome = match input.get(..len) {
            Some(line) => self.process(line, time_ns),
            None => self.filter.host_error("the record's length was beyond the input buffer", time_ns, &mut self.out),
        };
        self.input = input;
        if outcome == Outcome::Dropped {
            return -1.0;
        }
        self.check_utf8(time_ns);
        if newline {
            self.out.push(b'\n');
        }
        self.out.len() as f64
    }

    /// Address of the last record [`Core::filter_input`] or [`Core::host_error`] wrote; valid
    /// until the next call into this module.
    pub fn output(&self) -> usize {
        self.out.as_ptr() as usize
    }

    /// Filters the first `len` input bytes as NDJSON: every `\n`-separated line (a final line
    /// end is optional) is one record, as `logseal filter` reads stdin. Returns the length of
    /// the kept records at [`Core::batch_output`], each ending in `\n`.
    pub fn filter_input_batch(&mut self, len: usize) -> f64 {
        let time_ns = self.now();
        let input = std::mem::take(&mut self.input);
        let mut batch = std::mem::take(&mut self.batch);
        batch.clear();
        if batch.capacity() > KEEP_BYTES && len <= KEEP_BYTES / 4 {
            batch = Vec::new();
        }
        match input.get(..len) {
            Some(ndjson) => {
                if !ndjson.is_empty() {
                    let body = ndjson.strip_suffix(b"\n").unwrap_or(ndjson);
                    for line in body.split(|&b| b == b'\n') {
                        // A blank or white-space-only line is not a record, as in `logseal filter`.
                        if line.iter().all(u8::is_ascii_whitespace) {
                            continue;
                        }
                        if self.process(line, time_ns) != Outcome::Dropped {
                            self.check_utf8(time_ns);
                            batch.extend_from_slice(&self.out);
                            batch.push(b'\n');
                        }
                    }
                }
            }
            None => {
                self.filter.host_error("the batch's length was beyond the input buffer", time_ns, &mut self.out);
                batch.extend_from_slice(&self.out);
                batch.push(b'\n');
            }
        }
        self.input = input;
        self.batch = batch;
        self.batch.len() as f64
    }

    /// Address of the last batch's output; valid until the next call into this module.
    pub fn batch_output(&self) -> usize {
        self.batch.as_ptr() as usize
    }

    /// The counters as a JSON object: records, emitted, dropped, errors, cut, sampled_out,
    /// rate_limited, duplicates, evictions, sealed, and `redacted` per kind and custom rule,
    /// as every host reports them.
    pub fn stats(&self) -> String {
        self.filter.stats_json()
    }

    /// Writes an error-marked record (nothing of the original) at [`Core::output`] for a
    /// record the wrapper could not hand over, and returns its length: `code` 0, not
    /// serialisable to JSON (circular, BigInt); 1, not a string or an object. Counted like
    /// every record.
    pub fn host_error(&mut self, code: u32) -> f64 {
        let reason = match code {
            0 => "the record could not be serialised to JSON (circular reference or BigInt)",
            _ => "the record was neither a string nor an object",
        };
        let time_ns = self.now();
        self.filter.host_error(reason, time_ns, &mut self.out);
        self.check_utf8(time_ns);
        self.out.len() as f64
    }

    /// Whether the policy seals and its hash chain is running.
    pub fn sealing(&self) -> bool {
        self.filter.chain().is_some()
    }
}

/// The wasm module's memory (a `WebAssembly.Memory`): the wrapper reads and writes records
/// in it at the addresses [`Core`] returns.
#[wasm_bindgen(js_name = wasmMemory)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

impl Core {
    fn now(&self) -> i64 {
        // Date.now() is whole milliseconds (an f64 product would write ...737999872 ns);
        // a clock beyond i64 saturates.
        self.time_ns.unwrap_or_else(|| (date_now_ms() as i64).saturating_mul(1_000_000))
    }

    fn process(&mut self, line: &[u8], time_ns: i64) -> Outcome {
        let (bytes, declared_len) = match line.get(..self.cap) {
            Some(head) if head.len() < line.len() => (head, Some(line.len() as u64)),
            _ => (line, None),
        };
        let ctx = Context { time_ns, tag: b"", declared_len };
        self.filter.process(bytes, &ctx, &mut self.out)
    }

    /// The core writes UTF-8 JSON; should an output ever not be, it goes out as an error
    /// record rather than as lossy or raw bytes (the wrapper decodes it as UTF-8 text).
    fn check_utf8(&mut self, time_ns: i64) {
        if std::str::from_utf8(&self.out).is_err() {
            self.filter.host_error("the filtered record was not UTF-8", time_ns, &mut self.out);
            if std::str::from_utf8(&self.out).is_err() {
                self.out.clear();
                self.out.extend_from_slice(HOST_ERROR_RECORD.as_bytes());
            }
        }
    }
}

/// The last resort when even the core's error record is not UTF-8 (never expected): the
/// marker the wrapper also uses for a trapped module.
const HOST_ERROR_RECORD: &str = r#"{"logseal":{"v":1,"error":{"kind":"host","detail":"the logseal wasm module failed on this record; it was withheld"}}}"#;

/// Verifies sealed NDJSON against a keyring (its JSON text; every seal key in it is accepted),
/// as `logseal verify --json` does over one input: a JSON object
/// `{"ok", "records", "problems", "findings": [{"kind", "problem", "line", "chain", "seq",
/// "detail"}], "chains": [{"chain", "kid", "verified", "first_seq", "last_seq", ...}]}`.
///
/// `state` is the text of a `logseal verify --state` file (`{"version":1,"chains":{"<chain>":
/// {"seq":N,"mac":"..."}}}`; empty: the first run): each chain is checked against the head
/// remembered there, and the result then also holds `"state"`, the new heads (the furthest
/// verified record of each chain, never a head moved back), in the same format, so the CLI and
/// the package can take turns on one state file.
/// Throws (a [`PolicyFault`] at `keyring` or `state`) when the keyring is unreadable or holds no
/// seal key, or the state is not a verify state.
#[wasm_bindgen]
pub fn verify(ndjson: &str, keyring: &str, state: Option<String>) -> Result<String, JsValue> {
    use logseal::keyring::parse_keyring;
    use logseal::keys::{KeySet, Purpose};
    use logseal::verify::Verifier;
    let keys = parse_keyring(keyring.as_bytes(), "keyring").map_err(|e| fault("keyring", e.to_string()))?;
    let seal: Vec<_> = keys.into_iter().filter(|k| k.purpose == Purpose::Seal).collect();
    if seal.is_empty() {
        return Err(fault("keyring", "the keyring holds no seal keys".into()));
    }
    let old_heads = match state.as_deref() {
        None => None,
        Some(text) => Some(read_state(text).ok_or_else(|| fault("state", "not a logseal verify state".into()))?),
    };
    let mut verifier = Verifier::new(KeySet::new(seal));
    if let Some(heads) = &old_heads {
        verifier.remember(heads.clone());
    }
    let mut findings = Vec::new();
    let body = ndjson.strip_suffix('\n').unwrap_or(ndjson);
    if !ndjson.is_empty() {
        for (i, line) in body.split('\n').enumerate() {
            verifier.line(i as u64 + 1, line.as_bytes(), &mut findings);
        }
    }
    let chains = verifier.finish(&mut findings);
    let problems = findings.iter().filter(|f| f.kind.is_problem()).count();
    let findings: Vec<_> = findings
        .iter()
        .map(|f| {
            serde_json::json!({"kind": f.kind.name(), "problem": f.kind.is_problem(), "line": f.line,
                "chain": f.chain, "seq": f.seq, "detail": f.detail})
        })
        .collect();
    let summaries: Vec<_> = chains.iter().map(ChainSummary::to_json).collect();
    let mut report = serde_json::json!({"ok": problems == 0, "records": verifier.records, "problems": problems,
        "findings": findings, "chains": summaries});
    if let (Some(heads), Some(obj)) = (&old_heads, report.as_object_mut()) {
        obj.insert("state".into(), logseal::verify::state::advance(&chains, heads));
    }
    Ok(report.to_string())
}

/// The heads of a `--state` file's text (an empty text: none yet); None when it is not one.
/// The format and rules are `logseal verify --state`'s ([`logseal::verify::state`]).
fn read_state(text: &str) -> Option<Vec<(String, logseal::verify::Head)>> {
    if text.trim().is_empty() {
        return Some(Vec::new());
    }
    logseal::verify::state::parse(text.as_bytes())
}

/// Compares two copies of a sealed stream (NDJSON text each), as `logseal verify --compare
/// LOCAL REMOTE --json` does, without keys: a JSON object `{"ok", "differences",
/// "local_records", "findings": [{"kind", "problem", "input", "line", "chain", "seq"}]}`, where
/// `kind` is `different` (same chain and seq, other content), `only_in_remote` or
/// `missing_from_remote`, and `input` names the copy (`local` or `remote`) the line is in.
/// Lines that are not sealed records are skipped, as the CLI skips them.
#[wasm_bindgen]
pub fn compare(local: &str, remote: &str) -> String {
    use logseal::verify::compare::{Comparison, Difference};
    let mut comparison = Comparison::default();
    let mut findings = Vec::new();
    let finding = |d: &Difference| {
        let input = if d.kind.in_remote() { "remote" } else { "local" };
        serde_json::json!({"kind": d.kind.name(), "problem": true, "input": input, "line": d.line, "chain": d.chain, "seq": d.seq})
    };
    for (which, text) in [(0, local), (1, remote)] {
        if text.is_empty() {
            continue;
        }
        let body = text.strip_suffix('\n').unwrap_or(text);
        for (i, line) in body.split('\n').enumerate() {
            let n = i as u64 + 1;
            if which == 0 {
                comparison.local(n, line.as_bytes());
            } else if let Some(d) = comparison.remote(n, line.as_bytes()) {
                findings.push(finding(&d));
            }
        }
    }
    findings.extend(comparison.finish().iter().map(finding));
    serde_json::json!({"ok": findings.is_empty(), "differences": findings.len(), "local_records": comparison.local_records(),
        "findings": findings})
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_state_is_the_first_run_and_anything_else_is_read_as_the_cli_reads_it() {
        assert_eq!(read_state(" \n").map(|h| h.len()), Some(0), "empty: the first run");
        let heads = read_state(r#"{"version":1,"chains":{"c1":{"seq":7,"mac":"ab"}}}"#).unwrap();
        assert_eq!((heads[0].0.as_str(), heads[0].1.seq, heads[0].1.mac.as_str()), ("c1", 7, "ab"));
        assert!(read_state("{").is_none());
    }
}
