import express, { Router } from 'express';
import helmet from 'helmet';
import { DashboardDeps, mountErrors } from './page';
import { loadSession } from './session';
import { STATIC_DIR } from './views';
import { mountAccess } from './pages/access';
import { mountBroadcast } from './pages/broadcast';
import { mountBroadcasts } from './pages/broadcasts';
import { mountContacts } from './pages/contacts';
import { mountDirectory } from './pages/directory';
import { mountQuestions } from './pages/questions';
import { mountSeries } from './pages/series';
import { mountLogin } from './pages/login';
import { mountOverview } from './pages/overview';
import { mountPolls } from './pages/polls';
import { mountPrices } from './pages/prices';
import { mountReport } from './pages/report';
import { mountReports } from './pages/reports';

export type { DashboardDeps } from './page';

/** Security headers of the dashboard: a CSP with no inline script or style, no framing at all. */
const dashboardHelmet = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      objectSrc: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  referrerPolicy: { policy: 'same-origin' },
});

/** The pages, in the order their routes are tried. */
const PAGES = [
  mountLogin,
  mountOverview,
  mountPrices,
  mountReports,
  mountReport,
  mountPolls,
  mountBroadcasts,
  mountBroadcast,
  mountContacts,
  mountDirectory,
  mountQuestions,
  mountSeries,
  mountAccess,
];

/** The staff dashboard under `/dashboard`: server-rendered pages, a little JS, no build step. */
export function dashboardRouter(deps: DashboardDeps): Router {
  const r = Router();
  r.use(dashboardHelmet);
  r.use('/static', express.static(STATIC_DIR, { maxAge: '7d', immutable: true, index: false }));
  r.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  r.use(express.json({ limit: '64kb' }));
  r.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  r.use(loadSession(deps.store));
  for (const mount of PAGES) mount(r, deps);
  mountErrors(r, deps);
  return r;
}
