import { Mineral, Unit } from '../domain/minerals';
import { DuplicateKey } from '../domain/errors';
import { PriceConversion, PriceRollup, ROLLUP, Report, StatBucket } from '../models';
import { Store } from '../store/types';
import { Sorted, Summary, mergeSorted, summarise } from './quantiles';

const DAY = 86_400_000;

/** Start of the bucket holding `d`: Monday 00:00 UTC for weeks, the 1st 00:00 UTC for months. */
export function bucketStart(d: Date, bucket: StatBucket): Date {
  if (bucket === 'month') return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY);
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(start: Date, bucket: StatBucket): Date {
  if (bucket === 'month') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  return new Date(start.getTime() + 7 * DAY);
}

function rollupKey(
  bucket: StatBucket,
  start: Date,
  r: Pick<Report, 'mineral' | 'unit' | 'currency'>,
  region?: string,
) {
  return [bucket, start.toISOString(), r.mineral, r.unit, r.currency, region ?? '*'].join('|');
}

/** The rollup documents one price report adds to: week and month, its region and all regions. */
function rollupTargets(r: Pick<Report, 'createdAt' | 'mineral' | 'unit' | 'currency' | 'region'>) {
  const out: { key: string; fields: Omit<PriceRollup, '_id' | 'n' | 'values' | 'chunk'> }[] = [];
  for (const bucket of ['week', 'month'] as const) {
    const start = bucketStart(r.createdAt, bucket);
    const base = { bucket, start, mineral: r.mineral!, unit: r.unit!, currency: r.currency! };
    out.push({ key: rollupKey(bucket, start, r), fields: { ...base, key: '', all: true } });
    if (r.region)
      out.push({
        key: rollupKey(bucket, start, r, r.region),
        fields: { ...base, key: '', all: false, region: r.region },
      });
  }
  return out;
}

function isCountable(r: Report): boolean {
  return r.kind === 'price' && !!r.mineral && !!r.unit && !!r.currency && typeof r.amount === 'number';
}

/**
 * Adds values to one bucket's rollups, kept sorted: the newest chunk takes what it has room
 * for (the condition holds against a racing writer), new chunks take the rest; two writers
 * racing for a new chunk number: the loser tries again.
 */
async function addToBucket(
  store: Store,
  target: { key: string; fields: Omit<PriceRollup, '_id' | 'n' | 'values' | 'chunk'> },
  values: number[],
): Promise<void> {
  const rollups = store.collection('priceRollups');
  let rest = [...values].sort((a, b) => a - b);
  for (let attempt = 0; rest.length; attempt++) {
    const last = await rollups.findOne(
      { key: target.key },
      { sort: { chunk: -1 }, projection: { _id: 1, chunk: 1, n: 1 } },
    );
    if (last && last.n < ROLLUP.chunk) {
      const room = Math.min(ROLLUP.chunk - last.n, rest.length);
      const added = await rollups.updateOne(
        { _id: last._id, n: { $lte: ROLLUP.chunk - room } },
        { $inc: { n: room }, $push: { values: { $each: rest.slice(0, room), $sort: 1 } } },
      );
      if (added.matched) {
        rest = rest.slice(room);
        continue;
      }
    }
    const chunk = rest.slice(0, ROLLUP.chunk);
    try {
      await rollups.insertOne({
        ...target.fields,
        key: target.key,
        chunk: last ? last.chunk + 1 : 0,
        n: chunk.length,
        values: chunk,
      });
      rest = rest.slice(chunk.length);
    } catch (err) {
      if (!(err instanceof DuplicateKey) || attempt >= 10) throw err;
    }
  }
}

/**
 * Queues a stored price report for the rollups (in the report's unit of work): what
 * `foldPendingReports` counts. Other reports have nothing to count.
 */
export async function queueForRollups(store: Store, r: Report): Promise<void> {
  if (!isCountable(r)) return;
  await store.collection('rollupQueue').insertOne({
    _id: r._id,
    mineral: r.mineral!,
    unit: r.unit!,
    currency: r.currency!,
    region: r.region,
    amount: r.amount!,
    createdAt: r.createdAt,
  });
}

/**
 * Counts queued price reports into the rollups, in one unit of work: they are grouped by
 * bucket (one write per bucket, not per report, so a busy line pays a few writes a second
 * for its statistics) and leave the queue in the same commit, so each is counted exactly once. Returns how many were counted; call it until it returns 0 to
 * drain everything. Runs one at a time per store in this process; with several instances
 * on MongoDB, the transaction makes a racing fold retry and find nothing left to count.
 */
