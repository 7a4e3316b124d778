'use strict';
// verify() with remembered chain heads (`logseal verify --state`) and compare() (`logseal verify
// --compare`): the same findings as the CLI, and one state file both can take turns on.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { root, TIME_NS, SEED, bin, load, tmpdir } = require('./helpers.js');
const { LogSeal, verify, compare } = load();

const keyring = path.join(root, 'host-examples/keys/demo-keyring.json');
const policy = { version: 1, keys: { seal: 'file:' + keyring + '#demo-seal-1' }, seal: { instance: 'node-state', checkpoint_every: 5 } };

// `n` sealed records on the chain the fixed seed starts; `from` varies their content.
function sealed(n, from = 0) {
  const seal = new LogSeal(policy, { timeNs: TIME_NS, chainSeed: SEED, onWarning: () => {} });
  return Array.from({ length: n }, (_, i) => seal.filterLine(JSON.stringify({ level: 'info', i: from + i })));
}
const text = (lines) => lines.join('\n') + '\n';

// `logseal verify` with its arguments: { status, out } (stdout; --json lines when asked).
function cli(args) {
  try {
    return { status: 0, out: execFileSync(bin, ['verify', ...args], { stdio: ['ignore', 'pipe', 'pipe'] }).toString() };
  } catch (e) {
    return { status: e.status, out: String(e.stdout) };
  }
}

test('a state file remembers each chain head: truncation and rewritten history are found, heads never move back', () => {
  const dir = tmpdir('logseal-node-state-');
  const stateFile = path.join(dir, 'state.json');
  const lines = sealed(20);
  const first = verify(text(lines), { file: keyring }, { stateFile });
  assert.equal(first.ok, true, JSON.stringify(first.findings));
  const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  assert.equal(saved.version, 1);
  assert.deepEqual(Object.values(saved.chains).map((h) => h.seq), [20]);
  assert.deepEqual(first.state, saved);
  // The same stream again: clean.
  assert.equal(verify(text(lines), { file: keyring }, { stateFile }).ok, true);
  // The tail cut off: found, and the head stays at 20.
  const cut = verify(text(lines.slice(0, 14)), { file: keyring }, { stateFile });
  assert.equal(cut.ok, false);
  assert.deepEqual(cut.findings.filter((f) => f.problem).map((f) => f.kind), ['truncated']);
  assert.deepEqual(Object.values(JSON.parse(fs.readFileSync(stateFile, 'utf8')).chains).map((h) => h.seq), [20]);
  // Other records on the same chain: the remembered head differs.
  const rewritten = verify(text(sealed(20, 100)), { file: keyring }, { stateFile });
  assert.ok(rewritten.findings.some((f) => f.kind === 'rollback' && f.seq === 20), JSON.stringify(rewritten.findings));
  // Without a state nothing is remembered and no state comes back.
  const plain = verify(text(lines.slice(0, 14)), { file: keyring });
  assert.equal(plain.ok, true);
  assert.equal(plain.state, undefined);
});

test('a state object carries heads across rotated files; a gap between them is a deletion', () => {
  const lines = sealed(30);
  const a = verify(text(lines.slice(0, 12)), { file: keyring }, { state: '' });
  assert.equal(a.ok, true, JSON.stringify(a.findings));
  const b = verify(text(lines.slice(12)), { file: keyring }, { state: a.state });
  assert.equal(b.ok, true, JSON.stringify(b.findings));
  assert.deepEqual(Object.values(b.state.chains).map((h) => h.seq), [30]);
  const gap = verify(text(lines.slice(13)), { file: keyring }, { state: JSON.stringify(a.state) });
  assert.ok(gap.findings.some((f) => f.kind === 'deleted' && f.problem), JSON.stringify(gap.findings));
});

test('the CLI and the package take turns on one state file', () => {
  const dir = tmpdir('logseal-node-state-');
  const stateFile = path.join(dir, 'state.json');
  const lines = sealed(20);
  const file = path.join(dir, 'sealed.ndjson');
  // The package writes the state; the CLI reads it and finds the truncation.
  verify(text(lines), { file: keyring }, { stateFile });
  fs.writeFileSync(file, text(lines.slice(0, 10)));
  const r = cli(['--keys', keyring, '--state', stateFile, '--json', file]);
  assert.equal(r.status, 1, r.out);
  assert.ok(r.out.includes('"finding":"truncated"'), r.out);
  // The CLI writes the state; the package reads it and finds the same.
  const stateCli = path.join(dir, 'cli-state.json');
  fs.writeFileSync(file, text(lines));
  assert.equal(cli(['--keys', keyring, '--state', stateCli, file]).status, 0);
  const again = verify(text(lines.slice(0, 10)), { file: keyring }, { stateFile: stateCli });
  assert.deepEqual(again.findings.filter((f) => f.problem).map((f) => f.kind), ['truncated']);
});

test('a state that is not a verify state is refused', () => {
  const t = text(sealed(3));
  for (const state of ['{', '[]', '{"version":1,"chains":{"c":{"seq":"x","mac":"m"}}}', { version: 1, chains: { c: { seq: 1 } } }]) {
    assert.throws(() => verify(t, { file: keyring }, { state }), (e) => e.code === 'LOGSEAL_STATE', JSON.stringify(state));
  }
  assert.throws(() => verify(t, { file: keyring }, { state: 7 }), TypeError);
});

test('compare() finds what logseal verify --compare finds, line for line', () => {
  const local = sealed(12);
  const other = sealed(12, 50);
  // The remote copy: record 3 changed (same chain and seq, other content), record 7 lost, and
  // one record that only the remote holds (seq 13 of the same chain).
  const more = sealed(13);
  const remote = [...local.slice(0, 2), other[2], ...local.slice(3, 6), ...local.slice(7), more[12], 'not a sealed record'];
  const r = compare(text(local), text(remote));
  assert.equal(r.ok, false);
  assert.equal(r.local_records, 12);
  const got = r.findings.map((f) => [f.kind, f.input, f.line, f.seq]);
  assert.deepEqual(got, [
    ['different', 'remote', 3, 3],
    ['only_in_remote', 'remote', 12, 13],
    ['missing_from_remote', 'local', 7, 7],
  ]);
  const dir = tmpdir('logseal-node-compare-');
  fs.writeFileSync(path.join(dir, 'local'), text(local));
  fs.writeFileSync(path.join(dir, 'remote'), text(remote));
  const c = cli(['--compare', path.join(dir, 'local'), path.join(dir, 'remote'), '--json']);
  assert.equal(c.status, 1);
  const fromCli = c.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((f) => f.finding)
    .map((f) => [f.finding, f.file.endsWith('remote') ? 'remote' : 'local', f.line, f.seq]);
  assert.deepEqual(got, fromCli);
  assert.deepEqual(compare(text(local), text(local)), { ok: true, differences: 0, local_records: 12, findings: [] });
  assert.throws(() => compare(text(local)), TypeError);
});
