import { CHANNELS, Channel, TRANSPORTS, Transport, makeSchema } from './common';

/** States of an inbound message in our log. */
export type InboundStatus = 'received' | 'handled' | 'failed';

/**
 * Every message that reached us, written before it is processed: the log that makes
 * a redelivered webhook harmless and lets a failed one be processed again.
 */
export interface InboundMessage {
  _id: string;
  channel: Channel;
  transport: Transport;
  providerMessageId: string;
  address: string;
  text: string;
  /** The text was erased because it belonged to an anonymous report. */
  redacted?: boolean;
  status: InboundStatus;
  attempts: number;
  lastError?: string;
  receivedAt: Date;
  handledAt?: Date;
}

/** Schema of `inbound`. */
export const inboundSchema = makeSchema({
  channel: { type: String, enum: CHANNELS, required: true },
  transport: { type: String, enum: TRANSPORTS, required: true },
  providerMessageId: { type: String, required: true },
  address: { type: String, required: true },
  text: { type: String, default: '', maxlength: 4096 },
  redacted: Boolean,
  status: { type: String, enum: ['received', 'handled', 'failed'], default: 'received' },
  attempts: { type: Number, default: 0 },
  lastError: String,
  receivedAt: { type: Date, default: () => new Date() },
  handledAt: Date,
});
inboundSchema.index({ channel: 1, providerMessageId: 1 }, { unique: true });
inboundSchema.index({ status: 1, receivedAt: 1 });
