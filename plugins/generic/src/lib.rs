//! `logseal.wasm`, the host-neutral module: any wasm host can drive logseal through this ABI.
//! It imports nothing. Glue only: all filtering lives in the `logseal` core.
//!
//! ABI version 1 (all integers little-endian wasm i32/i64; pointers are offsets in the
//! module's memory):
//!
//! | export | meaning |
//! |---|---|
//! | `logseal_abi_version() -> i32` | 1 |
//! | `logseal_alloc(len) -> ptr` | memory for the host to write into; 0 when none is left |
//! | `logseal_free(ptr, len)` | gives back what `logseal_alloc(len)` returned |
//! | `logseal_configure(ptr, len) -> status` | loads a policy (JSON text). 0: loaded. 1: refused, the lockdown policy is now in force (see `logseal_last_error`). 2: unreadable arguments, lockdown in force. Without a call the built-in default policy runs. |
//! | `logseal_abi_filter(ptr, len, time_ns: i64) -> i64` | filters one record; returns `status << 62 \| out_len << 32 \| out_ptr`. Status 0: emitted; 1: emitted with an error marked under the reserved key; 2: dropped (nothing to write); 3: internal failure (nothing to write; see `logseal_last_error`). The output stays valid until the next call. |
//! | `logseal_seed(ptr, len) -> status` | starts the hash chain of a sealing policy from `len` = 16 random bytes the host drew (this module has no randomness of its own). Call after `logseal_configure`. 0: started (or the policy does not seal); 1: not 16 bytes; 2: unreadable arguments. Until it is called, a sealing policy's records go out unsealed and marked. |
//! | `logseal_abi_gap(dropped: i64, time_ns: i64) -> i64` | writes a sealed gap record saying the host dropped the `dropped` records sealed just before (a full queue); returns like `logseal_abi_filter`. |
//! | `logseal_last_error() -> i64` | `len << 32 \| ptr` of the last configuration or internal error message (UTF-8), len 0 when none |
//! | `logseal_stats() -> i64` | `len << 32 \| ptr` of a JSON object of counters: records, emitted, dropped, errors |
//!
//! Nothing here can panic: every pointer is checked against the memory size, and a record the
//! host could not hand over still produces an error-marked record rather than a trap.

use logseal::policy::NoEnvironment;
use logseal::wasm_abi::host_bytes;
use logseal::{Context, Filter, Outcome, Plan};
use std::alloc::{alloc, dealloc, Layout};
use std::cell::RefCell;

/// The ABI version this module implements.
pub const ABI_VERSION: i32 = 1;

const STATUS_EMITTED: u64 = 0;
const STATUS_EMITTED_WITH_ERROR: u64 = 1;
const STATUS_DROPPED: u64 = 2;
const STATUS_FAILED: u64 = 3;
/// Output lengths must fit the 30 bits the packed result gives them.
const MAX_OUT: usize = (1 << 30) - 1;

struct State {
    filter: Filter,
    out: Vec<u8>,
    error: Vec<u8>,
    stats: Vec<u8>,
}

thread_local! {
    static STATE: RefCell<Option<State>> = const { RefCell::new(None) };
}

/// Runs `f` on the module state, creating it with the default policy on first use.
/// None only if the state is already borrowed, which the single-threaded ABI never does.
fn with_state<R>(f: impl FnOnce(&mut State) -> R) -> Option<R> {
    STATE.with(|cell| {
        let mut slot = cell.try_borrow_mut().ok()?;
        let state = slot.get_or_insert_with(|| State {
            filter: Filter::new(Plan::default_policy()),
            out: Vec::new(),
            error: Vec::new(),
            stats: Vec::new(),
        });
        Some(f(state))
    })
}

fn pack(status: u64, ptr: *const u8, len: usize) -> i64 {
    ((status << 62) | ((len as u64) << 32) | (ptr as usize as u64 & 0xffff_ffff)) as i64
}

#[no_mangle]
pub extern "C" fn logseal_abi_version() -> i32 {
    ABI_VERSION
}

#[no_mangle]
pub extern "C" fn logseal_alloc(len: u32) -> u32 {
    match Layout::from_size_align(len.max(1) as usize, 8) {
        // SAFETY: the layout has a non-zero size.
        Ok(layout) => unsafe { alloc(layout) as usize as u32 },
        Err(_) => 0,
    }
}

