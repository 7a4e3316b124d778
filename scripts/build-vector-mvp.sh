#!/usr/bin/env bash
# Builds logseal_vector.wasm for the WebAssembly 1.0 (MVP) feature set, as Vector v0.10-v0.16's
# Lucet runtime needs (no bulk memory, reference types, multi-value or sign extension), and
# checks it: validated as WebAssembly 1.0, then the Vector stand-in suite on that module.
# Not part of scripts/test.sh: it needs nightly Rust with rust-src (-Z build-std rebuilds std
# for the MVP CPU) and a wasi-libc built without post-MVP features (Debian's wasi-libc: the one
# inside Rust's wasm32-wasip1 target uses bulk memory).
#   rustup toolchain install nightly --component rust-src && apt-get install wasi-libc
set -euo pipefail
cd "$(dirname "$0")/.."
libc=${WASI_LIBC_DIR:-/usr/lib/wasm32-wasi}
[ -f "$libc/libc.a" ] || { echo "build-vector-mvp.sh: no $libc/libc.a: apt-get install wasi-libc (or set WASI_LIBC_DIR)" >&2; exit 1; }
out=target/wasm-mvp
mkdir -p "$out"
RUSTFLAGS="-C target-cpu=mvp -L $libc" CARGO_TARGET_DIR=target/mvp \
  cargo +nightly build -Z build-std=std,panic_abort -Z build-std-features=compiler-builtins-mem \
  -p logseal-vector --target wasm32-wasip1 --profile wasm
cp target/mvp/wasm32-wasip1/wasm/logseal_vector.wasm "$out/logseal_vector.wasm"
ls -l "$out"
LOGSEAL_WASM_DIR=$out cargo test --locked --test vector_host -- --include-ignored
