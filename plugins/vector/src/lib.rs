//! `logseal_vector.wasm`: logseal for Vector's `wasm` transform, which Vector had from v0.10
//! to v0.16 (removed in v0.17; current Vector loads no modules: use `logseal serve` there).
//! Glue only: all filtering lives in the `logseal` core ([`transform`] binds it to the host).
//!
//! The guest contract of those Vector versions (`lib/vector-wasm`, `src/wasm`):
//! - exports `init()`, `process(ptr, len) -> u32`, `shutdown()`, `allocate_buffer(len) -> ptr`,
//!   `drop_buffer(ptr, len)`; imports `env.register`, `env.emit`, `env.raise`,
//!   `env.config_size`, `env.config`;
//! - `init` registers as a transform and reads the module configuration, whose `options`
//!   hold `policy` (the policy inline, as a table or JSON text) or `policy_path` (a file in
//!   the WASI sandbox);
//! - per event the host serialises the log event as JSON, asks `allocate_buffer` for room,
//!   copies it in and calls `process`; what the module emits is the output (nothing: the event
//!   is dropped). Some versions call `drop_buffer` afterwards, others never do: `process`
//!   releases the buffer itself, and a later `drop_buffer` of it is a no-op;
//! - a trap resets the instance (memory and globals, without running `init` again) and drops
//!   the event: nothing here traps, and `process` after a reset loads the policy again.
//!
//! Problems go through `raise` (and stderr), never a trap.

pub mod transform;

use logseal::wasm_abi::host_bytes;
use std::cell::RefCell;
use transform::{Host, Transform};

struct State {
    transform: Option<Transform>,
    /// Buffers handed to the host by `allocate_buffer`, until `process` or `drop_buffer`.
    live: Vec<Vec<u8>>,
    /// One released buffer kept for the next event, so steady traffic allocates nothing.
    spare: Vec<u8>,
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State { transform: None, live: Vec::new(), spare: Vec::new() }) };
}

/// Vector's imports, as the [`Host`] the transform sees.
struct Vector;

#[cfg(target_arch = "wasm32")]
mod imports {
    #[link(wasm_import_module = "env")]
    extern "C" {
        pub fn register(ptr: u32, len: u32);
        pub fn emit(ptr: u32, len: u32) -> u32;
        pub fn raise(ptr: u32, len: u32) -> u32;
        pub fn config_size() -> u32;
        pub fn config(ptr: u32, len: u32);
    }
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        pub fn clock_time_get(id: u32, precision: u64, out: *mut u64) -> i32;
    }
}

#[cfg(target_arch = "wasm32")]
impl Host for Vector {
    fn register(&mut self, registration: &[u8]) {
        // SAFETY: the host reads `len` bytes at `ptr`, which stay valid for the call.
        unsafe { imports::register(registration.as_ptr() as u32, registration.len() as u32) }
    }
    fn emit(&mut self, event: &[u8]) {
        // SAFETY: as for register.
        unsafe { imports::emit(event.as_ptr() as u32, event.len() as u32) };
    }
    fn raise(&mut self, message: &str) {
        eprintln!("[logseal] {message}");
        // SAFETY: as for register.
        unsafe { imports::raise(message.as_ptr() as u32, message.len() as u32) };
    }
    fn config(&mut self) -> Vec<u8> {
        // SAFETY: config_size takes no arguments; config writes exactly `size` bytes into the
        // buffer, which has that many.
        let size = unsafe { imports::config_size() };
        let mut buf = Vec::new();
        if buf.try_reserve_exact(size as usize).is_err() {
            return Vec::new();
        }
        buf.resize(size as usize, 0);
        unsafe { imports::config(buf.as_mut_ptr() as u32, size) };
        buf
    }
    fn time_ns(&mut self) -> Option<i64> {
        const REALTIME: u32 = 0;
        let mut t = 0u64;
        // SAFETY: `t` is a valid, writable u64 for the call. std's SystemTime would trap when
        // the host has no clock; this returns an error code instead.
        (unsafe { imports::clock_time_get(REALTIME, 1, &mut t) } == 0).then_some(t.min(i64::MAX as u64) as i64)
    }
    fn random(&mut self, buf: &mut [u8]) -> bool {
        getrandom::fill(buf).is_ok()
    }
}

