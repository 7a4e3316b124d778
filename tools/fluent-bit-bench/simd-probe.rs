//! Does this Fluent Bit's WAMR run wasm `simd128`? A filter whose only work is a v128 loop:
//! it counts the record's `"` bytes 16 at a time (`u8x16.eq` + `i8x16.bitmask`) and returns
//! `{"simd_quotes":N}`, so a record that comes out with the right count proves the SIMD code
//! ran. `simd-probe.sh` builds it, loads it as .wasm and as .aot and shows what Fluent Bit says.
//! Build: rustc -O --target wasm32-wasip1 --crate-type cdylib -C target-feature=+simd128 simd-probe.rs
#![no_std]

use core::arch::wasm32::{u8x16_bitmask, u8x16_eq, u8x16_splat, v128, v128_load};

/// The result the host copies right after the call: `{"simd_quotes":` + up to 10 digits + `}` + NUL.
static mut OUT: [u8; 32] = [0; 32];

/// Fluent Bit's filter signature; `record` is the host's NUL-terminated copy of `record_len` bytes.
#[no_mangle]
pub extern "C" fn simd_probe(_tag: u32, _tag_len: u32, _sec: u32, _nsec: u32, record: u32, record_len: u32) -> u32 {
    let mut quotes: u32 = 0;
    if record != 0 {
        let base = record as usize as *const u8;
        let len = record_len as usize;
        let needle = u8x16_splat(b'"');
        let mut i = 0usize;
        while i + 16 <= len {
            // SAFETY: the host guarantees `record_len` readable bytes at `record`; v128.load
            // has no alignment requirement.
            let chunk = unsafe { v128_load(base.add(i) as *const v128) };
            quotes += u8x16_bitmask(u8x16_eq(chunk, needle)).count_ones();
            i += 16;
        }
        while i < len {
            // SAFETY: i < len, inside the host's copy.
            if unsafe { *base.add(i) } == b'"' {
                quotes += 1;
            }
            i += 1;
        }
    }
    write_result(quotes)
}

fn write_result(mut n: u32) -> u32 {
    let mut digits = [0u8; 10];
    let mut d = 0;
    loop {
        digits[d] = b'0' + (n % 10) as u8;
        n /= 10;
        d += 1;
        if n == 0 || d == digits.len() {
            break;
        }
    }
    let head = b"{\"simd_quotes\":";
    // SAFETY: single-threaded module (one instance, one call at a time); 15 + 10 + 2 <= 32.
    let out = unsafe { &mut *core::ptr::addr_of_mut!(OUT) };
    let mut o = 0;
    for &b in head {
        out[o] = b;
        o += 1;
    }
    while d > 0 {
        d -= 1;
        out[o] = digits[d];
        o += 1;
    }
    out[o] = b'}';
    out[o + 1] = 0;
    out.as_ptr() as usize as u32
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}
