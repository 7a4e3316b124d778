//! The shipped Fluent Bit example (host-examples/fluent-bit): both configuration formats
//! describe the same pipeline, and everything they point at exists and fits logseal's contract.
//! CI has no Fluent Bit; tests/fluent_bit_host.rs runs the module the way the filter does.

mod common;

use common::root;
use logseal::policy::Plan;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

type Section = BTreeMap<String, String>;

/// The example's pipeline: (kind, properties) in order, names and keys lower-cased.
fn classic(text: &str) -> Vec<(String, Section)> {
    let mut sections: Vec<(String, Section)> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sections.push((name.to_ascii_lowercase(), Section::new()));
        } else {
            let (k, v) = line.split_once(char::is_whitespace).expect("key value");
            sections.last_mut().expect("inside a section").1.insert(k.to_ascii_lowercase(), v.trim().to_string());
        }
    }
    sections
}

fn yaml(text: &str) -> Vec<(String, Section)> {
    let doc: serde_yaml::Value = serde_yaml::from_str(text).expect("valid YAML");
    let section = |v: &serde_yaml::Value| -> Section {
        v.as_mapping()
            .expect("mapping")
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    serde_yaml::Value::String(s) => s.clone(),
                    serde_yaml::Value::Bool(b) => if *b { "on".into() } else { "off".into() },
                    other => serde_yaml::to_string(other).unwrap().trim().to_string(),
                };
                (k.as_str().unwrap().to_ascii_lowercase(), value)
            })
            .collect()
    };
    let mut out = vec![("service".to_string(), section(&doc["service"]))];
    for (kind, key) in [("input", "inputs"), ("filter", "filters"), ("output", "outputs")] {
        for item in doc["pipeline"][key].as_sequence().expect("list") {
            out.push((kind.to_string(), section(item)));
        }
    }
    out
}

fn example() -> PathBuf {
    root().join("host-examples/fluent-bit")
}

/// Both files, normalised so they compare: classic `on`/`true` spellings agree with YAML's.
fn pipelines() -> [Vec<(String, Section)>; 2] {
    let read = |name: &str| std::fs::read_to_string(example().join(name)).unwrap();
    let norm = |p: Vec<(String, Section)>| -> Vec<(String, Section)> {
        p.into_iter()
            .map(|(k, s)| (k, s.into_iter().map(|(k, v)| (k, if v == "true" { "on".into() } else { v })).collect()))
            .collect()
    };
    [norm(classic(&read("fluent-bit.conf"))), norm(yaml(&read("fluent-bit.yaml")))]
}

fn sections<'a>(p: &'a [(String, Section)], kind: &str) -> Vec<&'a Section> {
    p.iter().filter(|(k, _)| k == kind).map(|(_, s)| s).collect()
}

fn bytes(size: &str) -> u64 {
    let (n, unit) = size.split_at(size.find(|c: char| !c.is_ascii_digit()).unwrap_or(size.len()));
    n.parse::<u64>().unwrap() * match unit.to_ascii_uppercase().as_str() {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        u => panic!("unit {u}"),
    }
}

#[test]
fn classic_and_yaml_describe_the_same_pipeline() {
    let [conf, yaml] = pipelines();
    assert_eq!(conf, yaml);
}

#[test]
fn the_wasm_filter_points_at_the_built_module_and_its_export() {
    let [conf, _] = pipelines();
    let filters = sections(&conf, "filter");
    let wasm = filters[0];
    assert_eq!(wasm["name"], "wasm", "logseal is the first filter");
    assert_eq!(wasm["function_name"], "logseal_filter");
    assert_eq!(wasm["event_format"], "json", "msgpack mode cannot carry logseal's output");
    let module = example().join(&wasm["wasm_path"]);
    assert_eq!(normalise(&module), root().join("target/wasm-out/logseal_fluentbit.wasm"), "where scripts/build-wasm.sh puts it");
    let exports = common::wasm_module("logseal_fluentbit.wasm");
    assert!(exports.windows(14).any(|w| w == b"logseal_filter"), "the module exports the function");
    // Heap: Fluent Bit's copy of the largest record logseal takes whole, twice over.
    let policy: serde_json::Value = serde_json::from_slice(&std::fs::read(example().join("logseal.json")).unwrap()).unwrap();
    let max_record = policy["limits"]["max_record_bytes"].as_u64().unwrap();
    assert!(bytes(&wasm["wasm_heap_size"]) >= 2 * max_record + (64 << 10));
    assert!(bytes(&wasm["wasm_stack_size"]) >= 256 << 10);
}

