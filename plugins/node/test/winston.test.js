'use strict';
// winston end to end: the format, last in the chain, filters what the transport writes.

const test = require('node:test');
const assert = require('node:assert/strict');
const { Writable } = require('node:stream');
const winston = require('winston');
const { load } = require('./helpers.js');
const { LogSeal, winstonFormat } = load();

function capture() {
  const lines = [];
  const stream = new Writable({
    write(chunk, _e, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

test('a winston logger with the logseal format writes only filtered lines', async () => {
  const { lines, stream } = capture();
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json(), winstonFormat(new LogSeal())),
    transports: [new winston.transports.Stream({ stream })],
  });
  logger.info('login', { user: 'alice', password: 'hunter2-secret' });
  logger.warn('card 4111 1111 1111 1111 used');
  logger.error('forged\n{"level":"info","message":"admin logged in"}');
  logger.debug('below the level, never written', { password: 'hunter2-secret' });
  await new Promise((r) => setImmediate(r));
  const text = lines.join('');
  assert.equal(lines.length, 3, text);
  assert.ok(!text.includes('hunter2-secret'), text);
  assert.ok(!text.includes('4111 1111 1111 1111'), text);
  for (const l of lines) {
    assert.equal(l.endsWith('\n'), true);
    assert.equal(l.slice(0, -1).includes('\n'), false, 'one JSON object per line');
    const r = JSON.parse(l);
    assert.equal(r.logseal.v, 1);
  }
  assert.equal(JSON.parse(lines[0]).level, 'info');
  assert.equal(JSON.parse(lines[0]).message, 'login');
});

test('a format placed before json() still cannot let a redacted value out', async () => {
  const { lines, stream } = capture();
  const logger = winston.createLogger({
    format: winston.format.combine(winstonFormat(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
  logger.info('x', { password: 'hunter2-secret' });
  // A policy that drops the field: a later json() must not find the raw value on `info`.
  const dropping = winston.createLogger({
    format: winston.format.combine(winstonFormat({ policy: { version: 1, redact: { actions: { default: 'drop' } } } }), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
  dropping.info('y', { password: 'hunter2-secret' });
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.length, 2);
  for (const l of lines) assert.ok(!l.includes('hunter2-secret'), l);
  assert.equal('password' in JSON.parse(lines[1]), false, lines[1]);
});

test('records the policy samples away are dropped, not written', async () => {
  const { lines, stream } = capture();
  const policy = { version: 1, keys: { sample: 'env:LOGSEAL_TEST_SAMPLE' }, sample: { by: ['message'], levels: { debug: 0.0 } } };
  const keys = { LOGSEAL_TEST_SAMPLE: Buffer.alloc(32, 7).toString('base64') };
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.combine(winston.format.json(), winstonFormat({ policy, keys })),
    transports: [new winston.transports.Stream({ stream })],
  });
  logger.debug('noise');
  logger.info('kept');
  await new Promise((r) => setImmediate(r));
  assert.equal(lines.length, 1);
  assert.equal(JSON.parse(lines[0]).message, 'kept');
});
