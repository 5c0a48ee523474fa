import { spawn } from 'node:child_process';
import path from 'node:path';
import { DuplicateKey, InvalidDocument } from '../../src/domain/errors';
import { EmbeddedStore, Store } from '../../src/store';
import { engines, tempDir } from '../helpers/engines';

const now = new Date('2026-11-27T06:00:00Z');

function outbound(over: Record<string, unknown> = {}) {
  return {
    channel: 'sms' as const,
    transport: 'twilio' as const,
    to: '+243990000001',
    text: 'hello',
    ...over,
  };
}

for (const engine of engines()) {
  const d = engine.available ? describe : describe.skip;
  if (!engine.available) {
    test.skip(`${engine.name} engine: ${engine.why}`, () => undefined);
    // Say it plainly in the log too, so a green run never hides an untested engine.
    console.warn(`SKIPPED store contract on ${engine.name}: ${engine.why}`);
  }

  d(`store contract on the ${engine.name} engine`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await engine.open());
    });
    afterEach(async () => cleanup());

    test('inserted documents get defaults and come back by filter, sorted, limited and projected', async () => {
      const out = store.collection('outbound');
      await out.insertOne(outbound({ text: 'b', priority: 2 }));
      await out.insertOne(outbound({ text: 'a', priority: 0 }));
      await out.insertOne(outbound({ text: 'c', priority: 1, to: '+255700000001' }));
      const all = await out.find({}, { sort: { priority: 1 } });
      expect(all.map((m) => m.text)).toEqual(['a', 'c', 'b']);
      expect(all[0].status).toBe('queued');
      expect(all[0].attempts).toBe(0);
      expect(typeof all[0]._id).toBe('string');
      expect(all[0].createdAt).toBeInstanceOf(Date);

      const two = await out.find(
        { to: '+243990000001' },
        { sort: { text: -1 }, limit: 1, projection: { text: 1 } },
      );
      expect(two).toEqual([{ _id: expect.any(String), text: 'b' }]);
      expect(await out.countDocuments({ priority: { $gte: 1 } })).toBe(2);
    });

    test('a document that breaks its schema is refused with InvalidDocument', async () => {
      await expect(
        store.collection('outbound').insertOne({ channel: 'pigeon' } as never),
      ).rejects.toBeInstanceOf(InvalidDocument);
      expect(await store.collection('outbound').countDocuments()).toBe(0);
    });

    test('update operators $set $inc $push $addToSet $unset change exactly what they name', async () => {
      const contacts = store.collection('contacts');
      const c = await contacts.insertOne({ site: 'Kamituga', region: 'Sud-Kivu', minerals: ['gold'] });
      const r = await contacts.updateOne(
        { _id: c._id },
        { $set: { role: 'miner' }, $push: { minerals: 'tin' }, $unset: { region: '' } },
      );
      expect(r).toMatchObject({ matched: 1, modified: 1 });
      await contacts.updateOne({ _id: c._id }, { $addToSet: { minerals: 'gold' } });
      await contacts.updateOne({ _id: c._id }, { $addToSet: { minerals: 'coltan' } });
      const out = store.collection('outbound');
      const m = await out.insertOne(outbound());
      await out.updateOne({ _id: m._id }, { $inc: { attempts: 2 } });
      await out.updateOne({ _id: m._id }, { $inc: { attempts: 1 } });

      const after = await contacts.findOne({ _id: c._id });
      expect(after).toMatchObject({ role: 'miner', site: 'Kamituga', minerals: ['gold', 'tin', 'coltan'] });
      expect(after).not.toHaveProperty('region');
      expect((await out.findOne({ _id: m._id }))!.attempts).toBe(3);
    });

    test('an update that breaks the schema is refused and changes nothing', async () => {
      const out = store.collection('outbound');
      const m = await out.insertOne(outbound());
      await expect(out.updateOne({ _id: m._id }, { $set: { status: 'lost' } })).rejects.toBeInstanceOf(
        InvalidDocument,
      );
      expect((await out.findOne({ _id: m._id }))!.status).toBe('queued');
    });

    test('upserts insert from the filter when nothing matches, and update when something does', async () => {
      const leases = store.collection('leases');
      const first = await leases.updateOne(
        { _id: 'digest' },
        { $set: { owner: 'a', until: now } },
        { upsert: true },
      );
      expect(first.upsertedId).toBe('digest');
      const second = await leases.updateOne({ _id: 'digest' }, { $set: { owner: 'b' } }, { upsert: true });
      expect(second).toMatchObject({ matched: 1, modified: 1 });
      expect(await leases.find({})).toEqual([{ _id: 'digest', owner: 'b', until: now }]);

      const viaFind = await store.collection('contacts').findOneAndUpdate(
        { 'addresses.key': 'sms:+243990000009' },
        {
          $setOnInsert: {
            addresses: [
              { key: 'sms:+243990000009', channel: 'sms', value: '+243990000009', transport: 'twilio' },
            ],
          },
          $set: { lastSeenAt: now },
        },
        { upsert: true },
      );
      expect(viaFind!.addresses[0].value).toBe('+243990000009');
      expect(viaFind!.optedOut).toBe(false);
    });

    test('deleteOne and deleteMany remove what matches and say how many', async () => {
      const out = store.collection('outbound');
      await out.insertMany([outbound({ priority: 2 }), outbound({ priority: 2 }), outbound({ priority: 0 })]);
      expect(await out.deleteOne({ priority: 2 })).toBe(1);
      expect(await out.deleteMany({ priority: { $in: [0, 2] } })).toBe(2);
      expect(await out.countDocuments()).toBe(0);
    });

    test('a unique index violation is one typed error, DuplicateKey, and the first document stays', async () => {
      const contacts = store.collection('contacts');
      const addr = {
        key: 'sms:+243990000001',
        channel: 'sms',
        value: '+243990000001',
        transport: 'twilio',
      } as const;
      await contacts.insertOne({ addresses: [addr], site: 'first' });
      const err = await contacts.insertOne({ addresses: [addr], site: 'second' }).catch((e) => e);
      expect(err).toBeInstanceOf(DuplicateKey);
      expect(err.retryable).toBe(false);
      const other = await contacts.insertOne({ addresses: [{ ...addr, key: 'sms:+2', value: '+2' }] });
      await expect(
        contacts.updateOne({ _id: other._id }, { $push: { addresses: addr } }),
      ).rejects.toBeInstanceOf(DuplicateKey);
      expect(await contacts.find({ 'addresses.key': addr.key })).toHaveLength(1);
      // sparse unique: many documents without the key are fine
      await store.collection('outbound').insertMany([outbound(), outbound()]);
      await store.collection('outbound').insertOne(outbound({ dedupeKey: 'b1:c1' }));
      await expect(
        store.collection('outbound').insertOne(outbound({ dedupeKey: 'b1:c1' })),
      ).rejects.toBeInstanceOf(DuplicateKey);
    });

    test(
      'TTL indexes expire documents',
      async () => {
        const sessions = store.collection('sessions');
        const base = { active: true, flowId: 'price', flowVersion: 1, stepId: 'mineral', answers: {} };
        await sessions.insertOne({ _id: 'old', ...base, expiresAt: new Date(Date.now() - 1000) });
        await sessions.insertOne({ _id: 'fresh', ...base, expiresAt: new Date(Date.now() + 3_600_000) });
        const deadline = Date.now() + (engine.name === 'mongo' ? 120_000 : 5_000);
        while (Date.now() < deadline && (await sessions.findOne({ _id: 'old' }))) {
          await new Promise((r) => setTimeout(r, 100));
        }
        expect((await sessions.find({})).map((s) => s._id)).toEqual(['fresh']);
      },
      engine.name === 'mongo' ? 130_000 : 10_000,
    );

    test('findOneAndUpdate claims are atomic: 50 concurrent claimers never get the same document', async () => {
      const out = store.collection('outbound');
      await out.insertMany(Array.from({ length: 30 }, (_, i) => outbound({ text: `m${i}` })));
      const claims = await Promise.all(
        Array.from({ length: 50 }, (_, w) =>
          out.findOneAndUpdate(
            { status: 'queued' },
            { $set: { status: 'sending', leaseOwner: `w${w}` } },
            { sort: { createdAt: 1 } },
          ),
        ),
      );
      const got = claims.filter(Boolean).map((c) => c!._id);
      expect(got).toHaveLength(30);
      expect(new Set(got).size).toBe(30);
      expect(await out.countDocuments({ status: 'queued' })).toBe(0);
    });

    test('aggregation $match $group ($sum $avg $min $max $median) $sort $project $dateTrunc gives the expected numbers', async () => {
      const reports = store.collection('reports');
      const rows: [string, number, string][] = [
        ['gold', 250000, '2026-11-23T08:00:00Z'], // week of Sun 22 Nov
        ['gold', 260000, '2026-11-24T08:00:00Z'],
        ['gold', 300000, '2026-11-25T08:00:00Z'],
        ['gold', 240000, '2026-11-17T08:00:00Z'], // week of Sun 15 Nov
        ['tin', 30000, '2026-11-24T08:00:00Z'],
      ];
      let i = 0;
      for (const [mineral, amount, at] of rows) {
        await reports.insertOne({
          kind: 'price',
          reference: `P-AAAA${'23456'[i++]}`,
          channel: 'sms',
          mineral: mineral as 'gold',
          amount,
          currency: 'CDF',
          unit: 'g',
          createdAt: new Date(at),
        });
      }
      const result = await reports.aggregate([
        { $match: { kind: 'price', mineral: 'gold' } },
        {
          $group: {
            _id: { $dateTrunc: { date: '$createdAt', unit: 'week' } },
            n: { $sum: 1 },
            avg: { $avg: '$amount' },
            min: { $min: '$amount' },
            max: { $max: '$amount' },
            median: { $median: { input: '$amount', method: 'approximate' } },
          },
        },
        { $sort: { _id: 1 } },
        { $project: { _id: 0, week: '$_id', n: 1, avg: 1, min: 1, max: 1, median: 1 } },
      ]);
      expect(result).toEqual([
        {
          week: new Date('2026-11-15T00:00:00Z'),
          n: 1,
          avg: 240000,
          min: 240000,
          max: 240000,
          median: 240000,
        },
        {
          week: new Date('2026-11-22T00:00:00Z'),
          n: 3,
          avg: 270000,
          min: 250000,
          max: 300000,
          median: 260000,
        },
      ]);
    });

    test('filters SQL answers: equality with null, $ne, $in with null, $exists, ranges on dates, $or, arrays', async () => {
      const contacts = store.collection('contacts');
      const at = (d: number) => new Date(Date.UTC(2026, 10, d));
      const addr = (v: string) =>
        ({ key: `sms:${v}`, channel: 'sms', value: v, transport: 'twilio' }) as const;
      await contacts.insertMany([
        {
          addresses: [addr('+1')],
          region: 'Geita',
          minerals: ['gold', 'tin'],
          lastSeenAt: at(1),
          optedOut: false,
        },
        { addresses: [addr('+2')], region: 'Mara', minerals: ['gold'], lastSeenAt: at(5), optedOut: true },
        { addresses: [addr('+3')], minerals: [], lastSeenAt: at(9), optedOut: false },
        {
          addresses: [addr('+4'), { ...addr('+5'), channel: 'telegram', key: 'telegram:5' }],
          region: 'Ituri',
          lastSeenAt: at(12),
        },
      ]);
      const values = async (filter: Record<string, unknown>) =>
        (await contacts.find(filter, { sort: { lastSeenAt: 1 } })).map((c) => c.addresses[0].value);
      expect(await values({ region: null })).toEqual(['+3']);
      expect(await values({ region: { $ne: 'Geita' } })).toEqual(['+2', '+3', '+4']);
      expect(await values({ region: { $in: ['Mara', null] } })).toEqual(['+2', '+3']);
      expect(await values({ region: { $exists: false } })).toEqual(['+3']);
      expect(await values({ region: { $exists: true }, optedOut: false })).toEqual(['+1', '+4']);
      expect(await values({ lastSeenAt: { $gt: at(1), $lte: at(9) } })).toEqual(['+2', '+3']);
      expect(await values({ $or: [{ region: 'Mara' }, { lastSeenAt: { $gte: at(12) } }] })).toEqual([
        '+2',
        '+4',
      ]);
      expect(await values({ minerals: 'tin' })).toEqual(['+1']);
      expect(await values({ minerals: { $in: ['gold', 'coltan'] } })).toEqual(['+1', '+2']);
      expect(await values({ 'addresses.key': 'telegram:5' })).toEqual(['+4']);
      expect(await values({ 'addresses.channel': 'telegram' })).toEqual(['+4']);
      expect(await contacts.countDocuments({ minerals: 'gold', optedOut: false })).toBe(1);
    });

    test("the voice line's reads and writes: a due date through a sparse index, $unset of an array, a long $in", async () => {
      const calls = store.collection('voiceCalls');
      const now = new Date('2026-12-02T10:00:00Z');
      const at = (h: number) => new Date(now.getTime() + h * 3_600_000);
      const call = (id: string, due?: Date) => ({
        _id: id,
        step: 1,
        stack: [],
        lang: 'sw',
        silence: 0,
        direction: 'inbound' as const,
        createdAt: now,
        updatedAt: now,
        expiresAt: at(48),
        ...(due ? { recordings: [{ sid: `RE-${id}`, until: due }], recordingsDue: due } : {}),
      });
      await calls.insertMany([call('CA1', at(-1)), call('CA2', at(5)), call('CA3')]);
      const due = async (when: Date) =>
        (await calls.find({ recordingsDue: { $lte: when } }, { sort: { _id: 1 } })).map((c) => c._id);
      expect(await due(now)).toEqual(['CA1']);
      expect(await due(at(6))).toEqual(['CA1', 'CA2']);
      await calls.updateOne({ _id: 'CA1' }, { $unset: { recordings: '', recordingsDue: '' } });
      expect(await due(at(6))).toEqual(['CA2']);
      expect((await calls.findOne({ _id: 'CA2' }))!.recordings).toEqual([{ sid: 'RE-CA2', until: at(5) }]);

      const out = store.collection('outbound');
      await out.insertMany([
        outbound({ dedupeKey: 'cb:1', to: '+255712000001', call: { purpose: 'callback' }, createdAt: now }),
        outbound({ dedupeKey: 'cb:2', to: '+255712000002', call: { purpose: 'alert' }, createdAt: now }),
        outbound({ dedupeKey: 'sms:1', to: '+255712000001', createdAt: now }),
      ]);
      // a call back queued in the last ten minutes, found through the unique key
      const recent = await out.find({ dedupeKey: { $in: ['cb:1', 'cb:0'] } });
      expect(recent.map((m) => [m.dedupeKey, m.call?.purpose, m.to])).toEqual([
        ['cb:1', 'callback', '+255712000001'],
      ]);

      // a reference typed on the keypad: thousands of candidates at once
      const wanted = Array.from({ length: 6000 }, (_, i) => `dk:${i}`);
      expect((await out.find({ dedupeKey: { $in: [...wanted, 'cb:2'] } })).map((m) => m.dedupeKey)).toEqual([
        'cb:2',
      ]);
    });

    test('what SQL cannot say is still answered exactly: regular expressions, mixed paths, sorts on arrays', async () => {
      const out = store.collection('outbound');
      await out.insertMany([
        outbound({ dedupeKey: 'digest:1', text: 'a', buttons: [[{ text: 'x', data: 'p:1' }]] }),
        outbound({ dedupeKey: 'digest:2', text: 'b' }),
        outbound({ dedupeKey: 'triage:1', text: 'c', priority: 1 }),
      ]);
      expect(
        (await out.find({ dedupeKey: { $regex: '^digest:' } }, { sort: { text: 1 } })).map((m) => m.text),
      ).toEqual(['a', 'b']);
      expect((await out.find({ 'buttons.0.0.data': 'p:1' })).map((m) => m.text)).toEqual(['a']);
      expect(await out.countDocuments({ dedupeKey: { $regex: 'e:' } })).toBe(1);
      // a page of an inexact filter: checked one by one in SQL's order until it is full
      const page = await out.find(
        { dedupeKey: { $regex: ':' } },
        { sort: { priority: -1, text: 1 }, skip: 1, limit: 1 },
      );
      expect(page.map((m) => m.text)).toEqual(['a']);
    });

    test('projections, including one answered from an index alone, and streams in pages', async () => {
      const reports = store.collection('reports');
      const docs = Array.from({ length: 25 }, (_, i) => ({
        kind: 'price' as const,
        reference: `P-${'ABCDEFGHJKMNPQRSTUVWXYZ23'[i]}2222`,
        channel: 'sms' as const,
        mineral: 'gold' as const,
        amount: 1000 + i,
        currency: 'CDF',
        unit: 'g' as const,
        region: i % 2 ? 'Geita' : 'Mara',
        createdAt: new Date(Date.UTC(2026, 10, 1, i)),
      }));
      await reports.insertMany(docs);
      const covered = await reports.find(
        {
          mineral: 'gold',
          currency: 'CDF',
          region: 'Geita',
          createdAt: { $gte: new Date(Date.UTC(2026, 10, 1, 10)) },
        },
        { sort: { createdAt: -1 }, limit: 3, projection: { _id: 0, amount: 1, createdAt: 1 } },
      );
      expect(covered).toEqual([
        { amount: 1023, createdAt: new Date(Date.UTC(2026, 10, 1, 23)) },
        { amount: 1021, createdAt: new Date(Date.UTC(2026, 10, 1, 21)) },
        { amount: 1019, createdAt: new Date(Date.UTC(2026, 10, 1, 19)) },
      ]);
      const withId = await reports.findOne({ amount: 1000 }, { projection: { reference: 1 } });
      expect(Object.keys(withId!).sort()).toEqual(['_id', 'reference']);
      const streamed: number[] = [];
      for await (const r of reports.stream({ region: 'Mara' }, { batchSize: 4 })) streamed.push(r.amount!);
      expect(streamed.sort((a, b) => a - b)).toEqual(
        docs.filter((d) => d.region === 'Mara').map((d) => d.amount),
      );
      const sorted: number[] = [];
      for await (const r of reports.stream({}, { sort: { amount: -1 }, batchSize: 7 }))
        sorted.push(r.amount!);
      expect(sorted).toEqual(docs.map((d) => d.amount).reverse());
      // a stream with a projection reads those fields (and _id) alone, dates as dates, with
      // or without a filter SQL says exactly, sorted or not
      const slim: unknown[] = [];
      for await (const r of reports.stream(
        { kind: 'price', region: 'Geita' },
        { batchSize: 5, projection: { amount: 1, createdAt: 1, region: 1 } },
      ))
        slim.push(r);
      expect(slim).toHaveLength(12);
      expect(slim[0]).toEqual({
        _id: expect.any(String),
        amount: 1001,
        createdAt: new Date(Date.UTC(2026, 10, 1, 1)),
        region: 'Geita',
      });
      const inexact: unknown[] = [];
      for await (const r of reports.stream(
        { reference: { $regex: '^P-[AB]' } },
        { projection: { _id: 0, amount: 1 } },
      ))
        inexact.push(r);
      expect(inexact).toEqual([{ amount: 1000 }, { amount: 1001 }]);
      const top: unknown[] = [];
      for await (const r of reports.stream(
        {},
        { sort: { amount: -1 }, batchSize: 2, projection: { _id: 0, amount: 1 } },
      ))
        if (top.push(r) === 3) break;
      expect(top).toEqual([{ amount: 1024 }, { amount: 1023 }, { amount: 1022 }]);
    });

    test('groups on plain fields count and sum as MongoDB does, with null for a missing key and no row for nothing', async () => {
      const out = store.collection('outbound');
      await out.insertMany([
        outbound({ status: 'sent', segments: 1 }),
        outbound({ status: 'sent', segments: 2, transport: 'telegram', channel: 'telegram' }),
        outbound({ status: 'dead', segments: 3 }),
        outbound({ status: 'sent', segments: 1, broadcastId: 'b1' }),
      ]);
      const rows = await out.aggregate<{ _id: { t: string; s: string }; n: number; seg: number }>([
        { $match: { status: { $in: ['sent', 'dead'] } } },
        { $group: { _id: { t: '$transport', s: '$status' }, n: { $sum: 1 }, seg: { $sum: '$segments' } } },
        { $sort: { '_id.t': 1, '_id.s': 1 } },
      ]);
      expect(rows).toEqual([
        { _id: { t: 'telegram', s: 'sent' }, n: 1, seg: 2 },
        { _id: { t: 'twilio', s: 'dead' }, n: 1, seg: 3 },
        { _id: { t: 'twilio', s: 'sent' }, n: 2, seg: 2 },
      ]);
      const byBroadcast = await out.aggregate<{ _id: string | null; n: number }>([
        { $match: {} },
        { $group: { _id: '$broadcastId', n: { $sum: 1 } } },
        { $sort: { n: -1 } },
      ]);
      expect(byBroadcast).toEqual([
        { _id: null, n: 3 },
        { _id: 'b1', n: 1 },
      ]);
      expect(
        await out.aggregate([{ $match: { status: 'queued' } }, { $group: { _id: null, n: { $sum: 1 } } }]),
      ).toEqual([]);
    });

    test('a unit of work commits all its writes together, or none of them when it fails', async () => {
      const contacts = store.collection('contacts');
      const leases = store.collection('leases');
      const id = await store.unit(async (tx) => {
        const c = await tx.collection('contacts').insertOne({ site: 'Kamituga' });
        await tx.collection('leases').insertOne({ _id: 'unit-ok', owner: 'me', until: now });
        // a nested unit is the same unit
        await tx.unit(async (same) =>
          same.collection('contacts').updateOne({ _id: c._id }, { $set: { region: 'Sud-Kivu' } }),
        );
        return c._id;
      });
      expect(await contacts.findOne({ _id: id })).toMatchObject({ site: 'Kamituga', region: 'Sud-Kivu' });
      expect(await leases.findOne({ _id: 'unit-ok' })).toMatchObject({ owner: 'me' });
      await expect(
        store.unit(async (tx) => {
          await tx.collection('contacts').updateOne({ _id: id }, { $set: { site: 'changed' } });
          await tx.collection('leases').insertOne({ _id: 'unit-failed', owner: 'me', until: now });
          // a duplicate key the unit does not handle: everything above is undone
          await tx.collection('leases').insertOne({ _id: 'unit-ok', owner: 'again', until: now });
        }),
      ).rejects.toBeInstanceOf(DuplicateKey);
      expect((await contacts.findOne({ _id: id }))!.site).toBe('Kamituga');
      expect(await leases.findOne({ _id: 'unit-failed' })).toBeNull();
      // a duplicate the unit catches (as find-or-create does) leaves the rest of the unit standing
      await store.unit(async (tx) => {
        await tx.collection('leases').insertOne({ _id: 'unit-kept', owner: 'me', until: now });
        await tx
          .collection('leases')
          .insertOne({ _id: 'unit-ok', owner: 'again', until: now })
          .catch((err) => expect(err).toBeInstanceOf(DuplicateKey));
      });
      expect(await leases.findOne({ _id: 'unit-kept' })).toMatchObject({ owner: 'me' });
    });
  });
}

