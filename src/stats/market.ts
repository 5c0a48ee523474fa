import { Language } from '../domain/language';
import { Mineral, Unit, defaultUnitFor } from '../domain/minerals';
import { formatAmount } from '../domain/price';
import { foldToGsm } from '../domain/sms';
import { Report } from '../models';
import { Conversions } from './prices';
import { quantile } from './quantiles';
import { Filter, Store } from '../store/types';

/** How far back local reports count for market information. */
export const MARKET_WINDOW_DAYS = 30;
/** A region's own median is used from this many reports; below, the country's. */
const REGION_MIN_REPORTS = 3;
/** The most recent reports read for one answer: enough for a median, bounded whatever the store holds. */
const MARKET_READ_LIMIT = 1000;

/** Who asks, and where: the price is given in their currency, from their region, else their country. */
export interface MarketQuestion {
  mineral: Mineral;
  region?: string;
  /** ISO 3166 code; unknown for chats without a phone number (then the currency alone scopes it). */
  country?: string;
  /** The asker's currency: their country's, else the deployment's default. */
  currency: string;
  lang: Language;
  now: Date;
  mineralName: string;
}

/** The median of recent reports in one currency (converted ones counted where staff set a conversion). */
interface LocalPrice {
  median: number;
  n: number;
  unit: Unit;
  converted: number;
}

/**
 * Recent reports of one place in the asker's currency: those quoted in it as they are,
 * others only through a conversion staff set; the unit is the mineral's usual one when
 * reports can be read in it, else the one most reported.
 */
function localPrice(reports: Report[], q: MarketQuestion, conversions: Conversions): LocalPrice | undefined {
  const byUnit = new Map<Unit, { values: number[]; converted: number }>();
  const usual = defaultUnitFor(q.mineral);
  for (const r of reports) {
    if (typeof r.amount !== 'number' || !r.currency || !r.unit) continue;
    const fc = conversions.factor(r.currency, q.currency, r.createdAt);
    if (fc === undefined || !(fc > 0)) continue;
    // its own unit, and the usual one when staff set that conversion
    const units = new Set<Unit>([r.unit, usual]);
    for (const u of units) {
      const fu = conversions.factor(r.unit, u, r.createdAt);
      if (fu === undefined || !(fu > 0)) continue;
      const g = byUnit.get(u) ?? { values: [], converted: 0 };
      g.values.push(r.amount * fc * fu);
      if (fc !== 1 || fu !== 1) g.converted++;
      byUnit.set(u, g);
    }
  }
  const pick =
    byUnit.get(usual) ??
    [...byUnit.entries()].sort((a, b) => b[1].values.length - a[1].values.length)[0]?.[1];
  if (!pick?.values.length) return undefined;
  const unit = [...byUnit.entries()].find(([, g]) => g === pick)![0];
  return {
    median: quantile(
      pick.values.sort((a, b) => a - b),
      0.5,
    ),
    n: pick.values.length,
    unit,
    converted: pick.converted,
  };
}

/**
 * Market information for one mineral and person: the latest reference price staff
 * published in their currency (their region's first; otherwise an international one in
 * USD), and the median of recent reports in their currency (their region's when it has
 * 3 or more, else their country's). Never another country's figure: with no report in
 * their currency, the answer says so. Used by `PRICE GOLD?` and by the weekly digest.
 */
export async function marketMessage(
  store: Store,
  q: MarketQuestion,
): Promise<{ key: string; vars: Record<string, unknown> }> {
  const { mineral, region, lang } = q;
  const refs = store.collection('referencePrices');
  const latest = { sort: { publishedAt: -1 as const } };
  const ref =
    (region ? await refs.findOne({ mineral, region, currency: q.currency }, latest) : null) ??
    (await refs.findOne({ mineral, region: { $exists: false }, currency: q.currency }, latest)) ??
    (q.currency !== 'USD'
      ? await refs.findOne({ mineral, region: { $exists: false }, currency: 'USD' }, latest)
      : null);

  const since = new Date(q.now.getTime() - MARKET_WINDOW_DAYS * 86_400_000);
  const conversions = await Conversions.load(store);
  // only price reports name a mineral; what is read is all in an index (see the report schema)
  const base: Filter = { mineral, createdAt: { $gte: since } };
  const scopes: Filter[] = [];
  if (region) scopes.push({ ...base, region });
  scopes.push(q.country ? { ...base, country: q.country } : base);
  let local: LocalPrice | undefined;
  for (const [i, scope] of scopes.entries()) {
    const reports = await store.collection('reports').find(scope, {
      sort: { createdAt: -1 },
      limit: MARKET_READ_LIMIT,
      projection: { _id: 0, amount: 1, currency: 1, unit: 1, createdAt: 1 },
    });
    local = localPrice(reports, q, conversions);
    const last = i === scopes.length - 1;
    if (local && (last || local.n >= REGION_MIN_REPORTS)) break;
    if (last) local = undefined;
  }

  const vars: Record<string, unknown> = {
    mineral: q.mineralName,
    word: foldToGsm(q.mineralName.toUpperCase()),
    days: MARKET_WINDOW_DAYS,
    currency: q.currency,
    unit: defaultUnitFor(mineral),
  };
  if (ref) {
    Object.assign(vars, {
      refAmount: formatAmount(ref.amount, lang),
      refCurrency: ref.currency,
      refUnit: ref.unit,
      refDate: new Intl.DateTimeFormat(lang, { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(
        ref.publishedAt,
      ),
    });
  }
  if (local) {
    Object.assign(vars, {
      localAmount: formatAmount(local.median, lang),
      localCurrency: q.currency,
      localUnit: local.unit,
      n: local.n,
    });
  }
  const key =
    ref && local ? 'market.both' : ref ? 'market.reference' : local ? 'market.local' : 'market.noneHere';
  return { key, vars };
}
