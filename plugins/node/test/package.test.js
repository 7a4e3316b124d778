'use strict';
// What a user installs: `npm pack` makes a tarball that installs into a fresh project (no
// registry needed), loads from CommonJS and ESM (one shared module), and whose types check.
// scripts/test.sh runs the other suites against that installed copy too.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { tmpdir } = require('./helpers.js');

const source = path.resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(cmd, args, cwd) {
  return execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

test('npm pack installs into a fresh project and works from CJS, ESM and TypeScript', () => {
  const dir = tmpdir('logseal-pack-');
  const packed = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', dir], source))[0];
  const files = packed.files.map((f) => f.path).sort();
  for (const f of ['lib/index.js', 'lib/index.mjs', 'lib/index.d.ts', 'lib/pino-transport.js', 'pkg/logseal_node.js', 'pkg/logseal_node_bg.wasm', 'package.json', 'README.md']) {
    assert.ok(files.includes(f), `${f} in the tarball: ${files}`);
  }
  assert.ok(!files.some((f) => f.startsWith('test/') || f.startsWith('src/')), 'no tests or Rust sources shipped');
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true}');
  run(npm, ['install', '--offline', '--no-audit', '--no-fund', path.join(dir, packed.filename)], app);

  fs.writeFileSync(path.join(app, 'cjs.js'), `
    const { LogSeal, PolicyError } = require('logseal');
    const out = new LogSeal(undefined, { timeNs: 1 }).filterLine('{"password":"hunter2-secret"}');
    let path = null;
    try { new LogSeal({ version: 2 }); } catch (e) { if (e instanceof PolicyError) path = e.path; }
    console.log(JSON.stringify({ out, path }));`);
  fs.writeFileSync(path.join(app, 'esm.mjs'), `
    import { LogSeal } from 'logseal';
    import cjs from 'logseal';
    import { createRequire } from 'node:module';
    const req = createRequire(import.meta.url);
    const same = req('logseal').LogSeal === LogSeal && cjs.LogSeal === LogSeal;
    const out = new LogSeal(undefined, { timeNs: 1 }).filterLine('{"password":"hunter2-secret"}');
    console.log(JSON.stringify({ out, same }));`);
  const cjs = JSON.parse(run(process.execPath, ['cjs.js'], app));
  const esm = JSON.parse(run(process.execPath, ['esm.mjs'], app));
  assert.ok(!cjs.out.includes('hunter2-secret'));
  assert.equal(cjs.path, '$.version');
  assert.equal(esm.out, cjs.out);
  assert.equal(esm.same, true);

  // The declarations match the API: a typed example compiles, a misuse does not.
  const tsc = path.join(source, 'node_modules/typescript/bin/tsc');
  const tsArgs = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', '--typeRoots', path.join(source, 'node_modules/@types')];
  const example = path.join(source, '../../host-examples/node/typed.ts');
  fs.copyFileSync(example, path.join(app, 'typed.ts'));
  run(process.execPath, [tsc, ...tsArgs, 'typed.ts'], app);
  fs.writeFileSync(path.join(app, 'wrong.ts'), `import { LogSeal } from 'logseal';\nconst n: number = new LogSeal().filterLine('x');\n`);
  assert.throws(() => run(process.execPath, [tsc, ...tsArgs, 'wrong.ts'], app), (e) => /TS2322/.test(String(e.stdout)));
});
