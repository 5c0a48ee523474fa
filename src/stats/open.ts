import { Report } from '../models';
import { Store } from '../store/types';
import { summarise } from './quantiles';
import { isCountable } from './rollups';

/**
 * Open data: the figures the public page and the downloads show, aggregates only, with
 * small numbers hidden. A figure from fewer than `minCell` reports, or from fewer
 * distinct senders (anonymous reports count together as one sender), is published as
 * "fewer than N"; and where a total and all but one of its parts would be published, one
 * more part is hidden, so no hidden figure is found by subtraction.
 */

/** How many reports and distinct senders a figure comes from. */
interface Tally {
  reports: number;
  senders: Set<string>;
  /** `few`: under the threshold; `derived`: hidden so that a `few` one cannot be worked out. */
  hidden?: Hidden;
}

/** Why a figure is not published. */
export type Hidden = 'few' | 'derived';

/** A price figure: one mineral, quote and month, in a region or (region null) a whole country. */
export interface PriceFigure {
  country: string;
  region: string | null;
  mineral: string;
  currency: string;
  unit: string;
  month: string;
  /** Null when hidden (fewer than `minCell` reports or senders, or to protect such a figure). */
  reports: number | null;
  hidden?: Hidden;
  median: number | null;
  p25: number | null;
  p75: number | null;
}

/** A count of issues or incidents: one category, in a region or (region null) a whole country, over the window. */
export interface ReportFigure {
  country: string;
  region: string | null;
  kind: 'issue' | 'incident';
  /** The issue category or incident type; null for all of the kind. */
  category: string | null;
  reports: number | null;
  hidden?: Hidden;
}

/** Injuries and deaths reported in incidents, by country and month. */
export interface HarmFigure {
  country: string;
  month: string;
  incidents: number | null;
  injured: number | null;
  dead: number | null;
  hidden?: Hidden;
}

export interface OpenData {
  generatedAt: string;
  from: string;
  to: string;
  minCell: number;
  prices: PriceFigure[];
  reports: ReportFigure[];
  harm: HarmFigure[];
}

const tally = (): Tally => ({ reports: 0, senders: new Set() });
const add = (t: Tally, r: Report) => {
  t.reports++;
  t.senders.add(r.contactId ?? 'anonymous');
};
const month = (d: Date) => d.toISOString().slice(0, 7);

/** Hides what is below the threshold, then, in each group, one more part where only one is hidden. */
export function protect(groups: { total: Tally; parts: Tally[] }[], all: Tally[], min: number): void {
  for (const t of all) if (t.reports < min || t.senders.size < min) t.hidden = 'few';
  for (let changed = true, rounds = 0; changed && rounds < 20; rounds++) {
    changed = false;
    for (const g of groups) {
      if (g.total.hidden) continue;
      const hidden = g.parts.filter((p) => p.hidden);
      if (hidden.length !== 1) continue;
      const next = g.parts.filter((p) => !p.hidden).sort((a, b) => a.reports - b.reports)[0];
      (next ?? g.total).hidden = 'derived';
      changed = true;
    }
  }
}

