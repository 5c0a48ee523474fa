import { Router } from 'express';
import { z } from 'zod';
import { pseudonym } from '../domain/privacy';
import { MINERALS, UNITS } from '../domain/minerals';
import { randomBytes } from 'node:crypto';
import { REPORT_KINDS, Report, STAFF_ROLES } from '../models';
import { Store } from '../store/types';
import { audit } from './audit';
import { hashToken, requireRole } from './auth';
import { parseBody } from './validation';

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
    confidential: r.confidential,
    urgent: r.urgent,
    mineral: r.mineral,
    amount: r.amount,
    currency: r.currency,
    unit: r.unit,
    purity: r.purity,
    placeOfSale: r.placeOfSale,
    category: r.category,
    description: r.description,
    incidentType: r.incidentType,
    injured: r.injured,
    dead: r.dead,
    occurred: r.occurred,
    place: r.place,
    site: r.site,
    region: r.region,
    country: r.country,
  };
}

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

const credentialBody = z.object({
  name: z.string().trim().min(1).max(80),
  role: z.enum(STAFF_ROLES),
});

/** The staff REST API under `/api/v1`. */
export function adminRouter(store: Store, pseudonymSecret: string): Router {
  const r = Router();
  r.get('/reports', requireRole(store, 'viewer'), async (req, res, next) => {
    try {
      const q = { data: parseBody(listQuery, req.query) };
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

  /** Staff publish a reference price; market replies (`PRICE GOLD?`) quote the latest one. */
  r.post('/prices/reference', requireRole(store, 'staff'), async (req, res, next) => {
    try {
      const body = parseBody(referenceBody, req.body);
      const doc = await store
        .collection('referencePrices')
        .insertOne({ ...body, publishedAt: new Date(), publishedBy: req.staff!.name });
      await audit(store, req.staff!, 'price.reference', doc._id, body);
      res.status(201).json({ id: doc._id, ...body, publishedAt: doc.publishedAt.toISOString() });
    } catch (err) {
      next(err);
    }
  });

  r.get('/prices/reference', requireRole(store, 'viewer'), async (_req, res, next) => {
    try {
      const items = await store
        .collection('referencePrices')
        .find({}, { sort: { publishedAt: -1 }, limit: 100 });
      res.json({
        items: items.map(({ _id, publishedAt, ...rest }) => ({
          id: _id,
          ...rest,
          publishedAt: publishedAt.toISOString(),
        })),
      });
    } catch (err) {
      next(err);
    }
  });

  /** Admins create staff and viewer tokens; the token is shown once and stored hashed. */
  r.post('/credentials', requireRole(store, 'admin'), async (req, res, next) => {
    try {
      const body = parseBody(credentialBody, req.body);
      const token = randomBytes(24).toString('base64url');
      const cred = await store.collection('credentials').insertOne({ ...body, tokenHash: hashToken(token) });
      await audit(store, req.staff!, 'credential.create', cred._id, body);
      res.status(201).json({ id: cred._id, name: cred.name, role: cred.role, token });
    } catch (err) {
      next(err);
    }
  });
  return r;
}
