//! The generic module `logseal.wasm` in a wasmtime host: the same bytes out as `logseal filter`,
//! and no trap on anything a host can hand it.

mod common;

use common::{corpus_records, hostile_lines, logseal, wasm_module};
use std::sync::OnceLock;
use wasmtime::{Engine, Instance, Memory, Module, Store, TypedFunc};

/// Compiled once per test binary: compiling the module dominates these tests' time.
fn compiled() -> &'static (Engine, Module) {
    static MODULE: OnceLock<(Engine, Module)> = OnceLock::new();
    MODULE.get_or_init(|| {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm_module("logseal.wasm")).expect("module compiles");
        (engine, module)
    })
}

const TIME_NS: i64 = 1_767_225_600_000_000_000;

struct Generic {
    store: Store<()>,
    instance: Instance,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), ()>,
    configure: TypedFunc<(u32, u32), i32>,
    filter: TypedFunc<(u32, u32, i64), i64>,
    last_error: TypedFunc<(), i64>,
    stats: TypedFunc<(), i64>,
}

impl Generic {
    fn new() -> Generic {
        let (engine, module) = compiled();
        assert_eq!(module.imports().count(), 0, "logseal.wasm must import nothing");
        let mut store = Store::new(engine, ());
        let instance = Instance::new(&mut store, module, &[]).expect("instantiates");
        let version: TypedFunc<(), i32> = instance.get_typed_func(&mut store, "logseal_abi_version").unwrap();
        assert_eq!(version.call(&mut store, ()).unwrap(), 1);
        Generic {
            memory: instance.get_memory(&mut store, "memory").expect("exports memory"),
            alloc: instance.get_typed_func(&mut store, "logseal_alloc").unwrap(),
            free: instance.get_typed_func(&mut store, "logseal_free").unwrap(),
            configure: instance.get_typed_func(&mut store, "logseal_configure").unwrap(),
            filter: instance.get_typed_func(&mut store, "logseal_abi_filter").unwrap(),
            last_error: instance.get_typed_func(&mut store, "logseal_last_error").unwrap(),
            stats: instance.get_typed_func(&mut store, "logseal_stats").unwrap(),
            instance,
            store,
        }
    }

    fn instance_func<P: wasmtime::WasmParams, R: wasmtime::WasmResults>(&mut self, name: &str) -> TypedFunc<P, R> {
        self.instance.get_typed_func(&mut self.store, name).unwrap()
    }

    fn put(&mut self, bytes: &[u8]) -> (u32, u32) {
        let len = bytes.len() as u32;
        let ptr = self.alloc.call(&mut self.store, len).expect("alloc does not trap");
        assert_ne!(ptr, 0, "alloc of {len} bytes failed");
        self.memory.write(&mut self.store, ptr as usize, bytes).unwrap();
        (ptr, len)
    }

    fn read(&self, ptr: u32, len: u32) -> Vec<u8> {
        let mut buf = vec![0; len as usize];
        self.memory.read(&self.store, ptr as usize, &mut buf).unwrap();
        buf
    }

    fn unpack(packed: i64) -> (u64, u32, u32) {
        let p = packed as u64;
        (p >> 62, ((p >> 32) & 0x3fff_ffff) as u32, (p & 0xffff_ffff) as u32)
    }

    fn configure(&mut self, policy: &str) -> (i32, String) {
        let (ptr, len) = self.put(policy.as_bytes());
        let status = self.configure.call(&mut self.store, (ptr, len)).expect("configure does not trap");
        self.free.call(&mut self.store, (ptr, len)).unwrap();
        let (_, elen, eptr) = Self::unpack(self.last_error.call(&mut self.store, ()).unwrap());
        (status, String::from_utf8(self.read(eptr, elen)).unwrap())
    }

    /// Filters one record; returns (status, output).
    fn filter(&mut self, record: &[u8]) -> (u64, Vec<u8>) {
        let (ptr, len) = self.put(record);
        let packed = self.filter.call(&mut self.store, (ptr, len, TIME_NS)).expect("filter does not trap");
        self.free.call(&mut self.store, (ptr, len)).unwrap();
        let (status, olen, optr) = Self::unpack(packed);
        (status, self.read(optr, olen))
    }

    fn raw_filter(&mut self, ptr: u32, len: u32) -> (u64, Vec<u8>) {
        let packed = self.filter.call(&mut self.store, (ptr, len, TIME_NS)).expect("filter does not trap");
        let (status, olen, optr) = Self::unpack(packed);
        (status, self.read(optr, olen))
    }

