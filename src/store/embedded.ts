import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Aggregator, Query } from 'mingo';
import { update as applyModifier } from 'mingo/updater';
import { Model, Mongoose, Schema } from 'mongoose';
import { DuplicateKey, InvalidDocument, StoreUnavailable } from '../domain/errors';
import { CollectionName, Documents, SCHEMAS } from '../models';
import {
  Collection,
  Filter,
  Sort,
  NewDoc,
  FindOneAndUpdateOptions,
  FindOptions,
  Pipeline,
  Store,
  StreamOptions,
  Update,
  UpdateResult,
} from './types';
import { clone, decodeDoc, encodeDoc } from './codec';

/* eslint-disable @typescript-eslint/no-explicit-any */
type AnyDoc = { _id: string } & Record<string, any>;

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
}

interface UniqueIndex {
  name: string;
  fields: string[];
  sparse: boolean;
  partial?: Query;
  keys: Map<string, string>;
}

interface TtlIndex {
  field: string;
  seconds: number;
}

const PRIMITIVE = new Set(['string', 'number', 'boolean']);

/** Values at a dotted path, following arrays (MongoDB multikey semantics); `[null]` when missing. */
function valuesAt(doc: any, pathParts: string[]): unknown[] {
  let current: unknown[] = [doc];
  for (const part of pathParts) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        for (const item of v) if (item && typeof item === 'object') next.push((item as any)[part]);
      } else if (v && typeof v === 'object') next.push((v as any)[part]);
    }
    current = next;
  }
  const flat: unknown[] = [];
  for (const v of current) {
    if (Array.isArray(v)) flat.push(...v);
    else flat.push(v);
  }
  return flat.length ? flat.map((v) => (v === undefined ? null : v)) : [null];
}

function keyPart(v: unknown): string {
  if (v instanceof Date) return `d:${v.toISOString()}`;
  return JSON.stringify(v ?? null);
}

/** Index keys of a document for some fields: a cartesian product over multikey paths. */
function indexKeys(doc: AnyDoc, fields: string[]): { keys: string[]; allMissing: boolean } {
  let keys = [''];
  let allMissing = true;
  for (const f of fields) {
    const vals = valuesAt(doc, f.split('.'));
    if (vals.some((v) => v !== null)) allMissing = false;
    const next: string[] = [];
    for (const k of keys) for (const v of new Set(vals.map(keyPart))) next.push(k ? `${k}|${v}` : v);
    keys = next;
  }
  return { keys, allMissing };
}

/** MongoDB's order of types when sorting: null, numbers, strings, objects, arrays, booleans, dates. */
function typeRank(v: unknown): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  if (v instanceof Date) return 6;
  if (Array.isArray(v)) return 4;
  if (typeof v === 'boolean') return 5;
  return 3;
}

function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean') {
    const x = a as number;
    const y = b as number;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * Sorts documents by a MongoDB sort spec with keys extracted once: far cheaper than
 * comparing through a query engine, which matters for claims over a large outbox.
 */
function sortDocs<D>(docs: D[], sort: Record<string, 1 | -1>): D[] {
  const spec = Object.entries(sort).map(([field, dir]) => ({ parts: field.split('.'), dir }));
  const rows = docs.map((d) => ({
    d,
    k: spec.map(({ parts }) => {
      let v: any = d;
      for (const p of parts) v = v == null ? undefined : Array.isArray(v) ? v[0]?.[p] : v[p];
      return Array.isArray(v) ? v[0] : v;
    }),
  }));
  rows.sort((a, b) => {
    for (let i = 0; i < spec.length; i++) {
      const c = compareValues(a.k[i], b.k[i]);
      if (c) return c * spec[i].dir;
    }
    return 0;
  });
  return rows.map((r) => r.d);
}

/** The MongoDB index name for a key spec: `{ a: 1, b: -1 }` → `a_1_b_-1`. */
function indexName(spec: Record<string, unknown>): string {
  return Object.entries(spec)
    .map(([k, v]) => `${k}_${v}`)
    .join('_');
}

function setPath(doc: any, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let o = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    if (o[parts[i]] === undefined || o[parts[i]] === null || typeof o[parts[i]] !== 'object')
      o[parts[i]] = {};
    o = o[parts[i]];
  }
  o[parts[parts.length - 1]] = value;
}

