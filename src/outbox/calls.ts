import { addressKey } from '../contacts/contacts';
import { DuplicateKey } from '../domain/errors';
import { PRIORITY } from '../models';
import { Store } from '../store/types';

/** The line calls a number back at most once in this long, however often it rings. */
export const CALLBACK_WINDOW_MS = 10 * 60_000;
/** A call not answered (or busy) is tried this many times in all, spaced by {@link CALL_RETRY_MS} times the attempt. */
export const CALL_ATTEMPTS = 3;
export const CALL_RETRY_MS = 5 * 60_000;

/**
 * A missed call: the line calls back (free for the caller) through the outbox, at the
 * pace of `VOICE_CPS`, once per number per ten minutes. False when a call back was queued
 * for the number in the last ten minutes already.
 */
export async function queueCallback(store: Store, phone: string, now: Date): Promise<boolean> {
  const out = store.collection('outbound');
  // found through the unique key (no scan): this ten-minute window's, or the last one's
  const window = Math.floor(now.getTime() / CALLBACK_WINDOW_MS);
  const key = (w: number) => `callback:${phone}:${w}`;
  const since = now.getTime() - CALLBACK_WINDOW_MS;
  const recent = await out.find({ dedupeKey: { $in: [key(window), key(window - 1)] } });
  if (recent.some((m) => m.createdAt.getTime() >= since)) return false;
  const contact = await store
    .collection('contacts')
    .findOne({ 'addresses.key': addressKey('sms', phone) }, { projection: { _id: 1 } });
  try {
    await out.insertOne({
      channel: 'sms',
      transport: 'voice',
      to: phone,
      contactId: contact?._id,
      text: 'call back',
      segments: 0,
      encoding: 'text',
      priority: PRIORITY.reply,
      status: 'queued',
      attempts: 0,
      nextAttemptAt: now,
      dedupeKey: key(window),
      call: { purpose: 'callback' },
      createdAt: now,
    });
  } catch (err) {
    if (err instanceof DuplicateKey) return false;
    throw err;
  }
  return true;
}

/**
 * How a call the line placed ended (Twilio's call status): answered is delivered; not
 * answered or busy is tried again later, at most {@link CALL_ATTEMPTS} times in all;
 * failed stays failed. The status is kept as the error code, like a delivery status.
 * False when no call of the line has this id (a call that came in).
 */
export async function recordCallOutcome(
  store: Store,
  callSid: string,
  status: string,
  now: Date,
): Promise<boolean> {
  const out = store.collection('outbound');
  const msg = await out.findOne({ transport: 'voice', providerId: callSid });
  if (!msg) return false;
  const mine = { _id: msg._id, status: { $in: ['sending', 'sent'] } };
  if (status === 'completed') {
    await out.updateOne(mine, { $set: { status: 'delivered', deliveredAt: now, errorCode: status } });
  } else if ((status === 'no-answer' || status === 'busy') && msg.attempts < CALL_ATTEMPTS) {
    await out.updateOne(mine, {
      $set: {
        status: 'queued',
        errorCode: status,
        errorReason: `the call was not answered (${status}): tried again later`,
        nextAttemptAt: new Date(now.getTime() + CALL_RETRY_MS * msg.attempts),
      },
      $unset: { providerId: '' },
    });
  } else {
    const final = status === 'no-answer' || status === 'busy' ? 'undelivered' : 'failed';
    await out.updateOne(mine, { $set: { status: final, errorCode: status } });
  }
  return true;
}
