import {
  OUTLIER_MADS,
  lowerBound,
  mad,
  mergeSorted,
  quantile,
  summarise,
  upperBound,
} from '../../src/stats/quantiles';

/** A small deterministic generator, so a failing case can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

describe('robust summaries of sorted prices', () => {
  test('worked by hand: one wild price out of eight is set aside, the rest summarised', () => {
    // median 14.5; distances 4.5 2.5 1.5 .5 .5 1.5 3.5 85.5 → MAD 2; bound 14.5 ± 10.4
    const s = summarise([10, 12, 13, 14, 15, 16, 18, 100]);
    expect(s).toEqual({ count: 7, excluded: 1, median: 14, p25: 12.5, p75: 15.5, min: 10, max: 18 });
  });

  test('quartiles interpolate between order statistics, and a single value is its own summary', () => {
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0.75)).toBe(3.25);
    expect(summarise([42])).toEqual({
      count: 1,
      excluded: 0,
      median: 42,
      p25: 42,
      p75: 42,
      min: 42,
      max: 42,
    });
    expect(summarise([])).toBeUndefined();
  });

  test('when half the prices are identical (MAD 0) nothing is set aside', () => {
    expect(summarise([5, 5, 5, 5, 9, 1000])).toMatchObject({ count: 6, excluded: 0, median: 5, max: 1000 });
  });

  test('the O(log n) median absolute deviation equals the brute-force one on 2,000 random arrays', () => {
    const rand = rng(7);
    for (let t = 0; t < 2000; t++) {
      const n = 1 + Math.floor(rand() * 40);
      const a = Array.from({ length: n }, () => Math.round(rand() * 50) * (rand() < 0.1 ? 20 : 1)).sort(
        (x, y) => x - y,
      );
      const m = quantile(a, 0.5);
      const d = a.map((x) => Math.abs(x - m)).sort((x, y) => x - y);
      expect(mad(a)).toBe(quantile(d, 0.5));
      // and the kept range is exactly the values within the bound
      const s = summarise(a)!;
      const kept = mad(a) > 0 ? a.filter((x) => Math.abs(x - m) <= OUTLIER_MADS * mad(a)) : a;
      expect(s.count).toBe(kept.length);
      expect(s.median).toBe(quantile(kept, 0.5));
    }
  });

  test('bounds and merges', () => {
    const a = [1, 2, 2, 2, 3];
    expect([lowerBound(a, 2), upperBound(a, 2), lowerBound(a, 0), upperBound(a, 9)]).toEqual([1, 4, 0, 5]);
    expect([...mergeSorted([[1, 4, 9], [], [2, 3], [10]])]).toEqual([1, 2, 3, 4, 9, 10]);
  });
});
