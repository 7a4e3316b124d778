#!/usr/bin/env bash
# Runs every test on a fresh machine, installing what the tests need first.
# This is the README's test command; .ci/run calls it.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n== %s\n' "$*"; }

step "wasm targets"
if ! rustup target add wasm32-wasip1 wasm32-unknown-unknown; then
  echo "test.sh: cannot install the wasm32-wasip1 and wasm32-unknown-unknown targets;" >&2
  echo "test.sh: 'rustup target add' must be able to download them" >&2
  exit 1
fi

step "wasm modules (and the core for both wasm targets)"
scripts/build-wasm.sh

step "tests"
cargo test --locked --workspace
