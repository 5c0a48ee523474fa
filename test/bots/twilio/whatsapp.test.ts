import fs from 'node:fs';
import path from 'node:path';
import { FakeTwilio, FakeTwilioRequest } from '../../helpers/fakeTwilio';
import { postTwilioForm, signTwilio } from '../../helpers/twilioWebhook';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, TestService, api, startService } from '../../helpers/service';
import { login } from '../../helpers/dashboard';

const FIXTURES = path.join(__dirname, '../../../src/bots/twilio/fixtures');
const form = (name: string) =>
  Object.fromEntries(new URLSearchParams(fs.readFileSync(path.join(FIXTURES, name), 'utf8').trim()));
const json = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

/** A recorded WhatsApp message with a photo ("the pit collapsed", in Swahili, from Tanzania). */
const RECORDED = form('twilio-whatsapp-inbound.form');
const MINER = '+255712345678';
const FROM = 'whatsapp:+14155238886';
const ROUTE = '/webhooks/twilio/sms';
const HX = (n: number) => `HX${n.toString(16).padStart(32, 'f')}`;
const MEDIA_PATH = new URL(RECORDED.MediaUrl0).pathname;

type Params = Record<string, string>;

describe('WhatsApp through Twilio, through HTTP, against a fake Twilio API', () => {
  let fake: FakeTwilio;
  let svc: TestService;
  let n = 0;

  /** A WhatsApp message from the miner: the recorded payload with another text and no photo, unless given. */
  const wa = (text: string, extra: Params = {}): Params => {
    const sid = `SM${(++n).toString(16).padStart(32, 'b')}`;
    const p: Params = { ...RECORDED, MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, Body: text };
    for (const k of ['MediaUrl0', 'MediaContentType0', 'MessageType']) delete p[k];
    return { ...p, NumMedia: '0', ...extra };
  };
  const post = (params: Params, signature: string | null = signTwilio(ROUTE, params)) =>
    postTwilioForm(svc.url, ROUTE, params, signature ?? undefined);
  /** Sends one message and waits until it is handled; returns what went to the miner because of it. */
  const say = async (params: Params): Promise<FakeTwilioRequest[]> => {
    const before = fake.requests.length;
    expect((await post(params)).status).toBe(200);
    await svc.service.inbox.settle();
    await fake.waitFor(before + 1);
    await new Promise((r) => setTimeout(r, 50));
    return fake.requests.slice(before);
  };
  const start = async (env: Params = {}) => {
    svc = await startService({
      ...TEST_TWILIO,
      TWILIO_API_BASE: fake.url,
      TWILIO_WHATSAPP_FROM: FROM,
      ...env,
    });
  };

  beforeEach(async () => {
    fake = await new FakeTwilio().start();
  });
  afterEach(async () => {
    await svc?.stop();
    await fake.stop();
  });

  test('recorded payloads: signed WhatsApp is stored as its own channel; unsigned, tampered or not a number is refused; a retry is stored once', async () => {
    await start();
    const table: [string, Params, string | null, number][] = [
      ['the recorded message', RECORDED, signTwilio(ROUTE, RECORDED), 200],
      ['no signature', wa('BEI'), null, 403],
      [
        'text changed after signing',
        { ...RECORDED, Body: 'BEI DHAHABU 1' },
        signTwilio(ROUTE, RECORDED),
        403,
      ],
      ['From is not a number', wa('x', { From: 'whatsapp:nobody' }), 'sign', 400],
      ['Twilio retries the recorded message', RECORDED, signTwilio(ROUTE, RECORDED), 200],
    ];
    for (const [name, params, signature, status] of table) {
      const res = await post(params, signature === 'sign' ? signTwilio(ROUTE, params) : signature);
      expect([name, res.status]).toEqual([name, status]);
    }
    await svc.service.inbox.settle();
    const inbound = await svc.service.store.collection('inbound').find({});
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ channel: 'whatsapp', transport: 'whatsapp', address: MINER });
    const contact = await svc.service.store.collection('contacts').findOne({});
    expect(contact!.addresses).toEqual([expect.objectContaining({ channel: 'whatsapp', value: MINER })]);
    // no phone number in what was logged
    expect(svc.logs.join('')).not.toContain('255712345678');
  });

  test('inside the 24-hour window a reply is free-form text from the WhatsApp sender; its delivery is recorded', async () => {
    await start();
    const [reply] = await say(RECORDED);
    expect(reply.params).toMatchObject({ To: `whatsapp:${MINER}`, From: FROM });
    expect(reply.params.ContentSid).toBeUndefined();
    // the first message of a Tanzanian number: the welcome in Swahili, five languages numbered
    expect(reply.params.Body).toMatch(/^Karibu Chimba[\s\S]*\n1 English\n2 Français\n3 Kiswahili/);

    const out = await svc.service.store.collection('outbound').findOne({ channel: 'whatsapp' });
    expect(out).toMatchObject({ transport: 'whatsapp', to: MINER });
    const status: Params = {
      MessageSid: await waitProviderId(svc, out!._id),
      MessageStatus: 'delivered',
      To: `whatsapp:${MINER}`,
      From: FROM,
      AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
    };
    const cb = await postTwilioForm(
      svc.url,
      '/webhooks/twilio/status',
      status,
      signTwilio('/webhooks/twilio/status', status),
    );
    expect(cb.status).toBe(200);
    expect(await svc.service.store.collection('outbound').findOne({ _id: out!._id })).toMatchObject({
      status: 'delivered',
    });
  });

  test('a miner registers, reports a price and asks the market price, all on WhatsApp', async () => {
    await start();
    const body = async (text: string) => (await say(wa(text))).map((r) => r.params.Body).join('\n');
    await body('habari');
    expect(await body('3')).toMatch(/^Kazi yako ni ipi\?/);
    for (const answer of ['1', 'Nyakabale', 'Geita']) await body(answer);
    expect(await body('1')).toMatch(/^Asante, umesajiliwa\./);
    expect(await body('BEI DHAHABU 250000 TZS G')).toMatch(/^Imehifadhiwa: Dhahabu 250[,.\s]000 TZS\/g/);
    expect(await body('BEI DHAHABU?')).toMatch(/^Dhahabu: 250[,.\s]000 TZS\/g/);
    const report = await svc.service.store.collection('reports').findOne({ kind: 'price' });
    expect(report).toMatchObject({ channel: 'whatsapp', mineral: 'gold', currency: 'TZS' });
    const contact = await svc.service.store.collection('contacts').findOne({});
    expect(contact).toMatchObject({ language: 'sw', role: 'miner', region: 'Geita', minerals: ['gold'] });
  });

  test('two short choices come as quick-reply buttons; tapping one answers it; the buttons are made once', async () => {
    await start();
    await say(wa('habari'));
    for (const text of ['AJALI', '1', '2', '0', 'leo']) await say(wa(text));
    const [question] = await say(wa('Geita'));
    // the question goes as a quick-reply content with the text as its variable, no Body
    expect(question.params.Body).toBeUndefined();
    expect(question.params.ContentSid).toBe(fake.contents[0].sid);
    expect(JSON.parse(question.params.ContentVariables)).toEqual({
      1: expect.stringMatching(/^Nani ajue ni wewe\?/),
    });
    expect(fake.contents).toHaveLength(1);
    expect(fake.contents[0].body).toMatchObject({
      language: 'sw',
      types: {
        'twilio/quick-reply': {
          body: '{{1}}',
          actions: [
            { title: 'Siri kwa timu', id: '1' },
            { title: 'Bila jina', id: '2' },
          ],
        },
      },
    });
    // tapping "Bila jina" sends its title as text and our id as payload: the report is anonymous
    const [done] = await say(wa('Bila jina', { ButtonText: 'Bila jina', ButtonPayload: '2' }));
    expect(done.params.Body).toMatch(/^Asante, imehifadhiwa bila jina\. Kumb C-[A-Z0-9]{5}\./);
    const report = await svc.service.store.collection('reports').findOne({});
    expect(report).toMatchObject({ kind: 'incident', anonymous: true, channel: 'whatsapp' });
    expect(report!.contactId).toBeUndefined();

    // the same question again reuses the content made the first time
    for (const text of ['AJALI', '1', '0', '0', 'leo']) await say(wa(text));
    const [again] = await say(wa('Geita'));
    expect(again.params.ContentSid).toBe(fake.contents[0].sid);
    expect(fake.contents).toHaveLength(1);
  });

  test('when Twilio cannot make the buttons, the choices go as numbered text', async () => {
    await start();
    await say(wa('habari'));
    for (const text of ['AJALI', '1', '0', '0', 'leo']) await say(wa(text));
    fake.contentFailure = 500;
    const [question] = await say(wa('Geita'));
    expect(question.params.ContentSid).toBeUndefined();
    expect(question.params.Body).toMatch(/^Nani ajue ni wewe\?[\s\S]*\n1 Siri kwa timu\n2 Bila jina$/);
    expect(svc.logs.join('')).toMatch(/WhatsApp buttons could not be made/);
  });

  describe('outside the 24-hour window', () => {
    const broadcast = { sw: 'Usalama: mvua kubwa leo usiku. Msiingie mashimoni hadi Ijumaa.' };

    /** The miner wrote 25 hours ago (the store's record moved back in time). */
    const lastWroteLongAgo = async () => {
      await say(wa('habari'));
      const longAgo = new Date(Date.now() - 25 * 3600_000);
      await svc.service.store
        .collection('inbound')
        .updateMany({ channel: 'whatsapp' }, { $set: { loggedAt: longAgo, receivedAt: longAgo } });
    };
    const send = async (body: Record<string, unknown>) => {
      const r = await api(svc, 'POST', '/api/v1/broadcasts', body, TEST_ADMIN_TOKEN);
      expect(r.status).toBe(201);
    };
    const settled = async (pred: () => Promise<boolean>) => {
      for (let i = 0; i < 200 && !(await pred()); i++) await new Promise((r) => setTimeout(r, 25));
    };

    test('a broadcast goes as the approved template of its kind and language, with the text as its variable', async () => {
      await start({ WHATSAPP_TEMPLATES: JSON.stringify({ broadcast: { sw: HX(1), en: HX(2) } }) });
      await lastWroteLongAgo();
      const before = fake.requests.length;
      await send({ text: broadcast, audience: { channels: ['whatsapp'] } });
      const [sent] = (await fake.waitFor(before + 1)).slice(before);
      expect(sent.params).toMatchObject({ To: `whatsapp:${MINER}`, From: FROM, ContentSid: HX(1) });
      expect(sent.params.Body).toBeUndefined();
      expect(JSON.parse(sent.params.ContentVariables)).toEqual({ 1: broadcast.sw });
    });

    test('with no template for the kind, it goes by SMS to the number the person also uses', async () => {
      await start({ WHATSAPP_TEMPLATES: JSON.stringify({ poll: { sw: HX(3) } }) });
      await lastWroteLongAgo();
      await linkSms(svc);
      const before = fake.requests.length;
      await send({ text: broadcast, audience: { channels: ['whatsapp'] } });
      const [sms] = (await fake.waitFor(before + 1)).slice(before);
      expect(sms.params).toMatchObject({
        To: MINER,
        From: TEST_TWILIO.TWILIO_FROM_NUMBER,
        Body: broadcast.sw,
      });
      const out = svc.service.store.collection('outbound');
      await settled(async () => (await out.countDocuments({ status: 'cancelled' })) === 1);
      expect(await out.findOne({ channel: 'whatsapp', broadcastId: { $exists: true } })).toMatchObject({
        status: 'cancelled',
        errorCode: 'whatsapp_window_closed',
      });
    });

    test("Twilio's 63016 (window closed) sends it by SMS instead", async () => {
      await start({ WHATSAPP_TEMPLATES: JSON.stringify({ broadcast: { sw: HX(1) } }) });
      await say(wa('habari'));
      await linkSms(svc);
      const before = fake.requests.length;
      fake.answerNext({ status: 400, body: json('twilio-error-63016.json') });
      await send({ text: broadcast, audience: { channels: ['whatsapp'] } });
      const [tried, sms] = (await fake.waitFor(before + 2)).slice(before);
      expect(tried.params.To).toBe(`whatsapp:${MINER}`);
      expect(sms.params).toMatchObject({ To: MINER, Body: broadcast.sw });
    });

    test('with no template and no SMS number it waits, and goes free-form when the person next writes', async () => {
      await start();
      await lastWroteLongAgo();
      const before = fake.requests.length;
      await send({ text: broadcast, audience: { channels: ['whatsapp'] } });
      const out = svc.service.store.collection('outbound');
      await settled(async () => (await out.countDocuments({ waitingForReply: true })) === 1);
      expect(await out.findOne({ waitingForReply: true })).toMatchObject({
        status: 'queued',
        text: broadcast.sw,
      });
      expect(fake.requests.length).toBe(before);

      await post(wa('BEI DHAHABU?'));
      await svc.service.inbox.settle();
      const sent = await fake.waitFor(before + 2);
      const bodies = sent.slice(before).map((r) => r.params.Body);
      expect(bodies).toContain(broadcast.sw);
      expect(await out.countDocuments({ waitingForReply: true })).toBe(0);
    });
  });

  describe('a photo sent with an incident', () => {
    const walk = async (who: '1' | '2') => {
      await say(wa('habari'));
      for (const text of ['AJALI', '1', '0', '0', 'leo']) await say(wa(text));
      // the recorded payload: a photo of the collapsed pit, sent as the answer to "where?"
      const photo = { ...RECORDED, Body: 'Geita, shimo la Nyakabale' };
      await say(photo);
      await say(wa(who, { ButtonPayload: who, ButtonText: who === '1' ? 'Siri kwa timu' : 'Bila jina' }));
      return svc.service.store.collection('reports').findOne({});
    };

    test('a confidential report keeps it; staff open it through the dashboard with the account, viewers cannot', async () => {
      await start();
      fake.media.set(MEDIA_PATH, {
        bytes: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]),
        contentType: 'image/jpeg',
      });
      const report = await walk('1');
      expect(report).toMatchObject({ kind: 'incident', anonymous: false, channel: 'whatsapp' });
      expect(report!.media).toEqual([{ url: RECORDED.MediaUrl0, contentType: 'image/jpeg' }]);

      const staff = await login(svc, TEST_ADMIN_TOKEN);
      const page = (await staff.get(`/dashboard/reports/${report!._id}`)).text;
      expect(page).toContain(`/dashboard/reports/${report!._id}/media/0`);
      const res = await fetch(`${svc.url}/dashboard/reports/${report!._id}/media/0`, {
        headers: { cookie: staff.cookie },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(Buffer.from(await res.arrayBuffer())).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
      expect(fake.mediaAuth).toEqual([
        'Basic ' +
          Buffer.from(`${TEST_TWILIO.TWILIO_ACCOUNT_SID}:${TEST_TWILIO.TWILIO_AUTH_TOKEN}`).toString(
            'base64',
          ),
      ]);
      // not public, not for observers, and nothing but the photos listed
      expect(
        (await fetch(`${svc.url}/dashboard/reports/${report!._id}/media/0`, { redirect: 'manual' })).status,
      ).toBe(303);
      const viewerToken = (
        await api(svc, 'POST', '/api/v1/credentials', { name: 'Observer', role: 'viewer' }, TEST_ADMIN_TOKEN)
      ).body.token as string;
      const viewer = await login(svc, viewerToken);
      const refused = await fetch(`${svc.url}/dashboard/reports/${report!._id}/media/0`, {
        headers: { cookie: viewer.cookie },
      });
      expect(refused.status).toBe(403);
      expect((await viewer.get(`/dashboard/reports/${report!._id}`)).text).not.toContain('/media/0');
      const none = await fetch(`${svc.url}/dashboard/reports/${report!._id}/media/1`, {
        headers: { cookie: staff.cookie },
      });
      expect(none.status).toBe(404);
    });

    test('an anonymous report keeps no photo (a photo can identify who took it)', async () => {
      await start();
      const report = await walk('2');
      expect(report).toMatchObject({ kind: 'incident', anonymous: true });
      expect(report!.media ?? []).toEqual([]);
      expect(JSON.stringify(await svc.service.store.collection('sessions').find({}))).not.toContain('MM0');
    });
  });
});

/** Waits until the outbox has sent a message and returns Twilio's SID for it. */
async function waitProviderId(svc: TestService, id: string): Promise<string> {
  const out = svc.service.store.collection('outbound');
  for (let i = 0; i < 200; i++) {
    const m = await out.findOne({ _id: id });
    if (m?.providerId) return m.providerId;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('never sent');
}

/** The miner's WhatsApp contact also has their SMS number, as a linked contact does. */
async function linkSms(svc: TestService): Promise<void> {
  const contacts = svc.service.store.collection('contacts');
  const c = await contacts.findOne({});
  await contacts.updateOne(
    { _id: c!._id },
    {
      $push: {
        addresses: {
          key: `sms:${MINER}`,
          channel: 'sms',
          value: MINER,
          transport: 'twilio',
          addedAt: new Date(),
        },
      },
    },
  );
}
