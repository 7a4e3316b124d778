'use strict';
// The examples in host-examples/node run as a user runs them and print no secret: each line
// they print is one filtered JSON object.

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { root, packageDir, tmpdir } = require('./helpers.js');

// `require('logseal')` from the examples resolves to the package under test; pino and winston
// to this package's dev dependencies.
const modules = tmpdir('logseal-examples-');
fs.symlinkSync(packageDir, path.join(modules, 'logseal'), 'dir');
const env = { ...process.env, NODE_PATH: [modules, path.resolve(__dirname, '../node_modules')].join(path.delimiter) };

for (const example of ['pino.js', 'pino-transport.js', 'winston.js']) {
  test(`host-examples/node/${example} prints only filtered records`, () => {
    const out = execFileSync(process.execPath, [path.join(root, 'host-examples/node', example)], { env }).toString();
    const lines = out.split('\n').filter((l) => l !== '');
    assert.ok(lines.length >= 2, out);
    for (const secret of ['hunter2-secret', '4111 1111 1111 1111']) assert.ok(!out.includes(secret), out);
    for (const l of lines) assert.equal(JSON.parse(l).logseal.v, 1);
  });
}
