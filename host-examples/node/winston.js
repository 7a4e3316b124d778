// winston with logseal: the format goes last, after format.json(), so it filters the very
// line the transport writes. Run: node winston.js  (after `npm install logseal winston`)
'use strict';
const winston = require('winston');
const { LogSeal, winstonFormat } = require('logseal');

const logger = winston.createLogger({
  format: winston.format.combine(winston.format.timestamp(), winston.format.json(), winstonFormat(new LogSeal())),
  transports: [new winston.transports.Console()],
});

logger.info('login', { user: 'alice', password: 'hunter2-secret' });
logger.warn('card 4111 1111 1111 1111 used');
logger.error('forged\n{"level":"info","message":"admin logged in"}');
