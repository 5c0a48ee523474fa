/**
 * JSON text for documents kept in SQLite, preserving Dates (as `{"$date": "…"}`, the
 * same shape MongoDB's extended JSON uses) so they come back as Dates.
 */
export function encodeDoc(doc: unknown): string {
  return JSON.stringify(doc, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return raw instanceof Date ? { $date: raw.toISOString() } : value;
  });
}

/** The inverse of `encodeDoc`. */
export function decodeDoc(text: string): Record<string, unknown> & { _id: string } {
  return JSON.parse(text, (_key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === '$date' && typeof value.$date === 'string')
        return new Date(value.$date);
    }
    return value;
  });
}

/**
 * Deep copy of a document (plain objects, arrays, Dates). Used instead of
 * `structuredClone`, which is slower for small documents and builds Dates of another
 * realm under test runners.
 */
export function clone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof Date) return new Date(v.getTime()) as T;
  if (Array.isArray(v)) return v.map(clone) as T;
  const out: Record<string, unknown> = {};
  for (const k in v) out[k] = clone((v as Record<string, unknown>)[k]);
  return out as T;
}
