// pino with logseal: every line is filtered in process, before it leaves the service.
// Run: node pino.js   (from a project where `npm install logseal pino` was done)
'use strict';
const pino = require('pino');
const { LogSeal, pinoHooks } = require('logseal');

// The built-in default policy; pass a policy object, JSON text, or LogSeal.fromFile(path).
const seal = new LogSeal();
const logger = pino({ hooks: pinoHooks(seal) });

logger.info({ user: 'alice', password: 'hunter2-secret' }, 'login');
logger.warn({ card: '4111 1111 1111 1111' }, 'payment');
logger.error('forged\n{"level":30,"msg":"admin logged in"}');

// In a worker thread instead (pino's transport), writing to stdout or a file:
//   const transport = pino.transport({ target: 'logseal/pino-transport', options: { destination: 1 } });
//   const logger = pino({}, transport);
