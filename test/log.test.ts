import { Writable } from 'node:stream';
import { createLogger } from '../src/log';
import { Scheduler } from '../src/schedulers';
import { EmbeddedStore } from '../src/store';
import { tempDir } from './helpers/engines';
import { startService } from './helpers/service';

test('phone numbers and tokens never reach a log line, wherever they appear', () => {
  const lines: string[] = [];
  const log = createLogger('info', new Writable({ write: (c, _e, cb) => (lines.push(c.toString()), cb()) }));
  log.info(
    { to: '+243990000001', nested: { list: ['call 0812 345 678'] }, token: 'abc' },
    'sending to +255712000001',
  );
  log.warn(new Error('twilio 400: The To number +233240000001 is not valid'));
  log.info('count 2026 and ref P-4K7Q2 stay readable');
  const all = lines.join('');
  expect(all).not.toMatch(/243990000001|0812 345 678|255712000001|233240000001/);
  expect(all).toContain('[phone …01]');
  expect(all).toContain('"token":"[redacted]"');
  expect(all).toContain('count 2026 and ref P-4K7Q2 stay readable');
});

test('every line is JSON: request lines carry their status code, node-cron speaks through our logger', async () => {
  const svc = await startService({ LOG_LEVEL: 'info' });
  try {
    await fetch(`${svc.url}/dashboard/login`);
    await fetch(`${svc.url}/api/v1/reports`);
    await new Promise((r) => setTimeout(r, 50));
    const lines = svc.logs.join('').trim().split('\n');
    const parsed = lines.map(
      (l) => JSON.parse(l) as { msg?: string; res?: { statusCode: number }; req?: { path: string } },
    );
    const done = parsed.filter((p) => p.msg === 'request completed');
    expect(done.map((p) => [p.req?.path, p.res?.statusCode])).toEqual(
      expect.arrayContaining([
        ['/dashboard/login', 200],
        ['/api/v1/reports', 401],
      ]),
    );
  } finally {
    await svc.stop();
  }

  // a job every second, and a loop blocked past its tick: node-cron reports the missed run
  const lines: string[] = [];
  const log = createLogger('debug', new Writable({ write: (c, _e, cb) => (lines.push(c.toString()), cb()) }));
  const tmp = tempDir();
  const store = new EmbeddedStore({ dir: tmp.dir });
  const consoleLines: unknown[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
    jest.spyOn(console, m).mockImplementation((...a: unknown[]) => void consoleLines.push(a)),
  );
  const scheduler = new Scheduler(store, [{ name: 'tick', cron: '* * * * * *', run: async () => 1 }], log);
  try {
    scheduler.start();
    await new Promise((r) => setTimeout(r, 1100));
    const until = Date.now() + 2500;
    while (Date.now() < until); // blocks the loop past the next tick
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await scheduler.stop();
    spies.forEach((s) => s.mockRestore());
    await store.close();
    tmp.remove();
  }
  expect(consoleLines).toEqual([]);
  const cron = lines
    .map((l) => JSON.parse(l) as { component?: string; msg: string })
    .filter((l) => l.component === 'node-cron');
  expect(cron.some((l) => /missed execution/.test(l.msg))).toBe(true);
}, 30_000);
