import { Schema } from 'mongoose';
import { makeSchema } from './common';

/** A question to community leaders with 2–9 options, in several languages, open for a window. */
export interface Poll {
  _id: string;
  /** Question by language. */
  question: Record<string, string>;
  /** Each option's label by language. */
  options: Record<string, string>[];
  opensAt: Date;
  closesAt: Date;
  reminderAt?: Date;
  remindedAt?: Date;
  broadcastId: string;
  createdBy: string;
  createdAt: Date;
}

/** Schema of `polls`. */
export const pollSchema = makeSchema({
  question: { type: Schema.Types.Mixed, required: true },
  options: { type: [Schema.Types.Mixed], required: true },
  opensAt: { type: Date, required: true },
  closesAt: { type: Date, required: true },
  reminderAt: Date,
  remindedAt: Date,
  broadcastId: { type: String, required: true },
  createdBy: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date() },
});
pollSchema.index({ reminderAt: 1 });
pollSchema.index({ createdAt: -1 });

/** One person's answer to a poll; a newer answer replaces the older one. */
export interface PollAnswer {
  /** `<pollId>:<contactId>`: one answer per person. */
  _id: string;
  pollId: string;
  contactId: string;
  /** 1-based option number. */
  option: number;
  region?: string;
  role?: string;
  channel: string;
  answeredAt: Date;
}

/** Schema of `pollAnswers`. */
export const pollAnswerSchema = makeSchema({
  _id: { type: String, required: true },
  pollId: { type: String, required: true },
  contactId: { type: String, required: true },
  option: { type: Number, required: true, min: 1, max: 9 },
  region: String,
  role: String,
  channel: { type: String, required: true },
  answeredAt: { type: Date, default: () => new Date() },
});
pollAnswerSchema.index({ pollId: 1, option: 1 });
