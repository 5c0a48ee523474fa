import { CollectionName, SCHEMAS } from '../../src/models';
import { FakeTelegram } from '../helpers/fakeTelegram';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, TestService, startService } from '../helpers/service';
import { signTwilio } from '../helpers/twilioWebhook';

/* eslint-disable @typescript-eslint/no-explicit-any */

const TG = {
  TELEGRAM_BOT_TOKEN: '7000000001:AAFakeTokenForTestsOnly_0123456789',
  TELEGRAM_WEBHOOK_SECRET: 'telegram-secret-for-tests-0123',
};
const TOTAL = 10_000;
/** The API routes that create something. */
const API_POSTS = [
  '/api/v1/broadcasts',
  '/api/v1/polls',
  '/api/v1/surveys',
  '/api/v1/credentials',
  '/api/v1/prices/reference',
  '/api/v1/stats/conversions',
];

/** Seeded, so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}
const rand = rng(2026);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const int = (n: number) => Math.floor(rand() * n);

const KEYS = [
  'text',
  'audience',
  'priority',
  'sendAt',
  'question',
  'options',
  'closesAt',
  'title',
  'questions',
  'from',
  'channel',
  'tap',
  'location',
  'name',
  'role',
  'mineral',
  'amount',
  'currency',
  'unit',
  'factor',
  'validFrom',
  'to',
  'state',
  'notify',
  'reply',
  'note',
  'assignee',
  'en',
  'fr',
  'sw',
  'regions',
  'update_id',
  'message',
  'chat',
  'id',
  'callback_query',
  '__proto__',
  'constructor',
  'prototype',
  '$gt',
  '$ne',
  '$where',
  '$regex',
  'From',
  'Body',
  'MessageSid',
  'MessageStatus',
  'token',
  'language',
  '_csrf',
];
const STRINGS = [
  '',
  ' ',
  'PRICE GOLD 250000 CDF G',
  'PRIX OR 255000 FC G',
  'STOP',
  'HELP',
  '⛏️💰🪨',
  'الذهب ٢٥٠٠٠٠ فرنك',
  'עברית ‏ימין‎',
  '\u0000\u0001\u0007',
  '\u202e\u2066evil',
  'Ω≈ç√∫',
  "'; DROP TABLE reports; --",
  '{"$gt": ""}',
  '<script>alert(1)</script>',
  '=HYPERLINK("x")',
  '../../etc/passwd',
  '%00',
  '+243990000001',
  'x'.repeat(2000),
  'é'.repeat(300),
  '\ud800',
  'NaN',
  '1e309',
  '-0',
  'null',
  'true',
];

function value(depth = 0): any {
  const r = rand();
  if (depth > 4 || r < 0.3) return pick(STRINGS);
  if (r < 0.4) return pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 1, 42]);
  if (r < 0.45) return pick([true, false, null]);
  if (r < 0.55) return { [pick(['$gt', '$ne', '$in', '$where', '$regex'])]: pick(['', [], 'a', 1]) };
  if (r < 0.7) return Array.from({ length: int(4) }, () => value(depth + 1));
  const o: Record<string, any> = {};
  for (let i = int(6); i >= 0; i--) o[pick(KEYS)] = value(depth + 1);
  return o;
}

/** A path segment; a lone surrogate becomes a malformed escape, which is worth sending too. */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80';
  }
}

/** A JSON text built by hand, so `__proto__` stays a key on the wire. */
function jsonText(v: any): string {
  if (v && typeof v === 'object' && !Array.isArray(v))
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${jsonText(v[k])}`)
      .join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(jsonText).join(',')}]`;
  return JSON.stringify(v) ?? 'null';
}

const DEEP_ARRAY = '['.repeat(20_000) + ']'.repeat(20_000);
const DEEP_OBJECT = '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000);
const ONE_MB = 'x'.repeat(1024 * 1024);

