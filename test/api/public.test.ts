import { insertReport } from '../../src/reports/store';
import { protect } from '../../src/stats/open';
import { login } from '../helpers/dashboard';
import { TEST_ADMIN_TOKEN, TestService, startService } from '../helpers/service';

const tally = (reports: number, senders = reports) => ({
  reports,
  senders: new Set(Array.from({ length: senders }, (_, i) => `s${i}`)),
  hidden: undefined as 'few' | 'derived' | undefined,
});

describe('small cells are hidden (hand-made numbers)', () => {
  test('fewer than 5 reports, or fewer than 5 distinct senders, is hidden', () => {
    const [few, sameSender, enough] = [tally(4), tally(9, 2), tally(5)];
    protect([], [few, sameSender, enough], 5);
    expect([few.hidden, sameSender.hidden, enough.hidden]).toEqual(['few', 'few', undefined]);
  });

  test('a part that the total minus the other parts would reveal is hidden too', () => {
    // a country of 20 = 12 + 6 + 2: the 2 is hidden, and the 6 with it (20 - 12 - 6 = 2)
    const parts = [tally(12), tally(6), tally(2)];
    const total = tally(20);
    protect([{ total, parts }], [total, ...parts], 5);
    expect(parts.map((p) => !!p.hidden)).toEqual([false, true, true]);
    expect(total.hidden).toBeUndefined();
    // two parts only, one hidden: the other goes too, the total stays
    const pair = [tally(9), tally(3)];
    const sum = tally(12);
    protect([{ total: sum, parts: pair }], [sum, ...pair], 5);
    expect(pair.map((p) => !!p.hidden)).toEqual([true, true]);
    // a lone hidden part under a total (the rest unlisted): the total is hidden
    const lone = [tally(3)];
    const itsTotal = tally(9);
    protect([{ total: itsTotal, parts: lone }], [itsTotal, ...lone], 5);
    expect(itsTotal.hidden).toBe('derived');
  });
});

describe('the public page and open data, through HTTP', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
    const store = svc.service.store;
    const now = Date.now();
    let n = 0;
    const issue = (region: string, category: string, sender: string) =>
      insertReport(store, {
        kind: 'issue',
        channel: 'sms',
        anonymous: false,
        contactId: sender,
        category: category as never,
        description: 'x',
        region,
        country: 'CD',
        createdAt: new Date(now - ++n * 60_000),
      });
    // Sud-Kivu: 12 mercury reports from 12 people; Maniema: 6; Tanganyika: 2 (hidden, and Maniema with it)
    for (let i = 0; i < 12; i++) await issue('Sud-Kivu', 'mercury', `a${i}`);
    for (let i = 0; i < 6; i++) await issue('Maniema', 'mercury', `b${i}`);
    for (let i = 0; i < 2; i++) await issue('Tanganyika', 'mercury', `c${i}`);
    // Haut-Uele: 7 child-labour reports, all from one person: hidden
    for (let i = 0; i < 7; i++) await issue('Haut-Uele', 'child_labour', 'd0');
    for (let i = 0; i < 6; i++)
      await insertReport(store, {
        kind: 'price',
        channel: 'sms',
        contactId: `p${i}`,
        mineral: 'gold',
        amount: 250_000 + i * 1000,
        currency: 'CDF',
        unit: 'g',
        region: 'Sud-Kivu',
        country: 'CD',
        createdAt: new Date(now - i * 60_000),
      });
  }, 30_000);
  afterAll(() => svc.stop());

  test('the page: no login, no cookie, cacheable, small on a slow link, small numbers hidden', async () => {
    const res = await fetch(`${svc.url}/public?lang=fr`);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    const page = await res.text();
    expect(Buffer.byteLength(page)).toBeLessThan(100_000);
    expect(page).toContain('Prix au puits');
    expect(page).toContain('moins de 5');
    expect(page).not.toContain('d0');
    expect(page).toContain('<svg');
  });

  test('the downloads: aggregates only, the licence, the same hidden cells', async () => {
    const csv = await (await fetch(`${svc.url}/public/data/reports.csv`)).text();
    const rows = csv.split('\n');
    expect(rows[0]).toMatch(/^# Chimba open data: .*Licence: CC BY 4\.0/);
    expect(rows).toContain('CD,Sud-Kivu,issue,mercury,12');
    expect(rows).toContain('CD,Maniema,issue,mercury,hidden');
    expect(rows).toContain('CD,Tanganyika,issue,mercury,fewer than 5');
    // 27 issues in all: with the 7 hidden, the 20 of mercury would give it away, so it goes too
    expect(rows).toContain('CD,,issue,,27');
    expect(rows).toContain('CD,,issue,mercury,hidden');
    expect(rows).toContain('CD,Haut-Uele,issue,child_labour,fewer than 5');
    const json = (await (await fetch(`${svc.url}/public/data/prices.json`)).json()) as {
      licence: string;
      prices: { region: string | null; reports: number | null; median: number | null }[];
    };
    expect(json.licence).toMatch(/^CC BY 4\.0/);
    expect(json.prices.find((p) => p.region === 'Sud-Kivu')).toMatchObject({ reports: 6, median: 252_500 });
    expect(JSON.stringify(json)).not.toMatch(/contactId|p0|description/);
    expect((await fetch(`${svc.url}/public/data/dictionary.txt`)).status).toBe(200);
    expect((await fetch(`${svc.url}/public/data/prices.xml`)).status).toBe(404);
  });

  test('views and downloads are counted per month and shown to staff', async () => {
    // one more view and two downloads on top of whatever the other tests opened
    const count = async () => {
      const hits = await svc.service.store.collection('publicHits').find({});
      const sum = (f: (w: string) => boolean) =>
        hits.filter((h) => f(h.what)).reduce((n, h) => n + h.count, 0);
      return { views: sum((w) => w === 'page'), downloads: sum((w) => w !== 'page') };
    };
    const before = await count();
    await fetch(`${svc.url}/public`);
    await fetch(`${svc.url}/public/data/prices.csv`);
    await fetch(`${svc.url}/public/data/reports.json`);
    await fetch(`${svc.url}/public/data/prices.xml`); // refused: not counted
    await new Promise((r) => setTimeout(r, 100));
    const after = await count();
    expect([after.views - before.views, after.downloads - before.downloads]).toEqual([1, 2]);
    const staff = await login(svc, TEST_ADMIN_TOKEN);
    const overview = (await staff.get('/dashboard')).text;
    expect(overview).toContain(`Public page this month: ${after.views} views, ${after.downloads} downloads.`);
    const hits = await svc.service.store.collection('publicHits').find({});
    expect(JSON.stringify(hits)).not.toMatch(/127\.0\.0\.1|::1/);
    expect(hits.every((h) => /^\d{4}-\d{2}:/.test(h._id))).toBe(true);
  });
});

