import { Language } from './language';

/**
 * What a phone number's country suggests before a person tells us anything: the
 * language to greet them in and the currency prices are most likely quoted in.
 * From the countries in the programme's domain notes; anything else falls back to settings.
 */
const COUNTRY_DEFAULTS: Record<string, { language: Language; currency: string; timeZone: string }> = {
  CD: { language: 'fr', currency: 'CDF', timeZone: 'Africa/Lubumbashi' },
  TZ: { language: 'sw', currency: 'TZS', timeZone: 'Africa/Dar_es_Salaam' },
  KE: { language: 'sw', currency: 'KES', timeZone: 'Africa/Nairobi' },
  UG: { language: 'en', currency: 'UGX', timeZone: 'Africa/Kampala' },
  GH: { language: 'en', currency: 'GHS', timeZone: 'Africa/Accra' },
  BF: { language: 'fr', currency: 'XOF', timeZone: 'Africa/Ouagadougou' },
  ML: { language: 'fr', currency: 'XOF', timeZone: 'Africa/Bamako' },
  CI: { language: 'fr', currency: 'XOF', timeZone: 'Africa/Abidjan' },
  NE: { language: 'fr', currency: 'XOF', timeZone: 'Africa/Niamey' },
  CF: { language: 'fr', currency: 'XAF', timeZone: 'Africa/Bangui' },
  CM: { language: 'fr', currency: 'XAF', timeZone: 'Africa/Douala' },
  ZW: { language: 'en', currency: 'USD', timeZone: 'Africa/Harare' },
  ZM: { language: 'en', currency: 'ZMW', timeZone: 'Africa/Lusaka' },
  MW: { language: 'en', currency: 'MWK', timeZone: 'Africa/Blantyre' },
  MZ: { language: 'pt', currency: 'MZN', timeZone: 'Africa/Maputo' },
  BO: { language: 'es', currency: 'BOB', timeZone: 'America/La_Paz' },
  PE: { language: 'es', currency: 'PEN', timeZone: 'America/Lima' },
  EC: { language: 'es', currency: 'USD', timeZone: 'America/Guayaquil' },
  CO: { language: 'es', currency: 'COP', timeZone: 'America/Bogota' },
  BR: { language: 'pt', currency: 'BRL', timeZone: 'America/Belem' },
  ID: { language: 'en', currency: 'IDR', timeZone: 'Asia/Jakarta' },
  PH: { language: 'en', currency: 'PHP', timeZone: 'Asia/Manila' },
};

/** The language and currency a country suggests, if Chimba knows the country. */
export function countryDefaults(
  country: string | undefined,
): { language: Language; currency: string } | undefined {
  const d = country ? COUNTRY_DEFAULTS[country] : undefined;
  return d && { language: d.language, currency: d.currency };
}

/**
 * The time zone dates are told in for a country (where its mining regions are: eastern DR
 * Congo, the Brazilian Amazon); UTC for a country Chimba does not know.
 */
export function countryTimeZone(country: string | undefined): string {
  return (country && COUNTRY_DEFAULTS[country]?.timeZone) || 'UTC';
}
