//! `logseal_fluentbit.wasm` in a wasmtime host that behaves as Fluent Bit's `wasm` filter does
//! (plugins/filter_wasm/filter_wasm.c and src/wasm/flb_wasm.c, Fluent Bit 5.1):
//! - one instance for the process; WASI with the accessible paths pre-opened under their own
//!   names, stderr captured (it is Fluent Bit's log);
//! - WAMR's app heap of `wasm_heap_size` bytes inside linear memory: per record, the tag and
//!   the record are copied in NUL-terminated, the record pointer is 0 when the copy does not
//!   fit, and both are freed after the call;
//! - the result is read as a C string and copied; `""` drops the record; a trap, a pointer
//!   outside memory or text that is not a JSON object would drop it too, so each is a failure.

mod common;

use common::{cli_lines, corpus_records, hostile_lines, logseal, root, wasm_module};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use wasmtime::{Engine, Instance, Linker, Memory, Module, Store, TypedFunc};
use wasmtime_wasi::p1::{self, WasiP1Ctx};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{Deterministic, FsPerms, WasiCtxBuilder};

/// Every random byte the module draws; so the chain id is `--chain-seed 2a2a...` in the CLI.
const RANDOM_BYTE: u8 = 0x2a;
const TIME_SEC: u32 = 1_767_225_600;
const TIME_NSEC: u32 = 123_456_789;
const WAMR_BLOCK_OVERHEAD: u32 = 16;

fn compiled() -> &'static (Engine, Module) {
    static MODULE: OnceLock<(Engine, Module)> = OnceLock::new();
    MODULE.get_or_init(|| {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm_module("logseal_fluentbit.wasm")).expect("module compiles");
        (engine, module)
    })
}

/// One filter instance as Fluent Bit keeps it.
struct FluentBit {
    store: Store<WasiP1Ctx>,
    memory: Memory,
    filter: TypedFunc<(u32, u32, u32, u32, u32, u32), u32>,
    stats: TypedFunc<(), u32>,
    heap_start: u32,
    heap_size: u32,
    stderr: MemoryOutputPipe,
}

enum Result {
    Record(Vec<u8>),
    Dropped,
}

impl FluentBit {
    /// `accessible_paths` are pre-opened under their own names, as Fluent Bit does.
    fn new(accessible_paths: &[&Path], heap_size: u32) -> FluentBit {
        let named: Vec<(&Path, &str)> = accessible_paths.iter().map(|p| (*p, p.to_str().unwrap())).collect();
        FluentBit::with_names(&named, heap_size)
    }

    /// Pre-opens each host directory under the guest name given: relative names are what
    /// Fluent Bit passes for a relative `accessible_paths` entry (its working directory's).
    fn with_names(accessible_paths: &[(&Path, &str)], heap_size: u32) -> FluentBit {
        let (engine, module) = compiled();
        let stderr = MemoryOutputPipe::new(1 << 20);
        let mut wasi = WasiCtxBuilder::new();
        wasi.stderr(stderr.clone()).secure_random(Deterministic::new(vec![RANDOM_BYTE])).insecure_random(Deterministic::new(vec![RANDOM_BYTE]));
        for (host, guest) in accessible_paths {
            wasi.preopened_dir(host, guest, FsPerms::ReadOnly).expect("pre-open");
        }
        let mut store = Store::new(engine, wasi.build_p1());
        let mut linker: Linker<WasiP1Ctx> = Linker::new(engine);
        p1::add_to_linker_sync(&mut linker, |t| t).unwrap();
        let instance: Instance = linker.instantiate(&mut store, module).expect("instantiates");
        let memory = instance.get_memory(&mut store, "memory").expect("exports memory");
        // WAMR puts its app heap in linear memory beside the module's own allocations.
        let pages = heap_size.div_ceil(65536) as u64;
        let heap_start = (memory.grow(&mut store, pages).expect("heap pages") * 65536) as u32;
        let init: TypedFunc<(), ()> = instance.get_typed_func(&mut store, "_initialize").expect("a WASI reactor exports _initialize");
        init.call(&mut store, ()).expect("_initialize does not trap");
        FluentBit {
            filter: instance.get_typed_func(&mut store, "logseal_filter").expect("exports logseal_filter"),
            stats: instance.get_typed_func(&mut store, "logseal_stats").expect("exports logseal_stats"),
            memory,
            heap_start,
            heap_size,
            stderr,
            store,
        }
    }

