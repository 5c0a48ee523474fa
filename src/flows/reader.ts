import { parseCurrencyFor } from '../domain/currency';
import { normaliseWord } from '../domain/language';
import { Mineral, Unit, parseMineral, parseUnit } from '../domain/minerals';
import { parseAmount } from '../domain/price';
import { Keyword } from './words';

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

/** Words between the parts that carry no meaning for a price. */
const FILLERS = new Set(
  `of at a an the my our i we is are was it its for to in on per each this that and then just
  de la le les l d du des au aux a à par pour en un une j ai est c et mon ma mes on nous il
  ya wa za la kwa ni na katika kila moja
  del el los las lo al por un una en y es a cada mi mis
  do da dos das o os as em no na um uma por cada e é meu minha
  x /`
    .split(/\s+/)
    .map(normaliseWord),
);
/** Verbs of selling and being paid, in the five languages. */
const SELL_WORDS = new Set(
  `sold sell sells selling paid got buy bought buyer
  vendu vendre vends vend vendus vendue payé paye achete acheté
  nimeuza niliuza nauza tuliuza tumeuza kuuza uza ameuza wameuza inauzwa nililipwa nimelipwa
  vendi vendí vendo vendimos vendemos vendido venden pagaron pagan
  vendeu vendemos vendido pagou pagaram comprou`
    .split(/\s+/)
    .map(normaliseWord),
);
/** Words of time people add ("today"). */
const TIME_WORDS = new Set(
  `today now yesterday this morning week
  aujourdhui hier maintenant ce matin semaine
  leo jana sasa asubuhi wiki hii
  hoy ayer ahora esta manana semana
  hoje ontem agora esta manha semana`
    .split(/\s+/)
    .map(normaliseWord),
);
/** Words that make a message a question. */
const QUESTION_WORDS = new Set(
  `what whats how much price prices cost costs
  combien quel quelle quels coute coûte coutent cest
  gani ngapi je inauzwa
  cuanto cuánto cuanta como cómo que qué cual cuál esta está vale cuesta
  quanto quanta qual como quê está esta custa vale`
    .split(/\s+/)
    .map(normaliseWord),
);
/** Question words strong enough on their own (the weak ones need a mineral and no amount). */
const STRONG_QUESTION = new Set(
  [
    'what',
    'whats',
    'how',
    'combien',
    'quel',
    'quelle',
    'gani',
    'ngapi',
    'cuanto',
    'quanto',
    'qual',
    'cual',
  ].map(normaliseWord),
);
/** Number words: a multiplier after a number (`250 mille`, `2 mil`), or before one in Swahili (`elfu 150`). */
const MULTIPLIERS: Record<string, number> = {
  THOUSAND: 1e3,
  THOUSANDS: 1e3,
  MILLE: 1e3,
  MIL: 1e3,
  ELFU: 1e3,
  MILLION: 1e6,
  MILLIONS: 1e6,
  MILIONI: 1e6,
  MILLON: 1e6,
  MILLONES: 1e6,
  MILHAO: 1e6,
  MILHOES: 1e6,
};
const MULTIPLIER_BEFORE = new Set(['ELFU', 'MILIONI']);
/** Mineral words that are also common words or symbols: they count only when nothing better names a mineral. */
const WEAK_MINERALS = new Set(['AU', 'CU', 'SN', 'FEDHA', 'OTHER', 'AUTRE', 'OTRO', 'OUTRO', 'NYINGINE']);
/** Words a typo must never be corrected from: common words one letter away from a keyword or a mineral. */
const NEAR_WORDS = new Set(
  `cold hold told bold fold golf good goal gild price pries prize pride
  pris prise prie agent suivre sobre cobra cobrar estado kati bata plato prato plaza plazo
  shaka fedha shamba preso perco preto oura outra ouvir dinar saba pobre ours duro mold`
    .split(/\s+/)
    .map(normaliseWord),
);

/** Mineral words of four letters or more, for typo matching. */
const MINERAL_WORDS: string[] = [];
for (const w of `gold dhahabu ouro tin bati cassiterite casiterita cassiterita estano estanho etain
  coltan koltani tantale tantalio tungsten wolframite wolfram wolframu tungstene volframio wolframio
  volframita wolframita diamond diamonds diamant diamants almasi diamante diamantes copper cuivre
  shaba cobre cobalt kobalti cobalto silver argent plata prata sapphire saphir yakuti zafiro safira`.split(
  /\s+/,
))
  if (w.length >= 4) MINERAL_WORDS.push(normaliseWord(w));

/** One edit apart (insert, delete, substitute, or swap two neighbours)? */
export function oneTypo(a: string, b: string): boolean {
  if (a === b || Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length < 3; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    return (
      diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]
    );
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}

/** The one known word a typed word is a typo of, or undefined (none, or more than one meaning). */
function corrected<T>(
  word: string,
  candidates: Iterable<[string, T]>,
  same: (a: T, b: T) => boolean,
): T | undefined {
  if (word.length < 4 || NEAR_WORDS.has(word)) return undefined;
  let found: T | undefined;
  for (const [w, meaning] of candidates) {
    if (w.length < 4 || !oneTypo(word, w)) continue;
    if (found !== undefined && !same(found, meaning)) return undefined;
    found = meaning;
  }
  return found;
}

