import { Request, Router } from 'express';
import { z } from 'zod';
import { Forbidden, NotFound } from '../domain/errors';
import { LANGUAGES } from '../domain/language';
import { AnswerInput, AnsweringSettings, answerQuestion, closeQuestion } from '../knowledge/answering';
import { findQuestion, latestAnswers, listQuestions, mayHandle } from '../knowledge/questions';
import { PublishedAnswer, QUESTION_STATES, Question } from '../models';
import { Store } from '../store/types';
import { audit } from './audit';
import { Staff, requireRole } from './auth';
import { parseBody, strictObject } from './validation';

const texts = z.partialRecord(z.enum(LANGUAGES), z.string().trim().min(1).max(320));

/** A staff answer: the text (one SMS), and whether to publish it (texts per language, optional). */
export const answerBody = strictObject({
  text: z.string().trim().min(1).max(320),
  publish: z.boolean().default(false),
  published: strictObject({ question: texts.optional(), answer: texts.optional() }).optional(),
});

const listQuery = z.object({ state: z.enum(QUESTION_STATES).optional() });

/** A question as staff and experts see it: the thread, never who asked. */
export function questionView(q: Question, now = new Date()) {
  return {
    id: q._id,
    reference: q.reference,
    state: q.state,
    anonymous: q.anonymous,
    channel: q.channel,
    language: q.language,
    topics: q.topics,
    region: q.region,
    country: q.country,
    thread: q.thread.map((m) => ({ from: m.from, text: m.text, at: m.at.toISOString(), by: m.by })),
    waitingSince: q.waitingSince?.toISOString(),
    waitedMinutes: q.waitingSince
      ? Math.floor((now.getTime() - q.waitingSince.getTime()) / 60_000)
      : undefined,
    createdAt: q.createdAt.toISOString(),
  };
}

export function answerView(a: PublishedAnswer) {
  return {
    id: a._id,
    topics: a.topics,
    question: a.question,
    answer: a.answer,
    helped: a.helped,
    publishedAt: a.publishedAt.toISOString(),
  };
}

/** A question this staff member may handle; 404 otherwise (an expert never learns of others). */
export async function questionFor(store: Store, staff: Staff, id: string): Promise<Question> {
  const q = await findQuestion(store, id);
  if (!q || !mayHandle(q, expertTopics(staff))) throw new NotFound('no such question');
  return q;
}

/** The topics that limit what a staff member sees: an expert's, nobody else's. */
export function expertTopics(staff: Staff): string[] | undefined {
  return staff.role === 'expert' ? (staff.topics ?? []) : undefined;
}

/**
 * Answers a question as one staff member (an expert within their topics), audited, and
 * wakes the outbox when the answer was queued: the API's route and the dashboard's form.
 */
export async function answerAs(
  store: Store,
  s: AnsweringSettings,
  q: Question,
  body: AnswerInput,
  staff: Staff,
  wakeOutbox: () => void,
) {
  const done = await answerQuestion(store, s, q, body, { name: staff.name, topics: expertTopics(staff) });
  await audit(store, staff, 'question.answer', q._id, { publish: !!body.publish, sent: done.sent });
  if (done.sent) wakeOutbox();
  return done;
}

/** Who may answer: staff, admins and experts (of the question's topics), not viewers. */
function answerer(req: Request): Staff {
  if (req.staff!.role === 'viewer') throw new Forbidden('needs the staff or expert role');
  return req.staff!;
}

/**
 * `/api/v1/questions`: the inbox of questions miners asked, oldest waiting first, and
 * answering them; `/api/v1/answers`: what was published.
 */
export function questionsRouter(store: Store, s: AnsweringSettings, wakeOutbox: () => void): Router {
  const r = Router();
  r.get('/', requireRole(store, 'expert'), async (req, res) => {
    const { state } = parseBody(listQuery, req.query);
    const items = await listQuestions(store, { state, topics: expertTopics(req.staff!) });
    res.json({ items: items.map((q) => questionView(q)) });
  });
  r.get('/:id', requireRole(store, 'expert'), async (req, res) => {
    res.json(questionView(await questionFor(store, req.staff!, String(req.params.id))));
  });
  r.post('/:id/answer', requireRole(store, 'expert'), async (req, res) => {
    const staff = answerer(req);
    const q = await questionFor(store, staff, String(req.params.id));
    const body = parseBody(answerBody, req.body);
    const done = await answerAs(store, s, q, body, staff, wakeOutbox);
    res.json({
      ...questionView(done.question),
      sent: done.sent,
      published: done.published ? answerView(done.published) : undefined,
    });
  });
  r.post('/:id/close', requireRole(store, 'expert'), async (req, res) => {
    const staff = answerer(req);
    const q = await questionFor(store, staff, String(req.params.id));
    const closed = await closeQuestion(store, q, { topics: expertTopics(staff) });
    await audit(store, staff, 'question.close', q._id, {});
    res.json(questionView(closed));
  });
  return r;
}

/** `GET /api/v1/answers`: the published answers, newest first. */
export function answersRouter(store: Store): Router {
  const r = Router();
  r.get('/', requireRole(store, 'expert'), async (_req, res) => {
    res.json({ items: (await latestAnswers(store, 200)).map(answerView) });
  });
  return r;
}
