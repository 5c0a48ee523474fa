import fs from 'node:fs';
import path from 'node:path';
import { Faults, faultyStore } from '../helpers/faultyStore';
import { TEST_TWILIO, TestService, startService } from '../helpers/service';
import { postTwilioForm, signTwilio } from '../helpers/twilioWebhook';
import { waitUntil } from '../helpers/wait';

const ROUTE = '/webhooks/twilio/sms';

function sms(n: number, body = `PRIX OR ${250000 + n} FC G`) {
  const params = {
    MessageSid: `SM${String(n).padStart(32, 'f')}`,
    AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
    From: `+2439900005${String(n).padStart(2, '0')}`,
    To: TEST_TWILIO.TWILIO_FROM_NUMBER,
    Body: body,
  };
  return { params, signature: signTwilio(ROUTE, params) };
}

describe('the store goes away while SMS arrive: nothing is lost', () => {
  let svc: TestService;
  const faults = new Faults();
  beforeEach(async () => {
    faults.down = false;
    faults.delayMs = 0;
    svc = await startService(
      { ...TEST_TWILIO, LOG_LEVEL: 'info' },
      { wrapStore: (s) => faultyStore(s, faults), spoolReplayMs: 100, webhookBudgetMs: 500 },
    );
  });
  afterEach(async () => {
    faults.down = false;
    faults.delayMs = 0;
    await svc.stop();
  });
  const spoolDir = () => path.join(svc.service.config.dataDir, 'spool');
  const spooled = () => fs.readdirSync(spoolDir()).filter((f) => f.endsWith('.json'));

  test('unreachable: webhooks are acknowledged from a disk spool, and replayed once the store is back', async () => {
    faults.down = true;
    const sent = [1, 2, 3, 4, 5].map((n) => sms(n));
    for (const m of sent) {
      const res = await postTwilioForm(svc.url, ROUTE, m.params, m.signature);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<Response/>');
    }
    expect(spooled().length).toBe(5);
    expect(await svc.service.store.collection('inbound').countDocuments()).toBe(0);
    // health says so meanwhile
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(503);

    faults.down = false;
    await waitUntil(
      async () => (await svc.service.store.collection('reports').countDocuments()) === 5,
      15_000,
    );
    await waitUntil(async () => spooled().length === 0);
    const reports = await svc.service.store.collection('reports').find({}, { sort: { amount: 1 } });
    expect(reports.map((r) => r.amount)).toEqual([250001, 250002, 250003, 250004, 250005]);
    await waitUntil(async () => (await svc.service.store.collection('outbound').countDocuments()) === 5);

    // Twilio sending one of them again changes nothing
    const again = await postTwilioForm(svc.url, ROUTE, sent[0].params, sent[0].signature);
    expect(again.status).toBe(200);
    expect(await svc.service.store.collection('reports').countDocuments()).toBe(5);
    expect(await svc.service.store.collection('inbound').countDocuments()).toBe(5);

    const logs = svc.logs.join('');
    expect(logs).toContain('inbound message spooled to disk');
    expect(logs).toContain('spooled messages replayed into the store');
    expect(logs).not.toMatch(/99000050\d/);
    // the spool files themselves are removed; nothing was moved aside
    expect(fs.readdirSync(path.join(spoolDir(), 'failed'))).toEqual([]);
  }, 30_000);

  test('slow: the webhook answers within its budget (Twilio waits 15 s) and the work lands once the store catches up, once', async () => {
    faults.delayMs = 3_000;
    const m = sms(9);
    const t = Date.now();
    const res = await postTwilioForm(svc.url, ROUTE, m.params, m.signature);
    expect(res.status).toBe(200);
    expect(Date.now() - t).toBeLessThan(2_000);
    faults.delayMs = 0;
    await waitUntil(
      async () => (await svc.service.store.collection('reports').countDocuments()) === 1,
      15_000,
    );
    await waitUntil(async () => spooled().length === 0, 15_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(await svc.service.store.collection('reports').countDocuments()).toBe(1);
    expect(await svc.service.store.collection('inbound').countDocuments()).toBe(1);
    expect(await svc.service.store.collection('outbound').countDocuments({ to: m.params.From })).toBe(1);
  }, 30_000);
});
