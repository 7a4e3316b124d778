'use strict';
// logseal's npm package against other redaction libraries on the same records in one run:
// records per second and recall on a labelled corpus (default: tests/corpus/pii-public.ndjson,
// whose rows carry `secrets` that must not survive and `keep` strings that must), then the CPU
// per pino log call with logseal against pino's own `redact` option. Not a test: run by hand,
//   cd plugins/node/bench && npm install && node compare.js [corpus.ndjson] [runs]
// after `npm run build` in plugins/node. The peers are dev dependencies of this directory only
// (its own package.json): the published package depends on none of them.
//
// Every contender gets each corpus row's `record` in its natural form (NDJSON text, one JSON
// line, or the object) with its default settings, and its output for that record is scored
// the same way: the rules of tests/corpus/score_redaction.py, ported below.

const fs = require('node:fs');
const path = require('node:path');
const os = require('node:os');
const { LogSeal, pinoHooks, pinoDestination } = require('..');
const { SyncRedactor } = require('redact-pii');
const { Redactor } = require('@redactpii/node');
const pino = require('pino');

const root = path.resolve(__dirname, '../../..');
const corpus = process.argv[2] || path.join(root, 'tests/corpus/pii-public.ndjson');
const runs = Number(process.argv[3] || 15);
const rows = fs
  .readFileSync(corpus, 'utf8')
  .split('\n')
  .filter((l) => l !== '')
  .map((l) => JSON.parse(l));
const records = rows.map((r) => r.record);
const lines = records.map((r) => JSON.stringify(r));
const ndjson = lines.join('\n') + '\n';

// --- Scoring: tests/corpus/score_redaction.py's rules, on one output line per record. ---
const DIGITSEP = /(?<=\d)[ \-.](?=\d)/g;
function strings(v, out) {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      strings(x, out);
    }
  } else if (v !== null && v !== undefined) out.push(JSON.stringify(v));
  return out;
}
// `outs`: each record's output, a line of text or an object (serialised here, outside the timing).
function score(outs) {
  let secrets = 0;
  let leaks = 0;
  let keeps = 0;
  let losses = 0;
  rows.forEach((r, i) => {
    const o = outs[i];
    const line = o === undefined || o === null ? '' : typeof o === 'string' ? o : JSON.stringify(o);
    let text = '';
    try {
      text = strings(JSON.parse(line), []).join('\n');
    } catch (_) {
      // not JSON: only the line itself is searched
    }
    const hay = line + '\n' + text;
    const hayD = hay.replace(DIGITSEP, '');
    for (const s of r.secrets) {
      secrets += 1;
      const sd = s.replace(DIGITSEP, '');
      const tail = s.length >= 10 ? s.slice(Math.floor(s.length * 0.4)) : '';
      let piece = false;
      for (let j = 0; j < tail.length - 7 && !piece; j++) piece = hay.includes(tail.slice(j, j + 8));
      if (hay.includes(s) || piece || (/^\d+$/.test(sd) && hayD.includes(sd))) leaks += 1;
    }
    for (const k of r.keep) {
      keeps += 1;
      if (!hay.includes(k)) losses += 1;
    }
  });
  return { recall: (100 * (secrets - leaks)) / Math.max(secrets, 1), fp: (100 * losses) / Math.max(keeps, 1), leaks, losses };
}

// --- Timing: the contenders take turns, one pass over the corpus each per round, so a change
// of load on the machine hits all of them alike; one warm-up round first (V8 tiers wasm and JS
// up). The median round gives records/s (wall) and µs of CPU (user + system) per record. ---
const mid = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
function measureAll(passes) {
  for (const pass of passes) pass();
  const walls = passes.map(() => []);
  const cpus = passes.map(() => []);
  for (let i = 0; i < runs; i++) {
    passes.forEach((pass, j) => {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      pass();
      walls[j].push(Number(process.hrtime.bigint() - t0) / 1e9);
      const c = process.cpuUsage(c0);
      cpus[j].push((c.user + c.system) / records.length);
    });
  }
  return passes.map((_, j) => ({ rate: records.length / mid(walls[j]), cpu: mid(cpus[j]) }));
}

// A pino logger writing into `sink`; `redact` paths a pino user would list for secrets and
// personal data, one level deep too (pino's `*` matches one key).
const REDACT_KEYS = ['password', 'passwd', 'secret', 'token', 'access_token', 'api_key', 'apiKey', 'authorization', 'cookie', 'email', 'ssn', 'card', 'card_number', 'iban'];
const REDACT_TOP = REDACT_KEYS;
const REDACT_PATHS = REDACT_KEYS.flatMap((k) => [k, `*.${k}`]);
// pino's line for a record: the record's members plus level, time, pid and hostname.
function pinoContender(options, destination) {
  let out = [];
  const sink = { write: (s) => out.push(s) };
  const logger = destination ? pino(options, destination(sink)) : pino(options, sink);
  const pass = () => {
    out = [];
    for (const r of records) logger.info(r);
  };
  // One line per record, for scoring.
  pass.lines = () => out.join('').split('\n').slice(0, records.length);
  return pass;
}