test('PUBLIC_PAGE=off hides it', async () => {
  const svc = await startService({ PUBLIC_PAGE: 'off' });
  try {
    expect((await fetch(`${svc.url}/public`)).status).toBe(404);
    expect((await fetch(`${svc.url}/public/data/prices.csv`)).status).toBe(404);
  } finally {
    await svc.stop();
  }
});

/** A distinct report reference for the n-th report (the letters references use). */
const ref = (n: number) => {
  const letters = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
  let out = '';
  for (let i = 0; i < 5; i++, n = Math.floor(n / letters.length)) out = letters[n % letters.length] + out;
  return `P-${out}`;
};

test('a national line stays under 100 kB a page: countries on the first page, regions and charts on each country’s', async () => {
  const svc = await startService();
  try {
    const store = svc.service.store;
    const now = Date.now();
    const docs = [];
    for (const country of ['CD', 'TZ', 'GH'])
      for (let r = 0; r < 20; r++)
        for (const mineral of ['gold', 'tin', 'coltan'])
          for (let i = 0; i < 5; i++)
            for (const back of [0, 40, 80])
              docs.push({
                kind: 'price' as const,
                channel: 'sms' as const,
                anonymous: false,
                pinned: false,
                reference: ref(docs.length),
                contactId: `${country}${r}${i}`,
                mineral: mineral as never,
                amount: 1000 + i,
                currency: 'USD',
                unit: 'kg' as never,
                region: `Region ${r}`,
                country,
                createdAt: new Date(now - back * 86_400_000 - i * 60_000),
              });
    await store.collection('reports').insertMany(docs as never);
    const all = await (await fetch(`${svc.url}/public`)).text();
    const congo = await (await fetch(`${svc.url}/public?country=CD`)).text();
    expect(Buffer.byteLength(all)).toBeLessThan(100_000);
    expect(Buffer.byteLength(congo)).toBeLessThan(100_000);
    expect(all).toContain('/public?country=CD');
    expect(all).not.toContain('Region 7');
    expect(congo).toContain('Region 7');
    expect(congo).toContain('<svg');
  } finally {
    await svc.stop();
  }
}, 60_000);