export async function foldPendingReports(store: Store, max = 2000): Promise<number> {
  const running = FOLDING.get(store);
  if (running) return running;
  const run = store
    .unit(async (tx) => {
      const pending = await tx.collection('rollupQueue').find({}, { limit: max });
      if (!pending.length) return 0;
      const groups = new Map<
        string,
        { target: ReturnType<typeof rollupTargets>[number]; values: number[] }
      >();
      for (const r of pending) {
        for (const t of rollupTargets(r)) {
          const g = groups.get(t.key) ?? { target: t, values: [] };
          g.values.push(r.amount!);
          groups.set(t.key, g);
        }
      }
      for (const g of groups.values()) await addToBucket(tx, g.target, g.values);
      await tx.collection('rollupQueue').deleteMany({ _id: { $in: pending.map((r) => r._id) } });
      return pending.length;
    })
    .finally(() => FOLDING.delete(store));
  FOLDING.set(store, run);
  return run;
}

/** The fold running on each store in this process. */
const FOLDING = new WeakMap<Store, Promise<number>>();

/**
 * Asks for a fold soon (`delayMs`, once however often asked meanwhile): called after each
 * handled message, so a busy line folds a few times a second, a quiet one right after.
 */
export function foldSoon(store: Store, onError: (err: unknown) => void, delayMs = 250): void {
  if (FOLD_TIMERS.has(store)) return;
  const timer = setTimeout(() => {
    FOLD_TIMERS.delete(store);
    foldAllPending(store).catch(onError);
  }, delayMs);
  timer.unref();
  FOLD_TIMERS.set(store, timer);
}

const FOLD_TIMERS = new WeakMap<Store, NodeJS.Timeout>();

/** Folds until nothing waits: what reads of the rollups call first, so statistics never miss a stored report. */
export async function foldAllPending(store: Store): Promise<void> {
  while ((await foldPendingReports(store)) > 0);
}

/**
 * Builds every rollup again from the raw reports: for repair, after an import, or to
 * check them. Returns how many rollup documents were written.
 */
export async function rebuildPriceRollups(store: Store): Promise<number> {
  const groups = new Map<
    string,
    { fields: Omit<PriceRollup, '_id' | 'n' | 'values' | 'chunk'>; values: number[] }
  >();
  for await (const r of store.collection('reports').stream({ kind: 'price' })) {
    if (!isCountable(r)) continue;
    for (const t of rollupTargets(r)) {
      let g = groups.get(t.key);
      if (!g) groups.set(t.key, (g = { fields: { ...t.fields, key: t.key }, values: [] }));
      g.values.push(r.amount!);
    }
  }
  const rollups = store.collection('priceRollups');
  await rollups.deleteMany({});
  // everything is counted from the reports themselves: nothing waits any more
  await store.collection('rollupQueue').deleteMany({});
  const docs = [...groups.values()].flatMap((g) => {
    const sorted = g.values.sort((a, b) => a - b);
    const chunks = [];
    for (let c = 0; c * ROLLUP.chunk < sorted.length; c++) {
      const values = sorted.slice(c * ROLLUP.chunk, (c + 1) * ROLLUP.chunk);
      chunks.push({ ...g.fields, chunk: c, n: values.length, values });
    }
    return chunks;
  });
  for (let i = 0; i < docs.length; i += 500) await rollups.insertMany(docs.slice(i, i + 500));
  await store
    .collection('reports')
    .updateMany({ kind: 'price', rolledUp: { $ne: true } }, { $set: { rolledUp: true } });
  return docs.length;
}

// ---- conversions -----------------------------------------------------------------------

/** Conversions, looked up by pair and date: the latest valid at a date, either way round. */
export class Conversions {
  private byPair = new Map<string, PriceConversion[]>();
  constructor(list: PriceConversion[]) {
    for (const c of [...list].sort((a, b) => b.validFrom.getTime() - a.validFrom.getTime())) {
      const k = `${c.from}>${c.to}`;
      const l = this.byPair.get(k) ?? [];
      l.push(c);
      this.byPair.set(k, l);
    }
  }

  static async load(store: Store): Promise<Conversions> {
    return new Conversions(await store.collection('priceConversions').find({}));
  }

  /** The factor that turns a price in `from` into one in `to`, valid at `at`; undefined when none is set. */
  factor(from: string, to: string, at: Date): number | undefined {
    if (from === to) return 1;
    const valid = (k: string) => this.byPair.get(k)?.find((c) => c.validFrom.getTime() <= at.getTime());
    const direct = valid(`${from}>${to}`);
    const inverse = valid(`${to}>${from}`);
    if (direct && (!inverse || direct.validFrom >= inverse.validFrom)) return direct.factor;
    if (inverse && inverse.factor > 0) return 1 / inverse.factor;
    return undefined;
  }
}

// ---- queries ---------------------------------------------------------------------------

