/** How many slices a window is counted in: the count is exact to within one slice. */
const SLICES = 60;

/**
 * A sliding-window counter per key, in memory: how many messages one sender (or all of
 * them) sent in the last window. Counted in 60 slices of the window, so a check costs the
 * same at 5 messages a minute and at 50,000; per process, so with several instances each
 * enforces its share.
 */
export class SlidingWindowLimiter {
  /** Per key: [slice number, hits in it] pairs, oldest first, within the window. */
  private hits = new Map<string, [number, number][]>();
  private readonly sliceMs: number;
  private prunedAt = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private now: () => number = () => Date.now(),
  ) {
    this.sliceMs = Math.max(1, windowMs / SLICES);
  }

  /** Counts one hit for `key`; true when it goes over the limit. */
  over(key: string): boolean {
    const slice = Math.floor(this.now() / this.sliceMs);
    let list = this.hits.get(key);
    if (!list) this.hits.set(key, (list = []));
    this.trim(list, slice);
    const last = list[list.length - 1];
    if (last && last[0] === slice) last[1]++;
    else list.push([slice, 1]);
    if (slice - this.prunedAt >= 1 && this.hits.size > 10_000) this.prune(slice);
    return this.sum(list) > this.limit;
  }

  /** Hits of `key` in the current window, without counting one. */
  count(key: string): number {
    const list = this.hits.get(key);
    if (!list) return 0;
    this.trim(list, Math.floor(this.now() / this.sliceMs));
    return this.sum(list);
  }

  private trim(list: [number, number][], slice: number): void {
    let drop = 0;
    while (drop < list.length && list[drop][0] <= slice - SLICES) drop++;
    if (drop) list.splice(0, drop);
  }

  private sum(list: [number, number][]): number {
    let n = 0;
    for (const [, c] of list) n += c;
    return n;
  }

  /** Forgets keys with no hit in the window (at most once a slice, and only when many are kept). */
  private prune(slice: number): void {
    this.prunedAt = slice;
    for (const [k, list] of this.hits) {
      this.trim(list, slice);
      if (!list.length) this.hits.delete(k);
    }
  }
}
