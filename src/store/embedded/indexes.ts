import { Schema } from 'mongoose';
import { CollectionName } from '../../models';
import { CompiledSchema } from './schema';
import { pathExpr } from './sql';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** An index a schema declares, as SQLite keeps it. */
export interface IndexPlan {
  /** MongoDB's name (`addresses.key_1`), what `DuplicateKey` reports. */
  mongoName: string;
  /** SQLite's name. */
  name: string;
  unique: boolean;
  /** DDL that creates it when missing. */
  ddl: string;
  /** A side table for a multikey path: its path, filled from the documents when first created. */
  side?: { path: string; table: string };
  ttl?: { path: string; seconds: number };
}

function sqlName(s: string): string {
  return s.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The indexes of a schema, as SQLite DDL: expression indexes on `json_extract` for scalar
 * paths (unique ones enforced by SQLite; sparse ones partial), and a side table for an
 * index on a path inside an array (`addresses.key`), since an expression index cannot see
 * into arrays. TTL indexes are remembered for the sweep.
 */
export function planIndexes(name: CollectionName, schema: Schema, compiled: CompiledSchema): IndexPlan[] {
  const table = `c_${name}`;
  const plans: IndexPlan[] = [];
  for (const [spec, opts] of schema.indexes() as [Record<string, 1 | -1>, Record<string, any>][]) {
    const fields = Object.entries(spec);
    const mongoName: string = opts.name ?? fields.map(([k, v]) => `${k}_${v}`).join('_');
    const kinds = fields.map(([k]) => compiled.paths.get(k));
    const ttl =
      typeof opts.expireAfterSeconds === 'number'
        ? { path: fields[0][0], seconds: opts.expireAfterSeconds as number }
        : undefined;
    if (kinds.some((k) => !k || k.kind === 'mixed' || k.kind === 'object')) continue;
    const multikey = kinds.some((k) => k!.multikey);
    if (multikey) {
      if (fields.length > 1) continue; // compound multikey: not kept (no schema declares one)
      const side = `m_${name}__${sqlName(mongoName)}`;
      plans.push({
        mongoName,
        name: side,
        unique: !!opts.unique,
        side: { path: fields[0][0], table: side },
        ddl: opts.unique
          ? `CREATE TABLE IF NOT EXISTS "${side}" (value NOT NULL PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
             CREATE INDEX IF NOT EXISTS "${side}__id" ON "${side}" (id);`
          : `CREATE TABLE IF NOT EXISTS "${side}" (value NOT NULL, id TEXT NOT NULL, PRIMARY KEY (value, id)) WITHOUT ROWID;
             CREATE INDEX IF NOT EXISTS "${side}__id" ON "${side}" (id);`,
      });
      continue;
    }
    const idx = `${opts.unique ? 'ux' : 'ix'}_${name}__${sqlName(mongoName)}`;
    const cols = fields.map(([k, dir], i) => `${pathExpr(k, kinds[i]!.kind)}${dir === -1 ? ' DESC' : ''}`);
    // sparse: documents without the first field stay out (a query naming it implies the condition)
    const where = opts.sparse || ttl ? ` WHERE ${pathExpr(fields[0][0], kinds[0]!.kind)} IS NOT NULL` : '';
    plans.push({
      mongoName,
      name: idx,
      unique: !!opts.unique,
      ttl,
      ddl: `CREATE ${opts.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS "${idx}" ON "${table}" (${cols.join(', ')})${where};`,
    });
  }
  return plans;
}

/** The scalar values of a path in a document, following arrays (what a multikey index holds). */
export function valuesAt(doc: any, path: string): unknown[] {
  let current: unknown[] = [doc];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      if (Array.isArray(v)) {
        for (const item of v) if (item && typeof item === 'object') next.push((item as any)[part]);
      } else if (v && typeof v === 'object') next.push((v as any)[part]);
    }
    current = next;
  }
  const out = new Set<unknown>();
  for (const v of current.flat()) {
    if (v === undefined || v === null) continue;
    out.add(v instanceof Date ? v.toISOString() : typeof v === 'boolean' ? (v ? 1 : 0) : v);
  }
  return [...out];
}
