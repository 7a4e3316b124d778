//! The AOT and interpreter floor for Fluent Bit's wasm filter: returns its input unchanged, so
//! what it costs is the host's own work (msgpack -> JSON -> module memory -> JSON -> msgpack).
//! Build: rustc -O --target wasm32-wasip1 --crate-type cdylib identity.rs (Fluent Bit 5.1.1
//! could not create an execution environment for the wasm32-unknown-unknown build here).

/// The host's NUL-terminated copy of the record stays valid until it copies the result.
#[no_mangle]
pub extern "C" fn identity(_tag: u32, _tag_len: u32, _sec: u32, _nsec: u32, record: u32, _len: u32) -> u32 {
    record
}
