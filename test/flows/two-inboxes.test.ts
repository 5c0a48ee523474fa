import { Writable } from 'node:stream';
import { BUILTIN_FLOWS } from '../../src/flows/definitions';
import { FlowEngine } from '../../src/flows/engine';
import { Inbox, logInbound } from '../../src/flows/inbox';
import { Translator } from '../../src/i18n';
import { createLogger } from '../../src/log';
import { InboundMessage } from '../../src/models';
import { EmbeddedStore, Store } from '../../src/store';
import { tempDir } from '../helpers/engines';

const quiet = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));

/**
 * An instance of the line: its own engine and inbox on the shared store. Its engine takes
 * a while before each message (as a busy instance would), so two instances handling one
 * person at once would overlap, and is watched: how many of one person's messages are in
 * hand at a time, in which order they are handled.
 */
function instance(store: Store, watch: { active: Map<string, number>; most: number; order: string[] }) {
  const engine = new FlowEngine({
    store,
    translator: new Translator('en'),
    flows: { ...BUILTIN_FLOWS },
    settings: { defaultLanguage: 'en', defaultCurrency: 'USD', sessionTimeoutMinutes: 60, smsFoldGsm: true },
  });
  const real = engine.handle.bind(engine);
  engine.handle = async (m: InboundMessage, o?: { silent?: boolean }) => {
    const n = (watch.active.get(m.address) ?? 0) + 1;
    watch.active.set(m.address, n);
    watch.most = Math.max(watch.most, n);
    try {
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      watch.order.push(m.text);
      return await real(m, o);
    } finally {
      watch.active.set(m.address, watch.active.get(m.address)! - 1);
    }
  };
  return new Inbox(store, engine, quiet);
}

describe('two instances on one store', () => {
  test('never handle one person’s messages at the same time, and handle them in the order they came', async () => {
    const tmp = tempDir();
    const store = new EmbeddedStore({ dir: tmp.dir });
    try {
      const watch = { active: new Map<string, number>(), most: 0, order: [] as string[] };
      const a = instance(store, watch);
      const b = instance(store, watch);
      const people = ['+243990000301', '+243990000302', '+243990000303'];
      const t0 = Date.UTC(2026, 11, 1, 6);
      // twelve messages each, arriving alternately at either instance, all at once
      const accepted: Promise<unknown>[] = [];
      for (let i = 0; i < 12; i++)
        for (const [p, from] of people.entries())
          accepted.push(
            (i % 2 ? a : b).accept({
              kind: 'message',
              channel: 'sms',
              transport: 'simulator',
              providerMessageId: `m-${p}-${i}`,
              address: from,
              text: `PRICE GOLD ${1000 + i} USD G #${p}`,
              receivedAt: new Date(t0 + i * 1000),
            }),
          );
      await Promise.all(accepted);
      await Promise.all([a.settle(), b.settle()]);
      expect(watch.most).toBe(1);
      for (const [p] of people.entries()) {
        const mine = watch.order.filter((t) => t.endsWith(`#${p}`));
        expect(mine).toEqual(Array.from({ length: 12 }, (_, i) => `PRICE GOLD ${1000 + i} USD G #${p}`));
      }
      // each handled once: one reply per message, all handled, no lease left behind
      expect(await store.collection('inbound').countDocuments({ status: 'handled' })).toBe(36);
      expect(await store.collection('outbound').countDocuments({})).toBe(36);
      expect(await store.collection('leases').countDocuments({})).toBe(0);
    } finally {
      await store.close();
      tmp.remove();
    }
  });
});

describe('one message reaching two handlers', () => {
  test('the second is told the replies the first queued, and nothing is queued twice', async () => {
    // the simulator handles a message as it answers while the start-up resume may drain the
    // same message: whichever comes second must still show the person's replies
    const tmp = tempDir();
    const store = new EmbeddedStore({ dir: tmp.dir });
    try {
      const engine = new FlowEngine({
        store,
        translator: new Translator('en'),
        flows: { ...BUILTIN_FLOWS },
        settings: {
          defaultLanguage: 'en',
          defaultCurrency: 'USD',
          sessionTimeoutMinutes: 60,
          smsFoldGsm: true,
        },
      });
      const { inbound } = await logInbound(store, {
        channel: 'sms',
        transport: 'simulator',
        providerMessageId: 'twice-1',
        address: '+243990000311',
        text: 'Hello',
        receivedAt: new Date(),
      });
      const [first, second] = await Promise.all([engine.handle(inbound), engine.handle(inbound)]);
      expect(first.replies.map((r) => r.text)).toEqual([expect.stringContaining('Bienvenue sur Chimba')]);
      expect(second.replies).toEqual(first.replies);
      expect(await store.collection('outbound').countDocuments({})).toBe(1);
      expect(await store.collection('inbound').countDocuments({ status: 'handled' })).toBe(1);
    } finally {
      await store.close();
      tmp.remove();
    }
  });
});