const contenders = [
  ['logseal filterBatch (NDJSON text)', () => {
    const seal = new LogSeal();
    // One string out; split into records for scoring only.
    let out = '';
    return Object.assign(() => (out = seal.filterBatch(ndjson)), { lines: () => out.split('\n').slice(0, records.length) });
  }],
  ['logseal filterLine (JSON line)', () => {
    const seal = new LogSeal();
    return () => lines.map((l) => seal.filterLine(l));
  }],
  ['logseal filter (object)', () => {
    const seal = new LogSeal();
    return () => records.map((r) => seal.filter(r));
  }],
  ['@redactpii/node redactObject (object)', () => {
    const r = new Redactor();
    return () => records.map((o) => r.redactObject(o));
  }],
  ['@redactpii/node redact (JSON line)', () => {
    const r = new Redactor();
    return () => lines.map((l) => r.redact(l));
  }],
  ['redact-pii SyncRedactor (JSON line)', () => {
    const r = new SyncRedactor();
    return () => lines.map((l) => r.redact(l));
  }],
  [`pino redact (${REDACT_TOP.length} top-level paths; object)`, () => pinoContender({ redact: REDACT_TOP })],
  [`pino redact (${REDACT_PATHS.length} paths, * too; object)`, () => pinoContender({ redact: REDACT_PATHS })],
];

console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
console.log(`${path.basename(corpus)}: ${records.length} records, ${ndjson.length} bytes; median of ${runs} rounds (contenders in turn) after one warm-up round; default settings everywhere\n`);
console.log(`${'contender'.padEnd(40)} ${'records/s'.padStart(10)} ${'µs CPU/rec'.padStart(11)} ${'rec/CPU-s'.padStart(10)} ${'recall'.padStart(8)} ${'lost keep'.padStart(10)}`);
const passes = contenders.map(([, make]) => make());
const scores = passes.map((pass) => {
  const outs = pass();
  return score(pass.lines ? pass.lines() : outs);
});
const times = measureAll(passes);
const results = {};
contenders.forEach(([name], j) => {
  const t = times[j];
  const s = scores[j];
  results[name] = { ...t, ...s };
  console.log(`${name.padEnd(40)} ${t.rate.toFixed(0).padStart(10)} ${t.cpu.toFixed(2).padStart(11)} ${(1e6 / t.cpu).toFixed(0).padStart(10)} ${(s.recall.toFixed(2) + '%').padStart(8)} ${(s.fp.toFixed(2) + '%').padStart(10)}`);
});
const peers = Object.entries(results).filter(([n]) => n.startsWith('@redactpii') || n.startsWith('redact-pii'));
// Ratios from CPU time: on a shared machine wall time mostly measures the neighbours' load.
const [fastName, fast] = peers.sort((a, b) => a[1].cpu - b[1].cpu)[0];
for (const n of ['logseal filterBatch (NDJSON text)', 'logseal filterLine (JSON line)', 'logseal filter (object)']) {
  console.log(`${n}: ${(fast.cpu / results[n].cpu).toFixed(2)}x the records per CPU-second of the fastest PII library (${fastName})`);
}

// --- pino per log call: CPU (user + system) per `logger.info(record)` into a sink that
// discards, the same records, in this one run. ---
console.log(`\npino per log call (${records.length} calls a pass, in turn, median of ${runs} rounds):`);
const discard = { write() {} };
const perCall = [
  ['pino alone', pino({}, discard)],
  [`pino redact (${REDACT_TOP.length} top-level paths)`, pino({ redact: REDACT_TOP }, discard)],
  [`pino redact (${REDACT_PATHS.length} paths, * too)`, pino({ redact: REDACT_PATHS }, discard)],
  ['pino + logseal pinoHooks', pino({ hooks: pinoHooks(new LogSeal()) }, discard)],
  ['pino + logseal pinoDestination', pino({}, pinoDestination(new LogSeal(), discard))],
];
const calls = {};
const callTimes = measureAll(perCall.map(([, logger]) => () => {
  for (const r of records) logger.info(r);
}));
perCall.forEach(([name], j) => {
  const t = callTimes[j];
  calls[name] = t;
  console.log(`${name.padEnd(40)} ${t.cpu.toFixed(2).padStart(8)} µs CPU per call ${(1e6 / t.rate).toFixed(2).padStart(8)} µs wall`);
});
for (const redact of [`pino redact (${REDACT_TOP.length} top-level paths)`, `pino redact (${REDACT_PATHS.length} paths, * too)`]) {
  for (const n of ['pino + logseal pinoHooks', 'pino + logseal pinoDestination']) {
    console.log(`${n}: ${(calls[n].cpu / calls[redact].cpu).toFixed(2)}x the CPU per call of ${redact}`);
  }
}
