import { createHash, randomBytes } from 'node:crypto';
import { BadRequest, Forbidden, NotFound } from '../domain/errors';
import { Credential, StaffRole } from '../models';
import { Store } from '../store/types';
import { audit } from './audit';

/**
 * Access for programme staff: tokens for the staff API and the dashboard, created by
 * admins (the token shown once, stored hashed), listed without the token, revoked at once.
 */

/** SHA-256 of a bearer token, hex: the only form a token is stored in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Who is acting: a staff member, by credential. */
export interface Staff {
  id: string;
  role: StaffRole;
  name: string;
  /** An expert's topics: the only questions they see. */
  topics?: string[];
}

/**
 * How roles compare: an admin can do all a staff member can, who can do all a viewer can,
 * who can read all an expert can (an expert reads only questions).
 */
export const RANK: Record<StaffRole, number> = { expert: -1, viewer: 0, staff: 1, admin: 2 };

/** The credential of a token, revoked or not; null for a token nobody was given. */
export function credentialOfToken(store: Store, token: string): Promise<Credential | null> {
  return store.collection('credentials').findOne({ tokenHash: hashToken(token) });
}

/** One credential by id. */
export function findCredential(store: Store, id: string): Promise<Credential | null> {
  return store.collection('credentials').findOne({ _id: id });
}

/** Credentials whose last use was recorded, and when: last use is written at most once a minute. */
const LAST_USE = new Map<string, number>();

/** Notes that a credential was used (to the minute), without a write on every call. */
export async function touchCredential(store: Store, id: string, now = Date.now()): Promise<void> {
  const last = LAST_USE.get(id);
  if (last !== undefined && now - last < 60_000) return;
  LAST_USE.set(id, now);
  if (LAST_USE.size > 10_000) LAST_USE.clear();
  await store.collection('credentials').updateOne({ _id: id }, { $set: { lastUsedAt: new Date(now) } });
}

/** Stores the first admin credential from `ADMIN_TOKEN` (hashed), once. */
export async function seedAdminToken(store: Store, token: string): Promise<void> {
  const tokenHash = hashToken(token);
  await store
    .collection('credentials')
    .updateOne(
      { tokenHash },
      { $setOnInsert: { tokenHash, role: 'admin', name: 'ADMIN_TOKEN', createdAt: new Date() } },
      { upsert: true },
    );
}

/** A credential as staff see it: never the token nor its hash. */
export function credentialView(c: Credential) {
  return {
    id: c._id,
    name: c.name,
    role: c.role,
    createdAt: c.createdAt.toISOString(),
    createdBy: c.createdBy ?? null,
    lastUsedAt: c.lastUsedAt?.toISOString() ?? null,
    revokedAt: c.revokedAt?.toISOString() ?? null,
    revokedBy: c.revokedBy ?? null,
    ...(c.topics ? { topics: c.topics } : {}),
  };
}

/** Creates a credential; nobody creates a role above their own. The token is returned once. */
export async function createCredential(
  store: Store,
  by: Staff,
  body: { name: string; role: StaffRole; topics?: string[] },
) {
  if (RANK[body.role] > RANK[by.role])
    throw new Forbidden(`a ${by.role} cannot create an ${body.role} token`);
  const token = randomBytes(24).toString('base64url');
  const cred = await store.collection('credentials').insertOne({
    name: body.name,
    role: body.role,
    ...(body.role === 'expert' ? { topics: body.topics ?? [] } : {}),
    tokenHash: hashToken(token),
    createdBy: by.name,
  });
  await audit(store, by, 'credential.create', cred._id, { name: cred.name, role: cred.role });
  return { ...credentialView(cred), token };
}

/** Credentials newest first, revoked ones included (marked). */
export async function listCredentials(store: Store, page: { limit: number; offset: number }) {
  const items = await store
    .collection('credentials')
    .find({}, { sort: { createdAt: -1 }, limit: page.limit, skip: page.offset });
  return items.map(credentialView);
}

/**
 * Revokes a credential at once: the API refuses it from the next call, and its dashboard
 * sessions end. The last admin credential cannot be revoked (nobody could manage access).
 */
export async function revokeCredential(store: Store, by: Staff, id: string, now = new Date()) {
  const creds = store.collection('credentials');
  const cred = await creds.findOne({ _id: id });
  if (!cred) throw new NotFound('no such credential');
  if (cred.revokedAt) return credentialView(cred);
  if (cred.role === 'admin') {
    const admins = await creds.countDocuments({ role: 'admin', revokedAt: { $exists: false } });
    if (admins <= 1) throw new BadRequest('this is the last admin token: create another admin first');
  }
  const revoked = await creds.findOneAndUpdate(
    { _id: id, revokedAt: { $exists: false } },
    { $set: { revokedAt: now, revokedBy: by.name } },
  );
  await store.collection('dashboardSessions').deleteMany({ credentialId: id });
  await audit(store, by, 'credential.revoke', id, { name: cred.name, role: cred.role });
  return credentialView(revoked ?? cred);
}
