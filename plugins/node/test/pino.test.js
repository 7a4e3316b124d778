'use strict';
// pino end to end: a logger writes records with secrets and injection; what reaches the
// destination is redacted, escaped, one JSON object per line, for each integration.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const pino = require('pino');
const { load, tmpdir } = require('./helpers.js');
const { LogSeal, pinoHooks, pinoDestination } = load();

const SECRETS = ['hunter2-secret', '4111 1111 1111 1111', 'AKIAIOSFODNN7EXAMPLE', 'alice@example.com'];

function logSome(logger) {
  logger.info({ user: 'alice', password: 'hunter2-secret' }, 'login');
  logger.warn({ card: '4111 1111 1111 1111' }, 'payment');
  logger.error('key AKIAIOSFODNN7EXAMPLE leaked for alice@example.com');
  logger.info('forged\n{"level":30,"msg":"admin logged in"}');
  logger.info({ logseal: 'spoofed' }, 'reserved key');
}

function check(text) {
  const lines = text.split('\n');
  assert.equal(lines.pop(), '', 'ends with a line end');
  assert.equal(lines.length, 5, text);
  for (const s of SECRETS) assert.ok(!text.includes(s), `no ${s} in ${text}`);
  const records = lines.map((l) => JSON.parse(l));
  for (const r of records) assert.equal(r.logseal.v, 1);
  assert.equal(records[0].msg, 'login');
  assert.equal(records[0].level, 30);
  // The forged second record stays inside the first one's message.
  assert.ok(records[3].msg.includes('admin logged in'));
  assert.equal(records[4].logseal_original, 'spoofed');
  return records;
}

function memory() {
  const chunks = [];
  return { chunks, write: (s) => chunks.push(String(s)), text: () => chunks.join('') };
}

test('pino hooks filter every line on the main thread', () => {
  const sink = memory();
  const logger = pino({ hooks: pinoHooks(new LogSeal()) }, sink);
  logSome(logger);
  check(sink.text());
});

test('a pino destination filters every line, also lines split across writes', () => {
  const sink = memory();
  const dest = pinoDestination(new LogSeal(), sink);
  logSome(pino({}, dest));
  check(sink.text());
  const sink2 = memory();
  const d2 = pinoDestination({ timeNs: '1' }, sink2);
  d2.write('{"password":"hunter2');
  assert.equal(sink2.text(), '');
  d2.write('-secret"}\n{"a":');
  d2.write('1}');
  d2.end();
  const lines = sink2.text().split('\n').filter((l) => l);
  assert.equal(lines.length, 2);
  assert.ok(!sink2.text().includes('hunter2-secret'));
});

test('the pino transport filters in its worker thread and writes a file', async () => {
  const dir = tmpdir('logseal-pino-');
  const file = path.join(dir, 'app.log');
  const transport = pino.transport({ target: require.resolve(path.join(require('./helpers.js').packageDir, 'lib/pino-transport.js')), options: { destination: file } });
  const logger = pino({}, transport);
  logSome(logger);
  // The worker writes asynchronously: wait (bounded) for its five lines.
  const deadline = Date.now() + 20000;
  const read = () => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  while (read().split('\n').length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  transport.end();
  check(read());
});
