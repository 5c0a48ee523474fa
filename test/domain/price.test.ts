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
    // French (DRC, Burkina Faso, Mali, CAR)
    ['Or 42 500 FCFA le gramme', { mineral: 'gold', amount: 42500, currency: 'XOF', unit: 'g' }],
    ['or 40.000 cfa par gramme', { mineral: 'gold', amount: 40000, currency: 'XOF', unit: 'g' }],
    ['diamant 180 dollars le carat', { mineral: 'diamond', amount: 180, currency: 'USD', unit: 'ct' }],
    ['cuivre 9,5 usd kg', { mineral: 'copper', amount: 9.5, currency: 'USD', unit: 'kg' }],
    ['coltan 38$ kilo', { mineral: 'coltan', amount: 38, currency: 'USD', unit: 'kg' }],
    ['étain 30000 francs kg', { mineral: 'tin', amount: 30000, currency: 'CDF', unit: 'kg' }],
    ['cobalt 12 usd le kilo', { mineral: 'cobalt', amount: 12, currency: 'USD', unit: 'kg' }],
    ['or 255000 Fc/gramme 18K', { mineral: 'gold', amount: 255000, currency: 'CDF', unit: 'g', purity: 18 }],
    ['or 1,2m xaf once', { mineral: 'gold', amount: 1200000, currency: 'XAF', unit: 'oz' }],
    ['argent 900 fcfa g', { mineral: 'silver', amount: 900, currency: 'XOF', unit: 'g' }],
    // Swahili (Tanzania, Uganda, Kenya, eastern DRC)
    ['dhahabu 145,000 shilingi kwa gramu', { mineral: 'gold', amount: 145000, currency: 'TZS', unit: 'g' }],
    ['dhahabu 230000 ush gramu', { mineral: 'gold', amount: 230000, currency: 'UGX', unit: 'g' }],
    ['dhahabu 8500 ksh gramu', { mineral: 'gold', amount: 8500, currency: 'KES', unit: 'g' }],
    ['almasi 400 dola karati', { mineral: 'diamond', amount: 400, currency: 'USD', unit: 'ct' }],
    ['shaba 20,000 tsh kilo', { mineral: 'copper', amount: 20000, currency: 'TZS', unit: 'kg' }],
    ['yakuti 50 usd karati', { mineral: 'sapphire', amount: 50, currency: 'USD', unit: 'ct' }],
    ['bati 25k tsh kwa kilogramu', { mineral: 'tin', amount: 25000, currency: 'TZS', unit: 'kg' }],
    ['fedha 3000 tsh gramu', { mineral: 'silver', amount: 3000, currency: 'TZS', unit: 'g' }],
    ['dhahabu 160 000 tzs kwa gramu', { mineral: 'gold', amount: 160000, currency: 'TZS', unit: 'g' }],
    // Spanish (Bolivia, Peru, Ecuador, Colombia)
    ['ORO 420 Bs gramo', { mineral: 'gold', amount: 420, currency: 'BOB', unit: 'g' }],
    ['oro 250,50 soles por gramo', { mineral: 'gold', amount: 250.5, currency: 'PEN', unit: 'g' }],
    ['oro S/250 gramo', { mineral: 'gold', amount: 250, currency: 'PEN', unit: 'g' }],
    ['oro 58 dólares por gramo', { mineral: 'gold', amount: 58, currency: 'USD', unit: 'g' }],
    ['estaño 95 bolivianos kilo', { mineral: 'tin', amount: 95, currency: 'BOB', unit: 'kg' }],
    ['plata 7 bs gramo', { mineral: 'silver', amount: 7, currency: 'BOB', unit: 'g' }],
    ['wolframio 60 bs kilo', { mineral: 'tungsten', amount: 60, currency: 'BOB', unit: 'kg' }],
    ['oro 1.850 usd onza', { mineral: 'gold', amount: 1850, currency: 'USD', unit: 'oz' }],
    ['cobre 9 usd por kilo', { mineral: 'copper', amount: 9, currency: 'USD', unit: 'kg' }],
    ['oro 4.200 bs por onza', { mineral: 'gold', amount: 4200, currency: 'BOB', unit: 'oz' }],
    // Portuguese (Brazil, Mozambique)
    ['ouro 310 reais por grama', { mineral: 'gold', amount: 310, currency: 'BRL', unit: 'g' }],
    ['OURO R$ 1.250,00 GRAMA', { mineral: 'gold', amount: 1250, currency: 'BRL', unit: 'g' }],
    ['cassiterita 45 reais quilo', { mineral: 'tin', amount: 45, currency: 'BRL', unit: 'kg' }],
    ['ouro 4500 mt grama', { mineral: 'gold', amount: 4500, currency: 'MZN', unit: 'g' }],
    ['diamante 300 dolares quilate', { mineral: 'diamond', amount: 300, currency: 'USD', unit: 'ct' }],
    ['prata 5,5 reais grama', { mineral: 'silver', amount: 5.5, currency: 'BRL', unit: 'g' }],
    ['ouro 320 r$ por grama 22k', { mineral: 'gold', amount: 320, currency: 'BRL', unit: 'g', purity: 22 }],
    ['safira 80 usd quilate', { mineral: 'sapphire', amount: 80, currency: 'USD', unit: 'ct' }],
    // Asia (later languages, same parser)
    ['gold 1,300,000 rp gram', { mineral: 'gold', amount: 1300000, currency: 'IDR', unit: 'g' }],
    ['gold 3,500 ₱ per gram', { mineral: 'gold', amount: 3500, currency: 'PHP', unit: 'g' }],
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
    ['dhahabu bei nzuri leo', 'words but no price'],
    ['oro caro', 'no amount in Spanish'],
    ['ouro 12,34,56 reais', 'a number that is no number'],
    ['', 'nothing at all'],
    ['dhahabu bei nzuri leo', 'words but no price'],
    ['oro caro', 'no amount in Spanish'],
    ['ouro 12,34,56 reais', 'a number that is no number'],
    ['', 'nothing at all'],
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
