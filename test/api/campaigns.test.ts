import { TEST_ADMIN_TOKEN, TestService, api, startService } from '../helpers/service';
import { seedContacts } from '../helpers/contacts';

type Json = Record<string, unknown>;
const err = (r: { body: Json }) => (r.body.error as { message: string }).message;

/** Twenty contacts in five countries, written the way registrations write them. */
async function seedFiveCountries(svc: TestService) {
  const people = [
    { country: 'CD', language: 'fr', region: 'Sud-Kivu', role: 'miner', minerals: ['gold'] },
    { country: 'CD', language: 'sw', region: 'Sud-Kivu', role: 'community_leader', minerals: ['tin'] },
    { country: 'TZ', language: 'sw', region: 'Geita', role: 'miner', minerals: ['gold'] },
    { country: 'GH', language: 'en', region: 'Ashanti', role: 'trader', minerals: ['gold'] },
    { country: 'BO', language: 'es', region: 'Potosí', role: 'miner', minerals: ['silver'] },
    { country: 'BR', language: 'pt', region: 'Rondônia', role: 'pit_leader', minerals: ['tin'] },
  ];
  await seedContacts(svc.service.store, 20, (i) => ({ channel: 'sms', ...people[i % people.length] }));
}

describe('who a broadcast, poll or survey reaches', () => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startService();
    await seedFiveCountries(svc);
  });
  afterEach(() => svc.stop());

  test('an unknown audience key is a 400 naming it and listing the valid keys, never a send to everyone', async () => {
    for (const path of ['/api/v1/broadcasts', '/api/v1/broadcasts/preview']) {
      const r = await api(svc, 'POST', path, {
        text: { en: 'Meeting Friday' },
        audience: { country: ['TZ'] },
      });
      expect(r.status).toBe(400);
      expect(err(r)).toMatch(/unknown audience key "country"; valid: countries, regions, sites, minerals/);
    }
    const poll = await api(svc, 'POST', '/api/v1/polls', {
      question: { en: 'Dialogue on Friday?' },
      options: [{ en: 'Yes' }, { en: 'No' }],
      audience: { region: ['Geita'] },
    });
    expect(poll.status).toBe(400);
    expect(err(poll)).toMatch(/unknown audience key "region"/);
    expect(await svc.service.store.collection('broadcasts').countDocuments()).toBe(0);
  });

  test('countries is an audience key: a Tanzania-only broadcast reaches Tanzania only', async () => {
    const r = await api(svc, 'POST', '/api/v1/broadcasts', {
      text: { sw: 'Mkutano Ijumaa', en: 'Meeting Friday', fr: 'Réunion vendredi' },
      audience: { countries: ['tz'] },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ recipients: 3, audience: { countries: ['TZ'] } });
    await svc.service.scheduler.runNow('broadcasts');
    const out = await svc.service.store.collection('outbound').find({ broadcastId: r.body.id as string });
    const contacts = await svc.service.store
      .collection('contacts')
      .find({ _id: { $in: out.map((o) => o.contactId) } });
    expect(out).toHaveLength(3);
    expect(new Set(contacts.map((c) => c.country))).toEqual(new Set(['TZ']));
  });

  test('values written differently are matched to what contacts hold; values matching nobody are refused with the known ones', async () => {
    const ok = await api(svc, 'POST', '/api/v1/broadcasts/preview', {
      text: { fr: 'Réunion', sw: 'Mkutano' },
      audience: { regions: ['sud kivu'], minerals: ['dhahabu'] },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ audience: { regions: ['Sud-Kivu'], minerals: ['gold'] }, recipients: 4 });

    const cases: [Json, RegExp][] = [
      [
        { regions: ['Kivu Kusini'] },
        /audience\.regions: "Kivu Kusini" matches no contact; known regions: Ashanti, Geita, Potosí, Rondônia, Sud-Kivu/,
      ],
      [
        { roles: ['leader'] },
        /audience\.roles: "leader" is not a role; use one of miner, pit_leader, processor, trader, community_leader/,
      ],
      [{ minerals: ['platinum'] }, /audience\.minerals: "platinum" is not a mineral/],
      [
        { countries: ['ZM'] },
        /audience\.countries: "ZM" matches no contact; known countries: BO, BR, CD, GH, TZ/,
      ],
    ];
    for (const [audience, message] of cases) {
      const r = await api(svc, 'POST', '/api/v1/broadcasts', { text: { en: 'x' }, audience });
      expect(r.status).toBe(400);
      expect(err(r)).toMatch(message);
    }
    // accents and separators ignored: Potosi is Potosí
    const accent = await api(svc, 'POST', '/api/v1/broadcasts/preview', {
      text: { es: 'Reunión' },
      audience: { regions: ['POTOSI'] },
    });
    expect(accent.body).toMatchObject({ audience: { regions: ['Potosí'] }, recipients: 3 });
  });

  test('a creation that would reach nobody is refused unless allowEmpty', async () => {
    const body = { text: { en: 'Hello' }, audience: { roles: ['processor'] } };
    const refused = await api(svc, 'POST', '/api/v1/broadcasts', body);
    expect(refused.status).toBe(400);
    expect(err(refused)).toMatch(/reaches nobody.*"allowEmpty": true/);
    const allowed = await api(svc, 'POST', '/api/v1/broadcasts', { ...body, allowEmpty: true });
    expect(allowed.status).toBe(201);
    expect(allowed.body).toMatchObject({ recipients: 0 });
    // a planned place nobody registered in yet: kept as written when allowEmpty
    const planned = await api(svc, 'POST', '/api/v1/broadcasts', {
      text: { en: 'Hello' },
      audience: { regions: ['Manica'] },
      allowEmpty: true,
    });
    expect(planned.body).toMatchObject({ audience: { regions: ['Manica'] }, recipients: 0 });
  });

  test('a French-only broadcast reaches French readers only, and the preview says who gets what', async () => {
    const text = { fr: 'Réunion vendredi à Kamituga' };
    const preview = await api(svc, 'POST', '/api/v1/broadcasts/preview', { text });
    expect(preview.body).toMatchObject({
      untranslated: 'skip',
      recipients: 4,
      excluded: { untranslated: 16 },
    });
    expect(preview.body.languages).toEqual([
      { language: 'en', recipients: 3, fallback: true },
      { language: 'fr', recipients: 4, gets: 'fr', fallback: false },
      { language: 'sw', recipients: 7, fallback: true },
      { language: 'es', recipients: 3, fallback: true },
      { language: 'pt', recipients: 3, fallback: true },
    ]);
    const r = await api(svc, 'POST', '/api/v1/broadcasts', { text });
    expect(r.body).toMatchObject({ recipients: 4, excluded: { untranslated: 16 } });
    await svc.service.scheduler.runNow('broadcasts');
    const out = await svc.service.store.collection('outbound').find({ broadcastId: r.body.id as string });
    expect(out).toHaveLength(4);

    // staff choose the fallback: everyone, in French
    const all = await api(svc, 'POST', '/api/v1/broadcasts/preview', { text, untranslated: 'fallback' });
    expect(all.body).toMatchObject({ recipients: 20, excluded: { untranslated: 0 } });
    expect(all.body.languages).toContainEqual({ language: 'sw', recipients: 7, gets: 'fr', fallback: true });
  });

  test('polls and surveys follow the same rule for other languages', async () => {
    const poll = await api(svc, 'POST', '/api/v1/polls', {
      question: { sw: 'Mkutano Ijumaa?' },
      options: [{ sw: 'Ndiyo' }, { sw: 'Hapana' }],
    });
    expect(poll.status).toBe(201);
    const b = await svc.service.store
      .collection('broadcasts')
      .findOne({ _id: poll.body.broadcastId as string });
    expect(b).toMatchObject({ recipients: 7, untranslated: 'skip' });
    const survey = await api(svc, 'POST', '/api/v1/surveys', {
      title: 'Mercury',
      questions: [{ id: 'mercury', type: 'yesno', text: { es: '¿Usa mercurio?' } }],
    });
    expect(survey.body).toMatchObject({ recipients: 3 });
  });
});

