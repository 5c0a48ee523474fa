import { Contact } from '../../src/models';
import { NewDoc, Store } from '../../src/store/types';

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

/**
 * Contacts as they would be after registering (addresses, language, region, role, country),
 * inserted in batches: `make(i)` describes the i-th. SMS numbers are `+2557…` whatever
 * `country` says: audiences read the country field.
 */
export async function seedContacts(
  store: Store,
  n: number,
  make: (i: number) => {
    channel: 'sms' | 'telegram';
    language?: string;
    region?: string;
    role?: string;
    site?: string;
    country?: string;
    minerals?: string[];
    optedOut?: boolean;
  },
): Promise<void> {
  const docs = [];
  for (let i = 0; i < n; i++) {
    const c = make(i);
    const value =
      c.channel === 'sms' ? `+2557${String(10_000_000 + i).padStart(8, '0')}` : String(800_000_000 + i);
    docs.push({
      addresses: [
        {
          key: `${c.channel}:${value}`,
          channel: c.channel,
          value,
          transport: c.channel === 'sms' ? 'twilio' : 'telegram',
        },
      ],
      language: c.language,
      region: c.region,
      role: c.role,
      site: c.site,
      country: c.country,
      minerals: c.minerals ?? [],
      optedOut: c.optedOut ?? false,
      registration: 'complete',
    });
  }
  for (let i = 0; i < docs.length; i += 1000)
    await store.collection('contacts').insertMany(docs.slice(i, i + 1000) as never);
}
