import { waitUntil } from '../helpers/wait';
import { TestService, api, startService } from '../helpers/service';

type Json = Record<string, unknown>;

const baseline = {
  title: 'Site baseline',
  audience: { roles: ['community_leader'] },
  questions: [
    {
      id: 'people',
      type: 'number',
      text: { en: 'How many people work at your site?', sw: 'Watu wangapi wanafanya kazi eneo lako?' },
    },
    {
      id: 'women',
      type: 'number',
      text: { en: 'How many of them are women?', sw: 'Kati yao, wanawake ni wangapi?' },
    },
    {
      id: 'children',
      type: 'number',
      text: {
        en: 'How many children under 15 work there?',
        sw: 'Watoto chini ya miaka 15 wangapi wanafanya kazi?',
      },
    },
    {
      id: 'mercury',
      type: 'yesno',
      text: { en: 'Is mercury used at the site?', sw: 'Je, zebaki inatumika eneo hilo?' },
    },
    {
      id: 'legal',
      type: 'choice',
      text: { en: 'Legal status of the site?', sw: 'Hali ya kisheria ya eneo?' },
      options: [
        { en: 'Licensed', sw: 'Lina leseni' },
        { en: 'Licence pending', sw: 'Leseni inasubiriwa' },
        { en: 'No licence', sw: 'Halina leseni' },
      ],
    },
    { id: 'buyer', type: 'text', text: { en: 'Who is the main buyer?', sw: 'Mnunuzi mkuu ni nani?' } },
  ],
};

describe('surveys', () => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startService();
  });
  afterEach(() => svc.stop());

  test('only staff and admins create surveys and polls; viewers get 403', async () => {
    const made = await api(svc, 'POST', '/api/v1/credentials', { name: 'Observer', role: 'viewer' });
    const viewer = made.body.token as string;
    for (const path of ['/api/v1/surveys', '/api/v1/polls']) {
      const res = await fetch(svc.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${viewer}` },
        body: JSON.stringify(baseline),
      });
      expect(res.status).toBe(403);
    }
  });

  test('bad survey bodies are refused with the field named', async () => {
    const bad = { ...baseline, questions: [{ id: 'Legal Status', type: 'choice', text: { en: 'x' } }] };
    const r = await api(svc, 'POST', '/api/v1/surveys', bad);
    expect(r.status).toBe(400);
    expect((r.body.error as Json).message).toMatch(
      /questions\.0\.id: .*questions\.0\.options: choice questions need/,
    );
  });

  test('a site baseline runs as a flow for each leader and answers are aggregated per question', async () => {
    const leaders = ['+255712000301', '+255712000302'];
    for (const l of leaders) {
      await svc.say(l, 'LUGHA sw');
      await svc.service.store
        .collection('contacts')
        .updateOne({ 'addresses.value': l }, { $set: { role: 'community_leader', region: 'Geita' } });
    }
    await svc.say('+255712000303', 'BEI'); // a miner mid-conversation, not in the audience anyway
    const created = await api(svc, 'POST', '/api/v1/surveys', baseline);
    expect(created.status).toBe(201);
    const store = svc.service.store;
    await waitUntil(
      async () =>
        (await store.collection('outbound').countDocuments({ broadcastId: created.body.broadcastId })) >= 2,
    );
    const first = await store
      .collection('outbound')
      .findOne({ broadcastId: created.body.broadcastId, to: leaders[0] });
    expect(first!.text).toBe('Watu wangapi wanafanya kazi eneo lako?');

    const a = (t: string) => svc.say(leaders[0], t);
    expect(await a('120')).toEqual(['Kati yao, wanawake ni wangapi?']);
    expect(await a('wengi')).toEqual(['Andika namba, mfano 0 au 3.']);
    expect(await a('45')).toEqual(['Watoto chini ya miaka 15 wangapi wanafanya kazi?']);
    expect(await a('0')).toEqual(['Je, zebaki inatumika eneo hilo?\n1 Ndiyo\n2 Hapana']);
    expect(await a('ndiyo')).toEqual([
      'Hali ya kisheria ya eneo?\n1 Lina leseni\n2 Leseni inasubiriwa\n3 Halina leseni',
    ]);
    expect(await a('3')).toEqual(['Mnunuzi mkuu ni nani?']);
    expect(await a('Kampuni ya Mwanza')).toEqual([
      'Asante kwa majibu yako. Yanasaidia programu kupanga pamoja na jamii yako.',
    ]);

    const b = (t: string) => svc.say(leaders[1], t);
    for (const t of ['80', '30', '5', '2', '1', '0']) await b(t);

    const results = await api(svc, 'GET', `/api/v1/surveys/${created.body.id}/results`);
    expect(results.body).toMatchObject({
      recipients: 2,
      completed: 2,
      questions: [
        { id: 'people', answers: 2, sum: 200, mean: 100, median: 100, min: 80, max: 120 },
        { id: 'women', answers: 2, sum: 75 },
        { id: 'children', answers: 2, sum: 5, max: 5 },
        { id: 'mercury', yes: 1, no: 1 },
        {
          id: 'legal',
          options: [
            { option: 1, label: 'Licensed', count: 1 },
            { option: 2, label: 'Licence pending', count: 0 },
            { option: 3, label: 'No licence', count: 1 },
          ],
        },
        { id: 'buyer', answers: 1, texts: ['Kampuni ya Mwanza'] },
      ],
    });
  });

  test('a question with skipIf is skipped on that answer: no mercury, no "how many grams?"', async () => {
    const leader = '+255712000311';
    await svc.say(leader, 'LANG en');
    await svc.service.store
      .collection('contacts')
      .updateOne({ 'addresses.value': leader }, { $set: { role: 'community_leader' } });
    const created = await api(svc, 'POST', '/api/v1/surveys', {
      title: 'Mercury use',
      audience: { roles: ['community_leader'] },
      questions: [
        { id: 'mercury', type: 'yesno', text: { en: 'Is mercury used at your site?' } },
        {
          id: 'grams',
          type: 'number',
          text: { en: 'How many grams of mercury a week?' },
          skipIf: { question: 'mercury', equals: 'no' },
        },
        { id: 'retort', type: 'yesno', text: { en: 'Is there a retort at the site?' } },
      ],
    });
    expect(created.status).toBe(201);
    const bad = await api(svc, 'POST', '/api/v1/surveys', {
      title: 'x',
      questions: [{ id: 'a', type: 'number', text: { en: 'A?' }, skipIf: { question: 'later', equals: 1 } }],
    });
    expect((bad.body.error as Json).message).toMatch(
      /questions\.0\.skipIf\.question: must name an earlier question/,
    );
    await waitUntil(
      async () =>
        (await svc.service.store
          .collection('outbound')
          .countDocuments({ broadcastId: created.body.broadcastId })) >= 1,
    );
    expect(await svc.say(leader, '2')).toEqual(['Is there a retort at the site?\n1 Yes\n2 No']);
    expect(await svc.say(leader, '1')).toHaveLength(1);
    const results = await api(svc, 'GET', `/api/v1/surveys/${created.body.id}/results`);
    expect(results.body).toMatchObject({
      completed: 1,
      questions: [
        { id: 'mercury', yes: 0, no: 1 },
        { id: 'grams', answers: 0 },
        { id: 'retort', yes: 1, no: 0 },
      ],
    });
  });
});
