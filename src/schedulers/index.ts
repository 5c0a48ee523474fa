import { randomUUID } from 'node:crypto';
import cron, { ScheduledTask } from 'node-cron';
import { Logger, cronLogger } from '../log';
import { Store } from '../store/types';
import { acquireLease, releaseLease } from '../store/lease';

/** A recurring job: a cron expression and what to run. */
export interface Job {
  name: string;
  cron: string;
  run: () => Promise<unknown>;
  /** How long the lease holds; longer than the job takes. */
  leaseMs?: number;
  /** Run once at start: whatever came due while the service was down is done once, not once per missed tick. */
  runAtStart?: boolean;
  /**
   * For periodic jobs (a weekly digest): at start, run once if the last run is older
   * than this — a tick was missed while the service was down.
   */
  catchUpAfterMs?: number;
}

/**
 * node-cron jobs guarded by a store lease, so that with several app instances only
 * one fires each job. A job never overlaps itself within one instance either.
 */
export class Scheduler {
  private owner = randomUUID();
  private tasks: ScheduledTask[] = [];
  private running = new Map<string, Promise<void>>();

  constructor(
    private store: Store,
    private jobs: Job[],
    private log: Logger,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      this.tasks.push(
        cron.schedule(job.cron, () => void this.runNow(job.name), {
          name: job.name,
          logger: cronLogger(this.log),
        }),
      );
      if (job.runAtStart) void this.runNow(job.name);
      if (job.catchUpAfterMs) void this.catchUp(job);
    }
  }

  private async catchUp(job: Job): Promise<void> {
    try {
      const last = await this.store.collection('jobRuns').findOne({ _id: job.name });
      if (!last) {
        // Never ran: the schedule starts now, nothing was missed.
        await this.store
          .collection('jobRuns')
          .updateOne({ _id: job.name }, { $set: { lastRunAt: new Date() } }, { upsert: true });
        return;
      }
      if (Date.now() - last.lastRunAt.getTime() > job.catchUpAfterMs!) {
        this.log.info(
          { job: job.name, lastRunAt: last.lastRunAt },
          'running a job missed while the service was down',
        );
        await this.runNow(job.name);
      }
    } catch (err) {
      this.log.error({ err, job: job.name }, 'catch-up failed');
    }
  }

  /**
   * Runs a job now if this instance can take its lease; resolves when it is done. Asked
   * while it runs, it waits and runs once more, so nothing that came due meanwhile waits a tick.
   */
  async runNow(name: string): Promise<boolean> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown job ${name}`);
    const current = this.running.get(name);
    if (current) {
      await current;
      return this.runNow(name);
    }
    let ran = false;
    const p = (async () => {
      try {
        if (!(await acquireLease(this.store, `job:${name}`, this.owner, job.leaseMs ?? 5 * 60_000))) return;
        ran = true;
        const result = await job.run();
        await this.store
          .collection('jobRuns')
          .updateOne({ _id: name }, { $set: { lastRunAt: new Date() } }, { upsert: true });
        this.log.debug({ job: name, result }, 'job done');
      } catch (err) {
        this.log.error({ err, job: name }, 'job failed');
      } finally {
        await releaseLease(this.store, `job:${name}`, this.owner).catch(() => undefined);
      }
    })();
    this.running.set(name, p);
    await p;
    this.running.delete(name);
    return ran;
  }

  /** Stops firing and waits for running jobs. */
  async stop(): Promise<void> {
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
    await Promise.all(this.running.values());
  }
}
