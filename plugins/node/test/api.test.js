'use strict';
// The API: policies, errors naming their JSON path, keys from options and the environment,
// counters, and hostile input that never throws and never comes back unfiltered.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, TIME_NS, load, cliVerify, tmpdir } = require('./helpers.js');
const { LogSeal, PolicyError, createFilter } = load();

const keyring = path.join(root, 'host-examples/keys/demo-keyring.json');
const sealSecret = JSON.parse(fs.readFileSync(keyring, 'utf8')).keys.find((k) => k.purpose === 'seal').secret;

test('the default policy redacts, escapes and marks', () => {
  const seal = new LogSeal(undefined, { timeNs: TIME_NS });
  const out = seal.filter({ level: 'info', msg: 'login', password: 'hunter2-secret', card: '4111 1111 1111 1111' });
  const text = JSON.stringify(out);
  assert.ok(!text.includes('hunter2-secret'), text);
  assert.ok(!text.includes('4111 1111 1111 1111'), text);
  assert.equal(out.logseal.ingest, '2025-11-27T10:00:00.000000000Z');
  const line = seal.filterLine('not json\u001b[31m red');
  assert.equal(JSON.parse(line).message.includes('\u001b'), false, line);
});

test('an invalid policy throws a PolicyError naming the JSON path', () => {
  assert.throws(
    () => new LogSeal({ version: 1, limits: { max_depth: 'deep' } }),
    (e) => e instanceof PolicyError && e instanceof Error && e.name === 'PolicyError' && e.path === '$.limits.max_depth' && e.message.includes('$.limits.max_depth'),
  );
  assert.throws(() => new LogSeal('{"version": 1,'), (e) => e instanceof PolicyError && e.path === '$' && /not valid JSON/.test(e.problem));
  assert.throws(() => new LogSeal({ version: 1, bogus: true }), (e) => e instanceof PolicyError && e.path === '$.bogus');
  assert.throws(() => new LogSeal(42), TypeError);
  assert.throws(() => new LogSeal(undefined, { chainSeed: 'xyz' }), (e) => e instanceof PolicyError && e.path === 'chainSeed');
});

test('a key that cannot be resolved is refused without its value in the message', () => {
  assert.throws(
    () => new LogSeal({ version: 1, keys: { seal: 'env:LOGSEAL_TEST_NO_SUCH_KEY' }, seal: { instance: 'x' } }, { env: {} }),
    (e) => e instanceof PolicyError && e.path.startsWith('$.keys'),
  );
  assert.throws(
    () => new LogSeal({ version: 1, keys: { seal: 'file:no/such/ring.json#k' }, seal: { instance: 'x' } }),
    (e) => e instanceof PolicyError && e.path.startsWith('$.keys') && /ENOENT|no such/i.test(e.message),
  );
});

test('keys come from options.keys, then the environment, and sealed output verifies', () => {
  const policy = { version: 1, keys: { seal: 'env:LOGSEAL_NODE_SEAL' }, seal: { instance: 'node-api', checkpoint_every: 3 } };
  const fromKeys = new LogSeal(policy, { keys: { LOGSEAL_NODE_SEAL: sealSecret }, env: {} });
  const fromEnv = new LogSeal(policy, { env: { LOGSEAL_NODE_SEAL: sealSecret } });
  assert.equal(fromKeys.sealing, true);
  assert.equal(fromEnv.sealing, true);
  // A keyring holding this key under the id the env reference gives it (the variable's name).
  const dir = tmpdir('logseal-node-');
  const ring = path.join(dir, 'ring.json');
  fs.writeFileSync(ring, JSON.stringify({ version: 1, keys: [{ id: 'LOGSEAL_NODE_SEAL', purpose: 'seal', secret: sealSecret, active: true }] }));
  for (const seal of [fromKeys, fromEnv]) {
    let out = '';
    for (let i = 0; i < 10; i++) out += seal.filterLine(JSON.stringify({ level: 'info', i, password: 'pw-' + i })) + '\n';
    const file = path.join(dir, 'sealed.ndjson');
    fs.writeFileSync(file, out);
    const ok = cliVerify(file, ring);
    assert.equal(ok.status, 0, ok.output);
    // One changed byte in a sealed record: verify fails.
    fs.writeFileSync(file, out.replace('"i":4', '"i":5'));
    assert.equal(cliVerify(file, ring).status, 1);
  }
  // Fresh chains from Web Crypto: two filters with one policy start different chains.
  const a = JSON.parse(fromKeys.filterLine('{}'));
  const b = JSON.parse(fromEnv.filterLine('{}'));
  assert.notEqual(a.logseal.s.c, b.logseal.s.c);
});