function weirdBody(): Buffer | string {
  const r = rand();
  if (r < 0.15)
    return Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1, 0xf0, 0x28, 0x8c, 0xbc, 0xff, 0xfe]);
  if (r < 0.2) return DEEP_ARRAY;
  if (r < 0.25) return DEEP_OBJECT;
  if (r < 0.26) return ONE_MB;
  if (r < 0.36)
    return '{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}}';
  if (r < 0.6) return pick(STRINGS);
  return jsonText(value());
}

function form(): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = int(6); i >= 0; i--) {
    const k = pick([...KEYS, 'From[$ne]', 'Body[$gt]', '__proto__[polluted]', 'constructor[prototype][x]']);
    o[k] = pick(STRINGS);
  }
  return o;
}

interface Req {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
}

describe(`fuzzing every webhook and API route with ${TOTAL.toLocaleString('en')} generated requests`, () => {
  let bot: FakeTelegram;
  let svc: TestService;
  let cookie = '';
  let csrf = '';
  beforeAll(async () => {
    bot = await new FakeTelegram().start();
    svc = await startService(
      // the per-token API limit would answer most of the fuzz with 429s: it is tested in abuse.test.ts
      {
        ...TEST_TWILIO,
        ...TG,
        TELEGRAM_API_ROOT: bot.url,
        LOG_LEVEL: 'warn',
        API_RATE_PER_MINUTE: '1000000',
        INBOUND_GLOBAL_PER_MINUTE: '1000000',
      },
      { telegramPerChatMs: 0 },
    );
    const login = await fetch(`${svc.url}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
    const page = await (await fetch(`${svc.url}/dashboard`, { headers: { cookie } })).text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
  });
  afterAll(async () => {
    await svc.stop();
    await bot.stop();
  });

  const json = { 'content-type': 'application/json' };
  const auth = { ...json, authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
  const formType = { 'content-type': 'application/x-www-form-urlencoded' };

  /** One generated request for a route chosen at random. */
  function generate(i: number): Req {
    const r = rand();
    const fuzzForm = () => new URLSearchParams(form()).toString();
    if (r < 0.05) {
      // signed by Twilio, with fuzzed content: the signature is right, the fields are not
      const params = form();
      if (rand() < 0.5)
        Object.assign(params, {
          MessageSid: `SM${String(i).padStart(32, '0')}`,
          AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
          From: pick(['+243990000777', '+2439', 'abc', '']),
          Body: pick(STRINGS),
        });
      return {
        method: 'POST',
        path: '/webhooks/twilio/sms',
        headers: { ...formType, 'x-twilio-signature': signTwilio('/webhooks/twilio/sms', params) },
        body: new URLSearchParams(params).toString(),
      };
    }
    if (r < 0.2)
      return {
        method: 'POST',
        path: pick(['/webhooks/twilio/sms', '/webhooks/twilio/status']),
        headers: { ...formType, 'x-twilio-signature': pick(['', 'abc', 'x'.repeat(28) + '=']) },
        body: rand() < 0.5 ? fuzzForm() : weirdBody(),
      };
    if (r < 0.32)
      return {
        method: 'POST',
        path: '/webhooks/telegram',
        headers: {
          ...json,
          'x-telegram-bot-api-secret-token': rand() < 0.8 ? TG.TELEGRAM_WEBHOOK_SECRET : 'wrong',
        },
        body:
          rand() < 0.3
            ? weirdBody()
            : jsonText({ update_id: int(1e9), ...(rand() < 0.5 ? { message: value() } : value()) }),
      };
    if (r < 0.35)
      return {
        method: 'POST',
        path: '/simulator/messages',
        headers: json,
        body:
          rand() < 0.5
            ? weirdBody()
            : jsonText({
                from: pick(['+243990000778', '5123456789', pick(STRINGS)]),
                text: pick(STRINGS),
                channel: pick(['sms', 'telegram', 'fax']),
                ...(rand() < 0.5 ? value() : {}),
              }),
      };
    if (r < 0.75) {
      const path = pick([...API_POSTS, '/api/v1/broadcasts/preview', '/api/v1/broadcasts/x/cancel']);
      return { method: 'POST', path, headers: rand() < 0.9 ? auth : json, body: weirdBody() };
    }
    if (r < 0.85) {
      const q = new URLSearchParams(form()).toString();
      const path = pick([
        '/api/v1/reports',
        '/api/v1/stats/prices',
        '/api/v1/stats/reports',
        '/api/v1/stats/deliveries',
        '/api/v1/exports/reports.json',
        '/api/v1/polls/x/results',
        '/api/v1/broadcasts/' + enc(pick(STRINGS)),
        '/api/v1/audit',
        '/api/v1/stats/prices/table',
      ]);
      return { method: 'GET', path: `${path}?${q}`, headers: auth };
    }
    if (r < 0.9)
      return {
        method: 'PATCH',
        path: `/api/v1/reports/${enc(pick(STRINGS) || 'x')}`,
        headers: auth,
        body: weirdBody(),
      };
    if (r < 0.95)
      return {
        method: 'POST',
        path: '/dashboard/broadcasts/preview',
        headers: { ...formType, cookie, 'x-csrf-token': rand() < 0.8 ? csrf : 'x' },
        body: rand() < 0.5 ? fuzzForm() : weirdBody(),
      };
    return {
      method: 'POST',
      path: pick(['/dashboard/login', '/dashboard/reports/x', '/dashboard/broadcasts']),
      headers: { ...formType, cookie },
      body: rand() < 0.5 ? fuzzForm() : weirdBody(),
    };
  }

  async function send(req: Req) {
    const res = await fetch(svc.url + req.path, {
      method: req.method,
      headers: req.headers,
      body: req.body as any,
      redirect: 'manual',
    });
    const text = await res.text();
    return { status: res.status, text };
  }

  async function counts() {
    const out: Record<string, number> = {};
    for (const name of Object.keys(SCHEMAS) as CollectionName[])
      out[name] = await svc.service.store.collection(name).countDocuments({});
    return out;
  }

  test('requests that are wrong get a 4xx and store nothing', async () => {
    const before = await counts();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const path = pick(API_POSTS);
      const body =
        rand() < 0.5 ? weirdBody() : jsonText({ [pick(KEYS)]: { $gt: '' }, __proto__: { polluted: 'yes' } });
      const { status } = await send({ method: 'POST', path, headers: auth, body });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect({ path, status: status >= 400 && status < 500 }).toEqual({ path, status: true });
    }
    for (let i = 0; i < 100; i++) {
      const params = form();
      const { status } = await send({
        method: 'POST',
        path: '/webhooks/twilio/sms',
        headers: { ...formType, 'x-twilio-signature': 'forged' },
        body: new URLSearchParams(params).toString(),
      });
      expect(status).toBe(403);
    }
    expect(await counts()).toEqual(before);
    expect([...statuses.keys()].every((s) => [400, 413].includes(s))).toBe(true);
  }, 60_000);

  test('no request crashes the service, none gets a 5xx, nothing pollutes prototypes', async () => {
    const failures: { req: string; status: number; text: string }[] = [];
    const seen = new Map<string, number>();
    let next = 0;
    const worker = async () => {
      while (next < TOTAL) {
        const i = next++;
        const req = generate(i);
        const { status, text } = await send(req);
        const key = `${req.method} ${req.path.split('?')[0]} ${status}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (status >= 500)
          failures.push({
            req: `${req.method} ${req.path.slice(0, 80)} ${String(req.body ?? '').slice(0, 120)}`,
            status,
            text: text.slice(0, 200),
          });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    expect(failures).toEqual([]);
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).x).toBeUndefined();
    // every route was reached, and the wrong ones were told so
    const total = [...seen.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(TOTAL);
    const fourxx = [...seen].filter(([k]) => / 4\d\d$/.test(k)).reduce((a, [, n]) => a + n, 0);
    expect(fourxx).toBeGreaterThan(TOTAL / 2);
  }, 240_000);
});
