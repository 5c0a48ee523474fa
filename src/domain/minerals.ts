import { normaliseWord } from './language';

/** Canonical mineral ids, stored on reports and used in statistics. */
export const MINERALS = [
  'gold',
  'tin',
  'coltan',
  'tungsten',
  'diamond',
  'copper',
  'cobalt',
  'silver',
  'sapphire',
  'other',
] as const;

/** A canonical mineral id. */
export type Mineral = (typeof MINERALS)[number];

/** Words people use for each mineral, in the five languages; matched accent- and case-insensitively. */
const SYNONYMS: Record<Mineral, string[]> = {
  gold: ['gold', 'or', 'dhahabu', 'oro', 'ouro', 'au'],
  tin: [
    'tin',
    'cassiterite',
    'cassitérite',
    'bati',
    'estano',
    'estaño',
    'estanho',
    'cassiterita',
    'casiterita',
    'etain',
    'étain',
    'sn',
  ],
  coltan: ['coltan', 'koltani', 'colombo-tantalite', 'tantalum', 'tantale', 'tantalio', 'tantalo'],
  tungsten: [
    'tungsten',
    'wolframite',
    'wolfram',
    'tungstene',
    'tungstène',
    'volframio',
    'tungstenio',
    'wolframio',
    'volframita',
    'wolframita',
    'wolframu',
  ],
  diamond: ['diamond', 'diamonds', 'diamant', 'diamants', 'almasi', 'diamante', 'diamantes'],
  copper: ['copper', 'cuivre', 'shaba', 'cobre', 'cu'],
  cobalt: ['cobalt', 'kobalti', 'cobalto'],
  silver: ['silver', 'argent', 'fedha', 'plata', 'prata'],
  sapphire: ['sapphire', 'saphir', 'yakuti', 'zafiro', 'safira'],
  other: ['other', 'autre', 'nyingine', 'otro', 'outro'],
};

const LOOKUP = new Map<string, Mineral>();
for (const [id, words] of Object.entries(SYNONYMS) as [Mineral, string[]][]) {
  for (const w of words) LOOKUP.set(normaliseWord(w), id);
}

/** The canonical mineral a word names, if any (`dhahabu` → gold, `cassitérite` → tin). */
export function parseMineral(word: string): Mineral | undefined {
  return LOOKUP.get(normaliseWord(word));
}

/** The unit a mineral is usually sold by, used when a report gives none. */
export function defaultUnitFor(mineral: Mineral): Unit {
  switch (mineral) {
    case 'gold':
    case 'silver':
      return 'g';
    case 'diamond':
    case 'sapphire':
      return 'ct';
    default:
      return 'kg';
  }
}

/** Units prices are quoted per. */
export const UNITS = ['g', 'kg', 'ct', 'oz', 'tola', 't'] as const;
/** A unit a price is quoted per. */
export type Unit = (typeof UNITS)[number];

const UNIT_WORDS: Record<Unit, string[]> = {
  g: ['g', 'gr', 'gm', 'gram', 'grams', 'gramme', 'grammes', 'gramu', 'gramo', 'gramos', 'grama', 'gramas'],
  kg: ['kg', 'kgs', 'kilo', 'kilos', 'kilogram', 'kilogramme', 'kilogramu', 'kilogramo', 'quilo', 'quilos'],
  ct: ['ct', 'carat', 'carats', 'karati', 'quilate', 'quilates', 'cts'],
  oz: ['oz', 'ounce', 'ounces', 'once', 'onces', 'onza', 'onzas', 'onca', 'ozt'],
  tola: ['tola', 'tolas'],
  t: ['t', 'tonne', 'tonnes', 'ton', 'tons', 'tani', 'tonelada', 'toneladas'],
};
const UNIT_LOOKUP = new Map<string, Unit>();
for (const [id, words] of Object.entries(UNIT_WORDS) as [Unit, string[]][]) {
  for (const w of words) UNIT_LOOKUP.set(normaliseWord(w), id);
}

/** The unit a word names, if any (`gramu` → g, `kilo` → kg). */
export function parseUnit(word: string): Unit | undefined {
  return UNIT_LOOKUP.get(normaliseWord(word));
}