    fn stats(&mut self) -> serde_json::Value {
        let (_, len, ptr) = Self::unpack(self.stats.call(&mut self.store, ()).unwrap());
        serde_json::from_slice(&self.read(ptr, len)).unwrap()
    }

    fn pages(&self) -> u64 {
        self.memory.size(&self.store)
    }
}

/// Runs `records` through the CLI and the module; asserts identical output line by line.
fn assert_identical(records: &[Vec<u8>]) {
    let records = &common::non_blank(records)[..];
    let mut stdin = Vec::new();
    for r in records {
        stdin.extend_from_slice(r);
        stdin.push(b'\n');
    }
    let (code, stdout, stderr) = logseal(&["filter", "--time-ns", &TIME_NS.to_string()], &stdin);
    assert_eq!(code, 0, "{stderr}");
    let cli: Vec<&[u8]> = stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(cli.len(), records.len(), "the CLI writes one line per record");
    let mut module = Generic::new();
    for (i, record) in records.iter().enumerate() {
        let (status, out) = module.filter(record);
        assert!(status <= 1, "record {i}: status {status}");
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(cli[i]),
            "record {i} differs between logseal.wasm and logseal filter"
        );
    }
}

#[test]
fn pii_corpus_output_is_byte_identical_to_the_cli() {
    assert_identical(&corpus_records("pii-public.ndjson"));
}

#[test]
fn injection_corpus_output_is_byte_identical_to_the_cli() {
    assert_identical(&corpus_records("injection-public.ndjson"));
}

#[test]
fn hostile_input_output_is_byte_identical_to_the_cli() {
    assert_identical(&hostile_lines());
}

#[test]
fn every_output_is_one_json_object_carrying_the_reserved_key() {
    let mut m = Generic::new();
    for line in hostile_lines() {
        let (_, out) = m.filter(&line);
        assert!(!out.contains(&b'\n'));
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        assert_eq!(v["logseal"]["v"], 1, "{}", String::from_utf8_lossy(&out));
    }
    let (status, out) = m.filter(b"{\"x\":");
    assert_eq!(status, 1, "a wrapped record is reported as emitted with an error");
    assert!(String::from_utf8_lossy(&out).contains("invalid_json"));
    let stats = m.stats();
    assert_eq!(stats["records"].as_u64().unwrap(), hostile_lines().len() as u64 + 1);
    // Errors: the truncated object, the trailing data, the 2 MiB line, and `{"x":`.
    assert_eq!(stats["errors"], 4, "{stats}");
    // Cut by limits: the 100,000-deep nesting and the 2 MiB line's text.
    assert_eq!(stats["cut"], 2, "{stats}");
}

#[test]
fn pointers_outside_memory_give_an_error_record_not_a_trap() {
    let mut m = Generic::new();
    m.filter(b"{}"); // the first call sets the module up and may grow memory
    let beyond = (m.pages() * 65536) as u32;
    for (ptr, len) in [(0u32, 10u32), (beyond - 4, 100), (u32::MAX - 2, 8)] {
        let (status, out) = m.raw_filter(ptr, len);
        assert_eq!(status, 1, "{ptr} {len}: {}", String::from_utf8_lossy(&out));
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["logseal"]["error"]["kind"], "host", "{v}");
    }
    // Nothing to read is an empty line, not an error.
    let (status, _) = m.raw_filter(0, 0);
    assert_eq!(status, 0);
}

