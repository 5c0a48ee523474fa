import { TEST_ADMIN_TOKEN, TestService, api, startService } from '../helpers/service';
import { login } from '../helpers/dashboard';

const HOUR = 3_600_000;

/** Pit safety in three lessons, the second with a question; French and Swahili. */
const SAFETY = {
  key: 'securite',
  topic: 'safety',
  title: { fr: 'Sécurité du puits', sw: 'Usalama wa shimo' },
  everyDays: 7,
  lessons: [
    {
      text: {
        fr: 'Boisez le puits tous les 2 m avec du bois sec et épais.',
        sw: 'Imarisha shimo kila mita 2 kwa mbao kavu na nene.',
      },
    },
    {
      text: {
        fr: 'Après la pluie, attendez un jour avant de descendre.',
        sw: 'Baada ya mvua, subiri siku moja kabla ya kushuka.',
      },
      quiz: {
        question: { fr: 'Quand descendre après une forte pluie ?', sw: 'Lini kushuka baada ya mvua kubwa?' },
        options: [
          { fr: 'Tout de suite', sw: 'Mara moja' },
          { fr: 'Le lendemain', sw: 'Kesho yake' },
        ],
        right: 2,
        feedback: {
          right: { fr: 'Oui : le sol doit sécher un jour.', sw: 'Ndiyo: ardhi ikauke siku moja.' },
          wrong: {
            fr: 'Non : attendez un jour, le sol mouillé s’effondre.',
            sw: 'Hapana: subiri siku moja, ardhi yenye maji huanguka.',
          },
        },
      },
    },
    {
      text: {
        fr: 'Gardez toujours une corde et un sifflet au fond.',
        sw: 'Weka kamba na filimbi chini kila wakati.',
      },
    },
  ],
};

