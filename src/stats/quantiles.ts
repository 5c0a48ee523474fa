/**
 * Robust summaries of sorted numbers. Everything here reads a sorted array by index:
 * median, quartiles and the median absolute deviation of n values cost O(log n), so
 * statistics read from kept-sorted rollups do not grow with the number of reports.
 */

/** A numeric array (plain or typed) sorted ascending. */
export type Sorted = ArrayLike<number>;

/** What the price statistics say about one bucket. */
export interface Summary {
  /** Values kept after outliers were set aside. */
  count: number;
  /** Values set aside as outliers. */
  excluded: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

/**
 * A value is an outlier when it lies further from the median than this many median
 * absolute deviations: the modified z-score of Iglewicz and Hoaglin above 3.5
 * (3.5 / 0.6745 ≈ 5.19 MADs). When half the values or more are equal (MAD = 0) nothing is set aside.
 */
export const OUTLIER_MADS = 3.5 / 0.6745;

/** First index whose value is ≥ x. */
export function lowerBound(a: Sorted, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x. */
export function upperBound(a: Sorted, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The q-quantile of a[lo..hi), by linear interpolation between order statistics (R type 7, numpy's default). */
export function quantile(a: Sorted, q: number, lo = 0, hi = a.length): number {
  const n = hi - lo;
  if (n <= 0) return NaN;
  const h = (n - 1) * q;
  const i = Math.floor(h);
  const x = a[lo + i];
  return i + 1 < n ? x + (h - i) * (a[lo + i + 1] - x) : x;
}

/**
 * The k-th smallest (from 0) of |a[j] − m| over all j, where a is sorted and `split`
 * is the first index with a[j] ≥ m. The distances below m, read right to left, and
 * those from `split` on, read left to right, are two sorted runs: a binary search over
 * how many to take from the first finds the k-th of their union in O(log n).
 */
function kthDistance(a: Sorted, m: number, split: number, k: number): number {
  const left = (i: number) => m - a[split - 1 - i]; // i-th smallest below
  const right = (i: number) => a[split + i] - m; // i-th smallest from split on
  const nl = split;
  const nr = a.length - split;
  // take i from the left run and k + 1 − i from the right run
  let lo = Math.max(0, k + 1 - nr);
  let hi = Math.min(k + 1, nl);
  while (lo <= hi) {
    const i = (lo + hi) >>> 1;
    const j = k + 1 - i;
    const leftMax = i > 0 ? left(i - 1) : -Infinity;
    const rightMax = j > 0 ? right(j - 1) : -Infinity;
    const leftNext = i < nl ? left(i) : Infinity;
    const rightNext = j < nr ? right(j) : Infinity;
    if (leftMax > rightNext) hi = i - 1;
    else if (rightMax > leftNext) lo = i + 1;
    else return Math.max(leftMax, rightMax);
  }
  throw new Error('kthDistance: unreachable for sorted input');
}

/** Median absolute deviation of sorted values around their median. */
export function mad(a: Sorted, median = quantile(a, 0.5)): number {
  const n = a.length;
  if (n === 0) return NaN;
  const split = lowerBound(a, median);
  if (n % 2 === 1) return kthDistance(a, median, split, (n - 1) / 2);
  return (kthDistance(a, median, split, n / 2 - 1) + kthDistance(a, median, split, n / 2)) / 2;
}

/** Median, quartiles, min and max of sorted values after setting aside outliers (see `OUTLIER_MADS`). */
export function summarise(a: Sorted): Summary | undefined {
  const n = a.length;
  if (n === 0) return undefined;
  const median = quantile(a, 0.5);
  const d = mad(a, median);
  let lo = 0;
  let hi = n;
  if (d > 0) {
    lo = lowerBound(a, median - OUTLIER_MADS * d);
    hi = upperBound(a, median + OUTLIER_MADS * d);
  }
  return {
    count: hi - lo,
    excluded: n - (hi - lo),
    median: quantile(a, 0.5, lo, hi),
    p25: quantile(a, 0.25, lo, hi),
    p75: quantile(a, 0.75, lo, hi),
    min: a[lo],
    max: a[hi - 1],
  };
}

/** Merges sorted runs into one sorted array (k-way, by repeated pairwise merges). */
export function mergeSorted(runs: Sorted[]): Float64Array {
  let list: Float64Array[] = runs.filter((r) => r.length).map((r) => Float64Array.from(r));
  if (!list.length) return new Float64Array(0);
  while (list.length > 1) {
    const next: Float64Array[] = [];
    for (let i = 0; i < list.length; i += 2) {
      const a = list[i];
      const b = list[i + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const out = new Float64Array(a.length + b.length);
      let x = 0;
      let y = 0;
      let k = 0;
      while (x < a.length && y < b.length) out[k++] = a[x] <= b[y] ? a[x++] : b[y++];
      while (x < a.length) out[k++] = a[x++];
      while (y < b.length) out[k++] = b[y++];
      next.push(out);
    }
    list = next;
  }
  return list[0];
}
