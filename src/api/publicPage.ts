import { LANGUAGE_NAMES } from '../domain/language';
import { pickText } from '../i18n/texts';
import { PublishedAnswer } from '../models';
import { OpenData, PriceFigure } from '../stats/open';
import { bandChart } from './dashboard/charts';
import { Html, html } from './dashboard/html';
import { UI } from './dashboard/page';
import { table } from './dashboard/views';

/** The languages the public page is written in (its texts live with the dashboard's). */
export const PUBLIC_LANGUAGES = ['en', 'fr'] as const;
export type PublicLanguage = (typeof PUBLIC_LANGUAGES)[number];

const CSS = `body{font:16px/1.45 system-ui,sans-serif;margin:0;color:#1d2429;background:#fafafa}
main{max-width:60rem;margin:auto;padding:1rem}h1{font-size:1.5rem}h2{margin-top:2rem;font-size:1.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9rem}th,td{border-bottom:1px solid #ddd;padding:.3rem;text-align:left}
table.numbers td:not(:first-child){text-align:right;font-variant-numeric:tabular-nums}.muted{color:#5b6770}.few{color:#5b6770;font-style:italic}
.scroll{overflow-x:auto}svg{max-width:100%;height:auto}nav a{margin-right:.75rem}blockquote{margin:.5rem 0;padding:.5rem;background:#fff;border-left:3px solid #2a6f97}`;

