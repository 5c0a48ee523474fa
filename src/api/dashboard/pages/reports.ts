import { z } from 'zod';
import { REPORT_KINDS, REPORT_STATES } from '../../../models';
import { NextFunction, Request, Response } from 'express';
import { exportReports, reportFilterShape } from '../../reports';
import { findReport, listReports } from '../../../reports/store';
import { parseBody } from '../../validation';
import { html } from '../html';
import { describeReport, select, table, when } from '../views';
import { Mount, Unauthenticated, page, staffOf } from '../page';

/** Reports: the list with filters, search by reference, and exports. */
export const mountReports: Mount = (r, deps) => {
  const { store } = deps;
  const listQuery = z.object({
    ...reportFilterShape,
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    ref: z.string().trim().max(40).optional(),
  });

  // a reference typed in the search box: straight to that report when it exists
  const findByReference = async (req: Request, res: Response, next: NextFunction) => {
    const ref = typeof req.query.ref === 'string' ? req.query.ref.trim() : '';
    if (!req.dash || !ref) return next();
    const found = await findReport(store, ref);
    if (found) return res.redirect(303, `/dashboard/reports/${found._id}`);
    next();
  };

  r.get(
    '/reports',
    findByReference,
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
      const exportQs = qs({})
        .replace(/(^|&)page=\d+/, '')
        .replace(/(^|&)ref=[^&]*/, '');
      return {
        title: t('reports.title'),
        body: html`<form class="search" method="get" action="/dashboard/reports" role="search">
            <label for="ref">${t('reports.search')}</label>
            <input id="ref" name="ref" value="${q.ref ?? ''}" maxlength="40" placeholder="P-4K7Q2" />
            <button type="submit">${t('reports.searchButton')}</button>
          </form>
          ${q.ref ? html`<p class="note" id="not-found" role="status">${t('reports.notFound', { ref: q.ref })}</p>` : ''}
          <form class="filters" method="get" action="/dashboard/reports">
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
                      describeReport(ctx, x),
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

  r.get(/^\/exports\/reports\.(csv|json)$/, (req, res, next) => {
    if (!req.dash) return next(new Unauthenticated());
    void exportReports(store, deps.pseudonymSecret, staffOf(req.dash), req, res, next);
  });
};
