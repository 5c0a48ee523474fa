import http from 'node:http';
import { AddressInfo } from 'node:net';
import { ConnectionFailed, ContactStopped } from '../../../src/domain/errors';
import { OutboundMessage } from '../../../src/models';
import { TwilioSender } from '../../../src/bots/twilio/outbound';
import { FakeTwilio } from '../../helpers/fakeTwilio';
import { TEST_TWILIO } from '../../helpers/service';

const message = (to: string, text: string) => ({ to, text }) as OutboundMessage;

function sender(apiBase: string, timeoutMs = 5_000) {
  return new TwilioSender({
    accountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
    authToken: TEST_TWILIO.TWILIO_AUTH_TOKEN,
    from: TEST_TWILIO.TWILIO_FROM_NUMBER,
    apiBase,
    timeoutMs,
    thread: true,
  });
}

describe("the SMS sender's own thread, against a fake Twilio API", () => {
  test('a message is created through the official client, with the account and the sender number', async () => {
    const fake = await new FakeTwilio().start();
    const s = sender(fake.url);
    try {
      const sent = await s.send(message('+243990000001', 'Bei ya dhahabu leo: 255,000 CDF kwa gramu.'));
      expect(sent.providerId).toMatch(/^SM/);
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0].params).toMatchObject({
        To: '+243990000001',
        From: TEST_TWILIO.TWILIO_FROM_NUMBER,
        Body: 'Bei ya dhahabu leo: 255,000 CDF kwa gramu.',
      });
      const basic = Buffer.from(
        `${TEST_TWILIO.TWILIO_ACCOUNT_SID}:${TEST_TWILIO.TWILIO_AUTH_TOKEN}`,
      ).toString('base64');
      expect(fake.requests[0].auth).toBe(`Basic ${basic}`);
      // what Twilio refuses keeps its meaning across the thread: 21610 is a person who said STOP
      fake.answerNext({
        status: 400,
        body: { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 },
      });
      await expect(s.send(message('+243990000002', 'x'))).rejects.toBeInstanceOf(ContactStopped);
    } finally {
      await s.close();
      await fake.stop();
    }
  });

  test('a thread that ends with sends in hand fails them as retryable; the next send starts another', async () => {
    // a provider that never answers: the sends stay in the thread's hands
    const silent = http.createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const fake = await new FakeTwilio().start();
    const s = sender(base, 60_000);
    try {
      const hanging = s.send(message('+243990000003', 'x'));
      const thread = (s as unknown as { thread: { worker?: { terminate(): Promise<number> } } }).thread;
      for (let i = 0; i < 200 && !thread.worker; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200)); // the request is out
      await thread.worker!.terminate();
      const err = await hanging.catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionFailed);
      expect((err as ConnectionFailed).retryable).toBe(true);
      expect((err as Error).message).toMatch(/thread exited/);
      // the same sender goes on with a new thread
      (s as unknown as { settings: { apiBase: string } }).settings.apiBase = fake.url;
      (thread as unknown as { settings: { apiBase: string } }).settings.apiBase = fake.url;
      expect((await s.send(message('+243990000004', 'y'))).providerId).toMatch(/^SM/);
      expect(fake.requests.map((r) => r.params.To)).toEqual(['+243990000004']);
    } finally {
      await s.close();
      await fake.stop();
      silent.closeAllConnections();
      silent.close();
    }
  });
});
