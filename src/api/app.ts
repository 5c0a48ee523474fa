import express, { ErrorRequestHandler, Express } from 'express';
import helmet from 'helmet';
import pinoHttp from 'pino-http';
import { TwilioInboundSettings } from '../bots/twilio/inbound';
import { BadRequest, ChimbaError, TooManyRequests, Unauthorized } from '../domain/errors';
import { Inbox } from '../flows/inbox';
import { Spool } from '../flows/spool';
import { Logger } from '../log';
import { Store } from '../store/types';
import { ParsedUpdate } from '../bots/telegram/inbound';
import { FanoutSettings } from '../campaigns/broadcasts';
import { TriageSettings } from '../reports/triage';
import { timingSafeEqual } from 'node:crypto';
import { Metrics } from '../metrics';
import { adminRouter } from './admin';
import { limitApiCalls } from './auth';
import { hashToken } from '../staff/credentials';
import { dashboardRouter } from './dashboard';
import { auditRouter } from './audit';
import { credentialsRouter } from './credentials';
import { broadcastsRouter } from './broadcasts';
import { pollsRouter } from './polls';
import { reportsRouter } from './reports';
import { statsRouter } from './stats';
import { surveysRouter } from './surveys';
import { simulatorRouter } from '../bots/simulator/inbound';
import { UssdLine } from '../flows/ussd';
import { VoiceLine } from '../flows/voice';
import { simulatorVoiceRouter } from '../bots/simulator/voice';
import { twilioVoiceRouter, voiceAudioRouter } from '../bots/twilio/voice';
import { voicePreferencesRouter, voicePromptsRouter } from './voice';
import type { MediaRef } from '../models';
import type { MediaFile } from '../bots/twilio/media';
import { telegramRouter } from '../bots/telegram/webhook';
import { africasTalkingRouter } from '../bots/africastalking/webhook';
import { twilioRouter, twilioSmsFastPath } from '../bots/twilio/webhook';
import { RequestListener } from 'node:http';
import { requireJson } from './validation';
import { directoryRouter } from './directory';
import { answersRouter, questionsRouter } from './questions';
import { seriesRouter } from './series';
import { PublicSettings, publicRouter } from './public';
import { bulletinsRouter } from './bulletins';

/** What the HTTP app is built from. */
export interface AppDeps {
  store: Store;
  inbox: Inbox;
  log: Logger;
  twilio?: TwilioInboundSettings;
  /** Where SMS webhooks go when the store cannot take them, and how long a webhook may wait for it. */
  spool: Spool;
  webhookBudgetMs: number;
  twilioOffReason?: string;
  /** Africa's Talking SMS: the secret its callback URLs carry. */
  africasTalking?: { callbackKey: string };
  africasTalkingOffReason?: string;
  /** Opens a photo a person sent (through the Twilio account), for the dashboard. */
  media?: (ref: MediaRef) => Promise<MediaFile>;
  /** Opens a spoken description left on the voice line (through the Twilio account), for the dashboard. */
  recording?: (sid: string) => Promise<MediaFile>;
  /** The USSD line (menus over Africa's Talking, and the simulator's `"channel": "ussd"`). */
  ussd: UssdLine;
  /** The voice line (Twilio Voice, and the simulator's `/simulator/voice`). */
  voice: VoiceLine;
  /** With `VOICE_CALLBACK=on`: queues the call back to a number whose call was refused. */
  voiceCallback?: (phone: string) => Promise<void>;
  /** Telegram in webhook mode: the secret and the handler of updates. */
  telegram?: { secret: string; botId: string; onUpdate: (u: ParsedUpdate) => Promise<void> };
  telegramOffReason?: string;
  simulatorEnabled: boolean;
  pseudonymSecret: string;
  /** Where `POST /api/v1/backups` writes (the embedded engine). */
  backupDir?: string;
  metrics: Metrics;
  metricsToken?: string;
  /** Staff API calls a minute per token. */
  apiRatePerMinute: number;
  fanout: FanoutSettings;
  triage: TriageSettings;
  /** The local hour lessons go at (`DELIVERY_HOURS`). */
  deliveryHour: number;
  /** The public page and open data; absent when `PUBLIC_PAGE=off`. */
  publicPage?: Omit<PublicSettings, 'chromium'>;
  /** Chromium for the bulletin's PDF (`CHROMIUM_PATH`). */
  chromiumPath: string;
  /** Messages were queued outside a flow (a triage update): send them now. */
  wakeOutbox: () => void;
  /** Something became due (a broadcast to send now): run the scheduled work without waiting for the tick. */
  kick: () => void;
  /** False while shutting down: webhooks get 503 so providers retry elsewhere or later. */
  accepting: () => boolean;
}

