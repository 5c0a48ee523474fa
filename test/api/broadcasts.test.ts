import { FakeTelegram } from '../helpers/fakeTelegram';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { waitUntil } from '../helpers/wait';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, TestService, startService } from '../helpers/service';
import { seedContacts } from '../helpers/contacts';

const TG = {
  TELEGRAM_BOT_TOKEN: '7000000001:AAFakeTokenForTestsOnly_0123456789',
  TELEGRAM_WEBHOOK_SECRET: 'telegram-secret-for-tests-0123',
};

type Json = Record<string, unknown>;

async function api(
  svc: TestService,
  method: string,
  path: string,
  token: string | undefined,
  body?: unknown,
) {
  const res = await fetch(svc.url + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('broadcasts API', () => {
  let twilio: FakeTwilio;
  let bot: FakeTelegram;
  let svc: TestService;
  let staff: string;
  let viewer: string;

  beforeEach(async () => {
    twilio = await new FakeTwilio().start();
    bot = await new FakeTelegram().start();
    svc = await startService(
      { ...TEST_TWILIO, ...TG, TWILIO_API_BASE: twilio.url, TELEGRAM_API_ROOT: bot.url, TWILIO_MPS: '100' },
      { telegramPerChatMs: 0 },
    );
    staff = (
      await api(svc, 'POST', '/api/v1/credentials', TEST_ADMIN_TOKEN, { name: 'Neema', role: 'staff' })
    ).body.token as string;
    viewer = (
      await api(svc, 'POST', '/api/v1/credentials', TEST_ADMIN_TOKEN, { name: 'Obs', role: 'viewer' })
    ).body.token as string;
  });
  afterEach(async () => {
    await svc.stop();
    await twilio.stop();
    await bot.stop();
  });

  const text = {
    en: 'Safety: heavy rain tonight. Do not go underground until Friday.',
    fr: 'Sécurité : fortes pluies ce soir. Ne descendez pas dans les puits avant vendredi.',
    sw: 'Usalama: mvua kubwa leo usiku. Msiingie mashimoni hadi Ijumaa.',
  };

  test('bad bodies are refused with 400 naming the field; roles are enforced', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /^text: /],
      [{ text: {} }, /text: give the text in at least one language/],
      [{ text: { de: 'Hallo' } }, /text/],
      [{ text, priority: 'urgent' }, /^priority: /],
      [{ text, sendAt: 'tomorrow-ish' }, /^sendAt: /],
      [{ text, audience: { channels: ['pigeon'] } }, /^audience\.channels\.0: /],
    ];
    for (const [body, message] of cases) {
      const r = await api(svc, 'POST', '/api/v1/broadcasts', staff, body);
      expect(r.status).toBe(400);
      expect((r.body.error as Json).message).toMatch(message);
    }
    expect((await api(svc, 'POST', '/api/v1/broadcasts', viewer, { text })).status).toBe(403);
    expect((await api(svc, 'POST', '/api/v1/broadcasts/preview', viewer, { text })).status).toBe(403);
    expect((await api(svc, 'POST', '/api/v1/broadcasts', undefined, { text })).status).toBe(401);
    expect((await api(svc, 'GET', '/api/v1/audit', staff)).status).toBe(403);
    expect((await api(svc, 'POST', '/api/v1/credentials', staff, { name: 'x', role: 'admin' })).status).toBe(
      403,
    );
  });

  test('each contact gets the text in their language, opted-out contacts get nothing, and the answer says who was left out', async () => {
    const store = svc.service.store;
    await seedContacts(
      store,
      6,
      (i) =>
        (
          [
            { channel: 'sms', language: 'fr', region: 'Sud-Kivu' },
            { channel: 'telegram', language: 'sw', region: 'Geita' },
            { channel: 'sms', language: 'pt', region: 'Geita' }, // no Portuguese text: English, as asked
            { channel: 'sms', language: 'sw', region: 'Geita', optedOut: true },
            { channel: 'telegram', language: 'en', region: 'Tarkwa', optedOut: true },
            { channel: 'sms', language: 'en', region: 'Tarkwa' },
          ] as const
        )[i],
    );
    const r = await api(svc, 'POST', '/api/v1/broadcasts', staff, {
      text,
      priority: 'alert',
      untranslated: 'fallback',
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      state: 'scheduled',
      recipients: 4,
      excluded: { optedOut: 2, noChannel: 0 },
    });
    await twilio.waitFor(3);
    await bot.waitFor('sendMessage', 1);
    const bodies = twilio.requests.map((q) => `${q.params.To} ${q.params.Body}`).sort();
    expect(bodies).toEqual([
      '+255710000000 Sécurité : fortes pluies ce soir. Ne descendez pas dans les puits avant vendredi.',
      '+255710000002 Safety: heavy rain tonight. Do not go underground until Friday.',
      '+255710000005 Safety: heavy rain tonight. Do not go underground until Friday.',
    ]);
    expect(bot.of('sendMessage')).toEqual([expect.objectContaining({ chat_id: '800000001', text: text.sw })]);

    const id = r.body.id as string;
    await waitUntil(
      async () => (await api(svc, 'GET', `/api/v1/broadcasts/${id}`, viewer)).body.state === 'done',
    );
    const status = await api(svc, 'GET', `/api/v1/broadcasts/${id}`, viewer);
    expect(status.body).toMatchObject({
      state: 'done',
      recipients: 4,
      excluded: { optedOut: 2, noChannel: 0 },
      counts: { queued: 0, sent: 3, delivered: 1, failed: 0 },
    });
    // a regional audience and a channel filter
    const regional = await api(svc, 'POST', '/api/v1/broadcasts/preview', staff, {
      text,
      untranslated: 'fallback',
      audience: { regions: ['Geita'], channels: ['sms'] },
    });
    expect(regional.body).toMatchObject({ recipients: 1, excluded: { optedOut: 1, noChannel: 1 } });

    const auditLog = await api(svc, 'GET', '/api/v1/audit', TEST_ADMIN_TOKEN);
    expect(auditLog.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'broadcast.create',
          actor: 'Neema',
          role: 'staff',
          target: id,
          details: expect.objectContaining({ recipients: 4 }),
        }),
      ]),
    );
  });

  test('preview sends nothing and prices the segments per language', async () => {
    const store = svc.service.store;
    await seedContacts(store, 30, (i) => ({
      channel: i % 3 === 0 ? 'telegram' : 'sms',
      language: ['en', 'fr', 'sw'][i % 3],
    }));
    const long = { en: 'x'.repeat(200), fr: 'Réunion à Kamituga', sw: 'Mkutano' };
    const r = await api(svc, 'POST', '/api/v1/broadcasts/preview', staff, { text: long });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      recipients: 30,
      byChannel: { sms: { fr: 10, sw: 10 }, telegram: { en: 10 } },
      segments: {
        en: { segments: 2, encoding: 'GSM-7' },
        fr: { segments: 1, encoding: 'GSM-7' },
        sw: { segments: 1, encoding: 'GSM-7' },
      },
      totalSmsSegments: 20,
      telegramMessages: 10,
      // 10 fr and 10 sw SMS of one segment at 0.05; 10 en on Telegram at 0
      estimatedCost: { amount: 1, currency: 'USD', byLanguage: { fr: 0.5, sw: 0.5, en: 0 } },
    });
    await new Promise((res) => setTimeout(res, 200));
    expect(twilio.requests).toHaveLength(0);
    expect(await store.collection('outbound').countDocuments()).toBe(0);
  });

  test('a scheduled broadcast waits for its time and can be cancelled before it goes out', async () => {
    await seedContacts(svc.service.store, 3, () => ({ channel: 'sms', language: 'en' }));
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const r = await api(svc, 'POST', '/api/v1/broadcasts', staff, { text, sendAt: later });
    expect(r.body).toMatchObject({ state: 'scheduled', sendAt: later });
    await svc.service.scheduler.runNow('broadcasts');
    expect(await svc.service.store.collection('outbound').countDocuments()).toBe(0);
    const c = await api(svc, 'POST', `/api/v1/broadcasts/${r.body.id}/cancel`, staff);
    expect(c.body).toMatchObject({ state: 'cancelled' });
    expect((await api(svc, 'POST', `/api/v1/broadcasts/${r.body.id}/cancel`, staff)).status).toBe(404);
    expect((await api(svc, 'GET', `/api/v1/broadcasts/${r.body.id}`, viewer)).body.state).toBe('cancelled');
  });
});

