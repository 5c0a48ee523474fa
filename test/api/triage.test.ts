import { insertReport } from '../../src/reports/store';
import { TestService, api, startService } from '../helpers/service';
import { waitUntil } from '../helpers/wait';

type Json = Record<string, unknown>;

const MINER = '+243990000071';
const OTHER = '+243990000072';
const refOf = (replies: string[]) => /[PRC]-[0-9A-Z]{5}/.exec(replies.join(' '))![0];

describe('incident triage: states, assignment, notes, and updates to the reporter', () => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startService();
  });
  afterEach(() => svc.stop());

  async function reportByRef(ref: string): Promise<Json> {
    const list = await api(svc, 'GET', '/api/v1/reports?limit=500');
    return (list.body.items as Json[]).find((r) => r.reference === ref)!;
  }

  test('an urgent incident stays on top until seen; a state change reaches the reporter in their language; STATUS agrees', async () => {
    const urgent = refOf(await svc.say(MINER, 'ACCIDENT EBOULEMENT 2 1 Kamituga'));
    const later = refOf(await svc.say(OTHER, 'ISSUE HEALTH no first aid kit at the pit'));
    let list = (await api(svc, 'GET', '/api/v1/reports')).body.items as Json[];
    expect(list.map((r) => r.reference)).toEqual([urgent, later]);
    expect(list[0]).toMatchObject({ urgent: true, pinned: true, state: 'new', injured: 2, dead: 1 });

    const id = (await reportByRef(urgent)).id as string;
    const res = await api(svc, 'PATCH', `/api/v1/reports/${id}`, {
      state: 'in_progress',
      assignee: 'Amani (Bukavu office)',
      note: 'Called the site chief; rescue team on its way.',
      notify: true,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      state: 'in_progress',
      pinned: false,
      assignee: 'Amani (Bukavu office)',
      sent: 1,
    });
    expect((res.body.notes as Json[])[0]).toMatchObject({
      by: 'ADMIN_TOKEN',
      text: expect.stringMatching(/^Called/),
    });

    // the reporter, a DRC number, gets it in French through the simulator; staff never saw the number
    const triageOut = () =>
      svc.service.store.collection('outbound').findOne({ dedupeKey: { $regex: '^triage:' } });
    await waitUntil(async () => ['sent', 'delivered'].includes((await triageOut())?.status ?? ''));
    const out = await triageOut();
    expect(out).toMatchObject({ to: MINER, text: `Rapport ${urgent} : l'équipe s'en occupe.`, segments: 1 });
    expect(JSON.stringify(res.body)).not.toContain('990000071');

    list = (await api(svc, 'GET', '/api/v1/reports')).body.items as Json[];
    expect(list.map((r) => r.reference)).toEqual([later, urgent]);
    expect((await svc.say(MINER, `SUIVI ${urgent}`)).join()).toContain("l'équipe s'en occupe");

    // the same update twice (a double click) is sent once; a short free-text answer goes as one segment
    await api(svc, 'PATCH', `/api/v1/reports/${id}`, { state: 'in_progress', notify: true });
    const reply = await api(svc, 'PATCH', `/api/v1/reports/${id}`, {
      reply: 'Une equipe arrive demain matin.',
    });
    expect(reply.body.sent).toBe(1);
    const tooLong = await api(svc, 'PATCH', `/api/v1/reports/${id}`, { reply: 'x'.repeat(155) });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body.error as Json).message).toMatch(/^reply: takes 2 SMS segments/);
    const sent = await svc.service.store.collection('outbound').find({ dedupeKey: { $regex: '^triage:' } });
    expect(sent.map((m) => m.text).sort()).toEqual(
      [`${urgent}: Une equipe arrive demain matin.`, `Rapport ${urgent} : l'équipe s'en occupe.`].sort(),
    );

    const audit = await api(svc, 'GET', '/api/v1/audit');
    expect((audit.body.items as Json[]).filter((a) => a.action === 'report.triage').length).toBe(3);
  });

  test('an anonymous report cannot be answered, and the API says why; its state still moves', async () => {
    const ref = refOf(await svc.say(MINER, 'INCIDENT COLLAPSE 3 1 Pit 7 ANON'));
    const r = await reportByRef(ref);
    expect(r.anonymous).toBe(true);
    expect(r.contact).toBeUndefined();
    const detail = await api(svc, 'GET', `/api/v1/reports/${r.id as string}`);
    expect(detail.body.reach).toBe('anonymous');
    const res = await api(svc, 'PATCH', `/api/v1/reports/${r.id as string}`, { state: 'seen', notify: true });
    expect(res.status).toBe(400);
    expect((res.body.error as Json).message).toMatch(/anonymous report cannot be answered/);
    expect((await reportByRef(ref)).state).toBe('new'); // nothing half-done
    expect(
      (await api(svc, 'PATCH', `/api/v1/reports/${r.id as string}`, { state: 'seen' })).body,
    ).toMatchObject({
      state: 'seen',
      pinned: false,
      sent: 0,
    });
  });

  test('a reporter who sent STOP is not messaged; viewers cannot triage; bad bodies name the field', async () => {
    const ref = refOf(await svc.say(MINER, 'ISSUE HEALTH no first aid kit at the pit'));
    await svc.say(MINER, 'STOP');
    const id = (await reportByRef(ref)).id as string;
    const stopped = await api(svc, 'PATCH', `/api/v1/reports/${id}`, { state: 'closed', notify: true });
    expect(stopped.status).toBe(400);
    expect((stopped.body.error as Json).message).toMatch(/opted out/);

    const viewer = (await api(svc, 'POST', '/api/v1/credentials', { name: 'Ministry', role: 'viewer' })).body
      .token as string;
    expect((await api(svc, 'PATCH', `/api/v1/reports/${id}`, { state: 'seen' }, viewer)).status).toBe(403);
    expect((await api(svc, 'GET', `/api/v1/reports/${id}`, undefined, viewer)).status).toBe(200);

    for (const [body, field] of [
      [{ state: 'archived' }, /^state: /],
      [{}, /nothing to change/],
      [{ state: 'seen', phone: '+243990000071' }, /Unrecognized key/],
      [{ note: 'x'.repeat(1001) }, /^note: /],
    ] as const) {
      const res = await api(svc, 'PATCH', `/api/v1/reports/${id}`, body);
      expect({ status: res.status, message: (res.body.error as Json).message }).toEqual({
        status: 400,
        message: expect.stringMatching(field),
      });
    }
    expect((await api(svc, 'PATCH', '/api/v1/reports/nope', { state: 'seen' })).status).toBe(404);
  });
});

