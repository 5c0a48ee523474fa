import { makeSchema } from './common';

/**
 * A six-digit code that joins two addresses of one person (`LINK` on one channel, the
 * code on the other), or a counter of wrong codes tried by a contact.
 */
export interface LinkCode {
  /** `code:123456` or `fail:<contactId>`. */
  _id: string;
  contactId: string;
  failures: number;
  expiresAt: Date;
}

/** Schema of `linkCodes`. */
export const linkCodeSchema = makeSchema({
  _id: { type: String, required: true },
  contactId: { type: String, required: true },
  failures: { type: Number, default: 0 },
  expiresAt: { type: Date, required: true },
});
linkCodeSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });
linkCodeSchema.index({ contactId: 1 });
