import { Schema } from 'mongoose';
import { makeSchema } from './common';

/** One staff action worth remembering: who did what, when, to how many. */
export interface AuditEntry {
  _id: string;
  at: Date;
  actor: string;
  role: string;
  action: string;
  target?: string;
  details?: Record<string, unknown>;
}

/** Schema of `audit`. */
export const auditSchema = makeSchema({
  at: { type: Date, default: () => new Date() },
  actor: { type: String, required: true },
  role: { type: String, required: true },
  action: { type: String, required: true },
  target: String,
  details: { type: Schema.Types.Mixed },
});
auditSchema.index({ at: -1 });
