import { LANGUAGES, Language, normaliseWord } from '../domain/language';
import { TOPICS, Topic } from '../domain/topics';
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
  'events',
  'more',
  'go',
  'ask',
  'learn',
  'pause',
  'next',
  'quit',
] as const;
/** One of the keywords. */
export type Keyword = (typeof KEYWORDS)[number];

/** Keywords that must be the whole message; the others may be followed by more words. */
const WHOLE_MESSAGE: ReadonlySet<Keyword> = new Set([
  'stop',
  'start',
  'menu',
  'more',
  'go',
  'pause',
  'next',
  'quit',
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
  /** Words naming a topic, asking who helps, asking about events: every language's at once. */
  private topicWords = new Map<string, Topic>();
  private helpWords = new Set<string>();
  private eventWords = new Set<string>();

  constructor(translator: Translator) {
    const list = (lng: Language, key: string) => {
      const v = translator.raw(lng, key);
      return Array.isArray(v) ? v.map((w) => normaliseWord(String(w))) : [];
    };
    for (const lng of LANGUAGES) {
      for (const topic of TOPICS)
        for (const w of list(lng, `topicWords.${topic}`)) this.topicWords.set(w, topic);
      for (const w of list(lng, 'helpWords')) this.helpWords.add(w);
      for (const w of list(lng, 'eventWords')) this.eventWords.add(w);
    }
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

  /** The topics a message names (`MERCURY`, `permits`, `zebaki`), in the order named. */
  topicsIn(text: string): Topic[] {
    const found: Topic[] = [];
    for (const token of tokens(text)) {
      const topic =
        this.topicWords.get(token) ??
        // a plural or an ending: `PERMITS` is `PERMIT`, `CONFLICTOS` is `CONFLICTO`
        [...this.topicWords].find(([w]) => w.length >= 5 && token.startsWith(w))?.[1];
      if (topic && !found.includes(topic)) found.push(topic);
    }
    return found;
  }

  /** Whether a message asks who can help ("who helps with permits", "nani anasaidia"). */
  asksHelp(text: string): boolean {
    return tokens(text).some((t) => this.helpWords.has(t));
  }

  /** Whether a message asks about trainings, meetings, dialogues. */
  asksEvents(text: string): boolean {
    return tokens(text).some((t) => this.eventWords.has(t));
  }
}

/** A message's words, normalised (upper case, no accents, no punctuation). */
function tokens(text: string): string[] {
  return normaliseWord(text)
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
}
