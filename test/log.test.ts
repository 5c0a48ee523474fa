import { Writable } from 'node:stream';
import { createLogger } from '../src/log';

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
