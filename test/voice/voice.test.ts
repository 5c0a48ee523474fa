import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { login } from '../helpers/dashboard';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, TestService, api, startService } from '../helpers/service';
import { postTwilioForm, signTwilio } from '../helpers/twilioWebhook';
import { TestCall, callForm, readTwiml } from '../helpers/voiceCall';
import { waitUntil } from '../helpers/wait';

const FIXTURES = path.join(__dirname, '../../src/bots/twilio/fixtures');
const form = (name: string) =>
  Object.fromEntries(new URLSearchParams(fs.readFileSync(path.join(FIXTURES, name), 'utf8').trim()));

const ROUTE = '/webhooks/twilio/voice';
const FR = '+243990000001';

describe('the voice line through Twilio Voice, over HTTP', () => {
  let fake: FakeTwilio;
  let svc: TestService;
  let promptsDir: string;

  beforeEach(async () => {
    fake = await new FakeTwilio().start();
    promptsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chimba-prompts-'));
    svc = await startService({ ...TEST_TWILIO, TWILIO_API_BASE: fake.url, VOICE_PROMPTS_DIR: promptsDir });
  });
  afterEach(async () => {
    await svc.stop();
    await fake.stop();
    fs.rmSync(promptsDir, { recursive: true, force: true });
  });

  describe('recorded payloads (src/bots/twilio/fixtures)', () => {
    const incoming = form('twilio-voice-incoming.form');
    const table: {
      name: string;
      route: string;
      params: Record<string, string>;
      sign: boolean;
      status: number;
    }[] = [
      { name: 'an incoming call, signed', route: ROUTE, params: incoming, sign: true, status: 200 },
      { name: 'an incoming call, unsigned', route: ROUTE, params: incoming, sign: false, status: 403 },
      {
        name: 'keys pressed, signed',
        route: `${ROUTE}?step=1`,
        params: form('twilio-voice-gather.form'),
        sign: true,
        status: 200,
      },
      {
        name: 'a recording, signed',
        route: `${ROUTE}?step=1`,
        params: form('twilio-voice-record.form'),
        sign: true,
        status: 200,
      },
      {
        name: 'a call status, signed',
        route: `${ROUTE}/status`,
        params: form('twilio-voice-status.form'),
        sign: true,
        status: 200,
      },
      {
        name: 'a CallSid that is not one',
        route: ROUTE,
        params: { ...incoming, CallSid: 'CA123' },
        sign: true,
        status: 400,
      },
      {
        name: 'a caller that is no number',
        route: ROUTE,
        params: { ...incoming, From: 'anonymous' },
        sign: true,
        status: 400,
      },
      {
        name: 'a step that is not a number',
        route: `${ROUTE}?step=x`,
        params: incoming,
        sign: true,
        status: 400,
      },
    ];
    test.each(table)('$name → $status', async ({ route, params, sign, status }) => {
      const res = await postTwilioForm(svc.url, route, params, sign ? signTwilio(route, params) : undefined);
      expect(res.status).toBe(status);
      const body = await res.text();
      if (status === 200 && !route.endsWith('/status')) expect(readTwiml(body).gather).toBeDefined();
    });

    test('a signature made for another step does not pass', async () => {
      const params = form('twilio-voice-gather.form');
      const res = await postTwilioForm(
        svc.url,
        `${ROUTE}?step=2`,
        params,
        signTwilio(`${ROUTE}?step=1`, params),
      );
      expect(res.status).toBe(403);
      expect(await svc.service.store.collection('voiceCalls').countDocuments()).toBe(0);
    });
  });

  test('a price reported by phone lands in the same statistics as one by SMS, with channel "voice"', async () => {
    expect(await svc.say('+243990000002', 'PRIX OR 240000 FC G')).toHaveLength(1);
    const call = new TestCall(svc.url, FR);
    await call.dial();
    for (const keys of ['1', '1', '260000#', '1', '1', '#']) await call.press(keys);
    const confirm = await call.press('1');
    expect(confirm.heard).toMatch(/^Enregistré, merci\. Votre référence est P( \S+){5}\./);

    const reports = await svc.service.store
      .collection('reports')
      .find({ kind: 'price' }, { sort: { amount: 1 } });
    expect(reports.map((r) => [r.channel, r.amount, r.currency, r.unit, r.mineral])).toEqual([
      ['sms', 240000, 'CDF', 'g', 'gold'],
      ['voice', 260000, 'CDF', 'g', 'gold'],
    ]);
    // counted together: the median of both, by the rollups the dashboard reads
    await waitUntil(async () => {
      const stats = await api(svc, 'GET', '/api/v1/stats/prices?mineral=gold&currency=CDF&unit=g');
      const total = JSON.stringify(stats.body).match(/"count":(\d+)/g);
      return !!total && total.some((c) => c === '"count":2');
    });
  });

  test('staff see the calls of the last day: who started them, how they ended, reports made, minutes', async () => {
    const call = new TestCall(svc.url, FR);
    await call.dial();
    for (const keys of ['1', '1', '260000#', '1', '1', '#', '1']) await call.press(keys);
    const route = '/webhooks/twilio/voice/status';
    const params = callForm(call.callSid, FR, { CallStatus: 'completed', CallDuration: '95' });
    expect((await postTwilioForm(svc.url, route, params, signTwilio(route, params))).status).toBe(200);
    const stats = await api(svc, 'GET', '/api/v1/stats/deliveries');
    expect(stats.body.voice).toEqual({
      calls: 1,
      byDirection: { inbound: 1 },
      byStatus: { completed: 1 },
      reports: 1,
      minutes: 1.6,
    });
    const overview = await (await login(svc, TEST_ADMIN_TOKEN)).get('/dashboard');
    expect(overview.text).toContain('Phone calls (24 h)');
    expect(overview.text).toContain('<table class="voice cards">');
    expect(overview.text).toContain('<td data-label="Called in">1</td>');
  });

  test('a request Twilio sends again gets the same answer and stores nothing twice', async () => {
    const call = new TestCall(svc.url, FR);
    await call.dial();
    for (const keys of ['1', '1', '260000#', '1', '1', '#']) await call.press(keys);
    const action = call.last!.action!;
    const params = callForm(call.callSid, FR, { Digits: '1', msg: 'Gather End' });
    const first = await (await postTwilioForm(svc.url, action, params, signTwilio(action, params))).text();
    const again = await (await postTwilioForm(svc.url, action, params, signTwilio(action, params))).text();
    expect(again).toBe(first);
    expect(await svc.service.store.collection('reports').countDocuments({ kind: 'price' })).toBe(1);
  });

  test('a staff recording replaces a prompt in any language, and is served to Twilio', async () => {
    fs.mkdirSync(path.join(promptsDir, 'fr'));
    fs.writeFileSync(path.join(promptsDir, 'fr', 'voice.greeting.mp3'), Buffer.alloc(2048, 1));
    const call = new TestCall(svc.url, FR);
    const heard = await call.dial();
    expect(heard.plays).toEqual(['https://chimba.test/voice/audio/fr/voice.greeting.mp3']);
    expect(heard.heard).toMatch(/^\[recording voice\.greeting\] Pour signaler un prix, tapez 1\./);
    const audio = await fetch(`${svc.url}/voice/audio/fr/voice.greeting.mp3`);
    expect(audio.status).toBe(200);
    expect(audio.headers.get('content-type')).toBe('audio/mpeg');
    expect((await fetch(`${svc.url}/voice/audio/fr/voice.greeting.wav`)).status).toBe(404);
    expect((await fetch(`${svc.url}/voice/audio/sw/..%2F..%2Fpackage.json`)).status).toBe(404);
  });

  test('a Swahili poll is played from the recordings staff made of it (without them: poll.sw.txt)', async () => {
    const sw = '+255712345678';
    expect(await svc.say(sw, 'MSAADA')).toHaveLength(1); // a contact, so the poll reaches them
    const created = await api(svc, 'POST', '/api/v1/polls', {
      question: { sw: 'Je, chama kinunue pampu ya maji?', en: 'Should the cooperative buy a pump?' },
      options: [
        { sw: 'Ndiyo', en: 'Yes' },
        { sw: 'Hapana', en: 'No' },
      ],
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(created.status).toBe(201);
    await waitUntil(
      async () => (await svc.service.store.collection('outbound').countDocuments({ to: sw })) > 0,
    );
    fs.mkdirSync(path.join(promptsDir, 'sw'));
    for (const name of ['question', 'option1', 'option2'])
      fs.writeFileSync(
        path.join(promptsDir, 'sw', `poll-${created.body.id}.${name}.wav`),
        Buffer.alloc(2048),
      );
    const call = new TestCall(svc.url, sw);
    await call.dial();
    const poll = await call.press('5');
    const clip = (name: string) => `[recording poll-${String(created.body.id)}.${name}]`;
    expect(poll.heard).toBe(
      `${clip('question')} Kwa ${clip('option1')}, bonyeza moja Kwa ${clip('option2')}, bonyeza mbili`,
    );
    const thanks = await call.press('2');
    expect(thanks.heard).toMatch(/^Asante, jibu lako limehifadhiwa\./);
    const answers = await svc.service.store.collection('pollAnswers').find({});
    expect(answers.map((a) => [a.option, a.channel])).toEqual([[2, 'voice']]);
  });

  test('calls leave no phone number in the call records or the logs', async () => {
    const call = new TestCall(svc.url, FR);
    await call.dial();
    await call.press('2');
    const docs = JSON.stringify(await svc.service.store.collection('voiceCalls').find({}));
    expect(docs).not.toContain('990000001');
    expect(svc.logs.join('\n')).not.toContain('990000001');
  });
});
