import { Writable } from 'node:stream';
import { createLogger } from '../../src/log';
import { isoWeek, purgeOld } from '../../src/campaigns/digest';
import { Scheduler } from '../../src/schedulers';
import { engines } from '../helpers/engines';
import { TEST_ADMIN_TOKEN, startService } from '../helpers/service';
import { seedAnswers, seedDirectory } from '../helpers/directory';

describe('the weekly price digest', () => {
  test('adds one thing new from the knowledge network near each person, only when the SMS stays one segment', async () => {
    const svc = await startService();
    try {
      const store = svc.service.store;
      const now = new Date();
      await svc.say('+243990000911', 'ABONNER PRIX');
      await svc.say('+233240000912', 'SUB PRICES');
      await svc.say('+233240000913', 'SUB PRICES');
      await store
        .collection('contacts')
        .updateOne(
          { 'addresses.value': '+243990000911' },
          { $set: { region: 'Sud-Kivu', role: 'processor' } },
        );
      await store
        .collection('contacts')
        .updateOne({ 'addresses.value': '+233240000913' }, { $set: { region: 'Ashanti' } });
      // an event near the Congolese subscriber, one far away; an answer published this week in English
      await seedDirectory(
        store,
        [
          {
            kind: 'event',
            name: 'Dialogue Kamituga',
            topics: ['land_conflict'],
            regions: ['Sud-Kivu'],
            countries: ['CD'],
            place: 'Kamituga',
            startsInHours: 72,
          },
          {
            kind: 'event',
            name: 'Atelier Kolwezi',
            topics: ['safety'],
            regions: ['Lualaba'],
            countries: ['CD'],
            place: 'Kolwezi',
            startsInHours: 48,
          },
          {
            kind: 'organisation',
            name: 'Ashanti Small-Scale Miners Savings Union',
            topics: ['finance'],
            regions: ['Ashanti'],
            countries: ['GH'],
            summary: { en: 'Loans.' },
          },
        ],
        now,
      );
      await seedAnswers(
        store,
        [{ question: { en: 'Where to test the water for mercury?' }, answer: { en: 'The district lab.' } }],
        now,
      );

      await svc.service.scheduler.runNow('price-digest');
      const digests = await store
        .collection('outbound')
        .find({ dedupeKey: { $regex: '^digest:' } }, { sort: { to: 1 } });
      expect(digests.map((d) => [d.to, d.segments])).toEqual([
        ['+233240000912', 1],
        ['+233240000913', 1],
        ['+243990000911', 1],
      ]);
      const [ghana, ashanti, congo] = digests.map((d) => d.text);
      expect(congo).toMatch(/^Or : .* Événement : Dialogue Kamituga, [^,]+, \d\d:\d\d\. EVENEMENTS\.$/);
      expect(congo).not.toContain('Kolwezi');
      expect(ghana).toMatch(/\. Answered: Where to test the water for mercury\? ASK yours\.$/);
      // the entry near the Ashanti subscriber would make two SMS: the answer, shorter, goes instead
      expect(ashanti).not.toContain('Savings Union');
      expect(ashanti).toMatch(/Answered: Where to test the water for mercury\? ASK yours\.$/);
    } finally {
      await svc.stop();
    }
  });

  test('goes once a week to those who sent SUB PRICES, with the reference price and the local median', async () => {
    const svc = await startService();
    try {
      const store = svc.service.store;
      const res = await fetch(`${svc.url}/api/v1/prices/reference`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        body: JSON.stringify({
          mineral: 'gold',
          amount: 1740,
          currency: 'USD',
          unit: 'oz',
          source: 'LBMA PM fix',
        }),
      });
      expect(res.status).toBe(201);
      for (const p of ['4000', '4100', '3900']) await svc.say('+233240000901', `PRICE GOLD ${p} GHS G`);
      expect(await svc.say('+233240000901', 'SUB PRICES')).toEqual([
        'You will get Gold prices every week: reference and local median. Send UNSUB PRICES to stop.',
      ]);
      expect(await svc.say('+243990000902', 'ABONNER PRIX')).toEqual([
        'Vous recevrez chaque semaine les prix : Or, référence et médiane locale. DESABONNER PRIX pour arreter.',
      ]);
      await svc.say('+255712000903', 'JIUNGE BEI');
      await svc.say('+255712000903', 'ACHA'); // opted out: no digest
      await svc.say('+233240000904', 'hello'); // not subscribed

      expect(await svc.service.scheduler.runNow('price-digest')).toBe(true);
      await svc.service.scheduler.runNow('price-digest'); // same week: nothing twice
      const digests = await store
        .collection('outbound')
        .find({ dedupeKey: { $regex: '^digest:' } }, { sort: { to: 1 } });
      expect(digests.map((d) => [d.to, d.text, d.segments])).toEqual([
        [
          '+233240000901',
          expect.stringMatching(
            /^Gold: reference 1,740 USD\/oz \(\w+ \d+\)\. Here: 4,000 GHS\/g, median of 3 reports, 30 days\.$/,
          ),
          1,
        ],
        [
          '+243990000902',
          // a Congolese subscriber: never the Ghanaian median, in GHS
          expect.stringMatching(
            /^Or : référence 1 740 USD\/oz \(.*\)\. Pas encore de rapports d'ici en 30 jours\.$/,
          ),
          1,
        ],
      ]);
      expect(digests[0].dedupeKey).toBe(`digest:${isoWeek(new Date())}:${digests[0].contactId}`);

      expect(await svc.say('+233240000901', 'UNSUB PRICES')).toEqual([
        'No more weekly prices. Send SUB PRICES to get them again.',
      ]);
      expect(
        (await store.collection('contacts').findOne({ 'addresses.value': '+233240000901' }))!.subscriptions,
      ).toEqual([]);
    } finally {
      await svc.stop();
    }
  });

  test('ISO weeks', () => {
    expect(isoWeek(new Date('2026-11-27T06:00:00Z'))).toBe('2026-W48');
    expect(isoWeek(new Date('2027-01-01T06:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2026-01-01T06:00:00Z'))).toBe('2026-W01');
  });
});

