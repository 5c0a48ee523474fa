import { randomBytes } from 'node:crypto';
import { textFor } from '../i18n/texts';
import { flowSchema } from '../models/flowDefinition';
import { Draft } from '../i18n/render';
import { Address, Audience, Broadcast, Contact, OutboundMessage, StoredFlow } from '../models';
import { NewDoc, Store } from '../store/types';
import { Untranslated, resolveAudience } from './audience';
import { FanoutSettings, replayed, startTime, storeBroadcast, textsOf } from './broadcasts';
import { addressedTo, compose, enqueue } from '../outbox/compose';

/** A survey question as staff write it. */
export interface SurveyQuestion {
  id: string;
  type: 'choice' | 'number' | 'yesno' | 'text';
  text: Record<string, string>;
  options?: Record<string, string>[];
  /** Skipped when an earlier answer is this value (yes/no: `yes`/`no`; choices: the option number). */
  skipIf?: { question: string; equals: string | number | boolean };
}

const INPUT = { choice: 'choice', number: 'number', yesno: 'yesno', text: 'text' } as const;

/** A `skipIf` value as the flow stores the answer it compares with. */
function storedAnswer(q: SurveyQuestion | undefined, v: string | number | boolean): unknown {
  if (q?.type === 'yesno') return typeof v === 'boolean' ? v : /^(yes|true|1)$/i.test(String(v).trim());
  if (q?.type === 'choice') return String(v).trim();
  if (q?.type === 'number') return Number(v);
  return v;
}

/**
 * A survey as a flow definition: one ask step per question, and before a question with
 * `skipIf`, a branch that jumps past it when the earlier answer matches.
 */
export function surveyFlow(id: string, questions: SurveyQuestion[]) {
  const entry = (i: number) =>
    i >= questions.length ? 'store' : questions[i].skipIf ? `Skip_${questions[i].id}` : questions[i].id;
  const steps: Record<string, unknown>[] = [];
  questions.forEach((q, i) => {
    if (q.skipIf) {
      const earlier = questions.find((p) => p.id === q.skipIf!.question);
      steps.push({
        id: `Skip_${q.id}`,
        type: 'branch',
        cases: [
          { answer: q.skipIf.question, equals: storedAnswer(earlier, q.skipIf.equals), next: entry(i + 1) },
        ],
        otherwise: q.id,
      });
    }
    steps.push({
      id: q.id,
      type: 'ask',
      input: INPUT[q.type],
      save: q.id,
      text: q.text,
      ...(q.type === 'choice'
        ? { options: q.options!.map((_, j) => String(j + 1)), optionTexts: q.options }
        : {}),
      ...(q.type === 'text' ? { maxLength: 160, skippable: true } : {}),
    });
  });
  steps.push(
    { id: 'store', type: 'action', action: 'storeSurvey' },
    { id: 'done', type: 'say', key: 'surveys.done' },
    { id: 'end', type: 'end' },
  );
  return flowSchema.parse({ id, version: 1, steps });
}

/**
 * Stores a survey as a flow (data the engine interprets like the built-in flows) and the
 * broadcast that starts it for its audience at `sendAt`. The same idempotency key again
 * returns the first survey.
 */
export async function createSurvey(
  store: Store,
  settings: FanoutSettings,
  s: {
    title: string;
    questions: SurveyQuestion[];
    audience: Audience;
    untranslated: Untranslated;
    allowEmpty?: boolean;
    /** At once when absent (or `now`); a past time is refused. */
    sendAt?: Date;
    now?: boolean;
  },
  createdBy: string,
  idempotencyKey?: string,
): Promise<{ survey: StoredFlow; broadcast: Broadcast; replayed: boolean }> {
  const first = await replayed(store, idempotencyKey);
  const firstSurvey = first?.surveyId && (await store.collection('flows').findOne({ _id: first.surveyId }));
  if (first && firstSurvey) return { survey: firstSurvey, broadcast: first, replayed: true };
  const sendAt = startTime('sendAt', s.sendAt, s.now);
  const id = `survey_${randomBytes(5).toString('hex')}`;
  const definition = surveyFlow(id, s.questions);
  const survey = await store
    .collection('flows')
    .insertOne({ _id: id, kind: 'survey', title: s.title, definition, questions: s.questions, createdBy });
  try {
    const { broadcast, replayed: again } = await storeBroadcast(store, settings, {
      text: s.questions[0].text,
      audience: s.audience,
      untranslated: s.untranslated,
      allowEmpty: s.allowEmpty,
      priority: 'bulk',
      sendAt,
      createdBy,
      idempotencyKey,
      extra: { surveyId: id },
    });
    if (again) {
      await store.collection('flows').deleteOne({ _id: id });
      const other = await store.collection('flows').findOne({ _id: broadcast.surveyId! });
      return { survey: other ?? survey, broadcast, replayed: true };
    }
    return { survey, broadcast, replayed: false };
  } catch (err) {
    // refused (an audience that reaches nobody): no survey is left behind
    await store.collection('flows').deleteOne({ _id: id });
    throw err;
  }
}

