//! Fleet-scale verification: many files and many chains at once, across worker threads.
//! The parallel path ([`logseal::verify::parallel`]) must give exactly the findings and chain
//! summaries of the single-threaded [`Verifier::line`] for any input: the tamper suite, chains
//! interleaved in one file and crossing files, random tampering, any batch size and worker
//! count. Memory is bounded by a cap on the lines in flight, checked by count.

mod common;

use common::{corpus_records, logseal, root};
use logseal::keys::{Key, KeySet, Purpose, Secret};
use logseal::verify::parallel::{Options, Pipeline, Stats};
use logseal::verify::{ChainSummary, Finding, Head, Verifier};
use logseal::{Context, Filter, Plan};
use serde_json::Value;

/// The keyring of the run: two seal keys, so records that name no key are tried under each.
fn keyring() -> KeySet {
    KeySet::new(vec![key("k1", 0, true), key("k2", 100, false)])
}

fn key(id: &str, first: u8, active: bool) -> Key {
    Key { id: id.into(), purpose: Purpose::Seal, secret: Secret::new((first..first + 32).collect()), active }
}

/// How one chain is sealed.
#[derive(Clone, Copy, Debug)]
struct Sealer {
    /// Master key bytes start (0: k1, 100: k2, 200: a key the keyring lacks).
    key: u8,
    version: u32,
    evolve_every: u64,
    /// The chain seed's byte: two sealers with one seed write one chain id.
    seed: u8,
    /// Changes the records' content, not the chain.
    salt: u8,
}

/// The keyring the sealers read: k1 and k2 of [`keyring`], and k3, which verifiers lack.
fn ring_json() -> String {
    use base64::Engine;
    let key = |id: &str, first: u8| {
        let secret: Vec<u8> = (first..first + 32).collect();
        serde_json::json!({"id": id, "purpose": "seal", "secret": base64::engine::general_purpose::STANDARD.encode(secret), "active": id == "k1"})
    };
    serde_json::json!({"version": 1, "keys": [key("k1", 0), key("k2", 100), key("k3", 200)]}).to_string()
}

/// Policy key references resolve to [`ring_json`].
struct Ring;

impl logseal::policy::Environment for Ring {
    fn read_file(&self, _path: &str) -> Result<Vec<u8>, String> {
        Ok(ring_json().into_bytes())
    }
    fn var(&self, _name: &str) -> Option<String> {
        None
    }
    fn warn(&self, _message: &str) {}
}

