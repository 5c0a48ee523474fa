import { acquireLease, releaseLease } from '../../src/store/lease';
import { engines } from '../helpers/engines';

for (const engine of engines().filter((e) => e.available)) {
  describe(`job leases on the ${engine.name} engine`, () => {
    test('only one instance holds a job at a time; the lease frees when it expires or is released', async () => {
      const { store, cleanup } = await engine.open();
      try {
        const t0 = new Date('2026-11-27T06:00:00Z');
        const results = await Promise.all(
          ['a', 'b', 'c'].map((o) => acquireLease(store, 'job:digest', o, 60_000, t0)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const holder = ['a', 'b', 'c'][results.indexOf(true)];
        const other = holder === 'a' ? 'b' : 'a';
        expect(await acquireLease(store, 'job:digest', other, 60_000, new Date(t0.getTime() + 30_000))).toBe(
          false,
        );
        expect(await acquireLease(store, 'job:digest', holder, 60_000, new Date(t0.getTime() + 30_000))).toBe(
          true,
        );
        expect(await acquireLease(store, 'job:digest', other, 60_000, new Date(t0.getTime() + 100_000))).toBe(
          true,
        );
        await releaseLease(store, 'job:digest', other);
        expect(
          await acquireLease(store, 'job:digest', holder, 60_000, new Date(t0.getTime() + 100_000)),
        ).toBe(true);
      } finally {
        await cleanup();
      }
    });
  });
}
