import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import cron from 'node-cron';
import { LANGUAGES } from './domain/language';
import type { Transport } from './models';
import { parseSmsRoutes } from './outbox/routes';
import { TEMPLATE_KINDS, WhatsAppTemplates } from './bots/twilio/whatsapp';

function cronValid(expr: string): boolean {
  return cron.validate(expr);
}

/**
 * Every setting Chimba reads, in one zod schema. This is the only file that touches
 * `process.env`; the rest of the code receives a typed, validated `Config`.
 */

const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const s = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(s)) return true;
      if (['0', 'false', 'no', 'off'].includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: 'must be true or false' });
      return z.NEVER;
    });

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const number = (fallback: number, opts: { min?: number; max?: number; int?: boolean } = {}) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      const min = opts.min ?? -Infinity;
      const max = opts.max ?? Infinity;
      if (!Number.isFinite(n) || n < min || n > max || (opts.int && !Number.isInteger(n))) {
        const range = [Number.isFinite(min) ? `>= ${min}` : '', Number.isFinite(max) ? `<= ${max}` : '']
          .filter(Boolean)
          .join(' and ');
        ctx.addIssue({
          code: 'custom',
          message: `must be ${opts.int ? 'a whole number' : 'a number'} ${range}`,
        });
        return z.NEVER;
      }
      return n;
    });

