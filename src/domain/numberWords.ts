import { Language } from './language';

/**
 * Numbers as words, the way the voice line reads them: 250000 is "deux cent cinquante
 * mille" in French, "elfu mia mbili na hamsini" in Swahili. Whole numbers up to
 * 999 999 999 999, and decimals read digit by digit after the point word ("sitini na moja
 * nukta tano"). The words come back one by one so a language spoken from recorded clips
 * (Swahili) can play one clip per word.
 */

const EN_ONES =
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen'.split(
    ' ',
  );
const EN_TENS = ',,twenty,thirty,forty,fifty,sixty,seventy,eighty,ninety'.split(',');

function en(n: number): string[] {
  if (n < 20) return [EN_ONES[n]];
  if (n < 100) return [EN_TENS[Math.floor(n / 10)], ...(n % 10 ? [EN_ONES[n % 10]] : [])];
  if (n < 1000) return [EN_ONES[Math.floor(n / 100)], 'hundred', ...(n % 100 ? ['and', ...en(n % 100)] : [])];
  return byGroups(n, (g, i) => (i ? [...en(g), EN_SCALES[i - 1]] : en(g))).flat();
}

const EN_SCALES = ['thousand', 'million', 'billion'];

/** `n` in groups of three digits, units first: 1 234 567 is [567, 234, 1]. */
function groupsOf(n: number): number[] {
  const groups: number[] = [];
  for (let k = n; k > 0; k = Math.floor(k / 1000)) groups.push(k % 1000);
  return groups;
}

/**
 * The words of each group of three digits that is not zero, the largest first: `read`
 * reads group `g` of scale `i` (0 units, 1 thousands, 2 millions, 3 billions).
 */
function byGroups(n: number, read: (g: number, i: number, groups: number[]) => string[]): string[][] {
  const groups = groupsOf(n);
  const out: string[][] = [];
  for (let i = groups.length - 1; i >= 0; i--) if (groups[i]) out.push(read(groups[i], i, groups));
  return out;
}

const FR_ONES =
  'zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf'.split(
    ' ',
  );
const FR_TENS = ',,vingt,trente,quarante,cinquante,soixante'.split(',');

function frBelow100(n: number, last = true): string {
  if (n < 20) return FR_ONES[n];
  const t = Math.floor(n / 10);
  const u = n % 10;
  if (t === 7 || t === 9) {
    const base = t === 7 ? 'soixante' : 'quatre-vingt';
    return `${base}${t === 7 && u === 1 ? '-et-' : '-'}${FR_ONES[10 + u]}`;
  }
  if (t === 8) return u ? `quatre-vingt-${FR_ONES[u]}` : last ? 'quatre-vingts' : 'quatre-vingt';
  if (!u) return FR_TENS[t];
  return `${FR_TENS[t]}${u === 1 ? '-et-' : '-'}${FR_ONES[u]}`;
}

function frBelow1000(n: number, last: boolean): string[] {
  const h = Math.floor(n / 100);
  const r = n % 100;
  const out: string[] = [];
  if (h) out.push(...(h > 1 ? [FR_ONES[h]] : []), h > 1 && !r && last ? 'cents' : 'cent');
  if (r) out.push(frBelow100(r, last));
  return out;
}

function fr(n: number): string[] {
  if (n < 1000) return frBelow1000(n, true);
  return byGroups(n, (g, i) => {
    if (i === 0) return frBelow1000(g, true);
    // "mille", never "un mille"; "quatre-vingt mille", "deux cent mille" (no plural before mille)
    if (i === 1) return [...(g === 1 ? [] : frBelow1000(g, false)), 'mille'];
    return [
      ...frBelow1000(g, true),
      g > 1 ? (i === 2 ? 'millions' : 'milliards') : i === 2 ? 'million' : 'milliard',
    ];
  }).flat();
}

const ES_ONES =
  'cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve'.split(
    ' ',
  );
const ES_TENS = ',,,treinta,cuarenta,cincuenta,sesenta,setenta,ochenta,noventa'.split(',');
const ES_HUNDREDS =
  ',ciento,doscientos,trescientos,cuatrocientos,quinientos,seiscientos,setecientos,ochocientos,novecientos'.split(
    ',',
  );

function esBelow1000(n: number, apocope: boolean): string[] {
  if (n === 100) return ['cien'];
  const h = Math.floor(n / 100);
  const r = n % 100;
  const out = h ? [ES_HUNDREDS[h]] : [];
  if (!r) return out;
  const one = (w: string) => (apocope ? w.replace(/uno$/, 'ún').replace(/^ún$/, 'un') : w);
  if (r < 30) out.push(one(ES_ONES[r]));
  else out.push(ES_TENS[Math.floor(r / 10)], ...(r % 10 ? ['y', one(ES_ONES[r % 10])] : []));
  return out;
}

function es(n: number): string[] {
  if (n < 1000) return esBelow1000(n, false);
  return byGroups(n, (g, i, groups) => {
    if (i === 0) return esBelow1000(g, false);
    if (i === 1) return [...(g === 1 ? [] : esBelow1000(g, true)), 'mil'];
    if (i === 2) return [...esBelow1000(g, true), g === 1 && !groups[3] ? 'millón' : 'millones'];
    return [...(g === 1 ? [] : esBelow1000(g, true)), 'mil', ...(groups[2] ? [] : ['millones'])];
  }).flat();
}

