import { login } from '../helpers/dashboard';
import { TEST_ADMIN_TOKEN, TestService, api, startService } from '../helpers/service';
import { waitUntil } from '../helpers/wait';

const REF = /Q-[0-9A-Z]{5}/;
const ref = (replies: string[]) => REF.exec(replies.join(' '))![0];

/** Asks a question confidentially (no published answer around): returns its reference. */
async function ask(svc: TestService, from: string, text: string, channel: 'sms' | 'telegram' = 'sms') {
  const prompt = await svc.say(from, text, channel);
  expect(prompt.join('\n')).toMatch(/Confidential|Confidentiel/);
  return ref(await svc.say(from, '1', channel));
}

describe('questions answered by people who know, through SMS, Telegram and the staff API', () => {
  let svc: TestService;
  let staff: string;
  let viewer: string;
  let expert: string;

  beforeAll(async () => {
    svc = await startService();
    const token = async (body: Record<string, unknown>) =>
      (await api(svc, 'POST', '/api/v1/credentials', body, TEST_ADMIN_TOKEN)).body.token as string;
    staff = await token({ name: 'Amani', role: 'staff' });
    viewer = await token({ name: 'Observer', role: 'viewer' });
    expert = await token({ name: 'Dr Mercure', role: 'expert', topics: ['mercury'] });
  });
  afterAll(() => svc.stop());
  beforeEach(async () => {
    for (const c of ['questions', 'answers', 'contacts', 'sessions', 'outbound', 'inbound'] as const)
      await svc.service.store.collection(c).deleteMany({});
  });
  const question = async (reference: string) =>
    (await svc.service.store.collection('questions').findOne({ reference }))!;
  const sentTo = (to: string) =>
    svc.service.store.collection('outbound').find({ to, dedupeKey: { $regex: '^answer:' } });

  test('asked by SMS, waiting oldest first, answered in one SMS on the same channel; a reply continues the thread', async () => {
    const first = await ask(svc, '+243990000091', 'QUESTION comment obtenir la carte de creuseur ?');
    const second = await ask(svc, '+243990000092', 'QUESTION qui achète le coltan au juste prix ?');
    const inbox = await api(svc, 'GET', '/api/v1/questions?state=waiting', undefined, staff);
    const items = inbox.body.items as { reference: string; waitedMinutes: number; thread: unknown[] }[];
    expect(items.map((q) => q.reference)).toEqual([first, second]);
    expect(items[0].waitedMinutes).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(inbox.body)).not.toMatch(/\+2439900000|contactId/);

    const id = (await question(first))._id;
    const text = 'Au bureau du SAEMAPE de Kamituga, avec 2 photos et 10 USD. La carte vaut un an.';
    const answered = await api(svc, 'POST', `/api/v1/questions/${id}/answer`, { text }, staff);
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ state: 'answered', sent: true });
    const [sms] = await sentTo('+243990000091');
    expect(sms).toMatchObject({
      channel: 'sms',
      segments: 1,
      text: `${first} : ${text} Répondez pour en savoir plus.`,
    });

    // the asker writes back: it joins the thread and the question waits again
    expect(await svc.say('+243990000091', 'et pour un groupe de 10 creuseurs ?')).toEqual([
      `Ajouté à votre question ${first}. La réponse viendra ici.`,
    ]);
    expect(await question(first)).toMatchObject({ state: 'waiting' });
    expect((await question(first)).thread.map((m) => m.from)).toEqual(['asker', 'staff', 'asker']);
  });

  test('asked on Telegram, answered on Telegram', async () => {
    const reference = await ask(
      svc,
      '700100200',
      'ASK how do we test the river water for mercury?',
      'telegram',
    );
    const id = (await question(reference))._id;
    await api(
      svc,
      'POST',
      `/api/v1/questions/${id}/answer`,
      { text: 'The district lab tests water for free.' },
      staff,
    );
    const [message] = await sentTo('700100200');
    expect(message).toMatchObject({ channel: 'telegram', transport: 'simulator' });
    expect(message.text).toContain('The district lab tests water for free.');
  });

  test('an answer longer than one SMS in the asker language is refused with its length, nothing recorded', async () => {
    const reference = await ask(svc, '+243990000093', 'QUESTION comment sécher le minerai ?');
    const id = (await question(reference))._id;
    const long = await api(
      svc,
      'POST',
      `/api/v1/questions/${id}/answer`,
      { text: 'Séchez-le. '.repeat(15) },
      staff,
    );
    expect(long.status).toBe(400);
    expect((long.body.error as { message: string }).message).toMatch(
      /one SMS in fr: \d+ characters \(2 SMS\)/,
    );
    expect(await question(reference)).toMatchObject({ state: 'waiting' });
    expect(await sentTo('+243990000093')).toEqual([]);
  });

  test('anonymous: nothing ties the question to the sender; the answer is read with STATUS and its reference', async () => {
    const replies = await svc.say('+243990000094', 'ASK ANON children carry ore at our pit, who can help?');
    const reference = ref(replies);
    expect(replies[0]).toContain('Nobody knows it is yours');
    const q = await question(reference);
    expect(q.contactId).toBeUndefined();
    expect(q.createdAt.getUTCMinutes()).toBe(0);
    // the message is gone from the log: no text, no address
    const logged = await svc.service.store.collection('inbound').find({});
    expect(JSON.stringify(logged)).not.toContain('children carry ore');
    expect(JSON.stringify(logged)).not.toContain('+243990000094');

    const done = await api(
      svc,
      'POST',
      `/api/v1/questions/${q._id}/answer`,
      { text: 'ASM Kids Trust in Kolwezi helps.' },
      staff,
    );
    expect(done.body.sent).toBe(false);
    // read in French, the language of the number that asks
    expect(await svc.say('+243990000095', `STATUS ${reference}`)).toEqual([
      `${reference} : ASM Kids Trust in Kolwezi helps.`,
    ]);
  });

  test('a published answer is offered to the next similar question: 1 it helps (counted), 2 ask anyway', async () => {
    const reference = await ask(
      svc,
      '+243990000096',
      'QUESTION comment traiter l’or sans mercure à Mwenga ?',
    );
    await svc.service.store.collection('contacts').updateMany({}, { $set: { site: 'Mwenga' } });
    const id = (await question(reference))._id;
    const answer = 'Table à secousses puis fonte au borax. CASM Bukavu forme les équipes.';
    const done = await api(
      svc,
      'POST',
      `/api/v1/questions/${id}/answer`,
      { text: answer, publish: true },
      staff,
    );
    // published without the asker's site
    expect(done.body.published).toMatchObject({ question: { fr: 'comment traiter l’or sans mercure à …' } });

    const offered = await svc.say('+243990000097', 'QUESTION comment traiter l’or sans mercure ?');
    expect(offered).toEqual([
      `Une question proche a recu cette réponse : ${answer}\n1 Ça m'aide\n2 Poser quand meme`,
    ]);
    expect(await svc.say('+243990000097', '1')).toEqual([
      'Tant mieux. Envoyez QUESTION et votre question quand vous voulez.',
    ]);
    const published = await api(svc, 'GET', '/api/v1/answers', undefined, viewer);
    expect((published.body.items as { helped: number }[])[0].helped).toBe(1);

    await svc.say('+243990000098', 'QUESTION on peut traiter l’or sans mercure avec quoi ?');
    const privacy = await svc.say('+243990000098', '2');
    expect(privacy[0]).toMatch(/^Qui peut savoir/);
    expect(await svc.say('+243990000098', '1')).toEqual([expect.stringMatching(/^Votre question Q-/)]);
  });

  test('an expert sees and answers only the questions of their topics, never a number; viewers cannot answer', async () => {
    const mercury = await ask(
      svc,
      '+243990000101',
      'QUESTION le mercure est-il dangereux pour les enfants ?',
    );
    const permit = await ask(svc, '+243990000102', 'QUESTION comment avoir le permis ?');
    const seen = await api(svc, 'GET', '/api/v1/questions?state=waiting', undefined, expert);
    expect((seen.body.items as { reference: string }[]).map((q) => q.reference)).toEqual([mercury]);
    const other = (await question(permit))._id;
    expect((await api(svc, 'GET', `/api/v1/questions/${other}`, undefined, expert)).status).toBe(404);
    expect((await api(svc, 'POST', `/api/v1/questions/${other}/answer`, { text: 'x' }, expert)).status).toBe(
      404,
    );
    expect((await api(svc, 'GET', '/api/v1/reports', undefined, expert)).status).toBe(403);
    expect((await api(svc, 'GET', '/api/v1/directory', undefined, expert)).status).toBe(403);
    const mine = (await question(mercury))._id;
    expect((await api(svc, 'POST', `/api/v1/questions/${mine}/answer`, { text: 'x' }, viewer)).status).toBe(
      403,
    );
    const ok = await api(
      svc,
      'POST',
      `/api/v1/questions/${mine}/answer`,
      { text: 'Oui : tenez les enfants loin de la fonte.' },
      expert,
    );
    expect(ok.status).toBe(200);
    await waitUntil(async () => (await sentTo('+243990000101')).length === 1, 2000);
    const noTopics = await api(
      svc,
      'POST',
      '/api/v1/credentials',
      { name: 'X', role: 'expert' },
      TEST_ADMIN_TOKEN,
    );
    expect(noTopics.status).toBe(400);

    // the dashboard: an expert lands on their questions, sees no other page and no number
    await ask(svc, '+243990000103', 'QUESTION où vendre le mercure usagé ?');
    const page = await login(svc, expert);
    const home = await page.get('/dashboard');
    expect(home.headers.get('location')).toBe('/dashboard/questions');
    const questions = (await page.get('/dashboard/questions')).text;
    expect(questions).toContain('data-ref="Q-');
    expect(questions).not.toContain(permit);
    expect(questions).not.toMatch(/\+2439900001/);
    expect(questions).not.toContain('href="/dashboard/reports"');
    expect((await page.get('/dashboard/reports')).status).toBe(303);
    expect((await page.get('/dashboard/directory')).status).toBe(303);
  });
});
