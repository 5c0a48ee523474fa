import { BadRequest, DuplicateKey } from '../domain/errors';
import { Language } from '../domain/language';
import { Draft, Rendered } from '../i18n/render';
import { pickText } from '../i18n/texts';
import { addressedTo, enqueueMany, messagesOf, render } from '../outbox/compose';
import { pollData } from '../flows/callbacks';
import { Audience, Broadcast, Channel, PRIORITY } from '../models';
import { audit } from '../staff/audit';
import { Staff } from '../staff/credentials';
import { Store } from '../store/types';
import { Untranslated, checkAudience, refuseEmpty, resolveAudience } from './audience';
import { VoiceAlertSettings, alertCall, called, previewCalls, refuseSilence } from './voiceAlerts';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** What fan-out needs to know about the deployment. */
export interface FanoutSettings {
  defaultLanguage: Language;
  /** The currency of contacts whose country Chimba does not know (Telegram chats). */
  defaultCurrency: string;
  smsFoldGsm: boolean;
  /** Price of one SMS segment and of one Telegram message, for previews. */
  smsSegmentPrice: number;
  telegramMessagePrice: number;
  /** One WhatsApp message outside the window: Twilio's fee and the template's. */
  whatsappMessagePrice: number;
  priceCurrency: string;
  /** How long a poll stays open when staff give no closing time. */
  pollDefaultDays: number;
  /** Calls can be placed (Twilio's number): people who prefer voice are called. */
  voice?: VoiceAlertSettings;
}

/** A text with a draft's choices, rendered for a channel. */
function renderText(channel: Channel, text: string, fold: boolean, draft: Partial<Draft> = {}): Rendered[] {
  return render(channel, { ...draft, text }, fold);
}

/** A poll broadcast's options in a language, and their button data. */
export function pollDraft(b: Pick<Broadcast, 'poll'>, lang: string, fallback: string): Partial<Draft> {
  if (!b.poll) return {};
  const options = b.poll.options.map((o) => pickText(o, lang, fallback));
  return { options, optionData: options.map((_, i) => pollData(b.poll!.id, i + 1)) };
}

/** When a creation that reaches people goes out: at once, or at a future time; a past time is refused. */
export function startTime(
  field: string,
  at: Date | undefined,
  asap: boolean | undefined,
  now = new Date(),
): Date {
  if (at && asap) throw new BadRequest(`${field}: give ${field} or "now": true, not both`);
  if (!at) return now;
  // a minute of grace for clocks and slow forms
  if (at.getTime() < now.getTime() - 60_000)
    throw new BadRequest(
      `${field}: ${at.toISOString()} is in the past; leave ${field} out (or send "now": true) to send at once`,
      [{ field, message: 'in the past' }],
    );
  return at;
}

/** What staff write for a broadcast (and for the broadcast that carries a poll or a survey). */
export interface BroadcastInput {
  text: Record<string, string>;
  audience: Audience;
  untranslated: Untranslated;
  allowEmpty?: boolean;
  /** For people who prefer calls, by language: the recording staff made (a clip name). */
  voiceRecordings?: Record<string, string>;
}

/** Checks an audience and resolves it for texts in some languages: the one path of previews and creations. */
export async function reachOf(store: Store, input: BroadcastInput, s: FanoutSettings) {
  const audience = await checkAudience(store, input.audience, { allowEmpty: input.allowEmpty });
  const resolved = await resolveAudience(store, audience, s.defaultLanguage, {
    languages: Object.keys(input.text),
    untranslated: input.untranslated,
  });
  return { audience, resolved };
}

/**
 * What a broadcast would cost, sending nothing: recipients per channel and language, who
 * gets their own language and who a fallback (or nothing), segments per language (GSM-7
 * or UCS-2), total segments and the estimated price.
 */
