import { Schema } from 'mongoose';
import { CHANNELS, Channel, TRANSPORTS, Transport, makeSchema } from './common';

/** Priorities of the outbox: a reply goes before an alert, an alert before bulk. */
export const PRIORITY = { reply: 0, alert: 1, bulk: 2 } as const;

/** States of an outgoing message. `dead` is a dead letter: it will not be tried again. */
export const OUTBOUND_STATES = [
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
  'dead',
  'cancelled',
] as const;
/** A state of an outgoing message. */
export type OutboundState = (typeof OUTBOUND_STATES)[number];

/** An outgoing message: stored before any provider sees it, then claimed, sent and tracked. */
export interface OutboundMessage {
  _id: string;
  channel: Channel;
  transport: Transport;
  to: string;
  contactId?: string;
  text: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2' | 'text';
  priority: number;
  status: OutboundState;
  attempts: number;
  nextAttemptAt: Date;
  leaseOwner?: string;
  leaseUntil?: Date;
  providerId?: string;
  /** Unique when set: the same logical message is never queued twice. */
  dedupeKey?: string;
  inReplyTo?: string;
  broadcastId?: string;
  /** Telegram inline keyboard: rows of buttons (label and callback data). */
  buttons?: { text: string; data: string }[][];
  /** Replace the text once sent: it would tie this phone to an anonymous report. */
  redactAfterSend?: boolean;
  errorCode?: string;
  errorReason?: string;
  /** What the provider charged for it, when it says (Africa's Talking does). */
  costAmount?: number;
  costCurrency?: string;
  /** A phone call, not a text (transport `voice`): a call back after a missed call, or an alert spoken. */
  call?: { purpose: 'callback' | 'alert'; recording?: string };
  /** WhatsApp, outside the 24-hour window with no template and no SMS number: sent when the person next writes. */
  waitingForReply?: boolean;
  createdAt: Date;
  sentAt?: Date;
  deliveredAt?: Date;
}

/** Schema of `outbound`. */
export const outboundSchema = makeSchema({
  channel: { type: String, enum: CHANNELS, required: true },
  transport: { type: String, enum: TRANSPORTS, required: true },
  to: { type: String, required: true },
  contactId: String,
  text: { type: String, required: true, maxlength: 4096 },
  segments: { type: Number, default: 1 },
  encoding: { type: String, enum: ['GSM-7', 'UCS-2', 'text'], default: 'GSM-7' },
  priority: { type: Number, default: 0, min: 0, max: 2 },
  status: { type: String, enum: OUTBOUND_STATES, default: 'queued' },
  attempts: { type: Number, default: 0 },
  nextAttemptAt: { type: Date, default: () => new Date() },
  leaseOwner: String,
  leaseUntil: Date,
  providerId: String,
  dedupeKey: String,
  inReplyTo: String,
  broadcastId: String,
  buttons: { type: Schema.Types.Mixed },
  redactAfterSend: Boolean,
  errorCode: String,
  errorReason: String,
  costAmount: Number,
  costCurrency: String,
  waitingForReply: Boolean,
  call: {
    type: {
      _id: false,
      purpose: { type: String, enum: ['callback', 'alert'], required: true },
      /** An alert in a language `<Say>` lacks: the recording staff attached (a clip name). */
      recording: { type: String, maxlength: 120 },
    },
    default: undefined,
  },
  createdAt: { type: Date, default: () => new Date() },
  sentAt: Date,
  deliveredAt: Date,
});
outboundSchema.index({ status: 1, transport: 1, priority: 1, nextAttemptAt: 1 });
outboundSchema.index({ dedupeKey: 1 }, { unique: true, sparse: true });
outboundSchema.index({ providerId: 1 }, { sparse: true });
outboundSchema.index({ inReplyTo: 1 }, { sparse: true });
outboundSchema.index({ leaseOwner: 1 }, { sparse: true });
outboundSchema.index({ broadcastId: 1, status: 1 }, { sparse: true });
outboundSchema.index({ contactId: 1, createdAt: -1 }, { sparse: true });
outboundSchema.index({ waitingForReply: 1, to: 1 }, { sparse: true });
