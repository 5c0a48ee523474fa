import { Request, Router } from 'express';
import { z } from 'zod';
import { BadRequest, NotFound } from '../domain/errors';
import {
  FanoutSettings,
  cancelBroadcast,
  listBroadcasts,
  previewBroadcast,
  findBroadcast,
  broadcastView,
  startBroadcast,
} from '../campaigns/broadcasts';
import { deliveryStats } from '../stats/reports';
import { Store } from '../store/types';
import { audit } from './audit';
import { Staff, requireRole } from './auth';
import { broadcastBody } from './bodies';
import { parseBody, queryObject } from './validation';

/**
 * The idempotency key of a creation: the `Idempotency-Key` header (API) or the form's
 * one-time id (dashboard), scoped to who sends it. The same key twice creates one thing.
 */
export function idempotencyKey(staff: Staff, given: unknown): string | undefined {
  if (given === undefined || given === '') return undefined;
  if (typeof given !== 'string' || !/^[\x21-\x7e]{8,200}$/.test(given))
    throw new BadRequest('Idempotency-Key: 8 to 200 visible ASCII characters (a UUID, say)');
  return `${staff.id}:${given}`;
}

/** The key of an API request, from its `Idempotency-Key` header. */
export function requestKey(req: Request): string | undefined {
  return idempotencyKey(req.staff!, req.get('idempotency-key'));
}

/** Previews a broadcast body: recipients (per language: own text, fallback or none), segments, cost. */
export async function previewFromBody(store: Store, settings: FanoutSettings, raw: unknown) {
  const body = parseBody(broadcastBody, raw);
  return previewBroadcast(store, { ...body, text: body.text as Record<string, string> }, settings);
}

/**
 * Creates a broadcast from a request body (API or dashboard), audited; due now → sent at
 * once. The same idempotency key again returns the first one (`replayed: true`).
 */
export async function createBroadcast(
  store: Store,
  settings: FanoutSettings,
  staff: Staff,
  raw: unknown,
  kick: () => void,
  key?: string,
) {
  const body = parseBody(broadcastBody, raw);
  const made = await startBroadcast(
    store,
    settings,
    staff,
    { ...body, text: body.text as Record<string, string> },
    key,
  );
  if (made.due) kick();
  return { replayed: made.replayed, ...made.view };
}

/** A page of a list: newest first. */
export const pageQuery = queryObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** Broadcasts: list, preview, create (now or scheduled), follow, cancel. */
export function broadcastsRouter(store: Store, settings: FanoutSettings, kick: () => void): Router {
  const r = Router();

  r.get('/', requireRole(store, 'viewer'), async (req, res) => {
    const q = parseBody(pageQuery, req.query);
    const items = await listBroadcasts(store, q);
    res.json({ items: await Promise.all(items.map((b) => broadcastView(store, b))), ...q });
  });

  r.post('/preview', requireRole(store, 'staff'), async (req, res) => {
    res.json(await previewFromBody(store, settings, req.body));
  });

  r.post('/', requireRole(store, 'staff'), async (req, res) => {
    const out = await createBroadcast(store, settings, req.staff!, req.body, kick, requestKey(req));
    res.status(out.replayed ? 200 : 201).json(out);
  });

  r.get('/:id', requireRole(store, 'viewer'), async (req, res) => {
    const b = await findBroadcast(store, String(req.params.id));
    if (!b) throw new NotFound('no such broadcast');
    res.json({
      ...(await broadcastView(store, b)),
      byChannel: await deliveryStats(store, { broadcastId: b._id }),
    });
  });

  r.post('/:id/cancel', requireRole(store, 'staff'), async (req, res) => {
    const result = await cancelBroadcast(store, String(req.params.id));
    if (!result) throw new NotFound('no broadcast to cancel (unknown, done or already cancelled)');
    await audit(store, req.staff!, 'broadcast.cancel', String(req.params.id), result);
    res.json({ id: req.params.id, state: 'cancelled', ...result });
  });
  return r;
}
