import { EmbeddedStore } from '../../src/store';
import { tempDir } from '../helpers/engines';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { exited, randomPort, spawnService } from '../helpers/process';
import { TEST_TWILIO } from '../helpers/service';
import { postTwilioForm, signTwilio } from '../helpers/twilioWebhook';
import { waitUntil } from '../helpers/wait';

const BURST = process.env.CI ? 200 : 400;
const ROUTE = '/webhooks/twilio/sms';

describe('SIGKILL during a burst of inbound messages', () => {
  test('after a restart every acknowledged message is handled exactly once: one report, one reply, none half-written', async () => {
    const tmp = tempDir();
    const fake = await new FakeTwilio().start();
    const port = randomPort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      ...TEST_TWILIO,
      TWILIO_API_BASE: fake.url,
      TWILIO_MPS: '1000',
      INBOUND_GLOBAL_PER_MINUTE: '100000',
      LOG_LEVEL: 'info', // the start line is what tells the harness the service listens
    };
    try {
      let child = await spawnService(tmp.dir, port, env);
      const acknowledged: string[] = [];
      const senders = new Map<string, string>();
      let sent = 0;
      const dead = exited(child);
      const send = async (n: number) => {
        const params = {
          MessageSid: `SM${n.toString(16).padStart(32, '0')}`,
          AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
          From: `+2439${String(80_000_000 + n).padStart(8, '0')}`,
          To: TEST_TWILIO.TWILIO_FROM_NUMBER,
          Body: `PRIX OR ${250_000 + n} FC G`,
        };
        const res = await postTwilioForm(base, ROUTE, params, signTwilio(ROUTE, params)).catch(
          () => undefined,
        );
        if (res?.status === 200) {
          acknowledged.push(params.MessageSid);
          senders.set(params.MessageSid, params.From);
        }
      };
      // 20 senders at once; the service is killed half-way through the burst
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          for (let n = sent++; n < BURST; n = sent++) {
            if (n === BURST / 2) child.kill('SIGKILL');
            await send(n);
          }
        }),
      );
      expect((await dead).signal).toBe('SIGKILL');
      expect(acknowledged.length).toBeGreaterThan(BURST / 10);

      // restart: what was logged but not handled is handled now
      child = await spawnService(tmp.dir, port, env);
      // every acknowledged sender gets their reply at the provider
      await waitUntil(async () => {
        const to = new Set(fake.requests.map((r) => r.params.To));
        return acknowledged.every((sid) => to.has(senders.get(sid)!));
      }, 30_000);
      const stopped = exited(child);
      child.kill('SIGTERM');
      expect((await stopped).code).toBe(0);

      const store = new EmbeddedStore({ dir: tmp.dir });
      try {
        const inbound = await store.collection('inbound').find({});
        const bySid = new Map(inbound.map((m) => [m.providerMessageId, m]));
        for (const sid of acknowledged) {
          const m = bySid.get(sid);
          expect({ sid, logged: !!m, status: m?.status }).toEqual({ sid, logged: true, status: 'handled' });
        }
        // every message the store holds, acknowledged or not: all of a message's effects or none
        for (const m of inbound) {
          const reports = await store.collection('reports').countDocuments({ sourceKey: `sms:${m._id}` });
          const replies = await store.collection('outbound').countDocuments({ inReplyTo: m._id });
          const state = m.status === 'handled' ? { reports: 1, replies: 1 } : { reports: 0, replies: 0 };
          expect({ sid: m.providerMessageId, reports, replies }).toEqual({
            sid: m.providerMessageId,
            ...state,
          });
        }
        expect(await store.collection('reports').countDocuments({})).toBe(
          inbound.filter((m) => m.status === 'handled').length,
        );
      } finally {
        await store.close();
      }
    } finally {
      await fake.stop();
      tmp.remove();
    }
  }, 120_000);
});
