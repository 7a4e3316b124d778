//! The proxy-wasm host calls the plugin makes, as results that never panic.
//!
//! The SDK's own wrappers panic on a status they did not expect (and Envoy answers
//! `BadArgument` where a map is not available, for example), and its `String` variants panic
//! on invalid UTF-8 in a header. A panic kills the VM and logging stops for the life of the
//! process, so the plugin declares the imports itself and turns every status into a value.
//! Only `dispatch_http_call` goes through the SDK, which must register the call to route its
//! answer; it handles every status Envoy returns for it (`Ok`, `BadArgument`,
//! `InternalFailure`).

use proxy_wasm::types::{BufferType, LogLevel, MapType, Status};
use std::ptr::null_mut;

#[link(wasm_import_module = "env")]
extern "C" {
    fn proxy_log(level: u32, data: *const u8, size: usize) -> u32;
    fn proxy_get_property(path: *const u8, path_size: usize, data: *mut *mut u8, size: *mut usize) -> u32;
    fn proxy_set_property(path: *const u8, path_size: usize, data: *const u8, size: usize) -> u32;
    fn proxy_get_header_map_value(map: u32, key: *const u8, key_size: usize, data: *mut *mut u8, size: *mut usize) -> u32;
    fn proxy_add_header_map_value(map: u32, key: *const u8, key_size: usize, value: *const u8, value_size: usize) -> u32;
    fn proxy_remove_header_map_value(map: u32, key: *const u8, key_size: usize) -> u32;
    fn proxy_get_buffer_bytes(buffer: u32, start: usize, max: usize, data: *mut *mut u8, size: *mut usize) -> u32;
    fn proxy_set_tick_period_milliseconds(period: u32) -> u32;
    fn proxy_get_current_time_nanoseconds(time: *mut u64) -> u32;
    fn proxy_get_shared_data(key: *const u8, key_size: usize, data: *mut *mut u8, size: *mut usize, cas: *mut u32) -> u32;
    fn proxy_set_shared_data(key: *const u8, key_size: usize, data: *const u8, size: usize, cas: u32) -> u32;
    fn proxy_define_metric(metric_type: u32, name: *const u8, name_size: usize, id: *mut u32) -> u32;
    fn proxy_increment_metric(id: u32, offset: i64) -> u32;
}

const OK: u32 = Status::Ok as u32;

/// Takes ownership of memory the host allocated through the SDK's `proxy_on_memory_allocate`.
fn owned(data: *mut u8, size: usize) -> Vec<u8> {
    if data.is_null() || size == 0 {
        return Vec::new();
    }
    // SAFETY: the host filled `size` bytes it allocated with proxy_on_memory_allocate, which
    // hands out a Vec's buffer of exactly that capacity; ownership passes to us.
    unsafe { Vec::from_raw_parts(data, size, size) }
}

/// Writes one line to Envoy's own log. A refusal has nowhere to be reported, so it is ignored.
pub fn log(level: LogLevel, message: &str) {
    // SAFETY: the pointer and length describe `message`, valid for the call.
    unsafe { proxy_log(level as u32, message.as_ptr(), message.len()) };
}

/// A property (`["response", "code"]`), None when Envoy has no value or refuses.
pub fn property(path: &[&str]) -> Option<Vec<u8>> {
    let mut key = Vec::with_capacity(64);
    for (i, part) in path.iter().enumerate() {
        if i > 0 {
            key.push(0);
        }
        key.extend_from_slice(part.as_bytes());
    }
    let (mut data, mut size) = (null_mut(), 0);
    // SAFETY: valid pointers for the call; the result is taken over by `owned`.
    let status = unsafe { proxy_get_property(key.as_ptr(), key.len(), &mut data, &mut size) };
    let value = owned(data, size);
    (status == OK && !data.is_null()).then_some(value)
}

/// Sets a property (Envoy stores it as filter state `wasm.<name>`). Returns whether Envoy took it.
pub fn set_property(name: &str, value: &[u8]) -> bool {
    // SAFETY: valid pointers for the call.
    unsafe { proxy_set_property(name.as_ptr(), name.len(), value.as_ptr(), value.len()) == OK }
}

