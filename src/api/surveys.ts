import { Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../domain/errors';
import { FanoutSettings } from '../campaigns/broadcasts';
import { createSurvey, surveyResults } from '../campaigns/surveys';
import { Store } from '../store/types';
import { audit } from './audit';
import { requireRole } from './auth';
import { audienceBody, textsBody } from './broadcasts';
import { parseBody } from './validation';

const question = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,29}$/, 'lower-case letters, digits and _, at most 30'),
    type: z.enum(['choice', 'number', 'yesno', 'text']),
    text: textsBody,
    options: z.array(textsBody).min(2).max(9).optional(),
  })
  .refine((q) => (q.type === 'choice') === !!q.options, {
    message: 'choice questions need 2 to 9 options, other types none',
    path: ['options'],
  });

const surveyBody = z.object({
  title: z.string().trim().min(1).max(120),
  questions: z
    .array(question)
    .min(1)
    .max(20)
    .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, {
      message: 'question ids must be unique',
    }),
  audience: audienceBody,
  sendAt: z.coerce.date().optional(),
});

/** Surveys: multi-question polls stored as flows, sent to an audience, answers aggregated per question. */
export function surveysRouter(store: Store, settings: FanoutSettings, kick: () => void): Router {
  const r = Router();
  r.post('/', requireRole(store, 'staff'), async (req, res, next) => {
    try {
      const body = parseBody(surveyBody, req.body);
      const { survey, broadcast } = await createSurvey(
        store,
        {
          title: body.title,
          questions: body.questions.map((q) => ({
            ...q,
            text: q.text as Record<string, string>,
            options: q.options as Record<string, string>[] | undefined,
          })),
          audience: body.audience,
          sendAt: body.sendAt ?? new Date(),
        },
        req.staff!.name,
      );
      await audit(store, req.staff!, 'survey.create', survey._id, { questions: body.questions.length });
      if (broadcast.sendAt.getTime() <= Date.now()) kick();
      res
        .status(201)
        .json({ id: survey._id, broadcastId: broadcast._id, sendAt: broadcast.sendAt.toISOString() });
    } catch (err) {
      next(err);
    }
  });

  r.get('/:id/results', requireRole(store, 'viewer'), async (req, res, next) => {
    try {
      const survey = await store.collection('flows').findOne({ _id: String(req.params.id), kind: 'survey' });
      if (!survey) throw new NotFound('no such survey');
      res.json(await surveyResults(store, survey, settings.defaultLanguage));
    } catch (err) {
      next(err);
    }
  });
  return r;
}