/** The document an upsert starts from: the filter's equality conditions (as MongoDB does). */
function seedFromFilter(filter: Filter): AnyDoc {
  const seed: any = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$')) continue;
    if (v && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$eq') setPath(seed, k, v.$eq);
      else if (!keys.some((x) => x.startsWith('$'))) setPath(seed, k, v);
    } else {
      setPath(seed, k, v);
    }
  }
  return seed;
}

function isOperatorUpdate(update: Update): boolean {
  return Object.keys(update).some((k) => k.startsWith('$'));
}

/** Applies an update document to a copy of `doc`; `$setOnInsert` only when inserting. */
function applyUpdate(doc: AnyDoc, update: Update, inserting: boolean): AnyDoc {
  if (!isOperatorUpdate(update)) return { ...clone(update), _id: doc._id };
  const next = clone(doc);
  const { $setOnInsert, ...rest } = update;
  const modifier: Update = { ...rest };
  if (inserting && $setOnInsert) modifier.$set = { ...$setOnInsert, ...(modifier.$set ?? {}) };
  if (Object.keys(modifier).length)
    applyModifier(next, modifier as any, undefined, undefined, { cloneMode: 'deep' });
  return next;
}

function storeError(err: unknown): never {
  if (err instanceof DuplicateKey || err instanceof InvalidDocument) throw err;
  throw new StoreUnavailable(`embedded store write failed: ${(err as Error).message}`, { cause: err });
}

/**
 * The ids under one lookup key: a plain string while there is one (most keys of
 * near-unique fields), a Set beyond. Saves a Set per document on large collections.
 */
type Ids = string | Set<string>;

function addId(map: Map<string, Ids>, key: string, id: string): void {
  const cur = map.get(key);
  if (cur === undefined) map.set(key, id);
  else if (typeof cur === 'string') {
    if (cur !== id) map.set(key, new Set([cur, id]));
  } else cur.add(id);
}

function removeId(map: Map<string, Ids>, key: string, id: string): void {
  const cur = map.get(key);
  if (cur === undefined) return;
  if (typeof cur === 'string') {
    if (cur === id) map.delete(key);
    return;
  }
  cur.delete(id);
  if (cur.size === 1) map.set(key, cur.values().next().value as string);
  else if (cur.size === 0) map.delete(key);
}

/** A write found its document changed while it validated: read again. */
const CONFLICT = Symbol('conflict');

class EmbeddedCollection<T extends AnyDoc> implements Collection<T> {
  private docs = new Map<string, T>();
  private uniques: UniqueIndex[] = [];
  /**
   * Equality lookups on the first field, and the first two fields, of every index:
   * index key → ids. `{ status, transport }` finds the queued messages of one transport
   * without touching the others.
   */
  private lookups = new Map<string, { fields: string[]; map: Map<string, Ids> }>();
  readonly ttl: TtlIndex[] = [];
  private upsertStmt: Database.Statement;
  private deleteStmt: Database.Statement;

  constructor(
    readonly name: CollectionName,
    private db: Database.Database,
    private model: Model<any>,
    schema: Schema,
    private resolve: (name: string) => AnyDoc[],
  ) {
    const table = `c_${name}`;
    db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    this.upsertStmt = db.prepare(`INSERT OR REPLACE INTO "${table}" (id, doc) VALUES (?, ?)`);
    this.deleteStmt = db.prepare(`DELETE FROM "${table}" WHERE id = ?`);
    for (const [spec, opts] of schema.indexes() as [Record<string, unknown>, Record<string, any>][]) {
      const fields = Object.keys(spec);
      if (opts.unique) {
        this.uniques.push({
          name: opts.name ?? indexName(spec),
          fields,
          sparse: !!opts.sparse,
          partial: opts.partialFilterExpression ? new Query(opts.partialFilterExpression) : undefined,
          keys: new Map(),
        });
      }
      if (typeof opts.expireAfterSeconds === 'number') {
        this.ttl.push({ field: fields[0], seconds: opts.expireAfterSeconds });
      }
      for (const prefix of [fields.slice(0, 1), fields.slice(0, 2)]) {
        const name = prefix.join(',');
        // Dates are compared by range, almost never by equality: a lookup keyed on one
        // would hold a key per document for nothing.
        if (prefix.some((f) => schema.path(f)?.instance === 'Date')) continue;
        if (!this.lookups.has(name)) this.lookups.set(name, { fields: prefix, map: new Map() });
      }
    }
    this.uniques.unshift({ name: '_id_', fields: ['_id'], sparse: false, keys: new Map() });
    this.lookups.delete('_id'); // `docs` is the lookup by id
    for (const row of db.prepare(`SELECT doc FROM "${table}"`).iterate() as Iterable<{ doc: string }>) {
      const doc = decodeDoc(row.doc) as T;
      this.docs.set(doc._id, doc);
      this.index(undefined, doc);
    }
  }

