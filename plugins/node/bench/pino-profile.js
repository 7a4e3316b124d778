'use strict';
// A pino logger with logseal's hooks, run long enough for a CPU profile of the steady state:
//   node --cpu-prof --cpu-prof-dir /tmp/prof pino-profile.js [rounds] [hooks|destination|redact|plain]
//   node profile-summary.js /tmp/prof/*.cpuprofile
// Each round logs every record of tests/corpus/pii-public.ndjson once into a sink that discards.

const fs = require('node:fs');
const path = require('node:path');
const { LogSeal, pinoHooks, pinoDestination } = require('..');
const pino = require('pino');

const rounds = Number(process.argv[2] || 40);
const mode = process.argv[3] || 'hooks';
const root = path.resolve(__dirname, '../../..');
const records = fs
  .readFileSync(path.join(root, 'tests/corpus/pii-public.ndjson'), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l).record);
const discard = { write() {} };
const loggers = {
  hooks: () => pino({ hooks: pinoHooks(new LogSeal()) }, discard),
  destination: () => pino({}, pinoDestination(new LogSeal(), discard)),
  redact: () => pino({ redact: ['password', 'token', 'email', 'ssn', 'card'] }, discard),
  plain: () => pino({}, discard),
};
if (!loggers[mode]) throw new Error(`mode: one of ${Object.keys(loggers).join(', ')}`);
const logger = loggers[mode]();
const c0 = process.cpuUsage();
for (let i = 0; i < rounds; i++) for (const r of records) logger.info(r);
const c = process.cpuUsage(c0);
console.log(`${mode}: ${((c.user + c.system) / (rounds * records.length)).toFixed(2)} µs CPU per call over ${rounds * records.length} calls (warm-up included)`);
