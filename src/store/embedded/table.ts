import Database from 'better-sqlite3';
import { Query } from 'mingo';
import { Schema } from 'mongoose';
import { DuplicateKey, InvalidDocument, StoreUnavailable } from '../../domain/errors';
import { CollectionName } from '../../models';
import { decodeDoc, encodeDoc } from '../codec';
import { Filter, FindOptions, Sort, Update } from '../types';
import { CompiledSchema, compileSchema } from './schema';
import { IndexPlan, planIndexes, valuesAt } from './indexes';
import { TableInfo, jsonPath, pathExpr, translate, translateSort } from './sql';
import { fromValues, project, projectionColumns, scalarFields } from './projection';
import { applyUpdate, compare, getPath, seedFromFilter } from './update';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Doc = { _id: string } & Record<string, any>;

/**
 * One collection in SQLite: reads answered by SQL through the indexes (mingo checks only
 * what SQL could not say exactly), writes validated by the compiled schema. Every method
 * here is synchronous; the engine decides when writes run and commit.
 */
export class Table<T extends Doc = Doc> {
  readonly info: TableInfo;
  readonly compiled: CompiledSchema;
  readonly plans: IndexPlan[];
  private names = new Map<string, string>();
  private stmts = new Map<string, Database.Statement>();

  constructor(
    readonly name: CollectionName,
    private db: Database.Database,
    schema: Schema,
  ) {
    this.compiled = compileSchema(schema);
    this.plans = planIndexes(name, schema, this.compiled);
    const sideTables = new Map<string, string>();
    for (const p of this.plans) {
      this.names.set(p.name, p.mongoName);
      if (p.side) sideTables.set(p.side.path, p.side.table);
    }
    this.info = { table: `c_${name}`, paths: this.compiled.paths, sideTables };
  }

  /** A statement prepared once per SQL text. */
  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  // ---- reads ----------------------------------------------------------------------------

  /** Documents matching a filter, in order, skipped and limited (projected in SQL when it can be). */
  select(filter: Filter, options: FindOptions = {}): T[] {
    const projected = this.projected(filter, options);
    if (projected) return projected;
    const docs = this.rows(filter, options).map((r) => r.doc);
    return options.projection ? (new Query({}).find(docs, options.projection as any).all() as T[]) : docs;
  }

  /**
   * An inclusion projection of scalar fields on a filter and sort SQL says exactly: only
   * those fields are read (`json_extract`), no document is parsed. Undefined otherwise.
   */
  projected(filter: Filter, options: FindOptions): T[] | undefined {
    const f = scalarFields(this.info, options.projection);
    if (!f) return undefined;
    const t = translate(this.info, filter);
    const order = translateSort(this.info, options.sort);
    if (!t.exact || order === null) return undefined;
    const skip = options.skip ?? 0;
    const limit = options.limit || -1;
    const cols = [...(f.withId ? ['id'] : []), ...projectionColumns(f)];
    // without _id, a query whose fields are all in an index reads the index alone
    const sql = `SELECT ${cols.join(', ')} FROM "${this.info.table}" WHERE ${t.where} ${order} LIMIT ${limit} OFFSET ${skip}`;
    return (this.stmt(sql).all(...t.params) as Record<string, unknown>[]).map((r) =>
      fromValues<T>(
        f,
        r.id,
        f.fields.map((_, i) => r[`p${i}`]),
      ),
    );
  }

