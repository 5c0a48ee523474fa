import { FakeTwilio } from './helpers/fakeTwilio';
import { TEST_TWILIO, startService } from './helpers/service';
import { postTwilioForm, signTwilio } from './helpers/twilioWebhook';
import { waitUntil } from './helpers/wait';

/** The value of one series in a Prometheus text exposition. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}

test('/metrics counts messages in and out, outbox depth, latencies and completed flows, in Prometheus format', async () => {
  const fake = await new FakeTwilio().start();
  const svc = await startService({ ...TEST_TWILIO, TWILIO_API_BASE: fake.url, TWILIO_MPS: '100' });
  try {
    for (let i = 0; i < 3; i++) {
      const params = {
        MessageSid: `SM${String(i).padStart(32, 'a')}`,
        AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
        From: `+24399000080${i}`,
        To: TEST_TWILIO.TWILIO_FROM_NUMBER,
        Body: 'PRIX OR 255000 FC G',
      };
      expect(
        (
          await postTwilioForm(
            svc.url,
            '/webhooks/twilio/sms',
            params,
            signTwilio('/webhooks/twilio/sms', params),
          )
        ).status,
      ).toBe(200);
    }
    await fake.waitFor(3);
    let text = '';
    await waitUntil(async () => {
      text = await (await fetch(`${svc.url}/metrics`)).text();
      return value(text, 'chimba_messages_out_total{transport="twilio",outcome="sent"}') === 3;
    });
    expect(value(text, 'chimba_messages_in_total{channel="sms"}')).toBe(3);
    expect(value(text, 'chimba_outbox_depth{transport="twilio"}')).toBe(0);
    expect(value(text, 'chimba_dead_letters{transport="twilio"}')).toBe(0);
    expect(value(text, 'chimba_flow_completions_total{flow="price"}')).toBe(3);
    expect(value(text, 'chimba_send_seconds_count{transport="twilio"}')).toBe(3);
    expect(value(text, 'chimba_webhook_seconds_count{route="/webhooks/twilio/sms",status="200"}')).toBe(3);
    expect(text).toMatch(/^# TYPE chimba_process_resident_memory_bytes gauge$/m);
    expect(text).not.toMatch(/99000080/);
  } finally {
    await svc.stop();
    await fake.stop();
  }
});

test('with METRICS_TOKEN set, /metrics wants it', async () => {
  const svc = await startService({ METRICS_TOKEN: 'metrics-token-0123456789' });
  try {
    expect((await fetch(`${svc.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${svc.url}/metrics`, {
      headers: { authorization: 'Bearer metrics-token-0123456789' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  } finally {
    await svc.stop();
  }
});
