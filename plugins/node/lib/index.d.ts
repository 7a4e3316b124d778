// Type declarations of the logseal npm package.

/** Options of a LogSeal filter. */
export interface LogSealOptions {
  /** Secrets for `env:NAME` key references (base64), looked up before `env`. */
  keys?: Record<string, string>;
  /** Environment for `env:NAME` references; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Directory that relative `file:` key references resolve from; default the working directory. */
  baseDir?: string;
  /** Receives the core's warnings (demo keys, ...); default `process.emitWarning`. */
  onWarning?: (message: string) => void;
  /** Tests only: the host time of every record, nanoseconds since the epoch (like `logseal filter --time-ns`). */
  timeNs?: bigint | number | string;
  /** Tests only: 32 hex digits that start a sealing policy's chain (like `logseal filter --chain-seed`). */
  chainSeed?: string;
}

/** Counters since the filter was made. */
export interface LogSealStats {
  records: number;
  emitted: number;
  dropped: number;
  errors: number;
  cut: number;
  sampled_out: number;
  rate_limited: number;
  duplicates: number;
  evictions: number;
  sealed: number;
  /** Values redacted, per detector kind (`card`, `email`, `body`, `denied`, ...) and per
   * custom rule name; kinds with no redaction are left out. */
  redacted: Record<string, number>;
  /** Records withheld because the wasm module failed (a logseal bug). */
  failures: number;
}

/** A policy the core refused. */
export class PolicyError extends Error {
  readonly name: 'PolicyError';
  /** JSON path of the fault, such as `$.limits.max_depth` (`$`: the document). */
  readonly path: string;
  /** What is wrong at `path`. */
  readonly problem: string;
}

/** A JSON value as a record holds it. */
export type JsonObject = { [key: string]: unknown };

/** One filter: a compiled policy, its hash chain and counters. */
export class LogSeal {
  /** @throws {PolicyError} when the policy is refused */
  constructor(policy?: string | object, options?: LogSealOptions);
  /** Loads a policy file; its `file:` key references resolve from its directory. */
  static fromFile(file: string, options?: LogSealOptions): LogSeal;
  /** One record (object or JSON text) in; the filtered object out, or null when sampled away. */
  filter(record: object | string): JsonObject | null;
  /** One line in; the filtered JSON line out (no line end), or null when sampled away. */
  filterLine(line: string): string | null;
  /** NDJSON in; the kept records out, each ending in `\n` (the output of `logseal filter`). */
  filterBatch(ndjson: string): string;
  stats(): LogSealStats;
  /** Whether the policy seals and its hash chain is running. */
  readonly sealing: boolean;
}

/** `new LogSeal(policy, options)`. */
export function createFilter(options?: LogSealOptions & { policy?: string | object }): LogSeal;

/** What the integrations accept: a filter, or the arguments of `createFilter`. */
export type SealLike = LogSeal | (LogSealOptions & { policy?: string | object });

/** pino `hooks` that filter each line: `pino({ hooks: pinoHooks(seal) })`. */
export function pinoHooks(seal?: SealLike): { streamWrite(line: string): string };

/** A pino destination that filters each line, then writes it to `dest` (default stdout). */
export function pinoDestination(
  seal?: SealLike,
  dest?: { write(text: string): unknown; end?(): unknown },
): { write(chunk: string): boolean; flushSync(): void; end(): void };

/** A winston format (last in `format.combine`) that filters the final line. */
export function winstonFormat(seal?: SealLike): {
  transform(info: { [key: string | symbol]: any }): { [key: string | symbol]: any } | false;
};

/** One finding of `verify`. */
export interface VerifyFinding {
  /** modified, inserted, deleted, reordered, replayed, chain_break, unknown_key, unsealed, ... */
  kind: string;
  /** Problems fail verification; notes (duplicate, declared_gap, ...) do not. */
  problem: boolean;
  /** 1-based input line, 0 when not tied to one. */
  line: number;
  chain: string | null;
  seq: number | null;
  detail: string;
}

/** What `verify` found. */
export interface VerifyReport {
  ok: boolean;
  records: number;
  problems: number;
  findings: VerifyFinding[];
  chains: Array<{ chain: string; kid: string; verified: number; first_seq: number; last_seq: number; duplicates: number; declared_dropped: number; last_checkpoint: number | null }>;
  /** The new heads, when `state` or `stateFile` was given: keep it for the next run. */
  state?: VerifyState;
}

/** Each chain's verified head, as a `logseal verify --state` file holds it. */
export interface VerifyState {
  version: number;
  chains: { [chain: string]: { seq: number; mac: string } };
}

/** Options of `verify`. */
export interface VerifyOptions {
  /** Heads remembered from an earlier run (a report's `state`, or its JSON text). */
  state?: VerifyState | string;
  /** A `logseal verify --state` file: read (missing: the first run), then replaced by the new heads. */
  stateFile?: string;
}

/** One difference `compare` found. */
export interface CompareFinding {
  kind: 'different' | 'only_in_remote' | 'missing_from_remote';
  problem: boolean;
  /** The copy the line is in. */
  input: 'local' | 'remote';
  /** 1-based line in that copy. */
  line: number;
  chain: string;
  seq: number;
}

/** What `compare` found. */
export interface CompareReport {
  ok: boolean;
  differences: number;
  local_records: number;
  findings: CompareFinding[];
}

/**
 * Verifies sealed NDJSON against a keyring (JSON text, object, or `{ file }`), as `logseal verify`.
 * `options.state` / `options.stateFile` check each chain against heads remembered from earlier runs (`--state`).
 * @throws {Error} code `LOGSEAL_KEYRING` when the keyring is unreadable or holds no seal key;
 *   code `LOGSEAL_STATE` when the state is not a verify state
 */
export function verify(ndjson: string, keyring: string | object | { file: string }, options?: VerifyOptions): VerifyReport;

/** Compares two copies of a sealed stream, as `logseal verify --compare LOCAL REMOTE` (no keys needed). */
export function compare(local: string, remote: string): CompareReport;
