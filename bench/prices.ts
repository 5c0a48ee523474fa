import { EmbeddedStore } from '../src/store';
import { priceTableExact, priceTableFromRollups } from '../src/stats/prices';
import { bucketStart, rebuildPriceRollups } from '../src/stats/rollups';
import { quantile } from '../src/stats/quantiles';
import { tempDir } from '../test/helpers/engines';
import { insertAll, priceReports } from './data';
import { BenchResult } from './types';

/** Best of `runs` timings, in milliseconds. */
async function best<T>(runs: number, f: () => Promise<T> | T): Promise<{ ms: number; out: T }> {
  let ms = Infinity;
  let out!: T;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = await f();
    ms = Math.min(ms, performance.now() - t);
  }
  return { ms, out };
}

/**
 * prices: weekly statistics (count, median, quartiles per mineral × region × week) over
 * `BENCH_REPORTS` (1,000,000) price reports on the embedded engine, from the rollups and
 * exactly from the raw reports, against a single-pass hand-written computation over the
 * same data held as plain objects in memory. Each is timed with only what it needs in
 * memory: the store's paths with no data set held by the benchmark, the baseline with its own.
 */
export async function pricesBench(n = Number(process.env.BENCH_REPORTS ?? 1_000_000)): Promise<BenchResult> {
  const tmp = tempDir('chimba-bench-');
  const store = new EmbeddedStore({ dir: tmp.dir, sync: 'normal' });
  try {
    let t = performance.now();
    let docs: ReturnType<typeof priceReports> | undefined = priceReports(n);
    await insertAll(store, 'reports', docs);
    docs = undefined; // not held while the store's paths are timed (a service holds no data set)
    const loadMs = performance.now() - t;
    t = performance.now();
    const rollupDocs = await rebuildPriceRollups(store);
    const rebuildMs = performance.now() - t;

    // each path is timed with only what it needs in memory: the store's paths first, with no
    // data set held by the benchmark (a service holds none), then the baseline with its own
    const rollup = await best(3, () => priceTableFromRollups(store, { bucket: 'week' }));
    const exact = await best(2, () => priceTableExact(store, { bucket: 'week' }));

    // Baseline: one pass over plain objects, group, sort each group, read the quantiles.
    // the same data again (the generator is seeded), as plain objects
    const plain = priceReports(n).map((d) => ({
      mineral: d.mineral!,
      region: d.region!,
      unit: d.unit!,
      currency: d.currency!,
      amount: d.amount!,
      createdAt: d.createdAt!,
    }));
    const baseline = await best(3, () => {
      const groups = new Map<string, number[]>();
      for (const r of plain) {
        const key = `${r.mineral}|${r.region}|${r.unit}|${r.currency}|${bucketStart(r.createdAt, 'week').getTime()}`;
        let g = groups.get(key);
        if (!g) groups.set(key, (g = []));
        g.push(r.amount);
      }
      const rows: { key: string; count: number; median: number; p25: number; p75: number }[] = [];
      for (const [key, values] of groups) {
        values.sort((a, b) => a - b);
        rows.push({
          key,
          count: values.length,
          median: quantile(values, 0.5),
          p25: quantile(values, 0.25),
          p75: quantile(values, 0.75),
        });
      }
      return rows;
    });
    const same = JSON.stringify(rollup.out) === JSON.stringify(exact.out);

    const rollupRatio = rollup.ms / baseline.ms;
    const exactRatio = exact.ms / baseline.ms;
    return {
      bench: 'prices',
      value: Math.round(rollup.ms),
      baseline: Math.round(baseline.ms),
      ratio: Math.round(rollupRatio * 1000) / 1000,
      target: 'rollup <= 1x baseline, exact <= 5x',
      unit: 'ms per full table',
      met: rollupRatio <= 1 && exactRatio <= 5 && same,
      details: {
        reports: n,
        rows: rollup.out.length,
        baselineRows: baseline.out.length,
        rollupMs: Math.round(rollup.ms),
        exactMs: Math.round(exact.ms),
        exactRatio: Math.round(exactRatio * 100) / 100,
        rollupAgreesWithExact: same,
        rollupDocuments: rollupDocs,
        loadMs: Math.round(loadMs),
        rebuildMs: Math.round(rebuildMs),
        note: 'rows are mineral × region × unit × currency × week; the rollup and exact paths also compute the MAD and set outliers aside, the baseline does not',
      },
    };
  } finally {
    await store.close();
    tmp.remove();
  }
}
