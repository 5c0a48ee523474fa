import autocannon from 'autocannon';
import { LANGUAGES } from '../src/domain/language';
import { Contact } from '../src/models';
import { fanOut } from '../src/campaigns/broadcasts';
import { NewDoc } from '../src/store/types';
import { TEST_TWILIO } from '../test/helpers/service';
import { signTwilio } from '../test/helpers/twilioWebhook';
import { REGIONS, insertAll, rng } from './data';
import { benchService } from './service';
import { BenchResult } from './types';

const TEXT = {
  en: 'Gold price this week in your region: 255,000 CDF per gram at the approved counter. Reply PRICE GOLD? for more.',
  fr: "Prix de l'or cette semaine dans votre région : 255 000 CDF le gramme au comptoir agréé. Répondez PRIX OR? pour plus.",
  sw: 'Bei ya dhahabu wiki hii katika mkoa wako: 255,000 CDF kwa gramu kwenye kituo rasmi. Jibu BEI DHAHABU? kwa zaidi.',
  es: 'Precio del oro esta semana en su región: 255.000 CDF por gramo en el comprador autorizado. Responda PRECIO ORO?',
  pt: 'Preço do ouro esta semana na sua região: 255.000 CDF por grama no comprador autorizado. Responda PRECO OURO?',
};

function contacts(n: number): NewDoc<Contact>[] {
  const rand = rng(3);
  return Array.from({ length: n }, (_, i) => {
    const value = `+2439${String(20_000_000 + i).padStart(8, '0')}`;
    const now = new Date();
    return {
      addresses: [{ key: `sms:${value}`, channel: 'sms', value, transport: 'twilio', addedAt: now }],
      country: 'CD',
      language: LANGUAGES[i % LANGUAGES.length],
      role: 'miner',
      region: REGIONS[Math.floor(rand() * REGIONS.length)],
      registration: 'complete',
      firstSeenAt: now,
      lastSeenAt: now,
    };
  });
}

/** Signed SMS webhooks at 10 connections until `stop()`; resolves with latency and rate. */
function webhookLoad(url: string, offset: number) {
  const path = '/webhooks/twilio/sms';
  let i = 0;
  let done!: (r: { p99: number; rps: number }) => void;
  const finished = new Promise<{ p99: number; rps: number }>((resolve) => (done = resolve));
  const instance = autocannon(
    {
      url: url + path,
      connections: 10,
      duration: 3_600,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const n = offset + i++;
            const params = {
              MessageSid: `SM${n.toString(16).padStart(32, '0')}`,
              AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
              From: `+2332${String(50_000_000 + n).padStart(8, '0')}`,
              To: TEST_TWILIO.TWILIO_FROM_NUMBER,
              Body: `PRICE GOLD ${3900 + (n % 300)} GHS G`,
            };
            return {
              ...req,
              headers: {
                ...req.headers,
                'content-type': 'application/x-www-form-urlencoded',
                'x-twilio-signature': signTwilio(path, params),
              },
              body: new URLSearchParams(params).toString(),
            };
          },
        },
      ],
    },
    (err, result) =>
      done(err ? { p99: NaN, rps: NaN } : { p99: result.latency.p99, rps: result.requests.average }),
  );
  return {
    stop: async () => {
      instance.stop();
      return finished;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * broadcast: one broadcast fanned out to `BENCH_CONTACTS` (100,000) contacts in five
 * languages (audience query, render, segment count, outbox insert), against a bare insert
 * of as many minimal documents into the same engine; and the webhook's p99 while the
 * fan-out runs, against its p99 at rest.
 */
export async function broadcastBench(
  n = Number(process.env.BENCH_CONTACTS ?? 100_000),
): Promise<BenchResult> {
  const { svc, stop } = await benchService('normal');
  try {
    const store = svc.service.store;
    await insertAll(store, 'contacts', contacts(n));

    // baseline: bare inserts of minimal documents, in the same batches as the fan-out
    const minimal = Array.from({ length: n }, (_, i) => ({ actor: 'bench', role: 'admin', action: `x${i}` }));
    let t = performance.now();
    for (let i = 0; i < n; i += 1000) await store.collection('audit').insertMany(minimal.slice(i, i + 1000));
    const bareMs = performance.now() - t;

    const idleLoad = webhookLoad(svc.url, 0);
    await sleep(5_000);
    const idle = await idleLoad.stop();

    const settings = svc.service.fanout;
    const broadcast = () =>
      store.collection('broadcasts').insertOne({
        text: TEXT,
        audience: {
          countries: [],
          regions: [],
          sites: [],
          minerals: [],
          roles: [],
          languages: [],
          channels: [],
        },
        priority: 'bulk',
        sendAt: new Date(Date.now() + 365 * 86_400_000), // the scheduler leaves it alone: fanned out here
        createdBy: 'bench',
      });
    // the fan-out alone, for its rate…
    t = performance.now();
    const recipients = await fanOut(store, await broadcast(), settings);
    const fanMs = performance.now() - t;
    // …and another while webhooks arrive, for what it does to them
    const second = await broadcast();
    const busyLoad = webhookLoad(svc.url, 1_000_000);
    t = performance.now();
    await fanOut(store, second, settings);
    const busyFanMs = performance.now() - t;
    const busy = await busyLoad.stop();

    const rate = recipients / (fanMs / 1000);
    const bareRate = n / (bareMs / 1000);
    const ratio = rate / bareRate;
    const p99Ratio = busy.p99 / Math.max(1, idle.p99);
    return {
      bench: 'broadcast',
      value: Math.round(rate),
      baseline: Math.round(bareRate),
      ratio: Math.round(ratio * 1000) / 1000,
      target: 'ratio >= 0.5; webhook p99 during fan-out <= 1.5x idle',
      unit: 'recipients/s',
      met: ratio >= 0.5 && p99Ratio <= 1.5,
      details: {
        recipients,
        languages: Object.keys(TEXT).length,
        fanOutMs: Math.round(fanMs),
        fanOutUnderWebhookLoadMs: Math.round(busyFanMs),
        bareInsertMs: Math.round(bareMs),
        webhookIdleP99Ms: idle.p99,
        note: busy.rps ? undefined : 'no webhook was answered while the fan-out ran',
        webhookDuringFanOutP99Ms: busy.p99,
        webhookP99Ratio: Math.round(p99Ratio * 100) / 100,
        webhookIdleRps: Math.round(idle.rps),
        webhookDuringRps: Math.round(busy.rps),
      },
    };
  } finally {
    await stop();
  }
}