export async function previewBroadcast(store: Store, input: BroadcastInput, s: FanoutSettings) {
  const { audience, resolved } = await reachOf(store, input, s);
  const { recipients, excluded, languages } = resolved;
  const byChannel: Record<string, Record<string, number>> = {};
  const perLanguage: Record<string, { segments: number; encoding: string; characters: number }> = {};
  let smsSegments = 0;
  let telegramMessages = 0;
  let whatsappMessages = 0;
  const calls = previewCalls(recipients, input, s.voice);
  for (const r of recipients) {
    const lang = r.textLang;
    const text = input.text[lang];
    if (called(r, input, s.voice)) continue;
    byChannel[r.address.channel] ??= {};
    byChannel[r.address.channel][lang] = (byChannel[r.address.channel][lang] ?? 0) + 1;
    if (r.address.channel === 'sms') {
      if (!perLanguage[lang]) {
        const [m] = renderText('sms', text, s.smsFoldGsm);
        perLanguage[lang] = { segments: m.segments, encoding: m.encoding, characters: m.text.length };
      }
      smsSegments += perLanguage[lang].segments;
    } else if (r.address.channel === 'whatsapp') {
      whatsappMessages += renderText('whatsapp', text, false).length;
    } else {
      telegramMessages += renderText('telegram', text, false).length;
    }
  }
  for (const [lang, text] of Object.entries(input.text)) {
    if (perLanguage[lang]) continue;
    const [m] = renderText('sms', text, s.smsFoldGsm);
    perLanguage[lang] = { segments: m.segments, encoding: m.encoding, characters: m.text.length };
  }
  const cost =
    smsSegments * s.smsSegmentPrice +
    telegramMessages * s.telegramMessagePrice +
    whatsappMessages * s.whatsappMessagePrice;
  // what each language's recipients cost: its SMS segments, and one Telegram or WhatsApp message each
  const costByLanguage: Record<string, number> = {};
  for (const [channel, langs] of Object.entries(byChannel))
    for (const [lang, n] of Object.entries(langs)) {
      const each =
        channel === 'sms'
          ? (perLanguage[lang]?.segments ?? 1) * s.smsSegmentPrice
          : channel === 'whatsapp'
            ? s.whatsappMessagePrice
            : s.telegramMessagePrice;
      costByLanguage[lang] = Math.round(((costByLanguage[lang] ?? 0) + n * each) * 100) / 100;
    }
  return {
    recipients: recipients.length,
    audience,
    untranslated: input.untranslated,
    languages,
    byChannel,
    excluded,
    segments: perLanguage,
    totalSmsSegments: smsSegments,
    calls,
    telegramMessages,
    whatsappMessages,
    estimatedCost: {
      amount: Math.round(cost * 100) / 100,
      currency: s.priceCurrency,
      byLanguage: costByLanguage,
    },
  };
}

/** A creation asked for again with the same idempotency key: the first one, if it exists. */
export async function replayed(store: Store, idempotencyKey: string | undefined): Promise<Broadcast | null> {
  return idempotencyKey ? store.collection('broadcasts').findOne({ idempotencyKey }) : null;
}

/**
 * Stores a broadcast (checked audience, expected recipients) unless the same idempotency
 * key already made one: then that one is returned with `replayed: true`. Extra fields
 * (a poll, a survey) go into the same document.
 */
export async function storeBroadcast(
  store: Store,
  s: FanoutSettings,
  input: BroadcastInput & {
    priority: 'alert' | 'bulk';
    sendAt: Date;
    createdBy: string;
    idempotencyKey?: string;
    extra?: Partial<Broadcast>;
  },
): Promise<{ broadcast: Broadcast; replayed: boolean }> {
  const first = await replayed(store, input.idempotencyKey);
  if (first) return { broadcast: first, replayed: true };
  const { audience, resolved } = await reachOf(store, input, s);
  refuseEmpty(resolved, input.allowEmpty);
  refuseSilence(previewCalls(resolved.recipients, { ...input, ...input.extra }, s.voice));
  try {
    const broadcast = await store.collection('broadcasts').insertOne({
      text: input.text,
      audience,
      untranslated: input.untranslated,
      priority: input.priority,
      sendAt: input.sendAt,
      createdBy: input.createdBy,
      idempotencyKey: input.idempotencyKey,
      recipients: resolved.recipients.length,
      excluded: resolved.excluded,
      voiceRecordings: input.voiceRecordings,
      ...input.extra,
    });
    return { broadcast, replayed: false };
  } catch (err) {
    // the same request, twice at once: the other one won
    const other = err instanceof DuplicateKey ? await replayed(store, input.idempotencyKey) : null;
    if (!other) throw err;
    return { broadcast: other, replayed: true };
  }
}

