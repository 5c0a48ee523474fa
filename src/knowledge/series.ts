import { randomBytes } from 'node:crypto';
import { BadRequest, DuplicateKey, NotFound } from '../domain/errors';
import { LANGUAGES, Language, normaliseWord } from '../domain/language';
import { countryTimeZone } from '../domain/country';
import { nextLocalHour } from '../domain/schedule';
import { Translator } from '../i18n';
import { renderSms } from '../i18n/render';
import { pickText } from '../i18n/texts';
import { Contact, Enrolment, Lesson, Series } from '../models';
import { flowSchema } from '../models/flowDefinition';
import { Store } from '../store/types';

/** What staff write to make a series. */
export type SeriesInput = Omit<Series, '_id' | 'createdBy' | 'createdAt'>;

/** The flow id of a lesson's question. */
export const quizFlowId = (seriesId: string, n: number) => `quiz_${seriesId}_${n}`;

/** A lesson's question flow id read back: the series and the lesson number. */
export function readQuizFlowId(flowId: string | undefined): { seriesId: string; n: number } | undefined {
  const m = /^quiz_(s[0-9a-f]+)_(\d+)$/.exec(flowId ?? '');
  return m ? { seriesId: m[1], n: Number(m[2]) } : undefined;
}

/** The SMS a lesson goes as: `2/6 …`. */
export function lessonText(
  t: Translator,
  lang: Language,
  series: Series,
  n: number,
  fallback: Language,
): string {
  return t.t(lang, 'series.lesson', {
    n,
    total: series.lessons.length,
    text: pickText(series.lessons[n - 1].text, lang, fallback),
  });
}

/**
 * Every SMS of a series that would be longer than one segment in some language (each
 * language with the fallback staff's texts get): lessons, questions with their numbered
 * options, feedback. A series is refused at save until there are none.
 */
export function seriesTooLong(
  t: Translator,
  series: Pick<Series, 'lessons' | 'title'>,
  fallback: Language,
): string[] {
  const problems: string[] = [];
  const check = (what: string, lang: Language, text: string, options?: string[]) => {
    const r = renderSms({ text, options }, true);
    if (r.segments > 1) problems.push(`${what} in ${lang}: ${r.text.length} characters (${r.segments} SMS)`);
  };
  const whole = {
    ...series,
    _id: '',
    key: '',
    topic: '',
    everyDays: 7,
    createdBy: '',
    createdAt: new Date(),
  };
  series.lessons.forEach((lesson: Lesson, i) => {
    for (const lang of LANGUAGES) {
      check(`lesson ${i + 1}`, lang, lessonText(t, lang, whole, i + 1, fallback));
      const q = lesson.quiz;
      if (!q) continue;
      const pick = (x: Record<string, string>) => pickText(x, lang, fallback);
      check(`lesson ${i + 1} question`, lang, pick(q.question), q.options.map(pick));
      check(`lesson ${i + 1} feedback (right)`, lang, pick(q.feedback.right));
      check(`lesson ${i + 1} feedback (wrong)`, lang, pick(q.feedback.wrong));
    }
  });
  return problems;
}

/** A lesson's question as a flow the engine runs: the numbered choice, then the feedback. */
function quizFlow(seriesId: string, n: number, lesson: Lesson) {
  const q = lesson.quiz!;
  return flowSchema.parse({
    id: quizFlowId(seriesId, n),
    version: 1,
    steps: [
      {
        id: 'choice',
        type: 'ask',
        input: 'choice',
        save: 'choice',
        text: q.question,
        options: q.options.map((_, j) => String(j + 1)),
        optionTexts: q.options,
      },
      { id: 'feedback', type: 'action', action: 'quizAnswer' },
      { id: 'end', type: 'end' },
    ],
  });
}

/** Stores a series and its lessons' questions (as flows), once checked to fit one SMS each. */
export async function createSeries(
  store: Store,
  t: Translator,
  fallback: Language,
  input: SeriesInput,
  by: string,
  now = new Date(),
): Promise<Series> {
  const key = normaliseWord(input.key);
  for (const [i, l] of input.lessons.entries())
    if (l.quiz && (l.quiz.right < 1 || l.quiz.right > l.quiz.options.length))
      throw new BadRequest(`lessons.${i}.quiz.right: an option number from 1 to ${l.quiz.options.length}`);
  const long = seriesTooLong(t, input, fallback);
  if (long.length) throw new BadRequest(`too long for one SMS: ${long.join('; ')}`, long);
  let series: Series;
  try {
    // an id that can be part of a flow id (letters, digits and _): the lessons' questions are flows
    const _id = `s${randomBytes(8).toString('hex')}`;
    series = await store
      .collection('series')
      .insertOne({ ...input, _id, key, createdBy: by, createdAt: now });
  } catch (err) {
    if (err instanceof DuplicateKey) throw new BadRequest(`key: a series with the key ${key} exists`);
    throw err;
  }
  for (const [i, lesson] of series.lessons.entries()) {
    if (!lesson.quiz) continue;
    const definition = quizFlow(series._id, i + 1, lesson);
    await store.collection('flows').insertOne({
      _id: definition.id,
      kind: 'quiz',
      title: `${key} ${i + 1}`,
      definition,
      questions: [],
      createdBy: by,
    });
  }
  return series;
}

