import { Writable } from 'node:stream';
import { createLogger } from '../../src/log';
import { FanoutSettings, runDueBroadcasts } from '../../src/campaigns/broadcasts';
import { Scheduler } from '../../src/schedulers';
import { engines } from '../helpers/engines';

const quiet = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
const settings: FanoutSettings = {
  defaultLanguage: 'en',
  defaultCurrency: 'USD',
  smsFoldGsm: true,
  smsSegmentPrice: 0.05,
  telegramMessagePrice: 0,
  whatsappMessagePrice: 0,
  priceCurrency: 'USD',
  pollDefaultDays: 7,
};

for (const engine of engines().filter((e) => e.available)) {
  test(`two scheduler instances on one store (${engine.name}): each scheduled broadcast goes out exactly once`, async () => {
    const { store, cleanup } = await engine.open();
    try {
      await store.collection('contacts').insertMany(
        Array.from({ length: 20 }, (_, i) => ({
          addresses: [
            { key: `sms:+2557000000${i}`, channel: 'sms', value: `+2557000000${i}`, transport: 'simulator' },
          ],
        })) as never,
      );
      for (let i = 0; i < 5; i++) {
        await store
          .collection('broadcasts')
          .insertOne({ text: { en: `notice ${i}` }, sendAt: new Date(Date.now() - 1000), createdBy: 'test' });
      }
      let runs = 0;
      const job = () => [
        {
          name: 'broadcasts',
          cron: '* * * * *',
          run: async () => {
            runs++;
            return runDueBroadcasts(store, settings);
          },
        },
      ];
      const a = new Scheduler(store, job(), quiet);
      const b = new Scheduler(store, job(), quiet);
      const ran = await Promise.all([
        a.runNow('broadcasts'),
        b.runNow('broadcasts'),
        a.runNow('broadcasts'),
        b.runNow('broadcasts'),
      ]);
      expect(ran.filter(Boolean).length).toBeGreaterThanOrEqual(1);
      expect(runs).toBe(ran.filter(Boolean).length);
      const out = await store.collection('outbound').find({});
      expect(out).toHaveLength(100);
      const perKey = new Set(out.map((m) => m.dedupeKey));
      expect(perKey.size).toBe(100);
      const states = (await store.collection('broadcasts').find({})).map((x) => x.state);
      expect(states).toEqual(['sending', 'sending', 'sending', 'sending', 'sending']);
    } finally {
      await cleanup();
    }
  });
}
