import twilio from 'twilio';
import { z } from 'zod';
import { BadRequest, Forbidden } from '../../domain/errors';
import { parsePhone } from '../../domain/phone';
import { ChannelEvent } from '../../models/channel';
import { TWILIO_STATUS, TWILIO_UNSUBSCRIBED } from './status';

/** What the Twilio adapter needs to check a request. */
export interface TwilioInboundSettings {
  authToken: string;
  /** The public address Twilio calls, e.g. https://chimba.example.org (no trailing slash). */
  publicBaseUrl: string;
}

/** A webhook request as express parsed it. */
export interface WebhookRequest {
  /** Path and query as requested (express `originalUrl`). */
  originalUrl: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

const sid = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[0-9a-fA-F]{32}$`), `a ${prefix} sid`);

const smsSchema = z.looseObject({
  MessageSid: z.union([sid('SM'), sid('MM')]),
  AccountSid: sid('AC'),
  From: z.string().min(3),
  To: z.string().min(3),
  Body: z.string().max(1600).default(''),
});

const statusSchema = z.looseObject({
  MessageSid: z.union([sid('SM'), sid('MM')]),
  MessageStatus: z.string().min(1),
  ErrorCode: z.string().optional(),
  To: z.string().optional(),
});

/**
 * Checks `X-Twilio-Signature` against the public URL and every posted parameter
 * (Twilio's own `validateRequest`). Missing or wrong → `Forbidden` (403).
 */
export function verifyTwilioSignature(
  settings: TwilioInboundSettings,
  req: WebhookRequest,
): Record<string, string> {
  const signature = req.headers['x-twilio-signature'];
  if (typeof signature !== 'string' || !signature) throw new Forbidden('missing X-Twilio-Signature');
  if (!req.body || typeof req.body !== 'object') throw new BadRequest('expected a form-encoded body');
  const params = req.body as Record<string, string>;
  const url = settings.publicBaseUrl + req.originalUrl;
  if (!twilio.validateRequest(settings.authToken, signature, url, params)) {
    throw new Forbidden('X-Twilio-Signature does not match');
  }
  return params;
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

/** Verifies and reads an inbound SMS webhook into a channel-neutral message. */
export function parseTwilioSms(settings: TwilioInboundSettings, req: WebhookRequest): ChannelEvent {
  const params = verifyTwilioSignature(settings, req);
  const parsed = smsSchema.safeParse(params);
  if (!parsed.success) throw new BadRequest(`malformed Twilio SMS webhook: ${issues(parsed.error)}`);
  const p = parsed.data;
  const from = parsePhone(p.From);
  if (!from) throw new BadRequest('malformed Twilio SMS webhook: From is not a phone number');
  return {
    kind: 'message',
    channel: 'sms',
    transport: 'twilio',
    providerMessageId: p.MessageSid,
    address: from.e164,
    text: p.Body,
    receivedAt: new Date(),
  };
}

/** Verifies and reads a delivery status callback. */
export function parseTwilioStatus(settings: TwilioInboundSettings, req: WebhookRequest): ChannelEvent {
  const params = verifyTwilioSignature(settings, req);
  const parsed = statusSchema.safeParse(params);
  if (!parsed.success) throw new BadRequest(`malformed Twilio status callback: ${issues(parsed.error)}`);
  const p = parsed.data;
  const status = TWILIO_STATUS[p.MessageStatus.toLowerCase()];
  if (!status) return { kind: 'ignored', reason: `status ${p.MessageStatus} is not tracked` };
  return {
    kind: 'status',
    transport: 'twilio',
    providerId: p.MessageSid,
    status,
    errorCode: p.ErrorCode || undefined,
    optedOut: p.ErrorCode === TWILIO_UNSUBSCRIBED,
    to: p.To ? parsePhone(p.To)?.e164 : undefined,
  };
}
