import path from 'node:path';
import express, { NextFunction, Request, Response, Router } from 'express';
import helmet from 'helmet';
import { z } from 'zod';
import { ChimbaError, NotFound } from '../../domain/errors';
import { LANGUAGES, LANGUAGE_NAMES } from '../../domain/language';
import { MINERALS, UNITS } from '../../domain/minerals';
import { SlidingWindowLimiter } from '../../flows/limiter';
import { LOCALES_DIR, Translator } from '../../i18n';
import { Logger } from '../../log';
import { DashboardSession, REPORT_KINDS, REPORT_STATES, ROLES, Report } from '../../models';
import { FanoutSettings, broadcastCounts, finishBroadcast } from '../../campaigns/broadcasts';
import { pollResults } from '../../campaigns/polls';
import { TriageSettings, reachability } from '../../reports/triage';
import { bucketStart } from '../../stats/prices';
import { contactCounts, deliveryStats, reportsByKind } from '../../stats/reports';
import { Store } from '../../store/types';
import { Staff, hashToken } from '../auth';
import { createBroadcast, previewFromBody } from '../broadcasts';
import { applyTriage, exportReports, listReports, reportFilterShape } from '../reports';
import { priceStats } from '../stats';
import { parseBody } from '../validation';
import { bandChart, barChart } from './charts';
import { Html, html } from './html';
import { checkCsrf, checkSameOrigin, closeSession, loadSession, openSession } from './session';
import { PageContext, STATIC_DIR, can, csrfField, day, layout, num, select, table, when } from './views';

/** What the dashboard is built from. */
export interface DashboardDeps {
  store: Store;
  log: Logger;
  pseudonymSecret: string;
  fanout: FanoutSettings;
  triage: TriageSettings;
  kick: () => void;
  wakeOutbox: () => void;
}

const UI = new Translator('en', path.join(LOCALES_DIR, 'dashboard'));
const DAY = 86_400_000;

function context(req: Request): PageContext {
  const lang = req.dash?.language ?? (req.acceptsLanguages('en', 'fr') === 'fr' ? 'fr' : 'en');
  return {
    lang,
    dash: req.dash,
    path: req.path === '/' ? '/dashboard' : `/dashboard${req.path}`,
    t: (key, vars) => UI.t(lang, key, vars),
  };
}

type Page = (req: Request, ctx: PageContext) => Promise<{ title: string; body: Html; status?: number }>;

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

