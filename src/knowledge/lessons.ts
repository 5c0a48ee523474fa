import type { StartFlow } from '../campaigns/surveys';
import { contactLanguage, pickAddress } from '../contacts/contacts';
import { Language } from '../domain/language';
import { Translator } from '../i18n';
import { pickText } from '../i18n/texts';
import { Enrolment, OutboundMessage, Series } from '../models';
import { addressedTo, compose, enqueue } from '../outbox/compose';
import { NewDoc, Store } from '../store/types';
import { lessonSent, lessonText, nextLesson, quizFlowId } from './series';

/** How lessons go out. */
export interface LessonSettings {
  defaultLanguage: Language;
  smsFoldGsm: boolean;
  /** The local hour lessons go at (`DELIVERY_HOURS`). */
  deliveryHour: number;
}

/**
 * Sends the lessons that are due: for each person whose next lesson's time has come, the
 * lesson (one SMS, keyed per person and lesson so it never goes twice, even after a crash
 * or from two instances), then its question when it has one (through the flow engine, so
 * the number they answer is read as the answer), then the next lesson's time; after the
 * last one, a well done. Run by the scheduler (once across instances). Returns messages queued.
 */
export async function deliverLessons(
  store: Store,
  t: Translator,
  startFlow: StartFlow,
  s: LessonSettings,
  now = new Date(),
): Promise<number> {
  const due = await store
    .collection('enrolments')
    .find({ state: 'active', nextAt: { $lte: now } }, { sort: { nextAt: 1 }, limit: 500 });
  const seriesById = new Map<string, Series | null>();
  let queued = 0;
  for (const e of due) {
    if (!seriesById.has(e.seriesId))
      seriesById.set(e.seriesId, await store.collection('series').findOne({ _id: e.seriesId }));
    queued += await deliverOne(store, t, startFlow, s, seriesById.get(e.seriesId) ?? null, e, now);
  }
  return queued;
}

async function deliverOne(
  store: Store,
  t: Translator,
  startFlow: StartFlow,
  s: LessonSettings,
  series: Series | null,
  e: Enrolment,
  now: Date,
): Promise<number> {
  const enrolments = store.collection('enrolments');
  const contact = await store.collection('contacts').findOne({ _id: e.contactId });
  const address = contact && !contact.optedOut ? pickAddress(contact) : undefined;
  if (!series || !contact || !address) {
    // the series was removed, or the person stopped all messages: waits, nothing is lost
    await enrolments.updateOne({ _id: e._id }, { $set: { state: 'paused' }, $unset: { nextAt: '' } });
    return 0;
  }
  const lang = contactLanguage(contact, s.defaultLanguage);
  const { n, last } = nextLesson(e, series);
  const envelope = { ...addressedTo(address, contact._id), now };
  const messages: NewDoc<OutboundMessage>[] = [];
  const add = (text: string, key: string, seq: number) =>
    messages.push(...compose({ text }, { ...envelope, dedupeKey: key, seq }, s.smsFoldGsm));
  add(lessonText(t, lang, series, n, s.defaultLanguage), `lesson:${e._id}:${n}`, 0);
  if (series.lessons[n - 1].quiz) {
    const drafts = await startFlow(store, contact, address, quizFlowId(series._id, n), now);
    drafts?.forEach((d, i) =>
      messages.push(
        ...compose(d, { ...envelope, dedupeKey: `lesson:${e._id}:${n}:q${i}`, seq: 1 + i }, s.smsFoldGsm),
      ),
    );
  }
  if (last)
    add(
      t.t(lang, 'series.finished', { title: pickText(series.title, lang, s.defaultLanguage) }),
      `lesson:${e._id}:done`,
      10,
    );
  const queued = await enqueue(store, messages);
  await lessonSent(store, e, series, contact, s.deliveryHour, now);
  return queued;
}