/** A page of surveys, newest first. */
export async function listSurveys(store: Store, page: { limit: number; offset: number }) {
  return store
    .collection('flows')
    .find({ kind: 'survey' }, { sort: { createdAt: -1 }, limit: page.limit, skip: page.offset });
}

/**
 * Starts a flow for one contact at one address, as the flow engine does: the drafts of its
 * first question, or undefined when the person is in another conversation (not interrupted).
 */
export type StartFlow = (
  store: Store,
  contact: Contact,
  address: Address,
  flowId: string,
  now: Date,
) => Promise<Draft[] | undefined>;

/**
 * Starts a survey for each recipient who is not in the middle of another conversation,
 * through the flow engine: their session moves to the first question, which is queued
 * (unique per survey and contact). Those busy now are counted, not interrupted.
 */
export async function fanOutSurvey(
  store: Store,
  b: Broadcast,
  s: FanoutSettings,
  start: StartFlow,
  now = new Date(),
): Promise<number> {
  const survey = await store.collection('flows').findOne({ _id: b.surveyId! });
  if (!survey) return 0;
  const { recipients, excluded } = await resolveAudience(store, b.audience, s.defaultLanguage, textsOf(b));
  let started = 0;
  let busy = 0;
  const messages: NewDoc<OutboundMessage>[] = [];
  for (const r of recipients) {
    const drafts = await start(store, r.contact, r.address, survey._id, now);
    if (!drafts) {
      busy++;
      continue;
    }
    const envelope = { ...addressedTo(r.address, r.contact._id), broadcastId: b._id, now };
    drafts.forEach((draft, i) =>
      messages.push(
        ...compose(
          draft,
          { ...envelope, dedupeKey: `b:${b._id}:${r.contact._id}${i ? `:q${i}` : ''}` },
          s.smsFoldGsm,
        ),
      ),
    );
    started++;
  }
  await enqueue(store, messages);
  await store
    .collection('broadcasts')
    .updateOne(
      { _id: b._id },
      { $set: { fannedOutAt: new Date(), recipients: started, excluded: { ...excluded, busy } } },
    );
  return started;
}

/** Answers aggregated per question: counts for choices and yes/no, statistics for numbers, texts listed. */
export async function surveyResults(store: Store, survey: StoredFlow, fallback: string) {
  const responses = await store.collection('surveyResponses').find({ surveyId: survey._id });
  const broadcast = await store.collection('broadcasts').findOne({ surveyId: survey._id });
  const questions = survey.questions.map((q) => {
    const values = responses.map((r) => r.answers[q.id]).filter((v) => v !== undefined && v !== null);
    const base = {
      id: q.id,
      type: q.type,
      text: textFor(q.text, fallback as never, fallback as never).text,
      answers: values.length,
    };
    if (q.type === 'choice') {
      const labels = q.options!.map((o) => textFor(o, fallback as never, fallback as never).text);
      return {
        ...base,
        options: labels.map((label, i) => ({
          option: i + 1,
          label,
          count: values.filter((v) => v === String(i + 1)).length,
        })),
      };
    }
    if (q.type === 'yesno')
      return {
        ...base,
        yes: values.filter((v) => v === true).length,
        no: values.filter((v) => v === false).length,
      };
    if (q.type === 'number') {
      const nums = (values as number[]).slice().sort((a, b) => a - b);
      const sum = nums.reduce((a, b) => a + b, 0);
      const mid = nums.length >> 1;
      const median = nums.length ? (nums.length % 2 ? nums[mid] : (nums[mid - 1] + nums[mid]) / 2) : null;
      return {
        ...base,
        sum,
        mean: nums.length ? sum / nums.length : null,
        median,
        min: nums[0] ?? null,
        max: nums[nums.length - 1] ?? null,
      };
    }
    return { ...base, texts: (values as string[]).slice(-50) };
  });
  return {
    id: survey._id,
    title: survey.title,
    recipients: broadcast?.recipients ?? 0,
    completed: responses.length,
    questions,
  };
}

/** The end of a survey: one response per person and survey, a newer one replacing the older. */
export async function recordSurveyResponse(
  store: Store,
  surveyId: string,
  who: Pick<Contact, '_id'> & Partial<Pick<Contact, 'region' | 'site'>>,
  answers: Record<string, unknown>,
  at: Date,
): Promise<void> {
  await store.collection('surveyResponses').updateOne(
    { _id: `${surveyId}:${who._id}` },
    {
      $set: { surveyId, contactId: who._id, answers, region: who.region, site: who.site, completedAt: at },
    },
    { upsert: true },
  );
}

/** One survey by id. */
export function findSurvey(store: Store, id: string): Promise<StoredFlow | null> {
  return store.collection('flows').findOne({ _id: id, kind: 'survey' });
}
