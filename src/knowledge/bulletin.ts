import { contactLanguage, pickAddress } from '../contacts/contacts';
import { BadRequest, NotFound } from '../domain/errors';
import { Language } from '../domain/language';
import { formatAmount } from '../domain/price';
import { Translator } from '../i18n';
import { renderSms } from '../i18n/render';
import { Bulletin, BulletinPrice, OutboundMessage } from '../models';
import { addressedTo, compose, enqueue } from '../outbox/compose';
import { openData } from '../stats/open';
import { NewDoc, Store } from '../store/types';

/** The first instant of a month (`2026-11`) and of the next. */
export function monthRange(month: string): { from: Date; to: Date } {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new BadRequest(`month: YYYY-MM, not ${month}`);
  return {
    from: new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)),
    to: new Date(Date.UTC(Number(m[1]), Number(m[2]), 1)),
  };
}

/** The month before a date's month, `YYYY-MM`. */
export function lastMonth(d = new Date()): string {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

const pct = (a: number, b: number) => Math.round(((a - b) / b) * 100);

/**
 * Prepares (or refreshes, while a draft) the bulletin of a month from the open figures,
 * small numbers hidden as on the public page: national price medians against last month
 * and the reference price, the most reported issues by region, accidents. Staff's note
 * is kept; a published bulletin is not changed.
 */
export async function prepareBulletin(
  store: Store,
  month: string,
  minCell: number,
  now = new Date(),
): Promise<Bulletin> {
  const bulletins = store.collection('bulletins');
  const existing = await bulletins.findOne({ _id: month });
  if (existing?.state === 'published') return existing;
  const range = monthRange(month);
  const prev = monthRange(lastMonth(range.from));
  const [data, before] = await Promise.all([
    openData(store, { ...range, minCell }),
    openData(store, { ...prev, minCell }),
  ]);
  const key = (p: { country: string; mineral: string; currency: string; unit: string }) =>
    `${p.country}|${p.mineral}|${p.currency}|${p.unit}`;
  const previous = new Map(
    before.prices.filter((p) => p.region === null && p.median !== null).map((p) => [key(p), p.median!]),
  );
  const prices: BulletinPrice[] = [];
  for (const p of data.prices.filter((x) => x.region === null && x.median !== null)) {
    const [ref] = await store
      .collection('referencePrices')
      .find(
        { mineral: p.mineral, currency: p.currency, unit: p.unit, publishedAt: { $lt: range.to } },
        { sort: { publishedAt: -1 }, limit: 1 },
      );
    const last = previous.get(key(p));
    prices.push({
      country: p.country,
      mineral: p.mineral,
      currency: p.currency,
      unit: p.unit,
      median: p.median!,
      reports: p.reports!,
      ...(last ? { previous: last, change: pct(p.median!, last) } : {}),
      ...(ref ? { reference: ref.amount, ofReference: Math.round((p.median! / ref.amount) * 100) } : {}),
    });
  }
  const counted = (f: { category: string | null; reports: number | null }) =>
    f.category !== null && f.reports !== null;
  const before_ = new Map(
    before.reports.filter(counted).map((f) => [`${f.country}|${f.region}|${f.category}`, f.reports!]),
  );
  const issues = data.reports
    .filter((f) => f.kind === 'issue' && counted(f))
    .sort((a, b) => b.reports! - a.reports!)
    .filter(
      (f, i, all) =>
        all.filter((g, j) => j < i && g.country === f.country && g.region === f.region).length < 3,
    )
    .map((f) => ({
      country: f.country,
      region: f.region,
      category: f.category!,
      reports: f.reports!,
      previous: before_.get(`${f.country}|${f.region}|${f.category}`),
    }));
  const incidents = data.harm.map((h) => ({
    country: h.country,
    incidents: h.incidents,
    injured: h.injured,
    dead: h.dead,
  }));
  const doc = { prices, issues, incidents, minCell, preparedAt: now };
  await bulletins.updateOne(
    { _id: month },
    { $set: doc, $setOnInsert: { state: 'draft', note: {} } },
    { upsert: true },
  );
  return (await bulletins.findOne({ _id: month }))!;
}

/** One bulletin; `NotFound` when it was never prepared. */
export async function findBulletin(store: Store, month: string): Promise<Bulletin> {
  const b = await store.collection('bulletins').findOne({ _id: month });
  if (!b) throw new NotFound(`no bulletin for ${month}: prepare it first`);
  return b;
}

/**
 * The one-SMS summary for a community leader, in their language: the month, then as many
 * facts of their country as fit (a price and its change, the most reported issue,
 * accidents), never more than one segment.
 */
export function bulletinSms(
  t: Translator,
  lang: Language,
  b: Bulletin,
  country: string | undefined,
  foldGsm: boolean,
): string {
  const mine = <T extends { country: string }>(rows: T[]) => rows.filter((r) => r.country === country);
  const facts: string[] = [];
  const price = mine(b.prices).sort((x, y) => y.reports - x.reports)[0];
  if (price)
    facts.push(
      t.t(lang, price.change === undefined ? 'bulletin.price' : 'bulletin.priceChange', {
        mineral: t.t(lang, `minerals.${price.mineral}`),
        median: formatAmount(price.median, lang),
        currency: price.currency,
        unit: price.unit,
        change: `${price.change! > 0 ? '+' : ''}${price.change}%`,
      }),
    );
  const issue = mine(b.issues).filter((i) => i.region === null)[0];
  if (issue) facts.push(t.t(lang, 'bulletin.issue', { issue: t.t(lang, `issues.${issue.category}`) }));
  const harm = mine(b.incidents)[0];
  if (harm?.incidents) facts.push(t.t(lang, 'bulletin.incidents', { n: harm.incidents }));
  for (let n = facts.length; n >= 0; n--) {
    const text = t.t(lang, n ? 'bulletin.sms' : 'bulletin.smsEmpty', {
      month: b._id,
      facts: facts.slice(0, n).join(' '),
    });
    if (renderSms({ text }, foldGsm).segments === 1) return text;
  }
  return t.t(lang, 'bulletin.smsEmpty', { month: b._id });
}

/**
 * Publishes a bulletin (it appears on the public page) and queues its one-SMS summary to
 * every community leader who has not opted out, in their language, once.
 */
export async function publishBulletin(
  store: Store,
  t: Translator,
  s: { defaultLanguage: Language; smsFoldGsm: boolean },
  month: string,
  by: string,
  now = new Date(),
): Promise<{ bulletin: Bulletin; queued: number }> {
  await findBulletin(store, month);
  const bulletin = (await store
    .collection('bulletins')
    .findOneAndUpdate({ _id: month }, { $set: { state: 'published', publishedAt: now, publishedBy: by } }))!;
  const messages: NewDoc<OutboundMessage>[] = [];
  for await (const c of store.collection('contacts').stream({ role: 'community_leader', optedOut: false })) {
    const address = pickAddress(c);
    if (!address) continue;
    const lang = contactLanguage(c, s.defaultLanguage);
    const text = bulletinSms(t, lang, bulletin, c.country, s.smsFoldGsm);
    messages.push(
      ...compose(
        { text },
        { ...addressedTo(address, c._id), dedupeKey: `bulletin:${month}:${c._id}`, now },
        s.smsFoldGsm,
      ),
    );
  }
  return { bulletin, queued: await enqueue(store, messages) };
}
