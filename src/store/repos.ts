import { DuplicateKey } from '../domain/errors';
import { newReference } from '../domain/ids';
import { Channel, Contact, InboundMessage, OutboundMessage, Report, Transport } from '../models';
import { queueForRollups } from '../stats/prices';
import { NewDoc, Store } from './types';

/**
 * Repositories: the few operations the rest of Chimba needs, written once with
 * MongoDB filter and update documents, so they run unchanged on both engines.
 */

/** The unique key of an address: `sms:+243990000001`, `telegram:5123456789`. */
export function addressKey(channel: Channel, value: string): string {
  return `${channel}:${value}`;
}

/** Finds the contact behind an address, creating it on first contact. `created` says which. */
export async function findOrCreateContact(
  store: Store,
  a: { channel: Channel; value: string; transport: Transport; country?: string },
  now: Date,
): Promise<{ contact: Contact; created: boolean }> {
  const contacts = store.collection('contacts');
  const key = addressKey(a.channel, a.value);
  const existing = await contacts.findOneAndUpdate({ 'addresses.key': key }, { $set: { lastSeenAt: now } });
  if (existing) return { contact: existing, created: false };
  try {
    const contact = await contacts.insertOne({
      addresses: [{ key, channel: a.channel, value: a.value, transport: a.transport, addedAt: now }],
      country: a.country,
      firstSeenAt: now,
      lastSeenAt: now,
    });
    return { contact, created: true };
  } catch (err) {
    if (!(err instanceof DuplicateKey)) throw err;
    // Another request created it between our read and our write.
    const contact = await contacts.findOne({ 'addresses.key': key });
    if (!contact) throw err;
    return { contact, created: false };
  }
}

/**
 * Writes an inbound message to the log before anything else happens. A redelivery
 * (same channel and provider id) returns the logged copy with `duplicate: true`.
 */
export async function logInbound(
  store: Store,
  msg: Pick<
    InboundMessage,
    'channel' | 'transport' | 'providerMessageId' | 'address' | 'text' | 'receivedAt' | 'extra'
  > &
    Partial<Pick<InboundMessage, 'status' | 'handledAt' | 'lastError' | 'silent'>>,
): Promise<{ inbound: InboundMessage; duplicate: boolean }> {
  const col = store.collection('inbound');
  try {
    return { inbound: await col.insertOne({ ...msg, loggedAt: nextLogTime() }), duplicate: false };
  } catch (err) {
    if (!(err instanceof DuplicateKey)) throw err;
    const inbound = await col.findOne({ channel: msg.channel, providerMessageId: msg.providerMessageId });
    if (!inbound) throw err;
    return { inbound, duplicate: true };
  }
}

let lastLogged = 0;
/** Now, to the millisecond, but always later than the last message this process logged. */
function nextLogTime(): Date {
  lastLogged = Math.max(lastLogged + 1, Date.now());
  return new Date(lastLogged);
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
 * Stores a report under a fresh reference number, retrying on the rare clash. When
 * `sourceKey` was already used (the same message processed twice), returns the first report.
 * Price reports are queued for the statistics in the same unit of work.
 */
export async function insertReport(
  store: Store,
  doc: Omit<Partial<Report>, 'reference'> & { kind: Report['kind'] },
): Promise<Report> {
  const reports = store.collection('reports');
  for (let attempt = 0; ; attempt++) {
    try {
      // a price report is queued for the statistics in its own unit of work, and counted
      // there in batches (see foldPendingReports), one write per bucket rather than per report
      const report = await reports.insertOne({
        ...doc,
        pinned: doc.urgent === true,
        reference: newReference(doc.kind),
        ...(doc.kind === 'price' ? { rolledUp: true } : {}),
      });
      await queueForRollups(store, report);
      return report;
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
      if (err.index.startsWith('sourceKey') && doc.sourceKey) {
        const first = await reports.findOne({ sourceKey: doc.sourceKey });
        if (first) return first;
      }
      if (attempt >= 5) throw err;
    }
  }
}
