#!/usr/bin/env sh
# Builds the npm package contents: the wasm module (cargo) and its JS glue (wasm-bindgen CLI,
# the exact version of the wasm-bindgen crate in Cargo.lock) into pkg/. `npm run build` runs it.
set -eu
cd "$(dirname "$0")"
root=../..
cargo build --locked -p logseal-node --target wasm32-unknown-unknown --profile wasm --manifest-path "$root/Cargo.toml"
want=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' "$root/Cargo.lock")
have=$(wasm-bindgen --version 2>/dev/null | sed 's/^wasm-bindgen //') || have=none
if [ "$have" != "$want" ]; then
  echo "build.sh: wasm-bindgen CLI $want is needed (found: ${have:-none});" >&2
  echo "build.sh: cargo install wasm-bindgen-cli --version $want" >&2
  exit 1
fi
rm -rf pkg
wasm-bindgen --target nodejs --out-dir pkg "$root/target/wasm32-unknown-unknown/wasm/logseal_node.wasm"
ls -l pkg
