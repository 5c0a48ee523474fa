/**
 * A sliding-window counter per key, in memory: how many messages one sender sent in the
 * last window. Cheap enough for every inbound message; per process, so with several
 * instances each enforces its share.
 */
export class SlidingWindowLimiter {
  private hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private now: () => number = () => Date.now(),
  ) {}

  /** Counts one hit for `key`; true when it goes over the limit. */
  over(key: string): boolean {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((h) => h > t - this.windowMs);
    list.push(t);
    this.hits.set(key, list);
    if (this.hits.size > 100_000) this.prune(t);
    return list.length > this.limit;
  }

  /** Hits of `key` in the current window, without counting one. */
  count(key: string): number {
    const t = this.now();
    return (this.hits.get(key) ?? []).filter((h) => h > t - this.windowMs).length;
  }

  private prune(t: number): void {
    for (const [k, list] of this.hits) if (!list.some((h) => h > t - this.windowMs)) this.hits.delete(k);
  }
}
