import { OutboundMessage } from '../models';
import { Store } from '../store/types';
import { addressedTo, compose, enqueue } from './compose';

/** Long enough to mean "when the person writes": the retention purge removes it if they never do. */
const WAIT_MS = 365 * 86_400_000;

/**
 * A WhatsApp message that cannot go (outside the 24-hour window, no template fits, or
 * Twilio's 63016): sent by SMS instead when the person has a number, otherwise kept until
 * they next write on WhatsApp ({@link wakeWaiting}). Returns which.
 */
export async function whatsappFallback(
  store: Store,
  msg: OutboundMessage,
  reason: string,
  opts: { foldGsm: boolean; now?: Date },
): Promise<'sms' | 'waiting'> {
  const now = opts.now ?? new Date();
  const out = store.collection('outbound');
  const mine = { _id: msg._id, leaseOwner: msg.leaseOwner, status: 'sending' as const };
  const lease = { leaseOwner: '', leaseUntil: '' } as const;
  const contact = msg.contactId ? await store.collection('contacts').findOne({ _id: msg.contactId }) : null;
  const sms = contact?.optedOut ? undefined : contact?.addresses.find((a) => a.channel === 'sms');
  if (contact && sms) {
    const envelope = {
      ...addressedTo(sms, contact._id),
      priority: msg.priority,
      broadcastId: msg.broadcastId,
      inReplyTo: msg.inReplyTo,
      redactAfterSend: msg.redactAfterSend,
      dedupeKey: `${msg.dedupeKey ?? msg._id}:sms`,
      now,
    };
    const options = msg.buttons?.flat().map((b) => b.text);
    await enqueue(store, compose({ text: msg.text, options }, envelope, opts.foldGsm));
    await out.updateOne(mine, {
      $set: {
        status: 'cancelled',
        errorCode: 'whatsapp_window_closed',
        errorReason: `${reason}: sent by SMS`,
      },
      $unset: lease,
    });
    return 'sms';
  }
  await out.updateOne(mine, {
    $set: {
      status: 'queued',
      waitingForReply: true,
      nextAttemptAt: new Date(now.getTime() + WAIT_MS),
      errorCode: 'whatsapp_window_closed',
      errorReason: `${reason}: waits for the person's next WhatsApp message`,
    },
    $unset: lease,
  });
  return 'waiting';
}

/** The person wrote on WhatsApp: what waited for them goes now (their window is open). */
export async function wakeWaiting(store: Store, address: string, now: Date): Promise<number> {
  const r = await store
    .collection('outbound')
    .updateMany(
      { waitingForReply: true, to: address, channel: 'whatsapp' },
      { $set: { nextAttemptAt: now }, $unset: { waitingForReply: '' } },
    );
  return r.modified;
}
