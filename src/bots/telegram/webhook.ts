import express, { Router } from 'express';
import { Inbox } from '../../flows/inbox';
import { Logger } from '../../log';
import { ParsedUpdate, parseTelegramUpdate, verifyTelegramSecret } from './inbound';
import { TelegramClient } from './outbound';

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
    verifyTelegramSecret(req.headers['x-telegram-bot-api-secret-token'], settings.secret);
    next();
  });
  r.use(express.json({ limit: '256kb' }));
  r.post('/', async (req, res) => {
    const parsed = parseTelegramUpdate(req.body, settings.botId);
    await onUpdate(parsed);
    res.json({ ok: true, ...(parsed.event.kind === 'ignored' ? { ignored: parsed.event.reason } : {}) });
  });
  return r;
}
