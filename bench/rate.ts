import { Writable } from 'node:stream';
import { TwilioSender } from '../src/bots/twilio/outbound';
import { createLogger } from '../src/log';
import { OutboxWorker } from '../src/outbox/worker';
import { EmbeddedStore } from '../src/store';
import { tempDir } from '../test/helpers/engines';
import { FakeTwilio } from '../test/helpers/fakeTwilio';
import { TEST_TWILIO } from '../test/helpers/service';
import { BenchResult } from './types';

const quiet = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));

async function drain(n: number, seconds: number) {
  const tmp = tempDir('chimba-bench-');
  const store = new EmbeddedStore({ dir: tmp.dir, sync: 'normal' });
  const fake = await new FakeTwilio().start();
  fake.limitPerSecond = n; // the provider refuses anything above N messages in any second
  // One in four messages is two segments long and must count twice.
  const count = Math.max(4, Math.round(n * seconds * 0.8));
  const msgs = Array.from({ length: count }, (_, i) => ({
    channel: 'sms' as const,
    transport: 'twilio' as const,
    to: `+2557${String(i).padStart(8, '0')}`,
    text: i % 4 === 0 ? 'x'.repeat(200) : 'Price update',
    segments: i % 4 === 0 ? 2 : 1,
    priority: 2,
  }));
  for (let i = 0; i < msgs.length; i += 1000)
    await store.collection('outbound').insertMany(msgs.slice(i, i + 1000));
  const segments = msgs.reduce((a, m) => a + m.segments, 0);
  const sender = new TwilioSender({ ...twilioSettings(), apiBase: fake.url });
  const worker = new OutboxWorker(
    store,
    [sender],
    { rates: { twilio: n }, maxAttempts: 5, pollMs: 10 },
    quiet,
  );
  const start = performance.now();
  worker.start();
  while (fake.requests.length + 0 < count && performance.now() - start < (seconds * 3 + 10) * 1000) {
    await new Promise((r) => setTimeout(r, 20));
  }
  // From the first message's start to the last one's: the segments sent in between are
  // all but the last message's (the steady rate, not the start-up).
  const at = fake.acceptedAt;
  const last = at[at.length - 1];
  let lastSegments = 0;
  for (let i = at.length - 1; i >= 0 && at[i] === last; i--) lastSegments++;
  const elapsed = (last - at[0]) / 1000;
  const counted = segments - lastSegments;
  await worker.stop();
  await store.close();
  await fake.stop();
  tmp.remove();
  return {
    n,
    sent: fake.requests.length,
    segments,
    elapsed,
    achieved: counted / elapsed,
    throttled: fake.throttled,
  };
}

function twilioSettings() {
  return {
    accountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
    authToken: TEST_TWILIO.TWILIO_AUTH_TOKEN,
    from: TEST_TWILIO.TWILIO_FROM_NUMBER,
    apiBase: '',
  };
}

/**
 * rate: the outbox draining to a fake provider that allows N messages a second, for N =
 * 1, 30 and 100. Achieved segments a second over N (two-segment messages count twice).
 */
export async function rateBench(seconds = Number(process.env.BENCH_SECONDS ?? 10)): Promise<BenchResult> {
  const runs = [];
  for (const n of [1, 30, 100]) runs.push(await drain(n, seconds));
  const ratios = runs.map((r) => r.achieved / r.n);
  const worst = Math.min(...ratios);
  const throttled = runs.reduce((a, r) => a + r.throttled, 0);
  return {
    bench: 'rate',
    value: Math.round(worst * 1000) / 1000,
    baseline: 1,
    ratio: Math.round(worst * 1000) / 1000,
    target: 'achieved/N >= 0.95 for N = 1, 30, 100, with zero 429s',
    unit: 'achieved segments/s over N (worst of the three)',
    met: worst >= 0.95 && throttled === 0,
    details: {
      runs: runs.map((r) => ({
        n: r.n,
        messages: r.sent,
        segments: r.segments,
        seconds: Math.round(r.elapsed * 100) / 100,
        achievedPerSecond: Math.round(r.achieved * 100) / 100,
        ratio: Math.round((r.achieved / r.n) * 1000) / 1000,
        throttled: r.throttled,
      })),
    },
  };
}
