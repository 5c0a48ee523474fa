import { ROLLUP, Report } from '../../src/models';
import { insertReport } from '../../src/reports/store';
import { foldAllPending, foldPendingReports } from '../../src/stats/rollups';
import { Store } from '../../src/store/types';
import { TestService, api, startService } from '../helpers/service';

type Json = Record<string, unknown>;

function price(
  amount: number,
  at: string,
  more: Omit<Partial<Report>, 'kind'> = {},
): Partial<Report> & { kind: 'price' } {
  return {
    kind: 'price',
    channel: 'sms',
    mineral: 'gold',
    unit: 'g',
    currency: 'CDF',
    amount,
    region: 'South Kivu',
    createdAt: new Date(at),
    ...more,
  };
}

describe('price statistics, worked by hand', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
    const s = svc.service.store;
    // week of Monday 2 November 2026, South Kivu: one wild price
    for (const [a, at] of [
      [200000, '2026-11-02T08:00:00Z'],
      [210000, '2026-11-03T08:00:00Z'],
      [220000, '2026-11-04T08:00:00Z'],
      [230000, '2026-11-05T08:00:00Z'],
      [2000000, '2026-11-08T23:59:00Z'],
    ] as const)
      await insertReport(s, price(a, at));
    // the same week, per kilo: kept apart until staff set kg → g
    await insertReport(s, price(215_000_000, '2026-11-06T10:00:00Z', { unit: 'kg' }));
    // week of 9 November, Ituri: two in CDF, one in USD
    await insertReport(s, price(180000, '2026-11-09T00:00:00Z', { region: 'Ituri' }));
    await insertReport(s, price(190000, '2026-11-10T12:00:00Z', { region: 'Ituri' }));
    await insertReport(s, price(70, '2026-11-11T12:00:00Z', { region: 'Ituri', currency: 'USD' }));
    // another mineral, and another kind, change nothing
    await insertReport(s, price(50, '2026-11-04T08:00:00Z', { mineral: 'tin', unit: 'kg' }));
  });
  afterAll(() => svc.stop());

  const q = '/api/v1/stats/prices?mineral=gold&unit=g&currency=CDF';

  test('per week: count, median, quartiles, min, max; the outlier excluded and counted; other currencies and units kept apart', async () => {
    const res = await api(svc, 'GET', q);
    expect(res.status).toBe(200);
    expect(res.body.method).toBe('rollup');
    expect(res.body.buckets).toEqual([
      {
        start: '2026-11-02T00:00:00.000Z',
        count: 4,
        excluded: 1,
        median: 215000,
        p25: 207500,
        p75: 222500,
        min: 200000,
        max: 230000,
        converted: 0,
      },
      {
        start: '2026-11-09T00:00:00.000Z',
        count: 2,
        excluded: 0,
        median: 185000,
        p25: 182500,
        p75: 187500,
        min: 180000,
        max: 190000,
        converted: 0,
      },
    ]);
    expect(res.body.keptApart).toEqual([
      { currency: 'CDF', unit: 'kg', count: 1 },
      { currency: 'USD', unit: 'g', count: 1 },
    ]);
  });

  test('a region narrows it; the exact path over raw reports gives the same numbers', async () => {
    const ituri = await api(svc, 'GET', `${q}&region=Ituri`);
    expect((ituri.body.buckets as Json[]).map((b) => [b.start, b.count, b.median])).toEqual([
      ['2026-11-09T00:00:00.000Z', 2, 185000],
    ]);
    for (const extra of ['', '&region=Ituri', '&bucket=month', '&from=2026-11-09&to=2026-11-30']) {
      const rollup = await api(svc, 'GET', q + extra);
      const exact = await api(svc, 'GET', `${q}${extra}&method=exact`);
      expect(exact.body.method).toBe('exact');
      expect(exact.body.buckets).toEqual(rollup.body.buckets);
      expect(exact.body.keptApart).toEqual(rollup.body.keptApart);
    }
  });

  test('conversions staff set (with dates) bring other currencies and units in, and the answer says how many', async () => {
    // a rate valid only from next year changes nothing for November
    expect(
      (
        await api(svc, 'POST', '/api/v1/stats/conversions', {
          from: 'usd',
          to: 'cdf',
          factor: 3000,
          validFrom: '2027-01-01',
        })
      ).status,
    ).toBe(201);
    expect(((await api(svc, 'GET', q)).body.keptApart as Json[]).length).toBe(2);
    await api(svc, 'POST', '/api/v1/stats/conversions', {
      from: 'USD',
      to: 'CDF',
      factor: 2800,
      validFrom: '2026-01-01',
    });
    await api(svc, 'POST', '/api/v1/stats/conversions', {
      from: 'kg',
      to: 'g',
      factor: 0.001,
      validFrom: '2000-01-01',
    });
    const res = await api(svc, 'GET', q);
    const [w1, w2] = res.body.buckets as Json[];
    // week 1: 200k 210k 215k(kg) 220k 230k, 2M set aside
    expect(w1).toMatchObject({
      count: 5,
      excluded: 1,
      median: 215000,
      converted: 1,
      min: 200000,
      max: 230000,
    });
    // week 2: 180k 190k 196k (70 USD × 2800)
    expect(w2).toMatchObject({
      count: 3,
      excluded: 0,
      median: 190000,
      p25: 185000,
      p75: 193000,
      max: 196000,
      converted: 1,
    });
    expect(res.body.keptApart).toEqual([]);
    const exact = await api(svc, 'GET', `${q}&method=exact`);
    expect(exact.body.buckets).toEqual(res.body.buckets);
  });

  test('bad queries are refused with the field named; conversions must pair like with like', async () => {
    expect((await api(svc, 'GET', '/api/v1/stats/prices')).body).toMatchObject({
      error: { message: expect.stringMatching(/^mineral: /) },
    });
    expect((await api(svc, 'GET', `${q}&bucket=fortnight`)).status).toBe(400);
    expect((await api(svc, 'GET', `${q}&from=2026-12-01&to=2026-11-01`)).status).toBe(400);
    const mixed = await api(svc, 'POST', '/api/v1/stats/conversions', {
      from: 'USD',
      to: 'g',
      factor: 2,
      validFrom: '2026-01-01',
    });
    expect(mixed.status).toBe(400);
    expect(JSON.stringify(mixed.body)).toMatch(/both be currencies .* or both units/);
    const viewer = await api(svc, 'POST', '/api/v1/credentials', { name: 'Researcher', role: 'viewer' });
    const token = viewer.body.token as string;
    expect((await api(svc, 'GET', q, undefined, token)).status).toBe(200);
    expect(
      (
        await api(
          svc,
          'POST',
          '/api/v1/stats/conversions',
          { from: 'USD', to: 'CDF', factor: 1, validFrom: '2026-01-01' },
          token,
        )
      ).status,
    ).toBe(403);
  });
});

