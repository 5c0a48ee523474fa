import { loadConfig } from '../../src/config';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { TEST_TWILIO, TestService, startService } from '../helpers/service';
import { postTwilioForm, signTwilio } from '../helpers/twilioWebhook';
import { TestCall, callForm, readTwiml } from '../helpers/voiceCall';
import { waitUntil } from '../helpers/wait';

const SW = '+255712000401';

describe('free for the caller: a missed call is called back', () => {
  let fake: FakeTwilio;
  let svc: TestService;

  beforeEach(async () => {
    fake = await new FakeTwilio().start();
    svc = await startService({
      ...TEST_TWILIO,
      TWILIO_API_BASE: fake.url,
      VOICE_CALLBACK: 'on',
      VOICE_CPS: '5',
    });
  });
  afterEach(async () => {
    await svc.stop();
    await fake.stop();
  });

  const ring = async (from: string) => {
    const params = callForm(`CA${Math.random().toString(16).slice(2).padEnd(32, '0')}`, from, {
      CallStatus: 'ringing',
    });
    const res = await postTwilioForm(
      svc.url,
      '/webhooks/twilio/voice',
      params,
      signTwilio('/webhooks/twilio/voice', params),
    );
    expect(res.status).toBe(200);
    return readTwiml(await res.text());
  };
  const status = async (callSid: string, to: string, CallStatus: string) => {
    const params = {
      ...callForm(callSid, TEST_TWILIO.TWILIO_FROM_NUMBER, { Direction: 'outbound-api', CallStatus }),
      To: to,
    };
    const route = '/webhooks/twilio/voice/status';
    const res = await postTwilioForm(svc.url, route, params, signTwilio(route, params));
    expect(res.status).toBe(200);
  };
  const calls = () => svc.service.store.collection('outbound').find({ transport: 'voice' });

  test('the call is refused as busy (it costs nothing), and the line calls back through the Calls API, once in ten minutes', async () => {
    const answer = await ring(SW);
    expect(answer).toMatchObject({ reject: 'busy', heard: '' });
    expect(answer.twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="busy"/></Response>',
    );
    await waitUntil(async () => (await calls()).some((m) => m.status === 'sent'));
    const [placed] = await calls();
    expect(fake.calls[0].params).toMatchObject({
      To: SW,
      From: TEST_TWILIO.TWILIO_FROM_NUMBER,
      Url: `https://chimba.test/webhooks/twilio/voice?out=${placed._id}`,
      Method: 'POST',
      StatusCallback: 'https://chimba.test/webhooks/twilio/voice/status',
    });
    // ringing again at once: refused, not called back twice
    expect((await ring(SW)).reject).toBe('busy');
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls).toHaveLength(1);

    // the person answers: the menu, in their language, from the line's own number
    const call = new TestCall(svc.url, SW, 'outbound-api');
    call.callSid = fake.calls[0].sid;
    const heard = await call.post(`/webhooks/twilio/voice?out=${placed._id}`, {});
    expect(heard.heard).toMatch(/^Karibu Chimba, simu ya wachimbaji\. Kuripoti bei, bonyeza 1\./);
    await status(fake.calls[0].sid, SW, 'completed');
    expect((await calls())[0]).toMatchObject({ status: 'delivered', errorCode: 'completed' });
  });

  test('not answered: tried again later, three times in all, then recorded as undelivered', async () => {
    await ring(SW);
    for (let attempt = 1; attempt <= 3; attempt++) {
      await waitUntil(async () => fake.calls.length === attempt);
      const sid = fake.calls[attempt - 1].sid;
      await waitUntil(async () => (await calls()).some((m) => m.providerId === sid));
      await status(fake.calls[attempt - 1].sid, SW, 'no-answer');
      const [m] = await calls();
      if (attempt < 3) {
        expect(m).toMatchObject({ status: 'queued', errorCode: 'no-answer', attempts: attempt });
        // spaced: five minutes a try; the test does not wait for them
        expect(m.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(attempt * 5 * 60_000 - 5_000);
        await svc.service.store
          .collection('outbound')
          .updateOne({ _id: m._id }, { $set: { nextAttemptAt: new Date() } });
        svc.service.outbox.notify();
      } else expect(m).toMatchObject({ status: 'undelivered', errorCode: 'no-answer', attempts: 3 });
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls).toHaveLength(3);
  });

  test('call-back needs the Twilio number to call from', () => {
    expect(() => loadConfig({ VOICE_CALLBACK: 'on' })).toThrow(
      /VOICE_CALLBACK: needs the Twilio account and TWILIO_FROM_NUMBER/,
    );
    expect(() => loadConfig({ VOICE_CPS: '0' })).toThrow(/VOICE_CPS/);
  });
});