const url = (what: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s/]+/.test(v), {
    message: `must be an http(s) URL (${what})`,
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: number(3000, { min: 0, max: 65535, int: true }),
  HOST: optionalString.transform((v) => v ?? '0.0.0.0'),
  PUBLIC_BASE_URL: url('the address Twilio and Telegram call, e.g. https://chimba.example.org'),
  DATA_DIR: optionalString.transform((v) => path.resolve(v ?? './data')),
  MONGODB_URI: optionalString.refine((v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v), {
    message: 'must start with mongodb:// or mongodb+srv://',
  }),
  EMBEDDED_SYNC: z.enum(['full', 'normal']).default('full'),
  DEFAULT_LANGUAGE: z.enum(LANGUAGES).default('en'),
  DEFAULT_CURRENCY: optionalString
    .transform((v) => (v ?? 'USD').toUpperCase())
    .refine((v) => /^[A-Z]{3}$/.test(v), { message: 'must be an ISO 4217 code such as CDF, TZS or USD' }),
  TWILIO_ACCOUNT_SID: optionalString.refine((v) => v === undefined || /^AC[0-9a-fA-F]{32}$/.test(v), {
    message: 'must look like AC followed by 32 hex digits',
  }),
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_FROM_NUMBER: optionalString.refine((v) => v === undefined || /^\+[1-9]\d{6,14}$/.test(v), {
    message: 'must be an E.164 number such as +15005550006',
  }),
  TWILIO_MESSAGING_SERVICE_SID: optionalString.refine(
    (v) => v === undefined || /^MG[0-9a-fA-F]{32}$/.test(v),
    {
      message: 'must look like MG followed by 32 hex digits',
    },
  ),
  TWILIO_API_BASE: url('Twilio REST API base').transform((v) =>
    (v ?? 'https://api.twilio.com').replace(/\/+$/, ''),
  ),
  TWILIO_MPS: number(1, { min: 0.01, max: 1000 }),
  TWILIO_WHATSAPP_FROM: optionalString.refine(
    (v) => v === undefined || /^whatsapp:\+[1-9]\d{6,14}$/.test(v),
    {
      message: 'must be whatsapp: and an E.164 number, such as whatsapp:+14155238886',
    },
  ),
  WHATSAPP_MPS: number(20, { min: 0.01, max: 1000 }),
  WHATSAPP_TEMPLATES: optionalString.transform((v, ctx) => {
    if (!v) return {};
    let raw: unknown;
    try {
      raw = JSON.parse(v);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be JSON such as {"broadcast": {"en": "HX…", "fr": "HX…"}}',
      });
      return z.NEVER;
    }
    const parsed = whatsappTemplates.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      ctx.addIssue({ code: 'custom', message: `${i.path.join('.') || 'templates'}: ${i.message}` });
      return z.NEVER;
    }
    return parsed.data as WhatsAppTemplates;
  }),
  AT_USERNAME: optionalString,
  AT_API_KEY: optionalString,
  AT_SENDER_ID: optionalString,
  AT_API_BASE: url("Africa's Talking API base"),
  AT_CALLBACK_KEY: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9_-]{16,128}$/.test(v), {
    message: 'must be 16 to 128 characters of A-Z, a-z, 0-9, _ and -',
  }),
  AT_MPS: number(10, { min: 0.01, max: 1000 }),
  SIMULATOR_ENABLED: optionalString.transform((v, ctx) => {
    if (v === undefined) return undefined;
    const b = bool(false).safeParse(v);
    if (b.success) return b.data;
    ctx.addIssue({ code: 'custom', message: 'must be true or false' });
    return z.NEVER;
  }),
  ADMIN_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters long',
  }),
  METRICS_TOKEN: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters long',
  }),
  PSEUDONYM_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters long',
  }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMS_FOLD_GSM: bool(true),
  /** The public page and open data (`/public`): on unless `off`. */
  PUBLIC_PAGE: bool(true),
  /** Figures from fewer reports, or fewer distinct senders, are published as "fewer than N". */
  PUBLIC_MIN_CELL: number(5, { min: 2, max: 1000, int: true }),
  /** Chromium, to print the monthly bulletin as PDF (the HTML needs nothing). */
  CHROMIUM_PATH: z.string().trim().min(1).default('/usr/bin/chromium'),
  /** The licence line of the open data. */
  PUBLIC_LICENCE: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .default('CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/)'),
  SESSION_TIMEOUT_MINUTES: number(24 * 60, { min: 1, int: true }),
  OUTBOX_MAX_ATTEMPTS: number(8, { min: 1, max: 100, int: true }),
  SHUTDOWN_TIMEOUT_MS: number(10000, { min: 0, int: true }),
  TELEGRAM_BOT_TOKEN: optionalString.refine((v) => v === undefined || /^\d{3,}:[A-Za-z0-9_-]{20,}$/.test(v), {
    message: 'must look like 123456789:AA… (from @BotFather)',
  }),
  TELEGRAM_WEBHOOK_SECRET: optionalString.refine(
    (v) => v === undefined || /^[A-Za-z0-9_-]{16,256}$/.test(v),
    {
      message: 'must be 16 to 256 characters of A-Z, a-z, 0-9, _ and -',
    },
  ),
  TELEGRAM_MODE: z.enum(['webhook', 'polling']).optional(),
  TELEGRAM_API_ROOT: url('Telegram Bot API root').transform((v) =>
    (v ?? 'https://api.telegram.org').replace(/\/+$/, ''),
  ),
  TELEGRAM_MPS: number(25, { min: 0.01, max: 1000 }),
  DIGEST_CRON: optionalString
    .transform((v) => v ?? '0 6 * * 1')
    .refine((v) => cronValid(v), {
      message: 'must be a cron expression such as "0 6 * * 1" (Mondays 06:00)',
    }),
  RETENTION_DAYS: number(365, { min: 1, int: true }),
  POLL_DEFAULT_DAYS: number(7, { min: 1, max: 365, int: true }),
  /** The hour (0–23, each person's country time) lessons of a series go at. */
  DELIVERY_HOURS: number(9, { min: 0, max: 23, int: true }),
  /** Voice: refuse a new call (free for the caller) and call back (`VOICE_CALLBACK=on`), at most this many calls a second. */
  VOICE_CALLBACK: bool(false),
  VOICE_CPS: number(1, { min: 0.01, max: 100 }),
  /** Recordings staff made to replace the voice line's prompts: `<dir>/<lang>/<clip name>.wav|mp3`. */
  VOICE_PROMPTS_DIR: optionalString,
  INBOUND_PER_SENDER_PER_HOUR: number(120, { min: 1, int: true }),
  INBOUND_GLOBAL_PER_MINUTE: number(600, { min: 1, int: true }),
  API_RATE_PER_MINUTE: number(600, { min: 1, int: true }),
  SMS_SEGMENT_PRICE: number(0.05, { min: 0 }),
  TELEGRAM_MESSAGE_PRICE: number(0, { min: 0 }),
  WHATSAPP_MESSAGE_PRICE: number(0.02, { min: 0 }),
  PRICE_CURRENCY: optionalString
    .transform((v) => (v ?? 'USD').toUpperCase())
    .refine((v) => /^[A-Z]{3}$/.test(v), { message: 'must be an ISO 4217 code such as USD' }),
  SMS_TRANSPORT_BY_COUNTRY: optionalString,
  ONCALL_SMS: optionalString.transform((v, ctx) => {
    const list = (v ?? '').split(/[\s,;]+/).filter(Boolean);
    const bad = list.find((n) => !/^\+[1-9]\d{6,14}$/.test(n));
    if (bad) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of E.164 numbers (+243…)' });
      return z.NEVER;
    }
    return list;
  }),
});

/** Approved WhatsApp templates: kind → language → Content SID. */
const whatsappTemplates = z.strictObject(
  Object.fromEntries(
    TEMPLATE_KINDS.map((k) => [
      k,
      z
        .strictObject(
          Object.fromEntries(
            LANGUAGES.map((l) => [
              l,
              z
                .string()
                .regex(/^HX[0-9a-fA-F]{32}$/, 'a Content SID is HX and 32 hex digits')
                .optional(),
            ]),
          ),
        )
        .optional(),
    ]),
  ),
);

