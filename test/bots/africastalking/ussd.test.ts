import fs from 'node:fs';
import path from 'node:path';
import { smsCost } from '../../../src/domain/sms';
import { USSD_MAX } from '../../../src/i18n/render';
import { FakeAfricasTalking } from '../../helpers/fakeAfricasTalking';
import { TestService, api, startService } from '../../helpers/service';
import { waitUntil } from '../../helpers/wait';

const FIXTURES = path.join(__dirname, '../../../src/bots/africastalking/fixtures');
const form = (name: string) =>
  Object.fromEntries(new URLSearchParams(fs.readFileSync(path.join(FIXTURES, name), 'utf8').trim()));
const FIRST = form('ussd-first.form');
const LATER = form('ussd-later.form');
const END = form('ussd-end-notification.form');

const KEY = 'callback-key-for-tests-0123';
const AT = (fake: FakeAfricasTalking) => ({
  AT_USERNAME: 'chimba',
  AT_API_KEY: 'at-api-key-for-tests',
  AT_CALLBACK_KEY: KEY,
  AT_API_BASE: fake.url,
  AT_MPS: '100',
  ONCALL_SMS: '+243990009999',
});

/** A phone number whose country speaks each language. */
const PHONES = {
  en: '+233241234567',
  fr: '+243990000001',
  sw: '+255712345678',
  es: '+51987654321',
  pt: '+258841234567',
} as const;
type Lang = keyof typeof PHONES;
const LANGS = Object.keys(PHONES) as Lang[];

