import { Language } from '../../domain/language';
import { numberWords } from '../../domain/numberWords';
import { Translator } from '../../i18n';
import { ClipLibrary } from './clips';

/**
 * What the voice line says, as pieces: each is a text in a language and, where a recorded
 * clip can stand for it, the clip's name. A language Twilio's `<Say>` speaks is said as text
 * (adjacent pieces joined); Swahili, which `<Say>` lacks, is played clip by clip; a staff
 * recording of a piece wins in every language.
 */
export interface Segment {
  lang: Language;
  text: string;
  name?: string;
}

/** Languages `<Say>` speaks, with the voice's locale (Portuguese as in Mozambique and Angola). */
export const SAY_LANGUAGES: Partial<Record<Language, string>> = {
  en: 'en-GB',
  fr: 'fr-FR',
  es: 'es-MX',
  pt: 'pt-PT',
};

/** One verb of the answer: text said in a language, or audio played from the service. */
export type Utterance = { say: string; language: string } | { play: string };

const NUMBER_VARS = new Set(['amount', 'refAmount', 'localAmount', 'median', 'n', 'days', 'injured', 'dead']);
const CURRENCY_VARS = new Set(['currency', 'refCurrency', 'localCurrency']);
const UNIT_VARS = new Set(['unit', 'refUnit', 'localUnit']);
/** Labels spoken inside other texts, found again by their text (a mineral's name in a confirmation). */
const LABEL_TREES = ['minerals', 'incidents', 'privacy'];

// values are marked with two control characters no translation contains, then cut out
// eslint-disable-next-line no-control-regex
const MARK = /\u0001(\w+)\u0002/;
const SPOKEN = /[\p{L}\p{N}]/u;

/** A number as people write it in `lang` (`280,000`, `280 000`, `61,50`), read back. */
function readAmount(value: unknown, lang: Language): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const decimal = lang === 'en' || lang === 'sw' ? '.' : ',';
  const plain = value
    .replace(new RegExp(`[^0-9${decimal === '.' ? '.' : ','}]`, 'g'), '')
    .replace(decimal, '.');
  const n = Number(plain);
  return plain && Number.isFinite(n) ? n : undefined;
}

/** Turns locale texts into segments, reading numbers, currencies, units and references the way a person says them. */
export class Speaker {
  private labels = new Map<Language, Map<string, string>>();

  constructor(
    readonly translator: Translator,
    readonly clips: ClipLibrary,
  ) {}

  /**
   * A text of the locale with its values: the fixed pieces become clips named after the key
   * (`voice.option.0`, `voice.option.1`…), the values are read by what they are. A value may
   * also be segments already (an option's label).
   */
  say(lang: Language, key: string, vars: Record<string, unknown> = {}): Segment[] {
    const marked = Object.fromEntries(Object.keys(vars).map((k) => [k, `\u0001${k}\u0002`]));
    const pieces = this.translator.t(lang, key, marked).split(MARK);
    const single = pieces.length === 1;
    return pieces.flatMap((piece, i) => {
      if (i % 2 === 0) return piece ? [{ lang, text: piece, name: single ? key : `${key}.${i / 2}` }] : [];
      return this.value(lang, piece, vars[piece]);
    });
  }

  /** The pieces a text is cut into at its values, with their clip names (what `npm run voice:audio` records). */
  pieces(lang: Language, key: string): Segment[] {
    const raw = this.translator.t(lang, key, {});
    const names = [...raw.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]);
    const vars = Object.fromEntries(names.map((n) => [n, [] as Segment[]]));
    return this.say(lang, key, vars);
  }

  /** A number in words, one clip per word (`words.mia`). */
  number(lang: Language, n: number): Segment[] {
    return numberWords(n, lang).map((w) => ({ lang, text: w, name: `words.${w}` }));
  }

  /** A reference read sign by sign: `P-4K7Q2` is P, four, K, seven, Q, two. */
  spell(lang: Language, text: string): Segment[] {
    return [...text.toUpperCase()].flatMap((c) => {
      if (/[0-9]/.test(c)) return this.number(lang, Number(c));
      if (/[A-Z]/.test(c)) return [{ lang, text: c, name: `letters.${c}` }];
      return [];
    });
  }

  /** A translated label, its clip named after its key (`minerals.gold`). */
  label(lang: Language, key: string): Segment {
    return { lang, text: this.translator.t(lang, key), name: key };
  }

  private value(lang: Language, name: string, value: unknown): Segment[] {
    if (Array.isArray(value)) return value as Segment[];
    if (NUMBER_VARS.has(name)) {
      const n = readAmount(value, lang);
      if (n !== undefined) return this.number(lang, n);
    }
    const text = String(value ?? '');
    if (CURRENCY_VARS.has(name) && /^[A-Z]{3}$/.test(text)) {
      const key = `voice.currencies.${text}`;
      return this.has(lang, key) ? [this.label(lang, key)] : this.spell(lang, text);
    }
    if (UNIT_VARS.has(name) && this.has(lang, `voice.units.${text}`))
      return [this.label(lang, `voice.units.${text}`)];
    if (name === 'ref') return this.spell(lang, text);
    const key = this.labelKey(lang, text);
    return text ? [key ? this.label(lang, key) : { lang, text }] : [];
  }

  private has(lang: Language, key: string): boolean {
    return this.translator.t(lang, key) !== key;
  }

  private labelKey(lang: Language, text: string): string | undefined {
    let map = this.labels.get(lang);
    if (!map) {
      map = new Map();
      const tree = this.translator.resources[lang] as Record<string, Record<string, string>>;
      for (const t of LABEL_TREES)
        for (const [k, v] of Object.entries(tree[t] ?? {})) map.set(v, `${t}.${k}`);
      this.labels.set(lang, map);
    }
    return map.get(text);
  }

  /**
   * How the segments are heard: recordings played, `<Say>` languages said (adjacent texts
   * joined), generated clips played; `missing` lists what has no way to be heard (a text
   * staff wrote in Swahili without a recording), which the caller must not be left to hear
   * as silence.
   */
  plan(segments: Segment[]): { utterances: Utterance[]; missing: Segment[] } {
    const utterances: Utterance[] = [];
    const missing: Segment[] = [];
    for (const s of segments) {
      const recorded = s.name && this.clips.recording(s.lang, s.name);
      const language = SAY_LANGUAGES[s.lang];
      const last = utterances[utterances.length - 1];
      if (recorded) utterances.push({ play: this.clips.url(s.lang, s.name!) });
      else if (language && last && 'say' in last && last.language === language)
        last.say = joinWords(last.say, s.text);
      else if (language) utterances.push({ say: s.text.trim(), language });
      else if (!SPOKEN.test(s.text)) continue;
      else if (this.clips.source(s.lang, s.name, s.text) === 'generated')
        utterances.push({ play: this.clips.url(s.lang, s.name!) });
      else missing.push(s);
    }
    return { utterances: utterances.filter((u) => !('say' in u) || SPOKEN.test(u.say)), missing };
  }

  /** The segments as one text (the simulator's transcript, a call's log). */
  static text(segments: Segment[]): string {
    return segments.reduce((acc, s) => joinWords(acc, s.text), '').trim();
  }
}

/** Two pieces of speech as one text: a space between them unless the second starts with punctuation. */
function joinWords(a: string, b: string): string {
  return `${a}${/^[\s,.:;!?]/.test(b) || !a ? '' : ' '}${b}`.replace(/\s+/g, ' ');
}
