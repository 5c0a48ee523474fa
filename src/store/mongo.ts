import mongoose, { ClientSession, Connection, Model } from 'mongoose';
import { ChimbaError, DuplicateKey, InvalidDocument, StoreUnavailable } from '../domain/errors';
import { CollectionName, Documents, SCHEMAS } from '../models';
import {
  Collection,
  Filter,
  NewDoc,
  FindOneAndUpdateOptions,
  FindOptions,
  Pipeline,
  Store,
  StreamOptions,
  Update,
  UpdateResult,
} from './types';

/* eslint-disable @typescript-eslint/no-explicit-any */

function translate(name: string, err: unknown): never {
  if (err instanceof ChimbaError) throw err;
  const e = err as { code?: number; name?: string; message?: string; keyPattern?: Record<string, unknown> };
  if (e.code === 11000) {
    const index = e.keyPattern
      ? Object.entries(e.keyPattern)
          .map(([k, v]) => `${k}_${v}`)
          .join('_')
      : 'unknown';
    throw new DuplicateKey(name, index);
  }
  if (e.name === 'ValidationError' || e.name === 'CastError' || e.name === 'StrictModeError') {
    throw new InvalidDocument(`${name}: ${e.message}`);
  }
  throw new StoreUnavailable(`mongodb: ${e.message}`, { cause: err });
}

class MongoCollection<T extends { _id: string }> implements Collection<T> {
  constructor(
    readonly name: CollectionName,
    private model: Model<any>,
    /** The transaction this collection writes in (a unit of work), if any. */
    private session?: ClientSession,
  ) {}

  /** Options every operation carries: the unit's session when there is one. */
  private get s(): { session?: ClientSession } {
    return this.session ? { session: this.session } : {};
  }

  private async run<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      translate(this.name, err);
    }
  }

  insertOne(doc: NewDoc<T>): Promise<T> {
    return this.run(async () => {
      const [created] = await this.model.create([doc], this.s);
      return created.toObject({ versionKey: false, minimize: false }) as T;
    });
  }

  insertMany(docs: NewDoc<T>[]): Promise<number> {
    return this.run(
      async () => (await this.model.insertMany(docs, { ordered: true, lean: false, ...this.s })).length,
    );
  }

  findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    return this.run(
      async () =>
        (await this.model
          .findOne(filter, options.projection, { sort: options.sort, skip: options.skip, ...this.s })
          .lean()
          .exec()) as T | null,
    );
  }

  find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.run(
      async () =>
        (await this.model
          .find(filter, options.projection, {
            sort: options.sort,
            skip: options.skip,
            limit: options.limit,
            ...this.s,
          })
          .lean()
          .exec()) as T[],
    );
  }

  async *stream(filter: Filter, options: StreamOptions = {}): AsyncIterable<T> {
    const cursor = this.model
      .find(filter, options.projection, { sort: options.sort, ...this.s })
      .lean()
      .batchSize(options.batchSize ?? 1000)
      .cursor();
    try {
      for await (const doc of cursor) yield doc as T;
    } catch (err) {
      translate(this.name, err);
    } finally {
      await cursor.close();
    }
  }

  countDocuments(filter: Filter = {}): Promise<number> {
    return this.run(() => this.model.countDocuments(filter, this.s).exec());
  }

  updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    return this.run(async () => {
      const r = await this.model
        .updateOne(filter, update, { upsert: options.upsert, runValidators: true, ...this.s })
        .exec();
      return {
        matched: r.matchedCount,
        modified: r.modifiedCount,
        upsertedId: r.upsertedId ? String(r.upsertedId) : undefined,
      };
    });
  }

  updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    return this.run(async () => {
      const r = await this.model.updateMany(filter, update, { runValidators: true, ...this.s }).exec();
      return { matched: r.matchedCount, modified: r.modifiedCount };
    });
  }

  findOneAndUpdate(filter: Filter, update: Update, options: FindOneAndUpdateOptions = {}): Promise<T | null> {
    return this.run(
      async () =>
        (await this.model
          .findOneAndUpdate(filter, update, {
            sort: options.sort,
            upsert: options.upsert,
            returnDocument: options.returnDocument ?? 'after',
            projection: options.projection,
            runValidators: true,
            setDefaultsOnInsert: true,
            ...this.s,
          })
          .lean()
          .exec()) as T | null,
    );
  }

  deleteOne(filter: Filter): Promise<number> {
    return this.run(async () => (await this.model.deleteOne(filter, this.s).exec()).deletedCount);
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.run(async () => (await this.model.deleteMany(filter, this.s).exec()).deletedCount);
  }

  aggregate<R = any>(pipeline: Pipeline): Promise<R[]> {
    return this.run(() => {
      const agg = this.model.aggregate(pipeline as any);
      if (this.session) agg.session(this.session);
      return agg.exec() as Promise<R[]>;
    });
  }
}

