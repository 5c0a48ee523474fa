import { DuplicateKey } from '../domain/errors';
import { Draft, Rendered, renderSms, renderTelegram, renderWhatsApp } from '../i18n/render';
import { Address, Channel, OutboundMessage, PRIORITY, Transport } from '../models';
import { NewDoc, Store } from '../store/types';

/** Where a message goes and what it belongs to. */
export interface Envelope {
  channel: Channel;
  transport: Transport;
  /** The phone number or chat id. */
  to: string;
  contactId?: string;
  /** `PRIORITY.reply`, `alert` or `bulk`; bulk when absent. */
  priority?: number;
  /**
   * Makes queuing idempotent: the first part carries it as is, later parts (a long
   * Telegram text) `<key>:<n>`. Queued again after a crash, nothing is doubled.
   */
  dedupeKey: string;
  broadcastId?: string;
  inReplyTo?: string;
  /** The text is erased once the message is sent (replies that could reveal a report). */
  redactAfterSend?: boolean;
  now: Date;
  /** Place among messages queued together: created `seq` milliseconds after `now`, so they keep their order. */
  seq?: number;
}

/** The envelope fields of a contact's address. */
export function addressedTo(
  address: Pick<Address, 'channel' | 'transport' | 'value'>,
  contactId?: string,
): Pick<Envelope, 'channel' | 'transport' | 'to' | 'contactId'> {
  return { channel: address.channel, transport: address.transport, to: address.value, contactId };
}

/** A draft as one channel carries it: one SMS (numbered choices, GSM-7 folding), WhatsApp parts, or Telegram parts with buttons. */
export function render(channel: Channel, draft: Draft, foldGsm: boolean): Rendered[] {
  if (channel === 'sms') return [renderSms(draft, foldGsm)];
  if (channel === 'whatsapp') return renderWhatsApp(draft);
  return renderTelegram(draft);
}

/**
 * The one way a draft becomes outgoing messages: rendered for the envelope's channel,
 * every part kept, parts ordered by creation time. Every reply, alert, broadcast, poll,
 * survey question, digest and triage update is made here.
 */
export function compose(draft: Draft, env: Envelope, foldGsm: boolean): NewDoc<OutboundMessage>[] {
  return messagesOf(render(env.channel, draft, foldGsm), env);
}

/** Outgoing messages of parts rendered already (a fan-out renders each text once per language). */
export function messagesOf(parts: Rendered[], env: Envelope): NewDoc<OutboundMessage>[] {
  return parts.map((r, i) => ({
    channel: env.channel,
    transport: env.transport,
    to: env.to,
    contactId: env.contactId,
    text: r.text,
    segments: r.segments,
    encoding: r.encoding,
    buttons: r.buttons,
    priority: env.priority ?? PRIORITY.bulk,
    broadcastId: env.broadcastId,
    inReplyTo: env.inReplyTo,
    redactAfterSend: env.redactAfterSend || undefined,
    dedupeKey: i ? `${env.dedupeKey}:${i}` : env.dedupeKey,
    createdAt: new Date(env.now.getTime() + (env.seq ?? 0) + i),
    nextAttemptAt: env.now,
  }));
}

/** Queues outgoing messages; any whose `dedupeKey` is already queued is skipped, not doubled. */
export async function enqueue(store: Store, messages: NewDoc<OutboundMessage>[]): Promise<number> {
  const col = store.collection('outbound');
  let queued = 0;
  for (const m of messages) {
    try {
      await col.insertOne(m);
      queued++;
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
    }
  }
  return queued;
}

/**
 * Queues many messages in batches of `batch`, yielding to the event loop between them so
 * a big fan-out never freezes the line. A rerun after a crash skips what was queued. 200
 * a batch: webhooks arriving during a 100k fan-out were answered about twice as fast as
 * with 500, and the fan-out itself did not slow (bench/RESULTS.md, broadcast).
 */
export async function enqueueMany(
  store: Store,
  messages: Iterable<NewDoc<OutboundMessage>>,
  batch = 200,
): Promise<void> {
  const out = store.collection('outbound');
  let pending: NewDoc<OutboundMessage>[] = [];
  const flush = async () => {
    if (!pending.length) return;
    try {
      await out.insertMany(pending);
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
      // some are queued already: insert the rest one by one
      await enqueue(store, pending);
    }
    pending = [];
    await new Promise<void>((resolve) => setImmediate(resolve));
  };
  for (const m of messages) {
    pending.push(m);
    if (pending.length >= batch) await flush();
  }
  await flush();
}
