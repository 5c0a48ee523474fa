import { DuplicateKey } from '../domain/errors';
import { CollectionName, SCHEMAS } from '../models';
import { Store } from './types';

/** How many documents each collection has on each side after a copy. */
export type CopyReport = Record<string, { source: number; target: number; copied: number }>;

/**
 * Copies every collection of one store into another (the embedded store into MongoDB when
 * a pilot outgrows one machine), in batches, keeping ids. The target must be empty unless
 * `resume` is set, in which case documents already there are skipped (a copy that was
 * interrupted can be run again). Says, per collection, what each side holds afterwards.
 */
export async function copyStore(
  source: Store,
  target: Store,
  options: { resume?: boolean; batch?: number; onProgress?: (name: string, copied: number) => void } = {},
): Promise<CopyReport> {
  const names = Object.keys(SCHEMAS) as CollectionName[];
  if (!options.resume) {
    for (const name of names) {
      const n = await target.collection(name).countDocuments({});
      if (n)
        throw new Error(
          `the target already holds ${n} documents in ${name}: copy into an empty database, or pass --resume`,
        );
    }
  }
  const size = options.batch ?? 1000;
  const report: CopyReport = {};
  for (const name of names) {
    const to = target.collection(name);
    let batch: Record<string, unknown>[] = [];
    let copied = 0;
    const flush = async () => {
      if (!batch.length) return;
      try {
        copied += await to.insertMany(batch as never[]);
      } catch (err) {
        if (!(err instanceof DuplicateKey) || !options.resume) throw err;
        for (const d of batch) {
          try {
            await to.insertOne(d as never);
            copied++;
          } catch (e) {
            if (!(e instanceof DuplicateKey)) throw e;
          }
        }
      }
      batch = [];
      options.onProgress?.(name, copied);
    };
    for await (const doc of source.collection(name).stream({}, { sort: { _id: 1 } })) {
      batch.push(doc as unknown as Record<string, unknown>);
      if (batch.length >= size) await flush();
    }
    await flush();
    report[name] = {
      source: await source.collection(name).countDocuments({}),
      target: await to.countDocuments({}),
      copied,
    };
  }
  return report;
}
