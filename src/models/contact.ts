import { Schema } from 'mongoose';
import { LANGUAGES, Language } from '../domain/language';
import { MINERALS } from '../domain/minerals';
import { CHANNELS, Channel, TRANSPORTS, Transport, makeSchema } from './common';

/** Roles people have in a mining community. */
export const ROLES = ['miner', 'pit_leader', 'processor', 'trader', 'community_leader', 'other'] as const;
/** A role a contact has. */
export type Role = (typeof ROLES)[number];

/** One way to reach a person: a phone number on SMS, a chat id on Telegram. */
export interface Address {
  /** `channel:value`, unique across all contacts. */
  key: string;
  channel: Channel;
  value: string;
  transport: Transport;
  addedAt: Date;
}

/** A person who wrote to the line: how to reach them, their language and profile, their opt-out state. */
export interface Contact {
  _id: string;
  addresses: Address[];
  language?: Language;
  /** How the language was chosen: asked (explicit) or read from a report keyword (inferred). */
  languageSource?: 'explicit' | 'inferred';
  role?: (typeof ROLES)[number];
  site?: string;
  region?: string;
  country?: string;
  minerals: string[];
  registration: 'none' | 'started' | 'complete';
  optedOut: boolean;
  optedOutAt?: Date;
  /** Broadcasts and alerts come as phone calls, spoken (for people who read little): key 8 on the voice line, or staff. */
  prefersVoice?: boolean;
  /** What pushes they asked for: `prices` is the weekly price digest. */
  subscriptions: string[];
  firstSeenAt: Date;
  lastSeenAt: Date;
}

const addressSchema = new Schema(
  {
    key: { type: String, required: true },
    channel: { type: String, enum: CHANNELS, required: true },
    value: { type: String, required: true },
    transport: { type: String, enum: TRANSPORTS, required: true },
    addedAt: { type: Date, default: () => new Date() },
  },
  { _id: false },
);

/** Schema of `contacts`. */
export const contactSchema = makeSchema({
  addresses: { type: [addressSchema], default: [] },
  language: { type: String, enum: LANGUAGES },
  languageSource: { type: String, enum: ['explicit', 'inferred'] },
  role: { type: String, enum: ROLES },
  site: { type: String, maxlength: 60 },
  region: { type: String, maxlength: 60 },
  country: { type: String, maxlength: 2 },
  minerals: { type: [{ type: String, enum: MINERALS }], default: [] },
  registration: { type: String, enum: ['none', 'started', 'complete'], default: 'none' },
  optedOut: { type: Boolean, default: false },
  optedOutAt: Date,
  prefersVoice: Boolean,
  subscriptions: { type: [{ type: String, enum: ['prices'] }], default: [] },
  firstSeenAt: { type: Date, default: () => new Date() },
  lastSeenAt: { type: Date, default: () => new Date() },
});
contactSchema.index({ 'addresses.key': 1 }, { unique: true });
contactSchema.index({ optedOut: 1, region: 1 });
contactSchema.index({ subscriptions: 1 });
