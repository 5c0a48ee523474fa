import { countryTimeZone } from '../domain/country';
import { BadRequest } from '../domain/errors';
import { LANGUAGES, Language } from '../domain/language';
import { foldToGsm, smsCost } from '../domain/sms';
import { pickText } from '../i18n/texts';
import { DirectoryEntry } from '../models';

/** Translates a key with values, in one language. */
export type Say = (lang: Language, key: string, vars?: Record<string, unknown>) => string;

/** An event's date and time as people there say it: `jeu. 10 déc., 09:00`, in the event's country's time. */
export function eventWhen(entry: Pick<DirectoryEntry, 'startsAt' | 'countries'>, lang: Language): string {
  if (!entry.startsAt) return '';
  return new Intl.DateTimeFormat(lang, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone: countryTimeZone(entry.countries[0]),
  }).format(entry.startsAt);
}

/** The values an entry's answer is written with, in one language. */
export function entryVars(entry: DirectoryEntry, lang: Language, fallback: Language): Record<string, string> {
  const reach = [entry.place, entry.phone, entry.hours].filter(Boolean).join(', ');
  return {
    name: entry.name,
    summary: pickText(entry.summary, lang, fallback),
    where: entry.regions.join(', ') || entry.countries.join(', '),
    // an event's place leads into its summary; an organisation's contact is a sentence
    contact: reach && entry.kind !== 'event' ? `${reach}.` : reach,
    place: entry.place ?? entry.regions[0] ?? '',
    when: eventWhen(entry, lang),
  };
}

/** The one-SMS answer naming an entry (`HELP …`, `EVENTS`, `MORE`). */
export function entryAnswer(say: Say, entry: DirectoryEntry, lang: Language, fallback: Language): string {
  const key = entry.kind === 'event' ? 'directory.event' : 'directory.entry';
  return say(lang, key, entryVars(entry, lang, fallback)).replace(/ {2,}/g, ' ');
}

/**
 * The languages in which an entry's answer would not fit one SMS (GSM-7 folded as sent),
 * with its length: an entry is refused at save until staff shorten it.
 */
export function entryTooLong(
  say: Say,
  entry: DirectoryEntry,
  fallback: Language,
): { lang: Language; characters: number; segments: number }[] {
  return LANGUAGES.flatMap((lang) => {
    const text = foldToGsm(entryAnswer(say, entry, lang, fallback));
    const cost = smsCost(text);
    return cost.segments > 1 ? [{ lang, characters: text.length, segments: cost.segments }] : [];
  });
}

/**
 * Refuses an entry whose answer would not fit one SMS in some language, or an event
 * without a date: `BadRequest` naming the languages and lengths.
 */
export function checkEntry(say: Say, entry: DirectoryEntry, fallback: Language): void {
  if (entry.kind === 'event' && !entry.startsAt) throw new BadRequest('startsAt: an event needs a date');
  if (entry.kind === 'event' && !entry.place) throw new BadRequest('place: an event needs a place');
  if (entry.startsAt && entry.endsAt && entry.endsAt <= entry.startsAt)
    throw new BadRequest('endsAt: must be after startsAt');
  const long = entryTooLong(say, entry, fallback);
  if (long.length)
    throw new BadRequest(
      `the answer would not fit one SMS: ${long.map((l) => `${l.lang} ${l.characters} characters (${l.segments} SMS)`).join(', ')}; shorten the summary, the regions or the contact`,
      long,
    );
}
