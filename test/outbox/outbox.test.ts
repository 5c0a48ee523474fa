import { Writable } from 'node:stream';
import { Sender } from '../../src/models/channel';
import { ConnectionFailed, FailedWithReason } from '../../src/domain/errors';
import { createLogger } from '../../src/log';
import { OutboundMessage } from '../../src/models';
import { TokenBucket } from '../../src/outbox/bucket';
import { OutboxWorker, backoffMs } from '../../src/outbox/worker';
import { EmbeddedStore } from '../../src/store';
import { tempDir } from '../helpers/engines';

const quiet = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));

describe('rate limiter charged per segment', () => {
  test('at 1 message a second, a 2-segment message holds the line twice as long as a 1-segment one', () => {
    let t = 0;
    const bucket = new TokenBucket(1, () => t);
    expect(bucket.reserve(2)).toBe(0); // starts now, busy for 2 s
    expect(bucket.reserve(1)).toBe(2000);
    t = 2500;
    expect(bucket.reserve(1)).toBe(500);
  });

  test('over a long run the rate holds exactly: 300 segments at 30/s take 10 seconds', () => {
    let t = 0;
    const bucket = new TokenBucket(30, () => t);
    for (let i = 0; i < 300; i++) t += bucket.reserve(1);
    expect(t).toBeCloseTo(300 * (1000 / 30) - 1000 / 30, 6);
  });

  test('a provider asking to retry after 7 s pauses the line for 7 s', () => {
    const t = 0;
    const bucket = new TokenBucket(1, () => t);
    bucket.pause(7000);
    expect(bucket.reserve(1)).toBe(7000);
  });
});

describe('back-off', () => {
  test('grows exponentially, is capped, and never tight-loops', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 10].map((a) => backoffMs(a, 1000, 60_000, mid))).toEqual([
      1000, 2000, 4000, 8000, 60000,
    ]);
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(800);
  });
});

describe('outbox worker', () => {
  let store: EmbeddedStore;
  let tmp: { dir: string; remove(): void };
  beforeEach(() => {
    tmp = tempDir();
    store = new EmbeddedStore({ dir: tmp.dir });
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  const msg = (over: Partial<OutboundMessage> = {}) => ({
    channel: 'sms' as const,
    transport: 'twilio' as const,
    to: '+243990000001',
    text: 'hello',
    ...over,
  });

  function recordingSender(fail: (m: OutboundMessage, n: number) => Error | undefined = () => undefined) {
    const sent: OutboundMessage[] = [];
    let n = 0;
    const sender: Sender = {
      transport: 'twilio',
      async send(m) {
        const err = fail(m, ++n);
        if (err) throw err;
        sent.push(m);
        return { providerId: `SM${n}`, status: 'sent' };
      },
    };
    return { sender, sent };
  }

  test('replies go before alerts, alerts before bulk', async () => {
    const out = store.collection('outbound');
    await out.insertOne(msg({ text: 'bulk', priority: 2 }));
    await out.insertOne(msg({ text: 'alert', priority: 1 }));
    await out.insertOne(msg({ text: 'reply', priority: 0 }));
    const { sender, sent } = recordingSender();
    const w = new OutboxWorker(store, [sender], { rates: {}, maxAttempts: 3 }, quiet);
    while (await w.sendOne(sender));
    expect(sent.map((m) => m.text)).toEqual(['reply', 'alert', 'bulk']);
  });

  test("a crashed worker's claim returns to the queue when its lease runs out, and is sent once", async () => {
    const out = store.collection('outbound');
    const m = await out.insertOne(msg());
    const crashed = new OutboxWorker(store, [], { rates: {}, maxAttempts: 3, leaseMs: 200 }, quiet);
    expect((await crashed.claim('twilio'))!._id).toBe(m._id);
    const { sender, sent } = recordingSender();
    const w = new OutboxWorker(store, [sender], { rates: {}, maxAttempts: 3 }, quiet);
    expect(await w.sendOne(sender)).toBe(false); // still leased by the crashed worker
    await new Promise((r) => setTimeout(r, 250));
    expect(await w.sendOne(sender)).toBe(true);
    expect(await w.sendOne(sender)).toBe(false);
    expect(sent.map((x) => x._id)).toEqual([m._id]);
    expect(await out.findOne({ _id: m._id })).toMatchObject({
      status: 'sent',
      attempts: 1,
      providerId: 'SM1',
    });
  });

  test('a message that keeps failing is tried a bounded number of times, then dead-lettered with its reason', async () => {
    const out = store.collection('outbound');
    const m = await out.insertOne(msg());
    const { sender } = recordingSender(() => new ConnectionFailed('connect ECONNREFUSED'));
    const w = new OutboxWorker(
      store,
      [sender],
      { rates: {}, maxAttempts: 3, baseBackoffMs: 1, maxBackoffMs: 1 },
      quiet,
    );
    let attempts = 0;
    for (let i = 0; i < 20; i++) {
      if (await w.sendOne(sender)) attempts++;
      else await new Promise((r) => setTimeout(r, 5));
      if ((await out.findOne({ _id: m._id }))!.status === 'dead') break;
    }
    expect(attempts).toBe(3);
    expect(await out.findOne({ _id: m._id })).toMatchObject({
      status: 'dead',
      attempts: 3,
      errorCode: 'connection_failed',
      errorReason: 'connect ECONNREFUSED',
    });
  });

  test('a permanent failure is dead-lettered at once with the provider code', async () => {
    const out = store.collection('outbound');
    const m = await out.insertOne(msg());
    const { sender } = recordingSender(() => new FailedWithReason('invalid To', '21211'));
    const w = new OutboxWorker(store, [sender], { rates: {}, maxAttempts: 5 }, quiet);
    await w.sendOne(sender);
    expect(await out.findOne({ _id: m._id })).toMatchObject({
      status: 'dead',
      attempts: 1,
      errorCode: 'failed',
    });
  });
});
