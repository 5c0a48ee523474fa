import { DuplicateKey } from '../domain/errors';
import { PriceRollup, ROLLUP, Report, RollupEntry, StatBucket } from '../models';
import { Store } from '../store/types';

/**
 * Price rollups: every price report counted, kept sorted, in week and month buckets per
 * mineral, unit, currency and region (and all regions), so price statistics never read
 * the reports. A stored report is queued in its own unit of work and folded into the
 * rollups in batches shortly after; readers merge what still waits in the queue, so they
 * see every report and never write.
 */

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

/**
 * What the price statistics read of a report: a scan over a million reports reads these
 * fields alone (on the embedded engine, straight from SQLite, no document parsed).
 */
export const PRICE_FIELDS = {
  kind: 1,
  mineral: 1,
  unit: 1,
  currency: 1,
  amount: 1,
  region: 1,
  createdAt: 1,
} as const;

export function isCountable(r: Report): boolean {
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

/** Folds until nothing waits (the scheduler's minute job, tests). */
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
  for await (const r of store.collection('reports').stream({ kind: 'price' }, { projection: PRICE_FIELDS })) {
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

/** Which rollups a reader wants. */
export interface RollupFilter {
  bucket: StatBucket;
  /** All regions together (true) or one row per region (false). */
  all: boolean;
  mineral?: string;
  region?: string;
  from?: Date;
  to?: Date;
}

/** The store filter of a rollup read. */
function storeFilter(f: RollupFilter): Record<string, unknown> {
  const filter: Record<string, unknown> = { bucket: f.bucket, all: f.all };
  if (f.mineral) filter.mineral = f.mineral;
  if (f.region) filter.region = f.region;
  if (f.from || f.to) filter.start = { ...(f.from ? { $gte: f.from } : {}), ...(f.to ? { $lt: f.to } : {}) };
  return filter;
}

/** What still waits in the queue, as rollup documents of their own (not stored), for the same filter. */
function pendingAsRollups(pending: RollupEntry[], f: RollupFilter): PriceRollup[] {
  const byKey = new Map<string, PriceRollup>();
  for (const r of pending) {
    if (f.mineral && r.mineral !== f.mineral) continue;
    for (const t of rollupTargets(r)) {
      const x = t.fields;
      if (x.bucket !== f.bucket || x.all !== f.all || (f.region && x.region !== f.region)) continue;
      if ((f.from && x.start < f.from) || (f.to && x.start >= f.to)) continue;
      let doc = byKey.get(t.key);
      if (!doc)
        byKey.set(t.key, (doc = { ...x, _id: `pending:${t.key}`, key: t.key, chunk: -1, n: 0, values: [] }));
      doc.values.push(r.amount);
      doc.n++;
    }
  }
  for (const d of byKey.values()) d.values.sort((a, b) => a - b);
  return [...byKey.values()];
}

/**
 * The rollup documents a reader asks for, with the reports that wait to be folded merged
 * in as documents of their own: statistics miss no stored report, and reading writes nothing.
 */
export async function readRollups(store: Store, f: RollupFilter): Promise<PriceRollup[]> {
  const stored = await store.collection('priceRollups').find(storeFilter(f));
  const queue = store.collection('rollupQueue');
  const pending = await queue.find(f.mineral ? { mineral: f.mineral } : {});
  return pending.length ? [...stored, ...pendingAsRollups(pending, f)] : stored;
}

/** The minerals and regions the rollups hold (what the price charts can be drawn for). */
export async function rollupChoices(store: Store): Promise<{ minerals: string[]; regions: string[] }> {
  const rollups = store.collection('priceRollups');
  const [minerals, regions] = await Promise.all([
    rollups.aggregate<{ _id: string }>([
      { $match: { bucket: 'month', all: true } },
      { $group: { _id: '$mineral' } },
    ]),
    rollups.aggregate<{ _id: string }>([
      { $match: { bucket: 'month', all: false } },
      { $group: { _id: '$region' } },
      { $sort: { _id: 1 } },
    ]),
  ]);
  return { minerals: minerals.map((m) => m._id), regions: regions.map((r) => r._id) };
}
