import { DuplicateKey } from '../domain/errors';
import { newReference, randomId } from '../domain/ids';
import { Mineral } from '../domain/minerals';
import { toHour } from '../domain/privacy';
import { parseReference } from '../domain/reports';
import { Report, ReportKind, ReportState } from '../models';
import { REDACTED_ADDRESS } from '../outbox/status';
import { queueForRollups } from '../stats/rollups';
import { Filter, Store } from '../store/types';

/**
 * Stores a report under a fresh reference number, retrying on the rare clash. When
 * `sourceKey` was already used (the same message processed twice), returns the first report.
 * Price reports are queued for the statistics in the same unit of work.
 */
export async function insertReport(
  store: Store,
  doc: Omit<Partial<Report>, 'reference'> & { kind: Report['kind'] },
): Promise<Report> {
  const reports = store.collection('reports');
  for (let attempt = 0; ; attempt++) {
    try {
      // a price report is queued for the statistics in its own unit of work, and counted
      // there in batches (see foldPendingReports), one write per bucket rather than per report
      const report = await reports.insertOne({
        // an anonymous report's id is random: a growing one would say between which named
        // reports it was made, finer than the hour its time is kept to
        ...(doc.anonymous && !doc._id ? { _id: randomId() } : {}),
        ...doc,
        pinned: doc.urgent === true,
        reference: newReference(doc.kind),
        ...(doc.kind === 'price' ? { rolledUp: true } : {}),
      });
      await queueForRollups(store, report);
      return report;
    } catch (err) {
      if (!(err instanceof DuplicateKey)) throw err;
      if (err.index.startsWith('sourceKey') && doc.sourceKey) {
        const first = await reports.findOne({ sourceKey: doc.sourceKey });
        if (first) return first;
      }
      if (attempt >= 5) throw err;
    }
  }
}

/** A report by its reference (`P-4K7Q2`, any case, spaces ignored) or its id. */
export async function findReport(store: Store, idOrReference: string): Promise<Report | null> {
  const ref = /^[PRC]\s*-?\s*[0-9A-Z]{5}$/i.test(idOrReference.trim())
    ? parseReference(idOrReference)
    : undefined;
  const reports = store.collection('reports');
  return (ref ? await reports.findOne({ reference: ref }) : null) ?? reports.findOne({ _id: idOrReference });
}

/** One report by id. */
export function reportById(store: Store, id: string): Promise<Report | null> {
  return store.collection('reports').findOne({ _id: id });
}

/** A report by its exact reference. */
export function reportByReference(store: Store, reference: string): Promise<Report | null> {
  return store.collection('reports').findOne({ reference });
}

/** What staff filter reports by (the list, the exports, the dashboard); `to` is exclusive here. */
export interface ReportQuery {
  kind?: ReportKind;
  state?: ReportState;
  region?: string;
  category?: string;
  incidentType?: string;
  urgent?: 'true' | 'false';
  from?: Date;
  to?: Date;
  before?: Date;
}