/** Marks a setting wrong from a check across settings. */
function fail(ctx: z.RefinementCtx, setting: string, problem: string): never {
  ctx.addIssue({ code: 'custom', path: [setting], message: problem });
  return z.NEVER;
}

/**
 * The one source of settings: the environment's variables validated above, then checked
 * together and shaped as the service uses them. `Config` is inferred from it.
 */
const configSchema = envSchema.transform((e, ctx) => {
  const anyTwilio =
    e.TWILIO_ACCOUNT_SID || e.TWILIO_AUTH_TOKEN || e.TWILIO_FROM_NUMBER || e.TWILIO_MESSAGING_SERVICE_SID;
  if (anyTwilio) {
    for (const k of ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN'] as const) {
      if (!e[k]) return fail(ctx, k, 'is required when any TWILIO_* account setting is set');
    }
    if (!e.TWILIO_FROM_NUMBER && !e.TWILIO_MESSAGING_SERVICE_SID) {
      return fail(ctx, 'TWILIO_FROM_NUMBER', 'set it or TWILIO_MESSAGING_SERVICE_SID to send SMS');
    }
    if (!e.PUBLIC_BASE_URL) {
      return fail(ctx, 'PUBLIC_BASE_URL', 'is required for SMS: Twilio signatures are checked against it');
    }
  }
  if (e.VOICE_CALLBACK && !(anyTwilio && e.TWILIO_FROM_NUMBER))
    return fail(
      ctx,
      'VOICE_CALLBACK',
      'needs the Twilio account and TWILIO_FROM_NUMBER: the line calls back from that number',
    );
  const anyAt = e.AT_USERNAME || e.AT_API_KEY || e.AT_CALLBACK_KEY || e.AT_SENDER_ID;
  if (anyAt) {
    for (const k of ['AT_USERNAME', 'AT_API_KEY', 'AT_CALLBACK_KEY'] as const) {
      if (!e[k]) return fail(ctx, k, "is required when any AT_* (Africa's Talking) setting is set");
    }
  }
  const telegramMode = e.TELEGRAM_MODE ?? 'webhook';
  if (e.TELEGRAM_BOT_TOKEN && telegramMode === 'webhook') {
    if (!e.TELEGRAM_WEBHOOK_SECRET) {
      return fail(
        ctx,
        'TELEGRAM_WEBHOOK_SECRET',
        'is required in webhook mode (or set TELEGRAM_MODE=polling)',
      );
    }
    if (!e.PUBLIC_BASE_URL) {
      return fail(
        ctx,
        'PUBLIC_BASE_URL',
        'is required for the Telegram webhook (or set TELEGRAM_MODE=polling)',
      );
    }
  }
  if (e.TWILIO_WHATSAPP_FROM && !anyTwilio)
    return fail(
      ctx,
      'TWILIO_WHATSAPP_FROM',
      'needs the Twilio account (TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN …): WhatsApp goes through it',
    );
  const configured: Transport[] = [
    ...(anyTwilio ? (['twilio'] as const) : []),
    ...(anyAt ? (['africastalking'] as const) : []),
  ];
  const smsRoutes = parseSmsRoutes(e.SMS_TRANSPORT_BY_COUNTRY, configured);
  if (typeof smsRoutes === 'string') return fail(ctx, 'SMS_TRANSPORT_BY_COUNTRY', smsRoutes);
  if (e.NODE_ENV === 'production' && !e.PSEUDONYM_SECRET) {
    return fail(ctx, 'PSEUDONYM_SECRET', 'is required in production (keyed pseudonyms in exports and logs)');
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicBaseUrl: e.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    dataDir: e.DATA_DIR,
    mongodbUri: e.MONGODB_URI,
    embeddedSync: e.EMBEDDED_SYNC,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    defaultCurrency: e.DEFAULT_CURRENCY,
    /** The SMS channel's account, when one is set. */
    twilio: anyTwilio
      ? {
          accountSid: e.TWILIO_ACCOUNT_SID!,
          authToken: e.TWILIO_AUTH_TOKEN!,
          from: e.TWILIO_FROM_NUMBER,
          messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
          apiBase: e.TWILIO_API_BASE,
        }
      : undefined,
    /** Why the SMS channel is off, when it is. */
    twilioOffReason: anyTwilio
      ? undefined
      : 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER are not set',
    twilioMps: e.TWILIO_MPS,
    /** WhatsApp through the Twilio account, when a WhatsApp sender is set. */
    whatsapp: e.TWILIO_WHATSAPP_FROM
      ? { from: e.TWILIO_WHATSAPP_FROM, templates: e.WHATSAPP_TEMPLATES }
      : undefined,
    whatsappMps: e.WHATSAPP_MPS,
    /** Africa's Talking SMS, when an account is set; `sandbox` as username uses their sandbox. */
    africasTalking: anyAt
      ? {
          username: e.AT_USERNAME!,
          apiKey: e.AT_API_KEY!,
          senderId: e.AT_SENDER_ID,
          apiBase: (
            e.AT_API_BASE ??
            (e.AT_USERNAME === 'sandbox'
              ? 'https://api.sandbox.africastalking.com'
              : 'https://api.africastalking.com')
          ).replace(/\/+$/, ''),
          callbackKey: e.AT_CALLBACK_KEY!,
        }
      : undefined,
    africasTalkingOffReason: anyAt ? undefined : 'AT_USERNAME, AT_API_KEY and AT_CALLBACK_KEY are not set',
    africasTalkingMps: e.AT_MPS,
    /** Which SMS provider a number gets when nothing better is known (on-call alerts, a provider removed). */
    smsRoutes,
    /** On unless in production, or as SIMULATOR_ENABLED says. */
    simulatorEnabled: e.SIMULATOR_ENABLED ?? e.NODE_ENV !== 'production',
    adminToken: e.ADMIN_TOKEN,
    /** When set, `/metrics` wants `Authorization: Bearer <it>`. */
    metricsToken: e.METRICS_TOKEN,
    pseudonymSecret: e.PSEUDONYM_SECRET ?? randomSecret(),
    pseudonymSecretGenerated: !e.PSEUDONYM_SECRET,
    logLevel: e.LOG_LEVEL,
    smsFoldGsm: e.SMS_FOLD_GSM,
    chromiumPath: e.CHROMIUM_PATH,
    publicPage: e.PUBLIC_PAGE ? { minCell: e.PUBLIC_MIN_CELL, licence: e.PUBLIC_LICENCE } : undefined,
    sessionTimeoutMinutes: e.SESSION_TIMEOUT_MINUTES,
    outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    /** Phone numbers of on-call staff who get urgent incident alerts at once. */
    oncallSms: e.ONCALL_SMS,
    /** The Telegram bot, when a token is set. */
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          /** The bot's numeric id, the part of the token before the colon. */
          botId: e.TELEGRAM_BOT_TOKEN.split(':')[0],
          mode: telegramMode,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          apiRoot: e.TELEGRAM_API_ROOT,
        }
      : undefined,
    /** Why the Telegram channel is off, when it is. */
    telegramOffReason: e.TELEGRAM_BOT_TOKEN ? undefined : 'TELEGRAM_BOT_TOKEN is not set',
    telegramMps: e.TELEGRAM_MPS,
    /** When the weekly price digest goes out (cron, server time). */
    digestCron: e.DIGEST_CRON,
    /** Inbound logs and finished outgoing messages are deleted after this many days. */
    retentionDays: e.RETENTION_DAYS,
    /** A poll created without `closesAt` closes this many days after it opens. */
    pollDefaultDays: e.POLL_DEFAULT_DAYS,
    deliveryHour: e.DELIVERY_HOURS,
    /** The voice line (Twilio Voice, on whenever Twilio is): call-back mode, its pace, staff recordings. */
    voice: {
      callback: e.VOICE_CALLBACK,
      cps: e.VOICE_CPS,
      promptsDir: path.resolve(e.VOICE_PROMPTS_DIR ?? path.join(e.DATA_DIR, 'voice-prompts')),
    },
    /** One sender over this many messages an hour is logged but not answered. */
    inboundPerSenderPerHour: e.INBOUND_PER_SENDER_PER_HOUR,
    /** Messages answered per minute across all senders; beyond it, logged but not answered. */
    inboundGlobalPerMinute: e.INBOUND_GLOBAL_PER_MINUTE,
    /** Staff API calls per minute per token. */
    apiRatePerMinute: e.API_RATE_PER_MINUTE,
    /** What one SMS segment, one Telegram and one WhatsApp message cost, for broadcast previews. */
    prices: {
      smsSegment: e.SMS_SEGMENT_PRICE,
      telegramMessage: e.TELEGRAM_MESSAGE_PRICE,
      whatsappMessage: e.WHATSAPP_MESSAGE_PRICE,
      currency: e.PRICE_CURRENCY,
    },
  };
});

/** A setting that is missing or wrong; the message names it and says what is expected. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    readonly problem: string,
  ) {
    super(`Invalid setting ${setting}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** The validated settings the whole service runs on, as the schema makes them. */
export type Config = z.output<typeof configSchema>;

/** Reads and validates settings from an environment (defaults to `process.env`). Throws `ConfigError`. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const setting = String(issue.path[0] ?? 'unknown');
    const problem =
      issue.code === 'invalid_value' ? `must be one of ${issue.values.join(', ')}` : issue.message;
    throw new ConfigError(setting, problem);
  }
  return parsed.data;
}

function randomSecret(): string {
  return randomBytes(32).toString('hex');
}
