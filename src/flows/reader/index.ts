import { parseCurrencyFor } from '../../domain/currency';
import { Mineral, Unit, parseMineral, parseUnit } from '../../domain/minerals';
import { parseAmount } from '../../domain/price';
import { Keyword } from '../words';
import {
  FILLERS,
  MINERAL_WORDS,
  MULTIPLIERS,
  MULTIPLIER_BEFORE,
  QUESTION_WORDS,
  SELL_WORDS,
  STRONG_QUESTION,
  TIME_WORDS,
  WEAK_MINERALS,
  corrected,
} from './lexicon';
import { Token, tokenise } from './tokens';

/**
 * Reads a message the way miners write it, not only the keyword syntax: the parts of a
 * price (mineral, amount, currency, unit) in any order, with or without the keyword,
 * among filler words, with number words (`elfu`, `mille`, `mil`) and one typo in a
 * keyword or a mineral; a question about the market; or nothing, with what was found.
 *
 * A pure function over the text, the keyword words of the locales and the currency of the
 * contact's country: `test/flows/reader.test.ts` holds a table of real phrasings.
 */

/** The parts of a price, as far as they were read. */
export interface PriceReading {
  mineral?: Mineral;
  amount?: number;
  currency?: string;
  unit?: Unit;
  purity?: number;
  placeOfSale?: string;
}

/** Why a reading is not sure: each one makes the line ask before storing. */
export type Guess = 'noKeyword' | 'typo' | 'defaultUnit' | 'unknownWords' | 'fromTotal';

/** What a message says. */
export type Reading =
  | {
      kind: 'price';
      parts: PriceReading & { mineral: Mineral; amount: number };
      /** Empty when the message is read with confidence (stored as it is). */
      guesses: Guess[];
    }
  | { kind: 'question'; mineral?: Mineral }
  | {
      kind: 'none';
      /** What the message named, and how many of its words nothing explains. */
      found: PriceReading & { priceWord: boolean; unexplained: number };
    };

/** What the reader knows beyond the text. */
export interface ReaderContext {
  /** Every keyword word of the locales (normalised), and what it means. */
  keywords: ReadonlyMap<string, readonly Keyword[]>;
  /** The currency of the contact's country: a shared word ("shillings", "francs") means it. */
  localCurrency?: string;
}

