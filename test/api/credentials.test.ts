import { TEST_ADMIN_TOKEN, TestService, api, startService } from '../helpers/service';

type Json = Record<string, unknown>;

describe('access tokens: listed without the token, revoked at once', () => {
  let svc: TestService;
  beforeEach(async () => {
    svc = await startService();
  });
  afterEach(() => svc.stop());

  test('admins list tokens (names, roles, created, last used) and revoke one; it is refused from the next call', async () => {
    const made = await api(svc, 'POST', '/api/v1/credentials', { name: 'Neema', role: 'staff' });
    expect(made.status).toBe(201);
    const token = made.body.token as string;
    expect((await api(svc, 'GET', '/api/v1/reports', undefined, token)).status).toBe(200);

    const list = await api(svc, 'GET', '/api/v1/credentials');
    const neema = (list.body.items as Json[]).find((c) => c.name === 'Neema')!;
    expect(neema).toMatchObject({ role: 'staff', createdBy: 'ADMIN_TOKEN', revokedAt: null });
    expect(Date.parse(neema.lastUsedAt as string)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toMatch(/tokenHash/);

    const revoked = await api(svc, 'DELETE', `/api/v1/credentials/${neema.id as string}`);
    expect(revoked.body).toMatchObject({ name: 'Neema', revokedBy: 'ADMIN_TOKEN' });
    const refused = await api(svc, 'GET', '/api/v1/reports', undefined, token);
    expect(refused.status).toBe(401);
    expect((refused.body.error as Json).message).toBe('this token was revoked');
    const audit = await svc.service.store.collection('audit').findOne({ action: 'credential.revoke' });
    expect(audit).toMatchObject({ target: neema.id, details: { name: 'Neema', role: 'staff' } });
    expect((await api(svc, 'DELETE', '/api/v1/credentials/no-such-id')).status).toBe(404);
  });

  test('only admins see or manage tokens; the last admin token cannot be revoked', async () => {
    const staff = (await api(svc, 'POST', '/api/v1/credentials', { name: 'S', role: 'staff' })).body
      .token as string;
    expect((await api(svc, 'GET', '/api/v1/credentials', undefined, staff)).status).toBe(403);
    expect((await api(svc, 'POST', '/api/v1/credentials', { name: 'x', role: 'viewer' }, staff)).status).toBe(
      403,
    );
    const bad = await api(svc, 'POST', '/api/v1/credentials', { name: 'x', role: 'root' });
    expect((bad.body.error as Json).message).toMatch(/^role: .*"admin"\|"staff"\|"viewer"/);
    const admins = ((await api(svc, 'GET', '/api/v1/credentials')).body.items as Json[]).filter(
      (c) => c.role === 'admin',
    );
    expect(admins).toHaveLength(1);
    const last = await api(svc, 'DELETE', `/api/v1/credentials/${admins[0].id as string}`);
    expect(last.status).toBe(400);
    expect((last.body.error as Json).message).toMatch(/last admin token/);
    expect((await api(svc, 'GET', '/api/v1/credentials', undefined, TEST_ADMIN_TOKEN)).status).toBe(200);
  });
});
