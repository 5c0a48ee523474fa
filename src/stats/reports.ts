import { Store } from '../store/types';
import { bucketStart } from './rollups';

/** A filter on time and place, shared by the counts and the dashboard. */
export interface CountQuery {
  kind?: 'issue' | 'incident';
  region?: string;
  from?: Date;
  to?: Date;
}

/** One row of issue and incident counts. */
export interface CountRow {
  week: string;
  kind: 'issue' | 'incident';
  /** The issue category or the incident type. */
  category: string;
  region: string | null;
  count: number;
  injured: number;
  dead: number;
}

function timeFilter(q: { from?: Date; to?: Date }, field = 'createdAt'): Record<string, unknown> {
  if (!q.from && !q.to) return {};
  const c: Record<string, Date> = {};
  if (q.from) c.$gte = q.from;
  if (q.to) c.$lt = q.to;
  return { [field]: c };
}

/** Issues and incidents by category (or type), region and ISO week, with injuries and deaths summed. */
export async function reportCounts(
  store: Store,
  q: CountQuery,
): Promise<{
  rows: CountRow[];
  totals: Omit<CountRow, 'week' | 'category' | 'region' | 'kind'> & { issues: number; incidents: number };
}> {
  const match: Record<string, unknown> = {
    kind: q.kind ?? { $in: ['issue', 'incident'] },
    ...timeFilter(q),
  };
  if (q.region) match.region = q.region;
  const rows = await store.collection('reports').aggregate<{
    _id: { week: Date; kind: 'issue' | 'incident'; category?: string; type?: string; region?: string };
    count: number;
    injured: number;
    dead: number;
  }>([
    { $match: match },
    {
      $group: {
        _id: {
          week: { $dateTrunc: { date: '$createdAt', unit: 'week', startOfWeek: 'monday' } },
          kind: '$kind',
          category: '$category',
          type: '$incidentType',
          region: '$region',
        },
        count: { $sum: 1 },
        injured: { $sum: { $ifNull: ['$injured', 0] } },
        dead: { $sum: { $ifNull: ['$dead', 0] } },
      },
    },
  ]);
  const out: CountRow[] = rows.map((r) => ({
    week: bucketStart(new Date(r._id.week), 'week').toISOString(),
    kind: r._id.kind,
    category: (r._id.kind === 'issue' ? r._id.category : r._id.type) ?? 'unknown',
    region: r._id.region ?? null,
    count: r.count,
    injured: r.injured,
    dead: r.dead,
  }));
  out.sort(
    (a, b) =>
      a.week.localeCompare(b.week) ||
      a.kind.localeCompare(b.kind) ||
      a.category.localeCompare(b.category) ||
      String(a.region).localeCompare(String(b.region)),
  );
  const totals = { count: 0, injured: 0, dead: 0, issues: 0, incidents: 0 };
  for (const r of out) {
    totals.count += r.count;
    totals.injured += r.injured;
    totals.dead += r.dead;
    if (r.kind === 'issue') totals.issues += r.count;
    else totals.incidents += r.count;
  }
  return { rows: out, totals };
}

/** Reports of each kind since a date (the overview's "this week"). */
export async function reportsByKind(
  store: Store,
  since: Date,
): Promise<Record<'price' | 'issue' | 'incident', number>> {
  const rows = await store
    .collection('reports')
    .aggregate<{ _id: string; n: number }>([
      { $match: { createdAt: { $gte: since } } },
      { $group: { _id: '$kind', n: { $sum: 1 } } },
    ]);
  const by = Object.fromEntries(rows.map((r) => [r._id, r.n]));
  return { price: by.price ?? 0, issue: by.issue ?? 0, incident: by.incident ?? 0 };
}

/** What sending cost, by currency (as the provider reported it: Africa's Talking does, Twilio later). */
export type Costs = Record<string, number>;

/** One line of the delivery figures: outgoing messages of a channel and transport in one status. */
export interface DeliveryLine {
  channel: string;
  transport: string;
  status: string;
  messages: number;
  segments: number;
  cost: Costs;
}