/**
 * The MongoDB engine: the same collections through mongoose, for production (replica
 * set or Atlas) and for running several app instances against one cluster.
 */
export class MongoStore implements Store {
  readonly engine = 'mongo' as const;
  private collections = new Map<CollectionName, MongoCollection<any>>();
  /** Whether the server runs transactions (a replica set or a sharded cluster); a lone server does not. */
  private transactions = false;

  private constructor(private conn: Connection) {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const model = conn.model(name, schema, name);
      this.collections.set(name as CollectionName, new MongoCollection(name as CollectionName, model));
    }
  }

  /**
   * A unit of work. On a replica set (what production runs, and what the Compose file
   * starts) it is a transaction: mongoose's `connection.transaction` retries it on
   * transient errors, so `fn` may run more than once (every unit is idempotent, keyed on
   * the inbound message). On a lone server, which cannot run transactions, the writes go
   * as they come; a unit cut short is handled again from the inbound log, and its
   * idempotency keys (report source keys, reply dedupe keys, the session naming the message
   * it applied) make the replay add nothing twice.
   */
  async unit<R>(fn: (tx: Store) => Promise<R>): Promise<R> {
    if (!this.transactions) return fn(this);
    let result!: R;
    await this.conn.transaction(async (session) => {
      result = await fn(new MongoUnit(this.conn, session, this));
    });
    return result;
  }

  /** Connects and makes sure every schema's indexes (unique, TTL) exist. */
  static async connect(uri: string): Promise<MongoStore> {
    let conn: Connection;
    try {
      conn = await mongoose
        .createConnection(uri, { autoIndex: false, serverSelectionTimeoutMS: 10_000 })
        .asPromise();
    } catch (err) {
      throw new StoreUnavailable(`cannot connect to MongoDB: ${(err as Error).message}`, { cause: err });
    }
    const store = new MongoStore(conn);
    for (const model of Object.values(conn.models)) await model.createIndexes();
    const hello = (await conn.db!.admin().command({ hello: 1 })) as { setName?: string; msg?: string };
    store.transactions = !!hello.setName || hello.msg === 'isdbgrid';
    return store;
  }

  collection<K extends CollectionName>(name: K): Collection<Documents[K]> {
    return this.collections.get(name)! as unknown as Collection<Documents[K]>;
  }

  async ping(): Promise<void> {
    try {
      await this.conn.db!.admin().ping();
    } catch (err) {
      throw new StoreUnavailable('MongoDB does not answer', { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.conn.close();
  }
}

/** The store a unit of work writes through on MongoDB: the same models, every operation in the unit's session. */
class MongoUnit implements Store {
  readonly engine = 'mongo' as const;
  private collections = new Map<CollectionName, MongoCollection<any>>();
  constructor(
    private conn: Connection,
    private session: ClientSession,
    private base: MongoStore,
  ) {}
  collection<K extends CollectionName>(name: K): Collection<Documents[K]> {
    let c = this.collections.get(name);
    if (!c)
      this.collections.set(
        name,
        (c = new MongoCollection(name, this.conn.model(name) as Model<any>, this.session)),
      );
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
