import { Query } from 'mingo';
import { PathKind } from './schema';
import { TableInfo, pathExpr } from './sql';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** An inclusion projection of scalar fields: the fields, their kinds, and whether `_id` comes too. */
export interface ScalarProjection {
  fields: string[];
  kinds: PathKind[];
  withId: boolean;
}

/**
 * The scalar fields an inclusion projection names, with their kinds, when SQL can read
 * them alone (`json_extract`, no document parsed); undefined otherwise.
 */
export function scalarFields(
  info: TableInfo,
  projection: Record<string, 0 | 1> | undefined,
): ScalarProjection | undefined {
  if (!projection) return undefined;
  const entries = Object.entries(projection);
  if (!entries.length || entries.some(([k, v]) => v !== 1 && !(k === '_id' && v === 0))) return undefined;
  const fields = entries.filter(([k, v]) => k !== '_id' && v === 1).map(([k]) => k);
  const kinds = fields.map((f) => info.paths.get(f));
  if (kinds.some((k) => !k || k.multikey || k.kind === 'mixed' || k.kind === 'object')) return undefined;
  return { fields, kinds: kinds.map((k) => k!.kind), withId: projection._id !== 0 };
}

/** The SQL columns of those fields (`p0`, `p1`…): the expressions indexes are built on. */
export function projectionColumns(f: ScalarProjection): string[] {
  return f.fields.map((path, i) => `${pathExpr(path, f.kinds[i])} AS p${i}`);
}

/** A document of the projected fields' values (in `f.fields` order), as SQLite gave them. */
export function fromValues<T>(f: ScalarProjection, id: unknown, values: unknown[]): T {
  const doc: Record<string, unknown> = f.withId ? { _id: id } : {};
  f.fields.forEach((path, i) => {
    const v = values[i];
    if (v === null || v === undefined) return;
    const kind = f.kinds[i];
    // a boolean is 1/0 from a column, true/false inside a JSON array
    const value = kind === 'date' ? new Date(v as string) : kind === 'boolean' ? v === 1 || v === true : v;
    const parts = path.split('.');
    let o = doc;
    for (let j = 0; j < parts.length - 1; j++) o = (o[parts[j]] ??= {}) as Record<string, unknown>;
    o[parts[parts.length - 1]] = value;
  });
  return doc as T;
}

/** A MongoDB projection applied in memory (what SQL could not read alone). */
export function project<D>(doc: D, projection?: Record<string, 0 | 1>): D {
  if (!projection) return doc;
  return new Query({}).find([doc], projection as any).all()[0] as D;
}
