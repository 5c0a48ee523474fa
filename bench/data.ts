import { MINERALS, Mineral, Unit, defaultUnitFor } from '../src/domain/minerals';
import { Report } from '../src/models';
import { NewDoc, Store } from '../src/store/types';

/** A small deterministic generator: every run loads the same data. */
export function rng(seed = 42) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

const BASE: Partial<Record<Mineral, [number, string]>> = {
  gold: [250_000, 'CDF'],
  tin: [18, 'USD'],
  coltan: [45, 'USD'],
  tungsten: [12, 'USD'],
  diamond: [90, 'USD'],
  copper: [6, 'USD'],
  cobalt: [20, 'USD'],
  silver: [2_100, 'KES'],
};
const MINED = MINERALS.filter((m) => BASE[m]);
export const REGIONS = [
  'South Kivu',
  'North Kivu',
  'Ituri',
  'Haut-Katanga',
  'Lualaba',
  'Maniema',
  'Geita',
  'Mara',
  'Ashanti',
  'Western',
  'Antioquia',
  'Madre de Dios',
];

/**
 * `n` price reports over a year: eight minerals in twelve regions, one in ten quoted in
 * another currency, one in a hundred wildly off (typos, an extra zero).
 */
export function priceReports(n: number, seed = 42): NewDoc<Report>[] {
  const rand = rng(seed);
  const start = Date.UTC(2025, 10, 1);
  const out: NewDoc<Report>[] = [];
  for (let i = 0; i < n; i++) {
    const mineral = MINED[Math.floor(rand() * MINED.length)];
    const [base, currency] = BASE[mineral]!;
    const region = REGIONS[Math.floor(rand() * REGIONS.length)];
    const t = rand();
    const drift = 1 + 0.2 * t;
    let amount = Math.round(base * drift * (0.8 + 0.4 * rand()) * 100) / 100;
    if (rand() < 0.01) amount *= 10;
    const other = rand() < 0.1;
    out.push({
      kind: 'price',
      reference: `P-${i.toString(31).toUpperCase().padStart(5, '0')}`,
      channel: rand() < 0.8 ? 'sms' : 'telegram',
      mineral,
      amount: other ? Math.round((amount / 2800) * 100) / 100 : amount,
      currency: other ? (currency === 'USD' ? 'CDF' : 'USD') : currency,
      unit: defaultUnitFor(mineral) as Unit,
      region,
      country: 'CD',
      createdAt: new Date(start + t * 365 * 86_400_000),
      // counted by rebuildPriceRollups once loaded, as reports written by the line are at insert
      rolledUp: true,
    });
  }
  return out;
}

/** Inserts documents in batches through the store (validated like any write). */
export async function insertAll<T extends { _id: string }>(
  store: Store,
  name: 'reports' | 'contacts',
  docs: NewDoc<T>[],
  batch = 5000,
): Promise<number> {
  const col = store.collection(name) as unknown as { insertMany(d: NewDoc<T>[]): Promise<number> };
  let n = 0;
  for (let i = 0; i < docs.length; i += batch) n += await col.insertMany(docs.slice(i, i + batch));
  return n;
}