  /** Matching documents with the JSON text they were read from. */
  private rows(filter: Filter, options: FindOptions = {}): { text: string; doc: T }[] {
    const t = translate(this.info, filter);
    const order = translateSort(this.info, options.sort);
    const skip = options.skip ?? 0;
    const limit = options.limit || Infinity;
    const base = `SELECT doc FROM "${this.info.table}" WHERE ${t.where}`;
    const read = (text: string) => ({ text, doc: decodeDoc(text) as T });
    if (order !== null && t.exact) {
      const page =
        Number.isFinite(limit) || skip ? ` LIMIT ${Number.isFinite(limit) ? limit : -1} OFFSET ${skip}` : '';
      return (
        this.stmt(`${base} ${order}${page}`)
          .pluck()
          .all(...t.params) as string[]
      ).map(read);
    }
    const query = t.exact ? undefined : new Query(filter);
    if (order !== null) {
      // in SQL's order, checked one by one, until the page is full
      const out: { text: string; doc: T }[] = [];
      let skipped = 0;
      for (const text of this.stmt(`${base} ${order}`)
        .pluck()
        .iterate(...t.params)) {
        const row = read(text as string);
        if (query && !query.test(row.doc)) continue;
        if (skipped++ < skip) continue;
        out.push(row);
        if (out.length >= limit) break;
      }
      return out;
    }
    let rows = (
      this.stmt(base)
        .pluck()
        .all(...t.params) as string[]
    ).map(read);
    if (query) rows = rows.filter((r) => query.test(r.doc));
    if (options.sort && Object.keys(options.sort).length) {
      const sorted = sortDocs(
        rows.map((r) => r.doc),
        options.sort,
      );
      const byDoc = new Map(rows.map((r) => [r.doc, r]));
      rows = sorted.map((d) => byDoc.get(d)!);
    }
    return rows.slice(skip, Number.isFinite(limit) ? skip + limit : undefined);
  }

  /** Runs a read-only SQL statement on this table's connection (aggregations SQL can do). */
  query(sql: string, params: unknown[]): unknown[] {
    return this.stmt(sql).all(...params);
  }

  count(filter: Filter): number {
    const t = translate(this.info, filter);
    if (t.exact)
      return this.stmt(`SELECT count(*) FROM "${this.info.table}" WHERE ${t.where}`)
        .pluck()
        .get(...t.params) as number;
    const query = new Query(filter);
    let n = 0;
    for (const row of this.stmt(`SELECT doc FROM "${this.info.table}" WHERE ${t.where}`)
      .pluck()
      .iterate(...t.params))
      if (query.test(decodeDoc(row as string))) n++;
    return n;
  }

  /**
   * Whether a filter matches a large share of the table (an eighth or more), read from the
   * indexes: such a scan is cheaper in rowid order than through an index.
   */
  broad(filter: Filter): boolean {
    const total = (this.stmt(`SELECT count(*) AS n FROM "${this.info.table}"`).get() as { n: number }).n;
    // what SQL narrows to (a superset when mingo checks the rest): enough to choose a plan
    const t = translate(this.info, filter);
    const narrowed = this.stmt(`SELECT count(*) FROM "${this.info.table}" WHERE ${t.where}`)
      .pluck()
      .get(...t.params) as number;
    return total > 0 && narrowed * 8 >= total;
  }

  /**
   * A page of documents for a stream, in rowid order (or a sort), after a position: reads
   * never hold a statement open across awaits. With a projection of scalar fields and a
   * filter SQL says exactly, only those fields are read (a scan over a million reports
   * parses no document).
   */
  page(
    filter: Filter,
    after: number,
    size: number,
    broad = false,
    projection?: Record<string, 0 | 1>,
  ): { docs: T[]; last: number } {
    const t = translate(this.info, filter);
    const f = t.exact ? scalarFields(this.info, projection) : undefined;
    // the fields in one `json_extract` of several paths: SQLite parses each document once
    // and hands back a small JSON array (about half the cost of reading the document whole)
    const cols = f
      ? `id, json_extract(doc, ${f.fields.map((path, i) => `'${jsonPath(path, f.kinds[i])}'`).join(', ')}) AS j`
      : 'doc';
    // a filter most documents match reads the table in rowid order (one pass over all pages);
    // through an index, each page would gather and sort every match again
    const rows = this.stmt(
      `SELECT rowid AS r, ${cols} FROM "${this.info.table}"${broad ? ' NOT INDEXED' : ''} WHERE rowid > ? AND (${t.where}) ORDER BY rowid LIMIT ?`,
    ).all(after, ...t.params, size) as ({ r: number; doc: string } & Record<string, unknown>)[];
    const last = rows.length ? rows[rows.length - 1].r : after;
    if (f)
      return {
        docs: rows.map((r) =>
          fromValues<T>(f, r.id, f.fields.length > 1 ? (JSON.parse(r.j as string) as unknown[]) : [r.j]),
        ),
        last,
      };
    const query = t.exact ? undefined : new Query(filter);
    const docs: T[] = [];
    for (const row of rows) {
      const doc = decodeDoc(row.doc) as T;
      if (!query || query.test(doc)) docs.push(projection ? project(doc, projection) : doc);
    }
    return { docs, last };
  }

