import { waitUntil } from '../helpers/wait';
import { TestService, api, startService } from '../helpers/service';

type Json = Record<string, unknown>;

const question = {
  en: 'Should Chimba send gold prices every week?',
  fr: "Chimba doit-il envoyer les prix de l'or chaque semaine ?",
  sw: 'Je, Chimba itume bei za dhahabu kila wiki?',
};
const options = [
  { en: 'Yes, weekly', fr: 'Oui, chaque semaine', sw: 'Ndiyo, kila wiki' },
  { en: 'Yes, monthly', fr: 'Oui, chaque mois', sw: 'Ndiyo, kila mwezi' },
  { en: 'No', fr: 'Non merci', sw: 'Hapana' },
];

describe('polls for community leaders', () => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startService();
  });
  afterEach(() => svc.stop());

  async function leader(from: string, channel: 'sms' | 'telegram', set: Json) {
    await svc.say(from, 'LANG ' + (set.language as string), channel);
    await svc.service.store.collection('contacts').updateOne({ 'addresses.value': from }, { $set: set });
  }

  test('bad poll bodies are refused with the field named', async () => {
    const closesAt = new Date(Date.now() + 3_600_000).toISOString();
    const cases: [unknown, RegExp][] = [
      [{ question, options: [options[0]], closesAt }, /^options: a poll needs 2 to 9 options/],
      [
        { question, options, closesAt: new Date(Date.now() - 1000).toISOString() },
        /^closesAt: must be after opensAt/,
      ],
      [{ question, options: [options[0], { en: 'No' }], closesAt }, /options\.1\.fr: missing the fr label/],
      [
        { question, options, closesAt, reminderAt: new Date(Date.now() + 7_200_000).toISOString() },
        /^reminderAt: /,
      ],
    ];
    for (const [body, message] of cases) {
      const r = await api(svc, 'POST', '/api/v1/polls', body);
      expect(r.status).toBe(400);
      expect((r.body.error as Json).message).toMatch(message);
    }
  });

  test('leaders answer by number, by word or by tapping; newer answers replace older ones; reminders go only to those who have not answered', async () => {
    await leader('+255712000101', 'sms', { language: 'sw', role: 'community_leader', region: 'Geita' });
    await leader('+243990000102', 'sms', { language: 'fr', role: 'community_leader', region: 'Sud-Kivu' });
    await leader('5123400103', 'telegram', { language: 'en', role: 'community_leader', region: 'Geita' });
    await leader('+243990000104', 'sms', { language: 'fr', role: 'miner', region: 'Sud-Kivu' });

    const created = await api(svc, 'POST', '/api/v1/polls', {
      question,
      options,
      audience: { roles: ['community_leader'] },
      closesAt: new Date(Date.now() + 3_600_000).toISOString(),
      reminderAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const store = svc.service.store;
    await waitUntil(
      async () =>
        (await store.collection('outbound').countDocuments({ broadcastId: created.body.broadcastId })) === 3,
    );
    const sw = await store
      .collection('outbound')
      .findOne({ to: '+255712000101', broadcastId: created.body.broadcastId });
    expect(sw!.text).toBe(
      'Je, Chimba itume bei za dhahabu kila wiki?\n1 Ndiyo, kila wiki\n2 Ndiyo, kila mwezi\n3 Hapana',
    );
    const tg = await store
      .collection('outbound')
      .findOne({ to: '5123400103', broadcastId: created.body.broadcastId });
    expect(tg!.buttons).toEqual([
      [
        { text: 'Yes, weekly', data: `p:${id}:1` },
        { text: 'Yes, monthly', data: `p:${id}:2` },
      ],
      [{ text: 'No', data: `p:${id}:3` }],
    ]);

    expect(await svc.say('+255712000101', '2')).toEqual([
      'Asante, jibu lako: Ndiyo, kila mwezi. Unaweza kulibadilisha hadi kura itakapofungwa.',
    ]);
    // an unrelated message during the poll still works
    expect((await svc.say('+255712000101', 'BEI DHAHABU 150000 TSH G'))[0]).toMatch(/^Imehifadhiwa/);
    expect(await svc.say('+255712000101', '3')).toEqual([
      'Asante, jibu lako: Hapana. Unaweza kulibadilisha hadi kura itakapofungwa.',
    ]);
    const tap = await svc.post('/simulator/messages', {
      from: '5123400103',
      channel: 'telegram',
      tap: `p:${id}:1`,
    });
    expect(((await tap.json()) as { replies: string[] }).replies[0]).toMatch(
      /^Thank you, your answer: Yes, weekly\./,
    );

    // the reminder goes to the one leader who has not answered
    await new Promise((r) => setTimeout(r, 1600));
    await svc.service.scheduler.runNow('broadcasts');
    const reminders = await store.collection('outbound').find({ dedupeKey: { $regex: `^pr:${id}:` } });
    expect(reminders.map((m) => [m.to, m.text.split('\n')[0]])).toEqual([
      [
        '+243990000102',
        "Rappel, merci de répondre : Chimba doit-il envoyer les prix de l'or chaque semaine ?",
      ],
    ]);
    expect(await svc.say('+243990000102', 'oui, chaque mois')).toEqual([
      "Merci, votre réponse : Oui, chaque mois. Vous pouvez la changer jusqu'à la fin du sondage.",
    ]);

    const results = await api(svc, 'GET', `/api/v1/polls/${id}/results`);
    expect(results.body).toMatchObject({
      recipients: 3,
      answers: 3,
      responseRate: 1,
      options: [
        { option: 1, label: 'Yes, weekly', count: 1, share: 0.333 },
        { option: 2, label: 'Yes, monthly', count: 1, share: 0.333 },
        { option: 3, label: 'No', count: 1, share: 0.333 },
      ],
      byRegion: { Geita: { answers: 2 }, 'Sud-Kivu': { answers: 1 } },
      byChannel: { sms: { answers: 2 }, telegram: { answers: 1 } },
      byRole: { community_leader: { answers: 3 } },
    });
    const auditLog = await api(svc, 'GET', '/api/v1/audit');
    expect((auditLog.body.items as Json[]).some((e) => e.action === 'poll.create' && e.target === id)).toBe(
      true,
    );
  });

  test('an answer after the poll closed gets a polite closed reply and is not counted', async () => {
    await leader('+255712000201', 'sms', { language: 'en', role: 'community_leader' });
    const created = await api(svc, 'POST', '/api/v1/polls', {
      question,
      options,
      closesAt: new Date(Date.now() + 1200).toISOString(),
    });
    const store = svc.service.store;
    await waitUntil(
      async () =>
        (await store.collection('outbound').countDocuments({ broadcastId: created.body.broadcastId })) === 1,
    );
    await new Promise((r) => setTimeout(r, 1300));
    expect(await svc.say('+255712000201', '1')).toEqual(['This poll is closed. Thank you.']);
    expect((await api(svc, 'GET', `/api/v1/polls/${created.body.id}/results`)).body).toMatchObject({
      answers: 0,
      open: false,
    });
  });
});
