'use strict';
// The logseal npm package: the logseal core (compiled to WebAssembly) behind a small API, and
// its pino and winston integrations. Every record is filtered in process, with the same bytes
// as `logseal filter` for the same input, policy and time.

const fs = require('node:fs');
const path = require('node:path');
const { Core, PolicyFault, verify: verifyCore, compare: compareCore, wasmMemory: memory } = require('../pkg/logseal_node.js');

// Records cross into wasm memory through one Buffer view of it: `write` encodes a string's
// UTF-8 in place (lone surrogates become U+FFFD, as TextEncoder does) and `utf8Slice`-style
// `toString` decodes in place, so neither side makes an intermediate copy. The view is
// remade when the memory grows (the old ArrayBuffer is then detached: byteLength 0).
const wasmMemory = memory();
let heap = Buffer.from(wasmMemory.buffer);
function mem() {
  if (heap.byteLength === 0) heap = Buffer.from(wasmMemory.buffer);
  return heap;
}

// Copies `text` into the core's input buffer; returns the number of UTF-8 bytes written.
function put(core, text) {
  // UTF-8 takes at most 3 bytes per UTF-16 unit, so the buffer always holds the whole text.
  const at = core.input_buffer(text.length * 3);
  return mem().write(text, at, text.length * 3, 'utf8');
}

// The record the core wrote at `core.output()`, `len` bytes long.
function got(core, len) {
  const at = core.output();
  return mem().toString('utf8', at, at + len);
}

/** A policy the core refused: `path` is the JSON path of the fault (`$.limits.max_depth`). */
class PolicyError extends Error {
  constructor(faultPath, problem) {
    super(`policy refused at ${faultPath}: ${problem}`);
    this.name = 'PolicyError';
    this.path = faultPath;
    this.problem = problem;
  }
}

// What a record becomes when the wasm module itself failed (a trap): nothing of the record,
// only the error marker under the reserved key, as the core writes its own error records.
const TRAP_RECORD =
  '{"logseal":{"v":1,"error":{"kind":"host","detail":"the logseal wasm module failed on this record; it was withheld"}}}';

function policyText(policy) {
  if (policy === undefined || policy === null) return '';
  if (typeof policy === 'string') return policy;
  if (typeof policy === 'object') return JSON.stringify(policy);
  throw new TypeError('logseal: policy must be a JSON string, an object, or undefined for the default policy');
}

function host(options) {
  const keys = options.keys || {};
  const env = options.env || process.env;
  const onWarning = options.onWarning || ((m) => process.emitWarning(m, 'LogsealWarning'));
  return {
    env(name) {
      if (Object.prototype.hasOwnProperty.call(keys, name)) return String(keys[name]);
      const v = env[name];
      return v === undefined ? undefined : String(v);
    },
    readFile(p) {
      try {
        return fs.readFileSync(p);
      } catch (e) {
        // Only the error code goes back: the core names the path, never file content.
        throw String(e && e.code ? e.code : 'cannot read');
      }
    },
    warn(message) {
      onWarning(message);
    },
  };
}

/**
 * One filter: a compiled policy, its hash chain and counters. Not shared between threads
 * (each worker makes its own).
 */
class LogSeal {
  /**
   * @param {string|object} [policy] the policy (JSON text or object); omitted: the built-in default
   * @param {object} [options] keys, env, baseDir, onWarning; timeNs and chainSeed for tests only
   */
  constructor(policy, options = {}) {
    this._args = [
      policyText(policy),
      host(options),
      path.resolve(options.baseDir || process.cwd()),
      options.chainSeed === undefined ? undefined : String(options.chainSeed),
      options.timeNs === undefined ? undefined : BigInt(options.timeNs),
    ];
    this._core = LogSeal._make(this._args);
    this._failures = 0;
  }

  static _make(args) {
    try {
      return new Core(...args);
    } catch (e) {
      if (e instanceof PolicyFault) {
        const err = new PolicyError(e.path, e.problem);
        e.free();
        throw err;
      }
      throw e;
    }
  }

  /** Loads the policy file at `file`; its `file:` key references resolve from its directory. */
  static fromFile(file, options = {}) {
    const text = fs.readFileSync(file, 'utf8');
    return new LogSeal(text, { baseDir: path.dirname(path.resolve(file)), ...options });
  }

  // A trap (a bug in logseal) withholds the record, never returns it raw, and starts a fresh
  // core from the same policy (a sealing policy starts a new chain).
  _failed() {
    this._failures += 1;
    try {
      this._core = LogSeal._make(this._args);
    } catch (_) {
      // The policy loaded before; keep the old object, whose calls will fail closed too.
    }
  }

