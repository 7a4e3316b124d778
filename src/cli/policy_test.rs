//! `logseal test POLICY TESTS`: policy unit tests. A team writes down what its policy must do
//! (this field is masked as a card, this value survives, health checks are dropped, this tag
//! is set) and checks it whenever the policy changes, as `vector test` does for Vector.
//!
//! The tests file is JSON, read strictly (faults named by their JSON path):
//!
//! ```json
//! {"version": 1, "time_ns": 1795773600000000000, "cases": [
//!   {"name": "cards in messages are masked",
//!    "input": {"msg": "paid with 4111 1111 1111 1111", "user": "bob"},
//!    "expect": {"masked": {"msg": "card"}, "kept": ["user"], "tags": ["secret_exposed"]}},
//!   {"name": "health checks are dropped", "input": "GET /healthz 200", "expect": {"dropped": true}}]}
//! ```
//!
//! Reports name paths and kinds, and show output values only (already filtered), never an
//! input value: a failing `kept` on a secret must not print the secret.

use super::env::load_or_report;
use super::exit::io_reason;
use super::exit;
use super::explain::lookup;
use logseal::policy::reader::{index_path, Field};
use logseal::policy::{PolicyError, Problem};
use logseal::{Context, Filter, Outcome};
use serde_json::Value;

pub const ABOUT: &str = "\
Runs the policy unit tests in TESTS (JSON: {\"version\": 1, \"cases\": [...]}) against POLICY
and reports each case. A case gives an `input` (a JSON object, or a string: a text line) and
what to `expect` of its output:
  dropped: true|false      the record is (not) dropped by sampling
  masked: {PATH: KIND}     the value at PATH changed and the record counts KIND as redacted
  kept: [PATH]             the value at PATH is the input's, unchanged
  equals: {PATH: VALUE}    the value at PATH is VALUE
  absent: [PATH]           PATH is not in the output
  tags: [TAG]              logseal.tags holds every TAG
  redacted: {KIND: N}      logseal.redacted counts exactly N of KIND
PATH is dotted (`payment.card`); `time_ns` fixes the host time (default 2026-11-27T10:00:00Z).
Sealing policies seal from a fixed chain id.";

pub const EXIT: &str = "\
Exit: 0 every case passed; 1 a case failed or the policy was refused; 2 usage or an invalid
tests file; 3 a file could not be read.";

/// The arguments of `logseal test`.
#[derive(clap::Args)]
pub struct TestArgs {
    /// the policy file
    #[arg(value_name = "POLICY")]
    policy: String,
    /// the tests file
    #[arg(value_name = "TESTS")]
    tests: String,
    /// one JSON object per case, then a summary
    #[arg(long)]
    json: bool,
}

/// 2026-11-27T10:00:00Z, the sample log's morning.
const DEFAULT_TIME_NS: i64 = 1_795_773_600_000_000_000;

pub fn run(args: TestArgs) -> i32 {
    run_file(&args.policy, &args.tests, args.json)
}

/// Runs the tests in the file `tests` against the policy file `policy`; returns the exit code.
pub fn run_file(policy: &str, tests: &str, json: bool) -> i32 {
    let plan = match load_or_report(Some(policy)) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let text = match std::fs::read_to_string(tests) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("logseal: cannot read tests {tests}: {}", io_reason(&e));
            return exit::IO;
        }
    };
    let suite = match Suite::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("logseal: tests {tests} refused: {e}");
            return exit::USAGE;
        }
    };
    let mut filter = Filter::new(plan);
    filter.start_chain(&[7; logseal::stage::seal::CHAIN_RANDOM_BYTES]);
    filter.set_random(Box::new(|buf: &mut [u8]| getrandom::fill(buf).is_ok()));
    let mut failed = 0;
    for case in &suite.cases {
        let problems = case.run(&mut filter, suite.time_ns);
        if !problems.is_empty() {
            failed += 1;
        }
        if json {
            println!("{}", serde_json::json!({"case": case.name, "passed": problems.is_empty(), "problems": problems}));
        } else if problems.is_empty() {
            println!("ok    {}", case.name);
        } else {
            println!("FAIL  {}", case.name);
            for p in &problems {
                println!("      {p}");
            }
        }
    }
    let total = suite.cases.len();
    if json {
        println!("{}", serde_json::json!({"summary": {"cases": total, "passed": total - failed, "failed": failed}}));
    } else {
        println!("{} of {total} cases passed", total - failed);
    }
    if failed == 0 {
        exit::OK
    } else {
        exit::POLICY
    }
}

/// A tests file.
struct Suite {
    time_ns: i64,
    cases: Vec<Case>,
}

