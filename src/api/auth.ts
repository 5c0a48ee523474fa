import { createHash } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { Forbidden, TooManyRequests, Unauthorized } from '../domain/errors';
import { SlidingWindowLimiter } from '../flows/limiter';
import { StaffRole } from '../models';
import { Store } from '../store/types';

/** SHA-256 of a bearer token, hex: the only form a token is stored in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Who is calling the staff API. */
export interface Staff {
  id: string;
  role: StaffRole;
  name: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    staff?: Staff;
  }
}

/** How roles compare: an admin can do all a staff member can, who can do all a viewer can. */
export const RANK: Record<StaffRole, number> = { viewer: 0, staff: 1, admin: 2 };

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

/** The per-token API limit of each running app, by its store (tests run several apps in one process). */
const API_LIMITS = new WeakMap<Store, SlidingWindowLimiter>();

/** Sets how many API calls a minute one token may make against this store's app. */
export function limitApiCalls(store: Store, perMinute: number): void {
  API_LIMITS.set(store, new SlidingWindowLimiter(perMinute, 60_000));
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

/** Express middleware: requires `Authorization: Bearer <token>` of at least `role`. */
export function requireRole(store: Store, role: StaffRole) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    try {
      const header = req.headers.authorization ?? '';
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw new Unauthorized('send Authorization: Bearer <token>');
      const cred = await store.collection('credentials').findOne({ tokenHash: hashToken(m[1]) });
      if (!cred) throw new Unauthorized('unknown token');
      if (cred.revokedAt) throw new Unauthorized('this token was revoked');
      const limiter = API_LIMITS.get(store);
      if (limiter?.over(cred._id))
        throw new TooManyRequests(`over ${limiter.limit} API calls a minute for this token; slow down`, 60);
      if (RANK[cred.role] < RANK[role]) throw new Forbidden(`needs the ${role} role`);
      req.staff = { id: cred._id, role: cred.role, name: cred.name };
      await touchCredential(store, cred._id);
      next();
    } catch (err) {
      next(err);
    }
  };
}
