import { parsePhone } from '../domain/phone';
import { Transport } from '../models';
import { Store } from '../store/types';

/**
 * Which provider carries SMS to a number nobody has a better answer for (a person is
 * otherwise answered the way they last wrote): the number's country's choice, else the
 * default (`SMS_TRANSPORT_BY_COUNTRY`, e.g. `CD=africastalking,TZ=africastalking,*=twilio`).
 */
export interface SmsRoutes {
  byCountry: Readonly<Record<string, Transport>>;
  fallback: Transport;
}

/** The SMS providers a route may name. */
export const SMS_TRANSPORTS = ['twilio', 'africastalking'] as const;

/** The transport for one number under the routes. */
export function smsTransportFor(routes: SmsRoutes, e164: string): Transport {
  const country = parsePhone(e164)?.country;
  return (country && routes.byCountry[country]) || routes.fallback;
}

/**
 * Reads `CD=africastalking,TZ=africastalking,*=twilio`. Returns the problem in words when
 * it is not that shape, or names a provider that is not set up (`configured`).
 */
export function parseSmsRoutes(
  text: string | undefined,
  configured: readonly Transport[],
): SmsRoutes | string {
  // without a rule: the first SMS provider set up, the simulator when none is
  const first = SMS_TRANSPORTS.find((t) => configured.includes(t)) ?? 'simulator';
  const routes: { byCountry: Record<string, Transport>; fallback: Transport } = {
    byCountry: {},
    fallback: first,
  };
  for (const part of (text ?? '').split(/[\s,;]+/).filter(Boolean)) {
    const m = /^([A-Za-z]{2}|\*)=([a-z]+)$/.exec(part);
    if (!m) return `"${part}" is not COUNTRY=provider (e.g. CD=africastalking, *=twilio)`;
    const transport = m[2] as Transport;
    if (!(SMS_TRANSPORTS as readonly string[]).includes(transport))
      return `"${m[2]}" is not an SMS provider (${SMS_TRANSPORTS.join(', ')})`;
    if (!configured.includes(transport)) return `"${m[2]}" is named but not set up (its settings are empty)`;
    if (m[1] === '*') routes.fallback = transport;
    else routes.byCountry[m[1].toUpperCase()] = transport;
  }
  return routes;
}

/**
 * SMS queued for a provider that is not set up (the deployment moved from one provider to
 * another, or a person last wrote through one since removed) are given the provider the
 * routes choose among those `available`, instead of waiting forever. Returns how many moved.
 */
export async function rerouteStranded(
  store: Store,
  routes: SmsRoutes,
  available: readonly Transport[],
): Promise<number> {
  const out = store.collection('outbound');
  const stranded = await out.find(
    // texts only: a call queued for the voice line is no SMS
    {
      status: 'queued',
      channel: 'sms',
      transport: { $in: SMS_TRANSPORTS.filter((t) => !available.includes(t)) },
    },
    { limit: 1000, projection: { _id: 1, to: 1, transport: 1 } },
  );
  let moved = 0;
  for (const m of stranded) {
    const to = smsTransportFor(routes, m.to);
    if (!available.includes(to)) continue;
    const r = await out.updateOne(
      { _id: m._id, status: 'queued', transport: m.transport },
      { $set: { transport: to } },
    );
    moved += r.modified;
  }
  return moved;
}
