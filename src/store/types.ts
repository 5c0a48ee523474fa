import { CollectionName, Documents } from '../models';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A MongoDB filter document (`{ status: 'queued', nextAttemptAt: { $lte: now } }`). */
export type Filter = Record<string, any>;
/** A MongoDB update document with operators (`{ $set: …, $inc: … }`). */
export type Update = Record<string, any>;
/** A MongoDB aggregation pipeline. */
export type Pipeline = Record<string, any>[];
/** A sort specification, in key order. */
export type Sort = Record<string, 1 | -1>;

/** A document as written by callers: any field may be left to its schema default. */
export type NewDoc<T> = {
  [K in keyof T]?: T[K] extends (infer U)[] ? (U extends object ? Partial<U>[] : U[]) : T[K];
};

/** Options of `find` and `findOne`. */
export interface FindOptions {
  sort?: Sort;
  limit?: number;
  skip?: number;
  projection?: Record<string, 0 | 1>;
}

/** Options of `stream`. */
export interface StreamOptions {
  sort?: Sort;
  /** Documents read at a time (1,000 by default). */
  batchSize?: number;
  /** Fields to read, as in `find`: a long scan that needs a few fields reads only those. */
  projection?: Record<string, 0 | 1>;
}

/** Options of `findOneAndUpdate`. */
export interface FindOneAndUpdateOptions {
  sort?: Sort;
  upsert?: boolean;
  /** Which version to return; `after` (the updated document) by default. */
  returnDocument?: 'before' | 'after';
  projection?: Record<string, 0 | 1>;
}

/** What an update did. */
export interface UpdateResult {
  matched: number;
  modified: number;
  upsertedId?: string;
}

/**
 * One collection, with MongoDB semantics on either engine. Repositories are written
 * once against this interface with MongoDB filter, update and pipeline documents.
 */
export interface Collection<T extends { _id: string }> {
  readonly name: CollectionName;
  /** Validates against the schema, applies defaults, inserts; `DuplicateKey` on a unique clash. */
  insertOne(doc: NewDoc<T>): Promise<T>;
  /** Inserts in order; stops at the first failure (documents before it stay inserted). */
  insertMany(docs: NewDoc<T>[]): Promise<number>;
  findOne(filter: Filter, options?: FindOptions): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  /**
   * Matching documents one by one, read in batches: for exports and full scans that must
   * not build the whole result. Documents written while it runs may or may not appear.
   */
  stream(filter: Filter, options?: StreamOptions): AsyncIterable<T>;
  countDocuments(filter?: Filter): Promise<number>;
  updateOne(filter: Filter, update: Update, options?: { upsert?: boolean }): Promise<UpdateResult>;
  updateMany(filter: Filter, update: Update): Promise<UpdateResult>;
  /** Atomic read-modify-write of one document: the basis of claims and counters. */
  findOneAndUpdate(filter: Filter, update: Update, options?: FindOneAndUpdateOptions): Promise<T | null>;
  deleteOne(filter: Filter): Promise<number>;
  deleteMany(filter: Filter): Promise<number>;
  aggregate<R = any>(pipeline: Pipeline): Promise<R[]>;
}

/** The store: one collection per model, on the engine the settings chose. */
export interface Store {
  readonly engine: 'embedded' | 'mongo';
  collection<K extends CollectionName>(name: K): Collection<Documents[K]>;
  /**
   * One unit of work: everything `fn` writes through `tx` commits together or not at all
   * (handling one inbound message is one unit). Embedded: the store is `fn`'s alone while it
   * runs, in a savepoint, committed with others in a group. MongoDB: a transaction on a
   * replica set; on a lone server, the writes as they come (each unit is idempotent and is
   * replayed from the inbound log after a failure). Inside a unit, `tx.unit` is the same unit.
   */
  unit<R>(fn: (tx: Store) => Promise<R>): Promise<R>;
  /** A consistent online copy into one file (the embedded engine; MongoDB has mongodump). */
  backup?(file: string): Promise<{ file: string; bytes: number }>;
  /** Resolves when the store answers; rejects with `StoreUnavailable` otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
