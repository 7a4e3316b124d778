'use strict';
// Both public corpora through the package give the bytes `logseal filter` gives, for the same
// policy, time and chain seed: filterBatch, filterLine and filter (objects) alike.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, TIME_NS, SEED, load, cliFilter } = require('./helpers.js');
const { LogSeal } = load();

const corpora = ['pii-public.ndjson', 'injection-public.ndjson'].map((f) => path.join(root, 'tests/corpus', f));
const policies = path.join(root, 'host-examples/policies');
// Seals without encrypting (nonces are random), so both sides must agree byte for byte.
const sealOnly = path.join(__dirname, 'fixtures/seal-only.json');

for (const corpus of corpora) {
  const input = fs.readFileSync(corpus, 'utf8');
  const name = path.basename(corpus);

  test(`${name}: default policy, byte-identical to logseal filter`, () => {
    const want = cliFilter(input);
    const seal = new LogSeal(undefined, { timeNs: TIME_NS });
    assert.equal(seal.filterBatch(input), want);
    const one = new LogSeal(undefined, { timeNs: TIME_NS });
    const lines = input.split('\n').filter((l) => l !== '');
    assert.equal(lines.map((l) => one.filterLine(l) + '\n').join(''), want);
    assert.equal(one.stats().records, lines.length);
  });

  test(`${name}: sampling policy, byte-identical`, () => {
    const file = path.join(policies, 'sampling.json');
    const seal = LogSeal.fromFile(file, { timeNs: TIME_NS, onWarning: () => {} });
    assert.equal(seal.filterBatch(input), cliFilter(input, { policy: file }));
  });

  test(`${name}: sealing policy with a fixed chain seed, byte-identical`, () => {
    const want = cliFilter(input, { policy: sealOnly, seed: SEED });
    const seal = LogSeal.fromFile(sealOnly, { timeNs: TIME_NS, chainSeed: SEED });
    assert.equal(seal.sealing, true);
    assert.equal(seal.filterBatch(input), want);
    assert.equal(seal.stats().sealed, input.split('\n').filter((l) => l !== '').length);
  });
}

test('the sampling example drops the same records as logseal filter', () => {
  // The corpora nest their records under "record", so nothing there is sampled by level.
  const input = fs.readFileSync(path.join(root, 'host-examples/logs/app.ndjson'), 'utf8');
  const file = path.join(policies, 'sampling.json');
  const want = cliFilter(input, { policy: file });
  const seal = LogSeal.fromFile(file, { timeNs: TIME_NS, onWarning: () => {} });
  const kept = [];
  for (const line of input.split('\n').filter((l) => l !== '')) {
    const out = seal.filterLine(line);
    if (out !== null) kept.push(out + '\n');
  }
  assert.equal(kept.join(''), want);
  const s = seal.stats();
  assert.ok(s.sampled_out > 0, JSON.stringify(s));
  assert.equal(s.emitted, kept.length);
});

test('objects through filter() come out as the records logseal filter writes', () => {
  const input = fs.readFileSync(corpora[0], 'utf8');
  const objects = input.split('\n').filter((l) => l !== '').slice(0, 300).map((l) => JSON.parse(l));
  const want = cliFilter(objects.map((o) => JSON.stringify(o)).join('\n') + '\n').split('\n').filter((l) => l !== '');
  assert.equal(want.length, objects.length);
  const seal = new LogSeal(undefined, { timeNs: TIME_NS });
  objects.forEach((o, i) => assert.deepEqual(seal.filter(o), JSON.parse(want[i]), `record ${i}`));
});

test('records beyond limits.max_record_bytes are cut as logseal filter cuts them', () => {
  const big = JSON.stringify({ msg: 'x'.repeat(3 << 20), password: 'hunter2-secret' });
  const input = `${big}\nplain ${'y'.repeat(2 << 20)}\n{"ok":1}\n`;
  const want = cliFilter(input);
  const seal = new LogSeal(undefined, { timeNs: TIME_NS });
  assert.equal(seal.filterBatch(input), want);
  assert.ok(seal.stats().cut >= 2, JSON.stringify(seal.stats()));
  const one = new LogSeal(undefined, { timeNs: TIME_NS });
  assert.equal(one.filterLine(big) + '\n', want.split('\n')[0] + '\n');
});

// The crossing into wasm memory: multi-byte UTF-8, lone surrogates (U+FFFD, as TextEncoder
// writes them), empty lines, and records long enough to grow the module's memory (and to be
// cut at limits.max_record_bytes) between short ones, so the wrapper's view of that memory is
// remade mid-stream. Each record must come out as `logseal filter` writes it for the same UTF-8.
test('records of every size and script cross into wasm and back byte-identical to logseal filter', () => {
  const big = (n, fill) => JSON.stringify({ msg: fill.repeat(n), password: 'hunter2-secret' });
  const records = [
    '{"user":"zoë","note":"日本語 テキスト","emoji":"🔑 key","password":"pässwörd-secret"}',
    '{"m":"lone \ud800 high and \udc00 low surrogates"}',
    '',
    'not json at all: Ärger',
    big(600000, 'é'), // 1.2 MB of UTF-8 from 600,000 UTF-16 units: memory grows
    '{"short":"after the big one","email":"ann@example.com"}',
    big(50000, '€'),
    big(2000000, 'a'), // over the default max_record_bytes: cut and marked
    '{"last":"x"}',
  ];
  const utf8 = Buffer.from(records.join('\n') + '\n', 'utf8');
  const want = cliFilter(utf8);
  const batch = new LogSeal(undefined, { timeNs: TIME_NS });
  assert.equal(batch.filterBatch(records.join('\n') + '\n'), want);
  assert.equal(batch.filterBatch(records.join('\n') + '\n'), want, 'again, with the buffers grown');
  // filterBatch skips blank lines as logseal filter does; filterLine is handed one record.
  const one = new LogSeal(undefined, { timeNs: TIME_NS });
  assert.equal(records.filter((l) => l.trim() !== '').map((l) => one.filterLine(l) + '\n').join(''), want);
  assert.equal(one.stats().failures, 0);
  assert.ok(!want.includes('hunter2-secret') && !want.includes('pässwörd-secret'));
});