describe('dates in the staff API', () => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startService();
    await seedFiveCountries(svc);
  });
  afterEach(() => svc.stop());

  test('a sendAt in the past is refused; now: true or no sendAt sends at once', async () => {
    const text = { en: 'x', fr: 'x', sw: 'x', es: 'x', pt: 'x' };
    const past = await api(svc, 'POST', '/api/v1/broadcasts', { text, sendAt: '2020-01-01T09:00:00Z' });
    expect(past.status).toBe(400);
    expect(err(past)).toMatch(
      /sendAt: 2020-01-01T09:00:00.000Z is in the past; leave sendAt out \(or send "now": true\)/,
    );
    const both = await api(svc, 'POST', '/api/v1/broadcasts', {
      text,
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
      now: true,
    });
    expect(err(both)).toMatch(/give sendAt or "now": true, not both/);
    const now = await api(svc, 'POST', '/api/v1/broadcasts', { text, now: true });
    expect(now.status).toBe(201);
    expect(Date.parse(now.body.sendAt as string)).toBeLessThanOrEqual(Date.now());
    const pastPoll = await api(svc, 'POST', '/api/v1/polls', {
      question: { en: 'Q?' },
      options: [{ en: 'a' }, { en: 'b' }],
      opensAt: '2020-01-01',
    });
    expect(err(pastPoll)).toMatch(/opensAt: .* is in the past/);
  });

  test('only ISO 8601 is accepted; every date error names the field and shows an example', async () => {
    const cases: [string, Json, RegExp][] = [
      [
        '/api/v1/broadcasts',
        { text: { en: 'x' }, sendAt: '01/02/2027' },
        /^sendAt: expected an ISO 8601 date such as 2027-02-01 or 2027-02-01T09:00:00Z, received "01\/02\/2027"/,
      ],
      [
        '/api/v1/broadcasts',
        { text: { en: 'x' }, sendAt: '2027-02-31' },
        /^sendAt: expected an ISO 8601 date/,
      ],
      ['/api/v1/broadcasts', { text: { en: 'x' }, sendAt: 1738400000 }, /^sendAt: expected an ISO 8601 date/],
      [
        '/api/v1/polls',
        { question: { en: 'Q' }, options: [{ en: 'a' }, { en: 'b' }], closesAt: 'next week' },
        /^closesAt: expected an ISO 8601 date such as/,
      ],
    ];
    for (const [path, body, message] of cases) {
      const r = await api(svc, 'POST', path, body);
      expect(r.status).toBe(400);
      expect(err(r)).toMatch(message);
      expect((r.body.error as { fields: { field: string }[] }).fields[0].field).toMatch(
        /^(sendAt|closesAt)$/,
      );
    }
    const q = await api(svc, 'GET', '/api/v1/reports?from=12/01/2026');
    expect(q.status).toBe(400);
    expect(err(q)).toMatch(/^from: expected an ISO 8601 date such as 2027-02-01/);
    // offsets are honoured
    const later = await api(svc, 'POST', '/api/v1/broadcasts', {
      text: { en: 'x' },
      sendAt: '2099-02-01T09:00:00+03:00',
    });
    expect(later.body.sendAt).toBe('2099-02-01T06:00:00.000Z');
  });

  test('a poll without closesAt closes after POLL_DEFAULT_DAYS', async () => {
    const r = await api(svc, 'POST', '/api/v1/polls', {
      question: { en: 'Dialogue on Friday?', sw: 'Mkutano Ijumaa?' },
      options: [
        { en: 'Yes', sw: 'Ndiyo' },
        { en: 'No', sw: 'Hapana' },
      ],
    });
    expect(r.status).toBe(201);
    const open = Date.parse(r.body.opensAt as string);
    expect(Date.parse(r.body.closesAt as string) - open).toBe(7 * 86_400_000);
  });

  test('to is inclusive of its whole day', async () => {
    const reports = svc.service.store.collection('reports');
    await reports.insertMany([
      {
        kind: 'issue',
        reference: 'R-AAAA2',
        channel: 'sms',
        category: 'mercury',
        createdAt: new Date('2026-11-30T23:30:00Z'),
      },
      {
        kind: 'issue',
        reference: 'R-AAAA3',
        channel: 'sms',
        category: 'mercury',
        createdAt: new Date('2026-12-01T00:00:00Z'),
      },
    ]);
    const r = await api(svc, 'GET', '/api/v1/reports?from=2026-11-30&to=2026-11-30');
    expect((r.body.items as Json[]).map((i) => i.reference)).toEqual(['R-AAAA2']);
    const backwards = await api(svc, 'GET', '/api/v1/reports?from=2026-12-02&to=2026-11-30');
    expect(err(backwards)).toMatch(/from: must be before to/);
  });
});

