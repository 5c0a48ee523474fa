import { randomBytes } from 'node:crypto';
import { DashboardSession, StaffRole } from '../models';
import { Store } from '../store/types';
import { hashToken } from './credentials';

/** How long a dashboard login lasts. */
export const SESSION_HOURS = 12;

/** Opens a dashboard session for a credential: the session id (for the cookie), stored only hashed. */
export async function createDashboardSession(
  store: Store,
  who: { credentialId: string; role: StaffRole; name: string; language: 'en' | 'fr' },
  now = Date.now(),
): Promise<string> {
  const id = randomBytes(32).toString('base64url');
  await store.collection('dashboardSessions').insertOne({
    ...who,
    idHash: hashToken(id),
    csrf: randomBytes(24).toString('base64url'),
    expiresAt: new Date(now + SESSION_HOURS * 3_600_000),
  });
  return id;
}

/** Ends a dashboard session (logout). */
export async function endDashboardSession(store: Store, id: string): Promise<void> {
  await store.collection('dashboardSessions').deleteOne({ idHash: hashToken(id) });
}

/**
 * The live session of a session id, with its credential's current role and name. A
 * session whose credential was removed or revoked, or that has expired, is no session.
 */
export async function findDashboardSession(
  store: Store,
  id: string,
  now = Date.now(),
): Promise<DashboardSession | undefined> {
  const s = await store.collection('dashboardSessions').findOne({ idHash: hashToken(id) });
  if (!s || s.expiresAt.getTime() <= now) return undefined;
  const cred = await store.collection('credentials').findOne({ _id: s.credentialId });
  if (!cred || cred.revokedAt) return undefined;
  return { ...s, role: cred.role, name: cred.name };
}
