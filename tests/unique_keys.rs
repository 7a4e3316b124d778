//! Every object logseal writes has unique keys as any reader sees them, whatever the input's
//! keys: repeats, names that become equal once escaped, made visible, cut to the key limit or
//! decoded, invalid UTF-8, renames and added members, the reserved key. And any such record
//! sealed with the shipped sealed policy verifies.

mod common;

#[path = "support/invariants.rs"]
mod invariants;

use common::{root, FsEnv};
use invariants::{check_output, duplicate_key};
use logseal::{Context, Filter, Plan};
use proptest::prelude::*;
use serde_json::Value;

const TIME_NS: i64 = 1_764_237_600_000_000_000;

/// Key fragments as spelt inside a JSON string: each collides with another once decoded,
/// escaped, made visible, cut or numbered.
const FRAGMENTS: &[&[u8]] = &[
    b"a",
    br"\u0061",
    b"#",
    b"2",
    b"#2",
    br"\n",
    br"\\n",
    br"\u0000",
    br"\\x00",
    b"\t",
    br"\\t",
    b"logseal",
    br"logs\u0065al",
    b"_original",
    b"\xff",
    b"\xc3",
    br"\ud800",
    b"\xef\xbf\xbd",
    br"\ufffd",
    b"${",
    br"$\\{",
    br"\u202e",
    br"\\u202e",
    b"\xe2\x80\xae",
];

/// A JSON value as raw bytes, so keys can hold what serde_json could not write.
#[derive(Clone, Debug)]
enum Tree {
    Leaf(&'static str),
    Object(Vec<(Vec<u8>, Tree)>),
    Array(Vec<Tree>),
}

impl Tree {
    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Tree::Leaf(s) => out.extend_from_slice(s.as_bytes()),
            Tree::Array(items) => {
                out.push(b'[');
                for (i, t) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    t.write(out);
                }
                out.push(b']');
            }
            Tree::Object(members) => {
                out.push(b'{');
                for (i, (k, t)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    out.push(b'"');
                    out.extend_from_slice(k);
                    out.extend_from_slice(b"\":");
                    t.write(out);
                }
                out.push(b'}');
            }
        }
    }

    /// Members of every object.
    fn keys(&self) -> usize {
        match self {
            Tree::Leaf(_) => 0,
            Tree::Array(items) => items.iter().map(Tree::keys).sum(),
            Tree::Object(members) => members.len() + members.iter().map(|(_, t)| t.keys()).sum::<usize>(),
        }
    }

    /// True when some object holds two keys spelt the same.
    fn repeats_a_spelling(&self) -> bool {
        match self {
            Tree::Leaf(_) => false,
            Tree::Array(items) => items.iter().any(Tree::repeats_a_spelling),
            Tree::Object(members) => {
                let mut seen = std::collections::HashSet::new();
                members.iter().any(|(k, _)| !seen.insert(k.clone())) || members.iter().any(|(_, t)| t.repeats_a_spelling())
            }
        }
    }
}

/// Keys of 0-4 fragments, sometimes behind a long shared prefix that the key limit cuts.
fn key() -> impl Strategy<Value = Vec<u8>> {
    (any::<bool>(), prop::collection::vec(prop::sample::select(FRAGMENTS), 0..4)).prop_map(|(long, parts)| {
        let mut k = if long { vec![b'p'; 254] } else { Vec::new() };
        parts.iter().for_each(|p| k.extend_from_slice(p));
        k
    })
}

fn tree() -> impl Strategy<Value = Tree> {
    let leaf = prop::sample::select(&["1", "\"v\"", "null", "\"4111 1111 1111 1111\"", "\"123-45-6789\""][..]).prop_map(Tree::Leaf);
    leaf.prop_recursive(3, 64, 20, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Tree::Array),
            prop::collection::vec((key(), inner), 0..20).prop_map(Tree::Object),
        ]
    })
}

fn record() -> impl Strategy<Value = (Vec<u8>, Tree)> {
    prop::collection::vec((key(), tree()), 0..24).prop_map(|members| {
        let t = Tree::Object(members);
        let mut out = Vec::new();
        t.write(&mut out);
        (out, t)
    })
}

/// Renames onto existing names, the reserved key and each other; added members that meet
/// them (two that are equal once cut); the least key limit, which cuts the long keys.
const RENAMING: &str = r##"{"version":1,"limits":{"max_key_bytes":16},
  "normalise":{"preset":"plain","timestamps":true,
    "map":{"a":"logseal","#":"a#2","2":"logseal_original","logs":"timestamp"},
    "enrich":{"a#2":"e","logseal_original":"e","logseal":"e","message":"e","aaaaaaaaaaaaaaaaa1":"e","aaaaaaaaaaaaaaaaa2":"e"}}}"##;

