import { Language } from './language';

/**
 * What a phone number's country suggests before a person tells us anything: the
 * language to greet them in and the currency prices are most likely quoted in.
 * From the countries in the programme's domain notes; anything else falls back to settings.
 */
const COUNTRY_DEFAULTS: Record<string, { language: Language; currency: string }> = {
  CD: { language: 'fr', currency: 'CDF' },
  TZ: { language: 'sw', currency: 'TZS' },
  KE: { language: 'sw', currency: 'KES' },
  UG: { language: 'en', currency: 'UGX' },
  GH: { language: 'en', currency: 'GHS' },
  BF: { language: 'fr', currency: 'XOF' },
  ML: { language: 'fr', currency: 'XOF' },
  CI: { language: 'fr', currency: 'XOF' },
  NE: { language: 'fr', currency: 'XOF' },
  CF: { language: 'fr', currency: 'XAF' },
  CM: { language: 'fr', currency: 'XAF' },
  ZW: { language: 'en', currency: 'USD' },
  ZM: { language: 'en', currency: 'ZMW' },
  MW: { language: 'en', currency: 'MWK' },
  MZ: { language: 'pt', currency: 'MZN' },
  BO: { language: 'es', currency: 'BOB' },
  PE: { language: 'es', currency: 'PEN' },
  EC: { language: 'es', currency: 'USD' },
  CO: { language: 'es', currency: 'COP' },
  BR: { language: 'pt', currency: 'BRL' },
  ID: { language: 'en', currency: 'IDR' },
  PH: { language: 'en', currency: 'PHP' },
};

/** The language and currency a country suggests, if Chimba knows the country. */
export function countryDefaults(
  country: string | undefined,
): { language: Language; currency: string } | undefined {
  return country ? COUNTRY_DEFAULTS[country] : undefined;
}
