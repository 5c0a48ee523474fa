import { Translator } from '../../src/i18n';
import { sendEventReminders } from '../../src/knowledge/reminders';
import { TEST_ADMIN_TOKEN, TestService, api, startService } from '../helpers/service';
import { login } from '../helpers/dashboard';

const HOUR = 3_600_000;

/** Sud-Kivu, DR Congo: an organisation and a dialogue two days away. */
const CASM = {
  kind: 'organisation',
  name: 'CASM Bukavu',
  topics: ['mercury', 'safety'],
  regions: ['Sud-Kivu'],
  countries: ['cd'],
  phone: '+243990000001',
  place: 'Av. Kasongo 12',
  languages: ['fr', 'sw'],
  summary: {
    fr: 'Formation au traitement de l’or sans mercure, tables à secousses.',
    sw: 'Mafunzo ya kuchenjua dhahabu bila zebaki.',
  },
};
const dialogue = (startsInHours: number) => ({
  kind: 'event',
  name: 'Dialogue communautaire',
  topics: ['land_conflict'],
  regions: ['Sud-Kivu'],
  countries: ['CD'],
  place: 'Kamituga, paroisse',
  languages: ['fr', 'sw'],
  summary: { fr: 'Mines artisanales : vos droits.', sw: 'Uchimbaji mdogo na leseni: haki zenu.' },
  startsAt: new Date(Date.now() + startsInHours * HOUR).toISOString(),
});

const msg = (r: { body: Record<string, unknown> }) => (r.body.error as { message: string }).message;

