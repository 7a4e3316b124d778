#![allow(dead_code)] // Shared by several test binaries and the `linear` fuzz target.
//! Deterministic cost of one record: the wasmtime fuel `logseal.wasm` (the generic module) burns
//! filtering it. Fuel counts wasm operators executed, so it is the same on every machine and
//! every run, unlike time. One copy, included by path in `tests/linear_time.rs`,
//! `tests/fuzz_corpus.rs` and `fuzz/fuzz_targets/linear.rs`.
//!
//! The property: for input built by repeating a seed, the cost at twice the size is at most
//! [`MAX_RATIO`] times the cost at the size, and no record costs more than [`MAX_FUEL_PER_BYTE`]
//! per input byte. Quadratic work (a detector rescanning from every start) shows as a ratio
//! near 4; a linear pass with a huge constant shows in the per-byte bound.

use wasmtime::{Config, Engine, Instance, Memory, Module, Store, TypedFunc};

/// The most the cost may grow when the input doubles.
pub const MAX_RATIO: f64 = 2.2;

/// The most fuel one input byte may cost, on any input. Measured (`tests/linear_time.rs`,
/// 64-128 KiB records): log prose with URLs, `key=value` pairs and numbers about 170 per byte
/// under the default policy, as is the median hostile shape; the sealing policy adds about
/// 1,000 per byte of string (the canonical form and HMAC-SHA256 in wasm); the costliest shape,
/// short digit groups that may open a card (`4 4 4 ...`, every group opens a window of up to
/// 19 digits), about 3,200 (4,000 sealed). The bound leaves headroom over those and catches a
/// constant an order of magnitude over prose.
pub const MAX_FUEL_PER_BYTE: u64 = 6000;

/// Fuel for the fixed part of a record's cost (the reserved key, the ingest time, a seal).
pub const FIXED_FUEL: u64 = 400_000;

const TIME_NS: i64 = 1_767_225_600_000_000_000;

/// Where the repeated text goes in the record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// `{"msg":"<text>"}`, the text JSON-escaped (quotes, backslashes and controls).
    Msg,
    /// `{"msg":"<text>"}`, the text already a JSON string body (escapes such as `\u0041`).
    MsgRaw,
    /// The text as a plain-text line.
    Text,
    /// `{"<text>":1}`: a key name.
    Key,
    /// `{<text>}` where the text is a run of members (many keys); each `%` in it becomes the
    /// number of the copy, so keys can differ.
    Members,
    /// `{"a":"x","msg":"<text>","timestamp":"<text>"}`: fields the normaliser reads.
    Fields,
}

pub const PLACES: [Place; 6] = [Place::Msg, Place::MsgRaw, Place::Text, Place::Key, Place::Members, Place::Fields];

