import { contactLanguage, pickAddress } from '../contacts/contacts';
import { pickText, textFor } from '../i18n/texts';
import { BadRequest } from '../domain/errors';
import { newId } from '../domain/ids';
import { Translator } from '../i18n';
import { Audience, Contact, OutboundMessage, Poll, Source } from '../models';
import { NewDoc, Store } from '../store/types';
import { Untranslated } from './audience';
import { FanoutSettings, pollDraft, replayed, startTime, storeBroadcast } from './broadcasts';
import { addressedTo, compose, enqueue } from '../outbox/compose';

/** A poll as staff create it. */
export interface NewPoll {
  question: Record<string, string>;
  options: Record<string, string>[];
  audience: Audience;
  untranslated: Untranslated;
  allowEmpty?: boolean;
  opensAt?: Date;
  /** When absent, `opensAt` plus the deployment's default (`POLL_DEFAULT_DAYS`). */
  closesAt?: Date;
  reminderAt?: Date;
}

/**
 * Creates a poll and the broadcast that carries its question at `opensAt` (at once when
 * not given; a past time is refused). The same idempotency key again returns the first poll.
 */
export async function createPoll(
  store: Store,
  s: FanoutSettings,
  p: NewPoll,
  createdBy: string,
  idempotencyKey?: string,
  now = new Date(),
): Promise<{ poll: Poll; replayed: boolean }> {
  const first = await replayed(store, idempotencyKey);
  const firstPoll = first?.poll && (await store.collection('polls').findOne({ _id: first.poll.id }));
  if (firstPoll) return { poll: firstPoll, replayed: true };
  const opensAt = startTime('opensAt', p.opensAt, undefined, now);
  const closesAt = p.closesAt ?? new Date(opensAt.getTime() + s.pollDefaultDays * 86_400_000);
  if (closesAt <= opensAt) throw new BadRequest('closesAt: must be after opensAt');
  if (p.reminderAt && (p.reminderAt <= opensAt || p.reminderAt >= closesAt))
    throw new BadRequest('reminderAt: must be between opensAt and closesAt');
  const pollId = newId();
  const { broadcast, replayed: again } = await storeBroadcast(store, s, {
    text: p.question,
    audience: p.audience,
    untranslated: p.untranslated,
    allowEmpty: p.allowEmpty,
    priority: 'bulk',
    sendAt: opensAt,
    createdBy,
    idempotencyKey,
    extra: { poll: { id: pollId, options: p.options } },
  });
  if (again) {
    const other = await store.collection('polls').findOne({ _id: broadcast.poll!.id });
    if (other) return { poll: other, replayed: true };
  }
  const poll = await store.collection('polls').insertOne({
    _id: pollId,
    question: p.question,
    options: p.options,
    opensAt,
    closesAt,
    reminderAt: p.reminderAt,
    broadcastId: broadcast._id,
    createdBy,
  });
  return { poll, replayed: false };
}

/** A page of polls, newest first. */
export async function listPolls(store: Store, page: { limit: number; offset: number }) {
  return store
    .collection('polls')
    .find({}, { sort: { createdAt: -1 }, limit: page.limit, skip: page.offset });
}

/** Counts and shares per option, overall and by region, role and channel, and the response rate. */
export async function pollResults(store: Store, poll: Poll, fallback: string) {
  const answers = await store.collection('pollAnswers').find({ pollId: poll._id });
  const broadcast = await store.collection('broadcasts').findOne({ _id: poll.broadcastId });
  const recipients = broadcast?.recipients ?? 0;
  const labels = poll.options.map((o) => pickText(o, fallback, fallback));
  const tally = (rows: typeof answers) => {
    const counts = labels.map(() => 0);
    for (const a of rows) counts[a.option - 1]++;
    return labels.map((label, i) => ({
      option: i + 1,
      label,
      count: counts[i],
      share: rows.length ? Math.round((counts[i] / rows.length) * 1000) / 1000 : 0,
    }));
  };
  const by = (key: 'region' | 'role' | 'channel') => {
    const groups = new Map<string, typeof answers>();
    for (const a of answers) {
      const k = a[key] ?? 'unknown';
      groups.set(k, [...(groups.get(k) ?? []), a]);
    }
    return Object.fromEntries(
      [...groups].map(([k, rows]) => [k, { answers: rows.length, options: tally(rows) }]),
    );
  };
  return {
    id: poll._id,
    question: poll.question,
    opensAt: poll.opensAt.toISOString(),
    closesAt: poll.closesAt.toISOString(),
    open: Date.now() >= poll.opensAt.getTime() && Date.now() <= poll.closesAt.getTime(),
    recipients,
    answers: answers.length,
    responseRate: recipients ? Math.round((answers.length / recipients) * 1000) / 1000 : 0,
    options: tally(answers),
    byRegion: by('region'),
    byRole: by('role'),
    byChannel: by('channel'),
  };
}