/// One case: a record and what its output must show.
struct Case {
    name: String,
    input: Vec<u8>,
    /// The input as JSON, for `kept` (None for a text line).
    input_value: Option<Value>,
    dropped: Option<bool>,
    masked: Vec<(String, String)>,
    kept: Vec<String>,
    equals: Vec<(String, Value)>,
    absent: Vec<String>,
    tags: Vec<String>,
    redacted: Vec<(String, u64)>,
}

const EXPECT: &[&str] = &["dropped", "masked", "kept", "equals", "absent", "tags", "redacted"];

impl Suite {
    fn parse(text: &str) -> Result<Suite, PolicyError> {
        let doc = logseal::policy::reader::parse_json(text)?;
        let root = Field::new(&doc, "$").object(&["version", "time_ns", "cases"])?;
        let (v, vp) = root.require("version")?;
        Field::new(v, &vp).uint(1, 1)?;
        let time_ns = match root.get("time_ns") {
            Some((t, tp)) => Field::new(t, &tp).uint(0, i64::MAX as u64)? as i64,
            None => DEFAULT_TIME_NS,
        };
        let (c, cp) = root.require("cases")?;
        let mut cases = Vec::new();
        for (i, item) in Field::new(c, &cp).array()?.iter().enumerate() {
            cases.push(Case::parse(item, &index_path(&cp, i))?);
        }
        if cases.is_empty() {
            return Err(PolicyError::new(cp, Problem::Invalid("expected at least one case".into())));
        }
        Ok(Suite { time_ns, cases })
    }
}

fn paths(v: &Value, p: &str) -> Result<Vec<String>, PolicyError> {
    Field::new(v, p)
        .array()?
        .iter()
        .enumerate()
        .map(|(i, x)| Field::new(x, &index_path(p, i)).str().map(str::to_string))
        .collect()
}

impl Case {
    fn parse(v: &Value, p: &str) -> Result<Case, PolicyError> {
        let o = Field::new(v, p).object(&["name", "input", "expect"])?;
        let (n, np) = o.require("name")?;
        let name = Field::new(n, &np).str()?.to_string();
        let (input, ip) = o.require("input")?;
        let (bytes, input_value) = match input {
            Value::String(line) => (line.clone().into_bytes(), None),
            Value::Object(_) => (input.to_string().into_bytes(), Some(input.clone())),
            _ => return Err(PolicyError::new(ip, Problem::Invalid("expected a JSON object or a text line".into()))),
        };
        let mut case = Case {
            name,
            input: bytes,
            input_value,
            dropped: None,
            masked: Vec::new(),
            kept: Vec::new(),
            equals: Vec::new(),
            absent: Vec::new(),
            tags: Vec::new(),
            redacted: Vec::new(),
        };
        let (e, ep) = o.require("expect")?;
        let e = Field::new(e, &ep).object(EXPECT)?;
        if let Some((d, dp)) = e.get("dropped") {
            case.dropped = Some(Field::new(d, &dp).bool()?);
        }
        if let Some((m, mp)) = e.get("masked") {
            let Value::Object(map) = m else { return Err(PolicyError::new(mp, Problem::Invalid("expected an object of path: kind".into()))) };
            for (path, kind) in map {
                let kp = logseal::policy::reader::child_path(&mp, path);
                case.masked.push((path.clone(), Field::new(kind, &kp).str()?.to_string()));
            }
        }
        if let Some((k, kp)) = e.get("kept") {
            case.kept = paths(k, &kp)?;
            if case.input_value.is_none() && !case.kept.is_empty() {
                return Err(PolicyError::new(kp, Problem::Invalid("a text line has no fields to keep; use equals".into())));
            }
        }
        if let Some((q, qp)) = e.get("equals") {
            let Value::Object(map) = q else { return Err(PolicyError::new(qp, Problem::Invalid("expected an object of path: value".into()))) };
            case.equals = map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        }
        if let Some((a, ap)) = e.get("absent") {
            case.absent = paths(a, &ap)?;
        }
        if let Some((t, tp)) = e.get("tags") {
            case.tags = paths(t, &tp)?;
        }
        if let Some((r, rp)) = e.get("redacted") {
            let Value::Object(map) = r else { return Err(PolicyError::new(rp, Problem::Invalid("expected an object of kind: count".into()))) };
            for (kind, n) in map {
                let np = logseal::policy::reader::child_path(&rp, kind);
                case.redacted.push((kind.clone(), Field::new(n, &np).uint(0, u32::MAX as u64)?));
            }
        }
        Ok(case)
    }

