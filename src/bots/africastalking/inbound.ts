import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { BadRequest, describeIssues, Forbidden } from '../../domain/errors';
import { parsePhone } from '../../domain/phone';
import { ChannelEvent } from '../../models/channel';
import { AT_DELIVERY_STATUS } from './status';

/**
 * Africa's Talking does not sign its callbacks: the callback URL carries a secret
 * (`?key=…`), compared in constant time. Missing or wrong → 403.
 */
export function verifyCallbackKey(given: unknown, expected: string): void {
  if (typeof given !== 'string' || !given) throw new Forbidden('missing ?key= in the callback URL');
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new Forbidden('wrong ?key= in the callback URL');
}

/** `2026-11-30 06:04:45` or `2026-11-30T06:04:45Z`, both UTC. */
export function parseAtDate(s: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.\d+)?Z?$/.exec(s.trim());
  if (!m) return undefined;
  const d = new Date(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const smsSchema = z.looseObject({
  id: z.string().min(1).max(100),
  from: z.string().min(3).max(32),
  to: z.string().min(1).max(32),
  text: z.string().max(1600).default(''),
  date: z.string().max(40).optional(),
  linkId: z.string().max(100).optional(),
  networkCode: z.string().max(20).optional(),
});

const deliverySchema = z.looseObject({
  id: z.string().min(1).max(100),
  status: z.string().min(1).max(40),
  phoneNumber: z.string().max(32).optional(),
  failureReason: z.string().max(80).optional(),
});

/** Reads an incoming SMS callback into a channel-neutral message (deduplicated on `id`). */
export function parseAtSms(body: unknown): ChannelEvent {
  const parsed = smsSchema.safeParse(body);
  if (!parsed.success)
    throw new BadRequest(`malformed Africa's Talking SMS callback: ${describeIssues(parsed.error)}`);
  const p = parsed.data;
  const from = parsePhone(p.from);
  if (!from) throw new BadRequest("malformed Africa's Talking SMS callback: from is not a phone number");
  const date = p.date ? parseAtDate(p.date) : undefined;
  if (p.date && !date)
    throw new BadRequest("malformed Africa's Talking SMS callback: date is not like 2026-11-30 06:04:45");
  return {
    kind: 'message',
    channel: 'sms',
    transport: 'africastalking',
    providerMessageId: p.id,
    address: from.e164,
    text: p.text,
    receivedAt: new Date(),
  };
}

/** Reads a delivery report; an unknown status is accepted and ignored (never a 4xx the provider retries). */
export function parseAtDelivery(body: unknown): ChannelEvent {
  const parsed = deliverySchema.safeParse(body);
  if (!parsed.success)
    throw new BadRequest(`malformed Africa's Talking delivery report: ${describeIssues(parsed.error)}`);
  const p = parsed.data;
  const status = AT_DELIVERY_STATUS[p.status];
  if (status === undefined) return { kind: 'ignored', reason: `unknown status ${p.status}` };
  if (status === null) return { kind: 'ignored', reason: `status ${p.status}` };
  return {
    kind: 'status',
    transport: 'africastalking',
    providerId: p.id,
    status,
    errorCode: p.failureReason,
  };
}

/** `"KES 0.8000"` → amount and currency; nothing for "0" or a form we do not know. */
export function parseAtCost(s: string | undefined): { amount: number; currency: string } | undefined {
  const m = /^([A-Z]{3})\s+(\d+(?:\.\d+)?)$/.exec(s?.trim() ?? '');
  return m ? { currency: m[1], amount: Number(m[2]) } : undefined;
}
