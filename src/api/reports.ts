import { Request, Response, Router } from 'express';
import { z } from 'zod';
import { NotFound } from '../domain/errors';
import { ISSUE_CATEGORIES, INCIDENT_TYPES, parseReference } from '../domain/reports';
import { pseudonym } from '../domain/privacy';
import { REPORT_KINDS, REPORT_STATES, Report } from '../models';
import { TriageSettings, reachability, triageReport } from '../reports/triage';
import { Filter, Store } from '../store/types';
import { audit } from './audit';
import { Staff, requireRole } from './auth';
import { checkRange, dateRange, isoDate, parseBody, queryObject } from './validation';

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

/** The store filter for report filters. */
export function reportFilter(q: ReportFilters & { before?: Date }): Filter {
  const f: Filter = {};
  for (const k of ['kind', 'state', 'region', 'category', 'incidentType'] as const) if (q[k]) f[k] = q[k];
  if (q.urgent) f.urgent = q.urgent === 'true';
  const created: Record<string, Date> = {};
  if (q.from) created.$gte = q.from;
  if (q.to) created.$lt = q.to;
  if (q.before) created.$lt = q.before;
  if (Object.keys(created).length) f.createdAt = created;
  return f;
}

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

/** A report by its reference (`P-4K7Q2`, any case, spaces ignored) or its id. */
export async function findReport(store: Store, idOrReference: string): Promise<Report | null> {
  const ref = /^[PRC]\s*-?\s*[0-9A-Z]{5}$/i.test(idOrReference.trim())
    ? parseReference(idOrReference)
    : undefined;
  const reports = store.collection('reports');
  return (ref ? await reports.findOne({ reference: ref }) : null) ?? reports.findOne({ _id: idOrReference });
}

/**
 * Reports for a list: urgent reports nobody has seen first, then newest first.
 * With `offset` for pages; `before` still works for callers that page by time.
 */
export async function listReports(store: Store, q: z.infer<typeof listQuery>): Promise<Report[]> {
  return store
    .collection('reports')
    .find(reportFilter(q), { sort: { pinned: -1, createdAt: -1 }, limit: q.limit, skip: q.offset });
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

/** The one triage entry point of the API and the dashboard: change, audit, answer. */
export async function applyTriage(store: Store, s: TriageSettings, staff: Staff, id: string, body: unknown) {
  const change = parseBody(triageBody, body);
  const result = await triageReport(store, s, staff.name, id, change);
  // the audit names the report as people do, by its reference
  await audit(store, staff, 'report.triage', result.report.reference, {
    id,
    state: change.state,
    assignee: change.assignee,
    note: change.note ? true : undefined,
    notified: result.sent,
  });
  return result;
}

// ---- exports -----------------------------------------------------------------------------

const EXPORT_COLUMNS = [
  'reference',
  'kind',
  'createdAt',
  'state',
  'reporter',
  'anonymous',
  'channel',
  'language',
  'country',
  'region',
  'site',
  'place',
  'mineral',
  'amount',
  'currency',
  'unit',
  'purity',
  'placeOfSale',
  'category',
  'description',
  'incidentType',
  'injured',
  'dead',
  'occurred',
  'urgent',
] as const;

/** One exported row: the reporter is a keyed pseudonym, none for anonymous reports; no notes. */
export function exportRow(r: Report, secret: string): Record<(typeof EXPORT_COLUMNS)[number], unknown> {
  return {
    reference: r.reference,
    kind: r.kind,
    createdAt: r.createdAt.toISOString(),
    state: r.state,
    reporter: !r.anonymous && r.contactId ? pseudonym(secret, r.contactId) : null,
    anonymous: r.anonymous,
    channel: r.channel,
    language: r.language ?? null,
    country: r.country ?? null,
    region: r.region ?? null,
    site: r.site ?? null,
    place: r.place ?? null,
    mineral: r.mineral ?? null,
    amount: r.amount ?? null,
    currency: r.currency ?? null,
    unit: r.unit ?? null,
    purity: r.purity ?? null,
    placeOfSale: r.placeOfSale ?? null,
    category: r.category ?? null,
    description: r.description ?? null,
    incidentType: r.incidentType ?? null,
    injured: r.injured ?? null,
    dead: r.dead ?? null,
    occurred: r.occurred ?? null,
    urgent: r.urgent,
  };
}

/**
 * One CSV cell (RFC 4180). Text that a spreadsheet would run as a formula (`=`, `+`,
 * `-`, `@`, tab, CR at the start) gets a leading apostrophe: reports are typed by the public.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

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
    await streamExport(store, secret, format, reportFilter(q), req, res, bom !== 'false');
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
  filter: Filter,
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
  for await (const r of store.collection('reports').stream(filter, { sort: { createdAt: 1 } })) {
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
  r.get('/reports', requireRole(store, 'viewer'), async (req, res, next) => {
    try {
      const q = parseBody(listQuery, req.query);
      checkRange(q);
      const items = await listReports(store, q);
      res.json({ items: items.map((i) => reportView(i, pseudonymSecret)) });
    } catch (err) {
      next(err);
    }
  });

  r.get('/reports/:id', requireRole(store, 'viewer'), async (req, res, next) => {
    try {
      const report = await findReport(store, String(req.params.id));
      if (!report) throw new NotFound('no such report');
      res.json({ ...reportView(report, pseudonymSecret, true), reach: await reachability(store, report) });
    } catch (err) {
      next(err);
    }
  });

  r.patch('/reports/:id', requireRole(store, 'staff'), async (req, res, next) => {
    try {
      const { report, sent, reach } = await applyTriage(
        store,
        triage,
        req.staff!,
        String(req.params.id),
        req.body,
      );
      if (sent) wakeOutbox();
      res.json({ ...reportView(report, pseudonymSecret, true), reach, sent });
    } catch (err) {
      next(err);
    }
  });

  r.get(/^\/exports\/reports\.(csv|json)$/, requireRole(store, 'viewer'), (req, res, next) =>
    exportReports(store, pseudonymSecret, req.staff!, req, res, next),
  );
  return r;
}