fn escape_into(text: &[u8], out: &mut Vec<u8>) {
    for &b in text {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0..=0x1f => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
}

/// `seed` repeated `copies` times, placed in a record.
pub fn record(place: Place, seed: &[u8], copies: usize) -> Vec<u8> {
    let text: Vec<u8> = if place == Place::Members && seed.contains(&b'%') {
        let mut t = Vec::new();
        for k in 0..copies {
            for &b in seed {
                if b == b'%' {
                    t.extend_from_slice(format!("{k:06}").as_bytes());
                } else {
                    t.push(b);
                }
            }
        }
        t
    } else {
        seed.iter().copied().cycle().take(seed.len() * copies).collect()
    };
    let mut out = Vec::with_capacity(text.len() * 2 + 64);
    match place {
        Place::Msg => {
            out.extend_from_slice(b"{\"msg\":\"");
            escape_into(&text, &mut out);
            out.extend_from_slice(b"\"}");
        }
        Place::MsgRaw => {
            out.extend_from_slice(b"{\"msg\":\"");
            out.extend_from_slice(&text);
            out.extend_from_slice(b"\"}");
        }
        Place::Text => out.extend_from_slice(&text),
        Place::Key => {
            out.extend_from_slice(b"{\"");
            escape_into(&text, &mut out);
            out.extend_from_slice(b"\":1}");
        }
        Place::Members => {
            out.push(b'{');
            out.extend_from_slice(&text);
            out.extend_from_slice(b"\"end\":0}");
        }
        Place::Fields => {
            out.extend_from_slice(b"{\"a\":\"x\",\"msg\":\"");
            escape_into(&text, &mut out);
            out.extend_from_slice(b"\",\"timestamp\":\"");
            escape_into(&text, &mut out);
            out.extend_from_slice(b"\"}");
        }
    }
    out
}

/// The compiled module, with fuel metering on.
pub struct Meter {
    engine: Engine,
    module: Module,
}

impl Meter {
    /// Compiles `wasm` (the bytes of `logseal.wasm`).
    pub fn new(wasm: &[u8]) -> Meter {
        let mut config = Config::new();
        config.consume_fuel(true);
        let engine = Engine::new(&config).expect("engine");
        let module = Module::new(&engine, wasm).expect("logseal.wasm compiles");
        Meter { engine, module }
    }

    /// A fresh instance running `policy` (None: the built-in default policy).
    pub fn instance(&self, policy: Option<&str>) -> Runner {
        let mut store = Store::new(&self.engine, ());
        store.set_fuel(u64::MAX).expect("fuel");
        let instance = Instance::new(&mut store, &self.module, &[]).expect("instantiates");
        let mut r = Runner {
            memory: instance.get_memory(&mut store, "memory").expect("memory"),
            alloc: instance.get_typed_func(&mut store, "logseal_alloc").expect("alloc"),
            free: instance.get_typed_func(&mut store, "logseal_free").expect("free"),
            filter: instance.get_typed_func(&mut store, "logseal_abi_filter").expect("filter"),
            instance,
            store,
        };
        if let Some(policy) = policy {
            let configure: TypedFunc<(u32, u32), i32> = r.instance.get_typed_func(&mut r.store, "logseal_configure").expect("configure");
            let (ptr, len) = r.put(policy.as_bytes());
            assert_eq!(configure.call(&mut r.store, (ptr, len)).expect("configure runs"), 0, "policy loads");
            let seed: TypedFunc<(u32, u32), i32> = r.instance.get_typed_func(&mut r.store, "logseal_seed").expect("seed");
            let (ptr, len) = r.put(&[7u8; 16]);
            assert_eq!(seed.call(&mut r.store, (ptr, len)).expect("seed runs"), 0);
        }
        // Warm-up: the first record builds the policy's state and grows memory.
        r.cost(b"{\"msg\":\"warm up 4111 1111 1111 1111 password=x\"}", u64::MAX).expect("warm-up runs");
        r
    }
}

/// One instance of the module.
pub struct Runner {
    store: Store<()>,
    instance: Instance,
    memory: Memory,
    alloc: TypedFunc<u32, u32>,
    free: TypedFunc<(u32, u32), ()>,
    filter: TypedFunc<(u32, u32, i64), i64>,
}

impl Runner {
    fn put(&mut self, bytes: &[u8]) -> (u32, u32) {
        let len = bytes.len() as u32;
        let ptr = self.alloc.call(&mut self.store, len).expect("alloc runs");
        assert_ne!(ptr, 0, "alloc of {len} bytes");
        self.memory.write(&mut self.store, ptr as usize, bytes).expect("in memory");
        (ptr, len)
    }

    /// The fuel filtering `record` costs, or None when it needs more than `limit` (the
    /// instance is then spent: make a new one).
    pub fn cost(&mut self, record: &[u8], limit: u64) -> Option<u64> {
        let (ptr, len) = self.put(record);
        self.store.set_fuel(limit).expect("fuel");
        let done = self.filter.call(&mut self.store, (ptr, len, TIME_NS));
        let left = self.store.get_fuel().expect("fuel");
        self.store.set_fuel(u64::MAX).expect("fuel");
        if let Err(e) = &done {
            if std::env::var_os("LOGSEAL_LINEAR_DEBUG").is_some() {
                eprintln!("filter failed: {e:#}");
            }
        }
        done.ok()?;
        self.free.call(&mut self.store, (ptr, len)).expect("free runs");
        Some(limit - left)
    }
}

/// The fuel a record of `len` bytes may cost at most.
pub fn budget(len: usize) -> u64 {
    FIXED_FUEL + MAX_FUEL_PER_BYTE * len as u64
}

/// Where a measurement stops: far over [`budget`], so that a quadratic cost is still told
/// apart (its ratio shows) without running for minutes.
pub fn limit(len: usize) -> u64 {
    5 * budget(len)
}

/// What doubling the input did to the cost.
#[derive(Clone, Copy, Debug)]
pub struct Growth {
    pub len: usize,
    /// Fuel at `len` and at about twice `len` (None: over [`budget`]).
    pub small: Option<u64>,
    pub large: Option<u64>,
    pub large_len: usize,
}

impl Growth {
    pub fn ratio(&self) -> Option<f64> {
        Some(self.large? as f64 / self.small? as f64)
    }

    pub fn per_byte(&self) -> Option<f64> {
        Some(self.large? as f64 / self.large_len as f64)
    }

    /// True when the cost is linear and bounded per byte.
    pub fn ok(&self) -> bool {
        self.ratio().is_some_and(|r| r <= MAX_RATIO) && self.large.is_some_and(|f| f <= budget(self.large_len))
    }
}

/// Measures `seed` repeated to about `size` bytes and twice that, at `place`, on `runner`'s
/// policy. `fresh` makes a new instance after one ran out of fuel.
pub fn growth(runner: &mut Runner, fresh: &dyn Fn() -> Runner, place: Place, seed: &[u8], size: usize) -> Growth {
    let copies = size.div_ceil(seed.len().max(1)).max(1);
    let mut measure = |copies: usize| {
        let rec = record(place, seed, copies);
        let got = runner.cost(&rec, limit(rec.len()));
        if got.is_none() {
            *runner = fresh();
        }
        (got, rec.len())
    };
    let (small, len) = measure(copies);
    let (large, large_len) = measure(2 * copies);
    Growth { len, small, large, large_len }
}

/// The sealing policy the `linear` fuzz target and its corpus replay use (an inline key: the
/// module reads no files).
pub const SEALING: &str = r#"{"version":1,"limits":{"max_string_bytes":1073741824},"keys":{"seal":"base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},"seal":{"checkpoint_every":1000},"normalise":{"timestamps":true}}"#;

/// The size a fuzz seed is repeated to (and twice that).
pub const SEED_SIZE: usize = 16 << 10;

/// The default policy with strings never cut: cutting is a fixed extra step at
/// `max_string_bytes` (32 KiB by default) that would pass for growth between two sizes on
/// either side of it; uncut, every byte of every string goes through every stage.
pub const DEFAULT_UNCUT: &str = r#"{"version":1,"limits":{"max_string_bytes":1073741824}}"#;

/// A fuzz input for the `linear` target: its first byte chooses the place (low nibble) and the
/// policy (bit 4: sealing), the rest is the seed. None when there is no seed or it is over
/// 256 bytes.
pub fn decode(data: &[u8]) -> Option<(Place, bool, &[u8])> {
    const SEED_PLACES: [Place; 5] = [Place::Msg, Place::MsgRaw, Place::Text, Place::Key, Place::Fields];
    let [how, seed @ ..] = data else { return None };
    if seed.is_empty() || seed.len() > 256 {
        return None;
    }
    Some((SEED_PLACES[(how & 0x0f) as usize % SEED_PLACES.len()], how & 0x10 != 0, seed))
}

/// Runs one fuzz input on `runners` ([`DEFAULT_UNCUT`], [`SEALING`]); the growth, or None
/// when the input is out of shape.
pub fn check_seed(meter: &Meter, runners: &mut [Runner; 2], data: &[u8]) -> Option<(Place, bool, Growth)> {
    let (place, sealed, seed) = decode(data)?;
    let policy = if sealed { SEALING } else { DEFAULT_UNCUT };
    let g = growth(&mut runners[sealed as usize], &|| meter.instance(Some(policy)), place, seed, SEED_SIZE);
    Some((place, sealed, g))
}
