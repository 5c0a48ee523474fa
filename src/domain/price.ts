import { parseCurrency } from './currency';
import { Mineral, Unit, parseMineral, parseUnit } from './minerals';

/** What could be read from a price message; every field is optional until the flow fills it. */
export interface PriceParts {
  mineral?: Mineral;
  amount?: number;
  currency?: string;
  unit?: Unit;
  /** Words after the unit, kept as the place of sale (`… G KAMITUGA`). */
  placeOfSale?: string;
  /** Gold purity in karats, written `22K`, `18kt`. */
  purity?: number;
  /** Words that could not be read; a non-empty list means the message needs a question. */
  unknown: string[];
}

const PER_WORDS = new Set(['/', 'per', 'par', 'le', 'la', 'kwa', 'por', 'a', 'the', 'each', 'cada', 'pour']);
const MAX_AMOUNT = 1e12;

/**
 * Reads a number the way people write prices in the five languages: `250000`,
 * `250,000`, `250.000`, `250'000`, `1.250,50`, `2,5`, `45k`, `1.2m`. Returns undefined
 * when it is not a positive amount.
 */
export function parseAmount(token: string): number | undefined {
  let t = token.trim().toLowerCase();
  let factor = 1;
  const suffix = /^(.*\d)\s?(k|m)$/.exec(t);
  if (suffix) {
    t = suffix[1];
    factor = suffix[2] === 'k' ? 1e3 : 1e6;
  }
  let n: number | undefined;
  if (/^\d+$/.test(t)) n = Number(t);
  else if (/^\d{1,3}([.,'’])\d{3}(\1\d{3})*$/.test(t)) n = Number(t.replace(/[.,'’]/g, ''));
  else if (/^\d{1,3}(,\d{3})+\.\d+$/.test(t)) n = Number(t.replace(/,/g, ''));
  else if (/^\d{1,3}(\.\d{3})+,\d+$/.test(t)) n = Number(t.replace(/\./g, '').replace(',', '.'));
  else if (/^\d+[.,]\d+$/.test(t)) n = Number(t.replace(',', '.'));
  if (n === undefined || !Number.isFinite(n)) return undefined;
  n = Math.round(n * factor * 1e6) / 1e6;
  return n > 0 && n < MAX_AMOUNT ? n : undefined;
}

/** Splits a price message into tokens: digit groups joined, glued symbols and `/` separated. */
export function tokenisePrice(text: string): string[] {
  let s = ` ${text.replace(/\s+/g, ' ')} `;
  // "250 000" → "250000" (space as a thousands separator)
  s = s.replace(/(?<=\s)\d{1,3}(?: \d{3})+(?=[\s/a-zA-Z$₵₱€]|$)/g, (m) => m.replace(/ /g, ''));
  // currency symbols glued in front of a number: "$45", "R$250", "S/120", "GH₵300"
  s = s.replace(/(R\$|S\/|US\$|GH₵|\$|₵|₱|€)(?=\d)/gi, '$1 ');
  // a number glued to a word: "45000FC", "250000fc/g" (but keep 45k / 1.2m suffixes)
  s = s.replace(/(\d)(?![km](?:[\s/]|$))(?=[^\d\s.,'’])/gi, '$1 ');
  const out: string[] = [];
  for (const raw of s.trim().split(' ')) {
    if (!raw) continue;
    if (/^s\/$/i.test(raw) || !raw.includes('/')) {
      out.push(raw);
      continue;
    }
    raw.split(/(\/)/).forEach((p) => p && out.push(p));
  }
  return out;
}

/**
 * Reads the parts of a one-SMS price report after its keyword, in any order people
 * write them: `GOLD 250000 CDF G`, `or 255.000 FC/g`, `dhahabu 150000 tsh kwa gramu`.
 */
export function parsePriceParts(text: string): PriceParts {
  const parts: PriceParts = { unknown: [] };
  const tokens = tokenisePrice(text);
  let expectUnit = false;
  const tail: string[] = [];
  for (const tok of tokens) {
    const karat =
      parts.amount !== undefined ? /^(\d{1,2})(k|kt|karat|karats|carats?|quilates?)$/i.exec(tok) : null;
    if (karat && Number(karat[1]) >= 1 && Number(karat[1]) <= 24 && parts.purity === undefined) {
      parts.purity = Number(karat[1]);
      continue;
    }
    if (parts.unit && !expectUnit) {
      const late = !parts.mineral && tail.length === 0 ? parseMineral(tok) : undefined;
      if (late) parts.mineral = late;
      else tail.push(tok);
      continue;
    }
    const lower = tok.toLowerCase();
    if (PER_WORDS.has(lower) && parts.amount !== undefined) {
      expectUnit = true;
      continue;
    }
    if (expectUnit) {
      const unit = parseUnit(tok);
      if (unit) {
        parts.unit = unit;
        expectUnit = false;
        continue;
      }
    }
    if (parts.amount === undefined) {
      const amount = parseAmount(tok);
      if (amount !== undefined) {
        parts.amount = amount;
        continue;
      }
    }
    if (!parts.mineral && parts.amount === undefined) {
      const mineral = parseMineral(tok);
      if (mineral) {
        parts.mineral = mineral;
        continue;
      }
    }
    if (!parts.currency) {
      const currency = parseCurrency(tok);
      if (currency) {
        parts.currency = currency;
        continue;
      }
    }
    if (!parts.unit && parts.amount !== undefined) {
      const unit = parseUnit(tok);
      if (unit) {
        parts.unit = unit;
        continue;
      }
    }
    if (!parts.mineral) {
      const mineral = parseMineral(tok);
      if (mineral) {
        parts.mineral = mineral;
        continue;
      }
    }
    parts.unknown.push(tok);
  }
  if (tail.length) parts.placeOfSale = tail.join(' ').slice(0, 60);
  return parts;
}

const NUMBER_LOCALES: Record<string, string> = {
  en: 'en-US',
  fr: 'fr-FR',
  sw: 'sw-TZ',
  es: 'es-ES',
  pt: 'pt-BR',
};
const formatters = new Map<string, Intl.NumberFormat>();

/**
 * Formats an amount the way the reader writes numbers: `250,000` (en, sw), `250 000` (fr),
 * `250.000` (es, pt); at most two decimals.
 */
export function formatAmount(n: number, lang = 'en'): string {
  const locale = NUMBER_LOCALES[lang] ?? 'en-US';
  const cents = Number.isInteger(n) ? 0 : 2;
  const id = `${locale}:${cents}`;
  let f = formatters.get(id);
  if (!f) {
    f = new Intl.NumberFormat(locale, {
      minimumFractionDigits: cents,
      maximumFractionDigits: 2,
      useGrouping: true,
    });
    formatters.set(id, f);
  }
  return f.format(n).replace(/[\u00a0\u202f]/g, ' ');
}
