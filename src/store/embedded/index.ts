import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Aggregator } from 'mingo';
import { StoreUnavailable } from '../../domain/errors';
import { CollectionName, Documents, SCHEMAS } from '../../models';
import {
  Collection,
  Filter,
  FindOneAndUpdateOptions,
  FindOptions,
  NewDoc,
  Pipeline,
  Store,
  StreamOptions,
  Update,
  UpdateResult,
} from '../types';
import { groupInSql } from './group';
import { project } from './projection';
import { Table } from './table';
import { Checkpointer, copyOnThread } from './threads';
import { Writer } from './writer';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** The layout this engine writes (`PRAGMA user_version`). 0: the first engine (documents in memory). */
export const EMBEDDED_FORMAT = 2;

/** Settings of the embedded engine. */
export interface EmbeddedOptions {
  /** Folder for `chimba.sqlite`; created when missing. */
  dir: string;
  /** `full`: fsync on every commit (survives power loss); `normal`: survives a process crash. */
  sync?: 'full' | 'normal';
  /** How long to wait for a folder another process holds before giving up (5 s by default). */
  busyTimeoutMs?: number;
  /** How often TTL indexes are swept, like MongoDB's 60-second TTL monitor. */
  ttlSweepMs?: number;
  /** SQLite's page cache, in MiB (32 by default): the only memory that grows with use, bounded. */
  cacheMb?: number;
  /** How big the write-ahead log may grow before writes pause for a full checkpoint (64 MiB by default). */
  walLimitMb?: number;
}

/** How a collection runs its writes: through the writer (waits, commits) or directly inside a unit. */
type Run = <R>(fn: () => R) => Promise<R>;

class EmbeddedCollection<T extends { _id: string }> implements Collection<T> {
  constructor(
    private table: Table<any>,
    private run: Run,
  ) {}

  get name(): CollectionName {
    return this.table.name;
  }

  async insertOne(doc: NewDoc<T>): Promise<T> {
    return this.run(() => this.table.insert(doc));
  }

  /** Inserts in order; stops at the first failure, keeping the documents before it. */
  async insertMany(docs: NewDoc<T>[]): Promise<number> {
    const r = await this.run(() => {
      let n = 0;
      for (const d of docs) {
        try {
          this.table.insert(d);
          n++;
        } catch (err) {
          return { n, err };
        }
      }
      return { n, err: undefined as unknown };
    });
    if (r.err) throw r.err;
    return r.n;
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const [doc] = this.table.select(filter, { ...options, limit: 1 });
    return doc ?? null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.table.select(filter, options);
  }

