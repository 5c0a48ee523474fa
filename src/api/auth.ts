import { NextFunction, Request, Response } from 'express';
import { Forbidden, TooManyRequests, Unauthorized } from '../domain/errors';
import { SlidingWindowLimiter } from '../flows/limiter';
import { StaffRole } from '../models';
import { RANK, Staff, credentialOfToken, touchCredential } from '../staff/credentials';
import { Store } from '../store/types';

export type { Staff };

declare module 'express-serve-static-core' {
  interface Request {
    staff?: Staff;
  }
}

/** The per-token API limit of each running app, by its store (tests run several apps in one process). */
const API_LIMITS = new WeakMap<Store, SlidingWindowLimiter>();

/** Sets how many API calls a minute one token may make against this store's app. */
export function limitApiCalls(store: Store, perMinute: number): void {
  API_LIMITS.set(store, new SlidingWindowLimiter(perMinute, 60_000));
}

/** Express middleware: requires `Authorization: Bearer <token>` of at least `role`. */
export function requireRole(store: Store, role: StaffRole) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) throw new Unauthorized('send Authorization: Bearer <token>');
    const cred = await credentialOfToken(store, m[1]);
    if (!cred) throw new Unauthorized('unknown token');
    if (cred.revokedAt) throw new Unauthorized('this token was revoked');
    const limiter = API_LIMITS.get(store);
    if (limiter?.over(cred._id))
      throw new TooManyRequests(`over ${limiter.limit} API calls a minute for this token; slow down`, 60);
    if (RANK[cred.role] < RANK[role]) throw new Forbidden(`needs the ${role} role`);
    req.staff = { id: cred._id, role: cred.role, name: cred.name, topics: cred.topics };
    await touchCredential(store, cred._id);
    next();
  };
}
