'use strict';
// Shared by the suites. They test the package at LOGSEAL_PACKAGE_DIR (scripts/test.sh points
// it at the packed tarball installed into a fresh project: what a user installs), else the
// source tree. `logseal filter` is the binary at LOGSEAL_BIN, else target/debug/logseal.

const path = require('node:path');
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '../../..');
const packageDir = process.env.LOGSEAL_PACKAGE_DIR || path.resolve(__dirname, '..');
const bin = process.env.LOGSEAL_BIN || path.join(root, 'target/debug/logseal');
// A fixed host time and chain seed, as the Rust end-to-end tests use.
const TIME_NS = '1764237600000000000';
const SEED = '000102030405060708090a0b0c0d0e0f';

function load() {
  return require(packageDir);
}

/** `logseal filter` on `input` with the same time (and seed): its stdout. */
function cliFilter(input, { policy, seed } = {}) {
  if (!fs.existsSync(bin)) throw new Error(`no logseal binary at ${bin}: run cargo build first or set LOGSEAL_BIN`);
  const args = ['filter', '--time-ns', TIME_NS];
  if (policy) args.push('--policy', policy);
  if (seed) args.push('--chain-seed', seed);
  return execFileSync(bin, args, { input, maxBuffer: 1 << 28 }).toString('utf8');
}

/** `logseal verify`: { status, output }. */
function cliVerify(file, keyring) {
  try {
    const out = execFileSync(bin, ['verify', '--keys', keyring, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, output: out.toString() };
  } catch (e) {
    return { status: e.status, output: String(e.stdout) + String(e.stderr) };
  }
}

function tmpdir(prefix) {
  return fs.mkdtempSync(path.join(require('node:os').tmpdir(), prefix));
}

module.exports = { root, packageDir, bin, TIME_NS, SEED, load, cliFilter, cliVerify, tmpdir };
