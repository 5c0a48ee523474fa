import { InvalidDocument } from '../../domain/errors';
import { Filter, Update } from '../types';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * MongoDB update operators applied to a document the engine owns (freshly read, so no
 * copy is needed): `$set`, `$unset`, `$inc`, `$min`, `$max`, `$push` (with `$each`,
 * `$sort`, `$slice`, `$position`), `$addToSet` (with `$each`), `$pull` (values), and
 * `$setOnInsert` when inserting. A replacement document (no operators) replaces.
 */
export function applyUpdate(doc: any, update: Update, inserting: boolean): any {
  if (!Object.keys(update).some((k) => k.startsWith('$'))) return { ...update, _id: doc._id };
  for (const [op, fields] of Object.entries(update)) {
    if (!fields || typeof fields !== 'object') throw new InvalidDocument(`${op}: expected an object`);
    if (op === '$setOnInsert' && !inserting) continue;
    for (const [path, value] of Object.entries(fields as Record<string, unknown>)) {
      if (path === '_id' && op !== '$setOnInsert' && value !== doc._id)
        throw new InvalidDocument('_id cannot change');
      const apply = OPERATORS[op];
      if (!apply) throw new InvalidDocument(`unknown update operator ${op}`);
      apply(doc, path, value);
    }
  }
  return doc;
}

const OPERATORS: Record<string, (doc: any, path: string, value: any) => void> = {
  $set: (doc, path, value) => setPath(doc, path, copy(value)),
  $setOnInsert: (doc, path, value) => setPath(doc, path, copy(value)),
  $unset: (doc, path) => unsetPath(doc, path),
  $inc: (doc, path, value) => {
    const cur = getPath(doc, path);
    if (typeof value !== 'number') throw new InvalidDocument(`$inc ${path}: not a number`);
    if (cur !== undefined && cur !== null && typeof cur !== 'number')
      throw new InvalidDocument(`$inc ${path}: the field is not a number`);
    setPath(doc, path, (cur ?? 0) + value);
  },
  $min: (doc, path, value) => {
    const cur = getPath(doc, path);
    if (cur === undefined || compare(value, cur) < 0) setPath(doc, path, copy(value));
  },
  $max: (doc, path, value) => {
    const cur = getPath(doc, path);
    if (cur === undefined || compare(value, cur) > 0) setPath(doc, path, copy(value));
  },
  $push: (doc, path, value) => {
    const list = arrayAt(doc, path, '$push');
    const spec = isModifier(value) ? value : { $each: [value] };
    const items = (Array.isArray(spec.$each) ? spec.$each : [spec.$each]).map(copy);
    if (typeof spec.$position === 'number') list.splice(spec.$position, 0, ...items);
    else list.push(...items);
    if (spec.$sort !== undefined) sortList(list, spec.$sort);
    if (typeof spec.$slice === 'number')
      list.splice(
        0,
        list.length,
        ...(spec.$slice >= 0 ? list.slice(0, spec.$slice) : list.slice(spec.$slice)),
      );
  },
  $addToSet: (doc, path, value) => {
    const list = arrayAt(doc, path, '$addToSet');
    const items = isModifier(value) && Array.isArray(value.$each) ? value.$each : [value];
    for (const item of items) if (!list.some((x: unknown) => equal(x, item))) list.push(copy(item));
  },
  $pull: (doc, path, value) => {
    const cur = getPath(doc, path);
    if (!Array.isArray(cur)) return;
    if (value && typeof value === 'object' && !(value instanceof Date) && !Array.isArray(value)) {
      if (Object.keys(value).some((k) => k.startsWith('$')))
        throw new InvalidDocument(`$pull ${path}: conditions are not supported, only values`);
      const match = (x: any) =>
        x && typeof x === 'object' && Object.entries(value as Filter).every(([k, v]) => equal(x[k], v));
      setPath(
        doc,
        path,
        cur.filter((x) => !match(x)),
      );
      return;
    }
    setPath(
      doc,
      path,
      cur.filter((x) => !equal(x, value)),
    );
  },
};