#[test]
fn invalid_policy_switches_to_lockdown_and_every_record_says_so() {
    let mut m = Generic::new();
    let (status, error) = m.configure(r#"{"version":1,"limits":{"max_depth":"deep"}}"#);
    assert_eq!(status, 1);
    assert_eq!(error, "policy refused, lockdown in force: $.limits.max_depth: expected an integer, found a string");
    let (status, out) = m.filter(br#"{"level":"info","request_id":"r-1","password":"hunter2","nested":{"a":"b"}}"#);
    assert_eq!(status, 1);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["level"], "info");
    assert_eq!(v["request_id"], "r-1");
    assert_eq!(v["password"], "[REDACTED:allowlist]");
    assert_eq!(v["nested"], "[REDACTED:allowlist]");
    assert!(v["logseal"]["policy_error"].as_str().unwrap().contains("$.limits.max_depth"));
    // A policy that needs files this host cannot offer is refused the same way.
    let (status, error) = m.configure(r#"{"version":1,"keys":{"seal":"file:/etc/ring.json"}}"#);
    assert_eq!(status, 1);
    assert!(error.contains("$.keys.seal: cannot read keyring /etc/ring.json"), "{error}");
    // A valid policy clears it.
    let (status, error) = m.configure(r#"{"version":1,"limits":{"max_depth":4}}"#);
    assert_eq!((status, error.as_str()), (0, ""));
    let (status, out) = m.filter(br#"{"a":[[[[1]]]]}"#);
    assert_eq!(status, 0, "a cut is not an error");
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["a"][0][0][0], "[TRUNCATED:depth]", "levels 2-4 kept, the 5th cut");
    assert_eq!(v["logseal"]["cut"]["depth"], 1);
}

#[test]
fn linear_memory_stays_flat_after_warm_up() {
    let mut m = Generic::new();
    let records = corpus_records("pii-public.ndjson");
    for r in &records {
        m.filter(r);
    }
    let warm = m.pages();
    for _ in 0..5 {
        for r in &records {
            m.filter(r);
        }
    }
    assert_eq!(m.pages(), warm, "memory grew after warm-up: something leaks per record");
}

#[test]
fn sampling_decides_the_same_in_the_module_and_the_cli() {
    // The same seed and key give the same kept set in every host.
    let policy = r#"{"version":1,"keys":{"sample":"base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},
        "sample":{"by":["request_id"],"default_rate":0.3}}"#;
    let records: Vec<Vec<u8>> = (0..500).map(|i| format!(r#"{{"level":"info","request_id":"req-{i}"}}"#).into_bytes()).collect();
    let dir = std::env::temp_dir().join(format!("logseal-sample-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.json");
    std::fs::write(&path, policy).unwrap();
    let stdin: Vec<u8> = records.iter().flat_map(|r| r.iter().copied().chain([b'\n'])).collect();
    let (code, stdout, stderr) = logseal(&["filter", "--policy", path.to_str().unwrap(), "--time-ns", &TIME_NS.to_string()], &stdin);
    assert_eq!(code, 0, "{stderr}");
    let cli: Vec<&[u8]> = stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    let mut module = Generic::new();
    assert_eq!(module.configure(policy).0, 0);
    let wasm: Vec<Vec<u8>> = records.iter().filter_map(|r| {
        let (status, out) = module.filter(r);
        (status != 2).then_some(out)
    }).collect();
    assert!(cli.len() > 100 && cli.len() < 200, "about 30% kept: {}", cli.len());
    assert_eq!(cli.len(), wasm.len());
    for (c, w) in cli.iter().zip(&wasm) {
        assert_eq!(String::from_utf8_lossy(c), String::from_utf8_lossy(w));
    }
}

#[test]
fn sealing_in_the_module_matches_the_cli_and_verifies() {
    // An inline key: this module reads no files. Same key, same seed, same chain.
    let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let policy = format!(r#"{{"version":1,"keys":{{"seal":"base64:{secret}"}},"seal":{{"checkpoint_every":50}}}}"#);
    let records: Vec<Vec<u8>> = corpus_records("pii-public.ndjson").into_iter().take(120).collect();
    let dir = std::env::temp_dir().join(format!("logseal-seal-module-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.json");
    std::fs::write(&path, &policy).unwrap();
    let stdin: Vec<u8> = records.iter().flat_map(|r| r.iter().copied().chain([b'\n'])).collect();
    let seed = "0f0e0d0c0b0a09080706050403020100";
    let args = ["filter", "--policy", path.to_str().unwrap(), "--time-ns", &TIME_NS.to_string(), "--chain-seed", seed];
    let (code, stdout, stderr) = logseal(&args, &stdin);
    assert_eq!(code, 0, "{stderr}");
    let cli: Vec<&[u8]> = stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();

    let mut module = Generic::new();
    assert_eq!(module.configure(&policy).0, 0);
    // Before a seed: marked, not sealed.
    let (status, unsealed) = module.filter(b"{\"a\":1}");
    assert_eq!(status, 1);
    assert!(String::from_utf8_lossy(&unsealed).contains("no randomness"));
    let seed_fn: TypedFunc<(u32, u32), i32> = module.instance_func("logseal_seed");
    let (ptr, len) = module.put(&[0u8; 5]);
    assert_eq!(seed_fn.call(&mut module.store, (ptr, len)).unwrap(), 1, "16 bytes only");
    let bytes: Vec<u8> = (0..16u8).rev().collect();
    let (ptr, len) = module.put(&bytes);
    assert_eq!(seed_fn.call(&mut module.store, (ptr, len)).unwrap(), 0);
    for (r, c) in records.iter().zip(&cli) {
        let (status, out) = module.filter(r);
        assert_eq!(status, 0);
        assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(c));
    }
    // A declared gap comes out sealed and continues the chain.
    let gap: TypedFunc<(i64, i64), i64> = module.instance_func("logseal_abi_gap");
    let (status, len, ptr) = Generic::unpack(gap.call(&mut module.store, (3, TIME_NS)).unwrap());
    assert_eq!(status, 0);
    let text = String::from_utf8(module.read(ptr, len)).unwrap();
    assert!(text.contains(r#""gap":{"dropped":3}"#) && text.contains(r#""n":121"#), "{text}");
    assert_eq!(module.stats()["sealed"], 121);

    let keyring = dir.join("ring.json");
    std::fs::write(&keyring, format!(r#"{{"version":1,"keys":[{{"id":"inline","purpose":"seal","secret":"{secret}"}}]}}"#)).unwrap();
    let sealed = dir.join("sealed.ndjson");
    std::fs::write(&sealed, [stdout.as_slice(), text.as_bytes(), b"\n"].concat()).unwrap();
    let (code, out, err) = logseal(&["verify", "--keys", keyring.to_str().unwrap(), sealed.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{}{err}", String::from_utf8_lossy(&out));
}

#[test]
fn signed_sealing_in_the_module_matches_the_cli_and_verifies_with_the_public_key() {
    // keys.sign inline (this module reads no files): the same seed and keys give the same
    // bytes, Ed25519 checkpoint signatures included (Ed25519 signing is deterministic).
    let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let sign = "HyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4=";
    let policy = format!(r#"{{"version":1,"keys":{{"seal":"base64:{secret}","sign":"base64:{sign}"}},"seal":{{"checkpoint_every":25}}}}"#);
    let records: Vec<Vec<u8>> = corpus_records("pii-public.ndjson").into_iter().take(60).collect();
    let dir = std::env::temp_dir().join(format!("logseal-sign-module-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("p.json");
    std::fs::write(&path, &policy).unwrap();
    let stdin: Vec<u8> = records.iter().flat_map(|r| r.iter().copied().chain([b'\n'])).collect();
    let args = ["filter", "--policy", path.to_str().unwrap(), "--time-ns", &TIME_NS.to_string(), "--chain-seed", "0f0e0d0c0b0a09080706050403020100"];
    let (code, stdout, stderr) = logseal(&args, &stdin);
    assert_eq!(code, 0, "{stderr}");
    let cli: Vec<&[u8]> = stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    assert_eq!(cli.iter().filter(|l| String::from_utf8_lossy(l).contains(r#""g":{"h":""#)).count(), 2);

    let mut module = Generic::new();
    assert_eq!(module.configure(&policy).0, 0);
    let seed_fn: TypedFunc<(u32, u32), i32> = module.instance_func("logseal_seed");
    let bytes: Vec<u8> = (0..16u8).rev().collect();
    let (ptr, len) = module.put(&bytes);
    assert_eq!(seed_fn.call(&mut module.store, (ptr, len)).unwrap(), 0);
    for (r, c) in records.iter().zip(&cli) {
        let (status, out) = module.filter(r);
        assert_eq!(status, 0);
        assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(c));
    }
    let key = logseal::keys::Key { id: "inline".into(), purpose: logseal::keys::Purpose::Sign, secret: logseal::keys::Secret::new(base64_decode(sign)), active: true };
    let public = dir.join("public.json");
    std::fs::write(&public, logseal::sign::PublicKeys::file_text(&[("inline".into(), logseal::sign::SignKey::from_key(&key).unwrap().public())])).unwrap();
    let sealed = dir.join("signed.ndjson");
    std::fs::write(&sealed, &stdout).unwrap();
    let (code, out, err) = logseal(&["verify", "--public-key", public.to_str().unwrap(), sealed.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{}{err}", String::from_utf8_lossy(&out));
    assert!(String::from_utf8_lossy(&out).contains("50 covered by signatures"), "{}", String::from_utf8_lossy(&out));
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}
