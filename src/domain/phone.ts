import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** A phone number in E.164 and the country it belongs to, when known. */
export interface Phone {
  e164: string;
  country?: string;
}

/**
 * Normalises a phone number to E.164 (libphonenumber-js). Providers send E.164
 * already; people typing numbers (on-call lists, the simulator) may not.
 */
export function parsePhone(raw: string, defaultCountry?: string): Phone | undefined {
  const p = parsePhoneNumberFromString(raw.trim(), defaultCountry as never);
  if (!p || !p.isPossible()) return undefined;
  return { e164: p.number, country: p.country };
}
