/** The languages Chimba speaks, as i18next language codes. */
export const LANGUAGES = ['en', 'fr', 'sw', 'es', 'pt'] as const;

/** One of the languages Chimba speaks. */
export type Language = (typeof LANGUAGES)[number];

/** Narrows a string to a supported language. */
export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** Each language's own name, as shown in the language menu. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  fr: 'Français',
  sw: 'Kiswahili',
  es: 'Español',
  pt: 'Português',
};

/**
 * Upper-cases and strips accents so that keyword matching ignores how people type
 * (ARRÊT, arret, Arret all match).
 */
export function normaliseWord(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .trim();
}
