import { Schema } from 'mongoose';
import { CHANNELS, Channel, TRANSPORTS, Transport, makeSchema } from './common';

/** A photo or file a person sent, kept where the provider stores it (never copied, never public). */
export interface MediaRef {
  url: string;
  contentType: string;
}

/** What a message carried besides text. */
export interface InboundExtra {
  /** Telegram callback query id, answered when the tap is processed. */
  callbackId?: string;
  /** The tapped button's data: `c:<flow>:<step>:<value>`. */
  callbackData?: string;
  location?: { lat: number; lon: number };
  /** `/start <payload>`: the payload (`site_KAM042`). */
  startPayload?: string;
  /** The message was `/start` (a Telegram chat opening). */
  start?: boolean;
  /** The language the person's app is set to (Telegram `language_code`), a hint for a new contact. */
  languageHint?: string;
  /** Photos and files sent with the message (WhatsApp): where the provider keeps them, read with the account's credentials. */
  media?: MediaRef[];
  /** A step of a USSD session (never logged): the screens of the phone's SMS address. */
  ussd?: boolean;
  /** A keypad step of a phone call (never logged): the voice line on the phone's SMS address. */
  voice?: boolean;
}

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
  /** Channel details beyond the text: a tapped button, a shared location, a /start payload. */
  extra?: InboundExtra;
  /** The text was erased because it belonged to an anonymous report. */
  redacted?: boolean;
  /** Logged past the line's global reply budget: handled, not answered. */
  silent?: boolean;
  status: InboundStatus;
  attempts: number;
  lastError?: string;
  receivedAt: Date;
  /**
   * When it was written to the log, strictly increasing within a process: the order one
   * person's messages are handled in (`receivedAt` is the provider's clock, to the second
   * on Telegram, and a tap carries none).
   */
  loggedAt?: Date;
  handledAt?: Date;
}

/** Schema of `inbound`. */
export const inboundSchema = makeSchema({
  channel: { type: String, enum: CHANNELS, required: true },
  transport: { type: String, enum: TRANSPORTS, required: true },
  providerMessageId: { type: String, required: true },
  address: { type: String, required: true },
  text: { type: String, default: '', maxlength: 4096 },
  extra: { type: Schema.Types.Mixed },
  redacted: Boolean,
  silent: Boolean,
  status: { type: String, enum: ['received', 'handled', 'failed'], default: 'received' },
  attempts: { type: Number, default: 0 },
  lastError: String,
  receivedAt: { type: Date, default: () => new Date() },
  loggedAt: Date,
  handledAt: Date,
});
inboundSchema.index({ channel: 1, providerMessageId: 1 }, { unique: true });
inboundSchema.index({ status: 1, receivedAt: 1 });
// one person's waiting messages, in the order they were logged (handled in that order)
inboundSchema.index({ channel: 1, address: 1, status: 1, loggedAt: 1 });
