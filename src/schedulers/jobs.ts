import { fanOut, finishBroadcasts, runDueBroadcasts, FanoutSettings } from '../campaigns/broadcasts';
import { purgeOld, sendPriceDigest } from '../campaigns/digest';
import { sendPollReminders } from '../campaigns/polls';
import { StartFlow, fanOutSurvey } from '../campaigns/surveys';
import { Language } from '../domain/language';
import { Translator } from '../i18n';
import { digestTips } from '../knowledge/digest';
import { deliverLessons } from '../knowledge/lessons';
import { lastMonth, prepareBulletin } from '../knowledge/bulletin';
import { sendEventReminders } from '../knowledge/reminders';
import { Broadcast } from '../models';
import { deleteDueRecordings } from '../reports/recordings';
import { foldAllPending } from '../stats/rollups';
import { Store } from '../store/types';
import { Job } from '.';

/** What the service's recurring jobs need. */
export interface JobDeps {
  store: Store;
  translator: Translator;
  fanout: FanoutSettings;
  startFlow: StartFlow;
  /** Inbound messages left unhandled (a crash, the store away): handled again. */
  retryInbound: () => Promise<unknown>;
  /** Something was queued: the outbox sends it now. */
  wakeOutbox: () => void;
  /** Deletes a spoken description at the provider (the voice line, when Twilio is set up). */
  deleteRecording?: (sid: string) => Promise<void>;
  settings: {
    defaultLanguage: Language;
    smsFoldGsm: boolean;
    deliveryHour: number;
    digestCron: string;
    retentionDays: number;
    /** Small cells of the bulletin (`PUBLIC_MIN_CELL`). */
    minCell: number;
  };
  clock?: () => Date;
}

/**
 * Every recurring job of the service, each run once across instances (a store lease):
 * what is due goes, and a job that queued messages wakes the outbox.
 */
export function serviceJobs(d: JobDeps): Job[] {
  const { store, translator, fanout, startFlow, settings: s } = d;
  const now = () => d.clock?.() ?? new Date();
  const queued = (n: number) => {
    if (n) d.wakeOutbox();
    return n;
  };
  return [
    {
      name: 'inbound-retry',
      cron: '* * * * *',
      run: d.retryInbound,
      // on the embedded engine, start-up resumes everything at once (see start)
      runAtStart: store.engine === 'mongo',
    },
    {
      name: 'broadcasts',
      cron: '* * * * *',
      runAtStart: true,
      run: async () => {
        const fanOutOne = (b: Broadcast) =>
          b.surveyId ? fanOutSurvey(store, b, fanout, startFlow) : fanOut(store, b, fanout);
        const n = queued(
          (await runDueBroadcasts(store, fanout, new Date(), fanOutOne)) +
            (await sendPollReminders(store, translator, fanout)),
        );
        await finishBroadcasts(store);
        return n;
      },
    },
    {
      name: 'price-digest',
      cron: s.digestCron,
      catchUpAfterMs: 7 * 86_400_000,
      run: async () => {
        const at = new Date();
        const tips = await digestTips(store, translator, s.defaultLanguage, at);
        return queued(await sendPriceDigest(store, translator, fanout, at, tips));
      },
    },
    {
      // lessons of the series people follow, at their delivery hour (catches up at start)
      name: 'lessons',
      cron: '*/10 * * * *',
      runAtStart: true,
      run: async () => queued(await deliverLessons(store, translator, startFlow, s, now())),
    },
    {
      // the day before an event, everyone who said GO (catches up at start)
      name: 'event-reminders',
      cron: '5 * * * *',
      runAtStart: true,
      run: async () => queued(await sendEventReminders(store, translator, s, now())),
    },
    {
      // on the 1st, the draft bulletin of the month before, for staff to review and publish
      name: 'bulletin',
      cron: '0 6 1 * *',
      catchUpAfterMs: 31 * 86_400_000,
      run: () => prepareBulletin(store, lastMonth(now()), s.minCell, now()),
    },
    ...(d.deleteRecording
      ? [
          {
            name: 'recordings',
            cron: '*/10 * * * *',
            run: () => deleteDueRecordings(store, d.deleteRecording!, now()),
          },
        ]
      : []),
    {
      name: 'retention',
      cron: '30 2 * * *',
      run: () => purgeOld(store, s.retentionDays),
    },
    // what a crash left uncounted (folds are otherwise asked for after each message)
    { name: 'price-rollups', cron: '* * * * *', run: () => foldAllPending(store), runAtStart: true },
  ];
}
