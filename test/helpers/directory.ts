import { DirectoryEntry } from '../../src/models';
import { Store } from '../../src/store/types';

/** A directory entry as a test or a transcript writes it: an event's start in hours from now. */
export type SeedEntry = Partial<DirectoryEntry> &
  Pick<DirectoryEntry, 'kind' | 'name'> & { startsInHours?: number };

/** Puts entries in the directory as staff would have, before a conversation. */
export async function seedDirectory(
  store: Store,
  entries: SeedEntry[],
  now: Date,
): Promise<DirectoryEntry[]> {
  const out: DirectoryEntry[] = [];
  for (const { startsInHours, ...e } of entries) {
    out.push(
      await store.collection('directory').insertOne({
        topics: [],
        regions: [],
        countries: [],
        languages: [],
        summary: {},
        going: 0,
        createdBy: 'test',
        createdAt: now,
        updatedAt: now,
        ...(startsInHours !== undefined
          ? { startsAt: new Date(now.getTime() + startsInHours * 3_600_000) }
          : {}),
        ...e,
      }),
    );
  }
  return out;
}
