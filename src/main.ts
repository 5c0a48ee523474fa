import http from 'node:http';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { buildHandler } from './api/app';
import { telegramUpdateHandler } from './bots/telegram/webhook';
import { seedAdminToken } from './staff/credentials';
import { SimulatorSender } from './bots/simulator/outbound';
import { TelegramClient } from './bots/telegram/outbound';
import { TelegramPoller } from './bots/telegram/poller';
import { AfricasTalkingSender } from './bots/africastalking/outbound';
import { UssdLine } from './flows/ussd';
import { voiceLine } from './flows/voice';
import { fetchTwilioMedia } from './bots/twilio/media';
import { twilioSenders } from './bots/twilio/senders';
import { TwilioRecordings } from './bots/twilio/calls';
import { queueCallback } from './outbox/calls';
import { Sender } from './models/channel';
import { Config, ConfigError, loadConfig } from './config';
import { BUILTIN_FLOWS } from './flows/definitions';
import { FlowEngine } from './flows/engine';
import { Inbox } from './flows/inbox';
import { SlidingWindowLimiter } from './flows/limiter';
import { Spool } from './flows/spool';
import { Translator } from './i18n';
import { Logger, createLogger } from './log';
import { Metrics } from './metrics';
import { FanoutSettings } from './campaigns/broadcasts';
import { StartFlow } from './campaigns/surveys';
import { forgetLeftovers } from './reports/store';
import { OutboxSettings, OutboxWorker } from './outbox/worker';
import { serviceJobs } from './schedulers/jobs';
import { Scheduler } from './schedulers';
import { foldSoon } from './stats/rollups';
import { openStore } from './store';
import { Store } from './store/types';

/** Knobs tests and tools may turn; production uses the defaults. */
export interface ServiceOptions {
  log?: Logger;
  clock?: () => Date;
  ttlSweepMs?: number;
  outbox?: Partial<OutboxSettings>;
  /** Least time between two Telegram messages to one chat (tests shorten it). */
  telegramPerChatMs?: number;
  /** Long-poll timeout in seconds (tests shorten it). */
  telegramPollSeconds?: number;
  /** How long a provider call may take before it counts as failed (15 s by default; tests shorten it). */
  providerTimeoutMs?: number;
  /** How long an SMS webhook waits for the store before spooling (5 s by default, Twilio waits 15). */
  webhookBudgetMs?: number;
  /** How often spooled messages are offered to the store again (2 s by default). */
  spoolReplayMs?: number;
  /** Fault injection for tests: wraps the opened store. */
  wrapStore?: (store: Store) => Store;
}

/** A composed, not yet listening, Chimba. */
export interface Service {
  config: Config;
  store: Store;
  /** What fan-outs (broadcasts, polls, surveys, the digest) know of the deployment. */
  fanout: FanoutSettings;
  inbox: Inbox;
  outbox: OutboxWorker;
  scheduler: Scheduler;
  log: Logger;
  /** Listens, starts the outbox and the schedulers; resolves with the address. */
  start(): Promise<{ port: number; url: string }>;
  /** Graceful stop: no new webhooks, in-flight work finished, store closed. */
  stop(): Promise<void>;
}

