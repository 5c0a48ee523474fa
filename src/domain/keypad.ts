import { REF_ALPHABET } from './ids';

/**
 * A phone keypad's letters: a reference (`R-4K7Q2`) typed on a call, each letter by the key
 * that carries it (K is 5, Q is 7), arrives as digits (`45577`).
 */
const KEYS: Record<string, string> = {
  '2': 'ABC',
  '3': 'DEF',
  '4': 'GHI',
  '5': 'JKL',
  '6': 'MNO',
  '7': 'PQRS',
  '8': 'TUV',
  '9': 'WXYZ',
};

const KEY_OF = new Map<string, string>();
for (const [key, letters] of Object.entries(KEYS)) for (const l of letters) KEY_OF.set(l, key);

/** The keys a reference's symbols are typed with (without its prefix): `R-4K7Q2` → `45772`. */
export function keypadDigits(reference: string): string {
  const body = reference.replace(/^[A-Z]-/, '');
  return [...body.toUpperCase()].map((c) => KEY_OF.get(c) ?? c).join('');
}

/**
 * Every reference body the digits could stand for (each key: its digit or one of its
 * letters that references use); none when a key carries no symbol (0, 1) or the length
 * is not a reference's.
 */
export function referencesTyped(digits: string, length = 5): string[] {
  if (digits.length !== length || !/^[2-9]+$/.test(digits)) return [];
  let out = [''];
  for (const d of digits) {
    const symbols = [d, ...KEYS[d]].filter((c) => REF_ALPHABET.includes(c));
    out = out.flatMap((prefix) => symbols.map((c) => prefix + c));
  }
  return out;
}
