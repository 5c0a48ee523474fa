import { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import { BadRequest, UnsupportedMediaType, describeIssues } from '../domain/errors';

/** Parses a request body or query with zod; a failure is a 400 naming each field and what is wrong. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    throw new BadRequest(
      describeIssues(parsed.error),
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

/**
 * An object that refuses keys it does not know, naming them and listing the valid ones:
 * a misspelt or unsupported key (`"countries"` before it existed) must never be ignored
 * silently, since ignoring an audience key means sending to everyone.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T, what = 'key') {
  const valid = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys'
        ? `unknown ${what}${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => `"${k}"`).join(', ')}; valid: ${valid}`
        : undefined,
  });
}

/** A query string schema: unknown parameters are a 400 listing the valid ones. */
export function queryObject<T extends z.ZodRawShape>(shape: T) {
  return strictObject(shape, 'query parameter');
}

/** The date example every date error shows. */
export const DATE_EXAMPLE = '2027-02-01 or 2027-02-01T09:00:00Z';

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Reads an ISO 8601 date (`2027-02-01`) or date-time (`2027-02-01T09:00:00Z`, an offset, or
 * none: UTC). Anything else (`01/02/2027`, which one reader takes for January and another
 * for February) is refused. `dateOnly` says whether a time was given.
 */
export function readIsoDate(v: unknown): { date: Date; dateOnly: boolean } | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : { date: v, dateOnly: false };
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const m = ISO_8601.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, zone] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return undefined;
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(sec ?? 0) > 59)) return undefined;
  const text = h === undefined ? `${y}-${mo}-${d}T00:00:00Z` : `${s.replace(' ', 'T')}${zone ? '' : 'Z'}`;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) return undefined;
  // 2027-02-31 rolls over to March in Date: refuse it
  if (h === undefined && date.getUTCDate() !== Number(d)) return undefined;
  return { date, dateOnly: h === undefined };
}

/**
 * An ISO 8601 date field. `end: true` makes it the end of a range, inclusive: a day
 * (`to=2027-02-01`) covers that whole day; the result is the exclusive bound (`$lt`).
 */
export function isoDate(opts: { end?: boolean } = {}) {
  return z.unknown().transform((v, ctx): Date => {
    if (v === undefined || v === null || v === '') {
      ctx.addIssue({ code: 'custom', message: `required: a date such as ${DATE_EXAMPLE}` });
      return z.NEVER;
    }
    const read = readIsoDate(v);
    if (!read) {
      ctx.addIssue({
        code: 'custom',
        message: `expected an ISO 8601 date such as ${DATE_EXAMPLE}, received ${JSON.stringify(v)}`,
      });
      return z.NEVER;
    }
    if (!opts.end) return read.date;
    return new Date(read.date.getTime() + (read.dateOnly ? 86_400_000 : 1));
  });
}

/** A date range of a query: `from` inclusive, `to` inclusive of its whole day (stored as the exclusive bound). */
export const dateRange = {
  from: isoDate().optional(),
  to: isoDate({ end: true }).optional(),
};

/** A range whose `from` comes after its `to` is refused rather than answered with nothing. */
export function checkRange(q: { from?: Date; to?: Date }): void {
  if (q.from && q.to && q.from >= q.to) throw new BadRequest('from: must be before to');
}

/**
 * The staff API speaks JSON: a body sent as a form (or anything else) is a 415 saying
 * so, instead of a confusing "expected object" about fields that were sent.
 */
export function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody =
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    next(
      new UnsupportedMediaType(
        `send JSON with Content-Type: application/json (received ${req.headers['content-type'] ?? 'no Content-Type'})`,
      ),
    );
    return;
  }
  next();
}
