//! `logseal_fluentbit.wasm`: logseal for Fluent Bit's `wasm` filter (wasm32-wasip1).
//! Glue only: all filtering lives in the `logseal` core.
//!
//! The contract (Fluent Bit 5.1, `plugins/filter_wasm`, `src/wasm/flb_wasm.c`):
//! - one instance for the process, so the filter, its hash chain and counters live as long;
//! - per record, `logseal_filter(tag, tag_len, time_sec, time_nsec, record, record_len)`: the
//!   host copies the tag and the record body (JSON text in `event_format json`) into module
//!   memory, NUL-terminated, with WAMR's app heap (`wasm_heap_size`). When the copy does not
//!   fit, the pointer arrives as 0: that record goes out as an error record, never a trap;
//! - the return value points to a NUL-terminated JSON object in module memory, which the host
//!   copies at once: one buffer, reused per call. `""` drops the record (sampling). A trap or
//!   invalid JSON would drop it silently, so neither happens.
//!
//! Configuration: at the first call the plugin reads `logseal.json` from the first accessible
//! path (WASI pre-opened directory) that holds one; `file:` key references resolve from that
//! directory. No file: the built-in default policy, and one stderr line saying so. A policy
//! that cannot be loaded (invalid, or a key that cannot be read): one stderr line naming the
//! fault, then the lockdown policy, whose every record carries the error. Nothing is read per
//! record.

mod preopens;

use logseal::policy::{Environment, Plan};
use logseal::stage::seal::CHAIN_RANDOM_BYTES;
use logseal::wasm_abi::host_bytes;
use logseal::{Context, Filter, Outcome};
use std::cell::RefCell;

/// The file the plugin looks for in each accessible path.
pub const POLICY_FILE: &str = "logseal.json";

/// What a record arriving in msgpack becomes: logseal cannot return msgpack through this
/// contract (the host reads the result with strlen, and msgpack holds zero bytes), and passing
/// the record through unfiltered would leak. So it is replaced by this marker, a msgpack map
/// without a zero byte: `{"logseal":{"v":1,"error":{"kind":"host","detail":...}}}`.
const MSGPACK_MARKER: &[u8] = b"\x81\xa7logseal\x82\xa1v\x01\xa5error\x82\xa4kind\xa4host\xa6detail\xd9\x48event_format msgpack is not supported: set event_format json for logseal\0";
const MSGPACK_REASON: &str = "event_format msgpack is not supported: set event_format json for logseal";
const NO_COPY_REASON: &str = "Fluent Bit could not copy the record into module memory: raise wasm_heap_size";

struct State {
    filter: Filter,
    /// The returned JSON, NUL-terminated; reused for every record.
    out: Vec<u8>,
    warned_msgpack: bool,
    warned_heap: bool,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// Fluent Bit's WASI environment: files under the accessible paths, no environment variables,
/// warnings to stderr (Fluent Bit's own log).
struct Wasi;

impl Environment for Wasi {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| e.kind().to_string())
    }
    fn var(&self, _name: &str) -> Option<String> {
        None
    }
    fn warn(&self, message: &str) {
        eprintln!("[logseal] warning: {message}");
    }
}

/// Loads the policy as the module comment says and starts the hash chain.
fn start() -> State {
    let dirs = preopens::directories();
    let found = dirs.iter().find_map(|dir| {
        let path = join(dir, POLICY_FILE);
        std::fs::read(&path).ok().map(|bytes| (dir.clone(), path, bytes))
    });
    let plan = match found {
        None => {
            eprintln!(
                "[logseal] no {POLICY_FILE} in the accessible paths ({}): running the built-in default policy",
                if dirs.is_empty() { "none".to_string() } else { dirs.join(", ") }
            );
            Plan::default_policy()
        }
        Some((dir, path, bytes)) => {
            let loaded = std::str::from_utf8(&bytes)
                .map_err(|_| "the policy is not UTF-8 text".to_string())
                .and_then(|text| Plan::load(text, &Wasi, Some(&dir)).map_err(|e| e.to_string()));
            match loaded {
                Ok(plan) => {
                    eprintln!("[logseal] policy {path} loaded");
                    plan
                }
                Err(why) => {
                    eprintln!("[logseal] policy {path} refused: {why}; running the lockdown policy, every record carries this error");
                    Plan::lockdown(&format!("policy {path} refused: {why}"))
                }
            }
        }
    };
    let mut filter = Filter::new(plan);
    filter.set_random(Box::new(|buf: &mut [u8]| getrandom::fill(buf).is_ok()));
    if filter.plan().sealer.is_some() {
        let mut random = [0u8; CHAIN_RANDOM_BYTES];
        match getrandom::fill(&mut random) {
            Ok(()) => filter.start_chain(&random),
            Err(_) => eprintln!("[logseal] no randomness from the host: records go out unsealed and marked"),
        }
    }
    State { filter, out: Vec::new(), warned_msgpack: false, warned_heap: false }
}

