import { CompoundCondition, Condition, FieldCondition } from '@ucast/core';
import { MongoQueryParser, allParsingInstructions } from '@ucast/mongo';
import { Filter, Sort } from '../types';
import { PathInfo, PathKind } from './schema';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * MongoDB filters and sorts as SQL over the JSON documents SQLite stores. A filter is
 * parsed by `@ucast/mongo` into conditions; each condition on a path whose type the
 * schema fixes (string, number, boolean, date) becomes SQL on `json_extract`, the same
 * expressions the indexes are built on, so SQLite's planner uses them. What cannot be
 * translated (mixed paths, regular expressions, `$not`…) is left out of the SQL, which
 * then selects a superset, and `exact` is false: the caller checks candidates with mingo.
 */

const parser = new MongoQueryParser(allParsingInstructions);
const SAFE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** SQL for a filter: a WHERE clause, its parameters, and whether it says exactly what the filter says. */
export interface Translated {
  where: string;
  params: unknown[];
  exact: boolean;
}

/** How the translator sees one collection: its path types and the side tables of multikey indexes. */
export interface TableInfo {
  table: string;
  paths: Map<string, PathInfo>;
  /** Multikey paths with a side table (`value`, `id`) kept in step with the documents. */
  sideTables: Map<string, string>;
}

/** The JSON path of a dotted path in SQLite's syntax; dates are stored as `{"$date": "<ISO>"}`. */
export function jsonPath(path: string, kind?: PathKind): string {
  return `$.${path}${kind === 'date' ? '."$date"' : ''}`;
}

/** The SQL expression reading a scalar path (the one expression indexes are built on). */
export function pathExpr(path: string, kind: PathKind): string {
  return `json_extract(doc, '${jsonPath(path, kind)}')`;
}

/** A parameter as SQLite compares it: booleans as 1/0 (how JSON true/false come back), dates as ISO text. */
function param(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  return v;
}

/** Whether a value is of the kind a path stores (no cross-type comparisons in SQL). */
function fits(kind: PathKind, v: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'date':
      return v instanceof Date && !Number.isNaN(v.getTime());
    default:
      return false;
  }
}

type Piece = { sql: string; params: unknown[]; exact: boolean } | null;

/** Parses and translates a filter; never throws on a filter mingo accepts (untranslatable parts drop out). */
export function translate(info: TableInfo, filter: Filter): Translated {
  let cond: Condition;
  try {
    cond = parser.parse(filter);
  } catch {
    return { where: '1', params: [], exact: false };
  }
  const piece = condition(info, cond);
  if (!piece) return { where: '1', params: [], exact: false };
  return { where: piece.sql, params: piece.params, exact: piece.exact };
}

function condition(info: TableInfo, c: Condition): Piece {
  if (c instanceof CompoundCondition) {
    const parts = (c.value as Condition[]).map((x) => condition(info, x));
    if (c.operator === 'and') {
      const kept = parts.filter((p): p is NonNullable<Piece> => !!p);
      if (!kept.length) return parts.length ? null : { sql: '1', params: [], exact: true };
      return {
        sql: kept.map((p) => `(${p.sql})`).join(' AND '),
        params: kept.flatMap((p) => p.params),
        // a conjunct left out makes the SQL wider than the filter
        exact: kept.length === parts.length && kept.every((p) => p.exact),
      };
    }
    if (c.operator === 'or') {
      // a disjunct left out would make the SQL narrower than the filter: all or nothing
      if (!parts.length || parts.some((p) => !p)) return null;
      return {
        sql: parts.map((p) => `(${p!.sql})`).join(' OR '),
        params: parts.flatMap((p) => p!.params),
        exact: parts.every((p) => p!.exact),
      };
    }
    return null;
  }
  if (c instanceof FieldCondition && typeof c.field === 'string') return field(info, c);
  return null;
}

