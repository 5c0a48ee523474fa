import { CollectionName, SCHEMAS } from '../../src/models';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { TEST_TWILIO, startService } from '../helpers/service';
import { TestCall } from '../helpers/voiceCall';

const COLLECTIONS = Object.keys(SCHEMAS) as CollectionName[];

describe('an anonymous incident by phone cannot be linked back to the phone', () => {
  test('a full scan of the store: no document is both about the caller and about the report or its recording', async () => {
    const fake = await new FakeTwilio().start();
    const svc = await startService({
      ...TEST_TWILIO,
      TWILIO_API_BASE: fake.url,
      ONCALL_SMS: '+255700000001',
    });
    const from = '+255712000777';
    try {
      // a known caller: a price first, then an accident with a spoken description, anonymous
      const call = new TestCall(svc.url, from);
      await call.dial();
      for (const keys of ['1', '1', '280000#', '1', '1', '#', '1']) await call.press(keys);
      for (const keys of ['2', '1', '2#', '0#', '1']) await call.press(keys);
      await call.record(20);
      const saved = await call.press('2');
      expect(saved.heard).toMatch(/^Asante\. Wafanyakazi wa zamu wamejulishwa sasa, bila jina lako\./);

      const store = svc.service.store;
      const contact = (await store.collection('contacts').findOne({}))!;
      const report = (await store.collection('reports').findOne({ kind: 'incident' }))!;
      expect(report).toMatchObject({ anonymous: true, channel: 'voice', injured: 2 });
      expect(report).not.toHaveProperty('contactId');
      expect(report).not.toHaveProperty('sourceKey');
      expect(report).not.toHaveProperty('recording');
      const [callDoc] = await store.collection('voiceCalls').find({});
      const recordingSid = callDoc.recordings![0].sid;

      const digits = from.slice(1);
      for (const name of COLLECTIONS) {
        for (const doc of await store.collection(name).find({})) {
          const text = JSON.stringify(doc);
          const sender = text.includes(digits) || text.includes(contact._id);
          const about = [report._id, report.reference, recordingSid].some((x) => text.includes(x));
          expect({ name, text, linked: sender && about }).toEqual({ name, text, linked: false });
        }
      }
    } finally {
      await svc.stop();
      await fake.stop();
    }
  });
});
