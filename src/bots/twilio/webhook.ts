import { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import express, { Router } from 'express';
import { ChimbaError, PayloadTooLarge } from '../../domain/errors';
import { Inbox } from '../../flows/inbox';
import { Spool } from '../../flows/spool';
import { Logger } from '../../log';
import { recordStatus } from '../../outbox/status';
import { Store } from '../../store/types';
import { parseTwilioSms, parseTwilioStatus, TwilioInboundSettings } from './inbound';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';
/** The largest SMS webhook body read (Twilio's are a few hundred bytes). */
const SMS_BODY_LIMIT = 64 * 1024;

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

  r.post('/sms', async (req, res) => {
    const event = parseTwilioSms(settings, req);
    if (event.kind === 'message') {
      // Twilio does not retry: the message is logged, or spooled to disk, before the answer.
      // handling goes on after the answer, from the log
      const outcome = await inbox.accept(event, spool, budgetMs);
      if (outcome === 'duplicate')
        log.info({ providerMessageId: event.providerMessageId }, 'redelivered SMS ignored');
    }
    res.type('text/xml').send(EMPTY_TWIML);
  });

  r.post('/status', async (req, res) => {
    const event = parseTwilioStatus(settings, req);
    if (event.kind === 'status') {
      const found = await recordStatus(store, event);
      if (!found) log.warn({ providerId: event.providerId }, 'status for an unknown message');
      res.status(200).json({ ok: true, recorded: found });
      return;
    }
    res.status(200).json({ ok: true, ignored: event.kind === 'ignored' ? event.reason : undefined });
  });
  return r;
}

/**
 * The inbound SMS webhook on node's own HTTP server, ahead of express: the route providers
 * call at the line's pace does only what it needs (read the form, check the signature, log
 * the message durably, answer). It answers exactly as the express route does: empty TwiML,
 * 403 on a bad signature, 400 when malformed, 413 when too big, 503 while shutting down.
 */
export function twilioSmsFastPath(
  settings: TwilioInboundSettings,
  inbox: Inbox,
  log: Logger,
  spool: Spool,
  budgetMs: number,
  hooks: { accepting: () => boolean; timer: () => (labels: { route: string; status: string }) => void },
): (req: HttpRequest, res: ServerResponse) => void {
  const route = '/webhooks/twilio/sms';
  const reply = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const fail = (res: ServerResponse, err: unknown) => {
    const typed = err instanceof ChimbaError;
    const status = typed ? err.status : 500;
    if (status >= 500) log.error({ err, path: route }, 'request failed');
    else log.info({ path: route, status, code: typed ? err.code : 'internal' }, 'request refused');
    reply(
      res,
      status,
      'application/json; charset=utf-8',
      JSON.stringify({
        error: typed
          ? { code: err.code, message: err.message }
          : { code: 'internal', message: 'internal error' },
      }),
    );
  };
  return (req, res) => {
    const end = hooks.timer();
    res.on('finish', () => end({ route, status: String(res.statusCode) }));
    if (!hooks.accepting()) {
      res.setHeader('retry-after', '5');
      reply(
        res,
        503,
        'application/json; charset=utf-8',
        JSON.stringify({ error: { code: 'shutting_down', message: 'shutting down' } }),
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > SMS_BODY_LIMIT && !refused) {
        refused = true;
        fail(res, new PayloadTooLarge(`the body is over ${SMS_BODY_LIMIT} bytes`));
        req.resume();
      } else if (!refused) chunks.push(c);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (refused) return;
      void (async () => {
        try {
          const form = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
          const body = form
            ? Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
            : undefined;
          const event = parseTwilioSms(settings, { originalUrl: route, headers: req.headers, body } as never);
          if (event.kind === 'message') {
            const outcome = await inbox.accept(event, spool, budgetMs);
            if (outcome === 'duplicate')
              log.info({ providerMessageId: event.providerMessageId }, 'redelivered SMS ignored');
          }
          reply(res, 200, 'text/xml; charset=utf-8', EMPTY_TWIML);
        } catch (err) {
          fail(res, err);
        }
      })();
    });
  };
}
