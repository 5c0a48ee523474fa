import { countryDefaults } from '../domain/country';
import { Language } from '../domain/language';
import { Address, Contact } from '../models';

/**
 * The language a contact reads: theirs, their country's, then the deployment's. The one
 * rule every message to a contact outside a conversation (broadcasts, digests, triage
 * updates) follows.
 */
export function contactLanguage(c: Pick<Contact, 'language' | 'country'>, fallback: Language): Language {
  return c.language ?? countryDefaults(c.country)?.language ?? fallback;
}

/** The currency a contact most likely means when they name none: their country's, else the deployment's. */
export function contactCurrency(c: Pick<Contact, 'country'>, fallback: string): string {
  return countryDefaults(c.country)?.currency ?? fallback;
}

/** Where to reach a contact for a broadcast: Telegram when they have it (it costs nothing), else SMS. */
export function pickAddress(c: Pick<Contact, 'addresses'>, channels: string[] = []): Address | undefined {
  const usable = c.addresses.filter((a) => !channels.length || channels.includes(a.channel));
  return usable.find((a) => a.channel === 'telegram') ?? usable[0];
}

/**
 * The text for a language, falling back to the default language, then English, then any.
 * `fallback: true` when the person does not get their own language.
 */
export function textFor(
  text: Record<string, string>,
  lang: Language,
  fallback: Language,
): { lang: string; text: string; fallback: boolean } {
  for (const l of [lang, fallback, 'en'])
    if (text[l]) return { lang: l, text: text[l], fallback: l !== lang };
  const [l, t] = Object.entries(text)[0];
  return { lang: l, text: t, fallback: l !== lang };
}
