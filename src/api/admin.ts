import path from 'node:path';
import { Router } from 'express';
import { NotImplemented } from '../domain/errors';
import { backupName } from '../store/backup';
import { z } from 'zod';
import { MINERALS, UNITS } from '../domain/minerals';
import { Store } from '../store/types';
import { audit } from './audit';
import { requireRole } from './auth';
import { parseBody } from './validation';
import { publishReferencePrice, listReferencePrices } from '../stats/referencePrices';

const referenceBody = z.object({
  mineral: z.enum(MINERALS),
  amount: z.number().positive().max(1e12),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code')
    .transform((c) => c.toUpperCase()),
  unit: z.enum(UNITS),
  region: z.string().trim().min(1).max(60).optional(),
  source: z.string().trim().max(120).optional(),
});

/** The staff REST API under `/api/v1`. */
export function adminRouter(store: Store, backupDir?: string): Router {
  const r = Router();
  /** Staff publish a reference price; market replies (`PRICE GOLD?`) quote the latest one. */
  r.post('/prices/reference', requireRole(store, 'staff'), async (req, res) => {
    const body = parseBody(referenceBody, req.body);
    const doc = await publishReferencePrice(store, req.staff!, body);
    res.status(201).json({ id: doc._id, ...body, publishedAt: doc.publishedAt.toISOString() });
  });

  r.get('/prices/reference', requireRole(store, 'viewer'), async (_req, res) => {
    const items = await listReferencePrices(store, 100);
    res.json({
      items: items.map(({ _id, publishedAt, ...rest }) => ({
        id: _id,
        ...rest,
        publishedAt: publishedAt.toISOString(),
      })),
    });
  });

  /** Admins take a consistent backup of the embedded store while it runs (`npm run backup` calls this). */
  r.post('/backups', requireRole(store, 'admin'), async (req, res) => {
    if (!store.backup || !backupDir)
      throw new NotImplemented(
        'this store is MongoDB: back it up with mongodump (see docs/operating.md, "Backups"), not through Chimba',
      );
    const result = await store.backup(path.join(backupDir, backupName()));
    await audit(store, req.staff!, 'store.backup', path.basename(result.file), { bytes: result.bytes });
    res.status(201).json(result);
  });

  return r;
}