test('the example sealing policy (with encryption) verifies with logseal verify', () => {
  const seal = LogSeal.fromFile(path.join(root, 'host-examples/policies/sealed.json'), { onWarning: () => {} });
  assert.equal(seal.sealing, true);
  const input = fs.readFileSync(path.join(root, 'tests/corpus/pii-public.ndjson'), 'utf8');
  const out = seal.filterBatch(input);
  const dir = tmpdir('logseal-node-');
  const file = path.join(dir, 'sealed.ndjson');
  fs.writeFileSync(file, out);
  const r = cliVerify(file, keyring);
  assert.equal(r.status, 0, r.output);
  assert.equal(seal.stats().sealed, input.split('\n').filter((l) => l !== '').length);
});

test('createFilter and stats', () => {
  const seal = createFilter({ policy: { version: 1 }, timeNs: TIME_NS });
  seal.filterLine('{"a":1}');
  seal.filterBatch('{"b":2}\nplain\n');
  const s = seal.stats();
  assert.equal(s.records, 3);
  assert.equal(s.emitted, 3);
  assert.equal(s.failures, 0);
  assert.deepEqual(s.redacted, {});
  assert.equal(seal.filterBatch(''), '');
});

test('stats count redactions per kind and per custom rule, never values', () => {
  const policy = { version: 1, redact: { rules: [{ name: 'coupon', regex: 'CPN-[A-Z0-9]{8}' }] } };
  const seal = createFilter({ policy, timeNs: TIME_NS });
  seal.filterLine('{"msg":"paid with 4111 1111 1111 1111","email":"alice@example.com"}');
  seal.filterLine('{"msg":"applied CPN-7Q2K9XWA and CPN-8R3L0YXB"}');
  const s = seal.stats();
  assert.equal(s.redacted.card, 1);
  assert.equal(s.redacted.email, 1);
  assert.equal(s.redacted.coupon, 2);
  assert.ok(!JSON.stringify(s).includes('CPN-'), JSON.stringify(s));
});

test('hostile input never throws and always comes back as one marked or filtered JSON object', () => {
  const seal = new LogSeal(undefined, { timeNs: TIME_NS });
  const deep = '['.repeat(100000);
  const circular = { a: 1 };
  circular.self = circular;
  const inputs = [
    '', '{', '}', '{"a":', '\u0000\u0001', '\ud800 lone surrogate', '{"k":"\ud800"}', deep, '{"a":' + deep,
    '{"logseal":"spoof","password":"hunter2-secret"}', 'x'.repeat(3 << 20), '{"a":"' + 'y'.repeat(2 << 20) + '"}',
    '{"\u2028":"\u202e rtl"}', '{"a":1,"a":2}', '\n\n\n', '{"n":1e999999}',
  ];
  for (const input of inputs) {
    const line = seal.filterLine(input);
    assert.equal(typeof line, 'string');
    assert.equal(line.includes('\n'), false);
    const obj = JSON.parse(line);
    assert.equal(typeof obj, 'object');
    assert.ok(!line.includes('hunter2-secret'));
    assert.ok(line.length < 1.1 * (2 << 20) + 4096, 'records are cut to the limits');
  }
  // Objects JSON cannot serialise and non-records become error records, never raw.
  for (const bad of [circular, { big: 10n, password: 'hunter2-secret' }, 42, undefined, Symbol('s')]) {
    const out = seal.filter(bad);
    assert.equal(typeof out.logseal.error, 'object', JSON.stringify(out));
    assert.ok(!JSON.stringify(out).includes('hunter2-secret'));
  }
  assert.ok(seal.filterLine(12).includes('"error"'));
  let x = 12345; // a fixed LCG: the same strings every run
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16;
  for (let i = 0; i < 2000; i++) {
    const bytes = Array.from({ length: (i % 64) + 1 }, () => String.fromCharCode(next()));
    JSON.parse(seal.filterLine(bytes.join('')));
    JSON.parse(seal.filterLine('{"m":"' + bytes.join('') + '"}'));
  }
  const s = seal.stats();
  assert.equal(s.failures, 0);
  assert.ok(s.errors > 0);
});

