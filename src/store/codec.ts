/**
 * JSON text for documents kept in SQLite, preserving Dates (as `{"$date": "…"}`, the
 * same shape MongoDB's extended JSON uses) so they come back as Dates.
 */
export function encodeDoc(doc: unknown): string {
  // native JSON.stringify without a replacer (a replacer is a call per value), on a copy
  // made only along the paths that hold Dates
  return JSON.stringify(withDates(doc));
}

/** The value with every Date as `{ $date }`: the same object when it holds no Date. */
function withDates(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return { $date: v.toISOString() };
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x === null || typeof x !== 'object') continue;
      const y = withDates(x);
      if (y !== x) (out ??= v.slice())[i] = y;
    }
    return out ?? v;
  }
  const o = v as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in o) {
    const x = o[k];
    if (x === null || typeof x !== 'object') continue;
    const y = withDates(x);
    if (y !== x) (out ??= { ...o })[k] = y;
  }
  return out ?? o;
}

/** Turns `{"$date": "…"}` objects back into Dates, in place (a loop, not a reviver called for every value). */
function revive(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== null && typeof x === 'object') v[i] = revive(x);
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  const d = o.$date;
  if (typeof d === 'string') {
    let keys = 0;
    for (const _k in o) if (++keys > 1) break;
    if (keys === 1) return new Date(d);
  }
  for (const k in o) {
    const x = o[k];
    if (x !== null && typeof x === 'object') o[k] = revive(x);
  }
  return o;
}

/** The inverse of `encodeDoc`. */
export function decodeDoc(text: string): Record<string, unknown> & { _id: string } {
  return revive(JSON.parse(text)) as Record<string, unknown> & { _id: string };
}
