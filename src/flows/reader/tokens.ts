import { normaliseWord } from '../../domain/language';

/** A token of a message: its text as typed, normalised, and what it was read as. */
export interface Token {
  raw: string;
  word: string;
  kind?: 'amount' | 'currency' | 'unit' | 'mineral' | 'price' | 'per' | 'filler' | 'unknown';
  value?: unknown;
  typo?: boolean;
}

/**
 * Splits a message into words and numbers: separators (`:`, dashes, `=`, `;`) and
 * apostrophes (`l'or`) become spaces; dates, times and phone numbers are set apart so
 * they are never read as amounts; digits glued to words (`45000FC`) are split.
 */
export function tokenise(text: string): { tokens: Token[]; nonAmounts: number } {
  let s = ` ${text} `;
  let nonAmounts = 0;
  const setApart = (re: RegExp) => {
    s = s.replace(re, () => {
      nonAmounts++;
      return ' ';
    });
  };
  setApart(/\+\d[\d\s-]{6,}\d/g); // +243 99 123 4567
  setApart(/(?<![\d.,])0\d{5,}(?![\d.,])/g); // 0991234567
  setApart(/(?<![\d.,])\d{1,4}[/-]\d{1,2}[/-]\d{2,4}(?!\d|[.,]\d)/g); // 30/11/2026, 2026-11-30
  setApart(/(?<![\d.,])\d{1,2}\/\d{1,2}(?![\d/]|[.,]\d)(?!\s*(?:g|kg|gr)\b)/gi); // 30/11
  setApart(/(?<![\d.,])\d{1,2}[:h]\d{2}(?![\d.,])/gi); // 14:00, 10h30
  setApart(/(?<![\d.,])\d{1,2}\s?(?:am|pm)\b/gi);
  s = s
    .replace(/aujourd['’ ]?hui/gi, ' aujourdhui ')
    .replace(/c['’]est/gi, ' cest ')
    .replace(/\b([ldjc])['’]/gi, '$1 ')
    .replace(/[?!;:=*"“”()]/g, ' ')
    .replace(/\s[-–—]+|[-–—]+\s/g, ' ')
    .replace(/(?<=\p{L})[-–—](?=\d)|(?<=\d)[-–—](?=\p{L})/gu, ' ')
    .replace(/,(?=\s|$)/g, ' ')
    .replace(/\.(?=\s|$)/g, ' ');
  // "250 000" → "250000" (space as a thousands separator)
  s = s.replace(/(?<=\s)\d{1,3}(?: \d{3})+(?=[\s/\p{L}$₵₱€]|$)/gu, (m) => m.replace(/ /g, ''));
  // a currency symbol glued to a number: "$45", "R$250", "S/120", "GH₵300"
  s = s.replace(/(R\$|S\/|US\$|GH₵|\$|₵|₱|€)(?=\d)/gi, '$1 ');
  // a number glued to a word: "45000FC", "250000fc/g" (but not 45k, 22k, 1.2m)
  s = s.replace(/(\d)(?![kKmM](?:t|T)?(?:[\s/]|$))(?=[^\d\s.,'’])/g, '$1 ');
  const tokens: Token[] = [];
  for (const raw of s.trim().split(/\s+/)) {
    if (!raw) continue;
    const parts = /^s\/$/i.test(raw) || !raw.includes('/') ? [raw] : raw.split(/(\/)/).filter(Boolean);
    for (const p of parts) tokens.push({ raw: p, word: normaliseWord(p) });
  }
  return { tokens, nonAmounts };
}
