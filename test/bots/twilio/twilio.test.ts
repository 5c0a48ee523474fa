import fs from 'node:fs';
import path from 'node:path';
import { FakeTwilio } from '../../helpers/fakeTwilio';
import { postTwilioForm, signTwilio } from '../../helpers/twilioWebhook';
import { TEST_TWILIO, TestService, startService } from '../../helpers/service';

const FIXTURES = path.join(__dirname, '../../../src/bots/twilio/fixtures');
const form = (name: string) =>
  Object.fromEntries(new URLSearchParams(fs.readFileSync(path.join(FIXTURES, name), 'utf8').trim()));
const json = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

const INBOUND = form('twilio-inbound-sms.form');
const STATUS = form('twilio-status-callback.form');

const sign = signTwilio;
const postForm = (svc: TestService, route: string, params: Record<string, string>, signature?: string) =>
  postTwilioForm(svc.url, route, params, signature);

type ErrorBody = { error: { code: string; message: string } };

const sid = (n: number) => `SM${n.toString(16).padStart(32, 'a')}`;

describe('Twilio SMS channel, through HTTP, against a fake Twilio API', () => {
  let fake: FakeTwilio;
  let svc: TestService;

  beforeEach(async () => {
    fake = await new FakeTwilio().start();
    svc = await startService({ ...TEST_TWILIO, TWILIO_API_BASE: fake.url });
  });
  afterEach(async () => {
    await svc.stop();
    await fake.stop();
  });

  const count = (name: 'inbound' | 'reports' | 'outbound') =>
    svc.service.store.collection(name).countDocuments();

  describe('inbound webhook: recorded payloads', () => {
    const route = '/webhooks/twilio/sms';
    const table: {
      name: string;
      params: Record<string, string>;
      signature: (p: Record<string, string>) => string | undefined;
      status: number;
      stored: number;
    }[] = [
      {
        name: 'a price report signed by the official library',
        params: INBOUND,
        signature: (p) => sign(route, p),
        status: 200,
        stored: 1,
      },
      { name: 'no signature header', params: INBOUND, signature: () => undefined, status: 403, stored: 0 },
      {
        name: 'one parameter changed after signing',
        params: { ...INBOUND, Body: 'PRIX OR 999999 FC G' },
        signature: () => sign(route, INBOUND),
        status: 403,
        stored: 0,
      },
      {
        name: 'signed for another URL',
        params: INBOUND,
        signature: (p) => sign('/webhooks/twilio/status', p),
        status: 403,
        stored: 0,
      },
      {
        name: 'signed but without a MessageSid',
        params: Object.fromEntries(Object.entries(INBOUND).filter(([k]) => k !== 'MessageSid')),
        signature: (p) => sign(route, p),
        status: 400,
        stored: 0,
      },
      {
        name: 'signed but From is not a phone number',
        params: { ...INBOUND, From: 'not-a-number' },
        signature: (p) => sign(route, p),
        status: 400,
        stored: 0,
      },
    ];
    test.each(table)('$name → $status', async ({ params, signature, status, stored }) => {
      const res = await postForm(svc, route, params, signature(params));
      expect(res.status).toBe(status);
      if (status === 200) {
        expect(res.headers.get('content-type')).toMatch(/text\/xml/);
        expect(await res.text()).toMatch(/<Response\/>$/);
      } else {
        expect(((await res.json()) as ErrorBody).error.code).toBeDefined();
      }
      await svc.service.inbox.settle(); // handling follows the answer
      expect(await count('inbound')).toBe(stored);
      expect(await count('reports')).toBe(stored);
    });
  });

  test('the reply to a price report reaches Twilio with the right To, From and Body, and its delivery is recorded', async () => {
    const res = await postForm(svc, '/webhooks/twilio/sms', INBOUND, sign('/webhooks/twilio/sms', INBOUND));
    expect(res.status).toBe(200);
    const [sent] = await fake.waitFor(1);
    expect(sent.params.To).toBe('+243990000001');
    expect(sent.params.From).toBe(TEST_TWILIO.TWILIO_FROM_NUMBER);
    expect(sent.params.StatusCallback).toBe(`${TEST_TWILIO.PUBLIC_BASE_URL}/webhooks/twilio/status`);
    expect(sent.params.Body).toMatch(/^Enregistré : Or 255 000 CDF\/g\. Réf P-[0-9A-Z]{5}\. Merci !/);
    expect(sent.auth).toBe(
      'Basic ' +
        Buffer.from(`${TEST_TWILIO.TWILIO_ACCOUNT_SID}:${TEST_TWILIO.TWILIO_AUTH_TOKEN}`).toString('base64'),
    );

    const out = svc.service.store.collection('outbound');
    let msg = await out.findOne({});
    for (let i = 0; i < 50 && !msg?.providerId; i++) {
      await new Promise((r) => setTimeout(r, 20));
      msg = await out.findOne({});
    }
    expect(msg!.status).toBe('sent');

    const delivered = {
      ...STATUS,
      MessageSid: msg!.providerId!,
      SmsSid: msg!.providerId!,
      MessageStatus: 'delivered',
      SmsStatus: 'delivered',
    };
    delete (delivered as Record<string, string>).ErrorCode;
    const cb = await postForm(
      svc,
      '/webhooks/twilio/status',
      delivered,
      sign('/webhooks/twilio/status', delivered),
    );
    expect(cb.status).toBe(200);
    expect(await cb.json()).toMatchObject({ recorded: true });
    msg = await out.findOne({ _id: msg!._id });
    expect(msg).toMatchObject({ status: 'delivered', deliveredAt: expect.any(Date) });

    // a late "sent" never moves a delivered message back
    const late = { ...delivered, MessageStatus: 'sent', SmsStatus: 'sent' };
    await postForm(svc, '/webhooks/twilio/status', late, sign('/webhooks/twilio/status', late));
    expect((await out.findOne({ _id: msg!._id }))!.status).toBe('delivered');

    // the stored report is visible to staff
    const reports = await svc.service.store.collection('reports').find({});
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      mineral: 'gold',
      amount: 255000,
      currency: 'CDF',
      unit: 'g',
      language: 'fr',
    });
  });

  test('the same MessageSid posted twice yields one report and one reply', async () => {
    const sig = sign('/webhooks/twilio/sms', INBOUND);
    const [a, b] = await Promise.all([
      postForm(svc, '/webhooks/twilio/sms', INBOUND, sig),
      postForm(svc, '/webhooks/twilio/sms', INBOUND, sig),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const again = await postForm(svc, '/webhooks/twilio/sms', INBOUND, sig);
    expect(again.status).toBe(200);
    await fake.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests).toHaveLength(1);
    expect(await count('reports')).toBe(1);
    expect(await count('inbound')).toBe(1);
    expect(await count('outbound')).toBe(1);
  });

  describe('status callbacks: recorded payloads', () => {
    async function sentMessage() {
      const params = { ...INBOUND, MessageSid: sid(7), SmsSid: sid(7), SmsMessageSid: sid(7), Body: 'HELP' };
      await postForm(svc, '/webhooks/twilio/sms', params, sign('/webhooks/twilio/sms', params));
      await fake.waitFor(1);
      const out = svc.service.store.collection('outbound');
      for (let i = 0; i < 100; i++) {
        const m = await out.findOne({ providerId: { $exists: true } });
        if (m) return m;
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('message never sent');
    }

    const table = [
      {
        name: 'undelivered with error 30003',
        status: 'undelivered',
        error: '30003',
        expect: 'undelivered',
        optedOut: false,
      },
      {
        name: 'failed with 21610 (the person replied STOP at the carrier)',
        status: 'failed',
        error: '21610',
        expect: 'failed',
        optedOut: true,
      },
      {
        name: 'an untracked status (receiving)',
        status: 'receiving',
        error: '',
        expect: 'sent',
        optedOut: false,
      },
    ];
    test.each(table)('$name', async ({ status, error, expect: expected, optedOut }) => {
      const msg = await sentMessage();
      const params: Record<string, string> = {
        ...STATUS,
        MessageSid: msg.providerId!,
        SmsSid: msg.providerId!,
        MessageStatus: status,
        SmsStatus: status,
        ErrorCode: error,
      };
      if (!error) delete params.ErrorCode;
      const res = await postForm(
        svc,
        '/webhooks/twilio/status',
        params,
        sign('/webhooks/twilio/status', params),
      );
      expect(res.status).toBe(200);
      const after = await svc.service.store.collection('outbound').findOne({ _id: msg._id });
      expect(after!.status).toBe(expected);
      if (error) expect(after!.errorCode).toBe(error);
      const contact = await svc.service.store.collection('contacts').findOne({});
      expect(contact!.optedOut).toBe(optedOut);
    });

    test('a status callback with a bad signature is refused and changes nothing', async () => {
      const msg = await sentMessage();
      const params = { ...STATUS, MessageSid: msg.providerId!, MessageStatus: 'delivered' };
      const res = await postForm(svc, '/webhooks/twilio/status', params, 'bm90IGEgc2lnbmF0dXJl');
      expect(res.status).toBe(403);
      expect((await svc.service.store.collection('outbound').findOne({ _id: msg._id }))!.status).toBe('sent');
    });
  });

  test('when Twilio refuses with 21610, the contact is opted out and the message is a dead letter, not retried', async () => {
    fake.answerNext({ status: 400, body: json('twilio-error-21610.json') });
    const params = { ...INBOUND, Body: 'HELP' };
    await postForm(svc, '/webhooks/twilio/sms', params, sign('/webhooks/twilio/sms', params));
    await fake.waitFor(1);
    const out = svc.service.store.collection('outbound');
    for (let i = 0; i < 100 && (await out.findOne({}))!.status !== 'dead'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await out.findOne({})).toMatchObject({
      status: 'dead',
      errorCode: 'contact_stopped',
      attempts: 1,
    });
    expect((await svc.service.store.collection('contacts').findOne({}))!.optedOut).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests).toHaveLength(1);
  });

  test('a Twilio 500 and a 429 are retried with back-off until the message goes out', async () => {
    fake.answerNext(
      { status: 500, body: { code: 20500, message: 'Internal Server Error', status: 500 } },
      { status: 429, body: { code: 20429, message: 'Too Many Requests', status: 429 } },
    );
    const params = { ...INBOUND, Body: 'HELP' };
    await postForm(svc, '/webhooks/twilio/sms', params, sign('/webhooks/twilio/sms', params));
    await fake.waitFor(3);
    const out = svc.service.store.collection('outbound');
    for (let i = 0; i < 100 && (await out.findOne({}))!.status !== 'sent'; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(await out.findOne({})).toMatchObject({ status: 'sent', attempts: 3 });
    expect(fake.requests.map((r) => r.params.To)).toEqual([
      '+243990000001',
      '+243990000001',
      '+243990000001',
    ]);
  });

  test('no phone number appears in the logs of a whole SMS exchange', async () => {
    const params = { ...INBOUND };
    await postForm(svc, '/webhooks/twilio/sms', params, sign('/webhooks/twilio/sms', params));
    await fake.waitFor(1);
    fake.answerNext({ status: 400, body: json('twilio-error-21610.json') });
    const stop = { ...INBOUND, MessageSid: sid(9), Body: 'STOP' };
    await postForm(svc, '/webhooks/twilio/sms', stop, sign('/webhooks/twilio/sms', stop));
    await fake.waitFor(2);
    await new Promise((r) => setTimeout(r, 200));
    const all = svc.logs.join('\n');
    expect(svc.logs.length).toBeGreaterThan(3);
    expect(all).not.toMatch(/243990000001/);
    expect(all).not.toMatch(/5005550006/);
    expect(all).not.toContain(TEST_TWILIO.TWILIO_AUTH_TOKEN);
  });
});

test('with no Twilio settings the SMS webhook says the channel is off', async () => {
  const svc = await startService();
  try {
    const res = await postForm(svc, '/webhooks/twilio/sms', INBOUND, 'x');
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorBody).error.message).toMatch(/SMS channel is off: TWILIO_ACCOUNT_SID/);
  } finally {
    await svc.stop();
  }
});