/** What the price statistics are asked for. */
export interface PriceQuery {
  mineral: Mineral;
  unit: Unit;
  currency: string;
  region?: string;
  from?: Date;
  to?: Date;
  bucket: StatBucket;
}

/** One bucket of the answer. */
export interface PriceBucket extends Summary {
  start: string;
  /** How many of `count + excluded` were converted from another currency or unit. */
  converted: number;
}

/** The answer: buckets in time order, and what was kept apart for want of a conversion. */
export interface PriceStats {
  query: PriceQuery & { from?: string; to?: string };
  method: 'rollup' | 'exact';
  buckets: PriceBucket[];
  keptApart: { currency: string; unit: string; count: number }[];
}

/** Sorted prices of one currency and unit in one bucket. */
interface Run {
  start: Date;
  currency: string;
  unit: string;
  values: Sorted;
}

/** The range asked for (`to` exclusive), widened to whole buckets. */
function range(q: PriceQuery): { from?: Date; to?: Date } {
  return {
    from: q.from ? bucketStart(q.from, q.bucket) : undefined,
    to: q.to ? nextBucket(bucketStart(new Date(q.to.getTime() - 1), q.bucket), q.bucket) : undefined,
  };
}

/** Turns runs into buckets: converts what can be converted, keeps the rest apart, summarises. */
function combine(
  q: PriceQuery,
  runs: Run[],
  conversions: Conversions,
  method: PriceStats['method'],
): PriceStats {
  const byStart = new Map<number, Run[]>();
  for (const r of runs) {
    const l = byStart.get(r.start.getTime()) ?? [];
    l.push(r);
    byStart.set(r.start.getTime(), l);
  }
  const apart = new Map<string, { currency: string; unit: string; count: number }>();
  const buckets: PriceBucket[] = [];
  for (const [start, list] of [...byStart].sort((a, b) => a[0] - b[0])) {
    const at = new Date(start);
    const parts: Sorted[] = [];
    let converted = 0;
    for (const r of list) {
      const fc = conversions.factor(r.currency, q.currency, at);
      const fu = conversions.factor(r.unit, q.unit, at);
      if (fc === undefined || fu === undefined || !(fc * fu > 0)) {
        const k = `${r.currency}|${r.unit}`;
        const a = apart.get(k) ?? { currency: r.currency, unit: r.unit, count: 0 };
        a.count += r.values.length;
        apart.set(k, a);
        continue;
      }
      const f = fc * fu;
      if (f === 1) parts.push(r.values);
      else {
        parts.push(Float64Array.from(r.values, (v) => v * f));
        converted += r.values.length;
      }
    }
    const values = parts.length === 1 ? parts[0] : mergeSorted(parts);
    const s = summarise(values);
    if (s) buckets.push({ start: at.toISOString(), ...s, converted });
  }
  return {
    query: { ...q, from: q.from?.toISOString() as never, to: q.to?.toISOString() as never },
    method,
    buckets,
    keptApart: [...apart.values()].sort(
      (a, b) => b.count - a.count || a.currency.localeCompare(b.currency) || a.unit.localeCompare(b.unit),
    ),
  };
}

/** Price statistics read from the rollups: no report is read, each bucket costs O(log n). */
export async function priceStatsFromRollups(store: Store, q: PriceQuery): Promise<PriceStats> {
  await foldAllPending(store);
  const { from, to } = range(q);
  const start: Record<string, Date> = {};
  if (from) start.$gte = from;
  if (to) start.$lt = to;
  const filter: Record<string, unknown> = { mineral: q.mineral, bucket: q.bucket, all: !q.region };
  if (q.region) filter.region = q.region;
  if (from || to) filter.start = start;
  const docs = await store.collection('priceRollups').find(filter);
  const runs = docs.map((d) => ({ start: d.start, currency: d.currency, unit: d.unit, values: d.values }));
  return combine(q, runs, await Conversions.load(store), 'rollup');
}

