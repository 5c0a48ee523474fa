import { contactLanguage, pickAddress } from '../contacts/contacts';
import { textFor } from '../i18n/texts';
import { BadRequest } from '../domain/errors';
import { LANGUAGES, Language } from '../domain/language';
import { MINERALS, parseMineral } from '../domain/minerals';
import { Address, Audience, Contact, ROLES } from '../models';
import { Filter, Store } from '../store/types';

/** The keys an audience may have; each an optional list, empty meaning everyone. */
export const AUDIENCE_KEYS = [
  'countries',
  'regions',
  'sites',
  'minerals',
  'roles',
  'languages',
  'channels',
] as const;

/** What staff choose for people whose language has no text: not sent (the default), or the fallback text. */
export const UNTRANSLATED = ['skip', 'fallback'] as const;
/** What happens to people whose language has no text. */
export type Untranslated = (typeof UNTRANSLATED)[number];

/** The MongoDB filter for an audience's contacts (opted-out ones included; callers split them). */
export function audienceFilter(a: Partial<Audience>): Filter {
  const f: Filter = {};
  if (a.countries?.length) f.country = { $in: a.countries };
  if (a.regions?.length) f.region = { $in: a.regions };
  if (a.sites?.length) f.site = { $in: a.sites };
  if (a.minerals?.length) f.minerals = { $in: a.minerals };
  if (a.roles?.length) f.role = { $in: a.roles };
  return f;
}

/** Case, accents and separators ignored: `Sud Kivu`, `sud-kivu` and `SUD_KIVU` are one place. */
export function placeKey(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s\-_.,'’/]+/g, '');
}

/** The distinct values contacts hold for a field, sorted. */
async function known(store: Store, field: 'country' | 'region' | 'site'): Promise<string[]> {
  const rows = await store
    .collection('contacts')
    .aggregate<{ _id: string | null }>([
      { $match: { [field]: { $type: 'string' } } },
      { $group: { _id: `$${field}` } },
    ]);
  return rows
    .map((r) => r._id)
    .filter((v): v is string => typeof v === 'string' && v !== '')
    .sort((a, b) => a.localeCompare(b));
}

function listed(values: readonly string[], max = 30): string {
  if (!values.length) return 'none yet';
  return values.length > max
    ? `${values.slice(0, max).join(', ')} … (${values.length} in all)`
    : values.join(', ');
}

/**
 * Checks an audience against what the store holds and writes each value the way contacts
 * have it: a place written differently (`Sud Kivu` for `Sud-Kivu`) or a mineral in a local
 * name (`dhahabu`) is what the person meant; a value that matches nobody is refused with
 * the known values, unless `allowEmpty` (a list prepared before anyone registered there).
 */