test('if the wasm module fails, the record is withheld, counted, and a fresh filter takes over', () => {
  const seal = new LogSeal(undefined, { timeNs: TIME_NS });
  const real = seal._core;
  // Stand-in for a trap (a logseal bug): the core throws as WebAssembly does.
  const trap = () => {
    throw new WebAssembly.RuntimeError('unreachable');
  };
  seal._core = { input_buffer: real.input_buffer.bind(real), filter_input: trap, filter_input_batch: trap };
  const line = seal.filterLine('{"password":"hunter2-secret"}');
  assert.ok(!line.includes('hunter2-secret'));
  assert.equal(JSON.parse(line).logseal.error.kind, 'host');
  assert.notEqual(seal._core, real, 'a fresh core');
  assert.ok(!seal.filterLine('{"password":"hunter2-secret"}').includes('hunter2-secret'));
  seal._core = { input_buffer: trap, filter_input_batch: trap };
  const batch = seal.filterBatch('{"a":"hunter2-secret"}\n{"b":2}\n');
  assert.equal(batch.split('\n').length, 3, 'one marker per record');
  assert.ok(!batch.includes('hunter2-secret'));
  assert.equal(seal.stats().failures, 2);
});

test('without timeNs the host time is the clock, in whole milliseconds', () => {
  const before = Date.now();
  const { ingest } = new LogSeal().filter({ a: 1 }).logseal;
  const after = Date.now();
  assert.match(ingest, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000000Z$/);
  const ms = Date.parse(ingest.replace(/000000Z$/, 'Z'));
  assert.ok(ms >= before && ms <= after, `${ingest} within [${before}, ${after}]`);
});

test('verify() agrees with logseal verify: sealed output passes, tampering is found', () => {
  const { verify } = load();
  const seal = new LogSeal({ version: 1, keys: { seal: 'file:' + keyring + '#demo-seal-1' }, seal: { instance: 'node-verify', checkpoint_every: 4 } }, { onWarning: () => {} });
  const lines = [];
  for (let i = 0; i < 12; i++) lines.push(seal.filterLine(JSON.stringify({ level: 'info', i })));
  const text = lines.join('\n') + '\n';
  const good = verify(text, { file: keyring });
  assert.equal(good.ok, true, JSON.stringify(good.findings));
  assert.equal(good.records, 12);
  assert.equal(good.chains[0].verified, 12);
  const dir = tmpdir('logseal-node-');
  const file = path.join(dir, 'sealed.ndjson');
  fs.writeFileSync(file, text);
  assert.equal(cliVerify(file, keyring).status, 0);
  // Changed, deleted and reordered records: found as logseal verify finds them.
  const changed = verify(text.replace('"i":3', '"i":4'), fs.readFileSync(keyring, 'utf8'));
  assert.equal(changed.ok, false);
  assert.ok(changed.findings.some((f) => f.kind === 'modified' && f.line === 4), JSON.stringify(changed.findings));
  const deleted = verify(lines.filter((_, i) => i !== 5).join('\n'), JSON.parse(fs.readFileSync(keyring, 'utf8')));
  assert.ok(deleted.findings.some((f) => f.kind === 'deleted' && f.problem));
  fs.writeFileSync(file, lines.filter((_, i) => i !== 5).join('\n') + '\n');
  assert.equal(cliVerify(file, keyring).status, 1);
  // A keyring without seal keys is refused, naming no secret.
  assert.throws(() => verify(text, { version: 1, keys: [] }), (e) => e.code === 'LOGSEAL_KEYRING');
  assert.throws(() => verify(text, '{'), (e) => e.code === 'LOGSEAL_KEYRING' && !e.message.includes(sealSecret));
  assert.throws(() => verify(text), TypeError);
});

test('without Web Crypto a sealing policy marks records unsealed and encryption masks', () => {
  const script = `
    delete globalThis.crypto;
    const { LogSeal } = require(${JSON.stringify(require('./helpers.js').packageDir)});
    const warnings = [];
    const seal = new LogSeal({ version: 1, keys: { seal: 'env:S', encrypt: 'env:E' }, seal: { instance: 'x' },
      redact: { actions: { ssn: 'encrypt' } } }, { keys: { S: ${JSON.stringify(sealSecret)}, E: ${JSON.stringify(sealSecret)} }, onWarning: (m) => warnings.push(m) });
    const out = seal.filterLine('{"ssn":"123-45-6789","msg":"x"}');
    console.log(JSON.stringify({ sealing: seal.sealing, out, warnings, stats: seal.stats() }));`;
  const r = JSON.parse(require('node:child_process').execFileSync(process.execPath, ['-e', script]).toString());
  assert.equal(r.sealing, false);
  assert.ok(r.warnings.some((w) => /no randomness/.test(w)), JSON.stringify(r.warnings));
  const rec = JSON.parse(r.out);
  assert.equal(typeof rec.logseal.error, 'object', r.out);
  assert.equal(rec.logseal.s, undefined);
  assert.equal(rec.logseal.seal, undefined);
  assert.ok(!r.out.includes('123-45-6789'), r.out);
  assert.equal(r.stats.errors, 1);
});
