import { Router } from 'express';
import { z } from 'zod';
import { MINERALS, UNITS, defaultUnitFor } from '../domain/minerals';
import { STAT_BUCKETS } from '../models';
import {
  PriceQuery,
  commonQuote,
  priceStatsExact,
  priceStatsFromRollups,
  priceTableExact,
  priceTableFromRollups,
  listConversions,
  addConversion,
} from '../stats/prices';
import { rebuildPriceRollups } from '../stats/rollups';
import { deliveryStats, reportCounts, ussdStats, voiceStats } from '../stats/reports';
import { Store } from '../store/types';
import { audit } from './audit';
import { requireRole } from './auth';
import { checkRange, dateRange, isoDate, parseBody, queryObject } from './validation';

const currency = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
  .transform((c) => c.toUpperCase());
const range = dateRange;

export const priceQuery = queryObject({
  mineral: z.enum(MINERALS),
  unit: z.enum(UNITS).optional(),
  currency: currency.optional(),
  region: z.string().trim().min(1).max(60).optional(),
  bucket: z.enum(STAT_BUCKETS).default('week'),
  method: z.enum(['rollup', 'exact']).default('rollup'),
  ...range,
});

/**
 * Answers a price statistics query. Without a currency or unit, the ones most reported
 * for the mineral in the region asked (else everywhere) are used, and said in the answer.
 */
export async function priceStats(store: Store, raw: unknown) {
  const q = parseBody(priceQuery, raw);
  checkRange(q);
  const common = !q.currency || !q.unit ? await commonQuote(store, q.mineral, q.region) : undefined;
  const query: PriceQuery = {
    mineral: q.mineral,
    unit: q.unit ?? common?.unit ?? defaultUnitFor(q.mineral),
    currency: q.currency ?? common?.currency ?? 'USD',
    region: q.region,
    bucket: q.bucket,
    from: q.from,
    to: q.to,
  };
  return q.method === 'exact' ? priceStatsExact(store, query) : priceStatsFromRollups(store, query);
}

const countQuery = queryObject({
  kind: z.enum(['issue', 'incident']).optional(),
  region: z.string().trim().min(1).max(60).optional(),
  ...range,
});

const conversionBody = z
  .object({
    from: z.string().trim(),
    to: z.string().trim(),
    factor: z.number().positive().finite(),
    validFrom: isoDate(),
  })
  .transform((b, ctx) => {
    const asUnit = (s: string) => (UNITS as readonly string[]).includes(s.toLowerCase());
    const asCurrency = (s: string) => /^[A-Za-z]{3}$/.test(s) && !asUnit(s);
    if (asUnit(b.from) && asUnit(b.to))
      return { ...b, kind: 'unit' as const, from: b.from.toLowerCase(), to: b.to.toLowerCase() };
    if (asCurrency(b.from) && asCurrency(b.to))
      return { ...b, kind: 'currency' as const, from: b.from.toUpperCase(), to: b.to.toUpperCase() };
    ctx.addIssue({
      code: 'custom',
      path: ['from'],
      message: `from and to must both be currencies (ISO 4217) or both units (${UNITS.join(', ')})`,
    });
    return z.NEVER;
  })
  .refine((b) => b.from !== b.to, { message: 'from and to are the same', path: ['to'] });

/** `/api/v1/stats/…`: prices, issue and incident counts, deliveries, and the conversion table. */
export function statsRouter(store: Store): Router {
  const r = Router();
  r.get('/prices', requireRole(store, 'viewer'), async (req, res) => {
    res.json(await priceStats(store, req.query));
  });

  r.get('/prices/table', requireRole(store, 'viewer'), async (req, res) => {
    const q = parseBody(
      queryObject({
        bucket: z.enum(STAT_BUCKETS).default('week'),
        method: z.enum(['rollup', 'exact']).default('rollup'),
        ...range,
      }),
      req.query,
    );
    const rows =
      q.method === 'exact' ? await priceTableExact(store, q) : await priceTableFromRollups(store, q);
    res.json({ method: q.method, bucket: q.bucket, rows });
  });

  r.post('/prices/rebuild', requireRole(store, 'admin'), async (req, res) => {
    const rollups = await rebuildPriceRollups(store);
    await audit(store, req.staff!, 'stats.rebuild', undefined, { rollups });
    res.json({ rollups });
  });

  r.get('/reports', requireRole(store, 'viewer'), async (req, res) => {
    res.json(await reportCounts(store, parseBody(countQuery, req.query)));
  });

  r.get('/deliveries', requireRole(store, 'viewer'), async (req, res) => {
    const q = parseBody(queryObject({ ...range, broadcastId: z.string().max(60).optional() }), req.query);
    const [items, ussd, voice] = await Promise.all([
      deliveryStats(store, q),
      q.broadcastId ? undefined : ussdStats(store, q),
      q.broadcastId ? undefined : voiceStats(store, q),
    ]);
    res.json({ items, ussd, voice });
  });

  r.get('/conversions', requireRole(store, 'viewer'), async (_req, res) => {
    const items = await listConversions(store);
    res.json({
      items: items.map((c) => ({
        id: c._id,
        kind: c.kind,
        from: c.from,
        to: c.to,
        factor: c.factor,
        validFrom: c.validFrom.toISOString(),
        setBy: c.setBy,
      })),
    });
  });

  r.post('/conversions', requireRole(store, 'staff'), async (req, res) => {
    const body = parseBody(conversionBody, req.body);
    const doc = await addConversion(store, req.staff!, body);
    res.status(201).json({ id: doc._id, ...body, validFrom: body.validFrom.toISOString() });
  });
  return r;
}
