import { timingSafeEqual } from 'node:crypto';
import { NextFunction, Request, Response } from 'express';
import { Forbidden } from '../../domain/errors';
import { DashboardSession, StaffRole } from '../../models';
import { Store } from '../../store/types';
import {
  SESSION_HOURS,
  createDashboardSession,
  endDashboardSession,
  findDashboardSession,
} from '../../staff/sessions';

/** The session cookie: HttpOnly, SameSite=Strict, Secure behind HTTPS, only sent to /dashboard. */
export const COOKIE = 'chimba_session';

declare module 'express-serve-static-core' {
  interface Request {
    dash?: DashboardSession;
  }
}

/** Reads one cookie from the request header (no cookie parser needed for one value). */
export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

function cookieHeader(req: Request, value: string, maxAgeSeconds: number): string {
  const parts = [
    `${COOKIE}=${encodeURIComponent(value)}`,
    'Path=/dashboard',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (req.secure) parts.push('Secure');
  return parts.join('; ');
}

/** Opens a session for a credential; sets the cookie. */
export async function openSession(
  store: Store,
  req: Request,
  res: Response,
  who: { credentialId: string; role: StaffRole; name: string; language: 'en' | 'fr' },
): Promise<void> {
  const id = await createDashboardSession(store, who);
  res.setHeader('Set-Cookie', cookieHeader(req, id, SESSION_HOURS * 3600));
}

/** Ends the session of this request (logout) and clears the cookie. */
export async function closeSession(store: Store, req: Request, res: Response): Promise<void> {
  const id = readCookie(req, COOKIE);
  if (id) await endDashboardSession(store, id);
  res.setHeader('Set-Cookie', cookieHeader(req, '', 0));
}

/**
 * Loads the session of the cookie into `req.dash`. A session whose credential was
 * removed or revoked, or that has expired, is no session.
 */
export function loadSession(store: Store) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const id = readCookie(req, COOKIE);
    if (id) req.dash = await findDashboardSession(store, id);
    next();
  };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * CSRF: every state-changing request carries the session's token (form field `_csrf`
 * or header `X-CSRF-Token`), on top of the SameSite=Strict cookie.
 */
export function checkCsrf(req: Request): void {
  const sent =
    (req.body && typeof req.body._csrf === 'string' ? req.body._csrf : undefined) ?? req.get('x-csrf-token');
  if (!req.dash || typeof sent !== 'string' || !same(sent, req.dash.csrf))
    throw new Forbidden('the form has expired or did not come from this dashboard; reload the page');
}

/**
 * The login form has no session yet: refuse a login posted from another site (Origin or
 * Fetch Metadata say so), so nobody can log a browser into someone else's account.
 */
export function checkSameOrigin(req: Request): void {
  const site = req.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none')
    throw new Forbidden('login from another site refused');
  const origin = req.get('origin');
  if (origin && origin !== 'null') {
    let host: string | undefined;
    try {
      host = new URL(origin).host;
    } catch {
      host = undefined;
    }
    if (host !== req.get('host')) throw new Forbidden('login from another site refused');
  }
}
