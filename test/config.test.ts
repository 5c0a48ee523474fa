import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, loadConfig } from '../src/config';

/** A Twilio account's settings (test values, not secrets). */
const twilio = {
  TWILIO_ACCOUNT_SID: 'AC' + '0'.repeat(32),
  TWILIO_AUTH_TOKEN: 't'.repeat(32),
  TWILIO_FROM_NUMBER: '+15005550006',
  PUBLIC_BASE_URL: 'https://chimba.example.org',
};

describe('settings', () => {
  test('with no settings at all, Chimba runs on the embedded store with the simulator on and SMS off', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      mongodbUri: undefined,
      defaultLanguage: 'en',
      defaultCurrency: 'USD',
      simulatorEnabled: true,
      twilio: undefined,
      twilioMps: 1,
      smsFoldGsm: true,
    });
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.twilioOffReason).toMatch(/TWILIO_ACCOUNT_SID/);
  });

  test('the simulator is off in production unless asked for, and production needs a pseudonym secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/PSEUDONYM_SECRET/);
    const prod = loadConfig({ NODE_ENV: 'production', PSEUDONYM_SECRET: 'x'.repeat(32) });
    expect(prod.simulatorEnabled).toBe(false);
    expect(
      loadConfig({ NODE_ENV: 'production', PSEUDONYM_SECRET: 'x'.repeat(32), SIMULATOR_ENABLED: 'true' })
        .simulatorEnabled,
    ).toBe(true);
  });

  const bad: [Record<string, string>, string, RegExp][] = [
    [{ PORT: 'abc' }, 'PORT', /whole number/],
    [{ PORT: '70000' }, 'PORT', /<= 65535/],
    [{ TWILIO_MPS: '0' }, 'TWILIO_MPS', />= 0.01/],
    [{ DEFAULT_LANGUAGE: 'de' }, 'DEFAULT_LANGUAGE', /one of en, fr, sw, es, pt/],
    [{ DEFAULT_CURRENCY: 'francs' }, 'DEFAULT_CURRENCY', /ISO 4217/],
    [{ MONGODB_URI: 'localhost:27017' }, 'MONGODB_URI', /mongodb:\/\//],
    [{ PUBLIC_BASE_URL: 'chimba.org' }, 'PUBLIC_BASE_URL', /http/],
    [{ SMS_FOLD_GSM: 'maybe' }, 'SMS_FOLD_GSM', /true or false/],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN', /16 characters/],
    [{ DIGEST_CRON: 'every monday' }, 'DIGEST_CRON', /cron expression/],
    [{ RETENTION_DAYS: '0' }, 'RETENTION_DAYS', />= 1/],
    [{ INBOUND_PER_SENDER_PER_HOUR: '-3' }, 'INBOUND_PER_SENDER_PER_HOUR', />= 1/],
    [{ ONCALL_SMS: '+243990000001, 0812345678' }, 'ONCALL_SMS', /E\.164/],
    [{ TWILIO_ACCOUNT_SID: 'AC123' }, 'TWILIO_ACCOUNT_SID', /32 hex/],
    [{ TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32) }, 'TWILIO_AUTH_TOKEN', /required/],
    [
      {
        TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32),
        TWILIO_AUTH_TOKEN: 'tok',
        PUBLIC_BASE_URL: 'https://x.org',
      },
      'TWILIO_FROM_NUMBER',
      /MESSAGING_SERVICE_SID/,
    ],
    [
      {
        TWILIO_ACCOUNT_SID: 'AC' + '1'.repeat(32),
        TWILIO_AUTH_TOKEN: 'tok',
        TWILIO_FROM_NUMBER: '+15005550006',
      },
      'PUBLIC_BASE_URL',
      /signatures/,
    ],
  ];
  test.each(bad)('%j is refused, naming %s', (env, setting, problem) => {
    let err: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).setting).toBe(setting);
    expect((err as ConfigError).message).toMatch(problem);
    expect((err as ConfigError).message.startsWith(`Invalid setting ${setting}:`)).toBe(true);
  });

  test('Telegram: off without a token; webhook mode needs a secret and a public URL; polling needs neither', () => {
    expect(loadConfig({}).telegramOffReason).toMatch(/TELEGRAM_BOT_TOKEN/);
    const token = '7000000001:AAFakeTokenForTestsOnly_0123456789';
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token })).toThrow(/TELEGRAM_WEBHOOK_SECRET/);
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: 's'.repeat(20) })).toThrow(
      /PUBLIC_BASE_URL/,
    );
    expect(() => loadConfig({ TELEGRAM_BOT_TOKEN: 'nope' })).toThrow(/Invalid setting TELEGRAM_BOT_TOKEN/);
    expect(() => loadConfig({ TELEGRAM_MODE: 'push' })).toThrow(/Invalid setting TELEGRAM_MODE/);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_MODE: 'polling' }).telegram).toMatchObject({
      botId: '7000000001',
      mode: 'polling',
      apiRoot: 'https://api.telegram.org',
    });
  });

  test('SMS_TRANSPORT_BY_COUNTRY: each country its provider, * the rest; only providers that are set up', () => {
    const at = { AT_USERNAME: 'chimba', AT_API_KEY: 'k'.repeat(20), AT_CALLBACK_KEY: 'c'.repeat(20) };
    expect(loadConfig({}).smsRoutes).toEqual({ byCountry: {}, fallback: 'simulator' });
    expect(loadConfig(at).smsRoutes).toEqual({ byCountry: {}, fallback: 'africastalking' });
    expect(
      loadConfig({
        ...twilio,
        ...at,
        SMS_TRANSPORT_BY_COUNTRY: 'CD=africastalking, tz=africastalking,*=twilio',
      }).smsRoutes,
    ).toEqual({ byCountry: { CD: 'africastalking', TZ: 'africastalking' }, fallback: 'twilio' });
    expect(() => loadConfig({ ...at, SMS_TRANSPORT_BY_COUNTRY: 'CD=twilio' })).toThrow(
      /Invalid setting SMS_TRANSPORT_BY_COUNTRY: "twilio" is named but not set up/,
    );
    expect(() => loadConfig({ ...at, SMS_TRANSPORT_BY_COUNTRY: 'CD:africastalking' })).toThrow(
      /SMS_TRANSPORT_BY_COUNTRY: "CD:africastalking" is not COUNTRY=provider/,
    );
    expect(() => loadConfig({ ...at, SMS_TRANSPORT_BY_COUNTRY: 'CD=telegram' })).toThrow(
      /SMS_TRANSPORT_BY_COUNTRY: "telegram" is not an SMS provider/,
    );
  });

  test('WhatsApp: a whatsapp: sender on the Twilio account, templates as JSON of kind, language and Content SID', () => {
    const sid = 'HX' + 'a'.repeat(32);
    expect(loadConfig(twilio).whatsapp).toBeUndefined();
    const c = loadConfig({
      ...twilio,
      TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886',
      WHATSAPP_TEMPLATES: JSON.stringify({ broadcast: { sw: sid }, poll: { fr: sid } }),
    });
    expect(c.whatsapp).toEqual({
      from: 'whatsapp:+14155238886',
      templates: { broadcast: { sw: sid }, poll: { fr: sid } },
    });
    expect(c.whatsappMps).toBe(20);
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...twilio, TWILIO_WHATSAPP_FROM: '+14155238886' }, /TWILIO_WHATSAPP_FROM: must be whatsapp:/],
      [{ TWILIO_WHATSAPP_FROM: 'whatsapp:+14155238886' }, /TWILIO_WHATSAPP_FROM: needs the Twilio account/],
      [{ ...twilio, WHATSAPP_TEMPLATES: '{broadcast' }, /WHATSAPP_TEMPLATES: must be JSON/],
      [
        { ...twilio, WHATSAPP_TEMPLATES: JSON.stringify({ broadcast: { sw: 'SM123' } }) },
        /WHATSAPP_TEMPLATES: broadcast\.sw: a Content SID is HX and 32 hex digits/,
      ],
      [
        { ...twilio, WHATSAPP_TEMPLATES: JSON.stringify({ newsletter: { sw: sid } }) },
        /WHATSAPP_TEMPLATES: .*newsletter/,
      ],
      [
        { ...twilio, WHATSAPP_TEMPLATES: JSON.stringify({ broadcast: { de: sid } }) },
        /WHATSAPP_TEMPLATES: .*de/,
      ],
      [{ ...twilio, WHATSAPP_MPS: '0' }, /WHATSAPP_MPS: must be a number >= 0.01/],
    ];
    for (const [env, message] of cases) expect(() => loadConfig(env)).toThrow(message);
  });

  test('a bad setting stops the service at start with one line naming it', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, '../src/main.ts')], {
      env: { PATH: process.env.PATH, TWILIO_MPS: 'fast' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('chimba: Invalid setting TWILIO_MPS: must be a number >= 0.01 and <= 1000');
  });
});