/** The series a person asks for: by its key (`LEARN SAFETY`), else by a topic its words name. */
export async function seriesFor(store: Store, rest: string, topics: string[]): Promise<Series | null> {
  const words = normaliseWord(rest)
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  const byKey = await store.collection('series').findOne({ key: { $in: words } });
  if (byKey || !topics.length) return byKey;
  return store.collection('series').findOne({ topic: { $in: topics } });
}

/** Every series, for `LEARN` alone and for staff. */
export function listSeries(store: Store): Promise<Series[]> {
  return store.collection('series').find({}, { sort: { createdAt: 1 }, limit: 200 });
}

/** When a person's next lesson goes: the delivery hour in their country, `days` days on (0: the next one). */
export function nextDelivery(contact: Pick<Contact, 'country'>, hour: number, now: Date, days = 0): Date {
  return nextLocalHour(now, hour, countryTimeZone(contact.country), days);
}

/**
 * Joins a series (again after quitting or finishing: from the start). Returns false when
 * the person already follows it (a paused one resumes).
 */
export async function enrol(
  store: Store,
  series: Series,
  contact: Contact,
  hour: number,
  now: Date,
): Promise<boolean> {
  const _id = `${series._id}:${contact._id}`;
  const existing = await store.collection('enrolments').findOne({ _id });
  if (existing?.state === 'active') return false;
  if (existing?.state === 'paused') {
    await store
      .collection('enrolments')
      .updateOne({ _id }, { $set: { state: 'active', nextAt: nextDelivery(contact, hour, now) } });
    return false;
  }
  const fresh: Omit<Enrolment, '_id'> = {
    seriesId: series._id,
    contactId: contact._id,
    region: contact.region,
    role: contact.role,
    state: 'active',
    sent: 0,
    nextAt: nextDelivery(contact, hour, now),
    quiz: {},
    joinedAt: now,
  };
  await store
    .collection('enrolments')
    .updateOne({ _id }, { $set: fresh, $unset: { finishedAt: '' } }, { upsert: true });
  return true;
}

/** `PAUSE` or `QUIT`: every series the person follows. Returns how many changed. */
export async function stopSeries(store: Store, contactId: string, state: 'paused' | 'quit'): Promise<number> {
  const from = state === 'paused' ? ['active'] : ['active', 'paused'];
  const r = await store
    .collection('enrolments')
    .updateMany({ contactId, state: { $in: from } }, { $set: { state }, $unset: { nextAt: '' } });
  return r.modified;
}

/** The series a person follows or paused, the one due soonest first. */
export async function followed(store: Store, contactId: string): Promise<Enrolment[]> {
  const all = await store.collection('enrolments').find({ contactId, state: { $in: ['active', 'paused'] } });
  return all.sort((a, b) => (a.nextAt?.getTime() ?? Infinity) - (b.nextAt?.getTime() ?? Infinity));
}

/** The lesson a person gets next, and whether it is the series' last. */
export function nextLesson(
  e: Pick<Enrolment, 'sent'>,
  series: Pick<Series, 'lessons'>,
): { n: number; last: boolean } {
  const n = e.sent + 1;
  return { n, last: n >= series.lessons.length };
}

/**
 * Records that the next lesson went (once: another sender's update loses the race): the
 * next one's time at the person's delivery hour, or finished after the last. A paused
 * series goes on.
 */
export async function lessonSent(
  store: Store,
  e: Enrolment,
  series: Series,
  contact: Pick<Contact, 'country'>,
  hour: number,
  now: Date,
): Promise<void> {
  const { n, last } = nextLesson(e, series);
  await store
    .collection('enrolments')
    .updateOne(
      { _id: e._id, sent: e.sent },
      last
        ? { $set: { sent: n, state: 'finished', finishedAt: now }, $unset: { nextAt: '' } }
        : { $set: { sent: n, state: 'active', nextAt: nextDelivery(contact, hour, now, series.everyDays) } },
    );
}

/** Records a lesson's quiz answer (the first one counts). */
export async function recordQuiz(
  store: Store,
  seriesId: string,
  contactId: string,
  n: number,
  right: boolean,
): Promise<void> {
  await store
    .collection('enrolments')
    .updateOne(
      { _id: `${seriesId}:${contactId}`, [`quiz.${n}`]: { $exists: false } },
      { $set: { [`quiz.${n}`]: right } },
    );
}

/** Progress of a series: people by state, by region and role, and right answers per lesson. */
export async function seriesProgress(store: Store, seriesId: string) {
  const series = await store.collection('series').findOne({ _id: seriesId });
  if (!series) throw new NotFound('no such series');
  const people = await store.collection('enrolments').find({ seriesId });
  const count = (key: (e: Enrolment) => string | undefined) => {
    const out: Record<string, number> = {};
    for (const e of people) out[key(e) ?? 'unknown'] = (out[key(e) ?? 'unknown'] ?? 0) + 1;
    return out;
  };
  const lessons = series.lessons.map((l, i) => {
    const answers = people.map((e) => e.quiz[String(i + 1)]).filter((x) => x !== undefined);
    return {
      n: i + 1,
      reached: people.filter((e) => e.sent > i).length,
      ...(l.quiz ? { answered: answers.length, right: answers.filter(Boolean).length } : {}),
    };
  });
  return {
    series,
    enrolled: people.length,
    byState: count((e) => e.state),
    byRegion: count((e) => e.region),
    byRole: count((e) => e.role),
    lessons,
  };
}
