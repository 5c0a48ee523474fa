import { Router } from 'express';
import { z } from 'zod';
import { BadRequest } from '../domain/errors';
import { pseudonym } from '../domain/privacy';
import { REPORT_KINDS, Report } from '../models';
import { Store } from '../store/types';
import { requireRole } from './auth';

const listQuery = z.object({
  kind: z.enum(REPORT_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.date().optional(),
});

/** A report as staff see it: no phone number, and for anonymous reports nothing about the sender. */
export function reportView(r: Report, secret: string) {
  return {
    id: r._id,
    kind: r.kind,
    reference: r.reference,
    createdAt: r.createdAt.toISOString(),
    anonymous: r.anonymous,
    state: r.state,
    channel: r.channel,
    language: r.language,
    contact: !r.anonymous && r.contactId ? pseudonym(secret, r.contactId) : undefined,
    mineral: r.mineral,
    amount: r.amount,
    currency: r.currency,
    unit: r.unit,
    placeOfSale: r.placeOfSale,
    site: r.site,
    region: r.region,
    country: r.country,
  };
}

/** The staff REST API under `/api/v1`. */
export function adminRouter(store: Store, pseudonymSecret: string): Router {
  const r = Router();
  r.get('/reports', requireRole(store, 'viewer'), async (req, res, next) => {
    try {
      const q = listQuery.safeParse(req.query);
      if (!q.success)
        throw new BadRequest(
          `invalid query: ${q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      const filter: Record<string, unknown> = {};
      if (q.data.kind) filter.kind = q.data.kind;
      if (q.data.before) filter.createdAt = { $lt: q.data.before };
      const items = await store
        .collection('reports')
        .find(filter, { sort: { createdAt: -1 }, limit: q.data.limit });
      res.json({ items: items.map((i) => reportView(i, pseudonymSecret)) });
    } catch (err) {
      next(err);
    }
  });
  return r;
}