/** The composition root: config → store → channels → flows → http → schedulers. */
export async function createService(config: Config, options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? createLogger(config.logLevel);
  const opened = await openStore({
    mongodbUri: config.mongodbUri,
    dataDir: config.dataDir,
    embeddedSync: config.embeddedSync,
    ttlSweepMs: options.ttlSweepMs,
  });
  const store = options.wrapStore ? options.wrapStore(opened) : opened;
  const upgraded = (opened as { upgraded?: { from: number; to: number; documents: number } }).upgraded;
  if (upgraded) log.info(upgraded, 'embedded store upgraded in place to the current format');
  const spool = new Spool(path.join(config.dataDir, 'spool'), log);
  const translator = new Translator(config.defaultLanguage);
  const metrics = new Metrics(store, { processMetrics: true });
  const engine = new FlowEngine({
    store,
    metrics,
    translator,
    flows: BUILTIN_FLOWS,
    clock: options.clock,
    settings: {
      defaultLanguage: config.defaultLanguage,
      defaultCurrency: config.defaultCurrency,
      sessionTimeoutMinutes: config.sessionTimeoutMinutes,
      smsFoldGsm: config.smsFoldGsm,
      oncallSms: config.oncallSms,
      smsRoutes: config.smsRoutes,
      deliveryHour: config.deliveryHour,
    },
  });

  const senders: Sender[] = [new SimulatorSender()];
  if (config.twilio) {
    const { publicBaseUrl, defaultLanguage } = config;
    const settings = { account: config.twilio, whatsapp: config.whatsapp, publicBaseUrl, defaultLanguage };
    senders.push(
      ...twilioSenders({ ...settings, timeoutMs: options.providerTimeoutMs }, store, log, options.clock),
    );
  }
  if (config.africasTalking) {
    senders.push(
      new AfricasTalkingSender({ ...config.africasTalking, timeoutMs: options.providerTimeoutMs }),
    );
  }
  const telegram = config.telegram
    ? new TelegramClient({
        token: config.telegram.token,
        apiRoot: config.telegram.apiRoot,
        perChatMs: options.telegramPerChatMs,
      })
    : undefined;
  if (telegram) senders.push(telegram);
  const outbox = new OutboxWorker(
    store,
    senders,
    {
      rates: {
        twilio: config.twilioMps,
        africastalking: config.africasTalkingMps,
        whatsapp: config.whatsappMps,
        telegram: config.telegramMps,
        voice: config.voice.cps,
      },
      maxAttempts: config.outboxMaxAttempts,
      smsRoutes: config.smsRoutes,
      smsFoldGsm: config.smsFoldGsm,
      oncallSms: config.oncallSms,
      ...options.outbox,
    },
    log,
    metrics,
  );
  const afterHandled = () => {
    outbox.notify();
    // price reports handled meanwhile are counted in the statistics shortly, in one batch
    foldSoon(store, (err) => log.error({ err }, 'counting price reports in the statistics failed'));
  };
  const inbox = new Inbox(
    store,
    engine,
    log,
    afterHandled,
    new SlidingWindowLimiter(config.inboundPerSenderPerHour, 3_600_000),
    new SlidingWindowLimiter(config.inboundGlobalPerMinute, 60_000),
    metrics,
  );
  const onTelegramUpdate = telegram ? telegramUpdateHandler(inbox, telegram, log) : undefined;
  const poller =
    telegram && config.telegram!.mode === 'polling'
      ? new TelegramPoller(
          telegram,
          config.telegram!.botId,
          onTelegramUpdate!,
          log,
          options.telegramPollSeconds,
        )
      : undefined;
  if (config.adminToken) await seedAdminToken(store, config.adminToken);

  const recordings =
    config.twilio && new TwilioRecordings({ ...config.twilio, timeoutMs: options.providerTimeoutMs });
  const voice = voiceLine({
    ...{ store, engine, translator, promptsDir: config.voice.promptsDir, afterUnit: afterHandled },
    ...{ retentionDays: config.retentionDays, clock: options.clock },
  });
  const fanout: FanoutSettings = {
    // people who prefer calls are called when the line can place calls (Twilio's number)
    voice: config.twilio?.from ? { speaks: (lang, recording) => voice.speaks(lang, recording) } : undefined,
    defaultLanguage: config.defaultLanguage,
    defaultCurrency: config.defaultCurrency,
    smsFoldGsm: config.smsFoldGsm,
    smsSegmentPrice: config.prices.smsSegment,
    telegramMessagePrice: config.prices.telegramMessage,
    whatsappMessagePrice: config.prices.whatsappMessage,
    priceCurrency: config.prices.currency,
    pollDefaultDays: config.pollDefaultDays,
  };
  const startFlow: StartFlow = (tx, contact, address, flowId, now) =>
    engine.begin(tx, contact, address, flowId, now);
  const scheduler = new Scheduler(
    store,
    serviceJobs({
      store,
      translator,
      fanout,
      startFlow,
      retryInbound: () => inbox.retryPending(),
      wakeOutbox: () => outbox.notify(),
      deleteRecording: recordings && ((sid) => recordings.delete(sid)),
      settings: {
        defaultLanguage: config.defaultLanguage,
        smsFoldGsm: config.smsFoldGsm,
        deliveryHour: config.deliveryHour,
        digestCron: config.digestCron,
        retentionDays: config.retentionDays,
        minCell: config.publicPage?.minCell ?? 5,
      },
      clock: options.clock,
    }),
    log,
  );

  let accepting = true;
  const app = buildHandler({
    store,
    inbox,
    log,
    twilio: config.twilio
      ? { authToken: config.twilio.authToken, publicBaseUrl: config.publicBaseUrl! }
      : undefined,
    twilioOffReason: config.twilioOffReason,
    africasTalking: config.africasTalking ? { callbackKey: config.africasTalking.callbackKey } : undefined,
    africasTalkingOffReason: config.africasTalkingOffReason,
    media: config.twilio
      ? (ref) => fetchTwilioMedia(config.twilio!, ref, options.providerTimeoutMs)
      : undefined,
    recording: recordings && ((sid) => recordings.fetch(sid)),
    ussd: new UssdLine({ store, engine, retentionDays: config.retentionDays, clock: options.clock }),
    voiceCallback: config.voice.callback
      ? async (phone) => {
          if (await queueCallback(store, phone, options.clock?.() ?? new Date())) outbox.notify();
        }
      : undefined,
    voice: voiceLine({
      store,
      engine,
      translator,
      promptsDir: config.voice.promptsDir,
      retentionDays: config.retentionDays,
      clock: options.clock,
    }),
    telegram:
      telegram && config.telegram!.mode === 'webhook'
        ? {
            secret: config.telegram!.webhookSecret!,
            botId: config.telegram!.botId,
            onUpdate: onTelegramUpdate!,
          }
        : undefined,
    telegramOffReason: config.telegramOffReason,
    simulatorEnabled: config.simulatorEnabled,
    spool,
    webhookBudgetMs: options.webhookBudgetMs ?? 5_000,
    pseudonymSecret: config.pseudonymSecret,
    apiRatePerMinute: config.apiRatePerMinute,
    metrics,
    metricsToken: config.metricsToken,
    backupDir: path.join(config.dataDir, 'backups'),
    fanout,
    triage: { translator, defaultLanguage: config.defaultLanguage, smsFoldGsm: config.smsFoldGsm },
    deliveryHour: config.deliveryHour,
    publicPage: config.publicPage,
    chromiumPath: config.chromiumPath,
    wakeOutbox: () => outbox.notify(),
    kick: () => void scheduler.runNow('broadcasts'),
    accepting: () => accepting,
  });

  let server: http.Server | undefined;
  let spoolTimer: NodeJS.Timeout | undefined;
  return {
    config,
    store,
    fanout,
    inbox,
    outbox,
    scheduler,
    log,
    async start() {
      server = http.createServer(app);
      // longer than the idle timeouts of proxies and clients in front, so the server is never
      // the one closing a kept-alive connection just as a request is sent on it
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(config.port, config.host, resolve);
      });
      const port = (server.address() as AddressInfo).port;
      // what an earlier version kept after anonymous reports is forgotten, once, in the background
      void forgetLeftovers(store)
        .then(
          (n) =>
            n && log.info({ documents: n }, 'anonymous reports: leftovers of an earlier version forgotten'),
        )
        .catch((err) => log.error({ err }, 'forgetting leftovers of anonymous reports failed'));
      if (store.engine === 'embedded') {
        const orphans = await outbox.recoverOrphans();
        if (orphans) log.warn({ orphans }, 'messages claimed by a previous run were put back in the queue');
        // one process owns the folder: what a previous run left waiting is handled now, in order
        void inbox
          .resume()
          .then((n) => n && log.info({ messages: n }, 'inbound messages left by a previous run handled'))
          .catch((err) => log.error({ err }, 'resuming waiting inbound messages failed'));
      }
      outbox.start();
      scheduler.start();
      const replay = () =>
        spool.pending().length
          ? void spool.replay((m) => inbox.receive(m)).catch(() => undefined)
          : undefined;
      replay();
      spoolTimer = setInterval(replay, options.spoolReplayMs ?? 2_000);
      spoolTimer.unref();
      poller?.start();
      if (telegram && config.telegram!.mode === 'webhook') {
        const url = `${config.publicBaseUrl}/webhooks/telegram`;
        await telegram
          .setWebhook(url, config.telegram!.webhookSecret!)
          .then(() => log.info('Telegram webhook set'))
          .catch((err) =>
            log.warn(
              { err },
              'could not set the Telegram webhook; set it by hand or check TELEGRAM_API_ROOT',
            ),
          );
      }
      log.info(
        {
          port,
          store: store.engine,
          dataDir: store.engine === 'embedded' ? config.dataDir : undefined,
          sms: config.twilio ? 'on' : 'off',
          africasTalking: config.africasTalking ? 'on' : 'off',
          telegram: config.telegram ? config.telegram.mode : 'off',
          simulator: config.simulatorEnabled ? 'on' : 'off',
        },
        'Chimba is listening',
      );
      if (!config.twilio) log.info(`SMS channel off: ${config.twilioOffReason}`);
      if (!config.telegram) log.info(`Telegram channel off: ${config.telegramOffReason}`);
      if (!config.adminToken) log.warn('ADMIN_TOKEN is not set: the staff API has no credential to accept');
      if (config.pseudonymSecretGenerated) {
        log.warn('PSEUDONYM_SECRET is not set: using a random one, so pseudonyms change at every restart');
      }
      return { port, url: `http://127.0.0.1:${port}` };
    },
    async stop() {
      accepting = false;
      const closed = server
        ? new Promise<void>((resolve) => server!.close(() => resolve()))
        : Promise.resolve();
      server?.closeIdleConnections();
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
      await Promise.race([closed, timeout]);
      server?.closeAllConnections();
      clearInterval(spoolTimer);
      await poller?.stop();
      await spool.settle();
      await inbox.settle();
      await outbox.stop();
      await scheduler.stop();
      await store.close();
      log.info('Chimba stopped');
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`chimba: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const service = await createService(config);
  await service.start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.log.info({ signal }, 'shutting down');
    service.stop().then(
      () => process.exit(0),
      (err) => {
        service.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`chimba: failed to start: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
