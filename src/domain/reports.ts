import { normaliseWord } from './language';

/** Issue categories, from the ASM problem map. */
export const ISSUE_CATEGORIES = [
  'mercury',
  'child_labour',
  'women_safety',
  'land_conflict',
  'security',
  'health',
  'environment',
  'unfair_trade',
  'licensing',
  'other',
] as const;
/** An issue category. */
export type IssueCategory = (typeof ISSUE_CATEGORIES)[number];

/** Kinds of safety incident. */
export const INCIDENT_TYPES = [
  'collapse',
  'flooding',
  'fall',
  'machinery',
  'explosives',
  'toxic',
  'violence',
  'other',
] as const;
/** A kind of safety incident. */
export type IncidentType = (typeof INCIDENT_TYPES)[number];

/** How much of the reporter a report keeps. */
export const PRIVACY_LEVELS = ['confidential', 'anonymous'] as const;
/** A privacy level a reporter chooses. */
export type Privacy = (typeof PRIVACY_LEVELS)[number];

const ISSUE_WORDS: Record<IssueCategory, string[]> = {
  mercury: [
    'mercury',
    'mercure',
    'zebaki',
    'mercurio',
    'mercúrio',
    'chemicals',
    'chemical',
    'cyanide',
    'cyanure',
    'kemikali',
  ],
  child_labour: [
    'child',
    'children',
    'enfant',
    'enfants',
    'watoto',
    'mtoto',
    'nino',
    'ninos',
    'niño',
    'niños',
    'crianca',
    'criancas',
    'criança',
    'crianças',
  ],
  women_safety: [
    'women',
    'woman',
    'gbv',
    'femmes',
    'femme',
    'vbg',
    'wanawake',
    'mwanamke',
    'mujeres',
    'mujer',
    'mulheres',
    'mulher',
  ],
  land_conflict: ['land', 'terre', 'terrain', 'ardhi', 'tierra', 'terra', 'concession'],
  security: [
    'security',
    'violence',
    'extortion',
    'securite',
    'sécurité',
    'extorsion',
    'usalama',
    'vurugu',
    'seguridad',
    'extorsion',
    'seguranca',
    'segurança',
    'extorsao',
    'extorsão',
  ],
  health: ['health', 'sante', 'santé', 'afya', 'salud', 'saude', 'saúde'],
  environment: [
    'environment',
    'water',
    'river',
    'environnement',
    'eau',
    'riviere',
    'rivière',
    'mazingira',
    'maji',
    'mto',
    'ambiente',
    'agua',
    'água',
    'rio',
  ],
  unfair_trade: [
    'trade',
    'buyer',
    'buyers',
    'commerce',
    'acheteur',
    'biashara',
    'mnunuzi',
    'comercio',
    'comprador',
    'comércio',
  ],
  licensing: [
    'licence',
    'license',
    'permit',
    'officials',
    'permis',
    'leseni',
    'kibali',
    'licencia',
    'permiso',
    'licenca',
    'licença',
    'alvara',
    'alvará',
  ],
  other: ['other', 'autre', 'nyingine', 'otro', 'outro'],
};

const INCIDENT_WORDS: Record<IncidentType, string[]> = {
  collapse: [
    'collapse',
    'rockfall',
    'eboulement',
    'éboulement',
    'effondrement',
    'kuporomoka',
    'maporomoko',
    'kubomoka',
    'derrumbe',
    'derrumbamiento',
    'desabamento',
    'soterramento',
    'deslizamento',
  ],
  flooding: [
    'flood',
    'flooding',
    'inondation',
    'mafuriko',
    'maji',
    'inundacion',
    'inundación',
    'inundacao',
    'inundação',
    'alagamento',
  ],
  fall: ['fall', 'chute', 'kuanguka', 'caida', 'caída', 'queda'],
  machinery: ['machine', 'machinery', 'mashine', 'maquina', 'máquina', 'maquinaria'],
  explosives: [
    'explosion',
    'explosive',
    'explosives',
    'dynamite',
    'explosif',
    'explosifs',
    'baruti',
    'mlipuko',
    'explosivo',
    'explosivos',
    'explosión',
    'explosao',
    'explosão',
    'dinamita',
    'dinamite',
  ],
  toxic: ['toxic', 'gas', 'fumes', 'poison', 'toxique', 'gaz', 'sumu', 'gesi', 'toxico', 'tóxico', 'veneno'],
  violence: [
    'violence',
    'attack',
    'shooting',
    'attaque',
    'vurugu',
    'shambulio',
    'violencia',
    'ataque',
    'violência',
  ],
  other: ['other', 'autre', 'nyingine', 'otro', 'outro'],
};

function lookup<T extends string>(table: Record<T, string[]>): Map<string, T> {
  const m = new Map<string, T>();
  for (const [id, words] of Object.entries(table) as [T, string[]][])
    for (const w of words) m.set(normaliseWord(w), id);
  return m;
}
const ISSUE_LOOKUP = lookup(ISSUE_WORDS);
const INCIDENT_LOOKUP = lookup(INCIDENT_WORDS);

/** The issue category a word names, in any of the five languages. */
export function parseIssueCategory(word: string): IssueCategory | undefined {
  return ISSUE_LOOKUP.get(normaliseWord(word));
}

/** The incident type a word names, in any of the five languages. */
export function parseIncidentType(word: string): IncidentType | undefined {
  return INCIDENT_LOOKUP.get(normaliseWord(word));
}

/** Reads a count of people (injured, dead): a whole number from 0 to 10,000, digits only. */
export function parseCount(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,5}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= 10_000 ? n : undefined;
}

/** A reference number as people type it back: `r-4k7q2`, `R4K7Q2`, `ref R-4K7Q2`. */
export function parseReference(text: string): string | undefined {
  // the letters references are made of (no 0, 1, I, L, O), so a word is not read as one: "please" is not P-LEASE
  const m = /(?:^|[^0-9A-Z])([PRCQ])\s*-?\s*([2-9A-HJKMNP-Z]{5})(?![0-9A-Z])/i.exec(text.trim());
  return m ? `${m[1].toUpperCase()}-${m[2].toUpperCase()}` : undefined;
}