describe('the directory of help, through the staff API and SMS', () => {
  let svc: TestService;
  let staff: string;
  let viewer: string;

  beforeAll(async () => {
    svc = await startService();
    const token = async (role: string) =>
      (await api(svc, 'POST', '/api/v1/credentials', { name: `A ${role}`, role }, TEST_ADMIN_TOKEN)).body
        .token as string;
    staff = await token('staff');
    viewer = await token('viewer');
  });
  afterAll(() => svc.stop());
  beforeEach(async () => {
    for (const c of ['directory', 'rsvps', 'contacts', 'sessions', 'outbound'] as const)
      await svc.service.store.collection(c).deleteMany({});
  });

  test('staff add, change, list and remove entries; viewers only read', async () => {
    const made = await api(svc, 'POST', '/api/v1/directory', CASM, staff);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      kind: 'organisation',
      countries: ['CD'],
      topics: ['mercury', 'safety'],
    });
    expect((await api(svc, 'POST', '/api/v1/directory', CASM, viewer)).status).toBe(403);

    const id = made.body.id as string;
    const changed = await api(svc, 'PATCH', `/api/v1/directory/${id}`, { phone: '+243990000009' }, staff);
    expect(changed.status).toBe(200);
    expect(changed.body.phone).toBe('+243990000009');

    const list = await api(svc, 'GET', '/api/v1/directory?topic=mercury', undefined, viewer);
    expect((list.body.items as { name: string }[]).map((e) => e.name)).toEqual(['CASM Bukavu']);
    expect((await api(svc, 'GET', '/api/v1/directory?topic=health', undefined, viewer)).body.items).toEqual(
      [],
    );

    expect((await api(svc, 'DELETE', `/api/v1/directory/${id}`, undefined, staff)).status).toBe(204);
    expect((await api(svc, 'GET', `/api/v1/directory/${id}`, undefined, viewer)).status).toBe(404);
    expect((await api(svc, 'DELETE', `/api/v1/directory/${id}`, undefined, staff)).status).toBe(404);
  });

  test('an entry is refused, saying why: unknown topic, event without date or place, an answer longer than one SMS', async () => {
    const topic = await api(svc, 'POST', '/api/v1/directory', { ...CASM, topics: ['gold'] }, staff);
    expect(topic.status).toBe(400);
    expect(JSON.stringify(topic.body)).toContain('topics');
    const noDate = await api(
      svc,
      'POST',
      '/api/v1/directory',
      { ...dialogue(48), startsAt: undefined },
      staff,
    );
    expect(noDate.status).toBe(400);
    expect(msg(noDate)).toContain('startsAt');
    const noPlace = await api(svc, 'POST', '/api/v1/directory', { ...dialogue(48), place: undefined }, staff);
    expect(msg(noPlace)).toContain('place');

    // 150 characters of French summary: the answer would take two SMS in French, and in
    // every language that falls back to French (all but Swahili, which has its own)
    const long = { ...CASM, summary: { fr: 'Formation '.repeat(15), sw: CASM.summary.sw } };
    const refused = await api(svc, 'POST', '/api/v1/directory', long, staff);
    expect(refused.status).toBe(400);
    expect(msg(refused)).toMatch(/^the answer would not fit one SMS: en \d+ characters \(2 SMS\)/);
    expect(msg(refused)).toContain('fr ');
    expect(msg(refused)).not.toContain('sw ');
    expect(await svc.service.store.collection('directory').countDocuments()).toBe(0);
  });

  test('GO is counted once; staff see who is coming by region and role, only admins see the people', async () => {
    const made = await api(svc, 'POST', '/api/v1/directory', dialogue(48), staff);
    expect(made.status).toBe(201);
    const event = made.body;
    for (const from of ['+243990000071', '+243990000072']) {
      expect((await svc.say(from, 'EVENEMENTS'))[0]).toMatch(/^Dialogue communautaire, .*PARTICIPE/);
      expect((await svc.say(from, 'PARTICIPE'))[0]).toMatch(/^Merci, vous etes inscrit/);
    }
    expect((await svc.say('+243990000072', 'PARTICIPE'))[0]).toMatch(/^Vous etes déjà inscrit/);

    const seen = await api(svc, 'GET', `/api/v1/directory/${event.id}/rsvps`, undefined, viewer);
    expect(seen.body).toMatchObject({ total: 2, byRegion: { unknown: 2 }, byRole: { unknown: 2 } });
    expect(seen.body.people).toBeUndefined();
    expect(JSON.stringify(seen.body)).not.toContain('+2439900000');
    const admin = await api(svc, 'GET', `/api/v1/directory/${event.id}/rsvps`);
    expect((admin.body.people as { phone: string }[]).map((p) => p.phone).sort()).toEqual([
      '+243990000071',
      '+243990000072',
    ]);
    expect((await api(svc, 'GET', `/api/v1/directory/${event.id}`)).body.going).toBe(2);

    // the dashboard shows the same: counts to every role, the numbers to admins only
    const asAdmin = (await (await login(svc, TEST_ADMIN_TOKEN)).get('/dashboard/directory')).text;
    expect(asAdmin).toContain('+243990000071');
    const asViewer = (await (await login(svc, viewer)).get('/dashboard/directory')).text;
    expect(asViewer).toMatch(/data-label="Coming">2\s*<span class="muted"\s*>\(— 2; — 2\)</);
    expect(asViewer).not.toContain('+2439900000');
  });

  test('the day before, each person who said GO gets one reminder in their language; late answers get none', async () => {
    expect((await api(svc, 'POST', '/api/v1/directory', dialogue(40), staff)).status).toBe(201);
    await svc.say('+243990000081', 'EVENEMENTS');
    await svc.say('+243990000081', 'PARTICIPE');
    await svc.say('+243990000083', 'MATUKIO');
    await svc.say('+243990000083', 'NITAKUJA');
    const translator = new Translator('en');
    const settings = { defaultLanguage: 'en' as const, smsFoldGsm: true };

    // a day and a half before: nothing yet
    expect(await sendEventReminders(svc.service.store, translator, settings, new Date())).toBe(0);
    const dayBefore = new Date(Date.now() + 17 * HOUR);
    expect(await sendEventReminders(svc.service.store, translator, settings, dayBefore)).toBe(2);
    expect(await sendEventReminders(svc.service.store, translator, settings, dayBefore)).toBe(0);
    const reminders = await svc.service.store
      .collection('outbound')
      .find({ dedupeKey: { $regex: '^remind:' } }, { sort: { to: 1 } });
    expect(reminders.map((m) => [m.to, m.text.split(' ')[0], m.segments])).toEqual([
      // a Swahili speaker in Sud-Kivu, who wrote MATUKIO
      ['+243990000081', 'Rappel', 1],
      ['+243990000083', 'Kumbusho:', 1],
    ]);
    expect(reminders[0].text).toContain('Dialogue communautaire demain');

    // someone who says GO a few hours before was given the date then: no "tomorrow"
    await svc.say('+243990000082', 'EVENEMENTS');
    expect((await svc.say('+243990000082', 'PARTICIPE'))[0]).toMatch(
      /^Merci, .*\. Nous vous le rappellerons/,
    );
    const late = new Date(Date.now() + 30 * HOUR);
    await svc.service.store
      .collection('rsvps')
      .updateMany(
        { contactId: { $exists: true }, remindedAt: { $exists: false } },
        { $set: { createdAt: late } },
      );
    expect(await sendEventReminders(svc.service.store, translator, settings, late)).toBe(0);
  });
});