/** Outgoing messages by channel, transport and status, created in a time range or for one broadcast, with their cost. */
export async function deliveryStats(
  store: Store,
  q: { from?: Date; to?: Date; broadcastId?: string },
): Promise<DeliveryLine[]> {
  const match: Record<string, unknown> = { ...timeFilter(q) };
  if (q.broadcastId) match.broadcastId = q.broadcastId;
  const rows = await store.collection('outbound').aggregate<{
    _id: { c: string; t: string; s: string; cur?: string | null };
    n: number;
    seg: number;
    cost: number | null;
  }>([
    { $match: match },
    {
      $group: {
        _id: { c: '$channel', t: '$transport', s: '$status', cur: '$costCurrency' },
        n: { $sum: 1 },
        seg: { $sum: '$segments' },
        cost: { $sum: '$costAmount' },
      },
    },
  ]);
  // one line per channel, transport and status; a currency per cost
  const lines = new Map<string, DeliveryLine>();
  for (const r of rows) {
    const key = `${r._id.c}|${r._id.t}|${r._id.s}`;
    const line = lines.get(key) ?? {
      channel: r._id.c,
      transport: r._id.t,
      status: r._id.s,
      messages: 0,
      segments: 0,
      cost: {},
    };
    line.messages += r.n;
    line.segments += r.seg;
    if (r._id.cur) line.cost[r._id.cur] = round4((line.cost[r._id.cur] ?? 0) + (r.cost ?? 0));
    lines.set(key, line);
  }
  return [...lines.values()].sort(
    (a, b) =>
      a.channel.localeCompare(b.channel) ||
      a.transport.localeCompare(b.transport) ||
      a.status.localeCompare(b.status),
  );
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** USSD sessions started in a time range: how many, how they ended, reports made, and what they cost. */
export async function ussdStats(
  store: Store,
  q: { from?: Date; to?: Date },
): Promise<{ sessions: number; byStatus: Record<string, number>; reports: number; cost: Costs }> {
  const rows = await store.collection('ussdSessions').aggregate<{
    _id: { s?: string | null; cur?: string | null };
    n: number;
    reports: number;
    cost: number | null;
  }>([
    { $match: timeFilter(q) },
    {
      $group: {
        _id: { s: '$status', cur: '$costCurrency' },
        n: { $sum: 1 },
        reports: { $sum: '$reports' },
        cost: { $sum: '$costAmount' },
      },
    },
  ]);
  const out = { sessions: 0, byStatus: {} as Record<string, number>, reports: 0, cost: {} as Costs };
  for (const r of rows) {
    const status = r._id.s ?? 'open';
    out.sessions += r.n;
    out.reports += r.reports ?? 0;
    out.byStatus[status] = (out.byStatus[status] ?? 0) + r.n;
    if (r._id.cur) out.cost[r._id.cur] = round4((out.cost[r._id.cur] ?? 0) + (r.cost ?? 0));
  }
  return out;
}

/** Phone calls on the voice line started in a time range: who started them, how they ended, reports made, minutes. */
export async function voiceStats(
  store: Store,
  q: { from?: Date; to?: Date },
): Promise<{
  calls: number;
  byDirection: Record<string, number>;
  byStatus: Record<string, number>;
  reports: number;
  minutes: number;
}> {
  const rows = await store.collection('voiceCalls').aggregate<{
    _id: { d: string; s?: string | null };
    n: number;
    reports: number;
    seconds: number | null;
  }>([
    { $match: timeFilter(q) },
    {
      $group: {
        _id: { d: '$direction', s: '$status' },
        n: { $sum: 1 },
        reports: { $sum: '$reports' },
        seconds: { $sum: '$durationSec' },
      },
    },
  ]);
  const out = {
    calls: 0,
    byDirection: {} as Record<string, number>,
    byStatus: {} as Record<string, number>,
    reports: 0,
    minutes: 0,
  };
  let seconds = 0;
  for (const r of rows) {
    const status = r._id.s ?? 'open';
    out.calls += r.n;
    out.reports += r.reports ?? 0;
    seconds += r.seconds ?? 0;
    out.byDirection[r._id.d] = (out.byDirection[r._id.d] ?? 0) + r.n;
    out.byStatus[status] = (out.byStatus[status] ?? 0) + r.n;
  }
  out.minutes = Math.round((seconds / 60) * 10) / 10;
  return out;
}

/** Contacts counted by region, role, language and channel; never a number or name. */
export async function contactCounts(store: Store): Promise<
  Record<'region' | 'role' | 'language' | 'channel' | 'registration', { value: string; count: number }[]> & {
    total: number;
    optedOut: number;
  }
> {
  const facet = (field: string, unwind?: string) => [
    ...(unwind ? [{ $unwind: unwind }] : []),
    { $group: { _id: field, count: { $sum: 1 } } },
    { $sort: { count: -1, _id: 1 } },
  ];
  const [r] = await store.collection('contacts').aggregate([
    {
      $facet: {
        region: facet('$region'),
        role: facet('$role'),
        language: facet('$language'),
        registration: facet('$registration'),
        channel: facet('$addresses.channel', '$addresses'),
        total: [{ $count: 'n' }],
        optedOut: [{ $match: { optedOut: true } }, { $count: 'n' }],
      },
    },
  ]);
  const list = (rows: { _id: string | null; count: number }[]) =>
    rows.map((x) => ({ value: x._id ?? '', count: x.count }));
  return {
    region: list(r.region),
    role: list(r.role),
    language: list(r.language),
    registration: list(r.registration),
    channel: list(r.channel),
    total: r.total[0]?.n ?? 0,
    optedOut: r.optedOut[0]?.n ?? 0,
  };
}

/** Messages waiting to go out, and those that failed for good since a time. */
export async function outboxBacklog(
  store: Store,
  deadSince: Date,
): Promise<{ queued: number; dead: number }> {
  const out = store.collection('outbound');
  const [queued, dead] = await Promise.all([
    out.countDocuments({ status: { $in: ['queued', 'sending'] } }),
    out.countDocuments({ status: 'dead', createdAt: { $gte: deadSince } }),
  ]);
  return { queued, dead };
}