/// Filters `line` with `policy` (None: the default policy).
fn filtered(policy: Option<&str>, line: &[u8]) -> (String, Value) {
    let plan = match policy {
        None => Plan::default_policy(),
        Some(text) => Plan::load(text, &logseal::policy::NoEnvironment, None).expect("policy loads"),
    };
    let mut f = Filter::new(plan);
    let mut out = Vec::new();
    f.process(line, &Context { time_ns: TIME_NS, ..Context::default() }, &mut out);
    check_output(&out);
    let text = String::from_utf8(out).expect("UTF-8");
    let v: Value = serde_json::from_str(&text).expect("JSON");
    (text, v)
}

fn keys_outside_reserved(v: &Value, root: bool) -> usize {
    match v {
        Value::Array(a) => a.iter().map(|x| keys_outside_reserved(x, false)).sum(),
        Value::Object(o) => o.iter().filter(|(k, _)| !(root && k.as_str() == "logseal")).map(|(_, x)| 1 + keys_outside_reserved(x, false)).sum(),
        _ => 0,
    }
}

fn tags(v: &Value) -> Vec<String> {
    v["logseal"]["tags"].as_array().map(|a| a.iter().filter_map(|t| t.as_str().map(String::from)).collect()).unwrap_or_default()
}

/// The sealed example policy (demo keys), a filter sealing with it, and a verifier.
fn sealed() -> (Filter, logseal::verify::Verifier) {
    let dir = root().join("host-examples/policies");
    let text = std::fs::read_to_string(dir.join("sealed.json")).expect("sealed.json");
    let plan = Plan::load(&text, &FsEnv, Some(dir.to_str().expect("a UTF-8 path"))).expect("sealed.json loads");
    let mut f = Filter::new(plan);
    f.start_chain(&[5; 16]);
    let mut n = 0u8;
    f.set_random(Box::new(move |buf: &mut [u8]| {
        buf.iter_mut().for_each(|b| {
            n = n.wrapping_add(1);
            *b = n;
        });
        true
    }));
    let ring = root().join("host-examples/keys/demo-keyring.json");
    let keys = logseal::keyring::parse_keyring(&std::fs::read(&ring).expect("keyring"), "demo-keyring.json").expect("a keyring");
    let seal = keys.into_iter().filter(|k| k.purpose == logseal::keys::Purpose::Seal).collect();
    (f, logseal::verify::Verifier::new(logseal::keys::KeySet::new(seal)))
}

/// Seals `lines` in one chain and verifies the stream; returns the problems found.
fn seal_and_verify(lines: &[Vec<u8>]) -> (Vec<String>, Vec<String>) {
    let (mut f, mut v) = sealed();
    let (mut findings, mut outs) = (Vec::new(), Vec::new());
    for (i, line) in lines.iter().enumerate() {
        let mut out = Vec::new();
        f.process(line, &Context { time_ns: TIME_NS, ..Context::default() }, &mut out);
        check_output(&out);
        v.line(i as u64 + 1, &out, &mut findings);
        outs.push(String::from_utf8_lossy(&out).into_owned());
    }
    v.finish(&mut findings);
    let problems = findings.iter().filter(|f| f.kind.is_problem()).map(|f| format!("{f:?}")).collect();
    (problems, outs)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Output parses, every object at every depth has unique keys, no member is lost, and a
    /// record whose object repeats a key spelling is tagged.
    #[test]
    fn every_object_has_unique_keys_whatever_the_input_keys((line, t) in record()) {
        let (text, v) = filtered(None, &line);
        prop_assert_eq!(keys_outside_reserved(&v, true), t.keys(), "no member lost: {}", text);
        if t.repeats_a_spelling() {
            prop_assert!(tags(&v).iter().any(|t| t == "duplicate_keys"), "{}", text);
        }
        if let Some(renamed) = v["logseal"]["renamed"].as_str() {
            prop_assert!(v.get(renamed).is_some(), "renamed names a written key: {}", text);
        }
        let (text, v) = filtered(Some(RENAMING), &line);
        prop_assert!(keys_outside_reserved(&v, true) >= t.keys(), "no member lost: {}", text);
    }

    /// Whatever the keys, a record sealed with the shipped sealed policy verifies.
    #[test]
    fn any_record_sealed_with_the_sealed_policy_verifies(recs in prop::collection::vec(record(), 1..4)) {
        let lines: Vec<Vec<u8>> = recs.into_iter().map(|(l, _)| l).collect();
        let (problems, outs) = seal_and_verify(&lines);
        prop_assert!(problems.is_empty(), "{:?}\n{}", problems, outs.join("\n"));
    }
}

