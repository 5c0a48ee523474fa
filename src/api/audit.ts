import { Router } from 'express';
import { z } from 'zod';
import { audit, listAudit } from '../staff/audit';
import { Store } from '../store/types';
import { requireRole } from './auth';
import { isoDate, parseBody, queryObject } from './validation';

export { audit };

const query = queryObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: isoDate().optional(),
});

/** `GET /api/v1/audit`: admin only, newest first. */
export function auditRouter(store: Store): Router {
  const r = Router();
  r.get('/', requireRole(store, 'admin'), async (req, res) => {
    const q = parseBody(query, req.query);
    const items = await listAudit(store, q);
    res.json({ items: items.map(({ _id, at, ...rest }) => ({ id: _id, at: at.toISOString(), ...rest })) });
  });
  return r;
}
