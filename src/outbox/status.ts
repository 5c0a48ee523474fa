import { toHour } from '../domain/privacy';
import { OUTBOUND_STATES, OutboundMessage, OutboundState } from '../models';
import { StatusUpdate } from '../models/channel';
import { optOut } from '../contacts/contacts';
import { Store } from '../store/types';

/** What happens to a message once sent: delivery statuses, and what a report conversation's replies keep. */

/** What a sent message's text becomes when it must not outlive its sending. */
export const REDACTED = '[redacted]';

/**
 * What a sent reply of a report conversation keeps: not its text, not who it went to, and
 * its times to the hour (it could tie the person to an anonymous report). Delivery counts
 * and costs per channel still see it.
 */
export function forgotten(msg: OutboundMessage): Partial<OutboundMessage> {
  const hour = toHour(new Date());
  return {
    text: REDACTED,
    to: REDACTED_ADDRESS,
    createdAt: toHour(msg.createdAt),
    nextAttemptAt: hour,
    sentAt: hour,
  };
}

/** The address left on a sent reply of a report conversation. */
export const REDACTED_ADDRESS = 'redacted';

const RANK: Record<OutboundState, number> = {
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  dead: 3,
  cancelled: 3,
};

/**
 * Records a provider's delivery status on the message it sent. Statuses only move
 * forward (a late "sent" never overwrites "delivered"); 21610 opts the contact out.
 */
export async function recordStatus(store: Store, update: StatusUpdate): Promise<boolean> {
  const out = store.collection('outbound');
  const msg = await out.findOne({ transport: update.transport, providerId: update.providerId });
  if (!msg) return false;
  const notAfter = OUTBOUND_STATES.filter(
    (s) => RANK[s] <= RANK[update.status] && s !== 'dead' && s !== 'cancelled',
  );
  const set: Record<string, unknown> = { status: update.status };
  const forgottenReply = msg.to === REDACTED_ADDRESS;
  if (update.status === 'delivered') set.deliveredAt = forgottenReply ? toHour(new Date()) : new Date();
  if (update.errorCode) set.errorCode = update.errorCode;
  await out.updateOne({ _id: msg._id, status: { $in: notAfter } }, { $set: set });
  if (update.optedOut && !forgottenReply) {
    await optOut(store, { channel: msg.channel, address: msg.to });
  }
  return true;
}
