#!/usr/bin/env bash
# Builds the wasm modules into target/wasm-out/ (logseal.wasm, ...) and checks that the core
# builds for both wasm targets.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/wasm-out
mkdir -p "$out"
cargo build --locked -p logseal-generic --target wasm32-unknown-unknown --profile wasm
cp target/wasm32-unknown-unknown/wasm/logseal_generic.wasm "$out/logseal.wasm"
# Fluent Bit's wasm filter: a WASI reactor.
cargo build --locked -p logseal-fluent-bit --target wasm32-wasip1 --profile wasm
cp target/wasm32-wasip1/wasm/logseal_fluent_bit.wasm "$out/logseal_fluentbit.wasm"
# Envoy's proxy-wasm (access logger and HTTP filter): also WASI.
cargo build --locked -p logseal-envoy --target wasm32-wasip1 --profile wasm
cp target/wasm32-wasip1/wasm/logseal_envoy.wasm "$out/logseal_envoy.wasm"
# Vector's historical wasm transform (v0.10-v0.16): a WASI module with Vector's env imports.
cargo build --locked -p logseal-vector --target wasm32-wasip1 --profile wasm
cp target/wasm32-wasip1/wasm/logseal_vector.wasm "$out/logseal_vector.wasm"
# The npm package's module (plugins/node/pkg/): the wasm-bindgen build for Node. Needs the
# wasm-bindgen CLI at the crate's exact version (scripts/test.sh installs it).
plugins/node/build.sh
# The core alone, without CLI dependencies, for both targets hosts use.
cargo build --locked -p logseal --lib --no-default-features --target wasm32-wasip1 --profile wasm
cargo build --locked -p logseal --lib --no-default-features --target wasm32-unknown-unknown --profile wasm
ls -l "$out"
