import express, { Router } from 'express';
import { Inbox } from '../../flows/inbox';
import { Spool } from '../../flows/spool';
import { UssdLine } from '../../flows/ussd';
import { Logger } from '../../log';
import { recordStatus } from '../../outbox/status';
import { Store } from '../../store/types';
import { parseAtDelivery, parseAtSms, verifyCallbackKey } from './inbound';
import { parseUssdEnd, parseUssdRequest, ussdBody } from './ussd';

/**
 * Africa's Talking callbacks under `/webhooks/africastalking`: `/sms` (an incoming SMS),
 * `/delivery` (a delivery report), `/ussd` (a step of a USSD session, answered `CON …` or
 * `END …` as text) and `/ussd/end` (how a session ended, what it cost). Each URL carries `?key=AT_CALLBACK_KEY` (403 without
 * it, nothing read); 400 on a malformed body. An SMS is logged durably (or spooled) before
 * the 200; replies go through the outbox. Redeliveries are recognised by `id`.
 */
export function africasTalkingRouter(
  settings: { callbackKey: string },
  inbox: Inbox,
  store: Store,
  log: Logger,
  spool: Spool,
  budgetMs: number,
  ussd?: UssdLine,
): Router {
  const r = Router();
  r.use((req, _res, next) => {
    verifyCallbackKey(req.query.key, settings.callbackKey);
    next();
  });
  r.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 }));

  r.post('/sms', async (req, res) => {
    const event = parseAtSms(req.body);
    if (event.kind === 'message') {
      const outcome = await inbox.accept(event, spool, budgetMs);
      if (outcome === 'duplicate')
        log.info({ providerMessageId: event.providerMessageId }, "redelivered Africa's Talking SMS ignored");
    }
    res.status(200).type('text/plain').send('');
  });

  if (ussd) {
    // each step of a USSD session: answered at once (the network drops a session after a few seconds)
    r.post('/ussd', async (req, res) => {
      const request = parseUssdRequest(req.body);
      let reply;
      try {
        reply = await ussd.request(request);
      } catch (err) {
        log.error({ err, sessionId: request.sessionId }, 'USSD request failed');
        reply = ussd.failed(request.phone);
      }
      res.status(200).type('text/plain').send(ussdBody(reply));
    });
    r.post('/ussd/end', async (req, res) => {
      await ussd.recordEnd(parseUssdEnd(req.body));
      res.status(200).json({ ok: true });
    });
  }

  r.post('/delivery', async (req, res) => {
    const event = parseAtDelivery(req.body);
    if (event.kind === 'status') {
      const found = await recordStatus(store, event);
      if (!found) log.warn({ providerId: event.providerId }, 'delivery report for an unknown message');
      res.status(200).json({ ok: true, recorded: found });
      return;
    }
    if (event.kind === 'ignored')
      log.info({ reason: event.reason }, "Africa's Talking delivery report ignored");
    res.status(200).json({ ok: true, ignored: event.kind === 'ignored' ? event.reason : undefined });
  });
  return r;
}
