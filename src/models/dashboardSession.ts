import { STAFF_ROLES, StaffRole } from './credential';
import { makeSchema } from './common';

/**
 * A dashboard login: the cookie carries a random id, only its hash is stored. It
 * expires on its own (TTL index) and ends at logout or when the credential is removed.
 */
export interface DashboardSession {
  _id: string;
  idHash: string;
  credentialId: string;
  role: StaffRole;
  name: string;
  /** Staff language chosen at login. */
  language: 'en' | 'fr';
  /** Token every dashboard form and fetch must echo back. */
  csrf: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Schema of `dashboardSessions`. */
export const dashboardSessionSchema = makeSchema({
  idHash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
  credentialId: { type: String, required: true },
  role: { type: String, enum: STAFF_ROLES, required: true },
  name: { type: String, required: true },
  language: { type: String, enum: ['en', 'fr'], default: 'en' },
  csrf: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date() },
  expiresAt: { type: Date, required: true },
});
dashboardSessionSchema.index({ idHash: 1 }, { unique: true });
dashboardSessionSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
