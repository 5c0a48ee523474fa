import { Router } from 'express';
import { z } from 'zod';
import { LANGUAGES } from '../domain/language';
import { NotFound } from '../domain/errors';
import {
  FanoutSettings,
  broadcastCounts,
  cancelBroadcast,
  finishBroadcast,
  previewBroadcast,
  resolveAudience,
} from '../campaigns/broadcasts';
import { deliveryStats } from '../stats/reports';
import { Store } from '../store/types';
import { audit } from './audit';
import { Staff, requireRole } from './auth';
import { parseBody } from './validation';

const list = z.array(z.string().trim().min(1).max(60)).max(200).default([]);

/** An audience in a request body: every list optional, empty meaning everyone. */
export const audienceBody = z
  .object({
    regions: list,
    sites: list,
    minerals: list,
    roles: list,
    languages: z.array(z.enum(LANGUAGES)).default([]),
    channels: z.array(z.enum(['sms', 'telegram'])).default([]),
  })
  .default({ regions: [], sites: [], minerals: [], roles: [], languages: [], channels: [] });

/** Text by language: at least one of Chimba's languages, each a non-empty message. */
export const textsBody = z
  .partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(1600))
  .refine((t) => Object.keys(t).length > 0, { message: 'give the text in at least one language' });

export const broadcastBody = z.object({
  text: textsBody,
  audience: audienceBody,
  priority: z.enum(['alert', 'bulk']).default('bulk'),
  sendAt: z.coerce.date().optional(),
});

/** Previews a broadcast body: recipients, segments per language, cost. */
export async function previewFromBody(store: Store, settings: FanoutSettings, raw: unknown) {
  const body = parseBody(broadcastBody, raw);
  return previewBroadcast(
    store,
    { text: body.text as Record<string, string>, audience: body.audience },
    settings,
  );
}

/** Creates a broadcast from a request body (API or dashboard), audited; due now → sent at once. */
export async function createBroadcast(
  store: Store,
  settings: FanoutSettings,
  staff: Staff,
  raw: unknown,
  kick: () => void,
) {
  const body = parseBody(broadcastBody, raw);
  const { recipients, excluded } = await resolveAudience(store, body.audience, settings.defaultLanguage);
  const b = await store.collection('broadcasts').insertOne({
    text: body.text as Record<string, string>,
    audience: body.audience,
    priority: body.priority,
    sendAt: body.sendAt ?? new Date(),
    createdBy: staff.name,
  });
  await audit(store, staff, 'broadcast.create', b._id, {
    recipients: recipients.length,
    excluded,
    priority: b.priority,
    sendAt: b.sendAt,
    languages: Object.keys(b.text),
  });
  if (b.sendAt.getTime() <= Date.now()) kick();
  return {
    id: b._id,
    state: b.state,
    sendAt: b.sendAt.toISOString(),
    recipients: recipients.length,
    excluded,
  };
}

/** Broadcasts: preview, create (now or scheduled), follow, cancel. */
export function broadcastsRouter(store: Store, settings: FanoutSettings, kick: () => void): Router {
  const r = Router();

  r.post('/preview', requireRole(store, 'staff'), async (req, res, next) => {
    try {
      res.json(await previewFromBody(store, settings, req.body));
    } catch (err) {
      next(err);
    }
  });

  r.post('/', requireRole(store, 'staff'), async (req, res, next) => {
    try {
      res.status(201).json(await createBroadcast(store, settings, req.staff!, req.body, kick));
    } catch (err) {
      next(err);
    }
  });

  r.get('/:id', requireRole(store, 'viewer'), async (req, res, next) => {
    try {
      const b = await store.collection('broadcasts').findOne({ _id: String(req.params.id) });
      if (!b) throw new NotFound('no such broadcast');
      res.json({
        id: b._id,
        state: await finishBroadcast(store, b),
        priority: b.priority,
        sendAt: b.sendAt.toISOString(),
        recipients: b.recipients,
        excluded: b.excluded,
        counts: await broadcastCounts(store, b._id),
        byChannel: await deliveryStats(store, { broadcastId: b._id }),
      });
    } catch (err) {
      next(err);
    }
  });

  r.post('/:id/cancel', requireRole(store, 'staff'), async (req, res, next) => {
    try {
      const result = await cancelBroadcast(store, String(req.params.id));
      if (!result) throw new NotFound('no broadcast to cancel (unknown, done or already cancelled)');
      await audit(store, req.staff!, 'broadcast.cancel', String(req.params.id), result);
      res.json({ id: req.params.id, state: 'cancelled', ...result });
    } catch (err) {
      next(err);
    }
  });
  return r;
}