describe('lists, replays and what the JSON API refuses', () => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startService();
    await seedFiveCountries(svc);
  });
  afterEach(() => svc.stop());

  test('broadcasts, polls and surveys are listed newest first, a page at a time, with correct counts while scheduled', async () => {
    const later = new Date(Date.now() + 86_400_000).toISOString();
    for (const word of ['one', 'two', 'three'])
      await api(svc, 'POST', '/api/v1/broadcasts', {
        text: { en: word },
        sendAt: later,
        untranslated: 'fallback',
      });
    await api(svc, 'POST', '/api/v1/polls', {
      question: { en: 'Q?' },
      options: [{ en: 'a' }, { en: 'b' }],
      opensAt: later,
      untranslated: 'fallback',
    });
    await api(svc, 'POST', '/api/v1/surveys', {
      title: 'Baseline',
      questions: [{ id: 'people', type: 'number', text: { en: 'How many work at your site?' } }],
      sendAt: later,
    });
    const page = await api(svc, 'GET', '/api/v1/broadcasts?limit=2');
    const items = page.body.items as Json[];
    expect(items.map((i) => i.kind)).toEqual(['survey', 'poll']);
    const rest = await api(svc, 'GET', '/api/v1/broadcasts?limit=10&offset=2');
    expect((rest.body.items as Json[]).map((i) => (i.text as Json).en)).toEqual(['three', 'two', 'one']);
    // scheduled, not yet fanned out: the expected recipients, not 0
    expect(rest.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ state: 'scheduled', recipients: 20 })]),
    );
    expect(((await api(svc, 'GET', '/api/v1/polls')).body.items as Json[]).length).toBe(1);
    expect(((await api(svc, 'GET', '/api/v1/surveys')).body.items as Json[])[0]).toMatchObject({
      title: 'Baseline',
    });
  });

  test('the same Idempotency-Key twice creates one broadcast (and one poll, one survey)', async () => {
    const send = (path: string, body: Json, key: string) =>
      fetch(svc.url + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
          'idempotency-key': key,
        },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as Json }));
    const body = { text: { en: 'Water is unsafe downstream of the plant.' }, untranslated: 'fallback' };
    const [a, b] = await Promise.all([
      send('/api/v1/broadcasts', body, 'form-7f3a9c21'),
      send('/api/v1/broadcasts', body, 'form-7f3a9c21'),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.id).toBe(b.body.id);
    const again = await send('/api/v1/broadcasts', body, 'form-7f3a9c21');
    expect(again).toMatchObject({ status: 200, body: { id: a.body.id, replayed: true } });
    const poll = { question: { en: 'Q?' }, options: [{ en: 'a' }, { en: 'b' }], untranslated: 'fallback' };
    const p1 = await send('/api/v1/polls', poll, 'poll-key-0001');
    const p2 = await send('/api/v1/polls', poll, 'poll-key-0001');
    expect(p2.body).toMatchObject({ id: p1.body.id, replayed: true });
    const survey = {
      title: 'S',
      questions: [{ id: 'a', type: 'number', text: { en: 'How many?' } }],
      untranslated: 'fallback',
    };
    const s1 = await send('/api/v1/surveys', survey, 'survey-key-01');
    const s2 = await send('/api/v1/surveys', survey, 'survey-key-01');
    expect(s2.body).toMatchObject({ id: s1.body.id, replayed: true });
    const store = svc.service.store;
    expect(await store.collection('broadcasts').countDocuments()).toBe(3);
    expect(await store.collection('polls').countDocuments()).toBe(1);
    expect(await store.collection('flows').countDocuments()).toBe(1);
    const audits = await store
      .collection('audit')
      .countDocuments({ action: { $in: ['broadcast.create', 'poll.create', 'survey.create'] } });
    expect(audits).toBe(3);
  });

  test('a form-encoded POST gets a 415 saying to send JSON; unknown query parameters are a 400 listing the valid ones', async () => {
    const form = await fetch(`${svc.url}/api/v1/broadcasts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${TEST_ADMIN_TOKEN}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'text.en=hello',
    });
    expect(form.status).toBe(415);
    expect(((await form.json()) as { error: { message: string } }).error.message).toMatch(
      /send JSON with Content-Type: application\/json/,
    );
    const q = await api(svc, 'GET', '/api/v1/reports?kind=price&regoin=Geita');
    expect(q.status).toBe(400);
    expect(err(q)).toMatch(/unknown query parameter "regoin"; valid: kind, state, region/);
    const s = await api(svc, 'GET', '/api/v1/stats/prices?mineral=gold&curency=TZS');
    expect(err(s)).toMatch(/unknown query parameter "curency"/);
  });

  test('surveys refuse a question missing a language the others have, as polls do', async () => {
    const r = await api(svc, 'POST', '/api/v1/surveys', {
      title: 'Mercury',
      questions: [
        {
          id: 'mercury',
          type: 'yesno',
          text: { en: 'Do you use mercury?', fr: 'Utilisez-vous du mercure ?' },
        },
        { id: 'grams', type: 'number', text: { en: 'How many grams a week?' } },
      ],
    });
    expect(r.status).toBe(400);
    expect(err(r)).toMatch(/questions\.1\.text\.fr: missing the fr text the first question has/);
  });
});