function isModifier(v: unknown): v is Record<string, any> {
  return (
    !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && '$each' in (v as object)
  );
}

function arrayAt(doc: any, path: string, op: string): any[] {
  const cur = getPath(doc, path);
  if (cur === undefined || cur === null) {
    const list: any[] = [];
    setPath(doc, path, list);
    return list;
  }
  if (!Array.isArray(cur)) throw new InvalidDocument(`${op} ${path}: the field is not an array`);
  return cur;
}

function sortList(list: any[], spec: 1 | -1 | Record<string, 1 | -1>): void {
  if (typeof spec === 'number') {
    // a list of numbers (a price rollup) sorts as numbers: no type ranking needed
    if (list.every((x) => typeof x === 'number')) list.sort((a, b) => (a - b) * spec);
    else list.sort((a, b) => compare(a, b) * spec);
    return;
  }
  const keys = Object.entries(spec);
  list.sort((a, b) => {
    for (const [k, dir] of keys) {
      const c = compare(getPath(a, k), getPath(b, k));
      if (c) return c * dir;
    }
    return 0;
  });
}

/** A deep copy of plain values (objects, arrays, Dates), so stored state never aliases the caller's. */
export function copy<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (Array.isArray(v)) return v.map(copy) as T;
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = copy((v as Record<string, unknown>)[k]);
  return out as T;
}

/** MongoDB's order of types, then values: null, numbers, strings, objects, arrays, booleans, dates. */
export function compare(a: unknown, b: unknown): number {
  const rank = (v: unknown) =>
    v === null || v === undefined
      ? 0
      : typeof v === 'number'
        ? 1
        : typeof v === 'string'
          ? 2
          : v instanceof Date
            ? 6
            : Array.isArray(v)
              ? 4
              : typeof v === 'boolean'
                ? 5
                : 3;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (ra === 1 || ra === 2 || ra === 5)
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function equal(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The value at a dotted path (`answers.grams`, `addresses.0.key`), undefined when absent. */
export function getPath(doc: any, path: string): any {
  let o = doc;
  for (const p of path.split('.')) {
    if (o === null || o === undefined) return undefined;
    o = o[p];
  }
  return o;
}

function setPath(doc: any, path: string, value: unknown): void {
  const parts = path.split('.');
  let o = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i];
    if (p === '__proto__' || p === 'constructor' || p === 'prototype')
      throw new InvalidDocument(`invalid path ${path}`);
    if (o[p] === undefined || o[p] === null || typeof o[p] !== 'object')
      o[p] = /^\d+$/.test(parts[i + 1]) ? [] : {};
    o = o[p];
  }
  const last = parts[parts.length - 1];
  if (last === '__proto__' || last === 'constructor' || last === 'prototype')
    throw new InvalidDocument(`invalid path ${path}`);
  o[last] = value;
}

function unsetPath(doc: any, path: string): void {
  const parts = path.split('.');
  let o = doc;
  for (let i = 0; i < parts.length - 1; i++) {
    o = o?.[parts[i]];
    if (o === null || typeof o !== 'object') return;
  }
  if (o && typeof o === 'object') delete o[parts[parts.length - 1]];
}

/** The document an upsert starts from: the filter's equality conditions (as MongoDB does). */
export function seedFromFilter(filter: Filter): any {
  const seed: any = {};
  for (const [k, v] of Object.entries(filter)) {
    if (k.startsWith('$')) continue;
    if (v && typeof v === 'object' && !(v instanceof Date) && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === '$eq') setPath(seed, k, copy(v.$eq));
      else if (!keys.some((x) => x.startsWith('$'))) setPath(seed, k, copy(v));
    } else {
      setPath(seed, k, copy(v));
    }
  }
  return seed;
}
