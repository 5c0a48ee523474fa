import { Contact } from '../../src/models';
import { NewDoc } from '../../src/store/types';

/**
 * `n` registered DRC contacts reachable by SMS through Twilio, numbered from `first`
 * (`+2439…`), each in the language `languageOf(i)` picks: seed data for fan-out tests.
 */
export function smsContacts(
  n: number,
  first: number,
  languageOf: (i: number) => 'fr' | 'sw' | 'en' = () => 'fr',
): NewDoc<Contact>[] {
  return Array.from({ length: n }, (_, i) => {
    const value = `+2439${String(first + i).padStart(8, '0')}`;
    return {
      addresses: [{ key: `sms:${value}`, channel: 'sms', value, transport: 'twilio', addedAt: new Date() }],
      country: 'CD',
      language: languageOf(i),
      registration: 'complete',
    };
  });
}
