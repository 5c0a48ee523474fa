import { Language } from '../domain/language';

/**
 * The text for a language, falling back to the default language, then English, then any.
 * `fallback: true` when the person does not get their own language. The one rule for
 * every text staff write in several languages (broadcasts, polls, surveys).
 */
export function textFor(
  text: Record<string, string>,
  lang: Language | string,
  fallback: Language | string,
): { lang: string; text: string; fallback: boolean } {
  for (const l of [lang, fallback, 'en'])
    if (text[l]) return { lang: l, text: text[l], fallback: l !== lang };
  const first = Object.entries(text)[0];
  if (!first) return { lang: fallback, text: '', fallback: true };
  return { lang: first[0], text: first[1], fallback: first[0] !== lang };
}

/** Just the text of {@link textFor}. */
export function pickText(
  text: Record<string, string>,
  lang: Language | string,
  fallback: Language | string,
): string {
  return textFor(text, lang, fallback).text;
}
