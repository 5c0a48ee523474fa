import { Schema } from 'mongoose';
import { Topic } from '../domain/topics';
import { makeSchema } from './common';

/**
 * Where a contact is in a conversation: one document per contact. It is written once
 * per handled message, last, so `lastInboundId` tells whether a message was already applied.
 */
export interface Session {
  /** The contact's id: one session per contact. */
  _id: string;
  active: boolean;
  flowId?: string;
  flowVersion?: number;
  stepId?: string;
  answers: Record<string, unknown>;
  /** Invalid answers in a row at the current step; the flow gives up after a few. */
  invalid: number;
  lastInboundId?: string;
  /** Inbound messages of the current flow, erased if it ends in an anonymous report. */
  inboundIds: string[];
  startedAt?: Date;
  /** What the person last asked the directory, for `MORE` and `GO` (`flows/actions/knowledge.ts`). */
  browse?: {
    events: boolean;
    topics: Topic[];
    region?: string;
    shown: number;
    eventId?: string;
  } | null;
  updatedAt: Date;
  expiresAt: Date;
}

/** Schema of `sessions`. */
export const sessionSchema = makeSchema({
  _id: { type: String, required: true },
  active: { type: Boolean, default: false },
  flowId: String,
  flowVersion: Number,
  stepId: String,
  answers: { type: Schema.Types.Mixed, default: {} },
  invalid: { type: Number, default: 0 },
  lastInboundId: String,
  inboundIds: { type: [String], default: [] },
  startedAt: Date,
  browse: Schema.Types.Mixed,
  updatedAt: { type: Date, default: () => new Date() },
  expiresAt: { type: Date, required: true },
});
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