/** The staff dashboard under `/dashboard`: server-rendered pages, a little JS, no build step. */
export function dashboardRouter(deps: DashboardDeps): Router {
  const { store } = deps;
  const r = Router();
  const loginLimiter = new SlidingWindowLimiter(10, 15 * 60_000);
  r.use(dashboardHelmet);
  r.use('/static', express.static(STATIC_DIR, { maxAge: '7d', immutable: true, index: false }));
  r.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));
  r.use(express.json({ limit: '64kb' }));
  r.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  r.use(loadSession(store));

  const page =
    (render: Page, role: 'viewer' | 'staff' = 'viewer') =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (!req.dash)
          return res.redirect(303, `/dashboard/login?next=${encodeURIComponent(req.originalUrl)}`);
        const ctx = context(req);
        if (role === 'staff' && !can(ctx, 'staff')) throw new ForbiddenPage(ctx.t('errors.role'));
        const { title, body, status } = await render(req, ctx);
        const flash = typeof req.query.ok === 'string' ? ctx.t(`flash.${req.query.ok}`, {}) : undefined;
        res
          .status(status ?? 200)
          .type('html')
          .send(layout(ctx, title, body, flash?.startsWith('flash.') ? undefined : flash));
      } catch (err) {
        next(err);
      }
    };

  const action =
    (
      handle: (req: Request, res: Response, ctx: PageContext) => Promise<void>,
      role: 'staff' | 'viewer' = 'staff',
    ) =>
    async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (!req.dash) throw new Unauthenticated();
        checkCsrf(req);
        const ctx = context(req);
        if (role === 'staff' && !can(ctx, 'staff')) throw new ForbiddenPage(ctx.t('errors.role'));
        await handle(req, res, ctx);
      } catch (err) {
        next(err);
      }
    };

  // ---- login ---------------------------------------------------------------------------
  const loginPage = (ctx: PageContext, error?: string, nextUrl = '/dashboard') =>
    layout(
      ctx,
      ctx.t('login.title'),
      html`<form class="card login" method="post" action="/dashboard/login">
        ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
        <label for="token">${ctx.t('login.token')}</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          maxlength="200"
        />
        <label for="language">${ctx.t('login.language')}</label>
        ${select(
          'language',
          [
            { value: 'en', label: 'English' },
            { value: 'fr', label: 'Français' },
          ],
          ctx.lang,
        )}
        <input type="hidden" name="next" value="${nextUrl}" />
        <button type="submit">${ctx.t('login.submit')}</button>
        <p class="hint">${ctx.t('login.hint')}</p>
      </form>`,
    );

  const safeNext = (v: unknown) =>
    typeof v === 'string' && /^\/dashboard(\/[\w\-/?=&%.]*)?$/.test(v) && !v.startsWith('//')
      ? v
      : '/dashboard';

  r.get('/login', (req, res) => {
    if (req.dash) return res.redirect(303, '/dashboard');
    res.type('html').send(loginPage(context(req), undefined, safeNext(req.query.next)));
  });

  r.post('/login', async (req, res, next) => {
    try {
      checkSameOrigin(req);
      const ctx = context(req);
      const body = parseBody(
        z.object({
          token: z.string().max(200),
          language: z.enum(['en', 'fr']).default('en'),
          next: z.string().max(500).optional(),
        }),
        req.body,
      );
      const ip = req.ip ?? 'unknown';
      // ten wrong tokens from one address in 15 minutes: that address waits
      if (loginLimiter.count(ip) >= loginLimiter.limit)
        return res
          .status(429)
          .type('html')
          .send(loginPage(ctx, ctx.t('login.tooMany')));
      const cred = body.token
        ? await store.collection('credentials').findOne({ tokenHash: hashToken(body.token.trim()) })
        : null;
      if (!cred) {
        loginLimiter.over(ip);
        deps.log.info({ ip }, 'dashboard login refused');
        return res
          .status(401)
          .type('html')
          .send(loginPage({ ...ctx, lang: body.language }, UI.t(body.language, 'login.wrong')));
      }
      await openSession(store, req, res, {
        credentialId: cred._id,
        role: cred.role,
        name: cred.name,
        language: body.language,
      });
      deps.log.info({ staff: cred.name, role: cred.role }, 'dashboard login');
      res.redirect(303, safeNext(body.next));
    } catch (err) {
      next(err);
    }
  });

  r.post('/logout', async (req, res, next) => {
    try {
      if (req.dash) checkCsrf(req);
      await closeSession(store, req, res);
      res.redirect(303, '/dashboard/login');
    } catch (err) {
      next(err);
    }
  });

  // ---- overview ------------------------------------------------------------------------
  r.get(
    '/',
    page(async (_req, ctx) => {
      const { t } = ctx;
      const now = new Date();
      const week = bucketStart(now, 'week');
      const [kinds, pinned, deliveries, queued, dead] = await Promise.all([
        reportsByKind(store, week),
        store.collection('reports').find({ pinned: true }, { sort: { createdAt: -1 }, limit: 20 }),
        deliveryStats(store, { from: new Date(now.getTime() - DAY) }),
        store.collection('outbound').countDocuments({ status: { $in: ['queued', 'sending'] } }),
        store
          .collection('outbound')
          .countDocuments({ status: 'dead', createdAt: { $gte: new Date(now.getTime() - DAY) } }),
      ]);
      const statuses = ['queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'dead'];
      // one line per channel and the transport that carries it (SMS via Twilio, via the simulator, …)
      const lines = [...new Set(deliveries.map((d) => `${d.channel}|${d.transport}`))];
      const cell = (line: string, st: string) =>
        deliveries.find((d) => `${d.channel}|${d.transport}` === line && d.status === st)?.messages ?? 0;
      return {
        title: t('overview.title'),
        body: html`<section class="tiles" aria-label="${t('overview.thisWeek', { date: day(ctx, week) })}">
            <h2>${t('overview.thisWeek', { date: day(ctx, week) })}</h2>
            ${(['price', 'issue', 'incident'] as const).map(
              (k) =>
                html`<a
                  class="tile"
                  href="/dashboard/reports?kind=${k}&from=${week.toISOString().slice(0, 10)}"
                  ><strong data-kind="${k}">${num(ctx, kinds[k])}</strong><span>${t(`kinds.${k}`)}</span></a
                >`,
            )}
          </section>
          <section>
            <h2>${t('overview.urgent')}</h2>
            ${
              pinned.length
                ? table(
                    [
                      t('reports.reference'),
                      t('reports.what'),
                      t('reports.injured'),
                      t('reports.dead'),
                      t('reports.where'),
                      t('reports.when'),
                    ],
                    pinned.map((p) => [
                      html`<a href="/dashboard/reports/${p._id}">${p.reference}</a>`,
                      t(`incidents.${p.incidentType ?? 'other'}`),
                      num(ctx, p.injured),
                      num(ctx, p.dead),
                      [p.place, p.region].filter(Boolean).join(', '),
                      when(ctx, p.createdAt),
                    ]),
                    'urgent',
                  )
                : html`<p class="muted">${t('overview.noUrgent')}</p>`
            }
          </section>
          <section>
            <h2>${t('overview.delivery')}</h2>
            <p>${t('overview.queue', { queued: num(ctx, queued), dead: num(ctx, dead) })}</p>
            ${
              lines.length
                ? table(
                    [t('overview.channel'), ...statuses.map((s) => t(`delivery.${s}`))],
                    lines.map((line) => [
                      `${t(`channels.${line.split('|')[0]}`)} · ${t(`transports.${line.split('|')[1]}`)}`,
                      ...statuses.map((s) => num(ctx, cell(line, s))),
                    ]),
                  )
                : html`<p class="muted">${t('overview.noMessages')}</p>`
            }
          </section>`,
      };
    }),
  );

  // ---- prices --------------------------------------------------------------------------
  r.get(
    '/prices',
    page(async (req, ctx) => {
      const { t } = ctx;
      const q = parseBody(
        z.object({
          mineral: z.enum(MINERALS).optional().or(z.literal('')),
          region: z.string().trim().max(60).optional(),
          currency: z.string().trim().max(3).optional(),
          unit: z.enum(UNITS).optional().or(z.literal('')),
          weeks: z.coerce.number().int().min(4).max(520).default(26),
        }),
        req.query,
      );
      const [withData, regions] = await Promise.all([
        store
          .collection('priceRollups')
          .aggregate<{ _id: string }>([
            { $match: { bucket: 'month', all: true } },
            { $group: { _id: '$mineral' } },
          ]),
        store
          .collection('priceRollups')
          .aggregate<{ _id: string }>([
            { $match: { bucket: 'month', all: false } },
            { $group: { _id: '$region' } },
            { $sort: { _id: 1 } },
          ]),
      ]);
      const minerals = q.mineral ? [q.mineral] : MINERALS.filter((m) => withData.some((w) => w._id === m));
      const from = new Date(Date.now() - q.weeks * 7 * DAY);
      const charts: Html[] = [];
      for (const mineral of minerals) {
        const stats = await priceStats(store, {
          mineral,
          region: q.region || undefined,
          currency: q.currency || undefined,
          unit: q.unit || undefined,
          from: from.toISOString(),
        });
        const { currency, unit } = stats.query;
        const name = t(`minerals.${mineral}`);
        const title = t('prices.chartTitle', { mineral: name, currency, unit });
        charts.push(
          html`<section class="mineral" data-mineral="${mineral}">
            <h2>${title}</h2>
            ${
              stats.buckets.length
                ? html`${bandChart(
                      stats.buckets.map((b) => ({
                        label: day(ctx, b.start),
                        median: b.median,
                        p25: b.p25,
                        p75: b.p75,
                        count: b.count,
                      })),
                      {
                        title: `${title}: ${t('prices.legend')}`,
                        lang: ctx.lang,
                        countLabel: t('prices.reports'),
                      },
                    )}
                    <p class="legend">${t('prices.legend')}</p>
                    ${table(
                      [
                        t('prices.week'),
                        t('prices.reports'),
                        t('prices.median'),
                        t('prices.p25'),
                        t('prices.p75'),
                        t('prices.min'),
                        t('prices.max'),
                        t('prices.excluded'),
                      ],
                      stats.buckets.map((b) => [
                        day(ctx, b.start),
                        num(ctx, b.count),
                        num(ctx, b.median, 2),
                        num(ctx, b.p25, 2),
                        num(ctx, b.p75, 2),
                        num(ctx, b.min, 2),
                        num(ctx, b.max, 2),
                        num(ctx, b.excluded),
                      ]),
                      'numbers',
                    )}`
                : html`<p class="muted">${t('prices.none')}</p>`
            }
            ${
              stats.keptApart.length
                ? html`<p class="note">
                    ${t('prices.keptApart', {
                      list: stats.keptApart.map((k) => `${k.count} × ${k.currency}/${k.unit}`).join(', '),
                    })}
                  </p>`
                : ''
            }
          </section>`,
        );
      }
      return {
        title: t('prices.title'),
        body: html`<form class="filters" method="get" action="/dashboard/prices">
            <label
              >${t('prices.mineral')}
              ${select(
                'mineral',
                MINERALS.map((m) => ({ value: m, label: t(`minerals.${m}`) })),
                q.mineral || undefined,
                t('filters.any'),
              )}</label
            >
            <label
              >${t('filters.region')}
              ${select(
                'region',
                regions.map((x) => ({ value: x._id, label: x._id })),
                q.region,
                t('filters.all'),
              )}</label
            >
            <label
              >${t('prices.currency')}
              <input
                name="currency"
                id="f-currency"
                value="${q.currency ?? ''}"
                maxlength="3"
                size="4"
                placeholder="CDF"
            /></label>
            <label
              >${t('prices.unit')}
              ${select(
                'unit',
                UNITS.map((u) => ({ value: u, label: u })),
                q.unit || undefined,
                t('filters.auto'),
              )}</label
            >
            <label
              >${t('prices.weeks')} <input name="weeks" type="number" min="4" max="520" value="${q.weeks}"
            /></label>
            <button type="submit">${t('filters.apply')}</button>
          </form>
          <p class="hint">${t('prices.method')}</p>
          ${charts.length ? charts : html`<p class="muted">${t('prices.none')}</p>`}`,
      };
    }),
  );

  // ---- reports -------------------------------------------------------------------------
  const listQuery = z.object({
    ...reportFilterShape,
    page: z.coerce.number().int().min(1).max(10_000).default(1),
  });
  const describe = (ctx: PageContext, r: Report): string => {
    if (r.kind === 'price')
      return `${ctx.t(`minerals.${r.mineral}`)} ${num(ctx, r.amount, 2)} ${r.currency}/${r.unit}`;
    if (r.kind === 'issue')
      return `${ctx.t(`issues.${r.category}`)}${r.description ? ` — ${r.description}` : ''}`;
    return `${ctx.t(`incidents.${r.incidentType ?? 'other'}`)} · ${ctx.t('reports.casualties', { injured: r.injured ?? 0, dead: r.dead ?? 0 })}`;
  };

  r.get(
    '/reports',
    page(async (req, ctx) => {
      const { t } = ctx;
      const clean = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
      const q = parseBody(listQuery, clean);
      const per = 50;
      const items = await listReports(store, { ...q, limit: per + 1, offset: (q.page - 1) * per });
      const more = items.length > per;
      const qs = (extra: Record<string, string | number>) =>
        new URLSearchParams(
          Object.entries({ ...clean, ...extra }).map(([k, v]) => [k, String(v)]) as [string, string][],
        ).toString();
      const exportQs = qs({}).replace(/(^|&)page=\d+/, '');
      return {
        title: t('reports.title'),
        body: html`<form class="filters" method="get" action="/dashboard/reports">
            <label
              >${t('reports.kind')}
              ${select(
                'kind',
                REPORT_KINDS.map((k) => ({ value: k, label: t(`kinds.${k}`) })),
                q.kind,
                t('filters.any'),
              )}</label
            >
            <label
              >${t('reports.state')}
              ${select(
                'state',
                REPORT_STATES.map((s) => ({ value: s, label: t(`states.${s}`) })),
                q.state,
                t('filters.any'),
              )}</label
            >
            <label
              >${t('filters.region')} <input name="region" value="${q.region ?? ''}" maxlength="60"
            /></label>
            <label
              >${t('reports.urgent')}
              ${select(
                'urgent',
                [
                  { value: 'true', label: t('filters.yes') },
                  { value: 'false', label: t('filters.no') },
                ],
                q.urgent,
                t('filters.any'),
              )}</label
            >
            <label
              >${t('filters.from')}
              <input type="date" name="from" value="${q.from?.toISOString().slice(0, 10) ?? ''}"
            /></label>
            <label
              >${t('filters.to')}
              <input type="date" name="to" value="${q.to?.toISOString().slice(0, 10) ?? ''}"
            /></label>
            <button type="submit">${t('filters.apply')}</button>
          </form>
          <p class="exports">
            ${t('reports.export')}: <a href="/dashboard/exports/reports.csv?${exportQs}">CSV</a> ·
            <a href="/dashboard/exports/reports.json?${exportQs}">JSON</a>
            <span class="hint">${t('reports.exportHint')}</span>
          </p>
          ${
            items.length
              ? table(
                  [
                    t('reports.reference'),
                    t('reports.kind'),
                    t('reports.what'),
                    t('reports.where'),
                    t('reports.state'),
                    t('reports.when'),
                  ],
                  items
                    .slice(0, per)
                    .map((x) => [
                      html`<a href="/dashboard/reports/${x._id}">${x.reference}</a
                        >${x.pinned ? html` <span class="badge urgent">${t('reports.urgentBadge')}</span>` : ''}${x.anonymous ? html` <span class="badge">${t('reports.anonymous')}</span>` : ''}`,
                      t(`kinds.${x.kind}`),
                      describe(ctx, x),
                      [x.place, x.region].filter(Boolean).join(', '),
                      html`<span class="state ${x.state}">${t(`states.${x.state}`)}</span>`,
                      when(ctx, x.createdAt),
                    ]),
                  'reports',
                )
              : html`<p class="muted">${t('reports.none')}</p>`
          }
          <nav class="pages">
            ${q.page > 1 ? html`<a href="/dashboard/reports?${qs({ page: q.page - 1 })}">← ${t('filters.previous')}</a>` : ''}
            ${more ? html`<a href="/dashboard/reports?${qs({ page: q.page + 1 })}">${t('filters.next')} →</a>` : ''}
          </nav>`,
      };
    }),
  );

  r.get(
    '/reports/:id',
    page(async (req, ctx) => {
      const { t } = ctx;
      const x = await store.collection('reports').findOne({ _id: String(req.params.id) });
      if (!x) throw new NotFound(t('errors.noReport'));
      const reach = await reachability(store, x);
      const contact =
        can(ctx, 'admin') && x.contactId
          ? await store.collection('contacts').findOne({ _id: x.contactId })
          : null;
      const field = (label: string, value: unknown) =>
        value === undefined || value === null || value === ''
          ? ''
          : html`<dt>${label}</dt>
              <dd>${String(value)}</dd>`;
      const canSend = reach === 'reachable';
      return {
        title: `${t(`kindOne.${x.kind}`)} ${x.reference}`,
        body: html`<div class="columns">
          <section class="card">
            ${x.pinned ? html`<p class="badge urgent">${t('reports.urgentTop')}</p>` : ''}
            <dl class="facts">
              ${field(t('reports.what'), describe(ctx, x))}
              ${field(t('reports.state'), t(`states.${x.state}`))} ${field(t('reports.assignee'), x.assignee)}
              ${field(t('reports.when'), when(ctx, x.createdAt))} ${field(t('reports.occurred'), x.occurred)}
              ${field(t('reports.where'), [x.place, x.site, x.region, x.country].filter(Boolean).join(', '))}
              ${field(t('reports.placeOfSale'), x.placeOfSale)} ${field(t('reports.purity'), x.purity)}
              ${field(t('reports.channel'), t(`channels.${x.channel}`))}
              ${field(t('reports.reporter'), x.anonymous ? t('reports.anonymousReporter') : t('reports.confidentialReporter'))}
              ${contact ? field(t('reports.phone'), contact.addresses.map((a) => `${a.channel}: ${a.value}`).join(', ')) : ''}
            </dl>
            <h2>${t('reports.notes')}</h2>
            ${
              x.notes.length
                ? html`<ol class="notes">
                    ${x.notes.map((n) => html`<li><span class="muted">${when(ctx, n.at)} · ${n.by}</span><br />${n.text}</li>`)}
                  </ol>`
                : html`<p class="muted">${t('reports.noNotes')}</p>`
            }
          </section>
          ${
            can(ctx, 'staff')
              ? html`<form class="card triage" method="post" action="/dashboard/reports/${x._id}">
                  ${csrfField(ctx)}
                  <h2>${t('triage.title')}</h2>
                  <label for="f-state">${t('reports.state')}</label>
                  ${select(
                    'state',
                    REPORT_STATES.map((s) => ({ value: s, label: t(`states.${s}`) })),
                    x.state,
                  )}
                  <label for="assignee">${t('reports.assignee')}</label>
                  <input id="assignee" name="assignee" value="${x.assignee ?? ''}" maxlength="80" />
                  <label for="note">${t('triage.note')}</label>
                  <textarea id="note" name="note" rows="3" maxlength="1000"></textarea>
                  ${
                    canSend
                      ? html`<label class="check"
                            ><input type="checkbox" name="notify" value="1" id="notify" />
                            ${t('triage.notify')}</label
                          >
                          <label for="reply">${t('triage.reply')}</label>
                          <input id="reply" name="reply" maxlength="150" data-sms-prefix="${x.reference}: " />
                          <p class="hint" id="reply-cost" aria-live="polite"></p>`
                      : html`<p class="note" id="cannot-answer">${t(`triage.cannot.${reach}`)}</p>`
                  }
                  <button type="submit">${t('triage.save')}</button>
                </form>`
              : ''
          }
        </div>`,
      };
    }),
  );

  r.post(
    '/reports/:id',
    action(async (req, res, ctx) => {
      const b = req.body as Record<string, string>;
      const change: Record<string, unknown> = {};
      if (b.state) change.state = b.state;
      if (b.assignee !== undefined) change.assignee = b.assignee.trim() || null;
      if (b.note?.trim()) change.note = b.note;
      if (b.notify === '1') change.notify = true;
      if (b.reply?.trim()) change.reply = b.reply;
      const { sent } = await applyTriage(
        store,
        deps.triage,
        staffOf(ctx.dash!),
        String(req.params.id),
        change,
      );
      if (sent) deps.wakeOutbox();
      res.redirect(
        303,
        `/dashboard/reports/${encodeURIComponent(String(req.params.id))}?ok=${sent ? 'triagedSent' : 'triaged'}`,
      );
    }),
  );

  r.get(/^\/exports\/reports\.(csv|json)$/, (req, res, next) => {
    if (!req.dash) return next(new Unauthenticated());
    void exportReports(store, deps.pseudonymSecret, staffOf(req.dash), req, res, next);
  });

  // ---- polls ---------------------------------------------------------------------------
  r.get(
    '/polls',
    page(async (_req, ctx) => {
      const { t } = ctx;
      const polls = await store.collection('polls').find({}, { sort: { createdAt: -1 }, limit: 20 });
      const sections: Html[] = [];
      for (const p of polls) {
        const res = await pollResults(store, p, ctx.lang);
        const question = p.question[ctx.lang] ?? p.question.en ?? Object.values(p.question)[0];
        sections.push(
          html`<section class="card poll">
            <h2>${question}</h2>
            <p class="muted">
              ${t('polls.meta', { answers: num(ctx, res.answers), recipients: num(ctx, res.recipients), rate: num(ctx, res.responseRate * 100) })}
              ·
              ${res.open ? t('polls.open', { date: when(ctx, p.closesAt) }) : t('polls.closed', { date: when(ctx, p.closesAt) })}
            </p>
            ${barChart(
              res.options.map((o) => ({
                label: o.label,
                value: o.count,
                note: `${num(ctx, o.share * 100)}%`,
              })),
              question,
            )}
            ${
              Object.keys(res.byRegion).length > 1
                ? table(
                    [t('filters.region'), t('polls.answers'), ...res.options.map((o) => o.label)],
                    Object.entries(res.byRegion).map(([region, g]) => [
                      region,
                      num(ctx, g.answers),
                      ...g.options.map((o) => num(ctx, o.count)),
                    ]),
                    'numbers',
                  )
                : ''
            }
          </section>`,
        );
      }
      return {
        title: t('polls.title'),
        body: sections.length ? html`${sections}` : html`<p class="muted">${t('polls.none')}</p>`,
      };
    }),
  );

  // ---- broadcasts ----------------------------------------------------------------------
  r.get(
    '/broadcasts',
    page(async (_req, ctx) => {
      const { t } = ctx;
      const list = await store.collection('broadcasts').find({}, { sort: { createdAt: -1 }, limit: 20 });
      const rows: (Html | string)[][] = [];
      for (const b of list) {
        const state = await finishBroadcast(store, b);
        const c = await broadcastCounts(store, b._id);
        const total = b.recipients ?? 0;
        const done = c.sent + c.delivered + c.failed + c.cancelled;
        const text = b.text[ctx.lang] ?? b.text.en ?? Object.values(b.text)[0];
        rows.push([
          html`${text.length > 80 ? `${text.slice(0, 79)}…` : text}${b.poll ? html` <span class="badge">${t('broadcasts.poll')}</span>` : ''}`,
          t(`broadcastStates.${state}`),
          when(ctx, b.sendAt),
          html`<progress max="${total || 1}" value="${done}"></progress>
            ${num(ctx, done)}/${num(ctx, total)}`,
          t('broadcasts.counts', {
            delivered: num(ctx, c.delivered),
            sent: num(ctx, c.sent),
            failed: num(ctx, c.failed),
          }),
        ]);
      }
      const compose = can(ctx, 'staff')
        ? html`<form class="card compose" id="compose" method="post" action="/dashboard/broadcasts">
            ${csrfField(ctx)}
            <h2>${t('broadcasts.compose')}</h2>
            <p class="hint">${t('broadcasts.composeHint')}</p>
            <div class="langs">
              ${LANGUAGES.map(
                (l) =>
                  html`<label for="text-${l}">${LANGUAGE_NAMES[l]}</label>
                    <textarea
                      id="text-${l}"
                      name="text.${l}"
                      rows="3"
                      maxlength="1600"
                      data-lang="${l}"
                    ></textarea>`,
              )}
            </div>
            <fieldset>
              <legend>${t('broadcasts.audience')}</legend>
              <label
                >${t('broadcasts.regions')}
                <input name="regions" placeholder="${t('broadcasts.commaHint')}" maxlength="600"
              /></label>
              <label
                >${t('broadcasts.roles')}
                ${select(
                  'roles',
                  ROLES.map((x) => ({ value: x, label: t(`contactRoles.${x}`) })),
                  undefined,
                  t('filters.all'),
                )}</label
              >
              <label
                >${t('broadcasts.channels')}
                ${select(
                  'channels',
                  [
                    { value: 'sms', label: 'SMS' },
                    { value: 'telegram', label: 'Telegram' },
                  ],
                  undefined,
                  t('filters.all'),
                )}</label
              >
            </fieldset>
            <label
              >${t('broadcasts.priority')}
              ${select(
                'priority',
                [
                  { value: 'bulk', label: t('broadcasts.bulk') },
                  { value: 'alert', label: t('broadcasts.alert') },
                ],
                'bulk',
              )}</label
            >
            <label
              >${t('broadcasts.sendAt')} <input type="datetime-local" name="sendAt" />
              <span class="hint">${t('broadcasts.sendAtHint')}</span></label
            >
            <section
              id="preview"
              aria-live="polite"
              data-empty="${t('broadcasts.previewEmpty')}"
              data-error="${t('broadcasts.previewError')}"
              data-l-recipients="${t('broadcasts.recipients')}"
              data-l-language="${t('broadcasts.language')}"
              data-l-segments="${t('broadcasts.segments')}"
              data-l-encoding="${t('broadcasts.encoding')}"
              data-l-characters="${t('broadcasts.characters')}"
              data-l-cost="${t('broadcasts.cost')}"
              data-l-excluded="${t('broadcasts.excluded')}"
              data-l-smsmessages="${t('broadcasts.smsSegments')}"
              data-l-telegram="${t('broadcasts.telegramMessages')}"
            >
              <p class="muted">${t('broadcasts.previewEmpty')}</p>
            </section>
            <button type="submit">${t('broadcasts.send')}</button>
          </form>`
        : html`<p class="note">${t('broadcasts.viewerOnly')}</p>`;
      return {
        title: t('broadcasts.title'),
        body: html`${compose}
          <section>
            <h2>${t('broadcasts.recent')}</h2>
            ${rows.length ? table([t('broadcasts.text'), t('broadcasts.state'), t('broadcasts.sendAt'), t('broadcasts.progress'), t('broadcasts.delivery')], rows, 'broadcasts') : html`<p class="muted">${t('broadcasts.none')}</p>`}
          </section>`,
      };
    }),
  );

  /** The compose form as the API's broadcast body. */
  const broadcastFromForm = (b: Record<string, unknown>) => {
    const text: Record<string, string> = {};
    for (const l of LANGUAGES) {
      const v = b[`text.${l}`];
      if (typeof v === 'string' && v.trim()) text[l] = v;
    }
    const list = (v: unknown) =>
      typeof v === 'string' && v.trim()
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    const sendAt = typeof b.sendAt === 'string' && b.sendAt ? new Date(`${b.sendAt}Z`) : undefined;
    return {
      text,
      audience: { regions: list(b.regions), roles: list(b.roles), channels: list(b.channels) },
      priority: b.priority === 'alert' ? 'alert' : 'bulk',
      sendAt: sendAt && !Number.isNaN(sendAt.getTime()) ? sendAt.toISOString() : undefined,
    };
  };

  r.post(
    '/broadcasts/preview',
    action(async (req, res) => {
      res.json(
        await previewFromBody(store, deps.fanout, broadcastFromForm(req.body as Record<string, unknown>)),
      );
    }),
  );

  r.post(
    '/broadcasts',
    action(async (req, res, ctx) => {
      await createBroadcast(
        store,
        deps.fanout,
        staffOf(ctx.dash!),
        broadcastFromForm(req.body as Record<string, unknown>),
        deps.kick,
      );
      res.redirect(303, '/dashboard/broadcasts?ok=broadcast');
    }),
  );

  // ---- contacts ------------------------------------------------------------------------
  r.get(
    '/contacts',
    page(async (_req, ctx) => {
      const { t } = ctx;
      const c = await contactCounts(store);
      const group = (
        key: 'region' | 'role' | 'language' | 'channel' | 'registration',
        label: (v: string) => string,
      ) =>
        html`<section class="card">
          <h2>${t(`contacts.by.${key}`)}</h2>
          ${barChart(
            c[key].map((x) => ({ label: x.value ? label(x.value) : t('contacts.unknown'), value: x.count })),
            t(`contacts.by.${key}`),
          )}
        </section>`;
      let numbers = html``;
      if (can(ctx, 'admin')) {
        const latest = await store.collection('contacts').find({}, { sort: { lastSeenAt: -1 }, limit: 50 });
        numbers = html`<section>
          <h2>${t('contacts.latest')}</h2>
          <p class="hint">${t('contacts.adminOnly')}</p>
          ${table(
            [t('contacts.address'), t('filters.region'), t('contacts.role'), t('contacts.lastSeen')],
            latest.map((x) => [
              x.addresses.map((a) => `${a.channel}: ${a.value}`).join(', '),
              x.region ?? '',
              x.role ? t(`contactRoles.${x.role}`) : '',
              when(ctx, x.lastSeenAt),
            ]),
          )}
        </section>`;
      }
      return {
        title: t('contacts.title'),
        body: html`<p class="tiles">
            <span class="tile"><strong>${num(ctx, c.total)}</strong><span>${t('contacts.total')}</span></span
            ><span class="tile"
              ><strong>${num(ctx, c.optedOut)}</strong><span>${t('contacts.optedOut')}</span></span
            >
          </p>
          <div class="columns">
            ${group('region', (v) => v)} ${group('role', (v) => t(`contactRoles.${v}`))}
            ${group('language', (v) => (LANGUAGE_NAMES as Record<string, string>)[v] ?? v)}
            ${group('channel', (v) => t(`channels.${v}`))}
            ${group('registration', (v) => t(`registration.${v}`))}
          </div>
          ${numbers}`,
      };
    }),
  );

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
  return r;
}

/** Who is acting, for audits and triage notes. */
function staffOf(dash: DashboardSession): Staff {
  return { id: dash.credentialId, role: dash.role, name: dash.name };
}

/** No session (or it expired): the page sends the browser to the login form. */
class Unauthenticated extends Error {}

/** Logged in, but the role does not allow it. */
class ForbiddenPage extends ChimbaError {
  readonly code = 'forbidden';
  readonly retryable = false;
  override readonly status = 403;
}
