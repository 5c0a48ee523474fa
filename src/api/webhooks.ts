import express, { Router } from 'express';
import { ParsedUpdate, parseTelegramUpdate, verifyTelegramSecret } from '../bots/telegram/inbound';
import { TelegramClient } from '../bots/telegram/outbound';
import { parseTwilioSms, parseTwilioStatus, TwilioInboundSettings } from '../bots/twilio/inbound';
import { Inbox } from '../flows/inbox';
import { Spool } from '../flows/spool';
import { Logger } from '../log';
import { recordStatus } from '../outbox/worker';
import { Store } from '../store/types';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * Twilio webhooks. The SMS route answers an empty TwiML `<Response/>`: replies go
 * through the outbox, never inline. 403 on a bad signature, 400 on a malformed body.
 */
export function twilioRouter(
  settings: TwilioInboundSettings,
  inbox: Inbox,
  store: Store,
  log: Logger,
  spool: Spool,
  budgetMs: number,
): Router {
  const r = Router();
  r.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));

  r.post('/sms', async (req, res, next) => {
    try {
      const event = parseTwilioSms(settings, req);
      if (event.kind === 'message') {
        // Twilio does not retry: the message is logged, or spooled to disk, before the answer.
        // handling goes on after the answer, from the log
        const outcome = await inbox.accept(event, spool, budgetMs);
        if (outcome === 'duplicate')
          log.info({ providerMessageId: event.providerMessageId }, 'redelivered SMS ignored');
      }
      res.type('text/xml').send(EMPTY_TWIML);
    } catch (err) {
      next(err);
    }
  });

  r.post('/status', async (req, res, next) => {
    try {
      const event = parseTwilioStatus(settings, req);
      if (event.kind === 'status') {
        const found = await recordStatus(store, event);
        if (!found) log.warn({ providerId: event.providerId }, 'status for an unknown message');
        res.status(200).json({ ok: true, recorded: found });
        return;
      }
      res.status(200).json({ ok: true, ignored: event.kind === 'ignored' ? event.reason : undefined });
    } catch (err) {
      next(err);
    }
  });
  return r;
}

/**
 * What to do with one Telegram update, from the webhook or the poller: log and process a
 * message, then acknowledge a button tap; opt out a person who blocked the bot.
 */
export function telegramUpdateHandler(inbox: Inbox, client: TelegramClient, log: Logger) {
  return async (u: ParsedUpdate): Promise<void> => {
    const e = u.event;
    if (e.kind === 'message') {
      // logged durably, then answered; handling follows from the log
      const outcome = await inbox.accept(e);
      if (outcome === 'duplicate') log.info({ updateId: u.updateId }, 'redelivered Telegram update ignored');
      // the tap is acknowledged (the button stops spinning) without waiting for the handling
      if (e.extra?.callbackId && outcome === 'accepted')
        void client
          .answerCallback(e.extra.callbackId)
          .catch((err) => log.warn({ err }, 'answerCallbackQuery failed'));
    } else if (e.kind === 'optout') {
      if (await inbox.optOut(e.channel, e.address)) log.info('a Telegram user blocked the bot: opted out');
    }
  };
}

/**
 * `POST /webhooks/telegram`: the secret header first (401 missing, 403 wrong, nothing
 * read), then the JSON update (400 when malformed). Answers 200 once the update is in
 * our log, so Telegram does not redeliver it; a failure to process is retried from the log.
 */
export function telegramRouter(
  settings: { secret: string; botId: string },
  onUpdate: (u: ParsedUpdate) => Promise<void>,
): Router {
  const r = Router();
  r.use((req, _res, next) => {
    try {
      verifyTelegramSecret(req.headers['x-telegram-bot-api-secret-token'], settings.secret);
      next();
    } catch (err) {
      next(err);
    }
  });
  r.use(express.json({ limit: '256kb' }));
  r.post('/', async (req, res, next) => {
    try {
      const parsed = parseTelegramUpdate(req.body, settings.botId);
      await onUpdate(parsed);
      res.json({ ok: true, ...(parsed.event.kind === 'ignored' ? { ignored: parsed.event.reason } : {}) });
    } catch (err) {
      next(err);
    }
  });
  return r;
}