fn join(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// The filter function named in Fluent Bit's `function_name logseal_filter`.
#[no_mangle]
pub extern "C" fn logseal_filter(tag: u32, tag_len: u32, time_sec: u32, time_nsec: u32, record: u32, record_len: u32) -> u32 {
    let time_ns = time_sec as i64 * 1_000_000_000 + time_nsec.min(999_999_999) as i64;
    let tag = host_bytes(tag, tag_len).unwrap_or(&[]);
    let record = host_bytes(record, record_len);
    STATE
        .with(|cell| {
            let mut slot = cell.try_borrow_mut().ok()?;
            let state = slot.get_or_insert_with(start);
            Some(filter(state, tag, time_ns, record, record_len))
        })
        .unwrap_or(EMPTY.as_ptr() as usize as u32)
}

/// The empty string: "drop this record".
static EMPTY: [u8; 1] = [0];

fn filter(s: &mut State, tag: &[u8], time_ns: i64, record: Option<&[u8]>, record_len: u32) -> u32 {
    let outcome = match record {
        Some(r) if is_msgpack(r) => {
            if !s.warned_msgpack {
                s.warned_msgpack = true;
                eprintln!("[logseal] {MSGPACK_REASON}: records are replaced by an error marker");
            }
            s.filter.host_error(MSGPACK_REASON, time_ns, &mut s.out);
            return MSGPACK_MARKER.as_ptr() as usize as u32;
        }
        Some(r) => {
            let ctx = Context { time_ns, tag, declared_len: None };
            s.filter.process(r, &ctx, &mut s.out)
        }
        None => {
            if !s.warned_heap {
                s.warned_heap = true;
                eprintln!("[logseal] a record of {record_len} bytes did not fit the module heap: raise wasm_heap_size");
            }
            s.filter.host_error(NO_COPY_REASON, time_ns, &mut s.out)
        }
    };
    if outcome == Outcome::Dropped {
        return EMPTY.as_ptr() as usize as u32;
    }
    s.out.push(0);
    s.out.as_ptr() as usize as u32
}

/// A msgpack map's first byte (fixmap, map16, map32): no JSON text starts so.
fn is_msgpack(record: &[u8]) -> bool {
    matches!(record.first(), Some(0x80..=0x8f | 0xde | 0xdf))
}

/// Counters as a NUL-terminated JSON object, for hosts and tests that want them.
#[no_mangle]
pub extern "C" fn logseal_stats() -> u32 {
    thread_local! {
        static STATS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    let stats = STATE
        .with(|cell| cell.try_borrow().ok().and_then(|s| s.as_ref().map(|s| s.filter.stats_json())))
        .unwrap_or_else(|| logseal::Counters::default().to_json());
    STATS.with(|buf| {
        let Ok(mut buf) = buf.try_borrow_mut() else { return EMPTY.as_ptr() as usize as u32 };
        buf.clear();
        buf.extend_from_slice(stats.as_bytes());
        buf.push(0);
        buf.as_ptr() as usize as u32
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_msgpack_marker_is_a_map_without_zero_bytes() {
        let body = &MSGPACK_MARKER[..MSGPACK_MARKER.len() - 1];
        assert!(!body.contains(&0));
        assert!(is_msgpack(body));
        // The str8 length byte matches the reason.
        let at = body.windows(6).position(|w| w == b"detail").unwrap() + 6;
        assert_eq!(body[at], 0xd9);
        assert_eq!(body[at + 1] as usize, MSGPACK_REASON.len());
        assert_eq!(&body[at + 2..], MSGPACK_REASON.as_bytes());
    }

    #[test]
    fn json_is_not_taken_for_msgpack() {
        assert!(!is_msgpack(b"{\"a\":1}"));
        assert!(!is_msgpack(b" {"));
        assert!(!is_msgpack(b"plain text"));
    }
}

/// The WASI reactor entry point: the host calls it once after instantiation, before any
/// export. It runs the module's static constructors (wasi-libc's start-up), and its presence
/// tells WAMR this is a reactor, so it loads without the "command or reactor" warning.
#[cfg(target_os = "wasi")]
#[no_mangle]
pub extern "C" fn _initialize() {
    extern "C" {
        fn __wasm_call_ctors();
    }
    // SAFETY: called once by the host before any other export, as the reactor ABI requires.
    unsafe { __wasm_call_ctors() }
}