describe("USSD through Africa's Talking, over HTTP", () => {
  let fake: FakeAfricasTalking;
  let svc: TestService;
  let sessions = 0;

  beforeEach(async () => {
    fake = await new FakeAfricasTalking().start();
    svc = await startService(AT(fake));
  });
  afterEach(async () => {
    await svc.stop();
    await fake.stop();
  });

  const store = () => svc.service.store;
  const post = (route: string, params: Record<string, string>, key: string | null = KEY) =>
    fetch(`${svc.url}/webhooks/africastalking/${route}${key === null ? '' : `?key=${key}`}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });

  /** Every screen seen, checked against the USSD limits. */
  const screens: string[] = [];

  /** A session of one person: `send('1')` adds an input the way the network does (`1*2*…`). */
  function dial(lang: Lang, phone: string = PHONES[lang]) {
    const sessionId = `ATUid_test_${++sessions}`;
    const inputs: string[] = [];
    const request = async (text: string) => {
      const res = await post('ussd', { ...FIRST, sessionId, phoneNumber: phone, text });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const body = await res.text();
      const m = /^(CON|END) ([\s\S]*)$/.exec(body);
      if (!m) throw new Error(`not a USSD answer: ${body}`);
      const screen = m[2];
      screens.push(screen);
      if (process.env.SHOW) console.log(`[${text}] ${m[1]}\n${screen}`);
      expect(screen.length).toBeLessThanOrEqual(USSD_MAX);
      expect(smsCost(screen).encoding).toBe('GSM-7');
      return { screen, end: m[1] === 'END' };
    };
    return {
      sessionId,
      start: () => request(''),
      send: async (...typed: string[]) => {
        inputs.push(...typed);
        return request(inputs.join('*'));
      },
      /** The last request again, as a network that repeats itself sends it. */
      again: () => request(inputs.join('*')),
    };
  }

  const reports = () =>
    store()
      .collection('reports')
      .find({}, { sort: { createdAt: 1 } });
  const outbound = () =>
    store()
      .collection('outbound')
      .find({}, { sort: { createdAt: 1 } });

  describe('recorded payloads', () => {
    it.each([
      {
        name: 'the first request of a session',
        params: FIRST,
        key: KEY as string | null,
        status: 200,
        body: /^CON Chimba\n1 /,
      },
      {
        name: 'a later request, inputs joined with *',
        params: LATER,
        key: KEY,
        status: 200,
        body: /^CON .*CDF/s,
      },
      {
        name: 'extra fields are ignored',
        params: { ...FIRST, foo: 'bar' },
        key: KEY,
        status: 200,
        body: /^CON /,
      },
      { name: 'no key in the URL', params: FIRST, key: null, status: 403, body: /key/ },
      { name: 'a wrong key', params: FIRST, key: 'callback-key-for-tests-XXXX', status: 403, body: /key/ },
      { name: 'no sessionId', params: { ...FIRST, sessionId: '' }, key: KEY, status: 400, body: /sessionId/ },
      {
        name: 'phoneNumber is not a number',
        params: { ...FIRST, phoneNumber: 'abc' },
        key: KEY,
        status: 400,
        body: /phoneNumber/,
      },
    ])('$name → $status', async ({ params, key, status, body }) => {
      const res = await post('ussd', params, key);
      expect(res.status).toBe(status);
      expect(await res.text()).toMatch(body);
      if (status !== 200) expect(await store().collection('ussdSessions').countDocuments({})).toBe(0);
    });

    it('the end-of-session notification is kept for the cost view, without the number or the inputs', async () => {
      await post('ussd', LATER);
      const res = await post('ussd/end', END);
      expect(res.status).toBe(200);
      const s = await store().collection('ussdSessions').findOne({ _id: END.sessionId });
      expect(s).toMatchObject({
        status: 'Incomplete',
        durationMs: 41230,
        hops: 4,
        costAmount: 0,
        costCurrency: 'KES',
        end: true,
      });
      expect(JSON.stringify(s)).not.toContain('990000001');
      expect((await post('ussd/end', { ...END, sessionId: '' })).status).toBe(400);
      expect((await post('ussd/end', END, null)).status).toBe(403);
      // a session the line never saw still has its cost recorded
      expect(
        (
          await post('ussd/end', {
            ...END,
            sessionId: 'ATUid_never_seen',
            status: 'Success',
            cost: 'KES 1.2500',
          })
        ).status,
      ).toBe(200);
      expect(await store().collection('ussdSessions').findOne({ _id: 'ATUid_never_seen' })).toMatchObject({
        costCurrency: 'KES',
        inputs: 0,
      });
      // the delivery figures count sessions, how they ended, and their cost
      const stats = await api(svc, 'GET', '/api/v1/stats/deliveries');
      expect(stats.body.ussd).toEqual({
        sessions: 2,
        byStatus: { Incomplete: 1, Success: 1 },
        reports: 0,
        cost: { KES: 1.25 },
      });
    });
  });

  describe.each(LANGS)('in %s', (lang) => {
    it('a price report: every question, the reading back, the reference on screen, no SMS unless asked', async () => {
      const s = dial(lang);
      const menu = await s.start();
      expect(menu.screen.split('\n')).toHaveLength(9);
      expect((await s.send('1')).screen).toMatch(/\n1 \S+/); // minerals
      expect((await s.send('1')).end).toBe(false); // gold → amount
      const unit = await s.send('250000');
      expect(unit.screen).toMatch(/G\b|g\b/);
      await s.send('1'); // accept the currency and unit → purity
      await s.send('99'); // skip purity → place
      const confirm = await s.send('99'); // skip place → confirm
      expect(confirm.screen).toMatch(/250.?000/);
      const saved = await s.send('1');
      expect(saved.end).toBe(false);
      const [report] = await reports();
      expect(report).toMatchObject({
        kind: 'price',
        channel: 'ussd',
        mineral: 'gold',
        amount: 250000,
        unit: 'g',
      });
      expect(saved.screen).toContain(report.reference);
      expect(await outbound()).toHaveLength(0);
      const sms = await s.send('1');
      expect(sms.end).toBe(true);
      const queued = await outbound();
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({ transport: 'africastalking', to: PHONES[lang] });
      expect(queued[0].text).toContain(report.reference);
      await waitUntil(async () => fake.requests.length === 1, 4000);
    });

    it('an anonymous incident: counts with 0 as an answer, on-call staff alerted, nothing ties it to the phone', async () => {
      const s = dial(lang);
      await s.start();
      await s.send('3'); // incident → type
      await s.send('1'); // collapse → injured
      const dead = await s.send('0'); // 0 injured is an answer here, not "back"
      expect(dead.end).toBe(false);
      await s.send('1'); // one dead → when
      await s.send('99'); // skip when → place
      await s.send('Kamituga'); // place → privacy
      const done = await s.send('2'); // anonymous
      expect(done.end).toBe(true);
      const [report] = await reports();
      expect(report).toMatchObject({
        kind: 'incident',
        channel: 'ussd',
        anonymous: true,
        injured: 0,
        dead: 1,
      });
      expect(report.contactId).toBeUndefined();
      expect(report.sourceKey).toBeUndefined();
      expect(done.screen).toContain(report.reference);
      const sent = await outbound();
      expect(sent.map((m) => m.to)).toEqual(['+243990009999']); // the on-call alert only
      const doc = await store().collection('ussdSessions').findOne({ _id: s.sessionId });
      expect(JSON.stringify(doc)).not.toMatch(new RegExp(PHONES[lang].slice(1)));
    });

    it('a problem report: a long list in pages (98), back (0) and the main menu (00)', async () => {
      const s = dial(lang);
      await s.start();
      const first = await s.send('2');
      expect(first.screen).toMatch(/\n98 /);
      const rest = await s.send('98');
      expect(rest.screen).toMatch(/^10 /m);
      expect(rest.screen).not.toMatch(/^1 /m);
      const description = await s.send('1'); // mercury
      const back = await s.send('0');
      expect(back.screen).toBe(first.screen);
      expect((await s.send('1')).screen).toBe(description.screen);
      await s.send('mercury in the river');
      await s.send('99'); // no place
      const saved = await s.send('1'); // confidential
      expect(saved.end).toBe(false); // the SMS offer
      expect(await reports()).toHaveLength(1);
      // back from the offer goes to the menu, never to the question that stored it
      const menu = await s.send('0');
      expect(menu.screen).toMatch(/^Chimba\n1 /);
      expect(await reports()).toHaveLength(1);
      const home = dial(lang);
      await home.start();
      await home.send('1', '2'); // price, tin
      expect((await home.send('00')).screen).toBe(menu.screen);
    });

    it('market price, profile and language', async () => {
      const market = dial(lang);
      await market.start();
      await market.send('4');
      const answer = await market.send('1');
      expect(answer.end).toBe(true);
      expect(answer.screen.length).toBeGreaterThan(10);

      const profile = dial(lang);
      await profile.start();
      await profile.send('7');
      await profile.send('1'); // miner
      await profile.send('Kamituga');
      await profile.send('99');
      const done = await profile.send('1');
      expect(done.end).toBe(true);
      const contact = await store().collection('contacts').findOne({ 'addresses.value': PHONES[lang] });
      expect(contact).toMatchObject({
        registration: 'complete',
        role: 'miner',
        site: 'Kamituga',
        minerals: ['gold'],
      });

      const language = dial(lang);
      await language.start();
      await language.send('8');
      const menu = await language.send(lang === 'en' ? '2' : '1'); // fr, or en
      expect(menu.screen).toMatch(/^Chimba\n1 /);
      expect(menu.end).toBe(false);
      const other = await store().collection('contacts').findOne({ 'addresses.value': PHONES[lang] });
      expect(other?.language).toBe(lang === 'en' ? 'fr' : 'en');
    });
  });

  it('a wrong answer says why and asks again; three in a row end the session', async () => {
    const s = dial('fr');
    await s.start();
    const q = await s.send('1', '1'); // gold → amount
    const wrong = await s.send('beaucoup');
    expect(wrong.end).toBe(false);
    expect(wrong.screen).toMatch(/chiffres/);
    expect(wrong.screen).toContain(q.screen.split('\n')[0]);
    await s.send('rien');
    const last = await s.send('zero');
    expect(last.end).toBe(true);
    expect(await reports()).toHaveLength(0);
    const menu = dial('fr');
    await menu.start();
    expect((await menu.send('9')).screen).toMatch(/numéro|numero/);
  });

  it('98 and 99 are answers where there is no more to show and nothing to skip: a price of 98 USD a gram', async () => {
    const s = dial('en');
    await s.start();
    await s.send('1', '1');
    const unit = await s.send('98');
    expect(unit.screen).toMatch(/per g\?/);
    await s.send('USD G');
    await s.send('99', '99');
    await s.send('1');
    expect(await reports()).toMatchObject([{ amount: 98, currency: 'USD', unit: 'g' }]);
  });

  it('a dropped session keeps nothing half-done; a repeated request changes nothing', async () => {
    const dropped = dial('sw');
    await dropped.start();
    await dropped.send('1', '1', '250000', '1', '99', '99'); // up to the confirmation, never sent
    expect(await reports()).toHaveLength(0);
    expect(await outbound()).toHaveLength(0);

    const s = dial('sw');
    await s.start();
    await s.send('1', '2', '90000', '1', '99');
    const saved = await s.send('1');
    const again = await s.again();
    expect(again).toEqual(saved);
    expect(await reports()).toHaveLength(1);
    // a text that does not continue the session is told to dial again
    const res = await post('ussd', { ...FIRST, sessionId: s.sessionId, phoneNumber: PHONES.sw, text: '4' });
    expect(await res.text()).toMatch(/^END /);
    expect(await reports()).toHaveLength(1);
  });

  it('status of a reference, and a poll answered from the menu', async () => {
    const r = dial('en');
    await r.start();
    await r.send('2', '2', 'children in the pit', '99');
    await r.send('1');
    const [report] = await reports();
    const s = dial('en');
    await s.start();
    await s.send('5');
    const status = await s.send(report.reference.replace('-', ''));
    expect(status).toEqual({ screen: expect.stringContaining(report.reference), end: true });

    const none = dial('en');
    await none.start();
    expect(await none.send('6')).toEqual({ screen: expect.stringMatching(/no open poll/), end: true });

    const created = await api(svc, 'POST', '/api/v1/polls', {
      question: { en: 'Is the road to the market open?' },
      options: [{ en: 'Yes' }, { en: 'No' }, { en: 'Sometimes' }],
      audience: {},
    });
    expect(created.status).toBe(201);
    await svc.service.scheduler.runNow('broadcasts');
    await waitUntil(async () => (await outbound()).some((m) => m.broadcastId), 4000);
    const p = dial('en');
    await p.start();
    const poll = await p.send('6');
    expect(poll.screen).toMatch(/road to the market[\s\S]*\n3 Sometimes/);
    const thanks = await p.send('3');
    expect(thanks).toEqual({ screen: expect.stringMatching(/Sometimes/), end: true });
    const answers = await store().collection('pollAnswers').find({});
    expect(answers).toMatchObject([{ option: 3, channel: 'ussd' }]);
  });

  it('the simulator drives a USSD session the same way', async () => {
    const step = async (text: string) => {
      const res = await fetch(`${svc.url}/simulator/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: PHONES.fr, channel: 'ussd', sessionId: 'try-1', text }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { screen: string; end: boolean };
    };
    expect((await step('')).screen).toMatch(/^Chimba\n1 Signaler un prix/);
    await step('1');
    await step('1*3');
    await step('1*3*45000');
    await step('1*3*45000*1');
    const saved = await step('1*3*45000*1*99*1');
    expect(saved.screen).toMatch(/Réf|Ref/);
    const [report] = await reports();
    expect(report).toMatchObject({ mineral: 'coltan', amount: 45000, channel: 'ussd' });
    const bad = await fetch(`${svc.url}/simulator/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: PHONES.fr, channel: 'ussd', text: '' }),
    });
    expect(bad.status).toBe(400);
  });
});
