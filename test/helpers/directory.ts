import { DirectoryEntry } from '../../src/models';
import { Store } from '../../src/store/types';
import { publishAnswer } from '../../src/knowledge/questions';
import { SeriesInput, createSeries } from '../../src/knowledge/series';
import { Translator } from '../../src/i18n';

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

/** A published answer as a test or a transcript writes it. */
export type SeedAnswer = {
  topics?: string[];
  question: Record<string, string>;
  answer: Record<string, string>;
};

/** Publishes answers as staff would have, before a conversation. */
export async function seedAnswers(store: Store, answers: SeedAnswer[], now: Date): Promise<void> {
  for (const a of answers) await publishAnswer(store, { topics: [], ...a, by: 'test', now });
}

/** Series as staff would have written them (through the same checks), before a conversation. */
export async function seedSeries(store: Store, all: SeriesInput[], now: Date): Promise<void> {
  for (const x of all) await createSeries(store, new Translator('en'), 'en', x, 'test', now);
}
