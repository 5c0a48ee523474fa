import { contactLanguage, pickAddress } from '../contacts/contacts';
import { Language } from '../domain/language';
import { Translator } from '../i18n';
import { OutboundMessage } from '../models';
import { addressedTo, compose, enqueue } from '../outbox/compose';
import { NewDoc, Store } from '../store/types';
import { entryVars } from './answers';

const DAY = 86_400_000;

/**
 * The day before an event, everyone who said `GO` gets a reminder in their language (one
 * SMS), once: run hourly, it takes the events starting in the next 24 hours whose people
 * were not reminded, and a rerun after a crash sends nothing twice (keyed per answer).
 * Returns the reminders queued.
 */
export async function sendEventReminders(
  store: Store,
  translator: Translator,
  s: { defaultLanguage: Language; smsFoldGsm: boolean },
  now = new Date(),
): Promise<number> {
  const due = await store.collection('rsvps').find(
    {
      remindedAt: { $exists: false },
      startsAt: { $gt: now, $lte: new Date(now.getTime() + DAY) },
    },
    { limit: 10_000 },
  );
  const messages: NewDoc<OutboundMessage>[] = [];
  const entries = new Map<string, Awaited<ReturnType<typeof findEvent>>>();
  for (const r of due) {
    if (!entries.has(r.entryId)) entries.set(r.entryId, await findEvent(store, r.entryId));
    const entry = entries.get(r.entryId);
    const contact = await store.collection('contacts').findOne({ _id: r.contactId });
    const address = contact && !contact.optedOut ? pickAddress(contact) : undefined;
    // said GO within the last day before it: they were told the date then, no "tomorrow"
    const late = r.createdAt.getTime() > r.startsAt.getTime() - DAY;
    if (entry && contact && address && !late) {
      const lang = contactLanguage(contact, s.defaultLanguage);
      const text = translator.t(lang, 'directory.reminder', entryVars(entry, lang, s.defaultLanguage));
      const envelope = { ...addressedTo(address, contact._id), dedupeKey: `remind:${r._id}`, now };
      messages.push(...compose({ text }, envelope, s.smsFoldGsm));
    }
  }
  const queued = await enqueue(store, messages);
  if (due.length)
    await store
      .collection('rsvps')
      .updateMany({ _id: { $in: due.map((r) => r._id) } }, { $set: { remindedAt: now } });
  return queued;
}

function findEvent(store: Store, id: string) {
  return store.collection('directory').findOne({ _id: id, kind: 'event' });
}
