import { normaliseWord } from './language';

/**
 * How people write currencies, mapped to ISO 4217. Where a symbol is shared
 * (FCFA is both XOF and XAF, "shillings" several), the ambiguous word maps to the
 * most common meaning for Chimba's programmes and staff can correct it.
 */
const CURRENCY_WORDS: Record<string, string[]> = {
  CDF: ['cdf', 'fc', 'francs', 'franc', 'francs congolais'],
  TZS: ['tzs', 'tsh', 'tshs', 'shilingi', 'sh'],
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
