'use strict';
// Records per second through the package (filterBatch, filterLine, filter) and through
// `logseal filter` on the same records (each corpus row's `record`) in one run. Against other
// redaction libraries and pino: compare.js. Not a test: run by hand,
//   node plugins/node/bench/bench.js [corpus.ndjson] [repeat]
// after scripts/build-wasm.sh and a release build of the CLI (cargo build --release).

const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { LogSeal } = require('..');

const root = path.resolve(__dirname, '../../..');
const corpus = process.argv[2] || path.join(root, 'tests/corpus/pii-public.ndjson');
const repeat = Number(process.argv[3] || 10);
const lines = fs
  .readFileSync(corpus, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.stringify(JSON.parse(l).record));
const all = Array.from({ length: repeat }, () => lines).flat();
const ndjson = all.join('\n') + '\n';
const objects = all.map((l) => JSON.parse(l));
const bin = process.env.LOGSEAL_BIN || path.join(root, 'target/release/logseal');

function time(name, f) {
  f(); // warm-up
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    f();
    runs.push(Number(process.hrtime.bigint() - t) / 1e9);
  }
  runs.sort((a, b) => a - b);
  const s = runs[2];
  console.log(`${name.padEnd(28)} ${(all.length / s).toFixed(0).padStart(8)} records/s  (median of 5, ${all.length} records, ${(ndjson.length / s / 1e6).toFixed(1)} MB/s)`);
}

console.log(`node ${process.version}, ${path.basename(corpus)} x${repeat}, default policy`);
time('filterBatch', () => new LogSeal().filterBatch(ndjson));
time('filterLine', () => {
  const s = new LogSeal();
  for (const l of all) s.filterLine(l);
});
time('filter (objects)', () => {
  const s = new LogSeal();
  for (const o of objects) s.filter(o);
});
if (fs.existsSync(bin)) {
  time('logseal filter (CLI, spawn)', () => execFileSync(bin, ['filter'], { input: ndjson, maxBuffer: 1 << 30 }));
} else {
  console.log(`no CLI at ${bin}: build it with cargo build --release`);
}