/** The store filter of a report query. */
export function reportFilter(q: ReportQuery): Filter {
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
 * Reports for a list: urgent reports nobody has seen first, then newest first.
 * With `offset` for pages; `before` still works for callers that page by time.
 */
export function listReports(
  store: Store,
  q: ReportQuery & { limit: number; offset: number },
): Promise<Report[]> {
  return store
    .collection('reports')
    .find(reportFilter(q), { sort: { pinned: -1, createdAt: -1 }, limit: q.limit, skip: q.offset });
}

/** Every report of a query, oldest first, a document at a time (exports). */
export function streamReports(store: Store, q: ReportQuery): AsyncIterable<Report> {
  return store.collection('reports').stream(reportFilter(q), { sort: { createdAt: 1 } });
}

/**
 * The latest `limit` amounts reported for a mineral in a currency since a time, newest
 * first, optionally in one region: read through a covering index, so the cost does not
 * grow with what the store has accumulated.
 */
export async function recentPrices(
  store: Store,
  q: { mineral: Mineral; currency: string; region?: string; since: Date; limit: number },
): Promise<{ amount?: number; unit?: string }[]> {
  // only price reports name a mineral: the filter and what is read are all in an index
  const filter: Filter = { mineral: q.mineral, currency: q.currency, createdAt: { $gte: q.since } };
  if (q.region) filter.region = q.region;
  return store.collection('reports').find(filter, {
    sort: { createdAt: -1 },
    limit: q.limit,
    projection: { _id: 0, amount: 1, unit: 1 },
  });
}

/** Erases what would tie an anonymous report to its sender: the messages' texts and the report's source key. */
export async function forgetSender(
  store: Store,
  what: { inboundIds: string[]; reportId?: string },
  now: Date,
): Promise<void> {
  // the log keeps each message's provider id (a redelivery is still recognised) and nothing
  // of who sent it or when to the minute: no address, no text, no marker, the hour only
  const hour = toHour(now);
  await store.collection('inbound').updateMany(
    { _id: { $in: what.inboundIds } },
    {
      $set: { text: '', address: ANONYMOUS_ADDRESS, receivedAt: hour, loggedAt: hour, handledAt: hour },
      $unset: { extra: '', redacted: '', lastError: '' },
    },
  );
  if (what.reportId)
    await store.collection('reports').updateOne({ _id: what.reportId }, { $unset: { sourceKey: '' } });
}

/** Marks the one-time cleaning below as done (in `jobRuns`). */
const LEFTOVERS_DONE = 'upgrade:forget-anonymous-leftovers';

/**
 * What an earlier Chimba kept after an anonymous report, forgotten as {@link forgetSender}
 * and the outbox now do: log entries still carrying the sender's address under a
 * `redacted` marker, and sent replies of report conversations still naming their
 * recipient. Runs once per store (in the background at start: it reads the logs through
 * once, in pages), then remembers it is done. Returns how many documents it changed.
 */
export async function forgetLeftovers(store: Store, now = new Date()): Promise<number> {
  const runs = store.collection('jobRuns');
  if (await runs.findOne({ _id: LEFTOVERS_DONE })) return 0;
  let changed = 0;
  const inbound = store.collection('inbound');
  for await (const i of inbound.stream({ redacted: true })) {
    const hour = toHour(i.receivedAt);
    await inbound.updateOne(
      { _id: i._id },
      {
        $set: { text: '', address: ANONYMOUS_ADDRESS, receivedAt: hour, loggedAt: hour, handledAt: hour },
        $unset: { extra: '', redacted: '', lastError: '' },
      },
    );
    changed++;
  }
  const outbound = store.collection('outbound');
  const sent = {
    redactAfterSend: true,
    to: { $ne: REDACTED_ADDRESS },
    status: { $in: ['sent', 'delivered', 'undelivered', 'failed', 'dead'] },
  };
  for await (const m of outbound.stream(sent)) {
    const hour = toHour(m.createdAt);
    await outbound.updateOne(
      { _id: m._id },
      {
        $set: {
          to: REDACTED_ADDRESS,
          createdAt: hour,
          nextAttemptAt: hour,
          ...(m.sentAt ? { sentAt: toHour(m.sentAt) } : {}),
          ...(m.deliveredAt ? { deliveredAt: toHour(m.deliveredAt) } : {}),
        },
        $unset: { contactId: '' },
      },
    );
    changed++;
  }
  await runs.updateOne({ _id: LEFTOVERS_DONE }, { $set: { lastRunAt: now } }, { upsert: true });
  return changed;
}

/** The address left on the log entries of an anonymous report's conversation. */
export const ANONYMOUS_ADDRESS = 'anonymous';

/** Urgent reports nobody has seen yet, newest first (the top of the overview). */
export function pinnedReports(store: Store, limit = 20): Promise<Report[]> {
  return store.collection('reports').find({ pinned: true }, { sort: { createdAt: -1 }, limit });
}
