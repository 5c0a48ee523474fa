/**
 * A token bucket charged per SMS segment: `rate` tokens a second, holding at most
 * `capacity`. A reservation may overdraw; the caller waits for what it returns, so a
 * two-segment message at 1 MPS waits two seconds and the long-run rate holds exactly.
 * The default burst is a tenth of a second's worth, so no one-second window ever sees
 * much more than `rate` (providers count per second).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly rate: number,
    readonly capacity = Math.max(1, Math.ceil(rate / 10)),
    private now: () => number = () => performance.now(),
  ) {
    this.tokens = capacity;
    this.last = this.now();
  }

  /** Takes `n` tokens; returns how many milliseconds to wait before using them. */
  reserve(n: number): number {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.rate);
    this.last = t;
    this.tokens -= n;
    return this.tokens >= 0 ? 0 : (-this.tokens / this.rate) * 1000;
  }

  /** Pauses the bucket for `ms` (a provider said "retry after"): the next reservations wait. */
  pause(ms: number): void {
    this.reserve(0);
    this.tokens = Math.min(this.tokens, 0) - (ms / 1000) * this.rate;
  }
}