describe('a broadcast to 10,000 contacts through fake Twilio and fake Telegram', () => {
  test('everyone eligible gets exactly one message in their language, under the rate limits, with no 429', async () => {
    const twilio = await new FakeTwilio().start();
    const bot = await new FakeTelegram().start();
    twilio.limitPerSecond = 1000;
    bot.limitPerSecond = 1000;
    const svc = await startService(
      {
        ...TEST_TWILIO,
        ...TG,
        TWILIO_API_BASE: twilio.url,
        TELEGRAM_API_ROOT: bot.url,
        TWILIO_MPS: '1000',
        TELEGRAM_MPS: '1000',
        LOG_LEVEL: 'warn',
      },
      { telegramPerChatMs: 0, outbox: { pollMs: 20, concurrency: 8 } },
    );
    try {
      const langs = ['en', 'fr', 'sw', 'es', 'pt'];
      await seedContacts(svc.service.store, 10_000, (i) => ({
        channel: i % 2 ? 'telegram' : 'sms',
        language: langs[i % 5],
        optedOut: i % 50 === 7,
      }));
      const text = Object.fromEntries(
        langs.map((l) => [l, `[${l}] Price update: gold 4,000 GHS/g this week.`]),
      );
      const r = await api(svc, 'POST', '/api/v1/broadcasts', TEST_ADMIN_TOKEN, { text });
      expect(r.body).toMatchObject({ recipients: 9800, excluded: { optedOut: 200 } });
      await waitUntil(async () => twilio.requests.length + bot.of('sendMessage').length >= 9800, 60_000);
      await new Promise((res) => setTimeout(res, 300));

      const sms = twilio.requests.map((q) => q.params);
      const tg = bot.of('sendMessage');
      expect(sms.length + tg.length).toBe(9800);
      const recipients = [...sms.map((p) => p.To), ...tg.map((b) => String(b.chat_id))];
      expect(new Set(recipients).size).toBe(9800);
      // the right language for each: i % 5 picks it; the address encodes i
      for (const p of sms) expect(p.Body.startsWith(`[${langs[Number(p.To.slice(-8)) % 5]}]`)).toBe(true);
      for (const b of tg)
        expect(String(b.text).startsWith(`[${langs[(Number(b.chat_id) - 800_000_000) % 5]}]`)).toBe(true);
      // opted-out contacts (i % 50 === 7) got nothing
      expect(sms.some((p) => Number(p.To.slice(-8)) % 50 === 7)).toBe(false);
      expect(tg.some((b) => (Number(b.chat_id) - 800_000_000) % 50 === 7)).toBe(false);
      // the providers never had to say "too many"
      expect(twilio.throttled).toBe(0);
      expect(bot.throttled).toBe(0);
      const maxPerSecond = (ts: number[]) => {
        const sorted = [...ts].sort((a, b) => a - b);
        let best = 0;
        for (let i = 0, j = 0; i < sorted.length; i++) {
          while (sorted[i] - sorted[j] >= 1000) j++;
          best = Math.max(best, i - j + 1);
        }
        return best;
      };
      expect(maxPerSecond(twilio.acceptedAt)).toBeLessThanOrEqual(1000);
      expect(maxPerSecond(bot.sentAt)).toBeLessThanOrEqual(1000);
    } finally {
      await svc.stop();
      await twilio.stop();
      await bot.stop();
    }
  }, 120_000);
});
