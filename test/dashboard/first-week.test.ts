import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { seedContacts } from '../helpers/contacts';
import { TEST_ADMIN_TOKEN, TestService, api, startService } from '../helpers/service';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Where the phone-layout screenshots go (looked at by people; the test checks they were taken). */
const SCREENS = path.join(os.tmpdir(), 'chimba-dashboard-screens');

const FR_REPORTER = '+243990000201';
const STOPPED = '+243990000202';
const refOf = (replies: string[]) => /[PRC]-[0-9A-Z]{5}/.exec(replies.join(' '))![0];

describe('what staff hit in their first week, in headless Chromium', () => {
  let svc: TestService;
  let browser: Browser;
  let staffToken: string;
  let incident: string;
  let stoppedRef: string;

  beforeAll(async () => {
    [svc, browser] = await Promise.all([startService(), launchBrowser()]);
    staffToken = (await api(svc, 'POST', '/api/v1/credentials', { name: 'Amani', role: 'staff' })).body
      .token as string;
    incident = refOf(await svc.say(FR_REPORTER, 'ACCIDENT INONDATION 1 1 Kamituga'));
    stoppedRef = refOf(await svc.say(STOPPED, 'PROBLEME SANTE pas de trousse de secours'));
    await svc.say(STOPPED, 'ARRET');
    await seedContacts(svc.service.store, 12, (i) => ({
      channel: 'sms',
      country: ['CD', 'TZ', 'GH'][i % 3],
      language: ['fr', 'sw', 'en'][i % 3],
      region: ['Sud-Kivu', 'Geita', 'Ashanti'][i % 3],
      role: i % 2 ? 'miner' : 'community_leader',
    }));
    fs.mkdirSync(SCREENS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  async function logIn(page: Page, token: string, language: 'en' | 'fr' = 'en') {
    await page.goto(`${svc.url}/dashboard/login`);
    await page.fill('#token', token);
    await page.selectOption('#f-language', language);
    await Promise.all([
      page.waitForURL(`${svc.url}/dashboard`),
      page.click('form.login button[type=submit]'),
    ]);
  }

  async function reportId(ref: string): Promise<string> {
    return (await svc.service.store.collection('reports').findOne({ reference: ref }))!._id;
  }

  test('a refused triage keeps everything typed and shows why beside the field; an accented reply that folds to one SMS is sent', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await logIn(page, staffToken);
    await page.goto(`${svc.url}/dashboard/reports/${await reportId(incident)}`);
    // too long for one SMS even folded
    const tooLong = `Nous allons vérifier ça avec le chef de site et la police des mines. ${'Merci de patienter. '.repeat(5)}`;
    await page.selectOption('#f-state', 'in_progress');
    await page.fill('#assignee', 'Amani (Bukavu)');
    await page.fill('#note', 'Appelé le chef de site.');
    await page.check('#notify');
    await page.fill('#reply', tooLong);
    expect(await page.textContent('#reply-cost')).toMatch(/^\d+ \/ 160$/); // folded: still GSM-7
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.click('form.triage button[type=submit]'),
    ]);
    expect(res.status()).toBe(400);
    expect(await page.textContent('#error-reply')).toMatch(/takes 2 SMS segments/);
    expect(await page.inputValue('#f-state')).toBe('in_progress');
    expect(await page.inputValue('#assignee')).toBe('Amani (Bukavu)');
    expect(await page.inputValue('#note')).toBe('Appelé le chef de site.');
    expect(await page.isChecked('#notify')).toBe(true);
    expect(await page.inputValue('#reply')).toBe(tooLong);
    expect((await svc.service.store.collection('reports').findOne({ reference: incident }))!.state).toBe(
      'new',
    );

    // with accents, under one GSM-7 segment once folded: accepted, as the broadcast preview counts it
    await page.fill('#reply', "Nous allons vérifier ça demain, l'équipe passe à la barrière 12 à 8h.");
    await Promise.all([page.waitForURL(/\?ok=triagedSent/), page.click('form.triage button[type=submit]')]);
    const sent = await svc.service.store
      .collection('outbound')
      .find({ dedupeKey: { $regex: '^triage:' }, to: FR_REPORTER });
    expect(sent.map((m) => [m.encoding, m.segments])).toEqual([
      ['GSM-7', 1],
      ['GSM-7', 1],
    ]);
    const audit = await svc.service.store.collection('audit').findOne({ action: 'report.triage' });
    expect(audit!.target).toBe(incident); // the audit names the report by its reference
    await context.close();
  }, 60_000);

  test('a report is found by its reference from the search box; an unknown one says so', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, staffToken);
    await page.goto(`${svc.url}/dashboard/reports`);
    await page.fill('#ref', incident.toLowerCase());
    await Promise.all([page.waitForURL(/\/dashboard\/reports\/[\w-]+$/), page.press('#ref', 'Enter')]);
    expect(await page.textContent('h1')).toContain(incident);
    await page.goto(`${svc.url}/dashboard/reports?ref=P-ZZZZZ`);
    expect(await page.textContent('#not-found')).toBe('No report with the reference P-ZZZZZ.');
    expect((await api(svc, 'GET', `/api/v1/reports/${incident}`)).body).toMatchObject({
      reference: incident,
    });
    await context.close();
  });

  test('a broadcast is created once however often the form is sent, shows its recipients, and can be cancelled', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, staffToken);
    await page.goto(`${svc.url}/dashboard/broadcasts`);
    await page.fill('#text-sw', 'Mkutano wa jamii Ijumaa saa nne asubuhi.');
    await page.fill('input[name=countries]', 'tz');
    // the preview says who gets what: Swahili readers their text, the others nothing
    await page.waitForSelector('#preview-plan tr[data-lang="sw"]');
    expect(await page.textContent('#preview-plan tr[data-lang="sw"]')).toContain('their language');
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 16);
    await page.fill('input[name=sendAt]', later);
    // sent twice before the first answer: one broadcast
    const form = await page.evaluate(() => {
      const f = (globalThis as any).document.getElementById('compose');
      return new (globalThis as any).URLSearchParams(new (globalThis as any).FormData(f)).toString();
    });
    const post = () =>
      page.request.post(`${svc.url}/dashboard/broadcasts`, {
        data: form,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: svc.url },
        maxRedirects: 0,
      });
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.status(), b.status()]).toEqual([303, 303]);
    expect(a.headers().location).toBe(b.headers().location);
    expect(await svc.service.store.collection('broadcasts').countDocuments()).toBe(1);
    await page.goto(svc.url + a.headers().location);
    expect(await page.textContent('#broadcast-recipients')).toContain('4 people expected');
    expect(await page.textContent('#broadcast-state')).toBe('Scheduled');
    await Promise.all([page.waitForURL(/\?ok=cancelled/), page.click('#cancel')]);
    expect(await page.textContent('#broadcast-state')).toBe('Cancelled');
    // the list shows the expected count on the scheduled row, and links to it
    await page.goto(`${svc.url}/dashboard/broadcasts`);
    expect(await page.textContent('table.broadcasts .progress-count')).toBe('0/4');

    // a refusal (a time in the past) keeps the message typed
    await page.fill('#text-fr', 'Réunion vendredi.');
    await page.fill('input[name=sendAt]', '2020-01-01T09:00');
    await page.click('#compose button[type=submit]');
    await page.waitForSelector('#compose-error');
    expect(await page.textContent('#compose-error')).toMatch(/sendAt: .* is in the past/);
    expect(await page.inputValue('#text-fr')).toBe('Réunion vendredi.');
    await context.close();
  }, 60_000);

  test('admins create, list and revoke access tokens; staff cannot', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, TEST_ADMIN_TOKEN);
    await page.click('nav a[href="/dashboard/access"]');
    await page.fill('#name', 'Field officer Geita');
    await page.selectOption('#f-role', 'viewer');
    await page.click('#create-token button[type=submit]');
    const token = (await page.textContent('#new-token'))!.trim();
    expect(token.length).toBeGreaterThan(20);
    expect((await api(svc, 'GET', '/api/v1/reports', undefined, token)).status).toBe(200);
    // the list never shows a token
    await page.goto(`${svc.url}/dashboard/access`);
    expect(await page.textContent('table.access')).toContain('Field officer Geita');
    expect(await page.content()).not.toContain(token);
    await Promise.all([
      page.waitForURL(/\?ok=revoked/),
      page.click('button[data-revoke="Field officer Geita"]'),
    ]);
    expect((await api(svc, 'GET', '/api/v1/reports', undefined, token)).status).toBe(401);
    const listed = await api(svc, 'GET', '/api/v1/credentials');
    expect(listed.body.items).toContainEqual(
      expect.objectContaining({ name: 'Field officer Geita', role: 'viewer', revokedBy: 'ADMIN_TOKEN' }),
    );
    expect(JSON.stringify(listed.body)).not.toMatch(/tokenHash|"token"/);

    const staffPage = await (await browser.newContext()).newPage();
    await logIn(staffPage, staffToken);
    expect(await staffPage.locator('nav a[href="/dashboard/access"]').count()).toBe(0);
    const forbidden = await staffPage.goto(`${svc.url}/dashboard/access`);
    expect(forbidden!.status()).toBe(403);
    await context.close();
  });

  test('on a 390×844 phone: facts are not cut mid-word, report rows are cards with state and time, chart labels are readable', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await logIn(page, staffToken);
    await page.goto(`${svc.url}/dashboard/reports/${await reportId(incident)}`);
    // label above value: each dd starts below its dt, at the left edge
    const facts = (await page.evaluate(() => {
      const dts = [...(globalThis as any).document.querySelectorAll('.facts dt')];
      return dts.map((dt: any) => {
        const dd = dt.nextElementSibling;
        const a = dt.getBoundingClientRect();
        const b = dd.getBoundingClientRect();
        return { below: b.top >= a.bottom - 1, left: Math.abs(b.left - a.left) < 2 };
      });
    })) as { below: boolean; left: boolean }[];
    expect(facts.length).toBeGreaterThan(3);
    expect(facts.every((f) => f.below && f.left)).toBe(true);
    await page.screenshot({ path: path.join(SCREENS, 'report-390.png'), fullPage: true });

    await page.goto(`${svc.url}/dashboard/reports`);
    const cells = (await page.evaluate(() => {
      const doc = (globalThis as any).document;
      const scroll = doc.querySelector('table.reports').parentElement;
      const visible = (sel: string) => {
        const el = doc.querySelector(sel);
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right <= (globalThis as any).innerWidth + 1;
      };
      return {
        sideways: scroll.scrollWidth - scroll.clientWidth,
        state: visible('table.reports td[data-label="State"]'),
        when: visible('table.reports td[data-label="When (UTC)"]'),
      };
    })) as { sideways: number; state: boolean; when: boolean };
    expect(cells).toEqual({ sideways: 0, state: true, when: true });
    await page.screenshot({ path: path.join(SCREENS, 'reports-390.png'), fullPage: true });

    await page.goto(`${svc.url}/dashboard/contacts`);
    const sizes = (await page.evaluate(() =>
      [...(globalThis as any).document.querySelectorAll('table.bars th')].map((th: any) =>
        parseFloat((globalThis as any).getComputedStyle(th).fontSize),
      ),
    )) as number[];
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12);
    await page.screenshot({ path: path.join(SCREENS, 'contacts-390.png'), fullPage: true });
    for (const f of ['report-390.png', 'reports-390.png', 'contacts-390.png'])
      expect(fs.statSync(path.join(SCREENS, f)).size).toBeGreaterThan(5_000);
    await context.close();
  }, 60_000);

  test('smaller ones: a STOPped reporter is not said to be answerable, French plurals, the login error in the chosen language', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await logIn(page, staffToken, 'fr');
    await page.goto(`${svc.url}/dashboard/reports/${await reportId(stoppedRef)}`);
    const body = (await page.textContent('main'))!;
    expect(body).toContain('STOP');
    expect(body).not.toContain('la ligne peut répondre');
    await page.goto(`${svc.url}/dashboard/reports/${await reportId(incident)}`);
    expect(await page.textContent('.facts')).toContain('1 blessé, 1 mort');

    const fresh = await (await browser.newContext({ locale: 'en-GB' })).newPage();
    await fresh.goto(`${svc.url}/dashboard/login`);
    const en = JSON.parse(fs.readFileSync('locales/dashboard/en/ui.json', 'utf8')).login;
    expect(await fresh.textContent('h1')).toBe(en.title);
    await fresh.fill('#token', 'not-a-token-at-all');
    await fresh.selectOption('#f-language', 'fr');
    await fresh.click('form.login button[type=submit]');
    await fresh.waitForSelector('p.error');
    const [title, error, button] = await Promise.all([
      fresh.textContent('h1'),
      fresh.textContent('p.error'),
      fresh.textContent('form.login button'),
    ]);
    const fr = JSON.parse(fs.readFileSync('locales/dashboard/fr/ui.json', 'utf8')).login;
    expect([title, error, button]).toEqual([fr.title, fr.wrong, fr.submit]);
    await context.close();
  });
});
