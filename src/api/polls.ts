import { Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../domain/errors';
import { FanoutSettings } from '../campaigns/broadcasts';
import { createPoll, pollResults } from '../campaigns/polls';
import { Store } from '../store/types';
import { audit } from './audit';
import { requireRole } from './auth';
import { audienceBody, textsBody } from './broadcasts';
import { parseBody } from './validation';

const pollBody = z
  .object({
    question: textsBody,
    options: z.array(textsBody).min(2, 'a poll needs 2 to 9 options').max(9, 'a poll needs 2 to 9 options'),
    audience: audienceBody,
    opensAt: z.coerce.date().optional(),
    closesAt: z.coerce.date(),
    reminderAt: z.coerce.date().optional(),
  })
  .superRefine((p, ctx) => {
    const opens = p.opensAt ?? new Date();
    if (p.closesAt <= opens)
      ctx.addIssue({ code: 'custom', path: ['closesAt'], message: 'must be after opensAt' });
    if (p.reminderAt && (p.reminderAt <= opens || p.reminderAt >= p.closesAt)) {
      ctx.addIssue({ code: 'custom', path: ['reminderAt'], message: 'must be between opensAt and closesAt' });
    }
    for (const lang of Object.keys(p.question)) {
      p.options.forEach((o, i) => {
        if (!(lang in o))
          ctx.addIssue({ code: 'custom', path: ['options', i, lang], message: `missing the ${lang} label` });
      });
    }
  });

/** Polls: staff create them; anyone with a token reads results. */
export function pollsRouter(store: Store, settings: FanoutSettings, kick: () => void): Router {
  const r = Router();
  r.post('/', requireRole(store, 'staff'), async (req, res, next) => {
    try {
      const body = parseBody(pollBody, req.body);
      const poll = await createPoll(
        store,
        {
          question: body.question as Record<string, string>,
          options: body.options as Record<string, string>[],
          audience: body.audience,
          opensAt: body.opensAt ?? new Date(),
          closesAt: body.closesAt,
          reminderAt: body.reminderAt,
        },
        req.staff!.name,
      );
      await audit(store, req.staff!, 'poll.create', poll._id, {
        options: poll.options.length,
        closesAt: poll.closesAt,
      });
      if (poll.opensAt.getTime() <= Date.now()) kick();
      res.status(201).json({
        id: poll._id,
        broadcastId: poll.broadcastId,
        opensAt: poll.opensAt.toISOString(),
        closesAt: poll.closesAt.toISOString(),
      });
    } catch (err) {
      next(err);
    }
  });

  r.get('/:id/results', requireRole(store, 'viewer'), async (req, res, next) => {
    try {
      const poll = await store.collection('polls').findOne({ _id: String(req.params.id) });
      if (!poll) throw new NotFound('no such poll');
      res.json(await pollResults(store, poll, settings.defaultLanguage));
    } catch (err) {
      next(err);
    }
  });
  return r;
}
