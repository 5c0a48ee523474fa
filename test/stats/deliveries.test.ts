import { TestService, api, startService } from '../helpers/service';
import { waitUntil } from '../helpers/wait';

type Json = Record<string, unknown>;

describe('delivery statistics per broadcast and channel', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(() => svc.stop());

  test('a broadcast to SMS and Telegram contacts is counted per transport and status, segments included', async () => {
    for (let i = 0; i < 3; i++) await svc.say(`+24399000013${i}`, 'HELP');
    for (let i = 0; i < 2; i++) await svc.say(`71000000${i}`, 'HELP', 'telegram');
    await svc.say('+243990000139', 'STOP');
    const text = { en: 'Gold price this week: 250000 CDF per gram. Sell at the approved counter.' };
    // DRC numbers read French: the English text goes to them as the fallback, asked for
    const created = await api(svc, 'POST', '/api/v1/broadcasts', { text, untranslated: 'fallback' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await waitUntil(async () => (await api(svc, 'GET', `/api/v1/broadcasts/${id}`)).body.state === 'done');
    const b = await api(svc, 'GET', `/api/v1/broadcasts/${id}`);
    expect(b.body.excluded).toEqual({ optedOut: 1, noChannel: 0, untranslated: 0 });
    expect(b.body.byChannel).toEqual([
      { channel: 'sms', transport: 'simulator', status: 'delivered', messages: 3, segments: 3, cost: {} },
      {
        channel: 'telegram',
        transport: 'simulator',
        status: 'delivered',
        messages: 2,
        segments: 2,
        cost: {},
      },
    ]);
    const all = await api(svc, 'GET', `/api/v1/stats/deliveries?broadcastId=${id}`);
    expect(all.body.items).toEqual(b.body.byChannel);
    // the period view also counts the replies to HELP and STOP
    const day = await api(
      svc,
      'GET',
      `/api/v1/stats/deliveries?from=${new Date(Date.now() - 3_600_000).toISOString()}`,
    );
    const sms = (day.body.items as Json[]).filter((r) => r.channel === 'sms');
    expect(sms.reduce((n, r) => n + (r.messages as number), 0)).toBeGreaterThan(3);
  });
});
