import { Store } from '../store/types';

/** How many calls one run goes through at most (the rest wait for the next run). */
const BATCH = 200;

/**
 * Deletes spoken descriptions at the provider when nothing may keep them any more: the
 * ones an anonymous report dropped (at once), and those of confidential reports once the
 * retention has passed (the report stays, its `recording` goes). What is due is listed on
 * the calls (`voiceCalls.recordings`, found by the earliest due date through an index, never
 * by scanning reports). A deletion that fails is tried again on the next run. Returns how
 * many were deleted.
 */
export async function deleteDueRecordings(
  store: Store,
  remove: (sid: string) => Promise<void>,
  now: Date,
): Promise<number> {
  let deleted = 0;
  const calls = store.collection('voiceCalls');
  for (const call of await calls.find({ recordingsDue: { $lte: now } }, { limit: BATCH })) {
    const left = [];
    for (const r of call.recordings ?? []) {
      if (r.until > now) {
        left.push(r);
        continue;
      }
      await remove(r.sid);
      if (r.reportId)
        await store.collection('reports').updateOne({ _id: r.reportId }, { $unset: { recording: '' } });
      deleted++;
    }
    const due = left.reduce<Date | undefined>((d, r) => (!d || r.until < d ? r.until : d), undefined);
    await calls.updateOne(
      { _id: call._id },
      left.length
        ? { $set: { recordings: left, recordingsDue: due } }
        : { $unset: { recordings: '', recordingsDue: '' } },
    );
  }
  return deleted;
}
