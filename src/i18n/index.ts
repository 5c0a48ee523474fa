import fs from 'node:fs';
import path from 'node:path';
import i18next, { i18n as I18n } from 'i18next';
import { LANGUAGES, Language } from '../domain/language';

/** Where translations live: `locales/<lng>/*.json`, merged per language. */
export const LOCALES_DIR = path.resolve(__dirname, '../../locales');

/* eslint-disable @typescript-eslint/no-explicit-any */

function deepMerge(a: any, b: any): any {
  for (const [k, v] of Object.entries(b)) {
    if (v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object')
      deepMerge(a[k], v);
    else a[k] = v;
  }
  return a;
}

/** Reads every `locales/<lng>/*.json` file into one resource tree per language. */
export function loadResources(dir = LOCALES_DIR): Record<Language, Record<string, unknown>> {
  const out = {} as Record<Language, Record<string, unknown>>;
  for (const lng of LANGUAGES) {
    out[lng] = {};
    const folder = path.join(dir, lng);
    if (!fs.existsSync(folder)) continue;
    for (const file of fs.readdirSync(folder).sort()) {
      if (!file.endsWith('.json')) continue;
      deepMerge(out[lng], JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')));
    }
  }
  return out;
}

/**
 * Translations for the whole service: the contact's language, then the deployment's
 * default, then English. Keys are structural (`flows.price.amount.prompt`), never English text.
 */
export class Translator {
  private i18n: I18n;
  readonly resources: Record<Language, Record<string, unknown>>;

  constructor(
    readonly defaultLanguage: Language,
    dir = LOCALES_DIR,
  ) {
    this.resources = loadResources(dir);
    this.i18n = i18next.createInstance();
    void this.i18n.init({
      initAsync: false,
      resources: Object.fromEntries(Object.entries(this.resources).map(([l, r]) => [l, { translation: r }])),
      lng: defaultLanguage,
      fallbackLng: [...new Set([defaultLanguage, 'en'])],
      supportedLngs: [...LANGUAGES],
      interpolation: { escapeValue: false },
      returnNull: false,
    } as any);
  }

  /**
   * The text for a key in a language, with `{{vars}}` filled. With a `context` (the
   * channel), `key_telegram` is preferred when it exists: richer wording where SMS needs brevity.
   */
  t(lng: Language | undefined, key: string, vars: Record<string, unknown> = {}, context?: string): string {
    return this.i18n.t(key, { ...vars, lng: lng ?? this.defaultLanguage, context }) as string;
  }

  /** A raw resource value (lists of keywords, for example) for one language, without fallback. */
  raw(lng: Language, key: string): unknown {
    return key.split('.').reduce<any>((o, k) => (o == null ? undefined : o[k]), this.resources[lng]);
  }
}
