import { normaliseWord } from './language';

/**
 * How people write currencies, mapped to ISO 4217. Where a symbol is shared
 * (FCFA is both XOF and XAF, "shillings" several), the ambiguous word maps to the
 * most common meaning for Chimba's programmes and staff can correct it.
 */
const CURRENCY_WORDS: Record<string, string[]> = {
  CDF: ['cdf', 'fc', 'francs', 'franc', 'francs congolais'],
  TZS: ['tzs', 'tsh', 'tshs', 'shilingi', 'sh', 'shilling', 'shillings'],
  UGX: ['ugx', 'ush', 'ushs'],
  KES: ['kes', 'ksh', 'kshs'],
  GHS: ['ghs', 'gh₵', 'ghc', 'cedi', 'cedis', '₵'],
  XOF: ['xof', 'fcfa', 'cfa'],
  XAF: ['xaf'],
  ZMW: ['zmw', 'kwacha'],
  MWK: ['mwk'],
  MZN: ['mzn', 'mt', 'meticais', 'metical'],
  ZWG: ['zwg', 'zig'],
  BOB: ['bob', 'bs', 'bolivianos', 'boliviano'],
  PEN: ['pen', 's/', 'soles', 'sol'],
  BRL: ['brl', 'r$', 'reais', 'real'],
  IDR: ['idr', 'rp', 'rupiah'],
  PHP: ['php', '₱', 'peso', 'pesos'],
  USD: ['usd', '$', 'us$', 'dollar', 'dollars', 'dola', 'dolar', 'dolares', 'dólares', 'dólar'],
  EUR: ['eur', '€', 'euro', 'euros'],
};

const LOOKUP = new Map<string, string>();
for (const [iso, words] of Object.entries(CURRENCY_WORDS)) {
  for (const w of words) LOOKUP.set(normaliseWord(w), iso);
}

/** The ISO 4217 code a word or symbol names, if any (`FC` → CDF, `TSh` → TZS, `R$` → BRL). */
export function parseCurrency(word: string): string | undefined {
  return LOOKUP.get(normaliseWord(word));
}

/** Currencies people name with the same word (shillings, francs, CFA, dollars, pesos). */
const SAME_WORD: string[][] = [
  ['TZS', 'KES', 'UGX'],
  ['CDF', 'XOF', 'XAF'],
  ['USD', 'ZWG'],
  ['PHP', 'COP'],
];

/**
 * The currency a word names for someone whose own currency is `local`: "shillings" from
 * Kenya are KES, "francs" from Burkina Faso XOF; otherwise what {@link parseCurrency} says.
 */
export function parseCurrencyFor(word: string, local: string | undefined): string | undefined {
  const iso = parseCurrency(word);
  if (!iso || !local || iso === local) return iso;
  const exact = normaliseWord(word) === iso;
  const family = SAME_WORD.find((f) => f.includes(iso));
  return !exact && family?.includes(local) ? local : iso;
}
