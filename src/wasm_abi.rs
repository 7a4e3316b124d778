//! What every wasm host adapter needs to read what a host hands it: pointers checked against
//! linear memory, so a bad pointer becomes an error record instead of a trap.

/// The bytes at `ptr..ptr+len`, if they lie inside this module's linear memory. None for a
/// null pointer (with a non-zero length) or a range past the end of memory.
///
/// Natively there is no linear memory to check against and u32 pointers cannot address real
/// memory, so every non-empty range is refused.
pub fn host_bytes<'a>(ptr: u32, len: u32) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr == 0 {
        return None;
    }
    let end = (ptr as u64).checked_add(len as u64)?;
    if end > memory_bytes() {
        return None;
    }
    // SAFETY: the range is non-null and inside linear memory, which is always readable in
    // wasm; the host owns it for the duration of the call.
    Some(unsafe { std::slice::from_raw_parts(ptr as usize as *const u8, len as usize) })
}

#[cfg(target_arch = "wasm32")]
fn memory_bytes() -> u64 {
    core::arch::wasm32::memory_size(0) as u64 * 65536
}

#[cfg(not(target_arch = "wasm32"))]
fn memory_bytes() -> u64 {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natively_only_empty_ranges_are_readable() {
        assert_eq!(host_bytes(0, 0), Some(&[][..]));
        assert_eq!(host_bytes(0, 5), None);
        assert_eq!(host_bytes(16, 5), None);
        assert_eq!(host_bytes(u32::MAX, u32::MAX), None);
    }
}
