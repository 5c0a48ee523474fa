import { Mineral } from '../domain/minerals';
import { marketMessage } from '../stats/market';
import { Translator } from '../i18n';
import { Contact, OutboundMessage } from '../models';
import { Language } from '../domain/language';
import { renderSms } from '../i18n/render';
import { addressedTo, compose, enqueue } from '../outbox/compose';
import { NewDoc, Store } from '../store/types';
import { contactCurrency, contactLanguage, pickAddress } from '../contacts/contacts';
import { FanoutSettings } from './broadcasts';

/** The ISO week a date falls in, as `2026-W48`: one digest per contact per week. */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const year = t.getUTCFullYear();
  const week = Math.ceil(((t.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The weekly price digest: to every contact who sent `SUB PRICES` (and has not opted
 * out), the reference price and the local median for their first mineral and region, in
 * one segment. Keyed per ISO week, so running it twice sends nothing twice.
 */
export async function sendPriceDigest(
  store: Store,
  translator: Translator,
  s: FanoutSettings,
  now = new Date(),
  /** What the knowledge network has new for one person, best first (`knowledge/digest.ts`). */
  tips?: (contact: Contact, lang: Language) => Promise<string[]>,
): Promise<number> {
  const week = isoWeek(now);
  const contacts = await store.collection('contacts').find({ subscriptions: 'prices', optedOut: false });
  const cache = new Map<string, string>();
  const messages: NewDoc<OutboundMessage>[] = [];
  for (const c of contacts) {
    const address = pickAddress(c);
    if (!address) continue;
    const lang = contactLanguage(c, s.defaultLanguage);
    const mineral = (c.minerals?.[0] ?? 'gold') as Mineral;
    const currency = contactCurrency(c, s.defaultCurrency);
    const cacheKey = `${mineral}|${c.country ?? ''}|${c.region ?? ''}|${currency}|${lang}`;
    let text = cache.get(cacheKey);
    if (!text) {
      const { key, vars } = await marketMessage(store, {
        mineral,
        region: c.region,
        country: c.country,
        currency,
        lang,
        now,
        mineralName: translator.t(lang, `minerals.${mineral}`),
      });
      text = translator.t(lang, key, vars);
      cache.set(cacheKey, text);
    }
    // one tip that is new for them, the first that still fits the one SMS; none when nothing is new
    const withTip = (await tips?.(c, lang))
      ?.map((tip) => `${text}${/[.!?]$/.test(text) ? '' : '.'} ${tip}`)
      .find((full) => renderSms({ text: full }, s.smsFoldGsm).segments === 1);
    const envelope = { ...addressedTo(address, c._id), dedupeKey: `digest:${week}:${c._id}`, now };
    messages.push(...compose({ text: withTip ?? text }, envelope, s.smsFoldGsm));
  }
  return enqueue(store, messages);
}

/**
 * Retention: inbound logs and finished outgoing messages older than `days` are deleted.
 * Reports stay (they are the programme's data); sessions expire on their own.
 */
export async function purgeOld(
  store: Store,
  days: number,
  now = new Date(),
): Promise<{ inbound: number; outbound: number }> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const inbound = await store
    .collection('inbound')
    .deleteMany({ receivedAt: { $lt: cutoff }, status: 'handled' });
  const outbound = await store.collection('outbound').deleteMany({
    createdAt: { $lt: cutoff },
    status: { $in: ['sent', 'delivered', 'undelivered', 'failed', 'dead', 'cancelled'] },
  });
  return { inbound, outbound };
}
