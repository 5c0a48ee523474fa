import mongoose, { Connection, Model } from 'mongoose';
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
  ) {}

  private async run<R>(fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (err) {
      translate(this.name, err);
    }
  }

  insertOne(doc: NewDoc<T>): Promise<T> {
    return this.run(async () => {
      const created = await this.model.create(doc);
      return created.toObject({ versionKey: false, minimize: false }) as T;
    });
  }

  insertMany(docs: NewDoc<T>[]): Promise<number> {
    return this.run(async () => (await this.model.insertMany(docs, { ordered: true, lean: false })).length);
  }

  findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    return this.run(
      async () =>
        (await this.model
          .findOne(filter, options.projection, { sort: options.sort, skip: options.skip })
          .lean()
          .exec()) as T | null,
    );
  }

  find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return this.run(
      async () =>
        (await this.model
          .find(filter, options.projection, { sort: options.sort, skip: options.skip, limit: options.limit })
          .lean()
          .exec()) as T[],
    );
  }

  async *stream(filter: Filter, options: StreamOptions = {}): AsyncIterable<T> {
    const cursor = this.model
      .find(filter, undefined, { sort: options.sort })
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
    return this.run(() => this.model.countDocuments(filter).exec());
  }

  updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    return this.run(async () => {
      const r = await this.model
        .updateOne(filter, update, { upsert: options.upsert, runValidators: true })
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
      const r = await this.model.updateMany(filter, update, { runValidators: true }).exec();
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
          })
          .lean()
          .exec()) as T | null,
    );
  }

  deleteOne(filter: Filter): Promise<number> {
    return this.run(async () => (await this.model.deleteOne(filter).exec()).deletedCount);
  }

  deleteMany(filter: Filter): Promise<number> {
    return this.run(async () => (await this.model.deleteMany(filter).exec()).deletedCount);
  }

  aggregate<R = any>(pipeline: Pipeline): Promise<R[]> {
    return this.run(() => this.model.aggregate(pipeline as any).exec() as Promise<R[]>);
  }
}

/**
 * The MongoDB engine: the same collections through mongoose, for production (replica
 * set or Atlas) and for running several app instances against one cluster.
 */
export class MongoStore implements Store {
  readonly engine = 'mongo' as const;
  private collections = new Map<CollectionName, MongoCollection<any>>();

  private constructor(private conn: Connection) {
    for (const [name, schema] of Object.entries(SCHEMAS)) {
      const model = conn.model(name, schema, name);
      this.collections.set(name as CollectionName, new MongoCollection(name as CollectionName, model));
    }
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
