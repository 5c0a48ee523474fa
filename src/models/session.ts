import { Schema } from 'mongoose';
import { makeSchema } from './common';

/** Where a contact is in a conversation: one session per contact, expiring when left idle. */
export interface Session {
  /** The contact's id: one session per contact. */
  _id: string;
  flowId: string;
  flowVersion: number;
  stepId: string;
  answers: Record<string, unknown>;
  /** The inbound message that started the session, so effects can be keyed on it. */
  startedBy?: string;
  startedAt: Date;
  updatedAt: Date;
  expiresAt: Date;
}

/** Schema of `sessions`. */
export const sessionSchema = makeSchema({
  _id: { type: String, required: true },
  flowId: { type: String, required: true },
  flowVersion: { type: Number, required: true },
  stepId: { type: String, required: true },
  answers: { type: Schema.Types.Mixed, default: {} },
  startedBy: String,
  startedAt: { type: Date, default: () => new Date() },
  updatedAt: { type: Date, default: () => new Date() },
  expiresAt: { type: Date, required: true },
});
sessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
