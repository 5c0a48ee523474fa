import autocannon from 'autocannon';
import { tempDir } from '../test/helpers/engines';
import { FakeTwilio } from '../test/helpers/fakeTwilio';
import { TEST_TWILIO } from '../test/helpers/service';
import { signTwilio } from '../test/helpers/twilioWebhook';
import { dataset } from './dataset';
import { ROUTE, chimba } from './process';
import { counters } from './webhook';
import { BenchResult } from './types';

/** A price report as Congolese miners send it, from a number of the dataset's contacts or a new one. */
function report(n: number): { body: string; signature: string } {
  const params = {
    MessageSid: `SM${(0x7000000 + n).toString(16).padStart(32, '0')}`,
    AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
    From: `+2439${String(10_000_000 + (n % 150_000)).padStart(8, '0')}`,
    To: TEST_TWILIO.TWILIO_FROM_NUMBER,
    Body: `PRIX OR ${240_000 + (n % 30_000)} FC G`,
  };
  return { body: new URLSearchParams(params).toString(), signature: signTwilio(ROUTE, params) };
}

/**
 * One run at a steady offered rate: webhooks at `rate` a second for `seconds`, and what
 * the fake Twilio received (one reply per message handled). Samples the backlog (messages
 * answered by the webhook, not yet replied to) every second.
 */
export async function steady(dir: string, rate: number, seconds: number, env: Record<string, string> = {}) {
  const fake = await new FakeTwilio().start();
  const svc = await chimba(dir, fake.url, env);
  try {
    let n = 0;
    let answered = 0;
    const samples: { t: number; answered: number; replied: number }[] = [];
    const t0 = Date.now();
    const timer = setInterval(
      () => samples.push({ t: (Date.now() - t0) / 1000, answered, replied: fake.requests.length }),
      1000,
    );
    const instance = autocannon({
      url: svc.url + ROUTE,
      connections: 64,
      duration: seconds,
      overallRate: rate,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => {
            const b = report(n++);
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
    (instance as unknown as { on(e: string, f: (c: unknown, s: number) => void): void }).on(
      'response',
      (_c: unknown, status: number) => status === 200 && answered++,
    );
    const mid = setTimeout(async () => (midCounters = await counters(svc.url)), (seconds * 1000) / 3);
    let midCounters: Record<string, number> = {};
    const result = await instance;
    clearInterval(timer);
    clearTimeout(mid);
    const endCounters = await counters(svc.url);
    // the steady part: from a third of the run to its end
    const from = samples.find((s) => s.t >= seconds / 3)!;
    const to = samples[samples.length - 1];
    const span = to.t - from.t;
    const handledPerSecond = (to.replied - from.replied) / span;
    const backlogFrom = from.answered - from.replied;
    const backlogTo = to.answered - to.replied;
    return {
      offered: rate,
      answeredPerSecond: Math.round(result.requests.average),
      handledPerSecond: Math.round(handledPerSecond),
      flowsPerSecond: Math.round((endCounters.handled - (midCounters.handled ?? 0)) / ((seconds * 2) / 3)),
      backlogAtThird: backlogFrom,
      backlogAtEnd: backlogTo,
      // not growing: what it gained over the steady part is under two seconds of traffic
      backlogGrowing: backlogTo - backlogFrom > 2 * rate,
      webhookP99Ms: result.latency.p99,
      non2xx: result.non2xx,
      errors: result.errors,
    };
  } finally {
    await svc.stop();
    await fake.stop();
  }
}

/**
 * sustained: messages fully handled (report stored, reply sent to a fake Twilio) per second
 * for `BENCH_SUSTAINED_SECONDS` (60) at a steady offered rate (`BENCH_RATE`, 650 a second),
 * on an empty store and on one already holding `BENCH_REPORTS` (1,000,000) price reports,
 * 100,000 contacts and their rollups. The baseline is the offered rate; the backlog must
 * not grow.
 */
export async function sustainedBench(): Promise<BenchResult> {
  const seconds = Number(process.env.BENCH_SUSTAINED_SECONDS ?? 60);
  const rate = Number(process.env.BENCH_RATE ?? 650);
  const reports = Number(process.env.BENCH_REPORTS ?? 1_000_000);

  const empty = tempDir('chimba-bench-');
  const onEmpty = await steady(empty.dir, rate, seconds).finally(() => empty.remove());
  const full = await dataset({ contacts: 100_000, reports, outbound: 0, inbound: 0 }, { copy: true });
  const onFull = await steady(full.dir, rate, seconds).finally(() => full.remove());

  const worst = Math.min(onEmpty.handledPerSecond, onFull.handledPerSecond);
  return {
    bench: 'sustained',
    value: worst,
    baseline: rate,
    ratio: Math.round((worst / rate) * 1000) / 1000,
    target: '>= 600 messages/s handled end to end on both stores, backlog not growing',
    unit: 'messages/s (the worse of the two stores)',
    met: worst >= 600 && !onEmpty.backlogGrowing && !onFull.backlogGrowing,
    details: { seconds, emptyStore: onEmpty, storeWith: { reports, contacts: 100_000, ...onFull } },
  };
}