describe('the rollups agree with the exact computation', () => {
  let svc: TestService;
  let afterThis = () => undefined as unknown;
  afterEach(() => afterThis());
  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(() => svc.stop());

  test('after 400 random reports written concurrently, for every mineral, region, bucket and conversion; and after a rebuild', async () => {
    let seed = 11;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const docs = Array.from({ length: 400 }, () =>
      price(
        Math.round(1000 + rand() * 1000) * (rand() < 0.05 ? 50 : 1),
        new Date(Date.UTC(2026, 8, 1) + rand() * 80 * 86_400_000).toISOString(),
        {
          mineral: pick(['gold', 'tin'] as const),
          unit: pick(['g', 'g', 'kg'] as const),
          currency: pick(['CDF', 'CDF', 'USD', 'TZS'] as const),
          region: pick(['South Kivu', 'Ituri', 'Geita', undefined]),
        },
      ),
    );
    for (let i = 0; i < docs.length; i += 20)
      await Promise.all(docs.slice(i, i + 20).map((d) => insertReport(svc.service.store, d)));
    await api(svc, 'POST', '/api/v1/stats/conversions', {
      from: 'USD',
      to: 'CDF',
      factor: 2800,
      validFrom: '2026-10-01',
    });
    await api(svc, 'POST', '/api/v1/stats/conversions', {
      from: 'kg',
      to: 'g',
      factor: 0.001,
      validFrom: '2026-01-01',
    });

    const queries: string[] = [];
    for (const mineral of ['gold', 'tin'])
      for (const region of ['', '&region=Ituri', '&region=Geita'])
        for (const bucket of ['week', 'month'])
          for (const quote of ['&unit=g&currency=CDF', '&unit=kg&currency=USD'])
            queries.push(`/api/v1/stats/prices?mineral=${mineral}${region}&bucket=${bucket}${quote}`);
    const compare = async () => {
      let buckets = 0;
      for (const path of queries) {
        const [rollup, exact] = await Promise.all([
          api(svc, 'GET', path),
          api(svc, 'GET', `${path}&method=exact`),
        ]);
        expect({ path, buckets: rollup.body.buckets, apart: rollup.body.keptApart }).toEqual({
          path,
          buckets: exact.body.buckets,
          apart: exact.body.keptApart,
        });
        buckets += (rollup.body.buckets as Json[]).length;
      }
      return buckets;
    };
    expect(await compare()).toBeGreaterThan(100);
    // the mineral × region × week table, all at once
    for (const bucket of ['week', 'month']) {
      const [rollup, exact] = await Promise.all([
        api(svc, 'GET', `/api/v1/stats/prices/table?bucket=${bucket}`),
        api(svc, 'GET', `/api/v1/stats/prices/table?bucket=${bucket}&method=exact`),
      ]);
      expect((rollup.body.rows as Json[]).length).toBeGreaterThan(20);
      expect(rollup.body.rows).toEqual(exact.body.rows);
    }
    // the reads above merged the queue; folded, the stored rollups say the same
    await foldAllPending(svc.service.store);
    await compare();
    const total = (
      await svc.service.store.collection('priceRollups').find({ bucket: 'week', all: true })
    ).reduce((n, r) => n + r.n, 0);
    expect(total).toBe(400);
    const rebuilt = await api(svc, 'POST', '/api/v1/stats/prices/rebuild');
    expect(rebuilt.status).toBe(200);
    await compare();
  });

  test('a busy bucket is split into chunks of sorted values (at most 250 each; 50 here); reads merge them, a rebuild splits the same way', async () => {
    const usual = ROLLUP.chunk;
    ROLLUP.chunk = 50;
    afterThis = () => (ROLLUP.chunk = usual);
    const docs = Array.from({ length: 210 }, (_, i) =>
      price(100_000 + ((i * 7919) % 5_000), '2025-03-04T10:00:00Z', { region: 'Mara', mineral: 'gold' }),
    );
    // stored at once, then counted: in one batch, one write per chunk
    await foldAllPending(svc.service.store);
    await Promise.all(docs.map((d) => insertReport(svc.service.store, d)));
    expect(await foldPendingReports(svc.service.store)).toBe(210);
    expect(await foldPendingReports(svc.service.store)).toBe(0);
    const chunks = await svc.service.store
      .collection('priceRollups')
      .find(
        { bucket: 'week', all: false, region: 'Mara', start: new Date('2025-03-03') },
        { sort: { chunk: 1 } },
      );
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    expect(chunks.map((c) => c.chunk)).toEqual(chunks.map((_, i) => i));
    expect(chunks.reduce((n, c) => n + c.n, 0)).toBe(210);
    for (const c of chunks) {
      expect(c.n).toBeLessThanOrEqual(50);
      expect(c.values.length).toBe(c.n);
      expect([...c.values].sort((a, b) => a - b)).toEqual(c.values);
    }
    const q =
      '/api/v1/stats/prices?mineral=gold&unit=g&currency=CDF&region=Mara&from=2025-03-01&to=2025-03-09';
    const [rollup, exact] = await Promise.all([api(svc, 'GET', q), api(svc, 'GET', `${q}&method=exact`)]);
    expect((rollup.body.buckets as Json[])[0]).toMatchObject({ count: 210 });
    expect(rollup.body.buckets).toEqual(exact.body.buckets);
    await api(svc, 'POST', '/api/v1/stats/prices/rebuild');
    const rebuilt = await svc.service.store
      .collection('priceRollups')
      .find(
        { bucket: 'week', all: false, region: 'Mara', start: new Date('2025-03-03') },
        { sort: { chunk: 1 } },
      );
    expect(rebuilt.map((c) => c.n)).toEqual([50, 50, 50, 50, 10]);
    expect((await api(svc, 'GET', q)).body.buckets).toEqual(exact.body.buckets);
  }, 60_000);

  test('the same message stored twice counts once', async () => {
    const before = await svc.service.store.collection('priceRollups').countDocuments({});
    const doc = price(1234, '2025-06-03T10:00:00Z', { sourceKey: 'sms:twice', region: 'Geita' });
    await Promise.all([insertReport(svc.service.store, doc), insertReport(svc.service.store, doc)]);
    await foldAllPending(svc.service.store);
    await foldAllPending(svc.service.store);
    const rollups = await svc.service.store
      .collection('priceRollups')
      .find({ start: { $gte: new Date('2025-06-01'), $lt: new Date('2025-07-01') } });
    expect(rollups.length).toBe(4); // week and month, Geita and all regions
    expect(rollups.every((r) => r.n === 1 && r.values.length === 1)).toBe(true);
    expect(await svc.service.store.collection('priceRollups').countDocuments({})).toBe(before + 4);
  });

  test('a price report is counted once its fold runs, in the same commit that takes it off the queue', async () => {
    const store = svc.service.store;
    const doc = price(4321, '2025-08-05T10:00:00Z', { region: 'Lomami' });
    const report = await insertReport(store, doc);
    expect(await store.collection('rollupQueue').findOne({ _id: report._id })).toMatchObject({
      amount: 4321,
    });
    const counted = () => store.collection('priceRollups').countDocuments({ region: 'Lomami' });
    expect(await counted()).toBe(0);
    // a fold that fails half-way changes nothing: the report waits for the next one
    const failing = faultyRollups(store);
    await expect(foldPendingReports(failing)).rejects.toThrow('injected');
    expect(await counted()).toBe(0);
    expect(await store.collection('rollupQueue').countDocuments({ _id: report._id })).toBe(1);
    await foldAllPending(store);
    expect(await counted()).toBe(2); // its week and month
    expect(await store.collection('rollupQueue').countDocuments({})).toBe(0);
    // reading the statistics merges what waits in the queue: nothing stored is ever missing
    // from them, and a read writes nothing (the report still waits for its fold)
    const waiting = await insertReport(store, price(4400, '2025-08-06T10:00:00Z', { region: 'Lomami' }));
    const q =
      '/api/v1/stats/prices?mineral=gold&unit=g&currency=CDF&region=Lomami&from=2025-08-04&to=2025-08-10';
    expect(((await api(svc, 'GET', q)).body.buckets as Json[])[0]).toMatchObject({ count: 2 });
    const table = await api(
      svc,
      'GET',
      '/api/v1/stats/prices/table?bucket=week&from=2025-08-04&to=2025-08-10',
    );
    expect((table.body.rows as Json[]).filter((r) => r.region === 'Lomami')).toEqual([
      expect.objectContaining({ count: 2, median: 4360.5 }),
    ]);
    expect(await store.collection('rollupQueue').countDocuments({ _id: waiting._id })).toBe(1);
    expect(await counted()).toBe(2);
    await foldAllPending(store);
    expect(((await api(svc, 'GET', q)).body.buckets as Json[])[0]).toMatchObject({ count: 2 });
  });
});

/** The store, with a unit whose second rollup write fails (as a full disk would). */
function faultyRollups(store: Store): Store {
  return {
    ...store,
    engine: store.engine,
    collection: store.collection.bind(store),
    ping: store.ping.bind(store),
    close: store.close.bind(store),
    unit: (fn) =>
      store.unit((tx) => {
        let writes = 0;
        const proxy: Store = {
          ...tx,
          engine: tx.engine,
          ping: tx.ping.bind(tx),
          close: tx.close.bind(tx),
          unit: (f) => f(proxy),
          collection: ((name: string) => {
            const c = tx.collection(name as 'priceRollups');
            if (name !== 'priceRollups') return c;
            return new Proxy(c, {
              get(target, prop) {
                const v = (target as unknown as Record<string | symbol, unknown>)[prop];
                if (typeof v !== 'function') return v;
                if (['insertOne', 'updateOne'].includes(String(prop)) && ++writes > 1)
                  return async () => {
                    throw new Error('injected: the disk is full');
                  };
                return (v as (...a: unknown[]) => unknown).bind(target);
              },
            });
          }) as Store['collection'],
        };
        return fn(proxy);
      }),
  };
}
