import { z } from 'zod';
import { BadRequest, describeIssues } from '../../domain/errors';
import { parsePhone } from '../../domain/phone';
import { UssdEnd, UssdRequest } from '../../flows/ussd';
import { parseAtCost } from './inbound';

/** Africa's Talking USSD: the request of each step of a session, and the notification at its end. */

const requestSchema = z.looseObject({
  sessionId: z.string().min(1).max(100),
  serviceCode: z.string().max(40).optional(),
  phoneNumber: z.string().min(3).max(32),
  networkCode: z.string().max(20).optional(),
  text: z.string().max(1000).default(''),
});

const endSchema = z.looseObject({
  sessionId: z.string().min(1).max(100),
  status: z.string().max(40).optional(),
  durationInMillis: z.coerce.number().int().min(0).optional(),
  hopsCount: z.coerce.number().int().min(0).optional(),
  cost: z.string().max(40).optional(),
  errorMessage: z.string().max(200).optional(),
});

const STATUSES = ['Success', 'Incomplete', 'Failed'] as const;

/** Reads a USSD request; 400 when it is not one. */
export function parseUssdRequest(body: unknown): UssdRequest {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success)
    throw new BadRequest(`malformed Africa's Talking USSD request: ${describeIssues(parsed.error)}`);
  const p = parsed.data;
  const phone = parsePhone(p.phoneNumber);
  if (!phone)
    throw new BadRequest("malformed Africa's Talking USSD request: phoneNumber is not a phone number");
  return {
    sessionId: p.sessionId,
    phone: phone.e164,
    text: p.text.trim(),
    serviceCode: p.serviceCode,
    networkCode: p.networkCode,
  };
}

/** The answer Africa's Talking shows: `CON` waits for input, `END` closes the session. */
export function ussdBody(reply: { screen: string; end: boolean }): string {
  return `${reply.end ? 'END' : 'CON'} ${reply.screen}`;
}

/** Reads the end-of-session notification: how it ended and what it cost, nothing of the person. */
export function parseUssdEnd(body: unknown): UssdEnd {
  const parsed = endSchema.safeParse(body);
  if (!parsed.success)
    throw new BadRequest(`malformed Africa's Talking USSD notification: ${describeIssues(parsed.error)}`);
  const p = parsed.data;
  const cost = parseAtCost(p.cost);
  return {
    sessionId: p.sessionId,
    status: STATUSES.find((s) => s === p.status),
    durationMs: p.durationInMillis,
    hops: p.hopsCount,
    costAmount: cost?.amount,
    costCurrency: cost?.currency,
    errorMessage: p.errorMessage || undefined,
  };
}
