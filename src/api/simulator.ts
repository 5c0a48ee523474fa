import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { BadRequest } from '../domain/errors';
import { parsePhone } from '../domain/phone';
import { Inbox } from '../flows/inbox';

const body = z.object({
  from: z.string().trim().min(1).max(64),
  text: z.string().max(1600),
  channel: z.enum(['sms', 'telegram']).default('sms'),
});

/**
 * `POST /simulator/messages`: try Chimba without any account. The message goes through
 * the same inbox, engine, store and outbox as a real one; the answer lists the texts the
 * line sends back because of it, rendered as that channel would get them.
 */
export function simulatorRouter(inbox: Inbox): Router {
  const r = Router();
  r.use(express.json({ limit: '16kb' }));
  r.post('/messages', async (req, res, next) => {
    try {
      const parsed = body.safeParse(req.body);
      if (!parsed.success) {
        throw new BadRequest(
          `expected {"from": "+243990000001", "text": "hi", "channel": "sms"}: ${parsed.error.issues
            .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
            .join('; ')}`,
        );
      }
      const { from, text, channel } = parsed.data;
      let address = from;
      if (channel === 'sms') {
        const phone = parsePhone(from);
        if (!phone) throw new BadRequest('from: not a phone number (use E.164, e.g. +243990000001)');
        address = phone.e164;
      } else if (!/^-?\d{1,20}$/.test(from)) {
        throw new BadRequest('from: a Telegram chat id is a number');
      }
      const { replies } = await inbox.receive({
        kind: 'message',
        channel,
        transport: 'simulator',
        providerMessageId: `sim-${randomUUID()}`,
        address,
        text,
        receivedAt: new Date(),
      });
      res.json({ replies: replies.map((m) => m.text), segments: replies.map((m) => m.segments) });
    } catch (err) {
      next(err);
    }
  });
  return r;
}
