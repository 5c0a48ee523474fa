import { randomInt } from 'node:crypto';
import { DuplicateKey } from '../domain/errors';
import { Contact } from '../models';
import { Store } from '../store/types';

const CODE_TTL_MS = 10 * 60_000;
const MAX_FAILURES = 5;
const FAILURE_WINDOW_MS = 60 * 60_000;

/**
 * One person, several addresses: a six-digit code issued on one channel, valid ten
 * minutes, redeemed on the other joins the two contacts into one, keeping reports,
 * language and opt-out state. Five wrong codes in an hour block further tries, so codes
 * cannot be guessed.
 */
export async function issueLinkCode(store: Store, contactId: string, now: Date): Promise<string> {
  const codes = store.collection('linkCodes');
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    try {
      await codes.insertOne({
        _id: `code:${code}`,
        contactId,
        expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      });
      return code;
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
    }
  }
  throw new Error('no free link code');
}

/** What redeeming a code did. */
export type Redeemed = { outcome: 'blocked' | 'same' | 'wrong' } | { outcome: 'done'; merged: Contact };

/** Redeems a code sent by `contact`: the two contacts become the one that asked for the code. */
export async function redeemLinkCode(
  store: Store,
  contact: Contact,
  code: string,
  now: Date,
): Promise<Redeemed> {
  const codes = store.collection('linkCodes');
  const failKey = `fail:${contact._id}`;
  const fails = await codes.findOne({ _id: failKey, expiresAt: { $gt: now } });
  if (fails && fails.failures >= MAX_FAILURES) return { outcome: 'blocked' };

  const found = await codes.findOne({ _id: `code:${code}`, expiresAt: { $gt: now } });
  if (found?.contactId === contact._id) return { outcome: 'same' };
  if (!found) {
    await codes.updateOne(
      { _id: failKey },
      {
        $inc: { failures: 1 },
        $setOnInsert: { contactId: contact._id, expiresAt: new Date(now.getTime() + FAILURE_WINDOW_MS) },
      },
      { upsert: true },
    );
    return { outcome: 'wrong' };
  }
  const keep = await store.collection('contacts').findOne({ _id: found.contactId });
  if (!keep) return { outcome: 'wrong' };
  await codes.deleteOne({ _id: found._id });
  return { outcome: 'done', merged: await mergeContacts(store, keep, contact) };
}

/** Moves everything of `from` onto `keep`, then removes `from`. */
export async function mergeContacts(s: Store, keep: Contact, from: Contact): Promise<Contact> {
  await s.collection('reports').updateMany({ contactId: from._id }, { $set: { contactId: keep._id } });
  await s.collection('outbound').updateMany({ contactId: from._id }, { $set: { contactId: keep._id } });
  // free the addresses' unique keys before they move
  await s.collection('contacts').updateOne({ _id: from._id }, { $set: { addresses: [] } });
  const set: Record<string, unknown> = { optedOut: keep.optedOut || from.optedOut };
  if (!keep.language && from.language)
    Object.assign(set, { language: from.language, languageSource: from.languageSource });
  for (const k of ['role', 'site', 'region', 'country'] as const) if (!keep[k] && from[k]) set[k] = from[k];
  if (from.registration === 'complete') set.registration = 'complete';
  if (set.optedOut && !keep.optedOut) set.optedOutAt = from.optedOutAt ?? new Date();
  const merged = await s.collection('contacts').findOneAndUpdate(
    { _id: keep._id },
    {
      $set: set,
      $push: { addresses: { $each: from.addresses } },
      $addToSet: { minerals: { $each: from.minerals ?? [] } },
      $min: { firstSeenAt: from.firstSeenAt },
    },
  );
  await s.collection('sessions').deleteOne({ _id: from._id });
  await s.collection('contacts').deleteOne({ _id: from._id });
  return merged!;
}