    /// Filters the input; returns what the output fails to show (empty: the case passes).
    fn run(&self, filter: &mut Filter, time_ns: i64) -> Vec<String> {
        let mut out = Vec::new();
        let outcome = filter.process(&self.input, &Context { time_ns, tag: b"test", declared_len: None }, &mut out);
        let dropped = outcome == Outcome::Dropped;
        let mut problems = Vec::new();
        if let Some(want) = self.dropped {
            if want != dropped {
                problems.push(if want { "expected the record dropped, it was kept".to_string() } else { "expected the record kept, it was dropped".to_string() });
            }
        }
        if dropped {
            if self.dropped.is_none() {
                problems.push("the record was dropped".into());
            }
            return problems;
        }
        let Ok(output) = serde_json::from_slice::<Value>(&out) else {
            problems.push("the output is not JSON (a bug: report it)".into());
            return problems;
        };
        let redacted = |kind: &str| output["logseal"]["redacted"][kind].as_u64().unwrap_or(0);
        for (path, kind) in &self.masked {
            let now = lookup(&output, path);
            let before = self.input_value.as_ref().and_then(|v| lookup(v, path));
            match now {
                None => problems.push(format!("{path}: expected masked as {kind}, the field is gone")),
                Some(v) if before.is_some_and(|b| b == v) => problems.push(format!("{path}: expected masked as {kind}, it is unchanged")),
                Some(_) if redacted(kind) == 0 => problems.push(format!("{path}: changed, but nothing was counted as {kind} (logseal.redacted: {})", output["logseal"]["redacted"])),
                Some(_) => {}
            }
        }
        for path in &self.kept {
            let before = self.input_value.as_ref().and_then(|v| lookup(v, path));
            match (before, lookup(&output, path)) {
                (None, _) => problems.push(format!("{path}: not in the input, nothing to keep")),
                (Some(_), None) => problems.push(format!("{path}: expected kept, the field is gone")),
                // Never print the input value: it may be the secret the case is about.
                (Some(b), Some(v)) if b != v => problems.push(format!("{path}: expected kept, it became {v}")),
                _ => {}
            }
        }
        for (path, want) in &self.equals {
            match lookup(&output, path) {
                Some(v) if v == want => {}
                Some(v) => problems.push(format!("{path}: expected {want}, found {v}")),
                None => problems.push(format!("{path}: expected {want}, the field is gone")),
            }
        }
        for path in &self.absent {
            if lookup(&output, path).is_some() {
                problems.push(format!("{path}: expected absent, it is present"));
            }
        }
        let tags = output["logseal"]["tags"].as_array().cloned().unwrap_or_default();
        for tag in &self.tags {
            if !tags.iter().any(|t| t == tag) {
                problems.push(format!("logseal.tags: expected {tag}, found {}", Value::Array(tags.clone())));
            }
        }
        for (kind, n) in &self.redacted {
            if redacted(kind) != *n {
                problems.push(format!("logseal.redacted.{kind}: expected {n}, found {}", redacted(kind)));
            }
        }
        problems
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_files_are_read_strictly() {
        let e = |t: &str| Suite::parse(t).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(e(r#"{"version":1,"cases":[]}"#), "$.cases: expected at least one case");
        assert_eq!(e(r#"{"version":1,"cases":[{"name":"a","input":1,"expect":{}}]}"#), "$.cases[0].input: expected a JSON object or a text line");
        assert!(e(r#"{"version":1,"cases":[{"name":"a","input":{},"expect":{"maskd":{}}}]}"#).starts_with("$.cases[0].expect.maskd: unknown key"));
        assert_eq!(e(r#"{"version":1,"cases":[{"name":"a","input":"x","expect":{"kept":["a"]}}]}"#), "$.cases[0].expect.kept: a text line has no fields to keep; use equals");
    }

    #[test]
    fn cases_pass_and_fail_on_what_the_output_shows() {
        let suite = Suite::parse(
            r#"{"version":1,"cases":[
            {"name":"pass","input":{"msg":"card 4111 1111 1111 1111","user":"bob"},
             "expect":{"masked":{"msg":"card"},"kept":["user"],"tags":["secret_exposed"],"redacted":{"card":1},"absent":["x"],"dropped":false}},
            {"name":"fail","input":{"msg":"hello","password":"hunter2"},
             "expect":{"masked":{"msg":"card"},"kept":["password"],"equals":{"msg":"bye"},"tags":["auth_failure"],"dropped":true}}]}"#,
        )
        .unwrap();
        let mut filter = Filter::new(logseal::Plan::default_policy());
        assert_eq!(suite.cases[0].run(&mut filter, DEFAULT_TIME_NS), Vec::<String>::new());
        let problems = suite.cases[1].run(&mut filter, DEFAULT_TIME_NS);
        assert_eq!(
            problems,
            [
                "expected the record dropped, it was kept",
                "msg: expected masked as card, it is unchanged",
                "password: expected kept, it became \"[REDACTED:password]\"",
                "msg: expected \"bye\", found \"hello\"",
                "logseal.tags: expected auth_failure, found [\"secret_exposed\"]",
            ]
        );
        assert!(!problems.iter().any(|p| p.contains("hunter2")), "an input value is never printed");
    }
}
