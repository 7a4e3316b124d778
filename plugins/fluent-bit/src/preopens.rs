//! The WASI pre-opened directories: Fluent Bit's `accessible_paths`, under the names the host
//! gave them. Rust's std has no list of them, so this asks WASI directly (`fd_prestat_get`,
//! `fd_prestat_dir_name`), as wasi-libc does at start-up.

/// The pre-opened directory names, in descriptor order.
#[cfg(target_os = "wasi")]
pub fn directories() -> Vec<String> {
    #[repr(C)]
    struct Prestat {
        tag: u8,
        name_len: u32,
    }
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        fn fd_prestat_get(fd: u32, out: *mut Prestat) -> u32;
        fn fd_prestat_dir_name(fd: u32, path: *mut u8, len: u32) -> u32;
    }
    const PREOPEN_DIR: u8 = 0;
    let mut dirs = Vec::new();
    // Pre-opens follow stdin, stdout and stderr, densely; the first bad descriptor ends them.
    for fd in 3..1024u32 {
        let mut stat = Prestat { tag: 0, name_len: 0 };
        // SAFETY: `stat` is a valid, writable prestat record for the duration of the call.
        if unsafe { fd_prestat_get(fd, &mut stat) } != 0 {
            break;
        }
        if stat.tag != PREOPEN_DIR || stat.name_len > 4096 {
            continue;
        }
        let mut name = vec![0u8; stat.name_len as usize];
        // SAFETY: `name` has exactly `name_len` writable bytes.
        if unsafe { fd_prestat_dir_name(fd, name.as_mut_ptr(), stat.name_len) } != 0 {
            continue;
        }
        // Some hosts count a trailing NUL in the length.
        while name.last() == Some(&0) {
            name.pop();
        }
        if let Ok(name) = String::from_utf8(name) {
            dirs.push(name);
        }
    }
    dirs
}

/// Natively (unit tests) there are no pre-opens.
#[cfg(not(target_os = "wasi"))]
pub fn directories() -> Vec<String> {
    Vec::new()
}
