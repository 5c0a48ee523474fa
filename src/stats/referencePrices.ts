import { ReferencePrice } from '../models';
import { Staff } from '../staff/credentials';
import { audit } from '../staff/audit';
import { Store } from '../store/types';

/** A reference price as staff publish it. */
export type NewReferencePrice = Omit<ReferencePrice, '_id' | 'publishedAt' | 'publishedBy'>;

/** Staff publish a reference price (audited); market replies (`PRICE GOLD?`) quote the latest one. */
export async function publishReferencePrice(
  store: Store,
  by: Staff,
  body: NewReferencePrice,
): Promise<ReferencePrice> {
  const doc = await store
    .collection('referencePrices')
    .insertOne({ ...body, publishedAt: new Date(), publishedBy: by.name });
  await audit(store, by, 'price.reference', doc._id, { ...body });
  return doc;
}

/** The latest reference prices, newest first. */
export function listReferencePrices(store: Store, limit = 100): Promise<ReferencePrice[]> {
  return store.collection('referencePrices').find({}, { sort: { publishedAt: -1 }, limit });
}
