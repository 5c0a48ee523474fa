import { SlidingWindowLimiter } from '../src/flows/limiter';
import { api, startService } from './helpers/service';

test('one number flooding the line is logged but stops getting replies, and others are unaffected', async () => {
  const svc = await startService({ INBOUND_PER_SENDER_PER_HOUR: '5' });
  try {
    const replies: number[] = [];
    for (let i = 0; i < 8; i++) replies.push((await svc.say('+233240000666', 'HELP')).length);
    expect(replies).toEqual([1, 1, 1, 1, 1, 0, 0, 0]);
    expect(await svc.say('+233240000667', 'HELP')).toHaveLength(1);
    const store = svc.service.store;
    expect(await store.collection('inbound').countDocuments({ address: '+233240000666' })).toBe(8);
    expect(await store.collection('inbound').countDocuments({ lastError: 'rate_limited' })).toBe(3);
    expect(await store.collection('outbound').countDocuments({ to: '+233240000666' })).toBe(5);
  } finally {
    await svc.stop();
  }
});

test('the window slides: an hour later the sender is answered again', () => {
  let t = 0;
  const limiter = new SlidingWindowLimiter(2, 3_600_000, () => t);
  expect([limiter.over('a'), limiter.over('a'), limiter.over('a')]).toEqual([false, false, true]);
  t = 3_600_001;
  expect(limiter.over('a')).toBe(false);
});

test('many numbers at once (SMS pumping, a rush): past the global limit, reports are kept but not answered', async () => {
  const svc = await startService({ INBOUND_GLOBAL_PER_MINUTE: '6' });
  try {
    const replies: number[] = [];
    for (let i = 0; i < 10; i++)
      replies.push((await svc.say(`+24399000070${i}`, 'PRIX OR 255000 FC G')).length);
    expect(replies).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    const store = svc.service.store;
    expect(await store.collection('inbound').countDocuments({ status: 'handled' })).toBe(10);
    expect(await store.collection('reports').countDocuments({})).toBe(10);
    expect(await store.collection('outbound').countDocuments({})).toBe(6);
    expect(svc.logs.join('')).toContain('over INBOUND_GLOBAL_PER_MINUTE');
  } finally {
    await svc.stop();
  }
});

test('each API token has its own rate: past it, 429 with Retry-After, and other tokens still work', async () => {
  const svc = await startService({ API_RATE_PER_MINUTE: '5' });
  try {
    const viewer = (await api(svc, 'POST', '/api/v1/credentials', { name: 'Researcher', role: 'viewer' }))
      .body.token as string;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await api(svc, 'GET', '/api/v1/reports', undefined, viewer)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const res = await fetch(`${svc.url}/api/v1/reports`, { headers: { authorization: `Bearer ${viewer}` } });
    expect(res.headers.get('retry-after')).toBe('60');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_requests');
    // the admin token (one call so far) is not affected
    expect((await api(svc, 'GET', '/api/v1/reports')).status).toBe(200);
  } finally {
    await svc.stop();
  }
});
