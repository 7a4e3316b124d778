// ESM entry: the same module instance as `require('logseal')`.
import m from './index.js';
export const { verify, LogSeal, PolicyError, createFilter, pinoHooks, pinoDestination, winstonFormat } = m;
export default m;