  // ---- validation and indexes -------------------------------------------------

  private async validate(raw: any): Promise<T> {
    const d = new this.model(raw);
    try {
      await d.validate();
    } catch (err) {
      throw new InvalidDocument(`${this.name}: ${(err as Error).message}`);
    }
    return d.toObject({ versionKey: false, minimize: false, depopulate: true }) as T;
  }

  /** Whether a document read before an await is still the current version (commits replace objects). */
  private stillCurrent(before: T): boolean {
    return this.docs.get(before._id) === before;
  }

  private checkUnique(doc: T): void {
    for (const u of this.uniques) {
      if (u.partial && !u.partial.test(doc)) continue;
      const { keys, allMissing } = indexKeys(doc, u.fields);
      if (u.sparse && allMissing) continue;
      for (const k of keys) {
        const owner = u.keys.get(k);
        if (owner !== undefined && owner !== doc._id) throw new DuplicateKey(this.name, u.name);
      }
    }
  }

  private index(before: T | undefined, after: T | undefined): void {
    for (const u of this.uniques) {
      if (before && (!u.partial || u.partial.test(before))) {
        const { keys, allMissing } = indexKeys(before, u.fields);
        if (!(u.sparse && allMissing))
          for (const k of keys) if (u.keys.get(k) === before._id) u.keys.delete(k);
      }
      if (after && (!u.partial || u.partial.test(after))) {
        const { keys, allMissing } = indexKeys(after, u.fields);
        if (!(u.sparse && allMissing)) for (const k of keys) u.keys.set(k, after._id);
      }
    }
    for (const { fields, map } of this.lookups.values()) {
      if (before) for (const k of indexKeys(before, fields).keys) removeId(map, k, before._id);
      if (after) for (const k of indexKeys(after, fields).keys) addId(map, k, after._id);
    }
  }

  /**
   * Candidate documents for a filter: narrowed by the most selective equality lookup
   * (`field: value`, `$eq`, `$in` on the first field of an index), else every document.
   */
  private candidates(filter: Filter): T[] {
    const byId = filter._id;
    if (typeof byId === 'string' || (byId && Array.isArray(byId.$in) && Object.keys(byId).length === 1)) {
      const out: T[] = [];
      for (const id of new Set<unknown>(typeof byId === 'string' ? [byId] : byId.$in)) {
        const d = typeof id === 'string' ? this.docs.get(id) : undefined;
        if (d) out.push(d);
      }
      return out;
    }
    const equal = new Map<string, unknown[]>();
    for (const [field, cond] of Object.entries(filter)) {
      if (PRIMITIVE.has(typeof cond) || cond instanceof Date) equal.set(field, [cond]);
      else if (cond && typeof cond === 'object' && !Array.isArray(cond)) {
        const keys = Object.keys(cond);
        if (
          keys.length === 1 &&
          keys[0] === '$eq' &&
          (PRIMITIVE.has(typeof cond.$eq) || cond.$eq instanceof Date)
        )
          equal.set(field, [cond.$eq]);
        else if (
          keys.length === 1 &&
          keys[0] === '$in' &&
          Array.isArray(cond.$in) &&
          cond.$in.every((v: unknown) => PRIMITIVE.has(typeof v))
        )
          equal.set(field, [...new Set(cond.$in)]);
      }
    }
    let best: Ids[] | undefined;
    let bestSize = Infinity;
    for (const { fields, map } of this.lookups.values()) {
      if (!fields.every((f) => equal.has(f))) continue;
      let keys = [''];
      for (const f of fields) {
        const next: string[] = [];
        for (const k of keys) for (const v of equal.get(f)!) next.push(k ? `${k}|${keyPart(v)}` : keyPart(v));
        keys = next;
      }
      const sets: Ids[] = [];
      let size = 0;
      for (const k of keys) {
        const set = map.get(k);
        if (set) {
          sets.push(set);
          size += typeof set === 'string' ? 1 : set.size;
        }
      }
      if (size < bestSize) {
        best = sets;
        bestSize = size;
      }
    }
    if (!best) return [...this.docs.values()];
    const out: T[] = [];
    for (const set of best) {
      for (const id of typeof set === 'string' ? [set] : set) {
        const d = this.docs.get(id);
        if (d) out.push(d);
      }
    }
    return out;
  }

