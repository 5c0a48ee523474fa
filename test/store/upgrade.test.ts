import path from 'node:path';
import Database from 'better-sqlite3';
import { DuplicateKey, StoreUnavailable } from '../../src/domain/errors';
import { EMBEDDED_FORMAT, EmbeddedStore } from '../../src/store/embedded';
import { encodeDoc } from '../../src/store/codec';
import { tempDir } from '../helpers/engines';

/**
 * A data folder as the first embedded engine left it: the same `c_<collection>` tables of
 * JSON documents, no indexes (it kept them in memory), `user_version` 0.
 */
function writeFirstFormat(dir: string, docs: Record<string, Record<string, unknown>[]>): void {
  const db = new Database(path.join(dir, 'chimba.sqlite'));
  db.pragma('journal_mode = WAL');
  for (const [name, list] of Object.entries(docs)) {
    db.exec(`CREATE TABLE IF NOT EXISTS "c_${name}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
    const put = db.prepare(`INSERT INTO "c_${name}" (id, doc) VALUES (?, ?)`);
    for (const d of list) put.run(d._id, encodeDoc(d));
  }
  db.close();
}

describe('a data folder written by an earlier version', () => {
  test('the first format (documents held in memory) opens and is upgraded in place, nothing lost', async () => {
    const tmp = tempDir();
    try {
      const at = new Date('2026-10-01T08:00:00Z');
      writeFirstFormat(tmp.dir, {
        contacts: [
          {
            _id: 'c1',
            addresses: [
              {
                key: 'sms:+243990000001',
                channel: 'sms',
                value: '+243990000001',
                transport: 'twilio',
                addedAt: at,
              },
            ],
            minerals: ['gold'],
            registration: 'complete',
            optedOut: false,
            subscriptions: ['prices'],
            firstSeenAt: at,
            lastSeenAt: at,
            country: 'CD',
          },
        ],
        reports: [
          {
            _id: 'r1',
            kind: 'price',
            reference: 'P-4K7Q2',
            anonymous: false,
            confidential: true,
            channel: 'sms',
            state: 'new',
            mineral: 'gold',
            amount: 250000,
            currency: 'CDF',
            unit: 'g',
            urgent: false,
            notes: [],
            createdAt: at,
          },
        ],
      });
      const store = new EmbeddedStore({ dir: tmp.dir });
      try {
        expect(store.upgraded).toEqual({ from: 0, to: EMBEDDED_FORMAT, documents: 2 });
        const c = await store.collection('contacts').findOne({ 'addresses.key': 'sms:+243990000001' });
        expect(c).toMatchObject({ _id: 'c1', country: 'CD', firstSeenAt: at });
        expect(await store.collection('contacts').countDocuments({ subscriptions: 'prices' })).toBe(1);
        expect((await store.collection('reports').findOne({ reference: 'P-4K7Q2' }))!.amount).toBe(250000);
        // the indexes it now keeps are enforced on the old documents too
        await expect(
          store.collection('contacts').insertOne({
            addresses: [
              { key: 'sms:+243990000001', channel: 'sms', value: '+243990000001', transport: 'twilio' },
            ],
          }),
        ).rejects.toBeInstanceOf(DuplicateKey);
      } finally {
        await store.close();
      }
      // opened again: nothing to upgrade, nothing scanned
      const again = new EmbeddedStore({ dir: tmp.dir });
      expect(again.upgraded).toBeUndefined();
      expect(
        await again.collection('contacts').countDocuments({ 'addresses.key': 'sms:+243990000001' }),
      ).toBe(1);
      await again.close();
    } finally {
      tmp.remove();
    }
  });

  test('a folder written by a newer Chimba is refused, saying what to do, and left untouched', () => {
    const tmp = tempDir();
    try {
      const db = new Database(path.join(tmp.dir, 'chimba.sqlite'));
      db.pragma(`user_version = ${EMBEDDED_FORMAT + 1}`);
      db.close();
      let err: unknown;
      try {
        new EmbeddedStore({ dir: tmp.dir });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreUnavailable);
      expect((err as Error).message).toMatch(
        /written by a newer Chimba .* run that version, or restore a backup/,
      );
      const check = new Database(path.join(tmp.dir, 'chimba.sqlite'));
      expect(check.pragma('user_version', { simple: true })).toBe(EMBEDDED_FORMAT + 1);
      check.close();
    } finally {
      tmp.remove();
    }
  });

  test('a second process (or store) on the same folder is refused while the first holds it', async () => {
    const tmp = tempDir();
    try {
      const first = new EmbeddedStore({ dir: tmp.dir });
      expect(() => new EmbeddedStore({ dir: tmp.dir, busyTimeoutMs: 100 })).toThrow(
        /in use by another Chimba process/,
      );
      await first.close();
      const second = new EmbeddedStore({ dir: tmp.dir });
      await second.close();
    } finally {
      tmp.remove();
    }
  });
});