describe('learning series: joined by keyword or by staff, one lesson at a time at the delivery hour', () => {
  let svc: TestService;
  let now = new Date('2026-12-07T05:00:00Z').getTime(); // a Monday, 07:00 in eastern DR Congo
  let seriesId: string;

  beforeAll(async () => {
    svc = await startService({ DELIVERY_HOURS: '9' }, { clock: () => new Date(now) });
    const made = await api(svc, 'POST', '/api/v1/series', SAFETY, TEST_ADMIN_TOKEN);
    expect(made.status).toBe(201);
    seriesId = made.body.id as string;
  });
  afterAll(() => svc.stop());
  const lessonsTo = (to: string) =>
    svc.service.store
      .collection('outbound')
      .find({ to, dedupeKey: { $regex: '^lesson:' } }, { sort: { createdAt: 1 } });
  const run = async (at: string) => {
    now = new Date(at).getTime();
    await svc.service.scheduler.runNow('lessons');
  };

  test('a series whose lesson would not fit one SMS is refused, naming the lesson and language', async () => {
    const long = {
      ...SAFETY,
      key: 'long',
      lessons: [{ text: { fr: 'Boisez le puits. '.repeat(10).slice(0, 158) } }],
    };
    const res = await api(svc, 'POST', '/api/v1/series', long, TEST_ADMIN_TOKEN);
    expect(res.status).toBe(400);
    expect((res.body.error as { message: string }).message).toMatch(
      /^too long for one SMS: lesson 1 in en: \d+ characters \(2 SMS\)/,
    );
    expect((await api(svc, 'POST', '/api/v1/series', SAFETY, TEST_ADMIN_TOKEN)).status).toBe(400); // the key exists
  });

  test('join, lesson at 09:00 local, a question answered, NEXT, PAUSE, finish; never twice', async () => {
    const miner = '+243990000151';
    expect(await svc.say(miner, 'APPRENDRE SECURITE')).toEqual([
      'Inscrit à Sécurité du puits : 3 lecons, une tous les 7 jours à 9 h. SUIVANT : la suite maintenant. PAUSE. QUITTER.',
    ]);
    await run('2026-12-07T06:30:00Z'); // 08:30 there: not yet
    expect(await lessonsTo(miner)).toEqual([]);
    await run('2026-12-07T07:00:00Z'); // 09:00 there
    await run('2026-12-07T07:10:00Z'); // and again: nothing twice
    expect((await lessonsTo(miner)).map((m) => m.text)).toEqual([
      '1/3 Boisez le puits tous les 2 m avec du bois sec et épais.',
    ]);

    // a week later, the second lesson and its question; the answer gets the feedback
    await run('2026-12-14T07:00:00Z');
    expect((await lessonsTo(miner)).map((m) => m.text).slice(1)).toEqual([
      '2/3 Après la pluie, attendez un jour avant de descendre.',
      'Quand descendre après une forte pluie ?\n1 Tout de suite\n2 Le lendemain',
    ]);
    expect(await svc.say(miner, '2')).toEqual(['Oui : le sol doit sécher un jour.']);

    // PAUSE stops the lessons; NEXT sends the next one at once and goes on
    expect(await svc.say(miner, 'PAUSE')).toEqual(['Lecons en pause. Envoyez SUIVANT pour continuer.']);
    await run('2026-12-21T07:00:00Z');
    expect(await lessonsTo(miner)).toHaveLength(3);
    expect(await svc.say(miner, 'SUIVANT')).toEqual([
      '3/3 Gardez toujours une corde et un sifflet au fond.',
      'Vous avez fini Sécurité du puits. Bravo ! Envoyez APPRENDRE pour une autre série.',
    ]);

    const progress = (await api(svc, 'GET', `/api/v1/series/${seriesId}`)).body.progress as Record<
      string,
      unknown
    >;
    expect(progress).toMatchObject({
      enrolled: 1,
      byState: { finished: 1 },
      lessons: [
        { n: 1, reached: 1 },
        { n: 2, reached: 1, answered: 1, right: 1 },
        { n: 3, reached: 1 },
      ],
    });
    // the dashboard's page shows the same progress
    const page = (await (await login(svc, TEST_ADMIN_TOKEN)).get('/dashboard/series')).text;
    expect(page).toContain('data-key="SECURITE"');
    expect(page).toContain(
      '<td data-label="Lesson">2</td><td data-label="Reached">1</td><td data-label="Answered the question">1</td><td data-label="Right">1 (100%)</td>',
    );
  });

  test('staff enrol a segment; each gets lessons in their language at their hour; leaving stops them', async () => {
    now = new Date('2026-12-07T12:00:00Z').getTime();
    await svc.say('+255712000151', 'BEI DHAHABU 150000 TSH G');
    await svc.say('+243990000152', 'PRIX OR 250000 FC G');
    await svc.service.store
      .collection('contacts')
      .updateMany(
        { 'addresses.value': { $in: ['+255712000151', '+243990000152'] } },
        { $set: { region: 'Kivu' } },
      );
    const res = await api(svc, 'POST', `/api/v1/series/${seriesId}/enrol`, {
      audience: { regions: ['Kivu'] },
    });
    expect(res.body).toMatchObject({ enrolled: 2 });
    expect(
      (await api(svc, 'POST', `/api/v1/series/${seriesId}/enrol`, { audience: { regions: ['Kivu'] } })).body,
    ).toMatchObject({ enrolled: 0, already: 2 });
    // staff enrolled them now (the API's clock is the real one): the next 09:00 in each
    // country, Tanzania (UTC+3) an hour before eastern DR Congo (UTC+2)
    const nextAt = async (from: string) => {
      const c = await svc.service.store.collection('contacts').findOne({ 'addresses.value': from });
      return (await svc.service.store.collection('enrolments').findOne({ contactId: c!._id }))!.nextAt!;
    };
    const tz = await nextAt('+255712000151');
    const cd = await nextAt('+243990000152');
    expect([tz.getUTCHours(), cd.getUTCHours(), cd.getTime() - tz.getTime()]).toEqual([6, 7, HOUR]);
    await run(tz.toISOString());
    expect((await lessonsTo('+255712000151')).map((m) => m.text)).toEqual([
      '1/3 Imarisha shimo kila mita 2 kwa mbao kavu na nene.',
    ]);
    expect(await lessonsTo('+243990000152')).toEqual([]);
    await run(cd.toISOString());
    expect(await lessonsTo('+243990000152')).toHaveLength(1);

    expect(await svc.say('+255712000151', 'ONDOKA')).toEqual(['Umeacha masomo. Tuma JIFUNZE kuanza tena.']);
    await run(new Date(cd.getTime() + 7 * 24 * HOUR).toISOString());
    await run(new Date(cd.getTime() + 14 * 24 * HOUR).toISOString());
    const lessons = async (to: string) => (await lessonsTo(to)).filter((m) => /^\d\/3 /.test(m.text)).length;
    expect([await lessons('+255712000151'), await lessons('+243990000152')]).toEqual([1, 3]);
  });
});
