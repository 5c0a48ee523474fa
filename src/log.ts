import pino, { Logger } from 'pino';
import { maskPhones } from './domain/privacy';

/* eslint-disable @typescript-eslint/no-explicit-any */

function scrub(v: any, depth = 0): any {
  if (typeof v === 'string') return maskPhones(v);
  if (!v || typeof v !== 'object' || depth > 6) return v;
  if (v instanceof Error) return { type: v.name, message: maskPhones(v.message), code: (v as any).code };
  if (Array.isArray(v)) return v.map((x) => scrub(x, depth + 1));
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
          'req.headers["x-twilio-signature"]',
          'req.headers["x-telegram-bot-api-secret-token"]',
          '*.token',
          '*.authToken',
          '*.password',
        ],
        censor: '[redacted]',
      },
      formatters: { log: (obj) => scrub(obj) },
      hooks: {
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? maskPhones(a) : a)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
    },
    destination,
  );
}

export type { Logger };
