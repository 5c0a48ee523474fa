import fs from 'node:fs';
import Database from 'better-sqlite3';
import { ChimbaError, StoreUnavailable } from '../../domain/errors';

/**
 * How writes reach the disk on the embedded engine: one writer at a time, many writes
 * per commit.
 *
 * - A **unit** (`unit(fn)`) has the store to itself while `fn` runs (other writers wait;
 *   readers do not), inside a savepoint: all its writes stay or none do. Handling one
 *   inbound message is one unit.
 * - A single write outside a unit runs at once (it is synchronous) inside its own savepoint.
 * - **Group commit**: units and writes join the open transaction; it commits when nobody
 *   is waiting to write (or the batch is big or old). Each caller is answered only once its
 *   commit is durable.
 * - **Durable off the event loop**: SQLite commits without syncing (`synchronous=NORMAL`,
 *   which keeps the store consistent); the write-ahead log is then fsynced on libuv's thread
 *   pool, and only then are that commit's callers answered. One fsync covers every commit
 *   made while the previous one ran, and webhooks are served meanwhile: the durability of
 *   `synchronous=FULL` without the event loop waiting for the disk.
 *
 * Readers on the same connection may see writes of the open batch before they are durable.
 * Nothing leaves the process on such a read alone: sending a message first claims it, and
 * a claim is a write, answered after the commit.
 */
export class Writer {
  private locked = false;
  private waiting: (() => void)[] = [];
  private open = false;
  private acks: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private commitTimer?: NodeJS.Immediate | NodeJS.Timeout;
  private lastCommit = 0;
  private openedAt = 0;
  private savepoints = 0;
  /** Committed, waiting for the next fsync of the log. */
  private unsynced: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private syncing = false;
  private walFd?: number;

  constructor(
    private db: Database.Database,
    /** The write-ahead log to fsync after commits; none (`sync: 'normal'`): a commit is enough. */
    private walFile?: string,
    private limits: { maxBatch: number; maxDelayMs: number; minIntervalMs: number } = {
      maxBatch: 500,
      maxDelayMs: 25,
      minIntervalMs: 4,
    },
  ) {}

  /** Runs a synchronous write now (or after the unit in progress), durably; resolves after its commit. */
  async write<T>(fn: () => T): Promise<T> {
    let result: T;
    if (!this.locked) result = this.run(fn);
    else {
      // a unit has the store: wait for it, then run before the next one
      await this.acquire();
      try {
        result = this.run(fn);
      } finally {
        this.release();
      }
    }
    await this.durable();
    return result;
  }

