import { Request, Response, Router } from 'express';
import { latestAnswers } from '../knowledge/questions';
import { Logger } from '../log';
import { OpenData, countPublicHit, openData } from '../stats/open';
import { Store } from '../store/types';
import { PUBLIC_LANGUAGES, PublicLanguage, publicPage } from './publicPage';
import { bulletinPage } from './bulletinPage';
import { printPdf } from './pdf';

const DAY = 86_400_000;
/** The figures are computed at most this often (they cover a year; a few minutes' delay does not matter). */
const CACHE_MS = 10 * 60_000;

/** What the public side publishes, and how. */
export interface PublicSettings {
  minCell: number;
  licence: string;
  /** For the published bulletins' PDF. */
  chromium: string;
}

/** What each column of the downloads means. */
export const DICTIONARY = `Chimba open data: aggregates of what artisanal miners reported, never a report.

prices.csv / prices.json: one row per country, region (empty: the whole country), mineral,
currency, unit and month (YYYY-MM) of the last twelve months.
  reports   price reports in the cell
  median    median price paid at the pit, in the currency per unit
  p25, p75  the band: a quarter of prices were below p25, a quarter above p75
reports.csv / reports.json: one row per country, region (empty: the whole country), kind
(issue or incident) and category (empty: all of the kind), over the last twelve months.
  reports   issues or incidents reported
harm (reports.json): incidents, people injured and dead, per country and month.

Small numbers are hidden: a figure from fewer than N reports, or from fewer than N
distinct senders, reads "fewer than N"; where a total and all but one of its parts would
be published, one more part (or the total) is hidden too and reads "hidden". In JSON
both are null, with "hidden": "few" or "derived".
`;

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

function csv(columns: string[], rows: Record<string, unknown>[], head: string[], few: string): string {
  const lines = rows.map((r) =>
    columns
      .map((c) =>
        csvCell(
          r[c] === null && c !== 'region' && c !== 'category' ? (r.hidden === 'few' ? few : 'hidden') : r[c],
        ),
      )
      .join(','),
  );
  return [...head.map((h) => `# ${h}`), columns.join(','), ...lines].join('\n') + '\n';
}

/**
 * `/public`: the page and the downloads, open to anyone, no login, no cookie, cacheable;
 * opening them is counted per month (nothing about who).
 */
export function publicRouter(store: Store, s: PublicSettings, log: Logger): Router {
  const r = Router();
  let cache: { at: number; data: Promise<OpenData> } | undefined;
  const figures = () => {
    if (!cache || Date.now() - cache.at > CACHE_MS) {
      const to = new Date();
      const from = new Date(Date.UTC(to.getUTCFullYear(), to.getUTCMonth() - 11, 1));
      cache = {
        at: Date.now(),
        data: openData(store, { from, to: new Date(to.getTime() + DAY), minCell: s.minCell }),
      };
      cache.data.catch(() => (cache = undefined));
    }
    return cache.data;
  };
  const counted = (what: string) =>
    void countPublicHit(store, what).catch((err) => log.warn({ err }, 'counting a public hit failed'));
  const open = (res: Response, type: string) =>
    res.type(type).set({
      'Cache-Control': `public, max-age=${CACHE_MS / 1000}`,
      'Access-Control-Allow-Origin': '*',
      'X-Content-Type-Options': 'nosniff',
    });
  const langOf = (req: Request): PublicLanguage => {
    const asked = String(req.query.lang ?? '');
    if ((PUBLIC_LANGUAGES as readonly string[]).includes(asked)) return asked as PublicLanguage;
    return (req.acceptsLanguages(...PUBLIC_LANGUAGES) || 'en') as PublicLanguage;
  };
  const few = `fewer than ${s.minCell}`;
  const head = (what: string) => [
    `Chimba open data: ${what}. Licence: ${s.licence}.`,
    'Columns: /public/data/dictionary.txt',
  ];

  r.get('/', async (req, res) => {
    const [data, answers, bulletins] = await Promise.all([
      figures(),
      latestAnswers(store, 10),
      store.collection('bulletins').find({ state: 'published' }, { sort: { _id: -1 }, limit: 12 }),
    ]);
    counted('page');
    open(res, 'html')
      .set({
        Vary: 'Accept-Language',
        'Content-Security-Policy':
          "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
      })
      .send(
        publicPage(data, answers, {
          lang: langOf(req),
          licence: s.licence,
          bulletins: bulletins.map((b) => b._id),
          country: /^[A-Za-z]{2}$/.test(String(req.query.country))
            ? String(req.query.country).toUpperCase()
            : undefined,
        }),
      );
  });
  // published bulletins: the printable page and its PDF
  r.get('/bulletins/:month', async (req, res, next) => {
    const m = /^(\d{4}-\d{2})(\.pdf)?$/.exec(String(req.params.month));
    const b = m && (await store.collection('bulletins').findOne({ _id: m[1], state: 'published' }));
    if (!b) return next();
    const page = bulletinPage(b, langOf(req));
    counted(m[2] ? 'bulletin.pdf' : 'bulletin');
    if (m[2]) return open(res, 'application/pdf').send(await printPdf(page, s.chromium));
    open(res, 'html')
      .set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(page);
  });
  r.get('/data/dictionary.txt', (_req, res) => {
    open(res, 'text/plain').send(`${DICTIONARY}\nN = ${s.minCell}. Licence: ${s.licence}.\n`);
  });
  /** One download, as CSV (`rows` with `columns`) or JSON (`json` of the figures). */
  const download = (
    name: string,
    what: string,
    columns: string[],
    rows: (d: OpenData) => object[],
    json: (d: OpenData) => object,
  ) =>
    r.get(`/data/${name}.:format`, async (req, res) => {
      const format = req.params.format;
      if (format !== 'csv' && format !== 'json')
        return res.status(404).json({ error: { code: 'not_found', message: `${name}.csv or ${name}.json` } });
      const data = await figures();
      counted(`${name}.${format}`);
      if (format === 'json')
        return open(res, 'json').json({
          licence: s.licence,
          dictionary: '/public/data/dictionary.txt',
          minCell: s.minCell,
          from: data.from,
          to: data.to,
          ...json(data),
        });
      open(res, 'text/csv').send(csv(columns, rows(data) as Record<string, unknown>[], head(what), few));
    });
  download(
    'prices',
    'prices by month',
    ['country', 'region', 'mineral', 'currency', 'unit', 'month', 'reports', 'median', 'p25', 'p75'],
    (d) => d.prices,
    (d) => ({ prices: d.prices }),
  );
  download(
    'reports',
    'issues and incidents, last twelve months',
    ['country', 'region', 'kind', 'category', 'reports'],
    (d) => d.reports,
    (d) => ({ reports: d.reports, harm: d.harm }),
  );
  return r;
}
