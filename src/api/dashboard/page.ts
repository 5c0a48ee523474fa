import path from 'node:path';
import { NextFunction, Request, Response, Router } from 'express';
import { FanoutSettings } from '../../campaigns/broadcasts';
import { ChimbaError } from '../../domain/errors';
import { LOCALES_DIR, Translator } from '../../i18n';
import { Logger } from '../../log';
import { DashboardSession, MediaRef, StaffRole } from '../../models';
import type { MediaFile } from '../../bots/twilio/media';
import { TriageSettings } from '../../reports/triage';
import { Store } from '../../store/types';
import { Staff } from '../auth';
import { Html, html } from './html';
import { checkCsrf } from './session';
import { PageContext, can, layout } from './views';

/** What the dashboard is built from. */
export interface DashboardDeps {
  store: Store;
  log: Logger;
  pseudonymSecret: string;
  fanout: FanoutSettings;
  triage: TriageSettings;
  kick: () => void;
  wakeOutbox: () => void;
  /** Opens a photo sent with a report (WhatsApp, through the Twilio account); absent without one. */
  media?: (ref: MediaRef) => Promise<MediaFile>;
  /** Opens a spoken description left on the voice line (through the Twilio account), for the dashboard. */
  recording?: (sid: string) => Promise<MediaFile>;
}

/** A page registers its routes on the dashboard's router. */
export type Mount = (r: Router, deps: DashboardDeps) => void;

/** The dashboard's own texts (en, fr), apart from what the line sends. */
export const UI = new Translator('en', path.join(LOCALES_DIR, 'dashboard'));

/** The page context of a request: the staff language (chosen at login, else the browser's), the session. */
export function context(req: Request, lang?: 'en' | 'fr'): PageContext {
  const l = lang ?? req.dash?.language ?? (req.acceptsLanguages('en', 'fr') === 'fr' ? 'fr' : 'en');
  return {
    lang: l,
    dash: req.dash,
    path: req.path === '/' ? '/dashboard' : `/dashboard${req.path}`,
    t: (key, vars) => UI.t(l, key, vars),
  };
}

/** What a page renders: its title, body and status. */
export type PageResult = { title: string; body: Html; status?: number };
/** A page: reads the request, renders HTML. Pages never write. */
export type Page = (req: Request, ctx: PageContext) => Promise<PageResult>;

/** Sends a rendered page in the layout, with the `?ok=` flash message when there is one. */
export function sendPage(req: Request, res: Response, ctx: PageContext, page: PageResult): void {
  const flash = typeof req.query.ok === 'string' ? ctx.t(`flash.${req.query.ok}`, {}) : undefined;
  res
    .status(page.status ?? 200)
    .type('html')
    .send(layout(ctx, page.title, page.body, flash?.startsWith('flash.') ? undefined : flash));
}

/** A GET route for a page: logged-in staff of at least `role`; others go to the login form. */
export const page =
  (render: Page, role: StaffRole = 'viewer') =>
  async (req: Request, res: Response) => {
    if (!req.dash) return res.redirect(303, `/dashboard/login?next=${encodeURIComponent(req.originalUrl)}`);
    const ctx = context(req);
    if (!can(ctx, role)) {
      // an expert's dashboard is the questions of their topics
      if (req.dash.role === 'expert' && req.method === 'GET')
        return res.redirect(303, '/dashboard/questions');
      throw new ForbiddenPage(ctx.t('errors.role'));
    }
    sendPage(req, res, ctx, await render(req, ctx));
  };

/** A POST route that changes something: a session, the CSRF token, and at least `role`. */
export const action =
  (handle: (req: Request, res: Response, ctx: PageContext) => Promise<void>, role: StaffRole = 'staff') =>
  async (req: Request, res: Response) => {
    if (!req.dash) throw new Unauthenticated();
    checkCsrf(req);
    const ctx = context(req);
    if (!can(ctx, role)) throw new ForbiddenPage(ctx.t('errors.role'));
    await handle(req, res, ctx);
  };

/** Who is acting, for audits and triage notes. */
export function staffOf(dash: DashboardSession): Staff {
  return { id: dash.credentialId, role: dash.role, name: dash.name };
}

/** No session (or it expired): the page sends the browser to the login form. */
export class Unauthenticated extends Error {}

/** Logged in, but the role does not allow it. */
export class ForbiddenPage extends ChimbaError {
  readonly code = 'forbidden';
  readonly retryable = false;
  override readonly status = 403;
}

/** The last routes: a page for unknown paths, and errors as pages (JSON for the preview fetches). */
export function mountErrors(r: Router, deps: DashboardDeps): void {
  r.use((req, res) => {
    const ctx = context(req);
    res
      .status(404)
      .type('html')
      .send(
        layout(ctx, ctx.t('errors.notFound'), html`<p><a href="/dashboard">${ctx.t('nav.overview')}</a></p>`),
      );
  });

  // Errors as pages (or JSON for the preview fetch); the message of a typed error is shown.
  r.use((err: unknown, req: Request, res: Response, next: NextFunction) => {
    void next;
    const ctx = context(req);
    if (err instanceof Unauthenticated) {
      if (req.accepts(['html', 'json']) === 'json' || req.path.endsWith('/preview'))
        return res.status(401).json({ error: { code: 'unauthorized', message: ctx.t('errors.session') } });
      return res.redirect(303, '/dashboard/login');
    }
    const status = err instanceof ChimbaError ? err.status : ((err as { status?: number })?.status ?? 500);
    const message = err instanceof ChimbaError && status < 500 ? err.message : ctx.t('errors.internal');
    if (status >= 500) deps.log.error({ err, path: req.path }, 'dashboard request failed');
    if (req.path.endsWith('/preview')) return res.status(status).json({ error: { message } });
    res
      .status(status)
      .type('html')
      .send(
        layout(
          ctx,
          ctx.t('errors.title'),
          html`<p class="error" role="alert">${message}</p>
            <p><a href="/dashboard" id="back">${ctx.t('errors.back')}</a></p>`,
        ),
      );
  });
}