  // ---- writes (synchronous; run by the engine inside its transaction) ----------------

  private depth = 0;
  /** The statements of one write, all or none: a savepoint, used only when a write takes several. */
  private atomic<R>(fn: () => R): R {
    const name = `t${++this.depth}_${this.name}`;
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const r = fn();
      this.db.exec(`RELEASE ${name}`);
      return r;
    } catch (err) {
      this.db.exec(`ROLLBACK TO ${name}`);
      this.db.exec(`RELEASE ${name}`);
      throw err;
    } finally {
      this.depth--;
    }
  }

  /** Whether a document's writes take more than one statement (it has side tables). */
  private get multi(): boolean {
    return this.info.sideTables.size > 0;
  }

  private prepare(raw: unknown): T {
    const doc = this.compiled.prepare(raw as Record<string, unknown>) as T;
    if (typeof doc._id !== 'string' || !doc._id)
      throw new InvalidDocument(`${this.name}: _id must be a string`);
    return doc;
  }

  /** Maps a constraint failure to `DuplicateKey` naming the MongoDB index. */
  private duplicate(err: unknown): never {
    const e = err as { code?: string; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('SQLITE_CONSTRAINT')) {
      if (e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' && e.message?.includes(`${this.info.table}.id`))
        throw new DuplicateKey(this.name, '_id_');
      const m = /index '([^']+)'|failed: ([A-Za-z0-9_]+)\./.exec(e.message ?? '');
      const sqlite = m?.[1] ?? m?.[2];
      throw new DuplicateKey(this.name, (sqlite && this.names.get(sqlite)) ?? sqlite ?? 'unknown');
    }
    if (err instanceof DuplicateKey || err instanceof InvalidDocument) throw err;
    throw new StoreUnavailable(`embedded store write failed: ${(err as Error).message}`, { cause: err });
  }

  private sides(doc: T | undefined, id: string, before?: T): void {
    for (const p of this.plans) {
      if (!p.side) continue;
      const now = doc ? valuesAt(doc, p.side.path) : [];
      if (before) {
        const then = valuesAt(before, p.side.path);
        if (then.length === now.length && then.every((v, i) => v === now[i])) continue;
        this.stmt(`DELETE FROM "${p.side.table}" WHERE id = ?`).run(id);
      }
      for (const v of now) this.stmt(`INSERT INTO "${p.side.table}" (value, id) VALUES (?, ?)`).run(v, id);
    }
  }

  insert(raw: unknown): T {
    const doc = this.prepare(raw);
    const write = () => {
      this.stmt(`INSERT INTO "${this.info.table}" (id, doc) VALUES (?, ?)`).run(doc._id, encodeDoc(doc));
      this.sides(doc, doc._id);
    };
    try {
      if (this.multi) this.atomic(write);
      else write();
    } catch (err) {
      this.duplicate(err);
    }
    return doc;
  }

  private replace(beforeText: string, before: T, after: T): boolean {
    const text = encodeDoc(after);
    if (text === beforeText) return false;
    const write = () => {
      this.stmt(`UPDATE "${this.info.table}" SET doc = ? WHERE id = ?`).run(text, after._id);
      this.sides(after, after._id, before);
    };
    try {
      if (this.multi) this.atomic(write);
      else write();
    } catch (err) {
      this.duplicate(err);
    }
    return true;
  }

  /** The heart of updates, upserts and claims: the first match (in `sort` order), changed and validated. */
  writeOne(
    filter: Filter,
    update: Update,
    options: { sort?: Sort; upsert?: boolean } = {},
  ): { before?: T; after?: T; modified: boolean; upserted?: boolean } {
    const [row] = this.rows(filter, { sort: options.sort, limit: 1 });
    if (!row) {
      if (!options.upsert) return { modified: false };
      const after = this.insert(applyUpdate(seedFromFilter(filter), update, true));
      return { after, modified: false, upserted: true };
    }
    // the update works on a fresh copy read from the same text: `before` stays as it was
    const after = this.prepare(applyUpdate(decodeDoc(row.text), update, false));
    if (after._id !== row.doc._id) throw new InvalidDocument(`${this.name}: _id cannot change`);
    const modified = this.replace(row.text, row.doc, after);
    return { before: row.doc, after: modified ? after : row.doc, modified };
  }

  /** All matches change, or none does (a document that breaks the schema stops the whole update). */
  updateMany(filter: Filter, update: Update): { matched: number; modified: number } {
    return this.atomic(() => this.updateEach(filter, update));
  }

  private updateEach(filter: Filter, update: Update): { matched: number; modified: number } {
    const matches = this.rows(filter);
    let modified = 0;
    for (const row of matches) {
      const after = this.prepare(applyUpdate(decodeDoc(row.text), update, false));
      if (after._id !== row.doc._id) throw new InvalidDocument(`${this.name}: _id cannot change`);
      if (this.replace(row.text, row.doc, after)) modified++;
    }
    return { matched: matches.length, modified };
  }

  delete(filter: Filter, one: boolean): number {
    const matches = this.select(filter, one ? { limit: 1 } : {});
    const run = () => {
      for (const d of matches) {
        this.stmt(`DELETE FROM "${this.info.table}" WHERE id = ?`).run(d._id);
        this.sides(undefined, d._id, d);
      }
    };
    if (matches.length > 1 || this.multi) this.atomic(run);
    else run();
    return matches.length;
  }

  /** Ids whose TTL date has passed. */
  expired(now: Date): string[] {
    const out: string[] = [];
    for (const p of this.plans) {
      if (!p.ttl) continue;
      const cutoff = new Date(now.getTime() - p.ttl.seconds * 1000).toISOString();
      out.push(
        ...(this.stmt(`SELECT id FROM "${this.info.table}" WHERE ${pathExpr(p.ttl.path, 'date')} <= ?`)
          .pluck()
          .all(cutoff) as string[]),
      );
    }
    return out;
  }

  /** Fills a side table from the documents already stored (a new multikey index, or an upgrade). */
  fillSide(plan: IndexPlan): number {
    let n = 0;
    for (const row of this.db.prepare(`SELECT doc FROM "${this.info.table}"`).pluck().all() as string[]) {
      const doc = decodeDoc(row) as T;
      for (const v of valuesAt(doc, plan.side!.path))
        this.stmt(`INSERT INTO "${plan.side!.table}" (value, id) VALUES (?, ?)`).run(v, doc._id);
      n++;
    }
    return n;
  }
}

/** Sorts documents by a MongoDB sort spec, keys read once (for sorts SQL cannot do). */
function sortDocs<D>(docs: D[], sort: Sort | undefined): D[] {
  if (!sort || !Object.keys(sort).length) return docs;
  const spec = Object.entries(sort);
  const rows = docs.map((d) => ({
    d,
    k: spec.map(([field]) => {
      const v = getPath(d, field);
      return Array.isArray(v) ? v[0] : v;
    }),
  }));
  rows.sort((a, b) => {
    for (let i = 0; i < spec.length; i++) {
      const c = compare(a.k[i], b.k[i]);
      if (c) return c * spec[i][1];
    }
    return 0;
  });
  return rows.map((r) => r.d);
}
