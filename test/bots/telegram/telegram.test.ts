import fs from 'node:fs';
import path from 'node:path';
import { BUILTIN_FLOWS } from '../../../src/flows/definitions';
import { renderTelegram, splitText } from '../../../src/i18n/render';
import { FakeTelegram } from '../../helpers/fakeTelegram';
import { TestService, api, startService } from '../../helpers/service';
import { waitUntil } from '../../helpers/wait';

const FIXTURES = path.join(__dirname, '../../../src/bots/telegram/fixtures');
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));

const TOKEN = '7000000001:AAFakeTokenForTestsOnly_0123456789';
const SECRET = 'telegram-secret-for-tests-0123';
const CHAT = 5123456789;

let updateId = 900000000;
/** A private text message from the chat, as Telegram delivers it. */
function message(text: string, chat = CHAT, extra: Record<string, unknown> = {}) {
  return {
    update_id: ++updateId,
    message: {
      message_id: updateId,
      from: { id: chat, is_bot: false, first_name: 'Amani' },
      chat: { id: chat, first_name: 'Amani', type: 'private' },
      date: 1795759262,
      text,
      ...extra,
    },
  };
}
function tap(data: string, chat = CHAT) {
  return {
    update_id: ++updateId,
    callback_query: {
      id: `cb${updateId}`,
      from: { id: chat, is_bot: false, first_name: 'Amani' },
      message: { message_id: 1, chat: { id: chat, type: 'private' }, date: 1795759262, text: '…' },
      chat_instance: '-1',
      data,
    },
  };
}
function location(lat: number, lon: number, chat = CHAT) {
  const m = message('', chat);
  delete (m.message as Record<string, unknown>).text;
  return { ...m, message: { ...m.message, location: { latitude: lat, longitude: lon } } };
}

