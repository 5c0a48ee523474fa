import { randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import { z } from 'zod';
import { BadRequest, describeIssues } from '../../domain/errors';
import { parsePhone } from '../../domain/phone';
import { Inbox } from '../../flows/inbox';
import { UssdLine } from '../../flows/ussd';

const body = z
  .object({
    from: z.string().trim().min(1).max(64),
    text: z.string().max(1600).optional(),
    /** `africastalking` is SMS as it arrives from Africa's Talking: the same line, another provider. */
    channel: z.enum(['sms', 'africastalking', 'whatsapp', 'telegram', 'ussd']).default('sms'),
    /** USSD only: the session, as the network numbers it (any text); a new id dials again. */
    sessionId: z.string().trim().min(1).max(100).optional(),
    /** Telegram only: the callback data of a button tapped (`c:price:mineral:gold`). */
    tap: z.string().max(64).optional(),
    /** Telegram and WhatsApp: a shared location. */
    location: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
  })
  .refine((b) => b.text !== undefined || b.tap || b.location, { message: 'send text, tap or location' })
  .refine((b) => b.channel === 'telegram' || !b.tap, {
    message: 'tap is Telegram only (on WhatsApp a button answers with its number: send it as text)',
  })
  .refine((b) => b.channel === 'telegram' || b.channel === 'whatsapp' || !b.location, {
    message: 'location is Telegram and WhatsApp only',
  })
  .refine((b) => (b.channel === 'ussd') === !!b.sessionId, {
    message: 'a USSD step needs its sessionId (and only USSD has one)',
  });

/**
 * `POST /simulator/messages`: try Chimba without any account. The message goes through
 * the same inbox, engine, store and outbox as a real one; the answer lists the texts the
 * line sends back because of it, rendered as that channel would get them. A USSD step
 * (`"channel": "ussd"`, a `sessionId`) goes to the USSD line and answers `{ screen, end }`.
 */
export function simulatorRouter(inbox: Inbox, ussd: UssdLine): Router {
  const r = Router();
  r.use(express.json({ limit: '16kb' }));
  r.post('/messages', async (req, res) => {
    const parsed = body.safeParse(req.body);
    if (!parsed.success) {
      throw new BadRequest(
        `expected {"from": "+243990000001", "text": "hi", "channel": "sms"}: ${describeIssues(parsed.error)}`,
      );
    }
    const { from, text, tap, location, sessionId } = parsed.data;
    const channel = parsed.data.channel === 'africastalking' ? 'sms' : parsed.data.channel;
    if (channel === 'ussd') {
      // a step of a USSD session: `text` is every input so far joined with `*`, as the network sends it
      const phone = parsePhone(from);
      if (!phone) throw new BadRequest('from: not a phone number (use E.164, e.g. +243990000001)');
      const reply = await ussd.request({
        sessionId: `sim-${sessionId!}`,
        phone: phone.e164,
        text: (text ?? '').trim(),
      });
      res.json(reply);
      return;
    }
    let address = from;
    if (channel === 'sms' || channel === 'whatsapp') {
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
      text: text ?? '',
      receivedAt: new Date(),
      extra: tap
        ? { callbackData: tap }
        : location
          ? { location }
          : channel === 'telegram' && /^\/start\b/.test(text ?? '')
            ? { start: true, startPayload: (text ?? '').split(/\s+/)[1] }
            : undefined,
    });
    res.json({
      replies: replies.map((m) => m.text),
      segments: replies.map((m) => m.segments),
      ...(channel === 'telegram' || channel === 'whatsapp'
        ? {
            buttons: replies.map(
              (m) => m.buttons?.map((row) => row.map((b) => ({ text: b.text, tap: b.data }))) ?? null,
            ),
          }
        : {}),
    });
  });
  return r;
}