describe('embedded engine durability', () => {
  test('a write that was acknowledged survives the process being killed with SIGKILL', async () => {
    const tmp = tempDir();
    try {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', path.join(__dirname, 'writer.fixture.ts'), tmp.dir],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const acked: string[] = [];
      await new Promise<void>((resolve, reject) => {
        let buf = '';
        child.stdout.on('data', (chunk: Buffer) => {
          buf += chunk.toString();
          const lines = buf.split('\n');
          buf = lines.pop()!;
          for (const l of lines) if (l.startsWith('ack ')) acked.push(l.slice(4));
          if (acked.length >= 200) {
            child.kill('SIGKILL');
          }
        });
        child.on('exit', (_code, signal) =>
          signal === 'SIGKILL' ? resolve() : reject(new Error(`exit ${signal}`)),
        );
        child.on('error', reject);
      });
      expect(acked.length).toBeGreaterThanOrEqual(200);
      const store = new EmbeddedStore({ dir: tmp.dir });
      try {
        const ids = new Set(
          (await store.collection('outbound').find({}, { projection: { _id: 1 } })).map((d) => d._id),
        );
        const lost = acked.filter((id) => !ids.has(id));
        expect(lost).toEqual([]);
      } finally {
        await store.close();
      }
    } finally {
      tmp.remove();
    }
  });
});