describe('Telegram channel, through the real webhook route, against a fake Bot API', () => {
  let bot: FakeTelegram;
  let svc: TestService;

  beforeEach(async () => {
    bot = await new FakeTelegram().start();
    svc = await startService(
      {
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: bot.url,
        PUBLIC_BASE_URL: 'https://chimba.test',
      },
      { telegramPerChatMs: 0 },
    );
  });
  afterEach(async () => {
    await svc.stop();
    await bot.stop();
  });

  async function post(update: unknown, secret: string | null = SECRET, raw?: string) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (secret !== null) headers['x-telegram-bot-api-secret-token'] = secret;
    return fetch(`${svc.url}/webhooks/telegram`, {
      method: 'POST',
      headers,
      body: raw ?? JSON.stringify(update),
    });
  }
  const sent = () => bot.of('sendMessage');
  const store = () => svc.service.store;
  // handling follows the webhook's answer: wait for it, then a moment for the outbox
  const settle = async () => {
    await svc.service.inbox.settle();
    await new Promise((r) => setTimeout(r, 100));
  };

  test('at start the webhook is set with its secret', async () => {
    expect(bot.of('setWebhook')).toEqual([
      expect.objectContaining({ url: 'https://chimba.test/webhooks/telegram', secret_token: SECRET }),
    ]);
  });

  describe('recorded updates', () => {
    const table: {
      name: string;
      update: () => unknown;
      secret?: string | null;
      raw?: string;
      status: number;
      logged: number;
      expect: (calls: {
        sendMessage: Record<string, unknown>[];
        answerCallbackQuery: Record<string, unknown>[];
      }) => void;
    }[] = [
      {
        name: 'a one-message price report in Swahili',
        update: () => fixture('telegram-update-message.json'),
        status: 200,
        logged: 1,
        expect: ({ sendMessage }) => {
          expect(sendMessage).toEqual([
            expect.objectContaining({
              chat_id: '5123456789',
              text: expect.stringMatching(
                /^Imehifadhiwa: Dhahabu 280,000 TZS\/g\. Kumb P-[0-9A-Z]{5}\. Asante!/,
              ),
            }),
          ]);
        },
      },
      {
        name: '/start with a site payload: the welcome, with language buttons',
        update: () => fixture('telegram-update-start-payload.json'),
        status: 200,
        logged: 1,
        expect: ({ sendMessage }) => {
          expect(sendMessage).toHaveLength(1);
          expect(sendMessage[0]).toMatchObject({
            chat_id: '5123456790',
            text: expect.stringMatching(/^Bienvenue sur Chimba, la ligne des creuseurs artisanaux\./),
            reply_markup: {
              inline_keyboard: [
                [
                  { text: 'English', callback_data: 'c:welcome:language:en' },
                  { text: 'Français', callback_data: 'c:welcome:language:fr' },
                ],
                [
                  { text: 'Kiswahili', callback_data: 'c:welcome:language:sw' },
                  { text: 'Español', callback_data: 'c:welcome:language:es' },
                ],
                [{ text: 'Português', callback_data: 'c:welcome:language:pt' }],
              ],
            },
          });
        },
      },
      {
        name: 'a tap on a button of a question no longer open: acknowledged, nothing sent',
        update: () => fixture('telegram-update-callback-query.json'),
        status: 200,
        logged: 1,
        expect: ({ sendMessage, answerCallbackQuery }) => {
          expect(sendMessage).toEqual([]);
          expect(answerCallbackQuery).toEqual([
            expect.objectContaining({ callback_query_id: '4382bfdwdsb323b2d9' }),
          ]);
        },
      },
      {
        name: 'a shared location with no question open',
        update: () => fixture('telegram-update-location.json'),
        status: 200,
        logged: 1,
        expect: ({ sendMessage }) =>
          expect(sendMessage).toEqual([
            expect.objectContaining({ text: expect.stringMatching(/^Sorry, I did not understand/) }),
          ]),
      },
      {
        name: 'an edited message',
        update: () => fixture('telegram-update-edited-message.json'),
        status: 200,
        logged: 0,
        expect: ({ sendMessage }) => expect(sendMessage).toEqual([]),
      },
      {
        name: 'an unknown update type',
        update: () => fixture('telegram-update-unknown-type.json'),
        status: 200,
        logged: 0,
        expect: ({ sendMessage }) => expect(sendMessage).toEqual([]),
      },
      {
        name: 'a message in a group chat',
        update: () => fixture('telegram-update-group-message.json'),
        status: 200,
        logged: 0,
        expect: ({ sendMessage }) => expect(sendMessage).toEqual([]),
      },
      {
        name: 'bad JSON',
        update: () => null,
        raw: '{"update_id": 1, "message": ',
        status: 400,
        logged: 0,
        expect: ({ sendMessage }) => expect(sendMessage).toEqual([]),
      },
      {
        name: 'no update_id',
        update: () => ({ message: { text: 'hi' } }),
        status: 400,
        logged: 0,
        expect: ({ sendMessage }) => expect(sendMessage).toEqual([]),
      },
      {
        name: 'no secret header',
        update: () => fixture('telegram-update-message.json'),
        secret: null,
        status: 401,
        logged: 0,
        expect: ({ sendMessage }) => expect(sendMessage).toEqual([]),
      },
      {
        name: 'a wrong secret',
        update: () => fixture('telegram-update-message.json'),
        secret: 'not-the-secret-0123456789',
        status: 403,
        logged: 0,
        expect: ({ sendMessage }) => expect(sendMessage).toEqual([]),
      },
    ];
    test.each(table)('$name → $status', async (row) => {
      const res = await post(row.update(), row.secret === undefined ? SECRET : row.secret, row.raw);
      expect(res.status).toBe(row.status);
      await settle();
      expect(await store().collection('inbound').countDocuments()).toBe(row.logged);
      row.expect({ sendMessage: sent(), answerCallbackQuery: bot.of('answerCallbackQuery') });
    });
  });

  test('/start with a payload pre-fills the site of the mine the QR code was printed for, and it is not asked', async () => {
    const start = fixture('telegram-update-start-payload.json') as { message: { from: { id: number } } };
    await post(start);
    await settle();
    const contact = await store().collection('contacts').findOne({ 'addresses.key': 'telegram:5123456790' });
    expect(contact!.site).toBe('KAM042');
    await post(tap('c:welcome:language:en', start.message.from.id));
    await post(tap('c:registration:role:miner', start.message.from.id));
    await bot.waitFor('sendMessage', 3);
    // after the role, the region: the site came from the QR code
    expect(sent()[2].text).toMatch(/region/i);
    await settle();
    const session = await store().collection('sessions').findOne({ _id: contact!._id });
    expect(session).toMatchObject({ stepId: 'region', answers: { site: 'KAM042', role: 'miner' } });
  });

  test('a redelivered update_id changes nothing', async () => {
    const u = fixture('telegram-update-message.json');
    expect((await post(u)).status).toBe(200);
    expect((await post(u)).status).toBe(200);
    await bot.waitFor('sendMessage', 1);
    await settle();
    expect(sent()).toHaveLength(1);
    expect(await store().collection('reports').countDocuments()).toBe(1);
  });

  test('a full price report done by tapping buttons and sharing a location', async () => {
    await post(message('/start'));
    await post(tap('c:welcome:language:sw'));
    await post(tap('c:registration:role:miner'));
    await post(message('Nyakavangala'));
    await post(message('0'));
    await post(tap('c:registration:minerals:gold'));
    await post(message('BEI'));
    await bot.waitFor('sendMessage', 7);
    const menu = sent()[6];
    expect(menu.text).toBe('Ripoti ya bei. Madini gani?');
    expect((menu.reply_markup as { inline_keyboard: unknown[][] }).inline_keyboard[0]).toEqual([
      { text: 'Dhahabu', callback_data: 'c:price:mineral:gold' },
      { text: 'Bati', callback_data: 'c:price:mineral:tin' },
    ]);
    await post(tap('c:price:mineral:gold'));
    await post(message('280,000'));
    await post(message('TSH G'));
    await post(message('0'));
    await post(location(-2.5164, 32.9175));
    await bot.waitFor('sendMessage', 12);
    expect(sent()[11]).toMatchObject({
      text: 'Dhahabu 280,000 TZS/g. Ni sahihi?',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Ndiyo', callback_data: 'c:price:confirm:1' },
            { text: 'Hapana', callback_data: 'c:price:confirm:2' },
          ],
        ],
      },
    });
    await post(tap('c:price:confirm:1'));
    await bot.waitFor('sendMessage', 13);
    expect(sent()[12].text).toMatch(/^Imehifadhiwa: Dhahabu 280,000 TZS\/g\. Kumb P-[0-9A-Z]{5}\. Asante!$/);
    expect(bot.of('answerCallbackQuery')).toHaveLength(5);
    const report = await store().collection('reports').findOne({ kind: 'price' });
    expect(report).toMatchObject({
      channel: 'telegram',
      mineral: 'gold',
      amount: 280000,
      unit: 'g',
      placeOfSale: '-2.52,32.92',
      site: 'Nyakavangala',
    });
  });

  test('an anonymous incident reported by tapping buttons', async () => {
    await post(message('INCIDENT'));
    await post(tap('c:incident:type:collapse'));
    await post(message('2'));
    await post(message('0'));
    await post(message('0'));
    await post(message('Pit 4'));
    await post(tap('c:incident:privacy:anonymous'));
    await bot.waitFor('sendMessage', 7);
    expect(sent()[6].text).toMatch(/^Thank you, saved anonymously\. Ref C-[0-9A-Z]{5}\./);
    const report = await store().collection('reports').findOne({ kind: 'incident' });
    expect(report).toMatchObject({
      anonymous: true,
      incidentType: 'collapse',
      injured: 2,
      dead: 0,
      place: 'Pit 4',
    });
    expect(report).not.toHaveProperty('contactId');
    const inbound = await store().collection('inbound').find({});
    expect(inbound.every((i) => i.text === '' && !i.extra)).toBe(true);
  });

  test('typed answers keep working where buttons are shown', async () => {
    await post(message('PRICE'));
    await post(message('Tin'));
    await bot.waitFor('sendMessage', 2);
    expect(sent()[1].text).toBe('Tin: what price were you paid? Write the amount, e.g. 250000');
  });

  test('a user who blocked the bot is opted out and gets no bulk message', async () => {
    await post(message('hello'));
    await bot.waitFor('sendMessage', 1);
    expect((await post(fixture('telegram-update-my-chat-member-blocked.json'))).status).toBe(200);
    const contact = (await store()
      .collection('contacts')
      .findOne({ 'addresses.key': `telegram:${CHAT}` }))!;
    expect(contact.optedOut).toBe(true);
    const bulk = await store()
      .collection('outbound')
      .insertOne({
        channel: 'telegram',
        transport: 'telegram',
        to: String(CHAT),
        contactId: contact._id,
        text: 'Meeting Friday',
        priority: 2,
      });
    svc.service.outbox.notify();
    for (
      let i = 0;
      // until the worker has decided (queued, then claimed as sending, then dead)
      i < 300 &&
      ['queued', 'sending'].includes(
        (await store().collection('outbound').findOne({ _id: bulk._id }))!.status,
      );
      i++
    ) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await store().collection('outbound').findOne({ _id: bulk._id })).toMatchObject({
      status: 'dead',
      errorCode: 'opted_out',
    });
    expect(sent()).toHaveLength(1);
  });

  test('tapping a poll option answers the poll, and the answer is counted', async () => {
    await post(message('hello'));
    await bot.waitFor('sendMessage', 1);
    const contact = (await store()
      .collection('contacts')
      .findOne({ 'addresses.key': `telegram:${CHAT}` }))!;
    await store()
      .collection('contacts')
      .updateOne({ _id: contact._id }, { $set: { language: 'en', role: 'community_leader' } });
    const created = await api(svc, 'POST', '/api/v1/polls', {
      question: { en: 'Should Chimba send gold prices every week?' },
      options: [{ en: 'Yes' }, { en: 'No' }],
      audience: { roles: ['community_leader'] },
    });
    expect(created.status).toBe(201);
    await svc.service.scheduler.runNow('broadcasts');
    await bot.waitFor('sendMessage', 2);
    const markup = sent()[1].reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    const [yes] = markup.inline_keyboard[0];
    expect(yes).toEqual({ text: 'Yes', callback_data: `p:${created.body.id}:1` });

    expect((await post(tap(yes.callback_data))).status).toBe(200);
    await bot.waitFor('sendMessage', 3);
    expect(sent()[2].text).toMatch(/^Thank you, your answer: Yes\./);
    const results = await api(svc, 'GET', `/api/v1/polls/${created.body.id}/results`);
    expect(results.body.options).toEqual([
      expect.objectContaining({ option: 1, count: 1 }),
      expect.objectContaining({ option: 2, count: 0 }),
    ]);
    // a button Chimba did not write is ignored
    expect((await post(tap('x:unknown'))).status).toBe(200);
  });

  test('403 "bot was blocked by the user" on send opts the contact out; 429 waits retry_after, then sends', async () => {
    // the recorded 429, with a shorter wait
    bot.failNext('sendMessage', 429, {
      ...fixture('telegram-error-too-many-requests.json'),
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    const t0 = Date.now();
    await post(message('HELP'));
    await bot.waitFor('sendMessage', 2, 15_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    // the Bot API has it; our record of the answer follows a moment later
    await waitUntil(async () => (await store().collection('outbound').findOne({}))?.status === 'delivered');
    const first = await store().collection('outbound').findOne({});
    expect(first).toMatchObject({ status: 'delivered', attempts: 2 });

    bot.failNext('sendMessage', 403, fixture('telegram-error-blocked.json'));
    await post(message('MENU'));
    await bot.waitFor('sendMessage', 3);
    await settle();
    const contact = await store().collection('contacts').findOne({});
    expect(contact!.optedOut).toBe(true);
    expect(await store().collection('outbound').findOne({ errorCode: 'contact_stopped' })).toMatchObject({
      status: 'dead',
    });
  });

  test('LINK joins an SMS contact and a Telegram contact into one, with both addresses and all reports', async () => {
    const [smsReply] = await svc.say('+255712000099', 'BEI DHAHABU 150000 TSH GRAMU');
    expect(smsReply).toMatch(/^Imehifadhiwa/);
    const [code] = await svc.say('+255712000099', 'UNGANISHA');
    const six = /(\d{6})/.exec(code)![1];
    expect(code).toBe(
      `Namba yako ya siri: ${six}. Ndani ya dakika 10, tuma UNGANISHA ${six} kutoka simu yako nyingine au Telegram.`,
    );

    await post(message('INCIDENT COLLAPSE 0 0 Geita'));
    await post(message(`/link ${six}`));
    await bot.waitFor('sendMessage', 2);
    expect(sent()[1].text).toBe(
      'Imekamilika: SMS na Telegram zako sasa ni wasifu mmoja. Ripoti na lugha yako zimebaki.',
    );

    const contacts = await store().collection('contacts').find({});
    expect(contacts).toHaveLength(1);
    expect(contacts[0].addresses.map((a) => a.key).sort()).toEqual([`sms:+255712000099`, `telegram:${CHAT}`]);
    expect(contacts[0].language).toBe('sw');
    const reports = await store().collection('reports').find({});
    expect(reports.map((r) => r.contactId)).toEqual([contacts[0]._id, contacts[0]._id]);

    // STOP on one channel stops bulk on both
    await post(message('STOP'));
    await settle();
    expect((await store().collection('contacts').findOne({}))!.optedOut).toBe(true);
  });

  test('wrong link codes are refused, and after five the contact must wait', async () => {
    for (let i = 0; i < 5; i++) await post(message('LINK 000000'));
    await post(message('LINK 000001'));
    await bot.waitFor('sendMessage', 6);
    expect(sent()[0].text).toBe(
      'That code is wrong or too old. Send LINK on your other phone or Telegram to get a new one.',
    );
    expect(sent()[5].text).toBe('Too many wrong codes. Please try again in an hour.');
  });

  test('Telegram gets richer wording from the same keys', async () => {
    await post(message('HELP'));
    await bot.waitFor('sendMessage', 1);
    expect(sent()[0].text).toMatch(/^Chimba — what you can send:\n• PRICE GOLD 250000 CDF G/);
  });
});

describe('Telegram rendering', () => {
  test('texts longer than 4096 characters are split at line breaks, buttons on the last part', () => {
    const text = Array.from({ length: 300 }, (_, i) => `line ${i} ${'x'.repeat(20)}`).join('\n');
    const parts = renderTelegram({ text, options: ['Yes', 'No'], optionData: ['c:a:b:1', 'c:a:b:2'] });
    expect(parts.length).toBe(3);
    expect(parts.every((p) => p.text.length <= 4096)).toBe(true);
    expect(parts.map((p) => p.text).join('\n')).toBe(text);
    expect(parts[0].buttons).toBeUndefined();
    expect(parts[2].buttons).toEqual([
      [
        { text: 'Yes', data: 'c:a:b:1' },
        { text: 'No', data: 'c:a:b:2' },
      ],
    ]);
    expect(splitText('short')).toEqual(['short']);
  });

  test('callback data stays within 64 bytes', () => {
    for (const flow of Object.values(BUILTIN_FLOWS)) {
      for (const step of flow.steps) {
        if (step.type !== 'ask') continue;
        for (const o of step.options ?? ['1', '2'])
          expect(Buffer.byteLength(`c:${flow.id}:${step.id}:${o}`)).toBeLessThanOrEqual(64);
      }
    }
  });
});

describe('Telegram long polling', () => {
  test('updates are fetched, logged, handled, and confirmed by the next offset', async () => {
    const bot = await new FakeTelegram().start();
    const svc = await startService(
      { TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_MODE: 'polling', TELEGRAM_API_ROOT: bot.url },
      { telegramPerChatMs: 0, telegramPollSeconds: 1 },
    );
    try {
      bot.queueUpdate(message('PRICE GOLD 4000 GHS G', 777));
      await bot.waitFor('sendMessage', 1);
      expect(bot.of('sendMessage')[0]).toMatchObject({
        chat_id: '777',
        text: expect.stringMatching(/^Saved: Gold 4,000 GHS\/g/),
      });
      const offsets = bot.of('getUpdates').map((c) => Number(c.offset));
      for (let i = 0; i < 50 && !bot.of('getUpdates').some((c) => Number(c.offset) === updateId + 1); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(offsets[0]).toBe(0);
      expect(bot.of('getUpdates').some((c) => Number(c.offset) === updateId + 1)).toBe(true);
      expect(bot.of('deleteWebhook')).toHaveLength(1);
      expect(await svc.service.store.collection('inbound').countDocuments()).toBe(1);
    } finally {
      await svc.stop();
      await bot.stop();
    }
  });
});
