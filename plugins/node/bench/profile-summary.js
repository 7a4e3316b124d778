'use strict';
// Where a .cpuprofile's samples fell (self time), grouped: the logseal core (wasm functions),
// the crossing into wasm and back (logseal's JS wrapper and wasm-bindgen glue, Node's Buffer
// encode/decode), pino, the garbage collector, and the rest (start-up, module loading).
//   node profile-summary.js FILE.cpuprofile [top]

const fs = require('node:fs');
const file = process.argv[2];
const top = Number(process.argv[3] || 15);
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const nodes = new Map(prof.nodes.map((n) => [n.id, n]));
const groups = new Map();
const fns = new Map();
let total = 0;
prof.samples.forEach((id, i) => {
  const dt = prof.timeDeltas[i] || 0;
  const { url, functionName } = nodes.get(id).callFrame;
  let group;
  if (url.includes('.wasm')) group = /alloc|free|memcpy|memmove|memset/.test(functionName) ? 'wasm: allocator and memcpy' : 'wasm: logseal core';
  else if (url.includes('logseal_node.js') || url.includes('plugins/node/lib/') || url.includes('node_modules/logseal/')) group = 'crossing: logseal wrapper and glue';
  else if (url === 'node:buffer' || url.endsWith('/buffer.js') || url.includes('encoding')) group = 'crossing: Buffer write/toString';
  else if (url.includes('/pino/') || url.includes('fast-redact') || url.includes('sonic-boom')) group = 'pino';
  else if (functionName === '(garbage collector)') group = 'garbage collector';
  else group = 'other (start-up, loading, idle)';
  groups.set(group, (groups.get(group) || 0) + dt);
  const key = `${functionName || '(anonymous)'} ${url.split('/').slice(-1)[0]}`;
  fns.set(key, (fns.get(key) || 0) + dt);
  total += dt;
});
const pct = (t) => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
for (const [g, t] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`${pct(t)}  ${g}`);
console.log(`\ntop ${top} functions (self time):`);
for (const [f, t] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(t)}  ${f}`);
