import { Schema } from 'mongoose';
import { makeSchema } from './common';

/** Who a broadcast or poll goes to; an empty list means everyone. */
export interface Audience {
  /** ISO 3166 country codes of contacts' phone numbers (`CD`, `TZ`). */
  countries: string[];
  regions: string[];
  sites: string[];
  minerals: string[];
  roles: string[];
  languages: string[];
  channels: string[];
}

/** States of a broadcast. */
export const BROADCAST_STATES = ['scheduled', 'sending', 'done', 'cancelled'] as const;

/** A message staff send to many contacts, each in their language. */
export interface Broadcast {
  _id: string;
  /** Text by language code. */
  text: Record<string, string>;
  audience: Audience;
  priority: 'alert' | 'bulk';
  sendAt: Date;
  /**
   * People whose language has no text: `skip` (not sent) or `fallback` (the default
   * language's text). Broadcasts stored before this choice existed have none: they fall back.
   */
  untranslated?: 'skip' | 'fallback';
  /** `<credential id>:<Idempotency-Key>`: the same request twice creates one broadcast. */
  idempotencyKey?: string;
  state: (typeof BROADCAST_STATES)[number];
  createdBy: string;
  createdAt: Date;
  /** Set once every recipient's message is queued. */
  fannedOutAt?: Date;
  /** People it reaches: expected at creation, counted again when fanned out. */
  recipients?: number;
  excluded?: { optedOut: number; noChannel: number; untranslated?: number; busy?: number };
  /** A poll's question: the options follow the text (numbered on SMS, buttons on Telegram). */
  poll?: { id: string; options: Record<string, string>[] };
  /** A survey: each recipient's conversation starts at its first question. */
  surveyId?: string;
  /** For people who prefer calls: a recording staff made, by language (a clip name), played where `<Say>` lacks the language. */
  voiceRecordings?: Record<string, string>;
}

const audienceSchema = new Schema(
  {
    countries: { type: [String], default: [] },
    regions: { type: [String], default: [] },
    sites: { type: [String], default: [] },
    minerals: { type: [String], default: [] },
    roles: { type: [String], default: [] },
    languages: { type: [String], default: [] },
    channels: { type: [String], default: [] },
  },
  { _id: false },
);

/** Schema of `broadcasts`. */
export const broadcastSchema = makeSchema({
  text: { type: Schema.Types.Mixed, required: true },
  audience: { type: audienceSchema, default: () => ({}) },
  priority: { type: String, enum: ['alert', 'bulk'], default: 'bulk' },
  sendAt: { type: Date, default: () => new Date() },
  untranslated: { type: String, enum: ['skip', 'fallback'] },
  idempotencyKey: { type: String, maxlength: 300 },
  state: { type: String, enum: BROADCAST_STATES, default: 'scheduled' },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date() },
  fannedOutAt: Date,
  recipients: Number,
  excluded: { type: Schema.Types.Mixed },
  poll: { type: Schema.Types.Mixed },
  surveyId: String,
  voiceRecordings: { type: Schema.Types.Mixed },
});
broadcastSchema.index({ state: 1, sendAt: 1 });
broadcastSchema.index({ idempotencyKey: 1 }, { unique: true, sparse: true });
broadcastSchema.index({ createdAt: -1 });
