import { OutboundState } from '../../models';

/** Twilio's message statuses and what they mean for our outbox; `null` means not ours to record. */
export const TWILIO_STATUS: Record<string, OutboundState | null> = {
  accepted: 'sent',
  scheduled: 'sent',
  queued: 'sent',
  sending: 'sent',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
  partially_delivered: 'delivered',
  receiving: null,
  received: null,
};

/** Twilio error code meaning the recipient replied STOP at the carrier: we must mark them opted out. */
export const TWILIO_UNSUBSCRIBED = '21610';
