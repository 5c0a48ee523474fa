import { Store } from '../store/types';

/** How many recordings one run deletes at most (the rest wait for the next run). */
const BATCH = 200;

/**
 * Deletes spoken descriptions at the provider when nothing may keep them any more: the
 * ones an anonymous report dropped (listed on their call, never on the report), and those
 * of reports older than the retention (the report stays, its recording goes). A deletion
 * that fails is tried again on the next run. Returns how many were deleted.
 */
export async function deleteDueRecordings(
  store: Store,
  remove: (sid: string) => Promise<void>,
  retentionDays: number,
  now: Date,
): Promise<number> {
  let deleted = 0;
  const calls = store.collection('voiceCalls');
  for (const call of await calls.find({ 'deleteRecordings.0': { $exists: true } }, { limit: BATCH })) {
    for (const sid of call.deleteRecordings ?? []) {
      await remove(sid);
      await calls.updateOne({ _id: call._id }, { $pull: { deleteRecordings: sid } });
      deleted++;
    }
  }
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const reports = store.collection('reports');
  const old = await reports.find(
    { 'recording.sid': { $exists: true }, createdAt: { $lt: cutoff } },
    { limit: BATCH, projection: { recording: 1 } },
  );
  for (const r of old) {
    await remove(r.recording!.sid);
    await reports.updateOne({ _id: r._id }, { $unset: { recording: '' } });
    deleted++;
  }
  return deleted;
}