/** One error handler: typed errors answer their status; body parser errors are 400/413; the rest 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    void _next;
    let status = 500;
    let code = 'internal';
    let message = 'internal error';
    let details: unknown;
    if (err instanceof ChimbaError) {
      status = err.status;
      code = err.code;
      message = err.message;
      if (err instanceof BadRequest && Array.isArray(err.details)) details = err.details;
      if (err instanceof TooManyRequests) res.set('Retry-After', String(err.retryAfterSeconds));
    } else if (err && typeof err === 'object' && typeof err.status === 'number' && err.type) {
      // body-parser: entity.parse.failed, entity.too.large, …
      status = err.status;
      code = String(err.type);
      message = err.expose ? err.message : code;
    } else if (err instanceof URIError || (err && err.status === 400)) {
      // express: a path parameter with a malformed %-escape
      status = 400;
      code = 'bad_request';
      message = 'malformed URL encoding in the path';
    }
    if (status >= 500) log.error({ err, path: req.path }, 'request failed');
    else log.info({ path: req.path, status, code }, 'request refused');
    res.status(status).json({ error: { code, message, ...(details ? { fields: details } : {}) } });
  };
}

/**
 * What the HTTP server runs: the inbound SMS webhook on node's own server (ahead of
 * express, see `twilioSmsFastPath`), everything else through the express app.
 */
export function buildHandler(deps: AppDeps): RequestListener {
  const app = buildApp(deps);
  if (!deps.twilio) return app;
  const sms = twilioSmsFastPath(deps.twilio, deps.inbox, deps.log, deps.spool, deps.webhookBudgetMs, {
    accepting: deps.accepting,
    timer: () => deps.metrics.webhookSeconds.startTimer(),
  });
  return (req, res) => {
    if (req.method === 'POST' && req.url === '/webhooks/twilio/sms') sms(req, res);
    else app(req, res);
  };
}

