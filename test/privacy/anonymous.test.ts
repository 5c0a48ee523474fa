import { FakeTwilio } from '../helpers/fakeTwilio';
import { postTwilioForm, signTwilio } from '../helpers/twilioWebhook';
import { waitUntil } from '../helpers/wait';
import { TEST_ADMIN_TOKEN, TEST_TWILIO, api, startService } from '../helpers/service';
import { CollectionName, SCHEMAS } from '../../src/models';
import { forgetLeftovers } from '../../src/reports/store';
import { EmbeddedStore } from '../../src/store';
import { serviceEngines, tempDir } from '../helpers/engines';

/** Every collection the store has: a new one is scanned without anyone remembering to add it. */
const COLLECTIONS = Object.keys(SCHEMAS) as CollectionName[];

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

for (const engine of serviceEngines()) {
  const scan = engine.available ? describe : describe.skip;
  scan(`a full scan of the store (${engine.name} engine${engine.why ? `: ${engine.why}` : ''})`, () => {
    test('after an anonymous incident over SMS, no stored document ties the report to the phone or contact', async () => {
      const fake = await new FakeTwilio().start();
      const svc = await startService({
        ...engine.env(),
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
          bodies.some((b) =>
            b.startsWith(`${from} Thank you. Staff on call are told now, without your name.`),
          ),
        ).toBe(true);
        const alert = bodies.find((b) => b.startsWith('+233200000001 '))!;
        expect(alert).toMatch(
          new RegExp(`URGENT ${report.reference}: Collapse, rockfall, 2 injured, 1 dead`),
        );
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
        const inbound = await store.collection('inbound').find({});
        expect(inbound.map((i) => i.text).sort()).toEqual([
          '',
          '',
          '',
          '',
          '',
          '',
          '',
          'PRICE GOLD 4000 GHS G',
        ]);

        // a full scan finds no timing that singles the sender out either: the conversation's
        // log entries keep no address, no marker and the hour only; its replies, once sent,
        // no recipient; the contact and the session keep times to the hour
        const onTheHour = (d: Date | undefined) => d === undefined || d.getTime() % 3_600_000 === 0;
        const senders = inbound.filter((i) => i.address === from);
        expect(senders.map((i) => i.text)).toEqual(['PRICE GOLD 4000 GHS G']);
        const forgotten = inbound.filter((i) => i.address !== from);
        expect(forgotten).toHaveLength(7);
        for (const i of forgotten) {
          expect(i).not.toHaveProperty('redacted');
          expect(i).not.toHaveProperty('extra');
          expect([i.receivedAt, i.loggedAt, i.handledAt].every(onTheHour)).toBe(true);
        }
        const replies = await store.collection('outbound').find({ to: { $ne: '+233200000001' } });
        const toSender = replies.filter((r) => r.to === from || r.contactId === contact._id);
        expect(toSender.map((r) => r.text)).toEqual([expect.stringMatching(/^Saved: Gold 4,000 GHS\/g/)]);
        const conversation = replies.filter((r) => !toSender.includes(r));
        expect(conversation.length).toBeGreaterThanOrEqual(7);
        for (const r of conversation) {
          expect(r).not.toHaveProperty('contactId');
          expect(r.to).not.toContain(digits);
          expect([r.createdAt, r.sentAt, r.nextAttemptAt, r.deliveredAt].every(onTheHour)).toBe(true);
        }
        const person = (await store.collection('contacts').findOne({ _id: contact._id }))!;
        expect(
          [person.firstSeenAt, person.lastSeenAt, ...person.addresses.map((a) => a.addedAt)].every(onTheHour),
        ).toBe(true);
        const session = await store.collection('sessions').findOne({ _id: contact._id });
        expect(onTheHour(session?.updatedAt)).toBe(true);
        // nor does an id: a growing id carries the hour it was made and no finer time, and the
        // anonymous report's id is random, so it cannot be placed between two named reports
        for (const d of docs) {
          const id = String(JSON.parse(d.text)._id);
          if (/^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(id))
            expect(onTheHour(new Date(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)))).toBe(true);
        }
        expect(report._id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]/);

        // a webhook sent again is still recognised by its provider id: nothing happens twice
        const reports = await store.collection('reports').countDocuments({});
        const sent = fake.requests.length;
        n -= 1;
        await send('2');
        await drained(store);
        expect(await store.collection('reports').countDocuments({})).toBe(reports);
        expect(await store.collection('inbound').countDocuments({})).toBe(8);
        expect(fake.requests.length).toBe(sent);

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

    test('after an anonymous question, no stored document ties it to the phone or contact; its answer is read by reference', async () => {
      const svc = await startService(engine.env());
      const from = '+243990000778';
      const secret = 'our pit boss sends twelve-year-olds down the shaft';
      try {
        await svc.say(from, 'PRIX OR 250000 FC G');
        await svc.say(from, 'QUESTION');
        await svc.say(from, secret);
        const opened = (await svc.say(from, '2')).join(' ');
        const reference = /Q-[0-9A-Z]{5}/.exec(opened)![0];
        const store = svc.service.store;
        // what was said to them is forgotten once sent
        await drained(store);
        const contact = (await store.collection('contacts').findOne({}))!;
        const question = (await store.collection('questions').findOne({ reference }))!;
        expect(question).toMatchObject({ anonymous: true, state: 'waiting' });
        expect(question).not.toHaveProperty('contactId');
        expect(question.createdAt.getTime() % 3_600_000).toBe(0);

        const digits = from.slice(1);
        for (const d of await dump(store)) {
          const sender = d.text.includes(digits) || d.text.includes(contact._id);
          const questionish = [question._id, reference, secret].some((x) => d.text.includes(x));
          expect({ doc: d.text, linked: sender && questionish }).toEqual({ doc: d.text, linked: false });
        }
        await api(svc, 'POST', `/api/v1/questions/${question._id}/answer`, { text: 'Tell the CASM office.' });
        expect(await svc.say('+243990000779', `SUIVI ${reference}`)).toEqual([
          `${reference} : Tell the CASM office.`,
        ]);
      } finally {
        await svc.stop();
      }
    });
  });
}

describe('anonymous reports cannot be linked back to the sender', () => {
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

describe('a store written before anonymity held in a full scan', () => {
  test('its leftovers (marked log entries with the address, replies naming their recipient) are forgotten', async () => {
    const tmp = tempDir();
    const store = new EmbeddedStore({ dir: tmp.dir });
    try {
      const at = new Date('2026-11-20T10:07:31.123Z');
      const from = '+233240000888';
      const marked = await store.collection('inbound').insertOne({
        channel: 'sms',
        transport: 'twilio',
        providerMessageId: 'SMold1',
        address: from,
        text: '',
        redacted: true,
        status: 'handled',
        receivedAt: at,
        loggedAt: at,
        handledAt: at,
      });
      const kept = await store.collection('inbound').insertOne({
        channel: 'sms',
        transport: 'twilio',
        providerMessageId: 'SMold2',
        address: from,
        text: 'PRICE GOLD 4000 GHS G',
        status: 'handled',
        receivedAt: at,
      });
      const reply = await store.collection('outbound').insertOne({
        channel: 'sms',
        transport: 'twilio',
        to: from,
        contactId: 'c1',
        text: '[redacted]',
        redactAfterSend: true,
        status: 'delivered',
        createdAt: at,
        nextAttemptAt: at,
        sentAt: at,
        deliveredAt: at,
      });
      expect(await forgetLeftovers(store)).toBe(2);
      // done once per store, remembered
      expect(await forgetLeftovers(store)).toBe(0);
      expect(await store.collection('jobRuns').countDocuments({})).toBe(1);
      const log = (await store.collection('inbound').findOne({ _id: marked._id }))!;
      expect(log).toMatchObject({ address: 'anonymous', providerMessageId: 'SMold1', text: '' });
      expect(log).not.toHaveProperty('redacted');
      expect(log.receivedAt).toEqual(new Date('2026-11-20T10:00:00Z'));
      expect(await store.collection('inbound').findOne({ _id: kept._id })).toMatchObject({ address: from });
      const sent = (await store.collection('outbound').findOne({ _id: reply._id }))!;
      expect(sent).toMatchObject({ to: 'redacted', status: 'delivered' });
      expect(sent).not.toHaveProperty('contactId');
      expect(sent.sentAt).toEqual(new Date('2026-11-20T10:00:00Z'));
      expect(sent.deliveredAt).toEqual(new Date('2026-11-20T10:00:00Z'));
    } finally {
      await store.close();
      tmp.remove();
    }
  });
});
