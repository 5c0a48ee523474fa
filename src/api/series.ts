import { Router } from 'express';
import { z } from 'zod';
import { resolveAudience } from '../campaigns/audience';
import { LANGUAGES } from '../domain/language';
import { TOPICS } from '../domain/topics';
import { createSeries, enrol, listSeries, seriesProgress } from '../knowledge/series';
import { Series } from '../models';
import { TriageSettings } from '../reports/triage';
import { Store } from '../store/types';
import { audit } from './audit';
import { requireRole } from './auth';
import { audienceBody } from './bodies';
import { parseBody, strictObject } from './validation';

const texts = (max: number) =>
  z
    .partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(max))
    .refine((t) => Object.keys(t).length > 0, { message: 'give the text in at least one language' });

/** A series as staff write it: lessons of one SMS per language, each with an optional question. */
export const seriesBody = strictObject({
  key: z
    .string()
    .trim()
    .regex(/^[\p{L}\d]{2,20}$/u, 'one word of 2 to 20 letters or digits, the word after LEARN'),
  topic: z.enum(TOPICS),
  title: texts(30),
  everyDays: z.number().int().min(1).max(60).default(7),
  lessons: z
    .array(
      strictObject({
        text: texts(160),
        quiz: strictObject({
          question: texts(160),
          options: z.array(texts(40)).min(2).max(4),
          right: z.number().int().min(1),
          feedback: strictObject({ right: texts(160), wrong: texts(160) }),
        }).optional(),
      }),
    )
    .min(1)
    .max(52),
});

const enrolBody = strictObject({ audience: audienceBody });

function seriesView(s: Series) {
  return {
    id: s._id,
    key: s.key,
    topic: s.topic,
    title: s.title,
    everyDays: s.everyDays,
    lessons: s.lessons,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
  };
}

/**
 * `/api/v1/series`: learning series. Staff write them (every SMS checked to fit one
 * segment in every language) and enrol an audience; every token reads progress.
 */
export function seriesRouter(store: Store, s: TriageSettings & { deliveryHour: number }): Router {
  const r = Router();
  r.get('/', requireRole(store, 'viewer'), async (_req, res) => {
    res.json({ items: (await listSeries(store)).map(seriesView) });
  });
  r.post('/', requireRole(store, 'staff'), async (req, res) => {
    const body = parseBody(seriesBody, req.body) as unknown as Omit<
      Series,
      '_id' | 'createdBy' | 'createdAt'
    >;
    const series = await createSeries(store, s.translator, s.defaultLanguage, body, req.staff!.name);
    await audit(store, req.staff!, 'series.create', series._id, {
      key: series.key,
      lessons: series.lessons.length,
    });
    res.status(201).json(seriesView(series));
  });
  r.get('/:id', requireRole(store, 'viewer'), async (req, res) => {
    const { series, ...progress } = await seriesProgress(store, String(req.params.id));
    res.json({ ...seriesView(series), progress });
  });
  r.post('/:id/enrol', requireRole(store, 'staff'), async (req, res) => {
    const { series } = await seriesProgress(store, String(req.params.id));
    const { audience } = parseBody(enrolBody, req.body);
    const { recipients } = await resolveAudience(store, audience, s.defaultLanguage);
    const now = new Date();
    let enrolled = 0;
    for (const { contact } of recipients)
      if (await enrol(store, series, contact, s.deliveryHour, now)) enrolled++;
    await audit(store, req.staff!, 'series.enrol', series._id, { enrolled, reached: recipients.length });
    res.json({ enrolled, already: recipients.length - enrolled });
  });
  return r;
}
