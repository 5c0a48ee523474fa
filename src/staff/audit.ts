import { StaffRole } from '../models';
import { Store } from '../store/types';

/** Writes one audit entry: who, what, on what, with which numbers. */
export async function audit(
  store: Store,
  who: { name: string; role: StaffRole },
  action: string,
  target?: string,
  details?: Record<string, unknown>,
): Promise<void> {
  await store
    .collection('audit')
    .insertOne({ actor: who.name, role: who.role, action, target, details, at: new Date() });
}

/** Audit entries, newest first, before a time when given. */
export function listAudit(store: Store, q: { limit: number; before?: Date }) {
  return store
    .collection('audit')
    .find(q.before ? { at: { $lt: q.before } } : {}, { sort: { at: -1 }, limit: q.limit });
}
