import { Router } from 'express';
import { z } from 'zod';
import { Store } from '../store/types';
import { Staff, requireRole } from './auth';
import { isoDate, parseBody, queryObject } from './validation';

/** Writes one audit entry: who, what, on what, with which numbers. */
export async function audit(
  store: Store,
  who: Staff,
  action: string,
  target?: string,
  details?: Record<string, unknown>,
): Promise<void> {
  await store
    .collection('audit')
    .insertOne({ actor: who.name, role: who.role, action, target, details, at: new Date() });
}

const query = queryObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: isoDate().optional(),
});

/** `GET /api/v1/audit`: admin only, newest first. */
export function auditRouter(store: Store): Router {
  const r = Router();
  r.get('/', requireRole(store, 'admin'), async (req, res, next) => {
    try {
      const q = parseBody(query, req.query);
      const items = await store
        .collection('audit')
        .find(q.before ? { at: { $lt: q.before } } : {}, { sort: { at: -1 }, limit: q.limit });
      res.json({ items: items.map(({ _id, at, ...rest }) => ({ id: _id, at: at.toISOString(), ...rest })) });
    } catch (err) {
      next(err);
    }
  });
  return r;
}
