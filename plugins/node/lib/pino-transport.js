'use strict';
// A pino transport (runs in pino's worker thread):
//   pino.transport({ target: 'logseal/pino-transport',
//                    options: { policy, policyFile, keys, destination: 1 | '/path/app.log' } })
// Filters every line in the worker, then writes it to the destination (a file descriptor,
// default 1, or a file path, appended to). Keys: `options.keys`, or the worker's process.env.

const fs = require('node:fs');
const { Writable } = require('node:stream');
const { LogSeal, lineSplitter } = require('./index.js');

module.exports = async function logsealTransport(options = {}) {
  const { policy, policyFile, destination = 1, ...rest } = options;
  const seal = policyFile ? LogSeal.fromFile(policyFile, rest) : new LogSeal(policy, rest);
  const out =
    typeof destination === 'number'
      ? fs.createWriteStream(null, { fd: destination, autoClose: false })
      : fs.createWriteStream(destination, { flags: 'a' });
  const lines = lineSplitter(seal);
  return new Writable({
    write(chunk, _encoding, done) {
      const text = lines.push(chunk.toString('utf8'));
      if (text === '') return done();
      out.write(text, done);
    },
    final(done) {
      const text = lines.flush();
      const finish = () => (typeof destination === 'number' ? done() : out.end(done));
      if (text === '') return finish();
      out.write(text, finish);
    },
  });
};
