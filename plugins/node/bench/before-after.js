'use strict';
// Another build of the package (OTHER: a directory with its lib/ and pkg/, e.g. an older
// commit's plugins/node after `npm run build`) against this one, in one process, in turn:
// µs of CPU per record for pino + pinoHooks, filterLine, filterBatch and filter, and pino's
// own redact for scale. By hand:
//   node before-after.js OTHER [rounds]

const fs = require('node:fs');
const path = require('node:path');
const pino = require('pino');

const other = process.argv[2];
if (!other) throw new Error('usage: node before-after.js OTHER_PACKAGE_DIR [rounds]');
const rounds = Number(process.argv[3] || 15);
const root = path.resolve(__dirname, '../../..');
const records = fs
  .readFileSync(path.join(root, 'tests/corpus/pii-public.ndjson'), 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l).record);
const lines = records.map((r) => JSON.stringify(r));
const ndjson = lines.join('\n') + '\n';
const discard = { write() {} };

const cases = [];
for (const [name, pkg] of [['other', require(path.resolve(other))], ['this', require('..')]]) {
  const logger = pino({ hooks: pkg.pinoHooks(new pkg.LogSeal()) }, discard);
  const seal = new pkg.LogSeal();
  cases.push([`${name}: pino + pinoHooks`, () => records.forEach((r) => logger.info(r))]);
  cases.push([`${name}: filterLine`, () => lines.forEach((l) => seal.filterLine(l))]);
  cases.push([`${name}: filterBatch`, () => seal.filterBatch(ndjson)]);
  cases.push([`${name}: filter`, () => records.forEach((r) => seal.filter(r))]);
}
const redact = pino({ redact: ['password', 'token', 'email'] }, discard);
cases.push(['pino redact (3 paths)', () => records.forEach((r) => redact.info(r))]);

for (const [, f] of cases) f(); // warm-up
const cpu = cases.map(() => []);
for (let i = 0; i < rounds; i++) {
  cases.forEach(([, f], j) => {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    cpu[j].push((c.user + c.system) / records.length);
  });
}
cases.forEach(([name], j) => {
  const sorted = cpu[j].sort((a, b) => a - b);
  console.log(`${name.padEnd(26)} ${sorted[Math.floor(rounds / 2)].toFixed(2).padStart(7)} µs CPU per record (median of ${rounds})`);
});
