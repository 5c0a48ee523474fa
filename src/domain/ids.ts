import { randomBytes, randomUUID } from 'node:crypto';

const HOUR_MS = 3_600_000;
let idHour = -1;
let idCounter = 0;
/** Random bytes drawn 4 KiB at a time (one call to the system's source per 1,024 ids). */
let pool = Buffer.alloc(0);
let poolAt = 0;

/** `n` random bytes (n ≤ 64) from the pool: a view, used before the next call. */
function randomPooled(n: number): Buffer {
  if (poolAt + n > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

/**
 * A new document id: a UUID (the version 7 layout), the same shape on both storage
 * engines. Its leading bits are the hour it was made, never a finer time (the line keeps
 * times to the hour wherever a precise one could single out a person); then a counter of
 * this process, started at a random point each hour; then 32 random bits. Ids of one
 * process therefore grow: each index on an id (or on a key built from one, like a
 * broadcast's `b:<broadcast>:<contact>`) is appended to instead of written at random
 * places, which is most of what a commit costs on a large store. A document that must
 * not even show in which order it was made (an anonymous report) takes {@link randomId}.
 */
export function newId(now = Date.now()): string {
  const hour = now - (now % HOUR_MS);
  if (hour !== idHour) {
    idHour = hour;
    // a random start in the lower half of 42 bits: two processes meet only by chance, and
    // the counter never runs over within an hour
    idCounter = randomBytes(6).readUIntBE(0, 6) % 2 ** 41;
  }
  const counter = idCounter++;
  const high = Math.floor(counter / 2 ** 30); // 12 bits
  const low = counter % 2 ** 30; // 30 bits
  const time = hour.toString(16).padStart(12, '0');
  const variant = (0b10 << 14) | (low >>> 16);
  return [
    time.slice(0, 8),
    time.slice(8),
    `7${high.toString(16).padStart(3, '0')}`,
    variant.toString(16),
    `${(low & 0xffff).toString(16).padStart(4, '0')}${randomPooled(4).toString('hex')}`,
  ].join('-');
}

/** A document id that says nothing, not even in which order it was made: a random UUID. */
export function randomId(): string {
  return randomUUID();
}

// No 0/O, 1/I/L, so a reference read aloud or copied from a feature phone survives.
export const REF_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** Prefix of a reference number by kind: P-…, R-… (issue), C-… (incident), Q-… (a question). */
export const REF_PREFIX = { price: 'P', issue: 'R', incident: 'C', question: 'Q' } as const;

/**
 * A short reference number people can quote back (`P-4K7Q2`): 5 symbols of 31, about
 * 28 million per kind. Uniqueness is enforced by the store's unique index; callers retry.
 */
export function newReference(
  kind: keyof typeof REF_PREFIX,
  random: () => Buffer = () => randomPooled(5),
): string {
  const bytes = random();
  let s = '';
  for (let i = 0; i < 5; i++) s += REF_ALPHABET[bytes[i] % REF_ALPHABET.length];
  return `${REF_PREFIX[kind]}-${s}`;
}
