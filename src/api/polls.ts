import { Router } from 'express';
import { NotFound } from '../domain/errors';
import { FanoutSettings } from '../campaigns/broadcasts';
import { createPoll, listPolls, pollResults, findPoll } from '../campaigns/polls';
import { Poll } from '../models';
import { Store } from '../store/types';
import { audit } from './audit';
import { requireRole } from './auth';
import { pageQuery, requestKey } from './broadcasts';
import { pollBody } from './bodies';
import { parseBody } from './validation';

function pollView(p: Poll) {
  return {
    id: p._id,
    broadcastId: p.broadcastId,
    question: p.question,
    options: p.options,
    opensAt: p.opensAt.toISOString(),
    closesAt: p.closesAt.toISOString(),
    reminderAt: p.reminderAt?.toISOString(),
    createdBy: p.createdBy,
    createdAt: p.createdAt.toISOString(),
  };
}

/** Polls: staff create them; anyone with a token lists them and reads results. */
export function pollsRouter(store: Store, settings: FanoutSettings, kick: () => void): Router {
  const r = Router();
  r.get('/', requireRole(store, 'viewer'), async (req, res) => {
    const q = parseBody(pageQuery, req.query);
    res.json({ items: (await listPolls(store, q)).map(pollView), ...q });
  });

  r.post('/', requireRole(store, 'staff'), async (req, res) => {
    const body = parseBody(pollBody, req.body);
    const { poll, replayed } = await createPoll(
      store,
      settings,
      {
        ...body,
        question: body.question as Record<string, string>,
        options: body.options as Record<string, string>[],
      },
      req.staff!.name,
      requestKey(req),
    );
    if (!replayed) {
      await audit(store, req.staff!, 'poll.create', poll._id, {
        options: poll.options.length,
        closesAt: poll.closesAt,
      });
      if (poll.opensAt.getTime() <= Date.now()) kick();
    }
    res.status(replayed ? 200 : 201).json({ replayed, ...pollView(poll) });
  });

  r.get('/:id/results', requireRole(store, 'viewer'), async (req, res) => {
    const poll = await findPoll(store, String(req.params.id));
    if (!poll) throw new NotFound('no such poll');
    res.json(await pollResults(store, poll, settings.defaultLanguage));
  });
  return r;
}
