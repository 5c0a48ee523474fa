import { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import express from 'express';
import { signTwilio } from '../test/helpers/twilioWebhook';
import { TEST_TWILIO } from '../test/helpers/service';
import { benchService } from './service';
import { BenchResult } from './types';

const CONNECTIONS = 40;

async function load(url: string, bodies: { body: string; signature: string }[], seconds: number) {
  let i = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const b = bodies[i++ % bodies.length];
          return {
            ...req,
            headers: {
              ...req.headers,
              'content-type': 'application/x-www-form-urlencoded',
              'x-twilio-signature': b.signature,
            },
            body: b.body,
          };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
    total: result.requests.total,
  };
}

/**
 * webhook: signed Twilio SMS webhooks through the whole path (signature, dedupe log,
 * contact, session, flow, report stored, reply queued) on the embedded engine, against
 * a bare express route that parses the same form and answers 200, in the same process.
 */
export async function webhookBench(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<BenchResult> {
  const path = '/webhooks/twilio/sms';
  const bodies: { body: string; signature: string }[] = [];
  for (let n = 0; n < 200_000; n++) {
    const params = {
      MessageSid: `SM${n.toString(16).padStart(32, '0')}`,
      AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
      From: `+2332${String(40_000_000 + n).padStart(8, '0')}`,
      To: TEST_TWILIO.TWILIO_FROM_NUMBER,
      Body: `PRICE GOLD ${3900 + (n % 300)} GHS G`,
    };
    const signature = signTwilio(path, params);
    bodies.push({ body: new URLSearchParams(params).toString(), signature });
  }

  // Baseline: the same harness against a bare route.
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post(path, (_req, res) => {
    res.type('text/xml').send('<Response/>');
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = await load(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    bodies,
    seconds,
  );
  server.close();

  const { svc, stop } = await benchService(process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full');
  const full = await load(svc.url + path, bodies, seconds);
  const reports = await svc.service.store.collection('reports').countDocuments();
  const replies = await svc.service.store.collection('outbound').countDocuments();
  await stop();

  const ratio = full.rps / base.rps;
  const p99Ratio = full.p99 / Math.max(1, base.p99);
  return {
    bench: 'webhook',
    value: Math.round(full.rps),
    baseline: Math.round(base.rps),
    ratio: Math.round(ratio * 1000) / 1000,
    target: 'ratio >= 0.5 and p99 <= 3x baseline',
    unit: 'req/s',
    met: ratio >= 0.5 && p99Ratio <= 3,
    details: {
      connections: CONNECTIONS,
      seconds,
      p99Ms: full.p99,
      baselineP99Ms: base.p99,
      p99Ratio: Math.round(p99Ratio * 100) / 100,
      requests: full.total,
      non2xx: full.non2xx,
      errors: full.errors,
      reportsStored: reports,
      repliesQueued: replies,
      embeddedSync: process.env.BENCH_SYNC === 'normal' ? 'normal' : 'full',
    },
  };
}
