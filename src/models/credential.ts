import { makeSchema } from './common';

/**
 * Staff roles, from most to least powerful. An `expert` (invited from a partner
 * organisation) sees and answers only the questions of their topics, nothing else.
 */
export const STAFF_ROLES = ['admin', 'staff', 'viewer', 'expert'] as const;
/** A staff role. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** An API bearer token, stored only as its SHA-256 hash. */
export interface Credential {
  _id: string;
  tokenHash: string;
  role: StaffRole;
  name: string;
  createdAt: Date;
  /** Who created it (a staff name); absent for the credential seeded from `ADMIN_TOKEN`. */
  createdBy?: string;
  /** When it was last accepted, to the minute. */
  lastUsedAt?: Date;
  /** Revoked credentials are refused at once; kept so audits still name them. */
  revokedAt?: Date;
  revokedBy?: string;
  /** An expert's topics (`domain/topics.ts`): the questions they see. */
  topics?: string[];
}

/** Schema of `credentials`. */
export const credentialSchema = makeSchema({
  tokenHash: { type: String, required: true, match: /^[0-9a-f]{64}$/ },
  role: { type: String, enum: STAFF_ROLES, required: true },
  name: { type: String, required: true },
  createdAt: { type: Date, default: () => new Date() },
  createdBy: String,
  lastUsedAt: Date,
  revokedAt: Date,
  revokedBy: String,
  topics: { type: [String], default: undefined },
});
credentialSchema.index({ tokenHash: 1 }, { unique: true });
credentialSchema.index({ createdAt: -1 });
