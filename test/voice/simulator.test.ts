import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { TestService, startService } from '../helpers/service';

const CHAT = path.join(__dirname, '../../src/cli/chat.ts');

describe('the voice simulator: a call without a phone, no account needed', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(() => svc.stop());

  const press = async (body: Record<string, unknown>) => {
    const res = await svc.post('/simulator/voice', body);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  test('dial, report a price with the keypad, and hear it confirmed', async () => {
    const from = '+255712000301';
    const menu = await press({ from });
    expect(menu.body).toMatchObject({ gather: { numDigits: 1 }, hangup: false });
    expect(menu.body.text).toMatch(/^Karibu Chimba/);
    expect((menu.body.play as string[])[0]).toBe('/voice/audio/sw/voice.greeting.wav');
    for (const digits of ['1', '1', '280000#', '1', '1', '#']) await press({ from, digits });
    const saved = await press({ from, digits: '1' });
    expect(saved.body.text).toMatch(/^Imehifadhiwa, asante\. Kumbukumbu yako ni P/);
    const [report] = await svc.service.store.collection('reports').find({ kind: 'price' });
    expect(report).toMatchObject({ channel: 'voice', amount: 280000, currency: 'TZS', unit: 'g' });
  });

  test('a recorded step takes a recording; silence twice hangs up', async () => {
    const from = '+243990000301';
    await press({ from });
    for (const digits of ['2', '1', '1#', '0#', '1']) await press({ from, digits });
    const privacy = await press({ from, recording: true });
    expect(privacy.body.text).toMatch(/^Qui peut savoir que c'est vous/);
    await press({ from, digits: '1' });
    const [incident] = await svc.service.store.collection('reports').find({ kind: 'incident' });
    expect(incident.recording).toMatchObject({ durationSec: 10 });
    expect(incident.recording!.sid).toMatch(/^RE[0-9a-f]{32}$/);
    expect((await press({ from, digits: '' })).body.text).toMatch(/^Je n'ai entendu aucune touche/);
    expect((await press({ from, digits: '' })).body).toMatchObject({ hangup: true });
  });

  test('silence where a description is recorded skips it: the report has none', async () => {
    const from = '+243990000303';
    await press({ from });
    for (const digits of ['2', '1', '0#', '0#', '1']) await press({ from, digits });
    const privacy = await press({ from, recording: false });
    expect(privacy.body.text).toMatch(/^Qui peut savoir que c'est vous/);
    await press({ from, digits: '1' });
    const incidents = await svc.service.store.collection('reports').find({ kind: 'incident' });
    expect(incidents.filter((r) => !r.recording)).toHaveLength(1);
  });

  test('what is not a call step is refused with the reason', async () => {
    expect(await press({ from: '+243990000302', digits: '1' })).toMatchObject({
      status: 400,
      body: { error: { message: expect.stringMatching(/dial first/) } },
    });
    expect((await press({ from: '+243990000302', digits: 'abc' })).status).toBe(400);
    expect((await press({ from: 'nobody' })).status).toBe(400);
  });

  test('npm run chat -- --voice drives a call with the keypad', async () => {
    const child = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', CHAT, '--voice', '--from', '+233241000301', '--url', svc.url],
      { timeout: 30_000 },
    );
    child.child.stdin!.end('3\n1\n');
    const { stdout } = await child;
    expect(stdout).toContain('((( Welcome to Chimba, the line for miners.');
    expect(stdout).toContain('((( Market price. Which mineral? For Gold, press one.');
    expect(stdout).toMatch(/\(\(\( Gold: no prices here in thirty days, nor a reference price\./);
  }, 40_000);
});
