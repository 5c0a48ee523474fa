import { LANGUAGES } from '../../src/domain/language';
import { Translator } from '../../src/i18n';
import { bulletinSms } from '../../src/knowledge/bulletin';
import { renderSms } from '../../src/i18n/render';
import { insertReport } from '../../src/reports/store';
import { TEST_ADMIN_TOKEN, TestService, api, startService } from '../helpers/service';

describe('the monthly bulletin', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
    const store = svc.service.store;
    // November 2026 in Sud-Kivu: gold prices up from October, mercury the most reported problem, an accident
    const at = (month: number, day: number) => new Date(Date.UTC(2026, month - 1, day, 10));
    for (let i = 0; i < 6; i++) {
      for (const [month, base] of [
        [10, 240_000],
        [11, 252_000],
      ])
        await insertReport(store, {
          kind: 'price',
          channel: 'sms',
          contactId: `p${i}`,
          mineral: 'gold',
          amount: base + i * 1000,
          currency: 'CDF',
          unit: 'g',
          region: 'Sud-Kivu',
          country: 'CD',
          createdAt: at(month, 3 + i),
        });
      await insertReport(store, {
        kind: 'issue',
        channel: 'sms',
        contactId: `m${i}`,
        category: 'mercury',
        description: 'amalgame brûlé à la maison',
        region: 'Sud-Kivu',
        country: 'CD',
        createdAt: at(11, 10 + i),
      });
      await insertReport(store, {
        kind: 'incident',
        channel: 'sms',
        contactId: `c${i}`,
        incidentType: 'collapse',
        injured: 1,
        dead: 0,
        region: 'Sud-Kivu',
        country: 'CD',
        createdAt: at(11, 20 + i),
      });
    }
    await store.collection('referencePrices').insertOne({
      mineral: 'gold',
      amount: 280_000,
      currency: 'CDF',
      unit: 'g',
      publishedAt: at(11, 1),
    } as never);
    // two community leaders (French, Swahili), one miner
    for (const [from, role] of [
      ['+243990000201', 'community_leader'],
      ['+243990000202', 'community_leader'],
      ['+243990000203', 'miner'],
    ]) {
      await svc.say(from, 'PRIX OR 250000 FC G');
      await store.collection('contacts').updateOne({ 'addresses.value': from }, { $set: { role } });
    }
    await store
      .collection('contacts')
      .updateOne({ 'addresses.value': '+243990000202' }, { $set: { language: 'sw' } });
  }, 30_000);
  afterAll(() => svc.stop());

  test('prepared from the month’s figures, reviewed as HTML and PDF, published with a note; leaders get one SMS', async () => {
    const made = await api(svc, 'POST', '/api/v1/bulletins', { month: '2026-11' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      state: 'draft',
      prices: [
        {
          country: 'CD',
          mineral: 'gold',
          median: 254_500,
          previous: 242_500,
          change: 5,
          reference: 280_000,
          ofReference: 91,
          reports: 6,
        },
      ],
      issues: expect.arrayContaining([{ country: 'CD', region: null, category: 'mercury', reports: 6 }]),
      incidents: [{ country: 'CD', incidents: 6, injured: 6, dead: 0 }],
    });
    await api(svc, 'PATCH', '/api/v1/bulletins/2026-11', {
      note: { fr: 'Les prix montent ; le mercure reste le premier problème.' },
    });

    const review = await fetch(`${svc.url}/api/v1/bulletins/2026-11/html?lang=fr`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const page = await review.text();
    expect(page).toContain('Bulletin Chimba, 2026-11');
    expect(page).toContain('BROUILLON');
    expect(page).toContain('Les prix montent');
    expect(page).toContain('+5%');
    expect(page).toContain('@media print');
    expect(page).not.toContain('amalgame');
    // not public until published
    expect((await fetch(`${svc.url}/public/bulletins/2026-11`)).status).toBe(404);

    // printed by the Chromium the browser tests use (CHROMIUM_PATH)
    const pdf = await fetch(`${svc.url}/api/v1/bulletins/2026-11/pdf`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(1000);

    const published = await api(svc, 'POST', '/api/v1/bulletins/2026-11/publish');
    expect(published.body).toMatchObject({ state: 'published', queued: 2 });
    const sms = await svc.service.store
      .collection('outbound')
      .find({ dedupeKey: { $regex: '^bulletin:2026-11:' } }, { sort: { to: 1 } });
    expect(sms.map((m) => [m.to, m.segments])).toEqual([
      ['+243990000201', 1],
      ['+243990000202', 1],
    ]);
    expect(sms[0].text).toMatch(
      /^Bulletin Chimba 2026-11 : Or 254 500 CDF\/g \(\+5% en un mois\)\. Le plus signalé : /,
    );
    expect(sms[1].text).toMatch(/^Taarifa ya Chimba 2026-11: Dhahabu/);
    await api(svc, 'POST', '/api/v1/bulletins/2026-11/publish'); // again: nobody gets it twice
    expect(
      await svc.service.store.collection('outbound').countDocuments({ dedupeKey: { $regex: '^bulletin:' } }),
    ).toBe(2);

    const open = await fetch(`${svc.url}/public/bulletins/2026-11?lang=fr`);
    expect(open.status).toBe(200);
    expect(await open.text()).not.toContain('BROUILLON');
    expect(await (await fetch(`${svc.url}/public?lang=fr`)).text()).toContain('/public/bulletins/2026-11');
  });

  test('its SMS summary is one segment in every language, even with the longest names', () => {
    const t = new Translator('en');
    const b = {
      _id: '2026-12',
      state: 'published' as const,
      prices: [
        {
          country: 'ID',
          mineral: 'tungsten',
          currency: 'IDR',
          unit: 'kg',
          median: 9_999_999_999.99,
          reports: 999,
          previous: 1,
          change: -100,
        },
      ],
      issues: [{ country: 'ID', region: null, category: 'land_conflict', reports: 99 }],
      incidents: [{ country: 'ID', incidents: 9999, injured: 9999, dead: 9999 }],
      note: {},
      minCell: 5,
      preparedAt: new Date(),
    };
    for (const lang of LANGUAGES) {
      const text = bulletinSms(t, lang, b, 'ID', true);
      expect({ lang, segments: renderSms({ text }, true).segments }).toEqual({ lang, segments: 1 });
      expect(text).toContain('2026-12');
    }
  });
});
