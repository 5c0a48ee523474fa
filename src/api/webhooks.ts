import express, { Router } from 'express';
import { parseTwilioSms, parseTwilioStatus, TwilioInboundSettings } from '../bots/twilio/inbound';
import { Inbox } from '../flows/inbox';
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
): Router {
  const r = Router();
  r.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));

  r.post('/sms', async (req, res, next) => {
    try {
      const event = parseTwilioSms(settings, req);
      if (event.kind === 'message') {
        const { duplicate, handled } = await inbox.receive(event);
        if (duplicate) log.info({ providerMessageId: event.providerMessageId }, 'redelivered SMS ignored');
        if (!handled)
          log.warn({ providerMessageId: event.providerMessageId }, 'SMS logged, handling deferred');
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
