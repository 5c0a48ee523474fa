import { randomBytes, randomUUID } from 'node:crypto';

/** A new document id: a random UUID, the same shape on both storage engines. */
export function newId(): string {
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
  random: () => Buffer = () => randomBytes(5),
): string {
  const bytes = random();
  let s = '';
  for (let i = 0; i < 5; i++) s += REF_ALPHABET[bytes[i] % REF_ALPHABET.length];
  return `${REF_PREFIX[kind]}-${s}`;
}