  /**
   * Runs `fn` with the store to itself; `fn` writes through `direct` (synchronous, no
   * waiting). All of it commits, or none of it does; resolves once committed.
   */
  async unit<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    let result: T;
    const name = this.begin();
    try {
      result = await fn();
      this.db.exec(`RELEASE ${name}`);
    } catch (err) {
      this.rollback(name);
      throw err;
    } finally {
      this.savepoints--;
      this.release();
    }
    await this.durable();
    return result;
  }

  /**
   * Runs `fn` with no write in progress and none starting (the open batch committed first):
   * for a checkpoint that must see the log whole. Writers wait; readers do not.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      this.commit(true);
      return await fn();
    } finally {
      this.release();
    }
  }

  /**
   * Runs a write of the unit in progress: in the unit's transaction, so it commits with it.
   * A write is atomic on its own (one statement, or the table's own savepoint when it
   * takes several).
   */
  direct<T>(fn: () => T): T {
    return fn();
  }

  /** Runs a write in the open batch (opening one when none is). */
  private run<T>(fn: () => T): T {
    this.openBatch();
    return fn();
  }

  private openBatch(): void {
    if (this.open) return;
    this.db.exec('BEGIN');
    this.open = true;
    this.openedAt = Date.now();
  }

  private begin(): string {
    this.openBatch();
    const name = `w${++this.savepoints}`;
    this.db.exec(`SAVEPOINT ${name}`);
    return name;
  }

  private rollback(name: string): void {
    try {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
    } catch {
      // the transaction itself is gone (an I/O error): the commit will say so
    }
  }

  private acquire(): Promise<void> {
    if (!this.locked) {
      this.locked = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    // a busy store always has a writer waiting: commit between two of them once the batch
    // is big or old enough, so acknowledgements never wait on an endless queue
    if (
      this.open &&
      (this.acks.length >= this.limits.maxBatch || Date.now() - this.openedAt >= this.limits.maxDelayMs)
    )
      this.commit(true);
    const next = this.waiting.shift();
    if (next) next();
    else this.locked = false;
    this.scheduleCommit();
  }

  /** Resolves once everything written so far is committed to disk. */
  private durable(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.acks.push({ resolve, reject });
      if (this.acks.length >= this.limits.maxBatch || Date.now() - this.openedAt >= this.limits.maxDelayMs)
        this.commitSoon(true);
      else this.scheduleCommit();
    });
  }

  private scheduleCommit(): void {
    if (this.open && !this.commitTimer) this.commitSoon(false);
  }

  private commitSoon(now: boolean): void {
    if (now && !this.locked) {
      this.clearTimer();
      this.commit();
      return;
    }
    if (this.commitTimer) return;
    const fire = () => {
      this.commitTimer = undefined;
      // nobody else waiting to write: commit what this batch holds
      if (!this.locked) this.commit();
    };
    // a store at rest commits at once; a busy one at most every `minIntervalMs`, so each
    // commit carries many writes (fewer pages written, one sync for all)
    const wait = this.lastCommit + this.limits.minIntervalMs - Date.now();
    this.commitTimer = wait > 0 ? setTimeout(fire, wait) : setImmediate(fire);
  }

  private clearTimer(): void {
    if (!this.commitTimer) return;
    clearTimeout(this.commitTimer as NodeJS.Timeout);
    clearImmediate(this.commitTimer as NodeJS.Immediate);
    this.commitTimer = undefined;
  }

  /** Commits the open batch (one fsync) and answers everyone in it. */
  commit(betweenUnits = false): void {
    if (!this.open || (this.locked && !betweenUnits)) return;
    const acks = this.acks;
    this.acks = [];
    this.open = false;
    this.lastCommit = Date.now();
    try {
      this.db.exec('COMMIT');
    } catch (err) {
      try {
        this.db.exec('ROLLBACK');
      } catch {
        // nothing left to roll back
      }
      const failure =
        err instanceof ChimbaError
          ? err
          : new StoreUnavailable(`embedded store commit failed: ${(err as Error).message}`, { cause: err });
      for (const a of acks) a.reject(failure);
      return;
    }
    // answered on a later turn of the event loop, never in this one: a writer that writes
    // again as soon as it is answered must not keep timers and requests waiting
    if (!this.walFile) setImmediate(() => acks.forEach((a) => a.resolve()));
    else {
      this.unsynced.push(...acks);
      this.sync();
    }
  }

  /** Fsyncs the log on the thread pool, answering everyone committed before it started; one at a time. */
  private sync(): void {
    if (this.syncing || !this.unsynced.length) return;
    const acks = this.unsynced;
    this.unsynced = [];
    this.syncing = true;
    const done = (err: unknown) => {
      this.syncing = false;
      if (err) {
        const failure = new StoreUnavailable(
          `embedded store could not sync to disk: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
        for (const a of acks) a.reject(failure);
      } else for (const a of acks) a.resolve();
      this.sync();
    };
    try {
      this.walFd ??= fs.openSync(this.walFile!, 'r');
    } catch (err) {
      done(err);
      return;
    }
    fs.fsync(this.walFd, done);
  }

  /** Resolves when every commit so far is on disk (a backup, a clean close). */
  async synced(): Promise<void> {
    this.flush();
    while (this.syncing || this.unsynced.length) {
      await new Promise<void>((resolve, reject) => {
        this.unsynced.push({ resolve, reject });
        this.sync();
      });
    }
  }

  /** Closes the log's descriptor (after `synced`). */
  close(): void {
    if (this.walFd !== undefined) fs.closeSync(this.walFd);
    this.walFd = undefined;
  }

  /** Commits what is pending now (before a backup or at close). */
  flush(): void {
    this.clearTimer();
    this.commit();
  }
}
