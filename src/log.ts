import pino, { Logger } from 'pino';
import { maskPhones } from './domain/privacy';

/* eslint-disable @typescript-eslint/no-explicit-any */

function errorView(e: Error): Record<string, unknown> {
  return {
    type: e.name,
    message: maskPhones(e.message),
    code: (e as any).code,
    stack: e.stack ? maskPhones(e.stack) : undefined,
  };
}

/**
 * Masks phone-shaped text in plain data. Objects that are not plain (a request, a
 * response) are left to their serializers: copying them would lose what their getters
 * say (a response's status code) and cost a deep walk of a socket.
 */
function scrub(v: any, depth = 0): any {
  if (typeof v === 'string') return maskPhones(v);
  if (!v || typeof v !== 'object' || depth > 6) return v;
  if (v instanceof Error) return errorView(v);
  if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = scrub(x, depth + 1);
  return out;
}

/**
 * The service's logger: JSON lines (pino). Tokens and secrets are redacted by path, and
 * every string is scrubbed of anything shaped like a phone number, so no number reaches a log.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'chimba' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          'req.headers["x-twilio-signature"]',
          'req.headers["x-telegram-bot-api-secret-token"]',
          'token',
          '*.token',
          '*.authToken',
          '*.password',
        ],
        censor: '[redacted]',
      },
      serializers: { err: (e) => (e instanceof Error ? errorView(e) : scrub(e)) },
      formatters: { log: (obj) => scrub(obj) },
      hooks: {
        logMethod(args, method) {
          let list: unknown[] = args;
          // A bare Error: pino would copy its (unscrubbed) message into msg.
          if (list[0] instanceof Error)
            list = [{ err: list[0] }, ...(list.length > 1 ? list.slice(1) : [list[0].message])];
          const scrubbed = list.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}

export type { Logger };

/**
 * A logger for node-cron in our JSON format (node-cron's own writes coloured text to the
 * console, which breaks a JSON log).
 */
export function cronLogger(log: Logger) {
  const child = log.child({ component: 'node-cron' });
  const write =
    (level: 'info' | 'warn' | 'error' | 'debug') =>
    (message: unknown, err?: unknown): void => {
      if (message instanceof Error) child[level]({ err: message }, message.message);
      else child[level](err instanceof Error ? { err } : {}, String(message));
    };
  return { info: write('info'), warn: write('warn'), error: write('error'), debug: write('debug') };
}
