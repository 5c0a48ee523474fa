import { LANGUAGES, Language, normaliseWord } from '../domain/language';
import { Translator } from '../i18n';

/** Words that act from anywhere in a conversation, and report keywords. */
export const KEYWORDS = [
  'stop',
  'start',
  'help',
  'menu',
  'lang',
  'cancel',
  'price',
  'issue',
  'incident',
  'status',
  'link',
  'sub',
  'unsub',
  'profile',
  'skip',
  'yes',
  'no',
  'anon',
] as const;
/** One of the keywords. */
export type Keyword = (typeof KEYWORDS)[number];

/** Keywords that must be the whole message; the others may be followed by more words. */
const WHOLE_MESSAGE: ReadonlySet<Keyword> = new Set([
  'stop',
  'start',
  'help',
  'menu',
  'cancel',
  'skip',
  'yes',
  'no',
  'anon',
]);

/** A keyword found at the start of a message. */
export interface KeywordMatch {
  keyword: Keyword;
  /** The languages whose word it was; one language means the keyword tells the sender's language. */
  languages: Language[];
  /** The words after the keyword, as typed. */
  rest: string;
  /** The message ended with a question mark (`PRICE GOLD?` asks for prices). */
  question: boolean;
}

/**
 * Recognises keywords in every language at once (case- and accent-insensitive), from
 * the `keywords` lists in the locale files.
 */
export class KeywordMatcher {
  private words = new Map<string, { keyword: Keyword; languages: Language[] }[]>();

  constructor(translator: Translator) {
    for (const lng of LANGUAGES) {
      for (const kw of KEYWORDS) {
        const list = translator.raw(lng, `keywords.${kw}`);
        if (!Array.isArray(list)) continue;
        for (const w of list) {
          const key = normaliseWord(String(w));
          const entries = this.words.get(key) ?? [];
          let e = entries.find((x) => x.keyword === kw);
          if (!e) entries.push((e = { keyword: kw, languages: [] }));
          if (!e.languages.includes(lng)) e.languages.push(lng);
          this.words.set(key, entries);
        }
      }
    }
  }

  /** Every keyword word of every language (normalised), and the keywords it means. */
  vocabulary(): ReadonlyMap<string, readonly Keyword[]> {
    return new Map([...this.words].map(([w, entries]) => [w, entries.map((e) => e.keyword)]));
  }

  /** The keyword a message starts with, if any. `only` limits which keywords count. */
  match(text: string, only?: readonly Keyword[]): KeywordMatch | undefined {
    const question = /\?\s*$/.test(text);
    const trimmed = text.trim().replace(/[\s.!?,;:]+$/, '');
    const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(trimmed);
    if (!m) return undefined;
    const first = normaliseWord(m[1]).replace(/^\//, '');
    const rest = (m[2] ?? '').trim();
    for (const e of this.words.get(first) ?? []) {
      if (only && !only.includes(e.keyword)) continue;
      if (rest && WHOLE_MESSAGE.has(e.keyword)) continue;
      return { keyword: e.keyword, languages: e.languages, rest, question };
    }
    return undefined;
  }
}
