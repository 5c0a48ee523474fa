import { getExampleNumber } from 'libphonenumber-js';
import examples from 'libphonenumber-js/examples.mobile.json';
import { countryDefaults } from '../../src/domain/country';
import { Language } from '../../src/domain/language';
import { newReference } from '../../src/domain/ids';
import { formatAmount } from '../../src/domain/price';
import { TestService, api, startService } from '../helpers/service';

/** The countries of the programme's domain notes, a region of each, and gold prices reported there. */
const COUNTRIES: { country: string; region: string; prices: number[] }[] = [
  { country: 'CD', region: 'Sud-Kivu', prices: [240_000, 250_000, 260_000] },
  { country: 'TZ', region: 'Geita', prices: [150_000, 155_000, 160_000] },
  { country: 'GH', region: 'Ashanti', prices: [1_300, 1_350, 1_400] },
  { country: 'BF', region: 'Centre-Nord', prices: [40_000, 41_000, 42_000] },
  { country: 'ML', region: 'Kayes', prices: [43_000, 44_000, 45_000] },
  { country: 'CF', region: 'Haute-Kotto', prices: [38_000, 39_000, 40_000] },
  { country: 'UG', region: 'Busia', prices: [290_000, 300_000, 310_000] },
  { country: 'ZW', region: 'Midlands', prices: [70, 72, 74] },
  { country: 'ZM', region: 'Copperbelt', prices: [1_900, 2_000, 2_100] },
  { country: 'MW', region: 'Mzimba', prices: [120_000, 125_000, 130_000] },
  { country: 'MZ', region: 'Manica', prices: [4_500, 4_600, 4_700] },
  { country: 'BO', region: 'Potosí', prices: [420, 430, 440] },
  { country: 'PE', region: 'Madre de Dios', prices: [280, 290, 300] },
  { country: 'EC', region: 'Zamora', prices: [75, 77, 79] },
  { country: 'BR', region: 'Rondônia', prices: [380, 390, 400] },
  { country: 'ID', region: 'Sulawesi', prices: [1_200_000, 1_250_000, 1_300_000] },
  { country: 'PH', region: 'Mindanao', prices: [4_000, 4_100, 4_200] },
];

const ASK: Record<Language, string> = {
  en: 'PRICE GOLD?',
  fr: 'PRIX OR ?',
  sw: 'BEI DHAHABU?',
  es: 'PRECIO ORO?',
  pt: 'PRECO OURO?',
};

const phoneOf = (country: string) => getExampleNumber(country as never, examples)!.number;

describe('market answers are in the asker’s own currency and country', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
    const now = Date.now();
    const docs = COUNTRIES.flatMap(({ country, region, prices }) =>
      prices.map((amount, i) => ({
        kind: 'price' as const,
        channel: 'sms' as const,
        mineral: 'gold' as const,
        amount,
        currency: countryDefaults(country)!.currency,
        unit: 'g' as const,
        region,
        country,
        createdAt: new Date(now - (i + 1) * 86_400_000),
      })),
    );
    await svc.service.store
      .collection('reports')
      .insertMany(docs.map((d) => ({ ...d, reference: newReference('price') })));
    await api(svc, 'POST', '/api/v1/stats/prices/rebuild');
  });
  afterAll(() => svc.stop());

  test.each(COUNTRIES.filter((c) => c.country !== 'ZM'))(
    'a miner in $country asking the gold price gets the median of reports in their currency, nothing else',
    async ({ country, prices }) => {
      const { currency, language } = countryDefaults(country)!;
      const [reply] = await svc.say(phoneOf(country), ASK[language]);
      const median = formatAmount(prices[1], language);
      expect(reply).toContain(`${median} ${currency}/g`);
      // no other country's currency appears
      const others = new Set(COUNTRIES.map((c) => countryDefaults(c.country)!.currency));
      others.delete(currency);
      for (const other of others) expect(reply).not.toContain(` ${other}`);
    },
  );

  test('with no report in their currency, a miner is told so plainly, never given another country’s figure', async () => {
    await svc.service.store.collection('reports').deleteMany({ country: 'ZM' });
    const [reply] = await svc.say(phoneOf('ZM'), 'PRICE GOLD?');
    expect(reply).toBe(
      'Gold: no prices in ZMW here in 30 days, nor a reference. Send yours: PRICE GOLD <price> ZMW g',
    );
  });

  test('reference prices: the local currency first, an international USD one otherwise, never another country’s', async () => {
    const ref = (body: Record<string, unknown>) => api(svc, 'POST', '/api/v1/prices/reference', body);
    expect((await ref({ mineral: 'gold', amount: 255_000, currency: 'CDF', unit: 'g' })).status).toBe(201);
    const [ghana] = await svc.say(phoneOf('GH'), 'PRICE GOLD?');
    expect(ghana).not.toContain('CDF');
    expect(ghana).toContain('1,350 GHS/g');
    await ref({ mineral: 'gold', amount: 2_650, currency: 'USD', unit: 'oz' });
    const [ghanaAgain] = await svc.say(phoneOf('GH'), 'PRICE GOLD?');
    expect(ghanaAgain).toMatch(/^Gold: reference 2,650 USD\/oz .* Here: 1,350 GHS\/g, median of 3 reports/);
    const [congo] = await svc.say(phoneOf('CD'), 'PRIX OR ?');
    expect(congo).toMatch(/^Or : référence 255\s?000 CDF\/g .* Ici : 250\s?000 CDF\/g/);
  });

  test('the price statistics of a region use its own currency', async () => {
    const r = await api(svc, 'GET', '/api/v1/stats/prices?mineral=gold&region=Geita');
    expect(r.status).toBe(200);
    expect(r.body.query).toMatchObject({ currency: 'TZS', unit: 'g', region: 'Geita' });
    const counted = (r.body.buckets as { count: number }[]).reduce((n, b) => n + b.count, 0);
    expect(counted).toBe(3);
    expect(r.body.keptApart).toEqual([]);
  });
});
