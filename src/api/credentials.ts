import { Router } from 'express';
import { z } from 'zod';
import { STAFF_ROLES } from '../models';
import { TOPICS } from '../domain/topics';
import { createCredential, listCredentials, revokeCredential } from '../staff/credentials';
import { Store } from '../store/types';
import { requireRole } from './auth';
import { pageQuery } from './broadcasts';
import { parseBody, strictObject } from './validation';

/** Access tokens for the staff API and the dashboard (see `staff/credentials.ts`). */

/** A new credential: a name people recognise and a role (roles: admin, staff, viewer). */
export const credentialBody = strictObject({
  name: z.string().trim().min(1).max(80),
  role: z.enum(STAFF_ROLES),
  /** An expert's topics: the questions they will see. */
  topics: z.array(z.enum(TOPICS)).max(TOPICS.length).optional(),
}).refine((b) => b.role !== 'expert' || (b.topics?.length ?? 0) > 0, {
  message: 'topics: an expert needs at least one topic',
  path: ['topics'],
});

/** `/api/v1/credentials`: admins create, list and revoke access tokens. */
export function credentialsRouter(store: Store): Router {
  const r = Router();
  r.get('/', requireRole(store, 'admin'), async (req, res) => {
    const q = parseBody(pageQuery, req.query);
    res.json({ items: await listCredentials(store, q), ...q });
  });
  r.post('/', requireRole(store, 'admin'), async (req, res) => {
    res.status(201).json(await createCredential(store, req.staff!, parseBody(credentialBody, req.body)));
  });
  r.delete('/:id', requireRole(store, 'admin'), async (req, res) => {
    res.json(await revokeCredential(store, req.staff!, String(req.params.id)));
  });
  return r;
}