/** Reads one message. */
export function readMessage(text: string, ctx: ReaderContext): Reading {
  const questionMark = /\?\s*$/.test(text) || /\?/.test(text);
  const { tokens, nonAmounts } = tokenise(text);
  const keywordOf = (w: string) => ctx.keywords.get(w) ?? [];
  const priceWords = [...ctx.keywords].filter(([, k]) => k.includes('price')).map(([w]) => w);
  let priceWord = false;
  let typo = false;
  let sellWord = false;
  let questionWord = false;
  let strongQuestion = false;

  // 1. what each word is, on its own
  for (const t of tokens) {
    const w = t.word.replace(/^\//, '');
    if (/^\d/.test(w) || /^[$₵₱€]|^R\$|^S\/|^US\$|^GH₵/i.test(t.raw)) {
      const karat = /^(\d{1,2})(K|KT)$/.exec(w);
      const amount = parseAmount(t.raw);
      if (amount !== undefined) {
        t.kind = 'amount';
        t.value = amount;
        if (karat) t.value = { amount, karat: Number(karat[1]) };
        continue;
      }
    }
    if (keywordOf(w).includes('price')) {
      t.kind = 'price';
      priceWord = true;
      continue;
    }
    if (MULTIPLIERS[w]) {
      t.kind = 'filler';
      t.value = MULTIPLIERS[w];
      continue;
    }
    const currency = t.raw === '/' ? undefined : parseCurrencyFor(t.raw, ctx.localCurrency);
    const unit = parseUnit(t.raw);
    const mineral = parseMineral(t.raw);
    if (mineral && !WEAK_MINERALS.has(w)) {
      t.kind = 'mineral';
      t.value = mineral;
      continue;
    }
    if (currency) {
      t.kind = 'currency';
      t.value = currency;
      continue;
    }
    if (unit) {
      t.kind = 'unit';
      t.value = unit;
      continue;
    }
    if (
      t.raw === '/' ||
      ['PER', 'PAR', 'POR', 'KWA', 'LE', 'EL', 'X', 'A', 'LA', 'THE', 'EACH', 'CADA', 'POUR'].includes(w)
    ) {
      t.kind = 'per';
      continue;
    }
    if (SELL_WORDS.has(w)) {
      sellWord = true;
      t.kind = 'filler';
      continue;
    }
    if (QUESTION_WORDS.has(w)) {
      questionWord = true;
      if (STRONG_QUESTION.has(w)) strongQuestion = true;
      t.kind = 'filler';
      continue;
    }
    if (FILLERS.has(w) || TIME_WORDS.has(w) || ctx.keywords.has(w)) {
      t.kind = 'filler';
      continue;
    }
    if (mineral) {
      t.kind = 'mineral';
      t.value = mineral;
      t.typo = false;
      continue;
    }
    // one typo in a price keyword or a mineral name, when it means one thing only
    const asPrice = corrected(
      w,
      priceWords.map((p) => [p, 'price'] as [string, string]),
      () => true,
    );
    if (asPrice) {
      t.kind = 'price';
      t.typo = true;
      priceWord = true;
      typo = true;
      continue;
    }
    const asMineral = corrected(
      w,
      MINERAL_WORDS.map((m) => [m, parseMineral(m)!] as [string, Mineral]),
      (a, b) => a === b,
    );
    if (asMineral) {
      t.kind = 'mineral';
      t.value = asMineral;
      t.typo = true;
      typo = true;
      continue;
    }
    t.kind = 'unknown';
  }

  // 2. the mineral: strong names first, weak ones (AU, FEDHA, "other") only alone
  const minerals = tokens.filter((t) => t.kind === 'mineral');
  const strong = new Set(minerals.filter((t) => !WEAK_MINERALS.has(t.word)).map((t) => t.value as Mineral));
  const weakOnly = new Set(minerals.map((t) => t.value as Mineral));
  const mineralSet = strong.size ? strong : weakOnly;
  // "or" is gold in French, a conjunction in English: with another mineral named, it is the conjunction
  if (mineralSet.size > 1 && mineralSet.has('gold') && minerals.some((t) => t.word === 'OR')) {
    const others = minerals.filter((t) => t.word !== 'OR').map((t) => t.value as Mineral);
    if (new Set(others).size === 1) mineralSet.delete('gold');
  }
  const mineral = mineralSet.size === 1 ? [...mineralSet][0] : undefined;
  const mineralTypo =
    minerals.some((t) => t.value === mineral && t.typo) &&
    !minerals.some((t) => t.value === mineral && !t.typo);

  // 3. amounts, with number words (`elfu 150`, `250 mille`, `2 mil`); a number followed by
  // a unit with no "per" is a quantity
  const multiplier = (t: Token | undefined) =>
    t?.kind === 'filler' && typeof t.value === 'number' ? t.value : undefined;
  for (let i = 0; i < tokens.length; i++) {
    const m = MULTIPLIER_BEFORE.has(tokens[i].word) ? multiplier(tokens[i]) : undefined;
    const next = tokens[i + 1];
    if (m && next?.kind === 'amount' && typeof next.value === 'number') {
      next.value = next.value * m;
      tokens[i].value = undefined;
    }
  }
  const amounts: { i: number; n: number; karat?: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'amount') continue;
    const v = t.value as number | { amount: number; karat: number };
    let n = typeof v === 'number' ? v : v.amount;
    const m = multiplier(tokens[i + 1]);
    if (m) {
      n *= m;
      tokens[i + 1].value = undefined;
    }
    amounts.push({ i, n, karat: typeof v === 'number' ? undefined : v.karat });
  }
  const quantities = amounts.filter((a) => tokens[a.i + 1]?.kind === 'unit' && !hasCurrencyNear(tokens, a.i));
  // gold purity: "22k", "18 carats" next to another amount
  let purity: number | undefined;
  if (mineral === 'gold') {
    const k = amounts.find((a) => a.karat !== undefined && a.karat >= 1 && a.karat <= 24);
    if (k && amounts.length > 1) {
      purity = k.karat;
      amounts.splice(amounts.indexOf(k), 1);
    } else {
      const kt = amounts.find(
        (a) =>
          a.n >= 1 &&
          a.n <= 24 &&
          /^(K|KT|KARAT|KARATS|CARAT|CARATS|QUILATES?|CARATI)$/.test(tokens[a.i + 1]?.word ?? ''),
      );
      if (kt && amounts.length > 1) {
        purity = kt.n;
        amounts.splice(amounts.indexOf(kt), 1);
        tokens[kt.i + 1].kind = 'filler';
      }
    }
  }
  const prices = amounts.filter((a) => !quantities.includes(a));

  // 4. currency and unit
  const currencies = new Set(tokens.filter((t) => t.kind === 'currency').map((t) => t.value as string));
  const currency = currencies.size === 1 ? [...currencies][0] : undefined;
  let unit: Unit | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'unit' || quantities.some((q) => q.i + 1 === i)) continue;
    unit ??= t.value as Unit;
  }

  const question = questionMark || strongQuestion || (questionWord && prices.length === 0 && !currency);
  const unexplained = tokens.filter((t) => t.kind === 'unknown').length;
  const found = { mineral, amount: prices[0]?.n, currency, unit, purity, priceWord, unexplained };

  // a question about the market: naming a mineral (or the price keyword), with a question mark or word
  if (question && (mineral || priceWord)) return { kind: 'question', mineral };

  // 5. a price: a mineral, one amount, and a sign that it is a price
  let amount: number | undefined;
  let fromTotal = false;
  if (prices.length === 1) amount = prices[0].n;
  if (prices.length === 1 && quantities.length === 1 && currency) {
    // "sold 5 grams of gold for 1,250,000 FC": the price per gram
    amount = Math.round((prices[0].n / quantities[0].n) * 100) / 100;
    unit = tokens[quantities[0].i + 1].value as Unit;
    fromTotal = true;
  }
  const evidence =
    priceWord || sellWord || !!currency || (unit !== undefined && tokens.some((t) => t.kind === 'per'));
  const tooManyNumbers = prices.length > 1 || quantities.length > 1 || nonAmounts > 0;
  if (!mineral || amount === undefined || !evidence || tooManyNumbers || amount <= 0) {
    return { kind: 'none', found };
  }

  // words no part explains: after the last part they are the place of sale, elsewhere a doubt
  const lastPart = Math.max(
    ...tokens.map((t, i) => (t.kind && !['filler', 'unknown', 'per'].includes(t.kind) ? i : -1)),
  );
  const unknown = tokens.map((t, i) => ({ t, i })).filter(({ t }) => t.kind === 'unknown');
  const inside = unknown.filter(({ i }) => i < lastPart);
  const after = unknown.filter(({ i }) => i > lastPart).map(({ t }) => t.raw);
  const guesses: Guess[] = [];
  const keyword = tokens.find((t) => t.kind === 'price');
  if (!keyword) guesses.push('noKeyword');
  if (typo || mineralTypo) guesses.push('typo');
  if (unit === undefined && !keyword) guesses.push('defaultUnit');
  if (inside.length) guesses.push('unknownWords');
  if (fromTotal) guesses.push('fromTotal');
  return {
    kind: 'price',
    parts: {
      mineral,
      amount,
      currency,
      unit,
      purity,
      placeOfSale: after.length ? after.join(' ').slice(0, 60) : undefined,
    },
    guesses,
  };
}

/** A currency within two words of an amount: "1,250,000 FC" is a sum, not a quantity. */
function hasCurrencyNear(tokens: Token[], i: number): boolean {
  return [i - 2, i - 1, i + 2].some((j) => tokens[j]?.kind === 'currency');
}