const PT_ONES =
  'zero um dois três quatro cinco seis sete oito nove dez onze doze treze catorze quinze dezasseis dezassete dezoito dezanove'.split(
    ' ',
  );
const PT_TENS = ',,vinte,trinta,quarenta,cinquenta,sessenta,setenta,oitenta,noventa'.split(',');
const PT_HUNDREDS =
  ',cento,duzentos,trezentos,quatrocentos,quinhentos,seiscentos,setecentos,oitocentos,novecentos'.split(',');

function ptBelow1000(n: number): string[] {
  if (n === 100) return ['cem'];
  const h = Math.floor(n / 100);
  const r = n % 100;
  const parts: string[][] = [];
  if (h) parts.push([PT_HUNDREDS[h]]);
  if (r && r < 20) parts.push([PT_ONES[r]]);
  else if (r) {
    parts.push([PT_TENS[Math.floor(r / 10)]]);
    if (r % 10) parts.push([PT_ONES[r % 10]]);
  }
  return parts.flatMap((p, i) => (i ? ['e', ...p] : p));
}

function pt(n: number): string[] {
  if (n < 1000) return ptBelow1000(n);
  const out = byGroups(n, (g, i) => {
    if (i === 0) return ptBelow1000(g);
    if (i === 1) return [...(g === 1 ? [] : ptBelow1000(g)), 'mil'];
    return [...ptBelow1000(g), g === 1 && i === 2 ? 'milhão' : i === 2 ? 'milhões' : 'mil milhões'];
  });
  // "e" before the last group when it is below 100 or a round hundred: "mil e quinhentos"
  const last = n % 1000;
  if (out.length > 1 && last && (last < 100 || last % 100 === 0)) out.splice(out.length - 1, 0, ['e']);
  return out.flat();
}

const SW_ONES = 'sifuri moja mbili tatu nne tano sita saba nane tisa'.split(' ');
const SW_TENS = ',kumi,ishirini,thelathini,arobaini,hamsini,sitini,sabini,themanini,tisini'.split(',');

function swBelow1000(n: number): string[] {
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const u = n % 10;
  const out: string[] = [];
  if (h) out.push('mia', SW_ONES[h]);
  // "mia mbili na hamsini" (250), "mia tano sitini na saba" (567): one "na", before the last word
  if (t) out.push(...(h && !u ? ['na'] : []), SW_TENS[t]);
  if (u) out.push(...(h || t ? ['na'] : []), SW_ONES[u]);
  return out;
}

function sw(n: number): string[] {
  if (n === 0) return [SW_ONES[0]];
  // the scale word comes first: elfu mia mbili na hamsini (250 000), milioni moja (1 000 000)
  const out = byGroups(n, (g, i) => (i ? [SW_SCALES[i - 1], ...swBelow1000(g)] : swBelow1000(g)));
  // units below a hundred after larger groups are joined by "na": elfu moja na tano (1 005)
  const last = n % 1000;
  if (out.length > 1 && last && last < 100) out[out.length - 1].unshift('na');
  return out.flat();
}

const SW_SCALES = ['elfu', 'milioni', 'bilioni'];

const WHOLE: Record<Language, (n: number) => string[]> = {
  en: (n) => (n === 0 ? ['zero'] : en(n)),
  fr: (n) => (n === 0 ? ['zéro'] : fr(n)),
  es: (n) => (n === 0 ? ['cero'] : es(n)),
  pt: (n) => (n === 0 ? ['zero'] : pt(n)),
  sw,
};

/** The word for the decimal point. */
export const POINT_WORD: Record<Language, string> = {
  en: 'point',
  fr: 'virgule',
  es: 'coma',
  pt: 'vírgula',
  sw: 'nukta',
};

/** The largest number read as words; larger ones are read digit by digit. */
export const MAX_SPOKEN = 999_999_999_999;

/** `n` as words in `lang`, one entry per word (hyphenated French compounds are one word). */
export function numberWords(n: number, lang: Language): string[] {
  const whole = WHOLE[lang];
  if (!Number.isFinite(n) || n < 0) return [];
  const [int, frac] = String(Math.round(n * 100) / 100).split('.');
  const i = Number(int);
  const head = i > MAX_SPOKEN ? [...int].flatMap((d) => whole(Number(d))) : whole(i);
  if (!frac) return head;
  return [...head, POINT_WORD[lang], ...[...frac].flatMap((d) => whole(Number(d)))];
}

/** Every word {@link numberWords} can say in `lang` (for the voice line's recorded clips). */
export function numberVocabulary(lang: Language): string[] {
  const seen = new Set<string>([POINT_WORD[lang]]);
  const samples = [
    ...Array.from({ length: 1000 }, (_, k) => k),
    ...Array.from({ length: 1000 }, (_, k) => k * 1000),
    ...Array.from({ length: 1000 }, (_, k) => k * 1_000_000),
    ...Array.from({ length: 1000 }, (_, k) => k * 1_000_000_000),
    1_001_000,
    2_000_500,
  ];
  for (const n of samples) for (const w of WHOLE[lang](n)) seen.add(w);
  return [...seen].sort();
}
