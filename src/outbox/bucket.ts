/**
 * A rate limiter charged per SMS segment, shaped like a provider's queue (a leaky
 * bucket): a message may start once the segments before it have drained at `rate` a
 * second. A two-segment message at 1 MPS holds the line for two seconds, and no burst
 * ever crosses the provider's per-second limit.
 */
export class TokenBucket {
  private next: number;

  constructor(
    readonly rate: number,
    private now: () => number = () => performance.now(),
  ) {
    this.next = this.now();
  }

  /** Books `n` segments; returns how many milliseconds to wait before sending them. */
  reserve(n: number): number {
    const t = this.now();
    const start = Math.max(t, this.next);
    this.next = start + (n * 1000) / this.rate;
    return start - t;
  }

  /** Pauses the line for `ms` (a provider said "retry after"): the next reservations wait. */
  pause(ms: number): void {
    this.next = Math.max(this.next, this.now() + ms);
  }
}