/** The open figures of reports made from `from` to `to`. */
export async function openData(
  store: Store,
  q: { from: Date; to: Date; minCell: number },
): Promise<OpenData> {
  const prices = new Map<
    string,
    { t: Tally; amounts: number[]; key: Omit<PriceFigure, 'reports' | 'median' | 'p25' | 'p75'> }
  >();
  const counts = new Map<string, { t: Tally; key: Omit<ReportFigure, 'reports'> }>();
  const harm = new Map<
    string,
    { t: Tally; injured: number; dead: number; key: { country: string; month: string } }
  >();
  const at = <V>(m: Map<string, V>, k: string, make: () => V) => m.get(k) ?? (m.set(k, make()), m.get(k)!);

  for await (const r of store.collection('reports').stream({ createdAt: { $gte: q.from, $lt: q.to } })) {
    const country = r.country ?? 'unknown';
    for (const region of [r.region ?? null, null]) {
      if (r.kind === 'price') {
        if (!isCountable(r) || r.amount === undefined) continue;
        const key = {
          country,
          region,
          mineral: r.mineral!,
          currency: r.currency!,
          unit: r.unit!,
          month: month(r.createdAt),
        };
        const cell = at(prices, JSON.stringify(key), () => ({ t: tally(), amounts: [], key }));
        add(cell.t, r);
        cell.amounts.push(r.amount);
      } else {
        for (const category of [(r.category ?? r.incidentType) as string, null]) {
          const key = { country, region, kind: r.kind as 'issue' | 'incident', category };
          add(at(counts, JSON.stringify(key), () => ({ t: tally(), key })).t, r);
        }
      }
      // a report without a region counts in its country's total only
      if (r.region === undefined) break;
    }
    if (r.kind === 'incident') {
      const key = { country, month: month(r.createdAt) };
      const h = at(harm, JSON.stringify(key), () => ({ t: tally(), injured: 0, dead: 0, key }));
      add(h.t, r);
      h.injured += r.injured ?? 0;
      h.dead += r.dead ?? 0;
    }
  }

  // groups whose total is published with its parts: regions within their country, categories within their kind
  const groups: { total: Tally; parts: Tally[] }[] = [];
  const group = <V extends { t: Tally }>(m: Map<string, V>, total: (v: V) => string | null) => {
    const byTotal = new Map<string, Tally[]>();
    for (const v of m.values()) {
      const k = total(v);
      if (k !== null) byTotal.set(k, [...(byTotal.get(k) ?? []), v.t]);
    }
    for (const [k, parts] of byTotal) {
      const t = m.get(k)?.t;
      if (t) groups.push({ total: t, parts });
    }
  };
  group(prices, (v) => (v.key.region === null ? null : JSON.stringify({ ...v.key, region: null })));
  group(counts, (v) => (v.key.region === null ? null : JSON.stringify({ ...v.key, region: null })));
  group(counts, (v) => (v.key.category === null ? null : JSON.stringify({ ...v.key, category: null })));
  protect(
    groups,
    [...prices.values(), ...counts.values(), ...harm.values()].map((v) => v.t),
    q.minCell,
  );

  const shown = (t: Tally, n: number) => (t.hidden ? null : n);
  return {
    generatedAt: new Date().toISOString(),
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    minCell: q.minCell,
    prices: [...prices.values()].map(({ t, amounts, key }) => {
      const s = summarise(Float64Array.from(amounts).sort());
      return {
        ...key,
        reports: shown(t, t.reports),
        ...(t.hidden ? { hidden: t.hidden } : {}),
        median: shown(t, s?.median ?? 0),
        p25: shown(t, s?.p25 ?? 0),
        p75: shown(t, s?.p75 ?? 0),
      };
    }),
    reports: [...counts.values()].map(({ t, key }) => ({
      ...key,
      reports: shown(t, t.reports),
      ...(t.hidden ? { hidden: t.hidden } : {}),
    })),
    harm: [...harm.values()].map(({ t, injured, dead, key }) => ({
      ...key,
      incidents: shown(t, t.reports),
      injured: shown(t, injured),
      dead: shown(t, dead),
      ...(t.hidden ? { hidden: t.hidden } : {}),
    })),
  };
}

/** Counts one opening of the public page or a download, in its month. */
export async function countPublicHit(store: Store, what: string, now = new Date()): Promise<void> {
  const m = month(now);
  await store
    .collection('publicHits')
    .updateOne({ _id: `${m}:${what}` }, { $set: { month: m, what }, $inc: { count: 1 } }, { upsert: true });
}

/** The public page's views and the downloads of a month. */
export async function publicHits(
  store: Store,
  now = new Date(),
): Promise<{ views: number; downloads: number }> {
  const rows = await store.collection('publicHits').find({ month: month(now) });
  const sum = (f: (what: string) => boolean) =>
    rows.filter((r) => f(r.what)).reduce((n, r) => n + r.count, 0);
  return { views: sum((w) => w === 'page'), downloads: sum((w) => w !== 'page') };
}
