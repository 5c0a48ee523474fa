import fs from 'node:fs';
import path from 'node:path';
import { FakeAfricasTalking } from '../helpers/fakeAfricasTalking';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { login } from '../helpers/dashboard';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, TestService, startService } from '../helpers/service';
import { waitUntil } from '../helpers/wait';

const FIXTURES = path.join(__dirname, '../../src/bots/africastalking/fixtures');
const INBOUND = Object.fromEntries(
  new URLSearchParams(fs.readFileSync(path.join(FIXTURES, 'inbound-sms.form'), 'utf8').trim()),
);
const KEY = 'callback-key-for-tests-0123';
const ONCALL = '+243990000111';

/**
 * A provider failing in a way only staff can fix (Africa's Talking out of credit, its
 * sender id refused): staff hear of it once, by the other SMS provider, see it on the
 * dashboard until sending works again.
 */
describe('operations alerts, through HTTP, against fake Africa’s Talking and Twilio APIs', () => {
  let at: FakeAfricasTalking;
  let twilio: FakeTwilio;
  let svc: TestService;
  let n = 0;

  beforeEach(async () => {
    at = await new FakeAfricasTalking().start();
    twilio = await new FakeTwilio().start();
    svc = await startService({
      ...TEST_TWILIO,
      TWILIO_API_BASE: twilio.url,
      AT_USERNAME: 'chimba',
      AT_API_KEY: 'at-api-key-for-tests',
      AT_CALLBACK_KEY: KEY,
      AT_API_BASE: at.url,
      AT_MPS: '100',
      // on-call staff are reached through Africa's Talking, unless it is the one failing
      SMS_TRANSPORT_BY_COUNTRY: '*=africastalking',
      ONCALL_SMS: ONCALL,
    });
  });
  afterEach(async () => {
    await svc.stop();
    await twilio.stop();
    await at.stop();
  });

  /** A miner writes through Africa's Talking; the reply is attempted. */
  const miner = async (from: string) => {
    const res = await fetch(`${svc.url}/webhooks/africastalking/sms?key=${KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...INBOUND, from, id: `ops-${++n}` }).toString(),
    });
    expect(res.status).toBe(200);
    await svc.service.inbox.settle();
    await waitUntil(async () => at.requests.some((r) => r.params.to === from), 4000);
  };
  const alerts = () => svc.service.store.collection('opsAlerts').find({});
  const overview = async () => (await (await login(svc, TEST_ADMIN_TOKEN)).get('/dashboard')).text;

  test('an empty balance: on-call staff get one SMS through Twilio, the overview shows it, replies wait', async () => {
    at.codeFor.set('+255712345678', 405);
    await miner('+255712345678');
    const [told] = await twilio.waitFor(1);
    expect(told.params.To).toBe(ONCALL);
    expect(told.params.Body).toMatch(
      /^Chimba: the Africa's Talking balance is empty: top it up \(africastalking/,
    );
    expect(told.params.Body.length).toBeLessThanOrEqual(160);
    // the on-call SMS was never tried through the provider that has no credit
    expect(at.requests.map((r) => r.params.to)).not.toContain(ONCALL);

    const [alert] = await alerts();
    expect(alert).toMatchObject({ _id: 'africastalking:InsufficientBalance', count: 1 });
    expect(alert.resolvedAt).toBeUndefined();
    const page = await overview();
    expect(page).toContain('data-alert="africastalking:InsufficientBalance"');
    expect(page).toContain('the Africa’s Talking balance is empty: top it up');
    // the miner's reply is kept for later, not burnt
    const reply = await svc.service.store.collection('outbound').findOne({ to: '+255712345678' });
    expect(reply).toMatchObject({ status: 'queued', errorCode: 'throttled' });
  });

  test('a refused sender id: counted while it lasts, staff told once, cleared by the next message that goes', async () => {
    at.codeFor.set('+255712345678', 402);
    at.codeFor.set('+255712345679', 402);
    await miner('+255712345678');
    await miner('+255712345679');
    await waitUntil(async () => (await alerts())[0]?.count === 2, 4000);
    await twilio.waitFor(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(twilio.requests.filter((r) => r.params.To === ONCALL)).toHaveLength(1);
    expect(await overview()).toContain('data-alert="africastalking:InvalidSenderId"');

    // the sender id is fixed: the next reply goes, and the alert closes by itself
    await miner('+255712345670');
    await waitUntil(async () => !!(await alerts())[0]?.resolvedAt, 4000);
    expect(await overview()).not.toContain('data-alert=');

    // it comes back: a new alert, counted from one, and staff are told again
    at.codeFor.set('+255712345671', 402);
    await miner('+255712345671');
    await waitUntil(async () => !(await alerts())[0]?.resolvedAt, 4000);
    expect((await alerts())[0].count).toBe(1);
    await twilio.waitFor(2);
    expect(twilio.requests.filter((r) => r.params.To === ONCALL)).toHaveLength(2);
  });
});