/// A header's value as bytes (headers may hold any byte), None when absent or unavailable.
pub fn header(map: MapType, name: &str) -> Option<Vec<u8>> {
    let (mut data, mut size) = (null_mut(), 0);
    // SAFETY: valid pointers for the call; the result is taken over by `owned`.
    let status = unsafe { proxy_get_header_map_value(map as u32, name.as_ptr(), name.len(), &mut data, &mut size) };
    let value = owned(data, size);
    (status == OK).then_some(value)
}

/// Adds a header. Returns whether Envoy took it.
pub fn add_header(map: MapType, name: &str, value: &[u8]) -> bool {
    // SAFETY: valid pointers for the call.
    unsafe { proxy_add_header_map_value(map as u32, name.as_ptr(), name.len(), value.as_ptr(), value.len()) == OK }
}

/// Removes every value of a header. Returns whether Envoy took the call.
pub fn remove_header(map: MapType, name: &str) -> bool {
    // SAFETY: valid pointers for the call.
    unsafe { proxy_remove_header_map_value(map as u32, name.as_ptr(), name.len()) == OK }
}

/// A whole buffer (the plugin configuration), empty when there is none.
pub fn buffer(kind: BufferType, size: usize) -> Vec<u8> {
    let (mut data, mut got) = (null_mut(), 0);
    // SAFETY: valid pointers for the call; the result is taken over by `owned`.
    let status = unsafe { proxy_get_buffer_bytes(kind as u32, 0, size, &mut data, &mut got) };
    let value = owned(data, got);
    if status == OK {
        value
    } else {
        Vec::new()
    }
}

/// Asks for `on_tick` every `ms` milliseconds.
pub fn set_tick_period(ms: u32) -> bool {
    // SAFETY: no pointers.
    unsafe { proxy_set_tick_period_milliseconds(ms) == OK }
}

/// The host's clock, in nanoseconds since the epoch (0 if it refuses).
pub fn now_ns() -> i64 {
    let mut t = 0u64;
    // SAFETY: a valid pointer for the call.
    let status = unsafe { proxy_get_current_time_nanoseconds(&mut t) };
    if status == OK {
        t.min(i64::MAX as u64) as i64
    } else {
        0
    }
}

/// Draws the next number from a counter shared by every VM of this plugin in the process
/// (Envoy's shared data, compare-and-swap), starting at 1. None when the host refuses.
pub fn next_shared_number(key: &str) -> Option<u64> {
    for _ in 0..64 {
        let (mut data, mut size, mut cas) = (null_mut(), 0, 0u32);
        // SAFETY: valid pointers for the call; the result is taken over by `owned`.
        let status = unsafe { proxy_get_shared_data(key.as_ptr(), key.len(), &mut data, &mut size, &mut cas) };
        let value = owned(data, size);
        let current = match status {
            OK => crate::access::int_property(&value)?,
            s if s == Status::NotFound as u32 => {
                cas = 0;
                0
            }
            _ => return None,
        };
        let next = current.checked_add(1)?;
        let bytes = next.to_le_bytes();
        // SAFETY: valid pointers for the call.
        let set = unsafe { proxy_set_shared_data(key.as_ptr(), key.len(), bytes.as_ptr(), bytes.len(), cas) };
        if set == OK {
            return Some(next);
        }
        if set != Status::CasMismatch as u32 {
            return None;
        }
    }
    None
}

/// Defines a counter (Envoy shows it as `wasmcustom.<name>` in its stats, one value for the
/// whole process: every VM defining the same name adds to it). None when Envoy refuses.
pub fn define_counter(name: &str) -> Option<u32> {
    let mut id = 0u32;
    // SAFETY: the pointer and length describe `name`; `id` is valid for the call.
    let status = unsafe { proxy_define_metric(proxy_wasm::types::MetricType::Counter as u32, name.as_ptr(), name.len(), &mut id) };
    (status == OK).then_some(id)
}

/// Adds `by` to a counter; a refusal is ignored (a lost count must never stop logging).
pub fn increment_counter(id: u32, by: u64) {
    // SAFETY: plain values.
    unsafe { proxy_increment_metric(id, by.min(i64::MAX as u64) as i64) };
}