/** A token of a message: its text as typed, normalised, and what it was read as. */
interface Token {
  raw: string;
  word: string;
  kind?: 'amount' | 'quantity' | 'currency' | 'unit' | 'mineral' | 'price' | 'per' | 'filler' | 'unknown';
  value?: unknown;
  typo?: boolean;
}

/**
 * Splits a message into words and numbers: separators (`:`, dashes, `=`, `;`) and
 * apostrophes (`l'or`) become spaces; dates, times and phone numbers are set apart so
 * they are never read as amounts; digits glued to words (`45000FC`) are split.
 */
function tokenise(text: string): { tokens: Token[]; nonAmounts: number } {
  let s = ` ${text} `;
  let nonAmounts = 0;
  const setApart = (re: RegExp) => {
    s = s.replace(re, () => {
      nonAmounts++;
      return ' ';
    });
  };
  setApart(/\+\d[\d\s-]{6,}\d/g); // +243 99 123 4567
  setApart(/(?<![\d.,])0\d{5,}(?![\d.,])/g); // 0991234567
  setApart(/(?<![\d.,])\d{1,4}[/-]\d{1,2}[/-]\d{2,4}(?!\d|[.,]\d)/g); // 30/11/2026, 2026-11-30
  setApart(/(?<![\d.,])\d{1,2}\/\d{1,2}(?![\d/]|[.,]\d)(?!\s*(?:g|kg|gr)\b)/gi); // 30/11
  setApart(/(?<![\d.,])\d{1,2}[:h]\d{2}(?![\d.,])/gi); // 14:00, 10h30
  setApart(/(?<![\d.,])\d{1,2}\s?(?:am|pm)\b/gi);
  s = s
    .replace(/aujourd['’ ]?hui/gi, ' aujourdhui ')
    .replace(/c['’]est/gi, ' cest ')
    .replace(/\b([ldjc])['’]/gi, '$1 ')
    .replace(/[?!;:=*"“”()]/g, ' ')
    .replace(/\s[-–—]+|[-–—]+\s/g, ' ')
    .replace(/(?<=\p{L})[-–—](?=\d)|(?<=\d)[-–—](?=\p{L})/gu, ' ')
    .replace(/,(?=\s|$)/g, ' ')
    .replace(/\.(?=\s|$)/g, ' ');
  // "250 000" → "250000" (space as a thousands separator)
  s = s.replace(/(?<=\s)\d{1,3}(?: \d{3})+(?=[\s/\p{L}$₵₱€]|$)/gu, (m) => m.replace(/ /g, ''));
  // a currency symbol glued to a number: "$45", "R$250", "S/120", "GH₵300"
  s = s.replace(/(R\$|S\/|US\$|GH₵|\$|₵|₱|€)(?=\d)/gi, '$1 ');
  // a number glued to a word: "45000FC", "250000fc/g" (but not 45k, 22k, 1.2m)
  s = s.replace(/(\d)(?![kKmM](?:t|T)?(?:[\s/]|$))(?=[^\d\s.,'’])/g, '$1 ');
  const tokens: Token[] = [];
  for (const raw of s.trim().split(/\s+/)) {
    if (!raw) continue;
    const parts = /^s\/$/i.test(raw) || !raw.includes('/') ? [raw] : raw.split(/(\/)/).filter(Boolean);
    for (const p of parts) tokens.push({ raw: p, word: normaliseWord(p) });
  }
  return { tokens, nonAmounts };
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
    // a word that is both (`t` tonne and nothing else; `mt` metical): decided by position below
    if (mineral && !WEAK_MINERALS.has(w)) {
      t.kind = 'mineral';
      t.value = mineral;
      continue;
    }
    if (currency) {
      t.kind = 'currency';
      t.value = currency;
      if (unit) t.value = { currency, unit };
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
  const currencies = new Set(
    tokens
      .filter((t) => t.kind === 'currency')
      .map((t) =>
        typeof t.value === 'object' ? (t.value as { currency: string }).currency : (t.value as string),
      ),
  );
  const currency = currencies.size === 1 ? [...currencies][0] : undefined;
  let unit: Unit | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const u =
      t.kind === 'unit'
        ? (t.value as Unit)
        : t.kind === 'currency' && typeof t.value === 'object'
          ? (t.value as { unit: Unit }).unit
          : undefined;
    if (!u || quantities.some((q) => q.i + 1 === i)) continue;
    // "MT" is a metical after an amount and a tonne after "per"; a lone "t" is a tonne only after "per"
    if (t.kind === 'currency' && tokens[i - 1]?.kind !== 'per') continue;
    unit ??= u;
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
  return [i - 2, i - 1, i + 2].some(
    (j) => tokens[j]?.kind === 'currency' && typeof tokens[j].value === 'string',
  );
}
