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

/** WhatsApp: a free-form message outside the 24-hour window (a template is needed). */
export const WHATSAPP_WINDOW_CLOSED = '63016';
/** WhatsApp rate limits (per sender, per recipient): throttles, retried later. */
export const WHATSAPP_THROTTLES = ['63017', '63018'];

/** Twilio error code meaning the recipient replied STOP at the carrier: we must mark them opted out. */
export const TWILIO_UNSUBSCRIBED = '21610';
