import { Schema, SchemaType } from 'mongoose';
import { InvalidDocument } from '../../domain/errors';

/* eslint-disable @typescript-eslint/no-explicit-any */

/**
 * The mongoose schemas, compiled once into plain validators and a map of path types.
 * Mongoose stays the one definition of shape, defaults, validation and indexes; the
 * embedded engine no longer builds a mongoose document for every write (that was a fifth
 * of a message's time), it runs these functions instead.
 */

/** What a stored path holds, as far as queries and indexes need to know. */
export type PathKind = 'string' | 'number' | 'boolean' | 'date' | 'mixed' | 'object';

/** A path's kind and whether it goes through an array (multikey in MongoDB's words). */
export interface PathInfo {
  kind: PathKind;
  multikey: boolean;
}

/** Turns a raw value into a stored one, or says why not. */
type Caster = (v: unknown, path: string) => unknown;

interface Field {
  name: string;
  required: boolean;
  default?: () => unknown;
  cast: Caster;
}

/** A compiled schema: `prepare` casts, applies defaults, drops unknown keys and validates. */
export interface CompiledSchema {
  prepare(raw: Record<string, unknown>): Record<string, unknown>;
  paths: Map<string, PathInfo>;
}

class Invalid extends Error {}

function fail(path: string, message: string): never {
  throw new Invalid(`${path}: ${message}`);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null;
}

function stringCaster(t: SchemaType): Caster {
  const o = t.options as any;
  const enumValues: string[] | undefined = (t as any).enumValues?.length ? (t as any).enumValues : undefined;
  const match: RegExp | undefined = o.match instanceof RegExp ? o.match : undefined;
  return (v, path) => {
    if (v === null) return null;
    let s: string;
    if (typeof v === 'string') s = v;
    else if (typeof v === 'number' || typeof v === 'boolean') s = String(v);
    else fail(path, `cannot store ${describe(v)} as a string`);
    if (o.trim) s = s.trim();
    if (o.lowercase) s = s.toLowerCase();
    if (o.uppercase) s = s.toUpperCase();
    if (enumValues && !enumValues.includes(s)) fail(path, `\`${s}\` is not a valid value`);
    if (match && s !== '' && !match.test(s)) fail(path, `is invalid (${s})`);
    if (typeof o.maxlength === 'number' && s.length > o.maxlength)
      fail(path, `is longer than the maximum allowed length (${o.maxlength})`);
    if (typeof o.minlength === 'number' && s.length < o.minlength)
      fail(path, `is shorter than the minimum allowed length (${o.minlength})`);
    return s;
  };
}

function numberCaster(t: SchemaType): Caster {
  const o = t.options as any;
  const enumValues: number[] | undefined = Array.isArray(o.enum) ? o.enum : undefined;
  return (v, path) => {
    if (v === null) return null;
    let n: number;
    if (typeof v === 'number') n = v;
    else if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) n = Number(v);
    else if (typeof v === 'boolean') n = v ? 1 : 0;
    else fail(path, `cannot store ${describe(v)} as a number`);
    if (Number.isNaN(n)) fail(path, 'is not a number');
    if (typeof o.min === 'number' && n < o.min) fail(path, `is less than minimum allowed value (${o.min})`);
    if (typeof o.max === 'number' && n > o.max) fail(path, `is more than maximum allowed value (${o.max})`);
    if (enumValues && !enumValues.includes(n)) fail(path, `\`${n}\` is not a valid value`);
    return n;
  };
}

function dateCaster(): Caster {
  return (v, path) => {
    if (v === null) return null;
    let d: Date;
    if (v instanceof Date) d = v;
    else if (typeof v === 'string' || typeof v === 'number') d = new Date(v);
    else fail(path, `cannot store ${describe(v)} as a date`);
    if (Number.isNaN(d.getTime())) fail(path, `cannot store ${describe(v)} as a date`);
    return d;
  };
}

