import { smsContacts } from '../helpers/contacts';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { TEST_TWILIO, TestService, api, startService } from '../helpers/service';
import { postTwilioForm, signTwilio } from '../helpers/twilioWebhook';
import { waitUntil } from '../helpers/wait';

const N = process.env.CI ? 80 : 150;
const MAX_ATTEMPTS = 6;
const BASE_BACKOFF = 50;

describe('a provider failing 30% of the time: 500s, 429s and timeouts', () => {
  let fake: FakeTwilio;
  let svc: TestService;
  beforeAll(async () => {
    fake = await new FakeTwilio().start();
    fake.failureRate = 0.3;
    svc = await startService(
      {
        ...TEST_TWILIO,
        TWILIO_API_BASE: fake.url,
        TWILIO_MPS: '200',
        OUTBOX_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
        LOG_LEVEL: 'warn',
      },
      // the injected timeouts never answer; a second is room enough for a real answer on a
      // loaded two-core runner (a 200 that comes after the client gave up is a send the
      // provider made and the line will make again: that ambiguity is not what this tests)
      { outbox: { pollMs: 20, baseBackoffMs: BASE_BACKOFF, maxBackoffMs: 400 }, providerTimeoutMs: 1_000 },
    );
    await svc.service.store.collection('contacts').insertMany(smsContacts(N, 30_000_000));
  });
  afterAll(async () => {
    await svc.stop();
    await fake.stop();
  });

  test('every message ends delivered or dead-lettered with its reason, after a bounded, backed-off number of attempts', async () => {
    const created = await api(svc, 'POST', '/api/v1/broadcasts', {
      text: { fr: "Prix de l'or cette semaine : 255 000 CDF le gramme au comptoir agréé." },
    });
    expect(created.body.recipients).toBe(N);
    const out = svc.service.store.collection('outbound');
    const final = { $in: ['sent', 'delivered', 'dead'] };
    await waitUntil(
      async () => (await out.countDocuments({ broadcastId: created.body.id, status: final })) === N,
      120_000,
      100,
    );
    const msgs = await out.find({ broadcastId: created.body.id });
    expect(msgs.length).toBe(N);
    // all three kinds of failure happened
    expect(fake.failures[500]).toBeGreaterThan(0);
    expect(fake.failures[429]).toBeGreaterThan(0);
    expect(fake.failures.timeout).toBeGreaterThan(0);
    for (const m of msgs) {
      expect(m.attempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
      if (m.status === 'dead') {
        expect(m.attempts).toBe(MAX_ATTEMPTS);
        expect(m.errorReason).toMatch(/twilio|timeout|aborted|socket/i);
      }
    }
    // accepted by the provider exactly once per message that we say was sent, never twice
    const accepted = fake.requests.map((r) => r.params.To);
    expect(new Set(accepted).size).toBe(accepted.length);
    expect(accepted.length).toBe(msgs.filter((m) => m.status !== 'dead').length);
    // no tight loops: attempts per number are bounded, and retries of one number are spaced by the back-off
    const byTo = new Map<string, number[]>();
    for (const a of fake.attempts) byTo.set(a.to, [...(byTo.get(a.to) ?? []), a.at]);
    let retried = 0;
    for (const times of byTo.values()) {
      expect(times.length).toBeLessThanOrEqual(MAX_ATTEMPTS);
      for (let i = 1; i < times.length; i++) {
        expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(BASE_BACKOFF / 2); // ±20% jitter; half leaves room for timer skew
        retried++;
      }
    }
    expect(retried).toBeGreaterThan(N * 0.2);
    expect(fake.attempts.length).toBeLessThan(N * 2);
  }, 150_000);

  test('a provider that does not answer does not slow the webhooks: the reply waits in the outbox', async () => {
    fake.failureRate = 1; // every send fails or hangs
    const params = {
      MessageSid: `SM${'e'.repeat(32)}`,
      AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
      From: '+243990000555',
      To: TEST_TWILIO.TWILIO_FROM_NUMBER,
      Body: 'PRIX OR 255000 FC G',
    };
    const t = Date.now();
    const res = await postTwilioForm(
      svc.url,
      '/webhooks/twilio/sms',
      params,
      signTwilio('/webhooks/twilio/sms', params),
    );
    expect(res.status).toBe(200);
    expect(Date.now() - t).toBeLessThan(1_000);
    await svc.service.inbox.settle();
    expect(await svc.service.store.collection('reports').countDocuments({ amount: 255000 })).toBe(1);
    const reply = () => svc.service.store.collection('outbound').findOne({ to: '+243990000555' });
    await waitUntil(async () => ((await reply())?.attempts ?? 0) >= 1);
    fake.failureRate = 0;
    await waitUntil(async () => (await reply())?.status === 'sent', 20_000);
  }, 60_000);
});
