import { readMessage, Reading } from '../../src/flows/reader';
import { KeywordMatcher } from '../../src/flows/words';
import { Translator } from '../../src/i18n';
import { READER_CASES } from './reader.cases';

const keywords = new KeywordMatcher(new Translator('en')).vocabulary();

/** A reading in the cases' notation. */
function notation(r: Reading): string {
  if (r.kind === 'question') return `Q ${r.mineral ?? '-'}`;
  if (r.kind === 'none') return 'N';
  const p = r.parts;
  return `${r.guesses.length ? 'P?' : 'P'} ${p.mineral} ${p.amount} ${p.currency ?? '-'} ${p.unit ?? '-'}`;
}

describe('the free-form reader, on real phrasings in five languages', () => {
  test('the table is big enough and covers each language', () => {
    expect(READER_CASES.length).toBeGreaterThanOrEqual(200);
    expect(new Set(READER_CASES.map(([t]) => t)).size).toBe(READER_CASES.length);
    expect(READER_CASES.filter(([, e]) => e === 'N').length).toBeGreaterThanOrEqual(50);
  });

  test.each(READER_CASES)('%s → %s', (text, expected) => {
    expect(notation(readMessage(text, { keywords }))).toBe(expected);
  });
});

describe('a word several currencies share means the contact’s own', () => {
  const read = (text: string, localCurrency: string) =>
    notation(readMessage(text, { keywords, localCurrency }));
  test.each([
    ['bei dhahabu 150000 shillings kwa gramu', 'KES', 'P gold 150000 KES g'],
    ['bei dhahabu 150000 shilingi kwa gramu', 'UGX', 'P gold 150000 UGX g'],
    ['bei dhahabu 150000 shilingi kwa gramu', 'TZS', 'P gold 150000 TZS g'],
    ['prix or 45000 francs le gramme', 'XOF', 'P gold 45000 XOF g'],
    ['prix or 45000 francs le gramme', 'CDF', 'P gold 45000 CDF g'],
    // a code written out is what it says, whoever writes it
    ['bei dhahabu 150000 TZS kwa gramu', 'KES', 'P gold 150000 TZS g'],
    ['prix or 250000 CDF le gramme', 'XOF', 'P gold 250000 CDF g'],
    ['gold 250000 cedis per gram', 'KES', 'P? gold 250000 GHS g'],
  ])('%s, from a %s country → %s', (text, local, expected) => {
    expect(read(text, local)).toBe(expected);
  });
});

describe('typos', () => {
  test.each([
    ['PRCIE', true],
    ['PRIEC', true],
    ['DHAHBU', true],
    ['GOLD', false],
    ['PRICE', false],
  ])('%s is one edit from a known word: %s', (word, typo) => {
    const r = readMessage(`${word} GOLD 250000 CDF G`, { keywords });
    expect(r.kind === 'price' && r.guesses.includes('typo')).toBe(typo);
  });

  test('a common word one letter from a mineral or the keyword is never corrected into it', () => {
    for (const w of ['COLD', 'HOLD', 'GOOD', 'PRIS', 'AGENT', 'SUIVRE', 'SOBRE', 'KATI', 'SABA'])
      expect(readMessage(`${w} 250000 CDF G`, { keywords }).kind).toBe('none');
  });
});