function booleanCaster(): Caster {
  return (v, path) => {
    if (v === null) return null;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 1 || v === '1') return true;
    if (v === 'false' || v === 0 || v === '0') return false;
    fail(path, `cannot store ${describe(v)} as a boolean`);
  };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Date) return 'a date';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${JSON.stringify(v)}`.slice(0, 60);
}

/** A default as mongoose applies it: a function is called, arrays default to empty. */
function defaultOf(t: SchemaType): (() => unknown) | undefined {
  const d = (t.options as any).default;
  if (typeof d === 'function') return () => d();
  if (d !== undefined) return () => (d && typeof d === 'object' ? structuredClone(d) : d);
  if ((t as any).$isMongooseArray) return () => [];
  return undefined;
}

/**
 * Compiles a mongoose schema: each path's caster (with its validators) and default, and
 * the kind of every path, nested ones included (`addresses.key`, `audience.regions`).
 */
export function compileSchema(schema: Schema): CompiledSchema {
  const paths = new Map<string, PathInfo>();
  const prepare = compileObject(schema, '', false, paths);
  return {
    paths,
    prepare(raw) {
      try {
        return prepare(raw, '') as Record<string, unknown>;
      } catch (err) {
        if (err instanceof Invalid) throw new InvalidDocument(err.message);
        throw err;
      }
    },
  };
}

function compileType(t: SchemaType, prefix: string, multikey: boolean, paths: Map<string, PathInfo>): Caster {
  const full = prefix;
  const any = t as any;
  if (any.$isMongooseDocumentArray || (any.$isMongooseArray && any.schema)) {
    const item = compileObject(any.schema, full, true, paths);
    paths.set(full, { kind: 'object', multikey: true });
    return (v, path) => {
      if (v === null) return null;
      if (!Array.isArray(v)) fail(path, 'must be an array');
      return v.map((x, i) => item(x, `${path}.${i}`));
    };
  }
  if (any.$isMongooseArray) {
    const inner = any.embeddedSchemaType as SchemaType | undefined;
    const item = inner ? compileType(inner, full, true, paths) : (x: unknown) => x;
    if (!inner) paths.set(full, { kind: 'mixed', multikey: true });
    return (v, path) => {
      if (v === null) return null;
      const list = Array.isArray(v) ? v : [v];
      return list.map((x, i) => item(x, `${path}.${i}`));
    };
  }
  if (any.$isSingleNested) {
    paths.set(full, { kind: 'object', multikey });
    return compileObject(any.schema, full, multikey, paths);
  }
  switch (t.instance) {
    case 'String':
      paths.set(full, { kind: 'string', multikey });
      return stringCaster(t);
    case 'Number':
      paths.set(full, { kind: 'number', multikey });
      return numberCaster(t);
    case 'Date':
      paths.set(full, { kind: 'date', multikey });
      return dateCaster();
    case 'Boolean':
      paths.set(full, { kind: 'boolean', multikey });
      return booleanCaster();
    default:
      paths.set(full, { kind: 'mixed', multikey });
      return (v) => v;
  }
}

/** A caster for a (sub)document: known paths only, defaults applied, required checked. */
function compileObject(
  schema: Schema,
  prefix: string,
  multikey: boolean,
  paths: Map<string, PathInfo>,
): (v: unknown, path: string) => unknown {
  // mongoose flattens nested plain objects into dotted paths: rebuild the tree
  const fields: (Field & { parts: string[] })[] = [];
  schema.eachPath((name, t) => {
    const full = prefix ? `${prefix}.${name}` : name;
    fields.push({
      name,
      parts: name.split('.'),
      required: !!(t.options as any).required,
      default: defaultOf(t),
      cast: compileType(t, full, multikey, paths),
    });
  });
  return (v, path) => {
    if (v === null || v === undefined) return v;
    if (typeof v !== 'object' || Array.isArray(v) || v instanceof Date)
      fail(path || 'document', 'must be an object');
    const src = v as Record<string, any>;
    const out: Record<string, any> = {};
    for (const f of fields) {
      let value: unknown = src;
      for (const p of f.parts) value = value == null ? undefined : (value as any)[p];
      const at = path ? `${path}.${f.name}` : f.name;
      if (value === undefined && f.default) value = f.default();
      if (value !== undefined) value = f.cast(value, at);
      if (f.required && (isEmpty(value) || value === '')) fail(at, 'is required');
      if (value === undefined) continue;
      let o = out;
      for (let i = 0; i < f.parts.length - 1; i++) o = o[f.parts[i]] ??= {};
      o[f.parts[f.parts.length - 1]] = value;
    }
    return out;
  };
}
