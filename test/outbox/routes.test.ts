import { enqueue, compose } from '../../src/outbox/compose';
import { rerouteStranded, smsTransportFor } from '../../src/outbox/routes';
import { engines } from '../helpers/engines';

const ROUTES = { byCountry: { CD: 'africastalking', TZ: 'africastalking' }, fallback: 'twilio' } as const;

describe('which provider carries SMS to a number nothing better is known for', () => {
  test('the country of the number chooses, the rest take the default', () => {
    expect(smsTransportFor(ROUTES, '+243990000001')).toBe('africastalking');
    expect(smsTransportFor(ROUTES, '+255712345678')).toBe('africastalking');
    expect(smsTransportFor(ROUTES, '+233241234567')).toBe('twilio');
  });

  describe.each(engines().filter((e) => e.available))('on the $name store', (engine) => {
    test('SMS queued for a provider that is not set up go by the routes; the others are left alone', async () => {
      const { store, cleanup } = await engine.open();
      try {
        const now = new Date();
        const msg = (to: string, transport: 'twilio' | 'africastalking' | 'telegram', i: number) =>
          compose(
            { text: 'Bei ya dhahabu leo' },
            {
              channel: transport === 'telegram' ? 'telegram' : 'sms',
              transport,
              to,
              dedupeKey: `k${i}`,
              now,
            },
            true,
          );
        await enqueue(store, [
          ...msg('+243990000001', 'twilio', 1), // Twilio was removed: Congo goes by Africa's Talking
          ...msg('+233241234567', 'twilio', 2), // Ghana's default is Twilio, which is not here: left waiting
          ...msg('+255712345678', 'africastalking', 3), // already on a provider that is here
          ...msg('5123456789', 'telegram', 4), // not SMS
        ]);
        // a call the line would place, with no voice sender here: a call, never an SMS "call back"
        await store.collection('outbound').insertOne({
          ...msg('+243990000002', 'twilio', 5)[0],
          transport: 'voice',
          call: { purpose: 'callback' },
        });
        expect(await rerouteStranded(store, ROUTES, ['africastalking', 'telegram', 'simulator'])).toBe(1);
        const out = await store.collection('outbound').find({}, { sort: { dedupeKey: 1 } });
        expect(out.map((m) => m.transport)).toEqual([
          'africastalking',
          'twilio',
          'africastalking',
          'telegram',
          'voice',
        ]);
        // a second sweep finds nothing more to move
        expect(await rerouteStranded(store, ROUTES, ['africastalking', 'telegram', 'simulator'])).toBe(0);
      } finally {
        await cleanup();
      }
    });
  });
});
