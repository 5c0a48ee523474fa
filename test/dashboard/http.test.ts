import { DASHBOARD_PAGES } from '../helpers/browser';
import { TestService, TEST_ADMIN_TOKEN, api, startService } from '../helpers/service';
import { login } from '../helpers/dashboard';

describe('dashboard: login, sessions, roles and security headers', () => {
  let svc: TestService;
  let viewerToken: string;
  let staffToken: string;
  beforeAll(async () => {
    svc = await startService();
    viewerToken = (await api(svc, 'POST', '/api/v1/credentials', { name: 'Ministry reader', role: 'viewer' }))
      .body.token as string;
    staffToken = (await api(svc, 'POST', '/api/v1/credentials', { name: 'Amani', role: 'staff' })).body
      .token as string;
    await svc.say('+243990000091', 'PRICE GOLD 250000 CDF G');
    await svc.say('+243990000092', 'ACCIDENT EBOULEMENT 2 1 Kamituga');
  });
  afterAll(() => svc.stop());

  test('pages need a session; a wrong token is refused; a right one gets an HttpOnly SameSite cookie', async () => {
    const anon = await fetch(`${svc.url}/dashboard/reports`, { redirect: 'manual' });
    expect(anon.status).toBe(303);
    expect(anon.headers.get('location')).toBe('/dashboard/login?next=%2Fdashboard%2Freports');
    const wrong = await login(svc, 'not-a-token');
    expect(wrong.res.status).toBe(401);
    expect(await wrong.res.text()).toContain('This token is not known');
    expect(wrong.setCookie).toBe('');

    const ok = await login(svc, TEST_ADMIN_TOKEN);
    expect(ok.res.status).toBe(303);
    expect(ok.setCookie).toMatch(
      /^chimba_session=[\w-]{43}; Path=\/dashboard; HttpOnly; SameSite=Strict; Max-Age=43200$/,
    );
    // only a hash of the cookie is stored
    const stored = await svc.service.store.collection('dashboardSessions').find({});
    expect(JSON.stringify(stored)).not.toContain(ok.cookie.split('=')[1]);
    expect((await ok.get('/dashboard')).status).toBe(200);
  });

  test('behind HTTPS the cookie is Secure; a login posted from another site is refused', async () => {
    const res = await fetch(`${svc.url}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-proto': 'https' },
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }),
    });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
    const cross = await fetch(`${svc.url}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: new URLSearchParams({ token: TEST_ADMIN_TOKEN }),
    });
    expect(cross.status).toBe(403);
    expect(cross.headers.get('set-cookie')).toBeNull();
  });

  test('CSP without inline script, no framing, no caching of pages', async () => {
    const admin = await login(svc, TEST_ADMIN_TOKEN);
    const page = await admin.get('/dashboard/reports');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.text).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\son\w+=|style="/);
  });

  test('every form needs the CSRF token of the session', async () => {
    const staff = await login(svc, staffToken);
    const [incident] = await svc.service.store.collection('reports').find({ kind: 'incident' });
    const without = await staff.post(`/dashboard/reports/${incident._id}`, { state: 'seen' });
    expect(without.status).toBe(403);
    expect(without.text).toContain('did not come from this dashboard');
    expect((await svc.service.store.collection('reports').findOne({ _id: incident._id }))!.state).toBe('new');
    const withToken = await staff.post(`/dashboard/reports/${incident._id}`, {
      state: 'seen',
      _csrf: await staff.csrf(),
    });
    expect(withToken.status).toBe(303);
    expect((await svc.service.store.collection('reports').findOne({ _id: incident._id }))!.state).toBe(
      'seen',
    );
    const audit = await svc.service.store.collection('audit').findOne({ action: 'report.triage' });
    expect(audit).toMatchObject({ actor: 'Amani', role: 'staff' });
  });

  test('a viewer sees no phone numbers, cannot triage or broadcast; an admin sees numbers', async () => {
    const viewer = await login(svc, viewerToken);
    for (const path of [
      '/dashboard',
      '/dashboard/reports',
      '/dashboard/contacts',
      '/dashboard/prices',
      '/dashboard/broadcasts',
      '/dashboard/polls',
    ]) {
      const page = await viewer.get(path);
      expect({ path, status: page.status }).toEqual({ path, status: 200 });
      expect(page.text).not.toMatch(/99000009\d/);
    }
    const [incident] = await svc.service.store.collection('reports').find({ kind: 'incident' });
    const detail = await viewer.get(`/dashboard/reports/${incident._id}`);
    expect(detail.text).not.toContain('class="card triage"');
    expect((await viewer.get('/dashboard/broadcasts')).text).not.toContain('id="compose"');
    const csrf = await viewer.csrf();
    expect(
      (await viewer.post(`/dashboard/reports/${incident._id}`, { state: 'closed', _csrf: csrf })).status,
    ).toBe(403);
    expect((await viewer.post('/dashboard/broadcasts', { 'text.en': 'hello', _csrf: csrf })).status).toBe(
      403,
    );
    expect(await svc.service.store.collection('broadcasts').countDocuments({})).toBe(0);

    const admin = await login(svc, TEST_ADMIN_TOKEN);
    expect((await admin.get('/dashboard/contacts')).text).toContain('+243990000091');
    expect((await admin.get(`/dashboard/reports/${incident._id}`)).text).toContain('+243990000092');
  });

  test('French at login; logout ends the session on the server', async () => {
    const fr = await login(svc, staffToken, 'fr');
    const page = await fr.get('/dashboard/reports');
    expect(page.text).toContain('<html lang="fr">');
    expect(page.text).toContain('Rapports');
    expect(page.text).toContain('Se déconnecter');
    const out = await fr.post('/dashboard/logout', { _csrf: await fr.csrf() });
    expect(out.status).toBe(303);
    expect(out.location).toBe('/dashboard/login');
    expect((await fr.get('/dashboard/reports')).status).toBe(303);
  });

  test('each page is small on a slow link: under 200 kB with its CSS and JS', async () => {
    const admin = await login(svc, TEST_ADMIN_TOKEN);
    const css = await admin.get('/dashboard/static/dashboard.css');
    const js = await admin.get('/dashboard/static/dashboard.js');
    expect(css.headers.get('cache-control')).toMatch(/max-age=604800/);
    for (const path of DASHBOARD_PAGES) {
      const page = await admin.get(path);
      const bytes = Buffer.byteLength(page.text) + Buffer.byteLength(css.text) + Buffer.byteLength(js.text);
      expect({ path, under200k: bytes < 200_000 }).toEqual({ path, under200k: true });
    }
  });

  test('ten wrong tokens from one address, then even a right one waits', async () => {
    const fresh = await startService();
    try {
      for (let i = 0; i < 10; i++) expect((await login(fresh, `wrong-${i}`)).res.status).toBe(401);
      const blocked = await login(fresh, TEST_ADMIN_TOKEN);
      expect(blocked.res.status).toBe(429);
      expect(blocked.setCookie).toBe('');
    } finally {
      await fresh.stop();
    }
  });

  test('the prices page for a region shows that region’s own currency, not the one most reported elsewhere', async () => {
    // more Congolese reports than Tanzanian ones: CDF is the most reported overall
    for (const [from, text] of [
      ['+243990000193', 'PRIX OR 251000 FC G'],
      ['+243990000194', 'PRIX OR 252000 FC G'],
      ['+243990000195', 'PRIX OR 253000 FC G'],
      ['+255712000191', 'BEI DHAHABU 150000 TSH G'],
      ['+255712000192', 'BEI DHAHABU 155000 TSH G'],
    ])
      await svc.say(from, text);
    await svc.service.store
      .collection('contacts')
      .updateMany(
        { 'addresses.value': { $in: ['+255712000191', '+255712000192'] } },
        { $set: { region: 'Geita' } },
      );
    // the earlier reports carried no region: count them again now that these contacts have one
    await svc.service.store
      .collection('reports')
      .updateMany({ currency: 'TZS' }, { $set: { region: 'Geita' } });
    await api(svc, 'POST', '/api/v1/stats/prices/rebuild');
    const staff = await login(svc, staffToken);
    const page = await staff.get('/dashboard/prices?mineral=gold&region=Geita');
    expect(page.status).toBe(200);
    expect(page.text).toContain('TZS');
    expect(page.text).not.toMatch(/Gold, CDF/);
    expect(page.text).not.toContain('No price reports');
  });
});