/** The language of the text a broadcast gives a recipient, under the broadcast's rule for other languages. */
export function textsOf(b: Pick<Broadcast, 'text' | 'untranslated'>) {
  // stored before the choice existed: those broadcasts promised the fallback
  return { languages: Object.keys(b.text), untranslated: b.untranslated ?? ('fallback' as const) };
}

/**
 * Queues one message per recipient with a unique key (broadcast + contact): running it
 * again after a crash adds nothing twice. Returns the number of recipients.
 */
export async function fanOut(
  store: Store,
  b: Broadcast,
  s: FanoutSettings,
  now = new Date(),
): Promise<number> {
  const { recipients, excluded } = await resolveAudience(store, b.audience, s.defaultLanguage, textsOf(b));
  const priority = b.priority === 'alert' ? PRIORITY.alert : PRIORITY.bulk;
  const rendered = new Map<string, Rendered[]>();
  function* messages() {
    for (const r of recipients) {
      if (called(r, b, s.voice)) {
        yield alertCall(r, b, now);
        continue;
      }
      const lang = r.textLang;
      const key = `${r.address.channel}:${lang}`;
      let parts = rendered.get(key);
      if (!parts) {
        const poll = pollDraft(b, lang, s.defaultLanguage);
        parts = renderText(r.address.channel, b.text[lang], s.smsFoldGsm, poll);
        rendered.set(key, parts);
      }
      const envelope = { ...addressedTo(r.address, r.contact._id), dedupeKey: `b:${b._id}:${r.contact._id}` };
      yield* messagesOf(parts, { ...envelope, priority, broadcastId: b._id, now });
    }
  }
  // a rerun after a crash adds nothing twice; webhooks get in between batches
  await enqueueMany(store, messages());
  await store
    .collection('broadcasts')
    .updateOne(
      { _id: b._id },
      { $set: { fannedOutAt: new Date(), recipients: recipients.length, excluded } as any },
    );
  return recipients.length;
}

/** Delivery counts of a broadcast, from its outbox messages. */
export async function broadcastCounts(store: Store, id: string) {
  const rows = await store
    .collection('outbound')
    .aggregate<{ _id: string; n: number }>([
      { $match: { broadcastId: id } },
      { $group: { _id: '$status', n: { $sum: 1 } } },
    ]);
  const by = Object.fromEntries(rows.map((r) => [r._id, r.n]));
  return {
    queued: (by.queued ?? 0) + (by.sending ?? 0),
    sent: by.sent ?? 0,
    delivered: by.delivered ?? 0,
    failed: (by.failed ?? 0) + (by.undelivered ?? 0) + (by.dead ?? 0),
    cancelled: by.cancelled ?? 0,
  };
}

/** Broadcasts due now: claimed one at a time (state scheduled → sending), then fanned out. */
export async function runDueBroadcasts(
  store: Store,
  s: FanoutSettings,
  now = new Date(),
  fanOutOne: (b: Broadcast) => Promise<number> = (b) => fanOut(store, b, s),
): Promise<number> {
  let n = 0;
  for (;;) {
    const b = await store
      .collection('broadcasts')
      .findOneAndUpdate(
        { state: 'scheduled', sendAt: { $lte: now } },
        { $set: { state: 'sending' } },
        { sort: { sendAt: 1 } },
      );
    if (!b) break;
    await fanOutOne(b);
    n++;
  }
  // A fan-out a crash interrupted: finish it (the dedupe keys keep it exact).
  for (const b of await store
    .collection('broadcasts')
    .find({ state: 'sending', fannedOutAt: { $exists: false } })) {
    await fanOut(store, b, s);
    n++;
  }
  return n;
}

/**
 * A broadcast's state as people should see it, without writing: a fanned-out broadcast with
 * nothing waiting is done even before the scheduler has marked it so.
 */
