import fs from 'node:fs';
import path from 'node:path';
import { FakeAfricasTalking } from '../../helpers/fakeAfricasTalking';
import { TestService, api, startService } from '../../helpers/service';
import { waitUntil } from '../../helpers/wait';
import { parseAtDate } from '../../../src/bots/africastalking/inbound';
import { AT_RECIPIENT_CODES } from '../../../src/bots/africastalking/status';

const FIXTURES = path.join(__dirname, '../../../src/bots/africastalking/fixtures');
const form = (name: string) =>
  Object.fromEntries(new URLSearchParams(fs.readFileSync(path.join(FIXTURES, name), 'utf8').trim()));
const INBOUND = form('inbound-sms.form');
const DELIVERY = form('delivery-report.form');

const KEY = 'callback-key-for-tests-0123';
const AT = (fake: FakeAfricasTalking) => ({
  AT_USERNAME: 'chimba',
  AT_API_KEY: 'at-api-key-for-tests',
  AT_SENDER_ID: 'CHIMBA',
  AT_CALLBACK_KEY: KEY,
  AT_API_BASE: fake.url,
  AT_MPS: '100',
});

describe("Africa's Talking SMS, through HTTP, against a fake Africa's Talking API", () => {
  let fake: FakeAfricasTalking;
  let svc: TestService;

  beforeEach(async () => {
    fake = await new FakeAfricasTalking().start();
    svc = await startService(AT(fake));
  });
  afterEach(async () => {
    await svc.stop();
    await fake.stop();
  });

  /** `key` null: the URL carries no key. */
  const post = (route: string, params: Record<string, string>, key: string | null = KEY) =>
    fetch(`${svc.url}/webhooks/africastalking/${route}${key === null ? '' : `?key=${key}`}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
  const store = () => svc.service.store;
  const outbound = () =>
    store()
      .collection('outbound')
      .find({}, { sort: { createdAt: 1 } });
  const sent = async (n: number) => {
    await waitUntil(async () => fake.requests.length >= n, 4000);
    return fake.requests;
  };

  describe('incoming SMS: recorded payloads', () => {
    const table: {
      name: string;
      params: Record<string, string>;
      /** `null`: no key in the URL. */
      key?: string | null;
      status: number;
      stored: number;
    }[] = [
      { name: 'a price report in Swahili (date with a space)', params: INBOUND, status: 200, stored: 1 },
      {
        name: 'the same with an ISO date',
        params: { ...INBOUND, id: 'ec9adc86-0000-4bc8-8eb0-d8ab0bb53dc3', date: '2026-11-30T06:04:45Z' },
        status: 200,
        stored: 1,
      },
      {
        name: 'extra fields are ignored',
        params: { ...INBOUND, id: 'x-1', foo: 'bar' },
        status: 200,
        stored: 1,
      },
      { name: 'no key in the URL', params: INBOUND, key: null, status: 403, stored: 0 },
      { name: 'a wrong key', params: INBOUND, key: 'callback-key-for-tests-XXXX', status: 403, stored: 0 },
      { name: 'no id', params: { ...INBOUND, id: '' }, status: 400, stored: 0 },
      {
        name: 'from is not a number',
        params: { ...INBOUND, id: 'x-2', from: 'hello' },
        status: 400,
        stored: 0,
      },
      {
        name: 'a date in another form',
        params: { ...INBOUND, id: 'x-3', date: '30/11/2026' },
        status: 400,
        stored: 0,
      },
    ];
    test.each(table)('$name → $status', async ({ params, key, status, stored }) => {
      const res = await post('sms', params, key === undefined ? KEY : key);
      expect(res.status).toBe(status);
      expect(await store().collection('inbound').countDocuments({})).toBe(stored);
    });
  });

  test('a price report by SMS is stored and answered through Africa’s Talking, in Swahili, with the cost recorded', async () => {
    expect((await post('sms', INBOUND)).status).toBe(200);
    const [req] = await sent(1);
    expect(req).toMatchObject({
      apiKey: 'at-api-key-for-tests',
      accept: 'application/json',
      params: { username: 'chimba', to: '+255712345678', from: 'CHIMBA' },
    });
    expect(req.params.message).toMatch(/^Imehifadhiwa: Dhahabu 150,000 TZS\/g/);
    const report = await store().collection('reports').findOne({ kind: 'price' });
    expect(report).toMatchObject({
      mineral: 'gold',
      amount: 150000,
      currency: 'TZS',
      unit: 'g',
      channel: 'sms',
    });
    await waitUntil(async () => (await outbound())[0]?.status === 'sent', 4000);
    expect((await outbound())[0]).toMatchObject({
      transport: 'africastalking',
      providerId: 'ATXid_0000000000000001',
      costAmount: 0.8,
      costCurrency: 'KES',
    });
    // the dashboard's delivery figures count what it cost, per transport
    const stats = await api(svc, 'GET', '/api/v1/stats/deliveries');
    expect(stats.body.items).toEqual([
      {
        channel: 'sms',
        transport: 'africastalking',
        status: 'sent',
        messages: 1,
        segments: 1,
        cost: { KES: 0.8 },
      },
    ]);
    // the same callback again changes nothing
    expect((await post('sms', INBOUND)).status).toBe(200);
    await svc.service.inbox.settle();
    expect(await store().collection('reports').countDocuments({})).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  describe('what each recipient status code does', () => {
    /** `retried`: tried again soon (and again); `later`: waits ten minutes or more. */
    const cases: [code: number, outcome: string, errorCode: string | undefined, optedOut: boolean][] = [
      [100, 'sent', undefined, false],
      [101, 'sent', undefined, false],
      [102, 'sent', undefined, false],
      [402, 'dead', 'failed', false],
      [403, 'dead', 'failed', false],
      [404, 'dead', 'failed', false],
      [406, 'dead', 'contact_stopped', true],
      [407, 'dead', 'failed', false],
      [502, 'dead', 'failed', false],
      [401, 'retried', 'connection_failed', false],
      [500, 'retried', 'connection_failed', false],
      [501, 'retried', 'connection_failed', false],
      [405, 'later', 'throttled', false],
      [409, 'later', 'retry_later', false],
    ];
    test('every documented code is in the table', () => {
      expect(Object.keys(AT_RECIPIENT_CODES).map(Number).sort()).toEqual(cases.map((c) => c[0]).sort());
    });
    test.each(cases)('%i → %s', async (code, outcome, errorCode, optedOut) => {
      fake.codeFor.set('+255712345678', code);
      await post('sms', { ...INBOUND, id: `code-${code}` });
      await sent(1);
      const settled = async () => {
        const [m] = await outbound();
        if (!m) return false;
        if (outcome === 'retried') return m.attempts >= 2;
        return m.status !== 'sending' && m.attempts >= 1;
      };
      await waitUntil(settled, 4000);
      const [msg] = await outbound();
      expect(msg.errorCode).toBe(errorCode);
      if (outcome === 'sent' || outcome === 'dead') expect(msg.status).toBe(outcome);
      if (outcome === 'later') {
        // quiet hours and an empty balance wait, instead of burning the message's tries
        expect(msg.status).toBe('queued');
        expect(msg.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
      }
      const contact = await store().collection('contacts').findOne({});
      expect(!!contact?.optedOut).toBe(optedOut);
    });
    test('HTTP 429 is a throttle', async () => {
      fake.answerNext({ status: 429, body: 'Too many requests' });
      await post('sms', { ...INBOUND, id: 'h-429' });
      await sent(1);
      await waitUntil(async () => (await outbound())[0]?.errorCode === 'throttled', 4000);
    });
  });

  describe('delivery reports', () => {
    const statuses: [string, string][] = [
      ['Sent', 'sent'],
      ['Submitted', 'sent'],
      ['Buffered', 'sent'],
      ['Success', 'delivered'],
      ['Rejected', 'failed'],
      ['Failed', 'undelivered'],
      ['AbsentSubscriber', 'undelivered'],
      ['Expired', 'undelivered'],
    ];
    test.each(statuses)('%s → %s, forward only', async (atStatus, ours) => {
      await post('sms', INBOUND);
      await sent(1);
      await waitUntil(async () => (await outbound())[0]?.status === 'sent', 4000);
      const res = await post('delivery', { ...DELIVERY, id: 'ATXid_0000000000000001', status: atStatus });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, recorded: true });
      expect((await outbound())[0].status).toBe(ours);
      // a later, lesser status does not move it back
      await post('delivery', { ...DELIVERY, id: 'ATXid_0000000000000001', status: 'Submitted' });
      expect((await outbound())[0].status).toBe(ours);
    });
    test('an unknown status is accepted and ignored; an unknown message is accepted; no key is 403', async () => {
      const unknown = await post('delivery', { ...DELIVERY, status: 'Teleported' });
      expect(unknown.status).toBe(200);
      expect(await unknown.json()).toEqual({ ok: true, ignored: 'unknown status Teleported' });
      const stranger = await post('delivery', DELIVERY);
      expect(await stranger.json()).toEqual({ ok: true, recorded: false });
      expect((await post('delivery', DELIVERY, null)).status).toBe(403);
    });
  });
});

describe("Africa's Talking dates", () => {
  test.each([
    ['2026-11-30 06:04:45', '2026-11-30T06:04:45.000Z'],
    ['2026-11-30T06:04:45Z', '2026-11-30T06:04:45.000Z'],
    ['2026-11-30T06:04:45.123Z', '2026-11-30T06:04:45.000Z'],
  ])('%s', (s, iso) => expect(parseAtDate(s)?.toISOString()).toBe(iso));
  test.each(['30/11/2026', '2026-13-45 99:99:99', ''])('%s is refused', (s) =>
    expect(parseAtDate(s)).toBeUndefined(),
  );
});
