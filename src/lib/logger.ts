import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; request, job and merchant ids are added by child loggers where they are known. */
export function createLogger(opts: { level: string; name?: string }): Logger {
  return pino({
    name: opts.name ?? 'afterglow',
    level: opts.level,
    base: { pid: process.pid },
    redact: { paths: ['req.headers.authorization', '*.apiKey', '*.secret'], censor: '[redacted]' },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