    /// Copies `data` NUL-terminated into the app heap at `offset`; None when it does not fit.
    fn dup(&mut self, offset: u32, data: &[u8]) -> Option<u32> {
        let need = data.len() as u32 + 1 + WAMR_BLOCK_OVERHEAD;
        if offset.checked_add(need)? > self.heap_size {
            return None;
        }
        let at = self.heap_start + offset + WAMR_BLOCK_OVERHEAD;
        self.memory.write(&mut self.store, at as usize, data).unwrap();
        self.memory.write(&mut self.store, at as usize + data.len(), &[0]).unwrap();
        Some(at)
    }

    fn call(&mut self, tag: &[u8], record: &[u8]) -> Result {
        let tag_ptr = self.dup(0, tag).unwrap_or(0);
        let used = if tag_ptr == 0 { 0 } else { (tag.len() as u32 + 1 + WAMR_BLOCK_OVERHEAD + 7) & !7 };
        let record_ptr = self.dup(used, record).unwrap_or(0);
        let args = (tag_ptr, tag.len() as u32, TIME_SEC, TIME_NSEC, record_ptr, record.len() as u32);
        let ret = self.filter.call(&mut self.store, args).expect("logseal_filter must never trap");
        let out = self.c_string(ret);
        if out.is_empty() {
            Result::Dropped
        } else {
            Result::Record(out)
        }
    }

    /// The host's `strdup` of the returned pointer, after WAMR's address check.
    fn c_string(&self, ptr: u32) -> Vec<u8> {
        let mem = self.memory.data(&self.store);
        let start = ptr as usize;
        assert!(ptr != 0 && start < mem.len(), "returned pointer {ptr} is outside memory");
        let len = mem[start..].iter().position(|&b| b == 0).expect("returned string is NUL-terminated");
        mem[start..start + len].to_vec()
    }

    /// Filters and asserts what Fluent Bit requires of a kept record: a JSON object.
    fn record(&mut self, record: &[u8]) -> Option<Vec<u8>> {
        match self.call(b"app.log", record) {
            Result::Dropped => None,
            Result::Record(out) => {
                let v: serde_json::Value = serde_json::from_slice(&out).expect("Fluent Bit needs JSON back");
                assert!(v.is_object(), "Fluent Bit needs a JSON object back");
                // The example's guard filter keeps records by this string (grep matches strings only).
                assert!(v["logseal"]["ingest"].is_string(), "every record carries logseal.ingest: {v}");
                Some(out)
            }
        }
    }

    fn stats(&mut self) -> serde_json::Value {
        let ptr = self.stats.call(&mut self.store, ()).unwrap();
        serde_json::from_slice(&self.c_string(ptr)).unwrap()
    }

    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents()).into_owned()
    }

    fn pages(&self) -> u64 {
        self.memory.size(&self.store)
    }
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logseal-fb-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

fn time_ns() -> String {
    (TIME_SEC as i64 * 1_000_000_000 + TIME_NSEC as i64).to_string()
}

/// Filters `records` through the CLI with `policy` (None: the default) and returns the lines.
fn cli(records: &[Vec<u8>], policy: Option<&Path>) -> Vec<Vec<u8>> {
    cli_lines(records, &time_ns(), RANDOM_BYTE, policy)
}

fn assert_identical(records: &[Vec<u8>], fb: &mut FluentBit, policy: Option<&Path>) {
    let records = &common::non_blank(records)[..];
    let expected = cli(records, policy);
    let got: Vec<Vec<u8>> = records.iter().filter_map(|r| fb.record(r)).collect();
    assert_eq!(got.len(), expected.len());
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(String::from_utf8_lossy(g), String::from_utf8_lossy(e), "record {i}");
    }
}

