import { Browser, Page } from 'playwright-core';
import { insertReport } from '../../src/reports/store';
import { priceStatsFromRollups } from '../../src/stats/prices';
import { DASHBOARD_PAGES, launchBrowser } from '../helpers/browser';
import { TestService, api, startService } from '../helpers/service';

const DAY = 86_400_000;

// Functions passed to the page run in the browser; this file is compiled without the DOM
// library, so the page's globals are reached through `globalThis as any`.
/* eslint-disable @typescript-eslint/no-explicit-any */

/** Waits until the element's text is `text` (the page's own code updates it). */
async function textIs(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => (globalThis as any).document.querySelector(sel)?.textContent === want,
    [selector, text] as const,
  );
}

const REPORTER = '+243990000101';

describe('the dashboard in headless Chromium', () => {
  let svc: TestService;
  let browser: Browser;
  let staffToken: string;
  let incidentRef: string;

  beforeAll(async () => {
    [svc, browser] = await Promise.all([startService(), launchBrowser()]);
    staffToken = (await api(svc, 'POST', '/api/v1/credentials', { name: 'Amani', role: 'staff' })).body
      .token as string;
    // eight weeks of gold prices in South Kivu, rising, five reports a week
    const now = Date.now();
    for (let w = 7; w >= 0; w--)
      for (let i = 0; i < 5; i++)
        await insertReport(svc.service.store, {
          kind: 'price',
          channel: 'sms',
          mineral: 'gold',
          unit: 'g',
          currency: 'CDF',
          amount: 200_000 + (7 - w) * 5_000 + i * 1_000,
          region: 'South Kivu',
          createdAt: new Date(now - w * 7 * DAY - i * 3_600_000),
        });
    for (let i = 0; i < 4; i++) await svc.say(`+24399000011${i}`, 'PRICE GOLD 250000 CDF G');
    const replies = await svc.say(REPORTER, 'ACCIDENT EBOULEMENT 2 1 Kamituga');
    incidentRef = /C-[0-9A-Z]{5}/.exec(replies.join(' '))![0];
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await svc?.stop();
  });

  async function logIn(page: Page, token: string, language: 'en' | 'fr' = 'en') {
    await page.goto(`${svc.url}/dashboard`);
    await page.waitForURL(/\/dashboard\/login/);
    await page.fill('#token', token);
    await page.selectOption('#f-language', language);
    await Promise.all([
      page.waitForURL(`${svc.url}/dashboard`),
      page.click('form.login button[type=submit]'),
    ]);
  }

  test('log in, see the price chart, compose a broadcast, triage an incident, log out', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));

    // log in: the overview shows the urgent incident on top
    await logIn(page, staffToken);
    expect(await page.textContent('h1')).toBe('Overview');
    expect(await page.textContent('table.urgent')).toContain(incidentRef);
    expect(Number(await page.textContent('[data-kind="price"]'))).toBeGreaterThanOrEqual(5);

    // the price chart is drawn from the seeded reports: one point per week, the table agrees with the statistics
    await page.goto(`${svc.url}/dashboard/prices?mineral=gold&region=South+Kivu`);
    const chart = page.locator('section[data-mineral="gold"] svg.chart');
    await chart.waitFor();
    const points = (await chart.locator('polyline.median').getAttribute('points'))!.trim().split(/\s+/);
    expect(points.length).toBe(8);
    expect(await chart.locator('polygon.band').count()).toBe(1);
    expect(await chart.locator('rect.count').count()).toBe(8);
    const stats = await priceStatsFromRollups(svc.service.store, {
      mineral: 'gold',
      unit: 'g',
      currency: 'CDF',
      region: 'South Kivu',
      bucket: 'week',
      from: new Date(Date.now() - 26 * 7 * DAY),
    });
    const medians = await page
      .locator('section[data-mineral="gold"] table tbody tr td:nth-child(3)')
      .allTextContents();
    expect(medians).toEqual(
      stats.buckets.map((b) => new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(b.median)),
    );
    // the line rises with the prices: later weeks are drawn higher (smaller y)
    const ys = points.map((p) => Number(p.split(',')[1]));
    expect(ys[ys.length - 1]).toBeLessThan(ys[0]);

    // compose: one segment of plain French; an accented letter GSM-7 lacks (Lingala's ɔ́, typed
    // as ɔ and a combining acute) turns the message to UCS-2 and two segments; deleting it, one
    await page.click('nav a[href="/dashboard/broadcasts"]');
    const plain = `Prix de l'or cette semaine a Kamituga : 250000 CDF le gramme. Vendez au comptoir agree.`;
    await page.fill('#text-fr', plain);
    const segments = '#preview-segments tr[data-lang="fr"] td.segments';
    await textIs(page, segments, '1');
    expect(await page.textContent('#preview-summary')).toMatch(/Recipients: \d+/);
    // what the French recipients cost, in the programme's currency
    expect(await page.textContent('#preview-segments tr[data-lang="fr"] td:nth-child(6)')).toMatch(
      /^\d+(\.\d+)? USD$/,
    );
    await page.focus('#text-fr');
    await page.keyboard.press('End');
    await page.keyboard.type(' Mbo');
    await textIs(page, segments, '1');
    await page.keyboard.type('\u0254\u0301');
    await textIs(page, segments, '2');
    expect(await page.textContent('#preview-segments tr[data-lang="fr"] td:nth-child(3)')).toBe('UCS-2');
    await page.fill('#text-fr', `${plain} Mbote`);
    await textIs(page, segments, '1');
    await Promise.all([
      page.waitForURL(/\/dashboard\/broadcasts\/[\w-]+\?ok=broadcast/),
      page.click('#compose button[type=submit]'),
    ]);
    expect(await page.textContent('.flash')).toBe('Broadcast created.');
    // after creating, the broadcast's own page: how many people it reaches
    expect(await page.textContent('#broadcast-recipients')).toMatch(/\d+ people/);
    const [b] = await svc.service.store.collection('broadcasts').find({});
    expect(b).toMatchObject({
      createdBy: 'Amani',
      text: { fr: expect.stringMatching(/^Prix de l'or .* Mbote$/) },
    });

    // triage the incident from the overview: in progress, a note, and the reporter told
    await page.click('nav a[href="/dashboard"]');
    await page.click(`table.urgent a:text("${incidentRef}")`);
    await page.selectOption('#f-state', 'in_progress');
    await page.fill('#note', 'Rescue team from Kamituga on site.');
    await page.check('#notify');
    await Promise.all([page.waitForURL(/\?ok=triagedSent/), page.click('form.triage button[type=submit]')]);
    expect(await page.textContent('.flash')).toContain("The reporter's update is on its way");
    expect(await page.textContent('.facts')).toContain('In progress');
    expect(await page.textContent('.notes')).toContain('Rescue team from Kamituga on site.');
    expect(await page.textContent('body')).not.toContain('990000101'); // staff never see the number
    const report = await svc.service.store.collection('reports').findOne({ reference: incidentRef });
    expect(report).toMatchObject({ state: 'in_progress', pinned: false });
    const told = await svc.service.store
      .collection('outbound')
      .findOne({ dedupeKey: { $regex: `^triage:${report!._id}` } });
    expect(told).toMatchObject({ to: REPORTER, text: `Rapport ${incidentRef} : l'équipe s'en occupe.` });
    // no longer on top of the overview
    await page.click('nav a[href="/dashboard"]');
    expect(await page.locator('table.urgent').count()).toBe(0);

    // log out: back to the login form, and the dashboard asks again
    await Promise.all([page.waitForURL(/\/dashboard\/login$/), page.click('#logout')]);
    await page.goto(`${svc.url}/dashboard/reports`);
    expect(page.url()).toContain('/dashboard/login');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  test('an anonymous report says it cannot be answered; the page works on a phone and in French', async () => {
    const replies = await svc.say('+243990000120', 'INCIDENT COLLAPSE 1 0 Pit 3 ANON');
    const ref = /C-[0-9A-Z]{5}/.exec(replies.join(' '))![0];
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    await logIn(page, staffToken, 'fr');
    expect(await page.textContent('h1')).toBe("Vue d'ensemble");
    await page.click(`table.urgent a:text("${ref}")`);
    expect(await page.textContent('#cannot-answer')).toContain('anonyme');
    expect(await page.locator('#notify').count()).toBe(0);
    for (const path of DASHBOARD_PAGES) {
      await page.goto(svc.url + path);
      const overflow = (await page.evaluate(
        'document.documentElement.scrollWidth - window.innerWidth',
      )) as number;
      expect({ path, overflow }).toEqual({ path, overflow: 0 });
    }
    await context.close();
  }, 60_000);
  test('the directory on a phone: an entry too long for one SMS is refused with its length, a short one is added and found by SMS', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    await logIn(page, staffToken);
    await page.click('nav a[href="/dashboard/directory"]');
    const fill = async (summary: string) => {
      await page.selectOption('#f-kind', 'organisation');
      await page.fill('#name', 'CASM Bukavu');
      await page.check('input[name=topics][value=mercury]');
      await page.fill('#regions', 'South Kivu');
      await page.fill('#countries', 'cd');
      await page.fill('#phone', '+243990000001');
      await page.fill('#summary_fr', summary);
      await page.click('#add-entry button[type=submit]');
    };
    await fill('Formation au traitement sans mercure. '.repeat(4).slice(0, 150));
    expect(await page.textContent('#add-entry .error')).toMatch(
      /would not fit one SMS: en \d+ characters \(2 SMS\)/,
    );
    await fill('Formation au traitement de l’or sans mercure.');
    expect(await page.textContent('.flash, [role=status]')).toContain('Entry added');
    expect(await page.textContent('table.directory')).toContain('CASM Bukavu');
    expect(await svc.say('+243990000130', 'AIDE MERCURE')).toEqual([
      'CASM Bukavu (South Kivu) : Formation au traitement de l’or sans mercure. +243990000001. PLUS pour un autre.'.replace(
        '’',
        "'",
      ),
    ]);
    await Promise.all([page.waitForURL(/ok=entryDeleted/), page.click('button[data-delete="CASM Bukavu"]')]);
    expect(await page.locator('table.directory').count()).toBe(0);
    await context.close();
  }, 60_000);
  test('questions on a phone: the oldest waiting first, answered from the form, the answer goes to the asker', async () => {
    await svc.say('+243990000140', 'QUESTION comment avoir la carte de creuseur ?');
    const ref = /Q-[0-9A-Z]{5}/.exec((await svc.say('+243990000140', '1')).join(' '))![0];
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    await logIn(page, staffToken);
    await page.click('nav a[href="/dashboard/questions"]');
    const card = page.locator(`section.question[data-ref="${ref}"]`);
    expect(await card.textContent()).toContain('comment avoir la carte de creuseur');
    await card.locator('textarea[name=text]').fill('Au bureau du SAEMAPE, avec deux photos.');
    await Promise.all([page.waitForURL(/ok=answered/), card.locator('button[type=submit]').click()]);
    expect(await page.textContent('.flash')).toContain('Answer sent');
    const sent = await svc.service.store
      .collection('outbound')
      .findOne({ dedupeKey: { $regex: '^answer:' } });
    expect(sent).toMatchObject({
      to: '+243990000140',
      text: `${ref} : Au bureau du SAEMAPE, avec deux photos. Répondez pour en savoir plus.`,
    });
    await context.close();
  }, 60_000);
  test('the public page on a phone: no login, no cookie, readable without scrolling sideways, in French', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, isMobile: true });
    const page = await context.newPage();
    const res = await page.goto(`${svc.url}/public?lang=fr`);
    expect(res!.status()).toBe(200);
    expect(await page.textContent('h1')).toContain('Chimba');
    expect(await page.textContent('body')).toContain('Prix au puits');
    // the seeded South Kivu prices carry no sender: they count as one person, and are hidden
    expect(await page.textContent('body')).toContain('moins de 5');
    const overflow = (await page.evaluate(
      'document.documentElement.scrollWidth - window.innerWidth',
    )) as number;
    expect(overflow).toBe(0);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  }, 60_000);
});