  private select(filter: Filter, options: FindOptions = {}): T[] {
    const query = new Query(filter);
    let docs = this.candidates(filter).filter((d) => query.test(d));
    if (options.sort) docs = sortDocs(docs, options.sort);
    if (options.skip || options.limit)
      docs = docs.slice(options.skip ?? 0, (options.skip ?? 0) + (options.limit || Infinity));
    if (options.projection) return new Query({}).find(docs, options.projection as any).all() as T[];
    return docs;
  }

  // ---- writes ------------------------------------------------------------------

  /** Writes a batch of changes durably, then applies them to memory. */
  private commit(changes: { before?: T; after?: T }[]): void {
    try {
      this.db.transaction(() => {
        for (const c of changes) {
          if (c.after) this.upsertStmt.run(c.after._id, encodeDoc(c.after));
          else if (c.before) this.deleteStmt.run(c.before._id);
        }
      })();
    } catch (err) {
      storeError(err);
    }
    for (const c of changes) {
      this.index(c.before, c.after);
      if (c.after) this.docs.set(c.after._id, c.after);
      else if (c.before) this.docs.delete(c.before._id);
    }
  }

  // Writes validate asynchronously (mongoose) outside any lock, then check and commit
  // synchronously: one JavaScript turn is atomic, so a write whose document changed in
  // the meantime reads again instead of overwriting (optimistic, like a version check).

  async insertOne(raw: NewDoc<T>): Promise<T> {
    const doc = await this.validate(raw);
    if (this.docs.has(doc._id)) throw new DuplicateKey(this.name, '_id_');
    this.checkUnique(doc);
    this.commit([{ after: doc }]);
    return clone(doc);
  }

  /** Inserts in order; stops at the first failure, keeping the documents before it. */
  async insertMany(raws: NewDoc<T>[]): Promise<number> {
    const valid: T[] = [];
    let failure: unknown;
    for (const raw of raws) {
      try {
        valid.push(await this.validate(raw));
      } catch (err) {
        failure = err;
        break;
      }
    }
    const changes: { after: T }[] = [];
    const batchIndex = new Set<string>();
    for (const doc of valid) {
      try {
        if (this.docs.has(doc._id)) throw new DuplicateKey(this.name, '_id_');
        this.checkUnique(doc);
        for (const u of this.uniques) {
          const { keys, allMissing } = indexKeys(doc, u.fields);
          if (u.sparse && allMissing) continue;
          for (const k of keys) {
            const key = `${u.name}#${k}`;
            if (batchIndex.has(key)) throw new DuplicateKey(this.name, u.name);
            batchIndex.add(key);
          }
        }
        changes.push({ after: doc });
      } catch (err) {
        failure = err;
        break;
      }
    }
    if (changes.length) this.commit(changes);
    if (failure) throw failure;
    return changes.length;
  }

  async findOne(filter: Filter, options: FindOptions = {}): Promise<T | null> {
    const [doc] = this.select(filter, { ...options, limit: 1 });
    return doc ? clone(doc) : null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    return clone(this.select(filter, options));
  }

