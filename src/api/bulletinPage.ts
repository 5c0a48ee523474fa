import { pickText } from '../i18n/texts';
import { Bulletin } from '../models';
import { html } from './dashboard/html';
import { UI } from './dashboard/page';
import { table } from './dashboard/views';
import { PublicLanguage, standalonePage } from './publicPage';

const CSS = `body{font:15px/1.45 Georgia,serif;color:#111;margin:0}main{max-width:48rem;margin:auto;padding:1.5rem}
h1{font-size:1.6rem;margin-bottom:0}h2{font-size:1.15rem;border-bottom:1px solid #999;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ccc;padding:.25rem;text-align:left}
td{font-variant-numeric:tabular-nums}.muted{color:#555}.draft{color:#a00;font-weight:bold}
@media print{@page{size:A4;margin:18mm}main{padding:0;max-width:none}a{color:inherit;text-decoration:none}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}`;

/** The printable bulletin (HTML with print CSS; the PDF is Chromium's print of it). */
export function bulletinPage(b: Bulletin, lang: PublicLanguage): string {
  const t = (key: string, vars: Record<string, unknown> = {}) => UI.t(lang, `bulletin.${key}`, vars);
  const nf = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const signed = (n: number | undefined) => (n === undefined ? '—' : `${n > 0 ? '+' : ''}${nf.format(n)}%`);
  const n = (v: number | null | undefined) =>
    v === null || v === undefined ? t('hidden', { n: b.minCell }) : nf.format(v);
  const note = pickText(b.note, lang, 'en');
  /** A section's table, or "nothing to report". */
  const listing = <T>(items: T[], headers: string[], row: (x: T) => string[]) =>
    items.length ? table(headers, items.map(row)) : html`<p class="muted">${t('none')}</p>`;
  return standalonePage(
    lang,
    t('title', { month: b._id }),
    CSS,
    html`
      <h1>${t('title', { month: b._id })}</h1>
      <p class="muted">
        ${t('subtitle', { n: b.minCell })}${b.state === 'draft' ? html` <span class="draft">${t('draft')}</span>` : ''}
      </p>
      ${note ? html`<p>${note}</p>` : ''}
      <h2>${t('prices')}</h2>
      ${listing(
        b.prices,
        [t('country'), t('mineral'), t('median'), t('change'), t('reference'), t('reports')],
        (p) => [
          p.country,
          UI.t(lang, `minerals.${p.mineral}`),
          `${nf.format(p.median)} ${p.currency}/${p.unit}`,
          signed(p.change),
          p.reference === undefined ? '—' : `${nf.format(p.reference)} (${p.ofReference}%)`,
          nf.format(p.reports),
        ],
      )}
      <h2>${t('issues')}</h2>
      ${listing(b.issues, [t('country'), t('region'), t('issue'), t('reports'), t('lastMonth')], (i) => [
        i.country,
        i.region ?? t('all'),
        UI.t(lang, `issues.${i.category}`),
        nf.format(i.reports),
        i.previous === undefined ? '—' : nf.format(i.previous),
      ])}
      <h2>${t('incidents')}</h2>
      ${listing(b.incidents, [t('country'), t('accidents'), t('injured'), t('dead')], (h) => [
        h.country,
        n(h.incidents),
        n(h.injured),
        n(h.dead),
      ])}
      <p class="muted">${t('method')}</p>
    `,
  );
}