#[no_mangle]
pub extern "C" fn logseal_free(ptr: u32, len: u32) {
    if ptr == 0 {
        return;
    }
    if let Ok(layout) = Layout::from_size_align(len.max(1) as usize, 8) {
        // SAFETY: the ABI requires `ptr`/`len` to come from `logseal_alloc(len)`.
        unsafe { dealloc(ptr as usize as *mut u8, layout) }
    }
}

#[no_mangle]
pub extern "C" fn logseal_configure(ptr: u32, len: u32) -> i32 {
    configure(host_bytes(ptr, len))
}

#[no_mangle]
pub extern "C" fn logseal_abi_filter(ptr: u32, len: u32, time_ns: i64) -> i64 {
    filter(host_bytes(ptr, len), time_ns, |status, out| pack(status, out.as_ptr(), out.len()))
        .unwrap_or(pack(STATUS_FAILED, std::ptr::null(), 0))
}

/// `logseal_configure` on a checked slice (None: the host's pointer was outside memory).
/// Public so the fuzz target can drive the ABI natively.
pub fn configure(policy: Option<&[u8]>) -> i32 {
    let (plan, status, message) = match policy.map(std::str::from_utf8) {
        Some(Ok(text)) => match Plan::load(text, &NoEnvironment, None) {
            Ok(plan) => (plan, 0, String::new()),
            Err(e) => (Plan::lockdown(&e.to_string()), 1, format!("policy refused, lockdown in force: {e}")),
        },
        Some(Err(_)) => {
            let why = "the policy is not UTF-8 text";
            (Plan::lockdown(why), 1, format!("policy refused, lockdown in force: {why}"))
        }
        None => {
            let why = "the policy pointer lies outside module memory";
            (Plan::lockdown(why), 2, format!("policy refused, lockdown in force: {why}"))
        }
    };
    with_state(|s| {
        s.filter = Filter::new(plan);
        s.error.clear();
        s.error.extend_from_slice(message.as_bytes());
        status
    })
    .unwrap_or(2)
}

/// `logseal_abi_filter` on a checked slice: filters the record and hands `(status, output)`
/// to `done`. None only if the module state is unavailable (never, single-threaded).
pub fn filter<R>(record: Option<&[u8]>, time_ns: i64, done: impl FnOnce(u64, &[u8]) -> R) -> Option<R> {
    with_state(|s| {
        let ctx = Context { time_ns, tag: &[], declared_len: None };
        let outcome = match record {
            Some(record) => s.filter.process(record, &ctx, &mut s.out),
            None => s.filter.host_error("the record pointer lies outside module memory", time_ns, &mut s.out),
        };
        let outcome = if s.out.len() > MAX_OUT {
            s.filter.host_error("the filtered record is larger than the ABI can return", time_ns, &mut s.out)
        } else {
            outcome
        };
        let status = match outcome {
            Outcome::Emitted => STATUS_EMITTED,
            Outcome::EmittedWithError => STATUS_EMITTED_WITH_ERROR,
            Outcome::Dropped => STATUS_DROPPED,
        };
        done(status, &s.out)
    })
}

#[no_mangle]
pub extern "C" fn logseal_seed(ptr: u32, len: u32) -> i32 {
    seed(host_bytes(ptr, len))
}

/// `logseal_seed` on a checked slice.
pub fn seed(random: Option<&[u8]>) -> i32 {
    let Some(random) = random else { return 2 };
    let Ok(random) = <&[u8; logseal::stage::seal::CHAIN_RANDOM_BYTES]>::try_from(random) else { return 1 };
    with_state(|s| s.filter.start_chain(random)).map_or(2, |()| 0)
}

#[no_mangle]
pub extern "C" fn logseal_abi_gap(dropped: i64, time_ns: i64) -> i64 {
    with_state(|s| {
        let outcome = s.filter.declare_gap(dropped.max(0) as u64, time_ns, &mut s.out);
        let status = if outcome == Outcome::Emitted { STATUS_EMITTED } else { STATUS_EMITTED_WITH_ERROR };
        pack(status, s.out.as_ptr(), s.out.len())
    })
    .unwrap_or(pack(STATUS_FAILED, std::ptr::null(), 0))
}

#[no_mangle]
pub extern "C" fn logseal_last_error() -> i64 {
    with_state(|s| pack(0, s.error.as_ptr(), s.error.len())).unwrap_or(0)
}

#[no_mangle]
pub extern "C" fn logseal_stats() -> i64 {
    with_state(|s| {
        s.stats.clear();
        s.stats.extend_from_slice(s.filter.stats_json().as_bytes());
        pack(0, s.stats.as_ptr(), s.stats.len())
    })
    .unwrap_or(0)
}