/** Reminders that are due: only to people who were sent the poll and have not answered. */
export async function sendPollReminders(
  store: Store,
  translator: Translator,
  s: FanoutSettings,
  now = new Date(),
): Promise<number> {
  let sent = 0;
  const due = await store
    .collection('polls')
    .find({ reminderAt: { $lte: now }, remindedAt: { $exists: false }, closesAt: { $gt: now } });
  for (const poll of due) {
    const claimed = await store
      .collection('polls')
      .findOneAndUpdate({ _id: poll._id, remindedAt: { $exists: false } }, { $set: { remindedAt: now } });
    if (!claimed) continue;
    const answered = new Set(
      (await store.collection('pollAnswers').find({ pollId: poll._id })).map((a) => a.contactId),
    );
    const delivered = await store
      .collection('outbound')
      .find({ broadcastId: poll.broadcastId }, { projection: { contactId: 1 } });
    const ids = [...new Set(delivered.map((d) => d.contactId!).filter((id) => id && !answered.has(id)))];
    const contacts = await store.collection('contacts').find({ _id: { $in: ids }, optedOut: false });
    const broadcast = { poll: { id: poll._id, options: poll.options } };
    const messages: NewDoc<OutboundMessage>[] = [];
    for (const c of contacts) {
      const address = pickAddress(c);
      if (!address) continue;
      const lang = contactLanguage(c, s.defaultLanguage);
      const q = textFor(poll.question, lang, s.defaultLanguage);
      const text = `${translator.t(lang, 'poll.reminder')} ${q.text}`;
      const draft = { text, ...pollDraft(broadcast, q.lang, s.defaultLanguage) };
      const envelope = { ...addressedTo(address, c._id), dedupeKey: `pr:${poll._id}:${c._id}`, now };
      messages.push(...compose(draft, { ...envelope, broadcastId: poll.broadcastId }, s.smsFoldGsm));
    }
    sent += await enqueue(store, messages);
  }
  return sent;
}

const RECENT_POLL_DAYS = 30;

/** The latest poll sent to a contact in the last month, if any: the one a typed number answers. */
export async function latestPollSentTo(
  store: Store,
  contactId: string,
  now: Date,
): Promise<Poll | undefined> {
  const since = new Date(now.getTime() - RECENT_POLL_DAYS * 86_400_000);
  const recent = await store
    .collection('outbound')
    .find(
      { contactId, broadcastId: { $exists: true }, createdAt: { $gte: since } },
      { sort: { createdAt: -1 }, limit: 10, projection: { broadcastId: 1 } },
    );
  for (const m of recent) {
    const poll = await store.collection('polls').findOne({ broadcastId: m.broadcastId });
    if (poll) return poll;
  }
  return undefined;
}

/** One poll by id. */
export function findPoll(store: Store, id: string): Promise<Poll | null> {
  return store.collection('polls').findOne({ _id: id });
}

/** A person's answer to a poll: one per person, a newer answer replacing the older. */
export async function recordPollAnswer(
  store: Store,
  poll: Poll,
  who: Pick<Contact, '_id'> & Partial<Pick<Contact, 'region' | 'role'>>,
  answer: { option: number; channel: Source; at: Date },
): Promise<void> {
  await store.collection('pollAnswers').updateOne(
    { _id: `${poll._id}:${who._id}` },
    {
      $set: {
        pollId: poll._id,
        contactId: who._id,
        option: answer.option,
        region: who.region,
        role: who.role,
        channel: answer.channel,
        answeredAt: answer.at,
      },
    },
    { upsert: true },
  );
}