/// `count` records sealed by `s`, from record `from` of a synthetic log mixed with corpus records.
fn seal(s: Sealer, from: usize, count: usize) -> Vec<Vec<u8>> {
    let kid = match s.key {
        0 => "k1",
        100 => "k2",
        _ => "k3",
    };
    let evolve = if s.evolve_every > 0 { format!(r#","evolve":{{"every_records":{}}}"#, s.evolve_every) } else { String::new() };
    let policy = format!(
        r#"{{"version":1,"keys":{{"seal":"file:ring.json#{kid}"}},"seal":{{"checkpoint_every":4,"instance":"w{}","version":{}{evolve}}}}}"#,
        s.seed, s.version
    );
    let plan = match Plan::load(&policy, &Ring, None) {
        Ok(plan) => plan,
        Err(e) => panic!("the test policy loads: {policy}: {e:?}"),
    };
    let mut filter = Filter::new(plan);
    filter.start_chain(&[s.seed; 16]);
    let corpus = corpus_records("pii-public.ndjson");
    let ctx = Context { time_ns: 1_764_237_600_000_000_000, tag: b"app", ..Context::default() };
    let mut lines = Vec::new();
    for i in 0..from + count {
        let record = match i % 3 {
            0 => corpus[(i * 7 + s.seed as usize + s.salt as usize) % corpus.len()].clone(),
            _ => format!(r#"{{"level":"info","msg":"request {i} done","seed":{},"salt":{},"n":{i}}}"#, s.seed, s.salt).into_bytes(),
        };
        let mut out = Vec::new();
        assert_ne!(filter.process(&record, &ctx, &mut out), logseal::Outcome::Dropped, "every record is kept");
        if i >= from {
            lines.push(out);
        }
    }
    lines
}

/// What a run reported: findings in order, chain summaries, records read, transport fields.
#[derive(Debug, PartialEq)]
struct Outcome {
    findings: Vec<Finding>,
    chains: Vec<ChainSummary>,
    records: u64,
    transport: Vec<(String, u64)>,
}

fn verifier(state: &[(String, Head)]) -> Verifier {
    let mut v = Verifier::new(keyring());
    v.remember(state.to_vec());
    v
}

/// Lines numbered across files as `logseal verify` numbers them; each file starts an input.
fn numbered(files: &[Vec<Vec<u8>>]) -> Vec<(u64, bool, &[u8])> {
    let mut out = Vec::new();
    for file in files {
        for (n, line) in file.iter().enumerate() {
            out.push((out.len() as u64 + 1, n == 0, line.as_slice()));
        }
    }
    out
}

fn done(mut v: Verifier, mut findings: Vec<Finding>) -> Outcome {
    let chains = v.finish(&mut findings);
    Outcome { findings, chains, records: v.records, transport: v.transport.into_iter().collect() }
}

/// The single-threaded verifier, line by line.
fn sequential(files: &[Vec<Vec<u8>>], state: &[(String, Head)]) -> Outcome {
    let mut v = verifier(state);
    let mut findings = Vec::new();
    for (global, starts, line) in numbered(files) {
        if starts {
            v.next_input();
        }
        v.line(global, line, &mut findings);
    }
    done(v, findings)
}

/// The same through worker threads.
fn parallel(files: &[Vec<Vec<u8>>], state: &[(String, Head)], options: Options) -> (Outcome, Stats) {
    let mut v = verifier(state);
    let mut findings = Vec::new();
    let mut pipeline = Pipeline::new(v.keys(), options);
    let mut sink = |f: &[Finding]| findings.extend_from_slice(f);
    for (global, starts, line) in numbered(files) {
        pipeline.push(&mut v, global, starts, line, &mut sink);
    }
    pipeline.flush(&mut v, &mut sink);
    let stats = pipeline.stats();
    drop(pipeline);
    (done(v, findings), stats)
}

fn options(jobs: usize, batch_lines: usize, in_flight: usize) -> Options {
    Options { jobs, batch_lines, batch_bytes: 1 << 20, in_flight }
}

/// Checks both paths agree on `files` for several cuts of the work; returns the outcome.
fn agree(what: &str, files: &[Vec<Vec<u8>>], state: &[(String, Head)]) -> Outcome {
    let expected = sequential(files, state);
    for o in [options(1, 1, 1), options(2, 3, 2), options(3, 7, 4), options(4, 1024, 8), Options::with_jobs(2)] {
        let (got, stats) = parallel(files, state, o);
        assert_eq!(got, expected, "{what}: {o:?}");
        assert!(stats.max_lines_in_flight <= (o.in_flight * o.batch_lines) as u64, "{what}: {stats:?} beyond {o:?}");
        assert_eq!(stats.taken_without_workers, 0, "{what}: the workers answered");
    }
    expected
}

fn kinds(o: &Outcome) -> Vec<&'static str> {
    o.findings.iter().map(|f| f.kind.name()).collect()
}

const V1: Sealer = Sealer { key: 0, version: 1, evolve_every: 0, seed: 1, salt: 0 };
const V2: Sealer = Sealer { key: 0, version: 2, evolve_every: 0, seed: 2, salt: 0 };
const EVOLVING: Sealer = Sealer { key: 0, version: 2, evolve_every: 3, seed: 3, salt: 0 };
const SECOND_KEY: Sealer = Sealer { key: 100, version: 2, evolve_every: 0, seed: 4, salt: 0 };

fn edit(line: &[u8], f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
    let mut v: Value = serde_json::from_slice(line).expect("sealed record is JSON");
    f(v.as_object_mut().expect("object"));
    v.to_string().into_bytes()
}

#[test]
fn the_tamper_suite_gives_the_same_findings_on_one_thread_and_on_many() {
    for s in [V1, V2, EVOLVING, SECOND_KEY] {
        let chain = seal(s, 0, 14);
        let what = |case: &str| format!("{case} ({s:?})");
        assert!(agree(&what("untouched"), &[chain.clone()], &[]).findings.iter().all(|f| !f.kind.is_problem()));

        let mut modified = chain.clone();
        modified[3] = edit(&modified[3], |r| {
            r.insert("level".into(), "ERROR".into());
        });
        assert!(kinds(&agree(&what("modified"), &[modified], &[])).contains(&"modified"));

        let mut deleted = chain.clone();
        deleted.remove(5);
        assert!(kinds(&agree(&what("deleted"), &[deleted], &[])).contains(&"deleted"));

        let mut reordered = chain.clone();
        reordered.swap(4, 6);
        assert!(kinds(&agree(&what("reordered"), &[reordered], &[])).contains(&"reordered"));

        let mut inserted = chain.clone();
        let forged = edit(&chain[7], |r| {
            r.insert("msg".into(), "forged".into());
        });
        inserted.insert(7, forged);
        assert!(kinds(&agree(&what("inserted"), &[inserted], &[])).contains(&"inserted"));

        let mut duplicated = chain.clone();
        duplicated.insert(8, chain[7].clone());
        assert!(kinds(&agree(&what("duplicate"), &[duplicated], &[])).contains(&"duplicate"));

        // Another sealer with the same chain id and other content: replays, two histories.
        let other_history = seal(Sealer { salt: 1, ..s }, 0, 14);
        let mut replayed = chain.clone();
        replayed.insert(12, other_history[9].clone());
        assert!(kinds(&agree(&what("replayed"), &[replayed], &[])).contains(&"replayed"));
        let spliced: Vec<Vec<u8>> = chain[..7].iter().chain(other_history[7..].iter()).cloned().collect();
        let found = agree(&what("two histories"), &[spliced], &[]);
        assert_eq!(kinds(&found).contains(&"chain_break"), s.version == 1, "{found:?}");

        // A whole chain appended again after a file moved on: replayed_chain.
        let other = seal(Sealer { seed: s.seed + 50, ..s }, 0, 5);
        let replay_file: Vec<Vec<u8>> = other.iter().chain(chain.iter()).cloned().collect();
        assert!(kinds(&agree(&what("replayed chain"), &[chain.clone(), replay_file], &[])).contains(&"replayed_chain"));

        // Truncation and rollback against a remembered head.
        let first = sequential(&[chain.clone()], &[]);
        let head = &first.chains[0];
        let state = vec![(head.chain.clone(), Head { seq: head.last_seq, mac: head.head_mac.clone() })];
        assert!(kinds(&agree(&what("truncated"), &[chain[..10].to_vec()], &state)).contains(&"truncated"));
        let rollback = vec![(head.chain.clone(), Head { seq: 9, mac: "AAAAAAAAAAAAAAAAAAAAAA".into() })];
        assert!(kinds(&agree(&what("rollback"), &[chain.clone()], &rollback)).contains(&"rollback"));
        agree(&what("a re-read with state"), &[chain.clone()], &state);
        let unseen = vec![("not-here".to_string(), Head { seq: 3, mac: "x".into() })];
        assert!(kinds(&agree(&what("chain not seen"), &[chain.clone()], &unseen)).contains(&"chain_not_seen"));

        // Lines that are not sealed records, between sealed ones.
        let mut junk = chain.clone();
        junk.insert(2, b"not json".to_vec());
        junk.insert(3, br#"{"msg":"unsealed"}"#.to_vec());
        junk.insert(4, b"   ".to_vec());
        junk.insert(5, b"{\"msg\":\"\xff\"}".to_vec());
        junk[8] = edit(&junk[8], |r| {
            r.insert("added".into(), 1.into());
        });
        junk.push(b"[1,2]".to_vec());
        let found = agree(&what("junk"), &[junk], &[]);
        assert!(kinds(&found).contains(&"unreadable") && kinds(&found).contains(&"unsealed"));

        // Starting mid-chain, where a v2 record names no key: every key is tried.
        let tail = chain[5..].to_vec();
        agree(&what("mid-chain start"), &[tail], &[]);
    }
    // A chain under a key the keyring lacks.
    let unknown = seal(Sealer { key: 200, seed: 9, ..V2 }, 0, 6);
    assert!(kinds(&agree("unknown key", &[unknown.clone(), unknown[2..].to_vec()], &[])).contains(&"unknown_key"));
    // Epochs that do not follow on: two evolving sealers with one chain id, other cadences.
    let a = seal(Sealer { evolve_every: 3, ..EVOLVING }, 0, 12);
    let b = seal(Sealer { evolve_every: 5, salt: 1, ..EVOLVING }, 0, 12);
    let spliced: Vec<Vec<u8>> = a[..3].iter().chain(b[3..].iter()).cloned().collect();
    assert!(kinds(&agree("epoch break", &[spliced], &[])).contains(&"epoch_break"));
}

/// A small deterministic random source (xorshift64*), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// Chains cut into pieces across files (in order, or not), interleaved line by line within
/// each file, with random tampering.
fn fleet(rng: &mut Rng, pool: &[Vec<Vec<u8>>]) -> Vec<Vec<Vec<u8>>> {
    let files = 1 + rng.below(4);
    let mut pieces: Vec<Vec<Vec<Vec<u8>>>> = vec![Vec::new(); files];
    for chain in pool {
        if !rng.chance(70) {
            continue;
        }
        let mut lines = chain.clone();
        for _ in 0..rng.below(4) {
            let i = rng.below(lines.len());
            match rng.below(7) {
                0 => {
                    lines.remove(i);
                }
                1 => {
                    let copy = lines[i].clone();
                    let at = rng.below(lines.len());
                    lines.insert(at, copy);
                }
                2 => {
                    let j = rng.below(lines.len());
                    lines.swap(i, j);
                }
                3 if !lines[i].is_empty() => {
                    let line = &mut lines[i];
                    let at = rng.below(line.len());
                    let bytes = b"x0\"{} \xff";
                    line[at] = bytes[rng.below(bytes.len())];
                }
                4 => lines.insert(i, Vec::new()),
                5 => lines.truncate(i.max(1)),
                _ => {
                    let other = &pool[rng.below(pool.len())];
                    lines.insert(i, other[rng.below(other.len())].clone());
                }
            }
            if lines.is_empty() {
                break;
            }
        }
        // Cut into consecutive pieces, one per file from a random first file; sometimes the
        // pieces go to files in another order, or a piece is dropped.
        let mut file = rng.below(files);
        let mut rest = lines.as_slice();
        while !rest.is_empty() {
            let take = 1 + rng.below(rest.len());
            if !rng.chance(10) {
                pieces[file].push(rest[..take].to_vec());
            }
            rest = &rest[take..];
            file = if rng.chance(20) { rng.below(files) } else { (file + 1).min(files - 1) };
        }
    }
    pieces
        .into_iter()
        .map(|mut chains| {
            // Interleave: take the next line of a random piece until all are used.
            let mut file = Vec::new();
            chains.retain(|c| !c.is_empty());
            let mut at = vec![0usize; chains.len()];
            while !chains.is_empty() {
                let c = rng.below(chains.len());
                file.push(chains[c][at[c]].clone());
                at[c] += 1;
                if at[c] == chains[c].len() {
                    chains.remove(c);
                    at.remove(c);
                }
            }
            file
        })
        .collect()
}

#[test]
fn random_interleavings_of_many_chains_across_files_give_the_same_findings_on_any_number_of_threads() {
    let sealers = [
        V1,
        V2,
        EVOLVING,
        SECOND_KEY,
        Sealer { seed: 5, ..V2 },
        Sealer { seed: 6, evolve_every: 2, ..SECOND_KEY },
        Sealer { key: 200, ..V2 },
        Sealer { salt: 1, ..V2 }, // the same chain id as V2: two histories
    ];
    let pool: Vec<Vec<Vec<u8>>> = sealers.iter().enumerate().map(|(i, &s)| seal(s, i % 2, 9 + 3 * i)).collect();
    let mut problems = 0;
    for seed in 1..=60u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let files = fleet(&mut rng, &pool);
        let expected = sequential(&files, &[]);
        problems += expected.findings.iter().filter(|f| f.kind.is_problem()).count();
        let o = options(1 + rng.below(4), 1 + rng.below(9), 1 + rng.below(4));
        let (got, stats) = parallel(&files, &[], o);
        assert_eq!(got, expected, "seed {seed}, {o:?}");
        assert!(stats.max_lines_in_flight <= (o.in_flight * o.batch_lines) as u64, "seed {seed}: {stats:?}");
        // With the heads this run would remember: the next run over the same files.
        let state: Vec<(String, Head)> = expected.chains.iter().map(|c| (c.chain.clone(), Head { seq: c.last_seq, mac: c.head_mac.clone() })).collect();
        let (again, _) = parallel(&files, &state, o);
        assert_eq!(again, sequential(&files, &state), "seed {seed} with state, {o:?}");
    }
    assert!(problems > 100, "the random tampering is found ({problems} problems)");
}

#[test]
fn the_lines_in_flight_are_capped_whatever_the_input_size() {
    let chain = seal(V2, 0, 400);
    for (batch_lines, in_flight) in [(1, 1), (5, 2), (16, 3)] {
        let o = options(2, batch_lines, in_flight);
        let (got, stats) = parallel(&[chain.clone()], &[], o);
        assert_eq!(got.chains[0].verified, 400);
        assert_eq!(stats.batches, 400u64.div_ceil(batch_lines as u64));
        assert!(stats.max_batches_in_flight <= in_flight as u64, "{stats:?}");
        assert!(stats.max_lines_in_flight <= (batch_lines * in_flight) as u64, "{stats:?}");
        assert!(stats.max_lines_in_flight >= batch_lines as u64);
    }
    // A batch goes out once it holds batch_bytes, however few lines; each of these is over
    // the byte cap (in_flight * batch_bytes = 2) alone, so one is out at a time.
    let o = Options { jobs: 2, batch_lines: 1000, batch_bytes: 1, in_flight: 2 };
    let (_, stats) = parallel(&[chain.clone()], &[], o);
    assert_eq!((stats.batches, stats.max_lines_in_flight, stats.max_batches_in_flight), (400, 1, 1));
    // Long lines: the bytes out are capped at in_flight full batches, or one batch alone.
    let longest = chain.iter().map(Vec::len).max().unwrap_or(0) as u64;
    let o = Options { jobs: 3, batch_lines: 1000, batch_bytes: 600, in_flight: 8 };
    let (got, stats) = parallel(&[chain.clone()], &[], o);
    assert_eq!(got, sequential(&[chain.clone()], &[]));
    assert!(stats.max_bytes_in_flight <= (8 * 600).max(600 + longest), "{stats:?}");
    let huge: Vec<Vec<u8>> = chain.iter().take(50).map(|l| [l.as_slice(), &b" ".repeat(5000)].concat()).collect();
    let (got, stats) = parallel(&[huge.clone()], &[], Options { jobs: 2, batch_lines: 10, batch_bytes: 1000, in_flight: 4 });
    assert_eq!(got, sequential(&[huge.clone()], &[]));
    let biggest = huge.iter().map(Vec::len).max().unwrap_or(0) as u64;
    assert!(stats.max_bytes_in_flight <= 4000 + biggest && stats.max_batches_in_flight <= 4, "{stats:?}");
}

// --- the command line ---

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("logseal-fleet-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Host files for the CLI: keyring, and files whose chains interleave and cross files.
fn cli_fleet(dir: &std::path::Path) -> (String, Vec<String>) {
    let keyring = dir.join("keyring.json");
    std::fs::write(&keyring, ring_json()).expect("keyring");
    let a = seal(V2, 0, 30);
    let b = seal(SECOND_KEY, 0, 30);
    let c = seal(V1, 0, 20);
    let mut tampered = a[10..20].to_vec();
    tampered.remove(4);
    tampered.push(b"not json".to_vec());
    let files = [
        a[..10].iter().zip(b[..10].iter()).flat_map(|(x, y)| [x.clone(), y.clone()]).collect::<Vec<_>>(),
        tampered.into_iter().chain(b[10..].iter().cloned()).chain(c[..10].iter().cloned()).collect(),
        // Copies before the file's new records are a re-read; after them, a replayed chain.
        a[..3].iter().chain(a[20..].iter()).chain(c[10..].iter()).chain(c[..2].iter()).cloned().collect(),
    ];
    let names = files
        .iter()
        .enumerate()
        .map(|(i, lines)| {
            let path = dir.join(format!("host{i}.ndjson"));
            let text: Vec<u8> = lines.iter().flat_map(|l| l.iter().copied().chain([b'\n'])).collect();
            std::fs::write(&path, text).expect("write");
            path.display().to_string()
        })
        .collect();
    (keyring.display().to_string(), names)
}

#[test]
fn the_command_line_writes_the_same_report_for_any_jobs_and_the_json_report_has_its_shape() {
    let dir = tempdir();
    let (keys, files) = cli_fleet(&dir);
    let run = |jobs: &str, json: bool, state: &str| {
        let mut args = vec!["verify", "--keys", &keys, "--jobs", jobs, "--state", state];
        if json {
            args.push("--json");
        }
        args.extend(files.iter().map(String::as_str));
        let (code, out, err) = logseal(&args, b"");
        (code, String::from_utf8(out).expect("UTF-8"), err, std::fs::read_to_string(state).expect("state written"))
    };
    for json in [false, true] {
        let one = run("1", json, &dir.join("s1.json").display().to_string());
        for jobs in ["2", "5"] {
            let many = run(jobs, json, &dir.join(format!("s{jobs}-{json}.json")).display().to_string());
            assert_eq!(many, one, "--jobs {jobs} vs --jobs 1 (json: {json})");
        }
        let _ = std::fs::remove_file(dir.join("s1.json"));
        assert_eq!(one.0, 1, "the tampering is found: {}", one.1);
    }
    let (_, out, _, _) = run("3", true, &dir.join("shape.json").display().to_string());
    let lines: Vec<Value> = out.lines().map(|l| serde_json::from_str(l).expect("one JSON object a line")).collect();
    let (summary, findings) = lines.split_last().expect("a summary");
    for f in findings {
        let o = f.as_object().expect("an object");
        let keys: Vec<&str> = o.keys().map(String::as_str).collect();
        assert_eq!(keys, ["chain", "detail", "file", "finding", "line", "problem", "seq"], "{f}");
        assert!(files.iter().any(|name| f["file"] == name.as_str()) || f["line"] == 0, "{f}");
    }
    let kinds: Vec<&str> = findings.iter().filter_map(|f| f["finding"].as_str()).collect();
    for kind in ["deleted", "unreadable", "duplicate", "replayed_chain"] {
        assert!(kinds.contains(&kind), "{kind}: {kinds:?}");
    }
    let s = &summary["summary"];
    assert_eq!(s["ok"], false);
    let chains = s["chains"].as_array().expect("chains");
    assert_eq!(chains.len(), 3, "{s}");
    let per_chain: u64 = chains.iter().map(|c| c["problems"].as_u64().expect("problems per chain")).sum();
    let unchained = findings.iter().filter(|f| f["problem"] == true && f["chain"].is_null()).count() as u64;
    assert_eq!(per_chain + unchained, s["problems"].as_u64().unwrap(), "{s}");
    // The chain that crosses three files: every record counted once, its deletion its own.
    let a = chains.iter().find(|c| c["instance"] == "w2").expect("chain a");
    assert_eq!((a["verified"].as_u64(), a["last_seq"].as_u64(), a["duplicates"].as_u64()), (Some(29), Some(30), Some(3)));
    assert_eq!(a["problems"], 1, "one deletion: {a}");
    let b = chains.iter().find(|c| c["kid"] == "k2").expect("chain b");
    assert_eq!((b["verified"].as_u64(), b["problems"].as_u64()), (Some(30), Some(0)));
}

#[test]
fn jobs_is_a_positive_count() {
    let keys = root().join("host-examples/keys/demo-keyring.json").display().to_string();
    for bad in ["0", "x", "-1"] {
        let (code, _, err) = logseal(&["verify", "--keys", &keys, "--jobs", bad], b"");
        assert_eq!(code, 2, "--jobs {bad}: {err}");
    }
    let (code, out, _) = logseal(&["verify", "--keys", &keys, "-j", "2"], b"");
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&out).contains("nothing verified"));
}
