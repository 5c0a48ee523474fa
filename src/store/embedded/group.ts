import { Pipeline } from '../types';
import { jsonPath, pathExpr, translate } from './sql';
import { Table } from './table';

/* eslint-disable @typescript-eslint/no-explicit-any */

const FIELD = /^\$([A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*)$/;

/**
 * A `$group` stage on plain fields (`_id: '$kind'` or `{ c: '$channel', s: '$status' }`)
 * whose accumulators are `$sum` of 1 or of a numeric field, after a `$match` SQL can say
 * exactly, computed by SQLite with GROUP BY: counts over millions of stored messages
 * without reading one into JavaScript. Undefined when the stage is anything else (mingo
 * then runs it).
 */
export function groupInSql(
  table: Table<any>,
  match: Record<string, unknown>,
  stage: Pipeline[number] | undefined,
): any[] | undefined {
  const group = stage?.$group as Record<string, any> | undefined;
  if (!group) return undefined;
  const t = translate(table.info, match);
  if (!t.exact) return undefined;
  const column = (ref: unknown) => {
    const m = typeof ref === 'string' ? FIELD.exec(ref) : null;
    const p = m && table.info.paths.get(m[1]);
    if (!m || !p || p.multikey || p.kind === 'mixed' || p.kind === 'object') return undefined;
    return { expr: pathExpr(m[1], p.kind), kind: p.kind, type: `json_type(doc, '${jsonPath(m[1])}')` };
  };
  const keys: { name?: string; col: NonNullable<ReturnType<typeof column>> }[] = [];
  const id = group._id;
  if (id !== null) {
    if (typeof id === 'string') {
      const col = column(id);
      if (!col) return undefined;
      keys.push({ col });
    } else if (id && typeof id === 'object' && !Array.isArray(id)) {
      for (const [name, ref] of Object.entries(id)) {
        const col = column(ref);
        if (!col) return undefined;
        keys.push({ name, col });
      }
    } else return undefined;
  }
  const sums: { name: string; expr: string }[] = [];
  for (const [name, acc] of Object.entries(group)) {
    if (name === '_id') continue;
    if (!acc || typeof acc !== 'object' || Object.keys(acc).length !== 1 || !('$sum' in acc))
      return undefined;
    const v = acc.$sum;
    if (v === 1) sums.push({ name, expr: 'count(*)' });
    else {
      const col = column(v);
      if (!col || col.kind !== 'number') return undefined;
      sums.push({ name, expr: `total(${col.expr})` });
    }
  }
  const select = [
    ...keys.map((k, i) => `${k.col.expr} AS k${i}`),
    ...sums.map((s, i) => `${s.expr} AS s${i}`),
  ];
  // a group over no documents at all has no row in MongoDB: HAVING keeps SQLite from making one
  const sql = `SELECT ${select.join(', ') || 'count(*) AS s_'} FROM "${table.info.table}" WHERE ${t.where}${
    keys.length ? ` GROUP BY ${keys.map((_, i) => `k${i}`).join(', ')}` : ' HAVING count(*) > 0'
  }`;
  const rows = table.query(sql, t.params) as Record<string, unknown>[];
  const value = (kind: string, v: unknown) =>
    v === null || v === undefined
      ? null
      : kind === 'date'
        ? new Date(v as string)
        : kind === 'boolean'
          ? v === 1
          : v;
  return rows.map((r) => {
    const out: Record<string, unknown> = {};
    if (!keys.length) out._id = null;
    else if (keys.length === 1 && keys[0].name === undefined) out._id = value(keys[0].col.kind, r.k0);
    else out._id = Object.fromEntries(keys.map((k, i) => [k.name, value(k.col.kind, r[`k${i}`])]));
    sums.forEach((s, i) => (out[s.name] = r[`s${i}`]));
    return out;
  });
}
