import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { DashboardSession, Report, StaffRole } from '../../models';
import { RANK } from '../../staff/credentials';
import { Html, html } from './html';

/** Where the dashboard's CSS and JS live, from `src/` and from `dist/` alike. */
export const STATIC_DIR = path.resolve(__dirname, '../../../src/api/dashboard/static');

/** A short content hash per static file, appended as `?v=` so browsers cache them safely. */
const VERSIONS: Record<string, string> = {};
export function assetUrl(file: string): string {
  VERSIONS[file] ??= createHash('sha256')
    .update(fs.readFileSync(path.join(STATIC_DIR, file)))
    .digest('hex')
    .slice(0, 10);
  return `/dashboard/static/${file}?v=${VERSIONS[file]}`;
}

/** What every page is rendered with. */
export interface PageContext {
  t: (key: string, vars?: Record<string, unknown>) => string;
  lang: 'en' | 'fr';
  dash?: DashboardSession;
  path: string;
}

/** A role at least `role`? */
export function can(ctx: PageContext, role: StaffRole): boolean {
  const r = ctx.dash?.role;
  return !!r && RANK[r] >= RANK[role];
}

const NAV: [string, string, StaffRole][] = [
  ['/dashboard', 'nav.overview', 'viewer'],
  ['/dashboard/prices', 'nav.prices', 'viewer'],
  ['/dashboard/reports', 'nav.reports', 'viewer'],
  ['/dashboard/polls', 'nav.polls', 'viewer'],
  ['/dashboard/broadcasts', 'nav.broadcasts', 'viewer'],
  ['/dashboard/contacts', 'nav.contacts', 'viewer'],
  ['/dashboard/directory', 'nav.directory', 'viewer'],
  ['/dashboard/questions', 'nav.questions', 'expert'],
  ['/dashboard/series', 'nav.series', 'viewer'],
  ['/dashboard/access', 'nav.access', 'admin'],
];

/** The hidden CSRF field every form carries. */
export function csrfField(ctx: PageContext): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.dash?.csrf ?? ''}" />`;
}

/** The page frame: header, navigation, who is logged in, logout. */
export function layout(ctx: PageContext, title: string, body: Html, flash?: string): string {
  const { t } = ctx;
  const current = (href: string) =>
    href === '/dashboard'
      ? ctx.path === '/dashboard' || ctx.path === '/dashboard/'
      : ctx.path.startsWith(href);
  return html`<!doctype html>
    <html lang="${ctx.lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · Chimba</title>
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="${assetUrl('dashboard.css')}" />
        <script src="${assetUrl('dashboard.js')}" defer></script>
      </head>
      <body>
        <header class="top">
          <a class="brand" href="/dashboard">Chimba</a>
          ${
            ctx.dash
              ? html`<nav aria-label="${t('nav.label')}">
                    ${NAV.filter(([, , role]) => can(ctx, role)).map(
                      ([href, key]) =>
                        html`<a href="${href}" ${current(href) ? html` aria-current="page"` : ''}
                          >${t(key)}</a
                        >`,
                    )}
                  </nav>
                  <form class="who" method="post" action="/dashboard/logout">
                    ${csrfField(ctx)}<span>${ctx.dash.name} · ${t(`roles.${ctx.dash.role}`)}</span>
                    <button type="submit" id="logout">${t('nav.logout')}</button>
                  </form>`
              : ''
          }
        </header>
        <main>
          <h1>${title}</h1>
          ${flash ? html`<p class="flash" role="status">${flash}</p>` : ''} ${body}
        </main>
      </body>
    </html>`.value;
}

/** A date and time, short, in the staff language (UTC: the programme works across time zones). */
export function when(ctx: PageContext, d: Date | string | undefined): string {
  if (!d) return '';
  return new Intl.DateTimeFormat(ctx.lang, {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(new Date(d));
}

/** A day, short. */
export function day(ctx: PageContext, d: Date | string): string {
  return new Intl.DateTimeFormat(ctx.lang, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
    new Date(d),
  );
}

/** A number in the staff language. */
export function num(ctx: PageContext, n: number | undefined, digits = 0): string {
  if (n === undefined || Number.isNaN(n)) return '';
  return new Intl.NumberFormat(ctx.lang, { maximumFractionDigits: digits }).format(n);
}

/** Amounts by currency (`KES 12.8 · USD 0.5`); empty when nothing was charged or reported. */
export function costs(ctx: PageContext, byCurrency: Record<string, number>): string {
  return Object.entries(byCurrency)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([cur, amount]) => `${cur} ${num(ctx, amount, 2)}`)
    .join(' · ');
}

/** A select with the current value chosen; `''` is "any". */
export function select(
  name: string,
  options: { value: string; label: string }[],
  current: string | undefined,
  any?: string,
  attrs: Html = html``,
): Html {
  return html`<select name="${name}" id="f-${name}" ${attrs}>
    ${any !== undefined ? html`<option value="">${any}</option>` : ''}${options.map(
      (o) =>
        html`<option value="${o.value}" ${o.value === current ? html` selected` : ''}>${o.label}</option>`,
    )}
  </select>`;
}

/**
 * A table from headers and rows of cells. Each cell carries its column's name, so on a
 * phone the rows become cards (label: value) instead of a table scrolled sideways.
 */
export function table(headers: string[], rows: (Html | string | number)[][], cls = ''): Html {
  return html`<div class="scroll">
    <table class="${cls} cards">
      <thead>
        <tr>
          ${headers.map((h) => html`<th scope="col">${h}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              ${r.map((c, i) => html`<td data-label="${headers[i] ?? ''}">${c}</td>`)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`;
}

/** One line saying what a report is about: mineral and price, issue, or incident and casualties. */
export function describeReport(ctx: PageContext, r: Report): string {
  if (r.kind === 'price')
    return `${ctx.t(`minerals.${r.mineral}`)} ${num(ctx, r.amount, 2)} ${r.currency}/${r.unit}`;
  if (r.kind === 'issue')
    return `${ctx.t(`issues.${r.category}`)}${r.description ? ` — ${r.description}` : ''}`;
  return `${ctx.t(`incidents.${r.incidentType ?? 'other'}`)} · ${ctx.t('reports.injuredCount', { count: r.injured ?? 0 })}, ${ctx.t('reports.deadCount', { count: r.dead ?? 0 })}`;
}