export async function checkAudience(
  store: Store,
  a: Audience,
  opts: { allowEmpty?: boolean } = {},
): Promise<Audience> {
  const problems: { field: string; message: string }[] = [];
  const out: Audience = { ...a };

  const places = async (key: 'countries' | 'regions' | 'sites', field: 'country' | 'region' | 'site') => {
    if (!a[key]?.length) return;
    const values = await known(store, field);
    const byKey = new Map<string, string[]>();
    for (const v of values) byKey.set(placeKey(v), [...(byKey.get(placeKey(v)) ?? []), v]);
    const kept: string[] = [];
    for (const v of a[key]) {
      const hits = byKey.get(placeKey(v));
      if (hits) kept.push(...hits);
      else if (opts.allowEmpty) kept.push(key === 'countries' ? v.toUpperCase() : v);
      else
        problems.push({
          field: `audience.${key}`,
          message: `"${v}" matches no contact; known ${key}: ${listed(values)}`,
        });
    }
    out[key] = [...new Set(kept)];
  };
  await places('countries', 'country');
  await places('regions', 'region');
  await places('sites', 'site');

  out.minerals = [];
  for (const v of a.minerals ?? []) {
    const m = (MINERALS as readonly string[]).includes(v.toLowerCase()) ? v.toLowerCase() : parseMineral(v);
    if (m) out.minerals.push(m);
    else
      problems.push({
        field: 'audience.minerals',
        message: `"${v}" is not a mineral Chimba knows; use one of ${MINERALS.join(', ')}`,
      });
  }
  out.minerals = [...new Set(out.minerals)];

  out.roles = [];
  for (const v of a.roles ?? []) {
    const role = ROLES.find((r) => placeKey(r) === placeKey(v));
    if (role) out.roles.push(role);
    else
      problems.push({
        field: 'audience.roles',
        message: `"${v}" is not a role; use one of ${ROLES.join(', ')}`,
      });
  }
  out.roles = [...new Set(out.roles)];

  if (problems.length)
    throw new BadRequest(problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
  return out;
}

/** One recipient of a broadcast, resolved: who, where, which language they read and which text they get. */
export interface Recipient {
  contact: Contact;
  address: Address;
  lang: Language;
  /** The language of the text they get (theirs, or the fallback). */
  textLang: string;
}

/** Who reads each language in an audience, and what they get: their own text, a fallback, or nothing. */
export interface LanguagePlan {
  language: Language;
  recipients: number;
  /** The language of the text they get; undefined when none is written for them and fallbacks are off. */
  gets?: string;
  fallback: boolean;
}

/** Everyone an audience reaches, who it leaves out and why, and what each language gets. */
export interface ResolvedAudience {
  recipients: Recipient[];
  excluded: { optedOut: number; noChannel: number; untranslated: number };
  languages: LanguagePlan[];
}

/**
 * Resolves an audience to recipients, streamed (a 100,000-contact audience is read a batch
 * at a time, letting webhooks in between). With `texts`, people whose language has no text
 * get the fallback (default language, then English) only when `untranslated` is `fallback`.
 */
export async function resolveAudience(
  store: Store,
  audience: Partial<Audience>,
  fallback: Language,
  texts?: { languages: string[]; untranslated: Untranslated },
): Promise<ResolvedAudience> {
  const filter = audienceFilter(audience);
  const recipients: Recipient[] = [];
  const excluded = { optedOut: 0, noChannel: 0, untranslated: 0 };
  const plans = new Map<Language, LanguagePlan>();
  const written = texts ? Object.fromEntries(texts.languages.map((l) => [l, l])) : undefined;
  for await (const contact of store.collection('contacts').stream(filter)) {
    const lang = contactLanguage(contact, fallback);
    if (audience.languages?.length && !audience.languages.includes(lang)) continue;
    if (contact.optedOut) {
      excluded.optedOut++;
      continue;
    }
    const address = pickAddress(contact, audience.channels);
    if (!address) {
      excluded.noChannel++;
      continue;
    }
    const pick = written ? textFor(written, lang, fallback) : { lang, fallback: false };
    const skip = pick.fallback && texts?.untranslated !== 'fallback';
    let plan = plans.get(lang);
    if (!plan)
      plans.set(
        lang,
        (plan = {
          language: lang,
          recipients: 0,
          gets: skip ? undefined : pick.lang,
          fallback: pick.fallback,
        }),
      );
    plan.recipients++;
    if (skip) {
      excluded.untranslated++;
      continue;
    }
    recipients.push({ contact, address, lang, textLang: pick.lang });
  }
  const languages = [...plans.values()].sort(
    (x, y) => LANGUAGES.indexOf(x.language) - LANGUAGES.indexOf(y.language),
  );
  return { recipients, excluded, languages };
}

/**
 * A creation that reaches nobody is refused unless asked for: a typo in an audience must
 * not pass for a broadcast that was sent.
 */
export function refuseEmpty(resolved: ResolvedAudience, allowEmpty: boolean | undefined): void {
  if (resolved.recipients.length || allowEmpty) return;
  const e = resolved.excluded;
  throw new BadRequest(
    `audience: reaches nobody (${e.optedOut} opted out, ${e.noChannel} without a channel, ${e.untranslated} without a text in their language); send "allowEmpty": true to create it anyway`,
    [{ field: 'audience', message: 'reaches nobody' }],
  );
}
