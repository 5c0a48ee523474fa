import { newReference } from '../../src/domain/ids';
import { TestService, TEST_ADMIN_TOKEN, api, startService } from '../helpers/service';

type Json = Record<string, unknown>;

/** A CSV parser for the RFC 4180 subset the export writes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') endCell();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endCell();
      rows.push(row);
      row = [];
      i++;
    } else cell += ch;
  }
  return rows;
}

async function download(svc: TestService, path: string, token = TEST_ADMIN_TOKEN) {
  const res = await fetch(svc.url + path, { headers: { authorization: `Bearer ${token}` } });
  return { res, text: await res.text() };
}

describe('report exports: pseudonyms instead of people, streamed', () => {
  let svc: TestService;
  const A = '+243990000081';
  const B = '+255710000082';
  beforeAll(async () => {
    svc = await startService();
    await svc.say(A, 'PRICE GOLD 250000 CDF G');
    await svc.say(A, 'PRICE GOLD 260000 CDF G');
    await svc.say(B, 'ISSUE HEALTH =HYPERLINK("http://x") "no kit", at the pit');
    await svc.say(B, 'INCIDENT COLLAPSE 3 1 Pit 7 ANON');
  });
  afterAll(() => svc.stop());

  test('CSV and JSON carry the same rows; a reporter has one stable pseudonym; anonymous rows have none; no phone number anywhere', async () => {
    const csv = await download(svc, '/api/v1/exports/reports.csv');
    expect(csv.res.status).toBe(200);
    expect(csv.res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.res.headers.get('content-disposition')).toMatch(
      /attachment; filename="chimba-reports-\d{4}-\d{2}-\d{2}\.csv"/,
    );
    const [header, ...rows] = parseCsv(csv.text);
    const json = await download(svc, '/api/v1/exports/reports.json');
    const items = JSON.parse(json.text) as Json[];
    expect(rows.length).toBe(4);
    expect(items.length).toBe(4);
    const col = (name: string) => header.indexOf(name);
    expect(rows.map((r) => r[col('reference')])).toEqual(items.map((i) => i.reference));

    const prices = items.filter((i) => i.kind === 'price');
    expect(prices[0].reporter).toMatch(/^[0-9a-f]{16}$/);
    expect(prices[1].reporter).toBe(prices[0].reporter);
    const issue = items.find((i) => i.kind === 'issue')!;
    expect(issue.reporter).not.toBe(prices[0].reporter);
    expect(items.find((i) => i.kind === 'incident')).toMatchObject({ anonymous: true, reporter: null });
    // the same pseudonym as the list API shows, so a researcher can join the two
    const list = (await api(svc, 'GET', '/api/v1/reports?kind=price')).body.items as Json[];
    expect(list[0].contact).toBe(prices[0].reporter);
    // stable across exports
    expect(JSON.parse((await download(svc, '/api/v1/exports/reports.json')).text)).toEqual(items);

    for (const text of [csv.text, json.text]) {
      expect(text).not.toMatch(/990000081|710000082/);
      expect(text).not.toContain('contactId');
    }
    // text typed by the public cannot run as a spreadsheet formula
    const issueRow = rows.find((r) => r[col('kind')] === 'issue')!;
    expect(issueRow[col('description')]).toBe(`'=HYPERLINK("http://x") "no kit", at the pit`);
  });

  test('the list filters apply; bad filters are 400; no token is 401; the export is audited', async () => {
    const prices = parseCsv((await download(svc, '/api/v1/exports/reports.csv?kind=price')).text);
    expect(prices.length).toBe(3);
    expect((await download(svc, '/api/v1/exports/reports.csv?kind=rumour')).res.status).toBe(400);
    expect((await fetch(`${svc.url}/api/v1/exports/reports.csv`)).status).toBe(401);
    expect((await download(svc, '/api/v1/exports/reports.xml')).res.status).toBe(404);
    const audit = (await api(svc, 'GET', '/api/v1/audit')).body.items as Json[];
    expect(audit.some((a) => a.action === 'reports.export' && a.target === 'csv')).toBe(true);
  });

  test('20,000 reports arrive in many chunks, not one body built in memory', async () => {
    const docs = Array.from({ length: 20_000 }, (_, i) => ({
      kind: 'issue' as const,
      reference: `R-${i
        .toString(31)
        .toUpperCase()
        .padStart(5, '2')
        .replace(/[01IOL]/g, 'Z')}`,
      channel: 'sms' as const,
      category: 'mercury' as const,
      description: 'mercury burned in the open near the river '.repeat(3),
      region: 'Ituri',
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * 60_000),
    }));
    // unique references: drop the ones the mapping above folded together
    const seen = new Set<string>();
    const unique = docs.filter((d) => !seen.has(d.reference) && seen.add(d.reference));
    for (let i = 0; i < unique.length; i += 1000)
      await svc.service.store.collection('reports').insertMany(unique.slice(i, i + 1000));
    const res = await fetch(`${svc.url}/api/v1/exports/reports.json?kind=issue`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const reader = res.body!.getReader();
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += decoder.decode(value, { stream: true });
    }
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(chunks).toBeGreaterThan(20);
    expect((JSON.parse(text) as unknown[]).length).toBe(unique.length + 1);
  });

  test('a CSV export opens in Excel on Windows: a UTF-8 byte-order mark, accents intact; bom=false leaves it out', async () => {
    await svc.service.store.collection('reports').insertOne({
      kind: 'issue',
      reference: newReference('issue'),
      channel: 'sms',
      category: 'land_conflict',
      description: 'Conflit près de la concession, Rondônia et Potosí',
      region: 'Rondônia',
    });
    const bytes = async (path: string) =>
      Buffer.from(
        await (
          await fetch(svc.url + path, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })
        ).arrayBuffer(),
      );
    const withBom = await bytes('/api/v1/exports/reports.csv?kind=issue');
    expect([...withBom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(withBom);
    expect(text.startsWith('\uFEFFreference,kind,')).toBe(true);
    expect(text).toContain('Conflit près de la concession, Rondônia et Potosí');
    const plain = await bytes('/api/v1/exports/reports.csv?kind=issue&bom=false');
    expect(plain.subarray(0, 9).toString()).toBe('reference');
    expect((await download(svc, '/api/v1/exports/reports.csv?excel=1')).res.status).toBe(400);
  });
});