/// Natively (tests, `cargo build --workspace`) there is no Vector: a host that has nothing.
#[cfg(not(target_arch = "wasm32"))]
impl Host for Vector {
    fn register(&mut self, _: &[u8]) {}
    fn emit(&mut self, _: &[u8]) {}
    fn raise(&mut self, message: &str) {
        eprintln!("[logseal] {message}");
    }
    fn config(&mut self) -> Vec<u8> {
        b"{}".to_vec()
    }
    fn time_ns(&mut self) -> Option<i64> {
        None
    }
    fn random(&mut self, _: &mut [u8]) -> bool {
        false
    }
}

/// Loads the policy and registers as a transform.
#[no_mangle]
pub extern "C" fn init() {
    #[cfg(target_os = "wasi")]
    constructors();
    STATE.with(|cell| {
        if let Ok(mut s) = cell.try_borrow_mut() {
            s.transform = Some(Transform::start(&mut Vector));
        }
    });
}

/// Filters the event in `ptr..ptr+len` (a buffer from `allocate_buffer`) and releases the
/// buffer. Returns the number of events emitted.
#[no_mangle]
pub extern "C" fn process(ptr: u32, len: u32) -> u32 {
    STATE
        .with(|cell| {
            let mut s = cell.try_borrow_mut().ok()?;
            let s = &mut *s;
            // After a reset Vector does not call init again.
            let transform = s.transform.get_or_insert_with(|| Transform::start(&mut Vector));
            let emitted = transform.process(&mut Vector, host_bytes(ptr, len));
            release(&mut s.live, &mut s.spare, ptr);
            Some(emitted)
        })
        .unwrap_or(0)
}

/// Room for an event of `len` bytes; 0 when memory is exhausted (the event then comes out as
/// an error record).
#[no_mangle]
pub extern "C" fn allocate_buffer(len: u32) -> u32 {
    STATE
        .with(|cell| {
            let mut s = cell.try_borrow_mut().ok()?;
            let mut buf = std::mem::take(&mut s.spare);
            buf.clear();
            // At least one byte, so the pointer is a real allocation, never dangling.
            let need = (len as usize).max(1);
            buf.try_reserve_exact(need).ok()?;
            buf.resize(need, 0);
            let ptr = buf.as_ptr() as usize as u32;
            s.live.push(buf);
            Some(ptr)
        })
        .unwrap_or(0)
}

/// Releases a buffer from `allocate_buffer`; a buffer `process` already released is ignored.
#[no_mangle]
pub extern "C" fn drop_buffer(ptr: u32, _len: u32) {
    STATE.with(|cell| {
        if let Ok(mut s) = cell.try_borrow_mut() {
            let s = &mut *s;
            release(&mut s.live, &mut s.spare, ptr);
        }
    });
}

/// Writes the counters to Vector's log.
#[no_mangle]
pub extern "C" fn shutdown() {
    STATE.with(|cell| {
        if let Ok(s) = cell.try_borrow() {
            if let Some(t) = &s.transform {
                eprintln!("[logseal] shutdown: {}", t.counters_json());
            }
        }
    });
}

/// Takes the buffer at `ptr` out of `live`; the largest released buffer is kept as `spare`.
fn release(live: &mut Vec<Vec<u8>>, spare: &mut Vec<u8>, ptr: u32) {
    if let Some(i) = live.iter().position(|b| b.as_ptr() as usize as u32 == ptr) {
        let buf = live.swap_remove(i);
        if buf.capacity() > spare.capacity() {
            *spare = buf;
        }
    }
}

/// The WASI reactor entry point, for hosts that call it; Vector's Lucet never did, so `init`
/// runs the constructors (wasi-libc's start-up) when it was not called. Either way once.
#[cfg(target_os = "wasi")]
#[no_mangle]
pub extern "C" fn _initialize() {
    constructors();
}

#[cfg(target_os = "wasi")]
fn constructors() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static DONE: AtomicBool = AtomicBool::new(false);
    extern "C" {
        fn __wasm_call_ctors();
    }
    if !DONE.swap(true, Ordering::Relaxed) {
        // SAFETY: runs once, before the module reads its environment.
        unsafe { __wasm_call_ctors() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn released_buffers_are_reused_and_unknown_ones_ignored() {
        let (mut live, mut spare) = (vec![vec![0u8; 10], vec![0u8; 100]], Vec::new());
        let p = live[1].as_ptr() as usize as u32;
        release(&mut live, &mut spare, p);
        assert_eq!((live.len(), spare.capacity() >= 100), (1, true));
        release(&mut live, &mut spare, p);
        release(&mut live, &mut spare, 12345);
        assert_eq!(live.len(), 1);
    }
}
