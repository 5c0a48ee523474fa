import { DuplicateKey } from '../domain/errors';
import { Store } from './types';

/**
 * Takes (or renews) the lease named `name` for `ms` if it is free, expired or already
 * ours. With several instances against one MongoDB, only the holder runs the job.
 */
export async function acquireLease(
  store: Store,
  name: string,
  owner: string,
  ms: number,
  now = new Date(),
): Promise<boolean> {
  try {
    const got = await store
      .collection('leases')
      .findOneAndUpdate(
        { _id: name, $or: [{ until: { $lt: now } }, { owner }] },
        { $set: { owner, until: new Date(now.getTime() + ms) } },
        { upsert: true },
      );
    return got?.owner === owner;
  } catch (err) {
    // The lease exists and someone else holds it: the upsert's insert clashed on _id.
    if (err instanceof DuplicateKey) return false;
    throw err;
  }
}

/** Gives a lease back early (at shutdown), if we hold it. */
export async function releaseLease(store: Store, name: string, owner: string): Promise<void> {
  await store.collection('leases').deleteOne({ _id: name, owner });
}
