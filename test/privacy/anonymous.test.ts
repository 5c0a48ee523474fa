import { FakeTwilio } from '../helpers/fakeTwilio';
import { postTwilioForm, signTwilio } from '../helpers/twilioWebhook';
import { waitUntil } from '../helpers/wait';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, startService } from '../helpers/service';
import { CollectionName } from '../../src/models';

const COLLECTIONS: CollectionName[] = [
  'contacts',
  'inbound',
  'sessions',
  'reports',
  'outbound',
  'credentials',
  'leases',
  'referencePrices',
];

/** Everything in the store, as one string per document. */
async function dump(store: import('../../src/store').Store): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  for (const name of COLLECTIONS) {
    for (const doc of await store.collection(name).find({})) out.push({ name, text: JSON.stringify(doc) });
  }
  return out;
}

function drained(store: import('../../src/store').Store): Promise<void> {
  return waitUntil(
    async () =>
      (await store.collection('outbound').countDocuments({ status: { $in: ['queued', 'sending'] } })) === 0,
    4000,
  );
}

describe('anonymous reports cannot be linked back to the sender', () => {
  test('after an anonymous incident over SMS, no stored document ties the report to the phone or contact', async () => {
    const fake = await new FakeTwilio().start();
    const svc = await startService({
      ...TEST_TWILIO,
      TWILIO_API_BASE: fake.url,
      TWILIO_MPS: '50',
      ONCALL_SMS: '+233200000001',
    });
    const from = '+233240000777';
    const secretWords = 'the shift boss forced us back into pit seven';
    let n = 0;
    const send = async (Body: string) => {
      const params = {
        MessageSid: `SM${(++n).toString(16).padStart(32, 'b')}`,
        AccountSid: TEST_TWILIO.TWILIO_ACCOUNT_SID,
        From: from,
        To: TEST_TWILIO.TWILIO_FROM_NUMBER,
        Body,
      };
      const route = '/webhooks/twilio/sms';
      const res = await postTwilioForm(svc.url, route, params, signTwilio(route, params));
      expect(res.status).toBe(200);
    };
    try {
      // a registered, known person first sends a normal price report
      await send('PRICE GOLD 4000 GHS G');
      for (const turn of ['INCIDENT', '1', '2', '1', 'this morning', secretWords, '2']) await send(turn);
      await drained(svc.service.store);

      const store = svc.service.store;
      const contact = (await store.collection('contacts').findOne({}))!;
      const report = (await store.collection('reports').findOne({ kind: 'incident' }))!;
      expect(report).toMatchObject({
        anonymous: true,
        urgent: true,
        injured: 2,
        dead: 1,
        place: secretWords,
      });
      expect(report).not.toHaveProperty('contactId');
      expect(report).not.toHaveProperty('sourceKey');
      expect(report).not.toHaveProperty('site');
      expect(report.createdAt.getUTCMinutes()).toBe(0);

      // the sender's confirmation and the on-call alert went out
      const bodies = fake.requests.map((r) => `${r.params.To} ${r.params.Body}`);
      expect(
        bodies.some((b) => b.startsWith(`${from} Thank you. Staff on call are told now, without your name.`)),
      ).toBe(true);
      const alert = bodies.find((b) => b.startsWith('+233200000001 '))!;
      expect(alert).toMatch(new RegExp(`URGENT ${report.reference}: Collapse, rockfall, 2 injured, 1 dead`));
      expect(alert).toContain('Anonymous');
      expect(alert).not.toContain('240000777');

      // no document is both about the sender and about the report
      const digits = from.slice(1);
      const docs = await dump(store);
      let aboutReport = 0;
      for (const d of docs) {
        const sender = d.text.includes(digits) || d.text.includes(contact._id);
        const reportish = [report._id, report.reference, secretWords, 'this morning'].some((x) =>
          d.text.includes(x),
        );
        if (reportish) aboutReport++;
        expect({ doc: d.text, linked: sender && reportish }).toEqual({ doc: d.text, linked: false });
        if (sender) expect(d.text).not.toMatch(/injured|INCIDENT|Staff on call|Collapse/);
      }
      expect(aboutReport).toBe(2); // the report itself and the alert to on-call staff
      // the inbound texts of that conversation were erased; the earlier price report was not
      const inbound = await store.collection('inbound').find({}, { sort: { receivedAt: 1 } });
      expect(inbound.map((i) => i.text)).toEqual(['PRICE GOLD 4000 GHS G', '', '', '', '', '', '', '']);

      // staff can still read the report, and see no contact for it
      const res = await fetch(`${svc.url}/api/v1/reports?kind=incident`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      const { items } = (await res.json()) as { items: Record<string, unknown>[] };
      expect(items).toEqual([expect.objectContaining({ reference: report.reference, anonymous: true })]);
      expect(items[0]).not.toHaveProperty('contact');
    } finally {
      await svc.stop();
      await fake.stop();
    }
  });

  test('a confidential report keeps the link for follow-up, but the API shows only a pseudonym', async () => {
    const svc = await startService();
    try {
      await svc.say('+243990000031', 'PROBLEME MERCURE on brule l amalgame dans la maison');
      const report = (await svc.service.store.collection('reports').findOne({ kind: 'issue' }))!;
      expect(report).toMatchObject({
        confidential: true,
        anonymous: false,
        category: 'mercury',
        contactId: expect.any(String),
      });
      const res = await fetch(`${svc.url}/api/v1/reports?kind=issue`, {
        headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
      });
      const text = await res.text();
      expect(text).toContain('"contact":"');
      expect(text).not.toContain('243990000031');
      expect(text).not.toContain(report.contactId!);
    } finally {
      await svc.stop();
    }
  });
});
