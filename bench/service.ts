import { FakeTwilio } from '../test/helpers/fakeTwilio';
import { TEST_TWILIO, TestService, startService } from '../test/helpers/service';

/** Chimba with SMS through a fake Twilio on 127.0.0.1, quiet, with the whole reply path on. */
export async function benchService(
  sync: 'full' | 'normal',
): Promise<{ svc: TestService; stop(): Promise<void> }> {
  const fake = await new FakeTwilio().start();
  const svc = await startService({
    ...TEST_TWILIO,
    TWILIO_API_BASE: fake.url,
    LOG_LEVEL: 'warn',
    // the whole path, replies included: the line's global reply budget would cut it short
    INBOUND_GLOBAL_PER_MINUTE: '100000000',
    EMBEDDED_SYNC: sync,
  });
  return {
    svc,
    async stop() {
      await svc.stop();
      await fake.stop();
    },
  };
}
