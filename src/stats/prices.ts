import { Mineral, Unit } from '../domain/minerals';
import { PriceConversion, PriceRollup, StatBucket } from '../models';
import { audit } from '../staff/audit';
import { Staff } from '../staff/credentials';
import { Store } from '../store/types';
import { Sorted, Summary, mergeSorted, summarise } from './quantiles';
import { PRICE_FIELDS, bucketStart, isCountable, nextBucket, readRollups } from './rollups';

/**
 * Price statistics: per bucket, robust summaries of what miners reported (median,
 * quartiles, outliers set aside), read from the rollups, converted where staff set a
 * conversion; and the same computed from the raw reports, to check the rollups against.
 */

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
  const { from, to } = range(q);
  const docs = await readRollups(store, {
    bucket: q.bucket,
    all: !q.region,
    mineral: q.mineral,
    region: q.region,
    from,
    to,
  });
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
  for await (const r of store.collection('reports').stream(filter, { projection: PRICE_FIELDS })) {
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
  const docs = await readRollups(store, { bucket: 'month', all: !region, mineral, region });
  const counts = new Map<string, { currency: string; unit: Unit; n: number }>();
  for (const d of docs) {
    const k = `${d.currency}|${d.unit}`;
    const c = counts.get(k) ?? { currency: d.currency, unit: d.unit as Unit, n: 0 };
    c.n += d.n;
    counts.set(k, c);
  }
  const top = [...counts.values()].sort((a, b) => b.n - a.n)[0];
  return top ? { currency: top.currency, unit: top.unit } : undefined;
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
  const { from, to } = range({ ...q, mineral: 'gold', unit: 'g', currency: 'USD' });
  const chunks = new Map<string, PriceRollup[]>();
  for (const d of await readRollups(store, { bucket: q.bucket, all: false, from, to })) {
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
  for await (const r of store.collection('reports').stream(filter, { projection: PRICE_FIELDS })) {
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

/** The conversions staff set, latest first. */
export function listConversions(store: Store): Promise<PriceConversion[]> {
  return store.collection('priceConversions').find({}, { sort: { validFrom: -1 } });
}

/** Staff set a conversion (audited): from its date on, prices in `from` count in `to` at `factor`. */
export async function addConversion(
  store: Store,
  by: Staff,
  body: Pick<PriceConversion, 'kind' | 'from' | 'to' | 'factor' | 'validFrom'>,
): Promise<PriceConversion> {
  const doc = await store.collection('priceConversions').insertOne({ ...body, setBy: by.name });
  await audit(store, by, 'stats.conversion', doc._id, { ...body });
  return doc;
}
