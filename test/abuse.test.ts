import { SlidingWindowLimiter } from '../src/flows/limiter';
import { startService } from './helpers/service';

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