/** The public page: prices, problems, harm and published answers, with small numbers hidden. */
export function publicPage(
  data: OpenData,
  answers: PublishedAnswer[],
  o: { lang: PublicLanguage; licence: string; bulletins?: string[]; country?: string },
): string {
  const t = (key: string, vars: Record<string, unknown> = {}) => UI.t(o.lang, `public.${key}`, vars);
  const nf = new Intl.NumberFormat(o.lang, { maximumFractionDigits: 2 });
  const few = html`<span class="few">${t('fewer', { n: data.minCell })}</span>`;
  const derived = html`<span class="few">${t('hidden')}</span>`;
  /** A figure, or why it is not shown (`f.hidden`: too few, or hidden to protect one that is). */
  const n = (v: number | null, f?: { hidden?: string }) =>
    v === null ? (f?.hidden === 'derived' ? derived : few) : nf.format(v);
  const countries = [...new Set([...data.prices, ...data.reports].map((f) => f.country))].sort();
  const latest = (rows: PriceFigure[]) => [...rows].sort((a, b) => b.month.localeCompare(a.month))[0];
  // several countries: each one's national figures, its regions and charts on its own page
  // (`?country=CD`), so a page stays small on a slow link
  const detail = (country: string) => countries.length === 1 || o.country === country;
  const more = (country: string) =>
    detail(country)
      ? ''
      : html`<p><a href="/public?country=${country}&lang=${o.lang}">${t('byRegion', { country })}</a></p>`;

  const prices = countries.map((country) => {
    const rows = data.prices.filter((p) => p.country === country);
    if (!rows.length) return '';
    const quotes = [...new Set(rows.map((p) => `${p.mineral}|${p.currency}|${p.unit}`))].sort();
    return html`<h3>${country}</h3>
      ${more(country)}
      ${quotes.map((q) => {
        const [mineral, currency, unit] = q.split('|');
        const mine = rows.filter((p) => `${p.mineral}|${p.currency}|${p.unit}` === q);
        const national = detail(country)
          ? mine
              .filter((p) => p.region === null && p.median !== null)
              .sort((a, b) => a.month.localeCompare(b.month))
          : [];
        const regions = detail(country)
          ? [...new Set(mine.map((p) => p.region))].sort((a, b) => (a ?? '').localeCompare(b ?? ''))
          : [null];
        const title = `${UI.t(o.lang, `minerals.${mineral}`)} (${currency}/${unit})`;
        return html`<h4>${title}</h4>
          ${bandChart(
            national.map((p) => ({
              label: p.month,
              median: p.median!,
              p25: p.p25!,
              p75: p.p75!,
              count: p.reports!,
            })),
            { title, lang: o.lang, countLabel: t('reports') },
          )}
          ${table(
            [t('region'), t('month'), t('median'), t('band'), t('reports')],
            regions.map((region) => {
              const p = latest(mine.filter((x) => x.region === region));
              const band = p.p25 === null ? n(null, p) : `${nf.format(p.p25)}–${nf.format(p.p75!)}`;
              return [region ?? t('all'), p.month, n(p.median, p), band, n(p.reports, p)];
            }),
            'numbers',
          )}`;
      })}`;
  });

  const problems = countries.map((country) => {
    const rows = data.reports.filter((r) => r.country === country);
    if (!rows.length) return '';
    const regions = detail(country)
      ? [...new Set(rows.map((r) => r.region))].sort((a, b) => (a ?? '\uffff').localeCompare(b ?? '\uffff'))
      : [null];
    const cats = [...new Set(rows.map((r) => `${r.kind}|${r.category ?? ''}`))].sort();
    const label = (k: string) => {
      const [kind, cat] = k.split('|');
      return cat
        ? UI.t(o.lang, `${kind === 'issue' ? 'issues' : 'incidents'}.${cat}`)
        : t(kind === 'issue' ? 'allIssues' : 'allIncidents');
    };
    return html`<h3>${country}</h3>
      ${table(
        ['', ...regions.map((r) => r ?? t('all'))],
        cats.map((k) => [
          label(k),
          ...regions.map((region) => {
            const f = rows.find((r) => `${r.kind}|${r.category ?? ''}` === k && r.region === region);
            return f ? n(f.reports, f) : '0';
          }),
        ]),
        'numbers',
      )}`;
  });

  const harm = data.harm.length
    ? table(
        [t('country'), t('month'), t('incidents'), t('injured'), t('dead')],
        [...data.harm]
          .sort((a, b) => a.country.localeCompare(b.country) || b.month.localeCompare(a.month))
          .map((h) => [h.country, h.month, n(h.incidents, h), n(h.injured, h), n(h.dead, h)]),
        'numbers',
      )
    : html`<p class="muted">${t('none')}</p>`;

  const answered = answers
    .filter((a) => a.answer[o.lang] || a.answer.en)
    .slice(0, 10)
    .map(
      (a) =>
        html`<blockquote>
          <strong>${pickText(a.question, o.lang, 'en')}</strong><br />${pickText(a.answer, o.lang, 'en')}
        </blockquote>`,
    );

  return standalonePage(
    o.lang,
    t('title'),
    CSS,
    html`
      <nav>
        ${PUBLIC_LANGUAGES.map((l) => html`<a href="/public?lang=${l}" lang="${l}">${LANGUAGE_NAMES[l]}</a>`)}
      </nav>
      <h1>${t('title')}</h1>
      <p>${t('intro', { from: data.from.slice(0, 10), to: data.to.slice(0, 10), n: data.minCell })}</p>
      <p>
        ${t('downloads')}: <a href="/public/data/prices.csv">prices.csv</a> ·
        <a href="/public/data/prices.json">prices.json</a> ·
        <a href="/public/data/reports.csv">reports.csv</a> ·
        <a href="/public/data/reports.json">reports.json</a> ·
        <a href="/public/data/dictionary.txt">${t('dictionary')}</a>. ${t('licence')}: ${o.licence}.
      </p>
      <h2>${t('prices')}</h2>
      ${prices.some((p) => p !== '') ? prices : html`<p class="muted">${t('none')}</p>`}
      <h2>${t('problems')}</h2>
      ${problems.some((p) => p !== '') ? problems : html`<p class="muted">${t('none')}</p>`}
      <h2>${t('harm')}</h2>
      ${harm}
      ${
        answered.length
          ? html`<h2>${t('answers')}</h2>
              ${answered}`
          : ''
      }
      ${
        o.bulletins?.length
          ? html`<h2>${t('bulletins')}</h2>
              <ul>
                ${o.bulletins.map(
                  (m) =>
                    html`<li>
                      <a href="/public/bulletins/${m}?lang=${o.lang}">${m}</a>
                      (<a href="/public/bulletins/${m}.pdf?lang=${o.lang}">PDF</a>)
                    </li>`,
                )}
              </ul>`
          : ''
      }
      <p class="muted">${t('never')}</p>
    `,
  );
}

/** A page on its own (the public page, the bulletin): its language, title and inline styles, the body in `<main>`. */
export function standalonePage(lang: string, title: string, css: string, body: Html): string {
  return html`<!doctype html>
    <html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="icon" href="data:," />
        <style>
          ${css}
        </style>
      </head>
      <body>
        <main>${body}</main>
      </body>
    </html>`.value;
}