  // Filters one line; `newline` ends the result with `\n`. null when sampled away.
  _line(line, newline) {
    const core = this._core;
    try {
      const n = core.filter_input(put(core, line), newline);
      return n < 0 ? null : got(core, n);
    } catch (_) {
      this._failed();
      return newline ? TRAP_RECORD + '\n' : TRAP_RECORD;
    }
  }

  // An error record for a value the wrapper cannot hand over (see Core.host_error).
  _hostError(code) {
    const core = this._core;
    try {
      return got(core, core.host_error(code));
    } catch (_) {
      this._failed();
      return TRAP_RECORD;
    }
  }

  /**
   * Filters one record given as a line of text: the filtered JSON object as one line (no
   * `\n`), or null when the policy sampled it away. A line that is not JSON becomes
   * `{"message": ...}`, as in `logseal filter`.
   */
  filterLine(line) {
    if (typeof line !== 'string') return this._hostError(1);
    return this._line(line, false);
  }

  /**
   * Filters NDJSON text (records separated by `\n`): the kept records, each ending in `\n`.
   * Same output as `logseal filter` on the same text.
   */
  filterBatch(ndjson) {
    if (typeof ndjson !== 'string') return this._hostError(1) + '\n';
    const core = this._core;
    try {
      const n = core.filter_input_batch(put(core, ndjson));
      const at = core.batch_output();
      return mem().toString('utf8', at, at + n);
    } catch (_) {
      // A trap withholds the whole batch: one marker per input line, so counts still add up.
      this._failed();
      return markers(ndjson);
    }
  }

  /**
   * Filters one record (an object, or a JSON string): the filtered object, or null when
   * sampled away. An object that JSON cannot serialise becomes an error record.
   */
  filter(record) {
    let line;
    if (typeof record === 'string') {
      line = record;
    } else if (record !== null && typeof record === 'object') {
      try {
        line = JSON.stringify(record);
      } catch (_) {
        return JSON.parse(this._hostError(0));
      }
    } else {
      return JSON.parse(this._hostError(1));
    }
    const out = this._line(line, false);
    return out === null ? null : JSON.parse(out);
  }

  /** Counters since the filter was made, plus `failures` (wasm traps, each a withheld record). */
  stats() {
    let text = '{}';
    try {
      text = this._core.stats();
    } catch (_) {
      this._failed();
    }
    const s = JSON.parse(text);
    s.failures = this._failures;
    return s;
  }

  /** Whether the policy seals and its hash chain is running. */
  get sealing() {
    try {
      return this._core.sealing();
    } catch (_) {
      this._failed();
      return false;
    }
  }
}

function markers(ndjson) {
  const body = ndjson.endsWith('\n') ? ndjson.slice(0, -1) : ndjson;
  if (ndjson === '') return '';
  return body.split('\n').map(() => TRAP_RECORD + '\n').join('');
}

/** Shorthand for `new LogSeal(policy, options)`. */
function createFilter({ policy, ...options } = {}) {
  return new LogSeal(policy, options);
}

// A LogSeal from what integrations accept: an instance, or the LogSeal arguments.
function toSeal(seal) {
  if (seal instanceof LogSeal) return seal;
  return createFilter(seal || {});
}

// Keeps the partial last line of each write until its `\n` arrives, so a record is filtered
// whole even when a writer splits it.
function lineSplitter(seal) {
  let tail = '';
  return {
    push(chunk) {
      const text = tail === '' ? chunk : tail + chunk;
      const end = text.lastIndexOf('\n');
      if (end < 0) {
        tail = text;
        return '';
      }
      // The common case (pino writes one whole line per call): no slicing.
      tail = end === text.length - 1 ? '' : text.slice(end + 1);
      return seal.filterBatch(end === text.length - 1 ? text : text.slice(0, end + 1));
    },
    flush() {
      const rest = tail;
      tail = '';
      return rest === '' ? '' : seal.filterBatch(rest);
    },
  };
}

/**
 * pino `hooks`: `pino({ hooks: logseal.pinoHooks(seal) })`. Each serialised line is filtered
 * on the main thread before it reaches any destination or transport.
 */
function pinoHooks(seal) {
  const s = toSeal(seal);
  return {
    streamWrite(line) {
      // pino's line ends in `\n`; the core reads it as the record's line end, and writes the
      // filtered record's own `\n` in the same crossing.
      if (typeof line !== 'string') return s.filterLine(line) + '\n';
      const out = s._line(line, true);
      return out === null ? '' : out;
    },
  };
}

/**
 * A pino destination: `pino(opts, logseal.pinoDestination(seal, dest))`. Filters every line,
 * then writes it to `dest` (default process.stdout; anything with `write(string)`).
 */