/** The express app: health, webhooks, simulator, staff API, dashboard. */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  // Webhooks first: providers call them at the line's pace, and they need neither the
  // browser security headers nor a log line each (the inbound log is the record; refusals
  // are logged by the error handler).
  // webhook latency, as providers see it (known routes only: a label per random path would grow forever)
  const WEBHOOK_ROUTES = new Set([
    '/webhooks/twilio/sms',
    '/webhooks/twilio/status',
    '/webhooks/africastalking/sms',
    '/webhooks/africastalking/delivery',
    '/webhooks/africastalking/ussd',
    '/webhooks/africastalking/ussd/end',
    '/webhooks/telegram',
    '/webhooks/twilio/voice',
    '/webhooks/twilio/voice/status',
  ]);
  app.use('/webhooks', (req, res, next) => {
    const end = deps.metrics.webhookSeconds.startTimer();
    const path = req.originalUrl.split('?')[0];
    const route = WEBHOOK_ROUTES.has(path) ? path : 'other';
    res.on('finish', () => end({ route, status: String(res.statusCode) }));
    next();
  });

  app.use(['/webhooks', '/simulator'], (_req, res, next) => {
    if (deps.accepting()) return next();
    res
      .status(503)
      .set('Retry-After', '5')
      .json({ error: { code: 'shutting_down', message: 'shutting down' } });
  });

  if (deps.twilio) {
    app.use(
      '/webhooks/twilio/voice',
      twilioVoiceRouter({
        settings: deps.twilio,
        line: deps.voice,
        log: deps.log,
        callback: deps.voiceCallback,
      }),
    );
    app.use(
      '/webhooks/twilio',
      twilioRouter(deps.twilio, deps.inbox, deps.store, deps.log, deps.spool, deps.webhookBudgetMs),
    );
  } else {
    app.use('/webhooks/twilio', (_req, res) => {
      res
        .status(503)
        .json({ error: { code: 'channel_off', message: `SMS channel is off: ${deps.twilioOffReason}` } });
    });
  }
  if (deps.africasTalking) {
    app.use(
      '/webhooks/africastalking',
      africasTalkingRouter(
        deps.africasTalking,
        deps.inbox,
        deps.store,
        deps.log,
        deps.spool,
        deps.webhookBudgetMs,
        deps.ussd,
      ),
    );
  } else {
    app.use('/webhooks/africastalking', (_req, res) => {
      res.status(503).json({
        error: {
          code: 'channel_off',
          message: `Africa's Talking (SMS and USSD) is off: ${deps.africasTalkingOffReason ?? 'not configured'}`,
        },
      });
    });
  }
  if (deps.telegram) {
    app.use('/webhooks/telegram', telegramRouter(deps.telegram, deps.telegram.onUpdate));
  } else {
    app.use('/webhooks/telegram', (_req, res) => {
      res.status(503).json({
        error: {
          code: 'channel_off',
          message: `Telegram webhook is off: ${deps.telegramOffReason ?? 'polling mode'}`,
        },
      });
    });
  }

  app.use(helmet());
  app.use(
    pinoHttp({
      logger: deps.log,
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, path: String(req.url).split('?')[0] }),
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      await deps.store.ping();
      res.json({ ok: true, store: deps.store.engine });
    } catch (err) {
      res.status(503).json({ ok: false, store: deps.store.engine, error: (err as Error).message });
    }
  });

  app.get('/metrics', async (req, res) => {
    if (deps.metricsToken) {
      const given = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const a = Buffer.from(hashToken(given));
      if (!timingSafeEqual(a, Buffer.from(hashToken(deps.metricsToken))))
        throw new Unauthorized('send Authorization: Bearer <METRICS_TOKEN>');
    }
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  app.use('/voice/audio', voiceAudioRouter(deps.voice.deps.speaker.clips));
  if (deps.simulatorEnabled) {
    app.use('/simulator/voice', simulatorVoiceRouter(deps.voice));
    app.use('/simulator', simulatorRouter(deps.inbox, deps.ussd));
  }
  if (deps.publicPage)
    app.use(
      '/public',
      publicRouter(deps.store, { ...deps.publicPage, chromium: deps.chromiumPath }, deps.log),
    );
  limitApiCalls(deps.store, deps.apiRatePerMinute);
  // recordings are uploaded as audio, not JSON
  app.use('/api/v1/voice/prompts', voicePromptsRouter(deps.store, deps.voice.deps.speaker));
  app.use('/api/v1/voice/preferences', voicePreferencesRouter(deps.store));
  app.use('/api/v1', requireJson, express.json({ limit: '256kb' }));
  app.use('/api/v1/broadcasts', broadcastsRouter(deps.store, deps.fanout, deps.kick));
  app.use('/api/v1/polls', pollsRouter(deps.store, deps.fanout, deps.kick));
  app.use('/api/v1/surveys', surveysRouter(deps.store, deps.fanout, deps.kick));
  app.use('/api/v1/audit', auditRouter(deps.store));
  app.use('/api/v1/credentials', credentialsRouter(deps.store));
  app.use('/api/v1/stats', statsRouter(deps.store));
  app.use('/api/v1/directory', directoryRouter(deps.store, deps.triage));
  app.use('/api/v1/questions', questionsRouter(deps.store, deps.triage, deps.wakeOutbox));
  app.use('/api/v1/answers', answersRouter(deps.store));
  app.use(
    '/api/v1/bulletins',
    bulletinsRouter(
      deps.store,
      { ...deps.triage, minCell: deps.publicPage?.minCell ?? 5, chromium: deps.chromiumPath },
      deps.wakeOutbox,
    ),
  );
  app.use('/api/v1/series', seriesRouter(deps.store, { ...deps.triage, deliveryHour: deps.deliveryHour }));
  app.use('/api/v1', reportsRouter(deps.store, deps.pseudonymSecret, deps.triage, deps.wakeOutbox));
  app.use('/api/v1', adminRouter(deps.store, deps.backupDir));

  app.use(
    '/dashboard',
    dashboardRouter({
      store: deps.store,
      log: deps.log,
      pseudonymSecret: deps.pseudonymSecret,
      fanout: deps.fanout,
      triage: deps.triage,
      kick: deps.kick,
      wakeOutbox: deps.wakeOutbox,
      media: deps.media,
      recording: deps.recording,
    }),
  );

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'not_found', message: 'no such route' } });
  });
  app.use(errorHandler(deps.log));
  return app;
}
