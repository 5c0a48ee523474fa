import fs from 'node:fs';
import path from 'node:path';
import { LANGUAGES } from '../../src/domain/language';
import { FakeTwilio } from '../helpers/fakeTwilio';
import { heardMatches, parseCall, playCall, serviceForCall } from './calls';

const DIR = path.join(__dirname, 'calls');
const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.txt'))
  .sort();

describe('call transcripts: a call as Twilio webhooks with Digits, and every word the caller hears', () => {
  test('each menu has a call in each language', () => {
    for (const menu of ['price', 'incident', 'market', 'status', 'poll', 'language'])
      for (const lang of LANGUAGES) expect(files).toContain(`${menu}.${lang}.txt`);
  });

  let fake: FakeTwilio;
  beforeAll(async () => {
    fake = await new FakeTwilio().start();
  });
  afterAll(() => fake.stop());

  test.each(files)('%s', async (file) => {
    const t = parseCall(path.join(DIR, file));
    const svc = await serviceForCall(t, fake);
    const played = new Set<string>();
    try {
      await playCall(svc, t, async (n, action, step) => {
        const expected = t.steps[n] as { heard: string; hangup: boolean };
        if (!heardMatches(expected.heard, step.heard) || expected.hangup !== step.hangup)
          throw new Error(
            `step ${n + 1} "> ${action}"\nexpected: ${expected.hangup ? '<!' : '<'} ${expected.heard}\nactual:   ${step.hangup ? '<!' : '<'} ${step.heard}`,
          );
        // every clip played is served, as audio
        for (const url of step.plays) {
          if (played.has(url)) continue;
          played.add(url);
          const res = await fetch(svc.url + new URL(url).pathname);
          expect({ url, status: res.status, type: res.headers.get('content-type') }).toEqual({
            url,
            status: 200,
            type: 'audio/wav',
          });
          expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
        }
      });
    } finally {
      await svc.stop();
    }
  });
});
