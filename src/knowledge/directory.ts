import { NotFound } from '../domain/errors';
import { normaliseWord } from '../domain/language';
import { Topic } from '../domain/topics';
import { Contact, DirectoryEntry, EntryKind, Rsvp } from '../models';
import { Store } from '../store/types';

/** What staff write to make or change an entry. */
export type EntryInput = Omit<DirectoryEntry, '_id' | 'going' | 'createdBy' | 'createdAt' | 'updatedAt'>;

/** Adds an entry. */
export async function createEntry(store: Store, input: EntryInput, by: string, now = new Date()) {
  return store
    .collection('directory')
    .insertOne({ ...input, going: 0, createdBy: by, createdAt: now, updatedAt: now });
}

/** Changes an entry; `NotFound` when there is none. */
export async function updateEntry(
  store: Store,
  id: string,
  changes: Partial<EntryInput>,
  now = new Date(),
): Promise<DirectoryEntry> {
  const updated = await store
    .collection('directory')
    .findOneAndUpdate({ _id: id }, { $set: { ...changes, updatedAt: now } });
  if (!updated) throw new NotFound('no such directory entry');
  return updated;
}

/** Removes an entry and the answers to it. */
export async function deleteEntry(store: Store, id: string): Promise<void> {
  if (!(await store.collection('directory').deleteOne({ _id: id })))
    throw new NotFound('no such directory entry');
  await store.collection('rsvps').deleteMany({ entryId: id });
}

/** Entries for staff, events by date then the rest by name. */
export async function listEntries(
  store: Store,
  q: { kind?: EntryKind; topic?: Topic } = {},
): Promise<DirectoryEntry[]> {
  const filter: Record<string, unknown> = {};
  if (q.kind) filter.kind = q.kind;
  if (q.topic) filter.topics = q.topic;
  const all = await store.collection('directory').find(filter, { limit: 1000 });
  return all.sort(
    (a, b) =>
      (a.startsAt?.getTime() ?? Infinity) - (b.startsAt?.getTime() ?? Infinity) ||
      a.name.localeCompare(b.name),
  );
}

export async function findEntry(store: Store, id: string): Promise<DirectoryEntry | null> {
  return store.collection('directory').findOne({ _id: id });
}

/** What a person asks the directory. */
export interface HelpQuery {
  /** Events (`EVENTS`) or who helps (`HELP MERCURY`). */
  events: boolean;
  /** Wanted topics; empty: any (events only). */
  topics: Topic[];
  /** The person's region (their profile's). */
  region?: string;
  /** What they wrote: a region named in it (`HELP MERCURY KAMITUGA`) wins over the profile's. */
  text?: string;
  country?: string;
  lang: string;
  now: Date;
}

const same = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && normaliseWord(a) === normaliseWord(b);

/**
 * The entries that answer a query, best first: those serving the person's region (named
 * in the message, else their profile's; returned as `region`), then those serving the
 * whole country, then the rest of the country; in the person's language before others;
 * events soonest first. Never an entry for another country, nor an event that is over.
 */
export async function findHelp(
  store: Store,
  q: HelpQuery,
): Promise<{ entries: DirectoryEntry[]; region?: string }> {
  const filter: Record<string, unknown> = q.events
    ? { kind: 'event', startsAt: { $gte: new Date(q.now.getTime() - 3 * 3_600_000) } }
    : { kind: { $ne: 'event' } };
  if (q.topics.length) filter.topics = { $in: q.topics };
  const found = (await store.collection('directory').find(filter, { limit: 500 }))
    .filter((e) => !q.country || e.countries.length === 0 || e.countries.includes(q.country))
    .filter((e) => !e.endsAt || e.endsAt > q.now);
  // a region is worth naming only if some answer serves it
  const region =
    (q.text &&
      regionNamed(
        q.text,
        found.flatMap((e) => e.regions),
      )) ||
    q.region;
  const place = (e: DirectoryEntry) =>
    e.regions.some((r) => same(r, region)) ? 0 : e.regions.length === 0 ? 1 : 2;
  const spoken = (e: DirectoryEntry) => (e.languages.length === 0 || e.languages.includes(q.lang) ? 0 : 1);
  const entries = found.sort(
    (a, b) =>
      place(a) - place(b) ||
      spoken(a) - spoken(b) ||
      (a.startsAt?.getTime() ?? 0) - (b.startsAt?.getTime() ?? 0) ||
      a.name.localeCompare(b.name),
  );
  return { entries, region };
}

/** A region named among the words of a message (`HELP MERCURY KAMITUGA`), if any. */
export function regionNamed(text: string, regions: readonly string[]): string | undefined {
  const words = ` ${normaliseWord(text).replace(/[^A-Z0-9]+/g, ' ')} `;
  return regions
    .filter((r) =>
      words.includes(
        ` ${normaliseWord(r)
          .replace(/[^A-Z0-9]+/g, ' ')
          .trim()} `,
      ),
    )
    .sort((a, b) => b.length - a.length)[0];
}

/**
 * `GO`: the person will come to an event. Counted once per person; the reminder goes the
 * day before. Returns false when they had said so already.
 */
export async function rsvp(
  store: Store,
  entry: DirectoryEntry,
  contact: Contact,
  now: Date,
): Promise<boolean> {
  const _id = `${entry._id}:${contact._id}`;
  if (await store.collection('rsvps').findOne({ _id })) return false;
  await store.collection('rsvps').insertOne({
    _id,
    entryId: entry._id,
    contactId: contact._id,
    region: contact.region,
    role: contact.role,
    createdAt: now,
    startsAt: entry.startsAt!,
  });
  await store.collection('directory').updateOne({ _id: entry._id }, { $inc: { going: 1 } });
  return true;
}

/** Who is coming to an event: counts by region and role (every role), and the people (admins). */
export async function attendance(
  store: Store,
  entryId: string,
): Promise<{
  total: number;
  byRegion: Record<string, number>;
  byRole: Record<string, number>;
  rsvps: Rsvp[];
}> {
  const rsvps = await store.collection('rsvps').find({ entryId }, { sort: { createdAt: 1 } });
  const count = (key: (r: Rsvp) => string | undefined) => {
    const out: Record<string, number> = {};
    for (const r of rsvps) out[key(r) ?? 'unknown'] = (out[key(r) ?? 'unknown'] ?? 0) + 1;
    return out;
  };
  return { total: rsvps.length, byRegion: count((r) => r.region), byRole: count((r) => r.role), rsvps };
}

/** Who said GO, with a number to reach them by: for admins only. */
export async function attendees(store: Store, rsvps: Rsvp[]) {
  return Promise.all(
    rsvps.map(async (x) => {
      const c = await store.collection('contacts').findOne({ _id: x.contactId });
      const phone = c?.addresses.find((a) => a.channel === 'sms' || a.channel === 'whatsapp')?.value;
      return { contactId: x.contactId, phone, region: x.region, role: x.role };
    }),
  );
}
