import { Rendered } from '../i18n/render';
import { InboundMessage, PRIORITY } from '../models';
import { enqueue, messagesOf, render } from '../outbox/compose';
import { Store } from '../store/types';
import { Turn } from './turn';

/**
 * Queues a turn's replies to the person (rendered for their channel, every part kept,
 * keyed by the inbound message so a retry never doubles them) with the turn's other
 * messages (alerts to staff); returns what the person gets.
 */
export async function queueReplies(turn: Turn, fold: boolean): Promise<Rendered[]> {
  const { inbound } = turn;
  const parts = turn.replies.flatMap((draft) =>
    render(inbound.channel, draft, fold).map((r) => ({ r, redact: draft.redactAfterSend })),
  );
  const messages = parts.flatMap(({ r, redact }, i) =>
    messagesOf([r], {
      channel: inbound.channel,
      transport: inbound.transport,
      to: inbound.address,
      contactId: turn.contact._id,
      priority: PRIORITY.reply,
      inReplyTo: inbound._id,
      redactAfterSend: turn.sensitive || redact,
      dedupeKey: `reply:${inbound._id}:${i}`,
      now: turn.now,
      seq: i,
    }),
  );
  await enqueue(turn.store, [...turn.extra, ...messages]);
  return parts.map((p) => p.r);
}

/** The replies queued for an inbound message, in the order they were made. */
export async function queuedReplies(store: Store, inboundId: string): Promise<Rendered[]> {
  const sent = await store.collection('outbound').find({ inReplyTo: inboundId }, { sort: { createdAt: 1 } });
  return sent.map((m) => ({ text: m.text, segments: m.segments, encoding: m.encoding, buttons: m.buttons }));
}

/** The inbound message is handled (in the same unit of work as its effects). */
export async function markHandled(store: Store, inbound: InboundMessage, now: Date): Promise<void> {
  await store
    .collection('inbound')
    .updateOne({ _id: inbound._id }, { $set: { status: 'handled', handledAt: now }, $inc: { attempts: 1 } });
}
