import { TEST_ADMIN_TOKEN, TestService, startService } from '../helpers/service';

describe('staff read reports through GET /api/v1/reports', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
    await svc.say('+243990000001', 'PRIX OR 255.000 FC/g');
    await svc.say('+255712000001', 'BEI DHAHABU 280000 TSH GRAMU');
    await svc.say('+233240000001', 'PRICE GOLD 4,000 GHS G');
  });
  afterAll(() => svc.stop());

  const get = (path: string, token?: string) =>
    fetch(svc.url + path, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  test('without a token, or with a wrong one, the answer is 401 and no report', async () => {
    for (const token of [undefined, 'wrong-token-0123456789', '']) {
      const res = await get('/api/v1/reports?kind=price', token);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    }
  });

  test('price reports come newest first with canonical mineral, number amount, ISO currency and unit', async () => {
    const res = await get('/api/v1/reports?kind=price', TEST_ADMIN_TOKEN);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Record<string, unknown>[] };
    expect(items.map((i) => [i.mineral, i.amount, i.currency, i.unit])).toEqual([
      ['gold', 4000, 'GHS', 'g'],
      ['gold', 280000, 'TZS', 'g'],
      ['gold', 255000, 'CDF', 'g'],
    ]);
    for (const i of items) {
      expect(i).toMatchObject({
        id: expect.any(String),
        kind: 'price',
        anonymous: false,
        reference: expect.stringMatching(/^P-[0-9A-Z]{5}$/),
      });
      expect(new Date(i.createdAt as string).toISOString()).toBe(i.createdAt);
    }
    expect(JSON.stringify(items)).not.toMatch(/243990000001|255712000001|233240000001/);
  });

  test('a bad query is a 400 that says what is wrong', async () => {
    const res = await get('/api/v1/reports?kind=rumour', TEST_ADMIN_TOKEN);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/kind/);
    expect((await get('/api/v1/reports?kind=issue', TEST_ADMIN_TOKEN)).status).toBe(200);
  });

  test('the admin token is stored only as a hash', async () => {
    const creds = await svc.service.store.collection('credentials').find({});
    expect(creds).toHaveLength(1);
    expect(JSON.stringify(creds)).not.toContain(TEST_ADMIN_TOKEN);
    expect(creds[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
  });

  test('health and readiness answer', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect(await (await get('/readyz')).json()).toEqual({ ok: true, store: 'embedded' });
  });

  test('the simulator refuses malformed input with 400 and stores nothing', async () => {
    const before = await svc.service.store.collection('inbound').countDocuments();
    for (const body of [
      '{not json',
      { text: 'hi' },
      { from: 'nobody', text: 'hi' },
      { from: '+243990000001', text: 5 },
    ]) {
      const res = await svc.post('/simulator/messages', body);
      expect(res.status).toBe(400);
    }
    expect(await svc.service.store.collection('inbound').countDocuments()).toBe(before);
  });
});

describe('the simulator on the telegram channel', () => {
  test('answers what Telegram would show, buttons included, and takes taps', async () => {
    const svc = await startService();
    try {
      const first = await svc.post('/simulator/messages', {
        from: '5123456789',
        channel: 'telegram',
        text: 'PRICE',
      });
      const body = (await first.json()) as {
        replies: string[];
        buttons: { text: string; tap: string }[][][];
      };
      expect(body.replies).toEqual(['Price report. Which mineral?']);
      expect(body.buttons[0][0]).toEqual([
        { text: 'Gold', tap: 'c:price:mineral:gold' },
        { text: 'Tin', tap: 'c:price:mineral:tin' },
      ]);
      const tapped = await svc.post('/simulator/messages', {
        from: '5123456789',
        channel: 'telegram',
        tap: 'c:price:mineral:gold',
      });
      expect(((await tapped.json()) as { replies: string[] }).replies).toEqual([
        'Gold: what price were you paid? Write the amount, e.g. 250000',
      ]);
      const badTap = await svc.post('/simulator/messages', {
        from: '+243990000001',
        text: 'x',
        tap: 'c:price:mineral:gold',
      });
      expect(badTap.status).toBe(400);
    } finally {
      await svc.stop();
    }
  });
});

describe('the simulator on the whatsapp and africastalking channels', () => {
  test.each([
    ['whatsapp', '+233241234567', 'whatsapp', 'Français'],
    ['africastalking', '+233241234568', 'sms', 'Francais'],
  ])(
    '%s: a miner registers, reports a price and an incident, and asks the market price',
    async (channel, from, stored, french) => {
      const svc = await startService();
      try {
        const say = async (text: string) => {
          const res = await svc.post('/simulator/messages', { from, text, channel });
          expect(res.status).toBe(200);
          return ((await res.json()) as { replies: string[] }).replies.join('\n');
        };
        // WhatsApp has every alphabet; Africa's Talking is SMS, folded to GSM-7
        expect(await say('hello')).toContain(`\n2 ${french}\n`);
        expect(await say('1')).toMatch(/^What is your work\?/);
        for (const answer of ['1', 'Prestea', 'Tarkwa']) await say(answer);
        expect(await say('1')).toMatch(/^Thank you, you are registered\./);
        expect(await say('PRICE GOLD 1500 GHS G')).toMatch(/^Saved: Gold 1,500 GHS\/g\. Ref P-[A-Z0-9]{5}\./);
        for (const answer of ['ACCIDENT', '1', '2', '0', '0', '0']) await say(answer);
        expect(await say('1')).toMatch(/Ref C-[A-Z0-9]{5}/);
        expect(await say('PRICE GOLD?')).toMatch(/^Gold: 1,500 GHS\/g, median of 1 reports/);

        const contact = await svc.service.store.collection('contacts').findOne({});
        expect(contact).toMatchObject({ role: 'miner', region: 'Tarkwa', minerals: ['gold'] });
        const reports = await svc.service.store.collection('reports').find({});
        expect(reports.map((r) => [r.kind, r.channel])).toEqual([
          ['price', stored],
          ['incident', stored],
        ]);
        expect(reports[1]).toMatchObject({ injured: 2, anonymous: false });
      } finally {
        await svc.stop();
      }
    },
  );

  test('tap is Telegram only; location is for Telegram and WhatsApp', async () => {
    const svc = await startService();
    try {
      const post = (body: unknown) => svc.post('/simulator/messages', body);
      expect((await post({ from: '+233241234567', channel: 'whatsapp', tap: '1' })).status).toBe(400);
      expect(
        (await post({ from: '+233241234567', channel: 'sms', location: { lat: 5.3, lon: -2 } })).status,
      ).toBe(400);
      expect(
        (await post({ from: '+233241234567', channel: 'whatsapp', location: { lat: 5.3, lon: -2 } })).status,
      ).toBe(200);
    } finally {
      await svc.stop();
    }
  });
});
