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
 *   is waiting to write (or the batch is big or old), so one fsync covers many of them.
 *   Each caller is answered only once its commit is durable.
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
  private commitTimer?: NodeJS.Immediate;
  private openedAt = 0;
  private savepoints = 0;

  constructor(
    private db: Database.Database,
    private limits: { maxBatch: number; maxDelayMs: number } = { maxBatch: 500, maxDelayMs: 25 },
  ) {}

  /** Runs a synchronous write now (or after the unit in progress), durably; resolves after its commit. */
  async write<T>(fn: () => T): Promise<T> {
    let result: T;
    if (!this.locked) result = this.inSavepoint(fn);
    else {
      // a unit has the store: wait for it, then run before the next one
      await this.acquire();
      try {
        result = this.inSavepoint(fn);
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

  /** Runs a write of the unit in progress: inside the unit's savepoint, so it commits with it. */
  direct<T>(fn: () => T): T {
    return this.inSavepoint(fn);
  }

  private inSavepoint<T>(fn: () => T): T {
    const name = this.begin();
    try {
      const r = fn();
      this.db.exec(`RELEASE ${name}`);
      return r;
    } catch (err) {
      this.rollback(name);
      throw err;
    } finally {
      this.savepoints--;
    }
  }

  private begin(): string {
    if (!this.open) {
      this.db.exec('BEGIN');
      this.open = true;
      this.openedAt = Date.now();
    }
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
      if (this.commitTimer) clearImmediate(this.commitTimer);
      this.commitTimer = undefined;
      this.commit();
      return;
    }
    this.commitTimer ??= setImmediate(() => {
      this.commitTimer = undefined;
      // nobody else waiting to write: commit what this batch holds
      if (!this.locked) this.commit();
    });
  }

  /** Commits the open batch (one fsync) and answers everyone in it. */
  commit(betweenUnits = false): void {
    if (!this.open || (this.locked && !betweenUnits)) return;
    const acks = this.acks;
    this.acks = [];
    this.open = false;
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
    for (const a of acks) a.resolve();
  }

  /** Commits what is pending now (before a backup or at close). */
  flush(): void {
    if (this.commitTimer) clearImmediate(this.commitTimer);
    this.commitTimer = undefined;
    this.commit();
  }
}
