import { EmbeddedStore } from '../../src/store';
import { smsContacts } from '../helpers/contacts';
import { tempDir } from '../helpers/engines';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { exited, randomPort, spawnService } from '../helpers/process';
import { TEST_ADMIN_TOKEN, TEST_TWILIO } from '../helpers/service';
import { waitUntil } from '../helpers/wait';

const N = process.env.CI ? 2_000 : 10_000;

test(`SIGKILL halfway through a ${N}-recipient broadcast: after a restart every recipient has exactly one message`, async () => {
  const tmp = tempDir();
  const fake = await new FakeTwilio().start();
  const port = randomPort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...TEST_TWILIO, TWILIO_API_BASE: fake.url, TWILIO_MPS: '1000', EMBEDDED_SYNC: 'normal' };
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: body ? JSON.stringify(body) : undefined,
    });
    return (await res.json()) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  try {
    const seed = new EmbeddedStore({ dir: tmp.dir });
    const people = smsContacts(N, 40_000_000, (i) => (i % 2 ? 'fr' : 'sw'));
    for (let i = 0; i < N; i += 1000) await seed.collection('contacts').insertMany(people.slice(i, i + 1000));
    await seed.close();

    let child = await spawnService(tmp.dir, port, env);
    const created = await call('POST', '/api/v1/broadcasts', {
      text: {
        fr: "Alerte : fortes pluies, risque d'éboulement. Quittez les puits profonds.",
        sw: 'Tahadhari: mvua kubwa, hatari ya maporomoko. Tokeni mashimo marefu.',
      },
      priority: 'alert',
    });
    expect(created.recipients).toBe(N);

    await fake.waitFor(N / 2, 120_000);
    const dead = exited(child);
    child.kill('SIGKILL');
    expect((await dead).signal).toBe('SIGKILL');
    const beforeRestart = fake.requests.length;
    expect(beforeRestart).toBeLessThan(N);
    // what the kill left on disk: messages claimed and not recorded as sent, and how much of
    // the fan-out was queued (the outbox may have caught up with it: then nothing is in flight)
    const left = new EmbeddedStore({ dir: tmp.dir });
    const inFlight = await left.collection('outbound').countDocuments({ status: 'sending' });
    const queuedAtKill = await left.collection('outbound').countDocuments({});
    await left.close();
    expect(inFlight > 0 || queuedAtKill < N).toBe(true); // the kill cut something short

    child = await spawnService(tmp.dir, port, env);
    let status: Record<string, any> = {}; // eslint-disable-line @typescript-eslint/no-explicit-any
    await waitUntil(
      async () => {
        status = await call('GET', `/api/v1/broadcasts/${created.id}`);
        return status.counts.queued === 0 && status.state === 'done';
      },
      120_000,
      250,
    );
    // our side: one outbox message per recipient, every one sent, none failed
    expect(status.counts).toEqual({ queued: 0, sent: N, delivered: 0, failed: 0, cancelled: 0 });
    expect(status.byChannel).toEqual([
      { channel: 'sms', transport: 'twilio', status: 'sent', messages: N, segments: N, cost: {} },
    ]);
    // the provider's side: every recipient reached; a repeat only for a send that was in
    // flight at the kill (accepted by the provider, its answer never recorded): the outbox's
    // 16 sends per transport, and the answers of its last commit (a few milliseconds of sending)
    const to = fake.requests.map((r) => r.params.To);
    expect(new Set(to).size).toBe(N);
    const repeats = to.length - N;
    expect(repeats).toBeLessThanOrEqual(16 + 8);
    if (inFlight)
      expect(child.output()).toMatch(
        new RegExp(`"orphans":${inFlight},.*messages claimed by a previous run were put back in the queue`),
      );

    const stopped = exited(child);
    child.kill('SIGTERM');
    expect(await stopped).toEqual({ code: 0, signal: null });
  } finally {
    await fake.stop();
    tmp.remove();
  }
}, 240_000);
