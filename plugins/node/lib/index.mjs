// ESM entry: the same module instance as `require('logseal')`.
import m from './index.js';
export const { verify, compare, LogSeal, PolicyError, createFilter, pinoHooks, pinoDestination, winstonFormat } = m;
export default m;