  /** The matching set is fixed when the stream starts; copies are made a batch at a time, yielding between batches. */
  async *stream(filter: Filter, options: StreamOptions = {}): AsyncIterable<T> {
    const docs = this.select(filter, { sort: options.sort });
    const size = options.batchSize ?? 1000;
    for (let i = 0; i < docs.length; i += size) {
      const end = Math.min(docs.length, i + size);
      for (let j = i; j < end; j++) yield clone(docs[j]);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  async countDocuments(filter: Filter = {}): Promise<number> {
    if (Object.keys(filter).length === 0) return this.docs.size;
    const q = new Query(filter);
    let n = 0;
    for (const d of this.candidates(filter)) if (q.test(d)) n++;
    return n;
  }

  /** Writers that lost a race wait here, one at a time: a hot document still makes progress. */
  private contended: Promise<unknown> = Promise.resolve();

  /**
   * Read, change, validate, then commit if what was read is still current; otherwise
   * read again. The heart of updates, upserts and atomic claims. A first attempt runs
   * alongside others; a writer whose document changed meanwhile retries in a queue of
   * such writers, so a document many write at once (a busy rollup) cannot starve one.
   */
  private async writeOne(
    filter: Filter,
    update: Update,
    options: { sort?: Sort; upsert?: boolean },
  ): Promise<{ before?: T; after?: T; modified: boolean; upserted?: boolean }> {
    const first = await this.attemptWrite(filter, update, options);
    if (first !== CONFLICT) return first;
    const turn = this.contended.then(async () => {
      for (let attempt = 0; attempt < 1000; attempt++) {
        const r = await this.attemptWrite(filter, update, options);
        if (r !== CONFLICT) return r;
      }
      throw new StoreUnavailable(`${this.name}: too many concurrent writes to the same documents`);
    });
    this.contended = turn.catch(() => undefined);
    return turn;
  }

  private async attemptWrite(
    filter: Filter,
    update: Update,
    options: { sort?: Sort; upsert?: boolean },
  ): Promise<{ before?: T; after?: T; modified: boolean; upserted?: boolean } | typeof CONFLICT> {
    const [before] = this.select(filter, { sort: options.sort, limit: 1 });
    if (!before) {
      if (!options.upsert) return { modified: false };
      const doc = await this.validate(applyUpdate(seedFromFilter(filter) as T, update, true));
      if (this.select(filter, { limit: 1 }).length) return CONFLICT; // inserted meanwhile: update it instead
      if (this.docs.has(doc._id)) throw new DuplicateKey(this.name, '_id_');
      this.checkUnique(doc);
      this.commit([{ after: doc }]);
      return { after: doc, modified: false, upserted: true };
    }
    const after = await this.validate(applyUpdate(before, update, false));
    if (after._id !== before._id) throw new InvalidDocument(`${this.name}: _id cannot change`);
    if (!this.stillCurrent(before)) return CONFLICT;
    this.checkUnique(after);
    if (encodeDoc(after) === encodeDoc(before)) return { before, after: before, modified: false };
    this.commit([{ before, after }]);
    return { before, after, modified: true };
  }

  async updateOne(filter: Filter, update: Update, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const r = await this.writeOne(filter, update, { upsert: options.upsert });
    if (r.upserted) return { matched: 0, modified: 0, upsertedId: r.after!._id };
    return { matched: r.before ? 1 : 0, modified: r.modified ? 1 : 0 };
  }

  async updateMany(filter: Filter, update: Update): Promise<UpdateResult> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const matches = this.select(filter);
      const afters: T[] = [];
      for (const before of matches) {
        const after = await this.validate(applyUpdate(before, update, false));
        if (after._id !== before._id) throw new InvalidDocument(`${this.name}: _id cannot change`);
        afters.push(after);
      }
      if (!matches.every((b) => this.stillCurrent(b))) continue;
      const changes: { before: T; after: T }[] = [];
      matches.forEach((before, i) => {
        if (encodeDoc(afters[i]) !== encodeDoc(before)) changes.push({ before, after: afters[i] });
      });
      for (const c of changes) this.checkUnique(c.after);
      if (changes.length) this.commit(changes);
      return { matched: matches.length, modified: changes.length };
    }
    throw new StoreUnavailable(`${this.name}: too many concurrent writes to the same documents`);
  }

