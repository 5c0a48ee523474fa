import fs from 'node:fs';
import path from 'node:path';
import { login } from '../helpers/dashboard';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, TestService, api, startService } from '../helpers/service';
import { postTwilioForm, signTwilio } from '../helpers/twilioWebhook';
import { TestCall, callForm } from '../helpers/voiceCall';
import { waitUntil } from '../helpers/wait';

const FR = '+243990000601';
const SW = '+255712000601';
const EN = '+233241000601';
const TEXT = {
  fr: 'Alerte : pluies fortes à Kamituga, ne descendez pas dans les puits ce soir.',
  sw: 'Tahadhari: mvua kubwa Geita, msiingie mashimoni usiku huu.',
  en: 'Alert: heavy rain in Tarkwa, do not go down the pits tonight.',
};
const WAV = fs.readFileSync(path.join(__dirname, '../../locales/audio/sw/voice.menu.wav'));

describe('voice alerts: people who prefer calls hear broadcasts, never silence', () => {
  let fake: FakeTwilio;
  let svc: TestService;

  beforeEach(async () => {
    fake = await new FakeTwilio().start();
    svc = await startService({ ...TEST_TWILIO, TWILIO_API_BASE: fake.url, VOICE_CPS: '10' });
    // two people ask for calls with 8 on the voice line; one stays on SMS
    for (const phone of [FR, SW]) {
      const call = new TestCall(svc.url, phone);
      await call.dial();
      await call.press('8');
    }
    expect(await svc.say(EN, 'HELP')).toHaveLength(1);
  });
  afterEach(async () => {
    await svc.stop();
    await fake.stop();
  });

  const raw = (method: string, route: string, body: Buffer, type: string) =>
    fetch(svc.url + route, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': type },
      body,
    });

  test('the preview counts calls by language and refuses a broadcast some would hear as silence, until a recording is attached', async () => {
    const body = { text: TEXT, priority: 'alert' };
    const preview = await api(svc, 'POST', '/api/v1/broadcasts/preview', body);
    expect(preview.body.calls).toEqual({ calls: 2, byLanguage: { fr: 1, sw: 1 }, silent: { sw: 1 } });
    expect(preview.body.byChannel).toEqual({ sms: { en: 1 } });
    const refused = await api(svc, 'POST', '/api/v1/broadcasts', body);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('attach a recording (voiceRecordings.sw)');

    // a recording of the Swahili text, uploaded, then attached
    expect(
      (await raw('PUT', '/api/v1/voice/prompts/sw/alert-rain-geita', Buffer.from('not audio'), 'audio/wav'))
        .status,
    ).toBe(400);
    const up = await raw('PUT', '/api/v1/voice/prompts/sw/alert-rain-geita', WAV, 'audio/wav');
    expect(up.status).toBe(201);
    const listing = await api(svc, 'GET', '/api/v1/voice/prompts');
    expect((listing.body.languages as Record<string, { recordings: string[] }>).sw.recordings).toEqual([
      'alert-rain-geita',
    ]);
    const withRecording = { ...body, voiceRecordings: { sw: 'alert-rain-geita' } };
    expect((await api(svc, 'POST', '/api/v1/broadcasts/preview', withRecording)).body.calls).toMatchObject({
      silent: {},
    });
    const created = await api(svc, 'POST', '/api/v1/broadcasts', withRecording);
    expect(created.status).toBe(201);

    // calls to the two who prefer them, an SMS to the other
    const out = svc.service.store.collection('outbound');
    await waitUntil(async () => (await out.countDocuments({ transport: 'voice', status: 'sent' })) === 2);
    const bySms = await out.find({ broadcastId: created.body.id as string, transport: { $ne: 'voice' } });
    expect(bySms.map((m) => [m.to, m.text])).toEqual([[EN, TEXT.en]]);
    expect(fake.calls.map((c) => c.params.To).sort()).toEqual([FR, SW].sort());

    const placed = await svc.service.store.collection('outbound').find({ transport: 'voice' });
    const answer = async (to: string) => {
      const m = placed.find((p) => p.to === to)!;
      const call = new TestCall(svc.url, to, 'outbound-api');
      call.callSid = m.providerId!;
      return { call, heard: await call.post(`/webhooks/twilio/voice?out=${m._id}`, {}) };
    };
    const fr = await answer(FR);
    expect(fr.heard.heard).toMatch(
      /^Voici un message de Chimba\. Alerte : pluies fortes à Kamituga, ne descendez pas dans les puits ce soir\. Pour le réécouter, tapez 0\. Pour signaler un prix, tapez 1\./,
    );
    expect((await fr.call.press('0')).heard).toMatch(/^Voici un message de Chimba\. Alerte : pluies fortes/);
    const sw = await answer(SW);
    expect(sw.heard.heard).toMatch(
      /^Huu ni ujumbe kutoka Chimba\. \[recording alert-rain-geita\] Kusikiliza tena, bonyeza 0\./,
    );
    expect(sw.heard.plays[1]).toBe('https://chimba.test/voice/audio/sw/alert-rain-geita.wav');

    // how the calls ended, like delivery statuses
    const status = async (to: string, CallStatus: string) => {
      const m = (await svc.service.store.collection('outbound').find({ transport: 'voice', to }))[0];
      const params = {
        ...callForm(m.providerId!, TEST_TWILIO.TWILIO_FROM_NUMBER, { Direction: 'outbound-api', CallStatus }),
        To: to,
      };
      const route = '/webhooks/twilio/voice/status';
      expect((await postTwilioForm(svc.url, route, params, signTwilio(route, params))).status).toBe(200);
    };
    await status(FR, 'completed');
    await status(SW, 'busy');
    const view = await api(svc, 'GET', `/api/v1/broadcasts/${created.body.id}`);
    // the French call and the English SMS delivered; the Swahili call busy, to be tried again
    expect(view.body.counts).toMatchObject({ delivered: 2, queued: 1 });
  });

  test('on the dashboard, the preview counts calls and a broadcast some would hear as silence is refused with the reason', async () => {
    const staff = await login(svc, TEST_ADMIN_TOKEN);
    const form = { _csrf: await staff.csrf(), 'text.fr': TEXT.fr, 'text.sw': TEXT.sw, priority: 'alert' };
    const preview = await fetch(`${svc.url}/dashboard/broadcasts/preview`, {
      method: 'POST',
      headers: {
        cookie: staff.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'x-csrf-token': form._csrf,
      },
      body: new URLSearchParams(form),
    });
    expect(((await preview.json()) as { calls: unknown }).calls).toEqual({
      calls: 2,
      byLanguage: { fr: 1, sw: 1 },
      silent: { sw: 1 },
    });
    const page = await staff.get('/dashboard/broadcasts');
    expect(page.text).toContain('name="voice.sw"');
    const refused = await staff.post('/dashboard/broadcasts', { ...form, formId: 'f-voice-1' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('attach a recording (voiceRecordings.sw)');
    expect(await svc.service.store.collection('broadcasts').countDocuments()).toBe(0);
  });

  test('staff set the preference for a number (admins only), and a call goes only where the line can place calls', async () => {
    const staffToken = (await api(svc, 'POST', '/api/v1/credentials', { name: 'Amani', role: 'staff' })).body
      .token as string;
    const body = { phone: EN, prefersVoice: true };
    expect((await api(svc, 'POST', '/api/v1/voice/preferences', body, staffToken)).status).toBe(403);
    expect(
      (await api(svc, 'POST', '/api/v1/voice/preferences', { ...body, phone: '+233200000000' })).status,
    ).toBe(404);
    expect((await api(svc, 'POST', '/api/v1/voice/preferences', body)).status).toBe(200);
    const preview = await api(svc, 'POST', '/api/v1/broadcasts/preview', { text: { en: TEXT.en } });
    // the others have no English text (untranslated: skip): nobody is called in a language they do not speak
    expect(preview.body.calls).toEqual({ calls: 1, byLanguage: { en: 1 }, silent: {} });
  });

  test('without Twilio calls, everyone who prefers voice still gets the broadcast by SMS', async () => {
    const plain = await startService();
    try {
      await plain.say(SW, 'MSAADA');
      await plain.service.store.collection('contacts').updateMany({}, { $set: { prefersVoice: true } });
      const preview = await api(plain, 'POST', '/api/v1/broadcasts/preview', { text: TEXT });
      expect(preview.body.calls).toEqual({ calls: 0, byLanguage: {}, silent: {} });
      expect(preview.body.byChannel).toEqual({ sms: { sw: 1 } });
    } finally {
      await plain.stop();
    }
  });
});