function pinoDestination(seal, dest = process.stdout) {
  const lines = lineSplitter(toSeal(seal));
  return {
    write(chunk) {
      const out = lines.push(String(chunk));
      if (out !== '') dest.write(out);
      return true;
    },
    flushSync() {
      const out = lines.flush();
      if (out !== '') dest.write(out);
    },
    end() {
      this.flushSync();
      if (dest !== process.stdout && dest !== process.stderr && typeof dest.end === 'function') dest.end();
    },
  };
}

const MESSAGE = Symbol.for('message');

/**
 * A winston format: `format.combine(format.timestamp(), format.json(), logseal.winstonFormat(seal))`.
 * Last in the chain: it filters the final line (`info[Symbol.for('message')]`, made by
 * `format.json()`, or serialises `info` itself when absent), and replaces `info`'s fields by
 * the filtered ones, so a later format cannot bring back what was redacted. Sampled-away
 * records are dropped.
 */
function winstonFormat(seal) {
  const s = toSeal(seal);
  return {
    transform(info) {
      let line = info[MESSAGE];
      if (typeof line !== 'string') {
        try {
          line = JSON.stringify(info);
        } catch (_) {
          line = undefined;
        }
      }
      const out = line === undefined ? s.filterLine(undefined) : s.filterLine(line);
      if (out === null) return false;
      const level = info.level;
      for (const k of Object.keys(info)) delete info[k];
      Object.assign(info, JSON.parse(out));
      // Transports route by level; the filtered record keeps it unless the policy removed it.
      if (info.level === undefined && typeof level === 'string') {
        Object.defineProperty(info, 'level', { value: level, enumerable: false, writable: true, configurable: true });
      }
      info[MESSAGE] = out;
      return info;
    },
  };
}

// The text of a verify state: an object or JSON text as given, or a state file's content
// (a missing file is the first run, as for `logseal verify --state`).
function stateText(options) {
  if (typeof options.stateFile === 'string') {
    try {
      return fs.readFileSync(options.stateFile, 'utf8');
    } catch (e) {
      if (e && e.code === 'ENOENT') return '';
      throw e;
    }
  }
  if (options.state === undefined || options.state === null) return undefined;
  if (typeof options.state === 'string') return options.state;
  if (typeof options.state === 'object') return JSON.stringify(options.state);
  throw new TypeError('logseal: verify state must be a state object or its JSON text');
}

/**
 * Verifies sealed NDJSON (what a sealing policy wrote) against a keyring, as `logseal verify`
 * does: `{ ok, records, problems, findings: [{ kind, problem, line, chain, seq, detail }], chains }`.
 * `keyring` is the keyring's JSON text or object, or `{ file }` to read it. `options.state` (a
 * previous report's `state`, or its JSON text) or `options.stateFile` (a `logseal verify
 * --state` file: read, then replaced with the new heads) checks each chain against the head
 * remembered from earlier runs; the report then holds the new `state`.
 */
function verify(ndjson, keyring, options = {}) {
  let text;
  if (keyring && typeof keyring === 'object' && typeof keyring.file === 'string') text = fs.readFileSync(keyring.file, 'utf8');
  else if (typeof keyring === 'string') text = keyring;
  else if (keyring && typeof keyring === 'object') text = JSON.stringify(keyring);
  else throw new TypeError('logseal: verify needs a keyring (JSON text, object, or { file })');
  if (typeof ndjson !== 'string') throw new TypeError('logseal: verify reads NDJSON text');
  const state = stateText(options || {});
  let report;
  try {
    report = JSON.parse(verifyCore(ndjson, text, state));
  } catch (e) {
    if (e instanceof PolicyFault) {
      const err = e.path === 'state' ? new Error(`verify state refused: ${e.problem}`) : new Error(`keyring refused: ${e.problem}`);
      err.code = e.path === 'state' ? 'LOGSEAL_STATE' : 'LOGSEAL_KEYRING';
      e.free();
      throw err;
    }
    throw e;
  }
  if (typeof options.stateFile === 'string') {
    // Written whole, then renamed over the old file, as the CLI does: a crash leaves the old heads.
    const tmp = `${options.stateFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(report.state) + '\n');
    fs.renameSync(tmp, options.stateFile);
  }
  return report;
}

/**
 * Compares two copies of a sealed stream (NDJSON text each), as `logseal verify --compare
 * LOCAL REMOTE`, without keys: `{ ok, differences, local_records, findings: [{ kind, problem,
 * input, line, chain, seq }] }`, `kind` one of `different`, `only_in_remote`,
 * `missing_from_remote`, `input` the copy (`local` or `remote`) the line is in.
 */
function compare(local, remote) {
  if (typeof local !== 'string' || typeof remote !== 'string') throw new TypeError('logseal: compare reads two NDJSON texts');
  return JSON.parse(compareCore(local, remote));
}

module.exports = { verify, compare, LogSeal, PolicyError, createFilter, pinoHooks, pinoDestination, winstonFormat, lineSplitter };