/** Price statistics computed from the raw reports: the reference the rollups are checked against. */
export async function priceStatsExact(store: Store, q: PriceQuery): Promise<PriceStats> {
  const { from, to } = range(q);
  const filter: Record<string, unknown> = { kind: 'price', mineral: q.mineral };
  if (q.region) filter.region = q.region;
  if (from || to) {
    const c: Record<string, Date> = {};
    if (from) c.$gte = from;
    if (to) c.$lt = to;
    filter.createdAt = c;
  }
  const groups = new Map<string, { start: Date; currency: string; unit: string; values: number[] }>();
  for await (const r of store.collection('reports').stream(filter)) {
    if (!isCountable(r)) continue;
    const s = bucketStart(r.createdAt, q.bucket);
    const k = `${s.getTime()}|${r.currency}|${r.unit}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { start: s, currency: r.currency!, unit: r.unit!, values: [] }));
    g.values.push(r.amount!);
  }
  const runs = [...groups.values()].map((g) => ({ ...g, values: g.values.sort((a, b) => a - b) }));
  return combine(q, runs, await Conversions.load(store), 'exact');
}

/**
 * The currency and unit most reported for a mineral, in a region when one is given (its
 * country's currency, not the one most reported elsewhere), from the monthly rollups.
 */
export async function commonQuote(
  store: Store,
  mineral: Mineral,
  region?: string,
): Promise<{ currency: string; unit: Unit } | undefined> {
  await foldAllPending(store);
  const rows = await store.collection('priceRollups').aggregate<{ _id: { c: string; u: Unit }; n: number }>([
    {
      $match: region
        ? { mineral, bucket: 'month', all: false, region }
        : { mineral, bucket: 'month', all: true },
    },
    { $group: { _id: { c: '$currency', u: '$unit' }, n: { $sum: '$n' } } },
    { $sort: { n: -1 } },
    { $limit: 1 },
  ]);
  return rows[0] ? { currency: rows[0]._id.c, unit: rows[0]._id.u } : undefined;
}

/** One row of the price table: a mineral's prices in one region and bucket, in one unit and currency. */
export interface PriceTableRow extends Summary {
  mineral: string;
  region: string | null;
  unit: string;
  currency: string;
  start: string;
}

function tableRow(
  k: { mineral: string; region?: string | null; unit: string; currency: string; start: Date },
  values: Sorted,
): PriceTableRow | undefined {
  const s = summarise(values);
  if (!s) return undefined;
  return {
    mineral: k.mineral,
    region: k.region ?? null,
    unit: k.unit,
    currency: k.currency,
    start: k.start.toISOString(),
    ...s,
  };
}

function sortTable(rows: PriceTableRow[]): PriceTableRow[] {
  return rows.sort(
    (a, b) =>
      a.mineral.localeCompare(b.mineral) ||
      String(a.region).localeCompare(String(b.region)) ||
      a.currency.localeCompare(b.currency) ||
      a.unit.localeCompare(b.unit) ||
      a.start.localeCompare(b.start),
  );
}

/**
 * Every mineral × region × bucket at once (reports without a region are not in a region
 * row), from the rollups: one read, O(log n) per row. No conversion: each unit and currency is its own row.
 */
export async function priceTableFromRollups(
  store: Store,
  q: { bucket: StatBucket; from?: Date; to?: Date },
): Promise<PriceTableRow[]> {
  await foldAllPending(store);
  const { from, to } = range({ ...q, mineral: 'gold', unit: 'g', currency: 'USD' });
  const filter: Record<string, unknown> = { bucket: q.bucket, all: false };
  if (from || to) filter.start = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
  const chunks = new Map<string, PriceRollup[]>();
  for await (const d of store.collection('priceRollups').stream(filter)) {
    const l = chunks.get(d.key);
    if (l) l.push(d);
    else chunks.set(d.key, [d]);
  }
  const rows: PriceTableRow[] = [];
  for (const list of chunks.values()) {
    const row = tableRow(
      list[0],
      list.length === 1 ? list[0].values : mergeSorted(list.map((d) => d.values)),
    );
    if (row) rows.push(row);
  }
  return sortTable(rows);
}

/** The same table computed from the raw reports in one pass: the reference for the rollups. */
export async function priceTableExact(
  store: Store,
  q: { bucket: StatBucket; from?: Date; to?: Date },
): Promise<PriceTableRow[]> {
  const { from, to } = range({ ...q, mineral: 'gold', unit: 'g', currency: 'USD' });
  const filter: Record<string, unknown> = { kind: 'price' };
  if (from || to) filter.createdAt = { ...(from ? { $gte: from } : {}), ...(to ? { $lt: to } : {}) };
  const groups = new Map<string, { k: Parameters<typeof tableRow>[0]; values: number[] }>();
  for await (const r of store.collection('reports').stream(filter)) {
    if (!isCountable(r) || !r.region) continue;
    const start = bucketStart(r.createdAt, q.bucket);
    const key = `${r.mineral}|${r.region}|${r.unit}|${r.currency}|${start.getTime()}`;
    let g = groups.get(key);
    if (!g)
      groups.set(
        key,
        (g = {
          k: { mineral: r.mineral!, region: r.region, unit: r.unit!, currency: r.currency!, start },
          values: [],
        }),
      );
    g.values.push(r.amount!);
  }
  const rows: PriceTableRow[] = [];
  for (const g of groups.values()) {
    const row = tableRow(
      g.k,
      g.values.sort((a, b) => a - b),
    );
    if (row) rows.push(row);
  }
  return sortTable(rows);
}
