import { Schema } from 'mongoose';
import { makeSchema } from './common';

/** Who a broadcast or poll goes to; an empty list means everyone. */
export interface Audience {
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
  state: (typeof BROADCAST_STATES)[number];
  createdBy: string;
  createdAt: Date;
  /** Set once every recipient's message is queued. */
  fannedOutAt?: Date;
  recipients?: number;
  excluded?: { optedOut: number; noChannel: number };
  /** A poll's question: the options follow the text (numbered on SMS, buttons on Telegram). */
  poll?: { id: string; options: Record<string, string>[] };
  /** A survey: each recipient's conversation starts at its first question. */
  surveyId?: string;
}

const audienceSchema = new Schema(
  {
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
  state: { type: String, enum: BROADCAST_STATES, default: 'scheduled' },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date() },
  fannedOutAt: Date,
  recipients: Number,
  excluded: { type: Schema.Types.Mixed },
  poll: { type: Schema.Types.Mixed },
  surveyId: String,
});
broadcastSchema.index({ state: 1, sendAt: 1 });
