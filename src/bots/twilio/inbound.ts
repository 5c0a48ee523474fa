import twilio from 'twilio';
import { z } from 'zod';
import { BadRequest, describeIssues, Forbidden } from '../../domain/errors';
import { parsePhone } from '../../domain/phone';
import { InboundExtra, MediaRef } from '../../models';
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
  // WhatsApp only
  ButtonText: z.string().max(200).optional(),
  ButtonPayload: z.string().max(200).optional(),
  Latitude: z.coerce.number().min(-90).max(90).optional(),
  Longitude: z.coerce.number().min(-180).max(180).optional(),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

/** The address prefix of WhatsApp on Twilio: `whatsapp:+255712345678`. */
export const WHATSAPP_PREFIX = 'whatsapp:';

/** Media Twilio lists on a WhatsApp message: `MediaUrl0`, `MediaContentType0`, … (only Twilio's own media hosts). */
function mediaOf(params: Record<string, string>, n: number): MediaRef[] {
  const media: MediaRef[] = [];
  for (let i = 0; i < n; i++) {
    const url = params[`MediaUrl${i}`];
    const contentType = params[`MediaContentType${i}`] ?? 'application/octet-stream';
    if (url && /^https:\/\/api\.twilio\.com\/[\x21-\x7e]{1,400}$/.test(url))
      media.push({ url, contentType: contentType.slice(0, 100) });
  }
  return media;
}

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

/**
 * Verifies and reads an inbound SMS or WhatsApp webhook into a channel-neutral message. On
 * WhatsApp a tapped quick reply is its text, a shared location and photos come along.
 */
export function parseTwilioSms(settings: TwilioInboundSettings, req: WebhookRequest): ChannelEvent {
  const params = verifyTwilioSignature(settings, req);
  const parsed = smsSchema.safeParse(params);
  if (!parsed.success) throw new BadRequest(`malformed Twilio SMS webhook: ${describeIssues(parsed.error)}`);
  const p = parsed.data;
  const whatsapp = p.From.startsWith(WHATSAPP_PREFIX);
  const from = parsePhone(whatsapp ? p.From.slice(WHATSAPP_PREFIX.length) : p.From);
  if (!from) throw new BadRequest('malformed Twilio SMS webhook: From is not a phone number');
  if (!whatsapp)
    return {
      kind: 'message',
      channel: 'sms',
      transport: 'twilio',
      providerMessageId: p.MessageSid,
      address: from.e164,
      text: p.Body,
      receivedAt: new Date(),
    };
  const location =
    p.Latitude !== undefined && p.Longitude !== undefined ? { lat: p.Latitude, lon: p.Longitude } : undefined;
  const media = mediaOf(params, p.NumMedia);
  const extra: InboundExtra = { ...(location ? { location } : {}), ...(media.length ? { media } : {}) };
  return {
    kind: 'message',
    channel: 'whatsapp',
    transport: 'whatsapp',
    providerMessageId: p.MessageSid,
    address: from.e164,
    // a tapped button of ours answers with its number (its id); any other with its title
    text: (/^\d{1,2}$/.test(p.ButtonPayload ?? '') ? p.ButtonPayload : p.ButtonText) || p.Body,
    receivedAt: new Date(),
    extra: Object.keys(extra).length ? extra : undefined,
  };
}

/** Verifies and reads a delivery status callback. */
export function parseTwilioStatus(settings: TwilioInboundSettings, req: WebhookRequest): ChannelEvent {
  const params = verifyTwilioSignature(settings, req);
  const parsed = statusSchema.safeParse(params);
  if (!parsed.success)
    throw new BadRequest(`malformed Twilio status callback: ${describeIssues(parsed.error)}`);
  const p = parsed.data;
  const status = TWILIO_STATUS[p.MessageStatus.toLowerCase()];
  if (!status) return { kind: 'ignored', reason: `status ${p.MessageStatus} is not tracked` };
  const whatsapp = p.To?.startsWith(WHATSAPP_PREFIX);
  return {
    kind: 'status',
    transport: whatsapp ? 'whatsapp' : 'twilio',
    providerId: p.MessageSid,
    status,
    errorCode: p.ErrorCode || undefined,
    optedOut: p.ErrorCode === TWILIO_UNSUBSCRIBED,
    to: p.To ? parsePhone(whatsapp ? p.To.slice(WHATSAPP_PREFIX.length) : p.To)?.e164 : undefined,
  };
}
