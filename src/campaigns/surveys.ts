import { randomBytes } from 'node:crypto';
import { DuplicateKey } from '../domain/errors';
import { Translator } from '../i18n';
import { Draft } from '../i18n/render';
import { Audience, Broadcast, OutboundMessage, StoredFlow } from '../models';
import { NewDoc, Store } from '../store/types';
import { FanoutSettings, bulkMessage, resolveAudience, textFor } from './broadcasts';

/** A survey question as staff write it. */
export interface SurveyQuestion {
  id: string;
  type: 'choice' | 'number' | 'yesno' | 'text';
  text: Record<string, string>;
  options?: Record<string, string>[];
}

const INPUT = { choice: 'choice', number: 'number', yesno: 'yesno', text: 'text' } as const;

/**
 * Stores a survey as a flow (data the engine interprets like the built-in flows) and the
 * broadcast that starts it for its audience at `sendAt`.
 */
export async function createSurvey(
  store: Store,
  s: { title: string; questions: SurveyQuestion[]; audience: Audience; sendAt: Date },
  createdBy: string,
): Promise<{ survey: StoredFlow; broadcast: Broadcast }> {
  const id = `survey_${randomBytes(5).toString('hex')}`;
  const definition = {
    id,
    version: 1,
    steps: [
      ...s.questions.map((q) => ({
        id: q.id,
        type: 'ask',
        input: INPUT[q.type],
        save: q.id,
        text: q.text,
        ...(q.type === 'choice'
          ? { options: q.options!.map((_, i) => String(i + 1)), optionTexts: q.options }
          : {}),
        ...(q.type === 'text' ? { maxLength: 160, skippable: true } : {}),
      })),
      { id: 'store', type: 'action', action: 'storeSurvey' },
      { id: 'done', type: 'say', key: 'surveys.done' },
      { id: 'end', type: 'end' },
    ],
  };
  const survey = await store
    .collection('flows')
    .insertOne({ _id: id, kind: 'survey', title: s.title, definition, questions: s.questions, createdBy });
  const broadcast = await store.collection('broadcasts').insertOne({
    text: s.questions[0].text,
    audience: s.audience,
    priority: 'bulk',
    sendAt: s.sendAt,
    createdBy,
    surveyId: id,
  });
  return { survey, broadcast };
}

/** The first question of a survey as a draft in a language. */
function firstQuestion(survey: StoredFlow, lang: string, fallback: string, translator: Translator): Draft {
  const q = survey.questions[0];
  const pick = (t: Record<string, string>) => textFor(t, lang as never, fallback as never).text;
  const step = `c:${survey._id}:${q.id}`;
  if (q.type === 'choice') {
    const options = q.options!.map(pick);
    return { text: pick(q.text), options, optionData: options.map((_, i) => `${step}:${i + 1}`) };
  }
  if (q.type === 'yesno') {
    const options = [translator.t(lang as never, 'answers.yes'), translator.t(lang as never, 'answers.no')];
    return { text: pick(q.text), options, optionData: [`${step}:1`, `${step}:2`] };
  }
  return { text: pick(q.text) };
}

/**
 * Starts a survey for each recipient who is not in the middle of another conversation:
 * their session moves to the first question, which is queued (unique per survey and
 * contact). Those busy now are counted, not interrupted.
 */
export async function fanOutSurvey(
  store: Store,
  b: Broadcast,
  s: FanoutSettings,
  translator: Translator,
  now = new Date(),
): Promise<number> {
  const survey = await store.collection('flows').findOne({ _id: b.surveyId! });
  if (!survey) return 0;
  const { recipients, excluded } = await resolveAudience(store, b.audience, s.defaultLanguage);
  let started = 0;
  let busy = 0;
  const messages: NewDoc<OutboundMessage>[] = [];
  for (const r of recipients) {
    try {
      await store.collection('sessions').updateOne(
        { _id: r.contact._id, $or: [{ active: false }, { expiresAt: { $lt: now } }] },
        {
          $set: {
            active: true,
            flowId: survey._id,
            flowVersion: 1,
            stepId: survey.questions[0].id,
            answers: {},
            invalid: 0,
            inboundIds: [],
            startedAt: now,
            updatedAt: now,
            expiresAt: new Date(now.getTime() + 7 * 86_400_000),
          },
        },
        { upsert: true },
      );
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
      busy++;
      continue;
    }
    const draft = firstQuestion(survey, r.lang, s.defaultLanguage, translator);
    messages.push(
      bulkMessage(r.address, r.contact._id, draft, s.smsFoldGsm, {
        dedupeKey: `b:${b._id}:${r.contact._id}`,
        broadcastId: b._id,
        now,
      }),
    );
    started++;
  }
  const out = store.collection('outbound');
  for (const m of messages) {
    try {
      await out.insertOne(m);
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
    }
  }
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
