import { Language } from '../domain/language';
import { Mineral } from '../domain/minerals';
import { formatAmount } from '../domain/price';
import { Store } from '../store/types';

/** How far back local reports count for market information. */
export const MARKET_WINDOW_DAYS = 30;

/**
 * Market information for one mineral and place: the latest reference price staff
 * published (regional first) and the median of recent local reports (regional first
 * when it has 3 or more). Returns the translation key and its values; used by
 * `PRICE GOLD?` and by the weekly digest.
 */
export async function marketMessage(
  store: Store,
  q: { mineral: Mineral; region?: string; lang: Language; now: Date; mineralName: string },
): Promise<{ key: string; vars: Record<string, unknown> }> {
  const { mineral, region, lang } = q;
  const refs = store.collection('referencePrices');
  const ref =
    (region ? await refs.findOne({ mineral, region }, { sort: { publishedAt: -1 } }) : null) ??
    (await refs.findOne({ mineral, region: { $exists: false } }, { sort: { publishedAt: -1 } }));

  const since = new Date(q.now.getTime() - MARKET_WINDOW_DAYS * 86_400_000);
  const base = { kind: 'price', mineral, createdAt: { $gte: since } };
  let local: { _id: { currency: string; unit: string }; n: number; median: number } | undefined;
  for (const match of region ? [{ ...base, region }, base] : [base]) {
    [local] = await store.collection('reports').aggregate([
      { $match: match },
      {
        $group: {
          _id: { currency: '$currency', unit: '$unit' },
          n: { $sum: 1 },
          median: { $median: { input: '$amount', method: 'approximate' } },
        },
      },
      { $sort: { n: -1 } },
      { $limit: 1 },
    ]);
    if (local && local.n >= 3) break;
  }

  const vars: Record<string, unknown> = { mineral: q.mineralName, days: MARKET_WINDOW_DAYS };
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
      localCurrency: local._id.currency,
      localUnit: local._id.unit,
      n: local.n,
    });
  }
  const key =
    ref && local ? 'market.both' : ref ? 'market.reference' : local ? 'market.local' : 'market.none';
  return { key, vars };
}