const quiet = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));

for (const engine of engines().filter((e) => e.available)) {
  describe(`scheduled housekeeping (${engine.name})`, () => {
    test('a weekly job missed while the service was down runs once at start; one that ran recently does not', async () => {
      const { store, cleanup } = await engine.open();
      try {
        let runs = 0;
        const jobs = [
          {
            name: 'price-digest',
            cron: '0 6 * * 1',
            catchUpAfterMs: 7 * 86_400_000,
            run: async () => ++runs,
          },
        ];
        await store
          .collection('jobRuns')
          .insertOne({ _id: 'price-digest', lastRunAt: new Date(Date.now() - 9 * 86_400_000) });
        const first = new Scheduler(store, jobs, quiet);
        first.start();
        await new Promise((r) => setTimeout(r, 200));
        await first.stop();
        expect(runs).toBe(1);
        const second = new Scheduler(store, jobs, quiet);
        second.start();
        await new Promise((r) => setTimeout(r, 200));
        await second.stop();
        expect(runs).toBe(1);
      } finally {
        await cleanup();
      }
    });

    test('retention deletes old logs and finished messages, and keeps recent and pending ones', async () => {
      const { store, cleanup } = await engine.open();
      try {
        const old = new Date(Date.now() - 400 * 86_400_000);
        const base = { channel: 'sms' as const, transport: 'twilio' as const, address: '+2557', text: 'x' };
        await store.collection('inbound').insertMany([
          { ...base, providerMessageId: 'a', receivedAt: old, status: 'handled' },
          { ...base, providerMessageId: 'b', receivedAt: new Date(), status: 'handled' },
          { ...base, providerMessageId: 'c', receivedAt: old, status: 'received' },
        ]);
        const msg = { channel: 'sms' as const, transport: 'twilio' as const, to: '+2557', text: 'x' };
        await store.collection('outbound').insertMany([
          { ...msg, createdAt: old, status: 'delivered' },
          { ...msg, createdAt: old, status: 'queued' },
          { ...msg, createdAt: new Date(), status: 'delivered' },
        ]);
        expect(await purgeOld(store, 365)).toEqual({ inbound: 1, outbound: 1 });
        expect((await store.collection('inbound').find({})).map((i) => i.providerMessageId).sort()).toEqual([
          'b',
          'c',
        ]);
        expect(await store.collection('outbound').countDocuments()).toBe(2);
      } finally {
        await cleanup();
      }
    });
  });
}
