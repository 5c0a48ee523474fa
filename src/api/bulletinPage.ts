import { pickText } from '../i18n/texts';
import { Bulletin } from '../models';
import { html } from './dashboard/html';
import { UI } from './dashboard/page';
import { PublicLanguage } from './publicPage';

const CSS = `body{font:15px/1.45 Georgia,serif;color:#111;margin:0}main{max-width:48rem;margin:auto;padding:1.5rem}
h1{font-size:1.6rem;margin-bottom:0}h2{font-size:1.15rem;border-bottom:1px solid #999;margin-top:1.6rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #ccc;padding:.25rem;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.muted{color:#555}.draft{color:#a00;font-weight:bold}
@media print{@page{size:A4;margin:18mm}main{padding:0;max-width:none}a{color:inherit;text-decoration:none}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}`;

/** The printable bulletin (HTML with print CSS; the PDF is Chromium's print of it). */
export function bulletinPage(b: Bulletin, lang: PublicLanguage): string {
  const t = (key: string, vars: Record<string, unknown> = {}) => UI.t(lang, `bulletin.${key}`, vars);
  const nf = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  const signed = (n: number | undefined) => (n === undefined ? '—' : `${n > 0 ? '+' : ''}${nf.format(n)}%`);
  const n = (v: number | null | undefined) =>
    v === null || v === undefined ? t('hidden', { n: b.minCell }) : nf.format(v);
  const note = pickText(b.note, lang, 'en');
  const page = html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${t('title', { month: b._id })}</title>
        <style>
          ${CSS}
        </style>
      </head>
      <body>
        <main>
          <h1>${t('title', { month: b._id })}</h1>
          <p class="muted">
            ${t('subtitle', { n: b.minCell })}${b.state === 'draft' ? html` <span class="draft">${t('draft')}</span>` : ''}
          </p>
          ${note ? html`<p>${note}</p>` : ''}
          <h2>${t('prices')}</h2>
          ${
            b.prices.length
              ? html`<table>
                  <tr>
                    <th>${t('country')}</th>
                    <th>${t('mineral')}</th>
                    <th>${t('median')}</th>
                    <th>${t('change')}</th>
                    <th>${t('reference')}</th>
                    <th>${t('reports')}</th>
                  </tr>
                  ${b.prices.map(
                    (p) =>
                      html`<tr>
                        <td>${p.country}</td>
                        <td>${UI.t(lang, `minerals.${p.mineral}`)}</td>
                        <td class="n">${nf.format(p.median)} ${p.currency}/${p.unit}</td>
                        <td class="n">${signed(p.change)}</td>
                        <td class="n">
                          ${p.reference === undefined ? '—' : `${nf.format(p.reference)} (${p.ofReference}%)`}
                        </td>
                        <td class="n">${nf.format(p.reports)}</td>
                      </tr>`,
                  )}
                </table>`
              : html`<p class="muted">${t('none')}</p>`
          }
          <h2>${t('issues')}</h2>
          ${
            b.issues.length
              ? html`<table>
                  <tr>
                    <th>${t('country')}</th>
                    <th>${t('region')}</th>
                    <th>${t('issue')}</th>
                    <th>${t('reports')}</th>
                    <th>${t('lastMonth')}</th>
                  </tr>
                  ${b.issues.map(
                    (i) =>
                      html`<tr>
                        <td>${i.country}</td>
                        <td>${i.region ?? t('all')}</td>
                        <td>${UI.t(lang, `issues.${i.category}`)}</td>
                        <td class="n">${nf.format(i.reports)}</td>
                        <td class="n">${i.previous === undefined ? '—' : nf.format(i.previous)}</td>
                      </tr>`,
                  )}
                </table>`
              : html`<p class="muted">${t('none')}</p>`
          }
          <h2>${t('incidents')}</h2>
          ${
            b.incidents.length
              ? html`<table>
                  <tr>
                    <th>${t('country')}</th>
                    <th>${t('accidents')}</th>
                    <th>${t('injured')}</th>
                    <th>${t('dead')}</th>
                  </tr>
                  ${b.incidents.map(
                    (h) =>
                      html`<tr>
                        <td>${h.country}</td>
                        <td class="n">${n(h.incidents)}</td>
                        <td class="n">${n(h.injured)}</td>
                        <td class="n">${n(h.dead)}</td>
                      </tr>`,
                  )}
                </table>`
              : html`<p class="muted">${t('none')}</p>`
          }
          <p class="muted">${t('method')}</p>
        </main>
      </body>
    </html>`;
  return page.value;
}