#[test]
fn without_a_policy_file_the_default_runs_and_matches_the_cli_on_both_corpora() {
    let dir = tempdir("nopolicy");
    let mut fb = FluentBit::new(&[&dir], 4 << 20);
    assert_identical(&corpus_records("pii-public.ndjson"), &mut fb, None);
    assert_identical(&corpus_records("injection-public.ndjson"), &mut fb, None);
    let err = fb.stderr();
    assert_eq!(err.matches("no logseal.json").count(), 1, "one line, once: {err}");
    assert!(err.contains("built-in default policy"), "{err}");
}

#[test]
fn a_sealed_stream_from_the_shipped_example_matches_the_cli_and_verifies() {
    // The example's layout: fluent-bit/logseal.json names ../keys/demo-keyring.json, and both
    // directories are accessible paths.
    let base = tempdir("sealed");
    let (dir, keydir) = (base.join("fluent-bit"), base.join("keys"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&keydir).unwrap();
    std::fs::copy(root().join("host-examples/fluent-bit/logseal.json"), dir.join("logseal.json")).unwrap();
    std::fs::copy(root().join("host-examples/keys/demo-keyring.json"), keydir.join("demo-keyring.json")).unwrap();
    // As the example runs: from its own directory, `accessible_paths .,../keys`.
    let mut fb = FluentBit::with_names(&[(&dir, "."), (&keydir, "../keys")], 4 << 20);
    let records = corpus_records("pii-public.ndjson");
    let expected = cli(&records, Some(&dir.join("logseal.json")));
    let got: Vec<Vec<u8>> = records.iter().filter_map(|r| fb.record(r)).collect();
    assert_eq!(got, expected);
    assert!(fb.stderr().contains("logseal.json loaded"), "{}", fb.stderr());
    assert_eq!(fb.stats()["sealed"], records.len());

    let sealed = dir.join("out.ndjson");
    std::fs::write(&sealed, got.iter().flat_map(|l| l.iter().copied().chain([b'\n'])).collect::<Vec<u8>>()).unwrap();
    let keys = root().join("host-examples/keys/demo-keyring.json");
    let (code, out, err) = logseal(&["verify", "--keys", keys.to_str().unwrap(), sealed.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{}{err}", String::from_utf8_lossy(&out));
}

#[test]
fn an_invalid_policy_or_missing_key_means_lockdown_and_every_record_says_so() {
    for (name, policy, fault) in [
        ("invalid", r#"{"version":1,"limits":{"max_depth":"deep"}}"#, "$.limits.max_depth"),
        ("nokey", r#"{"version":1,"keys":{"seal":"file:nowhere.json#k"},"seal":{}}"#, "$.keys.seal"),
    ] {
        let dir = tempdir(name);
        std::fs::write(dir.join("logseal.json"), policy).unwrap();
        let mut fb = FluentBit::new(&[&dir], 1 << 20);
        for _ in 0..3 {
            let out = fb.record(br#"{"message":"hello","password":"hunter2hunter2"}"#).expect("kept");
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            assert!(v["logseal"]["policy_error"].as_str().unwrap().contains(fault), "{v}");
            assert!(!String::from_utf8_lossy(&out).contains("hunter2"));
        }
        let err = fb.stderr();
        assert_eq!(err.matches("refused").count(), 1, "one message: {err}");
        assert!(err.contains(fault) && err.contains("lockdown"), "{err}");
    }
}

#[test]
fn the_policy_is_found_in_any_accessible_path_and_resolves_keys_from_there() {
    let empty = tempdir("first");
    let dir = tempdir("second");
    std::fs::write(dir.join("ring.json"), std::fs::read(root().join("host-examples/keys/demo-keyring.json")).unwrap()).unwrap();
    std::fs::write(dir.join("logseal.json"), r#"{"version":1,"keys":{"hash":"file:ring.json#demo-hash-1"},"redact":{"actions":{"email":"hash"}}}"#).unwrap();
    let mut fb = FluentBit::new(&[&empty, &dir], 1 << 20);
    let out = fb.record(br#"{"user":"ann@example.com"}"#).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains("ann@example.com") && text.contains("email:"), "{text}");
    assert!(fb.stderr().contains(&format!("{}/logseal.json loaded", dir.display())), "{}", fb.stderr());
    assert!(fb.stderr().contains("demo key"), "demo keys draw a warning: {}", fb.stderr());
}

#[test]
fn sampling_drops_with_an_empty_string() {
    let dir = tempdir("sample");
    std::fs::write(dir.join("logseal.json"), r#"{"version":1,"keys":{"sample":"base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},"sample":{"by":["request_id"],"default_rate":0.5}}"#).unwrap();
    let mut fb = FluentBit::new(&[&dir], 1 << 20);
    let records: Vec<Vec<u8>> = (0..400).map(|i| format!(r#"{{"level":"info","request_id":"r{i}"}}"#).into_bytes()).collect();
    let kept = records.iter().filter_map(|r| fb.record(r)).count();
    assert!(kept > 120 && kept < 280, "about half kept: {kept}");
    assert_eq!(fb.stats()["sampled_out"], 400 - kept);
    assert_identical(&records, &mut FluentBit::new(&[&dir], 1 << 20), Some(&dir.join("logseal.json")));
}

#[test]
fn a_record_larger_than_the_heap_arrives_as_null_and_becomes_an_error_record() {
    let dir = tempdir("heap");
    let mut fb = FluentBit::new(&[&dir], 64 << 10);
    let mut big = br#"{"message":""#.to_vec();
    big.extend(std::iter::repeat_n(b'x', 100 << 10));
    big.extend_from_slice(b"\"}");
    let out = fb.record(&big).expect("not dropped");
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["logseal"]["error"]["kind"], "host");
    assert!(v["logseal"]["error"]["detail"].as_str().unwrap().contains("wasm_heap_size"));
    assert!(!String::from_utf8_lossy(&out).contains("xxxx"));
    assert!(fb.stderr().contains("raise wasm_heap_size"));
    // The next record that fits is filtered normally.
    assert!(fb.record(br#"{"message":"ok"}"#).is_some());
    assert_eq!(fb.stats()["errors"], 1);
}

#[test]
fn msgpack_records_are_replaced_by_a_marker_not_passed_through() {
    let dir = tempdir("msgpack");
    let mut fb = FluentBit::new(&[&dir], 1 << 20);
    // {"password": "hunter2"} in msgpack.
    let record = b"\x81\xa8password\xa7hunter2";
    let Result::Record(out) = fb.call(b"app", record) else { panic!("not dropped") };
    assert!(!out.windows(7).any(|w| w == b"hunter2"));
    assert_eq!(out[0], 0x81, "a msgpack map");
    assert!(out.windows(22).any(|w| w == b"event_format msgpack i"));
    assert!(fb.stderr().contains("set event_format json"));
    assert_eq!(fb.stats()["errors"], 1);
}

#[test]
fn hostile_records_never_trap() {
    let dir = tempdir("hostile");
    let mut fb = FluentBit::new(&[&dir], 8 << 20);
    assert_identical(&hostile_lines(), &mut fb, None);
    // Blank records, which the CLI skips as not records, do not trap the module either.
    for r in hostile_lines().iter().filter(|r| r.iter().all(u8::is_ascii_whitespace)) {
        assert!(fb.record(r).is_some());
    }
    // A bad tag pointer is not a reason to fail either.
    let ret = fb.filter.call(&mut fb.store, (u32::MAX - 2, 100, TIME_SEC, TIME_NSEC, 0, 10)).expect("no trap");
    let out = fb.c_string(ret);
    assert!(String::from_utf8_lossy(&out).contains("\"kind\":\"host\""));
}

#[test]
fn a_million_records_leave_linear_memory_flat() {
    let dir = tempdir("million");
    let mut fb = FluentBit::new(&[&dir], 4 << 20);
    let records = corpus_records("pii-public.ndjson");
    for r in records.iter().cycle().take(20_000) {
        fb.call(b"app.log", r);
    }
    let warm = fb.pages();
    for r in records.iter().cycle().take(1_000_000) {
        fb.call(b"app.log", r);
    }
    assert_eq!(fb.pages(), warm, "memory grew after warm-up");
    assert_eq!(fb.stats()["records"], 1_020_000);
}

#[test]
fn sealing_and_encrypting_leave_linear_memory_flat_too() {
    let base = tempdir("flat-sealed");
    let (dir, keydir) = (base.join("fluent-bit"), base.join("keys"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&keydir).unwrap();
    // host-examples/policies/sealed.json: seals every record and encrypts SSNs and national IDs.
    std::fs::copy(root().join("host-examples/policies/sealed.json"), dir.join("logseal.json")).unwrap();
    std::fs::copy(root().join("host-examples/keys/demo-keyring.json"), keydir.join("demo-keyring.json")).unwrap();
    let mut fb = FluentBit::with_names(&[(&dir, "."), (&keydir, "../keys")], 4 << 20);
    let records = corpus_records("pii-public.ndjson");
    for r in records.iter().cycle().take(10_000) {
        fb.call(b"app.log", r);
    }
    let warm = fb.pages();
    let mut encrypted = 0;
    for r in records.iter().cycle().take(100_000) {
        if let Result::Record(out) = fb.call(b"app.log", r) {
            encrypted += (out.windows(16).any(|w| w == b"\"enc\":\"A256GCM\",") || out.windows(5).any(|w| w == b"[ENC:")) as usize;
        }
    }
    assert_eq!(fb.pages(), warm, "memory grew after warm-up");
    assert!(encrypted > 1_000, "values were encrypted: {encrypted}");
    let stats = fb.stats();
    assert_eq!((stats["sealed"].as_u64(), stats["errors"].as_u64()), (Some(110_000), Some(0)));
}

#[test]
fn a_signed_stream_matches_the_cli_and_verifies_with_the_public_key_only() {
    // The example layout with keys.sign added: Ed25519 checkpoint signatures come out of the
    // module byte for byte as the CLI writes them.
    let base = tempdir("signed");
    let (dir, keydir) = (base.join("fluent-bit"), base.join("keys"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&keydir).unwrap();
    let mut policy: serde_json::Value = serde_json::from_slice(&std::fs::read(root().join("host-examples/fluent-bit/logseal.json")).unwrap()).unwrap();
    policy["keys"]["sign"] = "file:../keys/demo-sign.json#demo-sign-1".into();
    policy["seal"]["checkpoint_every"] = 40.into();
    std::fs::write(dir.join("logseal.json"), policy.to_string()).unwrap();
    std::fs::copy(root().join("host-examples/keys/demo-keyring.json"), keydir.join("demo-keyring.json")).unwrap();
    std::fs::copy(root().join("host-examples/keys/demo-sign.json"), keydir.join("demo-sign.json")).unwrap();
    let mut fb = FluentBit::with_names(&[(&dir, "."), (&keydir, "../keys")], 4 << 20);
    let records: Vec<Vec<u8>> = corpus_records("pii-public.ndjson").into_iter().take(200).collect();
    let expected = cli(&records, Some(&dir.join("logseal.json")));
    let got: Vec<Vec<u8>> = records.iter().filter_map(|r| fb.record(r)).collect();
    assert_eq!(got, expected);
    let sealed = dir.join("out.ndjson");
    std::fs::write(&sealed, got.iter().flat_map(|l| l.iter().copied().chain([b'\n'])).collect::<Vec<u8>>()).unwrap();
    let public = root().join("host-examples/keys/demo-sign.public.json");
    let (code, out, err) = logseal(&["verify", "--public-key", public.to_str().unwrap(), sealed.to_str().unwrap()], b"");
    let out = String::from_utf8_lossy(&out);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("200 covered by signatures"), "{out}");
}
