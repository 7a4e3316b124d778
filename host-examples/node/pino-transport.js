// pino's transport: logseal filters in pino's worker thread, then writes to stdout.
// Run: node pino-transport.js  (after `npm install logseal pino`)
'use strict';
const pino = require('pino');

const transport = pino.transport({ target: 'logseal/pino-transport', options: { destination: 1 } });
const logger = pino({}, transport);
logger.info({ user: 'alice', password: 'hunter2-secret' }, 'login');
logger.warn({ card: '4111 1111 1111 1111' }, 'payment');