function field(info: TableInfo, c: FieldCondition): Piece {
  const path = c.field as string;
  const v = c.value as any;
  if (path === '_id') {
    if (c.operator === 'eq' && typeof v === 'string') return { sql: 'id = ?', params: [v], exact: true };
    if (c.operator === 'in' && Array.isArray(v) && v.length && v.every((x) => typeof x === 'string'))
      return { sql: `id IN (${v.map(() => '?').join(',')})`, params: v, exact: true };
    return null;
  }
  if (!SAFE_PATH.test(path)) return null;
  const p = info.paths.get(path);
  if (!p || p.kind === 'mixed' || p.kind === 'object') return null;
  if (p.multikey) return multikey(info, path, p, c);
  const expr = pathExpr(path, p.kind);
  const type = `json_type(doc, '${jsonPath(path)}')`;
  const isNull = `(${type} IS NULL OR ${type} = 'null')`;
  switch (c.operator) {
    case 'eq':
      if (v === null) return { sql: isNull, params: [], exact: true };
      return fits(p.kind, v) ? { sql: `${expr} = ?`, params: [param(v)], exact: true } : null;
    case 'ne':
      if (v === null) return { sql: `NOT ${isNull}`, params: [], exact: true };
      return fits(p.kind, v)
        ? { sql: `(${expr} IS NULL OR ${expr} != ?)`, params: [param(v)], exact: true }
        : null;
    case 'in': {
      if (!Array.isArray(v) || !v.length) return null;
      const values = v.filter((x) => x !== null);
      if (!values.every((x) => fits(p.kind, x))) return null;
      const parts = [];
      if (values.length) parts.push(`${expr} IN (${values.map(() => '?').join(',')})`);
      if (values.length < v.length) parts.push(isNull);
      return { sql: parts.join(' OR '), params: values.map(param), exact: true };
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (!fits(p.kind, v) || p.kind === 'boolean') return null;
      const op = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[c.operator];
      return { sql: `${expr} ${op} ?`, params: [param(v)], exact: true };
    }
    case 'exists':
      return { sql: v ? `${type} IS NOT NULL` : `${type} IS NULL`, params: [], exact: true };
    case 'regex': {
      // an anchored literal prefix (`^digest:`) narrows by range; mingo has the last word
      const re = v instanceof RegExp ? v : undefined;
      const m = re && !re.flags && /^\^([\w:.\- ]+)$/.exec(re.source);
      if (!m || p.kind !== 'string') return null;
      return { sql: `${expr} >= ? AND ${expr} < ?`, params: [m[1], `${m[1]}\uffff`], exact: false };
    }
    default:
      return null;
  }
}

/** A condition on a path inside an array: a side table when one is kept, else the array's elements. */
function multikey(info: TableInfo, path: string, p: PathInfo, c: FieldCondition): Piece {
  const v = c.value as any;
  const values = c.operator === 'eq' ? [v] : c.operator === 'in' && Array.isArray(v) ? v : undefined;
  if (!values?.length || !values.every((x) => fits(p.kind, x))) return null;
  const marks = values.map(() => '?').join(',');
  const side = info.sideTables.get(path);
  if (side)
    return {
      sql: `id IN (SELECT id FROM "${side}" WHERE value IN (${marks}))`,
      params: values.map(param),
      exact: true,
    };
  // the array is the first multikey prefix; the rest is a path inside each element
  const parts = path.split('.');
  let arrayAt = -1;
  for (let i = 1; i <= parts.length; i++) {
    if (info.paths.get(parts.slice(0, i).join('.'))?.multikey) {
      arrayAt = i;
      break;
    }
  }
  if (arrayAt < 0) return null;
  const array = parts.slice(0, arrayAt).join('.');
  const rest = parts.slice(arrayAt).join('.');
  const element = rest
    ? `json_extract(value, '${jsonPath(rest, p.kind)}')`
    : p.kind === 'date'
      ? `json_extract(value, '$."$date"')`
      : 'value';
  return {
    sql: `EXISTS (SELECT 1 FROM json_each(doc, '${jsonPath(array)}') WHERE ${element} IN (${marks}))`,
    params: values.map(param),
    exact: true,
  };
}

/** ORDER BY for a sort on scalar paths (and `_id`), or null when SQL cannot order it the MongoDB way. */
export function translateSort(info: TableInfo, sort: Sort | undefined): string | null {
  if (!sort || !Object.keys(sort).length) return '';
  const terms: string[] = [];
  for (const [path, dir] of Object.entries(sort)) {
    const d = dir === -1 ? 'DESC' : 'ASC';
    if (path === '_id') {
      terms.push(`id ${d}`);
      continue;
    }
    const p = SAFE_PATH.test(path) ? info.paths.get(path) : undefined;
    if (!p || p.multikey || p.kind === 'mixed' || p.kind === 'object') return null;
    terms.push(`${pathExpr(path, p.kind)} ${d}`);
  }
  // ties come in the index's order (unspecified, as in MongoDB): a tie-breaker would stop
  // SQLite from reading an index in order and make it sort instead
  return `ORDER BY ${terms.join(', ')}`;
}
