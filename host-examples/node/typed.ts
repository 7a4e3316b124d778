// A typed use of the logseal package; the package tests compile it with `tsc --noEmit --strict`.
import { LogSeal, PolicyError, createFilter, pinoHooks, winstonFormat, type LogSealStats } from 'logseal';

const seal = new LogSeal({ version: 1 }, { keys: { LOGSEAL_SEAL_KEY: 'base64-secret' } });
const line: string | null = seal.filterLine('{"password":"hunter2"}');
const batch: string = seal.filterBatch('{"a":1}\n{"b":2}\n');
const record = seal.filter({ user: 'alice', card: '4111 1111 1111 1111' });
if (record !== null) console.log(record.logseal);
const stats: LogSealStats = seal.stats();
console.log(line, batch, stats.records + stats.failures, seal.sealing);

try {
  LogSeal.fromFile('policy.json', { timeNs: 1n });
} catch (e) {
  if (e instanceof PolicyError) console.error(e.path, e.problem);
}

const hooks = pinoHooks(createFilter({ policy: '{"version":1}' }));
const out: string = hooks.streamWrite('{"msg":"x"}\n');
const format = winstonFormat({ chainSeed: '000102030405060708090a0b0c0d0e0f' });
console.log(out, format.transform({ level: 'info', message: 'x' }));
import { verify, compare, type VerifyState } from 'logseal';
const report = verify('', { file: 'keyring.json' });
console.log(report.ok, report.findings.map((f) => f.kind + ':' + f.line));
const state: VerifyState | undefined = verify('', { file: 'keyring.json' }, { stateFile: 'verify-state.json' }).state;
const next = verify('', '{"version":1,"keys":[]}', { state });
const diff = compare('', '');
console.log(next.ok, diff.differences, diff.findings.map((f) => `${f.input}:${f.line} ${f.kind} ${f.chain}#${f.seq}`));