#[test]
fn the_guard_follows_logseal_and_keys_on_a_string_every_record_carries() {
    let [conf, _] = pipelines();
    let filters = sections(&conf, "filter");
    assert_eq!(filters.len(), 2);
    let guard = filters[1];
    assert_eq!(guard["name"], "grep");
    assert_eq!(guard["match"], filters[0]["match"]);
    assert_eq!(guard["regex"], "$logseal['ingest'] ^[0-9]");
    let policy: serde_json::Value = serde_json::from_slice(&std::fs::read(example().join("logseal.json")).unwrap()).unwrap();
    assert_eq!(policy["normalise"]["ingest_time"], true, "the guard needs logseal.ingest");
}

#[test]
fn inputs_outputs_and_tls_are_as_documented() {
    let [conf, _] = pipelines();
    let input = sections(&conf, "input")[0];
    assert_eq!(input["name"], "tail");
    assert!(example().join(&input["path"]).exists());
    // A line over buffer_max_size makes tail stop reading the file unless it skips long lines;
    // every line logseal can take (cut and marked beyond max_record_bytes) must fit.
    assert_eq!(input["skip_long_lines"], "on", "without it tail stops at the first long line");
    let policy: serde_json::Value = serde_json::from_slice(&std::fs::read(example().join("logseal.json")).unwrap()).unwrap();
    assert!(bytes(&input["buffer_max_size"]) > policy["limits"]["max_record_bytes"].as_u64().unwrap());
    let service = sections(&conf, "service")[0];
    let parsers = std::fs::read_to_string(example().join(&service["parsers_file"])).unwrap();
    assert!(parsers.contains("name        json") && parsers.contains("format      json"));
    let outputs = sections(&conf, "output");
    let by_name = |n: &str| outputs.iter().find(|o| o["name"] == n).unwrap_or_else(|| panic!("{n} output"));
    assert_eq!(by_name("file")["format"], "plain", "one JSON record per line, what verify reads");
    assert_eq!(by_name("stdout")["format"], "json_lines");
    let forward = by_name("forward");
    assert_eq!((forward["tls"].as_str(), forward["tls.verify"].as_str()), ("on", "on"));
}


#[test]
fn the_policy_loads_from_the_accessible_paths_with_its_keys() {
    let [conf, _] = pipelines();
    let paths: Vec<PathBuf> = sections(&conf, "filter")[0]["accessible_paths"].split(',').map(|p| example().join(p.trim())).collect();
    assert!(paths.iter().all(|p| p.is_dir()));
    let first = paths.iter().find(|p| p.join("logseal.json").exists()).expect("logseal.json in an accessible path");
    assert_eq!(normalise(first), example());
    let text = std::fs::read_to_string(first.join("logseal.json")).unwrap();
    let plan = Plan::load(&text, &common::FsEnv, first.to_str()).expect("the example policy loads");
    assert!(plan.sealer.is_some(), "the example seals");
    // Its keyring lies inside an accessible path, as WASI requires.
    let keyring = normalise(&first.join("../keys/demo-keyring.json"));
    assert!(paths.iter().any(|p| keyring.starts_with(normalise(p))));
}

fn normalise(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

/// Fluent Bit's classic format has no end-of-line comments: `event_format json # required`
/// would set the value `json # required`. The docs' snippets must be copyable.
#[test]
fn the_documented_classic_snippets_have_no_end_of_line_comments() {
    for page in ["docs/fluent-bit.md", "README.md"] {
        let text = std::fs::read_to_string(root().join(page)).unwrap();
        let mut in_ini = false;
        for line in text.lines() {
            if line.trim_start().starts_with("```") {
                in_ini = line.trim() == "```ini";
                continue;
            }
            if in_ini && !line.trim_start().starts_with('#') {
                assert!(!line.contains('#'), "{page}: an end-of-line comment in a classic config line: {line}");
            }
        }
    }
    for conf in ["fluent-bit.conf", "parsers.conf"] {
        let text = std::fs::read_to_string(example().join(conf)).unwrap();
        for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
            assert!(!line.contains(" #"), "{conf}: an end-of-line comment: {line}");
        }
    }
}
