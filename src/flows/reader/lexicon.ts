import { normaliseWord } from '../../domain/language';

/* The words the free-form reader knows besides keywords, minerals, currencies and units. */

/** Words between the parts that carry no meaning for a price. */
export const FILLERS = new Set(
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
export const SELL_WORDS = new Set(
  `sold sell sells selling paid got buy bought buyer
  vendu vendre vends vend vendus vendue payé paye achete acheté
  nimeuza niliuza nauza tuliuza tumeuza kuuza uza ameuza wameuza inauzwa nililipwa nimelipwa
  vendi vendí vendo vendimos vendemos vendido venden pagaron pagan
  vendeu vendemos vendido pagou pagaram comprou`
    .split(/\s+/)
    .map(normaliseWord),
);
/** Words of time people add ("today"). */
export const TIME_WORDS = new Set(
  `today now yesterday this morning week
  aujourdhui hier maintenant ce matin semaine
  leo jana sasa asubuhi wiki hii
  hoy ayer ahora esta manana semana
  hoje ontem agora esta manha semana`
    .split(/\s+/)
    .map(normaliseWord),
);
/** Words that make a message a question. */
export const QUESTION_WORDS = new Set(
  `what whats how much price prices cost costs
  combien quel quelle quels coute coûte coutent cest
  gani ngapi je inauzwa
  cuanto cuánto cuanta como cómo que qué cual cuál esta está vale cuesta
  quanto quanta qual como quê está esta custa vale`
    .split(/\s+/)
    .map(normaliseWord),
);
/** Question words strong enough on their own (the weak ones need a mineral and no amount). */
export const STRONG_QUESTION = new Set(
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
export const MULTIPLIERS: Record<string, number> = {
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
export const MULTIPLIER_BEFORE = new Set(['ELFU', 'MILIONI']);
/** Mineral words that are also common words or symbols: they count only when nothing better names a mineral. */
export const WEAK_MINERALS = new Set([
  'AU',
  'CU',
  'SN',
  'FEDHA',
  'OTHER',
  'AUTRE',
  'OTRO',
  'OUTRO',
  'NYINGINE',
]);
/** Words a typo must never be corrected from: common words one letter away from a keyword or a mineral. */
export const NEAR_WORDS = new Set(
  `cold hold told bold fold golf good goal gild price pries prize pride
  pris prise prie agent suivre sobre cobra cobrar estado kati bata plato prato plaza plazo
  shaka fedha shamba preso perco preto oura outra ouvir dinar saba pobre ours duro mold`
    .split(/\s+/)
    .map(normaliseWord),
);

/** Mineral words of four letters or more, for typo matching. */
export const MINERAL_WORDS: string[] = [];
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
export function corrected<T>(
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
