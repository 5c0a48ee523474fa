import { makeSchema } from './common';

/** A named lease: which instance may run a scheduled job until when. */
export interface Lease {
  _id: string;
  owner: string;
  until: Date;
}

/** Schema of `leases`. */
export const leaseSchema = makeSchema({
  _id: { type: String, required: true },
  owner: { type: String, required: true },
  until: { type: Date, required: true },
});