  /** Read a page at a time (rowid order, or sorted in pages for a sort), yielding between pages. */
  async *stream(filter: Filter, options: StreamOptions = {}): AsyncIterable<T> {
    const size = options.batchSize ?? 1000;
    if (options.sort && Object.keys(options.sort).length) {
      // sorted: pages by offset (exports, scans staff ask for; not a hot path)
      for (let skip = 0; ; skip += size) {
        const docs = this.table.select(filter, {
          sort: options.sort,
          skip,
          limit: size,
          projection: options.projection,
        });
        for (const d of docs) yield d;
        if (docs.length < size) return;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    const broad = this.table.broad(filter);
    for (let after = 0; ;) {
      const { docs, last } = this.table.page(filter, after, size, broad, options.projection);
      for (const d of docs) yield d;
      if (last === after) return;
      after = last;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    return this.table.count(filter);
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const r = await this.run(() => this.table.writeOne(filter, update, { upsert: options.upsert }));
    if (r.upserted) return { matched: 0, modified: 0, upsertedId: r.after!._id };
    return { matched: r.before ? 1 : 0, modified: r.modified ? 1 : 0 };
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    return this.run(() => this.table.updateMany(filter, update));
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: FindOneAndUpdateOptions = {},
  ): Promise<T | null> {
    const r = await this.run(() =>
      this.table.writeOne(filter, update, { sort: options.sort, upsert: options.upsert }),
    );
    const result = options.returnDocument === 'before' ? (r.upserted ? undefined : r.before) : r.after;
    return result ? project(result, options.projection) : null;
  }

  async deleteOne(filter: Filter): Promise<number> {
    return this.run(() => this.table.delete(filter, true));
  }

  async deleteMany(filter: Filter): Promise<number> {
    return this.run(() => this.table.delete(filter, false));
  }

  /**
   * A pipeline: a first `$match` narrows in SQL; a `$group` on plain fields with `$sum`
   * counts runs in SQL too (the dashboard's counts over millions of messages), and mingo
   * runs the rest on what is left.
   */
  async aggregate<R = any>(pipeline: Pipeline): Promise<R[]> {
    const [first, ...rest] = pipeline;
    const match = first?.$match ? (first.$match as Filter) : undefined;
    const afterMatch = match ? rest : pipeline;
    const grouped = groupInSql(this.table, match ?? {}, afterMatch[0]);
    if (grouped) return new Aggregator(afterMatch.slice(1)).run(grouped) as R[];
    const input: any[] = [];
    for await (const d of this.stream(match ?? {})) input.push(d);
    return new Aggregator(afterMatch).run(input) as R[];
  }
}

/**
 * The embedded engine: documents in SQLite (WAL), never all in memory. Queries run as SQL
 * on the indexes the schemas declare; writes are validated by the compiled schemas and
 * committed in groups (one fsync for many). One process owns a data folder at a time.
 */
export class EmbeddedStore implements Store {
  readonly engine = 'embedded' as const;
  private db: Database.Database;
  /** Held while the store is open: a second process on the same folder is refused. */
  private lock: Database.Database;
  private tables = new Map<CollectionName, Table<any>>();
  private collections = new Map<CollectionName, EmbeddedCollection<any>>();
  private writer: Writer;
  private sweepTimer?: NodeJS.Timeout;
  private checkpointer: Checkpointer;
  private walTimer?: NodeJS.Timeout;
  private truncating?: Promise<unknown>;
  /** What opening did to an older store, for the start-up log. */
  readonly upgraded?: { from: number; to: number; documents: number };

  constructor(private options: EmbeddedOptions) {
    fs.mkdirSync(options.dir, { recursive: true });
    const file = path.join(options.dir, 'chimba.sqlite');
    let lock: Database.Database | undefined;
    try {
      // the folder's lock: an exclusive SQLite lock on a file of its own, held until close (a
      // lock on the store itself would keep out the reader that takes online backups)
      this.lock = new Database(path.join(options.dir, 'chimba.lock'), {
        timeout: options.busyTimeoutMs ?? 5000,
      });
      this.lock.pragma('locking_mode = EXCLUSIVE');
      this.lock.exec('BEGIN EXCLUSIVE; COMMIT;');
      this.db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
      this.db.pragma('journal_mode = WAL');
      // NORMAL: commits are not synced by SQLite; with `full` (the default) the writer syncs the
      // log itself, off the event loop, before anyone is told a write is durable
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma(`cache_size = -${(options.cacheMb ?? 32) * 1024}`);
      // checkpoints (copying the log into the store, and syncing it) run on a thread of their
      // own (see `Checkpointer`), never in a commit on the event loop
      this.db.pragma('wal_autocheckpoint = 0');
    } catch (err) {
      if (lock?.open) lock.close();
      const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
      throw new StoreUnavailable(
        busy
          ? `the data folder ${options.dir} is in use by another Chimba process`
          : `cannot open the embedded store in ${options.dir}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const format = this.db.pragma('user_version', { simple: true }) as number;
    if (format > EMBEDDED_FORMAT) {
      this.db.close();
      this.lock.close();
      throw new StoreUnavailable(
        `the data folder ${options.dir} was written by a newer Chimba (store format ${format}; this one reads up to ${EMBEDDED_FORMAT}): run that version, or restore a backup made for this one`,
      );
    }
    this.writer = new Writer(this.db, options.sync === 'normal' ? undefined : `${file}-wal`);
    this.checkpointer = new Checkpointer(file);
    // the log is kept short: past `walLimitMb`, writes pause while it is checkpointed whole
    const walLimit = (options.walLimitMb ?? 64) * 2 ** 20;
    this.walTimer = setInterval(() => {
      let size = 0;
      try {
        size = fs.statSync(`${file}-wal`).size;
      } catch {
        return;
      }
      if (size < walLimit || this.truncating) return;
      this.truncating = this.writer
        .exclusive(() => this.checkpointer.truncate())
        .catch(() => undefined)
        .finally(() => (this.truncating = undefined));
    }, 500);
    this.walTimer.unref();
    this.upgraded = this.openTables(format);
    const every = options.ttlSweepMs ?? 60_000;
    this.sweepTimer = setInterval(() => void this.sweepExpired().catch(() => undefined), every);
    this.sweepTimer.unref();
  }

  /**
   * Creates what is missing: tables, indexes (built by SQLite from the rows already there)
   * and side tables (filled once from the documents). A store of the first format (the
   * same tables, documents that were held in memory) is upgraded in place this way.
   */
  private openTables(format: number): EmbeddedStore['upgraded'] {
    const existing = new Set(
      (this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]) ??
        [],
    );
    let documents = 0;
    this.db.transaction(() => {
      for (const [name, schema] of Object.entries(SCHEMAS) as [
        CollectionName,
        (typeof SCHEMAS)[CollectionName],
      ][]) {
        this.db.exec(`CREATE TABLE IF NOT EXISTS "c_${name}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
        const table = new Table(name, this.db, schema);
        for (const plan of table.plans) {
          this.db.exec(plan.ddl);
          if (plan.side && !existing.has(plan.side.table)) documents += table.fillSide(plan);
        }
        this.tables.set(name, table);
        this.collections.set(name, new EmbeddedCollection(table, (fn) => this.writer.write(fn)));
      }
      if (format !== EMBEDDED_FORMAT) this.db.pragma(`user_version = ${EMBEDDED_FORMAT}`);
    })();
    return format === EMBEDDED_FORMAT || !existing.has('c_contacts')
      ? undefined
      : { from: format, to: EMBEDDED_FORMAT, documents };
  }

  collection<K extends CollectionName>(name: K): Collection<Documents[K]> {
    return this.collections.get(name)! as unknown as Collection<Documents[K]>;
  }

  /**
   * Runs `fn` as one unit of work: it has the store to itself (other writers wait), and
   * everything it writes through the store it is given commits together, or not at all.
   */
  async unit<R>(fn: (tx: Store) => Promise<R>): Promise<R> {
    return this.writer.unit(async () => {
      let open = true;
      const tx = new UnitStore(this, (f) => {
        if (!open) throw new StoreUnavailable('a unit of work was used after it ended');
        return Promise.resolve(this.writer.direct(f));
      });
      try {
        return await fn(tx);
      } finally {
        open = false;
      }
    });
  }

  /** A table, for units (internal). */
  table(name: CollectionName): Table<any> {
    return this.tables.get(name)!;
  }

  /** Removes every document whose TTL index says it has expired; returns how many. */
  async sweepExpired(now = new Date()): Promise<number> {
    let n = 0;
    for (const table of this.tables.values()) {
      if (!table.plans.some((p) => p.ttl)) continue;
      const ids = table.expired(now);
      if (ids.length) n += await this.writer.write(() => table.delete({ _id: { $in: ids } }, false));
    }
    return n;
  }

  /**
   * A consistent copy of the whole store in one SQLite file, taken while the service runs
   * (SQLite's online backup: writes go on meanwhile; the copy is of one moment).
   */
  async backup(file: string): Promise<{ file: string; bytes: number }> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.partial`;
    fs.rmSync(tmp, { force: true });
    await this.writer.synced();
    // a reader of its own, on a thread of its own: the copy is one consistent snapshot (WAL),
    // and writes (and webhooks) go on meanwhile
    await copyOnThread(path.join(this.options.dir, 'chimba.sqlite'), tmp);
    fs.renameSync(tmp, file);
    return { file, bytes: fs.statSync(file).size };
  }

  async ping(): Promise<void> {
    try {
      this.db.prepare('SELECT 1').get();
    } catch (err) {
      throw new StoreUnavailable('embedded store does not answer', { cause: err });
    }
  }

  async close(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    if (this.walTimer) clearInterval(this.walTimer);
    await this.truncating;
    if (!this.db.open) return;
    await this.writer.synced();
    this.writer.close();
    await this.checkpointer.stop();
    try {
      this.db.pragma('optimize');
    } catch {
      // statistics are a nicety
    }
    this.db.close();
    this.lock.close();
  }
}

/** The store a unit of work writes through: the same tables, writes run directly in the unit. */
class UnitStore implements Store {
  readonly engine = 'embedded' as const;
  private collections = new Map<CollectionName, EmbeddedCollection<any>>();
  constructor(
    private base: EmbeddedStore,
    private run: Run,
  ) {}
  collection<K extends CollectionName>(name: K): Collection<Documents[K]> {
    let c = this.collections.get(name);
    if (!c) this.collections.set(name, (c = new EmbeddedCollection(this.base.table(name), this.run)));
    return c as unknown as Collection<Documents[K]>;
  }
  /** Already in a unit: a nested one is part of it. */
  unit<R>(fn: (tx: Store) => Promise<R>): Promise<R> {
    return fn(this);
  }
  ping(): Promise<void> {
    return this.base.ping();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}
