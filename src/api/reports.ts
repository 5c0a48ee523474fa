import { Request, Response, Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../domain/errors';
import { ISSUE_CATEGORIES, INCIDENT_TYPES } from '../domain/reports';
import { pseudonym } from '../domain/privacy';
import { REPORT_KINDS, REPORT_STATES, Report } from '../models';
import { TriageSettings, reachability, triageReport } from '../reports/triage';
import { Store } from '../store/types';
import { audit } from './audit';
import { Staff, requireRole } from './auth';
import { checkRange, dateRange, isoDate, parseBody, queryObject } from './validation';
import { ReportQuery, findReport, listReports, streamReports } from '../reports/store';
import { EXPORT_COLUMNS, csvCell, exportRow } from '../reports/export';

const text = z.string().trim().min(1).max(60);

/** The filters of the report list, its exports and the dashboard's list (`to` inclusive of its day). */
export const reportFilterShape = {
  kind: z.enum(REPORT_KINDS).optional(),
  state: z.enum(REPORT_STATES).optional(),
  region: text.optional(),
  category: z.enum(ISSUE_CATEGORIES).optional(),
  incidentType: z.enum(INCIDENT_TYPES).optional(),
  urgent: z.enum(['true', 'false']).optional(),
  ...dateRange,
};
/** The report filters as a strict query. */
export const reportFilters = queryObject(reportFilterShape);
/** Parsed report filters. */
export type ReportFilters = z.infer<typeof reportFilters>;

const listQuery = queryObject({
  ...reportFilterShape,
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  before: isoDate().optional(),
});

/**
 * A report as staff see it: a keyed pseudonym instead of the reporter, nothing about
 * the sender of an anonymous report. Internal notes come only with `detail`.
 */
export function reportView(r: Report, secret: string, detail = false) {
  return {
    id: r._id,
    kind: r.kind,
    reference: r.reference,
    createdAt: r.createdAt.toISOString(),
    anonymous: r.anonymous,
    state: r.state,
    channel: r.channel,
    language: r.language,
    contact: !r.anonymous && r.contactId ? pseudonym(secret, r.contactId) : undefined,
    confidential: r.confidential,
    urgent: r.urgent,
    pinned: !!r.pinned,
    assignee: r.assignee,
    seenAt: r.seenAt?.toISOString(),
    mineral: r.mineral,
    amount: r.amount,
    currency: r.currency,
    unit: r.unit,
    purity: r.purity,
    placeOfSale: r.placeOfSale,
    category: r.category,
    description: r.description,
    incidentType: r.incidentType,
    injured: r.injured,
    dead: r.dead,
    occurred: r.occurred,
    place: r.place,
    site: r.site,
    region: r.region,
    country: r.country,
    notes: detail ? r.notes.map((n) => ({ at: n.at.toISOString(), by: n.by, text: n.text })) : undefined,
  };
}

const triageBody = z
  .object({
    state: z.enum(REPORT_STATES).optional(),
    assignee: z.string().trim().max(80).nullable().optional(),
    note: z.string().trim().min(1).max(1000).optional(),
    notify: z.boolean().optional(),
    // the real limit is one SMS segment with the reference, checked when sending
    reply: z.string().trim().min(1).max(480).optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to change' });

/** The one triage entry point of the API and the dashboard: the change checked, then made (audited). */
export async function applyTriage(store: Store, s: TriageSettings, staff: Staff, id: string, body: unknown) {
  return triageReport(store, s, staff, id, parseBody(triageBody, body));
}

// ---- exports -----------------------------------------------------------------------------

/**
 * `…/exports/reports.csv|json` for the API and the dashboard: the list's filters (empty
 * ones ignored), audited, streamed. An error after the first byte ends the response.
 */
export async function exportReports(
  store: Store,
  secret: string,
  staff: Staff,
  req: Request,
  res: Response,
  next: (err: unknown) => void,
): Promise<void> {
  try {
    const format = req.path.endsWith('.csv') ? 'csv' : 'json';
    const clean = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
    const { bom, ...q } = parseBody(exportQuery, clean);
    checkRange(q);
    await audit(store, staff, 'reports.export', format, { ...q });
    await streamExport(store, secret, format, q, req, res, bom !== 'false');
  } catch (err) {
    if (res.headersSent) res.destroy(err as Error);
    else next(err);
  }
}

/** The export's query: the list's filters, and `bom=false` for tools that do not want the byte-order mark. */
const exportQuery = queryObject({ ...reportFilterShape, bom: z.enum(['true', 'false']).optional() });

/**
 * Streams reports as CSV or JSON, a chunk at a time, waiting when the client is slower
 * than the store. CSV starts with a UTF-8 byte-order mark unless asked not to: without it,
 * Excel on Windows reads the file as the local code page and garbles Rondônia, Potosí, près.
 */
async function streamExport(
  store: Store,
  secret: string,
  format: 'csv' | 'json',
  q: ReportQuery,
  req: Request,
  res: Response,
  bom = true,
): Promise<number> {
  const stamp = new Date().toISOString().slice(0, 10);
  res.status(200);
  res.set({
    'Content-Type': format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
    'Content-Disposition': `attachment; filename="chimba-reports-${stamp}.${format}"`,
    'Cache-Control': 'no-store',
  });
  let closed = false;
  req.on('close', () => (closed = true));
  let chunk = format === 'csv' ? `${bom ? '\uFEFF' : ''}${EXPORT_COLUMNS.join(',')}\r\n` : '[';
  let n = 0;
  const flush = async () => {
    if (!res.write(chunk))
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    chunk = '';
  };
  for await (const r of streamReports(store, q)) {
    if (closed) break;
    const row = exportRow(r, secret);
    chunk +=
      format === 'csv'
        ? `${EXPORT_COLUMNS.map((c) => csvCell(row[c])).join(',')}\r\n`
        : `${n ? ',' : ''}\n${JSON.stringify(row)}`;
    n++;
    if (chunk.length >= 64 * 1024) await flush();
  }
  if (format === 'json') chunk += '\n]\n';
  res.end(chunk);
  return n;
}

/** Reports: list, detail, triage, and streamed exports. */
export function reportsRouter(
  store: Store,
  pseudonymSecret: string,
  triage: TriageSettings,
  wakeOutbox: () => void,
): Router {
  const r = Router();
  r.get('/reports', requireRole(store, 'viewer'), async (req, res) => {
    const q = parseBody(listQuery, req.query);
    checkRange(q);
    const items = await listReports(store, q);
    res.json({ items: items.map((i) => reportView(i, pseudonymSecret)) });
  });

  r.get('/reports/:id', requireRole(store, 'viewer'), async (req, res) => {
    const report = await findReport(store, String(req.params.id));
    if (!report) throw new NotFound('no such report');
    res.json({ ...reportView(report, pseudonymSecret, true), reach: await reachability(store, report) });
  });

  r.patch('/reports/:id', requireRole(store, 'staff'), async (req, res) => {
    const { report, sent, reach } = await applyTriage(
      store,
      triage,
      req.staff!,
      String(req.params.id),
      req.body,
    );
    if (sent) wakeOutbox();
    res.json({ ...reportView(report, pseudonymSecret, true), reach, sent });
  });

  r.get(/^\/exports\/reports\.(csv|json)$/, requireRole(store, 'viewer'), (req, res, next) =>
    exportReports(store, pseudonymSecret, req.staff!, req, res, next),
  );
  return r;
}
