import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import { BadRequest, Forbidden, NotFound } from '../domain/errors';
import { Credential, STAFF_ROLES, StaffRole } from '../models';
import { Store } from '../store/types';
import { audit } from './audit';
import { RANK, Staff, hashToken, requireRole } from './auth';
import { pageQuery } from './broadcasts';
import { parseBody, strictObject } from './validation';

/**
 * Access tokens for the staff API and the dashboard: created by admins (the token shown
 * once, stored hashed), listed without the token, revoked at once. Credential operations
 * live beside authentication because only the staff API and the dashboard use them.
 */

/** A new credential: a name people recognise and a role (roles: admin, staff, viewer). */
export const credentialBody = strictObject({
  name: z.string().trim().min(1).max(80),
  role: z.enum(STAFF_ROLES),
});

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
  };
}

/** Creates a credential; nobody creates a role above their own. The token is returned once. */
export async function createCredential(store: Store, by: Staff, raw: unknown) {
  const body = parseBody(credentialBody, raw);
  if (RANK[body.role as StaffRole] > RANK[by.role])
    throw new Forbidden(`a ${by.role} cannot create an ${body.role} token`);
  const token = randomBytes(24).toString('base64url');
  const cred = await store
    .collection('credentials')
    .insertOne({ ...body, tokenHash: hashToken(token), createdBy: by.name });
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

/** `/api/v1/credentials`: admins create, list and revoke access tokens. */
export function credentialsRouter(store: Store): Router {
  const r = Router();
  r.get('/', requireRole(store, 'admin'), async (req, res) => {
    const q = parseBody(pageQuery, req.query);
    res.json({ items: await listCredentials(store, q), ...q });
  });
  r.post('/', requireRole(store, 'admin'), async (req, res) => {
    res.status(201).json(await createCredential(store, req.staff!, req.body));
  });
  r.delete('/:id', requireRole(store, 'admin'), async (req, res) => {
    res.json(await revokeCredential(store, req.staff!, String(req.params.id)));
  });
  return r;
}