#[test]
fn numbering_skips_names_that_come_later_and_tags_the_record() {
    for (input, want) in [
        (r##"{"a":1,"a":2,"a#2":3}"##, vec!["a", "a#2", "a#2#2"]),
        (r##"{"a#2":3,"a":1,"a":2}"##, vec!["a#2", "a", "a#3"]),
        (r##"{"a":1,"\u0061":2,"a":3}"##, vec!["a", "a#2", "a#3"]),
        (r#"{"a\n":1,"a\\n":2}"#, vec![r"a\n", r"a\n#2"]),
        (r#"{"a\u0000":1,"a\\x00":2}"#, vec![r"a\x00", r"a\x00#2"]),
    ] {
        let (text, v) = filtered(None, input.as_bytes());
        assert_eq!(duplicate_key(&text), None, "{text}");
        for name in &want {
            assert!(v.get(*name).is_some(), "{input}: {name} missing in {text}");
        }
        assert_eq!(keys_outside_reserved(&v, true), want.len(), "{text}");
        assert!(tags(&v).contains(&"duplicate_keys".to_string()), "{text}");
    }
    // The values stay with their keys: the first `a` keeps its name and value.
    let (_, v) = filtered(None, br##"{"a":1,"a":2,"a#2":3}"##);
    assert_eq!((v["a"].as_u64(), v["a#2"].as_u64(), v["a#2#2"].as_u64()), (Some(1), Some(2), Some(3)));
}

#[test]
fn the_reserved_key_is_renamed_beside_an_existing_renamed_name() {
    for (input, renamed, original) in [
        (r#"{"logseal":1,"logseal_original":2}"#, "logseal_original", "logseal_original#2"),
        (r#"{"logseal_original":2,"logseal":1}"#, "logseal_original#2", "logseal_original"),
        (r#"{"logseal_original":2,"logs\u0065al":1,"logseal":3}"#, "logseal_original#2", "logseal_original"),
    ] {
        let (text, v) = filtered(None, input.as_bytes());
        assert_eq!(v["logseal"]["renamed"], renamed, "{text}");
        assert_eq!(v[renamed], 1, "{text}");
        assert_eq!(v[original], 2, "{text}");
        assert!(tags(&v).contains(&"duplicate_keys".to_string()), "{text}");
    }
}

#[test]
fn keys_equal_after_cutting_or_replacing_invalid_utf8_are_numbered() {
    let long = "k".repeat(300);
    let input = format!(r#"{{"{long}a":1,"{long}b":2}}"#);
    let (text, v) = filtered(None, input.as_bytes());
    let cut = format!("{}…[TRUNCATED:301 bytes]", "k".repeat(256));
    assert_eq!((v[&cut].as_u64(), v[&format!("{cut}#2")].as_u64()), (Some(1), Some(2)), "{text}");
    let (text, v) = filtered(None, b"{\"\xff\":1,\"\xfe\":2,\"\\ud800\":3}");
    assert_eq!((v["\u{fffd}"].as_u64(), v["\u{fffd}#2"].as_u64(), v["\u{fffd}#3"].as_u64()), (Some(1), Some(2), Some(3)), "{text}");
}

#[test]
fn renames_and_added_members_never_meet_existing_names() {
    let policy = r#"{"version":1,"normalise":{"map":{"x":"logseal","y":"env"},"enrich":{"env":"prod","logseal":"e"}}}"#;
    let (text, v) = filtered(Some(policy), br#"{"x":1,"y":2,"logseal_original":3}"#);
    assert_eq!(duplicate_key(&text), None, "{text}");
    // x is renamed `logseal`, which reads like the reserved key: `logseal_original`, taken
    // before the record's own.
    assert_eq!(v["logseal"]["renamed"], "logseal_original", "{text}");
    assert_eq!((v["logseal_original"].as_u64(), v["logseal_original#2"].as_u64()), (Some(1), Some(3)), "{text}");
    // Fields renamed to `env` and `logseal` are present: enrichment adds no second one.
    assert_eq!(v.get("logseal_original#3"), None, "{text}");
    assert_eq!((v["env"].as_u64(), v.get("env#2")), (Some(2), None), "{text}");
    assert!(tags(&v).contains(&"duplicate_keys".to_string()), "{text}");
}

#[test]
fn records_whose_keys_collide_verify_when_sealed() {
    let long = "k".repeat(300);
    let lines: Vec<Vec<u8>> = [
        r##"{"a":1,"a":2,"a#2":3}"##.to_string(),
        r#"{"logseal":1,"logseal_original":2}"#.to_string(),
        r#"{"logseal_original":2,"logseal":{"seal":1}}"#.to_string(),
        r#"{"a\n":1,"a\\n":2}"#.to_string(),
        format!(r#"{{"{long}a":1,"{long}b":2}}"#),
    ]
    .into_iter()
    .map(String::into_bytes)
    .chain([b"{\"\xff\":1,\"\xfe\":2}".to_vec()])
    .collect();
    let (problems, outs) = seal_and_verify(&lines);
    assert!(problems.is_empty(), "{problems:?}\n{}", outs.join("\n"));
}

/// The generic module under wasmtime with fuel: a deterministic count of the work one record
/// costs, in the interpreter-like setting the module runs in.
mod fuel {
    use super::common::wasm_module;
    use wasmtime::{Config, Engine, Instance, Module, Store, TypedFunc};

    pub struct Metered {
        store: Store<()>,
        instance: Instance,
    }

    impl Metered {
        pub fn new(policy: &str) -> Metered {
            let mut config = Config::new();
            config.consume_fuel(true);
            let engine = Engine::new(&config).expect("engine");
            let module = Module::new(&engine, wasm_module("logseal.wasm")).expect("module compiles");
            let mut store = Store::new(&engine, ());
            store.set_fuel(u64::MAX).expect("fuel");
            let instance = Instance::new(&mut store, &module, &[]).expect("instantiates");
            let mut m = Metered { store, instance };
            let (ptr, len) = m.put(policy.as_bytes());
            let configure: TypedFunc<(u32, u32), i32> = m.instance.get_typed_func(&mut m.store, "logseal_configure").unwrap();
            assert_eq!(configure.call(&mut m.store, (ptr, len)).unwrap(), 0, "the policy loads");
            m
        }

        fn put(&mut self, bytes: &[u8]) -> (u32, u32) {
            let alloc: TypedFunc<u32, u32> = self.instance.get_typed_func(&mut self.store, "logseal_alloc").unwrap();
            let ptr = alloc.call(&mut self.store, bytes.len() as u32).unwrap();
            let memory = self.instance.get_memory(&mut self.store, "memory").unwrap();
            memory.write(&mut self.store, ptr as usize, bytes).unwrap();
            (ptr, bytes.len() as u32)
        }

        /// Fuel one filter call on `record` takes, and its output.
        pub fn filter(&mut self, record: &[u8]) -> (u64, Vec<u8>) {
            let (ptr, len) = self.put(record);
            let filter: TypedFunc<(u32, u32, i64), i64> = self.instance.get_typed_func(&mut self.store, "logseal_abi_filter").unwrap();
            let before = self.store.get_fuel().unwrap();
            let packed = filter.call(&mut self.store, (ptr, len, super::TIME_NS)).expect("filter does not trap") as u64;
            let used = before - self.store.get_fuel().unwrap();
            let (olen, optr) = (((packed >> 32) & 0x3fff_ffff) as usize, (packed & 0xffff_ffff) as usize);
            let memory = self.instance.get_memory(&mut self.store, "memory").unwrap();
            let mut out = vec![0; olen];
            memory.read(&self.store, optr, &mut out).unwrap();
            (used, out)
        }
    }
}

/// Records of `n` members with keys from `key`.
fn wide(n: usize, key: &dyn Fn(usize) -> String) -> Vec<u8> {
    let members: Vec<String> = (0..n).map(|i| format!("\"{}\":1", key(i))).collect();
    format!("{{{}}}", members.join(",")).into_bytes()
}

#[test]
fn unique_keys_cost_linear_fuel_in_the_number_of_keys() {
    let policy = r#"{"version":1,"limits":{"max_record_bytes":16777216,"max_fields":1000000}}"#;
    let mut m = fuel::Metered::new(policy);
    let long = "p".repeat(300);
    type Shape = (&'static str, Box<dyn Fn(usize) -> String>);
    let shapes: Vec<Shape> = vec![
        ("distinct", Box::new(|i| format!("key{i}"))),
        ("one name", Box::new(|_| "a".to_string())),
        ("names that numbering meets", Box::new(|i| if i % 2 == 0 { "a".to_string() } else { format!("a#{}", i / 2 + 2) })),
        ("equal once made visible", Box::new(|i| if i % 2 == 0 { r"a\n".to_string() } else { r"a\\n".to_string() })),
        ("equal once cut", Box::new(move |i| format!("{long}{i}"))),
        ("one fingerprint", Box::new(|i| format!("aaaa{i:08}zz"))),
    ];
    for (shape, key) in &shapes {
        let (small, big) = (wide(2000, key), wide(4000, key));
        let (a, out) = m.filter(&small);
        check_output(&out);
        let (b, out) = m.filter(&big);
        check_output(&out);
        let growth = b as f64 / a as f64;
        eprintln!("{shape}: fuel {a} for 2000 keys, {b} for 4000 ({growth:.2}x)");
        assert!(growth <= 2.2, "{shape}: fuel {a} for 2000 keys, {b} for 4000 ({growth:.2}x)");
    }
}
