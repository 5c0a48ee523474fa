import { formatAmount, parseAmount, parsePriceParts } from '../../src/domain/price';

describe('reading a one-SMS price report the way miners write it', () => {
  const table: [string, Record<string, unknown>][] = [
    ['GOLD 250000 CDF G', { mineral: 'gold', amount: 250000, currency: 'CDF', unit: 'g' }],
    ['OR 255.000 FC/g', { mineral: 'gold', amount: 255000, currency: 'CDF', unit: 'g' }],
    ['or 45000 fc le gramme', { mineral: 'gold', amount: 45000, currency: 'CDF', unit: 'g' }],
    ['OR 45000FC G', { mineral: 'gold', amount: 45000, currency: 'CDF', unit: 'g' }],
    ['DHAHABU 150000 TSH GRAMU', { mineral: 'gold', amount: 150000, currency: 'TZS', unit: 'g' }],
    ['dhahabu 150,000 tsh kwa gramu', { mineral: 'gold', amount: 150000, currency: 'TZS', unit: 'g' }],
    ['bati 25 000 tsh kwa kilo', { mineral: 'tin', amount: 25000, currency: 'TZS', unit: 'kg' }],
    ['oro 420 bs por gramo', { mineral: 'gold', amount: 420, currency: 'BOB', unit: 'g' }],
    ['oro S/ 250 por gramo', { mineral: 'gold', amount: 250, currency: 'PEN', unit: 'g' }],
    ['ouro R$ 310,50 por grama', { mineral: 'gold', amount: 310.5, currency: 'BRL', unit: 'g' }],
    ['ouro R$310 g', { mineral: 'gold', amount: 310, currency: 'BRL', unit: 'g' }],
    ['gold $45 per gram', { mineral: 'gold', amount: 45, currency: 'USD', unit: 'g' }],
    ['gold 1,740 usd oz', { mineral: 'gold', amount: 1740, currency: 'USD', unit: 'oz' }],
    ['cassiterite 12k cdf kg', { mineral: 'tin', amount: 12000, currency: 'CDF', unit: 'kg' }],
    ['cassitérite 1.2m fc/t', { mineral: 'tin', amount: 1200000, currency: 'CDF', unit: 't' }],
    ['coltan 45 dollars kg', { mineral: 'coltan', amount: 45, currency: 'USD', unit: 'kg' }],
    ['wolframite 9000 fc kg', { mineral: 'tungsten', amount: 9000, currency: 'CDF', unit: 'kg' }],
    ['almasi 300 usd carat', { mineral: 'diamond', amount: 300, currency: 'USD', unit: 'ct' }],
    ['diamant 250 $ ct', { mineral: 'diamond', amount: 250, currency: 'USD', unit: 'ct' }],
    ['shaba 8 usd kg', { mineral: 'copper', amount: 8, currency: 'USD', unit: 'kg' }],
    ['gold 4000 ghs g', { mineral: 'gold', amount: 4000, currency: 'GHS', unit: 'g' }],
    ['gold 3 800 cedis per gram', { mineral: 'gold', amount: 3800, currency: 'GHS', unit: 'g' }],
    ['or 42.500 fcfa g', { mineral: 'gold', amount: 42500, currency: 'XOF', unit: 'g' }],
    ['gold 250000 ush g', { mineral: 'gold', amount: 250000, currency: 'UGX', unit: 'g' }],
    ['gold 1.250.000,50 cdf g', { mineral: 'gold', amount: 1250000.5, currency: 'CDF', unit: 'g' }],
    ['gold 1,250,000.50 cdf g', { mineral: 'gold', amount: 1250000.5, currency: 'CDF', unit: 'g' }],
    ['gold 60 usd tola', { mineral: 'gold', amount: 60, currency: 'USD', unit: 'tola' }],
    ['gold 250000', { mineral: 'gold', amount: 250000 }],
    ['250000 cdf g gold', { mineral: 'gold', amount: 250000, currency: 'CDF', unit: 'g' }],
    [
      'OR 255000 FC G KAMITUGA',
      { mineral: 'gold', amount: 255000, currency: 'CDF', unit: 'g', placeOfSale: 'KAMITUGA' },
    ],
  ];
  test.each(table)('%s', (text, expected) => {
    const parts = parsePriceParts(text);
    expect(parts.unknown).toEqual([]);
    expect({ ...parts, unknown: undefined }).toEqual({ ...expected, unknown: undefined });
  });

  const refused: [string, string][] = [
    ['GOLD lots CDF G', 'no amount'],
    ['rock 2500 cdf g', 'an unknown mineral'],
    ['gold -5 cdf g', 'a negative price'],
    ['gold 0 cdf g', 'a zero price'],
    ['gold 25OOO cdf g', 'letters inside the number'],
  ];
  test.each(refused)('%s is refused or asked about (%s)', (text) => {
    const p = parsePriceParts(text);
    const complete = p.mineral && p.amount !== undefined && p.unknown.length === 0;
    expect(complete).toBeFalsy();
  });

  test('amounts in every separator convention', () => {
    expect(parseAmount('250,000')).toBe(250000);
    expect(parseAmount('250.000')).toBe(250000);
    expect(parseAmount("250'000")).toBe(250000);
    expect(parseAmount('2,5')).toBe(2.5);
    expect(parseAmount('45k')).toBe(45000);
    expect(parseAmount('1.2M')).toBe(1200000);
    expect(parseAmount('abc')).toBeUndefined();
    expect(parseAmount('1e9')).toBeUndefined();
  });

  test('amounts are written back the way each language writes numbers', () => {
    expect(formatAmount(1250000, 'en')).toBe('1,250,000');
    expect(formatAmount(1250000, 'fr')).toBe('1 250 000');
    expect(formatAmount(1250000, 'es')).toBe('1.250.000');
    expect(formatAmount(310.5, 'pt')).toBe('310,50');
    expect(formatAmount(280000, 'sw')).toBe('280,000');
  });
});
