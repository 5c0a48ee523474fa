import { Router } from 'express';
import { NotFound } from '../domain/errors';
import { FanoutSettings } from '../campaigns/broadcasts';
import { createSurvey, listSurveys, surveyResults, findSurvey } from '../campaigns/surveys';
import { StoredFlow } from '../models';
import { Store } from '../store/types';
import { audit } from './audit';
import { requireRole } from './auth';
import { pageQuery, requestKey } from './broadcasts';
import { surveyBody } from './bodies';
import { parseBody } from './validation';

function surveyView(s: StoredFlow) {
  return {
    id: s._id,
    title: s.title,
    questions: s.questions,
    createdBy: s.createdBy,
    createdAt: s.createdAt.toISOString(),
  };
}

/** Surveys: multi-question polls stored as flows, sent to an audience, answers aggregated per question. */
export function surveysRouter(store: Store, settings: FanoutSettings, kick: () => void): Router {
  const r = Router();
  r.get('/', requireRole(store, 'viewer'), async (req, res) => {
    const q = parseBody(pageQuery, req.query);
    res.json({ items: (await listSurveys(store, q)).map(surveyView), ...q });
  });

  r.post('/', requireRole(store, 'staff'), async (req, res) => {
    const body = parseBody(surveyBody, req.body);
    const key = requestKey(req);
    const { survey, broadcast, replayed } = await createSurvey(
      store,
      settings,
      {
        ...body,
        questions: body.questions.map((q) => ({
          ...q,
          text: q.text as Record<string, string>,
          options: q.options as Record<string, string>[] | undefined,
        })),
      },
      req.staff!.name,
      key,
    );
    if (!replayed) {
      await audit(store, req.staff!, 'survey.create', survey._id, { questions: body.questions.length });
      if (broadcast.sendAt.getTime() <= Date.now()) kick();
    }
    res.status(replayed ? 200 : 201).json({
      replayed,
      ...surveyView(survey),
      broadcastId: broadcast._id,
      sendAt: broadcast.sendAt.toISOString(),
      recipients: broadcast.recipients ?? 0,
    });
  });

  r.get('/:id/results', requireRole(store, 'viewer'), async (req, res) => {
    const survey = await findSurvey(store, String(req.params.id));
    if (!survey) throw new NotFound('no such survey');
    res.json(await surveyResults(store, survey, settings.defaultLanguage));
  });
  return r;
}
