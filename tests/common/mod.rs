//! Shared helpers for the end-to-end tests: locating the corpora and the built wasm module,
//! and running the `logseal` binary.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The labeled public corpora in `tests/corpus/`, or those in $LOGSEAL_CORPUS_DIR (another
/// copy or a newer version, scored the same way).
pub fn corpus(name: &str) -> PathBuf {
    let dir = std::env::var_os("LOGSEAL_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("tests/corpus"));
    let path = dir.join(name);
    assert!(path.exists(), "corpus {} not found in {}", path.display(), dir.display());
    path
}

/// The `record` field of every row of a corpus, one compact JSON line each.
pub fn corpus_records(name: &str) -> Vec<Vec<u8>> {
    let text = std::fs::read_to_string(corpus(name)).expect("corpus readable");
    text.lines()
        .map(|l| {
            let row: serde_json::Value = serde_json::from_str(l).expect("corpus row is JSON");
            row["record"].to_string().into_bytes()
        })
        .collect()
}

/// A built wasm module: $LOGSEAL_WASM_DIR/NAME or target/wasm-out/NAME, as scripts/test.sh
/// leaves them.
pub fn wasm_module(name: &str) -> Vec<u8> {
    let dir = std::env::var_os("LOGSEAL_WASM_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/wasm-out"));
    let path = dir.join(name);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; build the modules first with scripts/build-wasm.sh (scripts/test.sh does)", path.display())
    })
}

/// Runs `logseal ARGS` with `stdin`; returns (exit code, stdout, stderr).
pub fn logseal(args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_logseal"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("logseal runs");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("logseal finishes");
    writer.join().expect("stdin writer");
    (out.status.code().unwrap_or(-1), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `logseal filter` on `records` at the fixed time `time_ns` with the chain id drawn from
/// `random_byte` repeated: what a wasm host stand-in with that clock and randomness must
/// match. `policy` None: the default policy.
pub fn cli_lines(records: &[Vec<u8>], time_ns: &str, random_byte: u8, policy: Option<&std::path::Path>) -> Vec<Vec<u8>> {
    let stdin: Vec<u8> = records.iter().flat_map(|r| r.iter().copied().chain([b'\n'])).collect();
    let seed = format!("{random_byte:02x}").repeat(16);
    let mut args = vec!["filter", "--time-ns", time_ns, "--chain-seed", &seed];
    let p;
    if let Some(policy) = policy {
        p = policy.display().to_string();
        args.extend(["--policy", &p]);
    }
    let (code, out, err) = logseal(&args, &stdin);
    assert_eq!(code, 0, "{err}");
    out.split(|&b| b == b'\n').filter(|l| !l.is_empty()).map(<[u8]>::to_vec).collect()
}

/// `records` without the blank and whitespace-only ones, which `logseal filter` skips (a blank
/// line is not a record): what the CLI's output lines up with.
pub fn non_blank(records: &[Vec<u8>]) -> Vec<Vec<u8>> {
    records.iter().filter(|r| !r.iter().all(u8::is_ascii_whitespace)).cloned().collect()
}

/// Lines that every host must handle the same way: hostile, broken and odd input.
pub fn hostile_lines() -> Vec<Vec<u8>> {
    let mut lines: Vec<Vec<u8>> = vec![
        b"plain text line with \"quotes\" and \\ backslashes".to_vec(),
        b"{\"truncated\": \"value".to_vec(),
        b"{\"a\":1} trailing".to_vec(),
        b"[1,2,3]".to_vec(),
        b"".to_vec(),
        b"   ".to_vec(),
        b"{\"logseal\":{\"seal\":\"forged\"},\"msg\":\"spoof\"}".to_vec(),
        b"{\"logs\\u0065al\":\"escaped spoof\"}".to_vec(),
        b"{\"bad_utf8\":\"\xff\xfe\",\"k\xc3\":1}".to_vec(),
        b"raw \xff bytes \x00 nul \x1b[31m ansi".to_vec(),
        b"{\"lone\":\"\\ud800\",\"pair\":\"\\ud83d\\ude00\",\"nul\":\"a\\u0000b\"}".to_vec(),
        b"{\"big\":123456789012345678901234567890,\"neg\":-1.5e308,\"exp\":1e999}".to_vec(),
        b"{\"dup\":1,\"dup\":2}".to_vec(),
        b"{\"ctrl\":\"tab\there\x01raw\"}".to_vec(),
    ];
    lines.push(format!("{{\"deep\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes());
    lines.push(format!("{{\"wide\":[{}0]}}", "0,".repeat(50_000)).into_bytes());
    let mut big = b"{\"huge\":\"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 2 << 20));
    big.extend_from_slice(b"\"}");
    lines.push(big);
    lines
}

/// A policy environment over the real file system, without variables or warnings.
pub struct FsEnv;

impl logseal::policy::Environment for FsEnv {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| e.to_string())
    }
    fn var(&self, _: &str) -> Option<String> {
        None
    }
    fn warn(&self, _: &str) {}
}

/// One line through the built-in default policy, in process: the record as JSON and as written.
pub fn filter_default(line: &str) -> (serde_json::Value, String) {
    let mut out = Vec::new();
    logseal::Filter::new(logseal::Plan::default_policy()).process(line.as_bytes(), &logseal::Context::default(), &mut out);
    let text = String::from_utf8(out).unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

/// A deterministic pseudo-random string over `alphabet` (the tests' own tokens: no vendor's
/// or scanner's data).
pub fn random_string(seed: u64, alphabet: &str, n: usize) -> String {
    let a = alphabet.as_bytes();
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            a[(x % a.len() as u64) as usize] as char
        })
        .collect()
}