  async findOneAndUpdate(
    filter: Filter,
    update: Update,
    options: FindOneAndUpdateOptions = {},
  ): Promise<T | null> {
    const r = await this.writeOne(filter, update, { sort: options.sort, upsert: options.upsert });
    const result = options.returnDocument === 'before' ? (r.upserted ? undefined : r.before) : r.after;
    if (!result) return null;
    if (options.projection)
      return (new Query({}).find([result], options.projection as any).all()[0] as T) ?? null;
    return clone(result);
  }

  async deleteOne(filter: Filter): Promise<number> {
    const [before] = this.select(filter, { limit: 1 });
    if (!before) return 0;
    this.commit([{ before }]);
    return 1;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const matches = this.select(filter);
    if (matches.length) this.commit(matches.map((before) => ({ before })));
    return matches.length;
  }

  async aggregate<R = any>(pipeline: Pipeline): Promise<R[]> {
    const first = pipeline[0];
    const input = first && first.$match ? this.candidates(first.$match) : [...this.docs.values()];
    const agg = new Aggregator(pipeline, { collectionResolver: this.resolve } as any);
    return clone(agg.run(input)) as R[];
  }

  /** All documents, uncopied: for `$lookup` from another collection of the same store. */
  raw(): AnyDoc[] {
    return [...this.docs.values()];
  }

  /** Deletes documents whose TTL has passed. */
  async sweep(now: Date): Promise<number> {
    let removed = 0;
    for (const { field, seconds } of this.ttl) {
      const expired: T[] = [];
      for (const d of this.docs.values()) {
        const v = d[field];
        if (v instanceof Date && v.getTime() + seconds * 1000 <= now.getTime()) expired.push(d);
      }
      if (expired.length) this.commit(expired.map((before) => ({ before })));
      removed += expired.length;
    }
    return removed;
  }
}

/**
 * The embedded engine: documents durably in SQLite (WAL, one transaction per write),
 * queried, updated and aggregated with mingo, which implements MongoDB's semantics in JS.
 * One process owns a data folder at a time (SQLite exclusive locking).
 */
export class EmbeddedStore implements Store {
  readonly engine = 'embedded' as const;
  private db: Database.Database;
  private mongoose = new Mongoose();
  private collections = new Map<CollectionName, EmbeddedCollection<any>>();
  private sweepTimer?: NodeJS.Timeout;

  constructor(private options: EmbeddedOptions) {
    fs.mkdirSync(options.dir, { recursive: true });
    const file = path.join(options.dir, 'chimba.sqlite');
    try {
      this.db = new Database(file, { timeout: options.busyTimeoutMs ?? 5000 });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.sync === 'normal' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.exec('BEGIN EXCLUSIVE; COMMIT;');
    } catch (err) {
      const busy = (err as { code?: string }).code === 'SQLITE_BUSY';
      throw new StoreUnavailable(
        busy
          ? `the data folder ${options.dir} is in use by another Chimba process`
          : `cannot open the embedded store in ${options.dir}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    const resolve = (name: string) => this.collections.get(name as CollectionName)?.raw() ?? [];
    for (const [name, schema] of Object.entries(SCHEMAS) as [CollectionName, Schema][]) {
      const model = this.mongoose.model(name, schema, name);
      this.collections.set(name, new EmbeddedCollection(name, this.db, model, schema, resolve));
    }
    const every = options.ttlSweepMs ?? 60_000;
    this.sweepTimer = setInterval(() => void this.sweepExpired().catch(() => undefined), every);
    this.sweepTimer.unref();
  }

  collection<K extends CollectionName>(name: K): Collection<Documents[K]> {
    return this.collections.get(name)! as unknown as Collection<Documents[K]>;
  }

  /** Removes every document whose TTL index says it has expired; returns how many. */
  async sweepExpired(now = new Date()): Promise<number> {
    let n = 0;
    for (const c of this.collections.values()) if (c.ttl.length) n += await c.sweep(now);
    return n;
  }

  /**
   * A consistent copy of the whole store in one SQLite file, taken while the service runs
   * (SQLite's online backup: writes go on meanwhile; the copy is of one moment).
   */
  async backup(file: string): Promise<{ file: string; bytes: number }> {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.partial`;
    await this.db.backup(tmp);
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
    if (this.db.open) this.db.close();
  }
}