describe('issue and incident counts by category, region and week', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
    const s = svc.service.store;
    const base = { channel: 'sms' as const };
    const at = (d: string) => new Date(`${d}T10:00:00Z`);
    await insertReport(s, {
      ...base,
      kind: 'issue',
      category: 'mercury',
      region: 'Ituri',
      createdAt: at('2026-11-02'),
    });
    await insertReport(s, {
      ...base,
      kind: 'issue',
      category: 'mercury',
      region: 'Ituri',
      createdAt: at('2026-11-08'),
    });
    await insertReport(s, {
      ...base,
      kind: 'issue',
      category: 'mercury',
      region: 'Geita',
      createdAt: at('2026-11-04'),
    });
    await insertReport(s, {
      ...base,
      kind: 'issue',
      category: 'child_labour',
      region: 'Ituri',
      createdAt: at('2026-11-09'),
    });
    await insertReport(s, {
      ...base,
      kind: 'incident',
      incidentType: 'collapse',
      injured: 3,
      dead: 1,
      urgent: true,
      region: 'Ituri',
      createdAt: at('2026-11-03'),
    });
    await insertReport(s, {
      ...base,
      kind: 'incident',
      incidentType: 'collapse',
      injured: 2,
      dead: 0,
      urgent: true,
      region: 'Ituri',
      createdAt: at('2026-11-05'),
    });
    await insertReport(s, {
      ...base,
      kind: 'incident',
      incidentType: 'flooding',
      injured: 0,
      dead: 4,
      urgent: true,
      createdAt: at('2026-11-10'),
    });
    await insertReport(s, {
      ...base,
      kind: 'price',
      mineral: 'gold',
      amount: 1,
      currency: 'CDF',
      unit: 'g',
      region: 'Ituri',
      createdAt: at('2026-11-02'),
    });
  });
  afterAll(() => svc.stop());

  test('rows and totals match a hand count', async () => {
    const res = await api(svc, 'GET', '/api/v1/stats/reports');
    expect(res.body.rows).toEqual([
      {
        week: '2026-11-02T00:00:00.000Z',
        kind: 'incident',
        category: 'collapse',
        region: 'Ituri',
        count: 2,
        injured: 5,
        dead: 1,
      },
      {
        week: '2026-11-02T00:00:00.000Z',
        kind: 'issue',
        category: 'mercury',
        region: 'Geita',
        count: 1,
        injured: 0,
        dead: 0,
      },
      {
        week: '2026-11-02T00:00:00.000Z',
        kind: 'issue',
        category: 'mercury',
        region: 'Ituri',
        count: 2,
        injured: 0,
        dead: 0,
      },
      {
        week: '2026-11-09T00:00:00.000Z',
        kind: 'incident',
        category: 'flooding',
        region: null,
        count: 1,
        injured: 0,
        dead: 4,
      },
      {
        week: '2026-11-09T00:00:00.000Z',
        kind: 'issue',
        category: 'child_labour',
        region: 'Ituri',
        count: 1,
        injured: 0,
        dead: 0,
      },
    ]);
    expect(res.body.totals).toEqual({ count: 7, injured: 5, dead: 5, issues: 4, incidents: 3 });
    const ituriIncidents = await api(
      svc,
      'GET',
      '/api/v1/stats/reports?kind=incident&region=Ituri&from=2026-11-01&to=2026-11-30',
    );
    expect(ituriIncidents.body.totals).toEqual({ count: 2, injured: 5, dead: 1, issues: 0, incidents: 2 });
    expect((await api(svc, 'GET', '/api/v1/stats/reports?kind=price')).status).toBe(400);
  });
});
