import { EmbeddedStore } from '../src/store';
import { REGIONS, rng } from './data';
import { dataset } from './dataset';
import { BenchResult } from './types';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Times `n` calls of `f` (ms each, sorted). */
async function times(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await f(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

/**
 * reads: the two reads the line makes for every message, on a store of `BENCH_CONTACTS`
 * (100,000) contacts and `BENCH_REPORTS` (1,000,000) price reports: a contact by its
 * address (a multikey index), and the recent prices of one mineral, currency and region
 * over 90 days, newest first and bounded (what the outlier check reads). The baseline is a
 * document read by its id (the primary key) on the same store.
 */
export async function readsBench(): Promise<BenchResult> {
  const size = {
    contacts: Number(process.env.BENCH_CONTACTS ?? 100_000),
    reports: Number(process.env.BENCH_REPORTS ?? 1_000_000),
    outbound: 0,
    inbound: 0,
  };
  const data = await dataset(size, { copy: true });
  const store = new EmbeddedStore({ dir: data.dir });
  try {
    const rand = rng(11);
    const n = 2000;
    const ids = (await store.collection('contacts').find({}, { limit: n, projection: { _id: 1 } })).map(
      (c) => c._id,
    );
    const byId = await times(n, (i) => store.collection('contacts').findOne({ _id: ids[i % ids.length] }));
    const byAddress = await times(n, () => {
      const value = `+2439${String(10_000_000 + Math.floor(rand() * size.contacts)).padStart(8, '0')}`;
      return store.collection('contacts').findOne({ 'addresses.key': `sms:${value}` });
    });
    // the dataset spans the year to 2026-11-01: its last 90 days
    const since = new Date(Date.UTC(2026, 7, 3));
    const recent = await times(n, () =>
      store.collection('reports').find(
        {
          mineral: 'gold',
          currency: 'CDF',
          region: REGIONS[Math.floor(rand() * REGIONS.length)],
          createdAt: { $gte: since },
        },
        { sort: { createdAt: -1 }, limit: 60, projection: { _id: 0, amount: 1, unit: 1 } },
      ),
    );
    const med = (a: number[]) => Math.round(percentile(a, 0.5) * 1000) / 1000;
    const p99 = (a: number[]) => Math.round(percentile(a, 0.99) * 1000) / 1000;
    const worst = Math.max(med(byAddress), med(recent));
    return {
      bench: 'reads',
      value: worst,
      baseline: med(byId),
      ratio: Math.round((worst / Math.max(0.001, med(byId))) * 100) / 100,
      target: 'each under 1 ms median at this size',
      unit: 'ms median (the slower of the two reads)',
      met: med(byAddress) < 1 && med(recent) < 1,
      details: {
        ...size,
        contactByAddress: { medianMs: med(byAddress), p99Ms: p99(byAddress) },
        recentPrices: { medianMs: med(recent), p99Ms: p99(recent), limit: 60, days: 90 },
        contactById: { medianMs: med(byId), p99Ms: p99(byId) },
      },
    };
  } finally {
    await store.close();
    data.remove();
  }
}