export function stateOf(b: Broadcast, counts: { queued: number }): Broadcast['state'] {
  return b.state === 'sending' && b.fannedOutAt && counts.queued === 0 ? 'done' : b.state;
}

/** Marks a sending broadcast done once it is fanned out and nothing of it is waiting; returns its state. */
export async function finishBroadcast(store: Store, b: Broadcast): Promise<Broadcast['state']> {
  if (b.state !== 'sending' || !b.fannedOutAt) return b.state;
  const waiting = await store
    .collection('outbound')
    .countDocuments({ broadcastId: b._id, status: { $in: ['queued', 'sending'] } });
  if (waiting) return b.state;
  await store
    .collection('broadcasts')
    .updateOne({ _id: b._id, state: 'sending' }, { $set: { state: 'done' } });
  return 'done';
}

/** Marks sending broadcasts done once nothing of theirs is waiting. */
export async function finishBroadcasts(store: Store): Promise<void> {
  for (const b of await store
    .collection('broadcasts')
    .find({ state: 'sending', fannedOutAt: { $exists: true } })) {
    await finishBroadcast(store, b);
  }
}

/** Cancels what has not gone out yet. */
export async function cancelBroadcast(store: Store, id: string): Promise<{ cancelled: number } | undefined> {
  const b = await store
    .collection('broadcasts')
    .findOneAndUpdate(
      { _id: id, state: { $in: ['scheduled', 'sending'] } },
      { $set: { state: 'cancelled' } },
    );
  if (!b) return undefined;
  const r = await store
    .collection('outbound')
    .updateMany({ broadcastId: id, status: 'queued' }, { $set: { status: 'cancelled' } });
  return { cancelled: r.modified };
}

/** A page of broadcasts, newest first. */
export async function listBroadcasts(store: Store, page: { limit: number; offset: number }) {
  return store
    .collection('broadcasts')
    .find({}, { sort: { createdAt: -1 }, limit: page.limit, skip: page.offset });
}

/** One broadcast by id. */
export function findBroadcast(store: Store, id: string): Promise<Broadcast | null> {
  return store.collection('broadcasts').findOne({ _id: id });
}

/** A broadcast as the API and the dashboard show it. */
export async function broadcastView(store: Store, b: Broadcast) {
  const counts = await broadcastCounts(store, b._id);
  return {
    id: b._id,
    kind: b.surveyId ? ('survey' as const) : b.poll ? ('poll' as const) : ('broadcast' as const),
    state: stateOf(b, counts),
    priority: b.priority,
    text: b.text,
    audience: b.audience,
    untranslated: b.untranslated ?? 'fallback',
    sendAt: b.sendAt.toISOString(),
    createdAt: b.createdAt.toISOString(),
    createdBy: b.createdBy,
    recipients: b.recipients ?? 0,
    excluded: b.excluded,
    fannedOut: !!b.fannedOutAt,
    counts,
  };
}

/**
 * Stores a broadcast staff asked for, audited, and says whether it is due now. The same
 * idempotency key again returns the first one (`replayed: true`), whatever the time is now.
 */
export async function startBroadcast(
  store: Store,
  settings: FanoutSettings,
  staff: Staff,
  body: BroadcastInput & { priority: 'alert' | 'bulk'; sendAt?: Date; now?: boolean },
  key?: string,
): Promise<{ replayed: boolean; due: boolean; view: Awaited<ReturnType<typeof broadcastView>> }> {
  const first = await replayed(store, key);
  if (first) return { replayed: true, due: false, view: await broadcastView(store, first) };
  const made = await storeBroadcast(store, settings, {
    ...body,
    sendAt: startTime('sendAt', body.sendAt, body.now),
    createdBy: staff.name,
    idempotencyKey: key,
  });
  const b = made.broadcast;
  if (!made.replayed)
    await audit(store, staff, 'broadcast.create', b._id, {
      recipients: b.recipients,
      excluded: b.excluded,
      priority: b.priority,
      sendAt: b.sendAt,
      languages: Object.keys(b.text),
      untranslated: b.untranslated,
    });
  return {
    replayed: made.replayed,
    due: !made.replayed && b.sendAt.getTime() <= Date.now(),
    view: await broadcastView(store, b),
  };
}
